package model

import (
	"errors"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/dominikbraun/graph"
)

// Relation names how two resources are related in the graph view.
type Relation string

// The relations of the graph view. An edge reads "From <relation> To".
const (
	// RelContains: a VPC contains its subnets, groups, tables and endpoints;
	// a subnet contains its interfaces and NAT gateways; a transit gateway
	// contains its route tables.
	RelContains Relation = "contains"
	// RelAssociatedWith: a route table or network ACL with its subnets (or
	// gateway), a security group with the interfaces that use it, a load
	// balancer with its subnets, a gateway endpoint with its route tables.
	RelAssociatedWith Relation = "associated-with"
	// RelAttachedTo: an interface to its instance or owner, a gateway or
	// peering connection or transit gateway attachment to a VPC.
	RelAttachedTo Relation = "attached-to"
	// RelRoutesTo: a route table to each route target, a transit gateway
	// route table to attachments, a load balancer to target groups, a target
	// group to its targets.
	RelRoutesTo Relation = "routes-to"
	// RelReferences: a security group rule naming another group or a prefix
	// list, a route naming a prefix list.
	RelReferences Relation = "references"
)

// Link is one edge of the graph view.
type Link struct {
	From     string   `json:"from"`
	To       string   `json:"to"`
	Relation Relation `json:"relation"`
	// Detail says why, e.g. the route destination or the rule.
	Detail string `json:"detail,omitempty"`
}

// Graph is the snapshot as a directed graph of resources (vertices, keyed
// by ID) and their relations (edges), built with dominikbraun/graph. IDs
// that relations name but the snapshot does not hold (a peer account's
// security group, a deleted NAT gateway) become vertices marked missing.
type Graph struct {
	g   graph.Graph[string, string]
	out map[string][]Link
	in  map[string][]Link
}

// vertex attributes
const (
	attrKind     = "kind"
	attrMissing  = "missing"
	attrRelation = "relation"
	attrDetail   = "detail"
)

// NewGraph builds the graph view of an indexed snapshot.
func NewGraph(ix *Index) *Graph {
	b := graphBuilder{ix: ix, g: graph.New(graph.StringHash, graph.Directed())}
	for r := range ix.snap.All() {
		b.vertex(r.Base().ID, r.Kind())
	}
	b.addLinks()
	adj, _ := b.g.AdjacencyMap()
	gr := &Graph{g: b.g, out: make(map[string][]Link, len(adj)), in: make(map[string][]Link, len(adj))}
	for from, tos := range adj {
		for to, e := range tos {
			l := Link{From: from, To: to, Relation: Relation(e.Properties.Attributes[attrRelation]),
				Detail: e.Properties.Attributes[attrDetail]}
			gr.out[from] = append(gr.out[from], l)
			gr.in[to] = append(gr.in[to], l)
		}
	}
	for _, m := range []map[string][]Link{gr.out, gr.in} {
		for _, ls := range m {
			sort.Slice(ls, func(i, j int) bool {
				if ls[i].Relation != ls[j].Relation {
					return ls[i].Relation < ls[j].Relation
				}
				return ls[i].From+ls[i].To < ls[j].From+ls[j].To
			})
		}
	}
	return gr
}

// Graph returns the underlying dominikbraun/graph for graph algorithms
// (paths, traversals). Vertex values and hashes are resource IDs.
func (gr *Graph) Graph() graph.Graph[string, string] { return gr.g }

// Out returns the links that start at the resource.
func (gr *Graph) Out(id string) []Link { return gr.out[id] }

// In returns the links that end at the resource.
func (gr *Graph) In(id string) []Link { return gr.in[id] }

// Missing reports whether id is named by a relation but not in the snapshot.
func (gr *Graph) Missing(id string) bool {
	_, props, err := gr.g.VertexWithProperties(id)
	return err == nil && props.Attributes[attrMissing] == "true"
}

// Order returns the number of vertices.
func (gr *Graph) Order() int { n, _ := gr.g.Order(); return n }

// Size returns the number of edges.
func (gr *Graph) Size() int { n, _ := gr.g.Size(); return n }

type graphBuilder struct {
	ix *Index
	g  graph.Graph[string, string]
}

func (b *graphBuilder) vertex(id string, kind Kind) {
	_ = b.g.AddVertex(id, graph.VertexAttribute(attrKind, string(kind)))
}

