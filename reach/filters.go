package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"sync/atomic"

	"github.com/vpcscope/vpcscope/model"
	"go4.org/netipx"
)

// This file holds the two filtering layers' semantics, each as one pure
// function from (component, direction, packet set) to a partition of the
// set: network ACLs (evalNACL) and security groups (evalSecurityGroups).
// Point queries, set questions and the explorer all call these.

// compiledACL is a network ACL with its entries split by direction and
// sorted by rule number, the order AWS evaluates them in.
type compiledACL struct {
	acl      *model.NetworkACL
	inbound  []int // indexes into acl.Entries
	outbound []int
	// text is each entry as ACLEntry.String renders it (by index).
	text []string
	// inMatch and outMatch are the entries of inbound and outbound as
	// decideWhole reads them, in the same order.
	inMatch, outMatch []aclMatch
}

// aclMatch is what of a packet a network ACL entry selects, with the
// model's conversions done and its pointers (PortRange, ICMP) followed
// once when the engine is built: a point query reads an ACL's entries in
// a cache line or two. An IPv4 block is held as v4/bits; any other, read
// from the entry.
type aclMatch struct {
	proto model.Protocol
	icmp  model.ICMPTypeCode
	ports model.PortRange
	// valid is the entry's CIDR.IsValid(); cidr4 whether it is an IPv4
	// block (CIDR.Addr().Is4()).
	valid, cidr4, allow bool
	bits                uint8
	v4                  [4]byte
}

func aclMatchOf(en *model.ACLEntry) aclMatch {
	m := aclMatch{proto: en.Protocol, icmp: en.ICMPMatch(), ports: en.Ports(), valid: en.CIDR.IsValid(), allow: en.Action == model.Allow}
	if m.valid && en.CIDR.Addr().Is4() {
		p := en.CIDR.Masked()
		m.cidr4, m.bits, m.v4 = true, uint8(p.Bits()), p.Addr().As4()
	}
	return m
}

// holds reports whether the entry's CIDR (en, read only for a block that
// is not IPv4) holds peer, as en.CIDR.Masked().Contains(peer) within the
// CIDR's address family.
func (m *aclMatch) holds(en *model.ACLEntry, peer netip.Addr) bool {
	if m.cidr4 {
		return peer.Is4() && netip.PrefixFrom(netip.AddrFrom4(m.v4), int(m.bits)).Contains(peer)
	}
	return peer.Is4() == en.CIDR.Addr().Is4() && en.CIDR.Masked().Contains(peer)
}

func compileACL(acl *model.NetworkACL) *compiledACL {
	c := &compiledACL{acl: acl, text: make([]string, len(acl.Entries))}
	for i := range acl.Entries {
		c.text[i] = acl.Entries[i].String()
		if acl.Entries[i].Egress {
			c.outbound = append(c.outbound, i)
		} else {
			c.inbound = append(c.inbound, i)
		}
	}
	byNumber := func(a, b int) int { return int(acl.Entries[a].RuleNumber) - int(acl.Entries[b].RuleNumber) }
	slices.SortStableFunc(c.inbound, byNumber)
	slices.SortStableFunc(c.outbound, byNumber)
	matches := make([]aclMatch, 0, len(acl.Entries))
	for _, i := range c.inbound {
		matches = append(matches, aclMatchOf(&acl.Entries[i]))
	}
	for _, i := range c.outbound {
		matches = append(matches, aclMatchOf(&acl.Entries[i]))
	}
	c.inMatch, c.outMatch = matches[:len(c.inbound):len(c.inbound)], matches[len(c.inbound):]
	return c
}

// entryText returns en, one of the ACL's entries, as ACLEntry.String
// renders it.
func (c *compiledACL) entryText(en *model.ACLEntry) string {
	for i := range c.acl.Entries {
		if &c.acl.Entries[i] == en {
			return c.text[i]
		}
	}
	return en.String()
}

// aclPart is the part of a packet set that one network ACL entry decides.
type aclPart struct {
	pkt packet
	// entry decided; nil means the implicit final deny.
	entry *model.ACLEntry
	allow bool
}

// aclResult partitions a packet set at a network ACL: what it allows and
// what it denies, each attributed to the first entry (in rule order) that
// decided a part of it.
type aclResult struct {
	allowed, denied aclPart
	// parts are what each entry decides, in rule order; the implicit
	// final deny (entry nil) comes last.
	parts []aclPart
}

// evalNACL applies a network ACL to packets crossing the subnet boundary
// (AWS VPC user guide, "Control subnet traffic with network ACLs"):
// entries are evaluated in ascending rule number and the first entry that
// matches decides; outbound entries match the destination address, inbound
// ones the source; an entry matches the protocol (-1 all), the port range
// (TCP/UDP) or ICMP type and code, and the address family of its CIDR;
// what no entry matches falls to the final "*" deny.
func (c *compiledACL) evaluate(egress bool, pkt packet) aclResult {
	return c.evaluateParts(egress, pkt, false)
}

// evaluateParts is evaluate; with parts it also returns what each entry
// decides (aclResult.parts).
func (c *compiledACL) evaluateParts(egress bool, pkt packet, parts bool) aclResult {
	if !parts {
		if res, ok := c.decideWhole(egress, pkt); ok {
			return res
		}
	}
	return c.evaluateSpans(egress, pkt, parts)
}

