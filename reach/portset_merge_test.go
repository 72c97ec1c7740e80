package reach

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/vpcscope/vpcscope/model"
)

// unionByInsertion and intersectBySplit are portSet's union and
// intersect as they were before the linear merges: the reference.
func unionByInsertion(s, o portSet) portSet {
	all := append(append(portSet(nil), s...), o...)
	if len(all) < 2 {
		return all
	}
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j].From < all[j-1].From; j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	out := portSet{all[0]}
	for _, r := range all[1:] {
		last := &out[len(out)-1]
		if uint32(r.From) <= uint32(last.To)+1 {
			last.To = max(last.To, r.To)
			continue
		}
		out = append(out, r)
	}
	return out
}

func intersectBySplit(s, o portSet) portSet {
	var out portSet
	for _, r := range o {
		in, _ := s.split(r)
		out = unionByInsertion(out, in)
	}
	return out
}

// TestPortSetMergesEqualReference checks the linear union and
// intersection of port sets against the quadratic ones they replaced, on
// random sets: normalized ones (as union leaves them; single ports and
// stretches, adjacent and overlapping), sorted ones with touching ranges,
// and unsorted ones (which take the old path).
func TestPortSetMergesEqualReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	random := func() portSet {
		var s portSet
		for range rng.IntN(12) {
			from := uint16(rng.IntN(200))
			if rng.IntN(10) == 0 {
				from = uint16(65535 - rng.IntN(3))
			}
			to := from + uint16(rng.IntN(6))
			if to < from {
				to = 65535
			}
			s = append(s, model.PortRange{From: from, To: to})
		}
		switch rng.IntN(3) {
		case 0:
			return unionByInsertion(nil, s) // normalized
		case 1:
			slices.SortFunc(s, func(a, b model.PortRange) int { return int(a.From) - int(b.From) })
		}
		return s
	}
	var merged int
	for i := range 20000 {
		s, o := random(), random()
		if got, want := s.union(o), unionByInsertion(s, o); !slices.Equal(got, want) {
			t.Fatalf("case %d: %v ∪ %v = %v, want %v", i, s, o, got, want)
		}
		if got, want := s.intersect(o), intersectBySplit(s, o); !slices.Equal(got, want) {
			t.Fatalf("case %d: %v ∩ %v = %v, want %v", i, s, o, got, want)
		}
		if s.normal() && o.normal() && len(s) > 1 && len(o) > 1 {
			merged++
		}
	}
	if merged == 0 {
		t.Fatal("no case took the linear merges")
	}
}
