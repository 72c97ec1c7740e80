package tfplan_test

// The plans in testdata are `terraform show -json` documents of format
// version 1.2, written by hand after the format's documentation
// (https://developer.hashicorp.com/terraform/internals/json-format:
// resource_changes[].change.{actions, before, after, after_unknown},
// planned_values, prior_state, and configuration with the references of
// every expression). They change the three-tier fixture (fixtures/
// three-tier.json), or (new-vpc.json) build a network of their own.

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/intents"
	"github.com/vpcscope/vpcscope/model/tfplan"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/impact"
)

// The three-tier fixture's interfaces.
const (
	web1a = "eni-0364e794b59237163"
	web1b = "eni-07d949c4244ceefe0"
	app1a = "eni-0b85f4124abf8284f"
	app1b = "eni-0e634e38f426aea15"
	db1a  = "eni-00e52780529f06105"
	db1b  = "eni-0317636a17ff74641"
)

// The edge firewall plan's placeholders.
const (
	ruleGroupARN = "arn:aws:network-firewall:us-east-1:111122223333:stateful-rulegroup/storefront-deny-ssh/(aws_networkfirewall_rule_group.deny_ssh)"
	firewallARN  = "arn:aws:network-firewall:us-east-1:111122223333:firewall/storefront-edge-fw/(aws_networkfirewall_firewall.edge)"
	fwEndpoint   = "vpce-(aws_networkfirewall_firewall.edge us-east-1a)"
)

