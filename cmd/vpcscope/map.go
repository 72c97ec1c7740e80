package main

import (
	"fmt"
	"os"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/topology"
	"github.com/vpcscope/vpcscope/reach"
)

// mapFormats are the -o values map accepts.
var mapFormats = []string{"text", "json", "dot", "mermaid"}

// mapOptions are map's flags: the width of the text picture and the trace
// to highlight.
type mapOptions struct {
	width int
	trace reachOptions
}

func newMapCmd(g *globalOptions, s streams) *cobra.Command {
	o := &mapOptions{}
	cmd := &cobra.Command{
		Use:   "map [-o text|json|dot|mermaid] [--from A --to B --port P]",
		Short: "The network's map: accounts and regions, VPCs and their gateways, peering and transit gateway links",
		Long: `map draws the network's topology: a frame per account and region, a box per
VPC with its CIDRs, subnet count and internet, NAT, egress-only and VPN
gateways, a box per transit gateway with its route tables, and every
peering connection and transit gateway attachment with the route tables
that send traffic over it.

-o text draws it with box characters (boxes wrap to the width: the
terminal's, or --width), -o dot writes Graphviz DOT (dot -Tsvg), -o mermaid
a Mermaid flowchart that GitHub renders in Markdown, -o json the map as
data. With --from and --to (and --protocol, --port as for reach) the
trace's VPCs and links are highlighted: heavy boxes and ▶ in text, red in
DOT and Mermaid. The exit status is 0 whatever the trace's verdict.`,
		Example: `  vpcscope map --demo
  vpcscope map --demo -o mermaid
  vpcscope map --demo -o dot | dot -Tsvg > network.svg
  vpcscope map --demo --from payments-api-1 --to fraud-scoring-1 --port 8443`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := g.checkOutputOf(mapFormats...); err != nil {
				return err
			}
			if err := checkIntFlags(cmd, intRange{name: "width", v: &o.width, lo: 40, hi: 1000}); err != nil {
				return err
			}
			tracing := o.trace.from != "" || o.trace.to != ""
			var q reach.Query
			if tracing {
				if o.trace.from == "" || o.trace.to == "" {
					return usagef("--from and --to go together: the trace to highlight")
				}
				var err error
				if q, err = o.trace.query(cmd); err != nil {
					return err
				}
			}
			snap, err := g.load(cmd.Context(), s)
			if err != nil {
				return err
			}
			view, a, err := buildMap(g, snap, tracing, q)
			if err != nil {
				return err
			}
			return writeMap(g, s, view, a, o.width)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.width, "width", 0, "width of the text picture in columns (default: the terminal's, or 80)")
	f.StringVar(&o.trace.from, "from", "", "highlight the path from this source (as reach --from)")
	f.StringVar(&o.trace.to, "to", "", "highlight the path to this destination (as reach --to)")
	f.StringVar(&o.trace.protocol, "protocol", "tcp", "the trace's protocol: tcp, udp, icmp, icmpv6 or all")
	f.IntVar(&o.trace.port, "port", 0, "the trace's destination port (tcp and udp)")
	f.IntVar(&o.trace.sourcePort, "source-port", 0, "the trace's source port (default: any ephemeral port 1024-65535)")
	addICMPFlags(f, &o.trace)
	return cmd
}

// mapView is map's JSON: the topology, and with a trace the path on it
// and the trace's one-line conclusion.
type mapView struct {
	*topology.Map
	Path  *topology.Path `json:"path,omitempty"`
	Trace string         `json:"trace,omitempty"`
}

// buildMap builds the map of snap and, when tracing, answers q and marks
// its path.
func buildMap(g *globalOptions, snap *model.Snapshot, tracing bool, q reach.Query) (mapView, *reach.Answer, error) {
	if !tracing && g.preloaded == nil {
		// The map alone needs the index, not the engine's precomputation.
		return mapView{Map: topology.Build(model.NewIndex(snap))}, nil, nil
	}
	e := g.engine(snap)
	view := mapView{Map: topology.Build(e.Index())}
	if !tracing {
		return view, nil, nil
	}
	a, err := e.Reach(q)
	if err != nil {
		return view, nil, err
	}
	p := view.Highlight(a.Resources())
	view.Path, view.Trace = &p, a.Summary()
	return view, a, nil
}

// writeMap writes the map in the -o format.
func writeMap(g *globalOptions, s streams, view mapView, a *reach.Answer, width int) error {
	var path topology.Path
	if view.Path != nil {
		path = *view.Path
	}
	switch g.output {
	case "json":
		return writeJSON(s.out, view)
	case "dot":
		return topology.WriteDOT(s.out, view.Map, path)
	case "mermaid":
		return topology.WriteMermaid(s.out, view.Map, path)
	}
	w, t := g.text(s)
	if a != nil {
		svc := a.Query.Protocol
		if a.Query.Port != nil {
			svc = fmt.Sprintf("%s/%d", a.Query.Protocol, *a.Query.Port)
		}
		fmt.Fprintf(w, "trace %s → %s %s: %s\n", t.bold.Render(safe(a.Query.From)), t.bold.Render(safe(a.Query.To)), safe(svc), safe(a.Summary()))
	}
	if width == 0 {
		width = terminalWidth(s)
	}
	return topology.WriteText(w, view.Map, topology.TextOptions{Width: width, Path: path})
}

// terminalWidth is the width of the terminal standard output is, or
// topology.DefaultWidth when it is not one.
func terminalWidth(s streams) int {
	if f, ok := s.out.(*os.File); ok && term.IsTerminal(f.Fd()) {
		if w, _, err := term.GetSize(f.Fd()); err == nil && w >= 40 {
			return w
		}
	}
	return topology.DefaultWidth
}
