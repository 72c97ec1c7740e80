package topology_test

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/topology"
	"github.com/vpcscope/vpcscope/reach"
)

// snapshots are the networks the map is checked on: each fixture and the
// demo that merges them.
func snapshots(t *testing.T) map[string]*model.Snapshot {
	t.Helper()
	out := map[string]*model.Snapshot{}
	for _, name := range fixtures.Names() {
		s, err := fixtures.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = s
	}
	d, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	out["demo"] = d
	return out
}

func build(t *testing.T, s *model.Snapshot) *topology.Map {
	t.Helper()
	return topology.Build(model.NewIndex(s))
}

func TestBuild(t *testing.T) {
	snaps := snapshots(t)
	tests := []struct {
		name, snap string
		check      func(t *testing.T, m *topology.Map)
	}{
		{"a VPC box holds its IPv4 then IPv6 blocks and its subnet count", "three-tier", func(t *testing.T, m *topology.Map) {
			v := m.VPC("vpc-0ed7c08ef5c77deaa")
			if v == nil || v.Name != "storefront-prod" || fmt.Sprint(v.CIDRs) != "[10.0.0.0/16 2600:1f18:6b4:c100::/56]" || v.Subnets != 6 {
				t.Fatalf("storefront-prod: %+v", v)
			}
		}},
		// A VPC has one internet gateway attached, egress-only gateways for
		// IPv6, and NAT gateways in its subnets (VPC user guide, "Connect
		// your VPC to the internet").
		{"a VPC box lists its internet, egress-only and NAT gateways with the route tables that use them", "three-tier", func(t *testing.T, m *topology.Map) {
			v := m.VPC("vpc-0ed7c08ef5c77deaa")
			var kinds []string
			for _, g := range v.Gateways {
				kinds = append(kinds, string(g.Kind)+" "+g.Name+" "+strings.Join(g.RouteTables, ","))
			}
			want := []string{
				"internet storefront-igw rtb-07aaa8b7560850b26",
				"egress-only storefront-eigw rtb-05d9ac6ee641b7b98,rtb-0f3683306702c0d22",
				"nat storefront-nat-1a rtb-05d9ac6ee641b7b98",
				"nat storefront-nat-1b rtb-0f3683306702c0d22",
			}
			if !slices.Equal(kinds, want) {
				t.Fatalf("gateways:\n%s\nwant:\n%s", strings.Join(kinds, "\n"), strings.Join(want, "\n"))
			}
		}},
		{"a transit gateway box holds its route tables, with route and blackhole counts and associations", "hub-and-spoke", func(t *testing.T, m *topology.Map) {
			tgw := m.TransitGateway("tgw-0ec66798a1d4b497d")
			if tgw == nil || len(tgw.RouteTables) != 3 || len(tgw.Links) != 4 {
				t.Fatalf("core-tgw: %+v", tgw)
			}
			var spoke topology.TGWRouteTable
			for _, rt := range tgw.RouteTables {
				if rt.Name == "spoke-rtb" {
					spoke = rt
				}
			}
			if spoke.Blackholes != 1 || len(spoke.Associations) != 2 {
				t.Fatalf("spoke-rtb: %+v", spoke)
			}
		}},
		{"a transit gateway attachment links its VPC to the gateway, with its associated route table and the VPC routes to the gateway", "hub-and-spoke", func(t *testing.T, m *topology.Map) {
			l := m.Link("tgw-attach-02055e5ecf88bf68d")
			if l == nil || l.Kind != topology.LinkAttachment || l.A != "vpc-0e3ca8d42504bec9a" || l.B != "tgw-0ec66798a1d4b497d" ||
				l.Association != "tgw-rtb-06afe9e1d0af37589" || !l.Active || len(l.RouteTables) == 0 {
				t.Fatalf("prod-attach: %+v", l)
			}
		}},
		// A peering connection joins a requester and an accepter VPC, in
		// any account and Region (VPC peering guide, "How VPC peering
		// connections work").
		{"a peering across accounts is one link marked across accounts", "peering", func(t *testing.T, m *topology.Map) {
			l := m.Link("pcx-037ddf5c13d72a550")
			if l == nil || l.Kind != topology.LinkPeering || !l.CrossAccount || l.CrossRegion || !l.Active {
				t.Fatalf("payments-fraud: %+v", l)
			}
			if a, b := m.VPC(l.A), m.VPC(l.B); a == nil || b == nil || a.Account == b.Account {
				t.Fatalf("ends %+v %+v", a, b)
			}
		}},
		// Until the accepter accepts, a peering is pending-acceptance and
		// carries no traffic.
		{"a peering pending acceptance is drawn but not active, across regions", "peering", func(t *testing.T, m *topology.Map) {
			l := m.Link("pcx-07d693b707239abbd")
			if l == nil || l.Active || l.State != "pending-acceptance" || !l.CrossRegion {
				t.Fatalf("payments-analytics: %+v", l)
			}
		}},
		{"groups are accounts and regions in order, each VPC in its own", "demo", func(t *testing.T, m *topology.Map) {
			var titles []string
			for _, g := range m.Groups {
				titles = append(titles, g.Title())
			}
			want := []string{"111122223333 · us-east-1", "111122223333 · us-west-2", "444455556666 · us-east-1"}
			if !slices.Equal(titles, want) {
				t.Fatalf("groups %q, want %q", titles, want)
			}
			for _, v := range m.VPCs {
				if g := m.Groups[v.Group]; v.Account != g.Account || v.Region != g.Region {
					t.Errorf("%s (%s/%s) in group %s", v.ID, v.Account, v.Region, g.Title())
				}
			}
			if len(m.VPCs) != 17 || len(m.TransitGateways) != 3 || len(m.Links) != 11 {
				t.Fatalf("%d VPCs, %d transit gateways, %d links", len(m.VPCs), len(m.TransitGateways), len(m.Links))
			}
		}},
		{"every link's ends are boxes that list the link", "demo", func(t *testing.T, m *topology.Map) {
			for i, l := range m.Links {
				for _, end := range []string{l.A, l.B} {
					n, ok := m.Node(end)
					if !ok {
						t.Fatalf("link %s: end %s is no box", l.ID, end)
					}
					var links []int
					if n.Kind == topology.NodeVPC {
						links = m.VPCs[n.Index].Links
					} else {
						links = m.TransitGateways[n.Index].Links
					}
					if !slices.Contains(links, i) {
						t.Errorf("box %s does not list link %s", end, l.ID)
					}
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, build(t, snaps[tt.snap])) })
	}
}

// A peering whose far VPC belongs to an account the snapshot does not
// cover still has two ends: the far one is drawn as external, with the
// CIDRs the peering connection reports.
func TestBuildDrawsAPeersVPCThatIsNotInTheSnapshot(t *testing.T) {
	s, err := fixtures.Load("peering")
	if err != nil {
		t.Fatal(err)
	}
	var kept []*model.VPC
	for _, v := range s.VPCs {
		if v.Account != "444455556666" {
			kept = append(kept, v)
		}
	}
	s.VPCs = kept
	m := build(t, s)
	l := m.Link("pcx-037ddf5c13d72a550")
	far := m.VPC(l.B)
	if far == nil || !far.External || far.Account != "444455556666" || len(far.CIDRs) == 0 {
		t.Fatalf("far side %+v", far)
	}
}

func TestHighlight(t *testing.T) {
	demo := snapshots(t)["demo"]
	m := build(t, demo)
	e := reach.New(demo)
	tests := []struct {
		name, from, to string
		port           int
		nodes, links   []string
	}{
		{"a same-VPC trace lights its one VPC and no link", "web-1a", "db-1a", 3306,
			[]string{"vpc-0ed7c08ef5c77deaa"}, nil},
		{"a trace over a cross-account peering lights both VPCs and the peering", "payments-api-1", "fraud-scoring-1", 8443,
			[]string{"vpc-03dfc90b5ff67beef", "vpc-0d7c102b1faff6a73"}, []string{"pcx-037ddf5c13d72a550"}},
		{"a trace through the transit gateway's inspection VPC lights every VPC and attachment it crosses, in order", "prod-api-1a", "dev-build-1a", 443,
			[]string{"vpc-0e3ca8d42504bec9a", "tgw-0ec66798a1d4b497d", "vpc-0c6dc6ae3a16422a0", "vpc-0cee8a722b3e5523b"},
			[]string{"tgw-attach-02055e5ecf88bf68d", "tgw-attach-0a61ae8905f4a1713", "tgw-attach-0573a0c59344c9eca"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := e.Reach(reach.Query{From: tt.from, To: tt.to, Protocol: model.ProtocolTCP, Port: tt.port})
			if err != nil {
				t.Fatal(err)
			}
			p := m.Highlight(a.Resources())
			if !slices.Equal(p.Nodes, tt.nodes) || !slices.Equal(p.Links, append([]string{}, tt.links...)) {
				t.Fatalf("path nodes %v links %v\nwant nodes %v links %v", p.Nodes, p.Links, tt.nodes, tt.links)
			}
			for _, id := range tt.nodes {
				if !p.HasNode(id) {
					t.Errorf("HasNode(%s) = false", id)
				}
			}
		})
	}
}

func TestLayoutMove(t *testing.T) {
	m := build(t, snapshots(t)["demo"])
	l := m.Layout(80)
	if l.PerRow != 2 || l.BoxWidth > 38 {
		t.Fatalf("at 80 columns: %d boxes of %d per row", l.PerRow, l.BoxWidth)
	}
	first := l.Rows[0].Cells[0].ID
	tests := []struct {
		name string
		from string
		dir  topology.Direction
		want string
	}{
		{"right moves to the next box in the row", first, topology.Right, l.Rows[0].Cells[1].ID},
		{"right past a row's end wraps to the next row", l.Rows[0].Cells[1].ID, topology.Right, l.Rows[1].Cells[0].ID},
		{"left at the first box stays", first, topology.Left, first},
		{"down keeps the column", l.Rows[0].Cells[1].ID, topology.Down, l.Rows[1].Cells[1].ID},
		{"up from the top row stays", first, topology.Up, first},
		{"down into a shorter row takes its last box", l.Rows[2].Cells[1].ID, topology.Down, l.Rows[3].Cells[len(l.Rows[3].Cells)-1].ID},
		{"an ID not on the map starts at the first box", "vpc-nowhere", topology.Down, first},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.Move(tt.from, tt.dir); got != tt.want {
				t.Fatalf("Move(%s) = %s, want %s", tt.from, got, tt.want)
			}
		})
	}
	// Every box is reached walking right from the first, in display order.
	var walked []string
	for id := first; ; {
		walked = append(walked, id)
		next := l.Move(id, topology.Right)
		if next == id {
			break
		}
		id = next
	}
	var order []string
	for _, n := range m.Order() {
		order = append(order, m.NodeID(n))
	}
	if !slices.Equal(walked, order) {
		t.Fatalf("walk %v\norder %v", walked, order)
	}
}

