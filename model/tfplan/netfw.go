package tfplan

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// This file maps AWS Network Firewall: aws_networkfirewall_rule_group,
// aws_networkfirewall_firewall_policy and aws_networkfirewall_firewall
// (registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/
// networkfirewall_firewall and its siblings) onto the model's
// FirewallRuleGroup, FirewallPolicy and NetworkFirewall, the shapes
// describe-rule-group, describe-firewall-policy and describe-firewall
// give.

// fwARN is the placeholder ARN of a Network Firewall resource the plan
// creates: its kind and name, then the Terraform address.
func (b *builder) fwARN(c *Change, kind string) string {
	name := str(c.After, "name")
	if name == "" {
		name = c.Name
	}
	return fmt.Sprintf("arn:aws:network-firewall:%s:%s:%s/%s/(%s)", b.region, b.account, kind, name, c.Address)
}

func ruleGroupPlaceholder(b *builder, c *Change) string {
	kind := "stateful-rulegroup"
	if str(c.After, "type") == "STATELESS" {
		kind = "stateless-rulegroup"
	}
	return b.fwARN(c, kind)
}

func policyPlaceholder(b *builder, c *Change) string { return b.fwARN(c, "firewall-policy") }

func firewallPlaceholder(b *builder, c *Change) string { return b.fwARN(c, "firewall") }

