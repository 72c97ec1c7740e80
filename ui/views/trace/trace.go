// Package trace asks "can A reach B on P?": a form (source, destination,
// protocol, port) and the answer hop by hop, forward and return, with each
// layer's verdict and the deciding rule. Enter on a hop opens its resource
// on the rule; b jumps straight to the blocking rule. With what-if changes
// in effect it shows the answer for the real snapshot and for the what-if
// copy side by side.
package trace

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/ui/component/list"
	"github.com/vpcscope/vpcscope/ui/component/picker"
	"github.com/vpcscope/vpcscope/ui/component/textinput"
	"github.com/vpcscope/vpcscope/ui/keys"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/world"
)

var _ view.Filterable = (*Model)(nil)

var safe = world.Safe

// Model is the trace view.
type Model struct {
	s         *view.Session
	from, to  string
	fromLabel string
	toLabel   string
	protoIdx  int
	port      textinput.Model
	field     int // 0 from, 1 to, 2 protocol, 3 port
	// editing is set while the port field takes keys; portSet once a
	// port was chosen (typed, or given by who asked for the trace): the
	// trace never runs on a port nobody chose.
	editing bool
	portSet bool
	// before is the port as it was when editing began (esc restores it);
	// fresh: the next digit replaces it instead of appending
	before  string
	fresh   bool
	pane    int // 0 form, 1 result
	picker  *picker.Model
	pickFor int
	list    *list.Model
	header  []string
	ans     *reach.Answer
	wiAns   *reach.Answer
	// oldAns answers the query on the compared (older) snapshot; oldErr
	// says why it could not.
	oldAns *reach.Answer
	oldErr string
	// srcPort pins the client's port (a flow-log record's), 0: any; at
	// lands on a hop once the answer arrives.
	srcPort int
	at      *view.HopAt
	err     string
	seq     int
	running bool
	src     *picker.Source
	w, h    int
}

// resultMsg carries an answer for the query with sequence seq.
type resultMsg struct {
	seq        int
	ans, wiAns *reach.Answer
	err        error
	old        *reach.Answer
	oldErr     error
}

// hopRow is attached to rows that are hops.
type hopRow struct {
	hop    reach.Hop
	whatIf bool
	// path and idx place the hop in the answer on screen; old marks the
	// hops of the compared snapshot's answer.
	path reach.Direction
	idx  int
	old  bool
}

// New builds the trace view with an empty form.
func New(s *view.Session) *Model {
	t := &Model{s: s, list: list.New(s.Th)}
	t.port = textinput.Model{Label: "port", Accept: textinput.Digits}
	t.buildRows()
	return t
}

// Crumbs implements view.View.
func (t *Model) Crumbs() []string {
	c := []string{"Trace"}
	if t.from != "" || t.to != "" {
		c = append(c, fmt.Sprintf("%s → %s %s", orDash(t.s.W.CrumbName(t.from)), orDash(t.s.W.CrumbName(t.to)), t.service()))
	}
	return c
}

func orDash(s string) string {
	if s == "" {
		return "?"
	}
	return s
}

// Keys implements view.View.
func (t *Model) Keys() []key.Binding {
	return []key.Binding{keys.Up, keys.Down, keys.Pick, keys.NextPane, keys.Protocol, keys.Swap, keys.GoToRule, keys.Reset}
}

// Selected implements view.View.
func (t *Model) Selected() string {
	if t.pane == 1 {
		if r, ok := t.list.Current(); ok && r.ID != "" {
			return r.ID
		}
	}
	switch t.field {
	case 1:
		return t.to
	case 0:
		return t.from
	}
	return ""
}

// Editing implements view.Editing.
func (t *Model) Editing() string {
	switch {
	case t.picker != nil:
		return t.picker.Label()
	case t.editing:
		return t.port.Label
	}
	return ""
}

// Busy implements view.Busy.
func (t *Model) Busy() bool { return t.running }

// SetFilter implements view.Filterable.
func (t *Model) SetFilter(f string) tea.Cmd { t.list.SetFilter(f); return nil }

// Filter implements view.Filterable.
func (t *Model) Filter() string { return t.list.Filter() }

// NextPane moves between the form and the result.
func (t *Model) NextPane(delta int) {
	if t.picker != nil {
		return
	}
	t.pane = 1 - t.pane
}

