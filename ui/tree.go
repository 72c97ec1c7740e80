package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/vpcscope/vpcscope/model"
)

// treeView shows VPC > subnet > interfaces, instances, gateways and
// endpoints, with expand and collapse. Rows are rebuilt from the expanded
// set only when it changes, so a keystroke costs the visible rows.
type treeView struct {
	s        *session
	list     *lineList
	expanded map[string]bool
	nodes    []treeNode
	leaves   map[string][]treeNode
}

// treeNode is one line of the tree.
type treeNode struct {
	id       string
	depth    int
	hasKids  bool
	plain    string
	subnetID string
	// text renders the styled line; it runs only for visible rows.
	text func() string
}

func newTreeView(s *session) *treeView {
	t := &treeView{s: s, list: newLineList(s.th), expanded: map[string]bool{}, leaves: map[string][]treeNode{}}
	if len(s.w.snap.VPCs) <= 3 {
		for _, v := range s.w.snap.VPCs {
			t.expanded[v.ID] = true
		}
	}
	t.rebuild()
	return t
}

func (t *treeView) Crumbs() []string {
	c := []string{"Tree"}
	if r, ok := t.list.Current(); ok {
		if n, ok := r.data.(treeNode); ok {
			if res := t.s.w.get(n.id); res != nil {
				vpc, sn := t.s.w.containers(res)
				for _, id := range []string{vpc, sn} {
					if id != "" && id != n.id {
						c = append(c, t.s.w.shortID(id))
					}
				}
				c = append(c, short(res))
			}
		}
	}
	return c
}

func (t *treeView) Keys() []key.Binding {
	return append(keys.moveHelp(), keys.Expand, keys.Collapse, keys.RouteTable, keys.NACL)
}

func (t *treeView) Selected() string {
	if r, ok := t.list.Current(); ok {
		return r.id
	}
	return ""
}

func (t *treeView) SetSize(w, h int) { t.list.SetSize(w, h) }
func (t *treeView) View() string     { return t.list.View(true) }

// Click selects the node under the mouse.
func (t *treeView) Click(_, y int) bool {
	again, ok := t.list.ClickLine(y)
	return ok && again
}
func (t *treeView) Filter() string     { return t.list.Filter() }
func (t *treeView) SetFilter(f string) { t.list.SetFilter(f); t.rebuild() }

func (t *treeView) Update(msg tea.Msg) tea.Cmd {
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
	n := r.data.(treeNode)
	switch {
	case key.Matches(km, keys.Open):
		return t.s.send(openMsg{id: n.id})
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
			t.list.Select(func(r row) bool { return r.id == p })
		}
	case key.Matches(km, keys.RouteTable):
		if n.subnetID == "" {
			return flash("select a subnet (or something in one) to open its route table")
		}
		if rt, _ := t.s.w.ix.SubnetRouteTable(n.subnetID); rt != nil {
			return t.s.send(openMsg{id: rt.ID})
		}
		return flash("the subnet has no route table in the snapshot")
	case key.Matches(km, keys.NACL):
		if n.subnetID == "" {
			return flash("select a subnet (or something in one) to open its network ACL")
		}
		if acl := t.s.w.ix.SubnetNetworkACL(n.subnetID); acl != nil {
			return t.s.send(openMsg{id: acl.ID})
		}
		return flash("the subnet has no network ACL in the snapshot")
	}
	return nil
}

