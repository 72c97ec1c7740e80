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

// TestColumnsFitByPriority: a narrow table shrinks names first, then hides
// the columns that matter least (counts, then account and region, the
// rightmost of equals first); IDs and addresses stay. Wide mode shows every
// column at full width.
func TestColumnsFitByPriority(t *testing.T) {
	tb := demoTable(t, model.KindNetworkInterface)
	titles := func() []string {
		var out []string
		for _, c := range tb.vis {
			out = append(out, tb.cols[c].Title)
		}
		return out
	}
	tb.SetSize(200, 20)
	if tb.Hidden() != 0 {
		t.Errorf("at 200 columns %d columns are hidden: %v", tb.Hidden(), titles())
	}
	tb.SetSize(84, 20)
	got := titles()
	for _, want := range []string{"id", "private ip", "public ip"} {
		if !slices.Contains(got, want) {
			t.Errorf("at 84 columns %q is hidden: %v", want, got)
		}
	}
	if slices.Contains(got, "groups") {
		t.Errorf("the count of groups outlived names and places: %v", got)
	}
	tb.SetWide(true)
	if tb.Hidden() != 0 || tb.overflow() == 0 {
		t.Errorf("wide mode: %d hidden, overflow %d", tb.Hidden(), tb.overflow())
	}
	if !tb.ScrollX(8) || tb.XOffset() != 8 {
		t.Error("wide mode does not scroll sideways")
	}
}
