package main

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach/audit"
)

// Completion is bounded: a source that takes longer than completionBudget
// to read completes nothing, and at most maxCompletions candidates are
// offered (the shell filters them further as the user types).
const (
	completionBudget = 3 * time.Second
	maxCompletions   = 200
)

// registerCompletions teaches the shell completion the values of the flags
// and arguments that have a fixed set or come from the network: --from,
// --to and inspect's argument from the selected source, --protocol, -o and
// --severity from their lists.
func registerCompletions(root *cobra.Command, g *globalOptions) {
	_ = root.RegisterFlagCompletionFunc("output", func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		if cmd.Name() == "map" {
			return mapFormats, cobra.ShellCompDirectiveNoFileComp
		}
		return []string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp
	})
	protocols := cobra.FixedCompletions([]string{"tcp", "udp", "icmp", "icmpv6", "all"}, cobra.ShellCompDirectiveNoFileComp)
	severities := cobra.FixedCompletions([]string{string(audit.High), string(audit.Medium), string(audit.Low)}, cobra.ShellCompDirectiveNoFileComp)
	endpoints := func(cmd *cobra.Command, _ []string, typed string) ([]string, cobra.ShellCompDirective) {
		return g.completeNames(cmd.Context(), typed, endpointKinds, true), cobra.ShellCompDirectiveNoFileComp
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for name, fn := range map[string]cobra.CompletionFunc{"from": endpoints, "to": endpoints, "protocol": protocols, "severity": severities} {
			if c.LocalFlags().Lookup(name) != nil {
				_ = c.RegisterFlagCompletionFunc(name, fn)
			}
		}
		if c.Name() == "inspect" && c.ValidArgsFunction == nil {
			c.ValidArgsFunction = func(cmd *cobra.Command, args []string, typed string) ([]string, cobra.ShellCompDirective) {
				if len(args) > 0 {
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				return g.completeNames(cmd.Context(), typed, nil, false), cobra.ShellCompDirectiveNoFileComp
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// endpointKinds are the kinds --from and --to name.
var endpointKinds = []model.Kind{model.KindInstance, model.KindNetworkInterface, model.KindLoadBalancer, model.KindNATGateway}

// completeNames returns the Name tags and IDs of the source's resources
// (of the kinds given, or every kind) that start with typed, each with
// its kind and ID as the shell's description, at most maxCompletions;
// with internet, the word internet too. A live source is never pulled,
// and a source that fails to load completes nothing, silently.
func (g *globalOptions) completeNames(ctx context.Context, typed string, kinds []model.Kind, internet bool) []string {
	var out []string
	if internet && strings.HasPrefix("internet", strings.ToLower(typed)) {
		out = append(out, "internet\tany host outside the snapshot's VPCs")
	}
	snap := g.completionSnapshot(ctx)
	if snap == nil {
		return out
	}
	lower := strings.ToLower(typed)
	var names, ids []string
	seen := map[string]bool{}
	for r := range snap.All() {
		if kinds != nil && !slices.Contains(kinds, r.Kind()) {
			continue
		}
		m := r.Base()
		desc := string(r.Kind()) + " " + m.ID
		if n := m.Name(); n != "" && strings.HasPrefix(strings.ToLower(n), lower) && !seen[n] {
			seen[n] = true
			names = append(names, safe(n)+"\t"+safe(desc))
		}
		if strings.HasPrefix(strings.ToLower(m.ID), lower) && !strings.HasPrefix(m.ID, "arn:") && !seen[m.ID] {
			seen[m.ID] = true
			ids = append(ids, safe(m.ID)+"\t"+safe(string(r.Kind())+" "+m.Name()))
		}
	}
	slices.Sort(names)
	slices.Sort(ids)
	out = append(out, names...)
	out = append(out, ids...)
	return out[:min(len(out), maxCompletions)]
}

// completionSnapshot loads the demo or a snapshot file for completion,
// quietly (no warnings on the terminal the user is typing in) and within
// completionBudget; nil when there is no such source, it fails, or it is
// too slow.
func (g *globalOptions) completionSnapshot(ctx context.Context) *model.Snapshot {
	if g.liveRequested() || (!g.demo && g.snapshot == "") {
		return nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, completionBudget)
	defer cancel()
	quiet := streams{in: strings.NewReader(""), out: discard{}, err: discard{}}
	got := make(chan *model.Snapshot, 1)
	go func() {
		snap, err := g.load(ctx, quiet)
		if err != nil {
			snap = nil
		}
		got <- snap
	}()
	select {
	case snap := <-got:
		return snap
	case <-ctx.Done():
		return nil
	}
}
