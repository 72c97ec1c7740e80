package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/awspull"
	"github.com/vpcscope/vpcscope/model/flowlog"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/audit"
	"github.com/vpcscope/vpcscope/reach/flowexplain"
)

// maxListed bounds the flows, rules and problems text output lists.
const maxListed = 20

// flowLogFlags say where flow logs come from besides the SOURCE arguments.
type flowLogFlags struct {
	format        string
	logGroup      string
	since         time.Duration
	filterPattern string
}

func (f *flowLogFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.format, "format", "", "the fields of records without a header line (CloudWatch Logs, headerless files): the flow log's LogFormat, like \"${version} ${interface-id} ...\" (default: the version 2 format)")
	fs.StringVar(&f.logGroup, "log-group", "", "read the records of this CloudWatch Logs group live (FilterLogEvents), with the profile and region of --profile/--region or AWS_PROFILE/AWS_REGION")
	fs.DurationVar(&f.since, "since", time.Hour, "with --log-group: read the events of this long ago until now")
	fs.StringVar(&f.filterPattern, "filter-pattern", "", "with --log-group: only the events matching this CloudWatch Logs filter pattern (e.g. REJECT)")
}

// readFlowLogs reads every source — files and folders, s3://bucket/prefix
// URLs and the --log-group — into a collector, warning about each
// malformed line and unreadable file (the first maxListed of them).
func (g *globalOptions) readFlowLogs(ctx context.Context, s streams, f *flowLogFlags, sources []string) (*flowexplain.Collector, flowlog.Stats, error) {
	var stats flowlog.Stats
	if len(sources) == 0 && f.logGroup == "" {
		return nil, stats, usagef("no flow logs: name files, folders or s3://bucket/prefix URLs, or pass --log-group")
	}
	opts := flowlog.Options{}
	if f.format != "" {
		format, err := flowlog.ParseFormat(f.format)
		if err != nil {
			return nil, stats, usagef("--format: %v", err)
		}
		opts.Format = format
	}
	warned := 0
	opts.OnError = func(err error) {
		if warned++; warned <= maxListed {
			warnf(s, "%s", oneLine(err.Error()))
		}
	}
	c := flowexplain.NewCollector()
	sc := flowlog.NewScanner(opts, c.Add)
	lo := awspull.LogOptions{EndpointURL: g.live.endpointURL}
	if len(g.live.profiles) > 0 {
		lo.Profile = g.live.profiles[0]
	}
	if len(g.live.regions) > 0 {
		lo.Region = g.live.regions[0]
	}
	var files []string
	for _, src := range sources {
		if !strings.HasPrefix(src, "s3://") {
			files = append(files, src)
			continue
		}
		if err := awspull.ReadS3(ctx, lo, src, func(name string, body io.Reader) error {
			return sc.Stream(ctx, name, body)
		}); err != nil {
			return nil, stats, fmt.Errorf("read flow logs: %w", err)
		}
	}
	if err := sc.Paths(ctx, files...); err != nil {
		return nil, stats, fmt.Errorf("read flow logs: %w", err)
	}
	if f.logGroup != "" {
		if f.since <= 0 {
			return nil, stats, usagef("--since %s: want a positive duration, like 1h or 30m", f.since)
		}
		sc.BeginSource()
		var n int64
		name := "log group " + f.logGroup
		if err := awspull.ReadLogGroup(ctx, lo, f.logGroup, time.Now().Add(-f.since), f.filterPattern, func(ev awspull.LogEvent) error {
			n++
			return sc.Message(name, n, []byte(ev.Message))
		}); err != nil {
			return nil, stats, fmt.Errorf("read flow logs: %w", err)
		}
	}
	stats = sc.Stats()
	if warned > maxListed {
		warnf(s, "%d more problems not listed", warned-maxListed)
	}
	return c, stats, nil
}

// skippedError reports malformed lines and unreadable files after the
// output: the run went on, and the exit status says it skipped some.
func skippedError(st flowlog.Stats) error {
	if st.Malformed == 0 && st.BadFiles == 0 {
		return nil
	}
	return usagef("skipped %s and %s of flow logs (listed above)", count(int(st.Malformed), "malformed line"), count(st.BadFiles, "unreadable file"))
}

func newFlowLogsCmd(g *globalOptions, s streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "flowlogs",
		Short: "Explain VPC Flow Logs with the configuration",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newFlowLogsExplainCmd(g, s))
	return cmd
}

