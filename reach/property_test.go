package reach_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"go4.org/netipx"
)

// The property tests: set answers (exposure, who-can-reach, answers from
// "the internet") must agree with point answers for every packet. Each
// seed builds a random network — two VPCs, subnets, route tables with
// internet, NAT, peering, transit gateway and blackhole routes, an
// internet-facing load balancer, an AWS Network Firewall behind an IGW
// edge route table (stateless and stateful rules with overlapping ranges
// and random default actions), security groups whose
// peers are CIDRs, groups and prefix lists, network ACLs with overlapping
// allow and deny entries — and checks thousands of concrete packets drawn
// inside and outside the reported sets against the point query.
//
// VPCSCOPE_PROPERTY_SEEDS=N runs N seeds instead of the CI default.

func propertySeeds(t *testing.T) int {
	if v := os.Getenv("VPCSCOPE_PROPERTY_SEEDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("VPCSCOPE_PROPERTY_SEEDS=%q: %v", v, err)
		}
		return n
	}
	if testing.Short() {
		return 4
	}
	return 24
}

// randomNet is a generated network and the prefixes its rules name, from
// which interesting addresses are drawn.
type randomNet struct {
	w        *world
	prefixes []netip.Prefix
	ports    []int
	publics  map[string][]netip.Addr // interface → public IPv4 and IPv6 addresses
	enis     []string
	// lb is the internet-facing load balancer's name ("" for none).
	lb string
}

// peerPool returns the prefixes rules draw their peers from: the whole
// internet, public blocks of several sizes that overlap each other, and
// the VPCs' own ranges.
func peerPool(rng *rand.Rand) []netip.Prefix {
	pool := []netip.Prefix{pfx("0.0.0.0/0"), pfx("10.0.0.0/16"), pfx("10.1.0.0/16"), pfx("10.0.1.0/24"), pfx("10.0.2.0/24"), pfx("10.1.1.0/24")}
	for range 6 {
		a := byte(1 + rng.IntN(200))
		if a == 10 || a == 100 || a == 127 || a == 169 || a == 172 || a == 192 {
			a++
		}
		b, c := byte(rng.IntN(256)), byte(rng.IntN(256))
		p8 := netip.PrefixFrom(netip.AddrFrom4([4]byte{a, 0, 0, 0}), 8)
		p16 := netip.PrefixFrom(netip.AddrFrom4([4]byte{a, b, 0, 0}), 16)
		p24 := netip.PrefixFrom(netip.AddrFrom4([4]byte{a, b, c, 0}), 24)
		p25 := netip.PrefixFrom(netip.AddrFrom4([4]byte{a, b, c, 0}), 25)
		pool = append(pool, p8, p16, p24, p25)
	}
	for range 3 {
		a := netip.AddrFrom16([16]byte{0x2a, byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))})
		pool = append(pool, netip.PrefixFrom(a, 16).Masked(), netip.PrefixFrom(a, 32).Masked())
	}
	return append(pool, pfx("::/0"), pfx("2600:1f18:a::/56"))
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

var propertyPorts = []int{22, 80, 443, 3306, 1000, 1500, 2000, 8080}

// portSpec returns a random rule port field: one port or a range.
func portSpec(rng *rand.Rand) string {
	if rng.IntN(3) == 0 {
		lo := 1000 + rng.IntN(500)
		return fmt.Sprintf("%d-%d", lo, lo+rng.IntN(1000))
	}
	return strconv.Itoa(pick(rng, propertyPorts))
}

func randomProto(rng *rand.Rand) string {
	switch n := rng.IntN(20); {
	case n < 12:
		return "tcp"
	case n < 15:
		return "udp"
	case n < 17:
		return "icmp"
	}
	return "all"
}

