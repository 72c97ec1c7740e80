package snapfile_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/snapfile"
)

// TestParallelDecodeMatchesSequential: the parallel decoder of snapshots
// in parts (go-json-experiment/json with encoding/json's semantics) gives
// the very snapshot the sequential encoding/json decoder gives, value for
// value and byte for byte once encoded again, for the large account and a
// generated organization (shared subnets, peered transit gateways).
func TestParallelDecodeMatchesSequential(t *testing.T) {
	for _, tc := range []struct {
		name string
		snap func() *model.Snapshot
	}{
		{"large account", func() *model.Snapshot { return fixtures.Large(fixtures.DefaultLarge()) }},
		{"organization", func() *model.Snapshot { return fixtures.Org(fixtures.ScaledOrg(4000)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var file bytes.Buffer
			if err := snapfile.EncodeParts(&file, tc.snap()); err != nil {
				t.Fatal(err)
			}
			fast, err := snapfile.DecodeParallel(file.Bytes())
			if err != nil {
				t.Fatalf("parallel decoder: %v", err)
			}
			slow, err := snapfile.DecodeSequential(file.Bytes(), "snap.json")
			if err != nil {
				t.Fatalf("sequential decoder: %v", err)
			}
			if !reflect.DeepEqual(fast, slow) {
				t.Fatal("the parallel and sequential decoders differ")
			}
			var a, b bytes.Buffer
			if err := snapfile.EncodeParts(&a, fast); err != nil {
				t.Fatal(err)
			}
			if err := snapfile.EncodeParts(&b, slow); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) || !bytes.Equal(a.Bytes(), file.Bytes()) {
				t.Fatal("the decoded snapshots encode differently")
			}
		})
	}
}
