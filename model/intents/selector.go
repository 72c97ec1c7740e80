package intents

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode"
)

// SelectorKind says what an atom of a selector names.
type SelectorKind string

// The atoms of the selector language, and the boolean combinations.
const (
	// SelectVPC names a VPC by ID or Name tag: every interface in it.
	SelectVPC SelectorKind = "vpc"
	// SelectSubnet names a subnet by ID or Name tag.
	SelectSubnet SelectorKind = "subnet"
	// SelectSG names a security group by ID, group name or Name tag:
	// its member interfaces.
	SelectSG SelectorKind = "sg"
	// SelectTag is tag:Key=Value: the interfaces whose own tags, or else
	// their instance's, subnet's or VPC's (the nearest that has the key),
	// give Key the value; tag:Key matches any value.
	SelectTag SelectorKind = "tag"
	// SelectCIDR names the interfaces whose address is in a prefix, and
	// the internet addresses in it.
	SelectCIDR SelectorKind = "cidr"
	// SelectAccount and SelectRegion name the interfaces of an account
	// or Region.
	SelectAccount SelectorKind = "account"
	SelectRegion  SelectorKind = "region"
	// SelectInternet is every internet address.
	SelectInternet SelectorKind = "internet"
	// SelectOnPrem is onprem:NAME, an on-premises network declared to
	// vpcscope.
	SelectOnPrem SelectorKind = "onprem"
	// SelectAny is every interface (not the internet).
	SelectAny SelectorKind = "any"
	// SelectAnd, SelectOr and SelectNot combine selectors.
	SelectAnd SelectorKind = "and"
	SelectOr  SelectorKind = "or"
	SelectNot SelectorKind = "not"
)

// atoms are the kinds written kind:value.
var atoms = []SelectorKind{SelectVPC, SelectSubnet, SelectSG, SelectTag, SelectCIDR, SelectAccount, SelectRegion, SelectOnPrem}

// Selector names a set of endpoints: interfaces, internet addresses and
// on-premises networks. An atom has a Kind and a Value; and, or and not
// have Args.
type Selector struct {
	Kind  SelectorKind
	Value string
	// Prefix is the parsed value of a cidr atom.
	Prefix netip.Prefix
	Args   []*Selector
}

// String writes the selector back in the language.
func (s *Selector) String() string {
	switch s.Kind {
	case SelectInternet, SelectAny:
		return string(s.Kind)
	case SelectNot:
		return "not " + s.Args[0].wrapped()
	case SelectAnd, SelectOr:
		parts := make([]string, len(s.Args))
		for i, a := range s.Args {
			parts[i] = a.wrapped()
		}
		return strings.Join(parts, " "+string(s.Kind)+" ")
	}
	v := s.Value
	if strings.ContainsAny(v, " ()") {
		v = "'" + v + "'"
	}
	return string(s.Kind) + ":" + v
}

func (s *Selector) wrapped() string {
	if s.Kind == SelectAnd || s.Kind == SelectOr {
		return "(" + s.String() + ")"
	}
	return s.String()
}

// SelectorError is a selector that does not parse, with the offset (in
// runes, from 0) of what is wrong.
type SelectorError struct {
	Offset int
	Msg    string
}

func (e *SelectorError) Error() string { return e.Msg }

// ParseSelector reads a selector:
//
//	expr   := term { ("or" | "|") term }
//	term   := factor { ("and" | "&") factor }
//	factor := ("not" | "!") factor | "(" expr ")" | atom
//	atom   := internet | any | KIND:VALUE    (KIND: vpc subnet sg tag cidr account region onprem)
//
// A value runs to the next space or parenthesis; quote it with single
// quotes to hold them ('tag:Name=web server').
func ParseSelector(text string) (*Selector, error) {
	p := &selParser{src: []rune(text)}
	p.next()
	s, err := p.expr()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokEnd {
		return nil, p.errf("unexpected %q after the selector", p.tok.text)
	}
	return s, nil
}

type tokKind int

const (
	tokEnd tokKind = iota
	tokWord
	tokOpen
	tokClose
	tokAnd
	tokOr
	tokNot
)

type selTok struct {
	kind tokKind
	text string
	at   int
}

type selParser struct {
	src []rune
	pos int
	tok selTok
}

func (p *selParser) errf(format string, args ...any) error {
	return &SelectorError{Offset: p.tok.at, Msg: fmt.Sprintf(format, args...)}
}