// decideWhole is evaluate for a point query's packets — one span whose
// peer is one address — when one entry decides all of them: the first
// entry that matches any of them matches all of them (their peer always,
// being one address; all their destination ports too), or none matches
// and the final deny takes them. The decided part is then pkt itself.
// ok is false when an entry would take only some of the ports; the
// caller then splits them (evaluateSpans), as for any other set.
func (c *compiledACL) decideWhole(egress bool, pkt packet) (_ aclResult, ok bool) {
	if len(pkt.spans) != 1 {
		return aclResult{}, false
	}
	s := pkt.spans[0]
	ports := pkt.proto.HasPorts()
	peer, one := peerOf(s, egress).single()
	if !one || s.empty(ports) {
		return aclResult{}, false
	}
	order, matches := c.inbound, c.inMatch
	if egress {
		order, matches = c.outbound, c.outMatch
	}
	none := pkt.with(nil)
	for k, i := range order {
		m := &matches[k]
		en := &c.acl.Entries[i] // read only for a block that is not IPv4
		if !m.valid || !m.proto.Matches(pkt.proto) {
			continue
		}
		if pkt.proto.IsICMP() && m.proto != model.ProtocolAll && !m.icmp.Matches(pkt.icmp) {
			continue
		}
		if !m.holds(en, peer) {
			continue
		}
		if ports && m.proto != model.ProtocolAll {
			if !s.dstPorts.overlaps(m.ports) {
				continue
			}
			if !s.dstPorts.within(m.ports) {
				return aclResult{}, false
			}
		}
		if m.allow {
			return aclResult{allowed: aclPart{pkt: pkt, entry: en, allow: true}, denied: aclPart{pkt: none}}, true
		}
		return aclResult{allowed: aclPart{pkt: none, allow: true}, denied: aclPart{pkt: pkt, entry: en}}, true
	}
	return aclResult{allowed: aclPart{pkt: none, allow: true}, denied: aclPart{pkt: pkt}}, true
}

// evaluateSpans is evaluateParts splitting the spans entry by entry.
func (c *compiledACL) evaluateSpans(egress bool, pkt packet, parts bool) aclResult {
	order := c.inbound
	if egress {
		order = c.outbound
	}
	ports := pkt.proto.HasPorts()
	res := aclResult{allowed: aclPart{pkt: pkt.with(nil), allow: true}, denied: aclPart{pkt: pkt.with(nil)}}
	remaining := pkt.spans
	var spare []span // see spareOf
	var allowed, denied []span
	untouched := true // every entry so far matched none of pkt
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
		cidr := en.CIDR.Masked()
		kind := entryReach(remaining, egress, netipx.RangeOfPrefix(cidr), entryPorts, ports)
		if kind == reachesNone {
			continue // matchSpan would leave every span as it is
		}
		if kind == reachesAll && untouched {
			// The first entry that matches any of the packets matches
			// them all: it decides pkt whole.
			return decidedWhole(en, pkt.normalised(), parts)
		}
		untouched = false
		// The entry's part goes straight onto its side; parts copies it.
		side := &denied
		if en.Action == model.Allow {
			side = &allowed
		}
		start := len(*side)
		next := spare[:0]
		if kind == reachesAll {
			// matchSpan would match every span whole (its ports equal).
			*side = append(*side, remaining...)
		} else {
			if cap(next) < 2*len(remaining) {
				next = make([]span, 0, 2*len(remaining)) // matchSpan leaves at most two of each
			}
			for _, s := range remaining {
				if peerOf(s, egress).is4() != en.CIDR.Addr().Is4() {
					next = append(next, s)
					continue
				}
				var hit span
				var ok bool
				hit, next, ok = matchSpan(s, egress, func(a addrs) (addrs, addrs) { return a.splitPrefix(cidr) }, entryPorts, ports, next)
				if ok {
					*side = append(*side, hit)
				}
			}
		}
		remaining, spare = next, spareOf(remaining, pkt.spans)
		matched := (*side)[start:]
		if len(matched) == 0 {
			continue
		}
		if parts {
			res.parts = append(res.parts, aclPart{pkt: pkt.with(matched), entry: en, allow: en.Action == model.Allow})
		}
		if en.Action == model.Allow {
			if res.allowed.entry == nil {
				res.allowed.entry = en
			}
		} else if res.denied.entry == nil {
			res.denied.entry = en
		}
	}
	if untouched && len(pkt.spans) > 0 {
		// No entry matched any of the packets: the final deny takes pkt.
		return decidedWhole(nil, pkt.normalised(), parts)
	}
	// What no entry matched falls to the implicit final deny.
	if len(remaining) > 0 && parts {
		res.parts = append(res.parts, aclPart{pkt: pkt.with(remaining)})
	}
	denied = append(denied, remaining...)
	// allowed and denied were built here (appends to nil): the packets own them.
	res.allowed.pkt = pkt.withOwned(allowed[:0], allowed)
	res.denied.pkt = pkt.withOwned(denied[:0], denied)
	return res
}

// wellFormed reports whether every range of s runs from its first port
// to its last (a split then returns each range of s within an entry's
// ports as it is).
func wellFormed(s portSet) bool {
	for _, r := range s {
		if r.From > r.To {
			return false
		}
	}
	return true
}

// decidedWhole is evaluateSpans's result when one entry (nil: the final
// deny) decides all of pkt, which is normal.
func decidedWhole(en *model.ACLEntry, pkt packet, parts bool) aclResult {
	none := pkt.with(nil)
	res := aclResult{allowed: aclPart{pkt: none, allow: true}, denied: aclPart{pkt: none}}
	allow := en != nil && en.Action == model.Allow
	if allow {
		res.allowed.pkt, res.allowed.entry = pkt, en
	} else {
		res.denied.pkt, res.denied.entry = pkt, en
	}
	if parts {
		res.parts = []aclPart{{pkt: pkt, entry: en, allow: allow}}
	}
	return res
}

