package reach_test

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// world builds small synthetic snapshots for the semantics tests. Every
// VPC comes as AWS creates it: a main route table with a local route per
// CIDR, a default network ACL that allows everything (rule 100 and the
// final * rules, IPv4 and IPv6) and a default security group. IDs follow
// one scheme so that cases stay short:
//
//	vpc-a → main route table rtb-a, default ACL acl-a, default SG sg-a-default
//	i-web → its interface eni-web
//
// Rules, entries and routes are written as short strings (see allow,
// entries and route). The helpers panic on a malformed string: a test
// typo, never an engine failure.
type world struct {
	s   *model.Snapshot
	res map[string]model.Resource
}

const (
	acct    = "111111111111"
	acct2   = "222222222222"
	region  = "us-east-1"
	region2 = "us-west-2"
)

func newWorld() *world {
	return &world{s: &model.Snapshot{Schema: model.SchemaVersion, Source: "generated"}, res: map[string]model.Resource{}}
}

func (w *world) add(r model.Resource) {
	if _, dup := w.res[r.Base().ID]; dup {
		panic("duplicate ID " + r.Base().ID)
	}
	if err := w.s.Add(r); err != nil {
		panic(err)
	}
	w.res[r.Base().ID] = r
}

func get[T model.Resource](w *world, id string) T {
	r, ok := w.res[id].(T)
	if !ok {
		panic(fmt.Sprintf("no %T %q in the world", r, id))
	}
	return r
}

func (w *world) vpcOf(id string) *model.VPC                { return get[*model.VPC](w, id) }
func (w *world) subnet(id string) *model.Subnet            { return get[*model.Subnet](w, id) }
func (w *world) eni(id string) *model.NetworkInterface     { return get[*model.NetworkInterface](w, id) }
func (w *world) inst(id string) *model.Instance            { return get[*model.Instance](w, id) }
func (w *world) sg(id string) *model.SecurityGroup         { return get[*model.SecurityGroup](w, id) }
func (w *world) acl(id string) *model.NetworkACL           { return get[*model.NetworkACL](w, id) }
func (w *world) rt(id string) *model.RouteTable            { return get[*model.RouteTable](w, id) }
func (w *world) tgwRT(id string) *model.TGWRouteTable      { return get[*model.TGWRouteTable](w, id) }
func (w *world) peeringOf(id string) *model.VPCPeering     { return get[*model.VPCPeering](w, id) }
func (w *world) tgwOf(id string) *model.TransitGateway     { return get[*model.TransitGateway](w, id) }
func (w *world) natOf(id string) *model.NATGateway         { return get[*model.NATGateway](w, id) }
func (w *world) igwOf(id string) *model.InternetGateway    { return get[*model.InternetGateway](w, id) }
func (w *world) lbOf(id string) *model.LoadBalancer        { return get[*model.LoadBalancer](w, id) }
func (w *world) tgOf(id string) *model.TargetGroup         { return get[*model.TargetGroup](w, id) }
func (w *world) attachment(id string) *model.TGWAttachment { return get[*model.TGWAttachment](w, id) }

