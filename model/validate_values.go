package model

import (
	"fmt"
	"net/netip"
)

// This file holds the value checks of Validate: values no AWS API returns
// and that would change answers, reported as errors. Each check cites the
// AWS rule it holds the snapshot to.

// values runs every value check.
func (c *checker) values() {
	for _, v := range c.s.VPCs {
		// CreateVpc and AssociateVpcCidrBlock: "We modify the specified
		// CIDR block to its canonical form".
		c.prefixes(v.ID, "cidrs", v.CIDRs, ipv4)
		c.prefixes(v.ID, "ipv6Cidrs", v.IPv6CIDRs, ipv6)
	}
	c.subnetValues()
	for _, rt := range c.s.RouteTables {
		// CreateRoute canonicalises DestinationCidrBlock; a prefix-list
		// route has no CIDR.
		for i, r := range rt.Routes {
			if r.Destination.IsValid() {
				c.prefix(rt.ID, at{"routes", i, ".destination"}, r.Destination, anyFamily)
			}
		}
	}
	for _, g := range c.s.SecurityGroups {
		c.sgRules(g.ID, "ingress", g.Ingress)
		c.sgRules(g.ID, "egress", g.Egress)
	}
	for _, a := range c.s.NetworkACLs {
		c.aclEntries(a)
	}
	c.interfaceValues()
	for _, in := range c.s.Instances {
		c.addr(in.ID, at{sub: "privateIp"}, in.PrivateIP, ipv4, true)
		c.addr(in.ID, at{sub: "publicIp"}, in.PublicIP, ipv4, true)
	}
	for _, g := range c.s.NATGateways {
		for i, a := range g.Addresses {
			c.addr(g.ID, at{"addresses", i, ".privateIp"}, a.PrivateIP, ipv4, true)
			c.addr(g.ID, at{"addresses", i, ".publicIp"}, a.PublicIP, ipv4, true)
		}
	}
	for _, p := range c.s.VPCPeerings {
		// A peering side lists its VPC's blocks, canonical like the VPC's.
		for _, side := range []struct {
			name string
			s    PeeringSide
		}{{"requester", p.Requester}, {"accepter", p.Accepter}} {
			c.prefixes(p.ID, side.name+".cidrs", side.s.CIDRs, ipv4)
			c.prefixes(p.ID, side.name+".ipv6Cidrs", side.s.IPv6CIDRs, ipv6)
		}
	}
	for _, pl := range c.s.PrefixLists {
		c.prefixListValues(pl)
	}
	for _, lb := range c.s.LoadBalancers {
		c.loadBalancerValues(lb)
	}
	c.firewallValues()
	c.hybridValues()
	for _, tg := range c.s.TargetGroups {
		c.portField(tg.ID, at{sub: "port"}, tg.Port)
		for i, t := range tg.Targets {
			c.portField(tg.ID, at{"targets", i, ".port"}, t.Port)
		}
	}
}

// family is the IP version a field holds.
type family uint8

const (
	anyFamily family = iota // IPv4 or IPv6, as in a rule's peer
	ipv4
	ipv6
)

func (f family) String() string {
	switch f {
	case ipv4:
		return "IPv4"
	case ipv6:
		return "IPv6"
	}
	return "IP"
}

// holds reports whether a belongs in a field of the family. AWS writes
// IPv4 as dotted quads, so an IPv4-mapped IPv6 address (::ffff:10.0.0.1)
// belongs nowhere.
func (f family) holds(a netip.Addr) bool {
	switch f {
	case ipv4:
		return a.Is4()
	case ipv6:
		return a.Is6() && !a.Is4In6()
	}
	return !a.Is4In6()
}

// prefix checks a CIDR block that AWS returns in canonical form: present,
// of the field's family, and without host bits set.
func (c *checker) prefix(res string, f at, p netip.Prefix, fam family) {
	switch {
	case !p.IsValid():
		c.errorf(res, f, "empty CIDR block")
	case !fam.holds(p.Addr()):
		c.errorf(res, f, "%s is not an %s block", p, fam)
	case p != p.Masked():
		c.errorf(res, f, "%s has host bits set; AWS returns blocks in canonical form (%s)", p, p.Masked())
	}
}

