package tfplan

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// This file maps security groups and their rules, instances, network
// interfaces, Elastic IPs, NAT gateways, peering, endpoints, transit
// gateways and load balancers.

// sgRules reads the rules of one rule object: an inline ingress or
// egress block, an aws_security_group_rule, or an
// aws_vpc_security_group_ingress_rule / _egress_rule. One rule per peer,
// as the model holds them.
func sgRules(b *builder, c *Change, v vals, self, account string) []model.SGRule {
	proto := v.str("protocol")
	if proto == "" {
		proto = v.str("ip_protocol")
	}
	p, err := model.ParseProtocol(proto)
	if err != nil {
		b.notef("%s: %v; the rule is left out", c.Address, err)
		return nil
	}
	tmpl := model.SGRule{Protocol: p, FromPort: -1, ToPort: -1, Description: v.str("description")}
	if p != model.ProtocolAll {
		if n, ok := v.num("from_port"); ok {
			tmpl.FromPort = int32(n)
		}
		if n, ok := v.num("to_port"); ok {
			tmpl.ToPort = int32(n)
		}
	}
	var out []model.SGRule
	peer := func(f func(*model.SGRule)) {
		r := tmpl
		f(&r)
		out = append(out, r)
	}
	for _, attr := range []string{"cidr_blocks", "ipv6_cidr_blocks"} {
		for _, pfx := range v.prefixes(attr) {
			peer(func(r *model.SGRule) { r.CIDR = pfx })
		}
	}
	for _, attr := range []string{"cidr_ipv4", "cidr_ipv6"} {
		if pfx := v.prefix(attr); pfx.IsValid() {
			peer(func(r *model.SGRule) { r.CIDR = pfx })
		}
	}
	for _, pl := range slices.Concat(v.refs("prefix_list_ids"), nonEmpty(v.ref("prefix_list_id"))) {
		peer(func(r *model.SGRule) { r.PrefixListID = pl })
	}
	groups := slices.Concat(v.refs("security_groups"), nonEmpty(v.ref("source_security_group_id")), nonEmpty(v.ref("referenced_security_group_id")))
	if v.boolean("self", false) {
		groups = append(groups, self)
	}
	for _, g := range groups {
		ref := &model.GroupRef{GroupID: g, UserID: account}
		if acct, id, ok := strings.Cut(g, "/"); ok { // a group of another account
			ref = &model.GroupRef{GroupID: id, UserID: acct}
		}
		peer(func(r *model.SGRule) { r.Group = ref })
	}
	if len(out) == 0 {
		b.notef("%s: a rule whose peer is known only after apply and not named by a reference is left out", c.Address)
	}
	return out
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// sameRule compares rules, their descriptions aside.
func sameRule(a, b model.SGRule) bool {
	a.Description, b.Description = "", ""
	if (a.Group == nil) != (b.Group == nil) || a.Group != nil && a.Group.GroupID != b.Group.GroupID {
		return false
	}
	a.Group, b.Group = nil, nil
	return a == b
}

func addRules(list []model.SGRule, rs []model.SGRule) []model.SGRule {
	for _, r := range rs {
		if !slices.ContainsFunc(list, func(x model.SGRule) bool { return sameRule(x, r) }) {
			list = append(list, r)
		}
	}
	return list
}

func dropRules(list []model.SGRule, rs []model.SGRule) []model.SGRule {
	return slices.DeleteFunc(list, func(x model.SGRule) bool {
		return slices.ContainsFunc(rs, func(r model.SGRule) bool { return sameRule(x, r) })
	})
}

func setSGRules(b *builder, c *Change, g *model.SecurityGroup, v vals) {
	g.Ingress, g.Egress = []model.SGRule{}, []model.SGRule{}
	for _, blk := range v.blocks("ingress") {
		g.Ingress = addRules(g.Ingress, sgRules(b, c, blk, g.ID, g.Account))
	}
	for _, blk := range v.blocks("egress") {
		g.Egress = addRules(g.Egress, sgRules(b, c, blk, g.ID, g.Account))
	}
}

func applySG(b *builder, c *Change, v vals) {
	g := existing[*model.SecurityGroup](b, c)
	created := g == nil
	if created {
		vpc := b.vpcOf(c, v)
		if vpc == nil {
			return
		}
		// the AWS provider removes the allow-all egress rule AWS adds to a
		// new group: the group has the rules the plan gives it
		g = &model.SecurityGroup{Meta: b.meta(c, v, b.idOf(c), vpc.Account), VPCID: vpc.ID}
	} else {
		g.Tags = v.tags()
	}
	if n := v.str("name"); n != "" {
		g.GroupName = n
	} else if created {
		g.GroupName = "terraform-" + c.Name
	}
	if d := v.str("description"); d != "" {
		g.Description = d
	}
	if created || c.Inline("ingress") || c.Inline("egress") || c.cfg == nil {
		setSGRules(b, c, g, v)
	}
	if g.Ingress == nil {
		g.Ingress = []model.SGRule{}
	}
	if g.Egress == nil {
		g.Egress = []model.SGRule{}
	}
	b.replace(g)
	b.addr(g.ID, c.Address)
}

func applyDefaultSG(b *builder, c *Change, v vals) {
	id := b.idOf(c)
	g, ok := b.find(id).(*model.SecurityGroup)
	if !ok {
		// the default group of the VPC the resource names
		for _, x := range b.s.SecurityGroups {
			if x.IsDefault() && x.VPCID == v.ref("vpc_id") {
				g, ok = x, true
			}
		}
	}
	if !ok {
		b.skip(c, "the default security group of VPC %q is neither in the snapshot nor in the plan", v.ref("vpc_id"))
		return
	}
	b.ids[c.Address+".id"] = g.ID
	if t := v.tags(); t != nil {
		g.Tags = t
	}
	// aws_default_security_group removes every rule it does not list
	setSGRules(b, c, g, v)
	b.addr(g.ID, c.Address)
}

// ruleGroup returns the group a separate rule resource changes, and
// whether the rule is an egress rule.
func ruleGroup(b *builder, c *Change, v vals) (*model.SecurityGroup, bool) {
	id := v.ref("security_group_id")
	g, ok := b.find(id).(*model.SecurityGroup)
	if !ok {
		if id == "" {
			b.skip(c, "its security group is known only after apply and no reference names it")
		} else {
			b.skip(c, "its security group %s is neither in the snapshot nor in the plan", id)
		}
		return nil, false
	}
	egress := c.Type == "aws_vpc_security_group_egress_rule" || c.Type == "aws_security_group_rule" && v.str("type") == "egress"
	return g, egress
}

func applySGRule(b *builder, c *Change, v vals) {
	g, egress := ruleGroup(b, c, v)
	if g == nil {
		return
	}
	b.ruleTargets[c.Address] = g.ID
	if c.Before != nil && c.Has(Update) {
		removeSGRule(b, c, vals{b: b, c: c, m: c.Before})
	}
	rs := sgRules(b, c, v, g.ID, g.Account)
	if egress {
		g.Egress = addRules(g.Egress, rs)
	} else {
		g.Ingress = addRules(g.Ingress, rs)
	}
	b.addr(g.ID, c.Address)
}

func removeSGRule(b *builder, c *Change, v vals) {
	g, ok := b.find(v.str("security_group_id")).(*model.SecurityGroup)
	if !ok {
		return
	}
	egress := c.Type == "aws_vpc_security_group_egress_rule" || c.Type == "aws_security_group_rule" && v.str("type") == "egress"
	rs := sgRules(b, c, v, g.ID, g.Account)
	if egress {
		g.Egress = dropRules(g.Egress, rs)
	} else {
		g.Ingress = dropRules(g.Ingress, rs)
	}
	b.addr(g.ID, c.Address)
}

// conflicts reports the resources whose rules the configuration writes
// inline while separate resources change them too: the AWS provider
// documents that the two conflict and overwrite each other.
func (b *builder) conflicts() {
	owners := map[string]*Change{}
	for _, c := range b.p.Changes {
		if c.After == nil {
			continue
		}
		switch {
		case c.Type == "aws_security_group" && (c.Inline("ingress") || c.Inline("egress")),
			c.Type == "aws_network_acl" && (c.Inline("ingress") || c.Inline("egress")),
			c.Type == "aws_route_table" && c.Inline("route"):
			owners[b.idOf(c)] = c
		}
	}
	for _, c := range b.p.Changes {
		if c.After == nil {
			continue
		}
		var id string
		v := vals{b: b, c: c, m: c.After, unk: anyMap(c.AfterUnknown)}
		switch c.Type {
		case "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule":
			id = v.ref("security_group_id")
		case "aws_network_acl_rule":
			id = v.ref("network_acl_id")
		case "aws_route":
			id = v.ref("route_table_id")
		default:
			continue
		}
		if o := owners[id]; o != nil {
			b.res.Conflicts = append(b.res.Conflicts, Conflict{Owner: o.Address, Rule: c.Address, Message: fmt.Sprintf(
				"%s writes its rules inline and %s adds to them: the AWS provider does not support both on one resource (each apply removes what the other adds); the answers assume both apply",
				o.Address, c.Address)})
		}
	}
}

func (b *builder) iface(id string) *model.NetworkInterface {
	n, _ := b.find(id).(*model.NetworkInterface)
	return n
}

func applyInstance(b *builder, c *Change, v vals) {
	sgs := v.refs("vpc_security_group_ids")
	if in := existing[*model.Instance](b, c); in != nil {
		in.Tags = v.tags()
		in.SourceDestCheck = v.boolean("source_dest_check", in.SourceDestCheck)
		if len(sgs) > 0 {
			in.SecurityGroupIDs = sgs
		}
		if len(in.NetworkInterfaceIDs) > 0 {
			if n := b.iface(in.NetworkInterfaceIDs[0]); n != nil {
				n.SourceDestCheck = in.SourceDestCheck
				n.SecurityGroupIDs = in.SecurityGroupIDs
			}
		}
		if t := v.str("instance_type"); t != "" {
			in.InstanceType = t
		}
		b.addr(in.ID, c.Address)
		return
	}
	subID := v.ref("subnet_id")
	sn := b.subnet(subID)
	if sn == nil {
		b.skip(c, "its subnet %q is neither in the snapshot nor in the plan", subID)
		return
	}
	if len(sgs) == 0 {
		for _, g := range b.s.SecurityGroups {
			if g.VPCID == sn.VPCID && g.IsDefault() {
				sgs = []string{g.ID} // AWS applies the VPC's default group
			}
		}
	}
	id := b.idOf(c)
	eniID := b.ids[c.Address+".primary_network_interface_id"]
	priv := v.addr("private_ip")
	if !priv.IsValid() {
		priv = b.chooseIP(c, "private_ip", sn)
	} else if b.used[priv] {
		b.notef("%s: private_ip %s is another interface's already; AWS would refuse the launch", c.Address, priv)
	}
	b.used[priv] = true
	var pub netip.Addr
	if v.boolean("associate_public_ip_address", sn.MapPublicIPOnLaunch) {
		if pub = v.addr("public_ip"); !pub.IsValid() {
			pub = b.placeholderPublicIP(c, "public_ip")
		}
	}
	sdc := v.boolean("source_dest_check", true)
	in := &model.Instance{Meta: b.meta(c, v, id, sn.Account), VPCID: sn.VPCID, SubnetID: sn.ID, AvailabilityZone: sn.AvailabilityZone,
		InstanceType: v.str("instance_type"), State: "running", PrivateIP: priv, PublicIP: pub,
		NetworkInterfaceIDs: []string{eniID}, SecurityGroupIDs: sgs, SourceDestCheck: sdc}
	n := &model.NetworkInterface{Meta: model.Meta{ID: eniID, Account: in.Account, Region: in.Region}, VPCID: sn.VPCID, SubnetID: sn.ID,
		AvailabilityZone: sn.AvailabilityZone, InterfaceType: "interface", Status: "in-use",
		PrivateIPs:       []model.PrivateIP{{Address: priv, Primary: true, PublicIP: pub}},
		SecurityGroupIDs: sgs, SourceDestCheck: sdc, Attachment: &model.ENIAttachment{InstanceID: id, DeviceIndex: 0, Status: "attached"}}
	if !priv.IsValid() {
		n.PrivateIPs = nil
	}
	b.replace(in)
	b.replace(n)
	b.addr(id, c.Address)
	b.addr(eniID, c.Address)
}

func applyENI(b *builder, c *Change, v vals) {
	n := existing[*model.NetworkInterface](b, c)
	if n == nil {
		subID := v.ref("subnet_id")
		sn := b.subnet(subID)
		if sn == nil {
			b.skip(c, "its subnet %q is neither in the snapshot nor in the plan", subID)
			return
		}
		n = &model.NetworkInterface{Meta: b.meta(c, v, b.idOf(c), sn.Account), VPCID: sn.VPCID, SubnetID: sn.ID,
			AvailabilityZone: sn.AvailabilityZone, InterfaceType: "interface", Status: "available"}
		var ips []netip.Addr
		for _, s := range v.refs("private_ips") {
			if a, err := netip.ParseAddr(s); err == nil {
				ips = append(ips, a)
			}
		}
		if a := v.addr("private_ip"); a.IsValid() && !slices.Contains(ips, a) {
			ips = append([]netip.Addr{a}, ips...)
		}
		if len(ips) == 0 {
			if a := b.chooseIP(c, "private_ip", sn); a.IsValid() {
				ips = append(ips, a)
			}
		}
		for i, a := range ips {
			b.used[a] = true
			n.PrivateIPs = append(n.PrivateIPs, model.PrivateIP{Address: a, Primary: i == 0})
		}
	} else {
		n.Tags = v.tags()
	}
	n.SecurityGroupIDs = v.refs("security_groups")
	n.SourceDestCheck = v.boolean("source_dest_check", true)
	for _, a := range v.blocks("attachment") {
		inID := a.ref("instance")
		in, ok := b.find(inID).(*model.Instance)
		if !ok {
			continue
		}
		idx, _ := a.num("device_index")
		n.Attachment = &model.ENIAttachment{InstanceID: inID, DeviceIndex: int32(idx), Status: "attached"}
		n.Status = "in-use"
		if !slices.Contains(in.NetworkInterfaceIDs, n.ID) {
			in.NetworkInterfaceIDs = append(in.NetworkInterfaceIDs, n.ID)
		}
	}
	b.replace(n)
	b.addr(n.ID, c.Address)
}

// associateEIP puts a public address on an instance's primary interface or
// on an interface (on the private address given, else its primary).
func (b *builder) associateEIP(c *Change, pub netip.Addr, instance, eni string, private netip.Addr) {
	if instance != "" {
		in, ok := b.find(instance).(*model.Instance)
		if !ok || len(in.NetworkInterfaceIDs) == 0 {
			b.notef("%s: instance %s is neither in the snapshot nor in the plan; the address is left out", c.Address, instance)
			return
		}
		eni = in.NetworkInterfaceIDs[0]
		in.PublicIP = pub
		b.addr(in.ID, c.Address)
	}
	n := b.iface(eni)
	if n == nil {
		b.notef("%s: network interface %q is neither in the snapshot nor in the plan; the address is left out", c.Address, eni)
		return
	}
	for i := range n.PrivateIPs {
		if private.IsValid() && n.PrivateIPs[i].Address == private || !private.IsValid() && i == 0 {
			n.PrivateIPs[i].PublicIP = pub
			if a := n.InstanceID(); a != "" {
				if in, ok := b.find(a).(*model.Instance); ok && in.PrivateIP == n.PrivateIPs[i].Address {
					in.PublicIP = pub
				}
			}
		}
	}
	b.addr(n.ID, c.Address)
}

func (b *builder) dropPublicIP(pub netip.Addr) {
	if !pub.IsValid() {
		return
	}
	for _, n := range b.s.NetworkInterfaces {
		for i := range n.PrivateIPs {
			if n.PrivateIPs[i].PublicIP == pub {
				n.PrivateIPs[i].PublicIP = netip.Addr{}
			}
		}
	}
	for _, in := range b.s.Instances {
		if in.PublicIP == pub {
			in.PublicIP = netip.Addr{}
		}
	}
}

func applyEIP(b *builder, c *Change, v vals) {
	pub := v.addr("public_ip")
	if !pub.IsValid() {
		pub = b.placeholderPublicIP(c, "public_ip")
	}
	alloc := b.idOf(c)
	b.eips[alloc] = pub
	if a := b.ids[c.Address+".allocation_id"]; a != "" {
		b.eips[a] = pub
	}
	if c.Before != nil && c.Has(Update) {
		b.dropPublicIP(vals{m: c.Before}.addr("public_ip"))
	}
	if in, eni := v.ref("instance"), v.ref("network_interface"); in != "" || eni != "" {
		b.associateEIP(c, pub, in, eni, v.addr("associate_with_private_ip"))
	}
}

func removeEIP(b *builder, _ *Change, v vals) { b.dropPublicIP(v.addr("public_ip")) }

func applyEIPAssoc(b *builder, c *Change, v vals) {
	pub := v.addr("public_ip")
	if alloc := v.ref("allocation_id"); !pub.IsValid() && alloc != "" {
		pub = b.eips[alloc]
	}
	if !pub.IsValid() {
		pub = b.placeholderPublicIP(c, "public_ip")
	}
	b.associateEIP(c, pub, v.ref("instance_id"), v.ref("network_interface_id"), v.addr("private_ip_address"))
}

func removeEIPAssoc(b *builder, _ *Change, v vals) { b.dropPublicIP(v.addr("public_ip")) }

func applyNAT(b *builder, c *Change, v vals) {
	if g := existing[*model.NATGateway](b, c); g != nil {
		g.Tags = v.tags()
		b.addr(g.ID, c.Address)
		return
	}
	subID := v.ref("subnet_id")
	sn := b.subnet(subID)
	if sn == nil {
		b.skip(c, "its subnet %q is neither in the snapshot nor in the plan", subID)
		return
	}
	id, eni := b.idOf(c), b.ids[c.Address+".network_interface_id"]
	ct := v.str("connectivity_type")
	if ct == "" {
		ct = "public"
	}
	priv := v.addr("private_ip")
	if !priv.IsValid() {
		priv = b.chooseIP(c, "private_ip", sn)
	}
	b.used[priv] = true
	var pub netip.Addr
	alloc := v.ref("allocation_id")
	if ct == "public" {
		if pub = v.addr("public_ip"); !pub.IsValid() {
			if pub = b.eips[alloc]; !pub.IsValid() {
				pub = b.placeholderPublicIP(c, "public_ip")
			}
		}
	}
	g := &model.NATGateway{Meta: b.meta(c, v, id, sn.Account), VPCID: sn.VPCID, SubnetID: sn.ID, State: "available", ConnectivityType: ct,
		Addresses: []model.NATAddress{{NetworkInterfaceID: eni, PrivateIP: priv, PublicIP: pub, AllocationID: alloc}}}
	n := &model.NetworkInterface{Meta: model.Meta{ID: eni, Account: g.Account, Region: g.Region}, VPCID: sn.VPCID, SubnetID: sn.ID,
		AvailabilityZone: sn.AvailabilityZone, Description: "Interface for NAT Gateway " + id, InterfaceType: "nat_gateway",
		Status: "in-use", PrivateIPs: []model.PrivateIP{{Address: priv, Primary: true, PublicIP: pub}}, RequesterManaged: true,
		Attachment: &model.ENIAttachment{InstanceOwnerID: "amazon-aws", DeviceIndex: 1, Status: "attached"}}
	b.replace(g)
	b.replace(n)
	b.addr(id, c.Address)
	b.addr(eni, c.Address)
}

func (b *builder) peeringSide(vpcID, owner, region string) model.PeeringSide {
	side := model.PeeringSide{VPCID: vpcID, OwnerID: owner, Region: region}
	if vpc := b.vpc(vpcID); vpc != nil {
		side.CIDRs, side.IPv6CIDRs = vpc.CIDRs, vpc.IPv6CIDRs
		if side.OwnerID == "" {
			side.OwnerID = vpc.Account
		}
		if side.Region == "" {
			side.Region = vpc.Region
		}
	}
	return side
}

func applyPeering(b *builder, c *Change, v vals) {
	p := existing[*model.VPCPeering](b, c)
	created := p == nil
	if created {
		p = &model.VPCPeering{Meta: b.meta(c, v, b.idOf(c), "")}
		p.Requester = b.peeringSide(v.ref("vpc_id"), "", "")
		p.Accepter = b.peeringSide(v.ref("peer_vpc_id"), v.str("peer_owner_id"), v.str("peer_region"))
		p.Account = p.Requester.OwnerID
		if p.Account == "" {
			p.Account = b.account
		}
		p.Status = "pending-acceptance"
	} else {
		p.Tags = v.tags()
	}
	switch s := v.str("accept_status"); {
	case s != "" && s != "pending-acceptance":
		p.Status = s
	case v.boolean("auto_accept", false):
		p.Status = "active"
	}
	b.replace(p)
	b.addr(p.ID, c.Address)
	// VPC peering guide: a request stays pending-acceptance until the
	// accepter VPC's owner accepts it
	// (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html)
	if created && p.Status == "pending-acceptance" && !b.acceptedBy("aws_vpc_peering_connection_accepter", p.ID) {
		b.notef("%s: the peering connection carries no traffic until the owner of %s accepts it (aws_vpc_peering_connection_accepter, or auto_accept in the same account and Region)", c.Address, p.Accepter.VPCID)
	}
}

func applyAccepter(b *builder, c *Change, v vals) {
	id := v.ref("vpc_peering_connection_id")
	p, ok := b.find(id).(*model.VPCPeering)
	if !ok {
		b.skip(c, "its peering connection %q is neither in the snapshot nor in the plan", id)
		return
	}
	if v.boolean("auto_accept", false) || v.str("accept_status") == "active" {
		p.Status = "active"
	}
	b.addr(p.ID, c.Address)
}

func applyEndpoint(b *builder, c *Change, v vals) {
	e := existing[*model.VPCEndpoint](b, c)
	created := e == nil
	if created {
		vpc := b.vpcOf(c, v)
		if vpc == nil {
			return
		}
		typ := v.str("vpc_endpoint_type")
		if typ == "" {
			typ = "Gateway"
		}
		e = &model.VPCEndpoint{Meta: b.meta(c, v, b.idOf(c), vpc.Account), VPCID: vpc.ID, Type: typ, State: "available"}
	} else {
		e.Tags = v.tags()
	}
	e.ServiceName = v.str("service_name")
	e.SecurityGroupIDs = v.refs("security_group_ids")
	switch e.Type {
	case "Gateway":
		e.RouteTableIDs = v.refs("route_table_ids")
		pl := b.servicePrefixList(e.ServiceName)
		if pl == "" && len(e.RouteTableIDs) > 0 {
			b.notef("%s: no prefix list for %s in the snapshot; the endpoint's routes are left out", c.Address, e.ServiceName)
		}
		for _, id := range e.RouteTableIDs {
			b.endpointRoute(e.ID, id, pl)
		}
	default:
		subs := v.refs("subnet_ids")
		if created {
			for i, sub := range subs {
				sn := b.subnet(sub)
				if sn == nil {
					continue
				}
				eni := model.PlaceholderID("eni-", fmt.Sprintf("%s #%d", c.Address, i+1))
				ip := b.chooseIP(c, fmt.Sprintf("network interface #%d", i+1), sn)
				b.res.Placeholders = append(b.res.Placeholders, Placeholder{Address: c.Address, Attribute: "network_interface_ids", Value: eni})
				n := &model.NetworkInterface{Meta: model.Meta{ID: eni, Account: e.Account, Region: e.Region}, VPCID: e.VPCID, SubnetID: sn.ID,
					AvailabilityZone: sn.AvailabilityZone, Description: "VPC Endpoint Interface " + e.ID, InterfaceType: "vpc_endpoint",
					Status: "in-use", PrivateIPs: []model.PrivateIP{{Address: ip, Primary: true}}, SecurityGroupIDs: e.SecurityGroupIDs,
					SourceDestCheck: true, RequesterManaged: true}
				b.replace(n)
				e.NetworkInterfaceIDs = append(e.NetworkInterfaceIDs, eni)
				b.addr(eni, c.Address)
			}
			e.SubnetIDs = subs
		}
	}
	b.replace(e)
	b.addr(e.ID, c.Address)
}

// servicePrefixList returns the AWS-managed prefix list of a gateway
// endpoint's service (com.amazonaws.us-east-1.s3), when the snapshot has it.
func (b *builder) servicePrefixList(service string) string {
	for _, pl := range b.s.PrefixLists {
		if pl.Name == service {
			return pl.ID
		}
	}
	return ""
}

func (b *builder) endpointRoute(endpoint, rtID, pl string) {
	rt, ok := b.find(rtID).(*model.RouteTable)
	if !ok || pl == "" {
		return
	}
	if !slices.ContainsFunc(rt.Routes, func(r model.Route) bool { return r.DestinationPrefixListID == pl }) {
		rt.Routes = append(rt.Routes, model.Route{DestinationPrefixListID: pl, GatewayID: endpoint, State: "active", Origin: "CreateRoute"})
	}
}

func applyEndpointRT(b *builder, c *Change, v vals) {
	e, ok := b.find(v.ref("vpc_endpoint_id")).(*model.VPCEndpoint)
	rt := v.ref("route_table_id")
	if !ok || rt == "" {
		b.skip(c, "its endpoint or route table is neither in the snapshot nor in the plan")
		return
	}
	if !slices.Contains(e.RouteTableIDs, rt) {
		e.RouteTableIDs = append(e.RouteTableIDs, rt)
	}
	b.endpointRoute(e.ID, rt, b.servicePrefixList(e.ServiceName))
	b.addr(e.ID, c.Address)
	b.addr(rt, c.Address)
}

func removeEndpointRT(b *builder, _ *Change, v vals) {
	e, ok := b.find(v.str("vpc_endpoint_id")).(*model.VPCEndpoint)
	rtID := v.str("route_table_id")
	if !ok {
		return
	}
	e.RouteTableIDs = slices.DeleteFunc(e.RouteTableIDs, func(x string) bool { return x == rtID })
	if rt, ok := b.find(rtID).(*model.RouteTable); ok {
		rt.Routes = slices.DeleteFunc(rt.Routes, func(r model.Route) bool { return r.GatewayID == e.ID })
	}
}
