package topology

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/dominikbraun/graph"
	"github.com/dominikbraun/graph/draw"
	"github.com/vpcscope/vpcscope/internal/termsafe"
)

// Colours and widths of the path on the DOT and Mermaid pictures.
const (
	pathColor = "#d73a49"
	pathWidth = "3"
)

// key is a box's name in the DOT and Mermaid sources: v0, v1, … for VPCs
// and t0, t1, … for transit gateways (a snapshot's IDs and names may hold
// any character; these never need quoting).
func key(n Node) string {
	if n.Kind == NodeTransitGateway {
		return "t" + strconv.Itoa(n.Index)
	}
	return "v" + strconv.Itoa(n.Index)
}

// WriteDOT writes the map in Graphviz's DOT language: a cluster per
// account and region holding its boxes (VPCs as boxes, transit gateways as
// hexagons, boxes the snapshot lacks dashed), an edge per link (dashed
// when it carries no traffic), and the path in red. The graph is built
// with dominikbraun/graph and written by its draw package; its statements
// are then put in a stable order (draw walks Go maps) and the boxes into
// their clusters.
func WriteDOT(w io.Writer, m *Map, path Path) error {
	g := graph.New(graph.StringHash, graph.Directed())
	for _, n := range m.Order() {
		title, lines := m.BoxLines(n)
		attrs := map[string]string{"label": dotLabel(append([]string{title}, lines...)), "shape": "box"}
		id := m.NodeID(n)
		external := false
		if n.Kind == NodeTransitGateway {
			attrs["shape"] = "hexagon"
			external = m.TransitGateways[n.Index].External
		} else {
			external = m.VPCs[n.Index].External
		}
		if external {
			attrs["style"] = "dashed"
		}
		if path.HasNode(id) {
			attrs["color"], attrs["penwidth"] = pathColor, pathWidth
		}
		if err := g.AddVertex(key(n), graph.VertexAttributes(attrs)); err != nil {
			return fmt.Errorf("map: add %s: %w", id, err)
		}
	}
	for i := range m.Links {
		l := &m.Links[i]
		a, aok := m.Node(l.A)
		b, bok := m.Node(l.B)
		if !aok || !bok {
			continue
		}
		label := dotEscape(cmpLabel(l))
		attrs := map[string]string{"label": label, "dir": "none"}
		if !l.Active {
			attrs["style"] = "dashed"
		}
		if path.HasLink(l.ID) {
			attrs["color"], attrs["penwidth"] = pathColor, pathWidth
		}
		err := g.AddEdge(key(a), key(b), graph.EdgeAttributes(attrs))
		if errors.Is(err, graph.ErrEdgeAlreadyExists) {
			// Two links between the same boxes: one edge names both.
			e, _ := g.Edge(key(a), key(b))
			err = g.UpdateEdge(key(a), key(b), graph.EdgeAttribute("label", e.Properties.Attributes["label"]+`\n`+label))
		}
		if err != nil {
			return fmt.Errorf("map: link %s: %w", l.ID, err)
		}
	}
	var buf bytes.Buffer
	if err := draw.DOT(g, &buf, draw.GraphAttribute("rankdir", "LR"),
		draw.GraphAttribute("label", dotEscape(m.summary()))); err != nil {
		return fmt.Errorf("map: draw DOT: %w", err)
	}
	return arrangeDOT(w, buf.String(), m)
}

// arrangeDOT rewrites draw's output: graph attributes first, then a
// cluster per group with its boxes, then the edges, each part sorted.
func arrangeDOT(w io.Writer, src string, m *Map) error {
	var head, attrs, edges []string
	nodes := map[string]string{}
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
		case strings.HasPrefix(t, `"`):
			name, rest, _ := strings.Cut(t[1:], `"`)
			if strings.HasPrefix(strings.TrimSpace(rest), "->") {
				edges = append(edges, t)
			} else {
				nodes[name] = t
			}
		case strings.HasSuffix(t, "{"):
			head = append(head, t)
		case t == "}":
		default:
			attrs = append(attrs, t)
		}
	}
	if len(head) != 1 {
		return fmt.Errorf("map: draw wrote %d graph headers, want 1", len(head))
	}
	var b strings.Builder
	b.WriteString(head[0] + "\n")
	slices.Sort(attrs)
	for _, a := range attrs {
		b.WriteString("\t" + a + "\n")
	}
	for gi, g := range m.Groups {
		fmt.Fprintf(&b, "\tsubgraph \"cluster_%d\" {\n\t\tlabel=\"%s\";\n", gi, dotEscape(g.Title()))
		for _, n := range g.Nodes {
			b.WriteString("\t\t" + nodes[key(n)] + "\n")
		}
		b.WriteString("\t}\n")
	}
	slices.Sort(edges)
	for _, e := range edges {
		b.WriteString("\t" + e + "\n")
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// cmpLabel is a link's label: its name and ID, and its state when it
// carries no traffic.
func cmpLabel(l *Link) string {
	s := l.ID
	if l.Name != "" {
		s = l.Name + " " + l.ID
	}
	if !l.Active && l.State != "" {
		s += " (" + l.State + ")"
	}
	return s
}

// dotLabel joins a box's lines into one DOT label, a line each.
func dotLabel(lines []string) string {
	parts := make([]string, len(lines))
	for i, s := range lines {
		parts[i] = dotEscape(s)
	}
	return strings.Join(parts, `\n`)
}

// dotEscape makes s safe inside a DOT double-quoted string: no control
// characters, backslashes and quotes escaped.
func dotEscape(s string) string {
	s = termsafe.String(s)
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}
