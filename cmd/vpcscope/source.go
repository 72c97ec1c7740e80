package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/snapfile"
)

// snapshotFor is every command's first step: check -o, then load the
// network the flags name.
func (g *globalOptions) snapshotFor(cmd *cobra.Command, s streams) (*model.Snapshot, error) {
	if err := g.checkOutput(); err != nil {
		return nil, err
	}
	return g.load(cmd.Context(), s)
}

// load reads the network the flags name. Notes from an import are printed
// as warnings on stderr (with -o text) so stdout stays clean for scripts.
func (g *globalOptions) load(ctx context.Context, s streams) (*model.Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch {
	case g.demo && g.snapshot != "", (g.demo || g.snapshot != "") && g.liveRequested():
		return nil, usagef("choose one source: --demo, --snapshot, or a live pull (--profile/--region)")
	case g.liveRequested():
		return g.loadLive(ctx, s)
	case g.demo:
		snap, err := fixtures.Demo()
		if err != nil {
			return nil, fmt.Errorf("load demo account: %w", err)
		}
		return snap, nil
	case g.snapshot != "":
		snap, notes, err := snapfile.Read(g.snapshot)
		if err != nil {
			return nil, usagef("%s", err.Error())
		}
		if len(notes) > 0 && g.output == "text" {
			warnf(s, "%s: %d note(s) from the import; first: %s", g.snapshot, len(notes), notes[0])
		}
		for _, gap := range snap.Gaps {
			warnf(s, "%s", gap)
		}
		return snap, nil
	}
	return nil, usagef("no network to look at: pass --demo or --snapshot PATH")
}
