// Package diff is the explorer's diff view, when the network on screen is
// compared with an older snapshot (vpcscope --snapshot OLD --compare
// NEW): the resources and rules added, removed and changed
// (model/change), then the reachability gained and lost (reach/impact),
// every line marked so that it reads without colour (+ - ~). Enter on a
// resource opens it; enter on traffic gained or lost traces a packet of
// it on both snapshots, the older one's hops below the newer one's.
package diff

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach/impact"
	"github.com/vpcscope/vpcscope/ui/component/list"
	"github.com/vpcscope/vpcscope/ui/keys"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/world"
)

var _ view.Filterable = (*Model)(nil)

var safe = world.Safe

// Model is the diff view.
type Model struct {
	s *view.Session
	// built is the comparison and report the rows were built from.
	built  *world.Compare
	report *impact.Report
	list   *list.Model
	w, h   int
}

// itemRow is attached to rows of traffic gained or lost.
type itemRow struct{ it impact.Item }

// New builds the diff view.
func New(s *view.Session) *Model {
	m := &Model{s: s, list: list.New(s.Th)}
	m.build()
	return m
}

// Crumbs implements view.View.
func (m *Model) Crumbs() []string {
	c := []string{"Diff"}
	if cmp := m.s.Compare; cmp != nil {
		c = append(c, "since "+cmp.Name)
	}
	return c
}

// Keys implements view.View.
func (m *Model) Keys() []key.Binding {
	open := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open / trace on old and new"))
	return append(keys.MoveHelp()[:6], open)
}

// Selected implements view.View.
func (m *Model) Selected() string {
	if r, ok := m.list.Current(); ok {
		return r.ID
	}
	return ""
}

// SetFilter implements view.Filterable.
func (m *Model) SetFilter(f string) tea.Cmd { m.list.SetFilter(f); return nil }

// Filter implements view.Filterable.
func (m *Model) Filter() string { return m.list.Filter() }

// SetSize implements view.View.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.list.SetSize(w, max(1, h))
}

// Update implements view.View.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case view.Refresh, view.Diff:
		if c := m.s.Compare; c != m.built || c != nil && c.Report != m.report {
			m.build()
		}
	case tea.KeyMsg:
		if m.list.HandleMove(msg) {
			return nil
		}
		if key.Matches(msg, keys.Open) {
			r, ok := m.list.Current()
			if !ok {
				return nil
			}
			if it, ok := r.Data.(itemRow); ok {
				return m.trace(it.it)
			}
			if r.ID != "" {
				return m.s.Send(view.Open{ID: r.ID})
			}
		}
	}
	return nil
}

// trace traces one packet of the traffic gained or lost: the first
// sender to the first receiver on the first port (the internet for a set
// of internet addresses).
func (m *Model) trace(it impact.Item) tea.Cmd {
	end := func(xs []string) string {
		if len(xs) == 0 {
			return ""
		}
		if strings.Contains(xs[0], "/") {
			return "internet"
		}
		return xs[0]
	}
	p, err := model.ParseProtocol(it.Protocol)
	if err != nil {
		return view.Cmd(view.Flash{Text: "cannot trace protocol " + it.Protocol, Err: true})
	}
	from, to := it.From, it.To
	if len(it.FromInstances) > 0 {
		from = it.FromInstances
	}
	if len(it.ToInstances) > 0 {
		to = it.ToInstances
	}
	t := view.Trace{From: end(from), To: end(to), Protocol: p}
	if len(it.Ports) > 0 {
		t.Port = max(1, int(it.Ports[0].From))
	}
	return m.s.Send(t)
}

// ItemText renders traffic gained or lost on one line.
func ItemText(w *world.World, it impact.Item) string {
	svc := it.Protocol
	switch {
	case len(it.Ports) > 0:
		ps := make([]string, len(it.Ports))
		for i, r := range it.Ports {
			ps[i] = r.String()
		}
		svc += "/" + strings.Join(ps, ",")
	case it.ICMP != "":
		svc += " " + it.ICMP
	}
	names := func(ids []string) string {
		out := make([]string, 0, 3)
		for i, id := range ids {
			if i == 2 {
				out = append(out, fmt.Sprintf("+%d", len(ids)-2))
				break
			}
			out = append(out, w.ShortID(id))
		}
		return strings.Join(out, ", ")
	}
	from, to := it.From, it.To
	if len(it.FromInstances) > 0 {
		from = it.FromInstances
	}
	if len(it.ToInstances) > 0 {
		to = it.ToInstances
	}
	return fmt.Sprintf("%s → %s  %s", names(from), names(to), svc)
}

