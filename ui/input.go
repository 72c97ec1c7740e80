package ui

import (
	"fmt"
	"io"
	"strings"

	"github.com/aymanbagabas/go-osc52/v2"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/model/present"
	"github.com/vpcscope/vpcscope/ui/keys"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/world"
)

// key handles a key press: a question waiting for its answer first, then
// the mode (a text field takes every key), then the global bindings, then
// the active view.
func (a *app) key(msg tea.KeyMsg) tea.Cmd {
	if msg.Type == tea.KeyCtrlC {
		_ = a.close() // best effort: ctrl+c does not ask
		return tea.Quit
	}
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
		return a.keys(msg)
	}
	a.flash, a.flashErr = "", false
	if a.s == nil {
		if key.Matches(msg, keys.Quit) || msg.Type == tea.KeyEsc {
			return tea.Quit
		}
		return nil
	}
	if a.confirm != nil {
		return a.answer(msg)
	}
	switch a.mode {
	case modeFilter:
		return a.filterKey(msg)
	case modeCommand:
		cmd := a.palette.Update(msg)
		if next := a.palettePicked(); next != nil || a.palette == nil {
			return next
		}
		return cmd
	case modeHelp:
		return a.helpKey(msg)
	}
	v := a.active()
	if a.holding() {
		a.held = append(a.held, msg) // replayed when the filter lands (release)
		return nil
	}
	if e, ok := v.(view.Editing); ok && e.Editing() != "" {
		return v.Update(msg)
	}
	if o, ok := v.(view.OwnKeys); ok && o.Handles(msg) {
		return v.Update(msg)
	}
	switch {
	case key.Matches(msg, keys.Quit):
		if n := a.s.Overlay.Len(); n > 0 {
			a.confirm = &view.Confirm{Question: fmt.Sprintf("quit and drop %d what-if change(s)? (W lists them, x exports them)", n), Yes: tea.QuitMsg{}}
			return nil
		}
		return a.quitSaving()
	case key.Matches(msg, keys.Help):
		a.openHelp()
	case key.Matches(msg, keys.Palette):
		return a.openPalette()
	case key.Matches(msg, keys.Filter):
		if f, ok := v.(view.Filterable); ok {
			a.mode = modeFilter
			a.filterIn.Value = f.Filter()
		} else {
			a.flash = "this view has no list to filter"
		}
	case key.Matches(msg, keys.Back):
		if f, ok := v.(view.Filterable); ok && f.Filter() != "" && msg.Type == tea.KeyEsc {
			return f.SetFilter("") // esc clears the filter for good
		}
		a.step(-1)
	case key.Matches(msg, keys.Forward):
		a.step(1)
	case key.Matches(msg, keys.NextPane), key.Matches(msg, keys.PrevPane):
		if p, ok := v.(view.Paned); ok {
			d := 1
			if key.Matches(msg, keys.PrevPane) {
				d = -1
			}
			p.NextPane(d)
		}
	case key.Matches(msg, keys.Overview, keys.Tree, keys.Lists, keys.Trace, keys.Exposure, keys.Map, keys.Audit):
		a.push(a.sections[int(msg.Runes[0]-'1')])
	case key.Matches(msg, keys.FlowLogs, keys.Connectivity, keys.Diff):
		return a.netKey(msg)
	case key.Matches(msg, keys.Copy):
		return a.copySelected()
	case key.Matches(msg, keys.Console):
		return a.copyConsoleURL()
	case key.Matches(msg, keys.Raw):
		if id := v.Selected(); id != "" {
			return a.send(view.Raw{ID: id})
		}
		a.flash = "select a resource to see its JSON"
	case key.Matches(msg, keys.Changes):
		return a.send(view.Changes{})
	case key.Matches(msg, keys.Context):
		return a.askChoices()
	case key.Matches(msg, keys.Reload):
		return a.reload()
	case key.Matches(msg, keys.Wide):
		a.s.Wide = !a.s.Wide
		a.flash = map[bool]string{true: "wide mode: every column at full width, ←/→ scroll", false: "wide mode off"}[a.s.Wide]
		cmd := a.broadcast(view.Refresh{})
		a.resize()
		return cmd
	case key.Matches(msg, keys.TraceFrom), key.Matches(msg, keys.TraceTo):
		id := v.Selected()
		if id == "" {
			return v.Update(msg)
		}
		if key.Matches(msg, keys.TraceFrom) {
			return a.send(view.Trace{From: id})
		}
		return a.send(view.Trace{To: id})
	case key.Matches(msg, keys.WhoCanReach):
		if id := v.Selected(); id != "" {
			return a.send(view.Who{ID: id})
		}
		return v.Update(msg)
	default:
		return v.Update(msg)
	}
	return nil
}

// quitSaving saves what views hold (the audit's review) and quits; when
// saving fails it asks whether to quit anyway.
func (a *app) quitSaving() tea.Cmd {
	if err := a.close(); err != nil {
		a.confirm = &view.Confirm{Question: safe(err.Error()) + " — quit anyway?", Yes: quitAnyway{}}
		return nil
	}
	return tea.Quit
}

// quitAnyway is the yes to "quit anyway?": quit without saving again.
type quitAnyway struct{}

