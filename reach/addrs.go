package reach

import (
	"hash/fnv"
	"net/netip"
	"slices"
	"sort"

	"go4.org/netipx"
)

// addrs is a set of addresses: the source or the destination of a packet
// set, of one IP version (a filter's own admitted set may hold both). A point query holds one address, kept
// inline so that the common case allocates nothing; a set question holds
// sorted, disjoint, non-adjacent ranges. A set is never modified once
// built, so sets share their ranges freely. The zero value is the empty
// set.
//
// The operations work on the ranges directly (binary search and merges)
// rather than through netipx.IPSetBuilder, which sorts on every build: the
// internet, less the thousands of public addresses an account holds, is a
// set of thousands of ranges that every set question splits many times.
type addrs struct {
	one netip.Addr
	rs  []netipx.IPRange // nil unless the set holds more than one address
}

// addrOf returns the set holding only a.
func addrOf(a netip.Addr) addrs { return addrs{one: a} }

// addrsOf returns the addresses of s.
func addrsOf(s *netipx.IPSet) addrs {
	if s == nil {
		return addrs{}
	}
	return fromRanges(s.Ranges())
}

// fromRanges returns the set of sorted, disjoint, non-adjacent ranges rs
// (which it keeps), normalised: one address is kept inline.
func fromRanges(rs []netipx.IPRange) addrs {
	switch {
	case len(rs) == 0:
		return addrs{}
	case len(rs) == 1 && rs[0].From() == rs[0].To():
		return addrs{one: rs[0].From()}
	}
	return addrs{rs: rs}
}

// setOf returns the set of the prefixes, which may overlap.
func setOf(ps ...netip.Prefix) addrs {
	var b netipx.IPSetBuilder
	for _, p := range ps {
		if p.IsValid() {
			b.AddPrefix(p.Masked())
		}
	}
	s, _ := b.IPSet()
	return addrsOf(s)
}

// ranges returns the set as ranges (one range for one address).
func (a addrs) ranges() []netipx.IPRange {
	if a.rs != nil {
		return a.rs
	}
	if a.one.IsValid() {
		return []netipx.IPRange{netipx.IPRangeFrom(a.one, a.one)}
	}
	return nil
}

// empty reports whether the set holds no address.
func (a addrs) empty() bool { return a.rs == nil && !a.one.IsValid() }

// single returns the one address of a singleton set.
func (a addrs) single() (netip.Addr, bool) { return a.one, a.one.IsValid() }

// is4 reports whether the set holds IPv4 addresses (sets never mix versions).
func (a addrs) is4() bool {
	if a.rs != nil {
		return a.rs[0].From().Is4()
	}
	return a.one.Is4()
}

// first returns the lowest address of the set.
func (a addrs) first() netip.Addr {
	if a.rs != nil {
		return a.rs[0].From()
	}
	return a.one
}

// contains reports whether x is in the set.
func (a addrs) contains(x netip.Addr) bool {
	if a.rs == nil {
		return a.one == x && x.IsValid()
	}
	i := sort.Search(len(a.rs), func(i int) bool { return x.Less(a.rs[i].From()) })
	return i > 0 && a.rs[i-1].Contains(x)
}

// ipset returns the set as a netipx.IPSet, for answers and callers outside
// the walk.
func (a addrs) ipset() *netipx.IPSet {
	var b netipx.IPSetBuilder
	for _, r := range a.ranges() {
		b.AddRange(r)
	}
	s, _ := b.IPSet()
	return s
}

// splitPrefix returns the addresses inside p and those outside it.
func (a addrs) splitPrefix(p netip.Prefix) (in, out addrs) {
	if !p.IsValid() {
		return addrs{}, a
	}
	if a.rs == nil {
		if a.one.IsValid() && p.Contains(a.one) {
			return a, addrs{}
		}
		return addrs{}, a
	}
	return a.splitRange(netipx.RangeOfPrefix(p.Masked()))
}

