package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// narrow keeps the part of *pkt that passes a check and refuses the rest
// at hop h; when nothing passes it denies and returns false.
func (w *walker) narrow(pkt *packet, pass, fail packet, h Hop, reason func(packet) string) bool {
	if pass.empty() {
		w.deny(h, fail, reason(fail))
		return false
	}
	if !fail.empty() {
		w.refuse(h, fail, func() string { return reason(fail) }, false)
	}
	*pkt = pass
	return true
}

// toInternetGateway sends packets out through an internet gateway, which
// maps a private IPv4 source to its public IPv4 address (1:1 NAT).
func (w *walker) toInternetGateway(vpcID string, from *model.Subnet, igwID string, pkt packet) *arrival {
	h := Hop{Layer: LayerInternetGateway, Resource: igwID, Stage: StageEgress}
	igw, ok := model.Get[*model.InternetGateway](w.e.ix, igwID)
	if !ok {
		return w.unknown(h, pkt, fmt.Sprintf("internet gateway %s is not in the snapshot", igwID))
	}
	if !igw.AttachedTo(vpcID) {
		h.Code = CodeBadState
		return w.deny(h, pkt, fmt.Sprintf("internet gateway %s is not attached to %s", igwID, vpcID))
	}
	if from != nil && !w.nacl(from, true, &pkt) {
		return nil
	}
	shared, rest := pkt.splitDst(w.e.sharedSet)
	hs := h
	hs.Code = CodeIGWDestinationNotRFC6598Egress
	if !w.narrow(&pkt, rest, shared, hs, func(p packet) string {
		return fmt.Sprintf("internet gateway %s does not route %s: it is in the shared address space 100.64.0.0/10 (RFC 6598)", igwID, p.dst())
	}) {
		return nil
	}
	private, public := pkt.splitDst(w.e.privateSet)
	hp := h
	hp.Code = CodeIGWDestinationNotRFC1918Egress
	if !w.narrow(&pkt, public, private, hp, func(p packet) string {
		return fmt.Sprintf("internet gateway %s does not route %s: it is a private address", igwID, p.dst())
	}) {
		return nil
	}
	if !pkt.is4() {
		inVPC, spoofed := pkt.splitSrcPrefixes(w.e.vpcPrefixes(vpcID))
		hx := h
		hx.Code = CodeGatewayRejectsSpoofedTraffic
		if !w.narrow(&pkt, inVPC, spoofed, hx, func(p packet) string {
			return fmt.Sprintf("internet gateway %s drops traffic from %s: it is not an address of %s", igwID, p.src(), vpcID)
		}) {
			return nil
		}
		h.Verdict = Forward
		w.record(h, pkt)
		return w.overInternet(pkt)
	}
	return branch(w, w.e.publicMappings(vpcID, pkt), func(w *walker, m publicMapping) *arrival {
		h := h
		if !m.pub.IsValid() {
			who := m.pkt.src().String()
			if m.owner != nil {
				who += " (" + m.owner.ID + ")"
			}
			reason := fmt.Sprintf("%s has no public IPv4 address, so internet gateway %s cannot carry its traffic to the internet", who, igwID)
			if n := w.lastAppliance(); n != nil {
				if len(n.PublicIPs()) > 0 {
					// A NAT instance: it may send the packet from its own address.
					return w.unknown(Hop{Layer: LayerInterface, Resource: n.ID, Stage: StageAppliance, Rule: "sourceDestCheck=false",
						Code: CodeApplianceMayTranslate}, m.pkt,
						fmt.Sprintf("appliance %s forwards the packet from %s to internet gateway %s: if it translates the source to its own address (a NAT instance), it leaves as %s; if not, %s. Whether it does is in its operating system, which vpcscope cannot see",
							n.ID, m.pkt.src(), igwID, n.PublicIPs()[0], reason))
				}
				reason += fmt.Sprintf("; appliance %s forwarded it, and has no public IPv4 address either to translate it to", n.ID)
			}
			h.Code = CodeIGWPublicIPForEgress
			return w.deny(h, m.pkt, reason)
		}
		pkt := m.pkt.withSrc(m.pub)
		if !w.quietPass() {
			h.Detail = fmt.Sprintf("translates source %s to its public address %s", m.pkt.src(), m.pub)
			h.Verdict = Forward
			w.record(h, pkt)
		}
		return w.overInternet(pkt)
	})
}

