package reach

import (
	"cmp"
	"fmt"
	"net/netip"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/vpcscope/vpcscope/model"
)

// This file computes the exact relation "which packets of a probe get
// from which interfaces (or the internet) to which, both ways" that the
// whole-network questions share. It walks the path views (connview.go):
// one walk per class of senders toward every receiver at once, the
// network between them (routes, gateways, network ACLs, appliances) and
// the reply; then applies each end's own security groups to what got
// through, once per class and cached. See Relation.

// connEnd is one interface a whole-network question answers about.
type connEnd struct {
	n   *model.NetworkInterface
	cls *ifaceClass // its class in the engine
	// vm and vs are its classes in the merged and the subnet view.
	vm, vs *ifaceClass
	// addr is the address it sends from and is reached at, per IP
	// version (0: its primary private IPv4 address, 1: its first IPv6
	// address), as point queries use them; pub the addresses the
	// internet reaches it at.
	addr [2]netip.Addr
	pub  [2][]netip.Addr
}

// classSel is the selected members of one class of the engine, on one
// side of a question.
type classSel struct {
	cls  *ifaceClass
	ends []*connEnd
	// addrs are the members' addresses per IP version, pubs those the
	// internet reaches them at.
	addrs, pubs [2]addrs
}

// connSet is the selection a whole-network question is about and the
// views it walks.
type connSet struct {
	e       *Engine
	v       *connViews
	ends    map[string]*connEnd
	workers int
	// senders and receivers are the selected ends by class of the engine.
	senders, receivers         map[*ifaceClass]*classSel
	fromInternet, toInternet   bool
	sendersByVM, receiversByVM map[*ifaceClass][]*connEnd
	sendersByVS, receiversByVS map[*ifaceClass][]*connEnd
	notEnds                    []string
	mu                         sync.Mutex
	caveats                    []string
	viaDependent               map[*ifaceClass]bool
	// sgCanon maps a class to the first class met with the same VPC and
	// security groups (in order), sgFirst holds those by that key: the
	// class's inbound decisions (ingress) depend on nothing else.
	sgCanon                      map[*ifaceClass]*ifaceClass
	sgFirst                      map[string]*ifaceClass
	instanceOf                   map[string]string
	sortedSenders, sortedRecvers []*classSel
	// inetFrom and inetTo are the internet addresses of the senders and
	// receivers, per IP version.
	inetFrom, inetTo [2]addrs
	translatableOnce [2]sync.Once
	translatable     [2]bool
	// units are senderUnits, pairs instancePairs, each made once.
	unitsOnce [2]sync.Once
	units     [2]*senderUnits
	pairsOnce sync.Once
	pairs     map[[2]string]bool
	// recvVia is recversViaDependent, made once.
	recvViaOnce sync.Once
	recvVia     []bool
	// recvTargetsOf is recvTargets, made once per IP version.
	recvTargetsOnce [2]sync.Once
	recvTargetsOf   [2]*recvTargets
	// selsByView are the selected classes by the merged (0) or subnet (1)
	// view class of their members, senders and receivers.
	selsByView [2][2]map[*ifaceClass][]*classSel
}

// selsOf returns the selected classes (receivers or senders) whose
// members are in a class of the merged or the subnet view.
func (cs *connSet) selsOf(v *ifaceClass, receivers, subnetView bool) []*classSel {
	i, j := 0, 0
	if receivers {
		i = 1
	}
	if subnetView {
		j = 1
	}
	return cs.selsByView[i][j][v]
}

// isEnd reports whether an interface is one whole-network questions
// answer about: not a NAT gateway, load balancer node, VPC endpoint or
// transit gateway attachment (they carry others' traffic), and not of a
// stopped instance.
func (e *Engine) isEnd(n *model.NetworkInterface) bool {
	return e.natByENI[n.ID] == nil && e.lbByENI[n.ID] == nil && e.vpceByNI[n.ID] == nil &&
		managedOwner(n) == "" && n.InterfaceType != "transit_gateway" && down(e.ix.Instance(n.InstanceID())) == ""
}

// Ends returns the interfaces whole-network questions answer about, by
// ID: every interface but those of NAT gateways, load balancers, VPC
// endpoints and transit gateway attachments, and those of stopped
// instances.
func (e *Engine) Ends() []string {
	var out []string
	for _, n := range e.snap.NetworkInterfaces {
		if e.isEnd(n) {
			out = append(out, n.ID)
		}
	}
	return out
}

