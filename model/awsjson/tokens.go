package awsjson

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/vpcscope/vpcscope/model/internal/jsonin"
)

// tokens reads a document as it streams in, with the methods of the
// json.Decoder the decoder was written against (Token, More, Decode,
// InputOffset), but on go-json-experiment/json's jsontext.Decoder with
// encoding/json's semantics: the fast pass decodes each element straight
// from the stream in one pass (encoding/json scans each element once to
// find its end and again to decode it). On the careful pass every value
// is still decoded by encoding/json, so that the errors are those it
// locates; syntax errors are located by jsonin.Source.Syntax.
type tokens struct {
	dec     *jsontext.Decoder
	in      *reader
	careful bool
}

func newTokens(r io.Reader, careful bool) *tokens {
	in := &reader{r: r}
	return &tokens{dec: jsonin.NewDecoder(in), in: in, careful: careful}
}

// Token returns the next token as encoding/json's Decoder.Token does with
// UseNumber: json.Delim, string, json.Number, bool or nil.
func (t *tokens) Token() (json.Token, error) {
	if t.dec.PeekKind() == '0' {
		v, err := t.dec.ReadValue()
		if err != nil {
			return nil, t.readError(err)
		}
		return json.Number(v), nil
	}
	tok, err := t.dec.ReadToken()
	if err != nil {
		return nil, t.readError(err)
	}
	switch k := tok.Kind(); k {
	case '{', '}', '[', ']':
		return json.Delim(k), nil
	case '"':
		return tok.String(), nil
	case 't', 'f':
		return tok.Bool(), nil
	}
	return nil, nil
}

// More reports whether the array or object being read has another element.
func (t *tokens) More() bool {
	k := t.dec.PeekKind()
	return k != 0 && k != ']' && k != '}'
}

// InputOffset is the offset just past the last token or value read.
func (t *tokens) InputOffset() int64 { return t.dec.InputOffset() }

// Decode reads the next value into v: a *json.RawMessage gets a copy of
// its text, a *jsonin.Discard skips it; anything else is decoded by
// go-json-experiment/json on the fast pass and by encoding/json on the
// careful one.
func (t *tokens) Decode(v any) error {
	switch v := v.(type) {
	case *jsonin.Discard:
		return t.readError(t.dec.SkipValue())
	case *json.RawMessage:
		raw, err := t.dec.ReadValue()
		if err != nil {
			return t.readError(err)
		}
		*v = bytes.Clone(raw)
		return nil
	}
	if !t.careful {
		return t.readError(jsonin.UnmarshalDecode(t.dec, v))
	}
	raw, err := t.dec.ReadValue()
	if err != nil {
		return t.readError(err)
	}
	return json.Unmarshal(raw, v)
}

// readError returns the error the reader gave, when it gave one (a
// jsonin.Final error: the guard refusing a value, an input over its limit,
// the context done), as the reader gave it, without the decoder's wrapping,
// so that it stays the one located line the guard wrote; else err.
func (t *tokens) readError(err error) error {
	if err != nil && t.in.err != nil {
		return t.in.err
	}
	return err
}

// reader keeps the first error its reader returns other than io.EOF.
type reader struct {
	r   io.Reader
	err error
}

func (r *reader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF && r.err == nil {
		r.err = err
	}
	return n, err
}
