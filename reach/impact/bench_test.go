package impact_test

import (
	"fmt"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/impact"
)

// BenchmarkDiffLarge compares the large account with itself after 100
// security group rules were added (model/edit), engines built once.
func BenchmarkDiffLarge(b *testing.B) {
	old := fixtures.Large(fixtures.DefaultLarge())
	var edits []string
	for i, sg := range old.SecurityGroups {
		if len(edits) == 100 {
			break
		}
		if sg.GroupName == "default" || i%7 != 0 {
			continue
		}
		edits = append(edits, fmt.Sprintf("%s ingress tcp %d from 10.0.0.0/8", sg.ID, 40000+i))
	}
	cur, _, err := edit.Assume(old, model.NewIndex(old), edits)
	if err != nil {
		b.Fatal(err)
	}
	a, c := reach.New(old), reach.New(cur)
	b.ReportAllocs()
	var gained int
	for b.Loop() {
		rep, err := impact.Compare(a, c, impact.Options{})
		if err != nil {
			b.Fatal(err)
		}
		gained = len(rep.Reachability.Gained)
	}
	b.ReportMetric(float64(gained), "gained")
}
