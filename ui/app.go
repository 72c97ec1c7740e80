package ui

import (
	"fmt"
	"io"
	"runtime/debug"
	"time"

	"github.com/aymanbagabas/go-osc52/v2"
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/ui/component/picker"
	"github.com/vpcscope/vpcscope/ui/component/textinput"
	"github.com/vpcscope/vpcscope/ui/keys"
	"github.com/vpcscope/vpcscope/ui/style"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/views/detail"
	"github.com/vpcscope/vpcscope/ui/views/exposure"
	"github.com/vpcscope/vpcscope/ui/views/lists"
	"github.com/vpcscope/vpcscope/ui/views/overview"
	"github.com/vpcscope/vpcscope/ui/views/trace"
	"github.com/vpcscope/vpcscope/ui/views/tree"
	"github.com/vpcscope/vpcscope/ui/views/who"
	"github.com/vpcscope/vpcscope/ui/world"
)

// mode is what the keyboard is doing: driving the view, typing a filter,
// or typing in the command palette.
type mode int

const (
	modeNormal mode = iota
	modeFilter
	modeCommand
)

// Minimum terminal size; below it the explorer shows a message.
const minWidth, minHeight = 60, 16

// Messages of start-up and background work.
type (
	progressMsg string
	progressEnd struct{}
	loadedMsg   struct {
		snap *model.Snapshot
		err  error
	}
	worldMsg    struct{ w *world.World }
	graphMsg    struct{ g *model.Graph }
	exposureMsg struct{ r *reach.ExposureReport }
	findingsMsg struct{ f []world.Finding }
	wiEngineMsg struct {
		seq  int
		eng  *reach.Engine
		snap *model.Snapshot
	}
	copiedMsg struct{ text string }
	// peekMsg asks for the current screen, without styles (for tests).
	peekMsg struct{ ch chan<- peek }
	peek    struct {
		screen string
		ready  bool
	}
)

// app is the top model: it loads the network, routes messages to the
// active view, keeps the history of views and the mode, and draws the
// frame (tabs, breadcrumbs, footer, status bar).
type app struct {
	opts     Options
	th       *style.Theme
	now      func() time.Time
	progress chan string
	steps    []string
	loadErr  error

	s        *view.Session
	sections [5]view.View
	hist     history
	mode     mode
	filterIn textinput.Model
	palette  *picker.Model
	palSrc   *picker.Source
	showHelp bool
	help     help.Model
	flash    string
	flashErr bool
	w, h     int

	// crash holds a recovered panic; Run reports it after the terminal is
	// restored.
	crash string
	quit  func()
}

func newApp(opts Options, th *style.Theme) *app {
	a := &app{opts: opts, th: th, now: opts.Now, progress: make(chan string, 64), help: help.New()}
	if a.now == nil {
		a.now = time.Now
	}
	a.filterIn.Label = "filter"
	a.help.Styles.ShortKey = th.Key
	a.help.Styles.FullKey = th.Key
	a.help.Styles.ShortDesc = th.Dim
	a.help.Styles.FullDesc = th.Dim
	a.help.Styles.ShortSeparator = th.Dim
	a.help.Styles.FullSeparator = th.Dim
	return a
}

func (a *app) Init() tea.Cmd {
	load, ch := a.opts.Loader, a.progress
	ctx := a.opts.ctx
	return tea.Batch(
		func() tea.Msg {
			defer close(ch)
			snap, err := load(ctx, func(s string) {
				select {
				case ch <- s:
				default: // the UI is behind: drop a step rather than block the pull
				}
			})
			return loadedMsg{snap, err}
		},
		a.listen(),
	)
}

// listen waits for the next progress step of the loader.
func (a *app) listen() tea.Cmd {
	ch := a.progress
	return func() tea.Msg {
		s, ok := <-ch
		if !ok {
			return progressEnd{}
		}
		return progressMsg(s)
	}
}

func (a *app) Update(msg tea.Msg) (_ tea.Model, cmd tea.Cmd) {
	defer a.recoverTo(&cmd)
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.w, a.h = msg.Width, msg.Height
		a.resize()
	case tea.KeyMsg:
		return a, a.key(msg)
	case tea.MouseMsg:
		return a, a.mouse(msg)
	default:
		return a, a.background(msg)
	}
	return a, nil
}