// newConnSet selects the ends of a question. Interfaces that are not ends
// (Ends) are left out and named in a caveat.
func (e *Engine) newConnSet(v *connViews, from, to Group, workers int) (*connSet, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if v == nil {
		v = e.views()
	}
	cs := &connSet{e: e, v: v, ends: map[string]*connEnd{}, workers: workers,
		senders: map[*ifaceClass]*classSel{}, receivers: map[*ifaceClass]*classSel{},
		fromInternet: from.Internet, toInternet: to.Internet,
		sendersByVM: map[*ifaceClass][]*connEnd{}, receiversByVM: map[*ifaceClass][]*connEnd{},
		sendersByVS: map[*ifaceClass][]*connEnd{}, receiversByVS: map[*ifaceClass][]*connEnd{},
		viaDependent: map[*ifaceClass]bool{}, instanceOf: map[string]string{},
		sgCanon: map[*ifaceClass]*ifaceClass{}, sgFirst: map[string]*ifaceClass{}}
	end := func(id string) (*connEnd, error) {
		if c := cs.ends[id]; c != nil {
			return c, nil
		}
		n := e.ix.Interface(id)
		if n == nil {
			return nil, inputErr("interface %s is not in the snapshot", id)
		}
		if !e.isEnd(n) {
			cs.notEnds = append(cs.notEnds, id)
			return nil, nil
		}
		c := &connEnd{n: n, cls: e.classOf[n], vm: cs.v.merged.classOf[cs.v.merged.ix.Interface(id)], vs: cs.v.bySubnet.classOf[cs.v.bySubnet.ix.Interface(id)]}
		c.addr[0] = pointAddr(n, 0)
		c.addr[1] = pointAddr(n, 1)
		for _, a := range receiverAddrs(n, netip.Addr{}, true) {
			if a.Is4() {
				if !isPrivate(a) {
					c.pub[0] = append(c.pub[0], a)
				}
			} else {
				c.pub[1] = append(c.pub[1], a)
			}
		}
		cs.ends[id] = c
		if in := n.InstanceID(); in != "" {
			cs.instanceOf[id] = in
		}
		return c, nil
	}
	add := func(ids []string, sel map[*ifaceClass]*classSel, byVM, byVS map[*ifaceClass][]*connEnd) error {
		seen := map[string]bool{}
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			c, err := end(id)
			if err != nil {
				return err
			}
			if c == nil {
				continue
			}
			s := sel[c.cls]
			if s == nil {
				s = &classSel{cls: c.cls}
				sel[c.cls] = s
			}
			s.ends = append(s.ends, c)
			byVM[c.vm] = append(byVM[c.vm], c)
			byVS[c.vs] = append(byVS[c.vs], c)
		}
		return nil
	}
	if err := add(from.Interfaces, cs.senders, cs.sendersByVM, cs.sendersByVS); err != nil {
		return nil, err
	}
	if err := add(to.Interfaces, cs.receivers, cs.receiversByVM, cs.receiversByVS); err != nil {
		return nil, err
	}
	for _, m := range []map[*ifaceClass]*classSel{cs.senders, cs.receivers} {
		for _, s := range m {
			for fam := range 2 {
				var a, p []netip.Addr
				for _, c := range s.ends {
					if c.addr[fam].IsValid() {
						a = append(a, c.addr[fam])
					}
					p = append(p, c.pub[fam]...)
				}
				s.addrs[fam], s.pubs[fam] = addrsOfList(a), addrsOfList(p)
			}
		}
	}
	for fam := range 2 {
		cs.inetFrom[fam], cs.inetTo[fam] = e.internetAddrs[fam], e.internetAddrs[fam]
		if from.Addresses != nil {
			cs.inetFrom[fam], _ = cs.inetFrom[fam].split(addrsOf(from.Addresses))
		}
		if to.Addresses != nil {
			cs.inetTo[fam], _ = cs.inetTo[fam].split(addrsOf(to.Addresses))
		}
	}
	cs.sortedSenders = sortedSels(cs.senders)
	cs.sortedRecvers = sortedSels(cs.receivers)
	for i, sels := range [][]*classSel{cs.sortedSenders, cs.sortedRecvers} {
		for j := range 2 {
			cs.selsByView[i][j] = map[*ifaceClass][]*classSel{}
		}
		for _, s := range sels {
			cs.selsByView[i][0][s.ends[0].vm] = append(cs.selsByView[i][0][s.ends[0].vm], s)
			cs.selsByView[i][1][s.ends[0].vs] = append(cs.selsByView[i][1][s.ends[0].vs], s)
		}
	}
	slices.Sort(cs.notEnds)
	return cs, nil
}

