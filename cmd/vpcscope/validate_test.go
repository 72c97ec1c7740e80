package main

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/awspull/fakeaws"
	"github.com/vpcscope/vpcscope/model/snapfile"
)

// brokenThreeTier returns the three-tier fixture changed by breakIt.
func brokenThreeTier(t *testing.T, breakIt func(*model.Snapshot)) *model.Snapshot {
	t.Helper()
	s, err := fixtures.Load("three-tier")
	if err != nil {
		t.Fatal(err)
	}
	breakIt(s)
	return s
}

// writeBroken writes the three-tier fixture changed by breakIt as a
// snapshot file and returns its path.
func writeBroken(t *testing.T, breakIt func(*model.Snapshot)) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "broken.json")
	if err := snapfile.Write(path, brokenThreeTier(t, breakIt)); err != nil {
		t.Fatal(err)
	}
	return path
}

func webGroupRule(s *model.Snapshot) *model.SGRule {
	for _, g := range s.SecurityGroups {
		if g.Name() == "storefront-web-sg" {
			return &g.Ingress[0] // tcp/80 from 0.0.0.0/0
		}
	}
	return nil
}

func webACLEntry(s *model.Snapshot) *model.ACLEntry {
	for _, a := range s.NetworkACLs {
		if a.ID == "acl-0aeba6d8fc245f1dd" {
			return &a.Entries[0] // ingress rule 100 tcp/80 from 0.0.0.0/0
		}
	}
	return nil
}

// TestLoadRefusesValuesAWSCannotReturn is issue 8 item 7: snapshots with
// these values loaded and gave answers (a negative port opened every port,
// a reversed range none); now every command fails with exit 2 and one line
// naming the resource and the field.
func TestLoadRefusesValuesAWSCannotReturn(t *testing.T) {
	for _, tc := range []struct {
		name    string
		breakIt func(*model.Snapshot)
		want    string
	}{
		{"fromPort greater than toPort", func(s *model.Snapshot) {
			r := webGroupRule(s)
			r.FromPort, r.ToPort = 8080, 80
		}, "sg-0afa569aa3fb873cc ingress[0]: fromPort 8080 is greater than toPort 80"},
		{"negative port treated as all ports", func(s *model.Snapshot) {
			webGroupRule(s).FromPort = -1
		}, "sg-0afa569aa3fb873cc ingress[0].fromPort: -1 is not a tcp port"},
		{"NACL range reversed", func(s *model.Snapshot) {
			webACLEntry(s).PortRange = &model.PortRange{From: 443, To: 80}
		}, "acl-0aeba6d8fc245f1dd entries[0].portRange: runs backwards"},
		{"negative NACL rule number", func(s *model.Snapshot) {
			webACLEntry(s).RuleNumber = -100
		}, "acl-0aeba6d8fc245f1dd entries[0].ruleNumber: -100 is outside 1-32766"},
		{"CIDR with host bits set", func(s *model.Snapshot) {
			webGroupRule(s).CIDR = netip.MustParsePrefix("203.0.113.9/24")
		}, "sg-0afa569aa3fb873cc ingress[0].cidr: 203.0.113.9/24 has host bits set"},
		{"::/0 in an IPv4 field", func(s *model.Snapshot) {
			s.VPCs[0].CIDRs[0] = netip.MustParsePrefix("::/0")
		}, "vpc-0ed7c08ef5c77deaa cidrs[0]: ::/0 is not an IPv4 block"},
		{"two interfaces with one address", func(s *model.Snapshot) {
			s.NetworkInterfaces[1].PrivateIPs[0].Address = s.NetworkInterfaces[0].PrivateIPs[0].Address
		}, "eni-0999123992958d61b privateIps[0].address: 10.0.0.200 is also an address of eni-045341d0aedd60780"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeBroken(t, tc.breakIt)
			code, out, errOut := runCLI(t, "reach", "--snapshot", path, "--from", "internet", "--to", "web-1a", "--port", "80")
			if code != exitBadInput {
				t.Fatalf("exit %d, want 2\nstdout: %s\nstderr: %s", code, out, errOut)
			}
			if !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, errOut)
			}
			if strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("error is not one line:\n%s", errOut)
			}
			if out != "" {
				t.Errorf("an answer was printed:\n%s", out)
			}
		})
	}
}

