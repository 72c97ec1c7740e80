package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/snapfile"
)

// TestInspectReadsLikeTheExplorerDetail: inspect prints a resource from
// the explorer's presenter (model/present): names beside IDs, fields
// without Go map syntax, relations read from the resource, the same
// section titles as the detail view, and the group-name lookup.
func TestInspectReadsLikeTheExplorerDetail(t *testing.T) {
	s, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	defaults := 0
	for _, g := range s.SecurityGroups {
		if g.GroupName == "default" {
			defaults++
		}
	}
	for _, tt := range []struct {
		name    string
		args    []string
		want    []string
		notWant []string
	}{
		{"a field names the resource beside its ID", []string{"storefront-db-sg"},
			[]string{"vpc                vpc-0ed7c08ef5c77deaa  storefront-prod", "Inbound rules", "Relations"}, nil},
		{"a rule's peer group is named beside its ID", []string{"storefront-db-sg"},
			[]string{"tcp/3306        from sg-01dfe7c8f9c2739ef storefront-app-sg"}, nil},
		{"a transit gateway attachment has no Go map syntax", []string{"tgw-attach-02055e5ecf88bf68d"},
			[]string{"route table"}, []string{"{", "routeTableId="}},
		{"a subnet is contained in its VPC, not 'referenced by: contains'", []string{"storefront-public-1a"},
			[]string{"← contained in     vpc"}, []string{"referenced by:"}},
		{"network ACL entries in rule order with the default last", []string{"storefront-db-nacl"},
			[]string{"Inbound entries (evaluated in rule order, first match wins)"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runMain(t, "", append([]string{"inspect", "--demo"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out, w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
		})
	}
	t.Run("inspect default lists every group named default", func(t *testing.T) {
		code, out, errOut := runMain(t, "", "inspect", "--demo", "default")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if got := strings.Count(out, "security-group default ("); got != defaults || defaults == 0 {
			t.Errorf("%d groups named default printed, want %d:\n%s", got, defaults, out)
		}
	})
}

// TestInspectShowsBothSidesOfAPeeringAttachment: a transit gateway peering
// attachment collected from both of its accounts (each account's
// DescribeTransitGatewayAttachments returns it, with its own gateway and
// route table) is one resource with two sides in text, and two records in
// JSON — before, only the first account's side could be seen.
func TestInspectShowsBothSidesOfAPeeringAttachment(t *testing.T) {
	s := &model.Snapshot{Schema: model.SchemaVersion, Scopes: []model.Scope{{Account: "111111111111", Region: "us-east-1"}, {Account: "222222222222", Region: "us-east-2"}}}
	s.TransitGateways = []*model.TransitGateway{
		{Meta: model.Meta{ID: "tgw-0000000000000000a", Account: "111111111111", Region: "us-east-1"}, State: "available"},
		{Meta: model.Meta{ID: "tgw-0000000000000000b", Account: "222222222222", Region: "us-east-2"}, State: "available"},
	}
	s.TGWAttachments = []*model.TGWAttachment{
		{Meta: model.Meta{ID: "tgw-attach-00000000000000001", Account: "111111111111", Region: "us-east-1"}, TransitGatewayID: "tgw-0000000000000000a",
			ResourceType: "peering", ResourceID: "tgw-0000000000000000b", ResourceOwnerID: "222222222222", State: "available"},
		{Meta: model.Meta{ID: "tgw-attach-00000000000000001", Account: "222222222222", Region: "us-east-2"}, TransitGatewayID: "tgw-0000000000000000b",
			ResourceType: "peering", ResourceID: "tgw-0000000000000000a", ResourceOwnerID: "111111111111", State: "available"},
	}
	path := filepath.Join(t.TempDir(), "two-sided.json")
	if err := snapfile.Write(path, s); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runMain(t, "", "inspect", "--snapshot", path, "tgw-attach-00000000000000001")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Seen from account 111111111111 (us-east-1)", "Seen from account 222222222222 (us-east-2)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runMain(t, "", "inspect", "--snapshot", path, "tgw-attach-00000000000000001", "-o", "json")
	var views []map[string]any
	if err := json.Unmarshal([]byte(out), &views); code != 0 || err != nil || len(views) != 2 {
		t.Errorf("JSON: exit %d, %v, %d records, want both sides:\n%s", code, err, len(views), out)
	}
}
