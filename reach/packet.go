package reach

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/model"
	"go4.org/netipx"
)

// portSet is a small set of ports kept as sorted, disjoint ranges. A
// reply's destination port is the client's source port, which is usually
// unknown: the engine carries the whole ephemeral range and narrows it at
// each network ACL, so the answer can say which client ports work.
type portSet []model.PortRange

func portsOf(r model.PortRange) portSet { return portSet{r} }

func (s portSet) empty() bool { return len(s) == 0 }

// split returns the ports of s inside r and the ports outside it (nil
// when there are none). Both parts share one allocation, sized for the
// most they can hold: each range of s has at most one piece inside r and,
// as only one range can hold both ends of r, the pieces outside it number
// at most one more than the ranges.
func (s portSet) split(r model.PortRange) (in, out portSet) {
	if len(s) == 0 {
		return nil, nil
	}
	n := len(s)
	buf := make(portSet, 0, 2*n+1)
	in, out = buf[:0:n], buf[n:n:2*n+1]
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
	return nilIfEmpty(in), nilIfEmpty(out)
}

// nilIfEmpty returns s, or nil when s holds no range; its capacity is
// its length, so that an append to it copies (s may share its array).
func nilIfEmpty(s portSet) portSet {
	if len(s) == 0 {
		return nil
	}
	return s[:len(s):len(s)]
}

