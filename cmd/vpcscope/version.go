package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// buildVersion says which vpcscope this is, from what the Go toolchain
// stamped into the binary (debug.ReadBuildInfo).
type buildVersion struct {
	// Version is the module version — "v1.2.0" from go install …@v1.2.0,
	// a pseudo-version such as "v0.0.0-20261201045500-963a78a9c1d2" from
	// @latest without a tag — or, for a build from a checkout without one,
	// the -ldflags "-X main.version=…" value.
	Version string `json:"version"`
	// Commit, Time and Modified describe the checkout a binary was built
	// in (vcs.revision, vcs.time: the commit's time, vcs.modified); empty
	// for go install, which builds from the module proxy.
	Commit   string `json:"commit,omitempty"`
	Time     string `json:"commitTime,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	// Built is when a release build was made (-ldflags "-X main.buildDate=…").
	Built string `json:"built,omitempty"`
	// Go is the toolchain that built the binary.
	Go string `json:"go,omitempty"`
}

// readBuildVersion reads the running binary's build information.
func readBuildVersion() buildVersion {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	return versionOf(bi, version).withStamp(commit, buildDate)
}

// withStamp adds what a release build stamped with -ldflags: the commit,
// when the toolchain recorded none, and the build date.
func (v buildVersion) withStamp(commit, date string) buildVersion {
	if v.Commit == "" {
		v.Commit = commit
	}
	v.Built = date
	return v
}

// versionOf derives the version from build information (nil when there is
// none) and the -ldflags fallback.
func versionOf(bi *debug.BuildInfo, fallback string) buildVersion {
	v := buildVersion{Version: fallback}
	if bi == nil {
		return v
	}
	v.Go = bi.GoVersion
	if m := bi.Main.Version; m != "" && m != "(devel)" {
		v.Version = m
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

// String renders the version on one line: "v1.2.0",
// "0.1.0-dev (commit 963a78a9c1d2, 2026-12-01T04:55:00Z, modified)", or
// for a release build "v1.2.0 (commit 963a78a9c1d2, built 2026-12-02T10:00:00Z)".
func (v buildVersion) String() string {
	var parts []string
	if v.Commit != "" {
		parts = append(parts, "commit "+v.Commit[:min(12, len(v.Commit))])
	}
	if v.Time != "" && v.Commit != "" {
		parts = append(parts, v.Time)
	}
	if v.Modified {
		parts = append(parts, "modified")
	}
	if v.Built != "" {
		parts = append(parts, "built "+v.Built)
	}
	if len(parts) == 0 {
		return v.Version
	}
	return v.Version + " (" + strings.Join(parts, ", ") + ")"
}

// newVersionCmd prints the version; vpcscope --version prints the same line.
func newVersionCmd(g *globalOptions, s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print vpcscope's version: module version, commit and its time, build date",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := g.checkOutput(); err != nil {
				return err
			}
			v := readBuildVersion()
			if g.output == "json" {
				return writeJSON(s.out, v)
			}
			_, err := fmt.Fprintln(s.out, "vpcscope "+v.String())
			return err
		},
	}
}
