package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// gwlbTarget is a healthy appliance behind a Gateway Load Balancer.
type gwlbTarget struct {
	tg     *model.TargetGroup
	target model.Target
	eni    *model.NetworkInterface
	addr   netip.Addr
}

// toGWLBEndpoint sends packets a route points at a Gateway Load Balancer
// endpoint through the appliances behind it (Gateway Load Balancer guide,
// "What is a Gateway Load Balancer?"): the endpoint hands the packet to
// its service's load balancer in the endpoint's Availability Zone, which
// sends it, GENEVE-encapsulated on udp/6081, to a healthy registered
// target in an enabled zone ("Target groups for your Gateway Load
// Balancers": it "routes requests to the registered targets that are
// healthy" and monitors the targets "in an Availability Zone enabled for
// the Gateway Load Balancer"); the appliance returns it through the same
// endpoint, which routes it on by the endpoint subnet's route table. The
// appliances' own rules are not in the snapshot: the answer says so.
// Both directions of a flow must cross the same endpoint (flow stickiness
// keeps them on one appliance); a reply through another is dropped.
func (w *walker) toGWLBEndpoint(from *model.Subnet, ep *model.VPCEndpoint, pkt packet) *arrival {
	if !w.step(pkt) {
		return nil
	}
	h := Hop{Layer: LayerGatewayLoadBalancer, Resource: ep.ID, Stage: StageForward}
	if len(ep.SubnetIDs) == 0 {
		return w.unknown(h, pkt, fmt.Sprintf("Gateway Load Balancer endpoint %s lists no subnet", ep.ID))
	}
	sn := w.e.ix.Subnet(ep.SubnetIDs[0])
	if sn == nil {
		return w.unknown(h, pkt, fmt.Sprintf("subnet %s of Gateway Load Balancer endpoint %s is not in the snapshot", ep.SubnetIDs[0], ep.ID))
	}
	if from == nil || from.ID != sn.ID {
		if from != nil && !w.nacl(from, true, &pkt) {
			return nil
		}
		if !w.nacl(sn, false, &pkt) {
			return nil
		}
	}
	if w.dir == DirReturn {
		switch first, seen := w.flow.gwlb[ep.ServiceName]; {
		case !seen:
			h.Code = CodeGWLBAsymmetric
			return w.deny(h, pkt, fmt.Sprintf("the reply crosses Gateway Load Balancer endpoint %s, but the request crossed no endpoint of %s: the appliance that gets the reply never saw the flow (asymmetric routing)", ep.ID, ep.ServiceName))
		case first != ep.ID:
			h.Code = CodeGWLBAsymmetric
			return w.deny(h, pkt, fmt.Sprintf("the reply crosses Gateway Load Balancer endpoint %s (%s), but the request crossed %s: another load balancer node and appliance get it, and a stateful appliance drops a flow it did not see start (asymmetric routing)",
				ep.ID, sn.AvailabilityZone, first))
		}
	}
	svc := w.e.endpointServices[ep.ServiceName]
	var lb *model.LoadBalancer
	if svc != nil {
		for _, arn := range svc.GatewayLoadBalancerARNs {
			if l, ok := model.Get[*model.LoadBalancer](w.e.ix, arn); ok {
				lb = l
				break
			}
		}
	}
	if lb == nil {
		why := fmt.Sprintf("the route sends the packet to Gateway Load Balancer endpoint %s for inspection by the appliances behind %s; ", ep.ID, ep.ServiceName)
		if svc == nil {
			why += "the endpoint service's configuration (DescribeVpcEndpointServiceConfigurations, in the provider's account) is not in the snapshot"
		} else {
			why += fmt.Sprintf("its Gateway Load Balancer %s is not in the snapshot", strings.Join(svc.GatewayLoadBalancerARNs, ", "))
		}
		return w.unknown(h, pkt, why)
	}
	h.Verdict, h.Detail = Forward, fmt.Sprintf("endpoint of %s in %s, to Gateway Load Balancer %s", ep.ServiceName, sn.AvailabilityZone, lb.LoadBalancerName)
	w.record(h, pkt)
	hl := Hop{Layer: LayerGatewayLoadBalancer, Resource: lb.ID, Name: lb.LoadBalancerName, Stage: StageInspect}
	targets, node, reason, code, unknown := w.e.gwlbTargets(lb, sn.AvailabilityZone)
	if len(targets) == 0 {
		hl.Code = code
		if unknown {
			return w.unknown(hl, pkt, reason)
		}
		return w.deny(hl, pkt, reason)
	}
	// The appliance's security groups must admit GENEVE from the load
	// balancer node.
	var admitting []gwlbTarget
	var refused []string
	for _, t := range targets {
		geneve := pointPacket(model.ProtocolUDP, node, t.addr, portsOf(model.AllPorts), portsOf(model.SinglePort(6081)), model.ICMPTypeCode{})
		if len(t.eni.SecurityGroupIDs) == 0 || !w.e.evalSecurityGroups(t.eni, false, geneve).admitted.pkt.empty() {
			admitting = append(admitting, t)
		} else {
			refused = append(refused, t.target.ID)
		}
	}
	if len(admitting) == 0 {
		hl.Code, hl.Resource, hl.Name = CodeENISGRulesMismatch, targets[0].eni.SecurityGroupIDs[0], ""
		return w.deny(hl, pkt, fmt.Sprintf("no healthy appliance behind Gateway Load Balancer %s admits GENEVE (udp/6081) from the load balancer node %s: the security groups of %s refuse it",
			lb.LoadBalancerName, node, strings.Join(refused, ", ")))
	}
	if len(refused) > 0 {
		w.flow.caveat("Gateway Load Balancer %s spreads flows across its appliances; flows it sends to %s fail: their security groups do not admit GENEVE (udp/6081) from %s",
			lb.LoadBalancerName, strings.Join(refused, ", "), node)
	}
	t := admitting[0]
	hl.Verdict = Forward
	hl.Detail = fmt.Sprintf("appliance %s (%s, target group %s) inspects the packet and returns it through %s", t.target.ID, t.eni.ID, t.tg.TargetGroupName, ep.ID)
	w.record(hl, pkt)
	w.flow.caveat("the path crosses the appliances behind Gateway Load Balancer %s (%s): their own rules are not in the snapshot; vpcscope assumes they pass the packet unchanged",
		lb.LoadBalancerName, strings.Join(targetIDs(admitting), ", "))
	if w.dir == DirForward {
		if w.flow.gwlb == nil {
			w.flow.gwlb = map[string]string{}
		}
		w.flow.gwlb[ep.ServiceName] = ep.ID
	}
	return w.route(sn, pkt)
}

