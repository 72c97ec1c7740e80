// Package intent verifies network intents (model/intents) against a
// snapshot, exhaustively: every statement becomes a question about the
// exact relation between endpoints (reach.Engine.Relate), and every
// violation comes with its exact violating set — the senders, receivers
// and ports, or the internet addresses — and the point trace of one
// packet inside it.
package intent

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/intents"
	"github.com/vpcscope/vpcscope/reach"
	"go4.org/netipx"
)

// Status is an intent's verdict.
type Status string

// The verdicts.
const (
	Holds    Status = "holds"
	Violated Status = "violated"
	Unknown  Status = "unknown"
)

// Result is the verdict on one intent.
type Result struct {
	Name   string       `json:"name"`
	Kind   intents.Kind `json:"kind"`
	Line   int          `json:"line,omitempty"`
	Column int          `json:"column,omitempty"`
	// Holds is true when no violation was found and nothing was unknown.
	Holds  bool   `json:"holds"`
	Status Status `json:"status"`
	// Reason says why the status is unknown.
	Reason     string      `json:"reason,omitempty"`
	Violations []Violation `json:"violations"`
	Caveats    []string    `json:"caveats,omitempty"`
}

// Violation is an exact set of packets that breaks an intent: every
// sender of From to every receiver of To (but itself and the other
// interfaces of its instance) on every port of Ports — all reached where
// the intent forbids it, or all blocked where it requires them.
type Violation struct {
	// Kind is reached (a deny, or an only's sources outside From) or
	// blocked (an allow, or an only's From not getting through).
	Kind string `json:"kind"`
	// From and To are interface IDs, or the internet addresses as CIDR
	// prefixes.
	From     []string          `json:"from"`
	To       []string          `json:"to"`
	Protocol string            `json:"protocol"`
	ICMP     string            `json:"icmp,omitempty"`
	Ports    []model.PortRange `json:"ports,omitempty"`
	// Witness is the point answer for one packet of the set.
	Witness *reach.Answer `json:"witness"`
}

// Checker verifies intents against one engine.
type Checker struct {
	e *reach.Engine
	r *Resolver
	// Workers is how many walks run at once (0: GOMAXPROCS).
	Workers int
}

// NewChecker prepares intent checks on an engine.
func NewChecker(e *reach.Engine) *Checker { return &Checker{e: e, r: NewResolver(e)} }

// Resolver returns the checker's selector resolver.
func (c *Checker) Resolver() *Resolver { return c.r }

// ReferenceError is an intent whose selector names a resource the
// snapshot does not hold: a mistake in the file, located.
type ReferenceError struct {
	File         string
	Line, Column int
	Intent       string
	Err          error
}

func (e *ReferenceError) Error() string {
	return fmt.Sprintf("%s:%d:%d: intent %q: %v", e.File, e.Line, e.Column, e.Intent, e.Err)
}

func (e *ReferenceError) Unwrap() error { return e.Err }

// Check verifies every intent of a file, in order.
func (c *Checker) Check(f *intents.File) ([]Result, error) {
	out := make([]Result, 0, len(f.Intents))
	for _, in := range f.Intents {
		r, err := c.CheckOne(in)
		if err != nil {
			return nil, &ReferenceError{File: f.Name, Line: in.Line, Column: in.Column, Intent: in.Name, Err: err}
		}
		out = append(out, r)
	}
	return out, nil
}

