// Package mapview is the explorer's map (key 6): the network's topology
// as model/topology draws it for `vpcscope map` — a frame per account and
// region, a box per VPC (CIDRs, subnets, internet, NAT, egress-only and
// VPN gateways) and per transit gateway (its route tables), the peering
// and transit gateway links — with a cursor on one box. Arrows move
// between boxes, enter opens the box's resource, r and tab list the box's
// parts (route tables, gateways, links) to open one. The last trace's
// path (view.Traced) is drawn heavy (┏━┓, links ▶) and the cursor's box
// double (╔═╗), so both read without colour. The picture scrolls to keep
// the cursor in view.
package mapview

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/model/topology"
	"github.com/vpcscope/vpcscope/ui/component/list"
	"github.com/vpcscope/vpcscope/ui/keys"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/world"
)

var safe = world.Safe

// header is the number of lines above the picture: the cursor's box and
// the trace.
const header = 2

// Model is the map view.
type Model struct {
	s *view.Session
	// m is the map of built (the world it was drawn from); it is built on
	// first show.
	m     *topology.Map
	built *world.World
	pic   topology.Picture
	// sel is the ID of the box under the cursor; off the first picture
	// line on screen.
	sel  string
	off  int
	w, h int
	// traced is the trace path was computed for.
	traced *view.Traced
	path   topology.Path
	// parts lists the selected box's parts while open.
	parts     *list.Model
	partsOpen bool
	dirty     bool
}

// New builds the map view; the map itself is built when first shown.
func New(s *view.Session) *Model {
	return &Model{s: s, parts: list.New(s.Th), dirty: true}
}

// Crumbs implements view.View.
func (m *Model) Crumbs() []string {
	if m.m == nil || m.sel == "" {
		return []string{"Map"}
	}
	return []string{"Map", m.m.Label(m.sel)}
}

// Keys implements view.View.
func (m *Model) Keys() []key.Binding {
	if m.partsOpen {
		return []key.Binding{keys.Up, keys.Down, keys.Open, keys.MapParts}
	}
	return []key.Binding{keys.MapMove, keys.Open, keys.MapRoutes, keys.MapParts, keys.PageUp, keys.PageDown, keys.Top, keys.Bottom}
}

// Selected implements view.View: the part under the cursor while the parts
// are open, else the box's VPC or transit gateway.
func (m *Model) Selected() string {
	if m.partsOpen {
		return m.parts.SelectedID()
	}
	if m.m != nil && m.external(m.sel) {
		return ""
	}
	return m.sel
}

// SetSize implements view.View.
func (m *Model) SetSize(w, h int) {
	if w != m.w {
		m.dirty = true
	}
	m.w, m.h = w, h
	m.ensure()
}

// Handles takes, while the parts are open, esc and tab (they close them);
// and always t and T, which need an instance, an interface or a load
// balancer rather than a VPC.
func (m *Model) Handles(msg tea.KeyMsg) bool {
	if key.Matches(msg, keys.TraceFrom, keys.TraceTo, keys.MapParts) {
		return true
	}
	return m.partsOpen && msg.Type == tea.KeyEsc
}

// Update implements view.View.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case view.Refresh:
		m.dirty = true
	case tea.KeyMsg:
		m.ensure()
		if m.m == nil {
			return nil
		}
		if m.partsOpen {
			return m.partsKey(msg)
		}
		return m.mapKey(msg)
	}
	return nil
}

