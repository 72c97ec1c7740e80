package awsjson

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/vpcscope/vpcscope/model"
)

// This file decodes network interfaces, instances and Elastic IP addresses
// (describe-network-interfaces, describe-instances, describe-addresses).

type ipAssociationJSON struct {
	PublicIp string
}

type eniAttachmentJSON struct {
	AttachmentId    string
	InstanceId      string
	InstanceOwnerId string
	DeviceIndex     int32
	Status          string
}

// eniJSON is a network interface, as describe-network-interfaces and
// describe-instances (Instances[].NetworkInterfaces) report it.
type eniJSON struct {
	tagged
	NetworkInterfaceId string
	OwnerId            string
	VpcId              string
	SubnetId           string
	AvailabilityZone   string
	Description        string
	InterfaceType      string
	Status             string
	PrivateIpAddress   string
	Association        *ipAssociationJSON
	PrivateIpAddresses []struct {
		PrivateIpAddress string
		Primary          bool
		Association      *ipAssociationJSON
	}
	Ipv6Addresses []struct {
		Ipv6Address string
	}
	Groups           []groupJSON
	SourceDestCheck  *bool
	Attachment       *eniAttachmentJSON
	RequesterId      string
	RequesterManaged bool
}

// interfaceFrom converts an interface; the caller sets Meta.
func (d *docCtx) interfaceFrom(at string, v *eniJSON) *model.NetworkInterface {
	out := &model.NetworkInterface{
		VPCID:            v.VpcId,
		SubnetID:         v.SubnetId,
		AvailabilityZone: v.AvailabilityZone,
		Description:      v.Description,
		InterfaceType:    v.InterfaceType,
		Status:           v.Status,
		PrivateIPs:       make([]model.PrivateIP, 0, max(len(v.PrivateIpAddresses), 1)),
		SecurityGroupIDs: groupIDs(v.Groups),
		SourceDestCheck:  orTrue(v.SourceDestCheck),
		RequesterID:      v.RequesterId,
		RequesterManaged: v.RequesterManaged,
	}
	for i, p := range v.PrivateIpAddresses {
		pat := field(at, "PrivateIpAddresses", i)
		ip := model.PrivateIP{
			Address: d.addr(pat, "PrivateIpAddress", p.PrivateIpAddress),
			Primary: p.Primary,
		}
		if p.Association != nil {
			ip.PublicIP = d.addr(pat, "Association.PublicIp", p.Association.PublicIp)
		}
		if ip.Address.IsValid() {
			out.PrivateIPs = append(out.PrivateIPs, ip)
		}
	}
	primary := d.addr(at, "PrivateIpAddress", v.PrivateIpAddress)
	if len(out.PrivateIPs) == 0 && primary.IsValid() {
		out.PrivateIPs = append(out.PrivateIPs, model.PrivateIP{Address: primary, Primary: true})
	}
	// The top-level association belongs to the primary address.
	if v.Association != nil {
		pub := d.addr(at, "Association.PublicIp", v.Association.PublicIp)
		for i := range out.PrivateIPs {
			ip := &out.PrivateIPs[i]
			if (ip.Primary || ip.Address == primary) && !ip.PublicIP.IsValid() {
				ip.PublicIP = pub
				break
			}
		}
	}
	for i, a := range v.Ipv6Addresses {
		if ip := d.addr(field(at, "Ipv6Addresses", i), "Ipv6Address", a.Ipv6Address); ip.IsValid() {
			out.IPv6Addresses = append(out.IPv6Addresses, ip)
		}
	}
	if a := v.Attachment; a != nil {
		out.Attachment = &model.ENIAttachment{
			ID:              a.AttachmentId,
			InstanceID:      a.InstanceId,
			InstanceOwnerID: a.InstanceOwnerId,
			DeviceIndex:     a.DeviceIndex,
			Status:          a.Status,
		}
	}
	return out
}

func (d *docCtx) networkInterface(at string, v *eniJSON) {
	d.requireID(at, "NetworkInterfaceId", v.NetworkInterfaceId)
	out := d.interfaceFrom(at, v)
	out.Meta = d.meta(v.NetworkInterfaceId, v.OwnerId, v.tags())
	d.out.add(out)
}

