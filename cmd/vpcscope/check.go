package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/model/intents"
	"github.com/vpcscope/vpcscope/reach/intent"
)

// errViolated tells main that an intent is violated.
var errViolated = fmt.Errorf("%w: an intent is violated", errUnreachable)

// checkFormats are the -o values check accepts.
var checkFormats = []string{"text", "json", "sarif"}

func newCheckCmd(g *globalOptions, s streams) *cobra.Command {
	var naa bool
	var onprem onPremOptions
	cmd := &cobra.Command{
		Use:   "check [INTENTS.yaml] [--naa] [-o text|json|sarif]",
		Short: "Verify network intents (deny, allow, only) exhaustively, with the exact violating set and a witness trace",
		Long: `check verifies a file of network intents against the network, exactly: for
every statement, every packet between the endpoints its selectors name,
every protocol and port, both ways. A violation is an exact set — the
senders, receivers and ports, or the internet addresses — with the full
trace of one packet inside it.

  intents:
    - name: dev never reaches prod
      deny: {from: "tag:env=dev", to: "tag:env=prod"}            # any protocol and port
    - name: only the app tier reaches the database
      only: {from: "sg:app-sg", to: "sg:db-sg", port: "tcp/3306"}
    - name: the internet reaches only the edge, on 443
      only: {from: internet, to: "tag:tier=edge", port: "tcp/443"}

deny: no packet from FROM reaches TO on the ports. allow: every packet of
that kind does. only: TO on the ports is reached from FROM and from nothing
else. port: tcp/443, tcp/8000-8010, udp/53, icmp, icmp/3:4, 47, any (the
default), or a list. across: vpc|account|region keeps only pairs in
different VPCs, accounts or Regions. Selectors: vpc:, subnet:, sg: (ID,
group name or Name tag), tag:Key=Value (the interface's, else its
instance's, subnet's or VPC's), cidr:, account:, region:, internet, any,
onprem:NAME, combined with and, or, not and parentheses.

--naa adds the ready intents modelled on Network Access Analyzer's
Amazon-created scopes: ingress from the internet, egress to the internet,
cross-VPC.

Exit status: 0 every intent holds, 1 one is violated, 2 the file is
malformed (the error names its line and column).`,
		Example: `  vpcscope check --demo --naa
  vpcscope check --demo --naa -o json
  vpcscope check --snapshot prod.json intents.yaml
  vpcscope check --snapshot prod.json intents.yaml -o sarif > intents.sarif
  vpcscope check --snapshot prod.json intents.yaml --onprem datacenter=10.200.0.0/16`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.checkOutputOf(checkFormats...); err != nil {
				return err
			}
			if len(args) == 0 && !naa {
				return usagef("name an intents file, or --naa for the ready intents")
			}
			var files []*intents.File
			if len(args) == 1 {
				f, err := readIntents(args[0])
				if err != nil {
					return err
				}
				files = append(files, f)
			}
			if naa {
				files = append(files, intents.BuiltIn())
			}
			snap, err := g.load(cmd.Context(), s)
			if err != nil {
				return err
			}
			e, err := onprem.engine(g.engine(snap))
			if err != nil {
				return err
			}
			c := intent.NewChecker(e)
			var all []fileResults
			violated := false
			for _, f := range files {
				rs, err := c.Check(f)
				var re *intent.ReferenceError
				if errors.As(err, &re) {
					return usagef("%v", re)
				}
				if err != nil {
					return err
				}
				for _, r := range rs {
					violated = violated || r.Status == intent.Violated
				}
				all = append(all, fileResults{file: f, results: rs})
			}
			switch g.output {
			case "json":
				var rs []intent.Result
				for _, fr := range all {
					rs = append(rs, fr.results...)
				}
				if rs == nil {
					rs = []intent.Result{}
				}
				if err := writeJSON(s.out, struct {
					Intents []intent.Result `json:"intents"`
				}{rs}); err != nil {
					return err
				}
			case "sarif":
				if err := writeJSON(s.out, sarifOf(all)); err != nil {
					return err
				}
			default:
				printChecks(s, g, all)
			}
			if violated {
				return errViolated
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&naa, "naa", false, "add the ready intents modelled on Network Access Analyzer's scopes (internet ingress, internet egress, cross-VPC)")
	addOnPremFlags(cmd, &onprem)
	return cmd
}

type fileResults struct {
	file    *intents.File
	results []intent.Result
}

// maxIntentsFile bounds what check reads.
const maxIntentsFile = 4 << 20

// readIntents reads and parses an intents file; every mistake is a usage
// error naming the line and column.
func readIntents(path string) (*intents.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usagef("read intents: %v", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxIntentsFile+1))
	if err != nil {
		return nil, usagef("read intents %s: %v", path, err)
	}
	parsed, err := intents.Parse(data, path)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return parsed, nil
}

