// Package overview is the explorer's first screen: where to start, the
// accounts and regions, the counts per kind, and the exposure and finding
// totals, each a row that opens more.
package overview

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach/audit"
	"github.com/vpcscope/vpcscope/ui/component/list"
	"github.com/vpcscope/vpcscope/ui/keys"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/world"
)

var _ view.Filterable = (*Model)(nil)

var safe = world.Safe

// Model is the overview.
type Model struct {
	s    *view.Session
	list *list.Model
	w    int
}

// action is attached to rows that open a view.
type action struct{ msg tea.Msg }

// New builds the overview.
func New(s *view.Session) *Model {
	o := &Model{s: s, list: list.New(s.Th)}
	o.build()
	return o
}

// Crumbs implements view.View.
func (o *Model) Crumbs() []string { return []string{"Overview"} }

// Keys implements view.View.
func (o *Model) Keys() []key.Binding { return keys.MoveHelp() }

// SetSize implements view.View.
func (o *Model) SetSize(w, h int) { o.w = w; o.list.SetSize(w, h) }

// View implements view.View.
func (o *Model) View() string { return o.list.View(true) }

// Click selects the row under the mouse.
func (o *Model) Click(_, y int) bool {
	again, ok := o.list.ClickLine(y)
	return ok && again
}

// SetFilter narrows the rows; section headings stay above their matches.
func (o *Model) SetFilter(f string) tea.Cmd { o.list.SetFilter(f); return nil }

// Filter implements view.Filterable.
func (o *Model) Filter() string { return o.list.Filter() }

// Selected implements view.View.
func (o *Model) Selected() string { return o.list.SelectedID() }

// Update implements view.View.
func (o *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case view.Refresh:
		o.build()
	case tea.KeyMsg:
		if o.list.HandleMove(msg) {
			return nil
		}
		if key.Matches(msg, keys.Open) {
			r, ok := o.list.Current()
			switch {
			case !ok:
			case r.Data != nil:
				return o.s.Send(r.Data.(action).msg)
			case r.ID != "":
				return o.s.Send(view.Open{ID: r.ID})
			}
		}
	}
	return nil
}