// TestGolden draws every fixture and the demo in each format (text at 80
// and 120 columns); go test ./model/topology -run Golden -update rewrites
// the files.
func TestGolden(t *testing.T) {
	snaps := snapshots(t)
	names := append(fixtures.Names(), "demo")
	for _, name := range names {
		m := build(t, snaps[name])
		for _, f := range []struct {
			format string
			write  func(*bytes.Buffer) error
		}{
			{"text80", func(b *bytes.Buffer) error { return topology.WriteText(b, m, topology.TextOptions{Width: 80}) }},
			{"text120", func(b *bytes.Buffer) error { return topology.WriteText(b, m, topology.TextOptions{Width: 120}) }},
			{"dot", func(b *bytes.Buffer) error { return topology.WriteDOT(b, m, topology.Path{}) }},
			{"mermaid", func(b *bytes.Buffer) error { return topology.WriteMermaid(b, m, topology.Path{}) }},
		} {
			t.Run(name+"/"+f.format, func(t *testing.T) {
				var b bytes.Buffer
				if err := f.write(&b); err != nil {
					t.Fatal(err)
				}
				golden.RequireEqual(t, b.Bytes())
			})
		}
	}
	// The path of a trace across accounts, in every format.
	demo := snaps["demo"]
	m := build(t, demo)
	a, err := reach.New(demo).Reach(reach.Query{From: "payments-api-1", To: "fraud-scoring-1", Protocol: model.ProtocolTCP, Port: 8443})
	if err != nil {
		t.Fatal(err)
	}
	p := m.Highlight(a.Resources())
	for format, write := range map[string]func(*bytes.Buffer) error{
		"text": func(b *bytes.Buffer) error { return topology.WriteText(b, m, topology.TextOptions{Width: 80, Path: p}) },
		"dot":  func(b *bytes.Buffer) error { return topology.WriteDOT(b, m, p) },
		"mermaid": func(b *bytes.Buffer) error {
			return topology.WriteMermaid(b, m, p)
		},
	} {
		t.Run("demo-path/"+format, func(t *testing.T) {
			var b bytes.Buffer
			if err := write(&b); err != nil {
				t.Fatal(err)
			}
			golden.RequireEqual(t, b.Bytes())
		})
	}
}

