package ui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/model/flowlog"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/flowexplain"
	"github.com/vpcscope/vpcscope/reach/impact"
	"github.com/vpcscope/vpcscope/ui/views/flowlogs"
)

// demoFlowLogs writes flow logs generated for the demo account by the
// repository's generator (flowexplain.Synthesize: records consistent with
// the engine, plus planted disagreements and an unknown interface) in the
// default version 2 format, and returns the file and the report the
// command line's `flowlogs explain` gives for it.
func demoFlowLogs(t *testing.T, s *model.Snapshot) (string, *flowexplain.Report) {
	t.Helper()
	e := reach.New(s)
	syn, err := flowexplain.Synthesize(e, flowexplain.SynthOptions{Seed: 3, Connections: 150, Windows: 2})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := syn.Write(&buf, flowexplain.VariantV2); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "flows.log")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	c := flowexplain.NewCollector()
	sc := flowlog.NewScanner(flowlog.Options{}, c.Add)
	if err := sc.Paths(t.Context(), path); err != nil {
		t.Fatal(err)
	}
	return path, flowexplain.Explain(e, c, sc.Stats())
}

// selectedLine returns the selected row of a screen (the first line with
// the focused selection's "▌").
func selectedLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "▌") {
			return l
		}
	}
	return ""
}

// typeFilter opens the filter, types text and keeps it.
func typeFilter(tm *teatest.TestModel, text string) {
	press(tm, "/", text, "enter")
}

func TestGoldenFlowLogs(t *testing.T) {
	s := demoSnap(t)
	path, _ := demoFlowLogs(t, s)
	tm := startOn(t, s, goldenW, goldenH, func(o *Options) { o.FlowLogs = path })
	press(tm, "8")
	golden.RequireEqual(t, []byte(settle(t, tm, "agreement")))
}

// TestFlowLogJourney (flow logs in the explorer): the file given with
// --flowlogs is read in the background and judged as `flowlogs explain`
// judges it — the same counts of agreeing, disagreeing and unknown flows;
// enter on a rejected flow opens its trace with the hop that decided it
// selected (the record is judged where it was captured: its interface,
// its direction), b opens that hop's resource on the rule; a what-if edit
// of that rule makes the view judge the flows again and say the flow
// would now get through. VPC Flow Logs record ACCEPT/REJECT per interface
// and direction:
// https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
func TestFlowLogJourney(t *testing.T) {
	s := demoSnap(t)
	path, rep := demoFlowLogs(t, s)
	// a rejected flow blocked by a security group at the capture point
	var f *flowexplain.Flow
	for i := range rep.Flows {
		x := &rep.Flows[i]
		if x.Action == "REJECT" && x.Agreement == flowexplain.Agrees && x.Decided != nil && x.Decided.Hop >= 0 &&
			x.Decided.Layer == reach.LayerSecurityGroup && x.Protocol == "tcp" {
			f = x
			break
		}
	}
	if f == nil {
		t.Fatal("the generated logs hold no REJECT agreeing with a security group block")
	}
	tm := startOn(t, s, 120, 40, func(o *Options) { o.FlowLogs = path })
	press(tm, "8")
	by := rep.Summary.ByAgreement
	list := settle(t, tm, "agreement")
	has(t, list, fmt.Sprintf("%d records → %d flows", rep.Records, len(rep.Flows)),
		fmt.Sprintf("✓ %d agree", by[flowexplain.Agrees].Flows), fmt.Sprintf("✗ %d disagree", by[flowexplain.Disagrees].Flows),
		fmt.Sprintf("? %d unknown", by[flowexplain.Unknown].Flows), "✗ disagrees")

	src := fmt.Sprintf("%s:%d", f.Src, f.SrcPort)
	typeFilter(tm, src)
	sel := selectedLine(settle(t, tm, "/"+src))
	has(t, sel, "✓ agrees", "REJECT", src, fmt.Sprintf("%s:%d", f.Dst, f.DstPort))

	press(tm, "enter")
	tr := settle(t, tm, "Trace ›")
	path0 := f.Answer.Forward
	if f.Decided.Path == reach.DirReturn {
		path0 = f.Answer.Return
	}
	hop := path0[f.Decided.Hop]
	has(t, tr, fmt.Sprintf("from port %d", f.SrcPort))
	has(t, selectedLine(tr), string(hop.Layer), hop.Resource, string(hop.Stage))

	press(tm, "esc", "b")
	rule := settle(t, tm, "Detail ›")
	has(t, rule, hop.Resource)
	if l := selectedLine(rule); !strings.Contains(l, "≈ closest") && !strings.Contains(l, "◆ blocked") {
		if !strings.Contains(rule, "no rule matched") && !strings.Contains(rule, "✗ ") {
			t.Errorf("b did not land on the deciding rule:\n%s", rule)
		}
	}

	// a what-if rule that lets the request in: the view judges again
	press(tm, "a")
	settle(t, tm, "what-if add")
	press(tm, "enter", "esc")
	again := settle(t, tm, "WHAT-IF:")
	has(t, again, "would now get through")
	has(t, selectedLine(again), src, "→ passes")
}

