package awsjson

import (
	"fmt"
	"net/netip"

	"github.com/vpcscope/vpcscope/model"
)

// This file decodes VPCs, subnets, route tables, network ACLs and security
// groups (describe-vpcs, -subnets, -route-tables, -network-acls,
// -security-groups).

type cidrStateJSON struct{ State string }

// ipv6AssociationJSON is an element of a VPC's or subnet's
// Ipv6CidrBlockAssociationSet.
type ipv6AssociationJSON struct {
	Ipv6CidrBlock      string
	Ipv6CidrBlockState cidrStateJSON
}

// ipv6CIDRs returns the usable blocks of an Ipv6CidrBlockAssociationSet at at.
func (d *docCtx) ipv6CIDRs(at string, set []ipv6AssociationJSON) []netip.Prefix {
	var out []netip.Prefix
	for i, a := range set {
		p := d.prefix(field(at, "Ipv6CidrBlockAssociationSet", i), "Ipv6CidrBlock", a.Ipv6CidrBlock)
		if p.IsValid() && cidrUsable(a.Ipv6CidrBlockState.State) {
			out = append(out, p)
		}
	}
	return out
}

type vpcJSON struct {
	tagged
	VpcId                   string
	OwnerId                 string
	CidrBlock               string
	State                   string
	IsDefault               bool
	CidrBlockAssociationSet []struct {
		CidrBlock      string
		CidrBlockState cidrStateJSON
	}
	Ipv6CidrBlockAssociationSet []ipv6AssociationJSON
}

// cidrUsable reports whether a CIDR association in state s routes traffic.
func cidrUsable(s string) bool {
	return s == "" || s == "associated" || s == "associating"
}

func (d *docCtx) vpc(at string, v *vpcJSON) {
	d.requireID(at, "VpcId", v.VpcId)
	out := &model.VPC{
		Meta:      d.meta(v.VpcId, v.OwnerId, v.tags()),
		CIDRs:     []netip.Prefix{},
		IPv6CIDRs: d.ipv6CIDRs(at, v.Ipv6CidrBlockAssociationSet),
		IsDefault: v.IsDefault,
		State:     v.State,
	}
	out.CIDRs = d.appendPrefix(out.CIDRs, at, "CidrBlock", v.CidrBlock)
	for i, a := range v.CidrBlockAssociationSet {
		p := d.prefix(field(at, "CidrBlockAssociationSet", i), "CidrBlock", a.CidrBlock)
		if p.IsValid() && cidrUsable(a.CidrBlockState.State) && !containsPrefix(out.CIDRs, p) {
			out.CIDRs = append(out.CIDRs, p)
		}
	}
	d.out.add(out)
}

func containsPrefix(ps []netip.Prefix, p netip.Prefix) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}

type subnetJSON struct {
	tagged
	SubnetId                    string
	VpcId                       string
	OwnerId                     string
	AvailabilityZone            string
	AvailabilityZoneId          string
	CidrBlock                   string
	MapPublicIpOnLaunch         bool
	State                       string
	Ipv6CidrBlockAssociationSet []ipv6AssociationJSON
}

func (d *docCtx) subnet(at string, v *subnetJSON) {
	d.requireID(at, "SubnetId", v.SubnetId)
	out := &model.Subnet{
		Meta:                d.meta(v.SubnetId, v.OwnerId, v.tags()),
		VPCID:               v.VpcId,
		AvailabilityZone:    v.AvailabilityZone,
		AvailabilityZoneID:  v.AvailabilityZoneId,
		CIDR:                d.prefix(at, "CidrBlock", v.CidrBlock),
		IPv6CIDRs:           d.ipv6CIDRs(at, v.Ipv6CidrBlockAssociationSet),
		MapPublicIPOnLaunch: v.MapPublicIpOnLaunch,
		State:               v.State,
	}
	if v.OwnerId != "" && d.account != "" && v.OwnerId != d.account {
		// Another account's subnet, shared with this one (VPC sharing):
		// its zone name is this account's own.
		out.Participants = []model.Participant{{Account: d.account, AvailabilityZone: v.AvailabilityZone}}
	}
	d.out.add(out)
}

