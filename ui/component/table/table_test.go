package table

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/present"
	"github.com/vpcscope/vpcscope/ui/style"
)

func plainTheme() *style.Theme {
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.Ascii)
	return style.New(r, true)
}

func demoTable(t *testing.T, k model.Kind) *Model {
	t.Helper()
	s, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	m := New(plainTheme(), present.New(model.NewIndex(s), nil, nil).Table(k))
	m.SetSize(120, 40)
	return m
}

// TestSortColumnOrders: numbers sort as numbers and before text, text
// ignores case, and both directions keep equal keys in their original
// order (a stable sort either way).
func TestSortColumnOrders(t *testing.T) {
	cells := [][]string{{"b"}, {"A"}, {"b"}, {"10"}, {"9"}, {"a"}}
	co := sortColumn(cells, 0)
	if want := []int32{4, 3, 1, 5, 0, 2}; !slices.Equal(co.asc, want) {
		t.Errorf("ascending %v, want %v", co.asc, want)
	}
	if want := []int32{0, 2, 1, 5, 3, 4}; !slices.Equal(co.descending(), want) {
		t.Errorf("descending %v, want %v", co.descending(), want)
	}
}

// TestSortLandsOffTheKeyPath: sorting by a column not sorted before
// returns a command and leaves the rows in their order ("sorting…" in the
// header) until the sort lands; a column sorted before, or the reverse,
// reorders at once. The selected row stays selected.
func TestSortLandsOffTheKeyPath(t *testing.T) {
	tb := demoTable(t, model.KindSubnet)
	byID := slices.Clone(tb.AllIDs())
	slices.Sort(byID)
	rev := slices.Clone(byID)
	slices.Reverse(rev)

	tb.List.Move(3)
	sel, _ := tb.List.Current()
	before := tb.IDs()
	cmd := tb.NextSort() // name → id
	if cmd == nil {
		t.Fatal("sorting a new column returned no command")
	}
	if !slices.Equal(tb.IDs(), before) || !tb.Sorting() || !strings.Contains(tb.View(true), "sorting…") {
		t.Fatal("the rows changed, or the header does not say sorting, before the sort landed")
	}
	tb.Landed(cmd().(SortedMsg))
	if tb.Sorting() || !slices.Equal(tb.IDs(), byID) {
		t.Fatalf("after landing: sorting %v, ids %v, want %v", tb.Sorting(), tb.IDs(), byID)
	}
	if cur, _ := tb.List.Current(); cur.ID != sel.ID {
		t.Errorf("selection moved from %s to %s", sel.ID, cur.ID)
	}
	if cmd := tb.Reverse(); cmd != nil || !slices.Equal(tb.IDs(), rev) {
		t.Errorf("reversing a sorted column: command %v, ids %v, want %v at once", cmd != nil, tb.IDs(), rev)
	}
}