// entryReach tells how an entry (its CIDR as a range, and its ports)
// meets the spans, as matchSpan splits them: it matches none of them
// (each is left as it is), all of them whole, or some part of some.
type entryReachKind int

const (
	reachesSome entryReachKind = iota
	reachesNone
	reachesAll
)

// entryReach returns how an entry of peer range cidr and destination
// ports entryPorts meets the spans. A span is left as it is when its peer
// is of the other IP version or outside the range, or, all inside it,
// none of its ports is the entry's; it is matched whole when its peer is
// all inside the range and (with ports) so are its destination ports,
// some of them at least.
func entryReach(spans []span, egress bool, cidr netipx.IPRange, entryPorts model.PortRange, ports bool) entryReachKind {
	none, all := true, true
	for _, s := range spans {
		peer := peerOf(s, egress)
		switch {
		case peer.is4() != cidr.From().Is4() || !peer.overlapsRange(cidr):
			all = false
		case !peer.within(cidr):
			return reachesSome
		case !ports:
			none = false
		case !s.dstPorts.overlaps(entryPorts):
			all = false
		case s.dstPorts.within(entryPorts) && wellFormed(s.dstPorts):
			none = false
		default:
			return reachesSome
		}
		if !none && !all {
			return reachesSome
		}
	}
	switch {
	case none:
		return reachesNone
	case all:
		return reachesAll
	}
	return reachesSome
}

// spareOf returns the span slice a filter just stopped reading, for the
// next rule's leftovers to be written into (nil when it is the packet's
// own spans, which belong to the caller). A filter alternates between two
// slices instead of allocating one per rule; neither escapes, since every
// result is taken with packet.with, which copies.
func spareOf(done, own []span) []span {
	if len(own) > 0 && len(done) > 0 && &done[0] == &own[0] {
		return nil
	}
	return done
}

// portsWithin reports whether every range of ports lies inside r.
func portsWithin(ports portSet, r model.PortRange) bool {
	for _, x := range ports {
		if x.From < r.From || x.To > r.To {
			return false
		}
	}
	return true
}

// peerOf returns the span's peer addresses as a filter on the interface
// sees them: the destination of what it sends, the source of what it gets.
func peerOf(s span, egress bool) addrs {
	if egress {
		return s.dst
	}
	return s.src
}

// matchSpan splits a span by a rule: its peer addresses (split by
// splitPeer) and, for protocols with ports, its destination port range.
// It returns the part the rule matches, if any, and appends the parts it
// does not match to rest.
func matchSpan(s span, egress bool, splitPeer func(addrs) (in, out addrs), rulePorts model.PortRange, ports bool, rest []span) (hit span, _ []span, ok bool) {
	in, out := splitPeer(peerOf(s, egress))
	if in.empty() {
		return span{}, append(rest, s), false
	}
	hit, miss := s, s
	if egress {
		hit.dst, miss.dst = in, out
	} else {
		hit.src, miss.src = in, out
	}
	if !miss.empty(ports) {
		rest = append(rest, miss)
	}
	if ports {
		if !s.dstPorts.overlaps(rulePorts) {
			return span{}, append(rest, hit), false
		}
		if portsWithin(s.dstPorts, rulePorts) {
			return hit, rest, true // split would give s.dstPorts and nothing
		}
		pin, pout := s.dstPorts.split(rulePorts)
		if !pout.empty() {
			r := hit
			r.dstPorts = pout
			rest = append(rest, r)
		}
		hit.dstPorts = pin
	}
	return hit, rest, true
}

// ACLDecision is what one network ACL entry decides for part of a set of
// packets: the peer addresses (sources inbound, destinations outbound) and
// destination ports it allows or denies.
type ACLDecision struct {
	// Entry is the deciding entry; nil means the implicit final deny.
	Entry *model.ACLEntry
	Allow bool
	Peers *netipx.IPSet
	Ports []model.PortRange
}

// NetworkACLDecisions applies a network ACL, exactly as every answer does,
// to packets of one protocol to the destination ports given (nil: all)
// from (inbound) or to (egress) the peer addresses of one IP version, and
// returns which entry decides which part of them, in rule order.
func (e *Engine) NetworkACLDecisions(acl *model.NetworkACL, egress bool, proto model.Protocol, ports []model.PortRange, peers *netipx.IPSet) []ACLDecision {
	c := e.acls[acl.ID]
	if c == nil {
		c = compileACL(acl)
	}
	other := addrOf(netip.IPv4Unspecified())
	if rs := peers.Ranges(); len(rs) > 0 && rs[0].From().Is6() {
		other = addrOf(netip.IPv6Unspecified())
	}
	sp := span{src: addrsOf(peers), dst: other}
	if egress {
		sp.src, sp.dst = sp.dst, sp.src
	}
	if proto.HasPorts() {
		sp.srcPorts, sp.dstPorts = portsOf(model.AllPorts), portsOf(model.AllPorts)
		if ports != nil {
			sp.dstPorts = portSet(nil).union(ports)
		}
	}
	pkt := packet{proto: proto, spans: []span{sp}}
	if proto.IsICMP() {
		pkt.icmp = model.ICMPEchoRequest
	}
	var out []ACLDecision
	for _, p := range c.evaluateParts(egress, pkt, true).parts {
		out = append(out, ACLDecision{Entry: p.entry, Allow: p.allow, Peers: peerSetOf(p.pkt, egress).ipset(), Ports: p.pkt.dstPorts()})
	}
	return out
}

// peerSetOf returns the packets' peer addresses as a filter sees them.
func peerSetOf(p packet, egress bool) addrs {
	if egress {
		return p.dst()
	}
	return p.src()
}

