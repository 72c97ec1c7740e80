package flowexplain_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/flowlog"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/flowexplain"
)

// snapshots are every fixture, the demo and a small large account.
func snapshots(t testing.TB) map[string]*model.Snapshot {
	t.Helper()
	out := map[string]*model.Snapshot{}
	for _, name := range fixtures.Names() {
		s, err := fixtures.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = s
	}
	d, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	out["demo"] = d
	cfg := fixtures.DefaultLarge()
	cfg.VPCs, cfg.Interfaces = 3, 300
	out["large"] = fixtures.Large(cfg)
	return out
}

// explainFile writes the synthetic logs in a variant to a file, reads them
// back through the scanner and explains them.
func explainFile(t *testing.T, e *reach.Engine, syn *flowexplain.Synthetic, v flowexplain.Variant) *flowexplain.Report {
	t.Helper()
	path := filepath.Join(t.TempDir(), filepath.FromSlash(syn.Path(v, syn.Truths0Start(), 1)))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := syn.Write(&buf, v); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	c := flowexplain.NewCollector()
	var errs []error
	sc := flowlog.NewScanner(flowlog.Options{OnError: func(err error) { errs = append(errs, err) }}, c.Add)
	if err := sc.Paths(context.Background(), filepath.Dir(filepath.Dir(path))); err != nil {
		t.Fatal(err)
	}
	if len(errs) > 0 {
		t.Fatalf("%s: read errors: %v", v, errs)
	}
	return flowexplain.Explain(e, c, sc.Stats())
}

type flowID struct {
	eni      string
	dir      string
	src, dst string
	sp, dp   int
	action   string
}

func idOfTruth(t flowexplain.Truth) flowID {
	return flowID{t.Interface, t.Direction.String(), t.Src.String(), t.Dst.String(), int(t.SrcPort), int(t.DstPort), t.Action.String()}
}

// TestGeneratedLogsAgreeWithTheEngine: on logs generated against every
// fixture, in every format, each flow gets the judgement the generator
// planted: every REJECT agrees and is explained by the same layer, resource
// and rule as the engine's own reach answer to the request; every planted
// flip disagrees; the interface the snapshot lacks is unknown; direction
// and request/reply are read right (from flow-direction and tcp-flags when
// the format has them, else from the interface's addresses and the paired
// flow). AWS: "Flow log record examples" — an inbound ACCEPT for a ping and
// an outbound REJECT for its reply when the network ACL's outbound rules
// refuse it.
func TestGeneratedLogsAgreeWithTheEngine(t *testing.T) {
	for name, snap := range snapshots(t) {
		e := reach.New(snap)
		syn, err := flowexplain.Synthesize(e, flowexplain.SynthOptions{Seed: 7, Connections: 300, Windows: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range flowexplain.Variants {
			t.Run(name+"/"+string(v), func(t *testing.T) {
				rep := explainFile(t, e, syn, v)
				checkReport(t, e, syn, rep)
			})
		}
	}
}

func checkReport(t *testing.T, e *reach.Engine, syn *flowexplain.Synthetic, rep *flowexplain.Report) {
	t.Helper()
	got := map[flowID]*flowexplain.Flow{}
	for i := range rep.Flows {
		f := &rep.Flows[i]
		got[flowID{f.Interface, f.Direction, f.Src.String(), f.Dst.String(), f.SrcPort, f.DstPort, f.Action}] = f
	}
	if len(rep.Flows) != len(syn.Truths) {
		t.Errorf("%d flows, generated %d", len(rep.Flows), len(syn.Truths))
	}
	rejects, planted := 0, 0
	for _, tr := range syn.Truths {
		id := idOfTruth(tr)
		if tr.Want == flowexplain.Unknown {
			id.dir = "" // no direction can be decided without the interface
		}
		f := got[id]
		if f == nil {
			t.Errorf("no flow for %+v", id)
			continue
		}
		if f.Agreement != tr.Want {
			t.Errorf("%+v (reply %v): %s, want %s: %s", id, tr.Reply, f.Agreement, tr.Want, f.Reason)
			continue
		}
		if tr.Want == flowexplain.Unknown {
			continue
		}
		if f.Reply != tr.Reply {
			t.Errorf("%+v: reply %v (from %s), want %v", id, f.Reply, f.ReplyFrom, tr.Reply)
		}
		if tr.Want == flowexplain.Disagrees {
			planted++
			continue
		}
		if tr.Action != flowlog.ActionReject {
			continue
		}
		rejects++
		a, err := e.Reach(tr.Query)
		if err != nil || a.Blocked == nil {
			t.Errorf("%+v: the engine's own answer: %v, %+v", id, err, a)
			continue
		}
		d := f.Decided
		if d == nil || d.Layer != a.Blocked.Layer || d.Resource != a.Blocked.Resource || d.Rule != a.Blocked.Rule ||
			d.Code != a.Blocked.Code || d.Direction != a.Blocked.Direction {
			t.Errorf("%+v: explained by %+v, the engine blocks at %+v", id, d, a.Blocked)
		}
	}
	if rejects == 0 || planted == 0 {
		t.Errorf("%d rejects and %d planted flows checked: the generator made too few", rejects, planted)
	}
	if rep.Skipped.NoData != 1 || rep.Skipped.SkipData != 1 {
		t.Errorf("skipped %+v, want one NODATA and one SKIPDATA record", rep.Skipped)
	}
	var n int
	for _, c := range rep.Summary.ByAgreement {
		n += c.Flows
	}
	if n != len(rep.Flows) {
		t.Errorf("summary counts %d flows of %d", n, len(rep.Flows))
	}
	_ = fmt.Sprint
}
