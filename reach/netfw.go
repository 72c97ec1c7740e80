package reach

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// This file holds AWS Network Firewall's two engines as pure stage
// functions, in the shape of evalNACL and evalSecurityGroups: each
// partitions a set of packets by the rules in evaluation order and
// attributes every part to the rule (or default action) that decided it.
//
//   - evalStateless: the policy's stateless rule groups by priority, their
//     rules by priority; the first rule that matches a packet decides
//     (aws:pass, aws:drop, aws:forward_to_sfe); what none matches takes the
//     policy's stateless default action. Each packet is judged alone, so
//     replies are judged too.
//   - evalStateful: the stateful rule groups' standard (5-tuple) rules and
//     the headers of their Suricata rules, in default action order (every
//     pass rule, then drop, then reject; alert rules never decide) or in
//     strict order (groups by priority, rules as written), then the
//     policy's stateful default actions. A flow is judged by its first
//     packet: the walker lets the replies of a passed flow through.
//
// What the engines cannot evaluate — rule options other than sid, msg and
// the like, application-layer protocols, domain lists, TCP flags, custom
// actions — is skipped and named, the way Reachability Analyzer does
// (FIREWALL_UNSUPPORTED_HIGHER_PRIORITY_RULES, _RULE_GROUP_TYPE).

// compiledFirewall is a firewall with its policy's rules resolved into
// packet sets.
type compiledFirewall struct {
	fw     *model.NetworkFirewall
	policy *model.FirewallPolicy
	// missing is why the policy cannot be evaluated ("" when it can).
	missing   string
	stateless []statelessRule
	stateful  []statefulRule
	// skipped are the rules and groups not evaluated, each with the set of
	// packets it could match (for caveats).
	skipped []skippedRule
	// problems are rules that do not parse or resolve (malformed Suricata
	// strings, undefined variables): reported, never evaluated.
	problems []string
	strict   bool
	// defaultDrop is the strict-order stateful default drop action
	// (aws:drop_strict or aws:drop_established), or "".
	defaultDrop string
	// unknown is set when a rule names a prefix list the snapshot lacks:
	// what reaches that rule cannot be decided.
	unknown []unknownRule
}

// statelessRule is a stateless rule as a set of packets.
type statelessRule struct {
	group  *model.FirewallRuleGroup
	index  int // in group.StatelessRules
	rule   *model.StatelessRule
	match  span
	protos []model.Protocol // nil: every protocol
	ports  bool             // the rule names ports: only TCP and UDP match
	action string
}

// statefulRule is a stateful rule's header as sets of packets: the flows
// whose first packet lies in match (or, bidirectional, in back).
type statefulRule struct {
	group *model.FirewallRuleGroup
	// index is the rule's position in the group's standard rules or its
	// parsed Suricata rules.
	index  int
	sid    int64
	text   string
	action string // pass, drop, reject, alert
	proto  string
	match  span
	back   *span
	order  int // evaluation order
}

// skippedRule is a rule the engine does not evaluate, and why.
type skippedRule struct {
	group *model.FirewallRuleGroup
	what  string
	// could is the set of first packets it might match (zero: any).
	could  *span
	protos []model.Protocol
	domain bool
}

// unknownRule is a rule whose sets the snapshot cannot resolve.
type unknownRule struct {
	group *model.FirewallRuleGroup
	text  string
	why   string
	order int
}

