package tfplan

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// This file maps transit gateways and load balancers.

func applyTGW(b *builder, c *Change, v vals) {
	g := existing[*model.TransitGateway](b, c)
	if g == nil {
		g = &model.TransitGateway{Meta: b.meta(c, v, b.idOf(c), ""), State: "available"}
	} else {
		g.Tags = v.tags()
	}
	g.DefaultRouteTableAssociation = v.str("default_route_table_association") != "disable"
	g.DefaultRouteTablePropagation = v.str("default_route_table_propagation") != "disable"
	g.AssociationDefaultRouteTableID = b.ids[c.Address+".association_default_route_table_id"]
	g.PropagationDefaultRouteTableID = b.ids[c.Address+".propagation_default_route_table_id"]
	b.replace(g)
	b.addr(g.ID, c.Address)
	// AWS creates the default route table with the gateway
	for _, id := range []string{g.AssociationDefaultRouteTableID, g.PropagationDefaultRouteTableID} {
		if id != "" && b.find(id) == nil {
			b.replace(&model.TGWRouteTable{Meta: model.Meta{ID: id, Account: g.Account, Region: g.Region}, TransitGatewayID: g.ID,
				State: "available", DefaultAssociation: true, DefaultPropagation: true})
			b.addr(id, c.Address)
		}
	}
}

func applyTGWRouteTable(b *builder, c *Change, v vals) {
	rt := existing[*model.TGWRouteTable](b, c)
	if rt == nil {
		rt = &model.TGWRouteTable{Meta: b.meta(c, v, b.idOf(c), ""), TransitGatewayID: v.ref("transit_gateway_id"), State: "available"}
	} else {
		rt.Tags = v.tags()
	}
	b.replace(rt)
	b.addr(rt.ID, c.Address)
}

func (b *builder) tgwRouteTable(c *Change, v vals) *model.TGWRouteTable {
	id := v.ref("transit_gateway_route_table_id")
	rt, ok := b.find(id).(*model.TGWRouteTable)
	if !ok {
		b.skip(c, "its transit gateway route table %q is neither in the snapshot nor in the plan", id)
		return nil
	}
	b.ruleTargets[c.Address] = rt.ID
	return rt
}

// associateTGW associates an attachment with a transit gateway route
// table (an attachment has one association).
func (b *builder) associateTGW(a *model.TGWAttachment, rt *model.TGWRouteTable) {
	for _, t := range b.s.TGWRouteTables {
		t.Associations = slices.DeleteFunc(t.Associations, func(l model.TGWRouteTableLink) bool { return l.AttachmentID == a.ID })
	}
	rt.Associations = append(rt.Associations, model.TGWRouteTableLink{AttachmentID: a.ID, ResourceID: a.ResourceID, ResourceType: a.ResourceType, State: "associated"})
	a.Association = &model.TGWAssociation{RouteTableID: rt.ID, State: "associated"}
}

// propagateTGW propagates an attachment's VPC CIDRs into a route table.
func (b *builder) propagateTGW(a *model.TGWAttachment, rt *model.TGWRouteTable) {
	if slices.ContainsFunc(rt.Propagations, func(l model.TGWRouteTableLink) bool { return l.AttachmentID == a.ID }) {
		return
	}
	rt.Propagations = append(rt.Propagations, model.TGWRouteTableLink{AttachmentID: a.ID, ResourceID: a.ResourceID, ResourceType: a.ResourceType, State: "enabled"})
	if vpc := b.vpc(a.ResourceID); vpc != nil {
		for _, p := range vpc.CIDRs {
			rt.Routes = append(rt.Routes, model.TGWRoute{Destination: p, Type: "propagated", State: "active",
				Attachments: []model.TGWRouteAttachment{{AttachmentID: a.ID, ResourceID: a.ResourceID, ResourceType: a.ResourceType}}})
		}
	}
}

