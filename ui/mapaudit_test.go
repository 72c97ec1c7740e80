package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/topology"
	"github.com/vpcscope/vpcscope/reach/audit/review"
)

// sizes are the terminal sizes the new views' golden screens are taken at.
var sizes = []struct{ w, h int }{{80, 24}, {120, 40}}

// TestGoldenMap: the map at 80x24 and 120x40 — the account and region
// frames, VPC boxes with CIDRs and gateways, the cursor's box drawn double
// so that it shows without colour.
func TestGoldenMap(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			tm := startOn(t, demoSnap(t), sz.w, sz.h, nil)
			press(tm, "6")
			s := settle(t, tm, "Map ›")
			has(t, s, "╔ corp-analytics-vpc", "┌─ 111122223333 · us-east-1", "10.51.0.0/16", "no trace yet")
			golden.RequireEqual(t, []byte(s))
		})
	}
}

// TestGoldenAudit: the audit walkthrough at 80x24 and 120x40 — findings
// grouped by severity and control, the first one's evidence: the review
// state, the rule, the exact sources and ports the internet reaches and
// the proving path.
func TestGoldenAudit(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			tm := startOn(t, demoSnap(t), sz.w, sz.h, nil)
			press(tm, "7")
			s := settle(t, tm, "1/75 │ 75 open")
			has(t, s, "HIGH · EC2.13", "▌ [open]", "rule     ingress all traffic 0.0.0.0/0", "sources  0.0.0.0/0")
			golden.RequireEqual(t, []byte(s))
		})
	}
}

// selectedBox returns the map's cursor box from the view's first line.
func selectedBox(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if name, ok := strings.CutPrefix(l, "╔ "); ok {
			name, _, _ = strings.Cut(name, "  ")
			return name
		}
	}
	return ""
}

// TestMapJourney (issue 10, item 6): arrows move the cursor between VPC
// boxes as the layout places them, the box under it drawn double; enter
// opens the VPC's detail; after a trace over a peering connection the map
// lands on the trace's first VPC, draws the two VPCs heavy and marks the
// peering ▶ in the box's parts, and r goes to the route tables that send
// traffic over it, one enter from the route table's detail.
func TestMapJourney(t *testing.T) {
	const w, h = 120, 40
	snap := demoSnap(t)
	m := topology.Build(model.NewIndex(snap))
	lay := m.Layout(w)
	tm := startOn(t, snap, w, h, nil)
	press(tm, "6")
	cur := lay.Rows[0].Cells[0].ID
	if got := selectedBox(settle(t, tm, "Map ›")); got != m.Label(cur) {
		t.Fatalf("the map starts on %q, want the first box %q", got, m.Label(cur))
	}
	for _, step := range []struct {
		key string
		dir topology.Direction
	}{{"right", topology.Right}, {"down", topology.Down}, {"right", topology.Right}, {"left", topology.Left}, {"up", topology.Up}} {
		cur = lay.Move(cur, step.dir)
		s := settle(t, tm, "")
		press(tm, step.key)
		s = settleFn(t, tm, func(s string) bool { return selectedBox(s) == m.Label(cur) }, s)
		has(t, s, "║ "+cur) // the box drawn double holds the VPC's ID
	}
	press(tm, "enter")
	settle(t, tm, "Detail › "+m.Label(cur))

	// the trace over the payments ⇄ fraud peering connection
	press(tm, "4", "enter", "payments-api-1", "enter", "fraud-scoring-1", "enter", "8443", "enter")
	settle(t, tm, "✓ REACHABLE")
	press(tm, "6")
	s := settle(t, tm, "▶ on the trace's path")
	if got := selectedBox(s); got != "payments-vpc" {
		t.Errorf("after the trace the map is on %q, want the trace's first VPC payments-vpc", got)
	}
	has(t, s, "trace payments-api-1", "fraud-scoring-1", "path 2 box(es) ┏━┓, 1 link(s) ▶", "╔ payments-vpc")
	press(tm, "tab")
	s = settle(t, tm, "Parts of payments-vpc")
	has(t, s, "▶ peering to fraud-vpc  pcx-037ddf5c13d72a550")
	press(tm, "esc", "r")
	s = settle(t, tm, "Parts of payments-vpc")
	var picked string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "▌") {
			picked = l
		}
	}
	if !strings.Contains(picked, "routed by") {
		t.Fatalf("r did not land on a route table row: %q\n%s", picked, s)
	}
	press(tm, "enter")
	settle(t, tm, "› "+strings.TrimSpace(strings.SplitN(picked, "routed by ", 2)[1]))
}

