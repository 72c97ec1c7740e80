package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// OnPremNetwork is a network beyond a VPN or Direct Connect link that
// queries may name: "datacenter" = 10.200.0.0/16. What lies beyond the
// link (the customer's routers and firewalls) is not in the snapshot, so
// every answer about it says so.
type OnPremNetwork struct {
	Name     string
	Prefixes []netip.Prefix
}

// ParseOnPrem parses NAME=CIDR[,CIDR…], as --onprem takes it.
func ParseOnPrem(spec string) (OnPremNetwork, error) {
	name, list, ok := strings.Cut(strings.TrimSpace(spec), "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.TrimSpace(list) == "" {
		return OnPremNetwork{}, inputErr("--onprem %q: want NAME=CIDR[,CIDR] (datacenter=10.200.0.0/16)", clipSpec(spec))
	}
	if strings.ContainsAny(name, ": \t") || strings.EqualFold(name, "internet") {
		return OnPremNetwork{}, inputErr("--onprem %q: the name must be one word without ':' and not \"internet\"", clipSpec(spec))
	}
	n := OnPremNetwork{Name: name}
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return OnPremNetwork{}, inputErr("--onprem %s: %q is not a CIDR block", name, clipSpec(s))
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		n.Prefixes = append(n.Prefixes, p.Masked())
	}
	return n, nil
}

func clipSpec(s string) string {
	if len(s) > 64 {
		return s[:61] + "..."
	}
	return s
}

// WithOnPrem returns an engine that answers about the snapshot with the
// on-premises networks named too (the receiver is unchanged). Names must
// be unique.
func (e *Engine) WithOnPrem(nets []OnPremNetwork) (*Engine, error) {
	seen := map[string]bool{}
	for _, n := range nets {
		k := strings.ToLower(n.Name)
		if seen[k] {
			return nil, inputErr("--onprem %s is named twice", n.Name)
		}
		seen[k] = true
	}
	c := *e
	c.onprem = slices.Clone(nets)
	return &c, nil
}

// OnPrem returns the on-premises networks the engine knows.
func (e *Engine) OnPrem() []OnPremNetwork { return slices.Clone(e.onprem) }

// onPremOf returns the declared network holding addr, or nil.
func (e *Engine) onPremOf(addr netip.Addr) *OnPremNetwork {
	for i := range e.onprem {
		for _, p := range e.onprem[i].Prefixes {
			if p.Contains(addr) {
				return &e.onprem[i]
			}
		}
	}
	return nil
}

// hybridLink is one way out of AWS toward the customer's networks: a VPN
// connection, or a Direct Connect gateway association.
type hybridLink struct {
	vpn *model.VPNConnection
	dx  *model.DXGatewayAssociation
}

// id names the link.
func (l hybridLink) id() string {
	if l.vpn != nil {
		return l.vpn.ID
	}
	return l.dx.DXGatewayID
}

