package model_test

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
)

// naiveIndex is the index built the plain way, one append per value into
// maps of lists: the reference NewIndex's shared arrays, counted lists and
// lazily built names must answer exactly as.
type naiveIndex struct {
	byID, byName                           map[string][]model.Resource
	byIP                                   map[netip.Addr][]*model.NetworkInterface
	groupMembers, instanceENIs, subnetENIs map[string][]*model.NetworkInterface
	problems                               []string
}

func newNaiveIndex(s *model.Snapshot) *naiveIndex {
	ix := &naiveIndex{byID: map[string][]model.Resource{}, byName: map[string][]model.Resource{},
		byIP: map[netip.Addr][]*model.NetworkInterface{}, groupMembers: map[string][]*model.NetworkInterface{},
		instanceENIs: map[string][]*model.NetworkInterface{}, subnetENIs: map[string][]*model.NetworkInterface{}}
	for r := range s.All() {
		m := r.Base()
		if prev := ix.byID[m.ID]; len(prev) > 0 && prev[0].Kind() != model.KindTGWAttachment {
			ix.problems = append(ix.problems, fmt.Sprintf("duplicate %s ID %s (%s and %s)", r.Kind(), m.ID,
				prev[0].Base().Region, m.Region))
		}
		ix.byID[m.ID] = append(ix.byID[m.ID], r)
		if n := m.Name(); n != "" {
			ix.byName[strings.ToLower(n)] = append(ix.byName[strings.ToLower(n)], r)
		}
	}
	for _, n := range s.NetworkInterfaces {
		for _, ip := range n.PrivateIPs {
			ix.byIP[ip.Address] = append(ix.byIP[ip.Address], n)
			if ip.PublicIP.IsValid() {
				ix.byIP[ip.PublicIP] = append(ix.byIP[ip.PublicIP], n)
			}
		}
		for _, ip := range n.IPv6Addresses {
			ix.byIP[ip] = append(ix.byIP[ip], n)
		}
		for _, g := range n.SecurityGroupIDs {
			ix.groupMembers[g] = append(ix.groupMembers[g], n)
		}
		if id := n.InstanceID(); id != "" {
			ix.instanceENIs[id] = append(ix.instanceENIs[id], n)
		}
		ix.subnetENIs[n.SubnetID] = append(ix.subnetENIs[n.SubnetID], n)
	}
	for _, enis := range ix.instanceENIs {
		slices.SortStableFunc(enis, func(a, b *model.NetworkInterface) int {
			return cmp.Compare(naiveDeviceIndex(a), naiveDeviceIndex(b))
		})
	}
	return ix
}

func naiveDeviceIndex(n *model.NetworkInterface) int32 {
	if n.Attachment == nil {
		return 1 << 30
	}
	return n.Attachment.DeviceIndex
}

// indexEdgeCases holds what the index's shared arrays must keep apart: a
// duplicated ID, an address on two interfaces and a public address, an
// instance whose interfaces are listed out of device order, an interface
// listing a group twice, names differing only in case, an interface
// without a subnet.
func indexEdgeCases() *model.Snapshot {
	a := func(s string) netip.Addr { return netip.MustParseAddr(s) }
	eni := func(id, subnet, inst string, dev int32, groups []string, ips ...model.PrivateIP) *model.NetworkInterface {
		n := &model.NetworkInterface{Meta: model.Meta{ID: id, Tags: model.Tags{"Name": strings.ToUpper(id)}}, VPCID: "vpc-1",
			SubnetID: subnet, SecurityGroupIDs: groups, PrivateIPs: ips}
		if inst != "" {
			n.Attachment = &model.ENIAttachment{InstanceID: inst, DeviceIndex: dev}
		}
		return n
	}
	return &model.Snapshot{
		VPCs: []*model.VPC{{Meta: model.Meta{ID: "vpc-1", Region: "us-east-1", Tags: model.Tags{"Name": "Prod"}}},
			{Meta: model.Meta{ID: "vpc-1", Region: "eu-west-1", Tags: model.Tags{"Name": "prod"}}}},
		Subnets:        []*model.Subnet{{Meta: model.Meta{ID: "subnet-1"}, VPCID: "vpc-1"}},
		SecurityGroups: []*model.SecurityGroup{{Meta: model.Meta{ID: "sg-1"}}, {Meta: model.Meta{ID: "sg-2"}}},
		NetworkInterfaces: []*model.NetworkInterface{
			eni("eni-3", "subnet-1", "i-1", 2, []string{"sg-1", "sg-1"}, model.PrivateIP{Address: a("10.0.0.3")}),
			eni("eni-1", "subnet-1", "i-1", 0, []string{"sg-2", "sg-1"}, model.PrivateIP{Address: a("10.0.0.1"), PublicIP: a("54.0.0.1")}),
			eni("eni-2", "subnet-2", "i-1", 1, nil, model.PrivateIP{Address: a("10.0.0.1")}),
			eni("eni-4", "", "", 0, []string{"sg-3"}, model.PrivateIP{Address: a("10.0.0.4")}, model.PrivateIP{Address: a("10.0.0.5")}),
			eni("eni-5", "subnet-1", "i-2", 0, []string{"sg-2"}),
		},
		Instances: []*model.Instance{{Meta: model.Meta{ID: "i-1"}}, {Meta: model.Meta{ID: "i-2"}}},
	}
}

