package reach_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

func aclEntry(n int32, egress bool, proto model.Protocol, action model.RuleAction, cidr, ports string, icmp *model.ICMPTypeCode) model.ACLEntry {
	en := model.ACLEntry{RuleNumber: n, Egress: egress, Protocol: proto, Action: action, CIDR: netip.MustParsePrefix(cidr), ICMP: icmp}
	if ports != "" {
		r, err := model.ParsePortRange(ports)
		if err != nil {
			panic(err)
		}
		en.PortRange = &r
	}
	return en
}

func icmpSel(t, c int16) *model.ICMPTypeCode { return &model.ICMPTypeCode{Type: t, Code: c} }

// TestShadowedACLEntries: network ACL entries are evaluated lowest rule
// number first and the first match decides (AWS VPC user guide, "Network
// ACL rules": "As soon as a rule matches traffic, it's applied even if
// any higher-numbered rule contradicts it"), so an entry every one of
// whose packets an earlier entry matches never applies. Only wholly
// shadowed entries are reported, with every earlier entry that decides
// part of them.
func TestShadowedACLEntries(t *testing.T) {
	const (
		tcp  = model.ProtocolTCP
		udp  = model.ProtocolUDP
		icmp = model.ProtocolICMP
		all  = model.ProtocolAll
	)
	allow, deny := model.Allow, model.Deny
	tests := []struct {
		name     string
		entries  []model.ACLEntry
		want     map[int32][]int32 // shadowed rule number -> covering rule numbers
		conflict map[int32]bool
	}{
		{"a deny of a port range shadows a later allow of a port inside it",
			[]model.ACLEntry{aclEntry(90, false, tcp, deny, "0.0.0.0/0", "8000-8999", nil), aclEntry(100, false, tcp, allow, "10.30.0.0/16", "8080", nil)},
			map[int32][]int32{100: {90}}, map[int32]bool{100: true}},
		{"an allow for a wider CIDR makes a later allow for a narrower one redundant",
			[]model.ACLEntry{aclEntry(100, false, tcp, allow, "0.0.0.0/0", "443", nil), aclEntry(110, false, tcp, allow, "10.0.0.0/8", "443", nil)},
			map[int32][]int32{110: {100}}, map[int32]bool{110: false}},
		{"an entry only partly covered still matches: not reported",
			[]model.ACLEntry{aclEntry(100, false, tcp, allow, "10.0.0.0/8", "443", nil), aclEntry(110, false, tcp, deny, "0.0.0.0/0", "0-1000", nil)},
			nil, nil},
		{"two earlier entries together cover a later one: both named",
			[]model.ACLEntry{aclEntry(100, false, tcp, allow, "10.0.0.0/8", "0-500", nil), aclEntry(110, false, tcp, allow, "10.0.0.0/8", "400-1000", nil),
				aclEntry(120, false, tcp, deny, "10.1.0.0/16", "100-900", nil)},
			map[int32][]int32{120: {100, 110}}, map[int32]bool{120: true}},
		{"all traffic is not shadowed by tcp, udp and icmp entries: other protocols still match it",
			[]model.ACLEntry{aclEntry(100, false, tcp, deny, "0.0.0.0/0", "", nil), aclEntry(110, false, udp, deny, "0.0.0.0/0", "", nil),
				aclEntry(120, false, icmp, deny, "0.0.0.0/0", "", nil), aclEntry(130, false, all, allow, "0.0.0.0/0", "", nil)},
			nil, nil},
		{"an all-traffic allow shadows every later entry of its family",
			[]model.ACLEntry{aclEntry(100, false, all, allow, "0.0.0.0/0", "", nil), aclEntry(200, false, all, deny, "10.0.0.0/8", "", nil),
				aclEntry(210, false, tcp, deny, "192.168.0.0/16", "22", nil)},
			map[int32][]int32{200: {100}, 210: {100}}, map[int32]bool{200: true, 210: true}},
		{"an IPv6 entry is not shadowed by an IPv4 allow-all",
			[]model.ACLEntry{aclEntry(100, false, all, allow, "0.0.0.0/0", "", nil), aclEntry(101, false, all, allow, "::/0", "", nil)},
			nil, nil},
		{"icmp type 8 code 0 is shadowed by icmp type 8 (any code); type 3 is not",
			[]model.ACLEntry{aclEntry(100, false, icmp, allow, "0.0.0.0/0", "", icmpSel(8, -1)), aclEntry(110, false, icmp, deny, "0.0.0.0/0", "", icmpSel(8, 0)),
				aclEntry(120, false, icmp, deny, "0.0.0.0/0", "", icmpSel(3, -1))},
			map[int32][]int32{110: {100}}, map[int32]bool{110: true}},
		{"inbound and outbound entries do not shadow each other",
			[]model.ACLEntry{aclEntry(100, true, all, allow, "0.0.0.0/0", "", nil), aclEntry(110, false, tcp, deny, "0.0.0.0/0", "22", nil)},
			nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acl := &model.NetworkACL{Meta: model.Meta{ID: "acl-0123456789abcdef0"}, VPCID: "vpc-1", Entries: tt.entries}
			e := reach.New(&model.Snapshot{NetworkACLs: []*model.NetworkACL{acl}})
			got := map[int32][]int32{}
			for _, u := range e.ShadowedACLEntries(acl) {
				var by []int32
				for _, b := range u.By {
					by = append(by, b.RuleNumber)
					if acl.Entries[b.Index].RuleNumber != b.RuleNumber {
						t.Errorf("covering ref %+v points at entry %d", b, acl.Entries[b.Index].RuleNumber)
					}
				}
				got[u.Rule.RuleNumber] = by
				if u.Conflict != tt.conflict[u.Rule.RuleNumber] {
					t.Errorf("rule %d: conflict %v, want %v", u.Rule.RuleNumber, u.Conflict, tt.conflict[u.Rule.RuleNumber])
				}
				if len(u.ByText) != len(u.By) || u.Text == "" {
					t.Errorf("rule %d: text %q by %q", u.Rule.RuleNumber, u.Text, u.ByText)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("shadowed %v, want %v", got, tt.want)
			}
			for n, by := range tt.want {
				if !slices.Equal(got[n], by) {
					t.Errorf("rule %d covered by %v, want %v", n, got[n], by)
				}
			}
		})
	}
}

