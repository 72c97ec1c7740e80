package reach

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// Route priorities for equal prefixes (lower wins): AWS prefers static
// routes, then prefix-list routes, then propagated ones.
const (
	prioStatic = iota
	prioPrefixList
	prioPropagated
	prioOther
)

// compiledRoute is one destination prefix of a VPC route table, with
// prefix-list routes expanded into one entry per list CIDR.
type compiledRoute struct {
	prefix   netip.Prefix
	index    int // into RouteTable.Routes
	priority int
	text     string // the route, as routeText renders it
}

func (e *Engine) compileRouteTable(rt *model.RouteTable) []compiledRoute {
	var out []compiledRoute
	for i := range rt.Routes {
		r := &rt.Routes[i]
		text := routeText(r)
		switch {
		case r.DestinationPrefixListID != "":
			if pl := e.ix.PrefixList(r.DestinationPrefixListID); pl != nil {
				for _, en := range pl.Entries {
					out = append(out, compiledRoute{en.CIDR, i, prioPrefixList, text})
				}
			}
		case r.Destination.IsValid():
			prio := prioStatic
			if r.Origin == "EnableVgwRoutePropagation" {
				prio = prioPropagated
			}
			out = append(out, compiledRoute{r.Destination.Masked(), i, prio, text})
		}
	}
	sortRoutes(out, func(r compiledRoute) (netip.Prefix, int) { return r.prefix, r.priority })
	return out
}

func sortRoutes[T any](rs []T, key func(T) (netip.Prefix, int)) {
	slices.SortStableFunc(rs, func(a, b T) int {
		pa, qa := key(a)
		pb, qb := key(b)
		if c := cmp.Compare(pb.Bits(), pa.Bits()); c != 0 {
			return c
		}
		return cmp.Compare(qa, qb)
	})
}

// routePart is the part of a packet set a route table sends by one route;
// route is nil for the part no route covers.
type routePart struct {
	pkt   packet
	route *model.Route
	index int
	// text is the route as routeText renders it.
	text string
}

// routeParts applies a VPC route table to a packet set (AWS VPC user
// guide, "Route priority"): each destination takes the route with the
// longest matching prefix, IPv4 and IPv6 apart; for equal prefixes static
// routes win over prefix-list routes, which win over propagated ones. The
// parts are in the table's order; the part without a route comes last.
func (e *Engine) routeParts(rt *model.RouteTable, pkt packet) []routePart {
	return e.compiledRouteParts(rt, e.routeTables[rt.ID], pkt)
}

// compiledRouteParts applies rt, compiled as routes, to a packet set.
func (e *Engine) compiledRouteParts(rt *model.RouteTable, routes []compiledRoute, pkt packet) []routePart {
	if p, ok := routeOfOne(rt, routes, pkt); ok {
		return []routePart{p}
	}
	return partitionByPrefix(routes, pkt,
		func(c compiledRoute) netip.Prefix { return c.prefix },
		func(c compiledRoute, p packet) routePart {
			return routePart{pkt: p, route: &rt.Routes[c.index], index: c.index, text: c.text}
		},
		func(p packet) routePart { return routePart{pkt: p, index: -1} })
}

// routeOfOne is compiledRouteParts for a packet set of one destination
// address, whose one part it returns without a list (ok false for any
// other set).
func routeOfOne(rt *model.RouteTable, routes []compiledRoute, pkt packet) (_ routePart, ok bool) {
	d, ok := pkt.singleDst()
	if !ok {
		return routePart{}, false
	}
	if i := firstByPrefix(routes, nil, d, func(c compiledRoute) netip.Prefix { return c.prefix }); i >= 0 {
		c := routes[i]
		return routePart{pkt: pkt, route: &rt.Routes[c.index], index: c.index, text: c.text}, true
	}
	return routePart{pkt: pkt, index: -1}, true
}

// partitionByPrefix splits a packet set by destination over routes sorted
// longest prefix first: each destination goes with the first route whose
// prefix holds it. Parts of one route are merged; the rest goes to none.
func partitionByPrefix[R, P any](routes []R, pkt packet, prefix func(R) netip.Prefix, part func(R, packet) P, none func(packet) P) []P {
	return partitionByPrefixIndexed(routes, nil, pkt, prefix, part, none)
}