// compileFirewall resolves a firewall's policy. A missing policy or rule
// group makes the whole firewall undecidable (missing says why).
func (e *Engine) compileFirewall(fw *model.NetworkFirewall) *compiledFirewall {
	c := &compiledFirewall{fw: fw}
	pol, ok := model.Get[*model.FirewallPolicy](e.ix, fw.PolicyARN)
	if !ok {
		c.missing = fmt.Sprintf("firewall policy %s of %s is not in the snapshot", fw.PolicyARN, fw.FirewallName)
		if g := e.snap.GapsFor(model.KindFirewallPolicy, fw.Account, fw.Region); len(g) > 0 {
			c.missing += " (" + g[0].String() + ")"
		}
		return c
	}
	c.policy = pol
	c.strict = pol.StrictOrder()
	for _, a := range pol.StatefulDefaultActions {
		if a == "aws:drop_strict" || a == "aws:drop_established" {
			c.defaultDrop = a
		}
	}
	home := e.homeNet(fw, pol)
	groups := func(refs []model.RuleGroupRef, stateless bool) []*model.FirewallRuleGroup {
		refs = slices.Clone(refs)
		slices.SortStableFunc(refs, func(a, b model.RuleGroupRef) int { return cmp.Compare(a.Priority, b.Priority) })
		var out []*model.FirewallRuleGroup
		for _, r := range refs {
			g, ok := model.Get[*model.FirewallRuleGroup](e.ix, r.ARN)
			if !ok {
				if c.missing == "" {
					c.missing = fmt.Sprintf("rule group %s of firewall policy %s is not in the snapshot", r.ARN, pol.PolicyName)
					if g := e.snap.GapsFor(model.KindFirewallRuleGroup, pol.Account, pol.Region); len(g) > 0 {
						c.missing += " (" + g[0].String() + ")"
					}
				}
				continue
			}
			if r.Override != "" {
				c.problems = append(c.problems, fmt.Sprintf("rule group %s: override action %s is not evaluated (the group's rules are evaluated as written)", g.RuleGroupName, r.Override))
			}
			out = append(out, g)
		}
		return out
	}
	for _, g := range groups(pol.StatelessRuleGroups, true) {
		e.compileStateless(c, g)
	}
	order := 0
	for _, g := range groups(pol.StatefulRuleGroups, false) {
		vars := &fwVars{e: e, group: g, policy: pol, home: home}
		e.compileStateful(c, g, vars, &order)
	}
	if !c.strict {
		// Default action order: every pass rule, then drop, then reject,
		// then alert (Network Firewall developer guide, "Action order").
		rank := map[string]int{"pass": 0, "drop": 1, "reject": 2, "alert": 3}
		slices.SortStableFunc(c.stateful, func(a, b statefulRule) int { return cmp.Compare(rank[a.action], rank[b.action]) })
	}
	return c
}

// homeNet returns $HOME_NET for a firewall: the policy's HOME_NET
// variable when it sets one, else the CIDRs of the firewall's VPC
// (Network Firewall developer guide, "Rule variables": "If you don't
// provide HOME_NET, Network Firewall uses the CIDR ranges of the VPC
// where the firewall is deployed").
func (e *Engine) homeNet(fw *model.NetworkFirewall, pol *model.FirewallPolicy) []string {
	if defs, ok := pol.Variables["HOME_NET"]; ok && len(defs) > 0 {
		return defs
	}
	var out []string
	for _, p := range e.vpcPrefixes(fw.VPCID) {
		out = append(out, p.String())
	}
	return out
}

// compileStateless resolves a stateless group's rules, by priority.
func (e *Engine) compileStateless(c *compiledFirewall, g *model.FirewallRuleGroup) {
	idx := make([]int, len(g.StatelessRules))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		return cmp.Compare(g.StatelessRules[a].Priority, g.StatelessRules[b].Priority)
	})
	for _, i := range idx {
		r := &g.StatelessRules[i]
		sr := statelessRule{group: g, index: i, rule: r, action: r.Action(),
			match: span{src: anyOrSet(r.Sources), dst: anyOrSet(r.Destinations),
				srcPorts: anyOrPorts(r.SourcePorts), dstPorts: anyOrPorts(r.DestinationPorts)},
			ports: len(r.SourcePorts)+len(r.DestinationPorts) > 0}
		for _, p := range r.Protocols {
			sr.protos = append(sr.protos, model.Protocol(p))
		}
		if sr.action == "" {
			c.problems = append(c.problems, fmt.Sprintf("stateless rule %s of %s names no standard action: not evaluated", r.String(), g.RuleGroupName))
			continue
		}
		if len(r.TCPFlags) > 0 {
			c.skipped = append(c.skipped, skippedRule{group: g, what: fmt.Sprintf("stateless rule %s (TCP flags are not evaluated)", r.String()),
				could: &sr.match, protos: []model.Protocol{model.ProtocolTCP}})
			continue
		}
		c.stateless = append(c.stateless, sr)
	}
}

