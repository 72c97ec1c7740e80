package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// complete runs the shell's completion request (what the scripts of
// vpcscope completion bash|zsh|fish call) and returns the candidates
// without their descriptions, and stderr.
func complete(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	code, out, errOut := runMain(t, "", append([]string{"__complete"}, args...)...)
	if code != 0 {
		t.Fatalf("__complete %v: exit %d: %s", args, code, errOut)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, ":") {
			continue // the directive
		}
		name, _, _ := strings.Cut(line, "\t")
		got = append(got, name)
	}
	return got, errOut
}

func TestCompletion(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.json")
	tests := []struct {
		name string
		args []string
		want []string // all present
		none bool     // no candidates at all
	}{
		{"--from completes Name tags and IDs of the selected source", []string{"reach", "--demo", "--from", "web-1"}, []string{"web-1a", "web-1b"}, false},
		{"--to offers internet", []string{"reach", "--demo", "--to", "int"}, []string{"internet"}, false},
		{"--to completes instance IDs", []string{"who-can-reach", "--demo", "--to", "i-0f31"}, []string{"i-0f31c15d5092d9efa"}, false},
		{"map's --from completes too", []string{"map", "--demo", "--from", "payments-api"}, []string{"payments-api-1", "payments-api-2"}, false},
		{"inspect's argument completes any resource's name", []string{"inspect", "--demo", "storefront-db"}, []string{"storefront-db-1a", "storefront-db-nacl", "storefront-db-sg"}, false},
		{"--protocol completes its five values", []string{"reach", "--protocol", ""}, []string{"tcp", "udp", "icmp", "icmpv6", "all"}, false},
		{"-o completes text and json", []string{"exposure", "-o", ""}, []string{"text", "json"}, false},
		{"map's -o adds dot and mermaid", []string{"map", "-o", ""}, []string{"text", "json", "dot", "mermaid"}, false},
		{"--severity completes high, medium, low", []string{"audit", "--severity", ""}, []string{"high", "medium", "low"}, false},
		{"without a source, names complete to nothing, quietly", []string{"reach", "--from", "web"}, nil, true},
		{"a snapshot that cannot be read completes nothing, quietly", []string{"reach", "--snapshot", missing, "--from", "web"}, nil, true},
		{"a live source is never pulled to complete", []string{"reach", "--profile", "prod", "--from", "web"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errOut := complete(t, tt.args...)
			if tt.none && len(got) != 0 {
				t.Errorf("candidates %v, want none", got)
			}
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("candidates %v lack %q", got, w)
				}
			}
			if strings.Contains(errOut, "vpcscope:") {
				t.Errorf("completion printed on stderr: %s", errOut)
			}
		})
	}
}

// TestCompletionIsBounded: on the large account a bare --from offers at
// most maxCompletions names.
func TestCompletionIsBounded(t *testing.T) {
	dir := t.TempDir()
	large := filepath.Join(dir, "large.json")
	if code, _, errOut := runMain(t, "", "demo", "generate", "--large", large); code != 0 {
		t.Fatal(errOut)
	}
	got, _ := complete(t, "reach", "--snapshot", large, "--from", "")
	if len(got) == 0 || len(got) > maxCompletions {
		t.Fatalf("%d candidates, want 1 to %d", len(got), maxCompletions)
	}
}
