package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/awspull"
	"github.com/vpcscope/vpcscope/ui"
)

// newExploreCmd is the explorer, the terminal UI (also what vpcscope runs
// with no subcommand).
func newExploreCmd(g *globalOptions, s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "explore",
		Short: "Browse the network and trace traffic in a terminal UI",
		Long: `explore opens the terminal UI: an overview, a tree of VPCs and subnets,
tables of every resource kind, the detail of any resource with its rules and
relations, and traces that show hop by hop why A can or cannot reach B — and
which rule to change (try it in memory with what-if). Press ? for the keys.`,
		Example: `  vpcscope --demo
  vpcscope explore --snapshot prod.json --mouse`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runExplorer(cmd.Context(), g, s)
		},
	}
}

// runExplorer starts the terminal UI; without a source it prints the
// guide to the three sources instead. A snapshot file or the demo is read
// before the UI starts (errors then print like any command's); a live pull
// runs inside the UI, which shows its progress.
func runExplorer(ctx context.Context, g *globalOptions, s streams) error {
	if !g.sourceGiven() {
		return printSourcesGuide(s.out)
	}
	out, ok := s.out.(*os.File)
	if !ok || !term.IsTerminal(out.Fd()) {
		return usagef("the explorer needs a terminal; for scripts use inspect, reach, who-can-reach or exposure")
	}
	opts := ui.Options{
		NoColor: g.noColor || os.Getenv("NO_COLOR") != "",
		Mouse:   g.mouse,
		Output:  out,
	}
	if in, ok := s.in.(*os.File); ok {
		opts.Input = in
	}
	// The UI owns the screen while a loader runs: warnings are not
	// printed, and errors reach the UI as one line.
	quiet := streams{in: s.in, out: discard{}, err: discard{}}
	switch {
	case g.liveRequested() && !g.demo && g.snapshot == "":
		opts.Source = "aws"
		opts.Loader = func(ctx context.Context, progress func(string)) (*model.Snapshot, error) {
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
		}
	case g.snapshot != "" && !g.demo:
		// Read the file inside the UI, so a big snapshot shows a loading
		// screen at once instead of a silent terminal; a path that does not
		// exist still fails here, with a one-line error.
		st, err := os.Stat(g.snapshot)
		if err != nil {
			return usagef("read snapshot: %v", err)
		}
		path := g.snapshot
		if _, err := g.readOptions(); err != nil {
			return err
		}
		opts.Source = filepath.Base(path)
		opts.Loader = func(ctx context.Context, progress func(string)) (*model.Snapshot, error) {
			what := "the folder of AWS CLI outputs"
			if !st.IsDir() {
				what = fmt.Sprintf("the snapshot file (%.1f MB)", float64(st.Size())/1e6)
			}
			progress("reading " + what + " " + path)
			snap, _, err := g.open(ctx, quiet, openOptions{})
			return snap, err
		}
	default:
		snap, err := g.load(ctx, s)
		if err != nil {
			return err
		}
		opts.Source = "demo"
		if g.snapshot != "" {
			opts.Source = filepath.Base(g.snapshot)
		}
		opts.Loader = ui.SnapshotLoader(snap)
	}
	return ui.Run(ctx, opts)
}

// discard swallows the live pull's stderr progress while the UI owns the
// screen.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
