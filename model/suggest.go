package model

import (
	"slices"
	"strings"
	"sync"
)

// maxSuggestQuery is the longest query Suggest looks at, in bytes: no ID
// or Name tag is longer (AWS tag values are at most 256 characters), so a
// longer query has no close match and costs nothing.
const maxSuggestQuery = 256

// suggestShortlist is how many candidates, ranked by shared trigrams, get
// their edit distance computed.
const suggestShortlist = 64

// A trigram list longer than commonTrigram words (or a 32nd of the words of
// the plausible lengths) is left out of the count once the query has
// minRareTrigrams rarer ones.
const (
	commonTrigram   = 2048
	minRareTrigrams = 3
)

// suggestIndex is a trigram index over every ID and Name tag of an Index,
// for "did you mean" suggestions. Candidates of a plausible length sharing
// the most trigrams with the query are short-listed from the posting
// lists, then ranked by their edit distance; no query walks every name. It
// is built on first use and read-only afterwards.
type suggestIndex struct {
	// words are the candidates as shown (original case), ordered by length
	// (then as the snapshot lists them); lower are their lower-case forms,
	// which the trigrams are taken from. byLen[n] is the index of the first
	// word of lower's length n or more, so a length range is a range of
	// indices.
	words []string
	lower []string
	byLen []int32
	// slots numbers the distinct trigrams; the words containing trigram
	// slot k are postings[start[k]:end[k]], in increasing order.
	slots      map[uint32]int32
	start, end []int32
	postings   []int32
	// scratch recycles the per-query counters (*suggestScratch).
	scratch sync.Pool
}

// suggestScratch is one query's working memory: a counter per word (left
// all zero after use) and the words it touched.
type suggestScratch struct {
	counts  []uint16
	touched []int32
}

// eachTrigram calls f with every trigram of w padded as "\x00\x00w\x00" (so
// that prefixes and whole short words have trigrams), as one number.
func eachTrigram(w string, f func(uint32)) {
	t := uint32(0)
	for i := 0; i < len(w)+3; i++ {
		c := byte(0)
		if i >= 2 && i-2 < len(w) {
			c = w[i-2]
		}
		t = (t<<8 | uint32(c)) & 0xffffff
		if i >= 2 {
			f(t)
		}
	}
}

func newSuggestIndex(ix *Index) *suggestIndex {
	// Every ID and Name tag once, in the snapshot's order, then ordered by
	// length with a counting sort (stable, so the order is deterministic).
	var all []string
	seen := make(map[string]bool, len(ix.byID)+len(ix.byName))
	add := func(w string) {
		if w != "" && !seen[w] && len(w) <= maxSuggestQuery {
			seen[w] = true
			all = append(all, w)
		}
	}
	for r := range ix.snap.All() {
		add(r.Base().ID)
		add(r.Base().Name())
	}
	si := &suggestIndex{slots: make(map[uint32]int32, len(all)/2)}
	lowerAll := make([]string, len(all))
	si.byLen = make([]int32, maxSuggestQuery+2)
	trigrams := 0
	for i, w := range all {
		lowerAll[i] = strings.ToLower(w)
		si.byLen[min(len(lowerAll[i]), maxSuggestQuery)+1]++
		trigrams += len(lowerAll[i]) + 1
	}
	for n := 1; n < len(si.byLen); n++ {
		si.byLen[n] += si.byLen[n-1]
	}
	si.words, si.lower = make([]string, len(all)), make([]string, len(all))
	next := slices.Clone(si.byLen)
	for i, w := range all {
		n := min(len(lowerAll[i]), maxSuggestQuery)
		si.words[next[n]], si.lower[next[n]] = w, lowerAll[i]
		next[n]++
	}
	// Number the trigrams and count their words, then lay the posting
	// lists out in one slice, each in word order.
	slotOf := make([]int32, 0, trigrams) // every word's trigram slots, word after word
	var counts []int32
	for _, w := range si.lower {
		eachTrigram(w, func(t uint32) {
			k, ok := si.slots[t]
			if !ok {
				k = int32(len(counts))
				si.slots[t] = k
				counts = append(counts, 0)
			}
			slotOf = append(slotOf, k)
			counts[k]++
		})
	}
	si.start, si.end = make([]int32, len(counts)), make([]int32, len(counts))
	total := int32(0)
	for k, c := range counts {
		si.start[k], si.end[k] = total, total
		total += c
	}
	si.postings = make([]int32, total)
	at := 0
	for i, w := range si.lower {
		for range len(w) + 1 {
			k := slotOf[at]
			at++
			// A word repeating a trigram is listed once for it.
			if e := si.end[k]; e == si.start[k] || si.postings[e-1] != int32(i) {
				si.postings[e] = int32(i)
				si.end[k]++
			}
		}
	}
	return si
}

