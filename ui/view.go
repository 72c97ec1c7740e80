package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/internal/termsafe"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/reach"
)

// view is one screen of the explorer. The top model routes messages to the
// active view, draws the frame around it, and keeps the history of views.
type view interface {
	// Update handles a message; key messages reach it only when no global
	// binding took them.
	Update(msg tea.Msg) tea.Cmd
	// View renders the body, exactly the size last given to SetSize.
	View() string
	SetSize(width, height int)
	// Crumbs say where the view is: the top-level section first.
	Crumbs() []string
	// Keys are the view's own bindings, for the help screen and footer.
	Keys() []key.Binding
	// Selected is the ID of the resource under the cursor, or "".
	Selected() string
}

// filterable views narrow their rows to those matching a filter.
type filterable interface {
	SetFilter(string)
	Filter() string
}

// paned views have panes that tab moves between.
type paned interface{ NextPane(delta int) }

// capturing views are editing text: they get every key but ctrl+c.
type capturing interface{ Capturing() bool }

// ownedMsg is a result for one view (a trace, a who-can-reach query): the
// top model delivers it to that view even when another is on screen.
type ownedMsg interface{ ownerView() view }

// Messages between views and the top model.
type (
	// openMsg asks to open the detail view of a resource, optionally
	// landing on a rule.
	openMsg struct {
		id    string
		focus *ruleFocus
	}
	// tabMsg switches to a top-level section.
	tabMsg struct{ tab int }
	// traceMsg opens the trace view with its endpoints set (empty keeps
	// the current one) and runs it when both are set.
	traceMsg struct{ from, to string }
	// whoMsg opens who-can-reach for a resource.
	whoMsg struct{ id string }
	// listMsg opens the lists section at a kind.
	listMsg struct{ kind string }
	// flashMsg shows a one-line note in the status bar.
	flashMsg struct {
		text string
		err  bool
	}
	// whatIfMsg asks the top model to change the what-if overlay.
	whatIfMsg struct {
		op wiOp
		// edit is the change for wiApply.
		edit edit.Edit
		// id, list and slot name the rule for wiToggle: its position in
		// the overlay's Rules(id, list).
		id   string
		list edit.List
		slot int
	}
)

// wiOp is what a whatIfMsg asks for.
type wiOp int

const (
	wiApply  wiOp = iota // apply an edit
	wiToggle             // disable a rule, or put a disabled one back
	wiReset              // undo every edit
)

// ruleFocus says which rule the detail view should land on, and why.
type ruleFocus struct {
	ref reach.RuleRef
	// hop is the trace hop that pointed at the rule.
	hop *reach.Hop
	// query is the trace's flow, for what-if prefill.
	query *flowDesc
	// near are the rules the engine names as closest to letting the
	// traced packet through (indexes into the what-if overlay).
	near []reach.RuleRef
}

