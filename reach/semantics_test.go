package reach_test

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

// The semantics tests: one case per documented AWS forwarding behaviour,
// each on a small synthetic snapshot built with the world builder
// (builder_test.go). A case's name states the AWS rule it checks. Every
// case asserts the verdict; a blocked one also the deciding layer,
// resource, direction, rule and Reachability Analyzer code; a reachable
// one what the path must cross.
//
// The cases in documentedFixes were first written where the engine
// disagreed with the AWS documentation; each keeps its citation.

// semCase is one documented behaviour.
type semCase struct {
	name  string
	base  func() *world
	build func(w *world)
	q     reach.Query
	want  expect
	// check makes assertions the expectation cannot express.
	check func(t *testing.T, a *reach.Answer)
	// doc cites the AWS documentation (required for disagreements).
	doc string
}

// expect is what an answer must say.
type expect struct {
	verdict reach.Outcome
	// For a blocked flow: the deciding step. code "-" means no code, "*"
	// means any (used only where the code is tracked as a disagreement).
	layer    reach.Layer
	resource string
	dir      reach.Direction
	rule     string // part of Block.Rule or Block.Reason
	code     string
	// via are resources a reachable path must cross (hop resource, rule or detail).
	via []string
	// caveats are fragments that must each appear in some caveat.
	caveats []string
	// clean requires an answer without caveats.
	clean bool
}

const (
	fwd = reach.DirForward
	ret = reach.DirReturn
)

func reachable(via ...string) expect { return expect{verdict: reach.VerdictReachable, via: via} }

func blocked(layer reach.Layer, resource string, dir reach.Direction, rule, code string) expect {
	return expect{verdict: reach.VerdictUnreachable, layer: layer, resource: resource, dir: dir, rule: rule, code: code}
}

// unknown expects verdict unknown with caveats holding the fragments.
func unknown(caveats ...string) expect {
	return expect{verdict: reach.VerdictUnknown, caveats: caveats}
}

func (e expect) withCaveats(c ...string) expect { e.caveats = append(e.caveats, c...); return e }
func (e expect) noCaveats() expect              { e.clean = true; return e }

// at adds the deciding step to an unknown expectation.
func (e expect) at(layer reach.Layer, resource string, dir reach.Direction, rule, code string) expect {
	e.layer, e.resource, e.dir, e.rule, e.code = layer, resource, dir, rule, code
	return e
}

// Shorthands for the layers.
const (
	lSG   = reach.LayerSecurityGroup
	lACL  = reach.LayerNetworkACL
	lRT   = reach.LayerRouteTable
	lIGW  = reach.LayerInternetGateway
	lEIGW = reach.LayerEgressOnlyIGW
	lNAT  = reach.LayerNATGateway
	lPCX  = reach.LayerVPCPeering
	lTGW  = reach.LayerTransitGateway
	lVPCE = reach.LayerVPCEndpoint
	lLB   = reach.LayerLoadBalancer
	lSDC  = reach.LayerSourceDestCheck
	lAddr = reach.LayerAddress
)

func tcp(from, to string, port int) reach.Query {
	return reach.Query{From: from, To: to, Protocol: model.ProtocolTCP, Port: port}
}

func udp(from, to string, port int) reach.Query {
	return reach.Query{From: from, To: to, Protocol: model.ProtocolUDP, Port: port}
}

func ping(from, to string) reach.Query {
	return reach.Query{From: from, To: to, Protocol: model.ProtocolICMP}
}

func ping6(from, to string) reach.Query {
	return reach.Query{From: from, To: to, Protocol: model.ProtocolICMPv6}
}

func icmpMsg(from, to string, typ, code int16) reach.Query {
	return reach.Query{From: from, To: to, Protocol: model.ProtocolICMP, ICMP: &model.ICMPTypeCode{Type: typ, Code: code}}
}

func withSourcePort(q reach.Query, port int) reach.Query { q.SourcePort = port; return q }

// run builds the case's world and asks its query.
func (c semCase) run(t *testing.T) *reach.Answer {
	t.Helper()
	w := c.base()
	if c.build != nil {
		c.build(w)
	}
	a, err := reach.New(w.s).Reach(c.q)
	if err != nil {
		t.Fatalf("Reach(%+v): %v", c.q, err)
	}
	return a
}

func runCase(t *testing.T, c semCase) {
	t.Helper()
	a := c.run(t)
	if os.Getenv("VPCSCOPE_EXPLAIN") != "" {
		t.Logf("answer:\n%s", explain(a))
	}
	checkAnswer(t, a, c.want)
	if c.check != nil && !t.Failed() {
		c.check(t, a)
	}
}

func checkAnswer(t *testing.T, a *reach.Answer, w expect) {
	t.Helper()
	if a.Verdict != w.verdict {
		t.Fatalf("verdict %s, want %s\n%s", a.Verdict, w.verdict, explain(a))
	}
	if a.Reachable != (w.verdict == reach.VerdictReachable) {
		t.Errorf("Reachable = %v with verdict %s", a.Reachable, a.Verdict)
	}
	switch w.verdict {
	case reach.VerdictReachable:
		if a.Blocked != nil {
			t.Errorf("reachable answer has a Blocked step: %+v", *a.Blocked)
		}
		for _, v := range w.via {
			if !crosses(a, v) {
				t.Errorf("the path does not cross %s\n%s", v, explain(a))
			}
		}
	case reach.VerdictUnreachable:
		checkBlock(t, a, w)
	case reach.VerdictUnknown:
		if len(a.Caveats) == 0 {
			t.Errorf("an unknown verdict must say why in a caveat\n%s", explain(a))
		}
		if w.layer != "" {
			checkBlock(t, a, w)
		}
	}
	for _, c := range w.caveats {
		if !slices.ContainsFunc(a.Caveats, func(s string) bool { return strings.Contains(s, c) }) {
			t.Errorf("no caveat mentions %q\n%s", c, explain(a))
		}
	}
	if w.clean && len(a.Caveats) > 0 {
		t.Errorf("want no caveats, got %q", a.Caveats)
	}
}

func checkBlock(t *testing.T, a *reach.Answer, w expect) {
	t.Helper()
	b := a.Blocked
	if b == nil {
		t.Fatalf("no Blocked step\n%s", explain(a))
	}
	if b.Layer != w.layer || b.Resource != w.resource || b.Direction != w.dir {
		t.Errorf("blocked at %s %s (%s), want %s %s (%s)\n%s", b.Layer, b.Resource, b.Direction, w.layer, w.resource, w.dir, explain(a))
	}
	if !strings.Contains(b.Rule, w.rule) && !strings.Contains(b.Reason, w.rule) {
		t.Errorf("deciding rule %q / reason %q does not mention %q", b.Rule, b.Reason, w.rule)
	}
	switch w.code {
	case "*":
	case "-":
		if b.Code != "" {
			t.Errorf("code %s, want none", b.Code)
		}
	default:
		if string(b.Code) != w.code {
			t.Errorf("code %q, want %q\n%s", b.Code, w.code, explain(a))
		}
	}
}

// crosses reports whether a hop of the answer is the resource v or names it.
func crosses(a *reach.Answer, v string) bool {
	for _, h := range slices.Concat(a.Forward, a.Return) {
		if h.Resource == v || strings.Contains(h.Rule, v) || strings.Contains(h.Detail, v) {
			return true
		}
	}
	return false
}

// hopAt returns the first hop of a path at the layer and resource.
func hopAt(hops []reach.Hop, layer reach.Layer, resource string) (reach.Hop, bool) {
	for _, h := range hops {
		if h.Layer == layer && h.Resource == resource {
			return h, true
		}
	}
	return reach.Hop{}, false
}

func explain(a *reach.Answer) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  %s\n", a.Summary())
	if a.Blocked != nil {
		fmt.Fprintf(&b, "  blocked: %+v\n", *a.Blocked)
	}
	for _, dir := range []struct {
		name string
		hops []reach.Hop
	}{{"forward", a.Forward}, {"return", a.Return}} {
		for _, h := range dir.hops {
			fmt.Fprintf(&b, "  %-7s %-28s %-24s %-7s %-10s %q %s | %s\n", dir.name, h.Layer, h.Resource, h.Verdict, h.Stage, h.Rule, h.Code, h.Packet)
		}
	}
	for _, c := range a.Caveats {
		fmt.Fprintf(&b, "  caveat: %s\n", c)
	}
	return b.String()
}

// TestSemantics runs every documented behaviour the engine gets right.
func TestSemantics(t *testing.T) {
	for _, area := range semanticAreas() {
		for _, c := range area.cases {
			t.Run(area.name+"/"+c.name, func(t *testing.T) { runCase(t, c) })
		}
	}
}

// TestSemanticTablesAreWellFormed keeps the tables honest: unique names, a
// complete expectation for every case, a citation for every disagreement.
func TestSemanticTablesAreWellFormed(t *testing.T) {
	seen := map[string]bool{}
	var all []semCase
	for _, area := range semanticAreas() {
		all = append(all, area.cases...)
	}
	for _, c := range all {
		if seen[c.name] {
			t.Errorf("duplicate case name %q", c.name)
		}
		seen[c.name] = true
		w := c.want
		switch w.verdict {
		case reach.VerdictReachable:
			if len(w.via) == 0 {
				t.Errorf("%s: a reachable case must name what the path crosses", c.name)
			}
		case reach.VerdictUnreachable:
			if w.layer == "" || w.resource == "" || w.dir == "" || w.rule == "" || w.code == "" {
				t.Errorf("%s: a blocked case must give layer, resource, direction, rule and code", c.name)
			}
		case reach.VerdictUnknown:
		default:
			t.Errorf("%s: no verdict", c.name)
		}
	}
	for _, c := range citedCases() {
		if c.doc == "" {
			t.Errorf("%s cites no AWS documentation", c.name)
		}
	}
}

type area struct {
	name  string
	cases []semCase
}

func semanticAreas() []area {
	return []area{
		{"security-groups", securityGroupCases()},
		{"network-acls", networkACLCases()},
		{"routing", routingCases()},
		{"internet-gateway", internetGatewayCases()},
		{"egress-only-internet-gateway", egressOnlyCases()},
		{"nat-gateway", natGatewayCases()},
		{"vpc-peering", peeringCases()},
		{"transit-gateway", transitGatewayCases()},
		{"vpn-gateway", vpnGatewayCases()},
		{"vpc-endpoints", endpointCases()},
		{"load-balancers", loadBalancerCases()},
		{"queries", queryCases()},
		{"documented-fixes", documentedFixes()},
		{"endpoint-services", endpointServiceCases()},
		{"load-balancer-targets", loadBalancerTargetCases()},
		{"transit-gateway-paths", transitSemanticsCases()},
		{"appliance-translation", applianceTranslationCases()},
		{"network-firewall", firewallCases()},
		{"gateway-load-balancer-endpoints", gwlbCases()},
		{"vpn-and-direct-connect", hybridCases()},
	}
}

// citedCases are the cases that must cite the AWS documentation.
func citedCases() []semCase {
	return slices.Concat(documentedFixes(), endpointServiceCases(), loadBalancerTargetCases(), transitSemanticsCases(),
		applianceTranslationCases(), firewallCases(), gwlbCases(), hybridCases())
}

// The flow most cases ask about, and the answer when sg-server refuses it.
var (
	clientSSH     = tcp("i-client", "i-server", 22)
	serverRefuses = blocked(lSG, "sg-server", fwd, "no matching rule", "ENI_SG_RULES_MISMATCH")
)

// steps runs build steps in order.
func steps(fs ...func(w *world)) func(w *world) {
	return func(w *world) {
		for _, f := range fs {
			f(w)
		}
	}
}

// admits returns a build step adding inbound rules to sg-server.
func admits(rules ...string) func(w *world) {
	return func(w *world) { w.allow("sg-server", rules...) }
}

