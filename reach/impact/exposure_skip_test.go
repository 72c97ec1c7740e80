package impact

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/reach"
)

// The exposure delta passes over the interfaces whose entries are alike
// on both sides (exposureDelta's skipAlike). It must be the delta of the
// full comparison of every interface, on the reports Compare compares
// (the second taken from the first, reach.Engine.ExposureSince, sharing
// entries) and on two full reports (equal entries, not shared), after
// random rule-only changes that expose and hide interfaces.
func TestExposureDeltaSkippingAlikeEqualsFull(t *testing.T) {
	cfg := fixtures.LargeConfig{Seed: 11, VPCs: 3, Subnets: 12, Interfaces: 240, SecurityGroups: 60, Rules: 600, Peerings: 1}
	changed := 0
	for seed := range uint64(6) {
		a, b := fixtures.Large(cfg), fixtures.Large(cfg)
		did := mutateRules(rand.New(rand.NewPCG(seed, 43)), b)
		ea, eb := reach.New(a), reach.New(b)
		xa, xb := ea.Exposure(reach.ExposureOptions{}), eb.Exposure(reach.ExposureOptions{})
		since, ok := eb.ExposureSince(ea, xa, reach.ExposureOptions{})
		if !ok {
			t.Fatalf("seed %d (%v): a rule-only change is not taken as one", seed, did)
		}
		want := exposureDelta(xa, xb, false)
		for name, x := range map[string]*reach.ExposureReport{"since": since, "full": xb} {
			if got := exposureDelta(xa, x, true); !reflect.DeepEqual(got, want) {
				t.Errorf("seed %d (%v), %s: skipping alike entries\n got %+v\nwant %+v", seed, did, name, got, want)
			}
		}
		changed += len(want.Gained) + len(want.Lost)
	}
	if changed == 0 {
		t.Errorf("no exposure gained or lost: the property is not exercised")
	}
}
