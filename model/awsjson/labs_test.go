package awsjson

import (
	"context"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vpcscope/vpcscope/model"
)

// labsDir returns the folder of measured AWS labs, skipping the test when
// it is missing (failing it in CI, where it must be there).
func labsDir(t *testing.T) string {
	t.Helper()
	dir := labsPath()
	if dir == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("labs folder missing: set VPCSCOPE_LABS")
		}
		t.Skip("labs folder missing: set VPCSCOPE_LABS")
	}
	return dir
}

// fileItems counts the elements of each top-level array key in the JSON
// files under dir, and for groupings the elements of their inner list.
func fileItems(t *testing.T, dir string) map[string]int {
	t.Helper()
	inner := map[string]string{
		"TransitGatewayStaticRoutes": "Routes",
		"TransitGatewayPropagations": "TransitGatewayRouteTablePropagations",
		"TransitGatewayAssociations": "Associations",
		"ManagedPrefixListEntries":   "Entries",
		"LoadBalancerListeners":      "Listeners",
		"LoadBalancerTargetHealth":   "TargetHealthDescriptions",
		"LoadBalancerAttributes":     "Attributes",
		"TargetGroupAttributes":      "Attributes",
	}
	counts := make(map[string]int)
	err := filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || filepath.Ext(path) != ".json" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var doc map[string][]map[string]json.RawMessage
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil // not a plain list-of-objects document
		}
		for k, items := range doc {
			if in, ok := inner[k]; ok {
				for _, it := range items {
					var xs []json.RawMessage
					_ = json.Unmarshal(it[in], &xs)
					counts[k] += len(xs)
				}
				continue
			}
			if k == "Reservations" {
				for _, it := range items {
					var xs []json.RawMessage
					_ = json.Unmarshal(it["Instances"], &xs)
					counts[k] += len(xs)
				}
				continue
			}
			counts[k] += len(items)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return counts
}

// decoded says, for each key the importer reads, how much of it a
// snapshot holds.
var decoded = map[string]func(s *model.Snapshot) int{
	"Vpcs":                         func(s *model.Snapshot) int { return len(s.VPCs) },
	"Subnets":                      func(s *model.Snapshot) int { return len(s.Subnets) },
	"RouteTables":                  func(s *model.Snapshot) int { return len(s.RouteTables) },
	"SecurityGroups":               func(s *model.Snapshot) int { return len(s.SecurityGroups) },
	"NetworkAcls":                  func(s *model.Snapshot) int { return len(s.NetworkACLs) },
	"NetworkInterfaces":            func(s *model.Snapshot) int { return len(s.NetworkInterfaces) },
	"Reservations":                 func(s *model.Snapshot) int { return len(s.Instances) },
	"InternetGateways":             func(s *model.Snapshot) int { return len(s.InternetGateways) },
	"EgressOnlyInternetGateways":   func(s *model.Snapshot) int { return len(s.EgressOnlyInternetGateways) },
	"NatGateways":                  func(s *model.Snapshot) int { return len(s.NATGateways) },
	"VpnGateways":                  func(s *model.Snapshot) int { return len(s.VPNGateways) },
	"VpcPeeringConnections":        func(s *model.Snapshot) int { return len(s.VPCPeerings) },
	"TransitGateways":              func(s *model.Snapshot) int { return len(s.TransitGateways) },
	"TransitGatewayAttachments":    func(s *model.Snapshot) int { return len(s.TGWAttachments) },
	"TransitGatewayVpcAttachments": func(s *model.Snapshot) int { return len(s.TGWAttachments) },
	"TransitGatewayRouteTables":    func(s *model.Snapshot) int { return len(s.TGWRouteTables) },
	"VpcEndpoints":                 func(s *model.Snapshot) int { return len(s.VPCEndpoints) },
	"PrefixLists":                  func(s *model.Snapshot) int { return len(s.PrefixLists) },
	"ManagedPrefixLists":           func(s *model.Snapshot) int { return len(s.PrefixLists) },
	"LoadBalancers":                func(s *model.Snapshot) int { return len(s.LoadBalancers) },
	"TargetGroups":                 func(s *model.Snapshot) int { return len(s.TargetGroups) },
	"VpnConnections":               func(s *model.Snapshot) int { return len(s.VPNConnections) },
	"CustomerGateways":             func(s *model.Snapshot) int { return len(s.CustomerGateways) },
	"TransitGatewayStaticRoutes": func(s *model.Snapshot) (n int) {
		for _, rt := range s.TGWRouteTables {
			n += len(rt.Routes)
		}
		return n
	},
	"TransitGatewayPropagations": func(s *model.Snapshot) (n int) {
		for _, rt := range s.TGWRouteTables {
			n += len(rt.Propagations)
		}
		return n
	},
	"LoadBalancerListeners": func(s *model.Snapshot) (n int) {
		for _, lb := range s.LoadBalancers {
			n += len(lb.Listeners)
		}
		return n
	},
	"LoadBalancerAttributes": func(s *model.Snapshot) (n int) {
		for _, lb := range s.LoadBalancers {
			n += len(lb.Attributes)
		}
		return n
	},
	"LoadBalancerTargetHealth": func(s *model.Snapshot) (n int) {
		for _, tg := range s.TargetGroups {
			n += len(tg.Targets)
		}
		return n
	},
	"Addresses": func(s *model.Snapshot) (n int) {
		for _, eni := range s.NetworkInterfaces {
			n += len(eni.PublicIPs())
		}
		return n
	},
}

