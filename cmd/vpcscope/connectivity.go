package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/model/intents"
	"github.com/vpcscope/vpcscope/model/topology"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/intent"
)

// connectivityFormats are the -o values connectivity accepts.
var connectivityFormats = []string{"text", "json", "markdown", "dot", "mermaid"}

func newConnectivityCmd(g *globalOptions, s streams) *cobra.Command {
	var by, from, to string
	cmd := &cobra.Command{
		Use:   "connectivity [--by vpc|subnet|sg|eni] [--from SELECTOR] [--to SELECTOR]",
		Short: "What talks to what: for every pair of VPCs, subnets, groups or interfaces, the traffic that gets through both ways",
		Long: `connectivity computes, for every pair of groups of interfaces (and the
internet), the exact protocols and ports on which some interface of one
reaches some interface of the other and the reply gets back: TCP and UDP
over every port, ICMP and ICMPv6 echo, and every other protocol a rule
names. It walks whole classes of interfaces at once (same subnet and
security groups behave alike), so it covers every packet, not a sample.

--by groups interfaces by vpc, subnet (the default), sg (security group;
an interface counts in each of its groups) or eni (every interface alone).
--from and --to narrow the senders and receivers with the selector
language of vpcscope check (vpc:, subnet:, sg:, tag:Key=Value, cidr:,
account:, region:, internet, any, and, or, not); both default to every
interface and the internet. NAT gateway, load balancer, endpoint and
transit gateway interfaces carry others' traffic and are not ends.

-o text prints a table, markdown a matrix, dot and mermaid a graph, json
the matrix as data (docs/json.md).`,
		Example: `  vpcscope connectivity --demo --by vpc
  vpcscope connectivity --demo --from 'vpc:prod-spoke' --to internet
  vpcscope connectivity --demo --by subnet -o markdown
  vpcscope connectivity --snapshot snap.json --by sg --from 'sg:web-sg' -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := g.checkOutputOf(connectivityFormats...); err != nil {
				return err
			}
			if !slicesContains(reach.GroupBys, reach.GroupBy(by)) {
				return usagef("--by %s: want vpc, subnet, sg or eni", by)
			}
			snap, err := g.load(cmd.Context(), s)
			if err != nil {
				return err
			}
			e := g.engine(snap)
			res := intent.NewResolver(e)
			fromG, err := selectGroup(res, "--from", from)
			if err != nil {
				return err
			}
			toG, err := selectGroup(res, "--to", to)
			if err != nil {
				return err
			}
			m, err := e.Connectivity(reach.ConnectivityOptions{From: fromG, To: toG, By: reach.GroupBy(by)})
			if err != nil {
				return err
			}
			switch g.output {
			case "json":
				return writeMatrixJSON(s.out, m)
			case "markdown":
				return writeMatrixMarkdown(s.out, m)
			case "dot":
				return writeMatrixDOT(s.out, m)
			case "mermaid":
				return writeMatrixMermaid(s.out, m)
			}
			printMatrix(s, g, m)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&by, "by", "subnet", "group interfaces by vpc, subnet, sg or eni")
	f.StringVar(&from, "from", "", "senders, a selector (default: every interface and the internet)")
	f.StringVar(&to, "to", "", "receivers, a selector (default: every interface and the internet)")
	return cmd
}

func slicesContains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// selectGroup resolves a selector flag: every end and the internet when
// it is empty.
func selectGroup(res *intent.Resolver, flag, text string) (reach.Group, error) {
	if strings.TrimSpace(text) == "" {
		text = "any or internet"
	}
	sel, err := intents.ParseSelector(text)
	if err != nil {
		return reach.Group{}, usagef("%s %q: %v", flag, text, err)
	}
	p, err := res.Resolve(sel)
	if err != nil {
		return reach.Group{}, usagef("%s %q: %v", flag, text, err)
	}
	return p.Group(), nil
}

func printMatrix(s streams, g *globalOptions, m *reach.Matrix) {
	w, t := g.text(s)
	labels := map[string]string{}
	width := 4
	for _, gr := range m.Groups {
		labels[gr.ID] = safe(gr.String())
		width = max(width, min(len(labels[gr.ID]), 48))
	}
	fmt.Fprintf(w, "%s\n", t.bold.Render(fmt.Sprintf("Connectivity by %s: %s, %s connected (the request gets through and its reply gets back)",
		m.By, count(len(m.Groups), "group"), count(m.Len(), "pair"))))
	if m.Len() == 0 {
		fmt.Fprintln(w, t.dim.Render("nothing gets through between these groups"))
	} else {
		fmt.Fprintf(w, "\n%-*s  %-*s  %s\n", width, "FROM", width, "TO", "TRAFFIC")
	}
	m.EachCell(func(c reach.MatrixCell) bool {
		line := c.Services
		for _, tr := range c.Traffic {
			if len(tr.Sources) > 0 {
				line += "  " + t.dim.Render("from "+safe(prefixSummary(tr.Sources)))
				break
			}
			if len(tr.Destinations) > 0 {
				line += "  " + t.dim.Render("to "+safe(prefixSummary(tr.Destinations)))
				break
			}
		}
		fmt.Fprintf(w, "%-*s  %-*s  %s\n", width, clip(labels[c.From], width), width, clip(labels[c.To], width), line)
		return true
	})
	for _, c := range m.Caveats {
		fmt.Fprintln(w, t.unknown.Render("caveat: "+safe(c)))
	}
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// prefixSummary shows a few prefixes of a set.
func prefixSummary(ps []string) string {
	if len(ps) <= 3 {
		return strings.Join(ps, ", ")
	}
	return strings.Join(ps[:3], ", ") + fmt.Sprintf(" … %d more", len(ps)-3)
}

// writeMatrixJSON streams the matrix: a large account by subnet has
// millions of cells.
func writeMatrixJSON(w io.Writer, m *reach.Matrix) error {
	head, err := json.Marshal(struct {
		By      reach.GroupBy       `json:"by"`
		Groups  []reach.MatrixGroup `json:"groups"`
		Caveats []string            `json:"caveats"`
	}{m.By, m.Groups, nonNil(m.Caveats)})
	if err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	if _, err := io.WriteString(w, string(head[:len(head)-1])+`,"cells":[`); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	first := true
	var werr error
	m.EachCell(func(c reach.MatrixCell) bool {
		b, err := json.Marshal(c)
		if err == nil && !first {
			_, err = io.WriteString(w, ",\n")
		}
		if err == nil {
			_, err = w.Write(b)
		}
		first = false
		werr = err
		return err == nil
	})
	if werr != nil {
		return fmt.Errorf("write JSON: %w", werr)
	}
	if _, err := io.WriteString(w, "]}\n"); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// writeMatrixMarkdown writes the matrix as a Markdown table: a row per
// sending group, a column per receiving group.
func writeMatrixMarkdown(w io.Writer, m *reach.Matrix) error {
	esc := func(s string) string {
		return strings.NewReplacer("|", `\|`, "\n", " ").Replace(safe(s))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Connectivity by %s: what gets through both ways, from the row to the column.\n\n", m.By)
	b.WriteString("| from \\ to |")
	for _, g := range m.Groups {
		b.WriteString(" " + esc(g.Label()) + " |")
	}
	b.WriteString("\n|---|")
	for range m.Groups {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, from := range m.Groups {
		b.WriteString("| **" + esc(from.Label()) + "** |")
		for _, to := range m.Groups {
			cell := ""
			if c, ok := m.Cell(from.ID, to.ID); ok {
				cell = esc(c.Services)
			}
			if from.ID == to.ID && cell == "" {
				cell = "·"
			}
			b.WriteString(" " + cell + " |")
		}
		b.WriteString("\n")
		if _, err := io.WriteString(w, b.String()); err != nil {
			return fmt.Errorf("write markdown: %w", err)
		}
		b.Reset()
	}
	for _, c := range m.Caveats {
		b.WriteString("\n> caveat: " + esc(c) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeMatrixDOT writes the matrix as a Graphviz graph: a node per group,
// an edge per connected pair labelled with its traffic.
func writeMatrixDOT(w io.Writer, m *reach.Matrix) error {
	var b strings.Builder
	b.WriteString("digraph connectivity {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n")
	for _, g := range m.Groups {
		label := topology.EscapeDOT(g.Label())
		if g.Name != "" && g.Name != g.ID {
			label += `\n` + topology.EscapeDOT(g.ID)
		}
		fmt.Fprintf(&b, "  \"%s\" [label=\"%s\"];\n", topology.EscapeDOT(g.ID), label)
	}
	m.EachCell(func(c reach.MatrixCell) bool {
		fmt.Fprintf(&b, "  \"%s\" -> \"%s\" [label=\"%s\"];\n", topology.EscapeDOT(c.From), topology.EscapeDOT(c.To), topology.EscapeDOT(c.Services))
		return true
	})
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeMatrixMermaid writes the matrix as a Mermaid flowchart.
func writeMatrixMermaid(w io.Writer, m *reach.Matrix) error {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	ids := map[string]string{}
	for i, g := range m.Groups {
		ids[g.ID] = fmt.Sprintf("g%d", i)
		fmt.Fprintf(&b, "  %s[\"%s\"]\n", ids[g.ID], topology.EscapeMermaid(g.Label()))
	}
	m.EachCell(func(c reach.MatrixCell) bool {
		fmt.Fprintf(&b, "  %s -->|\"%s\"| %s\n", ids[c.From], topology.EscapeMermaid(c.Services), ids[c.To])
		return true
	})
	_, err := io.WriteString(w, b.String())
	return err
}