func securityGroupCases() []semCase {
	return []semCase{
		{name: "a new security group has no inbound rules, so it admits nothing (SG_HAS_NO_RULES)",
			base: lan, q: clientSSH,
			want: blocked(lSG, "sg-server", fwd, "no matching rule", "SG_HAS_NO_RULES")},
		{name: "a new security group allows all outbound traffic",
			base: webLAN, q: clientSSH,
			want: reachable("sg-client", "sg-server"),
			check: func(t *testing.T, a *reach.Answer) {
				if h, ok := hopAt(a.Forward, lSG, "sg-client"); !ok || h.Verdict != reach.Allow || h.Stage != "outbound" {
					t.Errorf("sg-client's default outbound rule does not let the request out: %+v", h)
				}
			}},
		{name: "security groups are a union: a second group's rule admits",
			base: lan,
			build: func(w *world) {
				w.allow("sg-server", "in tcp 80 10.0.0.0/16")
				w.newSG("sg-extra", "vpc-a")
				w.allow("sg-extra", "in tcp 22 10.0.1.10/32")
				w.eni("eni-server").SecurityGroupIDs = []string{"sg-server", "sg-extra"}
			},
			q:    clientSSH,
			want: reachable("sg-extra")},
		{name: "security groups allow only: a rule for another port admits nothing here (ENI_SG_RULES_MISMATCH)",
			base:  lan,
			build: admits("in tcp 80 10.0.0.0/16"),
			q:     clientSSH,
			want:  serverRefuses},
		{name: "a UDP rule does not admit TCP on the same port",
			base:  lan,
			build: admits("in udp 53 10.0.0.0/16"),
			q:     tcp("i-client", "i-server", 53),
			want:  serverRefuses},
		{name: "a port range rule admits a port inside the range",
			base:  lan,
			build: admits("in tcp 8000-8100 10.0.0.0/16"),
			q:     tcp("i-client", "i-server", 8080),
			want:  reachable("sg-server")},
		{name: "a port range rule does not admit a port outside the range",
			base:  lan,
			build: admits("in tcp 8000-8100 10.0.0.0/16"),
			q:     tcp("i-client", "i-server", 8101),
			want:  serverRefuses},
		{name: "outbound rules apply: a group allowing only tcp/443 out blocks tcp/22",
			base:  webLAN,
			build: func(w *world) { w.noEgress("sg-client").allow("sg-client", "out tcp 443 0.0.0.0/0") },
			q:     clientSSH,
			want:  blocked(lSG, "sg-client", fwd, "no matching rule", "ENI_SG_RULES_MISMATCH")},
		{name: "a group whose outbound rules were all removed sends nothing (SG_HAS_NO_RULES)",
			base:  webLAN,
			build: func(w *world) { w.noEgress("sg-client") },
			q:     clientSSH,
			want:  blocked(lSG, "sg-client", fwd, "no matching rule", "SG_HAS_NO_RULES")},
		{name: "security groups are stateful: the reply leaves a server whose group has no outbound rules",
			base:  webLAN,
			build: func(w *world) { w.noEgress("sg-server") },
			q:     clientSSH,
			want:  reachable("sg-server"),
			check: statefulReply("sg-server")},
		{name: "security groups are stateful: the reply enters a client whose group has no inbound rules",
			base: webLAN, q: clientSSH,
			want:  reachable("sg-client"),
			check: statefulReply("sg-client")},
		{name: "an IPv4 CIDR peer admits a source inside the block",
			base:  lan,
			build: admits("in tcp 22 10.0.1.0/24"),
			q:     clientSSH,
			want:  reachable("sg-server")},
		{name: "an IPv4 CIDR peer does not admit a source outside the block",
			base:  lan,
			build: admits("in tcp 22 10.0.3.0/24"),
			q:     clientSSH,
			want:  serverRefuses},
		{name: "an IPv6 CIDR peer admits IPv6 traffic from inside the block",
			base:  lan6,
			build: admits("in tcp 22 2600:1f18:a:1::/64"),
			q:     tcp("2600:1f18:a:1::10", "2600:1f18:a:2::20", 22),
			want:  reachable("sg-server")},
		{name: "an IPv4 peer (0.0.0.0/0) does not admit IPv6 traffic",
			base:  lan6,
			build: admits("in tcp 22 0.0.0.0/0"),
			q:     tcp("2600:1f18:a:1::10", "2600:1f18:a:2::20", 22),
			want:  serverRefuses},
		{name: "an IPv6 peer (::/0) does not admit IPv4 traffic",
			base:  lan6,
			build: admits("in tcp 22 ::/0"),
			q:     tcp("10.0.1.10", "10.0.2.20", 22),
			want:  serverRefuses},
		{name: "a prefix-list peer admits addresses in the list's entries",
			base: lan,
			build: func(w *world) {
				w.prefixList("pl-corp", "corp", false, "10.0.1.0/24", "192.168.0.0/16")
				w.allow("sg-server", "in tcp 22 pl-corp")
			},
			q:    clientSSH,
			want: reachable("pl-corp")},
		{name: "a prefix-list peer does not admit addresses outside the list's entries",
			base: lan,
			build: func(w *world) {
				w.prefixList("pl-corp", "corp", false, "10.0.3.0/24")
				w.allow("sg-server", "in tcp 22 pl-corp")
			},
			q:    clientSSH,
			want: serverRefuses},
		{name: "a rule that admits decides even when another rule names a prefix list missing from the snapshot",
			base:  lan,
			build: admits("in tcp 22 pl-gone", "in tcp 22 10.0.1.0/24"),
			q:     clientSSH,
			want:  reachable("sg-server")},
		{name: "the default security group admits its own members",
			base: lan,
			build: func(w *world) {
				w.eni("eni-client").SecurityGroupIDs = []string{"sg-a-default"}
				w.eni("eni-server").SecurityGroupIDs = []string{"sg-a-default"}
			},
			q:    tcp("i-client", "i-server", 5432),
			want: reachable("sg-a-default")},
		{name: "the default security group does not admit interfaces outside it",
			base:  lan,
			build: func(w *world) { w.eni("eni-server").SecurityGroupIDs = []string{"sg-a-default"} },
			q:     tcp("i-client", "i-server", 5432),
			want:  blocked(lSG, "sg-a-default", fwd, "no matching rule", "ENI_SG_RULES_MISMATCH")},
		{name: "a group reference admits the private addresses of the group's members in the same VPC",
			base:  lan,
			build: admits("in tcp 22 sg-client"),
			q:     clientSSH,
			want:  reachable("sg-server")},
		{name: "a group reference admits the IPv6 addresses of the group's members",
			base:  lan6,
			build: admits("in tcp 22 sg-client"),
			q:     tcp("2600:1f18:a:1::10", "2600:1f18:a:2::20", 22),
			want:  reachable("sg-server")},
		{name: "a group reference does not admit an interface outside the group",
			base: lan,
			build: func(w *world) {
				w.instance("i-other", "subnet-a1", "10.0.1.11", "sg-other")
				w.allow("sg-server", "in tcp 22 sg-client")
			},
			q:    tcp("i-other", "i-server", 22),
			want: serverRefuses},
		{name: "a group reference works across an active same-Region peering",
			base:  peered,
			build: func(w *world) { w.sg("sg-peer").Ingress = nil; w.allow("sg-peer", "in tcp 22 sg-client") },
			q:     tcp("i-client", "i-peer", 22),
			want:  reachable("pcx-ab", "sg-peer")},
		{name: "a group reference to another account (account/group) works across same-Region peering",
			base: func() *world { return peeredAt(acct2, region) },
			build: func(w *world) {
				w.sg("sg-peer").Ingress = nil
				w.allow("sg-peer", "in tcp 22 "+acct+"/sg-client")
			},
			q:    tcp("i-client", "i-peer", 22),
			want: reachable("pcx-ab", "sg-peer")},
		{name: "a group reference does not work across an inter-Region peering",
			base:  func() *world { return peeredAt(acct, region2) },
			build: func(w *world) { w.sg("sg-peer").Ingress = nil; w.allow("sg-peer", "in tcp 22 sg-client") },
			q:     tcp("i-client", "i-peer", 22),
			want:  blocked(lSG, "sg-peer", fwd, "no matching rule", "ENI_SG_RULES_MISMATCH")},
		{name: "a group reference matches private addresses only: traffic to a public IP carries the sender's public address",
			base:  internetLAN,
			build: admits("in tcp 22 sg-client"),
			q:     tcp("i-client", "54.0.0.20", 22),
			want:  serverRefuses},
		{name: "a group reference does not match traffic translated by a NAT gateway",
			base: natLAN,
			build: func(w *world) {
				w.instance("i-pub", "subnet-a3", "10.0.3.20", "sg-pub")
				w.public("eni-pub", "54.0.0.30")
				w.allow("sg-pub", "in tcp 22 sg-client")
			},
			q:    tcp("i-client", "54.0.0.30", 22),
			want: blocked(lSG, "sg-pub", fwd, "no matching rule", "ENI_SG_RULES_MISMATCH")},
		{name: "protocol -1 (all traffic) admits TCP",
			base:  lan,
			build: admits("in all * 10.0.0.0/16"),
			q:     tcp("i-client", "i-server", 5432),
			want:  reachable("sg-server")},
		{name: "protocol -1 (all traffic) admits UDP",
			base:  lan,
			build: admits("in all * 10.0.0.0/16"),
			q:     udp("i-client", "i-server", 53),
			want:  reachable("sg-server")},
		{name: "protocol -1 (all traffic) admits ICMP",
			base:  lan,
			build: admits("in all * 10.0.0.0/16"),
			q:     ping("i-client", "i-server"),
			want:  reachable("sg-server")},
		{name: "an ICMP rule for echo request (type 8) admits ping",
			base:  lan,
			build: admits("in icmp 8 10.0.0.0/16"),
			q:     ping("i-client", "i-server"),
			want:  reachable("sg-server")},
		{name: "an ICMP rule for one type does not admit another type (timestamp, type 13)",
			base:  lan,
			build: admits("in icmp 8 10.0.0.0/16"),
			q:     icmpMsg("i-client", "i-server", 13, 0),
			want:  serverRefuses},
		{name: "an ICMP rule with a type and code admits that code",
			base:  lan,
			build: admits("in icmp 3/4 10.0.0.0/16"),
			q:     icmpMsg("i-client", "i-server", 3, 4),
			want:  reachable("sg-server")},
		{name: "an ICMP rule with a type and code does not admit another code of the type",
			base:  lan,
			build: admits("in icmp 3/4 10.0.0.0/16"),
			q:     icmpMsg("i-client", "i-server", 3, 1),
			want:  serverRefuses},
		{name: "an ICMP rule for all types admits any ICMP message",
			base:  lan,
			build: admits("in icmp * 10.0.0.0/16"),
			q:     icmpMsg("i-client", "i-server", 13, 0),
			want:  reachable("sg-server")},
		{name: "an ICMPv6 rule admits ICMPv6 echo over IPv6",
			base:  lan6,
			build: admits("in icmpv6 * 2600:1f18:a::/56"),
			q:     ping6("2600:1f18:a:1::10", "2600:1f18:a:2::20"),
			want:  reachable("sg-server")},
		{name: "an ICMP (IPv4) rule does not admit ICMPv6",
			base:  lan6,
			build: admits("in icmp * 0.0.0.0/0"),
			q:     ping6("2600:1f18:a:1::10", "2600:1f18:a:2::20"),
			want:  serverRefuses},
		{name: "a group reference works across a transit gateway when the gateway and both attachments enable SG referencing",
			base: transit,
			build: func(w *world) {
				w.tgwOf("tgw-1").SecurityGroupReferencingSupport = true
				w.sg("sg-far").Ingress = nil
				w.allow("sg-far", "in tcp 22 sg-client")
			},
			q:    tcp("i-client", "i-far", 22),
			want: reachable("tgw-rtb-1", "sg-far")},
		{name: "a group reference does not work across a transit gateway whose SG referencing support is off (the default)",
			base:  transit,
			build: func(w *world) { w.sg("sg-far").Ingress = nil; w.allow("sg-far", "in tcp 22 sg-client") },
			q:     tcp("i-client", "i-far", 22),
			want:  blocked(lSG, "sg-far", fwd, "no matching rule", "SG_REFERENCING_SUPPORT")},
		{name: "a group reference does not work across a transit gateway attachment with SG referencing support off",
			base: transit,
			build: func(w *world) {
				w.tgwOf("tgw-1").SecurityGroupReferencingSupport = true
				w.attachment("tgw-attach-c").SecurityGroupReferencingSupport = false
				w.sg("sg-far").Ingress = nil
				w.allow("sg-far", "in tcp 22 sg-client")
			},
			q:    tcp("i-client", "i-far", 22),
			want: blocked(lSG, "sg-far", fwd, "no matching rule", "SG_REFERENCING_SUPPORT")},
	}
}

// statefulReply checks that the group lets the reply through as part of
// the admitted flow.
func statefulReply(sg string) func(t *testing.T, a *reach.Answer) {
	return func(t *testing.T, a *reach.Answer) {
		t.Helper()
		if h, ok := hopAt(a.Return, lSG, sg); !ok || h.Verdict != reach.Allow {
			t.Errorf("the reply does not pass %s statefully: %+v\n%s", sg, h, explain(a))
		}
	}
}

func networkACLCases() []semCase {
	// srvACL puts subnet-a2 (the server's) behind a custom ACL with entries.
	srvACL := func(es ...string) func(w *world) {
		return func(w *world) { w.nacl("acl-srv", "vpc-a", "subnet-a2"); w.entries("acl-srv", es...) }
	}
	cliACL := func(es ...string) func(w *world) {
		return func(w *world) { w.nacl("acl-cli", "vpc-a", "subnet-a1"); w.entries("acl-cli", es...) }
	}
	return []semCase{
		{name: "the default network ACL allows all traffic in and out",
			base: webLAN, q: clientSSH,
			want: reachable("acl-a")},
		{name: "a new custom network ACL denies everything by its final * rule",
			base:  webLAN,
			build: srvACL(),
			q:     clientSSH,
			want:  blocked(lACL, "acl-srv", fwd, "rule *", "SUBNET_ACL_RESTRICTION")},
		{name: "the lowest rule number is evaluated first: a deny at 100 beats an allow at 200",
			base:  webLAN,
			build: srvACL("in 100 deny tcp 22 10.0.1.0/24", "in 200 allow all * 0.0.0.0/0", "out 100 allow all * 0.0.0.0/0"),
			q:     clientSSH,
			want:  blocked(lACL, "acl-srv", fwd, "rule 100 ", "SUBNET_ACL_RESTRICTION")},
		{name: "the lowest rule number is evaluated first: an allow at 100 beats a deny at 200",
			base:  webLAN,
			build: srvACL("in 100 allow tcp 22 10.0.1.0/24", "in 200 deny all * 0.0.0.0/0", "out 100 allow all * 0.0.0.0/0"),
			q:     clientSSH,
			want:  reachable("acl-srv"),
			check: aclRuleUsed("acl-srv", "rule 100 ")},
		{name: "rules are evaluated by number, not in the order they were written",
			base:  webLAN,
			build: srvACL("in 200 allow all * 0.0.0.0/0", "out 100 allow all * 0.0.0.0/0", "in 100 deny tcp 22 10.0.1.10/32"),
			q:     clientSSH,
			want:  blocked(lACL, "acl-srv", fwd, "rule 100 ", "SUBNET_ACL_RESTRICTION")},
		{name: "the first matching rule decides: a broad deny numbered lower overrides a narrower allow",
			base:  webLAN,
			build: srvACL("in 90 deny all * 10.0.0.0/16", "in 100 allow tcp 22 10.0.1.10/32", "out 100 allow all * 0.0.0.0/0"),
			q:     clientSSH,
			want:  blocked(lACL, "acl-srv", fwd, "rule 90 ", "SUBNET_ACL_RESTRICTION")},
		{name: "inbound entries match the source address",
			base:  webLAN,
			build: srvACL("in 100 allow all * 10.0.3.0/24", "out 100 allow all * 0.0.0.0/0"),
			q:     clientSSH,
			want:  blocked(lACL, "acl-srv", fwd, "rule *", "SUBNET_ACL_RESTRICTION")},
		{name: "outbound entries of the sender's subnet match the destination address",
			base:  webLAN,
			build: cliACL("in 100 allow all * 0.0.0.0/0", "out 100 allow all * 10.0.3.0/24"),
			q:     clientSSH,
			want:  blocked(lACL, "acl-cli", fwd, "rule *", "SUBNET_ACL_RESTRICTION")},
		{name: "IPv4 entries do not match IPv6 traffic: the IPv6 * rule denies it",
			base:  lan6,
			build: steps(admits("in tcp 22 ::/0"), srvACL("in 100 allow all * 0.0.0.0/0", "out 100 allow all * 0.0.0.0/0")),
			q:     tcp("2600:1f18:a:1::10", "2600:1f18:a:2::20", 22),
			want:  blocked(lACL, "acl-srv", fwd, "rule *", "SUBNET_ACL_RESTRICTION")},
		{name: "IPv6 entries do not match IPv4 traffic: the IPv4 * rule denies it",
			base:  lan6,
			build: steps(admits("in tcp 22 10.0.0.0/16"), srvACL("in 100 allow all * ::/0", "out 100 allow all * ::/0")),
			q:     tcp("10.0.1.10", "10.0.2.20", 22),
			want:  blocked(lACL, "acl-srv", fwd, "rule *", "SUBNET_ACL_RESTRICTION")},
		{name: "traffic that stays inside one subnet crosses no network ACL",
			base: webLAN,
			build: func(w *world) {
				w.instance("i-near", "subnet-a2", "10.0.2.30", "sg-near")
				srvACL()(w) // deny everything
			},
			q:    tcp("i-near", "i-server", 22),
			want: reachable("sg-server"),
			check: func(t *testing.T, a *reach.Answer) {
				for _, h := range slices.Concat(a.Forward, a.Return) {
					if h.Layer == lACL {
						t.Errorf("a flow inside subnet-a2 crossed network ACL %s", h.Resource)
					}
				}
			}},
		{name: "network ACLs are stateless: the server subnet's outbound rules must let the reply out",
			base:  webLAN,
			build: srvACL("in 100 allow tcp 22 10.0.0.0/16", "out 100 allow tcp 22 10.0.0.0/16"),
			q:     clientSSH,
			want:  blocked(lACL, "acl-srv", ret, "rule *", "SUBNET_ACL_RESTRICTION")},
		{name: "network ACLs are stateless: the client subnet's inbound rules must let the reply in",
			base:  webLAN,
			build: cliACL("out 100 allow all * 0.0.0.0/0", "in 100 allow tcp 22 0.0.0.0/0"),
			q:     clientSSH,
			want:  blocked(lACL, "acl-cli", ret, "rule *", "SUBNET_ACL_RESTRICTION")},
		{name: "opening the ephemeral range 1024-65535 for replies lets every client port through",
			base:  webLAN,
			build: srvACL("in 100 allow tcp 22 10.0.1.0/24", "out 100 allow tcp 1024-65535 10.0.1.0/24"),
			q:     clientSSH,
			want:  reachable("acl-srv").noCaveats()},
		{name: "a reply range of only 32768-61000 (Linux) is reachable with a caveat naming the client ports that fail",
			base:  webLAN,
			build: srvACL("in 100 allow tcp 22 10.0.1.0/24", "out 100 allow tcp 32768-61000 10.0.1.0/24"),
			q:     clientSSH,
			want:  reachable("acl-srv").withCaveats("1024-32767", "61001-65535")},
		{name: "a client source port outside the reply range the ACL opens is blocked on the return path",
			base:  webLAN,
			build: srvACL("in 100 allow tcp 22 10.0.1.0/24", "out 100 allow tcp 32768-61000 10.0.1.0/24"),
			q:     withSourcePort(clientSSH, 1500),
			want:  blocked(lACL, "acl-srv", ret, "rule *", "SUBNET_ACL_RESTRICTION")},
		{name: "a client source port inside the reply range the ACL opens passes without caveat",
			base:  webLAN,
			build: srvACL("in 100 allow tcp 22 10.0.1.0/24", "out 100 allow tcp 32768-61000 10.0.1.0/24"),
			q:     withSourcePort(clientSSH, 40000),
			want:  reachable("acl-srv").noCaveats(),
			check: func(t *testing.T, a *reach.Answer) {
				if a.Query.SourcePort == nil || *a.Query.SourcePort != 40000 {
					t.Errorf("the answer does not echo source port 40000: %v", a.Query.SourcePort)
				}
			}},
		{name: "a deny rule in the reply direction names the rule that drops the reply",
			base:  webLAN,
			build: srvACL("in 100 allow tcp 22 10.0.1.0/24", "out 50 deny tcp 1024-65535 10.0.1.10/32", "out 100 allow tcp 1024-65535 0.0.0.0/0"),
			q:     clientSSH,
			want:  blocked(lACL, "acl-srv", ret, "rule 50 ", "SUBNET_ACL_RESTRICTION")},
		{name: "ICMP replies need their own entry: an ACL passing only echo requests drops the echo reply",
			base:  lan,
			build: steps(admits("in icmp 8 10.0.0.0/16"), srvACL("in 100 allow icmp 8 10.0.1.0/24", "out 100 allow icmp 8 10.0.1.0/24")),
			q:     ping("i-client", "i-server"),
			want:  blocked(lACL, "acl-srv", ret, "rule *", "SUBNET_ACL_RESTRICTION")},
		{name: "an ICMP echo-reply entry (type 0) lets the ping's reply out",
			base:  lan,
			build: steps(admits("in icmp 8 10.0.0.0/16"), srvACL("in 100 allow icmp 8 10.0.1.0/24", "out 100 allow icmp 0 10.0.1.0/24")),
			q:     ping("i-client", "i-server"),
			want:  reachable("acl-srv")},
		{name: "a network ACL that could not be collected makes the answer unknown, with a caveat",
			base: webLAN,
			build: func(w *world) {
				w.s.NetworkACLs = nil
				w.gap(model.KindNetworkACL, "DescribeNetworkAcls")
			},
			q:    clientSSH,
			want: unknown("DescribeNetworkAcls")},
		{name: "the NAT gateway's subnet ACL applies to the traffic it forwards",
			base: natLAN,
			build: func(w *world) {
				w.nacl("acl-pub", "vpc-a", "subnet-a3")
				w.entries("acl-pub", "in 100 deny all * 10.0.1.0/24", "in 200 allow all * 0.0.0.0/0", "out 100 allow all * 0.0.0.0/0")
			},
			q:    tcp("i-client", "8.8.8.8", 443),
			want: blocked(lACL, "acl-pub", fwd, "rule 100 ", "SUBNET_ACL_RESTRICTION")},
		{name: "the NAT gateway's subnet ACL must let the internet's replies in on 1024-65535",
			base: natLAN,
			build: func(w *world) {
				w.nacl("acl-pub", "vpc-a", "subnet-a3")
				w.entries("acl-pub", "in 100 allow all * 10.0.0.0/16", "out 100 allow all * 0.0.0.0/0")
			},
			q:    tcp("i-client", "8.8.8.8", 443),
			want: blocked(lACL, "acl-pub", ret, "rule *", "SUBNET_ACL_RESTRICTION")},
		{name: "traffic from a transit gateway to an instance in the attachment's own subnet crosses no network ACL",
			base: transit,
			build: func(w *world) {
				// Inbound admits only vpc-c itself and outbound only vpc-a: the
				// request from 10.0.1.10 passes because neither direction is
				// evaluated for transit gateway → instance in the same subnet;
				// the reply (instance → transit gateway) is checked both ways.
				w.nacl("acl-c1", "vpc-c", "subnet-c1")
				w.entries("acl-c1", "in 100 allow all * 10.2.0.0/16", "out 100 allow all * 10.0.0.0/16")
			},
			q:    tcp("i-client", "i-far", 22),
			want: reachable("acl-c1")},
		{name: "traffic into a transit gateway is checked by the attachment subnet's inbound rules",
			base: transit,
			build: func(w *world) {
				tgwSubnetA(w)
				w.nacl("acl-tgw", "vpc-a", "subnet-a5")
				w.entries("acl-tgw", "in 100 deny all * 10.0.1.0/24", "in 200 allow all * 0.0.0.0/0", "out 100 allow all * 0.0.0.0/0")
			},
			q:    tcp("i-client", "i-far", 22),
			want: blocked(lACL, "acl-tgw", fwd, "rule 100 ", "SUBNET_ACL_RESTRICTION")},
		{name: "the attachment subnet's outbound rules apply to traffic leaving the transit gateway, not to traffic entering it",
			base: transit,
			build: func(w *world) {
				tgwSubnetA(w)
				w.nacl("acl-tgw", "vpc-a", "subnet-a5")
				w.entries("acl-tgw", "in 100 allow all * 0.0.0.0/0") // outbound: only the * deny
			},
			q:    tcp("i-client", "i-far", 22),
			want: blocked(lACL, "acl-tgw", ret, "rule *", "SUBNET_ACL_RESTRICTION")},
		{name: "UDP replies are checked like TCP ones: an ACL letting out only udp/53 drops the DNS reply",
			base:  lan,
			build: steps(admits("in udp 53 10.0.0.0/16"), srvACL("in 100 allow udp 53 10.0.1.0/24", "out 100 allow udp 53 10.0.1.0/24")),
			q:     udp("i-client", "i-server", 53),
			want:  blocked(lACL, "acl-srv", ret, "rule *", "SUBNET_ACL_RESTRICTION")},
		{name: "a NAT gateway's source ports span 1024-65535: a reply range of 32768-61000 leaves part of them failing",
			base: natLAN, build: natTarget,
			q:    tcp("i-client", "54.0.0.40", 443),
			want: reachable("nat-1", "acl-p4").withCaveats("acl-p4", "1024-32767")},
		{name: "behind a NAT gateway the client's own source port does not help: the gateway picks the port",
			base: natLAN, build: natTarget,
			q:    withSourcePort(tcp("i-client", "54.0.0.40", 443), 40000),
			want: reachable("nat-1", "acl-p4").withCaveats("acl-p4", "1024-32767")},
	}
}

