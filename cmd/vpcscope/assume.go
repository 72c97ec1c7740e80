package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/reach"
)

// addAssumeFlag adds --assume, repeatable, to a question's command. It is
// a string array, not a slice: an edit's description may hold commas.
func addAssumeFlag(cmd *cobra.Command, edits *[]string) {
	cmd.Flags().StringArrayVar(edits, "assume", nil,
		`answer as if EDIT were made, in memory only (repeatable), e.g. "sg-0123 ingress tcp 3306 from sg-0456"; see the README for the syntax`)
}

// assume applies the --assume edits to snap through the edit package and
// returns the snapshot to answer on, with the edits as canonical text. A
// bad edit is a usage error (exit 2).
func assume(snap *model.Snapshot, edits []string) (*model.Snapshot, []string, error) {
	if len(edits) == 0 {
		return snap, nil, nil
	}
	c, o, err := edit.Assume(snap, nil, edits)
	if err != nil {
		return nil, nil, usagef("--assume %v", err)
	}
	return c, o.Edits(), nil
}

// The answers of a what-if: the answer's own fields, then "assumed", the
// edits in effect as --assume takes them.
type (
	whatIfAnswer struct {
		*reach.Answer
		Assumed []string     `json:"assumed,omitempty"`
		Planned *plannedMark `json:"planned,omitempty"`
	}
	whatIfWho struct {
		*reach.WhoAnswer
		Assumed []string     `json:"assumed,omitempty"`
		Planned *plannedMark `json:"planned,omitempty"`
	}
	whatIfExposure struct {
		*reach.ExposureReport
		Assumed []string     `json:"assumed,omitempty"`
		Planned *plannedMark `json:"planned,omitempty"`
	}
)

// withAssumed marks an answer computed with edits in effect, or on the
// network a Terraform plan would leave (planned); with neither it returns
// v as it is, so the JSON contract of a plain answer is unchanged.
func withAssumed(v any, assumed []string, planned *plannedMark) any {
	if len(assumed) == 0 && planned == nil {
		return v
	}
	switch a := v.(type) {
	case *reach.Answer:
		return whatIfAnswer{a, assumed, planned}
	case *reach.WhoAnswer:
		return whatIfWho{a, assumed, planned}
	case *reach.ExposureReport:
		return whatIfExposure{a, assumed, planned}
	}
	panic(fmt.Sprintf("withAssumed: no what-if form for %T", v))
}

// whatIfBanner says, above a text answer, that it holds for assumed
// changes only.
func (t *textRenderer) whatIfBanner(w io.Writer, assumed []string, planned *plannedMark) {
	if planned != nil {
		fmt.Fprintln(w, t.unknown.Render(fmt.Sprintf("planned: answered on the network Terraform plan %s would leave (%d changes, %d placeholders, %d not considered), nothing applied in AWS",
			safe(planned.File), planned.Changes, planned.Placeholders, planned.NotConsidered)))
		if len(assumed) == 0 {
			fmt.Fprintln(w)
		}
	}
	if len(assumed) == 0 {
		return
	}
	fmt.Fprintln(w, t.unknown.Render(fmt.Sprintf("what-if: answered with %d assumed change%s, nothing changed in AWS",
		len(assumed), plural(len(assumed)))))
	for _, e := range assumed {
		fmt.Fprintln(w, t.dim.Render("  assumed: "+e))
	}
	fmt.Fprintln(w)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