func readPlan(t *testing.T, name string) *tfplan.Plan {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := tfplan.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// lines renders items one a line: "FROM -> TO proto/ports" (ICMP with
// its message).
func lines(items []impact.Item) []string {
	out := []string{}
	for _, it := range items {
		svc := it.Protocol
		if len(it.Ports) > 0 {
			var ps []string
			for _, p := range it.Ports {
				ps = append(ps, p.String())
			}
			svc += "/" + strings.Join(ps, ",")
		}
		if it.ICMP != "" {
			svc += " " + it.ICMP
		}
		out = append(out, fmt.Sprintf("%s -> %s %s", strings.Join(it.From, ","), strings.Join(it.To, ","), svc))
	}
	return out
}

func TestPlansOnTheThreeTierFixture(t *testing.T) {
	for _, c := range []struct {
		name, plan string
		alone      bool // the plan builds its network alone
		intents    string
		gained     []string
		lost       []string
		exposed    []string
		unexposed  []string // exposure lost; nil: not checked
		broke      bool
		violated   []string
		// addresses: resource ID → the Terraform addresses naming it
		addresses     map[string][]string
		placeholders  []string // "address attribute=value"
		notConsidered []string
		conflicts     int
		added         []string // resource IDs added
		removed       []string
	}{{
		// AWS VPC guide, "Security group rules" and "Network ACLs": a group
		// that admits 3306 from 0.0.0.0/0 exposes nothing while no route
		// leads to an internet gateway, no public address is associated,
		// and the db subnets' ACL admits 3306 from the app subnets only.
		name: "a security group opened to the world behind a private route exposes nothing", plan: "db-open-world.json",
		gained: []string{}, lost: []string{}, exposed: []string{},
		addresses:    map[string][]string{"sg-0a881a8838796aca3": {"aws_security_group.db", "aws_security_group_rule.db_mysql_world"}},
		placeholders: []string{}, notConsidered: []string{},
	}, {
		// the same rule, with db-1a's subnet moved to the public route
		// table (0.0.0.0/0 via the internet gateway), an Elastic IP on
		// db-1a and the db ACL opened both ways: the internet reaches 3306
		name: "the same rule with a route to the internet gateway and an Elastic IP exposes db-1a", plan: "db-open-public.json",
		gained: []string{
			"0.0.0.0/0 -> " + db1a + " tcp/3306",
			db1a + " -> 0.0.0.0/0 tcp/1024-65535",
			db1a + "," + web1a + "," + web1b + " -> " + db1b + " tcp/3306",
			db1b + " -> 0.0.0.0/0 tcp/1024-65535",
			db1b + "," + web1a + "," + web1b + " -> " + db1a + " tcp/3306",
		},
		lost: []string{}, exposed: []string{"0.0.0.0/0 -> " + db1a + " tcp/3306"}, broke: true,
		addresses: map[string][]string{
			"acl-0bbe693c8e98700d0":    {"aws_network_acl_rule.db_ephemeral_out", "aws_network_acl_rule.db_mysql_in"},
			db1a:                       {"aws_eip.db_1a"},
			"rtb-07aaa8b7560850b26":    {"aws_route_table_association.db_1a"},
			"subnet-01e2b31be9fd9bf7a": {"aws_route_table_association.db_1a"},
		},
		placeholders: []string{"aws_eip.db_1a id=eipalloc-(aws_eip.db_1a)", "aws_eip.db_1a allocation_id=eipalloc-(aws_eip.db_1a.allocation_id)",
			"aws_eip.db_1a public_ip=198.18.0.1"},
		notConsidered: []string{},
	}, {
		// AWS VPC guide, "Network ACL rules": rules are evaluated from the
		// lowest number and the first match decides; with 8000 admitted
		// from public-1a only and the ephemeral rule narrowed to
		// 32768-65535, web-1b's 8000 falls to the final deny.
		name: "a network ACL tightened breaks web-1b to the app tier", plan: "app-nacl-tightened.json", intents: "web-app.intents.yaml",
		gained: []string{}, lost: []string{web1b + " -> " + app1a + "," + app1b + " tcp/8000"}, exposed: []string{},
		broke: true, violated: []string{"the web tier reaches the app tier on 8000"},
		addresses:    map[string][]string{"acl-0d2cc4b6d822708f2": {"aws_network_acl.app"}},
		placeholders: []string{}, notConsidered: []string{},
	}, {
		// a replacement with create_before_destroy: the new NAT gateway
		// (in public-1b) exists before the old one goes, and the route
		// that named the old one names the new one (nat_gateway_id known
		// after apply, resolved through the configuration's reference)
		name: "a NAT gateway replaced create-before-destroy keeps the private subnets' egress", plan: "nat-replaced.json",
		gained: []string{}, lost: []string{}, exposed: []string{},
		addresses: map[string][]string{
			"nat-(aws_nat_gateway.private_1a)":                      {"aws_nat_gateway.private_1a"},
			"eni-(aws_nat_gateway.private_1a.network_interface_id)": {"aws_nat_gateway.private_1a"},
			"rtb-05d9ac6ee641b7b98":                                 {"aws_route.private_1a_default"},
		},
		placeholders: []string{"aws_nat_gateway.private_1a id=nat-(aws_nat_gateway.private_1a)",
			"aws_nat_gateway.private_1a network_interface_id=eni-(aws_nat_gateway.private_1a.network_interface_id)",
			"aws_nat_gateway.private_1a private_ip=10.0.1.4"},
		notConsidered: []string{},
		// by kind (model.Kind order as strings), then ID
		added:   []string{"nat-(aws_nat_gateway.private_1a)", "eni-(aws_nat_gateway.private_1a.network_interface_id)"},
		removed: []string{"nat-05351ea7ce76dbb76", "eni-045341d0aedd60780"},
	}, {
		// registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group:
		// a group's in-line rules and aws_security_group_rule resources
		// for it conflict; the answer takes both (web-1a and web-1b reach
		// 6379 through the separate rule, the app tier through the inline
		// one) and reports the conflict
		name: "inline and separate security group rules on one group are both applied and reported", plan: "cache-inline-and-separate.json",
		gained: []string{web1a + "," + web1b + "," + app1a + "," + app1b + " -> eni-(aws_instance.cache.primary_network_interface_id) tcp/6379"},
		lost:   []string{}, exposed: []string{},
		addresses: map[string][]string{
			"sg-(aws_security_group.cache)": {"aws_security_group.cache", "aws_security_group_rule.cache_from_web"},
			"i-(aws_instance.cache)":        {"aws_instance.cache"},
		},
		placeholders: []string{"aws_security_group.cache id=sg-(aws_security_group.cache)", "aws_instance.cache id=i-(aws_instance.cache)",
			"aws_instance.cache primary_network_interface_id=eni-(aws_instance.cache.primary_network_interface_id)"},
		notConsidered: []string{}, conflicts: 1,
	}, {
		name: "resources that do not shape the network are listed as not considered", plan: "unsupported.json",
		gained: []string{
			db1a + "," + db1b + "," + web1a + "," + web1b + "," + app1a + " -> " + app1b + " tcp/9100",
			db1a + "," + db1b + "," + web1a + "," + web1b + "," + app1b + " -> " + app1a + " tcp/9100",
		},
		lost: []string{}, exposed: []string{},
		addresses:     map[string][]string{"sg-01dfe7c8f9c2739ef": {"aws_security_group_rule.app_metrics"}},
		placeholders:  []string{},
		notConsidered: []string{"aws_s3_bucket.logs", "aws_iam_role.app", "aws_networkfirewall_logging_configuration.edge", "aws_cloudwatch_log_group.flow"},
	}, {
		// Network Firewall developer guide, "Simple single zone
		// architecture with an internet gateway" and "Stateful rule
		// groups": a firewall inserted between the internet gateway and
		// public-1a (an ingress route table on the gateway, the subnet's
		// default route to the endpoint, the firewall subnet's to the
		// gateway) whose stateful rule drops TCP to port 22 takes the SSH
		// exposure of web-1a away; 80 and 443 pass (default action order:
		// what no rule matches passes). The endpoint is known only after
		// apply: its placeholder is the subnet mapping's, and the routes
		// naming firewall_status resolve to it.
		name: "a Network Firewall dropping tcp/22 in front of web-1a takes its SSH exposure away", plan: "edge-firewall-ssh.json",
		gained: []string{}, lost: []string{"203.0.113.0/24 -> " + web1a + " tcp/22"},
		exposed: []string{}, unexposed: []string{"203.0.113.0/24 -> " + web1a + " tcp/22"},
		addresses: map[string][]string{
			ruleGroupARN:                        {"aws_networkfirewall_rule_group.deny_ssh"},
			firewallARN:                         {"aws_networkfirewall_firewall.edge"},
			fwEndpoint:                          {"aws_networkfirewall_firewall.edge"},
			"rtb-(aws_route_table.igw_ingress)": {"aws_route.igw_ingress_public_1a", "aws_route_table.igw_ingress", "aws_route_table_association.igw_ingress"},
			"rtb-07aaa8b7560850b26":             {"aws_route_table_association.public_1a"},
		},
		placeholders: []string{"aws_networkfirewall_firewall.edge firewall_status.sync_states[us-east-1a].attachment.endpoint_id=" + fwEndpoint,
			"aws_networkfirewall_rule_group.deny_ssh id=" + ruleGroupARN, "aws_subnet.firewall_1a id=subnet-(aws_subnet.firewall_1a)"},
		notConsidered: []string{},
	}, {
		// aws_network_interface_sg_attachment adds a group to an
		// interface (the primary one: to its instance too); a group's
		// rules admit what any of the interface's groups admits (AWS VPC
		// guide, "Security groups": "the rules from all the security
		// groups associated with the network interface are aggregated").
		// The app NACL admits 443 from 10.0.0.0/16, so the VPC's other
		// interfaces gain HTTPS to app-1b (app1a names its interface).
		name: "a security group attached to an interface opens what it admits", plan: "app-sg-attachment.json",
		gained: []string{db1a + "," + db1b + "," + web1a + "," + web1b + "," + app1b + " -> " + app1a + " tcp/443"},
		lost:   []string{}, exposed: []string{},
		addresses: map[string][]string{
			app1a:                               {"aws_network_interface_sg_attachment.app_1b_https"},
			"i-0db5ce291f3a34947":               {"aws_network_interface_sg_attachment.app_1b_https"},
			"sg-(aws_security_group.app_https)": {"aws_security_group.app_https"},
		},
		placeholders:  []string{"aws_security_group.app_https id=sg-(aws_security_group.app_https)"},
		notConsidered: []string{},
	}, {
		// a whole VPC from nothing: every ID is a placeholder, addresses
		// are the first usable of their subnets (AWS reserves the first
		// four), the public address comes from 198.18.0.0/15
		name: "a new VPC with instances is answered on placeholders", plan: "new-vpc.json", alone: true,
		gained: []string{
			"eni-(aws_instance.web.primary_network_interface_id) -> 0.0.0.0/0 icmp echo-request",
			"0.0.0.0/0 -> eni-(aws_instance.web.primary_network_interface_id) tcp/443",
			"eni-(aws_instance.web.primary_network_interface_id) -> 0.0.0.0/0 tcp/all",
			"eni-(aws_instance.web.primary_network_interface_id) -> eni-(aws_instance.db.primary_network_interface_id) tcp/5432",
			"eni-(aws_instance.web.primary_network_interface_id) -> 0.0.0.0/0 udp/all",
		},
		lost: []string{}, exposed: []string{"0.0.0.0/0 -> eni-(aws_instance.web.primary_network_interface_id) tcp/443"}, broke: true,
		addresses: map[string][]string{
			"rtb-(aws_route_table.public)": {"aws_route_table.public", "aws_route_table_association.public"},
			"sg-(aws_security_group.db)":   {"aws_security_group.db", "aws_vpc_security_group_ingress_rule.db_from_web"},
		},
		placeholders: []string{"aws_instance.web private_ip=10.60.1.4", "aws_instance.web public_ip=198.18.0.1",
			"aws_instance.db private_ip=10.60.2.4", "aws_vpc.lab main_route_table_id=rtb-(aws_vpc.lab.main_route_table_id)"},
		notConsidered: []string{},
	}} {
		t.Run(c.name, func(t *testing.T) {
			p := readPlan(t, c.plan)
			var old *model.Snapshot
			var res *tfplan.Result
			var err error
			if c.alone {
				prior, err := tfplan.Prior(p)
				if err != nil {
					t.Fatal(err)
				}
				old = prior.Snapshot
				res, err = tfplan.Apply(p, nil)
				if err != nil {
					t.Fatal(err)
				}
			} else {
				if old, err = fixtures.Load("three-tier"); err != nil {
					t.Fatal(err)
				}
				if res, err = tfplan.Apply(p, old); err != nil {
					t.Fatal(err)
				}
			}
			problems := model.Validate(res.Snapshot)
			if errs := problems.Errors(); len(errs) > 0 {
				t.Fatalf("the planned network has values AWS cannot return: %v", errs)
			}
			// placeholders are declared: validation reports none as a
			// malformed ID (the fixture's own notes stay)
			for _, n := range problems.Notes() {
				if res.IsPlaceholder(n.Resource) {
					t.Errorf("note about a placeholder: %s", n)
				}
			}
			var f *intents.File
			if c.intents != "" {
				data, err := os.ReadFile("testdata/" + c.intents)
				if err != nil {
					t.Fatal(err)
				}
				if f, err = intents.Parse(data, c.intents); err != nil {
					t.Fatal(err)
				}
			}
			rep, err := impact.Compare(reach.New(old), reach.New(res.Snapshot), impact.Options{Intents: f})
			if err != nil {
				t.Fatal(err)
			}
			// traffic of internet hosts at placeholder public addresses is
			// an artefact of the placeholder (vpcscope plan drops it too)
			for _, d := range []*impact.Delta{&rep.Reachability, &rep.Exposure} {
				drop := func(it impact.Item) bool { return res.PlaceholderPeers(it.From) || res.PlaceholderPeers(it.To) }
				d.Gained, d.Lost = slices.DeleteFunc(d.Gained, drop), slices.DeleteFunc(d.Lost, drop)
			}
			if got := lines(rep.Reachability.Gained); !slices.Equal(got, c.gained) {
				t.Errorf("gained\n%q\nwant\n%q", got, c.gained)
			}
			if got := lines(rep.Reachability.Lost); !slices.Equal(got, c.lost) {
				t.Errorf("lost\n%q\nwant\n%q", got, c.lost)
			}
			if got := lines(rep.Exposure.Gained); !slices.Equal(got, c.exposed) {
				t.Errorf("exposure gained\n%q\nwant\n%q", got, c.exposed)
			}
			if got := lines(rep.Exposure.Lost); c.unexposed != nil && !slices.Equal(got, c.unexposed) {
				t.Errorf("exposure lost\n%q\nwant\n%q", got, c.unexposed)
			}
			if rep.Broke() != c.broke {
				t.Errorf("broke %v, want %v", rep.Broke(), c.broke)
			}
			var violated []string
			for _, ic := range rep.Intents {
				if ic.NewlyViolated {
					violated = append(violated, ic.Name)
				}
			}
			if !slices.Equal(violated, c.violated) {
				t.Errorf("intents newly violated %q, want %q", violated, c.violated)
			}
			for id, want := range c.addresses {
				if got := res.AddressesOf(id); !slices.Equal(got, want) {
					t.Errorf("addresses of %s: %q, want %q", id, got, want)
				}
			}
			var ph []string
			for _, x := range res.Placeholders {
				ph = append(ph, x.Address+" "+x.Attribute+"="+x.Value)
			}
			for _, want := range c.placeholders {
				if !slices.Contains(ph, want) {
					t.Errorf("placeholder %q missing from %q", want, ph)
				}
			}
			if len(c.placeholders) == 0 && len(ph) > 0 {
				t.Errorf("placeholders %q, want none", ph)
			}
			var skipped []string
			for _, s := range res.NotConsidered {
				skipped = append(skipped, s.Address)
			}
			if !slices.Equal(skipped, c.notConsidered) && !(len(skipped) == 0 && len(c.notConsidered) == 0) {
				t.Errorf("not considered %q, want %q", skipped, c.notConsidered)
			}
			if len(res.Conflicts) != c.conflicts {
				t.Errorf("conflicts %q, want %d", res.Conflicts, c.conflicts)
			}
			if len(res.Notes) > 0 {
				t.Errorf("unexpected notes %q", res.Notes)
			}
			if c.added != nil {
				var got []string
				for _, r := range rep.Resources.Added {
					got = append(got, r.ID)
				}
				if !slices.Equal(got, c.added) {
					t.Errorf("added %q, want %q", got, c.added)
				}
			}
			if c.removed != nil {
				var got []string
				for _, r := range rep.Resources.Removed {
					got = append(got, r.ID)
				}
				if !slices.Equal(got, c.removed) {
					t.Errorf("removed %q, want %q", got, c.removed)
				}
			}
		})
	}
}

// The conflict names both resources.
func TestConflictNamesBothAddresses(t *testing.T) {
	old, err := fixtures.Load("three-tier")
	if err != nil {
		t.Fatal(err)
	}
	res, err := tfplan.Apply(readPlan(t, "cache-inline-and-separate.json"), old)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Conflicts) != 1 || res.Conflicts[0].Owner != "aws_security_group.cache" || res.Conflicts[0].Rule != "aws_security_group_rule.cache_from_web" ||
		!strings.Contains(res.Conflicts[0].Message, "does not support both") {
		t.Fatalf("conflicts %q", res.Conflicts)
	}
}

