package reach

import (
	"net/netip"
	"slices"
	"sort"
	"strings"
	"sync"

	"go4.org/netipx"

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
func (e *Engine) indexClasses() { groupClasses(e, e.classKeyOf) }

// ifaceClassKey is the key of an interface's class (defaultClassKey's
// fields, compared without building the joined string).
type ifaceClassKey struct {
	// managed is the ID of an interface that stays alone (managed by
	// AWS), else "" and the other fields say.
	managed string
	// groups are the sorted security group IDs joined by commas.
	vpc, subnet, groups string
	sourceDestCheck     bool
	interfaceType, down string
}

// classKeyOf is the key of an interface's class: the interface itself for
// a managed one, else its subnet, groups, source/destination check, type
// and instance state.
func (e *Engine) classKeyOf(n *model.NetworkInterface) ifaceClassKey {
	if e.natByENI[n.ID] != nil || e.lbByENI[n.ID] != nil || e.vpceByNI[n.ID] != nil || managedOwner(n) != "" {
		return ifaceClassKey{managed: n.ID}
	}
	k := ifaceClassKey{vpc: n.VPCID, subnet: n.SubnetID, sourceDestCheck: n.SourceDestCheck, interfaceType: n.InterfaceType}
	switch groups := n.SecurityGroupIDs; {
	case len(groups) == 1:
		k.groups = groups[0]
	case len(groups) > 1:
		if !slices.IsSorted(groups) {
			groups = slices.Sorted(slices.Values(groups))
		}
		k.groups = strings.Join(groups, ",")
	}
	k.down = e.downInstances[n.InstanceID()]
	return k
}

// downInstancesOf maps the ID of each instance that is not running to
// its state (down's answer for the instance the index finds by that ID):
// most instances run, so the map is small and most lookups miss it.
func downInstancesOf(ix *model.Index) map[string]string {
	out := map[string]string{}
	for _, in := range ix.Snapshot().Instances {
		if d := down(in); d != "" && ix.Instance(in.ID) == in {
			out[in.ID] = d
		}
	}
	return out
}

// String is the key as one string: the managed interface's ID, else the
// fields joined by "|".
func (k ifaceClassKey) String() string {
	if k.managed != "" {
		return k.managed
	}
	return strings.Join([]string{k.vpc, k.subnet, k.groups, boolWord(k.sourceDestCheck), k.interfaceType, k.down}, "|")
}

// defaultClassKey is classKeyOf as a string, for views that mix it with
// keys of their own.
func (e *Engine) defaultClassKey(n *model.NetworkInterface) string { return e.classKeyOf(n).String() }

// groupClasses groups the snapshot's interfaces into classes by key:
// interfaces with the same key share a class, whose representative is the
// first of them. A class of one is named by its interface's ID, a larger
// one by "class:" and its representative's ID.
func groupClasses[K comparable](e *Engine, key func(*model.NetworkInterface) K) {
	enis := e.snap.NetworkInterfaces
	byKey := make(map[K]*ifaceClass, len(enis))
	e.classes = nil
	e.classOf = make(map[*model.NetworkInterface]*ifaceClass, len(enis))
	// The classes, and the members of classes of one, come from arrays
	// allocated in chunks: most interfaces of a large network are alone
	// in their class.
	var slab []ifaceClass
	var members []*model.NetworkInterface
	for _, n := range enis {
		k := key(n)
		c := byKey[k]
		if c == nil {
			if len(slab) == 0 {
				slab = make([]ifaceClass, min(1024, len(enis)))
				members = make([]*model.NetworkInterface, len(slab))
			}
			c, slab = &slab[0], slab[1:]
			c.rep, c.members, members = n, members[:0:1], members[1:]
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
	e.vpcOwners = make(map[string]*ownerIndex, len(e.vpcClasses))
	for vpc := range e.vpcClasses {
		e.vpcOwners[vpc] = &ownerIndex{}
	}
	var a, p []netip.Addr
	for _, c := range e.classes {
		a, p = a[:0], p[:0]
		for _, m := range c.members {
			a = interfaceAddresses(m, a, true)
			p = interfaceAddresses(m, p, false)
		}
		c.addrs, c.private = addrsOfList(a), addrsOfList(p)
		if len(c.members) == 1 {
			c.id = c.rep.ID
		} else {
			c.id = "class:" + c.rep.ID
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

// ownerIndex is the private addresses of one VPC's classes as one sorted
// list of ranges, each with the number of its class in vpcClasses: the
// classes a set of destinations meets are found by search, not by a test
// of every class. Made on first use; ok is false when two classes share
// an address (the index then cannot say which classes a range meets in
// one search, and the callers test every class).
type ownerIndex struct {
	once sync.Once
	ok   bool
	rs   []netipx.IPRange
	cls  []int32
}

// ownersIndex returns the index of a VPC's classes, made on first use (nil when
// there is none or it cannot serve).
func (e *Engine) ownersIndex(vpcID string) *ownerIndex {
	ix := e.vpcOwners[vpcID]
	if ix == nil {
		return nil
	}
	ix.once.Do(func() {
		type entry struct {
			r   netipx.IPRange
			cls int32
		}
		var all []entry
		for i, c := range e.vpcClasses[vpcID] {
			for _, r := range c.private.ranges() {
				all = append(all, entry{r, int32(i)})
			}
		}
		slices.SortFunc(all, func(a, b entry) int { return a.r.From().Compare(b.r.From()) })
		ix.rs, ix.cls = make([]netipx.IPRange, len(all)), make([]int32, len(all))
		for i, en := range all {
			if i > 0 && !all[i-1].r.To().Less(en.r.From()) {
				ix.rs, ix.cls = nil, nil
				return // classes overlap
			}
			ix.rs[i], ix.cls[i] = en.r, en.cls
		}
		ix.ok = true
	})
	if !ix.ok {
		return nil
	}
	return ix
}

// meets appends to out the numbers of the classes whose private
// addresses overlap dst, sorted, each once.
func (ix *ownerIndex) meets(dst addrs, out []int32) []int32 {
	start := len(out)
	for _, r := range dst.ranges() {
		k := sort.Search(len(ix.rs), func(i int) bool { return !ix.rs[i].To().Less(r.From()) })
		for ; k < len(ix.rs) && !r.To().Less(ix.rs[k].From()); k++ {
			out = append(out, ix.cls[k])
		}
	}
	slices.Sort(out[start:])
	return append(out[:start], slices.Compact(out[start:])...)
}
