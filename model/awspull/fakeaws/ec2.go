package fakeaws

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

const ec2NS = "http://ec2.amazonaws.com/doc/2016-11-15/"

// ec2 answers an EC2 Query API action.
func (s *Server) ec2(q *request) (string, bool) {
	snap, acct, region := s.snap, q.account, q.region
	w := &xw{item: "item"}
	// listing writes one page of a paginated list.
	listing := func(tag string, n int, next string, each func(i int)) {
		w.list(tag, n, each)
		w.text("nextToken", next)
	}
	switch q.action {
	case "DescribeRegions":
		rs := s.regionsOf()
		w.list("regionInfo", len(rs), func(i int) {
			w.text("regionName", rs[i])
			w.text("regionEndpoint", "ec2."+rs[i]+".amazonaws.com")
			w.text("optInStatus", "opt-in-not-required")
		})
	case "DescribeVpcs":
		xs, next := page(s, q, append(visible(snap.VPCs, acct, region), s.sharedVPCs(acct, region)...))
		listing("vpcSet", len(xs), next, func(i int) { w.vpc(xs[i]) })
	case "DescribeSubnets":
		xs, next := page(s, q, s.subnetsSeenBy(acct, region))
		listing("subnetSet", len(xs), next, func(i int) { w.subnet(xs[i]) })
	case "DescribeRouteTables":
		xs, next := page(s, q, visible(snap.RouteTables, acct, region))
		listing("routeTableSet", len(xs), next, func(i int) { w.routeTable(xs[i]) })
	case "DescribeSecurityGroups":
		xs, next := page(s, q, visible(snap.SecurityGroups, acct, region))
		listing("securityGroupInfo", len(xs), next, func(i int) { w.securityGroup(xs[i]) })
	case "DescribeNetworkAcls":
		xs, next := page(s, q, visible(snap.NetworkACLs, acct, region))
		listing("networkAclSet", len(xs), next, func(i int) { w.networkACL(xs[i]) })
	case "DescribeNetworkInterfaces":
		xs, next := page(s, q, visible(snap.NetworkInterfaces, acct, region))
		listing("networkInterfaceSet", len(xs), next, func(i int) { w.networkInterface(s.interfaceSeenBy(xs[i])) })
	case "DescribeInstances":
		enis := make(map[string]*model.NetworkInterface, len(snap.NetworkInterfaces))
		for _, n := range snap.NetworkInterfaces {
			enis[n.ID] = s.interfaceSeenBy(n)
		}
		xs, next := page(s, q, visible(snap.Instances, acct, region))
		listing("reservationSet", len(xs), next, func(i int) { w.reservation(s.instanceSeenBy(xs[i]), enis) })
	case "DescribeAddresses":
		w.addresses(visible(snap.NetworkInterfaces, acct, region))
	case "DescribeInternetGateways":
		xs, next := page(s, q, visible(snap.InternetGateways, acct, region))
		listing("internetGatewaySet", len(xs), next, func(i int) {
			g := xs[i]
			w.text("internetGatewayId", g.ID)
			w.text("ownerId", g.Account)
			w.gatewayAttachments("attachmentSet", g.Attachments)
			w.tags("tagSet", g.Tags, "key", "value")
		})
	case "DescribeEgressOnlyInternetGateways":
		xs, next := page(s, q, visible(snap.EgressOnlyInternetGateways, acct, region))
		listing("egressOnlyInternetGatewaySet", len(xs), next, func(i int) {
			g := xs[i]
			w.text("egressOnlyInternetGatewayId", g.ID)
			w.gatewayAttachments("attachmentSet", g.Attachments)
			w.tags("tagSet", g.Tags, "key", "value")
		})
	case "DescribeNatGateways":
		xs, next := page(s, q, visible(snap.NATGateways, acct, region))
		listing("natGatewaySet", len(xs), next, func(i int) { w.natGateway(xs[i]) })
	case "DescribeFlowLogs":
		xs, next := page(s, q, visible(snap.FlowLogs, acct, region))
		listing("flowLogSet", len(xs), next, func(i int) {
			f := xs[i]
			w.text("flowLogId", f.ID)
			w.text("resourceId", f.ResourceID)
			w.text("trafficType", f.TrafficType)
			w.text("flowLogStatus", f.Status)
			w.text("deliverLogsStatus", f.DeliverLogsStatus)
			w.text("deliverLogsErrorMessage", f.DeliverLogsError)
			w.text("logDestinationType", f.DestinationType)
			if f.DestinationType == "cloud-watch-logs" {
				w.text("logGroupName", f.Destination)
			} else {
				w.text("logDestination", f.Destination)
			}
			w.text("logFormat", f.LogFormat)
			if f.MaxAggregationInterval > 0 {
				w.num("maxAggregationInterval", int64(f.MaxAggregationInterval))
			}
			w.tags("tagSet", f.Tags, "key", "value")
		})
	case "DescribeVpnGateways":
		xs := visible(snap.VPNGateways, acct, region)
		w.list("vpnGatewaySet", len(xs), func(i int) {
			g := xs[i]
			w.text("vpnGatewayId", g.ID)
			w.text("state", g.State)
			w.text("type", "ipsec.1")
			w.gatewayAttachments("attachments", g.Attachments)
			w.tags("tagSet", g.Tags, "key", "value")
		})
	case "DescribeVpcPeeringConnections":
		xs, next := page(s, q, peeringsOf(snap.VPCPeerings, acct, region))
		listing("vpcPeeringConnectionSet", len(xs), next, func(i int) { w.peering(xs[i]) })
	case "DescribeTransitGateways":
		xs, next := page(s, q, visible(snap.TransitGateways, acct, region))
		listing("transitGatewaySet", len(xs), next, func(i int) { w.transitGateway(xs[i]) })
	case "DescribeTransitGatewayAttachments":
		xs, next := page(s, q, visible(snap.TGWAttachments, acct, region))
		listing("transitGatewayAttachments", len(xs), next, func(i int) { w.tgwAttachment(xs[i]) })
	case "DescribeTransitGatewayVpcAttachments":
		var vpcs []*model.TGWAttachment
		for _, a := range visible(snap.TGWAttachments, acct, region) {
			if a.ResourceType == "vpc" {
				vpcs = append(vpcs, a)
			}
		}
		xs, next := page(s, q, vpcs)
		listing("transitGatewayVpcAttachments", len(xs), next, func(i int) { w.tgwVPCAttachment(xs[i]) })
	case "DescribeTransitGatewayRouteTables":
		xs, next := page(s, q, visible(snap.TGWRouteTables, acct, region))
		listing("transitGatewayRouteTables", len(xs), next, func(i int) {
			rt := xs[i]
			w.text("transitGatewayRouteTableId", rt.ID)
			w.text("transitGatewayId", rt.TransitGatewayID)
			w.text("state", rt.State)
			w.boolean("defaultAssociationRouteTable", rt.DefaultAssociation)
			w.boolean("defaultPropagationRouteTable", rt.DefaultPropagation)
			w.tags("tagSet", rt.Tags, "key", "value")
		})
	case "SearchTransitGatewayRoutes":
		rt := find(visible(snap.TGWRouteTables, acct, region), q.get("TransitGatewayRouteTableId"))
		if rt == nil {
			return "", false
		}
		xs, next := page(s, q, rt.Routes)
		listing("routeSet", len(xs), next, func(i int) { w.tgwRoute(xs[i]) })
		w.boolean("additionalRoutesAvailable", false)
	case "GetTransitGatewayRouteTableAssociations", "GetTransitGatewayRouteTablePropagations":
		rt := find(visible(snap.TGWRouteTables, acct, region), q.get("TransitGatewayRouteTableId"))
		if rt == nil {
			return "", false
		}
		links, tag := rt.Associations, "associations"
		if q.action == "GetTransitGatewayRouteTablePropagations" {
			links, tag = rt.Propagations, "transitGatewayRouteTablePropagations"
		}
		xs, next := page(s, q, links)
		listing(tag, len(xs), next, func(i int) {
			l := xs[i]
			w.text("transitGatewayAttachmentId", l.AttachmentID)
			w.text("resourceId", l.ResourceID)
			w.text("resourceType", l.ResourceType)
			w.text("state", l.State)
		})
	case "DescribeVpcEndpoints":
		xs, next := page(s, q, visible(snap.VPCEndpoints, acct, region))
		listing("vpcEndpointSet", len(xs), next, func(i int) { w.vpcEndpoint(xs[i]) })
	case "DescribePrefixLists":
		var aws []*model.PrefixList
		for _, pl := range visible(snap.PrefixLists, acct, region) {
			if pl.AWSManaged {
				aws = append(aws, pl)
			}
		}
		xs, next := page(s, q, aws)
		listing("prefixListSet", len(xs), next, func(i int) {
			pl := xs[i]
			w.text("prefixListId", pl.ID)
			w.text("prefixListName", pl.Name)
			cidrs := make([]string, len(pl.Entries))
			for j, e := range pl.Entries {
				cidrs[j] = e.CIDR.String()
			}
			w.strings("cidrSet", cidrs)
		})
	case "DescribeManagedPrefixLists":
		xs, next := page(s, q, visible(snap.PrefixLists, acct, region))
		listing("prefixListSet", len(xs), next, func(i int) {
			pl := xs[i]
			w.text("prefixListId", pl.ID)
			w.text("prefixListName", pl.Name)
			w.text("addressFamily", pl.AddressFamily)
			if pl.MaxEntries != 0 {
				w.num("maxEntries", int64(pl.MaxEntries))
			}
			owner := pl.Account
			if pl.AWSManaged {
				owner = "AWS"
			}
			w.text("ownerId", owner)
			w.text("state", pl.State)
			w.tags("tagSet", pl.Tags, "key", "value")
		})
	case "GetManagedPrefixListEntries":
		pl := find(visible(snap.PrefixLists, acct, region), q.get("PrefixListId"))
		if pl == nil {
			return "", false
		}
		xs, next := page(s, q, pl.Entries)
		listing("entrySet", len(xs), next, func(i int) {
			w.prefix("cidr", xs[i].CIDR)
			w.text("description", xs[i].Description)
		})
	default:
		if !s.ec2Hybrid(q, w, listing) {
			return "", false
		}
	}
	return `<?xml version="1.0" encoding="UTF-8"?>` + "\n<" + q.action + `Response xmlns="` + ec2NS + `"><requestId>fake-request</requestId>` +
		w.b.String() + "</" + q.action + "Response>", true
}

