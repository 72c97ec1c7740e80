package reach

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/vpcscope/vpcscope/model"
)

// TestNetworkACLFirstMatchDecidesWholePointPacket checks the point query's
// shortcut through a network ACL (decideWhole) against the entry-by-entry
// split (evaluateSpans) over random ACLs and point packets: AWS evaluates
// the entries in rule number order and the first that matches decides, so
// when that entry matches all of a one-address packet set (or none does
// and the final deny takes it), it decides the whole set.
func TestNetworkACLFirstMatchDecidesWholePointPacket(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	cidrs := []string{"0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3/32", "192.168.0.0/16", "::/0", "2001:db8::/32"}
	addrs4 := []string{"10.1.2.3", "10.1.9.9", "10.7.0.1", "192.168.1.1", "8.8.8.8"}
	addrs6 := []string{"2001:db8::1", "2001:db9::1"}
	protos := []model.Protocol{model.ProtocolTCP, model.ProtocolUDP, model.ProtocolICMP, model.ProtocolAll}
	portRange := func() model.PortRange {
		a, b := uint16(rng.IntN(70)), uint16(rng.IntN(70))
		if rng.IntN(3) == 0 {
			return model.PortRange{From: 1024, To: 65535}
		}
		return model.PortRange{From: min(a, b), To: max(a, b)}
	}
	decided, fellBack := 0, 0
	for range 20000 {
		acl := &model.NetworkACL{}
		for range rng.IntN(7) {
			en := model.ACLEntry{RuleNumber: int32(rng.IntN(200)), Egress: rng.IntN(2) == 0, Protocol: protos[rng.IntN(len(protos))],
				Action: model.Allow, CIDR: netip.MustParsePrefix(cidrs[rng.IntN(len(cidrs))])}
			if rng.IntN(3) == 0 {
				en.Action = model.Deny
			}
			switch {
			case en.Protocol.HasPorts() && rng.IntN(4) > 0:
				r := portRange()
				en.PortRange = &r
			case en.Protocol == model.ProtocolICMP && rng.IntN(2) == 0:
				en.ICMP = &model.ICMPTypeCode{Type: int16(rng.IntN(2) * 8), Code: 0}
			}
			acl.Entries = append(acl.Entries, en)
		}
		for _, egress := range []bool{false, true} {
			acl.Entries = append(acl.Entries, model.ACLEntry{RuleNumber: model.DefaultRuleNumber, Egress: egress, Protocol: model.ProtocolAll, Action: model.Deny, CIDR: netip.MustParsePrefix("0.0.0.0/0")})
		}
		c := compileACL(acl)
		pool := addrs4
		if rng.IntN(4) == 0 {
			pool = addrs6
		}
		src, dst := netip.MustParseAddr(pool[rng.IntN(len(pool))]), netip.MustParseAddr(pool[rng.IntN(len(pool))])
		proto := protos[rng.IntN(len(protos))]
		var sp, dp portSet
		if proto.HasPorts() {
			sp, dp = portsOf(portRange()), portsOf(portRange())
			if rng.IntN(3) == 0 {
				dp = append(dp, model.PortRange{From: 100, To: 120})
			}
		}
		icmp := model.ICMPTypeCode{Type: int16(rng.IntN(2) * 8)}
		pkt := pointPacket(proto, src, dst, sp, dp, icmp)
		for _, egress := range []bool{false, true} {
			want := c.evaluateSpans(egress, pkt, false)
			got, ok := c.decideWhole(egress, pkt)
			if !ok {
				fellBack++
				continue
			}
			decided++
			for _, side := range []struct {
				name      string
				got, want aclPart
			}{{"allowed", got.allowed, want.allowed}, {"denied", got.denied, want.denied}} {
				if side.got.entry != side.want.entry || side.got.allow != side.want.allow ||
					side.got.pkt.String() != side.want.pkt.String() || side.got.pkt.empty() != side.want.pkt.empty() ||
					len(side.got.pkt.spans) != len(side.want.pkt.spans) || side.got.pkt.forwarded != side.want.pkt.forwarded {
					t.Fatalf("ACL %+v egress %v packet %s: %s part %+v (%s), want %+v (%s)", acl.Entries, egress, pkt,
						side.name, side.got.entry, side.got.pkt, side.want.entry, side.want.pkt)
				}
			}
			if e := c.evaluate(egress, pkt); e.allowed.entry != want.allowed.entry || e.denied.entry != want.denied.entry ||
				e.allowed.pkt.String() != want.allowed.pkt.String() || e.denied.pkt.String() != want.denied.pkt.String() {
				t.Fatalf("evaluate disagrees with evaluateSpans on %s", pkt)
			}
		}
	}
	if decided == 0 || fellBack == 0 {
		t.Fatalf("the random cases exercise one side only: %d decided whole, %d split", decided, fellBack)
	}
}
