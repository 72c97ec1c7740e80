package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// toTransitGateway sends a packet from a VPC subnet into a transit gateway
// through the VPC's attachment. The attachment must have a subnet in the
// sender's availability zone. Network ACLs: the sender subnet's outbound
// rules and the attachment subnet's inbound rules apply (both, when they
// are the same subnet).
func (w *walker) toTransitGateway(vpcID string, from *model.Subnet, tgwID string, pkt packet) *arrival {
	h := Hop{Layer: LayerTransitGateway, Resource: tgwID, Stage: StageEnter}
	tgw, ok := w.e.transitGateway(tgwID)
	if !ok {
		return w.unknown(h, pkt, fmt.Sprintf("transit gateway %s is not in the snapshot", tgwID))
	}
	if tgw.State != "" && tgw.State != "available" {
		h.Code = CodeBadState
		return w.deny(h, pkt, fmt.Sprintf("transit gateway %s is %s", tgwID, tgw.State))
	}
	att := w.e.tgwAttachmentOf[tgwVPC{tgwID, vpcID}]
	if att == nil {
		h.Code = CodeBadStateAttachment
		for _, a := range w.e.ix.TGWAttachments(tgwID) {
			if a.ResourceType == "vpc" && a.ResourceID == vpcID {
				h.Resource, h.at = a.ID, a
				return w.deny(h, pkt, fmt.Sprintf("attachment %s of %s to transit gateway %s is %s, not available", a.ID, vpcID, tgwID, a.State))
			}
		}
		return w.deny(h, pkt, fmt.Sprintf("%s has no attachment to transit gateway %s", vpcID, tgwID))
	}
	h.Resource, h.at = att.ID, att
	var attSubnet *model.Subnet
	var known *tgwSubnet // attSubnet with its hop details, when the engine has them
	if from != nil {
		attSubnet, known = w.e.attachmentSubnetOf(att, from.AvailabilityZone)
		if attSubnet == nil {
			h.Code = CodeTGWRouteAZRestriction
			return w.deny(h, pkt, fmt.Sprintf("attachment %s has no subnet in %s, so traffic from %s cannot reach transit gateway %s",
				att.ID, from.AvailabilityZone, from.ID, tgwID))
		}
		if !w.nacl(from, true, &pkt) || !w.nacl(attSubnet, false, &pkt) {
			return nil
		}
	}
	h.Verdict = Forward
	switch {
	case known != nil && att.TransitGatewayID == tgwID:
		h.Detail = known.enter
	case attSubnet != nil:
		h.Detail = enterDetail(tgwID, attSubnet)
	default:
		h.Detail = "into transit gateway " + tgwID
	}
	w.record(h, pkt)
	w.flow.via = crossing{tgw: tgw, in: att}
	az := ""
	if from != nil {
		az = from.AvailabilityZone
	}
	return w.transitRoute(tgw, att, pkt, az)
}

// tgwSubnet is a subnet of a transit gateway attachment with the details
// of the hops that enter the gateway (enterDetail) and leave it (exitDetail)
// through it, made once per engine.
type tgwSubnet struct {
	sn          *model.Subnet
	enter, exit string
}

func newAttSubnet(a *model.TGWAttachment, sn *model.Subnet) tgwSubnet {
	return tgwSubnet{sn: sn, enter: enterDetail(a.TransitGatewayID, sn), exit: exitDetail(a, sn)}
}

// enterDetail is the detail of a hop into transit gateway tgwID through
// attachment subnet sn.
func enterDetail(tgwID string, sn *model.Subnet) string {
	return "into transit gateway " + tgwID + " via " + sn.ID + " (" + sn.AvailabilityZone + ")"
}

// exitDetail is the detail of a hop out of a transit gateway into the VPC
// of attachment out through its subnet sn.
func exitDetail(out *model.TGWAttachment, sn *model.Subnet) string {
	return "into " + out.ResourceID + " via " + sn.ID + " (" + sn.AvailabilityZone + ")"
}

// attachmentSubnet returns the attachment's subnet in the AZ, or nil.
func (e *Engine) attachmentSubnet(att *model.TGWAttachment, az string) *model.Subnet {
	sn, _ := e.attachmentSubnetOf(att, az)
	return sn
}

// attachmentSubnetOf is attachmentSubnet, with the subnet's hop details
// when the engine indexed the attachment (else nil).
func (e *Engine) attachmentSubnetOf(att *model.TGWAttachment, az string) (*model.Subnet, *tgwSubnet) {
	if sns, ok := e.attSubnets[att]; ok {
		for i := range sns {
			if sns[i].sn.AvailabilityZone == az {
				return sns[i].sn, &sns[i]
			}
		}
		return nil, nil
	}
	for _, id := range att.SubnetIDs {
		if sn := e.ix.Subnet(id); sn != nil && sn.AvailabilityZone == az {
			return sn, nil
		}
	}
	return nil, nil
}

