package reach

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/vpcscope/vpcscope/model"
	"go4.org/netipx"
)

// This file checks the set walks' shortcuts (a filter or an ACL entry that
// leaves a packet set whole, or takes all of it) against the plain
// computations they stand for, kept here as they were before them: the
// parts must hold the very same packets.

// evaluateSpansPlain is evaluateSpans splitting every span at every entry
// (matchSpan for all of them), without its shortcuts.
func (c *compiledACL) evaluateSpansPlain(egress bool, pkt packet, parts bool) aclResult {
	order := c.inbound
	if egress {
		order = c.outbound
	}
	ports := pkt.proto.HasPorts()
	res := aclResult{allowed: aclPart{pkt: pkt.with(nil), allow: true}, denied: aclPart{pkt: pkt.with(nil)}}
	remaining := pkt.spans
	var allowed, denied []span
	for _, i := range order {
		if len(remaining) == 0 {
			break
		}
		en := &c.acl.Entries[i]
		if !en.CIDR.IsValid() || !en.Protocol.Matches(pkt.proto) {
			continue
		}
		if pkt.proto.IsICMP() && en.Protocol != model.ProtocolAll && !en.ICMPMatch().Matches(pkt.icmp) {
			continue
		}
		entryPorts := model.AllPorts
		if ports && en.Protocol != model.ProtocolAll {
			entryPorts = en.Ports()
		}
		var next, matched []span
		for _, s := range remaining {
			if peerOf(s, egress).is4() != en.CIDR.Addr().Is4() {
				next = append(next, s)
				continue
			}
			var hit span
			var ok bool
			hit, next, ok = matchSpan(s, egress, func(a addrs) (addrs, addrs) { return a.splitPrefix(en.CIDR.Masked()) }, entryPorts, ports, next)
			if ok {
				matched = append(matched, hit)
			}
		}
		remaining = next
		if len(matched) == 0 {
			continue
		}
		if parts {
			res.parts = append(res.parts, aclPart{pkt: pkt.with(matched), entry: en, allow: en.Action == model.Allow})
		}
		if en.Action == model.Allow {
			allowed = append(allowed, matched...)
			if res.allowed.entry == nil {
				res.allowed.entry = en
			}
		} else {
			denied = append(denied, matched...)
			if res.denied.entry == nil {
				res.denied.entry = en
			}
		}
	}
	if len(remaining) > 0 && parts {
		res.parts = append(res.parts, aclPart{pkt: pkt.with(remaining)})
	}
	denied = append(denied, remaining...)
	res.allowed.pkt = pkt.with(allowed)
	res.denied.pkt = pkt.with(denied)
	return res
}

// filterPlain is packet.filter without its shortcut.
func (p packet) filterPlain(keep func(span) (in, out span)) (kept, dropped packet) {
	var in, out []span
	for _, s := range p.spans {
		i, o := keep(s)
		in = append(in, i)
		out = append(out, o)
	}
	return p.with(in), p.with(out)
}

// samePacketValues reports whether p and q hold the same spans, span by
// span, with the same protocol, message and flag.
func samePacketValues(p, q packet) bool {
	if p.proto != q.proto || p.icmp != q.icmp || p.forwarded != q.forwarded || len(p.spans) != len(q.spans) {
		return false
	}
	for i := range p.spans {
		a, b := p.spans[i], q.spans[i]
		if !a.src.equal(b.src) || !a.dst.equal(b.dst) || !a.srcPorts.equal(b.srcPorts) || !a.dstPorts.equal(b.dstPorts) {
			return false
		}
	}
	return true
}

// randomSetSpans returns a random packet set: up to four spans of
// address sets (one address, prefixes, several ranges, sometimes empty)
// and port sets, some repeated so that they merge.
type setGen struct{ rng *rand.Rand }

