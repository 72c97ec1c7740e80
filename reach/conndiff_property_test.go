package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

// The streamed comparison of two relations (DiffRelations) must say
// exactly what the naive one says: both relations expanded into pairs of
// interfaces (Links), compared pair by pair. Each case is a network and a
// changed copy of it — security group rules added and removed, network
// ACL entries added, routes removed, groups taken off interfaces,
// interfaces added (and, swapped, removed) — compared over the whole
// network and over a random part of it, in chunks of a few receivers so
// that classes are cut across chunks.

// diffKey is traffic of one probe from one end to another.
type diffKey struct {
	from, to string
	probe    int
}

// naiveDiff expands both relations into pairs and compares them: the
// interface pairs' ports gained and lost, and both sides' internet links.
type naiveDiff struct {
	gained, lost map[diffKey][]model.PortRange
	inetA, inetB map[diffKey][]reach.Link
}

func expandLinks(rel *reach.Relation) (map[diffKey][]model.PortRange, map[diffKey][]reach.Link) {
	pairs, inet := map[diffKey][]model.PortRange{}, map[diffKey][]reach.Link{}
	for _, l := range rel.Links() {
		for _, f := range l.From {
			for _, to := range l.To {
				k := diffKey{f, to, l.Probe}
				if f == "internet" || to == "internet" {
					inet[k] = append(inet[k], l)
					continue
				}
				if f != to {
					pairs[k] = reach.UnionPorts(pairs[k], l.PortRanges())
				}
			}
		}
	}
	return pairs, inet
}

func diffNaively(a, b *reach.Relation, counts func(f, t string) bool) naiveDiff {
	pa, ia := expandLinks(a)
	pb, ib := expandLinks(b)
	d := naiveDiff{gained: map[diffKey][]model.PortRange{}, lost: map[diffKey][]model.PortRange{}, inetA: ia, inetB: ib}
	for _, x := range []struct {
		from, to map[diffKey][]model.PortRange
		into     map[diffKey][]model.PortRange
	}{{pb, pa, d.gained}, {pa, pb, d.lost}} {
		for k, ports := range x.from {
			if m := reach.SubtractPorts(ports, x.to[k]); len(m) > 0 && counts(k.from, k.to) {
				x.into[k] = m
			}
		}
	}
	return d
}

// streamedDiff is DiffRelations' answer, expanded into pairs.
type streamedDiff struct {
	gained, lost map[diffKey][]model.PortRange
	inet         map[bool]map[diffKey][]reach.DeltaItem
}