// lastAppliance returns the last appliance that forwarded the packets in
// this direction, or nil.
func (w *walker) lastAppliance() *model.NetworkInterface {
	if len(w.flow.appliances) == 0 {
		return nil
	}
	return w.e.ix.Interface(w.flow.appliances[len(w.flow.appliances)-1])
}

// publicMapping is the part of a packet set whose source an internet
// gateway maps to one public address (pub invalid: to none).
type publicMapping struct {
	pkt   packet
	owner *model.NetworkInterface
	pub   netip.Addr
}

// publicMappings partitions packets by the public IPv4 address an internet
// gateway gives their private source address in the VPC.
func (e *Engine) publicMappings(vpcID string, pkt packet) []publicMapping {
	if a, ok := pkt.singleSrc(); ok {
		owner := e.interfaceInVPC(vpcID, a)
		m := publicMapping{pkt: pkt, owner: owner}
		if owner != nil {
			m.pub, _ = owner.PublicIPFor(a)
		}
		return []publicMapping{m}
	}
	var out []publicMapping
	rest := pkt
	for _, addr := range e.publicByVPC[vpcID] {
		if rest.empty() {
			break
		}
		in, other := rest.splitSrcPrefixes([]netip.Prefix{netip.PrefixFrom(addr.private, addr.private.BitLen())})
		if !in.empty() {
			out = append(out, publicMapping{pkt: in, owner: addr.eni, pub: addr.public})
		}
		rest = other
	}
	if !rest.empty() {
		out = append(out, publicMapping{pkt: rest})
	}
	return out
}

// destinationClass is where the internet delivers an address.
type destinationClass int

const (
	toInternetHost destinationClass = iota
	toOwnedPublic                   // a public address of an interface in the snapshot
	toPrivate                       // an address the internet does not route
	toService                       // an AWS service behind a managed prefix list
	toRetired                       // the address of a deleted NAT gateway
)

// classPart is the part of a packet set whose destination is of one class.
type classPart struct {
	pkt   packet
	class destinationClass
	pl    *model.PrefixList
}

// internetDestinations partitions packets crossing the internet by what
// their destination is.
func (e *Engine) internetDestinations(pkt packet) []classPart {
	if d, ok := pkt.singleDst(); ok {
		switch {
		case len(e.publicOwners(d)) > 0:
			return []classPart{{pkt: pkt, class: toOwnedPublic}}
		case isPrivate(d):
			return []classPart{{pkt: pkt, class: toPrivate}}
		}
		if pl := e.servicePrefixList(d); pl != nil {
			return []classPart{{pkt: pkt, class: toService, pl: pl}}
		}
		if _, ok := e.retired[d]; ok {
			return []classPart{{pkt: pkt, class: toRetired}}
		}
		return []classPart{{pkt: pkt, class: toInternetHost}}
	}
	var out []classPart
	rest := pkt
	take := func(set addrs, c destinationClass, pl *model.PrefixList) {
		in, other := rest.splitDst(set)
		if !in.empty() {
			out = append(out, classPart{pkt: in, class: c, pl: pl})
		}
		rest = other
	}
	take(e.ownedPublicSet, toOwnedPublic, nil)
	take(e.privateSet, toPrivate, nil)
	for _, pl := range e.servicePrefixLists {
		take(e.prefixListSets[pl.ID], toService, pl)
	}
	take(e.retiredSet, toRetired, nil)
	if !rest.empty() {
		out = append(out, classPart{pkt: rest, class: toInternetHost})
	}
	return out
}

// overInternet carries packets across the internet: to a public address
// the snapshot owns (in through that VPC's gateway), to an AWS service, or
// to a host on the internet.
func (w *walker) overInternet(pkt packet) *arrival {
	return branch(w, w.e.internetDestinations(pkt), func(w *walker, p classPart) *arrival {
		pkt := p.pkt
		switch p.class {
		case toOwnedPublic:
			return w.fromInternet(pkt)
		case toPrivate:
			return w.privateFromInternet(pkt)
		case toService:
			return w.atService(p.pl, pkt, "")
		case toRetired:
			d := pkt.dstAddr()
			return w.deny(Hop{Layer: LayerAddress, Resource: d.String(), Code: CodeNoPossibleDestination}, pkt,
				fmt.Sprintf("%s was the address of %s: nothing answers there", pkt.dst(), w.e.retired[d]))
		}
		if !w.quietPass() {
			w.record(Hop{Layer: LayerInternet, Resource: "internet", Verdict: Arrive,
				Detail: fmt.Sprintf("%s is a host on the internet", pkt.dst())}, pkt)
		}
		return &arrival{kind: arrivedInternet, pkt: pkt}
	})
}

