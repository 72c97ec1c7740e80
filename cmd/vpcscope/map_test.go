package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/model/snapfile"
)

func TestMapCommand(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		code    int
		wantOut []string
		wantErr string
	}{
		{"text draws a frame per account and region", []string{"map", "--demo"}, 0,
			[]string{"┌─ 111122223333 · us-east-1 ", "┌─ 444455556666 · us-east-1 ", "┌ storefront-prod ", "Links", "payments-fraud pcx-037ddf5c13d72a550 · active"}, ""},
		{"a trace's path is drawn heavy with its verdict on top",
			[]string{"map", "--demo", "--from", "payments-api-1", "--to", "fraud-scoring-1", "--port", "8443"}, 0,
			[]string{"trace payments-api-1 → fraud-scoring-1 tcp/8443: reachable", "┏ payments-vpc ", "┏ fraud-vpc ", "▶ payments-fraud"}, ""},
		{"a blocked trace still draws, exit 0",
			[]string{"map", "--demo", "--from", "web-1a", "--to", "db-1a", "--port", "3306"}, 0,
			[]string{"blocked", "┏ storefront-prod "}, ""},
		{"mermaid is a flowchart with a subgraph per group", []string{"map", "--demo", "-o", "mermaid"}, 0,
			[]string{"flowchart LR", `subgraph g0["111122223333 · us-east-1"]`}, ""},
		{"dot is a digraph with a cluster per group", []string{"map", "--demo", "-o", "dot"}, 0,
			[]string{"strict digraph {", `subgraph "cluster_0" {`}, ""},
		{"--width narrows the text picture", []string{"map", "--demo", "--width", "40"}, 0, []string{"┌ dev-spoke"}, ""},
		{"--from without --to is refused", []string{"map", "--demo", "--from", "web-1a"}, 2, nil, "--from and --to go together"},
		{"an unknown endpoint gets close matches", []string{"map", "--demo", "--from", "web-1", "--to", "db-1a", "--port", "3306"}, 2, nil, "did you mean"},
		{"-o yaml names every format", []string{"map", "--demo", "-o", "yaml"}, 2, nil, "want text, json, dot or mermaid"},
		{"--width below 40 is refused", []string{"map", "--demo", "--width", "10"}, 2, nil, "--width 10: want 40 to 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runMain(t, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.code, out, errOut)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr lacks %q: %s", tt.wantErr, errOut)
			}
			if tt.args[len(tt.args)-1] == "40" {
				for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
					if n := len([]rune(line)); n > 40 {
						t.Errorf("line of %d runes at --width 40: %q", n, line)
					}
				}
			}
		})
	}
}

// TestMapJSONContract: map -o json is the topology with, for a trace, its
// path and one-line verdict (docs/json.md).
func TestMapJSONContract(t *testing.T) {
	code, out, errOut := runMain(t, "", "map", "--demo", "-o", "json", "--from", "prod-api-1a", "--to", "dev-build-1a", "--port", "443")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var m struct {
		Groups []struct {
			Account, Region string
			Nodes           []struct{ Kind string }
		} `json:"groups"`
		VPCs []struct {
			ID       string   `json:"id"`
			CIDRs    []string `json:"cidrs"`
			Gateways []struct{ Kind, ID string }
			Links    []int `json:"links"`
		} `json:"vpcs"`
		TransitGateways []struct {
			RouteTables []struct{ ID string } `json:"routeTables"`
		} `json:"transitGateways"`
		Links []struct{ Kind, ID, A, B, Association string } `json:"links"`
		Path  *struct{ Nodes, Links []string }               `json:"path"`
		Trace string                                         `json:"trace"`
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	coreTables := 0
	for _, tg := range m.TransitGateways {
		coreTables = max(coreTables, len(tg.RouteTables))
	}
	if len(m.Groups) != 3 || len(m.VPCs) != 17 || len(m.TransitGateways) != 3 || coreTables != 3 || len(m.Links) != 11 {
		t.Fatalf("map: %d groups, %d VPCs, %d transit gateways, %d links", len(m.Groups), len(m.VPCs), len(m.TransitGateways), len(m.Links))
	}
	if m.Path == nil || len(m.Path.Nodes) != 4 || len(m.Path.Links) != 3 || !strings.HasPrefix(m.Trace, "blocked on the return path") {
		t.Fatalf("path %+v, trace %q", m.Path, m.Trace)
	}
	_, plain, _ := runMain(t, "", "map", "--demo", "-o", "json")
	if strings.Contains(plain, `"path"`) || strings.Contains(plain, `"trace"`) {
		t.Error("a map without a trace has a path")
	}
}

// TestDemoGenerate: the demo and the large account written as snapshot
// files that every command reads back.
func TestDemoGenerate(t *testing.T) {
	dir := t.TempDir()
	demo := filepath.Join(dir, "demo.json")
	code, out, errOut := runMain(t, "", "demo", "generate", demo)
	if code != 0 || !strings.HasPrefix(out, "wrote "+demo+": ") {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	code, out, _ = runMain(t, "", "reach", "--snapshot", demo, "--from", "app-1a", "--to", "db-1a", "--port", "3306")
	if code != 0 || !strings.Contains(out, "✓ reachable") {
		t.Fatalf("the written demo answers differently (exit %d):\n%s", code, out)
	}
	large := filepath.Join(dir, "large.json")
	if code, out, errOut := runMain(t, "", "demo", "generate", "--large", "--seed", "7", large); code != 0 {
		t.Fatalf("--large: exit %d: %s%s", code, out, errOut)
	}
	snap, _, err := snapfile.Read(context.Background(), large, snapfile.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.NetworkInterfaces) != 20000 || len(snap.VPCs) != 50 {
		t.Fatalf("large account: %d interfaces, %d VPCs", len(snap.NetworkInterfaces), len(snap.VPCs))
	}
	if code, _, errOut := runMain(t, "", "demo", "generate", "--seed", "7", filepath.Join(dir, "x.json")); code != 2 || !strings.Contains(errOut, "--seed goes with --large") {
		t.Fatalf("--seed without --large: exit %d %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.json")); err == nil {
		t.Error("a refused generate wrote its file")
	}
}
