package topology

import "github.com/vpcscope/vpcscope/model"

// Path is the part of a map a trace crosses.
type Path struct {
	// Nodes are the IDs of the VPCs and transit gateways on the path, in
	// the order the trace first reaches them.
	Nodes []string `json:"nodes"`
	// Links are the IDs of the peering connections and attachments it
	// crosses, in order.
	Links []string `json:"links"`

	nodes, links map[string]bool
}

// HasNode reports whether the box with the ID is on the path.
func (p Path) HasNode(id string) bool { return p.nodes[id] }

// HasLink reports whether the link with the ID is on the path.
func (p Path) HasLink(id string) bool { return p.links[id] }

// Empty reports whether nothing is highlighted.
func (p Path) Empty() bool { return len(p.Nodes) == 0 && len(p.Links) == 0 }

// Highlight returns the boxes and links that the resources of a trace
// (reach.Answer.Resources: interfaces, groups, ACLs, route tables,
// gateways, peering connections, transit gateway attachments and route
// tables, in path order) lie in or are. IDs the map cannot place are
// skipped.
func (m *Map) Highlight(resourceIDs []string) Path {
	p := Path{Nodes: []string{}, Links: []string{}, nodes: map[string]bool{}, links: map[string]bool{}}
	node := func(id string) {
		if _, ok := m.nodes[id]; ok && !p.nodes[id] {
			p.nodes[id] = true
			p.Nodes = append(p.Nodes, id)
		}
	}
	for _, id := range resourceIDs {
		if l := m.Link(id); l != nil {
			if !p.links[id] {
				p.links[id] = true
				p.Links = append(p.Links, id)
			}
			// An attachment hop is entering or leaving: its VPC is on the
			// path (the transit gateway too); a peering joins two VPCs the
			// trace's other hops name in the right order.
			if l.Kind != LinkPeering {
				node(l.A)
				node(l.B)
			}
			continue
		}
		node(m.ownerOf(id))
	}
	return p
}

// ownerOf returns the ID of the box a resource belongs to: its VPC, or for
// a transit gateway route table its transit gateway; "" when none.
func (m *Map) ownerOf(id string) string {
	if _, ok := m.nodes[id]; ok {
		return id
	}
	if m.ix == nil {
		return ""
	}
	r, ok := m.ix.Resource(id)
	if !ok {
		return ""
	}
	switch r := r.(type) {
	case *model.Subnet:
		return r.VPCID
	case *model.RouteTable:
		return r.VPCID
	case *model.SecurityGroup:
		return r.VPCID
	case *model.NetworkACL:
		return r.VPCID
	case *model.NetworkInterface:
		return r.VPCID
	case *model.Instance:
		return r.VPCID
	case *model.NATGateway:
		return r.VPCID
	case *model.VPCEndpoint:
		return r.VPCID
	case *model.LoadBalancer:
		return r.VPCID
	case *model.TargetGroup:
		return r.VPCID
	case *model.InternetGateway:
		return firstAttached(r.Attachments)
	case *model.EgressOnlyInternetGateway:
		return firstAttached(r.Attachments)
	case *model.VPNGateway:
		return firstAttached(r.Attachments)
	case *model.TGWRouteTable:
		return r.TransitGatewayID
	}
	return ""
}

func firstAttached(as []model.GatewayAttachment) string {
	for _, a := range as {
		if a.Attached() {
			return a.VPCID
		}
	}
	return ""
}
