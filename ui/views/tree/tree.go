// Package tree is the explorer's tree: VPC › subnet › interfaces,
// instances, gateways and endpoints, with expand and collapse.
package tree

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/present"
	"github.com/vpcscope/vpcscope/ui/component/list"
	"github.com/vpcscope/vpcscope/ui/keys"
	"github.com/vpcscope/vpcscope/ui/match"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/world"
)

var safe = world.Safe

// Model is the tree. Rows are rebuilt from the expanded set only when it
// changes, so a keystroke costs the visible rows.
type Model struct {
	s        *view.Session
	list     *list.Model
	filter   string
	expanded map[string]bool
	nodes    []node
	leaves   map[string][]node
}

// node is one line of the tree.
type node struct {
	id       string
	depth    int
	hasKids  bool
	plain    string
	lower    string
	subnetID string
	// text renders the styled line; it runs only for visible rows.
	text func() string
}

// New builds the tree; with three VPCs or fewer they start expanded.
func New(s *view.Session) *Model {
	t := &Model{s: s, list: list.New(s.Th), expanded: map[string]bool{}, leaves: map[string][]node{}}
	if len(s.W.Snap.VPCs) <= 3 {
		for _, v := range s.W.Snap.VPCs {
			t.expanded[v.ID] = true
		}
	}
	t.rebuild()
	return t
}

// Crumbs implements view.View.
func (t *Model) Crumbs() []string {
	c := []string{"Tree"}
	if r, ok := t.list.Current(); ok {
		if n, ok := r.Data.(node); ok {
			if res := t.s.W.Get(n.id); res != nil {
				vpc, sn := present.Containers(res)
				for _, id := range []string{vpc, sn} {
					if id != "" && id != n.id {
						c = append(c, t.s.W.ShortID(id))
					}
				}
				c = append(c, world.Short(res))
			}
		}
	}
	return c
}

// Keys implements view.View.
func (t *Model) Keys() []key.Binding {
	return append(keys.MoveHelp(), keys.Expand, keys.Collapse, keys.RouteTable, keys.NACL)
}

// Selected implements view.View.
func (t *Model) Selected() string {
	if r, ok := t.list.Current(); ok {
		return r.ID
	}
	return ""
}

// SetSize implements view.View.
func (t *Model) SetSize(w, h int) { t.list.SetSize(w, h) }

// View implements view.View.
func (t *Model) View() string { return t.list.View(true) }

// Click selects the node under the mouse.
func (t *Model) Click(_, y int) bool {
	again, ok := t.list.ClickLine(y)
	return ok && again
}

// Filter implements view.Filterable.
func (t *Model) Filter() string { return t.filter }

// SetFilter shows every node that matches, with its ancestors.
func (t *Model) SetFilter(f string) { t.filter = f; t.rebuild() }

// Update implements view.View.
func (t *Model) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	if t.list.HandleMove(km) {
		return nil
	}
	r, ok := t.list.Current()
	if !ok {
		return nil
	}
	n := r.Data.(node)
	switch {
	case key.Matches(km, keys.Open):
		return t.s.Send(view.Open{ID: n.id})
	case key.Matches(km, keys.Expand):
		if n.hasKids && !t.expanded[n.id] {
			t.expanded[n.id] = true
			t.rebuild()
		}
	case key.Matches(km, keys.Collapse):
		if t.expanded[n.id] {
			t.expanded[n.id] = false
			t.rebuild()
		} else if p := t.parent(n); p != "" {
			t.expanded[p] = false
			t.rebuild()
			t.list.Select(func(r list.Row) bool { return r.ID == p })
		}
	case key.Matches(km, keys.RouteTable):
		if n.subnetID == "" {
			return view.FlashCmd("select a subnet (or something in one) to open its route table")
		}
		if rt, _ := t.s.W.Ix.SubnetRouteTable(n.subnetID); rt != nil {
			return t.s.Send(view.Open{ID: rt.ID})
		}
		return view.FlashCmd("the subnet has no route table in the snapshot")
	case key.Matches(km, keys.NACL):
		if n.subnetID == "" {
			return view.FlashCmd("select a subnet (or something in one) to open its network ACL")
		}
		if acl := t.s.W.Ix.SubnetNetworkACL(n.subnetID); acl != nil {
			return t.s.Send(view.Open{ID: acl.ID})
		}
		return view.FlashCmd("the subnet has no network ACL in the snapshot")
	}
	return nil
}

func (t *Model) parent(n node) string {
	res := t.s.W.Get(n.id)
	if res == nil {
		return ""
	}
	vpc, sn := present.Containers(res)
	if sn != "" && sn != n.id {
		return sn
	}
	if vpc != n.id {
		return vpc
	}
	return ""
}