// SetSize implements view.View.
func (t *Model) SetSize(w, h int) {
	if w != t.w {
		t.w = w
		t.buildRows()
	}
	t.h = h
	if t.picker != nil {
		t.picker.SetSize(w, h)
	}
}

func (t *Model) proto() model.Protocol { return view.Protocols[t.protoIdx] }

func (t *Model) service() string {
	if t.proto().HasPorts() {
		s := t.proto().String() + "/" + orDash(strings.TrimSpace(t.port.Value))
		if t.srcPort > 0 {
			s += fmt.Sprintf(" from port %d", t.srcPort)
		}
		return s
	}
	return t.proto().String()
}

// needPort reports whether the trace waits for a port.
func (t *Model) needPort() bool { return t.proto().HasPorts() && !t.portSet }

// editPort puts the port field in editing mode: digits are digits until
// enter, tab or esc leaves it.
func (t *Model) editPort() {
	t.pane, t.field, t.editing = 0, 3, true
	t.before, t.fresh = t.port.Value, t.port.Value != ""
}

// next moves the form on once an endpoint is set: to the destination, to
// the port when none was chosen, or to the answer.
func (t *Model) next() tea.Cmd {
	switch {
	case t.from == "":
		t.field = 0
	case t.to == "":
		t.field = 1
	case t.needPort():
		t.editPort()
		return nil
	}
	return t.run()
}

// set fills the form from a view.Trace message (t / T keys, the palette).
func (t *Model) set(m view.Trace) tea.Cmd {
	if m.Protocol != 0 || m.Port > 0 {
		for i, x := range view.Protocols {
			if x == m.Protocol {
				t.protoIdx = i
			}
		}
		if m.Port > 0 {
			t.port.Value, t.portSet = strconv.Itoa(m.Port), true
		}
	}
	if m.From != "" {
		t.from, t.fromLabel = m.From, t.s.W.ShortLabel(m.From)
	}
	if m.To != "" {
		t.to, t.toLabel = m.To, t.s.W.ShortLabel(m.To)
	}
	t.srcPort, t.at = m.SourcePort, m.Select
	t.pane, t.editing = 0, false
	return t.next()
}

func (t *Model) query() (reach.Query, error) {
	q := reach.Query{From: t.from, To: t.to, Protocol: t.proto()}
	if q.Protocol.HasPorts() {
		p, err := strconv.Atoi(strings.TrimSpace(t.port.Value))
		if err != nil || p < 1 || p > 65535 {
			return q, fmt.Errorf("port %q: want 1-65535", t.port.Value)
		}
		q.Port, q.SourcePort = p, t.srcPort
	}
	return q, nil
}

// run starts the engine in a tea.Cmd when the form is complete: both
// ends, and a port someone chose.
func (t *Model) run() tea.Cmd {
	if t.from == "" || t.to == "" || t.needPort() {
		return nil
	}
	q, err := t.query()
	if err != nil {
		t.err = err.Error()
		t.ans, t.wiAns = nil, nil
		t.buildRows()
		return nil
	}
	t.seq++
	t.running = true
	seq, eng, wiEng := t.seq, t.s.W.Eng, t.s.WhatIfEng
	if !t.s.WhatIfActive() {
		wiEng = nil
	}
	var oldEng *reach.Engine
	if c := t.s.Compare; c != nil {
		oldEng = c.Old.Eng
	}
	return view.To(t, func() tea.Msg {
		a, err := eng.Reach(q)
		var wa *reach.Answer
		if err == nil && wiEng != nil {
			wa, _ = wiEng.Reach(q)
		}
		m := resultMsg{seq: seq, ans: a, wiAns: wa, err: err}
		if oldEng != nil {
			m.old, m.oldErr = oldEng.Reach(q)
		}
		return m
	})
}