// selRanks returns the place of every selected class of senders (0) and
// receivers (1) in the order of class IDs, nil (the internet) first.
func (cs *connSet) selRanks() [2]map[*classSel]int {
	var out [2]map[*classSel]int
	for i, sels := range [][]*classSel{cs.sortedSenders, cs.sortedRecvers} {
		out[i] = make(map[*classSel]int, len(sels)+1)
		out[i][nil] = -1
		for k, s := range sels {
			out[i][s] = k
		}
	}
	return out
}

func sortedSels(m map[*ifaceClass]*classSel) []*classSel {
	out := make([]*classSel, 0, len(m))
	for _, s := range m {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *classSel) int { return cmp.Compare(a.cls.id, b.cls.id) })
	return out
}

func (cs *connSet) caveat(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	cs.mu.Lock()
	cs.caveats = appendUnique(cs.caveats, s)
	cs.mu.Unlock()
}

// parallel runs the jobs on the set's workers, in order of index as
// workers free up.
func (cs *connSet) parallel(n int, job func(i int)) {
	if n == 0 {
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(cs.workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				job(i)
			}
		}()
	}
	wg.Wait()
}

// pathEntry is what one path of a walk in a view delivered: the requests
// that got through both ways, in the sender's terms, and how they
// arrived — the crossing into the receiver's VPC, whether an appliance
// forwarded them, whether a NAT gateway or load balancer translated them.
type pathEntry struct {
	req                   packet
	via                   crossing
	forwarded, translated bool
}

type classPair [2]*ifaceClass

// probeRel is the relation for one probe: what the walks in the views
// delivered, by pair of view classes, and the security group caches.
type probeRel struct {
	cs    *connSet
	probe Probe
	q     Query
	mu    sync.Mutex
	// pairs are the merged view's deliveries between its classes; intra
	// the subnet view's between subnets of one merged class; fromInternet
	// and toInternet those from and to the internet, by merged class.
	pairs, intra             [2]map[classPair][]pathEntry
	fromInternet, toInternet [2]map[*ifaceClass][]pathEntry
	inCache                  map[inKey]packet
	groupIn                  map[groupInKey]packet
	mixIn                    map[inKey]packet
	outCache                 map[outKey]egressSet
	realWalks                map[realWalkKey]packet
	storeOnce                sync.Once
	// none is the probe's empty set of packets.
	none packet
}

// stored walks the views once and keeps every delivery.
func (r *probeRel) stored() { r.storeOnce.Do(func() { r.run(r.storeSink()) }) }

type inKey struct {
	cls *ifaceClass
	fam int
	// via is the crossing packets came by, for classes whose rules match
	// by it (dependsOnVia); any marks the upper bound of ingressAny.
	via      crossing
	any, fwd bool
}

type outKey struct {
	cls *ifaceClass
	fam int
}

// egressSet is what a class's security groups let out: the packets, and
// whether that is everything.
type egressSet struct {
	pkt packet
	all bool
}

type realWalkKey struct {
	s, d *ifaceClass
	fam  int
}

// newProbeRel prepares the relation of one probe; run walks it.
func (cs *connSet) newProbeRel(p Probe) *probeRel {
	r := &probeRel{cs: cs, probe: p, q: p.query(), inCache: map[inKey]packet{}, groupIn: map[groupInKey]packet{}, mixIn: map[inKey]packet{}, outCache: map[outKey]egressSet{},
		realWalks: map[realWalkKey]packet{}}
	r.none = queryPacket(r.q, addrs{}, addrs{}).with(nil)
	for fam := range 2 {
		r.pairs[fam] = map[classPair][]pathEntry{}
		r.intra[fam] = map[classPair][]pathEntry{}
		r.fromInternet[fam] = map[*ifaceClass][]pathEntry{}
		r.toInternet[fam] = map[*ifaceClass][]pathEntry{}
	}
	return r
}

// walkSink receives what the walks of one probe deliver, as each walk
// finishes (concurrently).
type walkSink struct {
	// want returns the destination ports a walk from sender class m goes
	// toward receiver class n (of the subnet view when subnetView) with,
	// given the network ACL bound of the ports that could get through
	// (connbound.go): none to leave n out; nil: the bound. A walk carries
	// the union of the ports it goes toward its receivers with.
	want func(fam int, m, n *ifaceClass, subnetView bool, bound portSet) portSet
	// pairs gets the merged view's deliveries from sender class m, by
	// receiving class; intra the subnet view's from class a.
	pairs, intra func(fam int, m *ifaceClass, got map[*ifaceClass][]pathEntry)
	// fromInternet gets the deliveries from the internet to merged class
	// n, toInternet those from merged class m to the internet.
	fromInternet, toInternet func(fam int, c *ifaceClass, ents []pathEntry)
	// order sorts the merged classes of senders into the order their
	// walks start in (nil: by ID).
	order func(ms []*ifaceClass) []*ifaceClass
}

