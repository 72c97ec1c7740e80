// Package flowlogs is the explorer's flow-log view: VPC Flow Logs read
// from a file or folder (in the background) and judged by
// reach/flowexplain as `vpcscope flowlogs explain` judges them — each
// flow (interface, 5-tuple, direction, action) agrees with the
// configuration, disagrees with it, or is unknown — in a sortable,
// filterable table. Enter opens the flow's trace on the hop that decided
// it, b the rule that decided it; after a what-if edit the view judges
// the flows again on the what-if copy and says which would now get
// through or be blocked.
package flowlogs

import (
	"context"
	"fmt"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/flowlog"
	"github.com/vpcscope/vpcscope/model/present"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/flowexplain"
	"github.com/vpcscope/vpcscope/ui/component/list"
	"github.com/vpcscope/vpcscope/ui/component/table"
	"github.com/vpcscope/vpcscope/ui/keys"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/world"
)

var (
	_ view.Filterable = (*Model)(nil)
	_ view.Filtering  = (*Model)(nil)
)

var safe = world.Safe

// Model is the flow-log view.
type Model struct {
	s    *view.Session
	path string
	// loading is the load in flight (its sequence), 0 when none.
	loading int
	seq     int
	c       *flowexplain.Collector
	stats   flowlog.Stats
	rep     *flowexplain.Report
	problem string
	// wi is the report on the what-if copy, for the what-if sequence
	// wiSeq; wiRunning while it is computed.
	wi        *flowexplain.Report
	wiSeq     int
	wiRunning bool
	wiByKey   map[flowKey]*flowexplain.Flow
	tbl       *table.Model
	// top puts the cursor on the first row once the sort lands (a new
	// table, nothing selected yet).
	top     bool
	sortCol int
	desc    bool
	w, h    int
}

// flowKey identifies a flow across two reports.
type flowKey struct {
	eni, dir, proto, action string
	src, dst                netip.Addr
	sport, dport            int
}

func keyOf(f *flowexplain.Flow) flowKey {
	return flowKey{f.Interface, f.Direction, f.Protocol, f.Action, f.Src, f.Dst, f.SrcPort, f.DstPort}
}

// loadedMsg carries the flows read and judged.
type loadedMsg struct {
	seq     int
	c       *flowexplain.Collector
	stats   flowlog.Stats
	rep     *flowexplain.Report
	err     error
	problem string
}

// judgedMsg carries the flows judged on the what-if copy.
type judgedMsg struct {
	seq int
	rep *flowexplain.Report
}

// New builds the flow-log view with nothing read yet.
func New(s *view.Session) *Model { return &Model{s: s, sortCol: colRecords, desc: true} }

// The table's columns.
const (
	colMark = iota
	colAction
	colDir
	colProto
	colSrc
	colDst
	colRecords
	colDecided
	colInterface
	colWhatIf
)

// Crumbs implements view.View.
func (m *Model) Crumbs() []string {
	c := []string{"Flow logs"}
	if m.path != "" {
		c = append(c, filepath.Base(m.path))
	}
	return c
}

// Keys implements view.View.
func (m *Model) Keys() []key.Binding {
	open := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "trace the flow (deciding hop)"))
	rule := key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "the rule that decided"))
	return append(keys.MoveHelp()[:6], open, rule, keys.Sort, keys.Reverse, keys.ScrollLeft, keys.ScrollRight)
}

// Selected implements view.View: the interface of the flow under the
// cursor.
func (m *Model) Selected() string {
	if f := m.current(); f != nil {
		return f.Interface
	}
	return ""
}

// Busy implements view.Busy.
func (m *Model) Busy() bool {
	return m.loading != 0 || m.wiRunning || m.tbl != nil && (m.tbl.Sorting() || m.tbl.List.Filtering())
}

// SetFilter implements view.Filterable.
func (m *Model) SetFilter(f string) tea.Cmd {
	if m.tbl != nil {
		return view.To(m, m.tbl.List.FilterCmd(f))
	}
	return nil
}

// Filtering implements view.Filtering.
func (m *Model) Filtering() bool { return m.tbl != nil && m.tbl.List.Filtering() }

