// Package table is the explorer's sortable, filterable table of one
// resource kind, built from the presenter's table (model/present). Its
// rows are built once; only the visible ones are rendered. Columns fit the
// width by priority: names shrink first, then the columns that matter
// least are hidden, so IDs, addresses, CIDRs and rule sources survive a
// narrow screen; wide mode shows every column at full width and scrolls
// sideways.
package table

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/internal/termsafe"
	"github.com/vpcscope/vpcscope/model/present"
	"github.com/vpcscope/vpcscope/ui/component/list"
	"github.com/vpcscope/vpcscope/ui/style"
)

// minFlex is the narrowest a name column shrinks to.
const minFlex = 8

// gap separates columns.
const gap = "  "

// Model is a table.
type Model struct {
	th      *style.Theme
	cols    []present.TableColumn
	cells   [][]string
	ids     []string
	natural []int
	// sorted caches each column's ascending order and its keys' ranks.
	sorted map[int]columnOrder
	// sortCol and desc are the order asked for; pending says it has not
	// landed yet.
	sortCol int
	desc    bool
	pending bool
	// List holds the rows.
	List *list.Model
	w, h int
	// wide shows every column at its natural width; xoff scrolls the
	// columns after the first sideways, in cells.
	wide bool
	xoff int
	// vis are the columns shown and widths their widths, after Layout.
	vis    []int
	widths []int
	// countW is the width the header's count took, the last View: the
	// sideways scroll goes far enough to show the last title beside it.
	countW int
}

// columnOrder is a column's stable ascending order of rows, and each
// row's rank (rows with equal keys share one), for the descending order.
type columnOrder struct {
	asc  []int32
	rank []int32
}

// SortedMsg delivers a column's order, computed off the key path; the
// owner hands it back to Landed.
type SortedMsg struct {
	t     *Model
	col   int
	order columnOrder
}

// Table returns the table the message is for.
func (m SortedMsg) Table() *Model { return m.t }

// New builds a table from the presenter's rows; every cell is made safe
// for the terminal once, here.
func New(th *style.Theme, t present.Table) *Model {
	m := &Model{th: th, cols: t.Columns, cells: t.Rows, ids: t.IDs, List: list.New(th), sorted: map[int]columnOrder{}}
	m.List.Rank = true
	m.natural = make([]int, len(m.cols))
	for i, c := range m.cols {
		m.natural[i] = ansi.StringWidth(c.Title) + 1 // room for the sort arrow
	}
	for _, r := range m.cells {
		for i, c := range r {
			r[i] = termsafe.String(c)
			w := ansi.StringWidth(r[i])
			if mx := m.cols[i].Max; mx > 0 {
				w = min(w, mx)
			}
			m.natural[i] = max(m.natural[i], w)
		}
	}
	rows := make([]list.Row, len(m.cells))
	for i, cells := range m.cells {
		rows[i] = list.Row{Plain: strings.Join(cells, " "), ID: m.ids[i], Lazy: func() string { return m.line(cells) }}
	}
	m.sorted[0] = sortColumn(m.cells, 0)
	m.List.SetRows(rows) // once: sorting only changes the order they show in
	m.List.SetOrder(m.sorted[0].asc)
	m.layout()
	return m
}

// IDs returns the IDs of the rows in the order they show.
func (m *Model) IDs() []string {
	var out []string
	for _, r := range m.List.Shown() {
		out = append(out, r.ID)
	}
	return out
}

// AllIDs returns the ID of every row, in the presenter's order.
func (m *Model) AllIDs() []string { return m.ids }

// SetSize sets the table's size; the header takes a line.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.List.SetSize(w, max(1, h-1))
	m.layout()
}

// Wide reports whether wide mode is on.
func (m *Model) Wide() bool { return m.wide }

// SetWide turns wide mode on or off.
func (m *Model) SetWide(on bool) {
	m.wide = on
	m.xoff = 0
	m.layout()
}

// ScrollX scrolls the columns after the first sideways by delta cells; it
// reports whether anything moved (false at either end).
func (m *Model) ScrollX(delta int) bool {
	x := max(0, min(m.xoff+delta, m.overflow()))
	moved := x != m.xoff
	m.xoff = x
	return moved
}

// XOffset is the sideways scroll in cells.
func (m *Model) XOffset() int { return m.xoff }