// strs returns a list of strings attribute.
func (v vals) strs(attr string) []string {
	var out []string
	xs, _ := v.m[attr].([]any)
	for _, x := range xs {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// first returns the first block of a nested-block attribute (the
// provider's one-element lists), or an empty object.
func (v vals) first(attr string) vals {
	if bs := v.blocks(attr); len(bs) > 0 {
		return bs[0]
	}
	return vals{b: v.b, c: v.c, m: map[string]any{}, path: v.path + attr + ".0."}
}

// definitions reads rule variables: [{key, ip_set|port_set: [{definition}]}].
func definitions(v vals, attr, set string) map[string][]string {
	var out map[string][]string
	for _, kv := range v.blocks(attr) {
		if out == nil {
			out = map[string][]string{}
		}
		out[kv.str("key")] = kv.first(set).strs("definition")
	}
	return out
}

func applyRuleGroup(b *builder, c *Change, v vals) {
	g := existing[*model.FirewallRuleGroup](b, c)
	if g == nil {
		g = &model.FirewallRuleGroup{Meta: b.meta(c, v, b.idOf(c), "")}
	} else {
		g.Tags = v.tags()
	}
	g.RuleGroupName = v.str("name")
	g.Type = v.str("type")
	if n, ok := v.num("capacity"); ok {
		g.Capacity = int32(n)
	}
	rg := v.first("rule_group")
	vars := rg.first("rule_variables")
	g.IPSets, g.PortSets = definitions(vars, "ip_sets", "ip_set"), definitions(vars, "port_sets", "port_set")
	g.IPSetReferences = nil
	for _, ref := range rg.first("reference_sets").blocks("ip_set_references") {
		if g.IPSetReferences == nil {
			g.IPSetReferences = map[string]string{}
		}
		g.IPSetReferences[ref.str("key")] = ref.first("ip_set_reference").ref("reference_arn")
	}
	g.RuleOrder = rg.first("stateful_rule_options").str("rule_order")
	src := rg.first("rules_source")
	g.RulesString = src.str("rules_string")
	if s := v.str("rules"); s != "" { // the Suricata rules given as the resource's own attribute
		g.RulesString = s
	}
	g.Domains = nil
	if l := src.blocks("rules_source_list"); len(l) > 0 {
		g.Domains = &model.DomainList{Targets: l[0].strs("targets"), TargetTypes: l[0].strs("target_types"),
			GeneratedRulesType: l[0].str("generated_rules_type")}
	}
	g.StatefulRules = nil
	for _, r := range src.blocks("stateful_rule") {
		h := r.first("header")
		rule := model.StatefulRule{Action: r.str("action"), Protocol: h.str("protocol"), Source: h.str("source"),
			SourcePort: h.str("source_port"), Direction: h.str("direction"), Destination: h.str("destination"),
			DestinationPort: h.str("destination_port")}
		for _, o := range r.blocks("rule_option") {
			rule.Options = append(rule.Options, model.RuleOption{Keyword: o.str("keyword"), Settings: o.strs("settings")})
		}
		g.StatefulRules = append(g.StatefulRules, rule)
	}
	g.StatelessRules, g.CustomActions = nil, nil
	sl := src.first("stateless_rules_and_custom_actions")
	for _, a := range sl.blocks("custom_action") {
		g.CustomActions = append(g.CustomActions, a.str("action_name"))
	}
	for _, r := range sl.blocks("stateless_rule") {
		def := r.first("rule_definition")
		m := def.first("match_attributes")
		p, _ := r.num("priority")
		rule := model.StatelessRule{Priority: int32(p), Actions: def.strs("actions")}
		for _, x := range m.nums("protocols") {
			rule.Protocols = append(rule.Protocols, int32(x))
		}
		rule.Sources = addressDefinitions(b, c, m.blocks("source"))
		rule.Destinations = addressDefinitions(b, c, m.blocks("destination"))
		rule.SourcePorts = portRanges(m.blocks("source_port"))
		rule.DestinationPorts = portRanges(m.blocks("destination_port"))
		for _, f := range m.blocks("tcp_flag") {
			rule.TCPFlags = append(rule.TCPFlags, strings.Join(f.strs("flags"), ",")+"/"+strings.Join(f.strs("masks"), ","))
		}
		g.StatelessRules = append(g.StatelessRules, rule)
	}
	if g.RulesString == "" && g.Domains == nil && len(g.StatefulRules) == 0 && len(g.StatelessRules) == 0 {
		b.notef("%s: the plan gives the rule group no rules known before apply; it holds none in the answers", c.Address)
	}
	b.replace(g)
	b.addr(g.ID, c.Address)
}

// nums returns a list of numbers attribute.
func (v vals) nums(attr string) []int64 {
	var out []int64
	xs, _ := v.m[attr].([]any)
	for _, x := range xs {
		if f, ok := x.(float64); ok && f == float64(int64(f)) {
			out = append(out, int64(f))
		}
	}
	return out
}

func addressDefinitions(b *builder, c *Change, vs []vals) []netip.Prefix {
	var out []netip.Prefix
	for _, a := range vs {
		s := a.str("address_definition")
		p, err := netip.ParsePrefix(s)
		if err != nil {
			b.notef("%s: address definition %q is not a CIDR block; left out", c.Address, clip(s))
			continue
		}
		out = append(out, p.Masked())
	}
	return out
}

func portRanges(vs []vals) []model.PortRange {
	var out []model.PortRange
	for _, r := range vs {
		from, _ := r.num("from_port")
		to, ok := r.num("to_port")
		if !ok {
			to = from
		}
		out = append(out, model.PortRange{From: uint16(min(max(from, 0), 65535)), To: uint16(min(max(to, 0), 65535))})
	}
	return out
}

func applyFirewallPolicy(b *builder, c *Change, v vals) {
	p := existing[*model.FirewallPolicy](b, c)
	if p == nil {
		p = &model.FirewallPolicy{Meta: b.meta(c, v, b.idOf(c), "")}
	} else {
		p.Tags = v.tags()
	}
	p.PolicyName = v.str("name")
	fp := v.first("firewall_policy")
	p.StatelessDefaultActions = fp.strs("stateless_default_actions")
	p.StatelessFragmentDefaultActions = fp.strs("stateless_fragment_default_actions")
	p.StatelessCustomActions = nil
	for _, a := range fp.blocks("stateless_custom_action") {
		p.StatelessCustomActions = append(p.StatelessCustomActions, a.str("action_name"))
	}
	p.StatelessRuleGroups, p.StatefulRuleGroups = nil, nil
	groupRef := func(r vals) (model.RuleGroupRef, bool) {
		arn := r.ref("resource_arn")
		if arn == "" {
			b.notef("%s: a rule group reference known only after apply and named by no reference is left out", c.Address)
			return model.RuleGroupRef{}, false
		}
		n, _ := r.num("priority")
		return model.RuleGroupRef{ARN: arn, Priority: int32(n), Override: r.first("override").str("action")}, true
	}
	for _, r := range fp.blocks("stateless_rule_group_reference") {
		if ref, ok := groupRef(r); ok {
			p.StatelessRuleGroups = append(p.StatelessRuleGroups, ref)
		}
	}
	for _, r := range fp.blocks("stateful_rule_group_reference") {
		if ref, ok := groupRef(r); ok {
			p.StatefulRuleGroups = append(p.StatefulRuleGroups, ref)
		}
	}
	p.StatefulDefaultActions = fp.strs("stateful_default_actions")
	eo := fp.first("stateful_engine_options")
	p.RuleOrder, p.StreamExceptionPolicy = eo.str("rule_order"), eo.str("stream_exception_policy")
	p.Variables = nil
	if rv := fp.first("policy_variables").blocks("rule_variables"); len(rv) > 0 {
		p.Variables = map[string][]string{}
		for _, kv := range rv {
			p.Variables[kv.str("key")] = kv.first("ip_set").strs("definition")
		}
	}
	b.replace(p)
	b.addr(p.ID, c.Address)
}

func applyFirewall(b *builder, c *Change, v vals) {
	f := existing[*model.NetworkFirewall](b, c)
	if f == nil {
		vpc := b.vpcOf(c, v)
		if vpc == nil {
			return
		}
		f = &model.NetworkFirewall{Meta: b.meta(c, v, b.idOf(c), vpc.Account), VPCID: vpc.ID}
	} else {
		f.Tags = v.tags()
	}
	f.FirewallName = v.str("name")
	if arn := v.ref("firewall_policy_arn"); arn != "" {
		f.PolicyARN = arn
	} else {
		b.notef("%s: its firewall policy is known only after apply and no reference names it", c.Address)
	}
	f.SubnetIDs = nil
	for _, m := range v.blocks("subnet_mapping") {
		if s := m.ref("subnet_id"); s != "" {
			f.SubnetIDs = append(f.SubnetIDs, s)
		}
	}
	// the endpoints: firewall_status.sync_states when the plan knows them
	// (the firewall exists), else one placeholder per subnet mapping
	known := map[string]model.FirewallEndpoint{}
	for _, st := range v.first("firewall_status").blocks("sync_states") {
		for _, a := range st.blocks("attachment") {
			if id := a.str("endpoint_id"); id != "" {
				known[a.str("subnet_id")] = model.FirewallEndpoint{AvailabilityZone: st.str("availability_zone"),
					SubnetID: a.str("subnet_id"), EndpointID: id, Status: a.str("status")}
			}
		}
	}
	if st := v.first("firewall_status").str("status"); st != "" {
		f.Status = st
	}
	f.Endpoints = nil
	for _, sub := range f.SubnetIDs {
		if ep, ok := known[sub]; ok {
			f.Endpoints = append(f.Endpoints, ep)
			continue
		}
		sn := b.subnet(sub)
		if sn == nil {
			b.notef("%s: subnet %s is neither in the snapshot nor in the plan; no endpoint there", c.Address, sub)
			continue
		}
		where := sn.AvailabilityZone
		if where == "" {
			where = sn.ID
		}
		id := model.PlaceholderID("vpce-", c.Address+" "+where)
		f.Endpoints = append(f.Endpoints, model.FirewallEndpoint{AvailabilityZone: sn.AvailabilityZone, SubnetID: sn.ID, EndpointID: id})
		b.res.Placeholders = append(b.res.Placeholders, Placeholder{Address: c.Address,
			Attribute: "firewall_status.sync_states[" + where + "].attachment.endpoint_id", Value: id})
		b.addr(id, c.Address)
	}
	b.replace(f)
	b.addr(f.ID, c.Address)
}

// firewallEndpointRef returns, for a route whose vpc_endpoint_id refers
// to a firewall's firewall_status (known only after apply), a marker
// standing for "an endpoint of that firewall"; resolveFirewallRoutes
// picks which once every route and association is in place.
func (b *builder) firewallEndpointRef(c *Change, v vals, attr string) string {
	for _, r := range v.c.References(v.path + attr) {
		addr, rest := b.splitRef(c, r)
		if fc := b.byAddr[addr]; fc != nil && fc.Type == "aws_networkfirewall_firewall" && strings.HasPrefix(rest, "firewall_status") {
			m := model.PlaceholderID("vpce-", addr)
			b.fwMarkers[m] = addr
			return m
		}
	}
	return ""
}

// resolveFirewallRoutes turns each route to "an endpoint of firewall F"
// into the endpoint the route table's traffic is in the Availability Zone
// of: the firewall's only endpoint, the endpoint in the AZ of the subnets
// the table is associated with, or — for a gateway (ingress) route table
// — the endpoint in the AZ of the subnet the destination lies in. A route
// none of these settles keeps the marker, an endpoint the snapshot does
// not hold, so answers through it are unknown, and a note says so.
func (b *builder) resolveFirewallRoutes() {
	if len(b.fwMarkers) == 0 {
		return
	}
	for _, rt := range b.s.RouteTables {
		for i := range rt.Routes {
			r := &rt.Routes[i]
			addr, ok := b.fwMarkers[r.GatewayID]
			if !ok {
				continue
			}
			f, _ := b.find(b.ids[addr+".id"]).(*model.NetworkFirewall)
			if f == nil {
				b.notef("%s: route %s goes to firewall %s, which the plan does not create here; answers through it are unknown", rt.ID, r.DestinationString(), addr)
				continue
			}
			if id := b.pickEndpoint(f, rt, r); id != "" {
				r.GatewayID = id
				continue
			}
			b.notef("%s: route %s goes to an endpoint of %s, but which Availability Zone's is known only after apply; answers through it are unknown", rt.ID, r.DestinationString(), addr)
		}
	}
}

func (b *builder) pickEndpoint(f *model.NetworkFirewall, rt *model.RouteTable, r *model.Route) string {
	if len(f.Endpoints) == 1 {
		return f.Endpoints[0].EndpointID
	}
	inAZ := func(az string) string {
		for _, ep := range f.Endpoints {
			if az != "" && ep.AvailabilityZone == az {
				return ep.EndpointID
			}
		}
		return ""
	}
	var azs []string
	gateway := false
	for _, a := range rt.Associations {
		if a.GatewayID != "" {
			gateway = true
		}
		if sn := b.subnet(a.SubnetID); sn != nil && !slices.Contains(azs, sn.AvailabilityZone) {
			azs = append(azs, sn.AvailabilityZone)
		}
	}
	if len(azs) == 1 {
		return inAZ(azs[0])
	}
	if gateway && len(azs) == 0 && r.Destination.IsValid() {
		for _, sn := range b.s.Subnets {
			if sn.VPCID == rt.VPCID && sn.CIDR.IsValid() && sn.CIDR.Bits() <= r.Destination.Bits() && sn.CIDR.Contains(r.Destination.Addr()) {
				return inAZ(sn.AvailabilityZone)
			}
		}
	}
	return ""
}