// Filter implements view.Filterable.
func (m *Model) Filter() string {
	if m.tbl != nil {
		return m.tbl.List.Filter()
	}
	return ""
}

// SetSize implements view.View.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	if m.tbl != nil {
		m.tbl.SetSize(w, max(1, h-m.headLines()))
	}
}

// Report returns the flows judged, nil until they are read.
func (m *Model) Report() *flowexplain.Report { return m.rep }

// Load reads a file or folder of flow logs in the background and judges
// its flows with the snapshot's engine.
func (m *Model) Load(path string) tea.Cmd {
	m.seq++
	m.loading, m.path, m.problem = m.seq, path, ""
	seq, eng := m.seq, m.s.W.Eng
	return view.To(m, func() tea.Msg {
		first, problems := "", 0
		c := flowexplain.NewCollector()
		sc := flowlog.NewScanner(flowlog.Options{OnError: func(err error) {
			if problems++; problems == 1 {
				first = err.Error()
			}
		}}, c.Add)
		if err := sc.Paths(context.Background(), path); err != nil {
			return loadedMsg{seq: seq, err: err}
		}
		st := sc.Stats()
		if st.Records == 0 && st.NoData == 0 && st.SkipData == 0 {
			if first != "" {
				return loadedMsg{seq: seq, err: fmt.Errorf("%s", first)}
			}
			return loadedMsg{seq: seq, err: fmt.Errorf("no flow-log records in %s", path)}
		}
		p := ""
		if problems > 0 {
			p = fmt.Sprintf("skipped %d malformed line(s) or unreadable file(s); the first: %s", problems, first)
		}
		return loadedMsg{seq: seq, c: c, stats: st, rep: flowexplain.Explain(eng, c, st), problem: p}
	})
}

// Update implements view.View.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case view.FlowLogs:
		if msg.Path != "" {
			return m.Load(msg.Path)
		}
	case loadedMsg:
		if msg.seq != m.loading {
			return nil
		}
		m.loading = 0
		if msg.err != nil {
			if m.rep == nil {
				m.path = ""
			}
			return view.Cmd(view.Flash{Text: "flow logs: " + oneLine(msg.err.Error()), Err: true})
		}
		m.c, m.stats, m.rep, m.problem = msg.c, msg.stats, msg.rep, msg.problem
		m.wi, m.wiByKey, m.wiSeq = nil, nil, 0
		cmds := []tea.Cmd{m.build(), m.rejudge()}
		if m.problem != "" {
			cmds = append(cmds, view.Cmd(view.Flash{Text: "flow logs: " + oneLine(m.problem), Err: true}))
		}
		return tea.Batch(cmds...)
	case judgedMsg:
		m.wiRunning = false
		if msg.seq != m.s.WhatIfSeq {
			return m.rejudge()
		}
		m.wi, m.wiSeq = msg.rep, msg.seq
		m.wiByKey = map[flowKey]*flowexplain.Flow{}
		for i := range msg.rep.Flows {
			f := &msg.rep.Flows[i]
			m.wiByKey[keyOf(f)] = f
		}
		return m.build()
	case view.Refresh:
		return m.rejudge()
	case list.FilteredMsg:
		msg.List().Landed(msg)
	case table.SortedMsg:
		msg.Table().Landed(msg)
		if m.top && msg.Table() == m.tbl && !m.tbl.Sorting() {
			m.top = false
			m.tbl.List.SetCursor(0)
			m.tbl.List.SetOffset(0)
		}
	case tea.KeyMsg:
		return m.key(msg)
	}
	return nil
}