func TestGoldenConnectivity(t *testing.T) {
	tm := startTest(t)
	press(tm, "9")
	golden.RequireEqual(t, []byte(settle(t, tm, "pairs connected")))
}

// TestConnectivityJourney: the matrix by VPC lists the pairs the engine's
// Connectivity finds, v switches to subnets, and enter on a cell traces
// the witness Matrix.Witness gives — a pair that gets through both ways.
func TestConnectivityJourney(t *testing.T) {
	s := demoSnap(t)
	e := reach.New(s)
	byVPC, err := e.Connectivity(reach.ConnectivityOptions{From: reach.Group{Interfaces: e.Ends(), Internet: true}, To: reach.Group{Interfaces: e.Ends(), Internet: true}, By: reach.ByVPC})
	if err != nil {
		t.Fatal(err)
	}
	tm := startOn(t, s, 120, 40, nil)
	press(tm, "9")
	scr := settle(t, tm, "pairs connected")
	has(t, scr, fmt.Sprintf("Connectivity by vpc: %d groups, %d pairs connected", len(byVPC.Groups), byVPC.Len()))

	// the shop VPC talks to itself on its database and app ports
	var shop string
	for _, g := range byVPC.Groups {
		if g.Name == "shop-vpc" {
			shop = g.ID
		}
	}
	cell, ok := byVPC.Cell(shop, shop)
	if !ok {
		t.Fatal("no shop-vpc → shop-vpc cell")
	}
	typeFilter(tm, "shop-vpc shop-vpc "+strings.Fields(cell.Services)[0])
	sel := selectedLine(settle(t, tm, "/shop-vpc"))
	has(t, sel, cell.Services)
	press(tm, "enter")
	tr := settle(t, tm, "✓ REACHABLE")
	q, ok := byVPC.Witness(shop, shop, cell.Traffic[0].Probe)
	if !ok {
		t.Fatal("no witness")
	}
	has(t, tr, fmt.Sprintf("Trace › %s → %s %s/%d", q.From, q.To, q.Protocol, q.Port))

	press(tm, "9", "v")
	has(t, settle(t, tm, "by subnet:"), "Connectivity › by subnet")
}

// compareSnaps returns the demo as OLD and a NEW in which the storefront
// database group admits the web tier on 3306 and its network ACL lets the
// replies out: web-1a → db-1a, blocked before, gets through after.
func compareSnaps(t *testing.T) (old, cur *model.Snapshot) {
	t.Helper()
	old = demoSnap(t)
	cur, _, err := edit.Assume(old, model.NewIndex(old), []string{
		"storefront-db-sg ingress tcp 3306 from storefront-web-sg",
		"acl-0bbe693c8e98700d0 outbound 90 allow tcp 1024-65535 10.0.0.0/16"})
	if err != nil {
		t.Fatal(err)
	}
	return old, cur
}

