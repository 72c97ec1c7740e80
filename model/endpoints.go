package model

import "net/netip"

// VPCEndpoint is a private connection from a VPC to an AWS or partner
// service: a gateway endpoint (route table entries to a prefix list) or an
// interface endpoint (network interfaces with security groups).
type VPCEndpoint struct {
	Meta
	VPCID string `json:"vpcId"`
	// Type is Gateway, Interface or GatewayLoadBalancer.
	Type                string   `json:"type"`
	ServiceName         string   `json:"serviceName"`
	State               string   `json:"state,omitempty"`
	RouteTableIDs       []string `json:"routeTableIds,omitempty"`
	SubnetIDs           []string `json:"subnetIds,omitempty"`
	NetworkInterfaceIDs []string `json:"networkInterfaceIds,omitempty"`
	SecurityGroupIDs    []string `json:"securityGroupIds,omitempty"`
}

// Kind implements Resource.
func (*VPCEndpoint) Kind() Kind { return KindVPCEndpoint }

// IsGateway reports whether the endpoint is a gateway endpoint.
func (e *VPCEndpoint) IsGateway() bool { return e.Type == "Gateway" }

// PrefixList is a named set of CIDRs: an AWS-managed service list
// (com.amazonaws.us-east-1.s3) or a customer-managed one.
type PrefixList struct {
	Meta
	Name          string            `json:"name"`
	AddressFamily string            `json:"addressFamily,omitempty"`
	Entries       []PrefixListEntry `json:"entries"`
	MaxEntries    int32             `json:"maxEntries,omitempty"`
	State         string            `json:"state,omitempty"`
	// AWSManaged marks the lists AWS owns (service prefix lists).
	AWSManaged bool `json:"awsManaged,omitempty"`
}

// Kind implements Resource.
func (*PrefixList) Kind() Kind { return KindPrefixList }

// PrefixListEntry is one CIDR of a prefix list.
type PrefixListEntry struct {
	CIDR        netip.Prefix `json:"cidr"`
	Description string       `json:"description,omitempty"`
}

// Contains reports whether addr lies in one of the list's entries.
func (p *PrefixList) Contains(addr netip.Addr) bool {
	for _, e := range p.Entries {
		if e.CIDR.Contains(addr) {
			return true
		}
	}
	return false
}
