package model_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
)

func loadFixture(t *testing.T, name string) *model.Snapshot {
	t.Helper()
	s, err := fixtures.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// group returns the fixture's security group with the Name tag.
func group(t *testing.T, s *model.Snapshot, name string) *model.SecurityGroup {
	t.Helper()
	for _, g := range s.SecurityGroups {
		if g.Name() == name {
			return g
		}
	}
	t.Fatalf("no security group %s", name)
	return nil
}

func eniWithInstance(s *model.Snapshot) *model.NetworkInterface {
	for _, n := range s.NetworkInterfaces {
		if n.InstanceID() != "" {
			return n
		}
	}
	return nil
}

// three-tier names used below: storefront-web-sg ingress[0] is tcp/80 from
// 0.0.0.0/0; acl-0aeba6d8fc245f1dd entries[0] is ingress rule 100 tcp/80.
const webACL = "acl-0aeba6d8fc245f1dd"

func acl(s *model.Snapshot, id string) *model.NetworkACL {
	for _, a := range s.NetworkACLs {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// TestValidateErrorsOnValuesAWSCannotReturn is issue 8 item 7: each value
// below was accepted and changed answers. Each is now an error naming the
// resource and the field.
func TestValidateErrorsOnValuesAWSCannotReturn(t *testing.T) {
	for _, tc := range []struct {
		name    string
		breakIt func(*model.Snapshot)
		// want is the problem's String: resource, field and message.
		want string
	}{
		// DescribeSecurityGroups IpPermission: FromPort is the start of
		// the TCP/UDP range, ToPort its end.
		{"security group fromPort greater than toPort", func(s *model.Snapshot) {
			r := &group(t, s, "storefront-web-sg").Ingress[0]
			r.FromPort, r.ToPort = 8080, 80
		}, "sg-0afa569aa3fb873cc ingress[0]: fromPort 8080 is greater than toPort 80"},
		// -1 means all only for protocol -1 and ICMP types/codes.
		{"negative tcp port is not all ports", func(s *model.Snapshot) {
			group(t, s, "storefront-web-sg").Ingress[0].FromPort = -1
		}, "sg-0afa569aa3fb873cc ingress[0].fromPort: -1 is not a tcp port"},
		{"tcp port above 65535", func(s *model.Snapshot) {
			group(t, s, "storefront-web-sg").Ingress[0].ToPort = 70000
		}, "ingress[0].toPort: 70000 is not a tcp port"},
		// IpPermission: "If you specify all ICMP/ICMPv6 types, you must
		// specify all ICMP/ICMPv6 codes."
		{"ICMP code with all types", func(s *model.Snapshot) {
			r := &group(t, s, "storefront-web-sg").Ingress[0]
			r.Protocol, r.FromPort, r.ToPort = model.ProtocolICMP, -1, 0
		}, "ingress[0].toPort: ICMP code 0 with all types"},
		{"ICMP type that wraps to echo request", func(s *model.Snapshot) {
			r := &group(t, s, "storefront-web-sg").Ingress[0]
			r.Protocol, r.FromPort, r.ToPort = model.ProtocolICMP, 65544, -1
		}, "ingress[0].fromPort: ICMP type 65544 is outside -1 (all) and 0-255"},
		// AuthorizeSecurityGroupIngress: "Amazon Web Services canonicalizes
		// IPv4 and IPv6 CIDRs".
		{"security group CIDR with host bits", func(s *model.Snapshot) {
			group(t, s, "storefront-web-sg").Ingress[0].CIDR = netip.MustParsePrefix("10.1.2.3/8")
		}, "ingress[0].cidr: 10.1.2.3/8 has host bits set"},
		// CreateNetworkAclEntry PortRange: From is the first port, To the last.
		{"NACL port range reversed", func(s *model.Snapshot) {
			acl(s, webACL).Entries[0].PortRange = &model.PortRange{From: 443, To: 80}
		}, webACL + " entries[0].portRange: runs backwards: from 443 is greater than to 80"},
		// CreateNetworkAclEntry RuleNumber: "Positive integer from 1 to 32766".
		{"negative NACL rule number", func(s *model.Snapshot) {
			acl(s, webACL).Entries[0].RuleNumber = -5
		}, webACL + " entries[0].ruleNumber: -5 is outside 1-32766"},
		{"NACL rule number zero", func(s *model.Snapshot) {
			acl(s, webACL).Entries[0].RuleNumber = 0
		}, "entries[0].ruleNumber: 0 is outside 1-32766"},
		{"NACL rule number above the default rules", func(s *model.Snapshot) {
			acl(s, webACL).Entries[0].RuleNumber = 40000
		}, "entries[0].ruleNumber: 40000 is outside 1-32766"},
		{"NACL default rule that allows", func(s *model.Snapshot) {
			a := acl(s, webACL)
			for i := range a.Entries {
				if a.Entries[i].RuleNumber == model.DefaultRuleNumber {
					a.Entries[i].Action = model.Allow
					return
				}
			}
		}, "rule 32767 is the default * rule, which AWS always gives as deny all traffic 0.0.0.0/0"},
		{"NACL rule number twice in one direction", func(s *model.Snapshot) {
			acl(s, webACL).Entries[1].RuleNumber = 100
		}, "entries[1].ruleNumber: ingress rule 100 is also entries[0]"},
		{"NACL action neither allow nor deny", func(s *model.Snapshot) {
			acl(s, webACL).Entries[0].Action = "permit"
		}, `entries[0].action: "permit" is not allow or deny`},
		{"NACL ICMP type out of range", func(s *model.Snapshot) {
			e := &acl(s, webACL).Entries[0]
			e.Protocol, e.PortRange, e.ICMP = model.ProtocolICMP, nil, &model.ICMPTypeCode{Type: 300, Code: -1}
		}, "entries[0].icmp.type: ICMP type 300 is outside"},
		{"NACL CIDR with host bits", func(s *model.Snapshot) {
			acl(s, webACL).Entries[0].CIDR = netip.MustParsePrefix("0.0.0.1/0")
		}, "entries[0].cidr: 0.0.0.1/0 has host bits set"},
		// CreateVpc, CreateSubnet, CreateRoute: "We modify the specified
		// CIDR block to its canonical form".
		{"VPC CIDR with host bits", func(s *model.Snapshot) {
			s.VPCs[0].CIDRs[0] = netip.MustParsePrefix("10.0.0.1/16")
		}, "vpc-0ed7c08ef5c77deaa cidrs[0]: 10.0.0.1/16 has host bits set"},
		{"subnet CIDR with host bits", func(s *model.Snapshot) {
			s.Subnets[0].CIDR = netip.MustParsePrefix("10.0.0.9/24")
		}, "subnet-063971d5ea449ea1a cidr: 10.0.0.9/24 has host bits set"},
		{"route destination with host bits", func(s *model.Snapshot) {
			s.RouteTables[0].Routes[0].Destination = netip.MustParsePrefix("10.0.7.7/16")
		}, "rtb-01f245b6350bb6ea8 routes[0].destination: 10.0.7.7/16 has host bits set"},
		{"IPv6 block in the IPv4 CIDRs of a VPC", func(s *model.Snapshot) {
			s.VPCs[0].CIDRs = append(s.VPCs[0].CIDRs, netip.MustParsePrefix("::/0"))
		}, "vpc-0ed7c08ef5c77deaa cidrs[1]: ::/0 is not an IPv4 block"},
		{"IPv4 block in the IPv6 CIDRs of a subnet", func(s *model.Snapshot) {
			s.Subnets[0].IPv6CIDRs = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}
		}, "subnet-063971d5ea449ea1a ipv6Cidrs[0]: 0.0.0.0/0 is not an IPv6 block"},
		{"IPv6 address as a private IPv4 address", func(s *model.Snapshot) {
			eniWithInstance(s).PrivateIPs[0].Address = netip.MustParseAddr("2600:1f18::5")
		}, "privateIps[0].address: 2600:1f18::5 is not an IPv4 address"},
		{"IPv4-mapped address as a public IP", func(s *model.Snapshot) {
			eniWithInstance(s).PrivateIPs[0].PublicIP = netip.MustParseAddr("::ffff:3.83.201.14")
		}, "privateIps[0].publicIp: ::ffff:3.83.201.14 is not an IPv4 address"},
		// AssignPrivateIpAddresses refuses an address in use: one private
		// address, one interface.
		{"two interfaces with one address in a VPC", func(s *model.Snapshot) {
			s.NetworkInterfaces[1].PrivateIPs[0].Address = s.NetworkInterfaces[0].PrivateIPs[0].Address
		}, "eni-0999123992958d61b privateIps[0].address: 10.0.0.200 is also an address of eni-045341d0aedd60780"},
		// CreateSubnet: subnet blocks of a VPC cannot overlap.
		{"overlapping subnets in a VPC", func(s *model.Snapshot) {
			s.Subnets[1].CIDR = netip.MustParsePrefix("10.0.0.0/23")
		}, "overlaps subnet subnet-063971d5ea449ea1a 10.0.0.0/24"},
		{"listener port above 65535", func(s *model.Snapshot) {
			s.LoadBalancers[0].Listeners[0].Port = 70000
		}, "listeners[0].port: port 70000 is outside 0-65535"},
		{"null resource", func(s *model.Snapshot) {
			s.VPCs = append(s.VPCs, nil)
		}, "vpcs[1]: null element"},
		{"protocol number above 255", func(s *model.Snapshot) {
			group(t, s, "storefront-web-sg").Ingress[0].Protocol = 300
		}, "ingress[0].protocol: 300 is not an IP protocol"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := loadFixture(t, "three-tier")
			tc.breakIt(s)
			ps := model.Validate(s)
			var got []string
			for _, p := range ps.Errors() {
				if strings.Contains(p.String(), tc.want) {
					if err := ps.Err(); err == nil || strings.Contains(err.Error(), "\n") {
						t.Errorf("Err() = %v, want a one-line error", err)
					}
					return
				}
				got = append(got, p.String())
			}
			t.Errorf("no error mentions %q; errors: %q", tc.want, got)
		})
	}
}

// TestValidateAcceptsAWSWildcards keeps the values AWS does return out of
// the errors: -1 for all protocols, all ICMP types and codes, one ICMP type
// with all its codes, the whole port range, ports on protocols that have
// none, the default rules and an IPv6-only subnet.
func TestValidateAcceptsAWSWildcards(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(*model.Snapshot)
	}{
		{"protocol all with -1 ports", func(s *model.Snapshot) {
			r := &group(t, s, "storefront-web-sg").Ingress[0]
			r.Protocol, r.FromPort, r.ToPort = model.ProtocolAll, -1, -1
		}},
		{"all ICMP types and codes", func(s *model.Snapshot) {
			r := &group(t, s, "storefront-web-sg").Ingress[0]
			r.Protocol, r.FromPort, r.ToPort = model.ProtocolICMP, -1, -1
		}},
		{"one ICMP type with every code", func(s *model.Snapshot) {
			r := &group(t, s, "storefront-web-sg").Ingress[0]
			r.Protocol, r.FromPort, r.ToPort = model.ProtocolICMP, 3, -1
		}},
		{"ICMPv6 without a port range", func(s *model.Snapshot) {
			r := &group(t, s, "storefront-web-sg").Ingress[0]
			r.Protocol, r.FromPort, r.ToPort = model.ProtocolICMPv6, -1, -1
		}},
		{"every tcp port", func(s *model.Snapshot) {
			r := &group(t, s, "storefront-web-sg").Ingress[0]
			r.FromPort, r.ToPort = 0, 65535
		}},
		{"ESP with -1 ports (AWS ignores ports of other protocols)", func(s *model.Snapshot) {
			r := &group(t, s, "storefront-web-sg").Ingress[0]
			r.Protocol, r.FromPort, r.ToPort = 50, -1, -1
		}},
		{"NACL ICMP all types", func(s *model.Snapshot) {
			e := &acl(s, webACL).Entries[0]
			e.Protocol, e.PortRange, e.ICMP = model.ProtocolICMP, nil, &model.ICMPTypeCode{Type: -1, Code: -1}
		}},
		{"NACL rule numbers 1 and 32766", func(s *model.Snapshot) {
			acl(s, webACL).Entries[0].RuleNumber = 1
			acl(s, webACL).Entries[1].RuleNumber = 32766
		}},
		{"IPv6-only subnet", func(s *model.Snapshot) {
			s.Subnets[0].CIDR = netip.Prefix{}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := loadFixture(t, "three-tier")
			tc.set(s)
			for _, p := range model.Validate(s).Errors() {
				t.Errorf("error: %s", p)
			}
		})
	}
}

