package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/impact"
	"github.com/vpcscope/vpcscope/ui/component/picker"
	"github.com/vpcscope/vpcscope/ui/keys"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/views/connectivity"
	"github.com/vpcscope/vpcscope/ui/views/diff"
	"github.com/vpcscope/vpcscope/ui/views/flowlogs"
	"github.com/vpcscope/vpcscope/ui/world"
)

// This file wires the whole-network views — flow logs (8), connectivity
// (9) and the diff against a compared snapshot (0) — into the top model:
// they are built with the network and replaced with it, open by key, by
// palette (:flowlogs PATH, :connectivity, :diff) and by message, and the
// compared snapshot loads in the background after the network.

// netViews are the whole-network views of the network on screen.
type netViews struct {
	flow *flowlogs.Model
	conn *connectivity.Model
	diff *diff.Model
}

// all lists them, for broadcasts and readiness.
func (n netViews) all() []view.View {
	if n.flow == nil {
		return nil
	}
	return []view.View{n.flow, n.conn, n.diff}
}

// netTab is a whole-network view in the tab bar.
type netTab struct {
	key  key.Binding
	name string
	v    func(n netViews) view.View
}

var netTabs = []netTab{
	{keys.FlowLogs, "Flows", func(n netViews) view.View { return n.flow }},
	{keys.Connectivity, "Connect", func(n netViews) view.View { return n.conn }},
	{keys.Diff, "Diff", func(n netViews) view.View { return n.diff }},
}

// Messages of the compared snapshot.
type (
	compareMsg struct {
		w   *world.World
		c   *world.Compare
		err error
	}
	impactMsg struct {
		c   *world.Compare
		rep *impact.Report
		err error
	}
)

// netStart builds the whole-network views on a network just indexed, and
// starts what the options ask for at start: reading --flowlogs and
// loading the --compare snapshot.
func (a *app) netStart(w *world.World) tea.Cmd {
	a.net = netViews{flow: flowlogs.New(a.s), conn: connectivity.New(a.s), diff: diff.New(a.s)}
	var cmds []tea.Cmd
	if p := a.opts.FlowLogs; p != "" && !a.flowsRead {
		a.flowsRead = true // once: a reload keeps what the user chose since
		cmds = append(cmds, a.net.flow.Load(p))
	}
	if load := a.opts.Compare; load != nil {
		ctx, onprem := a.opts.ctx, a.opts.OnPrem
		cmds = append(cmds, func() tea.Msg {
			snap, err := load(ctx, func(string) {})
			if err != nil {
				return compareMsg{w: w, err: err}
			}
			old := world.New(snap)
			if err := old.WithOnPrem(onprem); err != nil {
				return compareMsg{w: w, err: err}
			}
			return compareMsg{w: w, c: world.NewCompare(old, w, a.opts.CompareSource)}
		})
	}
	return tea.Batch(cmds...)
}

// newWorld indexes a snapshot with the declared on-premises networks.
func newWorld(s *model.Snapshot, onprem []reach.OnPremNetwork) *world.World {
	w := world.New(s)
	_ = w.WithOnPrem(onprem) // the command line checked them
	return w
}

// engineOf builds an engine on a what-if copy, with the on-premises
// networks.
func (a *app) engineOf(s *model.Snapshot) *reach.Engine {
	e := reach.New(s)
	if len(a.opts.OnPrem) > 0 {
		if o, err := e.WithOnPrem(a.opts.OnPrem); err == nil {
			return o
		}
	}
	return e
}

// netMsg handles the messages of the whole-network views; ok is false for
// others.
func (a *app) netMsg(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case view.FlowLogs:
		a.push(a.net.flow)
		return a.net.flow.Update(msg), true
	case view.Connectivity:
		a.push(a.net.conn)
		return a.net.conn.Update(msg), true
	case view.Diff:
		a.push(a.net.diff)
		return a.net.diff.Update(msg), true
	case compareMsg:
		if msg.w != a.s.W {
			return nil, true
		}
		if msg.err != nil {
			a.flash, a.flashErr = fmt.Sprintf("compare with %s: %v", a.opts.CompareSource, msg.err), true
			return nil, true
		}
		a.s.Compare = msg.c
		c := msg.c
		return tea.Batch(a.broadcast(view.Refresh{}), func() tea.Msg {
			rep, err := c.Impact()
			return impactMsg{c: c, rep: rep, err: err}
		}), true
	case impactMsg:
		if msg.c != a.s.Compare {
			return nil, true
		}
		msg.c.Report, msg.c.Err = msg.rep, msg.err
		return a.broadcast(view.Refresh{}), true
	}
	return nil, false
}

// netKey opens a whole-network view by its key.
func (a *app) netKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, keys.FlowLogs):
		return a.send(view.FlowLogs{})
	case key.Matches(msg, keys.Connectivity):
		return a.send(view.Connectivity{})
	}
	return a.send(view.Diff{})
}

// netCandidates are the palette's entries for the whole-network views.
func netCandidates() []picker.Candidate {
	return []picker.Candidate{
		{Spec: "flowlogs", Label: "flowlogs                     flow logs judged by the configuration (key 8; :flowlogs PATH reads a file)"},
		{Spec: "connectivity", Label: "connectivity                 what talks to what, by VPC or subnet (key 9)"},
		{Spec: "diff", Label: "diff                         what changed since the compared snapshot (key 0; --compare)"},
	}
}

// netCommand carries out a palette command of the whole-network views:
// "flowlogs [PATH]", "connectivity", "diff".
func (a *app) netCommand(spec string) (tea.Cmd, bool) {
	word, arg, _ := strings.Cut(strings.TrimSpace(spec), " ")
	switch strings.ToLower(word) {
	case "flowlogs", "flowlog", "flows":
		return a.send(view.FlowLogs{Path: strings.TrimSpace(arg)}), true
	case "connectivity":
		return a.send(view.Connectivity{}), true
	case "diff", "compare":
		return a.send(view.Diff{}), true
	}
	return nil, false
}

// argCommand carries out a palette command typed with an argument
// (":flowlogs PATH"); ok is false for anything else.
func (a *app) argCommand(query string) (tea.Cmd, bool) {
	word, arg, ok := strings.Cut(strings.TrimSpace(query), " ")
	if !ok || strings.TrimSpace(arg) == "" || !strings.HasPrefix("flowlogs", strings.ToLower(word)) || len(word) < 4 {
		return nil, false
	}
	return a.netCommand("flowlogs " + arg)
}

// netTabLabel is one whole-network view's tab as the tab line shows it.
type netTabLabel struct {
	key, name string
	active    bool
}

// netTabs are the whole-network views' tabs, after the sections.
func (a *app) netTabs() []netTabLabel {
	var out []netTabLabel
	for _, t := range netTabs {
		v := t.v(a.net)
		out = append(out, netTabLabel{t.key.Help().Key, t.name, v != nil && v == a.active()})
	}
	return out
}

// compareStatus is the status bar's note of the compared snapshot.
func (a *app) compareStatus() string {
	if a.opts.Compare == nil {
		return ""
	}
	if a.s.Compare == nil {
		return "comparing with " + a.opts.CompareSource + "…"
	}
	return "compared with " + a.opts.CompareSource
}
