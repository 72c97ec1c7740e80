package reach

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// RelationOptions say which traffic a Relation is about.
type RelationOptions struct {
	// From and To are the senders and receivers: interfaces (those that
	// are not ends of whole-network questions, see Ends, are left out
	// with a caveat) and the internet.
	From, To Group
	// Probes is the traffic asked about; nil: DefaultProbes.
	Probes []Probe
	// Workers is how many walks run at once; 0: GOMAXPROCS.
	Workers int
}

// Relation is the exact answer to "which packets get from which of these
// interfaces (or the internet) to which of those, both ways", for every
// probe: computed once by walks over classes of interfaces, then read as
// links between interfaces (Links) or as a matrix between groups of them
// (Matrix). Every packet it holds is one a point query (Reach) between
// the same two interfaces finds reachable, and every packet it leaves out
// one a point query finds blocked or unknown. An interface does not count
// as reaching itself or another interface of its instance (its operating
// system delivers those itself).
type Relation struct {
	cs     *connSet
	probes []Probe
	rels   []*probeRel
	// opts are the options it was asked with.
	opts RelationOptions
}

// Relate computes the relation between two groups of interfaces.
func (e *Engine) Relate(opts RelationOptions) (*Relation, error) {
	return e.relateOver(nil, opts)
}

// relateOver is Relate over the given path views (nil: the engine's).
func (e *Engine) relateOver(v *connViews, opts RelationOptions) (*Relation, error) {
	cs, err := e.newConnSet(v, opts.From, opts.To, opts.Workers)
	if err != nil {
		return nil, err
	}
	probes := opts.Probes
	if probes == nil {
		probes = e.DefaultProbes()
	}
	r := &Relation{cs: cs, probes: probes, opts: opts}
	for _, p := range probes {
		if err := checkProbe(p); err != nil {
			return nil, err
		}
		r.rels = append(r.rels, cs.newProbeRel(p))
	}
	return r, nil
}

func checkProbe(p Probe) error {
	switch {
	case p.Protocol == model.ProtocolAll:
		return inputErr("a probe names one protocol, not all")
	case !p.Protocol.HasPorts() && len(p.Ports) > 0:
		return inputErr("ports apply to tcp and udp only, not %s", p.Protocol)
	case p.ICMP != nil && !p.Protocol.IsICMP():
		return inputErr("an ICMP type applies to icmp and icmpv6 only")
	}
	return nil
}

// Probes returns the traffic the relation is about.
func (r *Relation) Probes() []Probe { return slices.Clone(r.probes) }

// Caveats returns what the relation could not check (a hop the snapshot
// cannot decide counts as not getting through) and what it assumes (an
// appliance forwards packets unchanged), and the interfaces it left out.
func (r *Relation) Caveats() []string {
	r.cs.mu.Lock()
	out := slices.Clone(r.cs.caveats)
	r.cs.mu.Unlock()
	slices.Sort(out)
	if len(r.cs.notEnds) > 0 {
		out = append(out, "left out (NAT gateway, load balancer, endpoint or transit gateway interfaces, or of stopped instances): "+
			joinPrefixesLimited(r.cs.notEnds, 8))
	}
	return out
}

func joinPrefixesLimited(ids []string, limit int) string {
	if len(ids) <= limit {
		return strings.Join(ids, ", ")
	}
	return strings.Join(ids[:limit], ", ") + " … " + strconv.Itoa(len(ids)-limit) + " more"
}

// Link is traffic between interfaces that gets through both ways, as an
// exact product: every interface of From reaches every interface of To
// (but itself and the other interfaces of its instance) on every port
// of Ports. From or To is ["internet"] for the internet, with the exact
// internet addresses in Sources or Destinations.
type Link struct {
	From []string `json:"from"`
	To   []string `json:"to"`
	// FromInstances and ToInstances are the instances of From and To.
	FromInstances []string `json:"fromInstances,omitempty"`
	ToInstances   []string `json:"toInstances,omitempty"`
	Protocol      string   `json:"protocol"`
	// ICMP is the ICMP message, for ICMP and ICMPv6.
	ICMP string `json:"icmp,omitempty"`
	// Ports are the TCP/UDP destination ports.
	Ports        []model.PortRange `json:"ports,omitempty"`
	Sources      []string          `json:"sources,omitempty"`
	Destinations []string          `json:"destinations,omitempty"`
	// Probe is the index of the probe in Relation.Probes.
	Probe int `json:"-"`
	// inet is the internet end's addresses, until Sources or
	// Destinations are written.
	inet addrs
}