// publicOwners returns the interfaces whose public IPv4 address, or global
// IPv6 address, is addr.
func (e *Engine) publicOwners(addr netip.Addr) []*model.NetworkInterface {
	var out []*model.NetworkInterface
	for _, n := range e.ix.InterfacesByIP(addr) {
		if addr.Is6() && slices.Contains(n.IPv6Addresses, addr) {
			out = append(out, n)
			continue
		}
		for _, ip := range n.PrivateIPs {
			if ip.PublicIP == addr {
				out = append(out, n)
				break
			}
		}
	}
	return out
}

// servicePrefixList returns the AWS-managed prefix list that holds addr.
func (e *Engine) servicePrefixList(addr netip.Addr) *model.PrefixList {
	for _, pl := range e.servicePrefixLists {
		if pl.Contains(addr) {
			return pl
		}
	}
	return nil
}

// fromInternet brings packets from the internet into the VPC that owns
// their destination: through the VPC's internet gateway (which maps a
// public IPv4 address back to the private one), then the gateway's edge
// route table if it has one, then the destination subnet.
func (w *walker) fromInternet(pkt packet) *arrival {
	if !w.step(pkt) {
		return nil
	}
	return branch(w, w.e.byDestination(pkt), func(w *walker, pkt packet) *arrival {
		d := pkt.dstAddr()
		owners := w.e.publicOwners(d)
		if len(owners) == 0 {
			if isPrivate(d) {
				return w.privateFromInternet(pkt)
			}
			return w.overInternet(pkt)
		}
		n := owners[0]
		vpcID := n.VPCID
		if d.Is6() && w.flow.eigw[vpcID] && w.dir == DirReturn {
			g := w.e.eigwOf[vpcID]
			w.record(Hop{Layer: LayerEgressOnlyIGW, Resource: g.ID, Stage: StageIngress, Verdict: Forward,
				Detail: "reply to a flow that left through this egress-only gateway"}, pkt)
			return w.crossTo(nil, n, pkt)
		}
		igw := w.e.igwOf[vpcID]
		if igw == nil {
			h := Hop{Layer: LayerInternetGateway, Resource: vpcID, Stage: StageIngress, Code: CodeNoPath}
			if g := w.e.eigwOf[vpcID]; g != nil && d.Is6() {
				h = Hop{Layer: LayerEgressOnlyIGW, Resource: g.ID, Stage: StageIngress}
				return w.deny(h, pkt, fmt.Sprintf("egress-only internet gateway %s lets no connection in from the internet", g.ID))
			}
			return w.deny(h, pkt, fmt.Sprintf("%s has no internet gateway attached, so %s (%s) cannot be reached from the internet", vpcID, d, n.ID))
		}
		h := Hop{Layer: LayerInternetGateway, Resource: igw.ID, Stage: StageIngress, Verdict: Forward}
		if d.Is4() {
			priv, _ := n.PrivateIPFor(d)
			pkt = pkt.withDst(priv)
			if !w.quiet {
				h.Detail = fmt.Sprintf("translates destination %s to %s (%s)", d, priv, n.ID)
			}
		}
		w.record(h, pkt)
		if rt := w.e.ix.GatewayRouteTable(igw.ID); rt != nil {
			return w.edgeRoute(rt, vpcID, pkt)
		}
		return w.crossTo(nil, n, pkt)
	})
}

// byDestination splits packets into parts with one destination address
// each (the gateways that translate map one address at a time).
func (e *Engine) byDestination(pkt packet) []packet {
	if _, ok := pkt.singleDst(); ok {
		return []packet{pkt}
	}
	var out []packet
	pkt.dst().each(1<<16, func(a netip.Addr) bool {
		in, _ := pkt.splitDstPrefixes([]netip.Prefix{netip.PrefixFrom(a, a.BitLen())})
		if !in.empty() {
			out = append(out, in)
		}
		return true
	})
	return out
}

