package reach

import (
	"net/netip"
	"strings"

	"go4.org/netipx"
)

// addrs is a set of addresses of one IP version: the source or the
// destination of a packet set. A point query holds one address, kept
// inline so that the common case allocates nothing; a set question holds
// a netipx.IPSet. The zero value is the empty set.
type addrs struct {
	one netip.Addr
	set *netipx.IPSet // nil unless the set holds more than one address
}

// addrOf returns the set holding only a.
func addrOf(a netip.Addr) addrs { return addrs{one: a} }

// addrsOf returns the set s, normalised: one address is kept inline.
func addrsOf(s *netipx.IPSet) addrs {
	if s == nil {
		return addrs{}
	}
	rs := s.Ranges()
	switch {
	case len(rs) == 0:
		return addrs{}
	case len(rs) == 1 && rs[0].From() == rs[0].To():
		return addrs{one: rs[0].From()}
	}
	return addrs{set: s}
}

// empty reports whether the set holds no address.
func (a addrs) empty() bool { return a.set == nil && !a.one.IsValid() }

// single returns the one address of a singleton set.
func (a addrs) single() (netip.Addr, bool) { return a.one, a.one.IsValid() }

// is4 reports whether the set holds IPv4 addresses (sets never mix versions).
func (a addrs) is4() bool {
	if a.set != nil {
		rs := a.set.Ranges()
		return len(rs) > 0 && rs[0].From().Is4()
	}
	return a.one.Is4()
}

// contains reports whether x is in the set.
func (a addrs) contains(x netip.Addr) bool {
	if a.set != nil {
		return a.set.Contains(x)
	}
	return a.one == x
}

// ipset returns the set as a netipx.IPSet.
func (a addrs) ipset() *netipx.IPSet {
	if a.set != nil {
		return a.set
	}
	var b netipx.IPSetBuilder
	if a.one.IsValid() {
		b.Add(a.one)
	}
	s, _ := b.IPSet()
	return s
}

// splitPrefix returns the addresses inside p and those outside it.
func (a addrs) splitPrefix(p netip.Prefix) (in, out addrs) {
	if a.set == nil {
		if a.one.IsValid() && p.IsValid() && p.Contains(a.one) {
			return a, addrs{}
		}
		return addrs{}, a
	}
	if !p.IsValid() || !a.set.OverlapsPrefix(p) {
		return addrs{}, a
	}
	if rs := a.set.Ranges(); p.Contains(rs[0].From()) && p.Contains(rs[len(rs)-1].To()) {
		return a, addrs{} // the prefix holds the whole set
	}
	var ib, ob netipx.IPSetBuilder
	ib.AddSet(a.set)
	ob.AddSet(a.set)
	ib.Intersect(prefixSet(p))
	ob.RemovePrefix(p)
	is, _ := ib.IPSet()
	os, _ := ob.IPSet()
	return addrsOf(is), addrsOf(os)
}

// split returns the addresses inside s and those outside it.
func (a addrs) split(s *netipx.IPSet) (in, out addrs) {
	if a.set == nil {
		if a.one.IsValid() && s != nil && s.Contains(a.one) {
			return a, addrs{}
		}
		return addrs{}, a
	}
	if s == nil || !overlaps(a.set, s) {
		return addrs{}, a
	}
	if within(a.set, s) {
		return a, addrs{}
	}
	var ib, ob netipx.IPSetBuilder
	ib.AddSet(a.set)
	ob.AddSet(a.set)
	ib.Intersect(s)
	ob.RemoveSet(s)
	is, _ := ib.IPSet()
	os, _ := ob.IPSet()
	return addrsOf(is), addrsOf(os)
}

// union returns a ∪ b.
func (a addrs) union(b addrs) addrs {
	switch {
	case a.empty():
		return b
	case b.empty():
		return a
	case a.set == nil && b.set == nil && a.one == b.one:
		return a
	}
	var u netipx.IPSetBuilder
	u.AddSet(a.ipset())
	u.AddSet(b.ipset())
	s, _ := u.IPSet()
	return addrsOf(s)
}

// equal reports whether both sets hold the same addresses.
func (a addrs) equal(b addrs) bool {
	if a.set == nil && b.set == nil {
		return a.one == b.one
	}
	if a.set == nil || b.set == nil {
		return false // normalised: a set always holds more than one address
	}
	return a.set.Equal(b.set)
}

// witness returns an address of the set to show as an example: the first
// host address (skipping a network address), or pref when the set holds it.
func (a addrs) witness(pref netip.Addr) netip.Addr {
	if a.set == nil {
		return a.one
	}
	if pref.IsValid() && a.set.Contains(pref) {
		return pref
	}
	rs := a.set.Ranges()
	if len(rs) == 0 {
		return netip.Addr{}
	}
	x := rs[0].From()
	if n := x.Next(); rs[0].Contains(n) {
		x = n
	}
	return x
}

// each calls f with every address of a small set, stopping when f returns
// false; a large set is not walked.
func (a addrs) each(limit int, f func(netip.Addr) bool) bool {
	if a.set == nil {
		if a.one.IsValid() {
			f(a.one)
		}
		return true
	}
	n := 0
	for _, r := range a.set.Ranges() {
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

func prefixSet(p netip.Prefix) *netipx.IPSet {
	var b netipx.IPSetBuilder
	b.AddPrefix(p)
	s, _ := b.IPSet()
	return s
}

// within reports whether every address of a is in b.
func within(a, b *netipx.IPSet) bool {
	for _, r := range a.Ranges() {
		if !b.ContainsRange(r) {
			return false
		}
	}
	return true
}

// overlaps reports whether two sets share an address.
func overlaps(a, b *netipx.IPSet) bool {
	ra, rb := a.Ranges(), b.Ranges()
	i, j := 0, 0
	for i < len(ra) && j < len(rb) {
		if ra[i].Overlaps(rb[j]) {
			return true
		}
		if ra[i].To().Less(rb[j].To()) {
			i++
		} else {
			j++
		}
	}
	return false
}

// appendTo appends the set as String renders it.
func (a addrs) appendTo(b []byte) []byte {
	if a.set == nil && a.one.IsValid() {
		return a.one.AppendTo(b)
	}
	return append(b, a.String()...)
}

// String renders the set: one address, or up to three prefixes and an
// ellipsis; it looks at no more of the set than it shows.
func (a addrs) String() string {
	if a.set == nil {
		if !a.one.IsValid() {
			return "none"
		}
		return a.one.String()
	}
	var b strings.Builder
	var buf []netip.Prefix
	n := 0
	for _, r := range a.set.Ranges() {
		buf = r.AppendPrefixes(buf[:0])
		for _, p := range buf {
			if n == 3 {
				b.WriteString(" …")
				return b.String()
			}
			if n > 0 {
				b.WriteByte(',')
			}
			b.WriteString(p.String())
			n++
		}
	}
	return b.String()
}
