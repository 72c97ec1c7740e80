package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model/snapfile"
	"github.com/vpcscope/vpcscope/ui"
)

// TestAWSProfilesFromSharedFiles: the explorer's :ctx lists the profiles
// the AWS CLI knows: "[default]" and "[profile NAME]" sections of the
// config file and "[NAME]" sections of the credentials file, each once
// ("Configuration and credential file settings",
// https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html).
func TestAWSProfilesFromSharedFiles(t *testing.T) {
	dir := t.TempDir()
	config := filepath.Join(dir, "config")
	creds := filepath.Join(dir, "credentials")
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(config, "[default]\nregion = us-east-1\n\n[profile prod]\nrole_arn = x\n[sso-session corp]\n[ profile  dev ]\n")
	write(creds, "[default]\naws_access_key_id = x\n[legacy]\n")
	t.Setenv("AWS_CONFIG_FILE", config)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	ps, err := awsProfiles()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range ps {
		names = append(names, p.name)
	}
	if want := []string{"default", "prod", "dev", "legacy"}; !slices.Equal(names, want) {
		t.Errorf("profiles %v, want %v", names, want)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "missing"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "missing"))
	if ps, err := awsProfiles(); err != nil || len(ps) != 0 {
		t.Errorf("without files: %v, %v", ps, err)
	}
}

// TestSwitcherOffersAndOpensSources: :ctx offers the profiles, the
// regions, the snapshot files beside the one in use (marked) and the
// demo; a chosen file loads inside the explorer.
func TestSwitcherOffersAndOpensSources(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	snap, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	for _, p := range []string{a, b} {
		if err := snapfile.Write(p, snap); err != nil {
			t.Fatal(err)
		}
	}
	g := &globalOptions{snapshot: a, output: "text"}
	sw := &switcher{g: g, s: streams{in: strings.NewReader(""), out: &bytes.Buffer{}, err: &bytes.Buffer{}}}
	cs, err := sw.Choices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var files []ui.Choice
	kinds := map[string]int{}
	for _, c := range cs {
		kinds[c.Kind]++
		if c.Kind == "snapshot" && filepath.Dir(c.Value) == dir {
			files = append(files, c)
		}
	}
	if kinds["region"] == 0 || kinds["demo"] != 1 || len(files) != 2 || files[0].Note != "in use" || files[1].Note != "" {
		t.Fatalf("choices %+v", cs)
	}
	name, load, err := sw.Switch(files[1])
	if err != nil || name != "b.json" {
		t.Fatalf("switch: %q, %v", name, err)
	}
	got, err := load(context.Background(), func(string) {})
	if err != nil || len(got.VPCs) != len(snap.VPCs) {
		t.Fatalf("load b.json: %v", err)
	}
	if g.snapshot != b {
		t.Errorf("the switcher still says %s is in use", g.snapshot)
	}
}