// Update implements view.View.
func (t *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case view.Trace:
		return t.set(msg)
	case view.Refresh:
		return t.run()
	case resultMsg:
		if msg.seq != t.seq {
			return nil
		}
		t.running = false
		t.ans, t.wiAns, t.err = msg.ans, msg.wiAns, ""
		if msg.err != nil {
			t.err = msg.err.Error()
		}
		t.oldAns, t.oldErr = msg.old, ""
		if msg.oldErr != nil {
			t.oldErr = msg.oldErr.Error()
		}
		t.buildRows()
		if t.ans != nil {
			t.s.LastTrace, _ = t.query()
			if !t.editing {
				t.pane = 1
			}
			if at := t.at; at != nil {
				t.at = nil
				if t.selectHop(*at) {
					return nil
				}
			}
			t.selectBlocking()
			a, _ := t.current()
			return view.Cmd(view.Traced{Query: t.s.LastTrace, Summary: a.Summary(), Resources: a.Resources()})
		}
	case picker.ResultMsg:
		if t.picker != nil {
			return t.fromPicker(t.picker.Update(msg))
		}
	case tea.KeyMsg:
		if t.picker != nil {
			return t.fromPicker(t.picker.Update(msg))
		}
		if t.pane == 0 {
			return t.updateForm(msg)
		}
		return t.updateResult(msg)
	}
	return nil
}

// fromPicker takes the picker's choice once it is made, then the keys
// typed after it.
func (t *Model) fromPicker(cmd tea.Cmd) tea.Cmd {
	d := t.picker.Done()
	if d == nil {
		return view.To(t, cmd)
	}
	t.picker = nil
	if d.Cancelled {
		return nil
	}
	t.srcPort = 0
	var cmds []tea.Cmd
	if t.pickFor == 0 {
		t.from, t.fromLabel = d.Spec, t.s.W.ShortLabel(d.Spec)
	} else {
		t.to, t.toLabel = d.Spec, t.s.W.ShortLabel(d.Spec)
	}
	if t.pickFor == 0 && t.to == "" {
		t.field = 1
		cmds = append(cmds, t.openPicker())
	} else {
		cmds = append(cmds, t.next())
	}
	for _, k := range d.Queued {
		cmds = append(cmds, t.s.Send(k))
	}
	return tea.Batch(cmds...)
}

func (t *Model) updateForm(msg tea.KeyMsg) tea.Cmd {
	if t.editing {
		return t.updatePort(msg)
	}
	switch {
	case key.Matches(msg, keys.Up):
		t.field = (t.field + 3) % 4
	case key.Matches(msg, keys.Down):
		t.field = (t.field + 1) % 4
	case key.Matches(msg, keys.Open):
		switch t.field {
		case 0, 1:
			return t.openPicker()
		case 2:
			return t.nextProtocol()
		case 3:
			if t.proto().HasPorts() {
				t.editPort()
			}
		}
	case key.Matches(msg, keys.Protocol):
		return t.nextProtocol()
	case key.Matches(msg, keys.Swap):
		t.from, t.to, t.fromLabel, t.toLabel = t.to, t.from, t.toLabel, t.fromLabel
		t.srcPort = 0
		return t.run()
	case t.ans != nil && key.Matches(msg, keys.GoToRule):
		// The hint under a blocked answer says "press b": honour it from
		// the form too.
		if h, ok := t.blockingHop(); ok {
			t.pane = 1
			return t.s.Send(t.openHop(h))
		}
		return view.FlashCmd("nothing blocks this flow")
	}
	return nil
}

// nextProtocol cycles the protocol; a protocol with ports asks for one
// when none was chosen yet.
func (t *Model) nextProtocol() tea.Cmd {
	t.protoIdx = (t.protoIdx + 1) % len(view.Protocols)
	if t.from != "" && t.to != "" && t.needPort() {
		t.editPort()
		return nil
	}
	return t.run()
}

// updatePort edits the port: digits only (a letter is neither a digit nor
// a command), enter or tab runs the trace on it, esc puts the old value
// back, ↑/↓ leave it for another field.
func (t *Model) updatePort(msg tea.KeyMsg) tea.Cmd {
	switch msg.Type {
	case tea.KeyEsc:
		t.editing, t.port.Value = false, t.before
		return nil
	case tea.KeyEnter, tea.KeyTab, tea.KeyUp, tea.KeyDown:
		t.editing = false
		if _, err := t.query(); err == nil && t.proto().HasPorts() {
			t.portSet = true
		}
		switch msg.Type {
		case tea.KeyUp:
			t.field = 2
		case tea.KeyDown:
			t.field = 0
		}
		if t.port.Value == t.before && t.ans != nil {
			t.pane = 1
			return nil
		}
		t.srcPort = 0
		return t.run()
	case tea.KeyRunes:
		if t.fresh && !msg.Paste {
			t.port.Value = ""
		}
	}
	t.fresh = false
	t.port.Update(msg)
	return nil
}

