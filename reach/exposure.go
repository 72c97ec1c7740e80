package reach

import (
	"cmp"
	"fmt"
	"net/netip"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/vpcscope/vpcscope/model"
)

// ExposureOptions narrows an exposure report.
type ExposureOptions struct {
	// Port limits the report to one TCP/UDP port; 0 means every port.
	Port int
}

// Exposed is one interface (or load balancer) reachable from the internet
// on a protocol and set of ports, from an exact set of internet addresses,
// with the path that proves it. When different ports admit different
// sources, each (ports, sources) pair is its own entry.
type Exposed struct {
	// Kind is network-interface or load-balancer.
	Kind     string `json:"kind"`
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Instance string `json:"instance,omitempty"`
	PublicIP string `json:"publicIp"`
	Protocol string `json:"protocol"`
	// Ports are the TCP/UDP ports open end to end, as text ("" for ICMP)
	// and as ranges.
	Ports      string            `json:"-"`
	PortRanges []model.PortRange `json:"ports,omitempty"`
	// ICMP is the ICMP message checked (echo request), for ICMP.
	ICMP string `json:"icmp,omitempty"`
	// Sources are the internet addresses that get through both ways, as
	// CIDR prefixes; SourceSummary says the same in words.
	Sources       []string `json:"sources"`
	SourceSummary string   `json:"sourceSummary"`
	// Rule is the security group rule (or listener) that opens it.
	Rule string `json:"rule"`
	// Group and RuleIndex locate that security group rule (RuleIndex is
	// the position in the group's inbound rules); empty for a listener.
	Group     string `json:"group,omitempty"`
	RuleIndex int    `json:"ruleIndex,omitempty"`
	// Path is the forward path of an example packet from the sources.
	Path []Hop `json:"path"`
	// OnPrem names the declared on-premises network the sources are in, for
	// an exposure to a network beyond a VPN or Direct Connect link (then
	// PublicIP is empty and Address is the private address reached).
	OnPrem  string `json:"onPrem,omitempty"`
	Address string `json:"address,omitempty"`
}

// ExposureReport lists everything reachable from the internet.
type ExposureReport struct {
	Exposed []Exposed `json:"exposed"`
	// Checked counts the interfaces with a public address that were checked.
	Checked int      `json:"checked"`
	Caveats []string `json:"caveats"`
}

// Exposure finds every interface and load balancer reachable from the
// internet, on which ports and from which addresses, exactly: for each
// public address it walks the set of all internet addresses × every port
// of each protocol through the same stages as a point query, both ways,
// and reports the packets that get through.
func (e *Engine) Exposure(opts ExposureOptions) *ExposureReport {
	return e.exposure(opts, nil, nil)
}

// exposure is Exposure, where walk (when not nil) names the interfaces
// walked: the entries of every other interface are taken from prev, and
// load balancers and on-premises networks are checked whole. The final
// stable sort puts the entries in the order of a full run: all entries of
// an interface come from one side, in the order they were found, and
// interfaces' entries precede those of load balancers and on-premises
// networks, as they do in a full run (see ExposureSince).
func (e *Engine) exposure(opts ExposureOptions, prev *ExposureReport, walk map[string]bool) *ExposureReport {
	rep := &ExposureReport{Exposed: []Exposed{}, Caveats: []string{}}
	var checked []*model.NetworkInterface
	for _, n := range e.snap.NetworkInterfaces {
		if len(n.PublicIPs()) == 0 && len(n.IPv6Addresses) == 0 {
			continue
		}
		if e.natByENI[n.ID] != nil || e.lbByENI[n.ID] != nil {
			continue // NAT gateways accept nothing; load balancers go by listener below
		}
		checked = append(checked, n)
	}
	rep.Checked = len(checked)
	if walk != nil {
		for _, x := range prev.Exposed {
			if x.Kind == "network-interface" && x.OnPrem == "" && !walk[x.ID] {
				rep.Exposed = append(rep.Exposed, x)
			}
		}
		checked = slices.DeleteFunc(checked, func(n *model.NetworkInterface) bool { return !walk[n.ID] })
	}
	// Interfaces are independent questions of an immutable engine: they
	// are walked on every CPU, each into its own slot, and joined in
	// snapshot order, so the report is the same as a sequential one.
	run := newExposureRun()
	found := make([][]Exposed, len(checked))
	parallelFor(runtime.GOMAXPROCS(0), len(checked), func(i int) {
		found[i] = e.exposeInterface(run, checked[i], checked[i].PublicIPs(), opts)
	})
	for _, f := range found {
		rep.Exposed = append(rep.Exposed, f...)
	}
	for _, lb := range e.snap.LoadBalancers {
		if lb.IsInternetFacing() {
			rep.Exposed = append(rep.Exposed, e.exposeLoadBalancer(lb, opts)...)
		}
	}
	for i := range e.onprem {
		rep.Exposed = append(rep.Exposed, e.exposeToOnPrem(&e.onprem[i], opts)...)
	}
	sortExposed(rep.Exposed)
	for _, g := range e.snap.Gaps {
		if g.Kind == model.KindSecurityGroup || g.Kind == model.KindNetworkACL || g.Kind == model.KindNetworkInterface ||
			g.Kind == model.KindLoadBalancer || g.Kind == model.KindRouteTable || g.Kind == model.KindInternetGateway {
			rep.Caveats = appendUnique(rep.Caveats, fmt.Sprintf("%s: exposure may be incomplete", g))
		}
	}
	return rep
}

