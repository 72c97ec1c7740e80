// Package audit is the explorer's audit walkthrough (key 7): the findings
// of reach/audit grouped by severity and control, each with its evidence —
// the rule, the exact source set and ports the internet reaches, the path
// of the packet that proves it — one key from the resource (enter), the
// rule (r) and the trace of the proving packet (t). n and p step through
// the findings; s marks each open, to fix, accepted risk or false
// positive, e writes a note. The review (reach/audit/review) is saved to
// its file as it changes and when the explorer quits, and it follows the
// findings to a later snapshot by fingerprint: the view marks what is new
// or changed since the review was recorded, and lists what was fixed.
package audit

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/audit"
	"github.com/vpcscope/vpcscope/reach/audit/review"
	"github.com/vpcscope/vpcscope/ui/component/list"
	"github.com/vpcscope/vpcscope/ui/component/textinput"
	"github.com/vpcscope/vpcscope/ui/keys"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/world"
)

var safe = world.Safe

// Model is the audit walkthrough.
type Model struct {
	s *view.Session
	// source describes the snapshot, for the review file.
	source string
	now    func() time.Time

	// rep is the report the rows were built from; file the review as
	// loaded and changed since; fresh is set when no review file existed
	// (nothing is "new" then); loadErr a review file that could not be
	// read (it is then never overwritten).
	rep     *audit.Report
	file    *review.File
	fresh   bool
	loadErr error
	// items are the findings in report order, then the fixed ones.
	items []review.Item
	list  *list.Model
	// note is the note being written while editing.
	note    textinput.Model
	editing bool
	// touched is set once the walkthrough moved or marked something: only
	// then does quitting record the review.
	touched bool
	saver   *saver
	w, h    int
}

// New builds the audit view; the findings arrive with the world's audit
// (view.Refresh). source describes the snapshot in the review file.
func New(s *view.Session, source string) *Model {
	m := &Model{s: s, source: source, now: time.Now, list: list.New(s.Th), saver: &saver{}}
	m.note.Label = "note"
	m.build()
	return m
}

// SetClock sets the clock that dates the review's marks (tests).
func (m *Model) SetClock(now func() time.Time) { m.now = now }

var _ view.Filterable = (*Model)(nil)

// SetFilter implements view.Filterable: the findings whose row matches
// (resource, rule, state), each under its control's heading; n and p step
// through what the filter shows.
func (m *Model) SetFilter(f string) tea.Cmd { m.list.SetFilter(f); return nil }

// Filter implements view.Filterable.
func (m *Model) Filter() string { return m.list.Filter() }

// Crumbs implements view.View.
func (m *Model) Crumbs() []string {
	if it := m.current(); it != nil {
		return []string{"Audit", safe(itemLabel(m.s.W, it))}
	}
	return []string{"Audit"}
}

// Keys implements view.View.
func (m *Model) Keys() []key.Binding {
	// The walk's own keys first (the footer keeps as many as fit):
	// judge the finding, then prove it, then open what it names.
	return []key.Binding{keys.NextFinding, keys.PrevFinding, keys.MarkState, keys.EditNote,
		keys.TraceWitness, keys.OpenRule, keys.Open, keys.MarkBack, keys.Up, keys.Down}
}

// Selected implements view.View: the current finding's resource.
func (m *Model) Selected() string {
	if it := m.current(); it != nil {
		return itemResource(it)
	}
	return ""
}

// Editing implements view.Editing.
func (m *Model) Editing() string {
	if m.editing {
		return "note"
	}
	return ""
}

// Handles takes t: here it traces the finding's proving packet.
func (m *Model) Handles(msg tea.KeyMsg) bool { return key.Matches(msg, keys.TraceWitness) }

// SetSize implements view.View.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.list.SetSize(w, m.listHeight())
}

// listHeight is the lines of the findings list: about two fifths of the
// body, under the summary line; the evidence takes the rest.
func (m *Model) listHeight() int { return max(4, (m.h-2)*2/5) }

// savedMsg reports a save of the review file.
type savedMsg struct{ err error }