func newFlowLogsExplainCmd(g *globalOptions, s streams) *cobra.Command {
	var f flowLogFlags
	cmd := &cobra.Command{
		Use:   "explain SOURCE…",
		Short: "Name the rule behind every rejected flow-log record, and flag the records the configuration cannot explain",
		Long: `explain reads VPC Flow Logs — files or folders (plain or gzip text with or
without a header line, Parquet, CloudWatch Logs exports; folders such as the
S3 layout AWSLogs/<account>/vpcflowlogs/<region>/… are read recursively),
s3://bucket/prefix URLs, or a CloudWatch Logs group with --log-group — groups
the records into flows and judges each flow where it was captured, at its
interface and in its direction, with the engine:

  agrees     a REJECT the engine blocks there (the security group or network
             ACL rule is named), or an ACCEPT it lets through;
  disagrees  a REJECT the engine would now accept, or an ACCEPT it would
             block: the configuration changed since, or the model is wrong;
  unknown    the snapshot lacks what is needed (the interface, a gap).

NODATA and SKIPDATA records are counted, not explained. A malformed line is
reported with its file and line and skipped; the exit status is then 2.`,
		Example: `  vpcscope flowlogs explain --demo flows.log
  vpcscope flowlogs explain --snapshot prod.json ./AWSLogs/ -o json
  vpcscope flowlogs explain --snapshot prod.json s3://flow-bucket/AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/01/05/
  AWS_REGION=us-east-1 vpcscope flowlogs explain --snapshot prod.json --log-group vpc-flow-logs --since 2h --filter-pattern REJECT`,
		RunE: func(cmd *cobra.Command, args []string) error {
			snap, err := g.snapshotFor(cmd, s)
			if err != nil {
				return err
			}
			c, stats, err := g.readFlowLogs(cmd.Context(), s, &f, args)
			if err != nil {
				return err
			}
			rep := flowexplain.Explain(g.engine(snap), c, stats)
			if g.output == "json" {
				if err := writeJSON(s.out, rep); err != nil {
					return err
				}
			} else {
				printFlowReport(s.out, newTextRenderer(g.renderer(s)), rep, stats)
			}
			return skippedError(stats)
		},
	}
	f.register(cmd)
	return cmd
}

// thousands renders 3118 as "3,118".
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// countN renders "1 record", "3,118 records".
func countN(n int64, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return thousands(n) + " " + what + "s"
}

