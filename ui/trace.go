package ui

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
)

// traceView asks "can A reach B on P?": a form (source, destination,
// protocol, port) and the answer hop by hop, forward and return, with each
// layer's verdict and the deciding rule. Enter on a hop opens its resource
// on the rule; b jumps straight to the blocking rule. With what-if changes
// in effect it shows the answer for the real snapshot and for the what-if
// copy side by side.
type traceView struct {
	s         *session
	from, to  string
	fromLabel string
	toLabel   string
	protoIdx  int
	port      lineInput
	field     int // 0 from, 1 to, 2 protocol, 3 port
	// fresh: the next digit replaces the port instead of appending
	fresh      bool
	pane       int // 0 form, 1 result
	picker     *picker
	pickFor    int
	list       *lineList
	header     []string
	ans, wiAns *reach.Answer
	err        string
	seq        int
	running    bool
	cands      []candidate
	labels     []string
	w, h       int
}

var traceProtocols = []model.Protocol{model.ProtocolTCP, model.ProtocolUDP, model.ProtocolICMP, model.ProtocolAll}

// traceResultMsg carries an answer for the query with sequence seq.
type traceResultMsg struct {
	owner      view
	seq        int
	ans, wiAns *reach.Answer
	err        error
}

// hopRow is attached to rows that are hops.
type hopRow struct {
	hop    reach.Hop
	whatIf bool
}

// refreshMsg tells views that the what-if engine or the graph changed.
type refreshMsg struct{}

func newTraceView(s *session) *traceView {
	t := &traceView{s: s, list: newLineList(s.th)}
	t.port.value = "443"
	t.buildRows()
	return t
}

func (t *traceView) Crumbs() []string {
	c := []string{"Trace"}
	if t.from != "" || t.to != "" {
		c = append(c, fmt.Sprintf("%s → %s %s", orDash(t.s.w.crumbName(t.from)), orDash(t.s.w.crumbName(t.to)), t.service()))
	}
	return c
}

func orDash(s string) string {
	if s == "" {
		return "?"
	}
	return s
}

func (t *traceView) Keys() []key.Binding {
	return []key.Binding{keys.Up, keys.Down, keys.Pick, keys.NextPane, keys.Protocol, keys.Swap, keys.Run, keys.GoToRule, keys.Reset}
}

