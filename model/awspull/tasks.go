package awspull

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/directconnect"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/networkfirewall"
	"github.com/aws/aws-sdk-go-v2/service/shield"
	shieldtypes "github.com/aws/aws-sdk-go-v2/service/shield/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"
	"github.com/aws/smithy-go"

	"github.com/vpcscope/vpcscope/model"
)

// service is an AWS API Pull calls.
type service int

const (
	svcEC2 service = iota
	svcELB
	svcNFW
	svcDX
	svcWAF
	svcShield
)

// prefix is the service's IAM action prefix.
func (s service) prefix() string {
	switch s {
	case svcELB:
		return "elasticloadbalancing"
	case svcNFW:
		return "network-firewall"
	case svcDX:
		return "directconnect"
	case svcWAF:
		return "wafv2"
	case svcShield:
		return "shield"
	}
	return "ec2"
}

// op is one API operation and the model kind it collects.
type op struct {
	kind model.Kind
	name string
	svc  service
}

// action is the operation's IAM action, e.g. ec2:DescribeVpcs.
func (o op) action() string { return o.svc.prefix() + ":" + o.name }

// task lists one kind in a region. children are the operations it makes
// once per listed parent (routes per transit gateway route table, ...).
type task struct {
	op
	children []op
	run      func(ctx context.Context, t *taskRun) error
}

// Page sizes: the largest each API accepts, so a listing takes as few
// round trips as it can.
var (
	max1000 = aws.Int32(1000)
	max255  = aws.Int32(255)
	max100  = aws.Int32(100)
	max400  = aws.Int32(400)
)

// elbTagBatch is how many ARNs one elbv2 DescribeTags call takes.
const elbTagBatch = 20

func ec2op(kind model.Kind, name string) op { return op{kind, name, svcEC2} }
func elbop(kind model.Kind, name string) op { return op{kind, name, svcELB} }
func nfwop(kind model.Kind, name string) op { return op{kind, name, svcNFW} }
func dxop(kind model.Kind, name string) op  { return op{kind, name, svcDX} }
func wafop(kind model.Kind, name string) op { return op{kind, name, svcWAF} }
func shieldop(kind model.Kind, name string) op {
	return op{kind, name, svcShield}
}

// wafResourceTypes are the resource types whose web ACL associations the
// pull lists: the internet-facing endpoints the audit checks.
var wafResourceTypes = []waftypes.ResourceType{waftypes.ResourceTypeApplicationLoadBalancer, waftypes.ResourceTypeApiGateway}

