package reach

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// ifaceClass is a set of interfaces that every stage treats alike: the
// same subnet, security groups, source/destination check, interface type
// and instance state, none of them managed by AWS (NAT gateways, load
// balancers and endpoints stay alone). A set question walks a class as
// one sender or receiver whose addresses are all its members' addresses;
// the set walk then splits them wherever an address matters (a network
// ACL or security group rule, the internet gateway's public addresses),
// so the answer is exact for every member.
type ifaceClass struct {
	id      string
	rep     *model.NetworkInterface
	members []*model.NetworkInterface
	// addrs holds every address of every member (private, public, IPv6);
	// private their private and IPv6 addresses.
	addrs, private addrs
}

// indexClasses groups the snapshot's interfaces into classes.
func (e *Engine) indexClasses() { e.indexClassesBy(e.defaultClassKey) }

// defaultClassKey is the key of an interface's class: the interface
// itself for a managed one, else its subnet, groups, source/destination
// check, type and instance state.
func (e *Engine) defaultClassKey(n *model.NetworkInterface) string {
	if e.natByENI[n.ID] != nil || e.lbByENI[n.ID] != nil || e.vpceByNI[n.ID] != nil || managedOwner(n) != "" {
		return n.ID
	}
	groups := n.SecurityGroupIDs
	if !slices.IsSorted(groups) {
		groups = slices.Sorted(slices.Values(groups))
	}
	return strings.Join([]string{n.VPCID, n.SubnetID, strings.Join(groups, ","), boolWord(n.SourceDestCheck), n.InterfaceType, down(e.ix.Instance(n.InstanceID()))}, "|")
}

// indexClassesBy groups the snapshot's interfaces into classes by key:
// interfaces with the same key share a class, whose representative is the
// first of them.
func (e *Engine) indexClassesBy(key func(*model.NetworkInterface) string) {
	byKey := make(map[string]*ifaceClass, len(e.snap.NetworkInterfaces))
	e.classes = nil
	e.classOf = make(map[*model.NetworkInterface]*ifaceClass, len(e.snap.NetworkInterfaces))
	for _, n := range e.snap.NetworkInterfaces {
		k := key(n)
		c := byKey[k]
		if c == nil {
			c = &ifaceClass{id: "class:" + n.ID, rep: n}
			byKey[k] = c
			e.classes = append(e.classes, c)
		}
		c.members = append(c.members, n)
		e.classOf[n] = c
	}
	e.vpcClasses = map[string][]*ifaceClass{}
	for _, c := range e.classes {
		e.vpcClasses[c.rep.VPCID] = append(e.vpcClasses[c.rep.VPCID], c)
	}
	for _, c := range e.classes {
		var a, p []netip.Addr
		for _, m := range c.members {
			a = interfaceAddresses(m, a, true)
			p = interfaceAddresses(m, p, false)
		}
		c.addrs, c.private = addrsOfList(a), addrsOfList(p)
		if len(c.members) == 1 {
			c.id = c.rep.ID
		}
	}
}

func boolWord(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// classKey names the class of an interface, for flow state that all its
// members share: a reply to any member of a class whose security groups
// admitted the request passes (they are the same groups).
func (e *Engine) classKey(n *model.NetworkInterface) string {
	if c := e.classOf[n]; c != nil {
		return c.id
	}
	return n.ID
}
