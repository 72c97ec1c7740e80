package tfplan

import (
	"net/netip"
	"slices"

	"github.com/vpcscope/vpcscope/model"
)

// This file maps the VPC, subnet, gateway, route table, network ACL and
// prefix list resources.

func (b *builder) vpc(id string) *model.VPC {
	v, _ := b.find(id).(*model.VPC)
	return v
}

func (b *builder) subnet(id string) *model.Subnet {
	s, _ := b.find(id).(*model.Subnet)
	return s
}

// vpcOf returns the VPC a change names in vpc_id, or skips the change.
func (b *builder) vpcOf(c *Change, v vals) *model.VPC {
	id := v.ref("vpc_id")
	vpc := b.vpc(id)
	if vpc == nil {
		if id == "" {
			b.skip(c, "its VPC is known only after apply and no reference in the configuration names it")
		} else {
			b.skip(c, "its VPC %s is neither in the snapshot nor in the plan", id)
		}
	}
	return vpc
}

func applyVPC(b *builder, c *Change, v vals) {
	id := b.idOf(c)
	vpc := existing[*model.VPC](b, c)
	created := vpc == nil
	if created {
		vpc = &model.VPC{Meta: b.meta(c, v, id, ""), State: "available"}
	} else {
		vpc.Tags = v.tags()
	}
	if p := v.prefix("cidr_block"); p.IsValid() {
		vpc.CIDRs = append([]netip.Prefix{p}, slices.DeleteFunc(slices.Clone(vpc.CIDRs), func(x netip.Prefix) bool { return x == p || (len(vpc.CIDRs) > 0 && x == vpc.CIDRs[0]) })...)
	} else if created {
		b.notef("%s: cidr_block known only after apply (IPAM?); the VPC has no IPv4 block", c.Address)
	}
	if p := v.prefix("ipv6_cidr_block"); p.IsValid() {
		vpc.IPv6CIDRs = []netip.Prefix{p}
	}
	b.replace(vpc)
	b.addr(vpc.ID, c.Address)
	// AWS creates a default security group, network ACL and main route
	// table with every VPC
	if sg := b.ids[c.Address+".default_security_group_id"]; sg != "" && b.find(sg) == nil {
		g := &model.SecurityGroup{Meta: model.Meta{ID: sg, Account: vpc.Account, Region: vpc.Region}, VPCID: vpc.ID,
			GroupName: "default", Description: "default VPC security group",
			Ingress: []model.SGRule{{Protocol: model.ProtocolAll, FromPort: -1, ToPort: -1, Group: &model.GroupRef{GroupID: sg, UserID: vpc.Account}}},
			Egress:  []model.SGRule{{Protocol: model.ProtocolAll, FromPort: -1, ToPort: -1, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}}
		if len(vpc.IPv6CIDRs) > 0 {
			g.Egress = append(g.Egress, model.SGRule{Protocol: model.ProtocolAll, FromPort: -1, ToPort: -1, CIDR: netip.MustParsePrefix("::/0")})
		}
		b.replace(g)
		b.addr(sg, c.Address)
	}
	if acl := b.ids[c.Address+".default_network_acl_id"]; acl != "" && b.find(acl) == nil {
		a := &model.NetworkACL{Meta: model.Meta{ID: acl, Account: vpc.Account, Region: vpc.Region}, VPCID: vpc.ID, IsDefault: true}
		a.Entries = withDefaultEntries([]model.ACLEntry{
			{RuleNumber: 100, Protocol: model.ProtocolAll, Action: model.Allow, CIDR: netip.MustParsePrefix("0.0.0.0/0")},
			{RuleNumber: 100, Egress: true, Protocol: model.ProtocolAll, Action: model.Allow, CIDR: netip.MustParsePrefix("0.0.0.0/0")},
		})
		if len(vpc.IPv6CIDRs) > 0 {
			a.Entries = withDefaultEntries(append(a.Entries,
				model.ACLEntry{RuleNumber: 101, Protocol: model.ProtocolAll, Action: model.Allow, CIDR: netip.MustParsePrefix("::/0")},
				model.ACLEntry{RuleNumber: 101, Egress: true, Protocol: model.ProtocolAll, Action: model.Allow, CIDR: netip.MustParsePrefix("::/0")}))
		}
		b.replace(a)
		b.addr(acl, c.Address)
	}
	if rt := b.ids[c.Address+".main_route_table_id"]; rt != "" && b.find(rt) == nil {
		t := &model.RouteTable{Meta: model.Meta{ID: rt, Account: vpc.Account, Region: vpc.Region}, VPCID: vpc.ID,
			Routes: localRoutes(vpc), Associations: []model.RouteTableAssociation{{Main: true, State: "associated"}}}
		b.replace(t)
		b.addr(rt, c.Address)
	}
}

// applyCIDRAssoc adds a secondary IPv4 block to a VPC.
func applyCIDRAssoc(b *builder, c *Change, v vals) {
	vpc := b.vpcOf(c, v)
	if vpc == nil {
		return
	}
	if p := v.prefix("cidr_block"); p.IsValid() && !slices.Contains(vpc.CIDRs, p) {
		vpc.CIDRs = append(vpc.CIDRs, p)
		b.addr(vpc.ID, c.Address)
	}
}

func removeCIDRAssoc(b *builder, c *Change, v vals) {
	if vpc := b.vpc(v.str("vpc_id")); vpc != nil {
		p := v.prefix("cidr_block")
		vpc.CIDRs = slices.DeleteFunc(vpc.CIDRs, func(x netip.Prefix) bool { return x == p })
	}
}

// localRoutes returns the local routes of a VPC's route tables.
func localRoutes(vpc *model.VPC) []model.Route {
	var out []model.Route
	for _, p := range slices.Concat(vpc.CIDRs, vpc.IPv6CIDRs) {
		out = append(out, model.Route{Destination: p, GatewayID: "local", State: "active", Origin: "CreateRouteTable"})
	}
	return out
}

func applySubnet(b *builder, c *Change, v vals) {
	sn := existing[*model.Subnet](b, c)
	created := sn == nil
	if created {
		vpc := b.vpcOf(c, v)
		if vpc == nil {
			return
		}
		sn = &model.Subnet{Meta: b.meta(c, v, b.idOf(c), vpc.Account), VPCID: vpc.ID, State: "available"}
	} else {
		sn.Tags = v.tags()
	}
	sn.CIDR = v.prefix("cidr_block")
	if p := v.prefix("ipv6_cidr_block"); p.IsValid() {
		sn.IPv6CIDRs = []netip.Prefix{p}
	}
	if z := v.str("availability_zone"); z != "" {
		sn.AvailabilityZone = z
	}
	if z := v.str("availability_zone_id"); z != "" {
		sn.AvailabilityZoneID = z
	}
	sn.MapPublicIPOnLaunch = v.boolean("map_public_ip_on_launch", false)
	if !sn.CIDR.IsValid() {
		b.notef("%s: cidr_block known only after apply; the subnet has no IPv4 block", c.Address)
	}
	b.replace(sn)
	b.addr(sn.ID, c.Address)
	if created {
		// every subnet is associated with a network ACL: the VPC's default
		// until another is associated with it
		if d := b.defaultACL(sn.VPCID); d != nil && b.subnetACL(sn.ID) == nil {
			d.Associations = append(d.Associations, model.ACLAssociation{SubnetID: sn.ID})
			b.addr(d.ID, c.Address)
		}
	}
}

func (b *builder) defaultACL(vpcID string) *model.NetworkACL {
	for _, a := range b.s.NetworkACLs {
		if a.VPCID == vpcID && a.IsDefault {
			return a
		}
	}
	return nil
}

func (b *builder) subnetACL(subnetID string) *model.NetworkACL {
	for _, a := range b.s.NetworkACLs {
		for _, as := range a.Associations {
			if as.SubnetID == subnetID {
				return a
			}
		}
	}
	return nil
}

func applyIGW(b *builder, c *Change, v vals) {
	g := existing[*model.InternetGateway](b, c)
	if g == nil {
		g = &model.InternetGateway{Meta: b.meta(c, v, b.idOf(c), "")}
	} else {
		g.Tags = v.tags()
	}
	b.replace(g)
	b.addr(g.ID, c.Address)
	vpc := v.ref("vpc_id")
	if vpc != "" {
		b.attachIGW(g, vpc)
		if x := b.vpc(vpc); x != nil {
			g.Account = x.Account
		}
		return
	}
	// vpc_id taken out (it was set before): detached. A gateway whose
	// vpc_id was never set is attached by aws_internet_gateway_attachment
	// or not at all, and keeps what it has.
	if c.Before != nil && str(c.Before, "vpc_id") != "" && !v.unknown("vpc_id") {
		for _, a := range slices.Clone(g.Attachments) {
			b.detachIGW(g, a.VPCID)
		}
	}
}

// removeIGW deletes an internet gateway: Terraform detaches it first, and
// the routes to it stay, as blackholes.
func removeIGW(b *builder, c *Change, v vals) {
	id := v.str("id")
	if id == "" || id == b.idOf(c) && c.Has(Create) {
		return // the new object of a create-before-destroy
	}
	if g, ok := b.find(id).(*model.InternetGateway); ok {
		b.addr(id, c.Address)
		for _, a := range slices.Clone(g.Attachments) {
			b.detachIGW(g, a.VPCID)
		}
	}
	b.removeByID(id)
}

// attachIGW attaches an internet gateway to a VPC (one VPC at a time: the
// VPC it was attached to loses it first, detachIGW). In the VPC it joins,
// the routes to it carry traffic again.
func (b *builder) attachIGW(g *model.InternetGateway, vpc string) {
	for _, a := range slices.Clone(g.Attachments) {
		if a.VPCID != vpc {
			b.detachIGW(g, a.VPCID)
		}
	}
	g.Attachments = []model.GatewayAttachment{{VPCID: vpc, State: "available"}}
	for _, rt := range b.s.RouteTables {
		if rt.VPCID != vpc {
			continue
		}
		for i := range rt.Routes {
			if r := &rt.Routes[i]; r.GatewayID == g.ID && r.State == "blackhole" {
				r.State = "active"
			}
		}
	}
}

// detachIGW detaches an internet gateway from a VPC: the routes to it in
// the VPC's route tables stay, in state blackhole. AWS VPC API,
// Route.State: "The blackhole state indicates that the route's target
// isn't available (for example, the specified gateway isn't attached to
// the VPC ...)"
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Route.html).
// The route tables changed carry the gateway's Terraform addresses.
func (b *builder) detachIGW(g *model.InternetGateway, vpc string) {
	g.Attachments = slices.DeleteFunc(g.Attachments, func(a model.GatewayAttachment) bool { return a.VPCID == vpc })
	for _, rt := range b.s.RouteTables {
		if rt.VPCID != vpc {
			continue
		}
		changed := false
		for i := range rt.Routes {
			if r := &rt.Routes[i]; r.GatewayID == g.ID && r.State != "blackhole" {
				r.State, changed = "blackhole", true
			}
		}
		if changed {
			for _, a := range b.res.Addresses[g.ID] {
				b.addr(rt.ID, a)
			}
		}
	}
}

