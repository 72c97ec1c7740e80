package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"

	"github.com/vpcscope/vpcscope/reach/audit"
)

// The SARIF 2.1.0 subset vpcscope writes: one run, the control catalogue
// as the driver's rules, one result per finding located by logical
// locations naming the AWS resource (no file is invented for it).
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool    sarifTool     `json:"tool"`
		Results []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Version        string      `json:"version,omitempty"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string         `json:"id"`
		Name                 string         `json:"name"`
		ShortDescription     sarifText      `json:"shortDescription"`
		FullDescription      sarifText      `json:"fullDescription"`
		HelpURI              string         `json:"helpUri,omitempty"`
		Help                 sarifText      `json:"help"`
		DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
		Properties           map[string]any `json:"properties"`
	}
	sarifConfig struct {
		Level string `json:"level"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID              string             `json:"ruleId"`
		RuleIndex           int                `json:"ruleIndex"`
		Level               string             `json:"level"`
		Message             sarifText          `json:"message"`
		Locations           []sarifLocation    `json:"locations"`
		PartialFingerprints map[string]string  `json:"partialFingerprints"`
		Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
		Properties          map[string]any     `json:"properties"`
	}
	sarifLocation struct {
		LogicalLocations []sarifLogical `json:"logicalLocations"`
	}
	sarifLogical struct {
		Name               string `json:"name"`
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
	sarifSuppression struct {
		Kind          string `json:"kind"`
		Status        string `json:"status"`
		Justification string `json:"justification,omitempty"`
	}
)

// SARIF writes the document as a SARIF 2.1.0 log: a rule per control of
// the catalogue, a result per finding (settled ones carry an accepted
// suppression with the review's note), each located by the resource's
// account, region, kind and ID as logical locations.
func SARIF(w io.Writer, d *Document) error {
	drv := sarifDriver{Name: "vpcscope", InformationURI: "https://github.com/vpcscope/vpcscope", Version: d.Tool, Rules: []sarifRule{}}
	index := map[string]int{}
	for _, c := range d.Controls {
		index[c.ID] = len(drv.Rules)
		full := c.Title
		if c.Checks != "" {
			full += ". vpcscope checks: " + c.Checks + "."
		}
		tags := []string{"security", "network", c.Framework}
		tags = append(tags, c.Also...)
		drv.Rules = append(drv.Rules, sarifRule{ID: c.ID, Name: ruleName(c.ID), ShortDescription: sarifText{c.Title}, FullDescription: sarifText{full},
			HelpURI: c.URL, Help: sarifText{full}, DefaultConfiguration: sarifConfig{"warning"},
			Properties: map[string]any{"tags": tags, "framework": c.Framework}})
	}
	run := sarifRun{Tool: sarifTool{drv}, Results: []sarifResult{}}
	add := func(r Row, settled bool) {
		res := sarifResult{RuleID: r.Controls[0], RuleIndex: index[r.Controls[0]], Level: level(r.Severity), Message: sarifText{r.Message},
			Locations:           []sarifLocation{{LogicalLocations: logical(r)}},
			PartialFingerprints: map[string]string{"vpcscopeFinding/v1": hash(r.Fingerprint)},
			Properties: map[string]any{"severity": string(r.Severity), "security-severity": securitySeverity(r.Severity),
				"controls": r.Controls, "fingerprint": r.Fingerprint}}
		if r.Rule != "" {
			res.Properties["rule"] = r.Rule
		}
		if len(r.Evidence) > 0 {
			var ev []map[string]any
			for _, x := range r.Evidence {
				e := map[string]any{"publicIp": x.PublicIP, "protocol": x.Protocol, "ports": x.Ports, "sources": x.Sources, "path": pathText(x.Path)}
				if x.OnPrem != "" {
					e["onPrem"], e["address"] = x.OnPrem, x.Address
				}
				ev = append(ev, e)
			}
			res.Properties["evidence"] = ev
		}
		if r.State != "" {
			res.Properties["reviewState"] = string(r.State)
			if r.Note != "" {
				res.Properties["reviewNote"] = r.Note
			}
		}
		if settled {
			res.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted", Justification: strings.TrimSpace(string(r.State) + ": " + r.Note)}}
		}
		run.Results = append(run.Results, res)
	}
	for _, r := range d.Findings {
		add(r, false)
	}
	for _, r := range d.Settled {
		add(r, true)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}

// logical names the finding's resource: its account and region as
// containers, then the resource.
func logical(r Row) []sarifLogical {
	var out []sarifLogical
	fq := ""
	if r.Account != "" {
		fq = r.Account
		out = append(out, sarifLogical{Name: r.Account, FullyQualifiedName: fq, Kind: "namespace"})
	}
	if r.Region != "" {
		fq = strings.TrimPrefix(fq+"/"+r.Region, "/")
		out = append(out, sarifLogical{Name: r.Region, FullyQualifiedName: fq, Kind: "namespace"})
	}
	out = append(out, sarifLogical{Name: r.Label(), FullyQualifiedName: strings.TrimPrefix(fq+"/"+string(r.Kind)+"/"+r.Resource, "/"), Kind: "resource"})
	return out
}

// ruleName turns a control ID into SARIF's PascalCase rule name.
func ruleName(id string) string {
	var b strings.Builder
	up := true
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			if up && r >= 'a' && r <= 'z' {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	return b.String()
}

func level(s audit.Severity) string {
	switch s {
	case audit.High:
		return "error"
	case audit.Medium:
		return "warning"
	}
	return "note"
}

// securitySeverity is GitHub code scanning's 0-10 score for a severity.
func securitySeverity(s audit.Severity) string {
	switch s {
	case audit.High:
		return "8.0"
	case audit.Medium:
		return "5.5"
	case audit.Low:
		return "3.0"
	}
	return "0.0"
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:16])
}
