package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/intents"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/impact"
)

// errChangeBroke tells main that a change exposed something or broke an
// intent.
var errChangeBroke = fmt.Errorf("%w: the change exposes something new or breaks an intent", errUnreachable)

// diffFormats are the -o values diff accepts.
var diffFormats = []string{"text", "json", "markdown"}

func newDiffCmd(g *globalOptions, s streams) *cobra.Command {
	var intentsFile string
	var onprem onPremOptions
	cmd := &cobra.Command{
		Use:   "diff OLD [NEW] [--intents FILE] [-o text|json|markdown]",
		Short: "What a change did: resources and rules changed, reachability and exposure gained and lost, findings new and fixed",
		Long: `diff compares two snapshots of a network — files or folders of AWS CLI
outputs; NEW may be a live pull instead (diff last-week.json --profile prod) —
and says what changed and what that did:

  resources    added, removed and changed (matched by ID), with the security
               group rules, network ACL entries and routes added and removed
  reachability the traffic between interfaces (and the internet) gained and
               lost, as exact sets: senders, receivers, protocol, ports;
               with --onprem NAME=CIDR, also between each on-premises
               network and the interfaces, both ways (onprem:NAME)
  exposure     what the internet reaches that it did not, and no longer does
  findings     audit findings new and fixed
  intents      with --intents FILE, the intents violated after and not before

Exit status: 1 when something became exposed to the internet or an intent
broke, 0 otherwise, 2 for bad input.`,
		Example: `  vpcscope diff before.json after.json
  vpcscope diff last-week.json --profile prod --intents intents.yaml
  vpcscope diff ./dump-monday/ ./dump-friday/ -o json`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.checkOutputOf(diffFormats...); err != nil {
				return err
			}
			if g.demo || g.snapshot != "" {
				return usagef("diff reads OLD and NEW from its arguments, not --demo or --snapshot")
			}
			var f *intents.File
			if intentsFile != "" {
				var err error
				if f, err = readIntents(intentsFile); err != nil {
					return err
				}
			}
			old, err := g.openPath(cmd.Context(), s, args[0])
			if err != nil {
				return err
			}
			var cur *model.Snapshot
			switch {
			case len(args) == 2 && g.liveRequested():
				return usagef("name NEW or pull it live (--profile/--region), not both")
			case len(args) == 2:
				cur, err = g.openPath(cmd.Context(), s, args[1])
			case g.liveRequested():
				cur, err = g.load(cmd.Context(), s)
			default:
				return usagef("diff needs NEW: a snapshot file or folder, or a live pull (--profile/--region)")
			}
			if err != nil {
				return err
			}
			ea, err := onprem.engine(reach.New(old))
			if err != nil {
				return err
			}
			eb, err := onprem.engine(reach.New(cur))
			if err != nil {
				return err
			}
			rep, err := impact.Compare(ea, eb, impact.Options{Intents: f})
			if err != nil {
				return err
			}
			switch g.output {
			case "json":
				err = writeJSON(s.out, rep)
			case "markdown":
				err = writeDiffMarkdown(s.out, rep)
			default:
				printDiff(s, g, rep)
			}
			if err != nil {
				return err
			}
			if rep.Broke() {
				return errChangeBroke
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&intentsFile, "intents", "", "check these intents on both networks and report those the change breaks")
	addOnPremFlags(cmd, &onprem)
	return cmd
}

// itemText renders a gained or lost item on one line.
func itemText(it impact.Item) string {
	svc := it.Protocol
	switch {
	case len(it.Ports) > 0:
		parts := make([]string, len(it.Ports))
		for i, r := range it.Ports {
			parts[i] = r.String()
		}
		svc += "/" + strings.Join(parts, ",")
	case it.ICMP != "":
		svc += " " + it.ICMP
	}
	return fmt.Sprintf("%s → %s  %s", listText(it.From), listText(it.To), svc)
}

func printDiff(s streams, g *globalOptions, rep *impact.Report) {
	w, t := g.text(s)
	r := rep.Resources
	fmt.Fprintln(w, t.head.Render(fmt.Sprintf("Resources: %d added, %d removed, %d changed", len(r.Added), len(r.Removed), len(r.Changed))))
	for _, a := range r.Added {
		fmt.Fprintf(w, "  %s %s %s\n", t.ok.Render("+"), a.Kind, safe(refText(a.ID, a.Name)))
	}
	for _, a := range r.Removed {
		fmt.Fprintf(w, "  %s %s %s\n", t.bad.Render("-"), a.Kind, safe(refText(a.ID, a.Name)))
	}
	for _, c := range r.Changed {
		fmt.Fprintf(w, "  %s %s %s  %s\n", t.unknown.Render("~"), c.Kind, safe(refText(c.ID, c.Name)), t.dim.Render(strings.Join(c.Fields, ", ")))
		for _, a := range c.Added {
			fmt.Fprintf(w, "      %s %s\n", t.ok.Render("+"), safe(a))
		}
		for _, a := range c.Removed {
			fmt.Fprintf(w, "      %s %s\n", t.bad.Render("-"), safe(a))
		}
	}
	section := func(title string, d impact.Delta) {
		fmt.Fprintln(w)
		fmt.Fprintln(w, t.head.Render(fmt.Sprintf("%s: %d gained, %d lost", title, len(d.Gained), len(d.Lost))))
		for _, it := range d.Gained {
			fmt.Fprintf(w, "  %s %s\n", t.ok.Render("+"), safe(itemText(it)))
		}
		for _, it := range d.Lost {
			fmt.Fprintf(w, "  %s %s\n", t.bad.Render("-"), safe(itemText(it)))
		}
	}
	section("Reachability", rep.Reachability)
	section("Exposure to the internet", rep.Exposure)
	fmt.Fprintln(w)
	fmt.Fprintln(w, t.head.Render(fmt.Sprintf("Findings: %d new, %d fixed", len(rep.Findings.New), len(rep.Findings.Fixed))))
	for _, f := range rep.Findings.New {
		fmt.Fprintf(w, "  %s %s %s: %s\n", t.bad.Render("+"), strings.Join(f.Controls, ","), safe(f.Resource), safe(f.Message))
	}
	for _, f := range rep.Findings.Fixed {
		fmt.Fprintf(w, "  %s %s %s: %s\n", t.ok.Render("-"), strings.Join(f.Controls, ","), safe(f.Resource), safe(f.Message))
	}
	if len(rep.Intents) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, t.head.Render("Intents"))
		for _, c := range rep.Intents {
			mark := t.ok.Render("  ")
			if c.NewlyViolated {
				mark = t.bad.Render("✗ ")
			}
			fmt.Fprintf(w, "  %s%s: %s → %s", mark, safe(c.Name), c.Before, c.After)
			if len(c.Violations) > 0 {
				fmt.Fprintf(w, " (%s new)", count(len(c.Violations), "violation"))
			}
			fmt.Fprintln(w)
		}
	}
	for _, c := range rep.Caveats {
		fmt.Fprintln(w, t.unknown.Render("caveat: "+safe(c)))
	}
}

