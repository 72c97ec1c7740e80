package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// toInternetGateway sends a packet out through an internet gateway, which
// maps a private IPv4 source to its public IPv4 address (1:1 NAT).
func (w *walker) toInternetGateway(vpcID string, from *model.Subnet, igwID string, pkt packet) *arrival {
	h := Hop{Layer: LayerInternetGateway, Resource: igwID, Stage: "egress"}
	igw, ok := model.Get[*model.InternetGateway](w.e.ix, igwID)
	if !ok {
		return w.unknown(h, pkt, fmt.Sprintf("internet gateway %s is not in the snapshot", igwID))
	}
	if !igw.AttachedTo(vpcID) {
		h.Code = "BAD_STATE"
		return w.deny(h, pkt, fmt.Sprintf("internet gateway %s is not attached to %s", igwID, vpcID))
	}
	if from != nil && !w.nacl(from, true, &pkt) {
		return nil
	}
	if sharedAddressSpace.Contains(pkt.dst) {
		h.Code = "IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS"
		return w.deny(h, pkt, fmt.Sprintf("internet gateway %s does not route %s: it is in the shared address space 100.64.0.0/10 (RFC 6598)", igwID, pkt.dst))
	}
	if isPrivate(pkt.dst) {
		h.Code = "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS"
		return w.deny(h, pkt, fmt.Sprintf("internet gateway %s does not route %s: it is a private address", igwID, pkt.dst))
	}
	if pkt.src.Is4() {
		owner := w.e.interfaceInVPC(vpcID, pkt.src)
		var pub netip.Addr
		if owner != nil {
			pub, ok = owner.PublicIPFor(pkt.src)
		}
		if owner == nil || !ok {
			h.Code = "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"
			who := pkt.src.String()
			if owner != nil {
				who += " (" + owner.ID + ")"
			}
			return w.deny(h, pkt, fmt.Sprintf("%s has no public IPv4 address, so internet gateway %s cannot carry its traffic to the internet", who, igwID))
		}
		h.Detail = fmt.Sprintf("translates source %s to its public address %s", pkt.src, pub)
		pkt.src = pub
	} else if vpc := w.e.ix.VPC(vpcID); vpc != nil && !vpc.Contains(pkt.src) {
		h.Code = "GATEWAY_REJECTS_SPOOFED_TRAFFIC"
		return w.deny(h, pkt, fmt.Sprintf("internet gateway %s drops traffic from %s: it is not an address of %s", igwID, pkt.src, vpcID))
	}
	h.Verdict = Forward
	w.record(h, pkt)
	return w.overInternet(pkt)
}