func sgRule(proto model.Protocol, from, to int32, cidr string) model.SGRule {
	return model.SGRule{Protocol: proto, FromPort: from, ToPort: to, CIDR: netip.MustParsePrefix(cidr)}
}

// TestRedundantSGRules: security group rules are a union — "if there is
// more than one rule for a specific port, Amazon EC2 applies the most
// permissive rule" (AWS VPC user guide, "Security group rules") — so a
// rule whose packets the group's other rules admit anyway adds nothing.
func TestRedundantSGRules(t *testing.T) {
	const tcp, udp, all = model.ProtocolTCP, model.ProtocolUDP, model.ProtocolAll
	tests := []struct {
		name  string
		rules []model.SGRule
		want  map[int][]int // redundant rule index -> covering rule indexes
	}{
		{"a rule inside a wider rule on the same port is covered",
			[]model.SGRule{sgRule(tcp, 443, 443, "10.0.0.0/16"), sgRule(tcp, 443, 443, "0.0.0.0/0")}, map[int][]int{0: {1}}},
		{"two rules together cover a third",
			[]model.SGRule{sgRule(tcp, 0, 500, "10.0.0.0/8"), sgRule(tcp, 400, 1000, "10.0.0.0/8"), sgRule(tcp, 443, 600, "10.1.0.0/16")},
			map[int][]int{2: {0, 1}}},
		{"rules for different peers add each their own",
			[]model.SGRule{sgRule(tcp, 443, 443, "10.0.0.0/8"), sgRule(tcp, 443, 443, "192.168.0.0/16")}, nil},
		{"all traffic is not covered by tcp and udp rules",
			[]model.SGRule{sgRule(tcp, 0, 65535, "10.0.0.0/8"), sgRule(udp, 0, 65535, "10.0.0.0/8"), sgRule(all, -1, -1, "10.0.0.0/8")},
			map[int][]int{0: {2}, 1: {2}}},
		{"of two identical rules only the later one is reported",
			[]model.SGRule{sgRule(tcp, 22, 22, "203.0.113.0/24"), sgRule(tcp, 22, 22, "203.0.113.0/24")}, map[int][]int{1: {0}}},
		{"a rule naming a group is neither reported nor covering",
			[]model.SGRule{{Protocol: tcp, FromPort: 443, ToPort: 443, Group: &model.GroupRef{GroupID: "sg-0aaaaaaaaaaaaaaaa"}},
				sgRule(tcp, 443, 443, "0.0.0.0/0"), sgRule(tcp, 443, 443, "10.0.0.0/8")}, map[int][]int{2: {1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sg := &model.SecurityGroup{Meta: model.Meta{ID: "sg-0123456789abcdef0"}, VPCID: "vpc-1", GroupName: "g", Ingress: tt.rules}
			e := reach.New(&model.Snapshot{SecurityGroups: []*model.SecurityGroup{sg}})
			got := map[int][]int{}
			for _, u := range e.RedundantSGRules(sg) {
				var by []int
				for _, b := range u.By {
					by = append(by, b.Index)
				}
				got[u.Rule.Index] = by
			}
			if len(got) != len(tt.want) {
				t.Fatalf("redundant %v, want %v", got, tt.want)
			}
			for i, by := range tt.want {
				if !slices.Equal(got[i], by) {
					t.Errorf("rule %d covered by %v, want %v", i, got[i], by)
				}
			}
		})
	}
}

// TestShadowedEntryInBrokenFixture: the broken fixture's planted mistake,
// a deny at rule 90 before the allow it was meant to precede.
func TestShadowedEntryInBrokenFixture(t *testing.T) {
	s, err := fixtures.Load("broken")
	if err != nil {
		t.Fatal(err)
	}
	e := reach.New(s)
	acl := e.Index().ByName("reports-nacl-deny-shadows-allow")
	if len(acl) != 1 {
		t.Fatalf("fixture ACL: %v", acl)
	}
	got := e.ShadowedACLEntries(acl[0].(*model.NetworkACL))
	if len(got) != 1 || got[0].Rule.RuleNumber != 100 || len(got[0].By) != 1 || got[0].By[0].RuleNumber != 90 || !got[0].Conflict {
		t.Fatalf("shadowed %+v, want rule 100 by rule 90 (conflict)", got)
	}
}

// TestRedundantRulesWhileRelating: the audit's redundant-rule check copies
// the engine for its probes while a whole-network question may be building
// the engine's path views on another goroutine (the explorer's audit and
// connectivity views, a diff's audit beside its relation); under the race
// detector the two must not touch the same memory.
func TestRedundantRulesWhileRelating(t *testing.T) {
	s, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	e := reach.New(s)
	done := make(chan error, 1)
	go func() {
		_, err := e.Relate(reach.RelationOptions{From: reach.Group{Interfaces: e.Ends()}, To: reach.Group{Interfaces: e.Ends()}})
		done <- err
	}()
	probed := 0 // groups with two address rules in one direction: the check copies the engine for them
	for _, sg := range s.SecurityGroups {
		for _, egress := range []bool{false, true} {
			n := 0
			for _, r := range sg.Rules(egress) {
				if r.Group == nil {
					n++
				}
			}
			if n >= 2 {
				probed++
			}
		}
		e.RedundantSGRules(sg)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if probed == 0 {
		t.Fatal("no group of the demo has two address rules in one direction: the test no longer copies the engine")
	}
}
