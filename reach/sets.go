package reach

import (
	"fmt"
	"net/netip"

	"github.com/vpcscope/vpcscope/model"
	"go4.org/netipx"
)

// admission is the set of peer addresses one security group rule admits.
type admission struct {
	group *model.SecurityGroup
	index int
	rule  *model.SGRule
	set   *netipx.IPSet
}

// ruleApplies reports whether a security group rule covers the packet's
// protocol, ports (any of them) and ICMP message, peers aside.
func ruleApplies(r *model.SGRule, pkt *packet) bool {
	if !r.Protocol.Matches(pkt.proto) {
		return false
	}
	if pkt.proto.IsICMP() && r.Protocol != model.ProtocolAll {
		return r.ICMP().Matches(pkt.icmp)
	}
	if pkt.proto.HasPorts() {
		in, _ := pkt.dstPorts.split(r.Ports())
		return !in.empty()
	}
	return true
}

// admissions returns, rule by rule, the addresses the interface's security
// groups admit for the packet (ingress: sources; egress: destinations).
func (e *Engine) admissions(n *model.NetworkInterface, egress bool, pkt *packet) []admission {
	var out []admission
	for _, id := range n.SecurityGroupIDs {
		sg := e.ix.SecurityGroup(id)
		if sg == nil {
			continue
		}
		rules := sg.Rules(egress)
		for i := range rules {
			r := &rules[i]
			if !ruleApplies(r, pkt) {
				continue
			}
			if set := e.peerSet(r, n.VPCID); set != nil && len(set.Ranges()) > 0 {
				out = append(out, admission{group: sg, index: i, rule: r, set: set})
			}
		}
	}
	return out
}

// peerSet returns the addresses a rule's peer stands for: its CIDR, its
// prefix list's CIDRs, or the private addresses of the referenced group's
// members that the reference can reach from vpcID.
func (e *Engine) peerSet(r *model.SGRule, vpcID string) *netipx.IPSet {
	var b netipx.IPSetBuilder
	switch {
	case r.CIDR.IsValid():
		b.AddPrefix(r.CIDR.Masked())
	case r.PrefixListID != "":
		if pl := e.ix.PrefixList(r.PrefixListID); pl != nil {
			for _, en := range pl.Entries {
				b.AddPrefix(en.CIDR.Masked())
			}
		}
	case r.Group != nil:
		for _, m := range e.ix.GroupMembers(r.Group.GroupID) {
			if ok, _, _ := e.referenceScope(vpcID, m.VPCID, false); !ok {
				continue
			}
			for _, ip := range m.PrivateIPs {
				b.Add(ip.Address)
			}
			for _, ip := range m.IPv6Addresses {
				b.Add(ip)
			}
		}
	}
	set, _ := b.IPSet()
	return set
}

// admittedSources returns, rule by rule, the sources the interface's
// security groups admit for the packet (one catch-all admission when it
// has no groups), and what gets past both them and the subnet's network
// ACL inbound (traffic from inside the subnet crosses no ACL).
func (e *Engine) admittedSources(n *model.NetworkInterface, pkt *packet) ([]admission, *netipx.IPSet) {
	adms := e.admissions(n, false, pkt)
	if len(n.SecurityGroupIDs) == 0 {
		var all netipx.IPSetBuilder
		all.AddSet(e.allOf[0])
		all.AddSet(e.allOf[1])
		s, _ := all.IPSet()
		adms = []admission{{set: s}}
	}
	var sgSet netipx.IPSetBuilder
	for _, a := range adms {
		sgSet.AddSet(a.set)
	}
	admitted, _ := sgSet.IPSet()
	sn := e.ix.Subnet(n.SubnetID)
	if sn == nil {
		return adms, admitted
	}
	if acl := e.ix.SubnetNetworkACL(sn.ID); acl != nil {
		var b netipx.IPSetBuilder
		b.AddSet(e.aclPeers(acl, false, pkt))
		b.AddPrefix(sn.CIDR)
		for _, p := range sn.IPv6CIDRs {
			b.AddPrefix(p)
		}
		aclSet, _ := b.IPSet()
		admitted = intersect(admitted, aclSet)
	}
	return adms, admitted
}