// storeSink keeps every delivery, for the questions that read them
// pair of classes by pair (between).
func (r *probeRel) storeSink() walkSink {
	keep := func(into *[2]map[classPair][]pathEntry) func(int, *ifaceClass, map[*ifaceClass][]pathEntry) {
		return func(fam int, m *ifaceClass, got map[*ifaceClass][]pathEntry) {
			r.mu.Lock()
			for n, es := range got {
				into[fam][classPair{m, n}] = append(into[fam][classPair{m, n}], es...)
			}
			r.mu.Unlock()
		}
	}
	inet := func(into *[2]map[*ifaceClass][]pathEntry) func(int, *ifaceClass, []pathEntry) {
		return func(fam int, c *ifaceClass, ents []pathEntry) {
			r.mu.Lock()
			into[fam][c] = append(into[fam][c], ents...)
			r.mu.Unlock()
		}
	}
	return walkSink{pairs: keep(&r.pairs), intra: keep(&r.intra), fromInternet: inet(&r.fromInternet), toInternet: inet(&r.toInternet)}
}

// run walks the views for the probe, both IP versions, handing what the
// walks deliver to the sink.
func (r *probeRel) run(sink walkSink) {
	var jobs []func()
	for fam := range 2 {
		if !r.probe.Protocol.Carries(fam == 0) {
			continue
		}
		jobs = append(jobs, r.walkJobs(fam, sink)...)
	}
	r.cs.parallel(len(jobs), func(i int) { jobs[i]() })
}

// walkJobs lists the walks of one IP version: every merged class of
// senders toward every receiver and the internet, each subnet of a merged
// class toward the others, and the internet toward every merged class
// of receivers.
func (r *probeRel) walkJobs(fam int, sink walkSink) []func() {
	cs, v := r.cs, r.cs.v
	var jobs []func()
	rt := cs.recvTargets(fam)
	targets, recvOrder, recvRanges := rt.targets, rt.order, rt.ranges
	bounds := r.newACLBounds(fam)
	// recvACL numbers soundOf of the receivers, in recvOrder, among the
	// distinct ACLs acls (-1: none), for the sender jobs' bounds: a job
	// asks the shared cache once per ACL, not once per receiver
	recvACL := make([]int, len(recvOrder))
	var acls []*model.NetworkACL
	aclNum := map[*model.NetworkACL]int{}
	for i, n := range recvOrder {
		acl := bounds.soundOf(n, fam)
		if acl == nil {
			recvACL[i] = -1
			continue
		}
		k, ok := aclNum[acl]
		if !ok {
			k = len(acls)
			aclNum[acl] = k
			acls = append(acls, acl)
		}
		recvACL[i] = k
	}
	// wantWithin is want given the bound b of the pair.
	wantWithin := func(m, n *ifaceClass, subnetView bool, b portSet) portSet {
		if sink.want != nil && !b.empty() {
			return sink.want(fam, m, n, subnetView, b)
		}
		return b
	}
	want := func(m, n *ifaceClass, subnetView bool) portSet {
		return wantWithin(m, n, subnetView, bounds.bound(m, n, fam))
	}
	// query returns the probe's query over the ports the walk wants.
	query := func(ports portSet) Query {
		q := r.q
		if q.Protocol.HasPorts() {
			q.ports = ports
		}
		return q
	}
	senders := sortedClasses(cs.sendersByVM)
	if sink.order != nil {
		senders = sink.order(senders)
	}
	for _, m := range senders {
		ends := cs.sendersByVM[m]
		in := endMap(v.merged, ends, fam)
		if len(in) == 0 {
			continue
		}
		jobs = append(jobs, func() {
			sp, ok := v.merged.classPoint(m, in, fam)
			if !ok {
				return
			}
			chosen := make([]bool, len(recvOrder))
			var ports portSet
			am := bounds.soundOf(m, fam)
			row := make([]portSet, len(acls)) // bounds.between(am, acls[k], fam)
			rowSeen := make([]bool, len(acls))
			for i, n := range recvOrder {
				b := bounds.all // bounds.bound(m, n, fam), soundOf looked up once
				if k := recvACL[i]; m != n && am != nil && k >= 0 {
					if !rowSeen[k] {
						row[k], rowSeen[k] = bounds.between(am, acls[k], fam), true
					}
					b = row[k]
				}
				if w := wantWithin(m, n, false, b); !w.empty() {
					chosen[i] = true
					ports = ports.union(w)
				}
			}
			if to := unionOf(recvRanges, chosen); !to.empty() {
				dp := point{ep: Endpoint{Kind: "network-interface"}, addrs: to, addr: to.first(), targets: targets}
				sink.pairs(fam, m, r.walk(v.merged, sp, dp, query(ports)))
			}
			if cs.toInternet && !cs.inetTo[fam].empty() {
				dp := point{ep: Endpoint{Kind: "internet"}, addrs: cs.inetTo[fam], internet: true}
				dp.addr = dp.addrs.witness(dp.prefer())
				var ents []pathEntry
				for _, es := range r.walk(v.merged, sp, dp, r.q) {
					ents = append(ents, es...)
				}
				sink.toInternet(fam, m, ents)
			}
		})
	}
	// pairs of subnets inside one merged class, in the subnet view
	for _, a := range sortedClasses(cs.sendersByVS) {
		ends := cs.sendersByVS[a]
		m := ends[0].vm
		if !v.multi[m] {
			continue
		}
		in := endMap(v.bySubnet, ends, fam)
		if len(in) == 0 {
			continue
		}
		jobs = append(jobs, func() {
			byClass := map[*ifaceClass][]netip.Addr{}
			others := map[string]bool{}
			for _, c := range cs.receiversByVM[m] {
				if c.n.SubnetID != ends[0].n.SubnetID && c.addr[fam].IsValid() {
					byClass[c.vs] = append(byClass[c.vs], c.addr[fam])
					others[c.n.ID] = true
				}
			}
			var sets []addrs
			var ports portSet
			for b, list := range byClass {
				if w := want(a, b, true); !w.empty() {
					sets = append(sets, addrsOfList(list))
					ports = ports.union(w)
				}
			}
			to := unionAll(sets)
			sp, ok := v.bySubnet.classPoint(a, in, fam)
			if !ok || to.empty() {
				return
			}
			dp := point{ep: Endpoint{Kind: "network-interface"}, addrs: to, addr: to.first(), targets: others}
			sink.intra(fam, a, r.walk(v.bySubnet, sp, dp, query(ports)))
		})
	}
	if cs.fromInternet && !cs.inetFrom[fam].empty() {
		for _, n := range sortedClasses(cs.receiversByVM) {
			in := map[string]*model.NetworkInterface{}
			for _, c := range cs.receiversByVM[n] {
				if len(c.pub[fam]) > 0 {
					in[c.n.ID] = v.merged.ix.Interface(c.n.ID)
				}
			}
			if len(in) == 0 {
				continue
			}
			jobs = append(jobs, func() {
				sp := point{ep: Endpoint{Kind: "internet"}, addrs: cs.inetFrom[fam], internet: true}
				sp.addr = sp.addrs.witness(sp.prefer())
				dp, ok := v.merged.targetsPoint(in, fam, true)
				if !ok {
					return
				}
				var ents []pathEntry
				for _, es := range r.walk(v.merged, sp, dp, r.q) {
					ents = append(ents, es...)
				}
				sink.fromInternet(fam, n, ents)
			})
		}
	}
	return jobs
}