// overflow is how far the line is wider than the table.
func (m *Model) overflow() int {
	total := 1
	for i, c := range m.vis {
		if i > 0 {
			total += len(gap)
		}
		total += m.widths[c]
	}
	return max(0, total-m.w+m.countW+1)
}

// Hidden is the number of columns the width leaves out.
func (m *Model) Hidden() int { return len(m.cols) - len(m.vis) }

// layout chooses the columns shown and their widths: every column at its
// natural width if it fits (or in wide mode); else names shrink to
// minFlex, then columns are hidden, the highest Priority first and the
// rightmost of equals first, until the rest fits; the width left over goes
// back to the names.
func (m *Model) layout() {
	n := len(m.cols)
	m.vis = m.vis[:0]
	for i := range n {
		m.vis = append(m.vis, i)
	}
	m.widths = slices.Clone(m.natural)
	if m.wide || m.w <= 0 {
		return
	}
	least := func(c int) int {
		if m.cols[c].Flex {
			return min(m.natural[c], max(minFlex, ansi.StringWidth(m.cols[c].Title)+1))
		}
		return m.natural[c]
	}
	used := func(width func(int) int) int {
		total := 1 // the selection marker
		for i, c := range m.vis {
			if i > 0 {
				total += len(gap)
			}
			total += width(c)
		}
		return total
	}
	if used(func(c int) int { return m.natural[c] }) <= m.w {
		return
	}
	for used(least) > m.w {
		drop := -1
		for i, c := range m.vis {
			if p := m.cols[c].Priority; p > 0 && (drop < 0 || p >= m.cols[m.vis[drop]].Priority) {
				drop = i
			}
		}
		if drop < 0 {
			break
		}
		m.vis = slices.Delete(m.vis, drop, drop+1)
	}
	for _, c := range m.vis {
		m.widths[c] = least(c)
	}
	spare := m.w - used(func(c int) int { return m.widths[c] })
	for spare > 0 {
		grew := false
		for _, c := range m.vis {
			if spare > 0 && m.widths[c] < m.natural[c] {
				m.widths[c]++
				spare--
				grew = true
			}
		}
		if !grew {
			break
		}
	}
}

// SortBy orders the rows by a column, descending when desc. A column
// sorted before is reordered at once; a new one is sorted in a tea.Cmd,
// and the list shows its old order until the sort lands (Landed).
func (m *Model) SortBy(col int, desc bool) tea.Cmd {
	m.sortCol, m.desc = col, desc
	if _, ok := m.sorted[col]; ok {
		m.show(col, desc)
		return nil
	}
	m.pending = true
	cells := m.cells // never written after New
	return func() tea.Msg { return SortedMsg{t: m, col: col, order: sortColumn(cells, col)} }
}

// NextSort sorts by the next column shown after the current one.
func (m *Model) NextSort() tea.Cmd {
	next := m.vis[0]
	for i, c := range m.vis {
		if c == m.sortCol && i+1 < len(m.vis) {
			next = m.vis[i+1]
		}
	}
	return m.SortBy(next, false)
}

// Reverse reverses the order of the current sort.
func (m *Model) Reverse() tea.Cmd { return m.SortBy(m.sortCol, !m.desc) }

// SortColumn returns the column the rows are sorted by, and whether the
// order is descending.
func (m *Model) SortColumn() (col int, desc bool) { return m.sortCol, m.desc }

// Sorting reports whether a sort has not landed yet.
func (m *Model) Sorting() bool { return m.pending }

// Landed takes a column's order in and shows it if it is still the one
// asked for.
func (m *Model) Landed(msg SortedMsg) {
	m.sorted[msg.col] = msg.order
	if msg.col == m.sortCol {
		m.show(m.sortCol, m.desc)
	}
}

// show puts the rows in a sorted column's order, keeping the selection.
func (m *Model) show(col int, desc bool) {
	m.pending = false
	co := m.sorted[col]
	next := co.asc
	if desc {
		next = co.descending()
	}
	cur := ""
	if r, ok := m.List.Current(); ok {
		cur = r.ID
	}
	m.List.SetOrder(next)
	if cur != "" {
		m.List.Select(func(r list.Row) bool { return r.ID == cur })
	}
}

