package awsjson

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// This file decodes gateways, peering connections, VPC endpoints and prefix
// lists.

type gatewayAttachmentJSON struct {
	VpcId string
	State string
}

func gatewayAttachments(as []gatewayAttachmentJSON) []model.GatewayAttachment {
	var out []model.GatewayAttachment
	for _, a := range as {
		out = append(out, model.GatewayAttachment{VPCID: a.VpcId, State: a.State})
	}
	return out
}

type internetGatewayJSON struct {
	tagged
	InternetGatewayId string
	OwnerId           string
	Attachments       []gatewayAttachmentJSON
}

func (d *docCtx) internetGateway(at string, v *internetGatewayJSON) {
	d.requireID(at, "InternetGatewayId", v.InternetGatewayId)
	d.out.add(&model.InternetGateway{
		Meta:        d.meta(v.InternetGatewayId, v.OwnerId, v.tags()),
		Attachments: gatewayAttachments(v.Attachments),
	})
}

type egressOnlyInternetGatewayJSON struct {
	tagged
	EgressOnlyInternetGatewayId string
	OwnerId                     string
	Attachments                 []gatewayAttachmentJSON
}

func (d *docCtx) egressOnlyInternetGateway(at string, v *egressOnlyInternetGatewayJSON) {
	d.requireID(at, "EgressOnlyInternetGatewayId", v.EgressOnlyInternetGatewayId)
	d.out.add(&model.EgressOnlyInternetGateway{
		Meta:        d.meta(v.EgressOnlyInternetGatewayId, v.OwnerId, v.tags()),
		Attachments: gatewayAttachments(v.Attachments),
	})
}

type vpnGatewayJSON struct {
	tagged
	VpnGatewayId   string
	State          string
	VpcAttachments []gatewayAttachmentJSON
}

func (d *docCtx) vpnGateway(at string, v *vpnGatewayJSON) {
	d.requireID(at, "VpnGatewayId", v.VpnGatewayId)
	d.out.add(&model.VPNGateway{
		Meta:        d.meta(v.VpnGatewayId, "", v.tags()),
		State:       v.State,
		Attachments: gatewayAttachments(v.VpcAttachments),
	})
}

type natGatewayJSON struct {
	tagged
	NatGatewayId        string
	VpcId               string
	SubnetId            string
	State               string
	ConnectivityType    string
	NatGatewayAddresses []struct {
		NetworkInterfaceId string
		PrivateIp          string
		PublicIp           string
		AllocationId       string
	}
}

func (d *docCtx) natGateway(at string, v *natGatewayJSON) {
	d.requireID(at, "NatGatewayId", v.NatGatewayId)
	out := &model.NATGateway{
		Meta:             d.meta(v.NatGatewayId, "", v.tags()),
		VPCID:            v.VpcId,
		SubnetID:         v.SubnetId,
		State:            v.State,
		ConnectivityType: v.ConnectivityType,
	}
	if out.ConnectivityType == "" {
		out.ConnectivityType = "public"
	}
	for i, a := range v.NatGatewayAddresses {
		aat := field(at, "NatGatewayAddresses", i)
		out.Addresses = append(out.Addresses, model.NATAddress{
			NetworkInterfaceID: a.NetworkInterfaceId,
			PrivateIP:          d.addr(aat, "PrivateIp", a.PrivateIp),
			PublicIP:           d.addr(aat, "PublicIp", a.PublicIp),
			AllocationID:       a.AllocationId,
		})
	}
	d.out.add(out)
}

type peeringSideJSON struct {
	VpcId        string
	OwnerId      string
	Region       string
	CidrBlock    string
	CidrBlockSet []struct {
		CidrBlock string
	}
	Ipv6CidrBlockSet []struct {
		Ipv6CidrBlock string
	}
}

type vpcPeeringJSON struct {
	tagged
	VpcPeeringConnectionId string
	Status                 struct{ Code string }
	RequesterVpcInfo       peeringSideJSON
	AccepterVpcInfo        peeringSideJSON
}

func (d *docCtx) peeringSide(at string, v *peeringSideJSON) model.PeeringSide {
	out := model.PeeringSide{VPCID: v.VpcId, OwnerID: v.OwnerId, Region: v.Region}
	for i, c := range v.CidrBlockSet {
		p := d.prefix(field(at, "CidrBlockSet", i), "CidrBlock", c.CidrBlock)
		if p.IsValid() && !containsPrefix(out.CIDRs, p) {
			out.CIDRs = append(out.CIDRs, p)
		}
	}
	if p := d.prefix(at, "CidrBlock", v.CidrBlock); p.IsValid() && !containsPrefix(out.CIDRs, p) {
		out.CIDRs = append([]netip.Prefix{p}, out.CIDRs...)
	}
	for i, c := range v.Ipv6CidrBlockSet {
		out.IPv6CIDRs = d.appendPrefix(out.IPv6CIDRs, field(at, "Ipv6CidrBlockSet", i), "Ipv6CidrBlock", c.Ipv6CidrBlock)
	}
	return out
}

