package awsjson

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/internal/jsonin"
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

// coreFiles are the core outputs of one region, each with one resource.
func coreFiles(prefix, n string) map[string]string {
	return map[string]string{
		prefix + "/Vpcs.json":              `{"Vpcs": [{"VpcId": "vpc-` + n + `", "CidrBlock": "10.` + n + `.0.0/16", "OwnerId": "111111111111"}]}`,
		prefix + "/Subnets.json":           `{"Subnets": [{"SubnetId": "subnet-` + n + `", "VpcId": "vpc-` + n + `", "CidrBlock": "10.` + n + `.1.0/24", "OwnerId": "111111111111"}]}`,
		prefix + "/RouteTables.json":       `{"RouteTables": [{"RouteTableId": "rtb-` + n + `", "VpcId": "vpc-` + n + `", "Routes": []}]}`,
		prefix + "/SecurityGroups.json":    `{"SecurityGroups": [{"GroupId": "sg-` + n + `", "VpcId": "vpc-` + n + `", "IpPermissions": []}]}`,
		prefix + "/NetworkAcls.json":       `{"NetworkAcls": [{"NetworkAclId": "acl-` + n + `", "VpcId": "vpc-` + n + `", "Entries": []}]}`,
		prefix + "/NetworkInterfaces.json": `{"NetworkInterfaces": []}`,
		prefix + "/Reservations.json":      `{"Reservations": []}`,
	}
}

func merged(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func gapStrings(gs []model.Gap) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.String())
	}
	return out
}

// TestReadDirMissingCoreOutputIsAGapPerAccountAndRegion: the check looked
// across the whole folder, so a Region without SecurityGroups.json
// recorded no gap and exposure left out what it could not see (issue 8,
// item 3).
func TestReadDirMissingCoreOutputIsAGapPerAccountAndRegion(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{
			name:  "a Region without SecurityGroups.json, beside one with it",
			files: merged(coreFiles("us-east-1", "1"), coreFiles("us-west-2", "2"), map[string]string{"us-west-2/SecurityGroups.json": ""}),
			want:  []string{"security-group not collected in 111111111111/us-west-2 (DescribeSecurityGroups): us-west-2/SecurityGroups.json is empty: the call failed or was denied when it was written"},
		},
		{
			name: "an account without NetworkAcls.json, beside one with it",
			files: merged(coreFiles("accounts/111111111111/us-east-1", "1"), coreFiles("accounts/222222222222/us-east-1", "2"),
				map[string]string{"accounts/222222222222/us-east-1/NetworkAcls.json": `{"DBInstances": []}`}),
			want: []string{"network-acl not collected in 222222222222/us-east-1 (DescribeNetworkAcls): the folder holds no NetworkAcls output"},
		},
		{
			name:  "a folder without Region folders is one scope",
			files: map[string]string{"Vpcs.json": `{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}`, "Subnets.json": `{"Subnets": []}`},
			want: []string{
				"route-table not collected in all regions (DescribeRouteTables): the folder holds no RouteTables output",
				"security-group not collected in all regions (DescribeSecurityGroups): the folder holds no SecurityGroups output",
				"network-acl not collected in all regions (DescribeNetworkAcls): the folder holds no NetworkAcls output",
				"network-interface not collected in all regions (DescribeNetworkInterfaces): the folder holds no NetworkInterfaces output",
				"instance not collected in all regions (DescribeInstances): the folder holds no Reservations output",
			},
		},
		{
			name:  "a file outside the Region folders counts for every Region",
			files: merged(coreFiles("us-east-1", "1"), coreFiles("us-west-2", "2"), map[string]string{"us-west-2/SecurityGroups.json": `{"Tags": []}`, "SecurityGroups.json": `{"SecurityGroups": []}`}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, err := ReadDir(context.Background(), writeFiles(t, tt.files), ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			equal(t, "gaps", gapStrings(s.Gaps), tt.want)
		})
	}
}

