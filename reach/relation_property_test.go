package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"go4.org/netipx"
)

// linkIndex answers "does the relation hold this packet?" from its links.
type linkIndex struct {
	probes []reach.Probe
	// by "from|to|protocol": the links between the two ends
	links map[string][]reach.Link
}

func indexLinks(t *testing.T, r *reach.Relation) linkIndex {
	t.Helper()
	idx := linkIndex{probes: r.Probes(), links: map[string][]reach.Link{}}
	for _, l := range r.Links() {
		proto := idx.probes[l.Probe].Protocol.String()
		for _, f := range l.From {
			for _, to := range l.To {
				k := f + "|" + to + "|" + proto
				idx.links[k] = append(idx.links[k], l)
			}
		}
	}
	return idx
}

// holds reports whether a link carries proto/port from one end to the
// other; src (dst) is the internet address when from (to) is the
// internet, and is checked against the link's sources (destinations).
func (idx linkIndex) holds(t *testing.T, from, to, proto string, port int, inet netip.Addr) bool {
	for _, l := range idx.links[from+"|"+to+"|"+proto] {
		if len(l.Ports) > 0 && !slices.ContainsFunc(l.Ports, func(r model.PortRange) bool { return r.Contains(uint16(port)) }) {
			continue
		}
		if inet.IsValid() {
			set := l.Sources
			if to == "internet" {
				set = l.Destinations
			}
			if !prefixesHold(t, set, inet) {
				continue
			}
		}
		return true
	}
	return false
}

