package topology

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/internal/termsafe"
)

// DefaultWidth is the width of a text picture when none is given.
const DefaultWidth = 80

// TextOptions say how WriteText draws a map.
type TextOptions struct {
	// Width is the picture's width in columns (DefaultWidth when 0).
	Width int
	// Path is drawn heavy: its boxes with ┏━┓ borders, its links marked ▶.
	Path Path
	// Selected is the ID of a box drawn with double borders (╔═╗), over
	// the path's heavy ones: the explorer's cursor.
	Selected string
}

// box-drawing sets: light for a box, heavy for a box on the path, double
// for the selected box.
type borders struct{ tl, tr, bl, br, h, v string }

var (
	light  = borders{"┌", "┐", "└", "┘", "─", "│"}
	heavy  = borders{"┏", "┓", "┗", "┛", "━", "┃"}
	double = borders{"╔", "╗", "╚", "╝", "═", "║"}
)

// Rect is where a box lies in a Picture: lines Top to Bottom, both
// included, and columns Left (included) to Right (excluded).
type Rect struct{ Top, Bottom, Left, Right int }

// Picture is the text picture of a map as lines, with where each box was
// drawn: the explorer scrolls it and keeps the selected box in view.
type Picture struct {
	Lines  []string
	Boxes  map[string]Rect
	Layout Layout
}

// WriteText draws the map with box characters: a frame per account and
// region holding its VPC and transit gateway boxes (wrapped into rows that
// fit the width), then the links, each with its ends and route tables.
// Every value from the snapshot passes through termsafe.String.
func WriteText(w io.Writer, m *Map, o TextOptions) error {
	bw := bufio.NewWriter(w)
	for _, line := range Draw(m, o).Lines {
		fmt.Fprintln(bw, line)
	}
	return bw.Flush()
}

// Draw draws the map as WriteText writes it, and says where each box is.
func Draw(m *Map, o TextOptions) Picture {
	width := cmp.Or(o.Width, DefaultWidth)
	l := m.Layout(width)
	width = l.Width
	p := Picture{Boxes: map[string]Rect{}, Layout: l}
	add := func(lines ...string) { p.Lines = append(p.Lines, lines...) }
	add(wrap("", m.summary(), width)...)
	if !o.Path.Empty() {
		add(wrap("", "The trace crosses the boxes drawn ┏━┓ and the links marked ▶.", width)...)
	}
	for gi, g := range m.Groups {
		add("")
		title := ansi.Truncate(termsafe.String(g.Title()), width-6, "…")
		add("┌─ " + title + " " + strings.Repeat("─", max(0, width-5-ansi.StringWidth(title))) + "┐")
		first := true
		for _, row := range l.Rows {
			if row.Group != gi {
				continue
			}
			if !first {
				add("│" + strings.Repeat(" ", width-2) + "│")
			}
			first = false
			lines := m.drawRow(row, l.BoxWidth, o)
			top := len(p.Lines)
			for i, c := range row.Cells {
				left := 2 + i*(l.BoxWidth+1)
				p.Boxes[c.ID] = Rect{Top: top, Bottom: top + len(lines) - 1, Left: left, Right: left + l.BoxWidth}
			}
			for _, line := range lines {
				add("│ " + fit(line, width-frame) + " │")
			}
		}
		add("└" + strings.Repeat("─", width-2) + "┘")
	}
	if len(m.Links) > 0 {
		add("", "Links")
		for i := range m.Links {
			add(m.linkLines(&m.Links[i], width, o.Path.HasLink(m.Links[i].ID))...)
		}
	}
	return p
}

// summary is the picture's first line: what the map holds, and where.
func (m *Map) summary() string {
	s := plural(len(m.VPCs), "VPC")
	if n := len(m.TransitGateways); n > 0 {
		s += ", " + plural(n, "transit gateway")
	}
	if n := len(m.Links); n > 0 {
		s += ", " + plural(n, "link")
	}
	accounts, regions := map[string]bool{}, map[string]bool{}
	for _, g := range m.Groups {
		if g.Account != "" {
			accounts[g.Account] = true
		}
		if g.Region != "" {
			regions[g.Region] = true
		}
	}
	var where []string
	if len(accounts) > 0 {
		where = append(where, plural(len(accounts), "account"))
	}
	if len(regions) > 0 {
		where = append(where, plural(len(regions), "region"))
	}
	if len(where) > 0 {
		s += " in " + strings.Join(where, " and ")
	}
	return s
}