// appProtocols are Suricata's application-layer protocols and the
// transport each rides on: a rule for one matches only flows the engine
// recognises as that protocol, which vpcscope cannot know.
var transportOf = map[string][]model.Protocol{
	"ip": nil, "tcp": {model.ProtocolTCP}, "udp": {model.ProtocolUDP},
	"icmp": {model.ProtocolICMP, model.ProtocolICMPv6}, "icmpv4": {model.ProtocolICMP}, "icmpv6": {model.ProtocolICMPv6},
	"dns": {model.ProtocolTCP, model.ProtocolUDP}, "ntp": {model.ProtocolUDP}, "dhcp": {model.ProtocolUDP},
	"tftp": {model.ProtocolUDP}, "ikev2": {model.ProtocolUDP}, "krb5": {model.ProtocolTCP, model.ProtocolUDP},
	"quic": {model.ProtocolUDP}, "snmp": {model.ProtocolUDP}, "sip": {model.ProtocolTCP, model.ProtocolUDP},
}

// l4Protocols are the protocols a stateful rule header names outright.
var l4Protocols = map[string]bool{"ip": true, "tcp": true, "udp": true, "icmp": true, "icmpv4": true, "icmpv6": true}

// compileStateful resolves a stateful group's rules in the order written.
func (e *Engine) compileStateful(c *compiledFirewall, g *model.FirewallRuleGroup, v *fwVars, order *int) {
	var rules []model.SuricataRule
	switch {
	case g.Domains != nil:
		d := g.Domains
		home, _, err := v.addr(model.AddrExpr{Var: "HOME_NET"}, 0)
		could := span{src: home, dst: anyAddrs, srcPorts: portsOf(model.AllPorts), dstPorts: portsOf(model.AllPorts)}
		if err != nil {
			could.src = anyAddrs
		}
		c.skipped = append(c.skipped, skippedRule{group: g, domain: true, could: &could, protos: []model.Protocol{model.ProtocolTCP},
			what: fmt.Sprintf("domain list %s (%s of %s): traffic from $HOME_NET is allowed only for the listed hosts (%s)",
				g.RuleGroupName, strings.ToLower(d.GeneratedRulesType), strings.Join(d.Targets, ", "), targetTypesText(d.TargetTypes))})
		return
	case len(g.StatefulRules) > 0:
		for i := range g.StatefulRules {
			r, err := g.StatefulRules[i].Rule()
			if err != nil {
				c.problems = append(c.problems, fmt.Sprintf("stateful rule %d of %s does not parse: %v", i+1, g.RuleGroupName, err))
				rules = append(rules, model.SuricataRule{}) // keep the positions
				continue
			}
			rules = append(rules, r)
		}
	case g.RulesString != "":
		var errs []*model.SuricataError
		rules, errs = model.ParseSuricataRules(g.RulesString)
		for _, err := range errs {
			c.problems = append(c.problems, fmt.Sprintf("rule group %s, %v: not evaluated", g.RuleGroupName, err))
		}
	}
	for i, r := range rules {
		if r.Action == "" {
			continue
		}
		text := r.Text
		if len(g.StatefulRules) > 0 {
			text = g.StatefulRules[i].Suricata()
		}
		*order++
		src, unknownSrc, err1 := v.addr(r.Source, 0)
		dst, unknownDst, err2 := v.addr(r.Destination, 0)
		sp, err3 := v.port(r.SourcePort, 0)
		dp, err4 := v.port(r.DestinationPort, 0)
		if err := cmp.Or(err1, err2, err3, err4); err != nil {
			c.problems = append(c.problems, fmt.Sprintf("rule %q of %s: %v: not evaluated", text, g.RuleGroupName, err))
			continue
		}
		if u := cmp.Or(unknownSrc, unknownDst); u != "" {
			c.unknown = append(c.unknown, unknownRule{group: g, text: text, why: u, order: *order})
			continue
		}
		m := span{src: src, dst: dst, srcPorts: sp, dstPorts: dp}
		sr := statefulRule{group: g, index: i, sid: r.SID, text: text, action: r.Action, proto: r.Protocol, match: m, order: *order}
		switch sr.action {
		case "rejectsrc", "rejectdst", "rejectboth":
			sr.action = "reject"
		}
		if r.Bidirectional {
			b := m.reply()
			sr.back = &b
		}
		unsupported := model.UnevaluatedOptions(r.Options)
		protos, known := transportOf[r.Protocol]
		switch {
		case len(unsupported) > 0:
			c.skipped = append(c.skipped, skippedRule{group: g, could: &sr.match, protos: protos,
				what: fmt.Sprintf("rule %q of %s (options %s are not evaluated)", text, g.RuleGroupName, strings.Join(unsupported, ", "))})
			continue
		case !l4Protocols[r.Protocol]:
			if !known {
				protos = []model.Protocol{model.ProtocolTCP}
			}
			c.skipped = append(c.skipped, skippedRule{group: g, could: &sr.match, protos: protos,
				what: fmt.Sprintf("rule %q of %s (application protocol %s is not evaluated)", text, g.RuleGroupName, r.Protocol)})
			continue
		}
		c.stateful = append(c.stateful, sr)
	}
}

