package model

import (
	"fmt"
	"iter"
	"time"
)

// SchemaVersion is the newest version of the snapshot format this code
// writes: 2 holds the resources in parts, one per account and region (see
// model/snapfile), 1 in one flat list per kind. Readers accept every
// version up to this one and refuse newer ones.
const SchemaVersion = 2

// Snapshot is the network state of one or more accounts and regions at one
// time, with a record of what could not be collected.
type Snapshot struct {
	// Schema is the snapshot format version (SchemaVersion when written).
	Schema int `json:"schema"`
	// TakenAt is when the state was read.
	TakenAt time.Time `json:"takenAt,omitzero"`
	// Source says where the state came from: "aws" (a live pull),
	// "aws-cli" (a folder of describe-* outputs), "fixture" or "generated".
	Source string `json:"source,omitempty"`
	// Tool is the vpcscope version that wrote the snapshot.
	Tool string `json:"tool,omitempty"`
	// Description is a human note, e.g. what a fixture shows.
	Description string `json:"description,omitempty"`
	// Scopes are the account/region pairs the snapshot covers.
	Scopes []Scope `json:"scopes,omitempty"`
	// Gaps are the kinds that could not be collected, and why. Answers that
	// depend on them carry a caveat.
	Gaps []Gap `json:"gaps,omitempty"`
	// Placeholders are the IDs that stand for resources a Terraform plan
	// creates, known only after it is applied (PlaceholderID): the
	// network a plan would leave declares them, and Validate does not call
	// them malformed. An ID not listed here is checked as AWS writes it.
	Placeholders []string `json:"placeholders,omitempty"`

	VPCs                       []*VPC                       `json:"vpcs,omitempty"`
	Subnets                    []*Subnet                    `json:"subnets,omitempty"`
	RouteTables                []*RouteTable                `json:"routeTables,omitempty"`
	SecurityGroups             []*SecurityGroup             `json:"securityGroups,omitempty"`
	NetworkACLs                []*NetworkACL                `json:"networkAcls,omitempty"`
	NetworkInterfaces          []*NetworkInterface          `json:"networkInterfaces,omitempty"`
	Instances                  []*Instance                  `json:"instances,omitempty"`
	InternetGateways           []*InternetGateway           `json:"internetGateways,omitempty"`
	EgressOnlyInternetGateways []*EgressOnlyInternetGateway `json:"egressOnlyInternetGateways,omitempty"`
	NATGateways                []*NATGateway                `json:"natGateways,omitempty"`
	VPNGateways                []*VPNGateway                `json:"vpnGateways,omitempty"`
	VPCPeerings                []*VPCPeering                `json:"vpcPeeringConnections,omitempty"`
	TransitGateways            []*TransitGateway            `json:"transitGateways,omitempty"`
	TGWAttachments             []*TGWAttachment             `json:"transitGatewayAttachments,omitempty"`
	TGWRouteTables             []*TGWRouteTable             `json:"transitGatewayRouteTables,omitempty"`
	VPCEndpoints               []*VPCEndpoint               `json:"vpcEndpoints,omitempty"`
	PrefixLists                []*PrefixList                `json:"prefixLists,omitempty"`
	LoadBalancers              []*LoadBalancer              `json:"loadBalancers,omitempty"`
	TargetGroups               []*TargetGroup               `json:"targetGroups,omitempty"`
	FlowLogs                   []*FlowLog                   `json:"flowLogs,omitempty"`
	NetworkFirewalls           []*NetworkFirewall           `json:"networkFirewalls,omitempty"`
	FirewallPolicies           []*FirewallPolicy            `json:"firewallPolicies,omitempty"`
	FirewallRuleGroups         []*FirewallRuleGroup         `json:"firewallRuleGroups,omitempty"`
	VPNConnections             []*VPNConnection             `json:"vpnConnections,omitempty"`
	CustomerGateways           []*CustomerGateway           `json:"customerGateways,omitempty"`
	DXGateways                 []*DXGateway                 `json:"directConnectGateways,omitempty"`
	DXGatewayAssociations      []*DXGatewayAssociation      `json:"directConnectGatewayAssociations,omitempty"`
	DXVirtualInterfaces        []*DXVirtualInterface        `json:"directConnectVirtualInterfaces,omitempty"`
	VPCEndpointServices        []*VPCEndpointService        `json:"vpcEndpointServices,omitempty"`
	// FlowLogsListed is set when the source read the flow-log configuration
	// (DescribeFlowLogs answered, or a dump held its output), so that no
	// flow log means none exists; a scope whose call failed has a gap.
	// Snapshots from older vpcscope versions, fixtures and dumps without
	// describe-flow-logs output leave it unset.
	FlowLogsListed bool `json:"flowLogsListed,omitempty"`
	// WebACLs are the AWS WAF web ACLs of regional scope; WebACLsListed
	// is set, like FlowLogsListed, when the source read them (wafv2
	// ListWebACLs answered, or a dump held its output).
	WebACLs       []*WebACL `json:"webAcls,omitempty"`
	WebACLsListed bool      `json:"webAclsListed,omitempty"`
	// ShieldProtections are the AWS Shield Advanced protections; Shield
	// holds, per account whose subscription the source read, whether it
	// is subscribed. An account missing from Shield was not read.
	ShieldProtections []*ShieldProtection `json:"shieldProtections,omitempty"`
	Shield            []ShieldState       `json:"shield,omitempty"`
}

