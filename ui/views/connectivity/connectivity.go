// Package connectivity is the explorer's connectivity view: what talks to
// what, by VPC or by subnet (v toggles), from the engine's connectivity
// matrix (Engine.Connectivity: every pair of groups and the internet, the
// protocols and ports on which a connection succeeds both ways, exact).
// The matrix is computed in the background with a spinner — a large
// account takes seconds — and its cells show as a sortable, filterable
// table of pairs; enter on a cell traces a witness: two interfaces of the
// groups and a port that gets through.
package connectivity

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/model/intents"
	"github.com/vpcscope/vpcscope/model/present"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/intent"
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

// maxCells bounds the pairs the table holds: a large account by subnet
// has millions; the rest are counted, and `vpcscope connectivity -o json`
// lists them all.
const maxCells = 50000

// ToggleBy switches between the matrix by VPC and by subnet.
var ToggleBy = key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "by VPC / by subnet"))

// spinner frames, one per tick while the matrix is computed.
var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// Model is the connectivity view.
type Model struct {
	s   *view.Session
	by  reach.GroupBy
	seq int
	// running is the computation in flight (its sequence), 0 when none;
	// frame is the spinner's, started when it began.
	running int
	frame   int
	began   time.Time
	// eng is the engine the matrix was computed on (the what-if copy's
	// while edits are in effect).
	eng     *reach.Engine
	m       *reach.Matrix
	cells   []reach.MatrixCell
	more    int
	err     string
	witness bool
	tbl     *table.Model
	w, h    int
}

type (
	matrixMsg struct {
		seq int
		eng *reach.Engine
		m   *reach.Matrix
		err error
	}
	tickMsg    struct{ seq int }
	witnessMsg struct {
		q    reach.Query
		ok   bool
		cell reach.MatrixCell
	}
)

// New builds the view; the matrix is computed when it is first shown.
func New(s *view.Session) *Model { return &Model{s: s, by: reach.ByVPC} }

// Crumbs implements view.View.
func (c *Model) Crumbs() []string { return []string{"Connectivity", "by " + string(c.by)} }

// Keys implements view.View.
func (c *Model) Keys() []key.Binding {
	open := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "trace a witness"))
	return append(keys.MoveHelp()[:6], open, ToggleBy, keys.Sort, keys.Reverse)
}

// Selected implements view.View: the sending group of the cell under the
// cursor, when it is a resource.
func (c *Model) Selected() string {
	if cell, ok := c.current(); ok && cell.From != "internet" {
		return cell.From
	}
	return ""
}

// Busy implements view.Busy.
func (c *Model) Busy() bool {
	return c.running != 0 || c.witness || c.tbl != nil && (c.tbl.Sorting() || c.tbl.List.Filtering())
}

// SetFilter implements view.Filterable.
func (c *Model) SetFilter(f string) tea.Cmd {
	if c.tbl != nil {
		return view.To(c, c.tbl.List.FilterCmd(f))
	}
	return nil
}

// Filtering implements view.Filtering.
func (c *Model) Filtering() bool { return c.tbl != nil && c.tbl.List.Filtering() }

// Filter implements view.Filterable.
func (c *Model) Filter() string {
	if c.tbl != nil {
		return c.tbl.List.Filter()
	}
	return ""
}

// SetSize implements view.View.
func (c *Model) SetSize(w, h int) {
	c.w, c.h = w, h
	if c.tbl != nil {
		c.tbl.SetSize(w, max(1, h-2))
	}
}

// Matrix returns the matrix shown, nil until it is computed.
func (c *Model) Matrix() *reach.Matrix { return c.m }

// Start computes the matrix when none is shown for the current engine.
func (c *Model) Start() tea.Cmd {
	if c.running != 0 || c.m != nil && c.eng == c.s.Engine() && c.m.By == c.by {
		return nil
	}
	return c.compute()
}

