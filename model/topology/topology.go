// Package topology builds a network's map as data: accounts and regions as
// groups, VPCs and transit gateways as boxes (a VPC with its CIDRs and its
// internet, NAT, egress-only and VPN gateways; a transit gateway with its
// route tables), and the peering and transit gateway links between them,
// each with the route tables that send traffic over it. Highlight marks
// the boxes and links a trace crosses; Layout places the boxes in rows for
// a given width, the order the text picture draws them and arrow keys move
// through. WriteText, WriteDOT and WriteMermaid draw the map.
//
// The package imports neither the engine nor a UI: a trace is given as
// the resource IDs it crosses (reach.Answer.Resources).
package topology

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// NodeKind says what a box on the map is.
type NodeKind string

// The kinds of box.
const (
	NodeVPC            NodeKind = "vpc"
	NodeTransitGateway NodeKind = "transit-gateway"
)

// Node points at one box: Map.VPCs[Index] or Map.TransitGateways[Index].
type Node struct {
	Kind  NodeKind `json:"kind"`
	Index int      `json:"index"`
}

// Group is one account and region: the boxes that live there, VPCs first
// (by name, then ID), then transit gateways.
type Group struct {
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	Nodes   []Node `json:"nodes"`
}

// Title renders "111122223333 · us-east-1", or what of it is known.
func (g Group) Title() string {
	switch {
	case g.Account != "" && g.Region != "":
		return g.Account + " · " + g.Region
	case g.Account != "":
		return g.Account
	case g.Region != "":
		return g.Region
	}
	return "unknown account and region"
}

// GatewayKind is the kind of a VPC's gateway.
type GatewayKind string

// The gateways a VPC box shows.
const (
	GatewayInternet   GatewayKind = "internet"
	GatewayNAT        GatewayKind = "nat"
	GatewayEgressOnly GatewayKind = "egress-only"
	GatewayVPN        GatewayKind = "vpn"
)

// Short is the gateway kind's abbreviation on a box: igw, nat, eigw, vgw.
func (k GatewayKind) Short() string {
	switch k {
	case GatewayInternet:
		return "igw"
	case GatewayNAT:
		return "nat"
	case GatewayEgressOnly:
		return "eigw"
	}
	return "vgw"
}

// Gateway is an internet, NAT, egress-only or VPN gateway of a VPC.
type Gateway struct {
	Kind  GatewayKind `json:"kind"`
	ID    string      `json:"id"`
	Name  string      `json:"name,omitempty"`
	State string      `json:"state,omitempty"`
	// Private is set on a private NAT gateway (no internet).
	Private bool `json:"private,omitempty"`
	// RouteTables are the VPC's route tables with a route to the gateway.
	RouteTables []string `json:"routeTables,omitempty"`
}

// VPC is a VPC's box.
type VPC struct {
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	// CIDRs are its IPv4 blocks then its IPv6 blocks.
	CIDRs    []netip.Prefix `json:"cidrs"`
	Subnets  int            `json:"subnets"`
	Default  bool           `json:"default,omitempty"`
	Gateways []Gateway      `json:"gateways"`
	// Links index Map.Links: the peering connections and transit gateway
	// attachments of the VPC.
	Links []int `json:"links"`
	// Group indexes Map.Groups.
	Group int `json:"group"`
	// External marks the far side of a peering connection that the
	// snapshot does not hold (another account's VPC): its CIDRs are what
	// the peering connection reports.
	External bool `json:"external,omitempty"`
}

// Label is the VPC's name, or its ID when it has none.
func (v *VPC) Label() string { return cmp.Or(v.Name, v.ID) }

