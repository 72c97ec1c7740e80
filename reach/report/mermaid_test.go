package report

import (
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/reach"
)

// TestMermaidEscapesNameTags: a Name tag is free text (EC2 allows any
// Unicode in tag values), so a name holding Mermaid's delimiters (quote,
// pipe, angle brackets, #) stays inside its node label instead of ending
// the label or an edge label early.
func TestMermaidEscapesNameTags(t *testing.T) {
	d := &Document{exposed: []reach.Exposed{{
		Kind: "network-interface", ID: "eni-1", Name: `web "a"|b<c>#d`, PublicIP: "203.0.113.10",
		Protocol: "tcp", Ports: "443",
		Path: []reach.Hop{{Layer: reach.LayerInternetGateway, Resource: "igw-1", Name: "edge|gw"}},
	}}}
	got := mermaid(d)
	for _, line := range strings.Split(got, "\n") {
		if strings.HasPrefix(line, "  n_") && strings.Contains(line, "[\"") {
			label := line[strings.Index(line, "[\"")+2 : strings.LastIndex(line, "\"]")]
			if strings.ContainsAny(label, "\"|<>") {
				t.Errorf("node label %q keeps a Mermaid delimiter", label)
			}
		}
	}
	for _, want := range []string{`web #quot;a#quot;#124;b#lt;c#gt;#35;d 203.0.113.10`, `internet gateway edge#124;gw`, `-->|"tcp/443"|`} {
		if !strings.Contains(got, want) {
			t.Errorf("diagram lacks %q:\n%s", want, got)
		}
	}
}
