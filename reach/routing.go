package reach

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

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
}

func (e *Engine) compileRouteTable(rt *model.RouteTable) []compiledRoute {
	var out []compiledRoute
	for i := range rt.Routes {
		r := &rt.Routes[i]
		switch {
		case r.DestinationPrefixListID != "":
			if pl := e.ix.PrefixList(r.DestinationPrefixListID); pl != nil {
				for _, en := range pl.Entries {
					out = append(out, compiledRoute{en.CIDR, i, prioPrefixList})
				}
			}
		case r.Destination.IsValid():
			prio := prioStatic
			if r.Origin == "EnableVgwRoutePropagation" {
				prio = prioPropagated
			}
			out = append(out, compiledRoute{r.Destination.Masked(), i, prio})
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

// lookupRoute returns the route a VPC route table uses for dst: the
// longest matching prefix, ties broken by priority.
func (e *Engine) lookupRoute(rt *model.RouteTable, dst netip.Addr) (*model.Route, int, bool) {
	for _, c := range e.routeTables[rt.ID] {
		if c.prefix.Addr().Is4() == dst.Is4() && c.prefix.Contains(dst) {
			return &rt.Routes[c.index], c.index, true
		}
	}
	return nil, -1, false
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
		out = append(out, compiledTGWRoute{p, r, prio})
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

// lookupTGWRoute returns the transit gateway route for dst.
func (e *Engine) lookupTGWRoute(rtID string, dst netip.Addr) (*model.TGWRoute, netip.Prefix, bool) {
	for _, c := range e.tgwTables[rtID] {
		if c.prefix.Addr().Is4() == dst.Is4() && c.prefix.Contains(dst) {
			return c.route, c.prefix, true
		}
	}
	return nil, netip.Prefix{}, false
}

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
		a := r.Attachments[0]
		target = a.AttachmentID
		if a.ResourceID != "" {
			target += " (" + a.ResourceType + " " + a.ResourceID + ")"
		}
	}
	typ := r.Type
	if typ == "" {
		typ = "static"
	}
	return fmt.Sprintf("%s -> %s [%s, %s]", p, target, typ, cmp.Or(r.State, "active"))
}