func applyEIGW(b *builder, c *Change, v vals) {
	vpc := b.vpcOf(c, v)
	if vpc == nil {
		return
	}
	g := existing[*model.EgressOnlyInternetGateway](b, c)
	if g == nil {
		g = &model.EgressOnlyInternetGateway{Meta: b.meta(c, v, b.idOf(c), vpc.Account)}
	}
	g.Attachments = []model.GatewayAttachment{{VPCID: vpc.ID, State: "attached"}}
	b.replace(g)
	b.addr(g.ID, c.Address)
}

// routeOf reads a route: an inline route block of a route table or an
// aws_route.
func routeOf(b *builder, c *Change, v vals) (model.Route, bool) {
	r := model.Route{State: "active", Origin: "CreateRoute"}
	for _, attr := range []string{"destination_cidr_block", "cidr_block", "destination_ipv6_cidr_block", "ipv6_cidr_block"} {
		if p := v.prefix(attr); p.IsValid() {
			r.Destination = p
		}
	}
	for _, attr := range []string{"destination_prefix_list_id"} {
		if id := v.ref(attr); id != "" {
			r.DestinationPrefixListID = id
		}
	}
	if !r.Destination.IsValid() && r.DestinationPrefixListID == "" {
		b.notef("%s: a route whose destination is known only after apply is left out", c.Address)
		return r, false
	}
	r.GatewayID = v.ref("gateway_id")
	if id := v.ref("vpc_endpoint_id"); id != "" {
		r.GatewayID = id
	} else if m := b.firewallEndpointRef(c, v, "vpc_endpoint_id"); m != "" {
		r.GatewayID = m
	}
	r.NATGatewayID = v.ref("nat_gateway_id")
	r.EgressOnlyInternetGatewayID = v.ref("egress_only_gateway_id")
	r.VPCPeeringConnectionID = v.ref("vpc_peering_connection_id")
	r.TransitGatewayID = v.ref("transit_gateway_id")
	r.NetworkInterfaceID = v.ref("network_interface_id")
	r.InstanceID = v.ref("instance_id")
	r.LocalGatewayID = v.ref("local_gateway_id")
	r.CarrierGatewayID = v.ref("carrier_gateway_id")
	r.CoreNetworkARN = v.ref("core_network_arn")
	if r.Target().Kind == model.TargetNone {
		b.notef("%s: the route to %s has a target known only after apply that no reference names; it is a blackhole in the answers", c.Address, r.DestinationString())
		r.State = "blackhole"
	}
	return r, true
}