// TransitGateway is a transit gateway's box.
type TransitGateway struct {
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	State   string `json:"state,omitempty"`
	// RouteTables are its route tables, by name then ID.
	RouteTables []TGWRouteTable `json:"routeTables"`
	// Links index Map.Links: its VPC attachments and peerings.
	Links []int `json:"links"`
	// Others are its attachments to what the map does not draw (VPN,
	// Direct Connect gateway, Connect).
	Others []Attachment `json:"others,omitempty"`
	Group  int          `json:"group"`
	// External marks a transit gateway that only a peering attachment names.
	External bool `json:"external,omitempty"`
}

// Label is the transit gateway's name, or its ID when it has none.
func (t *TransitGateway) Label() string { return cmp.Or(t.Name, t.ID) }

// TGWRouteTable is one route table of a transit gateway.
type TGWRouteTable struct {
	ID         string `json:"id"`
	Name       string `json:"name,omitempty"`
	Routes     int    `json:"routes"`
	Blackholes int    `json:"blackholes,omitempty"`
	// Associations are the attachments whose traffic it routes.
	Associations []string `json:"associations,omitempty"`
}

// Attachment is a transit gateway attachment the map does not draw as a link.
type Attachment struct {
	ID         string `json:"id"`
	Name       string `json:"name,omitempty"`
	Type       string `json:"type"`
	ResourceID string `json:"resourceId,omitempty"`
	State      string `json:"state,omitempty"`
}

// LinkKind is the kind of a link between boxes.
type LinkKind string

// The links a map draws.
const (
	// LinkPeering joins two VPCs (A the requester, B the accepter).
	LinkPeering LinkKind = "vpc-peering"
	// LinkAttachment joins a VPC (A) to a transit gateway (B).
	LinkAttachment LinkKind = "transit-gateway-attachment"
	// LinkTGWPeering joins two transit gateways.
	LinkTGWPeering LinkKind = "transit-gateway-peering"
)

// Link is a peering connection or a transit gateway attachment.
type Link struct {
	Kind LinkKind `json:"kind"`
	// ID is the peering connection's or the attachment's ID.
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// A and B are the IDs of the boxes it joins.
	A     string `json:"a"`
	B     string `json:"b"`
	State string `json:"state,omitempty"`
	// Active is set when the link carries traffic (an active peering, an
	// available attachment).
	Active bool `json:"active"`
	// RouteTables are the VPC route tables, on either side, with a route
	// over the link (to the peering connection or the transit gateway).
	RouteTables []string `json:"routeTables,omitempty"`
	// Association is, for an attachment, the transit gateway route table
	// that routes the traffic arriving from it.
	Association  string `json:"association,omitempty"`
	CrossAccount bool   `json:"crossAccount,omitempty"`
	CrossRegion  bool   `json:"crossRegion,omitempty"`
}

// Map is a network's topology. Build it with Build; it is read-only after.
type Map struct {
	Groups          []Group          `json:"groups"`
	VPCs            []VPC            `json:"vpcs"`
	TransitGateways []TransitGateway `json:"transitGateways"`
	Links           []Link           `json:"links"`

	nodes map[string]Node
	links map[string]int
	ix    *model.Index
}

// Build makes the map of an indexed snapshot.
func Build(ix *model.Index) *Map {
	b := builder{ix: ix, m: &Map{nodes: map[string]Node{}, links: map[string]int{}, ix: ix}}
	s := ix.Snapshot()
	for _, v := range s.VPCs {
		b.addVPC(v)
	}
	for _, t := range s.TransitGateways {
		b.addTGW(t)
	}
	b.gateways()
	b.peerings()
	b.attachments()
	b.routeTables()
	b.order()
	return b.m
}

// Node returns the box with the ID (a VPC or transit gateway).
func (m *Map) Node(id string) (Node, bool) {
	n, ok := m.nodes[id]
	return n, ok
}

// VPC returns the VPC box with the ID, or nil.
func (m *Map) VPC(id string) *VPC {
	if n, ok := m.nodes[id]; ok && n.Kind == NodeVPC {
		return &m.VPCs[n.Index]
	}
	return nil
}