func suffix(id string) string {
	_, s, _ := strings.Cut(id, "-")
	return s
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func ip(s string) netip.Addr    { return netip.MustParseAddr(s) }

// metaIn returns the metadata of a resource living in the VPC's account and region.
func (w *world) metaIn(id, vpcID string) model.Meta {
	v := w.vpcOf(vpcID)
	return model.Meta{ID: id, Account: v.Account, Region: v.Region}
}

// vpc adds a VPC in the default account and region. CIDRs with a colon are IPv6.
func (w *world) vpc(id string, cidrs ...string) *model.VPC {
	return w.vpcAt(id, acct, region, cidrs...)
}

// vpcAt adds a VPC in an account and region, with its main route table,
// default network ACL and default security group.
func (w *world) vpcAt(id, account, reg string, cidrs ...string) *model.VPC {
	v := &model.VPC{Meta: model.Meta{ID: id, Account: account, Region: reg}, State: "available"}
	for _, c := range cidrs {
		if strings.Contains(c, ":") {
			v.IPv6CIDRs = append(v.IPv6CIDRs, pfx(c))
		} else {
			v.CIDRs = append(v.CIDRs, pfx(c))
		}
	}
	w.add(v)
	s := suffix(id)
	main := w.routeTable("rtb-"+s, id)
	main.Associations = append(main.Associations, model.RouteTableAssociation{ID: "rtbassoc-" + s + "-main", Main: true, State: "associated"})
	w.add(&model.NetworkACL{Meta: w.metaIn("acl-"+s, id), VPCID: id, IsDefault: true, Entries: []model.ACLEntry{
		{RuleNumber: 100, Protocol: model.ProtocolAll, Action: model.Allow, CIDR: pfx("0.0.0.0/0")},
		{RuleNumber: 101, Protocol: model.ProtocolAll, Action: model.Allow, CIDR: pfx("::/0")},
		{RuleNumber: 100, Egress: true, Protocol: model.ProtocolAll, Action: model.Allow, CIDR: pfx("0.0.0.0/0")},
		{RuleNumber: 101, Egress: true, Protocol: model.ProtocolAll, Action: model.Allow, CIDR: pfx("::/0")},
		{RuleNumber: model.DefaultRuleNumber, Protocol: model.ProtocolAll, Action: model.Deny, CIDR: pfx("0.0.0.0/0")},
		{RuleNumber: model.DefaultRuleNumberIPv6, Protocol: model.ProtocolAll, Action: model.Deny, CIDR: pfx("::/0")},
		{RuleNumber: model.DefaultRuleNumber, Egress: true, Protocol: model.ProtocolAll, Action: model.Deny, CIDR: pfx("0.0.0.0/0")},
		{RuleNumber: model.DefaultRuleNumberIPv6, Egress: true, Protocol: model.ProtocolAll, Action: model.Deny, CIDR: pfx("::/0")},
	}})
	def := w.newSG("sg-"+s+"-default", id)
	def.GroupName = "default"
	def.Ingress = []model.SGRule{{Protocol: model.ProtocolAll, FromPort: -1, ToPort: -1, Group: &model.GroupRef{GroupID: def.ID, UserID: account}}}
	return v
}

// subnet adds a subnet in an AZ, associated with its VPC's default ACL.
func (w *world) addSubnet(id, vpcID, az string, cidrs ...string) *model.Subnet {
	sn := &model.Subnet{Meta: w.metaIn(id, vpcID), VPCID: vpcID, AvailabilityZone: az, State: "available"}
	for _, c := range cidrs {
		if strings.Contains(c, ":") {
			sn.IPv6CIDRs = append(sn.IPv6CIDRs, pfx(c))
		} else {
			sn.CIDR = pfx(c)
		}
	}
	w.add(sn)
	a := w.acl("acl-" + suffix(vpcID))
	a.Associations = append(a.Associations, model.ACLAssociation{ID: "aclassoc-" + suffix(id), SubnetID: id})
	return sn
}

// newSG adds a security group as AWS creates one: no inbound rules, and
// an outbound rule for all IPv4 traffic (and all IPv6 when the VPC has
// IPv6 blocks).
func (w *world) newSG(id, vpcID string) *model.SecurityGroup {
	sg := &model.SecurityGroup{Meta: w.metaIn(id, vpcID), VPCID: vpcID, GroupName: id, Ingress: []model.SGRule{},
		Egress: []model.SGRule{{Protocol: model.ProtocolAll, FromPort: -1, ToPort: -1, CIDR: pfx("0.0.0.0/0")}}}
	if len(w.vpcOf(vpcID).IPv6CIDRs) > 0 {
		sg.Egress = append(sg.Egress, model.SGRule{Protocol: model.ProtocolAll, FromPort: -1, ToPort: -1, CIDR: pfx("::/0")})
	}
	w.add(sg)
	return sg
}

// instance adds a running instance with one interface eni-<name> holding
// the private IPv4 address ip, in the security groups named (created in
// the subnet's VPC when they do not exist yet; the VPC's default group
// when none is named).
func (w *world) instance(id, subnetID, addr string, sgs ...string) *model.NetworkInterface {
	sn := w.subnet(subnetID)
	in := &model.Instance{Meta: w.metaIn(id, sn.VPCID), VPCID: sn.VPCID, SubnetID: subnetID, AvailabilityZone: sn.AvailabilityZone,
		InstanceType: "t3.micro", State: "running", PrivateIP: ip(addr), SourceDestCheck: true}
	w.add(in)
	return w.attachENI(id, "eni-"+suffix(id), subnetID, addr, sgs...)
}

// attachENI adds an interface to an instance (device index = its count so far).
func (w *world) attachENI(instanceID, eniID, subnetID, addr string, sgs ...string) *model.NetworkInterface {
	in := w.inst(instanceID)
	n := w.iface(eniID, subnetID, addr, sgs...)
	n.Attachment = &model.ENIAttachment{ID: "eni-attach-" + suffix(eniID), InstanceID: instanceID, InstanceOwnerID: in.Account,
		DeviceIndex: int32(len(in.NetworkInterfaceIDs)), Status: "attached"}
	in.NetworkInterfaceIDs = append(in.NetworkInterfaceIDs, eniID)
	if len(in.NetworkInterfaceIDs) == 1 {
		in.SecurityGroupIDs = n.SecurityGroupIDs
	}
	return n
}

// iface adds a bare interface (no instance).
func (w *world) iface(id, subnetID, addr string, sgs ...string) *model.NetworkInterface {
	sn := w.subnet(subnetID)
	if len(sgs) == 0 {
		sgs = []string{"sg-" + suffix(sn.VPCID) + "-default"}
	}
	for _, g := range sgs {
		if _, ok := w.res[g]; !ok {
			w.newSG(g, sn.VPCID)
		}
	}
	n := &model.NetworkInterface{Meta: w.metaIn(id, sn.VPCID), VPCID: sn.VPCID, SubnetID: subnetID,
		AvailabilityZone: sn.AvailabilityZone, InterfaceType: "interface", Status: "in-use",
		PrivateIPs:       []model.PrivateIP{{Address: ip(addr), Primary: true}},
		SecurityGroupIDs: slices.Clone(sgs), SourceDestCheck: true}
	w.add(n)
	return n
}

// public gives an interface's primary private address a public IPv4 address.
func (w *world) public(eniID, pub string) *world {
	n := w.eni(eniID)
	n.PrivateIPs[0].PublicIP = ip(pub)
	if id := n.InstanceID(); id != "" {
		w.inst(id).PublicIP = ip(pub)
	}
	return w
}

// v6 gives an interface an IPv6 address.
func (w *world) v6(eniID, addr string) *world {
	n := w.eni(eniID)
	n.IPv6Addresses = append(n.IPv6Addresses, ip(addr))
	return w
}

// allow adds security group rules written "in|out proto ports peer":
//
//	in tcp 22 10.0.1.0/24        in tcp 8000-8100 sg-web
//	in all * 0.0.0.0/0           in icmp 8 0.0.0.0/0 (type 8, any code)
//	in icmp 3/4 10.0.0.0/16      in icmpv6 * ::/0
//	in tcp 443 pl-corp           in tcp 22 222222222222/sg-admin
func (w *world) allow(sgID string, rules ...string) *world {
	sg := w.sg(sgID)
	for _, s := range rules {
		f := strings.Fields(s)
		if len(f) != 4 {
			panic("rule " + s)
		}
		r := model.SGRule{Protocol: proto(f[1])}
		r.FromPort, r.ToPort = ports32(r.Protocol, f[2])
		switch peer := f[3]; {
		case strings.HasPrefix(peer, "pl-"):
			r.PrefixListID = peer
		case strings.Contains(peer, "sg-"):
			user, g, ok := strings.Cut(peer, "/")
			if !ok {
				user, g = sg.Account, peer
			}
			r.Group = &model.GroupRef{GroupID: g, UserID: user}
		default:
			r.CIDR = pfx(peer)
		}
		switch f[0] {
		case "in":
			sg.Ingress = append(sg.Ingress, r)
		case "out":
			sg.Egress = append(sg.Egress, r)
		default:
			panic("rule " + s)
		}
	}
	return w
}

// noEgress removes every outbound rule of a security group.
func (w *world) noEgress(sgID string) *world {
	w.sg(sgID).Egress = []model.SGRule{}
	return w
}

func proto(s string) model.Protocol {
	p, err := model.ParseProtocol(s)
	if err != nil {
		panic(err)
	}
	return p
}

// ports32 parses "22", "1024-65535", "*" (all) or, for ICMP, "8" / "3/4"
// into AWS's FromPort/ToPort (type/code for ICMP).
func ports32(p model.Protocol, s string) (int32, int32) {
	if s == "*" || p == model.ProtocolAll {
		return -1, -1
	}
	if p.IsICMP() {
		t, c, ok := strings.Cut(s, "/")
		if !ok {
			return atoi32(t), -1
		}
		return atoi32(t), atoi32(c)
	}
	r, err := model.ParsePortRange(s)
	if err != nil {
		panic(err)
	}
	return int32(r.From), int32(r.To)
}

func atoi32(s string) int32 {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return int32(n)
}

// nacl adds a custom network ACL (only the final * deny rules, as AWS
// creates it) and associates the subnets with it, taking them from the
// ACL they had: a subnet has exactly one network ACL.
func (w *world) nacl(id, vpcID string, subnets ...string) *model.NetworkACL {
	a := &model.NetworkACL{Meta: w.metaIn(id, vpcID), VPCID: vpcID, Entries: []model.ACLEntry{
		{RuleNumber: model.DefaultRuleNumber, Protocol: model.ProtocolAll, Action: model.Deny, CIDR: pfx("0.0.0.0/0")},
		{RuleNumber: model.DefaultRuleNumberIPv6, Protocol: model.ProtocolAll, Action: model.Deny, CIDR: pfx("::/0")},
		{RuleNumber: model.DefaultRuleNumber, Egress: true, Protocol: model.ProtocolAll, Action: model.Deny, CIDR: pfx("0.0.0.0/0")},
		{RuleNumber: model.DefaultRuleNumberIPv6, Egress: true, Protocol: model.ProtocolAll, Action: model.Deny, CIDR: pfx("::/0")},
	}}
	w.add(a)
	for _, sn := range subnets {
		for _, other := range w.s.NetworkACLs {
			other.Associations = slices.DeleteFunc(other.Associations, func(x model.ACLAssociation) bool { return x.SubnetID == sn })
		}
		a.Associations = append(a.Associations, model.ACLAssociation{ID: "aclassoc-" + suffix(sn) + "-" + suffix(id), SubnetID: sn})
	}
	return a
}

// entries adds network ACL entries written "in|out number allow|deny proto ports cidr":
//
//	in 100 allow tcp 22 10.0.1.0/24      out 100 allow tcp 1024-65535 0.0.0.0/0
//	in 90 deny all * 10.0.0.0/16         in 100 allow icmp 8 0.0.0.0/0
func (w *world) entries(aclID string, es ...string) *world {
	a := w.acl(aclID)
	for _, s := range es {
		f := strings.Fields(s)
		if len(f) != 6 {
			panic("entry " + s)
		}
		e := model.ACLEntry{RuleNumber: atoi32(f[1]), Egress: f[0] == "out", Action: model.RuleAction(f[2]),
			Protocol: proto(f[3]), CIDR: pfx(f[5])}
		switch {
		case e.Protocol.HasPorts() && f[4] != "*":
			r, err := model.ParsePortRange(f[4])
			if err != nil {
				panic(err)
			}
			e.PortRange = &r
		case e.Protocol.IsICMP() && f[4] != "*":
			t, c := ports32(e.Protocol, f[4])
			e.ICMP = &model.ICMPTypeCode{Type: int16(t), Code: int16(c)}
		}
		a.Entries = append(a.Entries, e)
	}
	return w
}

// routeTable adds a route table with a local route per VPC CIDR, explicitly
// associated with the subnets named.
func (w *world) routeTable(id, vpcID string, subnets ...string) *model.RouteTable {
	v := w.vpcOf(vpcID)
	rt := &model.RouteTable{Meta: w.metaIn(id, vpcID), VPCID: vpcID}
	for _, c := range slices.Concat(v.CIDRs, v.IPv6CIDRs) {
		rt.Routes = append(rt.Routes, model.Route{Destination: c, GatewayID: "local", State: "active", Origin: "CreateRouteTable"})
	}
	w.add(rt)
	for _, sn := range subnets {
		w.associate(id, sn)
	}
	return rt
}

// associate makes rtID the explicit route table of a subnet.
func (w *world) associate(rtID, subnetID string) *world {
	for _, other := range w.s.RouteTables {
		other.Associations = slices.DeleteFunc(other.Associations, func(a model.RouteTableAssociation) bool { return a.SubnetID == subnetID })
	}
	rt := w.rt(rtID)
	rt.Associations = append(rt.Associations, model.RouteTableAssociation{ID: "rtbassoc-" + suffix(subnetID) + "-" + suffix(rtID),
		SubnetID: subnetID, State: "associated"})
	return w
}

// edge associates a route table with a gateway (ingress routing).
func (w *world) edge(rtID, gatewayID string) *world {
	rt := w.rt(rtID)
	rt.Associations = append(rt.Associations, model.RouteTableAssociation{ID: "rtbassoc-edge-" + suffix(gatewayID), GatewayID: gatewayID, State: "associated"})
	return w
}

// route adds a route. dest is a CIDR or a prefix list ID; the target's ID
// prefix says its kind (igw-, vgw-, vpce-, eigw-, nat-, pcx-, tgw-, eni-,
// i-). Flags: "blackhole", "propagated" (origin EnableVgwRoutePropagation),
// "first" (listed before the table's other routes).
func (w *world) route(rtID, dest, target string, flags ...string) *world {
	r := model.Route{State: "active", Origin: "CreateRoute"}
	if strings.HasPrefix(dest, "pl-") {
		r.DestinationPrefixListID = dest
	} else {
		r.Destination = pfx(dest)
	}
	switch {
	case target == "local", strings.HasPrefix(target, "igw-"), strings.HasPrefix(target, "vgw-"), strings.HasPrefix(target, "vpce-"):
		r.GatewayID = target
	case strings.HasPrefix(target, "eigw-"):
		r.EgressOnlyInternetGatewayID = target
	case strings.HasPrefix(target, "nat-"):
		r.NATGatewayID = target
	case strings.HasPrefix(target, "pcx-"):
		r.VPCPeeringConnectionID = target
	case strings.HasPrefix(target, "tgw-"):
		r.TransitGatewayID = target
	case strings.HasPrefix(target, "eni-"):
		r.NetworkInterfaceID = target
	case strings.HasPrefix(target, "i-"):
		r.InstanceID = target
	default:
		panic("route target " + target)
	}
	for _, f := range flags {
		switch f {
		case "blackhole":
			r.State = "blackhole"
		case "propagated":
			r.Origin = "EnableVgwRoutePropagation"
		case "first":
		default:
			panic("route flag " + f)
		}
	}
	rt := w.rt(rtID)
	if slices.Contains(flags, "first") {
		rt.Routes = slices.Insert(rt.Routes, 0, r) // listed before the others
	} else {
		rt.Routes = append(rt.Routes, r)
	}
	return w
}

// dropRoutes removes a route table's routes to dest.
func (w *world) dropRoutes(rtID, dest string) *world {
	rt := w.rt(rtID)
	rt.Routes = slices.DeleteFunc(rt.Routes, func(r model.Route) bool { return r.DestinationString() == dest })
	return w
}

// igw adds an internet gateway attached to the VPC.
func (w *world) igw(id, vpcID string) *world {
	w.add(&model.InternetGateway{Meta: w.metaIn(id, vpcID), Attachments: []model.GatewayAttachment{{VPCID: vpcID, State: "available"}}})
	return w
}

// eigw adds an egress-only internet gateway attached to the VPC.
func (w *world) eigw(id, vpcID string) *world {
	w.add(&model.EgressOnlyInternetGateway{Meta: w.metaIn(id, vpcID), Attachments: []model.GatewayAttachment{{VPCID: vpcID, State: "attached"}}})
	return w
}

// vgw adds a virtual private gateway attached to the VPC.
func (w *world) vgw(id, vpcID string) *world {
	w.add(&model.VPNGateway{Meta: w.metaIn(id, vpcID), State: "available", Attachments: []model.GatewayAttachment{{VPCID: vpcID, State: "attached"}}})
	return w
}

// nat adds an available NAT gateway in a subnet with its interface
// eni-<id>; pub "" makes it a private NAT gateway.
func (w *world) nat(id, subnetID, priv, pub string) *world {
	sn := w.subnet(subnetID)
	n := &model.NetworkInterface{Meta: w.metaIn("eni-"+id, sn.VPCID), VPCID: sn.VPCID, SubnetID: subnetID,
		AvailabilityZone: sn.AvailabilityZone, InterfaceType: "nat_gateway", Status: "in-use", RequesterManaged: true,
		Description: "Interface for NAT Gateway " + id, PrivateIPs: []model.PrivateIP{{Address: ip(priv), Primary: true}}}
	g := &model.NATGateway{Meta: w.metaIn(id, sn.VPCID), VPCID: sn.VPCID, SubnetID: subnetID, State: "available",
		ConnectivityType: "public", Addresses: []model.NATAddress{{NetworkInterfaceID: n.ID, PrivateIP: ip(priv)}}}
	if pub == "" {
		g.ConnectivityType = "private"
	} else {
		n.PrivateIPs[0].PublicIP = ip(pub)
		g.Addresses[0].PublicIP = ip(pub)
		g.Addresses[0].AllocationID = "eipalloc-" + id
	}
	w.add(n)
	w.add(g)
	return w
}

// peering adds a VPC peering connection between two VPCs of the world.
func (w *world) peering(id, requester, accepter, status string) *world {
	side := func(vpcID string) model.PeeringSide {
		v := w.vpcOf(vpcID)
		return model.PeeringSide{VPCID: v.ID, OwnerID: v.Account, Region: v.Region, CIDRs: v.CIDRs, IPv6CIDRs: v.IPv6CIDRs}
	}
	w.add(&model.VPCPeering{Meta: w.metaIn(id, requester), Status: status, Requester: side(requester), Accepter: side(accepter)})
	return w
}

// tgw adds an available transit gateway.
func (w *world) tgw(id, reg string) *world {
	w.add(&model.TransitGateway{Meta: model.Meta{ID: id, Account: acct, Region: reg}, State: "available"})
	return w
}

// tgwVPC attaches a VPC to a transit gateway through the subnets named
// (one per AZ).
func (w *world) tgwVPC(id, tgwID, vpcID string, subnets ...string) *world {
	w.add(&model.TGWAttachment{Meta: w.metaIn(id, vpcID), TransitGatewayID: tgwID, TransitGatewayOwnerID: acct,
		ResourceType: "vpc", ResourceID: vpcID, ResourceOwnerID: w.vpcOf(vpcID).Account, State: "available",
		SubnetIDs: subnets, SecurityGroupReferencingSupport: true})
	return w
}

// tgwVPN adds a Site-to-Site VPN attachment vpn-<id> to a transit gateway
// (what lies beyond it is outside AWS).
func (w *world) tgwVPN(id, tgwID string) *world {
	t := w.tgwOf(tgwID)
	w.add(&model.TGWAttachment{Meta: model.Meta{ID: id, Account: t.Account, Region: t.Region}, TransitGatewayID: tgwID,
		TransitGatewayOwnerID: t.Account, ResourceType: "vpn", ResourceID: "vpn-" + suffix(id), State: "available"})
	return w
}

// tgwPeer adds a peering attachment between two transit gateways: AWS
// shows it once from each side, under one ID.
func (w *world) tgwPeer(id, tgwA, tgwB string) *world {
	for _, pair := range [][2]string{{tgwA, tgwB}, {tgwB, tgwA}} {
		t := w.tgwOf(pair[0])
		a := &model.TGWAttachment{Meta: model.Meta{ID: id, Account: t.Account, Region: t.Region}, TransitGatewayID: pair[0],
			ResourceType: "peering", ResourceID: pair[1], State: "available"}
		if err := w.s.Add(a); err != nil {
			panic(err)
		}
		if pair[0] == tgwA {
			w.res[id] = a
		}
	}
	return w
}

// tgwTable adds a transit gateway route table.
func (w *world) tgwTable(id, tgwID string) *world {
	t := w.tgwOf(tgwID)
	w.add(&model.TGWRouteTable{Meta: model.Meta{ID: id, Account: t.Account, Region: t.Region}, TransitGatewayID: tgwID, State: "available"})
	return w
}

// tgwAssociate associates an attachment (as seen from the table's transit
// gateway) with a transit gateway route table.
func (w *world) tgwAssociate(rtID, attID string) *world {
	rt := w.tgwRT(rtID)
	for _, a := range w.s.TGWAttachments {
		if a.ID == attID && a.TransitGatewayID == rt.TransitGatewayID {
			a.Association = &model.TGWAssociation{RouteTableID: rtID, State: "associated"}
			rt.Associations = append(rt.Associations, model.TGWRouteTableLink{AttachmentID: attID, ResourceID: a.ResourceID,
				ResourceType: a.ResourceType, State: "associated"})
			return w
		}
	}
	panic("no attachment " + attID + " on " + rt.TransitGatewayID)
}

// tgwPropagate makes an attachment propagate its routes into a table.
func (w *world) tgwPropagate(rtID, attID string) *world {
	rt := w.tgwRT(rtID)
	for _, a := range w.s.TGWAttachments {
		if a.ID == attID && a.TransitGatewayID == rt.TransitGatewayID {
			rt.Propagations = append(rt.Propagations, model.TGWRouteTableLink{AttachmentID: attID, ResourceID: a.ResourceID,
				ResourceType: a.ResourceType, State: "enabled"})
			return w
		}
	}
	panic("no attachment " + attID + " on " + rt.TransitGatewayID)
}

// tgwRoute adds a static transit gateway route to an attachment, or a
// blackhole when attID is "blackhole". dest may be a prefix list ID.
// Several attachments make an equal-cost multipath route.
func (w *world) tgwRoute(rtID, dest string, attIDs ...string) *world {
	r := model.TGWRoute{Type: "static", State: "active"}
	if strings.HasPrefix(dest, "pl-") {
		r.PrefixListID = dest
	} else {
		r.Destination = pfx(dest)
	}
	if attIDs[0] == "blackhole" {
		r.State = "blackhole"
	} else {
		rt := w.tgwRT(rtID)
		for _, attID := range attIDs {
			n := len(r.Attachments)
			for _, a := range w.s.TGWAttachments {
				if a.ID == attID && a.TransitGatewayID == rt.TransitGatewayID {
					r.Attachments = append(r.Attachments, model.TGWRouteAttachment{AttachmentID: attID, ResourceID: a.ResourceID, ResourceType: a.ResourceType})
				}
			}
			if len(r.Attachments) == n {
				panic("no attachment " + attID)
			}
		}
	}
	rt := w.tgwRT(rtID)
	rt.Routes = append(rt.Routes, r)
	return w
}

// prefixList adds a prefix list; managed marks an AWS service list.
func (w *world) prefixList(id, name string, managed bool, cidrs ...string) *world {
	pl := &model.PrefixList{Meta: model.Meta{ID: id, Account: acct, Region: region}, Name: name, AddressFamily: "IPv4",
		State: "create-complete", AWSManaged: managed, MaxEntries: int32(max(len(cidrs), 1))}
	for _, c := range cidrs {
		pl.Entries = append(pl.Entries, model.PrefixListEntry{CIDR: pfx(c)})
	}
	w.add(pl)
	return w
}

// gatewayEndpoint adds a gateway VPC endpoint for the service behind the
// managed prefix list pl, with a route pl → endpoint in each route table.
func (w *world) gatewayEndpoint(id, vpcID, service, pl string, rts ...string) *world {
	w.add(&model.VPCEndpoint{Meta: w.metaIn(id, vpcID), VPCID: vpcID, Type: "Gateway", ServiceName: service,
		State: "available", RouteTableIDs: rts})
	for _, rt := range rts {
		w.route(rt, pl, id)
	}
	return w
}

// interfaceEndpoint adds an interface VPC endpoint with one interface
// eni-<id> in a subnet.
func (w *world) interfaceEndpoint(id, vpcID, service, subnetID, addr string, sgs ...string) *world {
	n := w.iface("eni-"+id, subnetID, addr, sgs...)
	n.InterfaceType, n.RequesterManaged, n.SourceDestCheck = "vpc_endpoint", true, false
	n.Description = "VPC Endpoint Interface " + id
	w.add(&model.VPCEndpoint{Meta: w.metaIn(id, vpcID), VPCID: vpcID, Type: "Interface", ServiceName: service,
		State: "available", SubnetIDs: []string{subnetID}, NetworkInterfaceIDs: []string{n.ID}, SecurityGroupIDs: n.SecurityGroupIDs})
	return w
}

// lbNode is one node of a load balancer: its subnet, private address and
// (internet-facing) public address.
type lbNode struct{ subnet, priv, pub string }

// loadBalancer adds an application or network load balancer whose ARN
// ends in <app|net>/<name>/1, with one interface per node. It returns the
// ARN.
func (w *world) loadBalancer(name, typ, scheme, vpcID string, sgs []string, nodes ...lbNode) string {
	kind := map[string]string{"application": "app", "network": "net"}[typ]
	tail := kind + "/" + name + "/1"
	arn := "arn:aws:elasticloadbalancing:" + region + ":" + acct + ":loadbalancer/" + tail
	lb := &model.LoadBalancer{Meta: model.Meta{ID: arn, Account: acct, Region: region}, LoadBalancerName: name, Type: typ,
		Scheme: scheme, State: "active", VPCID: vpcID, IPAddressType: "ipv4", SecurityGroupIDs: sgs}
	for i, nd := range nodes {
		sn := w.subnet(nd.subnet)
		n := w.iface(fmt.Sprintf("eni-%s-%d", name, i), nd.subnet, nd.priv, sgs...)
		if len(sgs) == 0 {
			n.SecurityGroupIDs = nil
		}
		n.Description, n.RequesterManaged, n.SourceDestCheck = "ELB "+tail, true, false
		if typ == "network" {
			n.InterfaceType = "network_load_balancer"
		}
		z := model.LBZone{ZoneName: sn.AvailabilityZone, SubnetID: sn.ID}
		if nd.pub != "" {
			n.PrivateIPs[0].PublicIP = ip(nd.pub)
			z.Addresses = []model.LBAddress{{IPAddress: ip(nd.pub), PrivateIPv4Address: ip(nd.priv)}}
		}
		lb.AvailabilityZones = append(lb.AvailabilityZones, z)
	}
	w.add(lb)
	return arn
}

// targetGroup adds an instance target group forwarding to port, with the
// instances as registered healthy targets, and returns its ARN.
func (w *world) targetGroup(name, protocol string, port int32, vpcID string, instances ...string) string {
	arn := "arn:aws:elasticloadbalancing:" + region + ":" + acct + ":targetgroup/" + name + "/1"
	tg := &model.TargetGroup{Meta: model.Meta{ID: arn, Account: acct, Region: region}, TargetGroupName: name, Protocol: protocol,
		Port: port, TargetType: "instance", VPCID: vpcID}
	for _, id := range instances {
		tg.Targets = append(tg.Targets, model.Target{ID: id, Port: port, AvailabilityZone: w.inst(id).AvailabilityZone, HealthState: "healthy"})
	}
	w.add(tg)
	return arn
}

// tgAttr sets a target group attribute.
func (w *world) tgAttr(tgARN, key, value string) *world {
	setAttr(&w.tgOf(tgARN).Attributes, key, value)
	return w
}

// lbAttr sets a load balancer attribute.
func (w *world) lbAttr(lbARN, key, value string) *world {
	setAttr(&w.lbOf(lbARN).Attributes, key, value)
	return w
}

func setAttr(m *map[string]string, key, value string) {
	if *m == nil {
		*m = map[string]string{}
	}
	(*m)[key] = value
}

// dualStack makes a load balancer dual-stack: its nodes, in the order
// they were added, get the IPv6 addresses given.
func (w *world) dualStack(lbARN string, v6 ...string) *world {
	lb := w.lbOf(lbARN)
	lb.IPAddressType = "dualstack"
	for i, a := range v6 {
		w.v6(fmt.Sprintf("eni-%s-%d", lb.LoadBalancerName, i), a)
		z := &lb.AvailabilityZones[i]
		if len(z.Addresses) == 0 {
			z.Addresses = []model.LBAddress{{}}
		}
		z.Addresses[0].IPv6Address = ip(a)
	}
	return w
}

// listener adds a listener forwarding to a target group ("" for none).
func (w *world) listener(lbARN, protocol string, port int32, tgARN string) *world {
	lb := w.lbOf(lbARN)
	l := model.Listener{ARN: fmt.Sprintf("%s/listener/%d", lbARN, port), Port: port, Protocol: protocol}
	if tgARN != "" {
		l.DefaultActions = []model.ListenerAction{{Type: "forward", TargetGroupARNs: []string{tgARN}}}
		tg := w.tgOf(tgARN)
		tg.LoadBalancerARNs = append(tg.LoadBalancerARNs, lbARN)
	}
	lb.Listeners = append(lb.Listeners, l)
	return w
}

// gap records that a kind could not be collected in the default scope.
func (w *world) gap(kind model.Kind, op string) *world {
	w.s.Gaps = append(w.s.Gaps, model.Gap{Account: acct, Region: region, Kind: kind, Operation: op,
		Code: "UnauthorizedOperation", Reason: "the role may not call " + op})
	return w
}

// The base worlds the cases start from.

// lan is one VPC, vpc-a 10.0.0.0/16, with two subnets in two AZs:
// subnet-a1 10.0.1.0/24 (us-east-1a) holding i-client 10.0.1.10 in
// sg-client, and subnet-a2 10.0.2.0/24 (us-east-1b) holding i-server
// 10.0.2.20 in sg-server. Both groups are new: nothing is admitted in yet,
// everything may go out. The default ACL allows all.
func lan() *world {
	w := newWorld()
	w.vpc("vpc-a", "10.0.0.0/16")
	w.addSubnet("subnet-a1", "vpc-a", "us-east-1a", "10.0.1.0/24")
	w.addSubnet("subnet-a2", "vpc-a", "us-east-1b", "10.0.2.0/24")
	w.instance("i-client", "subnet-a1", "10.0.1.10", "sg-client")
	w.instance("i-server", "subnet-a2", "10.0.2.20", "sg-server")
	return w
}

// lan6 is lan with IPv6: vpc-a 2600:1f18:a::/56, subnet-a1
// 2600:1f18:a:1::/64 (i-client ::10), subnet-a2 2600:1f18:a:2::/64
// (i-server ::20). The security groups allow all IPv6 out as well.
func lan6() *world {
	w := newWorld()
	w.vpc("vpc-a", "10.0.0.0/16", "2600:1f18:a::/56")
	w.addSubnet("subnet-a1", "vpc-a", "us-east-1a", "10.0.1.0/24", "2600:1f18:a:1::/64")
	w.addSubnet("subnet-a2", "vpc-a", "us-east-1b", "10.0.2.0/24", "2600:1f18:a:2::/64")
	w.instance("i-client", "subnet-a1", "10.0.1.10", "sg-client")
	w.instance("i-server", "subnet-a2", "10.0.2.20", "sg-server")
	w.v6("eni-client", "2600:1f18:a:1::10").v6("eni-server", "2600:1f18:a:2::20")
	return w
}

// webLAN is lan with sg-server admitting tcp/22 from the VPC.
func webLAN() *world {
	w := lan()
	w.allow("sg-server", "in tcp 22 10.0.0.0/16")
	return w
}

// internetLAN is lan with internet gateway igw-a attached, a default route
// to it in the main table, and public addresses on both instances:
// i-client 54.0.0.10, i-server 54.0.0.20.
func internetLAN() *world {
	w := lan()
	w.igw("igw-a", "vpc-a").route("rtb-a", "0.0.0.0/0", "igw-a")
	w.public("eni-client", "54.0.0.10").public("eni-server", "54.0.0.20")
	return w
}

// natLAN is lan made private behind a NAT gateway: subnet-a3 10.0.3.0/24
// (us-east-1a) is public (route table rtb-pub: 0.0.0.0/0 → igw-a) and
// holds nat-1 (10.0.3.5, EIP 54.0.0.99); the main table sends 0.0.0.0/0
// to nat-1. Neither instance has a public address.
func natLAN() *world {
	w := lan()
	w.publicNAT("vpc-a", "subnet-a3", "10.0.3.0/24", "igw-a", "rtb-pub", "nat-1", "10.0.3.5", "54.0.0.99")
	w.route("rtb-a", "0.0.0.0/0", "nat-1")
	return w
}

// publicNAT adds a public subnet (us-east-1a) with its own route table
// sending 0.0.0.0/0 to a new internet gateway, and a public NAT gateway in it.
func (w *world) publicNAT(vpcID, subnetID, cidr, igwID, rtID, natID, priv, pub string) {
	w.addSubnet(subnetID, vpcID, "us-east-1a", cidr)
	w.igw(igwID, vpcID)
	w.routeTable(rtID, vpcID, subnetID)
	w.route(rtID, "0.0.0.0/0", igwID)
	w.nat(natID, subnetID, priv, pub)
}

// peered is lan plus vpc-b 10.1.0.0/16 (subnet-b1 10.1.1.0/24, us-east-1a,
// i-peer 10.1.1.50 in sg-peer, which admits tcp/22 from vpc-a), joined to
// vpc-a by the active peering pcx-ab with routes on both sides.
func peered() *world { return peeredAt(acct, region) }

// peeredAt is peered with vpc-b in another account or region.
func peeredAt(account, reg string) *world {
	w := lan()
	w.vpcAt("vpc-b", account, reg, "10.1.0.0/16")
	w.addSubnet("subnet-b1", "vpc-b", reg+"a", "10.1.1.0/24")
	w.instance("i-peer", "subnet-b1", "10.1.1.50", "sg-peer")
	w.allow("sg-peer", "in tcp 22 10.0.0.0/16")
	w.peering("pcx-ab", "vpc-a", "vpc-b", "active")
	w.route("rtb-a", "10.1.0.0/16", "pcx-ab").route("rtb-b", "10.0.0.0/16", "pcx-ab")
	return w
}

// transit is lan plus vpc-c 10.2.0.0/16 (subnet-c1 10.2.1.0/24 in
// us-east-1a with i-far 10.2.1.30 in sg-far, which admits tcp/22 from
// 10.0.0.0/8), both VPCs attached to transit gateway tgw-1 (tgw-attach-a
// through subnet-a1, tgw-attach-c through subnet-c1), both associated
// with tgw-rtb-1 and propagating into it; each VPC's main table sends the
// other's CIDR to tgw-1.
func transit() *world {
	w := lan()
	w.vpc("vpc-c", "10.2.0.0/16")
	w.addSubnet("subnet-c1", "vpc-c", "us-east-1a", "10.2.1.0/24")
	w.instance("i-far", "subnet-c1", "10.2.1.30", "sg-far")
	w.allow("sg-far", "in tcp 22 10.0.0.0/8")
	w.tgw("tgw-1", region)
	w.tgwVPC("tgw-attach-a", "tgw-1", "vpc-a", "subnet-a1")
	w.tgwVPC("tgw-attach-c", "tgw-1", "vpc-c", "subnet-c1")
	w.tgwTable("tgw-rtb-1", "tgw-1")
	w.tgwAssociate("tgw-rtb-1", "tgw-attach-a").tgwAssociate("tgw-rtb-1", "tgw-attach-c")
	w.tgwPropagate("tgw-rtb-1", "tgw-attach-a").tgwPropagate("tgw-rtb-1", "tgw-attach-c")
	w.route("rtb-a", "10.2.0.0/16", "tgw-1").route("rtb-c", "10.0.0.0/16", "tgw-1")
	return w
}

// tgwSubnetA moves vpc-a's transit gateway attachment to a dedicated
// subnet, subnet-a5 10.0.5.0/24 in us-east-1a.
func tgwSubnetA(w *world) {
	w.addSubnet("subnet-a5", "vpc-a", "us-east-1a", "10.0.5.0/24")
	w.attachment("tgw-attach-a").SubnetIDs = []string{"subnet-a5"}
}

// middlebox routes the traffic between subnet-a1 and subnet-a2 through an
// appliance: i-fw 10.0.3.5 in subnet-a3 (us-east-1a, main route table),
// with sg-fw admitting everything from the VPC; rtb-a1 sends
// 10.0.2.0/24 to eni-fw and rtb-a2 sends 10.0.1.0/24 to eni-fw (routes more
// specific than local, each covering a whole subnet). sdc sets the
// appliance's source/destination check.
func middlebox(w *world, sdc bool) {
	w.addSubnet("subnet-a3", "vpc-a", "us-east-1a", "10.0.3.0/24")
	fw := w.instance("i-fw", "subnet-a3", "10.0.3.5", "sg-fw")
	fw.SourceDestCheck, w.inst("i-fw").SourceDestCheck = sdc, sdc
	w.allow("sg-fw", "in all * 10.0.0.0/16")
	w.routeTable("rtb-a1", "vpc-a", "subnet-a1")
	w.route("rtb-a1", "10.0.2.0/24", "eni-fw")
	w.routeTable("rtb-a2", "vpc-a", "subnet-a2")
	w.route("rtb-a2", "10.0.1.0/24", "eni-fw")
}

// ingressFW steers the internet's traffic for subnet-a2 through a firewall
// appliance: igw-a has an edge-associated route table rtb-edge sending
// 10.0.2.0/24 to eni-fw; i-fw 10.0.3.5 lives in subnet-a3 (us-east-1a,
// route table rtb-fw: 0.0.0.0/0 → igw-a), sg-fw admits everything; the
// server's subnet sends 0.0.0.0/0 back through eni-fw (rtb-a2). i-server
// has public address 54.0.0.20 and admits tcp/80 from anywhere.
func ingressFW(w *world, sdc bool) {
	w.igw("igw-a", "vpc-a")
	w.public("eni-server", "54.0.0.20")
	w.allow("sg-server", "in tcp 80 0.0.0.0/0")
	w.addSubnet("subnet-a3", "vpc-a", "us-east-1a", "10.0.3.0/24")
	fw := w.instance("i-fw", "subnet-a3", "10.0.3.5", "sg-fw")
	fw.SourceDestCheck, w.inst("i-fw").SourceDestCheck = sdc, sdc
	w.allow("sg-fw", "in all * 0.0.0.0/0")
	w.routeTable("rtb-fw", "vpc-a", "subnet-a3")
	w.route("rtb-fw", "0.0.0.0/0", "igw-a")
	w.routeTable("rtb-a2", "vpc-a", "subnet-a2")
	w.route("rtb-a2", "0.0.0.0/0", "eni-fw")
	w.routeTable("rtb-edge", "vpc-a")
	w.route("rtb-edge", "10.0.2.0/24", "eni-fw")
	w.edge("rtb-edge", "igw-a")
}

const (
	albARN = "arn:aws:elasticloadbalancing:" + region + ":" + acct + ":loadbalancer/app/web-alb/1"
	nlbARN = "arn:aws:elasticloadbalancing:" + region + ":" + acct + ":loadbalancer/net/ssh-nlb/1"
	webTG  = "arn:aws:elasticloadbalancing:" + region + ":" + acct + ":targetgroup/web/1"
	sshTG  = "arn:aws:elasticloadbalancing:" + region + ":" + acct + ":targetgroup/ssh/1"
)

// albWorld is lan with internet gateway igw-a (default route in the main
// table) and an internet-facing application load balancer web-alb with
// nodes eni-web-alb-0 (subnet-a1, 10.0.1.100, 54.0.0.101) and
// eni-web-alb-1 (subnet-a2, 10.0.2.100, 54.0.0.102) in sg-alb (tcp/80 and
// tcp/443 from anywhere); listener HTTP:80 forwards to target group web
// (HTTP:8080, i-server); sg-server admits tcp/8080 from sg-alb.
func albWorld() *world {
	w := lan()
	w.igw("igw-a", "vpc-a").route("rtb-a", "0.0.0.0/0", "igw-a")
	addALB(w)
	return w
}

// addALB adds albWorld's load balancer, target group and rules to a world
// built on lan or lan6.
func addALB(w *world) {
	w.newSG("sg-alb", "vpc-a")
	w.allow("sg-alb", "in tcp 80 0.0.0.0/0", "in tcp 443 0.0.0.0/0")
	w.loadBalancer("web-alb", "application", "internet-facing", "vpc-a", []string{"sg-alb"},
		lbNode{"subnet-a1", "10.0.1.100", "54.0.0.101"}, lbNode{"subnet-a2", "10.0.2.100", "54.0.0.102"})
	w.targetGroup("web", "HTTP", 8080, "vpc-a", "i-server")
	w.listener(albARN, "HTTP", 80, webTG)
	w.allow("sg-server", "in tcp 8080 sg-alb")
}

// nlbWorld is lan with internet gateway igw-a (default route in the main
// table) and an internet-facing network load balancer ssh-nlb without
// security groups, with nodes eni-ssh-nlb-0 (subnet-a3 10.0.3.0/24,
// us-east-1a: 10.0.3.100, 54.0.0.103) and eni-ssh-nlb-1 (subnet-a4
// 10.0.4.0/24, us-east-1b: 10.0.4.100, 54.0.0.104); listener TCP:22 forwards
// to target group ssh (TCP:22, instance target i-server in us-east-1b, so
// client IP preservation is on). Cross-zone load balancing is off.
func nlbWorld() *world {
	w := lan()
	w.igw("igw-a", "vpc-a").route("rtb-a", "0.0.0.0/0", "igw-a")
	w.addSubnet("subnet-a3", "vpc-a", "us-east-1a", "10.0.3.0/24")
	w.addSubnet("subnet-a4", "vpc-a", "us-east-1b", "10.0.4.0/24")
	addNLB(w)
	return w
}

// addNLB adds nlbWorld's load balancer (in subnet-a3 and subnet-a4) and
// target group to a world built on lan or lan6.
func addNLB(w *world) {
	w.loadBalancer("ssh-nlb", "network", "internet-facing", "vpc-a", nil,
		lbNode{"subnet-a3", "10.0.3.100", "54.0.0.103"}, lbNode{"subnet-a4", "10.0.4.100", "54.0.0.104"})
	w.targetGroup("ssh", "TCP", 22, "vpc-a", "i-server")
	w.listener(nlbARN, "TCP", 22, sshTG)
}
