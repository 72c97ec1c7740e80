package model

import "net/netip"

// GatewayAttachment ties an internet, egress-only or VPN gateway to a VPC.
type GatewayAttachment struct {
	VPCID string `json:"vpcId"`
	// State is attaching, attached (available for internet gateways),
	// detaching or detached.
	State string `json:"state,omitempty"`
}

// Attached reports whether the attachment carries traffic.
func (a GatewayAttachment) Attached() bool {
	return a.State == "" || a.State == "attached" || a.State == "available"
}

// InternetGateway connects a VPC to the internet.
type InternetGateway struct {
	Meta
	Attachments []GatewayAttachment `json:"attachments,omitempty"`
}

// Kind implements Resource.
func (*InternetGateway) Kind() Kind { return KindInternetGateway }

// AttachedTo reports whether the gateway is attached to the VPC.
func (g *InternetGateway) AttachedTo(vpcID string) bool { return attachedTo(g.Attachments, vpcID) }

// EgressOnlyInternetGateway lets IPv6 traffic out of a VPC and its replies back in.
type EgressOnlyInternetGateway struct {
	Meta
	Attachments []GatewayAttachment `json:"attachments,omitempty"`
}

// Kind implements Resource.
func (*EgressOnlyInternetGateway) Kind() Kind { return KindEgressOnlyInternetGateway }

// AttachedTo reports whether the gateway is attached to the VPC.
func (g *EgressOnlyInternetGateway) AttachedTo(vpcID string) bool {
	return attachedTo(g.Attachments, vpcID)
}

// VPNGateway is a virtual private gateway: the VPC side of a site-to-site VPN
// or Direct Connect. The model treats what lies beyond it as outside.
type VPNGateway struct {
	Meta
	State       string              `json:"state,omitempty"`
	Attachments []GatewayAttachment `json:"attachments,omitempty"`
}

// Kind implements Resource.
func (*VPNGateway) Kind() Kind { return KindVPNGateway }

func attachedTo(as []GatewayAttachment, vpcID string) bool {
	for _, a := range as {
		if a.VPCID == vpcID && a.Attached() {
			return true
		}
	}
	return false
}

// NATGateway translates the source address of outbound traffic.
type NATGateway struct {
	Meta
	VPCID    string `json:"vpcId"`
	SubnetID string `json:"subnetId"`
	// State is pending, failed, available, deleting or deleted.
	State string `json:"state,omitempty"`
	// ConnectivityType is public (the default) or private.
	ConnectivityType string       `json:"connectivityType,omitempty"`
	Addresses        []NATAddress `json:"addresses,omitempty"`
}

// Kind implements Resource.
func (*NATGateway) Kind() Kind { return KindNATGateway }

// IsPrivate reports whether the NAT gateway is a private one (no internet).
func (g *NATGateway) IsPrivate() bool { return g.ConnectivityType == "private" }

// NATAddress is one address of a NAT gateway.
type NATAddress struct {
	NetworkInterfaceID string     `json:"networkInterfaceId,omitempty"`
	PrivateIP          netip.Addr `json:"privateIp,omitzero"`
	PublicIP           netip.Addr `json:"publicIp,omitzero"`
	AllocationID       string     `json:"allocationId,omitempty"`
}

// VPCPeering is a VPC peering connection between two VPCs, possibly in
// different accounts or regions.
type VPCPeering struct {
	Meta
	// Status is AWS's status code: active, pending-acceptance, deleted, ...
	Status    string      `json:"status"`
	Requester PeeringSide `json:"requester"`
	Accepter  PeeringSide `json:"accepter"`
}

// Kind implements Resource.
func (*VPCPeering) Kind() Kind { return KindVPCPeering }

// IsActive reports whether the connection carries traffic.
func (p *VPCPeering) IsActive() bool { return p.Status == "active" }

// Other returns the side that is not the VPC vpcID, and false when vpcID
// is on neither side.
func (p *VPCPeering) Other(vpcID string) (PeeringSide, bool) {
	switch vpcID {
	case p.Requester.VPCID:
		return p.Accepter, true
	case p.Accepter.VPCID:
		return p.Requester, true
	}
	return PeeringSide{}, false
}

// PeeringSide is one end of a peering connection.
type PeeringSide struct {
	VPCID     string         `json:"vpcId"`
	OwnerID   string         `json:"ownerId,omitempty"`
	Region    string         `json:"region,omitempty"`
	CIDRs     []netip.Prefix `json:"cidrs,omitempty"`
	IPv6CIDRs []netip.Prefix `json:"ipv6Cidrs,omitempty"`
}