// TransitGateway returns the transit gateway box with the ID, or nil.
func (m *Map) TransitGateway(id string) *TransitGateway {
	if n, ok := m.nodes[id]; ok && n.Kind == NodeTransitGateway {
		return &m.TransitGateways[n.Index]
	}
	return nil
}

// Link returns the link with the peering connection or attachment ID, or nil.
func (m *Map) Link(id string) *Link {
	if i, ok := m.links[id]; ok {
		return &m.Links[i]
	}
	return nil
}

// NodeID returns the ID of the box n points at.
func (m *Map) NodeID(n Node) string {
	if n.Kind == NodeTransitGateway {
		return m.TransitGateways[n.Index].ID
	}
	return m.VPCs[n.Index].ID
}

// Label returns the name (or ID) of the box with the ID, or the ID itself
// when the map has no such box.
func (m *Map) Label(id string) string {
	if v := m.VPC(id); v != nil {
		return v.Label()
	}
	if t := m.TransitGateway(id); t != nil {
		return t.Label()
	}
	return id
}

// Order returns every box in display order: group by group, each group's
// VPCs then its transit gateways.
func (m *Map) Order() []Node {
	var out []Node
	for _, g := range m.Groups {
		out = append(out, g.Nodes...)
	}
	return out
}

type builder struct {
	ix *model.Index
	m  *Map
}

func (b *builder) addVPC(v *model.VPC) {
	if _, dup := b.m.nodes[v.ID]; dup {
		return
	}
	box := VPC{ID: v.ID, Name: v.Name(), Account: v.Account, Region: v.Region, Default: v.IsDefault,
		Subnets: len(b.ix.VPCSubnets(v.ID)), Gateways: []Gateway{}, Links: []int{}}
	box.CIDRs = append(append(box.CIDRs, v.CIDRs...), v.IPv6CIDRs...)
	b.m.nodes[v.ID] = Node{NodeVPC, len(b.m.VPCs)}
	b.m.VPCs = append(b.m.VPCs, box)
}

// externalVPC adds the far side of a peering that the snapshot lacks.
func (b *builder) externalVPC(side model.PeeringSide) {
	if side.VPCID == "" {
		return
	}
	if _, ok := b.m.nodes[side.VPCID]; ok {
		return
	}
	box := VPC{ID: side.VPCID, Account: side.OwnerID, Region: side.Region, External: true,
		Gateways: []Gateway{}, Links: []int{}}
	box.CIDRs = append(append(box.CIDRs, side.CIDRs...), side.IPv6CIDRs...)
	b.m.nodes[side.VPCID] = Node{NodeVPC, len(b.m.VPCs)}
	b.m.VPCs = append(b.m.VPCs, box)
}

func (b *builder) addTGW(t *model.TransitGateway) {
	if _, dup := b.m.nodes[t.ID]; dup {
		return
	}
	b.m.nodes[t.ID] = Node{NodeTransitGateway, len(b.m.TransitGateways)}
	b.m.TransitGateways = append(b.m.TransitGateways, TransitGateway{ID: t.ID, Name: t.Name(), Account: t.Account,
		Region: t.Region, State: t.State, RouteTables: []TGWRouteTable{}, Links: []int{}})
}

func (b *builder) externalTGW(id, account, region string) {
	if id == "" {
		return
	}
	if _, ok := b.m.nodes[id]; ok {
		return
	}
	b.m.nodes[id] = Node{NodeTransitGateway, len(b.m.TransitGateways)}
	b.m.TransitGateways = append(b.m.TransitGateways, TransitGateway{ID: id, Account: account, Region: region,
		External: true, RouteTables: []TGWRouteTable{}, Links: []int{}})
}

func (b *builder) gateway(vpcID string, g Gateway) {
	if v := b.m.VPC(vpcID); v != nil {
		v.Gateways = append(v.Gateways, g)
	}
}