func (g setGen) addrs(v6 bool) addrs {
	p4 := []string{"10.1.2.3/32", "10.1.2.0/24", "10.1.0.0/16", "10.0.0.0/8", "10.1.2.128/25", "192.168.0.0/16", "8.8.8.0/24", "0.0.0.0/0", "10.1.3.0/24"}
	p6 := []string{"2001:db8::1/128", "2001:db8::/32", "2001:db8:1::/48", "::/0", "2001:db9::/32"}
	pool := p4
	if v6 {
		pool = p6
	}
	if g.rng.IntN(12) == 0 {
		return addrs{}
	}
	var ps []netip.Prefix
	for range 1 + g.rng.IntN(3) {
		ps = append(ps, netip.MustParsePrefix(pool[g.rng.IntN(len(pool))]))
	}
	a := setOf(ps...)
	if g.rng.IntN(3) == 0 { // punch a hole: several ranges
		_, a = a.splitPrefix(netip.MustParsePrefix(pool[g.rng.IntN(len(pool))]))
	}
	return a
}

func (g setGen) ports() portSet {
	var s portSet
	for range g.rng.IntN(4) {
		a, b := uint16(g.rng.IntN(130)), uint16(g.rng.IntN(130))
		s = s.union(portSet{{From: min(a, b), To: max(a, b)}})
	}
	if g.rng.IntN(5) == 0 {
		s = s.union(portSet{{From: 1024, To: 65535}})
	}
	return s
}

func (g setGen) packet(proto model.Protocol) packet {
	v6 := g.rng.IntN(5) == 0
	p := packet{proto: proto, forwarded: g.rng.IntN(2) == 0}
	if proto.IsICMP() {
		p.icmp = model.ICMPTypeCode{Type: int16(g.rng.IntN(2) * 8)}
	}
	for range g.rng.IntN(5) {
		s := span{src: g.addrs(v6), dst: g.addrs(v6)}
		if proto.HasPorts() {
			s.srcPorts, s.dstPorts = g.ports(), g.ports()
		}
		if len(p.spans) > 0 && g.rng.IntN(3) == 0 { // shares all but some ports with another
			o := p.spans[g.rng.IntN(len(p.spans))]
			o.dstPorts = s.dstPorts
			s = o
		}
		p.spans = append(p.spans, s)
	}
	if g.rng.IntN(2) == 0 {
		p = p.with(p.spans) // as the walks mostly hold them
	}
	return p
}

func (g setGen) acl() *model.NetworkACL {
	cidrs := []string{"0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3/32", "192.168.0.0/16", "::/0", "2001:db8::/32"}
	protos := []model.Protocol{model.ProtocolTCP, model.ProtocolUDP, model.ProtocolICMP, model.ProtocolAll}
	acl := &model.NetworkACL{}
	for range g.rng.IntN(7) {
		en := model.ACLEntry{RuleNumber: int32(g.rng.IntN(200)), Egress: g.rng.IntN(2) == 0, Protocol: protos[g.rng.IntN(len(protos))],
			Action: model.Allow, CIDR: netip.MustParsePrefix(cidrs[g.rng.IntN(len(cidrs))])}
		if g.rng.IntN(3) == 0 {
			en.Action = model.Deny
		}
		switch {
		case en.Protocol.HasPorts() && g.rng.IntN(4) > 0:
			a, b := uint16(g.rng.IntN(130)), uint16(g.rng.IntN(130))
			r := model.PortRange{From: min(a, b), To: max(a, b)}
			if g.rng.IntN(3) == 0 {
				r = model.PortRange{From: 1024, To: 65535}
			}
			en.PortRange = &r
		case en.Protocol == model.ProtocolICMP && g.rng.IntN(2) == 0:
			en.ICMP = &model.ICMPTypeCode{Type: int16(g.rng.IntN(2) * 8), Code: 0}
		}
		acl.Entries = append(acl.Entries, en)
	}
	for _, egress := range []bool{false, true} {
		acl.Entries = append(acl.Entries, model.ACLEntry{RuleNumber: model.DefaultRuleNumber, Egress: egress, Protocol: model.ProtocolAll, Action: model.Deny, CIDR: netip.MustParsePrefix("0.0.0.0/0")})
	}
	return acl
}