// sortExposed orders entries by resource, protocol and ports, keeping the
// order of entries alike.
// It sorts positions and then moves each entry once: a stable sort of
// the entries themselves moves large structs O(n log² n) times.
func sortExposed(xs []Exposed) {
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		a, b := &xs[i], &xs[j]
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Protocol, b.Protocol), cmp.Compare(a.Ports, b.Ports))
	})
	sorted := make([]Exposed, len(xs))
	for k, i := range order {
		sorted[k] = xs[i]
	}
	copy(xs, sorted)
}

// exposureProbe is one protocol to ask about, over its whole port range.
type exposureProbe struct {
	proto model.Protocol
	icmp  model.ICMPTypeCode
	ports portSet
}

// exposureProbes lists the protocols to check toward an address: TCP and
// UDP over every port (or the one asked for), ICMP echo, and any other
// protocol a security group rule of the interface names.
func exposureProbes(n *model.NetworkInterface, v4 bool, opts ExposureOptions, groups func(string) *model.SecurityGroup) []exposureProbe {
	ports := portsOf(model.AllPorts)
	if opts.Port != 0 {
		ports = portsOf(model.SinglePort(uint16(opts.Port)))
	}
	out := []exposureProbe{{proto: model.ProtocolTCP, ports: ports}, {proto: model.ProtocolUDP, ports: ports}}
	if opts.Port != 0 {
		return out
	}
	if v4 {
		out = append(out, exposureProbe{proto: model.ProtocolICMP, icmp: model.ICMPEchoRequest})
	} else {
		out = append(out, exposureProbe{proto: model.ProtocolICMPv6, icmp: model.ICMPv6EchoRequest})
	}
	seen := map[model.Protocol]bool{}
	if n == nil {
		return out
	}
	for _, id := range n.SecurityGroupIDs {
		sg := groups(id)
		if sg == nil {
			continue
		}
		for _, r := range sg.Ingress {
			p := r.Protocol
			if p == model.ProtocolAll || p.HasPorts() || p.IsICMP() || seen[p] {
				continue
			}
			seen[p] = true
			out = append(out, exposureProbe{proto: p})
		}
	}
	return out
}

func (e *Engine) exposeInterface(run *exposureRun, n *model.NetworkInterface, pubs []netip.Addr, opts ExposureOptions) []Exposed {
	var out []Exposed
	dsts := append(slices.Clone(pubs), n.IPv6Addresses...)
	dp := point{ep: Endpoint{Kind: "network-interface", ID: n.ID}, eni: n, instanceDown: down(e.ix.Instance(n.InstanceID()))}
	for _, dst := range dsts {
		fam := 0
		if !dst.Is4() {
			fam = 1
		}
		inet := e.internetAddrs[fam]
		if inet.empty() {
			continue
		}
		sp := point{ep: Endpoint{Kind: "internet"}, addrs: inet, addr: inet.witness(netip.Addr{}), internet: true}
		d := dp
		d.addr, d.addrs, d.ep.IP = dst, addrOf(dst), dst.String()
		for _, probe := range exposureProbes(n, dst.Is4(), opts, e.ix.SecurityGroup) {
			if !e.admitsAnyFromInternet(run, n, fam, sp, d, probe) {
				continue
			}
			got := e.exposedBySharing(sp, d, probe, run.share())
			for _, part := range e.byAdmittingRule(n, dst, got) {
				for _, g := range groupByPorts(part.pkt) {
					x := e.exposedEntry(run, sp, d, probe, g)
					x.Kind, x.ID, x.Instance, x.PublicIP = "network-interface", n.ID, n.InstanceID(), dst.String()
					if in := e.ix.Instance(n.InstanceID()); in != nil {
						x.Name = in.Name()
					}
					if part.rule != nil {
						x.Rule, x.Group, x.RuleIndex = part.group.ID+" "+sgRuleText(false, part.group, part.rule), part.group.ID, part.index
					}
					out = append(out, x)
				}
			}
		}
	}
	return out
}

