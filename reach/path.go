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