// sgPart is the part of a packet set one security group rule admits.
type sgPart struct {
	pkt   packet
	group *model.SecurityGroup
	index int
	rule  *model.SGRule
	// text holds the rule's text once made (sgRules.text), nil: not kept.
	text *atomic.Pointer[string]
}

// ruleText is sgRuleText of the part's rule, made once per engine for a
// rule of a group the engine indexed.
func (p sgPart) ruleText(egress bool) string {
	if p.text == nil {
		return sgRuleText(egress, p.group, p.rule)
	}
	if t := p.text.Load(); t != nil {
		return *t
	}
	t := sgRuleText(egress, p.group, p.rule)
	p.text.Store(&t) // queries racing here store equal texts
	return t
}

// sgResult partitions a packet set at an interface's security groups.
type sgResult struct {
	// admitted is what the rules admit, attributed to the first rule (in
	// group and rule order) that admits any of it; refused is the rest.
	admitted sgPart
	refused  packet
	// parts are what each rule admits that no earlier rule did, in group
	// and rule order.
	parts []sgPart
	// groups are the evaluated groups; missing the IDs not in the snapshot.
	groups  []*model.SecurityGroup
	missing []string
	// forms are the groups' compact forms, by index.
	forms []*sgForm
	// noRules is true when none of the groups has a rule in this direction.
	noRules bool
	// unknown lists prefix lists the rules name but the snapshot lacks.
	unknown []string
	// via is the crossing the evaluation assumed (nil: any path).
	via *crossing
}

// evalSecurityGroups is evalSecurityGroupsVia for packets whose path is
// not known: a group reference matches members in every VPC that some
// path could bring them from, an upper bound of what a walk admits.
func (e *Engine) evalSecurityGroups(n *model.NetworkInterface, egress bool, pkt packet) sgResult {
	return e.evalSecurityGroupsVia(n, egress, pkt, nil, false)
}

// evalSecurityGroupsVia applies the security groups of interface n to
// packets it sends (egress) or receives (AWS VPC user guide, "Security
// group rules"): rules allow only, and the rules of every group on the
// interface are aggregated, so a packet passes when any rule matches its
// protocol (-1 all), port range (TCP/UDP) or ICMP type and code, and peer
// — a CIDR, a prefix list, or a security group (the private addresses of
// its members that the reference can reach by the way the packets came,
// via; not a packet an appliance forwarded). With parts it also returns
// what each rule admits (sgResult.parts).
func (e *Engine) evalSecurityGroupsVia(n *model.NetworkInterface, egress bool, pkt packet, via *crossing, parts bool) sgResult {
	res := sgResult{noRules: true, admitted: sgPart{pkt: pkt.with(nil), index: -1}, via: via}
	ports := pkt.proto.HasPorts()
	dstPorts := pkt.dstPorts()
	remaining := pkt.spans
	// A point packet's spans mostly fit these; all are copied out
	// (packet.with) before the function returns. The rules' rests
	// alternate between the two spare buffers (see spareOf) once the
	// first rule has retired pkt.spans.
	var matchedArr, admittedArr, spareA, spareB [2]span
	matchedBuf, admitted := matchedArr[:0], admittedArr[:0]
	spare := spareA[:0]
	groups, missing, forms := e.groupFormsOf(n)
	res.groups, res.missing, res.forms = groups, missing, forms
	for gi, sg := range groups {
		rs := forms[gi].rules(egress)
		if len(rs.match) > 0 {
			res.noRules = false
		}
		for i := range rs.match {
			if len(remaining) == 0 {
				break
			}
			m := &rs.match[i]
			if !m.covers(pkt, dstPorts) {
				continue
			}
			peers, ok := e.rulePeersAt(rs, i, n.VPCID, egress, pkt.forwarded, via)
			if !ok {
				res.unknown = append(res.unknown, rs.peer[i].listID)
				continue
			}
			next, matched := spare[:0], matchedBuf[:0]
			for _, s := range remaining {
				var hit span
				var ok bool
				hit, next, ok = matchSpan(s, egress, peers.splitAddrs, m.ports, ports, next)
				if ok {
					matched = append(matched, hit)
				}
			}
			remaining, spare = next, spareOf(remaining, pkt.spans)
			if spare == nil {
				spare = spareB[:0] // pkt.spans retired: remaining is in spareA
			}
			matchedBuf = matched[:0] // taken by copy below (append, packet.with)
			if len(matched) > 0 {
				r := &sg.Rules(egress)[i]
				if parts {
					res.parts = append(res.parts, sgPart{pkt: withSpans(pkt, matched), group: sg, index: i, rule: r, text: rs.textOf(i)})
				}
				admitted = append(admitted, matched...)
				if res.admitted.rule == nil {
					res.admitted.group, res.admitted.index, res.admitted.rule, res.admitted.text = sg, i, r, rs.textOf(i)
				}
			}
		}
	}
	res.admitted.pkt = withSpans(pkt, admitted)
	res.refused = withSpans(pkt, remaining) // remaining may be in spareA or spareB
	return res
}

// withSpans is pkt.with(spans) for spans in a buffer of the caller's: the
// packet gets a copy, and the buffer can stay on the caller's stack.
func withSpans(pkt packet, spans []span) packet {
	if len(spans) == 0 {
		return pkt.with(nil)
	}
	return pkt.withOwned(make([]span, 0, len(spans)), spans)
}

// ruleCovers reports whether a security group rule applies to the
// packets' protocol and ICMP message and to any of their destination
// ports, peers aside.
func ruleCovers(r *model.SGRule, pkt packet) bool { return ruleCoversPorts(r, pkt, pkt.dstPorts()) }