func applyTGWAttachment(b *builder, c *Change, v vals) {
	a := existing[*model.TGWAttachment](b, c)
	created := a == nil
	if created {
		vpc := b.vpcOf(c, v)
		if vpc == nil {
			return
		}
		a = &model.TGWAttachment{Meta: b.meta(c, v, b.idOf(c), vpc.Account), TransitGatewayID: v.ref("transit_gateway_id"),
			ResourceType: "vpc", ResourceID: vpc.ID, ResourceOwnerID: vpc.Account, State: "available"}
	} else {
		a.Tags = v.tags()
	}
	a.SubnetIDs = v.refs("subnet_ids")
	a.ApplianceModeSupport = v.str("appliance_mode_support") == "enable"
	b.replace(a)
	b.addr(a.ID, c.Address)
	if !created {
		return
	}
	g, _ := b.find(a.TransitGatewayID).(*model.TransitGateway)
	if g == nil {
		b.notef("%s: transit gateway %q is neither in the snapshot nor in the plan", c.Address, a.TransitGatewayID)
		return
	}
	if v.boolean("transit_gateway_default_route_table_association", true) && g.DefaultRouteTableAssociation {
		if rt, ok := b.find(g.AssociationDefaultRouteTableID).(*model.TGWRouteTable); ok {
			b.associateTGW(a, rt)
		}
	}
	if v.boolean("transit_gateway_default_route_table_propagation", true) && g.DefaultRouteTablePropagation {
		if rt, ok := b.find(g.PropagationDefaultRouteTableID).(*model.TGWRouteTable); ok {
			b.propagateTGW(a, rt)
		}
	}
}

func (b *builder) tgwAttachment(c *Change, v vals) *model.TGWAttachment {
	id := v.ref("transit_gateway_attachment_id")
	a, ok := b.find(id).(*model.TGWAttachment)
	if !ok {
		b.skip(c, "its transit gateway attachment %q is neither in the snapshot nor in the plan", id)
		return nil
	}
	return a
}

func applyTGWRoute(b *builder, c *Change, v vals) {
	rt := b.tgwRouteTable(c, v)
	if rt == nil {
		return
	}
	dst := v.prefix("destination_cidr_block")
	if !dst.IsValid() {
		b.skip(c, "its destination is known only after apply")
		return
	}
	r := model.TGWRoute{Destination: dst, Type: "static", State: "active"}
	if v.boolean("blackhole", false) {
		r.State = "blackhole"
	} else {
		a := b.tgwAttachment(c, v)
		if a == nil {
			return
		}
		r.Attachments = []model.TGWRouteAttachment{{AttachmentID: a.ID, ResourceID: a.ResourceID, ResourceType: a.ResourceType}}
	}
	rt.Routes = slices.DeleteFunc(rt.Routes, func(x model.TGWRoute) bool { return x.Destination == dst && x.Type == "static" })
	rt.Routes = append(rt.Routes, r)
	b.addr(rt.ID, c.Address)
}

func removeTGWRoute(b *builder, _ *Change, v vals) {
	rt, ok := b.find(v.str("transit_gateway_route_table_id")).(*model.TGWRouteTable)
	if !ok {
		return
	}
	dst := v.prefix("destination_cidr_block")
	rt.Routes = slices.DeleteFunc(rt.Routes, func(x model.TGWRoute) bool { return x.Destination == dst && x.Type == "static" })
}

func applyTGWAssoc(b *builder, c *Change, v vals) {
	rt := b.tgwRouteTable(c, v)
	a := b.tgwAttachment(c, v)
	if rt == nil || a == nil {
		return
	}
	b.associateTGW(a, rt)
	b.addr(rt.ID, c.Address)
}

func removeTGWAssoc(b *builder, _ *Change, v vals) {
	rt, ok := b.find(v.str("transit_gateway_route_table_id")).(*model.TGWRouteTable)
	id := v.str("transit_gateway_attachment_id")
	if !ok {
		return
	}
	rt.Associations = slices.DeleteFunc(rt.Associations, func(l model.TGWRouteTableLink) bool { return l.AttachmentID == id })
	if a, ok := b.find(id).(*model.TGWAttachment); ok && a.Association != nil && a.Association.RouteTableID == rt.ID {
		a.Association = nil
	}
}

