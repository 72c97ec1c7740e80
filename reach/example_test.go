package reach_test

import (
	"fmt"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

// Ask whether the web tier of the demo account can reach its database,
// and which rule decides.
func ExampleEngine_Reach() {
	snap, err := fixtures.Demo()
	if err != nil {
		panic(err)
	}
	e := reach.New(snap)
	a, err := e.Reach(reach.Query{From: "web-1a", To: "db-1a", Protocol: model.ProtocolTCP, Port: 3306})
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Reachable, a.Blocked.Layer, a.Blocked.Resource, a.Blocked.Code)
	// Output: false security-group sg-0a881a8838796aca3 ENI_SG_RULES_MISMATCH
}

// List who can reach the database on its port.
func ExampleEngine_WhoCanReach() {
	snap, _ := fixtures.Demo()
	a, err := reach.New(snap).WhoCanReach(reach.WhoQuery{To: "db-1a", Protocol: model.ProtocolTCP, Port: 3306})
	if err != nil {
		panic(err)
	}
	for _, s := range a.Sources {
		fmt.Println(s.Name, s.IPs)
	}
	// Output:
	// app-1a [10.0.10.20]
	// app-1b [10.0.11.20]
}