// privateFromInternet refuses packets from the internet to a private
// address, naming the internet gateway of the VPC that holds it (the
// component that would need a public address to map).
func (w *walker) privateFromInternet(pkt packet) *arrival {
	d := pkt.dstAddr()
	h := Hop{Layer: LayerAddress, Resource: pkt.dst().String(), Code: CodeIGWPrivateIPForIngress}
	who := pkt.dst().String()
	if _, one := pkt.singleDst(); one {
		if owners := w.e.ix.InterfacesByIP(d); len(owners) == 1 {
			n := owners[0]
			who = fmt.Sprintf("%s (%s)", d, describeInterface(w.e, n))
			h.Layer, h.Resource = LayerInternetGateway, n.VPCID
			if igw := w.e.igwOf[n.VPCID]; igw != nil {
				h.Resource = igw.ID
			}
		}
	}
	return w.deny(h, pkt, fmt.Sprintf("%s has no public address: no internet gateway maps one to it, so the internet cannot reach it", who))
}

// edgeRoute routes traffic entering from a gateway by the route table
// edge-associated with it (ingress routing), e.g. to a firewall appliance.
func (w *walker) edgeRoute(rt *model.RouteTable, vpcID string, pkt packet) *arrival {
	return branch(w, w.e.routeParts(rt, pkt), func(w *walker, p routePart) *arrival {
		h := Hop{Layer: LayerRouteTable, Resource: rt.ID, Stage: StageIngressLookup, Detail: "gateway route table (edge association)"}
		if p.route == nil {
			h.Code = CodeNoRouteToDestination
			return w.deny(h, p.pkt, fmt.Sprintf("gateway route table %s has no route to %s", rt.ID, p.pkt.dst()))
		}
		r := p.route
		h.Rule, h.Ref = routeText(r), &RuleRef{Kind: RefRoute, Index: p.index}
		if r.IsBlackhole() {
			h.Code = CodeBadStateRoute
			return w.deny(h, p.pkt, fmt.Sprintf("route %s in gateway route table %s is a blackhole", r.DestinationString(), rt.ID))
		}
		if t := r.Target(); t.Kind != model.TargetLocal {
			h.Detail += ": redirects inbound traffic to " + t.ID
		}
		h.Verdict = Forward
		w.record(h, p.pkt)
		return w.dispatch(vpcID, nil, r.Target(), p.pkt)
	})
}

// toEgressOnlyGateway sends IPv6 traffic out through an egress-only
// internet gateway.
func (w *walker) toEgressOnlyGateway(vpcID string, from *model.Subnet, id string, pkt packet) *arrival {
	h := Hop{Layer: LayerEgressOnlyIGW, Resource: id, Stage: StageEgress}
	g, ok := model.Get[*model.EgressOnlyInternetGateway](w.e.ix, id)
	if !ok {
		return w.unknown(h, pkt, fmt.Sprintf("egress-only internet gateway %s is not in the snapshot", id))
	}
	if !g.AttachedTo(vpcID) {
		h.Code = CodeBadState
		return w.deny(h, pkt, fmt.Sprintf("egress-only internet gateway %s is not attached to %s", id, vpcID))
	}
	if pkt.is4() {
		h.Code = CodeProtocolRestriction
		return w.deny(h, pkt, "an egress-only internet gateway carries IPv6 only")
	}
	if from != nil && !w.nacl(from, true, &pkt) {
		return nil
	}
	h.Verdict = Forward
	w.record(h, pkt)
	w.flow.leftByEIGW(vpcID)
	return w.overInternet(pkt)
}

