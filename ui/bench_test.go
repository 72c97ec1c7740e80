package ui

import (
	"slices"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
)

var (
	largeOnce sync.Once
	largeSnap *model.Snapshot
)

// large is the generated 20,000-interface account, built once.
func large() *model.Snapshot {
	largeOnce.Do(func() { largeSnap = fixtures.Large(fixtures.DefaultLarge()) })
	return largeSnap
}

// startSync drives the app to its first useful frame without a program:
// load, index, first View. It returns the app and how long that took.
func startSync(tb testing.TB, s *model.Snapshot, w, h int) (*app, time.Duration) {
	t0 := time.Now()
	a := newTestApp(tb, s)
	a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	a.Update(loadedMsg{snap: s})
	a.Update(worldMsg{newWorld(s)})
	if a.View() == "" {
		tb.Fatal("empty first frame")
	}
	return a, time.Since(t0)
}

// TestLargeFirstFrame: on the 20,000-interface account the first frame
// (the overview) is drawn within a second of having the snapshot.
func TestLargeFirstFrame(t *testing.T) {
	if testing.Short() {
		t.Skip("large account")
	}
	s := large()
	_, d := startSync(t, s, 200, 60)
	t.Logf("first frame on %d interfaces: %v", len(s.NetworkInterfaces), d)
	if d > time.Second && !raceEnabled {
		t.Errorf("first frame took %v, want < 1s", d)
	}
}

func keyOf(s string) tea.KeyMsg {
	switch s {
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// BenchmarkKeystroke measures one key handled and the frame rendered
// (Update + View) on the large account, in the views a user scrolls.
func BenchmarkKeystroke(b *testing.B) {
	s := large()
	for _, bc := range []struct {
		name  string
		setup []string
		keys  []string
	}{
		{"overview/down", nil, []string{"down"}},
		{"tree/down", []string{"2"}, []string{"down"}},
		{"tree/expand-collapse", []string{"2"}, []string{"l", "h"}},
		{"list-enis/down", []string{"3", "J", "J", "J", "J", "J"}, []string{"down"}},
		{"list-enis/pgdown", []string{"3", "J", "J", "J", "J", "J"}, []string{"pgdown"}},
		{"list-enis/sort", []string{"3", "J", "J", "J", "J", "J"}, []string{"s"}},
		{"list-enis/filter-char", []string{"3", "J", "J", "J", "J", "J", "/", "1", "0", "."}, []string{"5", "backspace"}},
		{"detail-sg/down", []string{"3", "J", "J", "J", "J", "enter"}, []string{"down"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			a, _ := startSync(b, s, 200, 60)
			for _, k := range bc.setup {
				a.Update(keyOf(k))
			}
			a.View()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				a.Update(keyOf(bc.keys[i%len(bc.keys)]))
				_ = a.View()
			}
		})
	}
}

// TestLargeKeystroke checks the per-key budget (16 ms) on the large
// account for the costliest keys, so a regression fails the tests.
func TestLargeKeystroke(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing test: not with -short or -race")
	}
	a, _ := startSync(t, large(), 200, 60)
	for _, k := range []string{"3", "J", "J", "J", "J", "J"} {
		a.Update(keyOf(k))
	}
	// each key's time is the median of five presses (the machine is shared:
	// one GC pause or a neighbour's burst must not decide)
	worst, worstKey := time.Duration(0), ""
	for _, k := range []string{"down", "pgdown", "s", "S", "up"} {
		var ds []time.Duration
		for range 5 {
			t0 := time.Now()
			a.Update(keyOf(k))
			a.View()
			ds = append(ds, time.Since(t0))
		}
		slices.Sort(ds)
		if ds[2] > worst {
			worst, worstKey = ds[2], k
		}
	}
	t.Logf("slowest key on %d interfaces: %q, %v (median of 5)", len(large().NetworkInterfaces), worstKey, worst)
	if worst > 16*time.Millisecond {
		t.Errorf("slowest key took %v, want < 16ms", worst)
	}
}
