package intent_test

import (
	"cmp"
	"slices"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model/intents"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/intent"
)

// TestIntentsOnTheDemo checks statements whose answers follow by hand
// from the fixtures' design (fixtures/README.md): storefront's web tier
// takes SSH from the corporate range 203.0.113.0/24 only; the dev spoke
// is isolated from the prod spoke by the transit gateway's route tables;
// the app tier reaches the database on 3306; on-premises networks are not
// declared.
func TestIntentsOnTheDemo(t *testing.T) {
	s, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	e := reach.New(s)
	f, err := intents.Parse([]byte(`intents:
  - name: ssh from the internet
    deny: {from: internet, to: "vpc:storefront-prod", port: tcp/22}
  - name: dev isolated from prod
    deny: {from: "vpc:dev-spoke", to: "vpc:prod-spoke"}
  - name: corporate ssh is allowed
    allow: {from: "cidr:203.0.113.0/24", to: "vpc:storefront-prod and subnet:storefront-public-1a", port: tcp/22}
  - name: the datacenter
    deny: {from: "onprem:dc", to: any}
  - name: only the app tier reaches the database
    only: {from: "vpc:storefront-prod and not internet", to: "subnet:storefront-db-1a", port: tcp/3306}
`), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rs, err := intent.NewChecker(e).Check(f)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]intent.Status{
		"ssh from the internet":    intent.Violated,
		"dev isolated from prod":   intent.Holds,
		"corporate ssh is allowed": intent.Holds,
		"the datacenter":           intent.Unknown,
	}
	for _, r := range rs {
		if w, ok := want[r.Name]; ok && r.Status != w {
			t.Errorf("%s: %s, want %s (%+v)", r.Name, r.Status, w, r.Violations)
		}
	}
	// the violating set is exactly the corporate range, on 22, to both web servers
	ssh := rs[0]
	if len(ssh.Violations) != 1 || !slices.Equal(ssh.Violations[0].From, []string{"203.0.113.0/24"}) || len(ssh.Violations[0].To) != 2 ||
		ssh.Violations[0].Ports[0].From != 22 || ssh.Violations[0].Ports[0].To != 22 {
		t.Errorf("ssh violations %+v", ssh.Violations)
	}
	if w := ssh.Violations[0].Witness; w == nil || !w.Reachable {
		t.Errorf("the witness of a reached violation must be a reachable trace: %+v", w)
	}
	if rs[3].Reason == "" {
		t.Errorf("an unknown intent says why")
	}
}

