package awsjson

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// output is a top-level key the importer reads: how to decode it, what is
// missing when it is, and how to recognise its elements.
type output struct {
	key    string
	handle keyHandler
	// kind and operation name what an empty file of this output leaves
	// uncollected; kind is "" when nothing the answers need is missing.
	kind      model.Kind
	operation string
	// identify lists the fields that mark an element of this output in a
	// document whose top level is an array (`aws ... --query Vpcs`); all
	// must be present. Outputs are tried in table order, so the more
	// specific come first (a subnet has a VpcId and a CidrBlock too).
	identify []string
}

// outputs lists every key the importer reads, in the order their elements
// are recognised. It is never modified.
var outputs = []output{
	// Groupings: per-parent outputs, each element naming its parent.
	{"TransitGatewayStaticRoutes", each((*docCtx).tgwRoutes), model.KindTGWRouteTable, "SearchTransitGatewayRoutes", []string{"TransitGatewayRouteTableId", "Routes"}},
	{"TransitGatewayPropagations", each((*docCtx).tgwPropagations), model.KindTGWRouteTable, "GetTransitGatewayRouteTablePropagations", []string{"TransitGatewayRouteTableId", "TransitGatewayRouteTablePropagations"}},
	{"TransitGatewayAssociations", each((*docCtx).tgwAssociations), model.KindTGWRouteTable, "GetTransitGatewayRouteTableAssociations", []string{"TransitGatewayRouteTableId", "Associations"}},
	{"ManagedPrefixListEntries", each((*docCtx).prefixListEntries), model.KindPrefixList, "GetManagedPrefixListEntries", []string{"PrefixListId", "Entries"}},
	{"LoadBalancerListeners", each((*docCtx).listenerGroup), model.KindLoadBalancer, "DescribeListeners", []string{"LoadBalancerArn", "Listeners"}},
	{"LoadBalancerAttributes", each((*docCtx).lbAttributes), model.KindLoadBalancer, "DescribeLoadBalancerAttributes", []string{"LoadBalancerArn", "Attributes"}},
	{"LoadBalancerTargetHealth", each((*docCtx).targetHealth), model.KindTargetGroup, "DescribeTargetHealth", []string{"TargetGroupArn", "TargetHealthDescriptions"}},
	{"TargetGroupAttributes", each((*docCtx).tgAttributes), model.KindTargetGroup, "DescribeTargetGroupAttributes", []string{"TargetGroupArn", "Attributes"}},
	{"WebACLResources", each((*docCtx).webACLResources), model.KindWebACL, "ListResourcesForWebACL", []string{"WebACLArn", "ResourceArns"}},

	// AWS Network Firewall: one object per describe-* call, or a list of
	// them (wholeObjectKeys).
	{"NetworkFirewallLogging", each((*docCtx).firewallLogging), model.KindNetworkFirewall, "DescribeLoggingConfiguration", []string{"FirewallArn", "LoggingConfiguration"}},
	{"NetworkFirewalls", each((*docCtx).networkFirewall), model.KindNetworkFirewall, "DescribeFirewall", []string{"Firewall"}},
	{"NetworkFirewallPolicies", each((*docCtx).firewallPolicy), model.KindFirewallPolicy, "DescribeFirewallPolicy", []string{"FirewallPolicyResponse"}},
	{"NetworkFirewallRuleGroups", each((*docCtx).firewallRuleGroup), model.KindFirewallRuleGroup, "DescribeRuleGroup", []string{"RuleGroupResponse"}},

	// VPN and Direct Connect (directconnect's CLI output is lowerCamelCase).
	{"VpnConnections", each((*docCtx).vpnConnection), model.KindVPNConnection, "DescribeVpnConnections", []string{"VpnConnectionId"}},
	{"CustomerGateways", each((*docCtx).customerGateway), model.KindCustomerGateway, "DescribeCustomerGateways", []string{"CustomerGatewayId", "BgpAsn"}},
	{"directConnectGatewayAssociations", each((*docCtx).dxAssociation), model.KindDXGatewayAssociation, "DescribeDirectConnectGatewayAssociations", []string{"associationId", "directConnectGatewayId"}},
	{"directConnectGateways", each((*docCtx).dxGateway), model.KindDXGateway, "DescribeDirectConnectGateways", []string{"directConnectGatewayId", "directConnectGatewayName"}},
	{"virtualInterfaces", each((*docCtx).dxVirtualInterface), model.KindDXVirtualInterface, "DescribeVirtualInterfaces", []string{"virtualInterfaceId"}},
	{"ServiceConfigurations", each((*docCtx).endpointService), model.KindVPCEndpointService, "DescribeVpcEndpointServiceConfigurations", []string{"ServiceId", "ServiceState"}},

	// Transit gateways (ec2 describe-transit-gateway*).
	{"TransitGatewayRouteTables", each((*docCtx).tgwRouteTable), model.KindTGWRouteTable, "DescribeTransitGatewayRouteTables", []string{"TransitGatewayRouteTableId"}},
	{"TransitGatewayPeeringAttachments", each((*docCtx).tgwPeeringAttachment), model.KindTGWAttachment, "DescribeTransitGatewayPeeringAttachments", []string{"TransitGatewayAttachmentId", "RequesterTgwInfo"}},
	{"TransitGatewayVpcAttachments", each((*docCtx).tgwVPCAttachment), model.KindTGWAttachment, "DescribeTransitGatewayVpcAttachments", []string{"TransitGatewayAttachmentId", "VpcId"}},
	{"TransitGatewayAttachments", each((*docCtx).tgwAttachment), model.KindTGWAttachment, "DescribeTransitGatewayAttachments", []string{"TransitGatewayAttachmentId"}},
	{"TransitGateways", each((*docCtx).transitGateway), model.KindTransitGateway, "DescribeTransitGateways", []string{"TransitGatewayId"}},

	// Prefix lists.
	{"PrefixLists", each((*docCtx).awsPrefixList), model.KindPrefixList, "DescribePrefixLists", []string{"PrefixListId", "Cidrs"}},
	{"ManagedPrefixLists", each((*docCtx).managedPrefixList), model.KindPrefixList, "DescribeManagedPrefixLists", []string{"PrefixListId"}},

	// ELBv2 describe-* outputs. describe-tags names each ARN it tags.
	{"Listeners", each((*docCtx).plainListener), model.KindLoadBalancer, "DescribeListeners", []string{"ListenerArn"}},
	{"LoadBalancers", each((*docCtx).loadBalancer), model.KindLoadBalancer, "DescribeLoadBalancers", []string{"LoadBalancerArn"}},
	{"TargetGroups", each((*docCtx).targetGroup), model.KindTargetGroup, "DescribeTargetGroups", []string{"TargetGroupArn"}},
	{"TagDescriptions", each((*docCtx).tagDescription), "", "DescribeTags", []string{"ResourceArn", "Tags"}},

	// EC2 describe-* outputs. Instances is what
	// --query 'Reservations[].Instances[]' leaves of describe-instances.
	{"Reservations", each((*docCtx).reservation), model.KindInstance, "DescribeInstances", []string{"Instances"}},
	{"Addresses", each((*docCtx).address), model.KindNetworkInterface, "DescribeAddresses", []string{"PublicIp"}},
	{"Instances", each((*docCtx).bareInstance), model.KindInstance, "DescribeInstances", []string{"InstanceId"}},
	{"NetworkInterfaces", each((*docCtx).networkInterface), model.KindNetworkInterface, "DescribeNetworkInterfaces", []string{"NetworkInterfaceId"}},
	{"NatGateways", each((*docCtx).natGateway), model.KindNATGateway, "DescribeNatGateways", []string{"NatGatewayId"}},
	{"InternetGateways", each((*docCtx).internetGateway), model.KindInternetGateway, "DescribeInternetGateways", []string{"InternetGatewayId"}},
	{"EgressOnlyInternetGateways", each((*docCtx).egressOnlyInternetGateway), model.KindEgressOnlyInternetGateway, "DescribeEgressOnlyInternetGateways", []string{"EgressOnlyInternetGatewayId"}},
	{"VpnGateways", each((*docCtx).vpnGateway), model.KindVPNGateway, "DescribeVpnGateways", []string{"VpnGatewayId"}},
	{"VpcPeeringConnections", each((*docCtx).vpcPeering), model.KindVPCPeering, "DescribeVpcPeeringConnections", []string{"VpcPeeringConnectionId"}},
	{"VpcEndpoints", each((*docCtx).vpcEndpoint), model.KindVPCEndpoint, "DescribeVpcEndpoints", []string{"VpcEndpointId"}},
	{"NetworkAcls", each((*docCtx).networkACL), model.KindNetworkACL, "DescribeNetworkAcls", []string{"NetworkAclId"}},
	{"RouteTables", each((*docCtx).routeTable), model.KindRouteTable, "DescribeRouteTables", []string{"RouteTableId"}},
	{"SecurityGroups", each((*docCtx).securityGroup), model.KindSecurityGroup, "DescribeSecurityGroups", []string{"GroupId", "IpPermissions"}},
	{"Subnets", each((*docCtx).subnet), model.KindSubnet, "DescribeSubnets", []string{"SubnetId"}},
	{"Vpcs", each((*docCtx).vpc), model.KindVPC, "DescribeVpcs", []string{"VpcId", "CidrBlock"}},
	{"FlowLogs", each((*docCtx).flowLog), model.KindFlowLog, "DescribeFlowLogs", []string{"FlowLogId"}},

	// AWS WAF (wafv2 list-web-acls) and AWS Shield Advanced (shield
	// list-protections); get-subscription-state's SubscriptionState is a
	// string, read in docCtx.object.
	{"WebACLs", each((*docCtx).webACL), model.KindWebACL, "ListWebACLs", []string{"ARN", "LockToken"}},
	{"Protections", each((*docCtx).shieldProtection), model.KindShieldProtection, "ListProtections", []string{"ResourceArn", "ProtectionArn"}},
}