// harmlessFlow reports whether a flow option keeps a rule matching the
// first packet of a flow from its client: to_server, from_client,
// stateless (established and the reply directions do not).
func targetTypesText(ts []string) string {
	var out []string
	for _, t := range ts {
		switch t {
		case "TLS_SNI":
			out = append(out, "TLS SNI")
		case "HTTP_HOST":
			out = append(out, "HTTP Host")
		default:
			out = append(out, t)
		}
	}
	return strings.Join(out, " / ")
}

// anyAddrs is every IPv4 and IPv6 address.
var anyAddrs = addrsOf(mustSet("0.0.0.0/0", "::/0"))

func anyOrSet(ps []netip.Prefix) addrs {
	if len(ps) == 0 {
		return anyAddrs
	}
	return setOf(ps...)
}

func anyOrPorts(rs []model.PortRange) portSet {
	if len(rs) == 0 {
		return portsOf(model.AllPorts)
	}
	return portSet(nil).union(rs)
}

// complement returns every address outside a.
func complement(a addrs) addrs {
	_, out := anyAddrs.split(a)
	return out
}

// fwVars resolves a stateful rule's variables and references.
type fwVars struct {
	e      *Engine
	group  *model.FirewallRuleGroup
	policy *model.FirewallPolicy
	home   []string
}

// addr resolves an address expression; unknown names a prefix list the
// snapshot lacks.
func (v *fwVars) addr(x model.AddrExpr, depth int) (set addrs, unknown string, err error) {
	if depth > 8 {
		return addrs{}, "", fmt.Errorf("variables nest too deep")
	}
	switch {
	case x.Any:
		set = anyAddrs
	case x.Var != "":
		defs, ok := v.ipVar(x.Var)
		if !ok {
			return addrs{}, "", fmt.Errorf("variable $%s is not defined", x.Var)
		}
		for _, d := range defs {
			dx, err := model.ParseAddrExpr(d)
			if err != nil {
				return addrs{}, "", fmt.Errorf("variable $%s: %w", x.Var, err)
			}
			s, u, err := v.addr(dx, depth+1)
			if err != nil || u != "" {
				return addrs{}, u, err
			}
			set = set.union(s)
		}
	case x.Ref != "":
		arn, ok := v.group.IPSetReferences[x.Ref]
		if !ok {
			return addrs{}, "", fmt.Errorf("IP set reference @%s is not defined", x.Ref)
		}
		id := arn
		if i := strings.LastIndex(arn, "/"); i >= 0 {
			id = arn[i+1:]
		}
		s, ok := v.e.prefixListSets[id]
		if !ok {
			return addrs{}, fmt.Sprintf("IP set reference @%s names prefix list %s, which is not in the snapshot", x.Ref, id), nil
		}
		set = s
	case x.List != nil:
		var pos, neg addrs
		hasPos := false
		for _, it := range x.List {
			s, u, err := v.addr(it, depth+1)
			if err != nil || u != "" {
				return addrs{}, u, err
			}
			if it.Negate {
				// s is already the complement; what the item excludes is its inverse
				neg = neg.union(complement(s))
				continue
			}
			hasPos = true
			pos = pos.union(s)
		}
		if !hasPos {
			pos = anyAddrs
		}
		_, set = pos.split(neg)
	default:
		set = setOf(x.Prefix)
	}
	if x.Negate {
		set = complement(set)
	}
	return set, "", nil
}

