package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
)

// joinedClassKey is the class key as it was first written, one joined
// string per interface: the reference classKeyOf's struct key (and the
// instance states looked up once) must group as.
func joinedClassKey(e *Engine) func(*model.NetworkInterface) string {
	return func(n *model.NetworkInterface) string {
		if e.natByENI[n.ID] != nil || e.lbByENI[n.ID] != nil || e.vpceByNI[n.ID] != nil || managedOwner(n) != "" {
			return n.ID
		}
		groups := n.SecurityGroupIDs
		if !slices.IsSorted(groups) {
			groups = slices.Sorted(slices.Values(groups))
		}
		return strings.Join([]string{n.VPCID, n.SubnetID, strings.Join(groups, ","), boolWord(n.SourceDestCheck), n.InterfaceType, down(e.ix.Instance(n.InstanceID()))}, "|")
	}
}

// describeClasses renders the engine's classes, their members and
// addresses, and each interface's and VPC's classes.
func describeClasses(e *Engine) string {
	var b strings.Builder
	for _, c := range e.classes {
		ids := make([]string, len(c.members))
		for i, m := range c.members {
			ids[i] = m.ID
		}
		fmt.Fprintf(&b, "%s rep=%s members=%v addrs=%v private=%v\n", c.id, c.rep.ID, ids, c.addrs.ranges(), c.private.ranges())
	}
	for _, n := range e.snap.NetworkInterfaces {
		fmt.Fprintf(&b, "%s in %s\n", n.ID, e.classOf[n].id)
	}
	for _, v := range e.snap.VPCs {
		for _, c := range e.vpcClasses[v.ID] {
			fmt.Fprintf(&b, "%s has %s\n", v.ID, c.id)
		}
	}
	return b.String()
}

// classEdgeCases holds interfaces whose class keys differ in one field
// each: unsorted and sorted group lists, no groups, the check off, a
// stopped instance whose ID a running one repeats (the index finds the
// first), a managed interface.
func classEdgeCases() *model.Snapshot {
	eni := func(id, inst string, groups ...string) *model.NetworkInterface {
		n := &model.NetworkInterface{Meta: model.Meta{ID: id}, VPCID: "vpc-1", SubnetID: "subnet-1", SecurityGroupIDs: groups,
			SourceDestCheck: true, InterfaceType: "interface",
			PrivateIPs: []model.PrivateIP{{Address: netip.MustParseAddr("10.0.0." + strings.TrimPrefix(id, "eni-"))}}}
		if inst != "" {
			n.Attachment = &model.ENIAttachment{InstanceID: inst}
		}
		return n
	}
	enis := []*model.NetworkInterface{
		eni("eni-1", "", "sg-2", "sg-1"), eni("eni-2", "", "sg-1", "sg-2"), eni("eni-3", "", "sg-1"), eni("eni-4", ""),
		eni("eni-5", ""), eni("eni-6", "i-stopped", "sg-1"), eni("eni-7", "i-running", "sg-1"), eni("eni-8", "i-twice", "sg-1"),
		eni("eni-9", "i-gone", "sg-1"), eni("eni-10", "", "sg-1"), eni("eni-11", "", "sg-1"),
	}
	enis[9].SourceDestCheck = false
	enis[10].InterfaceType = "nat_gateway"
	return &model.Snapshot{
		VPCs:              []*model.VPC{{Meta: model.Meta{ID: "vpc-1"}}},
		Subnets:           []*model.Subnet{{Meta: model.Meta{ID: "subnet-1"}, VPCID: "vpc-1"}},
		NetworkInterfaces: enis,
		Instances: []*model.Instance{{Meta: model.Meta{ID: "i-stopped"}, State: "stopped"}, {Meta: model.Meta{ID: "i-running"}, State: "running"},
			{Meta: model.Meta{ID: "i-twice"}, State: "running"}, {Meta: model.Meta{ID: "i-twice"}, State: "stopped"}},
	}
}

