package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeDump lays out a folder of AWS CLI outputs (path -> content).
func writeDump(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// coreDump is one Region with every core output.
func coreDump() map[string]string {
	return map[string]string{
		"us-east-1/Vpcs.json":              `{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "OwnerId": "111111111111"}]}`,
		"us-east-1/Subnets.json":           `{"Subnets": []}`,
		"us-east-1/RouteTables.json":       `{"RouteTables": []}`,
		"us-east-1/SecurityGroups.json":    `{"SecurityGroups": []}`,
		"us-east-1/NetworkAcls.json":       `{"NetworkAcls": []}`,
		"us-east-1/NetworkInterfaces.json": `{"NetworkInterfaces": []}`,
		"us-east-1/Reservations.json":      `{"Reservations": []}`,
	}
}

// TestImportNotesAreReachable: notes were hidden behind "first: ..." and
// inspect claimed every kind was collected while files were skipped
// (issue 8, item 2).
func TestImportNotesAreReachable(t *testing.T) {
	files := coreDump()
	files["us-east-1/RdsInstances.json"] = `{"DBInstances": []}`
	files["us-east-1/Vpcs.json"] = `{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "OwnerId": "111111111111"}], "Frobnicators": []}`
	dir := writeDump(t, files)

	code, out, errOut := runMain(t, "", "inspect", "--snapshot", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if want := "vpcscope: warning: " + dir + ": 1 file skipped, 2 notes from the import; --notes lists them\n"; !strings.HasPrefix(errOut, want) {
		t.Errorf("stderr\n got %q\nwant it to start with %q", errOut, want)
	}
	for _, l := range strings.Split(strings.TrimSpace(errOut), "\n") {
		if !strings.HasPrefix(l, "vpcscope: warning: ") || !strings.Contains(l, "--notes lists them") {
			t.Errorf("stderr line %q is not a warning that --notes lists the notes", l)
		}
	}
	if want := "gaps:     none recorded, but 1 file(s) were skipped (--notes lists them)"; !strings.Contains(out, want) || strings.Contains(out, "every kind was collected") {
		t.Errorf("inventory does not say files were skipped:\n%s", out)
	}

	code, _, errOut = runMain(t, "", "inspect", "--snapshot", dir, "--notes")
	want := "vpcscope: note: skipped key DBInstances in us-east-1/RdsInstances.json: not used by the network model\n" +
		"vpcscope: note: skipped key Frobnicators in us-east-1/Vpcs.json: unrecognised key\n"
	if code != 0 || !strings.HasPrefix(errOut, want) || strings.Contains(errOut, "warning") {
		t.Errorf("--notes: exit %d, stderr\n%s\nwant it to start with\n%s", code, errOut, want)
	}
	// the validation's notes (this minimal folder has no main route table, ...) are listed too
	if !strings.Contains(strings.TrimPrefix(errOut, want), "vpcscope: note: vpc-1") {
		t.Errorf("--notes does not list the validation's notes:\n%s", errOut)
	}
}

// TestSeveralBadFilesOneLineEach: several file errors were joined on one
// line with no separator (issue 8, item 11).
func TestSeveralBadFilesOneLineEach(t *testing.T) {
	files := coreDump()
	files["us-east-1/Vpcs.json"] = `{"Vpcs": [}`
	files["us-east-1/Subnets.json"] = `{"Subnets": [{"SubnetId": 1}]}`
	code, _, errOut := runMain(t, "", "inspect", "--snapshot", writeDump(t, files))
	want := "vpcscope: us-east-1/Subnets.json:1:27: Subnets[0].SubnetId: want string, got number\n" +
		"vpcscope: us-east-1/Vpcs.json:1:11: invalid JSON: invalid character '}' looking for beginning of value\n"
	if code != exitBadInput || errOut != want {
		t.Fatalf("exit %d, stderr\n%s\nwant exit 2 and\n%s", code, errOut, want)
	}
}

// TestSnapshotInputIsBounded: --snapshot /dev/zero exhausted memory, and
// nothing bounded a load (issue 8, item 4).
func TestSnapshotInputIsBounded(t *testing.T) {
	dir := writeDump(t, coreDump())
	tests := []struct {
		name    string
		args    []string
		code    int
		wantErr string
	}{
		{"a device is refused at once", []string{"inspect", "--snapshot", "/dev/zero"}, exitBadInput,
			"vpcscope: read snapshot /dev/zero: a character device, neither a snapshot file nor a folder of AWS CLI outputs\n"},
		{"a folder over --max-input-size says how to raise it", []string{"inspect", "--snapshot", dir, "--max-input-size", "100"}, exitBadInput,
			"over the 100 bytes limit for one snapshot (7 JSON files): input too large; raise the limit with --max-input-size\n"},
		{"a size with a unit", []string{"inspect", "--snapshot", dir, "--max-input-size", "1KiB"}, exitOK, ""},
		{"a size that is no size", []string{"inspect", "--snapshot", dir, "--max-input-size", "lots"}, exitBadInput,
			"vpcscope: --max-input-size lots: want a size such as 4GiB, 500MB or 1073741824\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runMain(t, "", tt.args...)
			if code != tt.code || !strings.HasSuffix(errOut, tt.wantErr) || strings.Count(errOut, "\n") > 1 {
				t.Fatalf("exit %d, stderr %q; want exit %d and %q", code, errOut, tt.code, tt.wantErr)
			}
		})
	}
}

// TestInterruptedLoadIsAFailure: Ctrl-C while a snapshot loads stops it,
// with exit 3 (issue 8, item 4).
func TestInterruptedLoadIsAFailure(t *testing.T) {
	dir := writeDump(t, coreDump())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb strings.Builder
	code := run(ctx, []string{"inspect", "--snapshot", dir}, streams{in: strings.NewReader(""), out: &out, err: &errb})
	if code != exitFailure || !strings.Contains(errb.String(), "context canceled") {
		t.Fatalf("exit %d, stderr %q; want exit 3", code, errb.String())
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"1073741824", 1 << 30}, {"2GiB", 2 << 30}, {"2G", 2 << 30}, {"2gib", 2 << 30}, {"500MB", 500e6},
		{"512MiB", 512 << 20}, {"1 TiB", 1 << 40}, {"10KB", 10000}, {"7B", 7},
	}
	for _, tt := range tests {
		if got, err := parseSize(tt.in); err != nil || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "GiB", "-1", "0", "2XB", "1.5GiB", "99999999999TiB"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) succeeded", bad)
		}
	}
}
