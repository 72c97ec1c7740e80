package main

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/tfplan"
	"github.com/vpcscope/vpcscope/reach"
)

// This file gives the answers on a planned network (--plan) the caveat
// `vpcscope plan` gives: a path through a firewall the plan creates
// crosses an endpoint that exists only after apply.

// isFirewallEndpoint reports whether a placeholder stands for the
// endpoint of a firewall the plan creates (its firewall_status).
func isFirewallEndpoint(ph tfplan.Placeholder) bool {
	return strings.HasPrefix(ph.Attribute, "firewall_status.")
}

// firewallEndpointCaveat is the caveat of an answer through a placeholder
// firewall endpoint.
func firewallEndpointCaveat(ph tfplan.Placeholder) string {
	return fmt.Sprintf("answers through %s cross its endpoint placeholder %s: AWS creates the endpoint at apply, one per subnet mapping, and the plan's routes that name firewall_status were resolved to the endpoint of their Availability Zone",
		ph.Address, ph.Value)
}

// endpointRoutes maps the routes of a network that lead to a placeholder
// firewall endpoint, by route table ID and route index, to the
// placeholder. A hop of an answer names such a route by its reference
// (reach.RuleRef of kind route).
type endpointRoutes map[string]map[int]tfplan.Placeholder

// firewallEndpointRoutes indexes the routes of snap (the network answered
// on, after any --assume edits) that lead to one of the placeholders.
func firewallEndpointRoutes(snap *model.Snapshot, phs []tfplan.Placeholder) endpointRoutes {
	eps := map[string]tfplan.Placeholder{}
	for _, ph := range phs {
		if isFirewallEndpoint(ph) {
			eps[ph.Value] = ph
		}
	}
	out := endpointRoutes{}
	if len(eps) == 0 || snap == nil {
		return out
	}
	for _, rt := range snap.RouteTables {
		for i := range rt.Routes {
			if ph, ok := eps[rt.Routes[i].Target().ID]; ok {
				if out[rt.ID] == nil {
					out[rt.ID] = map[int]tfplan.Placeholder{}
				}
				out[rt.ID][i] = ph
			}
		}
	}
	return out
}

// caveats returns the caveat of each placeholder endpoint the paths
// cross, in path order.
func (r endpointRoutes) caveats(paths ...[]reach.Hop) []string {
	var out []string
	for _, p := range paths {
		for _, h := range p {
			if h.Layer != reach.LayerRouteTable || h.Ref == nil || h.Ref.Kind != reach.RefRoute {
				continue
			}
			if ph, ok := r[h.Resource][h.Ref.Index]; ok {
				out = appendOnce(out, firewallEndpointCaveat(ph))
			}
		}
	}
	return out
}

// planCaveats adds to answers on a planned network the caveats of the
// placeholder firewall endpoints their paths cross: a reach answer's
// paths, an exposure's paths, and for who-can-reach (whose sources carry
// no path) each listed source asked again as a point query.
func (g *globalOptions) planCaveats(snap *model.Snapshot, e *reach.Engine, answer any) {
	g.planAnnotator(snap, e)(answer)
}

// planAnnotator returns planCaveats for answers on one snapshot, finding
// the placeholder endpoints' routes once: a batch annotates every answer.
func (g *globalOptions) planAnnotator(snap *model.Snapshot, e *reach.Engine) func(answer any) {
	if g.planned == nil {
		return func(any) {}
	}
	r := firewallEndpointRoutes(snap, g.planned.placeholders)
	return func(answer any) { r.annotate(e, answer) }
}

// annotate adds the caveats of the placeholder endpoints an answer's
// paths cross (planCaveats).
func (r endpointRoutes) annotate(e *reach.Engine, answer any) {
	if len(r) == 0 {
		return
	}
	switch a := answer.(type) {
	case *reach.Answer:
		for _, c := range r.caveats(a.Forward, a.Return) {
			a.Caveats = appendOnce(a.Caveats, c)
		}
	case *reach.ExposureReport:
		for _, x := range a.Exposed {
			for _, c := range r.caveats(x.Path) {
				a.Caveats = appendOnce(a.Caveats, c)
			}
		}
	case *reach.WhoAnswer:
		for _, src := range slices.Concat(a.Sources, a.Blocked) {
			from := whoSourceFrom(src)
			if from == "" {
				continue
			}
			proto, err := model.ParseProtocol(a.Protocol)
			if err != nil {
				return
			}
			q := reach.Query{From: from, To: a.To, Protocol: proto}
			if a.Port != nil {
				q.Port = *a.Port
			}
			p, err := e.Reach(q)
			if err != nil {
				continue // the source is listed; only its caveat is at stake
			}
			for _, c := range r.caveats(p.Forward, p.Return) {
				a.Caveats = appendOnce(a.Caveats, c)
			}
		}
	}
}

// whoSourceFrom returns how a point query names a who-can-reach source:
// its interface, the internet, or the first address of its range.
func whoSourceFrom(src reach.Source) string {
	switch {
	case src.ID != "":
		return src.ID
	case src.Kind == "internet":
		return "internet"
	case len(src.IPs) > 0:
		if p, err := netip.ParsePrefix(src.IPs[0]); err == nil {
			return p.Addr().String()
		}
		return src.IPs[0]
	}
	return ""
}
