package reach_test

import (
	"net/netip"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/reach"
)

// TestRelationAnswersEveryFixtureScenario: every scenario of every
// fixture whose ends are interfaces or internet hosts — answers derived
// by hand from AWS's documented behaviour (fixtures/scenarios.json, the
// tables in fixtures/README.md) — is in the relation exactly when AWS
// says the flow gets through: a NACL without ephemeral ports, a blackhole
// route, SSH open to the corporate range only, dev isolated from prod,
// a peering pending acceptance, group references across peering.
func TestRelationAnswersEveryFixtureScenario(t *testing.T) {
	checked := 0
	for _, name := range fixtures.Names() {
		s, err := fixtures.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		scs, err := fixtures.Scenarios(name)
		if err != nil {
			t.Fatal(err)
		}
		e := reach.New(s)
		ends := map[string]bool{}
		for _, id := range e.Ends() {
			ends[id] = true
		}
		rel, err := e.Relate(reach.RelationOptions{From: reach.Group{Interfaces: e.Ends(), Internet: true}, To: reach.Group{Interfaces: e.Ends(), Internet: true}})
		if err != nil {
			t.Fatal(err)
		}
		idx := indexLinks(t, rel)
		end := func(a netip.Addr) (string, netip.Addr, bool) {
			for _, n := range e.Index().InterfacesByIP(a) {
				if ends[n.ID] && n.HasAddress(a) {
					return n.ID, netip.Addr{}, true
				}
			}
			if e.Internet().Contains(a) {
				return "internet", a, true
			}
			return "", netip.Addr{}, false
		}
		for _, sc := range scs {
			from, fa, ok1 := end(sc.FromIP)
			to, ta, ok2 := end(sc.ToIP)
			if !ok1 || !ok2 || from == to || (from == "internet" && to == "internet") {
				continue // a load balancer, NAT gateway or endpoint end: not an end of the relation
			}
			if fi, ti := e.Index().Interface(from), e.Index().Interface(to); fi != nil && ti != nil && fi.InstanceID() != "" && fi.InstanceID() == ti.InstanceID() {
				continue // one instance: its operating system delivers
			}
			inet := fa
			if to == "internet" {
				inet = ta
			}
			if fa.IsValid() && ta.IsValid() {
				continue
			}
			checked++
			if got := idx.holds(t, from, to, sc.Protocol.String(), int(sc.Port), inet); got != sc.Reachable {
				t.Errorf("%s/%s: %s -> %s %s/%d: the relation holds it=%v, AWS: reachable=%v (%s)",
					name, sc.Name, sc.From, sc.To, sc.Protocol, sc.Port, got, sc.Reachable, sc.Reason)
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d scenarios checked", checked)
	}
	t.Logf("%d scenarios checked", checked)
}
