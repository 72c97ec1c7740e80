package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/change"
	"github.com/vpcscope/vpcscope/model/intents"
	"github.com/vpcscope/vpcscope/model/tfplan"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/impact"
)

// planFormats are the -o values plan accepts.
var planFormats = []string{"text", "json", "markdown", "sarif"}

// maxPlanSize bounds what a plan file may hold.
const maxPlanSize = 1 << 30

func newPlanCmd(g *globalOptions, s streams) *cobra.Command {
	var intentsFile string
	var onprem onPremOptions
	cmd := &cobra.Command{
		Use:   "plan PLAN.json [--snapshot CURRENT|--demo|--profile P] [--intents FILE] [-o text|json|markdown|sarif]",
		Short: "What a Terraform plan would change in reachability, before it is applied",
		Long: `plan reads the output of terraform show -json PLANFILE (Terraform or
OpenTofu, format 1.x), applies its changes to the current network — a
snapshot, the demo or a live pull, existing resources matched by the IDs in
the plan's before values — or, with no network given, builds the planned
network from the plan alone, and reports what diff reports: resources and
rules changed, reachability and exposure gained and lost, findings new,
intents (--intents) newly violated — naming the Terraform address of every
resource involved. With --onprem NAME=CIDR, the reachability also holds the
traffic between each on-premises network and the interfaces, both ways.

Values known only after apply get placeholders named by the Terraform
address (i-(aws_instance.web)), private addresses the first free ones of
their subnets, public addresses from 198.18.0.0/15; answers that rest on a
placeholder carry a caveat. Resource types that do not shape the network
are listed as not considered.

Exit status: 1 when the plan exposes something new to the internet or
breaks an intent, 0 otherwise, 2 for a malformed plan or bad input.`,
		Example: `  terraform plan -out tfplan && terraform show -json tfplan > plan.json
  vpcscope plan plan.json --snapshot current.json
  vpcscope plan plan.json --snapshot current.json --intents intents.yaml -o markdown > comment.md
  vpcscope plan plan.json -o sarif > plan.sarif`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.checkOutputOf(planFormats...); err != nil {
				return err
			}
			if g.planFile != "" {
				return usagef("plan reads PLAN.json from its argument, not --plan")
			}
			var f *intents.File
			if intentsFile != "" {
				var err error
				if f, err = readIntents(intentsFile); err != nil {
					return err
				}
			}
			p, err := readPlanFile(args[0])
			if err != nil {
				return err
			}
			var old *model.Snapshot
			var res *tfplan.Result
			network := "snapshot"
			if g.sourceGiven() {
				if old, err = g.load(cmd.Context(), s); err != nil {
					return err
				}
				if res, err = tfplan.Apply(p, old); err != nil {
					return err
				}
			} else {
				network = "plan"
				prior, err := tfplan.Prior(p)
				if err != nil {
					return err
				}
				old = prior.Snapshot
				if res, err = tfplan.Apply(p, nil); err != nil {
					return err
				}
			}
			if errs := model.Validate(res.Snapshot).Errors(); len(errs) > 0 {
				return usagef("%s: the planned network has %d values AWS cannot return; first: %s", args[0], len(errs), errs[0])
			}
			before, err := onprem.engine(reach.New(old))
			if err != nil {
				return err
			}
			planned, err := onprem.engine(reach.New(res.Snapshot))
			if err != nil {
				return err
			}
			rep, err := impact.Compare(before, planned, impact.Options{Intents: f})
			if err != nil {
				return err
			}
			pr := newPlanReport(args[0], network, p, res, rep)
			pr.Paths = exposurePaths(planned, pr.Exposure.Gained, res.Addresses)
			switch g.output {
			case "json":
				err = writeJSON(s.out, pr)
			case "markdown":
				err = writePlanMarkdown(s.out, pr)
			case "sarif":
				err = writeJSON(s.out, planSARIF(pr))
			default:
				printPlan(s, g, pr)
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
	cmd.Flags().StringVar(&intentsFile, "intents", "", "check these intents before and after the plan and report those it breaks")
	addOnPremFlags(cmd, &onprem)
	return cmd
}

// readPlanFile reads and parses a plan; every failure is bad input (exit 2)
// on one line.
func readPlanFile(path string) (*tfplan.Plan, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, usagef("read plan: %v", err)
	}
	if st.IsDir() {
		return nil, usagef("read plan: %s is a folder; give the file terraform show -json wrote", path)
	}
	if st.Size() > maxPlanSize {
		return nil, usagef("read plan: %s is larger than 1 GiB", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("read plan: %v", err)
	}
	p, err := tfplan.Parse(data)
	if err != nil {
		return nil, usagef("%s: %v", path, err)
	}
	return p, nil
}

// planReport is what plan reports: diff's report, and how the plan maps
// onto the network.
type planReport struct {
	*impact.Report
	Plan planSummary `json:"plan"`
	// Paths are the paths of the exposures gained on the planned network.
	Paths []planPath `json:"paths"`
}

type planSummary struct {
	File             string `json:"file"`
	FormatVersion    string `json:"formatVersion"`
	TerraformVersion string `json:"terraformVersion,omitempty"`
	// Network is "snapshot" when the plan was applied to a network read
	// from a source, "plan" when it was built from the plan alone.
	Network       string               `json:"network"`
	Addresses     map[string][]string  `json:"addresses"`
	Placeholders  []tfplan.Placeholder `json:"placeholders"`
	NotConsidered []tfplan.Skipped     `json:"notConsidered"`
	Conflicts     []tfplan.Conflict    `json:"conflicts"`
	Notes         []string             `json:"notes"`
}

func newPlanReport(file, network string, p *tfplan.Plan, res *tfplan.Result, rep *impact.Report) *planReport {
	pr := &planReport{Report: rep, Plan: planSummary{File: file, FormatVersion: p.FormatVersion, TerraformVersion: p.TerraformVersion,
		Network: network, Addresses: res.Addresses, Placeholders: res.Placeholders, NotConsidered: res.NotConsidered,
		Conflicts: res.Conflicts, Notes: res.Notes}}
	for _, c := range res.Conflicts {
		rep.Caveats = appendOnce(rep.Caveats, c.Message)
	}
	// a firewall the plan creates has endpoints only after apply
	for _, ph := range res.Placeholders {
		if isFirewallEndpoint(ph) {
			rep.Caveats = appendOnce(rep.Caveats, firewallEndpointCaveat(ph))
		}
	}
	// an internet host at a placeholder public address before the plan
	// is the plan's own address after it: its traffic is no answer
	dropped := 0
	for _, d := range []*impact.Delta{&rep.Reachability, &rep.Exposure} {
		drop := func(it impact.Item) bool {
			if res.PlaceholderPeers(it.From) || res.PlaceholderPeers(it.To) {
				dropped++
				return true
			}
			return false
		}
		d.Gained, d.Lost = slices.DeleteFunc(d.Gained, drop), slices.DeleteFunc(d.Lost, drop)
	}
	if dropped > 0 {
		rep.Caveats = appendOnce(rep.Caveats, fmt.Sprintf("%d changes of traffic with internet hosts at placeholder public addresses (198.18.0.0/15) are left out: after apply those addresses are the plan's own", dropped))
	}
	// an answer about an end whose ID or addresses are placeholders says so
	byAddr := map[string][]tfplan.Placeholder{}
	for _, ph := range res.Placeholders {
		byAddr[ph.Address] = append(byAddr[ph.Address], ph)
	}
	seen := map[string]bool{}
	for _, d := range []impact.Delta{rep.Reachability, rep.Exposure} {
		for _, it := range slices.Concat(d.Gained, d.Lost) {
			for _, id := range slices.Concat(it.From, it.To, it.FromInstances, it.ToInstances) {
				if seen[id] || !res.IsPlaceholder(id) && !slices.ContainsFunc(res.Addresses[id], func(a string) bool { return hasChosen(byAddr[a]) }) {
					continue
				}
				seen[id] = true
				var parts []string
				for _, a := range res.Addresses[id] {
					for _, ph := range byAddr[a] {
						if ph.Note != "" {
							parts = append(parts, fmt.Sprintf("%s %s %s (%s)", a, ph.Attribute, ph.Value, ph.Note))
						}
					}
				}
				msg := fmt.Sprintf("answers about %s rest on values known only after apply", id)
				if len(parts) > 0 {
					msg += ": " + strings.Join(parts, "; ")
				}
				rep.Caveats = appendOnce(rep.Caveats, msg)
			}
		}
	}
	return pr
}

func hasChosen(phs []tfplan.Placeholder) bool {
	return slices.ContainsFunc(phs, func(p tfplan.Placeholder) bool { return p.Note != "" })
}

func appendOnce(xs []string, s string) []string {
	if slices.Contains(xs, s) {
		return xs
	}
	return append(xs, s)
}

// labelled returns a copy of the report for people: every resource and
// end named with its Terraform addresses.
func (pr *planReport) labelled() *impact.Report {
	rep := *pr.Report
	tag := func(id string) string {
		if as := pr.Plan.Addresses[id]; len(as) > 0 {
			return id + " [" + strings.Join(as, ", ") + "]"
		}
		return id
	}
	name := func(r change.Ref) change.Ref {
		if as := pr.Plan.Addresses[r.ID]; len(as) > 0 {
			if r.Name != "" {
				r.Name += "; "
			}
			r.Name += strings.Join(as, ", ")
		}
		return r
	}
	res := change.Resources{Added: []change.Ref{}, Removed: []change.Ref{}, Changed: []change.Change{}}
	for _, r := range pr.Resources.Added {
		res.Added = append(res.Added, name(r))
	}
	for _, r := range pr.Resources.Removed {
		res.Removed = append(res.Removed, name(r))
	}
	for _, c := range pr.Resources.Changed {
		c.Ref = name(c.Ref)
		res.Changed = append(res.Changed, c)
	}
	rep.Resources = res
	ends := func(d impact.Delta) impact.Delta {
		out := impact.Delta{Gained: []impact.Item{}, Lost: []impact.Item{}}
		conv := func(items []impact.Item) []impact.Item {
			var xs []impact.Item
			for _, it := range items {
				it.From, it.To = mapIDs(it.From, tag), mapIDs(it.To, tag)
				xs = append(xs, it)
			}
			return xs
		}
		out.Gained, out.Lost = conv(d.Gained), conv(d.Lost)
		return out
	}
	rep.Reachability, rep.Exposure = ends(pr.Reachability), ends(pr.Exposure)
	return &rep
}

func mapIDs(ids []string, f func(string) string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = f(id)
	}
	return out
}

func printPlan(s streams, g *globalOptions, pr *planReport) {
	w, t := g.text(s)
	on := "the network it was given"
	if pr.Plan.Network == "plan" {
		on = "the network it builds alone"
	}
	fmt.Fprintln(w, t.head.Render(fmt.Sprintf("Terraform plan %s (format %s), applied to %s — nothing applied in AWS",
		safe(filepath.Base(pr.Plan.File)), safe(pr.Plan.FormatVersion), on)))
	fmt.Fprintln(w)
	printDiff(s, g, pr.labelled())
	printPlanSections(w, t, pr)
}

func printPlanSections(w io.Writer, t *textRenderer, pr *planReport) {
	if len(pr.Plan.Placeholders) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, t.head.Render(fmt.Sprintf("Placeholders: %d values known only after apply", len(pr.Plan.Placeholders))))
		for _, ph := range pr.Plan.Placeholders {
			line := fmt.Sprintf("  %s %s = %s", ph.Address, ph.Attribute, ph.Value)
			if ph.Note != "" {
				line += "  " + t.dim.Render(ph.Note)
			}
			fmt.Fprintln(w, safe(line))
		}
	}
	if len(pr.Plan.NotConsidered) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, t.head.Render(fmt.Sprintf("Not considered: %d", len(pr.Plan.NotConsidered))))
		for _, sk := range pr.Plan.NotConsidered {
			fmt.Fprintf(w, "  %s  %s\n", safe(sk.Address), t.dim.Render(safe(sk.Reason)))
		}
	}
	for _, n := range pr.Plan.Notes {
		fmt.Fprintln(w, t.unknown.Render("note: "+safe(n)))
	}
}

