// Package match is the explorer's one filter rule: the same matcher and
// ranking in the tree, the lists, the pickers, the overview and the help.
//
// A query is one or more words; a text matches when every word does,
// without regard to case. A word matches, best first: the whole text
// (Exact), its start (Prefix), the start of one of its words (WordStart:
// after a character that is not a letter or digit, so "1a" starts a word
// of "db-1a"), anywhere (Substring), or as initials (Fuzzy: its letters in
// order, each one either right after the previous or at a word start, the
// first at a word start — "db" matches "dev-build-1a"; only a word with a
// letter in it, so that an address like "10.5" matches as typed). Ranked
// results put
// the better tiers first and keep the given order within a tier, so "db"
// lists "db-1a" before "dev-build-1a" and a sorted table stays sorted
// within each tier.
package match

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Tier says how well a text matches a query: lower is better.
type Tier uint8

// The tiers, best first.
const (
	Exact Tier = iota
	Prefix
	WordStart
	Substring
	Fuzzy
	// None is no match.
	None
)

// Query is a parsed filter.
type Query struct {
	words []string
}

// Parse reads a filter as typed: words separated by spaces, case ignored.
func Parse(s string) Query {
	return Query{words: strings.Fields(strings.ToLower(s))}
}

// Empty reports whether the query has no words: it matches everything.
func (q Query) Empty() bool { return len(q.words) == 0 }

// Match returns how well text matches: the worst tier among the query's
// words, None when one does not match. text must be lower case (Lower).
func (q Query) Match(text string) Tier {
	if len(q.words) == 0 {
		return Exact
	}
	worst := Exact
	for _, w := range q.words {
		t := word(w, text)
		if t == None {
			return None
		}
		if len(q.words) > 1 && t == Exact {
			t = Prefix
		}
		worst = max(worst, t)
	}
	return worst
}

// Matches reports whether text (lower case) matches.
func (q Query) Matches(text string) bool { return q.Match(text) != None }

// Lower prepares a text for matching.
func Lower(s string) string { return strings.ToLower(s) }

func word(w, text string) Tier {
	switch {
	case text == w:
		return Exact
	case strings.HasPrefix(text, w):
		return Prefix
	}
	if i := strings.Index(text, w); i >= 0 {
		for ; i >= 0; i = nextIndex(text, w, i) {
			if wordStart(text, i) {
				return WordStart
			}
		}
		return Substring
	}
	if hasLetter(w) && initials(w, text) {
		return Fuzzy
	}
	return None
}