func sameDestination(a, b model.Route) bool {
	return a.Destination == b.Destination && a.DestinationPrefixListID == b.DestinationPrefixListID
}

// setRoutes replaces a table's routes with a route table's route blocks,
// keeping the local and propagated routes AWS manages.
func setRoutes(b *builder, c *Change, rt *model.RouteTable, v vals) {
	kept := slices.DeleteFunc(slices.Clone(rt.Routes), func(r model.Route) bool {
		return r.GatewayID != "local" && r.Origin != "EnableVgwRoutePropagation"
	})
	for _, blk := range v.blocks("route") {
		if r, ok := routeOf(b, c, blk); ok {
			kept = append(kept, r)
		}
	}
	rt.Routes = kept
}

func applyRouteTable(b *builder, c *Change, v vals) {
	rt := existing[*model.RouteTable](b, c)
	created := rt == nil
	if created {
		vpc := b.vpcOf(c, v)
		if vpc == nil {
			return
		}
		rt = &model.RouteTable{Meta: b.meta(c, v, b.idOf(c), vpc.Account), VPCID: vpc.ID, Routes: localRoutes(vpc)}
	} else {
		rt.Tags = v.tags()
	}
	if created || c.Inline("route") || c.cfg == nil {
		setRoutes(b, c, rt, v)
	}
	rt.PropagatingVGWs = v.refs("propagating_vgws")
	b.replace(rt)
	b.addr(rt.ID, c.Address)
}

