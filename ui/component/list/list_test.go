package list

import (
	"fmt"
	tea "github.com/charmbracelet/bubbletea"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/vpcscope/vpcscope/ui/style"
)

func theme() *style.Theme {
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.Ascii)
	return style.New(r, true)
}

func texts(l *Model) []string {
	var out []string
	for _, r := range l.Shown() {
		out = append(out, r.PlainText())
	}
	return out
}

// TestFilterKeepsHeadings: without ranking, a filter keeps the matching
// rows in order under their headings (a section title and a column header
// both), and drops the headings of sections with no match.
func TestFilterKeepsHeadings(t *testing.T) {
	l := New(theme())
	l.SetSize(80, 20)
	l.SetRows([]Row{
		{Text: "Resources", Skip: true, Heading: true},
		{Text: "kind count", Skip: true, Heading: true},
		{Text: "nat-gateway 4"},
		{Text: "vpc 10"},
		{Text: "", Skip: true},
		{Text: "Findings", Skip: true, Heading: true},
		{Text: "open-admin-sg"},
	})
	l.SetFilter("nat")
	if got, want := texts(l), []string{"Resources", "kind count", "nat-gateway 4"}; !slices.Equal(got, want) {
		t.Errorf("shown %q, want %q", got, want)
	}
	if r, ok := l.Current(); !ok || r.Text != "nat-gateway 4" {
		t.Errorf("the cursor is on %q", r.Text)
	}
	l.SetFilter("")
	if len(l.Shown()) != 7 {
		t.Errorf("clearing the filter shows %d rows", len(l.Shown()))
	}
}

// TestRankedFilter: with ranking, matches come best tier first.
func TestRankedFilter(t *testing.T) {
	l := New(theme())
	l.Rank = true
	l.SetSize(80, 20)
	l.SetRows([]Row{{Text: "dev-build-1a"}, {Text: "app-db-2"}, {Text: "db-1a"}, {Text: "web-1a"}})
	l.SetFilter("db")
	if got, want := texts(l), []string{"db-1a", "app-db-2", "dev-build-1a"}; !slices.Equal(got, want) {
		t.Errorf("shown %q, want %q", got, want)
	}
}

// TestFilterMovesToTheBestMatchAndBack: a new filter selects its first
// match; clearing the filter keeps the row selected under it.
func TestFilterMovesToTheBestMatchAndBack(t *testing.T) {
	l := New(theme())
	l.Rank = true
	l.SetSize(80, 3)
	l.SetRows([]Row{{Text: "web-1a"}, {Text: "app-1a"}, {Text: "dev-build-1a"}, {Text: "x"}, {Text: "db-1a"}})
	l.Move(1)
	l.SetFilter("db")
	if r, _ := l.Current(); r.Text != "db-1a" {
		t.Errorf("after /db the cursor is on %q, want db-1a", r.Text)
	}
	l.Move(1) // dev-build-1a
	l.SetFilter("")
	if r, _ := l.Current(); r.Text != "dev-build-1a" {
		t.Errorf("after clearing the cursor is on %q, want dev-build-1a", r.Text)
	}
}

// land runs a background filter's command and hands its result back.
func land(t *testing.T, l *Model, cmd tea.Cmd) {
	t.Helper()
	if cmd == nil {
		t.Fatal("the filter ran at once: no command to land")
	}
	l.Landed(cmd().(FilteredMsg))
}

func bigList(rows ...string) *Model {
	l := New(theme())
	l.Rank = true
	l.Background = 1 // every list of two rows or more filters in the background
	l.SetSize(80, 20)
	var rs []Row
	for _, r := range rows {
		rs = append(rs, Row{Text: r, ID: r})
	}
	l.SetRows(rs)
	return l
}

// TestBackgroundFilterAppliesOnlyTheNewest: keys typed quickly each start
// a ranking; results landing out of order apply only if they are the
// newest filter's: until then the list shows its previous rows, marked.
func TestBackgroundFilterAppliesOnlyTheNewest(t *testing.T) {
	all := []string{"db-1a", "web-1a", "web-2b", "www-edge", "app-db-2"}
	l := bigList(all...)
	w := l.FilterCmd("w")
	we := l.FilterCmd("we")
	web := l.FilterCmd("web 2")
	if l.Filter() != "web 2" || !l.Filtering() {
		t.Fatalf("after the keys the filter is %q (filtering %v), want web 2 at once", l.Filter(), l.Filtering())
	}
	if got := texts(l); !slices.Equal(got, all) {
		t.Errorf("while ranking the list shows %q, want its previous rows %q", got, all)
	}
	for _, step := range []struct {
		name string
		cmd  tea.Cmd
		want []string
		busy bool
	}{
		{"an older result landing first is dropped", we, all, true},
		{"the newest result applies", web, []string{"web-2b"}, false},
		{"the oldest landing last is dropped", w, []string{"web-2b"}, false},
	} {
		land(t, l, step.cmd)
		if got := texts(l); !slices.Equal(got, step.want) || l.Filtering() != step.busy {
			t.Errorf("%s: shown %q (filtering %v), want %q (filtering %v)", step.name, got, l.Filtering(), step.want, step.busy)
		}
	}
	if r, ok := l.Current(); !ok || r.ID != "web-2b" {
		t.Errorf("the cursor is on %q, want the best match web-2b", r.ID)
	}
}

