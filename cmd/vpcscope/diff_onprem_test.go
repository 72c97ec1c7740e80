package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/tfplan"
)

// onPremItem is the part of a reachability item (docs/json.md) the
// on-premises tests read.
type onPremItem struct {
	From, To []string
	Protocol string
	OnPrem   string
	Ports    []model.PortRange
}

// TestDiffAndPlanOnPremTraffic: with --onprem declared, diff and plan
// report the traffic gained and lost between the on-premises network and
// the interfaces, both ways, as items naming onprem:NAME and its
// addresses. The planned network is model/tfplan's corp-vgw-move.json on
// the hybrid fixture: corp-vgw leaves the corp-app VPC (hq-db-1) for the
// analytics VPC, which propagates its routes.
func TestDiffAndPlanOnPremTraffic(t *testing.T) {
	const hybrid = "../../fixtures/hybrid.json"
	data, err := os.ReadFile(planDir + "corp-vgw-move.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := tfplan.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	base, err := fixtures.Load("hybrid")
	if err != nil {
		t.Fatal(err)
	}
	res, err := tfplan.Apply(p, base)
	if err != nil {
		t.Fatal(err)
	}
	planned, err := json.Marshal(res.Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	after := filepath.Join(t.TempDir(), "after.json")
	if err := os.WriteFile(after, planned, 0o644); err != nil {
		t.Fatal(err)
	}
	const (
		hqDB1 = "eni-08e319ba32b97005e"
		an1   = "eni-0f172b3660498d1ee"
		an2   = "eni-0f172b2660498d03b"
		dc    = "onprem:datacenter,10.200.0.0/16"
	)
	render := func(items []onPremItem) []string {
		out := []string{}
		for _, it := range items {
			svc := it.Protocol
			for _, r := range it.Ports {
				svc += "/" + r.String()
			}
			out = append(out, it.OnPrem+": "+strings.Join(it.From, ",")+" -> "+strings.Join(it.To, ",")+" "+svc)
		}
		return out
	}
	for _, c := range []struct {
		name         string
		args         []string
		gained, lost []string
	}{{
		name: "diff --onprem: the datacenter loses hq-db-1 and gains the analytics servers",
		args: []string{"diff", hybrid, after, "--onprem", "datacenter=10.200.0.0/16", "-o", "json"},
		gained: []string{
			"datacenter: " + an2 + " -> " + dc + " icmp",
			"datacenter: " + an1 + " -> " + dc + " icmp",
			"datacenter: " + an2 + " -> " + dc + " tcp/all",
			"datacenter: " + an1 + " -> " + dc + " tcp/all",
			"datacenter: " + dc + " -> " + an2 + "," + an1 + " tcp/443",
			"datacenter: " + an2 + " -> " + dc + " udp/all",
			"datacenter: " + an1 + " -> " + dc + " udp/all",
		},
		lost: []string{
			"datacenter: " + hqDB1 + " -> " + dc + " icmp",
			"datacenter: " + dc + " -> " + hqDB1 + " icmp",
			"datacenter: " + hqDB1 + " -> " + dc + " tcp/all",
			"datacenter: " + dc + " -> " + hqDB1 + " tcp/5432",
			"datacenter: " + hqDB1 + " -> " + dc + " udp/all",
		},
	}, {
		name:   "diff without --onprem: no traffic between interfaces changed",
		args:   []string{"diff", hybrid, after, "-o", "json"},
		gained: []string{}, lost: []string{},
	}, {
		name: "plan --onprem reports the same sets",
		args: []string{"plan", planDir + "corp-vgw-move.json", "--snapshot", hybrid, "--onprem", "datacenter=10.200.0.0/16", "-o", "json"},
		gained: []string{
			"datacenter: " + an2 + " -> " + dc + " icmp",
			"datacenter: " + an1 + " -> " + dc + " icmp",
			"datacenter: " + an2 + " -> " + dc + " tcp/all",
			"datacenter: " + an1 + " -> " + dc + " tcp/all",
			"datacenter: " + dc + " -> " + an2 + "," + an1 + " tcp/443",
			"datacenter: " + an2 + " -> " + dc + " udp/all",
			"datacenter: " + an1 + " -> " + dc + " udp/all",
		},
		lost: []string{
			"datacenter: " + hqDB1 + " -> " + dc + " icmp",
			"datacenter: " + dc + " -> " + hqDB1 + " icmp",
			"datacenter: " + hqDB1 + " -> " + dc + " tcp/all",
			"datacenter: " + dc + " -> " + hqDB1 + " tcp/5432",
			"datacenter: " + hqDB1 + " -> " + dc + " udp/all",
		},
	}} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runMain(t, "", c.args...)
			if code != exitOK {
				t.Fatalf("exit %d, want 0 (traffic with the datacenter is no exposure to the internet)\n%s\n%s", code, out, errOut)
			}
			var rep struct {
				Reachability struct {
					Gained, Lost []onPremItem
				}
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if got := render(rep.Reachability.Gained); !slices.Equal(got, c.gained) {
				t.Errorf("gained\n%q\nwant\n%q", got, c.gained)
			}
			if got := render(rep.Reachability.Lost); !slices.Equal(got, c.lost) {
				t.Errorf("lost\n%q\nwant\n%q", got, c.lost)
			}
		})
	}
}