// link adds an edge, creating a missing vertex for an unknown endpoint and
// merging the detail of repeated edges.
func (b *graphBuilder) link(from, to string, rel Relation, detail string) {
	if from == "" || to == "" || from == to && rel != RelReferences {
		return
	}
	for _, id := range []string{from, to} {
		if _, err := b.g.Vertex(id); errors.Is(err, graph.ErrVertexNotFound) {
			_ = b.g.AddVertex(id, graph.VertexAttribute(attrMissing, "true"))
		}
	}
	err := b.g.AddEdge(from, to, graph.EdgeAttributes(map[string]string{attrRelation: string(rel), attrDetail: detail}))
	if errors.Is(err, graph.ErrEdgeAlreadyExists) && detail != "" {
		e, _ := b.g.Edge(from, to)
		old := e.Properties.Attributes[attrDetail]
		if !strings.Contains(old, detail) {
			_ = b.g.UpdateEdge(from, to, graph.EdgeAttribute(attrDetail, old+"; "+detail))
		}
	}
}

func (b *graphBuilder) addLinks() {
	s := b.ix.snap
	fwEndpoints := make(map[string]string)
	for _, f := range s.NetworkFirewalls {
		for _, e := range f.Endpoints {
			fwEndpoints[e.EndpointID] = f.ID
		}
	}
	for _, sn := range s.Subnets {
		b.link(sn.VPCID, sn.ID, RelContains, sn.CIDR.String())
	}
	for _, rt := range s.RouteTables {
		b.link(rt.VPCID, rt.ID, RelContains, "")
		for _, a := range rt.Associations {
			switch {
			case a.SubnetID != "":
				b.link(rt.ID, a.SubnetID, RelAssociatedWith, "explicit association")
			case a.GatewayID != "":
				b.link(rt.ID, a.GatewayID, RelAssociatedWith, "gateway (edge) association")
			}
		}
		for _, r := range rt.Routes {
			if t := r.Target(); t.Kind != TargetLocal && t.Kind != TargetNone {
				to, detail := t.ID, r.DestinationString()
				if fw := fwEndpoints[t.ID]; fw != "" {
					to, detail = fw, detail+" via endpoint "+t.ID // a firewall endpoint: the firewall
				}
				b.link(rt.ID, to, RelRoutesTo, detail)
			}
			if r.DestinationPrefixListID != "" {
				b.link(rt.ID, r.DestinationPrefixListID, RelReferences, "route destination")
			}
		}
	}
	for _, acl := range s.NetworkACLs {
		b.link(acl.VPCID, acl.ID, RelContains, "")
		for _, a := range acl.Associations {
			b.link(acl.ID, a.SubnetID, RelAssociatedWith, "")
		}
	}
	for _, sg := range s.SecurityGroups {
		b.link(sg.VPCID, sg.ID, RelContains, "")
		for _, dir := range []struct {
			name  string
			rules []SGRule
		}{{"ingress", sg.Ingress}, {"egress", sg.Egress}} {
			for _, r := range dir.rules {
				detail := dir.name + " " + r.Service()
				if r.Group != nil {
					b.link(sg.ID, r.Group.GroupID, RelReferences, detail)
				}
				if r.PrefixListID != "" {
					b.link(sg.ID, r.PrefixListID, RelReferences, detail)
				}
			}
		}
	}
	for _, n := range s.NetworkInterfaces {
		b.link(n.SubnetID, n.ID, RelContains, n.PrimaryIP().String())
		for _, g := range n.SecurityGroupIDs {
			b.link(g, n.ID, RelAssociatedWith, "")
		}
		if id := n.InstanceID(); id != "" {
			b.link(n.ID, id, RelAttachedTo, "")
		}
	}
	for _, g := range s.InternetGateways {
		for _, a := range g.Attachments {
			b.link(g.ID, a.VPCID, RelAttachedTo, a.State)
		}
	}
	for _, g := range s.EgressOnlyInternetGateways {
		for _, a := range g.Attachments {
			b.link(g.ID, a.VPCID, RelAttachedTo, a.State)
		}
	}
	for _, g := range s.VPNGateways {
		for _, a := range g.Attachments {
			b.link(g.ID, a.VPCID, RelAttachedTo, a.State)
		}
	}
	for _, g := range s.NATGateways {
		b.link(g.SubnetID, g.ID, RelContains, "")
		for _, a := range g.Addresses {
			b.link(a.NetworkInterfaceID, g.ID, RelAttachedTo, "")
		}
	}
	for _, p := range s.VPCPeerings {
		b.link(p.ID, p.Requester.VPCID, RelAttachedTo, "requester")
		b.link(p.ID, p.Accepter.VPCID, RelAttachedTo, "accepter")
	}
	for _, a := range s.TGWAttachments {
		b.link(a.ID, a.TransitGatewayID, RelAttachedTo, "")
		b.link(a.ID, a.ResourceID, RelAttachedTo, a.ResourceType)
	}
	for _, rt := range s.TGWRouteTables {
		b.link(rt.TransitGatewayID, rt.ID, RelContains, "")
		for _, a := range rt.Associations {
			b.link(rt.ID, a.AttachmentID, RelAssociatedWith, "association")
		}
		for _, r := range rt.Routes {
			for _, a := range r.Attachments {
				b.link(rt.ID, a.AttachmentID, RelRoutesTo, r.Destination.String())
			}
		}
	}
	for _, e := range s.VPCEndpoints {
		b.link(e.VPCID, e.ID, RelContains, e.ServiceName)
		for _, rt := range e.RouteTableIDs {
			b.link(e.ID, rt, RelAssociatedWith, "")
		}
		for _, n := range e.NetworkInterfaceIDs {
			b.link(n, e.ID, RelAttachedTo, "")
		}
	}
	for _, lb := range s.LoadBalancers {
		b.link(lb.VPCID, lb.ID, RelContains, "")
		for _, z := range lb.AvailabilityZones {
			b.link(lb.ID, z.SubnetID, RelAssociatedWith, z.ZoneName)
		}
		for _, l := range lb.Listeners {
			for _, a := range l.DefaultActions {
				for _, tg := range a.TargetGroupARNs {
					b.link(lb.ID, tg, RelRoutesTo, l.Protocol+"/"+strconv.Itoa(int(l.Port)))
				}
			}
		}
	}
	b.addHybridLinks()
	for _, tg := range s.TargetGroups {
		for _, t := range tg.Targets {
			to := t.ID
			if tg.TargetType == "ip" {
				// An IP target is an address: link the interface that owns it.
				to = ""
				if addr, err := netip.ParseAddr(t.ID); err == nil {
					if ns := b.ix.InterfacesByIP(addr); len(ns) > 0 {
						to = ns[0].ID
					}
				}
			}
			b.link(tg.ID, to, RelRoutesTo, "port "+strconv.Itoa(int(t.Port)))
		}
	}
}

