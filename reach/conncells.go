package reach

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"sync"

	"github.com/vpcscope/vpcscope/model"
)

// GroupBy says how a connectivity matrix groups interfaces.
type GroupBy string

// The groupings of a connectivity matrix.
const (
	ByVPC           GroupBy = "vpc"
	BySubnet        GroupBy = "subnet"
	BySecurityGroup GroupBy = "sg"
	ByInterface     GroupBy = "eni"
)

// GroupBys lists every grouping.
var GroupBys = []GroupBy{ByVPC, BySubnet, BySecurityGroup, ByInterface}

// ConnectivityOptions say what a connectivity matrix is about.
type ConnectivityOptions struct {
	From, To Group
	By       GroupBy
	Probes   []Probe
	Workers  int
}

// MatrixGroup is a row or column of a connectivity matrix: a VPC, a
// subnet, a security group, an interface, or the internet.
type MatrixGroup struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Kind is vpc, subnet, security-group, network-interface or internet.
	Kind string `json:"kind"`
	// Interfaces counts the group's interfaces among the senders and
	// receivers.
	Interfaces int `json:"interfaces"`
}

// MatrixCell is what gets through from one group to another: for every
// probe the destination ports (TCP and UDP) on which some interface of
// From reaches some interface of To, both ways, exactly.
type MatrixCell struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Services summarises Traffic: "tcp/443, tcp/8000-8010, icmp echo".
	Services string        `json:"services"`
	Traffic  []CellTraffic `json:"traffic"`
}

// CellTraffic is one protocol's traffic in a cell.
type CellTraffic struct {
	Protocol string            `json:"protocol"`
	ICMP     string            `json:"icmp,omitempty"`
	Ports    []model.PortRange `json:"ports,omitempty"`
	// Sources (from the internet) and Destinations (to it) are the
	// internet addresses, as the fewest CIDR prefixes.
	Sources      []string `json:"sources,omitempty"`
	Destinations []string `json:"destinations,omitempty"`
	// Probe is the index of the probe in Matrix.Probes.
	Probe int `json:"-"`
}

// Matrix is a connectivity matrix: what gets through between every pair
// of groups of interfaces, and the internet.
type Matrix struct {
	By      GroupBy       `json:"by"`
	Groups  []MatrixGroup `json:"groups"`
	Cells   []MatrixCell  `json:"cells"`
	Caveats []string      `json:"caveats"`
	Probes  []Probe       `json:"-"`
	rel     *Relation
	members map[string][]string // group ID -> interface IDs
}

// Connectivity computes the connectivity matrix between two groups of
// interfaces (and the internet), grouped by VPC, subnet, security group
// or interface: for every pair of groups and every probe, the exact
// destination ports on which some interface of one reaches some of the
// other, both ways. It rests on Relate; grouped by VPC or subnet it adds
// up the relation a subnet of senders at a time, applying each
// receiving subnet's security groups to every sending subnet at once.
func (e *Engine) Connectivity(opts ConnectivityOptions) (*Matrix, error) {
	if opts.By == "" {
		opts.By = BySubnet
	}
	if !slices.Contains(GroupBys, opts.By) {
		return nil, inputErr("group by %q: want vpc, subnet, sg or eni", opts.By)
	}
	rel, err := e.Relate(RelationOptions{From: opts.From, To: opts.To, Probes: opts.Probes, Workers: opts.Workers})
	if err != nil {
		return nil, err
	}
	return rel.Matrix(opts.By), nil
}

// cellAcc accumulates one cell's traffic per probe.
type cellAcc struct {
	ports []portSet
	inet  []addrs
}

// matrixAcc accumulates the cells of a matrix.
type matrixAcc struct {
	mu    sync.Mutex
	n     int
	cells map[[2]string]*cellAcc
}