func (m *Model) mapKey(msg tea.KeyMsg) tea.Cmd {
	l := m.pic.Layout
	switch {
	case key.Matches(msg, keys.TraceFrom, keys.TraceTo):
		return view.FlashCmd("a trace starts and ends at an instance, an interface or a load balancer: enter opens the VPC, 4 the trace")
	case key.Matches(msg, keys.MapParts):
		m.openParts(false)
	case key.Matches(msg, keys.MapRoutes):
		m.openParts(true)
	case key.Matches(msg, keys.Open):
		if m.external(m.sel) {
			return view.FlashCmd(m.sel + " is not in the snapshot (another account's side)")
		}
		return m.s.Send(view.Open{ID: m.sel})
	case msg.Type == tea.KeyLeft || msg.String() == "h":
		m.move(l.Move(m.sel, topology.Left))
	case msg.Type == tea.KeyRight || msg.String() == "l":
		m.move(l.Move(m.sel, topology.Right))
	case msg.Type == tea.KeyUp || msg.String() == "k":
		m.move(l.Move(m.sel, topology.Up))
	case msg.Type == tea.KeyDown || msg.String() == "j":
		m.move(l.Move(m.sel, topology.Down))
	case key.Matches(msg, keys.Top):
		m.move(firstBox(l))
	case key.Matches(msg, keys.Bottom):
		m.move(lastBox(l))
	case key.Matches(msg, keys.PageUp):
		m.off = max(0, m.off-max(1, m.window()-1))
	case key.Matches(msg, keys.PageDown):
		m.off = min(max(0, len(m.pic.Lines)-m.window()), m.off+max(1, m.window()-1))
	}
	return nil
}

func (m *Model) partsKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case msg.Type == tea.KeyEsc, key.Matches(msg, keys.MapParts):
		m.partsOpen = false
		m.scrollTo()
	case key.Matches(msg, keys.Open):
		if id := m.parts.SelectedID(); id != "" {
			return m.s.Send(view.Open{ID: id})
		}
	default:
		m.parts.HandleMove(msg)
	}
	return nil
}

func firstBox(l topology.Layout) string {
	if len(l.Rows) == 0 {
		return ""
	}
	return l.Rows[0].Cells[0].ID
}

func lastBox(l topology.Layout) string {
	if len(l.Rows) == 0 {
		return ""
	}
	r := l.Rows[len(l.Rows)-1]
	return r.Cells[len(r.Cells)-1].ID
}

// move puts the cursor on a box and scrolls it into view.
func (m *Model) move(id string) {
	if id == "" || id == m.sel {
		return
	}
	m.sel = id
	m.draw()
	m.scrollTo()
}

// external reports whether the box stands for a VPC or transit gateway the
// snapshot lacks (the far side of a peering).
func (m *Model) external(id string) bool {
	if v := m.m.VPC(id); v != nil {
		return v.External
	}
	if t := m.m.TransitGateway(id); t != nil {
		return t.External
	}
	return false
}

// ensure builds the map for the world on screen, and draws it again when
// the width, the trace or the world changed.
func (m *Model) ensure() {
	if m.w == 0 {
		return
	}
	if m.built != m.s.W {
		m.m, m.built, m.sel, m.off = topology.Build(m.s.W.Ix), m.s.W, "", 0
		m.traced, m.dirty = nil, true
	}
	if tr := m.s.Traced; tr != m.traced && tr != nil {
		m.traced, m.dirty = tr, true
		m.path = m.m.Highlight(tr.Resources)
		if len(m.path.Nodes) > 0 {
			m.sel = m.path.Nodes[0] // land on where the trace starts
		}
	}
	if m.sel == "" || !m.placed(m.sel) {
		m.sel = firstBox(m.m.Layout(m.w))
	}
	if m.dirty {
		m.draw()
		m.scrollTo()
	}
}

func (m *Model) placed(id string) bool {
	_, ok := m.m.Node(id)
	return ok
}

// draw draws the picture at the view's width with the cursor and the path.
func (m *Model) draw() {
	m.pic = topology.Draw(m.m, topology.TextOptions{Width: m.w, Path: m.path, Selected: m.sel})
	m.dirty = false
	if m.partsOpen {
		m.fillParts(false)
	}
}

// window is the number of picture lines on screen.
func (m *Model) window() int {
	h := m.h - header
	if m.partsOpen {
		h -= m.partsHeight() + 1
	}
	return max(1, h)
}

func (m *Model) partsHeight() int { return max(3, min(12, (m.h-header)/2)) }

// scrollTo scrolls so that the cursor's box is in view (its top, when it
// is taller than the window), with its group's title when that fits.
func (m *Model) scrollTo() {
	r, ok := m.pic.Boxes[m.sel]
	if !ok {
		return
	}
	h := m.window()
	switch {
	case r.Top < m.off:
		m.off = max(0, r.Top-1)
	case r.Bottom >= m.off+h:
		m.off = r.Bottom - h + 1
		if r.Top < m.off {
			m.off = r.Top
		}
	}
	m.off = max(0, min(m.off, len(m.pic.Lines)-h))
}

