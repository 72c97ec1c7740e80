package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
	"go4.org/netipx"
)

// Query asks whether traffic can flow from one endpoint to another.
type Query struct {
	// From and To name the endpoints: an instance ID, an interface ID, a
	// private or public IP (one outside every VPC is an internet host), a
	// load balancer (ARN or name), a Name tag, or the word "internet".
	From, To string
	Protocol model.Protocol
	// Port is the destination port for TCP and UDP (1-65535).
	Port int
	// SourcePort is the client's source port; 0 means any ephemeral port
	// (1024-65535), and the answer says which of them work.
	SourcePort int
	// ICMP is the ICMP message for ICMP queries; nil means echo request
	// (and echo reply on the return path).
	ICMP *model.ICMPTypeCode
}

// InputError reports a query the engine cannot run: an unknown or
// ambiguous endpoint, or a protocol and port that do not fit together.
type InputError struct{ Msg string }

// Error implements error.
func (e *InputError) Error() string { return e.Msg }

func inputErr(format string, args ...any) error { return &InputError{fmt.Sprintf(format, args...)} }

// defaultInternetHost stands for "a host on the internet" when no rule
// narrows the choice (the measured labs probe with it too).
var (
	defaultInternetHost  = netip.MustParseAddr("8.8.8.8")
	defaultInternetHost6 = netip.MustParseAddr("2001:4860:4860::8888")
)

// point is one concrete end of a flow: an interface and address, or an
// internet address.
type point struct {
	ep       Endpoint
	eni      *model.NetworkInterface
	addr     netip.Addr
	internet bool
	lb       *model.LoadBalancer
	// instanceDown is set for an instance that is not running.
	instanceDown string
}

// Reach answers a query: the forward and return paths hop by hop, the
// verdict, and the deciding step. When an endpoint has several interfaces
// or addresses, it answers for the first combination that works and says
// which it used; when none works, for the one that gets furthest.
func (e *Engine) Reach(q Query) (*Answer, error) {
	if err := validate(&q); err != nil {
		return nil, err
	}
	src, err := e.resolve(q.From, true)
	if err != nil {
		return nil, err
	}
	dst, err := e.resolve(q.To, false)
	if err != nil {
		return nil, err
	}
	srcPoints := e.sourcePoints(src, dst, q)
	dstPoints := e.destPoints(dst, src, q)
	if len(srcPoints) == 0 || len(dstPoints) == 0 {
		return nil, inputErr("no usable address for %s or %s", q.From, q.To)
	}
	var best *Answer
	bestProgress := -1
	for _, s := range srcPoints {
		for _, d := range dstPoints {
			if s.addr.Is4() != d.addr.Is4() {
				continue
			}
			a := e.trace(q, s, d)
			if a.Reachable {
				if s.internet && !src.addr.IsValid() {
					e.noteAdmittedInternet(a, d, q)
				}
				return a, nil
			}
			if p := len(a.Forward) + len(a.Return); p > bestProgress {
				best, bestProgress = a, p
			}
		}
	}
	if best == nil {
		return nil, inputErr("%s and %s have no addresses of the same IP version", q.From, q.To)
	}
	return best, nil
}

func validate(q *Query) error {
	switch {
	case q.Protocol.HasPorts() && q.Port == 0:
		return inputErr("%s needs a destination port (--port)", q.Protocol)
	case q.Port < 0 || q.Port > 65535 || q.SourcePort < 0 || q.SourcePort > 65535:
		return inputErr("ports run from 1 to 65535")
	case !q.Protocol.HasPorts() && (q.Port != 0 || q.SourcePort != 0):
		return inputErr("ports apply to tcp and udp only, not %s", q.Protocol)
	case q.ICMP != nil && !q.Protocol.IsICMP():
		return inputErr("an ICMP type applies to icmp and icmpv6 only")
	case strings.TrimSpace(q.From) == "" || strings.TrimSpace(q.To) == "":
		return inputErr("both --from and --to are needed")
	}
	return nil
}

