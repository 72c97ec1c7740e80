package impact

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

// TestAuditsBesideEachOtherCompareAsFull checks that two audits that
// each skip the rules of the groups and network ACLs equal in the other
// snapshot (audit.Options.Beside), as Compare runs them, find the same
// findings new and fixed as the two full audits, on random changes to
// generated accounts and every fixture: rules added that other rules
// cover (redundant), removed, reordered and opened to the world, network
// ACL entries added behind others (shadowed), and prefix lists changed
// (then nothing is skipped).
func TestAuditsBesideEachOtherCompareAsFull(t *testing.T) {
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
	var skipped, ruleFindings int
	for i, c := range cases {
		for round := range 3 {
			a, b := c.load(), c.load()
			did := mutateAuditInputs(rand.New(rand.NewPCG(uint64(i), uint64(round))), b)
			ea, eb := reach.New(a), reach.New(b)
			run := func(e *reach.Engine, o audit.Options) []audit.Finding {
				rep, err := audit.RunWith(e, o)
				if err != nil {
					t.Fatal(err)
				}
				return rep.Findings
			}
			fa, fb := run(ea, audit.Options{}), run(eb, audit.Options{})
			sa, sb := run(ea, audit.Options{Beside: eb}), run(eb, audit.Options{Beside: ea})
			want, got := findings(fa, fb), findings(sa, sb)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s round %d (%v): findings of the audits beside each other\n got %+v\nwant %+v", c.name, round, did, got, want)
			}
			if len(sa) < len(fa) && len(sb) < len(fb) {
				skipped++
			}
			for _, f := range slices.Concat(want.New, want.Fixed) {
				if slices.Contains([]string{"VPCSCOPE.REDUNDANT_SG_RULE", "VPCSCOPE.SHADOWED_NACL_ENTRY"}, f.Controls[0]) {
					ruleFindings++
				}
			}
		}
	}
	t.Logf("%d cases, %d skipped findings on both sides, %d redundant or shadowed rule findings new or fixed", 3*len(cases), skipped, ruleFindings)
	if skipped == 0 || ruleFindings == 0 {
		t.Error("no case skipped findings or changed a rule finding: the comparison checks nothing")
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
