package present

import (
	"cmp"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
)

// This file presents the in-line inspection and hybrid kinds: AWS Network
// Firewall firewalls, policies and rule groups (rules in the order the
// firewall evaluates them, each keeping its position in the what-if
// overlay's list, which is the Index a trace hop's RuleRef carries), Site-
// to-Site VPN connections and customer gateways, Direct Connect gateways,
// associations and virtual interfaces, and endpoint services.

// hybridFields adds the fields of the kinds this file presents.
func (p *Presenter) hybridFields(f *fieldList, r model.Resource) {
	switch v := r.(type) {
	case *model.NetworkFirewall:
		f.add("firewall name", v.FirewallName)
		f.ref("vpc", v.VPCID)
		f.ref("policy", v.PolicyARN)
		f.add("status", v.Status)
		f.refs("subnets", v.SubnetIDs)
		switch {
		case !v.LoggingListed:
			f.add("logging", "not read (DescribeLoggingConfiguration)")
		case len(v.Logging) == 0:
			f.add("logging", "none: neither alerts nor flows are logged")
		}
		for _, l := range v.Logging {
			f.add("logging", l.LogType+" → "+l.DestinationType+" "+mapText(l.Destination))
		}
	case *model.FirewallPolicy:
		f.add("policy name", v.PolicyName)
		f.add("rule order", ruleOrderText(v.RuleOrder))
		f.add("stateless default", strings.Join(v.StatelessDefaultActions, " + "))
		f.add("fragment default", strings.Join(v.StatelessFragmentDefaultActions, " + "))
		f.add("stateful default", strings.Join(v.StatefulDefaultActions, ", "))
		f.add("custom actions", strings.Join(v.StatelessCustomActions, ", "))
		if len(v.StatelessCustomActions) > 0 {
			f.note("(custom actions publish metrics; the engine ignores them and uses the standard action)")
		}
		f.add("stream exceptions", v.StreamExceptionPolicy)
		var users []string
		for _, fw := range p.ix.Snapshot().NetworkFirewalls {
			if fw.PolicyARN == v.ID {
				users = append(users, fw.ID)
			}
		}
		f.refs("used by", users)
	case *model.FirewallRuleGroup:
		f.add("group name", v.RuleGroupName)
		f.add("type", strings.ToLower(v.Type))
		if v.Capacity > 0 {
			f.add("capacity", strconv.Itoa(int(v.Capacity)))
		}
		if !v.IsStateless() {
			f.add("rule order", ruleOrderText(v.RuleOrder))
		}
		f.add("custom actions", strings.Join(v.CustomActions, ", "))
		if d := v.Domains; d != nil {
			f.add("domain list", strings.ToLower(d.GeneratedRulesType)+" "+strings.Join(d.TargetTypes, ", "))
			f.note("(allowed only for the listed hosts (TLS SNI / HTTP Host): the engine does not evaluate host names)")
		}
	case *model.VPNConnection:
		f.add("type", v.Type)
		f.add("state", v.State)
		f.ref("customer gateway", v.CustomerGatewayID)
		f.ref("vpn gateway", v.VPNGatewayID)
		f.ref("transit gateway", v.TransitGatewayID)
		routing := "dynamic (BGP)"
		if v.StaticRoutesOnly {
			routing = "static routes only"
		}
		f.add("routing", routing)
		if v.LocalNetworkCIDR.IsValid() {
			f.add("local network", v.LocalNetworkCIDR.String())
		}
		if v.RemoteNetworkCIDR.IsValid() {
			f.add("remote network", v.RemoteNetworkCIDR.String())
		}
		f.add("tunnels up", fmt.Sprintf("%d of %d", len(v.TunnelsUp()), len(v.Tunnels)))
	case *model.CustomerGateway:
		f.add("ip address", addr(v.IPAddress))
		f.add("bgp asn", v.BGPASN)
		f.add("device", v.DeviceName)
		f.add("type", v.Type)
		f.add("state", v.State)
	case *model.DXGateway:
		f.add("gateway name", v.GatewayName)
		if v.AmazonSideASN != 0 {
			f.add("amazon side asn", strconv.FormatInt(v.AmazonSideASN, 10))
		}
		f.add("state", v.State)
	case *model.DXGatewayAssociation:
		f.ref("dx gateway", v.DXGatewayID)
		f.ref("associated with", v.AssociatedGatewayID)
		f.add("associated type", v.AssociatedGatewayType)
		f.add("state", v.State)
		f.add("allowed prefixes", prefixes(v.AllowedPrefixes))
	case *model.DXVirtualInterface:
		f.add("interface name", v.InterfaceName)
		f.add("type", v.Type)
		f.add("state", v.State)
		f.add("connection", v.ConnectionID)
		if v.VLAN != 0 {
			f.add("vlan", strconv.Itoa(int(v.VLAN)))
		}
		f.ref("dx gateway", v.DXGatewayID)
		f.ref("vpn gateway", v.VirtualGatewayID)
		f.add("location", v.Location)
		f.add("bgp", map[bool]string{true: "up", false: "down"}[v.Up()])
	case *model.VPCEndpointService:
		f.add("service name", v.ServiceName)
		f.add("type", v.ServiceType)
		f.add("state", v.State)
		f.refs("gateway LBs", v.GatewayLoadBalancerARNs)
		f.refs("network LBs", v.NetworkLoadBalancerARNs)
		f.add("zones", strings.Join(v.AvailabilityZones, ", "))
	}
}