// randomNetwork builds the network of one seed.
func randomNetwork(seed uint64) *randomNet {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	w := newWorld()
	rn := &randomNet{w: w, publics: map[string][]netip.Addr{}, ports: slices.Clone(propertyPorts)}
	pool := peerPool(rng)
	rn.prefixes = pool
	w.vpc("vpc-a", "10.0.0.0/16", "2600:1f18:a::/56")
	w.vpc("vpc-b", "10.1.0.0/16")
	w.addSubnet("subnet-a1", "vpc-a", "us-east-1a", "10.0.1.0/24", "2600:1f18:a:1::/64")
	w.addSubnet("subnet-a2", "vpc-a", "us-east-1b", "10.0.2.0/24", "2600:1f18:a:2::/64")
	w.addSubnet("subnet-b1", "vpc-b", "us-east-1a", "10.1.1.0/24")
	v4 := pool[6 : len(pool)-8] // the random public IPv4 blocks
	w.prefixList("pl-office", "office", false, pick(rng, v4).String(), pick(rng, v4).String())
	rn.prefixes = append(rn.prefixes, w.s.PrefixLists[0].Entries[0].CIDR, w.s.PrefixLists[0].Entries[1].CIDR)

	igwA, igwB := rng.IntN(10) < 9, rng.IntN(2) == 0
	if igwA {
		w.igw("igw-a", "vpc-a")
	}
	if igwB {
		w.igw("igw-b", "vpc-b")
	}
	natPub := "52.0.0.5"
	w.nat("nat-a", "subnet-a1", "10.0.1.5", natPub)
	peered := rng.IntN(10) < 8
	if peered {
		w.peering("pcx-ab", "vpc-a", "vpc-b", "active")
	}

	w.routeTable("rtb-pub", "vpc-a", "subnet-a1")
	w.routeTable("rtb-priv", "vpc-a", "subnet-a2")
	if igwA && rng.IntN(10) < 8 {
		w.route("rtb-pub", "0.0.0.0/0", "igw-a")
		if rng.IntN(4) > 0 {
			w.route("rtb-pub", "::/0", "igw-a")
		}
	}
	if rng.IntN(2) == 0 {
		w.eigw("eigw-a", "vpc-a").route("rtb-priv", "::/0", "eigw-a")
	}
	switch rng.IntN(3) {
	case 0:
		w.route("rtb-priv", "0.0.0.0/0", "nat-a")
	case 1:
		if igwA {
			w.route("rtb-priv", "0.0.0.0/0", "igw-a")
		}
	}
	if igwB {
		w.route("rtb-b", "0.0.0.0/0", "igw-b")
	}
	if peered {
		w.route("rtb-pub", "10.1.0.0/16", "pcx-ab")
		if rng.IntN(4) > 0 {
			w.route("rtb-priv", "10.1.0.0/16", "pcx-ab")
		}
		if rng.IntN(4) > 0 {
			w.route("rtb-b", "10.0.0.0/16", "pcx-ab")
		}
	}
	// a transit gateway joining the VPCs as well, with security group
	// referencing on or off, carrying some of the traffic between them
	if rng.IntN(2) == 0 {
		w.tgw("tgw-1", region)
		w.tgwOf("tgw-1").SecurityGroupReferencingSupport = rng.IntN(2) == 0
		w.tgwVPC("tgw-attach-a", "tgw-1", "vpc-a", "subnet-a1", "subnet-a2")
		w.tgwVPC("tgw-attach-b", "tgw-1", "vpc-b", "subnet-b1")
		w.attachment("tgw-attach-b").SecurityGroupReferencingSupport = rng.IntN(4) > 0
		w.tgwTable("tgw-rtb-1", "tgw-1")
		w.tgwAssociate("tgw-rtb-1", "tgw-attach-a").tgwAssociate("tgw-rtb-1", "tgw-attach-b")
		w.tgwPropagate("tgw-rtb-1", "tgw-attach-a").tgwPropagate("tgw-rtb-1", "tgw-attach-b")
		for _, rt := range []string{"rtb-pub", "rtb-priv"} {
			if rng.IntN(2) == 0 {
				w.dropRoutes(rt, "10.1.0.0/16").route(rt, "10.1.0.0/16", "tgw-1")
			}
		}
		if rng.IntN(2) == 0 {
			w.dropRoutes("rtb-b", "10.0.0.0/16").route("rtb-b", "10.0.0.0/16", "tgw-1")
		}
	}
	// more specific public routes that send part of the internet elsewhere
	for range rng.IntN(3) {
		p := pick(rng, v4).String()
		switch rng.IntN(3) {
		case 0:
			w.route("rtb-pub", p, "nat-a", "blackhole")
		case 1:
			w.route("rtb-pub", p, "nat-a")
		default:
			if peered {
				w.route("rtb-pub", p, "pcx-ab")
			}
		}
	}

	// security groups
	var groups []string
	for _, v := range []string{"a", "b"} {
		for i := range 3 {
			id := fmt.Sprintf("sg-%s%d", v, i)
			w.newSG(id, "vpc-"+v)
			groups = append(groups, id)
		}
	}
	for _, id := range groups {
		for range 2 + rng.IntN(4) {
			var peer string
			switch n := rng.IntN(10); {
			case n < 3:
				peer = pick(rng, pool[:6]).String() // the internet or the VPCs' own ranges
			case n < 6:
				peer = pick(rng, pool).String()
			case n < 9:
				peer = pick(rng, groups)
			default:
				peer = "pl-office"
			}
			pr := randomProto(rng)
			ports := portSpec(rng)
			switch pr {
			case "all":
				ports = "*"
			case "icmp":
				ports = pick(rng, []string{"*", "8", "0"})
			}
			w.allow(id, fmt.Sprintf("in %s %s %s", pr, ports, peer))
		}
		if rng.IntN(3) == 0 {
			w.noEgress(id)
			for range 1 + rng.IntN(2) {
				pr, ports := randomProto(rng), "*"
				if pr == "tcp" || pr == "udp" {
					ports = "0-65535"
				}
				w.allow(id, fmt.Sprintf("out %s %s %s", pr, ports, pick(rng, pool).String()))
			}
		}
	}

	// network ACLs with overlapping allow and deny entries
	for _, sn := range []string{"subnet-a1", "subnet-a2", "subnet-b1"} {
		if rng.IntN(2) == 0 {
			continue
		}
		vpc := "vpc-" + suffix(sn)[:1]
		acl := "acl-" + suffix(sn)
		w.nacl(acl, vpc, sn)
		for _, dir := range []string{"in", "out"} {
			n := 2 + rng.IntN(5)
			nums := rng.Perm(20)[:n]
			for _, num := range nums {
				action := pick(rng, []string{"allow", "allow", "deny"})
				pr := randomProto(rng)
				ports := "*"
				switch pr {
				case "tcp", "udp":
					if rng.IntN(2) == 0 {
						ports = portSpec(rng)
					} else {
						ports = "1024-65535"
					}
				case "icmp":
					ports = pick(rng, []string{"*", "8/0", "0/0"})
				}
				w.entries(acl, fmt.Sprintf("%s %d %s %s %s %s", dir, 10*(num+1), action, pr, ports, pick(rng, pool).String()))
			}
			if rng.IntN(3) > 0 {
				w.entries(acl, fmt.Sprintf("%s 500 allow all * 0.0.0.0/0", dir))
			}
		}
	}

	// instances, some with public addresses
	host := 10
	for _, sn := range []string{"subnet-a1", "subnet-a2", "subnet-b1"} {
		prefix := w.subnet(sn).CIDR.Addr().As4()
		for range 2 {
			host++
			addr := netip.AddrFrom4([4]byte{prefix[0], prefix[1], prefix[2], byte(host)})
			id := fmt.Sprintf("i-%s-%d", suffix(sn), host)
			vpc := w.subnet(sn).VPCID
			var sgs []string
			for _, g := range groups {
				if w.sg(g).VPCID == vpc && rng.IntN(2) == 0 {
					sgs = append(sgs, g)
				}
			}
			if len(sgs) == 0 {
				sgs = []string{fmt.Sprintf("sg-%s%d", suffix(vpc), rng.IntN(3))}
			}
			n := w.instance(id, sn, addr.String(), sgs...)
			rn.enis = append(rn.enis, n.ID)
			if rng.IntN(3) > 0 && sn != "subnet-a2" {
				pub := netip.AddrFrom4([4]byte{54, byte(prefix[1]), byte(prefix[2]), byte(host)})
				w.public(n.ID, pub.String())
				rn.publics[n.ID] = append(rn.publics[n.ID], pub)
			}
			if v6 := w.subnet(sn).IPv6CIDRs; len(v6) > 0 && rng.IntN(2) == 0 {
				b := v6[0].Addr().As16()
				b[15] = byte(host)
				a := netip.AddrFrom16(b)
				w.v6(n.ID, a.String())
				rn.publics[n.ID] = append(rn.publics[n.ID], a)
			}
		}
	}
	if rng.IntN(4) > 0 {
		rn.lb = randomLoadBalancer(rng, w)
	}
	if igwA && rng.IntN(2) == 0 {
		randomFirewall(rng, w, pool)
	}
	// the ports worth probing: every port a rule or listener names, and its neighbours
	seen := map[int]bool{}
	for _, lb := range w.s.LoadBalancers {
		for _, l := range lb.Listeners {
			seen[int(l.Port)] = true
			rn.ports = append(rn.ports, int(l.Port))
		}
	}
	for _, sg := range w.s.SecurityGroups {
		for _, r := range slices.Concat(sg.Ingress, sg.Egress) {
			if !r.Protocol.HasPorts() {
				continue
			}
			for _, p := range []int{int(r.FromPort), int(r.ToPort)} {
				for _, q := range []int{p - 1, p, p + 1} {
					if q > 0 && q < 65536 && !seen[q] {
						seen[q] = true
						rn.ports = append(rn.ports, q)
					}
				}
			}
		}
	}
	return rn
}

