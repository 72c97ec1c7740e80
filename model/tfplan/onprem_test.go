package tfplan_test

import (
	"slices"
	"testing"

	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/impact"
)

// TestOnPremReachabilityOfPlans compares the hybrid fixture with the
// planned network, both with the datacenter declared (--onprem
// datacenter=10.200.0.0/16): the traffic gained and lost between the
// datacenter and the interfaces, both ways, with the datacenter's
// addresses it holds for. What lies beyond the VPN is assumed to pass it.
func TestOnPremReachabilityOfPlans(t *testing.T) {
	dc := "onprem:datacenter,10.200.0.0/16"
	for _, c := range []struct {
		name         string
		plan         string
		gained, lost []string
	}{{
		// AWS Site-to-Site VPN guide, "Route tables and route priority"
		// (https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-route-priority.html):
		// the gateway moved to the analytics VPC propagates hq-vpn's
		// 10.200.0.0/16 into analytics-rt; corp-app-rt loses its
		// propagated route and the datacenter no longer enters corp-app
		name: "a VPN gateway moved to another VPC: the datacenter loses hq-db-1 and gains analytics", plan: "corp-vgw-move.json",
		gained: []string{
			analytics2ENI + " -> " + dc + " icmp echo-request",
			analytics1ENI + " -> " + dc + " icmp echo-request",
			analytics2ENI + " -> " + dc + " tcp/all",
			analytics1ENI + " -> " + dc + " tcp/all",
			dc + " -> " + analytics2ENI + "," + analytics1ENI + " tcp/443",
			analytics2ENI + " -> " + dc + " udp/all",
			analytics1ENI + " -> " + dc + " udp/all",
		},
		lost: []string{
			hqDB1ENI + " -> " + dc + " icmp echo-request",
			dc + " -> " + hqDB1ENI + " icmp echo-request",
			hqDB1ENI + " -> " + dc + " tcp/all",
			dc + " -> " + hqDB1ENI + " tcp/5432",
			hqDB1ENI + " -> " + dc + " udp/all",
		},
	}, {
		// without route propagation in analytics-rt the replies to the
		// datacenter find no way back: nothing gained
		name: "moved without route propagation: the datacenter only loses hq-db-1", plan: "corp-vgw-move-no-propagation.json",
		gained: []string{},
		lost: []string{
			hqDB1ENI + " -> " + dc + " icmp echo-request",
			dc + " -> " + hqDB1ENI + " icmp echo-request",
			hqDB1ENI + " -> " + dc + " tcp/all",
			dc + " -> " + hqDB1ENI + " tcp/5432",
			hqDB1ENI + " -> " + dc + " udp/all",
		},
	}, {
		// a group rule admitting part of the datacenter: gained for
		// those addresses only, and to the datacenter, not the internet
		// (no exposure)
		name: "a group rule opening SSH to the datacenter's bastion subnet", plan: "hq-db-ssh-from-datacenter.json",
		gained: []string{"onprem:datacenter,10.200.5.0/24 -> " + hqDB1ENI + " tcp/22"},
		lost:   []string{},
	}} {
		t.Run(c.name, func(t *testing.T) {
			old, res := applyTo(t, c.plan, "hybrid")
			n, err := reach.ParseOnPrem(datacenterSpec)
			if err != nil {
				t.Fatal(err)
			}
			ea, err := reach.New(old).WithOnPrem([]reach.OnPremNetwork{n})
			if err != nil {
				t.Fatal(err)
			}
			eb, err := reach.New(res.Snapshot).WithOnPrem([]reach.OnPremNetwork{n})
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
					t.Errorf("item %v: onPrem %q, want datacenter", it, it.OnPrem)
				}
			}
			if len(rep.Exposure.Gained)+len(rep.Exposure.Lost) > 0 {
				t.Errorf("exposure to the internet changed: %q %q", lines(rep.Exposure.Gained), lines(rep.Exposure.Lost))
			}
			if !slices.Contains(rep.Caveats, "what lies beyond the link to datacenter (its routers and firewalls) is not in the snapshot: the answer assumes it passes the traffic") {
				t.Errorf("caveats %q lack the on-premises assumption", rep.Caveats)
			}
		})
	}
}
