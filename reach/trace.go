package reach

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/vpcscope/vpcscope/model"
)

// path is one way a set of packets went: a forward branch and, when it
// arrived, a return branch; ok when the reply got back to the sender.
type path struct {
	fw, rv *walker
	ok     bool
}

// depth is how far the path got, in hops.
func (p path) depth() int {
	n := len(p.fw.hops) + p.fw.quietHops
	if p.rv != nil {
		n += len(p.rv.hops) + p.rv.quietHops
	}
	return n
}

// firstPacket builds the request packet of a query between two addresses.
func firstPacket(q Query, src, dst netip.Addr) packet {
	return queryPacket(q, addrOf(src), addrOf(dst))
}

// queryPacket builds the request packets of a query between address sets.
func queryPacket(q Query, src, dst addrs) packet {
	srcPorts, dstPorts := portSet(nil), portSet(nil)
	var icmp model.ICMPTypeCode
	if q.Protocol.HasPorts() {
		srcPorts = portsOf(model.EphemeralPorts)
		if q.SourcePort != 0 {
			srcPorts = portsOf(model.SinglePort(uint16(q.SourcePort)))
		}
		dstPorts = portsOf(model.SinglePort(uint16(q.Port)))
		if q.ports != nil {
			dstPorts = q.ports
		}
	}
	if q.Protocol.IsICMP() {
		icmp = model.ICMPEchoRequest
		if q.Protocol == model.ProtocolICMPv6 {
			icmp = model.ICMPv6EchoRequest
		}
		if q.ICMP != nil {
			icmp = *q.ICMP
		}
	}
	return packet{proto: q.Protocol, icmp: icmp, spans: []span{{src: src, dst: dst, srcPorts: srcPorts, dstPorts: dstPorts}}}
}

// paths walks the request packets pkt from s to d, then each arrival's
// reply back, and returns every path the packets took, the first first.
func (e *Engine) paths(s, d point, pkt packet) []path {
	_, one := pkt.singleSrc()
	_, oneDst := pkt.singleDst()
	return e.walkPaths(s, d, pkt, !one || !oneDst) // a set question shows an example's point trace instead of its hops
}

// walkPaths is paths; quiet walks record no pass hops and word no
// refusals (the blocks keep their reasons), for answers that show none.
func (e *Engine) walkPaths(s, d point, pkt packet, quiet bool) []path {
	return e.walkPathsSharing(s, d, pkt, quiet, nil)
}

// walkPathsSharing is walkPaths with the walks sharing what share keeps.
func (e *Engine) walkPathsSharing(s, d point, pkt packet, quiet bool, share *walkShare) []path {
	return e.walkPathsInto(s, d, pkt, quiet, share, nil)
}

// hopScratch holds the hop buffers of a point query's walks (the request's
// and its first reply's), kept for the next query: an answer takes its
// hops rendered into lists of its own.
type hopScratch struct{ fw, rv []hopRec }

// getScratch returns hop buffers no other walk is using.
func (e *Engine) getScratch() *hopScratch {
	if e.scratch == nil {
		return nil
	}
	return e.scratch.Get().(*hopScratch)
}

// putScratch hands back buffers once nothing holds the walks that used
// them (their hops dropped, so that they keep no packet alive). The walks
// leave each buffer as long as the hops they wrote; past that it is
// already clear.
func (e *Engine) putScratch(sc *hopScratch) {
	if sc == nil || e.scratch == nil {
		return
	}
	clear(sc.fw)
	clear(sc.rv)
	sc.fw, sc.rv = sc.fw[:0], sc.rv[:0]
	e.scratch.Put(sc)
}