func prefixesHold(t *testing.T, ps []string, a netip.Addr) bool {
	t.Helper()
	for _, s := range ps {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			t.Fatalf("%q is not a prefix: %v", s, err)
		}
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// relationPorts returns the ports worth probing between two ends: the
// network's interesting ports and the edges of every port range a link
// between them reports.
func (idx linkIndex) relationPorts(base []int, from, to, proto string) []int {
	out := slices.Clone(base)
	for _, l := range idx.links[from+"|"+to+"|"+proto] {
		for _, r := range l.Ports {
			for _, p := range []int{int(r.From) - 1, int(r.From), int(r.To), int(r.To) + 1} {
				if p >= 1 && p <= 65535 {
					out = append(out, p)
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// checkRelation compares the relation between every pair of ends (and
// the internet, both ways) with point queries on every interesting port,
// inside and outside the reported sets, and returns how many packets it
// checked and how many were reachable.
func checkRelation(t *testing.T, name string, e *reach.Engine, ends []string, ports []int, addrs []netip.Addr) (checked, reachable int) {
	t.Helper()
	rel, err := e.Relate(reach.RelationOptions{From: reach.Group{Interfaces: ends, Internet: true}, To: reach.Group{Interfaces: ends, Internet: true}})
	if err != nil {
		t.Fatal(err)
	}
	idx := indexLinks(t, rel)
	instance := map[string]string{}
	for _, id := range ends {
		instance[id] = e.Index().Interface(id).InstanceID()
	}
	check := func(from, to, proto string, port int, inet netip.Addr) {
		qf, qt := from, to
		if inet.IsValid() && from == "internet" {
			qf = inet.String()
		}
		if inet.IsValid() && to == "internet" {
			qt = inet.String()
		}
		a, err := e.Reach(pointQuery(qf, qt, proto, port))
		if err != nil {
			return // no address pair of the protocol's IP version: nothing to compare
		}
		checked++
		if a.Reachable {
			reachable++
		}
		if want := idx.holds(t, from, to, proto, port, inet); a.Reachable != want {
			t.Errorf("%s: %s -> %s %s/%d (%s): point query reachable=%v, the relation holds it=%v\n%s",
				name, qf, qt, proto, port, from+"/"+to, a.Reachable, want, a.Summary())
		}
	}
	rng := rand.New(rand.NewPCG(uint64(len(ends)), 7))
	sample := func(ps []int, n int) []int {
		if len(ps) <= n {
			return ps
		}
		out := slices.Clone(ps)
		rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		return out[:n]
	}
	for _, p := range idx.probes {
		proto := p.Protocol.String()
		for _, a := range ends {
			for _, b := range ends {
				if a == b || (instance[a] != "" && instance[a] == instance[b]) {
					continue
				}
				// every edge of a reported range, and some other ports
				for _, port := range idx.relationPorts(sample(ports, 6), a, b, proto) {
					check(a, b, proto, port, netip.Addr{})
					if !p.Protocol.HasPorts() {
						break
					}
				}
			}
			for i, port := range idx.relationPorts(sample(ports, 6), a, "internet", proto) {
				check(a, "internet", proto, port, netip.Addr{})
				check("internet", a, proto, port, netip.Addr{})
				if i < 2 {
					for _, x := range addrs {
						if e.Internet().Contains(x) {
							check(a, "internet", proto, port, x)
							check("internet", a, proto, port, x)
						}
					}
				}
				if !p.Protocol.HasPorts() {
					break
				}
			}
		}
	}
	return checked, reachable
}

// edgesOf returns the first, last and neighbouring addresses of every
// internet prefix the relation reports, so the checks probe both sides
// of each set's borders.
func edgesOf(t *testing.T, e *reach.Engine, ends []string) []netip.Addr {
	rel, err := e.Relate(reach.RelationOptions{From: reach.Group{Interfaces: ends, Internet: true}, To: reach.Group{Interfaces: ends, Internet: true},
		Probes: []reach.Probe{{Protocol: model.ProtocolTCP}}})
	if err != nil {
		t.Fatal(err)
	}
	var out []netip.Addr
	for _, l := range rel.Links() {
		for _, s := range slices.Concat(l.Sources, l.Destinations) {
			r := netipx.RangeOfPrefix(netip.MustParsePrefix(s))
			out = append(out, r.From(), r.To(), r.From().Prev(), r.To().Next())
		}
	}
	return out
}

// pureNetwork is the random network of seed with pure subnets
// (withPureSubnets): each call builds its own copy, so a test may change
// one and compare it with another.
func pureNetwork(seed uint64) *randomNet {
	rn := randomNetwork(seed)
	withPureSubnets(rn, seed)
	return rn
}

// withPureSubnets adds to a random network subnets that hold nothing but
// instances — the subnets whole-network questions walk together when
// they share a VPC, route table, network ACL and zone — with rules that
// name some of them and some of their addresses, so the walks must split
// what they walk together.
func withPureSubnets(rn *randomNet, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 0xa11))
	w := rn.w
	type extra struct{ id, vpc, az, cidr, v6, rt string }
	subnets := []extra{
		{"subnet-a3", "vpc-a", "us-east-1a", "10.0.3.0/24", "2600:1f18:a:3::/64", pick(rng, []string{"rtb-pub", "rtb-priv"})},
		{"subnet-a4", "vpc-a", "us-east-1a", "10.0.4.0/24", "2600:1f18:a:4::/64", pick(rng, []string{"rtb-pub", "rtb-priv"})},
		{"subnet-a5", "vpc-a", "us-east-1b", "10.0.5.0/24", "", "rtb-priv"},
		{"subnet-b2", "vpc-b", "us-east-1a", "10.1.2.0/24", "", "rtb-b"},
		{"subnet-b3", "vpc-b", "us-east-1a", "10.1.3.0/24", "", "rtb-b"},
	}
	acls := map[string]string{}
	for _, sn := range subnets {
		w.addSubnet(sn.id, sn.vpc, sn.az, slices.DeleteFunc([]string{sn.cidr, sn.v6}, func(s string) bool { return s == "" })...)
		if _, ok := w.res[sn.rt]; ok && rng.IntN(5) > 0 {
			w.associate(sn.rt, sn.id)
		}
		rn.prefixes = append(rn.prefixes, netip.MustParsePrefix(sn.cidr))
	}
	// a shared custom ACL per VPC for some of them, naming one of the new subnets
	for _, vpc := range []string{"vpc-a", "vpc-b"} {
		id := "acl-pure-" + vpc
		var members []string
		for _, sn := range subnets {
			if sn.vpc == vpc && rng.IntN(3) > 0 {
				members = append(members, sn.id)
			}
		}
		if len(members) == 0 {
			continue
		}
		w.nacl(id, vpc, members...)
		acls[vpc] = id
		named := pick(rng, subnets).cidr
		for _, dir := range []string{"in", "out"} {
			w.entries(id, fmt.Sprintf("%s 50 %s tcp %s %s", dir, pick(rng, []string{"deny", "allow"}), portSpec(rng), named))
			for n := range 2 + rng.IntN(3) {
				w.entries(id, fmt.Sprintf("%s %d %s %s %s %s", dir, 100+10*n, pick(rng, []string{"allow", "allow", "deny"}),
					pick(rng, []string{"tcp", "udp", "all"}), pick(rng, []string{"1024-65535", "22", "443", "1000-1500"}),
					pick(rng, []string{"10.0.0.0/8", "0.0.0.0/0", "10.0.3.0/24", "10.1.0.0/16"})))
			}
			if rng.IntN(3) > 0 {
				w.entries(id, fmt.Sprintf("%s 500 allow all * 0.0.0.0/0", dir))
			}
		}
	}
	// instances with random groups, and rules naming the new subnets and addresses
	host := 100
	var groups []string
	for _, g := range w.s.SecurityGroups {
		groups = append(groups, g.ID)
	}
	slices.Sort(groups)
	for _, sn := range subnets {
		base := w.subnet(sn.id).CIDR.Addr().As4()
		for range 2 + rng.IntN(2) {
			host++
			addr := netip.AddrFrom4([4]byte{base[0], base[1], base[2], byte(host)})
			var sgs []string
			for _, g := range groups {
				if w.sg(g).VPCID == sn.vpc && rng.IntN(3) == 0 {
					sgs = append(sgs, g)
				}
			}
			id := fmt.Sprintf("i-%s-%d", suffix(sn.id), host)
			n := w.instance(id, sn.id, addr.String(), sgs...)
			rn.enis = append(rn.enis, n.ID)
			if rng.IntN(2) == 0 {
				pub := netip.AddrFrom4([4]byte{54, base[1], base[2], byte(host)})
				w.public(n.ID, pub.String())
				rn.publics[n.ID] = append(rn.publics[n.ID], pub)
			}
			if sn.v6 != "" && rng.IntN(2) == 0 {
				b := w.subnet(sn.id).IPv6CIDRs[0].Addr().As16()
				b[15] = byte(host)
				w.v6(n.ID, netip.AddrFrom16(b).String())
			}
			if rng.IntN(3) == 0 {
				w.allow(pick(rng, groups), fmt.Sprintf("in tcp %s %s/32", portSpec(rng), addr))
			}
		}
		if rng.IntN(2) == 0 {
			w.allow(pick(rng, groups), fmt.Sprintf("in %s %s %s", pick(rng, []string{"tcp", "udp"}), portSpec(rng), sn.cidr))
		}
	}
}

// TestPropertyRelationAgreesWithPointQueries: on random networks, every
// pair of interfaces (and the internet toward and from each) is related
// on a protocol and port exactly when the point query between them is
// reachable — on the ports rules name, their neighbours, and both edges
// of every range the relation reports; and the internet addresses the
// relation reports are exactly those whose point queries get through.
func TestPropertyRelationAgreesWithPointQueries(t *testing.T) {
	checked, reachable := 0, 0
	for seed := range uint64(propertySeeds(t)) {
		rn := randomNetwork(seed)
		withPureSubnets(rn, seed)
		e := reach.New(rn.w.s)
		rng := rand.New(rand.NewPCG(seed, 14))
		addrs := rn.interesting(rng)
		rng.Shuffle(len(addrs), func(i, j int) { addrs[i], addrs[j] = addrs[j], addrs[i] })
		addrs = append(addrs[:min(len(addrs), 12)], edgesOf(t, e, rn.enis)...)
		c, r := checkRelation(t, fmt.Sprintf("seed %d", seed), e, rn.enis, rn.ports, addrs)
		checked += c
		reachable += r
	}
	t.Logf("%d packets checked, %d reachable", checked, reachable)
	if !testing.Short() && (reachable == 0 || reachable == checked) {
		t.Errorf("%d packets checked, %d reachable: a one-sided mix", checked, reachable)
	}
}

// TestRelationAgreesWithPointQueriesOnFixtures: the same check on every
// fixture, whose appliances, load balancers, NAT gateways, transit
// gateways, peering across accounts and Regions and IPv6 the random
// networks lack.
func TestRelationAgreesWithPointQueriesOnFixtures(t *testing.T) {
	for _, name := range fixtures.Names() {
		t.Run(name, func(t *testing.T) {
			s, err := fixtures.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			e := reach.New(s)
			ends := e.Ends()
			ports := []int{22, 53, 80, 443, 3306, 3389, 5432, 8080, 8443}
			addrs := []netip.Addr{netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("203.0.113.25"), netip.MustParseAddr("8.8.8.8")}
			c, r := checkRelation(t, name, e, ends, ports, append(addrs, edgesOf(t, e, ends)...))
			t.Logf("%d packets checked, %d reachable", c, r)
		})
	}
}

// cellsFromLinks groups a relation's links into cells the slow way: pair
// of interfaces by pair.
func cellsFromLinks(e *reach.Engine, rel *reach.Relation, by reach.GroupBy) map[[2]string]map[int][]model.PortRange {
	groups := func(id string) []string {
		if id == "internet" {
			return []string{"internet"}
		}
		n := e.Index().Interface(id)
		switch by {
		case reach.ByVPC:
			return []string{n.VPCID}
		case reach.BySubnet:
			return []string{n.SubnetID}
		case reach.BySecurityGroup:
			if len(n.SecurityGroupIDs) == 0 {
				return []string{"(no security group)"}
			}
			return n.SecurityGroupIDs
		}
		return []string{id}
	}
	out := map[[2]string]map[int][]model.PortRange{}
	for _, l := range rel.Links() {
		ports := l.Ports
		if len(ports) == 0 {
			ports = []model.PortRange{model.AllPorts}
		}
		for _, f := range l.From {
			for _, t := range l.To {
				if f == t {
					continue
				}
				if f != "internet" && t != "internet" {
					fi, ti := e.Index().Interface(f).InstanceID(), e.Index().Interface(t).InstanceID()
					if fi != "" && fi == ti {
						continue
					}
				}
				for _, gf := range groups(f) {
					for _, gt := range groups(t) {
						k := [2]string{gf, gt}
						if out[k] == nil {
							out[k] = map[int][]model.PortRange{}
						}
						out[k][l.Probe] = mergeRanges(append(out[k][l.Probe], ports...))
					}
				}
			}
		}
	}
	return out
}

func mergeRanges(rs []model.PortRange) []model.PortRange {
	slices.SortFunc(rs, func(a, b model.PortRange) int { return int(a.From) - int(b.From) })
	var out []model.PortRange
	for _, r := range rs {
		if n := len(out); n > 0 && int(r.From) <= int(out[n-1].To)+1 {
			out[n-1].To = max(out[n-1].To, r.To)
			continue
		}
		out = append(out, r)
	}
	return out
}

// TestPropertyMatrixAgreesWithLinks: a connectivity matrix — added up
// subnet by subnet with the receivers' groups applied to every sending
// subnet at once (by VPC and subnet), or pair by pair (by security group
// and interface) — holds exactly the ports its groups' interface pairs
// have in the relation's links.
func TestPropertyMatrixAgreesWithLinks(t *testing.T) {
	cells := 0
	for seed := range uint64(propertySeeds(t)) {
		rn := randomNetwork(seed)
		withPureSubnets(rn, seed)
		e := reach.New(rn.w.s)
		all := reach.Group{Interfaces: rn.enis, Internet: true}
		rel, err := e.Relate(reach.RelationOptions{From: all, To: all})
		if err != nil {
			t.Fatal(err)
		}
		cells += matrixAgreesWithLinks(t, fmt.Sprintf("seed %d", seed), e, rel)
	}
	t.Logf("%d cells compared", cells)
}

// matrixAgreesWithLinks checks that the relation's matrix, by every
// grouping, holds exactly the ports of its links (cellsFromLinks), and
// returns the cells compared.
func matrixAgreesWithLinks(t *testing.T, label string, e *reach.Engine, rel *reach.Relation) int {
	t.Helper()
	cells := 0
	for _, by := range reach.GroupBys {
		want := cellsFromLinks(e, rel, by)
		m := rel.Matrix(by)
		got := map[[2]string]map[int][]model.PortRange{}
		for _, c := range m.Cells() {
			got[[2]string{c.From, c.To}] = map[int][]model.PortRange{}
			for _, tr := range c.Traffic {
				ports := tr.Ports
				if len(ports) == 0 {
					ports = []model.PortRange{model.AllPorts}
				}
				got[[2]string{c.From, c.To}][tr.Probe] = ports
			}
		}
		for k, w := range want {
			cells++
			for pi, ports := range w {
				if g := got[k][pi]; !slices.Equal(g, ports) {
					t.Errorf("%s by %s: cell %s -> %s %s: matrix has %v, the links %v", label, by, k[0], k[1], m.Probes[pi], g, ports)
				}
			}
		}
		for k, g := range got {
			for pi, ports := range g {
				if want[k][pi] == nil {
					t.Errorf("%s by %s: cell %s -> %s %s: matrix has %v, the links nothing", label, by, k[0], k[1], m.Probes[pi], ports)
				}
			}
		}
	}
	return cells
}
