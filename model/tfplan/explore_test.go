package tfplan_test

import (
	"os"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/tfplan"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/impact"
)

func TestExplore(t *testing.T) {
	for _, name := range []string{"db-open-world", "db-open-public", "app-nacl-tightened", "new-vpc", "nat-replaced", "cache-inline-and-separate", "unsupported"} {
		data, err := os.ReadFile("testdata/" + name + ".json")
		if err != nil {
			t.Fatal(err)
		}
		p, err := tfplan.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		var old *model.Snapshot
		var res *tfplan.Result
		if name == "new-vpc" {
			pr, _ := tfplan.Prior(p)
			old = pr.Snapshot
			res, err = tfplan.Apply(p, nil)
		} else {
			old, _ = fixtures.Load("three-tier")
			res, err = tfplan.Apply(p, old)
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, pr := range model.Validate(res.Snapshot) {
			t.Logf("%s: validate: %s", name, pr)
		}
		rep, err := impact.Compare(reach.New(old), reach.New(res.Snapshot), impact.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: res %+v", name, rep.Resources)
		t.Logf("%s: gained %+v\nlost %+v\nexp+ %+v\nexp- %+v", name, rep.Reachability.Gained, rep.Reachability.Lost, rep.Exposure.Gained, rep.Exposure.Lost)
		t.Logf("%s: placeholders %+v\nnot %+v\nconflicts %q\nnotes %q\naddr %v", name, res.Placeholders, res.NotConsidered, res.Conflicts, res.Notes, res.Addresses)
	}
}