// randomFirewall puts an AWS Network Firewall between igw-a and
// subnet-a1 (the IGW ingress routing model): an edge route table on igw-a
// sends subnet-a1's addresses to endpoint vpce-fw in subnet-fw, rtb-pub
// sends its internet routes there, and subnet-fw's own table goes on to
// igw-a. The policy has a stateless group of overlapping rules (pass, drop,
// forward to the stateful engine), a random stateless default action, and
// a stateful group of 5-tuple rules (pass, drop, alert; FORWARD or ANY)
// over the pool's prefixes and ports, in default action order or strict
// order with or without aws:drop_strict.
func randomFirewall(rng *rand.Rand, w *world, pool []netip.Prefix) {
	w.addSubnet("subnet-fw", "vpc-a", "us-east-1a", "10.0.9.0/28")
	w.routeTable("rtb-fw", "vpc-a", "subnet-fw")
	w.route("rtb-fw", "0.0.0.0/0", "igw-a").route("rtb-fw", "::/0", "igw-a")
	w.routeTable("rtb-edge", "vpc-a")
	w.edge("rtb-edge", "igw-a").route("rtb-edge", "10.0.1.0/24", "vpce-fw").route("rtb-edge", "2600:1f18:a:1::/64", "vpce-fw")
	rt := w.rt("rtb-pub")
	for i := range rt.Routes {
		if r := &rt.Routes[i]; r.GatewayID == "igw-a" {
			r.GatewayID = "vpce-fw"
		}
	}
	def := pick(rng, []string{model.ActionForward, model.ActionForward, model.ActionPass, model.ActionDrop})
	w.fwPolicy("pol-r", def, nil, nil)
	w.firewall("fw-r", "vpc-a", "pol-r", fwEP{"us-east-1a", "subnet-fw", "vpce-fw"})
	peer := func() string {
		if rng.IntN(4) == 0 {
			return "any"
		}
		return pick(rng, pool).String()
	}
	ports := func() string {
		if rng.IntN(3) == 0 {
			return "any"
		}
		return strings.ReplaceAll(portSpec(rng), "-", ":")
	}
	var stateless []string
	for i := range 1 + rng.IntN(4) {
		act := pick(rng, []string{model.ActionPass, model.ActionDrop, model.ActionForward, model.ActionForward})
		proto := pick(rng, []string{"6", "17", "1", "all", "6,17"})
		sp, dp := "any", "any"
		if proto == "6" || proto == "17" || proto == "6,17" {
			sp, dp = strings.ReplaceAll(ports(), ":", "-"), strings.ReplaceAll(ports(), ":", "-")
		}
		stateless = append(stateless, fmt.Sprintf("%d %s %s %s:%s -> %s:%s", 10*(i+1), act, proto, peer(), sp, peer(), dp))
	}
	w.withStateless("pol-r", w.statelessGroup("sl-r", stateless...))
	var stateful []string
	for i := range 1 + rng.IntN(5) {
		act := pick(rng, []string{"pass", "pass", "drop", "alert"})
		proto := pick(rng, []string{"tcp", "tcp", "udp", "icmp", "ip"})
		dir := pick(rng, []string{"->", "->", "<>"})
		sp, dp := "any", ports()
		if proto == "icmp" {
			dp = "any"
		}
		stateful = append(stateful, fmt.Sprintf("%s %s %s %s %s %s %s (sid:%d;)", act, proto, peer(), sp, dir, peer(), dp, i+1))
	}
	w.withStateful("pol-r", w.suricataGroup("sf-r", stateful...))
	switch rng.IntN(3) {
	case 1:
		w.strict("pol-r", "aws:drop_strict")
	case 2:
		w.strict("pol-r")
	}
}

