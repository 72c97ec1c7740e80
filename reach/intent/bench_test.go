package intent_test

import (
	"sync"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model/intents"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/intent"
)

var largeEngine = sync.OnceValue(func() *reach.Engine { return reach.New(fixtures.Large(fixtures.DefaultLarge())) })

// tenIntents is a ten-statement file about the large account: subnets,
// groups, tags, the internet and a corporate range, deny, allow and only.
const tenIntents = `intents:
  - {name: public never reaches the database port, deny: {from: "subnet:vpc001-public-0a", to: "subnet:vpc001-data-30a", port: tcp/3306}}
  - {name: the internet never reaches data, deny: {from: internet, to: "subnet:vpc002-data-30a"}}
  - {name: only the app subnet reaches postgres, only: {from: "subnet:vpc003-app-10b", to: "subnet:vpc003-data-31b", port: tcp/5432}}
  - {name: no ssh across VPCs, deny: {from: "subnet:vpc004-app-12a", to: "subnet:vpc005-app-12a", port: tcp/22}}
  - {name: app talks https to app, allow: {from: "subnet:vpc006-app-13b", to: "subnet:vpc006-app-14c", port: tcp/443}}
  - {name: web never reaches redis, deny: {from: "sg:vpc007-web-010", to: "sg:vpc007-db-004", port: tcp/6379}}
  - {name: no direct dns out, deny: {from: "subnet:vpc008-public-1b", to: internet, port: udp/53}}
  - {name: corporate ssh only to bastions, deny: {from: "cidr:203.0.113.0/24", to: "subnet:vpc009-public-2c", port: tcp/22}}
  - {name: no ping across VPCs, deny: {from: "subnet:vpc010-app-15a and tag:Tier=app", to: "subnet:vpc011-app-15a", port: icmp}}
  - {name: only the app tier reaches 8080, only: {from: "subnet:vpc012-app-16b", to: "subnet:vpc012-app-17c", port: tcp/8080}}
`

// BenchmarkCheckTenIntents checks a ten-statement file on the large
// account (the engine and its path views built once, as a check run has
// them).
func BenchmarkCheckTenIntents(b *testing.B) {
	e := largeEngine()
	f, err := intents.Parse([]byte(tenIntents), "ten.yaml")
	if err != nil {
		b.Fatal(err)
	}
	c := intent.NewChecker(e)
	if _, err := c.Check(f); err != nil { // the path views, built once per engine
		b.Fatal(err)
	}
	b.ReportAllocs()
	violated := 0
	for b.Loop() {
		rs, err := c.Check(f)
		if err != nil {
			b.Fatal(err)
		}
		violated = 0
		for _, r := range rs {
			if r.Status == intent.Violated {
				violated++
			}
		}
	}
	b.ReportMetric(float64(violated), "violated")
}
