package reach_test

import (
	"slices"
	"testing"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

func pr(from, to uint16) model.PortRange { return model.PortRange{From: from, To: to} }

// The port set helpers intents and change impact share with the engine.
func TestPortSetHelpers(t *testing.T) {
	for _, c := range []struct {
		name         string
		a, b         []model.PortRange
		union, minus []model.PortRange
		text         string
	}{
		{name: "unsorted, overlapping and adjacent ranges merge", a: []model.PortRange{pr(443, 443), pr(80, 90)}, b: []model.PortRange{pr(85, 100), pr(444, 500)},
			union: []model.PortRange{pr(80, 100), pr(443, 500)}, minus: []model.PortRange{pr(80, 84), pr(443, 443)}, text: "80-100,443-500"},
		{name: "a hole in the middle of a range", a: []model.PortRange{model.AllPorts}, b: []model.PortRange{pr(22, 22)},
			union: []model.PortRange{model.AllPorts}, minus: []model.PortRange{pr(0, 21), pr(23, 65535)}, text: "all"},
		{name: "nothing left", a: []model.PortRange{pr(10, 20)}, b: []model.PortRange{pr(0, 30)},
			union: []model.PortRange{pr(0, 30)}, minus: nil, text: "0-30"},
		{name: "the empty set", union: nil, minus: nil, text: "none"},
	} {
		t.Run(c.name, func(t *testing.T) {
			u := reach.UnionPorts(c.a, c.b)
			if !slices.Equal(u, c.union) {
				t.Errorf("union %v, want %v", u, c.union)
			}
			if m := reach.SubtractPorts(c.a, c.b); !slices.Equal(m, c.minus) {
				t.Errorf("a minus b %v, want %v", m, c.minus)
			}
			if s := reach.PortsString(u); s != c.text {
				t.Errorf("text %q, want %q", s, c.text)
			}
			for _, r := range c.a {
				if !reach.CoversPorts(u, r) {
					t.Errorf("the union does not cover %v", r)
				}
			}
			for _, r := range c.minus {
				if reach.CoversPorts(c.b, r) {
					t.Errorf("b covers %v of a minus b", r)
				}
			}
		})
	}
}