// View implements view.View.
func (m *Model) View() string {
	m.ensure()
	th := m.s.Th
	if m.m == nil {
		return ""
	}
	if len(m.m.VPCs)+len(m.m.TransitGateways) == 0 {
		return th.Dim.Render(" the snapshot has no VPC and no transit gateway to draw")
	}
	out := []string{m.selLine(), m.traceLine()}
	h := m.window()
	end := min(len(m.pic.Lines), m.off+h)
	for i := m.off; i < end; i++ {
		out = append(out, m.styleLine(i))
	}
	for len(out) < header+h {
		out = append(out, "")
	}
	if m.partsOpen {
		title := "Parts of " + safe(m.m.Label(m.sel))
		out = append(out, th.Section.Render(title)+th.Dim.Render("  enter opens · tab/esc back to the map"))
		out = append(out, m.parts.View(true))
	}
	return strings.Join(out, "\n")
}

// styleLine colours the boxes on picture line i: the cursor's box in the
// marker's colour, the path's boxes as a warning. Without colour the
// borders alone tell them apart.
func (m *Model) styleLine(i int) string {
	th := m.s.Th
	line := m.pic.Lines[i]
	if !th.Styled {
		return line
	}
	span := func(r topology.Rect, st lipgloss.Style) {
		if i < r.Top || i > r.Bottom {
			return
		}
		line = ansi.Cut(line, 0, r.Left) + st.Render(ansi.Strip(ansi.Cut(line, r.Left, r.Right))) + ansi.Cut(line, r.Right, ansi.StringWidth(line))
	}
	for _, id := range m.path.Nodes {
		if id != m.sel {
			span(m.pic.Boxes[id], th.Warn)
		}
	}
	span(m.pic.Boxes[m.sel], th.Marker)
	return line
}

// selLine says which box the cursor is on, where, and whether the trace
// crosses it.
func (m *Model) selLine() string {
	th := m.s.Th
	title, lines := m.boxSummary()
	s := th.Marker.Render("╔ ") + th.Bold.Render(safe(title))
	if m.path.HasNode(m.sel) {
		s += "  " + th.Warn.Render("▶ on the trace's path")
	}
	if len(lines) > 0 {
		s += "  " + th.Dim.Render(safe(strings.Join(lines, " · ")))
	}
	return ansi.Truncate(s, m.w, "…")
}

// boxSummary is the cursor's box in one line: name, ID, kind, where.
func (m *Model) boxSummary() (string, []string) {
	if v := m.m.VPC(m.sel); v != nil {
		out := []string{v.ID, m.m.Groups[v.Group].Title(), fmt.Sprintf("%d link(s)", len(v.Links))}
		if v.External {
			out = append(out, "not in the snapshot")
		}
		return v.Label(), out
	}
	if t := m.m.TransitGateway(m.sel); t != nil {
		out := []string{t.ID, "transit gateway", m.m.Groups[t.Group].Title(),
			fmt.Sprintf("%d route table(s)", len(t.RouteTables))}
		return t.Label(), out
	}
	return m.sel, nil
}

// traceLine names the trace whose path is drawn, or says how to get one.
func (m *Model) traceLine() string {
	th := m.s.Th
	tr := m.traced
	if tr == nil {
		return ansi.Truncate(th.Dim.Render("no trace yet: a trace (4) draws its path here, boxes ┏━┓ and links ▶"), m.w, "…")
	}
	q := tr.Query
	svc := q.Protocol.String()
	if q.Port > 0 {
		svc += fmt.Sprintf("/%d", q.Port)
	}
	s := fmt.Sprintf("trace %s → %s %s", m.s.W.CrumbName(q.From), m.s.W.CrumbName(q.To), svc)
	note := fmt.Sprintf(" · path %d box(es) ┏━┓, %d link(s) ▶ · ", len(m.path.Nodes), len(m.path.Links))
	if m.path.Empty() {
		note = " · its path crosses no box on the map · "
	}
	return ansi.Truncate(th.Bold.Render(safe(s))+th.Dim.Render(note)+safe(tr.Summary), m.w, "…")
}

