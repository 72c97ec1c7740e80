package tfplan

import (
	"fmt"
	"strings"
)

// typeInfo says how a resource type of the AWS provider becomes part of
// the model.
type typeInfo struct {
	// rank orders changes so that what a resource names exists first.
	rank int
	// idAttrs are the attributes holding IDs other resources refer to,
	// and prefixes the AWS ID prefix of each (placeholders keep it, so
	// that a route to igw-(aws_internet_gateway.main) is a route to an
	// internet gateway).
	idAttrs  []string
	prefixes []string
	// placeholder, when set, builds the ID placeholder instead.
	placeholder func(b *builder, c *Change) string
	// rule marks a resource that is part of another (a rule, a route, an
	// association): a no-op one is already in the snapshot's.
	rule bool
	// alias, when set, is the attribute naming the resource this one
	// accepts: its id is that resource's ID (an accepter's id is the
	// attachment's), so references to it resolve there.
	alias  string
	apply  func(b *builder, c *Change, v vals)
	remove func(b *builder, c *Change, v vals)
}

// supported are the resource types that shape the network.
var supported map[string]*typeInfo

func init() {
	id := func(prefix string) ([]string, []string) { return []string{"id"}, []string{prefix} }
	t := func(rank int, prefix string, apply, remove func(*builder, *Change, vals)) *typeInfo {
		a, p := id(prefix)
		return &typeInfo{rank: rank, idAttrs: a, prefixes: p, apply: apply, remove: remove}
	}
	rule := func(rank int, apply, remove func(*builder, *Change, vals)) *typeInfo {
		return &typeInfo{rank: rank, rule: true, apply: apply, remove: remove}
	}
	supported = map[string]*typeInfo{
		"aws_vpc": {rank: 0, idAttrs: []string{"id", "default_security_group_id", "default_network_acl_id", "main_route_table_id"},
			prefixes: []string{"vpc-", "sg-", "acl-", "rtb-"}, apply: applyVPC},
		"aws_internet_gateway":             t(1, "igw-", applyIGW, removeIGW),
		"aws_egress_only_internet_gateway": t(1, "eigw-", applyEIGW, nil),
		"aws_ec2_managed_prefix_list":      t(1, "pl-", applyPrefixList, nil),
		"aws_ec2_transit_gateway": {rank: 1, idAttrs: []string{"id", "association_default_route_table_id", "propagation_default_route_table_id"},
			prefixes: []string{"tgw-", "tgw-rtb-", "tgw-rtb-"}, apply: applyTGW},
		"aws_subnet":                          t(2, "subnet-", applySubnet, nil),
		"aws_security_group":                  t(3, "sg-", applySG, nil),
		"aws_default_security_group":          t(3, "sg-", applyDefaultSG, noDelete),
		"aws_network_acl":                     t(3, "acl-", applyNACL, nil),
		"aws_default_network_acl":             t(3, "acl-", applyDefaultNACL, noDelete),
		"aws_route_table":                     t(3, "rtb-", applyRouteTable, nil),
		"aws_default_route_table":             t(3, "rtb-", applyDefaultRouteTable, noDelete),
		"aws_ec2_transit_gateway_route_table": t(3, "tgw-rtb-", applyTGWRouteTable, nil),
		"aws_eip": {rank: 3, idAttrs: []string{"id", "allocation_id"}, prefixes: []string{"eipalloc-", "eipalloc-"},
			apply: applyEIP, remove: removeEIP},
		"aws_network_interface": t(4, "eni-", applyENI, nil),
		"aws_instance": {rank: 5, idAttrs: []string{"id", "primary_network_interface_id"}, prefixes: []string{"i-", "eni-"},
			apply: applyInstance},
		"aws_nat_gateway": {rank: 5, idAttrs: []string{"id", "network_interface_id"}, prefixes: []string{"nat-", "eni-"},
			apply: applyNAT},
		"aws_vpc_peering_connection": t(5, "pcx-", applyPeering, nil),
		"aws_networkfirewall_rule_group": {rank: 3, idAttrs: []string{"id"}, prefixes: []string{""}, placeholder: ruleGroupPlaceholder,
			apply: applyRuleGroup},
		"aws_networkfirewall_firewall_policy": {rank: 4, idAttrs: []string{"id"}, prefixes: []string{""}, placeholder: policyPlaceholder,
			apply: applyFirewallPolicy},
		"aws_networkfirewall_firewall": {rank: 5, idAttrs: []string{"id"}, prefixes: []string{""}, placeholder: firewallPlaceholder,
			apply: applyFirewall},
		"aws_ec2_transit_gateway_vpc_attachment": t(6, "tgw-attach-", applyTGWAttachment, nil),
		"aws_vpc_endpoint":                       t(6, "vpce-", applyEndpoint, nil),
		"aws_lb": {rank: 6, idAttrs: []string{"id"}, prefixes: []string{""}, placeholder: lbPlaceholder,
			apply: applyLB},
		"aws_lb_target_group": {rank: 6, idAttrs: []string{"id"}, prefixes: []string{""}, placeholder: tgPlaceholder,
			apply: applyTG},
		"aws_vpc_peering_connection_accepter": {rank: 7, rule: true, alias: "vpc_peering_connection_id",
			apply: applyAccepter},
		"aws_security_group_rule":                                 rule(7, applySGRule, removeSGRule),
		"aws_vpc_security_group_ingress_rule":                     rule(7, applySGRule, removeSGRule),
		"aws_vpc_security_group_egress_rule":                      rule(7, applySGRule, removeSGRule),
		"aws_network_acl_rule":                                    rule(7, applyNACLRule, removeNACLRule),
		"aws_network_acl_association":                             rule(7, applyNACLAssoc, removeNACLAssoc),
		"aws_ec2_managed_prefix_list_entry":                       rule(7, applyPLEntry, removePLEntry),
		"aws_route":                                               rule(8, applyRoute, removeRoute),
		"aws_route_table_association":                             rule(8, applyRTAssoc, removeRTAssoc),
		"aws_main_route_table_association":                        rule(8, applyMainRTAssoc, removeMainRTAssoc),
		"aws_eip_association":                                     rule(8, applyEIPAssoc, removeEIPAssoc),
		"aws_lb_listener":                                         rule(8, applyListener, removeListener),
		"aws_lb_target_group_attachment":                          rule(8, applyTGAttachment, removeTGAttachment),
		"aws_ec2_transit_gateway_route":                           rule(8, applyTGWRoute, removeTGWRoute),
		"aws_ec2_transit_gateway_route_table_association":         rule(8, applyTGWAssoc, removeTGWAssoc),
		"aws_ec2_transit_gateway_route_table_propagation":         rule(8, applyTGWPropagation, removeTGWPropagation),
		"aws_vpc_endpoint_route_table_association":                rule(8, applyEndpointRT, removeEndpointRT),
		"aws_vpc_endpoint_subnet_association":                     rule(8, notModelledRule, nil),
		"aws_vpc_ipv4_cidr_block_association":                     rule(1, applyCIDRAssoc, removeCIDRAssoc),
		"aws_ec2_transit_gateway_default_route_table_association": rule(5, applyTGWDefaultRT(false), nil),
		"aws_ec2_transit_gateway_default_route_table_propagation": rule(5, applyTGWDefaultRT(true), nil),
		"aws_ec2_transit_gateway_peering_attachment":              t(6, "tgw-attach-", applyTGWPeering, nil),
		"aws_ec2_transit_gateway_peering_attachment_accepter": {rank: 7, rule: true, alias: "transit_gateway_attachment_id",
			apply: applyTGWPeeringAccepter},
		"aws_ec2_transit_gateway_vpc_attachment_accepter": {rank: 7, rule: true, alias: "transit_gateway_attachment_id",
			apply: applyTGWVPCAccepter},
		"aws_internet_gateway_attachment":     rule(2, applyIGWAttachment, removeIGWAttachment),
		"aws_network_interface_sg_attachment": rule(8, applyENISGAttachment, removeENISGAttachment),
		"aws_vpn_gateway":                     t(1, "vgw-", applyVGW, nil),
		"aws_vpn_gateway_attachment":          rule(2, applyVGWAttachment, removeVGWAttachment),
		"aws_vpn_gateway_route_propagation":   rule(8, applyVGWPropagation, removeVGWPropagation),
	}
}

