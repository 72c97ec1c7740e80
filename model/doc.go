// Package model holds vpcscope's network model of one or more AWS accounts
// and regions: the resources that decide where packets go (VPCs, subnets,
// route tables, security groups, network ACLs, network interfaces, gateways,
// peering, transit gateways, endpoints, prefix lists and load balancers), the
// versioned Snapshot that carries them, lookups by ID, Name tag and IP
// address, and a graph view of their relations.
//
// The package is pure: it imports neither the AWS SDK nor any UI code.
// Values keep AWS's own vocabulary (IDs, states, protocol numbers) so that a
// reader who knows the AWS API recognises every field; helper methods
// interpret them (Rule.Ports, Route.Target, ...).
package model