// aclRuleUsed checks that the forward path passed the ACL by the rule.
func aclRuleUsed(acl, rule string) func(t *testing.T, a *reach.Answer) {
	return func(t *testing.T, a *reach.Answer) {
		t.Helper()
		if h, ok := hopAt(a.Forward, lACL, acl); !ok || !strings.HasPrefix(h.Rule, rule) {
			t.Errorf("%s did not pass the request by %q: %+v", acl, rule, h)
		}
	}
}

func routingCases() []semCase {
	toPeer := tcp("i-client", "i-peer", 22)
	return []semCase{
		{name: "a subnet with no explicit association uses the VPC's main route table",
			base: peered, q: toPeer,
			want: reachable("rtb-a", "pcx-ab"),
			check: func(t *testing.T, a *reach.Answer) {
				if h, ok := hopAt(a.Forward, lRT, "rtb-a"); !ok || !strings.Contains(h.Detail, "main") {
					t.Errorf("the request was not routed by main table rtb-a: %+v", h)
				}
			}},
		{name: "an explicit association replaces the main route table",
			base:  peered,
			build: func(w *world) { w.routeTable("rtb-a1", "vpc-a", "subnet-a1") },
			q:     toPeer,
			want:  blocked(lRT, "rtb-a1", fwd, "no route to 10.1.1.50", "NO_ROUTE_TO_DESTINATION")},
		{name: "no route matches the destination (NO_ROUTE_TO_DESTINATION)",
			base: lan, q: tcp("i-client", "8.8.8.8", 443),
			want: blocked(lRT, "rtb-a", fwd, "no route to 8.8.8.8", "NO_ROUTE_TO_DESTINATION")},
		{name: "the longest prefix wins over a default route",
			base:  peered,
			build: func(w *world) { w.igw("igw-a", "vpc-a").route("rtb-a", "0.0.0.0/0", "igw-a", "first") },
			q:     toPeer,
			want:  reachable("pcx-ab")},
		{name: "the longest prefix wins even when that route is a blackhole",
			base:  peered,
			build: func(w *world) { w.route("rtb-a", "10.1.1.0/24", "pcx-old", "blackhole") },
			q:     toPeer,
			want:  blocked(lRT, "rtb-a", fwd, "10.1.1.0/24", "BAD_STATE_ROUTE")},
		{name: "a route whose target was deleted is a blackhole and drops traffic (BAD_STATE_ROUTE)",
			base:  lan,
			build: func(w *world) { w.route("rtb-a", "10.9.0.0/16", "pcx-gone", "blackhole") },
			q:     tcp("i-client", "10.9.0.5", 443),
			want:  blocked(lRT, "rtb-a", fwd, "10.9.0.0/16", "BAD_STATE_ROUTE")},
		{name: "IPv4 and IPv6 routes are separate: 0.0.0.0/0 does not carry IPv6 traffic",
			base:  lan6,
			build: func(w *world) { w.igw("igw-a", "vpc-a").route("rtb-a", "0.0.0.0/0", "igw-a") },
			q:     tcp("2600:1f18:a:1::10", "2606:4700::1111", 443),
			want:  blocked(lRT, "rtb-a", fwd, "no route to 2606:4700::1111", "NO_ROUTE_TO_DESTINATION")},
		{name: "the local route of the VPC's IPv6 block delivers IPv6 inside the VPC",
			base:  lan6,
			build: admits("in tcp 22 2600:1f18:a::/56"),
			q:     tcp("2600:1f18:a:1::10", "2600:1f18:a:2::20", 22),
			want:  reachable("rtb-a", "sg-server")},
		{name: "for the same prefix a static route beats a propagated one",
			base: peered,
			build: func(w *world) {
				w.vgw("vgw-a", "vpc-a").route("rtb-a", "10.1.0.0/16", "vgw-a", "propagated", "first")
			},
			q:    toPeer,
			want: reachable("pcx-ab")},
		{name: "for the same prefix a static route beats a prefix-list route",
			base: peered,
			build: func(w *world) {
				w.vgw("vgw-a", "vpc-a").prefixList("pl-b", "vpc-b", false, "10.1.0.0/16")
				w.route("rtb-a", "pl-b", "vgw-a", "first")
			},
			q:    toPeer,
			want: reachable("pcx-ab")},
		{name: "for the same prefix a prefix-list route beats a propagated one",
			base: peered,
			build: func(w *world) {
				w.vgw("vgw-a", "vpc-a").prefixList("pl-b", "vpc-b", false, "10.1.0.0/16")
				w.dropRoutes("rtb-a", "10.1.0.0/16")
				w.route("rtb-a", "10.1.0.0/16", "vgw-a", "propagated")
				w.route("rtb-a", "pl-b", "pcx-ab")
			},
			q:    toPeer,
			want: reachable("pcx-ab", "pl-b")},
		{name: "a route to a prefix list carries traffic to every CIDR of the list",
			base: peered,
			build: func(w *world) {
				w.prefixList("pl-b", "vpc-b", false, "10.1.0.0/16")
				w.dropRoutes("rtb-a", "10.1.0.0/16").route("rtb-a", "pl-b", "pcx-ab")
			},
			q:    toPeer,
			want: reachable("pl-b", "pcx-ab")},
		{name: "a route table that could not be collected makes the answer unknown, with a caveat",
			base: webLAN,
			build: func(w *world) {
				w.s.RouteTables = nil
				w.gap(model.KindRouteTable, "DescribeRouteTables")
			},
			q:    clientSSH,
			want: unknown("DescribeRouteTables")},
		{name: "a gateway route table steers inbound internet traffic to an appliance",
			base:  lan,
			build: func(w *world) { ingressFW(w, false) },
			q:     tcp("internet", "i-server", 80),
			want:  reachable("rtb-edge", "eni-fw").withCaveats("eni-fw"),
			check: func(t *testing.T, a *reach.Answer) {
				if _, ok := hopAt(a.Forward, reach.LayerInterface, "eni-fw"); !ok {
					t.Errorf("the request did not cross the appliance eni-fw\n%s", explain(a))
				}
			}},
		{name: "an appliance behind a gateway route table drops the traffic while its source/dest check is on",
			base:  lan,
			build: func(w *world) { ingressFW(w, true) },
			q:     tcp("internet", "i-server", 80),
			want:  blocked(lSDC, "eni-fw", fwd, "sourceDestCheck", "ENI_SOURCE_DEST_CHECK_RESTRICTION")},
		{name: "a route more specific than local steers traffic between subnets through an appliance with source/dest check off",
			base: lan,
			build: func(w *world) {
				middlebox(w, false)
				w.allow("sg-server", "in tcp 22 10.0.1.0/24")
			},
			q:    clientSSH,
			want: reachable("rtb-a1", "eni-fw").withCaveats("eni-fw"),
			check: func(t *testing.T, a *reach.Answer) {
				_, fw := hopAt(a.Forward, reach.LayerInterface, "eni-fw")
				_, back := hopAt(a.Return, reach.LayerInterface, "eni-fw")
				if !fw || !back {
					t.Errorf("both directions must cross eni-fw (forward %v, return %v)\n%s", fw, back, explain(a))
				}
			}},
		{name: "an appliance with source/dest check on drops traffic not addressed to it (ENI_SOURCE_DEST_CHECK_RESTRICTION)",
			base: lan,
			build: func(w *world) {
				middlebox(w, true)
				w.allow("sg-server", "in tcp 22 10.0.1.0/24")
			},
			q:    clientSSH,
			want: blocked(lSDC, "eni-fw", fwd, "sourceDestCheck", "ENI_SOURCE_DEST_CHECK_RESTRICTION")},
		{name: "the appliance's own security group filters the traffic it forwards",
			base: lan,
			build: func(w *world) {
				middlebox(w, false)
				w.sg("sg-fw").Ingress = nil
				w.allow("sg-fw", "in tcp 443 10.0.0.0/16")
				w.allow("sg-server", "in tcp 22 10.0.1.0/24")
			},
			q:    clientSSH,
			want: blocked(lSG, "sg-fw", fwd, "no matching rule", "ENI_SG_RULES_MISMATCH")},
		{name: "a VPC's secondary CIDR block has its own local route",
			base: webLAN,
			build: func(w *world) {
				w.vpcOf("vpc-a").CIDRs = append(w.vpcOf("vpc-a").CIDRs, pfx("10.10.0.0/16"))
				w.route("rtb-a", "10.10.0.0/16", "local")
				w.addSubnet("subnet-a9", "vpc-a", "us-east-1a", "10.10.1.0/24")
				w.instance("i-sec", "subnet-a9", "10.10.1.5", "sg-sec")
				w.allow("sg-sec", "in tcp 22 10.0.0.0/16")
			},
			q:    tcp("i-client", "i-sec", 22),
			want: reachable("10.10.0.0/16 -> local", "sg-sec")},
		{name: "a local destination that no interface holds is dropped (NO_POSSIBLE_DESTINATION)",
			base: lan, q: tcp("i-client", "10.0.2.99", 22),
			want: blocked(lAddr, "vpc-a", fwd, "10.0.2.99", "NO_POSSIBLE_DESTINATION")},
	}
}

// packetSeen checks that some hop of the path saw a packet containing want
// (e.g. the translated source address).
func packetSeen(hops func(*reach.Answer) []reach.Hop, layer reach.Layer, want string) func(t *testing.T, a *reach.Answer) {
	return func(t *testing.T, a *reach.Answer) {
		t.Helper()
		for _, h := range hops(a) {
			if h.Layer == layer && strings.Contains(h.Packet, want) {
				return
			}
		}
		t.Errorf("no %s hop saw a packet with %s\n%s", layer, want, explain(a))
	}
}

func forwardHops(a *reach.Answer) []reach.Hop { return a.Forward }

func internetGatewayCases() []semCase {
	return []semCase{
		{name: "an instance with a public IPv4 address reaches the internet through an attached internet gateway",
			base: internetLAN, q: tcp("i-client", "8.8.8.8", 443),
			want:  reachable("igw-a"),
			check: packetSeen(forwardHops, reach.LayerInternet, "54.0.0.10")},
		{name: "without a public IPv4 address the internet gateway carries nothing out (IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS)",
			base:  lan,
			build: func(w *world) { w.igw("igw-a", "vpc-a").route("rtb-a", "0.0.0.0/0", "igw-a") },
			q:     tcp("i-client", "8.8.8.8", 443),
			want:  blocked(lIGW, "igw-a", fwd, "no public IPv4", "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS")},
		{name: "an internet gateway that is not attached to the VPC carries nothing",
			base:  internetLAN,
			build: func(w *world) { w.igwOf("igw-a").Attachments[0].State = "detached" },
			q:     tcp("i-client", "8.8.8.8", 443),
			want:  blocked(lIGW, "igw-a", fwd, "not attached", "BAD_STATE")},
		{name: "the internet reaches an instance's public IPv4 address when its security group admits the internet",
			base:  internetLAN,
			build: admits("in tcp 22 0.0.0.0/0"),
			q:     tcp("internet", "i-server", 22),
			want:  reachable("igw-a", "sg-server"),
			check: func(t *testing.T, a *reach.Answer) {
				if a.Query.Dest.IP != "54.0.0.20" {
					t.Errorf("the internet must address the public IP 54.0.0.20, not %s", a.Query.Dest.IP)
				}
			}},
		{name: "an instance without a public address cannot be reached from the internet (IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS)",
			base: lan,
			build: func(w *world) {
				w.igw("igw-a", "vpc-a").route("rtb-a", "0.0.0.0/0", "igw-a")
				w.allow("sg-server", "in tcp 22 0.0.0.0/0")
			},
			q:    tcp("internet", "i-server", 22),
			want: blocked(lIGW, "igw-a", fwd, "no public address", "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS")},
		{name: "a public address is unreachable from the internet when its VPC has no internet gateway",
			base: lan,
			build: func(w *world) {
				w.public("eni-server", "54.0.0.20")
				w.allow("sg-server", "in tcp 22 0.0.0.0/0")
			},
			q:    tcp("internet", "i-server", 22),
			want: blocked(lIGW, "vpc-a", fwd, "no internet gateway", "NO_PATH")},
		{name: "the internet gateway does not route private (RFC 1918) destinations",
			base: internetLAN, q: tcp("i-client", "192.168.5.5", 443),
			want: blocked(lIGW, "igw-a", fwd, "192.168.5.5", "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS")},
		{name: "the internet gateway does not route shared address space (RFC 6598) destinations",
			base: internetLAN, q: tcp("i-client", "100.64.1.1", 443),
			want: blocked(lIGW, "igw-a", fwd, "100.64.1.1", "IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS")},
		{name: "the internet gateway maps only the private address an Elastic IP is associated with",
			base: lan,
			build: func(w *world) {
				w.igw("igw-a", "vpc-a").route("rtb-a", "0.0.0.0/0", "igw-a")
				n := w.eni("eni-client")
				n.PrivateIPs = append(n.PrivateIPs, model.PrivateIP{Address: ip("10.0.1.11"), PublicIP: ip("54.0.0.11")})
			},
			q:    tcp("i-client", "8.8.8.8", 443),
			want: blocked(lIGW, "igw-a", fwd, "no public IPv4", "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS")},
		{name: "the internet gateway translates the source to the public IP: a rule admitting that public IP admits",
			base:  internetLAN,
			build: admits("in tcp 22 54.0.0.10/32"),
			q:     tcp("i-client", "54.0.0.20", 22),
			want:  reachable("igw-a", "sg-server")},
		{name: "traffic to a public address arrives from the sender's public IP: a rule admitting only its private IP does not",
			base:  internetLAN,
			build: admits("in tcp 22 10.0.1.10/32"),
			q:     tcp("i-client", "54.0.0.20", 22),
			want:  serverRefuses},
		{name: "an instance's IPv6 address is reachable from the internet through the internet gateway",
			base: lan6,
			build: func(w *world) {
				w.igw("igw-a", "vpc-a").route("rtb-a", "::/0", "igw-a")
				w.allow("sg-server", "in tcp 22 ::/0")
			},
			q:    tcp("2606:4700::1111", "2600:1f18:a:2::20", 22),
			want: reachable("igw-a", "sg-server")},
		{name: "an instance reaches the internet over IPv6 through the internet gateway without a public IPv4 address",
			base:  lan6,
			build: func(w *world) { w.igw("igw-a", "vpc-a").route("rtb-a", "::/0", "igw-a") },
			q:     tcp("2600:1f18:a:1::10", "2606:4700::1111", 443),
			want:  reachable("igw-a")},
	}
}

func egressOnlyCases() []semCase {
	eigw := func(w *world) { w.eigw("eigw-a", "vpc-a").route("rtb-a", "::/0", "eigw-a") }
	return []semCase{
		{name: "IPv6 traffic goes out through an egress-only internet gateway and its reply comes back",
			base: lan6, build: eigw,
			q:    tcp("2600:1f18:a:1::10", "2606:4700::1111", 443),
			want: reachable("eigw-a")},
		{name: "an egress-only internet gateway lets no connection in from the internet",
			base: lan6,
			build: func(w *world) {
				eigw(w)
				w.allow("sg-server", "in tcp 22 ::/0")
			},
			q:    tcp("2606:4700::1111", "2600:1f18:a:2::20", 22),
			want: blocked(lEIGW, "eigw-a", fwd, "from the internet", "-")},
		{name: "an egress-only internet gateway carries no IPv4: the IPv4 internet has no route",
			base: lan6, build: eigw,
			q:    tcp("10.0.1.10", "8.8.8.8", 443),
			want: blocked(lRT, "rtb-a", fwd, "no route to 8.8.8.8", "NO_ROUTE_TO_DESTINATION")},
	}
}

