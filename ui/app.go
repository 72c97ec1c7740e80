package ui

import (
	"fmt"
	"runtime/debug"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/audit"
	"github.com/vpcscope/vpcscope/ui/component/list"
	"github.com/vpcscope/vpcscope/ui/component/picker"
	"github.com/vpcscope/vpcscope/ui/component/textinput"
	"github.com/vpcscope/vpcscope/ui/style"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/world"
)

// mode is what the keyboard is doing: driving the view, typing a filter,
// typing in the palette, or reading the help.
type mode int

const (
	modeNormal mode = iota
	modeFilter
	modeCommand
	modeHelp
)

// Minimum terminal size; below it the explorer shows a message.
const minWidth, minHeight = 60, 16

// Messages of loading and background work.
type (
	progressMsg struct {
		seq  int
		step string
	}
	progressEnd struct{ seq int }
	loadedMsg   struct {
		seq  int
		snap *model.Snapshot
		err  error
	}
	worldMsg struct {
		seq int
		w   *world.World
	}
	graphMsg struct {
		w *world.World
		g *model.Graph
	}
	exposureMsg struct {
		w *world.World
		r *reach.ExposureReport
	}
	findingsMsg struct {
		w   *world.World
		rep *audit.Report
		f   []world.Finding
	}
	wiEngineMsg struct {
		seq  int
		eng  *reach.Engine
		snap *model.Snapshot
	}
	copiedMsg struct{ what, text string }
	// choicesMsg carries what :ctx offers.
	choicesMsg struct {
		choices []Choice
		err     error
	}
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
	opts Options
	th   *style.Theme
	now  func() time.Time
	// source names what is loaded, loader loads it again (R).
	source string
	loader Loader
	// load is the load in flight (0: none); loadName what it loads.
	load      int
	loadSeq   int
	loadName  string
	loadSteps []string
	loadErr   error
	// pending is the loader in flight, prog its progress.
	pending Loader
	prog    progress

	s        *view.Session
	sections [7]view.View
	// net are the whole-network views (flow logs, connectivity, diff);
	// flowsRead once --flowlogs was read.
	net       netViews
	flowsRead bool
	hist      history
	mode      mode
	filterIn  textinput.Model
	// held are the keys typed while the active view ranked its rows for a
	// filter, replayed in order when it lands (release).
	held     []tea.KeyMsg
	palette  *picker.Model
	palFor   string // "goto" or "ctx"
	palSrc   *picker.Source
	choices  []Choice
	confirm  *view.Confirm
	helpIn   textinput.Model
	helpList *list.Model
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
	a := &app{opts: opts, th: th, now: opts.Now, help: help.New(), source: opts.Source, loader: opts.Loader}
	if a.now == nil {
		a.now = time.Now
	}
	a.filterIn.Label = "filter"
	a.helpIn.Label = "help filter"
	a.helpList = list.New(th)
	a.help.Styles.ShortKey = th.Key
	a.help.Styles.FullKey = th.Key
	a.help.Styles.ShortDesc = th.Dim
	a.help.Styles.FullDesc = th.Dim
	a.help.Styles.ShortSeparator = th.Dim
	a.help.Styles.FullSeparator = th.Dim
	return a
}

func (a *app) Init() tea.Cmd { return a.startLoad(a.source, a.loader) }

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
		return a, tea.Batch(a.background(msg), a.release())
	}
	return a, nil
}

// background handles what loading and background work deliver, then the
// messages between views.
func (a *app) background(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case progressMsg, progressEnd, loadedMsg, worldMsg, choicesMsg:
		return a.loading(msg)
	case loadMsg:
		return a.startLoad(msg.name, msg.load)
	case graphMsg:
		if a.s == nil || msg.w != a.s.W {
			return nil // from a network since replaced
		}
		a.s.W.Graph = msg.g
		return a.broadcast(view.Refresh{})
	case exposureMsg:
		if a.s == nil || msg.w != a.s.W {
			return nil
		}
		a.s.W.Exposure = msg.r
		// The audit reuses the exposure report, so it runs after it.
		w, exp := a.s.W, msg.r
		return tea.Batch(a.broadcast(view.Refresh{}), func() tea.Msg {
			rep, f := world.FindFindings(w.Eng, exp)
			return findingsMsg{w, rep, f}
		})
	case findingsMsg:
		if a.s == nil || msg.w != a.s.W {
			return nil
		}
		a.s.W.Findings, a.s.W.Audit = msg.f, msg.rep
		return tea.Batch(a.sections[view.TabOverview].Update(view.Refresh{}), a.sections[view.TabAudit].Update(view.Refresh{}))
	case wiEngineMsg:
		if a.s == nil || msg.seq != a.s.WhatIfSeq {
			return nil
		}
		a.s.WhatIfEng, a.s.WhatIfSnap = msg.eng, msg.snap
		return a.broadcast(view.Refresh{})
	case view.Flash:
		a.flash, a.flashErr = msg.Text, msg.Err
	case view.Copy:
		return a.copy(msg.Text, msg.What)
	case copiedMsg:
		a.flash, a.flashErr = copiedNote(msg.what, msg.text), false
	case view.Confirm:
		a.confirm = &msg
	case peekMsg:
		msg.ch <- peek{ansi.Strip(a.View()), a.ready()}
	case picker.ResultMsg:
		if a.palette != nil && msg.For(a.palette) {
			a.palette.Update(msg)
			return a.palettePicked()
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
	if a.s == nil || a.load != 0 || a.s.W.Graph == nil || a.s.W.Exposure == nil || a.s.W.Findings == nil {
		return false
	}
	if a.s.WhatIfActive() && a.s.WhatIfEng == nil {
		return false
	}
	if a.palette != nil && a.palette.Pending() || len(a.held) > 0 {
		return false
	}
	for _, v := range a.views() {
		if b, ok := v.(view.Busy); ok && b.Busy() {
			return false
		}
	}
	return true
}

// recoverTo turns a panic in Update into a clean quit; Run prints it after
// the terminal is restored.
func (a *app) recoverTo(cmd *tea.Cmd) {
	if r := recover(); r != nil {
		a.crash = fmt.Sprintf("%v\n%s", r, debug.Stack())
		*cmd = tea.Quit
	}
}