// ipVar returns the definitions of an IP variable: the policy's HOME_NET,
// the group's IP sets, and EXTERNAL_NET as everything outside HOME_NET
// unless the group defines it.
func (v *fwVars) ipVar(name string) ([]string, bool) {
	if name == "HOME_NET" {
		if defs, ok := v.policy.Variables["HOME_NET"]; ok && len(defs) > 0 {
			return defs, true
		}
		if defs, ok := v.group.IPSets[name]; ok {
			return defs, true
		}
		return v.home, true
	}
	if defs, ok := v.group.IPSets[name]; ok {
		return defs, true
	}
	if name == "EXTERNAL_NET" {
		return []string{"!$HOME_NET"}, true
	}
	return nil, false
}

// port resolves a port expression.
func (v *fwVars) port(x model.PortExpr, depth int) (portSet, error) {
	if depth > 8 {
		return nil, fmt.Errorf("variables nest too deep")
	}
	var set portSet
	switch {
	case x.Any:
		set = portsOf(model.AllPorts)
	case x.Var != "":
		defs, ok := v.group.PortSets[x.Var]
		if !ok {
			return nil, fmt.Errorf("port variable $%s is not defined", x.Var)
		}
		for _, d := range defs {
			dx, err := model.ParsePortExpr(d)
			if err != nil {
				return nil, fmt.Errorf("port variable $%s: %w", x.Var, err)
			}
			s, err := v.port(dx, depth+1)
			if err != nil {
				return nil, err
			}
			set = set.union(s)
		}
	case x.List != nil:
		var pos, neg portSet
		hasPos := false
		for _, it := range x.List {
			s, err := v.port(it, depth+1)
			if err != nil {
				return nil, err
			}
			if it.Negate {
				neg = neg.union(portsOf(model.AllPorts).minus(s))
				continue
			}
			hasPos = true
			pos = pos.union(s)
		}
		if !hasPos {
			pos = portsOf(model.AllPorts)
		}
		set = pos.minus(neg)
	default:
		set = portsOf(x.Range)
	}
	if x.Negate {
		set = portsOf(model.AllPorts).minus(set)
	}
	return set, nil
}

// fwPart is a part of a packet set one firewall rule (or default action)
// decides.
type fwPart struct {
	pkt packet
	// action is aws:pass, aws:drop or aws:forward_to_sfe for the
	// stateless engine; pass or drop (reject) for the stateful one.
	action string
	// group and index locate the deciding rule; group nil: the policy's
	// default action decided.
	group *model.FirewallRuleGroup
	index int
	// priority is a stateless rule's; sid a stateful rule's.
	priority int32
	sid      int64
	rule     string
	custom   []string
}

// statelessResult partitions packets at the stateless engine.
type statelessResult struct {
	parts []fwPart
	notes []string
}

// matchesProto reports whether a rule written for protos applies to proto.
func matchesProto(protos []model.Protocol, proto model.Protocol) bool {
	if protos == nil || proto == model.ProtocolAll {
		return true
	}
	return slices.Contains(protos, proto)
}