// ShieldFor returns what the source read of the account's Shield Advanced
// subscription, and false when it read nothing.
func (s *Snapshot) ShieldFor(account string) (ShieldState, bool) {
	for _, st := range s.Shield {
		if st.Account == account || st.Account == "" || account == "" {
			return st, true
		}
	}
	return ShieldState{}, false
}

// Scope is one account and region a snapshot covers.
type Scope struct {
	Account string `json:"account,omitempty"`
	Region  string `json:"region"`
}

// String renders "123456789012/us-east-1", or the region alone.
func (s Scope) String() string {
	if s.Account == "" {
		return s.Region
	}
	return s.Account + "/" + s.Region
}

// Gap records a resource kind that could not be collected in a scope.
type Gap struct {
	Account string `json:"account,omitempty"`
	// Region is empty for a gap that covers every region.
	Region string `json:"region,omitempty"`
	Kind   Kind   `json:"kind"`
	// Operation is the API call that failed, e.g. DescribeNetworkAcls.
	Operation string `json:"operation,omitempty"`
	// Code is the AWS error code, e.g. UnauthorizedOperation.
	Code string `json:"code,omitempty"`
	// Reason is a one-line human explanation.
	Reason string `json:"reason"`
}

// Where renders the account and region a gap covers:
// "111122223333/us-east-1", "111122223333 (all regions)", "us-east-1" or
// "all regions".
func (g Gap) Where() string {
	switch {
	case g.Account == "" && g.Region == "":
		return "all regions"
	case g.Region == "":
		return g.Account + " (all regions)"
	}
	return Scope{g.Account, g.Region}.String()
}

// String renders the gap in one line.
func (g Gap) String() string {
	s := fmt.Sprintf("%s not collected in %s", g.Kind, g.Where())
	if g.Operation != "" {
		s += " (" + g.Operation
		if g.Code != "" {
			s += ": " + g.Code
		}
		s += ")"
	}
	if g.Reason != "" {
		s += ": " + g.Reason
	}
	return s
}

// GapsFor returns the gaps for a kind that cover the account and region
// (a gap with an empty account or region covers them all).
func (s *Snapshot) GapsFor(kind Kind, account, region string) []Gap {
	var out []Gap
	for _, g := range s.Gaps {
		if g.Kind == kind && (g.Account == "" || account == "" || g.Account == account) &&
			(g.Region == "" || region == "" || g.Region == region) {
			out = append(out, g)
		}
	}
	return out
}

// All yields every resource in the snapshot, kind by kind in Kinds() order.
func (s *Snapshot) All() iter.Seq[Resource] {
	return func(yield func(Resource) bool) {
		_ = yieldEach(yield, s.VPCs) &&
			yieldEach(yield, s.Subnets) &&
			yieldEach(yield, s.RouteTables) &&
			yieldEach(yield, s.NetworkACLs) &&
			yieldEach(yield, s.SecurityGroups) &&
			yieldEach(yield, s.NetworkInterfaces) &&
			yieldEach(yield, s.Instances) &&
			yieldEach(yield, s.InternetGateways) &&
			yieldEach(yield, s.EgressOnlyInternetGateways) &&
			yieldEach(yield, s.NATGateways) &&
			yieldEach(yield, s.VPNGateways) &&
			yieldEach(yield, s.VPCPeerings) &&
			yieldEach(yield, s.TransitGateways) &&
			yieldEach(yield, s.TGWAttachments) &&
			yieldEach(yield, s.TGWRouteTables) &&
			yieldEach(yield, s.VPCEndpoints) &&
			yieldEach(yield, s.PrefixLists) &&
			yieldEach(yield, s.LoadBalancers) &&
			yieldEach(yield, s.TargetGroups) &&
			yieldEach(yield, s.FlowLogs) &&
			yieldEach(yield, s.NetworkFirewalls) &&
			yieldEach(yield, s.FirewallPolicies) &&
			yieldEach(yield, s.FirewallRuleGroups) &&
			yieldEach(yield, s.VPNConnections) &&
			yieldEach(yield, s.CustomerGateways) &&
			yieldEach(yield, s.DXGateways) &&
			yieldEach(yield, s.DXGatewayAssociations) &&
			yieldEach(yield, s.DXVirtualInterfaces) &&
			yieldEach(yield, s.VPCEndpointServices) &&
			yieldEach(yield, s.WebACLs) &&
			yieldEach(yield, s.ShieldProtections)
	}
}