func (t *traceView) Selected() string {
	if t.pane == 1 {
		if r, ok := t.list.Current(); ok && r.id != "" {
			return r.id
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

func (t *traceView) Capturing() bool { return t.picker != nil || (t.pane == 0 && t.field == 3) }

func (t *traceView) SetFilter(f string) { t.list.SetFilter(f) }
func (t *traceView) Filter() string     { return t.list.Filter() }

func (t *traceView) NextPane(delta int) {
	if t.picker != nil {
		return
	}
	t.pane = 1 - t.pane
}

func (t *traceView) SetSize(w, h int) {
	if w != t.w {
		t.w = w
		t.buildRows()
	}
	t.h = h
	if t.picker != nil {
		t.picker.SetSize(w, h)
	}
}

func (t *traceView) proto() model.Protocol { return traceProtocols[t.protoIdx] }

func (t *traceView) service() string {
	if t.proto().HasPorts() {
		return t.proto().String() + "/" + strings.TrimSpace(t.port.value)
	}
	return t.proto().String()
}

// set fills the endpoints from outside (t / T keys, the palette).
func (t *traceView) set(from, to string) tea.Cmd {
	if from != "" {
		t.from, t.fromLabel = from, t.s.w.shortLabel(from)
	}
	if to != "" {
		t.to, t.toLabel = to, t.s.w.shortLabel(to)
	}
	switch {
	case t.from == "":
		t.field = 0
	case t.to == "":
		t.field = 1
	default:
		t.field = 3
	}
	t.pane = 0
	return t.run()
}

// setQuery fills the whole form.
func (t *traceView) setQuery(from, to string, p model.Protocol, port int) tea.Cmd {
	for i, x := range traceProtocols {
		if x == p {
			t.protoIdx = i
		}
	}
	if port > 0 {
		t.port.value = strconv.Itoa(port)
	}
	cmd := t.set(from, to)
	if t.from != "" && t.to != "" {
		t.pane = 1
	}
	return cmd
}

func (t *traceView) query() (reach.Query, error) {
	q := reach.Query{From: t.from, To: t.to, Protocol: t.proto()}
	if q.Protocol.HasPorts() {
		p, err := strconv.Atoi(strings.TrimSpace(t.port.value))
		if err != nil || p < 1 || p > 65535 {
			return q, fmt.Errorf("port %q: want 1-65535", t.port.value)
		}
		q.Port = p
	}
	return q, nil
}

// run starts the engine in a tea.Cmd when the form is complete.
func (t *traceView) run() tea.Cmd {
	if t.from == "" || t.to == "" {
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
	seq, eng, wiEng, owner := t.seq, t.s.w.eng, t.s.wiEng, view(t)
	if !t.s.whatIfActive() {
		wiEng = nil
	}
	return func() tea.Msg {
		a, err := eng.Reach(q)
		var wa *reach.Answer
		if err == nil && wiEng != nil {
			wa, _ = wiEng.Reach(q)
		}
		return traceResultMsg{owner: owner, seq: seq, ans: a, wiAns: wa, err: err}
	}
}

func (t *traceView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case refreshMsg:
		return t.run()
	case traceResultMsg:
		if msg.seq != t.seq {
			return nil
		}
		t.running = false
		t.ans, t.wiAns, t.err = msg.ans, msg.wiAns, ""
		if msg.err != nil {
			t.err = msg.err.Error()
		}
		t.buildRows()
		if t.ans != nil {
			if !(t.pane == 0 && t.field == 3) {
				t.pane = 1
			}
			t.selectBlocking()
		}
	case pickerResultMsg:
		if t.picker != nil {
			t.picker.Update(msg)
		}
	case pickedMsg:
		t.picker = nil
		if msg.cancelled {
			return nil
		}
		if t.pickFor == 0 {
			t.from, t.fromLabel = msg.spec, t.s.w.shortLabel(msg.spec)
			if t.to == "" {
				t.field = 1
				return t.openPicker()
			}
		} else {
			t.to, t.toLabel = msg.spec, t.s.w.shortLabel(msg.spec)
			t.field, t.fresh = 3, t.proto().HasPorts()
			if !t.fresh {
				t.field = 2
			}
		}
		return t.run()
	case tea.KeyMsg:
		if t.picker != nil {
			cmd := t.picker.Update(msg)
			if d := t.picker.done; d != nil {
				return t.Update(*d)
			}
			return cmd
		}
		if t.pane == 0 {
			return t.updateForm(msg)
		}
		return t.updateResult(msg)
	}
	return nil
}

func (t *traceView) updateForm(msg tea.KeyMsg) tea.Cmd {
	switch {
	case msg.Type == tea.KeyUp || (t.field != 3 && key.Matches(msg, keys.Up)):
		t.field = (t.field + 3) % 4
	case msg.Type == tea.KeyDown || (t.field != 3 && key.Matches(msg, keys.Down)):
		t.field = (t.field + 1) % 4
	case t.field == 3 && (msg.Type == tea.KeyEsc || msg.Type == tea.KeyTab || msg.Type == tea.KeyEnter):
		t.fresh = false
		if msg.Type == tea.KeyEsc {
			t.field = 0
		}
		if t.ans != nil || msg.Type != tea.KeyEsc {
			t.pane = 1
		}
		return t.run()
	case key.Matches(msg, keys.Open):
		switch t.field {
		case 0, 1:
			return t.openPicker()
		case 2:
			t.protoIdx = (t.protoIdx + 1) % len(traceProtocols)
		}
		return t.run()
	case t.field != 3 && key.Matches(msg, keys.Protocol):
		t.protoIdx = (t.protoIdx + 1) % len(traceProtocols)
		return t.run()
	case t.field != 3 && key.Matches(msg, keys.Swap):
		t.from, t.to, t.fromLabel, t.toLabel = t.to, t.from, t.toLabel, t.fromLabel
		return t.run()
	case t.field != 3 && key.Matches(msg, keys.Run):
		return t.run()
	case t.ans != nil && key.Matches(msg, keys.GoToRule):
		// The hint under a blocked answer says "press b": honour it from
		// the form too (the port field takes digits only, so b is free).
		if h, ok := t.blockingHop(); ok {
			t.fresh, t.pane = false, 1
			return t.s.send(t.openHop(h))
		}
		return flash("nothing blocks this flow")
	case t.field == 3:
		if msg.Type == tea.KeyRunes {
			for _, r := range msg.Runes {
				if r < '0' || r > '9' {
					return nil
				}
			}
			if t.fresh {
				t.port.value = ""
			}
		}
		t.fresh = false
		if t.port.Update(msg) {
			return t.run()
		}
	}
	return nil
}

func (t *traceView) openPicker() tea.Cmd {
	if t.cands == nil {
		t.cands = t.s.w.endpoints()
		t.labels = make([]string, len(t.cands))
		for i, c := range t.cands {
			t.labels[i] = c.label
		}
	}
	title := "Trace source"
	t.pickFor = t.field
	if t.field == 1 {
		title = "Trace destination"
	}
	p, cmd := newPicker(t.s.th, title, t.cands, t.labels)
	t.picker = p
	p.SetSize(t.w, t.h)
	return cmd
}

func (t *traceView) updateResult(msg tea.KeyMsg) tea.Cmd {
	if t.list.HandleMove(msg) {
		return nil
	}
	switch {
	case key.Matches(msg, keys.Open):
		r, ok := t.list.Current()
		if !ok {
			return nil
		}
		if h, ok := r.data.(hopRow); ok {
			return t.s.send(t.openHop(h))
		}
		if r.id != "" {
			return t.s.send(openMsg{id: r.id})
		}
	case key.Matches(msg, keys.GoToRule):
		if h, ok := t.blockingHop(); ok {
			return t.s.send(t.openHop(h))
		}
		return flash("nothing blocks this flow")
	case key.Matches(msg, keys.Protocol):
		t.protoIdx = (t.protoIdx + 1) % len(traceProtocols)
		return t.run()
	case key.Matches(msg, keys.Swap):
		t.from, t.to, t.fromLabel, t.toLabel = t.to, t.from, t.toLabel, t.fromLabel
		return t.run()
	case key.Matches(msg, keys.Run):
		return t.run()
	case key.Matches(msg, keys.Reset):
		return t.s.send(whatIfMsg{op: wiReset})
	}
	return nil
}

// current is the answer on screen: the what-if one when changes are in effect.
func (t *traceView) current() (*reach.Answer, bool) {
	if t.wiAns != nil {
		return t.wiAns, true
	}
	return t.ans, false
}

// blockingHop returns the hop that decided a blocked answer.
func (t *traceView) blockingHop() (hopRow, bool) {
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

func (t *traceView) selectBlocking() {
	h, ok := t.blockingHop()
	if !ok {
		return
	}
	t.list.Select(func(r row) bool {
		x, ok := r.data.(hopRow)
		return ok && x.hop.Resource == h.hop.Resource && x.hop.Verdict == h.hop.Verdict && x.hop.Stage == h.hop.Stage
	})
	if t.list.cursor < t.list.height-4 {
		t.list.offset = 0
	}
}

// openHop opens the hop's resource, landing on the rule that decided.
func (t *traceView) openHop(h hopRow) openMsg {
	m := openMsg{id: h.hop.Resource}
	if h.hop.Ref == nil {
		return m
	}
	ref := *h.hop.Ref
	if h.whatIf && ref.Index >= 0 {
		ref.Index = t.s.ov.Position(h.hop.Resource, edit.List(ref.Kind), ref.Index)
	}
	hop := h.hop
	m.focus = &ruleFocus{ref: ref, hop: &hop, query: t.flow(hop)}
	for _, n := range hop.Near {
		if h.whatIf {
			n.Index = t.s.ov.Position(cmp.Or(n.Resource, h.hop.Resource), edit.List(n.Kind), n.Index)
		}
		m.focus.near = append(m.focus.near, n)
	}
	return m
}

// flow describes the traced flow for the detail view.
func (t *traceView) flow(h reach.Hop) *flowDesc {
	a, _ := t.current()
	if a == nil {
		return nil
	}
	q, _ := t.query()
	f := &flowDesc{proto: q.Protocol, port: q.Port, srcIP: a.Query.Source.IP, dstIP: a.Query.Dest.IP}
	if n := t.s.w.ix.Interface(a.Query.Source.Interface); n != nil {
		f.srcGroups, f.srcVPC = n.SecurityGroupIDs, n.VPCID
	}
	if n := t.s.w.ix.Interface(a.Query.Dest.Interface); n != nil {
		f.dstGroups, f.dstVPC = n.SecurityGroupIDs, n.VPCID
	}
	for _, r := range a.Return {
		if r.Resource == h.Resource && r.Stage == h.Stage && r.Rule == h.Rule && r.Packet == h.Packet {
			f.returnPath = true
		}
	}
	return f
}

func (t *traceView) View() string {
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
func (t *traceView) compactForm() string {
	th := t.s.th
	line := "  " + th.bold.Render(orDash(t.fromLabel)) + th.dim.Render("  →  ") + th.bold.Render(orDash(t.toLabel)) +
		"   " + th.input.Render(t.service()) + th.dim.Render("    (tab: edit the query)")
	return ansi.Truncate(line, t.w, "…")
}

func (t *traceView) formView() string {
	th := t.s.th
	field := func(i int, label, value, hint string) string {
		mark := "  "
		lst := th.inputLabel
		if t.pane == 0 && t.field == i {
			mark = th.marker.Render("▶ ")
			lst = th.key
		}
		v := th.input.Render(value)
		if value == "" {
			v = th.dim.Render(hint)
		}
		if i == 3 && t.pane == 0 && t.field == 3 {
			v = t.port.View(th)
		}
		return mark + lst.Render(fmt.Sprintf("%-12s", label)) + v
	}
	port := t.port.value
	if !t.proto().HasPorts() {
		port = "(none for " + t.proto().String() + ")"
	}
	lines := []string{
		field(0, "source", t.fromLabel, "press enter to choose (fuzzy: name, ID, IP, internet)"),
		field(1, "destination", t.toLabel, "press enter to choose"),
		field(2, "protocol", t.proto().String(), ""),
		field(3, "port", port, ""),
	}
	var status string
	switch {
	case t.running:
		status = th.dim.Render("tracing…")
	case t.err != "":
		status = th.bad.Render("✗ " + t.err)
	case t.pane == 0 && t.field == 3:
		status = th.key.Render("type the port, then enter to see the path") + th.dim.Render(" · ↑ other fields")
	case t.ans == nil:
		status = th.dim.Render("choose a source and a destination; the trace runs by itself")
	default:
		status = th.dim.Render("tab: form/result · enter on a hop: open its rule · b: blocking rule · p protocol · x swap")
	}
	lines = append(lines, status)
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, t.w, "…")
	}
	return strings.Join(lines, "\n")
}

// buildRows renders the answer as rows.
func (t *traceView) buildRows() {
	th := t.s.th
	var rows []row
	add := func(text, plain string) { rows = append(rows, row{text: text, plain: plain, skip: true}) }
	t.header = t.header[:0]
	a, wi := t.current()
	if a == nil {
		if t.err == "" {
			add(th.dim.Render("  Try: source web-1a, destination db-1a, tcp 3306 — then press b to see the rule that blocks it."), "")
		}
		t.list.SetRows(rows)
		return
	}
	verdict := func(label string, x *reach.Answer) {
		sum := safe(x.Summary())
		for _, p := range []string{"blocked: ", "reachable: ", "unknown: "} {
			sum = strings.TrimPrefix(sum, p)
		}
		t.header = append(t.header, " "+th.bold.Render(label)+t.s.th.answerMark(x)+"  "+sum)
	}
	if wi {
		t.header = append(t.header, " "+th.whatIf.Render("WHAT-IF: computed on an in-memory copy with your edits; nothing was applied to AWS (U undoes)"))
		verdict("actual  ", t.ans)
		verdict("what-if ", t.wiAns)
	} else {
		verdict("", a)
	}
	if b := a.Blocked; b != nil {
		t.header = append(t.header, th.dim.Render("   the ◆ hop decides · press b to open its rule ("+safe(string(b.Code))+")"))
	}
	for _, n := range []string{a.Query.Source.Note, a.Query.Dest.Note} {
		if n != "" {
			add(th.dim.Render("  "+safe(n)), "")
		}
	}
	add(th.section.Render(fmt.Sprintf("Forward path  %s → %s", endpointText(a.Query.Source), endpointText(a.Query.Dest))), "")
	rows = t.hopRows(rows, a.Forward, wi)
	add("", "")
	add(th.section.Render("Return path"), "")
	switch {
	case len(a.Return) > 0:
		rows = t.hopRows(rows, a.Return, wi)
	case a.Blocked != nil && a.Blocked.Direction == reach.DirForward:
		add(th.dim.Render("  (none: the request does not arrive)"), "")
	}
	if len(a.Caveats) > 0 {
		add("", "")
		add(th.warn.Render("Caveats"), "")
		for _, c := range a.Caveats {
			add("  - "+safe(c), "")
		}
	}
	t.list.SetRows(rows)
}

func (t *traceView) hopRows(rows []row, hops []reach.Hop, wi bool) []row {
	th := t.s.th
	wide := t.w >= 120
	layerW, nameW := 15, 46
	if !wide {
		layerW, nameW = 6, 22
	}
	for _, h := range hops {
		layer := safe(string(h.Layer))
		if !wide {
			layer = shortLayer(h.Layer)
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
		text := gutter + th.verdictStyle(h.Verdict).Render(fmt.Sprintf("%-10s", mark)) +
			fmt.Sprintf(" %-*s %-*s %-8s ", layerW, layer, nameW, name, stage)
		if decisive {
			text = th.decisive.Render(gutter) + text[len(gutter):] + th.decisive.Render(rule)
		} else {
			text += rule
		}
		rows = append(rows, row{text: text, plain: plain, id: h.Resource, data: hopRow{hop: h, whatIf: wi}})
		if decisive {
			for _, l := range wrapLines(safe(h.Detail), t.w-14) {
				rows = append(rows, row{text: th.dim.Render("             " + l), skip: true})
			}
			if h.Packet != "" {
				rows = append(rows, row{text: th.dim.Render("             packet: " + safe(h.Packet)), skip: true})
			}
		}
	}
	return rows
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

// portNumber returns the form's port, if it is one.
func (t *traceView) portNumber() (int, bool) {
	p, err := strconv.Atoi(strings.TrimSpace(t.port.value))
	return p, err == nil && p > 0 && p < 65536
}

// shortLayer abbreviates a layer for narrow terminals.
func shortLayer(l reach.Layer) string {
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

func (m traceResultMsg) ownerView() view { return m.owner }