// TestLoadListsSeveralInvalidValuesOnePerLine: several errors are listed
// one per line (at most maxListedProblems), then one line with the total.
func TestLoadListsSeveralInvalidValuesOnePerLine(t *testing.T) {
	path := writeBroken(t, func(s *model.Snapshot) {
		for _, g := range s.SecurityGroups {
			for i := range g.Ingress {
				if g.Ingress[i].Protocol == model.ProtocolTCP {
					g.Ingress[i].FromPort = 70000
				}
			}
		}
	})
	code, _, errOut := runCLI(t, "inspect", "--snapshot", path)
	if code != exitBadInput {
		t.Fatalf("exit %d, want 2\n%s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if len(lines) < 3 {
		t.Fatalf("want each error on a line and a summary, got:\n%s", errOut)
	}
	for _, l := range lines[:len(lines)-1] {
		if !strings.Contains(l, ".fromPort: 70000 is not a tcp port") {
			t.Errorf("listed line %q does not name the field", l)
		}
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, "values AWS cannot return (listed above)") {
		t.Errorf("last line %q does not sum up", last)
	}
}

// TestLoadRefusesInvalidValuesFromEverySource: a folder of AWS CLI output
// and a live pull are validated like a snapshot file.
func TestLoadRefusesInvalidValuesFromEverySource(t *testing.T) {
	t.Run("folder of AWS CLI output", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "us-east-1")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		files := map[string]string{
			"vpcs.json":    `{"Vpcs": [{"VpcId": "vpc-0123456789abcdef0", "CidrBlock": "10.0.0.0/16", "OwnerId": "111122223333"}]}`,
			"subnets.json": `{"Subnets": [{"SubnetId": "subnet-0123456789abcdef0", "VpcId": "vpc-0123456789abcdef0", "CidrBlock": "10.0.1.7/24"}]}`,
		}
		for name, doc := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(doc), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		code, _, errOut := runCLI(t, "inspect", "--snapshot", filepath.Dir(dir))
		if code != exitBadInput || !strings.Contains(errOut, "subnet-0123456789abcdef0 cidr: 10.0.1.7/24 has host bits set") {
			t.Fatalf("exit %d, stderr:\n%s", code, errOut)
		}
	})
	t.Run("live pull", func(t *testing.T) {
		srv := fakeAWS(t, "three-tier")
		srv.Close()
		bad := fakeaws.New(brokenThreeTier(t, func(s *model.Snapshot) {
			r := webGroupRule(s)
			r.FromPort, r.ToPort = 8080, 80
		}))
		defer bad.Close()
		code, _, errOut := runCLI(t, "reach", "--endpoint-url", bad.URL, "--region", "us-east-1", "--quiet",
			"--from", "internet", "--to", "web-1a", "--port", "80")
		if code != exitBadInput || !strings.Contains(errOut, "live pull: invalid value: sg-0afa569aa3fb873cc ingress[0]: fromPort 8080 is greater than toPort 80") {
			t.Fatalf("exit %d, stderr:\n%s", code, errOut)
		}
	})
	t.Run("snapshot command writes nothing", func(t *testing.T) {
		srv := fakeAWS(t, "three-tier")
		srv.Close()
		bad := fakeaws.New(brokenThreeTier(t, func(s *model.Snapshot) { webACLEntry(s).RuleNumber = 0 }))
		defer bad.Close()
		out := filepath.Join(t.TempDir(), "snap.json")
		code, _, errOut := runCLI(t, "snapshot", "--endpoint-url", bad.URL, "--region", "us-east-1", "--quiet", "--out", out)
		if code != exitBadInput || !strings.Contains(errOut, "entries[0].ruleNumber: 0 is outside 1-32766") {
			t.Fatalf("exit %d, stderr:\n%s", code, errOut)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("a snapshot that fails validation was written: %v", err)
		}
	})
}

// TestLoadWarnsOfValidationNotes: what a real account can hold (a route to
// a NAT gateway deleted since) loads, with one warning line counting the
// notes; the demo, whose notes are deliberate, loads silently.
func TestLoadWarnsOfValidationNotes(t *testing.T) {
	path := writeBroken(t, func(s *model.Snapshot) { s.NATGateways = s.NATGateways[:1] })
	code, _, errOut := runCLI(t, "reach", "--snapshot", path, "--from", "web-1a", "--to", "internet", "--port", "443")
	if code != exitOK && code != exitUnreachable {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if !strings.Contains(errOut, "vpcscope: warning: "+path+": 1 note from validation (--notes lists them); first: rtb-") ||
		!strings.Contains(errOut, "is not in the snapshot") {
		t.Errorf("stderr lacks the notes warning:\n%s", errOut)
	}
	code, _, errOut = runCLI(t, "reach", "--demo", "--from", "app-1a", "--to", "db-1a", "--port", "3306")
	if code != exitOK || errOut != "" {
		t.Errorf("demo: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "reach", "--snapshot", path, "-o", "json", "--from", "web-1a", "--to", "internet", "--port", "443")
	if (code != exitOK && code != exitUnreachable) || strings.Contains(errOut, "note") {
		t.Errorf("-o json: exit %d, stderr %q", code, errOut)
	}
}
