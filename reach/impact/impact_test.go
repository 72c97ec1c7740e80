package impact_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/impact"
)

// compare applies edits to a fixture (or changes it with f) and returns
// what the change did.
func compare(t *testing.T, fixture string, edits []string, f func(*model.Snapshot)) *impact.Report {
	t.Helper()
	old, err := fixtures.Load(fixture)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := fixtures.Load(fixture)
	if err != nil {
		t.Fatal(err)
	}
	if len(edits) > 0 {
		if cur, _, err = edit.Assume(cur, model.NewIndex(cur), edits); err != nil {
			t.Fatal(err)
		}
	}
	if f != nil {
		f(cur)
	}
	rep, err := impact.Compare(reach.New(old), reach.New(cur), impact.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// lines renders items one a line, with instance names for readability.
func lines(items []impact.Item) []string {
	out := []string{}
	for _, it := range items {
		svc := it.Protocol
		if len(it.Ports) > 0 {
			var ps []string
			for _, p := range it.Ports {
				ps = append(ps, p.String())
			}
			svc += "/" + strings.Join(ps, ",")
		}
		out = append(out, fmt.Sprintf("%s -> %s %s", strings.Join(it.From, ","), strings.Join(it.To, ","), svc))
	}
	return out
}

// The three-tier fixture's interfaces (fixtures/three-tier.json): web-1a
// and web-1b in the public subnets, app-1a and app-1b, db-1a and db-1b.
const (
	web1a = "eni-0364e794b59237163"
	web1b = "eni-07d949c4244ceefe0"
	app1a = "eni-0b85f4124abf8284f"
	app1b = "eni-0e634e38f426aea15"
	db1a  = "eni-00e52780529f06105"
	db1b  = "eni-0317636a17ff74641"
)

func TestDiffOverFixturePairs(t *testing.T) {
	for _, c := range []struct {
		name            string
		fixture         string
		edits           []string
		change          func(*model.Snapshot)
		gained, lost    []string
		exposed, broken bool
	}{{
		// AWS VPC guide, "Network ACL rules": rules are evaluated in order,
		// the first match decides — a deny numbered before the allow for
		// 3306 from the app subnets blocks the database port.
		name: "a NACL tightened: the db tier's ACL denies 3306 from the app subnets", fixture: "three-tier",
		edits:  []string{"storefront-db-nacl inbound 90 deny tcp 3306 10.0.10.0/23"},
		gained: []string{},
		lost:   []string{fmt.Sprintf("%s,%s -> %s,%s tcp/3306", app1a, app1b, db1a, db1b)},
	}, {
		// a security group rule opens the web servers' 8080 to the world;
		// the public ACL admits 1024-65535, so the internet reaches it
		name: "a group opened: the web group takes 8080 from anywhere", fixture: "three-tier",
		edits: []string{"storefront-web-sg ingress tcp 8080 from 0.0.0.0/0"},
		gained: []string{
			"0.0.0.0/0 -> " + web1a + "," + web1b + " tcp/8080",
			web1a + "," + app1a + "," + app1b + " -> " + web1b + " tcp/8080",
			web1b + "," + app1a + "," + app1b + " -> " + web1a + " tcp/8080",
		},
		lost:    []string{},
		exposed: true, broken: true,
	}, {
		// without the public route table's default route the internet
		// gateway is unreachable both ways
		name: "a route removed: the public subnets lose their default route", fixture: "three-tier",
		edits:  []string{"disable storefront-public-rt 0.0.0.0/0"},
		gained: []string{},
		lost: []string{
			"0.0.0.0/0 -> " + web1a + "," + web1b + " tcp/443", "0.0.0.0/0 -> " + web1a + "," + web1b + " tcp/80",
			"203.0.113.0/24 -> " + web1a + "," + web1b + " tcp/22",
			// the private tiers' NAT gateways sit in the public subnets
			db1a + " -> 0.0.0.0/0 tcp/443", db1b + " -> 0.0.0.0/0 tcp/443",
			web1a + " -> 0.0.0.0/0 tcp/1024-65535", web1a + " -> 0.0.0.0/0 tcp/443", web1a + " -> 0.0.0.0/0 tcp/80",
			web1b + " -> 0.0.0.0/0 tcp/1024-65535", web1b + " -> 0.0.0.0/0 tcp/443", web1b + " -> 0.0.0.0/0 tcp/80",
			app1a + " -> 0.0.0.0/0 tcp/443", app1a + " -> 0.0.0.0/0 tcp/80",
			app1b + " -> 0.0.0.0/0 tcp/443", app1b + " -> 0.0.0.0/0 tcp/80",
		},
	}, {
		// AWS VPC peering guide: traffic crosses an active peering only
		name: "a peering deleted: payments loses the ledger", fixture: "peering",
		change: func(s *model.Snapshot) {
			s.VPCPeerings = slices.DeleteFunc(s.VPCPeerings, func(p *model.VPCPeering) bool { return p.Name() == "payments-ledger" })
		},
		// payments-api-1 and the other payments interface lose the ledger
		// database (peering.json: the ledger group admits 5432 from the
		// payments group across the peering)
		gained: []string{},
		lost:   []string{"eni-00ec9673bca04f5e2,eni-038a39bb0ee84d2cb -> eni-084aeca91ca356c4c tcp/5432"},
	}} {
		t.Run(c.name, func(t *testing.T) {
			rep := compare(t, c.fixture, c.edits, c.change)
			if rep.Resources.Empty() {
				t.Fatalf("no resource change recorded")
			}
			if !slices.Equal(lines(rep.Reachability.Gained), c.gained) {
				t.Errorf("gained %q, want %q", lines(rep.Reachability.Gained), c.gained)
			}
			if !slices.Equal(lines(rep.Reachability.Lost), c.lost) {
				t.Errorf("lost %q, want %q", lines(rep.Reachability.Lost), c.lost)
			}
			if got := len(rep.Exposure.Gained) > 0; got != c.exposed {
				t.Errorf("exposure gained %v, want %v: %q", got, c.exposed, lines(rep.Exposure.Gained))
			}
			if rep.Broke() != c.broken {
				t.Errorf("broke %v, want %v", rep.Broke(), c.broken)
			}
			t.Logf("gained %q\nlost %q\nexposure +%q -%q", lines(rep.Reachability.Gained), lines(rep.Reachability.Lost),
				lines(rep.Exposure.Gained), lines(rep.Exposure.Lost))
		})
	}
}