// walkPathsInto is walkPathsSharing recording the hops of the request and
// of its first reply in sc's buffers (nil: buffers of their own).
func (e *Engine) walkPathsInto(s, d point, pkt packet, quiet bool, share *walkShare, sc *hopScratch) []path {
	var out []path
	replyBuf := sc != nil // the first reply takes sc.rv
	for _, f := range e.walkForward(s, d, pkt, quiet, share, sc) {
		arr := f.arr
		if arr != nil {
			arr = f.checkArrival(arr, d)
		}
		if arr == nil {
			out = append(out, path{fw: f})
			continue
		}
		rv := &walker{e: e, dir: DirReturn, flow: f.flow.clone(), quiet: quiet, share: share}
		first := !quiet && replyBuf
		if !quiet {
			if first && cap(sc.rv) >= len(f.hops)+2 {
				rv.hops = sc.rv[:0]
			} else {
				rv.hops = make([]hopRec, 0, len(f.hops)+2) // a reply mostly retraces the request
			}
			replyBuf = false
		}
		rv.flow.via, rv.flow.appliances = crossing{}, nil // the reply starts where the request arrived
		for _, r := range walk(rv, func(w *walker) *arrival {
			reply := arr.pkt.reply()
			var back *arrival
			switch {
			case arr.lb != nil:
				back = w.lbReturn(arr)
			case arr.kind == arrivedOnPrem:
				back = w.fromOnPremises(*arr.link, reply)
			case arr.kind == arrivedInterface:
				back = w.emitFrom(arr.eni, arr.class, reply)
			case arr.viaEndpointVPC != "":
				back = w.deliverInVPC(arr.viaEndpointVPC, nil, reply)
			default:
				back = w.fromInternet(reply)
			}
			if back != nil {
				back = w.checkReturn(back, s)
			}
			return back
		}) {
			if r.arr != nil {
				r.checkFirewallsBack(f.flow)
			}
			out = append(out, path{fw: f, rv: r, ok: r.arr != nil})
		}
		if first {
			sc.rv = rv.hops // the buffer, grown or not, for the next query (putScratch clears the hops)
		}
	}
	return out
}

// walkForward walks the request packets from s toward d, and returns the
// finished branches, the first one first (their arrivals not yet checked
// against d).
func (e *Engine) walkForward(s, d point, pkt packet, quiet bool, share *walkShare, sc *hopScratch) []*walker {
	fw := &walker{e: e, dir: DirForward, flow: newFlow(), quiet: quiet, share: share}
	if !quiet {
		if sc != nil && cap(sc.fw) > 0 {
			fw.hops = sc.fw[:0]
		} else {
			fw.hops = make([]hopRec, 0, 12) // a path across a transit gateway: 10 to 12 hops
		}
		if sc != nil {
			defer func() { sc.fw = fw.hops }() // the buffer, grown or not, for the next query (putScratch clears the hops)
		}
	}
	return walk(fw, func(w *walker) *arrival {
		switch {
		case s.instanceDown != "":
			return w.deny(Hop{Layer: LayerAddress, Resource: s.ep.ID, Code: CodeBadState}, pkt,
				fmt.Sprintf("instance %s is %s", s.ep.ID, s.instanceDown))
		case s.internet:
			if !w.quietPass() {
				detail := fmt.Sprintf("a host on the internet (%s) sends", pkt.src())
				if _, one := pkt.singleSrc(); !one {
					detail = fmt.Sprintf("hosts on the internet (%s) send", pkt.src())
				}
				w.record(Hop{Layer: LayerInternet, Resource: "internet", Verdict: Forward, Detail: detail}, pkt)
			}
			return w.overInternet(pkt)
		case s.onprem != nil:
			return w.startOnPrem(s, d, pkt)
		}
		return w.emitFrom(s.eni, s.class, pkt)
	})
}

// forwardTrace returns the forward hops traceFlow answers with, rendered,
// without walking the reply when the reply cannot change them: when the
// request takes one path (no fork, no part refused), every path of the
// answer starts with it, so whichever answerOf picks has its hops. ok is
// false otherwise; then the caller asks traceFlow.
func (e *Engine) forwardTrace(s, d point, pkt packet) (_ []Hop, ok bool) {
	if sameInstance(s, d) {
		return nil, false
	}
	_, one := pkt.singleSrc()
	_, oneDst := pkt.singleDst()
	fws := e.walkForward(s, d, pkt, !one || !oneDst, nil, nil)
	if len(fws) != 1 {
		return nil, false
	}
	f := fws[0]
	if f.arr != nil {
		f.checkArrival(f.arr, d)
	}
	hops, _ := e.render(f.hops, nil)
	return hops, true
}

