package edit_test

import (
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/reach"
)

// TestWhatIfFirewallRules: a firewall rule disabled, replaced or added
// changes the answers the way Network Firewall would (Network Firewall
// developer guide, "Strict evaluation order": rules in the order given;
// "Defining rule actions": stateless rules by priority), and each edit
// survives a round trip through text.
func TestWhatIfFirewallRules(t *testing.T) {
	snap, err := fixtures.Load("network-firewall")
	if err != nil {
		t.Fatal(err)
	}
	ix := model.NewIndex(snap)
	for _, tt := range []struct {
		name      string
		edits     []string
		from, to  string
		proto     model.Protocol
		port      int
		reachable bool
		rule      string // a fragment of the deciding rule when blocked
	}{
		{"disabling the drop of plain HTTP leaves it to the default drop", []string{"disable edge-web-rules stateful 1"},
			"198.51.100.7", "54.210.44.10", model.ProtocolTCP, 80, false, "aws:drop_strict"},
		{"a pass rule added in strict order lets SSH in", []string{`edge-web-rules stateful pass tcp any any -> $WEB 22 (msg:"admin #1"; sid:1010;)`},
			"198.51.100.7", "54.210.44.10", model.ProtocolTCP, 22, true, ""},
		{"replacing the standard rule that drops SSH with a pass", []string{"replace shop-east-west stateful 1 with pass tcp 10.40.10.0/24 any -> 10.40.20.0/24 22 (sid:2001;)"},
			"shop-app-1", "shop-db-1", model.ProtocolTCP, 22, true, ""},
		{"disabling the stateless ICMP drop leaves ping to the stateful engine", []string{"disable edge-no-icmp stateless 10"},
			"198.51.100.7", "54.210.44.10", model.ProtocolICMP, 0, false, "aws:drop_strict"},
		{"a stateless drop added at a higher priority wins", []string{"shop-no-udp-from-db stateless 5 aws:drop tcp 10.40.10.0/24 -> any:5432"},
			"shop-app-1", "shop-db-1", model.ProtocolTCP, 5432, false, "priority 5"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, o, err := edit.Assume(snap, ix, tt.edits)
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range o.Edits() {
				again, err := edit.Parse(ix, e)
				if err != nil || again.String() != e {
					t.Errorf("edit %d does not round-trip: %q -> %q (%v)", i, e, again.String(), err)
				}
			}
			a, err := reach.New(s).Reach(reach.Query{From: tt.from, To: tt.to, Protocol: tt.proto, Port: tt.port})
			if err != nil {
				t.Fatal(err)
			}
			if a.Reachable != tt.reachable {
				t.Fatalf("reachable = %v, want %v: %s", a.Reachable, tt.reachable, a.Summary())
			}
			if tt.rule != "" && (a.Blocked == nil || !strings.Contains(a.Blocked.Rule, tt.rule)) {
				t.Errorf("blocked %+v, want rule %q", a.Blocked, tt.rule)
			}
			if a0, _ := reach.New(snap).Reach(reach.Query{From: tt.from, To: tt.to, Protocol: tt.proto, Port: tt.port}); a0.Reachable == tt.reachable && tt.reachable {
				t.Errorf("the snapshot itself already answers %v: the edit changed nothing", tt.reachable)
			}
		})
	}
}

// TestFirewallEditsAreRefusedWithAReason: stateless priorities are unique
// in a group (Network Firewall API reference, StatelessRule), rules must
// exist to be changed, the list must fit the group's type, and a rule
// string must parse.
func TestFirewallEditsAreRefusedWithAReason(t *testing.T) {
	snap, err := fixtures.Load("network-firewall")
	if err != nil {
		t.Fatal(err)
	}
	ix := model.NewIndex(snap)
	for _, tt := range []struct{ edit, want string }{
		{"edge-no-icmp stateless 10 aws:drop tcp any -> any:22", "already has a stateless rule of priority 10"},
		{"disable edge-no-icmp stateless 99", "has no stateless rule of priority 99"},
		{"disable edge-web-rules stateful 9", "has no stateful rule 9 (it has 3)"},
		{"edge-no-icmp stateful pass tcp any any -> any 22 (sid:1;)", "is a stateless rule group"},
		{"edge-web-rules stateful dorp tcp any any -> any 22 (sid:1;)", "unknown action"},
		{"central-egress-domains stateful pass tcp any any -> any 22 (sid:1;)", "domain list"},
		{"edge-no-icmp stateless 20 aws:maybe tcp any -> any", "want aws:pass, aws:drop or aws:forward_to_sfe"},
	} {
		_, _, err := edit.Assume(snap, ix, []string{tt.edit})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: err %v, want %q", tt.edit, err, tt.want)
		}
	}
}