func printChecks(s streams, g *globalOptions, all []fileResults) {
	w, t := g.text(s)
	n, bad := 0, 0
	for _, fr := range all {
		for _, r := range fr.results {
			n++
			switch r.Status {
			case intent.Holds:
				fmt.Fprintf(w, "%s %s\n", t.ok.Render("✓ holds   "), safe(r.Name))
			case intent.Unknown:
				fmt.Fprintf(w, "%s %s — %s\n", t.unknown.Render("? unknown "), safe(r.Name), safe(r.Reason))
			default:
				bad++
				fmt.Fprintf(w, "%s %s — %s\n", t.bad.Render("✗ violated"), safe(r.Name), count(len(r.Violations), "violation"))
				for i, v := range r.Violations {
					if i == 20 {
						fmt.Fprintf(w, "    %s\n", t.dim.Render(fmt.Sprintf("… %d more (-o json lists them all)", len(r.Violations)-20)))
						break
					}
					svc := v.Protocol
					if len(v.Ports) > 0 {
						svc += "/" + portsText(v)
					} else if v.ICMP != "" {
						svc += " " + v.ICMP
					}
					fmt.Fprintf(w, "    %s %s → %s  %s\n", t.bad.Render(v.Kind+":"), safe(listText(v.From)), safe(listText(v.To)), safe(svc))
					if v.Witness != nil {
						fmt.Fprintf(w, "      %s\n", t.dim.Render("witness: "+safe(v.Witness.Summary())))
					}
				}
			}
			for _, c := range r.Caveats {
				fmt.Fprintf(w, "    %s\n", t.unknown.Render("caveat: "+safe(c)))
			}
		}
	}
	fmt.Fprintf(w, "\n%s\n", t.bold.Render(fmt.Sprintf("%s checked, %d violated", count(n, "intent"), bad)))
}

func portsText(v intent.Violation) string {
	parts := make([]string, len(v.Ports))
	for i, r := range v.Ports {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}

// listText shows a few members of a list.
func listText(ids []string) string {
	if len(ids) <= 3 {
		return strings.Join(ids, ", ")
	}
	return strings.Join(ids[:3], ", ") + fmt.Sprintf(" … %d more", len(ids)-3)
}

// SARIF 2.1.0, the subset vpcscope writes (the OASIS schema's names).
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string       `json:"id"`
	Name             string       `json:"name,omitempty"`
	ShortDescription sarifMessage `json:"shortDescription"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	// LogicalLocations name what has no file: a Terraform address.
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// sarifOf turns check results into a SARIF log: a rule per intent, a
// result per violation (an error) or per intent that cannot be decided
// (a note), located at the intent in its file.
func sarifOf(all []fileResults) sarifLog {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: "vpcscope", InformationURI: "https://github.com/vpcscope/vpcscope",
		Version: readBuildVersion().String(), Rules: []sarifRule{}}}, Results: []sarifResult{}}
	for _, fr := range all {
		for i, r := range fr.results {
			id := fmt.Sprintf("intent-%d", len(run.Tool.Driver.Rules)+1)
			_ = i
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{ID: id, Name: r.Name,
				ShortDescription: sarifMessage{Text: fmt.Sprintf("%s: %s", r.Kind, r.Name)}})
			loc := sarifLocation{PhysicalLocation: &sarifPhysical{ArtifactLocation: sarifArtifact{URI: fr.file.Name}}}
			if r.Line > 0 {
				loc.PhysicalLocation.Region = &sarifRegion{StartLine: r.Line, StartColumn: r.Column}
			}
			if r.Status == intent.Unknown {
				run.Results = append(run.Results, sarifResult{RuleID: id, Level: "note", Message: sarifMessage{Text: r.Name + ": " + r.Reason},
					Locations: []sarifLocation{loc}})
			}
			for _, v := range r.Violations {
				svc := v.Protocol
				if len(v.Ports) > 0 {
					svc += "/" + portsText(v)
				}
				msg := fmt.Sprintf("%s: %s %s → %s on %s", r.Name, v.Kind, listText(v.From), listText(v.To), svc)
				if v.Witness != nil {
					msg += "; witness: " + v.Witness.Summary()
				}
				run.Results = append(run.Results, sarifResult{RuleID: id, Level: "error", Message: sarifMessage{Text: msg},
					Locations: []sarifLocation{loc}})
			}
		}
	}
	return sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}}
}
