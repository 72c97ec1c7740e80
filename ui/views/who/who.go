// Package who answers "who can reach this resource on this port?" and
// shows its internet exposure, on the what-if copy while a what-if is in
// force.
package who

import (
	"fmt"
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/ui/component/list"
	"github.com/vpcscope/vpcscope/ui/component/textinput"
	"github.com/vpcscope/vpcscope/ui/keys"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/world"
)

var _ view.Filterable = (*Model)(nil)

var safe = world.Safe

// Model is who-can-reach for one resource.
type Model struct {
	s        *view.Session
	id       string
	port     textinput.Model
	protoIdx int
	editing  bool
	list     *list.Model
	ans      *reach.WhoAnswer
	err      string
	seq      int
	running  bool
	w, h     int
	// usedEng is the engine the answer came from: the what-if copy's
	// while a what-if is in force.
	usedEng *reach.Engine
}

type resultMsg struct {
	seq int
	ans *reach.WhoAnswer
	err error
}

// Supports reports whether who-can-reach can answer about r.
func Supports(r model.Resource) bool {
	switch r.(type) {
	case *model.Instance, *model.NetworkInterface, *model.LoadBalancer:
		return true
	}
	return false
}

// New opens who-can-reach for a resource, on the last traced service when
// the trace ended at it, else on tcp/443; the command runs the question.
func New(s *view.Session, id string) (*Model, tea.Cmd) {
	v := &Model{s: s, id: id, list: list.New(s.Th)}
	v.port = textinput.Model{Label: "port", Accept: textinput.Digits}
	port := 443
	if q := s.LastTrace; q.To == id && q.Port > 0 {
		port = q.Port
	}
	v.port.Value = strconv.Itoa(port)
	return v, v.run()
}

// Crumbs implements view.View.
func (v *Model) Crumbs() []string {
	return []string{"Who can reach", v.s.W.ShortID(v.id), v.service()}
}

func (v *Model) service() string {
	p := view.Protocols[v.protoIdx]
	if p.HasPorts() {
		return p.String() + "/" + v.port.Value
	}
	return p.String()
}

// Keys implements view.View.
func (v *Model) Keys() []key.Binding {
	return append(keys.MoveHelp(), keys.EditPort, keys.Protocol)
}

// Selected implements view.View.
func (v *Model) Selected() string {
	if r, ok := v.list.Current(); ok && r.ID != "" {
		return r.ID
	}
	return v.id
}

// Editing implements view.Editing.
func (v *Model) Editing() string {
	if v.editing {
		return v.port.Label
	}
	return ""
}

// Busy implements view.Busy.
func (v *Model) Busy() bool { return v.running }

// SetFilter implements view.Filterable.
func (v *Model) SetFilter(f string) tea.Cmd { v.list.SetFilter(f); return nil }

// Filter implements view.Filterable.
func (v *Model) Filter() string { return v.list.Filter() }

// SetSize implements view.View.
func (v *Model) SetSize(w, h int) {
	v.w, v.h = w, h
	v.list.SetSize(w, max(1, h-2))
}

func (v *Model) run() tea.Cmd {
	p := view.Protocols[v.protoIdx]
	q := reach.WhoQuery{To: v.id, Protocol: p}
	if p.HasPorts() {
		n, err := strconv.Atoi(v.port.Value)
		if err != nil || n < 1 || n > 65535 {
			v.err = "port: want 1-65535"
			return nil
		}
		q.Port = n
	}
	v.seq++
	v.running, v.err = true, ""
	seq, eng := v.seq, v.s.Engine()
	v.usedEng = eng
	return view.To(v, func() tea.Msg {
		a, err := eng.WhoCanReach(q)
		return resultMsg{seq: seq, ans: a, err: err}
	})
}

// Update implements view.View.
func (v *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case resultMsg:
		if msg.seq != v.seq {
			return nil
		}
		v.running, v.ans = false, msg.ans
		if msg.err != nil {
			v.err = msg.err.Error()
		}
		v.build()
	case view.Refresh:
		if v.ans != nil && v.s.Engine() != v.usedEng {
			return v.run() // a what-if began, changed or ended
		}
		v.build()
	case tea.KeyMsg:
		if v.editing {
			switch msg.Type {
			case tea.KeyEnter, tea.KeyEsc:
				v.editing = false
				return v.run()
			}
			v.port.Update(msg)
			return nil
		}
		if v.list.HandleMove(msg) {
			return nil
		}
		switch {
		case key.Matches(msg, keys.EditPort):
			v.editing = true
		case key.Matches(msg, keys.Protocol):
			v.protoIdx = (v.protoIdx + 1) % len(view.Protocols)
			return v.run()
		case key.Matches(msg, keys.Open):
			if r, ok := v.list.Current(); ok && r.ID != "" {
				return v.s.Send(view.Open{ID: r.ID})
			}
		}
	}
	return nil
}

