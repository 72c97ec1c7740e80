// Package impact says what a change to a network did: given the engines
// of two snapshots (before and after), the resources and rules that
// changed (model/change), the reachability gained and lost between
// interfaces and the internet as exact sets, the exposure to the
// internet gained and lost, the audit findings new and fixed, and the
// intents newly violated.
package impact

import (
	"cmp"
	"hash/maphash"
	"math/bits"
	"net/netip"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/change"
	"github.com/vpcscope/vpcscope/model/intents"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/audit"
	"github.com/vpcscope/vpcscope/reach/intent"
	"go4.org/netipx"
)

// Item is traffic gained or lost, as an exact product: every sender of
// From to every receiver of To (but itself and the other interfaces of
// its instance) on every port of Ports. From and To name interfaces by
// ID, the internet by its addresses (CIDR prefixes), and a declared
// on-premises network by "onprem:NAME" and its addresses (OnPrem set).
type Item struct {
	From          []string          `json:"from"`
	To            []string          `json:"to"`
	FromInstances []string          `json:"fromInstances,omitempty"`
	ToInstances   []string          `json:"toInstances,omitempty"`
	Protocol      string            `json:"protocol"`
	ICMP          string            `json:"icmp,omitempty"`
	Ports         []model.PortRange `json:"ports,omitempty"`
	// OnPrem names the declared on-premises network (--onprem) at the
	// other end, for traffic between it and interfaces: its end in From
	// or To is "onprem:NAME" followed by the network's addresses the
	// traffic is gained or lost for.
	OnPrem string `json:"onPrem,omitempty"`
}

// Delta is traffic gained and lost.
type Delta struct {
	Gained []Item `json:"gained"`
	Lost   []Item `json:"lost"`
}

// Findings are the audit findings new in the second snapshot and those
// of the first that are gone.
type Findings struct {
	New   []audit.Finding `json:"new"`
	Fixed []audit.Finding `json:"fixed"`
}

// IntentChange is an intent's verdict before and after.
type IntentChange struct {
	Name   string        `json:"name"`
	Before intent.Status `json:"before"`
	After  intent.Status `json:"after"`
	// NewlyViolated is set when the intent is violated after the change
	// and was not before, or is violated by packets it was not before.
	NewlyViolated bool `json:"newlyViolated"`
	// Violations are the violations after the change that were not
	// there before.
	Violations []intent.Violation `json:"violations"`
}

// Report is what a change did.
type Report struct {
	Resources    change.Resources `json:"resources"`
	Reachability Delta            `json:"reachability"`
	Exposure     Delta            `json:"exposure"`
	Findings     Findings         `json:"findings"`
	Intents      []IntentChange   `json:"intents"`
	Caveats      []string         `json:"caveats"`
}

// Broke reports whether the change exposed something new to the
// internet or broke an intent.
func (r *Report) Broke() bool {
	if len(r.Exposure.Gained) > 0 {
		return true
	}
	return slices.ContainsFunc(r.Intents, func(c IntentChange) bool { return c.NewlyViolated })
}

// Options say what a comparison checks beyond reachability.
type Options struct {
	// Intents, when set, are checked on both snapshots.
	Intents *intents.File
	// Workers is how many walks run at once (0: GOMAXPROCS).
	Workers int
	// fullProbes, set by tests, asks the relations about every probe
	// even when reach.RuleChangeProbes could limit them.
	fullProbes bool
}

// Compare says what changed from the network of engine a to that of b.
//
// Its parts read the two engines and write nothing they share (an Engine
// is safe for concurrent use; its path views sit behind a pointer, so the
// audits' copies of an engine do not race with a relation building
// them), so the exposure and audits of both snapshots and the intents run
// beside the reachability comparison, and the report is assembled from
// their results in a fixed order: the same report as one after the other.
func Compare(a, b *reach.Engine, opts Options) (*Report, error) {
	var side sync.WaitGroup
	var exp Delta
	var fnd Findings
	var errSide error
	side.Go(func() { exp, fnd, errSide = exposureAndFindings(a, b) })
	var ints []IntentChange
	var errInts error
	if opts.Intents != nil {
		side.Go(func() { ints, errInts = intentChanges(a, b, opts.Intents, opts.Workers) })
	}
	rep := &Report{Resources: change.Diff(a.Snapshot(), b.Snapshot()), Intents: []IntentChange{}, Caveats: []string{}}
	var err error
	rep.Reachability, err = reachability(a, b, rep.Resources, opts, &rep.Caveats)
	side.Wait()
	switch {
	case err != nil:
		return nil, err
	case errSide != nil:
		return nil, errSide
	case errInts != nil:
		return nil, errInts
	}
	rep.Exposure, rep.Findings = exp, fnd
	if opts.Intents != nil {
		rep.Intents = ints
	}
	return rep, nil
}