// rejudge judges the flows again on the what-if copy once it is built,
// or drops the what-if judgement when no edit is in effect.
func (m *Model) rejudge() tea.Cmd {
	if m.rep == nil {
		return nil
	}
	if !m.s.WhatIfActive() {
		if m.wi != nil {
			m.wi, m.wiByKey, m.wiSeq = nil, nil, 0
			return m.build()
		}
		return nil
	}
	if m.s.WhatIfEng == nil || m.wiSeq == m.s.WhatIfSeq && m.wi != nil || m.wiRunning {
		return nil
	}
	seq, eng, c, st := m.s.WhatIfSeq, m.s.WhatIfEng, m.c, m.stats
	m.wiRunning = true
	return view.To(m, func() tea.Msg { return judgedMsg{seq: seq, rep: flowexplain.Explain(eng, c, st)} })
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	if m.tbl == nil {
		return nil
	}
	if m.tbl.List.HandleMove(msg) {
		return nil
	}
	switch {
	case key.Matches(msg, keys.Open):
		return m.trace()
	case key.Matches(msg, keys.GoToRule):
		return m.rule()
	case key.Matches(msg, keys.Sort):
		cmd := m.tbl.NextSort()
		m.sortCol, m.desc = m.tbl.SortColumn()
		return view.To(m, cmd)
	case key.Matches(msg, keys.Reverse):
		cmd := m.tbl.Reverse()
		m.sortCol, m.desc = m.tbl.SortColumn()
		return view.To(m, cmd)
	case key.Matches(msg, keys.ScrollRight):
		m.tbl.ScrollX(8)
	case key.Matches(msg, keys.ScrollLeft):
		m.tbl.ScrollX(-8)
	}
	return nil
}

// current returns the flow under the cursor.
func (m *Model) current() *flowexplain.Flow {
	if m.tbl == nil || m.rep == nil {
		return nil
	}
	r, ok := m.tbl.List.Current()
	if !ok {
		return nil
	}
	i, err := strconv.Atoi(r.ID)
	if err != nil || i < 0 || i >= len(m.rep.Flows) {
		return nil
	}
	return &m.rep.Flows[i]
}

// trace opens the flow's trace, landing on the hop that decided it.
func (m *Model) trace() tea.Cmd {
	f := m.current()
	if f == nil {
		return nil
	}
	a := f.Answer
	if a == nil {
		return view.Cmd(view.Flash{Text: "no trace for this flow: " + oneLine(f.Reason), Err: true})
	}
	p, _ := model.ParseProtocol(a.Query.Protocol)
	t := view.Trace{From: a.Query.From, To: a.Query.To, Protocol: p}
	if a.Query.Port != nil {
		t.Port = *a.Query.Port
	}
	if a.Query.SourcePort != nil {
		t.SourcePort = *a.Query.SourcePort
	}
	if d := f.Decided; d != nil && d.Hop >= 0 {
		t.Select = &view.HopAt{Path: d.Path, Index: d.Hop}
	}
	return m.s.Send(t)
}

// rule opens the resource whose rule decided the flow, on that rule.
func (m *Model) rule() tea.Cmd {
	f := m.current()
	if f == nil {
		return nil
	}
	d := f.Decided
	if d == nil || d.Resource == "" {
		return view.Cmd(view.Flash{Text: "no rule decided this flow: " + oneLine(f.Reason)})
	}
	open := view.Open{ID: d.Resource}
	if d.Ref == nil {
		return m.s.Send(open)
	}
	open.Focus = &view.RuleFocus{Ref: *d.Ref, Flow: m.flowOf(f)}
	if a := f.Answer; a != nil && d.Hop >= 0 {
		path := a.Forward
		if d.Path == reach.DirReturn {
			path = a.Return
		}
		if d.Hop < len(path) {
			h := path[d.Hop]
			open.Focus.Hop = &h
			open.Focus.Near = h.Near
		}
	} else if a != nil && a.Blocked != nil {
		open.Focus.Hop = &reach.Hop{Resource: d.Resource, Ref: d.Ref, Rule: d.Rule, Verdict: reach.Deny, Detail: a.Blocked.Reason, Near: a.Blocked.Near}
		open.Focus.Near = a.Blocked.Near
	}
	return m.s.Send(open)
}