// find returns the resource of xs with the ID, or nil.
func find[T model.Resource](xs []T, id string) T {
	var zero T
	for _, x := range xs {
		if x.Base().ID == id {
			return x
		}
	}
	return zero
}

// peeringsOf returns the connections account sees in region: those with a
// side there, as AWS lists them to both sides.
func peeringsOf(ps []*model.VPCPeering, account, region string) []*model.VPCPeering {
	var out []*model.VPCPeering
	for _, p := range ps {
		side := func(s model.PeeringSide) bool {
			return s.OwnerID == account && (s.Region == "" || s.Region == region)
		}
		if (p.Account == account && p.Region == region) || side(p.Requester) || side(p.Accepter) {
			out = append(out, p)
		}
	}
	return out
}

func (w *xw) vpc(v *model.VPC) {
	w.text("vpcId", v.ID)
	w.text("ownerId", v.Account)
	w.text("state", v.State)
	if len(v.CIDRs) > 0 {
		w.prefix("cidrBlock", v.CIDRs[0])
	}
	w.list("cidrBlockAssociationSet", len(v.CIDRs), func(i int) {
		w.text("associationId", "vpc-cidr-assoc-"+strconv.Itoa(i))
		w.prefix("cidrBlock", v.CIDRs[i])
		w.el("cidrBlockState", func() { w.text("state", "associated") })
	})
	w.ipv6Associations(v.IPv6CIDRs)
	w.boolean("isDefault", v.IsDefault)
	w.tags("tagSet", v.Tags, "key", "value")
}