func refText(id, name string) string {
	if name != "" && name != id {
		return id + " (" + name + ")"
	}
	return id
}

func writeDiffMarkdown(w io.Writer, rep *impact.Report) error {
	esc := func(s string) string { return strings.NewReplacer("|", `\|`, "\n", " ").Replace(safe(s)) }
	var b strings.Builder
	r := rep.Resources
	fmt.Fprintf(&b, "## Resources: %d added, %d removed, %d changed\n\n", len(r.Added), len(r.Removed), len(r.Changed))
	if !r.Empty() {
		b.WriteString("| | kind | resource | what |\n|---|---|---|---|\n")
		for _, a := range r.Added {
			fmt.Fprintf(&b, "| + | %s | %s | added |\n", a.Kind, esc(refText(a.ID, a.Name)))
		}
		for _, a := range r.Removed {
			fmt.Fprintf(&b, "| − | %s | %s | removed |\n", a.Kind, esc(refText(a.ID, a.Name)))
		}
		for _, c := range r.Changed {
			what := strings.Join(c.Fields, ", ")
			for _, a := range c.Added {
				what += "<br>+ " + a
			}
			for _, a := range c.Removed {
				what += "<br>− " + a
			}
			fmt.Fprintf(&b, "| ~ | %s | %s | %s |\n", c.Kind, esc(refText(c.ID, c.Name)), esc(what))
		}
		b.WriteString("\n")
	}
	table := func(title string, d impact.Delta) {
		fmt.Fprintf(&b, "## %s: %d gained, %d lost\n\n", title, len(d.Gained), len(d.Lost))
		if len(d.Gained)+len(d.Lost) == 0 {
			return
		}
		b.WriteString("| | from | to | traffic |\n|---|---|---|---|\n")
		row := func(mark string, it impact.Item) {
			txt := itemText(it)
			svc := txt[strings.LastIndex(txt, "  ")+2:]
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mark, esc(strings.Join(it.From, ", ")), esc(strings.Join(it.To, ", ")), esc(svc))
		}
		for _, it := range d.Gained {
			row("+", it)
		}
		for _, it := range d.Lost {
			row("−", it)
		}
		b.WriteString("\n")
	}
	table("Reachability", rep.Reachability)
	table("Exposure to the internet", rep.Exposure)
	fmt.Fprintf(&b, "## Findings: %d new, %d fixed\n\n", len(rep.Findings.New), len(rep.Findings.Fixed))
	for _, f := range rep.Findings.New {
		fmt.Fprintf(&b, "- **new** %s %s: %s\n", strings.Join(f.Controls, ","), esc(f.Resource), esc(f.Message))
	}
	for _, f := range rep.Findings.Fixed {
		fmt.Fprintf(&b, "- **fixed** %s %s: %s\n", strings.Join(f.Controls, ","), esc(f.Resource), esc(f.Message))
	}
	for _, c := range rep.Intents {
		if c.NewlyViolated {
			fmt.Fprintf(&b, "\n- **intent broken**: %s (%s → %s)\n", esc(c.Name), c.Before, c.After)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
