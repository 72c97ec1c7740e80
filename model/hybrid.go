package model

import "net/netip"

// VPNConnection is a Site-to-Site VPN connection between a customer
// gateway and a virtual private gateway or a transit gateway: two tunnels,
// and static routes (or BGP) for the customer's networks.
type VPNConnection struct {
	Meta
	CustomerGatewayID string `json:"customerGatewayId,omitempty"`
	// VPNGatewayID or TransitGatewayID is the AWS side.
	VPNGatewayID     string `json:"vpnGatewayId,omitempty"`
	TransitGatewayID string `json:"transitGatewayId,omitempty"`
	// State is pending, available, deleting or deleted.
	State string `json:"state,omitempty"`
	Type  string `json:"type,omitempty"`
	// StaticRoutesOnly is set when the connection uses static routes, not BGP.
	StaticRoutesOnly bool `json:"staticRoutesOnly,omitempty"`
	// Routes are the static routes to the customer's networks.
	Routes []VPNStaticRoute `json:"routes,omitempty"`
	// Tunnels are the tunnels' telemetry (VgwTelemetry).
	Tunnels []VPNTunnel `json:"tunnels,omitempty"`
	// LocalNetworkCIDR and RemoteNetworkCIDR are the connection's traffic
	// selectors (the customer side and the AWS side); zero means any.
	LocalNetworkCIDR  netip.Prefix `json:"localNetworkCidr,omitzero"`
	RemoteNetworkCIDR netip.Prefix `json:"remoteNetworkCidr,omitzero"`
}

// Kind implements Resource.
func (*VPNConnection) Kind() Kind { return KindVPNConnection }

// IsAvailable reports whether the connection carries traffic.
func (c *VPNConnection) IsAvailable() bool { return c.State == "" || c.State == "available" }

// TunnelsUp returns the tunnels whose status is UP.
func (c *VPNConnection) TunnelsUp() []VPNTunnel {
	var out []VPNTunnel
	for _, t := range c.Tunnels {
		if t.Status == "UP" {
			out = append(out, t)
		}
	}
	return out
}

// VPNStaticRoute is a static route of a VPN connection.
type VPNStaticRoute struct {
	Destination netip.Prefix `json:"destination"`
	// State is pending, available, deleting or deleted.
	State string `json:"state,omitempty"`
}

// VPNTunnel is one tunnel's telemetry.
type VPNTunnel struct {
	OutsideIP netip.Addr `json:"outsideIp,omitzero"`
	// Status is UP or DOWN.
	Status        string `json:"status"`
	StatusMessage string `json:"statusMessage,omitempty"`
	// AcceptedRouteCount is how many BGP routes the tunnel accepted.
	AcceptedRouteCount int32 `json:"acceptedRouteCount,omitempty"`
}

// CustomerGateway is the customer's side of a VPN connection.
type CustomerGateway struct {
	Meta
	BGPASN     string     `json:"bgpAsn,omitempty"`
	IPAddress  netip.Addr `json:"ipAddress,omitzero"`
	DeviceName string     `json:"deviceName,omitempty"`
	State      string     `json:"state,omitempty"`
	Type       string     `json:"type,omitempty"`
}

// Kind implements Resource.
func (*CustomerGateway) Kind() Kind { return KindCustomerGateway }

// DXGateway is a Direct Connect gateway: a global router between private
// or transit virtual interfaces and virtual private or transit gateways.
type DXGateway struct {
	Meta
	GatewayName   string `json:"name,omitempty"`
	AmazonSideASN int64  `json:"amazonSideAsn,omitempty"`
	// State is pending, available, deleting or deleted.
	State string `json:"state,omitempty"`
}

// Kind implements Resource.
func (*DXGateway) Kind() Kind { return KindDXGateway }

// DXGatewayAssociation ties a Direct Connect gateway to a virtual private
// gateway or a transit gateway, with the prefixes it advertises on-premises.
type DXGatewayAssociation struct {
	Meta
	DXGatewayID string `json:"directConnectGatewayId"`
	// AssociatedGatewayID is a vgw-… or tgw-… ID; AssociatedGatewayType
	// is virtualPrivateGateway or transitGateway.
	AssociatedGatewayID   string `json:"associatedGatewayId"`
	AssociatedGatewayType string `json:"associatedGatewayType,omitempty"`
	// State is associating, associated, disassociating, disassociated or updating.
	State string `json:"state,omitempty"`
	// AllowedPrefixes are the prefixes advertised to the on-premises
	// network: only they can be reached from there through this association.
	AllowedPrefixes []netip.Prefix `json:"allowedPrefixes,omitempty"`
}

// Kind implements Resource.
func (*DXGatewayAssociation) Kind() Kind { return KindDXGatewayAssociation }

// IsAssociated reports whether the association carries traffic.
func (a *DXGatewayAssociation) IsAssociated() bool {
	return a.State == "" || a.State == "associated" || a.State == "updating"
}

// DXVirtualInterface is a Direct Connect virtual interface: a VLAN with a
// BGP session on a Direct Connect connection.
type DXVirtualInterface struct {
	Meta
	InterfaceName string `json:"name,omitempty"`
	// Type is private, public or transit.
	Type string `json:"type"`
	// State is confirming, verifying, pending, available, down, deleting,
	// deleted, rejected or unknown.
	State        string `json:"state,omitempty"`
	ConnectionID string `json:"connectionId,omitempty"`
	VLAN         int32  `json:"vlan,omitempty"`
	// DXGatewayID or VirtualGatewayID is what the interface attaches to.
	DXGatewayID      string `json:"directConnectGatewayId,omitempty"`
	VirtualGatewayID string `json:"virtualGatewayId,omitempty"`
	// BGPPeers are the interface's BGP sessions' states (up or down).
	BGPPeers []DXBGPPeer `json:"bgpPeers,omitempty"`
	Location string      `json:"location,omitempty"`
}

// Kind implements Resource.
func (*DXVirtualInterface) Kind() Kind { return KindDXVirtualInterface }

// Up reports whether the interface carries traffic: available, with a BGP
// session up (or none listed).
func (v *DXVirtualInterface) Up() bool {
	if v.State != "" && v.State != "available" {
		return false
	}
	if len(v.BGPPeers) == 0 {
		return true
	}
	for _, p := range v.BGPPeers {
		if p.Status == "up" {
			return true
		}
	}
	return false
}

// DXBGPPeer is the state of one BGP session of a virtual interface.
type DXBGPPeer struct {
	AddressFamily string `json:"addressFamily,omitempty"`
	// State is verifying, pending, available, deleting or deleted; Status
	// is up, down or unknown.
	State  string `json:"state,omitempty"`
	Status string `json:"status,omitempty"`
}

// VPCEndpointService is an endpoint service this account provides: the
// service name consumers' endpoints name, and the load balancers behind it
// (a Gateway Load Balancer for inspection appliances).
type VPCEndpointService struct {
	Meta
	ServiceName string `json:"serviceName"`
	// ServiceType is Interface or GatewayLoadBalancer.
	ServiceType             string   `json:"serviceType,omitempty"`
	State                   string   `json:"state,omitempty"`
	GatewayLoadBalancerARNs []string `json:"gatewayLoadBalancerArns,omitempty"`
	NetworkLoadBalancerARNs []string `json:"networkLoadBalancerArns,omitempty"`
	AvailabilityZones       []string `json:"availabilityZones,omitempty"`
}

// Kind implements Resource.
func (*VPCEndpointService) Kind() Kind { return KindVPCEndpointService }