// TestReadDirEmptyFile: "aws ec2 describe-network-acls > file" leaves an
// empty file when the call is denied; it aborted the whole import (issue
// 8, item 11). It is a gap for the kind its name implies, or a note.
func TestReadDirEmptyFile(t *testing.T) {
	tests := []struct {
		name, file, body string
		gap              string // the gap recorded, "" for none
		note             string // the skipped file's reason, "" for none
	}{
		{"named after the CLI command", "describe-network-acls.json", "", "network-acl not collected in 111111111111/us-east-1 (DescribeNetworkAcls): us-east-1/describe-network-acls.json is empty", ""},
		{"named after the output key", "NetworkAcls.json", "", "network-acl not collected in 111111111111/us-east-1 (DescribeNetworkAcls): us-east-1/NetworkAcls.json is empty", ""},
		{"named in lower case with dashes", "network-acls.json", "\n  \n", "network-acl not collected in 111111111111/us-east-1 (DescribeNetworkAcls): us-east-1/network-acls.json is empty", ""},
		{"a grouping's file", "describe-target-health.json", "", "target-group not collected in 111111111111/us-east-1 (DescribeTargetHealth)", ""},
		{"a name that says nothing", "output-3.json", "", "", "an empty file, and its name does not say which output it should hold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := coreFiles("us-east-1", "1")
			delete(files, "us-east-1/NetworkAcls.json")
			files["us-east-1/NetworkAcls-real.json"] = `{"NetworkAcls": []}`
			files["us-east-1/"+tt.file] = tt.body
			s, rep, err := ReadDir(context.Background(), writeFiles(t, files), ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			gaps := gapStrings(s.Gaps)
			if tt.gap == "" && len(gaps) > 0 || tt.gap != "" && (len(gaps) != 1 || !strings.HasPrefix(gaps[0], tt.gap)) {
				t.Errorf("gaps %q, want %q", gaps, tt.gap)
			}
			if tt.note == "" && len(rep.SkippedFiles) > 0 || tt.note != "" && (len(rep.Skipped) != 1 || rep.Skipped[0].Reason != tt.note) {
				t.Errorf("skipped %v, want %q", rep.Skipped, tt.note)
			}
		})
	}
	t.Run("the empty file is the only gap for its output", func(t *testing.T) {
		files := coreFiles("us-east-1", "1")
		files["us-east-1/NetworkAcls.json"] = ""
		s, _, err := ReadDir(context.Background(), writeFiles(t, files), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "gaps", len(s.Gaps), 1)
	})
}

// TestReadDirSizeLimits: a file or a folder over its limit is refused
// before anything is decoded (issue 8, item 4).
func TestReadDirSizeLimits(t *testing.T) {
	dir := writeFiles(t, coreFiles("us-east-1", "1"))
	tests := []struct {
		name string
		opts ReadOptions
		want string
	}{
		{"one file over the per-file limit", ReadOptions{MaxFileSize: 100}, "us-east-1/Subnets.json: 112 bytes, over the 100 bytes limit for one file"},
		{"the files together over the total limit", ReadOptions{MaxTotalSize: 300}, "bytes, over the 300 bytes limit for one snapshot (7 JSON files)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadDir(context.Background(), dir, tt.opts)
			if !errors.Is(err, jsonin.ErrTooLarge) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	if _, _, err := ReadDir(context.Background(), dir, ReadOptions{MaxFileSize: -1, MaxTotalSize: -1}); err != nil {
		t.Errorf("without limits: %v", err)
	}
}

// TestReadDirStopsWhenContextIsDone: Ctrl-C was ignored while a snapshot
// loaded (issue 8, item 4).
func TestReadDirStopsWhenContextIsDone(t *testing.T) {
	dir := writeFiles(t, coreFiles("us-east-1", "1"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := ReadDir(ctx, dir, ReadOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// TestReadDirDuplicates: duplicate IDs with conflicting content were
// accepted silently and the answer depended on file order (issue 8,
// item 5).
func TestReadDirDuplicates(t *testing.T) {
	t.Run("identical content in two files is merged silently", func(t *testing.T) {
		files := coreFiles("us-east-1", "1")
		files["us-east-1/more/Subnets.json"] = files["us-east-1/Subnets.json"]
		s, rep, err := ReadDir(context.Background(), writeFiles(t, files), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		equal(t, "subnets", len(s.Subnets), 1)
		equal(t, "warnings", len(rep.Warnings), 0)
	})
	t.Run("conflicting content is an error naming both files", func(t *testing.T) {
		files := coreFiles("us-east-1", "1")
		files["us-east-1/more/Subnets.json"] = strings.Replace(files["us-east-1/Subnets.json"], "10.1.1.0/24", "10.1.2.0/24", 1)
		_, _, err := ReadDir(context.Background(), writeFiles(t, files), ReadOptions{})
		want := "us-east-1/Subnets.json and us-east-1/more/Subnets.json both describe subnet subnet-1, differently: cidr 10.1.1.0/24 in the first, 10.1.2.0/24 in the second; keep one"
		if err == nil || err.Error() != want {
			t.Fatalf("err = %v\nwant %s", err, want)
		}
	})
}

// TestReadDirTopLevelListAnswersLikeTheWholeOutput: the folder with
// SecurityGroups.json written by --query SecurityGroups imports exactly
// as the folder with the whole output (issue 8, item 2).
func TestReadDirTopLevelListAnswersLikeTheWholeOutput(t *testing.T) {
	whole := coreFiles("us-east-1", "1")
	whole["us-east-1/SecurityGroups.json"] = `{"SecurityGroups": [{"GroupId": "sg-1", "VpcId": "vpc-1", "IpPermissions": [
		{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}`
	query := merged(whole)
	query["us-east-1/SecurityGroups.json"] = `[{"GroupId": "sg-1", "VpcId": "vpc-1", "IpPermissions": [
		{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]`
	a, _, err := ReadDir(context.Background(), writeFiles(t, whole), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := ReadDir(context.Background(), writeFiles(t, query), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if x, y := marshal(t, a), marshal(t, b); x != y {
		t.Errorf("snapshots differ:\n%s\n---\n%s", x, y)
	}
}