// compute runs the matrix in the background, with the spinner ticking.
func (c *Model) compute() tea.Cmd {
	c.seq++
	c.running, c.frame, c.began, c.err = c.seq, 0, time.Now(), ""
	seq, eng, by := c.seq, c.s.Engine(), c.by
	return tea.Batch(view.To(c, func() tea.Msg {
		res := intent.NewResolver(eng)
		sel, err := intents.ParseSelector("any or internet")
		if err != nil {
			return matrixMsg{seq: seq, err: err}
		}
		ends, err := res.Resolve(sel)
		if err != nil {
			return matrixMsg{seq: seq, err: err}
		}
		g := ends.Group()
		m, err := eng.Connectivity(reach.ConnectivityOptions{From: g, To: g, By: by})
		return matrixMsg{seq: seq, eng: eng, m: m, err: err}
	}), c.tick())
}

func (c *Model) tick() tea.Cmd {
	seq := c.seq
	return view.To(c, tea.Tick(120*time.Millisecond, func(time.Time) tea.Msg { return tickMsg{seq} }))
}

// Update implements view.View.
func (c *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case view.Connectivity:
		return c.Start()
	case view.Refresh:
		if c.m != nil && c.eng != c.s.Engine() && (!c.s.WhatIfActive() || c.s.WhatIfEng != nil) {
			return c.compute() // a what-if edit, or its undoing
		}
	case tickMsg:
		if msg.seq == c.running {
			c.frame++
			return c.tick()
		}
	case matrixMsg:
		if msg.seq != c.running {
			return nil
		}
		c.running = 0
		if msg.err != nil {
			c.err = msg.err.Error()
			return view.Cmd(view.Flash{Text: "connectivity: " + c.err, Err: true})
		}
		c.eng, c.m = msg.eng, msg.m
		return c.build()
	case witnessMsg:
		c.witness = false
		if !msg.ok {
			return view.Cmd(view.Flash{Text: fmt.Sprintf("no witness found for %s → %s", msg.cell.From, msg.cell.To), Err: true})
		}
		t := view.Trace{From: msg.q.From, To: msg.q.To, Protocol: msg.q.Protocol, Port: msg.q.Port}
		return c.s.Send(t)
	case table.SortedMsg:
		msg.Table().Landed(msg)
	case list.FilteredMsg:
		msg.List().Landed(msg)
	case tea.KeyMsg:
		return c.key(msg)
	}
	return nil
}

func (c *Model) key(msg tea.KeyMsg) tea.Cmd {
	if key.Matches(msg, ToggleBy) {
		if c.by == reach.ByVPC {
			c.by = reach.BySubnet
		} else {
			c.by = reach.ByVPC
		}
		return c.compute()
	}
	if c.tbl == nil {
		return nil
	}
	if c.tbl.List.HandleMove(msg) {
		return nil
	}
	switch {
	case key.Matches(msg, keys.Open):
		return c.trace()
	case key.Matches(msg, keys.Sort):
		return view.To(c, c.tbl.NextSort())
	case key.Matches(msg, keys.Reverse):
		return view.To(c, c.tbl.Reverse())
	}
	return nil
}

func (c *Model) current() (reach.MatrixCell, bool) {
	if c.tbl == nil {
		return reach.MatrixCell{}, false
	}
	r, ok := c.tbl.List.Current()
	if !ok {
		return reach.MatrixCell{}, false
	}
	i, err := strconv.Atoi(r.ID)
	if err != nil || i < 0 || i >= len(c.cells) {
		return reach.MatrixCell{}, false
	}
	return c.cells[i], true
}

// trace finds a witness of the cell's first traffic in the background
// (it may try many pairs of interfaces) and opens its trace.
func (c *Model) trace() tea.Cmd {
	cell, ok := c.current()
	if !ok || len(cell.Traffic) == 0 {
		return nil
	}
	probe := cell.Traffic[0].Probe
	for _, t := range cell.Traffic { // a protocol the trace form has
		if t.Protocol == "tcp" || t.Protocol == "udp" {
			probe = t.Probe
			break
		}
	}
	c.witness = true
	m := c.m
	return view.To(c, func() tea.Msg {
		q, ok := m.Witness(cell.From, cell.To, probe)
		return witnessMsg{q: q, ok: ok, cell: cell}
	})
}

