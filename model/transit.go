package model

import "net/netip"

// TransitGateway is a regional router between VPCs, VPNs, Direct Connect
// and other transit gateways.
type TransitGateway struct {
	Meta
	State string `json:"state,omitempty"`
	// DefaultRouteTableAssociation and DefaultRouteTablePropagation say
	// whether new attachments are associated with / propagate to the
	// default route tables automatically.
	DefaultRouteTableAssociation    bool   `json:"defaultRouteTableAssociation,omitempty"`
	DefaultRouteTablePropagation    bool   `json:"defaultRouteTablePropagation,omitempty"`
	AssociationDefaultRouteTableID  string `json:"associationDefaultRouteTableId,omitempty"`
	PropagationDefaultRouteTableID  string `json:"propagationDefaultRouteTableId,omitempty"`
	SecurityGroupReferencingSupport bool   `json:"securityGroupReferencingSupport,omitempty"`
}

// Kind implements Resource.
func (*TransitGateway) Kind() Kind { return KindTransitGateway }

// TGWAttachment connects a transit gateway to a VPC, VPN, Direct Connect
// gateway, Connect peer or another transit gateway (peering).
type TGWAttachment struct {
	Meta
	TransitGatewayID      string `json:"transitGatewayId"`
	TransitGatewayOwnerID string `json:"transitGatewayOwnerId,omitempty"`
	// ResourceType is vpc, vpn, direct-connect-gateway, connect, peering or tgw-peering.
	ResourceType    string `json:"resourceType"`
	ResourceID      string `json:"resourceId,omitempty"`
	ResourceOwnerID string `json:"resourceOwnerId,omitempty"`
	// State is available, pending, deleted, ...
	State string `json:"state,omitempty"`
	// Association is the one route table that decides where traffic
	// arriving from this attachment goes.
	Association *TGWAssociation `json:"association,omitempty"`
	// SubnetIDs are, for VPC attachments, the subnets (one per AZ) where the
	// attachment has an interface.
	SubnetIDs []string `json:"subnetIds,omitempty"`
	// ApplianceModeSupport keeps both directions of a flow in one AZ.
	ApplianceModeSupport            bool `json:"applianceModeSupport,omitempty"`
	SecurityGroupReferencingSupport bool `json:"securityGroupReferencingSupport,omitempty"`
}

// Kind implements Resource.
func (*TGWAttachment) Kind() Kind { return KindTGWAttachment }

// IsAvailable reports whether the attachment carries traffic.
func (a *TGWAttachment) IsAvailable() bool { return a.State == "" || a.State == "available" }

// TGWAssociation is an attachment's route table association.
type TGWAssociation struct {
	RouteTableID string `json:"routeTableId"`
	State        string `json:"state,omitempty"`
}

// TGWRouteTable is a transit gateway route table.
type TGWRouteTable struct {
	Meta
	TransitGatewayID   string `json:"transitGatewayId"`
	State              string `json:"state,omitempty"`
	DefaultAssociation bool   `json:"defaultAssociation,omitempty"`
	DefaultPropagation bool   `json:"defaultPropagation,omitempty"`
	// Routes are the routes as collected: always the static ones, and the
	// propagated ones when the collector searched for them.
	Routes []TGWRoute `json:"routes,omitempty"`
	// Associations and Propagations name the attachments that use this
	// table and that propagate their routes into it.
	Associations []TGWRouteTableLink `json:"associations,omitempty"`
	Propagations []TGWRouteTableLink `json:"propagations,omitempty"`
}

// Kind implements Resource.
func (*TGWRouteTable) Kind() Kind { return KindTGWRouteTable }

// TGWRoute is one transit gateway route.
type TGWRoute struct {
	Destination  netip.Prefix `json:"destination,omitzero"`
	PrefixListID string       `json:"prefixListId,omitempty"`
	// Type is static or propagated.
	Type string `json:"type,omitempty"`
	// State is active or blackhole.
	State       string               `json:"state,omitempty"`
	Attachments []TGWRouteAttachment `json:"attachments,omitempty"`
}

// IsBlackhole reports whether the route drops traffic.
func (r *TGWRoute) IsBlackhole() bool { return r.State == "blackhole" }

// TGWRouteAttachment is the next hop of a transit gateway route.
type TGWRouteAttachment struct {
	AttachmentID string `json:"attachmentId"`
	ResourceID   string `json:"resourceId,omitempty"`
	ResourceType string `json:"resourceType,omitempty"`
}

// TGWRouteTableLink is an association or propagation of a route table.
type TGWRouteTableLink struct {
	AttachmentID string `json:"attachmentId"`
	ResourceID   string `json:"resourceId,omitempty"`
	ResourceType string `json:"resourceType,omitempty"`
	State        string `json:"state,omitempty"`
}
