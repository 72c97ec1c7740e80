package edit_test

import (
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/model/edit"
)

// TestStepsRenderAsTerraform: each applied edit renders as the AWS
// provider's standalone resources (aws_vpc_security_group_ingress_rule,
// aws_network_acl_rule, aws_route); an entry or route changed in place is
// adopted with an import block (ids NETWORK_ACL_ID:RULE_NUMBER:PROTOCOL:
// EGRESS and ROUTETABLEID_DESTINATION, as the provider documents its
// imports); what Terraform cannot remove from here is a comment with the
// AWS CLI command that would.
func TestStepsRenderAsTerraform(t *testing.T) {
	snap, ix := demo(t)
	for _, tt := range []struct {
		name    string
		edit    string
		want    []string
		notWant []string
	}{
		{"an inbound rule from a group is an ingress rule resource",
			dbSG + " ingress tcp 3306 from " + webSG + " # web tier",
			[]string{`resource "aws_vpc_security_group_ingress_rule" "whatif_1" {`, `security_group_id            = "` + dbSG + `"`,
				`ip_protocol                  = "tcp"`, `from_port                    = 3306`, `to_port                      = 3306`,
				`referenced_security_group_id = "` + webSG + `"`, `description                  = "web tier"`}, nil},
		{"an outbound rule for all traffic has no ports",
			dbSG + " egress all to ::/0",
			[]string{`resource "aws_vpc_security_group_egress_rule"`, `ip_protocol                  = "-1"`, `cidr_ipv6                    = "::/0"`},
			[]string{"from_port"}},
		{"a disabled rule is a comment with the revoke",
			"disable " + dbSG + " ingress 2",
			[]string{"# Remove rule 2 of " + dbSG + " (tcp 22 from 203.0.113.0/24) where it is managed", "#   aws ec2 revoke-security-group-ingress"},
			[]string{"resource "}},
		{"a new network ACL entry is an aws_network_acl_rule",
			dbACL + " inbound 95 allow tcp 1024-65535 10.0.0.0/24",
			[]string{`resource "aws_network_acl_rule" "whatif_1" {`, `rule_number                  = 95`, `egress                       = false`,
				`rule_action                  = "allow"`, `cidr_block                   = "10.0.0.0/24"`, `from_port                    = 1024`},
			[]string{"import {"}},
		{"an entry replaced under its number is imported",
			"replace " + dbACL + " outbound 100 with 100 allow tcp 1024-65535 10.0.0.0/16",
			[]string{"import {\n  to = aws_network_acl_rule.whatif_1\n  id = \"" + dbACL + ":100:tcp:true\"\n}", `cidr_block                   = "10.0.0.0/16"`}, nil},
		{"a retargeted route is imported with its new target",
			"replace " + publicRT + " ::/0 via " + natGW,
			[]string{"id = \"" + publicRT + "_::/0\"", `resource "aws_route" "whatif_1" {`,
				`destination_ipv6_cidr_block  = "::/0"`, `nat_gateway_id               = "` + natGW + `"`}, nil},
		{"a new route is an aws_route",
			"route " + publicRT + " 10.9.0.0/16 via " + ledgerPCX,
			[]string{`destination_cidr_block       = "10.9.0.0/16"`, `vpc_peering_connection_id    = "` + ledgerPCX + `"`}, []string{"import {"}},
		{"a removed route is a comment with the delete-route",
			"disable " + publicRT + " 0.0.0.0/0",
			[]string{"# Remove the route to 0.0.0.0/0 of " + publicRT, "#   aws ec2 delete-route"}, []string{"resource "}},
		{"a description cannot start an interpolation",
			dbSG + " ingress tcp 80 from 10.0.0.0/8 # cost ${var.x} \"quoted\"",
			[]string{`description                  = "cost $${var.x} \"quoted\""`}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := edit.NewOverlay(snap)
			e, err := edit.Parse(ix, tt.edit)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := o.Apply(e); err != nil {
				t.Fatal(err)
			}
			got := edit.Terraform(o.Steps())
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("has %q:\n%s", w, got)
				}
			}
		})
	}
}
