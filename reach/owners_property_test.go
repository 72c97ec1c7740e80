package reach

import (
	"math/rand/v2"
	"testing"

	"github.com/vpcscope/vpcscope/model"
)

// ownersInVPCPlain is ownersInVPC splitting the destinations class by
// class for every packet, without the one-span shortcut (ownersOfSpan).
func (e *Engine) ownersInVPCPlain(vpcID string, pkt packet) []ownerPart {
	if d, ok := pkt.singleDst(); ok {
		return []ownerPart{{pkt: pkt, eni: e.interfaceInVPC(vpcID, d)}}
	}
	var out []ownerPart
	rest := pkt
	for _, c := range e.vpcClasses[vpcID] {
		if rest.empty() {
			break
		}
		in, other := rest.splitDst(c.private)
		rest = other
		if in.empty() {
			continue
		}
		if d, one := in.singleDst(); one || len(c.members) == 1 {
			n := c.rep
			if one {
				n = e.interfaceInVPC(vpcID, d)
			}
			out = append(out, ownerPart{pkt: in, eni: n})
			continue
		}
		out = append(out, ownerPart{pkt: in, eni: c.rep, class: c})
	}
	if !rest.empty() {
		out = append(out, ownerPart{pkt: rest})
	}
	return out
}

// randomClasses returns up to six interface classes of one VPC with random
// private addresses: mostly disjoint, as a VPC's interfaces own distinct
// addresses, sometimes overlapping (a snapshot may list an address twice).
func randomClasses(g setGen) []*ifaceClass {
	var cs []*ifaceClass
	var taken addrs
	for range g.rng.IntN(9) {
		v6 := g.rng.IntN(5) == 0
		a := g.addrs(v6)
		if g.rng.IntN(4) > 0 {
			_, a = a.split(taken)
		}
		taken = taken.union(a)
		c := &ifaceClass{rep: &model.NetworkInterface{}, private: a}
		c.members = make([]*model.NetworkInterface, 1+g.rng.IntN(3))
		cs = append(cs, c)
	}
	return cs
}

// TestInterfaceOwnersOfPacketSetsMatchClassByClassSplit checks that a VPC's
// interfaces own the same parts of a packet set (a destination belongs to
// the first class holding it as a private or IPv6 address) whether the
// destinations are split class by class or once.
func TestInterfaceOwnersOfPacketSetsMatchClassByClassSplit(t *testing.T) {
	protos := []model.Protocol{model.ProtocolTCP, model.ProtocolUDP, model.ProtocolICMP, model.ProtocolAll}
	for seed := range uint64(3000) {
		g := setGen{rand.New(rand.NewPCG(seed, 0x0a7e))}
		e := &Engine{ix: model.NewIndex(&model.Snapshot{}), vpcClasses: map[string][]*ifaceClass{"vpc-a": randomClasses(g)}}
		for i := range 8 {
			// every other packet through the VPC's index of owners
			// (ownersIndex; it declines classes that share addresses)
			e.vpcOwners = nil
			if i%2 == 1 {
				e.vpcOwners = map[string]*ownerIndex{"vpc-a": {}}
			}
			pkt := g.packet(protos[g.rng.IntN(len(protos))])
			got, want := e.ownersInVPC("vpc-a", pkt), e.ownersInVPCPlain("vpc-a", pkt)
			if len(got) != len(want) {
				t.Fatalf("seed %d: %s: %d parts, want %d", seed, pkt, len(got), len(want))
			}
			for i := range got {
				if got[i].eni != want[i].eni || got[i].class != want[i].class || !samePacketValues(got[i].pkt, want[i].pkt) {
					t.Fatalf("seed %d: %s: part %d is %s (%p, %p), want %s (%p, %p)", seed, pkt, i,
						got[i].pkt, got[i].eni, got[i].class, want[i].pkt, want[i].eni, want[i].class)
				}
			}
		}
	}
}
