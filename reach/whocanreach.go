package reach

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/vpcscope/vpcscope/model"
)

// WhoQuery asks which sources can reach a destination on a protocol/port.
type WhoQuery struct {
	To       string
	Protocol model.Protocol
	Port     int
	ICMP     *model.ICMPTypeCode
}

// Source is one sender that the destination's filters admit.
type Source struct {
	// Kind is network-interface, internet, on-premises (a network declared
	// with WithOnPrem, walked over its links) or addresses (a range with no
	// interface in the snapshot: another account, an undeclared network, ...).
	Kind     string   `json:"kind"`
	ID       string   `json:"id,omitempty"`
	Name     string   `json:"name,omitempty"`
	Instance string   `json:"instance,omitempty"`
	Subnet   string   `json:"subnet,omitempty"`
	IPs      []string `json:"ips"`
	// Summary describes IPs in words, for a set (the internet, addresses).
	Summary    string   `json:"summary,omitempty"`
	Groups     []string `json:"securityGroups,omitempty"`
	AdmittedBy string   `json:"admittedBy"`
	// Verdict is reachable, unreachable (the path fails elsewhere; see
	// Blocked) or unknown (the path cannot be checked from the snapshot).
	Verdict Outcome `json:"verdict"`
	Blocked *Block  `json:"blocked,omitempty"`
}

// WhoAnswer lists the sources that can reach a destination.
type WhoAnswer struct {
	To          string   `json:"to"`
	Destination Endpoint `json:"destination"`
	Protocol    string   `json:"protocol"`
	Port        *int     `json:"port,omitempty"`
	// Admitted is the set of source addresses the destination's security
	// groups and network ACL let in, before any path is checked, as CIDR
	// prefixes; AdmittedSummary says it in words.
	Admitted        []string `json:"admitted"`
	AdmittedSummary string   `json:"admittedSummary"`
	// Sources can reach the destination; Blocked are admitted by its
	// filters but fail elsewhere on the way.
	Sources []Source `json:"sources"`
	Blocked []Source `json:"blocked"`
	// Groups summarise the sources admitted by security group references:
	// per referenced group, how many of its members get through.
	Groups  []GroupSources `json:"groups"`
	Caveats []string       `json:"caveats"`
}

// GroupSources counts the members of a referenced security group that can
// reach the destination.
type GroupSources struct {
	GroupID string `json:"groupId"`
	Name    string `json:"name,omitempty"`
	// Rule is the destination's rule that references the group.
	Rule      string `json:"rule"`
	Reachable int    `json:"reachable"`
	Blocked   int    `json:"blocked"`
}