// traceFlow answers for the request packets pkt from s to d: the first
// path that gets through both ways, or else the one that got furthest.
func (e *Engine) traceFlow(qe QueryEcho, s, d point, pkt packet) *Answer {
	if sameInstance(s, d) {
		return e.localDelivery(&Answer{Query: qe, Forward: []Hop{}, Return: []Hop{}, Caveats: []string{}}, s, d, pkt)
	}
	_, one := pkt.singleSrc()
	_, oneDst := pkt.singleDst()
	sc := e.getScratch()
	a := e.answerOf(qe, e.walkPathsInto(s, d, pkt, !one || !oneDst, nil, sc)) // as paths does
	e.putScratch(sc)                                                          // the answer holds hops of its own
	return a
}

// answerOf turns the paths of a flow into an answer: the first path that
// gets through both ways, or else the one that got furthest (the first of
// those that got equally far).
func (e *Engine) answerOf(qe QueryEcho, paths []path) *Answer {
	best := -1
	for i, p := range paths {
		if p.ok {
			best = i
			break
		}
		if best < 0 || p.depth() > paths[best].depth() {
			best = i
		}
	}
	a := &Answer{Query: qe, Forward: []Hop{}, Return: []Hop{}, Caveats: []string{}}
	if best < 0 {
		a.Verdict = VerdictUnknown
		return a
	}
	return e.finish(a, paths[best])
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
	hs, _ := e.render([]hopRec{{Hop: h}}, nil)
	h = hs[0]
	a.Forward = append(a.Forward, h)
	r := h
	r.Packet = pkt.reply().String()
	a.Return = append(a.Return, r)
	a.Caveats = append(a.Caveats, "delivered inside instance "+id+"; vpcscope assumes its host firewall allows it")
	a.Verdict, a.Reachable = VerdictReachable, true
	return a
}

// checkArrival makes sure the forward walk ended where the query meant.
func (w *walker) checkArrival(arr *arrival, d point) *arrival {
	if d.instanceDown != "" {
		return w.deny(Hop{Layer: LayerAddress, Resource: d.ep.ID, Code: CodeBadState}, arr.pkt,
			fmt.Sprintf("instance %s is %s, so nothing answers", d.ep.ID, d.instanceDown))
	}
	switch {
	case d.onprem != nil && arr.kind == arrivedOnPrem && arr.onprem != nil && arr.onprem.Name == d.onprem.Name:
		return arr
	case d.onprem == nil && d.eni == nil && !d.internet && arr.kind == arrivedOnPrem && arr.onprem == nil:
		return arr // an address no --onprem network holds, answered up to the link
	case d.internet && (arr.kind == arrivedInternet || arr.kind == arrivedService):
		return arr
	case d.lb != nil && arr.lb != nil && arr.lb.lb == d.lb:
		return arr
	case d.class != nil && arr.eni != nil && w.e.classOf[arr.eni] == d.class:
		return arr
	case d.targets != nil && arr.eni != nil && (d.targets[arr.eni.ID] || arr.class != nil):
		// the packets were addressed to the targets' addresses only, so a
		// class that took them holds targets
		return arr
	case d.eni != nil && arr.eni == d.eni:
		return arr
	case d.eni == nil && !d.internet && arr.eni != nil && arr.eni.HasAddress(d.addr):
		return arr
	}
	where := "the internet"
	switch {
	case arr.eni != nil:
		where = arr.eni.ID
	case arr.kind == arrivedOnPrem && arr.onprem != nil:
		where = "on-premises network " + arr.onprem.Name
	case arr.kind == arrivedOnPrem:
		where = "the far side of " + arr.link.id()
	}
	return w.deny(Hop{Layer: LayerAddress, Resource: where, Code: CodeNoPath}, arr.pkt,
		fmt.Sprintf("the packet arrives at %s instead of %s", where, d.ep.IP))
}

