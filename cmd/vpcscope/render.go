package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/vpcscope/vpcscope/internal/termsafe"
	"github.com/vpcscope/vpcscope/reach"
)

// safe makes a value from a snapshot, or text built from such values (an
// answer's reasons name resources), safe for a terminal: every text
// renderer passes them through it before styling or printing, so a Name
// tag cannot write the clipboard, retitle the window or forge a line. JSON
// output keeps the original.
func safe(s string) string { return termsafe.String(s) }

// textRenderer prints answers for people. Verdicts carry a symbol and a
// word as well as a colour, so they read without colour too.
type textRenderer struct {
	ok, bad, unknown, dim, bold, head lipgloss.Style
}

func newTextRenderer(r *lipgloss.Renderer) *textRenderer {
	return &textRenderer{
		ok:      r.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#1a7f37", Dark: "#3fb950"}),
		bad:     r.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#cf222e", Dark: "#f85149"}).Bold(true),
		unknown: r.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#9a6700", Dark: "#d29922"}),
		dim:     r.NewStyle().Faint(true),
		bold:    r.NewStyle().Bold(true),
		head:    r.NewStyle().Bold(true).Underline(true),
	}
}

func (t *textRenderer) styleFor(v reach.Verdict) lipgloss.Style {
	switch v {
	case reach.Deny:
		return t.bad
	case reach.Unknown:
		return t.unknown
	case reach.Allow, reach.Arrive:
		return t.ok
	}
	return lipgloss.NewStyle()
}

func endpointText(e reach.Endpoint) string {
	var parts []string
	if e.Name != "" {
		parts = append(parts, e.Name)
	}
	id := e.ID
	if strings.HasPrefix(id, "arn:") && e.Name != "" {
		id = "" // a load balancer: its name says it; the ARN is in -o json
	}
	if e.Interface != "" && e.Interface != e.ID {
		if id != "" {
			id += ", "
		}
		id += e.Interface
	}
	if id != "" {
		parts = append(parts, "("+id+")")
	}
	parts = append(parts, e.IP)
	if e.Kind == "internet" {
		parts = append([]string{"internet"}, parts...)
	}
	return safe(strings.Join(parts, " "))
}

// answer prints one reachability answer.
func (t *textRenderer) answer(w io.Writer, a *reach.Answer) {
	q := a.Query
	svc := q.Protocol
	if q.Port != nil {
		svc = fmt.Sprintf("%s/%d", q.Protocol, *q.Port)
	} else if q.ICMP != "" {
		svc += " " + q.ICMP
	}
	fmt.Fprintf(w, "%s  →  %s   %s\n", t.bold.Render(endpointText(q.Source)), t.bold.Render(endpointText(q.Dest)), safe(svc))
	for _, n := range []string{q.Source.Note, q.Dest.Note} {
		if n != "" {
			fmt.Fprintln(w, t.dim.Render("  "+safe(n)))
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, t.head.Render("Forward path"))
	fwd, ret := hopRows(a.Forward), hopRows(a.Return)
	width := columnWidths(fwd, ret) // both paths in the same columns
	t.hopsAligned(w, a.Forward, fwd, width)
	fmt.Fprintln(w)
	fmt.Fprintln(w, t.head.Render("Return path"))
	switch {
	case len(a.Return) > 0:
		t.hopsAligned(w, a.Return, ret, width)
	case a.Blocked != nil && a.Blocked.Direction == reach.DirForward:
		fmt.Fprintln(w, t.dim.Render("  (none: the request does not arrive)"))
	}
	fmt.Fprintln(w)
	if len(a.Caveats) > 0 {
		fmt.Fprintln(w, t.unknown.Render("Caveats"))
		for _, c := range a.Caveats {
			fmt.Fprintln(w, "  - "+safe(c))
		}
		fmt.Fprintln(w)
	}
	style := t.ok
	mark := "✓ "
	switch {
	case a.Verdict == reach.VerdictUnknown:
		style, mark = t.unknown, "? "
	case !a.Reachable:
		style, mark = t.bad, "✗ "
	}
	fmt.Fprintln(w, style.Render(mark+safe(a.Summary())))
	if b := a.Blocked; b != nil && b.Code != "" {
		fmt.Fprintln(w, t.dim.Render("  code "+safe(string(b.Code))))
	}
}

// hopRows renders a path's hops as the cells of hops' columns: verdict,
// layer, resource, stage, rule.
func hopRows(hops []reach.Hop) [][5]string {
	rows := make([][5]string, len(hops))
	for i, h := range hops {
		res := h.Resource
		switch {
		case strings.HasPrefix(res, "arn:") && h.Name != "":
			res = h.Name // load balancers and target groups: the ARN is in -o json
		case h.Name != "" && h.Name != h.Resource:
			res += " " + h.Name
		}
		rows[i] = [5]string{h.Verdict.Mark(), safe(string(h.Layer)), safe(res), safe(string(h.Stage)), safe(h.Rule)}
	}
	return rows
}

// columnWidths returns the widest cell of each column over every table.
func columnWidths(tables ...[][5]string) [5]int {
	var width [5]int
	for _, rows := range tables {
		for _, row := range rows {
			for c, s := range row {
				width[c] = max(width[c], lipgloss.Width(s))
			}
		}
	}
	return width
}

// hops prints a path as aligned columns: verdict, layer, resource, stage,
// rule; the detail of a decisive hop goes on the next line.
func (t *textRenderer) hops(w io.Writer, hops []reach.Hop) {
	rows := hopRows(hops)
	t.hopsAligned(w, hops, rows, columnWidths(rows))
}

// hopsAligned prints a path's rows (from hopRows) in columns of the given
// widths (from columnWidths), so that two paths can share them. A hop that
// crosses into another account or Region (reach.Crossings) is preceded by
// a line that says so.
func (t *textRenderer) hopsAligned(w io.Writer, hops []reach.Hop, rows [][5]string, width [5]int) {
	crossings := reach.Crossings(hops)
	for i, h := range hops {
		if c := crossings[i]; c.Crosses() {
			fmt.Fprintln(w, "  ⇢ "+safe(c.String()))
		}
		var b strings.Builder
		b.WriteString("  ")
		for c := 0; c < 4; c++ {
			cell := rows[i][c] + strings.Repeat(" ", width[c]-lipgloss.Width(rows[i][c])+2)
			if c == 0 {
				cell = t.styleFor(h.Verdict).Render(cell)
			}
			b.WriteString(cell)
		}
		b.WriteString(rows[i][4])
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
		if h.Detail != "" && (h.Verdict == reach.Deny || h.Verdict == reach.Unknown || h.Stage == "translate" ||
			h.Stage == "ingress" || h.Stage == "egress" || h.Verdict == reach.Arrive || h.Stage == "appliance") {
			fmt.Fprintln(w, t.dim.Render(strings.Repeat(" ", width[0]+4)+safe(h.Detail)))
		}
		if h.Packet != "" && (h.Verdict == reach.Deny || h.Verdict == reach.Unknown) {
			fmt.Fprintln(w, t.dim.Render(strings.Repeat(" ", width[0]+4)+"packet: "+safe(h.Packet)))
		}
	}
}
