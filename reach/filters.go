package reach

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/vpcscope/vpcscope/model"
)

// compiledACL is a network ACL with its entries split by direction and
// sorted by rule number, the order AWS evaluates them in.
type compiledACL struct {
	acl      *model.NetworkACL
	inbound  []int // indexes into acl.Entries
	outbound []int
}

func compileACL(acl *model.NetworkACL) *compiledACL {
	c := &compiledACL{acl: acl}
	for i := range acl.Entries {
		if acl.Entries[i].Egress {
			c.outbound = append(c.outbound, i)
		} else {
			c.inbound = append(c.inbound, i)
		}
	}
	byNumber := func(a, b int) int { return int(acl.Entries[a].RuleNumber) - int(acl.Entries[b].RuleNumber) }
	slices.SortStableFunc(c.inbound, byNumber)
	slices.SortStableFunc(c.outbound, byNumber)
	return c
}

// aclDecision is the outcome of one network ACL evaluation. For TCP and
// UDP the packet's destination ports may be a set (a reply to an unknown
// client port); the decision then splits it into allowed and denied ports.
type aclDecision struct {
	allowed bool
	// entry decided the allowed part (or, when nothing is allowed, the
	// denied part); nil means the implicit final deny.
	entry *model.ACLEntry
	// allowedPorts and deniedPorts partition the packet's destination ports.
	allowedPorts portSet
	deniedPorts  portSet
	// deniedBy is the entry that denied deniedPorts (nil: implicit deny).
	deniedBy *model.ACLEntry
}

// entryMatches reports whether an entry applies to the packet, ports aside.
func entryMatches(en *model.ACLEntry, addr netip.Addr, pkt *packet) bool {
	if !en.CIDR.IsValid() || en.CIDR.Addr().Is4() != addr.Is4() || !en.CIDR.Contains(addr) {
		return false
	}
	if !en.Protocol.Matches(pkt.proto) {
		return false
	}
	if pkt.proto.IsICMP() && en.Protocol != model.ProtocolAll {
		return en.ICMPMatch().Matches(pkt.icmp)
	}
	return true
}

// evaluate applies the ACL to a packet crossing the subnet boundary:
// outbound entries match the destination address, inbound entries the
// source; rules run in number order and the first match wins.
func (c *compiledACL) evaluate(egress bool, pkt *packet) aclDecision {
	order, addr := c.inbound, pkt.src
	if egress {
		order, addr = c.outbound, pkt.dst
	}
	if !pkt.proto.HasPorts() {
		for _, i := range order {
			en := &c.acl.Entries[i]
			if entryMatches(en, addr, pkt) {
				return aclDecision{allowed: en.Action == model.Allow, entry: en}
			}
		}
		return aclDecision{}
	}
	var d aclDecision
	remaining := pkt.dstPorts
	for _, i := range order {
		if remaining.empty() {
			break
		}
		en := &c.acl.Entries[i]
		if !entryMatches(en, addr, pkt) {
			continue
		}
		ports := en.Ports()
		if en.Protocol == model.ProtocolAll {
			ports = model.AllPorts
		}
		in, out := remaining.split(ports)
		if in.empty() {
			continue
		}
		if en.Action == model.Allow {
			d.allowedPorts = d.allowedPorts.union(in)
			if d.entry == nil {
				d.entry = en
			}
		} else {
			d.deniedPorts = d.deniedPorts.union(in)
			if d.deniedBy == nil {
				d.deniedBy = en
			}
		}
		remaining = out
	}
	// Ports no entry matched fall to the implicit final deny.
	d.deniedPorts = d.deniedPorts.union(remaining)
	d.allowed = !d.allowedPorts.empty()
	if !d.allowed {
		d.entry = d.deniedBy
	}
	return d
}

// sgDecision is the outcome of evaluating every security group of an
// interface (their rules are a union: any rule that matches allows).
type sgDecision struct {
	allowed bool
	group   *model.SecurityGroup
	index   int
	rule    *model.SGRule
	// allowedPorts is the subset of the packet's destination ports the
	// matching rules open (TCP/UDP only).
	allowedPorts portSet
	// groups are the evaluated groups; missing the IDs not in the snapshot.
	groups  []*model.SecurityGroup
	missing []string
	// noRules is true when none of the groups has a rule in this direction.
	noRules bool
	// unknown lists prefix lists the rules name but the snapshot lacks.
	unknown []string
	// refMiss says why a group reference that names the peer's group did
	// not match, when one did not.
	refMiss refMiss
	refNote string
}

// refMiss is why a security group reference failed to match a peer that
// is a member of the group.
type refMiss int

const (
	refNone          refMiss = iota
	refNotPreserved          // forwarded by an appliance: no group identity
	refNoTGWSupport          // across a transit gateway without referencing on
	refEgressOverTGW         // outbound rules cannot reference across a TGW
	refInterRegion           // inter-Region peering does not carry references
	refPublicAddress         // references match private addresses only
)

// code returns the explanation code for a reference miss.
func (m refMiss) code() string {
	switch m {
	case refNotPreserved:
		return "SG_REFERENCES_NOT_PRESERVED"
	case refNoTGWSupport:
		return "SG_REFERENCING_SUPPORT"
	}
	return "ENI_SG_RULES_MISMATCH"
}

