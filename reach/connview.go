package reach

import (
	"strings"
	"sync"

	"github.com/vpcscope/vpcscope/model"
)

// This file builds the path views that whole-network questions
// (connectivity, intents, change impact) walk instead of the engine
// itself. A view is the same engine — the same stages, routes, gateways,
// network ACLs and group memberships — over a copy of the snapshot in
// which ordinary interfaces carry no security groups of their own, so
// that interfaces differing only in their groups fall into one class and
// are walked together. What a walk in a view delivers is every packet
// that gets through both ways on the way between two interfaces, their
// own groups aside; the question then applies those groups with the same
// stage function every walk uses (evalSecurityGroupsVia), once per class
// and cached. Security groups are stateful, so the reply of a request
// both ends' groups admit passes them, and the walk in the view — which
// lets replies through interfaces without groups — already evaluated
// everything else on the way back.
//
// The merged view goes further: ordinary interfaces of different subnets
// that share a VPC, route table, network ACL and availability zone, in
// subnets that hold nothing but ordinary interfaces, are one class. The
// walk treats the subnets alike but for their addresses, which it splits
// exactly wherever a rule names them; the one difference it cannot see is
// that traffic between two of those subnets crosses their network ACLs,
// which traffic inside one subnet does not. Pairs of different subnets in
// one merged class are therefore walked in the subnet view, whose classes
// never span subnets.

// strippable reports whether an interface is an ordinary one whose own
// security groups a view may leave out: not managed by AWS (NAT gateway,
// load balancer, endpoint, transit gateway, requester-managed), an
// instance interface with its source/destination check on (an interface
// with the check off may forward others' traffic, through its groups).
func (e *Engine) strippable(n *model.NetworkInterface) bool {
	return e.natByENI[n.ID] == nil && e.lbByENI[n.ID] == nil && e.vpceByNI[n.ID] == nil &&
		managedOwner(n) == "" && !n.RequesterManaged && sdcApplies(n) && n.SourceDestCheck
}

// connViews are the two views of an engine.
type connViews struct {
	// merged's classes join subnets alike (see above); bySubnet's never
	// span a subnet. Both hold interfaces without their own groups.
	merged, bySubnet *Engine
	// multi marks the merged classes that span more than one subnet.
	multi map[*ifaceClass]bool
	// pure marks the subnets merged classes may span (pureSubnets);
	// aclSound those whose network ACL every path in or out crosses
	// (aclSoundSubnets).
	pure, aclSound map[string]bool
	// natSubnets holds the subnets of NAT gateways.
	natSubnets map[string]bool
}

// lazyViews holds an engine's path views, built on first use.
type lazyViews struct {
	once sync.Once
	v    *connViews
}

// views returns the engine's path views, built once.
func (e *Engine) views() *connViews {
	e.connViews.once.Do(func() { e.connViews.v = e.newConnViews() })
	return e.connViews.v
}

// newConnViews builds the views of e.
func (e *Engine) newConnViews() *connViews {
	s := *e.snap
	s.NetworkInterfaces = make([]*model.NetworkInterface, len(e.snap.NetworkInterfaces))
	for i, n := range e.snap.NetworkInterfaces {
		if e.strippable(n) {
			c := *n
			c.SecurityGroupIDs = nil
			n = &c
		}
		s.NetworkInterfaces[i] = n
	}
	v := New(&s)
	// References keep matching the members of the real groups.
	v.groupMembers = e.groupMembers
	pure := e.pureSubnets()
	stripped := func(n *model.NetworkInterface) bool { return e.strippable(e.ix.Interface(n.ID)) }
	state := func(n *model.NetworkInterface) string {
		return strings.Join([]string{n.InterfaceType, down(v.ix.Instance(n.InstanceID()))}, "|")
	}
	sv := *v
	groupClasses(v, func(n *model.NetworkInterface) string {
		if !stripped(n) {
			return v.defaultClassKey(n)
		}
		if pure[n.SubnetID] {
			sn := v.ix.Subnet(n.SubnetID)
			rt, _ := v.ix.SubnetRouteTable(n.SubnetID)
			acl := v.ix.SubnetNetworkACL(n.SubnetID)
			return strings.Join([]string{"merged", n.VPCID, rt.ID, acl.ID, sn.AvailabilityZone, state(n)}, "|")
		}
		return strings.Join([]string{"subnet", n.SubnetID, state(n)}, "|")
	})
	groupClasses(&sv, func(n *model.NetworkInterface) string {
		if !stripped(n) {
			return sv.defaultClassKey(n)
		}
		return strings.Join([]string{"subnet", n.SubnetID, state(n)}, "|")
	})
	multi := map[*ifaceClass]bool{}
	for _, c := range v.classes {
		for _, m := range c.members[1:] {
			if m.SubnetID != c.rep.SubnetID {
				multi[c] = true
				break
			}
		}
	}
	nat := map[string]bool{}
	for _, g := range e.snap.NATGateways {
		nat[g.SubnetID] = true
	}
	return &connViews{merged: v, bySubnet: &sv, multi: multi, pure: pure, aclSound: e.aclSoundSubnets(), natSubnets: nat}
}