// toNATGateway sends packets to a NAT gateway, which rewrites their source
// to the gateway's own address and a port in 1024-65535, then routes them
// by the gateway subnet's route table.
func (w *walker) toNATGateway(from *model.Subnet, id string, pkt packet) *arrival {
	h := Hop{Layer: LayerNATGateway, Resource: id, Stage: StageTranslate}
	nat, ok := model.Get[*model.NATGateway](w.e.ix, id)
	if !ok {
		return w.unknown(h, pkt, fmt.Sprintf("NAT gateway %s is not in the snapshot", id))
	}
	if nat.State != "" && nat.State != "available" {
		h.Code = CodeBadState
		return w.deny(h, pkt, fmt.Sprintf("NAT gateway %s is %s, not available", id, nat.State))
	}
	if w.dir == DirReturn {
		h.Code = CodeNoPath
		return w.deny(h, pkt, fmt.Sprintf("the reply is routed to NAT gateway %s, which never saw the request: a NAT gateway only carries replies to flows it started itself, so the connection fails (asymmetric routing)", id))
	}
	natSubnet := w.e.ix.Subnet(nat.SubnetID)
	if natSubnet == nil || len(nat.Addresses) == 0 || !nat.Addresses[0].PrivateIP.IsValid() {
		return w.unknown(h, pkt, fmt.Sprintf("NAT gateway %s has no subnet or address in the snapshot", id))
	}
	if from == nil || from.ID != natSubnet.ID {
		if from != nil && !w.nacl(from, true, &pkt) {
			return nil
		}
		if !w.nacl(natSubnet, false, &pkt) {
			return nil
		}
	}
	natIP := nat.Addresses[0].PrivateIP
	w.flow.nats = append(w.flow.nats, natRecord{nat: nat, natIP: natIP, before: pkt})
	h.Detail = fmt.Sprintf("translates source %s to %s", pkt.src(), natIP)
	pkt = pkt.withSrc(natIP)
	if pkt.proto.HasPorts() {
		pkt = pkt.withSrcPorts(portsOf(model.EphemeralPorts))
	}
	h.Verdict = Forward
	w.record(h, pkt)
	return w.route(natSubnet, pkt)
}

// translateBack maps the reply to a flow a NAT gateway translated back to
// the original source: the reply's packets from the remote addresses and
// service ports the request went to, addressed to the request's own
// source addresses and ports.
func (rec natRecord) translateBack(reply packet) (back, unsolicited packet) {
	var spans, rest []span
	for _, r := range reply.spans {
		matchedSrc := addrs{}
		for _, b := range rec.before.spans {
			src, _ := r.src.split(b.dst)
			if src.empty() {
				continue
			}
			s := span{src: src, dst: b.src, dstPorts: b.srcPorts}
			if reply.proto.HasPorts() {
				s.srcPorts = r.srcPorts.intersect(b.dstPorts)
			}
			spans = append(spans, s)
			matchedSrc = matchedSrc.union(src)
		}
		if _, other := r.src.split(matchedSrc); !other.empty() {
			o := r
			o.src = other
			rest = append(rest, o)
		}
	}
	return reply.with(spans), reply.with(rest)
}

// atNATGateway handles packets addressed to a NAT gateway: the reply to a
// flow it translated goes back to the original source; anything else is
// an unsolicited connection, which a NAT gateway drops.
func (w *walker) atNATGateway(nat *model.NATGateway, n *model.NetworkInterface, pkt packet) *arrival {
	h := Hop{Layer: LayerNATGateway, Resource: nat.ID, Stage: StageTranslateBack}
	refusal := func(p packet) string {
		addr := p.dst().String()
		for _, a := range nat.Addresses {
			if p.dst().contains(a.PrivateIP) && a.PublicIP.IsValid() {
				addr = fmt.Sprintf("%s, mapped from its public address %s", p.dst(), a.PublicIP)
			}
		}
		return fmt.Sprintf("NAT gateway %s accepts no connection started from outside (%s is its address)", nat.ID, addr)
	}
	if w.dir == DirReturn {
		for _, rec := range w.flow.nats {
			if rec.nat != nat || !pkt.dst().contains(rec.natIP) {
				continue
			}
			back, unsolicited := rec.translateBack(pkt)
			if back.empty() {
				continue
			}
			if !unsolicited.empty() {
				hr := h
				hr.Code = CodeNoPath
				w.refuse(hr, unsolicited, func() string { return refusal(unsolicited) }, false)
			}
			h.Detail = fmt.Sprintf("translates destination %s back to %s", pkt.dst(), back.dst())
			h.Verdict = Forward
			w.record(h, back)
			sn := w.e.ix.Subnet(nat.SubnetID)
			if sn == nil {
				return w.unknown(h, back, "subnet of NAT gateway "+nat.ID+" is not in the snapshot")
			}
			return w.route(sn, back)
		}
	}
	h.Code = CodeNoPath
	return w.deny(h, pkt, refusal(pkt))
}