// drawRow draws one row of boxes side by side, each bw wide; a shorter box
// is stretched to the tallest (its sides continue, its bottom border on
// the row's last line).
func (m *Map) drawRow(row Row, bw int, o TextOptions) []string {
	boxes := make([][]string, len(row.Cells))
	sides := make([]borders, len(row.Cells))
	height := 0
	for i, c := range row.Cells {
		title, lines := m.BoxLines(c.Node)
		switch {
		case c.ID == o.Selected && o.Selected != "":
			sides[i] = double
		case o.Path.HasNode(c.ID):
			sides[i] = heavy
		default:
			sides[i] = light
		}
		boxes[i] = drawBox(sides[i], title, lines, bw)
		height = max(height, len(boxes[i]))
	}
	out := make([]string, height)
	for y := range out {
		parts := make([]string, len(boxes))
		for i, b := range boxes {
			switch {
			case y < len(b)-1:
				parts[i] = b[y]
			case y == height-1:
				parts[i] = b[len(b)-1]
			default:
				parts[i] = sides[i].v + strings.Repeat(" ", bw-2) + sides[i].v
			}
		}
		out[y] = strings.Join(parts, " ")
	}
	return out
}

// drawBox draws a box bw columns wide: the title in the top border, a line
// per content line, cut with "…" when too long.
func drawBox(b borders, title string, lines []string, bw int) []string {
	t := ansi.Truncate(termsafe.String(title), bw-4, "…")
	out := []string{b.tl + " " + t + " " + strings.Repeat(b.h, max(0, bw-4-ansi.StringWidth(t))) + b.tr}
	for _, s := range lines {
		out = append(out, b.v+" "+fit(termsafe.String(s), bw-4)+" "+b.v)
	}
	return append(out, b.bl+strings.Repeat(b.h, bw-2)+b.br)
}

// linkLines describes a link: name and ID, kind and state; its ends; the
// route tables that send traffic over it; wrapped to width.
func (m *Map) linkLines(l *Link, width int, onPath bool) []string {
	mark := "⇄"
	if onPath {
		mark = "▶"
	}
	head := l.ID
	if l.Name != "" {
		head = l.Name + " " + l.ID
	}
	if l.State != "" {
		head += " · " + l.State
	}
	kind := "peering"
	switch l.Kind {
	case LinkAttachment:
		kind = "attachment"
	case LinkTGWPeering:
		kind = "transit gateway peering"
	}
	ends := kind + ": " + m.Label(l.A) + " ⇄ " + m.Label(l.B)
	switch {
	case l.CrossAccount && l.CrossRegion:
		ends += ", across accounts and regions"
	case l.CrossAccount:
		ends += ", across accounts"
	case l.CrossRegion:
		ends += ", across regions"
	}
	var out []string
	out = append(out, wrap("  "+mark+" ", termsafe.String(head), width)...)
	out = append(out, wrap("      ", termsafe.String(ends), width)...)
	var rts []string
	if l.Association != "" {
		rts = append(rts, "associated with "+m.resourceLabel(l.Association))
	}
	if len(l.RouteTables) > 0 {
		names := make([]string, len(l.RouteTables))
		for i, id := range l.RouteTables {
			names[i] = m.resourceLabel(id)
		}
		rts = append(rts, "routed by "+strings.Join(names, ", "))
	}
	if len(rts) > 0 {
		out = append(out, wrap("      ", termsafe.String(strings.Join(rts, "; ")), width)...)
	}
	return out
}

// resourceLabel is a resource's Name tag, or its ID.
func (m *Map) resourceLabel(id string) string {
	if m.ix != nil {
		if r, ok := m.ix.Resource(id); ok {
			return cmp.Or(r.Base().Name(), id)
		}
	}
	return id
}

// wrap breaks s into lines of at most width columns at spaces, the first
// prefixed with lead and the rest indented as deep; a word longer than a
// line is cut with "…".
func wrap(lead, s string, width int) []string {
	indent := strings.Repeat(" ", ansi.StringWidth(lead))
	var out []string
	line := lead
	empty := true
	for _, word := range strings.Fields(s) {
		word = ansi.Truncate(word, max(1, width-len(indent)), "…")
		if !empty && ansi.StringWidth(line)+1+ansi.StringWidth(word) > width {
			out = append(out, line)
			line, empty = indent, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	return append(out, line)
}
