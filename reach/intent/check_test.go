package intent_test

import (
	"slices"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model/intents"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/intent"
)

// TestIntentsOnTheDemo checks statements whose answers follow by hand
// from the fixtures' design (fixtures/README.md): storefront's web tier
// takes SSH from the corporate range 203.0.113.0/24 only; the dev spoke
// is isolated from the prod spoke by the transit gateway's route tables;
// the app tier reaches the database on 3306; on-premises networks are not
// declared.
func TestIntentsOnTheDemo(t *testing.T) {
	s, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	e := reach.New(s)
	f, err := intents.Parse([]byte(`intents:
  - name: ssh from the internet
    deny: {from: internet, to: "vpc:storefront-prod", port: tcp/22}
  - name: dev isolated from prod
    deny: {from: "vpc:dev-spoke", to: "vpc:prod-spoke"}
  - name: corporate ssh is allowed
    allow: {from: "cidr:203.0.113.0/24", to: "vpc:storefront-prod and subnet:storefront-public-1a", port: tcp/22}
  - name: the datacenter
    deny: {from: "onprem:dc", to: any}
  - name: only the app tier reaches the database
    only: {from: "vpc:storefront-prod and not internet", to: "subnet:storefront-db-1a", port: tcp/3306}
`), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rs, err := intent.NewChecker(e).Check(f)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]intent.Status{
		"ssh from the internet":    intent.Violated,
		"dev isolated from prod":   intent.Holds,
		"corporate ssh is allowed": intent.Holds,
		"the datacenter":           intent.Unknown,
	}
	for _, r := range rs {
		if w, ok := want[r.Name]; ok && r.Status != w {
			t.Errorf("%s: %s, want %s (%+v)", r.Name, r.Status, w, r.Violations)
		}
	}
	// the violating set is exactly the corporate range, on 22, to both web servers
	ssh := rs[0]
	if len(ssh.Violations) != 1 || !slices.Equal(ssh.Violations[0].From, []string{"203.0.113.0/24"}) || len(ssh.Violations[0].To) != 2 ||
		ssh.Violations[0].Ports[0].From != 22 || ssh.Violations[0].Ports[0].To != 22 {
		t.Errorf("ssh violations %+v", ssh.Violations)
	}
	if w := ssh.Violations[0].Witness; w == nil || !w.Reachable {
		t.Errorf("the witness of a reached violation must be a reachable trace: %+v", w)
	}
	if rs[3].Reason == "" {
		t.Errorf("an unknown intent says why")
	}
}
