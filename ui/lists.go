package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/model"
)

// listsView is a sidebar of resource kinds and a sortable, filterable
// table of the chosen kind. Tables are built once per kind; only the
// visible rows are rendered.
type listsView struct {
	s       *session
	kinds   []model.Kind
	kindIdx int
	pane    int // 0 kinds, 1 table
	tables  map[model.Kind]*table
	w, h    int
}

func newListsView(s *session) *listsView {
	v := &listsView{s: s, tables: map[model.Kind]*table{}, pane: 1}
	for _, k := range model.Kinds() {
		if s.w.counts[k] > 0 {
			v.kinds = append(v.kinds, k)
		}
	}
	return v
}

func (v *listsView) kind() model.Kind {
	if len(v.kinds) == 0 {
		return ""
	}
	return v.kinds[v.kindIdx]
}

// show switches to a kind by name ("vpc", "subnets", "sg", ...).
func (v *listsView) show(name string) bool {
	k, ok := kindByName(name)
	if !ok {
		return false
	}
	for i, x := range v.kinds {
		if x == k {
			v.kindIdx = i
			v.pane = 1
			v.SetSize(v.w, v.h)
			return true
		}
	}
	return false
}

// kindByName resolves a kind from its name, a plural or a common short form.
func kindByName(name string) (model.Kind, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	short := map[string]model.Kind{
		"vpcs": model.KindVPC, "subnets": model.KindSubnet, "sg": model.KindSecurityGroup, "sgs": model.KindSecurityGroup,
		"security-groups": model.KindSecurityGroup, "nacl": model.KindNetworkACL, "nacls": model.KindNetworkACL,
		"acl": model.KindNetworkACL, "rt": model.KindRouteTable, "route-tables": model.KindRouteTable, "eni": model.KindNetworkInterface,
		"enis": model.KindNetworkInterface, "interfaces": model.KindNetworkInterface, "instances": model.KindInstance,
		"ec2": model.KindInstance, "igw": model.KindInternetGateway, "nat": model.KindNATGateway, "nats": model.KindNATGateway,
		"peering": model.KindVPCPeering, "peerings": model.KindVPCPeering, "tgw": model.KindTransitGateway,
		"tgws": model.KindTransitGateway, "endpoints": model.KindVPCEndpoint, "vpce": model.KindVPCEndpoint,
		"lb": model.KindLoadBalancer, "lbs": model.KindLoadBalancer, "elb": model.KindLoadBalancer,
		"load-balancers": model.KindLoadBalancer, "gateways": model.KindInternetGateway,
	}
	if k, ok := short[n]; ok {
		return k, true
	}
	for _, k := range model.Kinds() {
		if string(k) == n || string(k)+"s" == n {
			return k, true
		}
	}
	return "", false
}

func (v *listsView) table() *table {
	k := v.kind()
	if k == "" {
		return nil
	}
	t := v.tables[k]
	if t == nil {
		t = newTable(v.s, k)
		v.tables[k] = t
		t.SetSize(v.tableWidth(), v.h-1)
	}
	return t
}

const sidebarWidth = 35

func (v *listsView) sidebar() bool { return v.w >= 100 }

func (v *listsView) tableWidth() int {
	if v.sidebar() {
		return max(10, v.w-sidebarWidth-1)
	}
	return v.w
}

func (v *listsView) Crumbs() []string { return []string{"Lists", string(v.kind())} }

func (v *listsView) Keys() []key.Binding {
	return append(keys.moveHelp(), keys.Sort, keys.Reverse, keys.NextKind, keys.PrevKind, keys.NextPane)
}

func (v *listsView) Selected() string {
	if t := v.table(); t != nil && v.pane == 1 {
		if r, ok := t.list.Current(); ok {
			return r.id
		}
	}
	return ""
}

func (v *listsView) SetSize(w, h int) {
	v.w, v.h = w, h
	if t := v.table(); t != nil {
		t.SetSize(v.tableWidth(), h-1)
	}
}

func (v *listsView) NextPane(delta int) {
	if v.sidebar() {
		v.pane = 1 - v.pane
	}
}