type routeTableJSON struct {
	tagged
	RouteTableId string
	VpcId        string
	OwnerId      string
	Routes       []struct {
		DestinationCidrBlock        string
		DestinationIpv6CidrBlock    string
		DestinationPrefixListId     string
		GatewayId                   string
		EgressOnlyInternetGatewayId string
		NatGatewayId                string
		VpcPeeringConnectionId      string
		TransitGatewayId            string
		NetworkInterfaceId          string
		InstanceId                  string
		LocalGatewayId              string
		CarrierGatewayId            string
		CoreNetworkArn              string
		State                       string
		Origin                      string
	}
	PropagatingVgws []struct{ GatewayId string }
	Associations    []struct {
		RouteTableAssociationId string
		Main                    bool
		SubnetId                string
		GatewayId               string
		AssociationState        struct{ State string }
	}
}

func (d *docCtx) routeTable(at string, v *routeTableJSON) {
	d.requireID(at, "RouteTableId", v.RouteTableId)
	out := &model.RouteTable{
		Meta:   d.meta(v.RouteTableId, v.OwnerId, v.tags()),
		VPCID:  v.VpcId,
		Routes: make([]model.Route, 0, len(v.Routes)),
	}
	for i, r := range v.Routes {
		rat := field(at, "Routes", i)
		route := model.Route{
			DestinationPrefixListID:     r.DestinationPrefixListId,
			GatewayID:                   r.GatewayId,
			EgressOnlyInternetGatewayID: r.EgressOnlyInternetGatewayId,
			NATGatewayID:                r.NatGatewayId,
			VPCPeeringConnectionID:      r.VpcPeeringConnectionId,
			TransitGatewayID:            r.TransitGatewayId,
			NetworkInterfaceID:          r.NetworkInterfaceId,
			InstanceID:                  r.InstanceId,
			LocalGatewayID:              r.LocalGatewayId,
			CarrierGatewayID:            r.CarrierGatewayId,
			CoreNetworkARN:              r.CoreNetworkArn,
			State:                       r.State,
			Origin:                      r.Origin,
		}
		if r.DestinationCidrBlock != "" {
			route.Destination = d.prefix(rat, "DestinationCidrBlock", r.DestinationCidrBlock)
		} else {
			route.Destination = d.prefix(rat, "DestinationIpv6CidrBlock", r.DestinationIpv6CidrBlock)
		}
		out.Routes = append(out.Routes, route)
	}
	for _, g := range v.PropagatingVgws {
		if g.GatewayId != "" {
			out.PropagatingVGWs = append(out.PropagatingVGWs, g.GatewayId)
		}
	}
	for _, a := range v.Associations {
		out.Associations = append(out.Associations, model.RouteTableAssociation{
			ID:        a.RouteTableAssociationId,
			Main:      a.Main,
			SubnetID:  a.SubnetId,
			GatewayID: a.GatewayId,
			State:     a.AssociationState.State,
		})
	}
	d.out.add(out)
}

type networkACLJSON struct {
	tagged
	NetworkAclId string
	VpcId        string
	OwnerId      string
	IsDefault    bool
	Entries      []struct {
		RuleNumber    int32
		Egress        bool
		Protocol      string
		RuleAction    string
		CidrBlock     string
		Ipv6CidrBlock string
		PortRange     *struct{ From, To *int32 }
		IcmpTypeCode  *struct{ Type, Code *int32 }
	}
	Associations []struct {
		NetworkAclAssociationId string
		SubnetId                string
	}
}