func natGatewayCases() []semCase {
	out := tcp("i-client", "8.8.8.8", 443)
	pub := func(rule string) func(w *world) {
		return func(w *world) {
			w.instance("i-pub", "subnet-a3", "10.0.3.20", "sg-pub")
			w.public("eni-pub", "54.0.0.30")
			w.allow("sg-pub", rule)
		}
	}
	return []semCase{
		{name: "a private instance reaches the internet through a public NAT gateway",
			base: natLAN, q: out,
			want:  reachable("nat-1", "igw-a"),
			check: packetSeen(forwardHops, reach.LayerInternet, "54.0.0.99")},
		{name: "the destination sees the NAT gateway's public address: a rule admitting only it admits",
			base: natLAN, build: pub("in tcp 22 54.0.0.99/32"),
			q:    tcp("i-client", "54.0.0.30", 22),
			want: reachable("nat-1", "sg-pub")},
		{name: "the destination does not see the private source behind a NAT gateway",
			base: natLAN, build: pub("in tcp 22 10.0.1.10/32"),
			q:    tcp("i-client", "54.0.0.30", 22),
			want: blocked(lSG, "sg-pub", fwd, "no matching rule", "ENI_SG_RULES_MISMATCH")},
		{name: "a NAT gateway accepts no connection from the internet",
			base: natLAN, q: tcp("internet", "nat-1", 22),
			want: blocked(lNAT, "nat-1", fwd, "started from outside", "NO_PATH")},
		{name: "a NAT gateway needs its own route to an internet gateway",
			base:  natLAN,
			build: func(w *world) { w.dropRoutes("rtb-pub", "0.0.0.0/0") },
			q:     out,
			want:  blocked(lRT, "rtb-pub", fwd, "no route to 8.8.8.8", "NO_ROUTE_TO_DESTINATION")},
		{name: "a private NAT gateway cannot reach the internet: the internet gateway drops its traffic",
			base: natLAN,
			build: func(w *world) {
				w.nat("nat-p", "subnet-a3", "10.0.3.6", "")
				w.dropRoutes("rtb-a", "0.0.0.0/0").route("rtb-a", "0.0.0.0/0", "nat-p")
			},
			q:    out,
			want: blocked(lIGW, "igw-a", fwd, "no public IPv4", "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS")},
		{name: "a NAT gateway that is not available drops traffic",
			base:  natLAN,
			build: func(w *world) { w.natOf("nat-1").State = "pending" },
			q:     out,
			want:  blocked(lNAT, "nat-1", fwd, "pending", "BAD_STATE")},
		{name: "a private NAT gateway translates traffic to another VPC through a transit gateway",
			base: transit,
			build: func(w *world) {
				w.addSubnet("subnet-a3", "vpc-a", "us-east-1a", "10.0.3.0/24")
				w.nat("nat-p", "subnet-a3", "10.0.3.6", "")
				w.routeTable("rtb-a1", "vpc-a", "subnet-a1")
				w.route("rtb-a1", "10.2.0.0/16", "nat-p")
				w.sg("sg-far").Ingress = nil
				w.allow("sg-far", "in tcp 22 10.0.3.6/32")
			},
			q:    tcp("i-client", "i-far", 22),
			want: reachable("nat-p", "tgw-rtb-1", "sg-far")},
	}
}

var toPeerSSH = tcp("i-client", "i-peer", 22)

func peeringCases() []semCase {
	return []semCase{
		{name: "an active peering with routes on both sides connects two VPCs",
			base: peered, q: toPeerSSH,
			want: reachable("pcx-ab", "sg-peer")},
		{name: "a peering connection pending acceptance carries nothing",
			base:  peered,
			build: func(w *world) { w.peeringOf("pcx-ab").Status = "pending-acceptance" },
			q:     toPeerSSH,
			want:  blocked(lPCX, "pcx-ab", fwd, "pending-acceptance", "BAD_STATE")},
		{name: "peering needs a route on both sides: without the peer's route back the reply is lost",
			base:  peered,
			build: func(w *world) { w.dropRoutes("rtb-b", "10.0.0.0/16") },
			q:     toPeerSSH,
			want:  blocked(lRT, "rtb-b", ret, "no route to 10.0.1.10", "NO_ROUTE_TO_DESTINATION")},
		{name: "peering is not transitive: A cannot reach C through B",
			base: peered,
			build: func(w *world) {
				w.vpc("vpc-d", "10.3.0.0/16")
				w.addSubnet("subnet-d1", "vpc-d", "us-east-1a", "10.3.1.0/24")
				w.instance("i-third", "subnet-d1", "10.3.1.60", "sg-third")
				w.allow("sg-third", "in tcp 22 10.0.0.0/8")
				w.peering("pcx-bd", "vpc-b", "vpc-d", "active")
				w.route("rtb-a", "10.3.0.0/16", "pcx-ab").route("rtb-b", "10.3.0.0/16", "pcx-bd").route("rtb-d", "10.0.0.0/16", "pcx-bd")
			},
			q:    tcp("i-client", "i-third", 22),
			want: blocked(lPCX, "pcx-ab", fwd, "10.3.1.60", "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR")},
		{name: "no edge-to-edge routing: a peer's internet gateway cannot be used",
			base: peered,
			build: func(w *world) {
				w.igw("igw-b", "vpc-b").route("rtb-b", "0.0.0.0/0", "igw-b")
				w.route("rtb-a", "0.0.0.0/0", "pcx-ab")
				w.public("eni-client", "54.0.0.10")
			},
			q:    tcp("i-client", "8.8.8.8", 443),
			want: blocked(lPCX, "pcx-ab", fwd, "8.8.8.8", "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR")},
		{name: "no edge-to-edge routing: a peer's NAT gateway cannot be used",
			base: peered,
			build: func(w *world) {
				w.publicNAT("vpc-b", "subnet-b2", "10.1.2.0/24", "igw-b", "rtb-bpub", "nat-b", "10.1.2.5", "54.1.0.99")
				w.route("rtb-b", "0.0.0.0/0", "nat-b")
				w.route("rtb-a", "0.0.0.0/0", "pcx-ab")
			},
			q:    tcp("i-client", "8.8.8.8", 443),
			want: blocked(lPCX, "pcx-ab", fwd, "8.8.8.8", "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR")},
		{name: "a peering between VPCs in different Regions carries traffic that CIDR rules admit",
			base: func() *world { return peeredAt(acct, region2) },
			q:    toPeerSSH,
			want: reachable("pcx-ab", "sg-peer")},
		{name: "a peering between VPCs of different accounts carries traffic",
			base: func() *world { return peeredAt(acct2, region) },
			q:    toPeerSSH,
			want: reachable("pcx-ab", "sg-peer")},
		{name: "the peer VPC's network ACL applies to traffic arriving over the peering",
			base: peered,
			build: func(w *world) {
				w.nacl("acl-b1", "vpc-b", "subnet-b1")
				w.entries("acl-b1", "in 100 deny all * 10.0.0.0/16", "in 200 allow all * 0.0.0.0/0", "out 100 allow all * 0.0.0.0/0")
			},
			q:    toPeerSSH,
			want: blocked(lACL, "acl-b1", fwd, "rule 100 ", "SUBNET_ACL_RESTRICTION")},
	}
}

// unlinkTGW removes an attachment's association with its route table.
func unlinkTGW(w *world, rtID, attID string) {
	w.attachment(attID).Association = nil
	rt := w.tgwRT(rtID)
	rt.Associations = slices.DeleteFunc(rt.Associations, func(l model.TGWRouteTableLink) bool { return l.AttachmentID == attID })
}

// twoTransitGateways is lan with vpc-a on tgw-1 (us-east-1) and vpc-w
// 10.5.0.0/16 (us-west-2, subnet-w1, i-west 10.5.1.40 admitting tcp/22 from
// 10.0.0.0/8) on tgw-2 (us-west-2), the gateways peered by tgw-attach-peer
// with static routes to each other's VPC.
func twoTransitGateways() *world {
	w := lan()
	w.vpcAt("vpc-w", acct, region2, "10.5.0.0/16")
	w.addSubnet("subnet-w1", "vpc-w", "us-west-2a", "10.5.1.0/24")
	w.instance("i-west", "subnet-w1", "10.5.1.40", "sg-west")
	w.allow("sg-west", "in tcp 22 10.0.0.0/8")
	w.tgw("tgw-1", region).tgw("tgw-2", region2)
	w.tgwVPC("tgw-attach-a", "tgw-1", "vpc-a", "subnet-a1")
	w.tgwVPC("tgw-attach-w", "tgw-2", "vpc-w", "subnet-w1")
	w.tgwPeer("tgw-attach-peer", "tgw-1", "tgw-2")
	w.tgwTable("tgw-rtb-1", "tgw-1").tgwTable("tgw-rtb-2", "tgw-2")
	w.tgwAssociate("tgw-rtb-1", "tgw-attach-a").tgwAssociate("tgw-rtb-1", "tgw-attach-peer").tgwPropagate("tgw-rtb-1", "tgw-attach-a")
	w.tgwAssociate("tgw-rtb-2", "tgw-attach-w").tgwAssociate("tgw-rtb-2", "tgw-attach-peer").tgwPropagate("tgw-rtb-2", "tgw-attach-w")
	w.tgwRoute("tgw-rtb-1", "10.5.0.0/16", "tgw-attach-peer").tgwRoute("tgw-rtb-2", "10.0.0.0/16", "tgw-attach-peer")
	w.route("rtb-a", "10.5.0.0/16", "tgw-1").route("rtb-w", "10.0.0.0/16", "tgw-2")
	return w
}

func transitGatewayCases() []semCase {
	far := tcp("i-client", "i-far", 22)
	return []semCase{
		{name: "a transit gateway routes between attached VPCs by the route table associated with the ingress attachment",
			base: transit, q: far,
			want: reachable("tgw-attach-a", "tgw-rtb-1", "tgw-attach-c", "sg-far")},
		{name: "propagation installs an attached VPC's CIDR in the route table",
			base: transit, q: far,
			want: reachable("tgw-rtb-1"),
			check: func(t *testing.T, a *reach.Answer) {
				h, ok := hopAt(a.Forward, lTGW, "tgw-rtb-1")
				if !ok || !strings.Contains(h.Rule, "10.2.0.0/16") || !strings.Contains(h.Rule, "propagated") {
					t.Errorf("the request did not use the propagated route 10.2.0.0/16: %+v", h)
				}
			}},
		{name: "without propagation or a static route the transit gateway has no route (TGW_RTB_CANNOT_ROUTE)",
			base: transit,
			build: func(w *world) {
				rt := w.tgwRT("tgw-rtb-1")
				rt.Propagations = slices.DeleteFunc(rt.Propagations, func(l model.TGWRouteTableLink) bool { return l.AttachmentID == "tgw-attach-c" })
			},
			q:    far,
			want: blocked(lTGW, "tgw-rtb-1", fwd, "no route to 10.2.1.30", "TGW_RTB_CANNOT_ROUTE")},
		{name: "static transit gateway routes work without propagation",
			base: transit,
			build: func(w *world) {
				w.tgwRT("tgw-rtb-1").Propagations = nil
				w.tgwRoute("tgw-rtb-1", "10.2.0.0/16", "tgw-attach-c").tgwRoute("tgw-rtb-1", "10.0.0.0/16", "tgw-attach-a")
			},
			q:    far,
			want: reachable("tgw-rtb-1", "sg-far")},
		{name: "an attachment with no route table association drops its traffic (TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION)",
			base:  transit,
			build: func(w *world) { unlinkTGW(w, "tgw-rtb-1", "tgw-attach-a") },
			q:     far,
			want:  blocked(lTGW, "tgw-attach-a", fwd, "not associated", "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION")},
		{name: "the route table associated with the ingress attachment decides, not the destination's",
			base: transit,
			build: func(w *world) {
				unlinkTGW(w, "tgw-rtb-1", "tgw-attach-a")
				w.tgwTable("tgw-rtb-a", "tgw-1").tgwAssociate("tgw-rtb-a", "tgw-attach-a") // empty
			},
			q:    far,
			want: blocked(lTGW, "tgw-rtb-a", fwd, "no route to 10.2.1.30", "TGW_RTB_CANNOT_ROUTE")},
		{name: "a transit gateway blackhole route drops traffic (TGW_RTB_BAD_STATE_ROUTE)",
			base:  transit,
			build: func(w *world) { w.tgwRoute("tgw-rtb-1", "10.2.1.0/24", "blackhole") },
			q:     far,
			want:  blocked(lTGW, "tgw-rtb-1", fwd, "10.2.1.0/24", "TGW_RTB_BAD_STATE_ROUTE")},
		{name: "for the same prefix a static transit gateway route beats a propagated one",
			base:  transit,
			build: func(w *world) { w.tgwRoute("tgw-rtb-1", "10.2.0.0/16", "blackhole") },
			q:     far,
			want:  blocked(lTGW, "tgw-rtb-1", fwd, "10.2.0.0/16", "TGW_RTB_BAD_STATE_ROUTE")},
		{name: "the longest prefix wins in a transit gateway route table",
			base:  transit,
			build: func(w *world) { w.tgwRoute("tgw-rtb-1", "10.0.0.0/8", "blackhole") },
			q:     far,
			want:  reachable("tgw-rtb-1", "sg-far")},
		{name: "a prefix-list route in a transit gateway route table carries traffic to the list's CIDRs",
			base: transit,
			build: func(w *world) {
				rt := w.tgwRT("tgw-rtb-1")
				rt.Propagations = rt.Propagations[:1] // only vpc-a propagates
				w.prefixList("pl-c", "vpc-c", false, "10.2.0.0/16")
				w.tgwRoute("tgw-rtb-1", "pl-c", "tgw-attach-c")
			},
			q:    far,
			want: reachable("tgw-rtb-1", "sg-far")},
		{name: "for the same prefix a transit gateway prefix-list route beats a VPC-propagated one",
			base: transit,
			build: func(w *world) {
				w.prefixList("pl-c", "vpc-c", false, "10.2.0.0/16")
				w.tgwRoute("tgw-rtb-1", "pl-c", "blackhole")
			},
			q:    far,
			want: blocked(lTGW, "tgw-rtb-1", fwd, "10.2.0.0/16", "TGW_RTB_BAD_STATE_ROUTE")},
		{name: "traffic from an Availability Zone where the attachment has no subnet cannot reach the transit gateway",
			base: transit,
			build: func(w *world) {
				w.sg("sg-far").Ingress = nil
				w.allow("sg-far", "in tcp 22 10.0.0.0/8")
			},
			q:    tcp("i-server", "i-far", 22),
			want: blocked(lTGW, "tgw-attach-a", fwd, "us-east-1b", "TGW_ROUTE_AZ_RESTRICTION")},
		{name: "the destination VPC needs its own route back to the transit gateway",
			base:  transit,
			build: func(w *world) { w.dropRoutes("rtb-c", "10.0.0.0/16") },
			q:     far,
			want:  blocked(lRT, "rtb-c", ret, "no route to 10.0.1.10", "NO_ROUTE_TO_DESTINATION")},
		{name: "traffic leaving the transit gateway is routed by the attachment subnet's route table",
			base: transit,
			build: func(w *world) {
				w.addSubnet("subnet-c2", "vpc-c", "us-east-1a", "10.2.2.0/24")
				w.attachment("tgw-attach-c").SubnetIDs = []string{"subnet-c2"}
				w.addSubnet("subnet-c3", "vpc-c", "us-east-1a", "10.2.3.0/24") // main route table
				insp := w.instance("i-insp", "subnet-c3", "10.2.3.9", "sg-insp")
				insp.SourceDestCheck = false
				w.allow("sg-insp", "in all * 10.0.0.0/8")
				w.routeTable("rtb-c2", "vpc-c", "subnet-c2")
				w.route("rtb-c2", "10.2.1.0/24", "eni-insp") // inspection before delivery
			},
			q:    far,
			want: reachable("rtb-c2", "eni-insp", "sg-far")},
		{name: "two peered transit gateways carry traffic by static routes",
			base: twoTransitGateways, q: tcp("i-client", "i-west", 22),
			want: reachable("tgw-rtb-1", "tgw-attach-peer", "tgw-rtb-2", "sg-west")},
		{name: "transit gateway peering learns no routes: without a static route to the peer there is none",
			base:  twoTransitGateways,
			build: func(w *world) { w.tgwRT("tgw-rtb-1").Routes = nil },
			q:     tcp("i-client", "i-west", 22),
			want:  blocked(lTGW, "tgw-rtb-1", fwd, "no route to 10.5.1.40", "TGW_RTB_CANNOT_ROUTE")},
	}
}

func vpnGatewayCases() []semCase {
	return []semCase{
		{name: "a route to a virtual private gateway leaves the snapshot: the verdict is unknown",
			base:  lan,
			build: func(w *world) { w.vgw("vgw-a", "vpc-a").route("rtb-a", "192.168.0.0/16", "vgw-a") },
			q:     tcp("i-client", "192.168.1.1", 443),
			want:  unknown("vgw-a")},
		{name: "the sender subnet's network ACL is still checked before a virtual private gateway",
			base: lan,
			build: func(w *world) {
				w.vgw("vgw-a", "vpc-a").route("rtb-a", "192.168.0.0/16", "vgw-a")
				w.nacl("acl-cli", "vpc-a", "subnet-a1")
				w.entries("acl-cli", "out 100 allow all * 10.0.0.0/8")
			},
			q:    tcp("i-client", "192.168.1.1", 443),
			want: blocked(lACL, "acl-cli", fwd, "rule *", "SUBNET_ACL_RESTRICTION")},
	}
}

