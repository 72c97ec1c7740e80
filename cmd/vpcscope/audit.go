package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/reach/audit"
	"github.com/vpcscope/vpcscope/reach/flowexplain"
)

// errFindings tells main that audit --fail found something.
var errFindings = fmt.Errorf("%w: the audit has findings", errUnreachable)

func newAuditCmd(g *globalOptions, s streams) *cobra.Command {
	var fail bool
	var minSeverity string
	var flowLogs []string
	cmd := &cobra.Command{
		Use:   "audit [--fail] [--severity high|medium|low] [--flowlogs FILE]…",
		Short: "Check the network against CIS and AWS Security Hub network controls",
		Long: `audit checks the network against the EC2 network controls of AWS Foundational
Security Best Practices (Security Hub) and the CIS AWS Foundations Benchmark —
default security groups with rules, SSH/RDP and high-risk ports open to the
world, network ACLs open on 22/3389, public IPs, unused groups and ACLs,
peering routes wider than the peer, VPCs without a flow log — plus blackhole
routes and stale group references. A rule open to the world is a high finding
when the engine finds an interface the internet actually reaches through it;
with --flowlogs, the finding also cites the internet traffic the logs recorded
through it.

Exit status with --fail: 1 when there are findings at or above --severity.`,
		Example: `  vpcscope audit --demo
  vpcscope audit --demo --severity high --fail
  vpcscope audit --snapshot prod.json -o json
  vpcscope audit --snapshot prod.json --flowlogs ./AWSLogs/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			min, err := parseSeverity(minSeverity)
			if err != nil {
				return err
			}
			snap, err := g.snapshotFor(cmd, s)
			if err != nil {
				return err
			}
			e := g.engine(snap)
			opts := audit.Options{}
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
				if rankOf(f.Severity) <= rankOf(min) {
					kept = append(kept, f)
				}
			}
			rep.Findings = kept
			if g.output == "json" {
				if err := writeJSON(s.out, rep); err != nil {
					return err
				}
			} else {
				printAudit(s, g, rep)
			}
			if skipped != nil {
				return skipped
			}
			if fail && len(rep.Findings) > 0 {
				return errFindings
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&fail, "fail", false, "exit 1 when there are findings (for CI)")
	cmd.Flags().StringVar(&minSeverity, "severity", "low", "report findings at or above this severity: high, medium or low")
	cmd.Flags().StringArrayVar(&flowLogs, "flowlogs", nil, "flow-log files, folders or s3://bucket/prefix URLs: findings about rules open to the world cite the internet traffic recorded through them (repeatable)")
	return cmd
}

func parseSeverity(s string) (audit.Severity, error) {
	switch audit.Severity(s) {
	case audit.High, audit.Medium, audit.Low:
		return audit.Severity(s), nil
	}
	return "", usagef("--severity %s: want high, medium or low", s)
}

func rankOf(s audit.Severity) int {
	switch s {
	case audit.High:
		return 0
	case audit.Medium:
		return 1
	}
	return 2
}

func printAudit(s streams, g *globalOptions, rep *audit.Report) {
	w, t := g.text(s)
	c := rep.Counts()
	fmt.Fprintf(w, "%s\n\n", t.bold.Render(fmt.Sprintf("%s: %d high, %d medium, %d low",
		count(len(rep.Findings), "finding"), c[audit.High], c[audit.Medium], c[audit.Low])))
	controlsWidth := 0
	for _, f := range rep.Findings {
		controlsWidth = max(controlsWidth, len(strings.Join(f.Controls, ",")))
	}
	for _, f := range rep.Findings {
		style := t.dim
		switch f.Severity {
		case audit.High:
			style = t.bad
		case audit.Medium:
			style = t.unknown
		}
		who := f.Resource
		if f.Name != "" {
			who = f.Name + " (" + f.Resource + ")"
		}
		fmt.Fprintf(w, "%s %-*s %s\n", style.Render(fmt.Sprintf("%-6s", f.Severity)), controlsWidth, strings.Join(f.Controls, ","), safe(who))
		fmt.Fprintf(w, "       %s\n", safe(f.Message))
		for _, x := range f.Exposed {
			fmt.Fprintf(w, "       %s\n", t.bad.Render("exposed: "+safe(x)))
		}
		if len(f.ControlRefs) > 0 {
			ref := f.ControlRefs[0]
			line := ref.ID + ": " + ref.Title
			if len(ref.Also) > 0 {
				line += " (" + strings.Join(ref.Also, ", ") + ")"
			}
			fmt.Fprintf(w, "       %s\n", t.dim.Render(line))
		}
	}
	for _, n := range rep.NotChecked {
		fmt.Fprintln(w, t.dim.Render("not checked: "+n))
	}
}
