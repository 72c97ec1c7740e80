package main

import (
	"context"
	"errors"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/vpcscope/vpcscope/model"
)

// liveOptions are the flags that pull the network live from AWS.
type liveOptions struct{}

// addLiveFlags registers the live-pull source flags on every command.
func (g *globalOptions) addLiveFlags(pf *pflag.FlagSet) {}

// liveRequested reports whether the flags ask for a live pull.
func (g *globalOptions) liveRequested() bool { return false }

// loadLive pulls the network from AWS.
func (g *globalOptions) loadLive(ctx context.Context, s streams) (*model.Snapshot, error) {
	return nil, errors.New("live pull is not built yet")
}

// newSnapshotCmd pulls the network from AWS and saves it.
func newSnapshotCmd(g *globalOptions, s streams) *cobra.Command {
	return &cobra.Command{
		Use:    "snapshot",
		Short:  "Pull the network from AWS and save it as a snapshot file",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("live pull is not built yet")
		},
	}
}
