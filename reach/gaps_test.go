package reach_test

import (
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

// TestMissingDataIsNeverGuessed removes what a live pull may fail to
// collect (IAM denies a call, an API is unsupported) and checks that the
// answers say so — verdict unknown with a caveat naming what is missing —
// instead of a confident verdict.
func TestMissingDataIsNeverGuessed(t *testing.T) {
	tests := []struct {
		name    string
		strip   func(s *model.Snapshot)
		q       reach.Query
		caveat  string
		verdict reach.Outcome
	}{
		{
			name: "network ACLs not collected (UnauthorizedOperation): the path is unverified",
			strip: func(s *model.Snapshot) {
				s.NetworkACLs = nil
				s.Gaps = append(s.Gaps, model.Gap{Account: "111122223333", Region: "us-east-1", Kind: model.KindNetworkACL,
					Operation: "DescribeNetworkAcls", Code: "UnauthorizedOperation", Reason: "not authorized"})
			},
			q:       reach.Query{From: "app-1a", To: "db-1a", Protocol: model.ProtocolTCP, Port: 3306},
			caveat:  "DescribeNetworkAcls",
			verdict: reach.VerdictUnknown,
		},
		{
			name:    "security groups not collected: the interface's groups cannot be evaluated",
			strip:   func(s *model.Snapshot) { s.SecurityGroups = nil },
			q:       reach.Query{From: "app-1a", To: "db-1a", Protocol: model.ProtocolTCP, Port: 3306},
			caveat:  "not in the snapshot",
			verdict: reach.VerdictUnknown,
		},
		{
			name:    "route tables not collected: no route can be looked up",
			strip:   func(s *model.Snapshot) { s.RouteTables = nil },
			q:       reach.Query{From: "app-1a", To: "db-1a", Protocol: model.ProtocolTCP, Port: 3306},
			caveat:  "route table",
			verdict: reach.VerdictUnknown,
		},
		{
			name:    "load balancers not collected: traffic to a load balancer's interface is unknown",
			strip:   func(s *model.Snapshot) { s.LoadBalancers, s.TargetGroups = nil, nil },
			q:       reach.Query{From: "internet", To: "3.214.66.25", Protocol: model.ProtocolTCP, Port: 443},
			caveat:  "load balancer that is not in the snapshot",
			verdict: reach.VerdictUnknown,
		},
		{
			name:    "a security group rule's blocking answer stays a block when the data is all there",
			strip:   func(s *model.Snapshot) {},
			q:       reach.Query{From: "web-1a", To: "db-1a", Protocol: model.ProtocolTCP, Port: 3306},
			verdict: reach.VerdictUnreachable,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := fixtures.Load("three-tier")
			if err != nil {
				t.Fatal(err)
			}
			tt.strip(s)
			a, err := reach.New(s).Reach(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if a.Verdict != tt.verdict || (tt.verdict != reach.VerdictReachable && a.Reachable) {
				t.Fatalf("verdict %s (reachable %v), want %s: %s", a.Verdict, a.Reachable, tt.verdict, a.Summary())
			}
			if tt.caveat == "" {
				return
			}
			for _, c := range a.Caveats {
				if strings.Contains(c, tt.caveat) {
					return
				}
			}
			t.Fatalf("no caveat mentions %q: %q", tt.caveat, a.Caveats)
		})
	}
}

// TestGatewayLoadBalancerEndpointIsNotGuessed: a route to a Gateway Load
// Balancer endpoint hands the packet to third-party appliances the
// snapshot cannot describe, so the answer is unknown and says why.
func TestGatewayLoadBalancerEndpointIsNotGuessed(t *testing.T) {
	s, err := fixtures.Load("three-tier")
	if err != nil {
		t.Fatal(err)
	}
	var rt *model.RouteTable
	for _, r := range s.RouteTables {
		if r.Name() == "storefront-public-rt" {
			rt = r
		}
	}
	if rt == nil {
		t.Fatal("three-tier has no storefront-public-rt")
	}
	vpc := rt.VPCID
	s.VPCEndpoints = append(s.VPCEndpoints, &model.VPCEndpoint{Meta: model.Meta{ID: "vpce-0gwlb00000000000a", Region: "us-east-1"},
		VPCID: vpc, Type: "GatewayLoadBalancer", ServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0firewall", State: "available"})
	for i := range rt.Routes {
		if rt.Routes[i].Destination.String() == "0.0.0.0/0" {
			rt.Routes[i] = model.Route{Destination: rt.Routes[i].Destination, GatewayID: "vpce-0gwlb00000000000a", State: "active"}
		}
	}
	a, err := reach.New(s).Reach(reach.Query{From: "web-1a", To: "93.184.216.34", Protocol: model.ProtocolTCP, Port: 443})
	if err != nil {
		t.Fatal(err)
	}
	if a.Verdict != reach.VerdictUnknown || a.Blocked == nil || a.Blocked.Resource != "vpce-0gwlb00000000000a" ||
		!strings.Contains(a.Blocked.Reason, "Gateway Load Balancer") {
		t.Fatalf("verdict %s, blocked %+v; want unknown at the GWLB endpoint", a.Verdict, a.Blocked)
	}
}
