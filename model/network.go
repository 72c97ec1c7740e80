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
	// Participants are the accounts other than the owner (Meta.Account)
	// that the subnet is shared with through AWS RAM and that described
	// it, each with its own name for the subnet's zone. Empty for a subnet
	// no participant described. AvailabilityZone is the owner's name when
	// the owner's view was read, else the first participant's.
	Participants []Participant `json:"participants,omitempty"`
}

// Participant is an account a subnet is shared with (VPC sharing): it
// places its own interfaces, instances and security groups in the
// subnet, and sees the owner's VPC, subnet, route tables and network ACLs
// but not the other accounts' resources.
type Participant struct {
	Account string `json:"account"`
	// AvailabilityZone is the participant's name for the subnet's zone.
	// AWS maps zone names to zones independently for each account, so it
	// may differ from the owner's name for the same zone (the zone ID,
	// Subnet.AvailabilityZoneID, is the same for every account).
	AvailabilityZone string `json:"availabilityZone,omitempty"`
}

// Shared reports whether the subnet is shared with other accounts.
func (s *Subnet) Shared() bool { return len(s.Participants) > 0 }

// ParticipantZone returns the name account uses for the subnet's zone,
// when account is a participant.
func (s *Subnet) ParticipantZone(account string) (string, bool) {
	for _, p := range s.Participants {
		if p.Account == account {
			return p.AvailabilityZone, true
		}
	}
	return "", false
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
