package awsjson

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/vpcscope/vpcscope/model"
)

// resourceSet holds one copy of each resource, by identity.
type resourceSet struct {
	byKey  map[string]model.Resource
	source map[string]string // identity -> file it came from
}

func newResourceSet() *resourceSet {
	return &resourceSet{byKey: make(map[string]model.Resource), source: make(map[string]string)}
}

// identity is what makes two records the same resource: kind and ID, and
// for transit gateway attachments the gateway too (both ends of a peering
// attachment share its ID).
func identity(r model.Resource) string {
	k := string(r.Kind()) + "\x00" + r.Base().ID
	if a, ok := r.(*model.TGWAttachment); ok {
		k += "\x00" + a.TransitGatewayID
	}
	return k
}

// all returns the resources in no particular order.
func (s *resourceSet) all() []model.Resource {
	out := make([]model.Resource, 0, len(s.byKey))
	for _, r := range s.byKey {
		out = append(out, r)
	}
	return out
}

// has reports whether a resource with r's identity is held.
func (s *resourceSet) has(r model.Resource) bool {
	_, ok := s.byKey[identity(r)]
	return ok
}

// put adds a copy of r, or merges it into the record already held.
func (s *resourceSet) put(r model.Resource, file string, rep *Report) {
	k := identity(r)
	prev, ok := s.byKey[k]
	if !ok {
		s.byKey[k] = clone(r)
		s.source[k] = file
		return
	}
	kept, conflict := merge(prev, r)
	s.byKey[k] = kept
	if conflict {
		pm, rm := prev.Base(), r.Base()
		rep.Warnings = append(rep.Warnings, fmt.Sprintf(
			"duplicate %s %s: described in %s (%s) and %s (%s); kept the first",
			r.Kind(), pm.ID, scopeString(pm), s.source[k], scopeString(rm), file))
	}
}

func scopeString(m *model.Meta) string {
	s := model.Scope{Account: m.Account, Region: m.Region}.String()
	if s == "" {
		return "no account or region"
	}
	return s
}

func sameScope(a, b *model.Meta) bool { return a.Account == b.Account && a.Region == b.Region }

// merge combines a second record of a resource into the one held. It
// returns the record to keep and whether the two conflict: the same ID in
// different accounts or regions, where only one can be right.
func merge(held, other model.Resource) (model.Resource, bool) {
	switch h := held.(type) {
	case *model.TGWAttachment:
		// The generic, VPC and peering attachment outputs each tell part
		// of the story, and a shared gateway's attachments are seen from
		// both accounts.
		mergeAttachment(h, other.(*model.TGWAttachment))
		return h, false
	case *model.PrefixList:
		o := other.(*model.PrefixList)
		mergePrefixList(h, o)
		return h, !h.AWSManaged && !sameScope(&h.Meta, &o.Meta)
	case *model.VPCPeering:
		// Seen from both accounts or regions: prefer the requester's view.
		o := other.(*model.VPCPeering)
		if requesterView(o) && !requesterView(h) {
			return clone(o), false
		}
		return h, false
	}
	return held, !sameScope(held.Base(), other.Base())
}

func requesterView(p *model.VPCPeering) bool {
	return p.Account == p.Requester.OwnerID && p.Region == p.Requester.Region
}

// fill sets *dst to src when *dst is the zero value.
func fill[T comparable](dst *T, src T) {
	var zero T
	if *dst == zero {
		*dst = src
	}
}

func mergeAttachment(h, o *model.TGWAttachment) {
	fill(&h.Account, o.Account)
	fill(&h.Region, o.Region)
	if h.Tags == nil {
		h.Tags = o.Tags
	}
	fill(&h.TransitGatewayOwnerID, o.TransitGatewayOwnerID)
	fill(&h.ResourceType, o.ResourceType)
	fill(&h.ResourceID, o.ResourceID)
	fill(&h.ResourceOwnerID, o.ResourceOwnerID)
	fill(&h.State, o.State)
	fill(&h.Association, o.Association)
	if h.SubnetIDs == nil {
		h.SubnetIDs = o.SubnetIDs
	}
	h.ApplianceModeSupport = h.ApplianceModeSupport || o.ApplianceModeSupport
	h.SecurityGroupReferencingSupport = h.SecurityGroupReferencingSupport || o.SecurityGroupReferencingSupport
}

func mergePrefixList(h, o *model.PrefixList) {
	if h.Tags == nil {
		h.Tags = o.Tags
	}
	fill(&h.Name, o.Name)
	fill(&h.AddressFamily, o.AddressFamily)
	fill(&h.MaxEntries, o.MaxEntries)
	fill(&h.State, o.State)
	h.AWSManaged = h.AWSManaged || o.AWSManaged
	h.Entries = mergeEntries(h.Entries, o.Entries)
}