// prefixes checks each block of a list field.
func (c *checker) prefixes(res, list string, ps []netip.Prefix, fam family) {
	for i, p := range ps {
		c.prefix(res, at{list, i, ""}, p, fam)
	}
}

// addr checks an address field: of the field's family and without an
// IPv6 zone (AWS addresses have none). The zero address is an error unless
// the field is optional.
func (c *checker) addr(res string, f at, a netip.Addr, fam family, optional bool) {
	switch {
	case !a.IsValid():
		if !optional {
			c.errorf(res, f, "empty address")
		}
	case a.Zone() != "":
		c.errorf(res, f, "%s has a zone; AWS addresses have none", a)
	case !fam.holds(a):
		c.errorf(res, f, "%s is not an %s address", a, fam)
	}
}

func (c *checker) subnetValues() {
	// CreateSubnet canonicalises the block, and "the CIDR blocks of the
	// subnets in a VPC cannot overlap": an address belongs to one subnet,
	// which decides its route table and network ACL.
	byVPC := make(map[string][]*Subnet)
	for _, sn := range c.s.Subnets {
		if sn.CIDR.IsValid() {
			c.prefix(sn.ID, at{sub: "cidr"}, sn.CIDR, ipv4)
		}
		c.prefixes(sn.ID, "ipv6Cidrs", sn.IPv6CIDRs, ipv6)
		if sn.VPCID == "" {
			continue
		}
		for _, o := range byVPC[sn.VPCID] {
			if o.ID == sn.ID {
				continue // the same subnet listed twice
			}
			if sn.CIDR.IsValid() && o.CIDR.IsValid() && o.CIDR.Overlaps(sn.CIDR) {
				c.errorf(sn.ID, at{sub: "cidr"}, "%s overlaps subnet %s %s; the subnets of a VPC never overlap", sn.CIDR, o.ID, o.CIDR)
			}
			for i, p := range sn.IPv6CIDRs {
				for _, q := range o.IPv6CIDRs {
					if p.Overlaps(q) {
						c.errorf(sn.ID, at{"ipv6Cidrs", i, ""}, "%s overlaps subnet %s %s; the subnets of a VPC never overlap", p, o.ID, q)
					}
				}
			}
		}
		byVPC[sn.VPCID] = append(byVPC[sn.VPCID], sn)
	}
}

// protocol checks an IP protocol: -1 (all) or an IANA number 0-255.
func (c *checker) protocol(res string, f at, p Protocol) {
	if p < ProtocolAll || p > 255 {
		c.errorf(res, f, "%d is not an IP protocol; AWS gives -1 (all) or 0-255", int(p))
	}
}

// icmpField checks an ICMP type or code: -1 (all) or 0-255.
func (c *checker) icmpField(res string, f at, what string, v int32) {
	if v < -1 || v > 255 {
		c.errorf(res, f, "ICMP %s %d is outside -1 (all) and 0-255", what, v)
	}
}