// resolved is what an endpoint spec names.
type resolved struct {
	spec     string
	kind     string
	id, name string
	enis     []*model.NetworkInterface
	addr     netip.Addr // the address the user typed, if any
	internet bool
	lb       *model.LoadBalancer
	instance *model.Instance
}

// resolve turns what the user typed into an endpoint.
func (e *Engine) resolve(spec string, isSource bool) (resolved, error) {
	spec = strings.TrimSpace(spec)
	r := resolved{spec: spec}
	if strings.EqualFold(spec, "internet") {
		r.kind, r.internet = "internet", true
		return r, nil
	}
	if addr, err := netip.ParseAddr(spec); err == nil {
		return e.resolveAddr(r, addr.Unmap(), isSource)
	}
	if res, ok := e.ix.Resource(spec); ok {
		return e.resolveResource(r, res)
	}
	for _, lb := range e.snap.LoadBalancers {
		if lb.LoadBalancerName == spec {
			return e.resolveResource(r, lb)
		}
	}
	var usable []model.Resource
	for _, res := range e.ix.ByName(spec) {
		switch res.Kind() {
		case model.KindInstance, model.KindNetworkInterface, model.KindLoadBalancer, model.KindNATGateway:
			usable = append(usable, res)
		}
	}
	switch len(usable) {
	case 1:
		return e.resolveResource(r, usable[0])
	case 0:
		if rs := e.ix.ByName(spec); len(rs) > 0 {
			return r, inputErr("%q is a %s; name an instance, network interface, IP address, load balancer or internet", spec, rs[0].Kind())
		}
		msg := fmt.Sprintf("%q matches no instance, interface, IP address, load balancer or Name tag", spec)
		if s := e.ix.Suggest(spec, 3); len(s) > 0 {
			msg += "; did you mean " + strings.Join(s, ", ") + "?"
		}
		return r, inputErr("%s", msg)
	}
	ids := make([]string, len(usable))
	for i, u := range usable {
		ids[i] = u.Base().ID
	}
	return r, inputErr("%q names %d resources (%s); use an ID", spec, len(usable), strings.Join(ids, ", "))
}

func (e *Engine) resolveAddr(r resolved, addr netip.Addr, isSource bool) (resolved, error) {
	r.addr = addr
	owners := e.ix.InterfacesByIP(addr)
	if len(owners) == 0 {
		if len(e.ix.VPCsContaining(addr)) > 0 || isPrivate(addr) {
			if isSource {
				return r, inputErr("no network interface in the snapshot has the address %s", addr)
			}
			r.kind = "address"
			return r, nil
		}
		r.kind, r.internet = "internet", true
		return r, nil
	}
	if len(owners) > 1 {
		ids := make([]string, len(owners))
		for i, n := range owners {
			ids[i] = n.ID + " in " + n.VPCID
		}
		return r, inputErr("%s belongs to %d interfaces (%s); name the interface instead", addr, len(owners), strings.Join(ids, ", "))
	}
	n := owners[0]
	if lb := e.lbByENI[n.ID]; lb != nil {
		r.kind, r.lb, r.id, r.name = "load-balancer", lb, lb.ID, lb.LoadBalancerName
		r.enis = []*model.NetworkInterface{n}
		return r, nil
	}
	r.kind, r.id, r.enis = "network-interface", n.ID, []*model.NetworkInterface{n}
	if id := n.InstanceID(); id != "" {
		r.instance = e.ix.Instance(id)
	}
	return r, nil
}

