package model

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"strings"
)

// This file holds the consistency checks of Validate: what a real
// snapshot can hold (the account changed while it was read, a resource
// lives outside the covered accounts) and so is reported as a note.

// associateOnce records that owner is associated with member in seen (an
// AWS member has one route table, one network ACL, one TGW route table)
// and reports a second association.
func (c *checker) associateOnce(seen map[string]string, owner, member, what string) {
	if o, dup := seen[member]; dup {
		c.add(owner, "%s %s is also associated with %s", what, member, o)
	}
	seen[member] = owner
}

// lookup returns the resource of type T with the given ID, reporting a
// dangling reference when there is none. what says which field names it.
func lookup[T Resource](c *checker, from, id, what string) (T, bool) {
	var zero T
	if id == "" {
		c.add(from, "%s is empty", what)
		return zero, false
	}
	r, ok := c.byID[id]
	if !ok {
		c.missing(from, id, what)
		return zero, false
	}
	t, ok := r.(T)
	if !ok {
		c.add(from, "%s %s is a %s", what, id, r.Kind())
	}
	return t, ok
}

// gone reports whether a resource's state says it no longer exists.
// Describe calls keep listing deleted NAT gateways, peering connections,
// transit gateway attachments and endpoints and terminated instances for
// a while (about an hour), naming VPCs, subnets and interfaces deleted with
// them: their references are not checked.
func gone(state string) bool {
	return strings.EqualFold(state, "deleted") || strings.EqualFold(state, "terminated")
}