// evaluateSGs applies the interface's security groups to a packet it sends
// (egress) or receives (ingress).
func (e *Engine) evaluateSGs(n *model.NetworkInterface, egress bool, pkt *packet) sgDecision {
	d := sgDecision{noRules: true, index: -1}
	peer := pkt.src
	if egress {
		peer = pkt.dst
	}
	for _, id := range n.SecurityGroupIDs {
		sg := e.ix.SecurityGroup(id)
		if sg == nil {
			d.missing = append(d.missing, id)
			continue
		}
		d.groups = append(d.groups, sg)
		rules := sg.Rules(egress)
		if len(rules) > 0 {
			d.noRules = false
		}
		for i := range rules {
			r := &rules[i]
			if !r.Protocol.Matches(pkt.proto) {
				continue
			}
			if pkt.proto.IsICMP() && r.Protocol != model.ProtocolAll && !r.ICMP().Matches(pkt.icmp) {
				continue
			}
			if !e.peerMatches(r, n, peer, egress, pkt, &d) {
				continue
			}
			if pkt.proto.HasPorts() {
				in, _ := pkt.dstPorts.split(r.Ports())
				if in.empty() {
					continue
				}
				d.allowedPorts = d.allowedPorts.union(in)
			}
			if !d.allowed {
				d.allowed, d.group, d.index, d.rule = true, sg, i, r
			}
			if !pkt.proto.HasPorts() {
				return d
			}
		}
	}
	return d
}

// peerMatches reports whether a rule's peer (CIDR, prefix list or group)
// covers addr, seen from interface n.
func (e *Engine) peerMatches(r *model.SGRule, n *model.NetworkInterface, addr netip.Addr, egress bool, pkt *packet, d *sgDecision) bool {
	switch {
	case r.CIDR.IsValid():
		return r.CIDR.Addr().Is4() == addr.Is4() && r.CIDR.Contains(addr)
	case r.PrefixListID != "":
		pl := e.ix.PrefixList(r.PrefixListID)
		if pl == nil {
			d.unknown = append(d.unknown, r.PrefixListID)
			return false
		}
		return pl.Contains(addr)
	case r.Group != nil:
		ok, miss, note := e.groupCovers(r.Group.GroupID, n.VPCID, addr, egress)
		if ok && pkt.forwarded {
			ok, miss, note = false, refNotPreserved, "the packet was forwarded by an appliance, and security group references are not preserved through a middlebox"
		}
		if !ok && miss != refNone && d.refMiss == refNone {
			d.refMiss, d.refNote = miss, note
		}
		return ok
	}
	return false
}

// groupCovers reports whether addr is a private address of an interface in
// the security group that the reference can reach from fromVPC; when a
// member owns addr but the reference cannot match, it says why.
func (e *Engine) groupCovers(groupID, fromVPC string, addr netip.Addr, egress bool) (bool, refMiss, string) {
	miss, note := refNone, ""
	for _, m := range e.ix.InterfacesByIP(addr) {
		if !slices.Contains(m.SecurityGroupIDs, groupID) {
			continue
		}
		if !ownsPrivate(m, addr) {
			miss, note = refPublicAddress, fmt.Sprintf("%s is the public address of %s, and group references match members' private addresses only", addr, m.ID)
			continue
		}
		ok, why, n := e.referenceScope(fromVPC, m.VPCID, egress)
		if ok {
			return true, refNone, ""
		}
		if why != refNone {
			miss, note = why, n
		}
	}
	return false, miss, note
}

func ownsPrivate(n *model.NetworkInterface, addr netip.Addr) bool {
	for _, ip := range n.PrivateIPs {
		if ip.Address == addr {
			return true
		}
	}
	return slices.Contains(n.IPv6Addresses, addr)
}

// referenceScope reports whether a security group in vpcA may match
// members in vpcB: in the same VPC; across an active same-Region peering;
// across a transit gateway with security group referencing on for the
// gateway and both attachments, for inbound rules only.
func (e *Engine) referenceScope(vpcA, vpcB string, egress bool) (bool, refMiss, string) {
	if vpcA == vpcB {
		return true, refNone, ""
	}
	if p := e.activePeering(vpcA, vpcB); p != nil {
		if p.Requester.Region == p.Accepter.Region {
			return true, refNone, ""
		}
		return false, refInterRegion, fmt.Sprintf("peering connection %s crosses Regions, and group references do not work across inter-Region peering", p.ID)
	}
	for _, tgw := range e.snap.TransitGateways {
		a, b := e.tgwAttachmentOf[tgw.ID+"|"+vpcA], e.tgwAttachmentOf[tgw.ID+"|"+vpcB]
		if a == nil || b == nil {
			continue
		}
		switch {
		case egress:
			return false, refEgressOverTGW, fmt.Sprintf("outbound rules cannot reference groups across transit gateway %s", tgw.ID)
		case !tgw.SecurityGroupReferencingSupport:
			return false, refNoTGWSupport, fmt.Sprintf("transit gateway %s has security group referencing off", tgw.ID)
		case !a.SecurityGroupReferencingSupport || !b.SecurityGroupReferencingSupport:
			return false, refNoTGWSupport, fmt.Sprintf("attachment %s or %s of transit gateway %s has security group referencing off", a.ID, b.ID, tgw.ID)
		}
		return true, refNone, ""
	}
	return false, refNone, ""
}