// sortColumn computes a column's stable ascending order: numbers as
// numbers and before text, text without regard to case. It reads cells
// only, so it can run in a tea.Cmd.
func sortColumn(cells [][]string, col int) columnOrder {
	type k struct {
		n     float64
		isNum bool
		s     string
	}
	ks := make([]k, len(cells))
	for i, r := range cells {
		c := r[col]
		if f, err := strconv.ParseFloat(c, 64); err == nil {
			ks[i] = k{n: f, isNum: true}
		} else {
			ks[i] = k{s: strings.ToLower(c)}
		}
	}
	compare := func(x, y k) int {
		switch {
		case x.isNum && y.isNum:
			return cmp.Compare(x.n, y.n)
		case x.isNum:
			return -1 // numbers before text
		case y.isNum:
			return 1
		}
		return strings.Compare(x.s, y.s)
	}
	asc := make([]int32, len(cells))
	for i := range asc {
		asc[i] = int32(i)
	}
	slices.SortStableFunc(asc, func(a, b int32) int { return compare(ks[a], ks[b]) })
	rank := make([]int32, len(cells))
	for i := 1; i < len(asc); i++ {
		rank[asc[i]] = rank[asc[i-1]]
		if compare(ks[asc[i-1]], ks[asc[i]]) != 0 {
			rank[asc[i]]++
		}
	}
	return columnOrder{asc: asc, rank: rank}
}

// descending returns the stable descending order: groups of equal keys
// last to first, each in its original order.
func (c columnOrder) descending() []int32 {
	out := make([]int32, 0, len(c.asc))
	end := len(c.asc)
	for end > 0 {
		start := end - 1
		for start > 0 && c.rank[c.asc[start-1]] == c.rank[c.asc[end-1]] {
			start--
		}
		out = append(out, c.asc[start:end]...)
		end = start
	}
	return out
}

// line renders the cells of the visible columns at their widths; the
// columns after the first scroll sideways by xoff.
func (m *Model) line(cells []string) string {
	var b strings.Builder
	for i, c := range m.vis {
		if i > 0 {
			b.WriteString(gap)
		}
		s := ansi.Truncate(cells[c], m.widths[c], "…")
		b.WriteString(s + strings.Repeat(" ", max(0, m.widths[c]-ansi.StringWidth(s))))
	}
	s := b.String()
	if m.xoff > 0 && len(m.vis) > 1 {
		first := m.widths[m.vis[0]] + len(gap)
		head := ansi.Truncate(s, first, "")
		s = head + ansi.TruncateLeft(strings.TrimPrefix(s, head), m.xoff, "…")
	}
	return s
}

// View renders the header and the rows; focused marks the selection as
// the one the keys move.
func (m *Model) View(focused bool) string {
	th := m.th
	heads := make([]string, len(m.cols))
	for i, c := range m.cols {
		heads[i] = c.Title
		if i == m.sortCol {
			if m.desc {
				heads[i] += "↓"
			} else {
				heads[i] += "↑"
			}
		}
	}
	n, total := m.List.Position()
	mark := " " // the focused table's header is marked: the focus reads without colour
	if focused {
		mark = th.Marker.Render("▶")
	}
	cols := m.line(heads)
	count := fmt.Sprintf("%d/%d", min(n, total), total)
	if len(m.cells) != total {
		count += fmt.Sprintf(" of %d", len(m.cells))
	}
	if m.pending {
		count = "sorting… " + count
	}
	if m.List.Filtering() {
		count = "filtering… " + count
	}
	// say what the width hides, as long as the column titles still fit
	room := m.w - 1 - ansi.StringWidth(cols) - 1
	var hints []string
	if h := m.Hidden(); h > 0 && !m.wide {
		hints = []string{fmt.Sprintf("+%d columns: ctrl+w · ", h), fmt.Sprintf("+%d ctrl+w · ", h)}
	} else if m.overflow() > 0 {
		hints = []string{"←/→ scroll · ", "←→ · "}
	}
	for i, h := range hints {
		// the short hint shows even when column titles give way for it
		if ansi.StringWidth(h+count) <= room || i == len(hints)-1 {
			count = h + count
			break
		}
	}
	cw := ansi.StringWidth(count)
	m.countW = cw
	head := mark + th.Header.Render(ansi.Truncate(cols, max(0, m.w-cw-2), "…"))
	pad := max(1, m.w-ansi.StringWidth(head)-cw)
	return head + strings.Repeat(" ", pad) + th.Dim.Render(count) + "\n" + m.List.View(focused)
}
