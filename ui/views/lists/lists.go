// Package lists is the explorer's tables: a sidebar of resource kinds and
// a sortable, filterable table of the chosen kind (package table, rows
// from model/present). Tables are built once per kind; only the visible
// rows are rendered.
package lists

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/model/present"
	"github.com/vpcscope/vpcscope/ui/component/list"
	"github.com/vpcscope/vpcscope/ui/component/table"
	"github.com/vpcscope/vpcscope/ui/keys"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/world"
)

var (
	_ view.Filterable = (*Model)(nil)
	_ view.Filtering  = (*Model)(nil)
)

// Model is the lists section.
type Model struct {
	s       *view.Session
	kinds   []model.Kind
	kindIdx int
	pane    int // 0 kinds, 1 table
	// hidden hides the kinds pane (ctrl+k, or tab past the table).
	hidden bool
	tables map[model.Kind]*table.Model
	// cmp is the comparison the tables were marked with (--compare).
	cmp  *world.Compare
	w, h int
}

// New builds the lists on the kinds the snapshot holds.
func New(s *view.Session) *Model {
	v := &Model{s: s, tables: map[model.Kind]*table.Model{}, pane: 1}
	for _, k := range model.Kinds() {
		if s.W.Counts[k] > 0 {
			v.kinds = append(v.kinds, k)
		}
	}
	return v
}

func (v *Model) kind() model.Kind {
	if len(v.kinds) == 0 {
		return ""
	}
	return v.kinds[v.kindIdx]
}