// next reads the next token.
func (p *selParser) next() {
	for p.pos < len(p.src) && unicode.IsSpace(p.src[p.pos]) {
		p.pos++
	}
	at := p.pos
	if p.pos == len(p.src) {
		p.tok = selTok{kind: tokEnd, at: at}
		return
	}
	switch c := p.src[p.pos]; c {
	case '(':
		p.pos++
		p.tok = selTok{tokOpen, "(", at}
		return
	case ')':
		p.pos++
		p.tok = selTok{tokClose, ")", at}
		return
	case '&':
		p.pos++
		p.tok = selTok{tokAnd, "&", at}
		return
	case '|':
		p.pos++
		p.tok = selTok{tokOr, "|", at}
		return
	case '!':
		p.pos++
		p.tok = selTok{tokNot, "!", at}
		return
	}
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if unicode.IsSpace(c) || c == '(' || c == ')' {
			break
		}
		if c == '\'' {
			end := p.pos + 1
			for end < len(p.src) && p.src[end] != '\'' {
				end++
			}
			b.WriteString(string(p.src[p.pos+1 : min(end, len(p.src))]))
			p.pos = min(end+1, len(p.src))
			continue
		}
		b.WriteRune(c)
		p.pos++
	}
	w := b.String()
	switch strings.ToLower(w) {
	case "and":
		p.tok = selTok{tokAnd, w, at}
	case "or":
		p.tok = selTok{tokOr, w, at}
	case "not":
		p.tok = selTok{tokNot, w, at}
	default:
		p.tok = selTok{tokWord, w, at}
	}
}

func (p *selParser) expr() (*Selector, error) { return p.joined(tokOr, SelectOr, p.term) }

func (p *selParser) term() (*Selector, error) { return p.joined(tokAnd, SelectAnd, p.factor) }

// joined reads operands separated by op into one selector of kind, or the
// operand alone when there is one.
func (p *selParser) joined(op tokKind, kind SelectorKind, operand func() (*Selector, error)) (*Selector, error) {
	left, err := operand()
	if err != nil {
		return nil, err
	}
	args := []*Selector{left}
	for p.tok.kind == op {
		p.next()
		right, err := operand()
		if err != nil {
			return nil, err
		}
		args = append(args, right)
	}
	if len(args) == 1 {
		return left, nil
	}
	return &Selector{Kind: kind, Args: args}, nil
}

func (p *selParser) factor() (*Selector, error) {
	switch p.tok.kind {
	case tokNot:
		p.next()
		a, err := p.factor()
		if err != nil {
			return nil, err
		}
		return &Selector{Kind: SelectNot, Args: []*Selector{a}}, nil
	case tokOpen:
		p.next()
		s, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tokClose {
			return nil, p.errf("missing ) to close the parenthesis")
		}
		p.next()
		return s, nil
	case tokWord:
		s, err := p.atom(p.tok.text)
		if err != nil {
			return nil, err
		}
		p.next()
		return s, nil
	case tokEnd:
		return nil, p.errf("a selector is missing: want internet, any, or KIND:VALUE (vpc, subnet, sg, tag, cidr, account, region, onprem)")
	}
	return nil, p.errf("unexpected %q: want a selector", p.tok.text)
}

func (p *selParser) atom(w string) (*Selector, error) {
	switch strings.ToLower(w) {
	case "internet":
		return &Selector{Kind: SelectInternet}, nil
	case "any", "*":
		return &Selector{Kind: SelectAny}, nil
	}
	kind, value, ok := strings.Cut(w, ":")
	if !ok {
		return nil, p.errf("%q is not a selector: want internet, any, or KIND:VALUE (vpc, subnet, sg, tag, cidr, account, region, onprem)", w)
	}
	k := SelectorKind(strings.ToLower(kind))
	found := false
	for _, a := range atoms {
		if a == k {
			found = true
		}
	}
	if !found {
		return nil, p.errf("unknown selector kind %q: want vpc, subnet, sg, tag, cidr, account, region or onprem", kind)
	}
	if value == "" {
		return nil, p.errf("%s: needs a value, e.g. %s", kind, example(k))
	}
	s := &Selector{Kind: k, Value: value}
	if k == SelectCIDR {
		pfx, err := netip.ParsePrefix(value)
		if err != nil {
			a, err2 := netip.ParseAddr(value)
			if err2 != nil {
				return nil, p.errf("cidr:%s is not a CIDR block or an address", value)
			}
			pfx = netip.PrefixFrom(a, a.BitLen())
		}
		s.Prefix = pfx.Masked()
	}
	if k == SelectTag && strings.HasPrefix(value, "=") {
		return nil, p.errf("tag:%s: the tag key is missing (tag:Key=Value)", value)
	}
	return s, nil
}

func example(k SelectorKind) string {
	switch k {
	case SelectTag:
		return "tag:env=prod"
	case SelectCIDR:
		return "cidr:10.0.0.0/16"
	case SelectAccount:
		return "account:111122223333"
	case SelectRegion:
		return "region:us-east-1"
	case SelectOnPrem:
		return "onprem:datacenter"
	}
	return string(k) + ":ID-or-name"
}
