package reach

import (
	"cmp"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/model"
	"go4.org/netipx"
)

// maxSteps bounds a walk so that a routing loop ends with a verdict.
const maxSteps = 64

// maxBranches bounds the branches one walk may fork into, so that a set
// question over a pathological network ends (with a caveat) instead of
// running away.
const maxBranches = 20000

// walker carries one direction of a set of packets through the network,
// recording a hop for every component it crosses. Filters narrow the set
// in place; where a forwarding decision sends parts of it to different
// places, the walker forks, and each branch walks on with its part. Each
// method returns the arrival, or nil when the branch's packets were
// dropped (then block says where and why).
type walker struct {
	e     *Engine
	dir   Direction
	flow  *flow
	hops  []hopRec
	block *Block
	// unverified lists hops whose data was missing; with no block, they
	// make the verdict unknown instead of reachable.
	unverified []string
	steps      int
	// blockUnknown is set when the walk stopped because data was missing.
	blockUnknown bool
	// blockPkt is the packets the block stopped.
	blockPkt packet
	// arr is where the branch ended (nil when it was dropped).
	arr *arrival
	run *walkRun
	// deliverTo is the class a local delivery addresses (set by
	// deliverInVPC for a part that spans several members, read and cleared
	// by receive).
	deliverTo *ifaceClass
	// quiet skips recording pass hops (counting them in quietHops): set
	// questions keep only the sets and the blocks, and show an example's
	// point trace.
	quiet     bool
	quietHops int
	// share holds what walks of one set question share (nil: nothing).
	share *walkShare
}

// walkRun holds the branches of one direction of a walk.
type walkRun struct {
	pending []pendingBranch
	done    []*walker
	forks   int
	// doneBuf holds done while a walk has one or two branches.
	doneBuf [2]*walker
	// refs is where the run's hops get their rule references (ref): one
	// allocation for several.
	refs []RuleRef
}

// ref returns a rule reference for a hop: from the run's block of them
// when the walk has a run. A block is never grown in place (a full one is
// left to the hops that point into it), so references stay put.
func (w *walker) ref(r RuleRef) *RuleRef {
	run := w.run
	if run == nil {
		p := new(RuleRef)
		*p = r
		return p
	}
	if len(run.refs) == cap(run.refs) {
		run.refs = make([]RuleRef, 0, 8) // a point path's references, both ways, mostly
	}
	run.refs = append(run.refs, r)
	return &run.refs[len(run.refs)-1]
}

type pendingBranch struct {
	w    *walker
	next func(*walker) *arrival
}

// arrivalKind says where a packet ended up.
type arrivalKind int

const (
	arrivedInterface arrivalKind = iota // a network interface that owns the address
	arrivedInternet                     // a host on the internet
	arrivedService                      // an AWS service behind a prefix list
	arrivedOnPrem                       // beyond a VPN or Direct Connect link
)

// arrival is where a walk delivered its packets, and the packets as delivered.
type arrival struct {
	kind arrivalKind
	eni  *model.NetworkInterface
	pkt  packet
	// viaEndpointVPC is set when an AWS service was reached through a
	// gateway endpoint of that VPC; its reply comes back the same way.
	viaEndpointVPC string
	// lb is the load balancer a flow crossed to reach its target.
	lb *lbLeg
	// link is the VPN or Direct Connect link the packets left AWS by, and
	// onprem the declared network they reached (nil: none holds them).
	link   *hybridLink
	onprem *OnPremNetwork
	// class is set when the packets arrived at a class of interfaces
	// (eni is then its representative).
	class *ifaceClass
}

// flow is the state stateful components keep between the request and the
// reply: which interfaces' security groups admitted it, the translations
// NAT and internet gateways made, the transit gateway AZs it used.
type flow struct {
	// sgSeen holds the interfaces (by classKey) whose security groups
	// admitted the flow.
	sgSeen keySet
	nats   []natRecord
	eigw   map[string]bool
	// tgwAZ records the AZ a request left each transit gateway attachment in.
	tgwAZ   tgwAZs
	lb      *lbLeg
	caveats []string
	// via is how the packets entered the VPC they are in, and appliances
	// the interfaces that forwarded them, in this direction.
	via        crossing
	appliances []string
	// fw records, per firewall, what its stateful engine passed on the way
	// there; fwBack the firewalls the reply crossed. gwlb records, per
	// endpoint service, the Gateway Load Balancer endpoint the request
	// crossed.
	fw     map[string]fwRecord
	fwBack map[string]bool
	gwlb   map[string]string
}

// crossing is how packets entered the VPC they are in: across a VPC
// peering connection, or through transit gateway tgw from attachment in
// to attachment out (peered when they crossed a transit gateway peering on
// the way). The zero value: they have not left the VPC they started in.
// Security group references across VPCs depend on it (referenceScope).
type crossing struct {
	pcx     *model.VPCPeering
	tgw     *model.TransitGateway
	in, out *model.TGWAttachment
	peered  bool
}

type natRecord struct {
	nat   *model.NATGateway
	natIP netip.Addr
	// before is the request as it reached the NAT gateway: its reply is
	// translated back to it.
	before packet
}

// newFlow returns the state of a flow that has crossed nothing yet. Its
// maps are made on first use (leftByEIGW): most paths cross no
// egress-only gateway.
func newFlow() *flow { return &flow{} }

// seenSG records that the security groups of an interface (by classKey)
// admitted the flow.
func (f *flow) seenSG(key string) { f.sgSeen.add(key) }

// admittedBy reports whether the security groups of an interface (by
// classKey) admitted the flow.
func (f *flow) admittedBy(key string) bool { return f.sgSeen.has(key) }

// keySet is a set of strings: a flow crosses the security groups of two
// interfaces or so, and a map for them cost two allocations per query.
type keySet struct{ few[string] }

// add puts k in the set.
func (s *keySet) add(k string) {
	if !s.has(k) {
		s.push(k)
	}
}

// has reports whether k is in the set.
func (s *keySet) has(k string) bool {
	for i := range s.len() {
		if *s.at(i) == k {
			return true
		}
	}
	return false
}

// clone returns an independent copy.
func (s keySet) clone() keySet { return keySet{s.few.clone()} }

// few is a list that holds its first two entries in place (a flow's
// records hold one or two entries mostly). Copying a few shares the
// entries past the second: clone copies them.
type few[T any] struct {
	n      int // entries in inline
	inline [2]T
	more   []T
}

