package awsjson

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/vpcscope/vpcscope/model"
)

// resourceSet holds one copy of each resource, by identity.
type resourceSet struct {
	byKey  map[model.Key]model.Resource
	source map[model.Key]string // identity -> file it came from
}

func newResourceSet() *resourceSet {
	return &resourceSet{byKey: make(map[model.Key]model.Resource), source: make(map[model.Key]string)}
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
	_, ok := s.byKey[model.Identity(r)]
	return ok
}

// put adds a copy of r, or combines it with the record already held
// (model.Combine); a conflict is recorded in the report, naming both files.
func (s *resourceSet) put(r model.Resource, file string, rep *Report) {
	k := model.Identity(r)
	prev, ok := s.byKey[k]
	if !ok {
		s.byKey[k] = clone(r)
		s.source[k] = file
		return
	}
	if err := model.Combine(prev, r); err != nil {
		rep.Conflicts = append(rep.Conflicts, conflictError(s.source[k], file, err))
	}
}

// conflictError names the two files of a conflict.
func conflictError(first, second string, err error) error {
	var c *model.Conflict
	if !errors.As(err, &c) {
		return fmt.Errorf("%s and %s: %w", first, second, err)
	}
	if first == second {
		return fmt.Errorf("%s describes %s %s twice, differently: %s %s, then %s; keep one", first, c.Kind, c.ID, c.Field, c.Held, c.Other)
	}
	return fmt.Errorf("%s and %s both describe %s %s, differently: %s %s in the first, %s in the second; keep one", first, second, c.Kind, c.ID, c.Field, c.Held, c.Other)
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
	case *model.NetworkFirewall:
		c := *v
		c.Logging = slices.Clone(v.Logging)
		return &c
	case *model.WebACL:
		c := *v
		c.Resources = slices.Clone(v.Resources)
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

// fill sets *dst to src when *dst is the zero value.
func fill[T comparable](dst *T, src T) {
	var zero T
	if *dst == zero {
		*dst = src
	}
}

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
	sortResources(s.FlowLogs)
	sortResources(s.WebACLs)
	sortResources(s.ShieldProtections)
	sortResources(s.NetworkFirewalls)
	sortResources(s.FirewallPolicies)
	sortResources(s.FirewallRuleGroups)
	sortResources(s.VPNConnections)
	sortResources(s.CustomerGateways)
	sortResources(s.DXGateways)
	sortResources(s.DXGatewayAssociations)
	sortResources(s.DXVirtualInterfaces)
	sortResources(s.VPCEndpointServices)
}

func sortResources[T model.Resource](xs []T) {
	slices.SortStableFunc(xs, func(a, b T) int {
		ma, mb := a.Base(), b.Base()
		return cmp.Or(cmp.Compare(ma.Region, mb.Region), cmp.Compare(ma.ID, mb.ID),
			cmp.Compare(ma.Account, mb.Account))
	})
}
