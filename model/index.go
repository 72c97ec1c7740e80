package model

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
)

// Index answers the lookups every query needs — by ID, by Name tag, by IP
// address, and the per-subnet route table and network ACL — in constant
// time. Build it once per snapshot with NewIndex; it is read-only after
// that and safe for concurrent use.
type Index struct {
	snap *Snapshot

	byID   map[string][]Resource
	byName map[string][]Resource
	byIP   map[netip.Addr][]*NetworkInterface

	subnetRouteTable map[string]*RouteTable
	explicitRT       map[string]bool
	mainRouteTable   map[string]*RouteTable
	edgeRouteTable   map[string]*RouteTable
	subnetACL        map[string]*NetworkACL
	groupMembers     map[string][]*NetworkInterface
	instanceENIs     map[string][]*NetworkInterface
	subnetENIs       map[string][]*NetworkInterface
	vpcSubnets       map[string][]*Subnet
	tgwAttachments   map[string]map[string]*TGWAttachment

	// suggest is the "did you mean" index, built on the first Suggest.
	suggestOnce sync.Once
	suggest     *suggestIndex

	// Problems are inconsistencies found while indexing (duplicate IDs,
	// dangling associations). They are reported, not fatal.
	Problems []string
}

// NewIndex indexes the snapshot. The snapshot must not change afterwards.
//
// An organization has hundreds of thousands of resources, so the index is
// built to allocate little: a key's first value sits in a backing array
// shared by all keys (a slice of capacity one, which a second value copies
// out of), and lists whose sizes are counted first are carved from one
// array.
func NewIndex(s *Snapshot) *Index {
	resources := 0
	for range s.All() {
		resources++
	}
	addresses := 0
	for _, n := range s.NetworkInterfaces {
		addresses += len(n.IPv6Addresses)
		for _, ip := range n.PrivateIPs {
			addresses++
			if ip.PublicIP.IsValid() {
				addresses++
			}
		}
	}
	ix := &Index{
		snap:             s,
		byID:             make(map[string][]Resource, resources),
		byName:           make(map[string][]Resource, resources),
		byIP:             make(map[netip.Addr][]*NetworkInterface, addresses),
		subnetRouteTable: make(map[string]*RouteTable, len(s.Subnets)),
		explicitRT:       make(map[string]bool, len(s.Subnets)),
		mainRouteTable:   make(map[string]*RouteTable, len(s.VPCs)),
		edgeRouteTable:   make(map[string]*RouteTable),
		subnetACL:        make(map[string]*NetworkACL, len(s.Subnets)),
		instanceENIs:     make(map[string][]*NetworkInterface, len(s.Instances)),
		vpcSubnets:       make(map[string][]*Subnet, len(s.VPCs)),
		tgwAttachments:   make(map[string]map[string]*TGWAttachment),
	}
	// The ID and name maps (over half the work) are built beside the
	// rest, which touches none of their fields.
	var ids sync.WaitGroup
	ids.Go(func() {
		firsts := make([]Resource, 2*resources)
		i := 0
		for r := range s.All() {
			m := r.Base()
			prev := ix.byID[m.ID]
			if len(prev) > 0 && prev[0].Kind() != KindTGWAttachment {
				ix.Problems = append(ix.Problems, fmt.Sprintf("duplicate %s ID %s (%s and %s)", r.Kind(), m.ID,
					prev[0].Base().Region, m.Region))
			}
			ix.byID[m.ID] = appendFirst(prev, r, firsts, &i)
			if len(m.Tags) == 0 {
				continue
			}
			if n := m.Name(); n != "" {
				k := strings.ToLower(n)
				ix.byName[k] = appendFirst(ix.byName[k], r, firsts, &i)
			}
		}
	})
	defer ids.Wait()
	for _, sn := range s.Subnets {
		ix.vpcSubnets[sn.VPCID] = append(ix.vpcSubnets[sn.VPCID], sn)
	}
	ifaces := make([]*NetworkInterface, addresses+len(s.NetworkInterfaces))
	used := 0
	for _, n := range s.NetworkInterfaces {
		for _, ip := range n.PrivateIPs {
			ix.byIP[ip.Address] = appendFirst(ix.byIP[ip.Address], n, ifaces, &used)
			if ip.PublicIP.IsValid() {
				ix.byIP[ip.PublicIP] = appendFirst(ix.byIP[ip.PublicIP], n, ifaces, &used)
			}
		}
		for _, ip := range n.IPv6Addresses {
			ix.byIP[ip] = appendFirst(ix.byIP[ip], n, ifaces, &used)
		}
		if id := n.InstanceID(); id != "" {
			ix.instanceENIs[id] = appendFirst(ix.instanceENIs[id], n, ifaces, &used)
		}
	}
	ix.groupMembers = groupBy(s.NetworkInterfaces, len(s.SecurityGroups), func(n *NetworkInterface, _ []string) []string {
		return n.SecurityGroupIDs
	})
	ix.subnetENIs = groupBy(s.NetworkInterfaces, len(s.Subnets), func(n *NetworkInterface, buf []string) []string {
		return append(buf, n.SubnetID)
	})
	for _, enis := range ix.instanceENIs {
		if len(enis) > 1 {
			slices.SortStableFunc(enis, func(a, b *NetworkInterface) int {
				return cmp.Compare(deviceIndex(a), deviceIndex(b))
			})
		}
	}
	for _, rt := range s.RouteTables {
		for _, a := range rt.Associations {
			if a.State != "" && a.State != "associated" {
				continue
			}
			switch {
			case a.Main:
				ix.mainRouteTable[rt.VPCID] = rt
			case a.SubnetID != "":
				ix.subnetRouteTable[a.SubnetID] = rt
				ix.explicitRT[a.SubnetID] = true
			case a.GatewayID != "":
				ix.edgeRouteTable[a.GatewayID] = rt
			}
		}
	}
	for _, sn := range s.Subnets {
		if _, ok := ix.subnetRouteTable[sn.ID]; !ok {
			if rt := ix.mainRouteTable[sn.VPCID]; rt != nil {
				ix.subnetRouteTable[sn.ID] = rt
			}
		}
	}
	for _, acl := range s.NetworkACLs {
		for _, a := range acl.Associations {
			ix.subnetACL[a.SubnetID] = acl
		}
	}
	for _, a := range s.TGWAttachments {
		m := ix.tgwAttachments[a.TransitGatewayID]
		if m == nil {
			m = make(map[string]*TGWAttachment)
			ix.tgwAttachments[a.TransitGatewayID] = m
		}
		m[a.ID] = a
	}
	return ix
}

