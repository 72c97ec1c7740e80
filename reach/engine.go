// Package reach is vpcscope's reachability engine. Given a snapshot it
// answers "can A talk to B on protocol/port P" by walking the packet hop by
// hop through security groups, network ACLs, route tables, gateways,
// peering, transit gateways, endpoints and load balancers — forward and
// back — following AWS's documented forwarding semantics. Every hop says
// which resource and rule decided, so an answer explains itself. It also
// answers the inverse (WhoCanReach) and internet Exposure on address and
// port sets.
//
// The package is pure: it imports the model and netipx, never the AWS SDK
// or UI code. An Engine is immutable after New and safe for concurrent use.
package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/vpcscope/vpcscope/model"
	"go4.org/netipx"
)

// Engine answers reachability queries about one snapshot. Build it with New.
type Engine struct {
	ix   *model.Index
	snap *model.Snapshot

	acls        map[string]*compiledACL
	routeTables map[string][]compiledRoute
	tgwTables   map[string][]compiledTGWRoute

	// peerings maps "vpcA|vpcB" to the peering connections between them.
	peerings map[string][]*model.VPCPeering
	igwOf    map[string]*model.InternetGateway
	eigwOf   map[string]*model.EgressOnlyInternetGateway
	natByENI map[string]*model.NATGateway
	lbByENI  map[string]*model.LoadBalancer
	vpceByNI map[string]*model.VPCEndpoint
	tgByARN  map[string]*model.TargetGroup
	// tgwAttachmentOf maps a transit gateway and a VPC to the VPC's attachment.
	tgwAttachmentOf map[tgwVPC]*model.TGWAttachment
	// attSubnets are each transit gateway attachment's subnets in the
	// snapshot, in the attachment's order, with their hops' details.
	attSubnets map[*model.TGWAttachment][]tgwSubnet
	// servicePrefixLists are the AWS-managed lists (S3, DynamoDB, ...).
	servicePrefixLists []*model.PrefixList
	// internet is every public unicast address outside the snapshot's VPCs;
	// internetOf and allOf split it, and all addresses, by IP version
	// (index 0 IPv4, 1 IPv6); internetRanges are its ranges.
	internet       *netipx.IPSet
	internetOf     [2]*netipx.IPSet
	allAddrs       [2]addrs
	allOf          [2]*netipx.IPSet
	internetRanges []netipx.IPRange
	// retired maps the addresses of deleted NAT gateways to a description:
	// nothing answers there any more.
	retired    map[netip.Addr]string
	retiredSet addrs

	// prefixListSets holds each prefix list's entries as a set.
	prefixListSets map[string]addrs
	// groupMembers holds, per security group and member VPC, the private
	// addresses of the group's members.
	groupMembers map[string]map[string]addrs
	// publicByVPC lists each VPC's private IPv4 addresses that have a
	// public address, for the internet gateway's 1:1 NAT.
	publicByVPC map[string][]publicAddress
	// ownedPublicSet holds every public IPv4 address and IPv6 address of an
	// interface in the snapshot; privateSet and sharedSet the ranges the
	// internet does not route (sharedSet: RFC 6598 alone).
	ownedPublicSet addrs
	privateSet     addrs
	sharedSet      addrs
	// interfaceAddrs holds every address of every interface.
	interfaceAddrs addrs
	// translatorSet holds the addresses NAT gateways and load balancer
	// nodes send from: packets arriving from them may come from anywhere.
	translatorSet addrs
	// classes group the interfaces that every stage treats alike;
	// classOf finds an interface's class by its ID.
	subnetInfo map[*model.Subnet]*subnetInfo
	// ifaces holds the interfaces' records, filled on first use.
	ifaces *ifaceTable
	// groupMemberLists is groupMembers as lists, for the compact forms.
	groupMemberLists map[string][]vpcMembers
	// sgForms holds each security group's rules as evaluation reads them,
	// made on first use (an organization has 50,000 groups and 1,000,000
	// rules: making them all at build delayed the explorer's first frame).
	sgForms    map[*model.SecurityGroup]*onFirstUse[*sgForm]
	tgwByID    map[string]*model.TransitGateway
	tgwRouting map[tgwIngress]*tgwIngressInfo
	classes    []*ifaceClass
	classOf    map[*model.NetworkInterface]*ifaceClass
	vpcClasses map[string][]*ifaceClass
	// vpcOwners index the private addresses of each VPC's classes, for
	// ownersOfSpan (made on first use, per VPC; nil: not indexed).
	vpcOwners map[string]*ownerIndex
	// downInstances maps the IDs of the instances that are not running
	// to their state, for the class keys (downInstancesOf).
	downInstances map[string]string
	// internetAddrs is internetOf as address sets, for walks.
	internetAddrs [2]addrs
	// connViews are the path views of whole-network questions, built on
	// first use (connview.go). They sit behind a pointer so that a copy of
	// the engine (RedundantSGRules's probe) reads no field another
	// goroutine may be writing.
	connViews *lazyViews
	// scratch holds *hopScratch: the hop buffers point queries reuse
	// (traceFlow); behind a pointer like connViews.
	scratch *sync.Pool
	// ruleChanges remembers the last groupRuleChanges asked of the
	// engine (conndiff_shared.go); behind a pointer like connViews.
	ruleChanges *ruleChangeMemo

	// firewalls are the Network Firewall firewalls with their policies
	// compiled; fwByEndpoint maps a firewall endpoint (vpce-…) to its
	// firewall; endpointServices maps a service name to the endpoint
	// service this snapshot's accounts provide.
	firewalls        map[string]*compiledFirewall
	fwByEndpoint     map[string]*model.NetworkFirewall
	endpointServices map[string]*model.VPCEndpointService
	// hybrid holds the VPN and Direct Connect links, and onprem the
	// on-premises networks the engine was told of (WithOnPrem).
	hybrid hybridIndex
	onprem []OnPremNetwork
}

