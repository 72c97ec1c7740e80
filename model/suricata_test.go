package model

import (
	"strings"
	"testing"
)

// TestParseSuricataRuleHeader: the header's seven fields are parsed —
// action, protocol, addresses (any, CIDR, $VARIABLE, @REFERENCE, [lists],
// !negation), ports (any, N, N:M, N:, [lists]), direction (-> or <>) — and
// the options are kept, the sid read (Network Firewall developer guide,
// "Suricata compatible rule strings"; Suricata's "Rules Format").
func TestParseSuricataRuleHeader(t *testing.T) {
	r, err := ParseSuricataRule(`drop tcp [$HOME_NET, !10.0.5.0/24] any <> @OFFICE [80,1024:] (msg:"a;b"; flow:to_server; sid:42; rev:2;)`)
	if err != nil {
		t.Fatal(err)
	}
	if r.Action != "drop" || r.Protocol != "tcp" || !r.Bidirectional || r.SID != 42 {
		t.Errorf("rule %+v", r)
	}
	if got := r.Source.String(); got != "[$HOME_NET,!10.0.5.0/24]" {
		t.Errorf("source %s", got)
	}
	if got := r.Destination.String(); got != "@OFFICE" {
		t.Errorf("destination %s", got)
	}
	if got := r.DestinationPort.String(); got != "[80,1024:65535]" {
		t.Errorf("destination port %s", got)
	}
	if len(r.Options) != 4 || r.Options[0].Keyword != "msg" || r.Options[0].Settings[0] != `"a;b"` {
		t.Errorf("options %+v", r.Options)
	}
}

// TestMalformedSuricataRulesAreReported: each rule that does not parse is
// an error naming its line and what is wrong; the others are kept.
func TestMalformedSuricataRulesAreReported(t *testing.T) {
	rules, errs := ParseSuricataRules(strings.Join([]string{
		"# a comment",
		"pass tcp any any -> any 443 (sid:1;)",
		"dorp tcp any any -> any any (sid:2;)",
		"drop tcp any any => any any (sid:3;)",
		"drop tcp 10.0.0.0/33 any -> any any (sid:4;)",
		"drop tcp any any -> any 70000 (sid:5;)",
		"drop tcp any any -> any any (sid:6",
		"drop tcp any any -> any any",
		`alert http any any -> any any (msg:"unterminated; sid:7;)`,
		"drop tcp [any any -> any any (sid:8;)",
		`pass udp any any -> any 53 \`,
		"  (sid:9;)",
	}, "\n"))
	if len(rules) != 3 || rules[0].SID != 1 || rules[1].Action != "drop" || rules[2].SID != 9 || rules[2].Line != 11 {
		t.Errorf("rules %+v", rules)
	}
	want := []string{"line 3: unknown action", "line 4: invalid direction", "line 5: source: invalid address",
		"line 6: destination port: invalid port", "line 7: the options do not end", "line 9: an option's quoted value",
		"line 10: unbalanced ["}
	if len(errs) != len(want) {
		t.Fatalf("%d errors, want %d: %v", len(errs), len(want), errs)
	}
	for i, w := range want {
		if !strings.Contains(errs[i].Error(), w) {
			t.Errorf("error %d %q, want %q", i, errs[i], w)
		}
	}
}

// FuzzParseSuricataRules: no rule string makes the parser panic, and each
// line either parses or is reported.
func FuzzParseSuricataRules(f *testing.F) {
	for _, s := range []string{
		"pass tcp any any -> any 443 (sid:1;)",
		`drop tcp [$HOME_NET, ![10.0.0.0/8, 2600::/16]] [1:1023,!22] <> @X any (msg:"x\"y;"; sid:2;)`,
		"alert ip any any -> any any", "[[[[", "drop tcp ! any -> any :", "pass udp any any -> any 53 \\\n(sid:3;)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rules, errs := ParseSuricataRules(s)
		for _, r := range rules {
			if r.Action == "" || r.Line <= 0 {
				t.Errorf("rule without action or line: %+v", r)
			}
			_ = r.Source.String() + r.Destination.String() + r.SourcePort.String() + r.DestinationPort.String()
		}
		for _, e := range errs {
			if e.Line <= 0 || e.Error() == "" {
				t.Errorf("error without line: %+v", e)
			}
		}
	})
}
