package ui

import (
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

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

// TestListSortLandsOffTheKeyPath: s on a column not sorted before returns
// a command and leaves the rows in their order ("sorting…" in the header)
// until the sort lands; a column sorted before, or the reverse, reorders
// at once. The selected row stays selected.
func TestListSortLandsOffTheKeyPath(t *testing.T) {
	a := newTestApp(t, demoSnap(t))
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	a.Update(worldMsg{newWorld(demoSnap(t))})
	a.Update(listMsg{kind: "subnets"})
	v := a.active().(*listsView)
	tb := v.table()
	ids := func() []string {
		var out []string
		for _, i := range tb.list.shown {
			out = append(out, tb.list.rows[i].id)
		}
		return out
	}
	// expected: the subnets by the second column (id), ascending then descending
	byID := slices.Clone(tb.ids)
	slices.Sort(byID)
	rev := slices.Clone(byID)
	slices.Reverse(rev)

	tb.list.Move(3)
	sel, _ := tb.list.Current()
	before := ids()
	_, cmd := a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("s")})
	if cmd == nil {
		t.Fatal("sorting a new column returned no command")
	}
	if !slices.Equal(ids(), before) || !tb.pending || !strings.Contains(a.View(), "sorting…") {
		t.Fatal("the rows changed, or the header does not say sorting, before the sort landed")
	}
	a.Update(cmd())
	if tb.pending || !slices.Equal(ids(), byID) {
		t.Fatalf("after landing: pending %v, ids %v, want %v", tb.pending, ids(), byID)
	}
	if cur, _ := tb.list.Current(); cur.id != sel.id {
		t.Errorf("selection moved from %s to %s", sel.id, cur.id)
	}
	_, cmd = a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("S")})
	if cmd != nil || !slices.Equal(ids(), rev) {
		t.Errorf("reversing a sorted column: command %v, ids %v, want %v at once", cmd != nil, ids(), rev)
	}
}