// TestTextFitsTheWidth: no line of the text picture is wider than asked,
// whatever the names (wide characters included).
func TestTextFitsTheWidth(t *testing.T) {
	s := snapshots(t)["demo"]
	fixtures.AppendText(s, "-名前-"+strings.Repeat("x", 60))
	m := build(t, s)
	for _, width := range []int{40, 80, 120, 200} {
		var b bytes.Buffer
		if err := topology.WriteText(&b, m, topology.TextOptions{Width: width}); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
			if w := displayWidth(line); w > width {
				t.Fatalf("at %d columns a line is %d wide: %q", width, w, line)
			}
		}
	}
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 && (r <= 0x115f || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) || (r >= 0xf900 && r <= 0xfaff) || (r >= 0xff00 && r <= 0xff60)) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// hostile is a name that tries to break out of a DOT or Mermaid label:
// quotes, brackets, entity-like text, pipes, backticks, the keyword end
// and terminal escapes.
const hostile = "\"] end; subgraph x[\"<b>#quot;|`}{\\\"" + fixtures.TerminalEscapes

// TestDOTAndMermaidAreWellFormed checks the structure of both documents on
// every snapshot, with hostile names too: subgraphs (clusters) balanced,
// every edge between declared boxes, every label's quotes closed.
func TestDOTAndMermaidAreWellFormed(t *testing.T) {
	for name, s := range snapshots(t) {
		for _, hostileNames := range []bool{false, true} {
			if hostileNames {
				fixtures.AppendText(s, hostile)
			}
			m := build(t, s)
			a, err := reach.New(s).Reach(reach.Query{From: "internet", To: "10.0.0.10", Protocol: model.ProtocolTCP, Port: 443})
			p := topology.Path{}
			if err == nil {
				p = m.Highlight(a.Resources())
			}
			t.Run(fmt.Sprintf("%s/hostile=%v/mermaid", name, hostileNames), func(t *testing.T) {
				var b bytes.Buffer
				if err := topology.WriteMermaid(&b, m, p); err != nil {
					t.Fatal(err)
				}
				checkMermaid(t, b.String(), len(m.Groups), len(m.VPCs)+len(m.TransitGateways))
			})
			t.Run(fmt.Sprintf("%s/hostile=%v/dot", name, hostileNames), func(t *testing.T) {
				var b bytes.Buffer
				if err := topology.WriteDOT(&b, m, p); err != nil {
					t.Fatal(err)
				}
				checkDOT(t, b.String(), len(m.Groups), len(m.VPCs)+len(m.TransitGateways))
			})
		}
	}
}

