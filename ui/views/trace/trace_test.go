package trace

import (
	"slices"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/reach"
)

// TestExplorerPresentsEveryTypedValue walks every layer and verdict the
// engine can give through the explorer's presenters: each gets a label of
// its own, and each verdict reads without colour.
func TestExplorerPresentsEveryTypedValue(t *testing.T) {
	seen := map[string]reach.Layer{}
	for _, l := range reach.Layers {
		s := ShortLayer(l)
		if s == "" {
			t.Errorf("layer %s has no label", l)
		}
		if other, dup := seen[s]; dup {
			t.Errorf("layers %s and %s share the label %q", l, other, s)
		}
		seen[s] = l
	}
	marks := map[string]bool{}
	for _, v := range reach.Verdicts {
		m := v.Mark()
		if !strings.Contains(m, string(v)) || marks[m] {
			t.Errorf("verdict %s reads %q: not its own word", v, m)
		}
		marks[m] = true
	}
	for _, k := range reach.RuleRefKinds {
		if k == reach.RefTGWRoute {
			continue // transit gateway routes are keyed by prefix; the detail view lists them without a cursor target
		}
		if !slices.Contains(edit.Lists, edit.List(k)) {
			t.Errorf("rule reference kind %s maps to no rule list of the detail view", k)
		}
	}
}
