package reach

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math/bits"
	"net/netip"
	"slices"
	"sort"
	"strings"
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
	// Probes is the traffic asked about; nil: DefaultProbes.
	Probes []Probe
	// Workers is how many walks run at once; 0: GOMAXPROCS.
	Workers int
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

// String renders a group for messages: "subnet-0a1 (web-1a)".
func (g MatrixGroup) String() string {
	if g.Name != "" && g.Name != g.ID {
		return fmt.Sprintf("%s (%s)", g.ID, g.Name)
	}
	return g.ID
}

// Label returns the group's name, or its ID when it has none.
func (g MatrixGroup) Label() string { return cmp.Or(g.Name, g.ID) }

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

// CellTraffic is one probe's traffic in a cell.
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
// of groups of interfaces, and the internet. Its cells are kept compact
// (a large account by subnet has millions); read them with EachCell,
// Cell or Cells.
type Matrix struct {
	By      GroupBy       `json:"by"`
	Groups  []MatrixGroup `json:"groups"`
	Caveats []string      `json:"caveats"`
	Probes  []Probe       `json:"-"`
	cells   []cellRef
	store   *cellStore
	rel     *Relation
	index   map[string]int32
}

// cellRef is a matrix cell as kept: group indexes and the first of its
// traffic records in the store.
type cellRef struct {
	from, to, first int32
}

// cellStore keeps cells without pointers — a large matrix has millions,
// and the garbage collector then has nothing to scan: per cell a chain of
// traffic records (one per probe that gets through), their ports in one
// arena. Cells from or to the internet keep their addresses aside.
type cellStore struct {
	// index is the first record of every cell, by cellKey; dense, when
	// there are few enough groups, the same as first record + 1 (0: no
	// cell) at from*groups+to, with count the cells it holds.
	index  map[uint64]int32
	dense  []int32
	groups int
	count  int
	// recs and ports are arenas of fixed-size chunks (a set of ports
	// larger than a chunk gets one of its own): growing them copies
	// nothing, where one slice of millions of records copied itself
	// again and again, under the accumulator's lock.
	recs  [][]trafficRec
	nrecs int32
	ports [][]model.PortRange
	inet  map[uint64]map[int32]addrs
}

// trafficRec is a probe's ports in a cell: the ports arena's chunk
// off>>arenaChunkBits, from off&arenaChunkMask, n of them; next is the
// cell's next record, or -1.
type trafficRec struct {
	probe, off, n, next int32
}

// arenaChunkBits sizes the chunks of a cell store's arenas.
const (
	arenaChunkBits = 16
	arenaChunk     = 1 << arenaChunkBits
	arenaChunkMask = arenaChunk - 1
)

// maxDenseCells is the most cells a store indexes densely (64 MiB): a
// matrix by subnet of the large account has 2,001 groups (4 M cells, of
// which 2.9 M hold traffic), where looking cells up in a map was the
// most of adding to them.
const maxDenseCells = 1 << 24

// newCellStore returns a store for cells between groups numbered below
// groups.
func newCellStore(groups int) *cellStore {
	st := &cellStore{index: map[uint64]int32{}, inet: map[uint64]map[int32]addrs{}, groups: groups}
	if groups*groups <= maxDenseCells {
		st.dense = make([]int32, groups*groups)
	}
	return st
}

// first returns the first record of a cell.
func (st *cellStore) first(key uint64) (int32, bool) {
	if st.dense == nil {
		i, ok := st.index[key]
		return i, ok
	}
	i := st.dense[int(key>>32)*st.groups+int(uint32(key))]
	return i - 1, i > 0
}

// setFirst sets the first record of a cell.
func (st *cellStore) setFirst(key uint64, i int32) {
	if st.dense == nil {
		st.index[key] = i
		return
	}
	j := int(key>>32)*st.groups + int(uint32(key))
	if st.dense[j] == 0 {
		st.count++
	}
	st.dense[j] = i + 1
}

// len returns the number of cells.
func (st *cellStore) len() int {
	if st.dense == nil {
		return len(st.index)
	}
	return st.count
}

// each calls f with every cell's key and first record.
func (st *cellStore) each(f func(key uint64, first int32)) {
	if st.dense == nil {
		for k, i := range st.index {
			f(k, i)
		}
		return
	}
	for j, i := range st.dense {
		if i > 0 {
			f(cellKey(int32(j/st.groups), int32(j%st.groups)), i-1)
		}
	}
}

func cellKey(from, to int32) uint64 { return uint64(uint32(from))<<32 | uint64(uint32(to)) }

// portsOf returns a record's ports (shared with the arena: read only).
func (st *cellStore) portsOf(r trafficRec) portSet {
	c, o := r.off>>arenaChunkBits, r.off&arenaChunkMask
	return portSet(st.ports[c][o : o+r.n : o+r.n])
}

// rec returns record i.
func (st *cellStore) rec(i int32) *trafficRec { return &st.recs[i>>arenaChunkBits][i&arenaChunkMask] }

// putPorts copies ports into the arena and returns their offset.
func (st *cellStore) putPorts(ports portSet) int32 {
	last := len(st.ports) - 1
	if last < 0 || len(st.ports[last])+len(ports) > cap(st.ports[last]) {
		st.ports = append(st.ports, make([]model.PortRange, 0, max(arenaChunk, len(ports))))
		last++
	}
	off := int32(last)<<arenaChunkBits | int32(len(st.ports[last]))
	st.ports[last] = append(st.ports[last], ports...)
	return off
}

// add joins ports to a cell's traffic of a probe.
func (st *cellStore) add(key uint64, probe int32, ports portSet) {
	first, ok := st.first(key)
	if !ok {
		st.setFirst(key, st.appendRec(probe, ports, -1))
		return
	}
	for i := first; i >= 0; i = st.rec(i).next {
		r := st.rec(i)
		if r.probe != probe {
			continue
		}
		old := st.portsOf(*r)
		u := old.union(ports)
		if u.equal(old) {
			return
		}
		r.off, r.n = st.putPorts(u), int32(len(u))
		return
	}
	st.setFirst(key, st.appendRec(probe, ports, first))
}

func (st *cellStore) appendRec(probe int32, ports portSet, next int32) int32 {
	if st.nrecs&arenaChunkMask == 0 {
		st.recs = append(st.recs, make([]trafficRec, 0, arenaChunk))
	}
	c := len(st.recs) - 1
	st.recs[c] = append(st.recs[c], trafficRec{probe: probe, off: st.putPorts(ports), n: int32(len(ports)), next: next})
	st.nrecs++
	return st.nrecs - 1
}

// known returns a cell's ports for a probe.
func (st *cellStore) known(key uint64, probe int32) portSet {
	first, ok := st.first(key)
	if !ok {
		return nil
	}
	for i := first; i >= 0; i = st.rec(i).next {
		if r := st.rec(i); r.probe == probe {
			return st.portsOf(*r)
		}
	}
	return nil
}