// hybridSections are the rule tables of the kinds this file presents.
func (p *Presenter) hybridSections(r model.Resource) []Section {
	switch v := r.(type) {
	case *model.NetworkFirewall:
		s := Section{Title: "Endpoints (one per Availability Zone; routes send traffic to them)", Empty: "(no endpoints)",
			Columns: []Column{{Title: "zone", Min: 10}, {Title: "endpoint", Min: 22}, {Title: "subnet", Min: 24}, {Title: "status"}}}
		for _, e := range v.Endpoints {
			st := Cell{Text: cmp.Or(e.Status, "READY"), Tone: ToneOK}
			if !e.Carries() {
				st.Tone = ToneBad
			}
			s.Rules = append(s.Rules, Rule{Index: -1, Ref: p.ref(e.SubnetID),
				Cells: []Cell{{Text: e.AvailabilityZone}, {Text: e.EndpointID}, {Text: p.label(e.SubnetID)}, st}})
		}
		return []Section{s}
	case *model.FirewallPolicy:
		return p.policySections(v)
	case *model.FirewallRuleGroup:
		return p.ruleGroupSections(v)
	case *model.VPNConnection:
		tun := Section{Title: "Tunnels (VgwTelemetry: traffic flows over a tunnel that is UP)", Empty: "(no tunnel telemetry)",
			Columns: []Column{{Title: "outside ip", Min: 15}, {Title: "status", Min: 6}, {Title: "routes", Min: 6}, {Title: "message"}}}
		for _, t := range v.Tunnels {
			st := Cell{Text: t.Status, Tone: ToneBad}
			if t.Status == "UP" {
				st.Tone = ToneOK
			}
			tun.Rules = append(tun.Rules, Rule{Index: -1,
				Cells: []Cell{{Text: addr(t.OutsideIP)}, st, {Text: strconv.Itoa(int(t.AcceptedRouteCount))}, {Text: t.StatusMessage}}})
		}
		out := []Section{tun}
		if v.StaticRoutesOnly || len(v.Routes) > 0 {
			rs := Section{Title: "Static routes (to the customer network)", Empty: "(no static routes)",
				Columns: []Column{{Title: "destination", Min: 20}, {Title: "state"}}}
			for _, r := range v.Routes {
				rs.Rules = append(rs.Rules, Rule{Index: -1, Cells: []Cell{{Text: r.Destination.String()}, {Text: r.State}}})
			}
			out = append(out, rs)
		}
		return out
	case *model.DXVirtualInterface:
		s := Section{Title: "BGP peers (the interface carries traffic while a peer is up)", Empty: "(no BGP peers listed)",
			Columns: []Column{{Title: "family", Min: 6}, {Title: "state", Min: 10}, {Title: "status"}}}
		for _, b := range v.BGPPeers {
			st := Cell{Text: b.Status, Tone: ToneBad}
			if b.Status == "up" {
				st.Tone = ToneOK
			}
			s.Rules = append(s.Rules, Rule{Index: -1, Cells: []Cell{{Text: b.AddressFamily}, {Text: b.State}, st}})
		}
		return []Section{s}
	}
	return nil
}

