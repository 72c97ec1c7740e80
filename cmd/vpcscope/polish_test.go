package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/model/awspull/fakeaws"
)

// Findings from trying the CLI as a new user would (issue 10, item 8),
// each reproduced as it was seen.
func TestCLIPolish(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		code    int
		check   func(t *testing.T, out, errOut string)
		wantOut []string
		notOut  []string
		wantErr []string
	}{
		{
			name: "--icmp-code's default is printed once in reach --help",
			args: []string{"reach", "--help"},
			check: func(t *testing.T, out, _ string) {
				for _, flag := range []string{"--icmp-code", "--icmp-type"} {
					line := lineWith(out, flag)
					if strings.Count(line, "default") != 1 {
						t.Errorf("%s help line: %q", flag, line)
					}
				}
			},
		},
		{
			name:   "completion --help lists no global source flags",
			args:   []string{"completion", "--help"},
			notOut: []string{"--snapshot", "--profile", "--demo", "Global Flags"},
		},
		{
			name:   "completion bash --help lists no global source flags",
			args:   []string{"completion", "bash", "--help"},
			notOut: []string{"--snapshot", "--endpoint-url"},
		},
		{
			name:    "a bare vpcscope explains the three sources instead of failing",
			args:    nil,
			wantOut: []string{"--demo", "--snapshot FILE", "--snapshot DIR", "--profile", "vpcscope --demo"},
		},
		{
			name:    "a command without a source names all three",
			args:    []string{"inspect"},
			code:    2,
			wantErr: []string{"pass --demo or --snapshot PATH", "--profile"},
		},
		{
			name:    "a mistyped command gets a did-you-mean",
			args:    []string{"reahc", "--demo"},
			code:    2,
			wantErr: []string{`unknown command "reahc"`, "did you mean reach?"},
		},
		{
			name:    "a mistyped subcommand gets a did-you-mean",
			args:    []string{"flowlogs", "explian", "--demo"},
			code:    2,
			wantErr: []string{`unknown command "explian" for "vpcscope flowlogs"`, "did you mean explain?"},
		},
		{
			name:    "a mistyped flag gets a did-you-mean",
			args:    []string{"reach", "--demo", "--frm", "web-1a"},
			code:    2,
			wantErr: []string{"unknown flag: --frm", "did you mean --from?"},
		},
		{
			name:    "a mistyped global flag gets a did-you-mean",
			args:    []string{"inspect", "--snapshto", "x.json"},
			code:    2,
			wantErr: []string{"unknown flag: --snapshto", "did you mean --snapshot?"},
		},
		{
			name:    "exposure counts in words: seventeen exposures across eight interfaces",
			args:    []string{"exposure", "--demo"},
			wantOut: []string{"17 exposures across 8 interfaces"},
			notOut:  []string{"(s)"},
		},
		{
			name:    "audit counts in words",
			args:    []string{"audit", "--demo", "--severity", "high"},
			wantOut: []string{"6 findings: 6 high, 0 medium, 0 low, 0 info"},
			notOut:  []string{"(s)"},
		},
		{
			name: "exposure columns stay aligned past an IPv6 address",
			args: []string{"exposure", "--demo"},
			check: func(t *testing.T, out, _ string) {
				checkAligned(t, out, "  ! ")
			},
		},
		{
			name: "audit's resource column stays aligned past five control IDs",
			args: []string{"audit", "--demo"},
			check: func(t *testing.T, out, _ string) {
				var cols []int
				for _, line := range strings.Split(out, "\n") {
					if m := regexp.MustCompile(`^(high|medium|low)\s+(CIS \S+|\S+)\s+`).FindString(line); m != "" {
						cols = append(cols, len([]rune(m)))
					}
				}
				for _, c := range cols {
					if c != cols[0] {
						t.Fatalf("resource column starts at %v", cols)
					}
				}
			},
		},
		{
			name: "reach's forward and return paths share their columns",
			args: []string{"reach", "--demo", "--from", "prod-api-1a", "--to", "dev-build-1a", "--port", "443"},
			code: 1,
			check: func(t *testing.T, out, _ string) {
				checkAligned(t, out, "  ✓ allow ", "  → forward ")
			},
		},
		{
			name:   "who-can-reach names a blocking route table once per line",
			args:   []string{"who-can-reach", "--demo", "--to", "web-1a", "--port", "443"},
			notOut: []string{"transit-gateway tgw-rtb-0fa85f0d1db537b98: transit gateway route table tgw-rtb-0fa85f0d1db537b98"},
			check: func(t *testing.T, out, _ string) {
				for _, line := range strings.Split(out, "\n") {
					for _, id := range regexp.MustCompile(`tgw-rtb-[0-9a-f]+|rtb-[0-9a-f]+`).FindAllString(line, -1) {
						if strings.Count(line, id) > 1 {
							t.Errorf("%s twice in %q", id, line)
						}
					}
				}
			},
		},
		{
			name:   "who-can-reach names the admitting rule of every source, never 'see admitted'",
			args:   []string{"who-can-reach", "--demo", "--to", "db-1a", "--port", "3306"},
			notOut: []string{"see admitted"},
			check: func(t *testing.T, out, _ string) {
				for _, line := range strings.Split(out, "\n") {
					if strings.HasPrefix(line, "  ✓ ") && !strings.Contains(line, "via sg-0a881a8838796aca3 ingress tcp/3306") {
						t.Errorf("source without its rule: %q", line)
					}
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runMain(t, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.notOut {
				if strings.Contains(out, w) {
					t.Errorf("stdout has %q:\n%s", w, out)
				}
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if tt.code == 2 && strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("error is not one line:\n%s", errOut)
			}
			if tt.check != nil {
				tt.check(t, out, errOut)
			}
		})
	}
}

// lineWith returns the first line of s that contains sub.
func lineWith(s, sub string) string {
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, sub) {
			return line
		}
	}
	return ""
}