func yieldEach[T Resource](yield func(Resource) bool, xs []T) bool {
	for _, x := range xs {
		if !yield(x) {
			return false
		}
	}
	return true
}

// Add appends a resource to the slice of its kind. It returns an error for
// a resource type the snapshot does not hold.
func (s *Snapshot) Add(r Resource) error {
	switch v := r.(type) {
	case *VPC:
		s.VPCs = append(s.VPCs, v)
	case *Subnet:
		s.Subnets = append(s.Subnets, v)
	case *RouteTable:
		s.RouteTables = append(s.RouteTables, v)
	case *SecurityGroup:
		s.SecurityGroups = append(s.SecurityGroups, v)
	case *NetworkACL:
		s.NetworkACLs = append(s.NetworkACLs, v)
	case *NetworkInterface:
		s.NetworkInterfaces = append(s.NetworkInterfaces, v)
	case *Instance:
		s.Instances = append(s.Instances, v)
	case *InternetGateway:
		s.InternetGateways = append(s.InternetGateways, v)
	case *EgressOnlyInternetGateway:
		s.EgressOnlyInternetGateways = append(s.EgressOnlyInternetGateways, v)
	case *NATGateway:
		s.NATGateways = append(s.NATGateways, v)
	case *VPNGateway:
		s.VPNGateways = append(s.VPNGateways, v)
	case *VPCPeering:
		s.VPCPeerings = append(s.VPCPeerings, v)
	case *TransitGateway:
		s.TransitGateways = append(s.TransitGateways, v)
	case *TGWAttachment:
		s.TGWAttachments = append(s.TGWAttachments, v)
	case *TGWRouteTable:
		s.TGWRouteTables = append(s.TGWRouteTables, v)
	case *VPCEndpoint:
		s.VPCEndpoints = append(s.VPCEndpoints, v)
	case *PrefixList:
		s.PrefixLists = append(s.PrefixLists, v)
	case *LoadBalancer:
		s.LoadBalancers = append(s.LoadBalancers, v)
	case *TargetGroup:
		s.TargetGroups = append(s.TargetGroups, v)
	case *FlowLog:
		s.FlowLogs = append(s.FlowLogs, v)
	case *NetworkFirewall:
		s.NetworkFirewalls = append(s.NetworkFirewalls, v)
	case *FirewallPolicy:
		s.FirewallPolicies = append(s.FirewallPolicies, v)
	case *FirewallRuleGroup:
		s.FirewallRuleGroups = append(s.FirewallRuleGroups, v)
	case *VPNConnection:
		s.VPNConnections = append(s.VPNConnections, v)
	case *CustomerGateway:
		s.CustomerGateways = append(s.CustomerGateways, v)
	case *DXGateway:
		s.DXGateways = append(s.DXGateways, v)
	case *DXGatewayAssociation:
		s.DXGatewayAssociations = append(s.DXGatewayAssociations, v)
	case *DXVirtualInterface:
		s.DXVirtualInterfaces = append(s.DXVirtualInterfaces, v)
	case *VPCEndpointService:
		s.VPCEndpointServices = append(s.VPCEndpointServices, v)
	case *WebACL:
		s.WebACLs = append(s.WebACLs, v)
	case *ShieldProtection:
		s.ShieldProtections = append(s.ShieldProtections, v)
	default:
		return fmt.Errorf("snapshot cannot hold a %T", r)
	}
	return nil
}

// Counts returns the number of resources of each kind.
func (s *Snapshot) Counts() map[Kind]int {
	out := make(map[Kind]int)
	for r := range s.All() {
		out[r.Kind()]++
	}
	return out
}
