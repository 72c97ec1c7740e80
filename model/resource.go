package model

import (
	"sort"
	"strings"
)

// Kind names a resource type. Its string form is the stable name used in
// snapshots, JSON output and the command line.
type Kind string

// The resource kinds of the model.
const (
	KindVPC                       Kind = "vpc"
	KindSubnet                    Kind = "subnet"
	KindRouteTable                Kind = "route-table"
	KindSecurityGroup             Kind = "security-group"
	KindNetworkACL                Kind = "network-acl"
	KindNetworkInterface          Kind = "network-interface"
	KindInstance                  Kind = "instance"
	KindInternetGateway           Kind = "internet-gateway"
	KindEgressOnlyInternetGateway Kind = "egress-only-internet-gateway"
	KindNATGateway                Kind = "nat-gateway"
	KindVPNGateway                Kind = "vpn-gateway"
	KindVPCPeering                Kind = "vpc-peering"
	KindTransitGateway            Kind = "transit-gateway"
	KindTGWAttachment             Kind = "transit-gateway-attachment"
	KindTGWRouteTable             Kind = "transit-gateway-route-table"
	KindVPCEndpoint               Kind = "vpc-endpoint"
	KindPrefixList                Kind = "prefix-list"
	KindLoadBalancer              Kind = "load-balancer"
	KindTargetGroup               Kind = "target-group"
	KindFlowLog                   Kind = "flow-log"
	KindNetworkFirewall           Kind = "network-firewall"
	KindFirewallPolicy            Kind = "firewall-policy"
	KindFirewallRuleGroup         Kind = "firewall-rule-group"
	KindVPNConnection             Kind = "vpn-connection"
	KindCustomerGateway           Kind = "customer-gateway"
	KindDXGateway                 Kind = "direct-connect-gateway"
	KindDXGatewayAssociation      Kind = "direct-connect-gateway-association"
	KindDXVirtualInterface        Kind = "direct-connect-virtual-interface"
	KindVPCEndpointService        Kind = "vpc-endpoint-service"
	KindWebACL                    Kind = "waf-web-acl"
	KindShieldProtection          Kind = "shield-protection"
)

// kindOrder lists every kind in a stable display order: containers first, then
// what they contain, then the things that connect them.
var kindOrder = []Kind{
	KindVPC, KindSubnet, KindRouteTable, KindNetworkACL, KindSecurityGroup,
	KindNetworkInterface, KindInstance, KindInternetGateway,
	KindEgressOnlyInternetGateway, KindNATGateway, KindVPNGateway,
	KindVPCPeering, KindTransitGateway, KindTGWAttachment, KindTGWRouteTable,
	KindVPCEndpoint, KindPrefixList, KindLoadBalancer, KindTargetGroup, KindFlowLog,
	KindNetworkFirewall, KindFirewallPolicy, KindFirewallRuleGroup, KindVPNConnection,
	KindCustomerGateway, KindDXGateway, KindDXGatewayAssociation, KindDXVirtualInterface,
	KindVPCEndpointService,
	KindWebACL, KindShieldProtection,
}

// Kinds returns every kind in a stable display order.
func Kinds() []Kind { return append([]Kind(nil), kindOrder...) }

// Meta is what every resource carries: its AWS ID, where it lives and its tags.
type Meta struct {
	// ID is the AWS ID (vpc-..., sg-...) or, for load balancers and target
	// groups, the ARN.
	ID string `json:"id"`
	// Account is the owning AWS account ID, when known.
	Account string `json:"account,omitempty"`
	// Region is the AWS region, e.g. us-east-1.
	Region string `json:"region,omitempty"`
	// Tags are the resource's tags, Name included.
	Tags Tags `json:"tags,omitempty"`
}

// Base returns the resource's metadata; it lets every resource type satisfy Resource.
func (m *Meta) Base() *Meta { return m }

// Name returns the value of the Name tag, or "" when there is none.
func (m *Meta) Name() string { return m.Tags["Name"] }

// Label returns "Name (id)" when the resource has a Name tag, else the ID.
func (m *Meta) Label() string {
	if n := m.Name(); n != "" {
		return n + " (" + m.ID + ")"
	}
	return m.ID
}

// Resource is implemented by every resource type of the model.
type Resource interface {
	Base() *Meta
	Kind() Kind
}

// Tags maps tag keys to values.
type Tags map[string]string

// String renders the tags as "k=v, k=v" sorted by key.
func (t Tags) String() string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + t[k]
	}
	return strings.Join(parts, ", ")
}