// A create-before-destroy replacement keeps the new object and the route
// that follows it, and drops the old one.
func TestCreateBeforeDestroyRouteFollowsTheNewTarget(t *testing.T) {
	old, err := fixtures.Load("three-tier")
	if err != nil {
		t.Fatal(err)
	}
	p := readPlan(t, "nat-replaced.json")
	if !p.Changes[0].CreateBeforeDestroy() {
		t.Fatalf("actions %v: want create before destroy", p.Changes[0].Actions)
	}
	res, err := tfplan.Apply(p, old)
	if err != nil {
		t.Fatal(err)
	}
	ix := model.NewIndex(res.Snapshot)
	rt, _ := ix.SubnetRouteTable("subnet-0ce9abecc3c0f8861") // app-1a
	var target model.RouteTarget
	for _, r := range rt.Routes {
		if r.DestinationString() == "0.0.0.0/0" {
			target = r.Target()
		}
	}
	if target != (model.RouteTarget{Kind: model.TargetNATGateway, ID: "nat-(aws_nat_gateway.private_1a)"}) {
		t.Errorf("app-1a's default route goes to %+v", target)
	}
	nat, ok := model.Get[*model.NATGateway](ix, "nat-(aws_nat_gateway.private_1a)")
	if !ok || nat.SubnetID != "subnet-01137421203f7d70c" || nat.Addresses[0].PublicIP.String() != "52.4.118.203" {
		t.Errorf("the new NAT gateway: %+v", nat)
	}
	if _, ok := ix.Resource("nat-05351ea7ce76dbb76"); ok {
		t.Errorf("the old NAT gateway is still there")
	}
}

