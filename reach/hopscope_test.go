package reach_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

// The hop scope tests: every hop of an answer carries the account and
// Region of its resource (Hop.Account, Hop.Region), and reach.Crossings
// says where a path enters another account or Region — the line the text
// output and the explorer's trace view print.

// scoped renders a path as its presenters do, one line per hop
// ("resource account region") preceded by its crossing line, if any.
func scoped(hops []reach.Hop) []string {
	var out []string
	for i, c := range reach.Crossings(hops) {
		if c.Crosses() {
			out = append(out, "⇢ "+c.String())
		}
		h := hops[i]
		out = append(out, strings.TrimSpace(h.Resource+" "+h.Account+" "+h.Region))
	}
	return out
}

// crossAccountTGWPeering is twoTransitGateways with the us-west-2 side
// (tgw-2, its route table, its side of the peering attachment, vpc-w and
// everything in it) owned by account acct2.
func crossAccountTGWPeering() *world {
	w := twoTransitGateways()
	for r := range w.s.All() {
		if m := r.Base(); m.Region == region2 {
			m.Account = acct2
		}
	}
	return w
}

// sharedSubnet is webLAN with subnet-a1 shared through AWS RAM with
// account acct2, which runs i-client there: the instance, its interface
// and its group sg-client are acct2's; the VPC, the subnet, its route
// table and network ACL stay acct's.
func sharedSubnet() *world {
	w := webLAN()
	w.subnet("subnet-a1").Participants = []model.Participant{{Account: acct2, AvailabilityZone: "us-east-1a"}}
	w.inst("i-client").Account = acct2
	w.eni("eni-client").Account = acct2
	w.eni("eni-client").Attachment.InstanceOwnerID = acct2
	w.sg("sg-client").Account = acct2
	return w
}

func TestHopAccountAndRegion(t *testing.T) {
	cases := []struct {
		name string
		// doc cites the AWS behaviour that puts the resources where they are.
		doc      string
		base     func() *world
		q        reach.Query
		fwd, ret []string
	}{
		{name: "a VPC peering across accounts: the connection is the requester's, the accepter VPC's ACL, group and interface the accepter's",
			doc:  "https://docs.aws.amazon.com/vpc/latest/peering/create-vpc-peering-connection.html",
			base: func() *world { return peeredAt(acct2, region) }, q: toPeerSSH,
			fwd: []string{
				"sg-client 111111111111 us-east-1", "rtb-a 111111111111 us-east-1", "acl-a 111111111111 us-east-1",
				"pcx-ab 111111111111 us-east-1",
				"⇢ crosses into account 222222222222 (us-east-1)",
				"acl-b 222222222222 us-east-1", "sg-peer 222222222222 us-east-1", "eni-peer 222222222222 us-east-1"},
			ret: []string{
				"sg-peer 222222222222 us-east-1", "rtb-b 222222222222 us-east-1", "acl-b 222222222222 us-east-1",
				"⇢ crosses into account 111111111111 (us-east-1)",
				"pcx-ab 111111111111 us-east-1",
				"acl-a 111111111111 us-east-1", "sg-client 111111111111 us-east-1", "eni-client 111111111111 us-east-1"}},
		{name: "a VPC peering across Regions: the path crosses into the accepter's Region at its network ACL",
			doc:  "https://docs.aws.amazon.com/vpc/latest/peering/what-is-vpc-peering.html",
			base: func() *world { return peeredAt(acct, region2) }, q: toPeerSSH,
			fwd: []string{
				"sg-client 111111111111 us-east-1", "rtb-a 111111111111 us-east-1", "acl-a 111111111111 us-east-1",
				"pcx-ab 111111111111 us-east-1",
				"⇢ crosses into region us-west-2",
				"acl-b 111111111111 us-west-2", "sg-peer 111111111111 us-west-2", "eni-peer 111111111111 us-west-2"},
			ret: []string{
				"sg-peer 111111111111 us-west-2", "rtb-b 111111111111 us-west-2", "acl-b 111111111111 us-west-2",
				"⇢ crosses into region us-east-1",
				"pcx-ab 111111111111 us-east-1",
				"acl-a 111111111111 us-east-1", "sg-client 111111111111 us-east-1", "eni-client 111111111111 us-east-1"}},
		{name: "a transit gateway peering across Regions: each side of the peering attachment is in its own gateway's Region",
			doc:  "https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering.html",
			base: twoTransitGateways, q: tcp("i-client", "i-west", 22),
			fwd: []string{
				"sg-client 111111111111 us-east-1", "rtb-a 111111111111 us-east-1", "acl-a 111111111111 us-east-1",
				"acl-a 111111111111 us-east-1", "tgw-attach-a 111111111111 us-east-1", "tgw-rtb-1 111111111111 us-east-1",
				"tgw-attach-peer 111111111111 us-east-1",
				"⇢ crosses into region us-west-2",
				"tgw-rtb-2 111111111111 us-west-2", "tgw-attach-w 111111111111 us-west-2", "rtb-w 111111111111 us-west-2",
				"sg-west 111111111111 us-west-2", "eni-west 111111111111 us-west-2"},
			ret: []string{
				"sg-west 111111111111 us-west-2", "rtb-w 111111111111 us-west-2", "acl-w 111111111111 us-west-2",
				"acl-w 111111111111 us-west-2", "tgw-attach-w 111111111111 us-west-2", "tgw-rtb-2 111111111111 us-west-2",
				"tgw-attach-peer 111111111111 us-west-2",
				"⇢ crosses into region us-east-1",
				"tgw-rtb-1 111111111111 us-east-1", "tgw-attach-a 111111111111 us-east-1", "rtb-a 111111111111 us-east-1",
				"sg-client 111111111111 us-east-1", "eni-client 111111111111 us-east-1"}},
		{name: "a transit gateway peering across accounts and Regions: one line says both",
			doc:  "https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering.html",
			base: crossAccountTGWPeering, q: tcp("i-client", "i-west", 22),
			fwd: []string{
				"sg-client 111111111111 us-east-1", "rtb-a 111111111111 us-east-1", "acl-a 111111111111 us-east-1",
				"acl-a 111111111111 us-east-1", "tgw-attach-a 111111111111 us-east-1", "tgw-rtb-1 111111111111 us-east-1",
				"tgw-attach-peer 111111111111 us-east-1",
				"⇢ crosses into account 222222222222, region us-west-2",
				"tgw-rtb-2 222222222222 us-west-2", "tgw-attach-w 222222222222 us-west-2", "rtb-w 222222222222 us-west-2",
				"sg-west 222222222222 us-west-2", "eni-west 222222222222 us-west-2"},
			ret: []string{
				"sg-west 222222222222 us-west-2", "rtb-w 222222222222 us-west-2", "acl-w 222222222222 us-west-2",
				"acl-w 222222222222 us-west-2", "tgw-attach-w 222222222222 us-west-2", "tgw-rtb-2 222222222222 us-west-2",
				"tgw-attach-peer 222222222222 us-west-2",
				"⇢ crosses into account 111111111111, region us-east-1",
				"tgw-rtb-1 111111111111 us-east-1", "tgw-attach-a 111111111111 us-east-1", "rtb-a 111111111111 us-east-1",
				"sg-client 111111111111 us-east-1", "eni-client 111111111111 us-east-1"}},
		{name: "a subnet shared through AWS RAM: the participant's interface and group are the participant's, the subnet's route table and ACL the owner's",
			doc:  "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html",
			base: sharedSubnet, q: tcp("i-client", "i-server", 22),
			fwd: []string{
				"sg-client 222222222222 us-east-1",
				"⇢ crosses into account 111111111111 (us-east-1)",
				"rtb-a 111111111111 us-east-1", "acl-a 111111111111 us-east-1", "acl-a 111111111111 us-east-1",
				"sg-server 111111111111 us-east-1", "eni-server 111111111111 us-east-1"},
			ret: []string{
				"sg-server 111111111111 us-east-1", "rtb-a 111111111111 us-east-1", "acl-a 111111111111 us-east-1",
				"acl-a 111111111111 us-east-1",
				"⇢ crosses into account 222222222222 (us-east-1)",
				"sg-client 222222222222 us-east-1", "eni-client 222222222222 us-east-1"}},
		{name: "the internet is in no account or Region: its hop has neither, and crosses nothing",
			doc:  "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html",
			base: internetLAN, q: tcp("i-client", "8.8.8.8", 443),
			fwd: []string{
				"sg-client 111111111111 us-east-1", "rtb-a 111111111111 us-east-1", "acl-a 111111111111 us-east-1",
				"igw-a 111111111111 us-east-1", "internet"},
			ret: []string{
				"igw-a 111111111111 us-east-1", "acl-a 111111111111 us-east-1",
				"sg-client 111111111111 us-east-1", "eni-client 111111111111 us-east-1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := reach.New(c.base().s).Reach(c.q)
			if err != nil {
				t.Fatal(err)
			}
			if a.Verdict != reach.VerdictReachable {
				t.Fatalf("verdict %s, want reachable: %s", a.Verdict, a.Summary())
			}
			if got := scoped(a.Forward); !slices.Equal(got, c.fwd) {
				t.Errorf("forward path:\n got  %q\n want %q", got, c.fwd)
			}
			if got := scoped(a.Return); !slices.Equal(got, c.ret) {
				t.Errorf("return path:\n got  %q\n want %q", got, c.ret)
			}
		})
	}
}

// TestCrossings checks the rule on hops as answers carry them: a hop is
// compared with the last hop before it that knows its account (or
// Region), so hops that know neither — the internet, an address, an
// on-premises network — and a Direct Connect gateway, which is global
// (an account, no Region), neither cross nor hide a crossing.
// https://docs.aws.amazon.com/directconnect/latest/UserGuide/direct-connect-gateways-intro.html
func TestCrossings(t *testing.T) {
	hop := func(account, region string) reach.Hop { return reach.Hop{Account: account, Region: region} }
	cases := []struct {
		name string
		hops []reach.Hop
		want []string // the crossing line of each hop, "" for none
	}{
		{name: "the first hop of a path crosses nothing",
			hops: []reach.Hop{hop(acct2, region2)}, want: []string{""}},
		{name: "hops in one account and Region cross nothing",
			hops: []reach.Hop{hop(acct, region), hop(acct, region)}, want: []string{"", ""}},
		{name: "another account in the same Region",
			hops: []reach.Hop{hop(acct, region), hop(acct2, region)},
			want: []string{"", "crosses into account 222222222222 (us-east-1)"}},
		{name: "another Region in the same account",
			hops: []reach.Hop{hop(acct, region), hop(acct, region2)},
			want: []string{"", "crosses into region us-west-2"}},
		{name: "another account and Region at once",
			hops: []reach.Hop{hop(acct, region), hop(acct2, region2)},
			want: []string{"", "crosses into account 222222222222, region us-west-2"}},
		{name: "a hop that knows neither (the internet, on premises) does not hide the crossing after it",
			hops: []reach.Hop{hop(acct, region), hop("", ""), hop(acct2, region)},
			want: []string{"", "", "crosses into account 222222222222 (us-east-1)"}},
		{name: "a Direct Connect gateway (global: no Region) in another account crosses into the account only",
			hops: []reach.Hop{hop(acct, region), hop(acct2, ""), hop(acct2, region2)},
			want: []string{"", "crosses into account 222222222222", "crosses into region us-west-2"}},
		{name: "a path that starts where nothing is known crosses nothing at its first known hop",
			hops: []reach.Hop{hop("", ""), hop(acct, region)}, want: []string{"", ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cs := reach.Crossings(c.hops)
			got := make([]string, len(cs))
			for i, x := range cs {
				got[i] = x.String()
				if x.Crosses() != (got[i] != "") {
					t.Errorf("hop %d: Crosses() = %v but String() = %q", i, x.Crosses(), got[i])
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("crossings:\n got  %q\n want %q", got, c.want)
			}
		})
	}
}

// TestFixtureHopsCarryTheirScope asks every fixture scenario and the demo
// account's exposure, and checks every hop: one that names a resource of
// the snapshot carries that resource's account and Region (where records
// sharing its ID disagree, the walker must have told them apart, which
// only transit gateway peering attachments need and the cases above
// check); one that names none (the internet, an address, on premises)
// carries neither. No path may bypass the lookup.
func TestFixtureHopsCarryTheirScope(t *testing.T) {
	check := func(t *testing.T, ix *model.Index, where string, hops []reach.Hop) {
		t.Helper()
		for i, h := range hops {
			rs := ix.ResourcesByID(h.Resource)
			switch {
			case len(rs) == 0:
				if h.Account != "" || h.Region != "" {
					t.Errorf("%s hop %d (%s %s) names no resource of the snapshot but is in %q %q", where, i, h.Layer, h.Resource, h.Account, h.Region)
				}
			case len(rs) == 1:
				if m := rs[0].Base(); h.Account != m.Account || h.Region != m.Region {
					t.Errorf("%s hop %d (%s %s) is in %q %q, its resource in %q %q", where, i, h.Layer, h.Resource, h.Account, h.Region, m.Account, m.Region)
				}
			default:
				if !slices.ContainsFunc(rs, func(r model.Resource) bool {
					return r.Base().Account == h.Account && r.Base().Region == h.Region
				}) {
					t.Errorf("%s hop %d (%s %s) is in %q %q, none of its records is", where, i, h.Layer, h.Resource, h.Account, h.Region)
				}
			}
		}
	}
	hops := 0
	for _, name := range fixtures.Names() {
		snap, err := fixtures.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		scs, err := fixtures.Scenarios(name)
		if err != nil {
			t.Fatal(err)
		}
		e := reach.New(snap)
		ix := model.NewIndex(snap)
		for _, sc := range scs {
			ee := withOnPremSpecs(t, e, sc.OnPrem)
			a, err := ee.Reach(reach.Query{From: sc.From, To: sc.To, Protocol: sc.Protocol, Port: int(sc.Port)})
			if err != nil {
				t.Fatalf("%s/%s: %v", name, sc.Name, err)
			}
			check(t, ix, name+"/"+sc.Name+" forward", a.Forward)
			check(t, ix, name+"/"+sc.Name+" return", a.Return)
			hops += len(a.Forward) + len(a.Return)
		}
	}
	demo, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	ix := model.NewIndex(demo)
	for _, x := range reach.New(demo).Exposure(reach.ExposureOptions{}).Exposed {
		check(t, ix, "exposure of "+x.ID, x.Path)
		hops += len(x.Path)
	}
	if hops < 500 {
		t.Errorf("only %d hops checked", hops)
	}
}