// TestNetworkACLFirstMatchPartsOfPacketSets checks evaluateSpans (whose
// entries that match none or all of the spans skip the split, and whose
// first matching entry taking all of them decides the set whole) against
// the entry-by-entry split of every span, over random ACLs and packet
// sets: the same entries decide the same packets.
func TestNetworkACLFirstMatchPartsOfPacketSets(t *testing.T) {
	g := setGen{rand.New(rand.NewPCG(11, 17))}
	protos := []model.Protocol{model.ProtocolTCP, model.ProtocolUDP, model.ProtocolICMP, model.ProtocolAll}
	whole, split := 0, 0
	for range 30000 {
		c := compileACL(g.acl())
		pkt := g.packet(protos[g.rng.IntN(len(protos))])
		for _, egress := range []bool{false, true} {
			for _, parts := range []bool{false, true} {
				got, want := c.evaluateSpans(egress, pkt, parts), c.evaluateSpansPlain(egress, pkt, parts)
				if got.allowed.pkt.empty() || got.denied.pkt.empty() {
					whole++
				} else {
					split++
				}
				same := got.allowed.entry == want.allowed.entry && got.denied.entry == want.denied.entry &&
					got.allowed.allow == want.allowed.allow && got.denied.allow == want.denied.allow &&
					samePacketValues(got.allowed.pkt, want.allowed.pkt) && samePacketValues(got.denied.pkt, want.denied.pkt) &&
					len(got.parts) == len(want.parts)
				for i := 0; same && i < len(got.parts); i++ {
					same = got.parts[i].entry == want.parts[i].entry && got.parts[i].allow == want.parts[i].allow &&
						samePacketValues(got.parts[i].pkt, want.parts[i].pkt)
				}
				if !same {
					t.Fatalf("ACL %+v egress %v parts %v packet %s:\ngot  allowed %s denied %s (%d parts)\nwant allowed %s denied %s (%d parts)",
						c.acl.Entries, egress, parts, pkt, got.allowed.pkt, got.denied.pkt, len(got.parts), want.allowed.pkt, want.denied.pkt, len(want.parts))
				}
			}
		}
	}
	if whole == 0 || split == 0 {
		t.Fatalf("the random cases exercise one side only: %d decided whole, %d split", whole, split)
	}
}

// TestPacketFilterPartsOfPacketSets checks packet.filter (which returns a
// packet set a split leaves whole on one side as it is) against taking
// both parts of every span, over random packet sets split by source or
// destination address sets, prefixes and ranges.
func TestPacketFilterPartsOfPacketSets(t *testing.T) {
	g := setGen{rand.New(rand.NewPCG(23, 29))}
	protos := []model.Protocol{model.ProtocolTCP, model.ProtocolUDP, model.ProtocolICMP}
	trivial, split := 0, 0
	for range 30000 {
		pkt := g.packet(protos[g.rng.IntN(len(protos))])
		set := g.addrs(pkt.is4() == false && len(pkt.spans) > 0)
		onSrc := g.rng.IntN(2) == 0
		keep := func(s span) (span, span) {
			a, b := s, s
			if onSrc {
				a.src, b.src = s.src.split(set)
			} else {
				a.dst, b.dst = s.dst.split(set)
			}
			return a, b
		}
		gi, go_ := pkt.filter(keep)
		wi, wo := pkt.filterPlain(keep)
		if !samePacketValues(gi, wi) || !samePacketValues(go_, wo) {
			t.Fatalf("packet %s split by %s (source %v): got %s | %s, want %s | %s", pkt, set, onSrc, gi, go_, wi, wo)
		}
		if gi.empty() || go_.empty() {
			trivial++
		} else {
			split++
		}
	}
	if trivial == 0 || split == 0 {
		t.Fatalf("the random cases exercise one side only: %d whole, %d split", trivial, split)
	}
}

// splitPlain and minusPlain are portSet's split and minus as they were
// before their shortcuts: appends, and a split by every range.
func (s portSet) splitPlain(r model.PortRange) (in, out portSet) {
	for _, x := range s {
		if !x.Overlaps(r) {
			out = append(out, x)
			continue
		}
		i, _ := x.Intersect(r)
		in = append(in, i)
		if x.From < i.From {
			out = append(out, model.PortRange{From: x.From, To: i.From - 1})
		}
		if i.To < x.To {
			out = append(out, model.PortRange{From: i.To + 1, To: x.To})
		}
	}
	return in, out
}