// exposureAndFindings compares the exposure of the two snapshots and
// their audits' findings. Each snapshot's audit runs beside the other
// snapshot's exposure and audit: they read different engines. Each skips
// the rules of the groups and ACLs equal in the other snapshot
// (audit.Options.Beside): those findings would be in both and neither new
// nor fixed.
func exposureAndFindings(a, b *reach.Engine) (Delta, Findings, error) {
	var fa, fb *audit.Report
	var errA, errB error
	ea := a.Exposure(reach.ExposureOptions{})
	auditA := make(chan struct{})
	go func() {
		defer close(auditA)
		fa, errA = audit.RunWith(a, audit.Options{Exposure: ea, Beside: b})
	}()
	// b's exposure walks again only the interfaces a rule-only change
	// can expose differently (reach.Engine.ExposureSince); the report is
	// the same as b.Exposure's, entry for entry.
	eb, ok := b.ExposureSince(a, ea, reach.ExposureOptions{})
	if !ok {
		eb = b.Exposure(reach.ExposureOptions{})
	}
	fb, errB = audit.RunWith(b, audit.Options{Exposure: eb, Beside: a})
	<-auditA
	if errA != nil {
		return Delta{}, Findings{}, errA
	}
	if errB != nil {
		return Delta{}, Findings{}, errB
	}
	return exposure(ea, eb), findings(fa.Findings, fb.Findings), nil
}

// affected returns the interfaces whose traffic a change may have
// changed, as senders and receivers, or all when it cannot say: the
// members of security groups whose inbound (receivers) or outbound
// (senders) rules changed, interfaces added, removed or changed, and
// every interface when anything else changed (a route, an ACL, a gateway,
// a group that an appliance is a member of — they can carry anyone's
// traffic).
func affected(a, b *reach.Engine, res change.Resources) (senders, receivers map[string]bool, all bool) {
	senders, receivers = map[string]bool{}, map[string]bool{}
	mark := func(id string, s, r bool) {
		if s {
			senders[id] = true
		}
		if r {
			receivers[id] = true
		}
	}
	for _, list := range [][]change.Ref{res.Added, res.Removed} {
		for _, ref := range list {
			switch ref.Kind {
			case model.KindNetworkInterface, model.KindInstance:
				mark(ref.ID, true, true)
			case model.KindSecurityGroup:
				// a group nobody uses, or whose members changed: those
				// members are changed interfaces themselves
			default:
				return nil, nil, true
			}
		}
	}
	for _, c := range res.Changed {
		switch c.Kind {
		case model.KindNetworkInterface, model.KindInstance:
			mark(c.ID, true, true)
			for _, e := range []*reach.Engine{a, b} {
				for _, n := range e.Index().InstanceInterfaces(c.ID) {
					mark(n.ID, true, true)
				}
			}
		case model.KindSecurityGroup:
			if !slices.Equal(c.Fields, []string{"egress"}) && !slices.Equal(c.Fields, []string{"ingress"}) &&
				!slices.Equal(c.Fields, []string{"egress", "ingress"}) && !slices.Equal(c.Fields, []string{"description", "tags"}) &&
				!slices.Equal(c.Fields, []string{"tags"}) {
				return nil, nil, true
			}
			for _, e := range []*reach.Engine{a, b} {
				for _, n := range e.Snapshot().NetworkInterfaces {
					if !slices.Contains(n.SecurityGroupIDs, c.ID) {
						continue
					}
					if !n.SourceDestCheck || n.InterfaceType == "transit_gateway" {
						return nil, nil, true // an appliance's groups pass transit traffic
					}
					mark(n.ID, c.Egress, c.Ingress)
				}
			}
		default:
			return nil, nil, true
		}
	}
	return senders, receivers, false
}

