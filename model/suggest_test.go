package model_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
)

func TestSuggestFindsCloseNamesAndIDs(t *testing.T) {
	ix := demoIndex(t)
	tests := []struct {
		name, query string
		want        string // among the suggestions; "" means none at all
	}{
		{"a Name tag missing its last letter", "web-1", "web-1a"},
		{"a Name tag with one letter wrong", "db-1x", "db-1a"},
		{"a Name tag with two letters swapped", "storefront-bd-sg", "storefront-db-sg"},
		{"a prefix of a long Name tag", "storefront-db", "storefront-db-sg"},
		{"an ID with its last digit wrong", "sg-0a881a8838796aca4", "sg-0a881a8838796aca3"},
		{"case does not matter", "WEB-1", "web-1a"},
		{"a query that contains a name", "web-1a-old", "web-1a"},
		{"nothing close gives nothing", "zzzzzzzzzzzz", ""},
		{"a query longer than any name gives nothing", strings.Repeat("web-1a", 50), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ix.Suggest(tt.query, 3)
			if tt.want == "" {
				if len(got) > 0 {
					t.Errorf("Suggest(%q) = %v, want none", tt.query, got)
				}
				return
			}
			if !slices.Contains(got, tt.want) {
				t.Errorf("Suggest(%q) = %v, want %s among them", tt.query, got, tt.want)
			}
		})
	}
}

// exhaustiveBest is the old Suggest's rule applied to every ID and name of
// s: the lowest cost of any, or -1 when none is within the limit.
func exhaustiveBest(s *model.Snapshot, q string) int {
	limit := max(2, len(q)/3)
	best := -1
	consider := func(w string) {
		if cost := costOf(q, w, limit); cost <= limit && (best < 0 || cost < best) {
			best = cost
		}
	}
	for r := range s.All() {
		consider(r.Base().ID)
		if n := r.Base().Name(); n != "" {
			consider(n)
		}
	}
	return best
}