// CheckOne verifies one intent.
func (c *Checker) CheckOne(in intents.Intent) (Result, error) {
	res := Result{Name: in.Name, Kind: in.Kind, Line: in.Line, Column: in.Column, Violations: []Violation{}}
	from, err1 := c.r.Resolve(in.From)
	to, err2 := c.r.Resolve(in.To)
	var unknown *UnknownError
	for _, err := range []error{err1, err2} {
		if errors.As(err, &unknown) {
			res.Status, res.Reason = Unknown, unknown.Msg
			return res, nil
		}
		if err != nil {
			return res, err
		}
	}
	switch {
	case len(to.OnPrem) > 0:
		res.Status, res.Reason = Unknown, "unknown: traffic toward on-premises networks ("+strings.Join(to.OnPrem, ", ")+") is not checked yet; they are checked as senders"
		return res, nil
	case len(from.OnPrem) > 0 && in.Kind != intents.Deny:
		res.Status, res.Reason = Unknown, "unknown: that every packet from on-premises networks ("+strings.Join(from.OnPrem, ", ")+") gets through is not checked yet; deny and the others of only statements are"
		return res, nil
	}
	probes := c.probes(in.Services)
	var vs []Violation
	var caveats []string
	var err error
	switch in.Kind {
	case intents.Deny:
		vs, caveats, err = c.reached(from, to, probes, in.Across)
	case intents.Allow:
		vs, caveats, err = c.blocked(from, to, probes, in.Across)
	case intents.Only:
		others := c.r.complement(from)
		vs, caveats, err = c.reached(others, to, probes, in.Across)
		if err == nil {
			var more []Violation
			var cav []string
			more, cav, err = c.blocked(from, to, probes, in.Across)
			vs, caveats = append(vs, more...), append(caveats, cav...)
		}
	}
	if err != nil {
		return res, err
	}
	if len(from.Interfaces) == 0 && !from.HasInternet() && len(from.OnPrem) == 0 {
		caveats = append(caveats, "from "+in.From.String()+" names no interface and no internet address")
	}
	if len(to.Interfaces) == 0 && !to.HasInternet() {
		caveats = append(caveats, "to "+in.To.String()+" names no interface and no internet address")
	}
	slices.Sort(caveats)
	res.Caveats = slices.Compact(caveats)
	res.Violations = vs
	res.Holds = len(vs) == 0
	res.Status = Holds
	if !res.Holds {
		res.Status = Violated
	}
	return res, nil
}

// probes turns a statement's services into the engine's probes: every
// protocol the network can carry when it names none.
func (c *Checker) probes(svcs []intents.Service) []reach.Probe {
	if len(svcs) == 0 {
		return c.e.DefaultProbes()
	}
	var out []reach.Probe
	for _, s := range svcs {
		p := reach.Probe{Protocol: s.Protocol, Ports: s.Ports, ICMP: s.ICMP}
		if s.Protocol == model.ProtocolICMP && s.ICMP == nil {
			// icmp without a type also covers ICMPv6's echo, as "any ping"
			out = append(out, p, reach.Probe{Protocol: model.ProtocolICMPv6})
			continue
		}
		out = append(out, p)
	}
	return out
}

// reached returns what gets from one set of endpoints to another, as
// violations of a statement that forbids it.
func (c *Checker) reached(from, to Endpoints, probes []reach.Probe, across intents.Across) ([]Violation, []string, error) {
	out, caveats, err := c.reachedFromOnPrem(from, to, probes)
	if err != nil {
		return nil, nil, err
	}
	if (len(from.Interfaces) == 0 && !from.HasInternet()) || (len(to.Interfaces) == 0 && !to.HasInternet()) {
		return out, caveats, nil
	}
	rel, err := c.e.Relate(reach.RelationOptions{From: from.Group(), To: to.Group(), Probes: probes, Workers: c.Workers})
	if err != nil {
		return nil, nil, err
	}
	for _, l := range rel.Links() {
		for _, part := range c.split(l, across) {
			v := Violation{Kind: "reached", From: part.From, To: part.To, Protocol: part.Protocol, ICMP: part.ICMP, Ports: part.Ports}
			if part.From[0] == "internet" {
				v.From = part.Sources
			}
			if part.To[0] == "internet" {
				v.To = part.Destinations
			}
			v.Witness = c.witness(rel.Probes()[l.Probe], part, true)
			out = append(out, v)
		}
	}
	return out, append(caveats, rel.Caveats()...), nil
}

