package topology

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/internal/termsafe"
)

// WriteMermaid writes the map as a Mermaid flowchart, which GitHub renders
// in Markdown (inside a ```mermaid block): a subgraph per account and
// region holding its boxes (VPCs as rectangles, transit gateways as
// hexagons, boxes the snapshot lacks dashed), a line per link (dotted when
// it carries no traffic), and the path in red.
func WriteMermaid(w io.Writer, m *Map, path Path) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "flowchart LR")
	var onPath, external []string
	for gi, g := range m.Groups {
		fmt.Fprintf(bw, "  subgraph g%d[\"%s\"]\n", gi, mermaidEscape(g.Title()))
		for _, n := range g.Nodes {
			title, lines := m.BoxLines(n)
			label := mermaidLabel(append([]string{title}, lines...))
			k := key(n)
			if n.Kind == NodeTransitGateway {
				fmt.Fprintf(bw, "    %s{{\"%s\"}}\n", k, label)
				if m.TransitGateways[n.Index].External {
					external = append(external, k)
				}
			} else {
				fmt.Fprintf(bw, "    %s[\"%s\"]\n", k, label)
				if m.VPCs[n.Index].External {
					external = append(external, k)
				}
			}
			if path.HasNode(m.NodeID(n)) {
				onPath = append(onPath, k)
			}
		}
		fmt.Fprintln(bw, "  end")
	}
	var pathLinks []string
	drawn := 0
	for i := range m.Links {
		l := &m.Links[i]
		a, aok := m.Node(l.A)
		b, bok := m.Node(l.B)
		if !aok || !bok {
			continue
		}
		line := "---"
		if !l.Active {
			line = "-.-"
		}
		fmt.Fprintf(bw, "  %s %s|\"%s\"| %s\n", key(a), line, mermaidEscape(cmpLabel(l)), key(b))
		if path.HasLink(l.ID) {
			pathLinks = append(pathLinks, strconv.Itoa(drawn))
		}
		drawn++
	}
	if len(external) > 0 {
		fmt.Fprintln(bw, "  classDef external stroke-dasharray: 5 5")
		fmt.Fprintf(bw, "  class %s external\n", strings.Join(external, ","))
	}
	if len(onPath) > 0 {
		fmt.Fprintf(bw, "  classDef path stroke:%s,stroke-width:%spx\n", pathColor, pathWidth)
		fmt.Fprintf(bw, "  class %s path\n", strings.Join(onPath, ","))
	}
	if len(pathLinks) > 0 {
		fmt.Fprintf(bw, "  linkStyle %s stroke:%s,stroke-width:%spx\n", strings.Join(pathLinks, ","), pathColor, pathWidth)
	}
	return bw.Flush()
}

// mermaidLabel joins a box's lines into one Mermaid label, a line each.
func mermaidLabel(lines []string) string {
	parts := make([]string, len(lines))
	for i, s := range lines {
		parts[i] = mermaidEscape(s)
	}
	return strings.Join(parts, "<br/>")
}

// mermaidEscape makes s safe inside a double-quoted Mermaid label: no
// control characters, and the characters Mermaid or its HTML labels would
// read (quote, #, <, >, &, |, backtick) as entity codes.
func mermaidEscape(s string) string {
	s = termsafe.String(s)
	return strings.NewReplacer("#", "#35;", `"`, "#quot;", "<", "#lt;", ">", "#gt;", "&", "#amp;",
		"|", "#124;", "`", "#96;").Replace(s)
}