// push appends v.
func (l *few[T]) push(v T) {
	if l.n < len(l.inline) {
		l.inline[l.n] = v
		l.n++
		return
	}
	l.more = append(l.more, v)
}

// len returns the number of entries.
func (l *few[T]) len() int { return l.n + len(l.more) }

// at returns entry i.
func (l *few[T]) at(i int) *T {
	if i < l.n {
		return &l.inline[i]
	}
	return &l.more[i-l.n]
}

// clone returns an independent copy.
func (l few[T]) clone() few[T] {
	l.more = slices.Clip(slices.Clone(l.more))
	return l
}

// leftByEIGW records that the flow left vpcID by its egress-only
// internet gateway.
func (f *flow) leftByEIGW(vpcID string) {
	if f.eigw == nil {
		f.eigw = map[string]bool{}
	}
	f.eigw[vpcID] = true
}

// leftTGWIn records the AZ the request left transit gateway attachment id in.
func (f *flow) leftTGWIn(id, az string) {
	f.tgwAZ.set(id, az)
}

// tgwAZs records the AZ a request left each transit gateway attachment
// in: a flow crosses one or two, so a list held in place, not a map.
type tgwAZs struct{ few[attachmentAZ] }

type attachmentAZ struct{ id, az string }

// set records az for attachment id, replacing what it held.
func (l *tgwAZs) set(id, az string) {
	if a := l.find(id); a != nil {
		a.az = az
		return
	}
	l.push(attachmentAZ{id, az})
}

// find returns the entry of attachment id, or nil.
func (l *tgwAZs) find(id string) *attachmentAZ {
	for i := range l.len() {
		if a := l.at(i); a.id == id {
			return a
		}
	}
	return nil
}

// of returns the AZ recorded for attachment id, if any.
func (l *tgwAZs) of(id string) (string, bool) {
	if a := l.find(id); a != nil {
		return a.az, true
	}
	return "", false
}

// clone returns an independent copy.
func (l tgwAZs) clone() tgwAZs { return tgwAZs{l.few.clone()} }

// clone returns an independent copy, for a branch.
func (f *flow) clone() *flow {
	c := &flow{sgSeen: f.sgSeen.clone(), eigw: maps.Clone(f.eigw), tgwAZ: f.tgwAZ.clone(), lb: f.lb}
	c.fw, c.fwBack, c.gwlb = maps.Clone(f.fw), maps.Clone(f.fwBack), maps.Clone(f.gwlb)
	c.nats = append([]natRecord(nil), f.nats...)
	c.caveats = append([]string(nil), f.caveats...)
	c.via, c.appliances = f.via, append([]string(nil), f.appliances...)
	return c
}

func (f *flow) caveat(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	for _, c := range f.caveats {
		if c == s {
			return
		}
	}
	f.caveats = append(f.caveats, s)
}

// walk runs start and every branch it forks, and returns the finished
// branches, the first one first.
func walk(w *walker, start func(*walker) *arrival) []*walker {
	run := &walkRun{}
	run.done = run.doneBuf[:1] // the first branch's place, filled below
	w.run = run
	w.arr = start(w)
	run.done[0] = w
	for len(run.pending) > 0 {
		p := run.pending[0]
		run.pending = run.pending[1:]
		p.w.arr = p.next(p.w)
		run.done = append(run.done, p.w)
	}
	return run.done
}

// fork returns a branch that continues from this one's state.
func (w *walker) fork() *walker {
	c := *w
	c.hops = append([]hopRec(nil), w.hops...)
	c.unverified = append([]string(nil), w.unverified...)
	c.flow = w.flow.clone()
	c.block, c.blockUnknown, c.arr, c.blockPkt = nil, false, nil, packet{}
	return &c
}

// branch walks each part on: the first in this walker, the others in
// forked branches that the walk runs later.
func branch[T any](w *walker, parts []T, next func(*walker, T) *arrival) *arrival {
	for _, p := range parts[1:] {
		if w.run == nil {
			break // a walk without a run (none today) takes the first part only
		}
		if w.run.forks++; w.run.forks > maxBranches {
			w.flow.caveat("the packet set split into more than %d paths; the rest were not followed", maxBranches)
			break
		}
		c := w.fork()
		w.run.pending = append(w.run.pending, pendingBranch{w: c, next: func(c *walker) *arrival { return next(c, p) }})
	}
	return next(w, parts[0])
}

// refuse records the part of a packet set a component drops while the
// rest goes on: a finished branch holding the block (an unknown one when
// the snapshot lacks what would decide it). A set question's walk does not
// word the reason: its answer shows an example's point trace instead.
func (w *walker) refuse(h Hop, pkt packet, why func() string, unknown bool) *walker {
	if w.run == nil || pkt.empty() {
		return nil
	}
	reason := ""
	if !w.quiet {
		reason = why()
	}
	// A refused part ends here: it shares the path so far (appends to
	// either copy reallocate) and the flow state, read-only from now on.
	c := *w
	n, m := len(w.hops), len(w.unverified)
	c.hops, c.unverified = w.hops[:n:n], w.unverified[:m:m]
	c.block, c.blockUnknown, c.arr, c.blockPkt = nil, false, nil, packet{}
	if unknown {
		c.unknown(h, pkt, reason)
	} else {
		c.deny(h, pkt, reason)
	}
	w.run.done = append(w.run.done, &c)
	return &c
}

func (w *walker) step(pkt packet) bool {
	w.steps++
	if w.steps > maxSteps {
		w.deny(Hop{Layer: LayerRouteTable, Resource: "routing-loop", Code: CodeNoPath}, pkt,
			fmt.Sprintf("the packet crossed %d components without arriving: a routing loop", maxSteps))
		return false
	}
	return true
}

// quietPass reports whether the walk is quiet, counting the pass hop the
// caller would record: the caller then skips wording it.
func (w *walker) quietPass() bool {
	if w.quiet {
		w.quietHops++
	}
	return w.quiet
}

// hopRec is a hop as a walk records it: the hop and the packet as it saw
// it, which only the hops an answer returns render (Engine.render).
type hopRec struct {
	Hop
	pkt packet
}

// record appends a hop with the packet as it saw it; the packet and the
// resource's name are rendered only for the hops an answer returns.
func (w *walker) record(h Hop, pkt packet) {
	if w.quiet {
		w.quietHops++
		return
	}
	w.hops = append(w.hops, hopRec{h, pkt})
}