// randomLoadBalancer adds an internet-facing network or application load
// balancer with nodes in subnet-a1 (us-east-1a) and subnet-a2 (us-east-1b),
// one listener (TCP, TCP_UDP or HTTP) forwarding to a target group of one
// or two instances of vpc-a, with random cross-zone and client IP
// preservation attributes, and returns its name.
func randomLoadBalancer(rng *rand.Rand, w *world) string {
	var targets []string
	for _, in := range w.s.Instances {
		if in.VPCID == "vpc-a" && rng.IntN(2) == 0 {
			targets = append(targets, in.ID)
		}
	}
	if len(targets) == 0 {
		targets = []string{w.s.Instances[0].ID}
	}
	port := int32(pick(rng, []int{53, 80, 443, 8080}))
	tport := int32(pick(rng, propertyPorts))
	// most targets admit the target port from the nodes or the internet
	for _, id := range targets {
		if rng.IntN(4) > 0 {
			w.allow(w.inst(id).SecurityGroupIDs[0], fmt.Sprintf("in %s %d %s", pick(rng, []string{"tcp", "tcp", "udp"}), tport,
				pick(rng, []string{"0.0.0.0/0", "10.0.0.0/16", "10.0.1.0/24", "54.0.0.0/8"})))
		}
	}
	nodes := []lbNode{{"subnet-a1", "10.0.1.200", "54.0.9.1"}, {"subnet-a2", "10.0.2.200", "54.0.9.2"}}
	if rng.IntN(2) == 0 {
		lbARN := w.loadBalancer("web-alb", "application", "internet-facing", "vpc-a", []string{"sg-lb"}, nodes...)
		w.allow("sg-lb", fmt.Sprintf("in tcp %d %s", port, pick(rng, []string{"0.0.0.0/0", "0.0.0.0/0", "10.0.0.0/16", "198.51.100.0/24"})))
		tg := w.targetGroup("web", "HTTP", tport, "vpc-a", targets...)
		if rng.IntN(3) == 0 {
			w.tgAttr(tg, "load_balancing.cross_zone.enabled", "false")
		}
		w.listener(lbARN, "HTTP", port, tg)
		return "web-alb"
	}
	lbARN := w.loadBalancer("net-lb", "network", "internet-facing", "vpc-a", nil, nodes...)
	proto := pick(rng, []string{"TCP", "TCP", "TCP_UDP"})
	tg := w.targetGroup("net", proto, tport, "vpc-a", targets...)
	switch rng.IntN(3) {
	case 0:
		w.lbAttr(lbARN, "load_balancing.cross_zone.enabled", "true")
	case 1:
		w.tgAttr(tg, "load_balancing.cross_zone.enabled", pick(rng, []string{"true", "false", "use_load_balancer_configuration"}))
	}
	if rng.IntN(2) == 0 {
		w.tgAttr(tg, "preserve_client_ip.enabled", pick(rng, []string{"true", "false"}))
	}
	w.listener(lbARN, proto, port, tg)
	return "net-lb"
}

