package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/vpcscope/vpcscope/model"
)

// sourcesGuide is what a bare vpcscope prints: the three places a network
// comes from, and a first command for each.
const sourcesGuide = `vpcscope answers "can A talk to B on port P?" about an AWS network, offline.
Give it a network to look at, from one of three sources:

  --demo                   the demo account built into the binary
                           (10 VPCs in 2 accounts and 2 regions)
  --snapshot FILE          a snapshot file written by vpcscope snapshot
  --snapshot DIR           a folder of aws ec2 describe-* JSON outputs
  --profile P --region R   a live pull with your AWS credentials (read-only;
                           vpcscope snapshot --print-policy lists the calls)

Try:
  vpcscope --demo                                      the explorer (terminal UI)
  vpcscope reach --demo --from web-1a --to db-1a --port 3306
  vpcscope map --demo                                  the network's map
  vpcscope snapshot --profile prod --region us-east-1 --out prod.json

vpcscope --help lists every command.
`

// printSourcesGuide writes the guide a bare vpcscope prints.
func printSourcesGuide(w io.Writer) error {
	_, err := io.WriteString(w, sourcesGuide)
	return err
}

// noArgsOrCommand is the root command's argument check: none, and a word
// that is not a command gets the closest command names.
func noArgsOrCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if sug := cmd.SuggestionsFor(args[0]); len(sug) > 0 {
		msg += "; did you mean " + strings.Join(sug, " or ") + "?"
	} else {
		msg += "; " + cmd.CommandPath() + " --help lists the commands"
	}
	return usagef("%s", msg)
}

// groupsSuggest makes every command that only groups others (flowlogs,
// demo) answer a mistyped subcommand like the root does — the closest
// names, exit 2 — and print its help when given none.
func groupsSuggest(root *cobra.Command) {
	for _, c := range root.Commands() {
		if c.HasSubCommands() && !c.Runnable() {
			c.Args = noArgsOrCommand
			c.SuggestionsMinimumDistance = 2
			c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
		}
		groupsSuggest(c)
	}
}

// maxFlagDistance is how many edits away a flag name may be to be
// suggested for a mistyped one.
const maxFlagDistance = 2

// suggestFlag adds the closest flag names to an unknown-flag error
// ("unknown flag: --frm; did you mean --from?"); other flag errors pass
// as they are.
func suggestFlag(cmd *cobra.Command, err error) error {
	const prefix = "unknown flag: --"
	msg := err.Error()
	if !strings.HasPrefix(msg, prefix) {
		return err
	}
	typed := strings.TrimPrefix(msg, prefix)
	best, bestD := []string(nil), maxFlagDistance+1
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		d := model.EditDistance(typed, f.Name, maxFlagDistance)
		if strings.HasPrefix(f.Name, typed) && d > 1 {
			d = 1 // an abbreviation is as close as a typo
		}
		switch {
		case d < bestD:
			best, bestD = []string{"--" + f.Name}, d
		case d == bestD:
			best = append(best, "--"+f.Name)
		}
	})
	if len(best) == 0 || len(best) > 3 {
		return fmt.Errorf("%w; %s --help lists the flags", err, cmd.CommandPath())
	}
	return fmt.Errorf("%w; did you mean %s?", err, strings.Join(best, " or "))
}

// quietCompletion adds cobra's completion command now, so that its help
// and its shells' help can leave out the global flags: the source and
// output flags mean nothing to a completion script.
func quietCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	const global = `{{if .HasAvailableInheritedFlags}}

Global Flags:
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}`
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.SetUsageTemplate(strings.Replace(root.UsageTemplate(), global, "", 1))
		}
	}
}