func (d *docCtx) networkACL(at string, v *networkACLJSON) {
	d.requireID(at, "NetworkAclId", v.NetworkAclId)
	out := &model.NetworkACL{
		Meta:      d.meta(v.NetworkAclId, v.OwnerId, v.tags()),
		VPCID:     v.VpcId,
		IsDefault: v.IsDefault,
		Entries:   make([]model.ACLEntry, 0, len(v.Entries)),
	}
	for i, e := range v.Entries {
		eat := field(at, "Entries", i)
		entry := model.ACLEntry{
			RuleNumber: e.RuleNumber,
			Egress:     e.Egress,
			Protocol:   d.protocol(eat, "Protocol", e.Protocol),
		}
		switch e.RuleAction {
		case "allow":
			entry.Action = model.Allow
		case "deny":
			entry.Action = model.Deny
		default:
			d.fail(eat+".RuleAction", fmt.Sprintf("invalid rule action %q: want allow or deny", e.RuleAction), nil)
		}
		if e.CidrBlock != "" {
			entry.CIDR = d.prefix(eat, "CidrBlock", e.CidrBlock)
		} else {
			entry.CIDR = d.prefix(eat, "Ipv6CidrBlock", e.Ipv6CidrBlock)
		}
		if pr := e.PortRange; pr != nil && entry.Protocol.HasPorts() && (pr.From != nil || pr.To != nil) {
			r := model.AllPorts
			if pr.From != nil {
				r.From = d.port(eat, "PortRange.From", *pr.From)
			}
			if pr.To != nil {
				r.To = d.port(eat, "PortRange.To", *pr.To)
			}
			entry.PortRange = &r
		}
		if ic := e.IcmpTypeCode; ic != nil && entry.Protocol.IsICMP() {
			entry.ICMP = &model.ICMPTypeCode{
				Type: d.icmpField(eat+".IcmpTypeCode", "Type", ic.Type),
				Code: d.icmpField(eat+".IcmpTypeCode", "Code", ic.Code),
			}
		}
		out.Entries = append(out.Entries, entry)
	}
	for _, a := range v.Associations {
		out.Associations = append(out.Associations, model.ACLAssociation{
			ID: a.NetworkAclAssociationId, SubnetID: a.SubnetId,
		})
	}
	d.out.add(out)
}

type ipPermissionJSON struct {
	IpProtocol string
	FromPort   *int32
	ToPort     *int32
	IpRanges   []struct {
		CidrIp      string
		Description string
	}
	Ipv6Ranges []struct {
		CidrIpv6    string
		Description string
	}
	PrefixListIds []struct {
		PrefixListId string
		Description  string
	}
	UserIdGroupPairs []struct {
		GroupId       string
		UserId        string
		VpcId         string
		PeeringStatus string
		Description   string
	}
}

type securityGroupJSON struct {
	tagged
	GroupId             string
	GroupName           string
	Description         string
	VpcId               string
	OwnerId             string
	IpPermissions       []ipPermissionJSON
	IpPermissionsEgress []ipPermissionJSON
}

func (d *docCtx) securityGroup(at string, v *securityGroupJSON) {
	d.requireID(at, "GroupId", v.GroupId)
	d.out.add(&model.SecurityGroup{
		Meta:        d.meta(v.GroupId, v.OwnerId, v.tags()),
		VPCID:       v.VpcId,
		GroupName:   v.GroupName,
		Description: v.Description,
		Ingress:     d.sgRules(at, "IpPermissions", v.IpPermissions),
		Egress:      d.sgRules(at, "IpPermissionsEgress", v.IpPermissionsEgress),
	})
}

// sgRules flattens IpPermissions into one rule per peer.
func (d *docCtx) sgRules(at, name string, perms []ipPermissionJSON) []model.SGRule {
	out := []model.SGRule{}
	for i, p := range perms {
		pat := field(at, name, i)
		base := model.SGRule{
			Protocol: d.protocol(pat, "IpProtocol", p.IpProtocol),
			FromPort: orMinusOne(p.FromPort),
			ToPort:   orMinusOne(p.ToPort),
		}
		for j, r := range p.IpRanges {
			rule := base
			rule.CIDR = d.prefix(field(pat, "IpRanges", j), "CidrIp", r.CidrIp)
			rule.Description = r.Description
			out = append(out, rule)
		}
		for j, r := range p.Ipv6Ranges {
			rule := base
			rule.CIDR = d.prefix(field(pat, "Ipv6Ranges", j), "CidrIpv6", r.CidrIpv6)
			rule.Description = r.Description
			out = append(out, rule)
		}
		for _, r := range p.PrefixListIds {
			rule := base
			rule.PrefixListID = r.PrefixListId
			rule.Description = r.Description
			out = append(out, rule)
		}
		for _, r := range p.UserIdGroupPairs {
			rule := base
			rule.Group = &model.GroupRef{
				GroupID: r.GroupId, UserID: r.UserId, VPCID: r.VpcId, PeeringStatus: r.PeeringStatus,
			}
			rule.Description = r.Description
			out = append(out, rule)
		}
	}
	return out
}