// reachedFromOnPrem returns what gets from the on-premises networks of
// from to its interfaces (reach.Engine.OnPremLinks), as violations: from
// the network's addresses that get through. An on-premises network is
// outside every VPC, account and Region, so every pair crosses.
func (c *Checker) reachedFromOnPrem(from, to Endpoints, probes []reach.Probe) ([]Violation, []string, error) {
	if len(from.OnPrem) == 0 || len(to.Interfaces) == 0 {
		return nil, nil, nil
	}
	var out []Violation
	var caveats []string
	for _, name := range from.OnPrem {
		links, cav, err := c.e.OnPremLinks(name, to.Group().Interfaces, probes)
		if err != nil {
			return nil, nil, err
		}
		caveats = append(caveats, cav...)
		for _, l := range links {
			v := Violation{Kind: "reached", From: l.Sources, To: l.To, Protocol: l.Protocol, ICMP: l.ICMP, Ports: l.Ports}
			w := l
			w.From = []string{name + ":" + witnessAddr(l.Sources)}
			v.Witness = c.witness(probes[l.Probe], w, true)
			out = append(out, v)
		}
	}
	return out, caveats, nil
}

// split keeps the pairs of a link that cross the boundary (all of them
// when across is none), as links whose every pair crosses it.
func (c *Checker) split(l reach.Link, across intents.Across) []reach.Link {
	if across == intents.AcrossNone {
		return []reach.Link{l}
	}
	if l.From[0] == "internet" || l.To[0] == "internet" {
		return nil
	}
	key := func(id string) string {
		n := c.e.Index().Interface(id)
		switch across {
		case intents.AcrossAccount:
			return n.Account
		case intents.AcrossRegion:
			return n.Region
		}
		return n.VPCID
	}
	group := func(ids []string) ([]string, map[string][]string) {
		m := map[string][]string{}
		var keys []string
		for _, id := range ids {
			k := key(id)
			if m[k] == nil {
				keys = append(keys, k)
			}
			m[k] = append(m[k], id)
		}
		slices.Sort(keys)
		return keys, m
	}
	fk, fm := group(l.From)
	tk, tm := group(l.To)
	var out []reach.Link
	for _, f := range fk {
		var tos []string
		for _, t := range tk {
			if t != f {
				tos = append(tos, tm[t]...)
			}
		}
		if len(tos) == 0 {
			continue
		}
		slices.Sort(tos)
		p := l
		p.From, p.To = fm[f], tos
		out = append(out, p)
	}
	return out
}

