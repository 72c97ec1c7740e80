package edit

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// This file holds the edits of AWS Network Firewall rule groups:
//
//	GROUP stateless PRIORITY ACTIONS PROTOS SRC[:PORTS] -> DST[:PORTS]   add a stateless rule
//	GROUP stateful SURICATA-RULE                                         add a stateful rule
//	replace GROUP stateless PRIORITY with PRIORITY ACTIONS …             replace a stateless rule
//	replace GROUP stateful N with SURICATA-RULE                          replace stateful rule N
//	disable GROUP stateless PRIORITY                                     remove a stateless rule
//	disable GROUP stateful N                                             remove stateful rule N
//
// GROUP names a rule group by ARN or Name tag. ACTIONS is aws:pass,
// aws:drop or aws:forward_to_sfe, joined by + to custom actions; PROTOS is
// all or protocols joined by commas (tcp,udp or 6,17); SRC and DST are any
// or CIDRs joined by commas; PORTS is any, 22 or 1024-65535 joined by
// commas. A stateful rule is written as Network Firewall passes it to
// Suricata: "drop tcp $HOME_NET any -> any 22 (sid:10;)" — a standard
// rule group's 5-tuple rules take the same form. Stateful rules are
// numbered from 1 in the group's order (its valid rule strings, for a
// group of Suricata rule strings).

// statelessText renders a stateless rule as the edit syntax writes it.
func statelessText(r model.StatelessRule) string {
	s := r.String() // "priority 10: aws:drop tcp any:any -> any:22"
	s = strings.TrimPrefix(s, "priority ")
	return strings.Replace(s, ":", "", 1)
}