// outputFor returns the output a top-level key names, or nil.
func outputFor(key string) *output {
	for i := range outputs {
		if outputs[i].key == key {
			return &outputs[i]
		}
	}
	return nil
}

// identify returns the output whose elements have the given fields, or nil.
func identify(fields map[string]bool) *output {
	for i := range outputs {
		if !slices.ContainsFunc(outputs[i].identify, func(f string) bool { return !fields[f] }) {
			return &outputs[i]
		}
	}
	return nil
}

// outputNamed returns the output a file's name implies — Vpcs.json,
// vpcs.json, describe-vpcs.json, describe_network_acls.json,
// network-acls.json, ... — or nil when the name says nothing.
func outputNamed(file string) *output {
	base := strings.ToLower(path.Base(file))
	base = strings.TrimSuffix(base, path.Ext(base))
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, base)
	for _, verb := range []string{"describe", "get", "search"} {
		if s, ok := strings.CutPrefix(name, verb); ok && s != "" {
			name = s
			break
		}
	}
	switch name {
	case "transitgatewayroutes":
		name = "transitgatewaystaticroutes"
	case "transitgatewayroutetablepropagations":
		name = "transitgatewaypropagations"
	case "transitgatewayroutetableassociations":
		name = "transitgatewayassociations"
	case "targethealth":
		name = "loadbalancertargethealth"
	case "firewall", "firewalls", "networkfirewall":
		name = "networkfirewalls"
	case "firewallpolicy", "firewallpolicies":
		name = "networkfirewallpolicies"
	case "rulegroup", "rulegroups":
		name = "networkfirewallrulegroups"
	case "loggingconfiguration", "firewalllogging":
		name = "networkfirewalllogging"
	case "vpcendpointserviceconfigurations":
		name = "serviceconfigurations"
	}
	for i := range outputs {
		if strings.ToLower(outputs[i].key) == name {
			return &outputs[i]
		}
	}
	return nil
}

