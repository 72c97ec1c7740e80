package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model/awspull/fakeaws"
	"github.com/vpcscope/vpcscope/model/snapfile"
)

// fakeAWS serves a fixture as account 111122223333 and points the SDK's
// environment at it, away from any real account.
func fakeAWS(t *testing.T, fixture string) *fakeaws.Server {
	t.Helper()
	snap, err := fixtures.Load(fixture)
	if err != nil {
		t.Fatal(err)
	}
	srv := fakeaws.New(snap)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ACCESS_KEY_ID", fakeaws.AccessKey("111122223333"))
	t.Setenv("AWS_SECRET_ACCESS_KEY", fakeaws.Secret)
	return srv
}

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, streams{strings.NewReader(""), &out, &errb})
	return code, out.String(), errb.String()
}

func TestSnapshotCommand(t *testing.T) {
	srv := fakeAWS(t, "three-tier")
	path := filepath.Join(t.TempDir(), "snap.json")
	code, out, errs := runCLI(t, "snapshot", "--endpoint-url", srv.URL, "--region", "us-east-1", "--out", path)
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	if !strings.HasPrefix(out, "wrote "+path+": ") {
		t.Errorf("stdout: %q", out)
	}
	// Not a terminal: a plain line per operation, then the summary.
	for _, want := range []string{
		"vpcscope: 111122223333/us-east-1 security-group DescribeSecurityGroups: 1 call, 6 items",
		"vpcscope: 111122223333/us-east-1 load-balancer DescribeListeners: 1 call, 1 item",
		"vpcscope: pulled 111122223333 (us-east-1): ",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	t.Logf("progress output:\n%s", errs)
	snap, _, err := snapfile.Read(context.Background(), path, snapfile.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if snap.Source != "aws" || !strings.HasPrefix(snap.Tool, "vpcscope ") || snap.TakenAt.IsZero() ||
		len(snap.Scopes) != 1 || snap.Scopes[0].Account != "111122223333" || len(snap.SecurityGroups) != 6 {
		t.Errorf("snapshot: source %q tool %q taken %v scopes %v, %d groups", snap.Source, snap.Tool, snap.TakenAt, snap.Scopes, len(snap.SecurityGroups))
	}
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*.tmp"))
	if len(matches) > 0 {
		t.Errorf("temporary files left: %v", matches)
	}
}

func TestLiveSourceOnOtherCommands(t *testing.T) {
	srv := fakeAWS(t, "three-tier")
	// Denied network ACLs: the answer must carry the gap, and the
	// warning must say what to grant.
	srv.AddFault(fakeaws.Fault{Action: "DescribeNetworkAcls", Code: "UnauthorizedOperation", Status: 403})
	code, out, errs := runCLI(t, "inspect", "--endpoint-url", srv.URL, "--region", "us-east-1", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	if strings.Contains(errs, "DescribeSecurityGroups:") {
		t.Errorf("--quiet printed progress:\n%s", errs)
	}
	for _, want := range []string{
		"vpcscope: pulled 111122223333 (us-east-1)",
		"vpcscope: warning: network-acl not collected in 111122223333/us-east-1 (DescribeNetworkAcls: UnauthorizedOperation): not allowed: grant ec2:DescribeNetworkAcls",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if !strings.Contains(out, "network-acl") {
		t.Errorf("inventory does not mention the missing network ACLs:\n%s", out)
	}
}

func TestLiveErrors(t *testing.T) {
	srv := fakeAWS(t, "three-tier")
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"region and all regions", []string{"snapshot", "--region", "us-east-1", "--all-regions"}, nil, "choose --region or --all-regions"},
		{"no region", []string{"snapshot", "--endpoint-url", srv.URL}, nil, "no AWS region for the default profile: pass --region"},
		{"bad region", []string{"snapshot", "--region", "us-est-1", "--endpoint-url", srv.URL}, nil, `"us-est-1" is not an AWS region name`},
		{"no credentials", []string{"snapshot", "--region", "us-east-1", "--endpoint-url", srv.URL},
			map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}, "no AWS credentials found for the default profile: run `aws configure`"},
		{"unknown profile", []string{"snapshot", "--profile", "nope", "--region", "us-east-1"}, nil, `AWS profile "nope" is not in the shared config`},
		{"rejected credentials", []string{"snapshot", "--region", "us-east-1", "--endpoint-url", srv.URL},
			map[string]string{"AWS_ACCESS_KEY_ID": fakeaws.AccessKey("999999999999")}, "AWS rejected the credentials of the default profile (InvalidClientTokenId)"},
		{"demo and live", []string{"inspect", "--demo", "--region", "us-east-1"}, nil, "choose one source"},
		{"zero call timeout", []string{"snapshot", "--region", "us-east-1", "--endpoint-url", srv.URL, "--call-timeout", "0s"}, nil,
			"--call-timeout 0s: want a positive duration, like 30s or 2m"},
		{"negative header timeout", []string{"snapshot", "--region", "us-east-1", "--endpoint-url", srv.URL, "--response-header-timeout=-1s"}, nil,
			"--response-header-timeout -1s: want a positive duration"},
		{"timeout without a unit", []string{"snapshot", "--region", "us-east-1", "--call-timeout", "30"}, nil,
			`invalid argument "30" for "--call-timeout" flag`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, _, errs := runCLI(t, tt.args...)
			t.Log(errs)
			if code == 0 || !strings.Contains(errs, tt.want) || strings.Count(strings.TrimSpace(errs), "\n") > 0 {
				t.Errorf("exit %d, stderr %q; want one line with %q", code, errs, tt.want)
			}
		})
	}
}

