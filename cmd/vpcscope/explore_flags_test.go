package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestExplorerFlagErrors: the explorer's own flags are checked before
// anything opens, each bad one a one-line error with exit 2.
func TestExplorerFlagErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"--onprem without a CIDR", []string{"--demo", "--onprem", "datacenter"}, "want NAME=CIDR"},
		{"--onprem named twice", []string{"--demo", "--onprem", "a=10.0.0.0/8", "--onprem", "a=10.1.0.0/16"}, "named twice"},
		{"--flowlogs of a missing file", []string{"--demo", "--flowlogs", missing}, "--flowlogs:"},
		{"--compare without the older network", []string{"--profile", "p", "--compare", missing}, "needs the older network"},
		{"--compare of a missing file", []string{"--demo", "--compare", missing}, "--compare:"},
		{"explore takes the flags too", []string{"explore", "--demo", "--flowlogs", missing}, "--flowlogs:"},
		{"good flags reach the terminal check", []string{"--demo", "--onprem", "datacenter=10.200.0.0/16"}, "needs a terminal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runMain(t, "", tt.args...)
			if code != 2 || !strings.Contains(errOut, tt.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line with %q", code, errOut, tt.want)
			}
		})
	}
}