// Update implements view.View.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case view.Refresh:
		if m.s.W.Audit != m.rep {
			m.build()
		}
	case savedMsg:
		if msg.err != nil {
			return view.Cmd(view.Flash{Text: "review not saved: " + msg.err.Error(), Err: true})
		}
	case tea.KeyMsg:
		if m.editing {
			return m.editKey(msg)
		}
		return m.key(msg)
	}
	return nil
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	it := m.current()
	switch {
	case key.Matches(msg, keys.NextFinding), key.Matches(msg, keys.Down):
		m.list.Move(1)
		m.touched = true
	case key.Matches(msg, keys.PrevFinding), key.Matches(msg, keys.Up):
		m.list.Move(-1)
		m.touched = true
	case m.list.HandleMove(msg):
		m.touched = true
	case it == nil:
		return nil
	case key.Matches(msg, keys.MarkState), key.Matches(msg, keys.MarkBack):
		d := 1
		if key.Matches(msg, keys.MarkBack) {
			d = -1
		}
		sts := review.States()
		i := slices.Index(sts, it.State)
		return m.mark(sts[(i+d+len(sts))%len(sts)], it.Note)
	case key.Matches(msg, keys.EditNote):
		if it.Finding == nil {
			return view.FlashCmd("this finding is fixed: its note stays as it was")
		}
		if m.loadErr != nil {
			return view.Cmd(view.Flash{Text: "the review file could not be read, so it is not changed: " + m.loadErr.Error(), Err: true})
		}
		m.editing, m.note.Value = true, it.Note
	case key.Matches(msg, keys.Open):
		return m.s.Send(view.Open{ID: itemResource(it)})
	case key.Matches(msg, keys.OpenRule):
		return m.openRule(it)
	case key.Matches(msg, keys.TraceWitness):
		return m.trace(it)
	}
	return nil
}

// editKey writes the note: enter keeps it, esc drops the change. Every
// other key is text.
func (m *Model) editKey(msg tea.KeyMsg) tea.Cmd {
	switch msg.Type {
	case tea.KeyEnter:
		m.editing = false
		if it := m.current(); it != nil {
			return m.mark(it.State, strings.TrimSpace(m.note.Value))
		}
	case tea.KeyEsc:
		m.editing = false
	default:
		m.note.Update(msg)
	}
	return nil
}

// mark records a state and note for the current finding and saves the
// review in the background.
func (m *Model) mark(st review.State, note string) tea.Cmd {
	i := m.currentIndex()
	if i < 0 {
		return nil
	}
	it := &m.items[i]
	if it.Finding == nil {
		return view.FlashCmd("this finding is fixed: nothing to mark")
	}
	if m.loadErr != nil {
		return view.Cmd(view.Flash{Text: "the review file could not be read, so it is not changed: " + m.loadErr.Error(), Err: true})
	}
	m.file.Mark(it.Finding, st, note, m.now())
	it.State, it.Note = st, note
	m.touched = true
	m.rows()
	return m.saveCmd(false)
}

// saveCmd saves a copy of the review in a tea.Cmd; record first makes it
// current with the report (Record).
func (m *Model) saveCmd(record bool) tea.Cmd {
	f, seq, path := m.snapshotFile(record), m.saver.next(), m.s.ReviewPath
	return func() tea.Msg { return savedMsg{m.saver.save(f, path, seq)} }
}

// snapshotFile copies the review, made current with the report when
// record is set, with where the walkthrough is.
func (m *Model) snapshotFile(record bool) *review.File {
	f := *m.file
	f.Entries = slices.Clone(m.file.Entries)
	if record && m.rep != nil {
		f.Record(m.rep, m.source, m.s.W.Snap.TakenAt)
	}
	if it := m.current(); it != nil {
		f.Last = it.Fingerprint
	}
	return &f
}

// Close implements view.Closer: quitting records the review — states,
// notes, the findings as they are now and where the walkthrough stopped —
// once the walkthrough was used.
func (m *Model) Close() error {
	if !m.touched || m.file == nil || m.loadErr != nil || m.rep == nil {
		return nil
	}
	return m.saver.save(m.snapshotFile(true), m.s.ReviewPath, m.saver.next())
}

// openRule opens the resource holding the finding's rule, on the rule:
// the security group rule an exposure goes through, or the rule of the
// proving path's hop at the finding's resource.
func (m *Model) openRule(it *review.Item) tea.Cmd {
	f := it.Finding
	if f == nil {
		return view.FlashCmd("this finding is fixed: enter opens its resource")
	}
	for _, x := range f.Evidence {
		if x.Group == "" {
			continue
		}
		focus := &view.RuleFocus{Ref: reach.RuleRef{Kind: reach.RefSGIngress, Index: x.RuleIndex}}
		for i := range x.Path {
			if h := x.Path[i]; h.Resource == x.Group && h.Ref != nil {
				focus.Hop = &h // the proving packet's hop at the rule
			}
		}
		return m.s.Send(view.Open{ID: x.Group, Focus: focus})
	}
	for i := range f.Path {
		h := &f.Path[i]
		if h.Ref != nil && (h.Resource == f.Resource || h.Ref.Resource == f.Resource) {
			hop := *h
			return m.s.Send(view.Open{ID: h.Resource, Focus: &view.RuleFocus{Ref: *h.Ref, Hop: &hop}})
		}
	}
	cmd := m.s.Send(view.Open{ID: f.Resource})
	if f.Rule == "" {
		return tea.Batch(cmd, view.FlashCmd("this finding is about the resource, not one rule"))
	}
	return tea.Batch(cmd, view.FlashCmd("the rule: "+f.Rule))
}