// TestSnapshotOfAHangingAndOddEndpoint: issue 8 items 10 and 12 through
// the CLI. A call that never answers ends, after --call-timeout, as a
// one-line gap warning naming the flag; a route the model refuses is
// dropped alone, with a one-line warning naming its route table; the
// snapshot is written, and -o json lists the notes. Every line on stderr
// is vpcscope's own (the SDK's log lines would break them).
func TestSnapshotOfAHangingAndOddEndpoint(t *testing.T) {
	srv := fakeAWS(t, "three-tier")
	srv.AddFault(fakeaws.Fault{Action: "DescribeNetworkAcls", HangBody: true})
	srv.AddFault(fakeaws.Fault{Action: "DescribeRouteTables", Rewrite: func(body string) string {
		return strings.Replace(body, "<destinationCidrBlock>10.0.0.0/16<", "<destinationCidrBlock>local<", 1)
	}})
	path := filepath.Join(t.TempDir(), "snap.json")
	code, out, errs := runCLI(t, "snapshot", "--endpoint-url", srv.URL, "--region", "us-east-1", "--out", path, "--quiet", "-o", "json",
		"--call-timeout", "2s", "--response-header-timeout", "1h")
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	for _, want := range []string{
		"vpcscope: warning: network-acl not collected in 111122223333/us-east-1 (DescribeNetworkAcls: Timeout): ec2:DescribeNetworkAcls got no complete answer within 2s (1 attempt): the endpoint may be hanging; raise --call-timeout if it is only slow\n",
		`vpcscope: warning: 111122223333/us-east-1 route-table DescribeRouteTables: rtb-01f245b6350bb6ea8 Routes[0]: DestinationCidrBlock: invalid CIDR block "local"; dropped Routes[0], kept the rest of rtb-01f245b6350bb6ea8` + "\n",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	for _, line := range strings.Split(strings.TrimSuffix(errs, "\n"), "\n") {
		if !strings.HasPrefix(line, "vpcscope: ") {
			t.Errorf("stray line on stderr: %q", line)
		}
	}
	if !strings.Contains(out, `"notes": [`+"\n"+`    "111122223333/us-east-1 route-table DescribeRouteTables: rtb-01f245b6350bb6ea8 Routes[0]`) {
		t.Errorf("-o json lacks the note:\n%s", out)
	}
	snap, _, err := snapfile.Read(context.Background(), path, snapfile.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.RouteTables) != 4 || len(snap.NetworkACLs) != 0 || len(snap.Gaps) != 1 {
		t.Errorf("%d route tables, %d network ACLs, gaps %v", len(snap.RouteTables), len(snap.NetworkACLs), snap.Gaps)
	}
}
