package reach

import (
	"net/netip"
	"slices"
	"strconv"

	"github.com/vpcscope/vpcscope/model"
)

// This file finds filter rules that decide nothing: network ACL entries
// shadowed by earlier entries, and security group rules covered by the
// group's other rules. Both evaluate exactly the packets a rule matches
// through the stage functions every answer uses (evaluateParts,
// evalSecurityGroupsVia with parts), so "never matches" means what the
// engine means by matching.

// Unused is a network ACL entry or security group rule that decides
// nothing: every packet it matches is decided by earlier entries (a
// network ACL's first match wins) or admitted by other rules of its group
// anyway (security group rules are a union).
type Unused struct {
	// Rule locates the entry or rule (Resource is the ACL or group).
	Rule RuleRef `json:"rule"`
	// Text renders it: "ingress rule 100 allow tcp/8080 10.30.0.0/16" or
	// "ingress tcp/443 10.0.0.0/16".
	Text string `json:"text"`
	// By are the entries or rules that decide (or also admit) every
	// packet it matches, in evaluation order, and ByText renders them.
	By     []RuleRef `json:"by"`
	ByText []string  `json:"byText"`
	// Conflict is set for a network ACL entry when an earlier entry of
	// the other action decides some of its packets: an allow that a deny
	// overrides, or a deny that an earlier allow makes void.
	Conflict bool `json:"conflict,omitempty"`
}

// ShadowedACLEntries returns the entries of a network ACL that can never
// match a packet because earlier entries (lower rule numbers, same
// direction) decide every packet they would match, with those entries.
// The final "*" entry is left out: an ACL whose entries decide everything
// shadows it on purpose.
func (e *Engine) ShadowedACLEntries(acl *model.NetworkACL) []Unused {
	c := compileACL(acl)
	var out []Unused
	for _, egress := range []bool{false, true} {
		order := c.inbound
		kind, dir := RefNACLInbound, "ingress "
		if egress {
			order, kind, dir = c.outbound, RefNACLOutbound, "egress "
		}
		var sels []selector
		for _, i := range order {
			en := &acl.Entries[i]
			sels = append(sels, selector{en.Protocol, en.ICMPMatch()})
		}
		for _, i := range order {
			en := &acl.Entries[i]
			if en.IsDefaultDeny() || !en.CIDR.IsValid() {
				continue
			}
			sel := selector{en.Protocol, en.ICMPMatch()}
			matched, seen := false, map[*model.ACLEntry]bool{}
			var by []*model.ACLEntry
			for _, probe := range probesFor(sel, sels, en.CIDR.Addr().Is6()) {
				pkt := rulePacket(probe, en.CIDR.Masked(), en.Ports(), egress)
				for _, p := range c.evaluateParts(egress, pkt, true).parts {
					if p.entry == en {
						matched = true
					} else if p.entry != nil && !seen[p.entry] {
						seen[p.entry] = true
						by = append(by, p.entry)
					}
				}
				if matched {
					break
				}
			}
			if matched || len(by) == 0 {
				continue
			}
			slices.SortStableFunc(by, func(a, b *model.ACLEntry) int { return int(a.RuleNumber) - int(b.RuleNumber) })
			u := Unused{Rule: RuleRef{Kind: kind, Resource: acl.ID, Index: i, RuleNumber: en.RuleNumber}, Text: dir + en.String()}
			for _, b := range by {
				u.By = append(u.By, RuleRef{Kind: kind, Resource: acl.ID, Index: entryIndex(acl, b.RuleNumber, egress), RuleNumber: b.RuleNumber})
				u.ByText = append(u.ByText, dir+b.String())
				u.Conflict = u.Conflict || b.Action != en.Action
			}
			out = append(out, u)
		}
	}
	return out
}

// entryIndex returns the position of the entry with the rule number in
// one direction, or -1.
func entryIndex(acl *model.NetworkACL, number int32, egress bool) int {
	for i := range acl.Entries {
		if acl.Entries[i].RuleNumber == number && acl.Entries[i].Egress == egress {
			return i
		}
	}
	return -1
}