// background handles what loading and background work deliver, then the
// messages between views.
func (a *app) background(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case progressMsg:
		a.steps = append(a.steps, world.Safe(string(msg))) // progress can quote an AWS response
		return a.listen()
	case progressEnd:
	case loadedMsg:
		if msg.err != nil {
			a.loadErr = msg.err
			return nil
		}
		a.steps = append(a.steps, "indexing the network…")
		snap := msg.snap
		return func() tea.Msg { return worldMsg{world.New(snap)} }
	case worldMsg:
		return a.start(msg.w)
	case graphMsg:
		a.s.W.Graph = msg.g
		return a.broadcast(view.Refresh{})
	case exposureMsg:
		a.s.W.Exposure = msg.r
		// The audit reuses the exposure report, so it runs after it.
		eng, exp := a.s.W.Eng, msg.r
		return tea.Batch(a.broadcast(view.Refresh{}), func() tea.Msg { return findingsMsg{world.FindFindings(eng, exp)} })
	case findingsMsg:
		a.s.W.Findings = msg.f
		return a.sections[view.TabOverview].Update(view.Refresh{})
	case wiEngineMsg:
		if a.s == nil || msg.seq != a.s.WhatIfSeq {
			return nil
		}
		a.s.WhatIfEng, a.s.WhatIfSnap = msg.eng, msg.snap
		return a.broadcast(view.Refresh{})
	case view.Flash:
		a.flash, a.flashErr = msg.Text, msg.Err
	case peekMsg:
		msg.ch <- peek{ansi.Strip(a.View()), a.ready()}
	case copiedMsg:
		a.flash, a.flashErr = "copied "+msg.text+" to the clipboard (OSC 52)", false
	case picker.ResultMsg:
		if a.palette != nil && msg.For(a.palette) {
			a.palette.Update(msg)
			return nil
		}
	case view.ForView:
		return msg.To.Update(msg.Msg)
	default:
		return a.navigate(msg)
	}
	return nil
}

// ready reports whether the explorer has settled: everything derived from
// the network has arrived and no view waits for background work.
func (a *app) ready() bool {
	if a.s == nil || a.s.W.Graph == nil || a.s.W.Exposure == nil || a.s.W.Findings == nil {
		return false
	}
	if a.s.WhatIfActive() && a.s.WhatIfEng == nil {
		return false
	}
	for _, v := range a.views() {
		if b, ok := v.(view.Busy); ok && b.Busy() {
			return false
		}
	}
	return true
}

// navigate handles the messages that move between views, and hands the
// rest to the active view.
func (a *app) navigate(msg tea.Msg) tea.Cmd {
	if a.s == nil {
		return nil
	}
	switch msg := msg.(type) {
	case view.Open:
		a.push(detail.New(a.s, msg.ID, msg.Focus))
	case view.Tab:
		a.push(a.sections[msg.Tab])
	case view.List:
		a.push(a.sections[view.TabLists])
		return a.sections[view.TabLists].Update(msg)
	case view.Trace:
		a.push(a.sections[view.TabTrace])
		return a.sections[view.TabTrace].Update(msg)
	case view.Who:
		if r := a.s.W.Get(msg.ID); r == nil || !who.Supports(r) {
			a.flash, a.flashErr = "who-can-reach needs an instance, a network interface or a load balancer", true
			return nil
		}
		v, cmd := who.New(a.s, msg.ID)
		a.push(v)
		return cmd
	case view.WhatIf:
		return a.whatIf(msg)
	default:
		return a.route(msg)
	}
	return nil
}

// send handles msg now, as Update would: navigation from a key happens
// before the next key is read, so fast typing cannot race it.
func (a *app) send(msg tea.Msg) tea.Cmd {
	_, cmd := a.Update(msg)
	return cmd
}

// route hands a message to the active view.
func (a *app) route(msg tea.Msg) tea.Cmd {
	if v := a.active(); v != nil {
		return v.Update(msg)
	}
	return nil
}

func (a *app) active() view.View { return a.hist.active() }

// push makes v the active view, dropping any forward history.
func (a *app) push(v view.View) {
	if a.hist.push(v) {
		a.resize()
	}
}

// step moves through the history: -1 back, +1 forward.
func (a *app) step(d int) {
	if !a.hist.step(d) {
		if d < 0 {
			a.flash = "at the start of the history"
		} else {
			a.flash = "at the end of the history"
		}
		return
	}
	a.resize()
}

