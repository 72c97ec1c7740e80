package ui

import (
	"fmt"
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/reach"
)

// exposureView lists everything reachable from the internet, with the
// rule that opens it. The report is computed once, in the background.
type exposureView struct {
	s    *session
	list *lineList
	w    int
}

func newExposureView(s *session) *exposureView {
	e := &exposureView{s: s, list: newLineList(s.th)}
	e.build()
	return e
}

func (e *exposureView) Crumbs() []string    { return []string{"Exposure"} }
func (e *exposureView) Keys() []key.Binding { return append(keys.moveHelp(), keys.WhoCanReach) }
func (e *exposureView) SetSize(w, h int)    { e.w = w; e.list.SetSize(w, h); e.build() }
func (e *exposureView) View() string        { return e.list.View(true) }
func (e *exposureView) SetFilter(f string)  { e.list.SetFilter(f) }
func (e *exposureView) Filter() string      { return e.list.Filter() }

func (e *exposureView) Selected() string {
	if r, ok := e.list.Current(); ok {
		return r.id
	}
	return ""
}

func (e *exposureView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case refreshMsg:
		e.build()
	case tea.KeyMsg:
		if e.list.HandleMove(msg) {
			return nil
		}
		if key.Matches(msg, keys.Open) {
			if r, ok := e.list.Current(); ok && r.id != "" {
				return e.s.send(openMsg{id: r.id})
			}
		}
	}
	return nil
}

func (e *exposureView) build() {
	th := e.s.th
	rep := e.s.w.exposure
	var rows []row
	text := func(s string) { rows = append(rows, row{text: s, skip: true}) }
	text(th.section.Render("Reachable from the internet") + th.dim.Render("  (enter opens · w who can reach it · computed on the real snapshot)"))
	if rep == nil {
		text(th.dim.Render("  checking every public address and internet-facing load balancer…"))
		e.list.SetRows(rows)
		return
	}
	if len(rep.Exposed) == 0 {
		text(th.ok.Render("  ✓ nothing in this snapshot is reachable from the internet"))
	}
	ipw := 15
	for _, x := range rep.Exposed {
		ipw = max(ipw, len(x.PublicIP))
	}
	if e.w < 120 {
		ipw = 15
	}
	hdr := fmt.Sprintf("  %-24s %-*s %-12s %-24s %s", "resource", ipw, "public ip", "open", "from", "opened by")
	rows = append(rows, row{text: th.header.Render(hdr), plain: hdr, skip: true})
	for _, x := range rep.Exposed {
		name := x.Name
		if name == "" {
			name = x.ID
		}
		if x.Instance != "" {
			name = e.s.w.shortID(x.Instance)
		}
		open := x.Protocol
		if x.Ports != "" {
			open += "/" + x.Ports
		}
		cols := safe(fmt.Sprintf("%-24s %-*s %-12s %-24s %s", ansi.Truncate(safe(name), 24, "…"), ipw, ansi.Truncate(safe(x.PublicIP), ipw, "…"), open, x.SourceSummary, x.Rule))
		rows = append(rows, row{text: " " + th.warn.Render("!") + " " + cols, plain: " ! " + cols, id: x.ID})
	}
	for _, c := range rep.Caveats {
		text(th.unknown.Render("  ? " + safe(c)))
	}
	e.list.SetRows(rows)
}

// whoView answers "who can reach this resource on this port?" and shows
// its internet exposure.
type whoView struct {
	s        *session
	id       string
	port     lineInput
	protoIdx int
	editing  bool
	list     *lineList
	ans      *reach.WhoAnswer
	err      string
	seq      int
	running  bool
	w, h     int
	// usedEng is the engine the answer came from: the what-if copy's
	// while a what-if is in force.
	usedEng *reach.Engine
}

type whoResultMsg struct {
	owner view
	seq   int
	ans   *reach.WhoAnswer
	err   error
}

func newWhoView(s *session, id string, port int) (*whoView, tea.Cmd) {
	v := &whoView{s: s, id: id, list: newLineList(s.th)}
	if port <= 0 {
		port = 443
	}
	v.port.value = strconv.Itoa(port)
	return v, v.run()
}

func (v *whoView) Crumbs() []string {
	return []string{"Who can reach", v.s.w.shortID(v.id), v.service()}
}

func (v *whoView) service() string {
	p := traceProtocols[v.protoIdx]
	if p.HasPorts() {
		return p.String() + "/" + v.port.value
	}
	return p.String()
}

