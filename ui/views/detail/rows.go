package detail

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/model/present"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/ui/component/list"
	"github.com/vpcscope/vpcscope/ui/style"
	"github.com/vpcscope/vpcscope/ui/view"
)

// build renders every row of the resource from the presenter's doc.
func (d *Model) build() {
	d.sections = d.sections[:0]
	d.doc = d.presenter().Doc(d.id)
	b := &rowBuilder{d: d, th: d.s.Th}
	if !d.doc.Found {
		b.section("Not found")
		b.text(safe(d.id) + " is named by a relation but is not in the snapshot (deleted, or another account/region).")
	} else {
		if gone := d.removedRules(); len(gone) > 0 {
			b.section("Rules removed since " + d.s.Compare.Name)
			for _, r := range gone {
				b.text(b.th.Bad.Render("- " + safe(r)))
			}
		}
		b.section("Fields")
		b.fields(d.doc.Fields)
		for _, s := range d.doc.Sides {
			b.section(s.Title())
			b.fields(s.Fields)
		}
		for _, s := range d.doc.Sections {
			b.rules(s)
		}
	}
	b.relations()
	d.list.SetRows(b.rows)
}

type rowBuilder struct {
	d    *Model
	th   *style.Theme
	rows []list.Row
}

func (b *rowBuilder) section(title string) {
	if len(b.rows) > 0 {
		b.rows = append(b.rows, list.Row{Skip: true})
	}
	b.d.sections = append(b.d.sections, len(b.rows)+1)
	title = safe(title)
	b.rows = append(b.rows, list.Row{Text: b.th.Section.Render(title), Plain: title, Skip: true, Heading: true})
}

func (b *rowBuilder) text(s string) {
	b.rows = append(b.rows, list.Row{Text: "  " + s, Skip: true})
}

// fields renders "key  value"; a value that names a resource is a link
// with the resource's name beside it. A key repeated on the next line is
// left blank.
func (b *rowBuilder) fields(fs []present.Field) {
	prev := ""
	for _, f := range fs {
		k := safe(f.Key)
		if f.Key == prev {
			k = ""
		}
		prev = f.Key
		shown := safe(f.Value)
		key := fmt.Sprintf("%-*s", present.KeyWidth, k)
		r := list.Row{Text: "  " + b.th.Dim.Render(key) + " " + shown, Plain: "  " + key + " " + shown}
		if f.Ref != "" && f.Ref != b.d.id {
			label := shown
			if f.RefName != "" {
				label += "  " + safe(f.RefName)
			}
			r = list.Row{ID: f.Ref, Text: "  " + b.th.Dim.Render(key) + " " + b.th.Link.Render(label), Plain: "  " + key + " " + label}
		}
		b.rows = append(b.rows, r)
		if f.Note != "" {
			b.text(b.th.Dim.Render(strings.Repeat(" ", present.KeyWidth+1) + safe(f.Note)))
		}
	}
}

// pad fits s into w cells.
func pad(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s)))
}

func width(s string) int { return ansi.StringWidth(safe(s)) }

// rules renders a section's rules in evaluation order, each with its
// what-if state and, when a trace pointed here, the deciding rule and the
// near misses marked.
func (b *rowBuilder) rules(s present.Section) {
	b.section(s.Title)
	widths := s.Widths(width)
	heads := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		heads[i] = pad(c.Title, widths[i])
	}
	hdr := "  " + strings.Join(heads, " ")
	if s.List.IsSecurityGroup() {
		hdr += " note"
	}
	hdr = strings.TrimRight(hdr, " ")
	b.rows = append(b.rows, list.Row{Text: b.th.Header.Render(hdr), Plain: hdr, Skip: true, Heading: true})
	added := b.d.addedSince(s.List)
	var near []int
	if f := b.d.focus; f != nil && edit.List(f.Ref.Kind) == s.List && f.Ref.Index < 0 && s.List != "" {
		near = b.d.nearMisses(s.List)
	}
	for _, r := range s.Rules {
		plainCells := make([]string, len(r.Cells))
		textCells := make([]string, len(r.Cells))
		for i, c := range r.Cells {
			plainCells[i] = pad(safe(c.Text), widths[i])
			textCells[i] = b.tone(c.Tone).Render(plainCells[i])
		}
		plainMark, mark := "", ""
		if s.List != "" {
			plainMark, mark = b.mark(s.List, r, near)
			if plainMark == "" && added[r.Index] {
				plainMark, mark = "+ new", b.th.OK.Render("+ new")
			}
		}
		cols := "  " + strings.Join(plainCells, " ") + " "
		plain := cols + plainMark
		text := "  " + strings.Join(textCells, " ") + " " + mark
		if r.Disabled {
			text = b.th.Dim.Render(cols) + mark
		}
		if r.Note != "" {
			sep := "  "
			if mark == "" {
				sep = ""
			}
			plain += sep + safe(r.Note)
			text += sep + b.th.Dim.Render(safe(r.Note))
		}
		row := list.Row{Text: text, Plain: plain, ID: r.Ref}
		if s.List != "" {
			row.Data = ruleRow{s.List, r.Index}
		}
		b.rows = append(b.rows, row)
	}
	if len(s.Rules) == 0 {
		b.text(b.th.Dim.Render(s.Empty))
	}
	if f := b.d.focus; f != nil && s.List != "" && edit.List(f.Ref.Kind) == s.List && f.Ref.Index < 0 && s.List.IsSecurityGroup() {
		t := "✗ no rule matched"
		if f.Hop != nil && f.Hop.Rule != "" {
			t = "✗ " + safe(f.Hop.Rule)
		}
		if q := f.Flow; q != nil {
			dir := "from"
			if s.List.Egress() {
				dir = "to"
			}
			t += fmt.Sprintf(" — %s %s %s", serviceOf(q), dir, peerOf(q, s.List.Egress()))
		}
		b.rows = append(b.rows, list.Row{Text: "  " + b.th.Bad.Render(t), Plain: "  " + t, Data: ruleRow{s.List, -1}})
	}
}