func (w *xw) ipv6Associations(ps []netip.Prefix) {
	w.list("ipv6CidrBlockAssociationSet", len(ps), func(i int) {
		w.prefix("ipv6CidrBlock", ps[i])
		w.el("ipv6CidrBlockState", func() { w.text("state", "associated") })
	})
}

func (w *xw) subnet(v *model.Subnet) {
	w.text("subnetId", v.ID)
	w.text("vpcId", v.VPCID)
	w.text("ownerId", v.Account)
	w.text("availabilityZone", v.AvailabilityZone)
	w.text("availabilityZoneId", v.AvailabilityZoneID)
	w.prefix("cidrBlock", v.CIDR)
	w.boolean("mapPublicIpOnLaunch", v.MapPublicIPOnLaunch)
	w.text("state", v.State)
	w.ipv6Associations(v.IPv6CIDRs)
	w.tags("tagSet", v.Tags, "key", "value")
}

func (w *xw) routeTable(v *model.RouteTable) {
	w.text("routeTableId", v.ID)
	w.text("vpcId", v.VPCID)
	w.text("ownerId", v.Account)
	w.list("routeSet", len(v.Routes), func(i int) {
		r := v.Routes[i]
		if r.Destination.IsValid() && r.Destination.Addr().Is4() {
			w.prefix("destinationCidrBlock", r.Destination)
		} else {
			w.prefix("destinationIpv6CidrBlock", r.Destination)
		}
		w.text("destinationPrefixListId", r.DestinationPrefixListID)
		w.text("gatewayId", r.GatewayID)
		w.text("egressOnlyInternetGatewayId", r.EgressOnlyInternetGatewayID)
		w.text("natGatewayId", r.NATGatewayID)
		w.text("vpcPeeringConnectionId", r.VPCPeeringConnectionID)
		w.text("transitGatewayId", r.TransitGatewayID)
		w.text("networkInterfaceId", r.NetworkInterfaceID)
		w.text("instanceId", r.InstanceID)
		w.text("localGatewayId", r.LocalGatewayID)
		w.text("carrierGatewayId", r.CarrierGatewayID)
		w.text("coreNetworkArn", r.CoreNetworkARN)
		w.text("state", r.State)
		w.text("origin", r.Origin)
	})
	w.list("associationSet", len(v.Associations), func(i int) {
		a := v.Associations[i]
		w.text("routeTableAssociationId", a.ID)
		w.text("routeTableId", v.ID)
		w.boolean("main", a.Main)
		w.text("subnetId", a.SubnetID)
		w.text("gatewayId", a.GatewayID)
		if a.State != "" {
			w.el("associationState", func() { w.text("state", a.State) })
		}
	})
	w.list("propagatingVgwSet", len(v.PropagatingVGWs), func(i int) { w.text("gatewayId", v.PropagatingVGWs[i]) })
	w.tags("tagSet", v.Tags, "key", "value")
}

