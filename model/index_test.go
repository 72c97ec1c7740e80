package model_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
)

func demoIndex(t *testing.T) *model.Index {
	t.Helper()
	s, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	ix := model.NewIndex(s)
	if len(ix.Problems) > 0 {
		t.Fatalf("demo indexes with problems: %v", ix.Problems)
	}
	return ix
}

func TestFindResolvesIDsNamesAndAddresses(t *testing.T) {
	ix := demoIndex(t)
	tests := []struct {
		name, query, wantID string
		wantKind            model.Kind
	}{
		{"an ID finds its resource", "sg-0a881a8838796aca3", "sg-0a881a8838796aca3", model.KindSecurityGroup},
		{"a Name tag finds its resource", "storefront-db-sg", "sg-0a881a8838796aca3", model.KindSecurityGroup},
		{"Name tags match without case", "DB-1A", "i-03618f9337164a7b8", model.KindInstance},
		{"a private IPv4 finds the interface that owns it", "10.0.20.30", "eni-00e52780529f06105", model.KindNetworkInterface},
		{"a public IPv4 finds the interface it maps to", "3.83.201.14", "eni-0364e794b59237163", model.KindNetworkInterface},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ix.Find(tt.query)
			if len(got) != 1 {
				t.Fatalf("Find(%q) = %d resources", tt.query, len(got))
			}
			if got[0].Base().ID != tt.wantID || got[0].Kind() != tt.wantKind {
				t.Fatalf("Find(%q) = %s %s, want %s %s", tt.query, got[0].Kind(), got[0].Base().ID, tt.wantKind, tt.wantID)
			}
		})
	}
	if got := ix.Find("no-such-thing"); got != nil {
		t.Errorf("Find of an unknown name = %v", got)
	}
	if s := ix.Suggest("storefront-db", 3); !slices.Contains(s, "storefront-db-sg") {
		t.Errorf("Suggest(storefront-db) = %v, want storefront-db-sg among them", s)
	}
}

func TestSubnetTablesFollowAWSAssociationRules(t *testing.T) {
	ix := demoIndex(t)
	tests := []struct {
		name, subnet, wantTable string
		wantExplicit            bool
	}{
		{"an explicit association decides", "subnet-063971d5ea449ea1a", "rtb-07aaa8b7560850b26", true},
		{"a subnet without one uses the VPC's main table", "subnet-03c62b015a58fa745", "rtb-0d1fb8a067ee22ee5", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sn := ix.Subnet(tt.subnet)
			if sn == nil {
				t.Fatalf("subnet %s not in the demo", tt.subnet)
			}
			rt, explicit := ix.SubnetRouteTable(tt.subnet)
			if rt == nil || explicit != tt.wantExplicit {
				t.Fatalf("SubnetRouteTable(%s) = %v, explicit %v", tt.subnet, rt, explicit)
			}
			if tt.wantTable != "" && rt.ID != tt.wantTable {
				t.Fatalf("table %s, want %s", rt.ID, tt.wantTable)
			}
			if !explicit && rt != ix.MainRouteTable(sn.VPCID) {
				t.Fatalf("implicit table is not the main table")
			}
		})
	}
}

func TestGraphRelations(t *testing.T) {
	ix := demoIndex(t)
	g := model.NewGraph(ix)
	has := func(links []model.Link, rel model.Relation, from, to string) bool {
		for _, l := range links {
			if l.Relation == rel && l.From == from && l.To == to {
				return true
			}
		}
		return false
	}
	tests := []struct {
		name     string
		rel      model.Relation
		from, to string
	}{
		{"a VPC contains its subnets", model.RelContains, "vpc-0ed7c08ef5c77deaa", ""},
		{"a security group is associated with the interfaces that use it", model.RelAssociatedWith, "sg-0a881a8838796aca3", "eni-00e52780529f06105"},
		{"a rule naming another group references it", model.RelReferences, "sg-0a881a8838796aca3", "sg-01dfe7c8f9c2739ef"},
		{"an interface is attached to its instance", model.RelAttachedTo, "eni-00e52780529f06105", "i-03618f9337164a7b8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.to == "" {
				for _, l := range g.Out(tt.from) {
					if l.Relation == tt.rel {
						return
					}
				}
				t.Fatalf("%s has no %s link", tt.from, tt.rel)
			}
			if !has(g.Out(tt.from), tt.rel, tt.from, tt.to) || !has(g.In(tt.to), tt.rel, tt.from, tt.to) {
				t.Fatalf("no %s link %s -> %s", tt.rel, tt.from, tt.to)
			}
		})
	}
	// A route table routes to its gateway, with the destination as detail.
	found := false
	for _, rt := range ix.Snapshot().RouteTables {
		for _, l := range g.Out(rt.ID) {
			if l.Relation == model.RelRoutesTo && strings.HasPrefix(l.To, "igw-") && strings.Contains(l.Detail, "0.0.0.0/0") {
				found = true
			}
		}
	}
	if !found {
		t.Error("no route table routes-to an internet gateway for 0.0.0.0/0")
	}
	// A reference to a group the snapshot lacks becomes a vertex marked missing.
	if !g.Missing("sg-0b0b1427dbbf88938") {
		t.Error("stale group reference in the broken fixture is not marked missing")
	}
	if g.Order() < len(ix.Snapshot().VPCs) || g.Size() == 0 {
		t.Errorf("graph has %d vertices, %d edges", g.Order(), g.Size())
	}
}

func TestInterfacesByIPKeepsOverlappingVPCsApart(t *testing.T) {
	s := &model.Snapshot{NetworkInterfaces: []*model.NetworkInterface{
		{Meta: model.Meta{ID: "eni-a"}, VPCID: "vpc-a", PrivateIPs: []model.PrivateIP{{Address: netip.MustParseAddr("10.0.0.5"), Primary: true}}},
		{Meta: model.Meta{ID: "eni-b"}, VPCID: "vpc-b", PrivateIPs: []model.PrivateIP{{Address: netip.MustParseAddr("10.0.0.5"), Primary: true}}},
	}}
	if got := model.NewIndex(s).InterfacesByIP(netip.MustParseAddr("10.0.0.5")); len(got) != 2 {
		t.Fatalf("an address used in two VPCs gave %d interfaces, want 2", len(got))
	}
}

func TestParseProtocolAndPorts(t *testing.T) {
	protos := []struct {
		in   string
		want model.Protocol
	}{{"-1", model.ProtocolAll}, {"all", model.ProtocolAll}, {"tcp", model.ProtocolTCP}, {"6", model.ProtocolTCP},
		{"UDP", model.ProtocolUDP}, {"icmp", model.ProtocolICMP}, {"58", model.ProtocolICMPv6}, {"47", model.Protocol(47)}}
	for _, p := range protos {
		got, err := model.ParseProtocol(p.in)
		if err != nil || got != p.want {
			t.Errorf("ParseProtocol(%q) = %v, %v; want %v", p.in, got, err, p.want)
		}
	}
	for _, bad := range []string{"tcpp", "256", "-2", ""} {
		if _, err := model.ParseProtocol(bad); err == nil {
			t.Errorf("ParseProtocol(%q) succeeded", bad)
		}
	}
	r, err := model.ParsePortRange("1024-65535")
	if err != nil || r != model.EphemeralPorts || !r.Contains(32768) || r.Contains(80) {
		t.Errorf("ParsePortRange = %v, %v", r, err)
	}
	for _, bad := range []string{"70000", "9-1", "x"} {
		if _, err := model.ParsePortRange(bad); err == nil {
			t.Errorf("ParsePortRange(%q) succeeded", bad)
		}
	}
}