// RedundantSGRules returns the rules of a security group whose packets the
// group's other rules in the same direction admit anyway, with those
// rules. Rules that name a security group are neither reported nor
// counted as covering: what they match depends on the group's members,
// which change without the rules changing.
func (e *Engine) RedundantSGRules(sg *model.SecurityGroup) []Unused {
	var out []Unused
	for _, egress := range []bool{false, true} {
		rules := sg.Rules(egress)
		kind, dir := RefSGIngress, "ingress "
		if egress {
			kind, dir = RefSGEgress, "egress "
		}
		var sels []selector
		for i := range rules {
			sels = append(sels, selector{rules[i].Protocol, rules[i].ICMP()})
		}
		// One variant of the group per rule, with that rule moved last:
		// a part for it is what no other rule admits. The variants live in
		// an index of their own, which the evaluation reads groups from.
		type variant struct {
			rule   int
			others []int
			id     string
		}
		var variants []variant
		probeSnap := &model.Snapshot{}
		for i := range rules {
			r := &rules[i]
			if r.Group != nil {
				continue
			}
			if _, ok := e.prefixListSets[r.PrefixListID]; r.PrefixListID != "" && !ok {
				continue
			}
			v := variant{rule: i, id: sg.ID + "#" + strconv.Itoa(i)}
			var reordered []model.SGRule
			for j := range rules {
				if j != i && rules[j].Group == nil {
					v.others = append(v.others, j)
					reordered = append(reordered, rules[j])
				}
			}
			if len(v.others) == 0 {
				continue
			}
			reordered = append(reordered, *r)
			g := &model.SecurityGroup{Meta: model.Meta{ID: v.id}, VPCID: sg.VPCID}
			if egress {
				g.Egress = reordered
			} else {
				g.Ingress = reordered
			}
			probeSnap.SecurityGroups = append(probeSnap.SecurityGroups, g)
			variants = append(variants, v)
		}
		if len(variants) == 0 {
			continue
		}
		probe := *e
		probe.ix = model.NewIndex(probeSnap)
		for _, v := range variants {
			r := &rules[v.rule]
			n := &model.NetworkInterface{Meta: model.Meta{ID: "probe"}, VPCID: sg.VPCID, SecurityGroupIDs: []string{v.id}}
			last := len(v.others)
			admitted, seen := false, map[int]bool{}
			var by []int
		probes:
			for _, peers := range rulePeerPrefixes(&probe, r) {
				for _, p := range probesFor(selector{r.Protocol, r.ICMP()}, sels, peers.Addr().Is6()) {
					pkt := rulePacket(p, peers, r.Ports(), egress)
					for _, part := range probe.evalSecurityGroupsVia(n, egress, pkt, nil, true).parts {
						if part.index == last {
							admitted = true
							break probes
						}
						if !seen[part.index] {
							seen[part.index] = true
							by = append(by, v.others[part.index])
						}
					}
				}
			}
			if admitted || len(by) == 0 {
				continue
			}
			slices.Sort(by)
			if len(by) == 1 && by[0] > v.rule && rules[by[0]].String() == r.String() {
				continue // of two identical rules, the later one is the copy
			}
			u := Unused{Rule: RuleRef{Kind: kind, Resource: sg.ID, Index: v.rule}, Text: dir + r.String()}
			for _, j := range by {
				u.By = append(u.By, RuleRef{Kind: kind, Resource: sg.ID, Index: j})
				u.ByText = append(u.ByText, dir+rules[j].String())
			}
			out = append(out, u)
		}
	}
	return out
}

// rulePeerPrefixes returns the peer addresses of a CIDR or prefix-list
// rule, one prefix per packet family to probe.
func rulePeerPrefixes(e *Engine, r *model.SGRule) []netip.Prefix {
	if r.CIDR.IsValid() {
		return []netip.Prefix{r.CIDR.Masked()}
	}
	set := e.prefixListSets[r.PrefixListID]
	var out []netip.Prefix
	for _, rg := range set.ranges() {
		out = append(out, rg.Prefixes()...)
	}
	if p, ok := set.single(); ok {
		out = append(out, netip.PrefixFrom(p, p.BitLen()))
	}
	return out
}

// selector is what a rule selects besides peers and ports: a protocol and,
// for ICMP, the messages.
type selector struct {
	proto model.Protocol
	icmp  model.ICMPTypeCode
}

// ruleProbe is one protocol (and ICMP message) to evaluate a rule on.
type ruleProbe struct {
	proto model.Protocol
	icmp  model.ICMPTypeCode
}

