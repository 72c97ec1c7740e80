package reach

import (
	"cmp"
	"fmt"
	"net/netip"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// maxSteps bounds a walk so that a routing loop ends with a verdict.
const maxSteps = 64

// walker carries one direction of a flow through the network, recording a
// hop for every component it crosses. Each method returns the arrival, or
// nil when the packet was dropped (then block says where and why).
type walker struct {
	e     *Engine
	dir   Direction
	flow  *flow
	hops  []Hop
	block *Block
	// unverified lists hops whose data was missing; with no block, they
	// make the verdict unknown instead of reachable.
	unverified []string
	steps      int
	// blockUnknown is set when the walk stopped because data was missing.
	blockUnknown bool
}

// arrivalKind says where a packet ended up.
type arrivalKind int

const (
	arrivedInterface arrivalKind = iota // a network interface that owns the address
	arrivedInternet                     // a host on the internet
	arrivedService                      // an AWS service behind a prefix list
)

// arrival is where a walk delivered its packet, and the packet as delivered.
type arrival struct {
	kind arrivalKind
	eni  *model.NetworkInterface
	pkt  packet
	// viaEndpointVPC is set when an AWS service was reached through a
	// gateway endpoint of that VPC; its reply comes back the same way.
	viaEndpointVPC string
	// lb is the load balancer a flow crossed to reach its target.
	lb *lbLeg
}

// flow is the state stateful components keep between the request and the
// reply: which interfaces' security groups admitted it, the translations
// NAT and internet gateways made, the transit gateway AZs it used.
type flow struct {
	sgSeen map[string]bool
	nats   []natRecord
	eigw   map[string]bool
	// tgwAZ records the AZ a request left each transit gateway attachment in.
	tgwAZ   map[string]string
	lb      *lbLeg
	caveats []string
}

type natRecord struct {
	nat   *model.NATGateway
	natIP netip.Addr
	// remote is the destination the NAT gateway sent to: only packets
	// from it, in the reply direction, are translated back.
	remote    netip.Addr
	origSrc   netip.Addr
	origPorts portSet
}

func newFlow() *flow {
	return &flow{sgSeen: map[string]bool{}, eigw: map[string]bool{}, tgwAZ: map[string]string{}}
}

func (f *flow) caveat(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	for _, c := range f.caveats {
		if c == s {
			return
		}
	}
	f.caveats = append(f.caveats, s)
}

func (w *walker) step() bool {
	w.steps++
	if w.steps > maxSteps {
		w.deny(Hop{Layer: LayerRouteTable, Resource: "routing-loop", Code: "NO_PATH"}, packet{},
			fmt.Sprintf("the packet crossed %d components without arriving: a routing loop", maxSteps))
		return false
	}
	return true
}

// record appends a hop, filling in the packet and the resource's name.
func (w *walker) record(h Hop, pkt packet) {
	if pkt.src.IsValid() {
		h.Packet = pkt.String()
	}
	if h.Name == "" && h.Resource != "" {
		if r, ok := w.e.ix.Resource(h.Resource); ok {
			h.Name = r.Base().Name()
		}
	}
	w.hops = append(w.hops, h)
}

// deny records a dropping hop and the block it implies, and returns nil so
// callers can `return w.deny(...)`.
func (w *walker) deny(h Hop, pkt packet, reason string) *arrival {
	h.Verdict = Deny
	if h.Detail == "" {
		h.Detail = reason
	}
	w.record(h, pkt)
	w.block = &Block{Layer: h.Layer, Resource: h.Resource, Rule: h.Rule, Direction: w.dir,
		Code: h.Code, Reason: reason, Ref: h.Ref}
	return nil
}

// unknown records a hop the snapshot cannot decide and stops the walk: the
// answer will say so rather than guess.
func (w *walker) unknown(h Hop, pkt packet, reason string) *arrival {
	h.Verdict = Unknown
	h.Detail = reason
	w.record(h, pkt)
	w.unverified = append(w.unverified, reason)
	w.blockUnknown = true
	w.block = &Block{Layer: h.Layer, Resource: h.Resource, Rule: h.Rule, Direction: w.dir,
		Code: cmp.Or(h.Code, "UNKNOWN_RESOURCE"), Reason: reason}
	return nil
}

// gapReason returns why a kind was not collected in the resource's scope,
// or "" when it was.
func (w *walker) gapReason(kind model.Kind, m *model.Meta) string {
	gaps := w.e.snap.GapsFor(kind, m.Account, m.Region)
	if len(gaps) == 0 {
		return ""
	}
	return gaps[0].String()
}

// subnet returns the interface's subnet, or nil after recording why not.
func (w *walker) subnetOf(n *model.NetworkInterface, pkt packet) *model.Subnet {
	sn := w.e.ix.Subnet(n.SubnetID)
	if sn == nil {
		w.unknown(Hop{Layer: LayerInterface, Resource: n.ID}, pkt,
			fmt.Sprintf("subnet %s of %s is not in the snapshot", n.SubnetID, n.ID))
	}
	return sn
}

// sdcApplies reports whether the source/destination check is the
// interface's own setting to enforce: instance interfaces, not the managed
// ones of NAT gateways, load balancers, endpoints or transit gateways.
func sdcApplies(n *model.NetworkInterface) bool {
	return n.InterfaceType == "" || n.InterfaceType == "interface"
}

// emit sends a packet from an interface: the source/destination check, the
// security groups' egress rules, then the subnet's route table.
func (w *walker) emit(n *model.NetworkInterface, pkt packet) *arrival {
	if !w.step() {
		return nil
	}
	sn := w.subnetOf(n, pkt)
	if sn == nil {
		return nil
	}
	if sdcApplies(n) && n.SourceDestCheck && !n.HasAddress(pkt.src) {
		return w.deny(Hop{Layer: LayerSourceDestCheck, Resource: n.ID, Stage: "outbound",
			Rule: "sourceDestCheck=true", Code: "ENI_SOURCE_DEST_CHECK_RESTRICTION"}, pkt,
			fmt.Sprintf("source/destination check on %s drops a packet it sends from %s, which is not its own address", n.ID, pkt.src))
	}
	if !w.securityGroups(n, true, &pkt) {
		return nil
	}
	return w.route(sn, pkt)
}

// route forwards a packet leaving subnet sn by the subnet's route table.
func (w *walker) route(sn *model.Subnet, pkt packet) *arrival {
	if !w.step() {
		return nil
	}
	rt, explicit := w.e.ix.SubnetRouteTable(sn.ID)
	if rt == nil {
		h := Hop{Layer: LayerRouteTable, Resource: sn.ID, Stage: "lookup"}
		if g := w.gapReason(model.KindRouteTable, &sn.Meta); g != "" {
			return w.unknown(h, pkt, g)
		}
		return w.unknown(h, pkt, fmt.Sprintf("%s has no associated route table and the main route table of %s is not in the snapshot", sn.ID, sn.VPCID))
	}
	h := Hop{Layer: LayerRouteTable, Resource: rt.ID, Stage: "lookup"}
	if explicit {
		h.Detail = "route table of " + sn.ID
	} else {
		h.Detail = "main route table of " + sn.VPCID + " (" + sn.ID + " has no explicit association)"
	}
	r, idx, ok := w.e.lookupRoute(rt, pkt.dst)
	if !ok {
		h.Code = "NO_ROUTE_TO_DESTINATION"
		if missing := w.e.missingPrefixLists(rt); len(missing) > 0 {
			return w.unknown(h, pkt, fmt.Sprintf("%s has no route to %s, but its routes to prefix lists %s could not be expanded (not in the snapshot)",
				rt.ID, pkt.dst, strings.Join(missing, ", ")))
		}
		h.Detail = ""
		return w.deny(h, pkt, fmt.Sprintf("route table %s has no route to %s", rt.ID, pkt.dst))
	}
	h.Rule = routeText(r)
	h.Ref = &RuleRef{Kind: "route", Index: idx}
	if r.IsBlackhole() {
		h.Code = "BAD_STATE_ROUTE"
		return w.deny(h, pkt, fmt.Sprintf("route table %s: route %s -> %s is a blackhole (its target no longer exists)", rt.ID, r.DestinationString(), r.Target().ID))
	}
	h.Verdict = Forward
	w.record(h, pkt)
	return w.dispatch(sn.VPCID, sn, r.Target(), pkt)
}

// dispatch sends a packet to a route target. from is the subnet the packet
// leaves, or nil when it enters the VPC from a gateway.
func (w *walker) dispatch(vpcID string, from *model.Subnet, t model.RouteTarget, pkt packet) *arrival {
	switch t.Kind {
	case model.TargetLocal:
		return w.deliverInVPC(vpcID, from, pkt)
	case model.TargetInternetGateway:
		return w.toInternetGateway(vpcID, from, t.ID, pkt)
	case model.TargetEgressOnlyIGW:
		return w.toEgressOnlyGateway(vpcID, from, t.ID, pkt)
	case model.TargetNATGateway:
		return w.toNATGateway(from, t.ID, pkt)
	case model.TargetVPCPeering:
		return w.toPeering(vpcID, from, t.ID, pkt)
	case model.TargetTransitGateway:
		return w.toTransitGateway(vpcID, from, t.ID, pkt)
	case model.TargetVPCEndpoint:
		return w.toGatewayEndpoint(vpcID, from, t.ID, pkt)
	case model.TargetNetworkInterface, model.TargetInstance:
		return w.toAppliance(from, t, pkt)
	case model.TargetVPNGateway:
		if from != nil && !w.nacl(from, true, &pkt) {
			return nil
		}
		return w.unknown(Hop{Layer: LayerVPNGateway, Resource: t.ID, Stage: "forward"}, pkt,
			fmt.Sprintf("the route leaves AWS through VPN gateway %s; what lies beyond it is not in the snapshot", t.ID))
	}
	return w.unknown(Hop{Layer: LayerRouteTable, Resource: t.ID}, pkt,
		fmt.Sprintf("the route target %s is a kind vpcscope does not model", t.ID))
}

// deliverInVPC delivers a packet to the interface in the VPC that owns its
// destination address.
func (w *walker) deliverInVPC(vpcID string, from *model.Subnet, pkt packet) *arrival {
	n := w.e.interfaceInVPC(vpcID, pkt.dst)
	if n == nil {
		return w.deny(Hop{Layer: LayerAddress, Resource: vpcID, Code: "NO_POSSIBLE_DESTINATION"}, pkt,
			fmt.Sprintf("no network interface in %s has the address %s", vpcID, pkt.dst))
	}
	return w.crossTo(from, n, pkt)
}

// interfaceInVPC returns the interface of the VPC that owns addr as a
// private or IPv6 address.
func (e *Engine) interfaceInVPC(vpcID string, addr netip.Addr) *model.NetworkInterface {
	for _, n := range e.ix.InterfacesByIP(addr) {
		if n.VPCID == vpcID && ownsPrivate(n, addr) {
			return n
		}
	}
	return nil
}

// crossTo moves a packet from subnet from (nil: from outside the VPC) to
// interface n, through the network ACLs of the subnet boundaries it crosses:
// the source subnet's outbound rules and the destination subnet's inbound
// rules. Traffic that stays inside one subnet crosses no ACL.
func (w *walker) crossTo(from *model.Subnet, n *model.NetworkInterface, pkt packet) *arrival {
	to := w.subnetOf(n, pkt)
	if to == nil {
		return nil
	}
	if from == nil || from.ID != to.ID {
		if from != nil && !w.nacl(from, true, &pkt) {
			return nil
		}
		if !w.nacl(to, false, &pkt) {
			return nil
		}
	}
	return w.receive(n, pkt)
}

// receive hands a packet to an interface: NAT gateways and load balancers
// take over; otherwise the source/destination check and the security
// groups' ingress rules apply, and the packet arrives — or, at an appliance
// whose check is off, is forwarded on.
func (w *walker) receive(n *model.NetworkInterface, pkt packet) *arrival {
	if !w.step() {
		return nil
	}
	if nat := w.e.natByENI[n.ID]; nat != nil {
		return w.atNATGateway(nat, n, pkt)
	}
	if lb := w.e.lbByENI[n.ID]; lb != nil {
		return w.atLoadBalancer(lb, n, pkt)
	}
	if owner := managedOwner(n); owner != "" && w.e.vpceByNI[n.ID] == nil {
		return w.unknown(Hop{Layer: LayerInterface, Resource: n.ID}, pkt,
			fmt.Sprintf("%s belongs to a %s that is not in the snapshot, so what it does with the packet is unknown", n.ID, owner))
	}
	own := n.HasAddress(pkt.dst)
	if !own && sdcApplies(n) && n.SourceDestCheck {
		return w.deny(Hop{Layer: LayerSourceDestCheck, Resource: n.ID, Stage: "inbound",
			Rule: "sourceDestCheck=true", Code: "ENI_SOURCE_DEST_CHECK_RESTRICTION"}, pkt,
			fmt.Sprintf("source/destination check on %s drops a packet for %s, which is not its own address", n.ID, pkt.dst))
	}
	if ep := w.e.vpceByNI[n.ID]; ep != nil && own && w.dir == DirForward {
		if !w.interfaceEndpointAccepts(ep, n, pkt) {
			return nil
		}
	}
	if !w.securityGroups(n, false, &pkt) {
		return nil
	}
	if own {
		w.record(Hop{Layer: LayerInterface, Resource: n.ID, Verdict: Arrive, Detail: describeInterface(w.e, n)}, pkt)
		return &arrival{kind: arrivedInterface, eni: n, pkt: pkt}
	}
	w.record(Hop{Layer: LayerInterface, Resource: n.ID, Verdict: Forward, Stage: "appliance",
		Detail: fmt.Sprintf("%s is not the destination; with its source/destination check off it forwards the packet", n.ID)}, pkt)
	w.flow.caveat("the path crosses appliance %s: vpcscope assumes its operating system forwards the packet unchanged", n.ID)
	pkt.forwarded = true
	return w.emit(n, pkt)
}

// managedOwner names the kind of AWS-managed resource an interface belongs
// to (load balancer, NAT gateway, endpoint), or "" for an ordinary one.
// Callers check that the owner is in the snapshot.
func managedOwner(n *model.NetworkInterface) string {
	switch {
	case n.InterfaceType == "network_load_balancer" || n.InterfaceType == "gateway_load_balancer" ||
		strings.HasPrefix(n.Description, "ELB "):
		return "load balancer"
	case n.InterfaceType == "nat_gateway":
		return "NAT gateway"
	case n.InterfaceType == "vpc_endpoint" || n.InterfaceType == "gateway_load_balancer_endpoint":
		return "VPC endpoint"
	}
	return ""
}

func describeInterface(e *Engine, n *model.NetworkInterface) string {
	s := n.ID
	if id := n.InstanceID(); id != "" {
		s += " of " + id
		if in := e.ix.Instance(id); in != nil && in.Name() != "" {
			s += " (" + in.Name() + ")"
		}
	}
	return s
}

// toAppliance sends a packet to a route's network interface or instance
// target (a middlebox).
func (w *walker) toAppliance(from *model.Subnet, t model.RouteTarget, pkt packet) *arrival {
	var n *model.NetworkInterface
	if t.Kind == model.TargetNetworkInterface {
		n = w.e.ix.Interface(t.ID)
	} else if ns := w.e.ix.InstanceInterfaces(t.ID); len(ns) > 0 {
		n = ns[0]
	}
	if n == nil {
		return w.unknown(Hop{Layer: LayerInterface, Resource: t.ID}, pkt,
			fmt.Sprintf("route target %s is not in the snapshot", t.ID))
	}
	return w.crossTo(from, n, pkt)
}

// nacl applies the network ACL of subnet sn to a packet leaving (egress) or
// entering it. For a reply to an unknown client port it narrows the ports.
func (w *walker) nacl(sn *model.Subnet, egress bool, pkt *packet) bool {
	stage := "inbound"
	if egress {
		stage = "outbound"
	}
	acl := w.e.ix.SubnetNetworkACL(sn.ID)
	if acl == nil {
		h := Hop{Layer: LayerNetworkACL, Resource: sn.ID, Stage: stage, Verdict: Unknown}
		reason := w.gapReason(model.KindNetworkACL, &sn.Meta)
		if reason == "" {
			reason = "no network ACL association for " + sn.ID + " in the snapshot"
		}
		h.Detail = reason + "; its rules were not checked"
		w.record(h, *pkt)
		w.unverified = append(w.unverified, h.Detail)
		return true
	}
	d := w.e.acls[acl.ID].evaluate(egress, pkt)
	h := Hop{Layer: LayerNetworkACL, Resource: acl.ID, Stage: stage}
	if d.entry != nil {
		h.Rule = d.entry.String()
		h.Ref = &RuleRef{Kind: "nacl-" + stage, Index: -1, RuleNumber: d.entry.RuleNumber}
	} else {
		h.Rule = "rule * deny all traffic"
		h.Ref = &RuleRef{Kind: "nacl-" + stage, Index: -1, RuleNumber: model.DefaultRuleNumber}
	}
	if !d.allowed {
		h.Code = "SUBNET_ACL_RESTRICTION"
		w.deny(h, *pkt, aclReason(acl, sn, stage, d.entry, pkt, w.dir))
		return false
	}
	if pkt.proto.HasPorts() && !d.deniedPorts.empty() {
		by := "rule *"
		if d.deniedBy != nil {
			by = "rule " + d.deniedBy.RuleLabel()
		}
		w.flow.caveat("network ACL %s (%s, %s) passes ports %s of %s but denies %s (%s): a client using a source port there fails",
			acl.ID, sn.ID, stage, d.allowedPorts, pkt.dst, d.deniedPorts, by)
		pkt.dstPorts = d.allowedPorts
	}
	h.Verdict = Allow
	h.Detail = fmt.Sprintf("%s of %s", stage, sn.ID)
	w.record(h, *pkt)
	return true
}

func aclReason(acl *model.NetworkACL, sn *model.Subnet, stage string, en *model.ACLEntry, pkt *packet, dir Direction) string {
	peer, dirWord := pkt.src, "from"
	if stage == "outbound" {
		peer, dirWord = pkt.dst, "to"
	}
	svc := serviceOf(pkt)
	if dir == DirReturn && pkt.proto.HasPorts() {
		// A reply's destination ports are the client's ephemeral ports:
		// say so, or they read like a service.
		svc = fmt.Sprintf("the reply from %s/%s to the client's ports %s", pkt.proto, pkt.srcPorts, pkt.dstPorts)
	}
	if en == nil || en.IsDefaultDeny() {
		return fmt.Sprintf("network ACL %s (%s, %s): no rule allows %s %s %s, so the final * rule denies it",
			acl.ID, sn.ID, stage, svc, dirWord, peer)
	}
	return fmt.Sprintf("network ACL %s (%s, %s) rule %s denies %s %s %s (%s)",
		acl.ID, sn.ID, stage, en.RuleLabel(), svc, dirWord, peer, en.CIDR)
}

// serviceOf renders what a packet is, for reasons: "tcp/3306", "icmp echo-reply".
func serviceOf(pkt *packet) string {
	switch {
	case pkt.proto.HasPorts():
		return pkt.proto.String() + "/" + pkt.dstPorts.String()
	case pkt.proto.IsICMP():
		return pkt.proto.String() + " " + icmpName(pkt.icmp)
	case pkt.proto == model.ProtocolAll:
		return "all traffic"
	}
	return "protocol " + pkt.proto.String()
}

// securityGroups applies the interface's security groups. A reply to a
// flow these groups admitted passes: security groups are stateful.
func (w *walker) securityGroups(n *model.NetworkInterface, egress bool, pkt *packet) bool {
	stage, kind := "inbound", "sg-ingress"
	if egress {
		stage, kind = "outbound", "sg-egress"
	}
	if len(n.SecurityGroupIDs) == 0 {
		return true // managed interfaces (NAT, transit gateway) have none
	}
	if w.dir == DirReturn && w.flow.sgSeen[n.ID] {
		w.record(Hop{Layer: LayerSecurityGroup, Resource: n.SecurityGroupIDs[0], Stage: stage, Verdict: Allow,
			Rule: "stateful reply", Detail: "security groups are stateful: the reply of a flow they admitted passes"}, *pkt)
		return true
	}
	d := w.e.evaluateSGs(n, egress, pkt)
	if d.allowed {
		h := Hop{Layer: LayerSecurityGroup, Resource: d.group.ID, Stage: stage, Verdict: Allow,
			Rule: sgRuleText(egress, d.group, d.rule), Ref: &RuleRef{Kind: kind, Index: d.index},
			Detail: fmt.Sprintf("%s of %s", stage, n.ID)}
		if pkt.proto.HasPorts() {
			pkt.dstPorts = d.allowedPorts
		}
		w.record(h, *pkt)
		w.flow.sgSeen[n.ID] = true
		return true
	}
	resource := n.SecurityGroupIDs[0]
	h := Hop{Layer: LayerSecurityGroup, Resource: resource, Stage: stage, Code: "ENI_SG_RULES_MISMATCH",
		Ref: &RuleRef{Kind: kind, Index: -1}}
	if len(d.missing) > 0 {
		w.unknown(h, *pkt, fmt.Sprintf("security group %s of %s is not in the snapshot", strings.Join(d.missing, ", "), n.ID))
		return false
	}
	if len(d.unknown) > 0 {
		w.unknown(h, *pkt, fmt.Sprintf("no rule of %s allows it, but rules name prefix lists %s that are not in the snapshot",
			strings.Join(n.SecurityGroupIDs, ", "), strings.Join(d.unknown, ", ")))
		return false
	}
	peer, word := pkt.src, "from"
	if egress {
		peer, word = pkt.dst, "to"
	}
	groups := strings.Join(n.SecurityGroupIDs, ", ")
	h.Rule = "no matching rule"
	if d.noRules {
		h.Code = "SG_HAS_NO_RULES"
		w.deny(h, *pkt, fmt.Sprintf("security group %s of %s has no %s rules, so it denies %s %s %s",
			groups, n.ID, stage, serviceOf(pkt), word, peer))
		return false
	}
	reason := fmt.Sprintf("no %s rule of security group %s (%s) allows %s %s %s",
		stage, groups, n.ID, serviceOf(pkt), word, peer)
	// Rules for this traffic that admit other peers are the ones to change:
	// name them, and point the reference at the first.
	var near []string
	for _, id := range n.SecurityGroupIDs {
		sg := w.e.ix.SecurityGroup(id)
		if sg == nil {
			continue
		}
		rules := sg.Rules(egress)
		for i := range rules {
			if !ruleApplies(&rules[i], pkt) {
				continue
			}
			if len(near) == 0 {
				h.Resource, h.Ref = sg.ID, &RuleRef{Kind: kind, Index: i}
			}
			// People count rules from 1, as the console and the explorer do.
			near = append(near, fmt.Sprintf("%s (rule %d of %s)", rules[i].PeerFrom(sg.Account), i+1, sg.ID))
		}
	}
	if len(near) > 0 {
		reason += "; " + serviceOf(pkt) + " is open only " + word + " " + strings.Join(near, ", ")
	}
	if d.refMiss != refNone {
		h.Code = d.refMiss.code()
		reason += " (" + d.refNote + ")"
	}
	w.deny(h, *pkt, reason)
	return false
}

func sgRuleText(egress bool, sg *model.SecurityGroup, r *model.SGRule) string {
	if egress {
		return "egress " + r.Service() + " to " + r.PeerFrom(sg.Account)
	}
	return "ingress " + r.Service() + " from " + r.PeerFrom(sg.Account)
}