// Show switches to a kind by name ("vpc", "subnets", "sg", ...); it
// reports whether the snapshot has that kind.
func (v *Model) Show(name string) bool {
	k, ok := KindByName(name)
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

// KindByName resolves a kind from its name, a plural or a common short form.
func KindByName(name string) (model.Kind, bool) {
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

// Table returns the table of the kind shown, built on first use.
func (v *Model) Table() *table.Model {
	k := v.kind()
	if k == "" {
		return nil
	}
	if v.cmp != v.s.Compare { // the compared snapshot arrived: mark the changes
		v.cmp, v.tables = v.s.Compare, map[model.Kind]*table.Model{}
	}
	t := v.tables[k]
	if t == nil {
		t = table.New(v.s.Th, v.marked(k, v.s.Presenter().Table(k)))
		t.SetWide(v.s.Wide)
		v.tables[k] = t
		t.SetSize(v.tableWidth(), v.h-1)
	}
	return t
}

const sidebarWidth = 35

// sidebar reports whether the kinds pane shows: on a wide enough screen,
// unless hidden.
func (v *Model) sidebar() bool { return v.w >= 100 && !v.hidden }

func (v *Model) tableWidth() int {
	if v.sidebar() {
		return max(10, v.w-sidebarWidth-1)
	}
	return v.w
}

// Crumbs implements view.View.
func (v *Model) Crumbs() []string { return []string{"Lists", string(v.kind())} }

// Keys implements view.View.
func (v *Model) Keys() []key.Binding {
	return append(keys.MoveHelp(), keys.Sort, keys.Reverse, keys.NextKind, keys.PrevKind, keys.NextPane,
		keys.HideKinds, keys.ScrollLeft, keys.ScrollRight, keys.Wide)
}

// Selected implements view.View.
func (v *Model) Selected() string {
	if t := v.Table(); t != nil && v.pane == 1 {
		if r, ok := t.List.Current(); ok {
			return r.ID
		}
	}
	return ""
}

// SetSize implements view.View.
func (v *Model) SetSize(w, h int) {
	v.w, v.h = w, h
	if t := v.Table(); t != nil {
		t.SetSize(v.tableWidth(), h-1)
	}
}

// NextPane moves between the kinds and the table; tab past the table
// hides the kinds (the table takes the width) and tab again brings them
// back, focused.
func (v *Model) NextPane(delta int) {
	switch {
	case v.w < 100:
		return
	case v.hidden:
		v.hidden, v.pane = false, 0
	case v.pane == 0:
		v.pane = 1
		if delta < 0 {
			v.hidden = true
		}
	default:
		if delta > 0 {
			v.hidden = true
		} else {
			v.pane = 0
		}
	}
	v.SetSize(v.w, v.h)
}

// SetFilter narrows the table of the kind shown; each kind keeps its own.
// A long table ranks its rows in the command returned (Filtering).
func (v *Model) SetFilter(f string) tea.Cmd {
	if t := v.Table(); t != nil {
		return view.To(v, t.List.FilterCmd(f))
	}
	return nil
}

// Filtering implements view.Filtering: the table shown has not ranked its
// rows for its filter yet.
func (v *Model) Filtering() bool {
	t := v.Table()
	return t != nil && t.List.Filtering()
}

// Filter implements view.Filterable.
func (v *Model) Filter() string {
	if t := v.Table(); t != nil {
		return t.List.Filter()
	}
	return ""
}

// Busy reports whether a sort or a filter has not landed.
func (v *Model) Busy() bool {
	for _, t := range v.tables {
		if t.Sorting() || t.List.Filtering() {
			return true
		}
	}
	return false
}

// Click selects a kind in the sidebar, or a row of the table (under its
// header line).
func (v *Model) Click(x, y int) bool {
	if v.sidebar() && x < sidebarWidth {
		start := max(0, min(v.kindIdx-(v.h-2)/2, len(v.kinds)-(v.h-1)))
		if i := start + y - 1; y >= 1 && i < len(v.kinds) {
			v.pane = 0
			v.step(i - v.kindIdx)
		}
		return false
	}
	t := v.Table()
	if t == nil {
		return false
	}
	v.pane = 1
	again, ok := t.List.ClickLine(y - 1)
	return ok && again
}

func (v *Model) step(d int) {
	if len(v.kinds) == 0 {
		return
	}
	v.kindIdx = (v.kindIdx + d + len(v.kinds)) % len(v.kinds)
	v.SetSize(v.w, v.h)
}

// Update implements view.View.
func (v *Model) Update(msg tea.Msg) tea.Cmd {
	switch m := msg.(type) {
	case table.SortedMsg:
		m.Table().Landed(m)
		return nil
	case list.FilteredMsg:
		m.List().Landed(m)
		return nil
	case view.List:
		v.Show(m.Kind)
		return nil
	case view.Refresh:
		for _, t := range v.tables {
			if t.Wide() != v.s.Wide {
				t.SetWide(v.s.Wide)
			}
		}
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
	case key.Matches(km, keys.HideKinds):
		v.hidden = !v.hidden
		v.pane = 1
		v.SetSize(v.w, v.h)
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
	t := v.Table()
	if t == nil {
		return nil
	}
	if t.List.HandleMove(km) {
		return nil
	}
	switch {
	case key.Matches(km, keys.Open):
		if r, ok := t.List.Current(); ok {
			return v.s.Send(view.Open{ID: r.ID})
		}
	case key.Matches(km, keys.Sort):
		return view.To(v, t.NextSort())
	case key.Matches(km, keys.Reverse):
		return view.To(v, t.Reverse())
	case key.Matches(km, keys.ScrollRight):
		t.ScrollX(8)
	case key.Matches(km, keys.ScrollLeft):
		// scrolled: back toward the first column; at it: to the kinds
		if !t.ScrollX(-8) && v.sidebar() {
			v.pane = 0
		}
	}
	return nil
}

// View implements view.View.
func (v *Model) View() string {
	t := v.Table()
	if t == nil {
		return v.s.Th.Dim.Render("the snapshot holds no resources")
	}
	body := t.View(v.pane == 1)
	if !v.sidebar() {
		return body
	}
	th := v.s.Th
	var side []string
	// the focused pane's title is marked, so the focus reads without colour
	head := th.Header.Render("  Kinds") + th.Dim.Render("  ctrl+k hides")
	if v.pane == 0 {
		head = th.Key.Render("▶ Kinds") + th.Dim.Render("  ctrl+k hides")
	}
	side = append(side, head)
	start := max(0, min(v.kindIdx-(v.h-2)/2, len(v.kinds)-(v.h-1)))
	for i := start; i < len(v.kinds) && len(side) < v.h; i++ {
		k := v.kinds[i]
		line := fmt.Sprintf("%-28s %5d", k, v.s.W.Counts[k])
		if i == v.kindIdx {
			st, mark := th.SelectedDim, "▏"
			if v.pane == 0 {
				st, mark = th.Selected, "▌"
			}
			line = th.Marker.Render(mark) + st.Render(line)
		} else {
			line = " " + line
		}
		side = append(side, ansi.Truncate(line, sidebarWidth, "…"))
	}
	for len(side) < v.h {
		side = append(side, "")
	}
	sep := strings.TrimSuffix(strings.Repeat(th.Border.Render("│")+"\n", v.h), "\n")
	return lipgloss.JoinHorizontal(lipgloss.Top,
		th.R.NewStyle().Width(sidebarWidth).Render(strings.Join(side, "\n")), sep, body)
}

// marked adds a first column saying how each resource differs from the
// compared snapshot (+ added, ~ changed), and the rows of the resources
// only the compared snapshot holds (- removed), when there is one.
func (v *Model) marked(k model.Kind, t present.Table) present.Table {
	c := v.s.Compare
	if c == nil {
		return t
	}
	mark := func(m world.Mark) string {
		if m == "" {
			return ""
		}
		return m.Symbol() + " " + string(m)
	}
	out := present.Table{Kind: t.Kind, IDs: t.IDs, Columns: append([]present.TableColumn{{Title: "change", Priority: 0}}, t.Columns...)}
	for i, r := range t.Rows {
		out.Rows = append(out.Rows, append([]string{mark(c.Mark(t.IDs[i]))}, r...))
	}
	if removed := c.RemovedOf(k); len(removed) > 0 {
		old := c.Old.Presenter(edit.NewOverlay(c.Old.Snap)).Table(k)
		for i, id := range old.IDs {
			if c.Mark(id) == world.Removed {
				out.IDs = append(out.IDs, id)
				out.Rows = append(out.Rows, append([]string{mark(world.Removed)}, old.Rows[i]...))
			}
		}
	}
	return out
}
