package reach

// Resources returns the IDs of the resources an answer's path crosses, in
// path order and each once: the source's interface (or instance, load
// balancer), every forward hop, the destination's, then every return hop.
// Hops that name no resource of the snapshot ("internet", an address) are
// included as they are; a caller looks each ID up and skips what it does
// not hold. It is what a map highlights for a trace.
func (a *Answer) Resources() []string {
	if a == nil {
		return nil
	}
	seen := make(map[string]bool, len(a.Forward)+len(a.Return)+4)
	var out []string
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	end := func(e Endpoint) {
		add(e.Interface)
		add(e.ID)
	}
	end(a.Query.Source)
	for _, h := range a.Forward {
		add(h.Resource)
	}
	end(a.Query.Dest)
	for _, h := range a.Return {
		add(h.Resource)
	}
	return out
}

// Crossing is a hop's move into another account or Region than the hops
// before it on its path: the one rule by which every presenter says so
// ("⇢ crosses into account 444455556666 (us-east-1)"). The zero Crossing
// is no crossing.
type Crossing struct {
	// Account and Region are the hop's (Hop.Account, Hop.Region).
	Account, Region string
	// NewAccount and NewRegion say which of them differs from the last
	// hop before it on the path that knew its own.
	NewAccount, NewRegion bool
}

// Crosses reports whether the hop enters another account or Region.
func (c Crossing) Crosses() bool { return c.NewAccount || c.NewRegion }

// String says the crossing in words: "crosses into account 444455556666
// (us-east-1)", "crosses into account 444455556666, region eu-west-1",
// "crosses into region us-west-2"; "" when the hop crosses nothing.
func (c Crossing) String() string {
	switch {
	case c.NewAccount && c.NewRegion:
		return "crosses into account " + c.Account + ", region " + c.Region
	case c.NewAccount && c.Region != "":
		return "crosses into account " + c.Account + " (" + c.Region + ")"
	case c.NewAccount:
		return "crosses into account " + c.Account
	case c.NewRegion:
		return "crosses into region " + c.Region
	}
	return ""
}

// Crossings returns, for each hop of a path (an answer's Forward or
// Return), where it crosses into another account or Region. A hop is
// compared with the last hop before it whose account (or Region) is
// known, so a hop that names no resource (the internet, an address) or a
// global one (a Direct Connect gateway, which has no Region) neither
// crosses nor hides a crossing; the first hop of a path crosses nothing.
func Crossings(hops []Hop) []Crossing {
	out := make([]Crossing, len(hops))
	account, region := "", ""
	for i, h := range hops {
		c := Crossing{Account: h.Account, Region: h.Region}
		if h.Account != "" {
			c.NewAccount = account != "" && h.Account != account
			account = h.Account
		}
		if h.Region != "" {
			c.NewRegion = region != "" && h.Region != region
			region = h.Region
		}
		if c.Crosses() {
			out[i] = c
		}
	}
	return out
}