func (v *listsView) SetFilter(f string) {
	if t := v.table(); t != nil {
		t.list.SetFilter(f)
	}
}

func (v *listsView) Filter() string {
	if t := v.table(); t != nil {
		return t.list.Filter()
	}
	return ""
}

// Click selects a kind in the sidebar, or a row of the table (under its
// header line).
func (v *listsView) Click(x, y int) bool {
	if v.sidebar() && x < sidebarWidth {
		start := max(0, min(v.kindIdx-(v.h-2)/2, len(v.kinds)-(v.h-1)))
		if i := start + y - 1; y >= 1 && i < len(v.kinds) {
			v.pane = 0
			v.step(i - v.kindIdx)
		}
		return false
	}
	t := v.table()
	if t == nil {
		return false
	}
	v.pane = 1
	again, ok := t.list.ClickLine(y - 1)
	return ok && again
}

func (v *listsView) step(d int) {
	if len(v.kinds) == 0 {
		return
	}
	f := v.Filter()
	v.kindIdx = (v.kindIdx + d + len(v.kinds)) % len(v.kinds)
	v.SetSize(v.w, v.h)
	if f != "" {
		v.SetFilter(f)
	}
}

func (v *listsView) Update(msg tea.Msg) tea.Cmd {
	if m, ok := msg.(sortedMsg); ok {
		m.t.landed(m)
		return nil
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(km, keys.NextKind):
		v.step(1)
		return nil
	case key.Matches(km, keys.PrevKind):
		v.step(-1)
		return nil
	}
	if v.pane == 0 {
		switch {
		case key.Matches(km, keys.Up):
			v.step(-1)
		case key.Matches(km, keys.Down):
			v.step(1)
		case key.Matches(km, keys.Open), key.Matches(km, keys.Expand):
			v.pane = 1
		}
		return nil
	}
	t := v.table()
	if t == nil {
		return nil
	}
	if t.list.HandleMove(km) {
		return nil
	}
	switch {
	case key.Matches(km, keys.Open):
		if r, ok := t.list.Current(); ok {
			return v.s.send(openMsg{id: r.id})
		}
	case key.Matches(km, keys.Sort):
		return t.sortBy(v, (t.sortCol+1)%len(t.cols), false)
	case key.Matches(km, keys.Reverse):
		return t.sortBy(v, t.sortCol, !t.desc)
	case key.Matches(km, keys.Collapse):
		if v.sidebar() {
			v.pane = 0
		}
	}
	return nil
}

func (v *listsView) View() string {
	t := v.table()
	if t == nil {
		return v.s.th.dim.Render("the snapshot holds no resources")
	}
	body := t.View(v.pane == 1)
	if !v.sidebar() {
		return body
	}
	th := v.s.th
	var side []string
	head := th.header.Render("Kinds")
	if v.pane == 0 {
		head = th.key.Render("Kinds")
	}
	side = append(side, head)
	start := max(0, min(v.kindIdx-(v.h-2)/2, len(v.kinds)-(v.h-1)))
	for i := start; i < len(v.kinds) && len(side) < v.h; i++ {
		k := v.kinds[i]
		line := fmt.Sprintf("%-28s %5d", k, v.s.w.counts[k])
		if i == v.kindIdx {
			st := th.selectedDim
			if v.pane == 0 {
				st = th.selected
			}
			line = th.marker.Render("▌") + st.Render(line)
		} else {
			line = " " + line
		}
		side = append(side, ansi.Truncate(line, sidebarWidth, "…"))
	}
	for len(side) < v.h {
		side = append(side, "")
	}
	sep := strings.TrimSuffix(strings.Repeat(th.border.Render("│")+"\n", v.h), "\n")
	return lipgloss.JoinHorizontal(lipgloss.Top,
		v.s.th.r.NewStyle().Width(sidebarWidth).Render(strings.Join(side, "\n")), sep, body)
}

// sorting reports whether a table is waiting for a sort to land.
func (v *listsView) sorting() bool {
	for _, t := range v.tables {
		if t.pending {
			return true
		}
	}
	return false
}