// partitionByPrefixIndexed is partitionByPrefix with the routes' prefix
// index (nil for none): a single destination's route is then found by a
// lookup per prefix length rather than by a scan of every route.
func partitionByPrefixIndexed[R, P any](routes []R, lpm *prefixIndex, pkt packet, prefix func(R) netip.Prefix, part func(R, packet) P, none func(packet) P) []P {
	if d, ok := pkt.singleDst(); ok {
		if i := firstByPrefix(routes, lpm, d, prefix); i >= 0 {
			return []P{part(routes[i], pkt)}
		}
		return []P{none(pkt)}
	}
	var out []P
	rest := pkt
	for _, r := range routes {
		if rest.empty() {
			break
		}
		p := prefix(r)
		if p.Addr().Is4() != rest.is4() {
			continue
		}
		in, out2 := rest.splitDstPrefixes([]netip.Prefix{p})
		if !in.empty() {
			out = append(out, part(r, in))
		}
		rest = out2
	}
	if !rest.empty() {
		out = append(out, none(rest))
	}
	return out
}

// firstByPrefix returns the index of the first of routes, sorted longest
// prefix first, whose prefix holds the single destination d, or -1: by
// the routes' prefix index when there is one (nil for none), else by a scan.
func firstByPrefix[R any](routes []R, lpm *prefixIndex, d netip.Addr, prefix func(R) netip.Prefix) int {
	if lpm != nil && d.Zone() == "" {
		return lpm.first(d)
	}
	for i, r := range routes {
		if p := prefix(r); p.Addr().Is4() == d.Is4() && p.Contains(d) {
			return i
		}
	}
	return -1
}

// prefixIndex finds the first of a list of routes, sorted longest prefix
// first (sortRoutes), whose prefix holds an address: the route
// partitionByPrefix's scan finds, by one lookup per prefix length present.
type prefixIndex struct {
	bits4, bits6 []int // the prefix lengths present, longest first
	at           map[netip.Prefix]int
}

// newPrefixIndex indexes n routes sorted longest prefix first, the i-th
// with prefix(i).
func newPrefixIndex(n int, prefix func(int) netip.Prefix) *prefixIndex {
	x := &prefixIndex{at: make(map[netip.Prefix]int, n)}
	for i := range n {
		p := prefix(i)
		k := p.Masked()
		if _, ok := x.at[k]; ok {
			continue // an earlier route of the same prefix comes first
		}
		x.at[k] = i
		bits := &x.bits6
		if p.Addr().Is4() {
			bits = &x.bits4
		}
		if l := len(*bits); l == 0 || (*bits)[l-1] != p.Bits() {
			*bits = append(*bits, p.Bits()) // sorted input: lengths come longest first
		}
	}
	return x
}

// first returns the index of the first route whose prefix holds d (an
// address without a zone), or -1.
func (x *prefixIndex) first(d netip.Addr) int {
	bits := x.bits6
	if d.Is4() {
		bits = x.bits4
	}
	for _, b := range bits {
		if p, err := d.Prefix(b); err == nil {
			if i, ok := x.at[p]; ok {
				return i
			}
		}
	}
	return -1
}

// missingPrefixLists returns the prefix lists a route table names that the
// snapshot lacks, so an answer can say its lookup may be incomplete.
func (e *Engine) missingPrefixLists(rt *model.RouteTable) []string {
	var out []string
	for _, r := range rt.Routes {
		if r.DestinationPrefixListID != "" && e.ix.PrefixList(r.DestinationPrefixListID) == nil {
			out = append(out, r.DestinationPrefixListID)
		}
	}
	return out
}

// compiledTGWRoute is one destination of a transit gateway route table.
type compiledTGWRoute struct {
	prefix   netip.Prefix
	route    *model.TGWRoute
	priority int
	text     string // the route, as tgwRouteText renders it
}