// Len returns the number of cells that hold traffic.
func (m *Matrix) Len() int { return len(m.cells) }

// EachCell calls f with every cell that holds traffic, in order (by
// sending group, then receiving group, the internet last), until f
// returns false.
func (m *Matrix) EachCell(f func(MatrixCell) bool) {
	for i := range m.cells {
		if !f(m.cellAt(i)) {
			return
		}
	}
}

// Cells returns every cell that holds traffic, in order.
func (m *Matrix) Cells() []MatrixCell {
	out := make([]MatrixCell, 0, len(m.cells))
	m.EachCell(func(c MatrixCell) bool { out = append(out, c); return true })
	return out
}

// Cell returns the cell from one group to another, if any traffic gets
// through.
func (m *Matrix) Cell(from, to string) (MatrixCell, bool) {
	f, ok1 := m.index[from]
	t, ok2 := m.index[to]
	if !ok1 || !ok2 {
		return MatrixCell{}, false
	}
	i, ok := slices.BinarySearchFunc(m.cells, [2]int32{f, t}, func(c cellRef, k [2]int32) int {
		return cmp.Or(cmp.Compare(c.from, k[0]), cmp.Compare(c.to, k[1]))
	})
	if !ok {
		return MatrixCell{}, false
	}
	return m.cellAt(i), true
}

func (m *Matrix) cellAt(i int) MatrixCell {
	c := m.cells[i]
	out := MatrixCell{From: m.Groups[c.from].ID, To: m.Groups[c.to].ID}
	ports := make([][]model.PortRange, len(m.Probes))
	var recs []trafficRec
	for j := c.first; j >= 0; j = m.store.rec(j).next {
		recs = append(recs, *m.store.rec(j))
	}
	slices.SortFunc(recs, func(a, b trafficRec) int { return cmp.Compare(a.probe, b.probe) })
	inet := m.store.inet[cellKey(c.from, c.to)]
	out.Traffic = make([]CellTraffic, 0, len(recs))
	for _, rec := range recs {
		p := m.Probes[rec.probe]
		ps := m.store.portsOf(rec)
		t := CellTraffic{Protocol: p.Protocol.String(), Probe: int(rec.probe)}
		if p.Protocol.HasPorts() {
			t.Ports = slices.Clone([]model.PortRange(ps))
		}
		if p.Protocol.IsICMP() {
			t.ICMP = icmpName(p.icmpMessage())
		}
		if a := inet[rec.probe]; !a.empty() {
			set, _ := m.rel.cs.e.describeInternet(a)
			if out.From == "internet" {
				t.Sources = set
			} else {
				t.Destinations = set
			}
		}
		ports[rec.probe] = ps
		out.Traffic = append(out.Traffic, t)
	}
	out.Services = SummarizeServices(m.Probes, ports)
	return out
}

// Members returns the interfaces of a group of the matrix.
func (m *Matrix) Members(group string) []string { return m.rel.members(m.By, group) }

// Connectivity computes the connectivity matrix between two groups of
// interfaces (and the internet), grouped by VPC, subnet, security group
// or interface: for every pair of groups and every probe, the exact
// destination ports on which some interface of one reaches some of the
// other, both ways.
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

