package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Severity says what a Problem does to a load.
type Severity uint8

// The severities of a Problem.
const (
	// SeverityNote is something odd that a real account can still hold —
	// a route to a NAT gateway deleted since, an address outside its
	// subnet, a security group referenced in an account the snapshot does
	// not cover. The snapshot loads; the note is shown as a warning.
	SeverityNote Severity = iota
	// SeverityError is a value the AWS API cannot return — a port range
	// that runs backwards, a network ACL rule number outside 1-32766, a
	// CIDR with host bits set, an IPv6 block in an IPv4 field, one private
	// address on two interfaces of a VPC. An answer computed from it would
	// be a guess, so the load fails.
	SeverityError
)

// String returns "note" or "error".
func (s Severity) String() string {
	if s == SeverityError {
		return "error"
	}
	return "note"
}

// MarshalText implements encoding.TextMarshaler ("note", "error").
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Problem is one finding of Validate, located at a resource and, when it
// is about one value, at the field that holds it, named as in a snapshot
// file ("ingress[2].fromPort", "entries[0].ruleNumber").
type Problem struct {
	Severity Severity `json:"severity"`
	// Resource is the ID of the resource at fault; for a null element it
	// is empty and Field says where the element is.
	Resource string `json:"resource,omitempty"`
	// Field is the path of the value at fault inside the resource, or ""
	// when the problem is about the resource as a whole.
	Field string `json:"field,omitempty"`
	// Missing is the ID the resource names but the snapshot does not hold,
	// when the problem is a dangling reference; empty otherwise.
	Missing string `json:"missing,omitempty"`
	// Message says what is wrong.
	Message string `json:"message"`
}

// String renders "resource field: message", or "resource: message" when
// there is no field.
func (p Problem) String() string {
	where := strings.TrimSpace(p.Resource + " " + p.Field)
	if where == "" {
		return p.Message
	}
	return where + ": " + p.Message
}

// Problems is what Validate found, errors first, each group in the order
// the snapshot holds the resources.
type Problems []Problem

// Errors returns the problems of SeverityError.
func (ps Problems) Errors() Problems { return ps.bySeverity(SeverityError) }

// Notes returns the problems of SeverityNote.
func (ps Problems) Notes() Problems { return ps.bySeverity(SeverityNote) }

func (ps Problems) bySeverity(s Severity) Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == s {
			out = append(out, p)
		}
	}
	return out
}

// Err returns a *ValidationError holding the errors, or nil when there
// are none (notes alone never fail a load).
func (ps Problems) Err() error {
	if errs := ps.Errors(); len(errs) > 0 {
		return &ValidationError{Problems: errs}
	}
	return nil
}

// ValidationError is a snapshot that holds values the AWS API cannot
// return. Its message is one line: the first problem and how many more.
type ValidationError struct {
	// Problems are the errors found, at least one.
	Problems Problems
}

// Error renders the first problem and the count of the others.
func (e *ValidationError) Error() string {
	if len(e.Problems) == 0 {
		return "invalid snapshot"
	}
	msg := "invalid value: " + e.Problems[0].String()
	if n := len(e.Problems) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more)", n)
	}
	return msg
}

// Validate reports where a snapshot differs from what AWS would return.
//
// Errors (SeverityError) are values no AWS API emits and that would change
// answers: security group and network ACL port ranges that run backwards
// or leave 0-65535, ICMP types and codes outside -1..255 (and "all types"
// with one code), protocols outside -1..255, network ACL rule numbers
// outside 1-32766 or repeated in one direction, default "*" rules (32767,
// 32768) that are not "deny all", actions other than allow and deny, CIDRs
// with host bits set (AWS canonicalises every VPC, subnet, route, security
// group and network ACL block), IPv6 blocks or addresses in IPv4 fields and
// the reverse, empty or zoned addresses, listener and target ports outside
// 0-65535, prefix list entries of the wrong family, one private address on
// two interfaces of a VPC, overlapping subnets of a VPC, and null
// resources. An address on two interfaces or in two subnets would make
// the engine pick one at random; the rest would be read in a way AWS
// never does (a negative port as every port, a wrapped ICMP type as an
// echo request).
//
// Notes (SeverityNote) are what a real snapshot can hold because the
// account changed while it was read, a resource lives outside the covered
// accounts and Regions, or the snapshot was hand-written loosely:
// references to IDs the snapshot does not hold (Problem.Missing is set),
// malformed IDs, addresses outside their subnet, subnets outside their VPC,
// VPCs without exactly one main route table, default network ACL and
// default security group, local routes that do not cover the VPC, network
// ACLs without their final "*" rules, instances that disagree with their
// primary interface, transit gateway associations that the two sides
// record differently, and the like. Peering sides and security group
// references in an account/Region the snapshot does not cover are not
// reported missing, nor are the references of resources AWS still lists
// after deleting them (terminated instances, deleted NAT gateways, peering
// connections, transit gateway attachments and endpoints).
//
// Validate never panics and never changes the snapshot; a nil snapshot
// has no problems.
func Validate(s *Snapshot) Problems {
	if s == nil {
		return nil
	}
	c := newChecker(s)
	c.values()
	c.ids()
	c.vpcs()
	c.subnets()
	c.interfaces()
	c.instances()
	c.routeTables()
	c.networkACLs()
	c.securityGroups()
	c.gateways()
	c.peerings()
	c.transit()
	c.endpoints()
	c.loadBalancers()
	c.firewalls()
	c.hybrid()
	return c.out
}

// checker accumulates the problems of one snapshot. Its snapshot is a
// shallow copy of the one validated without null elements (reported once,
// as errors), so that no check dereferences nil.
type checker struct {
	s     *Snapshot
	byID  map[string]Resource
	scope map[Scope]bool
	out   Problems
}

