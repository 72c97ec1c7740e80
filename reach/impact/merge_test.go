package impact

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

// TestMergedItemsNameTheirEndsInstances checks the instances mergeItems
// gives each item (endInstances, found in the sorted interface IDs)
// against each end's instance looked up one by one, sorted and
// deduplicated, on random items over a generated account: senders and
// receivers in and out of order, addresses, on-premises ends, and IDs of
// interfaces only one snapshot holds.
func TestMergedItemsNameTheirEndsInstances(t *testing.T) {
	cfg := fixtures.LargeConfig{Seed: 5, VPCs: 3, Subnets: 12, Interfaces: 240, SecurityGroups: 60, Rules: 600, Peerings: 1}
	sa, sb := fixtures.Large(cfg), fixtures.Large(cfg)
	sb.NetworkInterfaces = sb.NetworkInterfaces[:200] // some interfaces only the first holds
	a, b := reach.New(sa), reach.New(sb)
	var ids []string
	for _, n := range sa.NetworkInterfaces {
		ids = append(ids, n.ID)
	}
	ids = append(ids, "10.0.0.0/8", "onprem:dc", "eni-unknown")
	want := func(list []string) []string {
		var out []string
		for _, id := range list {
			for _, e := range []*reach.Engine{b, a} {
				if n := e.Index().Interface(id); n != nil {
					if n.InstanceID() != "" {
						out = append(out, n.InstanceID())
					}
					break
				}
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	rng := rand.New(rand.NewPCG(5, 9))
	pick := func() []string {
		var out []string
		for range 1 + rng.IntN(150) {
			out = append(out, ids[rng.IntN(len(ids))])
		}
		if rng.IntN(2) == 0 {
			slices.Sort(out)
			out = slices.Compact(out)
		}
		return out
	}
	var items []Item
	for range 300 {
		items = append(items, Item{From: pick(), To: pick(), Protocol: "tcp", Ports: []model.PortRange{{From: 443, To: 443}}})
	}
	got := mergeItems(items, newEndInstances(a, b))
	checked := 0
	for _, it := range got {
		if w := want(it.From); !reflect.DeepEqual(it.FromInstances, w) {
			t.Errorf("from %v: instances %v, want %v", it.From, it.FromInstances, w)
		}
		if w := want(it.To); !reflect.DeepEqual(it.ToInstances, w) {
			t.Errorf("to %v: instances %v, want %v", it.To, it.ToInstances, w)
		}
		checked += len(it.FromInstances)
	}
	if checked == 0 {
		t.Error("no item named an instance: the test checks nothing")
	}
}