// appendFirst appends v to list, the list of one key. A key's first value
// is stored in firsts[*used] and the list is that one element with
// capacity one, so a key with one value costs no allocation of its own; a
// second value copies the list out, as append does.
func appendFirst[T any](list []T, v T, firsts []T, used *int) []T {
	if len(list) > 0 {
		return append(list, v)
	}
	i := *used
	*used++
	firsts[i] = v
	return firsts[i : i+1 : i+1]
}

// groupBy lists the interfaces under each of their keys, in the
// snapshot's order: it counts each key's interfaces first and carves the
// lists from one array. keys returns an interface's keys, which it may
// append to buf; hint is the expected number of keys.
func groupBy(enis []*NetworkInterface, hint int, keys func(n *NetworkInterface, buf []string) []string) map[string][]*NetworkInterface {
	var buf [1]string
	counts := make(map[string]int, hint)
	total := 0
	for _, n := range enis {
		for _, k := range keys(n, buf[:0]) {
			counts[k]++
			total++
		}
	}
	all := make([]*NetworkInterface, total)
	out := make(map[string][]*NetworkInterface, len(counts))
	at := 0
	for k, c := range counts {
		out[k] = all[at : at : at+c]
		at += c
	}
	for _, n := range enis {
		for _, k := range keys(n, buf[:0]) {
			out[k] = append(out[k], n)
		}
	}
	return out
}

func deviceIndex(n *NetworkInterface) int32 {
	if n.Attachment == nil {
		return 1 << 30
	}
	return n.Attachment.DeviceIndex
}

// Snapshot returns the indexed snapshot.
func (ix *Index) Snapshot() *Snapshot { return ix.snap }

// Resource returns the resource with the given ID. When several resources
// share the ID (a transit gateway peering attachment seen from both sides)
// it returns the first.
func (ix *Index) Resource(id string) (Resource, bool) {
	rs := ix.byID[id]
	if len(rs) == 0 {
		return nil, false
	}
	return rs[0], true
}

// ResourcesByID returns every resource with the given ID.
func (ix *Index) ResourcesByID(id string) []Resource { return ix.byID[id] }

// ByName returns the resources whose Name tag equals name, ignoring case.
func (ix *Index) ByName(name string) []Resource { return ix.byName[strings.ToLower(name)] }

// InterfacesByIP returns the network interfaces that own addr as a private,
// public or IPv6 address. Overlapping VPCs can give more than one.
func (ix *Index) InterfacesByIP(addr netip.Addr) []*NetworkInterface { return ix.byIP[addr] }

// Get returns the resource of type T with the given ID.
func Get[T Resource](ix *Index, id string) (T, bool) {
	for _, r := range ix.byID[id] {
		if t, ok := r.(T); ok {
			return t, true
		}
	}
	var zero T
	return zero, false
}

// VPC returns the VPC with the given ID, or nil.
func (ix *Index) VPC(id string) *VPC { v, _ := Get[*VPC](ix, id); return v }

// Subnet returns the subnet with the given ID, or nil.
func (ix *Index) Subnet(id string) *Subnet { v, _ := Get[*Subnet](ix, id); return v }

