package reach_test

import (
	"slices"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

// Resources lists what a path crosses, in path order and each once: the
// source's interface and instance first, every hop's resource, the
// destination's, then the return path's.
func TestAnswerResources(t *testing.T) {
	snap, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	e := reach.New(snap)
	a, err := e.Reach(reach.Query{From: "app-1a", To: "db-1a", Protocol: model.ProtocolTCP, Port: 3306})
	if err != nil {
		t.Fatal(err)
	}
	got := a.Resources()
	if got[0] != a.Query.Source.Interface || got[1] != a.Query.Source.ID {
		t.Fatalf("starts %v, want the source's interface and instance", got[:2])
	}
	for _, h := range append(append([]reach.Hop{}, a.Forward...), a.Return...) {
		if !slices.Contains(got, h.Resource) {
			t.Errorf("hop resource %s missing from %v", h.Resource, got)
		}
	}
	seen := map[string]bool{}
	for _, id := range got {
		if seen[id] {
			t.Errorf("%s listed twice", id)
		}
		seen[id] = true
	}
	if slices.Index(got, a.Query.Dest.Interface) < slices.Index(got, a.Forward[0].Resource) {
		t.Errorf("destination before the first hop: %v", got)
	}
	if (*reach.Answer)(nil).Resources() != nil {
		t.Error("a nil answer crosses something")
	}
}
