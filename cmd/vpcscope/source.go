package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/awspull"
	"github.com/vpcscope/vpcscope/model/snapfile"
)

// maxListedProblems bounds the validation errors listed on stderr before a
// load fails; the error line gives the total.
const maxListedProblems = 20

// snapshotFor is every command's first step: check -o, then load the
// network the flags name.
func (g *globalOptions) snapshotFor(cmd *cobra.Command, s streams) (*model.Snapshot, error) {
	if err := g.checkOutput(); err != nil {
		return nil, err
	}
	return g.load(cmd.Context(), s)
}

// load reads and validates the network the flags name. Notes from an
// import or from validation are printed as warnings on stderr (with -o
// text) so stdout stays clean for scripts.
func (g *globalOptions) load(ctx context.Context, s streams) (*model.Snapshot, error) {
	snap, _, err := g.open(ctx, s, openOptions{})
	return snap, err
}

// openOptions say how open reads beyond what the flags say.
type openOptions struct {
	// observe, when not nil, gets every live-pull progress event, for a
	// caller with its own display.
	observe func(awspull.Event)
	// live pulls from AWS even when no live flag is given (the snapshot
	// command, which may rely on AWS_PROFILE and AWS_REGION alone).
	live bool
}

// open is the one place every source passes through — the demo, a
// snapshot file, a folder of AWS CLI outputs and a live pull, for every
// command and the explorer: it reads the network and validates it with
// model.Validate. A value AWS cannot return fails the load with exit 2
// (the errors listed on stderr one per line when there are several); the
// notes are returned, and counted in a warning for a file, folder or live
// source with -o text; a preloaded network (the MCP server's) is returned
// as it is, read and validated once. The demo's notes are the broken fixture's
// deliberate dangling references and are not announced.
func (g *globalOptions) open(ctx context.Context, s streams, o openOptions) (*model.Snapshot, model.Problems, error) {
	if p := g.preloaded; p != nil {
		g.importNotes = p.notes
		return p.snap, nil, nil
	}
	snap, name, err := g.read(ctx, s, o)
	if err != nil {
		return nil, nil, err
	}
	if g.planFile != "" {
		if name == planOnly {
			snap = nil
		}
		if snap, err = g.applyPlanFlag(snap); err != nil {
			return nil, nil, err
		}
	}
	notes, err := g.validate(s, name, snap)
	if err != nil {
		return nil, nil, err
	}
	return snap, notes, nil
}

// validate checks a loaded snapshot (model.Validate): values AWS cannot
// return end the load with a usage error; notes are warned about.
func (g *globalOptions) validate(s streams, name string, snap *model.Snapshot) (model.Problems, error) {
	problems := model.Validate(snap)
	if errs := problems.Errors(); len(errs) > 0 {
		return nil, invalidSnapshot(s, name, errs)
	}
	notes := problems.Notes()
	switch {
	case g.notes:
		for _, n := range notes {
			fmt.Fprintln(s.err, "vpcscope: note: "+safe(n.String()))
		}
	case len(notes) > 0 && g.output == "text" && !g.demo:
		warnf(s, "%s: %s from validation (--notes lists them); first: %s", name, count(len(notes), "note"), notes[0])
	}
	return notes, nil
}

// invalidSnapshot lists the validation errors on stderr when there are
// several and returns the one-line usage error that ends the load.
func invalidSnapshot(s streams, name string, errs model.Problems) error {
	if len(errs) == 1 {
		return usagef("%s: %v", name, errs.Err())
	}
	for i, p := range errs {
		if i == maxListedProblems {
			break
		}
		fmt.Fprintf(s.err, "vpcscope: %s: %s\n", name, p)
	}
	listed := "listed above"
	if len(errs) > maxListedProblems {
		listed = fmt.Sprintf("the first %d listed above", maxListedProblems)
	}
	return usagef("%s: %d values AWS cannot return (%s); fix them or take the snapshot again", name, len(errs), listed)
}

// planOnly names the source when --plan alone names the network.
const planOnly = "the plan alone"

