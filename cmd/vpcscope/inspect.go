package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/internal/termsafe"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/snapfile"
)

func newInspectCmd(g *globalOptions, s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "inspect [ID|NAME|IP]",
		Short: "Inventory of the network, or one resource with its rules and relations",
		Long: `Without an argument, inspect prints what the snapshot holds: where it comes
from, the accounts and regions it covers, what could not be collected, and
the number of resources of each kind per region. With an ID, Name tag or IP
address, it prints that resource, its rules, and the resources it relates to.`,
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
			found := ix.Find(args[0])
			if len(found) == 0 {
				msg := fmt.Sprintf("no resource has the ID, Name tag or IP %q", termsafe.Clip(args[0], 64))
				if sug := ix.Suggest(args[0], 3); len(sug) > 0 {
					msg += "; did you mean " + strings.Join(sug, ", ") + "?"
				}
				return usagef("%s", msg)
			}
			gr := model.NewGraph(ix)
			views := make([]resourceView, len(found))
			for i, r := range found {
				views[i] = resourceView{Kind: r.Kind(), Resource: r, Out: gr.Out(r.Base().ID), In: gr.In(r.Base().ID)}
			}
			if g.output == "json" {
				if len(views) == 1 {
					return writeJSON(s.out, views[0])
				}
				return writeJSON(s.out, views)
			}
			for i, v := range views {
				if i > 0 {
					fmt.Fprintln(w)
				}
				printResource(w, v, gr)
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

func printResource(w io.Writer, v resourceView, gr *model.Graph) {
	m := v.Resource.Base()
	fmt.Fprintf(w, "%s %s", v.Kind, safe(m.ID))
	if n := m.Name(); n != "" {
		fmt.Fprintf(w, " (%s)", safe(n))
	}
	fmt.Fprintln(w)
	printFields(w, v.Resource)
	switch r := v.Resource.(type) {
	case *model.SecurityGroup:
		printSGRules(w, "inbound rules", r.Ingress, "from")
		printSGRules(w, "outbound rules", r.Egress, "to")
	case *model.NetworkACL:
		printACLEntries(w, "inbound rules", r, false)
		printACLEntries(w, "outbound rules", r, true)
	case *model.RouteTable:
		fmt.Fprintln(w, "\nroutes:")
		for _, rt := range r.Routes {
			state := rt.State
			if state == "" {
				state = "active"
			}
			fmt.Fprintf(w, "  %-24s %-28s %s\n", safe(rt.DestinationString()), safe(rt.Target().ID), safe(state))
		}
	}
	printLinks(w, "relations", v.Out, gr, false)
	printLinks(w, "referenced by", v.In, gr, true)
}

// printFields prints the resource's scalar fields and short lists, from its
// JSON form so every kind is covered; rules and routes get their own tables.
func printFields(w io.Writer, r model.Resource) {
	data, err := json.Marshal(r)
	if err != nil {
		return
	}
	var fields map[string]any
	if err := json.Unmarshal(data, &fields); err != nil {
		return
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		switch k {
		case "id", "ingress", "egress", "entries", "routes":
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  %-24s %s\n", safe(k)+":", safe(fieldText(fields[k])))
	}
}

func fieldText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = fieldText(e)
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + fieldText(x[k])
		}
		return "{" + strings.Join(parts, " ") + "}"
	}
	return fmt.Sprint(v)
}

func printSGRules(w io.Writer, title string, rules []model.SGRule, word string) {
	fmt.Fprintf(w, "\n%s:\n", title)
	if len(rules) == 0 {
		fmt.Fprintln(w, "  (none)")
	}
	for i, r := range rules {
		line := fmt.Sprintf("  %2d  %-20s %s %s", i+1, r.Service(), word, r.Peer())
		if r.Description != "" {
			line += "  # " + r.Description
		}
		fmt.Fprintln(w, safe(line))
	}
}

func printACLEntries(w io.Writer, title string, acl *model.NetworkACL, egress bool) {
	fmt.Fprintf(w, "\n%s (evaluated in rule order, first match wins):\n", title)
	entries := make([]model.ACLEntry, 0, len(acl.Entries))
	for _, e := range acl.Entries {
		if e.Egress == egress {
			entries = append(entries, e)
		}
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].RuleNumber < entries[j].RuleNumber })
	for _, e := range entries {
		fmt.Fprintln(w, safe(fmt.Sprintf("  %-6s %-5s %-22s %s", e.RuleLabel(), e.Action, serviceText(e), e.CIDR)))
	}
}

func serviceText(e model.ACLEntry) string {
	s := e.String()
	// e.String() is "rule N action service cidr": keep the service part.
	parts := strings.Fields(s)
	if len(parts) >= 5 {
		return strings.Join(parts[3:len(parts)-1], " ")
	}
	return s
}

func printLinks(w io.Writer, title string, links []model.Link, gr *model.Graph, incoming bool) {
	if len(links) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s:\n", title)
	for _, l := range links {
		other := l.To
		if incoming {
			other = l.From
		}
		line := fmt.Sprintf("  %-16s %s", l.Relation, other)
		if gr.Missing(other) {
			line += "  (not in snapshot)"
		}
		if l.Detail != "" {
			line += "  [" + l.Detail + "]"
		}
		fmt.Fprintln(w, safe(line))
	}
}
