package awsjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/internal/jsonin"
)

// docCtx is the state of decoding one document: where it came from, the
// value being decoded and the batch its results go to.
type docCtx struct {
	src     jsonin.Source
	name    string
	account string
	region  string
	out     *batch
	dec     *tokens

	// careful is set on the careful pass: each element is read as text
	// first, so that a problem in it can be located.
	careful bool
	// key is the output being decoded (its top-level key, or what a
	// top-level array's elements were recognised as).
	key string
	// raw is the element being converted, at offset base, with path elem;
	// set on the careful pass only.
	raw  []byte
	base int64
	elem string

	// err is the first bad value found while converting.
	err error
}

// ErrEmptyDocument is wrapped by the error for a document that holds
// nothing but white space (what "aws ... > file" leaves when the call fails).
var ErrEmptyDocument = errors.New("empty document")

// errRetryCarefully tells decodeDocument that the fast pass met a problem
// that only the careful pass can locate.
var errRetryCarefully = errors.New("awsjson: retry on the careful pass")

// decodeDocument decodes one document into a batch of resources and links.
// Documents are decoded element by element as they stream in, so memory
// follows the elements kept, not the input. Well-formed documents (every
// live pull, most files) take one fast pass; a document with any problem
// is read again carefully, so that the error names its line and column.
func decodeDocument(account, region string, src jsonin.Source) (*batch, error) {
	b, err := decodePass(account, region, src, false)
	if errors.Is(err, errRetryCarefully) {
		b, err = decodePass(account, region, src, true)
	}
	return b, err
}

// decodePass decodes the document once, fast or carefully.
func decodePass(account, region string, src jsonin.Source, careful bool) (*batch, error) {
	r, err := src.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	dec := newTokens(r, careful)
	d := &docCtx{src: src, name: src.Name, account: account, region: region,
		out: newBatch(src.Name, account, region), dec: dec, careful: careful}
	err = d.document()
	var whole *wholeObject
	if errors.As(err, &whole) {
		err = d.wholeDocument(whole.out)
	}
	if err != nil {
		return nil, d.classify(err)
	}
	return d.out, nil
}

// wholeObject stops the streaming decode of a document that is one
// object of a one-object output (describe-firewall, …).
type wholeObject struct{ out *output }

func (w *wholeObject) Error() string { return "awsjson: a one-object output" }

// wholeDocument decodes the document again as one element of output o.
func (d *docCtx) wholeDocument(o *output) error {
	r, err := d.src.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	d.dec = newTokens(r, d.careful)
	d.out = newBatch(d.name, d.account, d.region)
	var raw json.RawMessage
	if err := d.dec.Decode(&raw); err != nil {
		return err
	}
	base := d.dec.InputOffset() - int64(len(raw))
	if err := d.elements(o, "", &element{raw: raw, base: base}); err != nil {
		return err
	}
	d.out.keys[o.key] += 0
	d.out.recognised = true
	if _, err := d.dec.Token(); err != io.EOF {
		return &json.SyntaxError{}
	}
	return nil
}

// classify turns an error met while decoding into what decodeDocument
// returns: located errors, and those jsonin.Final says stand, as they are;
// syntax errors located by reading the document whole; anything else a
// reason to take the careful pass (or, on it, an error at the element).
func (d *docCtx) classify(err error) error {
	var de *DecodeError
	var se *json.SyntaxError
	var tse *jsontext.SyntacticError
	switch {
	case errors.Is(err, errRetryCarefully), errors.As(err, &de), jsonin.Final(err):
		return err
	case errors.As(err, &se), errors.As(err, &tse), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		data, serr, rerr := d.src.Syntax(err)
		if rerr != nil {
			return rerr
		}
		return syntaxError(d.name, data, serr)
	case !d.careful:
		return errRetryCarefully
	}
	return d.errorAt(d.base, d.elem, err.Error(), err)
}