func startCompare(t *testing.T, w, h int) (*teatest.TestModel, *impact.Report) {
	t.Helper()
	old, cur := compareSnaps(t)
	rep, err := impact.Compare(reach.New(old), reach.New(cur), impact.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tm := startOn(t, cur, w, h, func(o *Options) {
		o.Source, o.Compare, o.CompareSource = "new.json", SnapshotLoader(old), "old.json"
	})
	return tm, rep
}

func TestGoldenDiff(t *testing.T) {
	tm, _ := startCompare(t, goldenW, goldenH)
	press(tm, "0")
	golden.RequireEqual(t, []byte(settle(t, tm, "Reachability gained")))
}

// TestCompareJourney (--snapshot OLD --compare NEW): the diff view lists
// the changed group and ACL with the rules added, and the reachability
// gained that reach/impact computes; the lists mark the changed groups,
// the detail marks the rule added since; enter on the traffic gained
// traces it on both snapshots — reachable now, blocked before.
func TestCompareJourney(t *testing.T) {
	tm, rep := startCompare(t, 120, 40)
	old, _ := compareSnaps(t)
	dbSG := model.NewIndex(old).Find("storefront-db-sg")
	if len(dbSG) != 1 {
		t.Fatal("no storefront-db-sg")
	}
	if len(rep.Reachability.Gained) == 0 {
		t.Fatal("the change gains no reachability")
	}
	press(tm, "0")
	d := settle(t, tm, "Reachability gained")
	has(t, d, "Since old.json: 0 added, 0 removed, 2 changed",
		"~ changed  network-acl", "+ rule outbound 90 allow tcp 1024-65535 10.0.0.0/16",
		"~ changed  security-group", "+ rule ingress tcp 3306 from sg-",
		fmt.Sprintf("Reachability gained (%d)", len(rep.Reachability.Gained)),
		fmt.Sprintf("Reachability lost (%d)", len(rep.Reachability.Lost)), "+ gained", "tcp/3306")

	press(tm, ":", "security-groups list", "enter")
	settle(t, tm, "Lists › security-group")
	typeFilter(tm, "changed "+dbSG[0].Base().ID)
	l := settle(t, tm, "/changed")
	has(t, selectedLine(l), "~ changed", dbSG[0].Base().ID)
	press(tm, "enter")
	det := settle(t, tm, "[~ changed since old.json: ingress]")
	webSG := model.NewIndex(old).Find("storefront-web-sg")[0].Base().ID
	has(t, det, "tcp/3306        from "+webSG)
	for _, line := range strings.Split(det, "\n") {
		if strings.Contains(line, "tcp/3306        from "+webSG) && !strings.Contains(line, "+ new") {
			t.Errorf("the rule added since is not marked: %q", line)
		}
	}

	press(tm, "0")
	pressUntil(t, tm, "j", "+ gained")
	press(tm, "enter")
	tr := settle(t, tm, "Before the change (old.json)")
	has(t, tr, "now     ✓ REACHABLE", "before  ✗ BLOCKED", "storefront-db-sg")
}

// TestFirewallJourney (issue 11 item 5): b on a trace hop decided by a
// Network Firewall stateful rule opens its rule group with the rule the
// hop's reference names selected; d disables it in the what-if and the
// trace gets through. Stateful rules in default action order:
// https://docs.aws.amazon.com/network-firewall/latest/developerguide/suricata-rule-evaluation-order.html
func TestFirewallJourney(t *testing.T) {
	s := demoSnap(t)
	a, err := reach.New(s).Reach(reach.Query{From: "spoke-a-1", To: "spoke-b-1", Protocol: model.ProtocolTCP, Port: 22})
	if err != nil {
		t.Fatal(err)
	}
	if a.Blocked == nil || a.Blocked.Ref == nil || a.Blocked.Ref.Kind != reach.RefFirewallStateful {
		t.Fatalf("want a block at a stateful firewall rule, got %+v", a.Blocked)
	}
	tm := startOn(t, s, 120, 40, nil)
	press(tm, "4", "enter", "spoke-a-1", "enter", "spoke-b-1", "enter", "22", "enter")
	tr := settle(t, tm, "◆ ✗ deny")
	has(t, selectedLine(tr), "network-firewall", "stateful")
	press(tm, "b")
	det := settle(t, tm, "firewall-rule-group")
	has(t, det, a.Blocked.Resource, "this rule blocked the trace")
	has(t, selectedLine(det), fmt.Sprintf("%d ", a.Blocked.Ref.Index+1), "sid:200", "◆ blocked")
	press(tm, "d", "esc")
	has(t, settle(t, tm, "what-if ✓ REACHABLE"), "actual  ✗ BLOCKED")

	// a stateful default action decides: b opens the firewall policy
	// (Network Firewall: the policy's stateful default actions apply when
	// no rule matched)
	d, err := reach.New(s).Reach(reach.Query{From: "198.51.100.7", To: "edge-web-1", Protocol: model.ProtocolTCP, Port: 22})
	if err != nil {
		t.Fatal(err)
	}
	if d.Blocked == nil || !strings.Contains(d.Blocked.Resource, "firewall-policy/") {
		t.Fatalf("want a block by a firewall policy's default action, got %+v", d.Blocked)
	}
	tm2 := startOn(t, s, 120, 40, nil)
	press(tm2, "4", "enter", "198.51.100.7", "enter", "edge-web-1", "enter", "22", "enter")
	settle(t, tm2, "◆ ✗ deny")
	press(tm2, "b")
	has(t, settle(t, tm2, "firewall-policy "), d.Blocked.Resource)
}

// TestFlowLogsPaletteAndErrors: :flowlogs PATH reads a file from the
// palette; a file that does not exist is a one-line flash, not a crash.
func TestFlowLogsPaletteAndErrors(t *testing.T) {
	s := demoSnap(t)
	path, rep := demoFlowLogs(t, s)
	tm := startOn(t, s, 120, 40, nil)
	press(tm, ":", "flowlogs "+filepath.Join(t.TempDir(), "nope.log"), "enter")
	has(t, settle(t, tm, "flow logs:"), "no such file", "No flow logs loaded.")
	press(tm, ":", "flowlogs "+path, "enter")
	has(t, settle(t, tm, "agreement"), fmt.Sprintf("%d flows", len(rep.Flows)), "Flow logs › flows.log")
	if flowlogs.Mark(flowexplain.Disagrees) != "✗ disagrees" {
		t.Error("disagreements must read without colour")
	}
}
