package model

import "net/netip"

// VPC is a virtual private cloud.
type VPC struct {
	Meta
	// CIDRs are the VPC's associated IPv4 blocks, primary first.
	CIDRs []netip.Prefix `json:"cidrs"`
	// IPv6CIDRs are its associated IPv6 blocks.
	IPv6CIDRs []netip.Prefix `json:"ipv6Cidrs,omitempty"`
	IsDefault bool           `json:"isDefault,omitempty"`
	State     string         `json:"state,omitempty"`
}

// Kind implements Resource.
func (*VPC) Kind() Kind { return KindVPC }

// Contains reports whether addr lies in one of the VPC's CIDR blocks.
func (v *VPC) Contains(addr netip.Addr) bool {
	return prefixesContain(v.CIDRs, addr) || prefixesContain(v.IPv6CIDRs, addr)
}

// Subnet is a range of a VPC's addresses in one availability zone.
type Subnet struct {
	Meta
	VPCID              string         `json:"vpcId"`
	AvailabilityZone   string         `json:"availabilityZone,omitempty"`
	AvailabilityZoneID string         `json:"availabilityZoneId,omitempty"`
	CIDR               netip.Prefix   `json:"cidr,omitzero"`
	IPv6CIDRs          []netip.Prefix `json:"ipv6Cidrs,omitempty"`
	// MapPublicIPOnLaunch gives instances launched here a public IPv4 address.
	MapPublicIPOnLaunch bool   `json:"mapPublicIpOnLaunch,omitempty"`
	State               string `json:"state,omitempty"`
}

// Kind implements Resource.
func (*Subnet) Kind() Kind { return KindSubnet }

// Contains reports whether addr lies in the subnet's IPv4 or IPv6 ranges.
func (s *Subnet) Contains(addr netip.Addr) bool {
	return (s.CIDR.IsValid() && s.CIDR.Contains(addr)) || prefixesContain(s.IPv6CIDRs, addr)
}

func prefixesContain(ps []netip.Prefix, addr netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}