// sgProtocol spells a protocol as security group rules do.
func sgProtocol(p model.Protocol) string {
	switch p {
	case model.ProtocolAll:
		return "-1"
	case model.ProtocolTCP, model.ProtocolUDP, model.ProtocolICMP, model.ProtocolICMPv6:
		return p.String()
	}
	return strconv.Itoa(int(p))
}

func (w *xw) securityGroup(v *model.SecurityGroup) {
	w.text("ownerId", v.Account)
	w.text("groupId", v.ID)
	w.text("groupName", v.GroupName)
	w.text("groupDescription", v.Description)
	w.text("vpcId", v.VPCID)
	w.sgRules("ipPermissions", v.Ingress)
	w.sgRules("ipPermissionsEgress", v.Egress)
	w.tags("tagSet", v.Tags, "key", "value")
}

// sgRules writes one IpPermission per rule: AWS groups rules that share
// a protocol and ports, and a reader flattens them back, so both give the
// same rules.
func (w *xw) sgRules(tag string, rules []model.SGRule) {
	w.list(tag, len(rules), func(i int) {
		r := rules[i]
		w.text("ipProtocol", sgProtocol(r.Protocol))
		if r.FromPort != -1 || r.ToPort != -1 {
			w.num("fromPort", int64(r.FromPort))
			w.num("toPort", int64(r.ToPort))
		}
		one := func(tag string, body func()) { w.list(tag, 1, func(int) { body() }) }
		switch {
		case r.Group != nil:
			one("groups", func() {
				w.text("groupId", r.Group.GroupID)
				w.text("userId", r.Group.UserID)
				w.text("vpcId", r.Group.VPCID)
				w.text("peeringStatus", r.Group.PeeringStatus)
				w.text("description", r.Description)
			})
		case r.PrefixListID != "":
			one("prefixListIds", func() {
				w.text("prefixListId", r.PrefixListID)
				w.text("description", r.Description)
			})
		case r.CIDR.Addr().Is4():
			one("ipRanges", func() {
				w.prefix("cidrIp", r.CIDR)
				w.text("description", r.Description)
			})
		default:
			one("ipv6Ranges", func() {
				w.prefix("cidrIpv6", r.CIDR)
				w.text("description", r.Description)
			})
		}
	})
}

