package awsjson

import (
	"github.com/vpcscope/vpcscope/model"
)

// This file decodes transit gateways, their attachments and route tables,
// and the groupings that carry route table routes, propagations and
// associations.

type transitGatewayJSON struct {
	tagged
	TransitGatewayId string
	OwnerId          string
	State            string
	Options          struct {
		DefaultRouteTableAssociation    string
		DefaultRouteTablePropagation    string
		AssociationDefaultRouteTableId  string
		PropagationDefaultRouteTableId  string
		SecurityGroupReferencingSupport string
	}
}

func (d *docCtx) transitGateway(at string, v *transitGatewayJSON) {
	d.requireID(at, "TransitGatewayId", v.TransitGatewayId)
	o := &v.Options
	d.out.add(&model.TransitGateway{
		Meta:                            d.meta(v.TransitGatewayId, v.OwnerId, v.tags()),
		State:                           v.State,
		DefaultRouteTableAssociation:    enabled(o.DefaultRouteTableAssociation),
		DefaultRouteTablePropagation:    enabled(o.DefaultRouteTablePropagation),
		AssociationDefaultRouteTableID:  o.AssociationDefaultRouteTableId,
		PropagationDefaultRouteTableID:  o.PropagationDefaultRouteTableId,
		SecurityGroupReferencingSupport: enabled(o.SecurityGroupReferencingSupport),
	})
}

// tgwAttachmentJSON is an element of describe-transit-gateway-attachments.
type tgwAttachmentJSON struct {
	tagged
	TransitGatewayAttachmentId string
	TransitGatewayId           string
	TransitGatewayOwnerId      string
	ResourceType               string
	ResourceId                 string
	ResourceOwnerId            string
	State                      string
	Association                *struct {
		TransitGatewayRouteTableId string
		State                      string
	}
}

func (d *docCtx) tgwAttachment(at string, v *tgwAttachmentJSON) {
	d.requireID(at, "TransitGatewayAttachmentId", v.TransitGatewayAttachmentId)
	out := &model.TGWAttachment{
		Meta:                  d.meta(v.TransitGatewayAttachmentId, v.TransitGatewayOwnerId, v.tags()),
		TransitGatewayID:      v.TransitGatewayId,
		TransitGatewayOwnerID: v.TransitGatewayOwnerId,
		ResourceType:          v.ResourceType,
		ResourceID:            v.ResourceId,
		ResourceOwnerID:       v.ResourceOwnerId,
		State:                 v.State,
	}
	if a := v.Association; a != nil && a.TransitGatewayRouteTableId != "" {
		out.Association = &model.TGWAssociation{RouteTableID: a.TransitGatewayRouteTableId, State: a.State}
	}
	d.out.add(out)
}

// tgwVPCAttachmentJSON is an element of describe-transit-gateway-vpc-attachments.
type tgwVPCAttachmentJSON struct {
	tagged
	TransitGatewayAttachmentId string
	TransitGatewayId           string
	VpcId                      string
	VpcOwnerId                 string
	State                      string
	SubnetIds                  []string
	Options                    struct {
		ApplianceModeSupport            string
		SecurityGroupReferencingSupport string
	}
}

func (d *docCtx) tgwVPCAttachment(at string, v *tgwVPCAttachmentJSON) {
	d.requireID(at, "TransitGatewayAttachmentId", v.TransitGatewayAttachmentId)
	d.out.add(&model.TGWAttachment{
		// The VPC attachment output does not name the gateway's owner.
		Meta:                            d.meta(v.TransitGatewayAttachmentId, "", v.tags()),
		TransitGatewayID:                v.TransitGatewayId,
		ResourceType:                    "vpc",
		ResourceID:                      v.VpcId,
		ResourceOwnerID:                 v.VpcOwnerId,
		State:                           v.State,
		SubnetIDs:                       nonEmpty(v.SubnetIds),
		ApplianceModeSupport:            enabled(v.Options.ApplianceModeSupport),
		SecurityGroupReferencingSupport: enabled(v.Options.SecurityGroupReferencingSupport),
	})
}

type peeringTGWInfoJSON struct {
	TransitGatewayId string
	OwnerId          string
	Region           string
}

// tgwPeeringAttachmentJSON is an element of
// describe-transit-gateway-peering-attachments: one record for both ends.
type tgwPeeringAttachmentJSON struct {
	tagged
	TransitGatewayAttachmentId string
	State                      string
	RequesterTgwInfo           peeringTGWInfoJSON
	AccepterTgwInfo            peeringTGWInfoJSON
}

// tgwPeeringAttachment adds the attachment as each end in the document's
// region sees it (both ends when the region is unknown): attached to the
// local gateway, with the remote gateway as its resource.
func (d *docCtx) tgwPeeringAttachment(at string, v *tgwPeeringAttachmentJSON) {
	d.requireID(at, "TransitGatewayAttachmentId", v.TransitGatewayAttachmentId)
	ends := [2][2]*peeringTGWInfoJSON{
		{&v.RequesterTgwInfo, &v.AccepterTgwInfo},
		{&v.AccepterTgwInfo, &v.RequesterTgwInfo},
	}
	for _, e := range ends {
		local, remote := e[0], e[1]
		if d.region != "" && local.Region != d.region {
			continue
		}
		if d.account != "" && local.OwnerId != "" && local.OwnerId != d.account {
			continue
		}
		out := &model.TGWAttachment{
			Meta:                  d.meta(v.TransitGatewayAttachmentId, local.OwnerId, v.tags()),
			TransitGatewayID:      local.TransitGatewayId,
			TransitGatewayOwnerID: local.OwnerId,
			ResourceType:          "peering",
			ResourceID:            remote.TransitGatewayId,
			ResourceOwnerID:       remote.OwnerId,
			State:                 v.State,
		}
		if out.Region == "" {
			out.Region = local.Region
		}
		d.out.add(out)
	}
}

