package report

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/vpcscope/vpcscope/reach/audit"
)

var (
	//go:embed report.html
	pageHTML string
	//go:embed report.css
	pageCSS string
	//go:embed report.js
	pageJS string

	page = template.Must(template.New("report").Parse(pageHTML))
)

// htmlRow is a row with its severity's sort key.
type htmlRow struct {
	Row  Row
	Rank int
}

type sevCount struct {
	Sev audit.Severity
	N   int
}

// HTML writes the document as one self-contained HTML file: no external
// scripts, fonts, styles or images (a Content-Security-Policy forbids
// them), readable offline and in print, with a findings table that sorts
// (click a column) and filters (the box, or #q=TERMS in the address)
// without a server, and an inline SVG diagram of the network with the
// exposed paths highlighted. Every value from the snapshot is escaped by
// html/template.
func HTML(w io.Writer, d *Document) error {
	rows := func(rs []Row) []htmlRow {
		out := make([]htmlRow, len(rs))
		for i, r := range rs {
			out[i] = htmlRow{r, r.Severity.Rank()}
		}
		return out
	}
	counts := d.Counts()
	var cs []sevCount
	for _, s := range audit.Severities() {
		cs = append(cs, sevCount{s, counts[s]})
	}
	data := map[string]any{
		"D":        d,
		"Accounts": orNone(strings.Join(d.Accounts, ", ")),
		"Regions":  orNone(strings.Join(d.Regions, ", ")),
		"Counts":   cs,
		"Summary":  d.Summary(),
		"SVG":      layout(d),
		"Findings": rows(d.Findings),
		"Settled":  rows(d.Settled),
		"CSS":      template.CSS(pageCSS),
		"JS":       template.JS(pageJS),
		"CSP": fmt.Sprintf("default-src 'none'; style-src '%s'; script-src '%s'; img-src data:; base-uri 'none'; form-action 'none'",
			sha(pageCSS), sha(pageJS)),
	}
	if err := page.Execute(w, data); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	return nil
}

// sha is a CSP source for an inline element's exact content.
func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(h[:])
}