func (t *Model) openPicker() tea.Cmd {
	if t.src == nil {
		eps := t.s.W.Endpoints()
		cands := make([]picker.Candidate, len(eps))
		for i, e := range eps {
			cands[i] = picker.Candidate{Spec: e.Spec, Label: e.Label, Last: e.Gone}
		}
		t.src = picker.NewSource(cands)
	}
	title := "Trace source"
	t.pickFor = t.field
	if t.field == 1 {
		title = "Trace destination"
	}
	p, cmd := picker.New(t.s.Th, title, t.src)
	t.picker = p
	p.SetSize(t.w, t.h)
	return view.To(t, cmd)
}

func (t *Model) updateResult(msg tea.KeyMsg) tea.Cmd {
	if t.list.HandleMove(msg) {
		return nil
	}
	switch {
	case key.Matches(msg, keys.Open):
		r, ok := t.list.Current()
		if !ok {
			return nil
		}
		if h, ok := r.Data.(hopRow); ok {
			return t.s.Send(t.openHop(h))
		}
		if r.ID != "" {
			return t.s.Send(view.Open{ID: r.ID})
		}
	case key.Matches(msg, keys.GoToRule):
		if h, ok := t.blockingHop(); ok {
			return t.s.Send(t.openHop(h))
		}
		return view.FlashCmd("nothing blocks this flow")
	case key.Matches(msg, keys.Protocol):
		return t.nextProtocol()
	case key.Matches(msg, keys.Swap):
		t.from, t.to, t.fromLabel, t.toLabel = t.to, t.from, t.toLabel, t.fromLabel
		t.srcPort = 0
		return t.run()
	case key.Matches(msg, keys.Reset):
		return t.s.Send(view.WhatIf{Op: view.Reset})
	}
	return nil
}

// current is the answer on screen: the what-if one when changes are in effect.
func (t *Model) current() (*reach.Answer, bool) {
	if t.wiAns != nil {
		return t.wiAns, true
	}
	return t.ans, false
}

// blockingHop returns the hop that decided a blocked answer.
func (t *Model) blockingHop() (hopRow, bool) {
	a, wi := t.current()
	if a == nil || a.Blocked == nil {
		return hopRow{}, false
	}
	path := a.Forward
	if a.Blocked.Direction == reach.DirReturn {
		path = a.Return
	}
	for i := len(path) - 1; i >= 0; i-- {
		if path[i].Verdict == reach.Deny || path[i].Verdict == reach.Unknown {
			return hopRow{hop: path[i], whatIf: wi}, true
		}
	}
	return hopRow{hop: reach.Hop{Resource: a.Blocked.Resource, Ref: a.Blocked.Ref, Rule: a.Blocked.Rule,
		Verdict: reach.Deny, Detail: a.Blocked.Reason, Near: a.Blocked.Near}, whatIf: wi}, true
}

// selectHop lands on a hop of the answer on screen; it reports whether
// the answer has it.
func (t *Model) selectHop(at view.HopAt) bool {
	if !t.list.Select(func(r list.Row) bool {
		x, ok := r.Data.(hopRow)
		return ok && !x.old && x.path == at.Path && x.idx == at.Index
	}) {
		return false
	}
	if t.list.Cursor() < t.list.Height()-4 {
		t.list.SetOffset(0)
	}
	return true
}

func (t *Model) selectBlocking() {
	h, ok := t.blockingHop()
	if !ok {
		return
	}
	t.list.Select(func(r list.Row) bool {
		x, ok := r.Data.(hopRow)
		return ok && !x.old && x.hop.Resource == h.hop.Resource && x.hop.Verdict == h.hop.Verdict && x.hop.Stage == h.hop.Stage
	})
	if t.list.Cursor() < t.list.Height()-4 {
		t.list.SetOffset(0)
	}
}