func (e *Engine) resolveResource(r resolved, res model.Resource) (resolved, error) {
	r.id, r.name = res.Base().ID, res.Base().Name()
	switch v := res.(type) {
	case *model.Instance:
		r.kind, r.instance = "instance", v
		r.enis = e.ix.InstanceInterfaces(v.ID)
		if len(r.enis) == 0 {
			if v.State != "" && v.State != "running" {
				return r, inputErr("instance %s is %s and has no network interface", v.ID, v.State)
			}
			return r, inputErr("instance %s has no network interface in the snapshot", v.ID)
		}
	case *model.NetworkInterface:
		r.kind, r.enis = "network-interface", []*model.NetworkInterface{v}
		if id := v.InstanceID(); id != "" {
			r.instance = e.ix.Instance(id)
		}
		if lb := e.lbByENI[v.ID]; lb != nil {
			r.kind, r.lb = "load-balancer", lb
		}
	case *model.NATGateway:
		r.kind = "nat-gateway"
		for _, a := range v.Addresses {
			if n := e.ix.Interface(a.NetworkInterfaceID); n != nil {
				r.enis = append(r.enis, n)
			}
		}
		if len(r.enis) == 0 {
			return r, inputErr("NAT gateway %s has no network interface in the snapshot", v.ID)
		}
	case *model.LoadBalancer:
		r.kind, r.lb, r.name = "load-balancer", v, v.LoadBalancerName
		r.enis = e.loadBalancerInterfaces(v)
		if len(r.enis) == 0 {
			return r, inputErr("load balancer %s has no network interfaces in the snapshot", v.LoadBalancerName)
		}
	default:
		return r, inputErr("%s is a %s; name an instance, network interface, IP address, load balancer or internet", r.id, res.Kind())
	}
	return r, nil
}

// sourcePoints lists the concrete senders to try for a source endpoint (a
// load balancer sends from its nodes).
func (e *Engine) sourcePoints(src, dst resolved, q Query) []point {
	if src.internet {
		var out []point
		for _, a := range e.internetCandidates(src.addr, dst, q, false) {
			out = append(out, point{ep: Endpoint{Kind: "internet", IP: a.String(), Note: internetNote(src.addr, a)}, addr: a, internet: true})
		}
		return out
	}
	var out []point
	for i, n := range src.enis {
		for _, a := range senderAddrs(n, src.addr) {
			ep := endpointFor(src, n, a)
			if len(src.enis) > 1 {
				ep.Note = fmt.Sprintf("sent from %s (device %d of %d)", n.ID, i, len(src.enis))
			}
			out = append(out, point{ep: ep, eni: n, addr: a, instanceDown: down(src.instance)})
		}
	}
	return out
}

// senderAddrs returns the addresses an interface sends from: the typed
// one, or its primary private IPv4 and first IPv6 address.
func senderAddrs(n *model.NetworkInterface, typed netip.Addr) []netip.Addr {
	if typed.IsValid() {
		if priv, ok := n.PrivateIPFor(typed); ok {
			return []netip.Addr{priv} // a public address sends from its private one
		}
		return []netip.Addr{typed}
	}
	var out []netip.Addr
	if a := n.PrimaryIP(); a.IsValid() {
		out = append(out, a)
	}
	if len(n.IPv6Addresses) > 0 {
		out = append(out, n.IPv6Addresses[0])
	}
	return out
}

// destPoints lists the concrete receivers to try for a destination.
func (e *Engine) destPoints(dst, src resolved, q Query) []point {
	switch {
	case dst.internet:
		var out []point
		for _, a := range e.internetCandidates(dst.addr, src, q, true) {
			out = append(out, point{ep: Endpoint{Kind: "internet", IP: a.String(), Note: internetNote(dst.addr, a)}, addr: a, internet: true})
		}
		return out
	case dst.kind == "address":
		return []point{{ep: Endpoint{Kind: "address", IP: dst.addr.String()}, addr: dst.addr}}
	}
	var out []point
	for i, n := range dst.enis {
		for _, a := range receiverAddrs(n, dst.addr, src.internet) {
			ep := endpointFor(dst, n, a)
			if len(dst.enis) > 1 {
				ep.Note = fmt.Sprintf("received on %s (%d of %d interfaces)", n.ID, i+1, len(dst.enis))
			}
			out = append(out, point{ep: ep, eni: n, addr: a, lb: dst.lb, instanceDown: down(dst.instance)})
		}
	}
	return out
}