// render turns the hops the walks recorded into the hops of an answer,
// each list in one of its own (empty, not nil, when the walk recorded
// none): each hop's packet text and its resource's name, account and
// Region, the request's hops (fw) first. Consecutive hops mostly saw the
// very same packets (a packet's spans are never changed once built, so
// the same spans are the same packets), and a path crosses most resources
// twice (there and back): a packet's text and a resource's name, account
// and Region are made once per answer.
func (e *Engine) render(fw, rv []hopRec) (fwHops, rvHops []Hop) {
	var last packet
	var text string
	var buf [8]resourceText // more resources than an answer mostly crosses (two, mostly)
	seen := buf[:0]
	all := make([]Hop, len(fw)+len(rv)) // one allocation for both lists
	lists := [2][]Hop{all[:len(fw):len(fw)], all[len(fw):]}
	for l, recs := range [2][]hopRec{fw, rv} {
		for i := range recs {
			h := &lists[l][i]
			*h = recs[i].Hop
			if pkt := recs[i].pkt; h.Packet == "" && !pkt.empty() {
				if !samePackets(pkt, last) {
					last, text = pkt, pkt.String()
				}
				h.Packet = text
			}
			at, made := h.at, h.text
			h.at, h.text = nil, nil
			if h.Resource == "" {
				continue
			}
			if made != nil && made.id == h.Resource && made.at == at {
				made.apply(h) // made beforehand: resourceText(h.Resource, at)
				continue
			}
			k := slices.IndexFunc(seen, func(t resourceText) bool { return t.id == h.Resource && t.at == at })
			if k < 0 {
				k = len(seen)
				seen = append(seen, e.resourceText(h.Resource, at))
			}
			seen[k].apply(h)
		}
	}
	return lists[0], lists[1]
}

// samePackets reports whether p and q are one packet set by identity: the
// same spans (not merely equal ones) with the same protocol and message.
func samePackets(p, q packet) bool {
	return len(p.spans) > 0 && len(p.spans) == len(q.spans) && &p.spans[0] == &q.spans[0] &&
		p.proto == q.proto && p.icmp == q.icmp
}

// resourceText is what a hop shows of the resource it is at: its name,
// account and Region, found when the snapshot has a resource of that ID.
type resourceText struct {
	id                    string
	at                    model.Resource
	found                 bool
	name, account, region string
}

// resourceText looks up the resource a hop names by ID (at, when set and
// of that ID, is the very record): the one place a hop's resource is
// looked up.
func (e *Engine) resourceText(id string, at model.Resource) resourceText {
	t := resourceText{id: id, at: at}
	var rs []model.Resource
	if at != nil && at.Base().ID == id {
		rs = []model.Resource{at} // the very record: no lookup by ID
	} else {
		rs = e.ix.ResourcesByID(id)
	}
	if len(rs) == 0 {
		return t // the hop names no resource of the snapshot
	}
	m := rs[0].Base()
	t.found, t.name, t.account, t.region = true, m.Name(), m.Account, m.Region
	// Records sharing an ID that the walker did not tell apart: a field
	// they disagree on is unknown rather than guessed.
	for _, r := range rs[1:] {
		if r.Base().Account != t.account {
			t.account = ""
		}
		if r.Base().Region != t.region {
			t.region = ""
		}
	}
	return t
}

// apply fills in the hop's name (unless it has one), account and Region.
func (t resourceText) apply(h *Hop) {
	if !t.found {
		return
	}
	if h.Name == "" {
		h.Name = t.name
	}
	h.Account, h.Region = t.account, t.region
}

// deny records a dropping hop and the block it implies, and returns nil so
// callers can `return w.deny(...)`.
func (w *walker) deny(h Hop, pkt packet, reason string) *arrival {
	h.Verdict = Deny
	if h.Detail == "" {
		h.Detail = reason
	}
	if w.quiet {
		w.hops = append(w.hops, hopRec{h, pkt}) // the block's hop, for the answer
	} else {
		w.record(h, pkt)
	}
	w.block = &Block{Layer: h.Layer, Resource: h.Resource, Rule: h.Rule, Direction: w.dir,
		Code: h.Code, Reason: reason, Ref: h.Ref, Near: h.Near}
	w.blockPkt = pkt
	return nil
}

// unknown records a hop the snapshot cannot decide and stops the walk: the
// answer will say so rather than guess.
func (w *walker) unknown(h Hop, pkt packet, reason string) *arrival {
	h.Verdict = Unknown
	h.Detail = reason
	if w.quiet {
		w.hops = append(w.hops, hopRec{h, pkt})
	} else {
		w.record(h, pkt)
	}
	w.unverified = append(w.unverified, reason)
	w.blockUnknown = true
	w.block = &Block{Layer: h.Layer, Resource: h.Resource, Rule: h.Rule, Direction: w.dir,
		Code: cmp.Or(h.Code, CodeUnknownResource), Reason: reason}
	w.blockPkt = pkt
	return nil
}

// gapReason returns why a kind was not collected in the resource's scope,
// or "" when it was.
func (w *walker) gapReason(kind model.Kind, m *model.Meta) string {
	gaps := w.e.snap.GapsFor(kind, m.Account, m.Region)
	if len(gaps) == 0 {
		return ""
	}
	return gaps[0].String()
}

// subnet returns the interface's subnet, or nil after recording why not.
func (w *walker) subnetOf(n *model.NetworkInterface, pkt packet) *model.Subnet {
	sn := w.e.subnetOfIface(n)
	if sn == nil {
		w.unknown(Hop{Layer: LayerInterface, Resource: n.ID}, pkt,
			fmt.Sprintf("subnet %s of %s is not in the snapshot", n.SubnetID, n.ID))
	}
	return sn
}

// sdcApplies reports whether the source/destination check is the
// interface's own setting to enforce: instance interfaces, not the managed
// ones of NAT gateways, load balancers, endpoints or transit gateways.
func sdcApplies(n *model.NetworkInterface) bool {
	return n.InterfaceType == "" || n.InterfaceType == "interface"
}

// ownAddresses splits packets by whether an interface (or, given c, any
// member of its class) owns their source (or destination) address.
func ownAddresses(n *model.NetworkInterface, c *ifaceClass, pkt packet, dst bool) (own, other packet) {
	if c != nil {
		if dst {
			return pkt.splitDst(c.addrs)
		}
		return pkt.splitSrc(c.addrs)
	}
	if a, ok := pkt.singleSrc(); ok && !dst {
		if n.HasAddress(a) {
			return pkt, pkt.with(nil)
		}
		return pkt.with(nil), pkt
	}
	if a, ok := pkt.singleDst(); ok && dst {
		if n.HasAddress(a) {
			return pkt, pkt.with(nil)
		}
		return pkt.with(nil), pkt
	}
	set := interfaceAddressSet(n)
	if dst {
		return pkt.splitDst(set)
	}
	return pkt.splitSrc(set)
}

