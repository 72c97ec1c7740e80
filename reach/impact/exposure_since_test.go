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

// TestCompareExposureAndAuditEqualFull checks that Compare, which takes
// the second snapshot's exposure from the first's when only security group
// rules changed (reach.Engine.ExposureSince), reports the exposure gained
// and lost and the audit findings new and fixed that comparing the two full
// exposure reports and audits reports, on random rule-only changes
// (inbound rules from the world and from a corporate range added and
// removed, rules reordered, outbound rules added) to a small generated
// account.
func TestCompareExposureAndAuditEqualFull(t *testing.T) {
	cfg := fixtures.LargeConfig{Seed: 11, VPCs: 3, Subnets: 12, Interfaces: 240, SecurityGroups: 60, Rules: 600, Peerings: 1}
	var gained, fixed int
	for seed := range uint64(6) {
		a, b := fixtures.Large(cfg), fixtures.Large(cfg)
		did := mutateRules(rand.New(rand.NewPCG(seed, 41)), b)
		ea, eb := reach.New(a), reach.New(b)
		rep, err := Compare(ea, eb, Options{})
		if err != nil {
			t.Fatal(err)
		}
		xa, xb := ea.Exposure(reach.ExposureOptions{}), eb.Exposure(reach.ExposureOptions{})
		fa, err := audit.Run(ea, xa)
		if err != nil {
			t.Fatal(err)
		}
		fb, err := audit.Run(eb, xb)
		if err != nil {
			t.Fatal(err)
		}
		if want := exposure(xa, xb); !reflect.DeepEqual(rep.Exposure, want) {
			t.Errorf("seed %d (%v): exposure delta\n got %+v\nwant %+v", seed, did, rep.Exposure, want)
		}
		if want := findings(fa.Findings, fb.Findings); !reflect.DeepEqual(rep.Findings, want) {
			t.Errorf("seed %d (%v): findings\n got %+v\nwant %+v", seed, did, rep.Findings, want)
		}
		gained += len(rep.Exposure.Gained) + len(rep.Exposure.Lost)
		fixed += len(rep.Findings.New) + len(rep.Findings.Fixed)
	}
	if gained == 0 || fixed == 0 {
		t.Errorf("exposure changed by %d items, findings by %d: the comparison checks nothing", gained, fixed)
	}
}

// mutateRules changes only security group rules of s, of groups of
// interfaces with a public address when there are some: inbound rules
// from the world or a corporate range added, inbound rules removed, a
// group's inbound rules reordered, outbound rules added.
func mutateRules(rng *rand.Rand, b *model.Snapshot) []string {
	var exposedGroups []string
	for _, n := range b.NetworkInterfaces {
		if len(n.PublicIPs()) > 0 {
			exposedGroups = append(exposedGroups, n.SecurityGroupIDs...)
		}
	}
	if len(exposedGroups) == 0 {
		for _, g := range b.SecurityGroups {
			exposedGroups = append(exposedGroups, g.ID)
		}
	}
	var did []string
	for range 1 + rng.IntN(4) {
		id := exposedGroups[rng.IntN(len(exposedGroups))]
		sg := b.SecurityGroups[slices.IndexFunc(b.SecurityGroups, func(g *model.SecurityGroup) bool { return g.ID == id })]
		switch rng.IntN(6) {
		case 0, 4:
			port := []int32{22, 3306, 443, 8080}[rng.IntN(4)]
			src := []string{"0.0.0.0/0", "203.0.113.0/24", "10.0.0.0/8"}[rng.IntN(3)]
			sg.Ingress = append(slices.Clone(sg.Ingress), model.SGRule{Protocol: model.ProtocolTCP, CIDR: netip.MustParsePrefix(src), FromPort: port, ToPort: port})
			did = append(did, fmt.Sprintf("%s: inbound tcp/%d from %s added", id, port, src))
		case 1:
			if len(sg.Ingress) > 0 {
				i := rng.IntN(len(sg.Ingress))
				sg.Ingress = slices.Delete(slices.Clone(sg.Ingress), i, i+1)
				did = append(did, fmt.Sprintf("%s: inbound rule %d removed", id, i+1))
			}
		case 2:
			sg.Ingress = slices.Clone(sg.Ingress)
			slices.Reverse(sg.Ingress)
			did = append(did, id+": inbound rules reordered")
		case 3:
			sg.Egress = append(slices.Clone(sg.Egress), model.SGRule{Protocol: model.ProtocolUDP, CIDR: netip.MustParsePrefix("0.0.0.0/0"), FromPort: 53, ToPort: 53})
			did = append(did, id+": outbound udp/53 added")
		case 5:
			sg.Ingress = append(slices.Clone(sg.Ingress), model.SGRule{Protocol: model.ProtocolAll, CIDR: netip.MustParsePrefix("10.0.0.0/8")})
			did = append(did, id+": inbound all traffic from 10.0.0.0/8 added")
		}
	}
	return did
}

// TestCompareOverRuleChangeProbesEqualsFull checks that the reachability
// gained and lost, asked only about the traffic the changed rules match
// (reach.RuleChangeProbes), is what asking about every probe finds, on
// random rule-only changes to generated accounts and to every fixture
// (those with load balancers take the full probes: a listener changes
// the destination port on the way).
func TestCompareOverRuleChangeProbesEqualsFull(t *testing.T) {
	type pair struct {
		name string
		a, b func() *model.Snapshot
	}
	var cases []pair
	for seed := range uint64(4) {
		cfg := fixtures.LargeConfig{Seed: 20 + seed, VPCs: 3, Subnets: 12, Interfaces: 240, SecurityGroups: 60, Rules: 600, Peerings: 1}
		gen := func() *model.Snapshot { return fixtures.Large(cfg) }
		cases = append(cases, pair{fmt.Sprintf("generated seed %d", cfg.Seed), gen, gen})
	}
	for _, name := range fixtures.Names() {
		load := func() *model.Snapshot {
			s, err := fixtures.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		cases = append(cases, pair{name, load, load})
	}
	limited, changed := 0, 0
	for i, c := range cases {
		a, b := c.a(), c.b()
		if len(b.SecurityGroups) == 0 {
			continue
		}
		did := mutateRules(rand.New(rand.NewPCG(uint64(i), 43)), b)
		ea, eb := reach.New(a), reach.New(b)
		full := unionProbes(ea.DefaultProbes(), eb.DefaultProbes())
		if ps, ok := reach.RuleChangeProbes(ea, eb, full); ok && len(ps) > 0 && !reflect.DeepEqual(ps, full) {
			limited++
		}
		got, err := Compare(ea, eb, Options{Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		want, err := Compare(ea, eb, Options{Workers: 2, fullProbes: true})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Reachability, want.Reachability) {
			t.Errorf("%s (%v): reachability over the changed rules' probes\n got %+v\nwant %+v", c.name, did, got.Reachability, want.Reachability)
		}
		if len(want.Reachability.Gained)+len(want.Reachability.Lost) > 0 {
			changed++
		}
	}
	t.Logf("%d cases, %d over limited probes, %d with reachability changed", len(cases), limited, changed)
	if limited == 0 || changed == 0 {
		t.Error("no case took limited probes or changed reachability: the comparison checks nothing")
	}
}