func applyTGWPropagation(b *builder, c *Change, v vals) {
	rt := b.tgwRouteTable(c, v)
	a := b.tgwAttachment(c, v)
	if rt == nil || a == nil {
		return
	}
	b.propagateTGW(a, rt)
	b.addr(rt.ID, c.Address)
}

func removeTGWPropagation(b *builder, _ *Change, v vals) {
	rt, ok := b.find(v.str("transit_gateway_route_table_id")).(*model.TGWRouteTable)
	id := v.str("transit_gateway_attachment_id")
	if !ok {
		return
	}
	rt.Propagations = slices.DeleteFunc(rt.Propagations, func(l model.TGWRouteTableLink) bool { return l.AttachmentID == id })
	rt.Routes = slices.DeleteFunc(rt.Routes, func(x model.TGWRoute) bool {
		return x.Type == "propagated" && len(x.Attachments) == 1 && x.Attachments[0].AttachmentID == id
	})
}

func applyLB(b *builder, c *Change, v vals) {
	if lb := existing[*model.LoadBalancer](b, c); lb != nil {
		lb.Tags = v.tags()
		if sgs := v.refs("security_groups"); len(sgs) > 0 {
			lb.SecurityGroupIDs = sgs
		}
		b.addr(lb.ID, c.Address)
		return
	}
	subs := v.refs("subnets")
	for _, m := range v.blocks("subnet_mapping") {
		if s := m.ref("subnet_id"); s != "" && !slices.Contains(subs, s) {
			subs = append(subs, s)
		}
	}
	typ := v.str("load_balancer_type")
	if typ == "" {
		typ = "application"
	}
	scheme := "internet-facing"
	if v.boolean("internal", false) {
		scheme = "internal"
	}
	name := v.str("name")
	if name == "" {
		name = c.Name
	}
	lb := &model.LoadBalancer{Meta: b.meta(c, v, b.idOf(c), ""), LoadBalancerName: name, Type: typ, Scheme: scheme, State: "active",
		IPAddressType: v.str("ip_address_type"), SecurityGroupIDs: v.refs("security_groups")}
	_, tail, _ := cutARN(lb.ID)
	for _, s := range subs {
		sn := b.subnet(s)
		if sn == nil {
			b.notef("%s: subnet %q is neither in the snapshot nor in the plan; left out", c.Address, s)
			continue
		}
		lb.VPCID, lb.Account = sn.VPCID, sn.Account
		ip := b.chooseIP(c, "address in "+sn.ID, sn)
		var pub netip.Addr
		if scheme == "internet-facing" {
			pub = b.placeholderPublicIP(c, "public address in "+sn.ID)
		}
		lb.AvailabilityZones = append(lb.AvailabilityZones, model.LBZone{ZoneName: sn.AvailabilityZone, SubnetID: sn.ID,
			Addresses: []model.LBAddress{{IPAddress: pub, PrivateIPv4Address: ip}}})
		itype := "interface"
		if typ == "network" {
			itype = "network_load_balancer"
		}
		eni := &model.NetworkInterface{Meta: model.Meta{ID: model.PlaceholderID("eni-", c.Address+" "+sn.ID), Account: sn.Account, Region: b.region},
			VPCID: sn.VPCID, SubnetID: sn.ID, AvailabilityZone: sn.AvailabilityZone, Description: "ELB " + tail, InterfaceType: itype,
			Status: "in-use", PrivateIPs: []model.PrivateIP{{Address: ip, Primary: true, PublicIP: pub}}, SourceDestCheck: true,
			RequesterManaged: true}
		if typ != "network" {
			eni.SecurityGroupIDs = lb.SecurityGroupIDs
		}
		b.res.Placeholders = append(b.res.Placeholders, Placeholder{Address: c.Address, Attribute: "network interface", Value: eni.ID})
		b.replace(eni)
		b.addr(eni.ID, c.Address)
	}
	b.replace(lb)
	b.addr(lb.ID, c.Address)
}

