package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpcscope/vpcscope/reach/audit"
	"github.com/vpcscope/vpcscope/reach/audit/review"
)

var update = flag.Bool("update", false, "rewrite the golden report files in testdata/report")

// demoReview records a review of the demo's audit with two decisions: the
// SSH rule open to the world accepted as a risk, the blackhole route to
// fix. It returns the review file's path.
func demoReview(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "demo.review.json")
	if code, _, stderr := runMain(t, "", "audit", "--demo", "-o", "json", "--review", path, "--save-review"); code != 0 {
		t.Fatalf("record review: exit %d: %s", code, stderr)
	}
	rv, err := review.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for _, e := range rv.Entries {
		f := audit.Finding{Controls: []string{e.Control}, Resource: e.Resource, Rule: e.Rule, Severity: e.Severity, Message: e.Message}
		switch {
		case e.Control == "EC2.13" && e.Resource == "sg-075ef02371207f9e1":
			rv.Mark(&f, review.AcceptedRisk, "jump host; replaced by SSM in Q1", when)
		case e.Control == "VPCSCOPE.BLACKHOLE" && e.Resource == "rtb-0651ec8ad9dd09aa4":
			rv.Mark(&f, review.ToFix, "", when)
		}
	}
	if err := rv.Save(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestReportGolden: every output format of audit (with a review applied)
// and exposure on the demo account, compared with golden files
// (go test ./cmd/vpcscope -run TestReportGolden -update rewrites them).
func TestReportGolden(t *testing.T) {
	rv := demoReview(t)
	tests := []struct {
		name string
		args []string
	}{
		{"audit.txt", []string{"audit", "--demo", "--no-color", "--review", rv}},
		{"audit.json", []string{"audit", "--demo", "-o", "json", "--review", rv}},
		{"audit.md", []string{"audit", "--demo", "-o", "markdown", "--review", rv}},
		{"audit.html", []string{"audit", "--demo", "-o", "html", "--review", rv}},
		{"audit.sarif", []string{"audit", "--demo", "-o", "sarif", "--review", rv}},
		{"exposure.md", []string{"exposure", "--demo", "-o", "markdown"}},
		{"exposure.html", []string{"exposure", "--demo", "-o", "html"}},
		{"exposure.sarif", []string{"exposure", "--demo", "-o", "sarif"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runMain(t, "", tt.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			out = strings.ReplaceAll(out, rv, "REVIEW")
			golden := filepath.Join("testdata", "report", tt.name)
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if out != string(want) {
				t.Errorf("%s differs from %s (run with -update after checking the change)", tt.name, golden)
			}
		})
	}
}

// TestAuditReviewInCLI: --review lists accepted findings apart and --fail
// ignores them; a missing review file without --save-review is a one-line
// usage error; report formats are refused by commands that write none.
func TestAuditReviewInCLI(t *testing.T) {
	rv := demoReview(t)
	code, out, _ := runMain(t, "", "audit", "--demo", "--no-color", "--review", rv)
	if code != 0 || !strings.Contains(out, "accepted risks and false positives (not counted by --fail):") ||
		!strings.Contains(out, "[accepted risk]") || !strings.Contains(out, "note: jump host; replaced by SSM in Q1") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	var got struct {
		Review review.Walk `json:"review"`
	}
	_, js, _ := runMain(t, "", "audit", "--demo", "-o", "json", "--review", rv)
	if err := json.Unmarshal([]byte(js), &got); err != nil || len(got.Review.Settled) != 1 {
		t.Fatalf("json review: %v %+v", err, got.Review.Settled)
	}
	tests := []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"--fail counts the open high findings", []string{"audit", "--demo", "--severity", "high", "--fail", "--review", rv}, 1, ""},
		{"a missing review file: exit 2", []string{"audit", "--demo", "--review", filepath.Join(t.TempDir(), "none.json")}, 2, "no such file (record one with --save-review)"},
		{"--save-review without --review: exit 2", []string{"audit", "--demo", "--save-review"}, 2, "--save-review needs --review FILE"},
		{"a report format on inspect: exit 2", []string{"inspect", "--demo", "-o", "html"}, 2, "want text or json"},
		{"an unknown format on audit lists the five", []string{"audit", "--demo", "-o", "pdf"}, 2, "want text, json, markdown, html or sarif"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runMain(t, "", tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.inStderr) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Fatalf("exit %d, stderr %q; want %d with %q", code, stderr, tt.code, tt.inStderr)
			}
		})
	}
	// With every high finding but the accepted one open, --fail still
	// fails; accepting all of them passes.
	rvf, _ := review.Load(rv)
	_, js, _ = runMain(t, "", "audit", "--demo", "-o", "json", "--severity", "high")
	var rep audit.Report
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatal(err)
	}
	for i := range rep.Findings {
		rvf.Mark(&rep.Findings[i], review.FalsePositive, "", time.Time{})
	}
	if err := rvf.Save(rv); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runMain(t, "", "audit", "--demo", "--severity", "high", "--fail", "--review", rv); code != 0 {
		t.Errorf("every high finding settled: exit %d %s", code, stderr)
	}
}
