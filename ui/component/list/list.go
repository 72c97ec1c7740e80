// Package list is the explorer's virtualised list of rows with a cursor:
// View renders only the rows in the window, so its cost does not grow with
// the list. Every view that shows rows — tables, the tree, the detail, the
// trace, the overview, the pickers, the help — uses it, and with it one
// filter rule (package match).
package list

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/internal/termsafe"
	"github.com/vpcscope/vpcscope/ui/keys"
	"github.com/vpcscope/vpcscope/ui/match"
	"github.com/vpcscope/vpcscope/ui/style"
)

// Row is one line of a list.
type Row struct {
	// Text is the line, possibly styled.
	Text string
	// Plain is the line without styles, used when the row is selected and
	// for filtering; "" means Text has no styles.
	Plain string
	// ID is the resource the row stands for; "" for rows that open nothing.
	ID string
	// Skip rows (headings, blank lines, notes) are passed over by the cursor.
	Skip bool
	// Heading rows title the rows below them, up to the next heading: a
	// filter keeps a heading while one of its rows matches.
	Heading bool
	// Data is what the owning view attaches to the row.
	Data any
	// Lazy, when set, renders Text on demand: only visible rows pay for
	// their styles.
	Lazy func() string
}

// Styled returns the row's line with its styles.
func (r Row) Styled() string {
	if r.Lazy != nil {
		return r.Lazy()
	}
	return r.Text
}

// PlainText returns the row's line without styles.
func (r Row) PlainText() string {
	switch {
	case r.Plain != "":
		return r.Plain
	case r.Lazy != nil:
		return ansi.Strip(r.Lazy())
	}
	return ansi.Strip(r.Text)
}

// Model is a list.
type Model struct {
	th     *style.Theme
	rows   []Row
	shown  []int32 // indices into rows after filtering; never written in place
	cursor int     // index into shown
	offset int
	// xoff is the horizontal scroll, in cells.
	xoff          int
	width, height int
	filter        string
	// lower is the lowercased plain text of each row, built on the first
	// filter and never written after (a background filter reads it).
	lower []string
	// order, when set, is the order rows are shown in (see SetOrder).
	order []int32
	// seq numbers filterings: a background result applies only if no
	// filtering started after it. pending says one is running.
	seq     int
	pending bool
	// done holds the results of the filter shown and of the filters it
	// narrows (those typed before it, see match.Query.Narrows), in the
	// current order: a filter typed on ranks the matches of the closest
	// one, and one typed back (backspace) is shown again without ranking.
	done []filtered
	// Rank orders a filter's matches best first (tables, pickers); without
	// it matches keep their order and their headings (the overview, the
	// detail).
	Rank bool
	// Background is the number of rows above which a ranked list filters
	// in a tea.Cmd (FilterCmd); 0 means BackgroundRows.
	Background int
}

// BackgroundRows is the default Background: ranking 10,000 rows takes
// about 2 ms on the key path, 200,000 rows about 70 ms.
const BackgroundRows = 10000

// filtered is one filter's result: its rows ranked (shown) and its
// matches in the list's order (matched, the candidates of a narrower
// filter). Neither is written after it is made.
type filtered struct {
	q       match.Query
	shown   []int32
	matched []int32
}

// maxDone bounds the results kept for narrowing.
const maxDone = 16

// FilteredMsg carries a filter's result computed in the background; the
// owner hands it back to the list's Landed.
type FilteredMsg struct {
	l   *Model
	seq int
	res filtered
}

// List returns the list the result is for.
func (m FilteredMsg) List() *Model { return m.l }

// New returns an empty list drawn with th.
func New(th *style.Theme) *Model { return &Model{th: th} }

// SetRows replaces the rows, keeping the filter and, where it can, the
// cursor position. The list keeps rows: the caller does not change them
// after (a background filter reads their texts).
func (l *Model) SetRows(rows []Row) {
	l.rows = rows
	l.lower, l.order, l.done = nil, nil, nil
	l.applyFilter()
}

// Rows returns every row, shown or not.
func (l *Model) Rows() []Row { return l.rows }

// SetSize sets the window, in cells and lines.
func (l *Model) SetSize(w, h int) {
	if h > l.height && l.cursor < h-1 {
		l.offset = 0 // grown: show the top again when the cursor allows
	}
	l.width, l.height = w, h
	l.Clamp()
}

// Height is the window's height in lines.
func (l *Model) Height() int { return l.height }