func writePlanMarkdown(w io.Writer, pr *planReport) error {
	esc := func(s string) string { return strings.NewReplacer("|", `\|`, "\n", " ").Replace(safe(s)) }
	var b strings.Builder
	verdict := "opens nothing new to the internet and breaks no intent"
	if pr.Broke() {
		verdict = "**exposes something new to the internet or breaks an intent**"
	}
	fmt.Fprintf(&b, "### vpcscope: Terraform plan `%s` %s\n\n", esc(filepath.Base(pr.Plan.File)), verdict)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if err := writeDiffMarkdown(w, pr.labelled()); err != nil {
		return err
	}
	if err := writePathsMarkdown(w, pr.Paths); err != nil {
		return err
	}
	b.Reset()
	if len(pr.Caveats) > 0 {
		b.WriteString("\n#### Caveats\n\n")
		for _, c := range pr.Caveats {
			fmt.Fprintf(&b, "- %s\n", esc(c))
		}
	}
	if len(pr.Plan.Placeholders) > 0 {
		b.WriteString("\n#### Placeholders (values known only after apply)\n\n| address | attribute | value |\n|---|---|---|\n")
		for _, ph := range pr.Plan.Placeholders {
			v := ph.Value
			if ph.Note != "" {
				v += " (" + ph.Note + ")"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", esc(ph.Address), esc(ph.Attribute), esc(v))
		}
	}
	if len(pr.Plan.NotConsidered) > 0 {
		b.WriteString("\n#### Not considered\n\n")
		for _, sk := range pr.Plan.NotConsidered {
			fmt.Fprintf(&b, "- `%s`: %s\n", esc(sk.Address), esc(sk.Reason))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// planSARIF turns a plan report into a SARIF log: a result per exposure
// gained and per intent newly violated (errors), per inline/separate rule
// conflict and per new finding (warnings), each located at the
// Terraform addresses involved (the plan's JSON gives no file or line).
func planSARIF(pr *planReport) sarifLog {
	rules := []sarifRule{
		{ID: "plan-exposure", Name: "ExposureGained", ShortDescription: sarifMessage{Text: "The plan exposes something new to the internet"}},
		{ID: "plan-intent", Name: "IntentBroken", ShortDescription: sarifMessage{Text: "The plan breaks an intent"}},
		{ID: "plan-conflict", Name: "InlineAndSeparateRules", ShortDescription: sarifMessage{Text: "Rules written inline and as separate resources on one resource"}},
		{ID: "plan-finding", Name: "FindingNew", ShortDescription: sarifMessage{Text: "The plan adds an audit finding"}},
	}
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: "vpcscope", InformationURI: "https://github.com/vpcscope/vpcscope",
		Version: readBuildVersion().String(), Rules: rules}}, Results: []sarifResult{}}
	changed := pr.changedAddresses()
	locate := func(ids ...string) []sarifLocation {
		var as []string
		for _, id := range ids {
			as = append(as, pr.Plan.Addresses[id]...)
		}
		if len(as) == 0 {
			as = changed
		}
		slices.Sort(as)
		var out []sarifLocation
		for _, a := range slices.Compact(as) {
			out = append(out, sarifLocation{LogicalLocations: []sarifLogical{{Name: a, FullyQualifiedName: a, Kind: "resource"}}})
		}
		return out
	}
	for _, it := range pr.Exposure.Gained {
		run.Results = append(run.Results, sarifResult{RuleID: "plan-exposure", Level: "error",
			Message:   sarifMessage{Text: "after this plan the internet reaches " + itemText(it)},
			Locations: locate(slices.Concat(it.To, it.ToInstances)...)})
	}
	for _, c := range pr.Intents {
		if !c.NewlyViolated {
			continue
		}
		var ids []string
		for _, v := range c.Violations {
			ids = append(ids, v.From...)
			ids = append(ids, v.To...)
		}
		run.Results = append(run.Results, sarifResult{RuleID: "plan-intent", Level: "error",
			Message:   sarifMessage{Text: fmt.Sprintf("the plan breaks the intent %q (%s → %s)", c.Name, c.Before, c.After)},
			Locations: locate(ids...)})
	}
	for _, c := range pr.Plan.Conflicts {
		run.Results = append(run.Results, sarifResult{RuleID: "plan-conflict", Level: "warning", Message: sarifMessage{Text: c.Message},
			Locations: []sarifLocation{
				{LogicalLocations: []sarifLogical{{Name: c.Owner, FullyQualifiedName: c.Owner, Kind: "resource"}}},
				{LogicalLocations: []sarifLogical{{Name: c.Rule, FullyQualifiedName: c.Rule, Kind: "resource"}}}}})
	}
	for _, f := range pr.Findings.New {
		run.Results = append(run.Results, sarifResult{RuleID: "plan-finding", Level: "warning",
			Message: sarifMessage{Text: strings.Join(f.Controls, ",") + " " + f.Resource + ": " + f.Message}, Locations: locate(f.Resource)})
	}
	return sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}}
}

