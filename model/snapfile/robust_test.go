package snapfile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

// TestNullElementOfEveryResourceListIsALocatedError: {"schema":1,
// "vpcs":[null]} panicked in model.NewIndex, in every command and in the
// explorer (issue 8, item 1). Every one of the snapshot's resource lists
// refuses a null element with file:line:col.
func TestNullElementOfEveryResourceListIsALocatedError(t *testing.T) {
	n := 0
	for name, f := range fields() {
		if !f.list {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			doc := `{"schema": 1, "` + name + `": [null]}`
			s, err := Unmarshal([]byte(doc), "snap.json")
			want := "snap.json:1:" // the column depends on the name's length
			if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "null as a list element") {
				t.Fatalf("Unmarshal = %v, %v; want a located error", s, err)
			}
		})
	}
	if n != 31 {
		t.Errorf("checked %d resource lists, the snapshot has 31", n)
	}
	t.Run("a null nested in a resource", func(t *testing.T) {
		_, err := Unmarshal([]byte("{\"schema\": 1,\n \"routeTables\": [{\"id\": \"rtb-1\", \"routes\": [null]}]}"), "snap.json")
		if err == nil || !strings.HasPrefix(err.Error(), "snap.json:2:45: null as a list element") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestResourceWithoutIDIsALocatedError(t *testing.T) {
	_, err := Unmarshal([]byte("{\"schema\": 1, \"vpcs\": [\n  {\"cidrs\": [\"10.0.0.0/16\"]}]}"), "snap.json")
	if want := "snap.json:2:3: vpcs[0]: missing id: every resource has one"; err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
}

// TestDuplicateResourcesInASnapshotFile: a resource listed twice with
// different content was kept twice: reach used one copy and audit both
// (issue 8, item 5).
func TestDuplicateResourcesInASnapshotFile(t *testing.T) {
	t.Run("identical records are kept once", func(t *testing.T) {
		s, err := Unmarshal([]byte(`{"schema": 1, "vpcs": [{"id": "vpc-1", "cidrs": ["10.0.0.0/16"]}, {"id": "vpc-1", "cidrs": ["10.0.0.0/16"]}]}`), "snap.json")
		if err != nil || len(s.VPCs) != 1 {
			t.Fatalf("Unmarshal = %v, %v; want one VPC", s, err)
		}
	})
	t.Run("a peering connection seen from both accounts is combined", func(t *testing.T) {
		s, err := Unmarshal([]byte(`{"schema": 1, "vpcPeeringConnections": [
			{"id": "pcx-1", "account": "222222222222", "region": "us-west-2", "status": "active",
			 "requester": {"vpcId": "vpc-1", "ownerId": "111111111111", "region": "us-east-1"},
			 "accepter": {"vpcId": "vpc-2", "ownerId": "222222222222", "region": "us-west-2", "cidrs": ["10.2.0.0/16"]}},
			{"id": "pcx-1", "account": "111111111111", "region": "us-east-1", "status": "active",
			 "requester": {"vpcId": "vpc-1", "ownerId": "111111111111", "region": "us-east-1", "cidrs": ["10.1.0.0/16"]},
			 "accepter": {"vpcId": "vpc-2", "ownerId": "222222222222", "region": "us-west-2"}}]}`), "snap.json")
		if err != nil {
			t.Fatal(err)
		}
		if len(s.VPCPeerings) != 1 {
			t.Fatalf("%d peerings, want 1", len(s.VPCPeerings))
		}
		p := s.VPCPeerings[0]
		if p.Account != "111111111111" || len(p.Requester.CIDRs) != 1 || len(p.Accepter.CIDRs) != 1 {
			t.Errorf("combined peering %+v lacks a side", p)
		}
	})
	t.Run("conflicting records are an error naming both places", func(t *testing.T) {
		_, err := Unmarshal([]byte("{\"schema\": 1, \"subnets\": [\n  {\"id\": \"subnet-1\", \"vpcId\": \"vpc-1\", \"cidr\": \"10.0.1.0/24\"},\n  {\"id\": \"subnet-1\", \"vpcId\": \"vpc-1\", \"cidr\": \"10.0.2.0/24\"}]}"), "snap.json")
		want := "snap.json:3:3: subnets[1]: subnet subnet-1 again, differently from subnets[0] (line 2): cidr 10.0.1.0/24 there, 10.0.2.0/24 here; keep one"
		if err == nil || err.Error() != want {
			t.Fatalf("err = %v\nwant %s", err, want)
		}
	})
}

// TestReadStopsWhenContextIsDone: Ctrl-C was ignored while a snapshot
// loaded (issue 8, item 4).
func TestReadStopsWhenContextIsDone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snap.json")
	if err := os.WriteFile(path, []byte(`{"schema": 1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Read(ctx, path, ReadOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// TestReadFolderGapPerRegionReachesTheAnswers: a core output missing from
// one Region of a two-Region folder recorded no gap, and exposure left out
// an internet-facing server without a caveat (issue 8, item 3).
func TestReadFolderGapPerRegionReachesTheAnswers(t *testing.T) {
	dir := t.TempDir()
	region := func(name, n string, withGroups bool) {
		files := map[string]string{
			"Vpcs.json":    `{"Vpcs": [{"VpcId": "vpc-` + n + `", "CidrBlock": "10.` + n + `.0.0/16", "OwnerId": "111111111111"}]}`,
			"Subnets.json": `{"Subnets": [{"SubnetId": "subnet-` + n + `", "VpcId": "vpc-` + n + `", "CidrBlock": "10.` + n + `.1.0/24", "OwnerId": "111111111111"}]}`,
			"InternetGateways.json": `{"InternetGateways": [{"InternetGatewayId": "igw-` + n + `", "OwnerId": "111111111111",
				"Attachments": [{"VpcId": "vpc-` + n + `", "State": "available"}]}]}`,
			"RouteTables.json": `{"RouteTables": [{"RouteTableId": "rtb-` + n + `", "VpcId": "vpc-` + n + `", "OwnerId": "111111111111",
				"Routes": [{"DestinationCidrBlock": "10.` + n + `.0.0/16", "GatewayId": "local", "State": "active"},
				           {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-` + n + `", "State": "active"}],
				"Associations": [{"Main": true, "RouteTableAssociationId": "rtbassoc-` + n + `"}]}]}`,
			"NetworkAcls.json": `{"NetworkAcls": [{"NetworkAclId": "acl-` + n + `", "VpcId": "vpc-` + n + `", "IsDefault": true, "OwnerId": "111111111111",
				"Entries": [{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"},
				            {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "CidrBlock": "0.0.0.0/0"}],
				"Associations": [{"NetworkAclAssociationId": "aclassoc-` + n + `", "SubnetId": "subnet-` + n + `"}]}]}`,
			"NetworkInterfaces.json": `{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-` + n + `", "SubnetId": "subnet-` + n + `", "VpcId": "vpc-` + n + `",
				"OwnerId": "111111111111", "InterfaceType": "interface", "Groups": [{"GroupId": "sg-` + n + `"}],
				"PrivateIpAddresses": [{"PrivateIpAddress": "10.` + n + `.1.10", "Primary": true, "Association": {"PublicIp": "54.0.0.` + n + `"}}]}]}`,
			"Reservations.json": `{"Reservations": []}`,
		}
		if withGroups {
			files["SecurityGroups.json"] = `{"SecurityGroups": [{"GroupId": "sg-` + n + `", "VpcId": "vpc-` + n + `", "OwnerId": "111111111111",
				"IpPermissions": [], "IpPermissionsEgress": []}]}`
		}
		for f, body := range files {
			p := filepath.Join(dir, name, f)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	region("us-east-1", "1", true)
	region("us-west-2", "2", false)
	s, _, err := Read(context.Background(), dir, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var gaps []string
	for _, g := range s.Gaps {
		gaps = append(gaps, g.String())
	}
	if want := "security-group not collected in 111111111111/us-west-2 (DescribeSecurityGroups): the folder holds no SecurityGroups output"; strings.Join(gaps, "|") != want {
		t.Fatalf("gaps %q, want %q", gaps, want)
	}
	if got := s.GapsFor(model.KindSecurityGroup, "111111111111", "us-east-1"); len(got) != 0 {
		t.Errorf("the complete Region has gaps: %v", got)
	}
	e := reach.New(s)
	if rep := e.Exposure(reach.ExposureOptions{}); len(rep.Caveats) == 0 {
		t.Errorf("exposure carries no caveat for the Region whose groups are missing: %+v", rep)
	}
	a, err := e.Reach(reach.Query{From: "internet", To: "eni-2", Protocol: model.ProtocolTCP, Port: 443})
	if err != nil {
		t.Fatal(err)
	}
	if a.Verdict != reach.VerdictUnknown || len(a.Caveats) == 0 {
		t.Errorf("reach into the Region without groups: verdict %s, caveats %v; want unknown with a caveat", a.Verdict, a.Caveats)
	}
}