// recvTargets are the receivers of the merged view of one IP version, as
// every probe's walks go toward them: the interfaces (targets), their
// classes in order of ID, and the ranges of the classes' addresses
// (sortedRangesOf, in that order). Made once; read only.
type recvTargets struct {
	targets map[string]bool
	order   []*ifaceClass
	ranges  []indexedRange
}

// recvTargets returns the receivers' targets of an IP version.
func (cs *connSet) recvTargets(fam int) *recvTargets {
	cs.recvTargetsOnce[fam].Do(func() {
		targets := map[string]bool{}
		recv := map[*ifaceClass]addrs{}
		for n, ends := range cs.receiversByVM {
			var list []netip.Addr
			for _, c := range ends {
				if c.addr[fam].IsValid() {
					targets[c.n.ID] = true
					list = append(list, c.addr[fam])
				}
			}
			if len(list) > 0 {
				recv[n] = addrsOfList(list)
			}
		}
		recvOrder := make([]*ifaceClass, 0, len(recv))
		for n := range recv {
			recvOrder = append(recvOrder, n)
		}
		slices.SortFunc(recvOrder, func(a, b *ifaceClass) int { return cmp.Compare(a.id, b.id) })
		recvSets := make([]addrs, len(recvOrder))
		for i, n := range recvOrder {
			recvSets[i] = recv[n]
		}
		cs.recvTargetsOf[fam] = &recvTargets{targets: targets, order: recvOrder, ranges: sortedRangesOf(recvSets)}
	})
	return cs.recvTargetsOf[fam]
}

// endMap returns the interfaces of a view for the ends that have an
// address of the IP version.
func endMap(v *Engine, ends []*connEnd, fam int) map[string]*model.NetworkInterface {
	out := map[string]*model.NetworkInterface{}
	for _, c := range ends {
		if c.addr[fam].IsValid() {
			out[c.n.ID] = v.ix.Interface(c.n.ID)
		}
	}
	return out
}

