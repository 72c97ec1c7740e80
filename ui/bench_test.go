package ui

import (
	"strings"
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
	loadSync(a, s)
	if a.View() == "" {
		tb.Fatal("empty first frame")
	}
	return a, time.Since(t0)
}

// TestLargeFirstFrame: on the 20,000-interface account the first frame
// (the overview) is drawn and names the account's size. How long it
// takes is BenchmarkFirstFrame's job, not a test's: CI machines are busy.
func TestLargeFirstFrame(t *testing.T) {
	if testing.Short() {
		t.Skip("large account")
	}
	s := large()
	a, _ := startSync(t, s, 200, 60)
	if v := a.View(); !strings.Contains(v, "Overview") {
		t.Errorf("first frame on %d interfaces is not the overview:\n%s", len(s.NetworkInterfaces), v)
	}
}

// BenchmarkFirstFrame measures load-to-first-frame on the large account:
// the app built, the snapshot indexed, the overview rendered.
func BenchmarkFirstFrame(b *testing.B) {
	s := large()
	for b.Loop() {
		startSync(b, s, 200, 60)
	}
}

// BenchmarkKeystroke measures one key handled and the frame rendered
// (Update + View) on the large account, in the views a user scrolls. The
// commands a key returns run elsewhere and are not counted, except in the
// "landed" cases, which run them and hand their messages back in as the
// program would (a sort that lands).
func BenchmarkKeystroke(b *testing.B) {
	s := large()
	for _, bc := range []struct {
		name  string
		setup []string
		keys  []string
		land  bool
	}{
		{"overview/down", nil, []string{"down"}, false},
		{"tree/down", []string{"2"}, []string{"down"}, false},
		{"tree/expand-collapse", []string{"2"}, []string{"l", "h"}, false},
		{"list-enis/down", []string{"3", ">", ">", ">", ">", ">"}, []string{"down"}, false},
		{"list-enis/pgdown", []string{"3", ">", ">", ">", ">", ">"}, []string{"pgdown"}, false},
		{"list-enis/sort", []string{"3", ">", ">", ">", ">", ">"}, []string{"s"}, false},
		{"list-enis/sort-landed", []string{"3", ">", ">", ">", ">", ">"}, []string{"s"}, true},
		{"list-enis/filter", []string{"3", ">", ">", ">", ">", ">", "/", "1", "0", "."}, []string{"5", "backspace"}, false},
		{"list-enis/filter-landed", []string{"3", ">", ">", ">", ">", ">", "/", "1", "0", "."}, []string{"5", "backspace"}, true},
		{"detail-sg/down", []string{"3", ">", ">", ">", ">", "enter"}, []string{"down"}, false},
	} {
		b.Run(bc.name, func(b *testing.B) { benchKeys(b, s, bc.setup, bc.keys, bc.land) })
	}
}

// benchKeys measures keys handled and their frames drawn on s at 200x60,
// after the setup keys (and the work they start) have landed; with land,
// each key's commands run and their messages come back as in the program.
func benchKeys(b *testing.B, s *model.Snapshot, setup, keys []string, land bool) {
	a, _ := startSync(b, s, 200, 60)
	for _, k := range setup {
		_, cmd := a.Update(keyMsg(k))
		runAll(a, cmd) // the filter typed lands
	}
	a.View()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, cmd := a.Update(keyMsg(keys[i%len(keys)]))
		if land {
			runAll(a, cmd)
		}
		_ = a.View()
	}
}
