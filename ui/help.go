package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/vpcscope/vpcscope/ui/component/list"
	"github.com/vpcscope/vpcscope/ui/keys"
)

// openHelp shows every key — the active view's, then the global ones —
// generated from the key map, scrollable and filtered as one types.
func (a *app) openHelp() {
	th := a.th
	var rows []list.Row
	heading := func(s string) {
		if len(rows) > 0 {
			rows = append(rows, list.Row{Skip: true})
		}
		rows = append(rows, list.Row{Text: th.Section.Render(s), Plain: s, Skip: true, Heading: true})
	}
	binding := func(b key.Binding) {
		h := b.Help()
		plain := fmt.Sprintf("  %-14s %s", h.Key, h.Desc)
		rows = append(rows, list.Row{Text: "  " + th.Key.Render(fmt.Sprintf("%-14s", h.Key)) + " " + h.Desc, Plain: plain})
	}
	heading("This view: " + strings.Join(a.active().Crumbs()[:1], ""))
	for _, b := range a.active().Keys() {
		binding(b)
	}
	heading("Everywhere")
	for _, b := range keys.GlobalHelp() {
		binding(b)
	}
	heading("How to find why A cannot reach B")
	for _, l := range []string{
		"4 (Trace) · enter to pick the source, then the destination · type the port, enter",
		"the ◆ hop is what blocks it · b jumps to that rule in its resource",
		"a/e/d there try a fix in memory (what-if) · esc back shows the new verdict",
		"W lists the what-if changes: y copies them for --assume, x writes AWS CLI and Terraform",
	} {
		rows = append(rows, list.Row{Text: "  " + l, Plain: "  " + l})
	}
	a.helpList.SetRows(rows)
	a.helpList.SetFilter("")
	a.helpList.SetCursor(0)
	a.helpIn.Value = ""
	a.mode = modeHelp
	a.resize()
}

// helpKey scrolls the help with the arrows and page keys, filters it with
// what is typed, and closes it with esc (after clearing the filter).
func (a *app) helpKey(msg tea.KeyMsg) tea.Cmd {
	switch msg.Type {
	case tea.KeyEsc:
		if a.helpIn.Value != "" {
			a.helpIn.Value = ""
			a.helpList.SetFilter("")
			return nil
		}
		a.mode = modeNormal
	case tea.KeyEnter:
		a.mode = modeNormal
	case tea.KeyUp:
		a.helpList.Move(-1)
	case tea.KeyDown:
		a.helpList.Move(1)
	case tea.KeyPgUp:
		a.helpList.Move(-a.helpList.Height())
	case tea.KeyPgDown:
		a.helpList.Move(a.helpList.Height())
	default:
		if a.helpIn.Update(msg) {
			a.helpList.SetFilter(a.helpIn.Value)
		}
	}
	return nil
}

// helpView is the help screen: a title, the filter and the keys.
func (a *app) helpView() string {
	th := a.th
	head := th.Title.Render("Keys") + th.Dim.Render("  (generated from the key map)")
	filter := th.Key.Render(" /") + a.helpIn.View(th) + th.Dim.Render("  type to filter · ↑↓ pgup pgdn scroll · esc closes")
	return head + "\n" + filter + "\n" + a.helpList.View(true)
}