// evalStateless applies the stateless engine to packets (Network Firewall
// developer guide, "Stateless rules"; "Stateless default actions in your
// firewall policy"): groups by priority, rules by priority; the first
// rule whose protocols, addresses and ports match decides; a rule naming
// ports matches TCP and UDP packets only; custom actions only publish
// metrics. Unmatched packets take StatelessDefaultActions.
func evalStateless(c *compiledFirewall, pkt packet) statelessResult {
	var res statelessResult
	rest := pkt
	for i := range c.stateless {
		if rest.empty() {
			break
		}
		r := &c.stateless[i]
		if !matchesProto(r.protos, pkt.proto) || (r.ports && !pkt.proto.HasPorts()) {
			continue
		}
		in, out := rest.cut(r.match)
		if in.empty() {
			continue
		}
		res.parts = append(res.parts, fwPart{pkt: in, action: r.action, group: r.group, index: r.index,
			priority: r.rule.Priority, rule: "stateless rule " + r.rule.String(), custom: model.CustomActionNames(r.rule.Actions)})
		rest = out
	}
	if !rest.empty() {
		act := model.StandardAction(c.policy.StatelessDefaultActions)
		res.parts = append(res.parts, fwPart{pkt: rest, action: act, index: -1,
			rule:   "stateless default action " + strings.Join(c.policy.StatelessDefaultActions, "+"),
			custom: model.CustomActionNames(c.policy.StatelessDefaultActions)})
		if pkt.proto == model.ProtocolUDP && len(c.policy.StatelessFragmentDefaultActions) > 0 &&
			model.StandardAction(c.policy.StatelessFragmentDefaultActions) != act {
			res.notes = append(res.notes, fmt.Sprintf("firewall policy %s takes %s for UDP packet fragments (the answer is for unfragmented packets)",
				c.policy.PolicyName, strings.Join(c.policy.StatelessFragmentDefaultActions, "+")))
		}
	}
	return res
}

// statefulResult partitions first packets of flows at the stateful engine.
type statefulResult struct {
	passed, dropped []fwPart
	// unknown is what reaches a rule the snapshot cannot resolve.
	unknown    *unknownRule
	unknownPkt packet
	// notes are the rules not evaluated that could match these packets.
	notes []string
	// domain is set when a domain list could apply: a caveat, not a verdict.
	domain bool
}

// evalStateful applies the stateful engine to the first packets of flows
// (Network Firewall developer guide, "Evaluation order for stateful rule
// groups"): in default action order, pass rules, then drop, then reject
// (alert rules log and never decide), and unmatched flows pass; in strict
// order, groups by priority and rules as written, the first match
// deciding, and unmatched flows taking the policy's stateful default
// actions — aws:drop_strict and aws:drop_established drop them, the alert
// actions only log.
func evalStateful(c *compiledFirewall, pkt packet) statefulResult {
	var res statefulResult
	for _, s := range c.skipped {
		if s.could == nil || !matchesProto(s.protos, pkt.proto) {
			continue
		}
		if in, _ := pkt.cut(*s.could); in.empty() {
			continue
		}
		if s.domain {
			res.domain = true
		}
		res.notes = append(res.notes, s.what)
	}
	if len(c.unknown) > 0 && !c.strict {
		// In action order any rule may outrank the one that decided.
		res.unknown, res.unknownPkt = &c.unknown[0], pkt
		return res
	}
	rest := pkt
	next := 0 // the first unknown rule, by evaluation order
	for i := range c.stateful {
		if rest.empty() {
			break
		}
		r := &c.stateful[i]
		if next < len(c.unknown) && c.unknown[next].order < r.order {
			res.unknown, res.unknownPkt = &c.unknown[next], rest
			return res
		}
		if r.action == "alert" || !matchesProto(transportOf[r.proto], pkt.proto) {
			continue
		}
		in, out := rest.cut(r.match)
		if r.back != nil {
			bin, bout := out.cut(*r.back)
			in, out = in.union(bin), bout
		}
		if in.empty() {
			continue
		}
		p := fwPart{pkt: in, action: r.action, group: r.group, index: r.index, sid: r.sid, rule: r.text}
		if r.action == "pass" {
			res.passed = append(res.passed, p)
		} else {
			res.dropped = append(res.dropped, p)
		}
		rest = out
	}
	if !rest.empty() && next < len(c.unknown) {
		res.unknown, res.unknownPkt = &c.unknown[next], rest
		return res
	}
	if rest.empty() {
		return res
	}
	p := fwPart{pkt: rest, index: -1}
	switch {
	case c.strict && c.defaultDrop != "":
		p.action, p.rule = "drop", "stateful default action "+c.defaultDrop
		res.dropped = append(res.dropped, p)
	case c.strict:
		p.action, p.rule = "pass", "strict order: no rule matched and no stateful default action drops"
		res.passed = append(res.passed, p)
	default:
		p.action, p.rule = "pass", "default action order: no pass, drop or reject rule matched"
		res.passed = append(res.passed, p)
	}
	return res
}