func (d *docCtx) vpcPeering(at string, v *vpcPeeringJSON) {
	d.requireID(at, "VpcPeeringConnectionId", v.VpcPeeringConnectionId)
	out := &model.VPCPeering{
		Status:    v.Status.Code,
		Requester: d.peeringSide(at+".RequesterVpcInfo", &v.RequesterVpcInfo),
		Accepter:  d.peeringSide(at+".AccepterVpcInfo", &v.AccepterVpcInfo),
	}
	// The connection has no owner field: it is seen from the document's
	// account, else from whichever side lives in the document's region
	// (the requester when both or neither do).
	owner, region := d.account, d.region
	if owner == "" {
		owner = out.Requester.OwnerID
		if d.region != "" && out.Requester.Region != d.region && out.Accepter.Region == d.region {
			owner = out.Accepter.OwnerID
		}
	}
	if region == "" {
		region = out.Requester.Region
	}
	out.Meta = model.Meta{ID: v.VpcPeeringConnectionId, Account: owner, Region: region, Tags: v.tags()}
	d.out.add(out)
}

type vpcEndpointJSON struct {
	tagged
	VpcEndpointId       string
	VpcEndpointType     string
	VpcId               string
	OwnerId             string
	ServiceName         string
	State               string
	RouteTableIds       []string
	SubnetIds           []string
	NetworkInterfaceIds []string
	Groups              []groupJSON
}

func (d *docCtx) vpcEndpoint(at string, v *vpcEndpointJSON) {
	d.requireID(at, "VpcEndpointId", v.VpcEndpointId)
	d.out.add(&model.VPCEndpoint{
		Meta:                d.meta(v.VpcEndpointId, v.OwnerId, v.tags()),
		VPCID:               v.VpcId,
		Type:                v.VpcEndpointType,
		ServiceName:         v.ServiceName,
		State:               v.State,
		RouteTableIDs:       nonEmpty(v.RouteTableIds),
		SubnetIDs:           nonEmpty(v.SubnetIds),
		NetworkInterfaceIDs: nonEmpty(v.NetworkInterfaceIds),
		SecurityGroupIDs:    groupIDs(v.Groups),
	})
}

// awsPrefixListJSON is an element of describe-prefix-lists: an AWS-managed
// service prefix list with its CIDRs.
type awsPrefixListJSON struct {
	PrefixListId   string
	PrefixListName string
	Cidrs          []string
}

func (d *docCtx) awsPrefixList(at string, v *awsPrefixListJSON) {
	d.requireID(at, "PrefixListId", v.PrefixListId)
	out := &model.PrefixList{
		// AWS owns these lists: they belong to no account of the snapshot.
		Meta:       model.Meta{ID: v.PrefixListId, Region: d.region},
		Name:       v.PrefixListName,
		Entries:    make([]model.PrefixListEntry, 0, len(v.Cidrs)),
		AWSManaged: true,
	}
	for i, c := range v.Cidrs {
		if p := d.prefix(at, "Cidrs["+strconv.Itoa(i)+"]", c); p.IsValid() {
			out.Entries = append(out.Entries, model.PrefixListEntry{CIDR: p})
		}
	}
	out.AddressFamily = addressFamily(out.Entries)
	d.out.add(out)
}

// addressFamily infers a list's address family from its entries.
func addressFamily(es []model.PrefixListEntry) string {
	if len(es) == 0 {
		return ""
	}
	if es[0].CIDR.Addr().Is4() {
		return "IPv4"
	}
	return "IPv6"
}

// managedPrefixListJSON is an element of describe-managed-prefix-lists; its
// entries come from a ManagedPrefixListEntries grouping.
type managedPrefixListJSON struct {
	tagged
	PrefixListId   string
	PrefixListName string
	AddressFamily  string
	MaxEntries     int32
	OwnerId        string
	State          string
}

func (d *docCtx) managedPrefixList(at string, v *managedPrefixListJSON) {
	d.requireID(at, "PrefixListId", v.PrefixListId)
	out := &model.PrefixList{
		Meta:          d.meta(v.PrefixListId, v.OwnerId, v.tags()),
		Name:          v.PrefixListName,
		AddressFamily: v.AddressFamily,
		MaxEntries:    v.MaxEntries,
		State:         v.State,
		AWSManaged:    strings.EqualFold(v.OwnerId, "AWS"),
	}
	if out.AWSManaged {
		out.Account = ""
	}
	d.out.add(out)
}

// prefixListEntries is a ManagedPrefixListEntries element: the entries of
// one list (get-managed-prefix-list-entries output with its list's ID).
type prefixListEntries struct {
	PrefixListID string
	Region       string
	Entries      []model.PrefixListEntry
}

type prefixListEntriesJSON struct {
	PrefixListId string
	Entries      []struct {
		Cidr        string
		Description string
	}
}

func (d *docCtx) prefixListEntries(at string, v *prefixListEntriesJSON) {
	out := prefixListEntries{PrefixListID: v.PrefixListId, Region: d.region, Entries: []model.PrefixListEntry{}}
	d.requireParent(at, "PrefixListId", v.PrefixListId)
	for i, e := range v.Entries {
		if p := d.prefix(field(at, "Entries", i), "Cidr", e.Cidr); p.IsValid() {
			out.Entries = append(out.Entries, model.PrefixListEntry{CIDR: p, Description: e.Description})
		}
	}
	d.out.plEntries = append(d.out.plEntries, out)
}