// ruleCoversPorts is ruleCovers with the packets' destination ports given.
func ruleCoversPorts(r *model.SGRule, pkt packet, dstPorts portSet) bool {
	m := sgMatchOf(r)
	return m.covers(pkt, dstPorts)
}

// sgMatch is what of a packet a security group rule selects, peers aside:
// its protocol, its ICMP type and code, and its destination ports, with
// the model's conversions (SGRule.ICMP, SGRule.Ports) done; with, for the
// commonest peer, an IPv4 CIDR, the masked block itself (v4, bits), and
// whether the rule names a group. Eighteen bytes a rule: a group's
// matches, made once when the engine is built (sgForm), lie in a few
// cache lines, and an IPv4 CIDR rule is decided without its sgPeer.
type sgMatch struct {
	proto model.Protocol
	icmp  model.ICMPTypeCode
	ports model.PortRange
	// cidr4 is true when the peer is the IPv4 block v4/bits.
	cidr4    bool
	hasGroup bool
	bits     uint8
	v4       [4]byte
}

func sgMatchOf(r *model.SGRule) sgMatch {
	m := sgMatch{proto: r.Protocol, icmp: r.ICMP(), ports: r.Ports(), hasGroup: r.Group != nil}
	if r.CIDR.IsValid() && r.CIDR.Addr().Is4() {
		p := r.CIDR.Masked()
		m.cidr4, m.bits, m.v4 = true, uint8(p.Bits()), p.Addr().As4()
	}
	return m
}

// prefix4 returns the rule's IPv4 block (cidr4), as SGRule.CIDR.Masked().
func (m *sgMatch) prefix4() netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4(m.v4), int(m.bits))
}

// matchesMessage reports whether the rule applies to the packets'
// protocol and, for ICMP, message: a rule for all protocols takes every
// ICMP message.
func (m *sgMatch) matchesMessage(pkt packet) bool {
	if !m.proto.Matches(pkt.proto) {
		return false
	}
	return !pkt.proto.IsICMP() || m.proto == model.ProtocolAll || m.icmp.Matches(pkt.icmp)
}

// covers reports whether the rule applies to the packets' protocol and
// ICMP message and to any of their destination ports (dstPorts), peers
// aside.
func (m *sgMatch) covers(pkt packet, dstPorts portSet) bool {
	if !m.matchesMessage(pkt) {
		return false
	}
	if pkt.proto.HasPorts() {
		return dstPorts.overlaps(m.ports)
	}
	return true
}

// sgPeerKind is what a security group rule's peer is.
type sgPeerKind uint8

const (
	peerNone  sgPeerKind = iota // no peer the snapshot can match
	peerCIDR                    // a CIDR block
	peerList                    // a managed prefix list
	peerGroup                   // a security group's members
)

// sgPeer is a security group rule's peer resolved in the engine: the
// masked CIDR, the prefix list's entries (listOK false: not in the
// snapshot) or the referenced group's members by VPC.
type sgPeer struct {
	kind    sgPeerKind
	listOK  bool
	prefix  netip.Prefix
	list    addrs
	listID  string
	groupID string
	members []vpcMembers
}

// vpcMembers is the private addresses of a security group's members in
// one VPC.
type vpcMembers struct {
	vpc string
	set addrs
}

// memberListsOf lists each group's members by VPC (groupMembers), for
// the compact forms: a slice reads in fewer cache lines than a map.
func memberListsOf(members map[string]map[string]addrs) map[string][]vpcMembers {
	lists := make(map[string][]vpcMembers, len(members))
	for g, byVPC := range members {
		list := make([]vpcMembers, 0, len(byVPC))
		for vpc, set := range byVPC {
			list = append(list, vpcMembers{vpc, set})
		}
		lists[g] = list
	}
	return lists
}

// sgPeerOf resolves a rule's peer: a valid CIDR first, then a prefix
// list, then a group.
func (e *Engine) sgPeerOf(r *model.SGRule) sgPeer {
	var p sgPeer
	if r.Group != nil {
		p.groupID = r.Group.GroupID // named whatever the peer is taken to be (sgMatch.hasGroup)
	}
	switch {
	case r.CIDR.IsValid():
		p.kind, p.prefix = peerCIDR, r.CIDR.Masked()
	case r.PrefixListID != "":
		p.kind, p.listID = peerList, r.PrefixListID
		p.list, p.listOK = e.prefixListSets[r.PrefixListID]
	case r.Group != nil:
		p.kind, p.members = peerGroup, e.groupMemberLists[r.Group.GroupID]
	}
	return p
}

// sgRules is one direction of a security group's rules as evaluation
// reads them, by rule index: what each selects of a packet (match) and
// its peer. The matches are scanned first; a peer is read only for a rule
// that applies to the packets. A rule whose match holds its peer (an
// IPv4 CIDR, no group named) has none; rules naming the same peer share
// one.
type sgRules struct {
	match []sgMatch
	peer  []*sgPeer
	// text is each rule's sgRuleText, made on the first answer that shows
	// it (nil for a form made for one query).
	text []atomic.Pointer[string]
}

// textOf is where rule i's text is kept, or nil.
func (rs *sgRules) textOf(i int) *atomic.Pointer[string] {
	if rs.text == nil {
		return nil
	}
	return &rs.text[i]
}

// sgPeerKey is what makes a rule's peer (sgPeerOf), to share one per
// snapshot.
type sgPeerKey struct {
	prefix          netip.Prefix
	listID, groupID string
	group           bool // the rule names a group (groupID)
}

// sgForm is a security group's rules as evaluation reads them, made once
// per group when the engine is built.
type sgForm struct {
	group           *model.SecurityGroup
	ingress, egress sgRules
}

