package present

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// Summary is a resource in a few words after its name, for a tree line or
// a picker row: an instance's addresses and state, an interface's address
// and type, a gateway's state. A terminated instance says so instead of
// showing the address it no longer has.
func Summary(r model.Resource) string {
	var parts []string
	add := func(s ...string) {
		for _, x := range s {
			if x != "" {
				parts = append(parts, x)
			}
		}
	}
	switch v := r.(type) {
	case *model.Instance:
		if ip := addr(v.PrivateIP); ip != "" {
			add(strings.TrimSpace(ip + " " + addr(v.PublicIP)))
		}
		add(v.State)
	case *model.NetworkInterface:
		add(addr(v.PrimaryIP()), v.InterfaceType, v.Description)
	case *model.NATGateway:
		add(v.State)
	case *model.VPCEndpoint:
		add(v.Type, v.ServiceName)
	case *model.InternetGateway, *model.EgressOnlyInternetGateway:
		add("attached")
	case *model.VPNGateway:
		add("attached", v.State)
	case *model.TransitGateway:
		add(v.State)
	case *model.TGWAttachment:
		add(v.ResourceType, v.ResourceID, v.State)
	case *model.TGWRouteTable:
		add("route table")
	case *model.VPCPeering:
		add(v.Status)
	case *model.LoadBalancer:
		add(v.Scheme, v.Type)
	case *model.Subnet:
		add(v.AvailabilityZone, v.CIDR.String())
	case *model.VPC:
		add(prefixes(v.CIDRs))
	case *model.WebACL:
		add(count(len(v.Resources), "resource"))
	case *model.ShieldProtection:
		add("protects " + v.ResourceARN)
	case *model.NetworkFirewall:
		add(count(len(v.Endpoints), "endpoint"), v.Status)
	case *model.FirewallPolicy:
		add(ruleOrderText(v.RuleOrder), count(len(v.StatelessRuleGroups)+len(v.StatefulRuleGroups), "rule group"))
	case *model.FirewallRuleGroup:
		add(strings.ToLower(v.Type), ruleGroupSize(v))
	case *model.VPNConnection:
		add(v.State, fmt.Sprintf("%d/%d tunnels up", len(v.TunnelsUp()), len(v.Tunnels)))
	case *model.CustomerGateway:
		add(addr(v.IPAddress), v.State)
	case *model.DXGateway:
		add(v.State)
	case *model.DXGatewayAssociation:
		add(v.AssociatedGatewayID, v.State)
	case *model.DXVirtualInterface:
		add(v.Type, v.State)
	case *model.VPCEndpointService:
		add(v.ServiceType, v.ServiceName)
	}
	return strings.Join(parts, "  ")
}