// compileTGWRouteTable merges the collected routes with the routes that
// the table's VPC propagations imply (a propagating VPC attachment installs
// each of its VPC's CIDRs), since collectors often record only static routes.
func (e *Engine) compileTGWRouteTable(rt *model.TGWRouteTable) []compiledTGWRoute {
	var out []compiledTGWRoute
	seen := make(map[string]bool)
	add := func(p netip.Prefix, r *model.TGWRoute) {
		att := ""
		if len(r.Attachments) > 0 {
			att = r.Attachments[0].AttachmentID
		}
		key := p.String() + "|" + att + "|" + r.Type
		if seen[key] {
			return
		}
		seen[key] = true
		prio := prioOther
		switch {
		case r.PrefixListID != "":
			prio = prioPrefixList
		case r.Type == "static" || r.Type == "":
			prio = prioStatic
		case r.Type == "propagated":
			prio = prioPropagated
		}
		out = append(out, compiledTGWRoute{p, r, prio, tgwRouteText(r, p)})
	}
	for i := range rt.Routes {
		r := &rt.Routes[i]
		switch {
		case r.PrefixListID != "":
			if pl := e.ix.PrefixList(r.PrefixListID); pl != nil {
				for _, en := range pl.Entries {
					add(en.CIDR, r)
				}
			}
		case r.Destination.IsValid():
			add(r.Destination.Masked(), r)
		}
	}
	for _, p := range rt.Propagations {
		if p.ResourceType != "vpc" || (p.State != "" && p.State != "enabled") {
			continue
		}
		vpc := e.ix.VPC(p.ResourceID)
		if vpc == nil {
			continue
		}
		for _, c := range slices.Concat(vpc.CIDRs, vpc.IPv6CIDRs) {
			r := &model.TGWRoute{Destination: c, Type: "propagated", State: "active",
				Attachments: []model.TGWRouteAttachment{{AttachmentID: p.AttachmentID, ResourceID: p.ResourceID, ResourceType: "vpc"}}}
			add(c.Masked(), r)
		}
	}
	sortRoutes(out, func(r compiledTGWRoute) (netip.Prefix, int) { return r.prefix, r.priority })
	return out
}

// tgwRoutePart is the part of a packet set a transit gateway route table
// sends by one route; route is nil for the part no route covers.
type tgwRoutePart struct {
	pkt    packet
	route  *model.TGWRoute
	prefix netip.Prefix
	// text is the route as tgwRouteText renders it.
	text string
}

// tgwRouteParts applies a transit gateway route table to a packet set
// (Transit Gateway guide, "Route evaluation order"): longest prefix first,
// then static over prefix-list over propagated routes.
func (e *Engine) tgwRouteParts(rtID string, pkt packet) []tgwRoutePart {
	return compiledTGWRouteParts(e.tgwTables[rtID], nil, pkt)
}

// compiledTGWRouteParts applies a transit gateway route table, compiled
// as routes, to a packet set.
func compiledTGWRouteParts(routes []compiledTGWRoute, lpm *prefixIndex, pkt packet) []tgwRoutePart {
	return partitionByPrefixIndexed(routes, lpm, pkt, compiledTGWRoute.destination, compiledTGWRoute.part, noTGWRoutePart)
}

// singleTGWRoutePart is compiledTGWRouteParts for a packet set with a
// single destination (ok false for any other): its one part, without the
// list.
func singleTGWRoutePart(routes []compiledTGWRoute, lpm *prefixIndex, pkt packet) (part tgwRoutePart, ok bool) {
	d, ok := pkt.singleDst()
	if !ok {
		return tgwRoutePart{}, false
	}
	if i := firstByPrefix(routes, lpm, d, compiledTGWRoute.destination); i >= 0 {
		return routes[i].part(pkt), true
	}
	return noTGWRoutePart(pkt), true
}

func (c compiledTGWRoute) destination() netip.Prefix { return c.prefix }

// part is the part of a packet set that route c sends.
func (c compiledTGWRoute) part(p packet) tgwRoutePart {
	return tgwRoutePart{pkt: p, route: c.route, prefix: c.prefix, text: c.text}
}

// noTGWRoutePart is the part of a packet set no route covers.
func noTGWRoutePart(p packet) tgwRoutePart { return tgwRoutePart{pkt: p} }

// routeText renders a VPC route as "10.0.0.0/16 -> local".
func routeText(r *model.Route) string {
	t := r.Target()
	s := r.DestinationString() + " -> " + t.ID
	if t.Kind == model.TargetNone {
		s = r.DestinationString() + " -> (no target)"
	}
	if r.State != "" && r.State != "active" {
		s += " [" + r.State + "]"
	}
	return s
}

// tgwRouteText renders a transit gateway route.
func tgwRouteText(r *model.TGWRoute, p netip.Prefix) string {
	target := "blackhole"
	if len(r.Attachments) > 0 {
		parts := make([]string, len(r.Attachments))
		for i, a := range r.Attachments {
			parts[i] = a.AttachmentID
			if a.ResourceID != "" {
				parts[i] += " (" + a.ResourceType + " " + a.ResourceID + ")"
			}
		}
		target = strings.Join(parts, ", ")
	}
	typ := r.Type
	if typ == "" {
		typ = "static"
	}
	return fmt.Sprintf("%s -> %s [%s, %s]", p, target, typ, cmp.Or(r.State, "active"))
}
