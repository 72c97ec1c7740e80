package reach

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/vpcscope/vpcscope/model"
)

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
	if arr == nil {
		return e.finish(a, fw, nil)
	}
	a.delivered = arr.pkt.dstPorts
	rv := &walker{e: e, dir: DirReturn, flow: fw.flow}
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
		rv.checkReturn(back, s) // a reply that misses the sender is a deny hop of rv
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
	_, admitted := e.admittedSources(d.eni, &pkt)
	fam := 0
	if !d.addr.Is4() {
		fam = 1
	}
	inet := intersect(admitted, e.internetOf[fam])
	if inet.Equal(e.internetOf[fam]) {
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