// receiverAddrs returns the addresses to send to: the typed one; else,
// from the internet, the public addresses (or the private one, which the
// walk will refuse with a reason); else the private ones.
func receiverAddrs(n *model.NetworkInterface, typed netip.Addr, fromInternet bool) []netip.Addr {
	if typed.IsValid() {
		return []netip.Addr{typed}
	}
	var out []netip.Addr
	if fromInternet {
		out = append(out, n.PublicIPs()...)
	}
	if a := n.PrimaryIP(); a.IsValid() && len(out) == 0 {
		out = append(out, a)
	}
	if len(n.IPv6Addresses) > 0 {
		out = append(out, n.IPv6Addresses[0])
	}
	return out
}

func endpointFor(r resolved, n *model.NetworkInterface, a netip.Addr) Endpoint {
	ep := Endpoint{Kind: r.kind, ID: r.id, Name: r.name, Interface: n.ID, IP: a.String()}
	if ep.Name == "" && r.instance != nil {
		ep.Name = r.instance.Name() // an interface named by ID or IP: show its instance
	}
	return ep
}

func down(in *model.Instance) string {
	if in != nil && in.State != "" && in.State != "running" {
		return in.State
	}
	return ""
}

func internetNote(typed, used netip.Addr) string {
	if typed.IsValid() {
		return ""
	}
	return fmt.Sprintf("the internet, answered for %s", used)
}

// internetCandidates picks internet addresses to try for the internet end
// of a flow: the typed one, else 8.8.8.8 and the first internet address of
// every CIDR that the other end's security groups and network ACL name
// (so an answer finds the part of the internet that is let in, if any).
func (e *Engine) internetCandidates(typed netip.Addr, other resolved, q Query, egress bool) []netip.Addr {
	if typed.IsValid() {
		return []netip.Addr{typed}
	}
	out := []netip.Addr{defaultInternetHost, defaultInternetHost6}
	add := func(p netip.Prefix) {
		if !p.IsValid() || p.Bits() == 0 {
			return // 8.8.8.8 and its IPv6 twin stand for "anywhere"
		}
		pr := netipx.RangeOfPrefix(p.Masked())
		for _, r := range e.internet.Ranges() {
			if r.Overlaps(pr) {
				a := r.From()
				if pr.From().Compare(a) > 0 {
					a = pr.From()
				}
				if n := a.Next(); a == p.Masked().Addr() && p.Bits() < a.BitLen()-1 && r.Contains(n) {
					a = n // a host, not the network address
				}
				out = append(out, a)
				return
			}
		}
	}
	for _, n := range other.enis {
		for _, id := range n.SecurityGroupIDs {
			if sg := e.ix.SecurityGroup(id); sg != nil {
				for _, r := range sg.Rules(egress) {
					add(r.CIDR)
				}
			}
		}
		if acl := e.ix.SubnetNetworkACL(n.SubnetID); acl != nil {
			for _, en := range acl.Entries {
				if en.Egress == egress && en.Action == model.Allow {
					add(en.CIDR)
				}
			}
		}
	}
	slices.SortStableFunc(out[2:], func(a, b netip.Addr) int { return a.Compare(b) })
	return slices.Compact(out)
}

// trace walks one concrete flow forward and back.
func (e *Engine) trace(q Query, s, d point) *Answer {
	return e.traceFlow(echo(q, s, d), s, d, firstPacket(q, s.addr, d.addr))
}

// firstPacket builds the request packet of a query between two addresses.
func firstPacket(q Query, src, dst netip.Addr) packet {
	pkt := packet{src: src, dst: dst, proto: q.Protocol,
		srcPorts: portsOf(model.EphemeralPorts), dstPorts: portsOf(model.SinglePort(uint16(q.Port)))}
	if q.SourcePort != 0 {
		pkt.srcPorts = portsOf(model.SinglePort(uint16(q.SourcePort)))
	}
	if q.Protocol.IsICMP() {
		pkt.icmp = model.ICMPEchoRequest
		if q.Protocol == model.ProtocolICMPv6 {
			pkt.icmp = model.ICMPv6EchoRequest
		}
		if q.ICMP != nil {
			pkt.icmp = *q.ICMP
		}
	}
	return pkt
}