// toPeering sends packets across a VPC peering connection. Peering is not
// transitive and carries no edge-to-edge traffic: the source must be in
// the local VPC and the destination in the peer VPC.
func (w *walker) toPeering(vpcID string, from *model.Subnet, id string, pkt packet) *arrival {
	h := Hop{Layer: LayerVPCPeering, Resource: id}
	p, ok := model.Get[*model.VPCPeering](w.e.ix, id)
	if !ok {
		return w.unknown(h, pkt, fmt.Sprintf("VPC peering connection %s is not in the snapshot", id))
	}
	if !p.IsActive() {
		h.Code = CodeBadState
		return w.deny(h, pkt, fmt.Sprintf("VPC peering connection %s is %s, not active", id, p.Status))
	}
	other, ok := p.Other(vpcID)
	if !ok {
		h.Code = CodeCannotRoute
		return w.deny(h, pkt, fmt.Sprintf("VPC peering connection %s does not connect %s", id, vpcID))
	}
	hc := h
	hc.Code = CodePCXRequiresAddressInVPCCIDR
	if local := w.e.ix.VPC(vpcID); local != nil {
		in, out := pkt.splitSrcPrefixes(slices.Concat(local.CIDRs, local.IPv6CIDRs))
		if !w.narrow(&pkt, in, out, hc, func(p packet) string {
			return fmt.Sprintf("VPC peering connection %s carries only traffic that starts in %s, not from %s (no transitive or edge-to-edge routing)", id, vpcID, p.src())
		}) {
			return nil
		}
	}
	peer := w.e.ix.VPC(other.VPCID)
	cidrs := slices.Concat(other.CIDRs, other.IPv6CIDRs)
	if peer != nil {
		cidrs = slices.Concat(peer.CIDRs, peer.IPv6CIDRs)
	}
	in, out := pkt.splitDstPrefixes(cidrs)
	if !w.narrow(&pkt, in, out, hc, func(p packet) string {
		return fmt.Sprintf("VPC peering connection %s reaches only addresses in %s, not %s (peering is not transitive and cannot use the peer's gateways)", id, other.VPCID, p.dst())
	}) {
		return nil
	}
	if from != nil && !w.nacl(from, true, &pkt) {
		return nil
	}
	if peer == nil {
		return w.unknown(h, pkt, fmt.Sprintf("peer VPC %s (account %s) is not in the snapshot", other.VPCID, other.OwnerID))
	}
	h.Verdict = Forward
	h.Detail = "to " + other.VPCID
	w.record(h, pkt)
	w.flow.via = crossing{pcx: p}
	return w.deliverInVPC(peer.ID, nil, pkt)
}

// toGatewayEndpoint sends packets through a gateway VPC endpoint to its
// AWS service. Only traffic from the VPC itself may use it.
func (w *walker) toGatewayEndpoint(vpcID string, from *model.Subnet, id string, pkt packet) *arrival {
	h := Hop{Layer: LayerVPCEndpoint, Resource: id}
	ep, ok := model.Get[*model.VPCEndpoint](w.e.ix, id)
	if !ok {
		return w.unknown(h, pkt, fmt.Sprintf("VPC endpoint %s is not in the snapshot", id))
	}
	if ep.State != "" && !strings.EqualFold(ep.State, "available") {
		h.Code = CodeBadState
		return w.deny(h, pkt, fmt.Sprintf("VPC endpoint %s is %s, not available", id, ep.State))
	}
	if ep.Type == "GatewayLoadBalancer" {
		return w.toGWLBEndpoint(from, ep, pkt)
	}
	if !pkt.proto.Matches(model.ProtocolTCP) && !(pkt.proto.IsICMP() && icmpName(pkt.icmp) == "echo-request") {
		h.Code = CodeVPCEGatewayProtocolRestriction
		return w.deny(h, pkt, fmt.Sprintf("gateway endpoint %s carries only TCP and ICMP echo, not %s", id, serviceOf(pkt)))
	}
	if vpc := w.e.ix.VPC(vpcID); vpc != nil {
		in, out := pkt.splitSrcPrefixes(slices.Concat(vpc.CIDRs, vpc.IPv6CIDRs))
		hc := h
		hc.Code = CodeVPCEGatewayEgressSourceRestrict
		if !w.narrow(&pkt, in, out, hc, func(p packet) string {
			return fmt.Sprintf("gateway endpoint %s serves only traffic that starts in %s, not from %s", id, vpcID, p.src())
		}) {
			return nil
		}
	}
	if from != nil && !w.nacl(from, true, &pkt) {
		return nil
	}
	h.Verdict = Forward
	h.Detail = "gateway endpoint to " + ep.ServiceName
	w.record(h, pkt)
	return branch(w, w.e.internetDestinations(pkt), func(w *walker, p classPart) *arrival {
		if p.class != toService {
			return w.unknown(Hop{Layer: LayerVPCEndpoint, Resource: id}, p.pkt,
				fmt.Sprintf("the service prefix list behind %s is not in the snapshot", id))
		}
		return w.atService(p.pl, p.pkt, vpcID)
	})
}

