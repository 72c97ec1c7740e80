package present_test

import (
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/model/present"
	"github.com/vpcscope/vpcscope/reach"
)

func firewallFixture(t *testing.T) (*model.Snapshot, *model.Index, *present.Presenter) {
	t.Helper()
	s, err := fixtures.Load("network-firewall")
	if err != nil {
		t.Fatal(err)
	}
	ix := model.NewIndex(s)
	return s, ix, present.New(ix, model.NewGraph(ix), nil)
}

func docOf(t *testing.T, ix *model.Index, p *present.Presenter, name string) present.Doc {
	t.Helper()
	rs := present.Find(ix, name)
	if len(rs) != 1 {
		t.Fatalf("Find(%s) = %d resources", name, len(rs))
	}
	return p.Doc(rs[0].Base().ID)
}

// TestFirewallRuleGroupsInEvaluationOrder: a stateful group in default
// action order lists its pass rules before its drop rules, a strict one
// as written, a stateless group by priority; and the trace's RuleRef
// Index of the deciding rule is the row's Index, so a renderer jumps from
// a firewall hop to the rule (Network Firewall developer guide,
// "Evaluation order for stateful rule groups" and "Defining rule actions").
func TestFirewallRuleGroupsInEvaluationOrder(t *testing.T) {
	s, ix, p := firewallFixture(t)
	spokes := docOf(t, ix, p, "central-spokes")
	if len(spokes.Sections) == 0 || !strings.Contains(spokes.Sections[0].Title, "default action order") || spokes.Sections[0].List != edit.FirewallStateful {
		t.Fatalf("sections %+v", spokes.Sections)
	}
	var actions []string
	for _, r := range spokes.Sections[0].Rules {
		actions = append(actions, r.Cells[1].Text)
	}
	if strings.Join(actions, ",") != "pass,drop,drop" {
		t.Errorf("actions in order %v, want pass first", actions)
	}
	edge := docOf(t, ix, p, "edge-web-rules")
	if !strings.Contains(edge.Sections[0].Title, "strict order") || !strings.Contains(edge.Sections[0].Rules[0].Cells[2].Text, "sid:1001") {
		t.Errorf("strict group not as written: %+v", edge.Sections[0])
	}
	vars := edge.Sections[len(edge.Sections)-1]
	if !strings.Contains(vars.Title, "Rule variables") || len(vars.Rules) == 0 {
		t.Errorf("edge-web-rules' variables are not listed: %+v", edge.Sections)
	}

	e := reach.New(s)
	a, err := e.Reach(reach.Query{From: "spoke-a-1", To: "spoke-b-1", Protocol: model.ProtocolTCP, Port: 22})
	if err != nil {
		t.Fatal(err)
	}
	if a.Blocked == nil || a.Blocked.Ref == nil || a.Blocked.Ref.Kind != reach.RefFirewallStateful {
		t.Fatalf("want a block at a stateful rule, got %+v", a.Blocked)
	}
	found := false
	for _, r := range spokes.Sections[0].Rules {
		if r.Index == a.Blocked.Ref.Index {
			found = true
			if !strings.Contains(r.Cells[2].Text, "sid:200") {
				t.Errorf("the hop's rule index %d is row %q, want sid:200", r.Index, r.Cells[2].Text)
			}
		}
	}
	if !found {
		t.Errorf("no row with the hop's index %d", a.Blocked.Ref.Index)
	}
}

// TestFirewallPolicyListsItsGroupsByPriority: a policy's stateless groups
// by priority, its stateful groups with the rule order in the title, and
// the firewalls that use it.
func TestFirewallPolicyListsItsGroupsByPriority(t *testing.T) {
	_, ix, p := firewallFixture(t)
	d := docOf(t, ix, p, "edge-policy")
	if len(d.Sections) != 2 || !strings.Contains(d.Sections[1].Title, "strict order") {
		t.Fatalf("sections %+v", d.Sections)
	}
	if r := d.Sections[0].Rules; len(r) != 1 || r[0].Cells[0].Text != "10" || r[0].Ref == "" || r[0].Cells[2].Text != "1 rule" {
		t.Errorf("stateless groups %+v", r)
	}
	used := false
	for _, f := range d.Fields {
		if f.Key == "used by" && f.RefName == "edge-fw" {
			used = true
		}
	}
	if !used {
		t.Errorf("fields %+v do not name the firewall using the policy", d.Fields)
	}
	fw := docOf(t, ix, p, "edge-fw")
	if len(fw.Sections) != 1 || len(fw.Sections[0].Rules) != 1 || fw.Sections[0].Rules[0].Ref == "" {
		t.Errorf("firewall endpoints %+v", fw.Sections)
	}
}

// TestWhatIfFirewallRuleIsMarked: a stateless rule added on the what-if
// overlay shows, marked added, at its priority.
func TestWhatIfFirewallRuleIsMarked(t *testing.T) {
	s, ix, _ := firewallFixture(t)
	ov := edit.NewOverlay(s)
	e, err := edit.Parse(ix, "edge-no-icmp stateless 5 aws:drop tcp any -> any:23")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ov.Apply(e); err != nil {
		t.Fatal(err)
	}
	p := present.New(ix, nil, ov)
	d := docOf(t, ix, p, "edge-no-icmp")
	rules := d.Sections[0].Rules
	if len(rules) != 2 || rules[0].Cells[0].Text != "5" || !rules[0].Added || rules[0].Index != 1 {
		t.Errorf("rules %+v: want the added priority 5 first, at overlay index 1", rules)
	}
}

// TestHybridKindsArePresented: a VPN connection's tunnels and a virtual
// interface's BGP peers are sections, with their state.
func TestHybridKindsArePresented(t *testing.T) {
	s, err := fixtures.Load("hybrid")
	if err != nil {
		t.Fatal(err)
	}
	ix := model.NewIndex(s)
	p := present.New(ix, nil, nil)
	for _, v := range s.VPNConnections {
		d := p.Doc(v.ID)
		if len(d.Sections) == 0 || !strings.HasPrefix(d.Sections[0].Title, "Tunnels") || len(d.Sections[0].Rules) != len(v.Tunnels) {
			t.Errorf("%s sections %+v", v.ID, d.Sections)
		}
		if !strings.Contains(present.Summary(v), "tunnels up") {
			t.Errorf("summary %q", present.Summary(v))
		}
	}
	for _, v := range s.DXVirtualInterfaces {
		if d := p.Doc(v.ID); len(d.Sections) != 1 || len(d.Sections[0].Rules) != len(v.BGPPeers) {
			t.Errorf("%s sections %+v", v.ID, d.Sections)
		}
	}
}
