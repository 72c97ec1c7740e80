package ui

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/internal/termsafe"
	"github.com/vpcscope/vpcscope/ui/keys"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/world"
)

var safe = world.Safe

func (a *app) View() (out string) {
	defer func() {
		if r := recover(); r != nil {
			a.crash = fmt.Sprintf("%v\n%s", r, debug.Stack())
			if a.quit != nil {
				go a.quit()
			}
			out = ""
		}
	}()
	// Every value from the snapshot was made safe where a view shows it;
	// the screen passes through termsafe.Frame as well, so that nothing but
	// our own colours reaches the terminal even if one was missed.
	return termsafe.Frame(a.screen(), a.th.Styled)
}

// screen renders the whole screen.
func (a *app) screen() string {
	if a.w == 0 {
		return ""
	}
	if a.w < minWidth || a.h < minHeight {
		msg := fmt.Sprintf("The terminal is %dx%d; vpcscope needs at least %dx%d.\nMake the window larger, or press q to quit.", a.w, a.h, minWidth, minHeight)
		return lipgloss.Place(a.w, a.h, lipgloss.Center, lipgloss.Center, ansi.Wordwrap(msg, a.w, " "), lipgloss.WithWhitespaceChars(" "))
	}
	if a.s == nil {
		return a.loadingView()
	}
	body := ""
	switch {
	case a.mode == modeHelp:
		body = a.helpView()
	case a.mode == modeCommand:
		body = a.palette.View()
	default:
		body = a.active().View()
	}
	body = fit(body, a.w, a.h-4)
	return a.tabsView() + "\n" + a.crumbsView() + "\n" + body + "\n" + a.footerView() + "\n" + a.statusView()
}

// fit cuts or pads s to exactly h lines of at most w cells.
func fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

func (a *app) loadingView() string {
	th := a.th
	var b strings.Builder
	b.WriteString(th.Title.Render("vpcscope") + "  " + th.Dim.Render(safe(a.loadName)) + "\n\n")
	if a.loadErr != nil {
		b.WriteString(th.Bad.Render("✗ could not load the network") + "\n\n")
		b.WriteString(ansi.Wordwrap(safe(a.loadErr.Error()), a.w-2, " ") + "\n\n")
		b.WriteString(th.Dim.Render("press q to quit"))
		return fit(b.String(), a.w, a.h)
	}
	b.WriteString(th.Bold.Render("Loading the network…") + "\n\n")
	steps := a.loadSteps
	if n := a.h - 6; len(steps) > n {
		steps = steps[len(steps)-n:]
	}
	for i, s := range steps {
		mark := th.OK.Render("✓ ")
		if i == len(steps)-1 {
			mark = th.Marker.Render("… ")
		}
		b.WriteString("  " + mark + s + "\n")
	}
	b.WriteString("\n" + th.Dim.Render("q quits"))
	return fit(b.String(), a.w, a.h)
}

// tabsView is the top line: a tab per view, then the global hints. When
// the names and hints do not fit, the hints go first; when the names alone
// do not fit (80 columns hold about seven), the tabs other than the active
// one shrink to their digit, so every view stays visible one key away.
func (a *app) tabsView() string {
	cur := -1
	for i, s := range a.sections {
		if s == a.active() {
			cur = i
		}
	}
	type tab struct {
		key, name string
		active    bool
	}
	var tabs []tab
	for i, n := range view.TabNames {
		tabs = append(tabs, tab{fmt.Sprint(i + 1), n, i == cur})
	}
	for _, t := range a.netTabs() {
		tabs = append(tabs, tab(t))
	}
	render := func(short bool) string {
		var b strings.Builder
		for _, t := range tabs {
			label := t.key + " " + t.name
			if short && !t.active {
				label = t.key
			}
			if t.active {
				b.WriteString(a.th.TabActive.Render(label))
			} else {
				b.WriteString(a.th.Tab.Render(label))
			}
		}
		return b.String()
	}
	line := render(false)
	right := a.th.Dim.Render("? help  : go to  q quit")
	switch {
	case ansi.StringWidth(line)+ansi.StringWidth(right)+2 <= a.w:
	case ansi.StringWidth(line) <= a.w:
		right = "" // the names before the hints: the footer says "? help" too
	default:
		line = render(true)
	}
	if gap := a.w - ansi.StringWidth(line) - ansi.StringWidth(right); gap > 1 {
		line += strings.Repeat(" ", gap) + right
	}
	return ansi.Truncate(line, a.w, "…")
}

