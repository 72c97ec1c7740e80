package audit_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"slices"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/audit"
)

// TestAuditSinceEqualsFull checks that an audit taking an earlier audit's
// findings about the rules of unchanged groups and network ACLs
// (Options.Since) is the full audit, finding for finding and in the same
// order, on random changes to generated accounts and every fixture: rules
// added that other rules cover (redundant), removed, reordered and opened
// to the world, network ACL entries added behind others (shadowed), and
// prefix lists changed (then nothing is taken).
func TestAuditSinceEqualsFull(t *testing.T) {
	type pair struct {
		name string
		load func() *model.Snapshot
	}
	var cases []pair
	for seed := range uint64(4) {
		cfg := fixtures.LargeConfig{Seed: 30 + seed, VPCs: 3, Subnets: 12, Interfaces: 240, SecurityGroups: 60, Rules: 600, Peerings: 1}
		cases = append(cases, pair{fmt.Sprintf("generated seed %d", cfg.Seed), func() *model.Snapshot { return fixtures.Large(cfg) }})
	}
	for _, name := range fixtures.Names() {
		cases = append(cases, pair{name, func() *model.Snapshot {
			s, err := fixtures.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}})
	}
	var reused, changedRuleFindings int
	for i, c := range cases {
		for round := range 3 {
			a, b := c.load(), c.load()
			did := mutateAuditInputs(rand.New(rand.NewPCG(uint64(i), uint64(round))), b)
			ea, eb := reach.New(a), reach.New(b)
			fa, err := audit.Run(ea, nil)
			if err != nil {
				t.Fatal(err)
			}
			want, err := audit.Run(eb, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := audit.RunWith(eb, audit.Options{Since: &audit.Since{Engine: ea, Report: fa}})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s round %d (%v): audit since the first snapshot\n got %+v\nwant %+v", c.name, round, did, got.Findings, want.Findings)
			}
			if ea.SameRuleSets(eb) {
				reused++
			}
			key := func(f audit.Finding) string { return f.Resource + "|" + f.Message }
			var before []string
			for _, f := range fa.Findings {
				before = append(before, key(f))
			}
			for _, f := range want.Findings {
				if slices.Contains([]string{"VPCSCOPE.REDUNDANT_SG_RULE", "VPCSCOPE.SHADOWED_NACL_ENTRY"}, f.Controls[0]) && !slices.Contains(before, key(f)) {
					changedRuleFindings++
				}
			}
		}
	}
	t.Logf("%d cases, %d took earlier findings, %d new redundant or shadowed rule findings", 3*len(cases), reused, changedRuleFindings)
	if reused == 0 || changedRuleFindings == 0 {
		t.Error("no case reused findings or changed a rule finding: the comparison checks nothing")
	}
}

// mutateAuditInputs changes s at random in what the rule-only findings
// read: security group rules, network ACL entries and prefix lists.
func mutateAuditInputs(rng *rand.Rand, s *model.Snapshot) []string {
	var did []string
	for range 1 + rng.IntN(4) {
		switch k := rng.IntN(7); {
		case k <= 3 && len(s.SecurityGroups) > 0:
			sg := s.SecurityGroups[rng.IntN(len(s.SecurityGroups))]
			sg.Ingress = slices.Clone(sg.Ingress)
			switch {
			case k == 0 && len(sg.Ingress) > 0:
				// a narrower copy of a rule: redundant
				r := sg.Ingress[rng.IntN(len(sg.Ingress))]
				if r.CIDR.IsValid() && r.CIDR.Bits() < r.CIDR.Addr().BitLen() {
					r.CIDR = netip.PrefixFrom(r.CIDR.Addr(), r.CIDR.Bits()+1).Masked()
				}
				sg.Ingress = append(sg.Ingress, r)
				did = append(did, sg.ID+": a narrower copy of an inbound rule added")
			case k == 1 && len(sg.Ingress) > 0:
				j := rng.IntN(len(sg.Ingress))
				sg.Ingress = slices.Delete(sg.Ingress, j, j+1)
				did = append(did, fmt.Sprintf("%s: inbound rule %d removed", sg.ID, j+1))
			case k == 2:
				slices.Reverse(sg.Ingress)
				did = append(did, sg.ID+": inbound rules reordered")
			default:
				sg.Ingress = append(sg.Ingress, model.SGRule{Protocol: model.ProtocolTCP, CIDR: netip.MustParsePrefix("0.0.0.0/0"), FromPort: 22, ToPort: 22},
					model.SGRule{Protocol: model.ProtocolTCP, CIDR: netip.MustParsePrefix("10.1.0.0/16"), FromPort: 22, ToPort: 22})
				did = append(did, sg.ID+": inbound tcp/22 from the world added, and a redundant tcp/22 from 10.1.0.0/16")
			}
		case k <= 5 && len(s.NetworkACLs) > 0:
			acl := s.NetworkACLs[rng.IntN(len(s.NetworkACLs))]
			acl.Entries = slices.Clone(acl.Entries)
			last := int32(0)
			for _, e := range acl.Entries {
				if !e.IsDefaultDeny() {
					last = max(last, e.RuleNumber)
				}
			}
			if j := slices.IndexFunc(acl.Entries, func(e model.ACLEntry) bool { return !e.IsDefaultDeny() }); j >= 0 && k == 4 {
				e := acl.Entries[j]
				e.RuleNumber = last + 1
				acl.Entries = append(acl.Entries, e)
				did = append(did, fmt.Sprintf("%s: a copy of entry %d added as %d (shadowed)", acl.ID, acl.Entries[j].RuleNumber, last+1))
			} else {
				acl.Entries = append(acl.Entries, model.ACLEntry{RuleNumber: last + 1, Protocol: model.ProtocolTCP, Action: model.Deny,
					CIDR: netip.MustParsePrefix("198.51.100.0/24"), PortRange: &model.PortRange{From: 23, To: 23}})
				did = append(did, fmt.Sprintf("%s: inbound deny tcp/23 added as %d", acl.ID, last+1))
			}
		case len(s.PrefixLists) > 0:
			pl := s.PrefixLists[rng.IntN(len(s.PrefixLists))]
			pl.Entries = append(slices.Clone(pl.Entries), model.PrefixListEntry{CIDR: netip.MustParsePrefix("192.0.2.0/24")})
			did = append(did, pl.ID+": entry added")
		}
	}
	return did
}