// publicAddress is a private IPv4 address with its public address.
type publicAddress struct {
	private, public netip.Addr
	eni             *model.NetworkInterface
}

// New indexes the snapshot and precomputes what every query needs: sorted
// network ACL entries, route tables with prefix lists expanded, transit
// gateway tables with propagated routes derived, and lookups from
// interfaces to the NAT gateways, load balancers and endpoints that own them.
func New(s *model.Snapshot) *Engine {
	// The indexes that read only the snapshot, or the model's index and
	// the gateway maps, are built beside the rest (an organization has
	// 200,000 interfaces: building them one after another was most of the
	// time to the explorer's first frame). Each goroutine writes only its
	// own fields; New waits for them before it returns.
	var side sync.WaitGroup
	var members map[string]map[string]addrs
	side.Go(func() { members = groupMembersOf(s) })
	ix := model.NewIndex(s)
	e := &Engine{
		ix:              ix,
		snap:            s,
		acls:            make(map[string]*compiledACL, len(s.NetworkACLs)),
		routeTables:     make(map[string][]compiledRoute, len(s.RouteTables)),
		tgwTables:       make(map[string][]compiledTGWRoute, len(s.TGWRouteTables)),
		peerings:        make(map[string][]*model.VPCPeering),
		igwOf:           make(map[string]*model.InternetGateway),
		eigwOf:          make(map[string]*model.EgressOnlyInternetGateway),
		natByENI:        make(map[string]*model.NATGateway),
		lbByENI:         make(map[string]*model.LoadBalancer),
		vpceByNI:        make(map[string]*model.VPCEndpoint),
		tgByARN:         make(map[string]*model.TargetGroup, len(s.TargetGroups)),
		tgwAttachmentOf: make(map[tgwVPC]*model.TGWAttachment),
		connViews:       &lazyViews{},
		scratch:         &sync.Pool{New: func() any { return new(hopScratch) }},
		ruleChanges:     &ruleChangeMemo{},
	}
	// The classes need only the interfaces the gateways, load balancers
	// and endpoints own and the instances' states: they are grouped
	// beside the rest as soon as those are known (they read, and the rest
	// does not write, natByENI, lbByENI, vpceByNI and downInstances).
	e.retired = make(map[netip.Addr]string)
	for _, g := range s.NATGateways {
		gone := g.State == "deleted" || g.State == "deleting" || g.State == "failed"
		for _, a := range g.Addresses {
			if a.NetworkInterfaceID != "" && !gone {
				e.natByENI[a.NetworkInterfaceID] = g
			}
			if gone && a.PublicIP.IsValid() {
				e.retired[a.PublicIP] = fmt.Sprintf("NAT gateway %s (%s)", g.ID, g.State)
			}
		}
	}
	for _, ep := range s.VPCEndpoints {
		for _, n := range ep.NetworkInterfaceIDs {
			e.vpceByNI[n] = ep
		}
	}
	e.indexLoadBalancerInterfaces()
	e.downInstances = downInstancesOf(ix)
	side.Go(e.indexClasses)
	for _, acl := range s.NetworkACLs {
		e.acls[acl.ID] = compileACL(acl)
	}
	for _, rt := range s.RouteTables {
		e.routeTables[rt.ID] = e.compileRouteTable(rt)
	}
	for _, p := range s.PrefixLists {
		if p.AWSManaged {
			e.servicePrefixLists = append(e.servicePrefixLists, p)
		}
	}
	for _, p := range s.VPCPeerings {
		k := pairKey(p.Requester.VPCID, p.Accepter.VPCID)
		e.peerings[k] = append(e.peerings[k], p)
	}
	for _, g := range s.InternetGateways {
		for _, a := range g.Attachments {
			if a.Attached() {
				e.igwOf[a.VPCID] = g
			}
		}
	}
	for _, g := range s.EgressOnlyInternetGateways {
		for _, a := range g.Attachments {
			if a.Attached() {
				e.eigwOf[a.VPCID] = g
			}
		}
	}
	for _, tg := range s.TargetGroups {
		e.tgByARN[tg.ID] = tg
	}
	e.attSubnets = make(map[*model.TGWAttachment][]tgwSubnet, len(s.TGWAttachments))
	for _, a := range s.TGWAttachments {
		var sns []tgwSubnet
		for _, id := range a.SubnetIDs {
			if sn := e.ix.Subnet(id); sn != nil {
				sns = append(sns, newAttSubnet(a, sn))
			}
		}
		e.attSubnets[a] = sns
		if a.ResourceType == "vpc" && a.IsAvailable() {
			e.tgwAttachmentOf[tgwVPC{a.TransitGatewayID, a.ResourceID}] = a
		}
	}
	for _, rt := range s.TGWRouteTables {
		e.tgwTables[rt.ID] = e.compileTGWRouteTable(rt)
	}
	e.prefixListSets = make(map[string]addrs, len(s.PrefixLists))
	for _, p := range s.PrefixLists {
		var ps []netip.Prefix
		for _, en := range p.Entries {
			ps = append(ps, en.CIDR)
		}
		e.prefixListSets[p.ID] = setOf(ps...)
	}
	e.firewalls = make(map[string]*compiledFirewall, len(s.NetworkFirewalls))
	e.fwByEndpoint = make(map[string]*model.NetworkFirewall)
	for _, fw := range s.NetworkFirewalls {
		e.firewalls[fw.ID] = e.compileFirewall(fw)
		for _, ep := range fw.Endpoints {
			if ep.EndpointID != "" {
				e.fwByEndpoint[ep.EndpointID] = fw
			}
		}
	}
	e.endpointServices = make(map[string]*model.VPCEndpointService, len(s.VPCEndpointServices))
	for _, svc := range s.VPCEndpointServices {
		e.endpointServices[svc.ServiceName] = svc
	}
	e.indexHybrid()
	e.indexLookups()
	e.publicByVPC = make(map[string][]publicAddress)
	var owned netipx.IPSetBuilder
	addresses := 0 // interfaceAddresses' count, public ones included
	for _, n := range s.NetworkInterfaces {
		addresses += len(n.PrivateIPs) + len(n.IPv6Addresses)
		for _, ip := range n.PrivateIPs {
			if ip.PublicIP.IsValid() {
				addresses++
				owned.Add(ip.PublicIP)
				e.publicByVPC[n.VPCID] = append(e.publicByVPC[n.VPCID], publicAddress{ip.Address, ip.PublicIP, n})
			}
		}
		for _, ip := range n.IPv6Addresses {
			owned.Add(ip)
		}
	}
	ownedSet, _ := owned.IPSet()
	e.ownedPublicSet = addrsOf(ownedSet)
	var translators []netip.Addr
	all := make([]netip.Addr, 0, addresses)
	for _, n := range s.NetworkInterfaces {
		all = interfaceAddresses(n, all, true)
		if e.natByENI[n.ID] != nil || e.lbByENI[n.ID] != nil {
			translators = interfaceAddresses(n, translators, true)
		}
	}
	e.translatorSet = addrsOfList(translators)
	e.interfaceAddrs = addrsOfList(all)
	var retired netipx.IPSetBuilder
	for a := range e.retired {
		retired.Add(a)
	}
	rs, _ := retired.IPSet()
	e.retiredSet = addrsOf(rs)
	e.privateSet, e.sharedSet = addrsOf(privateRanges), addrsOf(sharedRanges)
	var notInternet netipx.IPSetBuilder
	notInternet.AddSet(ownedSet)
	for _, pl := range e.servicePrefixLists {
		notInternet.AddSet(e.prefixListSets[pl.ID].ipset())
	}
	ni, _ := notInternet.IPSet()
	e.internet = internetSet(s, ni)
	e.internetRanges = e.internet.Ranges()
	for i, all := range []string{"0.0.0.0/0", "::/0"} {
		var b netipx.IPSetBuilder
		b.AddPrefix(netip.MustParsePrefix(all))
		e.allOf[i], _ = b.IPSet()
		e.internetOf[i] = intersect(e.internet, e.allOf[i])
		e.internetAddrs[i] = addrsOf(e.internetOf[i])
	}
	for i := range e.allOf {
		e.allAddrs[i] = addrsOf(e.allOf[i])
	}
	side.Wait()
	e.groupMembers = members
	e.ifaces.classOf = e.classOf
	e.indexGroupForms()
	return e
}