// hexSuffix reports whether s is what follows the prefix of an AWS ID:
// 8 (older resources) or 17 lowercase hex digits.
func hexSuffix(s string) bool {
	if len(s) != 8 && len(s) != 17 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// idPrefix returns how IDs of the kind start.
func idPrefix(k Kind) string {
	switch k {
	case KindVPC:
		return "vpc-"
	case KindSubnet:
		return "subnet-"
	case KindRouteTable:
		return "rtb-"
	case KindSecurityGroup:
		return "sg-"
	case KindNetworkACL:
		return "acl-"
	case KindNetworkInterface:
		return "eni-"
	case KindInstance:
		return "i-"
	case KindInternetGateway:
		return "igw-"
	case KindEgressOnlyInternetGateway:
		return "eigw-"
	case KindNATGateway:
		return "nat-"
	case KindVPNGateway:
		return "vgw-"
	case KindVPCPeering:
		return "pcx-"
	case KindTransitGateway:
		return "tgw-"
	case KindTGWAttachment:
		return "tgw-attach-"
	case KindTGWRouteTable:
		return "tgw-rtb-"
	case KindVPCEndpoint:
		return "vpce-"
	case KindPrefixList:
		return "pl-"
	case KindLoadBalancer, KindTargetGroup:
		return "arn:aws:elasticloadbalancing:"
	case KindFlowLog:
		return "fl-"
	case KindNetworkFirewall, KindFirewallPolicy, KindFirewallRuleGroup:
		return "arn:aws:network-firewall:"
	case KindVPNConnection:
		return "vpn-"
	case KindCustomerGateway:
		return "cgw-"
	case KindDXVirtualInterface:
		return "dxvif-"
	case KindVPCEndpointService:
		return "vpce-svc-"
	case KindWebACL:
		return "arn:aws:wafv2:"
	}
	return ""
}

// freeFormID reports whether a kind's IDs are ARNs or UUIDs (Direct
// Connect gateways and their associations), not a prefix and hex digits.
func freeFormID(k Kind) bool {
	switch k {
	case KindLoadBalancer, KindTargetGroup, KindWebACL, KindNetworkFirewall, KindFirewallPolicy, KindFirewallRuleGroup,
		KindDXGateway, KindDXGatewayAssociation, KindDXVirtualInterface:
		return true
	}
	return false
}

func (c *checker) ids() {
	seen := make(map[string]Kind, len(c.byID))
	placeholder := make(map[string]bool, len(c.s.Placeholders))
	for _, id := range c.s.Placeholders {
		placeholder[id] = true
	}
	for r := range c.s.All() {
		m := r.Base()
		if k, dup := seen[m.ID]; dup && !(k == KindTGWAttachment && r.Kind() == k) {
			c.add(m.ID, "ID used by a %s and a %s", k, r.Kind())
		}
		seen[m.ID] = r.Kind()
		prefix := idPrefix(r.Kind())
		switch {
		case len(m.ID) < len(prefix) || m.ID[:len(prefix)] != prefix:
			c.add(m.ID, "%s ID should start with %q", r.Kind(), prefix)
		case placeholder[m.ID] && IsPlaceholderID(m.ID[len(prefix):]):
			// a declared placeholder: the prefix is AWS's, the rest names
			// the Terraform address it stands for
		case !freeFormID(r.Kind()) && !hexSuffix(m.ID[len(prefix):]):
			c.add(m.ID, "malformed %s ID", r.Kind())
		}
		if m.Region == "" {
			c.add(m.ID, "no region")
		} else if m.Account != "" && !c.covered(m.Account, m.Region) {
			c.add(m.ID, "account %s region %s is not among the snapshot's scopes", m.Account, m.Region)
		}
	}
}

func (c *checker) vpcs() {
	main := make(map[string]int)
	for _, rt := range c.s.RouteTables {
		if rt.IsMain() {
			main[rt.VPCID]++
		}
	}
	defACL := make(map[string]int)
	for _, a := range c.s.NetworkACLs {
		if a.IsDefault {
			defACL[a.VPCID]++
		}
	}
	defSG := make(map[string]int)
	for _, g := range c.s.SecurityGroups {
		if g.IsDefault() {
			defSG[g.VPCID]++
		}
	}
	for _, v := range c.s.VPCs {
		if len(v.CIDRs) == 0 {
			c.add(v.ID, "no IPv4 CIDR")
		}
		if n := main[v.ID]; n != 1 {
			c.add(v.ID, "%d main route tables, want 1", n)
		}
		if n := defACL[v.ID]; n != 1 {
			c.add(v.ID, "%d default network ACLs, want 1", n)
		}
		if n := defSG[v.ID]; n != 1 {
			c.add(v.ID, "%d default security groups, want 1", n)
		}
	}
}

func within(inner netip.Prefix, outer []netip.Prefix) bool {
	for _, o := range outer {
		if o.Bits() <= inner.Bits() && o.Contains(inner.Addr()) {
			return true
		}
	}
	return false
}

func (c *checker) subnets() {
	for _, sn := range c.s.Subnets {
		v, ok := lookup[*VPC](c, sn.ID, sn.VPCID, "VPC")
		if sn.AvailabilityZone == "" {
			c.add(sn.ID, "no availability zone")
		}
		if !sn.CIDR.IsValid() && len(sn.IPv6CIDRs) == 0 {
			c.add(sn.ID, "no CIDR block")
		}
		if ok && sn.CIDR.IsValid() && !within(sn.CIDR, v.CIDRs) {
			c.add(sn.ID, "CIDR %s is outside VPC %s %v", sn.CIDR, v.ID, v.CIDRs)
		}
		for _, p := range sn.IPv6CIDRs {
			if ok && !within(p, v.IPv6CIDRs) {
				c.add(sn.ID, "IPv6 CIDR %s is outside VPC %s %v", p, v.ID, v.IPv6CIDRs)
			}
		}
	}
}

// usable reports whether addr is an IPv4 address AWS hands out in the
// subnet: not the network address, the next three (router, DNS, reserved)
// or the last one.
func usable(sn *Subnet, addr netip.Addr) bool {
	if !sn.CIDR.Contains(addr) || !addr.Is4() {
		return false
	}
	a, base := addr.As4(), sn.CIDR.Addr().As4()
	off := binary.BigEndian.Uint32(a[:]) - binary.BigEndian.Uint32(base[:])
	return off >= 4 && off < 1<<(32-sn.CIDR.Bits())-1
}

func (c *checker) securityGroupsOf(from, vpcID string, ids []string) {
	for _, id := range ids {
		if g, ok := lookup[*SecurityGroup](c, from, id, "security group"); ok && g.VPCID != vpcID {
			c.add(from, "security group %s belongs to VPC %s, not %s", id, g.VPCID, vpcID)
		}
	}
}

func (c *checker) interfaces() {
	public := make(map[netip.Addr]string)
	for _, n := range c.s.NetworkInterfaces {
		lookup[*VPC](c, n.ID, n.VPCID, "VPC")
		sn, ok := lookup[*Subnet](c, n.ID, n.SubnetID, "subnet")
		if ok && sn.VPCID != n.VPCID {
			c.add(n.ID, "subnet %s is in VPC %s, not %s", sn.ID, sn.VPCID, n.VPCID)
		}
		if ok && n.AvailabilityZone != "" && n.AvailabilityZone != sn.AvailabilityZone {
			c.add(n.ID, "availability zone %s, but subnet %s is in %s", n.AvailabilityZone, sn.ID, sn.AvailabilityZone)
		}
		if len(n.PrivateIPs) == 0 {
			c.add(n.ID, "no private IPv4 address")
		}
		for _, ip := range n.PrivateIPs {
			if ok && !usable(sn, ip.Address) {
				c.add(n.ID, "private IP %s is not a usable address of subnet %s %s", ip.Address, sn.ID, sn.CIDR)
			}
			if ip.PublicIP.IsValid() {
				if o, dup := public[ip.PublicIP]; dup {
					c.add(n.ID, "public IP %s is also on %s", ip.PublicIP, o)
				}
				public[ip.PublicIP] = n.ID
			}
		}
		for _, a := range n.IPv6Addresses {
			if ok && !prefixesContain(sn.IPv6CIDRs, a) {
				c.add(n.ID, "IPv6 address %s is outside subnet %s %v", a, sn.ID, sn.IPv6CIDRs)
			}
		}
		c.securityGroupsOf(n.ID, n.VPCID, n.SecurityGroupIDs)
		if id := n.InstanceID(); id != "" {
			if in, ok := lookup[*Instance](c, n.ID, id, "attached instance"); ok && !slices.Contains(in.NetworkInterfaceIDs, n.ID) {
				c.add(n.ID, "attached to %s, which does not list it", id)
			}
		}
	}
}

func (c *checker) instances() {
	for _, in := range c.s.Instances {
		if gone(in.State) {
			continue
		}
		lookup[*VPC](c, in.ID, in.VPCID, "VPC")
		lookup[*Subnet](c, in.ID, in.SubnetID, "subnet")
		if len(in.NetworkInterfaceIDs) == 0 {
			c.add(in.ID, "no network interfaces")
			continue
		}
		for i, id := range in.NetworkInterfaceIDs {
			n, ok := lookup[*NetworkInterface](c, in.ID, id, "network interface")
			if !ok {
				continue
			}
			if n.InstanceID() != in.ID {
				c.add(in.ID, "interface %s is not attached to it", id)
			}
			if i > 0 {
				continue
			}
			if n.Attachment != nil && n.Attachment.DeviceIndex != 0 {
				c.add(in.ID, "primary interface %s has device index %d", id, n.Attachment.DeviceIndex)
			}
			if n.SubnetID != in.SubnetID {
				c.add(in.ID, "subnet %s, but its primary interface is in %s", in.SubnetID, n.SubnetID)
			}
			if in.PrivateIP != n.PrimaryIP() {
				c.add(in.ID, "private IP %s, but its primary interface has %s", in.PrivateIP, n.PrimaryIP())
			}
			if pub, _ := n.PublicIPFor(n.PrimaryIP()); in.PublicIP != pub {
				c.add(in.ID, "public IP %v, but its primary interface has %v", in.PublicIP, pub)
			}
			if in.SourceDestCheck != n.SourceDestCheck {
				c.add(in.ID, "source/dest check %t, but its primary interface has %t", in.SourceDestCheck, n.SourceDestCheck)
			}
			if !sameSet(in.SecurityGroupIDs, n.SecurityGroupIDs) {
				c.add(in.ID, "security groups %v, but its primary interface has %v", in.SecurityGroupIDs, n.SecurityGroupIDs)
			}
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func (c *checker) routeTables() {
	explicit := make(map[string]string)
	for _, rt := range c.s.RouteTables {
		v, vok := lookup[*VPC](c, rt.ID, rt.VPCID, "VPC")
		for _, a := range rt.Associations {
			switch {
			case a.SubnetID != "":
				if sn, ok := lookup[*Subnet](c, rt.ID, a.SubnetID, "associated subnet"); ok && sn.VPCID != rt.VPCID {
					c.add(rt.ID, "associated subnet %s is in VPC %s", sn.ID, sn.VPCID)
				}
				c.associateOnce(explicit, rt.ID, a.SubnetID, "subnet")
			case a.GatewayID != "":
				if _, ok := c.byID[a.GatewayID]; !ok {
					c.missing(rt.ID, a.GatewayID, "edge-associated gateway")
				}
			}
		}
		if vok {
			for _, p := range slices.Concat(v.CIDRs, v.IPv6CIDRs) {
				if !slices.ContainsFunc(rt.Routes, func(r Route) bool { return r.GatewayID == "local" && r.Destination == p }) {
					c.add(rt.ID, "no local route for %s", p)
				}
			}
		}
		for _, r := range rt.Routes {
			c.route(rt, r)
		}
	}
}

func (c *checker) route(rt *RouteTable, r Route) {
	from := rt.ID
	if r.DestinationPrefixListID != "" {
		lookup[*PrefixList](c, from, r.DestinationPrefixListID, "route destination prefix list")
	} else if !r.Destination.IsValid() {
		c.add(from, "route without a destination")
	}
	what := "route " + r.DestinationString() + " target"
	t := r.Target()
	switch t.Kind {
	case TargetLocal:
	case TargetInternetGateway:
		if g, ok := lookup[*InternetGateway](c, from, t.ID, what); ok && !g.AttachedTo(rt.VPCID) {
			c.add(from, "%s %s is not attached to %s", what, t.ID, rt.VPCID)
		}
	case TargetEgressOnlyIGW:
		if g, ok := lookup[*EgressOnlyInternetGateway](c, from, t.ID, what); ok && !g.AttachedTo(rt.VPCID) {
			c.add(from, "%s %s is not attached to %s", what, t.ID, rt.VPCID)
		}
	case TargetNATGateway:
		if g, ok := lookup[*NATGateway](c, from, t.ID, what); ok && g.VPCID != rt.VPCID {
			c.add(from, "%s %s is in VPC %s", what, t.ID, g.VPCID)
		}
	case TargetVPCPeering:
		if p, ok := lookup[*VPCPeering](c, from, t.ID, what); ok {
			if _, in := p.Other(rt.VPCID); !in {
				c.add(from, "%s %s does not connect %s", what, t.ID, rt.VPCID)
			}
		}
	case TargetTransitGateway:
		lookup[*TransitGateway](c, from, t.ID, what)
	case TargetNetworkInterface:
		if n, ok := lookup[*NetworkInterface](c, from, t.ID, what); ok {
			if n.VPCID != rt.VPCID {
				c.add(from, "%s %s is in VPC %s", what, t.ID, n.VPCID)
			}
			if r.InstanceID != "" && n.InstanceID() != r.InstanceID {
				c.add(from, "%s names instance %s, but interface %s is attached to %q", what, r.InstanceID, n.ID, n.InstanceID())
			}
		}
	case TargetInstance:
		lookup[*Instance](c, from, t.ID, what)
	case TargetVPCEndpoint:
		if c.firewallEndpoint(t.ID) {
			return // a Network Firewall endpoint, listed by its firewall
		}
		// A Gateway Load Balancer endpoint lists no route tables: routes
		// point at it as at a network interface.
		if e, ok := lookup[*VPCEndpoint](c, from, t.ID, what); ok && e.Type != "GatewayLoadBalancer" && !slices.Contains(e.RouteTableIDs, rt.ID) {
			c.add(from, "%s %s does not list this route table", what, t.ID)
		}
	case TargetVPNGateway:
		lookup[*VPNGateway](c, from, t.ID, what)
	case TargetNone:
		c.add(from, "route %s has no target", r.DestinationString())
	}
}

func (c *checker) networkACLs() {
	assoc := make(map[string]string)
	for _, acl := range c.s.NetworkACLs {
		v, vok := lookup[*VPC](c, acl.ID, acl.VPCID, "VPC")
		for _, a := range acl.Associations {
			if sn, ok := lookup[*Subnet](c, acl.ID, a.SubnetID, "associated subnet"); ok && sn.VPCID != acl.VPCID {
				c.add(acl.ID, "associated subnet %s is in VPC %s", sn.ID, sn.VPCID)
			}
			c.associateOnce(assoc, acl.ID, a.SubnetID, "subnet")
		}
		type key struct {
			egress bool
			n      int32
		}
		seen := make(map[key]bool)
		for _, e := range acl.Entries {
			seen[key{e.Egress, e.RuleNumber}] = true
			if e.PortRange != nil && !e.Protocol.HasPorts() {
				c.add(acl.ID, "rule %d has ports but protocol %s", e.RuleNumber, e.Protocol)
			}
			if e.Protocol.HasPorts() && e.PortRange == nil {
				c.add(acl.ID, "rule %d is %s without a port range", e.RuleNumber, e.Protocol)
			}
		}
		for _, eg := range []bool{false, true} {
			if !seen[key{eg, DefaultRuleNumber}] {
				c.add(acl.ID, "no final * rule (%d) for IPv4 %s", DefaultRuleNumber, direction(eg))
			}
			if vok && len(v.IPv6CIDRs) > 0 && !seen[key{eg, DefaultRuleNumberIPv6}] {
				c.add(acl.ID, "no final * rule (%d) for IPv6 %s", DefaultRuleNumberIPv6, direction(eg))
			}
		}
	}
	for _, sn := range c.s.Subnets {
		if _, ok := assoc[sn.ID]; !ok {
			c.add(sn.ID, "no network ACL association")
		}
	}
}

func direction(egress bool) string {
	if egress {
		return "egress"
	}
	return "ingress"
}

func (c *checker) securityGroups() {
	for _, g := range c.s.SecurityGroups {
		lookup[*VPC](c, g.ID, g.VPCID, "VPC")
		for _, rules := range [][]SGRule{g.Ingress, g.Egress} {
			c.rulePeers(g, rules)
		}
	}
}

// rulePeers checks that each rule has exactly one peer, and that the
// prefix lists and groups it names exist.
func (c *checker) rulePeers(g *SecurityGroup, rules []SGRule) {
	for i := range rules {
		r := &rules[i]
		peers := 0
		if r.CIDR.IsValid() {
			peers++
		}
		if r.PrefixListID != "" {
			peers++
			lookup[*PrefixList](c, g.ID, r.PrefixListID, "rule peer prefix list")
		}
		if r.Group != nil {
			peers++
			c.groupRef(g, r.Group)
		}
		if peers != 1 {
			c.add(g.ID, "rule %s has %d peers, want exactly one", r.Service(), peers)
		}
	}
}

func (c *checker) groupRef(g *SecurityGroup, ref *GroupRef) {
	if ref.UserID != "" && ref.UserID != g.Account && !c.covered(ref.UserID, g.Region) {
		return // a group in an account the snapshot does not cover
	}
	what := "referenced group"
	if ref.VPCID != "" && ref.VPCID != g.VPCID {
		what = "referenced peer group"
		lookup[*VPC](c, g.ID, ref.VPCID, "referenced group's VPC")
	}
	if peer, ok := lookup[*SecurityGroup](c, g.ID, ref.GroupID, what); ok {
		if ref.UserID != "" && peer.Account != "" && ref.UserID != peer.Account {
			c.add(g.ID, "%s %s belongs to account %s, not %s", what, peer.ID, peer.Account, ref.UserID)
		}
		if peer.VPCID != g.VPCID && ref.VPCID != peer.VPCID {
			c.add(g.ID, "%s %s is in VPC %s, but the reference names %q", what, peer.ID, peer.VPCID, ref.VPCID)
		}
	}
}

func (c *checker) gateways() {
	attachedTo := func(id string, as []GatewayAttachment) {
		for _, a := range as {
			lookup[*VPC](c, id, a.VPCID, "attached VPC")
		}
	}
	for _, g := range c.s.InternetGateways {
		attachedTo(g.ID, g.Attachments)
	}
	for _, g := range c.s.EgressOnlyInternetGateways {
		attachedTo(g.ID, g.Attachments)
	}
	for _, g := range c.s.VPNGateways {
		attachedTo(g.ID, g.Attachments)
	}
	for _, g := range c.s.NATGateways {
		if gone(g.State) {
			continue
		}
		lookup[*VPC](c, g.ID, g.VPCID, "VPC")
		sn, ok := lookup[*Subnet](c, g.ID, g.SubnetID, "subnet")
		if ok && sn.VPCID != g.VPCID {
			c.add(g.ID, "subnet %s is in VPC %s", sn.ID, sn.VPCID)
		}
		if len(g.Addresses) == 0 {
			c.add(g.ID, "no addresses")
		}
		for _, a := range g.Addresses {
			n, ok := lookup[*NetworkInterface](c, g.ID, a.NetworkInterfaceID, "network interface")
			if !ok {
				continue
			}
			if n.InterfaceType != "nat_gateway" || n.SubnetID != g.SubnetID {
				c.add(g.ID, "interface %s is a %q interface in %s", n.ID, n.InterfaceType, n.SubnetID)
			}
			if n.PrimaryIP() != a.PrivateIP {
				c.add(g.ID, "private IP %s, but interface %s has %s", a.PrivateIP, n.ID, n.PrimaryIP())
			}
			if pub, _ := n.PublicIPFor(a.PrivateIP); a.PublicIP != pub {
				c.add(g.ID, "public IP %v, but interface %s has %v", a.PublicIP, n.ID, pub)
			}
			if !g.IsPrivate() && !a.PublicIP.IsValid() {
				c.add(g.ID, "public NAT gateway without an Elastic IP")
			}
		}
	}
}

func (c *checker) peerings() {
	for _, p := range c.s.VPCPeerings {
		if gone(p.Status) {
			continue
		}
		if p.Requester.VPCID == p.Accepter.VPCID {
			c.add(p.ID, "peers %s with itself", p.Requester.VPCID)
		}
		for _, side := range []PeeringSide{p.Requester, p.Accepter} {
			if !c.covered(side.OwnerID, side.Region) {
				continue
			}
			v, ok := lookup[*VPC](c, p.ID, side.VPCID, "peer VPC")
			if !ok {
				continue
			}
			for _, cidr := range side.CIDRs {
				if !slices.Contains(v.CIDRs, cidr) {
					c.add(p.ID, "side %s lists %s, which is not a CIDR of the VPC", side.VPCID, cidr)
				}
			}
			if side.OwnerID != "" && v.Account != "" && side.OwnerID != v.Account {
				c.add(p.ID, "side %s is owned by %s, not %s", side.VPCID, v.Account, side.OwnerID)
			}
		}
	}
}

// hasAttachment reports whether transit gateway tgw has attachment id:
// the two ends of a peering attachment share its ID, one on each gateway.
func (c *checker) hasAttachment(tgw, id string) bool {
	for _, a := range c.s.TGWAttachments {
		if a.ID == id && a.TransitGatewayID == tgw {
			return true
		}
	}
	return false
}

func (c *checker) transit() {
	assocOf := make(map[string]string)
	for _, rt := range c.s.TGWRouteTables {
		if gone(rt.State) {
			continue
		}
		lookup[*TransitGateway](c, rt.ID, rt.TransitGatewayID, "transit gateway")
		for _, l := range rt.Associations {
			if a, ok := lookup[*TGWAttachment](c, rt.ID, l.AttachmentID, "associated attachment"); ok && a.TransitGatewayID != rt.TransitGatewayID &&
				!c.hasAttachment(rt.TransitGatewayID, a.ID) {
				c.add(rt.ID, "associated attachment %s belongs to %s", a.ID, a.TransitGatewayID)
			}
			// Keyed by gateway too: the two ends of a peering attachment
			// share its ID, and each gateway associates its own.
			key := rt.TransitGatewayID + "\x00" + l.AttachmentID
			if o, dup := assocOf[key]; dup {
				c.add(rt.ID, "attachment %s is also associated with %s", l.AttachmentID, o)
			}
			assocOf[key] = rt.ID
		}
		prop := make(map[string]bool)
		for _, l := range rt.Propagations {
			lookup[*TGWAttachment](c, rt.ID, l.AttachmentID, "propagating attachment")
			prop[l.AttachmentID] = true
		}
		for _, r := range rt.Routes {
			if r.IsBlackhole() != (len(r.Attachments) == 0) {
				c.add(rt.ID, "route %s: state %q with %d attachments", r.Destination, r.State, len(r.Attachments))
			}
			for _, a := range r.Attachments {
				lookup[*TGWAttachment](c, rt.ID, a.AttachmentID, "route "+r.Destination.String()+" attachment")
				if r.Type == "propagated" && !prop[a.AttachmentID] {
					c.add(rt.ID, "propagated route %s from %s, which does not propagate here", r.Destination, a.AttachmentID)
				}
			}
		}
	}
	for _, a := range c.s.TGWAttachments {
		if gone(a.State) {
			continue
		}
		lookup[*TransitGateway](c, a.ID, a.TransitGatewayID, "transit gateway")
		if a.Association != nil {
			if rt, ok := lookup[*TGWRouteTable](c, a.ID, a.Association.RouteTableID, "associated route table"); ok && assocOf[a.TransitGatewayID+"\x00"+a.ID] != rt.ID {
				c.add(a.ID, "associated with %s, which does not list it", rt.ID)
			}
		} else if o, ok := assocOf[a.TransitGatewayID+"\x00"+a.ID]; ok {
			c.add(a.ID, "route table %s lists it as associated, but it has no association", o)
		}
		if a.ResourceType != "vpc" {
			continue
		}
		lookup[*VPC](c, a.ID, a.ResourceID, "attached VPC")
		azs := make(map[string]bool)
		for _, id := range a.SubnetIDs {
			sn, ok := lookup[*Subnet](c, a.ID, id, "attachment subnet")
			if !ok {
				continue
			}
			if sn.VPCID != a.ResourceID {
				c.add(a.ID, "subnet %s is in VPC %s, not %s", id, sn.VPCID, a.ResourceID)
			}
			if azs[sn.AvailabilityZone] {
				c.add(a.ID, "two subnets in %s", sn.AvailabilityZone)
			}
			azs[sn.AvailabilityZone] = true
		}
	}
}

func (c *checker) endpoints() {
	for _, e := range c.s.VPCEndpoints {
		if gone(e.State) {
			continue
		}
		lookup[*VPC](c, e.ID, e.VPCID, "VPC")
		for _, id := range e.RouteTableIDs {
			rt, ok := lookup[*RouteTable](c, e.ID, id, "route table")
			if ok && !slices.ContainsFunc(rt.Routes, func(r Route) bool { return r.GatewayID == e.ID }) {
				c.add(e.ID, "route table %s has no route to the endpoint", id)
			}
		}
		for _, id := range e.SubnetIDs {
			lookup[*Subnet](c, e.ID, id, "subnet")
		}
		for _, id := range e.NetworkInterfaceIDs {
			if n, ok := lookup[*NetworkInterface](c, e.ID, id, "network interface"); ok && !slices.Contains(e.SubnetIDs, n.SubnetID) {
				c.add(e.ID, "interface %s is in subnet %s, not one of the endpoint's", id, n.SubnetID)
			}
		}
		c.securityGroupsOf(e.ID, e.VPCID, e.SecurityGroupIDs)
	}
}

func (c *checker) loadBalancers() {
	for _, lb := range c.s.LoadBalancers {
		lookup[*VPC](c, lb.ID, lb.VPCID, "VPC")
		for _, z := range lb.AvailabilityZones {
			if sn, ok := lookup[*Subnet](c, lb.ID, z.SubnetID, "subnet"); ok && sn.AvailabilityZone != z.ZoneName {
				c.add(lb.ID, "subnet %s is in %s, not %s", sn.ID, sn.AvailabilityZone, z.ZoneName)
			}
		}
		c.securityGroupsOf(lb.ID, lb.VPCID, lb.SecurityGroupIDs)
		for _, l := range lb.Listeners {
			for _, a := range l.DefaultActions {
				for _, tg := range a.TargetGroupARNs {
					lookup[*TargetGroup](c, lb.ID, tg, "listener target group")
				}
			}
		}
	}
	for _, tg := range c.s.TargetGroups {
		lookup[*VPC](c, tg.ID, tg.VPCID, "VPC")
		for _, arn := range tg.LoadBalancerARNs {
			lookup[*LoadBalancer](c, tg.ID, arn, "load balancer")
		}
		if tg.TargetType != "instance" {
			continue
		}
		for _, t := range tg.Targets {
			lookup[*Instance](c, tg.ID, t.ID, "target")
		}
	}
}
