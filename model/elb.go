package model

import "net/netip"

// LoadBalancer is an Elastic Load Balancing v2 load balancer (application,
// network or gateway). Its ID is its ARN.
type LoadBalancer struct {
	Meta
	LoadBalancerName string `json:"name"`
	// Type is application, network or gateway.
	Type string `json:"type"`
	// Scheme is internet-facing or internal.
	Scheme            string            `json:"scheme"`
	State             string            `json:"state,omitempty"`
	VPCID             string            `json:"vpcId"`
	DNSName           string            `json:"dnsName,omitempty"`
	IPAddressType     string            `json:"ipAddressType,omitempty"`
	AvailabilityZones []LBZone          `json:"availabilityZones"`
	SecurityGroupIDs  []string          `json:"securityGroupIds,omitempty"`
	Listeners         []Listener        `json:"listeners,omitempty"`
	Attributes        map[string]string `json:"attributes,omitempty"`
}

// Kind implements Resource.
func (*LoadBalancer) Kind() Kind { return KindLoadBalancer }

// IsInternetFacing reports whether the load balancer has public addresses.
func (lb *LoadBalancer) IsInternetFacing() bool { return lb.Scheme == "internet-facing" }

// CrossZone reports whether cross-zone load balancing is on: always for
// application load balancers, by attribute for network and gateway ones.
func (lb *LoadBalancer) CrossZone() bool {
	if lb.Type == "application" {
		return true
	}
	return lb.Attributes["load_balancing.cross_zone.enabled"] == "true"
}

// LBZone is an enabled availability zone of a load balancer.
type LBZone struct {
	ZoneName  string      `json:"zoneName"`
	SubnetID  string      `json:"subnetId"`
	Addresses []LBAddress `json:"addresses,omitempty"`
}

// LBAddress is an address of a load balancer node.
type LBAddress struct {
	IPAddress          netip.Addr `json:"ipAddress,omitzero"`
	AllocationID       string     `json:"allocationId,omitempty"`
	PrivateIPv4Address netip.Addr `json:"privateIpv4Address,omitzero"`
	IPv6Address        netip.Addr `json:"ipv6Address,omitzero"`
}

// Listener accepts connections on a port and forwards them.
type Listener struct {
	ARN            string           `json:"arn"`
	Port           int32            `json:"port"`
	Protocol       string           `json:"protocol"`
	DefaultActions []ListenerAction `json:"defaultActions,omitempty"`
}

// ListenerAction is a listener's default action.
type ListenerAction struct {
	// Type is forward, redirect, fixed-response, authenticate-oidc, ...
	Type            string   `json:"type"`
	TargetGroupARNs []string `json:"targetGroupArns,omitempty"`
}

// TargetGroup routes requests to registered targets. Its ID is its ARN.
type TargetGroup struct {
	Meta
	TargetGroupName  string   `json:"name"`
	Protocol         string   `json:"protocol,omitempty"`
	Port             int32    `json:"port,omitempty"`
	TargetType       string   `json:"targetType"`
	VPCID            string   `json:"vpcId,omitempty"`
	LoadBalancerARNs []string `json:"loadBalancerArns,omitempty"`
	// Targets are the registered targets; nil (null in a snapshot) when
	// target health was not collected, empty when none are registered.
	Targets    []Target          `json:"targets"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

// Kind implements Resource.
func (*TargetGroup) Kind() Kind { return KindTargetGroup }

// Target is a registered target: an instance ID, an IP address, a Lambda
// function ARN or an application load balancer ARN.
type Target struct {
	ID               string `json:"id"`
	Port             int32  `json:"port,omitempty"`
	AvailabilityZone string `json:"availabilityZone,omitempty"`
	// HealthState is initial, healthy, unhealthy, unused, draining or unavailable.
	HealthState string `json:"healthState,omitempty"`
}
