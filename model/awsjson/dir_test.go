package awsjson

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScopeOfPath(t *testing.T) {
	tests := []struct {
		path, account, region string
	}{
		{"Vpcs.json", "", ""},
		{"us-east-1/Vpcs.json", "", "us-east-1"},
		{"eu-west-2/Vpcs.json", "", "eu-west-2"},
		{"us-gov-west-1/Vpcs.json", "", "us-gov-west-1"},
		{"ap-southeast-3/Vpcs.json", "", "ap-southeast-3"},
		{"cn-north-1/Vpcs.json", "", "cn-north-1"},
		{"accounts/028403472736/us-east-1/Vpcs.json", "028403472736", "us-east-1"},
		{"prod/accounts/028403472736/eu-central-1/x/Vpcs.json", "028403472736", "eu-central-1"},
		{"028403472736/us-east-1/Vpcs.json", "", "us-east-1"},   // 12 digits outside accounts/
		{"accounts/12345/us-east-1/Vpcs.json", "", "us-east-1"}, // not 12 digits
		{"us-east-1-backup/Vpcs.json", "", ""},                  // not a region name
		{"us-east-1/old/us-west-2/Vpcs.json", "", "us-west-2"},  // innermost wins
		{`accounts\028403472736\us-east-1\Vpcs.json`, "", ""},   // backslashes are not separators here
		{"accounts/028403472736/eu-west-1/accounts/Vpcs.json", "028403472736", "eu-west-1"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			account, region := ScopeOfPath(tt.path)
			if account != tt.account || region != tt.region {
				t.Errorf("ScopeOfPath(%q) = %q, %q; want %q, %q", tt.path, account, region, tt.account, tt.region)
			}
		})
	}
}

// writeFiles lays out files (path -> content) under a new temporary directory.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestReadDirLayouts(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"accounts/111111111111/us-east-1/Vpcs.json":    `{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.1.0.0/16"}]}`,
		"accounts/222222222222/eu-west-2/Subnets.json": `{"Subnets": [{"SubnetId": "subnet-1", "OwnerId": "333333333333"}]}`,
		"us-west-2/Vpcs.json":                          `{"Vpcs": [{"VpcId": "vpc-2", "OwnerId": "444444444444"}]}`,
		"Vpcs.json":                                    `{"Vpcs": [{"VpcId": "vpc-3"}]}`,
		"notes.txt":                                    `not JSON`,
		".git/config.json":                             `not JSON either`,
		"us-west-2/AvailabilityZones.JSON":             `{"AvailabilityZones": []}`,
	})
	s, r, err := ReadDir(context.Background(), dir, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "files", r.Files, 5)
	where := map[string][2]string{}
	for _, v := range s.VPCs {
		where[v.ID] = [2]string{v.Account, v.Region}
	}
	equal(t, "VPC placement", where, map[string][2]string{
		"vpc-1": {"111111111111", "us-east-1"},
		"vpc-2": {"444444444444", "us-west-2"},
		"vpc-3": {"", ""},
	})
	sn := one(t, s.Subnets)
	equal(t, "OwnerId beats the path", [2]string{sn.Account, sn.Region}, [2]string{"333333333333", "eu-west-2"})
	equal(t, "skipped", r.Skipped, []SkippedKey{{File: "us-west-2/AvailabilityZones.JSON", Key: "AvailabilityZones", Reason: "not used by the network model"}})
}

func TestReadDirReportsEveryBadFile(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"us-east-1/Vpcs.json":    "{\"Vpcs\": [\n  {\"VpcId\": 1}]}",
		"us-east-1/Subnets.json": `{"Subnets": [}`,
		"us-east-1/Good.json":    `{"Vpcs": []}`,
	})
	s, _, err := ReadDir(context.Background(), dir, ReadOptions{})
	if err == nil || s != nil {
		t.Fatalf("ReadDir = %v, %v; want an error and no snapshot", s, err)
	}
	equal(t, "errors", strings.Split(err.Error(), "\n"), []string{
		"us-east-1/Subnets.json:1:14: invalid JSON: invalid character '}' looking for beginning of value",
		"us-east-1/Vpcs.json:2:13: Vpcs[0].VpcId: want string, got number",
	})
}

func TestReadDirMissing(t *testing.T) {
	if _, _, err := ReadDir(context.Background(), filepath.Join(t.TempDir(), "nope"), ReadOptions{}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("err = %v, want one naming the folder", err)
	}
}
