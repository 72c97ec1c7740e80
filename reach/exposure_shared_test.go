package reach

import (
	"reflect"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
)

// exposedSequentially is the interface part of Exposure as it was before
// interfaces were walked in parallel and anything was shared: one
// interface after the other, nothing kept between them (a nil run), each
// example path from traceFlow.
func (e *Engine) exposedSequentially(opts ExposureOptions) []Exposed {
	var out []Exposed
	for _, n := range e.snap.NetworkInterfaces {
		pubs := n.PublicIPs()
		if len(pubs) == 0 && len(n.IPv6Addresses) == 0 || e.natByENI[n.ID] != nil || e.lbByENI[n.ID] != nil {
			continue
		}
		out = append(out, e.exposeInterface(nil, n, pubs, opts)...)
	}
	return out
}

// TestExposureSharedEqualsSequential checks that the parallel exposure,
// with what it shares per security group, per network ACL decision on
// the internet and per source set, and its forward-only example paths,
// reports
// exactly what walking each interface alone reports, entry for entry and
// in the same order, on every fixture and a small generated account (most
// of whose interfaces have their own mix of groups), for every port and
// for one port.
func TestExposureSharedEqualsSequential(t *testing.T) {
	snaps := map[string]*model.Snapshot{}
	for _, name := range fixtures.Names() {
		s, err := fixtures.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		snaps[name] = s
	}
	snaps["large-small"] = fixtures.Large(fixtures.LargeConfig{Seed: 7, VPCs: 4, Subnets: 24, Interfaces: 600,
		SecurityGroups: 120, Rules: 1500, Peerings: 2})
	for name, s := range snaps {
		e := New(s)
		for _, opts := range []ExposureOptions{{}, {Port: 443}, {Port: 22}} {
			want := e.exposedSequentially(opts)
			var got []Exposed
			for _, x := range e.Exposure(opts).Exposed {
				if x.Kind == "network-interface" && x.OnPrem == "" {
					got = append(got, x)
				}
			}
			sortExposed(want)
			t.Logf("%s port %d: %d entries", name, opts.Port, len(want))
			if len(want) == 0 && name == "large-small" {
				t.Fatalf("%s: nothing exposed: the comparison checks nothing", name)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s port %d: shared exposure differs from the sequential one: %d entries, want %d", name, opts.Port, len(got), len(want))
				for i := range min(len(got), len(want)) {
					if !reflect.DeepEqual(got[i], want[i]) {
						t.Errorf("first difference at %d:\n got %+v\nwant %+v", i, got[i], want[i])
						break
					}
				}
			}
		}
	}
}
