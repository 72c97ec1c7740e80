package flowexplain

import (
	"fmt"
	"net/netip"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/flowlog"
	"github.com/vpcscope/vpcscope/reach"
)

// How a flow's direction and request/reply role were decided.
const (
	FromFlowDirection = "flow-direction"      // the record's own field
	FromAddresses     = "interface addresses" // the interface owns the source (egress) or destination (ingress)
	FromTCPFlags      = "tcp-flags"           // SYN-ACK marks the reply, SYN alone the request
	FromPairing       = "paired flow"         // the reverse flow at the interface started earlier (or later)
	FromPorts         = "ports"               // the service port is the well-known or lower-ranked one
	FromDefault       = "default"             // nothing tells: taken as a request
)

// TCP flags as VPC Flow Logs record them.
const (
	flagSYN    = 2
	flagSYNACK = 18
)

// capture is where a record was taken: an interface, the ACL of its
// subnet, its security groups and the managed resource it belongs to.
type capture struct {
	eni        *model.NetworkInterface
	acl        string
	groups     map[string]bool
	ownerLayer reach.Layer
	ownerID    string
}

func newCapture(e *reach.Engine, n *model.NetworkInterface) capture {
	c := capture{eni: n, groups: make(map[string]bool, len(n.SecurityGroupIDs))}
	for _, g := range n.SecurityGroupIDs {
		c.groups[g] = true
	}
	c.acl = n.SubnetID // the engine names the subnet when it has no ACL for it
	if acl := e.Index().SubnetNetworkACL(n.SubnetID); acl != nil {
		c.acl = acl.ID
	}
	c.ownerLayer, c.ownerID = e.InterfaceOwner(n.ID)
	return c
}

// filter reports whether h is one of the interface's own filters (its
// security groups, its subnet's network ACL, its source/destination check)
// at stage (inbound or outbound).
func (c capture) filter(h *reach.Hop, stage reach.Stage) bool {
	if h.Stage != stage {
		return false
	}
	switch h.Layer {
	case reach.LayerSecurityGroup:
		return c.groups[h.Resource]
	case reach.LayerNetworkACL:
		return h.Resource == c.acl
	case reach.LayerSourceDestCheck:
		return h.Resource == c.eni.ID
	}
	return false
}

// marker reports whether hops[i] is the packet reaching the interface:
// arriving at it (or being forwarded by it, an appliance), or the NAT
// gateway or load balancer it belongs to taking the packet over.
func (c capture) marker(hops []reach.Hop, i int) bool {
	h := &hops[i]
	switch h.Layer {
	case reach.LayerInterface:
		return h.Resource == c.eni.ID && h.Verdict != reach.Unknown
	case reach.LayerNATGateway, reach.LayerLoadBalancer, reach.LayerVPCEndpoint:
		return h.Layer == c.ownerLayer && h.Resource == c.ownerID
	}
	return false
}

// site is what the engine did at the capture point.
type site int

const (
	siteNotReached site = iota // the packet never got there
	sitePasses                 // the interface's filters let it through
	siteBlocks                 // one of them dropped it
	siteUnknown                // one of them could not be checked
)

// atIngress judges a packet arriving at the interface along hops.
func (c capture) atIngress(hops []reach.Hop) (site, int) {
	for i := range hops {
		if !c.marker(hops, i) {
			continue
		}
		decided := i
		for j := i - 1; j >= 0 && c.filter(&hops[j], reach.StageInbound); j-- {
			if hops[j].Verdict == reach.Unknown {
				return siteUnknown, j
			}
			if decided == i {
				decided = j
			}
		}
		return sitePasses, decided
	}
	if n := len(hops); n > 0 {
		last := &hops[n-1]
		if c.filter(last, reach.StageInbound) || (last.Layer == reach.LayerInterface && last.Resource == c.eni.ID) {
			if last.Verdict == reach.Unknown {
				return siteUnknown, n - 1
			}
			return siteBlocks, n - 1
		}
	}
	return siteNotReached, -1
}

// atEgress judges a packet leaving the interface along hops; origin is
// set when the walk starts at the interface (it sent the request, or
// answers it).
func (c capture) atEgress(hops []reach.Hop, origin bool) (site, int) {
	start := 0
	if !origin {
		start = -1
		for i := range hops {
			if c.marker(hops, i) {
				start = i + 1
				break
			}
		}
		if start < 0 {
			return siteNotReached, -1
		}
	}
	decided := -1
	for j := start; j < len(hops); j++ {
		h := &hops[j]
		switch {
		case c.filter(h, reach.StageOutbound):
			switch h.Verdict {
			case reach.Deny:
				return siteBlocks, j
			case reach.Unknown:
				return siteUnknown, j
			}
			decided = j
			continue
		case h.Layer == reach.LayerRouteTable && h.Stage == reach.StageLookup && h.Verdict == reach.Forward:
			continue // the subnet's route, on the way out of it
		}
		break
	}
	return sitePasses, decided
}