// pureSubnets returns the subnets a merged class may span: in the
// snapshot with a route table and a network ACL, holding only interfaces
// a view strips, and named by no NAT gateway, load balancer, endpoint or
// transit gateway attachment (whose behaviour depends on the subnet a
// packet comes from).
func (e *Engine) pureSubnets() map[string]bool {
	pure := map[string]bool{}
	for _, sn := range e.snap.Subnets {
		rt, _ := e.ix.SubnetRouteTable(sn.ID)
		if rt != nil && e.ix.SubnetNetworkACL(sn.ID) != nil {
			pure[sn.ID] = true
		}
	}
	for _, n := range e.snap.NetworkInterfaces {
		if !e.strippable(n) {
			delete(pure, n.SubnetID)
		}
	}
	for _, g := range e.snap.NATGateways {
		delete(pure, g.SubnetID)
	}
	for _, a := range e.snap.TGWAttachments {
		for _, id := range a.SubnetIDs {
			delete(pure, id)
		}
	}
	for _, lb := range e.snap.LoadBalancers {
		for _, z := range lb.AvailabilityZones {
			delete(pure, z.SubnetID)
		}
	}
	for _, ep := range e.snap.VPCEndpoints {
		for _, id := range ep.SubnetIDs {
			delete(pure, id)
		}
	}
	return pure
}

// aclSoundSubnets returns the subnets whose network ACL every packet
// between an interface in it and one in another subnet crosses — leaving
// the subnet, and entering it — unless a NAT gateway in it translates the
// packet: in the snapshot with a route table and an ACL, not a transit
// gateway attachment's (the gateway delivers into its own subnet across
// no ACL), and holding no interface that forwards others' packets (an
// appliance with its source/destination check off, a Gateway Load
// Balancer or firewall endpoint, any AWS-managed interface but a NAT
// gateway's, a load balancer's or an interface endpoint's, which only
// take packets addressed to them).
func (e *Engine) aclSoundSubnets() map[string]bool {
	out := map[string]bool{}
	for _, sn := range e.snap.Subnets {
		rt, _ := e.ix.SubnetRouteTable(sn.ID)
		if rt != nil && e.ix.SubnetNetworkACL(sn.ID) != nil {
			out[sn.ID] = true
		}
	}
	for _, a := range e.snap.TGWAttachments {
		for _, id := range a.SubnetIDs {
			delete(out, id)
		}
	}
	for _, n := range e.snap.NetworkInterfaces {
		switch ep := e.vpceByNI[n.ID]; {
		case e.strippable(n), e.natByENI[n.ID] != nil, e.lbByENI[n.ID] != nil:
			// ordinary, or takes only packets addressed to it
		case ep != nil && ep.Type == "Interface":
		case ep == nil && sdcApplies(n) && n.SourceDestCheck && managedOwner(n) == "":
			// an instance interface that does not forward
		default:
			delete(out, n.SubnetID)
		}
	}
	return out
}