// reachability compares the relations of the two networks over the pairs
// of ends a change may have touched, receiver by receiver
// (reach.DiffRelations): memory grows with what changed, not with the
// pairs of interfaces compared.
func reachability(a, b *reach.Engine, res change.Resources, opts Options, caveats *[]string) (Delta, error) {
	workers := opts.Workers
	senders, receivers, all := affected(a, b, res)
	probes := unionProbes(a.DefaultProbes(), b.DefaultProbes())
	// When only group rules changed, the relations are asked only about
	// the traffic those rules match (reach.RuleChangeProbes): they differ
	// nowhere else. On-premises networks are compared on every probe.
	relProbes := probes
	if limited, ok := reach.RuleChangeProbes(a, b, probes); ok && len(limited) > 0 && !opts.fullProbes {
		relProbes = limited
	}
	// questions returns an engine's questions: everyone to everyone, or
	// the affected senders to everyone and everyone to the affected
	// receivers (a pair in both is compared twice, with the same result).
	questions := func(e *reach.Engine) [][2]reach.Group {
		ends := e.Ends()
		present := map[string]bool{}
		for _, id := range ends {
			present[id] = true
		}
		pick := func(m map[string]bool) []string {
			var out []string
			for id := range m {
				if present[id] {
					out = append(out, id)
				}
			}
			slices.Sort(out)
			return out
		}
		everyone := reach.Group{Interfaces: ends, Internet: true}
		if all {
			return [][2]reach.Group{{everyone, everyone}}
		}
		return [][2]reach.Group{{{Interfaces: pick(senders)}, everyone}, {everyone, {Interfaces: pick(receivers)}}}
	}
	qa, qb := questions(a), questions(b)
	var d Delta
	for i := range qa {
		if len(qa[i][0].Interfaces)+len(qb[i][0].Interfaces) == 0 || len(qa[i][1].Interfaces)+len(qb[i][1].Interfaces) == 0 {
			continue
		}
		ra, err := a.Relate(reach.RelationOptions{From: qa[i][0], To: qa[i][1], Probes: relProbes, Workers: workers})
		if err != nil {
			return Delta{}, err
		}
		// over a's path views when b's are the same network: b's views
		// are not built for it
		rb, err := b.RelateBeside(ra, reach.RelationOptions{From: qb[i][0], To: qb[i][1], Probes: relProbes, Workers: workers})
		if err != nil {
			return Delta{}, err
		}
		err = reach.DiffRelations(ra, rb, func(gained bool, it reach.DeltaItem) {
			x := deltaItem(relProbes[it.Probe], it)
			if gained {
				d.Gained = append(d.Gained, x)
			} else {
				d.Lost = append(d.Lost, x)
			}
		})
		if err != nil {
			return Delta{}, err
		}
		for _, c := range slices.Concat(ra.Caveats(), rb.Caveats()) {
			*caveats = appendUnique(*caveats, c)
		}
	}
	if err := onPremDelta(a, b, senders, receivers, all, probes, &d, caveats); err != nil {
		return Delta{}, err
	}
	ends := newEndInstances(a, b)
	d.Gained, d.Lost = mergeItems(d.Gained, ends), mergeItems(d.Lost, ends)
	return d, nil
}

