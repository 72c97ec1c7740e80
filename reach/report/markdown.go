package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/vpcscope/vpcscope/reach/audit"
)

// Markdown writes the document for a pull request or a ticket: the
// snapshot, caveats and gaps, a summary table, each finding with its
// evidence path, review state and note, and a Mermaid diagram of the
// exposed paths (GitHub renders Mermaid).
func Markdown(w io.Writer, d *Document) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "# %s\n\n", d.Title)
	fmt.Fprintf(b, "| | |\n|---|---|\n| accounts | %s |\n| regions | %s |\n| snapshot taken | %s |\n| source | %s |\n",
		md(orNone(strings.Join(d.Accounts, ", "))), md(orNone(strings.Join(d.Regions, ", "))), d.Taken(), md(orNone(d.Source)))
	if d.Tool != "" {
		fmt.Fprintf(b, "| made by | vpcscope %s |\n", md(d.Tool))
	}
	c := d.Counts()
	fmt.Fprintf(b, "\n**%d finding(s)**: %d high, %d medium, %d low, %d info", len(d.Findings), c[audit.High], c[audit.Medium], c[audit.Low], c[audit.Info])
	if d.Reviewed {
		fmt.Fprintf(b, "; %d accepted or false positive (listed apart); %d fixed since the review", len(d.Settled), len(d.Fixed))
	}
	b.WriteString("\n")
	if len(d.Caveats)+len(d.NotChecked) > 0 {
		b.WriteString("\n## Caveats and gaps\n\n")
		for _, c := range d.Caveats {
			fmt.Fprintf(b, "- %s\n", md(c))
		}
		for _, n := range d.NotChecked {
			fmt.Fprintf(b, "- not checked: %s\n", md(n))
		}
	}
	if sum := d.Summary(); len(sum) > 0 {
		b.WriteString("\n## Summary\n\n| control | title | findings | high | medium | low | info |\n|---|---|---:|---:|---:|---:|---:|\n")
		for _, s := range sum {
			fmt.Fprintf(b, "| %s | %s | %d | %d | %d | %d | %d |\n", md(s.Control.ID), md(s.Control.Title), s.Count,
				s.ByLevel[audit.High], s.ByLevel[audit.Medium], s.ByLevel[audit.Low], s.ByLevel[audit.Info])
		}
	}
	if g := mermaid(d); g != "" {
		b.WriteString("\n## Exposed paths\n\n```mermaid\n" + g + "```\n")
	}
	writeRows(b, "Findings", d.Findings)
	writeRows(b, "Accepted risks and false positives", d.Settled)
	if len(d.Fixed) > 0 {
		b.WriteString("\n## Fixed since the review\n\n")
		for _, r := range d.Fixed {
			fmt.Fprintf(b, "- `%s` (%s)", md(r.Fingerprint), r.State)
			if r.Note != "" {
				fmt.Fprintf(b, ": %s", md(r.Note))
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeRows(b *strings.Builder, title string, rows []Row) {
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "\n## %s\n", title)
	for i, r := range rows {
		fmt.Fprintf(b, "\n### %d. %s · %s · %s\n\n", i+1, r.Severity, md(strings.Join(r.Controls, ", ")), md(r.Label()))
		fmt.Fprintf(b, "%s\n\n", md(r.Message))
		if r.Rule != "" {
			fmt.Fprintf(b, "- rule: `%s`\n", code(r.Rule))
		}
		if w := r.Where(); w != "" {
			fmt.Fprintf(b, "- where: %s (%s)\n", md(w), r.Kind)
		}
		for _, ref := range r.ControlRefs {
			line := ref.ID + ": " + ref.Title
			if len(ref.Also) > 0 {
				line += " (" + strings.Join(ref.Also, ", ") + ")"
			}
			fmt.Fprintf(b, "- control: %s\n", md(line))
		}
		if r.State != "" {
			fmt.Fprintf(b, "- review: **%s**", r.State)
			if r.Change != "" {
				fmt.Fprintf(b, " (%s since the review)", r.Change)
			}
			if r.Note != "" {
				fmt.Fprintf(b, " — %s", md(r.Note))
			}
			b.WriteString("\n")
		}
		for _, x := range r.Evidence {
			svc := x.Protocol
			if x.Ports != "" {
				svc += "/" + x.Ports
			}
			fmt.Fprintf(b, "- evidence: %s %s from %s (`%s`)\n", md(exposedAddr(x)), svc, md(x.SourceSummary), code(strings.Join(x.Sources, " ")))
			fmt.Fprintf(b, "  - path: %s\n", md(pathText(x.Path)))
		}
		if len(r.Path) > 0 {
			fmt.Fprintf(b, "- path: %s\n", md(pathText(r.Path)))
		}
		fmt.Fprintf(b, "- fingerprint: `%s`\n", code(r.Fingerprint))
	}
}

func orNone(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// md escapes text from a snapshot for Markdown: table pipes, emphasis,
// links, HTML and line breaks cannot change the document's structure.
func md(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "|", "\\|", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]",
		"<", "&lt;", ">", "&gt;", "#", "\\#", "\r", " ", "\n", " ")
	return r.Replace(s)
}

// code makes text safe inside an inline code span.
func code(s string) string {
	return strings.NewReplacer("`", "'", "\r", " ", "\n", " ").Replace(s)
}