// interesting returns addresses worth probing: the edges of every prefix
// the network names (first, last, and just outside), a middle address,
// and a few random ones.
func (rn *randomNet) interesting(rng *rand.Rand) []netip.Addr {
	var out []netip.Addr
	for _, p := range rn.prefixes {
		r := netipx.RangeOfPrefix(p.Masked())
		out = append(out, r.From(), r.To(), r.From().Next())
		if prev := r.From().Prev(); prev.IsValid() {
			out = append(out, prev)
		}
		if next := r.To().Next(); next.IsValid() {
			out = append(out, next)
		}
	}
	for range 20 {
		out = append(out, netip.AddrFrom4([4]byte{byte(1 + rng.IntN(222)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))}))
		out = append(out, netip.AddrFrom16([16]byte{0x2a, byte(rng.IntN(256)), byte(rng.IntN(256)), 15: byte(rng.IntN(256))}))
	}
	slices.SortFunc(out, func(a, b netip.Addr) int { return a.Compare(b) })
	return slices.Compact(out)
}

// exposureIndex answers "does the exposure report hold this packet?".
type exposureIndex map[string][]exposedPart

type exposedPart struct {
	proto   string
	ports   []model.PortRange
	sources *netipx.IPSet
}

func indexExposure(t *testing.T, r *reach.ExposureReport) exposureIndex {
	idx := exposureIndex{}
	for _, x := range r.Exposed {
		var b netipx.IPSetBuilder
		for _, s := range x.Sources {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				t.Fatalf("exposure source %q is not a prefix: %v", s, err)
			}
			b.AddPrefix(p)
		}
		set, _ := b.IPSet()
		key := x.PublicIP
		if x.Kind == "load-balancer" {
			key = x.Name // a load balancer answers on every node: keyed by name
		}
		idx[key] = append(idx[key], exposedPart{proto: x.Protocol, ports: x.PortRanges, sources: set})
	}
	return idx
}

func (idx exposureIndex) holds(pub netip.Addr, proto string, port int, src netip.Addr) bool {
	return idx.holdsKey(pub.String(), proto, port, src)
}