// blocked returns what does not get from one set of endpoints to
// another, as violations of a statement that requires every packet of it:
// for every pair of interfaces (and the internet's addresses) the ports
// the relation lacks.
func (c *Checker) blocked(from, to Endpoints, probes []reach.Probe, across intents.Across) ([]Violation, []string, error) {
	if (len(from.Interfaces) == 0 && !from.HasInternet()) || (len(to.Interfaces) == 0 && !to.HasInternet()) {
		return nil, nil, nil
	}
	rel, err := c.e.Relate(reach.RelationOptions{From: from.Group(), To: to.Group(), Probes: probes, Workers: c.Workers})
	if err != nil {
		return nil, nil, err
	}
	type pair struct {
		from, to string
		probe    int
	}
	got := map[pair][]model.PortRange{}
	inetGot := map[pair][]reach.Link{}
	for _, l := range rel.Links() {
		for _, f := range l.From {
			for _, t := range l.To {
				k := pair{f, t, l.Probe}
				if f == "internet" || t == "internet" {
					inetGot[k] = append(inetGot[k], l)
					continue
				}
				got[k] = reach.UnionPorts(got[k], l.PortRanges())
			}
		}
	}
	instance := func(id string) string { return c.e.Index().Interface(id).InstanceID() }
	crosses := func(a, b string) bool {
		if across == intents.AcrossNone {
			return true
		}
		return len(c.split(reach.Link{From: []string{a}, To: []string{b}}, across)) > 0
	}
	var out []Violation
	froms := sortedKeys(from.Interfaces)
	tos := sortedKeys(to.Interfaces)
	for pi, p := range rel.Probes() {
		full := fullPorts(p)
		// interface pairs: the ports missing, receivers joined per sender
		// and then senders per set of receivers
		type block struct {
			from, to []string
			ports    []model.PortRange
		}
		var blocks []block
		for _, a := range froms {
			byMissing := map[string]*block{}
			var order []string
			for _, b := range tos {
				if a == b || (instance(a) != "" && instance(a) == instance(b)) || !crosses(a, b) {
					continue
				}
				if !carries(c.e, p, a, b) {
					continue // no address of the protocol's IP version on both ends
				}
				missing := reach.SubtractPorts(full, got[pair{a, b, pi}])
				if len(missing) == 0 {
					continue
				}
				k := reach.PortsString(missing)
				if byMissing[k] == nil {
					byMissing[k] = &block{from: []string{a}, ports: missing}
					order = append(order, k)
				}
				byMissing[k].to = append(byMissing[k].to, b)
			}
			for _, k := range order {
				blocks = append(blocks, *byMissing[k])
			}
		}
		merged := map[string]int{}
		var final []block
		for _, b := range blocks {
			k := strings.Join(b.to, ",") + "|" + reach.PortsString(b.ports)
			if i, ok := merged[k]; ok {
				final[i].from = append(final[i].from, b.from...)
				continue
			}
			merged[k] = len(final)
			final = append(final, b)
		}
		for _, b := range final {
			v := Violation{Kind: "blocked", From: b.from, To: b.to, Protocol: p.Protocol.String(), Ports: portsField(p, b.ports)}
			if p.Protocol.IsICMP() {
				v.ICMP = icmpText(p)
			}
			v.Witness = c.witness(p, reach.Link{From: b.from, To: b.to, Ports: v.Ports}, false)
			out = append(out, v)
		}
		// the internet: the addresses that miss each stretch of ports
		if across == intents.AcrossNone {
			if from.HasInternet() {
				for _, b := range tos {
					out = append(out, c.internetMissing(p, pi, from.Internet, inetGot[pair{"internet", b, pi}], b, true)...)
				}
			}
			if to.HasInternet() {
				for _, a := range froms {
					out = append(out, c.internetMissing(p, pi, to.Internet, inetGot[pair{a, "internet", pi}], a, false)...)
				}
			}
		}
	}
	return out, rel.Caveats(), nil
}