// direction decides whether a flow entered or left its interface.
func direction(k flowKey, n *model.NetworkInterface) (flowlog.Direction, string) {
	switch {
	case k.dir != flowlog.DirectionUnknown:
		return k.dir, FromFlowDirection
	case n.HasAddress(k.src):
		return flowlog.DirectionEgress, FromAddresses
	case n.HasAddress(k.dst):
		return flowlog.DirectionIngress, FromAddresses
	case k.pktSrc.IsValid() && n.HasAddress(k.pktSrc):
		return flowlog.DirectionEgress, FromAddresses
	case k.pktDst.IsValid() && n.HasAddress(k.pktDst):
		return flowlog.DirectionIngress, FromAddresses
	}
	return flowlog.DirectionUnknown, ""
}

// portRank orders ports by how likely they are a client's: well-known
// (below 1024), registered (below 32768), dynamic (the ephemeral ranges
// of Linux, 32768-60999, and of RFC 6335 and Windows, 49152-65535).
func portRank(p uint16) int {
	switch {
	case p < 1024:
		return 0
	case p < 32768:
		return 1
	}
	return 2
}

// isReply decides whether a flow is the reply of a request: by its TCP
// flags when recorded, else by the reverse flow at the same interface
// (the request starts first), else by its ports (the reply comes from the
// service port).
func (x *explainer) isReply(k flowKey, t *tally) (bool, string) {
	if model.Protocol(k.proto) == model.ProtocolTCP && t.flags > 0 {
		switch {
		case t.flags&flagSYNACK == flagSYNACK:
			return true, FromTCPFlags
		case t.flags&flagSYN != 0:
			return false, FromTCPFlags
		}
	}
	if rt := x.reverse(k); rt != nil && rt.first != t.first && rt.first != 0 && t.first != 0 {
		return rt.first < t.first, FromPairing
	}
	if model.Protocol(k.proto).HasPorts() {
		rs, rd := portRank(k.srcPort), portRank(k.dstPort)
		switch {
		case rs < rd:
			return true, FromPorts
		case rs > rd:
			return false, FromPorts
		case k.srcPort < k.dstPort:
			return true, FromPorts
		}
		return false, FromPorts
	}
	return false, FromDefault
}

// reverse returns the tally of the flow going the other way at the same
// interface, either action, or nil.
func (x *explainer) reverse(k flowKey) *tally {
	r := k
	r.src, r.dst, r.pktSrc, r.pktDst = k.dst, k.src, k.pktDst, k.pktSrc
	r.srcPort, r.dstPort = k.dstPort, k.srcPort
	switch k.dir {
	case flowlog.DirectionIngress:
		r.dir = flowlog.DirectionEgress
	case flowlog.DirectionEgress:
		r.dir = flowlog.DirectionIngress
	}
	for _, a := range []flowlog.Action{flowlog.ActionAccept, flowlog.ActionReject} {
		r.action = a
		if t := x.flows.lookup(r); t != nil {
			return t
		}
	}
	return nil
}

// destination returns the address a packet from src to dst was sent to
// before the internet gateway translated it: a host on the internet sends
// to the public address mapped 1:1 to dst, which flow logs record as the
// private one.
func (x *explainer) destination(src, dst netip.Addr) netip.Addr {
	if !x.e.Internet().Contains(src) {
		return dst
	}
	for _, n := range x.e.Index().InterfacesByIP(dst) {
		if pub, ok := n.PublicIPFor(dst); ok {
			return pub
		}
	}
	return dst
}

// hiddenByTranslation reports why the packet's real ends are not in a
// record at a NAT gateway's interface that lacks pkt-srcaddr and
// pkt-dstaddr: the instance's packet arrives addressed to the gateway
// itself, and the translated reply leaves from it.
func hiddenByTranslation(c capture, k flowKey, dir flowlog.Direction, e *reach.Engine) string {
	if c.ownerLayer != reach.LayerNATGateway {
		return ""
	}
	inVPC := func(a netip.Addr) bool { return len(e.Index().VPCsContaining(a)) > 0 }
	switch {
	case dir == flowlog.DirectionIngress && !k.pktDst.IsValid() && c.eni.HasAddress(k.dst) && inVPC(k.src):
		return fmt.Sprintf("the record at NAT gateway %s interface %s names the gateway as the destination and has no pkt-dstaddr, so where the packet was going is not in it (add pkt-srcaddr and pkt-dstaddr to the flow log's format)", c.ownerID, c.eni.ID)
	case dir == flowlog.DirectionEgress && !k.pktSrc.IsValid() && c.eni.HasAddress(k.src) && inVPC(k.dst):
		return fmt.Sprintf("the record at NAT gateway %s interface %s names the gateway as the source and has no pkt-srcaddr, so where the reply came from is not in it (add pkt-srcaddr and pkt-dstaddr to the flow log's format)", c.ownerID, c.eni.ID)
	}
	return ""
}
