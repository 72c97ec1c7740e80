package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/sahilm/fuzzy"
)

// picker chooses one of many candidates by fuzzy match. Matching a big
// account takes longer than a frame, so above syncLimit candidates it runs
// in a tea.Cmd and results carry a sequence number; stale ones are dropped.
type picker struct {
	th      *theme
	title   string
	cands   []candidate
	labels  []string
	in      lineInput
	list    *lineList
	seq     int
	pending bool
	// done is set when the user picked or cancelled; the owner checks it
	// right after Update, so keys typed next cannot race the choice.
	done *pickedMsg
	hint string
	w, h int
}

const syncLimit = 4000

// pickerResultMsg carries the matches for the query with sequence seq.
type pickerResultMsg struct {
	seq  int
	rows []row
}

// pickedMsg is the user's choice ("" when cancelled).
type pickedMsg struct {
	spec, label string
	cancelled   bool
}

func newPicker(th *theme, title string, cands []candidate, labels []string) (*picker, tea.Cmd) {
	p := &picker{th: th, title: title, cands: cands, labels: labels, list: newLineList(th)}
	return p, p.search()
}

const pickerMax = 200

// search starts matching the current query.
func (p *picker) search() tea.Cmd {
	p.seq++
	seq, q, cands, labels := p.seq, strings.TrimSpace(p.in.value), p.cands, p.labels
	run := func() tea.Msg {
		var rows []row
		if q == "" {
			for i := range min(len(cands), pickerMax) {
				rows = append(rows, row{text: labels[i], data: i})
			}
		} else {
			for _, m := range fuzzy.Find(q, labels) {
				if len(rows) == pickerMax {
					break
				}
				rows = append(rows, row{text: labels[m.Index], data: m.Index})
			}
		}
		return pickerResultMsg{seq: seq, rows: rows}
	}
	if len(cands) <= syncLimit {
		p.apply(run().(pickerResultMsg))
		return nil
	}
	p.pending = true
	return run
}

func (p *picker) apply(m pickerResultMsg) {
	if m.seq != p.seq {
		return
	}
	p.pending = false
	p.list.SetRows(m.rows)
	p.list.cursor, p.list.offset = 0, 0
}

func (p *picker) SetSize(w, h int) {
	p.w, p.h = w, h
	p.list.SetSize(w, max(1, h-2))
}

func (p *picker) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case pickerResultMsg:
		p.apply(msg)
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, keys.Cancel):
			p.done = &pickedMsg{cancelled: true}
		case key.Matches(msg, keys.Accept):
			if r, ok := p.list.Current(); ok && !p.pending {
				c := p.cands[r.data.(int)]
				p.done = &pickedMsg{spec: c.spec, label: c.label}
			} else if v := strings.TrimSpace(p.in.value); v != "" {
				p.done = &pickedMsg{spec: v, label: v}
			}
		case msg.Type == tea.KeyUp || msg.Type == tea.KeyCtrlP:
			p.list.Move(-1)
		case msg.Type == tea.KeyDown || msg.Type == tea.KeyCtrlN || msg.Type == tea.KeyTab:
			p.list.Move(1)
		case msg.Type == tea.KeyPgUp:
			p.list.Move(-p.list.height)
		case msg.Type == tea.KeyPgDown:
			p.list.Move(p.list.height)
		default:
			if p.in.Update(msg) {
				return p.search()
			}
		}
	}
	return nil
}

func (p *picker) View() string {
	th := p.th
	hint := p.hint
	if hint == "" {
		hint = "type to fuzzy-match IDs, Name tags, IPs or 'internet' · ↑↓ choose · enter pick · esc cancel"
	}
	head := th.title.Render(p.title) + "  " + th.dim.Render(hint)
	status := ""
	switch {
	case p.pending:
		status = th.dim.Render("matching…")
	case p.list.Len() == 0:
		status = th.dim.Render("no match: enter uses what you typed (an IP, ID or Name tag)")
	default:
		n := p.list.Len()
		status = th.dim.Render(strings.TrimSpace(strings.Join([]string{itoa(n), "matches"}, " ")))
		if n == pickerMax {
			status = th.dim.Render("first 200 matches: type more to narrow")
		}
	}
	return ansi.Truncate(head, p.w, "…") + "\n" +
		th.key.Render("> ") + p.in.View(th) + "  " + status + "\n" +
		p.list.View(true)
}
