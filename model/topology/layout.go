package topology

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/internal/termsafe"
)

// Box widths: a box is as wide as its widest line within these bounds
// (and never wider than the picture allows).
const (
	minBoxWidth = 24
	maxBoxWidth = 36
)

// Cell is one box in a layout row.
type Cell struct {
	Node Node   `json:"node"`
	ID   string `json:"id"`
}

// Row is one row of boxes; every box in a row belongs to one group.
type Row struct {
	Group int    `json:"group"`
	Cells []Cell `json:"cells"`
}

// Layout places a map's boxes in rows for a picture Width columns wide:
// each group is a frame, its boxes fill rows of as many BoxWidth-wide
// boxes as fit, and a group that does not fit in one row wraps. The text
// picture draws exactly this, and Move walks it as arrow keys would.
type Layout struct {
	Width    int   `json:"width"`
	BoxWidth int   `json:"boxWidth"`
	PerRow   int   `json:"perRow"`
	Rows     []Row `json:"rows"`

	at map[string][2]int
}

// Frame is the columns a group's frame takes around its boxes: "│ " and " │".
const frame = 4

// Layout places the map's boxes for a picture width columns wide (at
// least 20).
func (m *Map) Layout(width int) Layout {
	width = max(width, 20)
	bw := minBoxWidth
	for _, n := range m.Order() {
		title, lines := m.BoxLines(n)
		for _, s := range append(lines, title) {
			bw = max(bw, ansi.StringWidth(termsafe.String(s))+4)
		}
	}
	bw = min(bw, maxBoxWidth, width-frame)
	per := max(1, (width-frame+1)/(bw+1))
	l := Layout{Width: width, BoxWidth: bw, PerRow: per, at: map[string][2]int{}}
	for gi, g := range m.Groups {
		for i := 0; i < len(g.Nodes); i += per {
			row := Row{Group: gi}
			for _, n := range g.Nodes[i:min(i+per, len(g.Nodes))] {
				id := m.NodeID(n)
				l.at[id] = [2]int{len(l.Rows), len(row.Cells)}
				row.Cells = append(row.Cells, Cell{Node: n, ID: id})
			}
			l.Rows = append(l.Rows, row)
		}
	}
	return l
}

// Find returns the row and column of the box with the ID.
func (l Layout) Find(id string) (row, col int, ok bool) {
	p, ok := l.at[id]
	return p[0], p[1], ok
}

// Direction is an arrow key's direction on the map.
type Direction int

// The four directions.
const (
	Left Direction = iota
	Right
	Up
	Down
)

// Move returns the ID of the box next to id in the direction: left and
// right walk the boxes in order (past a row's end to the next row), up and
// down go to the row above or below, to the box in the same column or the
// row's last. At an edge, or for an ID not on the layout, it returns the
// first box when id is not placed and id otherwise; "" for an empty map.
func (l Layout) Move(id string, d Direction) string {
	if len(l.Rows) == 0 {
		return ""
	}
	r, c, ok := l.Find(id)
	if !ok {
		return l.Rows[0].Cells[0].ID
	}
	switch d {
	case Left:
		switch {
		case c > 0:
			c--
		case r > 0:
			r--
			c = len(l.Rows[r].Cells) - 1
		}
	case Right:
		switch {
		case c < len(l.Rows[r].Cells)-1:
			c++
		case r < len(l.Rows)-1:
			r, c = r+1, 0
		}
	case Up:
		if r > 0 {
			r--
			c = min(c, len(l.Rows[r].Cells)-1)
		}
	case Down:
		if r < len(l.Rows)-1 {
			r++
			c = min(c, len(l.Rows[r].Cells)-1)
		}
	}
	return l.Rows[r].Cells[c].ID
}

// BoxLines returns what a box shows: its title (the name, or the ID) and
// its lines — ID, CIDRs, subnet count, gateways and links for a VPC; ID,
// route tables and attachments for a transit gateway. Values are as the
// snapshot has them: a renderer makes them safe for its medium.
func (m *Map) BoxLines(n Node) (title string, lines []string) {
	if n.Kind == NodeTransitGateway {
		t := &m.TransitGateways[n.Index]
		if t.Name != "" {
			lines = append(lines, t.ID)
		}
		lines = append(lines, "transit gateway")
		if t.External {
			lines = append(lines, "not in the snapshot")
		}
		for _, rt := range t.RouteTables {
			s := cmp.Or(rt.Name, rt.ID) + ": " + plural(rt.Routes, "route")
			if rt.Blackholes > 0 {
				s += ", " + plural(rt.Blackholes, "blackhole")
			}
			lines = append(lines, s)
		}
		for _, li := range t.Links {
			l := &m.Links[li]
			other := l.A
			if other == t.ID {
				other = l.B
			}
			kind := "vpc"
			if l.Kind == LinkTGWPeering {
				kind = "tgw"
			}
			lines = append(lines, "⇄ "+kind+" "+m.Label(other)+stateNote(l))
		}
		for _, o := range t.Others {
			lines = append(lines, "⇄ "+o.Type+" "+cmp.Or(o.Name, o.ResourceID, o.ID))
		}
		return t.Label(), lines
	}
	v := &m.VPCs[n.Index]
	if v.Name != "" {
		lines = append(lines, v.ID)
	}
	if v.External {
		lines = append(lines, "not in the snapshot")
	}
	if v.Default {
		lines = append(lines, "default VPC")
	}
	for _, c := range v.CIDRs {
		lines = append(lines, c.String())
	}
	if !v.External {
		lines = append(lines, plural(v.Subnets, "subnet"))
	}
	for _, g := range v.Gateways {
		s := fmt.Sprintf("%-4s %s", g.Kind.Short(), cmp.Or(g.Name, g.ID))
		if g.Private {
			s += " (private)"
		}
		lines = append(lines, s)
	}
	for _, li := range v.Links {
		l := &m.Links[li]
		other, kind := l.B, "pcx"
		switch {
		case l.Kind == LinkAttachment:
			kind = "tgw"
		case other == v.ID:
			other = l.A
		}
		lines = append(lines, "⇄ "+kind+" "+m.Label(other)+stateNote(l))
	}
	return v.Label(), lines
}

// stateNote is " (pending)" for a link that carries no traffic: the first
// word of its state, to fit a box.
func stateNote(l *Link) string {
	if l.Active || l.State == "" {
		return ""
	}
	word, _, _ := strings.Cut(l.State, "-")
	return " (" + word + ")"
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// fit cuts s to width columns, with "…" when cut, and pads it to width.
func fit(s string, width int) string {
	s = ansi.Truncate(s, width, "…")
	return s + strings.Repeat(" ", max(0, width-ansi.StringWidth(s)))
}
