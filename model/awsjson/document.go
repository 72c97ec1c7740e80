package awsjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"

	"github.com/vpcscope/vpcscope/model"
)

// docCtx is the state of decoding one document: where it came from, the
// key being decoded and the batch its results go to.
type docCtx struct {
	name    string
	account string
	region  string
	data    []byte
	out     *batch

	// The top-level key being decoded, its value and the value's offset.
	key  string
	raw  []byte
	base int

	// err is the first bad value found while converting.
	err error

	// dec is set on the fast path: values are decoded straight from the
	// document's stream, and any problem sends decoding to the careful
	// path, which locates it.
	dec *json.Decoder
}

// errRetryCarefully tells decodeDocument that the fast path met a problem
// that only the careful path can locate.
var errRetryCarefully = errors.New("awsjson: retry on the careful path")

// decodeDocument decodes one document into a batch of resources and links.
// Well-formed documents (every live pull, most files) take a fast path that
// reads the document twice instead of four times; a document with any
// problem is decoded again carefully, so errors name their line and column.
func decodeDocument(account, region, name string, data []byte) (*batch, error) {
	if b, err := decodeFast(account, region, name, data); err == nil {
		return b, nil
	}
	return decodeCarefully(account, region, name, data)
}

// decodeFast decodes each top-level value straight from the stream.
func decodeFast(account, region, name string, data []byte) (*batch, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	d := &docCtx{name: name, account: account, region: region, data: data,
		out: newBatch(name, account, region), dec: dec}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errRetryCarefully
	}
	for dec.More() {
		tok, err := dec.Token()
		key, ok := tok.(string)
		if err != nil || !ok {
			return nil, errRetryCarefully
		}
		h, known := keyHandlers[key]
		if !known {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, errRetryCarefully
			}
			if reason, ok := skipReason(key); ok {
				d.out.skip(key, reason)
			}
			continue
		}
		d.key, d.err = key, nil
		n, err := h(d)
		if err != nil || d.err != nil {
			return nil, errRetryCarefully
		}
		d.out.keys[key] += n
		d.out.recognised = true
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, errRetryCarefully
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errRetryCarefully // trailing data
	}
	return d.out, nil
}

// decodeCarefully decodes a document keeping every value's position, to
// report problems by line and column.
func decodeCarefully(account, region, name string, data []byte) (*batch, error) {
	d := &docCtx{
		name: name, account: account, region: region, data: data,
		out: newBatch(name, account, region),
	}
	// Check the syntax first: json.Unmarshal reports where it breaks in
	// the whole document, while json.Decoder counts from the current value.
	if !json.Valid(data) {
		var v any
		return nil, syntaxError(name, data, json.Unmarshal(data, &v))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(name, data, err)
	}
	if delim, ok := tok.(json.Delim); !ok || delim != '{' {
		d.out.skip("", fmt.Sprintf("the document is %s, not an object of AWS output keys", jsonKind(tok)))
		return d.out, nil
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxError(name, data, err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, errorAt(name, data, int(dec.InputOffset()), "", "invalid JSON: want an object key", nil)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, syntaxError(name, data, err)
		}
		end := int(dec.InputOffset())
		if err := d.decodeKey(key, raw, end-len(raw)); err != nil {
			return nil, err
		}
	}
	return d.out, nil
}

// jsonKind names the JSON type that begins with tok.
func jsonKind(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return "an array"
		}
		return "an object"
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

// decodeKey decodes the value of one top-level key, or records why it is
// skipped.
func (d *docCtx) decodeKey(key string, raw []byte, base int) error {
	h, ok := keyHandlers[key]
	if !ok {
		if reason, skip := skipReason(key); skip {
			d.out.skip(key, reason)
		}
		return nil
	}
	d.key, d.raw, d.base, d.err = key, raw, base, nil
	n, err := h(d)
	if err != nil {
		return err
	}
	d.out.keys[key] += n
	d.out.recognised = true
	return nil
}

// keyHandler decodes the value of one top-level key and returns how many
// items it held.
type keyHandler func(d *docCtx) (int, error)

// each returns a handler for a key whose value is an array of T, calling
// conv for each element with the element's JSON path.
func each[T any](conv func(d *docCtx, at string, item *T)) keyHandler {
	return func(d *docCtx) (int, error) {
		var items []T
		if d.dec != nil {
			if err := d.dec.Decode(&items); err != nil {
				return 0, errRetryCarefully
			}
		} else if err := json.Unmarshal(d.raw, &items); err != nil {
			return 0, typeError(d.name, d.data, d.base, d.raw, d.key, err)
		}
		for i := range items {
			conv(d, index(d.key, i), &items[i])
			if d.err != nil {
				return 0, d.err
			}
		}
		return len(items), nil
	}
}

// index renders the path of element i of the array at path.
func index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// field renders the path of element i of the array field of the object at path.
func field(path, name string, i int) string {
	return index(path+"."+name, i)
}

