package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/flowexplain"
)

// demoLogs writes synthetic demo flow logs (v2 with a header, as S3 files)
// into a folder and returns it.
func demoLogs(t *testing.T, extra string) string {
	t.Helper()
	snap, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	syn, err := flowexplain.Synthesize(reach.New(snap), flowexplain.SynthOptions{Seed: 3, Connections: 150, Windows: 2})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := syn.Write(&buf, flowexplain.VariantV2); err != nil {
		t.Fatal(err)
	}
	buf.WriteString(extra)
	dir := t.TempDir()
	path := filepath.Join(dir, "AWSLogs", "flows.log")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestFlowLogsExplain(t *testing.T) {
	good := demoLogs(t, "")
	bad := demoLogs(t, "2 111122223333 eni-1 10.0.0.x 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK\n")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"text: rejected traffic grouped by rule, then disagreements and unknowns", []string{"flowlogs", "explain", "--demo", good, "--no-color"}, 0,
			"Rejected traffic, by the rule that rejects it", ""},
		{"text names the planted interface the snapshot lacks", []string{"flowlogs", "explain", "--demo", good}, 0,
			"interface eni-0fffffffffffffff0 is not in the snapshot", ""},
		{"a malformed line is reported with file and line, the run goes on, exit 2", []string{"flowlogs", "explain", "--demo", bad}, 2,
			"Disagreements", "flows.log:"},
		{"no sources: exit 2", []string{"flowlogs", "explain", "--demo"}, 2, "", "no flow logs"},
		{"a bad --format: exit 2", []string{"flowlogs", "explain", "--demo", good, "--format", "${nope}"}, 2, "", "--format"},
		{"a missing file is reported and skipped: exit 2", []string{"flowlogs", "explain", "--demo", filepath.Join(good, "nope.log")}, 2, "", "no such file"},
		{"audit --flowlogs reads the logs", []string{"audit", "--demo", "--flowlogs", good}, 0, "EC2.13", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runMain(t, "", tt.args...)
			if code != tt.wantCode || !strings.Contains(out, tt.wantOut) || !strings.Contains(errOut, tt.wantErr) {
				t.Fatalf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, out, errOut)
			}
		})
	}
}

// TestFlowLogsExplainJSON: the JSON has the shape — records,
// skipped, flows with the reach answer and its block, and the summary by
// rule and by agreement.
func TestFlowLogsExplainJSON(t *testing.T) {
	code, out, errOut := runMain(t, "", "flowlogs", "explain", "--demo", demoLogs(t, ""), "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Records int64          `json:"records"`
		Skipped map[string]any `json:"skipped"`
		Flows   []struct {
			Interface, Direction, Protocol, Src, Dst, Action, Agreement string
			SrcPort, DstPort                                            int
			Records, Packets, Bytes                                     int64
			First, Last                                                 string
			Reply                                                       bool
			Answer                                                      *struct {
				Blocked *struct{ Layer, Resource, Rule, Direction, Code string } `json:"blocked"`
			} `json:"answer"`
		} `json:"flows"`
		Summary struct {
			ByRule      []map[string]any          `json:"byRule"`
			ByAgreement map[string]map[string]any `json:"byAgreement"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Records == 0 || rep.Skipped["noData"] != float64(1) || len(rep.Flows) == 0 || len(rep.Summary.ByRule) == 0 ||
		rep.Summary.ByAgreement["disagrees"]["flows"] == float64(0) {
		t.Fatalf("report %+v", rep)
	}
	blocked := 0
	for _, f := range rep.Flows {
		if f.Answer != nil && f.Answer.Blocked != nil && f.Answer.Blocked.Layer != "" && f.Answer.Blocked.Code != "" {
			blocked++
		}
		if f.Interface == "" || f.Action == "" || f.First == "" || f.Records == 0 {
			t.Fatalf("flow %+v", f)
		}
	}
	if blocked == 0 {
		t.Error("no flow carries the engine's block")
	}
}