// traceFlow walks the request packet pkt from s to d, then its reply back.
func (e *Engine) traceFlow(qe QueryEcho, s, d point, pkt packet) *Answer {
	a := &Answer{Query: qe, Forward: []Hop{}, Return: []Hop{}, Caveats: []string{}}
	fw := &walker{e: e, dir: DirForward, flow: newFlow()}
	var arr *arrival
	switch {
	case sameInstance(s, d):
		return e.finish(e.localDelivery(a, s, d, pkt), fw, nil)
	case s.instanceDown != "":
		fw.deny(Hop{Layer: LayerAddress, Resource: s.ep.ID, Code: "BAD_STATE"}, pkt,
			fmt.Sprintf("instance %s is %s", s.ep.ID, s.instanceDown))
	case s.internet:
		fw.record(Hop{Layer: LayerInternet, Resource: "internet", Verdict: Forward,
			Detail: fmt.Sprintf("a host on the internet (%s) sends", s.addr)}, pkt)
		arr = fw.overInternet(pkt)
	default:
		arr = fw.emit(s.eni, pkt)
	}
	if arr != nil {
		arr = fw.checkArrival(arr, d)
	}
	a.Forward = fw.hops
	if arr != nil {
		a.delivered = arr.pkt.dstPorts
	}
	if arr == nil {
		return e.finish(a, fw, nil)
	}
	rv := &walker{e: e, dir: DirReturn, flow: fw.flow, steps: 0}
	reply := arr.pkt.reply()
	var back *arrival
	switch {
	case arr.lb != nil:
		back = rv.lbReturn(arr)
	case arr.kind == arrivedInterface:
		back = rv.emit(arr.eni, reply)
	case arr.viaEndpointVPC != "":
		back = rv.deliverInVPC(arr.viaEndpointVPC, nil, reply)
	default:
		back = rv.fromInternet(reply)
	}
	if back != nil {
		back = rv.checkReturn(back, s)
	}
	a.Return = rv.hops
	return e.finish(a, fw, rv)
}

// sameInstance reports whether both ends are addresses of one instance.
func sameInstance(s, d point) bool {
	return s.eni != nil && d.eni != nil && s.eni.InstanceID() != "" &&
		s.eni.InstanceID() == d.eni.InstanceID() && ownsPrivate(d.eni, d.addr)
}

// localDelivery answers a flow between two addresses of one instance: its
// operating system delivers the packet itself, without crossing any AWS
// network component (measured so in the multiple-interface lab).
func (e *Engine) localDelivery(a *Answer, s, d point, pkt packet) *Answer {
	id := s.eni.InstanceID()
	h := Hop{Layer: LayerInterface, Resource: id, Verdict: Arrive, Packet: pkt.String(),
		Detail: fmt.Sprintf("%s and %s are both addresses of instance %s: its operating system delivers the packet itself, crossing no security group, ACL or route", s.addr, d.addr, id)}
	if in := e.ix.Instance(id); in != nil {
		h.Name = in.Name()
	}
	a.Forward = append(a.Forward, h)
	r := h
	r.Packet = pkt.reply().String()
	a.Return = append(a.Return, r)
	a.Caveats = append(a.Caveats, "delivered inside instance "+id+"; vpcscope assumes its host firewall allows it")
	return a
}

// noteAdmittedInternet records, for an answer from "the internet", which
// internet addresses the destination's security groups and network ACL
// admit, so "reachable from the internet" never overstates a rule that
// lets in one office's range.
func (e *Engine) noteAdmittedInternet(a *Answer, d point, q Query) {
	if d.eni == nil {
		return
	}
	pkt := firstPacket(q, d.addr, d.addr)
	var b netipx.IPSetBuilder
	if len(d.eni.SecurityGroupIDs) == 0 {
		b.AddSet(e.internet)
	}
	for _, adm := range e.admissions(d.eni, false, &pkt) {
		b.AddSet(adm.set)
	}
	admitted, _ := b.IPSet()
	if acl := e.ix.SubnetNetworkACL(d.eni.SubnetID); acl != nil {
		admitted = intersect(admitted, e.aclPeers(acl, false, &pkt))
	}
	inet := familyOnly(intersect(admitted, e.internet), d.addr.Is4())
	if inet.Equal(familyOnly(e.internet, d.addr.Is4())) {
		return // the whole internet gets in
	}
	a.Query.Source.Admitted = e.summarize(inet, 12)
}