// flowOf describes the flow's engine question for the detail view (near
// misses, what-if suggestions).
func (m *Model) flowOf(f *flowexplain.Flow) *view.Flow {
	a := f.Answer
	if a == nil {
		return nil
	}
	p, _ := model.ParseProtocol(a.Query.Protocol)
	q := reach.Query{From: a.Query.From, To: a.Query.To, Protocol: p}
	if a.Query.Port != nil {
		q.Port = *a.Query.Port
	}
	if a.Query.SourcePort != nil {
		q.SourcePort = *a.Query.SourcePort
	}
	out := &view.Flow{Query: q, SrcIP: a.Query.Source.IP, DstIP: a.Query.Dest.IP,
		ReturnPath: f.Decided != nil && f.Decided.Path == reach.DirReturn}
	if n := m.s.W.Ix.Interface(a.Query.Source.Interface); n != nil {
		out.SrcGroups, out.SrcVPC = n.SecurityGroupIDs, n.VPCID
	}
	if n := m.s.W.Ix.Interface(a.Query.Dest.Interface); n != nil {
		out.DstGroups, out.DstVPC = n.SecurityGroupIDs, n.VPCID
	}
	return out
}

// Mark renders an agreement so that it reads without colour.
func Mark(a flowexplain.Agreement) string {
	switch a {
	case flowexplain.Agrees:
		return "✓ agrees"
	case flowexplain.Disagrees:
		return "✗ disagrees"
	}
	return "? unknown"
}

// whatIf says what the what-if copy does to a flow where it was
// captured: "→ passes" or "→ blocked" when that changed, "" when not.
func (m *Model) whatIf(f *flowexplain.Flow) string {
	if m.wiByKey == nil {
		return ""
	}
	w := m.wiByKey[keyOf(f)]
	if w == nil {
		return ""
	}
	before := f.Decided != nil && f.Decided.Passes
	after := w.Decided != nil && w.Decided.Passes
	switch {
	case after && !before:
		return "→ passes"
	case before && !after:
		return "→ blocked"
	}
	return ""
}

// build makes the table of flows, keeping the sort, the filter and the
// selection; the command sorts it.
func (m *Model) build() tea.Cmd {
	cur := ""
	if m.tbl != nil {
		if r, ok := m.tbl.List.Current(); ok {
			cur = r.ID
		}
	}
	filter := m.Filter()
	col := func(title string, prio int, flex bool) present.TableColumn {
		return present.TableColumn{Title: title, Priority: prio, Flex: flex, Max: 60}
	}
	t := present.Table{Columns: []present.TableColumn{
		col("agreement", 0, false), col("action", 0, false), col("dir", 2, false), col("proto", 2, false),
		col("source", 0, false), col("destination", 0, false), col("records", 1, false),
		col("decided by", 3, true), col("interface", 3, false)}}
	if m.wi != nil {
		t.Columns = append(t.Columns, col("what-if", 0, false))
	}
	for i := range m.rep.Flows {
		f := &m.rep.Flows[i]
		dir := f.Direction
		if dir == "" {
			dir = "?"
		}
		if f.Reply {
			dir += " (reply)"
		}
		row := []string{Mark(f.Agreement), f.Action, dir, f.Protocol, end(f, f.Src, f.SrcPort), end(f, f.Dst, f.DstPort),
			strconv.FormatInt(f.Records, 10), decidedBy(f), f.Interface}
		if m.wi != nil {
			row = append(row, m.whatIf(f))
		}
		t.Rows = append(t.Rows, row)
		t.IDs = append(t.IDs, strconv.Itoa(i))
	}
	m.tbl = table.New(m.s.Th, t)
	m.tbl.SetWide(m.s.Wide)
	cmd := view.To(m, m.tbl.SortBy(m.sortCol, m.desc))
	m.top = cur == ""
	m.SetSize(m.w, m.h)
	if filter != "" {
		m.tbl.List.SetFilter(filter)
	}
	if cur != "" {
		m.tbl.List.Select(func(r list.Row) bool { return r.ID == cur })
	}
	return cmd
}

// end renders an address with its port for TCP and UDP.
func end(f *flowexplain.Flow, a netip.Addr, port int) string {
	if f.Protocol == "tcp" || f.Protocol == "udp" {
		return netip.AddrPortFrom(a, uint16(port)).String()
	}
	return a.String()
}