// gateways puts each VPC's gateways in its box, in the order internet,
// egress-only, NAT, VPN (each kind by name, then ID, once order runs).
func (b *builder) gateways() {
	s := b.ix.Snapshot()
	for _, g := range s.InternetGateways {
		for _, a := range g.Attachments {
			if a.Attached() {
				b.gateway(a.VPCID, Gateway{Kind: GatewayInternet, ID: g.ID, Name: g.Name(), State: a.State})
			}
		}
	}
	for _, g := range s.EgressOnlyInternetGateways {
		for _, a := range g.Attachments {
			if a.Attached() {
				b.gateway(a.VPCID, Gateway{Kind: GatewayEgressOnly, ID: g.ID, Name: g.Name(), State: a.State})
			}
		}
	}
	for _, g := range s.NATGateways {
		if g.State == "deleted" || g.State == "deleting" || g.State == "failed" {
			continue
		}
		b.gateway(g.VPCID, Gateway{Kind: GatewayNAT, ID: g.ID, Name: g.Name(), State: g.State, Private: g.IsPrivate()})
	}
	for _, g := range s.VPNGateways {
		for _, a := range g.Attachments {
			if a.Attached() {
				b.gateway(a.VPCID, Gateway{Kind: GatewayVPN, ID: g.ID, Name: g.Name(), State: g.State})
			}
		}
	}
}

func (b *builder) addLink(l Link) int {
	if i, ok := b.m.links[l.ID]; ok {
		return i
	}
	i := len(b.m.Links)
	b.m.links[l.ID] = i
	b.m.Links = append(b.m.Links, l)
	return i
}

func (b *builder) peerings() {
	for _, p := range b.ix.Snapshot().VPCPeerings {
		if p.Status == "deleted" || p.Status == "rejected" || p.Status == "expired" || p.Status == "failed" {
			continue
		}
		b.externalVPC(p.Requester)
		b.externalVPC(p.Accepter)
		b.addLink(Link{Kind: LinkPeering, ID: p.ID, Name: p.Name(), A: p.Requester.VPCID, B: p.Accepter.VPCID,
			State: p.Status, Active: p.IsActive(),
			CrossAccount: p.Requester.OwnerID != "" && p.Accepter.OwnerID != "" && p.Requester.OwnerID != p.Accepter.OwnerID,
			CrossRegion:  p.Requester.Region != "" && p.Accepter.Region != "" && p.Requester.Region != p.Accepter.Region})
	}
}

func (b *builder) attachments() {
	for _, a := range b.ix.Snapshot().TGWAttachments {
		if a.State == "deleted" || a.State == "deleting" || a.State == "rejected" || a.State == "failed" {
			continue
		}
		b.externalTGW(a.TransitGatewayID, a.TransitGatewayOwnerID, a.Region)
		l := Link{ID: a.ID, Name: a.Name(), A: a.ResourceID, B: a.TransitGatewayID, State: a.State, Active: a.IsAvailable()}
		if a.Association != nil {
			l.Association = a.Association.RouteTableID
		}
		switch a.ResourceType {
		case "vpc":
			if b.m.VPC(a.ResourceID) == nil {
				b.externalVPC(model.PeeringSide{VPCID: a.ResourceID, OwnerID: a.ResourceOwnerID, Region: a.Region})
			}
			l.Kind = LinkAttachment
			l.CrossAccount = a.ResourceOwnerID != "" && a.TransitGatewayOwnerID != "" && a.ResourceOwnerID != a.TransitGatewayOwnerID
		case "peering", "tgw-peering":
			b.externalTGW(a.ResourceID, a.ResourceOwnerID, "")
			l.Kind = LinkTGWPeering
			l.CrossAccount = a.ResourceOwnerID != "" && a.TransitGatewayOwnerID != "" && a.ResourceOwnerID != a.TransitGatewayOwnerID
			if a.ResourceID == "" {
				continue
			}
		default:
			if t := b.m.TransitGateway(a.TransitGatewayID); t != nil && !slices.ContainsFunc(t.Others, func(o Attachment) bool { return o.ID == a.ID }) {
				t.Others = append(t.Others, Attachment{ID: a.ID, Name: a.Name(), Type: a.ResourceType, ResourceID: a.ResourceID, State: a.State})
			}
			continue
		}
		if l.Kind == LinkTGWPeering {
			// Both accounts list a peering attachment: draw it once.
			if _, ok := b.m.links[l.ID]; ok {
				continue
			}
		}
		b.addLink(l)
	}
}

