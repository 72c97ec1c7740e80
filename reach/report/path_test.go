package report

import (
	"testing"

	"github.com/vpcscope/vpcscope/reach"
)

// TestPathTextNamesAccountCrossings: a report's one-line path says where it
// crosses into another account or Region (a peering accepter's side, a
// transit gateway peering), with the one rule the CLI and the explorer use
// (reach.Crossings).
func TestPathTextNamesAccountCrossings(t *testing.T) {
	hops := []reach.Hop{
		{Layer: reach.LayerInternetGateway, Resource: "igw-1", Account: "111122223333", Region: "us-east-1"},
		{Layer: reach.LayerVPCPeering, Resource: "pcx-1", Account: "111122223333", Region: "us-east-1"},
		{Layer: reach.LayerSecurityGroup, Resource: "sg-2", Rule: "ingress tcp/22", Account: "444455556666", Region: "us-east-1"},
	}
	got := pathText(hops)
	want := "internet-gateway igw-1 → vpc-peering pcx-1 → ⇢ " + reach.Crossings(hops)[2].String() + " → security-group sg-2 (ingress tcp/22)"
	if got != want {
		t.Errorf("pathText:\n got %s\nwant %s", got, want)
	}
	if c := reach.Crossings(hops)[2]; !c.Crosses() {
		t.Fatal("the third hop crosses into account 444455556666: reach.Crossings says it does not")
	}
}