// internetMissing returns, for one interface and the internet addresses
// of a statement, the addresses that do not get through (or are not
// reached) on each stretch of the probe's ports.
func (c *Checker) internetMissing(p reach.Probe, pi int, want *netipx.IPSet, links []reach.Link, id string, fromInternet bool) []Violation {
	n := c.e.Index().Interface(id)
	if fromInternet && len(n.PublicIPs()) == 0 && len(n.IPv6Addresses) == 0 {
		// nothing on the internet can address it
		return []Violation{c.missingViolation(p, want, id, fullPorts(p), fromInternet)}
	}
	full := fullPorts(p)
	cuts := []int{int(full[0].From), int(full[len(full)-1].To) + 1}
	for _, l := range links {
		for _, r := range l.PortRanges() {
			cuts = append(cuts, int(r.From), int(r.To)+1)
		}
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	var out []Violation
	var prev *Violation
	var prevSet *netipx.IPSet
	for i := 0; i+1 < len(cuts); i++ {
		r := model.PortRange{From: uint16(cuts[i]), To: uint16(cuts[i+1] - 1)}
		if len(reach.SubtractPorts([]model.PortRange{r}, full)) > 0 {
			continue
		}
		var b netipx.IPSetBuilder
		b.AddSet(want)
		for _, l := range links {
			if reach.CoversPorts(l.PortRanges(), r) {
				set := l.Sources
				if !fromInternet {
					set = l.Destinations
				}
				for _, s := range set {
					if pfx, err := netip.ParsePrefix(s); err == nil {
						b.RemovePrefix(pfx)
					}
				}
			}
		}
		missing, _ := b.IPSet()
		if len(missing.Ranges()) == 0 {
			prev, prevSet = nil, nil
			continue
		}
		if prev != nil && prevSet.Equal(missing) {
			prev.Ports = reach.UnionPorts(prev.Ports, []model.PortRange{r})
			continue
		}
		v := c.missingViolation(p, missing, id, []model.PortRange{r}, fromInternet)
		out = append(out, v)
		prev, prevSet = &out[len(out)-1], missing
	}
	for i := range out {
		out[i].Ports = portsField(p, out[i].Ports)
		out[i].Witness = c.internetWitness(p, out[i], fromInternet)
	}
	return out
}

func (c *Checker) missingViolation(p reach.Probe, missing *netipx.IPSet, id string, ports []model.PortRange, fromInternet bool) Violation {
	var cidrs []string
	for _, pfx := range missing.Prefixes() {
		cidrs = append(cidrs, pfx.String())
	}
	v := Violation{Kind: "blocked", Protocol: p.Protocol.String(), Ports: ports, From: cidrs, To: []string{id}}
	if !fromInternet {
		v.From, v.To = []string{id}, cidrs
	}
	if p.Protocol.IsICMP() {
		v.ICMP = icmpText(p)
	}
	return v
}

// witness answers one packet of a violation with the full point trace.
func (c *Checker) witness(p reach.Probe, l reach.Link, reached bool) *reach.Answer {
	q := reach.Query{Protocol: p.Protocol, ICMP: p.ICMP}
	if len(l.Ports) > 0 && p.Protocol.HasPorts() {
		q.Port = max(int(l.Ports[0].From), 1)
	}
	froms, tos := l.From, l.To
	if len(froms) > 0 && froms[0] == "internet" {
		froms = []string{witnessAddr(l.Sources)}
	}
	if len(tos) > 0 && tos[0] == "internet" {
		tos = []string{witnessAddr(l.Destinations)}
	}
	var first *reach.Answer
	tries := 0
	for _, f := range froms {
		for _, t := range tos {
			if f == t {
				continue
			}
			if tries++; tries > 64 {
				return first
			}
			q.From, q.To = f, t
			a, err := c.e.Reach(q)
			if err != nil {
				continue
			}
			if a.Reachable == reached {
				return a
			}
			if first == nil {
				first = a
			}
		}
	}
	return first
}

func (c *Checker) internetWitness(p reach.Probe, v Violation, fromInternet bool) *reach.Answer {
	l := reach.Link{From: v.From, To: v.To, Ports: v.Ports}
	if fromInternet {
		l.From, l.Sources = []string{"internet"}, v.From
	} else {
		l.To, l.Destinations = []string{"internet"}, v.To
	}
	return c.witness(p, l, false)
}

// witnessAddr picks an example address from prefixes: 8.8.8.8 when they
// hold it, else the second address of the first (skipping a network
// address).
func witnessAddr(prefixes []string) string {
	var first netip.Addr
	for _, s := range prefixes {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			continue
		}
		if p.Contains(netip.MustParseAddr("8.8.8.8")) {
			return "8.8.8.8"
		}
		if !first.IsValid() {
			first = p.Addr()
			if n := first.Next(); p.Contains(n) {
				first = n
			}
		}
	}
	if !first.IsValid() {
		return "internet"
	}
	return first.String()
}

// carries reports whether two interfaces share an IP version the probe's
// protocol runs on.
func carries(e *reach.Engine, p reach.Probe, a, b string) bool {
	na, nb := e.Index().Interface(a), e.Index().Interface(b)
	v4 := na.PrimaryIP().IsValid() && nb.PrimaryIP().IsValid()
	v6 := len(na.IPv6Addresses) > 0 && len(nb.IPv6Addresses) > 0
	return (v4 && p.Protocol.Carries(true)) || (v6 && p.Protocol.Carries(false))
}

func fullPorts(p reach.Probe) []model.PortRange {
	if p.Protocol.HasPorts() {
		if len(p.Ports) > 0 {
			return reach.UnionPorts(nil, p.Ports)
		}
		return []model.PortRange{model.AllPorts}
	}
	return []model.PortRange{model.AllPorts}
}

// portsField returns ports as a violation shows them: none for a
// protocol without ports.
func portsField(p reach.Probe, ports []model.PortRange) []model.PortRange {
	if !p.Protocol.HasPorts() {
		return nil
	}
	return ports
}

func icmpText(p reach.Probe) string {
	s := p.String()
	_, after, _ := strings.Cut(s, " ")
	return after
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