// TestValidateNotes breaks a consistent fixture one way at a time: each is
// something a real account can show (it changed while it was read) and so
// is a note, not an error.
func TestValidateNotes(t *testing.T) {
	for _, tc := range []struct {
		name, fixture string
		breakIt       func(*model.Snapshot)
		want          string
	}{
		{"address outside its subnet", "three-tier", func(s *model.Snapshot) {
			eniWithInstance(s).PrivateIPs[0].Address = netip.MustParseAddr("10.0.99.9")
		}, "not a usable address of subnet"},
		{"reserved address", "three-tier", func(s *model.Snapshot) {
			eniWithInstance(s).PrivateIPs[0].Address = s.Subnets[0].CIDR.Addr().Next()
		}, "not a usable address"},
		{"subnet outside its VPC", "three-tier", func(s *model.Snapshot) {
			s.Subnets[0].CIDR = netip.MustParsePrefix("10.1.0.0/24")
		}, "outside VPC"},
		{"no main route table", "three-tier", func(s *model.Snapshot) {
			for _, rt := range s.RouteTables {
				rt.Associations = nil
			}
		}, "0 main route tables"},
		{"no default network ACL", "broken", func(s *model.Snapshot) {
			for _, a := range s.NetworkACLs {
				a.IsDefault = false
			}
		}, "0 default network ACLs"},
		{"two default security groups", "peering", func(s *model.Snapshot) {
			for _, g := range s.SecurityGroups {
				g.GroupName = "default"
			}
		}, "default security groups, want 1"},
		{"route to a missing gateway", "three-tier", func(s *model.Snapshot) {
			s.InternetGateways = nil
		}, "is not in the snapshot"},
		{"missing local route", "hub-and-spoke", func(s *model.Snapshot) {
			s.RouteTables[0].Routes = s.RouteTables[0].Routes[1:]
		}, "no local route"},
		{"reference to a missing group", "three-tier", func(s *model.Snapshot) {
			s.SecurityGroups[2].Ingress[0].Group = &model.GroupRef{GroupID: "sg-0123456789abcdef0"}
		}, "referenced group sg-0123456789abcdef0 is not in the snapshot"},
		{"NACL without its final rule", "three-tier", func(s *model.Snapshot) {
			a := s.NetworkACLs[1]
			a.Entries = a.Entries[:len(a.Entries)-1]
		}, "no final * rule"},
		{"subnet without a NACL", "broken", func(s *model.Snapshot) {
			s.NetworkACLs[0].Associations = nil
		}, "no network ACL association"},
		{"instance disagrees with its interface", "peering", func(s *model.Snapshot) {
			s.Instances[0].PrivateIP = netip.MustParseAddr("10.20.1.99")
		}, "but its primary interface has"},
		{"duplicate ID", "three-tier", func(s *model.Snapshot) {
			s.Subnets[1].ID = s.Subnets[0].ID
		}, "ID used by a subnet and a subnet"},
		{"malformed ID", "three-tier", func(s *model.Snapshot) {
			s.VPCs[0].ID = "vpc-12345"
		}, "malformed vpc ID"},
		{"TGW association recorded on one side only", "hub-and-spoke", func(s *model.Snapshot) {
			s.TGWRouteTables[0].Associations = nil
		}, "which does not list it"},
		{"NAT address not on its interface", "three-tier", func(s *model.Snapshot) {
			s.NATGateways[0].Addresses[0].PublicIP = netip.MustParseAddr("192.0.2.1")
		}, "public IP 192.0.2.1, but interface"},
		{"resource outside the scopes", "broken", func(s *model.Snapshot) {
			s.VPCs[0].Region = "eu-west-1"
		}, "not among the snapshot's scopes"},
		{"endpoint route table without the route", "three-tier", func(s *model.Snapshot) {
			for _, rt := range s.RouteTables {
				rt.Routes = rt.Routes[:len(rt.Routes)-1]
			}
		}, "has no route to the endpoint"},
		{"tcp NACL rule without a port range", "three-tier", func(s *model.Snapshot) {
			acl(s, webACL).Entries[0].PortRange = nil
		}, "rule 100 is tcp without a port range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := loadFixture(t, tc.fixture)
			tc.breakIt(s)
			ps := model.Validate(s)
			for _, p := range ps.Errors() {
				t.Errorf("unexpected error: %s", p)
			}
			var got []string
			for _, p := range ps.Notes() {
				if strings.Contains(p.String(), tc.want) {
					return
				}
				got = append(got, p.String())
			}
			t.Errorf("no note mentions %q; got %q", tc.want, got)
		})
	}
}

