package model

import (
	"fmt"
	"net/netip"
	"strconv"
)

// SecurityGroup is a stateful, allow-only firewall attached to network
// interfaces. Rules are flattened: one SGRule per peer, where AWS groups
// several peers under one IpPermission.
type SecurityGroup struct {
	Meta
	VPCID       string   `json:"vpcId,omitempty"`
	GroupName   string   `json:"groupName,omitempty"`
	Description string   `json:"description,omitempty"`
	Ingress     []SGRule `json:"ingress"`
	Egress      []SGRule `json:"egress"`
}

// Kind implements Resource.
func (*SecurityGroup) Kind() Kind { return KindSecurityGroup }

// IsDefault reports whether this is a VPC's default security group.
func (sg *SecurityGroup) IsDefault() bool { return sg.GroupName == "default" }

// Rules returns the ingress or the egress rules.
func (sg *SecurityGroup) Rules(egress bool) []SGRule {
	if egress {
		return sg.Egress
	}
	return sg.Ingress
}

// SGRule is one security group rule for one peer. Exactly one of CIDR,
// PrefixListID and Group is set.
type SGRule struct {
	Protocol Protocol `json:"protocol"`
	// FromPort and ToPort are AWS's fields: the TCP/UDP port range, or the
	// ICMP type and code; -1 means all. They are ignored for protocol all.
	FromPort int32 `json:"fromPort"`
	ToPort   int32 `json:"toPort"`
	// CIDR is an IPv4 or IPv6 peer block.
	CIDR netip.Prefix `json:"cidr,omitzero"`
	// PrefixListID is a managed prefix list peer.
	PrefixListID string `json:"prefixListId,omitempty"`
	// Group is a security group peer.
	Group       *GroupRef `json:"group,omitempty"`
	Description string    `json:"description,omitempty"`
}

// GroupRef is a security group named as a rule's peer, possibly in another
// account or (through peering) another VPC.
type GroupRef struct {
	GroupID string `json:"groupId"`
	// UserID is the account that owns the referenced group.
	UserID        string `json:"userId,omitempty"`
	VPCID         string `json:"vpcId,omitempty"`
	PeeringStatus string `json:"peeringStatus,omitempty"`
}

// Ports returns the TCP/UDP ports the rule opens; all ports for protocol all
// or when AWS reports -1.
func (r *SGRule) Ports() PortRange {
	if r.Protocol == ProtocolAll || r.FromPort < 0 || r.ToPort < 0 {
		return AllPorts
	}
	return PortRange{clampPort(r.FromPort), clampPort(r.ToPort)}
}

// ICMP returns the ICMP type and code the rule selects. A type or code
// past 255 (which AWS never returns and Validate refuses) stays past 255,
// so it matches no message; it never wraps around to a real one.
func (r *SGRule) ICMP() ICMPTypeCode {
	if r.Protocol == ProtocolAll || r.FromPort < 0 {
		return AnyICMP
	}
	return ICMPTypeCode{icmpValue(r.FromPort), icmpValue(max(r.ToPort, -1))}
}

// icmpValue narrows an ICMP type or code (-1 or more) to int16 without
// wrapping.
func icmpValue(v int32) int16 { return int16(min(v, 256)) }

// Peer renders the rule's peer: a CIDR, a prefix list or a group, with
// the group's account when it is given.
func (r *SGRule) Peer() string { return r.PeerFrom("") }

// PeerFrom renders the peer as seen from account: a group in that account
// is named by its ID alone, one in another account as "account/group".
func (r *SGRule) PeerFrom(account string) string {
	switch {
	case r.Group != nil && r.Group.UserID != "" && r.Group.UserID != account:
		return r.Group.UserID + "/" + r.Group.GroupID
	case r.Group != nil:
		return r.Group.GroupID
	case r.PrefixListID != "":
		return r.PrefixListID
	}
	return r.CIDR.String()
}