// emit sends packets from an interface: the source/destination check, the
// security groups' egress rules, then the subnet's route table.
func (w *walker) emit(n *model.NetworkInterface, pkt packet) *arrival { return w.emitFrom(n, nil, pkt) }

// emitFrom is emit for the members of class c (nil: n alone), n being its
// representative: the packets may come from any member's address.
func (w *walker) emitFrom(n *model.NetworkInterface, c *ifaceClass, pkt packet) *arrival {
	if !w.step(pkt) {
		return nil
	}
	sn := w.subnetOf(n, pkt)
	if sn == nil {
		return nil
	}
	if sdcApplies(n) && n.SourceDestCheck {
		own, other := ownAddresses(n, c, pkt, false)
		if !other.empty() {
			h := Hop{Layer: LayerSourceDestCheck, Resource: n.ID, Stage: StageOutbound,
				Rule: "sourceDestCheck=true", Code: CodeENISourceDestCheckRestriction}
			reason := fmt.Sprintf("source/destination check on %s drops a packet it sends from %s, which is not its own address", n.ID, other.src())
			if own.empty() {
				return w.deny(h, other, reason)
			}
			w.refuse(h, other, func() string { return reason }, false)
			pkt = own
		}
	}
	if !w.securityGroups(n, true, &pkt) {
		return nil
	}
	return w.route(sn, pkt)
}

// route forwards packets leaving subnet sn by the subnet's route table.
func (w *walker) route(sn *model.Subnet, pkt packet) *arrival {
	if !w.step(pkt) {
		return nil
	}
	si := w.e.subnetLookup(sn)
	rt := si.rt
	if rt == nil {
		h := Hop{Layer: LayerRouteTable, Resource: sn.ID, Stage: StageLookup}
		if g := w.gapReason(model.KindRouteTable, &sn.Meta); g != "" {
			return w.unknown(h, pkt, g)
		}
		return w.unknown(h, pkt, fmt.Sprintf("%s has no associated route table and the main route table of %s is not in the snapshot", sn.ID, sn.VPCID))
	}
	h := Hop{Layer: LayerRouteTable, Resource: rt.ID, Stage: StageLookup, Detail: si.routeDetail(sn), at: si.rtAt, text: si.rtText}
	if p, ok := routeOfOne(rt, si.routes, pkt); ok {
		return w.takeSubnetRoute(sn, rt, h, p) // one destination: one part, no fork
	}
	return branch(w, w.e.compiledRouteParts(rt, si.routes, pkt), func(w *walker, p routePart) *arrival {
		return w.takeSubnetRoute(sn, rt, h, p)
	})
}

// takeSubnetRoute is takeRoute for the part p of packets leaving subnet
// sn by its route table rt (h is the hop of the lookup).
func (w *walker) takeSubnetRoute(sn *model.Subnet, rt *model.RouteTable, h Hop, p routePart) *arrival {
	return w.takeRoute(rt, h, p, func(t model.RouteTarget, pkt packet) *arrival {
		return w.dispatch(sn.VPCID, sn, t, pkt)
	})
}

// takeRoute records the route a part takes (or its lack) and hands the
// part to its target.
func (w *walker) takeRoute(rt *model.RouteTable, h Hop, p routePart, next func(model.RouteTarget, packet) *arrival) *arrival {
	pkt := p.pkt
	if p.route == nil {
		h.Code = CodeNoRouteToDestination
		if missing := w.e.missingPrefixLists(rt); len(missing) > 0 {
			return w.unknown(h, pkt, fmt.Sprintf("%s has no route to %s, but its routes to prefix lists %s could not be expanded (not in the snapshot)",
				rt.ID, pkt.dst(), strings.Join(missing, ", ")))
		}
		h.Detail = ""
		return w.deny(h, pkt, fmt.Sprintf("route table %s has no route to %s", rt.ID, pkt.dst()))
	}
	r := p.route
	h.Rule = p.text
	if h.Rule == "" {
		h.Rule = routeText(r)
	}
	h.Ref = w.ref(RuleRef{Kind: RefRoute, Index: p.index})
	if r.IsBlackhole() {
		h.Code = CodeBadStateRoute
		return w.deny(h, pkt, fmt.Sprintf("route table %s: route %s -> %s is a blackhole (its target is not available: deleted, or detached from the VPC)", rt.ID, r.DestinationString(), r.Target().ID))
	}
	h.Verdict = Forward
	w.record(h, pkt)
	return next(r.Target(), pkt)
}

// dispatch sends packets to a route target. from is the subnet they
// leave, or nil when they enter the VPC from a gateway.
func (w *walker) dispatch(vpcID string, from *model.Subnet, t model.RouteTarget, pkt packet) *arrival {
	switch t.Kind {
	case model.TargetLocal:
		return w.deliverInVPC(vpcID, from, pkt)
	case model.TargetInternetGateway:
		return w.toInternetGateway(vpcID, from, t.ID, pkt)
	case model.TargetEgressOnlyIGW:
		return w.toEgressOnlyGateway(vpcID, from, t.ID, pkt)
	case model.TargetNATGateway:
		return w.toNATGateway(from, t.ID, pkt)
	case model.TargetVPCPeering:
		return w.toPeering(vpcID, from, t.ID, pkt)
	case model.TargetTransitGateway:
		return w.toTransitGateway(vpcID, from, t.ID, pkt)
	case model.TargetVPCEndpoint:
		if fw := w.e.fwByEndpoint[t.ID]; fw != nil {
			return w.toNetworkFirewall(from, fw, t.ID, pkt)
		}
		return w.toGatewayEndpoint(vpcID, from, t.ID, pkt)
	case model.TargetNetworkInterface, model.TargetInstance:
		return w.toAppliance(from, t, pkt)
	case model.TargetVPNGateway:
		return w.toVPNGateway(vpcID, from, t.ID, pkt)
	}
	return w.unknown(Hop{Layer: LayerRouteTable, Resource: t.ID}, pkt,
		fmt.Sprintf("the route target %s is a kind vpcscope does not model", t.ID))
}

