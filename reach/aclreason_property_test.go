package reach

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/model"
	"go4.org/netipx"
)

// aclReasonPlain is aclReason worded with fmt, as it was before it wrote
// into one buffer.
func aclReasonPlain(acl *model.NetworkACL, sn *model.Subnet, stage Stage, en *model.ACLEntry, pkt packet, dir Direction) string {
	peer, dirWord := pkt.src(), "from"
	if stage == StageOutbound {
		peer, dirWord = pkt.dst(), "to"
	}
	svc := serviceOfPlain(pkt)
	if dir == DirReturn && pkt.proto.HasPorts() {
		svc = fmt.Sprintf("the reply from %s/%s to the client's ports %s", pkt.proto, pkt.srcPorts(), pkt.dstPorts())
	}
	if en == nil || en.IsDefaultDeny() {
		return fmt.Sprintf("network ACL %s (%s, %s): no rule allows %s %s %s, so the final * rule denies it",
			acl.ID, sn.ID, stage, svc, dirWord, peer)
	}
	return fmt.Sprintf("network ACL %s (%s, %s) rule %s denies %s %s %s (%s)",
		acl.ID, sn.ID, stage, en.RuleLabel(), svc, dirWord, peer, en.CIDR)
}

// serviceOfPlain is serviceOf joining strings, as it was before
// appendService.
func serviceOfPlain(pkt packet) string {
	switch {
	case pkt.proto.HasPorts():
		return pkt.proto.String() + "/" + pkt.dstPorts().String()
	case pkt.proto.IsICMP():
		return pkt.proto.String() + " " + icmpName(pkt.icmp)
	case pkt.proto == model.ProtocolAll:
		return "all traffic"
	}
	return "protocol " + pkt.proto.String()
}

// TestNetworkACLDenyReasonWordedAsBefore checks that the reason a network
// ACL's deny gives (a numbered rule or the final * rule, inbound or
// outbound, request or reply, any protocol) reads as the fmt wording.
func TestNetworkACLDenyReasonWordedAsBefore(t *testing.T) {
	protos := []model.Protocol{model.ProtocolTCP, model.ProtocolUDP, model.ProtocolICMP, model.ProtocolICMPv6, model.ProtocolAll, 47}
	cidrs := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::/32"), netip.MustParsePrefix("0.0.0.0/0"), {}}
	acl, sn := &model.NetworkACL{}, &model.Subnet{}
	acl.ID, sn.ID = "acl-0123456789abcdef0", "subnet-0123456789abcdef0"
	for seed := range uint64(2000) {
		g := setGen{rand.New(rand.NewPCG(seed, 0x7ea5))}
		pkt := g.packet(protos[g.rng.IntN(len(protos))])
		if g.rng.IntN(4) == 0 {
			pkt.icmp = model.ICMPTypeCode{Type: int16(g.rng.IntN(20)), Code: int16(g.rng.IntN(3))}
		}
		var en *model.ACLEntry
		if g.rng.IntN(4) > 0 {
			en = &model.ACLEntry{RuleNumber: []int32{100, 32767, 32768, 1}[g.rng.IntN(4)], CIDR: cidrs[g.rng.IntN(len(cidrs))]}
		}
		for _, stage := range []Stage{StageInbound, StageOutbound} {
			for _, dir := range []Direction{DirForward, DirReturn} {
				got, want := aclReason(acl, sn, stage, en, pkt, dir), aclReasonPlain(acl, sn, stage, en, pkt, dir)
				if got != want {
					t.Fatalf("seed %d: %q, want %q", seed, got, want)
				}
			}
		}
		if got, want := serviceOf(pkt), serviceOfPlain(pkt); got != want {
			t.Fatalf("seed %d: service %q, want %q", seed, got, want)
		}
	}
}

// addrsStringPlain is addrs.String built with a strings.Builder, as it was
// before it appended into one buffer.
func addrsStringPlain(a addrs) string {
	if a.rs == nil {
		if !a.one.IsValid() {
			return "none"
		}
		return a.one.String()
	}
	var b strings.Builder
	var buf []netip.Prefix
	n := 0
	for _, r := range a.rs {
		buf = r.AppendPrefixes(buf[:0])
		for _, p := range buf {
			if n == 3 {
				b.WriteString(" …")
				return b.String()
			}
			if n > 0 {
				b.WriteByte(',')
			}
			b.WriteString(p.String())
			n++
		}
	}
	return b.String()
}

// TestAddressSetTextAsBefore checks the text of address sets (one
// address, prefixes, ranges that are not prefixes, IPv4 and IPv6, more
// than three prefixes) against the strings.Builder wording.
func TestAddressSetTextAsBefore(t *testing.T) {
	odd := fromRanges([]netipx.IPRange{
		netipx.MustParseIPRange("10.0.0.3-10.0.0.200"), netipx.MustParseIPRange("2001:db8::7-2001:db8::1:5")})
	for _, a := range []addrs{{}, addrOf(netip.MustParseAddr("10.1.2.3")), odd} {
		if got, want := a.String(), addrsStringPlain(a); got != want {
			t.Fatalf("%q, want %q", got, want)
		}
	}
	for seed := range uint64(2000) {
		g := setGen{rand.New(rand.NewPCG(seed, 0x5e7))}
		a := g.addrs(g.rng.IntN(3) == 0)
		if g.rng.IntN(2) == 0 {
			a = a.union(g.addrs(g.rng.IntN(3) == 0))
		}
		if got, want := a.String(), addrsStringPlain(a); got != want {
			t.Fatalf("seed %d: %q, want %q", seed, got, want)
		}
		if got, want := string(a.appendTo([]byte("x "))), "x "+addrsStringPlain(a); got != want {
			t.Fatalf("seed %d: appended %q, want %q", seed, got, want)
		}
	}
}