// splitRange returns the addresses inside r and those outside it.
func (a addrs) splitRange(r netipx.IPRange) (in, out addrs) {
	rs := a.ranges()
	if len(rs) == 0 {
		return addrs{}, a
	}
	// i: the first range that ends at or after r starts; j: the first range
	// that starts after r ends.
	i := sort.Search(len(rs), func(i int) bool { return !rs[i].To().Less(r.From()) })
	j := sort.Search(len(rs), func(i int) bool { return r.To().Less(rs[i].From()) })
	if i >= j {
		return addrs{}, a
	}
	lo, hi := rs[i].From(), rs[j-1].To()
	if !lo.Less(r.From()) && !r.To().Less(hi) && i == 0 && j == len(rs) {
		return a, addrs{} // r holds the whole set
	}
	// Sets are never changed in place, so parts that are runs of a's own
	// ranges are slices of them (capacity capped: an append copies).
	if !lo.Less(r.From()) && !r.To().Less(hi) {
		switch {
		case i == 0:
			return fromRanges(rs[:j:j]), fromRanges(rs[j:len(rs):len(rs)])
		case j == len(rs):
			return fromRanges(rs[i:j:j]), fromRanges(rs[:i:i])
		}
		return fromRanges(rs[i:j:j]), fromRanges(slices.Concat(rs[:i], rs[j:]))
	}
	nOut := i + len(rs) - j
	if lo.Less(r.From()) {
		nOut++
	}
	if r.To().Less(hi) {
		nOut++
	}
	buf := make([]netipx.IPRange, 0, j-i+nOut) // both parts, one allocation
	inside := buf[: 0 : j-i]
	for k := i; k < j; k++ {
		f, t := rs[k].From(), rs[k].To()
		if f.Less(r.From()) {
			f = r.From()
		}
		if r.To().Less(t) {
			t = r.To()
		}
		inside = append(inside, netipx.IPRangeFrom(f, t))
	}
	outside := buf[j-i : j-i : j-i+nOut]
	outside = append(outside, rs[:i]...)
	if lo.Less(r.From()) {
		outside = append(outside, netipx.IPRangeFrom(lo, r.From().Prev()))
	}
	if r.To().Less(hi) {
		outside = append(outside, netipx.IPRangeFrom(r.To().Next(), hi))
	}
	outside = append(outside, rs[j:]...)
	return fromRanges(inside), fromRanges(outside)
}

// split returns the addresses inside s and those outside it.
func (a addrs) split(s addrs) (in, out addrs) {
	if a.rs == nil {
		if a.one.IsValid() && s.contains(a.one) {
			return a, addrs{}
		}
		return addrs{}, a
	}
	if s.rs == nil {
		if !s.one.IsValid() {
			return addrs{}, a
		}
		return a.splitRange(netipx.IPRangeFrom(s.one, s.one))
	}
	if !a.overlaps(s) {
		return addrs{}, a
	}
	// Two passes over the same merge: the first counts the parts, so that
	// a set wholly inside s is returned itself (as splitRange does) and
	// both parts share one allocation.
	nIn, nOut := a.splitParts(s.rs, nil, nil)
	if nOut == 0 {
		return a, addrs{}
	}
	buf := make([]netipx.IPRange, nIn+nOut)
	a.splitParts(s.rs, buf[:nIn:nIn], buf[nIn:])
	return fromRanges(buf[:nIn:nIn]), fromRanges(buf[nIn:])
}

