package reach_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/reach"
)

// TestFixtureScenarios runs every scenario the fixtures were built to
// answer (fixtures/scenarios.json, rendered as tables in
// fixtures/README.md): each names the AWS behaviour it checks and expects
// the verdict and, for a blocked flow, the deciding layer, resource, rule
// and direction.
func TestFixtureScenarios(t *testing.T) {
	total := 0
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
		for _, sc := range scs {
			total++
			t.Run(name+"/"+sc.Name, func(t *testing.T) {
				q := reach.Query{From: sc.From, To: sc.To, Protocol: sc.Protocol, Port: int(sc.Port)}
				e := withOnPremSpecs(t, e, sc.OnPrem)
				a, err := e.Reach(q)
				if err != nil {
					t.Fatalf("Reach(%+v): %v", q, err)
				}
				if a.Reachable != sc.Reachable {
					t.Fatalf("%s\nreachable = %v, want %v: %s", sc.Reason, a.Reachable, sc.Reachable, a.Summary())
				}
				if sc.Reachable {
					checkVia(t, a, sc.Via)
					return
				}
				b := a.Blocked
				if b == nil {
					t.Fatalf("unreachable without a Blocked step")
				}
				if string(b.Layer) != sc.Layer || b.Resource != sc.Resource || string(b.Direction) != sc.Direction {
					t.Fatalf("%s\nblocked at %s %s (%s), want %s %s (%s)\n%s",
						sc.Reason, b.Layer, b.Resource, b.Direction, sc.Layer, sc.Resource, sc.Direction, a.Summary())
				}
				if !ruleAgrees(sc.Rule, b) {
					t.Fatalf("%s\ndeciding rule %q (%s) does not match %q", sc.Reason, b.Rule, b.Reason, sc.Rule)
				}
			})
		}
	}
	if total < 60 {
		t.Errorf("only %d scenarios; the engine needs at least 60 named cases", total)
	}
}

// checkVia asserts that a reachable path crosses the resources named.
func checkVia(t *testing.T, a *reach.Answer, via []string) {
	t.Helper()
	for _, v := range via {
		found := false
		for _, h := range append(append([]reach.Hop{}, a.Forward...), a.Return...) {
			if h.Resource == v || strings.Contains(h.Rule, v) || strings.Contains(h.Detail, v) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("path does not cross %s", v)
		}
	}
}

var (
	ruleNumber = regexp.MustCompile(`rule (\*|\d+)`)
	cidr       = regexp.MustCompile(`\b[0-9a-f:.]+/\d+\b`)
	routeTo    = regexp.MustCompile(`no route to (\S+)`)
)

// ruleAgrees compares the scenario's description of the deciding rule with
// the engine's: the same network ACL rule number, the same missing rule,
// the same route.
func ruleAgrees(want string, b *reach.Block) bool {
	got := b.Rule + " | " + b.Reason
	switch {
	case b.Layer == reach.LayerNetworkACL:
		m := ruleNumber.FindStringSubmatch(want)
		return m != nil && strings.Contains(b.Rule, "rule "+m[1]+" ")
	case b.Layer == reach.LayerSecurityGroup && strings.HasPrefix(want, "no "):
		return b.Rule == "no matching rule"
	case routeTo.MatchString(want):
		return strings.Contains(got, "no route to "+routeTo.FindStringSubmatch(want)[1])
	case strings.HasPrefix(want, "route "):
		c := cidr.FindString(want)
		return c != "" && strings.Contains(got, c)
	}
	return true // other layers: layer, resource and direction decide
}

// withOnPremSpecs returns e with the on-premises networks of specs
// (reach.ParseOnPrem), or e itself when there are none.
func withOnPremSpecs(t testing.TB, e *reach.Engine, specs []string) *reach.Engine {
	t.Helper()
	if len(specs) == 0 {
		return e
	}
	var nets []reach.OnPremNetwork
	for _, spec := range specs {
		n, err := reach.ParseOnPrem(spec)
		if err != nil {
			t.Fatal(err)
		}
		nets = append(nets, n)
	}
	o, err := e.WithOnPrem(nets)
	if err != nil {
		t.Fatal(err)
	}
	return o
}