// routeTables fills the transit gateways' route tables and the route
// tables of every link and gateway.
func (b *builder) routeTables() {
	s := b.ix.Snapshot()
	for _, rt := range s.TGWRouteTables {
		t := b.m.TransitGateway(rt.TransitGatewayID)
		if t == nil || slices.ContainsFunc(t.RouteTables, func(x TGWRouteTable) bool { return x.ID == rt.ID }) {
			continue
		}
		r := TGWRouteTable{ID: rt.ID, Name: rt.Name(), Routes: len(rt.Routes)}
		for _, route := range rt.Routes {
			if route.IsBlackhole() {
				r.Blackholes++
			}
		}
		for _, a := range rt.Associations {
			r.Associations = append(r.Associations, a.AttachmentID)
		}
		t.RouteTables = append(t.RouteTables, r)
	}
	// A VPC route to a transit gateway goes over the VPC's attachment to it.
	attachmentOf := map[[2]string]int{}
	for i, l := range b.m.Links {
		if l.Kind == LinkAttachment {
			attachmentOf[[2]string{l.A, l.B}] = i
		}
	}
	for _, rt := range s.RouteTables {
		for _, r := range rt.Routes {
			t := r.Target()
			switch t.Kind {
			case model.TargetVPCPeering:
				if i, ok := b.m.links[t.ID]; ok {
					b.m.Links[i].RouteTables = appendOnce(b.m.Links[i].RouteTables, rt.ID)
				}
			case model.TargetTransitGateway:
				if i, ok := attachmentOf[[2]string{rt.VPCID, t.ID}]; ok {
					b.m.Links[i].RouteTables = appendOnce(b.m.Links[i].RouteTables, rt.ID)
				}
			case model.TargetInternetGateway, model.TargetEgressOnlyIGW, model.TargetNATGateway, model.TargetVPNGateway:
				if v := b.m.VPC(rt.VPCID); v != nil {
					for gi := range v.Gateways {
						if v.Gateways[gi].ID == t.ID {
							v.Gateways[gi].RouteTables = appendOnce(v.Gateways[gi].RouteTables, rt.ID)
						}
					}
				}
			}
		}
	}
}

func appendOnce(xs []string, x string) []string {
	if slices.Contains(xs, x) {
		return xs
	}
	return append(xs, x)
}