var (
	mermaidNode = regexp.MustCompile(`^    ([vt]\d+)(\["[^"]*"\]|\{\{"[^"]*"\}\})$`)
	mermaidEdge = regexp.MustCompile(`^  ([vt]\d+) (---|-\.-)\|"[^"]*"\| ([vt]\d+)$`)
)

func checkMermaid(t *testing.T, src string, groups, boxes int) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(src, "\n"), "\n")
	if lines[0] != "flowchart LR" {
		t.Fatalf("first line %q", lines[0])
	}
	declared := map[string]bool{}
	depth, subgraphs := 0, 0
	for i, line := range lines[1:] {
		switch {
		case regexp.MustCompile(`^  subgraph g\d+\["[^"]*"\]$`).MatchString(line):
			depth++
			subgraphs++
			if depth > 1 {
				t.Fatalf("line %d: nested subgraph", i+2)
			}
		case line == "  end":
			depth--
			if depth < 0 {
				t.Fatalf("line %d: end without subgraph", i+2)
			}
		case mermaidNode.MatchString(line):
			if depth != 1 {
				t.Fatalf("line %d: box outside a subgraph: %q", i+2, line)
			}
			declared[mermaidNode.FindStringSubmatch(line)[1]] = true
		case mermaidEdge.MatchString(line):
			m := mermaidEdge.FindStringSubmatch(line)
			if !declared[m[1]] || !declared[m[3]] {
				t.Fatalf("line %d: edge between undeclared boxes: %q", i+2, line)
			}
		case strings.HasPrefix(line, "  classDef ") || strings.HasPrefix(line, "  class ") || strings.HasPrefix(line, "  linkStyle "):
		default:
			t.Fatalf("line %d is none of subgraph, end, box, edge, style: %q", i+2, line)
		}
	}
	if depth != 0 || subgraphs != groups || len(declared) != boxes {
		t.Fatalf("depth %d, %d subgraphs (want %d), %d boxes (want %d)", depth, subgraphs, groups, len(declared), boxes)
	}
}

