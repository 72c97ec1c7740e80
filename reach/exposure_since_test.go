package reach_test

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
)

// mutateExposedRules changes only security group rules of the snapshot,
// preferring groups of interfaces with a public address so that the
// exposure changes: inbound rules from the world or a prefix added,
// inbound rules removed, a group's inbound rules reordered (exposure
// entries name their rule by position), outbound rules added.
func mutateExposedRules(rng *rand.Rand, s *model.Snapshot, prefixes []netip.Prefix) []string {
	var public []string
	for _, n := range s.NetworkInterfaces {
		if len(n.PublicIPs()) > 0 || len(n.IPv6Addresses) > 0 {
			public = append(public, n.SecurityGroupIDs...)
		}
	}
	byID := map[string]*model.SecurityGroup{}
	for _, sg := range s.SecurityGroups {
		byID[sg.ID] = sg
	}
	var did []string
	for range 1 + rng.IntN(4) {
		sg := pick(rng, s.SecurityGroups)
		if len(public) > 0 && rng.IntN(4) > 0 && byID[pick(rng, public)] != nil {
			sg = byID[pick(rng, public)]
		}
		switch rng.IntN(5) {
		case 0, 1:
			src := netip.MustParsePrefix("0.0.0.0/0")
			if rng.IntN(2) == 0 && len(prefixes) > 0 {
				src = pick(rng, prefixes)
			}
			port := pick(rng, []int32{22, 80, 443, 3306, 8080})
			sg.Ingress = append(slices.Clone(sg.Ingress), model.SGRule{Protocol: model.ProtocolTCP, CIDR: src, FromPort: port, ToPort: port})
			did = append(did, fmt.Sprintf("%s: inbound tcp/%d from %s added", sg.ID, port, src))
		case 2:
			if len(sg.Ingress) > 0 {
				i := rng.IntN(len(sg.Ingress))
				sg.Ingress = slices.Delete(slices.Clone(sg.Ingress), i, i+1)
				did = append(did, fmt.Sprintf("%s: inbound rule %d removed", sg.ID, i+1))
			}
		case 3:
			if len(sg.Ingress) > 1 {
				sg.Ingress = slices.Clone(sg.Ingress)
				slices.Reverse(sg.Ingress)
				did = append(did, sg.ID+": inbound rules reordered")
			}
		case 4:
			sg.Egress = append(slices.Clone(sg.Egress), model.SGRule{Protocol: model.ProtocolAll, CIDR: netip.MustParsePrefix("0.0.0.0/0")})
			did = append(did, sg.ID+": outbound rule added")
		}
	}
	return did
}