// document decodes the document's one top-level value.
func (d *docCtx) document() error {
	tok, err := d.dec.Token()
	switch {
	case err == io.EOF:
		return &DecodeError{File: d.name, Line: 1, Column: 1, Msg: "invalid JSON: unexpected end of input", Err: ErrEmptyDocument}
	case err != nil:
		return err
	}
	switch tok {
	case json.Delim('{'):
		err = d.object()
	case json.Delim('['):
		err = d.array()
	default:
		d.out.skip("", fmt.Sprintf("the document is %s, not an object of AWS output keys", jsonKind(tok)))
	}
	if err != nil {
		return err
	}
	// Anything after the top-level value is a syntax error.
	if _, err := d.dec.Token(); err != io.EOF {
		return &json.SyntaxError{}
	}
	return nil
}

// object decodes a document of top-level keys, each naming an output.
func (d *docCtx) object() error {
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		keyAt := d.dec.InputOffset() - int64(len(key)) - 2
		if whole, ok := wholeObjectKeys[key]; ok {
			return &wholeObject{out: outputFor(whole)}
		}
		if key == "SubscriptionState" { // shield get-subscription-state: a string
			var state string
			if err := d.dec.Decode(&state); err != nil {
				return d.errorAt(keyAt, key, "want ACTIVE or INACTIVE: "+err.Error(), nil)
			}
			d.out.shieldState = &state
			d.out.keys[key]++
			d.out.recognised = true
			continue
		}
		o := outputFor(key)
		if o == nil {
			if msg := unknownKey(key); msg != "" {
				return d.errorAt(keyAt, "", msg, nil)
			}
			if err := d.dec.Decode(new(jsonin.Discard)); err != nil {
				return err
			}
			if reason, skip := skipReason(key); skip {
				d.out.skip(key, reason)
			}
			continue
		}
		if err := d.list(o); err != nil {
			return err
		}
	}
	_, err := d.dec.Token() // the closing brace
	return err
}

// list decodes the value of an output's key: a list of its elements, or
// null for none.
func (d *docCtx) list(o *output) error {
	tok, err := d.dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case nil:
	case json.Delim('['):
		if err := d.elements(o, o.key, nil); err != nil {
			return err
		}
		if _, err := d.dec.Token(); err != nil { // the closing bracket
			return err
		}
	default:
		// The value is decoded no further: point at its first byte.
		at := d.dec.InputOffset() - 1
		if s, ok := tok.(string); ok {
			at -= int64(len(s)) + 1
		} else if n, ok := tok.(json.Number); ok {
			at -= int64(len(n)) - 1
		} else if b, ok := tok.(bool); ok {
			at -= int64(len(fmt.Sprint(b))) - 1
		}
		return d.errorAt(at, o.key, "want array, got "+strings.TrimPrefix(strings.TrimPrefix(jsonKind(tok), "an "), "a "), nil)
	}
	d.out.keys[o.key] += 0
	d.out.recognised = true
	return nil
}

// array decodes a document whose top level is a list, which is what
// "aws ... --query Vpcs" writes: the output is recognised by the fields
// of its first element, or for an empty list by the file's name.
func (d *docCtx) array() error {
	if !d.dec.More() {
		if _, err := d.dec.Token(); err != nil { // the closing bracket
			return err
		}
		o := outputNamed(d.name)
		if o == nil {
			return d.errorAt(0, "", `an empty list, and the file's name does not say of what: name the file after its output (Vpcs.json) or write {"Vpcs": []}`, nil)
		}
		d.out.keys[o.key] += 0
		d.out.recognised = true
		return nil
	}
	var first json.RawMessage
	if err := d.dec.Decode(&first); err != nil {
		return err
	}
	base := d.dec.InputOffset() - int64(len(first))
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(first, &fields); err != nil {
		var tok json.Token = json.Delim('[')
		if len(first) > 0 && first[0] != '[' {
			tok, _ = json.NewDecoder(bytes.NewReader(first)).Token()
		}
		return d.errorAt(base, "[0]", fmt.Sprintf("a list of %s values, not of AWS resources: want the output of an aws describe-* command", strings.TrimPrefix(strings.TrimPrefix(jsonKind(tok), "an "), "a ")), nil)
	}
	have := make(map[string]bool, len(fields))
	for k := range fields {
		have[k] = true
	}
	o := identify(have)
	if o == nil {
		names := slices.Sorted(maps.Keys(have))
		if len(names) > 5 {
			names = append(names[:5], "…")
		}
		return d.errorAt(base, "[0]", fmt.Sprintf("a list of objects with keys %s: not the elements of an output vpcscope reads; "+
			`write the output whole (without --query) or as {"Vpcs": [...]}`, strings.Join(names, ", ")), nil)
	}
	if err := d.elements(o, "", &element{raw: first, base: base}); err != nil {
		return err
	}
	d.out.keys[o.key] += 0
	d.out.recognised = true
	_, err := d.dec.Token() // the closing bracket
	return err
}

