package edit

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// AWSCLI returns the AWS CLI commands that would make the step's change in
// AWS, one command a string, ready for a shell. vpcscope never runs them.
// A replaced security group rule is a revoke and an authorize (rules have
// no identity in the snapshot); a network ACL entry that changes its
// number is a create and a delete.
func (s Step) AWSCLI() []string {
	e := s.Edit
	c := cli{region: s.Region}
	switch {
	case e.List.IsSecurityGroup():
		dir := "ingress"
		if e.List.Egress() {
			dir = "egress"
		}
		var out []string
		if s.Before != nil {
			out = append(out, c.cmd("revoke-security-group-"+dir, "--group-id", e.Resource,
				"--ip-permissions", ipPermissions(s.Before.SG, false)))
		}
		if s.After != nil {
			out = append(out, c.cmd("authorize-security-group-"+dir, "--group-id", e.Resource,
				"--ip-permissions", ipPermissions(s.After.SG, true)))
		}
		return out
	case e.List.IsNetworkACL():
		dir := "--ingress"
		if e.List.Egress() {
			dir = "--egress"
		}
		del := func(n int32) string {
			return c.cmd("delete-network-acl-entry", "--network-acl-id", e.Resource, dir, "--rule-number", itoa32(n))
		}
		switch {
		case s.After == nil:
			return []string{del(s.Before.Entry.RuleNumber)}
		case s.Before != nil && s.Before.Entry.RuleNumber == s.After.Entry.RuleNumber:
			return []string{c.cmd("replace-network-acl-entry", entryArgs(e.Resource, dir, s.After.Entry)...)}
		case s.Before != nil:
			return []string{c.cmd("create-network-acl-entry", entryArgs(e.Resource, dir, s.After.Entry)...), del(s.Before.Entry.RuleNumber)}
		}
		return []string{c.cmd("create-network-acl-entry", entryArgs(e.Resource, dir, s.After.Entry)...)}
	case e.List == Routes:
		switch {
		case s.After == nil:
			return []string{c.cmd("delete-route", append([]string{"--route-table-id", e.Resource}, destinationArgs(s.Before.Route)...)...)}
		case s.Before != nil:
			return []string{c.cmd("replace-route", routeArgs(e.Resource, s.After.Route)...)}
		}
		return []string{c.cmd("create-route", routeArgs(e.Resource, s.After.Route)...)}
	}
	return nil
}

// cli writes "aws ec2" commands for a region.
type cli struct{ region string }

