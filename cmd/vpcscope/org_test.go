package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model/awspull/fakeaws"
	"github.com/vpcscope/vpcscope/model/snapfile"
)

const orgRoleName = "VpcscopeRead"

func orgTestConfig() fixtures.OrgConfig {
	return fixtures.OrgConfig{Seed: 2, Accounts: 3, Regions: []string{"us-east-1", "eu-west-1"}, VPCs: 6, SubnetsPerVPC: 6,
		Interfaces: 200, SecurityGroups: 30, Rules: 150}
}

// fakeOrg serves a generated organization managed by 111122223333 (the
// account of fakeAWS's credentials), with one more account that lacks
// the role.
func fakeOrg(t *testing.T) *fakeaws.Server {
	t.Helper()
	srv := fakeAWS(t, "three-tier")
	srv.Close()
	srv = fakeaws.New(fixtures.Org(orgTestConfig()))
	t.Cleanup(srv.Close)
	org := fakeaws.Organization{Management: "111122223333", Root: "r-ab12",
		Accounts: []fakeaws.OrgAccount{{ID: "111122223333", Name: "management"}, {ID: "219999999998", Name: "no-role"}}}
	for _, id := range fixtures.OrgAccounts(orgTestConfig()) {
		org.Accounts = append(org.Accounts, fakeaws.OrgAccount{ID: id, Name: "member", Roles: []string{orgRoleName}, ExternalID: "ext-42"})
	}
	srv.SetOrganization(org)
	return srv
}

// TestSnapshotOrgEndToEnd: snapshot --org pulls the fake organization,
// shows accounts done out of the total, records the account without the
// role as a warning and a gap, and no credential of any account reaches
// the snapshot file, the standard output or the standard error.
func TestSnapshotOrgEndToEnd(t *testing.T) {
	srv := fakeOrg(t)
	path := filepath.Join(t.TempDir(), "org.json")
	code, out, errs := runCLI(t, "snapshot", "--org", "--role-name", orgRoleName, "--external-id", "ext-42",
		"--endpoint-url", srv.URL, "--region", "us-east-1,eu-west-1", "--out", path)
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	for _, want := range []string{
		"vpcscope: account 210000000001 read",
		"accounts done",
		"5/5 accounts done",
		"not collected in 219999999998 (all regions)",
		"could not assume arn:aws:iam::219999999998:role/" + orgRoleName,
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	snap, _, err := snapfile.Read(context.Background(), path, snapfile.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Scopes) != 8 || snap.Schema != 2 { // 4 accounts read, 2 regions each
		t.Errorf("schema %d, scopes %v", snap.Schema, snap.Scopes)
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{fakeaws.Secret, "ext-42"}
	for _, a := range fixtures.OrgAccounts(orgTestConfig()) {
		secrets = append(secrets, fakeaws.AssumedSecret(a), fakeaws.SessionToken(a), "ASIA"+a)
	}
	for _, s := range secrets {
		for where, text := range map[string]string{"the snapshot": string(file), "stdout": out, "stderr": errs} {
			if strings.Contains(text, s) {
				t.Errorf("%s holds the secret %q", where, s)
			}
		}
	}
}

// TestSnapshotUpdateReplacesOneAccount: --update re-pulls the accounts
// named and keeps the others as they were.
func TestSnapshotUpdateReplacesOneAccount(t *testing.T) {
	srv := fakeOrg(t)
	path := filepath.Join(t.TempDir(), "org.json")
	base := []string{"snapshot", "--org", "--role-name", orgRoleName, "--external-id", "ext-42", "--endpoint-url", srv.URL, "--region", "us-east-1", "--quiet"}
	if code, out, errs := runCLI(t, append(base, "--out", path)...); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	before, _, err := snapfile.Read(context.Background(), path, snapfile.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	calls := srv.Calls()["sts:AssumeRole"]
	member := fixtures.OrgAccounts(orgTestConfig())[1]
	if code, out, errs := runCLI(t, append(base, "--update", path, "--accounts", member)...); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if n := srv.Calls()["sts:AssumeRole"] - calls; n != 1 {
		t.Errorf("--update assumed %d roles, want 1", n)
	}
	after, _, err := snapfile.Read(context.Background(), path, snapfile.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(after.NetworkInterfaces) != len(before.NetworkInterfaces) || len(after.Scopes) != len(before.Scopes) ||
		len(after.Gaps) != len(before.Gaps) {
		t.Errorf("after --update: %d interfaces, %v scopes, %d gaps; before: %d, %v, %d", len(after.NetworkInterfaces), after.Scopes,
			len(after.Gaps), len(before.NetworkInterfaces), before.Scopes, len(before.Gaps))
	}
}

func TestSnapshotOrgFlags(t *testing.T) {
	srv := fakeAWS(t, "three-tier")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"role name without --org", []string{"--role-name", "x", "--region", "us-east-1"}, "--role-name, --external-id, --exclude-accounts and --ou go with --org"},
		{"accounts without --org or --update", []string{"--accounts", "111122223333", "--region", "us-east-1"}, "--accounts goes with --org or --update"},
		{"update without accounts", []string{"--update", "x.json", "--region", "us-east-1"}, "--update: name the accounts to re-pull with --accounts"},
		{"accounts and exclusions", []string{"--org", "--accounts", "111122223333", "--exclude-accounts", "444455556666", "--region", "us-east-1"},
			"choose the accounts to pull or the accounts to leave out, not both"},
		{"no organization", []string{"--org", "--region", "us-east-1"}, "is in no organization (AWSOrganizationsNotInUseException)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"snapshot", "--quiet", "--endpoint-url", srv.URL, "--out", filepath.Join(t.TempDir(), "s.json")}, tt.args...)
			code, _, errs := runCLI(t, args...)
			if code == 0 || !strings.Contains(errs, tt.want) || strings.Count(strings.TrimSpace(errs), "\n") > 0 {
				t.Errorf("exit %d, stderr %q, want one line with %q", code, errs, tt.want)
			}
		})
	}
}

func TestSnapshotOrgPrintPolicy(t *testing.T) {
	code, out, errs := runCLI(t, "snapshot", "--org", "--role-name", "audit/VpcscopeRead", "--external-id", "ext-1", "--print-policy")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"// 1. The caller's permissions", `"organizations:ListAccounts"`, `"arn:aws:iam::*:role/audit/VpcscopeRead"`,
		"// 2. The permissions of role audit/VpcscopeRead", `"ec2:DescribeSecurityGroups"`,
		"// 3. The trust policy of that role", `"sts:ExternalId": "ext-1"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("policy lacks %q:\n%s", want, out)
		}
	}
}