func diffStreamed(t *testing.T, a, b *reach.Relation) streamedDiff {
	t.Helper()
	d := streamedDiff{gained: map[diffKey][]model.PortRange{}, lost: map[diffKey][]model.PortRange{},
		inet: map[bool]map[diffKey][]reach.DeltaItem{true: {}, false: {}}}
	err := reach.DiffRelations(a, b, func(gained bool, it reach.DeltaItem) {
		ports := it.Ports
		if len(ports) == 0 {
			ports = []model.PortRange{model.AllPorts}
		}
		for _, f := range it.From {
			for _, to := range it.To {
				k := diffKey{f, to, it.Probe}
				if f == "internet" || to == "internet" {
					d.inet[gained][k] = append(d.inet[gained][k], it)
					continue
				}
				into := d.lost
				if gained {
					into = d.gained
				}
				if prev, ok := into[k]; ok {
					t.Errorf("%v: the pair is reported twice (%v, then %v)", k, prev, ports)
				}
				into[k] = reach.UnionPorts(into[k], ports)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// inetHolds reports whether links (prefixes as strings) or items
// (prefixes) hold an internet address on a port.
func linksHold(t *testing.T, ls []reach.Link, port uint16, a netip.Addr) bool {
	for _, l := range ls {
		set := l.Sources
		if l.To[0] == "internet" {
			set = l.Destinations
		}
		if slices.ContainsFunc(l.PortRanges(), func(r model.PortRange) bool { return r.Contains(port) }) && prefixesHold(t, set, a) {
			return true
		}
	}
	return false
}

func itemsHold(its []reach.DeltaItem, port uint16, a netip.Addr) bool {
	for _, it := range its {
		ports := it.Ports
		if len(ports) == 0 {
			ports = []model.PortRange{model.AllPorts}
		}
		if slices.ContainsFunc(ports, func(r model.PortRange) bool { return r.Contains(port) }) &&
			slices.ContainsFunc(it.Internet, func(p netip.Prefix) bool { return p.Contains(a) }) {
			return true
		}
	}
	return false
}

// checkDiff compares the streamed and the naive diffs of one question
// asked of two engines; it returns how many pairs changed.
func checkDiff(t *testing.T, name string, ea, eb *reach.Engine, from, to func(*reach.Engine) reach.Group, samples []netip.Addr) int {
	t.Helper()
	probes := ea.DefaultProbes()
	for _, p := range eb.DefaultProbes() {
		if !slices.ContainsFunc(probes, func(q reach.Probe) bool { return q.Protocol == p.Protocol }) {
			probes = append(probes, p)
		}
	}
	relate := func(e *reach.Engine) *reach.Relation {
		r, err := e.Relate(reach.RelationOptions{From: from(e), To: to(e), Probes: probes, Workers: 2})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return r
	}
	instance := func(id string) string {
		for _, e := range []*reach.Engine{eb, ea} {
			if n := e.Index().Interface(id); n != nil {
				return n.InstanceID()
			}
		}
		return ""
	}
	counts := func(f, t string) bool {
		i := instance(f)
		return f != t && (i == "" || i != instance(t))
	}
	naive := diffNaively(relate(ea), relate(eb), counts)
	got := diffStreamed(t, relate(ea), relate(eb))
	for _, c := range []struct {
		what      string
		want, got map[diffKey][]model.PortRange
	}{{"gained", naive.gained, got.gained}, {"lost", naive.lost, got.lost}} {
		for k, w := range c.want {
			if g := c.got[k]; !slices.Equal(g, w) {
				t.Errorf("%s: %s %s -> %s %s: streamed %v, naive %v", name, c.what, k.from, k.to, probes[k.probe].Protocol, g, w)
			}
		}
		for k, g := range c.got {
			if _, ok := c.want[k]; !ok {
				t.Errorf("%s: %s %s -> %s %s: streamed %v, naive nothing", name, c.what, k.from, k.to, probes[k.probe].Protocol, g)
			}
		}
	}
	// internet traffic: on every port where some link or item changes,
	// and the ports either side of it, for every sampled internet address
	keys := map[diffKey]bool{}
	for _, m := range []map[diffKey][]reach.Link{naive.inetA, naive.inetB} {
		for k := range m {
			keys[k] = true
		}
	}
	for _, m := range got.inet {
		for k := range m {
			keys[k] = true
			if naive.inetA[k] == nil && naive.inetB[k] == nil {
				t.Errorf("%s: %v: streamed internet traffic the relations do not hold", name, k)
			}
		}
	}
	for k := range keys {
		var ports []uint16
		for _, l := range slices.Concat(naive.inetA[k], naive.inetB[k]) {
			for _, r := range l.PortRanges() {
				ports = append(ports, r.From, r.To, max(r.From, 1)-1, min(r.To, 65534)+1)
			}
		}
		for _, port := range ports {
			for _, a := range samples {
				if !reach.IsInternet(ea, a) || !reach.IsInternet(eb, a) {
					continue
				}
				inA, inB := linksHold(t, naive.inetA[k], port, a), linksHold(t, naive.inetB[k], port, a)
				if g := itemsHold(got.inet[true][k], port, a); g != (inB && !inA) {
					t.Errorf("%s: %s -> %s %s port %d from/to %s: streamed gained %v, relations %v then %v", name, k.from, k.to, probes[k.probe].Protocol, port, a, g, inA, inB)
				}
				if l := itemsHold(got.inet[false][k], port, a); l != (inA && !inB) {
					t.Errorf("%s: %s -> %s %s port %d from/to %s: streamed lost %v, relations %v then %v", name, k.from, k.to, probes[k.probe].Protocol, port, a, l, inA, inB)
				}
			}
		}
	}
	return len(naive.gained) + len(naive.lost)
}

// mutate changes a snapshot the way changes do: a few random edits.
func mutate(rng *rand.Rand, s *model.Snapshot, prefixes []netip.Prefix) []string {
	var did []string
	ports := []string{"22", "80", "443", "3306", "8080", "1000-2000"}
	for range 1 + rng.IntN(3) {
		switch rng.IntN(6) {
		case 0: // a security group rule added
			if len(s.SecurityGroups) == 0 {
				continue
			}
			sg := pick(rng, s.SecurityGroups)
			r := model.SGRule{Protocol: model.ProtocolTCP, CIDR: pick(rng, prefixes)}
			pr, _ := model.ParsePortRange(pick(rng, ports))
			r.FromPort, r.ToPort = int32(pr.From), int32(pr.To)
			if rng.IntN(3) == 0 {
				sg.Egress = append(slices.Clone(sg.Egress), r)
			} else {
				sg.Ingress = append(slices.Clone(sg.Ingress), r)
			}
			did = append(did, "rule added to "+sg.ID)
		case 1: // a security group rule removed
			if len(s.SecurityGroups) == 0 {
				continue
			}
			sg := pick(rng, s.SecurityGroups)
			if len(sg.Ingress) > 0 {
				i := rng.IntN(len(sg.Ingress))
				sg.Ingress = slices.Delete(slices.Clone(sg.Ingress), i, i+1)
				did = append(did, "ingress rule removed from "+sg.ID)
			}
		case 2: // a network ACL entry added before the others
			if len(s.NetworkACLs) == 0 {
				continue
			}
			acl := pick(rng, s.NetworkACLs)
			pr, _ := model.ParsePortRange(pick(rng, ports))
			e := model.ACLEntry{RuleNumber: int32(1 + rng.IntN(60)), Egress: rng.IntN(2) == 0, Action: pick(rng, []model.RuleAction{model.Deny, model.Allow}),
				Protocol: model.ProtocolTCP, CIDR: pick(rng, prefixes), PortRange: &pr}
			if slices.ContainsFunc(acl.Entries, func(x model.ACLEntry) bool { return x.RuleNumber == e.RuleNumber && x.Egress == e.Egress }) {
				continue
			}
			acl.Entries = append(slices.Clone(acl.Entries), e)
			did = append(did, "entry added to "+acl.ID)
		case 3: // a route removed
			if len(s.RouteTables) == 0 {
				continue
			}
			rt := pick(rng, s.RouteTables)
			var i []int
			for j, r := range rt.Routes {
				if r.Target().Kind != model.TargetLocal {
					i = append(i, j)
				}
			}
			if len(i) > 0 {
				j := pick(rng, i)
				did = append(did, "route "+rt.Routes[j].DestinationString()+" removed from "+rt.ID)
				rt.Routes = slices.Delete(slices.Clone(rt.Routes), j, j+1)
			}
		case 4: // a group taken off an interface
			n := pick(rng, s.NetworkInterfaces)
			if len(n.SecurityGroupIDs) > 1 {
				n.SecurityGroupIDs = n.SecurityGroupIDs[1:]
				did = append(did, "group taken off "+n.ID)
			}
		case 5: // an interface removed with its instance
			n := pick(rng, s.NetworkInterfaces)
			if n.InstanceID() == "" || n.InterfaceType != "" && n.InterfaceType != "interface" {
				continue
			}
			in := n.InstanceID()
			s.NetworkInterfaces = slices.DeleteFunc(slices.Clone(s.NetworkInterfaces), func(x *model.NetworkInterface) bool { return x.InstanceID() == in })
			s.Instances = slices.DeleteFunc(slices.Clone(s.Instances), func(x *model.Instance) bool { return x.ID == in })
			did = append(did, "instance "+in+" removed")
		}
	}
	return did
}

// questions are the groups a diff compares: everyone with the internet,
// or part of the interfaces toward everyone and back.
func diffQuestions(rng *rand.Rand, ids []string) []struct {
	name     string
	from, to func(*reach.Engine) reach.Group
} {
	everyone := func(e *reach.Engine) reach.Group { return reach.Group{Interfaces: e.Ends(), Internet: true} }
	var part []string
	for _, id := range ids {
		if rng.IntN(3) == 0 {
			part = append(part, id)
		}
	}
	some := func(e *reach.Engine) reach.Group {
		var out []string
		for _, id := range part {
			if e.Index().Interface(id) != nil && slices.Contains(e.Ends(), id) {
				out = append(out, id)
			}
		}
		return reach.Group{Interfaces: out}
	}
	return []struct {
		name     string
		from, to func(*reach.Engine) reach.Group
	}{{"everyone", everyone, everyone}, {"some to everyone", some, everyone}, {"everyone to some", everyone, some}}
}

func TestPropertyStreamedDiffEqualsNaiveDiff(t *testing.T) {
	defer reach.SetDiffChunk(3)()
	changed := 0
	for seed := range uint64(propertySeeds(t)) {
		rnA, rnB := pureNetwork(seed), pureNetwork(seed)
		rng := rand.New(rand.NewPCG(seed, 15))
		did := mutate(rng, rnB.w.s, rnA.prefixes)
		ea, eb := reach.New(rnA.w.s), reach.New(rnB.w.s)
		if rng.IntN(2) == 0 {
			ea, eb = eb, ea // interfaces added rather than removed
		}
		samples := rnA.interesting(rand.New(rand.NewPCG(seed, 16)))
		for _, q := range diffQuestions(rng, ea.Ends()) {
			changed += checkDiff(t, fmt.Sprintf("seed %d (%v), %s", seed, did, q.name), ea, eb, q.from, q.to, samples)
		}
	}
	t.Logf("%d pairs changed", changed)
	if !testing.Short() && changed == 0 {
		t.Errorf("no pair changed: the property is not exercised")
	}
}

func TestStreamedDiffEqualsNaiveDiffOnFixtures(t *testing.T) {
	defer reach.SetDiffChunk(2)()
	samples := []netip.Addr{netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("203.0.113.25"), netip.MustParseAddr("8.8.8.8"),
		netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("2a00:1450::1")}
	prefixes := []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("203.0.113.0/24")}
	changed := 0
	for i, name := range fixtures.Names() {
		t.Run(name, func(t *testing.T) {
			for round := range 4 {
				a, err := fixtures.Load(name)
				if err != nil {
					t.Fatal(err)
				}
				b, err := fixtures.Load(name)
				if err != nil {
					t.Fatal(err)
				}
				rng := rand.New(rand.NewPCG(uint64(i), uint64(17+round)))
				did := mutate(rng, b, prefixes)
				ea, eb := reach.New(a), reach.New(b)
				if round%2 == 1 {
					ea, eb = eb, ea
				}
				for _, q := range diffQuestions(rng, ea.Ends()) {
					n := checkDiff(t, fmt.Sprintf("%s (%v), %s", name, did, q.name), ea, eb, q.from, q.to, samples)
					t.Logf("%v, %s: %d pairs changed", did, q.name, n)
					changed += n
				}
			}
		})
	}
	if changed == 0 {
		t.Errorf("no pair changed on any fixture: the property is not exercised")
	}
}

// mutateRules changes only security group rules: inbound rules added and
// removed, and outbound rules added unless ingressOnly. The path views of
// the two snapshots are then the same when the groups changed have only
// ordinary members, and DiffRelations walks once (conndiff_shared.go).
func mutateRules(rng *rand.Rand, s *model.Snapshot, prefixes []netip.Prefix, ingressOnly bool) []string {
	var did []string
	ports := []string{"22", "80", "443", "3306", "8080", "1000-2000"}
	for range 1 + rng.IntN(3) {
		sg := pick(rng, s.SecurityGroups)
		switch rng.IntN(3) {
		case 0, 1: // a rule added
			r := model.SGRule{Protocol: model.ProtocolTCP, CIDR: pick(rng, prefixes)}
			pr, _ := model.ParsePortRange(pick(rng, ports))
			r.FromPort, r.ToPort = int32(pr.From), int32(pr.To)
			if !ingressOnly && rng.IntN(3) == 0 {
				sg.Egress = append(slices.Clone(sg.Egress), r)
				did = append(did, "outbound rule added to "+sg.ID)
			} else {
				sg.Ingress = append(slices.Clone(sg.Ingress), r)
				did = append(did, "inbound rule added to "+sg.ID)
			}
		case 2: // an inbound rule removed
			if len(sg.Ingress) > 0 {
				i := rng.IntN(len(sg.Ingress))
				sg.Ingress = slices.Delete(slices.Clone(sg.Ingress), i, i+1)
				did = append(did, "inbound rule removed from "+sg.ID)
			}
		}
	}
	return did
}

// TestPropertyDiffOverSharedWalks checks the comparison of snapshots that
// differ only in security group rules against the naive one, and that
// both its shortcuts (the walks shared; receivers skipped or limited to
// what their rules changed) and their fallbacks (a group the views
// evaluate changed: walked twice; outbound rules or translated paths:
// compared in full) are exercised.
func TestPropertyDiffOverSharedWalks(t *testing.T) {
	defer reach.SetDiffChunk(3)()
	modes := map[string]int{}
	for seed := range uint64(propertySeeds(t)) {
		rnA, rnB := pureNetwork(seed), pureNetwork(seed)
		rng := rand.New(rand.NewPCG(seed, 25))
		if len(rnB.w.s.SecurityGroups) == 0 {
			continue
		}
		did := mutateRules(rng, rnB.w.s, rnA.prefixes, rng.IntN(3) > 0)
		ea, eb := reach.New(rnA.w.s), reach.New(rnB.w.s)
		samples := rnA.interesting(rand.New(rand.NewPCG(seed, 26)))
		for _, q := range diffQuestions(rng, ea.Ends()) {
			name := fmt.Sprintf("seed %d (%v), %s", seed, did, q.name)
			checkDiff(t, name, ea, eb, q.from, q.to, samples)
			probes := ea.DefaultProbes()
			ra, err := ea.Relate(reach.RelationOptions{From: q.from(ea), To: q.to(ea), Probes: probes, Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			rb, err := eb.Relate(reach.RelationOptions{From: q.from(eb), To: q.to(eb), Probes: probes, Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			m, err := reach.DiffModes(ra, rb)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if m["shared"] == 0 {
				modes["walked twice"]++
			}
			for k, v := range m {
				modes[k] += v
			}
		}
	}
	t.Logf("comparisons: %v", modes)
	if !testing.Short() {
		for _, k := range []string{"shared", "walked twice", "skipped", "limited", "full"} {
			if modes[k] == 0 {
				t.Errorf("no comparison %s: the shortcut or its fallback is not exercised (%v)", k, modes)
			}
		}
	}
}

// mutateRedundantRules adds to a few groups inbound rules their other
// inbound rules already cover (a copy of one under another description,
// or of it on one of its ports), and sometimes changes rules for real
// (mutateRules): a receiver whose rules changed and yet admit what they
// admitted before.
func mutateRedundantRules(rng *rand.Rand, s *model.Snapshot, prefixes []netip.Prefix) []string {
	var did []string
	for range 1 + rng.IntN(3) {
		sg := pick(rng, s.SecurityGroups)
		if len(sg.Ingress) == 0 {
			continue
		}
		r := pick(rng, sg.Ingress)
		r.Description = "again"
		if r.Protocol.HasPorts() && r.FromPort < r.ToPort && rng.IntN(2) == 0 {
			r.ToPort = r.FromPort
		}
		sg.Ingress = append(slices.Clone(sg.Ingress), r)
		did = append(did, "covered inbound rule added to "+sg.ID)
	}
	if rng.IntN(2) == 0 {
		did = append(did, mutateRules(rng, s, prefixes, true)...)
	}
	return did
}

// TestPropertyDiffSkipsReceiversAdmittingAlike checks the comparison of
// snapshots whose changed inbound rules often admit nothing new (a
// receiver skipped when both sides' rules, limited to the ports that
// changed, admit alike) against the naive one, and that the skip is
// exercised.
func TestPropertyDiffSkipsReceiversAdmittingAlike(t *testing.T) {
	defer reach.SetDiffChunk(3)()
	modes := map[string]int{}
	for seed := range uint64(propertySeeds(t)) {
		rnA, rnB := pureNetwork(seed), pureNetwork(seed)
		rng := rand.New(rand.NewPCG(seed, 35))
		if len(rnB.w.s.SecurityGroups) == 0 {
			continue
		}
		did := mutateRedundantRules(rng, rnB.w.s, rnA.prefixes)
		ea, eb := reach.New(rnA.w.s), reach.New(rnB.w.s)
		if rng.IntN(2) == 0 {
			ea, eb = eb, ea // covered rules removed rather than added
		}
		samples := rnA.interesting(rand.New(rand.NewPCG(seed, 36)))
		for _, q := range diffQuestions(rng, ea.Ends()) {
			name := fmt.Sprintf("seed %d (%v), %s", seed, did, q.name)
			checkDiff(t, name, ea, eb, q.from, q.to, samples)
			probes := ea.DefaultProbes()
			ra, err := ea.Relate(reach.RelationOptions{From: q.from(ea), To: q.to(ea), Probes: probes, Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			rb, err := eb.Relate(reach.RelationOptions{From: q.from(eb), To: q.to(eb), Probes: probes, Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			m, err := reach.DiffModes(ra, rb)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for k, v := range m {
				modes[k] += v
			}
		}
	}
	t.Logf("comparisons: %v", modes)
	if !testing.Short() {
		for _, k := range []string{"admit alike", "limited"} {
			if modes[k] == 0 {
				t.Errorf("no comparison %s: the shortcut or its fallback is not exercised (%v)", k, modes)
			}
		}
	}
}