func (idx exposureIndex) holdsKey(key, proto string, port int, src netip.Addr) bool {
	for _, p := range idx[key] {
		if p.proto != proto || !p.sources.Contains(src) {
			continue
		}
		if len(p.ports) == 0 {
			return true
		}
		for _, r := range p.ports {
			if r.Contains(uint16(port)) {
				return true
			}
		}
	}
	return false
}

func pointQuery(from, to, proto string, port int) reach.Query {
	q := reach.Query{From: from, To: to, Protocol: model.ProtocolTCP}
	switch proto {
	case "udp":
		q.Protocol = model.ProtocolUDP
	case "icmp":
		q.Protocol = model.ProtocolICMP
		return q
	case "icmpv6":
		q.Protocol = model.ProtocolICMPv6
		return q
	}
	q.Port = port
	return q
}

// TestPropertyExposureAgreesWithPointQueries: a packet from the internet
// to a public address is in the exposure report exactly when the point
// query for it is reachable.
func TestPropertyExposureAgreesWithPointQueries(t *testing.T) {
	checked, reachableN := 0, 0
	for seed := range uint64(propertySeeds(t)) {
		rn := randomNetwork(seed)
		e := reach.New(rn.w.s)
		rep := e.Exposure(reach.ExposureOptions{})
		idx := indexExposure(t, rep)
		rng := rand.New(rand.NewPCG(seed, 1))
		inet := e.Internet()
		check := func(src, pub netip.Addr, eni, proto string, port int) {
			if proto == "icmp" && pub.Is6() {
				proto = "icmpv6"
			}
			a, err := e.Reach(pointQuery(src.String(), pub.String(), proto, port))
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			checked++
			if a.Reachable {
				reachableN++
			}
			if want := idx.holds(pub, proto, port, src); a.Reachable != want {
				t.Errorf("seed %d: %s -> %s (%s) %s/%d: point query reachable=%v, exposure report holds it=%v\n%s",
					seed, src, pub, eni, proto, port, a.Reachable, want, a.Summary())
			}
		}
		// packets drawn from outside and inside the report: every
		// interesting address with a random protocol and port ...
		addrs := rn.interesting(rng)
		for _, eni := range rn.enis {
			for _, pub := range rn.publics[eni] {
				for _, src := range addrs {
					if inet.Contains(src) && src.Is4() == pub.Is4() {
						check(src, pub, eni, pick(rng, []string{"tcp", "tcp", "udp", "icmp"}), pick(rng, append(slices.Clone(rn.ports), 1, 65535)))
					}
				}
			}
		}
		// ... packets to the load balancer, from outside and inside its report ...
		if rn.lb != "" {
			checkLB := func(src netip.Addr, proto string, port int) {
				a, err := e.Reach(pointQuery(src.String(), rn.lb, proto, port))
				var ie *reach.InputError
				if errors.As(err, &ie) && !src.Is4() {
					return // an IPv6 source toward a load balancer without IPv6: no packet to check
				}
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				checked++
				if a.Reachable {
					reachableN++
				}
				if want := idx.holdsKey(rn.lb, proto, port, src); a.Reachable != want {
					t.Errorf("seed %d: %s -> %s %s/%d: point query reachable=%v, exposure report holds it=%v\n%s",
						seed, src, rn.lb, proto, port, a.Reachable, want, a.Summary())
				}
			}
			for _, src := range addrs {
				if inet.Contains(src) {
					checkLB(src, pick(rng, []string{"tcp", "tcp", "udp"}), pick(rng, rn.ports))
				}
			}
			for _, x := range rep.Exposed {
				if x.Kind != "load-balancer" {
					continue
				}
				for _, s := range x.Sources {
					r := netipx.RangeOfPrefix(netip.MustParsePrefix(s))
					for _, src := range []netip.Addr{r.From(), r.To(), r.From().Prev(), r.To().Next()} {
						if src.IsValid() && inet.Contains(src) {
							checkLB(src, x.Protocol, int(pick(rng, x.PortRanges).From))
						}
					}
				}
			}
		}
		// ... and the edges and random members of every reported set
		for _, x := range rep.Exposed {
			if x.Kind != "network-interface" {
				continue
			}
			pub := netip.MustParseAddr(x.PublicIP)
			for _, s := range x.Sources {
				r := netipx.RangeOfPrefix(netip.MustParsePrefix(s))
				for _, src := range []netip.Addr{r.From(), r.To(), r.From().Prev(), r.To().Next()} {
					if !src.IsValid() || !inet.Contains(src) {
						continue
					}
					port := 0
					if len(x.PortRanges) > 0 {
						pr := pick(rng, x.PortRanges)
						port = pick(rng, []int{int(pr.From), int(pr.To), int(pr.From) - 1, int(pr.To) + 1})
						port = min(max(port, 1), 65535) // a point query names a port 1-65535
					}
					check(src, pub, x.ID, x.Protocol, port)
				}
			}
		}
	}
	t.Logf("%d packets checked, %d reachable", checked, reachableN)
	if !testing.Short() && (checked < 500 || reachableN < checked/20 || reachableN > checked*19/20) {
		t.Errorf("%d packets checked, %d reachable: the generator makes too few public interfaces or a one-sided mix", checked, reachableN)
	}
}