func hasLetter(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// nextIndex finds w in text after position i, -1 when it is not there.
func nextIndex(text, w string, i int) int {
	_, n := utf8.DecodeRuneInString(text[i:])
	j := strings.Index(text[i+n:], w)
	if j < 0 {
		return -1
	}
	return i + n + j
}

// wordStart reports whether a word of text starts at byte i.
func wordStart(text string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// initials reports whether the runes of w appear in text in order, each
// right after the previous one or at a word start, the first at a word
// start. Every word start is tried for the first rune.
func initials(w, text string) bool {
	if isASCII(w) && isASCII(text) {
		return initialsASCII(w, text)
	}
	first, n := utf8.DecodeRuneInString(w)
	rest := w[n:]
	for i, r := range text {
		if r == first && wordStart(text, i) && follow(rest, text, i+utf8.RuneLen(r)) {
			return true
		}
	}
	return false
}

// follow matches the runes of w from byte pos of text on, greedily.
func follow(w, text string, pos int) bool {
	for _, want := range w {
		found := false
		for j, r := range text[pos:] {
			at := pos + j
			if r == want && (j == 0 || wordStart(text, at)) {
				pos = at + utf8.RuneLen(r)
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Rank returns the positions of texts (lower case) that match, best tier
// first, each tier in the order given: order lists the positions to
// consider, nil meaning 0..len(texts)-1. Long lists are matched in chunks
// on every CPU (a filter keystroke over 200,000 rows); the chunks' tiers
// are joined in order, so the result is the same as one pass.
func (q Query) Rank(texts []string, order []int32) []int32 {
	ranked, _ := q.rank(texts, order, false)
	return ranked
}

// Filter is Rank that also returns the matches in the order given
// (matched): the candidates a query that narrows this one needs (Narrows).
// It reads texts and order only, so it may run in a tea.Cmd while they
// stay unchanged.
func (q Query) Filter(texts []string, order []int32) (ranked, matched []int32) {
	return q.rank(texts, order, true)
}

func (q Query) rank(texts []string, order []int32, keep bool) (ranked, matched []int32) {
	n := len(texts)
	if order != nil {
		n = len(order)
	}
	at := func(k int) int32 {
		if order == nil {
			return int32(k)
		}
		return order[k]
	}
	chunks := min(runtime.GOMAXPROCS(0), max(n/rankChunk, 1))
	parts := make([][None][]int32, chunks)
	kept := make([][]int32, chunks)
	var wg sync.WaitGroup
	for c := range chunks {
		lo, hi := c*n/chunks, (c+1)*n/chunks
		wg.Go(func() {
			for k := lo; k < hi; k++ {
				i := at(k)
				if t := q.Match(texts[i]); t != None {
					parts[c][t] = append(parts[c][t], i)
					if keep {
						kept[c] = append(kept[c], i)
					}
				}
			}
		})
	}
	wg.Wait()
	for t := range None {
		for c := range parts {
			ranked = append(ranked, parts[c][t]...)
		}
	}
	if keep {
		matched = make([]int32, 0, len(ranked))
		for c := range kept {
			matched = append(matched, kept[c]...)
		}
	}
	return ranked, matched
}

// Equal reports whether two queries have the same words: they match the
// same texts at the same tiers.
func (q Query) Equal(p Query) bool { return slices.Equal(q.words, p.words) }

// Narrows reports whether every text that matches q also matches prev, so
// that q need only be tried on prev's matches (a filter being typed: "10."
// then "10.5"). It holds when every word p of prev has a word w in q that
// extends it (w starts with p) and, if p has no letter, w has none either.
//
// Proof. A text matches a query when each of its words does, so it is
// enough that whatever text w matches, p matches; let w = p+s. If w
// matches text
//   - Exact: text is w, so it starts with p: p is Exact or Prefix;
//   - Prefix: text starts with w, so with p: Prefix (or Exact);
//   - WordStart or Substring: w is in text at some i, so p is at i too:
//     Substring at worst;
//   - Fuzzy (initials): w has a letter, and the search (initialsASCII, or
//     initials and follow) put w's first rune at a word start and then
//     placed each next rune greedily, each placement depending only on the
//     runes before it. Run for p from the same first position, it makes the
//     same placements for p's runes (the first of w's) and succeeds — if p
//     is tried as initials at all, which needs a letter in p. Hence the
//     condition: "12a" matches "1-2-a" by its initials, "12" (no letter,
//     no initials) does not match it. When w has no letter it never
//     matches as initials, and the tiers above hold for any p. (Both
//     searches take the same path for p as for w: p is ASCII when w is,
//     and a w that is not ASCII cannot match an ASCII text by initials.)
//
// A query with extra words only matches fewer texts.
func (q Query) Narrows(prev Query) bool {
	for _, p := range prev.words {
		ok := false
		for _, w := range q.words {
			if strings.HasPrefix(w, p) && (w == p || hasLetter(p) || !hasLetter(w)) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// rankChunk is the fewest texts worth a goroutine of their own.
const rankChunk = 8192

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isAlnumASCII(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z'
}

// initialsASCII is initials for ASCII text, byte by byte (the lists of a
// big account filter 20,000 rows a keystroke).
func initialsASCII(w, text string) bool {
	for i := 0; i < len(text); i++ {
		if text[i] != w[0] || i > 0 && isAlnumASCII(text[i-1]) {
			continue
		}
		pos, ok := i+1, true
		for k := 1; k < len(w) && ok; k++ {
			ok = false
			for j := pos; j < len(text); j++ {
				if text[j] == w[k] && (j == pos || !isAlnumASCII(text[j-1])) {
					pos, ok = j+1, true
					break
				}
			}
		}
		if ok {
			return true
		}
	}
	return false
}
