package awsjson

import (
	"errors"
	"strings"
	"testing"
)

func TestAddDocumentErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want string // the whole error message
	}{
		{
			name: "malformed JSON: missing comma between array elements",
			doc:  "{\n \"Vpcs\": [\n  {\"VpcId\": \"vpc-1\"}\n  {\"VpcId\": \"vpc-2\"}\n ]\n}",
			want: "us-east-1/Vpcs.json:4:3: invalid JSON: invalid character '{' after array element",
		},
		{
			name: "malformed JSON: truncated document",
			doc:  "{\n \"Vpcs\": [\n  {\"VpcId\": \"vpc-1\"",
			want: "us-east-1/Vpcs.json:3:20: invalid JSON: unexpected end of input",
		},
		{
			name: "malformed JSON: data after the top-level object",
			doc:  "{\"Vpcs\": []}\n{\"Vpcs\": []}",
			want: "us-east-1/Vpcs.json:2:1: invalid JSON: invalid character '{' after top-level value",
		},
		{
			name: "malformed JSON: top-level array with a syntax error",
			doc:  `[{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"},,]`,
			want: "us-east-1/Vpcs.json:1:49: invalid JSON: invalid character ',' looking for beginning of value",
		},
		{
			name: "empty document",
			doc:  "",
			want: "us-east-1/Vpcs.json:1:1: invalid JSON: unexpected end of input",
		},
		{
			name: "wrong type: Vpcs[0].CidrBlock is a number",
			doc:  "{\n \"Vpcs\": [\n  {\"CidrBlock\": 10, \"VpcId\": \"vpc-1\"}\n ]\n}",
			want: "us-east-1/Vpcs.json:3:17: Vpcs[0].CidrBlock: want string, got number",
		},
		{
			name: "wrong type: nested array element field",
			doc:  `{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": "22"}]}]}`,
			want: `us-east-1/Vpcs.json:1:93: SecurityGroups[0].IpPermissions[0].FromPort: want integer (int32), got string`,
		},
		{
			name: "wrong type: Vpcs is an object, not an array",
			doc:  `{"Vpcs": {"VpcId": "vpc-1"}}`,
			want: "us-east-1/Vpcs.json:1:10: Vpcs: want array, got object",
		},
		{
			name: "wrong type: boolean where a string is expected",
			doc:  `{"Subnets": [{"SubnetId": true}]}`,
			want: "us-east-1/Vpcs.json:1:27: Subnets[0].SubnetId: want string, got boolean",
		},
		{
			name: "bad CIDR in a VPC association set",
			doc:  "{\"Vpcs\": [{\"VpcId\": \"vpc-1\",\n \"CidrBlockAssociationSet\": [{\"CidrBlock\": \"10.0.0.0/8\"}, {\"CidrBlock\": \"10.300.0.0/16\"}]}]}",
			want: `us-east-1/Vpcs.json:2:73: Vpcs[0].CidrBlockAssociationSet[1].CidrBlock: invalid CIDR block "10.300.0.0/16"`,
		},
		{
			name: "bad IP in an ENI private address",
			doc:  `{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.0.x"}]}]}`,
			want: `us-east-1/Vpcs.json:1:100: NetworkInterfaces[0].PrivateIpAddresses[0].PrivateIpAddress: invalid IP address "10.0.0.x"`,
		},
		{
			name: "bad IP in a prefix list's Cidrs",
			doc:  `{"PrefixLists": [{"PrefixListId": "pl-1", "Cidrs": ["1.2.3.0/24", "nope"]}]}`,
			want: `us-east-1/Vpcs.json:1:67: PrefixLists[0].Cidrs[1]: invalid CIDR block "nope"`,
		},
		{
			name: "bad SG protocol",
			doc:  `{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcpx"}]}]}`,
			want: `us-east-1/Vpcs.json:1:74: SecurityGroups[0].IpPermissions[0].IpProtocol: invalid protocol "tcpx": want -1, tcp, udp, icmp, icmpv6 or a number 0-255`,
		},
		{
			name: "bad NACL rule action",
			doc:  `{"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [{"Protocol": "-1", "RuleAction": "permit", "CidrBlock": "0.0.0.0/0"}]}]}`,
			want: `us-east-1/Vpcs.json:1:89: NetworkAcls[0].Entries[0].RuleAction: invalid rule action "permit": want allow or deny`,
		},
		{
			name: "NACL port out of range",
			doc:  `{"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [{"Protocol": "6", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 0, "To": 70000}}]}]}`,
			want: `us-east-1/Vpcs.json:1:154: NetworkAcls[0].Entries[0].PortRange.To: invalid port 70000: want 0-65535`,
		},
		{
			name: "grouping element without its parent ID",
			doc:  `{"TransitGatewayStaticRoutes": [{"Routes": []}]}`,
			want: `us-east-1/Vpcs.json:1:33: TransitGatewayStaticRoutes[0].TransitGatewayRouteTableId: missing TransitGatewayRouteTableId: a TransitGatewayStaticRoutes element names its parent`,
		},
		{
			name: "listener without a load balancer",
			doc:  `{"Listeners": [{"ListenerArn": "arn:l", "Port": 80}]}`,
			want: `us-east-1/Vpcs.json:1:16: Listeners[0].LoadBalancerArn: missing LoadBalancerArn: a listener names its load balancer`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im := NewImporter()
			err := im.AddDocument("", "us-east-1", "us-east-1/Vpcs.json", []byte(tt.doc))
			if err == nil {
				t.Fatalf("no error; want %q", tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error\n got %s\nwant %s", got, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans several lines: %q", err)
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Errorf("error is %T, want *DecodeError", err)
			}
			// A rejected document contributes nothing.
			snap, rep := im.Snapshot()
			if rep.Files != 0 || len(snap.VPCs)+len(snap.SecurityGroups)+len(snap.NetworkInterfaces) != 0 {
				t.Errorf("rejected document was kept: files=%d counts=%v", rep.Files, snap.Counts())
			}
		})
	}
}