// deliverInVPC delivers packets to the interfaces of the VPC that own
// their destination addresses.
func (w *walker) deliverInVPC(vpcID string, from *model.Subnet, pkt packet) *arrival {
	if d, ok := pkt.singleDst(); ok {
		// One destination: one part (ownersInVPC's first case), no fork.
		return w.deliverPart(vpcID, from, ownerPart{pkt: pkt, eni: w.e.interfaceInVPC(vpcID, d)})
	}
	parts := w.e.ownersInVPC(vpcID, pkt)
	return branch(w, parts, func(w *walker, p ownerPart) *arrival {
		return w.deliverPart(vpcID, from, p)
	})
}

// deliverPart delivers one part of deliverInVPC's packets.
func (w *walker) deliverPart(vpcID string, from *model.Subnet, p ownerPart) *arrival {
	if p.eni == nil {
		return w.deny(Hop{Layer: LayerAddress, Resource: vpcID, Code: CodeNoPossibleDestination}, p.pkt,
			fmt.Sprintf("no network interface in %s has the address %s", vpcID, p.pkt.dst()))
	}
	w.deliverTo = p.class
	return w.crossTo(from, p.eni, p.pkt)
}

// ownerPart is the part of a packet set addressed to one interface (nil:
// to no interface), or to several members of one class (eni is then its
// representative).
type ownerPart struct {
	pkt   packet
	eni   *model.NetworkInterface
	class *ifaceClass
}

// ownersInVPC partitions packets by the interface of the VPC that owns
// their destination as a private or IPv6 address.
func (e *Engine) ownersInVPC(vpcID string, pkt packet) []ownerPart {
	if d, ok := pkt.singleDst(); ok {
		return []ownerPart{{pkt: pkt, eni: e.interfaceInVPC(vpcID, d)}}
	}
	// the classes the destinations may meet, in order: those the VPC's
	// index finds (a class that meets none of them takes nothing in the
	// split below), or all
	classes, met := e.vpcClasses[vpcID], false
	if ix := e.ownersIndex(vpcID); ix != nil {
		// on the stack while the classes met are few
		var numBuf [64]int32
		var classBuf [64]*ifaceClass
		nums := numBuf[:0]
		for _, s := range pkt.spans {
			nums = ix.meets(s.dst, nums)
		}
		slices.Sort(nums)
		nums = slices.Compact(nums)
		meets := classBuf[:0]
		for _, k := range nums {
			meets = append(meets, classes[k])
		}
		classes, met = meets, true
	}
	if out, ok := e.ownersOfSpan(vpcID, pkt, classes, met); ok {
		return out
	}
	var out []ownerPart
	rest := pkt
	for _, c := range classes {
		if rest.empty() {
			break
		}
		in, other := rest.splitDst(c.private)
		rest = other
		if in.empty() {
			continue
		}
		if d, one := in.singleDst(); one || len(c.members) == 1 {
			n := c.rep
			if one {
				n = e.interfaceInVPC(vpcID, d)
			}
			out = append(out, ownerPart{pkt: in, eni: n})
			continue
		}
		out = append(out, ownerPart{pkt: in, eni: c.rep, class: c})
	}
	if !rest.empty() {
		out = append(out, ownerPart{pkt: rest})
	}
	return out
}

// ownersOfSpan is ownersInVPC for a packet of one span whose destination
// meets three classes or more, in disjoint parts (ok false otherwise: the
// caller then splits class by class). Each class then takes the part of
// the destination inside it, as the split class by class does (the
// classes before it took none of those addresses), and the rest is what
// none took: the destination is split once per class met and once more,
// without copying the rest at every class. classes are the VPC's classes
// in order, or (only) just those the destination meets.
func (e *Engine) ownersOfSpan(vpcID string, pkt packet, classes []*ifaceClass, only bool) (_ []ownerPart, ok bool) {
	if len(pkt.spans) != 1 || !pkt.normal() {
		return nil, false
	}
	s := pkt.spans[0]
	// the classes the destination meets, in order (only: classes holds
	// just those)
	meets := classes
	if !only {
		meets = nil
		for _, c := range classes {
			if s.dst.overlaps(c.private) {
				meets = append(meets, c)
			}
		}
	}
	met, size := len(meets), 0
	for _, c := range meets {
		size += max(1, len(c.private.rs))
	}
	if met < 3 {
		return nil, false
	}
	took := make([]netipx.IPRange, 0, size) // the parts the classes took
	spans := make([]span, met+1)            // each part's span
	out := make([]ownerPart, 0, met+1)
	for _, c := range meets {
		in := s.dst.intersect(c.private)
		took = append(took, in.ranges()...)
		part := &spans[len(out)]
		*part = s
		part.dst = in
		p := packet{proto: pkt.proto, icmp: pkt.icmp, spans: spans[len(out) : len(out)+1 : len(out)+1], forwarded: pkt.forwarded}
		if d, one := in.single(); one || len(c.members) == 1 {
			n := c.rep
			if one {
				n = e.interfaceInVPC(vpcID, d)
			}
			out = append(out, ownerPart{pkt: p, eni: n})
			continue
		}
		out = append(out, ownerPart{pkt: p, eni: c.rep, class: c})
	}
	took, ok = joinDisjoint(took)
	if !ok {
		return nil, false
	}
	if _, other := s.dst.split(fromRanges(took)); !other.empty() {
		rest := &spans[len(out)]
		*rest = s
		rest.dst = other
		out = append(out, ownerPart{pkt: packet{proto: pkt.proto, icmp: pkt.icmp, spans: spans[len(out) : len(out)+1 : len(out)+1], forwarded: pkt.forwarded}})
	}
	return out, true
}

// joinDisjoint sorts the ranges and joins adjacent ones, reporting false
// when two of them overlap.
func joinDisjoint(rs []netipx.IPRange) ([]netipx.IPRange, bool) {
	slices.SortFunc(rs, func(a, b netipx.IPRange) int { return a.From().Compare(b.From()) })
	out := rs[:0]
	for _, r := range rs {
		if n := len(out); n > 0 {
			last := out[n-1]
			switch {
			case !last.To().Less(r.From()):
				return nil, false
			case last.To().Next() == r.From():
				out[n-1] = netipx.IPRangeFrom(last.From(), r.To())
				continue
			}
		}
		out = append(out, r)
	}
	return out, true
}

// interfaceInVPC returns the interface of the VPC that owns addr as a
// private or IPv6 address.
func (e *Engine) interfaceInVPC(vpcID string, addr netip.Addr) *model.NetworkInterface {
	for _, n := range e.ix.InterfacesByIP(addr) {
		if n.VPCID == vpcID && ownsPrivate(n, addr) {
			return n
		}
	}
	return nil
}

