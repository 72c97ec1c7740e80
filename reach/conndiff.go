package reach

import (
	"cmp"
	"encoding/binary"
	"hash/maphash"
	"net/netip"
	"slices"
	"sync"

	"github.com/vpcscope/vpcscope/model"
)

// This file compares two relations (the same question asked of two
// snapshots) without expanding either into pairs of interfaces: a large
// account has tens of millions of pairs, while what changed is usually a
// small part of them. The receivers are taken a few at a time; for each,
// both relations compute what gets through to it, sender by sender, from
// the walks they keep per pair of view classes (the same betweenOf every
// other reading of a relation uses), and only the differences are kept.
// Memory is bounded by a handful of receivers' inbound traffic and by the
// differences themselves.

// DeltaItem is traffic that one relation holds and the other does not:
// every interface of From reaches every interface of To on every port of
// Ports. From or To is ["internet"] for the internet, whose addresses are
// then in Internet.
type DeltaItem struct {
	// Probe is the index of the probe in both relations' Probes.
	Probe    int
	From, To []string
	// Ports are the TCP/UDP destination ports; nil for other protocols.
	Ports []model.PortRange
	// Internet are the internet end's addresses, as the fewest prefixes.
	Internet []netip.Prefix
}

// diffChunk is how many receivers a comparison holds at once: each holds
// the ports of every sender, in both relations. Tests change it.
var diffChunk = 32

// DiffRelations compares two relations of the same probes (typically the
// same question asked of the engines of two snapshots) and calls emit
// with the traffic only b holds (gained) and only a holds (lost), pair of
// interfaces by pair, joined by receiver: the senders that gained (or
// lost) the same ports toward one receiver form one item. An interface
// does not count as reaching itself or another interface of its instance
// (the instance as b knows it, else as a does). Interface traffic is
// compared over both IP versions at once (ports on which either gets
// through); internet traffic as exact addresses per port. emit is called
// from one goroutine at a time, in no particular order. Items may share
// their From lists: emit must not write them.
func DiffRelations(a, b *Relation, emit func(gained bool, it DeltaItem)) error {
	_, err := diffRelations(a, b, emit)
	return err
}

func diffRelations(a, b *Relation, emit func(gained bool, it DeltaItem)) (*relDiff, error) {
	if len(a.probes) != len(b.probes) {
		return nil, inputErr("relations of different probes cannot be compared")
	}
	for i := range a.probes {
		if a.probes[i].Protocol != b.probes[i].Protocol || !slices.Equal(a.probes[i].Ports, b.probes[i].Ports) {
			return nil, inputErr("relations of different probes cannot be compared")
		}
	}
	b2, sh, err := shareWalks(a, b)
	if err != nil {
		return nil, err
	}
	if b2 != nil && b2 != b {
		// b over a's views: its caveats are b's (orig: b is b2 below)
		orig := b
		defer func() {
			b2.cs.mu.Lock()
			cs := slices.Clone(b2.cs.caveats)
			b2.cs.mu.Unlock()
			for _, c := range cs {
				orig.cs.caveat("%s", c)
			}
		}()
	}
	if b2 != nil {
		b = b2
	}
	d := newRelDiff(a, b, emit)
	d.sh = sh
	for pi := range a.probes {
		pa, pb := a.rels[pi], b.rels[pi]
		pa.stored()
		if sh != nil {
			pb.adopt(pa)
		} else {
			pb.stored()
		}
		ia, ib := d.index(pa, a), d.index(pb, b)
		chunks := d.chunks()
		a.cs.parallel(len(chunks), func(i int) {
			ids := chunks[i]
			var lims map[string]*recvLimit
			if sh != nil {
				lims = map[string]*recvLimit{}
				for _, id := range ids {
					lims[id] = d.limit(pi, ia, ib, d.recvSel[0][id], d.recvSel[1][id])
				}
			}
			ina, inb := ia.inbound(ids, lims), ib.inbound(ids, lims)
			d.compareInbound(pi, ids, ina, inb)
			for _, m := range []map[string]*inbound{ina, inb} {
				for _, in := range m {
					d.freeRow(in.ports)
				}
			}
		})
		if (a.cs.toInternet || b.cs.toInternet) && (sh == nil || !sh.egressSame) {
			// (the same walks and outbound rules: the same traffic out)
			d.compareOutbound(pi, ia.outbound(), ib.outbound())
		}
		pa.release()
		pb.release()
	}
	return d, nil
}

