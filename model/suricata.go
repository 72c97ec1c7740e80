package model

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// This file parses the Suricata-compatible rules AWS Network Firewall
// evaluates (Network Firewall developer guide, "Suricata compatible rule
// strings in AWS Network Firewall"; Suricata's "Rules Format"): a header —
// action, protocol, source, source port, direction, destination,
// destination port — and options in parentheses. vpcscope evaluates the
// header; the options are kept as written.

// SuricataRule is one parsed Suricata rule.
type SuricataRule struct {
	// Line is the rule's first line in its rule group's RulesString
	// (1-based); 0 for a rule not read from one.
	Line int
	// Action is pass, drop, reject or alert (and Suricata's rejectsrc,
	// rejectdst, rejectboth).
	Action string
	// Protocol is ip, tcp, udp, icmp, icmpv4, icmpv6 or an application
	// protocol (http, tls, dns, …), lower case.
	Protocol string
	// Source, SourcePort, Destination and DestinationPort are parsed.
	Source, Destination         AddrExpr
	SourcePort, DestinationPort PortExpr
	// Bidirectional is set for <> (the rule matches either way).
	Bidirectional bool
	Options       []RuleOption
	// SID is the rule's sid option (0 when it has none).
	SID int64
	// Text is the rule as written, on one line.
	Text string
}

// SuricataError is a rule of a RulesString that does not parse.
type SuricataError struct {
	Line int
	Text string
	Msg  string
}

// Error renders "line 3: missing ( before the options: drop tcp …".
func (e *SuricataError) Error() string {
	t := e.Text
	if len(t) > 80 {
		t = t[:77] + "..."
	}
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Msg, t)
}

// maxSuricataRules bounds the rules ParseSuricataRules reads; Network
// Firewall caps a rule group's capacity at 30,000 rules.
const maxSuricataRules = 30000