func (w *xw) networkACL(v *model.NetworkACL) {
	w.text("networkAclId", v.ID)
	w.text("vpcId", v.VPCID)
	w.text("ownerId", v.Account)
	w.boolean("default", v.IsDefault)
	w.list("entrySet", len(v.Entries), func(i int) {
		e := v.Entries[i]
		w.num("ruleNumber", int64(e.RuleNumber))
		w.text("protocol", strconv.Itoa(int(e.Protocol)))
		w.text("ruleAction", string(e.Action))
		w.boolean("egress", e.Egress)
		if e.CIDR.Addr().Is4() {
			w.prefix("cidrBlock", e.CIDR)
		} else {
			w.prefix("ipv6CidrBlock", e.CIDR)
		}
		if e.PortRange != nil {
			w.el("portRange", func() {
				w.num("from", int64(e.PortRange.From))
				w.num("to", int64(e.PortRange.To))
			})
		}
		if e.ICMP != nil {
			w.el("icmpTypeCode", func() {
				w.num("type", int64(e.ICMP.Type))
				w.num("code", int64(e.ICMP.Code))
			})
		}
	})
	w.list("associationSet", len(v.Associations), func(i int) {
		w.text("networkAclAssociationId", v.Associations[i].ID)
		w.text("networkAclId", v.ID)
		w.text("subnetId", v.Associations[i].SubnetID)
	})
	w.tags("tagSet", v.Tags, "key", "value")
}

// interfaceBody writes what describe-network-interfaces and the interfaces
// of describe-instances share.
func (w *xw) interfaceBody(v *model.NetworkInterface) {
	w.text("networkInterfaceId", v.ID)
	w.text("subnetId", v.SubnetID)
	w.text("vpcId", v.VPCID)
	w.text("description", v.Description)
	w.text("ownerId", v.Account)
	w.text("status", v.Status)
	w.text("interfaceType", v.InterfaceType)
	w.addr("privateIpAddress", v.PrimaryIP())
	w.boolean("sourceDestCheck", v.SourceDestCheck)
	w.list("groupSet", len(v.SecurityGroupIDs), func(i int) { w.text("groupId", v.SecurityGroupIDs[i]) })
	w.list("privateIpAddressesSet", len(v.PrivateIPs), func(i int) {
		ip := v.PrivateIPs[i]
		w.addr("privateIpAddress", ip.Address)
		w.boolean("primary", ip.Primary)
		if ip.PublicIP.IsValid() {
			w.el("association", func() { w.addr("publicIp", ip.PublicIP) })
		}
	})
	w.list("ipv6AddressesSet", len(v.IPv6Addresses), func(i int) { w.addr("ipv6Address", v.IPv6Addresses[i]) })
}

