package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runMain runs the command line in-process and returns exit code, stdout
// and stderr.
func runMain(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, streams{in: strings.NewReader(stdin), out: &out, err: &errb})
	return code, out.String(), errb.String()
}

func TestExitCodesAndMessages(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{\n  \"schema\": 1,\n  \"vpcs\": [\n    {\"id\": \"vpc-1\",}\n  ]\n}"), 0o644); err != nil {
		t.Fatal(err)
	}
	dump := filepath.Join(dir, "dump", "us-east-1")
	if err := os.MkdirAll(dump, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dump, "Vpcs.json"), []byte(`{"Vpcs": [{"VpcId": 42}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"an SG reference from the app tier admits it: exit 0", []string{"reach", "--demo", "--from", "app-1a", "--to", "db-1a", "--port", "3306"}, 0, "✓ reachable", ""},
		{"the db SG admits only the app SG: exit 1 names the rule", []string{"reach", "--demo", "--from", "web-1a", "--to", "db-1a", "--port", "3306"}, 1, "open only from sg-01dfe7c8f9c2739ef", ""},
		{"unknown endpoint: exit 2 with close matches", []string{"reach", "--demo", "--from", "web-1", "--to", "db-1a", "--port", "3306"}, 2, "", "did you mean"},
		{"tcp without a port: exit 2", []string{"reach", "--demo", "--from", "web-1a", "--to", "db-1a"}, 2, "", "tcp needs a destination port"},
		{"malformed snapshot: exit 2 with file:line:column", []string{"inspect", "--snapshot", bad}, 2, "", "bad.json:4:20: malformed JSON"},
		{"wrong type in an AWS CLI file: exit 2 names the field", []string{"inspect", "--snapshot", filepath.Join(dir, "dump")}, 2, "", "Vpcs[0].VpcId"},
		{"missing snapshot path: exit 2", []string{"inspect", "--snapshot", filepath.Join(dir, "nope.json")}, 2, "", "no such file"},
		{"two sources: exit 2", []string{"inspect", "--demo", "--snapshot", bad}, 2, "", "choose one source"},
		{"no source: exit 2", []string{"inspect"}, 2, "", "pass --demo or --snapshot"},
		{"unknown resource to inspect: exit 2 with suggestions", []string{"inspect", "--demo", "storefront-db"}, 2, "", "did you mean"},
		{"bad output format: exit 2", []string{"inspect", "--demo", "-o", "yaml"}, 2, "", "want text or json"},
		{"unknown flag: exit 2", []string{"reach", "--demo", "--frm", "x"}, 2, "", "unknown flag"},
		{"version", []string{"--version"}, 0, "vpcscope " + version, ""},
		{"audit cites CIS and Security Hub controls", []string{"audit", "--demo"}, 0, "open-admin-sg (sg-075ef02371207f9e1)", ""},
		{"audit --fail exits 1 on high findings", []string{"audit", "--demo", "--severity", "high", "--fail"}, 1, "6 findings: 6 high", ""},
		{"audit with a bad severity: exit 2", []string{"audit", "--demo", "--severity", "urgent"}, 2, "", "want high, medium, low or info"},
		{"SSH from the internet says the rules admit only the corporate range", []string{"reach", "--demo", "--from", "internet", "--to", "web-1a", "--port", "22"}, 0, "internet (only 203.0.113.0/24) can reach web-1a", ""},
		{"inspect inventory counts kinds per region", []string{"inspect", "--demo"}, 0, "security-group", ""},
		{"inspect one group lists its rules and members", []string{"inspect", "--demo", "storefront-db-sg"}, 0, "Inbound rules", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runMain(t, "", tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out, errOut)
			}
			if !strings.Contains(out, tt.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantOut, out)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, errOut)
			}
			if tt.wantCode == 2 && strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("error is not one line:\n%s", errOut)
			}
		})
	}
}

func TestReachJSONContract(t *testing.T) {
	code, out, _ := runMain(t, "", "reach", "--demo", "--from", "web-1a", "--to", "db-1a", "--port", "3306", "-o", "json")
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	var a struct {
		Query     map[string]any `json:"query"`
		Reachable *bool          `json:"reachable"`
		Verdict   string         `json:"verdict"`
		Blocked   *struct {
			Layer, Resource, Rule, Direction, Code, Reason string
		} `json:"blocked"`
		Forward []map[string]any `json:"forward"`
		Return  []map[string]any `json:"return"`
		Caveats []string         `json:"caveats"`
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if a.Reachable == nil || *a.Reachable || a.Verdict != "unreachable" || a.Blocked == nil {
		t.Fatalf("answer %+v", a)
	}
	b := a.Blocked
	if b.Layer != "security-group" || b.Resource != "sg-0a881a8838796aca3" || b.Direction != "forward" ||
		b.Code != "ENI_SG_RULES_MISMATCH" || b.Rule == "" || b.Reason == "" {
		t.Fatalf("blocked %+v", b)
	}
	if len(a.Forward) == 0 || a.Return == nil || a.Caveats == nil {
		t.Fatalf("forward/return/caveats missing: %+v", a)
	}
	if strings.Contains(out, "\\u003e") {
		t.Error("JSON escapes '>' in packets")
	}
}

func TestBatchAnswersEveryLineInOrder(t *testing.T) {
	in := strings.Join([]string{
		`{"from":"app-1a","to":"db-1a","protocol":"tcp","port":3306}`,
		`{"from":"web-1a","to":"db-1a","port":3306}`,
		`{"from":"nobody","to":"db-1a","port":3306}`,
		`not json`,
		`{"from":"web-1a","to":"internet","protocol":"icmp"}`,
	}, "\n")
	code, out, errOut := runMain(t, in, "reach", "--demo", "--batch", "-")
	if code != 2 {
		t.Fatalf("exit %d, want 2 (two bad lines)\n%s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d answer lines, want 5:\n%s", len(lines), out)
	}
	wantReachable := []string{"true", "false", "", "", ""}
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d not JSON: %v", i+1, err)
		}
		switch i {
		case 2, 3:
			if m["error"] == nil || m["line"] == nil {
				t.Errorf("line %d: want an error object, got %v", i+1, m)
			}
		case 0, 1:
			if got := m["reachable"]; got != (wantReachable[i] == "true") {
				t.Errorf("line %d: reachable %v", i+1, got)
			}
		case 4:
			if m["verdict"] == nil {
				t.Errorf("line 5: %v", m)
			}
		}
	}
}

func TestNoColorMeansNoEscapes(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	_, out, _ := runMain(t, "", "reach", "--demo", "--from", "web-1a", "--to", "db-1a", "--port", "3306")
	if strings.Contains(out, "\x1b[") {
		t.Fatalf("NO_COLOR output has escape codes:\n%q", out)
	}
	for _, word := range []string{"✓ allow", "✗ deny", "✗ blocked"} {
		if !strings.Contains(out, word) {
			t.Errorf("verdict %q not readable without colour", word)
		}
	}
}

func TestWhoCanReachAndExposure(t *testing.T) {
	code, out, _ := runMain(t, "", "who-can-reach", "--demo", "--to", "db-1a", "--port", "3306", "-o", "json")
	if code != 0 {
		t.Fatalf("who-can-reach exit %d", code)
	}
	var who struct {
		Sources []struct{ Name string } `json:"sources"`
		Groups  []struct {
			Name      string `json:"name"`
			Reachable int    `json:"reachable"`
		} `json:"groups"`
	}
	if err := json.Unmarshal([]byte(out), &who); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range who.Sources {
		names = append(names, s.Name)
	}
	if strings.Join(names, ",") != "app-1a,app-1b" {
		t.Errorf("who can reach db-1a:3306 = %v, want the two app instances", names)
	}
	if len(who.Groups) != 1 || who.Groups[0].Name != "storefront-app-sg" || who.Groups[0].Reachable != 2 {
		t.Errorf("group summary %+v, want storefront-app-sg with 2 members through", who.Groups)
	}
	code, out, _ = runMain(t, "", "exposure", "--demo", "--port", "3389")
	if code != 0 || !strings.Contains(out, "windows-jump-1") {
		t.Fatalf("exposure on 3389 (exit %d) lacks the RDP host:\n%s", code, out)
	}
}

// TestHelpExamplesRun runs every --demo example in the commands' help, so
// what a newcomer copies from --help works.
func TestHelpExamplesRun(t *testing.T) {
	root := newRootCmd(streams{in: strings.NewReader(""), out: &bytes.Buffer{}, err: &bytes.Buffer{}})
	ran := 0
	for _, c := range root.Commands() {
		for _, line := range strings.Split(c.Example, "\n") {
			line = strings.TrimSpace(line)
			args := strings.Fields(line)
			if len(args) < 3 || args[0] != "vpcscope" || !strings.Contains(line, "--demo") ||
				strings.Contains(line, "|") || args[1] == "explore" || args[1] == "--demo" {
				continue
			}
			ran++
			code, _, errOut := runMain(t, "", args[1:]...)
			if code != exitOK && code != exitUnreachable {
				t.Errorf("%q: exit %d: %s", line, code, errOut)
			}
		}
	}
	if ran < 5 {
		t.Fatalf("only %d examples ran", ran)
	}
}