// relDiff is one comparison of two relations.
type relDiff struct {
	a, b *Relation
	mu   sync.Mutex
	emit func(bool, DeltaItem)
	// senders are the senders of either relation, by ID; sidx their
	// indexes.
	senders []string
	sidx    map[string]int32
	// sinst are the senders' instances (instanceOf), as numbers: 0 for
	// none.
	sinst []int32
	insts map[string]int32
	// receivers are the receivers of either relation, in the order they
	// are compared: alike in both relations together.
	receivers []string
	// recvSel are the selected classes of receivers, by receiver, in a
	// and b.
	recvSel [2]map[string]*classSel
	// internet are the addresses that are internet addresses in both
	// snapshots, by family: only they are compared as internet traffic. An
	// address that an interface holds on one side (an Elastic IP allocated
	// or released) is compared as that interface's traffic instead.
	internet [2]addrs
	// sh is set when b's walks are a's (conndiff_shared.go).
	sh *sharedDiff
	// rows are receivers' rows of ports by sender, cleared, for reuse
	// once their chunk is compared (each is len(senders) long).
	rows sync.Pool
	// named are the lists of senders items were given, by the hash of
	// their indexes (seed), under mu (names).
	named map[uint64][]namedSenders
	seed  maphash.Seed
}

// newRow returns an empty row of ports by sender.
func (d *relDiff) newRow() []portSet {
	if r, ok := d.rows.Get().(*[]portSet); ok {
		return *r
	}
	return make([]portSet, len(d.senders))
}

// freeRow hands a row back once nothing reads it (compareInbound keeps
// only the ports sets, not the row).
func (d *relDiff) freeRow(r []portSet) {
	if r == nil {
		return
	}
	clear(r)
	d.rows.Put(&r)
}

func newRelDiff(a, b *Relation, emit func(bool, DeltaItem)) *relDiff {
	d := &relDiff{a: a, b: b, emit: emit, sidx: map[string]int32{}, seed: maphash.MakeSeed()}
	for fam := range 2 {
		d.internet[fam], _ = a.cs.e.internetAddrs[fam].split(b.cs.e.internetAddrs[fam])
	}
	seen := map[string]bool{}
	for _, r := range []*Relation{a, b} {
		for _, s := range r.cs.sortedSenders {
			for _, c := range s.ends {
				if !seen[c.n.ID] {
					seen[c.n.ID] = true
					d.senders = append(d.senders, c.n.ID)
				}
			}
		}
	}
	slices.Sort(d.senders)
	d.insts = map[string]int32{}
	d.sinst = make([]int32, len(d.senders))
	for i, id := range d.senders {
		d.sidx[id] = int32(i)
		d.sinst[i] = d.instNum(id)
	}
	clsID := [2]map[string]string{{}, {}}
	recv := map[string]bool{}
	for i, r := range []*Relation{a, b} {
		d.recvSel[i] = map[string]*classSel{}
		for _, s := range r.cs.sortedRecvers {
			for _, c := range s.ends {
				d.recvSel[i][c.n.ID] = s
				clsID[i][c.n.ID] = s.cls.id
				recv[c.n.ID] = true
			}
		}
	}
	for id := range recv {
		d.receivers = append(d.receivers, id)
	}
	slices.SortFunc(d.receivers, func(x, y string) int {
		return cmp.Or(cmp.Compare(clsID[0][x], clsID[0][y]), cmp.Compare(clsID[1][x], clsID[1][y]), cmp.Compare(x, y))
	})
	return d
}