// sgRules checks security group rules. DescribeSecurityGroups
// (IpPermission): "If the protocol is TCP or UDP, this is the start of the
// port range. If the protocol is ICMP or ICMPv6, this is the type number.
// A value of -1 indicates all ICMP/ICMPv6 types. If you specify all
// ICMP/ICMPv6 types, you must specify all ICMP/ICMPv6 codes." For protocol
// -1 and other protocols AWS ignores the ports, and so does the model.
// AWS canonicalises CidrIp and CidrIpv6.
func (c *checker) sgRules(res, list string, rules []SGRule) {
	for i, r := range rules {
		c.protocol(res, at{list, i, ".protocol"}, r.Protocol)
		switch {
		case r.Protocol.HasPorts():
			from := c.tcpPort(res, at{list, i, ".fromPort"}, r.Protocol, r.FromPort)
			to := c.tcpPort(res, at{list, i, ".toPort"}, r.Protocol, r.ToPort)
			if from && to && r.FromPort > r.ToPort {
				c.errorf(res, at{list, i, ""}, "fromPort %d is greater than toPort %d", r.FromPort, r.ToPort)
			}
		case r.Protocol.IsICMP():
			c.icmpField(res, at{list, i, ".fromPort"}, "type", r.FromPort)
			c.icmpField(res, at{list, i, ".toPort"}, "code", r.ToPort)
			if r.FromPort == -1 && r.ToPort != -1 {
				c.errorf(res, at{list, i, ".toPort"}, "ICMP code %d with all types (fromPort -1); AWS gives all codes (-1) with all types", r.ToPort)
			}
		}
		if r.CIDR.IsValid() {
			c.prefix(res, at{list, i, ".cidr"}, r.CIDR, anyFamily)
		}
	}
}

// tcpPort checks a TCP or UDP port of a security group rule: 0-65535.
// -1 means "all" only for protocol -1 and ICMP; a tcp or udp rule always
// has its range (0-65535 when it opens every port).
func (c *checker) tcpPort(res string, f at, p Protocol, v int32) bool {
	if v < 0 || v > 65535 {
		c.errorf(res, f, "%d is not a %s port; AWS gives 0-65535", v, p)
		return false
	}
	return true
}

// portField checks a load balancer listener or target port: 0 (none, as
// for a gateway load balancer listener or a Lambda target) or 1-65535.
func (c *checker) portField(res string, f at, v int32) {
	if v < 0 || v > 65535 {
		c.errorf(res, f, "port %d is outside 0-65535", v)
	}
}

// aclEntries checks network ACL entries. CreateNetworkAclEntry: rule
// numbers are "Positive integer from 1 to 32766", unique per direction
// (NetworkAclEntryAlreadyExists); the default rules AWS adds and lists as
// 32767 (IPv4) and 32768 (IPv6) deny all traffic and cannot be changed;
// the action is allow or deny; CIDR blocks are canonicalised; ICMP type
// and code are -1 (all) or a number; a port range runs from From to To.
func (c *checker) aclEntries(a *NetworkACL) {
	type key struct {
		egress bool
		n      int32
	}
	first := make(map[key]int)
	for i, e := range a.Entries {
		switch e.RuleNumber {
		case DefaultRuleNumber, DefaultRuleNumberIPv6:
			want := netip.PrefixFrom(netip.IPv4Unspecified(), 0)
			if e.RuleNumber == DefaultRuleNumberIPv6 {
				want = netip.PrefixFrom(netip.IPv6Unspecified(), 0)
			}
			if e.Action != Deny || e.Protocol != ProtocolAll || e.CIDR != want {
				c.errorf(a.ID, at{"entries", i, ""}, "rule %d is the default * rule, which AWS always gives as deny all traffic %s, not %s %s %s",
					e.RuleNumber, want, e.Action, e.Protocol, e.CIDR)
			}
		default:
			if e.RuleNumber < 1 || e.RuleNumber > DefaultRuleNumber-1 {
				c.errorf(a.ID, at{"entries", i, ".ruleNumber"}, "%d is outside 1-%d, the rule numbers AWS allows (%d and %d are the default * rules)",
					e.RuleNumber, DefaultRuleNumber-1, DefaultRuleNumber, DefaultRuleNumberIPv6)
			}
		}
		k := key{e.Egress, e.RuleNumber}
		if j, dup := first[k]; dup {
			c.errorf(a.ID, at{"entries", i, ".ruleNumber"}, "%s rule %d is also entries[%d]; AWS numbers the rules of a direction uniquely",
				direction(e.Egress), e.RuleNumber, j)
		} else {
			first[k] = i
		}
		if e.Action != Allow && e.Action != Deny {
			c.errorf(a.ID, at{"entries", i, ".action"}, "%q is not allow or deny", string(e.Action))
		}
		c.protocol(a.ID, at{"entries", i, ".protocol"}, e.Protocol)
		c.prefix(a.ID, at{"entries", i, ".cidr"}, e.CIDR, anyFamily)
		if pr := e.PortRange; pr != nil && pr.From > pr.To {
			c.errorf(a.ID, at{"entries", i, ".portRange"}, "runs backwards: from %d is greater than to %d", pr.From, pr.To)
		}
		if ic := e.ICMP; ic != nil {
			c.icmpField(a.ID, at{"entries", i, ".icmp.type"}, "type", int32(ic.Type))
			c.icmpField(a.ID, at{"entries", i, ".icmp.code"}, "code", int32(ic.Code))
		}
	}
}

