// Package intents reads network intents as code: a YAML file of
// statements about which endpoints may reach which, on which protocols
// and ports, that vpcscope check verifies exhaustively. It parses files
// and selectors (with the line and column of every mistake) and ships
// the ready intents modelled on AWS Network Access Analyzer's
// Amazon-created scopes; it imports nothing of the engine — reach/intent
// evaluates what it reads.
//
// A file:
//
//	intents:
//	  - name: dev never reaches prod
//	    deny: {from: "tag:env=dev", to: "tag:env=prod"}            # any protocol and port
//	  - name: only the app tier reaches the database
//	    only: {from: "sg:app-sg", to: "sg:db-sg", port: "tcp/3306"}
//	  - name: the internet reaches only the edge, on 443
//	    only: {from: internet, to: "tag:tier=edge", port: "tcp/443"}
//
// deny: no packet from From reaches To on the ports. allow: every packet
// of that kind does (every sender, every receiver, every port). only:
// To on the ports is reached from From, and from nothing else. across
// (vpc, account or region) limits a statement to pairs of endpoints in
// different VPCs, accounts or Regions.
package intents

import (
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
	"github.com/vpcscope/vpcscope/model"
)

// Kind is what a statement says.
type Kind string

// The statements.
const (
	Deny  Kind = "deny"
	Allow Kind = "allow"
	Only  Kind = "only"
)

// Across limits a statement to pairs of endpoints that differ in it.
type Across string

// The boundaries a statement may be limited to crossing.
const (
	AcrossNone    Across = ""
	AcrossVPC     Across = "vpc"
	AcrossAccount Across = "account"
	AcrossRegion  Across = "region"
)

// File is a parsed intents file.
type File struct {
	Name    string
	Intents []Intent
}

// Intent is one statement.
type Intent struct {
	Name     string
	Kind     Kind
	From, To *Selector
	// Services are the traffic the statement is about; empty: any
	// protocol and port.
	Services []Service
	Across   Across
	// Line and Column locate the statement in its file.
	Line, Column int
}

// Service is traffic a statement names: a protocol, with TCP/UDP
// destination ports (nil: all) or an ICMP message (nil: echo request).
type Service struct {
	Protocol model.Protocol
	Ports    []model.PortRange
	ICMP     *model.ICMPTypeCode
}

// String writes the service as a port field holds it: "tcp/443",
// "tcp/8000-8010", "icmp", "icmp/3:4", "47".
func (s Service) String() string {
	switch {
	case s.Protocol.HasPorts() && len(s.Ports) > 0:
		parts := make([]string, len(s.Ports))
		for i, r := range s.Ports {
			parts[i] = r.String()
		}
		return s.Protocol.String() + "/" + strings.Join(parts, ",")
	case s.Protocol.IsICMP() && s.ICMP != nil && s.ICMP.Code >= 0:
		return fmt.Sprintf("%s/%d:%d", s.Protocol, s.ICMP.Type, s.ICMP.Code)
	case s.Protocol.IsICMP() && s.ICMP != nil:
		return fmt.Sprintf("%s/%d", s.Protocol, s.ICMP.Type)
	}
	return s.Protocol.String()
}

// Error is a mistake in an intents file, located.
type Error struct {
	File         string
	Line, Column int
	Msg          string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// maxFile bounds an intents file.
const maxFile = 4 << 20

// Parse reads an intents file. Every mistake — YAML syntax, an unknown
// key, a statement with no kind or two, a selector or port that does not
// parse — is an *Error naming the line and column.
func Parse(data []byte, name string) (*File, error) {
	if len(data) > maxFile {
		return nil, &Error{File: name, Msg: fmt.Sprintf("%d bytes: an intents file is at most %d", len(data), maxFile)}
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlError(name, err)
	}
	out := &File{Name: name}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return nil, &Error{File: name, Line: 1, Column: 1, Msg: "empty file: want a mapping with an intents: list"}
	}
	if len(f.Docs) > 1 {
		return nil, errAt(name, f.Docs[1].Body, "one YAML document per intents file")
	}
	root, ok := unwrap(f.Docs[0].Body).(*ast.MappingNode)
	if !ok {
		return nil, errAt(name, f.Docs[0].Body, "want a mapping with an intents: list")
	}
	var list *ast.SequenceNode
	for _, kv := range root.Values {
		switch key := keyOf(kv); key {
		case "intents":
			seq, ok := unwrap(kv.Value).(*ast.SequenceNode)
			if !ok {
				if _, null := unwrap(kv.Value).(*ast.NullNode); null {
					seq = &ast.SequenceNode{}
				} else {
					return nil, errAt(name, kv.Value, "intents: want a list of statements")
				}
			}
			list = seq
		default:
			return nil, errAt(name, kv.Key, fmt.Sprintf("unknown key %q: an intents file holds intents:", key))
		}
	}
	if list == nil {
		return nil, errAt(name, root, "no intents: list")
	}
	names := map[string]bool{}
	for _, item := range list.Values {
		in, err := parseIntent(name, item)
		if err != nil {
			return nil, err
		}
		if names[in.Name] {
			return nil, errAt(name, item, fmt.Sprintf("a second intent named %q: names identify intents in the output", in.Name))
		}
		names[in.Name] = true
		out.Intents = append(out.Intents, in)
	}
	return out, nil
}