// aclPeers returns the peer addresses a network ACL lets through for the
// packet (inbound: sources; outbound: destinations), evaluating its entries
// in rule order over address sets: each entry decides for the addresses no
// earlier entry matched.
func (e *Engine) aclPeers(acl *model.NetworkACL, egress bool, pkt *packet) *netipx.IPSet {
	c := e.acls[acl.ID]
	order := c.inbound
	if egress {
		order = c.outbound
	}
	var remaining, allowed netipx.IPSetBuilder
	remaining.AddPrefix(netip.MustParsePrefix("0.0.0.0/0"))
	remaining.AddPrefix(netip.MustParsePrefix("::/0"))
	for _, i := range order {
		en := &c.acl.Entries[i]
		if !en.CIDR.IsValid() || !en.Protocol.Matches(pkt.proto) {
			continue
		}
		if pkt.proto.IsICMP() && en.Protocol != model.ProtocolAll && !en.ICMPMatch().Matches(pkt.icmp) {
			continue
		}
		if pkt.proto.HasPorts() && en.Protocol != model.ProtocolAll {
			if in, _ := pkt.dstPorts.split(en.Ports()); in.empty() {
				continue
			}
		}
		if en.Action == model.Allow {
			matched := remaining.Clone()
			var cidr netipx.IPSetBuilder
			cidr.AddPrefix(en.CIDR.Masked())
			cs, _ := cidr.IPSet()
			matched.Intersect(cs)
			ms, _ := matched.IPSet()
			allowed.AddSet(ms)
		}
		remaining.RemovePrefix(en.CIDR.Masked())
	}
	set, _ := allowed.IPSet()
	return set
}

// intersect returns a ∩ b.
func intersect(a, b *netipx.IPSet) *netipx.IPSet {
	var x netipx.IPSetBuilder
	x.AddSet(a)
	x.Intersect(b)
	s, _ := x.IPSet()
	return s
}

// firstAddr returns a usable address of the set: pref when the set holds
// it, else the first host address (skipping a network address).
func firstAddr(s *netipx.IPSet, pref netip.Addr) (netip.Addr, bool) {
	if s.Contains(pref) {
		return pref, true
	}
	rs := s.Ranges()
	if len(rs) == 0 {
		return netip.Addr{}, false
	}
	a := rs[0].From()
	if n := a.Next(); rs[0].Contains(n) {
		a = n
	}
	return a, true
}

// summarize renders a set as at most limit prefixes per IP version. A set
// that covers the whole public internet of a version is named so, with the
// private ranges it also holds, instead of the dozens of prefixes that
// make up "everything but the private ranges".
func (e *Engine) summarize(s *netipx.IPSet, limit int) []string {
	var out []string
	for fam, v4 := range []bool{true, false} {
		part := intersect(s, e.allOf[fam])
		if len(part.Ranges()) == 0 {
			continue
		}
		all, inet := "0.0.0.0/0", "any IPv4 internet address"
		if !v4 {
			all, inet = "::/0", "any IPv6 internet address"
		}
		if part.Equal(e.allOf[fam]) {
			out = append(out, all)
			continue
		}
		ps := part.Prefixes()
		if pub := e.internetOf[fam]; intersect(part, pub).Equal(pub) {
			var rest netipx.IPSetBuilder
			rest.AddSet(part)
			rest.RemoveSet(pub)
			rs, _ := rest.IPSet()
			out = append(out, inet)
			ps = rs.Prefixes()
		}
		for i, p := range ps {
			if i == limit {
				out = append(out, fmt.Sprintf("… %d more", len(ps)-limit))
				break
			}
			out = append(out, p.String())
		}
	}
	return out
}