// SecurityGroup returns the security group with the given ID, or nil.
func (ix *Index) SecurityGroup(id string) *SecurityGroup {
	v, _ := Get[*SecurityGroup](ix, id)
	return v
}

// Interface returns the network interface with the given ID, or nil.
func (ix *Index) Interface(id string) *NetworkInterface {
	v, _ := Get[*NetworkInterface](ix, id)
	return v
}

// Instance returns the instance with the given ID, or nil.
func (ix *Index) Instance(id string) *Instance { v, _ := Get[*Instance](ix, id); return v }

// PrefixList returns the prefix list with the given ID, or nil.
func (ix *Index) PrefixList(id string) *PrefixList { v, _ := Get[*PrefixList](ix, id); return v }

// SubnetRouteTable returns the route table that decides for a subnet: its
// explicit association, else its VPC's main table. explicit says which.
// It returns nil when neither exists in the snapshot.
func (ix *Index) SubnetRouteTable(subnetID string) (rt *RouteTable, explicit bool) {
	return ix.subnetRouteTable[subnetID], ix.explicitRT[subnetID]
}

// MainRouteTable returns the VPC's main route table, or nil.
func (ix *Index) MainRouteTable(vpcID string) *RouteTable { return ix.mainRouteTable[vpcID] }

// GatewayRouteTable returns the route table edge-associated with an
// internet or virtual private gateway (ingress routing), or nil.
func (ix *Index) GatewayRouteTable(gatewayID string) *RouteTable { return ix.edgeRouteTable[gatewayID] }

// SubnetNetworkACL returns the network ACL associated with the subnet, or nil.
func (ix *Index) SubnetNetworkACL(subnetID string) *NetworkACL { return ix.subnetACL[subnetID] }

// GroupMembers returns the network interfaces that carry the security group.
func (ix *Index) GroupMembers(groupID string) []*NetworkInterface { return ix.groupMembers[groupID] }

// InstanceInterfaces returns an instance's network interfaces by device index.
func (ix *Index) InstanceInterfaces(instanceID string) []*NetworkInterface {
	return ix.instanceENIs[instanceID]
}

// SubnetInterfaces returns the network interfaces in a subnet.
func (ix *Index) SubnetInterfaces(subnetID string) []*NetworkInterface {
	return ix.subnetENIs[subnetID]
}

// VPCSubnets returns the subnets of a VPC.
func (ix *Index) VPCSubnets(vpcID string) []*Subnet { return ix.vpcSubnets[vpcID] }

// TGWAttachment returns the attachment with the given ID as seen from the
// transit gateway tgwID (a peering attachment has one record per side).
func (ix *Index) TGWAttachment(tgwID, attachmentID string) *TGWAttachment {
	return ix.tgwAttachments[tgwID][attachmentID]
}

// TGWAttachments returns every attachment of a transit gateway.
func (ix *Index) TGWAttachments(tgwID string) map[string]*TGWAttachment {
	return ix.tgwAttachments[tgwID]
}

// SubnetFor returns the subnet of the VPC that contains addr, or nil.
func (ix *Index) SubnetFor(vpcID string, addr netip.Addr) *Subnet {
	for _, sn := range ix.vpcSubnets[vpcID] {
		if sn.Contains(addr) {
			return sn
		}
	}
	return nil
}

// VPCsContaining returns the VPCs whose CIDR blocks contain addr.
func (ix *Index) VPCsContaining(addr netip.Addr) []*VPC {
	var out []*VPC
	for _, v := range ix.snap.VPCs {
		if v.Contains(addr) {
			out = append(out, v)
		}
	}
	return out
}

// Find resolves what a user typed — an ID, a Name tag or an IP address — to
// resources. It returns nil when nothing matches.
func (ix *Index) Find(query string) []Resource {
	q := strings.TrimSpace(query)
	if rs := ix.byID[q]; len(rs) > 0 {
		return rs[:1]
	}
	if rs := ix.ByName(q); len(rs) > 0 {
		return rs
	}
	if addr, err := netip.ParseAddr(q); err == nil {
		var out []Resource
		for _, n := range ix.byIP[addr] {
			out = append(out, n)
		}
		return out
	}
	return nil
}

// Suggest returns up to n IDs or Name tags close to query, best first, for
// "did you mean" messages: those within an edit distance of a third of the
// query's length (at least 2), or that contain it or are contained in it.
// The first call builds a trigram index of every ID and name (once per
// Index); each call after that looks at a short list of candidates, not at
// every name. A query longer than any ID or name (256 bytes) has no
// suggestions.
func (ix *Index) Suggest(query string, n int) []string {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" || n <= 0 || len(q) > maxSuggestQuery {
		return nil
	}
	ix.suggestOnce.Do(func() { ix.suggest = newSuggestIndex(ix) })
	return ix.suggest.suggest(q, n)
}
