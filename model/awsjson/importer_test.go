package awsjson

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/vpcscope/vpcscope/model"
)

// placedDoc is a document with where it was collected.
type placedDoc struct{ account, region, name, body string }

func importPlaced(t *testing.T, docs ...placedDoc) (*model.Snapshot, *Report) {
	t.Helper()
	im := NewImporter()
	for _, d := range docs {
		if err := im.AddDocument(d.account, d.region, d.name, []byte(d.body)); err != nil {
			t.Fatal(err)
		}
	}
	return im.Snapshot()
}

const peeringBody = `{"VpcPeeringConnections": [{"VpcPeeringConnectionId": "pcx-1", "Status": {"Code": "active"},
	"RequesterVpcInfo": {"VpcId": "vpc-1", "OwnerId": "111111111111", "Region": "us-east-1", "CidrBlock": "10.1.0.0/16"},
	"AccepterVpcInfo": {"VpcId": "vpc-2", "OwnerId": "222222222222", "Region": "us-west-2", "CidrBlock": "10.2.0.0/16"}}]}`

const tgwPeeringBody = `{"TransitGatewayPeeringAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-p", "State": "available",
	"RequesterTgwInfo": {"TransitGatewayId": "tgw-1", "OwnerId": "111111111111", "Region": "us-east-1"},
	"AccepterTgwInfo": {"TransitGatewayId": "tgw-2", "OwnerId": "222222222222", "Region": "us-east-2"}}]}`