// ParseSuricataRules parses a rule group's RulesString: one rule per line
// (a line ending in a backslash continues on the next), blank lines and
// lines starting with # skipped. It returns the rules that parse, in
// order, and an error for each that does not.
func ParseSuricataRules(s string) ([]SuricataRule, []*SuricataError) {
	var rules []SuricataRule
	var errs []*SuricataError
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		start := i + 1
		text := strings.TrimSpace(lines[i])
		for strings.HasSuffix(text, `\`) && i+1 < len(lines) {
			i++
			text = strings.TrimSuffix(text, `\`) + " " + strings.TrimSpace(lines[i])
		}
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if len(rules)+len(errs) >= maxSuricataRules {
			errs = append(errs, &SuricataError{Line: start, Text: text, Msg: fmt.Sprintf("more than %d rules; the rest were not read", maxSuricataRules)})
			break
		}
		r, err := ParseSuricataRule(text)
		if err != nil {
			errs = append(errs, &SuricataError{Line: start, Text: text, Msg: err.Error()})
			continue
		}
		r.Line = start
		rules = append(rules, r)
	}
	return rules, errs
}

// suricataActions are the actions Network Firewall accepts.
var suricataActions = map[string]bool{"pass": true, "drop": true, "reject": true, "alert": true,
	"rejectsrc": true, "rejectdst": true, "rejectboth": true}

// ParseSuricataRule parses one rule.
func ParseSuricataRule(text string) (SuricataRule, error) {
	r := SuricataRule{Text: text}
	header, opts, hasOpts := strings.Cut(text, "(")
	fields, err := headerFields(header)
	if err != nil {
		return r, err
	}
	if len(fields) != 7 {
		return r, fmt.Errorf("the header has %d fields, want 7 (action protocol source port direction destination port)", len(fields))
	}
	r.Action = strings.ToLower(fields[0])
	if !suricataActions[r.Action] {
		return r, fmt.Errorf("unknown action %q: want pass, drop, reject or alert", fields[0])
	}
	r.Protocol = strings.ToLower(fields[1])
	if !validProtocolName(r.Protocol) {
		return r, fmt.Errorf("invalid protocol %q", fields[1])
	}
	switch fields[4] {
	case "->":
	case "<>":
		r.Bidirectional = true
	default:
		return r, fmt.Errorf("invalid direction %q: want -> or <>", fields[4])
	}
	if r.Source, err = ParseAddrExpr(fields[2]); err != nil {
		return r, fmt.Errorf("source: %w", err)
	}
	if r.SourcePort, err = ParsePortExpr(fields[3]); err != nil {
		return r, fmt.Errorf("source port: %w", err)
	}
	if r.Destination, err = ParseAddrExpr(fields[5]); err != nil {
		return r, fmt.Errorf("destination: %w", err)
	}
	if r.DestinationPort, err = ParsePortExpr(fields[6]); err != nil {
		return r, fmt.Errorf("destination port: %w", err)
	}
	if !hasOpts {
		return r, nil
	}
	opts = strings.TrimSpace(opts)
	if !strings.HasSuffix(opts, ")") {
		return r, errors.New("the options do not end with )")
	}
	if r.Options, err = parseOptions(strings.TrimSuffix(opts, ")")); err != nil {
		return r, err
	}
	for _, o := range r.Options {
		if o.Keyword == "sid" && len(o.Settings) == 1 {
			sid, err := strconv.ParseInt(o.Settings[0], 10, 64)
			if err != nil || sid <= 0 {
				return r, fmt.Errorf("invalid sid %q: want a positive number", o.Settings[0])
			}
			r.SID = sid
		}
	}
	return r, nil
}

// headerFields splits a header by white space, keeping [lists] (which may
// hold spaces) whole.
func headerFields(h string) ([]string, error) {
	var out []string
	depth, start := 0, -1
	for i, c := range h {
		switch {
		case c == '[':
			depth++
			if start < 0 {
				start = i
			}
		case c == ']':
			depth--
			if depth < 0 {
				return nil, errors.New("unbalanced ] in the header")
			}
		case (c == ' ' || c == '\t') && depth == 0:
			if start >= 0 {
				out = append(out, strings.ReplaceAll(h[start:i], " ", ""))
				start = -1
			}
		default:
			if start < 0 {
				start = i
			}
		}
	}
	if depth != 0 {
		return nil, errors.New("unbalanced [ in the header")
	}
	if start >= 0 {
		out = append(out, strings.ReplaceAll(h[start:], " ", ""))
	}
	return out, nil
}

// parseOptions splits "msg:\"a;b\"; sid:1;" into options: separated by
// semicolons outside quotes, a backslash escaping the next character.
func parseOptions(s string) ([]RuleOption, error) {
	var out []RuleOption
	var cur strings.Builder
	quoted, escaped := false, false
	flush := func() error {
		t := strings.TrimSpace(cur.String())
		cur.Reset()
		if t == "" {
			return nil
		}
		k, v, has := strings.Cut(t, ":")
		o := RuleOption{Keyword: strings.ToLower(strings.TrimSpace(k))}
		if o.Keyword == "" {
			return fmt.Errorf("an option without a keyword: %q", t)
		}
		if has {
			o.Settings = []string{strings.TrimSpace(v)}
		}
		out = append(out, o)
		return nil
	}
	for _, c := range s {
		switch {
		case escaped:
			cur.WriteRune(c)
			escaped = false
		case c == '\\':
			cur.WriteRune(c)
			escaped = true
		case c == '"':
			quoted = !quoted
			cur.WriteRune(c)
		case c == ';' && !quoted:
			if err := flush(); err != nil {
				return nil, err
			}
		default:
			cur.WriteRune(c)
		}
	}
	if quoted {
		return nil, errors.New("an option's quoted value is not closed")
	}
	if strings.TrimSpace(cur.String()) != "" {
		return nil, errors.New("the last option does not end with ;")
	}
	return out, nil
}

func validProtocolName(p string) bool {
	if p == "" {
		return false
	}
	for _, c := range p {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// AddrExpr is a Suricata address expression: any, an address or CIDR, a
// variable ($HOME_NET), an IP set reference (@NAME), or a [list] of them,
// each of which may be negated (!).
type AddrExpr struct {
	Negate bool
	Any    bool
	Prefix netip.Prefix
	// Var is a variable's name without its $; Ref an IP set reference's
	// name without its @.
	Var, Ref string
	List     []AddrExpr
}

// String renders the expression as Suricata writes it.
func (a AddrExpr) String() string {
	var s string
	switch {
	case a.Any:
		s = "any"
	case a.Var != "":
		s = "$" + a.Var
	case a.Ref != "":
		s = "@" + a.Ref
	case a.List != nil:
		parts := make([]string, len(a.List))
		for i, x := range a.List {
			parts[i] = x.String()
		}
		s = "[" + strings.Join(parts, ",") + "]"
	default:
		s = a.Prefix.String()
		if a.Prefix.IsSingleIP() {
			s = a.Prefix.Addr().String()
		}
	}
	if a.Negate {
		return "!" + s
	}
	return s
}

// maxExprDepth bounds the nesting of lists in an expression.
const maxExprDepth = 16

// ParseAddrExpr parses a Suricata address expression.
func ParseAddrExpr(s string) (AddrExpr, error) { return parseAddr(strings.TrimSpace(s), 0) }

func parseAddr(s string, depth int) (AddrExpr, error) {
	var a AddrExpr
	if depth > maxExprDepth {
		return a, errors.New("lists nested too deep")
	}
	for strings.HasPrefix(s, "!") {
		a.Negate = !a.Negate
		s = strings.TrimSpace(s[1:])
	}
	switch {
	case s == "":
		return a, errors.New("empty address")
	case strings.EqualFold(s, "any"):
		a.Any = true
	case s[0] == '$':
		if !validVarName(s[1:]) {
			return a, fmt.Errorf("invalid variable %q", s)
		}
		a.Var = s[1:]
	case s[0] == '@':
		if !validVarName(s[1:]) {
			return a, fmt.Errorf("invalid IP set reference %q", s)
		}
		a.Ref = s[1:]
	case s[0] == '[':
		items, err := splitList(s)
		if err != nil {
			return a, err
		}
		a.List = make([]AddrExpr, 0, len(items))
		for _, it := range items {
			x, err := parseAddr(it, depth+1)
			if err != nil {
				return a, err
			}
			a.List = append(a.List, x)
		}
	default:
		p, err := netip.ParsePrefix(s)
		if err != nil {
			addr, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return a, fmt.Errorf("invalid address %q: want any, an address, a CIDR, $VARIABLE, @REFERENCE or a [list]", s)
			}
			p = netip.PrefixFrom(addr, addr.BitLen())
		}
		a.Prefix = p.Masked()
	}
	return a, nil
}

// PortExpr is a Suricata port expression: any, a port, a range (from:to,
// from:, :to), a variable, or a [list], each of which may be negated.
type PortExpr struct {
	Negate bool
	Any    bool
	Range  PortRange
	Var    string
	List   []PortExpr
}

// String renders the expression as Suricata writes it.
func (p PortExpr) String() string {
	var s string
	switch {
	case p.Any:
		s = "any"
	case p.Var != "":
		s = "$" + p.Var
	case p.List != nil:
		parts := make([]string, len(p.List))
		for i, x := range p.List {
			parts[i] = x.String()
		}
		s = "[" + strings.Join(parts, ",") + "]"
	case p.Range.From == p.Range.To:
		s = strconv.Itoa(int(p.Range.From))
	default:
		s = strconv.Itoa(int(p.Range.From)) + ":" + strconv.Itoa(int(p.Range.To))
	}
	if p.Negate {
		return "!" + s
	}
	return s
}

// ParsePortExpr parses a Suricata port expression.
func ParsePortExpr(s string) (PortExpr, error) { return parsePort(strings.TrimSpace(s), 0) }

func parsePort(s string, depth int) (PortExpr, error) {
	var p PortExpr
	if depth > maxExprDepth {
		return p, errors.New("lists nested too deep")
	}
	for strings.HasPrefix(s, "!") {
		p.Negate = !p.Negate
		s = strings.TrimSpace(s[1:])
	}
	switch {
	case s == "":
		return p, errors.New("empty port")
	case strings.EqualFold(s, "any"):
		p.Any = true
	case s[0] == '$':
		if !validVarName(s[1:]) {
			return p, fmt.Errorf("invalid variable %q", s)
		}
		p.Var = s[1:]
	case s[0] == '[':
		items, err := splitList(s)
		if err != nil {
			return p, err
		}
		p.List = make([]PortExpr, 0, len(items))
		for _, it := range items {
			x, err := parsePort(it, depth+1)
			if err != nil {
				return p, err
			}
			p.List = append(p.List, x)
		}
	default:
		r, err := ParseSuricataPortRange(s)
		if err != nil {
			return p, err
		}
		p.Range = r
	}
	return p, nil
}

// ParseSuricataPortRange parses "80", "1024:65535", "1024:" or ":1023".
func ParseSuricataPortRange(s string) (PortRange, error) {
	from, to, isRange := strings.Cut(s, ":")
	parse := func(v string, dflt uint16) (uint16, error) {
		if v == "" && isRange {
			return dflt, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 65535 {
			return 0, fmt.Errorf("invalid port %q: want 0-65535", s)
		}
		return uint16(n), nil
	}
	f, err := parse(from, 0)
	if err != nil {
		return PortRange{}, err
	}
	t := f
	if isRange {
		if t, err = parse(to, 65535); err != nil {
			return PortRange{}, err
		}
	}
	if f > t {
		return PortRange{}, fmt.Errorf("invalid port range %q: from is above to", s)
	}
	return PortRange{From: f, To: t}, nil
}

// splitList splits "[a, [b, c], !d]" into its top-level items.
func splitList(s string) ([]string, error) {
	if !strings.HasSuffix(s, "]") {
		return nil, fmt.Errorf("list %q does not end with ]", s)
	}
	inner := s[1 : len(s)-1]
	var out []string
	depth, start := 0, 0
	for i, c := range inner {
		switch c {
		case '[':
			depth++
		case ']':
			depth--
			if depth < 0 {
				return nil, fmt.Errorf("unbalanced ] in %q", s)
			}
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(inner[start:i]))
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("unbalanced [ in %q", s)
	}
	out = append(out, strings.TrimSpace(inner[start:]))
	for _, it := range out {
		if it == "" {
			return nil, fmt.Errorf("an empty item in %q", s)
		}
	}
	return out, nil
}

func validVarName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// Rule returns a standard stateful rule as a parsed Suricata rule.
func (r *StatefulRule) Rule() (SuricataRule, error) { return ParseSuricataRule(r.Suricata()) }

// harmlessOptions are rule options that do not change which packets a
// rule matches.
var harmlessOptions = map[string]bool{"sid": true, "rev": true, "msg": true, "gid": true, "classtype": true,
	"metadata": true, "priority": true, "reference": true, "target": true}

// UnevaluatedOptions returns the keywords of a rule's options that narrow
// what it matches and that vpcscope does not evaluate: everything but sid,
// rev, msg, gid, classtype, metadata, priority, reference, target and a
// flow option that only says the rule matches the request side
// (to_server, from_client, stateless). A rule with any is skipped by the
// engine, which says so.
func UnevaluatedOptions(opts []RuleOption) []string {
	var out []string
	for _, o := range opts {
		if !harmlessOptions[o.Keyword] && !(o.Keyword == "flow" && harmlessFlow(o.Settings)) {
			out = append(out, o.Keyword)
		}
	}
	return out
}

func harmlessFlow(settings []string) bool {
	for _, s := range settings {
		for _, f := range strings.Split(s, ",") {
			switch strings.TrimSpace(f) {
			case "to_server", "from_client", "stateless":
			default:
				return false
			}
		}
	}
	return true
}