// crossTo moves packets from subnet from (nil: from outside the VPC) to
// interface n, through the network ACLs of the subnet boundaries they
// cross: the source subnet's outbound rules and the destination subnet's
// inbound rules. Traffic that stays inside one subnet crosses no ACL.
func (w *walker) crossTo(from *model.Subnet, n *model.NetworkInterface, pkt packet) *arrival {
	to := w.subnetOf(n, pkt)
	if to == nil {
		return nil
	}
	if from == nil || from.ID != to.ID {
		if from != nil && !w.nacl(from, true, &pkt) {
			return nil
		}
		if !w.nacl(to, false, &pkt) {
			return nil
		}
	}
	return w.receive(n, pkt)
}

// receive hands packets to an interface: NAT gateways and load balancers
// take over; otherwise the source/destination check and the security
// groups' ingress rules apply, and the packets arrive — or, at an
// appliance whose check is off, are forwarded on.
func (w *walker) receive(n *model.NetworkInterface, pkt packet) *arrival {
	if !w.step(pkt) {
		return nil
	}
	if nat := w.e.natByENI[n.ID]; nat != nil {
		return w.atNATGateway(nat, n, pkt)
	}
	if lb := w.e.lbByENI[n.ID]; lb != nil {
		return w.atLoadBalancer(lb, n, pkt)
	}
	if owner := managedOwner(n); owner != "" && w.e.vpceByNI[n.ID] == nil {
		return w.unknown(Hop{Layer: LayerInterface, Resource: n.ID}, pkt,
			fmt.Sprintf("%s belongs to a %s that is not in the snapshot, so what it does with the packet is unknown", n.ID, owner))
	}
	class := w.deliverTo
	w.deliverTo = nil
	own, other := ownAddresses(n, class, pkt, true)
	if !other.empty() && sdcApplies(n) && n.SourceDestCheck {
		h := Hop{Layer: LayerSourceDestCheck, Resource: n.ID, Stage: StageInbound,
			Rule: "sourceDestCheck=true", Code: CodeENISourceDestCheckRestriction}
		reason := fmt.Sprintf("source/destination check on %s drops a packet for %s, which is not its own address", n.ID, other.dst())
		if own.empty() {
			return w.deny(h, other, reason)
		}
		w.refuse(h, other, func() string { return reason }, false)
		other = other.with(nil)
	}
	switch ownEmpty, otherEmpty := own.empty(), other.empty(); {
	case !ownEmpty && otherEmpty:
		return w.receivePart(n, class, delivery{own, true}) // one part, no fork
	case ownEmpty && !otherEmpty:
		return w.receivePart(n, class, delivery{other, false})
	}
	var parts []delivery
	for _, p := range []delivery{{own, true}, {other, false}} {
		if !p.pkt.empty() {
			parts = append(parts, p)
		}
	}
	return branch(w, parts, func(w *walker, p delivery) *arrival { return w.receivePart(n, class, p) })
}

// delivery is a part of the packets an interface receives.
type delivery struct {
	pkt  packet
	mine bool // addressed to the interface itself, not forwarded by it
}

// receivePart takes one part of the packets interface n receives (class:
// the class the delivery addressed, or nil) past its security groups'
// ingress rules: they arrive, or an appliance forwards them on.
func (w *walker) receivePart(n *model.NetworkInterface, class *ifaceClass, p delivery) *arrival {
	pkt := p.pkt
	if ep := w.e.vpceByNI[n.ID]; ep != nil && p.mine && w.dir == DirForward {
		if !w.interfaceEndpointAccepts(ep, &pkt) {
			return nil
		}
	}
	if !w.securityGroups(n, false, &pkt) {
		return nil
	}
	if p.mine {
		w.record(Hop{Layer: LayerInterface, Resource: n.ID, Verdict: Arrive, Detail: describeInterface(w.e, n)}, pkt)
		arr := &arrival{kind: arrivedInterface, eni: n, pkt: pkt, class: class}
		if w.dir == DirForward {
			arr.lb = w.flow.lb // a load balancer's leg to its target
		}
		return arr
	}
	if slices.Contains(w.flow.appliances, n.ID) {
		return w.unknown(Hop{Layer: LayerInterface, Resource: n.ID, Stage: StageAppliance, Rule: "sourceDestCheck=false",
			Code: CodeApplianceMayTranslate}, pkt,
			fmt.Sprintf("the packet comes back to appliance %s, which already forwarded it: unchanged, it would go round the same routes forever; it gets anywhere only if %s translates its addresses (NAT, proxy), which vpcscope cannot see", n.ID, n.ID))
	}
	w.flow.appliances = append(w.flow.appliances, n.ID)
	w.record(Hop{Layer: LayerInterface, Resource: n.ID, Verdict: Forward, Stage: StageAppliance,
		Detail: fmt.Sprintf("%s is not the destination; with its source/destination check off it forwards the packet", n.ID)}, pkt)
	w.flow.caveat("the path crosses appliance %s: vpcscope assumes its operating system forwards the packet unchanged", n.ID)
	pkt.forwarded = true
	return w.emit(n, pkt)
}

// managedOwner names the kind of AWS-managed resource an interface belongs
// to (load balancer, NAT gateway, endpoint), or "" for an ordinary one.
// Callers check that the owner is in the snapshot.
func managedOwner(n *model.NetworkInterface) string {
	switch {
	case n.InterfaceType == "network_load_balancer" || n.InterfaceType == "gateway_load_balancer" ||
		strings.HasPrefix(n.Description, "ELB "):
		return "load balancer"
	case n.InterfaceType == "nat_gateway":
		return "NAT gateway"
	case n.InterfaceType == "vpc_endpoint" || n.InterfaceType == "gateway_load_balancer_endpoint":
		return "VPC endpoint"
	}
	return ""
}

// describeInterface names an interface for a hop: its ID, the instance it
// is attached to and that instance's Name tag ("eni-… of i-… (web)"),
// kept in the interface's record.
func describeInterface(e *Engine, n *model.NetworkInterface) string {
	if fi := e.ifaceOf(n); fi != nil {
		return fi.described
	}
	return string(appendDescription(nil, n, e.lookupInstance(n)))
}

// appendDescription appends describeInterface's text of n attached to in.
func appendDescription(b []byte, n *model.NetworkInterface, in instanceInfo) []byte {
	b = append(b, n.ID...)
	if id := n.InstanceID(); id != "" {
		b = append(append(b, " of "...), id...)
		if in.in != nil && in.name != "" { // in.name is the instance's Name tag
			b = append(append(append(b, " ("...), in.name...), ')')
		}
	}
	return b
}

