// Package picker chooses one of many candidates as the user types, with
// the explorer's one matcher (package match). Matching a big account takes
// longer than a frame, so above syncLimit candidates it runs in a tea.Cmd
// and results carry a sequence number; stale ones are dropped. Enter picks
// the highlighted match — and while matching is still running it waits for
// the result, keeping the keys typed meanwhile for whoever gets the pick:
// it never picks the raw text or a stale list because it was fast.
package picker

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/ui/component/list"
	"github.com/vpcscope/vpcscope/ui/component/textinput"
	"github.com/vpcscope/vpcscope/ui/keys"
	"github.com/vpcscope/vpcscope/ui/match"
	"github.com/vpcscope/vpcscope/ui/style"
)

// Candidate is one thing that can be picked.
type Candidate struct {
	// Spec is what picking it gives (an ID, "internet", "tab:2").
	Spec string
	// Label is what shows and what the query matches.
	Label string
	// Last ranks it after every other match (a terminated instance).
	Last bool
}

// Source is a set of candidates with their labels prepared for matching,
// built once and shared by every picker opened on it.
type Source struct {
	cands []Candidate
	lower []string
}

// NewSource prepares candidates for matching.
func NewSource(cands []Candidate) *Source {
	s := &Source{cands: cands, lower: make([]string, len(cands))}
	for i, c := range cands {
		s.lower[i] = match.Lower(c.Label)
	}
	return s
}

// Len is the number of candidates.
func (s *Source) Len() int { return len(s.cands) }

// Model is a picker.
type Model struct {
	th      *style.Theme
	title   string
	src     *Source
	in      textinput.Model
	list    *list.Model
	seq     int
	pending bool
	// accept is set when enter came while matching ran: the result picks.
	accept bool
	queued []tea.KeyMsg
	done   *Picked
	// Hint replaces the line of help under the title.
	Hint string
	w, h int
}

// syncLimit is the number of candidates matched on the key path.
const syncLimit = 4000

// maxShown is the number of matches shown.
const maxShown = 200

// ResultMsg carries the matches for a query; the owner hands it back to
// the picker's Update.
type ResultMsg struct {
	p    *Model
	seq  int
	rows []list.Row
}

// For reports whether the result belongs to picker p.
func (m ResultMsg) For(p *Model) bool { return m.p == p }

// Picked is the user's choice.
type Picked struct {
	Spec, Label string
	Cancelled   bool
	// Queued are the keys typed after enter while the pick waited for
	// matching to finish, to be handled by whoever took the pick.
	Queued []tea.KeyMsg
}

// New opens a picker on a source; the command runs the first match.
func New(th *style.Theme, title string, src *Source) (*Model, tea.Cmd) {
	p := &Model{th: th, title: title, src: src, list: list.New(th)}
	p.in.Label = strings.ToLower(title)
	return p, p.search()
}

// Done returns the choice once the user picked or cancelled, else nil.
// The owner checks it right after Update, so keys typed next cannot race
// the choice.
func (p *Model) Done() *Picked { return p.done }

// Pending reports whether matching is running.
func (p *Model) Pending() bool { return p.pending }

// Query returns the text typed.
func (p *Model) Query() string { return p.in.Value }

// Label names the field being edited, for the footer.
func (p *Model) Label() string { return p.in.Label }

// search starts matching the current query.
func (p *Model) search() tea.Cmd {
	p.seq++
	seq, q, src := p.seq, match.Parse(p.in.Value), p.src
	run := func() tea.Msg {
		var order []int32
		if q.Empty() {
			for i := range min(len(src.cands), maxShown) {
				order = append(order, int32(i))
			}
		} else {
			order = q.Rank(src.lower, nil)
		}
		var rows, last []list.Row
		for _, i := range order {
			r := list.Row{Text: src.cands[i].Label, Data: int(i)}
			if src.cands[i].Last {
				last = append(last, r)
			} else {
				rows = append(rows, r)
			}
		}
		rows = append(rows, last...)
		if len(rows) > maxShown {
			rows = rows[:maxShown]
		}
		return ResultMsg{p: p, seq: seq, rows: rows}
	}
	if src.Len() <= syncLimit {
		p.apply(run().(ResultMsg))
		return nil
	}
	p.pending = true
	return run
}

func (p *Model) apply(m ResultMsg) {
	if m.seq != p.seq {
		return
	}
	p.pending = false
	p.list.SetRows(m.rows)
	p.list.SetCursor(0)
	p.list.SetOffset(0)
	if p.accept {
		p.pick()
	}
}

// pick takes the highlighted match, or the text typed when nothing
// matches (an address or ID the candidates do not list).
func (p *Model) pick() {
	if r, ok := p.list.Current(); ok {
		c := p.src.cands[r.Data.(int)]
		p.done = &Picked{Spec: c.Spec, Label: c.Label, Queued: p.queued}
		return
	}
	if v := strings.TrimSpace(p.in.Value); v != "" {
		p.done = &Picked{Spec: v, Label: v, Queued: p.queued}
		return
	}
	p.accept, p.queued = false, nil // nothing to pick: keep the picker open
}

// SetSize sets the picker's size.
func (p *Model) SetSize(w, h int) {
	p.w, p.h = w, h
	p.list.SetSize(w, max(1, h-2))
}

// Update handles a key or a ResultMsg.
func (p *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ResultMsg:
		if msg.p == p {
			p.apply(msg)
		}
	case tea.KeyMsg:
		if p.accept {
			// enter was pressed while matching ran: the keys after it
			// belong to what comes after the pick
			p.queued = append(p.queued, msg)
			return nil
		}
		switch {
		case key.Matches(msg, keys.Cancel):
			p.done = &Picked{Cancelled: true}
		case key.Matches(msg, keys.Accept):
			p.accept = true
			if !p.pending {
				p.pick()
			}
		case msg.Type == tea.KeyUp || msg.Type == tea.KeyCtrlP:
			p.list.Move(-1)
		case msg.Type == tea.KeyDown || msg.Type == tea.KeyCtrlN || msg.Type == tea.KeyTab:
			p.list.Move(1)
		case msg.Type == tea.KeyPgUp:
			p.list.Move(-p.list.Height())
		case msg.Type == tea.KeyPgDown:
			p.list.Move(p.list.Height())
		default:
			if p.in.Update(msg) {
				return p.search()
			}
		}
	}
	return nil
}

// View renders the title, the query and the matches.
func (p *Model) View() string {
	th := p.th
	hint := p.Hint
	if hint == "" {
		hint = "type to match names, IDs, IPs or 'internet' · ↑↓ choose · enter pick · esc cancel"
	}
	head := th.Title.Render(p.title) + "  " + th.Dim.Render(hint)
	status := ""
	switch {
	case p.pending && p.accept:
		status = th.Dim.Render("matching… enter picks the first match when it is done")
	case p.pending:
		status = th.Dim.Render("matching…")
	case p.list.Len() == 0:
		status = th.Dim.Render("no match: enter uses what you typed (an IP, ID or Name tag)")
	default:
		n := p.list.Len()
		status = th.Dim.Render(itoa(n) + " matches")
		if n == maxShown {
			status = th.Dim.Render("first 200 matches: type more to narrow")
		}
	}
	return ansi.Truncate(head, p.w, "…") + "\n" +
		th.Key.Render("> ") + p.in.View(th) + "  " + status + "\n" +
		p.list.View(true)
}

func itoa(n int) string { return strconv.Itoa(n) }