// gateway is the AWS side of the link: a virtual private gateway or a
// transit gateway.
func (l hybridLink) gateway() string {
	if l.vpn != nil {
		return cmpOr(l.vpn.VPNGatewayID, l.vpn.TransitGatewayID)
	}
	return l.dx.AssociatedGatewayID
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// hybridIndex holds the links by their AWS side.
type hybridIndex struct {
	links map[string][]hybridLink // by virtual private or transit gateway
	vifs  map[string][]*model.DXVirtualInterface
}

// indexHybrid finds the VPN and Direct Connect links of the snapshot.
func (e *Engine) indexHybrid() {
	e.hybrid = hybridIndex{links: map[string][]hybridLink{}, vifs: map[string][]*model.DXVirtualInterface{}}
	for _, v := range e.snap.VPNConnections {
		if g := cmpOr(v.VPNGatewayID, v.TransitGatewayID); g != "" && v.State != "deleted" {
			e.hybrid.links[g] = append(e.hybrid.links[g], hybridLink{vpn: v})
		}
	}
	// Direct Connect first: a virtual private gateway prefers Direct
	// Connect routes to VPN ones for the same prefix (Site-to-Site VPN
	// guide, "Route priority").
	for _, a := range e.snap.DXGatewayAssociations {
		if a.AssociatedGatewayID != "" && a.IsAssociated() {
			e.hybrid.links[a.AssociatedGatewayID] = slices.Insert(e.hybrid.links[a.AssociatedGatewayID], 0, hybridLink{dx: a})
		}
	}
	for _, v := range e.snap.DXVirtualInterfaces {
		if v.DXGatewayID != "" {
			e.hybrid.vifs[v.DXGatewayID] = append(e.hybrid.vifs[v.DXGatewayID], v)
		}
	}
}

// linkUp reports whether a link carries traffic, or why not (with the
// code of the block).
func (e *Engine) linkUp(l hybridLink) (bool, string, Code) {
	if l.vpn != nil {
		v := l.vpn
		if !v.IsAvailable() {
			return false, fmt.Sprintf("VPN connection %s is %s", v.ID, v.State), CodeBadState
		}
		if len(v.Tunnels) > 0 && len(v.TunnelsUp()) == 0 {
			return false, fmt.Sprintf("both tunnels of VPN connection %s are DOWN (VgwTelemetry): %s", v.ID, tunnelText(v)), CodeVPNTunnelDown
		}
		return true, "", CodeNone
	}
	a := l.dx
	if g, ok := model.Get[*model.DXGateway](e.ix, a.DXGatewayID); ok && g.State != "" && g.State != "available" {
		return false, fmt.Sprintf("Direct Connect gateway %s is %s", g.ID, g.State), CodeBadState
	}
	vifs := e.hybrid.vifs[a.DXGatewayID]
	if len(vifs) == 0 {
		return true, "", CodeNone // not collected: the caveat covers it
	}
	var states []string
	for _, v := range vifs {
		if v.Up() {
			return true, "", CodeNone
		}
		states = append(states, v.ID+" "+v.State)
	}
	return false, fmt.Sprintf("no virtual interface of Direct Connect gateway %s is up (%s)", a.DXGatewayID, strings.Join(states, ", ")), CodeDXDown
}

// linkState renders a link's state in one line, for a block's rule.
func (e *Engine) linkState(l hybridLink) string {
	if l.vpn != nil {
		if !l.vpn.IsAvailable() {
			return "state " + l.vpn.State
		}
		return "tunnels " + tunnelText(l.vpn)
	}
	var parts []string
	for _, v := range e.hybrid.vifs[l.dx.DXGatewayID] {
		parts = append(parts, v.ID+" "+v.State)
	}
	return "virtual interfaces " + strings.Join(parts, ", ")
}

func tunnelText(v *model.VPNConnection) string {
	var parts []string
	for _, t := range v.Tunnels {
		s := t.OutsideIP.String() + " " + t.Status
		if t.StatusMessage != "" {
			s += " (" + t.StatusMessage + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// linkHop is the hop of a packet crossing a link.
func (e *Engine) linkHop(l hybridLink) Hop {
	if l.vpn != nil {
		h := Hop{Layer: LayerVPNConnection, Resource: l.vpn.ID, Stage: StageTunnel}
		if up := l.vpn.TunnelsUp(); len(up) > 0 {
			h.Detail = fmt.Sprintf("%d of %d tunnels UP", len(up), len(l.vpn.Tunnels))
		}
		return h
	}
	h := Hop{Layer: LayerDirectConnect, Resource: l.dx.DXGatewayID, Stage: StageTunnel,
		Detail: fmt.Sprintf("association %s with %s", l.dx.ID, l.dx.AssociatedGatewayID)}
	if g, ok := model.Get[*model.DXGateway](e.ix, l.dx.DXGatewayID); ok {
		h.Name = g.GatewayName
	}
	return h
}

// toVPNGateway sends packets a route points at a virtual private gateway
// out to the customer's networks.
func (w *walker) toVPNGateway(vpcID string, from *model.Subnet, vgwID string, pkt packet) *arrival {
	h := Hop{Layer: LayerVPNGateway, Resource: vgwID, Stage: StageForward}
	vgw, ok := model.Get[*model.VPNGateway](w.e.ix, vgwID)
	if !ok {
		return w.unknown(h, pkt, fmt.Sprintf("virtual private gateway %s is not in the snapshot", vgwID))
	}
	if !attachedTo(vgw.Attachments, vpcID) {
		h.Code = CodeBadState
		return w.deny(h, pkt, fmt.Sprintf("virtual private gateway %s is not attached to %s", vgwID, vpcID))
	}
	if from != nil && !w.nacl(from, true, &pkt) {
		return nil
	}
	h.Verdict = Forward
	w.record(h, pkt)
	return w.toOnPremises(vgwID, pkt)
}

func attachedTo(as []model.GatewayAttachment, vpcID string) bool {
	for _, a := range as {
		if a.VPCID == vpcID && a.Attached() {
			return true
		}
	}
	return false
}

// linkPart is the part of a packet set one link carries (link nil: none).
type linkPart struct {
	pkt  packet
	link *hybridLink
	why  string
	code Code
}

// toOnPremises carries packets from a virtual private or transit gateway
// over its links to the customer's networks: Direct Connect first, then
// the VPN connections' static routes, then their BGP routes. A link that
// is down carries nothing.
func (w *walker) toOnPremises(gatewayID string, pkt packet) *arrival {
	links := w.e.hybrid.links[gatewayID]
	if len(links) == 0 {
		return w.unknown(Hop{Layer: LayerVPNGateway, Resource: gatewayID, Stage: StageForward}, pkt,
			fmt.Sprintf("no VPN connection or Direct Connect gateway association of %s is in the snapshot, so where it sends the packet is unknown", gatewayID))
	}
	var parts []linkPart
	rest := pkt
	var down []string
	var downCode Code
	for i := range links {
		if rest.empty() {
			break
		}
		l := &links[i]
		if up, why, code := w.e.linkUp(*l); !up {
			down, downCode = append(down, why), code
			continue
		}
		in := rest
		if l.vpn != nil && l.vpn.StaticRoutesOnly {
			var ps []netip.Prefix
			for _, r := range l.vpn.Routes {
				if r.State == "" || r.State == "available" {
					ps = append(ps, r.Destination)
				}
			}
			in, _ = rest.splitDstPrefixes(ps)
		}
		if in.empty() {
			continue
		}
		_, rest = rest.cutBy(in)
		parts = append(parts, linkPart{pkt: in, link: l})
	}
	rule := ""
	if !rest.empty() {
		why := fmt.Sprintf("no link of %s carries %s: ", gatewayID, rest.dst())
		code := CodeNoRouteToDestination
		rule = "no route to " + rest.dst().String()
		if len(down) > 0 {
			why += strings.Join(down, "; ")
			code, rule = downCode, "no link up"
		} else {
			why += "the static routes of its VPN connections do not cover it"
		}
		parts = append(parts, linkPart{pkt: rest, why: why, code: code})
	}
	return branch(w, parts, func(w *walker, p linkPart) *arrival {
		if p.link == nil {
			return w.deny(Hop{Layer: LayerVPNGateway, Resource: gatewayID, Stage: StageForward, Code: p.code, Rule: rule}, p.pkt, p.why)
		}
		return w.overLink(*p.link, p.pkt)
	})
}

// overLink carries packets across a link to the customer's network.
func (w *walker) overLink(l hybridLink, pkt packet) *arrival {
	if up, why, code := w.e.linkUp(l); !up {
		h := w.e.linkHop(l)
		h.Code, h.Rule = code, w.e.linkState(l)
		return w.deny(h, pkt, why)
	}
	h := w.e.linkHop(l)
	h.Verdict = Forward
	w.record(h, pkt)
	kind := "VPN connection " + l.id()
	if l.dx != nil {
		kind = "Direct Connect gateway " + l.id()
		if len(w.e.hybrid.vifs[l.dx.DXGatewayID]) == 0 {
			w.flow.caveat("the virtual interfaces of Direct Connect gateway %s are not in the snapshot: whether they are up is not checked", l.id())
		}
		w.flow.caveat("which on-premises prefixes Direct Connect gateway %s learns over BGP is not in the snapshot: the answer assumes the customer's routers advertise the destination", l.id())
	} else if !l.vpn.StaticRoutesOnly {
		w.flow.caveat("VPN connection %s uses BGP: the routes the customer's gateway advertises are not in the snapshot (its tunnels accepted %d), so the answer assumes they cover the destination", l.id(), acceptedRoutes(l.vpn))
	}
	return branch(w, w.e.onPremParts(pkt, true), func(w *walker, p onPremPart) *arrival {
		hp := Hop{Layer: LayerOnPremises, Resource: "on-premises", Verdict: Arrive}
		if p.net != nil {
			hp.Resource, hp.Name = p.net.Name, p.net.Name
			hp.Detail = fmt.Sprintf("%s is in on-premises network %s, beyond %s", p.pkt.dst(), p.net.Name, kind)
			w.flow.caveat("what lies beyond %s (the customer's routers and firewalls in %s) is not in the snapshot: the answer ends at the link", kind, p.net.Name)
		} else {
			hp.Detail = fmt.Sprintf("%s lies beyond %s; no --onprem network holds it", p.pkt.dst(), kind)
			w.flow.caveat("%s is routed to %s and the answer ends there: no on-premises network declared with --onprem holds it, and what lies beyond the link is not in the snapshot", p.pkt.dst(), kind)
		}
		w.record(hp, p.pkt)
		link := l
		return &arrival{kind: arrivedOnPrem, pkt: p.pkt, link: &link, onprem: p.net}
	})
}

func acceptedRoutes(v *model.VPNConnection) int32 {
	var n int32
	for _, t := range v.Tunnels {
		n = max(n, t.AcceptedRouteCount)
	}
	return n
}

// onPremPart is the part of a packet set whose destination (or source)
// lies in one declared on-premises network (net nil: in none).
type onPremPart struct {
	pkt packet
	net *OnPremNetwork
}

// onPremParts partitions packets by the declared network of their
// destination (dst) or source.
func (e *Engine) onPremParts(pkt packet, dst bool) []onPremPart {
	var out []onPremPart
	rest := pkt
	for i := range e.onprem {
		n := &e.onprem[i]
		var in packet
		if dst {
			in, rest = rest.splitDstPrefixes(n.Prefixes)
		} else {
			in, rest = rest.splitSrcPrefixes(n.Prefixes)
		}
		if !in.empty() {
			out = append(out, onPremPart{pkt: in, net: n})
		}
	}
	if !rest.empty() {
		out = append(out, onPremPart{pkt: rest})
	}
	return out
}

// fromOnPremises brings packets from the customer's network in over a
// link: through the virtual private gateway into its VPC (by the
// gateway's edge route table when it has one), or into the transit
// gateway by the link's attachment. A Direct Connect gateway association
// carries only the prefixes it allows (Direct Connect guide, "Allowed
// prefixes interactions"): the on-premises network learns no others.
func (w *walker) fromOnPremises(l hybridLink, pkt packet) *arrival {
	if !w.step(pkt) {
		return nil
	}
	h := w.e.linkHop(l)
	if up, why, code := w.e.linkUp(l); !up {
		h.Code, h.Rule = code, w.e.linkState(l)
		return w.deny(h, pkt, why)
	}
	if l.dx != nil && len(l.dx.AllowedPrefixes) > 0 {
		in, out := pkt.splitDstPrefixes(l.dx.AllowedPrefixes)
		hx := h
		hx.Code, hx.Rule = CodeDXPrefixNotAllowed, "allowed prefixes "+prefixList(l.dx.AllowedPrefixes)
		if !w.narrow(&pkt, in, out, hx, func(p packet) string {
			return fmt.Sprintf("Direct Connect gateway association %s advertises only %s on premises, not %s", l.dx.ID, prefixList(l.dx.AllowedPrefixes), p.dst())
		}) {
			return nil
		}
	}
	h.Verdict = Forward
	w.record(h, pkt)
	gw := l.gateway()
	if strings.HasPrefix(gw, "tgw-") {
		tgw, ok := model.Get[*model.TransitGateway](w.e.ix, gw)
		hg := Hop{Layer: LayerTransitGateway, Resource: gw, Stage: StageEnter}
		if !ok {
			return w.unknown(hg, pkt, fmt.Sprintf("transit gateway %s is not in the snapshot", gw))
		}
		att := w.e.linkAttachment(tgw.ID, l)
		if att == nil {
			return w.unknown(hg, pkt, fmt.Sprintf("the attachment of %s to transit gateway %s is not in the snapshot", l.id(), gw))
		}
		hg.Resource, hg.at, hg.Verdict, hg.Detail = att.ID, att, Forward, "into transit gateway "+gw+" from "+l.id()
		w.record(hg, pkt)
		w.flow.via = crossing{tgw: tgw, in: att}
		return w.transitRoute(tgw, att, pkt, "")
	}
	vgw, ok := model.Get[*model.VPNGateway](w.e.ix, gw)
	hv := Hop{Layer: LayerVPNGateway, Resource: gw, Stage: StageIngress}
	if !ok {
		return w.unknown(hv, pkt, fmt.Sprintf("virtual private gateway %s is not in the snapshot", gw))
	}
	var vpcID string
	for _, a := range vgw.Attachments {
		if a.Attached() {
			vpcID = a.VPCID
		}
	}
	if vpcID == "" {
		hv.Code = CodeBadState
		return w.deny(hv, pkt, fmt.Sprintf("virtual private gateway %s is attached to no VPC", gw))
	}
	in, out := pkt.splitDstPrefixes(w.e.vpcPrefixes(vpcID))
	hc := hv
	hc.Code = CodeNoRouteToDestination
	if !w.narrow(&pkt, in, out, hc, func(p packet) string {
		return fmt.Sprintf("virtual private gateway %s delivers only to addresses of %s, not %s", gw, vpcID, p.dst())
	}) {
		return nil
	}
	hv.Verdict, hv.Detail = Forward, "into "+vpcID
	w.record(hv, pkt)
	if rt := w.e.ix.GatewayRouteTable(gw); rt != nil {
		return w.edgeRoute(rt, vpcID, pkt)
	}
	return w.deliverInVPC(vpcID, nil, pkt)
}

func prefixList(ps []netip.Prefix) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, ", ")
}

// linkAttachment returns the transit gateway attachment of a link.
func (e *Engine) linkAttachment(tgwID string, l hybridLink) *model.TGWAttachment {
	for _, a := range e.ix.TGWAttachments(tgwID) {
		switch {
		case l.vpn != nil && a.ResourceType == "vpn" && a.ResourceID == l.vpn.ID && a.IsAvailable():
			return a
		case l.dx != nil && a.ResourceType == "direct-connect-gateway" && a.ResourceID == l.dx.DXGatewayID && a.IsAvailable():
			return a
		}
	}
	return nil
}

// tgwAttachmentLink returns the link a transit gateway's vpn or Direct
// Connect gateway attachment leads to.
func (e *Engine) tgwAttachmentLink(att *model.TGWAttachment) (hybridLink, bool) {
	for _, l := range e.hybrid.links[att.TransitGatewayID] {
		switch {
		case att.ResourceType == "vpn" && l.vpn != nil && l.vpn.ID == att.ResourceID:
			return l, true
		case att.ResourceType == "direct-connect-gateway" && l.dx != nil && l.dx.DXGatewayID == att.ResourceID:
			return l, true
		}
	}
	return hybridLink{}, false
}

// entryLinks returns the links packets from the customer's networks may
// enter by toward a VPC: those whose virtual private gateway is attached
// to it, or whose transit gateway has an attachment in it.
func (e *Engine) entryLinks(vpcID string) []hybridLink {
	var out []hybridLink
	for _, g := range e.snap.VPNGateways {
		if attachedTo(g.Attachments, vpcID) {
			out = append(out, e.hybrid.links[g.ID]...)
		}
	}
	for _, t := range e.snap.TransitGateways {
		if e.tgwAttachmentOf[tgwVPC{t.ID, vpcID}] != nil {
			for _, l := range e.hybrid.links[t.ID] {
				if e.linkAttachment(t.ID, l) != nil {
					out = append(out, l)
				}
			}
		}
	}
	return out
}

// OnPremLinks returns what gets from a declared on-premises network (by
// name, as WithOnPrem took it) to each of the interfaces, both ways,
// exactly, for every probe: one link per interface, protocol and stretch
// of ports, From naming the network and Sources its addresses that get
// through. Only interfaces of VPCs a VPN or Direct Connect link leads
// into can be reached; interfaces that are not ends of whole-network
// questions (Ends) are left out. The caveats say what the answers assume
// (what lies beyond the link is not in the snapshot) and which hops they
// could not decide (a path through one counts as not getting through).
func (e *Engine) OnPremLinks(name string, to []string, probes []Probe) ([]Link, []string, error) {
	return e.onPremLinks(name, to, probes, false)
}

// OnPremLinksFrom returns what gets from each of the interfaces to a
// declared on-premises network (by name), both ways, exactly, for every
// probe: one link per interface, protocol and stretch of ports, To naming
// the network and Destinations its addresses that get through. It leaves
// out the interfaces OnPremLinks leaves out (the reply must come back over
// a link into the interface's VPC), and its caveats are OnPremLinks'.
func (e *Engine) OnPremLinksFrom(name string, from []string, probes []Probe) ([]Link, []string, error) {
	return e.onPremLinks(name, from, probes, true)
}

// onPremLinks walks between a declared on-premises network and each of
// the interfaces: from the network (toOnPrem false) or to it.
func (e *Engine) onPremLinks(name string, ids []string, probes []Probe, toOnPrem bool) ([]Link, []string, error) {
	var net *OnPremNetwork
	for i := range e.onprem {
		if strings.EqualFold(e.onprem[i].Name, name) {
			net = &e.onprem[i]
		}
	}
	if net == nil {
		return nil, nil, inputErr("on-premises network %q is not declared (--onprem NAME=CIDR)", name)
	}
	if probes == nil {
		probes = e.DefaultProbes()
	}
	var sets [2][]netip.Prefix
	for _, p := range net.Prefixes {
		if p.Addr().Is4() {
			sets[0] = append(sets[0], p)
		} else {
			sets[1] = append(sets[1], p)
		}
	}
	caveats := []string{fmt.Sprintf("what lies beyond the link to %s (its routers and firewalls) is not in the snapshot: the answer assumes it passes the traffic", net.Name)}
	var out []Link
	for _, id := range ids {
		n := e.ix.Interface(id)
		if n == nil {
			return nil, nil, inputErr("interface %s is not in the snapshot", id)
		}
		if !e.isEnd(n) || len(e.entryLinks(n.VPCID)) == 0 {
			continue
		}
		for fam := range 2 {
			dst := pointAddr(n, fam)
			if len(sets[fam]) == 0 || !dst.IsValid() {
				continue
			}
			set := setOf(sets[fam]...)
			sp := point{ep: Endpoint{Kind: "on-premises", ID: net.Name, Name: net.Name}, addrs: set, addr: set.witness(netip.Addr{}), onprem: net}
			dp := point{ep: Endpoint{Kind: "network-interface", ID: n.ID, IP: dst.String()}, eni: n, addr: dst, addrs: addrOf(dst),
				instanceDown: down(e.ix.Instance(n.InstanceID()))}
			from, to := sp, dp
			if toOnPrem {
				from, to = dp, sp
			}
			for pi, probe := range probes {
				if err := checkProbe(probe); err != nil {
					return nil, nil, err
				}
				if !probe.Protocol.Carries(fam == 0) {
					continue
				}
				req := queryPacket(probe.query(), from.addrs, to.addrs)
				got := req.with(nil)
				for _, p := range e.walkPaths(from, to, req, true) {
					if !p.ok {
						continue
					}
					if u := slices.Concat(p.fw.unverified, p.rv.unverified); len(u) > 0 {
						for _, x := range u {
							caveats = appendUnique(caveats, "not checked, so not counted: "+x)
						}
						continue
					}
					back := p.rv.arr.pkt.reply()
					back.icmp = req.icmp
					got = got.union(back)
				}
				for _, sp := range got.spans {
					l := Link{From: []string{net.Name}, To: []string{n.ID}, Protocol: probe.Protocol.String(), Probe: pi}
					if toOnPrem {
						l.From, l.To = l.To, l.From
					}
					if in := n.InstanceID(); in != "" && toOnPrem {
						l.FromInstances = []string{in}
					} else if in != "" {
						l.ToInstances = []string{in}
					}
					if probe.Protocol.IsICMP() {
						l.ICMP = icmpName(probe.icmpMessage())
					}
					if probe.Protocol.HasPorts() {
						l.Ports = slices.Clone([]model.PortRange(sp.dstPorts))
					}
					if toOnPrem {
						for _, p := range sp.dst.ipset().Prefixes() {
							l.Destinations = append(l.Destinations, p.String())
						}
					} else {
						for _, p := range sp.src.ipset().Prefixes() {
							l.Sources = append(l.Sources, p.String())
						}
					}
					out = append(out, l)
				}
			}
		}
	}
	return out, caveats, nil
}