// openHop opens the hop's resource, landing on the rule that decided.
func (t *Model) openHop(h hopRow) view.Open {
	m := view.Open{ID: h.hop.Resource}
	if h.hop.Ref == nil || h.old {
		return m // the older snapshot's rule positions are not this one's
	}
	ref := *h.hop.Ref
	if h.whatIf && ref.Index >= 0 {
		ref.Index = t.s.Overlay.Position(h.hop.Resource, edit.List(ref.Kind), ref.Index)
	}
	hop := h.hop
	m.Focus = &view.RuleFocus{Ref: ref, Hop: &hop, Flow: t.flow(hop)}
	for _, n := range hop.Near {
		if h.whatIf {
			n.Index = t.s.Overlay.Position(cmp.Or(n.Resource, h.hop.Resource), edit.List(n.Kind), n.Index)
		}
		m.Focus.Near = append(m.Focus.Near, n)
	}
	return m
}

// flow describes the traced flow for the detail view.
func (t *Model) flow(h reach.Hop) *view.Flow {
	a, _ := t.current()
	if a == nil {
		return nil
	}
	q, _ := t.query()
	f := &view.Flow{Query: q, SrcIP: a.Query.Source.IP, DstIP: a.Query.Dest.IP}
	if n := t.s.W.Ix.Interface(a.Query.Source.Interface); n != nil {
		f.SrcGroups, f.SrcVPC = n.SecurityGroupIDs, n.VPCID
	}
	if n := t.s.W.Ix.Interface(a.Query.Dest.Interface); n != nil {
		f.DstGroups, f.DstVPC = n.SecurityGroupIDs, n.VPCID
	}
	for _, r := range a.Return {
		if r.Resource == h.Resource && r.Stage == h.Stage && r.Rule == h.Rule && r.Packet == h.Packet {
			f.ReturnPath = true
		}
	}
	return f
}

// View implements view.View.
func (t *Model) View() string {
	if t.picker != nil {
		return t.picker.View()
	}
	form := t.formView()
	if t.pane == 1 {
		form = t.compactForm()
	}
	parts := []string{form}
	for _, l := range t.header {
		parts = append(parts, ansi.Truncate(l, t.w, "…"))
	}
	t.list.SetSize(t.w, max(1, t.h-len(parts)-strings.Count(form, "\n")))
	return strings.Join(append(parts, t.list.View(t.pane == 1)), "\n")
}

// compactForm is the query in one line, shown while the result has focus.
func (t *Model) compactForm() string {
	th := t.s.Th
	line := "  " + th.Bold.Render(orDash(t.fromLabel)) + th.Dim.Render("  →  ") + th.Bold.Render(orDash(t.toLabel)) +
		"   " + th.Input.Render(t.service()) + th.Dim.Render("    (tab: edit the query)")
	return ansi.Truncate(line, t.w, "…")
}

func (t *Model) formView() string {
	th := t.s.Th
	field := func(i int, label, value, hint string) string {
		mark := "  "
		lst := th.InputLabel
		if t.pane == 0 && t.field == i {
			mark = th.Marker.Render("▶ ")
			lst = th.Key
		}
		v := th.Input.Render(value)
		if value == "" {
			v = th.Dim.Render(hint)
		}
		if i == 3 && t.editing {
			v = "[" + t.port.View(th) + "]" + th.Dim.Render("  editing — digits only; enter runs the trace, esc cancels")
		}
		return mark + lst.Render(fmt.Sprintf("%-12s", label)) + v
	}
	port := t.port.Value
	portHint := "press enter to type it"
	if !t.proto().HasPorts() {
		port = "(none for " + t.proto().String() + ")"
	}
	lines := []string{
		field(0, "source", t.fromLabel, "press enter to choose (fuzzy: name, ID, IP, internet)"),
		field(1, "destination", t.toLabel, "press enter to choose"),
		field(2, "protocol", t.proto().String(), ""),
		field(3, "port", port, portHint),
	}
	var status string
	switch {
	case t.running:
		status = th.Dim.Render("tracing…")
	case t.err != "":
		status = th.Bad.Render("✗ " + safe(t.err))
	case t.editing:
		status = th.Key.Render("type the port, then enter to see the path") + th.Dim.Render(" · esc cancels · ↑ other fields")
	case t.from != "" && t.to != "" && t.needPort():
		status = th.Key.Render("which port? enter on the port field to type it")
	case t.ans == nil:
		status = th.Dim.Render("choose a source and a destination; the trace runs by itself")
	default:
		status = th.Dim.Render("tab: form/result · enter on a hop: open its rule · b: blocking rule · p protocol · x swap")
	}
	lines = append(lines, status)
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, t.w, "…")
	}
	return strings.Join(lines, "\n")
}