// s3World is lan with the S3 service prefix list pl-s3 (52.216.0.0/15) and
// a gateway endpoint vpce-s3 routed from vpc-a's main table.
func s3World() *world {
	w := lan()
	w.prefixList("pl-s3", "com.amazonaws.us-east-1.s3", true, "52.216.0.0/15")
	w.gatewayEndpoint("vpce-s3", "vpc-a", "com.amazonaws.us-east-1.s3", "pl-s3", "rtb-a")
	return w
}

// stsEndpoint adds an interface endpoint vpce-sts (interface eni-vpce-sts,
// 10.0.2.50 in subnet-a2) in sg-vpce with the rules given.
func stsEndpoint(rules ...string) func(w *world) {
	return func(w *world) {
		w.newSG("sg-vpce", "vpc-a")
		w.allow("sg-vpce", rules...)
		w.interfaceEndpoint("vpce-sts", "vpc-a", "com.amazonaws.us-east-1.sts", "subnet-a2", "10.0.2.50", "sg-vpce")
	}
}

func endpointCases() []semCase {
	s3 := tcp("i-client", "52.216.1.1", 443)
	return []semCase{
		{name: "a gateway endpoint carries S3 traffic from its VPC by the prefix-list route",
			base: s3World, q: s3,
			want: reachable("pl-s3", "vpce-s3")},
		{name: "a gateway endpoint carries ICMP echo",
			base: s3World, q: ping("i-client", "52.216.1.1"),
			want: reachable("vpce-s3")},
		{name: "a route table without the endpoint's route does not reach the service privately",
			base:  s3World,
			build: func(w *world) { w.routeTable("rtb-a1", "vpc-a", "subnet-a1") },
			q:     s3,
			want:  blocked(lRT, "rtb-a1", fwd, "no route to 52.216.1.1", "NO_ROUTE_TO_DESTINATION")},
		{name: "a gateway endpoint cannot be used from a peered VPC",
			base: peered,
			build: func(w *world) {
				w.prefixList("pl-s3", "com.amazonaws.us-east-1.s3", true, "52.216.0.0/15")
				w.gatewayEndpoint("vpce-s3", "vpc-b", "com.amazonaws.us-east-1.s3", "pl-s3", "rtb-b")
				w.route("rtb-a", "52.216.0.0/15", "pcx-ab")
			},
			q:    s3,
			want: blocked(lPCX, "pcx-ab", fwd, "52.216.1.1", "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR")},
		{name: "a gateway endpoint cannot be used through a transit gateway",
			base: transit,
			build: func(w *world) {
				w.prefixList("pl-s3", "com.amazonaws.us-east-1.s3", true, "52.216.0.0/15")
				w.gatewayEndpoint("vpce-s3", "vpc-c", "com.amazonaws.us-east-1.s3", "pl-s3", "rtb-c")
				w.route("rtb-a", "52.216.0.0/15", "tgw-1")
				w.tgwRoute("tgw-rtb-1", "52.216.0.0/15", "tgw-attach-c")
			},
			q:    s3,
			want: blocked(lVPCE, "vpce-s3", fwd, "10.0.1.10", "VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION")},
		{name: "an interface endpoint accepts TCP its security group admits",
			base: lan, build: stsEndpoint("in tcp 443 10.0.0.0/16"),
			q:    tcp("i-client", "eni-vpce-sts", 443),
			want: reachable("eni-vpce-sts", "sg-vpce")},
		{name: "an interface endpoint carries TCP only: UDP is refused",
			base: lan, build: stsEndpoint("in all * 10.0.0.0/16"),
			q:    udp("i-client", "eni-vpce-sts", 443),
			want: blocked(lVPCE, "vpce-sts", fwd, "TCP only", "PROTOCOL_RESTRICTION")},
		{name: "an interface endpoint's security group filters what reaches it",
			base: lan, build: stsEndpoint("in tcp 443 10.0.3.0/24"),
			q:    tcp("i-client", "eni-vpce-sts", 443),
			want: blocked(lSG, "sg-vpce", fwd, "no matching rule", "ENI_SG_RULES_MISMATCH")},
	}
}

func loadBalancerCases() []semCase {
	nlbOpen := func(w *world) { w.allow("sg-server", "in tcp 22 0.0.0.0/0") }
	return []semCase{
		{name: "a load balancer forwards its listener's port to a registered target",
			base: albWorld, q: tcp("internet", "web-alb", 80),
			want: reachable("sg-alb", webTG, "sg-server")},
		{name: "a port without a listener is refused (ELBV2_LISTENERS_MISMATCH)",
			base: albWorld, q: tcp("internet", "web-alb", 443),
			want: blocked(lLB, albARN, fwd, "port 443", "ELBV2_LISTENERS_MISMATCH")},
		{name: "the application load balancer's security group filters clients",
			base:  albWorld,
			build: func(w *world) { w.sg("sg-alb").Ingress = nil; w.allow("sg-alb", "in tcp 80 10.0.0.0/8") },
			q:     tcp("internet", "web-alb", 80),
			want:  blocked(lSG, "sg-alb", fwd, "no matching rule", "ENI_SG_RULES_MISMATCH")},
		{name: "behind an application load balancer the target sees the node's address, not the client's",
			base:  albWorld,
			build: func(w *world) { w.sg("sg-server").Ingress = nil; w.allow("sg-server", "in tcp 8080 10.0.1.10/32") },
			q:     tcp("i-client", "web-alb", 80),
			want:  serverRefuses},
		{name: "a network load balancer preserves the client address for instance targets: admitting only its subnets blocks",
			base:  nlbWorld,
			build: admits("in tcp 22 10.0.3.0/24", "in tcp 22 10.0.4.0/24"),
			q:     tcp("internet", "ssh-nlb", 22),
			want:  serverRefuses},
		{name: "a network load balancer preserves the client address for instance targets: admitting the client passes",
			base: nlbWorld, build: nlbOpen,
			q:    tcp("internet", "ssh-nlb", 22),
			want: reachable(sshTG, "sg-server")},
		{name: "with cross-zone load balancing off a node sends only to targets in its own Availability Zone",
			base: nlbWorld, build: nlbOpen,
			q:    tcp("internet", "eni-ssh-nlb-0", 22),
			want: blocked(lLB, nlbARN, fwd, "us-east-1a", "ELB_NOT_CROSSZONE")},
		{name: "with cross-zone load balancing on a node sends to targets in other Availability Zones",
			base: nlbWorld,
			build: func(w *world) {
				nlbOpen(w)
				w.lbOf(nlbARN).Attributes = map[string]string{"load_balancing.cross_zone.enabled": "true"}
			},
			q:    tcp("internet", "eni-ssh-nlb-0", 22),
			want: reachable(sshTG, "sg-server")},
		{name: "a listener for TCP does not carry UDP",
			base: nlbWorld, build: nlbOpen,
			q:    udp("internet", "ssh-nlb", 22),
			want: blocked(lLB, nlbARN, fwd, "port 22", "ELBV2_LISTENERS_MISMATCH")},
		{name: "a network load balancer with a security group filters clients by it",
			base: nlbWorld,
			build: func(w *world) {
				nlbOpen(w)
				w.newSG("sg-nlb", "vpc-a")
				w.allow("sg-nlb", "in tcp 22 10.0.0.0/8")
				w.lbOf(nlbARN).SecurityGroupIDs = []string{"sg-nlb"}
				w.eni("eni-ssh-nlb-0").SecurityGroupIDs = []string{"sg-nlb"}
				w.eni("eni-ssh-nlb-1").SecurityGroupIDs = []string{"sg-nlb"}
			},
			q:    tcp("internet", "ssh-nlb", 22),
			want: blocked(lSG, "sg-nlb", fwd, "no matching rule", "ENI_SG_RULES_MISMATCH")},
	}
}

// multiHomed adds i-multi with eni-multi (subnet-a1, 10.0.1.20, sg-closed,
// which admits nothing) and eni-multi2 (subnet-a2, 10.0.2.21, sg-open,
// tcp/22 from the VPC).
func multiHomed(w *world) {
	w.instance("i-multi", "subnet-a1", "10.0.1.20", "sg-closed")
	w.attachENI("i-multi", "eni-multi2", "subnet-a2", "10.0.2.21", "sg-open")
	w.allow("sg-open", "in tcp 22 10.0.0.0/16")
}

func queryCases() []semCase {
	return []semCase{
		{name: "an instance with several interfaces is reached on the one that works, and the answer says which",
			base: lan, build: multiHomed,
			q:    tcp("i-client", "i-multi", 22),
			want: reachable("sg-open"),
			check: func(t *testing.T, a *reach.Answer) {
				if d := a.Query.Dest; d.Interface != "eni-multi2" || !strings.Contains(d.Note, "eni-multi2") {
					t.Errorf("destination %+v: want interface eni-multi2, named in the note", d)
				}
			}},
		{name: "an instance with several interfaces sends from the one that works, and the answer says which",
			base: lan,
			build: func(w *world) {
				multiHomed(w)
				w.allow("sg-server", "in tcp 22 10.0.2.0/24")
			},
			q:    tcp("i-multi", "i-server", 22),
			want: reachable("sg-server"),
			check: func(t *testing.T, a *reach.Answer) {
				if s := a.Query.Source; s.Interface != "eni-multi2" || !strings.Contains(s.Note, "eni-multi2") {
					t.Errorf("source %+v: want interface eni-multi2, named in the note", s)
				}
			}},
		{name: "a stopped destination instance answers nothing",
			base:  webLAN,
			build: func(w *world) { w.inst("i-server").State = "stopped" },
			q:     clientSSH,
			want:  blocked(lAddr, "i-server", fwd, "stopped", "BAD_STATE")},
		{name: "a stopped source instance sends nothing",
			base:  webLAN,
			build: func(w *world) { w.inst("i-client").State = "stopped" },
			q:     clientSSH,
			want:  blocked(lAddr, "i-client", fwd, "stopped", "BAD_STATE")},
		{name: "an instance can be named by its Name tag",
			base:  webLAN,
			build: func(w *world) { w.inst("i-server").Tags = model.Tags{"Name": "db"} },
			q:     tcp("i-client", "db", 22),
			want:  reachable("sg-server"),
			check: func(t *testing.T, a *reach.Answer) {
				if a.Query.Dest.ID != "i-server" {
					t.Errorf("db resolved to %q, want i-server", a.Query.Dest.ID)
				}
			}},
		{name: "a secondary private address of an interface is reached on that interface",
			base: webLAN,
			build: func(w *world) {
				n := w.eni("eni-server")
				n.PrivateIPs = append(n.PrivateIPs, model.PrivateIP{Address: ip("10.0.2.21")})
			},
			q:    tcp("i-client", "10.0.2.21", 22),
			want: reachable("eni-server"),
			check: func(t *testing.T, a *reach.Answer) {
				if a.Query.Dest.Interface != "eni-server" || a.Query.Dest.IP != "10.0.2.21" {
					t.Errorf("destination %+v: want 10.0.2.21 on eni-server", a.Query.Dest)
				}
			}},
		{name: "from the internet the answer picks an internet address the security group admits",
			base:  internetLAN,
			build: admits("in tcp 22 203.0.113.0/24"),
			q:     tcp("internet", "i-server", 22),
			want:  reachable("sg-server"),
			check: sourceIn("203.0.113.0/24")},
		{name: "from the internet the answer picks an internet address the network ACL admits too",
			base: internetLAN,
			build: func(w *world) {
				w.allow("sg-server", "in tcp 22 0.0.0.0/0")
				w.nacl("acl-srv", "vpc-a", "subnet-a2")
				w.entries("acl-srv", "in 100 allow tcp 22 198.51.100.0/24", "out 100 allow tcp 1024-65535 0.0.0.0/0")
			},
			q:     tcp("internet", "i-server", 22),
			want:  reachable("acl-srv"),
			check: sourceIn("198.51.100.0/24")},
		{name: "from the internet with no internet address admitted the security group blocks",
			base:  internetLAN,
			build: admits("in tcp 22 10.0.0.0/16"),
			q:     tcp("internet", "i-server", 22),
			want:  serverRefuses},
	}
}

func sourceIn(p string) func(t *testing.T, a *reach.Answer) {
	return func(t *testing.T, a *reach.Answer) {
		t.Helper()
		addr, err := netip.ParseAddr(a.Query.Source.IP)
		if err != nil || !netip.MustParsePrefix(p).Contains(addr) {
			t.Errorf("the internet source %q is not in %s", a.Query.Source.IP, p)
		}
	}
}

// TestQueryInputErrors: queries the engine cannot run fail with an
// *reach.InputError that says why.
func TestQueryInputErrors(t *testing.T) {
	cases := []struct {
		name  string
		build func(w *world)
		q     reach.Query
		say   []string
	}{
		{name: "an unknown name is refused with a close-match suggestion",
			q: tcp("i-client", "i-sever", 22), say: []string{"i-sever", "did you mean", "i-server"}},
		{name: "an IP address used in two VPCs is ambiguous",
			build: func(w *world) {
				w.vpc("vpc-z", "10.0.0.0/16")
				w.addSubnet("subnet-z1", "vpc-z", "us-east-1a", "10.0.1.0/24")
				w.instance("i-twin", "subnet-z1", "10.0.1.10", "sg-twin")
			},
			q: tcp("i-server", "10.0.1.10", 22), say: []string{"eni-client", "eni-twin"}},
		{name: "a Name tag shared by two instances is ambiguous",
			build: func(w *world) {
				w.inst("i-client").Tags = model.Tags{"Name": "web"}
				w.inst("i-server").Tags = model.Tags{"Name": "web"}
			},
			q: tcp("i-client", "web", 22), say: []string{"i-client", "i-server"}},
		{name: "a resource that cannot send or receive (a subnet) is refused",
			q: tcp("i-client", "subnet-a2", 22), say: []string{"subnet"}},
		{name: "TCP without a destination port is refused",
			q: reach.Query{From: "i-client", To: "i-server", Protocol: model.ProtocolTCP}, say: []string{"port"}},
		{name: "a port on ICMP is refused",
			q: reach.Query{From: "i-client", To: "i-server", Protocol: model.ProtocolICMP, Port: 22}, say: []string{"tcp and udp"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := lan()
			if c.build != nil {
				c.build(w)
			}
			a, err := reach.New(w.s).Reach(c.q)
			var ie *reach.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("want an *reach.InputError, got %v (answer %v)", err, a)
			}
			for _, s := range c.say {
				if !strings.Contains(ie.Error(), s) {
					t.Errorf("error %q does not mention %q", ie, s)
				}
			}
		})
	}
}

// whoWorld is lan plus admins i-admin1 10.0.3.11 and i-admin2 10.0.3.12 in
// sg-admin (subnet-a3, us-east-1a), web servers i-web1 10.0.1.21 and
// i-web2 10.0.1.22 in sg-web (subnet-a1, beside i-client), and i-other
// 10.0.4.40 in sg-other (subnet-a4). sg-server admits tcp/22 from sg-admin
// and from 10.0.1.0/24.
func whoWorld() *world {
	w := lan()
	w.addSubnet("subnet-a3", "vpc-a", "us-east-1a", "10.0.3.0/24")
	w.addSubnet("subnet-a4", "vpc-a", "us-east-1b", "10.0.4.0/24")
	w.instance("i-admin1", "subnet-a3", "10.0.3.11", "sg-admin")
	w.instance("i-admin2", "subnet-a3", "10.0.3.12", "sg-admin")
	w.instance("i-web1", "subnet-a1", "10.0.1.21", "sg-web")
	w.instance("i-web2", "subnet-a1", "10.0.1.22", "sg-web")
	w.instance("i-other", "subnet-a4", "10.0.4.40", "sg-other")
	w.allow("sg-server", "in tcp 22 sg-admin", "in tcp 22 10.0.1.0/24")
	return w
}

// interfaces returns the sorted IDs of the network-interface sources.
func interfaces(srcs []reach.Source) []string {
	var out []string
	for _, s := range srcs {
		if s.Kind == "network-interface" {
			out = append(out, s.ID)
		}
	}
	slices.Sort(out)
	return out
}

func internetSource(srcs []reach.Source) (reach.Source, bool) {
	for _, s := range srcs {
		if s.Kind == "internet" {
			return s, true
		}
	}
	return reach.Source{}, false
}

