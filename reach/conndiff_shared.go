package reach

import (
	"reflect"
	"slices"
	"sync"
	"time"
	"weak"

	"github.com/vpcscope/vpcscope/model"
)

// This file shortens a comparison (DiffRelations) when the two snapshots
// differ only in the rules of security groups that the path views leave
// out — groups whose every member is an ordinary interface (strippable).
// The views of the two snapshots are then the same network, so the
// second relation is computed over the first one's views and its walks
// are the first one's: walked once. What differs is only the stage
// functions applied afterwards, the senders' outbound and the receivers'
// inbound rules. When no selected sender's outbound rules changed:
//
//   - a receiver whose groups' inbound rules are unchanged gets exactly
//     the same traffic in both (the same walks, the same stages), and is
//     skipped;
//   - for a receiver whose inbound rules changed, only packets that the
//     two snapshots' inbound rules treat differently can differ. A group
//     admits the union of what its rules match, so those packets lie in
//     SD, the packets of the probe on the destination ports of the rules
//     in one snapshot's groups and not the other's (every port when such
//     a rule covers a protocol without ports). What gets through differs
//     exactly where what gets through restricted to SD differs: a packet
//     in one relation and not the other is admitted by one side's rules
//     on some delivery and refused by the other's on the same delivery,
//     so it lies in SD; a packet in SD that one side's restricted
//     relation lacks is missing from that side's whole relation too,
//     since the restriction only removes packets outside SD. So both
//     sides keep of the receiver's inbound rules only the ports of SD.
//
// A receiver that a NAT gateway or load balancer reaches (translated
// deliveries, walked in the engine itself) is compared in full.

// sharedDiff is what a comparison over shared walks knows.
type sharedDiff struct {
	// ingress are the inbound rules of each group that one snapshot
	// holds and the other does not.
	ingress map[string][]model.SGRule
	// egressSame is set when no selected sender's group changed its
	// outbound rules.
	egressSame bool
	mu         sync.Mutex
	limits     map[limitKey]*recvLimit
	// modes counts the receiving classes compared each way, for tests.
	modes map[string]int
}

type limitKey struct {
	probe int
	cls   string
}

// recvLimit is how a receiving class is compared.
type recvLimit struct {
	// skip: the same in both relations; full: compared without limit.
	skip, full bool
	// alike: skipped because both sides' rules, limited to sd, admit the
	// same packets on every way packets arrive (admitAlike).
	alike bool
	// sd are the destination ports of SD (above); any: SD holds every
	// packet of the probe.
	sd  portSet
	any bool
	mu  sync.Mutex
	// cut caches each side's inbound rules limited to sd.
	cut map[cutKey]packet
}

type cutKey struct {
	side, fam int
	via       crossing
	fwd       bool
}

// groupRuleChanges reports whether the snapshots of two engines are the
// same but for the inbound and outbound rules of security groups whose
// members are all interfaces the path views strip (and for when, where
// from and by what they were read), and which groups' rules changed. The
// maps are shared by every caller asking of the same engines (a's
// ruleChangeMemo): read them, never write them.
func groupRuleChanges(a, b *Engine) (ingress map[string][]model.SGRule, egress map[string]bool, ok bool) {
	m := a.ruleChanges
	if m == nil {
		return computeGroupRuleChanges(a, b)
	}
	return m.get(a, b)
}

// ruleChangeMemo holds an engine's last groupRuleChanges answer: a
// comparison asks it of the same two engines several times (the probes,
// each relation diff, the second snapshot's exposure), and each asking
// compares the whole snapshots. It holds the engines weakly, so it keeps
// neither alive; asked of other engines, it answers for them instead.
type ruleChangeMemo struct {
	mu          sync.Mutex
	self, other weak.Pointer[Engine]
	ingress     map[string][]model.SGRule
	egress      map[string]bool
	ok          bool
}

// get returns groupRuleChanges(a, b), computed once per pair of engines
// in a row (callers asking at once wait for the one computing it).
func (m *ruleChangeMemo) get(a, b *Engine) (map[string][]model.SGRule, map[string]bool, bool) {
	self, other := weak.Make(a), weak.Make(b)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.self != self || m.other != other {
		m.ingress, m.egress, m.ok = computeGroupRuleChanges(a, b)
		m.self, m.other = self, other
	}
	return m.ingress, m.egress, m.ok
}