// TestValidateAcceptsEverySource: the demo, every fixture and the
// generated large account hold no error (the measured labs are checked by
// reach's TestLabsValidate, beside the conformance test that reads them).
func TestValidateAcceptsEverySource(t *testing.T) {
	sources := map[string]func(t *testing.T) *model.Snapshot{
		"demo": func(t *testing.T) *model.Snapshot {
			s, err := fixtures.Demo()
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		"large": func(*testing.T) *model.Snapshot { return fixtures.Large(fixtures.DefaultLarge()) },
	}
	for _, name := range fixtures.Names() {
		sources["fixture "+name] = func(t *testing.T) *model.Snapshot { return loadFixture(t, name) }
	}
	for name, load := range sources {
		t.Run(name, func(t *testing.T) {
			for _, p := range model.Validate(load(t)).Errors() {
				t.Errorf("error: %s", p)
			}
		})
	}
}

func TestValidationErrorIsOneLineWithCount(t *testing.T) {
	ps := model.Problems{
		{Severity: model.SeverityNote, Resource: "rtb-1", Message: "route target nat-1 is not in the snapshot"},
		{Severity: model.SeverityError, Resource: "sg-1", Field: "ingress[0]", Message: "fromPort 80 is greater than toPort 22"},
		{Severity: model.SeverityError, Resource: "acl-1", Field: "entries[2].ruleNumber", Message: "-1 is outside 1-32766"},
	}
	err := ps.Err()
	want := "invalid value: sg-1 ingress[0]: fromPort 80 is greater than toPort 22 (and 1 more)"
	if err == nil || err.Error() != want {
		t.Fatalf("Err() = %v, want %q", err, want)
	}
	if err := ps.Notes().Err(); err != nil {
		t.Fatalf("notes alone give error %v", err)
	}
}

// TestValidateDeletedResourcesAreNoNotes: describe calls keep listing
// terminated instances and deleted NAT gateways, peering connections and
// transit gateway attachments for about an hour, without (or naming
// deleted) VPCs, subnets and interfaces. The aws_demo lab has 16 of them;
// each gave one to three notes.
func TestValidateDeletedResourcesAreNoNotes(t *testing.T) {
	for _, tc := range []struct {
		name string
		add  func(s *model.Snapshot, m model.Meta)
	}{
		{"terminated instance", func(s *model.Snapshot, m model.Meta) {
			m.ID = "i-0123456789abcdef0"
			s.Instances = append(s.Instances, &model.Instance{Meta: m, State: "terminated"})
		}},
		{"deleted NAT gateway", func(s *model.Snapshot, m model.Meta) {
			m.ID = "nat-0123456789abcdef0"
			s.NATGateways = append(s.NATGateways, &model.NATGateway{Meta: m, State: "deleted",
				VPCID: "vpc-0123456789abcdef0", SubnetID: "subnet-0123456789abcdef0"})
		}},
		{"deleted peering", func(s *model.Snapshot, m model.Meta) {
			m.ID = "pcx-0123456789abcdef0"
			s.VPCPeerings = append(s.VPCPeerings, &model.VPCPeering{Meta: m, Status: "deleted",
				Requester: model.PeeringSide{VPCID: "vpc-0123456789abcdef0"}, Accepter: model.PeeringSide{VPCID: "vpc-0123456789abcdef1"}})
		}},
		{"deleted transit gateway attachment", func(s *model.Snapshot, m model.Meta) {
			m.ID = "tgw-attach-0123456789abcdef0"
			s.TGWAttachments = append(s.TGWAttachments, &model.TGWAttachment{Meta: m, State: "deleted",
				TransitGatewayID: "tgw-0123456789abcdef0", ResourceType: "vpc", ResourceID: "vpc-0123456789abcdef0"})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := loadFixture(t, "three-tier")
			tc.add(s, model.Meta{Account: s.VPCs[0].Account, Region: s.VPCs[0].Region})
			for _, p := range model.Validate(s) {
				t.Errorf("problem: %s", p)
			}
		})
	}
}

func TestValidateNilSnapshot(t *testing.T) {
	if ps := model.Validate(nil); len(ps) != 0 {
		t.Fatalf("Validate(nil) = %v", ps)
	}
}

// BenchmarkValidateLarge measures what validation adds to every load of
// the generated large account (50 VPCs, 20,000 interfaces, 100,000 rules).
func BenchmarkValidateLarge(b *testing.B) {
	s := fixtures.Large(fixtures.DefaultLarge())
	b.ReportAllocs()
	for b.Loop() {
		if ps := model.Validate(s); len(ps) != 0 {
			b.Fatalf("%d problems", len(ps))
		}
	}
}

// TestValidateKnowsDeclaredPlaceholders: an ID a Terraform plan's network
// declares as a placeholder (model.PlaceholderID) is not malformed; the
// same ID undeclared is, and a declared one must still carry its kind's
// prefix — a placeholder hides nothing else.
func TestValidateKnowsDeclaredPlaceholders(t *testing.T) {
	for _, tc := range []struct {
		name     string
		id       string
		declared bool
		want     string // a note about the ID, or "" for none
	}{
		{"a declared placeholder is no malformed ID", model.PlaceholderID("i-", "aws_instance.web"), true, ""},
		{"an undeclared placeholder is a malformed ID", model.PlaceholderID("i-", "aws_instance.web"), false, "malformed instance ID"},
		{"a declared placeholder keeps its kind's prefix", model.PlaceholderID("vpc-", "aws_instance.web"), true, `instance ID should start with "i-"`},
		{"a declared ID that is no placeholder is checked as AWS writes it", "i-12345", true, "malformed instance ID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := loadFixture(t, "three-tier")
			in := s.Instances[0]
			for _, n := range s.NetworkInterfaces {
				if n.Attachment != nil && n.Attachment.InstanceID == in.ID {
					n.Attachment.InstanceID = tc.id
				}
			}
			in.ID = tc.id
			if tc.declared {
				s.Placeholders = []string{tc.id}
			}
			ps := model.Validate(s)
			if errs := ps.Errors(); len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			var about []string
			for _, p := range ps.Notes() {
				if p.Resource == tc.id {
					about = append(about, p.Message)
				}
			}
			switch {
			case tc.want == "" && len(about) > 0:
				t.Errorf("notes about %s: %q, want none", tc.id, about)
			case tc.want != "" && !slices.ContainsFunc(about, func(m string) bool { return strings.Contains(m, tc.want) }):
				t.Errorf("notes about %s: %q, want one with %q", tc.id, about, tc.want)
			}
		})
	}
}