// read loads the network the flags name, unvalidated, and names its
// source for messages.
func (g *globalOptions) read(ctx context.Context, s streams, o openOptions) (*model.Snapshot, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	live := o.live || g.liveRequested()
	switch {
	case g.demo && g.snapshot != "", (g.demo || g.snapshot != "") && live:
		return nil, "", usagef("choose one source: --demo, --snapshot, or a live pull (--profile/--region)")
	case live:
		snap, err := g.pullLive(ctx, s, o.observe)
		return snap, "live pull", err
	case g.demo:
		snap, err := fixtures.Demo()
		if err != nil {
			return nil, "", fmt.Errorf("load demo account: %w", err)
		}
		return snap, "demo", nil
	case g.snapshot != "":
		snap, err := g.readPath(ctx, s, g.snapshot)
		return snap, g.snapshot, err
	}
	if g.planFile != "" {
		return nil, planOnly, nil
	}
	return nil, "", usagef("no network to look at: pass --demo or --snapshot PATH, or pull live with --profile/--region (vpcscope alone explains them)")
}

// readPath reads a snapshot file or a folder of AWS CLI outputs, as
// --snapshot names one, unvalidated.
func (g *globalOptions) readPath(ctx context.Context, s streams, path string) (*model.Snapshot, error) {
	opts, err := g.readOptions()
	if err != nil {
		return nil, err
	}
	snap, notes, err := snapfile.Read(ctx, path, opts)
	if err != nil {
		return nil, readError(ctx, err)
	}
	g.importNotes = notes
	g.printNotesOf(s, path, notes)
	for _, gap := range snap.Gaps {
		warnf(s, "%s", gap)
	}
	return snap, nil
}

// openPath reads and validates a snapshot file or folder named on the
// command line (diff's OLD and NEW), as open does for --snapshot.
func (g *globalOptions) openPath(ctx context.Context, s streams, path string) (*model.Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	snap, err := g.readPath(ctx, s, path)
	if err != nil {
		return nil, err
	}
	if _, err := g.validate(s, path, snap); err != nil {
		return nil, err
	}
	return snap, nil
}

// readError classifies an error of reading --snapshot: an interrupt is a
// failure (exit 3), anything else bad input (exit 2) that keeps its
// structure, so that every bad file prints on its own line.
func readError(ctx context.Context, err error) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("read snapshot: %w", ctx.Err())
	case errors.Is(err, snapfile.ErrTooLarge):
		return &usageError{msg: err.Error() + "; raise the limit with --max-input-size", err: err}
	}
	return &usageError{msg: err.Error(), err: err}
}

// printNotesOf tells about the notes of importing path on stderr: every
// one with --notes, else (with -o text) how many there are and how to see
// them.
func (g *globalOptions) printNotesOf(s streams, path string, notes snapfile.Notes) {
	if g.notes {
		for _, n := range notes.Lines {
			fmt.Fprintln(s.err, "vpcscope: note: "+n)
		}
		return
	}
	if len(notes.Lines) == 0 || g.output != "text" {
		return
	}
	skipped := ""
	if notes.Skipped > 0 {
		skipped = count(notes.Skipped, "file") + " skipped, "
	}
	warnf(s, "%s: %s%s from the import; --notes lists them", path, skipped, count(len(notes.Lines), "note"))
}

// readOptions returns the limits --max-input-size sets: each file and all
// files together.
func (g *globalOptions) readOptions() (snapfile.ReadOptions, error) {
	if g.maxInputSize == "" {
		return snapfile.ReadOptions{}, nil
	}
	n, err := parseSize(g.maxInputSize)
	if err != nil {
		return snapfile.ReadOptions{}, usagef("--max-input-size %s: %v", g.maxInputSize, err)
	}
	return snapfile.ReadOptions{MaxFileSize: n, MaxTotalSize: n}, nil
}

// parseSize reads a size: a number of bytes, with an optional unit K, M, G
// or T (KiB, MiB, ... : powers of 1024; KB, MB, ...: powers of 1000).
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	num := strings.TrimRightFunc(t, func(r rune) bool { return r < '0' || r > '9' })
	if num == "" {
		return 0, errors.New("want a size such as 4GiB, 500MB or 1073741824")
	}
	unit := strings.ToUpper(strings.TrimSpace(t[len(num):]))
	mult := int64(1)
	if unit != "" && unit != "B" {
		pos := strings.IndexByte("KMGT", unit[0])
		rest := unit[1:]
		if pos < 0 || (rest != "" && rest != "B" && rest != "IB") {
			return 0, fmt.Errorf("unknown unit %q: want B, KiB, MiB, GiB, TiB, KB, MB, GB or TB", t[len(num):])
		}
		base := int64(1024)
		if rest == "B" {
			base = 1000
		}
		for range pos + 1 {
			mult *= base
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, errors.New("want a positive size no larger than 4 EiB")
	}
	return n * mult, nil
}
