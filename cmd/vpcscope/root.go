package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/internal/termsafe"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/snapfile"
	"github.com/vpcscope/vpcscope/reach"
)

// globalOptions are the flags every command shares: where the network
// comes from and how to print.
type globalOptions struct {
	demo     bool
	snapshot string
	output   string
	noColor  bool
	mouse    bool
	// review is the explorer's audit review file (--review).
	review string
	live   liveOptions
	// notes prints every note of an import; maxInputSize bounds what a
	// snapshot may read.
	notes        bool
	maxInputSize string
	// importNotes are the notes of the last import, for inspect.
	importNotes snapfile.Notes
	// planFile is --plan: answer on the network a Terraform plan would
	// leave; planned marks the answers once it is applied.
	planFile string
	planned  *plannedMark
	// preloaded, when set, is the network every command answers about
	// instead of reading one: the MCP server loads its source once.
	preloaded *loadedSource
	// explore are the explorer's own flags (--flowlogs, --compare, --onprem).
	explore exploreFlags
}

// loadedSource is a network read and validated once, with its engine.
type loadedSource struct {
	snap   *model.Snapshot
	engine *reach.Engine
	// notes are the import's notes, for inspect's inventory.
	notes snapfile.Notes
}

// newRootCmd builds the command tree with fresh options.
func newRootCmd(s streams) *cobra.Command { return newRootCmdWith(&globalOptions{}, s) }

// newRootCmdWith builds the command tree on g, which may carry a
// preloaded network.
func newRootCmdWith(g *globalOptions, s streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "vpcscope",
		Short: "See an AWS account's network the way packets see it",
		Long: `vpcscope loads an AWS account's network — from a snapshot file, a folder of
AWS CLI describe-* outputs, the embedded demo account, or a live pull with
your AWS credentials — and answers "can A talk to B on port P" hop by hop,
forward and back, naming the security group, network ACL, route or gateway
rule that decides. Without a subcommand it opens the explorer.`,
		Version:       readBuildVersion().String(),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          noArgsOrCommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runExplorer(cmd.Context(), g, s)
		},
	}
	g.explore.register(root)
	root.SuggestionsMinimumDistance = 2
	root.SetFlagErrorFunc(suggestFlag)
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	root.SetVersionTemplate("vpcscope {{.Version}}\n")
	pf := root.PersistentFlags()
	pf.BoolVar(&g.demo, "demo", false, "use the embedded demo account")
	pf.StringVar(&g.snapshot, "snapshot", "", "read a snapshot file or a folder of AWS CLI describe-* JSON outputs")
	pf.StringVarP(&g.output, "output", "o", "text", "output format: text or json (map: also dot, mermaid; audit and exposure: also markdown, html, sarif)")
	pf.BoolVar(&g.noColor, "no-color", false, "print without colour (also when NO_COLOR is set)")
	pf.BoolVar(&g.mouse, "mouse", false, "explorer: mouse wheel and clicks (turns off the terminal's text selection)")
	pf.StringVar(&g.planFile, "plan", "", "answer on the network a Terraform plan would leave (terraform show -json PLANFILE), applied to the source or alone")
	pf.BoolVar(&g.notes, "notes", false, "print every note of importing a folder of AWS CLI outputs: skipped files and keys, unresolved links")
	pf.StringVar(&g.maxInputSize, "max-input-size", "", "the most --snapshot may read, per file and in all, e.g. 4GiB (default 1GiB per file, 2GiB in all)")
	g.addLiveFlags(pf)
	addReviewFlag(root, g)
	root.AddCommand(
		newInspectCmd(g, s),
		newReachCmd(g, s),
		newWhoCanReachCmd(g, s),
		newExposureCmd(g, s),
		newAuditCmd(g, s),
		newExploreCmd(g, s),
		newSnapshotCmd(g, s),
		newFlowLogsCmd(g, s),
		newVersionCmd(g, s),
		newMapCmd(g, s),
		newMCPCmd(g, s),
		newDemoCmd(g, s),
		newConnectivityCmd(g, s),
		newCheckCmd(g, s),
		newDiffCmd(g, s),
		newPlanCmd(g, s),
	)
	quietCompletion(root)
	groupsSuggest(root)
	registerCompletions(root, g)
	return root
}

// checkOutput validates -o for the commands that write text or JSON.
func (g *globalOptions) checkOutput() error { return g.checkOutputOf("text", "json") }

// checkOutputOf validates -o against the formats a command writes.
func (g *globalOptions) checkOutputOf(formats ...string) error {
	if slices.Contains(formats, g.output) {
		return nil
	}
	want := strings.Join(formats[:len(formats)-1], ", ") + " or " + formats[len(formats)-1]
	if len(formats) == 2 {
		want = formats[0] + " or " + formats[1]
	}
	return usagef("-o %s: want %s", g.output, want)
}

// sourceGiven reports whether the flags name a network to look at.
func (g *globalOptions) sourceGiven() bool {
	return g.demo || g.snapshot != "" || g.liveRequested() || g.preloaded != nil || g.planFile != ""
}

// engine returns the reachability engine for snap: the preloaded one when
// snap is the preloaded network, else a new one.
func (g *globalOptions) engine(snap *model.Snapshot) *reach.Engine {
	if p := g.preloaded; p != nil && p.snap == snap {
		return p.engine
	}
	return reach.New(snap)
}

// renderer returns a lipgloss renderer for w that colours only a terminal,
// never with --no-color or NO_COLOR.
func (g *globalOptions) renderer(s streams) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(s.out)
	if g.noColor || os.Getenv("NO_COLOR") != "" {
		r.SetColorProfile(termenv.Ascii)
	}
	return r
}

// text returns where text output goes and how it is styled: the writer
// passes everything through termsafe.Frame (keeping styles only when the
// output is coloured), a last line of defence behind the renderers, which
// pass every value from a snapshot through termsafe.String (safe).
func (g *globalOptions) text(s streams) (io.Writer, *textRenderer) {
	r := g.renderer(s)
	return termsafe.Writer{W: s.out, Styled: r.ColorProfile() != termenv.Ascii}, newTextRenderer(r)
}

// warnf prints a warning on stderr; its text often holds values from a
// snapshot or an AWS response, so it passes through termsafe.String.
func warnf(s streams, format string, args ...any) {
	fmt.Fprintln(s.err, "vpcscope: warning: "+termsafe.String(fmt.Sprintf(format, args...)))
}
