package model

import (
	"slices"
	"strconv"
	"strings"
)

// This file holds Validate's checks of AWS Network Firewall resources,
// VPN connections, Direct Connect and endpoint services: values no AWS API
// returns (errors) and references the snapshot cannot follow (notes).

// firewallValues checks the values of firewalls, policies and rule groups
// that the engine evaluates. Network Firewall API reference: a stateless
// rule's Priority is "from 1 to 65535", unique in its group, and its
// Actions name exactly one of aws:pass, aws:drop, aws:forward_to_sfe; a
// policy's StatelessDefaultActions likewise; a stateful rule's Action is
// PASS, DROP, ALERT or REJECT and its Direction FORWARD or ANY; a rule
// group's rule order and a policy's are DEFAULT_ACTION_ORDER or
// STRICT_ORDER; StatefulDefaultActions are aws:drop_strict,
// aws:drop_established, aws:alert_strict or aws:alert_established, at most
// one drop and one alert, in strict order only.
func (c *checker) firewallValues() {
	for _, p := range c.s.FirewallPolicies {
		c.standardActions(p.ID, at{sub: "statelessDefaultActions"}, p.StatelessDefaultActions, p.StatelessCustomActions, false)
		c.standardActions(p.ID, at{sub: "statelessFragmentDefaultActions"}, p.StatelessFragmentDefaultActions, p.StatelessCustomActions, true)
		c.ruleOrder(p.ID, at{sub: "ruleOrder"}, p.RuleOrder)
		drops, alerts := 0, 0
		for i, a := range p.StatefulDefaultActions {
			switch a {
			case "aws:drop_strict", "aws:drop_established":
				drops++
			case "aws:alert_strict", "aws:alert_established":
				alerts++
			default:
				c.errorf(p.ID, at{"statefulDefaultActions", i, ""}, "unknown stateful default action %q: want aws:drop_strict, aws:drop_established, aws:alert_strict or aws:alert_established", a)
			}
		}
		if drops > 1 || alerts > 1 {
			c.errorf(p.ID, at{sub: "statefulDefaultActions"}, "at most one drop and one alert action")
		}
		if len(p.StatefulDefaultActions) > 0 && !p.StrictOrder() {
			c.errorf(p.ID, at{sub: "statefulDefaultActions"}, "stateful default actions are valid only with STRICT_ORDER")
		}
		for _, h := range [][]RuleGroupRef{p.StatelessRuleGroups, p.StatefulRuleGroups} {
			for i, r := range h {
				if !strings.HasPrefix(r.ARN, "arn:") {
					c.errorf(p.ID, at{"ruleGroups", i, ".arn"}, "rule group reference %q is not an ARN", r.ARN)
				}
			}
		}
		for name, defs := range p.Variables {
			c.ipSetDefinitions(p.ID, "variables."+name, defs)
		}
	}
	for _, g := range c.s.FirewallRuleGroups {
		c.ruleGroupValues(g)
	}
}

