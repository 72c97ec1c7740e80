package reach

import (
	"strconv"
	"unicode/utf8"
)

// This file writes an Answer as JSON without reflection, for the batch
// (vpcscope reach --batch), where encoding/json cost a fifth of the CPU.
// The output is byte for byte what encoding/json's Encoder with
// SetEscapeHTML(false) writes: the fields in declaration order under
// their tag names, omitempty as encoding/json reads it, null for a nil
// slice or pointer, strings escaped the way encoding/json escapes them.
//
// Adding, renaming or retagging a field of Answer or of a type it holds
// must be mirrored here: TestAppendJSONCoversEveryField lists the fields
// this encoder writes and fails naming any other, and the tests in
// answerjson_test.go compare the two encoders on every fixture's answers
// and on random answers.

// AppendJSON appends the answer's JSON and a newline to dst and returns
// the extended buffer. The bytes are exactly what encoding/json's
// Encoder.Encode(a) writes with SetEscapeHTML(false) and no indent; a must
// not be nil.
func (a *Answer) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"query":`...)
	dst = a.Query.appendJSON(dst)
	dst = append(dst, `,"reachable":`...)
	dst = strconv.AppendBool(dst, a.Reachable)
	dst = append(dst, `,"verdict":`...)
	dst = appendJSONString(dst, string(a.Verdict))
	dst = append(dst, `,"blocked":`...)
	if a.Blocked == nil {
		dst = append(dst, "null"...)
	} else {
		dst = a.Blocked.appendJSON(dst)
	}
	dst = append(dst, `,"forward":`...)
	dst = appendHops(dst, a.Forward)
	dst = append(dst, `,"return":`...)
	dst = appendHops(dst, a.Return)
	dst = append(dst, `,"caveats":`...)
	if a.Caveats == nil {
		dst = append(dst, "null"...)
	} else {
		dst = appendJSONStrings(dst, a.Caveats)
	}
	return append(dst, "}\n"...)
}

func (q *QueryEcho) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"from":`...)
	dst = appendJSONString(dst, q.From)
	dst = append(dst, `,"to":`...)
	dst = appendJSONString(dst, q.To)
	dst = append(dst, `,"protocol":`...)
	dst = appendJSONString(dst, q.Protocol)
	if q.Port != nil {
		dst = append(dst, `,"port":`...)
		dst = strconv.AppendInt(dst, int64(*q.Port), 10)
	}
	if q.SourcePort != nil {
		dst = append(dst, `,"sourcePort":`...)
		dst = strconv.AppendInt(dst, int64(*q.SourcePort), 10)
	}
	dst = appendOmitEmpty(dst, `,"icmp":`, q.ICMP)
	dst = append(dst, `,"source":`...)
	dst = q.Source.appendJSON(dst)
	dst = append(dst, `,"destination":`...)
	dst = q.Dest.appendJSON(dst)
	return append(dst, '}')
}

func (ep *Endpoint) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"kind":`...)
	dst = appendJSONString(dst, ep.Kind)
	dst = appendOmitEmpty(dst, `,"id":`, ep.ID)
	dst = appendOmitEmpty(dst, `,"name":`, ep.Name)
	dst = appendOmitEmpty(dst, `,"interface":`, ep.Interface)
	dst = append(dst, `,"ip":`...)
	dst = appendJSONString(dst, ep.IP)
	dst = appendOmitEmpty(dst, `,"note":`, ep.Note)
	if len(ep.Addresses) > 0 {
		dst = append(dst, `,"addresses":`...)
		dst = appendJSONStrings(dst, ep.Addresses)
	}
	dst = appendOmitEmpty(dst, `,"summary":`, ep.Summary)
	return append(dst, '}')
}

func (b *Block) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"layer":`...)
	dst = appendJSONString(dst, string(b.Layer))
	dst = append(dst, `,"resource":`...)
	dst = appendJSONString(dst, b.Resource)
	dst = append(dst, `,"rule":`...)
	dst = appendJSONString(dst, b.Rule)
	dst = append(dst, `,"direction":`...)
	dst = appendJSONString(dst, string(b.Direction))
	dst = append(dst, `,"code":`...)
	dst = appendJSONString(dst, string(b.Code))
	dst = append(dst, `,"reason":`...)
	dst = appendJSONString(dst, b.Reason)
	if b.Ref != nil {
		dst = append(dst, `,"ref":`...)
		dst = b.Ref.appendJSON(dst)
	}
	if len(b.Near) > 0 {
		dst = append(dst, `,"near":`...)
		dst = appendRuleRefs(dst, b.Near)
	}
	return append(dst, '}')
}