// groupsOf returns the groups an interface belongs to.
func groupsOf(by GroupBy, c *connEnd) []string {
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

// members returns the selected interfaces of a group.
func (r *Relation) members(by GroupBy, g string) []string {
	seen := map[string]bool{}
	for _, c := range r.cs.ends {
		if slices.Contains(groupsOf(by, c), g) {
			seen[c.n.ID] = true
		}
	}
	out := make([]string, 0, len(seen))
	for id := range seen {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// matrixAcc accumulates the cells of a matrix.
type matrixAcc struct {
	mu     sync.RWMutex
	groups []MatrixGroup
	index  map[string]int32
	store  *cellStore
	// locals are emptied localCells for reuse (a matrix by subnet adds
	// a job's cells some hundred thousand times).
	locals sync.Pool
}

// local returns an empty localCells; merge takes it back.
func (a *matrixAcc) local() localCells {
	if l, ok := a.locals.Get().(localCells); ok {
		return l
	}
	return localCells{}
}

// group returns a group's index.
func (a *matrixAcc) group(id string) int32 {
	if i, ok := a.index[id]; ok {
		return i
	}
	panic("reach: matrix group " + id + " not indexed")
}

// localCells collects one job's cells before they are added at once.
type localCells map[cellProbe]portSet

// cellProbe names a cell's traffic of one probe.
type cellProbe struct {
	cell  uint64
	probe int32
}

func (l localCells) add(from, to int32, probe int, ports portSet) {
	if ports.empty() {
		return
	}
	k := cellProbe{cellKey(from, to), int32(probe)}
	if old, ok := l[k]; ok {
		ports = old.union(ports)
	}
	l[k] = ports
}

// merge adds a job's cells (from local) to the matrix and takes l back
// for reuse.
func (a *matrixAcc) merge(l localCells) {
	if len(l) > 0 {
		a.mu.Lock()
		for k, ports := range l {
			a.store.add(k.cell, k.probe, ports)
		}
		a.mu.Unlock()
	}
	clear(l)
	a.locals.Put(l)
}

// addInternet adds traffic from or to the internet with its addresses.
func (a *matrixAcc) addInternet(from, to int32, probe int, ports portSet, inet addrs) {
	if ports.empty() {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	k := cellKey(from, to)
	a.store.add(k, int32(probe), ports)
	m := a.store.inet[k]
	if m == nil {
		m = map[int32]addrs{}
		a.store.inet[k] = m
	}
	m[int32(probe)] = m[int32(probe)].union(inet)
}

// known returns the ports a cell holds for a probe so far.
func (a *matrixAcc) known(from, to int32, probe int) portSet {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.store.known(cellKey(from, to), int32(probe))
}

// newMatrixAcc indexes the groups of the selection.
func (r *Relation) newMatrixAcc(by GroupBy) *matrixAcc {
	a := &matrixAcc{index: map[string]int32{}}
	counted := map[string]int{}
	for _, c := range r.cs.ends {
		for _, g := range groupsOf(by, c) {
			counted[g]++
		}
	}
	kind := map[GroupBy]string{ByVPC: "vpc", BySubnet: "subnet", BySecurityGroup: "security-group", ByInterface: "network-interface"}[by]
	for g, n := range counted {
		mg := MatrixGroup{ID: g, Kind: kind, Interfaces: n}
		if res, ok := r.cs.e.ix.Resource(g); ok {
			mg.Name = res.Base().Name()
			if sg, ok := res.(*model.SecurityGroup); ok && mg.Name == "" {
				mg.Name = sg.GroupName
			}
		}
		a.groups = append(a.groups, mg)
	}
	slices.SortFunc(a.groups, func(x, y MatrixGroup) int { return cmp.Compare(x.ID, y.ID) })
	if r.cs.fromInternet || r.cs.toInternet {
		a.groups = append(a.groups, MatrixGroup{ID: "internet", Kind: "internet"})
	}
	for i, g := range a.groups {
		a.index[g.ID] = int32(i)
	}
	a.store = newCellStore(len(a.groups))
	return a
}

// Matrix groups the relation's traffic by VPC, subnet, security group or
// interface. By VPC or subnet it walks the views again, adding up each
// walk's deliveries as it ends (nothing is kept but the cells); by
// security group or interface it reads the deliveries pair of classes by
// pair.
func (r *Relation) Matrix(by GroupBy) *Matrix {
	acc := r.newMatrixAcc(by)
	for pi, pr := range r.rels {
		if by == ByVPC || by == BySubnet {
			r.subnetCells(pi, pr, by, acc)
			continue
		}
		r.eachPair(pr, func(fam int, s, d *classSel, p packet) {
			l := acc.local()
			r.addPacket(pi, by, fam, s, d, p, acc, l)
			acc.merge(l)
		})
	}
	m := &Matrix{By: by, Groups: acc.groups, Caveats: r.Caveats(), Probes: r.probes, rel: r, index: acc.index, store: acc.store}
	m.cells = make([]cellRef, 0, acc.store.len())
	acc.store.each(func(k uint64, first int32) {
		m.cells = append(m.cells, cellRef{from: int32(k >> 32), to: int32(uint32(k)), first: first})
	})
	slices.SortFunc(m.cells, func(a, b cellRef) int { return cmp.Or(cmp.Compare(a.from, b.from), cmp.Compare(a.to, b.to)) })
	return m
}

// addPacket adds the packets between two classes (nil: the internet) to
// the cells of their members' groups, pair of members by pair.
func (r *Relation) addPacket(pi int, by GroupBy, fam int, s, d *classSel, p packet, acc *matrixAcc, l localCells) {
	inet := acc.index["internet"]
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
			for _, g := range groupsOfAll(by, tos) {
				acc.addInternet(inet, acc.group(g), pi, ports, sp.src)
			}
		case d == nil:
			for _, g := range groupsOfAll(by, froms) {
				acc.addInternet(acc.group(g), inet, pi, ports, sp.dst)
			}
		default:
			for _, f := range froms {
				for _, t := range tos {
					if !r.cs.counts(f, t) {
						continue
					}
					for _, gf := range groupsOf(by, f) {
						for _, gt := range groupsOf(by, t) {
							l.add(acc.group(gf), acc.group(gt), pi, ports)
						}
					}
				}
			}
		}
	}
}

// groupsOfAll returns the groups of the interfaces, each once.
func groupsOfAll(by GroupBy, ends []*connEnd) []string {
	var out []string
	for _, c := range ends {
		out = append(out, groupsOf(by, c)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
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

// Witness returns a point query inside a cell's traffic for a probe: two
// interfaces of the groups (or the internet) and a protocol and port that
// gets through. Reach answers it with the full trace.
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
	endsOf := func(g string) []string {
		if g == "internet" {
			return []string{"internet"}
		}
		return m.Members(g)
	}
	tries := 0
	for _, f := range endsOf(from) {
		for _, to := range endsOf(to) {
			if f == to {
				continue
			}
			if tries++; tries > 4096 {
				return Query{}, false
			}
			q.From, q.To = f, to
			if a, err := m.rel.cs.e.Reach(q); err == nil && a.Reachable {
				return q, true
			}
		}
	}
	return Query{}, false
}

// senderUnits are the selected senders of one IP version, sorted by
// address, grouped into subnets (units) for the sweep.
type senderUnits struct {
	addrs []netip.Addr
	unit  []int
	// per unit: the subnet, the merged class of its senders (homogeneous
	// is false when they span several), its senders and their addresses,
	// its selected classes, and whether all of them let everything out.
	subnet      []string
	vm          []*ifaceClass
	homogeneous []bool
	ends        [][]*connEnd
	addrSet     []addrs
	sels        [][]*classSel
	byID        map[string]int
	// run is the run of every address: a run is a stretch of addresses
	// (in order) of one unit; runUnit is the unit of every run, unitRuns
	// the runs of every unit. A subnet's senders are one run unless
	// subnets of VPCs with overlapping address ranges interleave.
	run      []int
	runUnit  []int
	unitRuns [][]int
	// keys are the addresses as numbers, for the column's searches.
	keys []addrKey
}

// addrKey is an address as a 128-bit number (IPv4 as IPv4-mapped IPv6):
// ordered as the addresses of one IP version are.
type addrKey struct{ hi, lo uint64 }

func keyOf(a netip.Addr) addrKey {
	b := a.As16()
	return addrKey{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

func (k addrKey) less(o addrKey) bool { return k.hi < o.hi || (k.hi == o.hi && k.lo < o.lo) }

// senderUnits returns the units of senders of an IP version, made once
// for the selection (they depend on no probe; read only).
func (cs *connSet) senderUnits(fam int) *senderUnits {
	cs.unitsOnce[fam].Do(func() { cs.units[fam] = cs.newSenderUnits(fam) })
	return cs.units[fam]
}

func (cs *connSet) newSenderUnits(fam int) *senderUnits {
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
		if n := len(u.unit); n == 0 || u.unit[n-1] != i {
			u.runUnit = append(u.runUnit, i)
		}
		u.addrs = append(u.addrs, c.addr[fam])
		u.unit = append(u.unit, i)
		u.run = append(u.run, len(u.runUnit)-1)
	}
	u.keys = make([]addrKey, len(u.addrs))
	for i, a := range u.addrs {
		u.keys[i] = keyOf(a)
	}
	u.unitRuns = make([][]int, len(u.subnet))
	for k, i := range u.runUnit {
		u.unitRuns[i] = append(u.unitRuns[i], k)
	}
	u.addrSet = make([]addrs, len(u.subnet))
	for i, ends := range u.ends {
		list := make([]netip.Addr, len(ends))
		for j, c := range ends {
			list[j] = c.addr[fam]
		}
		u.addrSet[i] = addrsOfList(list)
	}
	u.sels = make([][]*classSel, len(u.subnet))
	for _, s := range cs.sortedSenders {
		if s.addrs[fam].empty() {
			continue
		}
		if i, ok := u.byID[s.ends[0].n.SubnetID]; ok {
			u.sels[i] = append(u.sels[i], s)
		}
	}
	return u
}

// segment is a stretch of runs of senders (senderUnits.run) from start
// on that a column admits on the same ports.
type segment struct {
	start int
	ports portSet
	// normal is ports.normal()
	normal bool
}

// column returns, for every unit of senders, the destination ports on
// which some sender of the unit is admitted by some of a receiving
// subnet's classes (their inbound admissions given): the ingress half of
// every cell in a column, for all sending subnets at once, as segments
// of runs (read a unit's ports with at). Each admitted set's source
// ranges are mapped to the runs whose senders they hold (runs are
// contiguous in address order, so an interval of addresses is an
// interval of runs), and a sweep over the runs joins the ports of the
// sets that cover each.
func (u *senderUnits) column(admitted []packet) []segment {
	all := portsOf(model.AllPorts) // for protocols without ports
	parts := make([][]runInterval, len(admitted))
	for i, p := range admitted {
		parts[i] = u.intervals(p, all)
	}
	return columnOf(parts)
}

// intervals maps the source ranges of admitted packets to the runs of
// senders they hold, with the destination ports (all for a protocol
// without ports).
func (u *senderUnits) intervals(p packet, all portSet) []runInterval {
	n := 0
	for _, sp := range p.spans {
		n += max(len(sp.src.rs), 1) // ranges, without making one for a single address
	}
	ivs := make([]runInterval, 0, n)
	for _, sp := range p.spans {
		ports := sp.dstPorts
		if !p.proto.HasPorts() {
			ports = all
		}
		for _, rg := range sp.src.ranges() {
			from, to := keyOf(rg.From()), keyOf(rg.To())
			lo := sort.Search(len(u.keys), func(i int) bool { return !u.keys[i].less(from) })
			hi := sort.Search(len(u.keys), func(i int) bool { return to.less(u.keys[i]) }) - 1
			if lo > hi {
				continue
			}
			ivs = append(ivs, runInterval{from: u.run[lo], to: u.run[hi], ports: ports})
		}
	}
	return ivs
}

// columnOf joins the intervals of admitted sets into a column.
func columnOf(parts [][]runInterval) []segment {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if n == 0 {
		return nil
	}
	ivs := make([]runInterval, 0, n)
	// sets numbers the distinct sets of ports: by backing array (the
	// ranges of one span share theirs), and arrays of equal ports (those
	// of groups with like rules) under one number, by content
	sets := map[portsID]int{}
	byContent := map[string]int{}
	var buf []byte
	// the ranges of one span come in a row: their set is the last one's
	last, lastSet := portsID{}, -1
	for _, p := range parts {
		for _, iv := range p {
			key := idOfPorts(iv.ports)
			if lastSet < 0 || key != last {
				id, ok := sets[key]
				if !ok {
					buf = buf[:0]
					for _, r := range iv.ports {
						buf = binary.BigEndian.AppendUint16(buf, r.From)
						buf = binary.BigEndian.AppendUint16(buf, r.To)
					}
					if id, ok = byContent[string(buf)]; !ok {
						id = len(byContent)
						byContent[string(buf)] = id
					}
					sets[key] = id
				}
				last, lastSet = key, id
			}
			iv.set = lastSet
			ivs = append(ivs, iv)
		}
	}
	return sweepRuns(ivs, len(byContent))
}

// runInterval is a stretch of runs of senders (from to to) a set of
// ports is admitted from; set numbers the set among the column's
// (intervals with one number hold equal ports).
type runInterval struct {
	from, to int
	ports    portSet
	set      int
}

// portsID identifies a set of ports by its backing array.
type portsID struct {
	first *model.PortRange
	n     int
}

func idOfPorts(p portSet) portsID {
	if len(p) == 0 {
		return portsID{}
	}
	return portsID{&p[0], len(p)}
}

// sweepRuns joins the ports of the intervals that cover each run into
// segments. With at most 256 distinct sets of ports (sets), the sets that
// cover a run are a bit mask, and each mask's union is made once.
func sweepRuns(ivs []runInterval, sets int) []segment {
	// the points where the covering sets change
	cuts := make([]int, 0, 2*len(ivs))
	for _, iv := range ivs {
		cuts = append(cuts, iv.from, iv.to+1)
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	order := orderByFrom(ivs)
	masked := sets <= 256
	var count []int
	var unions map[[4]uint64]portSet
	// setPorts are the ports of each set, distinct the sets of a mask
	var setPorts, distinct []portSet
	if masked {
		count = make([]int, sets)
		unions = map[[4]uint64]portSet{}
		setPorts = make([]portSet, sets)
		for _, iv := range ivs {
			setPorts[iv.set] = iv.ports
		}
	}
	var mask [4]uint64
	var scratch []uint32 // unionActive's
	var out []segment
	var active []runInterval
	next := 0
	for _, at := range cuts {
		n := 0
		for _, a := range active {
			if a.to >= at {
				active[n] = a
				n++
			} else if masked {
				if count[a.set]--; count[a.set] == 0 {
					mask[a.set>>6] &^= 1 << (a.set & 63)
				}
			}
		}
		active = active[:n]
		for next < len(order) && ivs[uint32(order[next])].from <= at {
			if iv := ivs[uint32(order[next])]; iv.to >= at {
				active = append(active, iv)
				if masked {
					if count[iv.set]++; count[iv.set] == 1 {
						mask[iv.set>>6] |= 1 << (iv.set & 63)
					}
				}
			}
			next++
		}
		var ports portSet
		if masked {
			var ok bool
			if ports, ok = unions[mask]; !ok {
				distinct = distinct[:0]
				for w, word := range mask {
					for ; word != 0; word &= word - 1 {
						distinct = append(distinct, setPorts[w<<6|bits.TrailingZeros64(word)])
					}
				}
				ports = unionSets(distinct, &scratch)
				unions[mask] = ports
			}
		} else {
			ports = unionActive(active, &scratch)
		}
		if len(out) > 0 && out[len(out)-1].ports.equal(ports) {
			continue
		}
		out = append(out, segment{start: at, ports: ports, normal: ports.normal()})
	}
	return out
}

// orderByFrom returns the intervals' order by first run (ties in any
// order: the sweep reads only which intervals cover each run), as
// numbers whose low 32 bits are the indexes: sorted as numbers (first
// run, then index), not by a comparison function, and not moved.
func orderByFrom(ivs []runInterval) []uint64 {
	keys := make([]uint64, len(ivs))
	for i, iv := range ivs {
		keys[i] = uint64(iv.from)<<32 | uint64(i)
	}
	slices.Sort(keys)
	return keys
}

// unionActive returns the union of the intervals' ports. While each
// set holds the other or is held by it, union takes one of them without
// allocating; past that, the ranges of all the sets are sorted and
// joined at once (the same ports as union after union). scratch holds
// the sort's numbers between calls.
func unionActive(active []runInterval, scratch *[]uint32) portSet {
	var ports portSet
	for _, a := range active {
		u, ok := unionShared(ports, a.ports)
		if !ok {
			keys := (*scratch)[:0]
			for _, a := range active {
				keys = appendPortKeys(keys, a.ports)
			}
			return joinPortKeys(keys, scratch)
		}
		ports = u
	}
	return ports
}

// unionSets is unionActive of sets of ports.
func unionSets(sets []portSet, scratch *[]uint32) portSet {
	var ports portSet
	for _, p := range sets {
		u, ok := unionShared(ports, p)
		if !ok {
			keys := (*scratch)[:0]
			for _, p := range sets {
				keys = appendPortKeys(keys, p)
			}
			return joinPortKeys(keys, scratch)
		}
		ports = u
	}
	return ports
}

// unionShared is s.union(o) when that is one of them (or none), without
// allocating; false otherwise.
func unionShared(s, o portSet) (portSet, bool) {
	switch {
	case len(s) == 0 && len(o) == 0:
		return nil, true
	case len(s) == 0:
		return o, o.normal()
	case len(o) == 0:
		return s, s.normal()
	case s.normal() && o.normal():
		if o.coveredBy(s) {
			return s, true
		}
		if s.coveredBy(o) {
			return o, true
		}
	}
	return nil, false
}

// appendPortKeys appends the ranges of p as numbers (first port, then
// last), which sort quicker than ranges by a comparison function.
func appendPortKeys(keys []uint32, p portSet) []uint32 {
	for _, r := range p {
		keys = append(keys, uint32(r.From)<<16|uint32(r.To))
	}
	return keys
}

// joinPortKeys returns the ports of ranges as appendPortKeys numbered
// them (at least one), sorted and joined: a normal set (portSet.normal).
// It keeps keys in scratch for the next call.
func joinPortKeys(keys []uint32, scratch *[]uint32) portSet {
	slices.Sort(keys)
	*scratch = keys
	out := make(portSet, 1, len(keys))
	out[0] = model.PortRange{From: uint16(keys[0] >> 16), To: uint16(keys[0])}
	for _, k := range keys[1:] {
		r := model.PortRange{From: uint16(k >> 16), To: uint16(k)}
		if last := &out[len(out)-1]; uint32(r.From) <= uint32(last.To)+1 {
			last.To = max(last.To, r.To)
			continue
		}
		out = append(out, r)
	}
	return out
}

// atNormal is at, and whether the ports are normal (portSet.normal).
func (u *senderUnits) atNormal(col []segment, unit int) (portSet, bool) {
	if runs := u.unitRuns[unit]; len(runs) == 1 {
		if i := segmentIndex(col, runs[0]); i >= 0 {
			return col[i].ports, col[i].normal
		}
		return nil, true
	}
	p := u.at(col, unit)
	return p, p.normal()
}

// at returns the ports a column admits for a unit: those of its runs.
func (u *senderUnits) at(col []segment, unit int) portSet {
	runs := u.unitRuns[unit]
	if len(runs) == 1 {
		return segmentAt(col, runs[0])
	}
	var out portSet
	for _, k := range runs {
		out = out.union(segmentAt(col, k))
	}
	return out
}

// segmentAt returns the ports a column admits for a run.
func segmentAt(col []segment, run int) portSet {
	if i := segmentIndex(col, run); i >= 0 {
		return col[i].ports
	}
	return nil
}

// segmentIndex returns the segment of a column that holds a run, or -1.
func segmentIndex(col []segment, run int) int {
	return sort.Search(len(col), func(i int) bool { return col[i].start > run }) - 1
}

// subsetOf reports whether every address of a is in b.
func subsetOf(a, b addrs) bool {
	for _, r := range a.ranges() {
		if b.rs == nil {
			if !b.one.IsValid() || r.From() != b.one || r.To() != b.one {
				return false
			}
			continue
		}
		i := sort.Search(len(b.rs), func(i int) bool { return !b.rs[i].To().Less(r.From()) })
		if i == len(b.rs) || r.From().Less(b.rs[i].From()) || b.rs[i].To().Less(r.To()) {
			return false
		}
	}
	return true
}

// subnetRun adds up one probe's deliveries into cells of VPCs or subnets
// as the walks end.
type subnetRun struct {
	r     *Relation
	pr    *probeRel
	pi    int
	by    GroupBy
	acc   *matrixAcc
	units [2]*senderUnits
	// recv are the receiving subnets per IP version, by subnet, and the
	// units of senders and receiving subnets of each view class.
	recv      [2]map[string]*recvUnit
	unitsOfVM [2]map[*ifaceClass][]int
	unitsOfVS [2]map[*ifaceClass][]int
	recvOfVM  [2]map[*ifaceClass][]*recvUnit
	recvOfVS  [2]map[*ifaceClass][]*recvUnit
	egressAll [2][]bool
	// unitGroup and unitSubnet are every unit's group in the matrix and
	// its subnet's number (subnetNum).
	unitGroup, unitSubnet [2][]int32
	subnetNum             map[string]int32
	// sharesInst holds the pairs of subnets (by number) that hold two
	// interfaces of one instance.
	sharesInst map[[2]int32]bool
	// instSubnet marks (by number) the subnets of those pairs: the map
	// is asked only for two of them.
	instSubnet  []bool
	columnsMu   sync.Mutex
	columnsOnce map[*recvUnit]*sync.Once
	// byGroups are the columns made, by IP version, any and groups
	// (groupsColumn).
	byGroups map[string][]segment
	// runsOf are the groups' intervals (groupRuns), allPorts the ports
	// of their protocol without ports.
	runsOf   map[groupInKey][]runInterval
	allPorts portSet
	anyOnce  map[*recvUnit]*sync.Once
	// translatable is set when some route table sends receivers'
	// addresses to a NAT gateway: then a receiver may see a sender under
	// another address, and admitBound bounds nothing.
	translatable [2]bool
}

// recvUnit is a receiving subnet of one IP version.
type recvUnit struct {
	subnet      string
	sels        []*classSel
	ends        []*connEnd
	addrSet     addrs
	vm          *ifaceClass
	homogeneous bool
	viaFree     bool
	col, anyCol []segment
	// group is its group in the matrix, sn its subnet's number.
	group, sn int32
}

// subnetCells adds the relation's traffic of one probe to cells of VPCs
// or subnets. Every walk from a class of senders ends in deliveries to
// classes of receivers; for a sending subnet and a receiving subnet
// among them the cell is what was delivered between the two narrowed by
// the receiving subnet's column (column), whenever the delivery is one
// product of the subnets' senders, receivers and ports, not translated or
// forwarded, the senders' groups let everything out and the receivers'
// groups match the same way whichever way the packets came. Every other
// cell is added up pair of classes by pair (betweenOf), as the other
// groupings are. By VPC, a walk skips the receivers whose network ACL
// bound adds nothing to what the cell of the two VPCs already holds.
func (r *Relation) subnetCells(pi int, pr *probeRel, by GroupBy, acc *matrixAcc) {
	cs := r.cs
	run := &subnetRun{r: r, pr: pr, pi: pi, by: by, acc: acc, columnsOnce: map[*recvUnit]*sync.Once{}, anyOnce: map[*recvUnit]*sync.Once{},
		byGroups: map[string][]segment{}, runsOf: map[groupInKey][]runInterval{}, allPorts: portsOf(model.AllPorts),
		subnetNum: map[string]int32{}, sharesInst: map[[2]int32]bool{}}
	for k := range cs.instancePairs() {
		run.sharesInst[[2]int32{run.subnetNumber(k[0]), run.subnetNumber(k[1])}] = true
	}
	run.instSubnet = make([]bool, len(run.subnetNum))
	for k := range run.sharesInst {
		run.instSubnet[k[0]], run.instSubnet[k[1]] = true, true
	}
	for fam := range 2 {
		if !pr.probe.Protocol.Carries(fam == 0) {
			continue
		}
		u := cs.senderUnits(fam)
		run.units[fam] = u
		run.unitsOfVM[fam] = map[*ifaceClass][]int{}
		run.unitsOfVS[fam] = map[*ifaceClass][]int{}
		for i, ends := range u.ends {
			seenM, seenS := map[*ifaceClass]bool{}, map[*ifaceClass]bool{}
			for _, c := range ends {
				if !seenM[c.vm] {
					seenM[c.vm] = true
					run.unitsOfVM[fam][c.vm] = append(run.unitsOfVM[fam][c.vm], i)
				}
				if !seenS[c.vs] {
					seenS[c.vs] = true
					run.unitsOfVS[fam][c.vs] = append(run.unitsOfVS[fam][c.vs], i)
				}
			}
		}
		run.unitGroup[fam] = make([]int32, len(u.subnet))
		run.unitSubnet[fam] = make([]int32, len(u.subnet))
		for i, ends := range u.ends {
			run.unitGroup[fam][i] = acc.group(groupsOf(by, ends[0])[0])
			run.unitSubnet[fam][i] = run.subnetNumber(u.subnet[i])
		}
		run.egressAll[fam] = make([]bool, len(u.subnet))
		for i, sels := range u.sels {
			run.egressAll[fam][i] = true
			for _, s := range sels {
				if !pr.egress(s.cls, fam).all {
					run.egressAll[fam][i] = false
				}
			}
		}
		run.translatable[fam] = cs.receiversTranslatable(fam)
		run.recv[fam] = map[string]*recvUnit{}
		run.recvOfVM[fam] = map[*ifaceClass][]*recvUnit{}
		run.recvOfVS[fam] = map[*ifaceClass][]*recvUnit{}
		recvViaDep := cs.recversViaDependent()
		for di, d := range cs.sortedRecvers {
			if d.addrs[fam].empty() {
				continue
			}
			sn := d.ends[0].n.SubnetID
			ru := run.recv[fam][sn]
			if ru == nil {
				ru = &recvUnit{subnet: sn, vm: d.ends[0].vm, homogeneous: true, viaFree: true,
					group: acc.group(groupsOf(by, d.ends[0])[0]), sn: run.subnetNumber(sn)}
				run.recv[fam][sn] = ru
				run.columnsOnce[ru] = &sync.Once{}
			}
			ru.sels = append(ru.sels, d)
			ru.ends = append(ru.ends, d.ends...)
			if d.ends[0].vm != ru.vm {
				ru.homogeneous = false
			}
			if recvViaDep[di] {
				ru.viaFree = false
			}
		}
		for _, ru := range run.recv[fam] {
			var list []netip.Addr
			seenM, seenS := map[*ifaceClass]bool{}, map[*ifaceClass]bool{}
			for _, c := range ru.ends {
				if c.addr[fam].IsValid() {
					list = append(list, c.addr[fam])
				}
				if !seenM[c.vm] {
					seenM[c.vm] = true
					run.recvOfVM[fam][c.vm] = append(run.recvOfVM[fam][c.vm], ru)
				}
				if !seenS[c.vs] {
					seenS[c.vs] = true
					run.recvOfVS[fam][c.vs] = append(run.recvOfVS[fam][c.vs], ru)
				}
			}
			ru.addrSet = addrsOfList(list)
		}
	}
	sink := walkSink{
		pairs: func(fam int, m *ifaceClass, got map[*ifaceClass][]pathEntry) {
			for n, ents := range got {
				if n != nil {
					l := acc.local()
					run.pair(fam, m, n, ents, false, l)
					acc.merge(l)
				}
			}
		},
		intra: func(fam int, a *ifaceClass, got map[*ifaceClass][]pathEntry) {
			for b, ents := range got {
				if b != nil {
					l := acc.local()
					run.pair(fam, a, b, ents, true, l)
					acc.merge(l)
				}
			}
		},
		fromInternet: func(fam int, n *ifaceClass, ents []pathEntry) {
			for _, d := range cs.selsOf(n, true, false) {
				// the receivers' admissions assembled from their groups'
				// (mixIngress, shared by the classes with a group): the
				// cells read only projections of the packets, as pair's
				in := func(via crossing, fwd bool) packet { return pr.mixIngress(d.cls, fam, via, fwd) }
				if p := pr.fromInternetToBy(fam, d, ents, in); !p.empty() {
					r.addPacket(pi, by, fam, nil, d, p, acc, nil)
				}
			}
		},
		toInternet: func(fam int, m *ifaceClass, ents []pathEntry) {
			for _, s := range cs.selsOf(m, false, false) {
				if p := pr.toInternetFrom(fam, s, ents); !p.empty() {
					r.addPacket(pi, by, fam, s, nil, p, acc, nil)
				}
			}
		},
	}
	// vpcGroup is the matrix group of a class's VPC (by VPC), looked up
	// by pointer: want asks it for every pair of classes a walk goes
	// between. Made before the walks, read only; a class missing from it
	// (none is) is looked up by its VPC's ID.
	var vpcGroup map[*ifaceClass]int32
	if by == ByVPC {
		vpcGroup = map[*ifaceClass]int32{}
		for _, ends := range [...]map[*ifaceClass][]*connEnd{cs.sendersByVM, cs.sendersByVS, cs.receiversByVM} {
			for c := range ends {
				vpcGroup[c] = acc.group(c.rep.VPCID)
			}
		}
		for _, ends := range cs.receiversByVM {
			for _, c := range ends {
				vpcGroup[c.vs] = acc.group(c.vs.rep.VPCID)
			}
		}
	}
	groupOfVPC := func(c *ifaceClass) int32 {
		if g, ok := vpcGroup[c]; ok {
			return g
		}
		return acc.group(c.rep.VPCID)
	}
	sink.want = func(fam int, m, n *ifaceClass, subnetView bool, bound portSet) portSet {
		if by == ByVPC {
			// what the cell of the two VPCs lacks; walks for those ports
			// alone end early
			return bound.minus(acc.known(groupOfVPC(m), groupOfVPC(n), pi))
		}
		if !run.translatable[fam] {
			bound = run.admitBound(fam, m, n, subnetView, bound)
		}
		return bound
	}
	if by == ByVPC {
		sink.order = roundRobinByVPC
	}

	pr.run(sink)
}

// subnetNumber numbers subnets as it meets them (before the walks).
func (run *subnetRun) subnetNumber(id string) int32 {
	if n, ok := run.subnetNum[id]; ok {
		return n
	}
	n := int32(len(run.subnetNum))
	run.subnetNum[id] = n
	return n
}

// roundRobinByVPC orders classes a VPC at a time in turn, so that the
// first walks reach every pair of VPCs and later ones can be skipped.
func roundRobinByVPC(ms []*ifaceClass) []*ifaceClass {
	byVPC := map[string][]*ifaceClass{}
	var vpcs []string
	for _, m := range ms {
		if byVPC[m.rep.VPCID] == nil {
			vpcs = append(vpcs, m.rep.VPCID)
		}
		byVPC[m.rep.VPCID] = append(byVPC[m.rep.VPCID], m)
	}
	out := make([]*ifaceClass, 0, len(ms))
	for i := 0; len(out) < len(ms); i++ {
		for _, v := range vpcs {
			if i < len(byVPC[v]) {
				out = append(out, byVPC[v][i])
			}
		}
	}
	return out
}

// column returns a receiving subnet's column, computed once.
func (run *subnetRun) column(fam int, ru *recvUnit) []segment {
	run.columnsMu.Lock()
	once := run.columnsOnce[ru]
	run.columnsMu.Unlock()
	once.Do(func() { ru.col = run.groupsColumn(fam, ru, false) })
	return ru.col
}

// groupsColumn computes a receiving subnet's column (any: for packets
// that came any way), or takes that of a subnet with the same groups: a
// column depends on nothing else of the receivers (subnetIngress).
func (run *subnetRun) groupsColumn(fam int, ru *recvUnit, any bool) []segment {
	ids, open := subnetGroups(ru.sels)
	var b strings.Builder
	fmt.Fprintf(&b, "%d|%t|%t", fam, any, open)
	for _, k := range ids {
		b.WriteString("|" + k.id + "," + k.vpc)
	}
	key := b.String()
	run.columnsMu.Lock()
	col, ok := run.byGroups[key]
	run.columnsMu.Unlock()
	if ok {
		return col
	}
	if open {
		col = run.units[fam].column(run.pr.groupsIngress(fam, ids, open, any))
	} else {
		parts := make([][]runInterval, len(ids))
		for i, k := range ids {
			parts[i] = run.groupRuns(fam, k, any)
		}
		col = columnOf(parts)
	}
	run.columnsMu.Lock()
	run.byGroups[key] = col
	run.columnsMu.Unlock()
	return col
}

// admitBound returns the ports of within on which some receiver of view
// class n admits some sender of view class m, however the packets come:
// with within the network ACL bound, a bound of what a walk between them
// can add. It stops as soon as it holds every port of within.
func (run *subnetRun) admitBound(fam int, m, n *ifaceClass, subnetView bool, within portSet) portSet {
	xs, ys := run.unitsOfVM[fam][m], run.recvOfVM[fam][n]
	if subnetView {
		xs, ys = run.unitsOfVS[fam][m], run.recvOfVS[fam][n]
	}
	var out portSet
	// normal sets (out as union leaves it, but checked) are compared
	// without allocating
	withinNormal, outNormal := within.normal(), true
	for _, ru := range ys {
		col := run.boundColumn(fam, ru)
		for _, x := range xs {
			if at, atNormal := run.units[fam].atNormal(col, x); !at.empty() {
				if withinNormal && atNormal && outNormal && coveredNormal(at, within, out) {
					continue // adds nothing
				}
				if out = out.union(at.intersect(within)); out.equal(within) {
					return out
				}
				outNormal = out.normal()
			}
		}
	}
	return out
}

// coveredBy reports whether every port of a that is in b is in c, when
// the three sets are normal (portSet.normal); false when they are not.
// It allocates nothing.
func coveredBy(a, b, c portSet) bool {
	return a.normal() && b.normal() && c.normal() && coveredNormal(a, b, c)
}

// coveredNormal is coveredBy of sets known to be normal.
func coveredNormal(a, b, c portSet) bool {
	k := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		if lo, hi := max(a[i].From, b[j].From), min(a[i].To, b[j].To); lo <= hi {
			// the piece lo-hi lies in one range of c, or is not covered
			// (c's ranges have gaps between them)
			for k < len(c) && c[k].To < lo {
				k++
			}
			if k == len(c) || c[k].From > lo || c[k].To < hi {
				return false
			}
		}
		if a[i].To < b[j].To {
			i++
		} else {
			j++
		}
	}
	return true
}

// groupRuns returns the intervals of runs of senders one security group
// admits (groupIngress), computed once: a group is one of the groups of
// many receiving subnets.
func (run *subnetRun) groupRuns(fam int, k groupInKey, any bool) []runInterval {
	key := groupInKey{id: k.id, vpc: k.vpc, fam: fam, any: any}
	run.columnsMu.Lock()
	ivs, ok := run.runsOf[key]
	run.columnsMu.Unlock()
	if ok {
		return ivs
	}
	ivs = run.units[fam].intervals(run.pr.groupIngress(k.id, k.vpc, fam, any), run.allPorts)
	run.columnsMu.Lock()
	run.runsOf[key] = ivs
	run.columnsMu.Unlock()
	return ivs
}

// boundColumn is column for packets that came any way (ingressAny).
func (run *subnetRun) boundColumn(fam int, ru *recvUnit) []segment {
	if ru.viaFree {
		return run.column(fam, ru)
	}
	run.columnsMu.Lock()
	once := run.anyOnce[ru]
	if once == nil {
		once = &sync.Once{}
		run.anyOnce[ru] = once
	}
	run.columnsMu.Unlock()
	once.Do(func() { ru.anyCol = run.groupsColumn(fam, ru, true) })
	return ru.anyCol
}

// pair adds what a walk delivered from view class m to view class n (of
// the subnet view when subnetView) to the cells of their subnets.
func (run *subnetRun) pair(fam int, m, n *ifaceClass, ents []pathEntry, subnetView bool, l localCells) {
	u := run.units[fam]
	xs, ys := run.unitsOfVM[fam][m], run.recvOfVM[fam][n]
	if subnetView {
		xs, ys = run.unitsOfVS[fam][m], run.recvOfVS[fam][n]
	}
	var q portSet
	var uniform, checked, qNormal bool
	// dstIn says, per receiving subnet (of ys), whether its receivers are
	// all in the one delivered span: 0 not asked yet, 1 yes, 2 no.
	var dstIn []uint8
	for _, ui := range xs {
		gX, sn := run.unitGroup[fam][ui], run.unitSubnet[fam][ui]
		srcIn := uint8(0)
		for yi, ru := range ys {
			if !subnetView && m == n && sn != ru.sn {
				continue // subnets of one merged class: the subnet view's walks
			}
			if sn != ru.sn && u.homogeneous[ui] && ru.homogeneous && run.egressAll[fam][ui] &&
				!run.sharesInstance(sn, ru.sn) && len(ents) == 1 && !ents[0].translated && !ents[0].forwarded &&
				(ru.viaFree || ents[0].via == (crossing{})) {
				if !checked {
					checked = true
					q, uniform = wholeProduct(ents[0].req)
					qNormal = q.normal()
				}
				ports, ok, portsNormal := q, uniform, qNormal
				if ok {
					// subsetOf, once per sending unit and receiving subnet
					if srcIn == 0 {
						srcIn = inOrOut(subsetOf(u.addrSet[ui], ents[0].req.spans[0].src))
					}
					if dstIn == nil {
						dstIn = make([]uint8, len(ys))
					}
					if dstIn[yi] == 0 {
						dstIn[yi] = inOrOut(subsetOf(ru.addrSet, ents[0].req.spans[0].dst))
					}
					ok = srcIn == 1 && dstIn[yi] == 1
				}
				if !ok {
					ports, ok = run.pr.uniformDelivery(ents, u.addrSet[ui], ru.addrSet)
					portsNormal = ports.normal()
				}
				if ok {
					gY := ru.group
					if run.by == ByVPC {
						// only what the cell lacks, receiver class by class
						// until nothing is left
						if want := ports.minus(run.acc.known(gX, gY, run.pi)); !want.empty() {
							at, atNormal := u.atNormal(run.column(fam, ru), ui)
							l.add(gX, gY, run.pi, narrowKnown(want, want.normal(), at, atNormal))
						}
						continue
					}
					at, atNormal := u.atNormal(run.column(fam, ru), ui)
					l.add(gX, gY, run.pi, narrowKnown(ports, portsNormal, at, atNormal))
					continue
				}
			}
			for _, s := range u.sels[ui] {
				if (subnetView && s.ends[0].vs != m) || (!subnetView && s.ends[0].vm != m) {
					continue
				}
				for _, d := range ru.sels {
					if (subnetView && d.ends[0].vs != n) || (!subnetView && d.ends[0].vm != n) {
						continue
					}
					in := func(via crossing, fwd bool) packet { return run.pr.mixIngress(d.cls, fam, via, fwd) }
					if p := run.pr.betweenOfBy(fam, s, d, ents, in); !p.empty() {
						run.r.addPacket(run.pi, run.by, fam, s, d, p, run.acc, l)
					}
				}
			}
		}
	}
}

// sharesInstance reports whether two subnets (by number) hold two
// interfaces of one instance.
func (run *subnetRun) sharesInstance(a, b int32) bool {
	return int(a) < len(run.instSubnet) && int(b) < len(run.instSubnet) && run.instSubnet[a] && run.instSubnet[b] &&
		run.sharesInst[[2]int32{a, b}]
}

// narrowTo returns the ports of a in b: a itself (shared, not copied)
// when b holds all of them.
func narrowTo(a, b portSet) portSet { return narrowKnown(a, a.normal(), b, b.normal()) }

// narrowKnown is narrowTo, told whether a and b are normal.
func narrowKnown(a portSet, aNormal bool, b portSet, bNormal bool) portSet {
	if aNormal && bNormal && coveredNormal(a, a, b) {
		return a
	}
	return a.intersect(b)
}

// inOrOut is 1 for true and 2 for false.
func inOrOut(in bool) uint8 {
	if in {
		return 1
	}
	return 2
}

// wholeProduct reports whether a delivery is one span, and returns its
// destination ports.
func wholeProduct(p packet) (portSet, bool) {
	if len(p.spans) != 1 {
		return nil, false
	}
	return packetPorts(p), true
}

// uniformDelivery reports whether what the views delivered from a unit of
// senders (addresses src) to a subnet's receivers (dst) is one product of
// all of them and a set of ports, and returns the ports.
func (pr *probeRel) uniformDelivery(ents []pathEntry, src, dst addrs) (portSet, bool) {
	p := restrictEnds(ents[0].req, src, dst)
	if len(p.spans) != 1 || !p.spans[0].src.equal(src) || !p.spans[0].dst.equal(dst) {
		return nil, false
	}
	return packetPorts(p), true
}

// receiversTranslatable reports whether some route table sends an
// address of a receiver (of an IP version) to a NAT gateway — the only
// component that rewrites the source of packets between interfaces
// (load balancers take only packets addressed to themselves, appliances
// are taken to forward unchanged).
func (cs *connSet) receiversTranslatable(fam int) bool {
	cs.translatableOnce[fam].Do(func() { cs.translatable[fam] = cs.computeTranslatable(fam) })
	return cs.translatable[fam]
}

func (cs *connSet) computeTranslatable(fam int) bool {
	var list []netip.Addr
	for _, c := range cs.ends {
		if c.addr[fam].IsValid() {
			list = append(list, c.addr[fam])
		}
	}
	dst := addrsOfList(list)
	if dst.empty() {
		return false
	}
	pkt := packet{proto: model.ProtocolTCP, spans: []span{{src: anyAddr(fam), dst: dst, srcPorts: portsOf(model.AllPorts), dstPorts: portsOf(model.AllPorts)}}}
	for _, rt := range cs.e.snap.RouteTables {
		for _, p := range cs.e.routeParts(rt, pkt) {
			if p.route != nil && p.route.Target().Kind == model.TargetNATGateway {
				return true
			}
		}
	}
	return false
}

// instancePairs returns the pairs of subnets that hold two interfaces of
// one instance (their cells are added up pair by pair, which leaves such
// pairs out).
func (cs *connSet) instancePairs() map[[2]string]bool {
	cs.pairsOnce.Do(func() { cs.pairs = cs.newInstancePairs() })
	return cs.pairs
}

// newInstancePairs makes instancePairs' map (read only once made).
func (cs *connSet) newInstancePairs() map[[2]string]bool {
	bySubnets := map[string][]string{}
	for id, in := range cs.instanceOf {
		if c := cs.ends[id]; c != nil {
			bySubnets[in] = append(bySubnets[in], c.n.SubnetID)
		}
	}
	out := map[[2]string]bool{}
	for _, sns := range bySubnets {
		if len(sns) < 2 {
			continue
		}
		for _, a := range sns {
			for _, b := range sns {
				out[[2]string{a, b}] = true
			}
		}
	}
	return out
}