// trace opens the trace of the finding's proving packet: from the
// internet to the exposed interface or load balancer on its first open
// port, or the query that found the finding.
func (m *Model) trace(it *review.Item) tea.Cmd {
	f := it.Finding
	if f == nil {
		return view.FlashCmd("this finding is fixed: nothing to trace")
	}
	if q := witness(f); q != nil {
		return m.s.Send(view.Trace{From: q.From, To: q.To, Protocol: q.Protocol, Port: q.Port})
	}
	return view.FlashCmd("this finding is about configuration, with no packet to trace: enter opens the resource")
}

// witness is the query a finding's proof answers, or nil.
func witness(f *audit.Finding) *reach.Query {
	if f.Witness != nil {
		return f.Witness
	}
	for _, x := range f.Evidence {
		if x.PublicIP == "" {
			continue // beyond a VPN: the sources are on premises
		}
		proto, err := model.ParseProtocol(x.Protocol) // the protocol's name, as model writes it
		if err != nil {
			continue
		}
		q := &reach.Query{From: "internet", To: x.ID, Protocol: proto}
		if x.Instance != "" {
			q.To = x.Instance
		}
		if len(x.PortRanges) > 0 {
			q.Port = max(1, int(x.PortRanges[0].From))
		}
		return q
	}
	return nil
}

// build lays the review over the world's audit report.
func (m *Model) build() {
	rep := m.s.W.Audit
	m.rep = rep
	if rep == nil {
		m.items = nil
		m.rows()
		return
	}
	if m.file == nil && m.loadErr == nil {
		m.load()
	}
	f := m.file
	if f == nil {
		f = review.New()
	}
	walk := review.Apply(rep, f)
	byFP := map[string]review.Item{}
	for _, it := range walk.Items() {
		byFP[it.Fingerprint] = it
	}
	m.items = m.items[:0]
	for i := range rep.Findings {
		it := byFP[audit.FingerprintOf(&rep.Findings[i])]
		if m.fresh {
			it.Change = review.Same // no review before this one
		}
		m.items = append(m.items, it)
	}
	m.items = append(m.items, walk.Fixed...)
	m.rows()
	if walk.Last != "" {
		m.list.Select(func(r list.Row) bool { return r.Data == walk.Last })
	}
}

// load reads the review file; one that does not exist starts a new review.
func (m *Model) load() {
	if m.s.ReviewPath == "" {
		m.file, m.fresh = review.New(), true
		return
	}
	f, err := review.Load(m.s.ReviewPath)
	switch {
	case review.IsNotExist(err):
		m.file, m.fresh = review.New(), true
	case err != nil:
		m.loadErr = err
	default:
		m.file = f
	}
}

// rows fills the list: a heading per severity and control, a row per
// finding, then the fixed findings.
func (m *Model) rows() {
	th := m.s.Th
	var rows []list.Row
	heading := func(s string) {
		if len(rows) > 0 {
			rows = append(rows, list.Row{Skip: true})
		}
		s = safe(s)
		rows = append(rows, list.Row{Text: th.Section.Render(s), Plain: s, Skip: true, Heading: true})
	}
	if m.rep == nil {
		rows = append(rows, list.Row{Text: th.Dim.Render(" auditing the network… (the findings arrive after the exposure)"), Skip: true})
	}
	last := ""
	for i := range m.items {
		it := &m.items[i]
		f := it.Finding
		if f == nil {
			if last != "fixed" {
				heading("Fixed since the last review")
				last = "fixed"
			}
		} else if g := string(f.Severity) + "|" + f.Controls[0]; g != last {
			last = g
			n := 0
			for j := i; j < len(m.items) && m.items[j].Finding != nil && m.items[j].Finding.Severity == f.Severity && m.items[j].Finding.Controls[0] == f.Controls[0]; j++ {
				n++
			}
			title := ""
			if len(f.ControlRefs) > 0 {
				title = " " + f.ControlRefs[0].Title
			}
			heading(fmt.Sprintf("%s · %s%s (%d)", strings.ToUpper(string(f.Severity)), f.Controls[0], title, n))
		}
		plain := m.rowText(it)
		rows = append(rows, list.Row{Text: m.styleRow(it, plain), Plain: plain, ID: itemResource(it), Data: it.Fingerprint})
	}
	if m.rep != nil && len(m.items) == 0 {
		rows = append(rows, list.Row{Text: th.OK.Render(" ✓ no findings"), Skip: true})
	}
	m.list.SetRows(rows)
	m.list.Settle(1)
}

