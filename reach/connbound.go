package reach

import (
	"net/netip"
	"slices"
	"sync"

	"github.com/vpcscope/vpcscope/model"
	"go4.org/netipx"
)

// This file bounds, before walking, which receivers a class of senders
// could reach at all, so that a walk goes only toward them. The bound is
// sound, never exact: it applies the network ACLs every path between two
// view classes must cross — leaving the sender's subnets and entering
// the receiver's, and the reply back — with the same stage function the
// walk uses, to every sender and receiver under those ACLs at once. Two
// different classes of ACL-sound subnets (connview.go) are in different
// subnets whose ACLs no path bypasses: no transit gateway delivers into
// them, no appliance or endpoint in them forwards, and a NAT gateway in
// them translates nothing bound for a receiver (receiversTranslatable);
// so what the ACLs refuse there no path delivers.

// aclOf names the network ACL of senders' or receivers' subnets, of one
// IP version.
type aclOf struct {
	id  string
	fam int
}

// boundByACLs returns the destination ports of the probe that any sender
// under ACL a (addresses src) could get through to any receiver under ACL
// b (addresses dst) and back, by the two ACLs alone: a's outbound and b's
// inbound rules for the request, b's outbound and a's inbound for the
// reply. For a protocol without ports, a non-empty result means some
// packet passes.
func (e *Engine) boundByACLs(a, b *model.NetworkACL, q Query, src, dst addrs) portSet {
	ca, cb := e.acls[a.ID], e.acls[b.ID]
	if ca == nil || cb == nil || src.empty() || dst.empty() {
		return portsOf(model.AllPorts)
	}
	p := queryPacket(q, src, dst)
	p = ca.evaluate(true, p).allowed.pkt
	p = cb.evaluate(false, p).allowed.pkt
	r := cb.evaluate(true, p.reply()).allowed.pkt
	r = ca.evaluate(false, r).allowed.pkt
	return packetPorts(r.reply())
}

// packetPorts returns the destination ports of packets: every port for
// a protocol without ports when there are any packets.
func packetPorts(p packet) portSet {
	if p.empty() {
		return nil
	}
	if !p.proto.HasPorts() {
		return portsOf(model.AllPorts)
	}
	return p.dstPorts()
}

// aclBounds caches boundByACLs for one probe over the pure merged classes
// of a selection.
type aclBounds struct {
	r *probeRel
	// senders and receivers are the addresses of the selected ends of
	// pure merged classes, by network ACL and IP version.
	senders, receivers map[aclOf]addrs
	// sound holds soundACL of the selection's view classes, computed
	// once (bound asks for it per pair of classes); read-only after
	// newACLBounds.
	sound map[*ifaceClass]*model.NetworkACL
	// all is every port of the probe (every port for a protocol without
	// ports), made once: bound returns it, shared, for most pairs, and
	// port sets are never changed once built.
	all   portSet
	mu    sync.Mutex
	cache map[aclPairKey]portSet
}

// aclPairKey names a pair of network ACLs of one IP version.
type aclPairKey struct {
	out, in *model.NetworkACL
	fam     int
}

// newACLBounds indexes the selection's pure merged classes by ACL.
func (r *probeRel) newACLBounds(fam int) *aclBounds {
	b := &aclBounds{r: r, senders: map[aclOf]addrs{}, receivers: map[aclOf]addrs{}, cache: map[aclPairKey]portSet{},
		sound: map[*ifaceClass]*model.NetworkACL{}, all: r.probe.ports()}
	if !r.probe.Protocol.HasPorts() {
		b.all = portsOf(model.AllPorts)
	}
	for _, by := range []map[*ifaceClass][]*connEnd{r.cs.sendersByVM, r.cs.receiversByVM, r.cs.sendersByVS} {
		for m := range by {
			if _, ok := b.sound[m]; !ok {
				b.sound[m] = r.cs.soundACL(m, fam)
			}
		}
	}
	for _, ends := range r.cs.receiversByVM {
		for _, c := range ends {
			if c.vs != nil {
				if _, ok := b.sound[c.vs]; !ok {
					b.sound[c.vs] = r.cs.soundACL(c.vs, fam)
				}
			}
		}
	}
	collect := func(by map[*ifaceClass][]*connEnd, into map[aclOf]addrs) {
		lists := map[aclOf][]netip.Addr{}
		for m, ends := range by {
			acl := b.soundOf(m, fam)
			if acl == nil {
				continue
			}
			k := aclOf{id: acl.ID, fam: fam}
			for _, c := range ends {
				if c.addr[fam].IsValid() {
					lists[k] = append(lists[k], c.addr[fam])
				}
			}
		}
		for k, l := range lists {
			into[k] = addrsOfList(l)
		}
	}
	collect(r.cs.sendersByVM, b.senders)
	collect(r.cs.receiversByVM, b.receivers)
	return b
}

