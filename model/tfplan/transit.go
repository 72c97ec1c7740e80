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
	rt, _ := parentOf[*model.TGWRouteTable](b, c, v, "transit_gateway_route_table_id", "transit gateway route table")
	return rt
}

// associateTGW associates an attachment with a transit gateway route
// table (an attachment has one association on its transit gateway; the
// other end of a peering attachment, which shares its ID, keeps its own).
func (b *builder) associateTGW(a *model.TGWAttachment, rt *model.TGWRouteTable) {
	for _, t := range b.s.TGWRouteTables {
		if t.TransitGatewayID != a.TransitGatewayID {
			continue
		}
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
	a.TransitGatewayOwnerID = g.Account
	if a.ResourceOwnerID != "" && g.Account != "" && a.ResourceOwnerID != g.Account {
		// a VPC of another account attached to a shared transit gateway
		// waits for the gateway owner's acceptance, unless the gateway
		// accepts shared attachments automatically; the attachment's own
		// default route table options do not apply, the accepter's (or
		// the gateway's, when it accepts automatically) do
		auto, known := b.autoAccept(g)
		switch {
		case auto:
		case b.acceptedInPlan(a.ID):
			a.State = "pendingAcceptance" // until the accepter, applied next
			return
		default:
			a.State = "pendingAcceptance"
			if known {
				b.notef("%s: the attachment of %s (account %s) to %s (account %s) carries no traffic until the gateway's owner accepts it (aws_ec2_transit_gateway_vpc_attachment_accepter)",
					c.Address, a.ResourceID, a.ResourceOwnerID, g.ID, g.Account)
			} else {
				b.notef("%s: the attachment of %s (account %s) to %s (account %s) is taken as waiting for acceptance (aws_ec2_transit_gateway_vpc_attachment_accepter): the gateway accepts shared attachments automatically only with auto_accept_shared_attachments enabled, which the snapshot does not record",
					c.Address, a.ResourceID, a.ResourceOwnerID, g.ID, g.Account)
			}
			return
		}
		if g.DefaultRouteTableAssociation {
			if rt, ok := b.find(g.AssociationDefaultRouteTableID).(*model.TGWRouteTable); ok {
				b.associateTGW(a, rt)
			}
		}
		if g.DefaultRouteTablePropagation {
			if rt, ok := b.find(g.PropagationDefaultRouteTableID).(*model.TGWRouteTable); ok {
				b.propagateTGW(a, rt)
			}
		}
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

// autoAccept reports whether transit gateway g accepts attachments
// shared from other accounts automatically, and whether that is known:
// it is when the plan manages the gateway (auto_accept_shared_attachments,
// "disable" by default); a snapshot does not record it.
func (b *builder) autoAccept(g *model.TransitGateway) (auto, known bool) {
	for _, c := range b.p.Changes {
		if c.Type == "aws_ec2_transit_gateway" && c.After != nil && b.idOf(c) == g.ID {
			return str(c.After, "auto_accept_shared_attachments") == "enable", true
		}
	}
	return false, false
}

// acceptedInPlan reports whether an accepter of the plan accepts the
// attachment id.
func (b *builder) acceptedInPlan(id string) bool {
	return b.acceptedBy("aws_ec2_transit_gateway_vpc_attachment_accepter", id)
}

// acceptedBy reports whether the plan holds an accepter of type typ for
// the resource of ID id (an accepter's id is that resource's).
func (b *builder) acceptedBy(typ, id string) bool {
	for _, c := range b.p.Changes {
		if c.Type == typ && c.After != nil && b.idOf(c) == id {
			return true
		}
	}
	return false
}

// tgwAttachment returns the attachment a change names, as the transit
// gateway tgw sees it: both ends of a peering attachment have its ID, and
// a route, association or propagation in a route table of one gateway
// uses that gateway's end. tgw "" takes the first record.
func (b *builder) tgwAttachment(c *Change, v vals, tgw string) *model.TGWAttachment {
	id := v.ref("transit_gateway_attachment_id")
	if a := b.tgwAttachmentOf(id, tgw); a != nil {
		return a
	}
	b.skip(c, "its transit gateway attachment %q is neither in the snapshot nor in the plan", id)
	return nil
}

// tgwAttachmentOf returns the record of attachment id on transit gateway
// tgw (any end when tgw is ""), or nil.
func (b *builder) tgwAttachmentOf(id, tgw string) *model.TGWAttachment {
	var first *model.TGWAttachment
	for _, a := range b.s.TGWAttachments {
		if a.ID != id || id == "" {
			continue
		}
		if tgw == "" || a.TransitGatewayID == tgw {
			return a
		}
		if first == nil {
			first = a
		}
	}
	return first
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
		a := b.tgwAttachment(c, v, rt.TransitGatewayID)
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
	if rt == nil {
		return
	}
	a := b.tgwAttachment(c, v, rt.TransitGatewayID)
	if a == nil {
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
	if a := b.tgwAttachmentOf(id, rt.TransitGatewayID); a != nil && a.Association != nil && a.Association.RouteTableID == rt.ID {
		a.Association = nil
	}
}

func applyTGWPropagation(b *builder, c *Change, v vals) {
	rt := b.tgwRouteTable(c, v)
	if rt == nil {
		return
	}
	a := b.tgwAttachment(c, v, rt.TransitGatewayID)
	if a == nil {
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
	lb, ok := parentOf[*model.LoadBalancer](b, c, v, "load_balancer_arn", "load balancer")
	if !ok {
		return
	}
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

// applyTGWPeering adds a transit gateway peering attachment as each side
// sees it (describe-transit-gateway-peering-attachments gives one record
// for both ends): attached to its own gateway, the other gateway its
// resource. It carries traffic once the peer accepts it.
func applyTGWPeering(b *builder, c *Change, v vals) {
	id := b.idOf(c)
	local, peer := v.ref("transit_gateway_id"), v.ref("peer_transit_gateway_id")
	if local == "" || peer == "" {
		b.skip(c, "its transit gateways are known only after apply and no reference names them")
		return
	}
	state := "pendingAcceptance"
	if old, ok := b.find(id).(*model.TGWAttachment); ok && !c.Replace() {
		state = old.State
	}
	if s := v.str("state"); s != "" {
		state = s
	}
	b.removeByID(id)
	peerAccount := v.str("peer_account_id")
	for _, end := range [][2]string{{local, peer}, {peer, local}} {
		account := b.account
		if g, ok := b.find(end[0]).(*model.TransitGateway); ok {
			account = g.Account
		} else if end[0] == peer && peerAccount != "" {
			account = peerAccount
		}
		a := &model.TGWAttachment{Meta: b.meta(c, v, id, account), TransitGatewayID: end[0], ResourceType: "peering",
			ResourceID: end[1], State: state}
		if end[0] == peer && v.str("peer_region") != "" {
			a.Region = v.str("peer_region")
		}
		_ = b.s.Add(a)
	}
	b.addr(id, c.Address)
	if state != "available" {
		b.notef("%s: the peering carries no traffic until the peer accepts it (aws_ec2_transit_gateway_peering_attachment_accepter)", c.Address)
	}
}

// applyTGWPeeringAccepter accepts a peering attachment: both ends become
// available.
func applyTGWPeeringAccepter(b *builder, c *Change, v vals) {
	id := v.ref("transit_gateway_attachment_id")
	n := 0
	for _, a := range b.s.TGWAttachments {
		if a.ID == id && a.ResourceType == "peering" {
			a.State = "available"
			n++
		}
	}
	if n == 0 {
		b.skip(c, "its peering attachment %q is neither in the snapshot nor in the plan", id)
		return
	}
	b.res.Notes = slices.DeleteFunc(b.res.Notes, func(s string) bool {
		return strings.Contains(s, "carries no traffic until the peer accepts it") && b.peeringOf(s, id)
	})
	b.addr(id, c.Address)
}

// peeringOf reports whether a note is about the peering attachment id's
// Terraform resource.
func (b *builder) peeringOf(note, id string) bool {
	for _, addr := range b.res.Addresses[id] {
		if strings.HasPrefix(note, addr+":") {
			return true
		}
	}
	return false
}

// applyTGWVPCAccepter accepts a VPC attachment shared from another
// account, with its route table options.
func applyTGWVPCAccepter(b *builder, c *Change, v vals) {
	a := b.tgwAttachment(c, v, "")
	if a == nil {
		return
	}
	a.State = "available"
	b.addr(a.ID, c.Address)
	g, _ := b.find(a.TransitGatewayID).(*model.TransitGateway)
	if g == nil || !c.Has(Create) {
		return
	}
	if v.boolean("transit_gateway_default_route_table_association", true) {
		if rt, ok := b.find(g.AssociationDefaultRouteTableID).(*model.TGWRouteTable); ok && a.Association == nil {
			b.associateTGW(a, rt)
		}
	}
	if v.boolean("transit_gateway_default_route_table_propagation", true) {
		if rt, ok := b.find(g.PropagationDefaultRouteTableID).(*model.TGWRouteTable); ok {
			b.propagateTGW(a, rt)
		}
	}
}

// applyTGWDefaultRT makes a route table the transit gateway's default for
// associating (or propagating) the attachments created after it.
func applyTGWDefaultRT(propagation bool) func(*builder, *Change, vals) {
	return func(b *builder, c *Change, v vals) {
		gid := v.ref("transit_gateway_id")
		g, ok := b.find(gid).(*model.TransitGateway)
		if !ok {
			b.skip(c, "its transit gateway %q is neither in the snapshot nor in the plan", gid)
			return
		}
		rt := b.tgwRouteTable(c, v)
		if rt == nil {
			return
		}
		for _, t := range b.s.TGWRouteTables {
			if t.TransitGatewayID != g.ID {
				continue
			}
			if propagation {
				t.DefaultPropagation = t == rt
			} else {
				t.DefaultAssociation = t == rt
			}
		}
		if propagation {
			g.PropagationDefaultRouteTableID, g.DefaultRouteTablePropagation = rt.ID, true
		} else {
			g.AssociationDefaultRouteTableID, g.DefaultRouteTableAssociation = rt.ID, true
		}
		b.addr(g.ID, c.Address)
		b.addr(rt.ID, c.Address)
		for _, o := range b.p.Changes {
			if o.Type == "aws_ec2_transit_gateway_vpc_attachment" && o.Has(Create) && !o.DependsOn(c.Address) {
				b.notef("%s: applied before the plan's new transit gateway attachments; Terraform orders them only by references and depends_on, and %s has neither for it, so it may be created first and use the previous default", c.Address, o.Address)
				break
			}
		}
	}
}

// applyIGWAttachment attaches an internet gateway to a VPC.
func applyIGWAttachment(b *builder, c *Change, v vals) {
	id, vpc := v.ref("internet_gateway_id"), v.ref("vpc_id")
	g, ok := b.find(id).(*model.InternetGateway)
	if !ok || vpc == "" {
		b.skip(c, "its internet gateway %q or VPC %q is neither in the snapshot nor in the plan", id, vpc)
		return
	}
	b.addr(g.ID, c.Address)
	b.attachIGW(g, vpc)
}

// removeIGWAttachment detaches an internet gateway: the routes to it in
// the VPC turn blackhole (detachIGW).
func removeIGWAttachment(b *builder, c *Change, v vals) {
	if g, ok := b.find(v.str("internet_gateway_id")).(*model.InternetGateway); ok {
		b.addr(g.ID, c.Address)
		b.detachIGW(g, v.str("vpc_id"))
	}
}

// applyENISGAttachment adds a security group to an interface (and to its
// instance when it is the instance's primary interface).
func applyENISGAttachment(b *builder, c *Change, v vals) {
	sg, eni := v.ref("security_group_id"), v.ref("network_interface_id")
	n := b.iface(eni)
	if n == nil || sg == "" {
		b.skip(c, "its network interface %q or security group %q is neither in the snapshot nor in the plan", eni, sg)
		return
	}
	if !slices.Contains(n.SecurityGroupIDs, sg) {
		n.SecurityGroupIDs = append(n.SecurityGroupIDs, sg)
	}
	if in, ok := b.find(n.InstanceID()).(*model.Instance); ok && len(in.NetworkInterfaceIDs) > 0 && in.NetworkInterfaceIDs[0] == n.ID &&
		!slices.Contains(in.SecurityGroupIDs, sg) {
		in.SecurityGroupIDs = append(in.SecurityGroupIDs, sg)
		b.addr(in.ID, c.Address)
	}
	b.addr(n.ID, c.Address)
}

func removeENISGAttachment(b *builder, _ *Change, v vals) {
	sg := v.str("security_group_id")
	n := b.iface(v.str("network_interface_id"))
	if n == nil {
		return
	}
	n.SecurityGroupIDs = slices.DeleteFunc(n.SecurityGroupIDs, func(x string) bool { return x == sg })
	if in, ok := b.find(n.InstanceID()).(*model.Instance); ok && len(in.NetworkInterfaceIDs) > 0 && in.NetworkInterfaceIDs[0] == n.ID {
		in.SecurityGroupIDs = slices.DeleteFunc(in.SecurityGroupIDs, func(x string) bool { return x == sg })
	}
}

// applyVGW adds a virtual private gateway, attached to the VPC it names.
func applyVGW(b *builder, c *Change, v vals) {
	g := existing[*model.VPNGateway](b, c)
	if g == nil {
		g = &model.VPNGateway{Meta: b.meta(c, v, b.idOf(c), ""), State: "available"}
	} else {
		g.Tags = v.tags()
	}
	b.replace(g)
	b.addr(g.ID, c.Address)
	if vpc := v.ref("vpc_id"); vpc != "" {
		b.attachVGW(g, vpc, c.Address)
		if x := b.vpc(vpc); x != nil {
			g.Account = x.Account
		}
	}
}

func applyVGWAttachment(b *builder, c *Change, v vals) {
	id, vpc := v.ref("vpn_gateway_id"), v.ref("vpc_id")
	g, ok := b.find(id).(*model.VPNGateway)
	if !ok || vpc == "" {
		b.skip(c, "its VPN gateway %q or VPC %q is neither in the snapshot nor in the plan", id, vpc)
		return
	}
	b.attachVGW(g, vpc, c.Address)
	b.addr(g.ID, c.Address)
}

func removeVGWAttachment(b *builder, c *Change, v vals) {
	if g, ok := b.find(v.str("vpn_gateway_id")).(*model.VPNGateway); ok {
		b.detachVGW(g, v.str("vpc_id"), c.Address)
	}
}

// attachVGW attaches a virtual private gateway to a VPC. A gateway is
// attached to one VPC at a time: the VPC it was attached to loses it
// first (detachVGW). In the VPC it joins, its static routes carry
// traffic again and the route tables that propagate it get its routes.
// The route tables it changes are recorded under address.
func (b *builder) attachVGW(g *model.VPNGateway, vpc, address string) {
	for _, a := range slices.Clone(g.Attachments) {
		if a.VPCID != vpc {
			b.detachVGW(g, a.VPCID, address)
		}
	}
	g.Attachments = []model.GatewayAttachment{{VPCID: vpc, State: "attached"}}
	for _, rt := range b.s.RouteTables {
		if rt.VPCID != vpc {
			continue
		}
		changed := false
		for i := range rt.Routes {
			if r := &rt.Routes[i]; r.GatewayID == g.ID && r.State == "blackhole" {
				r.State, changed = "active", true
			}
		}
		if slices.Contains(rt.PropagatingVGWs, g.ID) && len(b.propagateVGW(rt, g.ID).added) > 0 {
			changed = true
		}
		if changed {
			b.addr(rt.ID, address)
		}
	}
}

// detachVGW detaches a virtual private gateway from a VPC: the routes it
// propagated into the VPC's route tables go (what it learned is kept for
// the VPC it joins), and the static routes to it turn blackhole. AWS VPC
// API, Route.State: "The blackhole state indicates that the route's
// target isn't available (for example, the specified gateway isn't
// attached to the VPC ...)"
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Route.html).
// The route tables it changes are recorded under address.
func (b *builder) detachVGW(g *model.VPNGateway, vpc, address string) {
	g.Attachments = slices.DeleteFunc(g.Attachments, func(a model.GatewayAttachment) bool { return a.VPCID == vpc })
	for _, rt := range b.s.RouteTables {
		if rt.VPCID != vpc {
			continue
		}
		n := len(rt.Routes)
		rt.Routes = slices.DeleteFunc(rt.Routes, func(r model.Route) bool {
			if r.GatewayID != g.ID || r.Origin != originPropagated {
				return false
			}
			if r.Destination.IsValid() && !slices.Contains(b.vgwLearned[g.ID], r.Destination) {
				b.vgwLearned[g.ID] = append(b.vgwLearned[g.ID], r.Destination)
			}
			return true
		})
		changed := len(rt.Routes) != n
		for i := range rt.Routes {
			if r := &rt.Routes[i]; r.GatewayID == g.ID && r.State != "blackhole" {
				r.State, changed = "blackhole", true
			}
		}
		if changed {
			b.addr(rt.ID, address)
		}
	}
}

// originPropagated is the origin of a route a virtual private gateway
// propagates.
const originPropagated = "EnableVgwRoutePropagation"

// applyVGWPropagation lets a route table take the routes a VPN gateway
// propagates: the static routes of its VPN connections, and the routes
// it is seen to propagate into other route tables (what it learned over
// BGP). AWS Site-to-Site VPN guide, "Route tables and route priority":
// a propagated route with the same destination as a static route loses
// to it (https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-route-priority.html).
// The gateway must be attached to the route table's VPC
// (EnableVgwRoutePropagation).
func applyVGWPropagation(b *builder, c *Change, v vals) {
	rt := b.routeTable(c, v)
	id := v.ref("vpn_gateway_id")
	if rt == nil {
		return
	}
	g, ok := b.find(id).(*model.VPNGateway)
	if !ok {
		b.skip(c, "its VPN gateway %q is neither in the snapshot nor in the plan", id)
		return
	}
	if !slices.ContainsFunc(g.Attachments, func(a model.GatewayAttachment) bool { return a.VPCID == rt.VPCID }) {
		b.skip(c, "VPN gateway %s is not attached to %s, the VPC of route table %s: AWS propagates only from a gateway attached to the table's VPC", g.ID, rt.VPCID, rt.ID)
		return
	}
	if !slices.Contains(rt.PropagatingVGWs, g.ID) {
		rt.PropagatingVGWs = append(rt.PropagatingVGWs, g.ID)
	}
	if n := b.propagateVGW(rt, g.ID); n.bgp && len(n.added) == 0 {
		b.notef("%s: %s learns its routes over BGP and none of them is in the snapshot; the answers have no route from the gateway into %s", c.Address, g.ID, rt.ID)
	}
	b.addr(rt.ID, c.Address)
}

// propagated says what propagateVGW did.
type propagated struct {
	added []netip.Prefix
	bgp   bool // a VPN connection of the gateway uses BGP
}

// propagateVGW adds to a route table the routes gateway g propagates, but
// not over a route with the same destination.
func (b *builder) propagateVGW(rt *model.RouteTable, g string) propagated {
	var out propagated
	var dsts []netip.Prefix
	add := func(p netip.Prefix) {
		if p.IsValid() && !slices.Contains(dsts, p) {
			dsts = append(dsts, p)
		}
	}
	for _, vpn := range b.s.VPNConnections {
		if vpn.VPNGatewayID != g || !vpn.IsAvailable() {
			continue
		}
		if !vpn.StaticRoutesOnly {
			out.bgp = true
			continue
		}
		for _, r := range vpn.Routes {
			if r.State == "" || r.State == "available" {
				add(r.Destination)
			}
		}
	}
	for _, p := range b.vgwLearned[g] {
		add(p)
	}
	for _, t := range b.s.RouteTables {
		for _, r := range t.Routes {
			if r.GatewayID == g && r.Origin == originPropagated {
				add(r.Destination)
			}
		}
	}
	for _, p := range dsts {
		if slices.ContainsFunc(rt.Routes, func(r model.Route) bool { return r.Destination == p }) {
			continue
		}
		rt.Routes = append(rt.Routes, model.Route{Destination: p, GatewayID: g, State: "active", Origin: originPropagated})
		out.added = append(out.added, p)
	}
	return out
}

func removeVGWPropagation(b *builder, _ *Change, v vals) {
	if rt, ok := b.find(v.str("route_table_id")).(*model.RouteTable); ok {
		g := v.str("vpn_gateway_id")
		rt.PropagatingVGWs = slices.DeleteFunc(rt.PropagatingVGWs, func(x string) bool { return x == g })
		rt.Routes = slices.DeleteFunc(rt.Routes, func(r model.Route) bool { return r.GatewayID == g && r.Origin == originPropagated })
	}
}