// openParts lists the cursor box's parts; routes puts the cursor on the
// first route table.
func (m *Model) openParts(routes bool) {
	if m.external(m.sel) {
		m.partsOpen = false
		return
	}
	m.partsOpen = true
	m.fillParts(routes)
	m.parts.SetSize(m.w, m.partsHeight())
	m.scrollTo()
}

// fillParts fills the parts list: for a VPC its gateways (with the route
// tables that send to each) and its links (with the route tables that
// route over them); for a transit gateway its route tables (routes,
// blackholes, associations) and attachments. Every row opens a resource.
func (m *Model) fillParts(routes bool) {
	th := m.s.Th
	var rows []list.Row
	heading := func(s string) {
		rows = append(rows, list.Row{Text: th.Header.Render(s), Plain: s, Skip: true, Heading: true})
	}
	row := func(id, text string, route bool) {
		text = safe(text)
		rows = append(rows, list.Row{Text: text, Plain: text, ID: id, Data: route})
	}
	label := func(id string) string { return cmp.Or(m.s.W.Name(id), id) }
	if v := m.m.VPC(m.sel); v != nil {
		heading("gateways")
		if len(v.Gateways) == 0 {
			rows = append(rows, list.Row{Text: th.Dim.Render("  none"), Plain: "  none", Skip: true})
		}
		for _, g := range v.Gateways {
			row(g.ID, fmt.Sprintf("  %-4s %s  %s", g.Kind.Short(), cmp.Or(g.Name, g.ID), g.ID), false)
			for _, rt := range g.RouteTables {
				row(rt, "       route table "+label(rt)+" sends traffic to it", true)
			}
		}
		heading("links")
		if len(v.Links) == 0 {
			rows = append(rows, list.Row{Text: th.Dim.Render("  none"), Plain: "  none", Skip: true})
		}
		for _, li := range v.Links {
			m.linkRows(&m.m.Links[li], v.ID, row, label)
		}
	} else if t := m.m.TransitGateway(m.sel); t != nil {
		heading("route tables")
		for _, rt := range t.RouteTables {
			s := fmt.Sprintf("  %s  %d route(s)", cmp.Or(rt.Name, rt.ID), rt.Routes)
			if rt.Blackholes > 0 {
				s += fmt.Sprintf(", %d blackhole(s)", rt.Blackholes)
			}
			if len(rt.Associations) > 0 {
				s += fmt.Sprintf(", %d association(s)", len(rt.Associations))
			}
			row(rt.ID, s+"  "+rt.ID, true)
		}
		heading("attachments")
		for _, li := range t.Links {
			m.linkRows(&m.m.Links[li], t.ID, row, label)
		}
		for _, o := range t.Others {
			row(o.ID, fmt.Sprintf("  %s %s  %s", o.Type, cmp.Or(o.Name, o.ResourceID), o.ID), false)
		}
	}
	m.parts.SetRows(rows)
	m.parts.SetCursor(0)
	m.parts.Settle(1)
	if routes {
		m.parts.Select(func(r list.Row) bool { b, _ := r.Data.(bool); return b })
	}
}

// linkRows lists a link seen from the box self: the other end, then the
// route tables that send traffic over it and, for an attachment, the
// transit gateway route table associated with it.
func (m *Model) linkRows(l *topology.Link, self string, row func(id, text string, route bool), label func(string) string) {
	other := l.B
	if other == self {
		other = l.A
	}
	kind := "peering"
	switch l.Kind {
	case topology.LinkAttachment:
		kind = "attachment"
	case topology.LinkTGWPeering:
		kind = "tgw peering"
	}
	mark := "⇄"
	if m.path.HasLink(l.ID) {
		mark = "▶"
	}
	s := fmt.Sprintf("  %s %s to %s  %s", mark, kind, m.m.Label(other), l.ID)
	if !l.Active && l.State != "" {
		s += " (" + l.State + ")"
	}
	row(l.ID, s, false)
	if l.Association != "" {
		row(l.Association, "       associated with route table "+label(l.Association), true)
	}
	for _, rt := range l.RouteTables {
		row(rt, "       routed by "+label(rt), true)
	}
}
