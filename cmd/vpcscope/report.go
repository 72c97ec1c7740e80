package main

import (
	"io"

	"github.com/vpcscope/vpcscope/reach/report"
)

// reportOutputs are the -o values of the commands that write reports
// (audit, exposure).
var reportOutputs = []string{"text", "json", "markdown", "html", "sarif"}

// writeReport renders a report document in the -o format; ok is false for
// text and json, which each command prints itself.
func writeReport(w io.Writer, format string, d *report.Document) (bool, error) {
	switch format {
	case "markdown":
		return true, report.Markdown(w, d)
	case "html":
		return true, report.HTML(w, d)
	case "sarif":
		return true, report.SARIF(w, d)
	}
	return false, nil
}