func TestDedupe(t *testing.T) {
	tests := []struct {
		name     string
		docs     []placedDoc
		check    func(t *testing.T, s *model.Snapshot)
		warnings []string // substrings, one per expected warning
		// conflicts are the expected conflict errors, whole.
		conflicts []string
	}{
		{
			name: "a VPC peering connection seen from both accounts is kept once, as the requester sees it",
			docs: []placedDoc{
				{"222222222222", "us-west-2", "accounts/222222222222/us-west-2/VpcPeeringConnections.json", peeringBody},
				{"111111111111", "us-east-1", "accounts/111111111111/us-east-1/VpcPeeringConnections.json", peeringBody},
			},
			check: func(t *testing.T, s *model.Snapshot) {
				p := one(t, s.VPCPeerings)
				equal(t, "meta", [2]string{p.Account, p.Region}, [2]string{"111111111111", "us-east-1"})
			},
		},
		{
			// Each account sees its own tags on a peering connection, and
			// describes its own side's CIDR blocks fully.
			name: "a VPC peering connection seen from both accounts carries both sides' information",
			docs: []placedDoc{
				{"222222222222", "us-west-2", "accounts/222222222222/us-west-2/VpcPeeringConnections.json",
					`{"VpcPeeringConnections": [{"VpcPeeringConnectionId": "pcx-1", "Status": {"Code": "active"}, "Tags": [{"Key": "Name", "Value": "from-b"}],
					"RequesterVpcInfo": {"VpcId": "vpc-1", "OwnerId": "111111111111", "Region": "us-east-1"},
					"AccepterVpcInfo": {"VpcId": "vpc-2", "OwnerId": "222222222222", "Region": "us-west-2", "CidrBlock": "10.2.0.0/16",
					  "CidrBlockSet": [{"CidrBlock": "10.2.0.0/16"}, {"CidrBlock": "10.3.0.0/16"}]}}]}`},
				{"111111111111", "us-east-1", "accounts/111111111111/us-east-1/VpcPeeringConnections.json",
					`{"VpcPeeringConnections": [{"VpcPeeringConnectionId": "pcx-1", "Status": {"Code": "active"}, "Tags": [{"Key": "Name", "Value": "to-b"}, {"Key": "env", "Value": "prod"}],
					"RequesterVpcInfo": {"VpcId": "vpc-1", "OwnerId": "111111111111", "Region": "us-east-1", "CidrBlock": "10.1.0.0/16"},
					"AccepterVpcInfo": {"VpcId": "vpc-2", "OwnerId": "222222222222", "Region": "us-west-2", "CidrBlock": "10.2.0.0/16"}}]}`},
			},
			check: func(t *testing.T, s *model.Snapshot) {
				p := one(t, s.VPCPeerings)
				equal(t, "meta", [2]string{p.Account, p.Region}, [2]string{"111111111111", "us-east-1"})
				equal(t, "requester CIDRs", p.Requester.CIDRs, []netip.Prefix{pfx("10.1.0.0/16")})
				equal(t, "accepter CIDRs", p.Accepter.CIDRs, []netip.Prefix{pfx("10.2.0.0/16"), pfx("10.3.0.0/16")})
				equal(t, "tags", p.Tags, model.Tags{"Name": "to-b", "env": "prod"})
			},
		},
		{
			name: "a VPC peering connection whose two views disagree on a side's VPC is a conflict",
			docs: []placedDoc{
				{"111111111111", "us-east-1", "a.json", peeringBody},
				{"222222222222", "us-west-2", "b.json", strings.Replace(peeringBody, `"vpc-2"`, `"vpc-9"`, 1)},
			},
			check:     func(t *testing.T, s *model.Snapshot) {},
			conflicts: []string{"a.json and b.json both describe vpc-peering pcx-1, differently: accepter.vpcId vpc-2 in the first, vpc-9 in the second; keep one"},
		},
		{
			name: "a transit gateway peering attachment has one ID and two gateways: both ends kept",
			docs: []placedDoc{
				{"111111111111", "us-east-1", "a.json", `{"TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-p",
					"TransitGatewayId": "tgw-1", "TransitGatewayOwnerId": "111111111111", "ResourceId": "tgw-2", "ResourceType": "peering"}]}`},
				{"222222222222", "us-east-2", "b.json", `{"TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-p",
					"TransitGatewayId": "tgw-2", "TransitGatewayOwnerId": "222222222222", "ResourceId": "tgw-1", "ResourceType": "peering"}]}`},
			},
			check: func(t *testing.T, s *model.Snapshot) {
				if len(s.TGWAttachments) != 2 {
					t.Fatalf("got %d attachments, want both ends", len(s.TGWAttachments))
				}
				equal(t, "gateways", s.TGWAttachments[0].TransitGatewayID+" "+s.TGWAttachments[1].TransitGatewayID, "tgw-1 tgw-2")
			},
		},
		{
			// A peering attachment is one record per end: each end carries
			// what the generic attachment output tells (its association)
			// and what the peering output tells (both gateways and owners).
			name: "a transit gateway peering attachment seen from both accounts: each end carries both outputs' information",
			docs: []placedDoc{
				{"111111111111", "us-east-1", "accounts/111111111111/us-east-1/TransitGatewayAttachments.json", `{"TransitGatewayAttachments": [
					{"TransitGatewayAttachmentId": "tgw-attach-p", "TransitGatewayId": "tgw-1", "TransitGatewayOwnerId": "111111111111",
					 "ResourceType": "peering", "State": "available", "Association": {"TransitGatewayRouteTableId": "tgw-rtb-1", "State": "associated"},
					 "Tags": [{"Key": "Name", "Value": "to-ohio"}]}]}`},
				{"111111111111", "us-east-1", "accounts/111111111111/us-east-1/TransitGatewayPeeringAttachments.json", tgwPeeringBody},
				{"222222222222", "us-east-2", "accounts/222222222222/us-east-2/TransitGatewayPeeringAttachments.json", tgwPeeringBody},
			},
			check: func(t *testing.T, s *model.Snapshot) {
				if len(s.TGWAttachments) != 2 {
					t.Fatalf("got %d attachments, want one per end", len(s.TGWAttachments))
				}
				a, b := s.TGWAttachments[0], s.TGWAttachments[1]
				equal(t, "requester end", [5]string{a.TransitGatewayID, a.ResourceID, a.ResourceOwnerID, a.Association.RouteTableID, a.Tags["Name"]},
					[5]string{"tgw-1", "tgw-2", "222222222222", "tgw-rtb-1", "to-ohio"})
				equal(t, "accepter end", [4]string{b.TransitGatewayID, b.ResourceID, b.Account, b.Region},
					[4]string{"tgw-2", "tgw-1", "222222222222", "us-east-2"})
			},
		},
		{
			name: "a transit gateway attachment whose outputs disagree on its resource is a conflict",
			docs: []placedDoc{
				{"111111111111", "us-east-1", "a.json", `{"TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-p",
					"TransitGatewayId": "tgw-1", "ResourceType": "peering", "ResourceId": "tgw-9"}]}`},
				{"111111111111", "us-east-1", "b.json", tgwPeeringBody},
			},
			check:     func(t *testing.T, s *model.Snapshot) {},
			conflicts: []string{"a.json and b.json both describe transit-gateway-attachment tgw-attach-p, differently: resourceId tgw-9 in the first, tgw-2 in the second; keep one"},
		},
		{
			name: "the same subnet described twice in one account and region is kept once, silently",
			docs: []placedDoc{
				{"111111111111", "us-east-1", "a.json", `{"Subnets": [{"SubnetId": "subnet-1", "CidrBlock": "10.0.1.0/24"}]}`},
				{"111111111111", "us-east-1", "b.json", `{"Subnets": [{"SubnetId": "subnet-1", "CidrBlock": "10.0.1.0/24"}]}`},
			},
			check: func(t *testing.T, s *model.Snapshot) { one(t, s.Subnets) },
		},
		{
			name: "the same subnet ID in two regions is a conflict naming both files",
			docs: []placedDoc{
				{"111111111111", "us-east-1", "us-east-1/Subnets.json", `{"Subnets": [{"SubnetId": "subnet-1", "CidrBlock": "10.0.1.0/24"}]}`},
				{"111111111111", "eu-west-1", "eu-west-1/Subnets.json", `{"Subnets": [{"SubnetId": "subnet-1", "CidrBlock": "10.9.1.0/24"}]}`},
			},
			check: func(t *testing.T, s *model.Snapshot) {},
			conflicts: []string{"eu-west-1/Subnets.json and us-east-1/Subnets.json both describe subnet subnet-1, differently: " +
				"region eu-west-1 in the first, us-east-1 in the second; keep one"},
		},
		{
			name: "the same subnet ID with another CIDR in one region is a conflict naming the field",
			docs: []placedDoc{
				{"111111111111", "us-east-1", "a/Subnets.json", `{"Subnets": [{"SubnetId": "subnet-1", "CidrBlock": "10.0.1.0/24"}]}`},
				{"111111111111", "us-east-1", "b/Subnets.json", `{"Subnets": [{"SubnetId": "subnet-1", "CidrBlock": "10.0.2.0/24"}]}`},
			},
			check: func(t *testing.T, s *model.Snapshot) {},
			conflicts: []string{"a/Subnets.json and b/Subnets.json both describe subnet subnet-1, differently: " +
				"cidr 10.0.1.0/24 in the first, 10.0.2.0/24 in the second; keep one"},
		},
		{
			name: "one file describing a route table twice, with different routes, is a conflict",
			docs: []placedDoc{
				{"111111111111", "us-east-1", "RouteTables.json", `{"RouteTables": [
					{"RouteTableId": "rtb-1", "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"}]},
					{"RouteTableId": "rtb-1", "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1"}]}]}`},
			},
			check:     func(t *testing.T, s *model.Snapshot) {},
			conflicts: []string{"RouteTables.json describes route-table rtb-1 twice, differently: routes[0].gatewayId igw-1, then \"\"; keep one"},
		},
		{
			name: "a shared subnet seen by its owner and a participant keeps the tags of both",
			docs: []placedDoc{
				{"111111111111", "us-east-1", "a.json", `{"Subnets": [{"SubnetId": "subnet-1", "OwnerId": "111111111111", "CidrBlock": "10.0.1.0/24",
					"Tags": [{"Key": "Name", "Value": "shared-a"}]}]}`},
				{"222222222222", "us-east-1", "b.json", `{"Subnets": [{"SubnetId": "subnet-1", "OwnerId": "111111111111", "CidrBlock": "10.0.1.0/24",
					"Tags": [{"Key": "team", "Value": "payments"}]}]}`},
			},
			check: func(t *testing.T, s *model.Snapshot) {
				equal(t, "tags", one(t, s.Subnets).Tags, model.Tags{"Name": "shared-a", "team": "payments"})
			},
		},
		{
			name: "an AWS-managed prefix list seen from two accounts is kept once",
			docs: []placedDoc{
				{"111111111111", "us-east-1", "a.json", `{"PrefixLists": [{"PrefixListId": "pl-1", "PrefixListName": "s3", "Cidrs": ["1.0.0.0/8"]}]}`},
				{"222222222222", "us-east-1", "b.json", `{"PrefixLists": [{"PrefixListId": "pl-1", "PrefixListName": "s3", "Cidrs": ["1.0.0.0/8"]}]}`},
			},
			check: func(t *testing.T, s *model.Snapshot) {
				equal(t, "entries", len(one(t, s.PrefixLists).Entries), 1)
			},
		},
		{
			name: "a shared VPC seen from the participant account carries the owner's OwnerId: one scope, kept once",
			docs: []placedDoc{
				{"111111111111", "us-east-1", "a.json", `{"Vpcs": [{"VpcId": "vpc-1", "OwnerId": "111111111111", "CidrBlock": "10.0.0.0/16"}]}`},
				{"222222222222", "us-east-1", "b.json", `{"Vpcs": [{"VpcId": "vpc-1", "OwnerId": "111111111111", "CidrBlock": "10.0.0.0/16"}]}`},
			},
			check: func(t *testing.T, s *model.Snapshot) { equal(t, "account", one(t, s.VPCs).Account, "111111111111") },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, r := importPlaced(t, tt.docs...)
			tt.check(t, s)
			var conflicts []string
			for _, c := range r.Conflicts {
				conflicts = append(conflicts, c.Error())
			}
			equal(t, "conflicts", conflicts, tt.conflicts)
			if len(r.Warnings) != len(tt.warnings) {
				t.Fatalf("warnings %q, want %d", r.Warnings, len(tt.warnings))
			}
			for i, w := range tt.warnings {
				if !strings.Contains(r.Warnings[i], w) {
					t.Errorf("warning %q lacks %q", r.Warnings[i], w)
				}
			}
		})
	}
}