// policySections lists a policy's rule groups in the order the firewall
// runs them: stateless groups by priority, lowest first; stateful groups
// by priority in strict order, and in default action order as listed (the
// engine takes every pass rule of every group, then drop, then reject).
func (p *Presenter) policySections(v *model.FirewallPolicy) []Section {
	groupRows := func(refs []model.RuleGroupRef, byPriority bool) []Rule {
		order := slices.Clone(refs)
		if byPriority {
			slices.SortStableFunc(order, func(a, b model.RuleGroupRef) int { return cmp.Compare(a.Priority, b.Priority) })
		}
		var out []Rule
		for _, g := range order {
			prio := ""
			if byPriority || g.Priority != 0 {
				prio = strconv.Itoa(int(g.Priority))
			}
			rules := "(not in the snapshot)"
			if res, ok := p.ix.Resource(g.ARN); ok {
				if rg, ok := res.(*model.FirewallRuleGroup); ok {
					rules = ruleGroupSize(rg)
				}
			}
			out = append(out, Rule{Index: -1, Ref: p.ref(g.ARN), Note: g.Override,
				Cells: []Cell{{Text: prio}, {Text: p.shortID(g.ARN)}, {Text: rules}}})
		}
		return out
	}
	cols := []Column{{Title: "priority", Min: 8}, {Title: "rule group", Min: 20, Max: 80}, {Title: "rules"}}
	stateless := Section{Title: "Stateless rule groups (lowest priority first; the first matching rule decides, else the default actions)",
		Columns: cols, Empty: "(none: the stateless default actions decide every packet)", Rules: groupRows(v.StatelessRuleGroups, true)}
	title := "Stateful rule groups (default action order: every pass rule, then drop, then reject; alert rules never decide)"
	if v.StrictOrder() {
		title = "Stateful rule groups (strict order: lowest priority first, then the stateful default actions)"
	}
	stateful := Section{Title: title, Columns: cols, Empty: "(none)", Rules: groupRows(v.StatefulRuleGroups, v.StrictOrder())}
	return []Section{stateless, stateful}
}

// ruleGroupSize says how many rules a group holds: "3 rules", "12 domains".
func ruleGroupSize(g *model.FirewallRuleGroup) string {
	switch {
	case g.IsStateless():
		return count(len(g.StatelessRules), "rule")
	case g.Domains != nil:
		return count(len(g.Domains.Targets), "domain")
	case len(g.StatefulRules) > 0:
		return count(len(g.StatefulRules), "rule")
	}
	rules, bad := model.ParseSuricataRules(g.RulesString)
	s := count(len(rules), "rule")
	if len(bad) > 0 {
		s += fmt.Sprintf(" (%d malformed)", len(bad))
	}
	return s
}

// ruleGroupSections lists a rule group's rules in evaluation order, then
// its domains and its rule variables.
func (p *Presenter) ruleGroupSections(g *model.FirewallRuleGroup) []Section {
	var out []Section
	switch {
	case g.IsStateless():
		out = append(out, p.statelessRules(g))
	case g.Domains != nil:
		s := Section{Title: "Domains (" + strings.ToLower(g.Domains.GeneratedRulesType) + " for the listed hosts, by TLS SNI / HTTP Host: not evaluated)",
			Columns: []Column{{Title: "domain", Min: 20}}, Empty: "(no domains)"}
		for _, d := range g.Domains.Targets {
			s.Rules = append(s.Rules, Rule{Index: -1, Cells: []Cell{{Text: d}}})
		}
		out = append(out, s)
	default:
		out = append(out, p.statefulRules(g))
	}
	if len(g.IPSets)+len(g.PortSets)+len(g.IPSetReferences) > 0 {
		s := Section{Title: "Rule variables (IP sets, port sets, prefix list references)",
			Columns: []Column{{Title: "variable", Min: 12}, {Title: "kind", Min: 8}, {Title: "values", Max: 80}}}
		for _, k := range slices.Sorted(maps.Keys(g.IPSets)) {
			s.Rules = append(s.Rules, Rule{Index: -1, Cells: []Cell{{Text: "$" + k}, {Text: "ip set"}, {Text: strings.Join(g.IPSets[k], ", ")}}})
		}
		for _, k := range slices.Sorted(maps.Keys(g.PortSets)) {
			s.Rules = append(s.Rules, Rule{Index: -1, Cells: []Cell{{Text: "$" + k}, {Text: "port set"}, {Text: strings.Join(g.PortSets[k], ", ")}}})
		}
		for _, k := range slices.Sorted(maps.Keys(g.IPSetReferences)) {
			id := g.IPSetReferences[k]
			s.Rules = append(s.Rules, Rule{Index: -1, Ref: p.ref(id), Cells: []Cell{{Text: "@" + k}, {Text: "reference"}, {Text: p.label(id)}}})
		}
		out = append(out, s)
	}
	return out
}

