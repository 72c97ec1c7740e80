package reach_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

// TestTransitGatewayApplianceMode checks AWS's rule for inspection VPCs:
// with appliance mode on, the transit gateway keeps both directions of a
// flow in one AZ of the attachment, so the same firewall sees request and
// reply; with it off, a reply from another AZ takes that AZ's firewall,
// which the answer reports as a caveat.
func TestTransitGatewayApplianceMode(t *testing.T) {
	q := reach.Query{From: "prod-api-1b", To: "dns-resolver-1a", Protocol: model.ProtocolTCP, Port: 53}
	tests := []struct {
		name      string
		appliance bool
		wantHop   string
		wantCav   string
	}{
		{"appliance mode keeps the reply in the request's AZ", true, "appliance mode keeps the reply in the request's AZ", ""},
		{"without appliance mode the reply crosses another AZ's appliance", false, "", "without appliance mode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := fixtures.Load("hub-and-spoke")
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, a := range s.TGWAttachments {
				if a.Name() == "inspection-attach" {
					a.ApplianceModeSupport, found = tt.appliance, true
				}
			}
			if !found {
				t.Fatal("hub-and-spoke has no inspection-attach")
			}
			a, err := reach.New(s).Reach(q)
			if err != nil {
				t.Fatal(err)
			}
			if !a.Reachable {
				t.Fatalf("want reachable: %s", a.Summary())
			}
			if tt.wantHop != "" {
				ok := false
				for _, h := range a.Return {
					ok = ok || strings.Contains(h.Detail, tt.wantHop)
				}
				if !ok {
					t.Errorf("no return hop says %q", tt.wantHop)
				}
			}
			cav := strings.Join(a.Caveats, "\n")
			if tt.wantCav != "" && !strings.Contains(cav, tt.wantCav) {
				t.Errorf("caveats lack %q:\n%s", tt.wantCav, cav)
			}
			if tt.wantCav == "" && strings.Contains(cav, "without appliance mode") {
				t.Errorf("appliance mode on, yet an asymmetry caveat:\n%s", cav)
			}
		})
	}
}

// TestLoadBalancerSendsOnlyToHealthyTargets: with healthy targets in a
// group, a load balancer routes only to them; with none healthy it fails
// open and tries every registered target.
func TestLoadBalancerSendsOnlyToHealthyTargets(t *testing.T) {
	q := reach.Query{From: "internet", To: "storefront-alb", Protocol: model.ProtocolTCP, Port: 443}
	tests := []struct {
		name          string
		health        [2]string // web-1a, web-1b
		blockWeb1b    bool
		wantReachable bool
	}{
		{"both healthy: a blocked target is skipped for the other", [2]string{"healthy", "healthy"}, true, true},
		{"only the blocked target is healthy: it is the only one used", [2]string{"unhealthy", "healthy"}, true, false},
		{"none healthy: ELB fails open to every target", [2]string{"unhealthy", "unhealthy"}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := fixtures.Load("three-tier")
			if err != nil {
				t.Fatal(err)
			}
			tg := s.TargetGroups[0]
			for i := range tg.Targets {
				tg.Targets[i].HealthState = tt.health[i]
			}
			if tt.blockWeb1b {
				// web-1b leaves the web security group for one that admits nothing.
				for _, n := range s.NetworkInterfaces {
					if n.InstanceID() == tg.Targets[1].ID {
						n.SecurityGroupIDs = []string{"sg-0a881a8838796aca3"} // storefront-db-sg: 3306 from the app tier only
					}
				}
			}
			a, err := reach.New(s).Reach(q)
			if err != nil {
				t.Fatal(err)
			}
			if a.Reachable != tt.wantReachable {
				t.Fatalf("reachable %v, want %v: %s", a.Reachable, tt.wantReachable, a.Summary())
			}
		})
	}
}

// TestRedirectListenerAnswersItself: an HTTP listener that redirects to
// HTTPS (or sends a fixed response) is answered by the load balancer.
func TestRedirectListenerAnswersItself(t *testing.T) {
	s, err := fixtures.Load("three-tier")
	if err != nil {
		t.Fatal(err)
	}
	lb := s.LoadBalancers[0]
	lb.Listeners = append(lb.Listeners, model.Listener{ARN: lb.ID + "/listener-80", Port: 80, Protocol: "HTTP",
		DefaultActions: []model.ListenerAction{{Type: "redirect"}}})
	for _, sg := range s.SecurityGroups {
		if slices.Contains(lb.SecurityGroupIDs, sg.ID) {
			sg.Ingress = append(sg.Ingress, model.SGRule{Protocol: model.ProtocolTCP, FromPort: 80, ToPort: 80, CIDR: netip.MustParsePrefix("0.0.0.0/0")})
		}
	}
	a, err := reach.New(s).Reach(reach.Query{From: "internet", To: "storefront-alb", Protocol: model.ProtocolTCP, Port: 80})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Reachable {
		t.Fatalf("want the load balancer to answer its redirect listener: %s", a.Summary())
	}
}