func TestLinkWarnings(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"static routes of a route table no document describes",
			`{"TransitGatewayStaticRoutes": [{"TransitGatewayRouteTableId": "tgw-rtb-x", "Routes": []}]}`,
			"doc.json: TransitGatewayStaticRoutes names tgw-rtb-x, which no TransitGatewayRouteTables document describes"},
		{"truncated search-transit-gateway-routes output",
			`{"TransitGatewayRouteTables": [{"TransitGatewayRouteTableId": "tgw-rtb-1"}],
			  "TransitGatewayStaticRoutes": [{"TransitGatewayRouteTableId": "tgw-rtb-1", "Routes": [], "AdditionalRoutesAvailable": true}]}`,
			"doc.json: routes of tgw-rtb-1 are truncated (AdditionalRoutesAvailable): some are missing"},
		{"target health of an unknown target group",
			`{"LoadBalancerTargetHealth": [{"TargetGroupArn": "arn:tg", "TargetHealthDescriptions": []}]}`,
			"doc.json: LoadBalancerTargetHealth names arn:tg, which no TargetGroups document describes"},
		{"listener of an unknown load balancer",
			`{"Listeners": [{"ListenerArn": "arn:l", "LoadBalancerArn": "arn:lb", "Port": 80}]}`,
			"doc.json: listener arn:l names arn:lb, which no LoadBalancers document describes"},
		{"Elastic IP on an unknown interface",
			`{"Addresses": [{"PublicIp": "1.2.3.4", "NetworkInterfaceId": "eni-x", "PrivateIpAddress": "10.0.0.1"}]}`,
			"doc.json: address 1.2.3.4 is associated with eni-x, which no document describes"},
		{"managed prefix list without entries",
			`{"ManagedPrefixLists": [{"PrefixListId": "pl-1", "OwnerId": "111122223333"}]}`,
			"prefix list pl-1 has no entries: add a ManagedPrefixListEntries grouping for it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im := NewImporter()
			if err := im.AddDocument("", "us-east-1", "doc.json", []byte(tt.doc)); err != nil {
				t.Fatal(err)
			}
			_, r := im.Snapshot()
			equal(t, "warnings", r.Warnings, []string{tt.want})
		})
	}
}

