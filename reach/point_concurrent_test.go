package reach_test

import (
	"encoding/json"
	"sync"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/reach"
)

// TestConcurrentPointQueriesMatchSequential checks that point queries
// answered at once by several goroutines (as who-can-reach and batch do)
// give the answers one goroutine gives: the engine's reused hop buffers
// are never shared by two queries.
func TestConcurrentPointQueriesMatchSequential(t *testing.T) {
	cfg := fixtures.LargeConfig{Seed: 3, VPCs: 6, Subnets: 36, Interfaces: 600, SecurityGroups: 60, Rules: 600, Peerings: 3}
	s := fixtures.Large(cfg)
	e := reach.New(s)
	qs := pointQueries(s, 400)
	answer := func(q reach.Query) string {
		a, err := e.Reach(q)
		if err != nil {
			return "error: " + err.Error()
		}
		b, err := json.Marshal(a)
		if err != nil {
			t.Errorf("%+v: %v", q, err)
		}
		return string(b)
	}
	want := make([]string, len(qs))
	for i, q := range qs {
		want[i] = answer(q)
	}
	const workers = 4
	got := make([]string, len(qs))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(qs); i += workers {
				got[i] = answer(qs[i])
			}
		})
	}
	wg.Wait()
	for i := range qs {
		if got[i] != want[i] {
			t.Fatalf("query %d (%+v): concurrent answer differs\n got %s\nwant %s", i, qs[i], got[i], want[i])
		}
	}
}
