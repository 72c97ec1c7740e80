package reach

import (
	"math/rand/v2"
	"net/netip"
	"testing"
)

// TestPrefixIndexAgreesWithLongestPrefixScan checks the route lookup a
// transit gateway route table's prefix index makes (Transit Gateway guide,
// "Route evaluation order": longest prefix first) against the scan over
// the sorted routes it replaces, over random tables and addresses.
func TestPrefixIndexAgreesWithLongestPrefixScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	randAddr := func(v4 bool) netip.Addr {
		if v4 {
			// A small space so that prefixes overlap and addresses hit them.
			return netip.AddrFrom4([4]byte{10, byte(rng.IntN(4)), byte(rng.IntN(4)), byte(rng.IntN(256))})
		}
		var b [16]byte
		b[0], b[1], b[2] = 0xfd, byte(rng.IntN(4)), byte(rng.IntN(4))
		b[15] = byte(rng.IntN(256))
		if rng.IntN(8) == 0 {
			return netip.AddrFrom16(netip.AddrFrom4([4]byte{10, byte(rng.IntN(4)), 0, 1}).As16()) // IPv4-mapped
		}
		return netip.AddrFrom16(b)
	}
	hits := 0
	for range 2000 {
		type route struct {
			prefix   netip.Prefix
			priority int
		}
		var routes []route
		for range rng.IntN(40) {
			v4 := rng.IntN(3) > 0
			a := randAddr(v4)
			bits := rng.IntN(a.BitLen() + 1)
			if rng.IntN(3) == 0 {
				bits = []int{0, 8, 16, 24, 32}[rng.IntN(5)] * a.BitLen() / 32
			}
			p := netip.PrefixFrom(a, bits) // unmasked, as prefix list entries may be
			if rng.IntN(2) == 0 {
				p = p.Masked()
			}
			routes = append(routes, route{p, rng.IntN(3)})
		}
		sortRoutes(routes, func(r route) (netip.Prefix, int) { return r.prefix, r.priority })
		x := newPrefixIndex(len(routes), func(i int) netip.Prefix { return routes[i].prefix })
		for range 50 {
			d := randAddr(rng.IntN(2) == 0)
			want := -1
			for i, r := range routes {
				if r.prefix.Addr().Is4() == d.Is4() && r.prefix.Contains(d) {
					want = i
					break
				}
			}
			if want >= 0 {
				hits++
			}
			if got := x.first(d); got != want {
				t.Fatalf("routes %v, destination %s: index finds %d, scan %d", routes, d, got, want)
			}
		}
	}
	if hits < 10000 {
		t.Fatalf("only %d of 100000 lookups found a route: the random tables do not exercise the index", hits)
	}
}