// TestBackgroundFilterShowsWhileRanking: the screen marks the wait when
// the previous rows are none, not "no rows match".
func TestBackgroundFilterShowsWhileRanking(t *testing.T) {
	l := bigList("db-1a", "web-1a")
	land(t, l, l.FilterCmd("zz"))
	if v := l.View(true); !strings.Contains(v, "no rows match /zz") {
		t.Errorf("no match reads:\n%s", v)
	}
	cmd := l.FilterCmd("zz")
	if cmd != nil {
		t.Error("the same filter again ranked again")
	}
	l.SetFilter("")
	cmd = l.FilterCmd("zzz")
	if l.SetFilter("zzz"); l.Filtering() {
		t.Error("SetFilter left the list waiting for a background result")
	}
	l.Landed(cmd().(FilteredMsg))
	if v := l.View(true); !strings.Contains(v, "no rows match /zzz") {
		t.Errorf("after a stale result the list reads:\n%s", v)
	}
	land(t, l, l.FilterCmd("qq"))
	cmd = l.FilterCmd("qqq")
	if v := l.View(true); !strings.Contains(v, "filtering… /qqq") {
		t.Errorf("while ranking an empty list reads:\n%s", v)
	}
	land(t, l, cmd)
}

// TestBackgroundFilterDroppedByANewOrder: a sort landing while a filter
// ranks filters at once in the new order; the ranking in the old order,
// landing after, is dropped.
func TestBackgroundFilterDroppedByANewOrder(t *testing.T) {
	l := bigList("db-1a", "db-1b", "db-1c", "web")
	cmd := l.FilterCmd("db")
	l.SetOrder([]int32{2, 1, 0, 3})
	want := []string{"db-1c", "db-1b", "db-1a"}
	if got := texts(l); !slices.Equal(got, want) || l.Filtering() {
		t.Errorf("after the new order: %q (filtering %v), want %q", got, l.Filtering(), want)
	}
	land(t, l, cmd)
	if got := texts(l); !slices.Equal(got, want) {
		t.Errorf("the ranking in the old order applied: %q, want %q", got, want)
	}
}

// TestNarrowedFilterMatchesAFreshOne: a filter typed on (ranking only the
// previous matches) and typed back (the kept result) shows what a fresh
// list filtered once shows, including after the exception of Narrows
// (digits gaining a letter: initials).
func TestNarrowedFilterMatchesAFreshOne(t *testing.T) {
	var rows []string
	for i := range 500 {
		rows = append(rows, fmt.Sprintf("eni-%03d %d-%d-a vpc%d-app-%d 10.%d.%d.5", i, i%7, i%3, i%5, i%11, i%13, i%17))
	}
	l := bigList(rows...)
	for _, f := range []string{"1", "12", "12a", "12a ", "12a v", "12a vp", "12a v", "12", "1", "10.1", "10.12", "10.12.", "10.1"} {
		if cmd := l.FilterCmd(f); cmd != nil {
			land(t, l, cmd)
		}
		fresh := bigList(rows...)
		fresh.SetFilter(f)
		if got, want := texts(l), texts(fresh); !slices.Equal(got, want) {
			t.Fatalf("/%s typed: %d rows %q…, a fresh filter: %d rows", f, len(got), got[:min(3, len(got))], len(want))
		}
	}
}

// TestBackgroundFilterRace drives keys, orders and landings on a long list
// while rankings run on other goroutines: with -race it checks that the
// rankings read only what the list no longer writes.
func TestBackgroundFilterRace(t *testing.T) {
	var rows []string
	for i := range 30000 {
		rows = append(rows, fmt.Sprintf("eni-%05d web-%d 10.%d.%d.%d", i, i%9, i%7, i%250, i%200))
	}
	l := bigList(rows...)
	l.Background = 0 // the default threshold: 30,000 rows rank in the background
	ident := make([]int32, len(rows))
	for i := range ident {
		ident[i] = int32(i)
	}
	l.SetOrder(ident) // as a table does
	msgs := make(chan tea.Msg, 64)
	run := func(cmd tea.Cmd) {
		if cmd != nil {
			go func() { msgs <- cmd() }()
		}
	}
	n := 0
	for _, f := range []string{"w", "we", "web", "web-1", "web-1 10", "web-1 10.", "web-1 10.3", "1", "x", "10.3"} {
		cmd := l.FilterCmd(f)
		if cmd != nil {
			n++
		}
		run(cmd)
		if f == "1" {
			order := make([]int32, len(rows))
			for i := range order {
				order[i] = int32(len(rows) - 1 - i)
			}
			l.SetOrder(order)
		}
		_ = l.View(true)
	}
	for range n {
		l.Landed((<-msgs).(FilteredMsg))
	}
	fresh := bigList(rows...)
	fresh.SetOrder(l.order)
	fresh.SetFilter("10.3")
	if l.Filtering() || len(texts(fresh)) == 0 || !slices.Equal(texts(l), texts(fresh)) {
		t.Errorf("after every result landed: filtering %v, %d rows, want %d", l.Filtering(), len(texts(l)), len(texts(fresh)))
	}
}