func (c cli) cmd(op string, args ...string) string {
	parts := []string{"aws", "ec2", op}
	if c.region != "" {
		parts = append(parts, "--region", c.region)
	}
	for _, a := range args {
		parts = append(parts, shellQuote(a))
	}
	return strings.Join(parts, " ")
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9@%_+=:,./-]+$`)

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func itoa32(n int32) string { return strconv.Itoa(int(n)) }

// ipPermission is the EC2 API's IpPermission, as the AWS CLI takes it in
// JSON (the shorthand syntax cannot carry every description).
type ipPermission struct {
	IPProtocol       string        `json:"IpProtocol"`
	FromPort         *int32        `json:"FromPort,omitempty"`
	ToPort           *int32        `json:"ToPort,omitempty"`
	IPRanges         []ipRange     `json:"IpRanges,omitempty"`
	IPv6Ranges       []ipv6Range   `json:"Ipv6Ranges,omitempty"`
	PrefixListIDs    []prefixList  `json:"PrefixListIds,omitempty"`
	UserIDGroupPairs []userIDGroup `json:"UserIdGroupPairs,omitempty"`
}

type ipRange struct {
	CidrIP      string `json:"CidrIp"`
	Description string `json:"Description,omitempty"`
}

type ipv6Range struct {
	CidrIPv6    string `json:"CidrIpv6"`
	Description string `json:"Description,omitempty"`
}

type prefixList struct {
	PrefixListID string `json:"PrefixListId"`
	Description  string `json:"Description,omitempty"`
}

type userIDGroup struct {
	GroupID     string `json:"GroupId"`
	UserID      string `json:"UserId,omitempty"`
	Description string `json:"Description,omitempty"`
}

// ipPermissions renders a rule as --ip-permissions JSON; the description
// goes with an authorize only (a revoke matches rules without it).
func ipPermissions(r model.SGRule, withDescription bool) string {
	p := ipPermission{IPProtocol: apiProtocol(r.Protocol)}
	switch {
	case r.Protocol.HasPorts():
		pr := r.Ports()
		from, to := int32(pr.From), int32(pr.To)
		p.FromPort, p.ToPort = &from, &to
	case r.Protocol.IsICMP():
		t := r.ICMP()
		from, to := int32(t.Type), int32(t.Code)
		p.FromPort, p.ToPort = &from, &to
	}
	desc := ""
	if withDescription {
		desc = r.Description
	}
	switch {
	case r.Group != nil:
		p.UserIDGroupPairs = []userIDGroup{{GroupID: r.Group.GroupID, UserID: r.Group.UserID, Description: desc}}
	case r.PrefixListID != "":
		p.PrefixListIDs = []prefixList{{PrefixListID: r.PrefixListID, Description: desc}}
	case r.CIDR.Addr().Is6():
		p.IPv6Ranges = []ipv6Range{{CidrIPv6: r.CIDR.String(), Description: desc}}
	default:
		p.IPRanges = []ipRange{{CidrIP: r.CIDR.String(), Description: desc}}
	}
	b, _ := json.Marshal([]ipPermission{p}) // plain structs: cannot fail
	return string(b)
}

// apiProtocol writes a protocol as the EC2 API takes it: a name for tcp,
// udp and icmp, "-1" for all, the number otherwise.
func apiProtocol(p model.Protocol) string {
	switch p {
	case model.ProtocolAll:
		return "-1"
	case model.ProtocolTCP, model.ProtocolUDP, model.ProtocolICMP:
		return p.String()
	}
	return strconv.Itoa(int(p))
}

// entryArgs are the arguments of create- and replace-network-acl-entry.
func entryArgs(acl, dir string, e model.ACLEntry) []string {
	args := []string{"--network-acl-id", acl, dir, "--rule-number", itoa32(e.RuleNumber),
		"--protocol", apiProtocol(e.Protocol), "--rule-action", string(e.Action)}
	switch {
	case e.Protocol.HasPorts():
		pr := e.Ports()
		args = append(args, "--port-range", "From="+strconv.Itoa(int(pr.From))+",To="+strconv.Itoa(int(pr.To)))
	case e.Protocol.IsICMP():
		// CreateNetworkAclEntry: ICMP entries need a type and code (-1: all).
		t := e.ICMPMatch()
		args = append(args, "--icmp-type-code", "Type="+strconv.Itoa(int(t.Type))+",Code="+strconv.Itoa(int(t.Code)))
	}
	if e.CIDR.Addr().Is6() {
		return append(args, "--ipv6-cidr-block", e.CIDR.String())
	}
	return append(args, "--cidr-block", e.CIDR.String())
}

// destinationArgs name a route's destination.
func destinationArgs(r model.Route) []string {
	switch {
	case r.DestinationPrefixListID != "":
		return []string{"--destination-prefix-list-id", r.DestinationPrefixListID}
	case r.Destination.Addr().Is6():
		return []string{"--destination-ipv6-cidr-block", r.Destination.String()}
	}
	return []string{"--destination-cidr-block", r.Destination.String()}
}

// routeArgs are the arguments of create-route and replace-route.
func routeArgs(rt string, r model.Route) []string {
	args := append([]string{"--route-table-id", rt}, destinationArgs(r)...)
	t := r.Target()
	switch t.Kind {
	case model.TargetLocal:
		return append(args, "--local-target")
	case model.TargetVPCEndpoint:
		return append(args, "--vpc-endpoint-id", t.ID)
	case model.TargetEgressOnlyIGW:
		return append(args, "--egress-only-internet-gateway-id", t.ID)
	case model.TargetNATGateway:
		return append(args, "--nat-gateway-id", t.ID)
	case model.TargetVPCPeering:
		return append(args, "--vpc-peering-connection-id", t.ID)
	case model.TargetTransitGateway:
		return append(args, "--transit-gateway-id", t.ID)
	case model.TargetNetworkInterface:
		return append(args, "--network-interface-id", t.ID)
	case model.TargetInstance:
		return append(args, "--instance-id", t.ID)
	}
	switch {
	case r.LocalGatewayID != "":
		return append(args, "--local-gateway-id", r.LocalGatewayID)
	case r.CarrierGatewayID != "":
		return append(args, "--carrier-gateway-id", r.CarrierGatewayID)
	case r.CoreNetworkARN != "":
		return append(args, "--core-network-arn", r.CoreNetworkARN)
	}
	return append(args, "--gateway-id", t.ID) // internet and virtual private gateways
}