func (f *sgForm) rules(egress bool) *sgRules {
	if egress {
		return &f.egress
	}
	return &f.ingress
}

// sgFormOf makes a group's compact form; with share, rules of the group
// that name the same peer share one. It allocates by the block: the
// matches, peer pointers and texts of both directions each in one list,
// the peers in one more, and the peers are told apart by a scan while
// the group names few (a map past that).
func (e *Engine) sgFormOf(sg *model.SecurityGroup, share bool) *sgForm {
	f := &sgForm{group: sg}
	in, eg := sg.Rules(false), sg.Rules(true)
	n := len(in) + len(eg)
	matches := make([]sgMatch, n)
	ptrs := make([]*sgPeer, n)
	var texts []atomic.Pointer[string]
	if share && n > 0 {
		texts = make([]atomic.Pointer[string], n)
	}
	need := 0 // rules whose match does not hold the peer
	for i := range in {
		matches[i] = sgMatchOf(&in[i])
		if !matches[i].cidr4 || matches[i].hasGroup {
			need++
		}
	}
	for i := range eg {
		matches[len(in)+i] = sgMatchOf(&eg[i])
		if m := &matches[len(in)+i]; !m.cidr4 || m.hasGroup {
			need++
		}
	}
	peers := make([]sgPeer, 0, need) // never grown: the rules point into it
	var keyBuf [16]sgPeerKey
	keys := keyBuf[:0]         // the peers' keys, with share, while few
	var memo map[sgPeerKey]int // index into peers, once keys are many
	at := 0
	for _, egress := range []bool{false, true} {
		rules := sg.Rules(egress)
		rs := f.rules(egress)
		rs.match, rs.peer = matches[at:at+len(rules):at+len(rules)], ptrs[at:at+len(rules):at+len(rules)]
		if texts != nil && len(rules) > 0 {
			rs.text = texts[at : at+len(rules) : at+len(rules)]
		}
		at += len(rules)
		for i := range rules {
			r := &rules[i]
			if m := &rs.match[i]; m.cidr4 && !m.hasGroup {
				continue // the match holds the peer
			}
			var k sgPeerKey
			if share {
				k = sgPeerKey{prefix: r.CIDR, listID: r.PrefixListID}
				if r.Group != nil {
					k.group, k.groupID = true, r.Group.GroupID
				}
				if j := findPeerKey(keys, memo, k); j >= 0 {
					rs.peer[i] = &peers[j]
					continue
				}
			}
			peers = append(peers, e.sgPeerOf(r))
			rs.peer[i] = &peers[len(peers)-1]
			if share {
				switch {
				case memo != nil:
					memo[k] = len(peers) - 1
				case len(keys) < len(keyBuf):
					keys = append(keys, k) // keys[j] is peers[j]'s
				default:
					memo = make(map[sgPeerKey]int, need)
					for j, k := range keys {
						memo[k] = j
					}
					memo[k] = len(peers) - 1
				}
			}
		}
	}
	return f
}

// findPeerKey returns the index of k in keys (memo, when not nil, indexes
// them), or -1.
func findPeerKey(keys []sgPeerKey, memo map[sgPeerKey]int, k sgPeerKey) int {
	if memo != nil {
		if j, ok := memo[k]; ok {
			return j
		}
		return -1
	}
	for j := range keys {
		if keys[j] == k {
			return j
		}
	}
	return -1
}

// formsOfRecord returns the compact forms of an interface's security
// groups (groupsOf), given its record (fi, nil: none): an indexed
// interface's are made on first use and kept; an interface or a group the
// engine did not index gets forms made now.
func (e *Engine) formsOfRecord(fi *ifaceInfo, groups []*model.SecurityGroup) []*sgForm {
	if fi != nil && len(fi.groups) > 0 && len(fi.groups) == len(groups) {
		return fi.forms.get(func() []*sgForm { return e.formsOfGroups(fi.groups) })
	}
	return e.formsOfGroups(groups)
}

// groupFormsOf is groupsOf(n) and formsOf of those groups, reading n's
// record once.
func (e *Engine) groupFormsOf(n *model.NetworkInterface) ([]*model.SecurityGroup, []string, []*sgForm) {
	if fi := e.ifaceOf(n); fi != nil {
		return fi.groups, fi.missing, e.formsOfRecord(fi, fi.groups)
	}
	groups, missing := e.groupsOf(n)
	return groups, missing, e.formsOfGroups(groups)
}

// formsOfGroups returns the compact forms of groups, by index.
func (e *Engine) formsOfGroups(groups []*model.SecurityGroup) []*sgForm {
	forms := make([]*sgForm, len(groups))
	for i, sg := range groups {
		forms[i] = e.formOf(sg)
	}
	return forms
}

// formOf returns a security group's compact form: an indexed group's is
// made once, with its rules' hop texts kept; a group the engine did not
// index gets one made now.
func (e *Engine) formOf(sg *model.SecurityGroup) *sgForm {
	lf := e.sgForms[sg]
	if lf == nil {
		return e.sgFormOf(sg, false)
	}
	return lf.get(func() *sgForm { return e.sgFormOf(sg, true) })
}

// indexGroupForms readies each security group's compact form, made on
// first use (formOf). It runs when the prefix list sets and the groups'
// members are known.
func (e *Engine) indexGroupForms() {
	e.groupMemberLists = memberListsOf(e.groupMembers)
	e.sgForms = make(map[*model.SecurityGroup]*onFirstUse[*sgForm], len(e.snap.SecurityGroups))
	forms := make([]onFirstUse[*sgForm], len(e.snap.SecurityGroups))
	for i, g := range e.snap.SecurityGroups {
		if sg := e.ix.SecurityGroup(g.ID); sg != nil && e.sgForms[sg] == nil {
			e.sgForms[sg] = &forms[i]
		}
	}
}