// SetOrder shows the rows in a new order without moving them: order
// holds indices into the rows given to SetRows, each once, and is not
// changed after (a background filter reads it). A table sorts this way,
// so its rows and their filter keys are built once.
func (l *Model) SetOrder(order []int32) {
	l.order, l.done = order, nil
	l.applyFilter()
}

// SetFilter narrows the rows to those matching f (package match), at
// once. A new filter puts the cursor on the first (best) match; clearing
// it keeps the row that was selected.
func (l *Model) SetFilter(f string) {
	if f == l.filter {
		l.applyFilter()
		return
	}
	prev := l.startFilter(f)
	l.applyFilter()
	l.reselect(prev)
}

// FilterCmd is SetFilter for a list that may be long. A ranked list of
// more than Background rows records f at once (Filter returns it), keeps
// showing the rows it shows (Filtering reports the wait) and ranks them in
// the returned command, whose FilteredMsg the owner hands to Landed; a
// result applies only if no filtering started after it. Shorter lists,
// clearing the filter, and a filter whose result is at hand (typed back)
// filter at once and return nil.
func (l *Model) FilterCmd(f string) tea.Cmd {
	if f == l.filter {
		return nil // its result is shown, or on its way
	}
	q := match.Parse(f)
	if !l.Rank || len(l.rows) <= l.background() || q.Empty() || l.known(q) != nil {
		l.SetFilter(f)
		return nil
	}
	l.filter = f // the cursor stays on the rows shown until the result lands
	l.buildLower()
	l.seq++
	l.pending = true
	seq, texts, cands := l.seq, l.lower, l.candidates(q)
	return func() tea.Msg {
		ranked, matched := q.Filter(texts, cands)
		return FilteredMsg{l: l, seq: seq, res: filtered{q: q, shown: ranked, matched: matched}}
	}
}

// Landed shows a background filter's result if no filtering started
// after it, with the cursor on the first match.
func (l *Model) Landed(m FilteredMsg) {
	if m.l != l || m.seq != l.seq {
		return // stale: a newer filter, order or rows came after it
	}
	l.pending = false
	l.remember(m.res)
	l.shown = m.res.shown
	l.cursor, l.offset = 0, 0
	l.Settle(1)
	l.Clamp()
}

// Filtering reports whether a background filter has not landed: the rows
// shown are those of the filter before it.
func (l *Model) Filtering() bool { return l.pending }

func (l *Model) background() int {
	if l.Background > 0 {
		return l.Background
	}
	return BackgroundRows
}

// startFilter records a new filter and returns the row that was selected.
func (l *Model) startFilter(f string) int32 {
	prev := int32(-1)
	if l.cursor >= 0 && l.cursor < len(l.shown) {
		prev = l.shown[l.cursor]
	}
	l.cursor, l.offset = 0, 0
	l.filter = f
	return prev
}

// reselect keeps row prev selected after the filter was cleared.
func (l *Model) reselect(prev int32) {
	if strings.TrimSpace(l.filter) != "" || prev < 0 {
		return
	}
	for c, i := range l.shown {
		if i == prev {
			l.cursor = c
			l.offset = max(0, c-l.height/3)
			l.Clamp()
			break
		}
	}
}

// Filter returns the filter in force, "" for none.
func (l *Model) Filter() string { return l.filter }

func (l *Model) buildLower() {
	if l.lower != nil {
		return
	}
	lower := make([]string, len(l.rows))
	for i, r := range l.rows {
		if !r.Skip {
			lower[i] = match.Lower(r.PlainText())
		}
	}
	l.lower = lower
}

// known returns the result of a filter with q's words, if one is kept.
func (l *Model) known(q match.Query) *filtered {
	for k := range l.done {
		if l.done[k].q.Equal(q) {
			return &l.done[k]
		}
	}
	return nil
}

// candidates returns the rows q must be tried on: the matches of the
// narrowest kept filter that q narrows, else every row in order.
func (l *Model) candidates(q match.Query) []int32 {
	var best []int32
	found := false
	for _, d := range l.done {
		if q.Narrows(d.q) && (!found || len(d.matched) < len(best)) {
			best, found = d.matched, true
		}
	}
	if !found {
		return l.order
	}
	if best == nil {
		best = []int32{} // nothing matched: nothing to try (nil means every row)
	}
	return best
}