// probesFor lists the protocols and ICMP messages that cover what sel
// selects, up to what the rules in sels can tell apart: every protocol
// and message they name, plus one they do not. A rule decides nothing
// exactly when it decides nothing for any of them.
func probesFor(sel selector, sels []selector, v6 bool) []ruleProbe {
	named := map[model.Protocol]bool{}
	for _, s := range sels {
		if s.proto != model.ProtocolAll {
			named[s.proto] = true
		}
	}
	var protos []model.Protocol
	if sel.proto != model.ProtocolAll {
		protos = []model.Protocol{sel.proto}
	} else {
		protos = []model.Protocol{model.ProtocolTCP, model.ProtocolUDP, model.ProtocolICMP, model.ProtocolICMPv6}
		for p := range named {
			if !slices.Contains(protos, p) {
				protos = append(protos, p)
			}
		}
		slices.Sort(protos)
		for p := model.Protocol(0); p <= 255; p++ {
			if !named[p] && !slices.Contains(protos, p) {
				protos = append(protos, p) // one protocol no rule names
				break
			}
		}
	}
	var out []ruleProbe
	for _, p := range protos {
		if sel.proto == model.ProtocolAll && p.IsICMP() && (p == model.ProtocolICMPv6) != v6 {
			continue // the other family's ICMP: a rule for these peers never sees it
		}
		if !p.IsICMP() {
			out = append(out, ruleProbe{proto: p})
			continue
		}
		want := model.AnyICMP
		if sel.proto != model.ProtocolAll {
			want = sel.icmp
		}
		for _, m := range icmpMessages(p, sels) {
			if want.Matches(m) {
				out = append(out, ruleProbe{proto: p, icmp: m})
			}
		}
	}
	return out
}

// icmpMessages lists the ICMP messages the selectors of one ICMP protocol
// tell apart: each type they name with each code they name for it and one
// code they do not, and one type they do not name.
func icmpMessages(p model.Protocol, sels []selector) []model.ICMPTypeCode {
	codes := map[int16]map[int16]bool{}
	for _, s := range sels {
		if s.proto != p || s.icmp.Type < 0 || s.icmp.Type > 255 {
			continue
		}
		if codes[s.icmp.Type] == nil {
			codes[s.icmp.Type] = map[int16]bool{}
		}
		if s.icmp.Code >= 0 && s.icmp.Code <= 255 {
			codes[s.icmp.Type][s.icmp.Code] = true
		}
	}
	unnamed := func(m map[int16]bool) int16 {
		for v := int16(0); v <= 255; v++ {
			if !m[v] {
				return v
			}
		}
		return 255
	}
	types := map[int16]bool{}
	var out []model.ICMPTypeCode
	for t := int16(0); t <= 255; t++ {
		cs, ok := codes[t]
		if !ok {
			continue
		}
		types[t] = true
		for c := int16(0); c <= 255; c++ {
			if cs[c] {
				out = append(out, model.ICMPTypeCode{Type: t, Code: c})
			}
		}
		out = append(out, model.ICMPTypeCode{Type: t, Code: unnamed(cs)})
	}
	return append(out, model.ICMPTypeCode{Type: unnamed(types), Code: 0})
}

// rulePacket returns the packets a rule for peers and ports matches, of
// one protocol: from the peers (inbound) or to them (egress), to or from
// any address of the same family, from any source port.
func rulePacket(p ruleProbe, peers netip.Prefix, ports model.PortRange, egress bool) packet {
	other := netip.PrefixFrom(netip.IPv4Unspecified(), 0)
	if peers.Addr().Is6() {
		other = netip.PrefixFrom(netip.IPv6Unspecified(), 0)
	}
	sp := span{src: setOf(peers), dst: setOf(other)}
	if egress {
		sp.src, sp.dst = sp.dst, sp.src
	}
	if p.proto.HasPorts() {
		sp.srcPorts, sp.dstPorts = portsOf(model.AllPorts), portsOf(ports)
	}
	return packet{proto: p.proto, icmp: p.icmp, spans: []span{sp}}
}

// SameRuleSets reports whether a security group's or network ACL's rules
// evaluate alike in e and o: the only thing outside a group that
// RedundantSGRules reads is the prefix lists its rules name (rules naming
// groups are left out), and ShadowedACLEntries reads nothing outside the
// ACL. When it holds, a group or ACL equal in both has the same
// RedundantSGRules or ShadowedACLEntries in both.
func (e *Engine) SameRuleSets(o *Engine) bool {
	if len(e.prefixListSets) != len(o.prefixListSets) {
		return false
	}
	for id, s := range e.prefixListSets {
		t, ok := o.prefixListSets[id]
		if !ok || !s.equal(t) {
			return false
		}
	}
	return true
}
