package model

import (
	"net/netip"
	"testing"
)

func TestCombine(t *testing.T) {
	pfx := netip.MustParsePrefix
	tests := []struct {
		name         string
		held, other  Resource
		wantConflict string // the whole message, "" when they combine
		check        func(t *testing.T, held Resource)
	}{
		{
			name:  "identical records combine",
			held:  &Subnet{Meta: Meta{ID: "subnet-1"}, CIDR: pfx("10.0.1.0/24")},
			other: &Subnet{Meta: Meta{ID: "subnet-1"}, CIDR: pfx("10.0.1.0/24")},
		},
		{
			name:  "each account's tags are kept, the first record's value on a clash",
			held:  &Subnet{Meta: Meta{ID: "subnet-1", Tags: Tags{"Name": "a", "env": "prod"}}},
			other: &Subnet{Meta: Meta{ID: "subnet-1", Tags: Tags{"Name": "b", "team": "x"}}},
			check: func(t *testing.T, h Resource) {
				if got := h.Base().Tags; len(got) != 3 || got["Name"] != "a" || got["team"] != "x" {
					t.Errorf("tags %v", got)
				}
			},
		},
		{
			name:         "a different CIDR is a conflict naming the field",
			held:         &Subnet{Meta: Meta{ID: "subnet-1"}, CIDR: pfx("10.0.1.0/24")},
			other:        &Subnet{Meta: Meta{ID: "subnet-1"}, CIDR: pfx("10.0.2.0/24")},
			wantConflict: "subnet subnet-1: cidr is 10.0.1.0/24 in one and 10.0.2.0/24 in the other",
		},
		{
			name: "a nested difference names its path",
			held: &SecurityGroup{Meta: Meta{ID: "sg-1"}, Ingress: []SGRule{{Protocol: ProtocolTCP, FromPort: 22, ToPort: 22}}},
			other: &SecurityGroup{Meta: Meta{ID: "sg-1"}, Ingress: []SGRule{{Protocol: ProtocolTCP, FromPort: 22, ToPort: 22,
				Group: &GroupRef{GroupID: "sg-2"}}}},
			wantConflict: `security-group sg-1: ingress[0].group.groupId is "" in one and sg-2 in the other`,
		},
		{
			name:         "another number of routes",
			held:         &RouteTable{Meta: Meta{ID: "rtb-1"}, Routes: []Route{{GatewayID: "local"}}},
			other:        &RouteTable{Meta: Meta{ID: "rtb-1"}, Routes: []Route{{GatewayID: "local"}, {GatewayID: "igw-1"}}},
			wantConflict: "route-table rtb-1: routes is 1 entries in one and 2 entries in the other",
		},
		{
			name:         "the same ID in two regions is a conflict",
			held:         &VPC{Meta: Meta{ID: "vpc-1", Region: "us-east-1"}},
			other:        &VPC{Meta: Meta{ID: "vpc-1", Region: "eu-west-1"}},
			wantConflict: "vpc vpc-1: region is us-east-1 in one and eu-west-1 in the other",
		},
		{
			name:  "a NAT gateway described from two accounts: AWS names no owner, the account is the describer's",
			held:  &NATGateway{Meta: Meta{ID: "nat-1", Account: "111111111111"}, SubnetID: "subnet-1"},
			other: &NATGateway{Meta: Meta{ID: "nat-1", Account: "222222222222"}, SubnetID: "subnet-1"},
			check: func(t *testing.T, h Resource) {
				if h.Base().Account != "111111111111" {
					t.Errorf("account %s", h.Base().Account)
				}
			},
		},
		{
			name:         "a subnet described from two accounts with their own owner is a conflict",
			held:         &Subnet{Meta: Meta{ID: "subnet-1", Account: "111111111111"}},
			other:        &Subnet{Meta: Meta{ID: "subnet-1", Account: "222222222222"}},
			wantConflict: "subnet subnet-1: account is 111111111111 in one and 222222222222 in the other",
		},
		{
			name: "a peering connection seen from the accepter first takes the requester's account and region",
			held: &VPCPeering{Meta: Meta{ID: "pcx-1", Account: "222222222222", Region: "us-west-2"}, Status: "active",
				Requester: PeeringSide{VPCID: "vpc-1", OwnerID: "111111111111", Region: "us-east-1"},
				Accepter:  PeeringSide{VPCID: "vpc-2", OwnerID: "222222222222", Region: "us-west-2", CIDRs: []netip.Prefix{pfx("10.2.0.0/16")}}},
			other: &VPCPeering{Meta: Meta{ID: "pcx-1", Account: "111111111111", Region: "us-east-1"}, Status: "active",
				Requester: PeeringSide{VPCID: "vpc-1", OwnerID: "111111111111", Region: "us-east-1", CIDRs: []netip.Prefix{pfx("10.1.0.0/16")}},
				Accepter:  PeeringSide{VPCID: "vpc-2"}},
			check: func(t *testing.T, h Resource) {
				p := h.(*VPCPeering)
				if p.Account != "111111111111" || p.Region != "us-east-1" || len(p.Requester.CIDRs) != 1 || len(p.Accepter.CIDRs) != 1 || p.Accepter.OwnerID == "" {
					t.Errorf("combined %+v", p)
				}
			},
		},
		{
			name:         "a peering connection's views with another status conflict",
			held:         &VPCPeering{Meta: Meta{ID: "pcx-1"}, Status: "active"},
			other:        &VPCPeering{Meta: Meta{ID: "pcx-1"}, Status: "pending-acceptance"},
			wantConflict: "vpc-peering pcx-1: status is active in one and pending-acceptance in the other",
		},
		{
			name:  "an AWS-managed prefix list from two accounts unites its entries",
			held:  &PrefixList{Meta: Meta{ID: "pl-1", Region: "us-east-1"}, AWSManaged: true, Entries: []PrefixListEntry{{CIDR: pfx("1.0.0.0/8")}}},
			other: &PrefixList{Meta: Meta{ID: "pl-1", Region: "us-east-1"}, AWSManaged: true, Entries: []PrefixListEntry{{CIDR: pfx("2.0.0.0/8")}}},
			check: func(t *testing.T, h Resource) {
				if n := len(h.(*PrefixList).Entries); n != 2 {
					t.Errorf("%d entries", n)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Combine(tt.held, tt.other)
			switch {
			case tt.wantConflict == "" && err != nil:
				t.Fatalf("Combine: %v", err)
			case tt.wantConflict != "" && (err == nil || err.Error() != tt.wantConflict):
				t.Fatalf("Combine = %v\nwant %s", err, tt.wantConflict)
			}
			if tt.check != nil {
				tt.check(t, tt.held)
			}
		})
	}
}

func TestIdentity(t *testing.T) {
	a := &TGWAttachment{Meta: Meta{ID: "tgw-attach-1"}, TransitGatewayID: "tgw-1"}
	b := &TGWAttachment{Meta: Meta{ID: "tgw-attach-1"}, TransitGatewayID: "tgw-2"}
	if Identity(a) == Identity(b) {
		t.Error("the two ends of a peering attachment have one identity")
	}
	if Identity(&VPC{Meta: Meta{ID: "x"}}) == Identity(&Subnet{Meta: Meta{ID: "x"}}) {
		t.Error("a VPC and a subnet with one ID have one identity")
	}
}