func (a *app) crumbsView() string {
	crumbs := a.active().Crumbs()
	sep := a.th.CrumbSep.Render(" › ")
	parts := make([]string, len(crumbs))
	for i, c := range crumbs {
		if i == len(crumbs)-1 {
			parts[i] = a.th.Bold.Render(safe(c))
		} else {
			parts[i] = a.th.Crumb.Render(safe(c))
		}
	}
	s := " " + strings.Join(parts, sep)
	if f, ok := a.active().(view.Filterable); ok && f.Filter() != "" {
		s += "  " + a.th.Key.Render("/"+safe(f.Filter()))
	}
	if len(a.hist.views) > 1 {
		s += a.th.Dim.Render(fmt.Sprintf("   (%d/%d · esc back · ] forward)", a.hist.idx+1, len(a.hist.views)))
	}
	return ansi.Truncate(s, a.w, "…")
}

// footerView is the line above the status bar: a question waiting for
// y or n, the field being edited, or the active view's keys.
func (a *app) footerView() string {
	th := a.th
	if c := a.confirm; c != nil {
		return ansi.Truncate(th.Warn.Render(" "+safe(c.Question))+th.Key.Render("  y")+th.Dim.Render(" yes  ")+th.Key.Render("n")+th.Dim.Render(" no"), a.w, "…")
	}
	switch a.mode {
	case modeFilter:
		return ansi.Truncate(th.Key.Render(" /")+a.filterIn.View(th)+th.Dim.Render("  editing filter — enter keeps · esc clears"), a.w, "…")
	case modeCommand:
		return ansi.Truncate(th.Dim.Render(" editing "+a.palette.Label()+" — enter picks the highlighted match · esc cancels"), a.w, "…")
	case modeHelp:
		return ansi.Truncate(th.Dim.Render(" editing help filter — esc closes the help"), a.w, "…")
	}
	if e, ok := a.active().(view.Editing); ok && e.Editing() != "" {
		return ansi.Truncate(th.Key.Render(" editing "+e.Editing())+th.Dim.Render(" — enter/esc to leave"), a.w, "…")
	}
	bs := []key.Binding{keys.Help} // first: the rest may not fit
	for _, b := range a.active().Keys() {
		if !keys.IsMove(b) {
			bs = append(bs, b)
		}
	}
	bs = append(bs, keys.Filter, keys.Back)
	a.help.Width = a.w - 1
	return ansi.Truncate(" "+a.help.ShortHelpView(bs), a.w, "…")
}

func (a *app) statusView() string {
	th := a.th
	w := a.s.W
	seg := func(label, value string) string {
		return th.Status.Render(" "+label+" ") + th.StatusKey.Render(value) + th.Status.Render(" ")
	}
	var parts []string
	if a.s.WhatIfActive() {
		parts = append(parts, th.WhatIf.Inherit(th.Status).Render(fmt.Sprintf(" WHAT-IF: %d change(s), in memory only ", a.s.Overlay.Len())))
	}
	if a.load != 0 {
		step := "starting"
		if n := len(a.loadSteps); n > 0 {
			step = a.loadSteps[n-1]
		}
		parts = append(parts, th.StatusWarn.Render(" loading "+safe(a.loadName)+": ")+th.Status.Render(step+" "))
	}
	parts = append(parts, seg("source", safe(a.source)))
	if c := a.compareStatus(); c != "" {
		parts = append(parts, th.Status.Render(" "+safe(c)+" "))
	}
	n := 1 // a narrow bar names the first account and region and counts the rest
	if a.w >= 140 {
		n = 3
	}
	if as := w.Accounts(); len(as) > 0 {
		parts = append(parts, seg("account", safe(world.JoinN(as, n))))
	}
	if rs := w.Regions(); len(rs) > 0 {
		parts = append(parts, seg("region", safe(world.JoinN(rs, n))))
	}
	if age := w.Age(a.now()); age != "" {
		parts = append(parts, seg("snapshot", age))
	}
	caveats := len(w.Snap.Gaps) + len(w.Ix.Problems)
	if caveats > 0 {
		parts = append(parts, th.StatusWarn.Render(fmt.Sprintf(" ? %d caveats ", caveats)))
	} else {
		parts = append(parts, th.Status.Render(" no caveats "))
	}
	line := strings.Join(parts, th.Status.Render("│"))
	if a.flash != "" {
		// the note of the last key goes first (an error even before the
		// what-if mark), so that a narrow screen cannot cut it off: a
		// refused what-if edit says why here, a copy shows what it copied
		st := th.Status
		if a.flashErr {
			st = th.StatusErr
		}
		note := st.Render(" "+safe(a.flash)+" ") + th.Status.Render("│")
		if a.s.WhatIfActive() && !a.flashErr {
			line = parts[0] + th.Status.Render("│") + note + strings.Join(parts[1:], th.Status.Render("│"))
		} else {
			line = note + line
		}
	}
	line = ansi.Truncate(line, a.w, "…")
	if pad := a.w - ansi.StringWidth(line); pad > 0 {
		line += th.Status.Render(strings.Repeat(" ", pad))
	}
	return line
}
