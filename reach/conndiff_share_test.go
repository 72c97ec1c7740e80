package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
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
		rnA, rnB, rnC := pureNetwork(seed), pureNetwork(seed), pureNetwork(seed)
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

// diffItems returns what DiffRelations emits, as sorted strings, and the
// relations' caveats afterwards.
func diffItems(t *testing.T, a, b *reach.Relation) (items []string, caveats [2][]string) {
	t.Helper()
	var mu sync.Mutex
	err := reach.DiffRelations(a, b, func(gained bool, it reach.DeltaItem) {
		mu.Lock()
		items = append(items, fmt.Sprintf("%v %+v", gained, it))
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(items)
	return items, [2][]string{a.Caveats(), b.Caveats()}
}

// checkBeside compares the diff of ea and eb with the second relation
// set up beside the first (RelateBeside) and on its own (Relate), over
// every question diffQuestions asks, and counts the ways it was set up.
func checkBeside(t *testing.T, name string, rng *rand.Rand, ea, eb *reach.Engine, ways map[string]int) {
	t.Helper()
	for _, q := range diffQuestions(rng, ea.Ends()) {
		name := name + ", " + q.name
		relate := func(beside bool) (*reach.Relation, *reach.Relation) {
			oa := reach.RelationOptions{From: q.from(ea), To: q.to(ea), Probes: ea.DefaultProbes(), Workers: 2}
			ob := reach.RelationOptions{From: q.from(eb), To: q.to(eb), Probes: ea.DefaultProbes(), Workers: 2}
			ra, err := ea.Relate(oa)
			if err != nil {
				t.Fatal(err)
			}
			rb, err := eb.Relate(ob)
			if beside {
				rb, err = eb.RelateBeside(ra, ob)
			}
			if err != nil {
				t.Fatal(err)
			}
			return ra, rb
		}
		ra, rb := relate(false)
		want, wantCav := diffItems(t, ra, rb)
		ra, rb = relate(true)
		if reach.SharesViews(ra, rb) {
			ways["over a's views"]++
		} else {
			ways["own views"]++
		}
		got, gotCav := diffItems(t, ra, rb)
		if len(gotCav[0]) > 0 && len(gotCav[1]) > 0 {
			ways["with caveats"]++
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: beside, the diff is\n%v\nset up on its own\n%v", name, got, want)
		}
		if !reflect.DeepEqual(gotCav, wantCav) {
			t.Errorf("%s: beside, the caveats are\n%q\nset up on its own\n%q", name, gotCav, wantCav)
		}
	}
}

// The second relation of a comparison is set up over the first one's
// path views when the snapshots differ only in rules the views leave out
// (RelateBeside). Compared with the first, it must give what the
// relation set up on its own (Relate) gives, item for item, and the same
// caveats on both sides: on rule-only changes (over a's views) and on
// others (its own views), on random networks and on every fixture (whose
// appliances, firewalls and gateways leave caveats).
func TestPropertyRelateBesideDiffsAsRelate(t *testing.T) {
	defer reach.SetDiffChunk(3)()
	ways := map[string]int{}
	for seed := range uint64(propertySeeds(t)) {
		rnA, rnB := pureNetwork(seed), pureNetwork(seed)
		rng := rand.New(rand.NewPCG(seed, 28))
		if len(rnB.w.s.SecurityGroups) == 0 {
			continue
		}
		var did []string
		if rng.IntN(4) == 0 {
			did = mutate(rng, rnB.w.s, rnA.prefixes)
		} else {
			did = mutateRules(rng, rnB.w.s, rnA.prefixes, rng.IntN(3) > 0)
		}
		checkBeside(t, fmt.Sprintf("seed %d (%v)", seed, did), rng, reach.New(rnA.w.s), reach.New(rnB.w.s), ways)
	}
	prefixes := []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("203.0.113.0/24")}
	for i, name := range fixtures.Names() {
		for round := range 2 {
			a, err := fixtures.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			b, err := fixtures.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			if len(b.SecurityGroups) == 0 {
				continue
			}
			rng := rand.New(rand.NewPCG(uint64(i), uint64(29+round)))
			did := mutateRules(rng, b, prefixes, round == 0)
			checkBeside(t, fmt.Sprintf("%s (%v)", name, did), rng, reach.New(a), reach.New(b), ways)
		}
	}
	t.Logf("second relations: %v", ways)
	if !testing.Short() {
		for _, k := range []string{"over a's views", "own views", "with caveats"} {
			if ways[k] == 0 {
				t.Errorf("no second relation %s: the property is not exercised (%v)", k, ways)
			}
		}
	}
}
