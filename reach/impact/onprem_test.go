package impact_test

import (
	"slices"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/impact"
)

// The hybrid fixture's hq-db-1 (corp-app VPC, reached from the datacenter
// over hq-vpn on corp-vgw).
const hqDB1 = "eni-08e319ba32b97005e"

// TestOnPremTrafficGainedAndLost compares two versions of the hybrid
// fixture with the datacenter declared (--onprem datacenter=10.200.0.0/16)
// on both: the traffic between it and the interfaces, both ways, is part
// of the reachability delta (onprem:datacenter and the addresses it holds
// for), never of the exposure to the internet.
func TestOnPremTrafficGainedAndLost(t *testing.T) {
	dc := "onprem:datacenter,10.200.0.0/16"
	for _, c := range []struct {
		name         string
		edits        []string
		change       func(*model.Snapshot)
		gained, lost []string
	}{{
		// AWS VPC guide, "Security group rules": a rule admits the
		// sources its CIDR names, and only those
		// (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html);
		// the change touches hq-db-1's group only, so only hq-db-1 is walked
		name:   "a group rule admits SSH from the datacenter's bastion subnet",
		edits:  []string{"hq-db-sg ingress tcp 22 from 10.200.5.0/24"},
		gained: []string{"onprem:datacenter,10.200.5.0/24 -> " + hqDB1 + " tcp/22"},
		lost:   []string{},
	}, {
		// DetachVpnGateway: a detached gateway carries nothing for the VPC
		// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DetachVpnGateway.html)
		name: "the VPN gateway detached: the datacenter and hq-db-1 lose each other both ways",
		change: func(s *model.Snapshot) {
			for _, g := range s.VPNGateways {
				g.Attachments = nil
			}
		},
		gained: []string{},
		lost: []string{
			hqDB1 + " -> " + dc + " icmp",
			dc + " -> " + hqDB1 + " icmp",
			hqDB1 + " -> " + dc + " tcp/all",
			dc + " -> " + hqDB1 + " tcp/5432",
			hqDB1 + " -> " + dc + " udp/all",
		},
	}} {
		t.Run(c.name, func(t *testing.T) {
			old, err := fixtures.Load("hybrid")
			if err != nil {
				t.Fatal(err)
			}
			cur, err := fixtures.Load("hybrid")
			if err != nil {
				t.Fatal(err)
			}
			if len(c.edits) > 0 {
				if cur, _, err = edit.Assume(cur, model.NewIndex(cur), c.edits); err != nil {
					t.Fatal(err)
				}
			}
			if c.change != nil {
				c.change(cur)
			}
			n, err := reach.ParseOnPrem("datacenter=10.200.0.0/16")
			if err != nil {
				t.Fatal(err)
			}
			ea, err := reach.New(old).WithOnPrem([]reach.OnPremNetwork{n})
			if err != nil {
				t.Fatal(err)
			}
			eb, err := reach.New(cur).WithOnPrem([]reach.OnPremNetwork{n})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := impact.Compare(ea, eb, impact.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := lines(rep.Reachability.Gained); !slices.Equal(got, c.gained) {
				t.Errorf("gained\n%q\nwant\n%q", got, c.gained)
			}
			if got := lines(rep.Reachability.Lost); !slices.Equal(got, c.lost) {
				t.Errorf("lost\n%q\nwant\n%q", got, c.lost)
			}
			for _, it := range slices.Concat(rep.Reachability.Gained, rep.Reachability.Lost) {
				if it.OnPrem != "datacenter" {
					t.Errorf("%v: onPrem %q, want datacenter", it, it.OnPrem)
				}
			}
			if len(rep.Exposure.Gained)+len(rep.Exposure.Lost) > 0 || rep.Broke() {
				t.Errorf("the datacenter counted as the internet: exposure +%q -%q", lines(rep.Exposure.Gained), lines(rep.Exposure.Lost))
			}
			// without the datacenter declared, neither change is traffic
			// between interfaces or with the internet
			plain, err := impact.Compare(reach.New(old), reach.New(cur), impact.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(plain.Reachability.Gained)+len(plain.Reachability.Lost) > 0 {
				t.Errorf("without --onprem: gained %q lost %q", lines(plain.Reachability.Gained), lines(plain.Reachability.Lost))
			}
		})
	}
}
