package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/vpcscope/vpcscope/reach"
)

// TestTextPresenterShowsEveryTypedValue walks every layer, stage, verdict,
// outcome and explanation code the engine can give through the text
// presenter: a new value must not render as nothing. (Rule-reference kinds
// are not shown in text; the explorer's test covers them.)
func TestTextPresenterShowsEveryTypedValue(t *testing.T) {
	r := lipgloss.NewRenderer(&bytes.Buffer{})
	r.SetColorProfile(termenv.Ascii)
	tr := newTextRenderer(r)
	for _, l := range reach.Layers {
		for _, st := range reach.Stages {
			for _, v := range reach.Verdicts {
				h := reach.Hop{Layer: l, Resource: "res-1", Verdict: v, Stage: st, Rule: "rule text", Packet: "tcp 1.2.3.4 -> 5.6.7.8"}
				var b bytes.Buffer
				tr.hops(&b, []reach.Hop{h})
				out := b.String()
				for _, want := range []string{string(l), string(st), v.Mark()} {
					if !strings.Contains(out, want) {
						t.Errorf("hop %s/%q/%s renders without %q: %q", l, st, v, want, out)
					}
				}
			}
		}
	}
	for _, c := range reach.Codes {
		for _, k := range reach.RuleRefKinds[:1] {
			for _, o := range reach.Outcomes {
				a := &reach.Answer{Verdict: o, Reachable: o == reach.VerdictReachable, Forward: []reach.Hop{}, Return: []reach.Hop{},
					Blocked: &reach.Block{Layer: reach.LayerSecurityGroup, Resource: "sg-1", Code: c, Reason: "why",
						Direction: reach.DirForward, Ref: &reach.RuleRef{Kind: k}}}
				if a.Reachable {
					a.Blocked = nil
				}
				var b bytes.Buffer
				tr.answer(&b, a)
				out := b.String()
				if a.Blocked != nil && !strings.Contains(out, string(c)) {
					t.Errorf("code %s renders as nothing: %q", c, out)
				}
				if !strings.Contains(out, fmt.Sprint(map[reach.Outcome]string{reach.VerdictReachable: "reachable", reach.VerdictUnreachable: "blocked", reach.VerdictUnknown: "unknown"}[o])) {
					t.Errorf("verdict %s renders without its word: %q", o, out)
				}
			}
		}
	}
}