// tasks are the listings of one region, longest first: the pull lasts as
// long as its longest page chain, so those start before the short ones.
var tasks = []task{
	{op: ec2op(model.KindNetworkInterface, "DescribeNetworkInterfaces"), run: func(ctx context.Context, t *taskRun) error {
		p := ec2.NewDescribeNetworkInterfacesPaginator(t.r.ec2, &ec2.DescribeNetworkInterfacesInput{MaxResults: max1000})
		return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *ec2.DescribeNetworkInterfacesOutput) error {
			return t.u.add("NetworkInterfaces", o.NetworkInterfaces, len(o.NetworkInterfaces))
		})
	}},
	{op: ec2op(model.KindInstance, "DescribeInstances"), run: func(ctx context.Context, t *taskRun) error {
		p := ec2.NewDescribeInstancesPaginator(t.r.ec2, &ec2.DescribeInstancesInput{MaxResults: max1000})
		return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *ec2.DescribeInstancesOutput) error {
			n := 0
			for _, r := range o.Reservations {
				n += len(r.Instances)
			}
			return t.u.add("Reservations", o.Reservations, n)
		})
	}},
	{op: ec2op(model.KindSecurityGroup, "DescribeSecurityGroups"), run: func(ctx context.Context, t *taskRun) error {
		p := ec2.NewDescribeSecurityGroupsPaginator(t.r.ec2, &ec2.DescribeSecurityGroupsInput{MaxResults: max1000})
		return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *ec2.DescribeSecurityGroupsOutput) error {
			return t.u.add("SecurityGroups", o.SecurityGroups, len(o.SecurityGroups))
		})
	}},
	{op: ec2op(model.KindRouteTable, "DescribeRouteTables"), run: func(ctx context.Context, t *taskRun) error {
		p := ec2.NewDescribeRouteTablesPaginator(t.r.ec2, &ec2.DescribeRouteTablesInput{MaxResults: max100})
		return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *ec2.DescribeRouteTablesOutput) error {
			return t.u.add("RouteTables", o.RouteTables, len(o.RouteTables))
		})
	}},
	{op: ec2op(model.KindNetworkACL, "DescribeNetworkAcls"), run: func(ctx context.Context, t *taskRun) error {
		p := ec2.NewDescribeNetworkAclsPaginator(t.r.ec2, &ec2.DescribeNetworkAclsInput{MaxResults: max100})
		return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *ec2.DescribeNetworkAclsOutput) error {
			return t.u.add("NetworkAcls", o.NetworkAcls, len(o.NetworkAcls))
		})
	}},
	{op: ec2op(model.KindSubnet, "DescribeSubnets"), run: func(ctx context.Context, t *taskRun) error {
		p := ec2.NewDescribeSubnetsPaginator(t.r.ec2, &ec2.DescribeSubnetsInput{MaxResults: max1000})
		return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *ec2.DescribeSubnetsOutput) error {
			return t.u.add("Subnets", o.Subnets, len(o.Subnets))
		})
	}},
	{
		op: elbop(model.KindTargetGroup, "DescribeTargetGroups"),
		children: []op{
			elbop(model.KindTargetGroup, "DescribeTargetHealth"),
			elbop(model.KindTargetGroup, "DescribeTargetGroupAttributes"),
			elbop(model.KindTargetGroup, "DescribeTags"),
		},
		run: func(ctx context.Context, t *taskRun) error {
			p := elbv2.NewDescribeTargetGroupsPaginator(t.r.elb, &elbv2.DescribeTargetGroupsInput{PageSize: max400})
			return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *elbv2.DescribeTargetGroupsOutput) error {
				arns := make([]string, 0, len(o.TargetGroups))
				for _, tg := range o.TargetGroups {
					arns = append(arns, aws.ToString(tg.TargetGroupArn))
				}
				for _, arn := range arns {
					t.spawn("DescribeTargetHealth", func(ctx context.Context, u *unit) error {
						return once(ctx, u, func(ctx context.Context) (*elbv2.DescribeTargetHealthOutput, error) {
							return t.r.elb.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: &arn})
						}, func(o *elbv2.DescribeTargetHealthOutput) error {
							return u.add("LoadBalancerTargetHealth", []any{map[string]any{
								"TargetGroupArn": arn, "TargetHealthDescriptions": o.TargetHealthDescriptions,
							}}, len(o.TargetHealthDescriptions))
						})
					})
					t.spawn("DescribeTargetGroupAttributes", func(ctx context.Context, u *unit) error {
						return once(ctx, u, func(ctx context.Context) (*elbv2.DescribeTargetGroupAttributesOutput, error) {
							return t.r.elb.DescribeTargetGroupAttributes(ctx, &elbv2.DescribeTargetGroupAttributesInput{TargetGroupArn: &arn})
						}, func(o *elbv2.DescribeTargetGroupAttributesOutput) error {
							return u.add("TargetGroupAttributes", []any{map[string]any{"TargetGroupArn": arn, "Attributes": o.Attributes}}, len(o.Attributes))
						})
					})
				}
				t.elbTags(arns)
				return t.u.add("TargetGroups", o.TargetGroups, len(o.TargetGroups))
			})
		},
	},
	{
		op: elbop(model.KindLoadBalancer, "DescribeLoadBalancers"),
		children: []op{
			elbop(model.KindLoadBalancer, "DescribeListeners"),
			elbop(model.KindLoadBalancer, "DescribeLoadBalancerAttributes"),
			elbop(model.KindLoadBalancer, "DescribeTags"),
		},
		run: func(ctx context.Context, t *taskRun) error {
			p := elbv2.NewDescribeLoadBalancersPaginator(t.r.elb, &elbv2.DescribeLoadBalancersInput{PageSize: max400})
			return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *elbv2.DescribeLoadBalancersOutput) error {
				arns := make([]string, 0, len(o.LoadBalancers))
				for _, lb := range o.LoadBalancers {
					arns = append(arns, aws.ToString(lb.LoadBalancerArn))
				}
				for _, arn := range arns {
					t.spawn("DescribeListeners", func(ctx context.Context, u *unit) error {
						p := elbv2.NewDescribeListenersPaginator(t.r.elb, &elbv2.DescribeListenersInput{LoadBalancerArn: &arn, PageSize: max400})
						return pages(ctx, u, p.HasMorePages, p.NextPage, func(o *elbv2.DescribeListenersOutput) error {
							return u.add("LoadBalancerListeners", []any{map[string]any{
								"LoadBalancerArn": arn, "Listeners": o.Listeners,
							}}, len(o.Listeners))
						})
					})
					t.spawn("DescribeLoadBalancerAttributes", func(ctx context.Context, u *unit) error {
						return once(ctx, u, func(ctx context.Context) (*elbv2.DescribeLoadBalancerAttributesOutput, error) {
							return t.r.elb.DescribeLoadBalancerAttributes(ctx, &elbv2.DescribeLoadBalancerAttributesInput{LoadBalancerArn: &arn})
						}, func(o *elbv2.DescribeLoadBalancerAttributesOutput) error {
							return u.add("LoadBalancerAttributes", []any{map[string]any{"LoadBalancerArn": arn, "Attributes": o.Attributes}}, len(o.Attributes))
						})
					})
				}
				t.elbTags(arns)
				return t.u.add("LoadBalancers", o.LoadBalancers, len(o.LoadBalancers))
			})
		},
	},
	{op: ec2op(model.KindVPC, "DescribeVpcs"), run: func(ctx context.Context, t *taskRun) error {
		p := ec2.NewDescribeVpcsPaginator(t.r.ec2, &ec2.DescribeVpcsInput{MaxResults: max1000})
		return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *ec2.DescribeVpcsOutput) error {
			return t.u.add("Vpcs", o.Vpcs, len(o.Vpcs))
		})
	}},
	{
		op: ec2op(model.KindTGWRouteTable, "DescribeTransitGatewayRouteTables"),
		children: []op{
			ec2op(model.KindTGWRouteTable, "SearchTransitGatewayRoutes"),
			ec2op(model.KindTGWRouteTable, "GetTransitGatewayRouteTableAssociations"),
			ec2op(model.KindTGWRouteTable, "GetTransitGatewayRouteTablePropagations"),
		},
		run: func(ctx context.Context, t *taskRun) error {
			p := ec2.NewDescribeTransitGatewayRouteTablesPaginator(t.r.ec2, &ec2.DescribeTransitGatewayRouteTablesInput{MaxResults: max1000})
			return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *ec2.DescribeTransitGatewayRouteTablesOutput) error {
				for _, rt := range o.TransitGatewayRouteTables {
					id := aws.ToString(rt.TransitGatewayRouteTableId)
					t.spawn("SearchTransitGatewayRoutes", func(ctx context.Context, u *unit) error { return searchRoutes(ctx, t, u, id) })
					t.spawn("GetTransitGatewayRouteTableAssociations", func(ctx context.Context, u *unit) error {
						p := ec2.NewGetTransitGatewayRouteTableAssociationsPaginator(t.r.ec2,
							&ec2.GetTransitGatewayRouteTableAssociationsInput{TransitGatewayRouteTableId: &id, MaxResults: max1000})
						return pages(ctx, u, p.HasMorePages, p.NextPage, func(o *ec2.GetTransitGatewayRouteTableAssociationsOutput) error {
							return u.add("TransitGatewayAssociations", []any{map[string]any{
								"TransitGatewayRouteTableId": id, "Associations": o.Associations,
							}}, len(o.Associations))
						})
					})
					t.spawn("GetTransitGatewayRouteTablePropagations", func(ctx context.Context, u *unit) error {
						p := ec2.NewGetTransitGatewayRouteTablePropagationsPaginator(t.r.ec2,
							&ec2.GetTransitGatewayRouteTablePropagationsInput{TransitGatewayRouteTableId: &id, MaxResults: max1000})
						return pages(ctx, u, p.HasMorePages, p.NextPage, func(o *ec2.GetTransitGatewayRouteTablePropagationsOutput) error {
							return u.add("TransitGatewayPropagations", []any{map[string]any{
								"TransitGatewayRouteTableId": id, "TransitGatewayRouteTablePropagations": o.TransitGatewayRouteTablePropagations,
							}}, len(o.TransitGatewayRouteTablePropagations))
						})
					})
				}
				return t.u.add("TransitGatewayRouteTables", o.TransitGatewayRouteTables, len(o.TransitGatewayRouteTables))
			})
		},
	},
	{
		op:       ec2op(model.KindPrefixList, "DescribeManagedPrefixLists"),
		children: []op{ec2op(model.KindPrefixList, "GetManagedPrefixListEntries")},
		run: func(ctx context.Context, t *taskRun) error {
			p := ec2.NewDescribeManagedPrefixListsPaginator(t.r.ec2, &ec2.DescribeManagedPrefixListsInput{MaxResults: max100})
			return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *ec2.DescribeManagedPrefixListsOutput) error {
				for _, pl := range o.PrefixLists {
					id := aws.ToString(pl.PrefixListId)
					t.spawn("GetManagedPrefixListEntries", func(ctx context.Context, u *unit) error {
						p := ec2.NewGetManagedPrefixListEntriesPaginator(t.r.ec2,
							&ec2.GetManagedPrefixListEntriesInput{PrefixListId: &id, MaxResults: max100})
						return pages(ctx, u, p.HasMorePages, p.NextPage, func(o *ec2.GetManagedPrefixListEntriesOutput) error {
							return u.add("ManagedPrefixListEntries", []any{map[string]any{
								"PrefixListId": id, "Entries": o.Entries,
							}}, len(o.Entries))
						})
					})
				}
				return t.u.add("ManagedPrefixLists", o.PrefixLists, len(o.PrefixLists))
			})
		},
	},
	{op: ec2op(model.KindPrefixList, "DescribePrefixLists"), run: func(ctx context.Context, t *taskRun) error {
		p := ec2.NewDescribePrefixListsPaginator(t.r.ec2, &ec2.DescribePrefixListsInput{MaxResults: max100})
		return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *ec2.DescribePrefixListsOutput) error {
			return t.u.add("PrefixLists", o.PrefixLists, len(o.PrefixLists))
		})
	}},
	{op: ec2op(model.KindTGWAttachment, "DescribeTransitGatewayAttachments"), run: func(ctx context.Context, t *taskRun) error {
		p := ec2.NewDescribeTransitGatewayAttachmentsPaginator(t.r.ec2, &ec2.DescribeTransitGatewayAttachmentsInput{MaxResults: max1000})
		return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *ec2.DescribeTransitGatewayAttachmentsOutput) error {
			return t.u.add("TransitGatewayAttachments", o.TransitGatewayAttachments, len(o.TransitGatewayAttachments))
		})
	}},
	{op: ec2op(model.KindTGWAttachment, "DescribeTransitGatewayVpcAttachments"), run: func(ctx context.Context, t *taskRun) error {
		p := ec2.NewDescribeTransitGatewayVpcAttachmentsPaginator(t.r.ec2, &ec2.DescribeTransitGatewayVpcAttachmentsInput{MaxResults: max1000})
		return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *ec2.DescribeTransitGatewayVpcAttachmentsOutput) error {
			return t.u.add("TransitGatewayVpcAttachments", o.TransitGatewayVpcAttachments, len(o.TransitGatewayVpcAttachments))
		})
	}},
	{op: ec2op(model.KindTransitGateway, "DescribeTransitGateways"), run: func(ctx context.Context, t *taskRun) error {
		p := ec2.NewDescribeTransitGatewaysPaginator(t.r.ec2, &ec2.DescribeTransitGatewaysInput{MaxResults: max1000})
		return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *ec2.DescribeTransitGatewaysOutput) error {
			return t.u.add("TransitGateways", o.TransitGateways, len(o.TransitGateways))
		})
	}},
	{op: ec2op(model.KindVPCEndpoint, "DescribeVpcEndpoints"), run: func(ctx context.Context, t *taskRun) error {
		p := ec2.NewDescribeVpcEndpointsPaginator(t.r.ec2, &ec2.DescribeVpcEndpointsInput{MaxResults: max1000})
		return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *ec2.DescribeVpcEndpointsOutput) error {
			return t.u.add("VpcEndpoints", o.VpcEndpoints, len(o.VpcEndpoints))
		})
	}},
	{op: ec2op(model.KindVPCPeering, "DescribeVpcPeeringConnections"), run: func(ctx context.Context, t *taskRun) error {
		p := ec2.NewDescribeVpcPeeringConnectionsPaginator(t.r.ec2, &ec2.DescribeVpcPeeringConnectionsInput{MaxResults: max1000})
		return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *ec2.DescribeVpcPeeringConnectionsOutput) error {
			return t.u.add("VpcPeeringConnections", o.VpcPeeringConnections, len(o.VpcPeeringConnections))
		})
	}},
	{op: ec2op(model.KindNATGateway, "DescribeNatGateways"), run: func(ctx context.Context, t *taskRun) error {
		p := ec2.NewDescribeNatGatewaysPaginator(t.r.ec2, &ec2.DescribeNatGatewaysInput{MaxResults: max1000})
		return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *ec2.DescribeNatGatewaysOutput) error {
			return t.u.add("NatGateways", o.NatGateways, len(o.NatGateways))
		})
	}},
	{op: ec2op(model.KindInternetGateway, "DescribeInternetGateways"), run: func(ctx context.Context, t *taskRun) error {
		p := ec2.NewDescribeInternetGatewaysPaginator(t.r.ec2, &ec2.DescribeInternetGatewaysInput{MaxResults: max1000})
		return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *ec2.DescribeInternetGatewaysOutput) error {
			return t.u.add("InternetGateways", o.InternetGateways, len(o.InternetGateways))
		})
	}},
	{op: ec2op(model.KindEgressOnlyInternetGateway, "DescribeEgressOnlyInternetGateways"), run: func(ctx context.Context, t *taskRun) error {
		p := ec2.NewDescribeEgressOnlyInternetGatewaysPaginator(t.r.ec2, &ec2.DescribeEgressOnlyInternetGatewaysInput{MaxResults: max255})
		return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *ec2.DescribeEgressOnlyInternetGatewaysOutput) error {
			return t.u.add("EgressOnlyInternetGateways", o.EgressOnlyInternetGateways, len(o.EgressOnlyInternetGateways))
		})
	}},
	{op: ec2op(model.KindVPNGateway, "DescribeVpnGateways"), run: func(ctx context.Context, t *taskRun) error {
		// DescribeVpnGateways is not paginated: one call lists them all.
		return once(ctx, t.u, func(ctx context.Context) (*ec2.DescribeVpnGatewaysOutput, error) {
			return t.r.ec2.DescribeVpnGateways(ctx, &ec2.DescribeVpnGatewaysInput{})
		}, func(o *ec2.DescribeVpnGatewaysOutput) error {
			return t.u.add("VpnGateways", o.VpnGateways, len(o.VpnGateways))
		})
	}},
	{op: ec2op(model.KindFlowLog, "DescribeFlowLogs"), run: func(ctx context.Context, t *taskRun) error {
		p := ec2.NewDescribeFlowLogsPaginator(t.r.ec2, &ec2.DescribeFlowLogsInput{MaxResults: max1000})
		return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *ec2.DescribeFlowLogsOutput) error {
			logs := o.FlowLogs
			if logs == nil {
				logs = []ec2types.FlowLog{} // an empty answer still says the account has none
			}
			return t.u.add("FlowLogs", logs, len(logs))
		})
	}},
	{op: ec2op(model.KindVPNConnection, "DescribeVpnConnections"), run: func(ctx context.Context, t *taskRun) error {
		// Not paginated. The answer holds each connection's customer
		// gateway configuration (its pre-shared keys): awsjson keeps none of it.
		return once(ctx, t.u, func(ctx context.Context) (*ec2.DescribeVpnConnectionsOutput, error) {
			return t.r.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{})
		}, func(o *ec2.DescribeVpnConnectionsOutput) error {
			return t.u.add("VpnConnections", o.VpnConnections, len(o.VpnConnections))
		})
	}},
	{op: ec2op(model.KindCustomerGateway, "DescribeCustomerGateways"), run: func(ctx context.Context, t *taskRun) error {
		return once(ctx, t.u, func(ctx context.Context) (*ec2.DescribeCustomerGatewaysOutput, error) {
			return t.r.ec2.DescribeCustomerGateways(ctx, &ec2.DescribeCustomerGatewaysInput{})
		}, func(o *ec2.DescribeCustomerGatewaysOutput) error {
			return t.u.add("CustomerGateways", o.CustomerGateways, len(o.CustomerGateways))
		})
	}},
	{op: ec2op(model.KindVPCEndpointService, "DescribeVpcEndpointServiceConfigurations"), run: func(ctx context.Context, t *taskRun) error {
		p := ec2.NewDescribeVpcEndpointServiceConfigurationsPaginator(t.r.ec2, &ec2.DescribeVpcEndpointServiceConfigurationsInput{MaxResults: max1000})
		return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *ec2.DescribeVpcEndpointServiceConfigurationsOutput) error {
			return t.u.add("ServiceConfigurations", o.ServiceConfigurations, len(o.ServiceConfigurations))
		})
	}},
	{
		op:       nfwop(model.KindNetworkFirewall, "ListFirewalls"),
		children: []op{nfwop(model.KindNetworkFirewall, "DescribeFirewall"), nfwop(model.KindNetworkFirewall, "DescribeLoggingConfiguration")},
		run: func(ctx context.Context, t *taskRun) error {
			p := networkfirewall.NewListFirewallsPaginator(t.r.nfw, &networkfirewall.ListFirewallsInput{MaxResults: max100})
			return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *networkfirewall.ListFirewallsOutput) error {
				for _, f := range o.Firewalls {
					arn := aws.ToString(f.FirewallArn)
					t.spawn("DescribeFirewall", func(ctx context.Context, u *unit) error {
						return once(ctx, u, func(ctx context.Context) (*networkfirewall.DescribeFirewallOutput, error) {
							return t.r.nfw.DescribeFirewall(ctx, &networkfirewall.DescribeFirewallInput{FirewallArn: &arn})
						}, func(o *networkfirewall.DescribeFirewallOutput) error {
							return u.add("NetworkFirewalls", []any{map[string]any{"Firewall": o.Firewall, "FirewallStatus": o.FirewallStatus}}, 1)
						})
					})
					t.spawn("DescribeLoggingConfiguration", func(ctx context.Context, u *unit) error {
						return once(ctx, u, func(ctx context.Context) (*networkfirewall.DescribeLoggingConfigurationOutput, error) {
							return t.r.nfw.DescribeLoggingConfiguration(ctx, &networkfirewall.DescribeLoggingConfigurationInput{FirewallArn: &arn})
						}, func(o *networkfirewall.DescribeLoggingConfigurationOutput) error {
							return u.add("NetworkFirewallLogging", []any{map[string]any{"FirewallArn": arn, "LoggingConfiguration": o.LoggingConfiguration}}, 1)
						})
					})
				}
				return nil
			})
		},
	},
	{
		op:       nfwop(model.KindFirewallPolicy, "ListFirewallPolicies"),
		children: []op{nfwop(model.KindFirewallPolicy, "DescribeFirewallPolicy")},
		run: func(ctx context.Context, t *taskRun) error {
			p := networkfirewall.NewListFirewallPoliciesPaginator(t.r.nfw, &networkfirewall.ListFirewallPoliciesInput{MaxResults: max100})
			return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *networkfirewall.ListFirewallPoliciesOutput) error {
				for _, f := range o.FirewallPolicies {
					arn := aws.ToString(f.Arn)
					t.spawn("DescribeFirewallPolicy", func(ctx context.Context, u *unit) error {
						return once(ctx, u, func(ctx context.Context) (*networkfirewall.DescribeFirewallPolicyOutput, error) {
							return t.r.nfw.DescribeFirewallPolicy(ctx, &networkfirewall.DescribeFirewallPolicyInput{FirewallPolicyArn: &arn})
						}, func(o *networkfirewall.DescribeFirewallPolicyOutput) error {
							return u.add("NetworkFirewallPolicies", []any{map[string]any{"FirewallPolicy": o.FirewallPolicy, "FirewallPolicyResponse": o.FirewallPolicyResponse}}, 1)
						})
					})
				}
				return nil
			})
		},
	},
	{
		op:       nfwop(model.KindFirewallRuleGroup, "ListRuleGroups"),
		children: []op{nfwop(model.KindFirewallRuleGroup, "DescribeRuleGroup")},
		run: func(ctx context.Context, t *taskRun) error {
			// The account's own rule groups; AWS managed groups a policy
			// references are not listed, and the engine says so.
			p := networkfirewall.NewListRuleGroupsPaginator(t.r.nfw, &networkfirewall.ListRuleGroupsInput{MaxResults: max100})
			return pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *networkfirewall.ListRuleGroupsOutput) error {
				for _, g := range o.RuleGroups {
					arn := aws.ToString(g.Arn)
					t.spawn("DescribeRuleGroup", func(ctx context.Context, u *unit) error {
						return once(ctx, u, func(ctx context.Context) (*networkfirewall.DescribeRuleGroupOutput, error) {
							return t.r.nfw.DescribeRuleGroup(ctx, &networkfirewall.DescribeRuleGroupInput{RuleGroupArn: &arn})
						}, func(o *networkfirewall.DescribeRuleGroupOutput) error {
							return u.add("NetworkFirewallRuleGroups", []any{map[string]any{"RuleGroup": o.RuleGroup, "RuleGroupResponse": o.RuleGroupResponse}}, 1)
						})
					})
				}
				return nil
			})
		},
	},
	{
		op:       dxop(model.KindDXGateway, "DescribeDirectConnectGateways"),
		children: []op{dxop(model.KindDXGatewayAssociation, "DescribeDirectConnectGatewayAssociations")},
		run: func(ctx context.Context, t *taskRun) error {
			in := &directconnect.DescribeDirectConnectGatewaysInput{MaxResults: max100}
			return dxPages(ctx, t.u, &in.NextToken, func(ctx context.Context) (*directconnect.DescribeDirectConnectGatewaysOutput, error) {
				return t.r.dx.DescribeDirectConnectGateways(ctx, in)
			}, func(o *directconnect.DescribeDirectConnectGatewaysOutput) *string {
				for _, g := range o.DirectConnectGateways {
					id := aws.ToString(g.DirectConnectGatewayId)
					t.spawn("DescribeDirectConnectGatewayAssociations", func(ctx context.Context, u *unit) error {
						in := &directconnect.DescribeDirectConnectGatewayAssociationsInput{DirectConnectGatewayId: &id, MaxResults: max100}
						return dxPages(ctx, u, &in.NextToken, func(ctx context.Context) (*directconnect.DescribeDirectConnectGatewayAssociationsOutput, error) {
							return t.r.dx.DescribeDirectConnectGatewayAssociations(ctx, in)
						}, func(o *directconnect.DescribeDirectConnectGatewayAssociationsOutput) *string {
							_ = u.add("directConnectGatewayAssociations", o.DirectConnectGatewayAssociations, len(o.DirectConnectGatewayAssociations))
							return o.NextToken
						})
					})
				}
				_ = t.u.add("directConnectGateways", o.DirectConnectGateways, len(o.DirectConnectGateways))
				return o.NextToken
			})
		},
	},
	{op: dxop(model.KindDXVirtualInterface, "DescribeVirtualInterfaces"), run: func(ctx context.Context, t *taskRun) error {
		// Not paginated. The answer holds BGP auth keys: awsjson keeps none.
		return once(ctx, t.u, func(ctx context.Context) (*directconnect.DescribeVirtualInterfacesOutput, error) {
			return t.r.dx.DescribeVirtualInterfaces(ctx, &directconnect.DescribeVirtualInterfacesInput{})
		}, func(o *directconnect.DescribeVirtualInterfacesOutput) error {
			return t.u.add("virtualInterfaces", o.VirtualInterfaces, len(o.VirtualInterfaces))
		})
	}},
	{
		// AWS WAF web ACLs of regional scope and, per web ACL, the load
		// balancers and API stages associated with it. ListWebACLs has no
		// paginator: NextMarker is followed by hand.
		op:       wafop(model.KindWebACL, "ListWebACLs"),
		children: []op{wafop(model.KindWebACL, "ListResourcesForWebACL")},
		run: func(ctx context.Context, t *taskRun) error {
			in := &wafv2.ListWebACLsInput{Scope: waftypes.ScopeRegional, Limit: aws.Int32(100)}
			for first := true; ; first = false {
				o, err := call(ctx, t.u, !first, func(ctx context.Context) (*wafv2.ListWebACLsOutput, error) { return t.r.waf.ListWebACLs(ctx, in) })
				if err != nil {
					return err
				}
				acls := o.WebACLs
				if acls == nil {
					acls = []waftypes.WebACLSummary{} // an empty answer still says there are none
				}
				for _, a := range acls {
					arn := aws.ToString(a.ARN)
					t.spawn("ListResourcesForWebACL", func(ctx context.Context, u *unit) error {
						var all []string
						for _, rt := range wafResourceTypes {
							err := once(ctx, u, func(ctx context.Context) (*wafv2.ListResourcesForWebACLOutput, error) {
								return t.r.waf.ListResourcesForWebACL(ctx, &wafv2.ListResourcesForWebACLInput{WebACLArn: &arn, ResourceType: rt})
							}, func(o *wafv2.ListResourcesForWebACLOutput) error {
								all = append(all, o.ResourceArns...)
								return nil
							})
							if err != nil {
								return err
							}
						}
						return u.add("WebACLResources", []any{map[string]any{"WebACLArn": arn, "ResourceArns": all}}, len(all))
					})
				}
				if err := t.u.add("WebACLs", acls, len(acls)); err != nil {
					return err
				}
				if aws.ToString(o.NextMarker) == "" {
					return nil
				}
				in.NextMarker = o.NextMarker
			}
		},
	},
	// AWS Shield Advanced is global: its API answers in us-east-1 for the
	// whole account, so every region's pull reads the same answer and the
	// importer keeps it once.
	{op: shieldop(model.KindShieldProtection, "GetSubscriptionState"), run: func(ctx context.Context, t *taskRun) error {
		return once(ctx, t.u, func(ctx context.Context) (*shield.GetSubscriptionStateOutput, error) {
			return t.r.shield.GetSubscriptionState(ctx, &shield.GetSubscriptionStateInput{})
		}, func(o *shield.GetSubscriptionStateOutput) error {
			return t.u.add("SubscriptionState", string(o.SubscriptionState), 1)
		})
	}},
	{op: shieldop(model.KindShieldProtection, "ListProtections"), run: func(ctx context.Context, t *taskRun) error {
		p := shield.NewListProtectionsPaginator(t.r.shield, &shield.ListProtectionsInput{})
		err := pages(ctx, t.u, p.HasMorePages, p.NextPage, func(o *shield.ListProtectionsOutput) error {
			ps := o.Protections
			if ps == nil {
				ps = []shieldtypes.Protection{}
			}
			return t.u.add("Protections", ps, len(ps))
		})
		// Without a subscription ListProtections answers that there is
		// nothing to list: no protections.
		if apiErr, ok := errors.AsType[smithy.APIError](err); ok && apiErr.ErrorCode() == "ResourceNotFoundException" {
			return t.u.add("Protections", []shieldtypes.Protection{}, 0)
		}
		return err
	}},
	{op: ec2op(model.KindNetworkInterface, "DescribeAddresses"), run: func(ctx context.Context, t *taskRun) error {
		// Elastic IPs: the public addresses of interfaces whose own
		// output lacks them. Not paginated.
		return once(ctx, t.u, func(ctx context.Context) (*ec2.DescribeAddressesOutput, error) {
			return t.r.ec2.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{})
		}, func(o *ec2.DescribeAddressesOutput) error { return t.u.add("Addresses", o.Addresses, len(o.Addresses)) })
	}},
}