// TestInterfaceClassesGroupAsTheJoinedKey: interfaces share a class when
// every stage treats them alike (same subnet, security groups in any
// order, source/destination check, type and instance state; managed
// interfaces alone). The struct key must give the classes, members,
// addresses and names the joined string key gives, and its string form
// must be that string, on every fixture, generated accounts and
// organizations and the edge cases (random networks:
// TestInterfaceClassesOfRandomNetworksGroupAsTheJoinedKey).
func TestInterfaceClassesGroupAsTheJoinedKey(t *testing.T) {
	snaps := map[string]*model.Snapshot{
		"edge cases":        classEdgeCases(),
		"generated account": fixtures.Large(fixtures.LargeConfig{Seed: 5, VPCs: 4, Subnets: 24, Interfaces: 400, SecurityGroups: 60, Rules: 600, Peerings: 3}),
		"generated org":     fixtures.Org(fixtures.ScaledOrg(3000)),
	}
	if err := fixtures.AddAll(snaps); err != nil {
		t.Fatal(err)
	}
	for name, s := range snaps {
		t.Run(name, func(t *testing.T) {
			if err := ClassesAgainstJoinedKey(s); err != nil {
				t.Error(err)
			}
		})
	}
}

// ClassesAgainstJoinedKey builds the engine of s and reports where its
// class keys or classes differ from those of the joined string key.
func ClassesAgainstJoinedKey(s *model.Snapshot) error {
	e := New(s)
	joined := joinedClassKey(e)
	for _, n := range s.NetworkInterfaces {
		if got, want := e.defaultClassKey(n), joined(n); got != want {
			return fmt.Errorf("%s: key %q, want %q", n.ID, got, want)
		}
	}
	got := describeClasses(e)
	groupClasses(e, joined)
	if want := describeClasses(e); got != want {
		return fmt.Errorf("classes differ from the joined key's:\n got %s\nwant %s", got, want)
	}
	return nil
}

// TestInterfaceLookupsAnswerAsTheIndex: the walk's per-interface lookups
// (subnet, security groups in the snapshot, IDs of those that are not),
// built from shared arrays, answer what the model's index answers.
func TestInterfaceLookupsAnswerAsTheIndex(t *testing.T) {
	snaps := map[string]*model.Snapshot{
		"edge cases":    classEdgeCases(),
		"generated org": fixtures.Org(fixtures.ScaledOrg(3000)),
	}
	snaps["edge cases"].NetworkInterfaces[2].SubnetID = "subnet-missing"
	snaps["edge cases"].SecurityGroups = []*model.SecurityGroup{{Meta: model.Meta{ID: "sg-2", Region: "us-east-1"}},
		{Meta: model.Meta{ID: "sg-2", Region: "eu-west-1"}}} // the index finds the first
	if err := fixtures.AddAll(snaps); err != nil {
		t.Fatal(err)
	}
	for name, s := range snaps {
		t.Run(name, func(t *testing.T) {
			e := New(s)
			for _, n := range s.NetworkInterfaces {
				if got, want := e.subnetOfIface(n), e.ix.Subnet(n.SubnetID); got != want {
					t.Errorf("%s: subnet %v, want %v", n.ID, got, want)
				}
				var groups []*model.SecurityGroup
				var missing []string
				for _, id := range n.SecurityGroupIDs {
					if sg := e.ix.SecurityGroup(id); sg != nil {
						groups = append(groups, sg)
					} else {
						missing = append(missing, id)
					}
				}
				gs, ms := e.groupsOf(n)
				if !slices.Equal(gs, groups) || !slices.Equal(ms, missing) || cap(gs) != len(gs) {
					t.Errorf("%s: groups %v missing %v (capacity %d), want %v and %v", n.ID, gs, ms, cap(gs), groups, missing)
				}
			}
		})
	}
}