func applyDefaultRouteTable(b *builder, c *Change, v vals) {
	id := v.ref("default_route_table_id")
	rt, ok := b.find(id).(*model.RouteTable)
	if !ok {
		b.skip(c, "the default route table %s is neither in the snapshot nor in the plan", id)
		return
	}
	if t := v.tags(); t != nil {
		rt.Tags = t
	}
	setRoutes(b, c, rt, v)
	b.addr(rt.ID, c.Address)
	b.ids[c.Address+".id"] = rt.ID
}

func (b *builder) routeTable(c *Change, v vals) *model.RouteTable {
	rt, _ := parentOf[*model.RouteTable](b, c, v, "route_table_id", "route table")
	return rt
}

func applyRoute(b *builder, c *Change, v vals) {
	rt := b.routeTable(c, v)
	if rt == nil {
		return
	}
	r, ok := routeOf(b, c, v)
	if !ok {
		return
	}
	if c.Before != nil && c.Has(Update) {
		if old, ok := routeOf(b, c, vals{b: b, c: c, m: c.Before}); ok {
			rt.Routes = slices.DeleteFunc(rt.Routes, func(x model.Route) bool { return sameDestination(x, old) && x.GatewayID != "local" })
		}
	}
	rt.Routes = slices.DeleteFunc(rt.Routes, func(x model.Route) bool { return sameDestination(x, r) && x.GatewayID != "local" })
	rt.Routes = append(rt.Routes, r)
	b.addr(rt.ID, c.Address)
}

func removeRoute(b *builder, c *Change, v vals) {
	rt, ok := b.find(v.str("route_table_id")).(*model.RouteTable)
	if !ok {
		return
	}
	old, ok := routeOf(b, c, v)
	if !ok {
		return
	}
	rt.Routes = slices.DeleteFunc(rt.Routes, func(x model.Route) bool {
		return sameDestination(x, old) && x.GatewayID != "local" && x.Target() == old.Target()
	})
	b.addr(rt.ID, c.Address)
}