// admitsAny reports whether the interface's security groups admit any of
// the probe's packets from the internet: every packet the internet
// delivers to the interface crosses them with its source unchanged, so
// when they admit none there is nothing to walk.
func (e *Engine) admitsAny(n *model.NetworkInterface, sp, dp point, probe exposureProbe) bool {
	if len(n.SecurityGroupIDs) == 0 {
		return true
	}
	priv := dp.addr
	if p, ok := n.PrivateIPFor(dp.addr); ok {
		priv = p
	}
	q := Query{Protocol: probe.proto, ports: probe.ports}
	pkt := queryPacket(q, sp.addrs, addrOf(priv))
	pkt.icmp = probe.icmp
	d := e.evalSecurityGroups(n, false, pkt)
	return !d.admitted.pkt.empty() || len(d.missing) > 0 || len(d.unknown) > 0
}

// admitsAnyFromInternet is admitsAny for the whole internet of one IP
// version as the source (sp), answered group by group and kept per
// group for the rest of the run: the groups admit some packet of a set
// exactly when one of their rules matches one (a packet an earlier rule
// took is admitted by that rule), so the union of what each group
// admits alone is empty exactly when what they admit together is. A
// group's answer depends only on its rules, the interface's VPC (rules
// that name a group stand for its members there) and the probe.
func (e *Engine) admitsAnyFromInternet(run *exposureRun, n *model.NetworkInterface, fam int, sp, dp point, probe exposureProbe) bool {
	groups, missing := e.groupsOf(n)
	if run == nil || len(n.SecurityGroupIDs) == 0 || len(missing) > 0 {
		return e.admitsAny(n, sp, dp, probe)
	}
	priv := dp.addr
	if p, ok := n.PrivateIPFor(dp.addr); ok {
		priv = p
	}
	var pkt packet
	for _, sg := range groups {
		k := groupProbe{sg: sg, vpc: n.VPCID, proto: probe.proto, icmp: probe.icmp, fam: fam}
		run.mu.Lock()
		admits, seen := run.admits[k]
		run.mu.Unlock()
		if !seen {
			if pkt.spans == nil {
				q := Query{Protocol: probe.proto, ports: probe.ports}
				pkt = queryPacket(q, sp.addrs, addrOf(priv))
				pkt.icmp = probe.icmp
			}
			admits = e.groupAdmitsAny(sg, n.VPCID, pkt)
			run.mu.Lock()
			run.admits[k] = admits
			run.mu.Unlock()
		}
		if admits {
			return true
		}
	}
	return false
}

// groupAdmitsAny reports whether one security group's inbound rules, seen
// from an interface in vpcID, match any of the packets (or name a prefix
// list the snapshot lacks, which leaves the answer unknown): the rule
// loop of evalSecurityGroupsVia for one group, stopping at the first match.
// The packets' destination does not matter: inbound rules match the source
// and the destination port.
func (e *Engine) groupAdmitsAny(sg *model.SecurityGroup, vpcID string, pkt packet) bool {
	if pkt.empty() {
		return false
	}
	ports := pkt.proto.HasPorts()
	dstPorts := pkt.dstPorts()
	rules := sg.Rules(false)
	for i := range rules {
		r := &rules[i]
		if !ruleCoversPorts(r, pkt, dstPorts) {
			continue
		}
		peers, ok := e.rulePeers(r, vpcID, false, pkt.forwarded, nil)
		if !ok {
			return true
		}
		for _, s := range pkt.spans {
			if _, _, hit := matchSpan(s, false, peers.splitAddrs, r.Ports(), ports, nil); hit {
				return true
			}
		}
	}
	return false
}

// exposureRun is what one Exposure shares between the interfaces it
// checks, on every worker: whether a security group admits anything from
// the internet, and the wording of the source sets described so far.
type exposureRun struct {
	mu        sync.Mutex
	admits    map[groupProbe]bool
	described map[uint64][]describedSet
	walks     walkShare
}

// share returns what the run's walks share (nil for a nil run).
func (run *exposureRun) share() *walkShare {
	if run == nil {
		return nil
	}
	return &run.walks
}