// parseStateless reads "PRIORITY ACTIONS PROTOS SRC[:PORTS] -> DST[:PORTS]".
func parseStateless(f []string) (model.StatelessRule, error) {
	var r model.StatelessRule
	if len(f) != 6 || f[4] != "->" {
		return r, fmt.Errorf("want PRIORITY ACTIONS PROTOS SRC[:PORTS] -> DST[:PORTS], e.g. %q", "10 aws:drop tcp 10.0.0.0/8 -> any:22")
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n < 1 || n > 65535 {
		return r, fmt.Errorf("priority %q: want 1-65535", f[0])
	}
	r.Priority = int32(n)
	r.Actions = strings.Split(f[1], "+")
	if model.StandardAction(r.Actions) == "" {
		return r, fmt.Errorf("actions %q: want aws:pass, aws:drop or aws:forward_to_sfe (and custom actions after +)", f[1])
	}
	if !strings.EqualFold(f[2], "all") {
		for _, p := range strings.Split(f[2], ",") {
			proto, err := model.ParseProtocol(p)
			if err != nil || proto == model.ProtocolAll {
				return r, fmt.Errorf("protocol %q: want all or tcp, udp, icmp, a number", p)
			}
			r.Protocols = append(r.Protocols, int32(proto))
		}
	}
	if r.Sources, r.SourcePorts, err = parseFWEnd(f[3]); err != nil {
		return r, fmt.Errorf("source: %w", err)
	}
	if r.Destinations, r.DestinationPorts, err = parseFWEnd(f[5]); err != nil {
		return r, fmt.Errorf("destination: %w", err)
	}
	return r, nil
}

// parseFWEnd reads "any", "10.0.0.0/8,2600::/56" or either with ":PORTS"
// ("any:22", "10.0.0.0/8:1024-65535,443").
func parseFWEnd(s string) ([]netip.Prefix, []model.PortRange, error) {
	addr, ports := s, "any"
	if i := strings.LastIndex(s, ":"); i >= 0 {
		if _, err := netip.ParsePrefix(s); err != nil && !strings.HasSuffix(s, "::") {
			addr, ports = s[:i], s[i+1:]
		}
	}
	var ps []netip.Prefix
	if !strings.EqualFold(addr, "any") {
		for _, a := range strings.Split(addr, ",") {
			p, err := parseCIDR("address", a)
			if err != nil {
				return nil, nil, err
			}
			ps = append(ps, p)
		}
	}
	var rs []model.PortRange
	if !strings.EqualFold(ports, "any") {
		for _, p := range strings.Split(ports, ",") {
			from, to, isRange := strings.Cut(p, "-")
			if !isRange {
				to = from
			}
			a, err1 := strconv.Atoi(from)
			b, err2 := strconv.Atoi(to)
			if err1 != nil || err2 != nil || a < 0 || b > 65535 || a > b {
				return nil, nil, fmt.Errorf("ports %q: want any, 22 or 1024-65535", p)
			}
			rs = append(rs, model.PortRange{From: uint16(a), To: uint16(b)})
		}
	}
	return ps, rs, nil
}

// parseStateful reads a Suricata rule, checking its header parses.
func parseStateful(s string) (string, error) {
	s = strings.TrimSpace(s)
	if _, err := model.ParseSuricataRule(s); err != nil {
		return "", fmt.Errorf("stateful rule: %v", err)
	}
	return s, nil
}

// standardRule turns a Suricata rule into a standard group's 5-tuple rule.
func standardRule(text string) (model.StatefulRule, error) {
	r, err := model.ParseSuricataRule(text)
	if err != nil {
		return model.StatefulRule{}, err
	}
	dir := "FORWARD"
	if r.Bidirectional {
		dir = "ANY"
	}
	out := model.StatefulRule{Action: strings.ToUpper(r.Action), Protocol: strings.ToUpper(r.Protocol), Source: r.Source.String(),
		SourcePort: r.SourcePort.String(), Direction: dir, Destination: r.Destination.String(), DestinationPort: r.DestinationPort.String(),
		Options: r.Options}
	return out, nil
}

// firewallSlots returns a rule group's list as slots.
func firewallSlots(g *model.FirewallRuleGroup, l List) []Slot {
	var out []Slot
	slot := func(r Rule) Slot { return Slot{Rule: r, AddedBy: -1, DisabledBy: -1} }
	switch {
	case l == FirewallStateless && g.IsStateless():
		for _, r := range g.StatelessRules {
			out = append(out, slot(Rule{Stateless: r}))
		}
	case l == FirewallStateful && !g.IsStateless():
		if len(g.StatefulRules) > 0 {
			for _, r := range g.StatefulRules {
				out = append(out, slot(Rule{Stateful: r.Suricata()}))
			}
			break
		}
		rules, _ := model.ParseSuricataRules(g.RulesString)
		for _, r := range rules {
			out = append(out, slot(Rule{Stateful: r.Text}))
		}
	}
	return out
}

// firewallListFits checks that the list fits the rule group's type.
func firewallListFits(g *model.FirewallRuleGroup, l List) error {
	switch {
	case g.Domains != nil:
		return fmt.Errorf("%s is a domain list rule group: vpcscope does not edit domain lists", g.RuleGroupName)
	case g.IsStateless() && l != FirewallStateless:
		return fmt.Errorf("%s is a stateless rule group: edit its stateless rules", g.RuleGroupName)
	case !g.IsStateless() && l != FirewallStateful:
		return fmt.Errorf("%s is a stateful rule group: edit its stateful rules", g.RuleGroupName)
	}
	return nil
}

// firewallTarget finds the slot a Replace or Disable acts on: a stateless
// rule by priority, a stateful one by its number.
func firewallTarget(g *model.FirewallRuleGroup, e Edit, slots []Slot) (int, error) {
	if e.List == FirewallStateless {
		for i, s := range slots {
			if s.Rule.Stateless.Priority == e.RuleNumber && !s.Disabled {
				return i, nil
			}
		}
		return 0, fmt.Errorf("%s has no stateless rule of priority %d", g.RuleGroupName, e.RuleNumber)
	}
	if e.Index < 0 || e.Index >= len(slots) {
		return 0, fmt.Errorf("%s has no stateful rule %d (it has %d)", g.RuleGroupName, e.Index+1, len(slots))
	}
	if slots[e.Index].Disabled {
		return 0, fmt.Errorf("stateful rule %d of %s is disabled", e.Index+1, g.RuleGroupName)
	}
	return e.Index, nil
}

// checkFirewallRule checks a new rule against the list: stateless
// priorities are unique in a group (Network Firewall API reference,
// StatelessRule: "Each stateless rule must have a unique priority"), and
// the rule's values pass the model's validation.
func checkFirewallRule(g *model.FirewallRuleGroup, l List, slots []Slot, self int, r Rule) error {
	if l == FirewallStateless {
		for i, s := range slots {
			if i != self && !s.Disabled && s.Rule.Stateless.Priority == r.Stateless.Priority {
				return fmt.Errorf("%s already has a stateless rule of priority %d: replace it, or pick a free priority", g.RuleGroupName, r.Stateless.Priority)
			}
		}
		probe := &model.FirewallRuleGroup{Meta: model.Meta{ID: "edit"}, Type: "STATELESS", CustomActions: model.CustomActionNames(r.Stateless.Actions),
			StatelessRules: []model.StatelessRule{r.Stateless}}
		for _, p := range model.Validate(&model.Snapshot{FirewallRuleGroups: []*model.FirewallRuleGroup{probe}}) {
			if p.Severity == model.SeverityError {
				return fmt.Errorf("%s", p.Message)
			}
		}
		return nil
	}
	if len(g.StatefulRules) > 0 {
		if _, err := standardRule(r.Stateful); err != nil {
			return err
		}
	}
	_, err := parseStateful(r.Stateful)
	return err
}

// ruleGroup returns a copy of g with the overlay's rules in effect.
func (o *Overlay) ruleGroup(g *model.FirewallRuleGroup) *model.FirewallRuleGroup {
	cp := *g
	cp.Meta = copyMeta(g.Meta)
	if g.IsStateless() {
		cp.StatelessRules = []model.StatelessRule{}
		for _, r := range o.enabled(g.ID, FirewallStateless) {
			cp.StatelessRules = append(cp.StatelessRules, r.Stateless)
		}
		return &cp
	}
	rules := o.enabled(g.ID, FirewallStateful)
	if len(g.StatefulRules) > 0 {
		cp.StatefulRules = []model.StatefulRule{}
		for _, r := range rules {
			if sr, err := standardRule(r.Stateful); err == nil {
				cp.StatefulRules = append(cp.StatefulRules, sr)
			}
		}
		return &cp
	}
	lines := make([]string, 0, len(rules))
	for _, r := range rules {
		lines = append(lines, r.Stateful)
	}
	cp.RulesString = strings.Join(lines, "\n")
	return &cp
}

// parseFirewallEdit reads the part of a firewall edit after the group.
func parseFirewallEdit(g *model.FirewallRuleGroup, op Op, f []string) (Edit, error) {
	e := Edit{Op: op, Resource: g.ID}
	if len(f) == 0 {
		return e, fmt.Errorf("%s: want stateless or stateful", g.RuleGroupName)
	}
	switch strings.ToLower(f[0]) {
	case "stateless":
		e.List = FirewallStateless
	case "stateful":
		e.List = FirewallStateful
	default:
		return e, fmt.Errorf("%s: %q: want stateless or stateful", g.RuleGroupName, f[0])
	}
	f = f[1:]
	if op != Add {
		if len(f) == 0 {
			return e, fmt.Errorf("%s %s: which rule? want its %s", g.RuleGroupName, e.List.word(), map[List]string{FirewallStateless: "priority", FirewallStateful: "number"}[e.List])
		}
		n, err := strconv.Atoi(f[0])
		if err != nil || n < 1 {
			return e, fmt.Errorf("rule %q: want a number from 1", f[0])
		}
		if e.List == FirewallStateless {
			e.RuleNumber = int32(n)
		} else {
			e.Index = n - 1
		}
		f = f[1:]
		if op == Disable {
			if len(f) > 0 {
				return e, fmt.Errorf("unexpected %q after the rule", strings.Join(f, " "))
			}
			return e, nil
		}
		if len(f) == 0 || !strings.EqualFold(f[0], "with") {
			return e, fmt.Errorf("replace %s %s %d: want \"with\" and the new rule", g.RuleGroupName, e.List.word(), n)
		}
		f = f[1:]
	}
	var err error
	if e.List == FirewallStateless {
		e.Rule.Stateless, err = parseStateless(f)
	} else {
		e.Rule.Stateful, err = parseStateful(strings.Join(f, " "))
	}
	return e, err
}

// firewallGroups lists the rule groups an overlay can edit.
func firewallGroups(s *model.Snapshot) []*model.FirewallRuleGroup {
	return slices.Clone(s.FirewallRuleGroups)
}