func applyRTAssoc(b *builder, c *Change, v vals) {
	rt := b.routeTable(c, v)
	if rt == nil {
		return
	}
	sub, gw := v.ref("subnet_id"), v.ref("gateway_id")
	if sub == "" && gw == "" {
		b.skip(c, "its subnet or gateway is known only after apply and no reference names it")
		return
	}
	for _, t := range b.s.RouteTables {
		n := len(t.Associations)
		t.Associations = slices.DeleteFunc(t.Associations, func(a model.RouteTableAssociation) bool {
			return !a.Main && (sub != "" && a.SubnetID == sub || gw != "" && a.GatewayID == gw)
		})
		if len(t.Associations) < n && t != rt {
			b.addr(t.ID, c.Address) // the table the subnet leaves
		}
	}
	id := v.str("id")
	rt.Associations = append(rt.Associations, model.RouteTableAssociation{ID: id, SubnetID: sub, GatewayID: gw, State: "associated"})
	b.addr(rt.ID, c.Address)
	b.addr(sub, c.Address)
}

func removeRTAssoc(b *builder, c *Change, v vals) {
	rt, ok := b.find(v.str("route_table_id")).(*model.RouteTable)
	if !ok {
		return
	}
	sub, gw := v.str("subnet_id"), v.str("gateway_id")
	rt.Associations = slices.DeleteFunc(rt.Associations, func(a model.RouteTableAssociation) bool {
		return !a.Main && (sub != "" && a.SubnetID == sub || gw != "" && a.GatewayID == gw)
	})
	b.addr(rt.ID, c.Address)
}

func applyMainRTAssoc(b *builder, c *Change, v vals) {
	rt := b.routeTable(c, v)
	if rt == nil {
		return
	}
	setMain(b, rt.VPCID, rt)
	b.addr(rt.ID, c.Address)
}

func removeMainRTAssoc(b *builder, c *Change, v vals) {
	// the VPC's original main route table becomes main again
	if rt, ok := b.find(v.str("original_route_table_id")).(*model.RouteTable); ok {
		setMain(b, rt.VPCID, rt)
	}
}

func setMain(b *builder, vpcID string, rt *model.RouteTable) {
	for _, t := range b.s.RouteTables {
		if t.VPCID == vpcID {
			t.Associations = slices.DeleteFunc(t.Associations, func(a model.RouteTableAssociation) bool { return a.Main })
		}
	}
	rt.Associations = append(rt.Associations, model.RouteTableAssociation{Main: true, State: "associated"})
}

// withDefaultEntries adds a network ACL's final "*" rules.
func withDefaultEntries(es []model.ACLEntry) []model.ACLEntry {
	es = slices.DeleteFunc(es, func(e model.ACLEntry) bool { return e.IsDefaultDeny() })
	for _, egress := range []bool{false, true} {
		es = append(es,
			model.ACLEntry{RuleNumber: model.DefaultRuleNumber, Egress: egress, Protocol: model.ProtocolAll, Action: model.Deny, CIDR: netip.MustParsePrefix("0.0.0.0/0")},
			model.ACLEntry{RuleNumber: model.DefaultRuleNumberIPv6, Egress: egress, Protocol: model.ProtocolAll, Action: model.Deny, CIDR: netip.MustParsePrefix("::/0")})
	}
	slices.SortStableFunc(es, func(a, b model.ACLEntry) int {
		if a.Egress != b.Egress {
			if a.Egress {
				return 1
			}
			return -1
		}
		return int(a.RuleNumber) - int(b.RuleNumber)
	})
	return es
}