// chunks cuts the receivers into groups of at most diffChunk, at the
// boundaries between classes where it can (a class cut in two is
// computed twice).
func (d *relDiff) chunks() [][]string {
	key := func(id string) [2]*classSel { return [2]*classSel{d.recvSel[0][id], d.recvSel[1][id]} }
	var out [][]string
	var cur []string
	for i := 0; i < len(d.receivers); {
		j := i + 1
		for j < len(d.receivers) && key(d.receivers[j]) == key(d.receivers[i]) {
			j++
		}
		group := d.receivers[i:j]
		if len(cur) > 0 && len(cur)+len(group) > diffChunk {
			out = append(out, cur)
			cur = nil
		}
		for len(group) > diffChunk {
			out = append(out, group[:diffChunk])
			group = group[diffChunk:]
		}
		cur = append(cur, group...)
		i = j
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// instNum returns the number of an interface's instance (as b knows it,
// else as a does), 0 for none; the same instance, the same number. It is
// called from one goroutine at a time (newRelDiff, then once per
// receiver under d.mu).
func (d *relDiff) instNum(id string) int32 {
	i := d.b.cs.instanceOf[id]
	if i == "" {
		i = d.a.cs.instanceOf[id]
	}
	if i == "" {
		return 0
	}
	n, ok := d.insts[i]
	if !ok {
		n = int32(len(d.insts) + 1)
		d.insts[i] = n
	}
	return n
}

// counter returns whether the pair of the sender of index i and the
// receiver t counts as a connection: two interfaces of different
// instances.
func (d *relDiff) counter(t string) func(i int) bool {
	ti, isSender := d.sidx[t]
	d.mu.Lock()
	tin := d.instNum(t)
	d.mu.Unlock()
	return func(i int) bool {
		if isSender && int32(i) == ti {
			return false
		}
		fin := d.sinst[i]
		return fin == 0 || fin != tin
	}
}

// viewDelivery is what the walks from one view class delivered to
// another.
type viewDelivery struct {
	from *ifaceClass
	ents []pathEntry
}

// relIndex is one relation's kept walks of a probe by receiving view
// class.
type relIndex struct {
	d    *relDiff
	r    *Relation
	pr   *probeRel
	side int
	// pairs are the merged view's deliveries by receiving class; intra
	// the subnet view's.
	pairs, intra [2]map[*ifaceClass][]viewDelivery
	mu           sync.Mutex
	bulks        map[bulkKey]*senderBulk
}

func (d *relDiff) index(pr *probeRel, r *Relation) *relIndex {
	x := &relIndex{d: d, r: r, pr: pr, bulks: map[bulkKey]*senderBulk{}}
	if r == d.b {
		x.side = 1
	}
	for fam := range 2 {
		x.pairs[fam], x.intra[fam] = map[*ifaceClass][]viewDelivery{}, map[*ifaceClass][]viewDelivery{}
		for k, ents := range pr.pairs[fam] {
			x.pairs[fam][k[1]] = append(x.pairs[fam][k[1]], viewDelivery{k[0], ents})
		}
		for k, ents := range pr.intra[fam] {
			x.intra[fam][k[1]] = append(x.intra[fam][k[1]], viewDelivery{k[0], ents})
		}
		for _, m := range []map[*ifaceClass][]viewDelivery{x.pairs[fam], x.intra[fam]} {
			for _, vds := range m {
				slices.SortFunc(vds, func(a, b viewDelivery) int { return cmp.Compare(a.from.id, b.from.id) })
			}
		}
	}
	return x
}

// inetPart is internet traffic: addresses on ports.
type inetPart struct {
	addrs addrs
	ports portSet
}

// inbound is what gets through to one receiver: the ports per sender
// (by index; nil until one gets through) and from the internet.
type inbound struct {
	ports []portSet
	inet  []inetPart
}

// inbound returns what gets through to each of the receivers (those of
// the relation), computing each of their classes whole; lims, when set,
// say how each receiver is compared (skipped, limited to what changed, or
// in full).
func (x *relIndex) inbound(ids []string, lims map[string]*recvLimit) map[string]*inbound {
	out := map[string]*inbound{}
	var sels []*classSel
	want := map[string]bool{}
	limOf := map[*classSel]*recvLimit{}
	for _, id := range ids {
		if l := lims[id]; l != nil && l.skip {
			continue
		}
		if s := x.d.recvSel[x.side][id]; s != nil {
			if l := lims[id]; l != nil && !l.full {
				limOf[s] = l
			}
			want[id] = true
			if !slices.Contains(sels, s) {
				sels = append(sels, s)
			}
		}
	}
	acc := func(t string) *inbound {
		in := out[t]
		if in == nil {
			in = &inbound{}
			out[t] = in
		}
		return in
	}
	pr := x.pr
	var scratch []span // between's, for one call at a time
	var rgBuf [][2]int // addBulk's stretches of senders, for one span at a time
	for _, dsel := range sels {
		for fam := range 2 {
			if !pr.probe.Protocol.Carries(fam == 0) || dsel.addrs[fam].empty() && dsel.pubs[fam].empty() {
				continue
			}
			var in ingressFunc
			if l := limOf[dsel]; l != nil {
				if l.empty() {
					continue // both sides' inbound rules agree on every packet
				}
				in = l.ingressOf(x, dsel, fam)
			}
			// row returns t's ports by sender
			row := func(t *connEnd) []portSet {
				in := acc(t.n.ID)
				if in.ports == nil {
					in.ports = x.d.newRow()
				}
				return in.ports
			}
			// join joins ports to what sender i gets through on
			join := func(row []portSet, i int32, ports portSet) {
				switch old := row[i]; {
				case old.empty():
					row[i] = ports
				case !old.equal(ports):
					row[i] = old.union(ports)
				}
			}
			// put joins ports to what sender f gets through to t on
			put := func(t *connEnd, f *connEnd, ports portSet) {
				if f != t {
					join(row(t), x.d.sidx[f.n.ID], ports)
				}
			}
			add := func(s *classSel, p packet) {
				for _, sp := range p.spans {
					ports := spanPorts(p.proto, sp)
					for _, t := range dsel.ends {
						if !want[t.n.ID] || !t.addr[fam].IsValid() || !sp.dst.contains(t.addr[fam]) {
							continue
						}
						for _, f := range s.ends {
							if f.addr[fam].IsValid() && sp.src.contains(f.addr[fam]) {
								put(t, f, ports)
							}
						}
					}
				}
			}
			addBulk := func(b *senderBulk, p packet) {
				for _, sp := range p.spans {
					ports := spanPorts(p.proto, sp)
					rgs := b.within(rgBuf[:0], sp.src, fam) // the same for every receiver
					rgBuf = rgs
					if len(rgs) == 0 {
						continue
					}
					for _, t := range dsel.ends {
						if !want[t.n.ID] || !t.addr[fam].IsValid() || !sp.dst.contains(t.addr[fam]) {
							continue
						}
						r := row(t)
						for _, rg := range rgs {
							for k := rg[0]; k < rg[1]; k++ {
								if b.ends[k] != t {
									join(r, b.idx[k], ports)
								}
							}
						}
					}
				}
			}
			if !dsel.addrs[fam].empty() {
				n := dsel.ends[0]
				for _, vd := range x.pairs[fam][n.vm] {
					subnet := ""
					if vd.from == n.vm {
						subnet = n.n.SubnetID // subnets of one merged class: the subnet view's walks
					}
					x.between(fam, vd, false, subnet, dsel, in, add, addBulk, &scratch)
				}
				for _, vd := range x.intra[fam][n.vs] {
					x.between(fam, vd, true, "", dsel, in, add, addBulk, &scratch)
				}
			}
			if ents := pr.fromInternet[fam][dsel.ends[0].vm]; len(ents) > 0 {
				p := pr.fromInternetToBy(fam, dsel, ents, in)
				for _, sp := range p.spans {
					ports := spanPorts(p.proto, sp)
					for _, t := range dsel.ends {
						if want[t.n.ID] && slices.ContainsFunc(t.pub[fam], sp.dst.contains) {
							in := acc(t.n.ID)
							in.inet = append(in.inet, inetPart{sp.src, ports})
						}
					}
				}
			}
		}
	}
	return out
}

// senderBulk are the selected senders of a view class (of one subnet,
// when the walk was the merged view's inside one merged class) whose
// security groups let every packet of the probe out: what gets from them
// to a receiver is computed once for all of them. They share a VPC, so
// an address names one of them. rest are the other selected classes.
type senderBulk struct {
	ends  []*connEnd // sorted by address
	idx   []int32    // each end's index among the comparison's senders
	addrs addrs
	rest  []*classSel
}

// within returns the stretches [from, to) of ends whose address the set
// holds, appended to out.
func (b *senderBulk) within(out [][2]int, a addrs, fam int) [][2]int {
	if len(b.ends) == 0 {
		return out
	}
	if x, ok := a.single(); ok {
		i, found := slices.BinarySearchFunc(b.ends, x, func(c *connEnd, x netip.Addr) int { return c.addr[fam].Compare(x) })
		if found {
			return append(out, [2]int{i, i + 1})
		}
		return out
	}
	for _, rg := range a.ranges() {
		i, _ := slices.BinarySearchFunc(b.ends, rg.From(), func(c *connEnd, x netip.Addr) int { return c.addr[fam].Compare(x) })
		j := i
		for j < len(b.ends) && !rg.To().Less(b.ends[j].addr[fam]) {
			j++
		}
		if j > i {
			out = append(out, [2]int{i, j})
		}
	}
	return out
}

type bulkKey struct {
	from       *ifaceClass
	fam        int
	subnetView bool
	subnet     string
}

// bulk returns the senders of a view class that can be taken together.
func (x *relIndex) bulk(k bulkKey) *senderBulk {
	x.mu.Lock()
	b, ok := x.bulks[k]
	x.mu.Unlock()
	if ok {
		return b
	}
	b = &senderBulk{}
	var list []netip.Addr
	for _, s := range x.r.cs.selsOf(k.from, false, k.subnetView) {
		if s.addrs[k.fam].empty() || (k.subnet != "" && s.ends[0].n.SubnetID != k.subnet) {
			continue
		}
		if !x.pr.egress(s.cls, k.fam).all {
			b.rest = append(b.rest, s)
			continue
		}
		for _, c := range s.ends {
			if c.addr[k.fam].IsValid() {
				b.ends = append(b.ends, c)
				list = append(list, c.addr[k.fam])
			}
		}
	}
	slices.SortFunc(b.ends, func(p, q *connEnd) int { return p.addr[k.fam].Compare(q.addr[k.fam]) })
	b.idx = make([]int32, len(b.ends))
	for i, c := range b.ends {
		b.idx[i] = x.d.sidx[c.n.ID]
	}
	b.addrs = addrsOfList(list)
	x.mu.Lock()
	x.bulks[k] = b
	x.mu.Unlock()
	return b
}

// between adds what a view delivery brought from its senders to a
// receiving class: the senders that let everything out together, the
// others class by class (betweenOf); all class by class when a NAT
// gateway or load balancer translated the packets on the way. in gives
// the receiver's inbound rules (nil: its groups'). scratch holds spans
// between calls (one caller at a time), written over by each.
func (x *relIndex) between(fam int, vd viewDelivery, subnetView bool, subnet string, d *classSel, in ingressFunc,
	add func(*classSel, packet), addBulk func(*senderBulk, packet), scratch *[]span) {
	pr := x.pr
	limited := in != nil
	if !limited {
		in = func(via crossing, fwd bool) packet { return pr.ingress(d.cls, fam, via, fwd) }
	}
	// each way's inbound rules, asked once (a view delivery has a few)
	var buf [8]packet
	ings := buf[:0]
	for _, e := range vd.ents {
		ings = append(ings, in(e.via, e.forwarded))
	}
	if limited && !slices.ContainsFunc(ings, func(p packet) bool { return !p.empty() }) {
		return // the limited rules admit nothing that came this way
	}
	translated := slices.ContainsFunc(vd.ents, func(e pathEntry) bool { return e.translated })
	if translated {
		for _, s := range x.r.cs.selsOf(vd.from, false, subnetView) {
			if subnet == "" || s.ends[0].n.SubnetID == subnet {
				add(s, pr.betweenOf(fam, s, d, vd.ents))
			}
		}
		return
	}
	b := x.bulk(bulkKey{vd.from, fam, subnetView, subnet})
	for _, s := range b.rest {
		add(s, pr.betweenOfBy(fam, s, d, vd.ents, in))
	}
	if b.addrs.empty() {
		return
	}
	// betweenOf for all of them at once: their groups let everything out
	var out packet // none yet (union with an empty packet is the other)
	for i, ent := range vd.ents {
		ing := ings[i]
		if ing.empty() {
			continue
		}
		// (sources are not restricted to the bulk's: addBulk takes only
		// its senders, by address; admitBy keeps none of p's spans, so
		// they are written over for the next way)
		var p packet
		p, *scratch = restrictDst((*scratch)[:0], spansMeeting(ent.req, ing), d.addrs[fam])
		if p.empty() {
			continue
		}
		out = out.union(admitBy(p, ing, true))
	}
	addBulk(b, out)
}

// restrictDst returns the packets of p to dst (restrictEnds without
// sources), their spans appended to buf, and buf grown.
func restrictDst(buf []span, p packet, dst addrs) (packet, []span) {
	out := buf
	for _, s := range p.spans {
		if x := s.dst.intersect(dst); !x.empty() {
			s.dst = x
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		p.spans = nil
		return p, out
	}
	p.spans = out // parts of p's spans, none empty
	return p, out
}

// spansMeeting returns the spans of p on a destination port that some
// span of by holds, for protocols with ports (else p): admitBy(p, by, _)
// keeps of each span of p only the ports it shares with by's spans, so
// the others add nothing, and restrictEnds works span by span. Cutting
// them first saves restricting them.
func spansMeeting(p, by packet) packet {
	if !p.proto.HasPorts() {
		return p
	}
	meets := func(s span) bool {
		for _, t := range by.spans {
			for _, r := range t.dstPorts {
				if s.dstPorts.overlaps(r) {
					return true
				}
			}
		}
		return false
	}
	i := slices.IndexFunc(p.spans, func(s span) bool { return !meets(s) })
	if i < 0 {
		return p
	}
	kept := slices.Clone(p.spans[:i])
	for _, s := range p.spans[i+1:] {
		if meets(s) {
			kept = append(kept, s)
		}
	}
	p.spans = kept // a part of p's spans, as they are
	return p
}

// spanPorts returns the destination ports of a span: every port for
// protocols without ports.
func spanPorts(proto model.Protocol, sp span) portSet {
	if !proto.HasPorts() {
		return portsOf(model.AllPorts)
	}
	return sp.dstPorts
}

// outbound returns what gets from each sender to the internet.
func (x *relIndex) outbound() map[string][]inetPart {
	out := map[string][]inetPart{}
	cs, pr := x.r.cs, x.pr
	if !cs.toInternet {
		return out
	}
	for _, s := range cs.sortedSenders {
		for fam := range 2 {
			ents := pr.toInternet[fam][s.ends[0].vm]
			if !pr.probe.Protocol.Carries(fam == 0) || len(ents) == 0 {
				continue
			}
			p := pr.toInternetFrom(fam, s, ents)
			for _, sp := range p.spans {
				ports := spanPorts(p.proto, sp)
				for _, f := range s.ends {
					if f.addr[fam].IsValid() && sp.src.contains(f.addr[fam]) {
						out[f.n.ID] = append(out[f.n.ID], inetPart{sp.dst, ports})
					}
				}
			}
		}
	}
	return out
}

// compareInbound emits the differences in what gets through to each
// receiver of a chunk.
func (d *relDiff) compareInbound(pi int, ids []string, ina, inb map[string]*inbound) {
	type key struct {
		gained bool
		ports  string
	}
	var items []DeltaItem
	var gained []bool
	// from are the items' senders, by index, until they are named: a
	// list holds up to every sender, so it is grown as numbers and its
	// names are allocated once, at their count
	var from [][]int32
	for _, t := range ids {
		a, b := ina[t], inb[t]
		if a == nil {
			a = &inbound{}
		}
		if b == nil {
			b = &inbound{}
		}
		if a.ports != nil || b.ports != nil {
			groups := map[key]int{}
			counts := d.counter(t)
			// senders next to each other often hold the same ports on
			// both sides: their items are those of the last one
			var lastA, lastB portSet
			last := [2]int{-1, -1} // gained, lost item; -2: none
			for i := range d.senders {
				var pa, pb portSet
				if a.ports != nil {
					pa = a.ports[i]
				}
				if b.ports != nil {
					pb = b.ports[i]
				}
				if pa.equal(pb) || !counts(i) {
					continue
				}
				if last[0] == -1 || !pa.equal(lastA) || !pb.equal(lastB) {
					lastA, lastB = pa, pb
					for gi, g := range []bool{true, false} {
						diff := pb.minus(pa)
						if !g {
							diff = pa.minus(pb)
						}
						if diff.empty() {
							last[gi] = -2
							continue
						}
						k := key{g, diff.String()}
						j, ok := groups[k]
						if !ok {
							j = len(items)
							groups[k] = j
							items = append(items, DeltaItem{Probe: pi, To: []string{t}, Ports: d.portsOut(pi, diff)})
							gained = append(gained, g)
							from = append(from, nil)
						}
						last[gi] = j
					}
				}
				for _, j := range last {
					if j >= 0 {
						from[j] = append(from[j], int32(i))
					}
				}
			}
		}
		g, l := inetDelta(a.inet, b.inet)
		for i, xs := range [][]inetPart{g, l} {
			for _, x := range xs {
				if pfx := d.commonInternet(x.addrs); len(pfx) > 0 {
					items = append(items, DeltaItem{Probe: pi, From: []string{"internet"}, To: []string{t}, Ports: d.portsOut(pi, x.ports), Internet: pfx})
					gained = append(gained, i == 0)
					from = append(from, nil)
				}
			}
		}
	}
	hashes := make([]uint64, len(from))
	for j, idx := range from {
		if idx != nil {
			hashes[j] = d.hashSenders(idx)
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for j, idx := range from {
		if idx != nil {
			items[j].From = d.names(hashes[j], idx)
		}
	}
	for i, it := range items {
		d.emit(gained[i], it)
	}
}

// hashSenders hashes a list of senders' indexes (for names).
func (d *relDiff) hashSenders(idx []int32) uint64 {
	var h maphash.Hash
	h.SetSeed(d.seed)
	var buf [4]byte
	for _, i := range idx {
		binary.LittleEndian.PutUint32(buf[:], uint32(i))
		h.Write(buf[:])
	}
	return h.Sum64()
}

// names returns the IDs of the senders of indexes idx (hashed to h),
// under d.mu. Items of many receivers often have the same senders: they
// share one list of IDs, which nobody writes (the items' readers join
// lists into new ones).
func (d *relDiff) names(h uint64, idx []int32) []string {
	for _, n := range d.named[h] {
		if slices.Equal(n.idx, idx) {
			return n.ids
		}
	}
	ids := make([]string, len(idx))
	for k, i := range idx {
		ids[k] = d.senders[i]
	}
	if d.named == nil {
		d.named = map[uint64][]namedSenders{}
	}
	d.named[h] = append(d.named[h], namedSenders{idx, ids})
	return ids
}

// namedSenders are a list of senders' indexes and their IDs.
type namedSenders struct {
	idx []int32
	ids []string
}

// compareOutbound emits the differences in what gets from each sender to
// the internet.
func (d *relDiff) compareOutbound(pi int, a, b map[string][]inetPart) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, f := range d.senders {
		g, l := inetDelta(a[f], b[f])
		for i, xs := range [][]inetPart{g, l} {
			for _, x := range xs {
				if pfx := d.commonInternet(x.addrs); len(pfx) > 0 {
					d.emit(i == 0, DeltaItem{Probe: pi, From: []string{f}, To: []string{"internet"}, Ports: d.portsOut(pi, x.ports), Internet: pfx})
				}
			}
		}
	}
}

// portsOut returns the ports an item names: none for protocols without
// ports.
func (d *relDiff) portsOut(pi int, ps portSet) []model.PortRange {
	if !d.a.probes[pi].Protocol.HasPorts() {
		return nil
	}
	return slices.Clone([]model.PortRange(ps))
}

// inetDelta compares two lists of internet traffic, stretch of ports by
// stretch: the addresses only b holds (gained) and only a holds (lost),
// adjacent stretches with the same addresses joined.
func inetDelta(a, b []inetPart) (gained, lost []inetPart) {
	if len(a) == 0 && len(b) == 0 {
		return nil, nil
	}
	var cuts []int
	for _, x := range slices.Concat(a, b) {
		for _, r := range x.ports {
			cuts = append(cuts, int(r.From), int(r.To)+1)
		}
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	set := func(xs []inetPart, r model.PortRange) addrs {
		var u addrs
		for _, x := range xs {
			if x.ports.overlaps(r) {
				u = u.union(x.addrs)
			}
		}
		return u
	}
	add := func(list []inetPart, s addrs, r model.PortRange) []inetPart {
		if s.empty() {
			return list
		}
		if n := len(list); n > 0 && list[n-1].addrs.equal(s) && int(list[n-1].ports[len(list[n-1].ports)-1].To)+1 == int(r.From) {
			list[n-1].ports = list[n-1].ports.union(portSet{r})
			return list
		}
		return append(list, inetPart{s, portSet{r}})
	}
	for i := 0; i+1 < len(cuts); i++ {
		r := model.PortRange{From: uint16(cuts[i]), To: uint16(cuts[i+1] - 1)}
		sa, sb := set(a, r), set(b, r)
		_, g := sb.split(sa)
		_, l := sa.split(sb)
		gained, lost = add(gained, g, r), add(lost, l, r)
	}
	return gained, lost
}

// commonInternet returns the addresses of a that are internet addresses in
// both snapshots, as the fewest prefixes that hold exactly them among
// those; nil when there are none.
func (d *relDiff) commonInternet(a addrs) []netip.Prefix {
	var out []netip.Prefix
	for fam := range 2 {
		part, _ := a.split(d.internet[fam])
		if !part.empty() {
			out = append(out, coverAmong(part, d.internet[fam], fam)...)
		}
	}
	return out
}

// release drops the walks kept for the probe: a comparison reads them
// once.
func (r *probeRel) release() {
	for fam := range 2 {
		r.pairs[fam] = map[classPair][]pathEntry{}
		r.intra[fam] = map[classPair][]pathEntry{}
		r.fromInternet[fam] = map[*ifaceClass][]pathEntry{}
		r.toInternet[fam] = map[*ifaceClass][]pathEntry{}
	}
	r.inCache, r.outCache, r.realWalks = map[inKey]packet{}, map[outKey]egressSet{}, map[realWalkKey]packet{}
	r.storeOnce = sync.Once{}
}
