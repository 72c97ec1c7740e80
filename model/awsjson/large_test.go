package awsjson_test

import (
	"context"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/awsjson"
)

// TestLargeAccountFolderRoundTrip writes a tenth of the generated large
// account as a folder of AWS CLI outputs and imports it: every resource
// comes back, with no gap, conflict or warning.
func TestLargeAccountFolderRoundTrip(t *testing.T) {
	cfg := fixtures.DefaultLarge()
	cfg.Subnets, cfg.Interfaces, cfg.SecurityGroups, cfg.Rules = cfg.Subnets/10, cfg.Interfaces/10, cfg.SecurityGroups/10, cfg.Rules/10
	want := fixtures.Large(cfg)
	dir := t.TempDir()
	writeAWSFolder(t, want, dir)
	got, rep, err := awsjson.ReadDir(context.Background(), dir, awsjson.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if g, w := got.Counts(), want.Counts(); !equalCounts(g, w) {
		t.Errorf("counts %v, want %v", g, w)
	}
	if len(got.Gaps)+len(rep.Warnings)+len(rep.SkippedFiles) != 0 {
		t.Errorf("gaps %v, warnings %v, skipped %v", got.Gaps, rep.Warnings, rep.SkippedFiles)
	}
}

func equalCounts(a, b map[model.Kind]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, n := range a {
		if b[k] != n {
			return false
		}
	}
	return true
}