// checkArrival makes sure the forward walk ended where the query meant.
func (w *walker) checkArrival(arr *arrival, d point) *arrival {
	if d.instanceDown != "" {
		return w.deny(Hop{Layer: LayerAddress, Resource: d.ep.ID, Code: "BAD_STATE"}, arr.pkt,
			fmt.Sprintf("instance %s is %s, so nothing answers", d.ep.ID, d.instanceDown))
	}
	switch {
	case d.internet && (arr.kind == arrivedInternet || arr.kind == arrivedService):
		return arr
	case d.lb != nil && arr.lb != nil && arr.lb.lb == d.lb:
		return arr
	case d.eni != nil && arr.eni == d.eni:
		return arr
	case d.eni == nil && !d.internet && arr.eni != nil && arr.eni.HasAddress(d.addr):
		return arr
	}
	where := "the internet"
	if arr.eni != nil {
		where = arr.eni.ID
	}
	return w.deny(Hop{Layer: LayerAddress, Resource: where, Code: "NO_PATH"}, arr.pkt,
		fmt.Sprintf("the packet arrives at %s instead of %s", where, d.ep.IP))
}

// checkReturn makes sure the reply reached the original sender.
func (w *walker) checkReturn(back *arrival, s point) *arrival {
	if s.internet && back.kind == arrivedInternet && back.pkt.dst == s.addr {
		return back
	}
	if !s.internet && back.eni == s.eni && back.pkt.dst == s.addr {
		return back
	}
	where := "the internet"
	if back.eni != nil {
		where = back.eni.ID
	}
	return w.deny(Hop{Layer: LayerAddress, Resource: where, Code: "NO_PATH"}, back.pkt,
		fmt.Sprintf("the reply arrives at %s (%s), not at the sender %s", where, back.pkt.dst, s.addr))
}

func (e *Engine) finish(a *Answer, fw, rv *walker) *Answer {
	walkers := []*walker{fw}
	if rv != nil {
		walkers = append(walkers, rv)
	}
	a.Caveats = append(a.Caveats, fw.flow.caveats...)
	unknown, blockUnknown := false, false
	for _, w := range walkers {
		for _, u := range w.unverified {
			a.Caveats = appendUnique(a.Caveats, u)
			unknown = true
		}
		if w.block != nil && a.Blocked == nil {
			a.Blocked, blockUnknown = w.block, w.blockUnknown
		}
	}
	switch {
	case blockUnknown:
		a.Verdict = VerdictUnknown
	case a.Blocked != nil:
		a.Verdict = VerdictUnreachable
	case unknown:
		a.Verdict = VerdictUnknown
	default:
		a.Verdict, a.Reachable = VerdictReachable, true
	}
	return a
}

func appendUnique(xs []string, s string) []string {
	if slices.Contains(xs, s) {
		return xs
	}
	return append(xs, s)
}

func echo(q Query, s, d point) QueryEcho {
	qe := QueryEcho{From: q.From, To: q.To, Protocol: q.Protocol.String(), Source: s.ep, Dest: d.ep}
	if q.Protocol.HasPorts() {
		p := q.Port
		qe.Port = &p
		if q.SourcePort != 0 {
			sp := q.SourcePort
			qe.SourcePort = &sp
		}
	}
	if q.Protocol.IsICMP() {
		qe.ICMP = "echo-request"
		if q.ICMP != nil {
			qe.ICMP = q.ICMP.String()
		}
	}
	return qe
}