func sortedClasses(m map[*ifaceClass][]*connEnd) []*ifaceClass {
	out := make([]*ifaceClass, 0, len(m))
	for c := range m {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *ifaceClass) int { return cmp.Compare(a.id, b.id) })
	return out
}

// walk walks the query's packets from sp to dp in a view and returns what
// each path delivered, by the class it arrived at (nil: the internet). A
// path with a hop the snapshot cannot decide delivers nothing (the point
// query says unknown) and leaves a caveat.
func (r *probeRel) walk(v *Engine, sp, dp point, q Query) map[*ifaceClass][]pathEntry {
	req := queryPacket(q, sp.addrs, dp.addrs)
	out := map[*ifaceClass][]pathEntry{}
	for _, p := range v.walkPaths(sp, dp, req, true) {
		for _, c := range p.fw.flow.caveats {
			if strings.Contains(c, "split into more than") {
				r.cs.caveat("%s: %s", r.probe, c)
			}
		}
		if !p.ok {
			continue
		}
		if len(p.fw.unverified)+len(p.rv.unverified) > 0 {
			for _, u := range slices.Concat(p.fw.unverified, p.rv.unverified) {
				r.cs.caveat("not checked, so not counted: %s", u)
			}
			continue
		}
		for _, c := range p.rv.flow.caveats {
			if !strings.Contains(c, "a client using a source port there fails") {
				r.cs.caveat("%s", c) // the source-port note is a point query's, not a set's
			}
		}
		back := p.rv.arr.pkt.reply()
		back.icmp = req.icmp
		ent := pathEntry{req: back, via: p.fw.flow.via, forwarded: p.fw.arr.pkt.forwarded,
			translated: len(p.fw.flow.nats) > 0 || p.fw.arr.lb != nil}
		var key *ifaceClass
		if p.fw.arr.kind == arrivedInterface && p.fw.arr.eni != nil {
			key = v.classOf[p.fw.arr.eni]
		}
		out[key] = append(out[key], ent)
	}
	return out
}

// anyAddr returns an address of the IP version, for a set whose
// destination (or source) a security group does not look at.
func anyAddr(fam int) addrs {
	if fam == 0 {
		return addrOf(netip.IPv4Unspecified())
	}
	return addrOf(netip.IPv6Unspecified())
}

// ingress returns the packets of the probe, from every address of the IP
// version, that a class's security groups admit when they arrive by via
// (forwarded: through an appliance), as the walk's stage evaluates them:
// the sources and destination ports (the destination address is any).
func (r *probeRel) ingress(c *ifaceClass, fam int, via crossing, fwd bool) packet {
	c = r.cs.sgCanonical(c)
	key := inKey{cls: c, fam: fam, fwd: fwd}
	if r.cs.dependsOnVia(c) {
		key.via = via
	}
	return memo(&r.mu, r.inCache, key, func() packet {
		e := r.cs.e
		p := queryPacket(r.q, e.allAddrs[fam], anyAddr(fam))
		p.forwarded = fwd
		if len(c.rep.SecurityGroupIDs) > 0 {
			v := via
			p = e.evalSecurityGroupsVia(c.rep, false, p, &v, false).admitted.pkt
		}
		return p
	})
}

// ingressAny is ingress for packets that came any way, not forwarded: an
// upper bound of what the class admits however they came.
func (r *probeRel) ingressAny(c *ifaceClass, fam int) packet {
	c = r.cs.sgCanonical(c)
	if !r.cs.dependsOnVia(c) {
		return r.ingress(c, fam, crossing{}, false)
	}
	key := inKey{cls: c, fam: fam, any: true}
	return memo(&r.mu, r.inCache, key, func() packet {
		e := r.cs.e
		p := queryPacket(r.q, e.allAddrs[fam], anyAddr(fam))
		if len(c.rep.SecurityGroupIDs) > 0 {
			p = e.evalSecurityGroupsVia(c.rep, false, p, nil, false).admitted.pkt
		}
		return p
	})
}

// egress returns the packets of the probe, to every address of the IP
// version, that a class's security groups let out: the destinations and
// destination ports.
func (r *probeRel) egress(c *ifaceClass, fam int) egressSet {
	key := outKey{cls: c, fam: fam}
	return memo(&r.mu, r.outCache, key, func() egressSet {
		e := r.cs.e
		p := queryPacket(r.q, anyAddr(fam), e.allAddrs[fam])
		if len(c.rep.SecurityGroupIDs) == 0 {
			return egressSet{pkt: p, all: true}
		}
		d := e.evalSecurityGroupsVia(c.rep, true, p, nil, false)
		return egressSet{pkt: d.admitted.pkt, all: d.refused.empty()}
	})
}