// PortRanges returns the link's destination ports: every port for
// protocols without ports.
func (l Link) PortRanges() []model.PortRange {
	if len(l.Ports) == 0 {
		return []model.PortRange{model.AllPorts}
	}
	return l.Ports
}

// Service renders the link's traffic: "tcp/443,8443", "icmp echo".
func (l Link) Service(p Probe) string { return p.Service(l.Ports) }

// Links returns the relation as links between interfaces: for every pair
// of classes of interfaces that reach each other, the exact parts of what
// gets through, joined where they share ports and one end.
func (r *Relation) Links() []Link {
	var out []Link
	for pi, pr := range r.rels {
		var links []Link
		var mu = &r.cs.mu
		r.eachPair(pr, func(fam int, s, d *classSel, p packet) {
			ls := r.linksOf(pi, fam, s, d, p)
			mu.Lock()
			links = append(links, ls...)
			mu.Unlock()
		})
		out = append(out, r.mergeLinks(links)...)
	}
	return out
}

// eachPair calls f (concurrently) with the packets that get through
// between every pair of selected classes (nil for the internet) that any
// walk connected.
func (r *Relation) eachPair(pr *probeRel, f func(fam int, s, d *classSel, p packet)) {
	pr.stored()
	cs := r.cs
	type job struct {
		fam  int
		s, d *classSel
		ents []pathEntry
	}
	var jobs []job
	for fam := range 2 {
		if !pr.probe.Protocol.Carries(fam == 0) {
			continue
		}
		for k, ents := range pr.pairs[fam] {
			for _, s := range cs.selsOf(k[0], false, false) {
				for _, d := range cs.selsOf(k[1], true, false) {
					if k[0] != k[1] || s.ends[0].n.SubnetID == d.ends[0].n.SubnetID {
						jobs = append(jobs, job{fam, s, d, ents})
					}
				}
			}
		}
		for k, ents := range pr.intra[fam] {
			for _, s := range cs.selsOf(k[0], false, true) {
				for _, d := range cs.selsOf(k[1], true, true) {
					jobs = append(jobs, job{fam, s, d, ents})
				}
			}
		}
		for m, ents := range pr.toInternet[fam] {
			for _, s := range cs.selsOf(m, false, false) {
				jobs = append(jobs, job{fam, s, nil, ents})
			}
		}
		for n, ents := range pr.fromInternet[fam] {
			for _, d := range cs.selsOf(n, true, false) {
				jobs = append(jobs, job{fam, nil, d, ents})
			}
		}
	}
	// by IP version, sender and receiver (classes by ID: the order of
	// the sorted selections; -1 for the internet)
	rank := cs.selRanks()
	slices.SortFunc(jobs, func(a, b job) int {
		return cmp.Or(cmp.Compare(a.fam, b.fam), cmp.Compare(rank[0][a.s], rank[0][b.s]), cmp.Compare(rank[1][a.d], rank[1][b.d]))
	})
	cs.parallel(len(jobs), func(i int) {
		j := jobs[i]
		var p packet
		switch {
		case j.s == nil:
			p = pr.fromInternetTo(j.fam, j.d, j.ents)
		case j.d == nil:
			p = pr.toInternetFrom(j.fam, j.s, j.ents)
		default:
			p = pr.betweenOf(j.fam, j.s, j.d, j.ents)
		}
		if !p.empty() {
			f(j.fam, j.s, j.d, p)
		}
	})
}

// linksOf turns the packets between two classes into links: each span of
// the set is a product of senders, receivers and ports.
func (r *Relation) linksOf(pi, fam int, s, d *classSel, p packet) []Link {
	pr := r.rels[pi]
	var out []Link
	for _, sp := range p.spans {
		l := Link{Protocol: pr.probe.Protocol.String(), Probe: pi}
		if pr.probe.Protocol.IsICMP() {
			l.ICMP = icmpName(pr.probe.icmpMessage())
		}
		if pr.probe.Protocol.HasPorts() {
			l.Ports = slices.Clone([]model.PortRange(sp.dstPorts))
		}
		if s == nil {
			l.From, l.inet = []string{"internet"}, sp.src
		} else {
			l.From = endsIn(s.ends, fam, sp.src, false)
		}
		if d == nil {
			l.To, l.inet = []string{"internet"}, sp.dst
		} else {
			l.To = endsIn(d.ends, fam, sp.dst, s == nil)
		}
		if len(l.From) == 0 || len(l.To) == 0 || !r.cs.pairsBetween(l.From, l.To) {
			continue
		}
		l.FromInstances, l.ToInstances = r.cs.instances(l.From), r.cs.instances(l.To)
		out = append(out, l)
	}
	return out
}