// toAppliance sends packets to a route's network interface or instance
// target (a middlebox).
func (w *walker) toAppliance(from *model.Subnet, t model.RouteTarget, pkt packet) *arrival {
	var n *model.NetworkInterface
	if t.Kind == model.TargetNetworkInterface {
		n = w.e.ix.Interface(t.ID)
	} else if ns := w.e.ix.InstanceInterfaces(t.ID); len(ns) > 0 {
		n = ns[0]
	}
	if n == nil {
		return w.unknown(Hop{Layer: LayerInterface, Resource: t.ID}, pkt,
			fmt.Sprintf("route target %s is not in the snapshot", t.ID))
	}
	return w.crossTo(from, n, pkt)
}

// nacl applies the network ACL of subnet sn to packets leaving (egress) or
// entering it, narrowing them to what it allows.
func (w *walker) nacl(sn *model.Subnet, egress bool, pkt *packet) bool {
	stage, kind := StageInbound, RefNACLInbound
	if egress {
		stage, kind = StageOutbound, RefNACLOutbound
	}
	si := w.e.subnetLookup(sn)
	acl, compiled := si.acl, si.compiled
	if acl == nil {
		h := Hop{Layer: LayerNetworkACL, Resource: sn.ID, Stage: stage, Verdict: Unknown}
		reason := w.gapReason(model.KindNetworkACL, &sn.Meta)
		if reason == "" {
			reason = "no network ACL association for " + sn.ID + " in the snapshot"
		}
		h.Detail = reason + "; its rules were not checked"
		w.record(h, *pkt)
		w.unverified = append(w.unverified, h.Detail)
		return true
	}
	d := w.share.evaluateACL(compiled, egress, *pkt)
	hopFor := func(p aclPart) Hop {
		h := Hop{Layer: LayerNetworkACL, Resource: acl.ID, Stage: stage, at: si.aclAt, text: si.aclText}
		if p.entry != nil {
			h.Rule = compiled.entryText(p.entry)
			h.Ref = w.ref(RuleRef{Kind: kind, Index: -1, RuleNumber: p.entry.RuleNumber})
		} else {
			h.Rule = "rule * deny all traffic"
			h.Ref = w.ref(RuleRef{Kind: kind, Index: -1, RuleNumber: model.DefaultRuleNumber})
		}
		return h
	}
	if d.allowed.pkt.empty() {
		h := hopFor(d.denied)
		h.Code = CodeSubnetACLRestriction
		w.deny(h, d.denied.pkt, aclReason(acl, sn, stage, d.denied.entry, d.denied.pkt, w.dir))
		return false
	}
	if !d.denied.pkt.empty() {
		h := hopFor(d.denied)
		h.Code = CodeSubnetACLRestriction
		w.refuse(h, d.denied.pkt, func() string { return aclReason(acl, sn, stage, d.denied.entry, d.denied.pkt, w.dir) }, false)
		if d.allowed.pkt.src().equal(d.denied.pkt.src()) && d.allowed.pkt.dst().equal(d.denied.pkt.dst()) && pkt.proto.HasPorts() {
			// Only ports differ: a point query over a port range.
			by := "rule *"
			if d.denied.entry != nil {
				by = "rule " + d.denied.entry.RuleLabel()
			}
			w.flow.caveat("network ACL %s (%s, %s) passes ports %s of %s but denies %s (%s): a client using a source port there fails",
				acl.ID, sn.ID, stage, d.allowed.pkt.dstPorts(), pkt.dst(), d.denied.pkt.dstPorts(), by)
		}
	}
	*pkt = d.allowed.pkt
	if w.quietPass() {
		return true
	}
	h := hopFor(d.allowed)
	h.Verdict = Allow
	h.Detail = si.aclDetail(sn, stage)
	w.record(h, *pkt)
	return true
}

// aclReason words why a network ACL denies packets. It is written into
// one buffer (the walks word a reason at every denied part), as
// aclReasonPlain (in the tests) words it with fmt.
func aclReason(acl *model.NetworkACL, sn *model.Subnet, stage Stage, en *model.ACLEntry, pkt packet, dir Direction) string {
	peer, dirWord := pkt.src(), " from "
	if stage == StageOutbound {
		peer, dirWord = pkt.dst(), " to "
	}
	var buf [256]byte
	b := append(buf[:0], "network ACL "...)
	b = append(b, acl.ID...)
	b = append(b, " ("...)
	b = append(b, sn.ID...)
	b = append(b, ", "...)
	b = append(b, stage...)
	deflt := en == nil || en.IsDefaultDeny()
	if deflt {
		b = append(b, "): no rule allows "...)
	} else {
		b = append(b, ") rule "...)
		b = append(b, en.RuleLabel()...)
		b = append(b, " denies "...)
	}
	if dir == DirReturn && pkt.proto.HasPorts() {
		// A reply's destination ports are the client's ephemeral ports:
		// say so, or they read like a service.
		b = append(b, "the reply from "...)
		b = append(b, pkt.proto.String()...)
		b = append(b, '/')
		b = pkt.srcPorts().appendTo(b)
		b = append(b, " to the client's ports "...)
		b = pkt.dstPorts().appendTo(b)
	} else {
		b = appendService(b, pkt)
	}
	b = append(b, dirWord...)
	b = peer.appendTo(b)
	if deflt {
		b = append(b, ", so the final * rule denies it"...)
		return string(b)
	}
	b = append(b, " ("...)
	b = append(b, en.CIDR.String()...)
	b = append(b, ')')
	return string(b)
}

// serviceOf renders what a packet is, for reasons: "tcp/3306", "icmp echo-reply".
func serviceOf(pkt packet) string { return string(appendService(nil, pkt)) }

// appendService appends serviceOf(pkt).
func appendService(b []byte, pkt packet) []byte {
	switch {
	case pkt.proto.HasPorts():
		b = append(b, pkt.proto.String()...)
		b = append(b, '/')
		return pkt.dstPorts().appendTo(b)
	case pkt.proto.IsICMP():
		b = append(b, pkt.proto.String()...)
		b = append(b, ' ')
		return append(b, icmpName(pkt.icmp)...)
	case pkt.proto == model.ProtocolAll:
		return append(b, "all traffic"...)
	}
	b = append(b, "protocol "...)
	return append(b, pkt.proto.String()...)
}

