package reach

import (
	"net/netip"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"go4.org/netipx"
)

// TestGroupMembersAreTheMembersPrivateAddresses: a security group
// reference admits the private IPv4 and IPv6 addresses of the interfaces
// the group is attached to, per VPC ("Security group referencing", VPC
// User Guide: "the rule applies to the primary private IP address of
// each network interface associated with the referenced security group",
// and the secondary ones). groupMembersOf collects them in lists; it must
// give the sets an IPSetBuilder fed address by address gives, on every
// fixture, on interfaces with secondary and IPv6 addresses.
func TestGroupMembersAreTheMembersPrivateAddresses(t *testing.T) {
	snaps := map[string]*model.Snapshot{"small generated account": fixtures.Large(fixtures.LargeConfig{Seed: 9, VPCs: 4, Subnets: 24, Interfaces: 300, SecurityGroups: 60, Rules: 600, Peerings: 3})}
	if err := fixtures.AddAll(snaps); err != nil {
		t.Fatal(err)
	}
	snaps["secondary and IPv6 addresses"] = &model.Snapshot{NetworkInterfaces: []*model.NetworkInterface{
		{Meta: model.Meta{ID: "eni-a"}, VPCID: "vpc-1", SecurityGroupIDs: []string{"sg-1", "sg-2"},
			PrivateIPs:    []model.PrivateIP{{Address: netip.MustParseAddr("10.0.0.5")}, {Address: netip.MustParseAddr("10.0.0.6")}},
			IPv6Addresses: []netip.Addr{netip.MustParseAddr("2600:1f18::5")}},
		{Meta: model.Meta{ID: "eni-b"}, VPCID: "vpc-2", SecurityGroupIDs: []string{"sg-1"},
			PrivateIPs: []model.PrivateIP{{Address: netip.MustParseAddr("10.0.0.5")}}},
		{Meta: model.Meta{ID: "eni-c"}, VPCID: "vpc-1", SecurityGroupIDs: []string{"sg-1"}},
	}}
	for name, s := range snaps {
		t.Run(name, func(t *testing.T) {
			want := map[string]map[string]*netipx.IPSetBuilder{}
			for _, n := range s.NetworkInterfaces {
				for _, g := range n.SecurityGroupIDs {
					if want[g] == nil {
						want[g] = map[string]*netipx.IPSetBuilder{}
					}
					b := want[g][n.VPCID]
					if b == nil {
						b = &netipx.IPSetBuilder{}
						want[g][n.VPCID] = b
					}
					for _, ip := range n.PrivateIPs {
						b.Add(ip.Address)
					}
					for _, ip := range n.IPv6Addresses {
						b.Add(ip)
					}
				}
			}
			got := groupMembersOf(s)
			if len(got) != len(want) {
				t.Fatalf("%d groups with members, want %d", len(got), len(want))
			}
			for g, byVPC := range want {
				if len(got[g]) != len(byVPC) {
					t.Errorf("%s: members in %d VPCs, want %d", g, len(got[g]), len(byVPC))
				}
				for vpc, b := range byVPC {
					set, _ := b.IPSet()
					if w := addrsOf(set); !got[g][vpc].equal(w) {
						t.Errorf("%s in %s: members %v, want %v", g, vpc, got[g][vpc].ipset().Prefixes(), set.Prefixes())
					}
				}
			}
		})
	}
}
