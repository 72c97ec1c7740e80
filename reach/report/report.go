// Package report renders audit and exposure answers as documents to hand
// over: Markdown for pull requests and tickets (with a Mermaid diagram of
// the exposed paths), one self-contained HTML file (a findings table that
// sorts and filters offline, an inline SVG diagram of the network) and
// SARIF 2.1.0 for code scanning. It renders what the engine answered and
// never asks the engine anything itself; it imports no UI code.
package report

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/audit"
	"github.com/vpcscope/vpcscope/reach/audit/review"
)

// Document is what every format renders: where the network came from,
// the findings (with their review, when there is one), what was not
// checked, and the network for the diagram.
type Document struct {
	// Title is "vpcscope audit" or "vpcscope exposure".
	Title string
	// Accounts and Regions the snapshot covers; TakenAt is its time (zero
	// when unknown), Source what it was read from.
	Accounts []string
	Regions  []string
	TakenAt  time.Time
	Source   string
	// Tool is the vpcscope version that made the document.
	Tool string
	// Caveats and gaps: what the snapshot lacks and what the answer only
	// partly holds.
	Caveats []string
	// Findings need work; Settled were accepted as a risk or marked false
	// positives in the review, listed apart; Fixed are reviewed findings
	// the snapshot no longer has.
	Findings []Row
	Settled  []Row
	Fixed    []Row
	// NotChecked are the controls the audit could not decide, and why.
	NotChecked []string
	// Controls is the catalogue the findings cite, for SARIF rules.
	Controls []audit.Control
	// Reviewed is set when a review was applied.
	Reviewed bool

	snap    *model.Snapshot
	exposed []reach.Exposed
}

// Row is one finding.
type Row struct {
	Fingerprint string
	Severity    audit.Severity
	Controls    []string
	// ControlRefs are the cited controls' entries of the catalogue.
	ControlRefs []audit.Control
	Kind        model.Kind
	Resource    string
	Name        string
	Account     string
	Region      string
	Message     string
	Rule        string
	// State, Note and Change come from the review ("" without one).
	State  review.State
	Note   string
	Change review.Change
	// Evidence are the exposures that prove the finding; Path the hops of
	// the packet that shows it, for findings that are not exposures.
	Evidence []reach.Exposed
	Path     []reach.Hop
}

// Label names the row's resource: "name (id)", or the ID.
func (r Row) Label() string {
	if r.Name != "" && r.Name != r.Resource {
		return r.Name + " (" + r.Resource + ")"
	}
	return r.Resource
}

// Where renders "account/region".
func (r Row) Where() string { return (model.Scope{Account: r.Account, Region: r.Region}).String() }

// FromAudit builds the document of an audit: the findings in the
// report's order, laid over the review walk when w is not nil, and the
// exposure report for the diagram (nil draws no exposed paths).
func FromAudit(s *model.Snapshot, rep *audit.Report, w *review.Walk, exposure *reach.ExposureReport, tool string) (*Document, error) {
	d := newDocument("vpcscope audit", s, tool)
	cs, err := audit.Controls()
	if err != nil {
		return nil, err
	}
	d.Controls = cs
	d.NotChecked = slices.Clone(rep.NotChecked)
	if exposure != nil {
		d.exposed = exposure.Exposed
		d.Caveats = appendNew(d.Caveats, exposure.Caveats...)
	}
	if w == nil {
		for i := range rep.Findings {
			d.Findings = append(d.Findings, rowOf(&rep.Findings[i]))
		}
		return d, nil
	}
	d.Reviewed = true
	for _, it := range w.Open {
		d.Findings = append(d.Findings, reviewed(it))
	}
	for _, it := range w.Settled {
		d.Settled = append(d.Settled, reviewed(it))
	}
	for _, it := range w.Fixed {
		r := Row{Fingerprint: it.Fingerprint, State: it.State, Note: it.Note, Change: it.Change}
		if it.Was != nil {
			r.Severity, r.Controls, r.Resource, r.Rule, r.Message = it.Was.Severity, []string{it.Was.Control}, it.Was.Resource, it.Was.Rule, it.Was.Message
		}
		d.Fixed = append(d.Fixed, r)
	}
	return d, nil
}

func reviewed(it review.Item) Row {
	r := rowOf(it.Finding)
	r.State, r.Note, r.Change = it.State, it.Note, it.Change
	return r
}

func rowOf(f *audit.Finding) Row {
	return Row{Fingerprint: f.Fingerprint, Severity: f.Severity, Controls: f.Controls, ControlRefs: f.ControlRefs, Kind: f.Kind,
		Resource: f.Resource, Name: f.Name, Account: f.Account, Region: f.Region, Message: f.Message, Rule: f.Rule,
		Evidence: f.Evidence, Path: f.Path}
}

// exposureControl is the rule an exposure document's rows cite.
var exposureControl = audit.Control{ID: "VPCSCOPE.EXPOSURE", Framework: "vpcscope", Title: "Reachable from the internet",
	Checks: "interfaces and load balancers the engine finds reachable from the internet, with the exact sources, ports and path"}

// exposedAddr is the address an exposure reaches: the public address, or
// for a declared on-premises network the private address.
func exposedAddr(x reach.Exposed) string {
	if x.OnPrem != "" {
		return x.Address
	}
	return x.PublicIP
}

// exposedFrom names who reaches an exposure: the internet, or the
// on-premises network.
func exposedFrom(x reach.Exposed) string {
	if x.OnPrem != "" {
		return "on-premises network " + x.OnPrem
	}
	return "the internet"
}