// loadLab imports one lab's aws_configs folder.
func loadLab(t *testing.T, labs, name string) *model.Snapshot {
	t.Helper()
	s, _, err := ReadDir(context.Background(), filepath.Join(labs, name, "aws_configs"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLabsLoad(t *testing.T) {
	labs := labsDir(t)
	dirs, err := filepath.Glob(filepath.Join(labs, "*", "aws_configs"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no lab folders under %s (%v)", labs, err)
	}
	for _, dir := range dirs {
		lab := filepath.Base(filepath.Dir(dir))
		t.Run(lab, func(t *testing.T) {
			s, r, err := ReadDir(context.Background(), dir, ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range r.Warnings {
				t.Errorf("warning: %s", w)
			}
			items := fileItems(t, dir)
			for key, n := range items {
				count, ok := decoded[key]
				if !ok {
					if !slices.ContainsFunc(r.Skipped, func(k SkippedKey) bool { return k.Key == key }) {
						t.Errorf("key %s is neither decoded nor reported as skipped", key)
					}
					continue
				}
				if n > 0 && count(s) == 0 {
					t.Errorf("%s: the files hold %d items, the snapshot none", key, n)
				}
				if got := r.Items[key]; got == 0 && n > 0 {
					t.Errorf("%s: report counts %d items, the files hold %d", key, got, n)
				}
			}
			if len(s.Scopes) == 0 {
				t.Error("no scopes")
			}
			for _, p := range model.NewIndex(s).Problems {
				t.Errorf("index problem: %s", p)
			}
			t.Logf("scopes %v, counts %v", s.Scopes, s.Counts())
		})
	}
}

func TestLabSpotChecks(t *testing.T) {
	labs := labsDir(t)

	t.Run("aws_demo us-east-1: VPC CIDR, SG rule, NACL entry", func(t *testing.T) {
		ix := model.NewIndex(loadLab(t, labs, "aws_demo"))
		vpc := ix.VPC("vpc-09fbdfd905cb6796d")
		if vpc == nil {
			t.Fatal("vpc-hr-east missing")
		}
		equal(t, "vpc", [4]string{vpc.Name(), vpc.Account, vpc.Region, vpc.CIDRs[0].String()},
			[4]string{"vpc-hr-east", "028403472736", "us-east-1", "10.1.0.0/16"})

		sg := ix.SecurityGroup("sg-07812b4b30d1df2eb")
		if sg == nil {
			t.Fatal("security group missing")
		}
		want := model.SGRule{Protocol: model.ProtocolTCP, FromPort: 3306, ToPort: 3306, CIDR: pfx("10.0.0.0/8"), Description: "MYSQL Access"}
		if !slices.Contains(sg.Ingress, want) {
			t.Errorf("ingress %v lacks %v", sg.Ingress, want)
		}
		icmp := model.SGRule{Protocol: model.ProtocolICMP, FromPort: 8, ToPort: 0, CIDR: pfx("192.168.0.0/16"), Description: "ICMP Access"}
		if !slices.Contains(sg.Ingress, icmp) {
			t.Errorf("ingress lacks the echo request rule %v", icmp)
		}

		var acl *model.NetworkACL
		for _, a := range ix.Snapshot().NetworkACLs {
			if a.ID == "acl-0ff9cf83b6906f3ea" {
				acl = a
			}
		}
		if acl == nil {
			t.Fatal("network ACL missing")
		}
		entry := model.ACLEntry{RuleNumber: 10, Protocol: model.ProtocolTCP, Action: model.Allow,
			CIDR: pfx("10.4.1.100/32"), PortRange: &model.PortRange{From: 22, To: 22}}
		if !slices.ContainsFunc(acl.Entries, func(e model.ACLEntry) bool { return reflectEqual(e, entry) }) {
			t.Errorf("entries %v lack %v", acl.Entries, entry.String())
		}
	})

	t.Run("aws_tgw_peering: static route over the peering attachment, both ends kept", func(t *testing.T) {
		s := loadLab(t, labs, "aws_tgw_peering")
		var rt *model.TGWRouteTable
		for _, x := range s.TGWRouteTables {
			if x.ID == "tgw-rtb-0b0728f11c489fff4" {
				rt = x
			}
		}
		if rt == nil {
			t.Fatal("route table missing")
		}
		want := model.TGWRoute{Destination: pfx("10.2.0.0/16"), Type: "static", State: "active",
			Attachments: []model.TGWRouteAttachment{{AttachmentID: "tgw-attach-084b68f4a40b12383", ResourceID: "tgw-074cc11880f74d29a", ResourceType: "peering"}}}
		if !slices.ContainsFunc(rt.Routes, func(r model.TGWRoute) bool { return reflectEqual(r, want) }) {
			t.Errorf("routes %+v lack %+v", rt.Routes, want)
		}
		ends := 0
		for _, a := range s.TGWAttachments {
			if a.ID == "tgw-attach-084b68f4a40b12383" {
				ends++
			}
		}
		equal(t, "peering attachment ends", ends, 2)
		equal(t, "scopes", s.Scopes, []model.Scope{{Account: "028403472736", Region: "us-east-1"},
			{Account: "028403472736", Region: "us-west-1"}, {Account: "951601349076", Region: "us-east-2"}})
	})

	t.Run("aws_nlb_targets_instance: NLB listeners, targets, instance and NLB public IPs", func(t *testing.T) {
		s := loadLab(t, labs, "aws_nlb_targets_instance")
		ix := model.NewIndex(s)
		const lbARN = "arn:aws:elasticloadbalancing:us-east-1:028403472736:loadbalancer/net/targets-instance-nlb-only-pri-a/"
		const tgARN = "arn:aws:elasticloadbalancing:us-east-1:028403472736:targetgroup/targets-instance-tg-only-pri-a/900169cd2ec665ad"
		var lb *model.LoadBalancer
		for _, x := range s.LoadBalancers {
			if x.LoadBalancerName == "targets-instance-nlb-only-pri-a" {
				lb = x
			}
		}
		if lb == nil || len(lb.Listeners) == 0 {
			t.Fatalf("NLB or its listeners missing: %+v", lb)
		}
		l := lb.Listeners[0]
		equal(t, "listener", [2]any{l.Port, l.Protocol}, [2]any{int32(80), "TCP"})
		equal(t, "forwards to", l.DefaultActions[0].TargetGroupARNs, []string{tgARN})
		var tg *model.TargetGroup
		for _, x := range s.TargetGroups {
			if x.ID == tgARN {
				tg = x
			}
		}
		if tg == nil {
			t.Fatal("target group missing")
		}
		equal(t, "targets", tg.Targets, []model.Target{{ID: "i-08b6b55acddf742f2", Port: 80, HealthState: "unhealthy"}})

		eni := ix.Interface("eni-05832195824b5f6aa")
		if eni == nil {
			t.Fatal("jump host interface missing")
		}
		equal(t, "jump host ENI public IP", eni.PublicIPs(), []netip.Addr{ip("3.83.153.19")})
		equal(t, "jump host instance", eni.InstanceID(), "i-0bfaeeb7d6cd5bdd8")
		byIP := ix.InterfacesByIP(ip("100.26.7.68"))
		if len(byIP) != 1 || byIP[0].ID != "eni-0c37be48f49140b42" {
			t.Errorf("Elastic IP 100.26.7.68 maps to %v, want the NLB interface", byIP)
		}
		if got := lb.ID[:len(lbARN)]; got != lbARN {
			t.Errorf("LB ID %s", lb.ID)
		}
		equal(t, "NLB node addresses", lb.AvailabilityZones[0].Addresses[0].PrivateIPv4Address, ip("10.2.1.250"))
	})

	t.Run("aws_multi_account_vpc_peering: peering seen from both accounts kept once", func(t *testing.T) {
		s := loadLab(t, labs, "aws_multi_account_vpc_peering")
		ids := make(map[string]int)
		for _, p := range s.VPCPeerings {
			ids[p.ID]++
		}
		for id, n := range ids {
			if n != 1 {
				t.Errorf("%s kept %d times", id, n)
			}
		}
		equal(t, "scopes", s.Scopes, []model.Scope{{Account: "028403472736", Region: "us-east-1"}, {Account: "951601349076", Region: "us-east-1"}})
	})
}

// reflectEqual compares values that hold pointers or slices.
func reflectEqual[T any](a, b T) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