// table is a sortable table of one kind. Its rows are built once; sorting
// by a column computes that column's order once, in a tea.Cmd (the list
// keeps its order until the sort lands), and later sorts by it only set
// the order the rows show in.
type table struct {
	s      *session
	kind   model.Kind
	cols   []string
	cells  [][]string
	ids    []string
	widths []int
	// sorted caches each column's ascending order and its keys' ranks.
	sorted map[int]columnOrder
	// sortCol and desc are the order asked for; pending says it has not
	// landed yet.
	sortCol int
	desc    bool
	pending bool
	list    *lineList
	w, h    int
}

// columnOrder is a column's stable ascending order of rows, and each
// row's rank (rows with equal keys share one), for the descending order.
type columnOrder struct {
	asc  []int32
	rank []int32
}

// sortedMsg delivers a column's order, computed off the key path.
type sortedMsg struct {
	owner view
	t     *table
	col   int
	order columnOrder
}

func (m sortedMsg) ownerView() view { return m.owner }

func newTable(s *session, k model.Kind) *table {
	t := &table{s: s, kind: k, list: newLineList(s.th), sorted: map[int]columnOrder{}}
	t.cols, t.cells, t.ids = columns(s.w, k)
	for _, r := range t.cells {
		for i, c := range r {
			r[i] = safe(c)
		}
	}
	t.widths = make([]int, len(t.cols))
	for i, c := range t.cols {
		t.widths[i] = len(c)
	}
	for _, r := range t.cells {
		for i, c := range r {
			t.widths[i] = max(t.widths[i], min(ansi.StringWidth(c), 44))
		}
	}
	rows := make([]row, len(t.cells))
	for i, cells := range t.cells {
		rows[i] = row{plain: strings.Join(cells, " "), id: t.ids[i], lazy: func() string { return t.line(cells) }}
	}
	t.sorted[0] = sortColumn(t.cells, 0)
	t.list.SetRows(rows) // once: sorting only changes the order they show in
	t.list.SetOrder(t.sorted[0].asc)
	return t
}

func (t *table) SetSize(w, h int) {
	t.w, t.h = w, h
	t.list.SetSize(w, max(1, h-1))
}

// sortBy orders the rows by a column, descending when desc. A column
// sorted before is reordered at once; a new one is sorted in a tea.Cmd,
// and the list shows its old order until the sort lands.
func (t *table) sortBy(owner view, col int, desc bool) tea.Cmd {
	t.sortCol, t.desc = col, desc
	if _, ok := t.sorted[col]; ok {
		t.show(col, desc)
		return nil
	}
	t.pending = true
	cells := t.cells // never written after newTable
	return func() tea.Msg { return sortedMsg{owner: owner, t: t, col: col, order: sortColumn(cells, col)} }
}

// landed takes a column's order in and shows it if it is still the one
// asked for.
func (t *table) landed(m sortedMsg) {
	t.sorted[m.col] = m.order
	if m.col == t.sortCol {
		t.show(t.sortCol, t.desc)
	}
}

// show puts the rows in a sorted column's order, keeping the selection.
func (t *table) show(col int, desc bool) {
	t.pending = false
	co := t.sorted[col]
	next := co.asc
	if desc {
		next = co.descending()
	}
	cur := ""
	if r, ok := t.list.Current(); ok {
		cur = r.id
	}
	t.list.SetOrder(next)
	if cur != "" {
		t.list.Select(func(r row) bool { return r.id == cur })
	}
}

