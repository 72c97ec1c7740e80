package edit_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
)

// Demo IDs the tests use (see `vpcscope inspect --demo storefront-db-sg`).
const (
	dbSG      = "sg-0a881a8838796aca3" // storefront-db-sg: tcp/3306 from the app SG, tcp/22 from 203.0.113.0/24
	webSG     = "sg-0afa569aa3fb873cc" // storefront-web-sg
	appSG     = "sg-01dfe7c8f9c2739ef" // storefront-app-sg
	fraudSG   = "sg-0b4d6ebc96560e4f2" // fraud-scoring-sg, in account 444455556666
	dbACL     = "acl-0bbe693c8e98700d0"
	publicRT  = "rtb-07aaa8b7560850b26" // storefront-public-rt: 10.0.0.0/16 local, 0.0.0.0/0 igw
	ledgerPCX = "pcx-0cdf435fdeb37d198" // payments-ledger
	natGW     = "nat-05351ea7ce76dbb76" // storefront-nat-1a
	s3PL      = "pl-63a5400a"
)

func demo(t testing.TB) (*model.Snapshot, *model.Index) {
	t.Helper()
	s, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	return s, model.NewIndex(s)
}

// TestParseRoundTrip: every edit in its canonical form parses and renders
// back to the same text, and the rendered text parses to the same edit.
func TestParseRoundTrip(t *testing.T) {
	_, ix := demo(t)
	for _, tt := range []struct{ name, text string }{
		{"an inbound rule from a group", dbSG + " ingress tcp 3306 from " + webSG},
		{"an outbound rule for all traffic", dbSG + " egress all to 0.0.0.0/0"},
		{"a rule with a description", dbSG + " ingress tcp 22 from 203.0.113.7/32 # bastion host"},
		{"an ICMP type", dbSG + " ingress icmp 8 from 10.0.0.0/8"},
		{"an ICMP type and code", dbSG + " ingress icmp 3:4 from 10.0.0.0/8"},
		{"every ICMPv6 message from an IPv6 block", dbSG + " ingress icmpv6 from ::/0"},
		{"a port range from a prefix list", dbSG + " ingress udp 1024-65535 from " + s3PL},
		{"a group in another account", dbSG + " ingress tcp 443 from 444455556666/" + fraudSG},
		{"a protocol number without ports", dbSG + " ingress 50 from 10.0.0.0/8"},
		{"a network ACL allow entry", dbACL + " inbound 95 allow tcp 1024-65535 10.0.0.0/24"},
		{"a network ACL deny entry", dbACL + " outbound 100 deny all 0.0.0.0/0"},
		{"a network ACL ICMP entry", dbACL + " inbound 90 allow icmp 8:0 10.0.0.0/16"},
		{"a route through a peering connection", "route " + publicRT + " 10.9.0.0/16 via " + ledgerPCX},
		{"a route to a prefix list", "route " + publicRT + " " + s3PL + " via " + natGW},
		{"a replaced group rule", "replace " + dbSG + " ingress 1 with tcp 3306 from " + webSG},
		{"a replaced network ACL entry", "replace " + dbACL + " outbound 100 with 100 allow tcp 1024-65535 10.0.0.0/16"},
		{"a replaced route", "replace " + publicRT + " 0.0.0.0/0 via " + natGW},
		{"a disabled route", "disable " + publicRT + " 0.0.0.0/0"},
		{"a disabled group rule", "disable " + dbSG + " ingress 2"},
		{"a disabled network ACL entry", "disable " + dbACL + " inbound 100"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, err := edit.Parse(ix, tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.String(); got != tt.text {
				t.Errorf("String() = %q, want %q", got, tt.text)
			}
			back, err := edit.Parse(ix, e.String())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, e) {
				t.Errorf("Parse(String()) = %+v, want %+v", back, e)
			}
		})
	}
}