// element is a list element already read as text, at offset base.
type element struct {
	raw  []byte
	base int64
}

// elements decodes the elements of the list the decoder is in, for output
// o; root is the list's path (its key, or "" for a top-level list) and
// first, when not nil, an element already read.
func (d *docCtx) elements(o *output, root string, first *element) error {
	d.key = o.key
	n, err := o.handle(d, root, first)
	d.out.keys[o.key] += n
	return err
}

// keyHandler decodes the elements of an output's list and returns how many
// it decoded.
type keyHandler func(d *docCtx, root string, first *element) (int, error)

// each returns a handler for a list of T, calling conv for each element
// with the element's JSON path. Elements are decoded one at a time into
// the same T, so a list costs what its converted elements keep.
func each[T any](conv func(d *docCtx, at string, item *T)) keyHandler {
	return func(d *docCtx, root string, first *element) (int, error) {
		var item T
		n := 0
		for {
			var zero T
			item = zero
			at := unlocated
			if d.careful {
				at = index(root, n)
			}
			switch {
			case first != nil:
				if err := d.unmarshal(first.raw, first.base, at, &item); err != nil {
					return n, err
				}
				first = nil
			case !d.dec.More():
				return n, nil
			case d.careful:
				var raw json.RawMessage
				if err := d.dec.Decode(&raw); err != nil {
					return n, err
				}
				if err := d.unmarshal(raw, d.dec.InputOffset()-int64(len(raw)), at, &item); err != nil {
					return n, err
				}
			default:
				if err := d.dec.Decode(&item); err != nil {
					return n, err
				}
			}
			d.err = nil
			conv(d, at, &item)
			if d.err != nil {
				return n, d.err
			}
			n++
		}
	}
}

// unmarshal decodes the element raw, found at offset base with path at,
// into v, keeping where it is for errors found while converting it.
func (d *docCtx) unmarshal(raw []byte, base int64, at string, v any) error {
	d.raw, d.base, d.elem = raw, base, at
	if err := json.Unmarshal(raw, v); err != nil {
		if !d.careful {
			return errRetryCarefully
		}
		return typeError(d, base, raw, at, err)
	}
	return nil
}

// index renders the path of element i of the array at path.
func index(path string, i int) string {
	if path == unlocated {
		return path
	}
	return path + "[" + strconv.Itoa(i) + "]"
}

// field renders the path of element i of the array field of the object at path.
func field(path, name string, i int) string {
	if path == unlocated {
		return path
	}
	return index(path+"."+name, i)
}

// unlocated is the path of every element on the fast pass, which renders
// no paths: a problem sends decoding to the careful pass, which does.
const unlocated = "\x00"

// fail records a bad value at path (relative to the document), located in
// the document; only the first one is kept.
func (d *docCtx) fail(path, msg string, err error) {
	if d.err != nil {
		return
	}
	if !d.careful {
		d.err = errRetryCarefully // only the careful pass knows where path is
		return
	}
	off, _ := locate(d.raw, d.elem, path)
	d.err = d.errorAt(d.base+int64(off), path, msg, err)
}

// requireID fails when an element lacks the ID AWS gives every one: such
// an element could only be a mistake, and would stand for nothing.
func (d *docCtx) requireID(at, field, id string) {
	if id == "" {
		d.fail(at+"."+field, "missing "+field+": AWS gives every one", nil)
	}
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