func parseIntent(file string, n ast.Node) (Intent, error) {
	m, ok := unwrap(n).(*ast.MappingNode)
	if !ok {
		return Intent{}, errAt(file, n, "a statement is a mapping: name, and one of deny, allow or only")
	}
	tok := n.GetToken()
	in := Intent{Line: tok.Position.Line, Column: tok.Position.Column}
	var body ast.Node
	for _, kv := range m.Values {
		switch key := keyOf(kv); key {
		case "name":
			s, err := scalar(file, kv.Value)
			if err != nil {
				return in, err
			}
			in.Name = s
		case "description":
		case string(Deny), string(Allow), string(Only):
			if in.Kind != "" {
				return in, errAt(file, kv.Key, fmt.Sprintf("a statement has one of deny, allow or only, not both %s and %s", in.Kind, key))
			}
			in.Kind, body = Kind(key), kv.Value
		default:
			return in, errAt(file, kv.Key, fmt.Sprintf("unknown key %q: want name, description, deny, allow or only", key))
		}
	}
	if in.Kind == "" {
		return in, errAt(file, n, "the statement says nothing: add deny, allow or only")
	}
	if strings.TrimSpace(in.Name) == "" {
		in.Name = fmt.Sprintf("%s at line %d", in.Kind, in.Line)
	}
	bm, ok := unwrap(body).(*ast.MappingNode)
	if !ok {
		return in, errAt(file, body, fmt.Sprintf("%s: want {from: SELECTOR, to: SELECTOR, port: SERVICE}", in.Kind))
	}
	for _, kv := range bm.Values {
		switch key := keyOf(kv); key {
		case "from", "to":
			sel, err := selectorAt(file, kv.Value)
			if err != nil {
				return in, err
			}
			if key == "from" {
				in.From = sel
			} else {
				in.To = sel
			}
		case "port", "ports":
			svcs, err := servicesAt(file, kv.Value)
			if err != nil {
				return in, err
			}
			in.Services = append(in.Services, svcs...)
		case "across":
			s, err := scalar(file, kv.Value)
			if err != nil {
				return in, err
			}
			switch a := Across(strings.ToLower(s)); a {
			case AcrossVPC, AcrossAccount, AcrossRegion:
				in.Across = a
			default:
				return in, errAt(file, kv.Value, fmt.Sprintf("across: %q: want vpc, account or region", s))
			}
		default:
			return in, errAt(file, kv.Key, fmt.Sprintf("unknown key %q in %s: want from, to, port and across", key, in.Kind))
		}
	}
	if in.From == nil || in.To == nil {
		return in, errAt(file, body, fmt.Sprintf("%s: needs both from and to", in.Kind))
	}
	return in, nil
}

// selectorAt parses a selector scalar, locating a mistake in it.
func selectorAt(file string, n ast.Node) (*Selector, error) {
	s, err := scalar(file, n)
	if err != nil {
		return nil, err
	}
	sel, err := ParseSelector(s)
	if err != nil {
		var se *SelectorError
		tok := n.GetToken()
		e := &Error{File: file, Line: tok.Position.Line, Column: tok.Position.Column, Msg: err.Error()}
		if errors.As(err, &se) && !strings.Contains(tok.Origin, "\n") {
			e.Column += se.Offset
			if tok.Type == token.DoubleQuoteType || tok.Type == token.SingleQuoteType {
				e.Column++
			}
		}
		return nil, e
	}
	return sel, nil
}

// servicesAt reads a port field: one service or a list.
func servicesAt(file string, n ast.Node) ([]Service, error) {
	if seq, ok := unwrap(n).(*ast.SequenceNode); ok {
		var out []Service
		for _, v := range seq.Values {
			s, err := servicesAt(file, v)
			if err != nil {
				return nil, err
			}
			out = append(out, s...)
		}
		return out, nil
	}
	s, err := scalar(file, n)
	if err != nil {
		return nil, err
	}
	var out []Service
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		svc, err := ParseService(part)
		if err != nil {
			return nil, errAt(file, n, err.Error())
		}
		if svc == nil {
			return nil, nil // any: every protocol and port
		}
		out = append(out, *svc)
	}
	return out, nil
}

