package model_test

import (
	"encoding/json"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
)

// FuzzValidate decodes arbitrary JSON into a Snapshot (the snapshot file
// shape, without the schema check) and validates it. Validate must not
// panic; and a snapshot it accepts (no errors) must index, graph and
// render without panicking, with every rule's ports and ICMP selector in
// range — what the engine relies on.
func FuzzValidate(f *testing.F) {
	// Each fixture cut to two resources of a kind: small seeds keep the
	// mutations (and the minimisation of what they find) fast.
	for _, name := range fixtures.Names() {
		s, err := fixtures.Load(name)
		if err != nil {
			f.Fatal(err)
		}
		data, err := json.Marshal(firstTwo(s))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	// The crafted inputs of issue 8.
	for _, seed := range []string{
		`{"schema":1,"vpcs":[null]}`,
		`{"subnets":[null,{"id":"subnet-1"}],"networkInterfaces":[null]}`,
		`{"securityGroups":[{"id":"sg-1","ingress":[{"protocol":"tcp","fromPort":8080,"toPort":80,"cidr":"0.0.0.0/0"}]}]}`,
		`{"securityGroups":[{"id":"sg-1","ingress":[{"protocol":"tcp","fromPort":-1,"toPort":-1,"cidr":"10.0.0.1/8"}]}]}`,
		`{"securityGroups":[{"id":"sg-1","ingress":[{"protocol":"icmp","fromPort":65544,"toPort":-1,"cidr":"::/0"}]}]}`,
		`{"networkAcls":[{"id":"acl-1","entries":[{"ruleNumber":-5,"protocol":"tcp","action":"allow","cidr":"0.0.0.0/0","portRange":{"from":443,"to":80}}]}]}`,
		`{"networkAcls":[{"id":"acl-1","entries":[{"ruleNumber":32767,"protocol":"all","action":"allow","cidr":"::/0","icmp":{"type":300,"code":-9}}]}]}`,
		`{"vpcs":[{"id":"vpc-1","cidrs":["::/0"],"ipv6Cidrs":["10.0.0.0/8"]}]}`,
		`{"vpcs":[{"id":"vpc-1","cidrs":["10.0.0.0/16"]}],"subnets":[{"id":"subnet-1","vpcId":"vpc-1","cidr":"10.0.0.0/24"},{"id":"subnet-2","vpcId":"vpc-1","cidr":"10.0.0.0/23"}],` +
			`"networkInterfaces":[{"id":"eni-1","vpcId":"vpc-1","subnetId":"subnet-9","privateIps":[{"address":"10.0.0.5"}]},{"id":"eni-2","vpcId":"vpc-1","subnetId":"subnet-1","privateIps":[{"address":"10.0.0.5","publicIp":"fe80::1%eth0"}]}]}`,
		`{"routeTables":[{"id":"rtb-1","vpcId":"vpc-1","routes":[{"destination":"10.0.0.0/8","natGatewayId":"nat-gone"},{"destinationPrefixListId":"pl-1"}],"associations":[{"main":true}]}]}`,
		`{"loadBalancers":[{"id":"arn:aws:elasticloadbalancing:x","listeners":[{"port":70000}],"availabilityZones":[{"addresses":[{"ipAddress":"::1"}]}]}],"targetGroups":[{"id":"tg","targets":[{"id":"i-1","port":-3}]}]}`,
		`{"prefixLists":[{"id":"pl-1","addressFamily":"IPv4","entries":[{"cidr":"::/0"},{"cidr":""}]}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s model.Snapshot
		if json.Unmarshal(data, &s) != nil {
			return
		}
		ps := model.Validate(&s)
		_ = ps.Err()
		for _, p := range ps {
			_ = p.String()
		}
		if len(ps.Errors()) > 0 {
			return
		}
		ix := model.NewIndex(&s)
		model.NewGraph(ix)
		for _, g := range s.SecurityGroups {
			for _, r := range append(append([]model.SGRule(nil), g.Ingress...), g.Egress...) {
				_ = r.String()
				if p := r.Ports(); r.Protocol.HasPorts() && p.From > p.To {
					t.Fatalf("accepted rule %s of %s has ports %d-%d", r.String(), g.ID, p.From, p.To)
				}
				if ic := r.ICMP(); r.Protocol.IsICMP() && (ic.Type < -1 || ic.Type > 255 || ic.Code < -1 || ic.Code > 255) {
					t.Fatalf("accepted rule of %s selects ICMP %+v", g.ID, ic)
				}
			}
		}
		for _, a := range s.NetworkACLs {
			for _, e := range a.Entries {
				_ = e.String()
				if p := e.Ports(); p.From > p.To {
					t.Fatalf("accepted entry %s of %s has ports %d-%d", e.String(), a.ID, p.From, p.To)
				}
				if e.RuleNumber < 1 || e.RuleNumber > model.DefaultRuleNumberIPv6 {
					t.Fatalf("accepted entry of %s has rule number %d", a.ID, e.RuleNumber)
				}
			}
		}
		for _, rt := range s.RouteTables {
			for _, r := range rt.Routes {
				_ = r.Target()
				_ = r.DestinationString()
			}
		}
		for _, n := range s.NetworkInterfaces {
			for _, ip := range n.PrivateIPs {
				ix.SubnetFor(n.VPCID, ip.Address)
				ix.Find(ip.Address.String())
			}
		}
	})
}

// firstTwo returns the snapshot with at most two resources of each kind.
func firstTwo(s *model.Snapshot) *model.Snapshot {
	out := &model.Snapshot{Schema: s.Schema, Scopes: s.Scopes}
	n := make(map[model.Kind]int)
	for r := range s.All() {
		if n[r.Kind()] < 2 {
			n[r.Kind()]++
			_ = out.Add(r)
		}
	}
	return out
}