// statelessRules lists a stateless group's rules by priority, lowest
// first: the first rule that matches decides.
func (p *Presenter) statelessRules(g *model.FirewallRuleGroup) Section {
	s := Section{Title: "Stateless rules (lowest priority first; the first match decides)", List: edit.FirewallStateless,
		Empty: "(no rules: the policy's stateless default actions decide)",
		Columns: []Column{{Title: "priority", Min: 8}, {Title: "action", Min: 18}, {Title: "protocol", Min: 8},
			{Title: "source", Min: 14, Max: 44}, {Title: "destination", Min: 14, Max: 44}, {Title: "flags"}}}
	slots := p.rules.Rules(g.ID, edit.FirewallStateless)
	order := make([]int, len(slots))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(slots[a].Rule.Stateless.Priority, slots[b].Rule.Stateless.Priority)
	})
	for _, i := range order {
		sr := slots[i].Rule.Stateless
		act := Cell{Text: strings.Join(sr.Actions, "+")}
		switch sr.Action() {
		case model.ActionPass:
			act.Tone = ToneOK
		case model.ActionDrop:
			act.Tone = ToneBad
		}
		protos := "all"
		if len(sr.Protocols) > 0 {
			var ps []string
			for _, n := range sr.Protocols {
				ps = append(ps, model.Protocol(n).String())
			}
			protos = strings.Join(ps, ",")
		}
		r := Rule{Index: i, Cells: []Cell{{Text: strconv.Itoa(int(sr.Priority))}, act, {Text: protos},
			{Text: endText(sr.Sources, sr.SourcePorts)}, {Text: endText(sr.Destinations, sr.DestinationPorts)}, {Text: strings.Join(sr.TCPFlags, ";")}}}
		if len(sr.TCPFlags) > 0 {
			r.Note = "TCP flags are not evaluated: the rule is read as matching every packet of the flow"
		}
		state(&r, slots[i])
		s.Rules = append(s.Rules, r)
	}
	return s
}

// endText renders one end of a stateless rule: "10.0.0.0/8:443".
func endText(ps []netip.Prefix, rs []model.PortRange) string {
	a := "any"
	if len(ps) > 0 {
		a = prefixes(ps)
	}
	if len(rs) == 0 {
		return a
	}
	ports := make([]string, len(rs))
	for i, r := range rs {
		ports[i] = r.String()
	}
	return a + ":" + strings.Join(ports, ",")
}

// statefulRules lists a stateful group's rules as Suricata rules: in
// strict order as written, in default action order every pass rule
// first, then drop, then reject, then alert (alert never decides).
func (p *Presenter) statefulRules(g *model.FirewallRuleGroup) Section {
	title := "Stateful rules (default action order: pass, then drop, then reject; alert never decides)"
	strict := g.RuleOrder == model.RuleOrderStrict
	if strict {
		title = "Stateful rules (strict order: as written, the first match decides)"
	}
	s := Section{Title: title, List: edit.FirewallStateful, Empty: "(no rules)",
		Columns: []Column{{Title: "#", Min: 3}, {Title: "action", Min: 6}, {Title: "rule", Max: 120}}}
	slots := p.rules.Rules(g.ID, edit.FirewallStateful)
	type parsed struct {
		action string
		opts   string
		err    error
	}
	info := make([]parsed, len(slots))
	for i, sl := range slots {
		r, err := model.ParseSuricataRule(sl.Rule.Stateful)
		if err != nil {
			info[i] = parsed{action: "?", err: err}
			continue
		}
		info[i] = parsed{action: r.Action, opts: strings.Join(model.UnevaluatedOptions(r.Options), ", ")}
	}
	rank := map[string]int{"pass": 0, "drop": 1, "reject": 2, "alert": 3}
	order := make([]int, len(slots))
	for i := range order {
		order[i] = i
	}
	if !strict {
		slices.SortStableFunc(order, func(a, b int) int {
			return cmp.Compare(cmp.Or(rank[info[a].action], 4*boolInt(info[a].err != nil)), cmp.Or(rank[info[b].action], 4*boolInt(info[b].err != nil)))
		})
	}
	for _, i := range order {
		act := Cell{Text: info[i].action}
		switch info[i].action {
		case "pass":
			act.Tone = ToneOK
		case "drop", "reject":
			act.Tone = ToneBad
		}
		r := Rule{Index: i, Cells: []Cell{{Text: strconv.Itoa(i + 1)}, act, {Text: slots[i].Rule.Stateful}}}
		switch {
		case info[i].err != nil:
			r.Note = "malformed, skipped: " + info[i].err.Error()
		case info[i].opts != "":
			r.Note = "options " + info[i].opts + " are not evaluated: the engine skips the rule and says so"
		}
		state(&r, slots[i])
		s.Rules = append(s.Rules, r)
	}
	return s
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ruleOrderText renders a rule order: "default action order", "strict order".
func ruleOrderText(o string) string {
	switch o {
	case model.RuleOrderStrict:
		return "strict order"
	case "", model.RuleOrderDefault:
		return "default action order"
	}
	return o
}

// mapText renders a string map sorted by key: "bucketName=logs prefix=fw".
func mapText(m map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, " ")
}
