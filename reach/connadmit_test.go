package reach_test

import (
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

// TestConnectivityOverlappingVPCCIDRs: VPCs that are not peered with
// each other may use the same addresses (AWS refuses only a peering
// between overlapping CIDRs), so senders of two subnets can interleave
// in address order. A receiver in a third VPC, peered with both and
// routing a more specific block back to one of them, admits a range
// that holds senders of both: every matrix cell agrees with the links
// and holds the port, by hand: 10.0.1.20 (vpc-c) and 10.0.1.40 (vpc-a)
// are in 10.0.1.16/27, 10.0.1.10 (vpc-a) is not.
func TestConnectivityOverlappingVPCCIDRs(t *testing.T) {
	w := newWorld()
	w.vpc("vpc-a", "10.0.0.0/16")
	w.vpc("vpc-c", "10.0.0.0/16")
	w.vpc("vpc-b", "10.1.0.0/16")
	w.addSubnet("subnet-a1", "vpc-a", "us-east-1a", "10.0.1.0/24")
	w.addSubnet("subnet-c1", "vpc-c", "us-east-1a", "10.0.1.0/24")
	w.addSubnet("subnet-b1", "vpc-b", "us-east-1a", "10.1.1.0/24")
	w.peering("pcx-ab", "vpc-a", "vpc-b", "active")
	w.peering("pcx-cb", "vpc-c", "vpc-b", "active")
	w.route("rtb-a", "10.1.0.0/16", "pcx-ab")
	w.route("rtb-c", "10.1.0.0/16", "pcx-cb")
	w.route("rtb-b", "10.0.1.0/24", "pcx-ab")
	w.route("rtb-b", "10.0.1.16/28", "pcx-cb")
	w.instance("i-a10", "subnet-a1", "10.0.1.10")
	w.instance("i-c20", "subnet-c1", "10.0.1.20")
	w.instance("i-a40", "subnet-a1", "10.0.1.40")
	w.instance("i-db", "subnet-b1", "10.1.1.10", "sg-db")
	w.allow("sg-db", "in tcp 5432 10.0.1.16/27")
	e := reach.New(w.s)
	all := reach.Group{Interfaces: e.Ends(), Internet: true}
	rel, err := e.Relate(reach.RelationOptions{From: all, To: all})
	if err != nil {
		t.Fatal(err)
	}
	if n := matrixAgreesWithLinks(t, "overlapping VPCs", e, rel); n == 0 {
		t.Fatal("no cells compared")
	}
	m := rel.Matrix(reach.BySubnet)
	for _, from := range []string{"subnet-a1", "subnet-c1"} {
		c, ok := m.Cell(from, "subnet-b1")
		if !ok || c.Services != "tcp/5432" {
			t.Errorf("cell %s -> subnet-b1: %q (%v), want tcp/5432", from, c.Services, ok)
		}
	}
}

// TestPropertyGroupAdmissionsUnionToMixes: what a mix of security groups
// admits, as the walk's stage evaluates the mix, is the union of what its
// groups admit alone — so a receiving subnet's column, built from its
// groups' admissions, is the one built from its classes' mixes, for
// every sending subnet (over random networks, both IP versions, packets
// that came within the VPC or whichever way).
func TestPropertyGroupAdmissionsUnionToMixes(t *testing.T) {
	checked := 0
	for seed := range uint64(propertySeeds(t)) {
		rn := randomNetwork(seed)
		withPureSubnets(rn, seed)
		e := reach.New(rn.w.s)
		all := reach.Group{Interfaces: rn.enis, Internet: true}
		bad, n, err := reach.GroupAdmissionMismatches(e, all)
		if err != nil {
			t.Fatal(err)
		}
		checked += n
		for _, b := range bad {
			t.Errorf("seed %d: %s", seed, b)
		}
	}
	if checked == 0 {
		t.Fatal("nothing compared")
	}
	t.Logf("%d classes and columns compared", checked)
}

// TestGroupAdmissionsUnionToMixesOnFixtures is the property on every
// fixture and on a small generated account (mixes of groups whose rules
// reference groups and prefix lists, in peered VPCs).
func TestGroupAdmissionsUnionToMixesOnFixtures(t *testing.T) {
	snaps := map[string]*model.Snapshot{"generated": fixtures.Large(fixtures.LargeConfig{Seed: 3, VPCs: 4, Subnets: 24, Interfaces: 300, SecurityGroups: 60, Rules: 600, Peerings: 3})}
	if err := fixtures.AddAll(snaps); err != nil {
		t.Fatal(err)
	}
	for name, s := range snaps {
		e := reach.New(s)
		bad, n, err := reach.GroupAdmissionMismatches(e, reach.Group{Interfaces: e.Ends(), Internet: true})
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 && len(e.Ends()) > 0 {
			t.Errorf("%s: nothing compared", name)
		}
		for _, b := range bad {
			t.Errorf("%s: %s", name, b)
		}
	}
}

// TestMatrixAgreesWithLinksOnFixtures: on every fixture and a small
// generated account, the matrices by VPC and subnet (added up subnet by
// subnet, with the receivers' groups' admissions) and by security group
// and interface hold exactly the ports of the relation's links, which
// apply each mix of groups as the walk's stage evaluates it.
func TestMatrixAgreesWithLinksOnFixtures(t *testing.T) {
	snaps := map[string]*model.Snapshot{"generated": fixtures.Large(fixtures.LargeConfig{Seed: 5, VPCs: 5, Subnets: 30, Interfaces: 240, SecurityGroups: 50, Rules: 500, Peerings: 4})}
	if err := fixtures.AddAll(snaps); err != nil {
		t.Fatal(err)
	}
	for name, s := range snaps {
		e := reach.New(s)
		all := reach.Group{Interfaces: e.Ends(), Internet: true}
		rel, err := e.Relate(reach.RelationOptions{From: all, To: all})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d cells compared", name, matrixAgreesWithLinks(t, name, e, rel))
	}
}
