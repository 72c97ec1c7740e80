package awsjson

import (
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

// A shared VPC (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html):
// owner 111111111111 shares subnet-app with participant 222222222222.
// Each describes the subnet with the owner's ID and its own name for the
// zone (zone names are mapped per account: the owner's us-east-1a is the
// participant's us-east-1b, both use1-az1), and each sees only its own
// interfaces and groups.
const (
	sharedOwner       = "111111111111"
	sharedParticipant = "222222222222"
)

func sharedVPCDocs(participantZone string) []placedDoc {
	vpc := `{"Vpcs": [{"VpcId": "vpc-s", "OwnerId": "111111111111", "CidrBlock": "10.9.0.0/16", "State": "available"}]}`
	subnet := func(zone string) string {
		return `{"Subnets": [{"SubnetId": "subnet-app", "VpcId": "vpc-s", "OwnerId": "111111111111", "AvailabilityZone": "` + zone +
			`", "AvailabilityZoneId": "use1-az1", "CidrBlock": "10.9.1.0/24", "State": "available"}]}`
	}
	eni := func(id, owner, ip, zone, sg string) string {
		return `{"NetworkInterfaces": [{"NetworkInterfaceId": "` + id + `", "OwnerId": "` + owner + `", "VpcId": "vpc-s", "SubnetId": "subnet-app",
			"AvailabilityZone": "` + zone + `", "InterfaceType": "interface", "Status": "in-use", "SourceDestCheck": true,
			"PrivateIpAddresses": [{"PrivateIpAddress": "` + ip + `", "Primary": true}], "Groups": [{"GroupId": "` + sg + `"}]}]}`
	}
	sg := func(id, owner, ingress string) string {
		return `{"SecurityGroups": [{"GroupId": "` + id + `", "OwnerId": "` + owner + `", "VpcId": "vpc-s", "GroupName": "` + id + `",
			"IpPermissions": [` + ingress + `],
			"IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}`
	}
	rt := `{"RouteTables": [{"RouteTableId": "rtb-s", "VpcId": "vpc-s", "OwnerId": "111111111111",
		"Routes": [{"DestinationCidrBlock": "10.9.0.0/16", "GatewayId": "local", "State": "active", "Origin": "CreateRouteTable"}],
		"Associations": [{"RouteTableAssociationId": "rtbassoc-1", "Main": true}]}]}`
	acl := `{"NetworkAcls": [{"NetworkAclId": "acl-s", "VpcId": "vpc-s", "OwnerId": "111111111111", "IsDefault": true,
		"Entries": [{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"},
		            {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "CidrBlock": "0.0.0.0/0"}],
		"Associations": [{"NetworkAclAssociationId": "aclassoc-1", "SubnetId": "subnet-app"}]}]}`
	o, p := sharedOwner, sharedParticipant
	return []placedDoc{
		{o, "us-east-1", "owner/vpcs.json", vpc},
		{o, "us-east-1", "owner/subnets.json", subnet("us-east-1a")},
		{o, "us-east-1", "owner/rt.json", rt},
		{o, "us-east-1", "owner/acl.json", acl},
		{o, "us-east-1", "owner/enis.json", eni("eni-owner", o, "10.9.1.10", "us-east-1a", "sg-owner")},
		{o, "us-east-1", "owner/sgs.json", sg("sg-owner", o, `{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "10.9.1.0/24"}]}`)},
		{p, "us-east-1", "participant/vpcs.json", vpc},
		{p, "us-east-1", "participant/subnets.json", subnet(participantZone)},
		{p, "us-east-1", "participant/enis.json", eni("eni-part", p, "10.9.1.20", participantZone, "sg-part")},
		{p, "us-east-1", "participant/sgs.json", sg("sg-part", p, `{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.9.0.0/16"}]}`)},
	}
}

// TestSharedSubnetIsOneSubnet: the owner's and the participant's views of
// a shared subnet combine into one subnet that names the participant and
// its zone name, with the owner's zone name; the participant's interface
// is renamed into the owner's zone; no conflict, no validation note. The
// reproduction: the participant names the zone us-east-1b, which was a
// conflict ("availabilityZone is us-east-1a in one and us-east-1b in the
// other").
func TestSharedSubnetIsOneSubnet(t *testing.T) {
	s, rep := importPlaced(t, sharedVPCDocs("us-east-1b")...)
	if len(rep.Conflicts) > 0 {
		t.Fatalf("conflicts: %v", rep.Conflicts)
	}
	if len(s.Subnets) != 1 || len(s.VPCs) != 1 {
		t.Fatalf("%d subnets, %d VPCs", len(s.Subnets), len(s.VPCs))
	}
	sn := s.Subnets[0]
	if sn.Account != sharedOwner || sn.AvailabilityZone != "us-east-1a" || len(sn.Participants) != 1 ||
		sn.Participants[0] != (model.Participant{Account: sharedParticipant, AvailabilityZone: "us-east-1b"}) {
		t.Errorf("subnet %+v", sn)
	}
	for _, n := range s.NetworkInterfaces {
		if n.AvailabilityZone != "us-east-1a" {
			t.Errorf("%s (account %s) is in %s, not the subnet's us-east-1a", n.ID, n.Account, n.AvailabilityZone)
		}
	}
	for _, p := range model.Validate(s) {
		if strings.Contains(p.String(), "zone") {
			t.Errorf("validation: %s", p)
		}
	}
}

// TestSharedSubnetAnswers: across accounts in one shared subnet, the
// owner's and the participant's security groups decide, each on its own
// interface (verdicts and the deciding layer asserted).
func TestSharedSubnetAnswers(t *testing.T) {
	s, _ := importPlaced(t, sharedVPCDocs("us-east-1c")...)
	e := reach.New(s)
	tests := []struct {
		name      string
		from, to  string
		port      int
		reachable bool
		layer     reach.Layer
		resource  string
	}{
		{"participant to owner on 5432: the owner's group allows the shared subnet", "eni-part", "eni-owner", 5432, true, "", ""},
		{"participant to owner on 22: the owner's group refuses", "eni-part", "eni-owner", 22, false, reach.LayerSecurityGroup, "sg-owner"},
		{"owner to participant on 443: the participant's group allows the VPC", "eni-owner", "eni-part", 443, true, "", ""},
		{"owner to participant on 5432: the participant's group refuses", "eni-owner", "eni-part", 5432, false, reach.LayerSecurityGroup, "sg-part"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := e.Reach(reach.Query{From: tt.from, To: tt.to, Protocol: model.ProtocolTCP, Port: tt.port})
			if err != nil {
				t.Fatal(err)
			}
			if a.Reachable != tt.reachable {
				t.Fatalf("reachable %v, want %v: %+v", a.Reachable, tt.reachable, a.Blocked)
			}
			if !tt.reachable && (a.Blocked == nil || a.Blocked.Layer != tt.layer || a.Blocked.Resource != tt.resource) {
				t.Errorf("blocked by %+v, want %s %s", a.Blocked, tt.layer, tt.resource)
			}
			if tt.reachable && len(a.Forward) == 0 {
				t.Error("no hops")
			}
		})
	}
}