func (c *checker) ruleGroupValues(g *FirewallRuleGroup) {
	switch g.Type {
	case "STATELESS", "STATEFUL":
	default:
		c.errorf(g.ID, at{sub: "type"}, "type %q: want STATELESS or STATEFUL", g.Type)
	}
	c.ruleOrder(g.ID, at{sub: "ruleOrder"}, g.RuleOrder)
	for name, defs := range g.IPSets {
		c.ipSetDefinitions(g.ID, "ipSets."+name, defs)
	}
	for name, defs := range g.PortSets {
		for i, d := range defs {
			if _, err := ParsePortExpr(d); err != nil {
				c.errorf(g.ID, at{"portSets." + name, i, ""}, "%v", err)
			}
		}
	}
	seen := map[int32]bool{}
	for i, r := range g.StatelessRules {
		if r.Priority < 1 || r.Priority > 65535 {
			c.errorf(g.ID, at{"statelessRules", i, ".priority"}, "priority %d is outside 1-65535", r.Priority)
		}
		if seen[r.Priority] {
			c.errorf(g.ID, at{"statelessRules", i, ".priority"}, "priority %d is used twice; priorities are unique in a rule group", r.Priority)
		}
		seen[r.Priority] = true
		c.standardActions(g.ID, at{"statelessRules", i, ".actions"}, r.Actions, g.CustomActions, false)
		for j, p := range r.Protocols {
			if p < 0 || p > 255 {
				c.errorf(g.ID, at{"statelessRules", i, ".protocols"}, "protocol %d (item %d) is outside 0-255", p, j)
			}
		}
		for j, p := range r.Sources {
			c.prefix(g.ID, at{"statelessRules", i, ".sources[" + strconv.Itoa(j) + "]"}, p, anyFamily)
		}
		for j, p := range r.Destinations {
			c.prefix(g.ID, at{"statelessRules", i, ".destinations[" + strconv.Itoa(j) + "]"}, p, anyFamily)
		}
		for _, pr := range slices.Concat(r.SourcePorts, r.DestinationPorts) {
			if pr.From > pr.To {
				c.errorf(g.ID, at{"statelessRules", i, ".ports"}, "port range %d-%d runs backwards", pr.From, pr.To)
			}
		}
	}
	for i, r := range g.StatefulRules {
		switch strings.ToUpper(r.Action) {
		case "PASS", "DROP", "ALERT", "REJECT":
		default:
			c.errorf(g.ID, at{"statefulRules", i, ".action"}, "action %q: want PASS, DROP, ALERT or REJECT", r.Action)
		}
		switch strings.ToUpper(r.Direction) {
		case "FORWARD", "ANY":
		default:
			c.errorf(g.ID, at{"statefulRules", i, ".direction"}, "direction %q: want FORWARD or ANY", r.Direction)
		}
		if _, err := r.Rule(); err != nil {
			c.errorf(g.ID, at{"statefulRules", i, ""}, "%v", err)
		}
	}
	if g.RulesString != "" {
		// A malformed rule string is what AWS would have refused; the
		// engine reports it and skips the rule, so it is a note.
		_, errs := ParseSuricataRules(g.RulesString)
		for _, e := range errs {
			c.add(g.ID, "rulesString %s", e.Error())
		}
	}
	if d := g.Domains; d != nil {
		switch d.GeneratedRulesType {
		case "ALLOWLIST", "DENYLIST", "REJECTLIST", "ALERTLIST":
		default:
			c.errorf(g.ID, at{sub: "domains.generatedRulesType"}, "generated rules type %q: want ALLOWLIST, DENYLIST, REJECTLIST or ALERTLIST", d.GeneratedRulesType)
		}
		for i, t := range d.TargetTypes {
			if t != "TLS_SNI" && t != "HTTP_HOST" {
				c.errorf(g.ID, at{"domains.targetTypes", i, ""}, "target type %q: want TLS_SNI or HTTP_HOST", t)
			}
		}
	}
}

// standardActions checks a stateless action list: exactly one standard
// action (none allowed for an optional list left empty), the others
// custom actions the context defines.
func (c *checker) standardActions(res string, f at, actions, custom []string, optional bool) {
	if len(actions) == 0 && optional {
		return
	}
	n := 0
	for _, a := range actions {
		switch {
		case a == ActionPass || a == ActionDrop || a == ActionForward:
			n++
		case !slices.Contains(custom, a):
			c.add(res, "%s: custom action %q is not defined", f, a)
		}
	}
	if n != 1 {
		c.errorf(res, f, "%d standard actions; want exactly one of aws:pass, aws:drop, aws:forward_to_sfe", n)
	}
}

func (c *checker) ruleOrder(res string, f at, o string) {
	if o != "" && o != RuleOrderDefault && o != RuleOrderStrict {
		c.errorf(res, f, "rule order %q: want DEFAULT_ACTION_ORDER or STRICT_ORDER", o)
	}
}

// ipSetDefinitions checks a rule variable's definitions: CIDRs or addresses.
func (c *checker) ipSetDefinitions(res, list string, defs []string) {
	for i, d := range defs {
		if _, err := ParseAddrExpr(d); err != nil {
			c.errorf(res, at{list, i, ""}, "%v", err)
		}
	}
}