// splitParts merges a's ranges with b's (sorted, disjoint) and writes the
// parts of a inside b into inside and those outside into outside, when
// they are not nil (each exactly as long as the parts, which it returns
// the counts of). Runs of a's ranges in a gap of b (or past its end) are
// found by galloping and taken whole, as are runs of b's ranges in a gap
// of a: a few ranges against many cost a few searches.
func (a addrs) splitParts(b []netipx.IPRange, inside, outside []netipx.IPRange) (nIn, nOut int) {
	rs := a.rs
	k := 0
	for i := 0; i < len(rs); {
		r := rs[i]
		k = firstEndingFrom(b, k, r.From()) // skip the ranges of b that end before r
		if k == len(b) || r.To().Less(b[k].From()) {
			// r, and the ranges of a up to b's next range, lie outside b
			j := len(rs)
			if k < len(b) {
				j = firstEndingFrom(rs, i, b[k].From())
			}
			if outside != nil {
				copy(outside[nOut:], rs[i:j])
			}
			nOut += j - i
			i = j
			continue
		}
		cur := r.From()
		for m := k; m < len(b) && !r.To().Less(b[m].From()); m++ {
			f, t := b[m].From(), b[m].To()
			if f.Less(cur) {
				f = cur
			}
			if r.To().Less(t) {
				t = r.To()
			}
			if cur.Less(f) {
				if outside != nil {
					outside[nOut] = netipx.IPRangeFrom(cur, f.Prev())
				}
				nOut++
			}
			if inside != nil {
				inside[nIn] = netipx.IPRangeFrom(f, t)
			}
			nIn++
			if t == r.To() {
				cur = netip.Addr{}
				break
			}
			cur = t.Next()
		}
		if cur.IsValid() && !r.To().Less(cur) {
			if outside != nil {
				outside[nOut] = netipx.IPRangeFrom(cur, r.To())
			}
			nOut++
		}
		i++
	}
	return nIn, nOut
}

// intersect returns a ∩ s: the inside part of split, without building
// the outside one.
func (a addrs) intersect(s addrs) addrs {
	if a.rs == nil {
		if a.one.IsValid() && s.contains(a.one) {
			return a
		}
		return addrs{}
	}
	if s.rs == nil {
		switch {
		case !a.contains(s.one):
			return addrs{}
		case len(a.rs) == 1 && a.rs[0].From() == a.rs[0].To():
			return a // as splitRange returns a set its range holds whole
		}
		return addrs{one: s.one}
	}
	if !a.overlaps(s) {
		return addrs{}
	}
	// As split: a set wholly inside s is returned itself, else the
	// inside part is counted first and written once.
	nIn, nOut := a.splitParts(s.rs, nil, nil)
	if nOut == 0 {
		return a
	}
	inside := make([]netipx.IPRange, nIn)
	a.splitParts(s.rs, inside, nil)
	return fromRanges(inside)
}

// overlapsRange reports whether the set holds an address of r.
func (a addrs) overlapsRange(r netipx.IPRange) bool {
	if a.rs == nil {
		return a.one.IsValid() && r.Contains(a.one)
	}
	i := sort.Search(len(a.rs), func(i int) bool { return !a.rs[i].To().Less(r.From()) })
	return i < len(a.rs) && !r.To().Less(a.rs[i].From())
}

// within reports whether every address of the (non-empty) set is in r.
func (a addrs) within(r netipx.IPRange) bool {
	if a.rs == nil {
		return r.Contains(a.one)
	}
	return r.Contains(a.rs[0].From()) && r.Contains(a.rs[len(a.rs)-1].To())
}

// overlaps reports whether the two sets share an address. It walks both
// lists of ranges together, galloping over the ranges of one that end
// before the other's next range starts: a few ranges against many (a
// group's members against the internet) cost a few searches, not a walk
// of the many.
func (a addrs) overlaps(b addrs) bool {
	switch {
	case a.rs == nil:
		return a.one.IsValid() && b.contains(a.one)
	case b.rs == nil:
		return b.one.IsValid() && a.contains(b.one)
	}
	ra, rb := a.rs, b.rs
	i, j := 0, 0
	for i < len(ra) && j < len(rb) {
		if ra[i].Overlaps(rb[j]) {
			return true
		}
		// The two do not overlap, so the one that ends first ends before
		// the other starts.
		if ra[i].To().Less(rb[j].To()) {
			i = firstEndingFrom(ra, i, rb[j].From())
		} else {
			j = firstEndingFrom(rb, j, ra[i].From())
		}
	}
	return false
}

// firstEndingFrom returns the first index k >= i of the sorted, disjoint
// ranges rs whose range ends at or after x (len(rs) if none), probing
// i, i+1, i+2, i+4, … and then searching between the last two probes.
func firstEndingFrom(rs []netipx.IPRange, i int, x netip.Addr) int {
	lo, hi, step := i, i, 1
	for hi < len(rs) && rs[hi].To().Less(x) {
		lo = hi + 1
		hi = i + step
		step *= 2
	}
	hi = min(hi, len(rs))
	return lo + sort.Search(hi-lo, func(k int) bool { return !rs[lo+k].To().Less(x) })
}