// aclEntry reads a network ACL entry: an inline ingress or egress block
// (rule_no, action) or an aws_network_acl_rule (rule_number, rule_action).
func aclEntry(b *builder, c *Change, v vals, egress bool) (model.ACLEntry, bool) {
	e := model.ACLEntry{Egress: egress}
	n, ok := v.num("rule_no")
	if !ok {
		n, ok = v.num("rule_number")
	}
	if !ok || n < 1 || n > 32766 {
		b.notef("%s: a network ACL entry without a rule number AWS accepts (1-32766) is left out", c.Address)
		return e, false
	}
	e.RuleNumber = int32(n)
	action := v.str("action")
	if action == "" {
		action = v.str("rule_action")
	}
	e.Action = model.RuleAction(action)
	if e.Action != model.Allow && e.Action != model.Deny {
		b.notef("%s: entry %d has action %q, not allow or deny; left out", c.Address, n, clip(action))
		return e, false
	}
	p, err := model.ParseProtocol(v.str("protocol"))
	if err != nil {
		b.notef("%s: entry %d: %v; left out", c.Address, n, err)
		return e, false
	}
	e.Protocol = p
	e.CIDR = v.prefix("cidr_block")
	if !e.CIDR.IsValid() {
		e.CIDR = v.prefix("ipv6_cidr_block")
	}
	if !e.CIDR.IsValid() {
		b.notef("%s: entry %d has a CIDR block known only after apply; left out", c.Address, n)
		return e, false
	}
	switch {
	case p.HasPorts():
		from, _ := v.num("from_port")
		to, _ := v.num("to_port")
		if !(from == 0 && to == 0) {
			pr := model.PortRange{From: uint16(min(max(from, 0), 65535)), To: uint16(min(max(to, 0), 65535))}
			e.PortRange = &pr
		}
	case p.IsICMP():
		t, ok1 := v.num("icmp_type")
		code, ok2 := v.num("icmp_code")
		if ok1 && t >= 0 {
			ic := model.ICMPTypeCode{Type: int16(min(t, 255)), Code: -1}
			if ok2 {
				ic.Code = int16(min(max(code, -1), 255))
			}
			e.ICMP = &ic
		}
	}
	return e, true
}

func setEntries(b *builder, c *Change, acl *model.NetworkACL, v vals) {
	var es []model.ACLEntry
	for i, attr := range []string{"ingress", "egress"} {
		for _, blk := range v.blocks(attr) {
			if e, ok := aclEntry(b, c, blk, i == 1); ok {
				es = append(es, e)
			}
		}
	}
	acl.Entries = withDefaultEntries(es)
}

// associate moves subnets to a network ACL.
func (b *builder) associate(acl *model.NetworkACL, subnets []string) {
	for _, sub := range subnets {
		if slices.ContainsFunc(acl.Associations, func(x model.ACLAssociation) bool { return x.SubnetID == sub }) {
			continue
		}
		for _, a := range b.s.NetworkACLs {
			a.Associations = slices.DeleteFunc(a.Associations, func(x model.ACLAssociation) bool { return x.SubnetID == sub })
		}
		acl.Associations = append(acl.Associations, model.ACLAssociation{SubnetID: sub})
	}
}

func applyNACL(b *builder, c *Change, v vals) {
	acl := existing[*model.NetworkACL](b, c)
	created := acl == nil
	if created {
		vpc := b.vpcOf(c, v)
		if vpc == nil {
			return
		}
		acl = &model.NetworkACL{Meta: b.meta(c, v, b.idOf(c), vpc.Account), VPCID: vpc.ID}
	} else {
		acl.Tags = v.tags()
	}
	if created || c.Inline("ingress") || c.Inline("egress") || c.cfg == nil {
		setEntries(b, c, acl, v)
	}
	b.replace(acl)
	if subs := v.refs("subnet_ids"); len(subs) > 0 || v.m["subnet_ids"] != nil {
		// subnets no longer listed go back to the VPC's default ACL
		if d := b.defaultACL(acl.VPCID); d != nil && d != acl {
			var gone []string
			for _, a := range acl.Associations {
				if !slices.Contains(subs, a.SubnetID) {
					gone = append(gone, a.SubnetID)
				}
			}
			b.associate(d, gone)
		}
		b.associate(acl, subs)
		for _, s := range subs {
			b.addr(s, c.Address)
		}
	}
	b.addr(acl.ID, c.Address)
}

func applyDefaultNACL(b *builder, c *Change, v vals) {
	id := v.ref("default_network_acl_id")
	acl, ok := b.find(id).(*model.NetworkACL)
	if !ok {
		b.skip(c, "the default network ACL %s is neither in the snapshot nor in the plan", id)
		return
	}
	if t := v.tags(); t != nil {
		acl.Tags = t
	}
	setEntries(b, c, acl, v)
	if subs := v.refs("subnet_ids"); len(subs) > 0 {
		b.associate(acl, subs)
	}
	b.addr(acl.ID, c.Address)
	b.ids[c.Address+".id"] = acl.ID
}

