// Package exposure lists everything reachable from the internet, with the
// rule that opens it. The report is computed once, in the background.
package exposure

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/ui/component/list"
	"github.com/vpcscope/vpcscope/ui/keys"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/world"
)

var _ view.Filterable = (*Model)(nil)

var safe = world.Safe

// Model is the exposure view.
type Model struct {
	s    *view.Session
	list *list.Model
	w    int
}

// New builds the exposure view.
func New(s *view.Session) *Model {
	e := &Model{s: s, list: list.New(s.Th)}
	e.list.Rank = true
	e.build()
	return e
}

// Crumbs implements view.View.
func (e *Model) Crumbs() []string { return []string{"Exposure"} }

// Keys implements view.View.
func (e *Model) Keys() []key.Binding { return append(keys.MoveHelp(), keys.WhoCanReach) }

// SetSize implements view.View.
func (e *Model) SetSize(w, h int) { e.w = w; e.list.SetSize(w, h); e.build() }

// View implements view.View.
func (e *Model) View() string { return e.list.View(true) }

// SetFilter implements view.Filterable.
func (e *Model) SetFilter(f string) tea.Cmd { e.list.SetFilter(f); return nil }

// Filter implements view.Filterable.
func (e *Model) Filter() string { return e.list.Filter() }

// Selected implements view.View.
func (e *Model) Selected() string { return e.list.SelectedID() }

// Update implements view.View.
func (e *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case view.Refresh:
		e.build()
	case tea.KeyMsg:
		if e.list.HandleMove(msg) {
			return nil
		}
		if key.Matches(msg, keys.Open) {
			if r, ok := e.list.Current(); ok && r.ID != "" {
				return e.s.Send(view.Open{ID: r.ID})
			}
		}
	}
	return nil
}

func (e *Model) build() {
	th := e.s.Th
	rep := e.s.W.Exposure
	var rows []list.Row
	text := func(s string) { rows = append(rows, list.Row{Text: s, Skip: true}) }
	text(th.Section.Render("Reachable from the internet") + th.Dim.Render("  (enter opens · w who can reach it · computed on the real snapshot)"))
	if rep == nil {
		text(th.Dim.Render("  checking every public address and internet-facing load balancer…"))
		e.list.SetRows(rows)
		return
	}
	if len(rep.Exposed) == 0 {
		text(th.OK.Render("  ✓ nothing in this snapshot is reachable from the internet"))
	}
	ipw := 15
	for _, x := range rep.Exposed {
		ipw = max(ipw, len(x.PublicIP))
	}
	if e.w < 120 {
		ipw = 15
	}
	hdr := fmt.Sprintf("  %-24s %-*s %-12s %-24s %s", "resource", ipw, "public ip", "open", "from", "opened by")
	rows = append(rows, list.Row{Text: th.Header.Render(hdr), Plain: hdr, Skip: true})
	for _, x := range rep.Exposed {
		name := x.Name
		if name == "" {
			name = x.ID
		}
		if x.Instance != "" {
			name = e.s.W.ShortID(x.Instance)
		}
		open := x.Protocol
		if x.Ports != "" {
			open += "/" + x.Ports
		}
		cols := safe(fmt.Sprintf("%-24s %-*s %-12s %-24s %s", ansi.Truncate(safe(name), 24, "…"), ipw, ansi.Truncate(safe(x.PublicIP), ipw, "…"), open, x.SourceSummary, x.Rule))
		rows = append(rows, list.Row{Text: " " + th.Warn.Render("!") + " " + cols, Plain: " ! " + cols, ID: x.ID})
	}
	for _, c := range rep.Caveats {
		text(th.Unknown.Render("  ? " + safe(c)))
	}
	e.list.SetRows(rows)
}