// addHybridLinks links Network Firewall, VPN and Direct Connect resources.
func (b *graphBuilder) addHybridLinks() {
	s := b.ix.snap
	for _, f := range s.NetworkFirewalls {
		b.link(f.VPCID, f.ID, RelContains, "")
		b.link(f.ID, f.PolicyARN, RelReferences, "firewall policy")
		for _, e := range f.Endpoints {
			b.link(f.ID, e.SubnetID, RelAssociatedWith, e.AvailabilityZone+" endpoint "+e.EndpointID)
		}
	}
	for _, p := range s.FirewallPolicies {
		for _, r := range p.StatelessRuleGroups {
			b.link(p.ID, r.ARN, RelReferences, "stateless priority "+strconv.Itoa(int(r.Priority)))
		}
		for _, r := range p.StatefulRuleGroups {
			b.link(p.ID, r.ARN, RelReferences, "stateful")
		}
	}
	for _, v := range s.VPNConnections {
		b.link(v.ID, cmpOr(v.VPNGatewayID, v.TransitGatewayID), RelAttachedTo, "")
		b.link(v.ID, v.CustomerGatewayID, RelAttachedTo, "customer gateway")
	}
	for _, a := range s.DXGatewayAssociations {
		b.link(a.DXGatewayID, a.AssociatedGatewayID, RelAssociatedWith, a.ID)
	}
	for _, v := range s.DXVirtualInterfaces {
		b.link(v.ID, cmpOr(v.DXGatewayID, v.VirtualGatewayID), RelAttachedTo, v.Type)
	}
	for _, svc := range s.VPCEndpointServices {
		for _, lb := range svc.GatewayLoadBalancerARNs {
			b.link(svc.ID, lb, RelRoutesTo, svc.ServiceName)
		}
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
