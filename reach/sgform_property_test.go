package reach

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/vpcscope/vpcscope/model"
)

// sgWorld is a small account for the security group property test: three
// VPCs (a and b peered in one Region, c alone), interfaces in each that
// belong to random groups, and a prefix list.
type sgWorld struct {
	snap    *model.Snapshot
	members []*model.NetworkInterface
}

const sgPoolSize = 6

func sgPoolID(i int) string { return "sg-" + string(rune('a'+i)) }

func newSGWorld(rng *rand.Rand) sgWorld {
	s := &model.Snapshot{}
	vpcs := []struct{ id, v4, v6 string }{
		{"vpc-a", "10.0.0.0/16", "2001:db8:a::/48"},
		{"vpc-b", "10.1.0.0/16", "2001:db8:b::/48"},
		{"vpc-c", "10.2.0.0/16", "2001:db8:c::/48"},
	}
	for _, v := range vpcs {
		s.VPCs = append(s.VPCs, &model.VPC{Meta: model.Meta{ID: v.id, Region: "us-east-1"},
			CIDRs: []netip.Prefix{netip.MustParsePrefix(v.v4)}, IPv6CIDRs: []netip.Prefix{netip.MustParsePrefix(v.v6)}})
	}
	s.VPCPeerings = []*model.VPCPeering{{Meta: model.Meta{ID: "pcx-ab", Region: "us-east-1"}, Status: "active",
		Requester: model.PeeringSide{VPCID: "vpc-a", Region: "us-east-1"}, Accepter: model.PeeringSide{VPCID: "vpc-b", Region: "us-east-1"}}}
	s.PrefixLists = []*model.PrefixList{{Meta: model.Meta{ID: "pl-known"}, Name: "known",
		Entries: []model.PrefixListEntry{{CIDR: netip.MustParsePrefix("10.2.0.0/24")}, {CIDR: netip.MustParsePrefix("2001:db8:c::/64")}, {CIDR: netip.MustParsePrefix("8.8.8.0/24")}}}}
	w := sgWorld{snap: s}
	for i := range 9 {
		v := i % len(vpcs)
		n := &model.NetworkInterface{Meta: model.Meta{ID: "eni-" + string(rune('0'+i))}, VPCID: vpcs[v].id,
			PrivateIPs:    []model.PrivateIP{{Address: netip.AddrFrom4([4]byte{10, byte(v), 0, byte(10 + i)}), Primary: true}},
			IPv6Addresses: []netip.Addr{netip.MustParseAddr("2001:db8:" + string(rune('a'+v)) + "::" + string(rune('1'+i)))}}
		for g := range sgPoolSize {
			if rng.IntN(3) == 0 {
				n.SecurityGroupIDs = append(n.SecurityGroupIDs, sgPoolID(g))
			}
		}
		s.NetworkInterfaces = append(s.NetworkInterfaces, n)
		w.members = append(w.members, n)
	}
	for g := range sgPoolSize {
		sg := &model.SecurityGroup{Meta: model.Meta{ID: sgPoolID(g)}, VPCID: "vpc-a"}
		for range rng.IntN(5) {
			sg.Ingress = append(sg.Ingress, randomSGRule(rng))
		}
		for range rng.IntN(5) {
			sg.Egress = append(sg.Egress, randomSGRule(rng))
		}
		s.SecurityGroups = append(s.SecurityGroups, sg)
	}
	return w
}

