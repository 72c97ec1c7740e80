// Package tree is the explorer's tree: VPC › subnet › interfaces,
// instances, gateways and endpoints, with expand and collapse. A snapshot
// of more than one account or region gets account › region levels above
// the VPCs. Each VPC lists its peering connections and transit gateway
// attachments beside its gateways, and transit gateways have nodes of
// their own with their attachments and route tables.
package tree

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/present"
	"github.com/vpcscope/vpcscope/ui/component/list"
	"github.com/vpcscope/vpcscope/ui/keys"
	"github.com/vpcscope/vpcscope/ui/match"
	"github.com/vpcscope/vpcscope/ui/style"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/world"
)

var _ view.Filterable = (*Model)(nil)

var safe = world.Safe

// Model is the tree. Rows are rebuilt from the expanded set only when it
// changes (or the filter does), so a keystroke costs the visible rows.
type Model struct {
	s        *view.Session
	list     *list.Model
	filter   string
	expanded map[string]bool
	leaves   map[string][]node
	// multi is set when the snapshot spans accounts or regions: the tree
	// then has account › region levels.
	multi bool
	// scopes are the account/region pairs in order, with their VPCs and
	// transit gateways.
	scopes []scope
}

// scope is an account and region with what lives in it.
type scope struct {
	account, region string
	vpcs            []*model.VPC
	tgws            []*model.TransitGateway
}

// node is one line of the tree.
type node struct {
	id       string
	parent   string
	depth    int
	hasKids  bool
	plain    string
	lower    string
	subnetID string
	// text renders the styled line; it runs only for visible rows.
	text func() string
	// kids lists the children; nil for a leaf.
	kids func() []node
}

// New builds the tree; account and region levels and, with three VPCs or
// fewer, the VPCs start expanded.
func New(s *view.Session) *Model {
	t := &Model{s: s, list: list.New(s.Th), expanded: map[string]bool{}, leaves: map[string][]node{}}
	t.multi = len(s.W.Accounts()) > 1 || len(s.W.Regions()) > 1
	idx := map[model.Scope]int{}
	at := func(m model.Meta) *scope {
		k := model.Scope{Account: m.Account, Region: m.Region}
		i, ok := idx[k]
		if !ok {
			i = len(t.scopes)
			idx[k] = i
			t.scopes = append(t.scopes, scope{account: m.Account, region: m.Region})
			t.expanded[accountID(m.Account)] = true
			t.expanded[regionID(m.Account, m.Region)] = true
		}
		return &t.scopes[i]
	}
	for _, v := range s.W.Snap.VPCs {
		sc := at(v.Meta)
		sc.vpcs = append(sc.vpcs, v)
	}
	for _, g := range s.W.Snap.TransitGateways {
		sc := at(g.Meta)
		sc.tgws = append(sc.tgws, g)
	}
	slices.SortStableFunc(t.scopes, func(a, b scope) int {
		return strings.Compare(a.account+"/"+a.region, b.account+"/"+b.region)
	})
	if len(s.W.Snap.VPCs) <= 3 {
		for _, v := range s.W.Snap.VPCs {
			t.expanded[v.ID] = true
		}
	}
	t.rebuild()
	return t
}

func accountID(a string) string   { return "account:" + a }
func regionID(a, r string) string { return "region:" + a + "/" + r }

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

// Selected implements view.View: the resource under the cursor (none on an
// account or region line).
func (t *Model) Selected() string { return t.list.SelectedID() }

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
func (t *Model) SetFilter(f string) tea.Cmd { t.filter = f; t.rebuild(); return nil }

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
		if r.ID == "" {
			t.expanded[n.id] = !t.expanded[n.id]
			t.rebuild()
			return nil
		}
		return t.s.Send(view.Open{ID: n.id})
	case key.Matches(km, keys.Expand):
		if n.hasKids && !t.expanded[n.id] {
			t.expanded[n.id] = true
			t.rebuild()
		}
	case key.Matches(km, keys.Collapse):
		if t.expanded[n.id] && n.hasKids {
			t.expanded[n.id] = false
			t.rebuild()
		} else if p := n.parent; p != "" {
			t.expanded[p] = false
			t.rebuild()
			t.list.Select(func(r list.Row) bool { return r.Data.(node).id == p })
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

// roots are the top nodes: accounts (when the snapshot spans more than
// one scope), else the VPCs and transit gateways.
func (t *Model) roots() []node {
	if !t.multi {
		var out []node
		for _, sc := range t.scopes {
			out = append(out, t.scopeKids(sc, "", 0)...)
		}
		return out
	}
	th := t.s.Th
	var out []node
	for i := 0; i < len(t.scopes); {
		acct := t.scopes[i].account
		j := i
		for j < len(t.scopes) && t.scopes[j].account == acct {
			j++
		}
		group := t.scopes[i:j]
		nv := 0
		for _, sc := range group {
			nv += len(sc.vpcs)
		}
		name := safe(acct)
		if name == "" {
			name = "(account not recorded)"
		}
		plain := fmt.Sprintf("account %s  %s  %s", name, count(len(group), "region"), count(nv, "VPC"))
		out = append(out, node{id: accountID(acct), hasKids: true, plain: plain,
			text: func() string {
				return th.Title.Render("account "+name) + "  " + th.Dim.Render(plain[len("account "+name)+2:])
			},
			kids: func() []node {
				var ks []node
				for _, sc := range group {
					ks = append(ks, t.regionNode(sc))
				}
				return ks
			}})
		i = j
	}
	return out
}

func (t *Model) regionNode(sc scope) node {
	th := t.s.Th
	name := safe(sc.region)
	if name == "" {
		name = "(region not recorded)"
	}
	plain := fmt.Sprintf("region %s  %s", name, count(len(sc.vpcs), "VPC"))
	if len(sc.tgws) > 0 {
		plain += "  " + count(len(sc.tgws), "transit gateway")
	}
	id := regionID(sc.account, sc.region)
	return node{id: id, parent: accountID(sc.account), depth: 1, hasKids: true, plain: plain,
		text: func() string {
			return th.Bold.Render("region "+name) + "  " + th.Dim.Render(plain[len("region "+name)+2:])
		},
		kids: func() []node { return t.scopeKids(sc, id, 2) }}
}

// scopeKids are a scope's VPCs, then its transit gateways.
func (t *Model) scopeKids(sc scope, parent string, depth int) []node {
	var out []node
	for _, v := range sc.vpcs {
		out = append(out, t.vpcNode(v, parent, depth))
	}
	for _, g := range sc.tgws {
		out = append(out, t.tgwNode(g, parent, depth))
	}
	return out
}

func (t *Model) vpcNode(v *model.VPC, parent string, depth int) node {
	th := t.s.Th
	w := t.s.W
	subnets := w.Ix.VPCSubnets(v.ID)
	nSubnets := count(len(subnets), "subnet")
	vid, region := safe(v.ID), safe(v.Region)
	plain := fmt.Sprintf("%s  %s  %s  %s  %s", world.Short(v), vid, prefixes(v), region, nSubnets)
	return node{id: v.ID, parent: parent, depth: depth, hasKids: true, plain: plain,
		text: func() string {
			return th.Bold.Render(world.Short(v)) + "  " + th.Dim.Render(vid) + "  " + prefixes(v) + "  " + th.Dim.Render(region+"  "+nSubnets)
		},
		kids: func() []node {
			var out []node
			for _, g := range w.VPCGateways(v.ID) {
				out = append(out, t.leaf(g, v.ID, depth+1, ""))
			}
			out = append(out, t.links(v, depth+1)...)
			for _, sn := range subnets {
				out = append(out, t.subnetNode(sn, v.ID, depth+1))
			}
			return out
		}}
}

// links are a VPC's peering connections and transit gateway attachments,
// each naming the other side with its account and region when they differ.
func (t *Model) links(v *model.VPC, depth int) []node {
	th := t.s.Th
	w := t.s.W
	var out []node
	for _, p := range w.Snap.VPCPeerings {
		other, ok := p.Other(v.ID)
		if !ok {
			continue
		}
		where := ""
		if other.OwnerID != "" && other.OwnerID != v.Account || other.Region != "" && other.Region != v.Region {
			where = " (" + strings.Trim(other.OwnerID+"/"+other.Region, "/") + ")"
		}
		desc := safe("↔ " + w.ShortID(other.VPCID) + where + "  " + p.Status)
		out = append(out, t.line(p, v.ID, depth, desc, th))
	}
	for _, a := range w.Snap.TGWAttachments {
		if a.ResourceType != "vpc" || a.ResourceID != v.ID {
			continue
		}
		desc := safe("→ " + w.ShortID(a.TransitGatewayID) + "  " + a.State)
		out = append(out, t.line(a, v.ID, depth, desc, th))
	}
	return out
}

func (t *Model) tgwNode(g *model.TransitGateway, parent string, depth int) node {
	w := t.s.W
	atts := w.Ix.TGWAttachments(g.ID)
	n := t.line(g, parent, depth, safe(fmt.Sprintf("%s  %s", g.State, count(len(atts), "attachment"))), t.s.Th)
	n.hasKids = true
	n.kids = func() []node {
		var out []node
		seen := map[string]bool{}
		for _, a := range w.Snap.TGWAttachments {
			if a.TransitGatewayID != g.ID || seen[a.ID] {
				continue
			}
			seen[a.ID] = true
			desc := fmt.Sprintf("→ %s %s  %s", a.ResourceType, w.ShortID(a.ResourceID), a.State)
			if a.ResourceOwnerID != "" && a.ResourceOwnerID != g.Account {
				desc += "  (account " + a.ResourceOwnerID + ")"
			}
			out = append(out, t.line(a, g.ID, depth+1, safe(desc), t.s.Th))
		}
		for _, rt := range w.Snap.TGWRouteTables {
			if rt.TransitGatewayID == g.ID {
				out = append(out, t.line(rt, g.ID, depth+1, safe(count(len(rt.Routes), "route")), t.s.Th))
			}
		}
		return out
	}
	return n
}

// rebuild flattens the tree: the expanded nodes, or with a filter every
// node that matches with its ancestors.
func (t *Model) rebuild() {
	cur := -1
	curID := ""
	if r, ok := t.list.Current(); ok {
		cur, curID = t.list.Cursor(), r.Data.(node).id
	}
	q := match.Parse(t.filter)
	var nodes []node
	var walk func(ns []node) []node
	if q.Empty() {
		walk = func(ns []node) []node {
			var out []node
			for _, n := range ns {
				out = append(out, n)
				if n.kids != nil && t.expanded[n.id] {
					out = append(out, walk(n.kids())...)
				}
			}
			return out
		}
	} else {
		walk = func(ns []node) []node {
			var out []node
			for _, n := range ns {
				var kids []node
				if n.kids != nil {
					kids = walk(n.kids())
				}
				if len(kids) > 0 || q.Matches(n.lowerText()) {
					out = append(out, n)
					out = append(out, kids...)
				}
			}
			return out
		}
	}
	nodes = walk(t.roots())
	rows := make([]list.Row, len(nodes))
	for i, n := range nodes {
		indent := strings.Repeat("  ", n.depth)
		icon := "  "
		if n.hasKids {
			icon = "▸ "
			if t.expanded[n.id] || !q.Empty() {
				icon = "▾ "
			}
		}
		id := n.id
		if strings.HasPrefix(id, "account:") || strings.HasPrefix(id, "region:") {
			id = "" // an account or region opens nothing
		}
		rows[i] = list.Row{Plain: indent + icon + n.plain, ID: id, Data: n, Lazy: func() string { return indent + icon + n.text() }}
	}
	t.list.SetRows(rows) // the tree filters itself: the list shows every row
	if curID != "" && !t.list.Select(func(r list.Row) bool { return r.Data.(node).id == curID }) && cur >= 0 {
		t.list.SetCursor(cur)
	}
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func prefixes(v *model.VPC) string {
	var out []string
	for _, p := range v.CIDRs {
		out = append(out, p.String())
	}
	return strings.Join(out, ", ")
}

func (n node) lowerText() string {
	if n.lower != "" {
		return n.lower
	}
	return match.Lower(n.plain)
}

func (t *Model) subnetNode(sn *model.Subnet, parent string, depth int) node {
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
	enis := count(n, "ENI")
	plain := fmt.Sprintf("%s  %s  %s  %s  %s  %s", world.Short(sn), plainBadge, az, sn.CIDR, id, enis)
	text := func() string {
		return th.Bold.Render(world.Short(sn)) + "  " + badge + "  " + az + "  " + sn.CIDR.String() + "  " + th.Dim.Render(id+"  "+enis)
	}
	return node{id: sn.ID, parent: parent, depth: depth, hasKids: true, text: text, plain: plain, subnetID: sn.ID,
		kids: func() []node {
			leaves := t.leaves[sn.ID]
			if leaves == nil {
				leaves = t.subnetLeaves(sn, depth+1)
				t.leaves[sn.ID] = leaves
			}
			return leaves
		}}
}

func (t *Model) subnetLeaves(sn *model.Subnet, depth int) []node {
	w := t.s.W
	out := []node{}
	for _, g := range w.Snap.NATGateways {
		if g.SubnetID == sn.ID {
			out = append(out, t.leaf(g, sn.ID, depth, sn.ID))
		}
	}
	for _, n := range w.Ix.SubnetInterfaces(sn.ID) {
		if id := n.InstanceID(); id != "" {
			if in := w.Ix.Instance(id); in != nil {
				out = append(out, t.leaf(in, sn.ID, depth, sn.ID))
				continue
			}
		}
		out = append(out, t.leaf(n, sn.ID, depth, sn.ID))
	}
	for _, e := range w.Snap.VPCEndpoints {
		for _, s := range e.SubnetIDs {
			if s == sn.ID {
				out = append(out, t.leaf(e, sn.ID, depth, sn.ID))
			}
		}
	}
	return out
}

// leaf is a resource's line with its summary.
func (t *Model) leaf(r model.Resource, parent string, depth int, subnet string) node {
	n := t.line(r, parent, depth, safe(present.Summary(r)), t.s.Th)
	n.subnetID = subnet
	return n
}

// line is a resource's line: kind, name, ID and a description.
func (t *Model) line(r model.Resource, parent string, depth int, desc string, th *style.Theme) node {
	kind, id := string(r.Kind()), safe(r.Base().ID)
	name := world.Short(r)
	if name == id {
		name = "" // no name: the ID alone
	} else {
		name += "  "
	}
	plain := fmt.Sprintf("%s  %s%s  %s", kind, name, id, desc)
	text := func() string {
		return th.Dim.Render(kind) + "  " + name + th.Dim.Render(id) + "  " + desc
	}
	return node{id: r.Base().ID, parent: parent, depth: depth, text: text, plain: plain, lower: match.Lower(plain)}
}