// onPremDelta adds to d the traffic gained and lost between the
// on-premises networks both engines declare (reach.Engine.WithOnPrem) and
// the interfaces, both ways (reach.Engine.OnPremLinks and
// OnPremLinksFrom): for each interface and probe, the network's addresses
// gained and lost on each stretch of ports. Only the interfaces a change
// may have touched are walked, all of them when it cannot say.
func onPremDelta(a, b *reach.Engine, senders, receivers map[string]bool, all bool, probes []reach.Probe, d *Delta, caveats *[]string) error {
	declared := map[string]bool{}
	for _, n := range a.OnPrem() {
		declared[strings.ToLower(n.Name)] = true
	}
	ids := func(e *reach.Engine) []string {
		if all {
			return e.Ends()
		}
		var out []string
		for _, id := range e.Ends() {
			if senders[id] || receivers[id] {
				out = append(out, id)
			}
		}
		return out
	}
	type key struct {
		id    string
		probe int
	}
	byEnd := func(ls []reach.Link, toOnPrem bool) map[key][]reach.Link {
		m := map[key][]reach.Link{}
		for _, l := range ls {
			id := l.To[0]
			if toOnPrem {
				id = l.From[0]
			}
			k := key{id, l.Probe}
			m[k] = append(m[k], l)
		}
		return m
	}
	for _, n := range b.OnPrem() {
		if !declared[strings.ToLower(n.Name)] {
			continue
		}
		for _, toOnPrem := range []bool{false, true} {
			links := func(e *reach.Engine) ([]reach.Link, error) {
				f := e.OnPremLinks
				if toOnPrem {
					f = e.OnPremLinksFrom
				}
				ls, cav, err := f(n.Name, ids(e), probes)
				for _, c := range cav {
					*caveats = appendUnique(*caveats, c)
				}
				return ls, err
			}
			la, err := links(a)
			if err != nil {
				return err
			}
			lb, err := links(b)
			if err != nil {
				return err
			}
			ma, mb := byEnd(la, toOnPrem), byEnd(lb, toOnPrem)
			keys := map[key]bool{}
			for k := range ma {
				keys[k] = true
			}
			for k := range mb {
				keys[k] = true
			}
			for k := range keys {
				g, l := internetDelta(ma[k], mb[k], !toOnPrem)
				for _, x := range g {
					d.Gained = append(d.Gained, onPremItem(probes[k.probe], n.Name, k.id, x, !toOnPrem))
				}
				for _, x := range l {
					d.Lost = append(d.Lost, onPremItem(probes[k.probe], n.Name, k.id, x, !toOnPrem))
				}
			}
		}
	}
	return nil
}

// onPremItem is traffic between the addresses x of on-premises network
// name and the interface id.
func onPremItem(p reach.Probe, name, id string, x addrPorts, fromOnPrem bool) Item {
	it := internetItem(p, id, x, fromOnPrem)
	if fromOnPrem {
		it.From = append([]string{"onprem:" + name}, it.From...)
	} else {
		it.To = append([]string{"onprem:" + name}, it.To...)
	}
	it.OnPrem = name
	return it
}

// deltaItem turns the engine's difference into an item: the internet
// named by its addresses.
func deltaItem(p reach.Probe, it reach.DeltaItem) Item {
	from, to := it.From, it.To
	if len(it.Internet) > 0 || (len(from) > 0 && from[0] == "internet") || (len(to) > 0 && to[0] == "internet") {
		cidrs := make([]string, len(it.Internet))
		for i, pfx := range it.Internet {
			cidrs[i] = pfx.String()
		}
		if from[0] == "internet" {
			from = cidrs
		} else {
			to = cidrs
		}
	}
	return item(p, from, to, it.Ports)
}

// addrPorts is a set of internet addresses on a stretch of ports.
type addrPorts struct {
	addrs *netipx.IPSet
	ports []model.PortRange
}