type groupProbe struct {
	sg    *model.SecurityGroup
	vpc   string
	proto model.Protocol
	icmp  model.ICMPTypeCode
	fam   int
}

type describedSet struct {
	set      addrs
	prefixes []string
	summary  string
}

func newExposureRun() *exposureRun {
	return &exposureRun{admits: map[groupProbe]bool{}, described: map[uint64][]describedSet{},
		walks: walkShare{acl: map[aclShareKey]aclResult{}}}
}

// describeInternet is Engine.describeInternet, remembered per set (the
// same few source sets recur across thousands of entries); a nil run
// remembers nothing. Each caller gets its own prefix slice.
func (run *exposureRun) describeInternet(e *Engine, a addrs) ([]string, string) {
	if run == nil {
		return e.describeInternet(a)
	}
	h := a.hash()
	run.mu.Lock()
	for _, d := range run.described[h] {
		if d.set.equal(a) {
			run.mu.Unlock()
			return slices.Clone(d.prefixes), d.summary
		}
	}
	run.mu.Unlock()
	prefixes, summary := e.describeInternet(a)
	run.mu.Lock()
	run.described[h] = append(run.described[h], describedSet{set: a, prefixes: prefixes, summary: summary})
	run.mu.Unlock()
	return slices.Clone(prefixes), summary
}

// exposedBy walks every internet address × the probe's ports toward the
// destination, both ways, and returns the request packets that get through.
func (e *Engine) exposedBy(sp, dp point, probe exposureProbe) packet {
	return e.exposedBySharing(sp, dp, probe, nil)
}

// exposedBySharing is exposedBy with its walks sharing what share keeps.
func (e *Engine) exposedBySharing(sp, dp point, probe exposureProbe, share *walkShare) packet {
	q := Query{Protocol: probe.proto, ports: probe.ports}
	if probe.proto.IsICMP() {
		icmp := probe.icmp
		q.ICMP = &icmp
	}
	pkt := queryPacket(q, sp.addrs, dp.addrs)
	_, one := pkt.singleSrc()
	_, oneDst := pkt.singleDst()
	return delivered(pkt, e.walkPathsSharing(sp, dp, pkt, !one || !oneDst, share))
}

// exposedEntry fills in an exposure entry for one group of ports and
// sources: the exact sets, and the path of an example packet.
func (e *Engine) exposedEntry(run *exposureRun, sp, dp point, probe exposureProbe, g portGroup) Exposed {
	x := Exposed{Protocol: probe.proto.String(), Ports: g.ports.String()}
	if probe.proto.HasPorts() {
		x.PortRanges = slices.Clone(g.ports)
	} else {
		x.Ports = ""
	}
	if probe.proto.IsICMP() {
		x.ICMP = icmpName(probe.icmp)
	}
	if sp.onprem != nil {
		x.Sources, x.SourceSummary = e.describeSet(g.src)
	} else {
		x.Sources, x.SourceSummary = run.describeInternet(e, g.src)
	}
	ws := g.src.witness(sp.prefer())
	q := Query{Protocol: probe.proto}
	if probe.proto.HasPorts() {
		q.Port = int(g.ports[0].From)
	}
	if probe.proto.IsICMP() {
		icmp := probe.icmp
		q.ICMP = &icmp
	}
	s := sp.at(ws)
	pkt := firstPacket(q, s.addr, dp.addr)
	if run != nil {
		if hops, ok := e.forwardTrace(s, dp, pkt); ok {
			x.Path = hops
			return x
		}
	}
	x.Path = e.traceFlow(echo(q, s, dp), s, dp, pkt).Forward
	return x
}

// byAdmittingRule splits exposed request packets by the security group
// rule of the interface that admits them (the first, in group and rule
// order), so that each part names the rule that opens it.
func (e *Engine) byAdmittingRule(n *model.NetworkInterface, dst netip.Addr, got packet) []sgPart {
	if got.empty() {
		return nil
	}
	if len(n.SecurityGroupIDs) == 0 {
		return []sgPart{{pkt: got, index: -1}}
	}
	priv := dst
	if p, ok := n.PrivateIPFor(dst); ok {
		priv = p
	}
	return e.evalSecurityGroupsVia(n, false, got.withDst(priv), nil, true).parts
}

