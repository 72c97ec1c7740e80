package match

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestWordTiers(t *testing.T) {
	for _, tt := range []struct {
		name, query, text string
		want              Tier
	}{
		{"the whole text is exact", "db-1a", "db-1a", Exact},
		{"the start of the text is a prefix", "db", "db-1a", Prefix},
		{"after a dash a word starts", "1a", "db-1a", WordStart},
		{"after a dot a word starts", "0", "10.0.1.5", WordStart},
		{"inside a word is a substring", "b-1", "db-1a", Substring},
		{"initials of words match fuzzily", "db", "dev-build-1a", Fuzzy},
		{"initials may continue a word", "web1a", "web-1a", Fuzzy},
		{"case is ignored", "DB", "db-1a", Prefix},
		{"letters out of order do not match", "bd", "dev-build-1a", None},
		{"initials must start a word", "ev", "dev-build", Substring},
		{"a letter inside a word is no initial", "dl", "dev-build", None},
		{"every word of the query must match", "web 1a", "web-1a", WordStart},
		{"one word missing is no match", "web 2b", "web-1a", None},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Parse(tt.query).Match(Lower(tt.text)); got != tt.want {
				t.Errorf("%q in %q: tier %d, want %d", tt.query, tt.text, got, tt.want)
			}
		})
	}
}

// TestRankPutsPrefixAndWordStartFirst is the example: "db" finds
// db-1a before dev-build-1a, and within a tier the given order stays.
func TestRankPutsPrefixAndWordStartFirst(t *testing.T) {
	texts := []string{"dev-build-1a", "app-db-2", "db-1a", "nothing", "db-1b"}
	got := Parse("db").Rank(texts, nil)
	if want := []int32{2, 4, 1, 0}; !slices.Equal(got, want) {
		t.Errorf("rank %v, want %v", got, want)
	}
	got = Parse("db").Rank(texts, []int32{4, 3, 2, 1, 0})
	if want := []int32{4, 2, 1, 0}; !slices.Equal(got, want) {
		t.Errorf("rank in the given order %v, want %v", got, want)
	}
	if got := Parse("  ").Rank(texts, nil); len(got) != len(texts) {
		t.Errorf("an empty query keeps %d of %d", len(got), len(texts))
	}
}

// TestInitialsASCIIAgreesWithRunes: the byte-wise path for ASCII gives
// what the rune-wise one gives.
func TestInitialsASCIIAgreesWithRunes(t *testing.T) {
	for _, c := range [][2]string{{"db", "dev-build-1a"}, {"web1a", "web-1a"}, {"dl", "dev-build"}, {"ab", "a-xab"},
		{"vpa", "vpc003-app-1"}, {"x", ""}, {"ea", "eni-0abc app"}} {
		first, n := rune(c[0][0]), 1
		_ = first
		slow := func() bool {
			for i, r := range c[1] {
				if r == rune(c[0][0]) && wordStart(c[1], i) && follow(c[0][n:], c[1], i+1) {
					return true
				}
			}
			return false
		}()
		if got := initialsASCII(c[0], c[1]); got != slow {
			t.Errorf("initials(%q, %q): bytes %v, runes %v", c[0], c[1], got, slow)
		}
	}
	if got := Parse("10.5").Match("10.0.1.5"); got != None {
		t.Errorf("an address query matched as initials: tier %d", got)
	}
}

// TestRankInChunksKeepsOneOrder: a long list is matched in chunks on every
// CPU; the result must be what one pass gives — each tier in the order
// given, better tiers first — for any order of the rows.
func TestRankInChunksKeepsOneOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"db", "dev", "build", "web", "10.0.", "1a", "sg-0a", "prod"}
	texts := make([]string, 3*rankChunk+17)
	for i := range texts {
		texts[i] = Lower(fmt.Sprintf("%s-%s %d.%d", words[rng.IntN(len(words))], words[rng.IntN(len(words))], rng.IntN(20), i))
	}
	order := make([]int32, len(texts))
	for i, p := range rng.Perm(len(texts)) {
		order[i] = int32(p)
	}
	for _, filter := range []string{"db", "10.0", "1a", "d b", "zzz", "sg-0a 1"} {
		q := Parse(filter)
		for _, ord := range [][]int32{nil, order} {
			var want []int32
			for tier := range None {
				for k := range len(texts) {
					i := int32(k)
					if ord != nil {
						i = ord[k]
					}
					if q.Match(texts[i]) == tier {
						want = append(want, i)
					}
				}
			}
			if got := q.Rank(texts, ord); !slices.Equal(got, want) {
				t.Errorf("Rank(%q, ordered=%v): %d positions, one pass gives %d (or another order)", filter, ord != nil, len(got), len(want))
			}
		}
	}
}