// hybridValues checks VPN and Direct Connect values the engine uses.
func (c *checker) hybridValues() {
	for _, v := range c.s.VPNConnections {
		for i, r := range v.Routes {
			c.prefix(v.ID, at{"routes", i, ".destination"}, r.Destination, anyFamily)
		}
		for i, t := range v.Tunnels {
			if t.Status != "" && t.Status != "UP" && t.Status != "DOWN" {
				c.errorf(v.ID, at{"tunnels", i, ".status"}, "status %q: want UP or DOWN", t.Status)
			}
		}
	}
	for _, a := range c.s.DXGatewayAssociations {
		c.prefixes(a.ID, "allowedPrefixes", a.AllowedPrefixes, anyFamily)
	}
}

// firewalls checks the references of Network Firewall resources.
func (c *checker) firewalls() {
	for _, f := range c.s.NetworkFirewalls {
		lookup[*VPC](c, f.ID, f.VPCID, "VPC")
		lookup[*FirewallPolicy](c, f.ID, f.PolicyARN, "firewall policy")
		for _, e := range f.Endpoints {
			if sn, ok := lookup[*Subnet](c, f.ID, e.SubnetID, "endpoint subnet"); ok {
				if sn.VPCID != f.VPCID {
					c.add(f.ID, "endpoint subnet %s is in VPC %s, not %s", sn.ID, sn.VPCID, f.VPCID)
				}
				if e.AvailabilityZone != "" && sn.AvailabilityZone != e.AvailabilityZone {
					c.add(f.ID, "endpoint %s is listed in %s, but its subnet %s is in %s", e.EndpointID, e.AvailabilityZone, sn.ID, sn.AvailabilityZone)
				}
			}
			if e.EndpointID == "" {
				c.add(f.ID, "the endpoint in %s has no ID", e.AvailabilityZone)
			}
		}
	}
	for _, p := range c.s.FirewallPolicies {
		for _, r := range slices.Concat(p.StatelessRuleGroups, p.StatefulRuleGroups) {
			lookup[*FirewallRuleGroup](c, p.ID, r.ARN, "rule group")
		}
	}
}

// hybrid checks the references of VPN and Direct Connect resources.
func (c *checker) hybrid() {
	for _, v := range c.s.VPNConnections {
		if gone(v.State) {
			continue
		}
		if v.CustomerGatewayID != "" {
			lookup[*CustomerGateway](c, v.ID, v.CustomerGatewayID, "customer gateway")
		}
		switch {
		case v.VPNGatewayID != "":
			lookup[*VPNGateway](c, v.ID, v.VPNGatewayID, "virtual private gateway")
		case v.TransitGatewayID != "":
			lookup[*TransitGateway](c, v.ID, v.TransitGatewayID, "transit gateway")
		default:
			c.add(v.ID, "attached to neither a virtual private gateway nor a transit gateway")
		}
	}
	for _, a := range c.s.DXGatewayAssociations {
		if gone(a.State) || a.State == "disassociated" {
			continue
		}
		lookup[*DXGateway](c, a.ID, a.DXGatewayID, "Direct Connect gateway")
		if strings.HasPrefix(a.AssociatedGatewayID, "vgw-") {
			lookup[*VPNGateway](c, a.ID, a.AssociatedGatewayID, "associated gateway")
		} else {
			lookup[*TransitGateway](c, a.ID, a.AssociatedGatewayID, "associated gateway")
		}
	}
	for _, v := range c.s.DXVirtualInterfaces {
		if gone(v.State) {
			continue
		}
		switch {
		case v.DXGatewayID != "":
			lookup[*DXGateway](c, v.ID, v.DXGatewayID, "Direct Connect gateway")
		case v.VirtualGatewayID != "":
			lookup[*VPNGateway](c, v.ID, v.VirtualGatewayID, "virtual private gateway")
		}
	}
	for _, rt := range c.s.RouteTables {
		for _, g := range rt.PropagatingVGWs {
			lookup[*VPNGateway](c, rt.ID, g, "propagating virtual private gateway")
		}
	}
}

// firewallEndpoint reports whether id is a Network Firewall endpoint.
func (c *checker) firewallEndpoint(id string) bool {
	for _, f := range c.s.NetworkFirewalls {
		if f.Endpoint(id) != nil {
			return true
		}
	}
	return false
}