// AppendPeerFrom appends PeerFrom(account) to b: a CIDR is written into
// b rather than made a string first.
func (r *SGRule) AppendPeerFrom(b []byte, account string) []byte {
	if r.Group == nil && r.PrefixListID == "" && r.CIDR.IsValid() {
		return r.CIDR.AppendTo(b)
	}
	return append(b, r.PeerFrom(account)...)
}

// Service renders the traffic the rule opens, e.g. "tcp/22", "tcp/1024-65535",
// "icmp type 8", "all traffic".
func (r *SGRule) Service() string {
	return describeService(r.Protocol, r.Ports(), r.ICMP())
}

// String renders the rule in one line, without direction: "tcp/22 10.0.0.0/8".
func (r *SGRule) String() string { return r.Service() + " " + r.Peer() }

// NetworkACL is a stateless subnet firewall: numbered entries evaluated in
// ascending order, first match wins.
type NetworkACL struct {
	Meta
	VPCID        string           `json:"vpcId"`
	IsDefault    bool             `json:"isDefault,omitempty"`
	Entries      []ACLEntry       `json:"entries"`
	Associations []ACLAssociation `json:"associations,omitempty"`
}

// Kind implements Resource.
func (*NetworkACL) Kind() Kind { return KindNetworkACL }

// ACLAssociation ties a network ACL to a subnet.
type ACLAssociation struct {
	ID       string `json:"id,omitempty"`
	SubnetID string `json:"subnetId"`
}

// RuleAction is a network ACL entry's action.
type RuleAction string

// The network ACL actions.
const (
	Allow RuleAction = "allow"
	Deny  RuleAction = "deny"
)

// DefaultRuleNumber is the rule number AWS shows for the final "*" deny.
const (
	DefaultRuleNumber     = 32767
	DefaultRuleNumberIPv6 = 32768
)

// ACLEntry is one numbered network ACL rule.
type ACLEntry struct {
	RuleNumber int32        `json:"ruleNumber"`
	Egress     bool         `json:"egress"`
	Protocol   Protocol     `json:"protocol"`
	Action     RuleAction   `json:"action"`
	CIDR       netip.Prefix `json:"cidr"`
	// PortRange is set for TCP and UDP entries; nil means all ports.
	PortRange *PortRange `json:"portRange,omitempty"`
	// ICMP is set for ICMP entries; nil means every message.
	ICMP *ICMPTypeCode `json:"icmp,omitempty"`
}

// IsDefaultDeny reports whether the entry is the final "*" rule.
func (e *ACLEntry) IsDefaultDeny() bool {
	return e.RuleNumber >= DefaultRuleNumber
}

// RuleLabel returns the rule number, or "*" for the final default rule.
func (e *ACLEntry) RuleLabel() string {
	if e.IsDefaultDeny() {
		return "*"
	}
	return strconv.Itoa(int(e.RuleNumber))
}

// Ports returns the entry's port range, all ports when unset.
func (e *ACLEntry) Ports() PortRange {
	if e.PortRange == nil {
		return AllPorts
	}
	return *e.PortRange
}

// ICMPMatch returns the entry's ICMP selector, any message when unset.
func (e *ACLEntry) ICMPMatch() ICMPTypeCode {
	if e.ICMP == nil {
		return AnyICMP
	}
	return *e.ICMP
}

// String renders "rule 100 allow tcp/22 0.0.0.0/0".
func (e *ACLEntry) String() string {
	return fmt.Sprintf("rule %s %s %s %s", e.RuleLabel(), e.Action,
		describeService(e.Protocol, e.Ports(), e.ICMPMatch()), e.CIDR)
}

func describeService(p Protocol, ports PortRange, icmp ICMPTypeCode) string {
	switch {
	case p == ProtocolAll:
		return "all traffic"
	case p.HasPorts():
		return p.String() + "/" + ports.String()
	case p.IsICMP():
		if icmp.Type == -1 {
			return p.String()
		}
		return p.String() + " " + icmp.String()
	}
	return "protocol " + p.String()
}

func clampPort(p int32) uint16 {
	return uint16(min(max(p, 0), 65535))
}
