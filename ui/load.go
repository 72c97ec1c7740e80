package ui

import (
	"fmt"
	"strconv"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/vpcscope/vpcscope/ui/component/picker"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/world"
)

// loadMsg asks to load a source in place of the one on screen (R reloads
// the same; :ctx switches); it comes straight from a key, or after a
// confirmation when what-if changes would be dropped.
type loadMsg struct {
	name string
	load Loader
}

// progress is the channel of the load in flight.
type progress struct {
	seq int
	ch  chan string
}

// startLoad runs a loader in the background; its progress steps show on
// the loading screen, or in the status bar while a network is on screen
// (which stays usable until the new one is indexed).
func (a *app) startLoad(name string, load Loader) tea.Cmd {
	a.loadSeq++
	seq := a.loadSeq
	a.load, a.loadName, a.loadSteps, a.loadErr = seq, name, nil, nil
	a.pending = load
	ch := make(chan string, 64)
	a.prog = progress{seq: seq, ch: ch}
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
			return loadedMsg{seq: seq, snap: snap, err: err}
		},
		a.listen(),
	)
}

// listen waits for the next progress step of the load in flight.
func (a *app) listen() tea.Cmd {
	p := a.prog
	return func() tea.Msg {
		s, ok := <-p.ch
		if !ok {
			return progressEnd{p.seq}
		}
		return progressMsg{p.seq, s}
	}
}

// loading handles the messages of a load and of :ctx.
func (a *app) loading(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case progressMsg:
		if msg.seq != a.load {
			return nil
		}
		a.loadSteps = append(a.loadSteps, world.Safe(msg.step)) // progress can quote an AWS response
		return a.listen()
	case loadedMsg:
		if msg.seq != a.load {
			return nil
		}
		if msg.err != nil {
			if a.s == nil {
				a.loadErr = msg.err
				return nil
			}
			a.load = 0
			a.flash, a.flashErr = fmt.Sprintf("could not load %s: %v (still showing %s)", a.loadName, msg.err, a.source), true
			return nil
		}
		a.loadSteps = append(a.loadSteps, "indexing the network…")
		snap, seq := msg.snap, msg.seq
		onprem := a.opts.OnPrem
		return func() tea.Msg { return worldMsg{seq, newWorld(snap, onprem)} }
	case worldMsg:
		if msg.seq != a.load {
			return nil
		}
		reloaded := a.s != nil
		a.load, a.source, a.loader = 0, a.loadName, a.pending
		cmd := a.start(msg.w)
		if reloaded {
			a.flash, a.flashErr = "loaded "+a.source, false
		}
		return cmd
	case choicesMsg:
		if msg.err != nil {
			a.flash, a.flashErr = "switch: "+msg.err.Error(), true
			return nil
		}
		return a.openChoices(msg.choices)
	}
	return nil
}

// reload loads the source on screen again, asking first when what-if
// changes would be dropped.
func (a *app) reload() tea.Cmd {
	return a.replace(loadMsg{name: a.source, load: a.loader}, "reload")
}

// replace loads another network in place of the one on screen.
func (a *app) replace(m loadMsg, verb string) tea.Cmd {
	if a.load != 0 {
		a.flash = "already loading " + a.loadName
		return nil
	}
	if n := a.s.Overlay.Len(); n > 0 {
		a.confirm = &view.Confirm{Question: fmt.Sprintf("%s and drop %d what-if change(s)? (W lists them, x exports them)", verb, n), Yes: m}
		return nil
	}
	return a.startLoad(m.name, m.load)
}

// askChoices asks the switcher for what :ctx offers, in the background.
func (a *app) askChoices() tea.Cmd {
	sw := a.opts.Switcher
	if sw == nil {
		a.flash = "no other profile, region or snapshot to switch to"
		return nil
	}
	ctx := a.opts.ctx
	return func() tea.Msg {
		cs, err := sw.Choices(ctx)
		return choicesMsg{cs, err}
	}
}

// openChoices shows the choices in a picker.
func (a *app) openChoices(cs []Choice) tea.Cmd {
	a.choices = cs
	cands := make([]picker.Candidate, len(cs))
	for i, c := range cs {
		cands[i] = picker.Candidate{Spec: strconv.Itoa(i), Label: world.Safe(fmt.Sprintf("%-9s %-40s %s", c.Kind, c.Value, c.Note))}
	}
	p, cmd := picker.New(a.th, "Switch to", picker.NewSource(cands))
	p.Hint = "a profile, a region or a snapshot file · ↑↓ choose · enter switch · esc cancel"
	a.palette, a.palFor, a.mode = p, "ctx", modeCommand
	a.resize()
	return cmd
}

// switchTo opens a choice and loads it.
func (a *app) switchTo(spec string) tea.Cmd {
	i, err := strconv.Atoi(spec)
	if err != nil || i < 0 || i >= len(a.choices) {
		a.flash, a.flashErr = "switch: pick one of the listed profiles, regions or files", true
		return nil
	}
	name, load, err := a.opts.Switcher.Switch(a.choices[i])
	if err != nil {
		a.flash, a.flashErr = "switch: "+err.Error(), true
		return nil
	}
	return a.replace(loadMsg{name: name, load: load}, "switch to "+name)
}