// TestPropertyInternetAnswerAgreesWithPointQueries: "reach --from
// internet" is reachable exactly when some internet address is, and the
// addresses it reports are exactly those whose point query is reachable.
func TestPropertyInternetAnswerAgreesWithPointQueries(t *testing.T) {
	checked := 0
	for seed := range uint64(propertySeeds(t)) {
		rn := randomNetwork(seed)
		e := reach.New(rn.w.s)
		rng := rand.New(rand.NewPCG(seed, 2))
		addrs := rn.interesting(rng)
		inet := e.Internet()
		for _, eni := range rn.enis {
			for _, pub := range rn.publics[eni] {
				port := pick(rng, rn.ports)
				set, err := e.Reach(pointQuery("internet", pub.String(), "tcp", port))
				if err != nil {
					t.Fatal(err)
				}
				var b netipx.IPSetBuilder
				for _, s := range set.Query.Source.Addresses {
					b.AddPrefix(netip.MustParsePrefix(s))
				}
				holds, _ := b.IPSet()
				anyReachable := false
				for _, src := range addrs {
					if !inet.Contains(src) || src.Is4() != pub.Is4() {
						continue
					}
					a, err := e.Reach(pointQuery(src.String(), pub.String(), "tcp", port))
					if err != nil {
						t.Fatal(err)
					}
					checked++
					anyReachable = anyReachable || a.Reachable
					if set.Reachable && holds.Contains(src) != a.Reachable {
						t.Errorf("seed %d: internet -> %s tcp/%d reports %s (holds %v), but %s gives reachable=%v",
							seed, pub, port, set.Query.Source.Summary, holds.Contains(src), src, a.Reachable)
					}
				}
				if anyReachable && !set.Reachable {
					t.Errorf("seed %d: internet -> %s tcp/%d is %s, but a point query from the internet is reachable: %s",
						seed, pub, port, set.Verdict, set.Summary())
				}
				if set.Reachable {
					ex := netip.MustParseAddr(set.Query.Source.IP)
					if !holds.Contains(ex) {
						t.Errorf("seed %d: the example %s is outside the set the answer holds for (%s)", seed, ex, set.Query.Source.Summary)
					}
				}
			}
		}
	}
	t.Logf("%d packets checked", checked)
}

// TestPropertyWhoCanReachAgreesWithPointQueries: an interface is listed
// among who-can-reach's sources exactly when its point query is
// reachable, and the internet sources it lists are exactly those whose
// point query (to the public address) is reachable.
func TestPropertyWhoCanReachAgreesWithPointQueries(t *testing.T) {
	checked, reachableN := 0, 0
	for seed := range uint64(propertySeeds(t)) {
		rn := randomNetwork(seed)
		e := reach.New(rn.w.s)
		rng := rand.New(rand.NewPCG(seed, 3))
		addrs := rn.interesting(rng)
		inet := e.Internet()
		for _, dst := range rn.enis {
			proto := pick(rng, []string{"tcp", "tcp", "udp", "icmp"})
			port := pick(rng, rn.ports)
			wq := reach.WhoQuery{To: dst, Protocol: model.ProtocolTCP, Port: port}
			switch proto {
			case "udp":
				wq.Protocol = model.ProtocolUDP
			case "icmp":
				wq.Protocol, wq.Port = model.ProtocolICMP, 0
			}
			who, err := e.WhoCanReach(wq)
			if err != nil {
				t.Fatal(err)
			}
			listed := map[string]bool{}
			var internet *netipx.IPSet
			for _, s := range who.Sources {
				switch s.Kind {
				case "network-interface":
					listed[s.ID] = true
				case "internet":
					var b netipx.IPSetBuilder
					for _, p := range s.IPs {
						b.AddPrefix(netip.MustParsePrefix(p))
					}
					internet, _ = b.IPSet()
				}
			}
			for _, src := range rn.enis {
				if src == dst {
					continue
				}
				a, err := e.Reach(pointQuery(src, dst, proto, port))
				if err != nil {
					t.Fatal(err)
				}
				checked++
				if a.Reachable {
					reachableN++
				}
				if a.Reachable != listed[src] {
					t.Errorf("seed %d: %s -> %s %s/%d: point query reachable=%v, who-can-reach lists it=%v\n%s",
						seed, src, dst, proto, port, a.Reachable, listed[src], a.Summary())
				}
			}
			pubs := rn.publics[dst]
			if len(pubs) == 0 || !pubs[0].Is4() {
				continue // who-can-reach walks the internet toward the public IPv4 address
			}
			pub := pubs[0]
			for _, src := range addrs {
				if !inet.Contains(src) || !src.Is4() {
					continue
				}
				a, err := e.Reach(pointQuery(src.String(), pub.String(), proto, port))
				if err != nil {
					t.Fatal(err)
				}
				checked++
				inSet := internet != nil && internet.Contains(src)
				if a.Reachable != inSet {
					t.Errorf("seed %d: %s -> %s (%s) %s/%d: point query reachable=%v, who-can-reach's internet sources hold it=%v",
						seed, src, pub, dst, proto, port, a.Reachable, inSet)
				}
			}
		}
	}
	t.Logf("%d packets checked, %d interface pairs reachable", checked, reachableN)
	if !testing.Short() && reachableN == 0 {
		t.Errorf("no interface pair is reachable: the generator is one-sided")
	}
}