// internetDelta compares the internet addresses two lists of links hold,
// port stretch by stretch: those only the second holds (gained) and only
// the first (lost).
func internetDelta(a, b []reach.Link, fromInternet bool) (gained, lost []addrPorts) {
	set := func(ls []reach.Link, r model.PortRange) *netipx.IPSet {
		var s netipx.IPSetBuilder
		for _, l := range ls {
			if !reach.CoversPorts(l.PortRanges(), r) {
				continue
			}
			ps := l.Destinations
			if fromInternet {
				ps = l.Sources
			}
			for _, p := range ps {
				if pfx, err := netip.ParsePrefix(p); err == nil {
					s.AddPrefix(pfx)
				}
			}
		}
		out, _ := s.IPSet()
		return out
	}
	var cuts []int
	for _, l := range slices.Concat(a, b) {
		for _, r := range l.PortRanges() {
			cuts = append(cuts, int(r.From), int(r.To)+1)
		}
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	add := func(list []addrPorts, s *netipx.IPSet, r model.PortRange) []addrPorts {
		if len(s.Ranges()) == 0 {
			return list
		}
		if n := len(list); n > 0 && list[n-1].addrs.Equal(s) && int(list[n-1].ports[len(list[n-1].ports)-1].To)+1 == int(r.From) {
			list[n-1].ports = reach.UnionPorts(list[n-1].ports, []model.PortRange{r})
			return list
		}
		return append(list, addrPorts{addrs: s, ports: []model.PortRange{r}})
	}
	for i := 0; i+1 < len(cuts); i++ {
		r := model.PortRange{From: uint16(cuts[i]), To: uint16(cuts[i+1] - 1)}
		sa, sb := set(a, r), set(b, r)
		var g, l netipx.IPSetBuilder
		g.AddSet(sb)
		g.RemoveSet(sa)
		l.AddSet(sa)
		l.RemoveSet(sb)
		gs, _ := g.IPSet()
		ls, _ := l.IPSet()
		gained, lost = add(gained, gs, r), add(lost, ls, r)
	}
	return gained, lost
}

// internetItem is traffic between the internet addresses of x and the
// interface id.
func internetItem(p reach.Probe, id string, x addrPorts, fromInternet bool) Item {
	var cidrs []string
	for _, pfx := range x.addrs.Prefixes() {
		cidrs = append(cidrs, pfx.String())
	}
	if fromInternet {
		return item(p, cidrs, []string{id}, x.ports)
	}
	return item(p, []string{id}, cidrs, x.ports)
}

func item(p reach.Probe, from, to []string, ports []model.PortRange) Item {
	it := Item{From: from, To: to, Protocol: p.Protocol.String()}
	if p.Protocol.HasPorts() {
		it.Ports = ports
	}
	if p.Protocol.IsICMP() {
		_, it.ICMP, _ = strings.Cut(p.String(), " ")
	}
	return it
}

// mergeItems joins items that share the receivers and ports (senders
// joined), then the senders and ports (receivers joined), and sorts them.
func mergeItems(items []Item, ends *endInstances) []Item {
	// join keys items by a hash of their ends (lists of thousands of
	// senders), checking the ends themselves on a match
	seed := maphash.MakeSeed()
	hash := func(ids []string) uint64 {
		var h maphash.Hash
		h.SetSeed(seed)
		for _, id := range ids {
			h.WriteString(id)
			h.WriteByte(0)
		}
		return h.Sum64()
	}
	type key struct {
		ends, from uint64
		internet   bool
		proto      string
		icmp       string
		ports      string
	}
	join := func(items []Item, byTo bool) []Item {
		idx := map[key][]int{}
		var out []Item
		endsOf := func(it *Item) []string {
			if byTo {
				return it.To
			}
			return it.From
		}
		for _, it := range items {
			ends := endsOf(&it)
			internet := isCIDR(it.From[0]) || isCIDR(it.To[0]) || it.OnPrem != ""
			k := key{ends: hash(ends), internet: internet, proto: it.Protocol, icmp: it.ICMP, ports: reach.PortsString(it.Ports)}
			if internet {
				k.from = hash(it.From) // addresses are not joined with interfaces
			}
			i := slices.IndexFunc(idx[k], func(i int) bool {
				return slices.Equal(endsOf(&out[i]), ends) && (!internet || slices.Equal(out[i].From, it.From))
			})
			if i >= 0 {
				i = idx[k][i]
				if byTo {
					out[i].From = sortedUnion(out[i].From, it.From)
				} else {
					out[i].To = sortedUnion(out[i].To, it.To)
				}
				continue
			}
			idx[k] = append(idx[k], len(out))
			out = append(out, it)
		}
		return out
	}
	sortItems(items)
	items = join(join(items, true), false)
	ends.name(items)
	sortItems(items)
	if items == nil {
		items = []Item{}
	}
	return items
}

// endInstances are the interfaces of both snapshots, sorted by ID, and
// the instance of each (as the second snapshot knows it, else as the
// first does; "" for none). Ends that are not interfaces (addresses,
// on-premises networks) have no instance.
type endInstances struct {
	ids, inst []string
}

func newEndInstances(a, b *reach.Engine) *endInstances {
	u := &endInstances{}
	for _, e := range []*reach.Engine{a, b} {
		for _, n := range e.Snapshot().NetworkInterfaces {
			u.ids = append(u.ids, n.ID)
		}
	}
	slices.Sort(u.ids)
	u.ids = slices.Compact(u.ids)
	u.inst = make([]string, len(u.ids))
	for k, id := range u.ids {
		for _, e := range []*reach.Engine{b, a} {
			if n := e.Index().Interface(id); n != nil {
				u.inst[k] = n.InstanceID()
				break
			}
		}
	}
	return u
}

// name sets the instances of the items' ends, the items cut into a
// stretch per processor (each item is written by one goroutine; lists
// hold up to every interface).
func (u *endInstances) name(items []Item) {
	workers := min(runtime.GOMAXPROCS(0), len(items))
	var wg sync.WaitGroup
	for w := range workers {
		part := items[w*len(items)/workers : (w+1)*len(items)/workers]
		wg.Go(func() {
			of := u.lists()
			for i := range part {
				part[i].FromInstances = of(part[i].From)
				part[i].ToInstances = of(part[i].To)
			}
		})
	}
	wg.Wait()
}

// lists returns a function giving the sorted instances of a list of
// ends. Lists name up to every interface, so instead of sorting each
// list's instances the instances are numbered once in order and a list
// marks the numbers it holds; a sorted list finds its interfaces in one
// pass over the sorted IDs, others by binary search.
func (u *endInstances) lists() func([]string) []string {
	names := slices.Clone(u.inst)
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) > 0 && names[0] == "" {
		names = names[1:]
	}
	rank := make([]int, len(u.ids)) // each interface's instance's number + 1; 0: none
	for k, in := range u.inst {
		if in != "" {
			r, _ := slices.BinarySearch(names, in)
			rank[k] = r + 1
		}
	}
	marks := make([]uint64, (len(names)+63)/64)
	return func(ids []string) []string {
		found := false
		mark := func(k int) {
			if r := rank[k] - 1; r >= 0 {
				marks[r/64] |= 1 << (r % 64)
				found = true
			}
		}
		if len(ids) > 64 && slices.IsSorted(ids) {
			k := 0
			for _, id := range ids {
				for k < len(u.ids) && u.ids[k] < id {
					k++
				}
				if k < len(u.ids) && u.ids[k] == id {
					mark(k)
				}
			}
		} else {
			for _, id := range ids {
				if k, ok := slices.BinarySearch(u.ids, id); ok {
					mark(k)
				}
			}
		}
		if !found {
			return nil
		}
		n := 0
		for _, m := range marks {
			n += bits.OnesCount64(m)
		}
		out := make([]string, 0, n)
		for w, m := range marks {
			for m != 0 {
				b := bits.TrailingZeros64(m)
				out = append(out, names[w*64+b])
				m &= m - 1
			}
			marks[w] = 0
		}
		return out
	}
}