// cutARN returns what follows ":loadbalancer/" in a load balancer's ARN.
func cutARN(arn string) (string, string, bool) { return strings.Cut(arn, ":loadbalancer/") }

func applyTG(b *builder, c *Change, v vals) {
	tg := existing[*model.TargetGroup](b, c)
	if tg == nil {
		name := v.str("name")
		if name == "" {
			name = c.Name
		}
		tt := v.str("target_type")
		if tt == "" {
			tt = "instance"
		}
		tg = &model.TargetGroup{Meta: b.meta(c, v, b.idOf(c), ""), TargetGroupName: name, TargetType: tt, Targets: []model.Target{}}
	} else {
		tg.Tags = v.tags()
	}
	tg.Protocol = v.str("protocol")
	if n, ok := v.num("port"); ok {
		tg.Port = int32(n)
	}
	if vpc := v.ref("vpc_id"); vpc != "" {
		tg.VPCID = vpc
	}
	b.replace(tg)
	b.addr(tg.ID, c.Address)
}

func applyListener(b *builder, c *Change, v vals) {
	id := v.ref("load_balancer_arn")
	lb, ok := b.find(id).(*model.LoadBalancer)
	if !ok {
		b.skip(c, "its load balancer %q is neither in the snapshot nor in the plan", id)
		return
	}
	b.ruleTargets[c.Address] = lb.ID
	arn := v.str("arn")
	if arn == "" {
		arn = "(" + c.Address + ")"
	}
	port, _ := v.num("port")
	l := model.Listener{ARN: arn, Port: int32(port), Protocol: v.str("protocol")}
	for _, a := range v.blocks("default_action") {
		act := model.ListenerAction{Type: a.str("type")}
		if tg := a.ref("target_group_arn"); tg != "" {
			act.TargetGroupARNs = []string{tg}
			if t, ok := b.find(tg).(*model.TargetGroup); ok && !slices.Contains(t.LoadBalancerARNs, lb.ID) {
				t.LoadBalancerARNs = append(t.LoadBalancerARNs, lb.ID)
			}
		}
		l.DefaultActions = append(l.DefaultActions, act)
	}
	lb.Listeners = slices.DeleteFunc(lb.Listeners, func(x model.Listener) bool { return x.Port == l.Port || x.ARN == l.ARN })
	lb.Listeners = append(lb.Listeners, l)
	b.addr(lb.ID, c.Address)
}

func removeListener(b *builder, _ *Change, v vals) {
	lb, ok := b.find(v.str("load_balancer_arn")).(*model.LoadBalancer)
	if !ok {
		return
	}
	port, _ := v.num("port")
	lb.Listeners = slices.DeleteFunc(lb.Listeners, func(x model.Listener) bool { return x.Port == int32(port) })
}

func applyTGAttachment(b *builder, c *Change, v vals) {
	id := v.ref("target_group_arn")
	tg, ok := b.find(id).(*model.TargetGroup)
	if !ok {
		b.skip(c, "its target group %q is neither in the snapshot nor in the plan", id)
		return
	}
	target := v.ref("target_id")
	if target == "" {
		b.skip(c, "its target is known only after apply and no reference names it")
		return
	}
	port, _ := v.num("port")
	if !slices.ContainsFunc(tg.Targets, func(t model.Target) bool { return t.ID == target && t.Port == int32(port) }) {
		tg.Targets = append(tg.Targets, model.Target{ID: target, Port: int32(port), HealthState: "healthy"})
	}
	b.addr(tg.ID, c.Address)
}

func removeTGAttachment(b *builder, _ *Change, v vals) {
	tg, ok := b.find(v.str("target_group_arn")).(*model.TargetGroup)
	if !ok {
		return
	}
	target := v.str("target_id")
	tg.Targets = slices.DeleteFunc(tg.Targets, func(t model.Target) bool { return t.ID == target })
}
