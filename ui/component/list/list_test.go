package list

import (
	"slices"
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