type instanceJSON struct {
	tagged
	InstanceId        string
	InstanceType      string
	VpcId             string
	SubnetId          string
	Platform          string
	PrivateIpAddress  string
	PublicIpAddress   string
	SourceDestCheck   *bool
	State             struct{ Name string }
	Placement         struct{ AvailabilityZone string }
	SecurityGroups    []groupJSON
	NetworkInterfaces []eniJSON
}

type reservationJSON struct {
	ReservationId string
	OwnerId       string
	Instances     []instanceJSON
}

// reservation decodes the instances of a reservation, and their interfaces
// as candidates for interfaces no NetworkInterfaces document describes.
func (d *docCtx) reservation(at string, v *reservationJSON) {
	for i := range v.Instances {
		d.instance(field(at, "Instances", i), v.OwnerId, &v.Instances[i])
	}
}

// bareInstance decodes an instance without its reservation, what
// --query 'Reservations[].Instances[]' writes.
func (d *docCtx) bareInstance(at string, v *instanceJSON) { d.instance(at, "", v) }

func (d *docCtx) instance(at, owner string, v *instanceJSON) {
	d.requireID(at, "InstanceId", v.InstanceId)
	out := &model.Instance{
		Meta:             d.meta(v.InstanceId, owner, v.tags()),
		VPCID:            v.VpcId,
		SubnetID:         v.SubnetId,
		AvailabilityZone: v.Placement.AvailabilityZone,
		InstanceType:     v.InstanceType,
		State:            v.State.Name,
		Platform:         v.Platform,
		PrivateIP:        d.addr(at, "PrivateIpAddress", v.PrivateIpAddress),
		PublicIP:         d.addr(at, "PublicIpAddress", v.PublicIpAddress),
		SecurityGroupIDs: groupIDs(v.SecurityGroups),
		SourceDestCheck:  orTrue(v.SourceDestCheck),
	}
	enis := make([]*model.NetworkInterface, 0, len(v.NetworkInterfaces))
	for i := range v.NetworkInterfaces {
		n := &v.NetworkInterfaces[i]
		d.requireID(field(at, "NetworkInterfaces", i), "NetworkInterfaceId", n.NetworkInterfaceId)
		eni := d.interfaceFrom(field(at, "NetworkInterfaces", i), n)
		eni.Meta = d.meta(n.NetworkInterfaceId, n.OwnerId, n.tags())
		if eni.Account == "" {
			eni.Account = out.Account
		}
		if eni.AvailabilityZone == "" {
			eni.AvailabilityZone = out.AvailabilityZone
		}
		if eni.Attachment == nil {
			eni.Attachment = &model.ENIAttachment{}
		}
		eni.Attachment.InstanceID = out.ID
		if eni.Attachment.InstanceOwnerID == "" {
			eni.Attachment.InstanceOwnerID = owner
		}
		enis = append(enis, eni)
	}
	slices.SortStableFunc(enis, func(a, b *model.NetworkInterface) int {
		return cmp.Compare(a.Attachment.DeviceIndex, b.Attachment.DeviceIndex)
	})
	for _, eni := range enis {
		out.NetworkInterfaceIDs = append(out.NetworkInterfaceIDs, eni.ID)
	}
	d.out.add(out)
	d.out.instanceENIs = append(d.out.instanceENIs, enis...)
}

// address is an Elastic IP (or other public IPv4 address) association from
// describe-addresses.
type address struct {
	NetworkInterfaceID string
	InstanceID         string
	PrivateIP          netip.Addr
	PublicIP           netip.Addr
}

type addressJSON struct {
	PublicIp           string
	PrivateIpAddress   string
	NetworkInterfaceId string
	InstanceId         string
}

func (d *docCtx) address(at string, v *addressJSON) {
	a := address{
		NetworkInterfaceID: v.NetworkInterfaceId,
		InstanceID:         v.InstanceId,
		PrivateIP:          d.addr(at, "PrivateIpAddress", v.PrivateIpAddress),
		PublicIP:           d.addr(at, "PublicIp", v.PublicIp),
	}
	if a.PublicIP.IsValid() && (a.NetworkInterfaceID != "" || a.InstanceID != "") {
		d.out.addresses = append(d.out.addresses, a)
	}
}