// ParseService reads one service: "tcp/443", "tcp/8000-8010", "tcp"
// (every port), "udp/53", "icmp" (echo request), "icmp/8", "icmp/3:4",
// "icmpv6", a protocol number ("47"), or "any" (nil: every protocol and
// port).
func ParseService(s string) (*Service, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "any" || s == "all" || s == "*" {
		return nil, nil
	}
	proto, rest, hasRest := strings.Cut(s, "/")
	p, err := model.ParseProtocol(proto)
	if err != nil {
		return nil, fmt.Errorf("port %q: %v", s, err)
	}
	if p == model.ProtocolAll {
		if hasRest {
			return nil, fmt.Errorf("port %q: all protocols have no ports; write any", s)
		}
		return nil, nil
	}
	svc := &Service{Protocol: p}
	switch {
	case !hasRest:
	case p.HasPorts():
		for _, r := range strings.Split(rest, ";") {
			pr, err := model.ParsePortRange(r)
			if err != nil {
				return nil, fmt.Errorf("port %q: %v", s, err)
			}
			svc.Ports = append(svc.Ports, pr)
		}
	case p.IsICMP():
		t, c, hasCode := strings.Cut(rest, ":")
		if t == "echo" || t == "echo-request" {
			e := model.ICMPEchoRequest
			if p == model.ProtocolICMPv6 {
				e = model.ICMPv6EchoRequest
			}
			svc.ICMP = &e
			break
		}
		tn, err := strconv.Atoi(t)
		if err != nil || tn < 0 || tn > 255 {
			return nil, fmt.Errorf("port %q: an ICMP type is 0-255 (or echo)", s)
		}
		icmp := model.ICMPTypeCode{Type: int16(tn), Code: -1}
		if hasCode {
			cn, err := strconv.Atoi(c)
			if err != nil || cn < 0 || cn > 255 {
				return nil, fmt.Errorf("port %q: an ICMP code is 0-255", s)
			}
			icmp.Code = int16(cn)
		}
		svc.ICMP = &icmp
	default:
		return nil, fmt.Errorf("port %q: protocol %s has no ports", s, p)
	}
	return svc, nil
}

func unwrap(n ast.Node) ast.Node {
	for {
		switch x := n.(type) {
		case *ast.TagNode:
			n = x.Value
		case *ast.AnchorNode:
			n = x.Value
		case *ast.CommentGroupNode:
			return n
		default:
			return n
		}
	}
}

func keyOf(kv *ast.MappingValueNode) string {
	if s, ok := kv.Key.(ast.ScalarNode); ok {
		return strings.TrimSpace(fmt.Sprint(s.GetValue()))
	}
	return kv.Key.String()
}

func scalar(file string, n ast.Node) (string, error) {
	switch x := unwrap(n).(type) {
	case *ast.StringNode:
		return x.Value, nil
	case ast.ScalarNode:
		if _, null := x.(*ast.NullNode); null {
			return "", errAt(file, n, "a value is missing here")
		}
		return fmt.Sprint(x.GetValue()), nil
	}
	return "", errAt(file, n, "want a single value here, not a list or mapping")
}

func errAt(file string, n ast.Node, msg string) error {
	e := &Error{File: file, Msg: msg}
	if n != nil {
		if tok := n.GetToken(); tok != nil && tok.Position != nil {
			e.Line, e.Column = tok.Position.Line, tok.Position.Column
		}
	}
	return e
}

// yamlError turns the YAML parser's error into a located one-line Error.
func yamlError(file string, err error) error {
	var located interface {
		GetToken() *token.Token
		GetMessage() string
	}
	e := &Error{File: file, Msg: strings.TrimSpace(strings.ReplaceAll(err.Error(), "\n", " "))}
	if errors.As(err, &located) {
		e.Msg = located.GetMessage()
		if tok := located.GetToken(); tok != nil && tok.Position != nil {
			e.Line, e.Column = tok.Position.Line, tok.Position.Column
		}
	}
	return e
}

//go:embed naa.yaml
var naaFile []byte

// BuiltIn returns the ready intents modelled on AWS Network Access
// Analyzer's Amazon-created scopes — paths from the internet, paths to
// the internet, paths between VPCs — as deny statements whose
// violations list every such path (NAA reports them as findings to
// review).
func BuiltIn() *File {
	f, err := Parse(naaFile, "naa.yaml")
	if err != nil {
		panic("intents: built-in naa.yaml: " + err.Error())
	}
	return f
}

// BuiltInNames lists the ready intents by name.
func BuiltInNames() []string {
	var out []string
	for _, in := range BuiltIn().Intents {
		out = append(out, in.Name)
	}
	return slices.Clip(out)
}