// TestExposureSinceEqualsExposure checks that the exposure of a snapshot
// computed from another's (ExposureSince: only the members of security
// groups whose rules changed walked again) is Exposure's report, entry for
// entry and in the same order, on random rule-only changes to random
// networks, the fixtures and a small generated account, for every port
// and one port; and that any other change is refused.
func TestExposureSinceEqualsExposure(t *testing.T) {
	type pair struct {
		name string
		a, b *model.Snapshot
		pfx  []netip.Prefix
	}
	var cases []pair
	for seed := range uint64(propertySeeds(t)) {
		rnA, rnB := randomNetwork(seed), randomNetwork(seed)
		if len(rnB.w.s.SecurityGroups) == 0 {
			continue
		}
		cases = append(cases, pair{fmt.Sprintf("random seed %d", seed), rnA.w.s, rnB.w.s, rnA.prefixes})
	}
	for _, name := range fixtures.Names() {
		a, err := fixtures.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := fixtures.Load(name)
		if len(b.SecurityGroups) > 0 {
			cases = append(cases, pair{name, a, b, nil})
		}
	}
	for seed := range uint64(4) {
		cfg := fixtures.LargeConfig{Seed: seed + 7, VPCs: 4, Subnets: 24, Interfaces: 600, SecurityGroups: 120, Rules: 1500, Peerings: 2}
		cases = append(cases, pair{fmt.Sprintf("large-small seed %d", seed+7), fixtures.Large(cfg), fixtures.Large(cfg), nil})
	}
	var shared, changed, refused int
	for i, c := range cases {
		rng := rand.New(rand.NewPCG(uint64(i), 31))
		did := mutateExposedRules(rng, c.b, c.pfx)
		ea, eb := reach.New(c.a), reach.New(c.b)
		for _, opts := range []reach.ExposureOptions{{}, {Port: 22}} {
			prev := ea.Exposure(opts)
			want := eb.Exposure(opts)
			got, ok := eb.ExposureSince(ea, prev, opts)
			if !ok {
				// a changed group has a member other than an ordinary
				// interface (a NAT gateway, a load balancer, an appliance)
				refused++
				continue
			}
			shared++
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s (%v), port %d: ExposureSince differs from Exposure:\n got %d entries %+v\nwant %d entries %+v",
					c.name, did, opts.Port, len(got.Exposed), got.Exposed, len(want.Exposed), want.Exposed)
			}
			if !reflect.DeepEqual(prev.Exposed, want.Exposed) {
				changed++
			}
		}
	}
	t.Logf("%d comparisons, %d where the exposure changed, %d refused", shared, changed, refused)
	if changed == 0 || shared < refused {
		t.Error("no change altered the exposure: the comparison checks nothing")
	}

	// Rules only reordered: no packet is admitted differently, but the
	// entries name their rule by position, so the members are walked again.
	cfg0 := fixtures.LargeConfig{Seed: 7, VPCs: 4, Subnets: 24, Interfaces: 600, SecurityGroups: 120, Rules: 1500, Peerings: 2}
	a, b := fixtures.Large(cfg0), fixtures.Large(cfg0)
	ea := reach.New(a)
	prev := ea.Exposure(reach.ExposureOptions{})
	reordered := ""
	for _, x := range prev.Exposed {
		i := slices.IndexFunc(b.SecurityGroups, func(sg *model.SecurityGroup) bool { return sg.ID == x.Group })
		if i >= 0 && len(b.SecurityGroups[i].Ingress) > 1 {
			sg := b.SecurityGroups[i]
			sg.Ingress = slices.Clone(sg.Ingress)
			slices.Reverse(sg.Ingress)
			reordered = sg.ID
			break
		}
	}
	if reordered == "" {
		t.Fatal("no exposed interface's group has two inbound rules to reorder")
	}
	eb := reach.New(b)
	want := eb.Exposure(reach.ExposureOptions{})
	if reflect.DeepEqual(prev, want) {
		t.Fatalf("reordering %s's rules changed no entry: the case checks nothing", reordered)
	}
	if got, ok := eb.ExposureSince(ea, prev, reach.ExposureOptions{}); !ok || !reflect.DeepEqual(got, want) {
		t.Errorf("%s's inbound rules reordered: ExposureSince (ok %v) differs from Exposure", reordered, ok)
	}

	// Anything but group rules is refused: a group's tags, a network
	// ACL entry, an interface's groups.
	cfg := fixtures.LargeConfig{Seed: 7, VPCs: 4, Subnets: 24, Interfaces: 600, SecurityGroups: 120, Rules: 1500, Peerings: 2}
	for name, change := range map[string]func(s *model.Snapshot){
		"group tags": func(s *model.Snapshot) { s.SecurityGroups[0].Tags = map[string]string{"Name": "renamed"} },
		"network ACL entry": func(s *model.Snapshot) {
			acl := s.NetworkACLs[0]
			acl.Entries = append(slices.Clone(acl.Entries), model.ACLEntry{RuleNumber: 1, Protocol: model.ProtocolAll, Action: model.Deny, CIDR: netip.MustParsePrefix("0.0.0.0/0")})
		},
		"interface groups": func(s *model.Snapshot) {
			i := slices.IndexFunc(s.NetworkInterfaces, func(n *model.NetworkInterface) bool { return len(n.SecurityGroupIDs) > 1 })
			s.NetworkInterfaces[i].SecurityGroupIDs = s.NetworkInterfaces[i].SecurityGroupIDs[1:]
		},
	} {
		a, b := fixtures.Large(cfg), fixtures.Large(cfg)
		change(b)
		ea, eb := reach.New(a), reach.New(b)
		if _, ok := eb.ExposureSince(ea, ea.Exposure(reach.ExposureOptions{}), reach.ExposureOptions{}); ok {
			t.Errorf("%s changed: ExposureSince took it as a rule-only change", name)
		}
	}
}