// TestNarrows: a filter extended as it is typed narrows the previous one,
// except when a word with no letter gains one (it may now match as
// initials, which the shorter word never did).
func TestNarrows(t *testing.T) {
	for _, tt := range []struct {
		name, prev, next string
		want             bool
	}{
		{"a longer name narrows", "db", "db-1", true},
		{"an address typed on narrows", "10.", "10.5", true},
		{"a new word narrows", "web", "web 1a", true},
		{"a word typed on after another narrows", "web 1a", "web 1a-2", true},
		{"a second word of digits gaining a letter does not narrow", "web 1", "web 1a", false},
		{"the same words narrow", "db", " db ", true},
		{"no filter is narrowed by any", "", "x", true},
		{"a shorter word does not narrow", "db-1", "db", false},
		{"another word does not narrow", "db", "dc", false},
		{"digits gaining a letter do not narrow: the initials tier opens", "12", "12a", false},
		{"digits gaining a digit narrow", "1", "12", true},
		{"a word losing its only letter narrows", "a", "a1", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Parse(tt.next).Narrows(Parse(tt.prev)); got != tt.want {
				t.Errorf("%q narrows %q: %v, want %v", tt.next, tt.prev, got, tt.want)
			}
		})
	}
	// the exception is real: the longer query matches a text the shorter does not
	if Parse("12").Matches("1-2-a") || !Parse("12a").Matches("1-2-a") {
		t.Error(`"12a" should match "1-2-a" by initials where "12" does not`)
	}
}

// TestNarrowingRanksLikeAFullPass checks the proof in Narrows on random
// texts and filters typed a character at a time: whenever the next filter
// narrows the previous, ranking the previous matches (in the given order)
// gives exactly what ranking every text gives, and no text matches the
// next filter without matching the previous.
func TestNarrowingRanksLikeAFullPass(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []rune("ab1-. 2é")
	texts := make([]string, 4000)
	for i := range texts {
		r := make([]rune, 3+rng.IntN(10))
		for k := range r {
			r[k] = alphabet[rng.IntN(len(alphabet))]
		}
		texts[i] = Lower(string(r))
	}
	order := make([]int32, len(texts))
	for i, p := range rng.Perm(len(texts)) {
		order[i] = int32(p)
	}
	narrowed := 0
	for range 300 {
		typed := ""
		prev := Parse("")
		_, matched := prev.Filter(texts, order)
		for range 4 {
			typed += string(alphabet[rng.IntN(len(alphabet))])
			q := Parse(typed)
			if !q.Narrows(prev) {
				_, matched = q.Filter(texts, order)
				prev = q
				continue
			}
			narrowed++
			wantRanked, wantMatched := q.Filter(texts, order)
			gotRanked, gotMatched := q.Filter(texts, matched)
			if !slices.Equal(gotRanked, wantRanked) || !slices.Equal(gotMatched, wantMatched) {
				t.Fatalf("%q after %q: narrowed ranking %v, full %v", typed, prev.words, gotRanked, wantRanked)
			}
			for _, x := range texts {
				if q.Matches(x) && !prev.Matches(x) {
					t.Fatalf("%q matches %q but %v does not", typed, x, prev.words)
				}
			}
			prev, matched = q, gotMatched
		}
	}
	if narrowed < 100 {
		t.Errorf("only %d filters narrowed: the test did not exercise narrowing", narrowed)
	}
}
