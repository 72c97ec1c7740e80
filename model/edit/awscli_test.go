package edit_test

import (
	"slices"
	"testing"

	"github.com/vpcscope/vpcscope/model/edit"
)

// TestStepsRenderAsAWSCLICommands: each applied edit renders as the AWS
// CLI commands that would make it (create-network-acl-entry,
// authorize-security-group-ingress, replace-route, ... as the EC2 API
// reference names them), with the resource's region, quoted for a shell.
func TestStepsRenderAsAWSCLICommands(t *testing.T) {
	snap, ix := demo(t)
	for _, tt := range []struct {
		name  string
		setup []string
		edit  string
		want  []string
	}{
		{"an inbound rule from a group is authorize-security-group-ingress", nil,
			dbSG + " ingress tcp 3306 from " + webSG + " # web tier",
			[]string{"aws ec2 authorize-security-group-ingress --region us-east-1 --group-id " + dbSG +
				` --ip-permissions '[{"IpProtocol":"tcp","FromPort":3306,"ToPort":3306,"UserIdGroupPairs":[{"GroupId":"` + webSG + `","Description":"web tier"}]}]'`}},
		{"an outbound rule for all traffic to IPv6 is authorize-security-group-egress", nil,
			dbSG + " egress all to ::/0",
			[]string{"aws ec2 authorize-security-group-egress --region us-east-1 --group-id " + dbSG +
				` --ip-permissions '[{"IpProtocol":"-1","Ipv6Ranges":[{"CidrIpv6":"::/0"}]}]'`}},
		{"a disabled rule is a revoke of the rule as it stands", nil,
			"disable " + dbSG + " ingress 2",
			[]string{"aws ec2 revoke-security-group-ingress --region us-east-1 --group-id " + dbSG +
				` --ip-permissions '[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"203.0.113.0/24"}]}]'`}},
		{"a replaced rule is a revoke and an authorize", nil,
			"replace " + dbSG + " ingress 2 with icmp 8 from pl-63a5400a",
			[]string{
				"aws ec2 revoke-security-group-ingress --region us-east-1 --group-id " + dbSG +
					` --ip-permissions '[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"203.0.113.0/24"}]}]'`,
				"aws ec2 authorize-security-group-ingress --region us-east-1 --group-id " + dbSG +
					` --ip-permissions '[{"IpProtocol":"icmp","FromPort":8,"ToPort":-1,"PrefixListIds":[{"PrefixListId":"pl-63a5400a"}]}]'`}},
		{"a new NACL entry is create-network-acl-entry", nil,
			dbACL + " inbound 95 allow tcp 1024-65535 10.0.0.0/24",
			[]string{"aws ec2 create-network-acl-entry --region us-east-1 --network-acl-id " + dbACL +
				" --ingress --rule-number 95 --protocol tcp --rule-action allow --port-range From=1024,To=65535 --cidr-block 10.0.0.0/24"}},
		{"an ICMP entry carries its type and code", nil,
			dbACL + " outbound 96 deny icmpv6 ::/0",
			[]string{"aws ec2 create-network-acl-entry --region us-east-1 --network-acl-id " + dbACL +
				" --egress --rule-number 96 --protocol 58 --rule-action deny --icmp-type-code Type=-1,Code=-1 --ipv6-cidr-block ::/0"}},
		{"a NACL entry replaced under its number is replace-network-acl-entry", nil,
			"replace " + dbACL + " outbound 100 with 100 allow tcp 1024-65535 10.0.0.0/16",
			[]string{"aws ec2 replace-network-acl-entry --region us-east-1 --network-acl-id " + dbACL +
				" --egress --rule-number 100 --protocol tcp --rule-action allow --port-range From=1024,To=65535 --cidr-block 10.0.0.0/16"}},
		{"a NACL entry that changes its number is a create and a delete", nil,
			"replace " + dbACL + " outbound 100 with 90 deny all 0.0.0.0/0",
			[]string{
				"aws ec2 create-network-acl-entry --region us-east-1 --network-acl-id " + dbACL +
					" --egress --rule-number 90 --protocol -1 --rule-action deny --cidr-block 0.0.0.0/0",
				"aws ec2 delete-network-acl-entry --region us-east-1 --network-acl-id " + dbACL + " --egress --rule-number 100"}},
		{"a disabled NACL entry is delete-network-acl-entry", nil,
			"disable " + dbACL + " inbound 110",
			[]string{"aws ec2 delete-network-acl-entry --region us-east-1 --network-acl-id " + dbACL + " --ingress --rule-number 110"}},
		{"a new route is create-route", nil,
			"route " + publicRT + " 10.9.0.0/16 via " + ledgerPCX,
			[]string{"aws ec2 create-route --region us-east-1 --route-table-id " + publicRT +
				" --destination-cidr-block 10.9.0.0/16 --vpc-peering-connection-id " + ledgerPCX}},
		{"a retargeted route is replace-route", nil,
			"replace " + publicRT + " ::/0 via " + natGW,
			[]string{"aws ec2 replace-route --region us-east-1 --route-table-id " + publicRT +
				" --destination-ipv6-cidr-block ::/0 --nat-gateway-id " + natGW}},
		{"a disabled route is delete-route", nil,
			"disable " + publicRT + " 0.0.0.0/0",
			[]string{"aws ec2 delete-route --region us-east-1 --route-table-id " + publicRT + " --destination-cidr-block 0.0.0.0/0"}},
		{"a local route restored to local is replace-route --local-target",
			[]string{"replace " + publicRT + " 10.0.0.0/16 via eni-0364e794b59237163"},
			"replace " + publicRT + " 10.0.0.0/16 via local",
			[]string{"aws ec2 replace-route --region us-east-1 --route-table-id " + publicRT +
				" --destination-cidr-block 10.0.0.0/16 --local-target"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := edit.NewOverlay(snap)
			apply(t, o, ix, tt.setup...)
			e, err := edit.Parse(ix, tt.edit)
			if err != nil {
				t.Fatal(err)
			}
			st, err := o.Apply(e)
			if err != nil {
				t.Fatal(err)
			}
			if got := st.AWSCLI(); !slices.Equal(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", join(got), join(tt.want))
			}
		})
	}
}

func join(ss []string) string {
	out := ""
	for _, s := range ss {
		out += "  " + s + "\n"
	}
	return out
}