// WhoCanReach answers the inverse question: every source — interfaces in
// the snapshot, the internet, other address ranges — that can reach the
// destination on the protocol/port, exactly. The destination's own
// security groups and network ACL, applied to every address at once (the
// same stage functions a point query uses), bound the sources worth
// walking: every interface whose address can arrive there gets its own
// two-way walk, and the internet is walked as one set of addresses.
func (e *Engine) WhoCanReach(wq WhoQuery) (*WhoAnswer, error) {
	q := Query{From: "internet", To: wq.To, Protocol: wq.Protocol, Port: wq.Port, ICMP: wq.ICMP}
	if err := validate(&q); err != nil {
		return nil, err
	}
	dst, err := e.resolve(wq.To, false)
	if err != nil {
		return nil, err
	}
	if dst.internet || len(dst.enis) == 0 {
		return nil, inputErr("who-can-reach needs an instance, interface or load balancer, not %s", wq.To)
	}
	n := dst.enis[0]
	dp := point{ep: endpointFor(dst, n, n.PrimaryIP()), eni: n, addr: n.PrimaryIP(), addrs: addrOf(n.PrimaryIP()), lb: dst.lb, instanceDown: down(dst.instance)}
	ans := &WhoAnswer{To: wq.To, Destination: dp.ep, Protocol: wq.Protocol.String(),
		Admitted: []string{}, Sources: []Source{}, Blocked: []Source{}, Groups: []GroupSources{}, Caveats: []string{}}
	if wq.Protocol.HasPorts() {
		p := wq.Port
		ans.Port = &p
	}
	if len(dst.enis) > 1 {
		ans.Caveats = append(ans.Caveats, fmt.Sprintf("%s has %d interfaces; answered for %s", wq.To, len(dst.enis), n.ID))
	}
	fam := 0
	if !dp.addr.Is4() {
		fam = 1
	}
	// The destination's addresses, one per IP version, as a point query
	// names them: a source reaches the destination when either works.
	var dsts []point
	for _, a := range receiverAddrs(n, netip.Addr{}, false) {
		d := dp
		d.addr, d.addrs, d.ep.IP = a, addrOf(a), a.String()
		dsts = append(dsts, d)
	}
	var admitted addrs
	for _, d := range dsts {
		f := 0
		if !d.addr.Is4() {
			f = 1
		}
		admitted = admitted.union(e.admittedAt(n, queryPacket(q, addrsOf(e.allOf[f]), d.addrs)))
	}
	ans.Admitted, ans.AdmittedSummary = e.describeSet(admitted)

	// Interfaces whose packets can arrive from an admitted address: their
	// own private or public addresses, or — when the destination admits a
	// NAT gateway's or load balancer's address — a translated one, for the
	// interfaces whose path to the destination may cross a translator.
	translated := admitted.overlaps(e.translatorSet)
	mayTranslate := map[*model.RouteTable]bool{}
	for _, src := range e.snap.NetworkInterfaces {
		if src == n || e.natByENI[src.ID] != nil || e.lbByENI[src.ID] != nil || src.InterfaceType == "transit_gateway" {
			continue // managed interfaces do not start connections
		}
		if !holdsAny(src, admitted) {
			if !translated {
				continue
			}
			rt, _ := e.ix.SubnetRouteTable(src.SubnetID)
			m, ok := mayTranslate[rt]
			if !ok {
				m = e.pathMayTranslate(src.SubnetID, dp.addr)
				mayTranslate[rt] = m
			}
			if !m {
				continue
			}
		}
		var a *Answer
		var used netip.Addr
		for _, addr := range senderAddrs(src, netip.Addr{}) {
			sp := point{ep: Endpoint{Kind: "network-interface", ID: src.ID, Interface: src.ID, IP: addr.String()},
				eni: src, addr: addr, addrs: addrOf(addr), instanceDown: down(e.ix.Instance(src.InstanceID()))}
			for _, d := range dsts {
				if sp.addr.Is4() != d.addr.Is4() || sameInstance(sp, d) {
					continue
				}
				// only the verdict and the block are shown: no hops recorded
				var b *Answer
				if sameInstance(sp, d) {
					b = e.traceFlow(QueryEcho{}, sp, d, firstPacket(q, sp.addr, d.addr))
				} else {
					b = e.answerOf(QueryEcho{}, e.walkPaths(sp, d, firstPacket(q, sp.addr, d.addr), true))
				}
				if a == nil || b.Reachable || (!a.Reachable && len(b.Forward)+len(b.Return) > len(a.Forward)+len(a.Return)) {
					a, used = b, addr
				}
				if a.Reachable {
					break
				}
			}
			if a != nil && a.Reachable {
				break
			}
		}
		if a == nil {
			continue
		}
		ws := Source{Kind: "network-interface", ID: src.ID, Instance: src.InstanceID(), Subnet: src.SubnetID,
			IPs: []string{used.String()}, Groups: src.SecurityGroupIDs, AdmittedBy: e.admittedBy(n, q, used, dstOf(dsts, used)),
			Verdict: a.Verdict, Blocked: a.Blocked}
		if in := e.ix.Instance(src.InstanceID()); in != nil {
			ws.Name = in.Name()
		} else {
			ws.Name = src.Name()
		}
		if a.Reachable {
			ans.Sources = append(ans.Sources, ws)
		} else {
			ans.Blocked = append(ans.Blocked, ws)
		}
	}
	ans.Groups = e.groupSources(n, q, ans)

	// The internet, through the destination's public addresses, as one set.
	inet := e.internetAddrs[fam]
	if pubs := n.PublicIPs(); len(pubs) > 0 && fam == 0 && !inet.empty() {
		sp := point{ep: Endpoint{Kind: "internet"}, addrs: inet, addr: inet.witness(defaultInternetHost), internet: true}
		pd := dp
		pd.addr, pd.addrs = pubs[0], addrOf(pubs[0])
		req := queryPacket(q, sp.addrs, pd.addrs)
		paths := e.paths(sp, pd, req)
		got := delivered(req, paths)
		if !got.empty() {
			ips, summary := e.describeInternet(got.src())
			ws := got.srcAddr()
			ans.Sources = append(ans.Sources, Source{Kind: "internet", IPs: ips, Summary: summary,
				AdmittedBy: e.admittedBy(n, q, ws, dp.addr), Verdict: VerdictReachable})
		} else if in, _ := inet.split(admitted); !in.empty() {
			a := e.example(q, sp, pd, paths, got)
			ips, summary := e.describeInternet(in)
			ans.Blocked = append(ans.Blocked, Source{Kind: "internet", IPs: ips, Summary: summary,
				AdmittedBy: e.admittedBy(n, q, in.witness(defaultInternetHost), dp.addr), Verdict: a.Verdict, Blocked: a.Blocked})
		}
	}

	// Declared on-premises networks, each walked as one set over the VPN
	// and Direct Connect links.
	for i := range e.onprem {
		if src, ok := e.onPremSource(&e.onprem[i], q, dsts, admitted, n); ok {
			if src.Verdict == VerdictReachable {
				ans.Sources = append(ans.Sources, src)
			} else {
				ans.Blocked = append(ans.Blocked, src)
			}
		}
	}

	// Admitted addresses that no interface in the snapshot holds and that
	// are not on the internet: other accounts, on-premises, unused space.
	_, rest := admitted.split(e.interfaceAddrs)
	for _, inet := range e.internetAddrs {
		_, rest = rest.split(inet)
	}
	for _, n := range e.onprem {
		_, rest = rest.split(setOf(n.Prefixes...))
	}
	if !rest.empty() {
		ips, summary := e.describeSet(rest)
		ans.Sources = append(ans.Sources, Source{Kind: "addresses", IPs: ips, Summary: summary,
			AdmittedBy: e.admittedBy(n, q, rest.witness(netip.Addr{}), dp.addr), Verdict: VerdictUnknown})
		ans.Caveats = append(ans.Caveats, "some admitted addresses belong to no interface in the snapshot (other accounts, on-premises, or unused): their path is not checked")
	}
	return ans, nil
}