// TestWhoCanReach: the inverse question answers with exactly the sources
// the destination's filters admit and whose path works.
func TestWhoCanReach(t *testing.T) {
	publicServer := func(rule string) func(w *world) {
		return func(w *world) {
			w.igw("igw-a", "vpc-a").route("rtb-a", "0.0.0.0/0", "igw-a")
			w.public("eni-server", "54.0.0.20")
			if rule != "" {
				w.allow("sg-server", rule)
			}
		}
	}
	cases := []struct {
		name          string
		build         func(w *world)
		sources       []string // interface sources, sorted
		blocked       []string
		internet      bool     // the internet is among the sources
		internetIPs   []string // when set, the internet source's summary
		check         func(t *testing.T, a *reach.WhoAnswer)
		blockedByACL  string // the ACL that blocks the blocked sources
		noInternetAny bool   // the internet appears neither as source nor as blocked
	}{
		{name: "returns exactly the interfaces the security group admits, by group and by CIDR",
			sources: []string{"eni-admin1", "eni-admin2", "eni-client", "eni-web1", "eni-web2"}, noInternetAny: true,
			check: func(t *testing.T, a *reach.WhoAnswer) {
				for _, s := range a.Sources {
					if s.Kind != "network-interface" {
						continue
					}
					want := map[string][2]string{
						"eni-admin1": {"subnet-a3", "sg-admin"}, "eni-admin2": {"subnet-a3", "sg-admin"},
						"eni-web1": {"subnet-a1", "sg-web"}, "eni-web2": {"subnet-a1", "sg-web"}, "eni-client": {"subnet-a1", "sg-client"},
					}[s.ID]
					if s.Subnet != want[0] || !slices.Equal(s.Groups, []string{want[1]}) {
						t.Errorf("%s: subnet %s groups %v, want %s [%s]", s.ID, s.Subnet, s.Groups, want[0], want[1])
					}
					if s.Verdict != reach.VerdictReachable {
						t.Errorf("%s: verdict %s", s.ID, s.Verdict)
					}
					rule := "sg-admin"
					if want[1] != "sg-admin" {
						rule = "10.0.1.0/24"
					}
					if !strings.Contains(s.AdmittedBy, rule) {
						t.Errorf("%s admitted by %q, want the rule naming %s", s.ID, s.AdmittedBy, rule)
					}
				}
			}},
		{name: "admitted sources whose own path fails are listed as blocked with the deciding step",
			build: func(w *world) {
				w.nacl("acl-adm", "vpc-a", "subnet-a3")
				w.entries("acl-adm", "in 100 allow all * 0.0.0.0/0", "out 100 deny tcp 22 10.0.2.0/24", "out 200 allow all * 0.0.0.0/0")
			},
			sources: []string{"eni-client", "eni-web1", "eni-web2"}, blocked: []string{"eni-admin1", "eni-admin2"},
			blockedByACL: "acl-adm", noInternetAny: true},
		{name: "the destination's network ACL narrows the admitted set",
			build: func(w *world) {
				w.nacl("acl-srv", "vpc-a", "subnet-a2")
				w.entries("acl-srv", "in 90 deny all * 10.0.1.0/24", "in 100 allow all * 0.0.0.0/0", "out 100 allow all * 0.0.0.0/0")
			},
			sources: []string{"eni-admin1", "eni-admin2"}, noInternetAny: true},
		{name: "the internet is a source when the destination has a public IP and its rules admit internet addresses",
			build:    publicServer("in tcp 22 203.0.113.0/24"),
			sources:  []string{"eni-admin1", "eni-admin2", "eni-client", "eni-web1", "eni-web2"},
			internet: true, internetIPs: []string{"203.0.113.0/24"}},
		{name: "the internet is no source without a public IP, even when the rules admit 0.0.0.0/0",
			build:         func(w *world) { w.allow("sg-server", "in tcp 22 0.0.0.0/0") },
			noInternetAny: true},
		{name: "the internet is no source when the rules admit only private ranges, even with a public IP",
			build:   publicServer(""),
			sources: []string{"eni-admin1", "eni-admin2", "eni-client", "eni-web1", "eni-web2"}, noInternetAny: true},
		{name: "admitted addresses that no interface holds are reported as addresses with an unknown verdict",
			check: func(t *testing.T, a *reach.WhoAnswer) {
				for _, s := range a.Sources {
					if s.Kind == "addresses" {
						if s.Verdict != reach.VerdictUnknown || len(a.Caveats) == 0 {
							t.Errorf("addresses source %+v: want verdict unknown and a caveat", s)
						}
						return
					}
				}
				t.Errorf("the rest of 10.0.1.0/24 is not reported as addresses: %+v", a.Sources)
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := whoWorld()
			if c.build != nil {
				c.build(w)
			}
			a, err := reach.New(w.s).WhoCanReach(reach.WhoQuery{To: "i-server", Protocol: model.ProtocolTCP, Port: 22})
			if err != nil {
				t.Fatal(err)
			}
			if c.sources != nil && !slices.Equal(interfaces(a.Sources), c.sources) {
				t.Errorf("sources %v, want %v", interfaces(a.Sources), c.sources)
			}
			if got := interfaces(a.Blocked); c.sources != nil && !slices.Equal(got, c.blocked) {
				t.Errorf("blocked %v, want %v", got, c.blocked)
			}
			if c.blockedByACL != "" {
				for _, s := range a.Blocked {
					if s.Blocked == nil || s.Blocked.Layer != lACL || s.Blocked.Resource != c.blockedByACL {
						t.Errorf("%s blocked by %+v, want network ACL %s", s.ID, s.Blocked, c.blockedByACL)
					}
				}
			}
			inet, ok := internetSource(a.Sources)
			if c.internet && !ok {
				t.Errorf("the internet is not a source: %+v", a.Sources)
			}
			if c.internetIPs != nil && !slices.Equal(inet.IPs, c.internetIPs) {
				t.Errorf("internet source %v, want %v", inet.IPs, c.internetIPs)
			}
			if c.noInternetAny {
				_, inSrc := internetSource(a.Sources)
				_, inBlk := internetSource(a.Blocked)
				if inSrc || inBlk {
					t.Errorf("the internet appears although it cannot reach i-server: %+v %+v", a.Sources, a.Blocked)
				}
			}
			if c.check != nil {
				c.check(t, a)
			}
		})
	}
}

// exposureWorld is lan with an internet gateway and, in subnet-a1, i-web
// (54.0.0.30; tcp/80 and tcp/443 from anywhere) and i-bastion (54.0.0.40;
// tcp/22 from anywhere); in subnet-a2 i-private (no public address; tcp/22
// from anywhere) and i-internal (54.0.0.60; tcp/5432 from the VPC only).
func exposureWorld() *world {
	w := lan()
	w.igw("igw-a", "vpc-a").route("rtb-a", "0.0.0.0/0", "igw-a")
	w.instance("i-web", "subnet-a1", "10.0.1.30", "sg-web")
	w.public("eni-web", "54.0.0.30").allow("sg-web", "in tcp 80 0.0.0.0/0", "in tcp 443 0.0.0.0/0")
	w.instance("i-bastion", "subnet-a1", "10.0.1.40", "sg-bastion")
	w.public("eni-bastion", "54.0.0.40").allow("sg-bastion", "in tcp 22 0.0.0.0/0")
	w.instance("i-private", "subnet-a2", "10.0.2.50", "sg-priv")
	w.allow("sg-priv", "in tcp 22 0.0.0.0/0")
	w.instance("i-internal", "subnet-a2", "10.0.2.60", "sg-internal")
	w.public("eni-internal", "54.0.0.60").allow("sg-internal", "in tcp 5432 10.0.0.0/16")
	return w
}

// TestExposure: everything reachable from the internet, per interface and
// port set, end to end.
func TestExposure(t *testing.T) {
	cases := []struct {
		name  string
		base  func() *world
		build func(w *world)
		opts  reach.ExposureOptions
		want  []string // "id protocol ports", sorted
		check func(t *testing.T, r *reach.ExposureReport)
	}{
		{name: "every public interface and port open end to end is reported, and nothing else",
			base: exposureWorld,
			want: []string{"eni-bastion tcp 22", "eni-web tcp 443", "eni-web tcp 80"},
			check: func(t *testing.T, r *reach.ExposureReport) {
				for _, x := range r.Exposed {
					if x.ID == "eni-web" && (x.PublicIP != "54.0.0.30" || x.Instance != "i-web" || !strings.Contains(x.Rule, "sg-web")) {
						t.Errorf("eni-web exposure %+v: want public IP 54.0.0.30, instance i-web, rule of sg-web", x)
					}
				}
			}},
		{name: "a network ACL that blocks a port removes it",
			base: exposureWorld,
			build: func(w *world) {
				w.nacl("acl-pub", "vpc-a", "subnet-a1")
				w.entries("acl-pub", "in 100 deny tcp 22 0.0.0.0/0", "in 200 allow all * 0.0.0.0/0", "out 100 allow all * 0.0.0.0/0")
			},
			want: []string{"eni-web tcp 443", "eni-web tcp 80"}},
		{name: "a network ACL that blocks the replies removes the exposure",
			base: exposureWorld,
			build: func(w *world) {
				w.nacl("acl-pub", "vpc-a", "subnet-a1")
				w.entries("acl-pub", "in 100 allow all * 0.0.0.0/0", "out 100 allow tcp 80 0.0.0.0/0")
			},
			want: nil},
		{name: "a port range the security group opens but the network ACL narrows is reported narrowed",
			base: lan,
			build: func(w *world) {
				w.igw("igw-a", "vpc-a").route("rtb-a", "0.0.0.0/0", "igw-a")
				w.instance("i-app", "subnet-a1", "10.0.1.30", "sg-app")
				w.public("eni-app", "54.0.0.30").allow("sg-app", "in tcp 8000-9000 0.0.0.0/0")
				w.nacl("acl-app", "vpc-a", "subnet-a1")
				w.entries("acl-app", "in 100 allow tcp 8080-8090 0.0.0.0/0", "out 100 allow tcp 1024-65535 0.0.0.0/0")
			},
			want: []string{"eni-app tcp 8080-8090"}},
		{name: "the report names the internet sources the rules admit",
			base: exposureWorld,
			build: func(w *world) {
				w.sg("sg-bastion").Ingress = nil
				w.allow("sg-bastion", "in tcp 22 203.0.113.0/24")
			},
			want: []string{"eni-bastion tcp 22", "eni-web tcp 443", "eni-web tcp 80"},
			check: func(t *testing.T, r *reach.ExposureReport) {
				for _, x := range r.Exposed {
					if x.ID == "eni-bastion" && !slices.Equal(x.Sources, []string{"203.0.113.0/24"}) {
						t.Errorf("eni-bastion sources %v, want [203.0.113.0/24]", x.Sources)
					}
				}
			}},
		{name: "a port option limits the report to that port",
			base: exposureWorld, opts: reach.ExposureOptions{Port: 443},
			want: []string{"eni-web tcp 443"}},
		{name: "an internet-facing load balancer's listener is exposed",
			base: albWorld,
			want: []string{albARN + " tcp 80"}},
		// ALB guide, "Update the IP address types for your Application Load
		// Balancer": a dualstack load balancer lets "clients ... communicate
		// with the load balancer using ... both IPv4 and IPv6 addresses".
		{name: "a dual-stack load balancer's listener is exposed to the IPv6 internet as well as the IPv4 one",
			base: dualStackALB,
			want: []string{albARN + " tcp 80", albARN + " tcp 80"},
			check: func(t *testing.T, r *reach.ExposureReport) {
				v6 := false
				for _, x := range r.Exposed {
					if netip.MustParseAddr(x.PublicIP).Is6() {
						v6 = true
						if len(x.Sources) == 0 || !netip.MustParsePrefix(x.Sources[0]).Addr().Is6() {
							t.Errorf("the IPv6 exposure of %s lists sources %v, want IPv6 internet prefixes", x.PublicIP, x.Sources)
						}
					}
				}
				if !v6 {
					t.Errorf("no exposure on an IPv6 node address: %+v", r.Exposed)
				}
			}},
		{name: "an instance that is stopped is not exposed",
			base:  exposureWorld,
			build: func(w *world) { w.inst("i-bastion").State = "stopped" },
			want:  []string{"eni-web tcp 443", "eni-web tcp 80"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := c.base()
			if c.build != nil {
				c.build(w)
			}
			r := reach.New(w.s).Exposure(c.opts)
			var got []string
			for _, x := range r.Exposed {
				got = append(got, x.ID+" "+x.Protocol+" "+x.Ports)
			}
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("exposed %q, want %q", got, c.want)
			}
			if c.check != nil {
				c.check(t, r)
			}
		})
	}
}

// documentedFixes are documented behaviours the engine first got wrong;
// each cites the AWS documentation it follows.
func documentedFixes() []semCase {
	return []semCase{
		{name: "a security group rule naming a prefix list missing from the snapshot makes the answer unknown, not unreachable",
			base:  lan,
			build: admits("in tcp 22 pl-gone"),
			q:     clientSSH,
			want:  unknown("pl-gone").at(lSG, "sg-server", fwd, "pl-gone", "*"),
			doc: "A prefix-list rule admits every CIDR of the list (VPC User Guide, \"Managed prefix lists\": " +
				"\"you can reference a prefix list in your security group rules\"); without the list's entries the " +
				"snapshot cannot decide, and reach.Answer.Verdict promises \"unknown when the snapshot lacks data the " +
				"answer depends on\". The engine records the caveat but its Block carries ENI_SG_RULES_MISMATCH, so " +
				"finish() turns the verdict into unreachable (only UNKNOWN_RESOURCE blocks become unknown)."},
		{name: "a security group missing from the snapshot makes the answer unknown, not unreachable",
			base: lan,
			build: func(w *world) {
				w.eni("eni-server").SecurityGroupIDs = []string{"sg-ghost"}
				w.gap(model.KindSecurityGroup, "DescribeSecurityGroups")
			},
			q:    clientSSH,
			want: unknown("sg-ghost"),
			doc: "The rules of every security group on an interface decide together (VPC User Guide, \"Security " +
				"groups\": \"the rules from all the security groups associated with the network interface are " +
				"aggregated\"); a group the snapshot lacks leaves the answer open, so the verdict must be unknown. " +
				"Same cause as the prefix-list case: the unknown hop's code is ENI_SG_RULES_MISMATCH."},
		{name: "a route table naming a prefix list missing from the snapshot makes a route miss unknown, not unreachable",
			base:  lan,
			build: func(w *world) { w.vgw("vgw-a", "vpc-a").route("rtb-a", "pl-gone", "vgw-a") },
			q:     tcp("i-client", "10.9.0.5", 443),
			want:  unknown("pl-gone").at(lRT, "rtb-a", fwd, "pl-gone", "*"),
			doc: "A route to a prefix list matches every CIDR of the list (VPC User Guide, \"How route priority " +
				"works\" / \"Route priority for prefix lists\"); the destination may be in the missing list. The " +
				"engine's unknown hop carries NO_ROUTE_TO_DESTINATION, so the verdict becomes unreachable."},
		{name: "security group references are not preserved through a middlebox (SG_REFERENCES_NOT_PRESERVED)",
			base: lan,
			build: func(w *world) {
				middlebox(w, false)
				w.allow("sg-server", "in tcp 22 sg-client")
			},
			q:    clientSSH,
			want: blocked(lSG, "sg-server", fwd, "no matching rule", "SG_REFERENCES_NOT_PRESERVED"),
			doc: "VPC Peering Guide, \"Update your security groups to reference peer security groups\": \"If you " +
				"configure routes to forward the traffic between two instances in different subnets through a " +
				"middlebox appliance ... The security group for each instance must reference the private IP address " +
				"of the other instance, or the CIDR range of the subnet ... If you reference the security group of " +
				"the other instance as the source, this does not allow traffic to flow between the instances.\" " +
				"Reachability Analyzer guide, SG_REFERENCES_NOT_PRESERVED: \"The network component discards security " +
				"group information about forwarded traffic.\" The engine matches the group by the packet's source " +
				"address and admits."},
		{name: "a group reference across a transit gateway attachment without SG referencing support is refused with SG_REFERENCING_SUPPORT",
			base: transit,
			build: func(w *world) {
				w.tgwOf("tgw-1").SecurityGroupReferencingSupport = true
				w.attachment("tgw-attach-c").SecurityGroupReferencingSupport = false
				w.sg("sg-far").Ingress = nil
				w.allow("sg-far", "in tcp 22 sg-client")
			},
			q:    tcp("i-client", "i-far", 22),
			want: blocked(lSG, "sg-far", fwd, "no matching rule", "SG_REFERENCING_SUPPORT"),
			doc: "Reachability Analyzer guide, SG_REFERENCING_SUPPORT: \"The transit gateway VPC attachment does not " +
				"have security group referencing support enabled. Therefore, we discard security group information " +
				"about forwarded traffic.\" The verdict is right (main table); the engine's code is ENI_SG_RULES_MISMATCH."},
		{name: "an outbound rule referencing a group across a transit gateway does not match",
			base: transit,
			build: func(w *world) {
				w.tgwOf("tgw-1").SecurityGroupReferencingSupport = true
				w.noEgress("sg-client").allow("sg-client", "out tcp 22 sg-far")
			},
			q:    tcp("i-client", "i-far", 22),
			want: blocked(lSG, "sg-client", fwd, "no matching rule", "ENI_SG_RULES_MISMATCH"),
			doc: "AWS Networking & Content Delivery blog, \"Introducing security group referencing for AWS Transit " +
				"Gateway\": the feature \"allows you to create inbound security rules that reference security groups " +
				"defined in other Amazon VPCs attached to a transit gateway ... Outbound security rules referencing " +
				"over Transit Gateway aren't supported at this time.\" groupReferenceValid ignores the rule's direction."},
		{name: "the internet gateway refuses shared address space (RFC 6598) with its own code",
			base: internetLAN, q: tcp("i-client", "100.64.1.1", 443),
			want: blocked(lIGW, "igw-a", fwd, "100.64.1.1", "IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS"),
			doc: "Reachability Analyzer guide: IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS \"Internet gateways reject " +
				"outbound traffic with destination addresses in the shared IP address range (see RFC6598).\" The verdict " +
				"is right; the engine reports the RFC 1918 code."},
		{name: "traffic from an Availability Zone without an attachment subnet is refused with TGW_ROUTE_AZ_RESTRICTION",
			base: transit, q: tcp("i-server", "i-far", 22),
			want: blocked(lTGW, "tgw-attach-a", fwd, "us-east-1b", "TGW_ROUTE_AZ_RESTRICTION"),
			doc: "Reachability Analyzer guide: TGW_ROUTE_AZ_RESTRICTION \"This transit gateway is not registered in the " +
				"Availability Zone where the traffic originates. The VPC attachment must have a subnet association in " +
				"the Availability Zone.\" TGW_ATTACH_VPC_AZ_RESTRICTION, which the engine uses, is about traffic leaving " +
				"an attachment toward an interface in another AZ. The verdict is right (main table)."},
		{name: "a listener whose target group has no registered targets is refused with ELBV2_LISTENER_HAS_NO_TG",
			base:  albWorld,
			build: func(w *world) { w.tgOf(webTG).Targets = []model.Target{} },
			q:     tcp("internet", "web-alb", 80),
			want:  blocked(lLB, albARN, fwd, "no registered targets", "ELBV2_LISTENER_HAS_NO_TG"),
			doc: "Reachability Analyzer guide: ELBV2_LISTENER_HAS_NO_TG \"This listener is associated with target groups " +
				"that have no targets.\" The engine reports ELBV2_NO_TARGETS_IN_AZ (\"does not have targets in the " +
				"specified Availability Zones\") whenever cross-zone is on."},
		{name: "a target group whose targets were not collected makes the answer unknown",
			base:  albWorld,
			build: func(w *world) { w.tgOf(webTG).Targets = nil },
			q:     tcp("internet", "web-alb", 80),
			want:  unknown(webTG),
			doc: "model.TargetGroup.Targets: \"nil when target health was not collected\"; the registered targets " +
				"(DescribeTargetHealth) decide where a listener forwards (ELB guide, \"Target groups\"). Without them " +
				"the snapshot cannot decide; the engine treats nil like an empty group and answers unreachable."},
		{name: "a gateway endpoint accepts only TCP and ICMP echo: UDP is refused at the endpoint",
			base: s3World, q: udp("i-client", "52.216.1.1", 53),
			want: blocked(lVPCE, "vpce-s3", fwd, "TCP", "VPCE_GATEWAY_PROTOCOL_RESTRICTION"),
			doc: "Reachability Analyzer guide: VPCE_GATEWAY_PROTOCOL_RESTRICTION \"VPC gateway endpoints accept only TCP or " +
				"ICMP ECHO traffic, and emit only TCP or ICMP ECHO reply traffic.\" The engine lets UDP through the " +
				"endpoint and blames the prefix list (layer address, TARGET_PORT_RESTRICTION)."},
		{name: "a transit gateway attachment that is not available is named as the blocking resource",
			base:  transit,
			build: func(w *world) { w.attachment("tgw-attach-c").State = "pending" },
			q:     tcp("i-client", "i-far", 22),
			want:  blocked(lTGW, "tgw-attach-c", fwd, "pending", "BAD_STATE_ATTACHMENT"),
			doc: "Reachability Analyzer guide: BAD_STATE_ATTACHMENT \"The attachment between these components is not in " +
				"a functional state\" — the attachment is the component to fix. The engine blocks at tgw-rtb-1, the " +
				"route table whose route points at the attachment."},
		{name: "for the same prefix a static transit gateway route beats a prefix-list route",
			base: transit,
			build: func(w *world) {
				w.prefixList("pl-c", "vpc-c", false, "10.2.0.0/16")
				w.tgwRoute("tgw-rtb-1", "pl-c", "tgw-attach-c")
				w.tgwRoute("tgw-rtb-1", "10.2.0.0/16", "blackhole")
			},
			q:    tcp("i-client", "i-far", 22),
			want: blocked(lTGW, "tgw-rtb-1", fwd, "10.2.0.0/16", "TGW_RTB_BAD_STATE_ROUTE"),
			doc: "Transit Gateway guide, \"How transit gateways work\" / \"Route evaluation order\": for routes with the " +
				"same destination, \"1) Static routes 2) Prefix list referenced routes 3) VPC-propagated routes ...\". " +
				"The engine files a prefix-list reference (type static) under static priority, so when it is listed " +
				"first it wins over the static route."},
		{name: "a load balancer sends nothing to targets in an Availability Zone it does not enable, even with cross-zone on",
			base: func() *world {
				w := lan()
				w.igw("igw-a", "vpc-a").route("rtb-a", "0.0.0.0/0", "igw-a")
				w.newSG("sg-alb", "vpc-a")
				w.allow("sg-alb", "in tcp 80 0.0.0.0/0")
				w.loadBalancer("web-alb", "application", "internet-facing", "vpc-a", []string{"sg-alb"},
					lbNode{"subnet-a1", "10.0.1.100", "54.0.0.101"}) // us-east-1a only
				w.targetGroup("web", "HTTP", 8080, "vpc-a", "i-server") // i-server is in us-east-1b
				w.listener(albARN, "HTTP", 80, webTG)
				w.allow("sg-server", "in tcp 8080 sg-alb")
				return w
			},
			q:    tcp("internet", "web-alb", 80),
			want: blocked(lLB, albARN, fwd, "us-east-1b", "ELB_INSTALLED_AZ_RESTRICTION"),
			doc: "ELB User Guide, \"How Elastic Load Balancing works\" / \"Availability Zones and load balancer nodes\": " +
				"\"If you register targets in an Availability Zone but do not enable the Availability Zone, these " +
				"registered targets do not receive traffic.\" Reachability Analyzer guide, ELB_INSTALLED_AZ_RESTRICTION: " +
				"\"This load balancer can send traffic only to targets in Availability Zones that are enabled for the " +
				"load balancer.\" The engine's cross-zone check lets any node reach any target."},
	}
}

