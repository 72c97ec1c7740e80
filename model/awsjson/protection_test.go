package awsjson

import (
	"slices"
	"testing"
)

// TestWAFAndShield: `aws wafv2 list-web-acls --scope REGIONAL` output
// becomes WebACL resources (and marks the web ACLs as read, even when
// empty); WebACLResources — list-resources-for-web-acl output, which does
// not name its web ACL, with the ACL's ARN beside it — associates
// resources with them; `aws shield list-protections` output becomes
// ShieldProtection resources and `aws shield get-subscription-state`
// output records the account's subscription.
func TestWAFAndShield(t *testing.T) {
	const acl = "arn:aws:wafv2:us-east-1:111122223333:regional/webacl/storefront-waf/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
	const alb = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/storefront-alb/50dc6c495c0c9188"
	tests := []struct {
		name       string
		docs       map[string]string
		acls       int
		resources  []string
		listed     bool
		protected  []string
		subscribed *bool
	}{
		{"a web ACL and the load balancer associated with it", map[string]string{
			"waf.json":           `{"WebACLs": [{"Name": "storefront-waf", "Id": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111", "ARN": "` + acl + `", "LockToken": "x", "Description": ""}]}`,
			"waf-resources.json": `{"WebACLResources": [{"WebACLArn": "` + acl + `", "ResourceArns": ["` + alb + `"]}]}`,
		}, 1, []string{alb}, true, nil, nil},
		{"an empty list-web-acls output: the account has none", map[string]string{"waf.json": `{"WebACLs": []}`}, 0, nil, true, nil, nil},
		{"resources of a web ACL list-web-acls did not show: the ACL comes from its ARN", map[string]string{
			"waf-resources.json": `{"WebACLResources": [{"WebACLArn": "` + acl + `", "ResourceArns": ["` + alb + `"]}]}`,
		}, 1, []string{alb}, false, nil, nil},
		{"Shield Advanced protections and an active subscription", map[string]string{
			"protections.json": `{"Protections": [{"Id": "a1b2c3d4-0000-0000-0000-EXAMPLE22222", "Name": "alb", "ResourceArn": "` + alb + `", "ProtectionArn": "arn:aws:shield::111122223333:protection/a1b2c3d4-0000-0000-0000-EXAMPLE22222"}]}`,
			"shield.json":      `{"SubscriptionState": "ACTIVE"}`,
		}, 0, nil, false, []string{alb}, ptrTo(true)},
		{"no subscription", map[string]string{"shield.json": `{"SubscriptionState": "INACTIVE"}`}, 0, nil, false, nil, ptrTo(false)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im := NewImporter()
			for name, doc := range tt.docs {
				if err := im.AddDocument("111122223333", "us-east-1", name, []byte(doc)); err != nil {
					t.Fatal(err)
				}
			}
			snap, rep := im.Snapshot()
			if len(rep.Skipped) > 0 {
				t.Errorf("skipped %v", rep.Skipped)
			}
			if len(snap.WebACLs) != tt.acls || snap.WebACLsListed != tt.listed {
				t.Fatalf("%d web ACLs, listed %v; want %d, %v", len(snap.WebACLs), snap.WebACLsListed, tt.acls, tt.listed)
			}
			if tt.acls > 0 {
				w := snap.WebACLs[0]
				if w.ID != acl || w.WebACLName != "storefront-waf" || w.Account != "111122223333" || !slices.Equal(w.Resources, tt.resources) {
					t.Errorf("web ACL %+v", w)
				}
			}
			var protected []string
			for _, p := range snap.ShieldProtections {
				protected = append(protected, p.ResourceARN)
			}
			if !slices.Equal(protected, tt.protected) {
				t.Errorf("protected %v, want %v", protected, tt.protected)
			}
			st, ok := snap.ShieldFor("111122223333")
			if (tt.subscribed != nil) != ok || (ok && st.Subscribed != *tt.subscribed) {
				t.Errorf("shield %+v %v, want %v", st, ok, tt.subscribed)
			}
		})
	}
}

func ptrTo[T any](v T) *T { return &v }