// checkReturn makes sure the reply reached the original sender: the
// replies addressed to the sender's own addresses pass.
func (w *walker) checkReturn(back *arrival, s point) *arrival {
	where := "the internet"
	switch {
	case back.eni != nil:
		where = back.eni.ID
	case back.kind == arrivedOnPrem:
		where = "the far side of " + back.link.id()
	}
	h := Hop{Layer: LayerAddress, Resource: where, Code: CodeNoPath}
	reason := func(p packet) string {
		return fmt.Sprintf("the reply arrives at %s (%s), not at the sender %s", where, p.dst(), s.addrs)
	}
	sameSender := back.eni == s.eni || (s.class != nil && back.eni != nil && w.e.classOf[back.eni] == s.class)
	switch {
	case s.onprem != nil && back.kind != arrivedOnPrem, s.onprem == nil && back.kind == arrivedOnPrem:
		return w.deny(h, back.pkt, reason(back.pkt))
	case s.onprem == nil && ((s.internet && back.kind != arrivedInternet) || (!s.internet && !sameSender)):
		return w.deny(h, back.pkt, reason(back.pkt))
	}
	pkt := back.pkt
	var in, out packet
	if a, one := s.addrs.single(); one {
		in, out = pkt.splitDstPrefixes([]netip.Prefix{netip.PrefixFrom(a, a.BitLen())})
	} else {
		in, out = pkt.splitDst(s.addrs)
	}
	if !w.narrow(&pkt, in, out, h, reason) {
		return nil
	}
	back.pkt = pkt
	return back
}

// finish turns one path into an answer.
func (e *Engine) finish(a *Answer, p path) *Answer {
	walkers := []*walker{p.fw}
	fl := p.fw.flow
	if p.rv != nil {
		walkers = append(walkers, p.rv)
		fl = p.rv.flow
	}
	// The answer takes the walkers' hops rendered, in lists of its own.
	var rv []hopRec
	if p.rv != nil {
		rv = p.rv.hops
	}
	fwHops, rvHops := e.render(p.fw.hops, rv)
	a.Forward = takeHops(a.Forward, fwHops)
	a.Return = takeHops(a.Return, rvHops)
	a.Caveats = append(a.Caveats, fl.caveats...)
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

// takeHops returns hops appended to to, taking hops' array when to is
// empty; never nil, so that an answer's hop lists encode as [].
func takeHops(to, hops []Hop) []Hop {
	switch {
	case len(to) > 0:
		return append(to, hops...)
	case len(hops) > 0:
		return hops
	case to != nil:
		return to
	}
	return []Hop{}
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

// startOnPrem starts packets from a declared on-premises network: over
// each VPN or Direct Connect link that leads into the destination's VPC
// (which one the customer's routers pick is not in the snapshot).
func (w *walker) startOnPrem(s, d point, pkt packet) *arrival {
	vpcID := ""
	switch {
	case d.eni != nil:
		vpcID = d.eni.VPCID
	default:
		if vs := w.e.ix.VPCsContaining(d.addr); len(vs) > 0 {
			vpcID = vs[0].ID
		}
	}
	h := Hop{Layer: LayerOnPremises, Resource: s.onprem.Name, Name: s.onprem.Name}
	links := w.e.entryLinks(vpcID)
	if vpcID == "" || len(links) == 0 {
		h.Code = CodeNoPath
		where := "the destination's VPC"
		if vpcID != "" {
			where = vpcID
		}
		return w.deny(h, pkt, fmt.Sprintf("no VPN connection or Direct Connect gateway in the snapshot leads from on-premises network %s into %s", s.onprem.Name, where))
	}
	h.Verdict = Forward
	h.Detail = fmt.Sprintf("on-premises network %s (%s) sends", s.onprem.Name, pkt.src())
	w.record(h, pkt)
	return branch(w, links, func(w *walker, l hybridLink) *arrival {
		if len(links) > 1 {
			w.flow.caveat("%s can reach AWS over %d links; which one its routers pick is not in the snapshot, and this answer follows %s", s.onprem.Name, len(links), l.id())
		}
		w.flow.caveat("what lies between %s and %s (the customer's routers and firewalls) is not in the snapshot", s.onprem.Name, l.id())
		return w.fromOnPremises(l, pkt)
	})
}

// checkFirewallsBack adds a caveat for each firewall the request crossed
// that the reply does not: its stateful engine sees one direction only.
func (w *walker) checkFirewallsBack(fwd *flow) {
	for id := range fwd.fw {
		if !w.flow.fwBack[id] {
			name := id
			if c := w.e.firewalls[id]; c != nil {
				name = c.fw.FirewallName
			}
			w.flow.caveat("the request crosses firewall %s but the reply does not: its stateful engine sees one direction of the flow only, and may drop the connection's later packets (asymmetric routing)", name)
		}
	}
}