func TestParseRefusesWhatIsNotAPlan(t *testing.T) {
	for _, c := range []struct{ name, doc, want string }{
		{"not JSON", `{"format_version": "1.2", `, "not JSON"},
		{"two documents", `{"format_version":"1.2","resource_changes":[]} {}`, "more than one JSON document"},
		{"no format version", `{"resource_changes": []}`, "no format_version"},
		{"another major version", `{"format_version": "2.0", "resource_changes": []}`, `format_version "2.0"`},
		{"a state, not a plan", `{"format_version": "1.0", "values": {"root_module": {}}}`, "this is a state"},
		{"a change without an address", `{"format_version": "1.2", "resource_changes": [{"type": "aws_vpc", "change": {"actions": ["create"]}}]}`, "no address"},
		{"an unknown action", `{"format_version": "1.2", "resource_changes": [{"address": "aws_vpc.a", "type": "aws_vpc", "change": {"actions": ["explode"]}}]}`, `unknown action "explode"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := tfplan.Parse([]byte(c.doc))
			if err == nil || !errors.Is(err, tfplan.ErrPlan) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v, want one line with %q", err, c.want)
			}
		})
	}
	// minor versions only add: 1.9 is read
	if _, err := tfplan.Parse([]byte(`{"format_version": "1.9", "resource_changes": []}`)); err != nil {
		t.Fatalf("format 1.9: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") {
			data, err := os.ReadFile("testdata/" + e.Name())
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte(`{"format_version":"1.0","resource_changes":[{"address":"aws_route.a","type":"aws_route","change":{"actions":["create"],"after":{"route_table_id":"rtb-1","destination_cidr_block":"x"}}}]}`))
	base, err := fixtures.Load("three-tier")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := tfplan.Parse(data)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error on more than one line: %q", err)
			}
			return
		}
		for _, b := range []*model.Snapshot{nil, base} {
			if _, err := tfplan.Apply(p, b); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := tfplan.Prior(p); err != nil {
			t.Fatal(err)
		}
	})
}

// A firewall the plan creates decides with the rule group the plan
// creates: SSH from the internet to web-1a is dropped by the stateful
// rule, blamed on the rule group whose Terraform address is known; HTTPS
// crosses the firewall through the endpoint placeholder the routes
// resolved to. Network Firewall developer guide, "Stateful rule groups"
// (https://docs.aws.amazon.com/network-firewall/latest/developerguide/stateful-rule-groups-ips.html)
// and "Route table configurations for AWS Network Firewall"
// (https://docs.aws.amazon.com/network-firewall/latest/developerguide/route-tables.html).
func TestPlannedFirewallDecidesWithThePlansRuleGroup(t *testing.T) {
	base, err := fixtures.Load("three-tier")
	if err != nil {
		t.Fatal(err)
	}
	res, err := tfplan.Apply(readPlan(t, "edge-firewall-ssh.json"), base)
	if err != nil {
		t.Fatal(err)
	}
	tcp := func(port int) reach.Query {
		return reach.Query{From: "203.0.113.10", To: web1a, Protocol: model.ProtocolTCP, Port: port}
	}
	for _, c := range []struct {
		name      string
		net       *model.Snapshot
		port      int
		verdict   reach.Outcome
		layer     reach.Layer
		resource  string
		addresses []string
		code      reach.Code
		via       string // a forward hop's detail must name it
	}{
		{name: "before the plan the security group admits SSH from 203.0.113.0/24", net: base, port: 22, verdict: reach.VerdictReachable},
		{name: "the planned firewall's stateful rule drops tcp/22 on the way in", net: res.Snapshot, port: 22,
			verdict: reach.VerdictUnreachable, layer: reach.LayerNetworkFirewall, resource: ruleGroupARN,
			addresses: []string{"aws_networkfirewall_rule_group.deny_ssh"}, code: reach.CodeFirewallStatefulDrop},
		{name: "what no stateful rule matches passes the firewall through the placeholder endpoint", net: res.Snapshot, port: 443,
			verdict: reach.VerdictReachable, via: fwEndpoint},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, err := reach.New(c.net).Reach(tcp(c.port))
			if err != nil {
				t.Fatal(err)
			}
			if a.Verdict != c.verdict {
				t.Fatalf("verdict %s, want %s (blocked %+v)", a.Verdict, c.verdict, a.Blocked)
			}
			if c.layer != "" {
				b := a.Blocked
				if b == nil || b.Layer != c.layer || b.Resource != c.resource || b.Code != c.code || b.Direction != reach.DirForward {
					t.Fatalf("blocked %+v, want %s %s %s forward", b, c.layer, c.resource, c.code)
				}
				if got := res.AddressesOf(b.Resource); !slices.Equal(got, c.addresses) {
					t.Errorf("addresses of the blocking resource %q, want %q", got, c.addresses)
				}
			}
			if c.via != "" && !slices.ContainsFunc(a.Forward, func(h reach.Hop) bool {
				return h.Layer == reach.LayerNetworkFirewall && strings.Contains(h.Detail, c.via)
			}) {
				t.Errorf("no firewall hop through %s in %+v", c.via, a.Forward)
			}
		})
	}
}