// buildRows renders the answer as rows.
func (t *Model) buildRows() {
	th := t.s.Th
	var rows []list.Row
	add := func(text string) { rows = append(rows, list.Row{Text: text, Skip: true}) }
	t.header = t.header[:0]
	a, wi := t.current()
	if a == nil {
		if t.err == "" {
			add(th.Dim.Render("  " + t.tryHint()))
		}
		t.list.SetRows(rows)
		return
	}
	verdict := func(label string, x *reach.Answer) {
		sum := safe(x.Summary())
		for _, p := range []string{"blocked: ", "reachable: ", "unknown: "} {
			sum = strings.TrimPrefix(sum, p)
		}
		t.header = append(t.header, " "+th.Bold.Render(label)+th.AnswerMark(x)+"  "+sum)
	}
	if wi {
		t.header = append(t.header, " "+th.WhatIf.Render("WHAT-IF: computed on an in-memory copy with your edits; nothing was applied to AWS (U undoes)"))
		verdict("actual  ", t.ans)
		verdict("what-if ", t.wiAns)
	} else if t.oldAns != nil && t.s.Compare != nil {
		verdict("now     ", a)
	} else {
		verdict("", a)
	}
	if t.oldAns != nil && t.s.Compare != nil {
		verdict("before  ", t.oldAns)
	}
	if b := a.Blocked; b != nil {
		t.header = append(t.header, th.Dim.Render("   the ◆ hop decides · press b to open its rule ("+safe(string(b.Code))+")"))
	}
	for _, n := range []string{a.Query.Source.Note, a.Query.Dest.Note} {
		if n != "" {
			add(th.Dim.Render("  " + safe(n)))
		}
	}
	add(th.Section.Render(fmt.Sprintf("Forward path  %s → %s", endpointText(a.Query.Source), endpointText(a.Query.Dest))))
	rows = t.hopRows(rows, a.Forward, hopRow{whatIf: wi, path: reach.DirForward})
	add("")
	add(th.Section.Render("Return path"))
	switch {
	case len(a.Return) > 0:
		rows = t.hopRows(rows, a.Return, hopRow{whatIf: wi, path: reach.DirReturn})
	case a.Blocked != nil && a.Blocked.Direction == reach.DirForward:
		add(th.Dim.Render("  (none: the request does not arrive)"))
	}
	if len(a.Caveats) > 0 {
		add("")
		add(th.Warn.Render("Caveats"))
		for _, c := range a.Caveats {
			add("  - " + safe(c))
		}
	}
	rows = t.oldRows(rows)
	t.list.SetRows(rows)
}

// oldRows add the answer on the compared (older) snapshot below the
// current one, so that a change reads hop by hop on both sides.
func (t *Model) oldRows(rows []list.Row) []list.Row {
	c := t.s.Compare
	if c == nil || t.ans == nil {
		return rows
	}
	th := t.s.Th
	add := func(text string) { rows = append(rows, list.Row{Text: text, Skip: true}) }
	add("")
	title := "Before the change (" + safe(c.Name) + ")"
	if t.oldErr != "" {
		add(th.Section.Render(title))
		add(th.Dim.Render("  cannot ask the older snapshot: " + safe(t.oldErr)))
		return rows
	}
	o := t.oldAns
	if o == nil {
		return rows
	}
	sum := safe(o.Summary())
	for _, p := range []string{"blocked: ", "reachable: ", "unknown: "} {
		sum = strings.TrimPrefix(sum, p)
	}
	add(th.Section.Render(title) + "  " + th.AnswerMark(o) + "  " + th.Dim.Render(sum))
	add(th.Dim.Render("  forward"))
	rows = t.hopRows(rows, o.Forward, hopRow{path: reach.DirForward, old: true})
	if len(o.Return) > 0 {
		add(th.Dim.Render("  return"))
		rows = t.hopRows(rows, o.Return, hopRow{path: reach.DirReturn, old: true})
	}
	return rows
}

