package reach

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/vpcscope/vpcscope/model"
	"go4.org/netipx"
)

// randPortSet returns a random set of ports in a small space (so that
// sets overlap), normal or (sometimes) as a probe or rule may hold them:
// unsorted, overlapping.
func randPortSet(rng *rand.Rand) portSet {
	var out portSet
	for range rng.IntN(6) {
		from := uint16(rng.IntN(40))
		out = append(out, model.PortRange{From: from, To: from + uint16(rng.IntN(8))})
	}
	if rng.IntN(3) > 0 {
		out = portSet(nil).union(out) // normal
	}
	return out
}

// TestUnionOfSortedRangesIsUnionAll: the union of chosen receivers'
// addresses that a walk goes toward, joined from ranges sorted once, is
// the union of the chosen sets (unionAll), over random, overlapping sets
// of both IP versions (VPCs not peered may reuse addresses).
func TestUnionOfSortedRangesIsUnionAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 1))
	for round := range 500 {
		v4 := round%2 == 0
		addr := func() netip.Addr {
			if v4 {
				return netip.AddrFrom4([4]byte{10, 0, byte(rng.IntN(2)), byte(rng.IntN(256))})
			}
			var b [16]byte
			b[0], b[15] = 0xfd, byte(rng.IntN(256))
			if rng.IntN(20) == 0 {
				b = [16]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
			}
			return netip.AddrFrom16(b)
		}
		sets := make([]addrs, rng.IntN(12))
		for i := range sets {
			var list []netip.Addr
			for range rng.IntN(10) {
				list = append(list, addr())
			}
			sets[i] = addrsOfList(list)
			if rng.IntN(4) == 0 && len(list) > 0 {
				a, b := list[0], addr()
				if b.Less(a) {
					a, b = b, a
				}
				sets[i] = fromRanges([]netipx.IPRange{netipx.IPRangeFrom(a, b)})
			}
		}
		rs := sortedRangesOf(sets)
		chosen := make([]bool, len(sets))
		var want []addrs
		for i := range sets {
			if chosen[i] = rng.IntN(3) > 0; chosen[i] {
				want = append(want, sets[i])
			}
		}
		got, ref := unionOf(rs, chosen), unionAll(want)
		if !slices.Equal(got.ranges(), ref.ranges()) || got.one != ref.one {
			t.Fatalf("round %d: unionOf %v, unionAll %v", round, got.ranges(), ref.ranges())
		}
	}
}

// TestCoveredByAgreesWithIntersectMinus: admitBound skips a sending
// unit's ports when coveredBy says they add nothing; that is exactly
// when (a ∩ b) minus c is empty, for normal sets, and coveredBy never
// says so of sets that are not normal.
func TestCoveredByAgreesWithIntersectMinus(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 2))
	for round := range 20000 {
		a, b, c := randPortSet(rng), randPortSet(rng), randPortSet(rng)
		if rng.IntN(4) == 0 {
			c = c.union(a.intersect(b)) // covered, often
		}
		got := coveredBy(a, b, c)
		if !a.normal() || !b.normal() || !c.normal() {
			if got {
				t.Fatalf("round %d: coveredBy(%v, %v, %v) on sets not normal", round, a, b, c)
			}
			continue
		}
		if want := a.intersect(b).minus(c).empty(); got != want {
			t.Fatalf("round %d: coveredBy(%v, %v, %v) = %v, want %v", round, a, b, c, got, want)
		}
	}
}

// TestSweepRunsAgreesWithPerRunUnion: a column's segments, joined from
// bit masks of the covering sets of ports (at most 256 sets) or from the
// intervals (more), give every run the union of the ports of the
// intervals that cover it, with no two neighbouring segments alike.
func TestSweepRunsAgreesWithPerRunUnion(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 3))
	for round := range 2000 {
		runs := 1 + rng.IntN(30)
		nsets := 1 + rng.IntN(6)
		if round%3 == 0 {
			nsets = 257 + rng.IntN(5) // past the masks
		}
		sets := make([]portSet, nsets)
		for i := range sets {
			sets[i] = randPortSet(rng)
			if sets[i].empty() {
				sets[i] = portsOf(model.PortRange{From: uint16(i), To: uint16(i)})
			}
		}
		var ivs []runInterval
		for range rng.IntN(40) {
			from := rng.IntN(runs)
			to := from + rng.IntN(runs-from)
			k := rng.IntN(nsets)
			ivs = append(ivs, runInterval{from: from, to: to, ports: sets[k], set: k})
		}
		if len(ivs) == 0 {
			continue
		}
		ref := slices.Clone(ivs)
		col := sweepRuns(ivs, nsets)
		for i := 1; i < len(col); i++ {
			if col[i].ports.equal(col[i-1].ports) {
				t.Fatalf("round %d: segments %d and %d alike", round, i-1, i)
			}
		}
		for run := range runs {
			var want portSet
			for _, iv := range ref {
				if iv.from <= run && run <= iv.to {
					want = want.union(iv.ports)
				}
			}
			if got := segmentAt(col, run); !got.equal(want) {
				t.Fatalf("round %d run %d: %v, want %v", round, run, got, want)
			}
		}
	}
}

// TestCellStoreAgreesWithMap: the cell store, its records and ports in
// chunked arenas, holds per cell and probe the union of the ports added,
// as a map of unions does, across many chunks.
func TestCellStoreAgreesWithMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 4))
	for _, groups := range []int{40, 5000} { // dense and mapped index
		st := newCellStore(groups)
		ref := map[cellProbe]portSet{}
		for range 3 * arenaChunk {
			k := cellProbe{cellKey(int32(rng.IntN(groups)), int32(rng.IntN(groups))), int32(rng.IntN(4))}
			if groups == 40 {
				k.cell = cellKey(int32(rng.IntN(40)), int32(rng.IntN(40)))
			}
			p := randPortSet(rng)
			if p.empty() {
				continue
			}
			p = portSet(nil).union(p)
			st.add(k.cell, k.probe, p)
			ref[k] = ref[k].union(p)
		}
		cells := map[uint64]bool{}
		for k, want := range ref {
			cells[k.cell] = true
			if got := st.known(k.cell, k.probe); !got.equal(want) {
				t.Fatalf("groups %d: cell %x probe %d: %v, want %v", groups, k.cell, k.probe, got, want)
			}
		}
		if st.len() != len(cells) {
			t.Fatalf("groups %d: %d cells, want %d", groups, st.len(), len(cells))
		}
		if len(st.ports) < 2 || groups == 5000 && len(st.recs) < 2 {
			t.Fatalf("groups %d: %d chunks of records and %d of ports, want more", groups, len(st.recs), len(st.ports))
		}
	}
}

// TestNarrowToIsIntersect: a cell's ports narrowed by its column, shared
// when the column holds them all, are the intersection.
func TestNarrowToIsIntersect(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 5))
	for round := range 20000 {
		a, b := randPortSet(rng), randPortSet(rng)
		if rng.IntN(3) == 0 {
			b = b.union(a)
		}
		got, want := narrowTo(a, b), a.intersect(b)
		if !slices.Equal(got, want) && !(got.empty() && want.empty()) {
			t.Fatalf("round %d: narrowTo(%v, %v) = %v, want %v", round, a, b, got, want)
		}
	}
}