// views are the sections and every view in the history, once each.
func (a *app) views() []view.View {
	seen := map[view.View]bool{}
	var out []view.View
	for _, v := range append(a.sections[:], a.hist.views...) {
		if v != nil && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// broadcast sends msg to every view alive in the history and sections.
func (a *app) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, v := range a.views() {
		cmds = append(cmds, v.Update(msg))
	}
	return tea.Batch(cmds...)
}

// start builds the views once the network is indexed, and starts the
// slow derived data in the background.
func (a *app) start(w *world.World) tea.Cmd {
	a.s = &view.Session{Th: a.th, W: w, Overlay: edit.NewOverlay(w.Snap), Send: a.send}
	a.sections = [5]view.View{overview.New(a.s), tree.New(a.s), lists.New(a.s), trace.New(a.s), exposure.New(a.s)}
	a.hist.reset()
	a.palSrc = nil
	a.push(a.sections[view.TabOverview])
	ix, eng := w.Ix, w.Eng
	// one after the other, so one core stays free for the keyboard
	return tea.Sequence(
		func() tea.Msg { return exposureMsg{eng.Exposure(reach.ExposureOptions{})} },
		func() tea.Msg { return graphMsg{model.NewGraph(ix)} },
	)
}

// whatIf changes the what-if overlay and rebuilds the what-if engine in
// the background. An edit the overlay refuses is flashed with its reason.
func (a *app) whatIf(m view.WhatIf) tea.Cmd {
	var err error
	switch m.Op {
	case view.Apply:
		_, err = a.s.Overlay.Apply(m.Edit)
	case view.Toggle:
		err = a.s.Overlay.Toggle(m.ID, m.List, m.Slot)
	case view.Reset:
		a.s.Overlay.Reset()
	}
	if err != nil {
		a.flash, a.flashErr = "what-if refused: "+err.Error(), true
		return nil
	}
	a.s.WhatIfSeq++
	a.s.WhatIfEng, a.s.WhatIfSnap = nil, nil
	if m.Op == view.Reset {
		a.flash = "what-if changes undone: back to the snapshot as collected"
	} else {
		a.flash = "what-if applied in memory only — nothing was changed in AWS"
	}
	refresh := a.broadcast(view.Refresh{})
	if !a.s.WhatIfActive() {
		return refresh
	}
	seq, copySnap := a.s.WhatIfSeq, a.s.Overlay.Snapshot()
	return tea.Batch(refresh, func() tea.Msg {
		return wiEngineMsg{seq: seq, eng: reach.New(copySnap), snap: copySnap}
	})
}

func (a *app) resize() {
	if a.w == 0 {
		return
	}
	if v := a.active(); v != nil {
		v.SetSize(a.w, max(1, a.h-4))
	}
	if a.palette != nil {
		a.palette.SetSize(a.w, max(1, a.h-4))
	}
}

// key handles a key press: the mode first, then global bindings, then
// the active view.
func (a *app) key(msg tea.KeyMsg) tea.Cmd {
	if msg.Type == tea.KeyCtrlC {
		return tea.Quit
	}
	a.flash = ""
	if a.s == nil {
		if key.Matches(msg, keys.Quit) || msg.Type == tea.KeyEsc {
			return tea.Quit
		}
		return nil
	}
	if a.showHelp {
		a.showHelp = false
		return nil
	}
	switch a.mode {
	case modeFilter:
		return a.filterKey(msg)
	case modeCommand:
		cmd := a.palette.Update(msg)
		if d := a.palette.Done(); d != nil {
			a.mode, a.palette = modeNormal, nil
			return a.command(*d)
		}
		return cmd
	}
	v := a.active()
	if e, ok := v.(view.Editing); ok && e.Editing() != "" {
		return v.Update(msg)
	}
	switch {
	case key.Matches(msg, keys.Quit):
		return tea.Quit
	case key.Matches(msg, keys.Help):
		a.showHelp = true
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
			f.SetFilter("")
			return nil
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
	case key.Matches(msg, keys.Overview, keys.Tree, keys.Lists, keys.Trace, keys.Exposure):
		a.push(a.sections[int(msg.Runes[0]-'1')])
	case key.Matches(msg, keys.Copy):
		return a.copySelected()
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

func (a *app) filterKey(msg tea.KeyMsg) tea.Cmd {
	f, _ := a.active().(view.Filterable)
	switch msg.Type {
	case tea.KeyEnter:
		a.mode = modeNormal
	case tea.KeyEsc:
		a.mode = modeNormal
		if f != nil {
			f.SetFilter("")
		}
	default:
		if a.filterIn.Update(msg) && f != nil {
			f.SetFilter(a.filterIn.Value)
		}
	}
	return nil
}

func (a *app) copySelected() tea.Cmd {
	id := a.active().Selected()
	if id == "" {
		a.flash = "nothing selected to copy"
		return nil
	}
	out := a.opts.Output
	return func() tea.Msg {
		if out != nil {
			_, _ = io.WriteString(out, osc52.New(id).String())
		}
		return copiedMsg{world.Safe(id)}
	}
}

// mouse scrolls with the wheel, switches tabs with a click on them, and
// selects (then opens) list rows with clicks (only with --mouse).
func (a *app) mouse(msg tea.MouseMsg) tea.Cmd {
	if a.s == nil || a.mode != modeNormal {
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

// recoverTo turns a panic in Update into a clean quit; Run prints it after
// the terminal is restored.
func (a *app) recoverTo(cmd *tea.Cmd) {
	if r := recover(); r != nil {
		a.crash = fmt.Sprintf("%v\n%s", r, debug.Stack())
		*cmd = tea.Quit
	}
}
