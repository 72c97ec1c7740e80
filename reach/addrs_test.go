package reach

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"go4.org/netipx"
)

// randomSet returns a random IPv4 set within 10.0.0.0/24 (small, so that
// ranges touch, overlap and abut often).
func randomSet(rng *rand.Rand) *netipx.IPSet {
	var b netipx.IPSetBuilder
	for range rng.IntN(6) {
		lo := rng.IntN(256)
		hi := min(255, lo+rng.IntN(40))
		b.AddRange(netipx.IPRangeFrom(netip.AddrFrom4([4]byte{10, 0, 0, byte(lo)}), netip.AddrFrom4([4]byte{10, 0, 0, byte(hi)})))
	}
	s, _ := b.IPSet()
	return s
}

// TestAddrsAgreeWithIPSet checks the walk's address sets against
// netipx.IPSet, the reference: split by a set, by a prefix, union,
// overlap and membership, on random sets.
func TestAddrsAgreeWithIPSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		a, b := randomSet(rng), randomSet(rng)
		x, y := addrsOf(a), addrsOf(b)
		in, out := x.split(y)
		wi, wo := ipsetSplit(a, b)
		if !in.ipset().Equal(wi) || !out.ipset().Equal(wo) {
			t.Fatalf("case %d: %v split by %v = %v, %v; want %v, %v", i, a.Ranges(), b.Ranges(), in.ranges(), out.ranges(), wi.Ranges(), wo.Ranges())
		}
		if !in.equal(addrsOf(wi)) || !out.equal(addrsOf(wo)) {
			t.Fatalf("case %d: split results are not normalised", i)
		}
		if got := x.intersect(y); !got.equal(in) || got.rs == nil && in.rs != nil {
			t.Fatalf("case %d: %v ∩ %v = %v, want split's inside %v", i, a.Ranges(), b.Ranges(), got.ranges(), in.ranges())
		}
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, 0, byte(rng.IntN(256))}), 24+rng.IntN(9)).Masked()
		pin, pout := x.splitPrefix(p)
		var wpi, wpo netipx.IPSetBuilder
		wpi.AddSet(a)
		wpi.Intersect(prefixIPSet(p))
		wpo.AddSet(a)
		wpo.RemovePrefix(p)
		wpis, _ := wpi.IPSet()
		wpos, _ := wpo.IPSet()
		if !pin.ipset().Equal(wpis) || !pout.ipset().Equal(wpos) {
			t.Fatalf("case %d: %v split by %v = %v, %v; want %v, %v", i, a.Ranges(), p, pin.ranges(), pout.ranges(), wpis.Ranges(), wpos.Ranges())
		}
		var u netipx.IPSetBuilder
		u.AddSet(a)
		u.AddSet(b)
		us, _ := u.IPSet()
		if got := x.union(y); !got.ipset().Equal(us) || !got.equal(addrsOf(us)) {
			t.Fatalf("case %d: %v ∪ %v = %v, want %v", i, a.Ranges(), b.Ranges(), got.ranges(), us.Ranges())
		}
		if x.overlaps(y) != (len(wi.Ranges()) > 0) {
			t.Fatalf("case %d: overlaps(%v, %v) = %v", i, a.Ranges(), b.Ranges(), x.overlaps(y))
		}
		probe := netip.AddrFrom4([4]byte{10, 0, 0, byte(rng.IntN(256))})
		if x.contains(probe) != a.Contains(probe) {
			t.Fatalf("case %d: contains(%v, %v) = %v", i, a.Ranges(), probe, x.contains(probe))
		}
	}
}

func prefixIPSet(p netip.Prefix) *netipx.IPSet {
	var b netipx.IPSetBuilder
	b.AddPrefix(p)
	s, _ := b.IPSet()
	return s
}

// TestAddrsKeepIPVersionsApart: a set ending at 255.255.255.255 joined with
// an IPv6 set stays two sets of ranges.
func TestAddrsKeepIPVersionsApart(t *testing.T) {
	v4 := setOf(netip.MustParsePrefix("0.0.0.0/0"))
	v6 := setOf(netip.MustParsePrefix("2001:db8::/32"))
	u := v4.union(v6)
	if len(u.ranges()) != 2 {
		t.Fatalf("0.0.0.0/0 ∪ 2001:db8::/32 = %v, want two ranges", u.ranges())
	}
	if all := v4.union(setOf(netip.MustParsePrefix("10.0.2.0/24"))); !all.equal(v4) {
		t.Fatalf("0.0.0.0/0 ∪ 10.0.2.0/24 = %v, want 0.0.0.0/0", all.ranges())
	}
	in, out := u.splitPrefix(netip.MustParsePrefix("2001:db8::/48"))
	if !in.equal(setOf(netip.MustParsePrefix("2001:db8::/48"))) || !out.contains(netip.MustParseAddr("8.8.8.8")) {
		t.Fatalf("split by 2001:db8::/48: %v | %v", in.ranges(), out.ranges())
	}
}

// TestAddrsOverlapsManyAgainstFew checks overlaps where one set has far
// more ranges than the other (it gallops over the many) against
// netipx.IPSet, both ways round, with IPv4 and IPv6 ranges mixed.
func TestAddrsOverlapsManyAgainstFew(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	addr := func(v6 bool, n int) netip.Addr {
		if v6 {
			return netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 15: byte(n), 14: byte(n >> 8)})
		}
		return netip.AddrFrom4([4]byte{10, 0, byte(n >> 8), byte(n)})
	}
	set := func(n, width int) *netipx.IPSet {
		var b netipx.IPSetBuilder
		for range n {
			v6 := rng.IntN(4) == 0
			lo := rng.IntN(4096)
			b.AddRange(netipx.IPRangeFrom(addr(v6, lo), addr(v6, min(4095, lo+rng.IntN(width)))))
		}
		s, _ := b.IPSet()
		return s
	}
	hits := 0
	for i := range 3000 {
		many, few := set(200+rng.IntN(200), 8), set(1+rng.IntN(3), 1+rng.IntN(30))
		var both netipx.IPSetBuilder
		both.AddSet(many)
		both.Intersect(few)
		bs, _ := both.IPSet()
		want := len(bs.Ranges()) > 0
		if want {
			hits++
		}
		x, y := addrsOf(many), addrsOf(few)
		if x.overlaps(y) != want || y.overlaps(x) != want {
			t.Fatalf("case %d: overlaps(%v, %v) = %v, %v; want %v", i, many.Ranges(), few.Ranges(), x.overlaps(y), y.overlaps(x), want)
		}
	}
	if hits == 0 || hits == 3000 {
		t.Fatalf("%d of 3000 cases overlap: the test does not check both answers", hits)
	}
}

// ipsetSplit is the reference for addrs.split: the parts of a inside b
// and outside it, as netipx computes them.
func ipsetSplit(a, b *netipx.IPSet) (in, out *netipx.IPSet) {
	var wantIn, wantOut netipx.IPSetBuilder
	wantIn.AddSet(a)
	wantIn.Intersect(b)
	wantOut.AddSet(a)
	wantOut.RemoveSet(b)
	in, _ = wantIn.IPSet()
	out, _ = wantOut.IPSet()
	return in, out
}
