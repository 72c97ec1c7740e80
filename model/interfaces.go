package model

import "net/netip"

// NetworkInterface is an elastic network interface (ENI): the thing that has
// addresses and security groups. Instances, NAT gateways, load balancers,
// interface endpoints and transit gateway attachments all have them.
type NetworkInterface struct {
	Meta
	VPCID            string `json:"vpcId"`
	SubnetID         string `json:"subnetId"`
	AvailabilityZone string `json:"availabilityZone,omitempty"`
	Description      string `json:"description,omitempty"`
	// InterfaceType is interface, nat_gateway, network_load_balancer,
	// vpc_endpoint, transit_gateway, ... as AWS reports it.
	InterfaceType string `json:"interfaceType,omitempty"`
	Status        string `json:"status,omitempty"`
	// PrivateIPs are the IPv4 addresses, primary first, each with its
	// associated public IPv4 address if any.
	PrivateIPs    []PrivateIP  `json:"privateIps"`
	IPv6Addresses []netip.Addr `json:"ipv6Addresses,omitempty"`
	// SecurityGroupIDs are the groups applied to the interface.
	SecurityGroupIDs []string `json:"securityGroupIds,omitempty"`
	// SourceDestCheck drops traffic neither from nor to the interface's own
	// addresses when true (the AWS default).
	SourceDestCheck  bool           `json:"sourceDestCheck"`
	Attachment       *ENIAttachment `json:"attachment,omitempty"`
	RequesterID      string         `json:"requesterId,omitempty"`
	RequesterManaged bool           `json:"requesterManaged,omitempty"`
}

// Kind implements Resource.
func (*NetworkInterface) Kind() Kind { return KindNetworkInterface }

// PrivateIP is one private IPv4 address of an interface.
type PrivateIP struct {
	Address netip.Addr `json:"address"`
	Primary bool       `json:"primary,omitempty"`
	// PublicIP is the public IPv4 or Elastic IP associated with it, if any.
	PublicIP netip.Addr `json:"publicIp,omitzero"`
}

// ENIAttachment says what an interface is attached to.
type ENIAttachment struct {
	ID              string `json:"id,omitempty"`
	InstanceID      string `json:"instanceId,omitempty"`
	InstanceOwnerID string `json:"instanceOwnerId,omitempty"`
	DeviceIndex     int32  `json:"deviceIndex"`
	Status          string `json:"status,omitempty"`
}

// PrimaryIP returns the primary private IPv4 address, or the zero Addr.
func (n *NetworkInterface) PrimaryIP() netip.Addr {
	for _, ip := range n.PrivateIPs {
		if ip.Primary {
			return ip.Address
		}
	}
	if len(n.PrivateIPs) > 0 {
		return n.PrivateIPs[0].Address
	}
	return netip.Addr{}
}

// PublicIPs returns every public IPv4 address associated with the interface.
func (n *NetworkInterface) PublicIPs() []netip.Addr {
	var out []netip.Addr
	for _, ip := range n.PrivateIPs {
		if ip.PublicIP.IsValid() {
			out = append(out, ip.PublicIP)
		}
	}
	return out
}

// PublicIPFor returns the public IPv4 address mapped 1:1 to the private
// address priv, if any.
func (n *NetworkInterface) PublicIPFor(priv netip.Addr) (netip.Addr, bool) {
	for _, ip := range n.PrivateIPs {
		if ip.Address == priv && ip.PublicIP.IsValid() {
			return ip.PublicIP, true
		}
	}
	return netip.Addr{}, false
}

// PrivateIPFor returns the private address a public IPv4 address maps to.
func (n *NetworkInterface) PrivateIPFor(pub netip.Addr) (netip.Addr, bool) {
	for _, ip := range n.PrivateIPs {
		if ip.PublicIP == pub && pub.IsValid() {
			return ip.Address, true
		}
	}
	return netip.Addr{}, false
}

// HasAddress reports whether addr is one of the interface's own private,
// public or IPv6 addresses.
func (n *NetworkInterface) HasAddress(addr netip.Addr) bool {
	for _, ip := range n.PrivateIPs {
		if ip.Address == addr || (ip.PublicIP.IsValid() && ip.PublicIP == addr) {
			return true
		}
	}
	for _, ip := range n.IPv6Addresses {
		if ip == addr {
			return true
		}
	}
	return false
}

// InstanceID returns the ID of the instance the interface is attached to, or "".
func (n *NetworkInterface) InstanceID() string {
	if n.Attachment == nil {
		return ""
	}
	return n.Attachment.InstanceID
}

// Instance is an EC2 instance. Its addresses and security groups live on its
// network interfaces; the fields here summarise the primary one.
type Instance struct {
	Meta
	VPCID            string `json:"vpcId,omitempty"`
	SubnetID         string `json:"subnetId,omitempty"`
	AvailabilityZone string `json:"availabilityZone,omitempty"`
	InstanceType     string `json:"instanceType,omitempty"`
	// State is pending, running, stopping, stopped, shutting-down or terminated.
	State     string     `json:"state,omitempty"`
	Platform  string     `json:"platform,omitempty"`
	PrivateIP netip.Addr `json:"privateIp,omitzero"`
	PublicIP  netip.Addr `json:"publicIp,omitzero"`
	// NetworkInterfaceIDs are the attached interfaces, by device index.
	NetworkInterfaceIDs []string `json:"networkInterfaceIds,omitempty"`
	SecurityGroupIDs    []string `json:"securityGroupIds,omitempty"`
	SourceDestCheck     bool     `json:"sourceDestCheck"`
}

// Kind implements Resource.
func (*Instance) Kind() Kind { return KindInstance }