// fail records a bad value at path (relative to the document), located in
// the document; only the first one is kept.
func (d *docCtx) fail(path, msg string, err error) {
	if d.err != nil {
		return
	}
	if d.dec != nil {
		d.err = errRetryCarefully // only the careful path knows where path is
		return
	}
	off, _ := locate(d.raw, d.key, path)
	d.err = errorAt(d.name, d.data, d.base+off, path, msg, err)
}

// meta builds a resource's metadata. The account is owner when known (an
// OwnerId-style field), else the document's; the region is the document's.
func (d *docCtx) meta(id, owner string, tags model.Tags) model.Meta {
	if owner == "" {
		owner = d.account
	}
	return model.Meta{ID: id, Account: owner, Region: d.region, Tags: tags}
}

// parseAt parses s, a value found at at.name, with parse; "" is the zero
// value, and a bad value fails the document naming what it should be.
func parseAt[T any](d *docCtx, at, name, s, what string, parse func(string) (T, error)) T {
	var zero T
	if s == "" {
		return zero
	}
	v, err := parse(s)
	if err != nil {
		d.fail(at+"."+name, fmt.Sprintf("invalid %s %q", what, s), err)
		return zero
	}
	return v
}

// prefix parses the CIDR block s found at at.name; "" is the zero prefix.
func (d *docCtx) prefix(at, name, s string) netip.Prefix {
	return parseAt(d, at, name, s, "CIDR block", netip.ParsePrefix)
}

// appendPrefix appends the CIDR block s found at at.name, unless it is "".
func (d *docCtx) appendPrefix(ps []netip.Prefix, at, name, s string) []netip.Prefix {
	if p := d.prefix(at, name, s); p.IsValid() {
		return append(ps, p)
	}
	return ps
}

// addr parses the IP address s found at at.name; "" is the zero address.
func (d *docCtx) addr(at, name, s string) netip.Addr {
	return parseAt(d, at, name, s, "IP address", netip.ParseAddr)
}

// protocol parses an IP protocol ("-1", "tcp", "6", "icmpv6", "58", ...).
func (d *docCtx) protocol(at, name, s string) model.Protocol {
	p, err := model.ParseProtocol(s)
	if err != nil {
		d.fail(at+"."+name, fmt.Sprintf("invalid protocol %q: want -1, tcp, udp, icmp, icmpv6 or a number 0-255", s), err)
		return model.ProtocolAll
	}
	return p
}

// port checks a TCP/UDP port number.
func (d *docCtx) port(at, name string, v int32) uint16 {
	if v < 0 || v > 65535 {
		d.fail(at+"."+name, fmt.Sprintf("invalid port %d: want 0-65535", v), nil)
		return 0
	}
	return uint16(v)
}

// icmpField checks an ICMP type or code: -1 (any) or 0-255; nil means any.
func (d *docCtx) icmpField(at, name string, v *int32) int16 {
	if v == nil {
		return -1
	}
	if *v < -1 || *v > 255 {
		d.fail(at+"."+name, fmt.Sprintf("invalid ICMP %s %d: want -1 or 0-255", name, *v), nil)
		return -1
	}
	return int16(*v)
}

// orMinusOne returns *v, or -1 (AWS's "all") when v is nil.
func orMinusOne(v *int32) int32 {
	if v == nil {
		return -1
	}
	return *v
}

// orTrue returns *v, or true when v is nil.
func orTrue(v *bool) bool { return v == nil || *v }

// tagJSON is an AWS tag.
type tagJSON struct {
	Key   string
	Value string
}

// tagged holds the tags of a resource: EC2 uses Tags, network interfaces
// TagSet.
type tagged struct {
	Tags   []tagJSON
	TagSet []tagJSON
}

// tags returns the tags as a map, nil when there are none.
func (t *tagged) tags() model.Tags {
	if len(t.Tags)+len(t.TagSet) == 0 {
		return nil
	}
	out := make(model.Tags, len(t.Tags)+len(t.TagSet))
	for _, tag := range t.TagSet {
		out[tag.Key] = tag.Value
	}
	for _, tag := range t.Tags {
		out[tag.Key] = tag.Value
	}
	return out
}

// groupJSON is a security group reference (GroupIdentifier).
type groupJSON struct {
	GroupId   string
	GroupName string
}

// groupIDs returns the IDs of the groups.
func groupIDs(gs []groupJSON) []string {
	if len(gs) == 0 {
		return nil
	}
	out := make([]string, 0, len(gs))
	for _, g := range gs {
		if g.GroupId != "" {
			out = append(out, g.GroupId)
		}
	}
	return out
}

// nonEmpty returns the non-empty strings of ss, nil when there are none.
func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// enabled reads AWS's "enable"/"disable" option values.
func enabled(s string) bool { return s == "enable" || s == "enabled" }
