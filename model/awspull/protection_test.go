package awspull

import (
	"context"
	"slices"
	"testing"

	"github.com/vpcscope/vpcscope/model"
)

// protect adds to a served snapshot an AWS WAF web ACL associated with its
// first load balancer, a Shield Advanced protection of it and an active
// subscription.
func protect(s *model.Snapshot) (acl, lb string) {
	lb = "arn:aws:elasticloadbalancing:us-east-1:" + acct + ":loadbalancer/app/none/0000000000000000"
	if len(s.LoadBalancers) > 0 {
		lb = s.LoadBalancers[0].ID
	}
	acl = "arn:aws:wafv2:" + region + ":" + acct + ":regional/webacl/storefront-waf/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
	s.WebACLs = append(s.WebACLs, &model.WebACL{Meta: model.Meta{ID: acl, Account: acct, Region: region},
		WebACLName: "storefront-waf", WebACLID: "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111", Resources: []string{lb}})
	s.ShieldProtections = append(s.ShieldProtections, &model.ShieldProtection{Meta: model.Meta{ID: "a1b2c3d4-0000-0000-0000-EXAMPLE22222", Account: acct},
		ProtectionName: "storefront-alb", ResourceARN: lb})
	s.Shield = append(s.Shield, model.ShieldState{Account: acct, Subscribed: true})
	return acl, lb
}

// TestPullReadsWAFAndShield: the pull lists the region's AWS WAF web ACLs
// (wafv2 ListWebACLs, scope REGIONAL) with the load balancers associated
// with each (ListResourcesForWebACL), the account's Shield Advanced
// protections (shield ListProtections) and its subscription state
// (GetSubscriptionState), and an empty answer still marks the web ACLs as
// read.
func TestPullReadsWAFAndShield(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		protect bool
	}{
		{"a web ACL on the load balancer, a protection, a subscription", true},
		{"none of them: read, and empty", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, snap := serve(t, "three-tier")
			var acl, lb string
			if tt.protect {
				acl, lb = protect(snap)
			}
			got, _, err := pullFrom(t, context.Background(), srv, []string{acct}, []string{region}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !got.WebACLsListed || len(got.Gaps) > 0 {
				t.Fatalf("web ACLs listed %v, gaps %v", got.WebACLsListed, got.Gaps)
			}
			st, ok := got.ShieldFor(acct)
			if !ok || st.Subscribed != tt.protect {
				t.Errorf("shield %+v %v, want subscribed %v", st, ok, tt.protect)
			}
			if !tt.protect {
				if len(got.WebACLs)+len(got.ShieldProtections) > 0 {
					t.Errorf("web ACLs %v, protections %v", got.WebACLs, got.ShieldProtections)
				}
				return
			}
			if len(got.WebACLs) != 1 || got.WebACLs[0].ID != acl || !slices.Equal(got.WebACLs[0].Resources, []string{lb}) || got.WebACLs[0].WebACLName != "storefront-waf" {
				t.Errorf("web ACLs %+v", got.WebACLs)
			}
			if len(got.ShieldProtections) != 1 || got.ShieldProtections[0].ResourceARN != lb {
				t.Errorf("protections %+v", got.ShieldProtections)
			}
		})
	}
}