// ConsoleURL is the address of the resource's page in the AWS console
// (its details page where the console has one, else the list filtered to
// it), "" for a kind the console does not show. The region is the
// resource's; without one the console opens in its default region. The
// fragments are the console's own (VpcDetails:VpcId=…); the console is no
// API and may rename them, so a test pins the ones written here.
func ConsoleURL(r model.Resource) string {
	m := r.Base()
	id := url.QueryEscape(m.ID) // an ARN's ":" and "/" too
	var service, fragment string
	switch r.(type) {
	case *model.VPC:
		service, fragment = "vpcconsole", "VpcDetails:VpcId="+id
	case *model.Subnet:
		service, fragment = "vpcconsole", "SubnetDetails:subnetId="+id
	case *model.RouteTable:
		service, fragment = "vpcconsole", "RouteTableDetails:RouteTableId="+id
	case *model.NetworkACL:
		service, fragment = "vpcconsole", "NetworkAclDetails:networkAclId="+id
	case *model.SecurityGroup:
		service, fragment = "ec2", "SecurityGroup:groupId="+id
	case *model.NetworkInterface:
		service, fragment = "ec2", "NetworkInterface:networkInterfaceId="+id
	case *model.Instance:
		service, fragment = "ec2", "InstanceDetails:instanceId="+id
	case *model.InternetGateway:
		service, fragment = "vpcconsole", "InternetGateway:internetGatewayId="+id
	case *model.EgressOnlyInternetGateway:
		service, fragment = "vpcconsole", "EgressOnlyInternetGatewayDetails:egressOnlyInternetGatewayId="+id
	case *model.NATGateway:
		service, fragment = "vpcconsole", "NatGatewayDetails:natGatewayId="+id
	case *model.VPNGateway:
		service, fragment = "vpcconsole", "VpnGateways:VpnGatewayId="+id
	case *model.VPCPeering:
		service, fragment = "vpcconsole", "PeeringConnectionDetails:VpcPeeringConnectionId="+id
	case *model.TransitGateway:
		service, fragment = "vpcconsole", "TransitGatewayDetails:transitGatewayId="+id
	case *model.TGWAttachment:
		service, fragment = "vpcconsole", "TransitGatewayAttachmentDetails:transitGatewayAttachmentId="+id
	case *model.TGWRouteTable:
		service, fragment = "vpcconsole", "TransitGatewayRouteTableDetails:transitGatewayRouteTableId="+id
	case *model.VPCEndpoint:
		service, fragment = "vpcconsole", "EndpointDetails:vpcEndpointId="+id
	case *model.PrefixList:
		service, fragment = "vpcconsole", "PrefixListDetails:prefixListId="+id
	case *model.LoadBalancer:
		service, fragment = "ec2", "LoadBalancer:loadBalancerArn="+id
	case *model.TargetGroup:
		service, fragment = "ec2", "TargetGroup:targetGroupArn="+id
	case *model.WebACL:
		// the console lists web ACLs by region; their pages need the name
		// and ID in the path, which the list links to
		if m.Region != "" {
			return "https://" + url.PathEscape(m.Region) + ".console.aws.amazon.com/wafv2/homev2/web-acls?region=" + url.QueryEscape(m.Region)
		}
		return "https://console.aws.amazon.com/wafv2/homev2/web-acls"
	case *model.NetworkFirewall:
		// the firewall, policy and rule group pages take the ARN in a
		// form of their own: the lists, which link to them
		service, fragment = "vpcconsole", "NetworkFirewalls:"
	case *model.FirewallPolicy:
		service, fragment = "vpcconsole", "NetworkFirewallPolicies:"
	case *model.FirewallRuleGroup:
		service, fragment = "vpcconsole", "NetworkFirewallRuleGroups:"
	case *model.VPNConnection:
		service, fragment = "vpcconsole", "VpnConnections:search="+id
	case *model.CustomerGateway:
		service, fragment = "vpcconsole", "CustomerGateways:search="+id
	case *model.VPCEndpointService:
		service, fragment = "vpcconsole", "EndpointServices:search="+id
	case *model.DXGateway, *model.DXGatewayAssociation:
		return dxConsole(m.Region, "dxgateways")
	case *model.DXVirtualInterface:
		return dxConsole(m.Region, "virtual-interfaces")
	case *model.FlowLog:
		vpc, _ := Containers(r)
		if vpc == "" {
			return ""
		}
		service, fragment = "vpcconsole", "VpcDetails:VpcId="+url.QueryEscape(vpc)
	default:
		return ""
	}
	host := "console.aws.amazon.com"
	query := ""
	if m.Region != "" {
		host = url.PathEscape(m.Region) + "." + host
		query = "?region=" + url.QueryEscape(m.Region)
	}
	return "https://" + host + "/" + service + "/home" + query + "#" + fragment
}

// dxConsole is a Direct Connect console list page ("dxgateways",
// "virtual-interfaces"); Direct Connect gateways are global, so without a
// region the console's default.
func dxConsole(region, page string) string {
	if region == "" {
		return "https://console.aws.amazon.com/directconnect/v2/home#/" + page
	}
	return "https://" + url.PathEscape(region) + ".console.aws.amazon.com/directconnect/v2/home?region=" + url.QueryEscape(region) + "#/" + page
}