func TestLoadBalancerNodesFromInterfaces(t *testing.T) {
	s, _ := importDocs(t,
		`{"LoadBalancers": [{"LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/pub/1",
		   "Type": "network", "Scheme": "internet-facing", "AvailabilityZones": [{"ZoneName": "us-east-1a", "SubnetId": "subnet-1",
		   "LoadBalancerAddresses": [{"IpAddress": "54.1.1.1", "AllocationId": "eipalloc-1"}]}]},
		  {"LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/int/2",
		   "Type": "network", "Scheme": "internal", "AvailabilityZones": [{"ZoneName": "us-east-1a", "SubnetId": "subnet-1",
		   "LoadBalancerAddresses": []}]}]}`,
		`{"NetworkInterfaces": [
		  {"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-1", "Description": "ELB net/pub/1", "InterfaceType": "network_load_balancer",
		   "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.9", "Primary": true, "Association": {"PublicIp": "54.1.1.1"}}]},
		  {"NetworkInterfaceId": "eni-2", "SubnetId": "subnet-1", "Description": "ELB net/int/2", "InterfaceType": "network_load_balancer",
		   "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.10", "Primary": true}]}]}`)
	if len(s.LoadBalancers) != 2 {
		t.Fatalf("got %d load balancers", len(s.LoadBalancers))
	}
	equal(t, "internal", s.LoadBalancers[0].AvailabilityZones[0].Addresses,
		[]model.LBAddress{{PrivateIPv4Address: ip("10.0.1.10")}})
	equal(t, "internet-facing", s.LoadBalancers[1].AvailabilityZones[0].Addresses,
		[]model.LBAddress{{IPAddress: ip("54.1.1.1"), AllocationID: "eipalloc-1", PrivateIPv4Address: ip("10.0.1.9")}})
}