// union returns a ∪ b.
func (a addrs) union(b addrs) addrs {
	switch {
	case a.empty():
		return b
	case b.empty():
		return a
	case a.rs == nil && b.rs == nil && a.one == b.one:
		return a
	}
	all := slices.Concat(a.ranges(), b.ranges())
	slices.SortFunc(all, func(x, y netipx.IPRange) int { return x.From().Compare(y.From()) })
	out := all[:1]
	for _, r := range all[1:] {
		last := &out[len(out)-1]
		next := last.To().Next()
		if r.From().Is4() != last.To().Is4() || (next.IsValid() && next.Less(r.From())) {
			out = append(out, r) // a gap between them, or the next IP version
			continue
		}
		if last.To().Less(r.To()) {
			*last = netipx.IPRangeFrom(last.From(), r.To())
		}
	}
	return fromRanges(out)
}

// same reports whether b is a itself: the same address, or the same
// ranges (not merely equal ones).
func (a addrs) same(b addrs) bool {
	return a.one == b.one && len(a.rs) == len(b.rs) && (a.rs == nil) == (b.rs == nil) &&
		(len(a.rs) == 0 || &a.rs[0] == &b.rs[0])
}

// equal reports whether both sets hold the same addresses.
func (a addrs) equal(b addrs) bool {
	if a.rs == nil && b.rs == nil {
		return a.one == b.one
	}
	return slices.Equal(a.rs, b.rs) // normalised: a set of ranges holds more than one address
}

// hash returns a hash of the set's addresses, equal for equal sets (sets
// are normalised), for maps of sets checked with equal.
func (a addrs) hash() uint64 {
	h := fnv.New64a()
	var b [33]byte
	put := func(x netip.Addr) {
		s := x.As16()
		copy(b[:16], s[:])
		b[16] = 4
		if x.Is6() {
			b[16] = 6
		}
	}
	if a.rs == nil {
		put(a.one)
		h.Write(b[:17])
		return h.Sum64()
	}
	for _, r := range a.rs {
		put(r.From())
		h.Write(b[:17])
		put(r.To())
		h.Write(b[:17])
	}
	return h.Sum64()
}

// witness returns an address of the set to show as an example: pref when
// the set holds it, else the first host address (skipping a network
// address).
func (a addrs) witness(pref netip.Addr) netip.Addr {
	if a.rs == nil {
		return a.one
	}
	if pref.IsValid() && a.contains(pref) {
		return pref
	}
	x := a.rs[0].From()
	if n := x.Next(); a.rs[0].Contains(n) {
		x = n
	}
	return x
}

// each calls f with every address of a small set, stopping when f returns
// false; a set of more than limit addresses is not walked.
func (a addrs) each(limit int, f func(netip.Addr) bool) bool {
	n := 0
	for _, r := range a.ranges() {
		for x := r.From(); ; x = x.Next() {
			if n++; n > limit {
				return false
			}
			if !f(x) {
				return true
			}
			if x == r.To() {
				break
			}
		}
	}
	return true
}

// appendTo appends the set as String renders it.
func (a addrs) appendTo(b []byte) []byte {
	if a.rs == nil {
		if !a.one.IsValid() {
			return append(b, "none"...)
		}
		return a.one.AppendTo(b)
	}
	var pbuf [8]netip.Prefix
	n := 0
	for _, r := range a.rs {
		for _, p := range r.AppendPrefixes(pbuf[:0]) {
			if n == 3 {
				return append(b, " …"...)
			}
			if n > 0 {
				b = append(b, ',')
			}
			b = p.AppendTo(b)
			n++
		}
	}
	return b
}

// String renders the set: one address, or up to three prefixes and an
// ellipsis; it looks at no more of the set than it shows.
func (a addrs) String() string {
	var buf [64]byte
	return string(a.appendTo(buf[:0]))
}