func isCIDR(s string) bool {
	if !strings.Contains(s, "/") {
		return false // an interface ID; ParsePrefix would build an error for it
	}
	_, err := netip.ParsePrefix(s)
	return err == nil
}

func sortItems(items []Item) {
	slices.SortFunc(items, func(a, b Item) int {
		return cmp.Or(cmp.Compare(a.Protocol, b.Protocol), slices.Compare(a.From, b.From), slices.Compare(a.To, b.To),
			cmp.Compare(reach.PortsString(a.Ports), reach.PortsString(b.Ports)))
	})
}

// exposure compares two exposure reports, interface by interface and
// protocol by protocol: the internet addresses and ports gained and lost.
func exposure(a, b *reach.ExposureReport) Delta {
	return exposureDelta(a, b, true)
}

// exposureDelta is exposure; skipAlike (false in tests only) passes over
// an interface and protocol whose entries hold the same ports and sources
// in the same order on both sides without comparing them as sets of
// addresses: equal lists are equal sets, and internetDelta would find
// nothing gained or lost (the entries reach.Engine.ExposureSince takes
// from the first report are the very same).
func exposureDelta(a, b *reach.ExposureReport, skipAlike bool) Delta {
	type k struct{ id, proto string }
	toLinks := func(r *reach.ExposureReport) map[k][]reach.Link {
		out := map[k][]reach.Link{}
		for _, x := range r.Exposed {
			if x.OnPrem != "" {
				continue // an on-premises network's reach is in the reachability delta
			}
			key := k{x.ID, x.Protocol}
			out[key] = append(out[key], reach.Link{From: []string{"internet"}, To: []string{x.ID}, Protocol: x.Protocol, Ports: x.PortRanges, Sources: x.Sources})
		}
		return out
	}
	la, lb := toLinks(a), toLinks(b)
	keys := map[k]bool{}
	for key := range la {
		keys[key] = true
	}
	for key := range lb {
		keys[key] = true
	}
	d := Delta{Gained: []Item{}, Lost: []Item{}}
	for key := range keys {
		if skipAlike && sameLinks(la[key], lb[key]) {
			continue
		}
		p := reach.Probe{Protocol: mustProtocol(key.proto)}
		g, l := internetDelta(la[key], lb[key], true)
		for _, x := range g {
			d.Gained = append(d.Gained, internetItem(p, key.id, x, true))
		}
		for _, x := range l {
			d.Lost = append(d.Lost, internetItem(p, key.id, x, true))
		}
	}
	sortItems(d.Gained)
	sortItems(d.Lost)
	return d
}