// stateWord is a state in a fixed width, readable without colour.
func stateWord(s review.State) string {
	switch s {
	case review.ToFix:
		return "[to fix]  "
	case review.AcceptedRisk:
		return "[accepted]"
	case review.FalsePositive:
		return "[false +] "
	}
	return "[open]    "
}

func (m *Model) rowText(it *review.Item) string {
	s := " " + stateWord(it.State) + " " + itemLabel(m.s.W, it)
	if it.Finding != nil && it.Finding.Rule != "" {
		s += "  " + it.Finding.Rule
	} else if it.Was != nil && it.Was.Rule != "" {
		s += "  " + it.Was.Rule
	}
	if it.Change != review.Same {
		s += "  *" + string(it.Change)
	}
	if it.Note != "" {
		s += "  ✎"
	}
	return safe(s)
}

func (m *Model) styleRow(it *review.Item, plain string) string {
	th := m.s.Th
	switch {
	case it.Finding == nil:
		return th.Dim.Render(plain)
	case it.State.Settled():
		return th.Dim.Render(plain)
	case it.State == review.ToFix:
		return th.Warn.Render(plain)
	}
	return plain
}

// itemResource is the ID of the resource a finding is about.
func itemResource(it *review.Item) string {
	if it.Finding != nil {
		return it.Finding.Resource
	}
	if it.Was != nil {
		return it.Was.Resource
	}
	return ""
}

// itemLabel names a finding's resource: its name and ID.
func itemLabel(w *world.World, it *review.Item) string {
	id := itemResource(it)
	if it.Finding != nil && it.Finding.Name != "" {
		return it.Finding.Name + " (" + id + ")"
	}
	if n := w.Name(id); n != "" {
		return n + " (" + id + ")"
	}
	return id
}

// current is the finding under the cursor, or nil.
func (m *Model) current() *review.Item {
	if i := m.currentIndex(); i >= 0 {
		return &m.items[i]
	}
	return nil
}

func (m *Model) currentIndex() int {
	r, ok := m.list.Current()
	if !ok {
		return -1
	}
	fp, _ := r.Data.(string)
	for i := range m.items {
		if m.items[i].Fingerprint == fp {
			return i
		}
	}
	return -1
}

// View implements view.View: the summary, the findings, the evidence of
// the current one.
func (m *Model) View() string {
	th := m.s.Th
	out := []string{ansi.Truncate(m.summary(), m.w, "…"), m.list.View(!m.editing)}
	rule := strings.Repeat("─", max(0, m.w))
	out = append(out, th.Border.Render(rule))
	ev := m.evidence()
	if n := m.h - 2 - m.listHeight(); len(ev) > n {
		ev = append(ev[:max(0, n-1)], th.Dim.Render(" … (wider or taller terminal for the rest; t traces it, enter opens the resource)"))
	}
	for _, l := range ev {
		out = append(out, ansi.Truncate(l, m.w, "…"))
	}
	return strings.Join(out, "\n")
}

// summary counts the findings by state and what changed since the review,
// and names the review file.
func (m *Model) summary() string {
	th := m.s.Th
	if m.rep == nil {
		return th.Dim.Render(" audit: waiting for the findings")
	}
	count := map[review.State]int{}
	change := map[review.Change]int{}
	n := 0
	for _, it := range m.items {
		change[it.Change]++
		if it.Finding != nil {
			count[it.State]++
			n++
		}
	}
	pos := ""
	if i := m.currentIndex(); i >= 0 && i < n {
		pos = fmt.Sprintf("%d/%d │ ", i+1, n)
	}
	s := fmt.Sprintf(" %s%d open · %d to fix · %d accepted · %d false+", pos, count[review.Open], count[review.ToFix], count[review.AcceptedRisk], count[review.FalsePositive])
	switch {
	case m.loadErr != nil:
		return th.Bold.Render(s) + th.Bad.Render(" │ review unreadable, not saved: "+safe(m.loadErr.Error()))
	case m.s.ReviewPath == "":
		return th.Bold.Render(s) + th.Dim.Render(" │ review kept in memory only")
	case m.fresh:
		return th.Bold.Render(s) + th.Dim.Render(" │ new review "+safe(m.s.ReviewPath))
	}
	s2 := fmt.Sprintf(" │ since the review: %d new · %d changed · %d fixed │ %s", change[review.Added], change[review.Changed], change[review.Fixed], safe(m.s.ReviewPath))
	return th.Bold.Render(s) + th.Dim.Render(s2)
}