// dxPages runs a Direct Connect listing (which has no paginators) to its
// end: call answers a page with *token set, use takes it and returns the
// next token (nil or empty: the last page).
func dxPages[Out any](ctx context.Context, u *unit, token **string, fetch func(context.Context) (*Out, error), use func(*Out) *string) error {
	for first := true; ; first = false {
		out, err := call(ctx, u, !first, fetch)
		if err != nil {
			return err
		}
		next := use(out)
		if aws.ToString(next) == "" {
			return nil
		}
		*token = next
	}
}

// searchRoutes lists the static and propagated routes of one transit
// gateway route table.
func searchRoutes(ctx context.Context, t *taskRun, u *unit, id string) error {
	p := ec2.NewSearchTransitGatewayRoutesPaginator(t.r.ec2, &ec2.SearchTransitGatewayRoutesInput{
		TransitGatewayRouteTableId: &id,
		Filters:                    []ec2types.Filter{{Name: aws.String("type"), Values: []string{"static", "propagated"}}},
		MaxResults:                 max1000,
	})
	return pages(ctx, u, p.HasMorePages, p.NextPage, func(o *ec2.SearchTransitGatewayRoutesOutput) error {
		if aws.ToBool(o.AdditionalRoutesAvailable) && o.NextToken == nil {
			u.r.p.addGap(model.Gap{
				Account: u.r.account, Region: u.r.region, Kind: u.kind, Operation: u.name, Code: CodeTruncated,
				Reason: "AWS returned only part of the routes of " + id + " (AdditionalRoutesAvailable)",
			})
		}
		return u.add("TransitGatewayStaticRoutes", []any{map[string]any{
			"TransitGatewayRouteTableId": id, "Routes": o.Routes,
		}}, len(o.Routes))
	})
}

// elbTags lists the tags of load balancers or target groups, a batch of
// ARNs per call.
func (t *taskRun) elbTags(arns []string) {
	for start := 0; start < len(arns); start += elbTagBatch {
		batch := arns[start:min(start+elbTagBatch, len(arns))]
		t.spawn("DescribeTags", func(ctx context.Context, u *unit) error {
			return once(ctx, u, func(ctx context.Context) (*elbv2.DescribeTagsOutput, error) {
				return t.r.elb.DescribeTags(ctx, &elbv2.DescribeTagsInput{ResourceArns: batch})
			}, func(o *elbv2.DescribeTagsOutput) error {
				return u.add("TagDescriptions", o.TagDescriptions, countTags(o.TagDescriptions))
			})
		})
	}
}

func countTags(ds []elbtypes.TagDescription) (n int) {
	for _, d := range ds {
		n += len(d.Tags)
	}
	return n
}