func TestScopes(t *testing.T) {
	s, _ := importPlaced(t,
		placedDoc{"", "us-east-1", "us-east-1/Vpcs.json", `{"Vpcs": [{"VpcId": "vpc-1", "OwnerId": "111111111111"}]}`},
		placedDoc{"", "us-west-2", "us-west-2/Vpcs.json", `{"Vpcs": []}`},
		placedDoc{"", "eu-west-1", "eu-west-1/AvailabilityZones.json", `{"AvailabilityZones": []}`},
		placedDoc{"", "", "Vpcs.json", `{"Vpcs": []}`},
	)
	equal(t, "scopes", s.Scopes, []model.Scope{{Account: "111111111111", Region: "us-east-1"}, {Account: "111111111111", Region: "us-west-2"}})
}

// marshal renders a snapshot for comparison.
func marshal(t *testing.T, s *model.Snapshot) string {
	t.Helper()
	b, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSnapshotIsDeterministicAndRepeatable(t *testing.T) {
	docs := []placedDoc{
		{"111111111111", "us-east-1", "b.json", `{"Subnets": [{"SubnetId": "subnet-2"}, {"SubnetId": "subnet-1"}],
			"TransitGatewayRouteTables": [{"TransitGatewayRouteTableId": "tgw-rtb-1", "TransitGatewayId": "tgw-1"}]}`},
		{"111111111111", "eu-west-1", "a.json", `{"Subnets": [{"SubnetId": "subnet-0"}],
			"TransitGatewayStaticRoutes": [{"TransitGatewayRouteTableId": "tgw-rtb-1", "Routes": [{"DestinationCidrBlock": "10.0.0.0/8", "Type": "static"}]}],
			"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.0.5", "Primary": true}]}],
			"Addresses": [{"PublicIp": "1.2.3.4", "NetworkInterfaceId": "eni-1", "PrivateIpAddress": "10.0.0.5"}]}`},
	}
	forward, _ := importPlaced(t, docs...)
	backward, _ := importPlaced(t, docs[1], docs[0])
	if a, b := marshal(t, forward), marshal(t, backward); a != b {
		t.Errorf("order of AddDocument changes the snapshot:\n%s\n---\n%s", a, b)
	}
	var ids []string
	for _, sn := range forward.Subnets {
		ids = append(ids, sn.Region+"/"+sn.ID)
	}
	equal(t, "sorted by region then ID", ids, []string{"eu-west-1/subnet-0", "us-east-1/subnet-1", "us-east-1/subnet-2"})

	im := NewImporter()
	for _, d := range docs {
		if err := im.AddDocument(d.account, d.region, d.name, []byte(d.body)); err != nil {
			t.Fatal(err)
		}
	}
	first, _ := im.Snapshot()
	second, _ := im.Snapshot()
	if a, b := marshal(t, first), marshal(t, second); a != b {
		t.Errorf("a second Snapshot differs:\n%s\n---\n%s", a, b)
	}
	equal(t, "routes resolved once", len(second.TGWRouteTables[0].Routes), 1)
}

func TestAddDocumentConcurrently(t *testing.T) {
	im := NewImporter()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			doc := fmt.Sprintf(`{"Subnets": [{"SubnetId": "subnet-%02d", "CidrBlock": "10.0.%d.0/24"}]}`, i, i)
			if err := im.AddDocument("111111111111", "us-east-1", fmt.Sprintf("s%02d.json", i), []byte(doc)); err != nil {
				t.Error(err)
			}
			im.Snapshot()
		}()
	}
	wg.Wait()
	s, r := im.Snapshot()
	equal(t, "subnets", len(s.Subnets), 16)
	equal(t, "files", r.Files, 16)
}
