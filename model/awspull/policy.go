package awspull

import (
	"encoding/json"
	"slices"
	"strings"
)

// orgActions are the calls an organization pull makes with the caller's
// credentials besides reading its own account.
var orgActions = []string{"organizations:ListAccounts", "organizations:ListAccountsForParent",
	"organizations:ListOrganizationalUnitsForParent", "sts:AssumeRole"}

// Actions returns the IAM actions Pull and the flow-log readers
// (ReadLogGroup, ReadS3) can call, sorted: everything a read-only policy
// for vpcscope must allow. ec2:DescribeRegions is used only with
// Options.AllRegions; sts:GetCallerIdentity needs no permission but is
// listed for completeness; the organizations actions and sts:AssumeRole
// only with Options.Org (see CallerActions).
func Actions() []string { return CallerActions() }

// CallerActions returns the IAM actions an organization pull makes with
// the caller's credentials (the management or delegated administrator
// account): listing the organization, assuming the role in the other
// accounts, and reading its own account.
func CallerActions() []string {
	return sortedSet(ReadActions(), orgActions)
}

// ReadActions returns the IAM actions that read one account: every call
// of a pull of the account's regions, and of the flow-log readers. It is
// what the role an organization pull assumes in each account must allow.
func ReadActions() []string {
	seen := map[string]bool{"sts:GetCallerIdentity": true, "ec2:DescribeRegions": true}
	for _, a := range flowLogActions {
		seen[a] = true
	}
	for _, t := range tasks {
		seen[t.action()] = true
		for _, c := range t.children {
			seen[c.action()] = true
		}
	}
	out := make([]string, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

func sortedSet(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// statement is one statement of an IAM policy document.
type statement struct {
	Sid       string
	Effect    string
	Principal map[string]string            `json:",omitempty"`
	Action    any                          // a string or a list
	Resource  string                       `json:",omitempty"`
	Condition map[string]map[string]string `json:",omitempty"`
}

func policyDoc(st ...statement) string {
	doc := struct {
		Version   string
		Statement []statement
	}{"2012-10-17", st}
	data, _ := json.MarshalIndent(doc, "", "  ")
	return string(data) + "\n"
}

// Policy returns a least-privilege IAM policy document (JSON) that allows
// exactly ReadActions: what reading one account needs.
func Policy() string {
	return policyDoc(statement{Sid: "VpcscopeReadOnly", Effect: "Allow", Action: ReadActions(), Resource: "*"})
}

// OrgPolicies are the IAM policy documents an organization pull needs.
type OrgPolicies struct {
	// Caller is the permissions policy of the identity that runs the pull
	// in the management or delegated administrator account: listing the
	// organization, assuming the role (only that role, in any account),
	// and reading its own account.
	Caller string
	// Role is the permissions policy of the role in each member account:
	// Policy, the read-only calls.
	Role string
	// Trust is the role's trust policy: the management account may assume
	// it, with the external ID when one is given. management is the
	// account ID, or a placeholder to replace.
	Trust string
}

// OrgPolicy returns the policies of an organization pull that assumes
// roleName (DefaultRoleName when empty) in each account, from account
// management (a placeholder when empty), with externalID if not empty.
func OrgPolicy(roleName, externalID, management string) OrgPolicies {
	roleName = orDefault(roleName, DefaultRoleName)
	management = orDefault(management, "MANAGEMENT_ACCOUNT_ID")
	var read []string
	var org []string
	for _, a := range CallerActions() {
		switch {
		case a == "sts:AssumeRole":
		case strings.HasPrefix(a, "organizations:"):
			org = append(org, a)
		default:
			read = append(read, a)
		}
	}
	trust := statement{Sid: "VpcscopeOrgPull", Effect: "Allow", Principal: map[string]string{"AWS": "arn:aws:iam::" + management + ":root"},
		Action: "sts:AssumeRole"}
	if externalID != "" {
		trust.Condition = map[string]map[string]string{"StringEquals": {"sts:ExternalId": externalID}}
	}
	return OrgPolicies{
		Caller: policyDoc(
			statement{Sid: "VpcscopeListOrganization", Effect: "Allow", Action: org, Resource: "*"},
			statement{Sid: "VpcscopeAssumeRole", Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::*:role/" + roleName},
			statement{Sid: "VpcscopeReadOnly", Effect: "Allow", Action: read, Resource: "*"}),
		Role:  Policy(),
		Trust: policyDoc(trust),
	}
}