type tgwRouteTableJSON struct {
	tagged
	TransitGatewayRouteTableId   string
	TransitGatewayId             string
	State                        string
	DefaultAssociationRouteTable bool
	DefaultPropagationRouteTable bool
}

func (d *docCtx) tgwRouteTable(at string, v *tgwRouteTableJSON) {
	d.requireID(at, "TransitGatewayRouteTableId", v.TransitGatewayRouteTableId)
	d.out.add(&model.TGWRouteTable{
		Meta:               d.meta(v.TransitGatewayRouteTableId, "", v.tags()),
		TransitGatewayID:   v.TransitGatewayId,
		State:              v.State,
		DefaultAssociation: v.DefaultAssociationRouteTable,
		DefaultPropagation: v.DefaultPropagationRouteTable,
	})
}

// tgwRouteSet is a TransitGatewayStaticRoutes element: routes of one table
// (search-transit-gateway-routes output with its table's ID).
type tgwRouteSet struct {
	RouteTableID string
	Routes       []model.TGWRoute
	Truncated    bool
	File         string
}

type tgwRouteSetJSON struct {
	TransitGatewayRouteTableId string
	AdditionalRoutesAvailable  bool
	Routes                     []struct {
		DestinationCidrBlock      string
		PrefixListId              string
		Type                      string
		State                     string
		TransitGatewayAttachments []tgwLinkJSON
	}
}

func (d *docCtx) tgwRoutes(at string, v *tgwRouteSetJSON) {
	d.requireParent(at, "TransitGatewayRouteTableId", v.TransitGatewayRouteTableId)
	set := tgwRouteSet{
		RouteTableID: v.TransitGatewayRouteTableId,
		Routes:       make([]model.TGWRoute, 0, len(v.Routes)),
		Truncated:    v.AdditionalRoutesAvailable,
		File:         d.name,
	}
	for i, r := range v.Routes {
		route := model.TGWRoute{
			Destination:  d.prefix(field(at, "Routes", i), "DestinationCidrBlock", r.DestinationCidrBlock),
			PrefixListID: r.PrefixListId,
			Type:         r.Type,
			State:        r.State,
		}
		for _, a := range r.TransitGatewayAttachments {
			route.Attachments = append(route.Attachments, model.TGWRouteAttachment{
				AttachmentID: a.TransitGatewayAttachmentId,
				ResourceID:   a.ResourceId,
				ResourceType: a.ResourceType,
			})
		}
		set.Routes = append(set.Routes, route)
	}
	d.out.tgwRoutes = append(d.out.tgwRoutes, set)
}

// tgwLinkSet is a TransitGatewayPropagations or TransitGatewayAssociations
// element: the propagations or associations of one route table.
type tgwLinkSet struct {
	RouteTableID string
	Links        []model.TGWRouteTableLink
}

type tgwLinkJSON struct {
	TransitGatewayAttachmentId string
	ResourceId                 string
	ResourceType               string
	State                      string
}

func tgwLinks(ls []tgwLinkJSON) []model.TGWRouteTableLink {
	out := make([]model.TGWRouteTableLink, 0, len(ls))
	for _, l := range ls {
		out = append(out, model.TGWRouteTableLink{
			AttachmentID: l.TransitGatewayAttachmentId,
			ResourceID:   l.ResourceId,
			ResourceType: l.ResourceType,
			State:        l.State,
		})
	}
	return out
}

type tgwPropagationsJSON struct {
	TransitGatewayRouteTableId           string
	TransitGatewayRouteTablePropagations []tgwLinkJSON
}

func (d *docCtx) tgwPropagations(at string, v *tgwPropagationsJSON) {
	d.requireParent(at, "TransitGatewayRouteTableId", v.TransitGatewayRouteTableId)
	d.out.tgwPropagations = append(d.out.tgwPropagations, tgwLinkSet{
		RouteTableID: v.TransitGatewayRouteTableId,
		Links:        tgwLinks(v.TransitGatewayRouteTablePropagations),
	})
}

type tgwAssociationsJSON struct {
	TransitGatewayRouteTableId string
	Associations               []tgwLinkJSON
}

func (d *docCtx) tgwAssociations(at string, v *tgwAssociationsJSON) {
	d.requireParent(at, "TransitGatewayRouteTableId", v.TransitGatewayRouteTableId)
	d.out.tgwAssociations = append(d.out.tgwAssociations, tgwLinkSet{
		RouteTableID: v.TransitGatewayRouteTableId,
		Links:        tgwLinks(v.Associations),
	})
}

// requireParent fails when a grouping element does not name its parent.
func (d *docCtx) requireParent(at, name, id string) {
	if id == "" {
		d.fail(at+"."+name, "missing "+name+": a "+d.key+" element names its parent", nil)
	}
}
