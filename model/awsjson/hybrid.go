package awsjson

import (
	"github.com/vpcscope/vpcscope/model"
)

// This file decodes VPN connections, customer gateways, Direct Connect
// (whose CLI output spells its fields in lowerCamelCase; encoding/json
// matches them either way) and endpoint service configurations. Secrets
// in these outputs — the customer gateway configuration, BGP auth keys —
// are never decoded.

type vpnConnectionJSON struct {
	tagged
	VpnConnectionId   string
	CustomerGatewayId string
	VpnGatewayId      string
	TransitGatewayId  string
	State             string
	Type              string
	Options           *struct {
		StaticRoutesOnly      bool
		LocalIpv4NetworkCidr  string
		RemoteIpv4NetworkCidr string
	}
	Routes []struct {
		DestinationCidrBlock string
		State                string
	}
	VgwTelemetry []struct {
		OutsideIpAddress   string
		Status             string
		StatusMessage      string
		AcceptedRouteCount int32
	}
}

func (d *docCtx) vpnConnection(at string, v *vpnConnectionJSON) {
	d.requireID(at, "VpnConnectionId", v.VpnConnectionId)
	out := &model.VPNConnection{Meta: d.meta(v.VpnConnectionId, "", v.tags()), CustomerGatewayID: v.CustomerGatewayId,
		VPNGatewayID: v.VpnGatewayId, TransitGatewayID: v.TransitGatewayId, State: v.State, Type: v.Type}
	if o := v.Options; o != nil {
		out.StaticRoutesOnly = o.StaticRoutesOnly
		out.LocalNetworkCIDR = d.prefix(at+".Options", "LocalIpv4NetworkCidr", o.LocalIpv4NetworkCidr)
		out.RemoteNetworkCIDR = d.prefix(at+".Options", "RemoteIpv4NetworkCidr", o.RemoteIpv4NetworkCidr)
	}
	for i, r := range v.Routes {
		out.Routes = append(out.Routes, model.VPNStaticRoute{Destination: d.prefix(field(at, "Routes", i), "DestinationCidrBlock", r.DestinationCidrBlock), State: r.State})
	}
	for i, t := range v.VgwTelemetry {
		out.Tunnels = append(out.Tunnels, model.VPNTunnel{OutsideIP: d.addr(field(at, "VgwTelemetry", i), "OutsideIpAddress", t.OutsideIpAddress),
			Status: t.Status, StatusMessage: t.StatusMessage, AcceptedRouteCount: t.AcceptedRouteCount})
	}
	d.out.add(out)
}

type customerGatewayJSON struct {
	tagged
	CustomerGatewayId string
	BgpAsn            string
	IpAddress         string
	DeviceName        string
	State             string
	Type              string
}

func (d *docCtx) customerGateway(at string, v *customerGatewayJSON) {
	d.requireID(at, "CustomerGatewayId", v.CustomerGatewayId)
	d.out.add(&model.CustomerGateway{Meta: d.meta(v.CustomerGatewayId, "", v.tags()), BGPASN: v.BgpAsn,
		IPAddress: d.addr(at, "IpAddress", v.IpAddress), DeviceName: v.DeviceName, State: v.State, Type: v.Type})
}

type dxGatewayJSON struct {
	DirectConnectGatewayId    string
	DirectConnectGatewayName  string
	AmazonSideAsn             int64
	OwnerAccount              string
	DirectConnectGatewayState string
}

func (d *docCtx) dxGateway(at string, v *dxGatewayJSON) {
	d.requireID(at, "directConnectGatewayId", v.DirectConnectGatewayId)
	d.out.add(&model.DXGateway{Meta: d.meta(v.DirectConnectGatewayId, v.OwnerAccount, nil), GatewayName: v.DirectConnectGatewayName,
		AmazonSideASN: v.AmazonSideAsn, State: v.DirectConnectGatewayState})
}

type dxAssociationJSON struct {
	AssociationId                    string
	DirectConnectGatewayId           string
	DirectConnectGatewayOwnerAccount string
	AssociationState                 string
	AssociatedGateway                *struct {
		Id   string
		Type string
	}
	VirtualGatewayId                      string
	AllowedPrefixesToDirectConnectGateway []struct{ Cidr string }
}

func (d *docCtx) dxAssociation(at string, v *dxAssociationJSON) {
	d.requireID(at, "associationId", v.AssociationId)
	out := &model.DXGatewayAssociation{Meta: d.meta(v.AssociationId, v.DirectConnectGatewayOwnerAccount, nil),
		DXGatewayID: v.DirectConnectGatewayId, State: v.AssociationState, AssociatedGatewayID: v.VirtualGatewayId,
		AssociatedGatewayType: "virtualPrivateGateway"}
	if g := v.AssociatedGateway; g != nil && g.Id != "" {
		out.AssociatedGatewayID, out.AssociatedGatewayType = g.Id, g.Type
	}
	for i, p := range v.AllowedPrefixesToDirectConnectGateway {
		out.AllowedPrefixes = d.appendPrefix(out.AllowedPrefixes, field(at, "allowedPrefixesToDirectConnectGateway", i), "cidr", p.Cidr)
	}
	d.out.add(out)
}

type dxVirtualInterfaceJSON struct {
	VirtualInterfaceId     string
	VirtualInterfaceName   string
	VirtualInterfaceType   string
	VirtualInterfaceState  string
	OwnerAccount           string
	ConnectionId           string
	Vlan                   int32
	DirectConnectGatewayId string
	VirtualGatewayId       string
	Location               string
	BgpPeers               []struct {
		AddressFamily string
		BgpPeerState  string
		BgpStatus     string
	}
	Tags []tagJSON
}

func (d *docCtx) dxVirtualInterface(at string, v *dxVirtualInterfaceJSON) {
	d.requireID(at, "virtualInterfaceId", v.VirtualInterfaceId)
	t := tagged{Tags: v.Tags}
	out := &model.DXVirtualInterface{Meta: d.meta(v.VirtualInterfaceId, v.OwnerAccount, t.tags()), InterfaceName: v.VirtualInterfaceName,
		Type: v.VirtualInterfaceType, State: v.VirtualInterfaceState, ConnectionID: v.ConnectionId, VLAN: v.Vlan,
		DXGatewayID: v.DirectConnectGatewayId, VirtualGatewayID: v.VirtualGatewayId, Location: v.Location}
	for _, p := range v.BgpPeers {
		out.BGPPeers = append(out.BGPPeers, model.DXBGPPeer{AddressFamily: p.AddressFamily, State: p.BgpPeerState, Status: p.BgpStatus})
	}
	d.out.add(out)
}

type serviceConfigurationJSON struct {
	tagged
	ServiceId               string
	ServiceName             string
	ServiceType             []struct{ ServiceType string }
	ServiceState            string
	AvailabilityZones       []string
	GatewayLoadBalancerArns []string
	NetworkLoadBalancerArns []string
}

func (d *docCtx) endpointService(at string, v *serviceConfigurationJSON) {
	d.requireID(at, "ServiceId", v.ServiceId)
	out := &model.VPCEndpointService{Meta: d.meta(v.ServiceId, "", v.tags()), ServiceName: v.ServiceName, State: v.ServiceState,
		AvailabilityZones: v.AvailabilityZones, GatewayLoadBalancerARNs: v.GatewayLoadBalancerArns, NetworkLoadBalancerARNs: v.NetworkLoadBalancerArns}
	if len(v.ServiceType) > 0 {
		out.ServiceType = v.ServiceType[0].ServiceType
	}
	d.out.add(out)
}