// computeGroupRuleChanges is groupRuleChanges, computed.
func computeGroupRuleChanges(a, b *Engine) (ingress map[string][]model.SGRule, egress map[string]bool, ok bool) {
	sa, sb := *a.snap, *b.snap
	for _, s := range []*model.Snapshot{&sa, &sb} {
		s.TakenAt, s.Source, s.Tool, s.Description = time.Time{}, "", "", ""
		s.SecurityGroups = nil
	}
	if len(a.snap.SecurityGroups) != len(b.snap.SecurityGroups) || !reflect.DeepEqual(sa, sb) {
		return nil, nil, false
	}
	ingress, egress = map[string][]model.SGRule{}, map[string]bool{}
	for i, ga := range a.snap.SecurityGroups {
		gb := b.snap.SecurityGroups[i]
		ca, cb := *ga, *gb
		ca.Ingress, ca.Egress, cb.Ingress, cb.Egress = nil, nil, nil, nil
		if !reflect.DeepEqual(ca, cb) {
			return nil, nil, false
		}
		if !reflect.DeepEqual(ga.Ingress, gb.Ingress) {
			ingress[ga.ID] = slices.Concat(rulesNotIn(ga.Ingress, gb.Ingress), rulesNotIn(gb.Ingress, ga.Ingress))
		}
		if !reflect.DeepEqual(ga.Egress, gb.Egress) {
			egress[ga.ID] = true
		}
	}
	for _, n := range a.snap.NetworkInterfaces {
		if !a.strippable(n) && slices.ContainsFunc(n.SecurityGroupIDs, func(id string) bool { return ingress[id] != nil || egress[id] }) {
			return nil, nil, false // a group the views evaluate changed
		}
	}
	return ingress, egress, true
}

// shareWalks returns, when the relations' snapshots differ only in group
// rules the views leave out (groupRuleChanges) and they select the same
// ends, the relation of b's engine over a's views (whose walks are a's)
// and what the comparison may skip; else nil.
func shareWalks(a, b *Relation) (*Relation, *sharedDiff, error) {
	if a.cs.e == b.cs.e || a.cs.toInternet != b.cs.toInternet || a.cs.fromInternet != b.cs.fromInternet {
		return nil, nil, nil
	}
	ingress, egress, ok := groupRuleChanges(a.cs.e, b.cs.e)
	if !ok {
		return nil, nil, nil
	}
	b2 := b // over a's views already (RelateBeside)
	if b.cs.v != a.cs.v {
		var err error
		if b2, err = b.cs.e.relateOver(a.cs.v, b.opts); err != nil {
			return nil, nil, err
		}
	}
	ids := func(sels []*classSel) []string {
		var out []string
		for _, s := range sels {
			for _, c := range s.ends {
				out = append(out, c.n.ID)
			}
		}
		slices.Sort(out)
		return out
	}
	if !slices.Equal(ids(a.cs.sortedSenders), ids(b2.cs.sortedSenders)) || !slices.Equal(ids(a.cs.sortedRecvers), ids(b2.cs.sortedRecvers)) {
		return nil, nil, nil
	}
	for fam := range 2 {
		if !a.cs.inetFrom[fam].equal(b2.cs.inetFrom[fam]) || !a.cs.inetTo[fam].equal(b2.cs.inetTo[fam]) {
			return nil, nil, nil
		}
	}
	sh := &sharedDiff{ingress: ingress, egressSame: true, limits: map[limitKey]*recvLimit{}, modes: map[string]int{}}
	for _, s := range b2.cs.sortedSenders {
		for _, c := range s.ends {
			if slices.ContainsFunc(c.n.SecurityGroupIDs, func(id string) bool { return egress[id] }) {
				sh.egressSame = false
			}
		}
	}
	return b2, sh, nil
}

// RelateBeside returns e's relation for opts (Relate) to be compared
// with a (DiffRelations(a, ·)). When the snapshots of a's engine and e
// differ only in the rules of groups the path views leave out
// (groupRuleChanges), the two path views are the same network, and the
// relation is computed over a's views, as DiffRelations would compute it
// again anyway: e's own views are not built. Else it is e.Relate(opts).
func (e *Engine) RelateBeside(a *Relation, opts RelationOptions) (*Relation, error) {
	if a.cs.e == e {
		return e.Relate(opts)
	}
	if _, _, ok := groupRuleChanges(a.cs.e, e); !ok {
		return e.Relate(opts)
	}
	return e.relateOver(a.cs.v, opts)
}