// evidence renders the current finding: controls, severity and resource,
// the message, the rule, each exposure's exact sources, ports and path,
// the proving path, the rules that decide instead, the review state and
// the note (the note field while editing).
func (m *Model) evidence() []string {
	th := m.s.Th
	it := m.current()
	if it == nil {
		return nil
	}
	w := max(20, m.w-2)
	var out []string
	add := func(label, text string) {
		lines := wrap(safe(text), w-len(label)-1)
		for i, l := range lines {
			if i == 0 {
				out = append(out, " "+th.Header.Render(label)+l)
			} else {
				out = append(out, " "+strings.Repeat(" ", len(label))+l)
			}
		}
	}
	f := it.Finding
	if f == nil {
		was := it.Was
		out = append(out, " "+th.OK.Render("✓ fixed")+th.Dim.Render(" — the finding is gone from this snapshot"))
		add("was      ", fmt.Sprintf("%s %s %s: %s", was.Severity, was.Control, was.Resource, was.Message))
		add("review   ", string(it.State)+noteText(it.Note))
		return out
	}
	head := fmt.Sprintf("%s · %s · %s %s", strings.ToUpper(string(f.Severity)), strings.Join(f.Controls, ", "), f.Kind, itemLabel(m.s.W, it))
	if where := strings.Trim(f.Account+"/"+f.Region, "/"); where != "" {
		head += " · " + where
	}
	out = append(out, " "+th.Bold.Render(ansi.Truncate(safe(head), w, "…")))
	if m.editing {
		out = append(out, " "+th.Header.Render("review   ")+string(it.State)+"  "+th.Key.Render("note ")+m.note.View(th))
	} else {
		add("review   ", string(it.State)+noteText(it.Note))
	}
	add("", f.Message)
	if f.Rule != "" {
		add("rule     ", f.Rule)
	}
	for i, x := range f.Evidence {
		if i == 3 {
			add("         ", fmt.Sprintf("… and %d more exposures (vpcscope audit -o json lists them)", len(f.Evidence)-3))
			break
		}
		svc := x.Protocol
		if x.Ports != "" {
			svc += "/" + x.Ports
		}
		target := x.PublicIP
		if target == "" {
			target = x.Address
		}
		add("exposed  ", fmt.Sprintf("%s %s %s", x.Name+" "+x.ID, target, svc))
		add("sources  ", fmt.Sprintf("%s  (%s)", strings.Join(x.Sources, ", "), x.SourceSummary))
		add("path     ", hops(x.Path))
	}
	if len(f.Evidence) == 0 && len(f.Path) > 0 {
		add("proof    ", hops(f.Path))
	}
	if len(f.By) > 0 {
		add("decided by ", strings.Join(f.By, "; "))
	}
	if it.Change == review.Changed && it.Was != nil {
		add("changed  ", "was: "+string(it.Was.Severity)+" — "+it.Was.Message)
	}
	return out
}

func noteText(n string) string {
	if n == "" {
		return " · no note (e writes one)"
	}
	return " · note: " + n
}

// hops renders a path in one line: each hop's resource (name or ID) and
// verdict, from the first to the last.
func hops(path []reach.Hop) string {
	parts := make([]string, 0, len(path))
	crossings := reach.Crossings(path)
	for i, h := range path {
		if c := crossings[i]; c.Crosses() {
			parts = append(parts, "⇢ "+c.String())
		}
		who := h.Resource
		if h.Name != "" {
			who = h.Name
		}
		s := string(h.Layer)
		if who != s {
			s += " " + who
		}
		if h.Verdict == reach.Deny {
			s += " ✗"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " → ")
}

// wrap breaks s into lines of at most width cells at spaces only (IDs and
// names with hyphens stay whole); a word longer than a line is cut.
func wrap(s string, width int) []string {
	width = max(10, width)
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		word = ansi.Truncate(word, width, "…")
		if line != "" && ansi.StringWidth(line)+1+ansi.StringWidth(word) > width {
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

// saver writes review files one at a time, and never an older copy over
// a newer one.
type saver struct {
	mu        sync.Mutex
	seq, done int
}

func (s *saver) next() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return s.seq
}

func (s *saver) save(f *review.File, path string, seq int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if seq <= s.done || path == "" {
		return nil
	}
	s.done = seq
	return f.Save(path)
}
