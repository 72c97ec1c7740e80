// Package largeacct generates a deterministic large account for the
// explorer's benchmarks: 50 VPCs, 2,000 subnets, 20,000 interfaces (most on
// instances), 5,000 security groups with 100,000 rules, a network ACL and
// route table per subnet tier, an internet gateway per VPC and a NAT
// gateway per AZ.
//
// It stands in for fixtures.Large, which fixtures/README.md describes but
// the fixtures package does not yet provide; switch to it when it lands.
package largeacct

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/vpcscope/vpcscope/model"
)

// Config sizes the account.
type Config struct {
	VPCs, SubnetsPerVPC, ENIsPerSubnet, GroupsPerVPC, RulesPerGroup int
}

// Default is 50 VPCs, 2,000 subnets, 20,000 interfaces, 5,000 groups and
// 100,000 rules.
var Default = Config{VPCs: 50, SubnetsPerVPC: 40, ENIsPerSubnet: 10, GroupsPerVPC: 100, RulesPerGroup: 20}

// hexID returns a stable AWS-looking ID.
func hexID(prefix string, n ...int) string {
	h := uint64(1469598103934665603)
	for _, x := range n {
		h ^= uint64(x) + 0x9e3779b97f4a7c15
		h *= 1099511628211
	}
	return fmt.Sprintf("%s-%017x", prefix, h&0xfffffffffffffff)
}