// noDelete is the delete of an aws_default_* resource: it only leaves
// Terraform's state; the default resource stays in AWS as it is.
func noDelete(*builder, *Change, vals) {}

// notModelledRule notes a supported type's resource whose effect is not
// modelled from plans.
func notModelledRule(b *builder, c *Change, _ vals) {
	b.skip(c, "its effect on the network is not modelled from plans yet")
}

// family returns why a resource of a type named in the families
// but not modelled is left out.
func family(typ string) (string, bool) {
	switch {
	case typ == "aws_lb_listener_rule", typ == "aws_alb_listener_rule":
		return "listener rules are not modelled: answers follow each listener's default actions", true
	case strings.HasPrefix(typ, "aws_networkfirewall_"):
		return "this Network Firewall resource (logging, resource policy, TLS inspection) does not change what the firewall passes", true
	case strings.HasPrefix(typ, "aws_ec2_transit_gateway"):
		return "this transit gateway resource is not modelled from plans yet", true
	case strings.HasPrefix(typ, "aws_lb_"), strings.HasPrefix(typ, "aws_alb"):
		return "this load balancer resource is not modelled from plans yet", true
	case strings.HasPrefix(typ, "aws_vpn_"), strings.HasPrefix(typ, "aws_dx_"), typ == "aws_customer_gateway":
		return "VPN and Direct Connect resources are not modelled from plans yet", true
	case typ == "aws_network_interface_attachment", typ == "aws_vpc_ipv6_cidr_block_association",
		typ == "aws_default_vpc", typ == "aws_default_subnet":
		return "a network resource not modelled from plans yet", true
	}
	return "", false
}

// rank orders a change for applying.
func rank(c *Change) int {
	if t, ok := supported[c.Type]; ok {
		return t.rank
	}
	return 100
}

func lbPlaceholder(b *builder, c *Change) string {
	kind := "app"
	switch str(c.After, "load_balancer_type") {
	case "network":
		kind = "net"
	case "gateway":
		kind = "gwy"
	}
	name := str(c.After, "name")
	if name == "" {
		name = c.Name
	}
	return fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:loadbalancer/%s/%s/(%s)", b.region, b.account, kind, name, c.Address)
}

func tgPlaceholder(b *builder, c *Change) string {
	name := str(c.After, "name")
	if name == "" {
		name = c.Name
	}
	return fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:targetgroup/%s/(%s)", b.region, b.account, name, c.Address)
}