// hostsTGWAttachment reports whether a transit gateway attachment has its
// network interface in the subnet: packets it delivers there cross no
// network ACL, whatever their source.
func (e *Engine) hostsTGWAttachment(subnetID string) bool {
	for _, a := range e.snap.TGWAttachments {
		if a.IsAvailable() && slices.Contains(a.SubnetIDs, subnetID) {
			return true
		}
	}
	return false
}

// associatedTable returns the transit gateway route table an attachment is
// associated with: the one that routes traffic arriving from it.
func (e *Engine) associatedTable(tgwID string, att *model.TGWAttachment) string {
	if a := att.Association; a != nil && a.RouteTableID != "" && (a.State == "" || a.State == "associated") {
		return a.RouteTableID
	}
	for _, rt := range e.snap.TGWRouteTables {
		if rt.TransitGatewayID != tgwID {
			continue
		}
		for _, l := range rt.Associations {
			if l.AttachmentID == att.ID && (l.State == "" || l.State == "associated") {
				return rt.ID
			}
		}
	}
	return ""
}

// transitRoute routes a packet inside a transit gateway: the route table
// associated with the ingress attachment decides the egress attachment.
func (w *walker) transitRoute(tgw *model.TransitGateway, in *model.TGWAttachment, pkt packet, az string) *arrival {
	if !w.step(pkt) {
		return nil
	}
	h := Hop{Layer: LayerTransitGateway, Resource: in.ID, Stage: StageLookup, at: in}
	ing := w.e.tgwIngressOf(tgw, in)
	rtID := ing.rtID
	if rtID == "" {
		h.Code = CodeTGWAttachMissingRTBAssociation
		return w.deny(h, pkt, fmt.Sprintf("attachment %s is not associated with a route table of %s", in.ID, tgw.ID))
	}
	h.Resource, h.at, h.text = rtID, ing.rtAt, ing.rtText
	if !ing.known {
		return w.unknown(h, pkt, fmt.Sprintf("transit gateway route table %s is not in the snapshot", rtID))
	}
	if p, ok := singleTGWRoutePart(ing.routes, ing.lpm, pkt); ok {
		return w.takeTGWRoute(tgw, ing, p, az) // as branch takes a list of one
	}
	return branch(w, compiledTGWRouteParts(ing.routes, ing.lpm, pkt), func(w *walker, p tgwRoutePart) *arrival {
		return w.takeTGWRoute(tgw, ing, p, az)
	})
}

// takeTGWRoute sends the part of a packet set that one transit gateway
// route covers to the route's attachment.
func (w *walker) takeTGWRoute(tgw *model.TransitGateway, ing *tgwIngressInfo, p tgwRoutePart, az string) *arrival {
	pkt, rtID := p.pkt, ing.rtID
	h := Hop{Layer: LayerTransitGateway, Resource: rtID, Stage: StageLookup, at: ing.rtAt, text: ing.rtText}
	if p.route == nil {
		h.Code = CodeTGWRTBCannotRoute
		return w.deny(h, pkt, fmt.Sprintf("transit gateway route table %s has no route to %s", rtID, pkt.dst()))
	}
	r, prefix := p.route, p.prefix
	h.Rule = p.text
	if h.Rule == "" {
		h.Rule = tgwRouteText(r, prefix)
	}
	h.Ref = w.ref(RuleRef{Kind: RefTGWRoute, Index: -1})
	if r.IsBlackhole() || len(r.Attachments) == 0 {
		h.Code = CodeTGWRTBBadStateRoute
		return w.deny(h, pkt, fmt.Sprintf("route %s in transit gateway route table %s is a blackhole", prefix, rtID))
	}
	if len(r.Attachments) == 1 {
		return w.toTGWAttachment(tgw, h, prefix, r.Attachments[0].AttachmentID, pkt, az)
	}
	// Equal-cost multipath: the gateway spreads flows across the
	// attachments, so each is a path of its own.
	ids := make([]string, len(r.Attachments))
	for i, a := range r.Attachments {
		ids[i] = a.AttachmentID
	}
	hop := h // the closure's own copy: h itself stays off the heap
	return branch(w, ids, func(w *walker, id string) *arrival {
		w.flow.caveat("route %s in transit gateway route table %s has %d attachments (%s): with equal-cost multipath the gateway spreads flows across them by their addresses and ports, and this answer follows %s",
			prefix, rtID, len(ids), strings.Join(ids, ", "), id)
		return w.toTGWAttachment(tgw, hop, prefix, id, pkt, az)
	})
}

