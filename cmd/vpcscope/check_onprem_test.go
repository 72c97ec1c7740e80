package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckOnPrem: check takes --onprem, and onprem:NAME selectors then
// answer exactly (the hybrid fixture's datacenter reaches hq-db-1's 5432
// over the VPN and nothing else of it); without the declaration they
// answer unknown, and a malformed declaration is a usage error.
func TestCheckOnPrem(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "intents.yaml")
	if err := os.WriteFile(file, []byte(`intents:
  - name: the datacenter reaches only the database
    deny: {from: "onprem:datacenter", to: any, port: tcp/5432}
  - name: no ssh from the datacenter
    deny: {from: "onprem:datacenter", to: any, port: tcp/22}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join("..", "..", "fixtures", "hybrid.json")
	type result struct {
		Name       string `json:"name"`
		Status     string `json:"status"`
		Violations []struct {
			From []string `json:"from"`
		} `json:"violations"`
	}
	for _, c := range []struct {
		name     string
		flags    []string
		code     int
		statuses []string
		errText  string
	}{
		{name: "declared: the datacenter reaches the database on 5432, not on 22", flags: []string{"--onprem", "datacenter=10.200.0.0/16"}, code: 1, statuses: []string{"violated", "holds"}},
		{name: "undeclared: unknown", code: 0, statuses: []string{"unknown", "unknown"}},
		{name: "a malformed declaration", flags: []string{"--onprem", "datacenter"}, code: 2, errText: "want NAME=CIDR"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runMain(t, "", append([]string{"check", "--snapshot", snap, file, "-o", "json"}, c.flags...)...)
			if code != c.code {
				t.Fatalf("exit %d, want %d: %s", code, c.code, errOut)
			}
			if c.errText != "" {
				if !strings.Contains(errOut, c.errText) {
					t.Errorf("stderr %q, want %q", errOut, c.errText)
				}
				return
			}
			var got struct {
				Intents []result `json:"intents"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if len(got.Intents) != len(c.statuses) {
				t.Fatalf("%d results, want %d", len(got.Intents), len(c.statuses))
			}
			for i, r := range got.Intents {
				if r.Status != c.statuses[i] {
					t.Errorf("%s: %s, want %s", r.Name, r.Status, c.statuses[i])
				}
				if r.Status == "violated" && (len(r.Violations) != 1 || strings.Join(r.Violations[0].From, ",") != "10.200.0.0/16") {
					t.Errorf("%s: violations %+v, want one from 10.200.0.0/16", r.Name, r.Violations)
				}
			}
		})
	}
}
