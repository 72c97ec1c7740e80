package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/internal/termsafe"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/snapfile"
)

// newDemoCmd groups what vpcscope can write about its own example accounts.
func newDemoCmd(g *globalOptions, s streams) *cobra.Command {
	demo := &cobra.Command{
		Use:   "demo",
		Short: "Write the demo account, or a generated large account, as a snapshot file",
		Args:  cobra.NoArgs,
	}
	var large bool
	var seed uint64
	gen := &cobra.Command{
		Use:   "generate [--large [--seed N]] FILE",
		Short: "Write the demo account (or with --large a generated 20,000-interface account) to FILE",
		Long: `generate writes a snapshot file that every command reads with --snapshot:
the demo account (the six fixtures merged, as --demo), or with --large a
generated account for trying vpcscope at scale — 50 VPCs, 2,000 subnets,
20,000 network interfaces, 5,000 security groups with 100,000 rules, a
transit gateway and 25 peerings — the same for the same --seed. FILE - is
standard output.`,
		Example: `  vpcscope demo generate demo.json
  vpcscope demo generate --large large.json
  vpcscope explore --snapshot large.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.checkOutput(); err != nil {
				return err
			}
			if cmd.Flags().Changed("seed") && !large {
				return usagef("--seed goes with --large: the demo account is always the same")
			}
			var snap *model.Snapshot
			if large {
				cfg := fixtures.DefaultLarge()
				cfg.Seed = seed
				snap = fixtures.Large(cfg)
			} else {
				var err error
				if snap, err = fixtures.Demo(); err != nil {
					return fmt.Errorf("load demo account: %w", err)
				}
			}
			path := args[0]
			if path == "-" {
				return snapfile.Encode(s.out, snap)
			}
			if err := snapfile.Write(path, snap); err != nil {
				return err
			}
			n := 0
			for range snap.All() {
				n++
			}
			if g.output == "json" {
				return writeJSON(s.out, struct {
					File      string `json:"file"`
					Resources int    `json:"resources"`
				}{path, n})
			}
			_, err := fmt.Fprintf(s.out, "wrote %s: %s\n", termsafe.String(path), count(n, "resource"))
			return err
		},
	}
	gen.Flags().BoolVar(&large, "large", false, "a generated large account instead of the demo")
	gen.Flags().Uint64Var(&seed, "seed", fixtures.DefaultLarge().Seed, "with --large: the generator's seed")
	demo.AddCommand(gen)
	return demo
}