// sameLinks reports whether two lists of links from the internet to one
// interface on one protocol hold the same ports and sources, link by link.
func sameLinks(a, b []reach.Link) bool {
	return slices.EqualFunc(a, b, func(x, y reach.Link) bool {
		return slices.Equal(x.Ports, y.Ports) && slices.Equal(x.Sources, y.Sources)
	})
}

func mustProtocol(s string) model.Protocol {
	p, err := model.ParseProtocol(s)
	if err != nil {
		return model.ProtocolAll
	}
	return p
}

// findings compares two audits by control, resource and rule.
func findings(a, b []audit.Finding) Findings {
	key := func(f audit.Finding) string {
		return strings.Join(f.Controls, ",") + "|" + string(f.Kind) + "|" + f.Resource + "|" + f.Rule + "|" + f.Message
	}
	in := func(list []audit.Finding) map[string]bool {
		m := map[string]bool{}
		for _, f := range list {
			m[key(f)] = true
		}
		return m
	}
	ka, kb := in(a), in(b)
	out := Findings{New: []audit.Finding{}, Fixed: []audit.Finding{}}
	for _, f := range b {
		if !ka[key(f)] {
			out.New = append(out.New, f)
		}
	}
	for _, f := range a {
		if !kb[key(f)] {
			out.Fixed = append(out.Fixed, f)
		}
	}
	return out
}

// intentChanges checks intents on both networks.
func intentChanges(a, b *reach.Engine, f *intents.File, workers int) ([]IntentChange, error) {
	ca, cb := intent.NewChecker(a), intent.NewChecker(b)
	ca.Workers, cb.Workers = workers, workers
	ra, err := ca.Check(f)
	if err != nil {
		return nil, err
	}
	rb, err := cb.Check(f)
	if err != nil {
		return nil, err
	}
	vkey := func(v intent.Violation) string {
		return v.Kind + "|" + strings.Join(v.From, ",") + "|" + strings.Join(v.To, ",") + "|" + v.Protocol + "|" + reach.PortsString(v.Ports)
	}
	out := []IntentChange{}
	for i := range rb {
		before := map[string]bool{}
		for _, v := range ra[i].Violations {
			before[vkey(v)] = true
		}
		c := IntentChange{Name: rb[i].Name, Before: ra[i].Status, After: rb[i].Status, Violations: []intent.Violation{}}
		for _, v := range rb[i].Violations {
			if !before[vkey(v)] {
				c.Violations = append(c.Violations, v)
			}
		}
		c.NewlyViolated = rb[i].Status == intent.Violated && (ra[i].Status != intent.Violated || len(c.Violations) > 0)
		out = append(out, c)
	}
	return out, nil
}

// unionProbes returns the probes of either network (other protocols a
// rule names in one of them too).
func unionProbes(a, b []reach.Probe) []reach.Probe {
	out := slices.Clone(a)
	for _, p := range b {
		if !slices.ContainsFunc(out, func(q reach.Probe) bool { return q.Protocol == p.Protocol }) {
			out = append(out, p)
		}
	}
	return out
}

func sortedUnion(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

func appendUnique(xs []string, s string) []string {
	if slices.Contains(xs, s) {
		return xs
	}
	return append(xs, s)
}