// mergeEntries returns the union of two entry lists by CIDR, keeping the
// first non-empty description.
func mergeEntries(a, b []model.PrefixListEntry) []model.PrefixListEntry {
	out := slices.Clone(a)
	for _, e := range b {
		i := slices.IndexFunc(out, func(x model.PrefixListEntry) bool { return x.CIDR == e.CIDR })
		switch {
		case i < 0:
			out = append(out, e)
		case out[i].Description == "":
			out[i].Description = e.Description
		}
	}
	return out
}

// clone returns a copy of r that can be changed without changing r: a
// shallow copy, with the slices the resolver changes in place copied too.
func clone(r model.Resource) model.Resource {
	switch v := r.(type) {
	case *model.VPC:
		return ptr(*v)
	case *model.Subnet:
		return ptr(*v)
	case *model.RouteTable:
		return ptr(*v)
	case *model.SecurityGroup:
		return ptr(*v)
	case *model.NetworkACL:
		return ptr(*v)
	case *model.NetworkInterface:
		c := *v
		c.PrivateIPs = slices.Clone(v.PrivateIPs)
		return &c
	case *model.Instance:
		return ptr(*v)
	case *model.InternetGateway:
		return ptr(*v)
	case *model.EgressOnlyInternetGateway:
		return ptr(*v)
	case *model.NATGateway:
		return ptr(*v)
	case *model.VPNGateway:
		return ptr(*v)
	case *model.VPCPeering:
		return ptr(*v)
	case *model.TransitGateway:
		return ptr(*v)
	case *model.TGWAttachment:
		return ptr(*v)
	case *model.TGWRouteTable:
		c := *v
		c.Routes = slices.Clone(v.Routes)
		c.Associations = slices.Clone(v.Associations)
		c.Propagations = slices.Clone(v.Propagations)
		return &c
	case *model.VPCEndpoint:
		return ptr(*v)
	case *model.PrefixList:
		c := *v
		c.Entries = slices.Clone(v.Entries)
		return &c
	case *model.LoadBalancer:
		c := *v
		c.AvailabilityZones = slices.Clone(v.AvailabilityZones)
		for i := range c.AvailabilityZones {
			c.AvailabilityZones[i].Addresses = slices.Clone(c.AvailabilityZones[i].Addresses)
		}
		c.Listeners = slices.Clone(v.Listeners)
		c.Attributes = nil
		setAttrs(&c.Attributes, v.Attributes)
		return &c
	case *model.TargetGroup:
		c := *v
		c.LoadBalancerARNs = slices.Clone(v.LoadBalancerARNs)
		c.Targets = slices.Clone(v.Targets)
		c.Attributes = nil
		setAttrs(&c.Attributes, v.Attributes)
		return &c
	}
	return r
}

func ptr[T any](v T) *T { return &v }

// setAttrs copies attributes into *m, making the map when needed.
func setAttrs(m *map[string]string, attrs map[string]string) {
	if len(attrs) == 0 {
		return
	}
	if *m == nil {
		*m = make(map[string]string, len(attrs))
	}
	for k, v := range attrs {
		(*m)[k] = v
	}
}

// sortSnapshot orders every kind by region, then ID (then account, and
// for transit gateway attachments the gateway).
func sortSnapshot(s *model.Snapshot) {
	sortResources(s.VPCs)
	sortResources(s.Subnets)
	sortResources(s.RouteTables)
	sortResources(s.SecurityGroups)
	sortResources(s.NetworkACLs)
	sortResources(s.NetworkInterfaces)
	sortResources(s.Instances)
	sortResources(s.InternetGateways)
	sortResources(s.EgressOnlyInternetGateways)
	sortResources(s.NATGateways)
	sortResources(s.VPNGateways)
	sortResources(s.VPCPeerings)
	sortResources(s.TransitGateways)
	slices.SortStableFunc(s.TGWAttachments, func(a, b *model.TGWAttachment) int {
		return cmp.Compare(a.TransitGatewayID, b.TransitGatewayID)
	})
	sortResources(s.TGWAttachments)
	sortResources(s.TGWRouteTables)
	sortResources(s.VPCEndpoints)
	sortResources(s.PrefixLists)
	sortResources(s.LoadBalancers)
	sortResources(s.TargetGroups)
}

func sortResources[T model.Resource](xs []T) {
	slices.SortStableFunc(xs, func(a, b T) int {
		ma, mb := a.Base(), b.Base()
		return cmp.Or(cmp.Compare(ma.Region, mb.Region), cmp.Compare(ma.ID, mb.ID),
			cmp.Compare(ma.Account, mb.Account))
	})
}
