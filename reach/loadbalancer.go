package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// lbLeg remembers how a flow crossed a load balancer, for its reply.
type lbLeg struct {
	lb   *model.LoadBalancer
	node *model.NetworkInterface
	// client is the packet as the load balancer node received it.
	client packet
	// preserved is true when targets see the client's own address.
	preserved bool
}

// atLoadBalancer handles packets that reach a load balancer node: its
// security groups, a listener on the port, a target group with targets in
// a usable AZ, then a new leg from the node (or, with client IP
// preservation, from the client's address) to a target.
func (w *walker) atLoadBalancer(lb *model.LoadBalancer, node *model.NetworkInterface, pkt packet) *arrival {
	if w.dir == DirReturn {
		if w.flow.lb == nil && w.flow.admittedBy(w.e.classKey(node)) || len(node.SecurityGroupIDs) == 0 && w.flow.lb == nil {
			// The node itself started the flow: this is its reply.
			if !w.securityGroups(node, false, &pkt) {
				return nil
			}
			w.record(Hop{Layer: LayerInterface, Resource: node.ID, Verdict: Arrive, Detail: "node of " + lb.LoadBalancerName}, pkt)
			return &arrival{kind: arrivedInterface, eni: node, pkt: pkt}
		}
		if w.flow.lb == nil || w.flow.lb.node != node {
			return w.deny(Hop{Layer: LayerLoadBalancer, Resource: lb.ID, Code: CodeNoPath}, pkt,
				fmt.Sprintf("load balancer %s did not carry this flow", lb.LoadBalancerName))
		}
		return w.lbReplyToClient(w.flow.lb)
	}
	h := Hop{Layer: LayerLoadBalancer, Resource: lb.ID, Name: lb.LoadBalancerName, Stage: StageListener}
	if lb.State != "" && lb.State != "active" {
		h.Code = CodeBadState
		return w.deny(h, pkt, fmt.Sprintf("load balancer %s is %s", lb.LoadBalancerName, lb.State))
	}
	if !w.securityGroups(node, false, &pkt) {
		return nil
	}
	if !pkt.proto.HasPorts() {
		h.Code = CodeProtocolRestriction
		return w.deny(h, pkt, fmt.Sprintf("load balancer %s answers only its listeners' TCP/UDP ports, not %s", lb.LoadBalancerName, serviceOf(pkt)))
	}
	parts := listenerParts(lb, pkt)
	return branch(w, parts, func(w *walker, p listenerPart) *arrival {
		h := h
		if p.listener == nil {
			h.Code = CodeELBv2ListenersMismatch
			return w.deny(h, p.pkt, fmt.Sprintf("load balancer %s has no %s listener on port %s (listeners: %s)",
				lb.LoadBalancerName, pkt.proto, p.pkt.dstPorts(), listenerList(lb)))
		}
		return w.atListener(lb, node, p.listener, h, p.pkt)
	})
}

// listenerPart is the part of a packet set one listener takes (nil: none).
type listenerPart struct {
	pkt      packet
	listener *model.Listener
}

// listenerParts partitions packets by the listener that takes their
// destination port and protocol; the rest comes last, without listener.
func listenerParts(lb *model.LoadBalancer, pkt packet) []listenerPart {
	var out []listenerPart
	rest := pkt
	for i := range lb.Listeners {
		l := &lb.Listeners[i]
		if rest.empty() {
			break
		}
		if !listenerCarries(l.Protocol, pkt.proto) {
			continue
		}
		port := portSet{model.SinglePort(uint16(l.Port))}
		in, out2 := rest.filter(func(s span) (span, span) {
			a, b := s, s
			a.dstPorts, b.dstPorts = s.dstPorts.intersect(port), s.dstPorts.minus(port)
			return a, b
		})
		if !in.empty() {
			out = append(out, listenerPart{pkt: in, listener: l})
		}
		rest = out2
	}
	if !rest.empty() {
		out = append(out, listenerPart{pkt: rest})
	}
	return out
}

// targetLeg is one registered target a listener may send a flow to.
type targetLeg struct {
	tg        *model.TargetGroup
	target    model.Target
	eni       *model.NetworkInterface
	addr      netip.Addr // the target's address
	pkt       packet
	preserved bool
}

