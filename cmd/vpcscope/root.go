package main

import (
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/internal/termsafe"
	"github.com/vpcscope/vpcscope/model/snapfile"
)

// globalOptions are the flags every command shares: where the network
// comes from and how to print.
type globalOptions struct {
	demo     bool
	snapshot string
	output   string
	noColor  bool
	mouse    bool
	live     liveOptions
	// notes prints every note of an import; maxInputSize bounds what a
	// snapshot may read.
	notes        bool
	maxInputSize string
	// importNotes are the notes of the last import, for inspect.
	importNotes snapfile.Notes
	// reports is set by the commands that also write reports (audit,
	// exposure): -o then takes markdown, html and sarif too.
	reports bool
}

func newRootCmd(s streams) *cobra.Command {
	g := &globalOptions{}
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
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runExplorer(cmd.Context(), g, s)
		},
	}
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	root.SetVersionTemplate("vpcscope {{.Version}}\n")
	pf := root.PersistentFlags()
	pf.BoolVar(&g.demo, "demo", false, "use the embedded demo account")
	pf.StringVar(&g.snapshot, "snapshot", "", "read a snapshot file or a folder of AWS CLI describe-* JSON outputs")
	pf.StringVarP(&g.output, "output", "o", "text", "output format: text or json (audit and exposure: also markdown, html or sarif)")
	pf.BoolVar(&g.noColor, "no-color", false, "print without colour (also when NO_COLOR is set)")
	pf.BoolVar(&g.mouse, "mouse", false, "explorer: mouse wheel and clicks (turns off the terminal's text selection)")
	pf.BoolVar(&g.notes, "notes", false, "print every note of importing a folder of AWS CLI outputs: skipped files and keys, unresolved links")
	pf.StringVar(&g.maxInputSize, "max-input-size", "", "the most --snapshot may read, per file and in all, e.g. 4GiB (default 1GiB per file, 2GiB in all)")
	g.addLiveFlags(pf)
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
	)
	return root
}

// checkOutput validates -o: text or json for every command, and the
// report formats for the commands that set reports.
func (g *globalOptions) checkOutput() error {
	switch {
	case g.output == "text" || g.output == "json":
		return nil
	case g.reports && slices.Contains(reportFormats, g.output):
		return nil
	case g.reports:
		return usagef("-o %s: want text, json, markdown, html or sarif", g.output)
	case slices.Contains(reportFormats, g.output):
		return usagef("-o %s: only audit and exposure write reports; want text or json", g.output)
	}
	return usagef("-o %s: want text or json", g.output)
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