func (m *matrixAcc) add(from, to string, pi int, ports portSet, inet addrs) {
	if ports.empty() {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := [2]string{from, to}
	c := m.cells[k]
	if c == nil {
		c = &cellAcc{ports: make([]portSet, m.n), inet: make([]addrs, m.n)}
		m.cells[k] = c
	}
	c.ports[pi] = c.ports[pi].union(ports)
	if !inet.empty() {
		c.inet[pi] = c.inet[pi].union(inet)
	}
}

// groupsOf returns the groups an interface belongs to.
func (r *Relation) groupsOf(by GroupBy, c *connEnd) []string {
	switch by {
	case ByVPC:
		return []string{c.n.VPCID}
	case BySubnet:
		return []string{c.n.SubnetID}
	case BySecurityGroup:
		if len(c.n.SecurityGroupIDs) == 0 {
			return []string{"(no security group)"}
		}
		return c.n.SecurityGroupIDs
	}
	return []string{c.n.ID}
}

// Matrix groups the relation's traffic by VPC, subnet, security group or
// interface.
func (r *Relation) Matrix(by GroupBy) *Matrix {
	acc := &matrixAcc{n: len(r.probes), cells: map[[2]string]*cellAcc{}}
	for pi, pr := range r.rels {
		if by == ByVPC || by == BySubnet {
			r.subnetCells(pi, pr, by, acc)
			continue
		}
		r.eachPair(pr, func(fam int, s, d *classSel, p packet) {
			r.addPacket(pi, by, fam, s, d, p, acc)
		})
	}
	return r.matrixOf(by, acc)
}

// addPacket adds the packets between two classes (nil: the internet) to
// the cells of their members' groups, pair of members by pair.
func (r *Relation) addPacket(pi int, by GroupBy, fam int, s, d *classSel, p packet, acc *matrixAcc) {
	for _, sp := range p.spans {
		ports := packetPorts(p.with([]span{sp}))
		var froms, tos []*connEnd
		if s != nil {
			for _, c := range s.ends {
				if c.addr[fam].IsValid() && sp.src.contains(c.addr[fam]) {
					froms = append(froms, c)
				}
			}
		}
		if d != nil {
			for _, c := range d.ends {
				if s == nil {
					if slices.ContainsFunc(c.pub[fam], sp.dst.contains) {
						tos = append(tos, c)
					}
				} else if c.addr[fam].IsValid() && sp.dst.contains(c.addr[fam]) {
					tos = append(tos, c)
				}
			}
		}
		switch {
		case s == nil:
			for _, t := range tos {
				for _, g := range r.groupsOf(by, t) {
					acc.add("internet", g, pi, ports, sp.src)
				}
			}
		case d == nil:
			for _, f := range froms {
				for _, g := range r.groupsOf(by, f) {
					acc.add(g, "internet", pi, ports, sp.dst)
				}
			}
		default:
			for _, f := range froms {
				for _, t := range tos {
					if !r.cs.counts(f, t) {
						continue
					}
					for _, gf := range r.groupsOf(by, f) {
						for _, gt := range r.groupsOf(by, t) {
							acc.add(gf, gt, pi, ports, addrs{})
						}
					}
				}
			}
		}
	}
}

// counts reports whether a pair of interfaces counts as a connection:
// two interfaces of different instances.
func (cs *connSet) counts(f, t *connEnd) bool {
	if f == t {
		return false
	}
	i := cs.instanceOf[f.n.ID]
	return i == "" || i != cs.instanceOf[t.n.ID]
}

// matrixOf turns accumulated cells into a matrix.
func (r *Relation) matrixOf(by GroupBy, acc *matrixAcc) *Matrix {
	m := &Matrix{By: by, Groups: []MatrixGroup{}, Cells: []MatrixCell{}, Caveats: r.Caveats(), Probes: r.probes, rel: r,
		members: map[string][]string{}}
	counted := map[string]map[string]bool{}
	for _, sels := range []map[*ifaceClass]*classSel{r.cs.senders, r.cs.receivers} {
		for _, s := range sels {
			for _, c := range s.ends {
				for _, g := range r.groupsOf(by, c) {
					if counted[g] == nil {
						counted[g] = map[string]bool{}
					}
					counted[g][c.n.ID] = true
				}
			}
		}
	}
	kind := map[GroupBy]string{ByVPC: "vpc", BySubnet: "subnet", BySecurityGroup: "security-group", ByInterface: "network-interface"}[by]
	for g, ids := range counted {
		mg := MatrixGroup{ID: g, Kind: kind, Interfaces: len(ids)}
		if res, ok := r.cs.e.ix.Resource(g); ok {
			mg.Name = res.Base().Name()
			if sg, ok := res.(*model.SecurityGroup); ok && mg.Name == "" {
				mg.Name = sg.GroupName
			}
		}
		m.Groups = append(m.Groups, mg)
		for id := range ids {
			m.members[g] = append(m.members[g], id)
		}
		slices.Sort(m.members[g])
	}
	if r.cs.fromInternet || r.cs.toInternet {
		m.Groups = append(m.Groups, MatrixGroup{ID: "internet", Kind: "internet"})
	}
	slices.SortFunc(m.Groups, func(a, b MatrixGroup) int {
		return cmp.Or(cmp.Compare(lastIf(a.Kind == "internet"), lastIf(b.Kind == "internet")), cmp.Compare(a.ID, b.ID))
	})
	for k, c := range acc.cells {
		cell := MatrixCell{From: k[0], To: k[1], Traffic: []CellTraffic{}}
		var ports [][]model.PortRange
		for pi, ps := range c.ports {
			ports = append(ports, ps)
			if ps.empty() {
				continue
			}
			p := r.probes[pi]
			t := CellTraffic{Protocol: p.Protocol.String(), Probe: pi}
			if p.Protocol.HasPorts() {
				t.Ports = slices.Clone([]model.PortRange(ps))
			}
			if p.Protocol.IsICMP() {
				t.ICMP = icmpName(p.icmpMessage())
			}
			if !c.inet[pi].empty() {
				set, _ := r.cs.e.describeInternet(c.inet[pi])
				if k[0] == "internet" {
					t.Sources = set
				} else {
					t.Destinations = set
				}
			}
			cell.Traffic = append(cell.Traffic, t)
		}
		cell.Services = SummarizeServices(r.probes, ports)
		m.Cells = append(m.Cells, cell)
	}
	slices.SortFunc(m.Cells, func(a, b MatrixCell) int {
		return cmp.Or(cmp.Compare(lastIf(a.From == "internet"), lastIf(b.From == "internet")), cmp.Compare(a.From, b.From),
			cmp.Compare(lastIf(a.To == "internet"), lastIf(b.To == "internet")), cmp.Compare(a.To, b.To))
	})
	return m
}

// Members returns the interfaces of a group of the matrix.
func (m *Matrix) Members(group string) []string { return slices.Clone(m.members[group]) }

// Cell returns the cell from one group to another, if any traffic gets
// through.
func (m *Matrix) Cell(from, to string) (MatrixCell, bool) {
	i, ok := slices.BinarySearchFunc(m.Cells, [2]string{from, to}, func(c MatrixCell, k [2]string) int {
		return cmp.Or(cmp.Compare(lastIf(c.From == "internet"), lastIf(k[0] == "internet")), cmp.Compare(c.From, k[0]),
			cmp.Compare(lastIf(c.To == "internet"), lastIf(k[1] == "internet")), cmp.Compare(c.To, k[1]))
	})
	if !ok {
		return MatrixCell{}, false
	}
	return m.Cells[i], true
}

// Witness returns a point query inside a cell's traffic: two interfaces
// of the groups (or the internet and an address of the cell's sources or
// destinations) and a protocol and port that gets through. Reach answers
// it with the full trace.
func (m *Matrix) Witness(from, to string, probe int) (Query, bool) {
	cell, ok := m.Cell(from, to)
	if !ok {
		return Query{}, false
	}
	var t *CellTraffic
	for i := range cell.Traffic {
		if cell.Traffic[i].Probe == probe {
			t = &cell.Traffic[i]
		}
	}
	if t == nil {
		return Query{}, false
	}
	p := m.Probes[probe]
	q := Query{Protocol: p.Protocol, ICMP: p.ICMP}
	if len(t.Ports) > 0 {
		q.Port = max(int(t.Ports[0].From), 1)
	}
	pairs := m.rel.witnessPairs(probe, m.By, from, to)
	for _, wp := range pairs {
		q.From, q.To = wp[0], wp[1]
		if a, err := m.rel.cs.e.Reach(q); err == nil && a.Reachable {
			return q, true
		}
	}
	return Query{}, false
}

// witnessPairs lists candidate ends for a witness: the members of the
// groups (the internet by name).
func (r *Relation) witnessPairs(_ int, by GroupBy, from, to string) [][2]string {
	members := func(g string, recv bool) []string {
		if g == "internet" {
			return []string{"internet"}
		}
		sels := r.cs.sortedSenders
		if recv {
			sels = r.cs.sortedRecvers
		}
		var out []string
		for _, s := range sels {
			for _, c := range s.ends {
				if slices.Contains(r.groupsOf(by, c), g) {
					out = append(out, c.n.ID)
				}
			}
		}
		return out
	}
	var out [][2]string
	for _, f := range members(from, false) {
		for _, t := range members(to, true) {
			if f != t {
				out = append(out, [2]string{f, t})
			}
			if len(out) >= 4096 {
				return out
			}
		}
	}
	return out
}

// senderUnits are the selected senders of one IP version, sorted by
// address, grouped into subnets (units) for the sweep.
type senderUnits struct {
	addrs []netip.Addr
	unit  []int
	// subnet, vm and ends per unit; homogeneous is false for a subnet
	// whose senders span several merged classes.
	subnet      []string
	vm          []*ifaceClass
	homogeneous []bool
	ends        [][]*connEnd
	addrSet     []addrs
	byID        map[string]int
}

// group returns the group of a unit's senders.
func (u *senderUnits) group(ui int, of func(*connEnd) string) string { return of(u.ends[ui][0]) }

func (cs *connSet) senderUnits(fam int) *senderUnits {
	var list []*connEnd
	for _, s := range cs.sortedSenders {
		for _, c := range s.ends {
			if c.addr[fam].IsValid() {
				list = append(list, c)
			}
		}
	}
	slices.SortFunc(list, func(a, b *connEnd) int { return a.addr[fam].Compare(b.addr[fam]) })
	u := &senderUnits{byID: map[string]int{}}
	for _, c := range list {
		i, ok := u.byID[c.n.SubnetID]
		if !ok {
			i = len(u.subnet)
			u.byID[c.n.SubnetID] = i
			u.subnet = append(u.subnet, c.n.SubnetID)
			u.vm = append(u.vm, c.vm)
			u.homogeneous = append(u.homogeneous, true)
			u.ends = append(u.ends, nil)
		}
		if u.vm[i] != c.vm {
			u.homogeneous[i] = false
		}
		u.ends[i] = append(u.ends[i], c)
		u.addrs = append(u.addrs, c.addr[fam])
		u.unit = append(u.unit, i)
	}
	u.addrSet = make([]addrs, len(u.subnet))
	for i, ends := range u.ends {
		list := make([]netip.Addr, len(ends))
		for j, c := range ends {
			list[j] = c.addr[fam]
		}
		u.addrSet[i] = addrsOfList(list)
	}
	return u
}

// row returns, for every unit of senders, the destination ports on which
// some sender of the unit is admitted by some of the receivers' classes
// (with the given inbound admissions): the ingress half of every cell in
// a column, for all sending subnets at once. Each admitted set's source
// ranges are mapped to the units whose senders they hold (a subnet's
// senders are contiguous in address order), and a sweep over the units
// joins the ports of the sets that cover each.
func (u *senderUnits) row(admitted []packet) []portSet {
	type interval struct {
		from, to int
		ports    portSet
	}
	var ivs []interval
	for _, p := range admitted {
		for _, sp := range p.spans {
			ports := sp.dstPorts
			if !p.proto.HasPorts() {
				ports = portsOf(model.AllPorts)
			}
			for _, rg := range sp.src.ranges() {
				lo := sort.Search(len(u.addrs), func(i int) bool { return !u.addrs[i].Less(rg.From()) })
				hi := sort.Search(len(u.addrs), func(i int) bool { return rg.To().Less(u.addrs[i]) }) - 1
				if lo > hi {
					continue
				}
				ivs = append(ivs, interval{u.unit[lo], u.unit[hi], ports})
			}
		}
	}
	out := make([]portSet, len(u.subnet))
	if len(ivs) == 0 {
		return out
	}
	// units are numbered in address order, so an interval of addresses is
	// an interval of units
	starts := slices.Clone(ivs)
	slices.SortFunc(starts, func(a, b interval) int { return cmp.Compare(a.from, b.from) })
	var active []interval
	next := 0
	var cur portSet
	for i := range out {
		changed := false
		n := 0
		for _, a := range active {
			if a.to >= i {
				active[n] = a
				n++
			} else {
				changed = true
			}
		}
		active = active[:n]
		for next < len(starts) && starts[next].from <= i {
			active = append(active, starts[next])
			next++
			changed = true
		}
		if changed {
			cur = nil
			for _, a := range active {
				cur = cur.union(a.ports)
			}
		}
		out[i] = cur
	}
	return out
}

// subnetCells adds the relation's traffic of one probe to cells of VPCs
// or subnets. For every receiving subnet it computes the ingress half of
// its column for all sending subnets at once (row); a cell is then what
// the path views delivered between the two subnets' classes, narrowed by
// that row — when the delivery is one product of the subnets' senders,
// receivers and ports, not translated or forwarded, the senders' groups
// let everything out and the receivers' groups match the same way
// whichever way the packets came. Every other cell is added up pair of
// classes by pair (between), as the other groupings are.
func (r *Relation) subnetCells(pi int, pr *probeRel, by GroupBy, acc *matrixAcc) {
	cs := r.cs
	group := func(c *connEnd) string { return r.groupsOf(by, c)[0] }
	for fam := range 2 {
		if !pr.probe.Protocol.Carries(fam == 0) {
			continue
		}
		units := cs.senderUnits(fam)
		// receiving subnets
		type recvUnit struct {
			subnet string
			sels   []*classSel
			ends   []*connEnd
		}
		var recvs []*recvUnit
		idx := map[string]*recvUnit{}
		for _, d := range cs.sortedRecvers {
			if d.addrs[fam].empty() {
				continue
			}
			sn := d.ends[0].n.SubnetID
			ru := idx[sn]
			if ru == nil {
				ru = &recvUnit{subnet: sn}
				idx[sn] = ru
				recvs = append(recvs, ru)
			}
			ru.sels = append(ru.sels, d)
			ru.ends = append(ru.ends, d.ends...)
		}
		// sender classes per unit, for the pair-by-pair fallback
		unitSels := make([][]*classSel, len(units.subnet))
		for _, s := range cs.sortedSenders {
			if s.addrs[fam].empty() {
				continue
			}
			if i, ok := units.byID[s.ends[0].n.SubnetID]; ok {
				unitSels[i] = append(unitSels[i], s)
			}
		}
		egressAll := make([]bool, len(units.subnet))
		for i, sels := range unitSels {
			egressAll[i] = true
			for _, s := range sels {
				if !pr.egress(s.cls, fam).all {
					egressAll[i] = false
				}
			}
		}
		sharesInstance := cs.instancePairs()
		cs.parallel(len(recvs), func(ri int) {
			ru := recvs[ri]
			vmY := ru.ends[0].vm
			homogeneous := !slices.ContainsFunc(ru.ends, func(c *connEnd) bool { return c.vm != vmY })
			viaFree := !slices.ContainsFunc(ru.sels, func(d *classSel) bool { return cs.dependsOnVia(d.cls) })
			var row []portSet
			rowOf := func() []portSet {
				if row == nil {
					admitted := make([]packet, len(ru.sels))
					for i, d := range ru.sels {
						admitted[i] = pr.ingress(d.cls, fam, crossing{}, false)
					}
					row = units.row(admitted)
				}
				return row
			}
			gY := group(ru.ends[0])
			var recvAddrs []netip.Addr
			for _, c := range ru.ends {
				recvAddrs = append(recvAddrs, c.addr[fam])
			}
			ra := addrsOfList(recvAddrs)
			for ui, sn := range units.subnet {
				fast := homogeneous && units.homogeneous[ui] && egressAll[ui] && sn != ru.subnet && !sharesInstance[[2]string{sn, ru.subnet}]
				if fast {
					ents := pr.entries(fam, units.ends[ui][0], ru.ends[0])
					if len(ents) == 0 {
						continue
					}
					if q, ok := pr.uniformDelivery(ents, units.addrSet[ui], ra); ok && (viaFree || ents[0].via == (crossing{})) {
						acc.add(units.group(ui, group), gY, pi, q.intersect(rowOf()[ui]), addrs{})
						continue
					}
				}
				for _, s := range unitSels[ui] {
					for _, d := range ru.sels {
						if p := pr.between(fam, s, d); !p.empty() {
							r.addPacket(pi, by, fam, s, d, p, acc)
						}
					}
				}
			}
		})
		// the internet, class by class
		var jobs []func()
		if cs.fromInternet {
			for _, d := range cs.sortedRecvers {
				if len(pr.fromInternet[fam][d.ends[0].vm]) > 0 {
					jobs = append(jobs, func() {
						if p := pr.fromInternetTo(fam, d); !p.empty() {
							r.addPacket(pi, by, fam, nil, d, p, acc)
						}
					})
				}
			}
		}
		if cs.toInternet {
			for _, s := range cs.sortedSenders {
				if len(pr.toInternet[fam][s.ends[0].vm]) > 0 {
					jobs = append(jobs, func() {
						if p := pr.toInternetFrom(fam, s); !p.empty() {
							r.addPacket(pi, by, fam, s, nil, p, acc)
						}
					})
				}
			}
		}
		cs.parallel(len(jobs), func(i int) { jobs[i]() })
	}
}

// uniformDelivery reports whether what the views delivered from a unit of
// senders (addresses src) to a subnet's receivers (dst) is one product of
// all of them and a set of ports, untranslated and not forwarded, and
// returns the ports.
func (pr *probeRel) uniformDelivery(ents []pathEntry, src, dst addrs) (portSet, bool) {
	if len(ents) != 1 || ents[0].translated || ents[0].forwarded {
		return nil, false
	}
	req := ents[0].req
	if len(req.spans) == 1 {
		// the common case: one span that holds both subnets whole
		sp := req.spans[0]
		if in, _ := src.split(sp.src); in.equal(src) {
			if in, _ := dst.split(sp.dst); in.equal(dst) {
				return packetPorts(req), true
			}
		}
	}
	p := restrictEnds(req, src, dst)
	if len(p.spans) != 1 || !p.spans[0].src.equal(src) || !p.spans[0].dst.equal(dst) {
		return nil, false
	}
	return packetPorts(p), true
}

// instancePairs returns the pairs of subnets that hold two interfaces of
// one instance (their cells are added up pair by pair, which leaves such
// pairs out).
func (cs *connSet) instancePairs() map[[2]string]bool {
	bySubnets := map[string][]string{}
	for id, in := range cs.instanceOf {
		if c := cs.ends[id]; c != nil {
			bySubnets[in] = append(bySubnets[in], c.n.SubnetID)
		}
	}
	out := map[[2]string]bool{}
	for _, sns := range bySubnets {
		for _, a := range sns {
			for _, b := range sns {
				out[[2]string{a, b}] = true
			}
		}
	}
	return out
}

// String renders a group for messages: "subnet-0a1 (web-1a)".
func (g MatrixGroup) String() string {
	if g.Name != "" && g.Name != g.ID {
		return fmt.Sprintf("%s (%s)", g.ID, g.Name)
	}
	return g.ID
}

// Label returns the group's name, or its ID when it has none.
func (g MatrixGroup) Label() string { return cmp.Or(g.Name, g.ID) }

// lastIf orders the internet after every group.
func lastIf(b bool) int {
	if b {
		return 1
	}
	return 0
}