// TestParseNames: resources and peers are named by ID, a unique ID prefix,
// a Name tag or a group name; addresses are /32; the canonical text uses IDs.
func TestParseNames(t *testing.T) {
	_, ix := demo(t)
	for _, tt := range []struct{ name, text, want string }{
		{"Name tags for the group and its peer", "storefront-db-sg ingress tcp 3306 from storefront-web-sg", dbSG + " ingress tcp 3306 from " + webSG},
		{"unique ID prefixes, and the peer word is optional", "sg-0a88 ingress tcp 3306 sg-0afa", dbSG + " ingress tcp 3306 from " + webSG},
		{"an address is a /32", dbSG + " ingress tcp 22 from 10.0.0.5", dbSG + " ingress tcp 22 from 10.0.0.5/32"},
		{"a group in the same account is named by its ID alone", dbSG + " ingress tcp 3306 from 111122223333/" + webSG, dbSG + " ingress tcp 3306 from " + webSG},
		{"a group in another account named by name carries its account", dbSG + " ingress tcp 443 from fraud-scoring-sg", dbSG + " ingress tcp 443 from 444455556666/" + fraudSG},
		{"network ACL directions by Name tag and short word", "storefront-db-nacl in 95 allow TCP 1024-65535 10.0.0.0/24", dbACL + " inbound 95 allow tcp 1024-65535 10.0.0.0/24"},
		{"an ICMP type of all is every message", dbACL + " inbound 90 allow icmp all 10.0.0.0/16", dbACL + " inbound 90 allow icmp 10.0.0.0/16"},
		{"a route table and target by Name tag", "route storefront-public-rt 10.9.0.0/16 via payments-ledger", "route " + publicRT + " 10.9.0.0/16 via " + ledgerPCX},
		{"keywords ignore case", "DISABLE " + dbSG + " Ingress 2", "disable " + dbSG + " ingress 2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, err := edit.Parse(ix, tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestParseErrors: bad syntax and unknown names are one-line errors that
// say what is wrong.
func TestParseErrors(t *testing.T) {
	_, ix := demo(t)
	for _, tt := range []struct{ name, text, want string }{
		{"an empty edit", "  ", "empty edit"},
		{"an unknown resource", "sg-ffffffffffffffff ingress tcp 3306 from 10.0.0.0/8", "no security-group, network-acl, route-table with ID or name"},
		{"an unknown peer group", dbSG + " ingress tcp 3306 from sg-ffffffffffffffff", "peer: no security-group"},
		{"a malformed peer CIDR", dbSG + " ingress tcp 3306 from 10.0.0/8", `peer "10.0.0/8": not a CIDR`},
		{"a peer CIDR with host bits set", dbSG + " ingress tcp 3306 from 10.0.0.5/16", "did you mean 10.0.0.0/16 or 10.0.0.5/32"},
		{"an unknown prefix list peer", dbSG + " ingress tcp 443 from pl-00000000", "no prefix list"},
		{"tcp without ports", dbSG + " ingress tcp from 10.0.0.0/8", "tcp needs ports"},
		{"ports on protocol all", dbSG + " ingress all 22 from 10.0.0.0/8", "takes no ports"},
		{"a bad ICMP type", dbSG + " ingress icmp 300 from 10.0.0.0/8", "want TYPE or TYPE:CODE"},
		{"a bad protocol", dbSG + " ingress tpc 22 from 10.0.0.0/8", `protocol "tpc"`},
		{"a bad direction", dbSG + " sideways tcp 22 from 10.0.0.0/8", "want ingress or egress"},
		{"an inbound rule with to", dbSG + " ingress tcp 22 to 10.0.0.0/8", `names its peer with "from"`},
		{"a missing direction", dbSG, "want a direction"},
		{"disable without a rule", "disable " + dbSG + " ingress", "which rule?"},
		{"disable with a word for a number", "disable " + dbACL + " inbound abc", "want a rule number"},
		{"security group rules count from 1", "disable " + dbSG + " ingress 0", "numbered from 1"},
		{"replace without with", "replace " + dbSG + " ingress 1 tcp 22 from 10.0.0.0/8", `want "with"`},
		{"a bad network ACL action", dbACL + " inbound 95 maybe tcp 22 10.0.0.0/8", `action "maybe"`},
		{"a network ACL entry with a description", dbACL + " inbound 95 allow tcp 22 10.0.0.0/8 # ssh", "no description"},
		{"a short network ACL entry", dbACL + " inbound 95 allow", "want NUMBER allow|deny"},
		{"a route added without the route keyword", publicRT + " 10.9.0.0/16 via " + ledgerPCX, `add a route with "route`},
		{"a route to an unknown target", "route " + publicRT + " 10.9.0.0/16 via pcx-ffffffffffffffff", "target: no internet-gateway"},
		{"a route without via", "route " + publicRT + " 10.9.0.0/16 " + ledgerPCX, "want DEST via TARGET"},
		{"an ambiguous name", "default ingress tcp 22 from 10.0.0.0/8", `group name "default" names`},
		{"disable what", "disable", "disable what?"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := edit.Parse(ix, tt.text)
			if err == nil {
				t.Fatalf("Parse(%q) succeeded", tt.text)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

// FuzzParse: no input makes Parse panic, and whatever parses renders to
// text that parses to the same edit.
func FuzzParse(f *testing.F) {
	s, err := fixtures.Demo()
	if err != nil {
		f.Fatal(err)
	}
	ix := model.NewIndex(s)
	for _, seed := range []string{
		dbSG + " ingress tcp 3306 from " + webSG, dbACL + " inbound 95 allow tcp 1024-65535 10.0.0.0/24",
		"route " + publicRT + " 10.9.0.0/16 via " + ledgerPCX, "disable " + dbSG + " ingress 2",
		"replace " + dbACL + " outbound 100 with 100 allow icmp 3:4 10.0.0.0/16", "sg-0a88 egress all to ::/0 # x",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		e, err := edit.Parse(ix, line)
		if err != nil {
			return
		}
		back, err := edit.Parse(ix, e.String())
		if err != nil {
			t.Fatalf("%q parsed, but its rendering %q does not: %v", line, e.String(), err)
		}
		if !reflect.DeepEqual(back, e) {
			t.Fatalf("%q: round trip through %q changed the edit", line, e.String())
		}
	})
}
