package awsjson

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures/fuzzcheck"
)

// fuzzSeeds are crafted documents: every kind of bad input the importer
// has met (issue 8), and well-formed ones to mutate.
var fuzzSeeds = []string{
	`{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}`,
	`{"Vpcs": [{"CidrBlock": 10}]}`,
	`{"Vpcs": [`,
	`{"SecurityGroups": [{"IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/33"}]}]}]}`,
	`{"NetworkAcls": [{"Entries": [{"Protocol": "6", "RuleAction": "allow", "PortRange": {"From": -5}}]}]}`,
	`{"Routes": [], "NextToken": null}`,
	`[1, 2, 3]`,
	`"just a string"`,
	`{"TransitGatewayStaticRoutes": [{"TransitGatewayRouteTableId": "tgw-rtb-1", "Routes": [{"DestinationCidrBlock": "::/0"}]}],
	  "TransitGatewayRouteTables": [{"TransitGatewayRouteTableId": "tgw-rtb-1"}]}`,
	`{"Addresses": [{"PublicIp": "1.2.3.4", "NetworkInterfaceId": "eni-1"}],
	  "NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.0.1"}]}]}`,
	"{\"Vpcs\": [{\"VpcId\": \"\xff\xfe\"}]}",
	"{\"a\":1}\n{\"b\":2}",
	// Null elements, top-level lists, misspelled keys, empty documents,
	// empty elements, missing IDs.
	`{"Vpcs": [null]}`,
	`{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [null]}]}`,
	`[{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]`,
	`[{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]`,
	`[{"InstanceId": "i-1", "SubnetId": "subnet-1", "NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddress": "10.0.0.9"}]}]`,
	`[]`,
	`[null]`,
	`{"SecurityGroup": []}`,
	``,
	"  \n",
	`{"Vpcs": [{}]}`,
	`{"RouteTables": [{"RouteTableId": "rtb-1", "Routes": [{}, {}, {}]}]}`,
	// Duplicates, two-sided resources.
	`{"Subnets": [{"SubnetId": "subnet-1", "CidrBlock": "10.0.1.0/24"}, {"SubnetId": "subnet-1", "CidrBlock": "10.0.2.0/24"}]}`,
	`{"VpcPeeringConnections": [{"VpcPeeringConnectionId": "pcx-1", "Status": {"Code": "active"},
	  "RequesterVpcInfo": {"VpcId": "vpc-1", "OwnerId": "111111111111", "Region": "us-east-1", "CidrBlock": "10.1.0.0/16"},
	  "AccepterVpcInfo": {"VpcId": "vpc-2", "OwnerId": "222222222222", "Region": "us-west-2", "CidrBlock": "10.2.0.0/16"}}]}`,
	`{"TransitGatewayPeeringAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-p", "State": "available",
	  "RequesterTgwInfo": {"TransitGatewayId": "tgw-1", "OwnerId": "111111111111", "Region": "us-east-1"},
	  "AccepterTgwInfo": {"TransitGatewayId": "tgw-2", "OwnerId": "222222222222", "Region": "us-east-2"}}]}`,
	// Huge and odd numbers.
	`{"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [{"RuleNumber": 1e400, "Protocol": "-1", "RuleAction": "allow"}]}]}`,
	`{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 99999999999999999999, "ToPort": -1}]}]}`,
	`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "Attachment": {"DeviceIndex": -2147483648, "InstanceId": "i-1"}}]}`,
}

// FuzzAddDocument checks that no pair of documents, however malformed,
// makes the importer panic; that a rejected document gets a one-line
// located error; and that every snapshot built from accepted documents
// goes through the index, the engine and the audit.
func FuzzAddDocument(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add([]byte(s), []byte(fuzzSeeds[(i+1)%len(fuzzSeeds)]))
	}
	// A few real lab files, when the labs are there.
	if labs := labsPath(); labs != "" {
		for _, name := range []string{
			"aws_demo/aws_configs/us-east-1/SecurityGroups.json",
			"aws_demo/aws_configs/us-east-1/NetworkInterfaces.json",
			"aws_tgw_peering/aws_configs/accounts/028403472736/us-east-1/TransitGatewayStaticRoutes.json",
			"aws_nlb_targets_instance/aws_configs/us-east-1/LoadBalancers.json",
		} {
			if data, err := os.ReadFile(filepath.Join(labs, filepath.FromSlash(name))); err == nil {
				f.Add(data, []byte(`{"Vpcs": []}`))
			}
		}
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		im := NewImporter()
		for i, doc := range [][]byte{a, b} {
			name := [...]string{"us-east-1/a.json", "us-west-2/b.json"}[i]
			err := im.AddDocument("111122223333", [...]string{"us-east-1", "us-west-2"}[i], name, doc)
			if err == nil {
				continue
			}
			if msg := err.Error(); !strings.HasPrefix(msg, name+":") || strings.Contains(msg, "\n") {
				t.Fatalf("error is not one located line: %q", msg)
			}
			if errors.Is(err, errRetryCarefully) {
				t.Fatalf("the fast pass's signal escaped: %v", err)
			}
		}
		snap, rep := im.Snapshot()
		if rep == nil {
			t.Fatal("no report")
		}
		for _, c := range rep.Conflicts {
			if strings.Contains(c.Error(), "\n") {
				t.Fatalf("conflict is not one line: %q", c)
			}
		}
		if len(rep.Conflicts) == 0 {
			fuzzcheck.Exercise(t, snap)
		}
	})
}

// labsPath returns the labs folder, or "" when it is missing.
func labsPath() string {
	dir := os.Getenv("VPCSCOPE_LABS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "labs")
	}
	if _, err := os.Stat(dir); err != nil {
		return ""
	}
	return dir
}