// TestPropertyConnectionsAgreeWithPointQueries: every pair of interfaces
// (and the internet toward each) is connected on a port exactly when the
// point query between them is reachable — the walks of whole classes of
// interfaces toward every destination at once split exactly.
func TestPropertyConnectionsAgreeWithPointQueries(t *testing.T) {
	checked, reachableN := 0, 0
	for seed := range uint64(propertySeeds(t)) {
		rn := randomNetwork(seed)
		e := reach.New(rn.w.s)
		rng := rand.New(rand.NewPCG(seed, 4))
		all := reach.Group{Interfaces: rn.enis}
		for _, proto := range []string{"tcp", "udp", "icmp"} {
			q := pointQuery("", "", proto, 0)
			conns, err := e.Connections(all, reach.Group{Interfaces: rn.enis, Internet: true}, q.Protocol, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			fromInternet, err := e.Connections(reach.Group{Internet: true}, all, q.Protocol, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			holds := func(cs []reach.Connection, from, to string, port int) bool {
				for _, c := range cs {
					if c.From != from || c.To != to {
						continue
					}
					if proto == "icmp" {
						return true
					}
					for _, r := range c.Ports {
						if r.Contains(uint16(port)) {
							return true
						}
					}
				}
				return false
			}
			for _, a := range rn.enis {
				for _, b := range rn.enis {
					if a == b {
						continue
					}
					port := pick(rng, rn.ports)
					p, err := e.Reach(pointQuery(a, b, proto, port))
					if err != nil {
						t.Fatal(err)
					}
					checked++
					if p.Reachable {
						reachableN++
					}
					if want := holds(conns, a, b, port); p.Reachable != want {
						t.Errorf("seed %d: %s -> %s %s/%d: point query reachable=%v, connections hold it=%v\n%s",
							seed, a, b, proto, port, p.Reachable, want, p.Summary())
					}
				}
				// toward the internet (a host at 8.8.8.8 unless the rules split it)
				port := pick(rng, rn.ports)
				p, err := e.Reach(pointQuery(a, "internet", proto, port))
				if err != nil {
					t.Fatal(err)
				}
				checked++
				if want := holds(conns, a, "internet", port); p.Reachable != want {
					t.Errorf("seed %d: %s -> internet %s/%d: point query reachable=%v, connections hold it=%v\n%s",
						seed, a, proto, port, p.Reachable, want, p.Summary())
				}
				// from the internet
				q := pointQuery("internet", a, proto, port)
				if len(rn.publics[a]) == 0 {
					continue
				}
				p, err = e.Reach(q)
				if err != nil {
					t.Fatal(err)
				}
				checked++
				if want := holds(fromInternet, "internet", a, port); p.Reachable != want {
					t.Errorf("seed %d: internet -> %s %s/%d: point query reachable=%v, connections hold it=%v\n%s",
						seed, a, proto, port, p.Reachable, want, p.Summary())
				}
			}
		}
	}
	t.Logf("%d packets checked, %d interface pairs reachable", checked, reachableN)
	if !testing.Short() && reachableN == 0 {
		t.Errorf("no interface pair is reachable: the generator is one-sided")
	}
}