// Index returns the engine's index of the snapshot.
func (e *Engine) Index() *model.Index { return e.ix }

// Internet returns the set of internet addresses the engine's answers
// about "the internet" range over: public unicast addresses outside the
// snapshot's VPCs, less the public addresses of its own interfaces (they
// send as themselves) and the AWS service ranges of its managed prefix
// lists. The set is shared: do not modify it.
func (e *Engine) Internet() *netipx.IPSet { return e.internet }

// Snapshot returns the snapshot the engine answers about.
func (e *Engine) Snapshot() *model.Snapshot { return e.snap }

// indexLoadBalancerInterfaces finds the interfaces of each load balancer.
// AWS describes them as "ELB app/<name>/<id>" or "ELB net/<name>/<id>",
// the tail of the load balancer's ARN.
func (e *Engine) indexLoadBalancerInterfaces() {
	byTail := make(map[string]*model.LoadBalancer, len(e.snap.LoadBalancers))
	for _, lb := range e.snap.LoadBalancers {
		if _, tail, ok := strings.Cut(lb.ID, ":loadbalancer/"); ok {
			byTail[tail] = lb
		}
	}
	for _, n := range e.snap.NetworkInterfaces {
		if tail, ok := strings.CutPrefix(n.Description, "ELB "); ok {
			if lb := byTail[tail]; lb != nil {
				e.lbByENI[n.ID] = lb
			}
		}
	}
}