// holdsAny reports whether any address of the interface is in the set.
func holdsAny(n *model.NetworkInterface, a addrs) bool {
	for _, ip := range n.PrivateIPs {
		if a.contains(ip.Address) || (ip.PublicIP.IsValid() && a.contains(ip.PublicIP)) {
			return true
		}
	}
	for _, ip := range n.IPv6Addresses {
		if a.contains(ip) {
			return true
		}
	}
	return false
}

// dstOf returns the destination address of the same IP version as addr.
func dstOf(dsts []point, addr netip.Addr) netip.Addr {
	for _, d := range dsts {
		if d.addr.Is4() == addr.Is4() {
			return d.addr
		}
	}
	return netip.Addr{}
}

// pathMayTranslate reports whether packets from a subnet to dst may cross
// a NAT gateway or an appliance on the way, so that they arrive from
// another address than their own. It over-approximates (it only bounds
// the interfaces who-can-reach walks): a local or peering route delivers
// without translation, an internet gateway does not carry private
// destinations, and a transit gateway that hands the packet to the
// destination's own VPC, whose route for it is local, translates nothing.
func (e *Engine) pathMayTranslate(subnetID string, dst netip.Addr) bool {
	sn := e.ix.Subnet(subnetID)
	if sn == nil {
		return true
	}
	rt, _ := e.ix.SubnetRouteTable(sn.ID)
	if rt == nil {
		return true
	}
	pkt := pointPacket(model.ProtocolTCP, sn.CIDR.Addr(), dst, nil, nil, model.ICMPTypeCode{})
	p := e.routeParts(rt, pkt)[0]
	if p.route == nil || p.route.IsBlackhole() {
		return false
	}
	switch t := p.route.Target(); t.Kind {
	case model.TargetLocal, model.TargetVPCPeering, model.TargetInternetGateway, model.TargetEgressOnlyIGW:
		return false
	case model.TargetTransitGateway:
		att := e.tgwAttachmentOf[tgwVPC{t.ID, sn.VPCID}]
		if att == nil {
			return false // the packet cannot enter the transit gateway
		}
		rtID := e.associatedTable(t.ID, att)
		if rtID == "" {
			return false
		}
		tp := e.tgwRouteParts(rtID, pkt)[0]
		if tp.route == nil || tp.route.IsBlackhole() || len(tp.route.Attachments) == 0 {
			return false
		}
		out := e.ix.TGWAttachment(t.ID, tp.route.Attachments[0].AttachmentID)
		if out == nil || out.ResourceType != "vpc" {
			return true
		}
		owner := e.ix.SubnetFor(out.ResourceID, dst)
		if owner == nil {
			return true
		}
		for _, id := range out.SubnetIDs {
			exit := e.ix.Subnet(id)
			if exit == nil {
				return true
			}
			ert, _ := e.ix.SubnetRouteTable(exit.ID)
			if ert == nil {
				return true
			}
			ep := e.routeParts(ert, pkt)[0]
			if ep.route == nil {
				continue
			}
			if k := ep.route.Target().Kind; k != model.TargetLocal && !ep.route.IsBlackhole() {
				return true
			}
		}
		return false
	}
	return true
}

