package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/internal/termsafe"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/present"
	"github.com/vpcscope/vpcscope/model/snapfile"
)

func newInspectCmd(g *globalOptions, s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "inspect [ID|NAME|IP]",
		Short: "Inventory of the network, or one resource with its rules and relations",
		Long: `Without an argument, inspect prints what the snapshot holds: where it comes
from, the accounts and regions it covers, what could not be collected, and
the number of resources of each kind per region. With an ID, a Name tag, an
IP address, or a group, load balancer, target group or prefix list name, it
prints each resource that matches as the explorer's detail shows it: its
fields (names beside IDs), its rules in evaluation order, and the resources
it relates to (inspect default lists every security group named default).`,
		Example: `  vpcscope inspect --demo
  vpcscope inspect --demo storefront-web-sg
  vpcscope inspect --snapshot ./aws-dump -o json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			snap, err := g.snapshotFor(cmd, s)
			if err != nil {
				return err
			}
			ix := model.NewIndex(snap)
			w, _ := g.text(s)
			if g.output == "json" {
				w = s.out
			}
			if len(args) == 0 {
				return printInventory(w, g.output, snap, ix, g.importNotes)
			}
			found := present.Find(ix, args[0])
			if len(found) == 0 {
				msg := fmt.Sprintf("no resource has the ID, Name tag or IP %q", termsafe.Clip(args[0], 64))
				if sug := ix.Suggest(args[0], 3); len(sug) > 0 {
					msg += "; did you mean " + strings.Join(sug, ", ") + "?"
				}
				return usagef("%s", msg)
			}
			gr := model.NewGraph(ix)
			if g.output == "json" {
				var views []resourceView
				for _, f := range found {
					// a resource seen from two accounts: every side's record
					for _, r := range ix.ResourcesByID(f.Base().ID) {
						views = append(views, resourceView{Kind: r.Kind(), Resource: r, Out: gr.Out(r.Base().ID), In: gr.In(r.Base().ID)})
					}
				}
				if len(views) == 1 {
					return writeJSON(s.out, views[0])
				}
				return writeJSON(s.out, views)
			}
			p := present.New(ix, gr, nil)
			for i, r := range found {
				if i > 0 {
					fmt.Fprintln(w)
				}
				printDoc(w, p.Doc(r.Base().ID))
			}
			return nil
		},
	}
}

// inventory is inspect's JSON summary of a snapshot.
type inventory struct {
	Source      string                        `json:"source,omitempty"`
	Description string                        `json:"description,omitempty"`
	TakenAt     string                        `json:"takenAt,omitempty"`
	Scopes      []model.Scope                 `json:"scopes"`
	Gaps        []model.Gap                   `json:"gaps"`
	Counts      map[string]map[model.Kind]int `json:"counts"`
	Totals      map[model.Kind]int            `json:"totals"`
	Problems    []string                      `json:"problems,omitempty"`
	// SkippedFiles and Notes come from importing a folder of AWS CLI
	// outputs.
	SkippedFiles int      `json:"skippedFiles,omitempty"`
	Notes        []string `json:"notes,omitempty"`
}

func buildInventory(snap *model.Snapshot, ix *model.Index, notes snapfile.Notes) inventory {
	inv := inventory{Source: snap.Source, Description: snap.Description, Scopes: snap.Scopes, Gaps: snap.Gaps,
		Counts: map[string]map[model.Kind]int{}, Totals: snap.Counts(), Problems: ix.Problems,
		SkippedFiles: notes.Skipped, Notes: notes.Lines}
	if inv.Scopes == nil {
		inv.Scopes = []model.Scope{}
	}
	if inv.Gaps == nil {
		inv.Gaps = []model.Gap{}
	}
	if !snap.TakenAt.IsZero() {
		inv.TakenAt = snap.TakenAt.UTC().Format("2006-01-02 15:04:05Z")
	}
	for r := range snap.All() {
		region := r.Base().Region
		if region == "" {
			region = "-"
		}
		if inv.Counts[region] == nil {
			inv.Counts[region] = map[model.Kind]int{}
		}
		inv.Counts[region][r.Kind()]++
	}
	return inv
}

func printInventory(w io.Writer, format string, snap *model.Snapshot, ix *model.Index, notes snapfile.Notes) error {
	inv := buildInventory(snap, ix, notes)
	if format == "json" {
		return writeJSON(w, inv)
	}
	fmt.Fprintf(w, "source:   %s\n", safe(orDash(inv.Source)))
	if inv.Description != "" {
		fmt.Fprintf(w, "about:    %s\n", safe(inv.Description))
	}
	if inv.TakenAt != "" {
		fmt.Fprintf(w, "taken:    %s\n", inv.TakenAt)
	}
	scopes := make([]string, len(inv.Scopes))
	for i, sc := range inv.Scopes {
		scopes[i] = sc.String()
	}
	fmt.Fprintf(w, "scopes:   %s\n", safe(orDash(strings.Join(scopes, ", "))))
	switch {
	case len(inv.Gaps) == 0 && inv.SkippedFiles > 0:
		fmt.Fprintf(w, "gaps:     none recorded, but %d file(s) were skipped (--notes lists them)\n", inv.SkippedFiles)
	case len(inv.Gaps) == 0:
		fmt.Fprintln(w, "gaps:     none: every kind was collected")
	default:
		fmt.Fprintln(w, "gaps:")
		for _, gp := range inv.Gaps {
			fmt.Fprintln(w, "  - "+safe(gp.String()))
		}
	}
	regions := make([]string, 0, len(inv.Counts))
	for r := range inv.Counts {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	fmt.Fprintln(w)
	header := fmt.Sprintf("%-30s", "kind")
	for _, r := range regions {
		header += fmt.Sprintf(" %12s", safe(r))
	}
	if len(regions) > 1 {
		header += fmt.Sprintf(" %8s", "total")
	}
	fmt.Fprintln(w, header)
	for _, k := range model.Kinds() {
		if inv.Totals[k] == 0 {
			continue
		}
		line := fmt.Sprintf("%-30s", k)
		for _, r := range regions {
			line += fmt.Sprintf(" %12d", inv.Counts[r][k])
		}
		if len(regions) > 1 {
			line += fmt.Sprintf(" %8d", inv.Totals[k])
		}
		fmt.Fprintln(w, line)
	}
	if len(inv.Problems) > 0 {
		fmt.Fprintln(w, "\nproblems found while indexing:")
		for _, p := range inv.Problems {
			fmt.Fprintln(w, "  - "+safe(p))
		}
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// resourceView is inspect's JSON for one resource.
type resourceView struct {
	Kind     model.Kind     `json:"kind"`
	Resource model.Resource `json:"resource"`
	Out      []model.Link   `json:"relationsOut"`
	In       []model.Link   `json:"relationsIn"`
}

// printDoc prints a resource as the presenter gives it (model/present),
// laid out as the explorer's detail view lays it out: fields with names
// beside IDs, rules in evaluation order, relations read from the resource.
func printDoc(w io.Writer, d present.Doc) {
	fmt.Fprintln(w, safe(string(d.Kind)+" "+d.Title))
	if d.Console != "" {
		fmt.Fprintf(w, "  %-*s %s\n", present.KeyWidth, "console", safe(d.Console))
	}
	fmt.Fprintln(w, "\nFields")
	printFields(w, d.Fields)
	for _, s := range d.Sides {
		fmt.Fprintln(w, "\n"+safe(capitalize(s.Title())))
		printFields(w, s.Fields)
	}
	for _, s := range d.Sections {
		printSection(w, s)
	}
	if len(d.Relations) > 0 {
		fmt.Fprintln(w, "\nRelations")
	}
	for _, r := range d.Relations {
		kind, label := string(r.Kind), r.Label
		if r.Missing {
			kind, label = "missing", r.ID+" (not in snapshot)"
		}
		line := fmt.Sprintf("  %s %-*s %-*s %s", r.Arrow(), present.VerbWidth, r.Verb, present.KindWidth, kind, label)
		if r.Detail != "" {
			line += "  · " + r.Detail
		}
		fmt.Fprintln(w, safe(line))
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// printFields prints "key  value", the name beside an ID; a key repeated
// on the next line is left blank.
func printFields(w io.Writer, fs []present.Field) {
	prev := ""
	for _, f := range fs {
		k := f.Key
		if k == prev {
			k = ""
		}
		prev = f.Key
		v := f.Value
		if f.RefName != "" {
			v += "  " + f.RefName
		}
		fmt.Fprintln(w, safe(fmt.Sprintf("  %-*s %s", present.KeyWidth, k, v)))
		if f.Note != "" {
			fmt.Fprintln(w, safe(strings.Repeat(" ", present.KeyWidth+3)+f.Note))
		}
	}
}

// printSection prints a table of rules in evaluation order.
func printSection(w io.Writer, s present.Section) {
	fmt.Fprintln(w, "\n"+safe(s.Title))
	widths := s.Widths(func(x string) int { return ansi.StringWidth(safe(x)) })
	cells := func(cs []string) string {
		out := make([]string, len(cs))
		for i, c := range cs {
			c = ansi.Truncate(safe(c), widths[i], "…")
			out[i] = c + strings.Repeat(" ", max(0, widths[i]-ansi.StringWidth(c)))
		}
		return "  " + strings.Join(out, " ")
	}
	heads := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		heads[i] = c.Title
	}
	head := cells(heads)
	if s.List.IsSecurityGroup() {
		head += " note"
	}
	fmt.Fprintln(w, strings.TrimRight(head, " "))
	if len(s.Rules) == 0 {
		fmt.Fprintln(w, "  "+s.Empty)
	}
	for _, r := range s.Rules {
		texts := make([]string, len(r.Cells))
		for i, c := range r.Cells {
			texts[i] = c.Text
		}
		line := cells(texts)
		if r.Note != "" {
			line += " " + safe(r.Note)
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
}
