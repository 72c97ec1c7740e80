package reach

import (
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
			if !e.peerMatches(r, n, peer, &d) {
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
func (e *Engine) peerMatches(r *model.SGRule, n *model.NetworkInterface, addr netip.Addr, d *sgDecision) bool {
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
		return e.groupCovers(r.Group.GroupID, n.VPCID, addr)
	}
	return false
}

// groupCovers reports whether addr is a private address of an interface in
// the security group, and the reference is valid between the two VPCs: the
// same VPC, an active same-region peering, or a transit gateway with
// security group referencing on.
func (e *Engine) groupCovers(groupID, fromVPC string, addr netip.Addr) bool {
	for _, m := range e.ix.InterfacesByIP(addr) {
		if !slices.Contains(m.SecurityGroupIDs, groupID) || !ownsPrivate(m, addr) {
			continue
		}
		if e.groupReferenceValid(fromVPC, m.VPCID) {
			return true
		}
	}
	return false
}

func ownsPrivate(n *model.NetworkInterface, addr netip.Addr) bool {
	for _, ip := range n.PrivateIPs {
		if ip.Address == addr {
			return true
		}
	}
	return slices.Contains(n.IPv6Addresses, addr)
}

// groupReferenceValid reports whether a security group in vpcA may match
// members in vpcB.
func (e *Engine) groupReferenceValid(vpcA, vpcB string) bool {
	if vpcA == vpcB {
		return true
	}
	if p := e.activePeering(vpcA, vpcB); p != nil && p.Requester.Region == p.Accepter.Region {
		return true
	}
	for _, tgw := range e.snap.TransitGateways {
		if !tgw.SecurityGroupReferencingSupport {
			continue
		}
		a, b := e.tgwAttachmentOf[tgw.ID+"|"+vpcA], e.tgwAttachmentOf[tgw.ID+"|"+vpcB]
		if a != nil && b != nil && a.SecurityGroupReferencingSupport && b.SecurityGroupReferencingSupport {
			return true
		}
	}
	return false
}
