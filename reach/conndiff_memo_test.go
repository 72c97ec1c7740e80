package reach_test

import (
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"

	"github.com/vpcscope/vpcscope/reach"
)

// A comparison asks several times which groups' rules changed between
// the same two engines; the engine remembers its last answer. The
// remembered answer must be the computed one whatever pairs are asked in
// whatever order, from however many goroutines at once: rule-only
// changes, other changes (mutate) and the same snapshot, engines asked
// of each other both ways and in turns.
func TestPropertyRuleChangesMemoEqualsComputed(t *testing.T) {
	answers := map[bool]int{}
	for seed := range uint64(propertySeeds(t)) {
		build := func() *randomNet {
			rn := randomNetwork(seed)
			withPureSubnets(rn, seed)
			return rn
		}
		rnA, rnB, rnC := build(), build(), build()
		rng := rand.New(rand.NewPCG(seed, 27))
		if len(rnB.w.s.SecurityGroups) == 0 {
			continue
		}
		did := mutateRules(rng, rnB.w.s, rnA.prefixes, rng.IntN(2) == 0)
		did = append(did, mutate(rng, rnC.w.s, rnA.prefixes)...)
		engines := []*reach.Engine{reach.New(rnA.w.s), reach.New(rnB.w.s), reach.New(rnC.w.s)}
		type pair struct{ a, b int }
		var pairs []pair
		for range 12 {
			pairs = append(pairs, pair{rng.IntN(3), rng.IntN(3)})
		}
		var mu sync.Mutex
		check := func(p pair) {
			ea, eb := engines[p.a], engines[p.b]
			i1, e1, ok1 := reach.RuleChanges(ea, eb)
			i2, e2, ok2 := reach.RuleChangesComputed(ea, eb)
			mu.Lock()
			answers[ok2]++
			mu.Unlock()
			if ok1 != ok2 || !reflect.DeepEqual(i1, i2) || !reflect.DeepEqual(e1, e2) {
				t.Errorf("seed %d (%v), engines %d and %d: remembered %v %v %v, computed %v %v %v",
					seed, did, p.a, p.b, ok1, i1, e1, ok2, i2, e2)
			}
		}
		for _, p := range pairs {
			check(p)
		}
		var wg sync.WaitGroup
		for _, p := range pairs {
			wg.Go(func() { check(p) })
		}
		wg.Wait()
		if t.Failed() {
			t.Fatalf("seed %d", seed)
		}
	}
	t.Logf("answers (rule-only change or not): %v", answers)
	if !testing.Short() && (answers[true] == 0 || answers[false] == 0) {
		t.Errorf("the memo is not asked of both kinds of change: %v", answers)
	}
}