var (
	dotString = `"(?:[^"\\]|\\.)*"`
	dotAttrs  = `\[ (?:\w+=` + dotString + `, )* weight=\d+ \];$`
	dotNode   = regexp.MustCompile(`^\t\t"([vt]\d+)" ` + dotAttrs)
	dotEdge   = regexp.MustCompile(`^\t"([vt]\d+)" -> "([vt]\d+)" ` + dotAttrs)
)

func checkDOT(t *testing.T, src string, groups, boxes int) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(src, "\n"), "\n")
	if lines[0] != "strict digraph {" || lines[len(lines)-1] != "}" {
		t.Fatalf("not a digraph: first %q last %q", lines[0], lines[len(lines)-1])
	}
	declared := map[string]bool{}
	depth, clusters := 0, 0
	for i, line := range lines[1 : len(lines)-1] {
		switch {
		case regexp.MustCompile(`^\tsubgraph "cluster_\d+" \{$`).MatchString(line):
			depth++
			clusters++
		case regexp.MustCompile(`^\t\tlabel=` + dotString + `;$`).MatchString(line):
			if depth != 1 {
				t.Fatalf("line %d: cluster label outside a cluster", i+2)
			}
		case line == "\t}":
			depth--
			if depth < 0 {
				t.Fatalf("line %d: } without a cluster", i+2)
			}
		case dotNode.MatchString(line):
			if depth != 1 {
				t.Fatalf("line %d: box outside a cluster: %q", i+2, line)
			}
			declared[dotNode.FindStringSubmatch(line)[1]] = true
		case dotEdge.MatchString(line):
			m := dotEdge.FindStringSubmatch(line)
			if !declared[m[1]] || !declared[m[2]] {
				t.Fatalf("line %d: edge between undeclared boxes: %q", i+2, line)
			}
		case regexp.MustCompile(`^\t\w+=` + dotString + `;$`).MatchString(line):
		default:
			t.Fatalf("line %d is none of cluster, label, box, edge, attribute: %q", i+2, line)
		}
	}
	if depth != 0 || clusters != groups || len(declared) != boxes {
		t.Fatalf("depth %d, %d clusters (want %d), %d boxes (want %d)", depth, clusters, groups, len(declared), boxes)
	}
}

// TestDrawPlacesEveryBox: Draw says where each box is — its title sits in
// its top border at the rectangle's corner — and draws the selected box
// with double borders, over the path's heavy ones, so that the cursor
// shows without colour.
func TestDrawPlacesEveryBox(t *testing.T) {
	demo := snapshots(t)["demo"]
	m := build(t, demo)
	const payments, fraud = "vpc-03dfc90b5ff67beef", "vpc-0d7c102b1faff6a73"
	a, err := reach.New(demo).Reach(reach.Query{From: "payments-api-1", To: "fraud-scoring-1", Protocol: model.ProtocolTCP, Port: 8443})
	if err != nil {
		t.Fatal(err)
	}
	for _, width := range []int{80, 120, 200} {
		p := topology.Draw(m, topology.TextOptions{Width: width, Path: m.Highlight(a.Resources()), Selected: payments})
		if len(p.Boxes) != len(m.VPCs)+len(m.TransitGateways) {
			t.Fatalf("width %d: %d boxes placed, want %d", width, len(p.Boxes), len(m.VPCs)+len(m.TransitGateways))
		}
		corner := func(id string) string {
			r := p.Boxes[id]
			return string([]rune(p.Lines[r.Top])[r.Left]) + string([]rune(p.Lines[r.Bottom])[r.Right-1])
		}
		for id, want := range map[string]string{payments: "╔╝", fraud: "┏┛", "vpc-0ed7c08ef5c77deaa": "┌┘"} {
			if got := corner(id); got != want {
				t.Errorf("width %d: %s corners %q, want %q", width, id, got, want)
			}
			r := p.Boxes[id]
			if title := m.Label(id); !strings.Contains(string([]rune(p.Lines[r.Top])[r.Left:r.Right]), title) {
				t.Errorf("width %d: %s's top border %q lacks its title %q", width, id, string([]rune(p.Lines[r.Top])[r.Left:r.Right]), title)
			}
		}
	}
}