// didYouMean returns the key the importer reads that an unknown key is
// probably a misspelling of (SecurityGroup, securitygroups, Vpc), or "".
func didYouMean(key string) string {
	k := strings.ToLower(key)
	best, bestDist := "", 0
	for i := range outputs {
		o := outputs[i].key
		d := model.EditDistance(k, strings.ToLower(o), 2)
		allowed := 1
		if len(o) >= 10 {
			allowed = 2
		}
		if d <= allowed && (best == "" || d < bestDist) {
			best, bestDist = o, d
		}
	}
	return best
}

// skipReason says why a key the importer does not read is skipped; skip is
// false for keys that are dropped silently (pagination and response
// metadata).
func skipReason(key string) (reason string, skip bool) {
	switch key {
	case "NextToken", "Marker", "NextMarker", "IsTruncated", "ResultMetadata",
		"ResponseMetadata", "AdditionalRoutesAvailable":
		return "", false
	// Plain outputs that do not name their parent.
	case "Routes":
		return "search-transit-gateway-routes output does not name its route table: " +
			"write it as TransitGatewayStaticRoutes [{TransitGatewayRouteTableId, Routes}]", true
	case "TransitGatewayRouteTablePropagations":
		return "get-transit-gateway-route-table-propagations output does not name its route table: " +
			"write it as TransitGatewayPropagations [{TransitGatewayRouteTableId, TransitGatewayRouteTablePropagations}]", true
	case "Associations":
		return "get-transit-gateway-route-table-associations output does not name its route table: " +
			"write it as TransitGatewayAssociations [{TransitGatewayRouteTableId, Associations}]", true
	case "Entries":
		return "get-managed-prefix-list-entries output does not name its prefix list: " +
			"write it as ManagedPrefixListEntries [{PrefixListId, Entries}]", true
	case "TargetHealthDescriptions":
		return "describe-target-health output does not name its target group: " +
			"write it as LoadBalancerTargetHealth [{TargetGroupArn, TargetHealthDescriptions}]", true
	case "ResourceArns":
		return "list-resources-for-web-acl output does not name its web ACL: " +
			"write it as WebACLResources [{WebACLArn, ResourceArns}]", true
	case "Attributes":
		return "describe-*-attributes output does not name its load balancer or target group: " +
			"write it as LoadBalancerAttributes [{LoadBalancerArn, Attributes}] or TargetGroupAttributes [{TargetGroupArn, Attributes}]", true
	case "Firewalls", "FirewallPolicies", "RuleGroups":
		return "list-firewalls, list-firewall-policies and list-rule-groups name the resources only: " +
			"add the output of describe-firewall, describe-firewall-policy or describe-rule-group for each", true
	case "UpdateToken":
		return "", false
	// Outputs the network model has no use for.
	case "AvailabilityZones", "DBInstances", "DomainStatusList", "ServiceDetails", "ServiceNames",
		"DhcpOptions", "KeyPairs", "Images", "Volumes",
		"TransitGatewayConnects", "TransitGatewayConnectPeers", "FlowLogs", "Tags":
		return "not used by the network model", true
	}
	return "unrecognised key", true
}

// unknownKey is the error for a top-level key that is probably a
// misspelling of one the importer reads, or a snapshot's; nil for a key
// that is merely unknown.
func unknownKey(key string) string {
	if key == "schema" {
		return `this is a vpcscope snapshot file ("schema" key), not an AWS CLI output: pass it on its own with --snapshot FILE`
	}
	if want := didYouMean(key); want != "" {
		return fmt.Sprintf("unknown key %s: did you mean %s?", key, want)
	}
	return ""
}