func (w *xw) networkInterface(v *model.NetworkInterface) {
	w.interfaceBody(v)
	w.text("availabilityZone", v.AvailabilityZone)
	w.text("requesterId", v.RequesterID)
	w.boolean("requesterManaged", v.RequesterManaged)
	if a := v.Attachment; a != nil {
		w.el("attachment", func() {
			w.text("attachmentId", a.ID)
			w.text("instanceId", a.InstanceID)
			w.text("instanceOwnerId", a.InstanceOwnerID)
			w.num("deviceIndex", int64(a.DeviceIndex))
			w.text("status", a.Status)
		})
	}
	w.tags("tagSet", v.Tags, "key", "value")
}

func (w *xw) reservation(v *model.Instance, enis map[string]*model.NetworkInterface) {
	w.text("reservationId", "r-"+strings.TrimPrefix(v.ID, "i-"))
	w.text("ownerId", v.Account)
	w.list("instancesSet", 1, func(int) {
		w.text("instanceId", v.ID)
		w.text("instanceType", v.InstanceType)
		w.el("instanceState", func() {
			w.num("code", 16)
			w.text("name", v.State)
		})
		w.el("placement", func() { w.text("availabilityZone", v.AvailabilityZone) })
		w.text("platform", v.Platform)
		w.text("subnetId", v.SubnetID)
		w.text("vpcId", v.VPCID)
		w.addr("privateIpAddress", v.PrivateIP)
		w.addr("ipAddress", v.PublicIP)
		w.boolean("sourceDestCheck", v.SourceDestCheck)
		w.list("groupSet", len(v.SecurityGroupIDs), func(i int) { w.text("groupId", v.SecurityGroupIDs[i]) })
		var ns []*model.NetworkInterface
		for _, id := range v.NetworkInterfaceIDs {
			if n := enis[id]; n != nil {
				ns = append(ns, n)
			}
		}
		w.list("networkInterfaceSet", len(ns), func(i int) {
			n := ns[i]
			w.interfaceBody(n)
			if a := n.Attachment; a != nil {
				w.el("attachment", func() {
					w.text("attachmentId", a.ID)
					w.num("deviceIndex", int64(a.DeviceIndex))
					w.text("status", a.Status)
				})
			}
		})
		w.tags("tagSet", v.Tags, "key", "value")
	})
}

// addresses lists the public addresses of the interfaces as Elastic IPs.
func (w *xw) addresses(enis []*model.NetworkInterface) {
	type eip struct {
		eni  *model.NetworkInterface
		priv netip.Addr
		pub  netip.Addr
	}
	var eips []eip
	for _, n := range enis {
		for _, ip := range n.PrivateIPs {
			if ip.PublicIP.IsValid() {
				eips = append(eips, eip{n, ip.Address, ip.PublicIP})
			}
		}
	}
	w.list("addressesSet", len(eips), func(i int) {
		e := eips[i]
		w.addr("publicIp", e.pub)
		w.text("allocationId", "eipalloc-"+strings.ReplaceAll(e.pub.String(), ".", ""))
		w.text("domain", "vpc")
		w.text("instanceId", e.eni.InstanceID())
		w.text("networkInterfaceId", e.eni.ID)
		w.text("networkInterfaceOwnerId", e.eni.Account)
		w.addr("privateIpAddress", e.priv)
	})
}