// Generate builds the account.
func Generate(c Config) *model.Snapshot {
	const account, region = "999988887777", "us-east-1"
	meta := func(id, name string) model.Meta {
		m := model.Meta{ID: id, Account: account, Region: region}
		if name != "" {
			m.Tags = model.Tags{"Name": name}
		}
		return m
	}
	s := &model.Snapshot{Schema: model.SchemaVersion, Source: "generated",
		TakenAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Scopes:  []model.Scope{{Account: account, Region: region}}}
	azs := []string{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"}
	tiers := []string{"public", "app", "data"}
	for v := 0; v < c.VPCs; v++ {
		vpcID := hexID("vpc", v)
		cidr := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(v), 0, 0}), 16)
		s.VPCs = append(s.VPCs, &model.VPC{Meta: meta(vpcID, fmt.Sprintf("vpc-%02d", v)), CIDRs: []netip.Prefix{cidr}, State: "available"})
		igw := hexID("igw", v)
		s.InternetGateways = append(s.InternetGateways, &model.InternetGateway{Meta: meta(igw, fmt.Sprintf("igw-%02d", v)),
			Attachments: []model.GatewayAttachment{{VPCID: vpcID, State: "available"}}})
		groups := make([]string, c.GroupsPerVPC)
		for g := range groups {
			groups[g] = hexID("sg", v, g)
		}
		for g, gid := range groups {
			sg := &model.SecurityGroup{Meta: meta(gid, fmt.Sprintf("sg-%02d-%03d", v, g)), VPCID: vpcID,
				GroupName: fmt.Sprintf("group-%02d-%03d", v, g), Description: "generated"}
			for r := 0; r < c.RulesPerGroup; r++ {
				rule := model.SGRule{Protocol: model.ProtocolTCP, FromPort: int32(1000 + r), ToPort: int32(1000 + r)}
				switch r % 4 {
				case 0:
					rule.CIDR = cidr
				case 1:
					rule.Group = &model.GroupRef{GroupID: groups[(g+r)%len(groups)], UserID: account}
				case 2:
					rule.Protocol, rule.FromPort, rule.ToPort = model.ProtocolUDP, 53, 53
					rule.CIDR = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(v), byte(r), 0}), 24)
				default:
					rule.ToPort = int32(2000 + r)
					rule.CIDR = netip.MustParsePrefix("10.0.0.0/8")
				}
				sg.Ingress = append(sg.Ingress, rule)
			}
			sg.Egress = []model.SGRule{{Protocol: model.ProtocolAll, FromPort: -1, ToPort: -1, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}
			s.SecurityGroups = append(s.SecurityGroups, sg)
		}
		var rts [3]*model.RouteTable
		var acls [3]*model.NetworkACL
		for t, tier := range tiers {
			rt := &model.RouteTable{Meta: meta(hexID("rtb", v, t), fmt.Sprintf("vpc-%02d-%s-rt", v, tier)), VPCID: vpcID,
				Routes: []model.Route{{Destination: cidr, GatewayID: "local", State: "active"}}}
			if t == 0 {
				rt.Routes = append(rt.Routes, model.Route{Destination: netip.MustParsePrefix("0.0.0.0/0"), GatewayID: igw, State: "active"})
				rt.Associations = append(rt.Associations, model.RouteTableAssociation{Main: true, State: "associated"})
			}
			rts[t] = rt
			acl := &model.NetworkACL{Meta: meta(hexID("acl", v, t), fmt.Sprintf("vpc-%02d-%s-nacl", v, tier)), VPCID: vpcID, IsDefault: t == 0,
				Entries: []model.ACLEntry{
					{RuleNumber: 100, Protocol: model.ProtocolAll, Action: model.Allow, CIDR: netip.MustParsePrefix("10.0.0.0/8")},
					{RuleNumber: 200, Protocol: model.ProtocolTCP, Action: model.Allow, CIDR: netip.MustParsePrefix("0.0.0.0/0"), PortRange: &model.PortRange{From: 443, To: 443}},
					{RuleNumber: 32767, Protocol: model.ProtocolAll, Action: model.Deny, CIDR: netip.MustParsePrefix("0.0.0.0/0")},
					{RuleNumber: 100, Egress: true, Protocol: model.ProtocolAll, Action: model.Allow, CIDR: netip.MustParsePrefix("0.0.0.0/0")},
					{RuleNumber: 32767, Egress: true, Protocol: model.ProtocolAll, Action: model.Deny, CIDR: netip.MustParsePrefix("0.0.0.0/0")},
				}}
			acls[t] = acl
		}
		for sn := 0; sn < c.SubnetsPerVPC; sn++ {
			t := sn % len(tiers)
			az := azs[sn%len(azs)]
			snID := hexID("subnet", v, sn)
			snCIDR := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(v), byte(sn), 0}), 24)
			s.Subnets = append(s.Subnets, &model.Subnet{Meta: meta(snID, fmt.Sprintf("vpc-%02d-%s-%02d", v, tiers[t], sn)),
				VPCID: vpcID, AvailabilityZone: az, CIDR: snCIDR, MapPublicIPOnLaunch: t == 0, State: "available"})
			if t != 0 {
				rts[t].Associations = append(rts[t].Associations, model.RouteTableAssociation{SubnetID: snID, State: "associated"})
			}
			acls[t].Associations = append(acls[t].Associations, model.ACLAssociation{SubnetID: snID})
			if t == 0 && sn < len(azs) {
				nat := hexID("nat", v, sn)
				s.NATGateways = append(s.NATGateways, &model.NATGateway{Meta: meta(nat, ""), VPCID: vpcID, SubnetID: snID, State: "available",
					Addresses: []model.NATAddress{{PrivateIP: netip.AddrFrom4([4]byte{10, byte(v), byte(sn), 250}),
						PublicIP: netip.AddrFrom4([4]byte{54, byte(v), byte(sn), 250})}}})
				if sn == 0 {
					rts[1].Routes = append(rts[1].Routes, model.Route{Destination: netip.MustParsePrefix("0.0.0.0/0"), NATGatewayID: nat, State: "active"})
				}
			}
			for e := 0; e < c.ENIsPerSubnet; e++ {
				eniID := hexID("eni", v, sn, e)
				ip := netip.AddrFrom4([4]byte{10, byte(v), byte(sn), byte(10 + e)})
				pip := model.PrivateIP{Address: ip, Primary: true}
				if t == 0 {
					pip.PublicIP = netip.AddrFrom4([4]byte{3, byte(v), byte(sn), byte(10 + e)})
				}
				sgs := []string{groups[(sn*c.ENIsPerSubnet+e)%len(groups)]}
				eni := &model.NetworkInterface{Meta: meta(eniID, ""), VPCID: vpcID, SubnetID: snID, AvailabilityZone: az,
					InterfaceType: "interface", Status: "in-use", PrivateIPs: []model.PrivateIP{pip}, SecurityGroupIDs: sgs, SourceDestCheck: true}
				if e < c.ENIsPerSubnet-1 {
					inst := hexID("i", v, sn, e)
					eni.Attachment = &model.ENIAttachment{InstanceID: inst, Status: "attached"}
					s.Instances = append(s.Instances, &model.Instance{Meta: meta(inst, fmt.Sprintf("%s-%02d-%02d-%d", tiers[t], v, sn, e)),
						VPCID: vpcID, SubnetID: snID, AvailabilityZone: az, InstanceType: "m7g.large", State: "running",
						PrivateIP: ip, PublicIP: pip.PublicIP, NetworkInterfaceIDs: []string{eniID}, SecurityGroupIDs: sgs, SourceDestCheck: true})
				}
				s.NetworkInterfaces = append(s.NetworkInterfaces, eni)
			}
		}
		for t := range tiers {
			s.RouteTables = append(s.RouteTables, rts[t])
			s.NetworkACLs = append(s.NetworkACLs, acls[t])
		}
	}
	return s
}