// natTarget adds, behind natLAN's NAT gateway, a public server i-pub2
// (subnet-a4 10.0.4.0/24 in us-east-1b, routed by rtb-pub; 54.0.0.40;
// tcp/443 from anywhere) whose subnet ACL acl-p4 lets replies out only to
// ports 32768-61000.
func natTarget(w *world) {
	w.addSubnet("subnet-a4", "vpc-a", "us-east-1b", "10.0.4.0/24")
	w.associate("rtb-pub", "subnet-a4")
	w.instance("i-pub2", "subnet-a4", "10.0.4.20", "sg-pub2")
	w.public("eni-pub2", "54.0.0.40").allow("sg-pub2", "in tcp 443 0.0.0.0/0")
	w.nacl("acl-p4", "vpc-a", "subnet-a4")
	w.entries("acl-p4", "in 100 allow tcp 443 0.0.0.0/0", "out 100 allow tcp 32768-61000 0.0.0.0/0")
}

// The cases below model behaviours the measured labs and the AWS
// documentation show beyond the basic layers (issue 9, item 3); each
// cites the page it follows in doc.

const (
	svcEndpointName = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
	privateLinkDoc  = "AWS PrivateLink guide, \"Create a service powered by AWS PrivateLink\" " +
		"(https://docs.aws.amazon.com/vpc/latest/privatelink/create-endpoint-service.html): \"Endpoint services require " +
		"either a Network Load Balancer or a Gateway Load Balancer. The load balancer receives requests from service " +
		"consumers and routes them to your service.\" The NLB's listeners (NLB guide, \"Listeners for your Network Load " +
		"Balancers\": \"Ports: 1-65535\") decide the ports, not a fixed tcp/443; the consumer's side of the path is the " +
		"endpoint network interface and its security group."
	sesSMTPDoc = "Amazon SES developer guide, \"Connecting to an Amazon SES SMTP endpoint\" " +
		"(https://docs.aws.amazon.com/ses/latest/dg/smtp-connect.html): \"the SMTP client connects to the Amazon SES SMTP " +
		"endpoint on port 25, 587, or 2587\" (STARTTLS) and TLS Wrapper on 465 or 2465; \"Alternatively, you can send email " +
		"using a different port, or use an Amazon VPC endpoint.\""
	nlbAttrsDoc = "NLB guide, \"Edit target group attributes for your Network Load Balancer\" " +
		"(https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html): \"By default, " +
		"client IP preservation is enabled (and can't be disabled) for instance and IP type target groups with UDP, TCP_UDP, " +
		"QUIC, and TCP_QUIC protocols.\" With client IP preservation on, targets receive for IPv6 client requests the " +
		"\"Load balancer IPv4 address\" when the targets are IPv4 (instance or IP type)."
	crossZoneDoc = "ELB guides, \"Cross-zone load balancing for target groups\" " +
		"(https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-cross-zone.html and " +
		".../application/disable-cross-zone.html): \"For target groups, the default is to use the load balancer setting, but " +
		"you can override the default by explicitly turning cross-zone load balancing on or off at the target group level.\" " +
		"\"The target group setting determines the load balancing behavior for the target group.\" \"With Application Load " +
		"Balancers, cross-zone load balancing is always turned on at the load balancer level\"."
	sgOverTGWDoc = "Transit Gateway guide, \"Amazon VPC attachments in AWS Transit Gateway\", Security group referencing " +
		"(https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html): \"Security group referencing support can be " +
		"configured for both transit gateways and transit gateway VPC attachments and will only work if it has been enabled " +
		"for both a transit gateway and its VPC attachments.\" Reachability Analyzer guide, SG_REFERENCING_SUPPORT: \"The " +
		"transit gateway VPC attachment does not have security group referencing support enabled. Therefore, we discard " +
		"security group information about forwarded traffic.\" The gateway that carried the packet decides, not any gateway " +
		"the two VPCs share."
	applianceDoc = "VPC user guide, \"Route tables\" / \"Middlebox routing\" and EC2 guide, \"Source/destination checks\": an " +
		"instance with the check off may forward traffic not addressed to it, as a NAT instance does (VPC user guide, \"NAT " +
		"instances\": \"The NAT instance ... translates the source address to its own public IP address\"); what the " +
		"appliance does with the packet is its operating system's configuration, which no describe call shows. " +
		"Reachability Analyzer guide, IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS: traffic cannot leave through the internet " +
		"gateway \"if the source address is not paired with a public IP address\" — true of the untranslated packet only."
)

// svcEndpoint adds an interface endpoint vpce-svc (interface eni-vpce-svc,
// 10.0.2.50 in subnet-a2) for a service, in sg-vpce with the rules given.
func svcEndpoint(service string, rules ...string) func(w *world) {
	return func(w *world) {
		w.newSG("sg-vpce", "vpc-a")
		w.allow("sg-vpce", rules...)
		w.interfaceEndpoint("vpce-svc", "vpc-a", service, "subnet-a2", "10.0.2.50", "sg-vpce")
	}
}

func endpointServiceCases() []semCase {
	return []semCase{
		{name: "a customer PrivateLink service answers on its provider load balancer's ports, not only tcp/443: the endpoint's own security group decides",
			base: lan, build: svcEndpoint(svcEndpointName, "in tcp 5432 10.0.0.0/16"),
			q:    tcp("i-client", "eni-vpce-svc", 5432),
			want: reachable("eni-vpce-svc", "sg-vpce").withCaveats("vpce-svc-0123456789abcdef0", "not in the snapshot"),
			doc:  privateLinkDoc},
		{name: "a customer PrivateLink endpoint's security group refuses the ports it does not admit",
			base: lan, build: svcEndpoint(svcEndpointName, "in tcp 5432 10.0.0.0/16"),
			q:    tcp("i-client", "eni-vpce-svc", 6379),
			want: blocked(lSG, "sg-vpce", fwd, "no matching rule", "ENI_SG_RULES_MISMATCH"),
			doc:  privateLinkDoc},
		{name: "the SES SMTP endpoint answers the SMTP submission port 587",
			base: lan, build: svcEndpoint("com.amazonaws.us-east-1.email-smtp", "in tcp 0-65535 10.0.0.0/16"),
			q:    tcp("i-client", "eni-vpce-svc", 587),
			want: reachable("eni-vpce-svc", "sg-vpce").noCaveats(),
			doc:  sesSMTPDoc},
		{name: "the SES SMTP endpoint answers only its SMTP ports: tcp/443 is refused (TARGET_PORT_RESTRICTION)",
			base: lan, build: svcEndpoint("com.amazonaws.us-east-1.email-smtp", "in tcp 0-65535 10.0.0.0/16"),
			q:    tcp("i-client", "eni-vpce-svc", 443),
			want: blocked(lVPCE, "vpce-svc", fwd, "25,465,587,2465,2587", "TARGET_PORT_RESTRICTION"),
			doc:  sesSMTPDoc},
		{name: "the Amazon Keyspaces endpoint answers CQL on tcp/9142",
			base: lan, build: svcEndpoint("com.amazonaws.us-east-1.cassandra", "in tcp 0-65535 10.0.0.0/16"),
			q:    tcp("i-client", "eni-vpce-svc", 9142),
			want: reachable("eni-vpce-svc").noCaveats(),
			doc: "Amazon Keyspaces developer guide, \"Service endpoints for Amazon Keyspaces\", Ports and protocols " +
				"(https://docs.aws.amazon.com/keyspaces/latest/devguide/programmatic.endpoints.html): CQLSH and Cassandra " +
				"drivers 9142 (TLS); AWS CLI and SDK 443 (HTTPS). The VPC endpoint service is com.amazonaws.<region>.cassandra."},
		{name: "an AWS service missing from vpcscope's port table is assumed to answer HTTPS on tcp/443, with a caveat",
			base: lan, build: svcEndpoint("com.amazonaws.us-east-1.servicediscovery", "in tcp 0-65535 10.0.0.0/16"),
			q:    tcp("i-client", "eni-vpce-svc", 443),
			want: reachable("eni-vpce-svc").withCaveats("not in vpcscope's table of AWS service ports"),
			doc: "AWS Network Firewall guide, \"Access AWS Network Firewall using an interface endpoint\": \"The security group " +
				"attached to the VPC endpoint must allow incoming connections on port 443\" — AWS service APIs are HTTPS."},
		{name: "an AWS service missing from vpcscope's port table answers unknown on other ports, with the reason",
			base: lan, build: svcEndpoint("com.amazonaws.us-east-1.servicediscovery", "in tcp 0-65535 10.0.0.0/16"),
			q:    tcp("i-client", "eni-vpce-svc", 8443),
			want: unknown("does not list servicediscovery").at(lVPCE, "vpce-svc", fwd, "tcp/8443", "UNKNOWN_DESTINATION"),
			doc: "Reachability Analyzer guide, UNKNOWN_DESTINATION: \"The path can't be extended because the information about " +
				"the destination is insufficient.\" Only the service's documentation says which ports it answers."},
	}
}

// dualStackALB is lan6 with internet gateway igw-a (0.0.0.0/0 and ::/0 in
// the main table) and web-alb made dual-stack: nodes eni-web-alb-0
// (subnet-a1, 10.0.1.100, 54.0.0.101, 2600:1f18:a:1::100) and eni-web-alb-1
// (subnet-a2, 10.0.2.100, 54.0.0.102, 2600:1f18:a:2::100) in sg-alb (tcp/80
// from all IPv4 and IPv6, tcp/443 from IPv4), listener HTTP:80 → target
// group web (HTTP:8080, i-server, IPv4); sg-server admits tcp/8080 from sg-alb.
func dualStackALB() *world {
	w := lan6()
	w.igw("igw-a", "vpc-a").route("rtb-a", "0.0.0.0/0", "igw-a").route("rtb-a", "::/0", "igw-a")
	addALB(w)
	w.allow("sg-alb", "in tcp 80 ::/0")
	w.dualStack(albARN, "2600:1f18:a:1::100", "2600:1f18:a:2::100")
	return w
}

// dualStackNLB is lan6 with igw-a (both default routes) and ssh-nlb made
// dual-stack, nodes eni-ssh-nlb-0 (subnet-a3, us-east-1a, 10.0.3.100,
// 2600:1f18:a:3::100) and eni-ssh-nlb-1 (subnet-a4, us-east-1b, 10.0.4.100,
// 2600:1f18:a:4::100), no security groups; listener TCP:22 → target group
// ssh (TCP:22, instance target i-server, so client IP preservation is on);
// cross-zone load balancing on.
func dualStackNLB() *world {
	w := lan6()
	w.igw("igw-a", "vpc-a").route("rtb-a", "0.0.0.0/0", "igw-a").route("rtb-a", "::/0", "igw-a")
	w.addSubnet("subnet-a3", "vpc-a", "us-east-1a", "10.0.3.0/24", "2600:1f18:a:3::/64")
	w.addSubnet("subnet-a4", "vpc-a", "us-east-1b", "10.0.4.0/24", "2600:1f18:a:4::/64")
	addNLB(w)
	w.dualStack(nlbARN, "2600:1f18:a:3::100", "2600:1f18:a:4::100")
	w.lbAttr(nlbARN, "load_balancing.cross_zone.enabled", "true")
	return w
}

// tcpUDPNLB is nlbWorld with a TCP_UDP listener on port 53 forwarding to
// target group dns (TCP_UDP:53, i-server), which sg-server opens to all.
func tcpUDPNLB() *world {
	w := nlbWorld()
	w.lbAttr(nlbARN, "load_balancing.cross_zone.enabled", "true")
	dns := w.targetGroup("dns", "TCP_UDP", 53, "vpc-a", "i-server")
	w.listener(nlbARN, "TCP_UDP", 53, dns)
	w.allow("sg-server", "in tcp 53 0.0.0.0/0", "in udp 53 0.0.0.0/0")
	return w
}

const dnsTG = "arn:aws:elasticloadbalancing:" + region + ":" + acct + ":targetgroup/dns/1"