func randomSGRule(rng *rand.Rand) model.SGRule {
	protos := []model.Protocol{model.ProtocolAll, model.ProtocolTCP, model.ProtocolUDP, model.ProtocolICMP, model.ProtocolICMPv6, 50}
	r := model.SGRule{Protocol: pickOne(rng, protos), FromPort: -1, ToPort: -1}
	switch {
	case r.Protocol.HasPorts() && rng.IntN(4) > 0:
		a, b := int32(rng.IntN(30)), int32(rng.IntN(30))
		r.FromPort, r.ToPort = min(a, b), max(a, b)
	case r.Protocol.IsICMP():
		r.FromPort, r.ToPort = pickOne(rng, []int32{-1, 0, 3, 8}), pickOne(rng, []int32{-1, 0, 1})
	}
	switch rng.IntN(4) {
	case 0:
		r.CIDR = netip.MustParsePrefix(pickOne(rng, []string{"0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "10.2.0.13/32", "::/0", "2001:db8:b::/48", "10.0.0.77/16"}))
	case 1:
		r.PrefixListID = pickOne(rng, []string{"pl-known", "pl-absent"})
	default:
		r.Group = &model.GroupRef{GroupID: pickOne(rng, []string{sgPoolID(0), sgPoolID(1), sgPoolID(2), sgPoolID(3), sgPoolID(4), sgPoolID(5), "sg-absent"})}
	}
	return r
}

// oracleSGCovers is AWS's rule selection written from the model's
// fields: the protocol (-1 all); for ICMP the type and code (-1 any, a
// type of -1 any message); for TCP and UDP the port range (-1 all).
func oracleSGCovers(r *model.SGRule, proto model.Protocol, port uint16, icmp model.ICMPTypeCode) bool {
	if r.Protocol != model.ProtocolAll && r.Protocol != proto {
		return false
	}
	if r.Protocol == model.ProtocolAll {
		return true
	}
	if proto.IsICMP() {
		return r.FromPort < 0 || (int32(icmp.Type) == r.FromPort && (r.ToPort < 0 || int32(icmp.Code) == r.ToPort))
	}
	if proto.HasPorts() && r.FromPort >= 0 && r.ToPort >= 0 {
		return int32(port) >= r.FromPort && int32(port) <= r.ToPort
	}
	return true
}

// oracleSGPeer reports whether a rule's peer holds addr for an interface
// in vpc-a, and whether the rule names a prefix list the snapshot lacks.
// A group reference holds the private addresses of the group's members
// in vpc-a and in the peered vpc-b, unless an appliance forwarded the
// packet.
func (w sgWorld) oracleSGPeer(r *model.SGRule, addr netip.Addr, forwarded bool) (in, unknown bool) {
	switch {
	case r.CIDR.IsValid():
		return r.CIDR.Masked().Contains(addr), false
	case r.PrefixListID != "":
		for _, pl := range w.snap.PrefixLists {
			if pl.ID == r.PrefixListID {
				return pl.Contains(addr), false
			}
		}
		return false, true
	case r.Group != nil && !forwarded:
		for _, m := range w.members {
			if (m.VPCID == "vpc-a" || m.VPCID == "vpc-b") && slices.Contains(m.SecurityGroupIDs, r.Group.GroupID) && ownsPrivate(m, addr) {
				return true, false
			}
		}
	}
	return false, false
}

// TestSecurityGroupCompactFormMatchesRuleSemantics checks the compact
// form of security group rules the engine makes once (sgForm) against
// AWS's rule semantics written from the model's fields, over random
// groups and point packets: rules allow only and any rule of any group
// that matches the protocol (-1 all), the ICMP type and code or the port
// range, and the peer (a CIDR, IPv4 or IPv6; a managed prefix list; the
// members of a referenced group in the VPC or a same-Region peered one,
// not after an appliance) admits the packet; a prefix list the snapshot
// lacks makes the refusal unknown. The interface is evaluated as indexed
// (forms made at build) and as an interface the engine never saw (forms
// made on the fly).
func TestSecurityGroupCompactFormMatchesRuleSemantics(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 17))
	protos := []model.Protocol{model.ProtocolTCP, model.ProtocolUDP, model.ProtocolICMP, model.ProtocolICMPv6, 50}
	admittedSeen, unknownSeen, groupSeen := 0, 0, 0
	for range 300 {
		w := newSGWorld(rng)
		n := &model.NetworkInterface{Meta: model.Meta{ID: "eni-x"}, VPCID: "vpc-a",
			PrivateIPs: []model.PrivateIP{{Address: netip.MustParseAddr("10.0.9.9"), Primary: true}}}
		for g := range sgPoolSize {
			if rng.IntN(2) == 0 {
				n.SecurityGroupIDs = append(n.SecurityGroupIDs, sgPoolID(g))
			}
		}
		if rng.IntN(8) == 0 {
			n.SecurityGroupIDs = append(n.SecurityGroupIDs, "sg-absent")
		}
		w.snap.NetworkInterfaces = append(w.snap.NetworkInterfaces, n)
		e := New(w.snap)
		unseen := *n
		var peersPool []netip.Addr
		for _, m := range w.members {
			peersPool = append(peersPool, m.PrivateIPs[0].Address, m.IPv6Addresses[0])
		}
		peersPool = append(peersPool, netip.MustParseAddr("8.8.8.8"), netip.MustParseAddr("10.2.0.13"), netip.MustParseAddr("2001:db8:ff::1"))
		for range 60 {
			proto := pickOne(rng, protos)
			peer := pickOne(rng, peersPool)
			port := uint16(rng.IntN(32))
			icmp := model.ICMPTypeCode{Type: pickOne(rng, []int16{0, 3, 8}), Code: pickOne(rng, []int16{0, 1})}
			egress, forwarded := rng.IntN(2) == 0, rng.IntN(6) == 0
			local := n.PrivateIPs[0].Address
			if peer.Is6() {
				local = netip.MustParseAddr("2001:db8:a::99")
			}
			src, dst := peer, local
			if egress {
				src, dst = local, peer
			}
			var sp, dp portSet
			if proto.HasPorts() {
				sp, dp = portsOf(model.AllPorts), portsOf(model.PortRange{From: port, To: port})
			}
			pkt := pointPacket(proto, src, dst, sp, dp, icmp)
			pkt.forwarded = forwarded

			// What the rules decide, written from the model.
			wantGroup, wantIndex := "", -1
			var wantUnknown []string
			var wantNear []RuleRef
			noRules := true
			for _, id := range n.SecurityGroupIDs {
				sg := e.ix.SecurityGroup(id)
				if sg == nil {
					continue
				}
				rules := sg.Rules(egress)
				if len(rules) > 0 {
					noRules = false
				}
				for i := range rules {
					r := &rules[i]
					if !oracleSGCovers(r, proto, port, icmp) {
						continue
					}
					wantNear = append(wantNear, RuleRef{Resource: sg.ID, Index: i})
					if wantIndex >= 0 {
						continue
					}
					in, unknown := w.oracleSGPeer(r, peer, forwarded)
					if unknown {
						wantUnknown = append(wantUnknown, r.PrefixListID)
					}
					if in {
						wantGroup, wantIndex = sg.ID, i
						if r.Group != nil {
							groupSeen++
						}
					}
				}
			}
			if wantIndex >= 0 {
				admittedSeen++
			}
			if len(wantUnknown) > 0 {
				unknownSeen++
			}
			for _, iface := range []*model.NetworkInterface{n, &unseen} {
				d := e.evalSecurityGroupsVia(iface, egress, pkt, nil, false)
				gotGroup, gotIndex := "", -1
				if d.admitted.rule != nil {
					gotGroup, gotIndex = d.admitted.group.ID, d.admitted.index
					if d.admitted.rule != &d.admitted.group.Rules(egress)[gotIndex] {
						t.Fatalf("admitting rule is not rule %d of %s", gotIndex, gotGroup)
					}
				}
				if gotGroup != wantGroup || gotIndex != wantIndex || d.admitted.pkt.empty() != (wantIndex < 0) || d.refused.empty() != (wantIndex >= 0) {
					t.Fatalf("%s egress=%v forwarded=%v %v %s port %d icmp %v: admitted by %s rule %d, want %s rule %d\ngroups %v",
						iface.ID, egress, forwarded, peer, proto, port, icmp, gotGroup, gotIndex, wantGroup, wantIndex, describeGroups(e, n))
				}
				if !slices.Equal(d.unknown, wantUnknown) || d.noRules != noRules {
					t.Fatalf("%s egress=%v %v %s: unknown %v noRules %v, want %v %v", iface.ID, egress, peer, proto, d.unknown, d.noRules, wantUnknown, noRules)
				}
				groups, _, forms := e.groupFormsOf(iface)
				near := nearRuleRefs(groups, forms, egress, pkt)
				for i := range near {
					near[i].Kind = ""
				}
				if !slices.Equal(near, wantNear) {
					t.Fatalf("%s egress=%v %v %s: near rules %v, want %v", iface.ID, egress, peer, proto, near, wantNear)
				}
			}
		}
	}
	if admittedSeen == 0 || unknownSeen == 0 || groupSeen == 0 {
		t.Fatalf("the random cases did not cover admission (%d), unknown prefix lists (%d) and group references (%d)", admittedSeen, unknownSeen, groupSeen)
	}
}

func describeGroups(e *Engine, n *model.NetworkInterface) []string {
	var out []string
	for _, id := range n.SecurityGroupIDs {
		if sg := e.ix.SecurityGroup(id); sg != nil {
			out = append(out, id+" in "+sliceString(sg.Ingress)+" out "+sliceString(sg.Egress))
		}
	}
	return out
}

func sliceString(rules []model.SGRule) string {
	s := "["
	for i := range rules {
		s += rules[i].String() + "; "
	}
	return s + "]"
}

func pickOne[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }
