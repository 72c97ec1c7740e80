package reach_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"go4.org/netipx"
)

// The reproductions of issue 9: three networks where one sampled internet
// address used to stand for all of them, so that reach, who-can-reach and
// exposure gave three different answers. Each case now asks all three and
// checks that they agree and are exact: the source set is the internet
// the security group admits, less what the network ACL denies (AWS VPC
// user guide: network ACL rules are evaluated in order, first match wins;
// security group rules allow only).

// setsWorld is a server, web (10.0.1.30, public 54.0.0.30, group sg-web),
// in a public subnet with a custom network ACL acl-web whose other rules
// allow everything.
func setsWorld(sgRule string, aclDeny ...string) *world {
	w := lan()
	w.igw("igw-a", "vpc-a").route("rtb-a", "0.0.0.0/0", "igw-a")
	w.instance("i-web", "subnet-a1", "10.0.1.30", "sg-web")
	w.public("eni-web", "54.0.0.30").allow("sg-web", sgRule)
	w.nacl("acl-web", "vpc-a", "subnet-a1")
	w.entries("acl-web", aclDeny...)
	w.entries("acl-web", "in 200 allow all * 0.0.0.0/0", "out 200 allow all * 0.0.0.0/0")
	return w
}

// internetIn returns the internet addresses (as the engine counts them)
// within the prefixes an answer lists: answers name internet sets by the
// fewest prefixes whose internet addresses they are.
func internetIn(t *testing.T, e *reach.Engine, prefixes []string) *netipx.IPSet {
	t.Helper()
	var b netipx.IPSetBuilder
	for _, p := range prefixes {
		pr, err := netip.ParsePrefix(p)
		if err != nil {
			t.Fatalf("%q is not a CIDR prefix: %v", p, err)
		}
		b.AddPrefix(pr)
	}
	b.Intersect(e.Internet())
	s, _ := b.IPSet()
	return s
}

// wantSet is the internet (as the engine counts it) within include, less exclude.
func wantSet(e *reach.Engine, include []string, exclude ...string) *netipx.IPSet {
	var b netipx.IPSetBuilder
	for _, p := range include {
		b.AddPrefix(netip.MustParsePrefix(p))
	}
	for _, x := range exclude {
		b.RemovePrefix(netip.MustParsePrefix(x))
	}
	b.Intersect(e.Internet())
	s, _ := b.IPSet()
	return s
}

func TestSetAnswersAgree(t *testing.T) {
	cases := []struct {
		name  string
		world func() *world
		port  int
		// the exact internet sources that reach eni-web, and one that does not
		include []string
		exclude []string
		outside string
		summary string // how the answers say the set in words
	}{
		{name: "a group open to the world on 443 behind an ACL that denies only 8.0.0.0/8 is exposed to the rest of the internet",
			world: func() *world { return setsWorld("in tcp 443 0.0.0.0/0", "in 100 deny all * 8.0.0.0/8") },
			port:  443, include: []string{"0.0.0.0/0"}, exclude: []string{"8.0.0.0/8"}, outside: "8.8.8.8",
			summary: "the IPv4 internet except 8.0.0.0/8"},
		{name: "a group admitting 203.0.113.0/24 on 22 behind an ACL that denies 203.0.113.0/25 admits exactly 203.0.113.128/25",
			world: func() *world {
				return setsWorld("in tcp 22 203.0.113.0/24", "in 100 deny tcp 22 203.0.113.0/25")
			},
			port: 22, include: []string{"203.0.113.128/25"}, outside: "203.0.113.5", summary: "203.0.113.128/25"},
		{name: "a group that admits the internet through a customer-managed prefix list is reached from the list's addresses",
			world: func() *world {
				w := setsWorld("in tcp 443 pl-partners")
				w.prefixList("pl-partners", "partners", false, "198.51.100.0/24", "192.0.2.0/28")
				return w
			},
			port: 443, include: []string{"198.51.100.0/24", "192.0.2.0/28"}, outside: "8.8.8.8", summary: "192.0.2.0/28, 198.51.100.0/24"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := reach.New(c.world().s)
			want := wantSet(e, c.include, c.exclude...)

			// reach --from internet: reachable, for exactly the set
			a, err := e.Reach(reach.Query{From: "internet", To: "i-web", Protocol: model.ProtocolTCP, Port: c.port})
			if err != nil {
				t.Fatal(err)
			}
			if !a.Reachable {
				t.Fatalf("reach --from internet: %s", a.Summary())
			}
			if got := internetIn(t, e, a.Query.Source.Addresses); !got.Equal(want) {
				t.Errorf("reach --from internet holds for %v, want %v", got.Prefixes(), want.Prefixes())
			}
			if a.Query.Source.Summary != c.summary {
				t.Errorf("reach --from internet says %q, want %q", a.Query.Source.Summary, c.summary)
			}
			if ex := netip.MustParseAddr(a.Query.Source.IP); !want.Contains(ex) {
				t.Errorf("the example source %s is outside the set that gets through", ex)
			}

			// a point query from outside the set is blocked by the ACL or group
			b, err := e.Reach(reach.Query{From: c.outside, To: "54.0.0.30", Protocol: model.ProtocolTCP, Port: c.port})
			if err != nil {
				t.Fatal(err)
			}
			if b.Reachable || b.Blocked == nil || (b.Blocked.Layer != reach.LayerNetworkACL && b.Blocked.Layer != reach.LayerSecurityGroup) || b.Blocked.Direction != reach.DirForward {
				t.Errorf("reach --from %s: %s, want blocked inbound by the network ACL or security group", c.outside, b.Summary())
			}

			// who-can-reach: the internet source is exactly the set
			who, err := e.WhoCanReach(reach.WhoQuery{To: "i-web", Protocol: model.ProtocolTCP, Port: c.port})
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(who.Sources, func(s reach.Source) bool { return s.Kind == "internet" })
			if i < 0 {
				t.Fatalf("who-can-reach lists no internet source: %+v", who.Sources)
			}
			if got := internetIn(t, e, who.Sources[i].IPs); !got.Equal(want) {
				t.Errorf("who-can-reach's internet source is %v, want %v", got.Prefixes(), want.Prefixes())
			}

			// exposure: the port, from exactly the set
			rep := e.Exposure(reach.ExposureOptions{Port: c.port})
			var got netipx.IPSetBuilder
			for _, x := range rep.Exposed {
				if x.ID != "eni-web" || x.Protocol != "tcp" {
					continue
				}
				if !slices.Equal(x.PortRanges, []model.PortRange{model.SinglePort(uint16(c.port))}) {
					t.Errorf("exposure ports %v, want %d", x.PortRanges, c.port)
				}
				got.AddSet(internetIn(t, e, x.Sources))
				if x.SourceSummary != c.summary {
					t.Errorf("exposure says %q, want %q", x.SourceSummary, c.summary)
				}
			}
			gs, _ := got.IPSet()
			if !gs.Equal(want) {
				t.Errorf("exposure sources %v, want %v", gs.Prefixes(), want.Prefixes())
			}
		})
	}
}