// atListener sends packets a listener takes to its targets: each usable
// target is a branch, and the flow gets through when any target's does.
func (w *walker) atListener(lb *model.LoadBalancer, node *model.NetworkInterface, listener *model.Listener, h Hop, pkt packet) *arrival {
	h.Rule = fmt.Sprintf("listener %s:%d", listener.Protocol, listener.Port)
	var groups []*model.TargetGroup
	for _, a := range listener.DefaultActions {
		for _, arn := range a.TargetGroupARNs {
			if tg := w.e.tgByARN[arn]; tg != nil {
				groups = append(groups, tg)
			}
		}
	}
	if len(groups) == 0 && answersItself(listener) {
		// A redirect or fixed response: the load balancer is the server.
		h.Verdict, h.Detail = Arrive, "the listener answers itself ("+listener.DefaultActions[0].Type+")"
		w.record(h, pkt)
		return &arrival{kind: arrivedInterface, eni: node, pkt: pkt}
	}
	if len(groups) == 0 {
		h.Code = CodeELBv2ListenerHasNoTG
		return w.deny(h, pkt, fmt.Sprintf("listener %s:%d of %s forwards to no target group in the snapshot", listener.Protocol, listener.Port, lb.LoadBalancerName))
	}
	h.Verdict = Forward
	h.Detail = "node " + node.ID + " in " + node.AvailabilityZone
	w.record(h, pkt)

	enabled := map[string]bool{}
	for _, z := range lb.AvailabilityZones {
		enabled[z.ZoneName] = true
	}
	var legs []targetLeg
	var notCollected, disabledAZs, missing, noFamily []string
	registered, otherAZ := 0, 0
	var zoneGroup *model.TargetGroup // the first group whose own attribute kept a target out of reach
	for _, tg := range groups {
		if tg.Targets == nil {
			notCollected = append(notCollected, tg.TargetGroupName+" ("+tg.ID+")")
			continue
		}
		crossZone, byGroup := crossZoneFor(lb, tg)
		for _, t := range routedTargets(tg) {
			registered++
			target, addr := w.e.targetInterface(tg, t)
			if target == nil {
				missing = append(missing, t.ID)
				continue
			}
			az := t.AvailabilityZone
			if az == "" || az == "all" {
				az = target.AvailabilityZone
			}
			if t.AvailabilityZone != "all" && !enabled[az] {
				disabledAZs = append(disabledAZs, az)
				continue
			}
			if !crossZone && az != node.AvailabilityZone {
				otherAZ++
				if byGroup && zoneGroup == nil {
					zoneGroup = tg
				}
				continue
			}
			tport := t.Port
			if tport == 0 {
				tport = tg.Port
			}
			leg, preserved, ok := targetPacket(lb, tg, node, pkt, addr, uint16(tport))
			if !ok {
				noFamily = append(noFamily, t.ID+" ("+addr.String()+")")
				continue
			}
			legs = append(legs, targetLeg{tg: tg, target: t, eni: target, addr: addr, pkt: leg, preserved: preserved})
		}
	}
	if len(legs) > 0 {
		client := pkt
		for _, l := range legs {
			if l.preserved && l.pkt.src().contains(l.addr) {
				w.flow.caveat("with client IP preservation on, connections that %s sends from %s to %s itself time out (no hairpinning): they get through only when it picks another target",
					lb.LoadBalancerName, l.addr, l.target.ID)
			}
		}
		return branch(w, legs, func(w *walker, l targetLeg) *arrival {
			pkt := l.pkt
			if l.preserved && !w.hairpin(lb, l, &pkt) {
				return nil
			}
			w.record(Hop{Layer: LayerLoadBalancer, Resource: l.tg.ID, Name: l.tg.TargetGroupName, Stage: StageTarget, Verdict: Forward,
				Detail: targetDetail(l.target, l.preserved, client.is4() != pkt.is4())}, pkt)
			w.flow.lb = &lbLeg{lb: lb, node: node, client: client, preserved: l.preserved}
			return w.legToTarget(node, pkt)
		})
	}
	h = Hop{Layer: LayerLoadBalancer, Resource: lb.ID, Name: lb.LoadBalancerName, Stage: StageTarget}
	switch {
	case registered == 0 && len(notCollected) > 0:
		return w.unknown(h, pkt, fmt.Sprintf("the registered targets of target group %s were not collected", strings.Join(notCollected, ", ")))
	case registered == 0:
		h.Code = CodeELBv2ListenerHasNoTG
		return w.deny(h, pkt, fmt.Sprintf("the target groups of listener %s:%d of %s have no registered targets", listener.Protocol, listener.Port, lb.LoadBalancerName))
	case otherAZ > 0 && zoneGroup != nil:
		h.Code, h.Resource, h.Name = CodeELBNotCrossZone, zoneGroup.ID, zoneGroup.TargetGroupName
		h.Rule = "load_balancing.cross_zone.enabled=false"
		return w.deny(h, pkt, fmt.Sprintf("no registered target of %s is in %s, the AZ of node %s, and target group %s turns cross-zone load balancing off (load_balancing.cross_zone.enabled=false overrides the load balancer's setting)",
			lb.LoadBalancerName, node.AvailabilityZone, node.ID, zoneGroup.TargetGroupName))
	case otherAZ > 0:
		h.Code = CodeELBNotCrossZone
		return w.deny(h, pkt, fmt.Sprintf("no registered target of %s is in %s, the AZ of node %s, and cross-zone load balancing is off",
			lb.LoadBalancerName, node.AvailabilityZone, node.ID))
	case len(disabledAZs) > 0:
		h.Code = CodeELBInstalledAZRestriction
		return w.deny(h, pkt, fmt.Sprintf("the targets of %s are in %s, which the load balancer does not enable",
			lb.LoadBalancerName, strings.Join(slices.Compact(slices.Sorted(slices.Values(disabledAZs))), ", ")))
	case len(noFamily) > 0:
		h.Code = CodeNoPath
		return w.deny(h, pkt, fmt.Sprintf("node %s of %s has no address of its targets' IP version to reach %s from",
			node.ID, lb.LoadBalancerName, strings.Join(noFamily, ", ")))
	}
	return w.unknown(h, pkt, fmt.Sprintf("the registered targets of %s (%s) are not in the snapshot", lb.LoadBalancerName, strings.Join(missing, ", ")))
}

