package model

import (
	"net/netip"
	"strings"
)

// RouteTable is a VPC route table with its routes and associations.
type RouteTable struct {
	Meta
	VPCID        string                  `json:"vpcId"`
	Routes       []Route                 `json:"routes"`
	Associations []RouteTableAssociation `json:"associations,omitempty"`
	// PropagatingVGWs are the virtual private gateways whose routes (a VPN
	// connection's static routes, BGP routes) propagate into the table.
	PropagatingVGWs []string `json:"propagatingVgws,omitempty"`
}

// Kind implements Resource.
func (*RouteTable) Kind() Kind { return KindRouteTable }

// IsMain reports whether the table is its VPC's main route table.
func (rt *RouteTable) IsMain() bool {
	for _, a := range rt.Associations {
		if a.Main {
			return true
		}
	}
	return false
}

// RouteTableAssociation ties a route table to a subnet, to a gateway (an edge
// association for ingress routing), or marks it as the VPC's main table.
type RouteTableAssociation struct {
	ID        string `json:"id,omitempty"`
	Main      bool   `json:"main,omitempty"`
	SubnetID  string `json:"subnetId,omitempty"`
	GatewayID string `json:"gatewayId,omitempty"`
	// State is associated, associating, disassociating, disassociated or failed.
	State string `json:"state,omitempty"`
}

// Route is one entry of a VPC route table, in AWS's own shape: a
// destination (a CIDR or a prefix list) and exactly one target field set.
type Route struct {
	Destination             netip.Prefix `json:"destination,omitzero"`
	DestinationPrefixListID string       `json:"destinationPrefixListId,omitempty"`
	// GatewayID is "local", an internet gateway, a virtual private gateway
	// or a gateway VPC endpoint.
	GatewayID                   string `json:"gatewayId,omitempty"`
	EgressOnlyInternetGatewayID string `json:"egressOnlyInternetGatewayId,omitempty"`
	NATGatewayID                string `json:"natGatewayId,omitempty"`
	VPCPeeringConnectionID      string `json:"vpcPeeringConnectionId,omitempty"`
	TransitGatewayID            string `json:"transitGatewayId,omitempty"`
	NetworkInterfaceID          string `json:"networkInterfaceId,omitempty"`
	InstanceID                  string `json:"instanceId,omitempty"`
	LocalGatewayID              string `json:"localGatewayId,omitempty"`
	CarrierGatewayID            string `json:"carrierGatewayId,omitempty"`
	CoreNetworkARN              string `json:"coreNetworkArn,omitempty"`
	// State is active or blackhole (the target is gone).
	State string `json:"state,omitempty"`
	// Origin is CreateRouteTable, CreateRoute or EnableVgwRoutePropagation.
	Origin string `json:"origin,omitempty"`
}

// TargetKind says what a route points at.
type TargetKind string

// The kinds of route target.
const (
	TargetLocal            TargetKind = "local"
	TargetInternetGateway  TargetKind = "internet-gateway"
	TargetEgressOnlyIGW    TargetKind = "egress-only-internet-gateway"
	TargetNATGateway       TargetKind = "nat-gateway"
	TargetVPCPeering       TargetKind = "vpc-peering"
	TargetTransitGateway   TargetKind = "transit-gateway"
	TargetVPCEndpoint      TargetKind = "vpc-endpoint"
	TargetNetworkInterface TargetKind = "network-interface"
	TargetInstance         TargetKind = "instance"
	TargetVPNGateway       TargetKind = "vpn-gateway"
	TargetOther            TargetKind = "other"
	TargetNone             TargetKind = "none"
)

// RouteTarget is the interpreted target of a route.
type RouteTarget struct {
	Kind TargetKind `json:"kind"`
	ID   string     `json:"id,omitempty"`
}

// Target interprets the route's target fields. A route naming both an
// instance and its interface targets the interface.
func (r *Route) Target() RouteTarget {
	switch {
	case r.GatewayID == "local":
		return RouteTarget{TargetLocal, "local"}
	case strings.HasPrefix(r.GatewayID, "igw-"):
		return RouteTarget{TargetInternetGateway, r.GatewayID}
	case strings.HasPrefix(r.GatewayID, "vgw-"):
		return RouteTarget{TargetVPNGateway, r.GatewayID}
	case strings.HasPrefix(r.GatewayID, "vpce-"):
		return RouteTarget{TargetVPCEndpoint, r.GatewayID}
	case r.EgressOnlyInternetGatewayID != "":
		return RouteTarget{TargetEgressOnlyIGW, r.EgressOnlyInternetGatewayID}
	case r.NATGatewayID != "":
		return RouteTarget{TargetNATGateway, r.NATGatewayID}
	case r.VPCPeeringConnectionID != "":
		return RouteTarget{TargetVPCPeering, r.VPCPeeringConnectionID}
	case r.TransitGatewayID != "":
		return RouteTarget{TargetTransitGateway, r.TransitGatewayID}
	case r.NetworkInterfaceID != "":
		return RouteTarget{TargetNetworkInterface, r.NetworkInterfaceID}
	case r.InstanceID != "":
		return RouteTarget{TargetInstance, r.InstanceID}
	case r.GatewayID != "":
		return RouteTarget{TargetOther, r.GatewayID}
	case r.LocalGatewayID != "":
		return RouteTarget{TargetOther, r.LocalGatewayID}
	case r.CarrierGatewayID != "":
		return RouteTarget{TargetOther, r.CarrierGatewayID}
	case r.CoreNetworkARN != "":
		return RouteTarget{TargetOther, r.CoreNetworkARN}
	}
	return RouteTarget{Kind: TargetNone}
}

// IsBlackhole reports whether the route's target is not available (AWS's
// blackhole state: deleted, or a gateway detached from the VPC).
func (r *Route) IsBlackhole() bool { return r.State == "blackhole" }

// DestinationString renders the destination CIDR or prefix list ID.
func (r *Route) DestinationString() string {
	if r.DestinationPrefixListID != "" {
		return r.DestinationPrefixListID
	}
	return r.Destination.String()
}