// interfaceValues checks interface addresses: private and public IPv4
// addresses in IPv4 fields, IPv6 ones in IPv6 fields, and no address on
// two interfaces of one VPC — AWS assigns each private address of a
// subnet to one interface (AssignPrivateIpAddresses refuses one in use),
// and an address that names two interfaces leaves a query's endpoint to
// chance.
func (c *checker) interfaceValues() {
	owner := make(map[string]map[netip.Addr]string)
	taken := func(n *NetworkInterface, f at, a netip.Addr) {
		if n.VPCID == "" || !a.IsValid() {
			return
		}
		m := owner[n.VPCID]
		if m == nil {
			m = make(map[netip.Addr]string)
			owner[n.VPCID] = m
		}
		if o, dup := m[a]; dup && o != n.ID {
			c.errorf(n.ID, f, "%s is also an address of %s in %s; AWS gives a private address to one interface", a, o, n.VPCID)
			return
		}
		m[a] = n.ID
	}
	for _, n := range c.s.NetworkInterfaces {
		for i, ip := range n.PrivateIPs {
			c.addr(n.ID, at{"privateIps", i, ".address"}, ip.Address, ipv4, false)
			c.addr(n.ID, at{"privateIps", i, ".publicIp"}, ip.PublicIP, ipv4, true)
			taken(n, at{"privateIps", i, ".address"}, ip.Address)
		}
		for i, a := range n.IPv6Addresses {
			c.addr(n.ID, at{"ipv6Addresses", i, ""}, a, ipv6, false)
			taken(n, at{"ipv6Addresses", i, ""}, a)
		}
	}
}

// prefixListValues checks that a prefix list's entries are of its address
// family (CreateManagedPrefixList: "AddressFamily: IPv4 | IPv6"; the
// entries must match it).
func (c *checker) prefixListValues(pl *PrefixList) {
	fam := anyFamily
	switch pl.AddressFamily {
	case "IPv4":
		fam = ipv4
	case "IPv6":
		fam = ipv6
	}
	for i, e := range pl.Entries {
		f := at{"entries", i, ".cidr"}
		switch {
		case !e.CIDR.IsValid():
			c.errorf(pl.ID, f, "empty CIDR block")
		case !fam.holds(e.CIDR.Addr()):
			c.errorf(pl.ID, f, "%s is not an %s block", e.CIDR, fam)
		}
	}
}

// loadBalancerValues checks node addresses (LoadBalancerAddress: IpAddress
// and PrivateIPv4Address are IPv4, IPv6Address IPv6) and listener ports.
func (c *checker) loadBalancerValues(lb *LoadBalancer) {
	for i, z := range lb.AvailabilityZones {
		for j, a := range z.Addresses {
			f := fmt.Sprintf("availabilityZones[%d].addresses[%d]", i, j)
			c.addr(lb.ID, at{sub: f + ".ipAddress"}, a.IPAddress, ipv4, true)
			c.addr(lb.ID, at{sub: f + ".privateIpv4Address"}, a.PrivateIPv4Address, ipv4, true)
			c.addr(lb.ID, at{sub: f + ".ipv6Address"}, a.IPv6Address, ipv6, true)
		}
	}
	for i, l := range lb.Listeners {
		c.portField(lb.ID, at{"listeners", i, ".port"}, l.Port)
	}
}
