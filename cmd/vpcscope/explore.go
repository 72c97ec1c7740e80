package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/awspull"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/audit/review"
	"github.com/vpcscope/vpcscope/ui"
)

// newExploreCmd is the explorer, the terminal UI (also what vpcscope runs
// with no subcommand).
func newExploreCmd(g *globalOptions, s streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "explore",
		Short: "Browse the network and trace traffic in a terminal UI",
		Long: `explore opens the terminal UI: an overview, a tree of VPCs and subnets,
tables of every resource kind, the detail of any resource with its rules and
relations, and traces that show hop by hop why A can or cannot reach B — and
which rule to change (try it in memory with what-if). Press ? for the keys.`,
		Example: `  vpcscope --demo
  vpcscope explore --snapshot prod.json --mouse
  vpcscope --snapshot prod.json --flowlogs ./AWSLogs/
  vpcscope --snapshot last-week.json --compare today.json
  vpcscope --demo --onprem datacenter=10.200.0.0/16`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runExplorer(cmd.Context(), g, s)
		},
	}
	addReviewFlag(cmd, g)
	g.explore.register(cmd)
	return cmd
}

// addReviewFlag adds the explorer's --review to the command that opens it.
func addReviewFlag(cmd *cobra.Command, g *globalOptions) {
	cmd.Flags().StringVar(&g.review, "review", "", "the Audit view's review file (default: beside the snapshot, \"SNAPSHOT.review.json\"; with --demo vpcscope-demo.review.json in the current folder)")
}

// reviewPath is the Audit view's review file: --review, else beside the
// snapshot (review.DefaultPath), else for the demo or a live pull a file in
// the current folder.
func reviewPath(g *globalOptions) string {
	switch {
	case g.review != "":
		return g.review
	case g.snapshot != "" && !g.demo:
		return review.DefaultPath(g.snapshot)
	case g.demo:
		return review.DefaultPath("")
	}
	return "vpcscope-live.review.json"
}

// exploreFlags are the explorer's own flags, on the root command and on
// explore.
type exploreFlags struct {
	flowLogs string
	compare  string
	onprem   onPremOptions
}

func (f *exploreFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.flowLogs, "flowlogs", "", "explorer: read this file or folder of VPC Flow Logs into the flow-log view (key 8) at start")
	fs.StringVar(&f.compare, "compare", "", "explorer: with --snapshot OLD, show NEW (a snapshot file or folder of AWS CLI outputs) compared with OLD: changes marked, the diff view (key 0)")
	addOnPremFlags(cmd, &f.onprem)
}

// check validates the explorer's flags: a one-line usage error (exit 2).
func (f *exploreFlags) check(g *globalOptions) error {
	nets, err := f.onprem.networks()
	if err != nil {
		return err
	}
	if _, err := new(reach.Engine).WithOnPrem(nets); err != nil {
		return usagef("%v", err)
	}
	if f.flowLogs != "" {
		if _, err := os.Stat(f.flowLogs); err != nil {
			return usagef("--flowlogs: %v", err)
		}
	}
	if f.compare != "" {
		if !g.demo && g.snapshot == "" {
			return usagef("--compare NEW needs the older network: --snapshot OLD (or --demo)")
		}
		if _, err := os.Stat(f.compare); err != nil {
			return usagef("--compare: %v", err)
		}
	}
	return nil
}

// apply sets the explorer's flags (checked) on the options; with
// --compare the network shown is NEW and OLD (the source the other flags
// name) loads beside it.
func (f *exploreFlags) apply(ctx context.Context, g *globalOptions, s streams, opts *ui.Options) error {
	nets, err := f.onprem.networks()
	if err != nil {
		return err
	}
	opts.OnPrem, opts.FlowLogs = nets, f.flowLogs
	if f.compare == "" {
		return nil
	}
	oldName, oldLoad, err := explorerSource(ctx, g, s, false)
	if err != nil {
		return err
	}
	cur := *g
	cur.demo, cur.snapshot = false, f.compare
	name, load, err := explorerSource(ctx, &cur, s, true)
	if err != nil {
		return err
	}
	opts.Source, opts.Loader, opts.Compare, opts.CompareSource = name, load, oldLoad, oldName
	return nil
}