func (s portSet) union(o portSet) portSet {
	// Sets are never changed once built: when the union is one of them,
	// as the merge below would build it (a normal set), it is that set.
	switch {
	case len(s) == 0 && len(o) > 0 && o.normal():
		return o
	case len(o) == 0 && len(s) > 0 && s.normal():
		return s
	case len(s) > 0 && len(o) > 0 && s.normal() && o.normal():
		if o.coveredBy(s) {
			return s
		}
		if s.coveredBy(o) {
			return o
		}
	}
	if len(s) > 0 && len(o) > 0 && s.sorted() && o.sorted() {
		// merge two sorted sets (the insertion sort below is quadratic
		// in the number of ranges: a probe's 100 single ports)
		out := make(portSet, 0, len(s)+len(o))
		i, j := 0, 0
		for i < len(s) || j < len(o) {
			var r model.PortRange
			if j == len(o) || i < len(s) && s[i].From <= o[j].From {
				r, i = s[i], i+1
			} else {
				r, j = o[j], j+1
			}
			if n := len(out); n > 0 && uint32(r.From) <= uint32(out[n-1].To)+1 {
				out[n-1].To = max(out[n-1].To, r.To)
				continue
			}
			out = append(out, r)
		}
		return out
	}
	all := append(append(portSet(nil), s...), o...)
	if len(all) < 2 {
		return all
	}
	// insertion sort: sets here hold a handful of ranges
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

// appendTo appends the set as String renders it.
func (s portSet) appendTo(b []byte) []byte {
	if len(s) == 0 {
		return append(b, "none"...)
	}
	for i, r := range s {
		if i > 0 {
			b = append(b, ',')
		}
		switch {
		case r.IsAll():
			b = append(b, "all"...)
		case r.From == r.To:
			b = strconv.AppendUint(b, uint64(r.From), 10)
		default:
			b = strconv.AppendUint(b, uint64(r.From), 10)
			b = append(b, '-')
			b = strconv.AppendUint(b, uint64(r.To), 10)
		}
	}
	return b
}

func (s portSet) String() string {
	if len(s) == 0 {
		return "none"
	}
	parts := make([]string, len(s))
	for i, r := range s {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}

// overlaps reports whether any port of s is in r.
func (s portSet) overlaps(r model.PortRange) bool {
	for _, x := range s {
		if x.Overlaps(r) {
			return true
		}
	}
	return false
}

// within reports whether every port of s is in r.
func (s portSet) within(r model.PortRange) bool {
	for _, x := range s {
		if x.From < r.From || x.To > r.To {
			return false
		}
	}
	return true
}

// minus returns the ports of s outside o.
func (s portSet) minus(o portSet) portSet {
	if len(s) > 0 && len(o) > 0 && s.normal() && o.normal() {
		return s.minusNormal(o)
	}
	out := s
	for _, r := range o {
		switch {
		case out.overlaps(r):
			_, out = out.split(r)
		case len(out) == 0:
			out = nil // as split returns none
		}
		// else split would return out's own ranges
	}
	return out
}

// minusNormal is minus for two normal sets, in one linear merge: the
// ports of each range of s outside o's ranges, in order, as the splits
// by every range of o leave them; s itself when o takes none of them,
// nil when it takes them all.
func (s portSet) minusNormal(o portSet) portSet {
	var out portSet
	took := false
	j := 0
	for _, x := range s {
		for j < len(o) && o[j].To < x.From {
			j++ // o's ranges before x
		}
		from := uint32(x.From)
		for k := j; k < len(o) && o[k].From <= x.To; k++ {
			took = true
			if uint32(o[k].From) > from {
				if out == nil {
					out = make(portSet, 0, len(s)+len(o)) // at most one piece more per range of o
				}
				out = append(out, model.PortRange{From: uint16(from), To: o[k].From - 1})
			}
			from = uint32(o[k].To) + 1
		}
		if from <= uint32(x.To) {
			if out == nil {
				out = make(portSet, 0, len(s)+len(o))
			}
			out = append(out, model.PortRange{From: uint16(from), To: x.To})
		}
	}
	if !took {
		return s
	}
	return nilIfEmpty(out)
}

// coveredBy reports whether every port of the normal set s is in the
// normal set o.
func (s portSet) coveredBy(o portSet) bool {
	j := 0
	for _, x := range s {
		for j < len(o) && o[j].To < x.From {
			j++
		}
		if j == len(o) || o[j].From > x.From || o[j].To < x.To {
			return false // normal: x lies in one range of o or is not covered
		}
	}
	return true
}

// intersect returns the ports in both sets.
func (s portSet) intersect(o portSet) portSet {
	if s.normal() && o.normal() {
		// both sorted with gaps between ranges: a linear merge, whose
		// pieces keep gaps between them (each lies in one range of each)
		var out portSet
		for i, j := 0, 0; i < len(s) && j < len(o); {
			if lo, hi := max(s[i].From, o[j].From), min(s[i].To, o[j].To); lo <= hi {
				out = append(out, model.PortRange{From: lo, To: hi})
			}
			if s[i].To < o[j].To {
				i++
			} else {
				j++
			}
		}
		return out
	}
	var out portSet
	for _, r := range o {
		in, _ := s.split(r)
		out = out.union(in)
	}
	return out
}

// sorted reports whether the ranges are in order of their first port.
func (s portSet) sorted() bool {
	for i := 1; i < len(s); i++ {
		if s[i].From < s[i-1].From {
			return false
		}
	}
	return true
}

// normal reports whether the set is as union leaves it: ranges in order,
// each well formed, with a gap between each and the next.
func (s portSet) normal() bool {
	for i, r := range s {
		if r.From > r.To || i > 0 && uint32(r.From) <= uint32(s[i-1].To)+1 {
			return false
		}
	}
	return true
}

// same reports whether o is s itself (the same slice).
func (s portSet) same(o portSet) bool {
	return len(s) == len(o) && (len(s) == 0 || &s[0] == &o[0])
}

// equal reports whether both sets hold the same ports.
func (s portSet) equal(o portSet) bool {
	if len(s) != len(o) {
		return false
	}
	for i := range s {
		if s[i] != o[i] {
			return false
		}
	}
	return true
}

// span is a product set of packets: source addresses × source ports ×
// destination addresses × destination ports. Ports are empty for
// protocols without ports.
type span struct {
	src, dst           addrs
	srcPorts, dstPorts portSet
}

func (s span) empty(ports bool) bool {
	return s.src.empty() || s.dst.empty() || (ports && (s.srcPorts.empty() || s.dstPorts.empty()))
}

// same reports whether t is s itself: the same address sets and port sets
// (not merely equal ones), as a split returns a span it leaves whole.
func (s span) same(t span) bool {
	return s.src.same(t.src) && s.dst.same(t.dst) && s.srcPorts.same(t.srcPorts) && s.dstPorts.same(t.dstPorts)
}

func (s span) reply() span {
	return span{src: s.dst, dst: s.src, srcPorts: s.dstPorts, dstPorts: s.srcPorts}
}

// packet is a set of packets in flight, all of one protocol (and ICMP
// message) and IP version: a union of spans, as they are after any
// translation so far. A point query is one span holding one source and
// one destination address (the client's source port is usually a range:
// any ephemeral port). Filters narrow the spans in place; forwarding
// decisions partition them and the walk forks.
type packet struct {
	proto model.Protocol
	icmp  model.ICMPTypeCode
	spans []span
	// forwarded is set once an appliance has forwarded the packet: group
	// references no longer match it.
	forwarded bool
}

// pointPacket returns the set of packets from src to dst on the ports.
func pointPacket(proto model.Protocol, src, dst netip.Addr, srcPorts, dstPorts portSet, icmp model.ICMPTypeCode) packet {
	return packet{proto: proto, icmp: icmp, spans: []span{{src: addrOf(src), dst: addrOf(dst), srcPorts: srcPorts, dstPorts: dstPorts}}}
}

// empty reports whether the set holds no packet.
func (p packet) empty() bool { return len(p.spans) == 0 }

// with returns p holding the given spans instead of its own, keeping the
// ones that are not empty.
func (p packet) with(spans []span) packet {
	out := spans[:0:0]
	if len(spans) > 0 {
		out = make([]span, 0, len(spans))
	}
	return p.withOwned(out, spans)
}

// withOwned is with, writing the kept spans into out (which the packet
// then owns; it may be spans itself, read ahead of every write).
func (p packet) withOwned(out, spans []span) packet {
	ports := p.proto.HasPorts()
	for _, s := range spans {
		if !s.empty(ports) {
			out = append(out, s)
		}
	}
	p.spans = mergeSpans(out)
	return p
}

// mergeSpans joins spans that differ only in their destination ports, the
// common result of filters that split by port.
func mergeSpans(spans []span) []span {
	if len(spans) < 2 {
		return spans
	}
	out := spans[:1]
	for _, s := range spans[1:] {
		merged := false
		for i := range out {
			o := &out[i]
			if byDstPorts, ok := mergeable(*o, s); ok {
				if byDstPorts {
					o.dstPorts = o.dstPorts.union(s.dstPorts)
				} else {
					o.srcPorts = o.srcPorts.union(s.srcPorts)
				}
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, s)
		}
	}
	return out
}

// mergeable reports whether mergeSpans joins s into o: both hold the same
// addresses and the same source ports (their destination ports are then
// joined, byDstPorts) or the same destination ports (their source ports
// are joined).
func mergeable(o, s span) (byDstPorts, ok bool) {
	if !o.src.equal(s.src) || !o.dst.equal(s.dst) {
		return false, false
	}
	if o.srcPorts.equal(s.srcPorts) {
		return true, true
	}
	return false, o.dstPorts.equal(s.dstPorts)
}

// normal reports whether p is as withOwned leaves its spans: none empty and
// no two that mergeSpans would join. p.with(p.spans) then holds the very
// spans of p, and p itself may stand for it, without a copy.
func (p packet) normal() bool {
	ports := p.proto.HasPorts()
	for j, s := range p.spans {
		if s.empty(ports) {
			return false
		}
		for _, o := range p.spans[:j] {
			if _, ok := mergeable(o, s); ok {
				return false
			}
		}
	}
	return true
}

// normalised returns p.with(p.spans): p itself when it is normal.
func (p packet) normalised() packet {
	if p.normal() {
		return p
	}
	return p.with(p.spans)
}

// src and dst return the union of the spans' source (destination) addresses.
func (p packet) src() addrs { return p.unionOf(func(s span) addrs { return s.src }) }
func (p packet) dst() addrs { return p.unionOf(func(s span) addrs { return s.dst }) }

func (p packet) unionOf(f func(span) addrs) addrs {
	if len(p.spans) == 1 {
		return f(p.spans[0])
	}
	var u addrs
	for _, s := range p.spans {
		u = u.union(f(s))
	}
	return u
}

// dstPorts and srcPorts return the union of the spans' ports.
func (p packet) dstPorts() portSet { return p.portsOf(func(s span) portSet { return s.dstPorts }) }
func (p packet) srcPorts() portSet { return p.portsOf(func(s span) portSet { return s.srcPorts }) }

func (p packet) portsOf(f func(span) portSet) portSet {
	if len(p.spans) == 1 {
		return f(p.spans[0])
	}
	var u portSet
	for _, s := range p.spans {
		u = u.union(f(s))
	}
	return u
}

// srcAddr and dstAddr return an example source (destination) address: the
// address itself in the point case.
func (p packet) srcAddr() netip.Addr {
	if len(p.spans) == 0 {
		return netip.Addr{}
	}
	return p.spans[0].src.witness(netip.Addr{})
}

func (p packet) dstAddr() netip.Addr {
	if len(p.spans) == 0 {
		return netip.Addr{}
	}
	return p.spans[0].dst.witness(netip.Addr{})
}

// is4 reports whether the packets are IPv4.
func (p packet) is4() bool { return len(p.spans) > 0 && p.spans[0].dst.is4() }

// filter keeps the packets for which keep holds, splitting spans by the
// address sets keep returns: keep gets a span and returns the part of it
// to keep and the part to drop. When keep leaves every span whole on one
// side (returns it as it is) and p is normal, that side is p itself and
// nothing is allocated.
func (p packet) filter(keep func(span) (in, out span)) (kept, dropped packet) {
	ports := p.proto.HasPorts()
	none := packet{proto: p.proto, icmp: p.icmp, forwarded: p.forwarded}
	side := 0 // 1: every span so far kept whole, -1: dropped whole
	for k, s := range p.spans {
		i, o := keep(s)
		switch {
		case side >= 0 && o.empty(ports) && i.same(s):
			side = 1
			continue
		case side <= 0 && i.empty(ports) && o.same(s):
			side = -1
			continue
		}
		return p.filterFrom(k, side, i, o, keep)
	}
	switch {
	case side == 0 || !p.normal():
		return p.filterFrom(len(p.spans), side, span{}, span{}, keep)
	case side > 0:
		return p, none
	}
	return none, p
}

// filterFrom is filter once keep has left the spans before k whole on one
// side (side; 0 when k is 0) and split span k into i and o (when k is
// within p): it splits the rest and takes both parts with withOwned.
func (p packet) filterFrom(k, side int, i, o span, keep func(span) (in, out span)) (kept, dropped packet) {
	n := len(p.spans)
	buf := make([]span, 0, 2*n) // both parts, one allocation
	in, out := buf[:0:n], buf[n:n:2*n]
	for _, s := range p.spans[:k] {
		// keep returned s itself on its side and an empty part on the
		// other, which withOwned drops (empty spans are dropped the same).
		if side > 0 {
			in = append(in, s)
		} else {
			out = append(out, s)
		}
	}
	if k < n {
		in = append(in, i)
		out = append(out, o)
		for _, s := range p.spans[k+1:] {
			i, o := keep(s)
			in = append(in, i)
			out = append(out, o)
		}
	}
	return p.withOwned(in[:0], in), p.withOwned(out[:0], out)
}

// dstOverlaps reports whether some packet's destination is in set: when
// none is, splitting by it (ownersInVPC does, class by class of a VPC)
// leaves p whole without allocating.
func (p packet) dstOverlaps(set addrs) bool {
	for _, s := range p.spans {
		if s.dst.overlaps(set) {
			return true
		}
	}
	return false
}

// splitSrc and splitDst split the packets by their source (destination)
// address: inside the set and outside it.
func (p packet) splitSrc(set addrs) (in, out packet) {
	return p.filter(func(s span) (span, span) {
		i, o := s.src.split(set)
		a, b := s, s
		a.src, b.src = i, o
		return a, b
	})
}

func (p packet) splitDst(set addrs) (in, out packet) {
	if !p.dstOverlaps(set) {
		return packet{proto: p.proto, icmp: p.icmp, forwarded: p.forwarded}, p // as splitDstPrefixes does
	}
	return p.filter(func(s span) (span, span) {
		i, o := s.dst.split(set)
		a, b := s, s
		a.dst, b.dst = i, o
		return a, b
	})
}

// splitDstPrefixes splits the packets by destination: inside any of the
// prefixes and outside all of them.
func (p packet) splitDstPrefixes(ps []netip.Prefix) (in, out packet) {
	if d, ok := p.singleDst(); ok {
		for _, pr := range ps {
			if pr.Contains(d) {
				return p, packet{proto: p.proto, icmp: p.icmp, forwarded: p.forwarded}
			}
		}
		return packet{proto: p.proto, icmp: p.icmp, forwarded: p.forwarded}, p
	}
	if len(ps) == 1 {
		return p.splitDstRange(netipx.RangeOfPrefix(ps[0].Masked()))
	}
	return p.splitDst(setOf(ps...))
}

// splitDstRange splits the packets by destination: inside the range and
// outside it. Packets wholly on one side are returned as they are.
func (p packet) splitDstRange(r netipx.IPRange) (in, out packet) {
	overlap, all := false, true
	for _, s := range p.spans {
		if s.dst.overlapsRange(r) {
			overlap = true
			if !s.dst.within(r) {
				all = false
			}
		} else {
			all = false
		}
	}
	switch {
	case !overlap:
		return packet{proto: p.proto, icmp: p.icmp, forwarded: p.forwarded}, p
	case all:
		return p, packet{proto: p.proto, icmp: p.icmp, forwarded: p.forwarded}
	}
	return p.filter(func(s span) (span, span) {
		i, o := s.dst.splitRange(r)
		a, b := s, s
		a.dst, b.dst = i, o
		return a, b
	})
}

// splitSrcPrefixes is splitDstPrefixes for the source.
func (p packet) splitSrcPrefixes(ps []netip.Prefix) (in, out packet) {
	if a, ok := p.singleSrc(); ok {
		for _, pr := range ps {
			if pr.Contains(a) {
				return p, packet{proto: p.proto, icmp: p.icmp, forwarded: p.forwarded}
			}
		}
		return packet{proto: p.proto, icmp: p.icmp, forwarded: p.forwarded}, p
	}
	return p.splitSrc(setOf(ps...))
}

// singleSrc and singleDst return the one source (destination) address all
// the packets share, if they share one.
func (p packet) singleSrc() (netip.Addr, bool) {
	var a netip.Addr
	for i, s := range p.spans {
		x, ok := s.src.single()
		if !ok || (i > 0 && x != a) {
			return netip.Addr{}, false
		}
		a = x
	}
	return a, a.IsValid()
}

func (p packet) singleDst() (netip.Addr, bool) {
	var a netip.Addr
	for i, s := range p.spans {
		x, ok := s.dst.single()
		if !ok || (i > 0 && x != a) {
			return netip.Addr{}, false
		}
		a = x
	}
	return a, a.IsValid()
}

// withSrc and withDst return p with every span's source (destination)
// replaced: a translation.
func (p packet) withSrc(a netip.Addr) packet {
	out := make([]span, len(p.spans))
	for i, s := range p.spans {
		s.src = addrOf(a)
		out[i] = s
	}
	return p.with(out)
}

func (p packet) withDst(a netip.Addr) packet {
	out := make([]span, len(p.spans))
	for i, s := range p.spans {
		s.dst = addrOf(a)
		out[i] = s
	}
	return p.with(out)
}

// withSrcPorts returns p with every span's source ports replaced.
func (p packet) withSrcPorts(ps portSet) packet {
	out := make([]span, len(p.spans))
	for i, s := range p.spans {
		s.srcPorts = ps
		out[i] = s
	}
	return p.with(out)
}

// union returns the packets of p and q (of the same protocol).
func (p packet) union(q packet) packet {
	if p.empty() {
		return q
	}
	return p.with(append(slices.Clone(p.spans), q.spans...))
}

func (p packet) String() string {
	var buf [128]byte // a point packet's text fits: one allocation, the string's
	b := buf[:0]
	proto := p.proto.String()
	for i, s := range p.spans {
		if i > 0 {
			b = append(b, "; "...)
		}
		b = append(b, proto...)
		b = append(b, ' ')
		b = s.src.appendTo(b)
		if p.proto.HasPorts() {
			b = append(b, ':')
			b = s.srcPorts.appendTo(b)
		}
		b = append(b, " -> "...)
		b = s.dst.appendTo(b)
		switch {
		case p.proto.HasPorts():
			b = append(b, ':')
			b = s.dstPorts.appendTo(b)
		case p.proto.IsICMP():
			b = append(b, ' ')
			b = append(b, icmpName(p.icmp)...)
		}
	}
	return string(b)
}

// reply returns the reply to p: addresses and ports swapped, an echo
// request answered by an echo reply.
func (p packet) reply() packet {
	r := packet{proto: p.proto, icmp: p.icmp, forwarded: p.forwarded, spans: make([]span, len(p.spans))}
	for i, s := range p.spans {
		r.spans[i] = s.reply()
	}
	switch p.icmp {
	case model.ICMPEchoRequest:
		r.icmp = model.ICMPEchoReply
	case model.ICMPv6EchoRequest:
		r.icmp = model.ICMPv6EchoReply
	}
	return r
}

func icmpName(t model.ICMPTypeCode) string {
	switch t {
	case model.ICMPEchoRequest, model.ICMPv6EchoRequest:
		return "echo-request"
	case model.ICMPEchoReply, model.ICMPv6EchoReply:
		return "echo-reply"
	}
	return t.String()
}

// UnionPorts returns the ports in a or in b as sorted, merged ranges
// (either may be unsorted or overlap). The questions built on the engine
// (intents, change impact) use it and SubtractPorts, CoversPorts and
// PortsString rather than keeping their own: one implementation of port
// sets.
func UnionPorts(a, b []model.PortRange) []model.PortRange {
	return ownPorts(portSet(a).union(b), a, b)
}

// SubtractPorts returns the ports of a outside b, as sorted, merged
// ranges.
func SubtractPorts(a, b []model.PortRange) []model.PortRange {
	return ownPorts(portSet(nil).union(portSet(a).minus(b)), a, b)
}

// ownPorts returns s, a copy of it when it is one of the caller's own
// sets a and b (union and minus may return one of theirs): the caller
// gets a set of its own, as it always has.
func ownPorts(s portSet, a, b []model.PortRange) []model.PortRange {
	if len(s) > 0 && (len(a) > 0 && &s[0] == &a[0] || len(b) > 0 && &s[0] == &b[0]) {
		return slices.Clone(s)
	}
	return s
}

// CoversPorts reports whether every port of r is in rs.
func CoversPorts(rs []model.PortRange, r model.PortRange) bool {
	return portSet{r}.minus(rs).empty()
}

// PortsString renders ports as "22,80,1024-65535" ("all" for every
// port, "none" for no port): equal sets render alike once sorted and
// merged (UnionPorts).
func PortsString(rs []model.PortRange) string { return portSet(rs).String() }