// admittedAt returns the source addresses an interface's own filters let
// in for the packets: its security groups' inbound rules and its subnet's
// network ACL inbound entries (traffic from inside the subnet crosses no
// ACL, nor does traffic a transit gateway delivers into its attachment's
// own subnet) — the stage functions every query uses.
func (e *Engine) admittedAt(n *model.NetworkInterface, pkt packet) addrs {
	src := pkt.src()
	if len(n.SecurityGroupIDs) > 0 {
		src = e.evalSecurityGroups(n, false, pkt).admitted.pkt.src()
	}
	sn := e.ix.Subnet(n.SubnetID)
	if sn == nil {
		return src
	}
	if acl := e.ix.SubnetNetworkACL(sn.ID); acl != nil && !e.hostsTGWAttachment(sn.ID) {
		allowed := e.acls[acl.ID].evaluate(false, pkt).allowed.pkt.src()
		inSubnet, _ := pkt.splitSrcPrefixes(append([]netip.Prefix{sn.CIDR}, sn.IPv6CIDRs...))
		in, _ := src.split(allowed.union(inSubnet.src()))
		src = in
	}
	return src
}

// admittedBy names the security group rule of the destination that admits
// packets from addr (the first, in group and rule order).
func (e *Engine) admittedBy(n *model.NetworkInterface, q Query, addr, dst netip.Addr) string {
	if len(n.SecurityGroupIDs) == 0 {
		return "no security group"
	}
	if !addr.IsValid() {
		return ""
	}
	d := e.evalSecurityGroups(n, false, firstPacket(q, addr, dst))
	if d.admitted.rule == nil {
		return ""
	}
	return d.admitted.group.ID + " " + sgRuleText(false, d.admitted.group, d.admitted.rule)
}

// groupSources tallies, for each of the destination's inbound rules that
// references a security group and covers the traffic, the members among
// the sources and the blocked.
func (e *Engine) groupSources(n *model.NetworkInterface, q Query, ans *WhoAnswer) []GroupSources {
	out := []GroupSources{}
	pkt := firstPacket(q, n.PrimaryIP(), n.PrimaryIP())
	for _, id := range n.SecurityGroupIDs {
		sg := e.ix.SecurityGroup(id)
		if sg == nil {
			continue
		}
		for i := range sg.Ingress {
			r := &sg.Ingress[i]
			if r.Group == nil || !ruleCovers(r, pkt) {
				continue
			}
			gs := GroupSources{GroupID: r.Group.GroupID, Rule: sg.ID + " " + sgRuleText(false, sg, r)}
			if g := e.ix.SecurityGroup(gs.GroupID); g != nil {
				gs.Name = g.Name()
			}
			for _, list := range []struct {
				srcs []Source
				n    *int
			}{{ans.Sources, &gs.Reachable}, {ans.Blocked, &gs.Blocked}} {
				for _, s := range list.srcs {
					if slices.Contains(s.Groups, gs.GroupID) {
						*list.n++
					}
				}
			}
			out = append(out, gs)
		}
	}
	return out
}

// onPremSource walks a declared on-premises network, as one set of
// addresses of the destination's IP version, to the destination: the part
// that gets through both ways, or, when none does, why the admitted part
// fails. ok is false when the destination's filters admit none of it.
func (e *Engine) onPremSource(net *OnPremNetwork, q Query, dsts []point, admitted addrs, n *model.NetworkInterface) (Source, bool) {
	for _, d := range dsts {
		var ps []netip.Prefix
		for _, p := range net.Prefixes {
			if p.Addr().Is4() == d.addr.Is4() {
				ps = append(ps, p)
			}
		}
		set := setOf(ps...)
		in, _ := set.split(admitted)
		if in.empty() {
			continue
		}
		sp := point{ep: Endpoint{Kind: "on-premises", ID: net.Name, Name: net.Name}, addrs: in, addr: in.witness(netip.Addr{}), onprem: net}
		req := queryPacket(q, sp.addrs, d.addrs)
		paths := e.paths(sp, d, req)
		src := Source{Kind: "on-premises", ID: net.Name, Name: net.Name}
		if got := delivered(req, paths); !got.empty() {
			src.IPs, src.Summary = e.describeSet(got.src())
			src.AdmittedBy, src.Verdict = e.admittedBy(n, q, got.srcAddr(), d.addr), VerdictReachable
			return src, true
		}
		a := e.example(q, sp, d, paths, req.with(nil))
		src.IPs, src.Summary = e.describeSet(in)
		src.AdmittedBy, src.Verdict, src.Blocked = e.admittedBy(n, q, in.witness(netip.Addr{}), d.addr), a.Verdict, a.Blocked
		return src, true
	}
	return Source{}, false
}
