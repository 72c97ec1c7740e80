package edit

import (
	"fmt"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// Terraform renders steps as a Terraform snippet for the AWS provider that
// would make their changes, to paste into a configuration; vpcscope never
// applies it. The resource types are the provider's standalone ones, one
// rule per resource:
//
//   - a security group rule is an aws_vpc_security_group_ingress_rule or
//     aws_vpc_security_group_egress_rule (the provider's current practice,
//     one peer per rule as in the model; not aws_security_group_rule);
//   - a network ACL entry is an aws_network_acl_rule;
//   - a route is an aws_route.
//
// A replaced entry or route keeps its number or destination, so an import
// block (Terraform 1.5+) adopts the existing one and the resource states
// its new values. Security group rules have no ID in a snapshot to import,
// and Terraform cannot delete what it does not manage: a replaced rule's
// old version, a disabled rule, a renumbered entry's old number and a
// removed route are comments naming what to remove where it is managed,
// with the AWS CLI command that would remove it.
func Terraform(steps []Step) string {
	var b strings.Builder
	b.WriteString("# What-if changes from vpcscope, as Terraform for the AWS provider.\n")
	b.WriteString("# Review before use: vpcscope never applies them.\n")
	for i, s := range steps {
		b.WriteString("\n")
		b.WriteString(s.terraform(i + 1))
	}
	return b.String()
}

// terraform renders one step; n numbers its resources.
func (s Step) terraform(n int) string {
	e := s.Edit
	var b strings.Builder
	fmt.Fprintf(&b, "# %d. %s", n, oneLine(e.String()))
	if s.Account != "" || s.Region != "" {
		fmt.Fprintf(&b, " (%s)", strings.Trim(s.Account+" "+s.Region, " "))
	}
	b.WriteString("\n")
	remove := func(what string, cli []string) {
		fmt.Fprintf(&b, "# Remove %s where it is managed; Terraform cannot delete it from here.\n", oneLine(what))
		for _, c := range cli {
			b.WriteString("#   " + oneLine(c) + "\n")
		}
	}
	name := fmt.Sprintf("whatif_%d", n)
	switch {
	case e.List.IsSecurityGroup():
		if s.Before != nil {
			c := cli{region: s.Region}
			dir := "ingress"
			if e.List.Egress() {
				dir = "egress"
			}
			old := *s.Before
			old.SG.Description = ""
			remove(fmt.Sprintf("rule %d of %s (%s)", e.Index+1, e.Resource, FormatRule(e.List, old, s.Account)), []string{c.cmd("revoke-security-group-"+dir, "--group-id", e.Resource,
				"--ip-permissions", ipPermissions(s.Before.SG, false))})
		}
		if s.After != nil {
			b.WriteString(sgRuleHCL(name, e.Resource, e.List.Egress(), s.After.SG))
		}
	case e.List.IsNetworkACL():
		egress := e.List.Egress()
		switch {
		case s.After == nil:
			remove(fmt.Sprintf("entry %d of %s", s.Before.Entry.RuleNumber, e.Resource), s.AWSCLI())
		case s.Before != nil && s.Before.Entry.RuleNumber == s.After.Entry.RuleNumber:
			b.WriteString(importHCL("aws_network_acl_rule", name, fmt.Sprintf("%s:%d:%s:%t", e.Resource,
				s.Before.Entry.RuleNumber, apiProtocol(s.Before.Entry.Protocol), egress)))
			b.WriteString(aclRuleHCL(name, e.Resource, egress, s.After.Entry))
		default:
			b.WriteString(aclRuleHCL(name, e.Resource, egress, s.After.Entry))
			if s.Before != nil {
				dir := "--ingress"
				if egress {
					dir = "--egress"
				}
				c := cli{region: s.Region}
				remove(fmt.Sprintf("entry %d of %s (renumbered)", s.Before.Entry.RuleNumber, e.Resource),
					[]string{c.cmd("delete-network-acl-entry", "--network-acl-id", e.Resource, dir, "--rule-number", itoa32(s.Before.Entry.RuleNumber))})
			}
		}
	case e.List == Routes:
		switch {
		case s.After == nil:
			remove("the route to "+s.Before.Route.DestinationString()+" of "+e.Resource, s.AWSCLI())
		case s.Before != nil:
			b.WriteString(importHCL("aws_route", name, e.Resource+"_"+s.Before.Route.DestinationString()))
			b.WriteString(routeHCL(name, e.Resource, s.After.Route))
		default:
			b.WriteString(routeHCL(name, e.Resource, s.After.Route))
		}
	}
	return b.String()
}

// hcl writes a block of attributes in order.
type hcl struct {
	b strings.Builder
}

func (h *hcl) str(k, v string) { fmt.Fprintf(&h.b, "  %-28s = %s\n", k, hclString(v)) }
func (h *hcl) num(k string, v int) {
	fmt.Fprintf(&h.b, "  %-28s = %d\n", k, v)
}
func (h *hcl) boolean(k string, v bool) { fmt.Fprintf(&h.b, "  %-28s = %t\n", k, v) }

func importHCL(typ, name, id string) string {
	return fmt.Sprintf("import {\n  to = %s.%s\n  id = %s\n}\n", typ, name, hclString(id))
}

func sgRuleHCL(name, group string, egress bool, r model.SGRule) string {
	typ := "aws_vpc_security_group_ingress_rule"
	if egress {
		typ = "aws_vpc_security_group_egress_rule"
	}
	var h hcl
	h.str("security_group_id", group)
	h.str("ip_protocol", apiProtocol(r.Protocol))
	switch {
	case r.Protocol.HasPorts():
		p := r.Ports()
		h.num("from_port", int(p.From))
		h.num("to_port", int(p.To))
	case r.Protocol.IsICMP():
		t := r.ICMP()
		h.num("from_port", int(t.Type))
		h.num("to_port", int(t.Code))
	}
	switch {
	case r.Group != nil:
		id := r.Group.GroupID
		if r.Group.UserID != "" {
			id = r.Group.UserID + "/" + id // a group of another account
		}
		h.str("referenced_security_group_id", id)
	case r.PrefixListID != "":
		h.str("prefix_list_id", r.PrefixListID)
	case r.CIDR.Addr().Is6():
		h.str("cidr_ipv6", r.CIDR.String())
	default:
		h.str("cidr_ipv4", r.CIDR.String())
	}
	if r.Description != "" {
		h.str("description", r.Description)
	}
	return fmt.Sprintf("resource %q %q {\n%s}\n", typ, name, h.b.String())
}

func aclRuleHCL(name, acl string, egress bool, e model.ACLEntry) string {
	var h hcl
	h.str("network_acl_id", acl)
	h.num("rule_number", int(e.RuleNumber))
	h.boolean("egress", egress)
	h.str("protocol", apiProtocol(e.Protocol))
	h.str("rule_action", string(e.Action))
	if e.CIDR.Addr().Is6() {
		h.str("ipv6_cidr_block", e.CIDR.String())
	} else {
		h.str("cidr_block", e.CIDR.String())
	}
	switch {
	case e.Protocol.HasPorts():
		p := e.Ports()
		h.num("from_port", int(p.From))
		h.num("to_port", int(p.To))
	case e.Protocol.IsICMP():
		t := e.ICMPMatch()
		h.num("icmp_type", int(t.Type))
		h.num("icmp_code", int(t.Code))
	}
	return fmt.Sprintf("resource \"aws_network_acl_rule\" %q {\n%s}\n", name, h.b.String())
}

func routeHCL(name, rt string, r model.Route) string {
	var h hcl
	h.str("route_table_id", rt)
	switch {
	case r.DestinationPrefixListID != "":
		h.str("destination_prefix_list_id", r.DestinationPrefixListID)
	case r.Destination.Addr().Is6():
		h.str("destination_ipv6_cidr_block", r.Destination.String())
	default:
		h.str("destination_cidr_block", r.Destination.String())
	}
	t := r.Target()
	switch t.Kind {
	case model.TargetEgressOnlyIGW:
		h.str("egress_only_gateway_id", t.ID)
	case model.TargetNATGateway:
		h.str("nat_gateway_id", t.ID)
	case model.TargetVPCPeering:
		h.str("vpc_peering_connection_id", t.ID)
	case model.TargetTransitGateway:
		h.str("transit_gateway_id", t.ID)
	case model.TargetNetworkInterface:
		h.str("network_interface_id", t.ID)
	case model.TargetInstance:
		// the provider routes to an instance through its primary network
		// interface (instance_id is gone from aws_route): left for the
		// reader to name
		h.b.WriteString("  # the primary network interface of instance " + oneLine(t.ID) + ":\n")
		h.str("network_interface_id", "")
	case model.TargetVPCEndpoint:
		h.str("vpc_endpoint_id", t.ID)
	default:
		switch {
		case r.LocalGatewayID != "":
			h.str("local_gateway_id", r.LocalGatewayID)
		case r.CarrierGatewayID != "":
			h.str("carrier_gateway_id", r.CarrierGatewayID)
		case r.CoreNetworkARN != "":
			h.str("core_network_arn", r.CoreNetworkARN)
		default:
			h.str("gateway_id", t.ID) // internet and virtual private gateways, "local"
		}
	}
	return fmt.Sprintf("resource \"aws_route\" %q {\n%s}\n", name, h.b.String())
}

// hclString quotes s as an HCL string: quotes, backslashes and control
// characters escaped, and "${" and "%{" doubled so that a description
// cannot start an interpolation or a template directive.
func hclString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&b, `\u%04x`, r)
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			b.WriteRune(r)
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// oneLine keeps a comment on one line.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}