// appendHops appends hops as a JSON array, null when nil.
func appendHops(dst []byte, hops []Hop) []byte {
	if hops == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i := range hops {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = hops[i].appendJSON(dst)
	}
	return append(dst, ']')
}

func (h *Hop) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"layer":`...)
	dst = appendJSONString(dst, string(h.Layer))
	dst = append(dst, `,"resource":`...)
	dst = appendJSONString(dst, h.Resource)
	dst = appendOmitEmpty(dst, `,"name":`, h.Name)
	dst = appendOmitEmpty(dst, `,"account":`, h.Account)
	dst = appendOmitEmpty(dst, `,"region":`, h.Region)
	dst = append(dst, `,"verdict":`...)
	dst = appendJSONString(dst, string(h.Verdict))
	dst = appendOmitEmpty(dst, `,"stage":`, string(h.Stage))
	dst = appendOmitEmpty(dst, `,"rule":`, h.Rule)
	if h.Ref != nil {
		dst = append(dst, `,"ref":`...)
		dst = h.Ref.appendJSON(dst)
	}
	dst = append(dst, `,"packet":`...)
	dst = appendJSONString(dst, h.Packet)
	dst = appendOmitEmpty(dst, `,"code":`, string(h.Code))
	dst = appendOmitEmpty(dst, `,"detail":`, h.Detail)
	if len(h.Near) > 0 {
		dst = append(dst, `,"near":`...)
		dst = appendRuleRefs(dst, h.Near)
	}
	return append(dst, '}')
}

// appendRuleRefs appends refs as a JSON array (its callers omit it when
// empty).
func appendRuleRefs(dst []byte, refs []RuleRef) []byte {
	dst = append(dst, '[')
	for i := range refs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = refs[i].appendJSON(dst)
	}
	return append(dst, ']')
}

func (r *RuleRef) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"kind":`...)
	dst = appendJSONString(dst, string(r.Kind))
	dst = appendOmitEmpty(dst, `,"resource":`, r.Resource)
	dst = append(dst, `,"index":`...)
	dst = strconv.AppendInt(dst, int64(r.Index), 10)
	if r.RuleNumber != 0 {
		dst = append(dst, `,"ruleNumber":`...)
		dst = strconv.AppendInt(dst, int64(r.RuleNumber), 10)
	}
	return append(dst, '}')
}

// appendOmitEmpty appends key (with its leading comma and trailing colon)
// and s, unless s is empty.
func appendOmitEmpty(dst []byte, key, s string) []byte {
	if s == "" {
		return dst
	}
	dst = append(dst, key...)
	return appendJSONString(dst, s)
}

// appendJSONStrings appends ss as a JSON array of strings ([] when empty
// but not nil; its callers write null for nil).
func appendJSONStrings(dst []byte, ss []string) []byte {
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, s)
	}
	return append(dst, ']')
}

// jsonSafe marks the bytes encoding/json writes as they are with
// SetEscapeHTML(false): the ASCII ones but the control characters, '"' and
// '\\' (a byte of 0x80 or more starts a rune, or is invalid UTF-8: it is
// decoded). Indexed by any byte, without a bounds check.
var jsonSafe = func() (safe [256]bool) {
	for b := ' '; b < utf8.RuneSelf; b++ {
		safe[b] = b != '"' && b != '\\'
	}
	return safe
}()

const lowerHex = "0123456789abcdef"

// appendJSONString appends s as a quoted JSON string the way encoding/json
// does without HTML escaping: '"' and '\\' escaped with a backslash; \b,
// \f, \n, \r and \t in their short forms; other control characters as
// \u00XX; U+2028 and U+2029 as \u2028 and \u2029 (JSONP safety); each
// byte of invalid UTF-8 as \ufffd.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		for i < len(s) && jsonSafe[s[i]] {
			i++ // the run of bytes written as they are, in a tight loop
		}
		if i == len(s) {
			break
		}
		if b := s[i]; b < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', lowerHex[b>>4], lowerHex[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', lowerHex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
