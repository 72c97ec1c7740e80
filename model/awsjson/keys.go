package awsjson

// keyHandlers maps each top-level key the importer reads to its decoder.
// It is never modified.
var keyHandlers = map[string]keyHandler{
	// EC2 describe-* outputs.
	"Vpcs":                       each((*docCtx).vpc),
	"Subnets":                    each((*docCtx).subnet),
	"RouteTables":                each((*docCtx).routeTable),
	"SecurityGroups":             each((*docCtx).securityGroup),
	"NetworkAcls":                each((*docCtx).networkACL),
	"NetworkInterfaces":          each((*docCtx).networkInterface),
	"Reservations":               each((*docCtx).reservation),
	"Addresses":                  each((*docCtx).address),
	"InternetGateways":           each((*docCtx).internetGateway),
	"EgressOnlyInternetGateways": each((*docCtx).egressOnlyInternetGateway),
	"NatGateways":                each((*docCtx).natGateway),
	"VpnGateways":                each((*docCtx).vpnGateway),
	"VpcPeeringConnections":      each((*docCtx).vpcPeering),
	"VpcEndpoints":               each((*docCtx).vpcEndpoint),
	"PrefixLists":                each((*docCtx).awsPrefixList),
	"ManagedPrefixLists":         each((*docCtx).managedPrefixList),
	"FlowLogs":                   each((*docCtx).flowLog),

	"TransitGateways":                  each((*docCtx).transitGateway),
	"TransitGatewayAttachments":        each((*docCtx).tgwAttachment),
	"TransitGatewayVpcAttachments":     each((*docCtx).tgwVPCAttachment),
	"TransitGatewayPeeringAttachments": each((*docCtx).tgwPeeringAttachment),
	"TransitGatewayRouteTables":        each((*docCtx).tgwRouteTable),

	// ELBv2 describe-* outputs.
	"LoadBalancers": each((*docCtx).loadBalancer),
	"TargetGroups":  each((*docCtx).targetGroup),
	"Listeners":     each((*docCtx).plainListener),
	// describe-tags names each ARN it tags, so it needs no grouping.
	"TagDescriptions": each((*docCtx).tagDescription),

	// Groupings: per-parent outputs, each element naming its parent.
	"TransitGatewayStaticRoutes": each((*docCtx).tgwRoutes),
	"TransitGatewayPropagations": each((*docCtx).tgwPropagations),
	"TransitGatewayAssociations": each((*docCtx).tgwAssociations),
	"ManagedPrefixListEntries":   each((*docCtx).prefixListEntries),
	"LoadBalancerListeners":      each((*docCtx).listenerGroup),
	"LoadBalancerTargetHealth":   each((*docCtx).targetHealth),
	"LoadBalancerAttributes":     each((*docCtx).lbAttributes),
	"TargetGroupAttributes":      each((*docCtx).tgAttributes),
}

// skipReason says why a key without a handler is skipped; skip is false for
// keys that are dropped silently (pagination and response metadata).
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
	case "Attributes":
		return "describe-*-attributes output does not name its load balancer or target group: " +
			"write it as LoadBalancerAttributes [{LoadBalancerArn, Attributes}] or TargetGroupAttributes [{TargetGroupArn, Attributes}]", true
	// Outputs the network model has no use for.
	case "AvailabilityZones", "DBInstances", "DomainStatusList", "ServiceDetails", "ServiceNames",
		"VpnConnections", "CustomerGateways", "DhcpOptions", "KeyPairs", "Images", "Volumes",
		"TransitGatewayConnects", "TransitGatewayConnectPeers", "Tags":
		return "not used by the network model", true
	}
	return "unrecognised key", true
}