// TestOnPremIntentsOnHybrid: with the hybrid fixture's networks declared
// (reach.Engine.WithOnPrem, as --onprem declares them), onprem:NAME
// selectors answer exactly as senders. By hand from fixtures/hybrid.json
// and its scenarios: the datacenter (10.200.0.0/16) enters over hq-vpn and
// corp-vgw into corp-app-vpc, where hq-db-sg admits 5432 and ICMP from it
// and nothing else; the campus (10.210.0.0/16) enters over the Direct
// Connect gateway and corp-tgw into the analytics VPC, where only
// analytics-1 admits 443 from it. What lies beyond the link is not in the
// snapshot, which every answer says.
// https://docs.aws.amazon.com/vpn/latest/s2svpn/VPC_VPN.html
// https://docs.aws.amazon.com/directconnect/latest/UserGuide/direct-connect-transit-gateways.html
func TestOnPremIntentsOnHybrid(t *testing.T) {
	s, err := fixtures.Load("hybrid")
	if err != nil {
		t.Fatal(err)
	}
	var nets []reach.OnPremNetwork
	for _, spec := range []string{"datacenter=10.200.0.0/16", "campus=10.210.0.0/16"} {
		n, err := reach.ParseOnPrem(spec)
		if err != nil {
			t.Fatal(err)
		}
		nets = append(nets, n)
	}
	e, err := reach.New(s).WithOnPrem(nets)
	if err != nil {
		t.Fatal(err)
	}
	eniOf := func(name string) string {
		for _, n := range s.NetworkInterfaces {
			if in := e.Index().Instance(n.InstanceID()); in != nil && in.Name() == name {
				return n.ID
			}
		}
		t.Fatalf("no interface of %s", name)
		return ""
	}
	type violation struct {
		from, to, service string
	}
	for _, c := range []struct {
		name, statement string
		status          intent.Status
		violations      []violation
		reason          string
	}{{
		name:      "the datacenter reaches hq-db-1 on 5432 over the VPN (hq-db-sg admits 5432 from 10.200.0.0/16)",
		statement: `deny: {from: "onprem:datacenter", to: any, port: tcp/5432}`,
		status:    intent.Violated, violations: []violation{{"10.200.0.0/16", eniOf("hq-db-1"), "tcp/5432"}},
	}, {
		name:      "the datacenter pings hq-db-1 and reaches it on 5432, nothing else",
		statement: `deny: {from: "onprem:datacenter", to: any}`,
		status:    intent.Violated, violations: []violation{{"10.200.0.0/16", eniOf("hq-db-1"), "icmp"}, {"10.200.0.0/16", eniOf("hq-db-1"), "tcp/5432"}},
	}, {
		name:      "hq-db-sg refuses SSH from the datacenter",
		statement: `deny: {from: "onprem:datacenter", to: any, port: tcp/22}`,
		status:    intent.Holds,
	}, {
		name:      "the campus reaches analytics-1 on 443 over Direct Connect and the transit gateway",
		statement: `deny: {from: "onprem:campus", to: any, port: tcp/443}`,
		status:    intent.Violated, violations: []violation{{"10.210.0.0/16", eniOf("analytics-1"), "tcp/443"}},
	}, {
		name:      "only from the campus: that every campus packet gets through is not checked yet",
		statement: `only: {from: "onprem:campus", to: "tag:Name=analytics-1", port: tcp/443}`,
		status:    intent.Unknown, reason: "every packet from on-premises networks",
	}, {
		name:      "only from the datacenter: unknown for the same reason",
		statement: `only: {from: "onprem:datacenter", to: "tag:Name=hq-db-1", port: tcp/5432}`,
		status:    intent.Unknown, reason: "every packet from on-premises networks",
	}, {
		// the datacenter is one of the others; analytics-1 has no route
		// back through corp-tgw's route table to corp-app-vpc
		name:      "only analytics-1 reaches hq-db-1 on 5432: the datacenter does too, analytics-1 does not",
		statement: `only: {from: "tag:Name=analytics-1", to: "tag:Name=hq-db-1", port: tcp/5432}`,
		status:    intent.Violated, violations: []violation{{eniOf("analytics-1"), eniOf("hq-db-1"), "tcp/5432"}, {"10.200.0.0/16", eniOf("hq-db-1"), "tcp/5432"}},
	}, {
		name:      "traffic toward an on-premises network is not checked yet",
		statement: `deny: {from: any, to: "onprem:datacenter"}`,
		status:    intent.Unknown, reason: "toward on-premises networks",
	}, {
		name:      "an undeclared network is unknown",
		statement: `deny: {from: "onprem:branch", to: any}`,
		status:    intent.Unknown, reason: "branch is not declared",
	}} {
		t.Run(c.name, func(t *testing.T) {
			f, err := intents.Parse([]byte("intents:\n  - name: x\n    "+c.statement+"\n"), "t.yaml")
			if err != nil {
				t.Fatal(err)
			}
			rs, err := intent.NewChecker(e).Check(f)
			if err != nil {
				t.Fatal(err)
			}
			r := rs[0]
			if r.Status != c.status {
				t.Fatalf("%s (%s), want %s: %+v", r.Status, r.Reason, c.status, r.Violations)
			}
			if c.reason != "" && !strings.Contains(r.Reason, c.reason) {
				t.Errorf("reason %q, want it to say %q", r.Reason, c.reason)
			}
			if c.violations == nil {
				return
			}
			var got []violation
			for _, v := range r.Violations {
				svc := v.Protocol
				for i, p := range v.Ports {
					svc += map[bool]string{true: "/", false: ","}[i == 0] + p.String()
				}
				got = append(got, violation{strings.Join(v.From, ","), strings.Join(v.To, ","), svc})
				if v.Witness == nil || v.Witness.Reachable != (v.Kind == "reached") {
					t.Errorf("%+v: the witness is not the point answer of a %s packet", v, v.Kind)
				}
			}
			slices.SortFunc(got, func(a, b violation) int {
				return cmp.Or(strings.Compare(a.service, b.service), strings.Compare(b.from, a.from))
			})
			if !slices.Equal(got, c.violations) {
				t.Errorf("violations %v, want %v", got, c.violations)
			}
			if !slices.ContainsFunc(r.Caveats, func(s string) bool { return strings.Contains(s, "not in the snapshot") }) {
				t.Errorf("caveats %q do not say what lies beyond the link is unknown", r.Caveats)
			}
		})
	}
}