// runExplorer starts the terminal UI; without a source it prints the
// guide to the three sources instead. A snapshot file or the demo is read
// before the UI starts (errors then print like any command's); a live pull
// runs inside the UI, which shows its progress. The UI can switch to
// another profile, region or snapshot file (:ctx) through a switcher, and
// reload the source (R).
func runExplorer(ctx context.Context, g *globalOptions, s streams) error {
	if !g.sourceGiven() {
		return printSourcesGuide(s.out)
	}
	if err := g.explore.check(g); err != nil {
		return err // a bad flag says so before anything else
	}
	out, ok := s.out.(*os.File)
	if !ok || !term.IsTerminal(out.Fd()) {
		return usagef("the explorer needs a terminal; for scripts use inspect, reach, who-can-reach or exposure")
	}
	opts := ui.Options{
		NoColor:    g.noColor || os.Getenv("NO_COLOR") != "",
		Mouse:      g.mouse,
		Output:     out,
		Switcher:   &switcher{g: g, s: s},
		ReviewPath: reviewPath(g),
	}
	if in, ok := s.in.(*os.File); ok {
		opts.Input = in
	}
	name, load, err := explorerSource(ctx, g, s, true)
	if err != nil {
		return err
	}
	if g.planFile != "" {
		name += " + planned by " + filepath.Base(g.planFile) // the network the plan would leave
	}
	opts.Source, opts.Loader = name, load
	if err := g.explore.apply(ctx, g, s, &opts); err != nil {
		return err
	}
	return ui.Run(ctx, opts)
}

// explorerSource names the source the flags select and returns its
// loader. A live pull and a snapshot file are read inside the UI (a big
// file shows a loading screen at once); the demo, and with eager a file
// that does not exist, fail here with a one-line error.
func explorerSource(ctx context.Context, g *globalOptions, s streams, eager bool) (string, ui.Loader, error) {
	// The UI owns the screen while a loader runs: warnings are not
	// printed, and errors reach the UI as one line.
	quiet := streams{in: s.in, out: discard{}, err: discard{}}
	switch {
	case g.liveRequested() && !g.demo && g.snapshot == "":
		name := "aws"
		if len(g.live.profiles) > 0 {
			name += " " + strings.Join(g.live.profiles, "+")
		}
		if len(g.live.regions) > 0 {
			name += " " + strings.Join(g.live.regions, ",")
		}
		return name, func(ctx context.Context, progress func(string)) (*model.Snapshot, error) {
			progress("pulling the network from AWS…")
			// The UI owns the screen: the pull's own progress printer is
			// silenced and its events feed the UI's progress line instead.
			shown := newProgressPrinter(discard{}, true)
			snap, _, err := g.open(ctx, quiet, openOptions{observe: func(e awspull.Event) {
				shown.tally.Add(e)
				if now := time.Now(); e.Done || now.Sub(shown.drawn) >= 100*time.Millisecond {
					shown.drawn = now
					progress(shown.line())
				}
			}})
			return snap, err
		}, nil
	case g.snapshot != "" && !g.demo:
		st, err := os.Stat(g.snapshot)
		if err != nil {
			return "", nil, usagef("read snapshot: %v", err)
		}
		path := g.snapshot
		if _, err := g.readOptions(); err != nil {
			return "", nil, err
		}
		return filepath.Base(path), func(ctx context.Context, progress func(string)) (*model.Snapshot, error) {
			what := "the folder of AWS CLI outputs"
			if !st.IsDir() {
				what = fmt.Sprintf("the snapshot file (%.1f MB)", float64(st.Size())/1e6)
			}
			progress("reading " + what + " " + path)
			snap, _, err := g.open(ctx, quiet, openOptions{})
			return snap, err
		}, nil
	case !eager:
		return "demo", func(ctx context.Context, progress func(string)) (*model.Snapshot, error) {
			progress("reading the embedded demo account")
			snap, _, err := g.open(ctx, quiet, openOptions{})
			return snap, err
		}, nil
	}
	snap, err := g.load(ctx, s)
	if err != nil {
		return "", nil, err
	}
	name := "demo"
	if g.snapshot != "" {
		name = filepath.Base(g.snapshot)
	}
	return name, ui.SnapshotLoader(snap), nil
}