// adopt takes another relation's walks of the same probe over the same
// views and selection as its own.
func (r *probeRel) adopt(o *probeRel) {
	r.storeOnce.Do(func() {
		r.pairs, r.intra, r.fromInternet, r.toInternet = o.pairs, o.intra, o.fromInternet, o.toInternet
	})
	o.cs.mu.Lock()
	caveats := slices.Clone(o.cs.caveats)
	o.cs.mu.Unlock()
	for _, c := range caveats {
		r.cs.caveat("%s", c)
	}
}

// limit returns how the receiving classes sa (of a) and sb (of b) are
// compared for probe pi.
func (d *relDiff) limit(pi int, ia, ib *relIndex, sa, sb *classSel) *recvLimit {
	sh := d.sh
	if sa == nil || sb == nil || sa.cls.id != sb.cls.id || !sh.egressSame {
		sh.mu.Lock()
		sh.modes["full"]++
		sh.mu.Unlock()
		return &recvLimit{full: true}
	}
	k := limitKey{pi, sa.cls.id}
	sh.mu.Lock()
	l, ok := sh.limits[k]
	sh.mu.Unlock()
	if ok {
		return l
	}
	l = d.newLimit(ia, ib, sa, sb)
	sh.mu.Lock()
	if _, ok := sh.limits[k]; !ok {
		switch {
		case l.alike:
			sh.modes["admit alike"]++
		case l.skip:
			sh.modes["skipped"]++
		case l.full:
			sh.modes["full"]++
		default:
			sh.modes["limited"]++
		}
	}
	sh.limits[k] = l
	sh.mu.Unlock()
	return l
}

func (d *relDiff) newLimit(ia, ib *relIndex, sa, sb *classSel) *recvLimit {
	pa := ia.pr
	var changed []model.SGRule
	for _, id := range sb.cls.rep.SecurityGroupIDs {
		changed = append(changed, d.sh.ingress[id]...)
	}
	var ways [2][]way
	n := sa.ends[0]
	for fam := range 2 {
		if !pa.probe.Protocol.Carries(fam == 0) {
			continue
		}
		// the deliveries' entries, list by list (not gathered: a class
		// has thousands)
		lists := make([][]pathEntry, 0, len(ia.pairs[fam][n.vm])+len(ia.intra[fam][n.vs])+1)
		for _, vd := range ia.pairs[fam][n.vm] {
			lists = append(lists, vd.ents)
		}
		for _, vd := range ia.intra[fam][n.vs] {
			lists = append(lists, vd.ents)
		}
		lists = append(lists, pa.fromInternet[fam][n.vm])
		for _, ents := range lists {
			for _, e := range ents {
				if e.translated {
					return &recvLimit{full: true}
				}
				if w := (way{e.via, e.forwarded}); !slices.Contains(ways[fam], w) {
					ways[fam] = append(ways[fam], w)
				}
			}
		}
	}
	if len(changed) == 0 {
		return &recvLimit{skip: true}
	}
	l := &recvLimit{cut: map[cutKey]packet{}}
	defer func() {
		if !l.empty() && l.admitAlike(ia, ib, sa, sb, ways) {
			l.skip, l.alike = true, true
		}
	}()
	probe := queryPacket(pa.q, anyAddr(0), anyAddr(0))
	all := probe.dstPorts()
	for i := range changed {
		r := &changed[i]
		if !ruleCoversPorts(r, probe, all) {
			continue
		}
		if !probe.proto.HasPorts() {
			l.any = true
			break
		}
		l.sd = l.sd.union(all.intersect(portsOf(r.Ports())))
	}
	return l
}

// way is how packets arrive at a receiving class: the crossing into its
// VPC, and whether an appliance forwarded them.
type way struct {
	via crossing
	fwd bool
}

// admitAlike reports whether both sides' inbound rules of the receiving
// classes sa (of a) and sb (of b), limited to SD, admit the same packets
// on every way packets arrive there (ways, by IP version). Outside SD
// they admit the same packets anyway (see the top of the file), and the
// walks and the senders' outbound rules are the same: the receiver gets
// exactly the same traffic in both and is skipped. The limited rules are
// kept in l.cut for when it is not.
func (l *recvLimit) admitAlike(ia, ib *relIndex, sa, sb *classSel, ways [2][]way) bool {
	for fam := range 2 {
		ina, inb := l.ingressOf(ia, sa, fam), l.ingressOf(ib, sb, fam)
		for _, w := range ways[fam] {
			if !equalPackets(ina(w.via, w.fwd), inb(w.via, w.fwd)) {
				return false
			}
		}
	}
	return true
}

