package main

import (
	"context"
	"errors"

	"github.com/spf13/cobra"
)

// newExploreCmd is the explorer, the terminal UI (also what vpcscope runs
// with no subcommand).
func newExploreCmd(g *globalOptions, s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "explore",
		Short: "Browse the network and trace traffic in a terminal UI",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runExplorer(cmd.Context(), g, s)
		},
	}
}

// runExplorer starts the terminal UI.
func runExplorer(ctx context.Context, g *globalOptions, s streams) error {
	return errors.New("the explorer is not built yet; use inspect, reach, who-can-reach or exposure")
}