// toTGWAttachment sends packets a transit gateway route takes to one of
// the route's attachments: into a VPC, across a peering to another transit
// gateway, or out of the snapshot.
func (w *walker) toTGWAttachment(tgw *model.TransitGateway, h Hop, prefix netip.Prefix, id string, pkt packet, az string) *arrival {
	out := w.e.ix.TGWAttachment(tgw.ID, id)
	if out == nil {
		return w.unknown(h, pkt, fmt.Sprintf("attachment %s is not in the snapshot", id))
	}
	if !out.IsAvailable() {
		h.Code, h.Resource, h.at = CodeBadStateAttachment, out.ID, out
		return w.deny(h, pkt, fmt.Sprintf("route %s leads to attachment %s, which is %s, not available", prefix, out.ID, out.State))
	}
	h.Verdict = Forward
	w.record(h, pkt)
	switch out.ResourceType {
	case "vpc":
		return w.exitToVPC(out, pkt, az)
	case "peering", "tgw-peering":
		peer := w.e.ix.TGWAttachment(out.ResourceID, out.ID)
		peerTGW, ok := w.e.transitGateway(out.ResourceID)
		if peer == nil || !ok {
			return w.unknown(Hop{Layer: LayerTransitGateway, Resource: out.ID, Stage: StagePeering, at: out}, pkt,
				fmt.Sprintf("the peer side of %s (transit gateway %s) is not in the snapshot", out.ID, out.ResourceID))
		}
		w.record(Hop{Layer: LayerTransitGateway, Resource: out.ID, Stage: StagePeering, Verdict: Forward, at: out,
			Detail: fmt.Sprintf("to peer transit gateway %s", peerTGW.ID)}, pkt)
		w.flow.via.peered = true
		return w.transitRoute(peerTGW, peer, pkt, "")
	}
	if l, ok := w.e.tgwAttachmentLink(out); ok {
		w.record(Hop{Layer: LayerTransitGateway, Resource: out.ID, Stage: StageExit, Verdict: Forward, at: out,
			Detail: fmt.Sprintf("to %s attachment %s (%s)", out.ResourceType, out.ID, out.ResourceID)}, pkt)
		return w.overLink(l, pkt)
	}
	return w.unknown(Hop{Layer: LayerTransitGateway, Resource: out.ID, Stage: StageExit, at: out}, pkt,
		fmt.Sprintf("the route leaves through %s attachment %s; what lies beyond it is not in the snapshot", out.ResourceType, out.ID))
}

// exitToVPC delivers a packet from a transit gateway into a VPC through
// the attachment's subnet in the sender's AZ when there is one (else the
// first), and routes it by that subnet's route table.
func (w *walker) exitToVPC(out *model.TGWAttachment, pkt packet, az string) *arrival {
	sn, known := w.e.attachmentSubnetOf(out, az)
	if sn == nil {
		subnets := slices.Clone(out.SubnetIDs)
		slices.Sort(subnets)
		for _, id := range subnets {
			if sn = w.e.ix.Subnet(id); sn != nil {
				break
			}
		}
		if sn != nil && len(subnets) > 1 {
			w.flow.caveat("attachment %s has no subnet in the sender's AZ; the transit gateway picks one of its AZs, the answer uses %s (%s)",
				out.ID, sn.ID, sn.AvailabilityZone)
		}
	}
	if sn == nil {
		return w.unknown(Hop{Layer: LayerTransitGateway, Resource: out.ID, Stage: StageExit, at: out}, pkt,
			fmt.Sprintf("no subnet of attachment %s is in the snapshot", out.ID))
	}
	detail := ""
	if known != nil {
		detail = known.exit
	} else {
		detail = exitDetail(out, sn)
	}
	switch fwdAZ, seen := w.flow.tgwAZ.of(out.ID); {
	case w.dir == DirForward:
		w.flow.leftTGWIn(out.ID, sn.AvailabilityZone)
	case seen && fwdAZ != sn.AvailabilityZone && out.ApplianceModeSupport:
		// Appliance mode keeps both directions of a flow in one AZ.
		if same := w.e.attachmentSubnet(out, fwdAZ); same != nil {
			sn = same
			detail = fmt.Sprintf("into %s via %s (%s): appliance mode keeps the reply in the request's AZ", out.ResourceID, sn.ID, sn.AvailabilityZone)
		}
	case seen && fwdAZ != sn.AvailabilityZone:
		w.flow.caveat("the reply leaves transit gateway attachment %s in %s but the request used %s: without appliance mode a stateful appliance there sees only one direction and may drop the flow",
			out.ID, sn.AvailabilityZone, fwdAZ)
	}
	w.record(Hop{Layer: LayerTransitGateway, Resource: out.ID, Stage: StageExit, Verdict: Forward, Detail: detail, at: out}, pkt)
	w.flow.via.out = out
	return w.route(sn, pkt)
}