// order sorts everything into display order, then groups the boxes and
// ties each box to its links.
func (b *builder) order() {
	m := b.m
	byLabel := func(aName, aID, bName, bID string) int {
		if c := cmp.Compare(strings.ToLower(cmp.Or(aName, aID)), strings.ToLower(cmp.Or(bName, bID))); c != 0 {
			return c
		}
		return cmp.Compare(aID, bID)
	}
	slices.SortStableFunc(m.VPCs, func(x, y VPC) int {
		if c := cmp.Compare(groupKey(x.Account, x.Region), groupKey(y.Account, y.Region)); c != 0 {
			return c
		}
		if x.External != y.External {
			if x.External {
				return 1
			}
			return -1
		}
		return byLabel(x.Name, x.ID, y.Name, y.ID)
	})
	slices.SortStableFunc(m.TransitGateways, func(x, y TransitGateway) int {
		if c := cmp.Compare(groupKey(x.Account, x.Region), groupKey(y.Account, y.Region)); c != 0 {
			return c
		}
		return byLabel(x.Name, x.ID, y.Name, y.ID)
	})
	kindRank := map[LinkKind]int{LinkPeering: 0, LinkAttachment: 1, LinkTGWPeering: 2}
	slices.SortStableFunc(m.Links, func(x, y Link) int {
		if c := cmp.Compare(kindRank[x.Kind], kindRank[y.Kind]); c != 0 {
			return c
		}
		return byLabel(x.Name, x.ID, y.Name, y.ID)
	})
	gwRank := map[GatewayKind]int{GatewayInternet: 0, GatewayEgressOnly: 1, GatewayNAT: 2, GatewayVPN: 3}
	for i := range m.VPCs {
		slices.SortStableFunc(m.VPCs[i].Gateways, func(x, y Gateway) int {
			if c := cmp.Compare(gwRank[x.Kind], gwRank[y.Kind]); c != 0 {
				return c
			}
			return byLabel(x.Name, x.ID, y.Name, y.ID)
		})
		for gi := range m.VPCs[i].Gateways {
			slices.Sort(m.VPCs[i].Gateways[gi].RouteTables)
		}
	}
	for i := range m.TransitGateways {
		t := &m.TransitGateways[i]
		slices.SortStableFunc(t.RouteTables, func(x, y TGWRouteTable) int { return byLabel(x.Name, x.ID, y.Name, y.ID) })
		for ri := range t.RouteTables {
			slices.Sort(t.RouteTables[ri].Associations)
		}
		slices.SortStableFunc(t.Others, func(x, y Attachment) int { return cmp.Compare(x.ID, y.ID) })
	}
	for i := range m.Links {
		slices.Sort(m.Links[i].RouteTables)
	}

	clear(m.nodes)
	clear(m.links)
	groupOf := map[string]int{}
	group := func(account, region string) int {
		k := groupKey(account, region)
		if gi, ok := groupOf[k]; ok {
			return gi
		}
		groupOf[k] = len(m.Groups)
		m.Groups = append(m.Groups, Group{Account: account, Region: region, Nodes: []Node{}})
		return groupOf[k]
	}
	// VPCs and transit gateways are each sorted by group: merge them so the
	// groups come out in order, a group's VPCs before its gateways.
	vi, ti := 0, 0
	for vi < len(m.VPCs) || ti < len(m.TransitGateways) {
		takeVPC := ti == len(m.TransitGateways) || (vi < len(m.VPCs) &&
			groupKey(m.VPCs[vi].Account, m.VPCs[vi].Region) <= groupKey(m.TransitGateways[ti].Account, m.TransitGateways[ti].Region))
		if takeVPC {
			v := &m.VPCs[vi]
			v.Group = group(v.Account, v.Region)
			n := Node{NodeVPC, vi}
			m.Groups[v.Group].Nodes = append(m.Groups[v.Group].Nodes, n)
			m.nodes[v.ID] = n
			vi++
			continue
		}
		t := &m.TransitGateways[ti]
		t.Group = group(t.Account, t.Region)
		n := Node{NodeTransitGateway, ti}
		m.Groups[t.Group].Nodes = append(m.Groups[t.Group].Nodes, n)
		m.nodes[t.ID] = n
		ti++
	}
	for i, l := range m.Links {
		m.links[l.ID] = i
		for _, end := range []string{l.A, l.B} {
			if v := m.VPC(end); v != nil {
				v.Links = append(v.Links, i)
			} else if t := m.TransitGateway(end); t != nil {
				t.Links = append(t.Links, i)
			}
		}
		if l.Kind == LinkAttachment && !l.CrossAccount {
			if v, t := m.VPC(l.A), m.TransitGateway(l.B); v != nil && t != nil && v.Account != "" && t.Account != "" && v.Account != t.Account {
				m.Links[i].CrossAccount = true
			}
		}
	}
}

// groupKey orders groups: by account, then region; unknown ones last.
func groupKey(account, region string) string {
	if account == "" {
		account = "\xff"
	}
	if region == "" {
		region = "\xff"
	}
	return account + "\x00" + region
}
