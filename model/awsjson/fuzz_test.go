package awsjson

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzAddDocument checks that no document, however malformed, makes the
// importer panic, that rejected documents get a one-line located error, and
// that building the snapshot never fails on what was accepted.
func FuzzAddDocument(f *testing.F) {
	seeds := []string{
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
	}
	for _, s := range seeds {
		f.Add([]byte(s))
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
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		im := NewImporter()
		err := im.AddDocument("111122223333", "us-east-1", "fuzz.json", data)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "fuzz.json:") || strings.Contains(msg, "\n") {
				t.Fatalf("error is not one located line: %q", msg)
			}
		}
		if _, rep := im.Snapshot(); rep == nil {
			t.Fatal("no report")
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