func (v *whoView) Keys() []key.Binding {
	return append(keys.moveHelp(), key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit port")), keys.Protocol)
}

func (v *whoView) Selected() string {
	if r, ok := v.list.Current(); ok && r.id != "" {
		return r.id
	}
	return v.id
}

func (v *whoView) Capturing() bool    { return v.editing }
func (v *whoView) SetFilter(f string) { v.list.SetFilter(f) }
func (v *whoView) Filter() string     { return v.list.Filter() }

func (v *whoView) SetSize(w, h int) {
	v.w, v.h = w, h
	v.list.SetSize(w, max(1, h-2))
}

func (v *whoView) run() tea.Cmd {
	p := traceProtocols[v.protoIdx]
	q := reach.WhoQuery{To: v.id, Protocol: p}
	if p.HasPorts() {
		n, err := strconv.Atoi(v.port.value)
		if err != nil || n < 1 || n > 65535 {
			v.err = "port: want 1-65535"
			return nil
		}
		q.Port = n
	}
	v.seq++
	v.running, v.err = true, ""
	seq, eng, owner := v.seq, v.engine(), view(v)
	v.usedEng = eng
	return func() tea.Msg {
		a, err := eng.WhoCanReach(q)
		return whoResultMsg{owner: owner, seq: seq, ans: a, err: err}
	}
}

func (v *whoView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case whoResultMsg:
		if msg.seq != v.seq {
			return nil
		}
		v.running, v.ans = false, msg.ans
		if msg.err != nil {
			v.err = msg.err.Error()
		}
		v.build()
	case refreshMsg:
		if v.ans != nil && v.engine() != v.usedEng {
			return v.run() // a what-if began, changed or ended
		}
		v.build()
	case tea.KeyMsg:
		if v.editing {
			switch {
			case msg.Type == tea.KeyEnter || msg.Type == tea.KeyEsc:
				v.editing = false
				return v.run()
			case msg.Type == tea.KeyRunes && (msg.Runes[0] < '0' || msg.Runes[0] > '9'):
			default:
				v.port.Update(msg)
			}
			return nil
		}
		if v.list.HandleMove(msg) {
			return nil
		}
		switch {
		case msg.String() == "e":
			v.editing = true
		case key.Matches(msg, keys.Protocol):
			v.protoIdx = (v.protoIdx + 1) % len(traceProtocols)
			return v.run()
		case key.Matches(msg, keys.Open):
			if r, ok := v.list.Current(); ok && r.id != "" {
				return v.s.send(openMsg{id: r.id})
			}
		}
	}
	return nil
}

// engine returns the engine to ask: the what-if copy's while a what-if is
// in force and built, else the snapshot's.
func (v *whoView) engine() *reach.Engine {
	if v.s.whatIfActive() && v.s.wiEng != nil {
		return v.s.wiEng
	}
	return v.s.w.eng
}

func (v *whoView) View() string {
	th := v.s.th
	port := th.input.Render(v.port.value)
	if v.editing {
		port = v.port.View(th)
	}
	head := th.title.Render("Who can reach ") + th.bold.Render(v.s.w.label(v.id)) + "  on " +
		th.input.Render(traceProtocols[v.protoIdx].String()) + " port " + port
	if v.usedEng != nil && v.usedEng != v.s.w.eng {
		head += "  " + th.whatIf.Render("WHAT-IF (in memory)")
	}
	status := th.dim.Render("e edit port · p protocol · enter opens a source")
	switch {
	case v.running:
		status = th.dim.Render("computing…")
	case v.err != "":
		status = th.bad.Render("✗ " + v.err)
	}
	return truncate(head, v.w) + "\n" + truncate(status, v.w) + "\n" + v.list.View(true)
}

func (v *whoView) build() {
	th := v.s.th
	var rows []row
	text := func(s string) { rows = append(rows, row{text: s, skip: true}) }
	text(th.section.Render("Internet exposure"))
	switch ex := exposureFor(v.s.w.exposure, v.id); {
	case v.s.w.exposure == nil:
		text(th.dim.Render("  checking…"))
	case len(ex) == 0:
		text(th.ok.Render("  ✓ not reachable from the internet"))
	default:
		for _, x := range ex {
			open := x.Protocol
			if x.Ports != "" {
				open += "/" + x.Ports
			}
			text(th.warn.Render("  ! ") + safe(fmt.Sprintf("%s %s from %s — %s", x.PublicIP, open, x.SourceSummary, x.Rule)))
		}
	}
	text("")
	a := v.ans
	if a == nil {
		v.list.SetRows(rows)
		return
	}
	text(th.dim.Render("admitted by its security groups and network ACL: " + safe(a.AdmittedSummary)))
	text("")
	text(th.section.Render(fmt.Sprintf("Can reach (%d)", len(a.Sources))))
	for _, s := range a.Sources {
		mark := th.ok.Render("✓")
		if s.Verdict == reach.VerdictUnknown {
			mark = th.unknown.Render("?")
		}
		plain := "  ✓ " + sourceText(v.s.w, s)
		rows = append(rows, row{text: "  " + mark + " " + sourceText(v.s.w, s), plain: plain, id: s.ID})
	}
	if len(a.Blocked) > 0 {
		text("")
		text(th.section.Render(fmt.Sprintf("Admitted, but blocked on the way (%d)", len(a.Blocked))))
		for _, s := range a.Blocked {
			plain := "  ✗ " + sourceText(v.s.w, s)
			rows = append(rows, row{text: "  " + th.bad.Render("✗") + " " + sourceText(v.s.w, s), plain: plain, id: s.ID})
			if s.Blocked != nil {
				text(th.dim.Render("      " + safe(string(s.Blocked.Layer)+" "+s.Blocked.Resource+": "+s.Blocked.Reason)))
			}
		}
	}
	for _, c := range a.Caveats {
		text(th.unknown.Render("  ? " + safe(c)))
	}
	v.list.SetRows(rows)
}

// sourceText renders a who-can-reach source on one line, made safe.
func sourceText(w *world, s reach.Source) string { return safe(sourceLine(w, s)) }

func sourceLine(w *world, s reach.Source) string {
	switch s.Kind {
	case "internet":
		return "the internet (" + s.Summary + ")  admitted by " + s.AdmittedBy
	case "addresses":
		return s.Summary + "  (no interface in the snapshot)  admitted by " + s.AdmittedBy
	}
	name := s.Name
	if s.Instance != "" {
		name = w.shortID(s.Instance)
	}
	if name == "" {
		name = s.ID
	}
	sub := ""
	if s.Subnet != "" {
		sub = " in " + w.shortID(s.Subnet)
	}
	return fmt.Sprintf("%s %s%s  admitted by %s", name, joinN(s.IPs, 2), sub, s.AdmittedBy)
}

func (m whoResultMsg) ownerView() view { return m.owner }