// checkAligned checks that, on the lines starting with one of the
// prefixes, every column after the first starts at the same place: the
// n-th run of two or more spaces ends at the same rune offset.
func checkAligned(t *testing.T, out string, prefixes ...string) {
	t.Helper()
	gap := regexp.MustCompile(`\S(\s{2,})\S`)
	var first [][]int
	for _, line := range strings.Split(out, "\n") {
		ok := false
		for _, p := range prefixes {
			ok = ok || strings.HasPrefix(line, p)
		}
		if !ok {
			continue
		}
		var starts []int
		for _, m := range gap.FindAllStringIndex(line, -1) {
			starts = append(starts, len([]rune(line[:m[1]-1])))
		}
		first = append(first, starts)
	}
	if len(first) < 2 {
		t.Fatalf("fewer than two lines start with %q:\n%s", prefixes, out)
	}
	for _, starts := range first[1:] {
		for i := 0; i < min(len(starts), len(first[0]), 3); i++ {
			if starts[i] != first[0][i] {
				t.Fatalf("columns start at %v and %v:\n%s", first[0], starts, out)
			}
		}
	}
}

// A live pull prints its own lines and warnings only: the AWS SDK's log
// lines (retries, a response it could not drain) never reach stderr.
func TestLivePullPrintsNoSDKLogLines(t *testing.T) {
	srv := fakeAWS(t, "three-tier")
	srv.AddFault(fakeaws.Fault{Action: "DescribeNetworkAcls", Code: "UnauthorizedOperation", Status: 403})
	srv.AddFault(fakeaws.Fault{Action: "DescribeSubnets", Code: "RequestLimitExceeded", Status: 503, Times: 2})
	code, _, errOut := runCLI(t, "inspect", "--endpoint-url", srv.URL, "--region", "us-east-1")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, line := range strings.Split(strings.TrimSpace(errOut), "\n") {
		if !strings.HasPrefix(line, "vpcscope: ") {
			t.Errorf("a line on stderr that is not vpcscope's: %q", line)
		}
	}
}
