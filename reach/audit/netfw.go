package audit

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

// firewalls checks AWS Network Firewall resources against Security Hub's
// NetworkFirewall controls: a firewall's endpoints in more than one
// Availability Zone (NetworkFirewall.1) and its logging (.2, when the
// snapshot read the logging configuration); a policy with a rule group
// (.3) whose stateless default actions for full and fragmented packets
// drop or forward to the stateful engine (.4, .5); stateless rule groups
// with rules (.6). What it cannot decide it lists as not checked.
func (a *auditor) firewalls() {
	for _, f := range a.s.NetworkFirewalls {
		azs := map[string]bool{}
		for _, e := range f.Endpoints {
			azs[e.AvailabilityZone] = true
		}
		if len(azs) < 2 {
			a.add(Finding{Controls: []string{"NetworkFirewall.1"}, Severity: Medium,
				Message: fmt.Sprintf("firewall %s has endpoints in %d Availability Zone: an outage there stops the traffic it inspects", f.FirewallName, len(azs))}, f)
		}
		switch {
		case !f.LoggingListed:
			a.notChecked("NetworkFirewall.2 (logging) for "+f.FirewallName, (model.Scope{Account: f.Account, Region: f.Region}).String(),
				"the snapshot holds no logging configuration (DescribeLoggingConfiguration was not read)", nil)
		case len(f.Logging) == 0:
			a.add(Finding{Controls: []string{"NetworkFirewall.2"}, Severity: Medium,
				Message: fmt.Sprintf("firewall %s logs nothing: neither alerts nor flows are recorded", f.FirewallName)}, f)
		}
	}
	for _, p := range a.s.FirewallPolicies {
		if len(p.StatelessRuleGroups)+len(p.StatefulRuleGroups) == 0 {
			a.add(Finding{Controls: []string{"NetworkFirewall.3"}, Severity: Medium,
				Message: fmt.Sprintf("firewall policy %s has no rule group: only its default actions decide", p.PolicyName)}, p)
		}
		for _, c := range []struct {
			id, what string
			actions  []string
		}{{"NetworkFirewall.4", "full packets", p.StatelessDefaultActions}, {"NetworkFirewall.5", "fragmented packets", p.StatelessFragmentDefaultActions}} {
			if model.StandardAction(c.actions) == model.ActionPass {
				a.add(Finding{Controls: []string{c.id}, Severity: Medium, Rule: strings.Join(c.actions, "+"),
					Message: fmt.Sprintf("firewall policy %s passes %s no stateless rule matches without inspecting them (want aws:drop or aws:forward_to_sfe)", p.PolicyName, c.what)}, p)
			}
		}
	}
	for _, g := range a.s.FirewallRuleGroups {
		if g.IsStateless() && len(g.StatelessRules) == 0 {
			a.add(Finding{Controls: []string{"NetworkFirewall.6"}, Severity: Medium,
				Message: fmt.Sprintf("stateless rule group %s has no rules", g.RuleGroupName)}, g)
		}
	}
}

// firewallBypass checks VPCSCOPE.FIREWALL_BYPASS: in a VPC whose traffic
// to the internet passes an in-line firewall (AWS Network Firewall or a
// Gateway Load Balancer appliance) — the VPC holds a firewall, or the
// engine finds one subnet's egress inspected — a subnet whose egress the
// engine finds reaching the internet without passing one is a bypass.
// Each subnet with a workload interface is asked once, from its first
// such interface, to 93.184.216.34 on tcp/443; only what the engine
// proves is reported.
func (a *auditor) firewallBypass() {
	const control = "VPCSCOPE.FIREWALL_BYPASS"
	firewallSubnets := map[string]bool{}
	firewalled := map[string]string{} // VPC -> firewall that inspects it
	for _, f := range a.s.NetworkFirewalls {
		for _, id := range f.SubnetIDs {
			firewallSubnets[id] = true
		}
		if f.VPCID != "" && firewalled[f.VPCID] == "" {
			firewalled[f.VPCID] = f.FirewallName
		}
	}
	type egress struct {
		subnet    *model.Subnet
		iface     *model.NetworkInterface
		ans       *reach.Answer
		q         reach.Query
		inspector string
	}
	byVPC := map[string][]egress{}
	var vpcs []string
	for _, v := range a.s.VPCs {
		if gaps := a.s.GapsFor(model.KindNetworkFirewall, v.Account, v.Region); len(gaps) > 0 {
			a.notChecked(control, (model.Scope{Account: v.Account, Region: v.Region}).String(), gaps[0].String(), &gaps[0])
			continue
		}
		for _, sn := range a.ix.VPCSubnets(v.ID) {
			if firewallSubnets[sn.ID] {
				continue
			}
			var n *model.NetworkInterface
			for _, c := range a.ix.SubnetInterfaces(sn.ID) {
				if c.InterfaceType == "" || c.InterfaceType == "interface" {
					n = c
					break
				}
			}
			if n == nil {
				continue
			}
			q := reach.Query{From: n.ID, To: "93.184.216.34", Protocol: model.ProtocolTCP, Port: 443}
			ans, err := a.e.Reach(q)
			if err != nil || !ans.Reachable {
				continue
			}
			e := egress{subnet: sn, iface: n, ans: ans, q: q}
			for _, h := range ans.Forward {
				if h.Layer == reach.LayerNetworkFirewall || h.Layer == reach.LayerGatewayLoadBalancer {
					e.inspector = cmp.Or(h.Name, h.Resource)
					if firewalled[v.ID] == "" {
						firewalled[v.ID] = e.inspector
					}
					break
				}
			}
			if len(byVPC[v.ID]) == 0 {
				vpcs = append(vpcs, v.ID)
			}
			byVPC[v.ID] = append(byVPC[v.ID], e)
		}
	}
	for _, id := range vpcs {
		fw := firewalled[id]
		if fw == "" {
			continue
		}
		for _, e := range byVPC[id] {
			if e.inspector != "" {
				continue
			}
			rt, _ := a.ix.SubnetRouteTable(e.subnet.ID)
			via := ""
			if rt != nil {
				via = " through route table " + rt.ID
			}
			a.add(Finding{Controls: []string{control}, Severity: Medium, Rule: "egress of " + e.subnet.ID, Path: e.ans.Forward, Witness: &e.q,
				Message: fmt.Sprintf("%s in subnet %s reaches the internet%s without passing a firewall, though the VPC's traffic is inspected by %s (tcp/443 to 93.184.216.34 shown)",
					e.iface.ID, e.subnet.ID, via, fw)}, e.subnet)
		}
	}
}