// FromExposure builds the document of an exposure report: one row per
// exposure, high when it includes a management or database port, medium
// for other ports open to a wide range, low otherwise.
func FromExposure(s *model.Snapshot, rep *reach.ExposureReport, tool string) *Document {
	d := newDocument("vpcscope exposure", s, tool)
	d.Controls = []audit.Control{exposureControl}
	d.exposed = rep.Exposed
	d.Caveats = appendNew(d.Caveats, rep.Caveats...)
	ix := model.NewIndex(s)
	for _, x := range rep.Exposed {
		svc := x.Protocol
		if x.Ports != "" {
			svc += "/" + x.Ports
		}
		r := Row{Severity: audit.Low, Controls: []string{exposureControl.ID}, ControlRefs: []audit.Control{exposureControl},
			Resource: x.ID, Name: x.Name, Message: exposedFrom(x) + " reaches " + exposedAddr(x) + " on " + svc + " from " + x.SourceSummary,
			Rule: x.Rule, Evidence: []reach.Exposed{x}, Kind: model.Kind(x.Kind)}
		if res, ok := ix.Resource(x.ID); ok {
			r.Account, r.Region = res.Base().Account, res.Base().Region
		}
		r.Fingerprint = exposureControl.ID + "|" + x.ID + "|" + exposedAddr(x) + " " + svc
		if x.OnPrem != "" {
			r.Fingerprint += "|" + x.OnPrem
		}
		if sensitive(x) {
			r.Severity = audit.High
		} else if len(x.Sources) > 0 && wideSources(x.Sources) {
			r.Severity = audit.Medium
		}
		d.Findings = append(d.Findings, r)
	}
	slices.SortStableFunc(d.Findings, func(a, b Row) int { return cmp.Compare(a.Severity.Rank(), b.Severity.Rank()) })
	return d
}

// sensitive reports whether an exposure includes a management or
// database port.
func sensitive(x reach.Exposed) bool {
	for _, p := range []uint16{22, 23, 3389, 5985, 5986, 1433, 1521, 3306, 5432, 5984, 6379, 9042, 9200, 11211, 27017} {
		for _, r := range x.PortRanges {
			if r.Contains(p) {
				return true
			}
		}
	}
	return false
}

func wideSources(ps []string) bool {
	for _, p := range ps {
		if strings.HasSuffix(p, "/0") || strings.HasSuffix(p, "/1") || strings.HasSuffix(p, "/2") || strings.HasSuffix(p, "/3") {
			return true
		}
	}
	return false
}

func newDocument(title string, s *model.Snapshot, tool string) *Document {
	d := &Document{Title: title, TakenAt: s.TakenAt, Source: s.Source, Tool: tool, snap: s}
	for _, sc := range s.Scopes {
		if sc.Account != "" && !slices.Contains(d.Accounts, sc.Account) {
			d.Accounts = append(d.Accounts, sc.Account)
		}
		if sc.Region != "" && !slices.Contains(d.Regions, sc.Region) {
			d.Regions = append(d.Regions, sc.Region)
		}
	}
	slices.Sort(d.Accounts)
	slices.Sort(d.Regions)
	for _, g := range s.Gaps {
		d.Caveats = appendNew(d.Caveats, "gap: "+g.String())
	}
	return d
}

func appendNew(list []string, xs ...string) []string {
	for _, x := range xs {
		if !slices.Contains(list, x) {
			list = append(list, x)
		}
	}
	return list
}

// Counts returns the number of findings needing work per severity.
func (d *Document) Counts() map[audit.Severity]int {
	out := map[audit.Severity]int{}
	for _, r := range d.Findings {
		out[r.Severity]++
	}
	return out
}

// SummaryRow is one line of the summary table: a control and how many
// findings cite it first, per severity.
type SummaryRow struct {
	Control audit.Control
	Count   int
	ByLevel map[audit.Severity]int
}

// N returns the row's count at a severity ("high", ...), for templates.
func (s SummaryRow) N(sev string) int { return s.ByLevel[audit.Severity(sev)] }

// Summary counts the findings needing work per control (the first each
// cites), in catalogue order.
func (d *Document) Summary() []SummaryRow {
	by := map[string]*SummaryRow{}
	for _, r := range d.Findings {
		id := r.Controls[0]
		s := by[id]
		if s == nil {
			s = &SummaryRow{Control: audit.Control{ID: id}, ByLevel: map[audit.Severity]int{}}
			for _, c := range d.Controls {
				if c.ID == id {
					s.Control = c
				}
			}
			by[id] = s
		}
		s.Count++
		s.ByLevel[r.Severity]++
	}
	var out []SummaryRow
	for _, c := range d.Controls {
		if s := by[c.ID]; s != nil {
			out = append(out, *s)
			delete(by, c.ID)
		}
	}
	for _, s := range by {
		out = append(out, *s)
	}
	return out
}

// Taken renders the snapshot time, or "unknown".
func (d *Document) Taken() string {
	if d.TakenAt.IsZero() {
		return "unknown"
	}
	return d.TakenAt.UTC().Format("2006-01-02 15:04 UTC")
}

// pathText renders an exposure's path in one line: "internet-gateway
// igw-1 → security-group sg-1 (ingress tcp/22 …) → network-interface eni-1".
func pathText(hops []reach.Hop) string {
	var parts []string
	crossings := reach.Crossings(hops)
	for i, h := range hops {
		if c := crossings[i]; c.Crosses() {
			parts = append(parts, "⇢ "+c.String())
		}
		s := string(h.Layer) + " " + h.Resource
		if h.Rule != "" {
			s += " (" + h.Rule + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " → ")
}