// overInternet carries a packet across the internet: to a public address
// the snapshot owns (in through that VPC's gateway), to an AWS service, or
// to a host on the internet.
func (w *walker) overInternet(pkt packet) *arrival {
	if len(w.e.publicOwners(pkt.dst)) > 0 {
		return w.fromInternet(pkt)
	}
	if isPrivate(pkt.dst) {
		return w.privateFromInternet(pkt)
	}
	if pl := w.e.servicePrefixList(pkt.dst); pl != nil {
		return w.atService(pl, pkt, "")
	}
	if was, ok := w.e.retired[pkt.dst]; ok {
		return w.deny(Hop{Layer: LayerAddress, Resource: pkt.dst.String(), Code: "NO_POSSIBLE_DESTINATION"}, pkt,
			fmt.Sprintf("%s was the address of %s: nothing answers there", pkt.dst, was))
	}
	w.record(Hop{Layer: LayerInternet, Resource: "internet", Verdict: Arrive,
		Detail: fmt.Sprintf("%s is a host on the internet", pkt.dst)}, pkt)
	return &arrival{kind: arrivedInternet, pkt: pkt}
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

// fromInternet brings a packet from the internet into the VPC that owns
// its destination: through the VPC's internet gateway (which maps a public
// IPv4 address back to the private one), then the gateway's edge route
// table if it has one, then the destination subnet.
func (w *walker) fromInternet(pkt packet) *arrival {
	if !w.step() {
		return nil
	}
	owners := w.e.publicOwners(pkt.dst)
	if len(owners) == 0 {
		if isPrivate(pkt.dst) {
			return w.privateFromInternet(pkt)
		}
		return w.overInternet(pkt)
	}
	n := owners[0]
	vpcID := n.VPCID
	if pkt.dst.Is6() && w.flow.eigw[vpcID] && w.dir == DirReturn {
		g := w.e.eigwOf[vpcID]
		w.record(Hop{Layer: LayerEgressOnlyIGW, Resource: g.ID, Stage: "ingress", Verdict: Forward,
			Detail: "reply to a flow that left through this egress-only gateway"}, pkt)
		return w.crossTo(nil, n, pkt)
	}
	igw := w.e.igwOf[vpcID]
	if igw == nil {
		h := Hop{Layer: LayerInternetGateway, Resource: vpcID, Stage: "ingress", Code: "NO_PATH"}
		if g := w.e.eigwOf[vpcID]; g != nil && pkt.dst.Is6() {
			h = Hop{Layer: LayerEgressOnlyIGW, Resource: g.ID, Stage: "ingress"}
			return w.deny(h, pkt, fmt.Sprintf("egress-only internet gateway %s lets no connection in from the internet", g.ID))
		}
		return w.deny(h, pkt, fmt.Sprintf("%s has no internet gateway attached, so %s (%s) cannot be reached from the internet", vpcID, pkt.dst, n.ID))
	}
	h := Hop{Layer: LayerInternetGateway, Resource: igw.ID, Stage: "ingress", Verdict: Forward}
	if pkt.dst.Is4() {
		priv, _ := n.PrivateIPFor(pkt.dst)
		h.Detail = fmt.Sprintf("translates destination %s to %s (%s)", pkt.dst, priv, n.ID)
		pkt.dst = priv
	}
	w.record(h, pkt)
	if rt := w.e.ix.GatewayRouteTable(igw.ID); rt != nil {
		return w.edgeRoute(rt, vpcID, pkt)
	}
	return w.crossTo(nil, n, pkt)
}

// privateFromInternet refuses a packet from the internet to a private
// address, naming the internet gateway of the VPC that holds it (the
// component that would need a public address to map).
func (w *walker) privateFromInternet(pkt packet) *arrival {
	h := Hop{Layer: LayerAddress, Resource: pkt.dst.String(), Code: "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"}
	who := pkt.dst.String()
	if owners := w.e.ix.InterfacesByIP(pkt.dst); len(owners) == 1 {
		n := owners[0]
		who = fmt.Sprintf("%s (%s)", pkt.dst, describeInterface(w.e, n))
		h.Layer, h.Resource = LayerInternetGateway, n.VPCID
		if igw := w.e.igwOf[n.VPCID]; igw != nil {
			h.Resource = igw.ID
		}
	}
	return w.deny(h, pkt, fmt.Sprintf("%s has no public address: no internet gateway maps one to it, so the internet cannot reach it", who))
}

// edgeRoute routes traffic entering from a gateway by the route table
// edge-associated with it (ingress routing), e.g. to a firewall appliance.
func (w *walker) edgeRoute(rt *model.RouteTable, vpcID string, pkt packet) *arrival {
	h := Hop{Layer: LayerRouteTable, Resource: rt.ID, Stage: "ingress lookup", Detail: "gateway route table (edge association)"}
	r, idx, ok := w.e.lookupRoute(rt, pkt.dst)
	if !ok {
		h.Code = "NO_ROUTE_TO_DESTINATION"
		return w.deny(h, pkt, fmt.Sprintf("gateway route table %s has no route to %s", rt.ID, pkt.dst))
	}
	h.Rule, h.Ref = routeText(r), &RuleRef{Kind: "route", Index: idx}
	if r.IsBlackhole() {
		h.Code = "BAD_STATE_ROUTE"
		return w.deny(h, pkt, fmt.Sprintf("route %s in gateway route table %s is a blackhole", r.DestinationString(), rt.ID))
	}
	if t := r.Target(); t.Kind != model.TargetLocal {
		h.Detail += ": redirects inbound traffic to " + t.ID
	}
	h.Verdict = Forward
	w.record(h, pkt)
	return w.dispatch(vpcID, nil, r.Target(), pkt)
}

// toEgressOnlyGateway sends IPv6 traffic out through an egress-only
// internet gateway.
func (w *walker) toEgressOnlyGateway(vpcID string, from *model.Subnet, id string, pkt packet) *arrival {
	h := Hop{Layer: LayerEgressOnlyIGW, Resource: id, Stage: "egress"}
	g, ok := model.Get[*model.EgressOnlyInternetGateway](w.e.ix, id)
	if !ok {
		return w.unknown(h, pkt, fmt.Sprintf("egress-only internet gateway %s is not in the snapshot", id))
	}
	if !g.AttachedTo(vpcID) {
		h.Code = "BAD_STATE"
		return w.deny(h, pkt, fmt.Sprintf("egress-only internet gateway %s is not attached to %s", id, vpcID))
	}
	if !pkt.dst.Is6() {
		h.Code = "PROTOCOL_RESTRICTION"
		return w.deny(h, pkt, "an egress-only internet gateway carries IPv6 only")
	}
	if from != nil && !w.nacl(from, true, &pkt) {
		return nil
	}
	h.Verdict = Forward
	w.record(h, pkt)
	w.flow.eigw[vpcID] = true
	return w.overInternet(pkt)
}

// toNATGateway sends a packet to a NAT gateway, which rewrites its source
// to the gateway's own address and a port in 1024-65535, then routes it by
// the gateway subnet's route table.
func (w *walker) toNATGateway(from *model.Subnet, id string, pkt packet) *arrival {
	h := Hop{Layer: LayerNATGateway, Resource: id, Stage: "translate"}
	nat, ok := model.Get[*model.NATGateway](w.e.ix, id)
	if !ok {
		return w.unknown(h, pkt, fmt.Sprintf("NAT gateway %s is not in the snapshot", id))
	}
	if nat.State != "" && nat.State != "available" {
		h.Code = "BAD_STATE"
		return w.deny(h, pkt, fmt.Sprintf("NAT gateway %s is %s, not available", id, nat.State))
	}
	if w.dir == DirReturn {
		h.Code = "NO_PATH"
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
	w.flow.nats = append(w.flow.nats, natRecord{nat: nat, natIP: natIP, remote: pkt.dst, origSrc: pkt.src, origPorts: pkt.srcPorts})
	h.Detail = fmt.Sprintf("translates source %s to %s", pkt.src, natIP)
	pkt.src = natIP
	if pkt.proto.HasPorts() {
		pkt.srcPorts = portsOf(model.EphemeralPorts)
	}
	h.Verdict = Forward
	w.record(h, pkt)
	return w.route(natSubnet, pkt)
}

// atNATGateway handles a packet addressed to a NAT gateway: the reply to a
// flow it translated goes back to the original source; anything else is
// an unsolicited connection, which a NAT gateway drops.
func (w *walker) atNATGateway(nat *model.NATGateway, n *model.NetworkInterface, pkt packet) *arrival {
	h := Hop{Layer: LayerNATGateway, Resource: nat.ID, Stage: "translate back"}
	for _, rec := range w.flow.nats {
		if w.dir == DirReturn && rec.nat == nat && rec.natIP == pkt.dst && rec.remote == pkt.src {
			h.Detail = fmt.Sprintf("translates destination %s back to %s", pkt.dst, rec.origSrc)
			pkt.dst = rec.origSrc
			if pkt.proto.HasPorts() {
				pkt.dstPorts = rec.origPorts
			}
			h.Verdict = Forward
			w.record(h, pkt)
			sn := w.e.ix.Subnet(nat.SubnetID)
			if sn == nil {
				return w.unknown(h, pkt, "subnet of NAT gateway "+nat.ID+" is not in the snapshot")
			}
			return w.route(sn, pkt)
		}
	}
	h.Code = "NO_PATH"
	addr := pkt.dst.String()
	for _, a := range nat.Addresses {
		if a.PrivateIP == pkt.dst && a.PublicIP.IsValid() {
			addr = fmt.Sprintf("%s, mapped from its public address %s", pkt.dst, a.PublicIP)
		}
	}
	return w.deny(h, pkt, fmt.Sprintf("NAT gateway %s accepts no connection started from outside (%s is its address)", nat.ID, addr))
}

// toPeering sends a packet across a VPC peering connection. Peering is not
// transitive and carries no edge-to-edge traffic: the source must be in
// the local VPC and the destination in the peer VPC.
func (w *walker) toPeering(vpcID string, from *model.Subnet, id string, pkt packet) *arrival {
	h := Hop{Layer: LayerVPCPeering, Resource: id}
	p, ok := model.Get[*model.VPCPeering](w.e.ix, id)
	if !ok {
		return w.unknown(h, pkt, fmt.Sprintf("VPC peering connection %s is not in the snapshot", id))
	}
	if !p.IsActive() {
		h.Code = "BAD_STATE"
		return w.deny(h, pkt, fmt.Sprintf("VPC peering connection %s is %s, not active", id, p.Status))
	}
	other, ok := p.Other(vpcID)
	if !ok {
		h.Code = "CANNOT_ROUTE"
		return w.deny(h, pkt, fmt.Sprintf("VPC peering connection %s does not connect %s", id, vpcID))
	}
	if local := w.e.ix.VPC(vpcID); local != nil && !local.Contains(pkt.src) {
		h.Code = "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"
		return w.deny(h, pkt, fmt.Sprintf("VPC peering connection %s carries only traffic that starts in %s, not from %s (no transitive or edge-to-edge routing)", id, vpcID, pkt.src))
	}
	peer := w.e.ix.VPC(other.VPCID)
	cidrs := slices.Concat(other.CIDRs, other.IPv6CIDRs)
	if peer != nil {
		cidrs = slices.Concat(peer.CIDRs, peer.IPv6CIDRs)
	}
	if !slices.ContainsFunc(cidrs, func(c netip.Prefix) bool { return c.Contains(pkt.dst) }) {
		h.Code = "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"
		return w.deny(h, pkt, fmt.Sprintf("VPC peering connection %s reaches only addresses in %s, not %s (peering is not transitive and cannot use the peer's gateways)", id, other.VPCID, pkt.dst))
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
	return w.deliverInVPC(peer.ID, nil, pkt)
}

// toGatewayEndpoint sends a packet through a gateway VPC endpoint to its
// AWS service. Only traffic from the VPC itself may use it.
func (w *walker) toGatewayEndpoint(vpcID string, from *model.Subnet, id string, pkt packet) *arrival {
	h := Hop{Layer: LayerVPCEndpoint, Resource: id}
	ep, ok := model.Get[*model.VPCEndpoint](w.e.ix, id)
	if !ok {
		return w.unknown(h, pkt, fmt.Sprintf("VPC endpoint %s is not in the snapshot", id))
	}
	if ep.State != "" && !strings.EqualFold(ep.State, "available") {
		h.Code = "BAD_STATE"
		return w.deny(h, pkt, fmt.Sprintf("VPC endpoint %s is %s, not available", id, ep.State))
	}
	if ep.Type == "GatewayLoadBalancer" {
		return w.unknown(h, pkt, fmt.Sprintf("the route sends the packet to Gateway Load Balancer endpoint %s for inspection by appliances behind %s; vpcscope does not model what those appliances do", id, ep.ServiceName))
	}
	if !pkt.proto.Matches(model.ProtocolTCP) && !(pkt.proto.IsICMP() && icmpName(pkt.icmp) == "echo-request") {
		h.Code = "VPCE_GATEWAY_PROTOCOL_RESTRICTION"
		return w.deny(h, pkt, fmt.Sprintf("gateway endpoint %s carries only TCP and ICMP echo, not %s", id, serviceOf(&pkt)))
	}
	if vpc := w.e.ix.VPC(vpcID); vpc != nil && !vpc.Contains(pkt.src) {
		h.Code = "VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION"
		return w.deny(h, pkt, fmt.Sprintf("gateway endpoint %s serves only traffic that starts in %s, not from %s", id, vpcID, pkt.src))
	}
	if from != nil && !w.nacl(from, true, &pkt) {
		return nil
	}
	h.Verdict = Forward
	h.Detail = "gateway endpoint to " + ep.ServiceName
	w.record(h, pkt)
	pl := w.e.servicePrefixList(pkt.dst)
	if pl == nil {
		return w.unknown(Hop{Layer: LayerVPCEndpoint, Resource: id}, pkt,
			fmt.Sprintf("the service prefix list behind %s is not in the snapshot", id))
	}
	return w.atService(pl, pkt, vpcID)
}

// atService delivers a packet to an AWS service behind a managed prefix
// list. AWS storage services answer HTTP and HTTPS (and ICMP) only.
func (w *walker) atService(pl *model.PrefixList, pkt packet, viaVPC string) *arrival {
	h := Hop{Layer: LayerAddress, Resource: pl.ID, Detail: pl.Name}
	if pkt.proto.HasPorts() {
		web, _ := pkt.dstPorts.split(model.PortRange{From: 80, To: 80})
		tls, _ := pkt.dstPorts.split(model.PortRange{From: 443, To: 443})
		if pkt.proto != model.ProtocolTCP || (web.empty() && tls.empty()) {
			h.Code = "TARGET_PORT_RESTRICTION"
			return w.deny(h, pkt, fmt.Sprintf("%s (%s) answers only tcp/80 and tcp/443", pl.Name, pl.ID))
		}
	}
	h.Verdict = Arrive
	w.record(h, pkt)
	return &arrival{kind: arrivedService, pkt: pkt, viaEndpointVPC: viaVPC}
}

// interfaceEndpointAccepts checks the protocol and port an interface
// endpoint's service listens on: PrivateLink carries TCP only, and AWS
// services listen on 443.
func (w *walker) interfaceEndpointAccepts(ep *model.VPCEndpoint, n *model.NetworkInterface, pkt packet) bool {
	h := Hop{Layer: LayerVPCEndpoint, Resource: ep.ID, Detail: ep.ServiceName}
	if pkt.proto != model.ProtocolTCP {
		h.Code = "PROTOCOL_RESTRICTION"
		w.deny(h, pkt, fmt.Sprintf("interface endpoint %s (%s) carries TCP only", ep.ID, ep.ServiceName))
		return false
	}
	if strings.HasPrefix(ep.ServiceName, "com.amazonaws.") {
		if in, _ := pkt.dstPorts.split(model.SinglePort(443)); in.empty() {
			h.Code = "TARGET_PORT_RESTRICTION"
			w.deny(h, pkt, fmt.Sprintf("interface endpoint %s (%s) listens on tcp/443 only", ep.ID, ep.ServiceName))
			return false
		}
	}
	return true
}
