package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/audit"
)

// finding is one audit finding, as the overview lists it.
type finding struct {
	id, text string
	severity audit.Severity
}

// findFindings audits the network against the CIS and Security Hub
// network controls (package audit), reusing the exposure report. It is
// slow on a big account: run it in a tea.Cmd.
func findFindings(eng *reach.Engine, exposure *reach.ExposureReport) []finding {
	rep, err := audit.Run(eng, exposure)
	if err != nil {
		return []finding{{text: safe(err.Error()), severity: audit.High}}
	}
	out := make([]finding, 0, len(rep.Findings))
	for _, f := range rep.Findings {
		out = append(out, finding{id: f.Resource, severity: f.Severity,
			text: safe(fmt.Sprintf("%-6s %s  %s", f.Severity, strings.Join(f.Controls, ","), f.Message))})
	}
	return out
}

// overviewView shows the accounts and regions, counts per kind, and the
// exposure and finding totals, each a row that opens more.
type overviewView struct {
	s    *session
	list *lineList
	w    int
}

// overviewAction is attached to rows that open a view.
type overviewAction struct{ msg tea.Msg }

func newOverviewView(s *session) *overviewView {
	o := &overviewView{s: s, list: newLineList(s.th)}
	o.build()
	return o
}

func (o *overviewView) Crumbs() []string    { return []string{"Overview"} }
func (o *overviewView) Keys() []key.Binding { return keys.moveHelp() }
func (o *overviewView) SetSize(w, h int)    { o.w = w; o.list.SetSize(w, h) }
func (o *overviewView) View() string        { return o.list.View(true) }

// Click selects the row under the mouse.
func (o *overviewView) Click(_, y int) bool {
	again, ok := o.list.ClickLine(y)
	return ok && again
}
func (o *overviewView) SetFilter(f string) { o.list.SetFilter(f) }
func (o *overviewView) Filter() string     { return o.list.Filter() }

func (o *overviewView) Selected() string {
	if r, ok := o.list.Current(); ok {
		return r.id
	}
	return ""
}

func (o *overviewView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case refreshMsg:
		o.build()
	case tea.KeyMsg:
		if o.list.HandleMove(msg) {
			return nil
		}
		if key.Matches(msg, keys.Open) {
			r, ok := o.list.Current()
			switch {
			case !ok:
			case r.data != nil:
				return o.s.send(r.data.(overviewAction).msg)
			case r.id != "":
				return o.s.send(openMsg{id: r.id})
			}
		}
	}
	return nil
}

func (o *overviewView) build() {
	th := o.s.th
	w := o.s.w
	var rows []row
	text := func(s string) { rows = append(rows, row{text: s, skip: true}) }
	action := func(s, plain string, m tea.Msg) {
		rows = append(rows, row{text: s, plain: plain, data: overviewAction{m}})
	}
	snap := w.snap
	text(th.title.Render("vpcscope") + "  " + th.dim.Render(safe(snap.Source)))
	if snap.Description != "" {
		text(th.dim.Render(safe(snap.Description)))
	}
	text("")
	text(th.section.Render("Start here"))
	action("  "+th.key.Render("4")+"  Trace: can A reach B on a port? Why not, and which rule decides", "", tabMsg{tabTrace})
	action("  "+th.key.Render("2")+"  Tree: VPCs, subnets and what runs in them", "", tabMsg{tabTree})
	action("  "+th.key.Render("3")+"  Lists: every resource kind as a sortable table", "", tabMsg{tabLists})
	action("  "+th.key.Render("5")+"  Exposure: what the internet can reach", "", tabMsg{tabExposure})
	text("     " + th.dim.Render(": jumps to a view or an ID · / filters · ? shows every key"))
	text("")
	text(th.section.Render("Accounts and regions"))
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
	rows = append(rows, row{text: th.header.Render(hdr), plain: hdr, skip: true})
	for _, k := range scopes {
		c := counts[k]
		text(fmt.Sprintf("  %-34s %6d %8d %8d %10d", safe(k), c.vpcs, c.subnets, c.enis, c.instances))
	}
	text("")
	text(th.section.Render("Resources") + th.dim.Render("  (enter opens the list)"))
	for _, k := range model.Kinds() {
		if n := w.counts[k]; n > 0 {
			action(fmt.Sprintf("  %-34s %6d", k, n), "", listMsg{string(k)})
		}
	}
	text("")
	text(th.section.Render("Exposure"))
	if w.exposure == nil {
		text(th.dim.Render("  checking what the internet can reach…"))
	} else {
		ids := map[string]bool{}
		for _, e := range w.exposure.Exposed {
			ids[e.ID] = true
		}
		mark := th.ok.Render("✓ nothing reachable from the internet")
		if len(ids) > 0 {
			mark = th.warn.Render(fmt.Sprintf("! %d interfaces and load balancers reachable from the internet", len(ids))) +
				th.dim.Render(fmt.Sprintf(" (%d protocol/port openings)", len(w.exposure.Exposed)))
		}
		action("  "+mark, "", tabMsg{tabExposure})
		text(th.dim.Render(fmt.Sprintf("  %d interfaces with a public address checked", w.exposure.Checked)))
	}
	text("")
	if w.findings == nil {
		text(th.section.Render("Findings"))
		text(th.dim.Render("  checking…"))
	} else {
		text(th.section.Render(fmt.Sprintf("Findings (%d)", len(w.findings))) + th.dim.Render("  (enter opens the resource)"))
		for _, f := range w.findings {
			mark := th.dim.Render("·")
			switch f.severity {
			case audit.High:
				mark = th.bad.Render("!")
			case audit.Medium:
				mark = th.warn.Render("!")
			}
			rows = append(rows, row{text: "  " + mark + " " + safe(f.id) + "  " + f.text, plain: "  ! " + safe(f.id) + "  " + f.text, id: f.id})
		}
		if len(w.findings) == 0 {
			text(th.ok.Render("  ✓ none"))
		}
	}
	if len(snap.Gaps) > 0 || len(w.ix.Problems) > 0 {
		text("")
		text(th.section.Render("Caveats"))
		for _, g := range snap.Gaps {
			text("  " + th.unknown.Render("? ") + safe(g.String()))
		}
		for _, p := range w.ix.Problems {
			text("  " + th.unknown.Render("? ") + safe(p))
		}
	}
	cur := o.list.cursor
	o.list.SetRows(rows)
	o.list.cursor = min(cur, max(0, o.list.Len()-1))
	o.list.settle(1)
	o.list.clamp()
}

// exposureFor returns the exposure entries of a resource (an interface,
// its instance, or a load balancer).
func exposureFor(rep *reach.ExposureReport, id string) []reach.Exposed {
	var out []reach.Exposed
	if rep == nil {
		return nil
	}
	for _, e := range rep.Exposed {
		if e.ID == id || e.Instance == id {
			out = append(out, e)
		}
	}
	return out
}

func joinN(xs []string, n int) string {
	if len(xs) <= n {
		return strings.Join(xs, ", ")
	}
	return strings.Join(xs[:n], ", ") + fmt.Sprintf(" +%d", len(xs)-n)
}