// rebuild flattens the tree: everything expanded, or with a filter every
// node (with its ancestors) that matches.
func (t *Model) rebuild() {
	cur := t.Selected()
	q := match.Parse(t.filter)
	filtering := !q.Empty()
	t.nodes = t.nodes[:0]
	w := t.s.W
	th := t.s.Th
	for _, v := range w.Snap.VPCs {
		subnets := w.Ix.VPCSubnets(v.ID)
		vn := node{id: v.ID, depth: 0, hasKids: true}
		nSubnets := fmt.Sprintf("%d subnet", len(subnets))
		if len(subnets) != 1 {
			nSubnets += "s"
		}
		vid, region := safe(v.ID), safe(v.Region)
		vn.plain = fmt.Sprintf("%s  %s  %s  %s  %s", world.Short(v), vid, prefixes(v), region, nSubnets)
		vn.text = func() string {
			return th.Bold.Render(world.Short(v)) + "  " + th.Dim.Render(vid) + "  " + prefixes(v) + "  " + th.Dim.Render(region+"  "+nSubnets)
		}
		var kids []node
		if t.expanded[v.ID] || filtering {
			for _, g := range w.VPCGateways(v.ID) {
				kids = append(kids, t.leaf(g, 1, ""))
			}
			for _, sn := range subnets {
				sub := t.subnetNode(sn)
				var leaves []node
				if t.expanded[sn.ID] || filtering {
					leaves = t.leaves[sn.ID]
					if leaves == nil {
						leaves = t.subnetLeaves(sn)
						t.leaves[sn.ID] = leaves
					}
				}
				if filtering {
					leaves = matching(leaves, q)
					if len(leaves) == 0 && !q.Matches(match.Lower(sub.plain)) {
						continue
					}
				}
				kids = append(kids, sub)
				kids = append(kids, leaves...)
			}
		}
		if filtering {
			kids = keepMatchingGateways(kids, q)
			if len(kids) == 0 && !q.Matches(match.Lower(vn.plain)) {
				continue
			}
		}
		t.nodes = append(t.nodes, vn)
		t.nodes = append(t.nodes, kids...)
	}
	rows := make([]list.Row, len(t.nodes))
	for i, n := range t.nodes {
		indent := strings.Repeat("  ", n.depth)
		icon := "  "
		if n.hasKids {
			icon = "▸ "
			if t.expanded[n.id] || filtering {
				icon = "▾ "
			}
		}
		rows[i] = list.Row{Plain: indent + icon + n.plain, ID: n.id, Data: n, Lazy: func() string { return indent + icon + n.text() }}
	}
	t.list.SetRows(rows) // the tree filters itself: the list shows every row
	if cur != "" {
		t.list.Select(func(r list.Row) bool { return r.ID == cur })
	}
}

func prefixes(v *model.VPC) string {
	var out []string
	for _, p := range v.CIDRs {
		out = append(out, p.String())
	}
	return strings.Join(out, ", ")
}

func matching(ns []node, q match.Query) []node {
	var out []node
	for _, n := range ns {
		if q.Matches(n.lowerText()) {
			out = append(out, n)
		}
	}
	return out
}

func (n node) lowerText() string {
	if n.lower != "" {
		return n.lower
	}
	return match.Lower(n.plain)
}

// keepMatchingGateways drops gateway leaves of a VPC that do not match;
// subnets were filtered already.
func keepMatchingGateways(ns []node, q match.Query) []node {
	var out []node
	for _, n := range ns {
		if n.depth == 1 && !n.hasKids && !q.Matches(n.lowerText()) {
			continue
		}
		out = append(out, n)
	}
	return out
}

func (t *Model) subnetNode(sn *model.Subnet) node {
	th := t.s.Th
	w := t.s.W
	pub := w.IsPublic(sn)
	plainBadge := "private"
	if pub {
		plainBadge = "PUBLIC "
	}
	badge := th.BadgePriv.Render(plainBadge)
	if pub {
		badge = th.BadgePublic.Render(plainBadge)
	}
	n := len(w.Ix.SubnetInterfaces(sn.ID))
	az, id := safe(sn.AvailabilityZone), safe(sn.ID)
	plain := fmt.Sprintf("%s  %s  %s  %s  %s  %d ENIs", world.Short(sn), plainBadge, az, sn.CIDR, id, n)
	text := func() string {
		return th.Bold.Render(world.Short(sn)) + "  " + badge + "  " + az + "  " + sn.CIDR.String() + "  " + th.Dim.Render(fmt.Sprintf("%s  %d ENIs", id, n))
	}
	return node{id: sn.ID, depth: 1, hasKids: true, text: text, plain: plain, subnetID: sn.ID}
}

func (t *Model) subnetLeaves(sn *model.Subnet) []node {
	w := t.s.W
	var out []node
	for _, g := range w.Snap.NATGateways {
		if g.SubnetID == sn.ID {
			out = append(out, t.leaf(g, 2, sn.ID))
		}
	}
	for _, n := range w.Ix.SubnetInterfaces(sn.ID) {
		if id := n.InstanceID(); id != "" {
			if in := w.Ix.Instance(id); in != nil {
				out = append(out, t.leaf(in, 2, sn.ID))
				continue
			}
		}
		out = append(out, t.leaf(n, 2, sn.ID))
	}
	for _, e := range w.Snap.VPCEndpoints {
		for _, s := range e.SubnetIDs {
			if s == sn.ID {
				out = append(out, t.leaf(e, 2, sn.ID))
			}
		}
	}
	return out
}

func (t *Model) leaf(r model.Resource, depth int, subnet string) node {
	th := t.s.Th
	kind, id := string(r.Kind()), safe(r.Base().ID)
	desc := safe(present.Summary(r))
	plain := fmt.Sprintf("%s  %s  %s  %s", kind, world.Short(r), id, desc)
	text := func() string {
		return th.Dim.Render(kind) + "  " + world.Short(r) + "  " + th.Dim.Render(id) + "  " + desc
	}
	return node{id: r.Base().ID, depth: depth, text: text, plain: plain, lower: match.Lower(plain), subnetID: subnet}
}