// peerSet is the set of peer addresses a security group rule names: a
// CIDR, or a set (prefix list entries, group members).
type peerSet struct {
	prefix netip.Prefix
	set    addrs
	isSet  bool // false for a CIDR
}

// splitAddrs returns the addresses of a inside the peer set and outside it.
func (p peerSet) splitAddrs(a addrs) (in, out addrs) {
	if p.isSet {
		return a.split(p.set)
	}
	return a.splitPrefix(p.prefix)
}

// rulePeers returns the addresses a rule's peer stands for, seen from an
// interface in vpcID for packets that came by via; ok is false for a
// prefix list the snapshot lacks.
func (e *Engine) rulePeers(r *model.SGRule, vpcID string, egress, forwarded bool, via *crossing) (peerSet, bool) {
	p := e.sgPeerOf(r)
	return e.peersOf(&p, vpcID, egress, forwarded, via)
}

// rulePeersAt is rulePeers for rule i of a compact form: an IPv4 CIDR
// from the match itself, any other peer from its sgPeer.
func (e *Engine) rulePeersAt(rs *sgRules, i int, vpcID string, egress, forwarded bool, via *crossing) (peerSet, bool) {
	if m := &rs.match[i]; m.cidr4 {
		return peerSet{prefix: m.prefix4()}, true
	}
	return e.peersOf(rs.peer[i], vpcID, egress, forwarded, via)
}

// peersOf is rulePeers for a resolved peer.
func (e *Engine) peersOf(p *sgPeer, vpcID string, egress, forwarded bool, via *crossing) (peerSet, bool) {
	switch {
	case p.kind == peerCIDR:
		return peerSet{prefix: p.prefix}, true
	case p.kind == peerList:
		return peerSet{set: p.list, isSet: true}, p.listOK
	case p.kind == peerGroup && !forwarded:
		return peerSet{set: e.membersInScope(p.members, vpcID, egress, via), isSet: true}, true
	}
	return peerSet{isSet: true}, true
}

// membersInScope returns the private addresses of a group's members (by
// VPC) that a reference from fromVPC can match (referenceScope).
func (e *Engine) membersInScope(members []vpcMembers, fromVPC string, egress bool, via *crossing) addrs {
	var out addrs
	for _, m := range members {
		if ok, _, _ := e.referenceScope(fromVPC, m.vpc, egress, via); ok {
			out = out.union(m.set) // a union: the order of the VPCs does not matter
		}
	}
	return out
}

// groupMembersOf finds, per security group and member VPC, the private
// addresses of the group's members: the peers a reference names.
func groupMembersOf(s *model.Snapshot) map[string]map[string]addrs {
	type groupInVPC struct{ group, vpc string }
	lists := map[groupInVPC][]netip.Addr{}
	for _, n := range s.NetworkInterfaces {
		for _, g := range n.SecurityGroupIDs {
			k := groupInVPC{g, n.VPCID}
			list := lists[k]
			for _, ip := range n.PrivateIPs {
				list = append(list, ip.Address)
			}
			list = append(list, n.IPv6Addresses...)
			lists[k] = list
		}
	}
	members := map[string]map[string]addrs{}
	for k, list := range lists {
		m := members[k.group]
		if m == nil {
			m = map[string]addrs{}
			members[k.group] = m
		}
		m[k.vpc] = addrsOfList(list)
	}
	return members
}

// refMiss is why a security group reference failed to match a peer that
// is a member of the group.
type refMiss int

const (
	refNone          refMiss = iota
	refNotPreserved          // forwarded by an appliance: no group identity
	refNoTGWSupport          // across a transit gateway without referencing on
	refEgressOverTGW         // outbound rules cannot reference across a TGW
	refInterRegion           // inter-Region peering does not carry references
	refPublicAddress         // references match private addresses only
	refTGWPeering            // across a transit gateway peering
)

// code returns the explanation code for a reference miss.
func (m refMiss) code() Code {
	switch m {
	case refNotPreserved, refTGWPeering:
		return CodeSGReferencesNotPreserved
	case refNoTGWSupport:
		return CodeSGReferencingSupport
	}
	return CodeENISGRulesMismatch
}

// groupMiss explains why the rules referencing groups did not match addr,
// a peer that is a member of one of them: the first reason found.
func (e *Engine) groupMiss(forms []*sgForm, fromVPC string, addr netip.Addr, egress bool, pkt packet, via *crossing) (refMiss, string) {
	forwarded := pkt.forwarded
	var owners []*model.NetworkInterface
	looked := false
	for _, f := range forms {
		rs := f.rules(egress)
		for i := range rs.match {
			if m := &rs.match[i]; !m.hasGroup || !m.matchesMessage(pkt) {
				continue
			}
			p := rs.peer[i]
			if !looked {
				owners, looked = e.ix.InterfacesByIP(addr), true
			}
			for _, m := range owners {
				if !slices.Contains(m.SecurityGroupIDs, p.groupID) {
					continue
				}
				if !ownsPrivate(m, addr) {
					return refPublicAddress, fmt.Sprintf("%s is the public address of %s, and group references match members' private addresses only", addr, m.ID)
				}
				if ok, why, note := e.referenceScope(fromVPC, m.VPCID, egress, via); !ok && why != refNone {
					return why, note
				} else if ok && forwarded {
					return refNotPreserved, "the packet was forwarded by an appliance, and security group references are not preserved through a middlebox"
				}
			}
		}
	}
	return refNone, ""
}

