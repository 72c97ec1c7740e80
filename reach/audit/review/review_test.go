package review_test

import (
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/audit"
	"github.com/vpcscope/vpcscope/reach/audit/review"
)

func auditOf(t *testing.T, s *model.Snapshot) *audit.Report {
	t.Helper()
	rep, err := audit.Run(reach.New(s), nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func find(t *testing.T, rep *audit.Report, control, resource string) *audit.Finding {
	t.Helper()
	for i, f := range rep.Findings {
		if f.Controls[0] == control && f.Resource == resource {
			return &rep.Findings[i]
		}
	}
	t.Fatalf("no %s finding on %s", control, resource)
	return nil
}

// TestCarryOverBetweenSnapshots: a review recorded on one snapshot, laid
// over the next, keeps each finding's state and note by its fingerprint
// and says what changed: the blackhole route was fixed, a new rule opened
// a database port to the world, and the SSH rule accepted as a risk no
// longer exposes anything (its evidence changed; it stays accepted and
// out of --fail).
func TestCarryOverBetweenSnapshots(t *testing.T) {
	before, err := fixtures.Load("broken")
	if err != nil {
		t.Fatal(err)
	}
	rep1 := auditOf(t, before)
	rv := review.New()
	rv.Record(rep1, "broken", before.TakenAt)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	ssh := find(t, rep1, "EC2.13", "sg-075ef02371207f9e1")
	rv.Mark(ssh, review.AcceptedRisk, "jump host, replaced in Q1", now)
	blackhole := find(t, rep1, "VPCSCOPE.BLACKHOLE", "rtb-0651ec8ad9dd09aa4")
	rv.Mark(blackhole, review.ToFix, "", now)

	path := filepath.Join(t.TempDir(), "broken.review.json")
	if err := rv.Save(path); err != nil {
		t.Fatal(err)
	}
	rv, err = review.Load(path)
	if err != nil {
		t.Fatal(err)
	}

	after, _ := fixtures.Load("broken")
	for _, rt := range after.RouteTables {
		if rt.ID == "rtb-0651ec8ad9dd09aa4" {
			rt.Routes = slices.DeleteFunc(rt.Routes, func(r model.Route) bool { return r.IsBlackhole() }) // fixed
		}
	}
	for _, sg := range after.SecurityGroups {
		if sg.ID == "sg-06e82e9c8691e5b0d" { // api-sg: a new rule opens PostgreSQL to the world
			sg.Ingress = append(sg.Ingress, model.SGRule{Protocol: model.ProtocolTCP, FromPort: 5432, ToPort: 5432, CIDR: netip.MustParsePrefix("0.0.0.0/0")})
		}
	}
	for _, n := range after.NetworkInterfaces {
		if n.InstanceID() == "i-03b5408b9dfcf0eec" { // windows-jump-1 loses its public address
			for i := range n.PrivateIPs {
				n.PrivateIPs[i].PublicIP = netip.Addr{}
			}
		}
	}
	for _, in := range after.Instances {
		if in.ID == "i-03b5408b9dfcf0eec" {
			in.PublicIP = netip.Addr{}
		}
	}
	rep2 := auditOf(t, after)
	w := review.Apply(rep2, rv)

	// Fixed: the blackhole route (still marked to fix), and what the
	// jump host's public address made (EC2.9, the internet reaching it).
	if !slices.ContainsFunc(w.Fixed, func(it review.Item) bool { return it.Fingerprint == blackhole.Fingerprint && it.State == review.ToFix }) ||
		!slices.ContainsFunc(w.Fixed, func(it review.Item) bool { return it.Fingerprint == "EC2.9|i-03b5408b9dfcf0eec|" }) {
		t.Errorf("fixed %+v, want the blackhole route (to fix) and the public address", w.Fixed)
	}
	var newDB, changedSSH *review.Item
	for _, it := range w.Items() {
		switch {
		case it.Finding.Resource == "sg-06e82e9c8691e5b0d" && strings.Contains(it.Finding.Rule, "5432"):
			newDB = &it
		case it.Fingerprint == ssh.Fingerprint:
			changedSSH = &it
		}
	}
	if newDB == nil || newDB.Change != review.Added || newDB.State != review.Open {
		t.Errorf("new database rule: %+v", newDB)
	}
	if changedSSH == nil || changedSSH.Change != review.Changed || changedSSH.State != review.AcceptedRisk ||
		changedSSH.Note != "jump host, replaced in Q1" || changedSSH.Was == nil || changedSSH.Was.Severity != audit.High {
		t.Fatalf("SSH rule: %+v", changedSSH)
	}
	if !slices.ContainsFunc(w.Settled, func(it review.Item) bool { return it.Fingerprint == ssh.Fingerprint }) {
		t.Errorf("the accepted SSH finding is not listed apart")
	}
	unchanged := 0
	for _, it := range w.Items() {
		if it.Change == review.Same {
			unchanged++
		}
	}
	if unchanged == 0 {
		t.Errorf("every finding is new or changed: fingerprints are not stable")
	}
	// --fail ignores the accepted finding: it is not among the open ones.
	if slices.ContainsFunc(w.Open, func(it review.Item) bool { return it.Fingerprint == ssh.Fingerprint }) {
		t.Errorf("accepted finding listed as open")
	}

	// Recording the new snapshot marks the fixed entry, keeps the states.
	rv.Record(rep2, "broken after", time.Time{})
	if e := rv.Entry(blackhole.Fingerprint); e == nil || !e.Fixed || e.State != review.ToFix {
		t.Errorf("blackhole entry after record: %+v", e)
	}
	if w2 := review.Apply(rep2, rv); len(w2.Fixed) != 0 || slices.ContainsFunc(w2.Items(), func(it review.Item) bool { return it.Change != review.Same }) {
		t.Errorf("after recording, the walk still shows changes: fixed %d", len(w2.Fixed))
	}
}

// TestFailingIgnoresSettledAndInfo: audit --fail with a review counts only
// findings still open or to fix, at or above the severity, never
// informational ones.
func TestFailingIgnoresSettledAndInfo(t *testing.T) {
	s, _ := fixtures.Load("broken")
	rep := auditOf(t, s)
	rv := review.New()
	highs := 0
	for i := range rep.Findings {
		if rep.Findings[i].Severity == audit.High {
			highs++
			rv.Mark(&rep.Findings[i], review.FalsePositive, "", time.Time{})
		}
	}
	if highs == 0 {
		t.Fatal("broken fixture has no high finding")
	}
	w := review.Apply(rep, rv)
	if n := w.Failing(audit.High); n != 0 {
		t.Errorf("failing at high = %d, want 0 with every high finding settled", n)
	}
	if n := w.Failing(audit.Info); n == 0 {
		t.Errorf("failing at info = 0, want the open findings")
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"malformed JSON is located", "{\"version\": 1,\n \"findings\": [}", "r.json:2:16"},
		{"an unknown state names the valid ones", `{"version": 1, "findings": [{"fingerprint": "a", "state": "ignored"}]}`, "want open, to fix, accepted risk or false positive"},
		{"a file without a version is not a review", `{"findings": []}`, "not a vpcscope review file"},
		{"a newer version asks for an upgrade", `{"version": 9, "findings": []}`, "upgrade vpcscope"},
		{"a fingerprint twice", `{"version": 1, "findings": [{"fingerprint": "a", "state": "open"}, {"fingerprint": "a", "state": "open"}]}`, "listed twice"},
		{"an unknown key (a typo) is refused", `{"version": 1, "findngs": []}`, "unknown field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := review.Decode([]byte(tt.doc), "r.json")
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err = %v, want one line containing %q", err, tt.want)
			}
		})
	}
	if _, err := review.Load(filepath.Join(t.TempDir(), "none.json")); !review.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
}

func TestParseStateAndDefaultPath(t *testing.T) {
	for in, want := range map[string]review.State{"accepted risk": review.AcceptedRisk, "accepted-risk": review.AcceptedRisk,
		"False Positive": review.FalsePositive, "to-fix": review.ToFix, "open": review.Open} {
		if got, err := review.ParseState(in); err != nil || got != want {
			t.Errorf("ParseState(%q) = %q, %v", in, got, err)
		}
	}
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "dump"), 0o755); err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{"": "vpcscope-demo.review.json", "prod.json": "prod.review.json",
		filepath.Join(dir, "dump") + "/": filepath.Join(dir, "dump.review.json")} {
		if got := review.DefaultPath(in); got != want {
			t.Errorf("DefaultPath(%q) = %q, want %q", in, got, want)
		}
	}
}
