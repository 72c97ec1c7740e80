package awsjson

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/vpcscope/vpcscope/model"
)

const (
	testAccount = "111122223333"
	testRegion  = "us-east-1"
)

// importDocs imports the documents as collected in testAccount/testRegion.
func importDocs(t *testing.T, docs ...string) (*model.Snapshot, *Report) {
	t.Helper()
	return importDocsAt(t, testAccount, testRegion, docs...)
}

// importDocsAt imports the documents as collected in account/region.
func importDocsAt(t *testing.T, account, region string, docs ...string) (*model.Snapshot, *Report) {
	t.Helper()
	im := NewImporter()
	for i, doc := range docs {
		if err := im.AddDocument(account, region, "doc"+string(rune('a'+i))+".json", []byte(doc)); err != nil {
			t.Fatal(err)
		}
	}
	return im.Snapshot()
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func ip(s string) netip.Addr    { return netip.MustParseAddr(s) }

// equal fails the test when got and want differ.
func equal[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// one returns the only element of xs.
func one[T any](t *testing.T, xs []T) T {
	t.Helper()
	if len(xs) != 1 {
		t.Fatalf("got %d %T, want 1", len(xs), xs)
	}
	return xs[0]
}

func TestDecodeKinds(t *testing.T) {
	tests := []struct {
		name string
		// unplaced documents come without account and region.
		unplaced bool
		docs     []string
		check    func(t *testing.T, s *model.Snapshot, r *Report)
	}{
		{
			name: "describe-vpcs: primary CIDR first, associated CIDRs, disassociated ones dropped, IPv6, OwnerId, Tags",
			docs: []string{`{"Vpcs": [{
				"VpcId": "vpc-1", "OwnerId": "444455556666", "CidrBlock": "10.0.0.0/16", "State": "available", "IsDefault": true,
				"CidrBlockAssociationSet": [
					{"CidrBlock": "10.1.0.0/16", "CidrBlockState": {"State": "associated"}},
					{"CidrBlock": "10.0.0.0/16", "CidrBlockState": {"State": "associated"}},
					{"CidrBlock": "10.9.0.0/16", "CidrBlockState": {"State": "disassociated"}}],
				"Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2600:1f18::/56", "Ipv6CidrBlockState": {"State": "associated"}}],
				"Tags": [{"Key": "Name", "Value": "prod"}]}]}`},
			check: func(t *testing.T, s *model.Snapshot, _ *Report) {
				equal(t, "vpc", one(t, s.VPCs), &model.VPC{
					Meta:      model.Meta{ID: "vpc-1", Account: "444455556666", Region: testRegion, Tags: model.Tags{"Name": "prod"}},
					CIDRs:     []netip.Prefix{pfx("10.0.0.0/16"), pfx("10.1.0.0/16")},
					IPv6CIDRs: []netip.Prefix{pfx("2600:1f18::/56")},
					IsDefault: true, State: "available",
				})
			},
		},
		{
			name: "describe-subnets: CIDR, IPv6 association set, zone, MapPublicIpOnLaunch; account from the path without OwnerId",
			docs: []string{`{"Subnets": [{
				"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1a",
				"AvailabilityZoneId": "use1-az2", "MapPublicIpOnLaunch": true, "State": "available",
				"Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2600:1f18::/64", "Ipv6CidrBlockState": {"State": "associated"}}]}]}`},
			check: func(t *testing.T, s *model.Snapshot, _ *Report) {
				equal(t, "subnet", one(t, s.Subnets), &model.Subnet{
					Meta:  model.Meta{ID: "subnet-1", Account: testAccount, Region: testRegion},
					VPCID: "vpc-1", AvailabilityZone: "us-east-1a", AvailabilityZoneID: "use1-az2",
					CIDR: pfx("10.0.1.0/24"), IPv6CIDRs: []netip.Prefix{pfx("2600:1f18::/64")},
					MapPublicIPOnLaunch: true, State: "available",
				})
			},
		},
		{
			name: "describe-route-tables: IPv4, IPv6 and prefix list destinations, each target field, State, Origin, associations",
			docs: []string{`{"RouteTables": [{
				"RouteTableId": "rtb-1", "VpcId": "vpc-1", "OwnerId": "111122223333", "PropagatingVgws": [],
				"Routes": [
					{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
					{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "Origin": "CreateRoute", "State": "active"},
					{"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1", "Origin": "CreateRoute", "State": "active"},
					{"DestinationPrefixListId": "pl-63a5400a", "GatewayId": "vpce-1", "Origin": "CreateRoute", "State": "active"},
					{"DestinationCidrBlock": "10.2.0.0/16", "VpcPeeringConnectionId": "pcx-1", "Origin": "CreateRoute", "State": "blackhole"},
					{"DestinationCidrBlock": "10.3.0.0/16", "TransitGatewayId": "tgw-1", "Origin": "CreateRoute", "State": "active"},
					{"DestinationCidrBlock": "10.4.0.0/16", "InstanceId": "i-1", "InstanceOwnerId": "111122223333", "NetworkInterfaceId": "eni-1", "Origin": "CreateRoute", "State": "active"},
					{"DestinationCidrBlock": "10.5.0.0/16", "GatewayId": "vgw-1", "Origin": "EnableVgwRoutePropagation", "State": "active"},
					{"DestinationCidrBlock": "10.6.0.0/16", "CoreNetworkArn": "arn:aws:networkmanager::1:core-network/x", "LocalGatewayId": "", "CarrierGatewayId": "", "Origin": "CreateRoute", "State": "active"}],
				"Associations": [
					{"Main": true, "RouteTableAssociationId": "rtbassoc-1", "RouteTableId": "rtb-1", "AssociationState": {"State": "associated"}},
					{"Main": false, "RouteTableAssociationId": "rtbassoc-2", "SubnetId": "subnet-1", "AssociationState": {"State": "associated"}},
					{"Main": false, "RouteTableAssociationId": "rtbassoc-3", "GatewayId": "igw-1", "AssociationState": {"State": "associated"}}]}]}`},
			check: func(t *testing.T, s *model.Snapshot, _ *Report) {
				rt := one(t, s.RouteTables)
				equal(t, "routes", rt.Routes, []model.Route{
					{Destination: pfx("10.0.0.0/16"), GatewayID: "local", Origin: "CreateRouteTable", State: "active"},
					{Destination: pfx("0.0.0.0/0"), NATGatewayID: "nat-1", Origin: "CreateRoute", State: "active"},
					{Destination: pfx("::/0"), EgressOnlyInternetGatewayID: "eigw-1", Origin: "CreateRoute", State: "active"},
					{DestinationPrefixListID: "pl-63a5400a", GatewayID: "vpce-1", Origin: "CreateRoute", State: "active"},
					{Destination: pfx("10.2.0.0/16"), VPCPeeringConnectionID: "pcx-1", Origin: "CreateRoute", State: "blackhole"},
					{Destination: pfx("10.3.0.0/16"), TransitGatewayID: "tgw-1", Origin: "CreateRoute", State: "active"},
					{Destination: pfx("10.4.0.0/16"), InstanceID: "i-1", NetworkInterfaceID: "eni-1", Origin: "CreateRoute", State: "active"},
					{Destination: pfx("10.5.0.0/16"), GatewayID: "vgw-1", Origin: "EnableVgwRoutePropagation", State: "active"},
					{Destination: pfx("10.6.0.0/16"), CoreNetworkARN: "arn:aws:networkmanager::1:core-network/x", Origin: "CreateRoute", State: "active"},
				})
				equal(t, "associations", rt.Associations, []model.RouteTableAssociation{
					{ID: "rtbassoc-1", Main: true, State: "associated"},
					{ID: "rtbassoc-2", SubnetID: "subnet-1", State: "associated"},
					{ID: "rtbassoc-3", GatewayID: "igw-1", State: "associated"},
				})
				equal(t, "target of the instance route", rt.Routes[6].Target(), model.RouteTarget{Kind: model.TargetNetworkInterface, ID: "eni-1"})
			},
		},
		{
			name: "describe-security-groups: IpPermissions flattened to one rule per peer; -1, tcp, 6, icmp, icmpv6, 58; missing ports are -1",
			docs: []string{`{"SecurityGroups": [{
				"GroupId": "sg-1", "GroupName": "web", "Description": "web tier", "VpcId": "vpc-1", "OwnerId": "111122223333",
				"IpPermissions": [
					{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
					 "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "ssh"}, {"CidrIp": "192.168.0.0/16"}],
					 "Ipv6Ranges": [{"CidrIpv6": "2600::/16"}],
					 "PrefixListIds": [{"PrefixListId": "pl-1", "Description": "office"}],
					 "UserIdGroupPairs": [{"GroupId": "sg-2", "UserId": "999988887777", "VpcId": "vpc-9", "PeeringStatus": "active", "Description": "peer"}]},
					{"IpProtocol": "6", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
					{"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
					{"IpProtocol": "58", "FromPort": -1, "ToPort": -1, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
					{"IpProtocol": "icmpv6", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
					{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-1", "UserId": "111122223333"}]}],
				"IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}]}]}`},
			check: func(t *testing.T, s *model.Snapshot, _ *Report) {
				sg := one(t, s.SecurityGroups)
				equal(t, "ingress", sg.Ingress, []model.SGRule{
					{Protocol: model.ProtocolTCP, FromPort: 22, ToPort: 22, CIDR: pfx("10.0.0.0/8"), Description: "ssh"},
					{Protocol: model.ProtocolTCP, FromPort: 22, ToPort: 22, CIDR: pfx("192.168.0.0/16")},
					{Protocol: model.ProtocolTCP, FromPort: 22, ToPort: 22, CIDR: pfx("2600::/16")},
					{Protocol: model.ProtocolTCP, FromPort: 22, ToPort: 22, PrefixListID: "pl-1", Description: "office"},
					{Protocol: model.ProtocolTCP, FromPort: 22, ToPort: 22, Description: "peer",
						Group: &model.GroupRef{GroupID: "sg-2", UserID: "999988887777", VPCID: "vpc-9", PeeringStatus: "active"}},
					{Protocol: model.ProtocolTCP, FromPort: 443, ToPort: 443, CIDR: pfx("0.0.0.0/0")},
					{Protocol: model.ProtocolICMP, FromPort: 8, ToPort: -1, CIDR: pfx("0.0.0.0/0")},
					{Protocol: model.ProtocolICMPv6, FromPort: -1, ToPort: -1, CIDR: pfx("::/0")},
					{Protocol: model.ProtocolICMPv6, FromPort: -1, ToPort: -1, CIDR: pfx("::/0")},
					{Protocol: model.ProtocolAll, FromPort: -1, ToPort: -1, Group: &model.GroupRef{GroupID: "sg-1", UserID: "111122223333"}},
				})
				equal(t, "egress", sg.Egress, []model.SGRule{{Protocol: model.ProtocolAll, FromPort: -1, ToPort: -1, CIDR: pfx("0.0.0.0/0")}})
				equal(t, "meta", sg.Meta, model.Meta{ID: "sg-1", Account: "111122223333", Region: testRegion})
				equal(t, "name", sg.GroupName+"/"+sg.Description+"/"+sg.VPCID, "web/web tier/vpc-1")
			},
		},
		{
			name: "describe-network-acls: numbered entries with port ranges, ICMP type/code, IPv6 CIDR, deny, associations",
			docs: []string{`{"NetworkAcls": [{
				"NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": false, "OwnerId": "111122223333",
				"Entries": [
					{"RuleNumber": 100, "Egress": false, "Protocol": "6", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 22, "To": 22}},
					{"RuleNumber": 110, "Egress": false, "Protocol": "1", "RuleAction": "allow", "CidrBlock": "10.0.0.0/8", "IcmpTypeCode": {"Type": 8, "Code": -1}},
					{"RuleNumber": 120, "Egress": false, "Protocol": "17", "RuleAction": "deny", "Ipv6CidrBlock": "::/0"},
					{"RuleNumber": 32767, "Egress": false, "Protocol": "-1", "RuleAction": "deny", "CidrBlock": "0.0.0.0/0"},
					{"RuleNumber": 100, "Egress": true, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"}],
				"Associations": [{"NetworkAclAssociationId": "aclassoc-1", "NetworkAclId": "acl-1", "SubnetId": "subnet-1"}]}]}`},
			check: func(t *testing.T, s *model.Snapshot, _ *Report) {
				acl := one(t, s.NetworkACLs)
				equal(t, "entries", acl.Entries, []model.ACLEntry{
					{RuleNumber: 100, Protocol: model.ProtocolTCP, Action: model.Allow, CIDR: pfx("0.0.0.0/0"), PortRange: &model.PortRange{From: 22, To: 22}},
					{RuleNumber: 110, Protocol: model.ProtocolICMP, Action: model.Allow, CIDR: pfx("10.0.0.0/8"), ICMP: &model.ICMPTypeCode{Type: 8, Code: -1}},
					{RuleNumber: 120, Protocol: model.ProtocolUDP, Action: model.Deny, CIDR: pfx("::/0")},
					{RuleNumber: 32767, Protocol: model.ProtocolAll, Action: model.Deny, CIDR: pfx("0.0.0.0/0")},
					{RuleNumber: 100, Egress: true, Protocol: model.ProtocolAll, Action: model.Allow, CIDR: pfx("0.0.0.0/0")},
				})
				equal(t, "associations", acl.Associations, []model.ACLAssociation{{ID: "aclassoc-1", SubnetID: "subnet-1"}})
			},
		},
		{
			name: "describe-network-interfaces: private IPs with their public IPs, top-level Association, IPv6, groups, TagSet, attachment, requester-managed",
			docs: []string{`{"NetworkInterfaces": [{
				"NetworkInterfaceId": "eni-1", "OwnerId": "111122223333", "VpcId": "vpc-1", "SubnetId": "subnet-1",
				"AvailabilityZone": "us-east-1a", "Description": "", "InterfaceType": "interface", "Status": "in-use",
				"PrivateIpAddress": "10.0.1.10", "Association": {"PublicIp": "3.3.3.3", "IpOwnerId": "amazon"},
				"PrivateIpAddresses": [
					{"PrivateIpAddress": "10.0.1.10", "Primary": true},
					{"PrivateIpAddress": "10.0.1.11", "Primary": false, "Association": {"PublicIp": "4.4.4.4"}}],
				"Ipv6Addresses": [{"Ipv6Address": "2600:1f18::10"}],
				"Groups": [{"GroupId": "sg-1", "GroupName": "web"}, {"GroupId": "sg-2", "GroupName": "ssh"}],
				"SourceDestCheck": false,
				"Attachment": {"AttachmentId": "eni-attach-1", "AttachTime": "2020-05-29 16:11:01+00:00", "DeviceIndex": 1,
				               "InstanceId": "i-1", "InstanceOwnerId": "111122223333", "Status": "attached"},
				"TagSet": [{"Key": "Name", "Value": "second"}]},
				{"NetworkInterfaceId": "eni-2", "VpcId": "vpc-1", "SubnetId": "subnet-1", "InterfaceType": "nat_gateway",
				 "Description": "Interface for NAT Gateway nat-1", "RequesterId": "583328430953", "RequesterManaged": true,
				 "PrivateIpAddress": "10.0.1.5", "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.5", "Primary": true,
				   "Association": {"PublicIp": "5.5.5.5"}}], "SourceDestCheck": false, "TagSet": []}]}`},
			check: func(t *testing.T, s *model.Snapshot, _ *Report) {
				if len(s.NetworkInterfaces) != 2 {
					t.Fatalf("got %d interfaces", len(s.NetworkInterfaces))
				}
				equal(t, "eni-1", s.NetworkInterfaces[0], &model.NetworkInterface{
					Meta:  model.Meta{ID: "eni-1", Account: "111122223333", Region: testRegion, Tags: model.Tags{"Name": "second"}},
					VPCID: "vpc-1", SubnetID: "subnet-1", AvailabilityZone: "us-east-1a", InterfaceType: "interface", Status: "in-use",
					PrivateIPs: []model.PrivateIP{
						{Address: ip("10.0.1.10"), Primary: true, PublicIP: ip("3.3.3.3")},
						{Address: ip("10.0.1.11"), PublicIP: ip("4.4.4.4")},
					},
					IPv6Addresses:    []netip.Addr{ip("2600:1f18::10")},
					SecurityGroupIDs: []string{"sg-1", "sg-2"},
					Attachment:       &model.ENIAttachment{ID: "eni-attach-1", InstanceID: "i-1", InstanceOwnerID: "111122223333", DeviceIndex: 1, Status: "attached"},
				})
				n := s.NetworkInterfaces[1]
				equal(t, "eni-2 requester", n.RequesterID+"/"+n.InterfaceType, "583328430953/nat_gateway")
				equal(t, "eni-2 managed", n.RequesterManaged, true)
				equal(t, "eni-2 public", n.PublicIPs(), []netip.Addr{ip("5.5.5.5")})
				equal(t, "eni-2 account from the path", n.Account, testAccount)
			},
		},
		{
			name: "describe-instances: reservation owner, State.Name, addresses, groups, interfaces by device index and synthesized from Instances[].NetworkInterfaces",
			docs: []string{`{"Reservations": [{"ReservationId": "r-1", "OwnerId": "111122223333", "Groups": [], "Instances": [{
				"InstanceId": "i-1", "InstanceType": "t3.micro", "VpcId": "vpc-1", "SubnetId": "subnet-1",
				"Placement": {"AvailabilityZone": "us-east-1a", "Tenancy": "default"}, "State": {"Code": 16, "Name": "running"},
				"PrivateIpAddress": "10.0.1.10", "PublicIpAddress": "3.3.3.3", "SourceDestCheck": true,
				"LaunchTime": "2020-05-29 16:11:01+00:00",
				"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web"}],
				"Tags": [{"Key": "Name", "Value": "web1"}],
				"NetworkInterfaces": [
					{"NetworkInterfaceId": "eni-b", "OwnerId": "111122223333", "SubnetId": "subnet-1", "VpcId": "vpc-1", "Status": "in-use",
					 "InterfaceType": "interface", "SourceDestCheck": false,
					 "Attachment": {"AttachmentId": "eni-attach-b", "DeviceIndex": 1, "Status": "attached"},
					 "Groups": [{"GroupId": "sg-2"}], "PrivateIpAddress": "10.0.1.20",
					 "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.20", "Primary": true}], "Ipv6Addresses": []},
					{"NetworkInterfaceId": "eni-a", "OwnerId": "111122223333", "SubnetId": "subnet-1", "VpcId": "vpc-1", "Status": "in-use",
					 "InterfaceType": "interface", "SourceDestCheck": true,
					 "Association": {"PublicIp": "3.3.3.3", "IpOwnerId": "amazon"},
					 "Attachment": {"AttachmentId": "eni-attach-a", "DeviceIndex": 0, "Status": "attached"},
					 "Groups": [{"GroupId": "sg-1"}], "PrivateIpAddress": "10.0.1.10",
					 "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.10", "Primary": true, "Association": {"PublicIp": "3.3.3.3"}}]}]},
				{"InstanceId": "i-2", "State": {"Code": 48, "Name": "terminated"}, "NetworkInterfaces": [], "SecurityGroups": []}]}]}`},
			check: func(t *testing.T, s *model.Snapshot, _ *Report) {
				if len(s.Instances) != 2 {
					t.Fatalf("got %d instances", len(s.Instances))
				}
				equal(t, "i-1", s.Instances[0], &model.Instance{
					Meta:  model.Meta{ID: "i-1", Account: "111122223333", Region: testRegion, Tags: model.Tags{"Name": "web1"}},
					VPCID: "vpc-1", SubnetID: "subnet-1", AvailabilityZone: "us-east-1a", InstanceType: "t3.micro", State: "running",
					PrivateIP: ip("10.0.1.10"), PublicIP: ip("3.3.3.3"),
					NetworkInterfaceIDs: []string{"eni-a", "eni-b"}, SecurityGroupIDs: []string{"sg-1"}, SourceDestCheck: true,
				})
				equal(t, "i-2 state", s.Instances[1].State, "terminated")
				equal(t, "i-2 SourceDestCheck absent is true", s.Instances[1].SourceDestCheck, true)
				if len(s.NetworkInterfaces) != 2 {
					t.Fatalf("got %d synthesized interfaces, want 2", len(s.NetworkInterfaces))
				}
				a, b := s.NetworkInterfaces[0], s.NetworkInterfaces[1]
				equal(t, "eni-a attachment", a.Attachment, &model.ENIAttachment{ID: "eni-attach-a", InstanceID: "i-1", InstanceOwnerID: "111122223333", Status: "attached"})
				equal(t, "eni-a public", a.PublicIPs(), []netip.Addr{ip("3.3.3.3")})
				equal(t, "eni-a zone from placement", a.AvailabilityZone, "us-east-1a")
				equal(t, "eni-b SourceDestCheck", b.SourceDestCheck, false)
				equal(t, "eni-b groups", b.SecurityGroupIDs, []string{"sg-2"})
			},
		},
		{
			name: "describe-network-interfaces takes precedence over interfaces synthesized from describe-instances",
			docs: []string{
				`{"Reservations": [{"OwnerId": "111122223333", "Instances": [{"InstanceId": "i-1", "State": {"Name": "running"},
				  "NetworkInterfaces": [{"NetworkInterfaceId": "eni-a", "Description": "from instances", "PrivateIpAddress": "10.0.1.10",
				  "Attachment": {"DeviceIndex": 0}}]}]}]}`,
				`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-a", "Description": "from enis", "PrivateIpAddress": "10.0.1.10",
				  "Attachment": {"DeviceIndex": 0, "InstanceId": "i-1"}, "RequesterManaged": false, "SourceDestCheck": true}]}`,
			},
			check: func(t *testing.T, s *model.Snapshot, r *Report) {
				equal(t, "description", one(t, s.NetworkInterfaces).Description, "from enis")
				equal(t, "warnings", len(r.Warnings), 0)
			},
		},
		{
			name: "describe-internet-gateways, describe-egress-only-internet-gateways, describe-vpn-gateways: attachments and state",
			docs: []string{
				`{"InternetGateways": [{"InternetGatewayId": "igw-1", "OwnerId": "111122223333", "Attachments": [{"State": "available", "VpcId": "vpc-1"}], "Tags": []}]}`,
				`{"EgressOnlyInternetGateways": [{"EgressOnlyInternetGatewayId": "eigw-1", "Attachments": [{"State": "attached", "VpcId": "vpc-1"}]}]}`,
				`{"VpnGateways": [{"VpnGatewayId": "vgw-1", "State": "available", "Type": "ipsec.1", "VpcAttachments": [{"State": "attached", "VpcId": "vpc-1"}]}]}`,
			},
			check: func(t *testing.T, s *model.Snapshot, _ *Report) {
				att := []model.GatewayAttachment{{VPCID: "vpc-1", State: "available"}}
				equal(t, "igw", one(t, s.InternetGateways).Attachments, att)
				equal(t, "igw attached", s.InternetGateways[0].AttachedTo("vpc-1"), true)
				equal(t, "eigw", one(t, s.EgressOnlyInternetGateways).Attachments, []model.GatewayAttachment{{VPCID: "vpc-1", State: "attached"}})
				vgw := one(t, s.VPNGateways)
				equal(t, "vgw", vgw.State+" "+vgw.Attachments[0].VPCID, "available vpc-1")
				equal(t, "vgw account from the path", vgw.Account, testAccount)
			},
		},
		{
			name: "describe-nat-gateways: absent ConnectivityType is public, private kept, addresses",
			docs: []string{`{"NatGateways": [
				{"NatGatewayId": "nat-1", "VpcId": "vpc-1", "SubnetId": "subnet-1", "State": "available", "CreateTime": "2020-05-29 16:10:51+00:00",
				 "NatGatewayAddresses": [{"AllocationId": "eipalloc-1", "NetworkInterfaceId": "eni-1", "PrivateIp": "10.0.1.5", "PublicIp": "5.5.5.5"}]},
				{"NatGatewayId": "nat-2", "VpcId": "vpc-1", "SubnetId": "subnet-2", "State": "deleted", "ConnectivityType": "private",
				 "DeleteTime": "2020-04-22 01:21:06+00:00", "NatGatewayAddresses": [{"NetworkInterfaceId": "eni-2", "PrivateIp": "10.0.2.5"}]}]}`},
			check: func(t *testing.T, s *model.Snapshot, _ *Report) {
				if len(s.NATGateways) != 2 {
					t.Fatalf("got %d NAT gateways", len(s.NATGateways))
				}
				equal(t, "nat-1", s.NATGateways[0], &model.NATGateway{
					Meta:  model.Meta{ID: "nat-1", Account: testAccount, Region: testRegion},
					VPCID: "vpc-1", SubnetID: "subnet-1", State: "available", ConnectivityType: "public",
					Addresses: []model.NATAddress{{NetworkInterfaceID: "eni-1", PrivateIP: ip("10.0.1.5"), PublicIP: ip("5.5.5.5"), AllocationID: "eipalloc-1"}},
				})
				equal(t, "nat-2 private", s.NATGateways[1].IsPrivate(), true)
			},
		},
		{
			name: "describe-vpc-peering-connections: Status.Code, requester and accepter with CidrBlockSet, Ipv6CidrBlockSet, region and owner",
			docs: []string{`{"VpcPeeringConnections": [{
				"VpcPeeringConnectionId": "pcx-1", "Status": {"Code": "active", "Message": "Active"},
				"RequesterVpcInfo": {"VpcId": "vpc-1", "OwnerId": "111122223333", "Region": "us-east-1", "CidrBlock": "10.1.0.0/16",
				  "CidrBlockSet": [{"CidrBlock": "10.1.0.0/16"}, {"CidrBlock": "10.11.0.0/16"}], "Ipv6CidrBlockSet": [{"Ipv6CidrBlock": "2600:1::/56"}]},
				"AccepterVpcInfo": {"VpcId": "vpc-2", "OwnerId": "444455556666", "Region": "eu-west-2", "CidrBlock": "10.2.0.0/16"},
				"Tags": [{"Key": "Name", "Value": "a-to-b"}]}]}`},
			check: func(t *testing.T, s *model.Snapshot, _ *Report) {
				equal(t, "peering", one(t, s.VPCPeerings), &model.VPCPeering{
					Meta:   model.Meta{ID: "pcx-1", Account: testAccount, Region: testRegion, Tags: model.Tags{"Name": "a-to-b"}},
					Status: "active",
					Requester: model.PeeringSide{VPCID: "vpc-1", OwnerID: "111122223333", Region: "us-east-1",
						CIDRs: []netip.Prefix{pfx("10.1.0.0/16"), pfx("10.11.0.0/16")}, IPv6CIDRs: []netip.Prefix{pfx("2600:1::/56")}},
					Accepter: model.PeeringSide{VPCID: "vpc-2", OwnerID: "444455556666", Region: "eu-west-2",
						CIDRs: []netip.Prefix{pfx("10.2.0.0/16")}},
				})
			},
		},
		{
			name: "describe-transit-gateways: Options enable/disable and default route table IDs",
			docs: []string{`{"TransitGateways": [{"TransitGatewayId": "tgw-1", "OwnerId": "111122223333", "State": "available",
				"CreationTime": "2020-08-03 15:35:09+00:00",
				"Options": {"AmazonSideAsn": 64512, "DefaultRouteTableAssociation": "enable", "DefaultRouteTablePropagation": "disable",
				  "AssociationDefaultRouteTableId": "tgw-rtb-1", "PropagationDefaultRouteTableId": "tgw-rtb-2",
				  "SecurityGroupReferencingSupport": "enable"}}]}`},
			check: func(t *testing.T, s *model.Snapshot, _ *Report) {
				equal(t, "tgw", one(t, s.TransitGateways), &model.TransitGateway{
					Meta: model.Meta{ID: "tgw-1", Account: "111122223333", Region: testRegion}, State: "available",
					DefaultRouteTableAssociation: true, AssociationDefaultRouteTableID: "tgw-rtb-1",
					PropagationDefaultRouteTableID: "tgw-rtb-2", SecurityGroupReferencingSupport: true,
				})
			},
		},
		{
			name: "describe-transit-gateway-attachments and -vpc-attachments describe one attachment: merged",
			docs: []string{
				`{"TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-1", "TransitGatewayId": "tgw-1",
				  "TransitGatewayOwnerId": "111122223333", "ResourceOwnerId": "444455556666", "ResourceType": "vpc", "ResourceId": "vpc-1",
				  "State": "available", "Association": {"TransitGatewayRouteTableId": "tgw-rtb-1", "State": "associated"},
				  "Tags": [{"Key": "Name", "Value": "att"}]}]}`,
				`{"TransitGatewayVpcAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-1", "TransitGatewayId": "tgw-1",
				  "VpcId": "vpc-1", "VpcOwnerId": "444455556666", "State": "available", "SubnetIds": ["subnet-1", "subnet-2"],
				  "Options": {"DnsSupport": "enable", "Ipv6Support": "disable", "ApplianceModeSupport": "enable", "SecurityGroupReferencingSupport": "enable"}}]}`,
			},
			check: func(t *testing.T, s *model.Snapshot, r *Report) {
				equal(t, "attachment", one(t, s.TGWAttachments), &model.TGWAttachment{
					Meta:             model.Meta{ID: "tgw-attach-1", Account: "111122223333", Region: testRegion, Tags: model.Tags{"Name": "att"}},
					TransitGatewayID: "tgw-1", TransitGatewayOwnerID: "111122223333",
					ResourceType: "vpc", ResourceID: "vpc-1", ResourceOwnerID: "444455556666", State: "available",
					Association: &model.TGWAssociation{RouteTableID: "tgw-rtb-1", State: "associated"},
					SubnetIDs:   []string{"subnet-1", "subnet-2"}, ApplianceModeSupport: true, SecurityGroupReferencingSupport: true,
				})
				equal(t, "warnings", r.Warnings, []string(nil))
			},
		},
		{
			name: "describe-transit-gateway-peering-attachments: the end in the document's region, attached to the local gateway",
			docs: []string{`{"TransitGatewayPeeringAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-p", "State": "available",
				"RequesterTgwInfo": {"TransitGatewayId": "tgw-1", "OwnerId": "111122223333", "Region": "us-east-1"},
				"AccepterTgwInfo": {"TransitGatewayId": "tgw-2", "OwnerId": "444455556666", "Region": "us-east-2"},
				"Status": {"Code": "available", "Message": "Available"}}]}`},
			check: func(t *testing.T, s *model.Snapshot, _ *Report) {
				a := one(t, s.TGWAttachments)
				equal(t, "peering end", [5]string{a.TransitGatewayID, a.ResourceType, a.ResourceID, a.ResourceOwnerID, a.Region},
					[5]string{"tgw-1", "peering", "tgw-2", "444455556666", "us-east-1"})
			},
		},
		{
			name: "TGW route table: static routes, propagations and associations from groupings and attachment associations",
			docs: []string{
				`{"TransitGatewayRouteTables": [{"TransitGatewayRouteTableId": "tgw-rtb-1", "TransitGatewayId": "tgw-1", "State": "available",
				  "DefaultAssociationRouteTable": true, "DefaultPropagationRouteTable": false, "CreationTime": "2020-08-03 15:35:30+00:00", "Tags": []}]}`,
				`{"TransitGateways": [{"TransitGatewayId": "tgw-1", "OwnerId": "444455556666", "Options": {}}]}`,
				`{"TransitGatewayStaticRoutes": [{"TransitGatewayRouteTableId": "tgw-rtb-1", "AdditionalRoutesAvailable": false, "Routes": [
				  {"DestinationCidrBlock": "10.2.0.0/16", "State": "active", "Type": "static",
				   "TransitGatewayAttachments": [{"ResourceId": "tgw-2", "ResourceType": "peering", "TransitGatewayAttachmentId": "tgw-attach-p"}]},
				  {"DestinationCidrBlock": "10.9.0.0/16", "State": "blackhole", "Type": "static"}]}]}`,
				`{"TransitGatewayPropagations": [{"TransitGatewayRouteTableId": "tgw-rtb-1", "TransitGatewayRouteTablePropagations": [
				  {"ResourceId": "vpc-1", "ResourceType": "vpc", "State": "enabled", "TransitGatewayAttachmentId": "tgw-attach-1"}]}]}`,
				`{"TransitGatewayAssociations": [{"TransitGatewayRouteTableId": "tgw-rtb-1", "Associations": [
				  {"ResourceId": "vpc-2", "ResourceType": "vpc", "State": "associated", "TransitGatewayAttachmentId": "tgw-attach-2"}]}]}`,
				`{"TransitGatewayAttachments": [
				  {"TransitGatewayAttachmentId": "tgw-attach-1", "TransitGatewayId": "tgw-1", "ResourceType": "vpc", "ResourceId": "vpc-1",
				   "Association": {"TransitGatewayRouteTableId": "tgw-rtb-1", "State": "associated"}},
				  {"TransitGatewayAttachmentId": "tgw-attach-2", "TransitGatewayId": "tgw-1", "ResourceType": "vpc", "ResourceId": "vpc-2"}]}`,
			},
			check: func(t *testing.T, s *model.Snapshot, _ *Report) {
				rt := one(t, s.TGWRouteTables)
				equal(t, "routes", rt.Routes, []model.TGWRoute{
					{Destination: pfx("10.2.0.0/16"), Type: "static", State: "active",
						Attachments: []model.TGWRouteAttachment{{AttachmentID: "tgw-attach-p", ResourceID: "tgw-2", ResourceType: "peering"}}},
					{Destination: pfx("10.9.0.0/16"), Type: "static", State: "blackhole"},
				})
				equal(t, "propagations", rt.Propagations, []model.TGWRouteTableLink{
					{AttachmentID: "tgw-attach-1", ResourceID: "vpc-1", ResourceType: "vpc", State: "enabled"}})
				equal(t, "associations", rt.Associations, []model.TGWRouteTableLink{
					{AttachmentID: "tgw-attach-1", ResourceID: "vpc-1", ResourceType: "vpc", State: "associated"},
					{AttachmentID: "tgw-attach-2", ResourceID: "vpc-2", ResourceType: "vpc", State: "associated"}})
				equal(t, "flags", [2]bool{rt.DefaultAssociation, rt.DefaultPropagation}, [2]bool{true, false})
				equal(t, "account from the path", rt.Account, testAccount)
				if len(s.TGWAttachments) != 2 {
					t.Fatalf("got %d attachments", len(s.TGWAttachments))
				}
				equal(t, "association filled from the grouping", s.TGWAttachments[1].Association,
					&model.TGWAssociation{RouteTableID: "tgw-rtb-1", State: "associated"})
			},
		},
		{
			name: "describe-vpc-endpoints: gateway and interface endpoints with route tables, subnets, interfaces and groups",
			docs: []string{`{"VpcEndpoints": [
				{"VpcEndpointId": "vpce-1", "VpcEndpointType": "Gateway", "VpcId": "vpc-1", "ServiceName": "com.amazonaws.us-east-1.s3",
				 "State": "available", "RouteTableIds": ["rtb-1"], "SubnetIds": [], "NetworkInterfaceIds": [], "Groups": [],
				 "OwnerId": "111122223333", "PolicyDocument": "{\"Version\":\"2008-10-17\"}", "CreationTimestamp": "2020-05-11 23:26:35+00:00"},
				{"VpcEndpointId": "vpce-2", "VpcEndpointType": "Interface", "VpcId": "vpc-1", "ServiceName": "com.amazonaws.us-east-1.ec2",
				 "State": "available", "RouteTableIds": [], "SubnetIds": ["subnet-1"], "NetworkInterfaceIds": ["eni-1"],
				 "Groups": [{"GroupId": "sg-1", "GroupName": "bat_sg"}], "OwnerId": "111122223333"}]}`},
			check: func(t *testing.T, s *model.Snapshot, _ *Report) {
				if len(s.VPCEndpoints) != 2 {
					t.Fatalf("got %d endpoints", len(s.VPCEndpoints))
				}
				equal(t, "gateway endpoint", s.VPCEndpoints[0], &model.VPCEndpoint{
					Meta:  model.Meta{ID: "vpce-1", Account: "111122223333", Region: testRegion},
					VPCID: "vpc-1", Type: "Gateway", ServiceName: "com.amazonaws.us-east-1.s3", State: "available",
					RouteTableIDs: []string{"rtb-1"},
				})
				e := s.VPCEndpoints[1]
				equal(t, "interface endpoint", [3][]string{e.SubnetIDs, e.NetworkInterfaceIDs, e.SecurityGroupIDs},
					[3][]string{{"subnet-1"}, {"eni-1"}, {"sg-1"}})
			},
		},
		{
			name: "describe-prefix-lists (AWS-managed, Cidrs) and describe-managed-prefix-lists with a ManagedPrefixListEntries grouping",
			docs: []string{
				`{"PrefixLists": [{"PrefixListId": "pl-63a5400a", "PrefixListName": "com.amazonaws.us-east-1.s3", "Cidrs": ["54.231.0.0/17", "52.216.0.0/15"]}]}`,
				`{"ManagedPrefixLists": [{"PrefixListId": "pl-0abc", "PrefixListName": "office", "AddressFamily": "IPv4", "MaxEntries": 5,
				  "OwnerId": "111122223333", "State": "create-complete", "Version": 1, "Tags": [{"Key": "Name", "Value": "office"}]},
				  {"PrefixListId": "pl-63a5400a", "PrefixListName": "com.amazonaws.us-east-1.s3", "AddressFamily": "IPv4", "OwnerId": "AWS",
				   "State": "create-complete"}]}`,
				`{"ManagedPrefixListEntries": [{"PrefixListId": "pl-0abc", "Entries": [{"Cidr": "203.0.113.0/24", "Description": "HQ"}]}]}`,
			},
			check: func(t *testing.T, s *model.Snapshot, r *Report) {
				if len(s.PrefixLists) != 2 {
					t.Fatalf("got %d prefix lists", len(s.PrefixLists))
				}
				equal(t, "customer-managed", s.PrefixLists[0], &model.PrefixList{
					Meta: model.Meta{ID: "pl-0abc", Account: "111122223333", Region: testRegion, Tags: model.Tags{"Name": "office"}},
					Name: "office", AddressFamily: "IPv4", MaxEntries: 5, State: "create-complete",
					Entries: []model.PrefixListEntry{{CIDR: pfx("203.0.113.0/24"), Description: "HQ"}},
				})
				equal(t, "AWS-managed, seen twice, kept once", s.PrefixLists[1], &model.PrefixList{
					Meta: model.Meta{ID: "pl-63a5400a", Region: testRegion},
					Name: "com.amazonaws.us-east-1.s3", AddressFamily: "IPv4", State: "create-complete", AWSManaged: true,
					Entries: []model.PrefixListEntry{{CIDR: pfx("54.231.0.0/17")}, {CIDR: pfx("52.216.0.0/15")}},
				})
				equal(t, "warnings", r.Warnings, []string(nil))
			},
		},
		{
			name: "describe-load-balancers with LoadBalancerListeners, plain Listeners and LoadBalancerAttributes groupings",
			docs: []string{
				`{"LoadBalancers": [{"LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:444455556666:loadbalancer/net/nlb/abc",
				  "LoadBalancerName": "nlb", "Type": "network", "Scheme": "internet-facing", "State": {"Code": "active"},
				  "VpcId": "vpc-1", "DNSName": "nlb-abc.elb.us-east-1.amazonaws.com", "IpAddressType": "ipv4",
				  "CreatedTime": "2020-05-29 16:10:45.261000+00:00", "SecurityGroups": ["sg-1"],
				  "AvailabilityZones": [{"ZoneName": "us-east-1a", "SubnetId": "subnet-1",
				    "LoadBalancerAddresses": [{"IpAddress": "54.1.1.1", "AllocationId": "eipalloc-1", "PrivateIPv4Address": "10.0.1.9", "IPv6Address": "2600::9"}]}]}]}`,
				`{"LoadBalancerListeners": [{"LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:444455556666:loadbalancer/net/nlb/abc",
				  "Listeners": [{"ListenerArn": "arn:l/2", "LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:444455556666:loadbalancer/net/nlb/abc",
				    "Port": 443, "Protocol": "TCP", "DefaultActions": [{"Type": "forward", "Order": 1, "TargetGroupArn": "arn:tg/1",
				      "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": "arn:tg/1", "Weight": 1}, {"TargetGroupArn": "arn:tg/2"}]}}]}]}]}`,
				`{"Listeners": [{"ListenerArn": "arn:l/1", "LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:444455556666:loadbalancer/net/nlb/abc",
				  "Port": 80, "Protocol": "TCP", "DefaultActions": [{"Type": "forward", "TargetGroupArn": "arn:tg/1"}]},
				  {"ListenerArn": "arn:l/2", "LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:444455556666:loadbalancer/net/nlb/abc",
				    "Port": 443, "Protocol": "TCP", "DefaultActions": [{"Type": "forward", "TargetGroupArn": "arn:tg/1"}]}]}`,
				`{"LoadBalancerAttributes": [{"LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:444455556666:loadbalancer/net/nlb/abc",
				  "Attributes": [{"Key": "load_balancing.cross_zone.enabled", "Value": "true"}]}]}`,
			},
			check: func(t *testing.T, s *model.Snapshot, _ *Report) {
				lb := one(t, s.LoadBalancers)
				equal(t, "meta from the ARN", lb.Meta, model.Meta{ID: "arn:aws:elasticloadbalancing:us-east-1:444455556666:loadbalancer/net/nlb/abc",
					Account: "444455556666", Region: testRegion})
				equal(t, "zones", lb.AvailabilityZones, []model.LBZone{{ZoneName: "us-east-1a", SubnetID: "subnet-1", Addresses: []model.LBAddress{
					{IPAddress: ip("54.1.1.1"), AllocationID: "eipalloc-1", PrivateIPv4Address: ip("10.0.1.9"), IPv6Address: ip("2600::9")}}}})
				equal(t, "listeners, deduped and sorted by port", lb.Listeners, []model.Listener{
					{ARN: "arn:l/1", Port: 80, Protocol: "TCP", DefaultActions: []model.ListenerAction{{Type: "forward", TargetGroupARNs: []string{"arn:tg/1"}}}},
					{ARN: "arn:l/2", Port: 443, Protocol: "TCP", DefaultActions: []model.ListenerAction{{Type: "forward", TargetGroupARNs: []string{"arn:tg/1", "arn:tg/2"}}}},
				})
				equal(t, "state, scheme, groups", [3]string{lb.State, lb.Scheme, lb.SecurityGroupIDs[0]}, [3]string{"active", "internet-facing", "sg-1"})
				equal(t, "cross zone", lb.CrossZone(), true)
			},
		},
		{
			name:     "describe-target-groups with LoadBalancerTargetHealth and TargetGroupAttributes groupings; region from the ARN without a path",
			unplaced: true,
			docs: []string{
				`{"TargetGroups": [{"TargetGroupArn": "arn:aws:elasticloadbalancing:eu-west-2:444455556666:targetgroup/web/1",
				  "TargetGroupName": "web", "Protocol": "TCP", "Port": 80, "TargetType": "instance", "VpcId": "vpc-1",
				  "HealthCheckPort": "traffic-port", "LoadBalancerArns": ["arn:lb/1"]}]}`,
				`{"LoadBalancerTargetHealth": [{"TargetGroupArn": "arn:aws:elasticloadbalancing:eu-west-2:444455556666:targetgroup/web/1",
				  "TargetHealthDescriptions": [
				    {"HealthCheckPort": "80", "Target": {"Id": "i-1", "Port": 80}, "TargetHealth": {"State": "healthy"}},
				    {"Target": {"Id": "10.0.1.7", "Port": 8080, "AvailabilityZone": "all"}, "TargetHealth": {"State": "unhealthy", "Reason": "Target.FailedHealthChecks"}}]}]}`,
				`{"TargetGroupAttributes": [{"TargetGroupArn": "arn:aws:elasticloadbalancing:eu-west-2:444455556666:targetgroup/web/1",
				  "Attributes": [{"Key": "preserve_client_ip.enabled", "Value": "true"}]}]}`,
			},
			check: func(t *testing.T, s *model.Snapshot, _ *Report) {
				equal(t, "target group", one(t, s.TargetGroups), &model.TargetGroup{
					Meta:            model.Meta{ID: "arn:aws:elasticloadbalancing:eu-west-2:444455556666:targetgroup/web/1", Account: "444455556666", Region: "eu-west-2"},
					TargetGroupName: "web", Protocol: "TCP", Port: 80, TargetType: "instance", VPCID: "vpc-1",
					LoadBalancerARNs: []string{"arn:lb/1"},
					Targets: []model.Target{
						{ID: "i-1", Port: 80, HealthState: "healthy"},
						{ID: "10.0.1.7", Port: 8080, AvailabilityZone: "all", HealthState: "unhealthy"},
					},
					Attributes: map[string]string{"preserve_client_ip.enabled": "true"},
				})
			},
		},
		{
			name: "describe-addresses fills the public IP an interface document lacks, and the instance's",
			docs: []string{
				`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddress": "10.0.1.10",
				  "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.10", "Primary": true}, {"PrivateIpAddress": "10.0.1.11", "Primary": false}],
				  "Attachment": {"InstanceId": "i-1", "DeviceIndex": 0}}]}`,
				`{"Reservations": [{"Instances": [{"InstanceId": "i-1", "PrivateIpAddress": "10.0.1.10", "State": {"Name": "running"}}]}]}`,
				`{"Addresses": [
				  {"PublicIp": "100.26.7.68", "AllocationId": "eipalloc-1", "Domain": "vpc", "NetworkInterfaceId": "eni-1", "PrivateIpAddress": "10.0.1.10"},
				  {"PublicIp": "100.26.7.69", "InstanceId": "i-1", "PrivateIpAddress": "10.0.1.11"},
				  {"PublicIp": "100.26.7.70", "AllocationId": "eipalloc-3", "Domain": "vpc"}]}`,
			},
			check: func(t *testing.T, s *model.Snapshot, r *Report) {
				n := one(t, s.NetworkInterfaces)
				equal(t, "ENI public IPs", n.PublicIPs(), []netip.Addr{ip("100.26.7.68"), ip("100.26.7.69")})
				equal(t, "instance public IP", one(t, s.Instances).PublicIP, ip("100.26.7.68"))
				equal(t, "addresses items", r.Items["Addresses"], 3)
			},
		},
		{
			name: "SDK-marshalled shape: null for absent values, RFC3339 times, enums as strings",
			docs: []string{`{"NetworkInterfaces": [{"Association": null, "Attachment": {"AttachTime": "2020-04-22T01:27:41.478Z",
				"AttachmentId": "eni-attach-1", "DeleteOnTermination": true, "DeviceIndex": 0, "EnaSrdSpecification": null,
				"InstanceId": "i-1", "InstanceOwnerId": null, "NetworkCardIndex": null, "Status": "attached"},
				"AvailabilityZone": "us-east-1a", "Description": null, "Groups": null, "InterfaceType": "interface",
				"Ipv6Addresses": null, "NetworkInterfaceId": "eni-1", "OwnerId": null, "PrivateIpAddress": "10.0.1.10",
				"PrivateIpAddresses": [{"Association": null, "Primary": true, "PrivateDnsName": null, "PrivateIpAddress": "10.0.1.10"}],
				"RequesterId": null, "RequesterManaged": false, "SourceDestCheck": null, "Status": "in-use", "SubnetId": "subnet-1",
				"TagSet": null, "VpcId": "vpc-1"}], "NextToken": null, "ResultMetadata": {}}`,
				`{"Vpcs": [{"CidrBlock": "10.0.0.0/16", "CidrBlockAssociationSet": null, "DhcpOptionsId": null, "InstanceTenancy": "default",
				  "Ipv6CidrBlockAssociationSet": null, "IsDefault": null, "OwnerId": "111122223333", "State": "available", "Tags": null, "VpcId": "vpc-1"}]}`,
				`{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"FromPort": null, "IpProtocol": "-1", "IpRanges": null,
				  "Ipv6Ranges": null, "PrefixListIds": null, "ToPort": null, "UserIdGroupPairs": [{"GroupId": "sg-1", "UserId": null,
				  "VpcId": null, "PeeringStatus": null, "Description": null, "GroupName": null, "VpcPeeringConnectionId": null}]}],
				  "IpPermissionsEgress": null, "OwnerId": "111122223333", "VpcId": "vpc-1", "Tags": null}]}`,
			},
			check: func(t *testing.T, s *model.Snapshot, _ *Report) {
				n := one(t, s.NetworkInterfaces)
				equal(t, "SourceDestCheck null is true", n.SourceDestCheck, true)
				equal(t, "private IPs", n.PrivateIPs, []model.PrivateIP{{Address: ip("10.0.1.10"), Primary: true}})
				equal(t, "vpc", one(t, s.VPCs).CIDRs, []netip.Prefix{pfx("10.0.0.0/16")})
				sg := one(t, s.SecurityGroups)
				equal(t, "ingress", sg.Ingress, []model.SGRule{{Protocol: model.ProtocolAll, FromPort: -1, ToPort: -1, Group: &model.GroupRef{GroupID: "sg-1"}}})
				equal(t, "egress", sg.Egress, []model.SGRule{})
			},
		},
		{
			name: "timestamps in the CLI's two forms and RFC3339 decode without error",
			docs: []string{`{"TransitGatewayRouteTables": [
				{"TransitGatewayRouteTableId": "tgw-rtb-1", "TransitGatewayId": "tgw-1", "CreationTime": "2020-08-03 15:35:30+00:00"},
				{"TransitGatewayRouteTableId": "tgw-rtb-2", "TransitGatewayId": "tgw-1", "CreationTime": "2020-04-22 01:27:41.478000+00:00"},
				{"TransitGatewayRouteTableId": "tgw-rtb-3", "TransitGatewayId": "tgw-1", "CreationTime": "2020-04-22T01:27:41.478Z"}]}`},
			check: func(t *testing.T, s *model.Snapshot, _ *Report) {
				equal(t, "route tables", len(s.TGWRouteTables), 3)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			account, region := testAccount, testRegion
			if tt.unplaced {
				account, region = "", ""
			}
			s, r := importDocsAt(t, account, region, tt.docs...)
			equal(t, "schema", s.Schema, model.SchemaVersion)
			equal(t, "source", s.Source, "aws-cli")
			tt.check(t, s, r)
		})
	}
}
