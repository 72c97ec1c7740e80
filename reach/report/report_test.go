package report_test

import (
	"bytes"
	"encoding/json"
	htmlpkg "html"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/audit"
	"github.com/vpcscope/vpcscope/reach/audit/review"
	"github.com/vpcscope/vpcscope/reach/report"
)

// demoDocuments returns the demo's audit (with a review that accepts one
// finding and marks another to fix) and exposure documents.
func demoDocuments(t *testing.T) (*report.Document, *report.Document, *model.Snapshot) {
	t.Helper()
	s, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	e := reach.New(s)
	exp := e.Exposure(reach.ExposureOptions{})
	rep, err := audit.Run(e, exp)
	if err != nil {
		t.Fatal(err)
	}
	rv := review.New()
	rv.Record(rep, "demo", s.TakenAt)
	for i := range rep.Findings {
		f := &rep.Findings[i]
		switch f.Controls[0] {
		case "EC2.13":
			rv.Mark(f, review.AcceptedRisk, `jump host <script>alert("x")</script> | *not* markdown`, time.Time{})
		case "VPCSCOPE.BLACKHOLE":
			rv.Mark(f, review.ToFix, "", time.Time{})
		}
	}
	d, err := report.FromAudit(s, rep, review.Apply(rep, rv), exp, "test")
	if err != nil {
		t.Fatal(err)
	}
	return d, report.FromExposure(s, exp, "test"), s
}

// TestSARIFValidatesAgainstTheSchema: the SARIF logs of an audit (with
// settled findings as suppressions) and of an exposure report validate
// against the official SARIF 2.1.0 JSON schema (testdata/sarif, with its
// source and licence), one result per finding, each naming its resource
// in logicalLocations and citing a rule of the catalogue.
func TestSARIFValidatesAgainstTheSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	sch, err := c.Compile("testdata/sarif/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	auditDoc, exposureDoc, _ := demoDocuments(t)
	for name, d := range map[string]*report.Document{"audit": auditDoc, "exposure": exposureDoc} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := report.SARIF(&buf, d); err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Fatalf("SARIF does not validate: %v", err)
			}
			var log struct {
				Runs []struct {
					Tool struct {
						Driver struct {
							Rules []struct{ ID string } `json:"rules"`
						} `json:"driver"`
					} `json:"tool"`
					Results []struct {
						RuleID       string `json:"ruleId"`
						RuleIndex    int    `json:"ruleIndex"`
						Suppressions []any  `json:"suppressions"`
						Locations    []struct {
							LogicalLocations []struct {
								Name, Kind string
							} `json:"logicalLocations"`
						} `json:"locations"`
					} `json:"results"`
				} `json:"runs"`
			}
			if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
				t.Fatal(err)
			}
			run := log.Runs[0]
			if len(run.Results) != len(d.Findings)+len(d.Settled) {
				t.Errorf("%d results for %d findings", len(run.Results), len(d.Findings)+len(d.Settled))
			}
			suppressed := 0
			for _, r := range run.Results {
				if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
					t.Errorf("result %s points at rule %d", r.RuleID, r.RuleIndex)
				}
				locs := r.Locations[0].LogicalLocations
				if last := locs[len(locs)-1]; last.Kind != "resource" || last.Name == "" {
					t.Errorf("result %s: logical locations %+v", r.RuleID, locs)
				}
				if len(r.Suppressions) > 0 {
					suppressed++
				}
			}
			if suppressed != len(d.Settled) {
				t.Errorf("%d suppressed, %d settled", suppressed, len(d.Settled))
			}
		})
	}
}

// TestMarkdownAndHTMLEscapeSnapshotText: a review note (or a Name tag)
// holding HTML or Markdown stays text in both documents.
func TestMarkdownAndHTMLEscapeSnapshotText(t *testing.T) {
	d, _, _ := demoDocuments(t)
	var md, html bytes.Buffer
	if err := report.Markdown(&md, d); err != nil {
		t.Fatal(err)
	}
	if err := report.HTML(&html, d); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(md.String(), "<script>") || !strings.Contains(md.String(), `&lt;script&gt;`) || !strings.Contains(md.String(), `\|`) {
		t.Errorf("markdown does not escape the note")
	}
	if strings.Contains(html.String(), `<script>alert`) {
		t.Errorf("html does not escape the note")
	}
	for _, want := range []string{"```mermaid", "## Accepted risks and false positives", "- review: **accepted risk**", "- evidence: ", "## Caveats and gaps"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}

// TestHTMLIsSelfContained: the HTML report loads nothing: no src or href
// to anything but its own fragments, and a Content-Security-Policy that
// forbids every fetch.
func TestHTMLIsSelfContained(t *testing.T) {
	d, _, _ := demoDocuments(t)
	var buf bytes.Buffer
	if err := report.HTML(&buf, d); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, bad := range []string{" src=", "href=\"http", "@import", "url(", "<link"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	if !strings.Contains(htmlpkg.UnescapeString(page), `default-src 'none'`) || !strings.Contains(page, "<svg") {
		t.Errorf("no CSP or no inline SVG")
	}
}

// TestExposureReportNamesOnPremisesSources: an exposure to a declared
// on-premises network (--onprem) reads as that network reaching the
// private address over the hybrid link, not as the internet reaching a
// public address, and its fingerprint keeps the network apart from an
// internet exposure of the same port.
func TestExposureReportNamesOnPremisesSources(t *testing.T) {
	s, err := fixtures.Load("hybrid")
	if err != nil {
		t.Fatal(err)
	}
	dc, err := reach.ParseOnPrem("datacenter=10.200.0.0/16")
	if err != nil {
		t.Fatal(err)
	}
	e, err := reach.New(s).WithOnPrem([]reach.OnPremNetwork{dc})
	if err != nil {
		t.Fatal(err)
	}
	doc := report.FromExposure(s, e.Exposure(reach.ExposureOptions{}), "test")
	found := false
	for _, r := range doc.Findings {
		if strings.HasPrefix(r.Message, "on-premises network datacenter reaches 10.") {
			found = true
			if !strings.HasSuffix(r.Fingerprint, "|datacenter") {
				t.Errorf("fingerprint %q does not name the network", r.Fingerprint)
			}
		}
		if strings.Contains(r.Message, "the internet reaches  on") {
			t.Errorf("an on-premises exposure reads as an internet one: %q", r.Message)
		}
	}
	if !found {
		t.Fatalf("no on-premises exposure in %d rows", len(doc.Findings))
	}
}