func (s portSet) minusPlain(o portSet) portSet {
	out := s
	for _, r := range o {
		_, out = out.splitPlain(r)
	}
	return out
}

// TestPortSetShortcutsEqualReference checks split (one buffer), minus
// (which skips the ranges it leaves whole) and union (which returns one
// of its sets when that is the union) against the plain computations on
// random sets, normal or not, empty, nil and equal: the same ranges, and
// none exactly when the reference has none (nil).
func TestPortSetShortcutsEqualReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 37))
	random := func() portSet {
		switch rng.IntN(8) {
		case 0:
			return nil
		case 1:
			return portSet{}
		}
		var s portSet
		for range 1 + rng.IntN(5) {
			a, b := uint16(rng.IntN(100)), uint16(rng.IntN(100))
			s = append(s, model.PortRange{From: min(a, b), To: max(a, b)})
		}
		if rng.IntN(2) == 0 {
			return unionByInsertion(nil, s)
		}
		return s
	}
	sameSet := func(got, want portSet) bool {
		return slices.Equal(got, want) && (got == nil) == (want == nil)
	}
	for i := range 30000 {
		s, o := random(), random()
		if rng.IntN(4) == 0 {
			o = slices.Clone(s)
		}
		a, b := uint16(rng.IntN(100)), uint16(rng.IntN(100))
		r := model.PortRange{From: min(a, b), To: max(a, b)}
		gi, gout := s.split(r)
		wi, wout := s.splitPlain(r)
		if !sameSet(gi, wi) || !sameSet(gout, wout) {
			t.Fatalf("case %d: %v split by %v = %v | %v, want %v | %v", i, s, r, gi, gout, wi, wout)
		}
		if got, want := s.minus(o), s.minusPlain(o); !sameSet(got, want) {
			t.Fatalf("case %d: %v minus %v = %v, want %v", i, s, o, got, want)
		}
		if got, want := s.union(o), unionByInsertion(s, o); !sameSet(got, want) {
			t.Fatalf("case %d: %v ∪ %v = %v, want %v", i, s, o, got, want)
		}
		if got, want := UnionPorts(s, o), unionByInsertion(s, o); !sameSet(got, want) ||
			len(got) > 0 && (len(s) > 0 && &got[0] == &s[0] || len(o) > 0 && &got[0] == &o[0]) {
			t.Fatalf("case %d: UnionPorts(%v, %v) = %v, want a set of its own equal to %v", i, s, o, got, want)
		}
	}
}

// TestAddrsSplitManyAgainstFewAgreesWithIPSet checks split and intersect
// (which gallop over runs of ranges in the other set's gaps) against
// netipx.IPSet on random sets of many ranges against few, and few
// against many, both ways.
func TestAddrsSplitManyAgainstFewAgreesWithIPSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 43))
	random := func(n int) *netipx.IPSet {
		var b netipx.IPSetBuilder
		for range n {
			lo := rng.IntN(4096)
			hi := min(4095, lo+rng.IntN(1+rng.IntN(300)))
			at := func(x int) netip.Addr { return netip.AddrFrom4([4]byte{10, 0, byte(x >> 8), byte(x)}) }
			b.AddRange(netipx.IPRangeFrom(at(lo), at(hi)))
		}
		s, _ := b.IPSet()
		return s
	}
	for i := range 5000 {
		na, nb := rng.IntN(80), rng.IntN(4)
		if rng.IntN(2) == 0 {
			na, nb = nb, na
		}
		a, b := random(na), random(nb)
		x, y := addrsOf(a), addrsOf(b)
		in, out := x.split(y)
		wi, wo := ipsetSplit(a, b)
		if !in.equal(addrsOf(wi)) || !out.equal(addrsOf(wo)) {
			t.Fatalf("case %d: %v split by %v = %v | %v, want %v | %v", i, a.Ranges(), b.Ranges(), in.ranges(), out.ranges(), wi.Ranges(), wo.Ranges())
		}
		if got := x.intersect(y); !got.equal(in) {
			t.Fatalf("case %d: %v ∩ %v = %v, want %v", i, a.Ranges(), b.Ranges(), got.ranges(), in.ranges())
		}
	}
}