func loadBalancerTargetCases() []semCase {
	nlbOpen := admits("in tcp 22 0.0.0.0/0")
	crossZoneOn := func(w *world) { w.lbAttr(nlbARN, "load_balancing.cross_zone.enabled", "true") }
	hairpinDoc := "NLB guide, \"Troubleshoot your Network Load Balancer\", Requests from a target to its load balancer time out " +
		"(https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-troubleshooting.html#loopback-timeout): " +
		"\"Internal load balancers do not support hairpinning or loopback. When you register targets by instance ID, the " +
		"source IP addresses of clients are preserved. If an instance is a client of an internal load balancer that it's " +
		"registered with by instance ID, the connection succeeds only if the request is routed to a different instance. " +
		"Otherwise, the source and destination IP addresses are the same and the connection times out.\" Reachability " +
		"Analyzer guide, ELBV2_SOURCE_ADDRESS_PRESERVATION: \"If source address preservation is enabled, the outgoing source " +
		"address is unaltered while traversing the Network Load Balancer.\""
	return []semCase{
		{name: "a network load balancer target connecting to its own load balancer with client IP preservation on is refused: no hairpinning",
			base: nlbWorld, build: steps(nlbOpen, crossZoneOn),
			q:    tcp("i-server", "ssh-nlb", 22),
			want: blocked(lLB, sshTG, fwd, "preserve_client_ip.enabled=true", "ELBV2_SOURCE_ADDRESS_PRESERVATION"),
			doc:  hairpinDoc},
		{name: "a target connecting to its own network load balancer gets through when another target takes the connection, with a caveat",
			base: nlbWorld,
			build: steps(nlbOpen, crossZoneOn, func(w *world) {
				tg := w.tgOf(sshTG)
				tg.Targets = append(tg.Targets, model.Target{ID: "i-client", Port: 22, AvailabilityZone: "us-east-1a", HealthState: "healthy"})
				w.allow("sg-client", "in tcp 22 10.0.0.0/16")
			}),
			q:    tcp("i-server", "ssh-nlb", 22),
			want: reachable(sshTG, "sg-client").withCaveats("no hairpinning"),
			doc:  hairpinDoc},
		{name: "with client IP preservation off a target reaches its own network load balancer: the source is the node",
			base: nlbWorld,
			build: steps(nlbOpen, crossZoneOn, func(w *world) {
				w.tgAttr(sshTG, "preserve_client_ip.enabled", "false")
			}),
			q:    tcp("i-server", "ssh-nlb", 22),
			want: reachable(sshTG, "sg-server").noCaveats(),
			doc:  hairpinDoc + " The same guide's fix: \"disable client IP preservation\"."},
		{name: "a target group's cross-zone attribute turns cross-zone on for a network load balancer whose own setting is off",
			base: nlbWorld,
			build: steps(nlbOpen, func(w *world) {
				w.tgAttr(sshTG, "load_balancing.cross_zone.enabled", "true")
			}),
			q:    tcp("internet", "eni-ssh-nlb-0", 22),
			want: reachable(sshTG, "sg-server"),
			doc:  crossZoneDoc},
		{name: "a target group's cross-zone attribute off overrides an application load balancer, whose cross-zone is always on (ELB_NOT_CROSSZONE)",
			base: albWorld,
			build: func(w *world) {
				w.tgAttr(webTG, "load_balancing.cross_zone.enabled", "false")
			},
			q:    tcp("internet", "eni-web-alb-0", 80),
			want: blocked(lLB, webTG, fwd, "load_balancing.cross_zone.enabled=false", "ELB_NOT_CROSSZONE"),
			doc:  crossZoneDoc},
		{name: "a target group that uses the load balancer configuration follows the load balancer's cross-zone setting",
			base: nlbWorld,
			build: steps(nlbOpen, func(w *world) {
				w.tgAttr(sshTG, "load_balancing.cross_zone.enabled", "use_load_balancer_configuration")
			}),
			q:    tcp("internet", "eni-ssh-nlb-0", 22),
			want: blocked(lLB, nlbARN, fwd, "us-east-1a", "ELB_NOT_CROSSZONE"),
			doc:  crossZoneDoc},
		{name: "a TCP_UDP listener carries UDP on its port",
			base: tcpUDPNLB, q: udp("internet", "ssh-nlb", 53),
			want: reachable(dnsTG, "sg-server"),
			doc: "NLB guide, \"Listeners for your Network Load Balancers\" (https://docs.aws.amazon.com/elasticloadbalancing/latest/" +
				"network/load-balancer-listeners.html): \"To support both TCP and UDP on the same port, create a TCP_UDP listener. " +
				"The target groups for a TCP_UDP listener must use the TCP_UDP protocol.\""},
		{name: "a TCP_UDP listener carries TCP on its port",
			base: tcpUDPNLB, q: tcp("internet", "ssh-nlb", 53),
			want: reachable(dnsTG, "sg-server"),
			doc:  "NLB guide, \"Listeners for your Network Load Balancers\": \"To support both TCP and UDP on the same port, create a TCP_UDP listener.\""},
		{name: "client IP preservation cannot be turned off for a TCP_UDP target group: its targets see the client",
			base: tcpUDPNLB,
			build: func(w *world) {
				w.tgAttr(dnsTG, "preserve_client_ip.enabled", "false")
				w.sg("sg-server").Ingress = nil
				w.allow("sg-server", "in udp 53 10.0.3.0/24", "in udp 53 10.0.4.0/24")
			},
			q:    udp("internet", "ssh-nlb", 53),
			want: serverRefuses,
			doc:  nlbAttrsDoc},
		{name: "a dual-stack application load balancer answers IPv6 clients on its nodes' IPv6 addresses and reaches IPv4 targets",
			base: dualStackALB, q: tcp("internet", "2600:1f18:a:1::100", 80),
			want: reachable("sg-alb", webTG, "sg-server"),
			check: func(t *testing.T, a *reach.Answer) {
				if ip := netip.MustParseAddr(a.Query.Source.IP); !ip.Is6() {
					t.Errorf("the client is %s, want an IPv6 internet address", ip)
				}
			},
			doc: "ALB guide, \"Update the IP address types for your Application Load Balancer\" (https://docs.aws.amazon.com/" +
				"elasticloadbalancing/latest/application/load-balancer-ip-address-type.html): \"clients can communicate with the " +
				"load balancer using IPv4 addresses only, or using both IPv4 and IPv6 addresses (dualstack). The load balancer " +
				"communicates with targets based on the IP address type of the target group.\""},
		{name: "a dual-stack network load balancer reaches an IPv4 target of an IPv6 client from its own IPv4 address, even with client IP preservation on",
			base: dualStackNLB,
			build: func(w *world) {
				w.allow("sg-server", "in tcp 22 10.0.3.0/24", "in tcp 22 10.0.4.0/24")
			},
			q:    tcp("internet", "2600:1f18:a:3::100", 22),
			want: reachable(sshTG, "sg-server"),
			doc:  nlbAttrsDoc},
		{name: "a dual-stack network load balancer's IPv4 target does not see its IPv6 clients: a rule admitting them admits nothing",
			base: dualStackNLB,
			build: func(w *world) {
				w.allow("sg-server", "in tcp 22 ::/0")
			},
			q:    tcp("internet", "2600:1f18:a:3::100", 22),
			want: serverRefuses,
			doc:  nlbAttrsDoc},
	}
}

// ecmpTransit is transit with two VPN attachments to tgw-1 (tgw-attach-v1,
// tgw-attach-v2) and an equal-cost route 192.168.0.0/16 to both in
// tgw-rtb-1; vpc-a sends 192.168.0.0/16 to tgw-1.
func ecmpTransit() *world {
	w := transit()
	w.tgwVPN("tgw-attach-v1", "tgw-1").tgwVPN("tgw-attach-v2", "tgw-1")
	w.tgwRoute("tgw-rtb-1", "192.168.0.0/16", "tgw-attach-v1", "tgw-attach-v2")
	w.route("rtb-a", "192.168.0.0/16", "tgw-1")
	return w
}

// secondTGW joins vpc-a and vpc-c through a second transit gateway tgw-2
// as well (attachments tgw2-attach-a and tgw2-attach-c, route table
// tgw2-rtb with both associated and propagating); referencing sets its
// security group referencing support.
func secondTGW(w *world, referencing bool) {
	w.tgw("tgw-2", region)
	w.tgwOf("tgw-2").SecurityGroupReferencingSupport = referencing
	w.tgwVPC("tgw2-attach-a", "tgw-2", "vpc-a", "subnet-a1")
	w.tgwVPC("tgw2-attach-c", "tgw-2", "vpc-c", "subnet-c1")
	w.tgwTable("tgw2-rtb", "tgw-2")
	w.tgwAssociate("tgw2-rtb", "tgw2-attach-a").tgwAssociate("tgw2-rtb", "tgw2-attach-c")
	w.tgwPropagate("tgw2-rtb", "tgw2-attach-a").tgwPropagate("tgw2-rtb", "tgw2-attach-c")
}

// farAdmitsClientGroup replaces sg-far's rules by one admitting tcp/22 from sg-client.
func farAdmitsClientGroup(w *world) {
	w.sg("sg-far").Ingress = nil
	w.allow("sg-far", "in tcp 22 sg-client")
}

func transitSemanticsCases() []semCase {
	far := tcp("i-client", "i-far", 22)
	ecmpDoc := "Transit Gateway guide, \"How AWS Transit Gateway works\", Equal Cost Multipath routing " +
		"(https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html): \"AWS Transit Gateway supports Equal " +
		"Cost Multipath (ECMP) routing for most attachments. For a VPN attachment, you can enable or disable ECMP support\"; " +
		"a route with several attachments spreads flows across all of them, so each is a path the answer must follow."
	return []semCase{
		{name: "a transit gateway route with several attachments (ECMP) is answered for each attachment, with a caveat",
			base: ecmpTransit, q: tcp("i-client", "192.168.1.10", 22),
			want: unknown("equal-cost multipath", "tgw-attach-v1, tgw-attach-v2", "leaves through vpn attachment").
				at(lTGW, "tgw-attach-v1", fwd, "", "UNKNOWN_RESOURCE"),
			doc: ecmpDoc},
		{name: "an ECMP attachment that is not available does not hide the route's other attachment",
			base:  ecmpTransit,
			build: func(w *world) { w.attachment("tgw-attach-v1").State = "deleting" },
			q:     tcp("i-client", "192.168.1.10", 22),
			want: unknown("equal-cost multipath", "this answer follows tgw-attach-v2").
				at(lTGW, "tgw-attach-v2", fwd, "", "UNKNOWN_RESOURCE"),
			doc: ecmpDoc},
		{name: "a group reference is judged by the transit gateway the packet crossed: referencing on there admits though another gateway joining the VPCs has it off",
			base: transit,
			build: steps(farAdmitsClientGroup, func(w *world) {
				secondTGW(w, true) // tgw-1 (listed first) keeps referencing off
				w.dropRoutes("rtb-a", "10.2.0.0/16").route("rtb-a", "10.2.0.0/16", "tgw-2")
				w.dropRoutes("rtb-c", "10.0.0.0/16").route("rtb-c", "10.0.0.0/16", "tgw-2")
			}),
			q:    far,
			want: reachable("tgw2-rtb", "sg-far"),
			doc:  sgOverTGWDoc},
		{name: "a group reference is judged by the transit gateway the packet crossed: referencing off there refuses though another gateway joining the VPCs has it on",
			base: transit,
			build: steps(farAdmitsClientGroup, func(w *world) {
				secondTGW(w, true)
				slices.Reverse(w.s.TransitGateways) // tgw-2, unused, listed first
			}),
			q:    far,
			want: blocked(lSG, "sg-far", fwd, "tgw-1 has security group referencing off", "SG_REFERENCING_SUPPORT"),
			doc:  sgOverTGWDoc},
		{name: "a group reference across a peering does not admit packets that came through a transit gateway without referencing",
			base: peered,
			build: func(w *world) {
				w.tgw("tgw-1", region)
				w.tgwVPC("tgw-attach-a", "tgw-1", "vpc-a", "subnet-a1").tgwVPC("tgw-attach-b", "tgw-1", "vpc-b", "subnet-b1")
				w.tgwTable("tgw-rtb-1", "tgw-1")
				w.tgwAssociate("tgw-rtb-1", "tgw-attach-a").tgwAssociate("tgw-rtb-1", "tgw-attach-b")
				w.tgwPropagate("tgw-rtb-1", "tgw-attach-a").tgwPropagate("tgw-rtb-1", "tgw-attach-b")
				w.dropRoutes("rtb-a", "10.1.0.0/16").route("rtb-a", "10.1.0.0/16", "tgw-1")
				w.dropRoutes("rtb-b", "10.0.0.0/16").route("rtb-b", "10.0.0.0/16", "tgw-1")
				w.sg("sg-peer").Ingress = nil
				w.allow("sg-peer", "in tcp 22 sg-client")
			},
			q:    tcp("i-client", "i-peer", 22),
			want: blocked(lSG, "sg-peer", fwd, "tgw-1 has security group referencing off", "SG_REFERENCING_SUPPORT"),
			doc:  sgOverTGWDoc},
		{name: "a group reference does not work across a transit gateway peering, even with referencing on everywhere (SG_REFERENCES_NOT_PRESERVED)",
			base: twoTransitGateways,
			build: func(w *world) {
				w.tgwOf("tgw-1").SecurityGroupReferencingSupport = true
				w.tgwOf("tgw-2").SecurityGroupReferencingSupport = true
				w.sg("sg-west").Ingress = nil
				w.allow("sg-west", "in tcp 22 sg-client")
			},
			q:    tcp("i-client", "i-west", 22),
			want: blocked(lSG, "sg-west", fwd, "transit gateway peering", "SG_REFERENCES_NOT_PRESERVED"),
			doc: "Transit Gateway guide, \"Amazon VPC attachments in AWS Transit Gateway\", Security group referencing, " +
				"Limitations: \"Security group referencing is not supported across transit gateway peering connections. Both " +
				"VPCs must be attached to the same transit gateway.\""},
	}
}

// natInstance routes lan's main table to the internet through an
// appliance: subnet-a3 10.0.3.0/24 (us-east-1a, route table rtb-nat:
// 0.0.0.0/0 → igw-a) holds i-nat 10.0.3.5 with its source/destination
// check off, in sg-nat admitting everything from the VPC, with public
// address pub ("" for none); the main table sends 0.0.0.0/0 to eni-nat.
func natInstance(pub string) func(w *world) {
	return func(w *world) {
		w.igw("igw-a", "vpc-a")
		w.addSubnet("subnet-a3", "vpc-a", "us-east-1a", "10.0.3.0/24")
		n := w.instance("i-nat", "subnet-a3", "10.0.3.5", "sg-nat")
		n.SourceDestCheck, w.inst("i-nat").SourceDestCheck = false, false
		w.allow("sg-nat", "in all * 10.0.0.0/16")
		if pub != "" {
			w.public("eni-nat", pub)
		}
		w.routeTable("rtb-nat", "vpc-a", "subnet-a3")
		w.route("rtb-nat", "0.0.0.0/0", "igw-a")
		w.route("rtb-a", "0.0.0.0/0", "eni-nat")
	}
}

func applianceTranslationCases() []semCase {
	web := tcp("i-client", "8.8.8.8", 443)
	return []semCase{
		{name: "an appliance with a public address forwarding other hosts' packets to the internet gateway may translate them (a NAT instance): unknown, not blocked",
			base: lan, build: natInstance("54.0.0.50"), q: web,
			want: unknown("NAT instance", "54.0.0.50").at(reach.LayerInterface, "eni-nat", fwd, "sourceDestCheck=false", "APPLIANCE_MAY_TRANSLATE"),
			doc:  applianceDoc},
		{name: "an appliance without a public address forwarding to the internet gateway is blocked there: it has nothing to translate to",
			base: lan, build: natInstance(""), q: web,
			want: blocked(lIGW, "igw-a", fwd, "no public IPv4 address either", "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"),
			doc:  applianceDoc},
		{name: "a packet that comes back to the appliance that forwarded it is unknown, not a routing loop: only translation could move it on",
			base: lan,
			build: func(w *world) {
				w.allow("sg-server", "in tcp 22 10.0.0.0/16")
				middlebox(w, false)
				w.route("rtb-a", "10.0.2.0/24", "eni-fw") // the appliance's own subnet sends it back to itself
			},
			q:    clientSSH,
			want: unknown("comes back to appliance eni-fw").at(reach.LayerInterface, "eni-fw", fwd, "sourceDestCheck=false", "APPLIANCE_MAY_TRANSLATE"),
			doc:  applianceDoc},
	}
}

// TestWhoCanReachThroughTransitGatewayIntoAttachmentSubnet: a transit
// gateway delivers into its attachment's own subnet without crossing that
// subnet's network ACL, so the ACL does not bound who-can-reach's sources
// there (found by the property test once its networks had transit
// gateways). VPC user guide, "Control subnet traffic with network ACLs":
// network ACLs apply at the subnet boundary; Transit Gateway guide, "How
// transit gateways work": the gateway places its network interface in the
// attachment subnet.
func TestWhoCanReachThroughTransitGatewayIntoAttachmentSubnet(t *testing.T) {
	w := transit()
	w.nacl("acl-c1", "vpc-c", "subnet-c1")
	w.entries("acl-c1", "in 100 deny all * 10.0.0.0/16", "in 200 allow all * 0.0.0.0/0", "out 100 allow all * 0.0.0.0/0")
	e := reach.New(w.s)
	a, err := e.Reach(tcp("i-client", "i-far", 22))
	if err != nil {
		t.Fatal(err)
	}
	if !a.Reachable {
		t.Fatalf("the point query is not reachable:\n%s", explain(a))
	}
	who, err := e.WhoCanReach(reach.WhoQuery{To: "i-far", Protocol: model.ProtocolTCP, Port: 22})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(interfaces(who.Sources), "eni-client") {
		t.Errorf("who-can-reach i-far misses eni-client, whose point query is reachable: sources %v, admitted %v",
			interfaces(who.Sources), who.Admitted)
	}
}