func (o *Model) build() {
	th := o.s.Th
	w := o.s.W
	var rows []list.Row
	text := func(s string) { rows = append(rows, list.Row{Text: s, Skip: true}) }
	heading := func(s string) { rows = append(rows, list.Row{Text: s, Skip: true, Heading: true}) }
	act := func(s, plain string, m tea.Msg) {
		rows = append(rows, list.Row{Text: s, Plain: plain, Data: action{m}})
	}
	snap := w.Snap
	text(th.Title.Render("vpcscope") + "  " + th.Dim.Render(safe(snap.Source)))
	if snap.Description != "" {
		text(th.Dim.Render(safe(snap.Description)))
	}
	text("")
	heading(th.Section.Render("Start here"))
	act("  "+th.Key.Render("4")+"  Trace: can A reach B on a port? Why not, and which rule decides", "", view.Tab{Tab: view.TabTrace})
	act("  "+th.Key.Render("2")+"  Tree: VPCs, subnets and what runs in them", "", view.Tab{Tab: view.TabTree})
	act("  "+th.Key.Render("3")+"  Lists: every resource kind as a sortable table", "", view.Tab{Tab: view.TabLists})
	act("  "+th.Key.Render("5")+"  Exposure: what the internet can reach", "", view.Tab{Tab: view.TabExposure})
	text("     " + th.Dim.Render(": jumps to a view or an ID · / filters · ? shows every key"))
	text("")
	heading(th.Section.Render("Accounts and regions"))
	type scopeCount struct{ vpcs, subnets, enis, instances int }
	counts := map[string]*scopeCount{}
	var scopes []string
	for _, sc := range snap.Scopes {
		k := sc.String()
		if counts[k] == nil {
			counts[k] = &scopeCount{}
			scopes = append(scopes, k)
		}
	}
	bump := func(m model.Meta, f func(*scopeCount)) {
		k := model.Scope{Account: m.Account, Region: m.Region}.String()
		if counts[k] == nil {
			counts[k] = &scopeCount{}
			scopes = append(scopes, k)
		}
		f(counts[k])
	}
	for _, v := range snap.VPCs {
		bump(v.Meta, func(c *scopeCount) { c.vpcs++ })
	}
	for _, v := range snap.Subnets {
		bump(v.Meta, func(c *scopeCount) { c.subnets++ })
	}
	for _, v := range snap.NetworkInterfaces {
		bump(v.Meta, func(c *scopeCount) { c.enis++ })
	}
	for _, v := range snap.Instances {
		bump(v.Meta, func(c *scopeCount) { c.instances++ })
	}
	hdr := fmt.Sprintf("  %-34s %6s %8s %8s %10s", "account/region", "VPCs", "subnets", "ENIs", "instances")
	rows = append(rows, list.Row{Text: th.Header.Render(hdr), Plain: hdr, Skip: true, Heading: true})
	for _, k := range scopes {
		c := counts[k]
		rows = append(rows, list.Row{Text: fmt.Sprintf("  %-34s %6d %8d %8d %10d", safe(k), c.vpcs, c.subnets, c.enis, c.instances)})
	}
	text("")
	heading(th.Section.Render("Resources") + th.Dim.Render("  (enter opens the list)"))
	for _, k := range model.Kinds() {
		if n := w.Counts[k]; n > 0 {
			act(fmt.Sprintf("  %-34s %6d", k, n), "", view.List{Kind: string(k)})
		}
	}
	text("")
	heading(th.Section.Render("Exposure"))
	if w.Exposure == nil {
		text(th.Dim.Render("  checking what the internet can reach…"))
	} else {
		ids := map[string]bool{}
		for _, e := range w.Exposure.Exposed {
			ids[e.ID] = true
		}
		mark := th.OK.Render("✓ nothing reachable from the internet")
		if len(ids) > 0 {
			mark = th.Warn.Render(fmt.Sprintf("! %d interfaces and load balancers reachable from the internet", len(ids))) +
				th.Dim.Render(fmt.Sprintf(" (%d protocol/port openings)", len(w.Exposure.Exposed)))
		}
		act("  "+mark, "", view.Tab{Tab: view.TabExposure})
		text(th.Dim.Render(fmt.Sprintf("  %d interfaces with a public address checked", w.Exposure.Checked)))
	}
	text("")
	if w.Findings == nil {
		heading(th.Section.Render("Findings"))
		text(th.Dim.Render("  checking…"))
	} else {
		heading(th.Section.Render(fmt.Sprintf("Findings (%d)", len(w.Findings))) + th.Dim.Render("  (enter opens the resource)"))
		for _, f := range w.Findings {
			mark := th.Dim.Render("·")
			switch f.Severity {
			case audit.High:
				mark = th.Bad.Render("!")
			case audit.Medium:
				mark = th.Warn.Render("!")
			}
			rows = append(rows, list.Row{Text: "  " + mark + " " + safe(f.ID) + "  " + f.Text, Plain: "  ! " + safe(f.ID) + "  " + f.Text, ID: f.ID})
		}
		if len(w.Findings) == 0 {
			text(th.OK.Render("  ✓ none"))
		}
	}
	if len(snap.Gaps) > 0 || len(w.Ix.Problems) > 0 {
		text("")
		heading(th.Section.Render("Caveats"))
		for _, g := range snap.Gaps {
			rows = append(rows, list.Row{Text: "  " + th.Unknown.Render("? ") + safe(g.String()), Plain: "  ? " + safe(g.String())})
		}
		for _, p := range w.Ix.Problems {
			rows = append(rows, list.Row{Text: "  " + th.Unknown.Render("? ") + safe(p), Plain: "  ? " + safe(p)})
		}
	}
	cur := o.list.Cursor()
	o.list.SetRows(rows)
	o.list.SetCursor(cur)
}
