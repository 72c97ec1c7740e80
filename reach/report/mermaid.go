package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model/topology"
	"github.com/vpcscope/vpcscope/reach"
)

// mermaid draws the exposed paths as a Mermaid flowchart: the internet,
// the gateways and load balancers each path crosses, and the exposed
// resource, each edge labelled with what crosses it. It is drawn from the
// exposures' paths alone; its labels are escaped as the network map's
// Mermaid output escapes them (topology.EscapeMermaid).
func mermaid(d *Document) string {
	if len(d.exposed) == 0 {
		return ""
	}
	type edge struct{ from, to string }
	nodes := map[string]string{"internet": "internet((Internet))"}
	order := []string{"internet"}
	labels := map[edge][]string{}
	var edges []edge
	node := func(id, label, shape string) string {
		key := mermaidID(id)
		if _, ok := nodes[key]; !ok {
			nodes[key] = fmt.Sprintf("%s%s\"%s\"%s", key, shape[:1], topology.EscapeMermaid(label), shape[1:])
			order = append(order, key)
		}
		return key
	}
	for _, x := range d.exposed {
		prev := "internet"
		for _, h := range x.Path {
			var key string
			if h.Layer != reach.LayerInternetGateway {
				continue
			}
			key = node(h.Resource, "internet gateway "+cmpName(h.Name, h.Resource), "[]")
			if key != prev {
				e := edge{prev, key}
				if _, ok := labels[e]; !ok {
					edges = append(edges, e)
					labels[e] = nil
				}
				prev = key
			}
		}
		who := cmpName(x.Name, x.ID)
		if x.Kind == "load-balancer" {
			who = "load balancer " + who
		}
		last := node(x.ID, who+" "+exposedAddr(x), "[]")
		e := edge{prev, last}
		if _, ok := labels[e]; !ok {
			edges = append(edges, e)
		}
		svc := x.Protocol
		if x.Ports != "" {
			svc += "/" + x.Ports
		}
		if !slices.Contains(labels[e], svc) {
			labels[e] = append(labels[e], svc)
		}
	}
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	for _, k := range order {
		fmt.Fprintf(&b, "  %s\n", nodes[k])
	}
	for _, e := range edges {
		if l := labels[e]; len(l) > 0 {
			fmt.Fprintf(&b, "  %s -->|\"%s\"| %s\n", e.from, topology.EscapeMermaid(strings.Join(l, ", ")), e.to)
		} else {
			fmt.Fprintf(&b, "  %s --> %s\n", e.from, e.to)
		}
	}
	for _, k := range order[1:] {
		if !strings.HasPrefix(nodes[k], k+"[\"internet gateway") {
			fmt.Fprintf(&b, "  class %s exposed\n", k)
		}
	}
	b.WriteString("  classDef exposed stroke:#c0392b,stroke-width:2px\n")
	return b.String()
}

func cmpName(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// mermaidID turns an AWS ID or ARN into a Mermaid node ID.
func mermaidID(id string) string {
	return "n_" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, id)
}
