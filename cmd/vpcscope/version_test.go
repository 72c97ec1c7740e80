package main

import (
	"encoding/json"
	"runtime/debug"
	"strings"
	"testing"
)

// TestVersionFromBuildInfo: the version comes from what the toolchain
// stamped — the module version of go install, else the commit of the
// checkout — and falls back to the -ldflags value. Before, it was always
// the ldflags default "0.1.0-dev".
func TestVersionFromBuildInfo(t *testing.T) {
	vcs := func(rev, at, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: at}, {Key: "vcs.modified", Value: modified}}
	}
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"go install …@v1.2.0 gives the module version", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}}, "v1.2.0"},
		{"go install …@latest without a tag gives the pseudo-version",
			&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201045500-963a78a9c1d2"}}, "v0.0.0-20261201045500-963a78a9c1d2"},
		{"a build in a checkout gives the commit and its time",
			&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("963a78a9c1d2e3f40000000000000000000000aa", "2026-12-01T04:55:00Z", "false")},
			"0.1.0-dev (commit 963a78a9c1d2, 2026-12-01T04:55:00Z)"},
		{"uncommitted changes are marked",
			&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201045500-963a78a9c1d2+dirty"}, Settings: vcs("963a78a9c1d2e3f4", "2026-12-01T04:55:00Z", "true")},
			"v0.0.0-20261201045500-963a78a9c1d2+dirty (commit 963a78a9c1d2, 2026-12-01T04:55:00Z, modified)"},
		{"no build information falls back to the ldflags value", nil, "0.1.0-dev"},
		{"a (devel) build without VCS information falls back too", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "0.1.0-dev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionOf(tt.bi, "0.1.0-dev").String(); got != tt.want {
				t.Errorf("version %q, want %q", got, tt.want)
			}
		})
	}
}

// TestVersionCarriesReleaseStamps: a release build's -ldflags commit and
// build date show when the toolchain stamped none (go install from the
// module proxy), and the build date beside the toolchain's commit.
func TestVersionCarriesReleaseStamps(t *testing.T) {
	installed := &debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}}
	checkout := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "963a78a9c1d2e3f4"}, {Key: "vcs.time", Value: "2026-12-01T04:55:00Z"}}}
	tests := []struct {
		name         string
		bi           *debug.BuildInfo
		commit, date string
		want         string
	}{
		{"a release build names its commit and build date", installed, "0123456789abcdef", "2026-12-02T10:00:00Z",
			"v1.2.0 (commit 0123456789ab, built 2026-12-02T10:00:00Z)"},
		{"the toolchain's commit wins over a stamped one", checkout, "0123456789abcdef", "2026-12-02T10:00:00Z",
			"0.1.0-dev (commit 963a78a9c1d2, 2026-12-01T04:55:00Z, built 2026-12-02T10:00:00Z)"},
		{"no stamps change nothing", installed, "", "", "v1.2.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionOf(tt.bi, "0.1.0-dev").withStamp(tt.commit, tt.date).String(); got != tt.want {
				t.Errorf("version %q, want %q", got, tt.want)
			}
		})
	}
}

// TestVersionCommandAndFlagAgree: vpcscope version and vpcscope --version
// print the same line; -o json gives the parts.
func TestVersionCommandAndFlagAgree(t *testing.T) {
	_, flag, _ := runMain(t, "", "--version")
	code, cmd, errOut := runMain(t, "", "version")
	if code != exitOK || flag != cmd || !strings.HasPrefix(cmd, "vpcscope ") {
		t.Fatalf("--version %q, version %q (exit %d, %s)", flag, cmd, code, errOut)
	}
	_, out, _ := runMain(t, "", "version", "-o", "json")
	var v struct{ Version, Go string }
	if err := json.Unmarshal([]byte(out), &v); err != nil || v.Version == "" || !strings.HasPrefix(v.Go, "go") {
		t.Errorf("version -o json = %s (%v)", out, err)
	}
}
