package awsjson_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/vpcscope/vpcscope/model"
)

// writeAWSFolder writes a snapshot as a folder of AWS CLI describe-*
// outputs, <dir>/<region>/<Key>.json, indented as the CLI indents them,
// for the kinds the generated large account holds: what a user exporting
// that account with the CLI would have.
func writeAWSFolder(t testing.TB, s *model.Snapshot, dir string) {
	t.Helper()
	docs := map[string]map[string][]any{} // region -> key -> elements
	add := func(m *model.Meta, key string, v any) {
		if docs[m.Region] == nil {
			docs[m.Region] = map[string][]any{}
		}
		docs[m.Region][key] = append(docs[m.Region][key], v)
	}
	for _, v := range s.VPCs {
		var assoc []any
		for _, c := range v.CIDRs {
			assoc = append(assoc, obj{"CidrBlock": c.String(), "CidrBlockState": obj{"State": "associated"}})
		}
		add(&v.Meta, "Vpcs", obj{"VpcId": v.ID, "OwnerId": v.Account, "CidrBlock": v.CIDRs[0].String(), "State": v.State,
			"IsDefault": v.IsDefault, "CidrBlockAssociationSet": assoc, "Tags": tags(v.Tags), "InstanceTenancy": "default"})
	}
	for _, v := range s.Subnets {
		add(&v.Meta, "Subnets", obj{"SubnetId": v.ID, "VpcId": v.VPCID, "OwnerId": v.Account, "AvailabilityZone": v.AvailabilityZone,
			"AvailabilityZoneId": v.AvailabilityZoneID, "CidrBlock": v.CIDR.String(), "MapPublicIpOnLaunch": v.MapPublicIPOnLaunch,
			"State": v.State, "Tags": tags(v.Tags), "AvailableIpAddressCount": 250, "DefaultForAz": false})
	}
	for _, v := range s.RouteTables {
		var routes, assocs []any
		for _, r := range v.Routes {
			route := obj{"State": r.State, "Origin": r.Origin}
			if r.Destination.IsValid() {
				route["DestinationCidrBlock"] = r.Destination.String()
			}
			setIf(route, "DestinationPrefixListId", r.DestinationPrefixListID)
			setIf(route, "GatewayId", r.GatewayID)
			setIf(route, "NatGatewayId", r.NATGatewayID)
			setIf(route, "VpcPeeringConnectionId", r.VPCPeeringConnectionID)
			setIf(route, "TransitGatewayId", r.TransitGatewayID)
			setIf(route, "NetworkInterfaceId", r.NetworkInterfaceID)
			routes = append(routes, route)
		}
		for _, a := range v.Associations {
			assoc := obj{"RouteTableAssociationId": a.ID, "Main": a.Main, "AssociationState": obj{"State": "associated"}}
			setIf(assoc, "SubnetId", a.SubnetID)
			setIf(assoc, "GatewayId", a.GatewayID)
			assocs = append(assocs, assoc)
		}
		add(&v.Meta, "RouteTables", obj{"RouteTableId": v.ID, "VpcId": v.VPCID, "OwnerId": v.Account, "Routes": routes,
			"Associations": assocs, "Tags": tags(v.Tags), "PropagatingVgws": []any{}})
	}
	for _, v := range s.SecurityGroups {
		add(&v.Meta, "SecurityGroups", obj{"GroupId": v.ID, "GroupName": v.GroupName, "Description": v.Description, "VpcId": v.VPCID,
			"OwnerId": v.Account, "IpPermissions": permissions(v.Ingress), "IpPermissionsEgress": permissions(v.Egress), "Tags": tags(v.Tags)})
	}
	for _, v := range s.NetworkACLs {
		var entries, assocs []any
		for _, e := range v.Entries {
			entry := obj{"RuleNumber": e.RuleNumber, "Egress": e.Egress, "Protocol": protocol(e.Protocol), "RuleAction": string(e.Action)}
			if e.CIDR.Addr().Is4() {
				entry["CidrBlock"] = e.CIDR.String()
			} else {
				entry["Ipv6CidrBlock"] = e.CIDR.String()
			}
			if e.PortRange != nil {
				entry["PortRange"] = obj{"From": e.PortRange.From, "To": e.PortRange.To}
			}
			if e.ICMP != nil {
				entry["IcmpTypeCode"] = obj{"Type": e.ICMP.Type, "Code": e.ICMP.Code}
			}
			entries = append(entries, entry)
		}
		for _, a := range v.Associations {
			assocs = append(assocs, obj{"NetworkAclAssociationId": a.ID, "NetworkAclId": v.ID, "SubnetId": a.SubnetID})
		}
		add(&v.Meta, "NetworkAcls", obj{"NetworkAclId": v.ID, "VpcId": v.VPCID, "OwnerId": v.Account, "IsDefault": v.IsDefault,
			"Entries": entries, "Associations": assocs, "Tags": tags(v.Tags)})
	}
	for _, v := range s.NetworkInterfaces {
		add(&v.Meta, "NetworkInterfaces", eni(v))
	}
	enis := map[string]*model.NetworkInterface{}
	for _, n := range s.NetworkInterfaces {
		enis[n.ID] = n
	}
	for _, v := range s.Instances {
		var nics []any
		for _, id := range v.NetworkInterfaceIDs {
			if n := enis[id]; n != nil {
				nics = append(nics, eni(n))
			}
		}
		inst := obj{"InstanceId": v.ID, "InstanceType": v.InstanceType, "VpcId": v.VPCID, "SubnetId": v.SubnetID,
			"PrivateIpAddress": v.PrivateIP.String(), "State": obj{"Code": 16, "Name": v.State},
			"Placement": obj{"AvailabilityZone": v.AvailabilityZone, "Tenancy": "default"}, "SecurityGroups": groups(v.SecurityGroupIDs),
			"SourceDestCheck": v.SourceDestCheck, "NetworkInterfaces": nics, "Tags": tags(v.Tags), "ImageId": "ami-0123456789abcdef0",
			"Architecture": "x86_64", "LaunchTime": "2026-11-25T08:00:00+00:00"}
		if v.PublicIP.IsValid() {
			inst["PublicIpAddress"] = v.PublicIP.String()
		}
		add(&v.Meta, "Reservations", obj{"ReservationId": "r-" + v.ID[2:], "OwnerId": v.Account, "Groups": []any{}, "Instances": []any{inst}})
	}
	for _, v := range s.InternetGateways {
		add(&v.Meta, "InternetGateways", obj{"InternetGatewayId": v.ID, "OwnerId": v.Account, "Attachments": attachments(v.Attachments), "Tags": tags(v.Tags)})
	}
	for _, v := range s.NATGateways {
		var addrs []any
		for _, a := range v.Addresses {
			addr := obj{"NetworkInterfaceId": a.NetworkInterfaceID, "PrivateIp": a.PrivateIP.String(), "AllocationId": a.AllocationID}
			if a.PublicIP.IsValid() {
				addr["PublicIp"] = a.PublicIP.String()
			}
			addrs = append(addrs, addr)
		}
		add(&v.Meta, "NatGateways", obj{"NatGatewayId": v.ID, "VpcId": v.VPCID, "SubnetId": v.SubnetID, "State": v.State,
			"ConnectivityType": v.ConnectivityType, "NatGatewayAddresses": addrs, "Tags": tags(v.Tags)})
	}
	for _, v := range s.VPCPeerings {
		side := func(p model.PeeringSide) obj {
			var set []any
			for _, c := range p.CIDRs {
				set = append(set, obj{"CidrBlock": c.String()})
			}
			return obj{"VpcId": p.VPCID, "OwnerId": p.OwnerID, "Region": p.Region, "CidrBlock": p.CIDRs[0].String(), "CidrBlockSet": set}
		}
		add(&v.Meta, "VpcPeeringConnections", obj{"VpcPeeringConnectionId": v.ID, "Status": obj{"Code": v.Status, "Message": "Active"},
			"RequesterVpcInfo": side(v.Requester), "AccepterVpcInfo": side(v.Accepter), "Tags": tags(v.Tags)})
	}
	for _, v := range s.TransitGateways {
		add(&v.Meta, "TransitGateways", obj{"TransitGatewayId": v.ID, "OwnerId": v.Account, "State": v.State, "Tags": tags(v.Tags),
			"Options": obj{"DefaultRouteTableAssociation": enable(v.DefaultRouteTableAssociation), "DefaultRouteTablePropagation": enable(v.DefaultRouteTablePropagation),
				"AssociationDefaultRouteTableId": v.AssociationDefaultRouteTableID, "PropagationDefaultRouteTableId": v.PropagationDefaultRouteTableID}})
	}
	for _, v := range s.TGWAttachments {
		a := obj{"TransitGatewayAttachmentId": v.ID, "TransitGatewayId": v.TransitGatewayID, "TransitGatewayOwnerId": v.TransitGatewayOwnerID,
			"ResourceType": v.ResourceType, "ResourceId": v.ResourceID, "ResourceOwnerId": v.ResourceOwnerID, "State": v.State, "Tags": tags(v.Tags)}
		if v.Association != nil {
			a["Association"] = obj{"TransitGatewayRouteTableId": v.Association.RouteTableID, "State": v.Association.State}
		}
		add(&v.Meta, "TransitGatewayAttachments", a)
		if v.ResourceType == "vpc" {
			add(&v.Meta, "TransitGatewayVpcAttachments", obj{"TransitGatewayAttachmentId": v.ID, "TransitGatewayId": v.TransitGatewayID,
				"VpcId": v.ResourceID, "VpcOwnerId": v.ResourceOwnerID, "State": v.State, "SubnetIds": v.SubnetIDs,
				"Options": obj{"ApplianceModeSupport": enable(v.ApplianceModeSupport)}, "Tags": tags(v.Tags)})
		}
	}
	for _, v := range s.TGWRouteTables {
		add(&v.Meta, "TransitGatewayRouteTables", obj{"TransitGatewayRouteTableId": v.ID, "TransitGatewayId": v.TransitGatewayID, "State": v.State,
			"DefaultAssociationRouteTable": v.DefaultAssociation, "DefaultPropagationRouteTable": v.DefaultPropagation, "Tags": tags(v.Tags)})
		var routes []any
		for _, r := range v.Routes {
			var atts []any
			for _, a := range r.Attachments {
				atts = append(atts, obj{"TransitGatewayAttachmentId": a.AttachmentID, "ResourceId": a.ResourceID, "ResourceType": a.ResourceType})
			}
			routes = append(routes, obj{"DestinationCidrBlock": r.Destination.String(), "Type": r.Type, "State": r.State, "TransitGatewayAttachments": atts})
		}
		add(&v.Meta, "TransitGatewayStaticRoutes", obj{"TransitGatewayRouteTableId": v.ID, "Routes": routes, "AdditionalRoutesAvailable": false})
		add(&v.Meta, "TransitGatewayPropagations", obj{"TransitGatewayRouteTableId": v.ID, "TransitGatewayRouteTablePropagations": links(v.Propagations)})
		add(&v.Meta, "TransitGatewayAssociations", obj{"TransitGatewayRouteTableId": v.ID, "Associations": links(v.Associations)})
	}
	for _, v := range s.VPCEndpoints {
		add(&v.Meta, "VpcEndpoints", obj{"VpcEndpointId": v.ID, "VpcEndpointType": v.Type, "VpcId": v.VPCID, "OwnerId": v.Account,
			"ServiceName": v.ServiceName, "State": v.State, "RouteTableIds": v.RouteTableIDs, "SubnetIds": v.SubnetIDs,
			"NetworkInterfaceIds": v.NetworkInterfaceIDs, "Groups": groups(v.SecurityGroupIDs), "Tags": tags(v.Tags)})
	}
	for _, v := range s.PrefixLists {
		if v.AWSManaged {
			var cidrs []string
			for _, e := range v.Entries {
				cidrs = append(cidrs, e.CIDR.String())
			}
			m := v.Meta
			m.Region = cmpOr(m.Region, s.Scopes[0].Region)
			add(&m, "PrefixLists", obj{"PrefixListId": v.ID, "PrefixListName": v.Name, "Cidrs": cidrs})
			continue
		}
		var entries []any
		for _, e := range v.Entries {
			entries = append(entries, obj{"Cidr": e.CIDR.String(), "Description": e.Description})
		}
		add(&v.Meta, "ManagedPrefixLists", obj{"PrefixListId": v.ID, "PrefixListName": v.Name, "AddressFamily": v.AddressFamily,
			"MaxEntries": v.MaxEntries, "OwnerId": v.Account, "State": v.State, "Tags": tags(v.Tags)})
		add(&v.Meta, "ManagedPrefixListEntries", obj{"PrefixListId": v.ID, "Entries": entries})
	}
	for region, byKey := range docs {
		for key, elems := range byKey {
			data, err := json.MarshalIndent(map[string]any{key: elems}, "", "    ")
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, region, key+".json")
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

type obj = map[string]any

func setIf(o obj, k, v string) {
	if v != "" {
		o[k] = v
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func tags(t model.Tags) []any {
	out := []any{}
	for k, v := range t {
		out = append(out, obj{"Key": k, "Value": v})
	}
	return out
}

func groups(ids []string) []any {
	out := []any{}
	for _, id := range ids {
		out = append(out, obj{"GroupId": id, "GroupName": id})
	}
	return out
}

func enable(b bool) string {
	if b {
		return "enable"
	}
	return "disable"
}

func protocol(p model.Protocol) string {
	if p == model.ProtocolAll {
		return "-1"
	}
	return p.String()
}

func attachments(as []model.GatewayAttachment) []any {
	out := []any{}
	for _, a := range as {
		out = append(out, obj{"VpcId": a.VPCID, "State": a.State})
	}
	return out
}

func links(ls []model.TGWRouteTableLink) []any {
	out := []any{}
	for _, l := range ls {
		out = append(out, obj{"TransitGatewayAttachmentId": l.AttachmentID, "ResourceId": l.ResourceID, "ResourceType": l.ResourceType, "State": l.State})
	}
	return out
}

// permissions writes security group rules as IpPermissions, one
// permission per rule (the CLI groups peers of one port range together;
// the importer reads both).
func permissions(rules []model.SGRule) []any {
	out := []any{}
	for _, r := range rules {
		p := obj{"IpProtocol": protocol(r.Protocol), "IpRanges": []any{}, "Ipv6Ranges": []any{}, "PrefixListIds": []any{}, "UserIdGroupPairs": []any{}}
		if r.Protocol != model.ProtocolAll {
			p["FromPort"], p["ToPort"] = r.FromPort, r.ToPort
		}
		switch {
		case r.Group != nil:
			p["UserIdGroupPairs"] = []any{obj{"GroupId": r.Group.GroupID, "UserId": r.Group.UserID, "Description": r.Description}}
		case r.PrefixListID != "":
			p["PrefixListIds"] = []any{obj{"PrefixListId": r.PrefixListID, "Description": r.Description}}
		case r.CIDR.Addr().Is6():
			p["Ipv6Ranges"] = []any{obj{"CidrIpv6": r.CIDR.String(), "Description": r.Description}}
		default:
			p["IpRanges"] = []any{obj{"CidrIp": r.CIDR.String(), "Description": r.Description}}
		}
		out = append(out, p)
	}
	return out
}

func eni(n *model.NetworkInterface) obj {
	var ips []any
	for _, ip := range n.PrivateIPs {
		e := obj{"PrivateIpAddress": ip.Address.String(), "Primary": ip.Primary, "PrivateDnsName": "ip-" + ip.Address.String() + ".ec2.internal"}
		if ip.PublicIP.IsValid() {
			e["Association"] = obj{"PublicIp": ip.PublicIP.String(), "IpOwnerId": "amazon"}
		}
		ips = append(ips, e)
	}
	out := obj{"NetworkInterfaceId": n.ID, "OwnerId": n.Account, "VpcId": n.VPCID, "SubnetId": n.SubnetID,
		"AvailabilityZone": n.AvailabilityZone, "Description": n.Description, "InterfaceType": n.InterfaceType, "Status": n.Status,
		"PrivateIpAddress": n.PrimaryIP().String(), "PrivateIpAddresses": ips, "Groups": groups(n.SecurityGroupIDs),
		"SourceDestCheck": n.SourceDestCheck, "RequesterManaged": n.RequesterManaged, "TagSet": tags(n.Tags),
		"MacAddress": "0e:00:00:00:00:01", "Ipv6Addresses": []any{}}
	if n.RequesterID != "" {
		out["RequesterId"] = n.RequesterID
	}
	if a := n.Attachment; a != nil {
		out["Attachment"] = obj{"AttachmentId": a.ID, "InstanceId": a.InstanceID, "InstanceOwnerId": a.InstanceOwnerID,
			"DeviceIndex": a.DeviceIndex, "Status": a.Status, "DeleteOnTermination": true}
	}
	return out
}