// changedAddresses are the addresses of every resource the plan changed.
func (pr *planReport) changedAddresses() []string {
	var out []string
	r := pr.Resources
	for _, ref := range slices.Concat(r.Added, r.Removed) {
		out = append(out, pr.Plan.Addresses[ref.ID]...)
	}
	for _, c := range r.Changed {
		out = append(out, pr.Plan.Addresses[c.ID]...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// applyPlanFlag applies --plan to a network read by open: the network
// the plan would leave, marked as planned. With no source, the plan is
// built alone.
func (g *globalOptions) applyPlanFlag(snap *model.Snapshot) (*model.Snapshot, error) {
	p, err := readPlanFile(g.planFile)
	if err != nil {
		return nil, err
	}
	res, err := tfplan.Apply(p, snap) // snap nil: the plan alone
	if err != nil {
		return nil, err
	}
	out := res.Snapshot
	out.Description = strings.TrimSpace("planned by " + filepath.Base(g.planFile) + ". " + out.Description)
	g.planned = &plannedMark{File: g.planFile, Placeholders: len(res.Placeholders), NotConsidered: len(res.NotConsidered),
		Changes: len(p.Changes), placeholders: res.Placeholders}
	return out, nil
}

// plannedMark marks an answer computed on the network a Terraform plan
// would leave.
type plannedMark struct {
	File          string `json:"file"`
	Changes       int    `json:"changes"`
	Placeholders  int    `json:"placeholders"`
	NotConsidered int    `json:"notConsidered"`
	// placeholders are the values stood in for, for the caveats of
	// answers that rest on them (planCaveats).
	placeholders []tfplan.Placeholder
}