// loadBalancerInterfaces returns the interfaces of a load balancer.
func (e *Engine) loadBalancerInterfaces(lb *model.LoadBalancer) []*model.NetworkInterface {
	var out []*model.NetworkInterface
	for _, z := range lb.AvailabilityZones {
		for _, n := range e.ix.SubnetInterfaces(z.SubnetID) {
			if e.lbByENI[n.ID] == lb {
				out = append(out, n)
			}
		}
	}
	return out
}

// tgwVPC is a transit gateway and a VPC, by ID: the key of an attachment.
type tgwVPC struct{ tgw, vpc string }

func pairKey(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + "|" + b
}

// activePeering returns an active peering connection between two VPCs.
func (e *Engine) activePeering(a, b string) *model.VPCPeering {
	for _, p := range e.peerings[pairKey(a, b)] {
		if p.IsActive() {
			return p
		}
	}
	return nil
}

// reservedPrefixes are never on the public internet: RFC 1918, RFC 6598
// shared space, loopback, link-local, multicast and documentation-free
// special ranges (the documentation ranges stay: they make good examples).
var reservedPrefixes = []string{
	"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
	"172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/3",
	"::/8", "fc00::/7", "fe80::/10", "ff00::/8",
}

// reservedRanges are reservedPrefixes as a set: no host on the internet
// has an address there.
var reservedRanges = mustSet(reservedPrefixes...)

