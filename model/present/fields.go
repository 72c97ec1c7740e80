package present

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// fieldList builds a resource's fields.
type fieldList struct {
	p   *Presenter
	out []Field
}

// add appends "key value"; an empty value is left out.
func (f *fieldList) add(k, v string) {
	if v != "" {
		f.out = append(f.out, Field{Key: k, Value: v})
	}
}

// note appends a remark to the last field.
func (f *fieldList) note(n string) {
	if len(f.out) > 0 {
		f.out[len(f.out)-1].Note = n
	}
}

// ref appends a field whose value is a resource ID: the name goes beside it.
func (f *fieldList) ref(k, id string) {
	if id == "" {
		return
	}
	fd := Field{Key: k, Value: id}
	if r, ok := f.p.ix.Resource(id); ok {
		fd.Ref = id
		if n := Name(r); n != id {
			fd.RefName = n
		}
	}
	f.out = append(f.out, fd)
}

// refs appends one line per ID, all under the key.
func (f *fieldList) refs(k string, ids []string) {
	for _, id := range ids {
		f.ref(k, id)
	}
}

func prefixes(ps []netip.Prefix) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return strings.Join(out, ", ")
}

func addrs(as []netip.Addr) string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.String()
	}
	return strings.Join(out, ", ")
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// addr renders an address, "" when it is not set.
func addr(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

// commonFields are the fields every side of a resource seen from several
// accounts shares: what it is and what it is called (the first fields of
// every side's list).
func (p *Presenter) commonFields(r model.Resource) []Field {
	f := &fieldList{p: p}
	m := r.Base()
	f.add("id", m.ID)
	f.add("name", m.Name())
	return f.out
}

// fields are a resource's fields in reading order: identity, place, then
// what the kind holds.
func (p *Presenter) fields(r model.Resource) []Field {
	f := &fieldList{p: p}
	m := r.Base()
	f.add("id", m.ID)
	f.add("name", m.Name())
	f.add("account", m.Account)
	f.add("region", m.Region)
	switch v := r.(type) {
	case *model.VPC:
		f.add("cidrs", prefixes(slices.Concat(v.CIDRs, v.IPv6CIDRs)))
		f.add("default", yes(v.IsDefault))
		f.add("state", v.State)
	case *model.Subnet:
		f.ref("vpc", v.VPCID)
		f.add("availability zone", v.AvailabilityZone)
		f.add("cidr", prefixes(append([]netip.Prefix{v.CIDR}, v.IPv6CIDRs...)))
		kind := "private (no route to an internet gateway)"
		if IsPublic(p.ix, v) {
			kind = "public (0.0.0.0/0 → internet gateway)"
		}
		f.add("reachability", kind)
		f.add("public IP on launch", yes(v.MapPublicIPOnLaunch))
		if rt, explicit := p.ix.SubnetRouteTable(v.ID); rt != nil {
			f.ref("route table", rt.ID)
			if !explicit {
				f.note("(the VPC's main route table: no explicit association)")
			}
		}
		if acl := p.ix.SubnetNetworkACL(v.ID); acl != nil {
			f.ref("network ACL", acl.ID)
		}
	case *model.SecurityGroup:
		f.ref("vpc", v.VPCID)
		f.add("group name", v.GroupName)
		f.add("description", v.Description)
		f.add("members", count(len(p.ix.GroupMembers(v.ID)), "network interface"))
	case *model.NetworkACL:
		f.ref("vpc", v.VPCID)
		f.add("default", yes(v.IsDefault))
		for _, a := range v.Associations {
			f.ref("subnets", a.SubnetID)
		}
	case *model.RouteTable:
		f.ref("vpc", v.VPCID)
		f.add("main", yes(v.IsMain()))
		for _, a := range v.Associations {
			switch {
			case a.SubnetID != "":
				f.ref("associations", a.SubnetID)
			case a.GatewayID != "":
				f.ref("associations", a.GatewayID)
			case a.Main:
				f.add("associations", "main (every subnet without an explicit association)")
			}
		}
	case *model.NetworkInterface:
		f.ref("vpc", v.VPCID)
		f.ref("subnet", v.SubnetID)
		f.ref("instance", v.InstanceID())
		f.add("type", v.InterfaceType)
		f.add("description", v.Description)
		f.add("status", v.Status)
		for _, ip := range v.PrivateIPs {
			s := ip.Address.String()
			if ip.PublicIP.IsValid() {
				s += " ↔ public " + ip.PublicIP.String()
			}
			if ip.Primary {
				s += " (primary)"
			}
			f.add("private IP", s)
		}
		f.add("IPv6", addrs(v.IPv6Addresses))
		f.refs("security groups", v.SecurityGroupIDs)
		f.add("source/dest check", yes(v.SourceDestCheck))
	case *model.Instance:
		f.ref("vpc", v.VPCID)
		f.ref("subnet", v.SubnetID)
		f.add("type", v.InstanceType)
		f.add("state", v.State)
		f.add("private IP", addr(v.PrivateIP))
		f.add("public IP", addr(v.PublicIP))
		f.refs("interfaces", v.NetworkInterfaceIDs)
		f.refs("security groups", v.SecurityGroupIDs)
		f.add("source/dest check", yes(v.SourceDestCheck))
	case *model.NATGateway:
		f.ref("vpc", v.VPCID)
		f.ref("subnet", v.SubnetID)
		f.add("state", v.State)
		f.add("connectivity", v.ConnectivityType)
		for _, a := range v.Addresses {
			f.ref("interface", a.NetworkInterfaceID)
			f.add("address", strings.TrimSpace(strings.Trim(addr(a.PrivateIP)+" ↔ "+addr(a.PublicIP), " ↔")))
		}
	case *model.InternetGateway:
		for _, a := range v.Attachments {
			f.ref("attached to", a.VPCID)
		}
	case *model.EgressOnlyInternetGateway:
		for _, a := range v.Attachments {
			f.ref("attached to", a.VPCID)
		}
	case *model.VPNGateway:
		f.add("state", v.State)
		for _, a := range v.Attachments {
			f.ref("attached to", a.VPCID)
		}
	case *model.VPCPeering:
		f.add("status", v.Status)
		for _, s := range []struct {
			name string
			side model.PeeringSide
		}{{"requester", v.Requester}, {"accepter", v.Accepter}} {
			f.ref(s.name, s.side.VPCID)
			f.add(s.name+" account", s.side.OwnerID)
			f.add(s.name+" region", s.side.Region)
			f.add(s.name+" cidrs", prefixes(s.side.CIDRs))
		}
	case *model.TransitGateway:
		f.add("state", v.State)
		f.ref("default assoc. RT", v.AssociationDefaultRouteTableID)
		f.ref("default prop. RT", v.PropagationDefaultRouteTableID)
	case *model.TGWAttachment:
		f.ref("transit gateway", v.TransitGatewayID)
		f.add("gateway account", v.TransitGatewayOwnerID)
		f.add("resource type", v.ResourceType)
		f.ref("resource", v.ResourceID)
		f.add("resource account", v.ResourceOwnerID)
		f.add("state", v.State)
		if v.Association != nil {
			f.ref("route table", v.Association.RouteTableID)
		}
		f.refs("subnets", v.SubnetIDs)
		f.add("appliance mode", yes(v.ApplianceModeSupport))
	case *model.TGWRouteTable:
		f.ref("transit gateway", v.TransitGatewayID)
		f.add("state", v.State)
		f.add("default association", yes(v.DefaultAssociation))
		f.add("default propagation", yes(v.DefaultPropagation))
	case *model.VPCEndpoint:
		f.ref("vpc", v.VPCID)
		f.add("type", v.Type)
		f.add("service", v.ServiceName)
		f.add("state", v.State)
		f.refs("route tables", v.RouteTableIDs)
		f.refs("subnets", v.SubnetIDs)
		f.refs("interfaces", v.NetworkInterfaceIDs)
		f.refs("security groups", v.SecurityGroupIDs)
	case *model.PrefixList:
		f.add("list name", v.Name)
		f.add("family", v.AddressFamily)
		f.add("AWS managed", yes(v.AWSManaged))
		if v.MaxEntries > 0 {
			f.add("max entries", strconv.Itoa(int(v.MaxEntries)))
		}
	case *model.LoadBalancer:
		f.add("lb name", v.LoadBalancerName)
		f.add("type", v.Type)
		f.add("scheme", v.Scheme)
		f.add("state", v.State)
		f.ref("vpc", v.VPCID)
		f.add("dns", v.DNSName)
		for _, z := range v.AvailabilityZones {
			f.ref("subnet ("+z.ZoneName+")", z.SubnetID)
		}
		f.refs("security groups", v.SecurityGroupIDs)
	case *model.TargetGroup:
		f.add("group name", v.TargetGroupName)
		if v.Protocol != "" || v.Port != 0 {
			f.add("protocol/port", fmt.Sprintf("%s/%d", v.Protocol, v.Port))
		}
		f.add("target type", v.TargetType)
		f.ref("vpc", v.VPCID)
		f.refs("load balancers", v.LoadBalancerARNs)
	case *model.FlowLog:
		f.ref("captures", v.ResourceID)
		f.add("traffic type", v.TrafficType)
		f.add("status", v.Status)
		f.add("delivery", strings.TrimSpace(v.DeliverLogsStatus+" "+v.DeliverLogsError))
		f.add("destination type", v.DestinationType)
		f.add("destination", v.Destination)
		f.add("log format", v.LogFormat)
		if v.MaxAggregationInterval > 0 {
			f.add("aggregation", strconv.Itoa(int(v.MaxAggregationInterval))+" s")
		}
	case *model.WebACL:
		f.add("web ACL name", v.WebACLName)
		f.add("web ACL id", v.WebACLID)
		f.refs("protects", v.Resources)
		if len(v.Resources) == 0 {
			f.add("protects", "nothing: no resource is associated")
		}
	case *model.ShieldProtection:
		f.add("protection name", v.ProtectionName)
		f.ref("protects", v.ResourceARN)
	default:
		p.hybridFields(f, r)
	}
	if tags := otherTags(m.Tags); tags != "" {
		f.add("tags", tags)
	}
	return f.out
}

// otherTags renders the tags besides Name (the name is its own field).
func otherTags(t model.Tags) string {
	if len(t) == 0 || len(t) == 1 && t["Name"] != "" {
		return ""
	}
	rest := model.Tags{}
	for k, v := range t {
		if k != "Name" {
			rest[k] = v
		}
	}
	return rest.String()
}

// count renders "1 network interface", "3 network interfaces".
func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
