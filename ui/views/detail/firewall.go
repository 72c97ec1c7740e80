package detail

import (
	"fmt"
	"net/netip"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
)

// This file holds the what-if edits of AWS Network Firewall rule groups:
// the syntax of model/edit (a stateless rule "PRIORITY ACTIONS PROTOS
// SRC[:PORTS] -> DST[:PORTS]", a stateful one as its Suricata rule), and a
// suggestion that would pass the traced flow.

// firewallEditable reports whether a rule group's rules can be edited:
// domain lists cannot (model/edit refuses them).
func firewallEditable(g *model.FirewallRuleGroup) bool { return g.Domains == nil }

// firewallList is the list a rule group's rules are in.
func firewallList(g *model.FirewallRuleGroup) edit.List {
	if g.IsStateless() {
		return edit.FirewallStateless
	}
	return edit.FirewallStateful
}

// suggestFirewall proposes a rule that passes the traced flow (or a
// placeholder): a stateless rule before every other, or a stateful pass
// rule with a free sid.
func (d *Model) suggestFirewall(l edit.List, rules []edit.Slot) string {
	src, dst, proto, port := "any", "any", "tcp", "443"
	if q := d.flow(); q != nil {
		if a, err := netip.ParseAddr(q.SrcIP); err == nil {
			src = netip.PrefixFrom(a, a.BitLen()).String()
		}
		if a, err := netip.ParseAddr(q.DstIP); err == nil {
			dst = netip.PrefixFrom(a, a.BitLen()).String()
		}
		proto = q.Query.Protocol.String()
		port = "any"
		if q.Query.Protocol.HasPorts() {
			port = fmt.Sprint(q.Query.Port)
		}
	}
	if l == edit.FirewallStateless {
		prio := int32(1)
		used := map[int32]bool{}
		for _, r := range rules {
			used[r.Rule.Stateless.Priority] = true
		}
		for used[prio] {
			prio++
		}
		dstEnd := dst
		if port != "any" {
			dstEnd += ":" + port
		}
		return fmt.Sprintf("%d aws:pass %s %s -> %s", prio, proto, src, dstEnd)
	}
	sid := int64(1000000)
	for _, r := range rules {
		if s, err := model.ParseSuricataRule(r.Rule.Stateful); err == nil && s.SID >= sid {
			sid = s.SID + 1
		}
	}
	if src != "any" && dst != "any" {
		src, dst = "["+src+"]", "["+dst+"]"
	}
	return fmt.Sprintf("pass %s %s any -> %s %s (msg:\"what-if\"; sid:%d;)", proto, src, dst, port, sid)
}