// suggest returns up to n candidates close to q (lower-cased, trimmed,
// non-empty, at most maxSuggestQuery bytes), best first.
func (si *suggestIndex) suggest(q string, n int) []string {
	// Only words whose length is within reach can qualify: within limit
	// edits, or containing (or contained in) q at a cost of 1 + a quarter
	// of the length difference.
	limit := max(2, len(q)/3)
	span := max(limit, 4*(limit-1))
	lo := si.byLen[max(0, len(q)-span)]
	hi := si.byLen[min(len(si.byLen)-1, len(q)+span+1)]
	if lo >= hi {
		return nil
	}
	// Count, per word in range, the distinct query trigrams it contains.
	sc, _ := si.scratch.Get().(*suggestScratch)
	if sc == nil {
		sc = &suggestScratch{counts: make([]uint16, len(si.words))}
	}
	defer si.scratch.Put(sc)
	counts, touched := sc.counts, sc.touched[:0]
	// The query's trigram lists, rarest first. A trigram most words share
	// (the "eni" of every interface ID) says little about which word is
	// meant and costs the most to count: when the rarer trigrams are enough
	// to go on, such lists are left out.
	var lists [][]int32
	seen := make(map[uint32]bool, len(q)+2)
	eachTrigram(q, func(t uint32) {
		k, ok := si.slots[t]
		if !ok || seen[t] {
			return
		}
		seen[t] = true
		p := si.postings[si.start[k]:si.end[k]]
		i, _ := slices.BinarySearch(p, lo)
		j, _ := slices.BinarySearch(p[i:], hi)
		lists = append(lists, p[i:i+j])
	})
	slices.SortFunc(lists, func(a, b []int32) int { return len(a) - len(b) })
	common := max(commonTrigram, int(hi-lo)/32)
	for i, p := range lists {
		if i >= minRareTrigrams && len(p) > common {
			lists = lists[:i]
			break
		}
	}
	distinct := len(lists)
	for _, p := range lists {
		for _, c := range p {
			if counts[c] == 0 {
				touched = append(touched, c)
			}
			counts[c]++
		}
	}
	sc.touched = touched
	// Short-list the words sharing the most trigrams, the closest in
	// length first among equals: find the count that the best
	// suggestShortlist words reach, and offer only those to the heap.
	hist := make([]int, distinct+1)
	for _, c := range touched {
		hist[counts[c]]++
	}
	floor, kept := distinct, 0
	for ; floor > 1 && kept+hist[floor] < suggestShortlist; floor-- {
		kept += hist[floor]
	}
	short := &shortlist{}
	for _, c := range touched {
		if k := int(counts[c]); k >= floor {
			short.offer(scored{int(c), k, abs(len(si.lower[c]) - len(q))})
		}
		counts[c] = 0
	}
	// Rank the short list by edit distance; a candidate that contains the
	// query, or is contained in it, costs little more than its extra length.
	type cand struct {
		s    string
		cost int
	}
	var cands []cand
	for _, c := range short.s {
		ls := si.lower[c.i]
		cost := EditDistance(q, ls, limit)
		if strings.Contains(ls, q) || strings.Contains(q, ls) {
			cost = min(cost, 1+c.lenDiff/4)
		}
		if cost <= limit {
			cands = append(cands, cand{si.words[c.i], cost})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int {
		if a.cost != b.cost {
			return a.cost - b.cost
		}
		return strings.Compare(a.s, b.s)
	})
	out := make([]string, 0, min(n, len(cands)))
	for _, c := range cands[:min(n, len(cands))] {
		out = append(out, c.s)
	}
	return out
}

// scored is a candidate of the short list: its index, the trigrams it
// shares with the query, and how much its length differs.
type scored struct{ i, shared, lenDiff int }

// better reports whether a ranks before b on the short list.
func (a scored) better(b scored) bool {
	if a.shared != b.shared {
		return a.shared > b.shared
	}
	if a.lenDiff != b.lenDiff {
		return a.lenDiff < b.lenDiff
	}
	return a.i < b.i
}

// shortlist keeps the suggestShortlist best candidates offered, as a heap
// with the worst kept candidate at the root, so offering N candidates
// costs O(N log suggestShortlist).
type shortlist struct{ s []scored }

func (h *shortlist) offer(c scored) {
	if len(h.s) < suggestShortlist {
		h.s = append(h.s, c)
		for i := len(h.s) - 1; i > 0; {
			p := (i - 1) / 2
			if !h.s[p].better(h.s[i]) {
				break
			}
			h.s[p], h.s[i] = h.s[i], h.s[p]
			i = p
		}
		return
	}
	if !c.better(h.s[0]) {
		return
	}
	h.s[0] = c
	for i := 0; ; {
		worst, l, r := i, 2*i+1, 2*i+2
		if l < len(h.s) && h.s[worst].better(h.s[l]) {
			worst = l
		}
		if r < len(h.s) && h.s[worst].better(h.s[r]) {
			worst = r
		}
		if worst == i {
			return
		}
		h.s[i], h.s[worst] = h.s[worst], h.s[i]
		i = worst
	}
}

// EditDistance returns the Levenshtein distance between a and b, counted in
// bytes, or limit+1 when it is greater than limit: it computes only the band
// of the table within limit of the diagonal and stops as soon as every
// cell of a row exceeds limit, so its cost is O(limit·min(len(a), len(b))).
func EditDistance(a, b string, limit int) int {
	if len(a) > len(b) {
		a, b = b, a
	}
	if limit < 0 || len(b)-len(a) > limit {
		return limit + 1
	}
	limit = min(limit, len(b)) // the distance is never more than the longer length
	over := int32(limit + 1)
	// prev and cur hold a row of the table for columns 0..len(a); short
	// strings (every ID and name) need no allocation.
	var buf [2 * (maxSuggestQuery + 1)]int32
	prev, cur := buf[:0], buf[maxSuggestQuery+1:maxSuggestQuery+1]
	if len(a) > maxSuggestQuery {
		prev, cur = nil, nil
	}
	prev, cur = append(prev, make([]int32, len(a)+1)...), append(cur, make([]int32, len(a)+1)...)
	for j := range prev {
		prev[j] = min(int32(j), over)
	}
	for i := 1; i <= len(b); i++ {
		lo, hi := max(1, i-limit), min(len(a), i+limit)
		cur[0] = min(int32(i), over)
		if lo > 1 {
			cur[lo-1] = over
		}
		rowMin := cur[0]
		for j := lo; j <= hi; j++ {
			cost := int32(1)
			if b[i-1] == a[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost, over)
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if hi < len(a) {
			cur[hi+1] = over
		}
		if rowMin > int32(limit) {
			return int(over)
		}
		prev, cur = cur, prev
	}
	return int(min(prev[len(a)], over))
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