// equalPackets reports whether two sets of packets of the same probe hold
// the same packets, however their spans cut them.
func equalPackets(p, q packet) bool {
	if _, out := p.cutBy(q); !out.empty() {
		return false
	}
	_, out := q.cutBy(p)
	return out.empty()
}

// rulesNotIn returns the rules of a that b does not hold.
func rulesNotIn(a, b []model.SGRule) []model.SGRule {
	var out []model.SGRule
	for _, r := range a {
		if !slices.ContainsFunc(b, func(x model.SGRule) bool { return reflect.DeepEqual(r, x) }) {
			out = append(out, r)
		}
	}
	return out
}

// empty reports whether SD holds no packet.
func (l *recvLimit) empty() bool { return !l.any && l.sd.empty() }

// ingressOf returns a side's inbound rules for a receiving class, limited
// to SD.
func (l *recvLimit) ingressOf(x *relIndex, d *classSel, fam int) ingressFunc {
	return func(via crossing, fwd bool) packet {
		k := cutKey{x.side, fam, via, fwd}
		l.mu.Lock()
		p, ok := l.cut[k]
		l.mu.Unlock()
		if ok {
			return p
		}
		p = x.pr.ingress(d.cls, fam, via, fwd)
		if !l.any {
			spans := make([]span, 0, len(p.spans))
			for _, s := range p.spans {
				s.dstPorts = s.dstPorts.intersect(l.sd)
				spans = append(spans, s)
			}
			p = p.with(spans)
		}
		l.mu.Lock()
		l.cut[k] = p
		l.mu.Unlock()
		return p
	}
}

// RuleChangeProbes returns probes limited to the traffic a change can
// alter, when the snapshots of a and b differ only in the rules of
// security groups whose members are all ordinary interfaces
// (groupRuleChanges) and hold no load balancer: each probe keeps only
// the destination ports of the inbound and outbound rules one snapshot
// holds and the other does not (the whole probe when such a rule covers a
// protocol without ports), and a probe no such rule matches is dropped.
// A group admits the union of what its rules match, so a packet one
// relation holds and the other lacks is admitted by one side's rules and
// refused by the other's at the same sender or receiver: a rule in one
// side's groups and not the other's matches it, on its destination port
// as the sender sends it (only load balancers change destination ports on
// the way; NAT gateways change sources). Relations computed with the
// returned probes therefore differ exactly where relations with probes do.
// ok is false when the change is anything else; empty is a valid answer
// (rules only reordered: nothing can differ).
func RuleChangeProbes(a, b *Engine, probes []Probe) (out []Probe, ok bool) {
	if len(a.snap.LoadBalancers)+len(b.snap.LoadBalancers) > 0 {
		return nil, false
	}
	ingress, egress, ok := groupRuleChanges(a, b)
	if !ok {
		return nil, false
	}
	var changed []model.SGRule
	for i, ga := range a.snap.SecurityGroups {
		gb := b.snap.SecurityGroups[i]               // the same groups in the same order (groupRuleChanges)
		changed = append(changed, ingress[ga.ID]...) // the inbound rules one holds and not the other
		if egress[ga.ID] {
			changed = slices.Concat(changed, rulesNotIn(ga.Egress, gb.Egress), rulesNotIn(gb.Egress, ga.Egress))
		}
	}
	out = []Probe{}
	for _, p := range probes {
		var ports portSet
		whole := false
		for i := range changed {
			r := &changed[i]
			if !r.Protocol.Matches(p.Protocol) {
				continue
			}
			if !p.Protocol.HasPorts() || r.Ports() == model.AllPorts {
				whole = true
				break
			}
			ports = ports.union(portSet{r.Ports()})
		}
		switch {
		case whole:
			out = append(out, p)
		case !ports.empty():
			if p.Ports != nil {
				ports = ports.intersect(p.Ports)
			}
			if !ports.empty() {
				out = append(out, Probe{Protocol: p.Protocol, Ports: ports, ICMP: p.ICMP})
			}
		}
	}
	return out, true
}
