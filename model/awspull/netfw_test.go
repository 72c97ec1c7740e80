package awspull

import (
	"context"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/awspull/fakeaws"
	"github.com/vpcscope/vpcscope/reach"
)

// TestFirewallAndHybridPullFollowPages: AWS Network Firewall's List*
// calls (NextToken), the Direct Connect listings (nextToken) and
// DescribeVpcEndpointServiceConfigurations are followed page by page, one
// item a page, and every resource comes back as the fixture has it.
func TestFirewallAndHybridPullFollowPages(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"network-firewall", "hybrid"} {
		srv, want := serve(t, name)
		srv.SetPageSize(1)
		got, events, err := pullFrom(t, context.Background(), srv, []string{acct}, []string{region}, fast)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Gaps) > 0 {
			t.Errorf("%s: gaps %v", name, got.Gaps)
		}
		sameResources(t, got, want)
		for _, op := range []string{"ListRuleGroups", "ListFirewalls", "ListFirewallPolicies", "DescribeDirectConnectGateways"} {
			e := last(events, op)
			if !e.Done {
				t.Errorf("%s: %s never finished: %+v", name, op, e)
			}
		}
		calls := srv.Calls()
		if name == "network-firewall" && (calls["network-firewall:ListRuleGroups"] < len(want.FirewallRuleGroups) || calls["network-firewall:DescribeRuleGroup"] != len(want.FirewallRuleGroups)) {
			t.Errorf("calls %v: want a page per rule group and one DescribeRuleGroup each", calls)
		}
	}
}

// TestDeniedRuleGroupsAreAGap: a role that may not call
// network-firewall:ListRuleGroups leaves a gap naming the action to
// grant, the rest of the account is pulled, and the engine says the
// firewall's rules cannot be evaluated instead of guessing.
func TestDeniedRuleGroupsAreAGap(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, "network-firewall")
	srv.AddFault(fakeaws.Fault{Service: "network-firewall", Action: "ListRuleGroups", Code: "AccessDeniedException", Status: 400})
	got, _, err := pullFrom(t, context.Background(), srv, []string{acct}, []string{region}, fast)
	if err != nil {
		t.Fatal(err)
	}
	var gap *model.Gap
	for i, g := range got.Gaps {
		if g.Kind == model.KindFirewallRuleGroup {
			gap = &got.Gaps[i]
		}
	}
	if gap == nil || gap.Code != "AccessDeniedException" || !strings.Contains(gap.Reason, "grant network-firewall:ListRuleGroups") {
		t.Fatalf("gaps %v, want the rule groups' denial", got.Gaps)
	}
	if len(got.NetworkFirewalls) != 3 || len(got.FirewallPolicies) != 3 || len(got.FirewallRuleGroups) != 0 {
		t.Errorf("pulled %d firewalls, %d policies, %d rule groups", len(got.NetworkFirewalls), len(got.FirewallPolicies), len(got.FirewallRuleGroups))
	}
	a, err := reach.New(got).Reach(reach.Query{From: "spoke-a-1", To: "spoke-b-1", Protocol: model.ProtocolTCP, Port: 22})
	if err != nil {
		t.Fatal(err)
	}
	if a.Verdict != reach.VerdictUnknown || !strings.Contains(strings.Join(a.Caveats, " "), "ListRuleGroups") {
		t.Errorf("verdict %s, caveats %q: want unknown naming the denied call", a.Verdict, a.Caveats)
	}
}