// securityGroups applies the interface's security groups, narrowing the
// packets to what they admit. A reply to a flow these groups admitted
// passes: security groups are stateful.
func (w *walker) securityGroups(n *model.NetworkInterface, egress bool, pkt *packet) bool {
	stage, kind := StageInbound, RefSGIngress
	if egress {
		stage, kind = StageOutbound, RefSGEgress
	}
	if len(n.SecurityGroupIDs) == 0 {
		return true // managed interfaces (NAT, transit gateway) have none
	}
	if w.dir == DirReturn && w.flow.admittedBy(w.e.flowClassKey(n)) {
		w.record(Hop{Layer: LayerSecurityGroup, Resource: n.SecurityGroupIDs[0], Stage: stage, Verdict: Allow,
			text: w.e.groupText(n, n.SecurityGroupIDs[0]), Rule: "stateful reply", Detail: "security groups are stateful: the reply of a flow they admitted passes"}, *pkt)
		return true
	}
	d := w.e.evalSecurityGroupsVia(n, egress, *pkt, &w.flow.via, false)
	if !d.admitted.pkt.empty() {
		if !d.refused.empty() {
			unknown := len(d.missing) > 0 || len(d.unknown) > 0
			h := Hop{Layer: LayerSecurityGroup, Resource: n.SecurityGroupIDs[0], Stage: stage, Code: CodeENISGRulesMismatch}
			why := func() string { return "" }
			if !w.quiet {
				var reason string
				h, reason, unknown = w.e.sgRefusal(n, egress, d, d.refused)
				why = func() string { return reason }
			}
			w.refuse(h, d.refused, why, unknown)
		}
		a := d.admitted
		*pkt = a.pkt
		w.flow.seenSG(w.e.flowClassKey(n))
		if w.quietPass() {
			return true
		}
		h := Hop{Layer: LayerSecurityGroup, Resource: a.group.ID, Stage: stage, Verdict: Allow, text: w.e.groupText(n, a.group.ID),
			Rule: a.ruleText(egress), Ref: w.ref(RuleRef{Kind: kind, Index: a.index}),
			Detail: w.e.sgHopDetail(n, stage)}
		w.record(h, *pkt)
		return true
	}
	h, reason, unknown := w.e.sgRefusal(n, egress, d, *pkt)
	if unknown {
		w.unknown(h, *pkt, reason)
		return false
	}
	w.deny(h, *pkt, reason)
	return false
}

// sgRefusal explains why an interface's security groups refuse packets:
// the hop (with the near rules, unless unknown), the reason, and whether
// the refusal is only as far as the snapshot shows (a group or prefix
// list is missing).
func (e *Engine) sgRefusal(n *model.NetworkInterface, egress bool, d sgResult, pkt packet) (Hop, string, bool) {
	stage, kind := StageInbound, RefSGIngress
	if egress {
		stage, kind = StageOutbound, RefSGEgress
	}
	h := Hop{Layer: LayerSecurityGroup, Resource: n.SecurityGroupIDs[0], Stage: stage, Code: CodeENISGRulesMismatch,
		Ref: &RuleRef{Kind: kind, Index: -1}}
	if len(d.missing) > 0 {
		return h, fmt.Sprintf("security group %s of %s is not in the snapshot", strings.Join(d.missing, ", "), n.ID), true
	}
	if len(d.unknown) > 0 {
		return h, fmt.Sprintf("no rule of %s allows it, but rules name prefix lists %s that are not in the snapshot",
			strings.Join(n.SecurityGroupIDs, ", "), strings.Join(d.unknown, ", ")), true
	}
	peer, word := pkt.src(), "from"
	if egress {
		peer, word = pkt.dst(), "to"
	}
	h.Rule = "no matching rule"
	if d.noRules {
		h.Code = CodeSGHasNoRules
		return h, fmt.Sprintf("security group %s of %s has no %s rules, so it denies %s %s %s",
			strings.Join(n.SecurityGroupIDs, ", "), n.ID, stage, serviceOf(pkt), word, peer), false
	}
	// The reason is written into one buffer (on the stack when short):
	// "no inbound rule of security group sg-… (eni-…) allows tcp/443 from
	// 10.0.0.1; tcp/443 is open only from peer (rule N of sg), ...".
	var buf [512]byte
	b := append(buf[:0], "no "...)
	b = append(b, stage...)
	b = append(b, " rule of security group "...)
	b = appendGroupIDs(b, n)
	b = append(b, " ("...)
	b = append(b, n.ID...)
	b = append(b, ") allows "...)
	svcAt := len(b)
	b = appendService(b, pkt)
	svc := b[svcAt:len(b):len(b)] // the service's text, read again below
	b = append(append(append(b, ' '), word...), ' ')
	b = peer.appendTo(b)
	// Rules for this traffic that admit other peers are the ones to change:
	// name them, and point the reference at the first.
	near := nearRuleRefs(d.groups, d.forms, egress, pkt)
	h.Near = near
	for i, r := range near {
		sg := groupByID(d.groups, r.Resource)
		if i == 0 {
			h.Resource, h.Ref.Index = sg.ID, r.Index // h.Ref is this hop's own
			b = append(b, "; "...)
			b = append(b, svc...)
			b = append(b, " is open only "...)
			b = append(append(b, word...), ' ')
		} else {
			b = append(b, ", "...)
		}
		// People count rules from 1, as the console and the explorer do.
		b = sg.Rules(egress)[r.Index].AppendPeerFrom(b, sg.Account)
		b = append(b, " (rule "...)
		b = strconv.AppendInt(b, int64(r.Index+1), 10)
		b = append(append(append(b, " of "...), sg.ID...), ')')
	}
	h.text = e.groupText(n, h.Resource)
	if a, ok := peer.single(); ok {
		if miss, note := e.groupMiss(d.forms, n.VPCID, a, egress, pkt, d.via); miss != refNone {
			h.Code = miss.code()
			b = append(append(append(b, " ("...), note...), ')')
		}
	}
	return h, string(b), false
}

// appendGroupIDs appends interface n's security group IDs, as
// strings.Join(n.SecurityGroupIDs, ", ").
func appendGroupIDs(b []byte, n *model.NetworkInterface) []byte {
	for i, id := range n.SecurityGroupIDs {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, id...)
	}
	return b
}

func sgRuleText(egress bool, sg *model.SecurityGroup, r *model.SGRule) string {
	if egress {
		return "egress " + r.Service() + " to " + r.PeerFrom(sg.Account)
	}
	return "ingress " + r.Service() + " from " + r.PeerFrom(sg.Account)
}