// sortColumn computes a column's stable ascending order: numbers as
// numbers and before text, text without regard to case. It reads cells
// only, so it can run in a tea.Cmd.
func sortColumn(cells [][]string, col int) columnOrder {
	type k struct {
		n     float64
		isNum bool
		s     string
	}
	ks := make([]k, len(cells))
	for i, r := range cells {
		c := r[col]
		if f, err := strconv.ParseFloat(c, 64); err == nil {
			ks[i] = k{n: f, isNum: true}
		} else {
			ks[i] = k{s: strings.ToLower(c)}
		}
	}
	compare := func(x, y k) int {
		switch {
		case x.isNum && y.isNum:
			return cmp.Compare(x.n, y.n)
		case x.isNum:
			return -1 // numbers before text
		case y.isNum:
			return 1
		}
		return strings.Compare(x.s, y.s)
	}
	asc := make([]int32, len(cells))
	for i := range asc {
		asc[i] = int32(i)
	}
	slices.SortStableFunc(asc, func(a, b int32) int { return compare(ks[a], ks[b]) })
	rank := make([]int32, len(cells))
	for i := 1; i < len(asc); i++ {
		rank[asc[i]] = rank[asc[i-1]]
		if compare(ks[asc[i-1]], ks[asc[i]]) != 0 {
			rank[asc[i]]++
		}
	}
	return columnOrder{asc: asc, rank: rank}
}

// descending returns the stable descending order: groups of equal keys
// last to first, each in its original order.
func (c columnOrder) descending() []int32 {
	out := make([]int32, 0, len(c.asc))
	end := len(c.asc)
	for end > 0 {
		start := end - 1
		for start > 0 && c.rank[c.asc[start-1]] == c.rank[c.asc[end-1]] {
			start--
		}
		out = append(out, c.asc[start:end]...)
		end = start
	}
	return out
}

func (t *table) line(cells []string) string {
	var b strings.Builder
	for i, c := range cells {
		if i > 0 {
			b.WriteString("  ")
		}
		c = ansi.Truncate(c, t.widths[i], "…")
		b.WriteString(c + strings.Repeat(" ", t.widths[i]-ansi.StringWidth(c)))
	}
	return b.String()
}

func (t *table) View(focused bool) string {
	th := t.s.th
	heads := make([]string, len(t.cols))
	for i, c := range t.cols {
		if i == t.sortCol {
			arrow := "↑"
			if t.desc {
				arrow = "↓"
			}
			c += arrow
		}
		heads[i] = c
	}
	n, total := t.list.Position()
	head := " " + th.header.Render(ansi.Truncate(t.line(heads), t.w-1, "…"))
	count := fmt.Sprintf("%d/%d", min(n, total), total)
	if len(t.cells) != total {
		count += fmt.Sprintf(" of %d", len(t.cells))
	}
	if t.pending {
		count = "sorting… " + count
	}
	head = ansi.Truncate(head, max(0, t.w-len(count)-1), "…")
	pad := max(1, t.w-ansi.StringWidth(head)-len(count))
	return head + strings.Repeat(" ", pad) + th.dim.Render(count) + "\n" + t.list.View(focused)
}