// build makes the table of pairs.
func (c *Model) build() tea.Cmd {
	labels := map[string]string{}
	for _, g := range c.m.Groups {
		labels[g.ID] = g.ID
		if g.Name != "" && g.Name != g.ID {
			labels[g.ID] = g.Name + " (" + g.ID + ")" // the name first: it survives a narrow column
		}
	}
	col := func(title string, prio int, flex bool, mx int) present.TableColumn {
		return present.TableColumn{Title: title, Priority: prio, Flex: flex, Max: mx}
	}
	t := present.Table{Columns: []present.TableColumn{col("from", 0, true, 48), col("to", 0, true, 48), col("traffic (both ways)", 0, true, 80)}}
	c.cells, c.more = c.cells[:0], 0
	c.m.EachCell(func(cell reach.MatrixCell) bool {
		if len(c.cells) == maxCells {
			c.more++
			return true
		}
		traffic := cell.Services
		for _, tr := range cell.Traffic {
			if len(tr.Sources) > 0 {
				traffic += "  from " + prefixes(tr.Sources)
				break
			}
			if len(tr.Destinations) > 0 {
				traffic += "  to " + prefixes(tr.Destinations)
				break
			}
		}
		t.Rows = append(t.Rows, []string{labels[cell.From], labels[cell.To], traffic})
		t.IDs = append(t.IDs, strconv.Itoa(len(c.cells)))
		c.cells = append(c.cells, cell)
		return true
	})
	c.tbl = table.New(c.s.Th, t)
	c.SetSize(c.w, c.h)
	return nil
}

func prefixes(ps []string) string {
	if len(ps) <= 2 {
		return strings.Join(ps, ", ")
	}
	return strings.Join(ps[:2], ", ") + fmt.Sprintf(" +%d", len(ps)-2)
}

// View implements view.View.
func (c *Model) View() string {
	th := c.s.Th
	if c.running != 0 {
		head := th.Key.Render(spinner[c.frame%len(spinner)]) + " " + th.Bold.Render("computing connectivity by "+string(c.by)+"…") +
			th.Dim.Render(fmt.Sprintf("  %.1fs — every protocol and port, both ways; a large account takes seconds", time.Since(c.began).Seconds()))
		if c.tbl == nil {
			return ansi.Truncate(" "+head, c.w, "…")
		}
		return ansi.Truncate(" "+head, c.w, "…") + "\n" + th.Dim.Render(" (the matrix below is the previous one)") + "\n" + c.tbl.View(true)
	}
	if c.m == nil {
		if c.err != "" {
			return th.Bad.Render(" ✗ " + safe(c.err))
		}
		return th.Dim.Render(" press 9 to compute the connectivity matrix")
	}
	head := fmt.Sprintf(" Connectivity by %s: %d groups, %d pairs connected", c.m.By, len(c.m.Groups), c.m.Len())
	if c.s.WhatIfActive() {
		head += " " + th.WhatIf.Render("(WHAT-IF copy)")
	}
	if c.more > 0 {
		head += th.Dim.Render(fmt.Sprintf(" (first %d shown; -o json lists all)", maxCells))
	}
	hint := th.Dim.Render(" the request gets through and its reply gets back · enter: witness trace · v: by vpc/subnet")
	if len(c.m.Caveats) > 0 {
		hint = th.Unknown.Render(fmt.Sprintf(" ? %d caveat(s): %s", len(c.m.Caveats), safe(c.m.Caveats[0])))
	}
	return ansi.Truncate(th.Bold.Render(head), c.w, "…") + "\n" + ansi.Truncate(hint, c.w, "…") + "\n" + c.tbl.View(true)
}