func ownsPrivate(n *model.NetworkInterface, addr netip.Addr) bool {
	for _, ip := range n.PrivateIPs {
		if ip.Address == addr {
			return true
		}
	}
	return slices.Contains(n.IPv6Addresses, addr)
}

// referenceScope reports whether a security group rule of an interface in
// vpcA may match members in vpcB, for packets that came by via (nil: by
// any path). In the same VPC always. Outbound rules see no path yet (it
// lies ahead), so they go by what connects the VPCs: an active same-Region
// peering does; a transit gateway does not (outbound rules cannot
// reference groups across one). Inbound rules go by the way the packets
// came: across a same-Region peering of the two VPCs, or through a
// transit gateway from vpcB's attachment to vpcA's with security group
// referencing on for the gateway and both attachments, not across a
// transit gateway peering (Transit Gateway guide, "Amazon VPC attachments
// in AWS Transit Gateway", Security group referencing: "Security group
// referencing is not supported across transit gateway peering
// connections. Both VPCs must be attached to the same transit gateway").
// With no known path, any transit gateway both VPCs attach to may carry
// them.
func (e *Engine) referenceScope(vpcA, vpcB string, egress bool, via *crossing) (bool, refMiss, string) {
	if vpcA == vpcB {
		return true, refNone, ""
	}
	if via != nil && !egress {
		return e.pathScope(vpcA, vpcB, via)
	}
	if p := e.activePeering(vpcA, vpcB); p != nil {
		return peeringScope(p)
	}
	ok, miss, note := false, refNone, ""
	for _, tgw := range e.snap.TransitGateways {
		a, b := e.tgwAttachmentOf[tgwVPC{tgw.ID, vpcA}], e.tgwAttachmentOf[tgwVPC{tgw.ID, vpcB}]
		if a == nil || b == nil {
			continue
		}
		if egress {
			return false, refEgressOverTGW, fmt.Sprintf("outbound rules cannot reference groups across transit gateway %s", tgw.ID)
		}
		if ok, m, n := tgwScope(tgw, b, a); ok {
			return true, refNone, ""
		} else if miss == refNone {
			miss, note = m, n
		}
	}
	return ok, miss, note
}

// pathScope is referenceScope for inbound rules and packets that came by via.
func (e *Engine) pathScope(vpcA, vpcB string, via *crossing) (bool, refMiss, string) {
	switch {
	case via.pcx != nil:
		if pairKey(via.pcx.Requester.VPCID, via.pcx.Accepter.VPCID) == pairKey(vpcA, vpcB) {
			return peeringScope(via.pcx)
		}
	case via.tgw != nil && via.in != nil && via.out != nil && via.in.ResourceID == vpcB && via.out.ResourceID == vpcA:
		if via.peered {
			return false, refTGWPeering, fmt.Sprintf("the packet crossed a transit gateway peering from %s (through %s to %s), and group references do not work across transit gateway peering",
				via.tgw.ID, via.in.ID, via.out.ID)
		}
		return tgwScope(via.tgw, via.in, via.out)
	}
	return false, refNone, ""
}

// peeringScope reports whether group references work across a peering:
// within one Region only.
func peeringScope(p *model.VPCPeering) (bool, refMiss, string) {
	if p.Requester.Region == p.Accepter.Region {
		return true, refNone, ""
	}
	return false, refInterRegion, fmt.Sprintf("peering connection %s crosses Regions, and group references do not work across inter-Region peering", p.ID)
}

// tgwScope reports whether inbound group references work for packets a
// transit gateway carries from attachment in to attachment out: when
// security group referencing is on for the gateway and both attachments.
func tgwScope(tgw *model.TransitGateway, in, out *model.TGWAttachment) (bool, refMiss, string) {
	switch {
	case !tgw.SecurityGroupReferencingSupport:
		return false, refNoTGWSupport, fmt.Sprintf("transit gateway %s has security group referencing off", tgw.ID)
	case !in.SecurityGroupReferencingSupport || !out.SecurityGroupReferencingSupport:
		return false, refNoTGWSupport, fmt.Sprintf("attachment %s or %s of transit gateway %s has security group referencing off", in.ID, out.ID, tgw.ID)
	}
	return true, refNone, ""
}

// nearRuleRefs returns the rules of an interface's groups (with their
// forms: groupFormsOf) that cover the packets' protocol, ports or ICMP
// message but name other peers: the rules to change so that the packets
// pass. A rule's group is groupByID(groups, its Resource).
func nearRuleRefs(groups []*model.SecurityGroup, forms []*sgForm, egress bool, pkt packet) []RuleRef {
	kind := RefSGIngress
	if egress {
		kind = RefSGEgress
	}
	dstPorts := pkt.dstPorts()
	// One pass collects the rules (on the stack while few), then the
	// list is made to size.
	type near struct{ group, index int }
	var buf [16]near
	found := buf[:0]
	for gi := range groups {
		match := forms[gi].rules(egress).match
		for i := range match {
			if match[i].covers(pkt, dstPorts) {
				found = append(found, near{gi, i})
			}
		}
	}
	if len(found) == 0 {
		return nil
	}
	out := make([]RuleRef, len(found))
	for k, f := range found {
		out[k] = RuleRef{Kind: kind, Resource: groups[f.group].ID, Index: f.index}
	}
	return out
}

// groupByID returns the first of an interface's groups (groupsOf) with
// that ID: the group a near rule (nearRuleRefs) names, since the index
// holds one group per ID.
func groupByID(groups []*model.SecurityGroup, id string) *model.SecurityGroup {
	for _, sg := range groups {
		if sg.ID == id {
			return sg
		}
	}
	return nil
}