func (w *xw) gatewayAttachments(tag string, as []model.GatewayAttachment) {
	w.list(tag, len(as), func(i int) {
		w.text("vpcId", as[i].VPCID)
		w.text("state", as[i].State)
	})
}

func (w *xw) natGateway(v *model.NATGateway) {
	w.text("natGatewayId", v.ID)
	w.text("vpcId", v.VPCID)
	w.text("subnetId", v.SubnetID)
	w.text("state", v.State)
	w.text("connectivityType", v.ConnectivityType)
	w.list("natGatewayAddressSet", len(v.Addresses), func(i int) {
		a := v.Addresses[i]
		w.text("allocationId", a.AllocationID)
		w.text("networkInterfaceId", a.NetworkInterfaceID)
		w.addr("privateIp", a.PrivateIP)
		w.addr("publicIp", a.PublicIP)
	})
	w.tags("tagSet", v.Tags, "key", "value")
}

func (w *xw) peering(v *model.VPCPeering) {
	side := func(tag string, s model.PeeringSide) {
		w.el(tag, func() {
			if len(s.CIDRs) > 0 {
				w.prefix("cidrBlock", s.CIDRs[0])
			}
			w.list("cidrBlockSet", len(s.CIDRs), func(i int) { w.prefix("cidrBlock", s.CIDRs[i]) })
			w.list("ipv6CidrBlockSet", len(s.IPv6CIDRs), func(i int) { w.prefix("ipv6CidrBlock", s.IPv6CIDRs[i]) })
			w.text("ownerId", s.OwnerID)
			w.text("vpcId", s.VPCID)
			w.text("region", s.Region)
		})
	}
	side("accepterVpcInfo", v.Accepter)
	side("requesterVpcInfo", v.Requester)
	w.el("status", func() { w.text("code", v.Status) })
	w.tags("tagSet", v.Tags, "key", "value")
	w.text("vpcPeeringConnectionId", v.ID)
}

func enable(b bool) string {
	if b {
		return "enable"
	}
	return "disable"
}

func (w *xw) transitGateway(v *model.TransitGateway) {
	w.text("transitGatewayId", v.ID)
	w.text("ownerId", v.Account)
	w.text("state", v.State)
	w.el("options", func() {
		w.text("defaultRouteTableAssociation", enable(v.DefaultRouteTableAssociation))
		w.text("defaultRouteTablePropagation", enable(v.DefaultRouteTablePropagation))
		w.text("associationDefaultRouteTableId", v.AssociationDefaultRouteTableID)
		w.text("propagationDefaultRouteTableId", v.PropagationDefaultRouteTableID)
		w.text("securityGroupReferencingSupport", enable(v.SecurityGroupReferencingSupport))
	})
	w.tags("tagSet", v.Tags, "key", "value")
}

func (w *xw) tgwAttachment(v *model.TGWAttachment) {
	w.text("transitGatewayAttachmentId", v.ID)
	w.text("transitGatewayId", v.TransitGatewayID)
	w.text("transitGatewayOwnerId", v.TransitGatewayOwnerID)
	w.text("resourceOwnerId", v.ResourceOwnerID)
	w.text("resourceType", v.ResourceType)
	w.text("resourceId", v.ResourceID)
	w.text("state", v.State)
	if a := v.Association; a != nil {
		w.el("association", func() {
			w.text("transitGatewayRouteTableId", a.RouteTableID)
			w.text("state", a.State)
		})
	}
	w.tags("tagSet", v.Tags, "key", "value")
}

func (w *xw) tgwVPCAttachment(v *model.TGWAttachment) {
	w.text("transitGatewayAttachmentId", v.ID)
	w.text("transitGatewayId", v.TransitGatewayID)
	w.text("vpcId", v.ResourceID)
	w.text("vpcOwnerId", v.ResourceOwnerID)
	w.text("state", v.State)
	w.strings("subnetIds", v.SubnetIDs)
	w.el("options", func() {
		w.text("applianceModeSupport", enable(v.ApplianceModeSupport))
		w.text("securityGroupReferencingSupport", enable(v.SecurityGroupReferencingSupport))
	})
	w.tags("tagSet", v.Tags, "key", "value")
}

