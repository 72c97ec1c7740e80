package audit_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/audit"
)

// TestNetworkFirewallControls: Security Hub's NetworkFirewall controls on
// the network-firewall fixture — single-AZ firewalls fail
// NetworkFirewall.1, a policy that passes unmatched packets fails .4 —
// and a security group rule open to the world that the firewall stops is
// reported as used by no public path, because the audit asks the engine,
// which walks the firewall (Security Hub controls reference,
// "NetworkFirewall controls").
func TestNetworkFirewallControls(t *testing.T) {
	s, err := fixtures.Load("network-firewall")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range s.FirewallPolicies {
		if p.PolicyName == "shop-policy" {
			p.StatelessDefaultActions = []string{model.ActionPass}
		}
	}
	rep, err := audit.Run(reach.New(s), nil)
	if err != nil {
		t.Fatal(err)
	}
	has := func(control, resourcePart, message string) bool {
		return slices.ContainsFunc(rep.Findings, func(f audit.Finding) bool {
			return slices.Contains(f.Controls, control) && strings.Contains(f.Resource, resourcePart) && strings.Contains(f.Message, message)
		})
	}
	for _, c := range []struct{ control, resource, message string }{
		{"NetworkFirewall.1", "firewall/edge-fw", "1 Availability Zone"},
		{"NetworkFirewall.1", "firewall/shop-fw", "1 Availability Zone"},
		{"NetworkFirewall.4", "firewall-policy/shop-policy", "full packets"},
		{"EC2.13", "sg-", "no interface with a public path uses it now"},
	} {
		if !has(c.control, c.resource, c.message) {
			t.Errorf("no %s finding for %s saying %q", c.control, c.resource, c.message)
		}
	}
	if has("NetworkFirewall.1", "firewall/central-fw", "") || has("NetworkFirewall.2", "", "") {
		t.Errorf("central-fw spans two AZs and every firewall logs alerts: %+v", rep.Findings)
	}
}

// TestFirewallBypassIsASubnetWhoseEgressSkipsTheFirewall: in the
// distributed model every workload subnet routes 0.0.0.0/0 to the
// firewall endpoint; a subnet routed straight to the NAT gateway reaches
// the internet without inspection and is reported with its path, while
// the inspected subnets and the centrally inspected spokes are not
// ("Distributed deployment model", AWS Network Firewall Developer Guide,
// architectures).
func TestFirewallBypassIsASubnetWhoseEgressSkipsTheFirewall(t *testing.T) {
	s, err := fixtures.Load("network-firewall")
	if err != nil {
		t.Fatal(err)
	}
	bypass := func(rep *audit.Report) []audit.Finding {
		var out []audit.Finding
		for _, f := range rep.Findings {
			if slices.Contains(f.Controls, "VPCSCOPE.FIREWALL_BYPASS") {
				out = append(out, f)
			}
		}
		return out
	}
	rep, err := audit.Run(reach.New(s), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := bypass(rep); len(got) != 0 {
		t.Fatalf("every subnet's egress passes a firewall, got %+v", got)
	}
	var db *model.Subnet
	for _, sn := range s.Subnets {
		if sn.Name() == "shop-db-1a" {
			db = sn
		}
	}
	for _, rt := range s.RouteTables {
		if rt.Name() == "shop-db-rt" {
			rt.Routes = append(rt.Routes, model.Route{Destination: netip.MustParsePrefix("0.0.0.0/0"), NATGatewayID: "nat-036a066b10832d4e6", State: "active", Origin: "CreateRoute"})
		}
	}
	rep, err = audit.Run(reach.New(s), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := bypass(rep)
	if len(got) != 1 || got[0].Resource != db.ID || !strings.Contains(got[0].Message, "shop-fw") || len(got[0].Path) == 0 {
		t.Fatalf("want one bypass finding on %s naming shop-fw, got %+v", db.ID, got)
	}
}