// remember keeps a result for narrowing: only the results that it
// narrows stay with it (the filters typed before it), the last maxDone.
func (l *Model) remember(r filtered) {
	keep := l.done[:0:0]
	for _, d := range l.done {
		if r.q.Narrows(d.q) && !r.q.Equal(d.q) {
			keep = append(keep, d)
		}
	}
	keep = append(keep, r)
	if len(keep) > maxDone {
		keep = keep[len(keep)-maxDone:]
	}
	l.done = keep
}

// applyFilter filters at once, dropping any background result on its way.
func (l *Model) applyFilter() {
	l.seq++
	l.pending = false
	q := match.Parse(l.filter)
	switch {
	case q.Empty():
		shown := make([]int32, 0, len(l.rows))
		for k := range l.rows {
			i := int32(k)
			if l.order != nil {
				i = l.order[k]
			}
			shown = append(shown, i)
		}
		l.shown = shown
	case l.Rank:
		l.buildLower()
		var r filtered
		if k := l.known(q); k != nil {
			r = *k // typed back: shown again, and the longer filters dropped
		} else {
			ranked, matched := q.Filter(l.lower, l.candidates(q))
			r = filtered{q: q, shown: ranked, matched: matched}
		}
		l.remember(r)
		l.shown = r.shown // skip rows have no text: no filter matches them
	default:
		l.buildLower()
		l.shown = nil
		l.keepHeadings(q)
	}
	l.cursor = min(l.cursor, max(len(l.shown)-1, 0))
	l.Settle(1)
	l.Clamp()
}

// keepHeadings shows the matching rows in order, each under its headings
// (a section title and a column header are two headings in a row).
func (l *Model) keepHeadings(q match.Query) {
	var heads []int32
	inHeads := false
	for k := range l.rows {
		i := int32(k)
		if l.order != nil {
			i = l.order[k]
		}
		r := l.rows[i]
		switch {
		case r.Heading:
			if !inHeads {
				heads = heads[:0]
			}
			heads = append(heads, i)
			inHeads = true
		case r.Skip:
		default:
			inHeads = false
			if q.Matches(l.lower[i]) {
				l.shown = append(l.shown, heads...)
				heads = heads[:0]
				l.shown = append(l.shown, i)
			}
		}
	}
}

// Settle moves the cursor off skip rows, in direction dir first.
func (l *Model) Settle(dir int) {
	for _, d := range []int{dir, -dir} {
		for c := l.cursor; c >= 0 && c < len(l.shown); c += d {
			if !l.rows[l.shown[c]].Skip {
				l.cursor = c
				return
			}
		}
	}
}

// Clamp keeps the cursor inside the window.
func (l *Model) Clamp() {
	if l.height <= 0 {
		return
	}
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+l.height {
		l.offset = l.cursor - l.height + 1
	}
	l.offset = max(0, min(l.offset, len(l.shown)-l.height))
}

// Cursor is the cursor's position among the rows shown.
func (l *Model) Cursor() int { return l.cursor }

// SetCursor puts the cursor at a position among the rows shown, on the
// next row that is not a skip row.
func (l *Model) SetCursor(c int) {
	l.cursor = max(0, min(c, len(l.shown)-1))
	l.Settle(1)
	l.Clamp()
}

// Offset is the first row shown in the window.
func (l *Model) Offset() int { return l.offset }

// SetOffset scrolls the window to start at row o (the cursor stays in it).
func (l *Model) SetOffset(o int) {
	l.offset = max(0, o)
	l.Clamp()
}

// Move moves the cursor by delta rows, skipping headers.
func (l *Model) Move(delta int) {
	if len(l.shown) == 0 {
		return
	}
	dir := 1
	if delta < 0 {
		dir = -1
	}
	c := max(0, min(l.cursor+delta, len(l.shown)-1))
	for c >= 0 && c < len(l.shown) && l.rows[l.shown[c]].Skip {
		c += dir
	}
	if c >= 0 && c < len(l.shown) {
		l.cursor = c
	} else if delta < 0 && (delta == -1 || c < 0) {
		l.offset = 0 // at the top: show the headers above the first row
	}
	l.Clamp()
}

// Select puts the cursor on the first row for which match is true.
func (l *Model) Select(match func(Row) bool) bool {
	for c, i := range l.shown {
		if match(l.rows[i]) {
			l.cursor = c
			l.offset = max(0, c-l.height/3)
			l.Clamp()
			return true
		}
	}
	return false
}