func newChecker(s *Snapshot) *checker {
	c := &checker{scope: make(map[Scope]bool)}
	c.s = c.withoutNulls(s)
	n := 0
	for range c.s.All() {
		n++
	}
	c.byID = make(map[string]Resource, n)
	for r := range c.s.All() {
		if _, dup := c.byID[r.Base().ID]; !dup {
			c.byID[r.Base().ID] = r
		}
	}
	for _, sc := range c.s.Scopes {
		c.scope[sc] = true
	}
	return c
}

// withoutNulls returns a copy of s whose resource lists hold no nil
// pointer, reporting each one as an error located by list and index.
func (c *checker) withoutNulls(s *Snapshot) *Snapshot {
	out := *s
	out.VPCs = dropNulls(c, "vpcs", s.VPCs)
	out.Subnets = dropNulls(c, "subnets", s.Subnets)
	out.RouteTables = dropNulls(c, "routeTables", s.RouteTables)
	out.SecurityGroups = dropNulls(c, "securityGroups", s.SecurityGroups)
	out.NetworkACLs = dropNulls(c, "networkAcls", s.NetworkACLs)
	out.NetworkInterfaces = dropNulls(c, "networkInterfaces", s.NetworkInterfaces)
	out.Instances = dropNulls(c, "instances", s.Instances)
	out.InternetGateways = dropNulls(c, "internetGateways", s.InternetGateways)
	out.EgressOnlyInternetGateways = dropNulls(c, "egressOnlyInternetGateways", s.EgressOnlyInternetGateways)
	out.NATGateways = dropNulls(c, "natGateways", s.NATGateways)
	out.VPNGateways = dropNulls(c, "vpnGateways", s.VPNGateways)
	out.VPCPeerings = dropNulls(c, "vpcPeeringConnections", s.VPCPeerings)
	out.TransitGateways = dropNulls(c, "transitGateways", s.TransitGateways)
	out.TGWAttachments = dropNulls(c, "transitGatewayAttachments", s.TGWAttachments)
	out.TGWRouteTables = dropNulls(c, "transitGatewayRouteTables", s.TGWRouteTables)
	out.VPCEndpoints = dropNulls(c, "vpcEndpoints", s.VPCEndpoints)
	out.PrefixLists = dropNulls(c, "prefixLists", s.PrefixLists)
	out.LoadBalancers = dropNulls(c, "loadBalancers", s.LoadBalancers)
	out.TargetGroups = dropNulls(c, "targetGroups", s.TargetGroups)
	out.FlowLogs = dropNulls(c, "flowLogs", s.FlowLogs)
	out.NetworkFirewalls = dropNulls(c, "networkFirewalls", s.NetworkFirewalls)
	out.FirewallPolicies = dropNulls(c, "firewallPolicies", s.FirewallPolicies)
	out.FirewallRuleGroups = dropNulls(c, "firewallRuleGroups", s.FirewallRuleGroups)
	out.VPNConnections = dropNulls(c, "vpnConnections", s.VPNConnections)
	out.CustomerGateways = dropNulls(c, "customerGateways", s.CustomerGateways)
	out.DXGateways = dropNulls(c, "directConnectGateways", s.DXGateways)
	out.DXGatewayAssociations = dropNulls(c, "directConnectGatewayAssociations", s.DXGatewayAssociations)
	out.DXVirtualInterfaces = dropNulls(c, "directConnectVirtualInterfaces", s.DXVirtualInterfaces)
	out.VPCEndpointServices = dropNulls(c, "vpcEndpointServices", s.VPCEndpointServices)
	return &out
}

func dropNulls[T comparable](c *checker, list string, xs []T) []T {
	var zero T
	if !slices.Contains(xs, zero) {
		return xs
	}
	out := make([]T, 0, len(xs))
	for i, x := range xs {
		if x == zero {
			c.errorf("", at{list, i, ""}, "null element; every element of %s must be an object", list)
			continue
		}
		out = append(out, x)
	}
	return out
}

// add records a note about the resource as a whole.
func (c *checker) add(res, format string, args ...any) {
	c.out = append(c.out, Problem{Severity: SeverityNote, Resource: res, Message: fmt.Sprintf(format, args...)})
}

// errorf records an error about one value of the resource.
func (c *checker) errorf(res string, where at, format string, args ...any) {
	c.out = append(c.out, Problem{Severity: SeverityError, Resource: res, Field: where.String(), Message: fmt.Sprintf(format, args...)})
}

// missing reports that from names id (as what) but the snapshot lacks it.
func (c *checker) missing(from, id, what string) {
	c.out = append(c.out, Problem{Severity: SeverityNote, Resource: from, Missing: id,
		Message: fmt.Sprintf("%s %s is not in the snapshot", what, id)})
}

// covered reports whether the snapshot covers the account and region, so
// that a resource there that is absent counts as missing.
func (c *checker) covered(account, region string) bool {
	if account == "" || region == "" {
		return true
	}
	return c.scope[Scope{Account: account, Region: region}]
}

// at locates a value inside a resource: element i of a list field and a
// path below it ("ingress", 2, ".fromPort"), or a field outside any list
// (sub alone). Its text is built only when a problem is reported, so the
// checks of a large snapshot allocate nothing for values that pass.
type at struct {
	list string
	i    int
	sub  string
}

// String renders "ingress[2].fromPort", or sub alone.
func (a at) String() string {
	if a.list == "" {
		return a.sub
	}
	return a.list + "[" + strconv.Itoa(a.i) + "]" + a.sub
}