// TestIndexAnswersAsTheNaiveIndex: every lookup by ID, Name tag (any
// case), address, group, instance and subnet answers what the plain
// index answers, in the same order, with the same problems, on every
// fixture, generated accounts and organizations, and the edge cases.
func TestIndexAnswersAsTheNaiveIndex(t *testing.T) {
	snaps := map[string]*model.Snapshot{
		"edge cases":        indexEdgeCases(),
		"generated account": fixtures.Large(fixtures.LargeConfig{Seed: 3, VPCs: 4, Subnets: 24, Interfaces: 400, SecurityGroups: 60, Rules: 600, Peerings: 3}),
		"generated org":     fixtures.Org(fixtures.ScaledOrg(3000)),
	}
	if err := fixtures.AddAll(snaps); err != nil {
		t.Fatal(err)
	}
	for name, s := range snaps {
		t.Run(name, func(t *testing.T) {
			ix, want := model.NewIndex(s), newNaiveIndex(s)
			if !slices.Equal(ix.Problems, want.problems) {
				t.Errorf("problems %q, want %q", ix.Problems, want.problems)
			}
			for id, rs := range want.byID {
				if got := ix.ResourcesByID(id); !slices.Equal(got, rs) {
					t.Errorf("ResourcesByID(%q) = %v, want %v", id, got, rs)
				}
			}
			for n, rs := range want.byName {
				for _, q := range []string{n, strings.ToUpper(n)} {
					if got := ix.ByName(q); !slices.Equal(got, rs) {
						t.Errorf("ByName(%q) = %v, want %v", q, got, rs)
					}
				}
			}
			for addr, ns := range want.byIP {
				if got := ix.InterfacesByIP(addr); !slices.Equal(got, ns) {
					t.Errorf("InterfacesByIP(%v) = %v, want %v", addr, got, ns)
				}
			}
			for _, c := range []struct {
				what string
				want map[string][]*model.NetworkInterface
				got  func(string) []*model.NetworkInterface
			}{
				{"GroupMembers", want.groupMembers, ix.GroupMembers},
				{"InstanceInterfaces", want.instanceENIs, ix.InstanceInterfaces},
				{"SubnetInterfaces", want.subnetENIs, ix.SubnetInterfaces},
			} {
				for k, ns := range c.want {
					if got := c.got(k); !slices.Equal(got, ns) {
						t.Errorf("%s(%q) = %v, want %v", c.what, k, got, ns)
					}
				}
				if got := c.got("missing-id"); got != nil {
					t.Errorf("%s(missing) = %v, want nil", c.what, got)
				}
			}
			if ix.ResourcesByID("missing-id") != nil || ix.ByName("missing-name") != nil ||
				ix.InterfacesByIP(netip.MustParseAddr("203.0.113.250")) != nil {
				t.Error("a missing key answers something")
			}
		})
	}
}