// endsIn returns the IDs of the ends whose address (or, public, whose
// internet-facing addresses) the set holds.
func endsIn(ends []*connEnd, fam int, a addrs, public bool) []string {
	var out []string
	for _, c := range ends {
		if public {
			for _, x := range c.pub[fam] {
				if a.contains(x) {
					out = append(out, c.n.ID)
					break
				}
			}
			continue
		}
		if c.addr[fam].IsValid() && a.contains(c.addr[fam]) {
			out = append(out, c.n.ID)
		}
	}
	slices.Sort(out)
	return out
}

// pairsBetween reports whether two lists of interfaces (or the internet)
// hold a pair that counts: two interfaces of different instances.
func (cs *connSet) pairsBetween(from, to []string) bool {
	for _, f := range from {
		for _, t := range to {
			if f == t {
				continue
			}
			if i := cs.instanceOf[f]; i != "" && i == cs.instanceOf[t] {
				continue
			}
			return true
		}
	}
	return false
}

// instances returns the instances of the interfaces, each once.
func (cs *connSet) instances(ids []string) []string {
	var out []string
	for _, id := range ids {
		if i := cs.instanceOf[id]; i != "" {
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// mergeLinks joins links of one probe that share ports and one end,
// and the internet addresses of links that share both ends and ports.
func (r *Relation) mergeLinks(ls []Link) []Link {
	key := func(ids []string, l Link) string {
		return strings.Join(ids, ",") + "|" + portSet(l.Ports).String()
	}
	// internet links: one per pair of ends and ports, the addresses joined
	inet := map[string]int{}
	var out []Link
	for _, l := range ls {
		if l.From[0] != "internet" && l.To[0] != "internet" {
			out = append(out, l)
			continue
		}
		k := strings.Join(l.From, ",") + ">" + key(l.To, l)
		if i, ok := inet[k]; ok {
			out[i].inet = out[i].inet.union(l.inet)
			continue
		}
		inet[k] = len(out)
		out = append(out, l)
	}
	for i := range out {
		if !out[i].inet.empty() || out[i].From[0] == "internet" || out[i].To[0] == "internet" {
			set, _ := r.cs.e.describeInternet(out[i].inet)
			if out[i].From[0] == "internet" {
				out[i].Sources = set
			} else {
				out[i].Destinations = set
			}
			out[i].inet = addrs{}
		}
	}
	// join gathers the lists of the links it joins and sorts each joined
	// list once at the end (a sorted union per link joined is quadratic
	// in the number of links: an only statement's others join thousands).
	join := func(ls []Link, byTo bool) []Link {
		idx := map[string]int{}
		var out []Link
		var joined []bool
		for _, l := range ls {
			k := key(l.To, l) + "|" + strings.Join(l.Sources, ",") + "|" + strings.Join(l.Destinations, ",")
			if !byTo {
				k = key(l.From, l) + "|" + strings.Join(l.Sources, ",") + "|" + strings.Join(l.Destinations, ",")
			}
			if i, ok := idx[k]; ok {
				o := &out[i]
				if !joined[i] {
					// the first join copies: the lists may be shared
					o.From, o.FromInstances = slices.Clip(o.From), slices.Clip(o.FromInstances)
					o.To, o.ToInstances = slices.Clip(o.To), slices.Clip(o.ToInstances)
					joined[i] = true
				}
				if byTo {
					o.From = append(o.From, l.From...)
					o.FromInstances = append(o.FromInstances, l.FromInstances...)
				} else {
					o.To = append(o.To, l.To...)
					o.ToInstances = append(o.ToInstances, l.ToInstances...)
				}
				continue
			}
			idx[k] = len(out)
			out = append(out, l)
			joined = append(joined, false)
		}
		for i := range out {
			if !joined[i] {
				continue
			}
			o := &out[i]
			if byTo {
				o.From, o.FromInstances = sortedSet(o.From), sortedSet(o.FromInstances)
			} else {
				o.To, o.ToInstances = sortedSet(o.To), sortedSet(o.ToInstances)
			}
		}
		return out
	}
	sortLinks(out)
	out = join(join(out, true), false)
	sortLinks(out)
	return out
}

func sortLinks(ls []Link) {
	slices.SortFunc(ls, func(a, b Link) int {
		return cmp.Or(cmp.Compare(a.Probe, b.Probe), slices.Compare(a.From, b.From), slices.Compare(a.To, b.To),
			cmp.Compare(portSet(a.Ports).String(), portSet(b.Ports).String()), slices.Compare(a.Sources, b.Sources),
			slices.Compare(a.Destinations, b.Destinations))
	})
}

// sortedSet sorts a list in place and drops repeats.
func sortedSet(a []string) []string {
	slices.Sort(a)
	return slices.Compact(a)
}
