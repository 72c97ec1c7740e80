package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/audit"
	"github.com/vpcscope/vpcscope/reach/audit/review"
	"github.com/vpcscope/vpcscope/reach/flowexplain"
	"github.com/vpcscope/vpcscope/reach/report"
)

// errFindings tells main that audit --fail found something.
var errFindings = fmt.Errorf("%w: the audit has findings", errUnreachable)

func newAuditCmd(g *globalOptions, s streams) *cobra.Command {
	var fail, saveReview bool
	var minSeverity, reviewPath string
	var flowLogs []string
	cmd := &cobra.Command{
		Use:   "audit [--fail] [--severity high|medium|low|info] [--flowlogs FILE]… [--review FILE [--save-review]]",
		Short: "Check the network against CIS and AWS Security Hub network controls",
		Long: `audit checks the network against the EC2 network controls of AWS Foundational
Security Best Practices (Security Hub) and the CIS AWS Foundations Benchmark —
default security groups with rules, SSH/RDP and high-risk ports open to the
world, network ACLs open on 22/3389, public IPs, unused groups and ACLs,
peering routes wider than the peer, VPCs without a flow log, load balancers
without AWS WAF or Shield Advanced — and against vpcscope's checks: management
and database ports the internet reaches, rules that decide nothing (shadowed
or covered, computed on packet sets), ACLs that drop replies, source/dest
checks, blackhole routes and stale group references. A rule open to the world
is a high finding when the engine finds an interface the internet actually
reaches through it; with --flowlogs, the finding also cites the internet
traffic the logs recorded through it. Controls the snapshot cannot decide
are listed as not checked, with the data they lacked.

--review FILE applies a review (each finding open, to fix, accepted risk or
false positive, with a note, by its fingerprint): accepted risks and false
positives are listed apart and never fail --fail, and the output says what is
new, changed or fixed since the review was recorded. --save-review records the
findings into FILE (creating it; new findings open, states kept).

-o markdown, -o html (one self-contained file) and -o sarif (SARIF 2.1.0 for
code scanning) write a report to hand over.

Exit status with --fail: 1 when findings at or above --severity are open
(informational ones never count).`,
		Example: `  vpcscope audit --demo
  vpcscope audit --demo --severity high --fail
  vpcscope audit --snapshot prod.json -o html > report.html
  vpcscope audit --snapshot prod.json -o sarif > vpcscope.sarif
  vpcscope audit --snapshot prod.json --review prod.review.json --save-review
  vpcscope audit --snapshot prod.json --flowlogs ./AWSLogs/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			min, err := parseSeverity(minSeverity)
			if err != nil {
				return err
			}
			if saveReview && reviewPath == "" {
				return usagef("--save-review needs --review FILE")
			}
			if err := g.checkOutputOf(reportOutputs...); err != nil {
				return err
			}
			snap, err := g.load(cmd.Context(), s)
			if err != nil {
				return err
			}
			var rv *review.File
			if reviewPath != "" {
				rv, err = review.Load(reviewPath)
				switch {
				case review.IsNotExist(err) && saveReview:
					rv = review.New()
				case review.IsNotExist(err):
					return usagef("--review %s: no such file (record one with --save-review)", reviewPath)
				case err != nil:
					return usagef("%v", err)
				}
			}
			e := g.engine(snap)
			exposure := e.Exposure(reach.ExposureOptions{})
			opts := audit.Options{Exposure: exposure}
			var skipped error
			if len(flowLogs) > 0 {
				c, stats, err := g.readFlowLogs(cmd.Context(), s, &flowLogFlags{}, flowLogs)
				if err != nil {
					return err
				}
				opts.Traffic = recordedTraffic(flowexplain.Explain(e, c, stats))
				skipped = skippedError(stats)
			}
			rep, err := audit.RunWith(e, opts)
			if err != nil {
				return err
			}
			kept := rep.Findings[:0]
			for _, f := range rep.Findings {
				if f.Severity.Rank() <= min.Rank() {
					kept = append(kept, f)
				}
			}
			rep.Findings = kept
			var walk *review.Walk
			if rv != nil {
				walk = review.Apply(rep, rv)
			}
			doc, err := report.FromAudit(snap, rep, walk, exposure, readBuildVersion().Version)
			if err != nil {
				return err
			}
			ok, err := writeReport(s.out, g.output, doc)
			switch {
			case err != nil:
				return err
			case ok:
			case g.output == "json" && walk != nil:
				err = writeJSON(s.out, struct {
					*audit.Report
					Review *review.Walk `json:"review"`
				}{rep, walk})
			case g.output == "json":
				err = writeJSON(s.out, rep)
			default:
				printAudit(s, g, doc)
			}
			if err != nil {
				return err
			}
			if saveReview {
				rv.Record(rep, snapshotLabel(g, snap.Source), snap.TakenAt)
				if err := rv.Save(reviewPath); err != nil {
					return err
				}
			}
			if skipped != nil {
				return skipped
			}
			failing := countFailing(rep, walk, min)
			if fail && failing > 0 {
				return errFindings
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&fail, "fail", false, "exit 1 when open findings at or above --severity remain (for CI); accepted and informational ones never count")
	cmd.Flags().StringVar(&minSeverity, "severity", "info", "report findings at or above this severity: high, medium, low or info")
	cmd.Flags().StringArrayVar(&flowLogs, "flowlogs", nil, "flow-log files, folders or s3://bucket/prefix URLs: findings about rules open to the world cite the internet traffic recorded through them (repeatable)")
	cmd.Flags().StringVar(&reviewPath, "review", "", "apply the review in FILE: states and notes by finding fingerprint, accepted findings listed apart")
	cmd.Flags().BoolVar(&saveReview, "save-review", false, "record the findings into the --review file (created if missing; states and notes kept)")
	return cmd
}

// countFailing counts the findings --fail counts: at or above min, not
// informational, and not settled in the review.
func countFailing(rep *audit.Report, walk *review.Walk, min audit.Severity) int {
	if walk != nil {
		return walk.Failing(min)
	}
	n := 0
	for _, f := range rep.Findings {
		if f.Severity != audit.Info && f.Severity.Rank() <= min.Rank() {
			n++
		}
	}
	return n
}

// snapshotLabel describes the snapshot a review was recorded against.
func snapshotLabel(g *globalOptions, source string) string {
	switch {
	case g.demo:
		return "demo"
	case g.snapshot != "":
		return g.snapshot
	}
	return source
}

func parseSeverity(s string) (audit.Severity, error) {
	sev, err := audit.ParseSeverity(s)
	if err != nil {
		return "", usagef("--severity %s: want high, medium, low or info", s)
	}
	return sev, nil
}

func printAudit(s streams, g *globalOptions, d *report.Document) {
	w, t := g.text(s)
	c := d.Counts()
	head := fmt.Sprintf("%s: %d high, %d medium, %d low, %d info", count(len(d.Findings), "finding"), c[audit.High], c[audit.Medium], c[audit.Low], c[audit.Info])
	if d.Reviewed {
		head += fmt.Sprintf("; %d accepted or false positive; %d fixed since the review", len(d.Settled), len(d.Fixed))
	}
	fmt.Fprintf(w, "%s\n\n", t.bold.Render(head))
	controlsWidth := 0
	for _, r := range slices.Concat(d.Findings, d.Settled) {
		controlsWidth = max(controlsWidth, len(strings.Join(r.Controls, ",")))
	}
	row := func(r report.Row) {
		style := t.dim
		switch r.Severity {
		case audit.High:
			style = t.bad
		case audit.Medium:
			style = t.unknown
		}
		line := fmt.Sprintf("%s %-*s %s", style.Render(fmt.Sprintf("%-6s", r.Severity)), controlsWidth, strings.Join(r.Controls, ","), safe(r.Label()))
		if r.State != "" {
			line += "  [" + string(r.State)
			if r.Change != "" {
				line += ", " + string(r.Change)
			}
			line += "]"
		}
		fmt.Fprintln(w, line)
		fmt.Fprintf(w, "       %s\n", safe(r.Message))
		if r.Note != "" {
			fmt.Fprintf(w, "       %s\n", t.dim.Render("note: "+safe(r.Note)))
		}
		for _, x := range r.Evidence {
			who := x.ID
			if x.Name != "" {
				who = x.Name
			}
			svc := x.Protocol
			if x.Ports != "" {
				svc += "/" + x.Ports
			}
			fmt.Fprintf(w, "       %s\n", t.bad.Render("exposed: "+safe(who+" "+x.PublicIP+" "+svc)))
		}
		if len(r.ControlRefs) > 0 {
			ref := r.ControlRefs[0]
			line := ref.ID + ": " + ref.Title
			if len(ref.Also) > 0 {
				line += " (" + strings.Join(ref.Also, ", ") + ")"
			}
			fmt.Fprintf(w, "       %s\n", t.dim.Render(line))
		}
	}
	for _, r := range d.Findings {
		row(r)
	}
	if len(d.Settled) > 0 {
		fmt.Fprintf(w, "\n%s\n\n", t.bold.Render("accepted risks and false positives (not counted by --fail):"))
		for _, r := range d.Settled {
			row(r)
		}
	}
	if len(d.Fixed) > 0 {
		fmt.Fprintf(w, "\n%s\n", t.bold.Render("fixed since the review:"))
		for _, r := range d.Fixed {
			fmt.Fprintf(w, "  %s  [%s]\n", safe(r.Fingerprint), r.State)
		}
	}
	for _, n := range d.NotChecked {
		fmt.Fprintln(w, t.dim.Render("not checked: "+safe(n)))
	}
}
