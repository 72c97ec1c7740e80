package awspull

import (
	"encoding/json"
	"slices"
)

// Actions returns the IAM actions Pull and the flow-log readers
// (ReadLogGroup, ReadS3) can call, sorted: everything a read-only policy
// for vpcscope must allow. ec2:DescribeRegions is used only with
// Options.AllRegions; sts:GetCallerIdentity needs no permission but is
// listed for completeness.
func Actions() []string {
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

// Policy returns a least-privilege IAM policy document (JSON) that allows
// exactly Actions.
func Policy() string {
	type statement struct {
		Sid      string
		Effect   string
		Action   []string
		Resource string
	}
	doc := struct {
		Version   string
		Statement []statement
	}{"2012-10-17", []statement{{"VpcscopeReadOnly", "Allow", Actions(), "*"}}}
	data, _ := json.MarshalIndent(doc, "", "  ")
	return string(data) + "\n"
}