func (t *treeView) parent(n treeNode) string {
	res := t.s.w.get(n.id)
	if res == nil {
		return ""
	}
	vpc, sn := t.s.w.containers(res)
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
func (t *treeView) rebuild() {
	cur := t.Selected()
	filter := strings.ToLower(strings.TrimSpace(t.list.Filter()))
	t.nodes = t.nodes[:0]
	w := t.s.w
	th := t.s.th
	for _, v := range w.snap.VPCs {
		subnets := w.ix.VPCSubnets(v.ID)
		vn := treeNode{id: v.ID, depth: 0, hasKids: true}
		nSubnets := fmt.Sprintf("%d subnet", len(subnets))
		if len(subnets) != 1 {
			nSubnets += "s"
		}
		vid, region := safe(v.ID), safe(v.Region)
		vn.plain = fmt.Sprintf("%s  %s  %s  %s  %s", short(v), vid, prefixes(v.CIDRs), region, nSubnets)
		vn.text = func() string {
			return th.bold.Render(short(v)) + "  " + th.dim.Render(vid) + "  " + prefixes(v.CIDRs) + "  " + th.dim.Render(region+"  "+nSubnets)
		}
		var kids []treeNode
		if t.expanded[v.ID] || filter != "" {
			for _, g := range w.vpcGateways(v.ID) {
				kids = append(kids, t.leaf(g, 1, ""))
			}
			for _, sn := range subnets {
				sub := t.subnetNode(sn)
				var leaves []treeNode
				if t.expanded[sn.ID] || filter != "" {
					leaves = t.leaves[sn.ID]
					if leaves == nil {
						leaves = t.subnetLeaves(sn)
						t.leaves[sn.ID] = leaves
					}
				}
				if filter != "" {
					leaves = filterNodes(leaves, filter)
					if len(leaves) == 0 && !strings.Contains(strings.ToLower(sub.plain), filter) {
						continue
					}
				}
				kids = append(kids, sub)
				kids = append(kids, leaves...)
			}
		}
		if filter != "" {
			kids = filterKeep(kids, filter)
			if len(kids) == 0 && !strings.Contains(strings.ToLower(vn.plain), filter) {
				continue
			}
		}
		t.nodes = append(t.nodes, vn)
		t.nodes = append(t.nodes, kids...)
	}
	rows := make([]row, len(t.nodes))
	for i, n := range t.nodes {
		indent := strings.Repeat("  ", n.depth)
		icon := "  "
		if n.hasKids {
			icon = "▸ "
			if t.expanded[n.id] || filter != "" {
				icon = "▾ "
			}
		}
		rows[i] = row{plain: indent + icon + n.plain, id: n.id, data: n, lazy: func() string { return indent + icon + n.text() }}
	}
	// the tree does its own filtering; the list must show every row
	f := t.list.filter
	t.list.filter = ""
	t.list.SetRows(rows)
	t.list.filter = f
	if cur != "" {
		t.list.Select(func(r row) bool { return r.id == cur })
	}
}

func filterNodes(ns []treeNode, f string) []treeNode {
	var out []treeNode
	for _, n := range ns {
		if strings.Contains(strings.ToLower(n.plain), f) {
			out = append(out, n)
		}
	}
	return out
}

// filterKeep drops gateway leaves of a VPC that do not match; subnets were
// filtered already.
func filterKeep(ns []treeNode, f string) []treeNode {
	var out []treeNode
	for _, n := range ns {
		if n.depth == 1 && !n.hasKids && !strings.Contains(strings.ToLower(n.plain), f) {
			continue
		}
		out = append(out, n)
	}
	return out
}

func (t *treeView) subnetNode(sn *model.Subnet) treeNode {
	th := t.s.th
	w := t.s.w
	pub := w.isPublic(sn)
	plainBadge := "private"
	if pub {
		plainBadge = "PUBLIC "
	}
	badge := plainBadge
	if pub {
		badge = th.badgePublic.Render(plainBadge)
	} else {
		badge = th.badgePriv.Render(plainBadge)
	}
	n := len(w.ix.SubnetInterfaces(sn.ID))
	az, id := safe(sn.AvailabilityZone), safe(sn.ID)
	plain := fmt.Sprintf("%s  %s  %s  %s  %s  %d ENIs", short(sn), plainBadge, az, sn.CIDR, id, n)
	text := func() string {
		return th.bold.Render(short(sn)) + "  " + badge + "  " + az + "  " + sn.CIDR.String() + "  " + th.dim.Render(fmt.Sprintf("%s  %d ENIs", id, n))
	}
	return treeNode{id: sn.ID, depth: 1, hasKids: true, text: text, plain: plain, subnetID: sn.ID}
}

func (t *treeView) subnetLeaves(sn *model.Subnet) []treeNode {
	w := t.s.w
	var out []treeNode
	for _, g := range w.snap.NATGateways {
		if g.SubnetID == sn.ID {
			out = append(out, t.leaf(g, 2, sn.ID))
		}
	}
	for _, n := range w.ix.SubnetInterfaces(sn.ID) {
		if id := n.InstanceID(); id != "" {
			if in := w.ix.Instance(id); in != nil {
				out = append(out, t.leaf(in, 2, sn.ID))
				continue
			}
		}
		out = append(out, t.leaf(n, 2, sn.ID))
	}
	for _, e := range w.snap.VPCEndpoints {
		for _, s := range e.SubnetIDs {
			if s == sn.ID {
				out = append(out, t.leaf(e, 2, sn.ID))
			}
		}
	}
	return out
}

func (t *treeView) leaf(r model.Resource, depth int, subnet string) treeNode {
	th := t.s.th
	desc := ""
	switch v := r.(type) {
	case *model.Instance:
		desc = v.PrivateIP.String()
		if v.PublicIP.IsValid() {
			desc += " " + v.PublicIP.String()
		}
		desc += "  " + v.State
	case *model.NetworkInterface:
		desc = v.PrimaryIP().String() + "  " + v.InterfaceType
		if v.Description != "" {
			desc += "  " + v.Description
		}
	case *model.NATGateway:
		desc = v.State
	case *model.VPCEndpoint:
		desc = v.Type + "  " + v.ServiceName
	case *model.InternetGateway, *model.EgressOnlyInternetGateway, *model.VPNGateway:
		desc = "attached"
	}
	kind, id := string(r.Kind()), safe(r.Base().ID)
	desc = safe(desc)
	plain := fmt.Sprintf("%s  %s  %s  %s", kind, short(r), id, desc)
	text := func() string {
		return th.dim.Render(kind) + "  " + short(r) + "  " + th.dim.Render(id) + "  " + desc
	}
	return treeNode{id: r.Base().ID, depth: depth, text: text, plain: plain, subnetID: subnet}
}

// vpcGateways are the gateways and gateway endpoints attached to a VPC.
func (w *world) vpcGateways(vpcID string) []model.Resource {
	var out []model.Resource
	for _, g := range w.snap.InternetGateways {
		if g.AttachedTo(vpcID) {
			out = append(out, g)
		}
	}
	for _, g := range w.snap.EgressOnlyInternetGateways {
		if g.AttachedTo(vpcID) {
			out = append(out, g)
		}
	}
	for _, g := range w.snap.VPNGateways {
		if attachedAny(g.Attachments, vpcID) {
			out = append(out, g)
		}
	}
	for _, e := range w.snap.VPCEndpoints {
		if e.VPCID == vpcID && len(e.SubnetIDs) == 0 {
			out = append(out, e)
		}
	}
	return out
}

func attachedAny(as []model.GatewayAttachment, vpcID string) bool {
	for _, a := range as {
		if a.VPCID == vpcID && a.Attached() {
			return true
		}
	}
	return false
}