// bound returns the destination ports of the probe that could get from
// view class m to view class n by their network ACLs: every port of the
// probe unless both are ACL-sound (soundACL) and different.
func (b *aclBounds) bound(m, n *ifaceClass, fam int) portSet {
	if m == n {
		return b.all
	}
	return b.between(b.soundOf(m, fam), b.soundOf(n, fam), fam)
}

// between is bound of two different view classes whose soundOf are am
// and an.
func (b *aclBounds) between(am, an *model.NetworkACL, fam int) portSet {
	if am == nil || an == nil {
		return b.all
	}
	k := aclPairKey{out: am, in: an, fam: fam}
	b.mu.Lock()
	ports, seen := b.cache[k]
	b.mu.Unlock()
	if seen {
		return ports
	}
	ports = b.r.cs.e.boundByACLs(am, an, b.r.q, b.senders[aclOf{id: am.ID, fam: fam}], b.receivers[aclOf{id: an.ID, fam: fam}])
	b.mu.Lock()
	b.cache[k] = ports
	b.mu.Unlock()
	return ports
}

// soundOf is soundACL of view class m, from the classes computed by
// newACLBounds when it is one of them.
func (b *aclBounds) soundOf(m *ifaceClass, fam int) *model.NetworkACL {
	if acl, ok := b.sound[m]; ok {
		return acl
	}
	return b.r.cs.soundACL(m, fam)
}

// soundACL returns the network ACL of a view class whose subnets are
// all ACL-sound (aclSoundSubnets) — and, when a route table sends
// receivers' addresses to a NAT gateway, hold no NAT gateway — or nil.
func (cs *connSet) soundACL(m *ifaceClass, fam int) *model.NetworkACL {
	sn := m.rep.SubnetID
	if !cs.v.aclSound[sn] || (cs.v.natSubnets[sn] && cs.receiversTranslatable(fam)) {
		return nil
	}
	for _, c := range m.members {
		if c.SubnetID != sn && !cs.v.pure[c.SubnetID] {
			return nil
		}
	}
	return cs.e.ix.SubnetNetworkACL(sn)
}

// unionAll returns the union of address sets of one IP version.
func unionAll(sets []addrs) addrs {
	var rs []netipx.IPRange
	for _, a := range sets {
		rs = append(rs, a.ranges()...)
	}
	if len(rs) == 0 {
		return addrs{}
	}
	slices.SortFunc(rs, func(x, y netipx.IPRange) int { return x.From().Compare(y.From()) })
	out := rs[:1]
	for _, r := range rs[1:] {
		out = appendJoined(out, r)
	}
	return fromRanges(out)
}

// appendJoined appends r to ranges sorted by first address, none of which
// starts after r: r is joined to the last range when the two overlap or
// touch, appended after it otherwise.
func appendJoined(out []netipx.IPRange, r netipx.IPRange) []netipx.IPRange {
	if len(out) == 0 {
		return append(out, r)
	}
	last := &out[len(out)-1]
	if next := last.To().Next(); next.IsValid() && next.Less(r.From()) {
		return append(out, r)
	}
	if last.To().Less(r.To()) {
		*last = netipx.IPRangeFrom(last.From(), r.To())
	}
	return out
}

// indexedRange is a range of addresses of one of a list of sets.
type indexedRange struct {
	r   netipx.IPRange
	set int
}

// sortedRangesOf returns the ranges of address sets (of one IP version),
// each with its set's index, in order of first address: unionOf then
// joins those of any choice of the sets without sorting them again.
func sortedRangesOf(sets []addrs) []indexedRange {
	var out []indexedRange
	for i, a := range sets {
		for _, r := range a.ranges() {
			out = append(out, indexedRange{r, i})
		}
	}
	slices.SortStableFunc(out, func(x, y indexedRange) int { return x.r.From().Compare(y.r.From()) })
	return out
}

// unionOf returns the union of the chosen sets, from their ranges as
// sortedRangesOf lists them: unionAll of those sets.
func unionOf(rs []indexedRange, chosen []bool) addrs {
	var out []netipx.IPRange
	for _, x := range rs {
		if !chosen[x.set] {
			continue
		}
		out = appendJoined(out, x.r)
	}
	return fromRanges(out)
}