func (m *Model) build() {
	th := m.s.Th
	c := m.s.Compare
	m.built = c
	var rows []list.Row
	add := func(text string) { rows = append(rows, list.Row{Text: text, Plain: ansi.Strip(text), Skip: true}) }
	section := func(title string) {
		if len(rows) > 0 {
			rows = append(rows, list.Row{Skip: true})
		}
		rows = append(rows, list.Row{Text: th.Section.Render(title), Plain: title, Skip: true, Heading: true})
	}
	if c == nil {
		m.report = nil
		add(th.Bold.Render(" No snapshot to compare with."))
		add("")
		add("  Open the explorer on two snapshots to see what changed:")
		add("  " + th.Key.Render("vpcscope --snapshot OLD --compare NEW") + th.Dim.Render("   (files or folders of AWS CLI outputs)"))
		add(th.Dim.Render("  Lists and details then mark what was added (+), removed (-) and changed (~)."))
		m.list.SetRows(rows)
		return
	}
	m.report = c.Report
	res := c.Resources
	add(th.Bold.Render(fmt.Sprintf(" Since %s: %d added, %d removed, %d changed", safe(c.Name), len(res.Added), len(res.Removed), len(res.Changed))))
	section("Resources")
	if res.Empty() {
		add(th.Dim.Render("  (no resource changed)"))
	}
	ref := func(mark world.Mark, kind model.Kind, id, name string) {
		label := safe(id)
		if name != "" {
			label += "  " + safe(name)
		}
		plain := fmt.Sprintf("  %s %-8s %-22s %s", mark.Symbol(), mark, kind, label)
		st := th.OK
		if mark == world.Removed {
			st = th.Bad
		} else if mark == world.Changed {
			st = th.Warn
		}
		rows = append(rows, list.Row{Text: "  " + st.Render(fmt.Sprintf("%s %-8s", mark.Symbol(), mark)) + fmt.Sprintf(" %-22s ", kind) + th.Link.Render(label), Plain: plain, ID: id})
	}
	for _, r := range res.Added {
		ref(world.Added, r.Kind, r.ID, r.Name)
	}
	for _, r := range res.Removed {
		ref(world.Removed, r.Kind, r.ID, r.Name)
	}
	for _, ch := range res.Changed {
		ref(world.Changed, ch.Kind, ch.ID, ch.Name)
		for _, a := range ch.Added {
			add(th.OK.Render("      + rule ") + safe(a))
		}
		for _, r := range ch.Removed {
			add(th.Bad.Render("      - rule ") + safe(r))
		}
		if len(ch.Added)+len(ch.Removed) == 0 {
			add(th.Dim.Render("      fields: " + safe(strings.Join(ch.Fields, ", "))))
		}
	}
	switch {
	case c.Err != nil:
		section("Reachability")
		add(th.Bad.Render("  ✗ " + safe(c.Err.Error())))
	case c.Report == nil:
		section("Reachability")
		add(th.Dim.Render("  computing the reachability gained and lost…"))
	default:
		for _, d := range []struct {
			title string
			items []impact.Item
			mark  string
		}{{"Reachability gained", c.Report.Reachability.Gained, "+ gained"}, {"Reachability lost", c.Report.Reachability.Lost, "- lost"},
			{"Exposure to the internet gained", c.Report.Exposure.Gained, "+ exposed"}, {"Exposure lost", c.Report.Exposure.Lost, "- closed"}} {
			section(fmt.Sprintf("%s (%d)", d.title, len(d.items)))
			if len(d.items) == 0 {
				add(th.Dim.Render("  (none)"))
			}
			st := th.OK
			if strings.HasPrefix(d.mark, "-") {
				st = th.Bad
			}
			for _, it := range d.items {
				text := safe(ItemText(m.s.W, it))
				rows = append(rows, list.Row{Text: "  " + st.Render(fmt.Sprintf("%-9s", d.mark)) + " " + text, Plain: fmt.Sprintf("  %-9s %s", d.mark, text), Data: itemRow{it}})
			}
		}
		for _, cv := range c.Report.Caveats {
			add(th.Unknown.Render("  ? " + safe(cv)))
		}
	}
	m.list.SetRows(rows)
	m.list.Select(func(r list.Row) bool { return !r.Skip })
}

// View implements view.View.
func (m *Model) View() string { return m.list.View(true) }
