package reach

import (
	"fmt"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// fwRecord is what a firewall endpoint's stateful engine saw of a flow:
// the endpoint, and the first packets it passed (as it saw them).
type fwRecord struct {
	endpoint string
	passed   packet
}

// firewallHop returns a hop at a firewall, naming the firewall, its
// endpoint and its policy.
func (w *walker) firewallHop(c *compiledFirewall, ep *model.FirewallEndpoint, stage Stage) Hop {
	detail := fmt.Sprintf("firewall %s, endpoint %s (%s)", c.fw.FirewallName, ep.EndpointID, ep.AvailabilityZone)
	if c.policy != nil {
		detail += ", policy " + c.policy.PolicyName
	}
	return Hop{Layer: LayerNetworkFirewall, Resource: c.fw.ID, Name: c.fw.FirewallName, Stage: stage, Detail: detail}
}

// partHop fills in a hop for the rule (or default action) that decided a
// part: the rule group as resource, or the policy for a default action.
func partHop(h Hop, c *compiledFirewall, p fwPart, stage Stage) Hop {
	h.Stage, h.Rule = stage, p.rule
	if p.group != nil {
		h.Resource, h.Name = p.group.ID, p.group.RuleGroupName
		kind, num := RefFirewallStateless, p.priority
		if stage == StageStateful {
			kind, num = RefFirewallStateful, int32(min(p.sid, 1<<31-1))
		}
		h.Ref = &RuleRef{Kind: kind, Index: p.index, RuleNumber: num}
	} else if c.policy != nil {
		h.Resource, h.Name = c.policy.ID, c.policy.PolicyName
	}
	return h
}

// toNetworkFirewall sends packets a route points at a firewall endpoint
// through the firewall (Network Firewall developer guide, "How AWS
// Network Firewall works"): the network ACLs of the subnets they cross
// into the firewall subnet, the stateless engine, the stateful engine for
// what it forwards there, then the firewall subnet's route table.
// Stateful inspection needs both directions of a flow through the same
// endpoint: a reply whose request that endpoint's stateful engine did not
// pass is dropped.
func (w *walker) toNetworkFirewall(from *model.Subnet, fw *model.NetworkFirewall, endpointID string, pkt packet) *arrival {
	if !w.step(pkt) {
		return nil
	}
	c := w.e.firewalls[fw.ID]
	ep := fw.Endpoint(endpointID)
	h := Hop{Layer: LayerNetworkFirewall, Resource: fw.ID, Name: fw.FirewallName}
	if ep == nil || c == nil {
		return w.unknown(h, pkt, fmt.Sprintf("endpoint %s of firewall %s is not in the snapshot", endpointID, fw.FirewallName))
	}
	h = w.firewallHop(c, ep, StageNone)
	if !ep.Carries() {
		h.Code = CodeBadState
		return w.deny(h, pkt, fmt.Sprintf("endpoint %s of firewall %s is %s, not READY", ep.EndpointID, fw.FirewallName, ep.Status))
	}
	sn := w.e.ix.Subnet(ep.SubnetID)
	if sn == nil {
		return w.unknown(h, pkt, fmt.Sprintf("subnet %s of firewall endpoint %s is not in the snapshot", ep.SubnetID, ep.EndpointID))
	}
	if from == nil || from.ID != sn.ID {
		if from != nil && !w.nacl(from, true, &pkt) {
			return nil
		}
		if !w.nacl(sn, false, &pkt) {
			return nil
		}
	}
	if c.missing != "" {
		return w.unknown(h, pkt, c.missing)
	}
	for _, p := range c.problems {
		w.flow.caveat("firewall %s: %s", fw.FirewallName, p)
	}
	res := evalStateless(c, pkt)
	for _, n := range res.notes {
		w.flow.caveat("%s", n)
	}
	var bypass, inspect packet
	var bypassPart, inspectPart *fwPart
	var drops []fwDrop
	for i := range res.parts {
		p := &res.parts[i]
		if len(p.custom) > 0 {
			w.flow.caveat("firewall %s: custom action %s only publishes metrics; it does not change what happens to the packet", fw.FirewallName, strings.Join(p.custom, ", "))
		}
		switch p.action {
		case model.ActionPass:
			bypass = bypass.union(p.pkt)
			if bypassPart == nil {
				bypassPart = p
			}
		case model.ActionForward:
			inspect = inspect.union(p.pkt)
			if inspectPart == nil {
				inspectPart = p
			}
		default:
			hd := partHop(h, c, *p, StageStateless)
			hd.Code = CodeFirewallStatelessDrop
			if p.group == nil {
				hd.Code = CodeFirewallDefaultDrop
			}
			if p.action == "" {
				hd.Code = CodeUnknownResource
			}
			part, dir := *p, w.dir
			drops = append(drops, fwDrop{hd, p.pkt, func() string { return firewallReason(c, part, StageStateless, dir) }, p.action == ""})
		}
	}
	type cont struct {
		pkt    packet
		part   *fwPart
		bypass bool
	}
	var conts []cont
	if !bypass.empty() {
		conts = append(conts, cont{bypass, bypassPart, true})
	}
	if !inspect.empty() {
		conts = append(conts, cont{inspect, inspectPart, false})
	}
	if w.dropAll(drops, len(conts) == 0) {
		return nil
	}
	return branch(w, conts, func(w *walker, k cont) *arrival {
		hs := partHop(h, c, *k.part, StageStateless)
		hs.Verdict = Allow
		if k.bypass {
			hs.Detail += ": aws:pass skips the stateful engine"
			w.record(hs, k.pkt)
		} else {
			hs.Verdict = Forward
			w.record(hs, k.pkt)
			var ok bool
			if k.pkt, ok = w.statefulEngine(c, ep, h, k.pkt); !ok {
				return nil
			}
		}
		if w.dir == DirReturn {
			if w.flow.fwBack == nil {
				w.flow.fwBack = map[string]bool{}
			}
			w.flow.fwBack[fw.ID] = true
		}
		return w.route(sn, k.pkt)
	})
}

// fwDrop is a part of a packet set a firewall drops (or cannot decide).
type fwDrop struct {
	h       Hop
	pkt     packet
	why     func() string
	unknown bool
}

// dropAll refuses each dropped part; when nothing goes on, the first
// becomes this branch's own block, and dropAll reports true.
func (w *walker) dropAll(drops []fwDrop, nothingLeft bool) bool {
	start := 0
	if nothingLeft && len(drops) > 0 {
		start = 1
	}
	for _, d := range drops[start:] {
		w.refuse(d.h, d.pkt, d.why, d.unknown)
	}
	if start == 0 {
		return nothingLeft
	}
	d := drops[0]
	if d.unknown {
		w.unknown(d.h, d.pkt, d.why())
	} else {
		w.deny(d.h, d.pkt, d.why())
	}
	return true
}

// statefulEngine applies a firewall's stateful engine to packets the
// stateless engine forwarded to it: to the first packets of flows on the
// way there, recording what it passes; to replies on the way back, which
// pass when the same endpoint passed their request.
func (w *walker) statefulEngine(c *compiledFirewall, ep *model.FirewallEndpoint, h Hop, pkt packet) (packet, bool) {
	fw := c.fw
	if w.dir == DirReturn {
		rec, seen := w.flow.fw[fw.ID]
		ha := h
		ha.Stage, ha.Code = StageStateful, CodeFirewallAsymmetric
		switch {
		case !seen:
			w.deny(ha, pkt, fmt.Sprintf("the reply reaches firewall %s at endpoint %s (%s), but the request did not cross the firewall: its stateful engine drops a reply to a flow it never saw (asymmetric routing)",
				fw.FirewallName, ep.EndpointID, ep.AvailabilityZone))
			return pkt, false
		case rec.endpoint != ep.EndpointID:
			w.deny(ha, pkt, fmt.Sprintf("the reply reaches firewall %s at endpoint %s (%s), but the request crossed endpoint %s: each endpoint's stateful engine sees only its own flows, so the reply is dropped (asymmetric routing)",
				fw.FirewallName, ep.EndpointID, ep.AvailabilityZone, rec.endpoint))
			return pkt, false
		}
		in, out := pkt.cutBy(rec.passed.reply())
		if !w.narrow(&pkt, in, out, ha, func(p packet) string {
			return fmt.Sprintf("firewall %s passed no request that %s answers: its stateful engine drops replies to flows it did not pass", fw.FirewallName, p)
		}) {
			return pkt, false
		}
		hs := h
		hs.Resource, hs.Name = c.policy.ID, c.policy.PolicyName
		hs.Stage, hs.Verdict, hs.Rule = StageStateful, Allow, "stateful reply"
		hs.Detail += ": the reply of a flow the stateful engine passed"
		w.record(hs, pkt)
		return pkt, true
	}
	res := evalStateful(c, pkt)
	for _, n := range res.notes {
		code := CodeFirewallUnsupportedHigherPriorityRules
		if strings.HasPrefix(n, "domain list") {
			code = CodeFirewallUnsupportedHigherPriorityRuleGroupType
		}
		w.flow.caveat("firewall %s: %s: %s", fw.FirewallName, code, n)
	}
	var drops []fwDrop
	if res.unknown != nil {
		u := res.unknown
		hu := h
		hu.Stage, hu.Resource, hu.Name, hu.Rule = StageStateful, u.group.ID, u.group.RuleGroupName, u.text
		reason := fmt.Sprintf("firewall %s: rule %q of %s cannot be evaluated: %s", fw.FirewallName, u.text, u.group.RuleGroupName, u.why)
		drops = append(drops, fwDrop{hu, res.unknownPkt, func() string { return reason }, true})
	}
	for _, p := range res.dropped {
		hd := partHop(h, c, p, StageStateful)
		hd.Code = CodeFirewallStatefulDrop
		if p.group == nil {
			hd.Code = CodeFirewallDefaultDrop
		}
		part, dir := p, w.dir
		drops = append(drops, fwDrop{hd, p.pkt, func() string { return firewallReason(c, part, StageStateful, dir) }, false})
	}
	if w.dropAll(drops, len(res.passed) == 0) {
		return pkt, false
	}
	var passed packet
	for _, p := range res.passed {
		passed = passed.union(p.pkt)
	}
	hp := partHop(h, c, res.passed[0], StageStateful)
	hp.Verdict = Allow
	w.record(hp, passed)
	if w.flow.fw == nil {
		w.flow.fw = map[string]fwRecord{}
	}
	rec := w.flow.fw[fw.ID]
	rec.endpoint = ep.EndpointID
	rec.passed = rec.passed.union(passed)
	w.flow.fw[fw.ID] = rec
	return passed, true
}

// firewallReason explains why a firewall drops a part.
func firewallReason(c *compiledFirewall, p fwPart, stage Stage, dir Direction) string {
	what := serviceOf(p.pkt) + " from " + p.pkt.src().String() + " to " + p.pkt.dst().String()
	if dir == DirReturn && p.pkt.proto.HasPorts() {
		what = fmt.Sprintf("the reply from %s/%s (%s) to the client's ports %s (%s)", p.pkt.proto, p.pkt.srcPorts(), p.pkt.src(), p.pkt.dstPorts(), p.pkt.dst())
	}
	fw := c.fw.FirewallName
	switch {
	case p.action == "":
		return fmt.Sprintf("firewall %s: %s names no aws:pass, aws:drop or aws:forward_to_sfe action, so what it does with %s is unknown", fw, p.rule, what)
	case stage == StageStateless && p.group == nil:
		return fmt.Sprintf("firewall %s: no stateless rule matches %s, and policy %s's %s drops it", fw, what, c.policy.PolicyName, p.rule)
	case stage == StageStateless:
		return fmt.Sprintf("firewall %s: %s of rule group %s drops %s", fw, p.rule, p.group.RuleGroupName, what)
	case p.group == nil:
		return fmt.Sprintf("firewall %s: no stateful rule matches %s, and policy %s's %s drops it", fw, what, c.policy.PolicyName, p.rule)
	}
	sid := ""
	if p.sid != 0 {
		sid = fmt.Sprintf(" (sid %d)", p.sid)
	}
	return fmt.Sprintf("firewall %s: stateful rule %q%s of rule group %s %ss %s", fw, p.rule, sid, p.group.RuleGroupName, p.action, what)
}