func (w *xw) tgwRoute(r model.TGWRoute) {
	w.prefix("destinationCidrBlock", r.Destination)
	w.text("prefixListId", r.PrefixListID)
	w.text("type", r.Type)
	w.text("state", r.State)
	w.list("transitGatewayAttachments", len(r.Attachments), func(i int) {
		a := r.Attachments[i]
		w.text("transitGatewayAttachmentId", a.AttachmentID)
		w.text("resourceId", a.ResourceID)
		w.text("resourceType", a.ResourceType)
	})
}

func (w *xw) vpcEndpoint(v *model.VPCEndpoint) {
	w.text("vpcEndpointId", v.ID)
	w.text("vpcEndpointType", v.Type)
	w.text("vpcId", v.VPCID)
	w.text("ownerId", v.Account)
	w.text("serviceName", v.ServiceName)
	w.text("state", v.State)
	w.strings("routeTableIdSet", v.RouteTableIDs)
	w.strings("subnetIdSet", v.SubnetIDs)
	w.strings("networkInterfaceIdSet", v.NetworkInterfaceIDs)
	w.list("groupSet", len(v.SecurityGroupIDs), func(i int) { w.text("groupId", v.SecurityGroupIDs[i]) })
	w.tags("tagSet", v.Tags, "key", "value")
}

// subnetsSeenBy returns the subnets account sees in region: its own, and
// those shared with it, as AWS shows them to a participant: with its own
// name for their zone.
func (s *Server) subnetsSeenBy(account, region string) []*model.Subnet {
	out := visible(s.snap.Subnets, account, region)
	for _, sn := range s.snap.Subnets {
		if zone, ok := sn.ParticipantZone(account); ok && sn.Account != account && sn.Region == region {
			c := *sn
			c.AvailabilityZone, c.Participants = zone, nil
			out = append(out, &c)
		}
	}
	return out
}

// sharedVPCs returns the VPCs of other accounts in region with a subnet
// shared with account: participants see them.
func (s *Server) sharedVPCs(account, region string) []*model.VPC {
	vpcs := map[string]bool{}
	for _, sn := range s.snap.Subnets {
		if _, ok := sn.ParticipantZone(account); ok && sn.Account != account && sn.Region == region {
			vpcs[sn.VPCID] = true
		}
	}
	var out []*model.VPC
	for _, v := range s.snap.VPCs {
		if vpcs[v.ID] && v.Account != account {
			out = append(out, v)
		}
	}
	return out
}

// localZone returns the name account gives the zone of subnet subnetID,
// zone in the snapshot's (the owner's) names.
func (s *Server) localZone(account, subnetID, zone string) string {
	if sn := s.shared()[subnetID]; sn != nil {
		if z, ok := sn.ParticipantZone(account); ok {
			return z
		}
	}
	return zone
}

// interfaceSeenBy returns the interface as its own account sees it: in a
// subnet shared with it, with its name for the zone.
func (s *Server) interfaceSeenBy(n *model.NetworkInterface) *model.NetworkInterface {
	if z := s.localZone(n.Account, n.SubnetID, n.AvailabilityZone); z != n.AvailabilityZone {
		c := *n
		c.AvailabilityZone = z
		return &c
	}
	return n
}

// instanceSeenBy is interfaceSeenBy for an instance.
func (s *Server) instanceSeenBy(in *model.Instance) *model.Instance {
	if z := s.localZone(in.Account, in.SubnetID, in.AvailabilityZone); z != in.AvailabilityZone {
		c := *in
		c.AvailabilityZone = z
		return &c
	}
	return in
}