// memo returns m[key], computing it on a miss (outside the lock, so that
// walks run in parallel: two workers may both compute a missing value,
// the same one) and keeping it; mu guards m.
func memo[K comparable, V any](mu *sync.Mutex, m map[K]V, key K, compute func() V) V {
	mu.Lock()
	v, ok := m[key]
	mu.Unlock()
	if ok {
		return v
	}
	v = compute()
	mu.Lock()
	m[key] = v
	mu.Unlock()
	return v
}

// sgCanonical returns the first class met with the VPC and the security
// groups (in order) of c's representative: evalSecurityGroupsVia reads
// nothing else of an interface, so inbound decisions made for it are c's
// (thousands of classes of the large account share a few thousand mixes
// of groups).
func (cs *connSet) sgCanonical(c *ifaceClass) *ifaceClass {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if k, ok := cs.sgCanon[c]; ok {
		return k
	}
	key := c.rep.VPCID + "|" + strings.Join(c.rep.SecurityGroupIDs, ",")
	k, ok := cs.sgFirst[key]
	if !ok {
		k = c
		cs.sgFirst[key] = c
	}
	cs.sgCanon[c] = k
	return k
}

// dependsOnVia reports whether a class's inbound rules can match
// differently by the way packets came: when a rule references a group
// with members in another VPC (whether the reference reaches them depends
// on the peering or transit gateway crossed).
// recversViaDependent returns dependsOnVia of the selected receiving
// classes, in the order of sortedRecvers, worked out once (read only).
func (cs *connSet) recversViaDependent() []bool {
	cs.recvViaOnce.Do(func() {
		cs.recvVia = make([]bool, len(cs.sortedRecvers))
		for i, d := range cs.sortedRecvers {
			cs.recvVia[i] = cs.dependsOnVia(d.cls)
		}
	})
	return cs.recvVia
}

func (cs *connSet) dependsOnVia(c *ifaceClass) bool {
	cs.mu.Lock()
	dep, ok := cs.viaDependent[c]
	cs.mu.Unlock()
	if ok {
		return dep
	}
	for _, id := range c.rep.SecurityGroupIDs {
		if cs.e.groupDependsOnVia(id, c.rep.VPCID) {
			dep = true
		}
	}
	cs.mu.Lock()
	cs.viaDependent[c] = dep
	cs.mu.Unlock()
	return dep
}

// groupDependsOnVia reports whether a security group's inbound rules, on
// an interface of vpc, can match differently by the way packets came: a
// rule references a group with members in another VPC.
func (e *Engine) groupDependsOnVia(id, vpc string) bool {
	sg := e.ix.SecurityGroup(id)
	if sg == nil {
		return false
	}
	for _, r := range sg.Ingress {
		if r.Group == nil {
			continue
		}
		for v := range e.groupMembers[r.Group.GroupID] {
			if v != vpc {
				return true
			}
		}
	}
	return false
}