// switcher is the explorer's :ctx: the profiles of the AWS shared config
// files, the regions, the snapshot files beside the one in use and in the
// working directory, and the demo. A choice keeps the rest of the flags:
// a profile keeps the regions, a region the profiles.
type switcher struct {
	g *globalOptions
	s streams
}

// awsRegions are the commercial regions :ctx offers.
var awsRegions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ca-west-1", "mx-central-1",
	"sa-east-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1",
	"eu-south-1", "eu-south-2", "il-central-1", "me-south-1", "me-central-1", "af-south-1",
	"ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2",
	"ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7", "ap-northeast-1",
	"ap-northeast-2", "ap-northeast-3",
}

// maxSnapshotChoices bounds the files :ctx lists from one folder.
const maxSnapshotChoices = 50

// Choices implements ui.Switcher.
func (w *switcher) Choices(ctx context.Context) ([]ui.Choice, error) {
	g := w.g
	var out []ui.Choice
	live := g.liveRequested() && !g.demo && g.snapshot == ""
	profiles, err := awsProfiles()
	if err != nil {
		return nil, err
	}
	for _, p := range profiles {
		note := "from " + p.file
		if live && slices.Contains(g.live.profiles, p.name) {
			note = "in use"
		}
		out = append(out, ui.Choice{Kind: "profile", Value: p.name, Note: note})
	}
	for _, r := range awsRegions {
		note := ""
		if live && slices.Contains(g.live.regions, r) {
			note = "in use"
		}
		out = append(out, ui.Choice{Kind: "region", Value: r, Note: note})
	}
	dirs := []string{"."}
	if g.snapshot != "" {
		dirs = append([]string{filepath.Dir(g.snapshot)}, dirs...)
	}
	seen := map[string]bool{}
	for _, d := range dirs {
		files, _ := filepath.Glob(filepath.Join(d, "*.json"))
		slices.Sort(files)
		for i, f := range files {
			abs, _ := filepath.Abs(f)
			if i == maxSnapshotChoices || seen[abs] {
				continue
			}
			seen[abs] = true
			note := ""
			if g.snapshot != "" && sameFile(f, g.snapshot) {
				note = "in use"
			}
			out = append(out, ui.Choice{Kind: "snapshot", Value: f, Note: note})
		}
	}
	note := ""
	if g.demo {
		note = "in use"
	}
	out = append(out, ui.Choice{Kind: "demo", Value: "the embedded demo account", Note: note})
	return out, ctx.Err()
}

func sameFile(a, b string) bool {
	x, err1 := os.Stat(a)
	y, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(x, y)
}

// Switch implements ui.Switcher: the flags with the choice in place of
// the source they name.
func (w *switcher) Switch(c ui.Choice) (string, ui.Loader, error) {
	g := *w.g // a copy: the explorer may switch again from the original
	g.live.profiles = slices.Clone(g.live.profiles)
	g.live.regions = slices.Clone(g.live.regions)
	switch c.Kind {
	case "profile", "region":
		g.demo, g.snapshot = false, ""
		if c.Kind == "profile" {
			g.live.profiles = []string{c.Value}
		} else {
			g.live.regions, g.live.allRegions = []string{c.Value}, false
		}
		if len(g.live.profiles) == 0 && len(g.live.regions) == 0 {
			return "", nil, fmt.Errorf("choose a profile or a region")
		}
	case "snapshot":
		g.demo, g.snapshot, g.live = false, c.Value, liveOptions{workers: g.live.workers, callTimeout: g.live.callTimeout, headerTimeout: g.live.headerTimeout}
	case "demo":
		g.demo, g.snapshot, g.live = true, "", liveOptions{workers: g.live.workers, callTimeout: g.live.callTimeout, headerTimeout: g.live.headerTimeout}
	default:
		return "", nil, fmt.Errorf("unknown choice %q", c.Kind)
	}
	name, load, err := explorerSource(context.Background(), &g, w.s, false)
	if err != nil {
		return "", nil, err
	}
	*w.g = g // the next switch starts from here
	return name, load, nil
}

// discard swallows the live pull's stderr progress while the UI owns the
// screen.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