// View implements view.View.
func (v *Model) View() string {
	th := v.s.Th
	port := th.Input.Render(v.port.Value)
	if v.editing {
		port = v.port.View(th)
	}
	head := th.Title.Render("Who can reach ") + th.Bold.Render(v.s.W.Label(v.id)) + "  on " +
		th.Input.Render(view.Protocols[v.protoIdx].String()) + " port " + port
	if v.usedEng != nil && v.usedEng != v.s.W.Eng {
		head += "  " + th.WhatIf.Render("WHAT-IF (in memory)")
	}
	status := th.Dim.Render("e edit port · p protocol · enter opens a source")
	switch {
	case v.running:
		status = th.Dim.Render("computing…")
	case v.err != "":
		status = th.Bad.Render("✗ " + v.err)
	}
	return truncate(head, v.w) + "\n" + truncate(status, v.w) + "\n" + v.list.View(true)
}

func (v *Model) build() {
	th := v.s.Th
	var rows []list.Row
	text := func(s string) { rows = append(rows, list.Row{Text: s, Skip: true}) }
	heading := func(s string) { rows = append(rows, list.Row{Text: s, Skip: true, Heading: true}) }
	heading(th.Section.Render("Internet exposure"))
	switch ex := v.s.W.ExposureFor(v.id); {
	case v.s.W.Exposure == nil:
		text(th.Dim.Render("  checking…"))
	case len(ex) == 0:
		text(th.OK.Render("  ✓ not reachable from the internet"))
	default:
		for _, x := range ex {
			open := x.Protocol
			if x.Ports != "" {
				open += "/" + x.Ports
			}
			text(th.Warn.Render("  ! ") + safe(fmt.Sprintf("%s %s from %s — %s", x.PublicIP, open, x.SourceSummary, x.Rule)))
		}
	}
	text("")
	a := v.ans
	if a == nil {
		v.list.SetRows(rows)
		return
	}
	text(th.Dim.Render("admitted by its security groups and network ACL: " + safe(a.AdmittedSummary)))
	text("")
	heading(th.Section.Render(fmt.Sprintf("Can reach (%d)", len(a.Sources))))
	for _, s := range a.Sources {
		mark := th.OK.Render("✓")
		if s.Verdict == reach.VerdictUnknown {
			mark = th.Unknown.Render("?")
		}
		line := sourceText(v.s.W, s)
		rows = append(rows, list.Row{Text: "  " + mark + " " + line, Plain: "  ✓ " + line, ID: s.ID})
	}
	if len(a.Blocked) > 0 {
		text("")
		heading(th.Section.Render(fmt.Sprintf("Admitted, but blocked on the way (%d)", len(a.Blocked))))
		for _, s := range a.Blocked {
			line := sourceText(v.s.W, s)
			rows = append(rows, list.Row{Text: "  " + th.Bad.Render("✗") + " " + line, Plain: "  ✗ " + line, ID: s.ID})
			if s.Blocked != nil {
				text(th.Dim.Render("      " + safe(string(s.Blocked.Layer)+" "+s.Blocked.Resource+": "+s.Blocked.Reason)))
			}
		}
	}
	for _, c := range a.Caveats {
		text(th.Unknown.Render("  ? " + safe(c)))
	}
	v.list.SetRows(rows)
}

// sourceText renders a who-can-reach source on one line, made safe.
func sourceText(w *world.World, s reach.Source) string { return safe(sourceLine(w, s)) }

func sourceLine(w *world.World, s reach.Source) string {
	switch s.Kind {
	case "internet":
		return "the internet (" + s.Summary + ")  admitted by " + s.AdmittedBy
	case "addresses":
		return s.Summary + "  (no interface in the snapshot)  admitted by " + s.AdmittedBy
	}
	name := s.Name
	if s.Instance != "" {
		name = w.ShortID(s.Instance)
	}
	if name == "" {
		name = s.ID
	}
	sub := ""
	if s.Subnet != "" {
		sub = " in " + w.ShortID(s.Subnet)
	}
	return fmt.Sprintf("%s %s%s  admitted by %s", name, world.JoinN(s.IPs, 2), sub, s.AdmittedBy)
}

func truncate(s string, w int) string { return ansi.Truncate(s, w, "…") }