func targetIDs(ts []gwlbTarget) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.target.ID
	}
	return out
}

// gwlbTargets returns the healthy appliances a Gateway Load Balancer node
// in az sends to, and the node's address; when there are none, why (with
// its code, and whether the snapshot lacks what would decide).
func (e *Engine) gwlbTargets(lb *model.LoadBalancer, az string) (out []gwlbTarget, node netip.Addr, reason string, code Code, unknown bool) {
	zone := -1
	for i, z := range lb.AvailabilityZones {
		if z.ZoneName == az {
			zone = i
		}
	}
	if zone < 0 {
		return nil, node, fmt.Sprintf("Gateway Load Balancer %s does not enable %s, the endpoint's Availability Zone", lb.LoadBalancerName, az),
			CodeELBInstalledAZRestriction, false
	}
	for _, n := range e.loadBalancerInterfaces(lb) {
		if n.AvailabilityZone == az {
			node = n.PrimaryIP()
		}
	}
	if !node.IsValid() {
		for _, a := range lb.AvailabilityZones[zone].Addresses {
			if a.PrivateIPv4Address.IsValid() {
				node = a.PrivateIPv4Address
			}
		}
	}
	if !node.IsValid() {
		if sn := e.ix.Subnet(lb.AvailabilityZones[zone].SubnetID); sn != nil && sn.CIDR.IsValid() {
			node = sn.CIDR.Addr().Next().Next().Next().Next() // an address of the node's subnet
		}
	}
	var groups []*model.TargetGroup
	for _, l := range lb.Listeners {
		for _, a := range l.DefaultActions {
			for _, arn := range a.TargetGroupARNs {
				if tg := e.tgByARN[arn]; tg != nil && !slices.Contains(groups, tg) {
					groups = append(groups, tg)
				}
			}
		}
	}
	if len(groups) == 0 {
		for _, tg := range e.snap.TargetGroups {
			if slices.Contains(tg.LoadBalancerARNs, lb.ID) {
				groups = append(groups, tg)
			}
		}
	}
	if len(groups) == 0 {
		return nil, node, fmt.Sprintf("Gateway Load Balancer %s forwards to no target group in the snapshot", lb.LoadBalancerName), CodeELBv2ListenerHasNoTG, false
	}
	registered, healthy, elsewhere, missing := 0, 0, 0, 0
	for _, tg := range groups {
		if tg.Targets == nil {
			return nil, node, fmt.Sprintf("the registered targets of target group %s were not collected", tg.TargetGroupName), CodeUnknownResource, true
		}
		crossZone, _ := crossZoneFor(lb, tg)
		for _, t := range tg.Targets {
			registered++
			if t.HealthState != "healthy" {
				continue
			}
			healthy++
			eni, addr := e.targetInterface(tg, t)
			if eni == nil {
				missing++
				continue
			}
			if !crossZone && eni.AvailabilityZone != az {
				elsewhere++
				continue
			}
			out = append(out, gwlbTarget{tg: tg, target: t, eni: eni, addr: addr})
		}
	}
	switch {
	case len(out) > 0:
		return out, node, "", CodeNone, false
	case registered == 0:
		return nil, node, fmt.Sprintf("Gateway Load Balancer %s has no registered targets", lb.LoadBalancerName), CodeGWLBNoHealthyTargets, false
	case healthy == 0:
		return nil, node, fmt.Sprintf("no registered target of Gateway Load Balancer %s is healthy: it sends traffic only to healthy targets", lb.LoadBalancerName), CodeGWLBNoHealthyTargets, false
	case elsewhere > 0:
		return nil, node, fmt.Sprintf("no healthy target of Gateway Load Balancer %s is in %s, the endpoint's zone, and cross-zone load balancing is off", lb.LoadBalancerName, az), CodeELBNotCrossZone, false
	}
	return nil, node, fmt.Sprintf("the healthy targets of Gateway Load Balancer %s are not in the snapshot", lb.LoadBalancerName), CodeUnknownResource, true
}