func (b *builder) nacl(c *Change, v vals) *model.NetworkACL {
	acl, _ := parentOf[*model.NetworkACL](b, c, v, "network_acl_id", "network ACL")
	return acl
}

func applyNACLRule(b *builder, c *Change, v vals) {
	acl := b.nacl(c, v)
	if acl == nil {
		return
	}
	egress := v.boolean("egress", false)
	e, ok := aclEntry(b, c, v, egress)
	if !ok {
		return
	}
	if c.Before != nil && c.Has(Update) {
		if old, ok := aclEntry(b, c, vals{b: b, c: c, m: c.Before}, v.boolean("egress", false)); ok {
			acl.Entries = slices.DeleteFunc(acl.Entries, func(x model.ACLEntry) bool { return x.Egress == old.Egress && x.RuleNumber == old.RuleNumber })
		}
	}
	acl.Entries = slices.DeleteFunc(acl.Entries, func(x model.ACLEntry) bool { return x.Egress == e.Egress && x.RuleNumber == e.RuleNumber })
	acl.Entries = withDefaultEntries(append(acl.Entries, e))
	b.addr(acl.ID, c.Address)
}

func removeNACLRule(b *builder, c *Change, v vals) {
	acl, ok := b.find(v.str("network_acl_id")).(*model.NetworkACL)
	if !ok {
		return
	}
	old, ok := aclEntry(b, c, v, v.boolean("egress", false))
	if !ok {
		return
	}
	acl.Entries = slices.DeleteFunc(acl.Entries, func(x model.ACLEntry) bool { return x.Egress == old.Egress && x.RuleNumber == old.RuleNumber })
	b.addr(acl.ID, c.Address)
}

func applyNACLAssoc(b *builder, c *Change, v vals) {
	acl := b.nacl(c, v)
	if acl == nil {
		return
	}
	sub := v.ref("subnet_id")
	if sub == "" {
		b.skip(c, "its subnet is known only after apply and no reference names it")
		return
	}
	b.associate(acl, []string{sub})
	b.addr(acl.ID, c.Address)
	b.addr(sub, c.Address)
}

func removeNACLAssoc(b *builder, c *Change, v vals) {
	acl, ok := b.find(v.str("network_acl_id")).(*model.NetworkACL)
	if !ok {
		return
	}
	sub := v.str("subnet_id")
	if !slices.ContainsFunc(acl.Associations, func(a model.ACLAssociation) bool { return a.SubnetID == sub }) {
		return
	}
	if d := b.defaultACL(acl.VPCID); d != nil {
		b.associate(d, []string{sub})
	}
}

func applyPrefixList(b *builder, c *Change, v vals) {
	pl := existing[*model.PrefixList](b, c)
	if pl == nil {
		pl = &model.PrefixList{Meta: b.meta(c, v, b.idOf(c), ""), State: "create-complete"}
	}
	pl.Name = v.str("name")
	pl.AddressFamily = v.str("address_family")
	if n, ok := v.num("max_entries"); ok {
		pl.MaxEntries = int32(n)
	}
	if c.Has(Create) || c.Inline("entry") || c.cfg == nil {
		pl.Entries = nil
		for _, e := range v.blocks("entry") {
			if p := e.prefix("cidr"); p.IsValid() {
				pl.Entries = append(pl.Entries, model.PrefixListEntry{CIDR: p, Description: e.str("description")})
			}
		}
	}
	b.replace(pl)
	b.addr(pl.ID, c.Address)
}

func applyPLEntry(b *builder, c *Change, v vals) {
	pl, ok := parentOf[*model.PrefixList](b, c, v, "prefix_list_id", "prefix list")
	if !ok {
		return
	}
	if p := v.prefix("cidr"); p.IsValid() && !slices.ContainsFunc(pl.Entries, func(e model.PrefixListEntry) bool { return e.CIDR == p }) {
		pl.Entries = append(pl.Entries, model.PrefixListEntry{CIDR: p, Description: v.str("description")})
	}
	b.addr(pl.ID, c.Address)
}

func removePLEntry(b *builder, c *Change, v vals) {
	pl, ok := b.find(v.str("prefix_list_id")).(*model.PrefixList)
	if !ok {
		return
	}
	p := v.prefix("cidr")
	pl.Entries = slices.DeleteFunc(pl.Entries, func(e model.PrefixListEntry) bool { return e.CIDR == p })
	b.addr(pl.ID, c.Address)
}