// restrictEnds returns the packets of p from src to dst: the inside
// parts of p.splitSrc(src) and then splitDst(dst), span for span, without
// building the outside parts.
func restrictEnds(p packet, src, dst addrs) packet {
	var out []span
	for _, s := range p.spans {
		if x := s.src.intersect(src); !x.empty() {
			s.src = x
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return p.with(nil)
	}
	// out is this function's own: the packets are built in it, and the
	// destination pass narrows them in place (read ahead of every write)
	p = p.withOwned(out[:0], out)
	out = p.spans[:0]
	for _, s := range p.spans {
		if x := s.dst.intersect(dst); !x.empty() {
			s.dst = x
			out = append(out, s)
		}
	}
	return p.withOwned(out[:0], out)
}

// admitBy returns the packets of p that a filter's admitted packets by
// hold, matching sources (onSrc) or destinations, and destination ports.
func admitBy(p packet, by packet, onSrc bool) packet {
	ports := p.proto.HasPorts()
	var out []span
	for _, s := range p.spans {
		for _, t := range by.spans {
			x := s
			if ports {
				// the ports first: a span of by on other ports adds
				// nothing, and its addresses need no split
				if x.dstPorts = s.dstPorts.intersect(t.dstPorts); x.dstPorts.empty() {
					continue
				}
			}
			if onSrc {
				x.src, _ = s.src.split(t.src)
			} else {
				x.dst, _ = s.dst.split(t.dst)
			}
			if !x.empty(ports) {
				out = append(out, x)
			}
		}
	}
	return p.withOwned(out[:0], out) // out is its own
}

// betweenOf returns the packets of the probe that get from the selected
// members of class s to those of class d, both ways, exactly, over what
// the views delivered between them (ents): narrowed by s's outbound and
// d's inbound security group rules. Where a NAT gateway or load balancer
// translated the packets on the way, the engine itself walks the pair.
func (r *probeRel) betweenOf(fam int, s, d *classSel, ents []pathEntry) packet {
	return r.betweenOfBy(fam, s, d, ents, nil)
}

// ingressFunc returns what a receiving class's groups admit of packets
// that came by via (forwarded: through an appliance); nil: probeRel.ingress.
type ingressFunc func(via crossing, fwd bool) packet

// betweenOfBy is betweenOf with the receiver's inbound rules given by in.
func (r *probeRel) betweenOfBy(fam int, s, d *classSel, ents []pathEntry, in ingressFunc) packet {
	if in == nil {
		in = func(via crossing, fwd bool) packet { return r.ingress(d.cls, fam, via, fwd) }
	}
	out := r.none
	if s.addrs[fam].empty() || d.addrs[fam].empty() {
		return out
	}
	real := false
	for _, ent := range ents {
		p := restrictEnds(ent.req, s.addrs[fam], d.addrs[fam])
		if p.empty() {
			continue
		}
		if ent.translated {
			real = true
			continue
		}
		if eg := r.egress(s.cls, fam); !eg.all {
			p = admitBy(p, eg.pkt, false)
		}
		p = admitBy(p, in(ent.via, ent.forwarded), true)
		out = out.union(p)
	}
	if real {
		out = out.union(r.realWalk(fam, s, d))
	}
	return out
}

// realWalk walks the probe from the selected members of s to those of d
// in the engine itself, for paths that translate addresses.
func (r *probeRel) realWalk(fam int, s, d *classSel) packet {
	e := r.cs.e
	key := realWalkKey{s: s.cls, d: d.cls, fam: fam}
	return memo(&r.mu, r.realWalks, key, func() packet {
		in := map[string]*model.NetworkInterface{}
		for _, c := range s.ends {
			in[c.n.ID] = c.n
		}
		to := map[string]*model.NetworkInterface{}
		for _, c := range d.ends {
			to[c.n.ID] = c.n
		}
		sp, ok1 := e.classPoint(s.cls, in, fam)
		dp, ok2 := e.targetsPoint(to, fam, false)
		req := queryPacket(r.q, s.addrs[fam], d.addrs[fam])
		p := req.with(nil)
		if ok1 && ok2 {
			req = queryPacket(r.q, sp.addrs, dp.addrs)
			for _, path := range e.walkPaths(sp, dp, req, true) {
				if path.ok && len(path.fw.unverified)+len(path.rv.unverified) == 0 {
					back := path.rv.arr.pkt.reply()
					back.icmp = req.icmp
					p = p.union(back)
				}
			}
		}
		return p
	})
}

// fromInternetTo returns the packets of the probe from the internet that
// get to the selected members of class d (at their public or IPv6
// addresses), both ways, over the deliveries to its merged class.
func (r *probeRel) fromInternetTo(fam int, d *classSel, ents []pathEntry) packet {
	return r.fromInternetToBy(fam, d, ents, nil)
}

// fromInternetToBy is fromInternetTo with the receiver's inbound rules
// given by in.
func (r *probeRel) fromInternetToBy(fam int, d *classSel, ents []pathEntry, in ingressFunc) packet {
	if in == nil {
		in = func(via crossing, fwd bool) packet { return r.ingress(d.cls, fam, via, fwd) }
	}
	out := queryPacket(r.q, r.cs.inetFrom[fam], d.pubs[fam]).with(nil)
	if d.pubs[fam].empty() {
		return out
	}
	for _, ent := range ents {
		p := restrictEnds(ent.req, r.cs.inetFrom[fam], d.pubs[fam])
		if p.empty() {
			continue
		}
		p = admitBy(p, in(ent.via, ent.forwarded), true)
		out = out.union(p)
	}
	return out
}

// toInternetFrom returns the packets of the probe from the selected
// members of class s that get to the internet and back, over the
// deliveries from its merged class.
func (r *probeRel) toInternetFrom(fam int, s *classSel, ents []pathEntry) packet {
	out := queryPacket(r.q, s.addrs[fam], r.cs.inetTo[fam]).with(nil)
	if s.addrs[fam].empty() {
		return out
	}
	for _, ent := range ents {
		p := restrictEnds(ent.req, s.addrs[fam], r.cs.inetTo[fam])
		if p.empty() {
			continue
		}
		if eg := r.egress(s.cls, fam); !eg.all {
			p = admitBy(p, eg.pkt, false)
		}
		out = out.union(p)
	}
	return out
}
