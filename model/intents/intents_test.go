package intents_test

import (
	"errors"
	"testing"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/intents"
)

func TestParseReadsTheIssueExample(t *testing.T) {
	f, err := intents.Parse([]byte(`intents:
  - name: dev never reaches prod
    deny: {from: "tag:env=dev", to: "tag:env=prod"}            # any protocol and port
  - name: only the app tier reaches the database
    only: {from: "sg:app-sg", to: "sg:db-sg", port: "tcp/3306"} # sg: by ID or group name
  - name: the internet reaches only the edge, on 443
    only: {from: internet, to: "tag:tier=edge", port: "tcp/443"}
`), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Intents) != 3 {
		t.Fatalf("%d intents", len(f.Intents))
	}
	in := f.Intents[1]
	if in.Kind != intents.Only || in.From.String() != "sg:app-sg" || in.To.String() != "sg:db-sg" || in.Line != 4 ||
		len(in.Services) != 1 || in.Services[0].String() != "tcp/3306" {
		t.Errorf("second intent %+v", in)
	}
	if len(f.Intents[0].Services) != 0 {
		t.Errorf("deny without port: any protocol and port, got %v", f.Intents[0].Services)
	}
}

func TestParseLocatesEveryMistake(t *testing.T) {
	for _, c := range []struct {
		name, src    string
		line, column int
	}{
		{"an unknown statement key", "intents:\n  - name: x\n    deni: {from: any, to: any}\n", 3, 5},
		{"a selector that does not close its parenthesis, where the ) is missing", "intents:\n  - deny: {from: \"vpc:a and (sg:b\", to: any}\n", 2, 34},
		{"an unknown selector kind, at the selector", "intents:\n  - deny: {from: \"host:a\", to: any}\n", 2, 19},
		{"two statement kinds", "intents:\n  - deny: {from: any, to: any}\n    allow: {from: any, to: any}\n", 3, 5},
		{"a statement without to", "intents:\n  - deny: {from: any}\n", 2, 11},
		{"a port that is not a service", "intents:\n  - deny: {from: any, to: any, port: \"tcp/70000\"}\n", 2, 38},
		{"ports on a protocol without ports", "intents:\n  - deny: {from: any, to: any, port: \"47/22\"}\n", 2, 38},
		{"YAML that does not parse", "intents:\n  - name: x\n   deny: [\n", 3, 4},
		{"a top-level key that is not intents", "rules: []\n", 1, 1},
		{"a duplicate intent name", "intents:\n  - {name: a, deny: {from: any, to: any}}\n  - {name: a, deny: {from: any, to: any}}\n", 3, 5},
		{"an across that is not a boundary", "intents:\n  - deny: {from: any, to: any, across: zone}\n", 2, 40},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := intents.Parse([]byte(c.src), "f.yaml")
			var e *intents.Error
			if !errors.As(err, &e) {
				t.Fatalf("want a located error, got %v", err)
			}
			if e.Line != c.line || e.Column != c.column {
				t.Errorf("at %d:%d, want %d:%d (%v)", e.Line, e.Column, c.line, c.column, err)
			}
		})
	}
}

func TestParseSelectorPrecedence(t *testing.T) {
	for _, c := range []struct{ in, out string }{
		{"vpc:a or vpc:b and not sg:c", "vpc:a or (vpc:b and not sg:c)"},
		{"(vpc:a | vpc:b) & !internet", "(vpc:a or vpc:b) and not internet"},
		{"tag:'Name=web server'", "tag:'Name=web server'"},
		{"cidr:10.0.0.5", "cidr:10.0.0.5"},
		{"ANY", "any"},
	} {
		s, err := intents.ParseSelector(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if s.String() != c.out {
			t.Errorf("%s parsed as %s, want %s", c.in, s, c.out)
		}
	}
	for _, bad := range []string{"", "vpc:", "tag:=x", "cidr:nope", "vpc:a and", "(vpc:a", "vpc:a)", "frob"} {
		if _, err := intents.ParseSelector(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestParseServiceSpellings(t *testing.T) {
	for _, c := range []struct {
		in    string
		proto model.Protocol
		want  string
	}{
		{"tcp/443", model.ProtocolTCP, "tcp/443"},
		{"tcp/8000-8010", model.ProtocolTCP, "tcp/8000-8010"},
		{"udp", model.ProtocolUDP, "udp"},
		{"icmp", model.ProtocolICMP, "icmp"},
		{"icmp/3:4", model.ProtocolICMP, "icmp/3:4"},
		{"icmpv6/echo", model.ProtocolICMPv6, "icmpv6/128:-1"},
		{"47", 47, "47"},
	} {
		s, err := intents.ParseService(c.in)
		if err != nil || s == nil || s.Protocol != c.proto {
			t.Fatalf("%s: %+v %v", c.in, s, err)
		}
		if s.String() != c.want && c.in != "icmpv6/echo" {
			t.Errorf("%s written back as %s, want %s", c.in, s, c.want)
		}
	}
	if s, err := intents.ParseService("any"); s != nil || err != nil {
		t.Errorf("any: %v %v", s, err)
	}
}

func TestBuiltInIntentsParse(t *testing.T) {
	names := intents.BuiltInNames()
	if len(names) != 3 || names[2] != "cross-VPC" || intents.BuiltIn().Intents[2].Across != intents.AcrossVPC {
		t.Errorf("built-in intents %v", names)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("intents:\n  - name: a\n    deny: {from: any, to: internet, port: tcp/22}\n"))
	f.Add([]byte("intents: [{only: {from: 'sg:a or not vpc:b', to: 'cidr:10.0.0.0/8', port: [udp/53, icmp]}}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = intents.Parse(data, "fuzz.yaml") // never panics
	})
}