// privateRanges are the ranges the internet does not route (RFC 1918,
// RFC 4193, RFC 6598, loopback, link-local); sharedRanges is RFC 6598's
// carrier-grade NAT range alone. Both are immutable.
var (
	privateRanges = mustSet("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8",
		"169.254.0.0/16", "fc00::/7", "::1/128", "fe80::/10")
	sharedRanges = mustSet("100.64.0.0/10")
)

func mustSet(prefixes ...string) *netipx.IPSet {
	var b netipx.IPSetBuilder
	for _, p := range prefixes {
		b.AddPrefix(netip.MustParsePrefix(p))
	}
	s, err := b.IPSet()
	if err != nil {
		panic(err)
	}
	return s
}

// isPrivate reports whether addr is in a range the internet does not route
// (RFC 1918, RFC 6598, link-local, ...).
func isPrivate(addr netip.Addr) bool { return privateRanges.Contains(addr) }

// internetSet returns every internet address a host outside the snapshot
// may have: public unicast addresses outside the snapshot's VPCs, less
// those in notInternet — the addresses of the snapshot's own interfaces
// (they send as themselves) and of AWS services behind managed prefix
// lists (reached through endpoints, and never the start of a connection).
func internetSet(s *model.Snapshot, notInternet *netipx.IPSet) *netipx.IPSet {
	var b netipx.IPSetBuilder
	b.AddPrefix(netip.MustParsePrefix("0.0.0.0/0"))
	b.AddPrefix(netip.MustParsePrefix("::/0"))
	for _, p := range reservedPrefixes {
		b.RemovePrefix(netip.MustParsePrefix(p))
	}
	for _, v := range s.VPCs {
		for _, p := range slices.Concat(v.CIDRs, v.IPv6CIDRs) {
			b.RemovePrefix(p.Masked())
		}
	}
	b.RemoveSet(notInternet)
	set, _ := b.IPSet()
	return set
}

// vpcPrefixes returns a VPC's IPv4 and IPv6 CIDRs.
func (e *Engine) vpcPrefixes(vpcID string) []netip.Prefix {
	if v := e.ix.VPC(vpcID); v != nil {
		return slices.Concat(v.CIDRs, v.IPv6CIDRs)
	}
	return nil
}

// interfaceAddressSet returns every address of an interface: private,
// public and IPv6 (the addresses model.NetworkInterface.HasAddress holds).
func interfaceAddressSet(n *model.NetworkInterface) addrs {
	return addrsOfList(interfaceAddresses(n, nil, true))
}

// interfaceAddresses appends an interface's private and IPv6 addresses
// (and, with public, its public IPv4 addresses) to out.
func interfaceAddresses(n *model.NetworkInterface, out []netip.Addr, public bool) []netip.Addr {
	for _, ip := range n.PrivateIPs {
		out = append(out, ip.Address)
		if public && ip.PublicIP.IsValid() {
			out = append(out, ip.PublicIP)
		}
	}
	return append(out, n.IPv6Addresses...)
}

// addrsOfList returns the set of the addresses (which it may reorder).
func addrsOfList(list []netip.Addr) addrs {
	list = slices.DeleteFunc(list, func(a netip.Addr) bool { return !a.IsValid() })
	switch len(list) {
	case 0:
		return addrs{}
	case 1:
		return addrOf(list[0])
	}
	slices.SortFunc(list, netip.Addr.Compare)
	list = slices.Compact(list)
	var rs []netipx.IPRange
	for _, a := range list {
		if n := len(rs); n > 0 && rs[n-1].To().Next() == a && a.Is4() == rs[n-1].To().Is4() {
			rs[n-1] = netipx.IPRangeFrom(rs[n-1].From(), a)
			continue
		}
		rs = append(rs, netipx.IPRangeFrom(a, a))
	}
	return fromRanges(rs)
}