func TestSkippedKeys(t *testing.T) {
	tests := []struct {
		name       string
		doc        string
		wantKeys   []string // skipped keys, in order
		wantReason string   // a substring of the first reason
	}{
		{
			name:       "unknown key is skipped, known key beside it is read",
			doc:        `{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}], "Frobnicators": [{"Id": 1}]}`,
			wantKeys:   []string{"Frobnicators"},
			wantReason: "unrecognised key",
		},
		{
			name:       "describe-availability-zones is not used by the model",
			doc:        `{"AvailabilityZones": [{"ZoneName": "us-east-1a"}]}`,
			wantKeys:   []string{"AvailabilityZones"},
			wantReason: "not used by the network model",
		},
		{
			name:       "bare search-transit-gateway-routes output names no route table",
			doc:        `{"Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "Type": "static"}], "AdditionalRoutesAvailable": false}`,
			wantKeys:   []string{"Routes"},
			wantReason: "write it as TransitGatewayStaticRoutes",
		},
		{
			name:       "bare get-transit-gateway-route-table-propagations output",
			doc:        `{"TransitGatewayRouteTablePropagations": []}`,
			wantKeys:   []string{"TransitGatewayRouteTablePropagations"},
			wantReason: "write it as TransitGatewayPropagations",
		},
		{
			name:       "bare get-managed-prefix-list-entries output",
			doc:        `{"Entries": [{"Cidr": "10.0.0.0/8"}]}`,
			wantKeys:   []string{"Entries"},
			wantReason: "write it as ManagedPrefixListEntries",
		},
		{
			name:       "bare describe-target-health output",
			doc:        `{"TargetHealthDescriptions": []}`,
			wantKeys:   []string{"TargetHealthDescriptions"},
			wantReason: "write it as LoadBalancerTargetHealth",
		},
		{
			name:     "pagination and SDK metadata keys are dropped silently",
			doc:      `{"Vpcs": [], "NextToken": null, "ResultMetadata": {}}`,
			wantKeys: nil,
		},
		{
			name:       "a document that is a string is skipped whole",
			doc:        `"not an output"`,
			wantKeys:   []string{""},
			wantReason: "not an object of AWS output keys",
		},
		{
			name:       "an object without any key is skipped whole",
			doc:        `{}`,
			wantKeys:   []string{""},
			wantReason: "holds no output vpcscope reads",
		},
		{
			name:       "an unknown key far from every known one is skipped with a note",
			doc:        `{"SecurityGroupRules": [], "Vpcs": []}`,
			wantKeys:   []string{"SecurityGroupRules"},
			wantReason: "unrecognised key",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im := NewImporter()
			if err := im.AddDocument("", "us-east-1", "doc.json", []byte(tt.doc)); err != nil {
				t.Fatal(err)
			}
			_, rep := im.Snapshot()
			var keys []string
			for _, s := range rep.Skipped {
				keys = append(keys, s.Key)
				if s.File != "doc.json" {
					t.Errorf("skipped key %q names file %q", s.Key, s.File)
				}
			}
			if strings.Join(keys, ",") != strings.Join(tt.wantKeys, ",") || len(keys) != len(tt.wantKeys) {
				t.Fatalf("skipped %q, want %q", keys, tt.wantKeys)
			}
			if tt.wantReason != "" && !strings.Contains(rep.Skipped[0].Reason, tt.wantReason) {
				t.Errorf("reason %q lacks %q", rep.Skipped[0].Reason, tt.wantReason)
			}
		})
	}
}
