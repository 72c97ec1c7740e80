package audit

import (
	"fmt"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// firewalls checks AWS Network Firewall resources against Security Hub's
// NetworkFirewall controls: a firewall's endpoints in more than one
// Availability Zone (NetworkFirewall.1) and its logging (.2, when the
// snapshot read the logging configuration); a policy with a rule group
// (.3) whose stateless default actions for full and fragmented packets
// drop or forward to the stateful engine (.4, .5); stateless rule groups
// with rules (.6). It returns the controls it could not check, and why.
func (a *auditor) firewalls() []string {
	var notChecked []string
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
			notChecked = append(notChecked, fmt.Sprintf("NetworkFirewall.2 (logging) for %s: the snapshot holds no logging configuration (DescribeLoggingConfiguration was not read)", f.FirewallName))
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
	return notChecked
}