// decidedBy names what decided the flow where it was captured.
func decidedBy(f *flowexplain.Flow) string {
	d := f.Decided
	if d == nil || d.Resource == "" {
		if f.Agreement == flowexplain.Unknown {
			return f.Reason
		}
		return "-"
	}
	who := d.Resource
	if d.Name != "" {
		who = d.Name
	}
	s := fmt.Sprintf("%s %s", d.Layer, who)
	if d.Rule != "" {
		s += ": " + d.Rule
	}
	return s
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:199]) + "…"
	}
	return s
}

// headLines is the number of lines above the table.
func (m *Model) headLines() int {
	if m.wi != nil || m.wiRunning {
		return 3
	}
	return 2
}

// View implements view.View.
func (m *Model) View() string {
	th := m.s.Th
	if m.rep == nil {
		var lines []string
		switch {
		case m.loading != 0:
			lines = append(lines, th.Bold.Render("Reading "+safe(m.path)+" and judging its flows…"))
		default:
			lines = append(lines, th.Bold.Render("No flow logs loaded."),
				"",
				"  Open a file or folder of VPC Flow Logs (plain, gzip, Parquet or a CloudWatch Logs export):",
				"  "+th.Key.Render(":flowlogs PATH")+th.Dim.Render("   or start with   ")+th.Key.Render("vpcscope --flowlogs PATH …"),
				"",
				th.Dim.Render("  Each flow is judged where it was captured: ✓ agrees with the configuration, ✗ disagrees"),
				th.Dim.Render("  (changed since, or the model is wrong), ? unknown (the snapshot lacks what is needed)."))
		}
		return strings.Join(lines, "\n")
	}
	by := m.rep.Summary.ByAgreement
	agree := func(a flowexplain.Agreement) string {
		c := by[a]
		if m.w < 150 {
			return fmt.Sprintf("%s %s", strings.Fields(Mark(a))[0], thousands(int64(c.Flows)))
		}
		return fmt.Sprintf("%s %s (%s)", strings.Fields(Mark(a))[0], thousands(int64(c.Flows)), count(c.Records, "record"))
	}
	head := " " + th.Bold.Render(fmt.Sprintf("%s → %s", count(m.rep.Records, "record"), count(int64(len(m.rep.Flows)), "flow"))) + "  " +
		th.OK.Render(agree(flowexplain.Agrees)+" agree") + th.Dim.Render(" · ") +
		th.Bad.Render(agree(flowexplain.Disagrees)+" disagree") + th.Dim.Render(" · ") +
		th.Unknown.Render(agree(flowexplain.Unknown)+" unknown")
	lines := []string{ansi.Truncate(head, m.w, "…")}
	if m.wi != nil || m.wiRunning {
		lines = append(lines, ansi.Truncate(" "+th.WhatIf.Render("WHAT-IF: ")+m.whatIfLine(), m.w, "…"))
	}
	hint := " enter: trace on the deciding hop · b: the rule · s/S: sort · / filter"
	if m.loading != 0 {
		hint = " reading " + safe(m.path) + "…"
	}
	lines = append(lines, ansi.Truncate(th.Dim.Render(hint), m.w, "…"))
	return strings.Join(lines, "\n") + "\n" + m.tbl.View(true)
}

// whatIfLine answers "would this edit have let these records through?".
func (m *Model) whatIfLine() string {
	if m.wi == nil {
		return "judging the flows again on the what-if copy…"
	}
	var passF, blockF int
	var passR, blockR int64
	for i := range m.rep.Flows {
		f := &m.rep.Flows[i]
		switch m.whatIf(f) {
		case "→ passes":
			passF++
			passR += f.Records
		case "→ blocked":
			blockF++
			blockR += f.Records
		}
	}
	if passF == 0 && blockF == 0 {
		return "the edits change nothing these flows met"
	}
	return fmt.Sprintf("%s (%s) would now get through, %s (%s) would be blocked",
		count(int64(passF), "flow"), count(passR, "record"), count(int64(blockF), "flow"), count(blockR, "record"))
}

// count renders "1 flow", "1,204 records".
func count(n int64, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return thousands(n) + " " + what + "s"
}

// thousands renders 3118 as "3,118".
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