// settleFn waits until ok holds for the screen, and returns it.
func settleFn(t *testing.T, tm *teatest.TestModel, ok func(string) bool, last string) string {
	t.Helper()
	deadline := time.Now().Add(settleLimit)
	for time.Now().Before(deadline) {
		p := screen(t, tm)
		if p.ready && ok(p.screen) {
			return p.screen
		}
		last = p.screen
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("the screen never got there:\n%s", last)
	return ""
}

// TestAuditJourney (issue 13, item 1): n and p step through the findings;
// s marks one "to fix"; e opens the note field, where digits are text and
// not views; quitting records the review; the explorer opened again on the
// same review starts where the walk ended, with the state and note kept
// and nothing new since the review.
func TestAuditJourney(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.review.json")
	withReview := func(o *Options) { o.ReviewPath = path }
	tm := startOn(t, demoSnap(t), 120, 40, withReview)
	press(tm, "7")
	settle(t, tm, "1/75 │ 75 open")
	press(tm, "n", "n", "n")
	s := settle(t, tm, "4/75 │")
	has(t, s, "Audit › windows-jump-1 (i-03b5408b9dfcf0eec)", "new review "+path)
	press(tm, "p")
	s = settle(t, tm, "3/75 │")
	has(t, s, "▌ [open]     open-admin-sg (sg-075ef02371207f9e1)  ingress tcp/3389 0.0.0.0/0")
	press(tm, "s")
	s = settle(t, tm, "74 open · 1 to fix")
	has(t, s, "▌ [to fix]   open-admin-sg (sg-075ef02371207f9e1)  ingress tcp/3389", "review   to fix")

	press(tm, "e")
	settle(t, tm, "editing note — enter/esc to leave")
	press(tm, "close by Q3, ticket 1234", "enter")
	s = settle(t, tm, "note: close by Q3, ticket 1234")
	has(t, s, "Audit ›", "✎")
	hasNot(t, s, "Overview ›", "Tree ›", "editing note")

	press(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(settleLimit))
	rv, err := review.Load(path)
	if err != nil {
		t.Fatalf("quitting did not save the review: %v", err)
	}
	if len(rv.Entries) != 75 {
		t.Errorf("the review recorded %d findings, want all 75", len(rv.Entries))
	}
	e := rv.Entry("EC2.14|sg-075ef02371207f9e1|ingress tcp/3389 0.0.0.0/0")
	if e == nil || e.State != review.ToFix || e.Note != "close by Q3, ticket 1234" {
		t.Fatalf("the review holds %+v, want the finding to fix with its note", e)
	}

	tm = startOn(t, demoSnap(t), 120, 40, withReview)
	press(tm, "7")
	s = settle(t, tm, "3/75 │ 74 open · 1 to fix")
	has(t, s, "since the review: 0 new · 0 changed · 0 fixed",
		"▌ [to fix]   open-admin-sg (sg-075ef02371207f9e1)  ingress tcp/3389 0.0.0.0/0  ✎", "note: close by Q3, ticket 1234")
}

// TestAuditReviewFollowsALaterSnapshot: a review recorded on one snapshot
// and opened on a later one where the open SSH rule of open-admin-sg was
// removed lists that finding as fixed (and the instance finding it
// proved), marks the group's tcp/3389 finding changed (its rule moved up
// one place, so its message names rule 1), and keeps the other states.
// TestAuditFilter: the one filter rule works in the walkthrough: / narrows
// the findings to those whose row matches, under their control's heading,
// and n steps through what it shows.
func TestAuditFilter(t *testing.T) {
	tm := startOn(t, demoSnap(t), 120, 40, func(o *Options) { o.ReviewPath = filepath.Join(t.TempDir(), "r.json") })
	press(tm, "7")
	settle(t, tm, "1/75 │ 75 open")
	press(tm, "/", "3389", "enter")
	s := settle(t, tm, ")  /3389") // the crumbs name the filter
	has(t, s, "EC2.14 Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 3389",
		"open-admin-sg (sg-075ef02371207f9e1)  ingress tcp/3389 0.0.0.0/0")
	hasNot(t, s, "ingress tcp/22 0.0.0.0/0")
	press(tm, "esc")
	s = settle(t, tm, "ingress tcp/22 0.0.0.0/0")
	hasNot(t, s, ")  /3389")
}

func TestAuditReviewFollowsALaterSnapshot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.review.json")
	withReview := func(o *Options) { o.ReviewPath = path }
	tm := startOn(t, demoSnap(t), 120, 40, withReview)
	press(tm, "7", "s") // the first finding: to fix
	settle(t, tm, "1 to fix")
	press(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(settleLimit))

	later := demoSnap(t)
	removed := false
	for _, sg := range later.SecurityGroups {
		if sg.ID != "sg-075ef02371207f9e1" {
			continue
		}
		var kept []model.SGRule
		for _, r := range sg.Ingress {
			if r.Protocol == model.ProtocolTCP && r.FromPort == 22 {
				removed = true
				continue
			}
			kept = append(kept, r)
		}
		sg.Ingress = kept
	}
	if !removed {
		t.Fatal("the demo's open-admin-sg has no tcp/22 rule to remove")
	}
	tm = startOn(t, later, 120, 40, withReview)
	press(tm, "7")
	s := settle(t, tm, "1 to fix")
	has(t, s, "since the review: 0 new · 1 changed · 2 fixed", "[open]     open-admin-sg (sg-075ef02371207f9e1)  ingress tcp/3389 0.0.0.0/0  *changed")
	press(tm, "G")
	s = settle(t, tm, "✓ fixed")
	has(t, s, "Fixed since the last review", "ingress tcp/22 0.0.0.0/0")
}