// crossZoneFor reports whether a load balancer's nodes send a target
// group's traffic to targets in other Availability Zones, and whether the
// group's own attribute decided: load_balancing.cross_zone.enabled on the
// target group ("true" or "false") overrides the load balancer's setting;
// "use_load_balancer_configuration" (the default) defers to it (ELB
// guides, "Cross-zone load balancing for target groups").
func crossZoneFor(lb *model.LoadBalancer, tg *model.TargetGroup) (on, byGroup bool) {
	switch tg.Attributes["load_balancing.cross_zone.enabled"] {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return lb.CrossZone(), false
}

// targetPacket builds the packets a load balancer node sends a target for
// the client packets pkt: to the target's address and port, from the
// client's own addresses when the target group preserves them and client
// and target speak the same IP version, else from the node's own address
// of the target's IP version (a dual-stack load balancer reaches IPv4
// targets of IPv6 clients from its IPv4 address). ok is false when the
// node has no address of the target's IP version.
func targetPacket(lb *model.LoadBalancer, tg *model.TargetGroup, node *model.NetworkInterface, pkt packet, addr netip.Addr, port uint16) (leg packet, preserved, ok bool) {
	tports := portSet{model.SinglePort(port)}
	if preservesClientIP(lb, tg) && pkt.is4() == addr.Is4() {
		spans := make([]span, len(pkt.spans))
		for i, s := range pkt.spans {
			spans[i] = span{src: s.src, srcPorts: s.srcPorts, dst: addrOf(addr), dstPorts: tports}
		}
		return pkt.with(spans), true, true
	}
	src := node.PrimaryIP()
	if !addr.Is4() {
		src = netip.Addr{}
		if len(node.IPv6Addresses) > 0 {
			src = node.IPv6Addresses[0]
		}
	}
	if !src.IsValid() {
		return packet{}, false, false
	}
	// A new connection from the node: whatever crossed the client's packet
	// before, group references see the node.
	return pointPacket(pkt.proto, src, addr, portsOf(model.EphemeralPorts), tports, pkt.icmp), false, true
}

// hairpin refuses the packets a network load balancer, preserving client
// addresses, would send to a target from that target's own address: the
// target sees a packet from itself and the connection times out (NLB
// guide, "Troubleshoot your Network Load Balancer": internal load
// balancers do not support hairpinning or loopback; with client IP
// preservation a target that is a client of its own load balancer
// connects only when the request goes to another target).
func (w *walker) hairpin(lb *model.LoadBalancer, l targetLeg, pkt *packet) bool {
	self, other := pkt.splitSrcPrefixes([]netip.Prefix{netip.PrefixFrom(l.addr, l.addr.BitLen())})
	h := Hop{Layer: LayerLoadBalancer, Resource: l.tg.ID, Name: l.tg.TargetGroupName, Stage: StageTarget,
		Rule: "preserve_client_ip.enabled=true", Code: CodeELBv2SourceAddressPreservation}
	return w.narrow(pkt, other, self, h, func(p packet) string {
		return fmt.Sprintf("%s preserves the client's address, so target %s (%s) would receive its own connection from %s: a network load balancer does not support hairpinning or loopback, and the connection times out",
			lb.LoadBalancerName, l.target.ID, l.addr, p.src())
	})
}

// answersItself reports whether a listener's default action is answered by
// the load balancer (a redirect or a fixed response), not a target.
func answersItself(l *model.Listener) bool {
	for _, a := range l.DefaultActions {
		if a.Type == "redirect" || a.Type == "fixed-response" {
			return true
		}
	}
	return false
}

// routedTargets returns the targets a load balancer sends new connections
// to: the healthy ones, or every registered one when none is healthy (ELB
// fails open, as the NLB lab's all-unhealthy targets showed).
func routedTargets(tg *model.TargetGroup) []model.Target {
	var healthy []model.Target
	for _, t := range tg.Targets {
		if t.HealthState == "healthy" {
			healthy = append(healthy, t)
		}
	}
	if len(healthy) == 0 {
		return tg.Targets
	}
	return healthy
}

// legToTarget carries the load balancer's packet from its node to a target.
func (w *walker) legToTarget(node *model.NetworkInterface, leg packet) *arrival {
	sn := w.subnetOf(node, leg)
	if sn == nil || !w.securityGroups(node, true, &leg) {
		return nil
	}
	return w.route(sn, leg)
}

// lbReturn carries a target's reply back through the load balancer. With
// client IP preservation the load balancer intercepts the reply, so no
// route lookup happens, but the network ACLs between target and node apply.
func (w *walker) lbReturn(arr *arrival) *arrival {
	leg := arr.lb
	reply := arr.pkt.reply()
	target := arr.eni
	tsn := w.subnetOf(target, reply)
	if tsn == nil || !w.securityGroups(target, true, &reply) {
		return nil
	}
	if !leg.preserved {
		return w.route(tsn, reply)
	}
	nsn := w.subnetOf(leg.node, reply)
	if nsn == nil {
		return nil
	}
	if tsn.ID != nsn.ID && (!w.nacl(tsn, true, &reply) || !w.nacl(nsn, false, &reply)) {
		return nil
	}
	w.flow.caveat("the target replies to the client's own address (client IP preservation); the load balancer carries the reply back")
	// Only the clients whose packets the target side let through get a reply.
	narrowed := *leg
	narrowed.client = clientsReplied(leg.client, reply)
	return w.lbReplyToClient(&narrowed)
}

// clientsReplied narrows the client packets a load balancer took to those
// whose address and port the target's reply still goes to.
func clientsReplied(client, reply packet) packet {
	var spans []span
	for _, c := range client.spans {
		for _, r := range reply.spans {
			in, _ := c.src.split(r.dst)
			s := c
			s.src = in
			if client.proto.HasPorts() {
				s.srcPorts = c.srcPorts.intersect(r.dstPorts)
			}
			spans = append(spans, s)
		}
	}
	return client.with(spans)
}

// lbReplyToClient sends the load balancer node's reply to the client.
func (w *walker) lbReplyToClient(leg *lbLeg) *arrival {
	reply := leg.client.reply()
	w.record(Hop{Layer: LayerLoadBalancer, Resource: leg.lb.ID, Name: leg.lb.LoadBalancerName, Stage: StageReply, Verdict: Forward,
		Detail: fmt.Sprintf("node %s answers the client from %s", leg.node.ID, reply.src())}, reply)
	sn := w.subnetOf(leg.node, reply)
	if sn == nil || !w.securityGroups(leg.node, true, &reply) {
		return nil
	}
	return w.route(sn, reply)
}

// targetInterface returns the interface and address a target receives on.
func (e *Engine) targetInterface(tg *model.TargetGroup, t model.Target) (*model.NetworkInterface, netip.Addr) {
	if tg.TargetType == "ip" {
		addr, err := netip.ParseAddr(t.ID)
		if err != nil {
			return nil, netip.Addr{}
		}
		for _, n := range e.ix.InterfacesByIP(addr) {
			if ownsPrivate(n, addr) {
				return n, addr
			}
		}
		return nil, netip.Addr{}
	}
	ns := e.ix.InstanceInterfaces(t.ID)
	if len(ns) == 0 {
		return nil, netip.Addr{}
	}
	return ns[0], ns[0].PrimaryIP()
}

// preservesClientIP reports whether a load balancer passes its clients'
// addresses on to a target group (NLB guide, "Edit target group attributes
// for your Network Load Balancer", Client IP preservation): never an
// application load balancer; a network load balancer always for UDP,
// TCP_UDP, QUIC and TCP_QUIC groups ("enabled (and can't be disabled)"),
// else by the preserve_client_ip.enabled attribute, which defaults to on
// for instance targets and off for IP targets. It holds only when client
// and target speak the same IP version (targetPacket).
func preservesClientIP(lb *model.LoadBalancer, tg *model.TargetGroup) bool {
	if lb.Type != "network" {
		return false
	}
	switch strings.ToUpper(tg.Protocol) {
	case "UDP", "TCP_UDP", "QUIC", "TCP_QUIC":
		return true
	}
	if v, ok := tg.Attributes["preserve_client_ip.enabled"]; ok {
		return v == "true"
	}
	return tg.TargetType == "instance"
}

// listenerCarries reports whether a listener of the protocol takes packets
// of p (NLB guide, "Listeners for your Network Load Balancers"): a TCP_UDP
// listener carries both TCP and UDP on its port, a TCP_QUIC one TCP and
// QUIC (over UDP); UDP and QUIC listeners carry UDP; HTTP, HTTPS, TCP and
// TLS listeners carry TCP; a Gateway Load Balancer's GENEVE listener takes
// no client traffic.
func listenerCarries(listenerProto string, p model.Protocol) bool {
	switch strings.ToUpper(listenerProto) {
	case "UDP", "QUIC":
		return p == model.ProtocolUDP
	case "TCP_UDP", "TCP_QUIC":
		return p == model.ProtocolTCP || p == model.ProtocolUDP
	case "GENEVE":
		return false
	}
	return p == model.ProtocolTCP // HTTP, HTTPS, TCP, TLS
}

func listenerList(lb *model.LoadBalancer) string {
	if len(lb.Listeners) == 0 {
		return "none"
	}
	parts := make([]string, len(lb.Listeners))
	for i, l := range lb.Listeners {
		parts[i] = fmt.Sprintf("%s:%d", l.Protocol, l.Port)
	}
	return strings.Join(parts, ", ")
}

func targetDetail(t model.Target, preserved, translated bool) string {
	s := "to target " + t.ID
	switch {
	case preserved:
		return s + " (client IP preserved)"
	case translated:
		return s + " (the client's IP version differs from the target's: the source is the load balancer node's own address)"
	}
	return s + " (source is the load balancer node)"
}