// servicePorts are the ports the AWS storage services behind gateway
// endpoints answer on: HTTP and HTTPS (measured in the aws_vpc_endpoints
// lab; the S3 and DynamoDB endpoints are HTTP(S) APIs).
var servicePorts = portSet{{From: 80, To: 80}, {From: 443, To: 443}}

// atService delivers packets to an AWS service behind a managed prefix
// list. AWS storage services answer HTTP and HTTPS (and ICMP) only.
func (w *walker) atService(pl *model.PrefixList, pkt packet, viaVPC string) *arrival {
	h := Hop{Layer: LayerAddress, Resource: pl.ID, Detail: pl.Name}
	if pkt.proto.HasPorts() {
		hc := h
		hc.Code = CodeTargetPortRestriction
		reason := func(packet) string { return fmt.Sprintf("%s (%s) answers only tcp/80 and tcp/443", pl.Name, pl.ID) }
		if pkt.proto != model.ProtocolTCP {
			return w.deny(hc, pkt, reason(pkt))
		}
		in, out := pkt.filter(func(s span) (span, span) {
			a, b := s, s
			a.dstPorts, b.dstPorts = s.dstPorts.intersect(servicePorts), s.dstPorts.minus(servicePorts)
			return a, b
		})
		if !w.narrow(&pkt, in, out, hc, reason) {
			return nil
		}
	}
	h.Verdict = Arrive
	w.record(h, pkt)
	return &arrival{kind: arrivedService, pkt: pkt, viaEndpointVPC: viaVPC}
}

// interfaceEndpointAccepts applies the PrivateLink layer behind an
// interface endpoint's network interface to the packets addressed to it:
// PrivateLink carries TCP only; an AWS service answers on its documented
// ports (endpointService); an AWS service vpcscope has no ports for is
// assumed to answer HTTPS, and other ports are unknown; another
// provider's endpoint service answers whatever its Network Load
// Balancer listens on, which the snapshot does not hold, so every port
// passes with a caveat and the endpoint's own security group decides.
func (w *walker) interfaceEndpointAccepts(ep *model.VPCEndpoint, pkt *packet) bool {
	h := Hop{Layer: LayerVPCEndpoint, Resource: ep.ID, Detail: ep.ServiceName}
	if pkt.proto != model.ProtocolTCP {
		h.Code = CodeProtocolRestriction
		w.deny(h, *pkt, fmt.Sprintf("interface endpoint %s (%s) carries TCP only", ep.ID, ep.ServiceName))
		return false
	}
	kind, ports, name := endpointService(ep.ServiceName)
	if kind == serviceProvider {
		w.flow.caveat("interface endpoint %s leads to endpoint service %s of another provider: the answer covers the endpoint's own security group and subnet; the provider's Network Load Balancer (its listeners, security groups and targets) is not in the snapshot",
			ep.ID, ep.ServiceName)
		return true
	}
	in, out := pkt.filter(func(s span) (span, span) {
		a, b := s, s
		a.dstPorts, b.dstPorts = s.dstPorts.intersect(ports), s.dstPorts.minus(ports)
		return a, b
	})
	if kind == serviceAWSOther {
		// Ports other than HTTPS: what the service answers there is unknown.
		h.Code = CodeUnknownDestination
		reason := fmt.Sprintf("interface endpoint %s (%s): vpcscope's table of AWS service ports does not list %s, so whether it answers tcp/%s is unknown (AWS service APIs answer HTTPS on tcp/443)",
			ep.ID, ep.ServiceName, name, out.dstPorts())
		if in.empty() {
			w.unknown(h, out, reason)
			return false
		}
		w.refuse(h, out, func() string { return reason }, true)
		*pkt = in
		w.flow.caveat("%s is not in vpcscope's table of AWS service ports: it is assumed to answer HTTPS on tcp/443, as AWS service APIs do", ep.ServiceName)
		return true
	}
	h.Code = CodeTargetPortRestriction
	return w.narrow(pkt, in, out, h, func(packet) string {
		return fmt.Sprintf("interface endpoint %s (%s) answers only tcp/%s", ep.ID, ep.ServiceName, ports)
	})
}