// printFlowReport prints the explanation for people: the counts, the
// rejected traffic grouped by the rule that rejects it, then every
// disagreement and unknown flow (the first maxListed of each).
//
// TODO(sanitize): names, rules and reasons come from the snapshot and the
// logs; pass them through the project's terminal sanitizer once main has
// one.
func printFlowReport(w io.Writer, t *textRenderer, rep *flowexplain.Report, st flowlog.Stats) {
	sk := rep.Skipped
	line := fmt.Sprintf("%s in %s", countN(rep.Records, "record"), countN(int64(st.Files), "source"))
	var extra []string
	if sk.NoData > 0 || sk.SkipData > 0 {
		extra = append(extra, fmt.Sprintf("%s NODATA and %s SKIPDATA counted", thousands(sk.NoData), thousands(sk.SkipData)))
	}
	if sk.Malformed > 0 || sk.BadFiles > 0 {
		extra = append(extra, fmt.Sprintf("%s and %s skipped", countN(sk.Malformed, "malformed line"), countN(int64(sk.BadFiles), "unreadable file")))
	}
	if len(extra) > 0 {
		line += " (" + strings.Join(extra, "; ") + ")"
	}
	fmt.Fprintf(w, "%s\n", t.bold.Render(fmt.Sprintf("%s → %s, %s to the engine", line, countN(int64(len(rep.Flows)), "flow"), countN(int64(rep.Questions), "question"))))
	by := rep.Summary.ByAgreement
	fmt.Fprintf(w, "%s · %s · %s\n\n",
		t.ok.Render(fmt.Sprintf("✓ %s agree (%s)", thousands(int64(by[flowexplain.Agrees].Flows)), countN(by[flowexplain.Agrees].Records, "record"))),
		t.bad.Render(fmt.Sprintf("✗ %s disagree (%s)", thousands(int64(by[flowexplain.Disagrees].Flows)), countN(by[flowexplain.Disagrees].Records, "record"))),
		t.unknown.Render(fmt.Sprintf("? %s unknown (%s)", thousands(int64(by[flowexplain.Unknown].Flows)), countN(by[flowexplain.Unknown].Records, "record"))))
	if len(rep.Summary.ByRule) > 0 {
		fmt.Fprintln(w, t.head.Render("Rejected traffic, by the rule that rejects it"))
		for i, r := range rep.Summary.ByRule {
			if i == maxListed {
				fmt.Fprintln(w, t.dim.Render(fmt.Sprintf("  … and %d more rules (-o json lists them all)", len(rep.Summary.ByRule)-i)))
				break
			}
			who := r.Resource
			if r.Name != "" {
				who += " (" + r.Name + ")"
			}
			fmt.Fprintf(w, "  %s: %s from %s to %s\n", t.bad.Render(who), countN(r.Records, "record"),
				flowexplain.Describe(r.Sources), flowexplain.Describe(r.Destinations))
			how := fmt.Sprintf("%s %s: %s", r.Layer, r.Stage, r.Rule)
			if r.Code != "" {
				how += " [" + string(r.Code) + "]"
			}
			if r.Direction == reach.DirReturn {
				how += ", on the reply"
			}
			fmt.Fprintln(w, t.dim.Render("      "+how))
		}
		fmt.Fprintln(w)
	}
	for _, sec := range []struct {
		a     flowexplain.Agreement
		title string
		mark  string
	}{{flowexplain.Disagrees, "Disagreements: records the configuration does not explain", "✗"},
		{flowexplain.Unknown, "Unknown: the snapshot lacks what is needed", "?"}} {
		var fs []*flowexplain.Flow
		for i := range rep.Flows {
			if rep.Flows[i].Agreement == sec.a {
				fs = append(fs, &rep.Flows[i])
			}
		}
		if len(fs) == 0 {
			continue
		}
		style := t.bad
		if sec.a == flowexplain.Unknown {
			style = t.unknown
		}
		fmt.Fprintln(w, t.head.Render(sec.title))
		for i, f := range fs {
			if i == maxListed {
				fmt.Fprintln(w, t.dim.Render(fmt.Sprintf("  … and %d more (-o json lists them all)", len(fs)-i)))
				break
			}
			fmt.Fprintf(w, "  %s %s\n", style.Render(sec.mark), flowLine(f))
			fmt.Fprintf(w, "      %s\n", f.Reason)
		}
		fmt.Fprintln(w)
	}
}

// flowLine renders a flow in one line: "eni-… ingress REJECT tcp
// 203.0.113.5:40001 → 10.0.1.5:22, 12 records (reply)".
func flowLine(f *flowexplain.Flow) string {
	end := func(a fmt.Stringer, port int) string {
		if f.Protocol == "tcp" || f.Protocol == "udp" {
			return a.String() + ":" + strconv.Itoa(port)
		}
		return a.String()
	}
	dir := f.Direction
	if dir == "" {
		dir = "?"
	}
	s := fmt.Sprintf("%s %s %s %s %s → %s, %s", f.Interface, dir, f.Action, f.Protocol, end(f.Src, f.SrcPort), end(f.Dst, f.DstPort), countN(f.Records, "record"))
	if f.Reply {
		s += " (reply)"
	}
	return s
}

// recordedTraffic turns the explained flows into what the audit cites:
// accepted requests from the internet arriving at an interface.
func recordedTraffic(rep *flowexplain.Report) []audit.Traffic {
	type key struct {
		eni   string
		proto string
		port  int
	}
	sums := map[key]*audit.Traffic{}
	var order []key
	for _, f := range rep.Flows {
		if f.Direction != "ingress" || f.Reply || !f.FromInternet || f.Action != "ACCEPT" || f.Answer == nil {
			continue
		}
		k := key{f.Interface, f.Protocol, f.DstPort}
		t := sums[k]
		if t == nil {
			t = &audit.Traffic{Interface: f.Interface, Port: f.DstPort}
			if p, err := model.ParseProtocol(f.Protocol); err == nil {
				t.Protocol = p
			}
			sums[k] = t
			order = append(order, k)
		}
		t.Records += f.Records
		t.Packets += f.Packets
	}
	out := make([]audit.Traffic, 0, len(order))
	for _, k := range order {
		out = append(out, *sums[k])
	}
	return out
}