// columns gives the headers, cells and IDs of a kind's table.
func columns(w *world, k model.Kind) ([]string, [][]string, []string) {
	var heads []string
	var cells [][]string
	var ids []string
	add := func(id string, c ...string) {
		ids = append(ids, id)
		cells = append(cells, c)
	}
	rs := w.byKind[k]
	name := func(r model.Resource) string {
		if n := short(r); n != r.Base().ID {
			return n
		}
		return ""
	}
	switch k {
	case model.KindVPC:
		heads = []string{"name", "id", "cidrs", "region", "account", "subnets"}
		for _, r := range rs {
			v := r.(*model.VPC)
			add(v.ID, name(v), v.ID, prefixes(v.CIDRs), v.Region, v.Account, itoa(len(w.ix.VPCSubnets(v.ID))))
		}
	case model.KindSubnet:
		heads = []string{"name", "id", "vpc", "az", "cidr", "type", "enis"}
		for _, r := range rs {
			v := r.(*model.Subnet)
			typ := "private"
			if w.isPublic(v) {
				typ = "public"
			}
			add(v.ID, name(v), v.ID, w.shortID(v.VPCID), v.AvailabilityZone, v.CIDR.String(), typ, itoa(len(w.ix.SubnetInterfaces(v.ID))))
		}
	case model.KindRouteTable:
		heads = []string{"name", "id", "vpc", "main", "routes", "associations"}
		for _, r := range rs {
			v := r.(*model.RouteTable)
			add(v.ID, name(v), v.ID, w.shortID(v.VPCID), yes(v.IsMain()), itoa(len(v.Routes)), itoa(len(v.Associations)))
		}
	case model.KindNetworkACL:
		heads = []string{"name", "id", "vpc", "default", "entries", "subnets"}
		for _, r := range rs {
			v := r.(*model.NetworkACL)
			add(v.ID, name(v), v.ID, w.shortID(v.VPCID), yes(v.IsDefault), itoa(len(v.Entries)), itoa(len(v.Associations)))
		}
	case model.KindSecurityGroup:
		heads = []string{"name", "id", "vpc", "group name", "inbound", "outbound", "members"}
		for _, r := range rs {
			v := r.(*model.SecurityGroup)
			add(v.ID, name(v), v.ID, w.shortID(v.VPCID), v.GroupName, itoa(len(v.Ingress)), itoa(len(v.Egress)), itoa(len(w.ix.GroupMembers(v.ID))))
		}
	case model.KindNetworkInterface:
		heads = []string{"id", "private ip", "public ip", "subnet", "type", "attached to", "groups"}
		for _, r := range rs {
			v := r.(*model.NetworkInterface)
			pub := ""
			if ps := v.PublicIPs(); len(ps) > 0 {
				pub = ps[0].String()
			}
			att := v.InstanceID()
			if att != "" {
				att = w.shortID(att)
			} else {
				att = v.Description
			}
			add(v.ID, v.ID, v.PrimaryIP().String(), pub, w.shortID(v.SubnetID), v.InterfaceType, att, itoa(len(v.SecurityGroupIDs)))
		}
	case model.KindInstance:
		heads = []string{"name", "id", "state", "type", "private ip", "public ip", "subnet"}
		for _, r := range rs {
			v := r.(*model.Instance)
			pub := ""
			if v.PublicIP.IsValid() {
				pub = v.PublicIP.String()
			}
			add(v.ID, name(v), v.ID, v.State, v.InstanceType, v.PrivateIP.String(), pub, w.shortID(v.SubnetID))
		}
	case model.KindNATGateway:
		heads = []string{"name", "id", "vpc", "subnet", "state", "type", "public ip"}
		for _, r := range rs {
			v := r.(*model.NATGateway)
			pub := ""
			for _, a := range v.Addresses {
				if a.PublicIP.IsValid() {
					pub = a.PublicIP.String()
				}
			}
			add(v.ID, name(v), v.ID, w.shortID(v.VPCID), w.shortID(v.SubnetID), v.State, cmp.Or(v.ConnectivityType, "public"), pub)
		}
	case model.KindVPCPeering:
		heads = []string{"name", "id", "status", "requester", "accepter"}
		for _, r := range rs {
			v := r.(*model.VPCPeering)
			add(v.ID, name(v), v.ID, v.Status, w.shortID(v.Requester.VPCID), w.shortID(v.Accepter.VPCID))
		}
	case model.KindVPCEndpoint:
		heads = []string{"name", "id", "vpc", "type", "service", "state"}
		for _, r := range rs {
			v := r.(*model.VPCEndpoint)
			add(v.ID, name(v), v.ID, w.shortID(v.VPCID), v.Type, v.ServiceName, v.State)
		}
	case model.KindLoadBalancer:
		heads = []string{"name", "type", "scheme", "vpc", "listeners", "dns"}
		for _, r := range rs {
			v := r.(*model.LoadBalancer)
			add(v.ID, v.LoadBalancerName, v.Type, v.Scheme, w.shortID(v.VPCID), itoa(len(v.Listeners)), v.DNSName)
		}
	default:
		heads = []string{"name", "id", "vpc / attached to"}
		for _, r := range rs {
			vpc, _ := w.containers(r)
			if vpc != "" {
				vpc = w.shortID(vpc)
			}
			add(r.Base().ID, short(r), r.Base().ID, vpc)
		}
	}
	return heads, cells, ids
}