func (e *Engine) exposeLoadBalancer(lb *model.LoadBalancer, opts ExposureOptions) []Exposed {
	var out []Exposed
	for _, probe := range exposureProbes(nil, true, opts, e.ix.SecurityGroup) {
		if !probe.proto.HasPorts() {
			continue // load balancers answer their listeners' ports only
		}
		for fam := range 2 { // a dual-stack load balancer answers on its nodes' IPv6 addresses too
			var got packet
			var publicIP string
			var dpFirst point
			var sp point
			for _, node := range e.loadBalancerInterfaces(lb) {
				pubs := node.PublicIPs()
				if fam == 1 {
					pubs = node.IPv6Addresses
				}
				for _, pub := range pubs {
					inet := addrsOf(e.internetOf[fam])
					sp = point{ep: Endpoint{Kind: "internet"}, addrs: inet, addr: inet.witness(netip.Addr{}), internet: true}
					dp := point{ep: Endpoint{Kind: "load-balancer", ID: lb.ID, IP: pub.String()}, eni: node, addr: pub, addrs: addrOf(pub), lb: lb}
					d := e.exposedBy(sp, dp, probe)
					if !d.empty() && publicIP == "" {
						publicIP, dpFirst = pub.String(), dp
					}
					got = got.union(d)
				}
			}
			if got.empty() {
				continue
			}
			for _, g := range groupByPorts(got) {
				x := e.exposedEntry(nil, sp, dpFirst, probe, g)
				x.Kind, x.ID, x.Name, x.PublicIP = "load-balancer", lb.ID, lb.LoadBalancerName, publicIP
				for _, l := range lb.Listeners {
					if g.ports.intersect(portSet{model.SinglePort(uint16(l.Port))}).empty() || !listenerCarries(l.Protocol, probe.proto) {
						continue
					}
					if x.Rule != "" {
						x.Rule += ", "
					}
					x.Rule += fmt.Sprintf("listener %s:%d", l.Protocol, l.Port)
				}
				out = append(out, x)
			}
		}
	}
	return out
}

// exposeToOnPrem lists what a declared on-premises network reaches: every
// interface of a VPC that a VPN or Direct Connect link leads into, walked
// from the network's IPv4 addresses × every port of each protocol to the
// interface's private address, both ways, as for the internet.
func (e *Engine) exposeToOnPrem(net *OnPremNetwork, opts ExposureOptions) []Exposed {
	var ps []netip.Prefix
	for _, p := range net.Prefixes {
		if p.Addr().Is4() {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		return nil
	}
	set := setOf(ps...)
	sp := point{ep: Endpoint{Kind: "on-premises", ID: net.Name, Name: net.Name}, addrs: set, addr: set.witness(netip.Addr{}), onprem: net}
	linked := map[string]bool{}
	var out []Exposed
	for _, n := range e.snap.NetworkInterfaces {
		if managedOwner(n) != "" || n.InterfaceType == "transit_gateway" || e.natByENI[n.ID] != nil || e.lbByENI[n.ID] != nil {
			continue
		}
		has, seen := linked[n.VPCID]
		if !seen {
			has = len(e.entryLinks(n.VPCID)) > 0
			linked[n.VPCID] = has
		}
		dst := n.PrimaryIP()
		if !has || !dst.IsValid() {
			continue
		}
		d := point{ep: Endpoint{Kind: "network-interface", ID: n.ID, IP: dst.String()}, eni: n, addr: dst, addrs: addrOf(dst),
			instanceDown: down(e.ix.Instance(n.InstanceID()))}
		for _, probe := range exposureProbes(n, true, opts, e.ix.SecurityGroup) {
			if !e.admitsAny(n, sp, d, probe) {
				continue
			}
			got := e.exposedBy(sp, d, probe)
			for _, part := range e.byAdmittingRule(n, dst, got) {
				for _, g := range groupByPorts(part.pkt) {
					x := e.exposedEntry(nil, sp, d, probe, g)
					x.Kind, x.ID, x.Instance, x.OnPrem, x.Address = "network-interface", n.ID, n.InstanceID(), net.Name, dst.String()
					if in := e.ix.Instance(n.InstanceID()); in != nil {
						x.Name = in.Name()
					}
					if part.rule != nil {
						x.Rule, x.Group, x.RuleIndex = part.group.ID+" "+sgRuleText(false, part.group, part.rule), part.group.ID, part.index
					}
					out = append(out, x)
				}
			}
		}
	}
	return out
}

// parallelFor runs job(0) … job(n-1) on up to workers goroutines, each
// taking the next index as it frees up, and returns when all are done.
func parallelFor(workers, n int, job func(i int)) {
	if workers <= 1 || n <= 1 {
		for i := range n {
			job(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				job(i)
			}
		})
	}
	wg.Wait()
}