func (b *rowBuilder) tone(t present.Tone) lipgloss.Style {
	switch t {
	case present.ToneOK:
		return b.th.OK
	case present.ToneBad:
		return b.th.Bad
	}
	return b.th.R.NewStyle()
}

// mark returns the gutter mark of a rule: ◆ the rule that decided the
// focused hop, ≈ a near miss, and the what-if state.
func (b *rowBuilder) mark(l edit.List, r present.Rule, near []int) (string, string) {
	th := b.th
	f := b.d.focus
	i := r.Index
	switch {
	case r.Disabled:
		return "[disabled]", th.WhatIf.Render("[disabled]")
	case r.Added:
		return "[added]", th.WhatIf.Render("[added]")
	case r.Edited:
		return "[edited]", th.WhatIf.Render("[edited]")
	case f != nil && edit.List(f.Ref.Kind) == l && (f.Ref.Index == i && i >= 0 ||
		f.Ref.RuleNumber > 0 && l.IsNetworkACL() && f.Ref.RuleNumber == b.ruleNumber(l, i)):
		if f.Hop != nil && f.Hop.Verdict == reach.Deny && l.IsSecurityGroup() {
			return "≈ closest", th.Warn.Render("≈ closest")
		}
		if f.Hop != nil && f.Hop.Verdict == reach.Deny {
			return "◆ blocked", th.Bad.Render("◆ blocked")
		}
		return "◆ decided", th.OK.Render("◆ decided")
	case slices.Contains(near, i):
		return "≈ near miss", th.Warn.Render("≈ near miss")
	}
	return "", ""
}

// ruleNumber is the entry number of a network ACL rule in the overlay.
func (b *rowBuilder) ruleNumber(l edit.List, i int) int32 {
	rules := b.d.s.Overlay.Rules(b.d.id, l)
	if i < 0 || i >= len(rules) {
		return -1
	}
	return rules[i].Rule.Entry.RuleNumber
}

func serviceOf(q *view.Flow) string {
	if q.Query.Protocol.HasPorts() {
		return fmt.Sprintf("%s/%d", q.Query.Protocol, q.Query.Port)
	}
	return q.Query.Protocol.String()
}

func peerOf(q *view.Flow, egress bool) string {
	if egress {
		return q.DstIP
	}
	return q.SrcIP
}

// relations renders the resource's links, read from it.
func (b *rowBuilder) relations() {
	b.section("Relations")
	doc := b.d.doc
	if doc.RelationsPending {
		b.text(b.th.Dim.Render("building the relation graph…"))
		return
	}
	if len(doc.Relations) == 0 {
		b.text(b.th.Dim.Render("(none)"))
	}
	for _, r := range doc.Relations {
		kind := string(r.Kind)
		label := safe(r.Label)
		if r.Missing {
			kind, label = "missing", safe(r.ID)+" (not in snapshot)"
		}
		label = fmt.Sprintf("%-*s %s", present.KindWidth, kind, label)
		detail := safe(r.Detail)
		verb := fmt.Sprintf("%s %-*s", r.Arrow(), present.VerbWidth, r.Verb)
		plain := "  " + verb + " " + label
		text := "  " + b.th.Dim.Render(verb) + " " + b.th.Link.Render(label)
		if detail != "" {
			plain += "  · " + detail
			text += b.th.Dim.Render("  · " + detail)
		}
		b.rows = append(b.rows, list.Row{Text: text, Plain: plain, ID: r.ID})
	}
}
