package awspull

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/awspull/fakeaws"
)

// pullFrom pulls the accounts and regions from srv, which serves nothing
// the pull has to drop.
func pullFrom(t *testing.T, ctx context.Context, srv *fakeaws.Server, accounts, regions []string, tweak func(*Options)) (*model.Snapshot, []Event, error) {
	t.Helper()
	snap, notes, events, err := pullNotes(t, ctx, srv, accounts, regions, tweak)
	for _, n := range notes {
		t.Errorf("unexpected note: %s", n)
	}
	return snap, events, err
}

// pullNotes is pullFrom that returns the pull's notes.
func pullNotes(t *testing.T, ctx context.Context, srv *fakeaws.Server, accounts, regions []string, tweak func(*Options)) (*model.Snapshot, []Note, []Event, error) {
	t.Helper()
	o := Options{Regions: regions, EndpointURL: srv.URL, Tool: "test"}
	for _, a := range accounts {
		o.Profiles = append(o.Profiles, profile(a))
	}
	if tweak != nil {
		tweak(&o)
	}
	var events []Event
	snap, notes, err := Pull(ctx, o, func(e Event) { events = append(events, e) })
	return snap, notes, events, err
}

// scopesOf returns the accounts and regions a snapshot covers.
func scopesOf(s *model.Snapshot) (accounts, regions []string) {
	for _, sc := range s.Scopes {
		accounts = append(accounts, sc.Account)
		regions = append(regions, sc.Region)
	}
	slices.Sort(accounts)
	slices.Sort(regions)
	return slices.Compact(accounts), slices.Compact(regions)
}

// kindsJSON renders each kind of a snapshot as indented JSON, for diffs.
func kindsJSON(t *testing.T, s *model.Snapshot) map[model.Kind]string {
	t.Helper()
	by := make(map[model.Kind][]model.Resource)
	for r := range s.All() {
		by[r.Kind()] = append(by[r.Kind()], r)
	}
	out := make(map[model.Kind]string)
	for _, k := range model.Kinds() {
		// Order is not part of the model: the importer sorts by region
		// and ID, fixtures are in the order they were written.
		slices.SortStableFunc(by[k], func(a, b model.Resource) int {
			ma, mb := a.Base(), b.Base()
			return cmp.Or(cmp.Compare(ma.Region, mb.Region), cmp.Compare(ma.ID, mb.ID), cmp.Compare(ma.Account, mb.Account))
		})
		data, err := json.MarshalIndent(by[k], "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		out[k] = string(data)
	}
	return out
}

// firstDiff returns the first differing line of two texts, with context.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			lo := max(i-8, 0)
			return "line " + itoa(i+1) + ":\n  fixture: " + x + "\n  pulled:  " + y + "\ncontext (fixture):\n" + strings.Join(al[lo:min(i+3, len(al))], "\n")
		}
	}
	return ""
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// TestRoundTrip pulls each fixture through the fake endpoint and wants the
// fixture's model back, resource for resource.
func TestRoundTrip(t *testing.T) {
	for _, name := range fixtures.Names() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want, err := fixtures.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			srv := fakeaws.New(want)
			defer srv.Close()
			accounts, regions := scopesOf(want)
			got, _, err := pullFrom(t, context.Background(), srv, accounts, regions, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Gaps) > 0 {
				t.Errorf("gaps: %v", got.Gaps)
			}
			for _, sc := range want.Scopes {
				if !slices.Contains(got.Scopes, sc) {
					t.Errorf("scope %s not pulled (got %v)", sc, got.Scopes)
				}
			}
			if got.Source != "aws" || got.Tool != "test" || got.TakenAt.IsZero() {
				t.Errorf("metadata: source %q tool %q taken %v", got.Source, got.Tool, got.TakenAt)
			}
			dropDerivedNodeAddresses(got, want)
			gj, wj := kindsJSON(t, got), kindsJSON(t, want)
			for _, k := range model.Kinds() {
				if gj[k] != wj[k] {
					t.Errorf("%s differs: %s", k, firstDiff(wj[k], gj[k]))
				}
			}
		})
	}
}

// dropDerivedNodeAddresses removes from got's load balancer zones the node
// addresses the importer derives from the load balancer's own interfaces
// ("ELB app/name/id") where the fixture leaves the zone's addresses out:
// AWS does not list an ALB's node addresses, so the importer finds them
// (and a fixture need not spell them out).
func dropDerivedNodeAddresses(got, want *model.Snapshot) {
	nodes := make(map[string]bool) // "lbID subnet privateIP"
	for _, n := range got.NetworkInterfaces {
		suffix, ok := strings.CutPrefix(n.Description, "ELB ")
		if !ok {
			continue
		}
		for _, lb := range got.LoadBalancers {
			if strings.HasSuffix(lb.ID, ":loadbalancer/"+suffix) {
				nodes[lb.ID+" "+n.SubnetID+" "+n.PrimaryIP().String()] = true
			}
		}
	}
	for _, lb := range got.LoadBalancers {
		wlb := find(want.LoadBalancers, lb.ID)
		for i := range lb.AvailabilityZones {
			z := &lb.AvailabilityZones[i]
			if wlb == nil || i >= len(wlb.AvailabilityZones) || len(wlb.AvailabilityZones[i].Addresses) > 0 {
				continue
			}
			z.Addresses = slices.DeleteFunc(z.Addresses, func(a model.LBAddress) bool {
				return nodes[lb.ID+" "+z.SubnetID+" "+a.PrivateIPv4Address.String()]
			})
			if len(z.Addresses) == 0 {
				z.Addresses = nil
			}
		}
	}
}

func find[T model.Resource](xs []T, id string) T {
	var zero T
	for _, x := range xs {
		if x.Base().ID == id {
			return x
		}
	}
	return zero
}