func cmdOf(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

func flash(format string) tea.Cmd { return cmdOf(flashMsg{text: format}) }

// row is one line of a lineList.
type row struct {
	// text is the line, possibly styled.
	text string
	// plain is the line without styles, used when the row is selected and
	// for filtering; "" means text has no styles.
	plain string
	// id is the resource the row stands for; "" for rows that open nothing.
	id string
	// skip rows (headers, blank lines) are passed over by the cursor.
	skip bool
	// data is what the owning view attaches to the row.
	data any
	// lazy, when set, renders text on demand: only visible rows pay for
	// their styles.
	lazy func() string
}

func (r row) styled() string {
	if r.lazy != nil {
		return r.lazy()
	}
	return r.text
}

func (r row) plainText() string {
	switch {
	case r.plain != "":
		return r.plain
	case r.lazy != nil:
		return ansi.Strip(r.lazy())
	}
	return ansi.Strip(r.text)
}

// lineList is a virtualised list of rows with a cursor: View renders only
// the rows in the window, so its cost does not grow with the list.
type lineList struct {
	th            *theme
	rows          []row
	shown         []int // indices into rows after filtering
	cursor        int   // index into shown
	offset        int
	width, height int
	filter        string
	lower         []string // lowercased plain text, built on first filter
	// order, when set, is the order rows are shown in (see SetOrder).
	order []int32
}

func newLineList(th *theme) *lineList { return &lineList{th: th} }

// SetRows replaces the rows, keeping the filter and, where it can, the
// cursor position.
func (l *lineList) SetRows(rows []row) {
	l.rows = rows
	l.lower, l.order = nil, nil
	l.applyFilter()
}

func (l *lineList) SetSize(w, h int) {
	if h > l.height && l.cursor < h-1 {
		l.offset = 0 // grown: show the top again when the cursor allows
	}
	l.width, l.height = w, h
	l.clamp()
}

// SetOrder shows the rows in a new order without moving them: order
// holds indices into the rows given to SetRows, each once. A table sorts
// this way, so its rows and their filter keys are built once.
func (l *lineList) SetOrder(order []int32) {
	l.order = order
	l.applyFilter()
}

func (l *lineList) SetFilter(f string) {
	l.filter = f
	l.applyFilter()
}

func (l *lineList) Filter() string { return l.filter }

func (l *lineList) applyFilter() {
	l.shown = l.shown[:0]
	f := strings.ToLower(strings.TrimSpace(l.filter))
	if f != "" && l.lower == nil {
		l.lower = make([]string, len(l.rows))
		for i, r := range l.rows {
			l.lower[i] = strings.ToLower(r.plainText())
		}
	}
	for k := range l.rows {
		i := k
		if l.order != nil {
			i = int(l.order[k])
		}
		if f == "" || (!l.rows[i].skip && strings.Contains(l.lower[i], f)) {
			l.shown = append(l.shown, i)
		}
	}
	l.cursor = min(l.cursor, max(len(l.shown)-1, 0))
	l.settle(1)
	l.clamp()
}

// settle moves the cursor off skip rows, in direction dir first.
func (l *lineList) settle(dir int) {
	for _, d := range []int{dir, -dir} {
		for c := l.cursor; c >= 0 && c < len(l.shown); c += d {
			if !l.rows[l.shown[c]].skip {
				l.cursor = c
				return
			}
		}
	}
}

func (l *lineList) clamp() {
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

// Move moves the cursor by delta rows, skipping headers.
func (l *lineList) Move(delta int) {
	if len(l.shown) == 0 {
		return
	}
	dir := 1
	if delta < 0 {
		dir = -1
	}
	c := max(0, min(l.cursor+delta, len(l.shown)-1))
	for c >= 0 && c < len(l.shown) && l.rows[l.shown[c]].skip {
		c += dir
	}
	if c >= 0 && c < len(l.shown) {
		l.cursor = c
	} else if delta < 0 && (delta == -1 || c < 0) {
		l.offset = 0 // at the top: show the headers above the first row
	}
	l.clamp()
}

// Select puts the cursor on the first row for which match is true.
func (l *lineList) Select(match func(row) bool) bool {
	for c, i := range l.shown {
		if match(l.rows[i]) {
			l.cursor = c
			l.offset = max(0, c-l.height/3)
			l.clamp()
			return true
		}
	}
	return false
}

// HandleMove applies a movement key; it reports whether msg was one.
func (l *lineList) HandleMove(msg tea.KeyMsg) bool {
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
		l.settle(1)
		l.clamp()
	case key.Matches(msg, keys.Bottom):
		l.cursor = max(0, len(l.shown)-1)
		l.settle(-1)
		l.clamp()
	default:
		return false
	}
	return true
}

// ClickLine puts the cursor on the row shown at line (0 is the window's
// first line). It reports whether that row was already selected (a second
// click opens it) and whether there was a row there at all.
func (l *lineList) ClickLine(line int) (again, ok bool) {
	c := l.offset + line
	if line < 0 || line >= l.height || c >= len(l.shown) || l.rows[l.shown[c]].skip {
		return false, false
	}
	again = c == l.cursor
	l.cursor = c
	l.clamp()
	return again, true
}

// Current returns the row under the cursor.
func (l *lineList) Current() (row, bool) {
	if l.cursor < 0 || l.cursor >= len(l.shown) {
		return row{}, false
	}
	r := l.rows[l.shown[l.cursor]]
	return r, !r.skip
}

// Len is the number of rows shown.
func (l *lineList) Len() int { return len(l.shown) }

// View renders the window of rows; the selected one is marked with "▌" and
// highlighted when focused.
func (l *lineList) View(focused bool) string {
	var b strings.Builder
	end := min(l.offset+l.height, len(l.shown))
	for c := l.offset; c < end; c++ {
		r := l.rows[l.shown[c]]
		if c > l.offset {
			b.WriteByte('\n')
		}
		if c == l.cursor && !r.skip {
			line := ansi.Truncate(termsafe.Line(r.styled(), false), l.width-1, "…")
			pad := strings.Repeat(" ", max(0, l.width-1-ansi.StringWidth(line)))
			st := l.th.selectedDim
			if focused {
				st = l.th.selected
			}
			b.WriteString(l.th.marker.Render("▌") + st.Render(line+pad))
			continue
		}
		// A row is one line whatever its values hold (see safe).
		b.WriteString(" " + ansi.Truncate(termsafe.Line(r.styled(), l.th.styled), l.width-1, "…"))
	}
	if len(l.shown) == 0 {
		if l.filter != "" {
			b.WriteString(l.th.dim.Render(" no rows match /" + l.filter))
		}
	}
	for n := max(end-l.offset, 1); n < l.height; n++ {
		b.WriteByte('\n')
	}
	return b.String()
}

// Scroll renders "12/345" for the footer of a list.
func (l *lineList) Position() (int, int) { return l.cursor + 1, len(l.shown) }