// hopRows renders hops; base says which answer and path they belong to.
func (t *Model) hopRows(rows []list.Row, hops []reach.Hop, base hopRow) []list.Row {
	th := t.s.Th
	wide := t.w >= 120 || t.s.Wide
	layerW, nameW := 15, 46
	if !wide {
		layerW, nameW = 6, 22
	}
	crossings := reach.Crossings(hops)
	for i, h := range hops {
		if c := crossings[i]; c.Crosses() {
			note := safe(c.String())
			rows = append(rows, list.Row{Text: th.Forward.Render("  ⇢ " + note), Plain: "  ⇢ " + note, Skip: true})
		}
		layer := safe(string(h.Layer))
		if !wide {
			layer = ShortLayer(h.Layer)
		}
		name := h.Name
		if name == "" || wide {
			if name != "" {
				name += " "
			}
			name += h.Resource
		}
		name = safe(name)
		stage, rule := safe(string(h.Stage)), safe(h.Rule)
		decisive := h.Verdict == reach.Deny || h.Verdict == reach.Unknown
		mark := h.Verdict.Mark()
		gutter := "  "
		if decisive {
			gutter = "◆ "
		}
		name = ansi.Truncate(name, nameW, "…")
		plain := fmt.Sprintf("%s%-10s %-*s %-*s %-8s %s", gutter, mark, layerW, layer, nameW, name, stage, rule)
		text := gutter + th.VerdictStyle(h.Verdict).Render(fmt.Sprintf("%-10s", mark)) +
			fmt.Sprintf(" %-*s %-*s %-8s ", layerW, layer, nameW, name, stage)
		if decisive {
			text = th.Decisive.Render(gutter) + text[len(gutter):] + th.Decisive.Render(rule)
		} else {
			text += rule
		}
		hr := base
		hr.hop, hr.idx = h, i
		rows = append(rows, list.Row{Text: text, Plain: plain, ID: h.Resource, Data: hr})
		if decisive {
			for _, l := range wrapLines(safe(h.Detail), t.w-14) {
				rows = append(rows, list.Row{Text: th.Dim.Render("             " + l), Skip: true})
			}
			if h.Packet != "" {
				rows = append(rows, list.Row{Text: th.Dim.Render("             packet: " + safe(h.Packet)), Skip: true})
			}
		}
	}
	return rows
}

// tryHint suggests a first trace: the demo's web-1a → db-1a where the
// snapshot has them, else how to start.
func (t *Model) tryHint() string {
	ix := t.s.W.Ix
	if len(ix.Find("web-1a")) == 1 && len(ix.Find("db-1a")) == 1 {
		return "Try: source web-1a, destination db-1a, tcp 3306 — then press b to see the rule that blocks it."
	}
	return "Choose a source and a destination (names, IDs, IPs or internet) and a port — then b shows the rule that blocks it."
}

func endpointText(e reach.Endpoint) string {
	var parts []string
	if e.Kind == "internet" {
		parts = append(parts, "internet")
	}
	if e.Name != "" {
		parts = append(parts, e.Name)
	} else if e.ID != "" {
		parts = append(parts, e.ID)
	}
	return safe(strings.Join(append(parts, e.IP), " "))
}

// ShortLayer abbreviates a layer for narrow terminals.
func ShortLayer(l reach.Layer) string {
	switch l {
	case reach.LayerSecurityGroup:
		return "SG"
	case reach.LayerNetworkACL:
		return "NACL"
	case reach.LayerRouteTable:
		return "route"
	case reach.LayerInternetGateway:
		return "IGW"
	case reach.LayerEgressOnlyIGW:
		return "EIGW"
	case reach.LayerNATGateway:
		return "NAT"
	case reach.LayerVPCPeering:
		return "peer"
	case reach.LayerTransitGateway:
		return "TGW"
	case reach.LayerVPCEndpoint:
		return "VPCE"
	case reach.LayerLoadBalancer:
		return "LB"
	case reach.LayerSourceDestCheck:
		return "srcdst"
	case reach.LayerInterface:
		return "ENI"
	case reach.LayerInternet:
		return "inet"
	case reach.LayerVPNGateway:
		return "VGW"
	}
	return string(l)
}

// wrapLines wraps plain text to width w.
func wrapLines(s string, w int) []string {
	if s == "" {
		return nil
	}
	w = max(20, w)
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		if line != "" && ansi.StringWidth(line)+1+ansi.StringWidth(word) > w {
			out = append(out, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	return append(out, line)
}