// keys handles runes that arrived together (fast typing, keys sent by a
// script: the terminal reads them at once and bubbletea delivers them as
// one message) one by one, as if typed one at a time: "4b" is the trace,
// then its blocking rule; "/def" opens the filter and types def into it.
func (a *app) keys(msg tea.KeyMsg) tea.Cmd {
	var cmds []tea.Cmd
	for _, r := range msg.Runes {
		k := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}
		if r == ' ' {
			k = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{r}, Alt: msg.Alt}
		}
		cmds = append(cmds, a.key(k))
	}
	return tea.Batch(cmds...)
}

// answer takes y or n for the question on screen; other keys wait.
func (a *app) answer(msg tea.KeyMsg) tea.Cmd {
	c := a.confirm
	switch {
	case key.Matches(msg, keys.Yes):
		a.confirm = nil
		switch c.Yes.(type) {
		case tea.QuitMsg:
			return a.quitSaving()
		case quitAnyway:
			return tea.Quit
		}
		return a.send(c.Yes)
	case key.Matches(msg, keys.No):
		a.confirm = nil
		a.flash = "cancelled"
	}
	return nil
}

func (a *app) filterKey(msg tea.KeyMsg) tea.Cmd {
	f, _ := a.active().(view.Filterable)
	switch msg.Type {
	case tea.KeyEnter:
		a.mode = modeNormal
	case tea.KeyEsc:
		a.mode = modeNormal
		if f != nil {
			return f.SetFilter("")
		}
	default:
		if a.filterIn.Update(msg) && f != nil {
			return f.SetFilter(a.filterIn.Value)
		}
	}
	return nil
}

// holding reports whether the active view is ranking its rows for a
// filter: the keys that drive it wait for the result (view.Filtering).
func (a *app) holding() bool {
	f, ok := a.active().(view.Filtering)
	return ok && f.Filtering()
}

// release replays the keys held while the active view filtered, once it
// no longer does; a key replayed may start another filter, and the keys
// after it wait again.
func (a *app) release() tea.Cmd {
	var cmds []tea.Cmd
	for len(a.held) > 0 && !a.holding() {
		k := a.held[0]
		a.held = a.held[1:]
		cmds = append(cmds, a.key(k))
	}
	return tea.Batch(cmds...)
}

func (a *app) copySelected() tea.Cmd {
	id := a.active().Selected()
	if id == "" {
		a.flash = "nothing selected to copy"
		return nil
	}
	return a.copy(id, "")
}

// copyConsoleURL copies the AWS console address of the selected resource.
func (a *app) copyConsoleURL() tea.Cmd {
	r := a.s.W.Get(a.active().Selected())
	if r == nil {
		a.flash = "select a resource to copy its AWS console URL"
		return nil
	}
	u := present.ConsoleURL(r)
	if u == "" {
		a.flash = "the AWS console has no page for a " + string(r.Kind())
		return nil
	}
	return a.copy(u, "the console URL")
}

// copy writes text to the terminal's clipboard with OSC 52 (wrapped for
// tmux or screen), in a tea.Cmd; the note that follows shows the text, as
// a terminal may drop OSC 52 silently.
func (a *app) copy(text, what string) tea.Cmd {
	out := a.opts.Output
	seq := osc52.New(text)
	switch a.opts.Multiplexer {
	case "tmux":
		seq = seq.Tmux()
	case "screen":
		seq = seq.Screen()
	}
	return func() tea.Msg {
		if out != nil {
			_, _ = io.WriteString(out, seq.String())
		}
		return copiedMsg{what: what, text: text}
	}
}

// copiedNote says what was copied and shows it (its first line).
func copiedNote(what, text string) string {
	shown, rest, multi := strings.Cut(text, "\n")
	shown = world.Safe(shown)
	if multi {
		shown += fmt.Sprintf(" … (%d lines, on screen)", strings.Count(rest, "\n")+2)
	}
	if what == "" {
		return "copied (OSC 52): " + shown
	}
	return "copied " + what + " (OSC 52): " + shown
}

// mouse scrolls with the wheel, switches tabs with a click on them, and
// selects (then opens) list rows with clicks (only with --mouse).
func (a *app) mouse(msg tea.MouseMsg) tea.Cmd {
	if a.s == nil || a.mode != modeNormal || a.confirm != nil {
		return nil
	}
	switch {
	case msg.Button == tea.MouseButtonWheelUp:
		return a.route(tea.KeyMsg{Type: tea.KeyUp})
	case msg.Button == tea.MouseButtonWheelDown:
		return a.route(tea.KeyMsg{Type: tea.KeyDown})
	case msg.Action == tea.MouseActionRelease && msg.Button == tea.MouseButtonLeft && msg.Y == 0:
		x := 0
		for i, n := range view.TabNames {
			wdt := ansi.StringWidth(fmt.Sprintf(" %d %s ", i+1, n))
			if msg.X >= x && msg.X < x+wdt {
				a.push(a.sections[i])
				return nil
			}
			x += wdt
		}
	case msg.Action == tea.MouseActionRelease && msg.Button == tea.MouseButtonLeft && msg.Y >= 2:
		if c, ok := a.active().(view.Clicker); ok && c.Click(msg.X, msg.Y-2) {
			return a.route(tea.KeyMsg{Type: tea.KeyEnter})
		}
	}
	return nil
}