// HandleMove applies a movement key; it reports whether msg was one.
func (l *Model) HandleMove(msg tea.KeyMsg) bool {
	switch {
	case key.Matches(msg, keys.Up):
		l.Move(-1)
	case key.Matches(msg, keys.Down):
		l.Move(1)
	case key.Matches(msg, keys.PageUp):
		l.Move(-max(1, l.height-1))
	case key.Matches(msg, keys.PageDown):
		l.Move(max(1, l.height-1))
	case key.Matches(msg, keys.Top):
		l.cursor = 0
		l.offset = 0
		l.Settle(1)
		l.Clamp()
	case key.Matches(msg, keys.Bottom):
		l.cursor = max(0, len(l.shown)-1)
		l.Settle(-1)
		l.Clamp()
	default:
		return false
	}
	return true
}

// ScrollX scrolls the window sideways by delta cells (not before the
// start); it reports whether it moved.
func (l *Model) ScrollX(delta int) bool {
	x := max(0, l.xoff+delta)
	moved := x != l.xoff
	l.xoff = x
	return moved
}

// XOffset is the horizontal scroll, in cells.
func (l *Model) XOffset() int { return l.xoff }

// ClickLine puts the cursor on the row shown at line (0 is the window's
// first line). It reports whether that row was already selected (a second
// click opens it) and whether there was a row there at all.
func (l *Model) ClickLine(line int) (again, ok bool) {
	c := l.offset + line
	if line < 0 || line >= l.height || c >= len(l.shown) || l.rows[l.shown[c]].Skip {
		return false, false
	}
	again = c == l.cursor
	l.cursor = c
	l.Clamp()
	return again, true
}

// Current returns the row under the cursor.
func (l *Model) Current() (Row, bool) {
	if l.cursor < 0 || l.cursor >= len(l.shown) {
		return Row{}, false
	}
	r := l.rows[l.shown[l.cursor]]
	return r, !r.Skip
}

// SelectedID is the ID of the row under the cursor, "" when it has none.
func (l *Model) SelectedID() string {
	if r, ok := l.Current(); ok {
		return r.ID
	}
	return ""
}

// Len is the number of rows shown.
func (l *Model) Len() int { return len(l.shown) }

// Shown returns the rows shown, in order.
func (l *Model) Shown() []Row {
	out := make([]Row, len(l.shown))
	for i, k := range l.shown {
		out[i] = l.rows[k]
	}
	return out
}

// View renders the window of rows. The selected row is marked "▌" in the
// focused list and "▏" in one that is not, so the focus reads without
// colour, and highlighted.
func (l *Model) View(focused bool) string {
	var b strings.Builder
	end := min(l.offset+l.height, len(l.shown))
	for c := l.offset; c < end; c++ {
		r := l.rows[l.shown[c]]
		if c > l.offset {
			b.WriteByte('\n')
		}
		if c == l.cursor && !r.Skip {
			line := l.cut(termsafe.Line(r.Styled(), false))
			pad := strings.Repeat(" ", max(0, l.width-1-ansi.StringWidth(line)))
			st, mark := l.th.SelectedDim, "▏"
			if focused {
				st, mark = l.th.Selected, "▌"
			}
			b.WriteString(l.th.Marker.Render(mark) + st.Render(line+pad))
			continue
		}
		// A row is one line whatever its values hold (termsafe.Line).
		b.WriteString(" " + l.cut(termsafe.Line(r.Styled(), l.th.Styled)))
	}
	switch {
	case len(l.shown) == 0 && l.pending:
		b.WriteString(l.th.Dim.Render(" filtering… /" + termsafe.String(l.filter)))
	case len(l.shown) == 0 && l.filter != "":
		b.WriteString(l.th.Dim.Render(" no rows match /" + termsafe.String(l.filter)))
	}
	for n := max(end-l.offset, 1); n < l.height; n++ {
		b.WriteByte('\n')
	}
	return b.String()
}

// cut fits a line into the window after the horizontal scroll.
func (l *Model) cut(s string) string {
	if l.xoff > 0 {
		s = ansi.TruncateLeft(s, l.xoff, "…")
	}
	return ansi.Truncate(s, l.width-1, "…")
}

// Position returns the cursor's row number from 1 and the rows shown, for
// a "12/345" count.
func (l *Model) Position() (int, int) { return l.cursor + 1, len(l.shown) }