// costOf is the old Suggest's cost of w for the query q: the edit
// distance, or little more than the length difference when one contains
// the other; above limit it is only known to be above.
func costOf(q, w string, limit int) int {
	q, ls := strings.ToLower(q), strings.ToLower(w)
	cost := model.EditDistance(q, ls, limit)
	if strings.Contains(ls, q) || strings.Contains(q, ls) {
		cost = min(cost, 1+absInt(len(ls)-len(q))/4)
	}
	return cost
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// typos returns n queries made from random words of s: one to three random
// edits of an ID or name, and (every other one) a random word, none of
// them an ID or name itself.
func typos(s *model.Snapshot, ix *model.Index, n int, seed uint64) []string {
	var words []string
	for r := range s.All() {
		words = append(words, r.Base().ID)
		if name := r.Base().Name(); name != "" {
			words = append(words, name)
		}
	}
	rng := rand.New(rand.NewPCG(seed, seed+1))
	const alphabet = "abcdefgilnpstuvw0123456789-"
	var out []string
	for len(out) < n {
		b := []byte(words[rng.IntN(len(words))])
		for range 1 + rng.IntN(3) {
			i := rng.IntN(len(b))
			switch rng.IntN(3) {
			case 0:
				b[i] = alphabet[rng.IntN(len(alphabet))]
			case 1:
				b = slices.Delete(b, i, i+1)
			default:
				b = slices.Insert(b, i, alphabet[rng.IntN(len(alphabet))])
			}
			if len(b) == 0 {
				b = []byte("x")
			}
		}
		if len(out)%2 == 1 {
			b = make([]byte, 3+rng.IntN(20))
			for i := range b {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			}
		}
		if q := string(b); len(ix.Find(q)) == 0 {
			out = append(out, q)
		}
	}
	return out
}

// agreesWithExhaustiveSearch checks that the index's first suggestion for
// each query is as close as the closest ID or name of the snapshot.
func agreesWithExhaustiveSearch(t *testing.T, s *model.Snapshot, queries []string) {
	t.Helper()
	ix := model.NewIndex(s)
	for _, q := range queries {
		want := exhaustiveBest(s, q)
		got := ix.Suggest(q, 1)
		switch {
		case want < 0 && len(got) > 0:
			t.Errorf("Suggest(%q) = %v; an exhaustive search finds nothing within the limit", q, got)
		case want >= 0 && len(got) == 0:
			t.Errorf("Suggest(%q) = nothing; an exhaustive search finds a candidate at cost %d", q, want)
		case want >= 0:
			if c := costOf(q, got[0], 1<<20); c != want {
				t.Errorf("Suggest(%q) = %s at cost %d; the closest candidate costs %d", q, got[0], c, want)
			}
		}
	}
}

// TestSuggestAgreesWithExhaustiveSearch: for typos of the demo's IDs and
// names, and random words, the index's first suggestion is as close as the
// closest candidate an exhaustive search finds (the old Suggest's rule).
func TestSuggestAgreesWithExhaustiveSearch(t *testing.T) {
	s, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	agreesWithExhaustiveSearch(t, s, typos(s, model.NewIndex(s), 400, 1))
}

// TestSuggestAgreesWithExhaustiveSearchOnTheLargeAccount is the same check
// on the generated large account, where the index leaves out the trigrams
// most words share (the "eni" of 20,000 interface IDs).
func TestSuggestAgreesWithExhaustiveSearchOnTheLargeAccount(t *testing.T) {
	s := fixtures.Large(fixtures.DefaultLarge())
	agreesWithExhaustiveSearch(t, s, typos(s, model.NewIndex(s), 16, 5))
}

// TestSuggestIsSafeForConcurrentUse: the index is built once, lazily, by
// whichever call comes first.
func TestSuggestIsSafeForConcurrentUse(t *testing.T) {
	ix := demoIndex(t)
	var wg sync.WaitGroup
	results := make([][]string, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = ix.Suggest("web-1", 3)
		}()
	}
	wg.Wait()
	for _, r := range results[1:] {
		if !slices.Equal(r, results[0]) {
			t.Fatalf("concurrent calls disagree: %v and %v", r, results[0])
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		name  string
		a, b  string
		limit int
		want  int
	}{
		{"equal strings are 0 apart", "web-1a", "web-1a", 3, 0},
		{"one substitution", "web-1a", "web-1b", 3, 1},
		{"one insertion", "web-1", "web-1a", 3, 1},
		{"one deletion", "web-1ab", "web-1a", 3, 1},
		{"a swap is two edits", "ab", "ba", 3, 2},
		{"the empty string is as far as the other's length", "", "abc", 5, 3},
		{"beyond the limit reports limit+1", "kitten", "sitting", 2, 3},
		{"at the limit reports the distance", "kitten", "sitting", 3, 3},
		{"a length difference over the limit is limit+1 at once", "a", strings.Repeat("a", 100000), 4, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := model.EditDistance(tt.a, tt.b, tt.limit); got != tt.want {
				t.Errorf("EditDistance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
			}
		})
	}
}

// TestEditDistanceMatchesTheFullTable compares the banded distance with the
// full Levenshtein table on random strings.
func TestEditDistanceMatchesTheFullTable(t *testing.T) {
	full := func(a, b string) int {
		prev := make([]int, len(b)+1)
		for j := range prev {
			prev[j] = j
		}
		for i := 1; i <= len(a); i++ {
			cur := make([]int, len(b)+1)
			cur[0] = i
			for j := 1; j <= len(b); j++ {
				c := 1
				if a[i-1] == b[j-1] {
					c = 0
				}
				cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
			}
			prev = cur
		}
		return prev[len(b)]
	}
	rng := rand.New(rand.NewPCG(3, 4))
	word := func() string {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = "abc"[rng.IntN(3)]
		}
		return string(b)
	}
	for range 20000 {
		a, b, limit := word(), word(), rng.IntN(8)
		want := min(full(a, b), limit+1)
		if got := model.EditDistance(a, b, limit); got != want {
			t.Fatalf("EditDistance(%q, %q, %d) = %d, want %d", a, b, limit, got, want)
		}
	}
}

// BenchmarkSuggestLarge is the "did you mean" cost on the generated large
// account (46,520 resources) for an unknown name, once the index is built.
// Before the index, every call computed the edit distance to every ID and
// name: about 100 ms.
func BenchmarkSuggestLarge(b *testing.B) {
	ix := model.NewIndex(fixtures.Large(fixtures.DefaultLarge()))
	ix.Suggest("warm", 3) // build the index outside the timing
	for _, q := range []string{
		"vpc006-app-11be24",    // a Name tag with two digits swapped
		"vpc004-web",           // the start of 100 Name tags
		"sg-06bf8f47a65779d4",  // an ID missing its last digit
		"eni-05f4990d17c20336", // an interface ID missing its last digit
		"i-012599b656511be4",   // an instance ID missing its last digit
		"no-such-thing-at-all", // nothing close
		"i-0",                  // too short to be close to anything
	} {
		b.Run(q, func(b *testing.B) {
			for range b.N {
				ix.Suggest(q, 3)
			}
		})
	}
}

// BenchmarkSuggestIndexBuild is the one-time cost of the index on the large
// account, paid by the first unknown name.
func BenchmarkSuggestIndexBuild(b *testing.B) {
	s := fixtures.Large(fixtures.DefaultLarge())
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		ix := model.NewIndex(s)
		b.StartTimer()
		ix.Suggest("x", 1)
	}
}
