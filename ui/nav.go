package ui

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/views/audit"
	"github.com/vpcscope/vpcscope/ui/views/changes"
	"github.com/vpcscope/vpcscope/ui/views/detail"
	"github.com/vpcscope/vpcscope/ui/views/exposure"
	"github.com/vpcscope/vpcscope/ui/views/lists"
	"github.com/vpcscope/vpcscope/ui/views/mapview"
	"github.com/vpcscope/vpcscope/ui/views/overview"
	"github.com/vpcscope/vpcscope/ui/views/raw"
	"github.com/vpcscope/vpcscope/ui/views/trace"
	"github.com/vpcscope/vpcscope/ui/views/tree"
	"github.com/vpcscope/vpcscope/ui/views/who"
	"github.com/vpcscope/vpcscope/ui/world"
)

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
	case view.Raw:
		a.push(raw.New(a.s, msg.ID))
	case view.Changes:
		a.push(changes.New(a.s))
	case view.WhatIf:
		return a.whatIf(msg)
	case view.Traced:
		a.s.Traced = &msg // the map draws its path
	default:
		if cmd, ok := a.netMsg(msg); ok {
			return cmd
		}
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
	for _, v := range append(append(a.sections[:], a.net.all()...), a.hist.views...) {
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

// start builds the views on a network just indexed (the first, or one
// that replaces the one on screen), and starts the slow derived data in
// the background.
func (a *app) start(w *world.World) tea.Cmd {
	wide := a.s != nil && a.s.Wide
	if err := a.close(); err != nil {
		a.flash, a.flashErr = err.Error(), true
	}
	a.s = &view.Session{Th: a.th, W: w, Overlay: edit.NewOverlay(w.Snap), Send: a.send, Wide: wide, ExportDir: a.opts.ExportDir,
		ReviewPath: a.opts.ReviewPath}
	a.sections = [7]view.View{overview.New(a.s), tree.New(a.s), lists.New(a.s), trace.New(a.s), exposure.New(a.s),
		mapview.New(a.s), audit.New(a.s, a.source)}
	a.hist.reset()
	a.palSrc = nil
	a.push(a.sections[view.TabOverview])
	ix, eng := w.Ix, w.Eng
	// one after the other, so one core stays free for the keyboard
	return tea.Batch(a.netStart(w), tea.Sequence(
		func() tea.Msg { return exposureMsg{w, eng.Exposure(reach.ExposureOptions{})} },
		func() tea.Msg { return graphMsg{w, model.NewGraph(ix)} },
	))
}

// close saves what views hold (view.Closer: the audit's review) before
// the explorer quits or replaces the network; the first error is returned.
func (a *app) close() error {
	var first error
	for _, v := range a.views() {
		if c, ok := v.(view.Closer); ok {
			if err := c.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
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
	case view.Undo:
		err = a.s.Overlay.Undo(m.Step)
	case view.Reset:
		a.s.Overlay.Reset()
	}
	if err != nil {
		a.flash, a.flashErr = "what-if refused: "+err.Error(), true
		return nil
	}
	a.s.WhatIfSeq++
	a.s.WhatIfEng, a.s.WhatIfSnap = nil, nil
	a.flashErr = false
	switch m.Op {
	case view.Reset:
		a.flash = "what-if changes undone: back to the snapshot as collected"
	case view.Undo:
		a.flash = "what-if change undone"
	default:
		a.flash = "what-if applied in memory only (W lists the changes)"
	}
	refresh := a.broadcast(view.Refresh{})
	if !a.s.WhatIfActive() {
		return refresh
	}
	seq, copySnap := a.s.WhatIfSeq, a.s.Overlay.Snapshot()
	return tea.Batch(refresh, func() tea.Msg {
		return wiEngineMsg{seq: seq, eng: a.engineOf(copySnap), snap: copySnap}
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
	a.helpList.SetSize(a.w, max(1, a.h-6))
}
