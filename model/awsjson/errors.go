package awsjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/vpcscope/vpcscope/model/internal/jsonpos"
)

// DecodeError is a problem with one document, located by file, line and
// column. Its message is one line:
//
//	us-east-1/Vpcs.json:3:17: Vpcs[0].CidrBlock: want string, got number
type DecodeError struct {
	// File is the document's name as given to AddDocument.
	File string
	// Line and Column are 1-based; Column counts bytes.
	Line, Column int
	// Path is the JSON path of the offending value, e.g.
	// SecurityGroups[2].IpPermissions[0].IpRanges[1].CidrIp; empty for
	// syntax errors.
	Path string
	// Msg says what is wrong.
	Msg string
	// Err is the underlying error, if any.
	Err error
}

// Error renders "file:line:col: path: msg".
func (e *DecodeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d: ", e.File, e.Line, e.Column)
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *DecodeError) Unwrap() error { return e.Err }

// errorAt builds a DecodeError at byte offset off of the document.
func (d *docCtx) errorAt(off int64, path, msg string, err error) *DecodeError {
	line, col := d.src.LineCol(off)
	return &DecodeError{File: d.name, Line: line, Column: col, Path: path, Msg: msg, Err: err}
}

// errorIn builds a DecodeError at byte offset off of data, a whole document.
func errorIn(file string, data []byte, off int, path, msg string, err error) *DecodeError {
	line, col := jsonpos.LineCol(data, int64(off))
	return &DecodeError{File: file, Line: line, Column: col, Path: path, Msg: msg, Err: err}
}

// syntaxError turns an error from reading the document's JSON text into a
// located DecodeError. An error without an offset is placed at the end of
// the data (that is where a truncated document goes wrong).
func syntaxError(file string, data []byte, err error) *DecodeError {
	var se *json.SyntaxError
	switch {
	case err == nil:
		return errorIn(file, data, 0, "", "invalid JSON", nil)
	case errors.As(err, &se) && se.Offset > 0 && !strings.HasPrefix(se.Error(), "unexpected end"):
		// The offset counts the byte that broke the syntax.
		return errorIn(file, data, int(se.Offset)-1, "", "invalid JSON: "+se.Error(), err)
	case se != nil, errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return errorIn(file, data, len(data), "", "invalid JSON: unexpected end of input", err)
	default:
		return errorIn(file, data, len(data), "", "invalid JSON: "+err.Error(), err)
	}
}

// typeError turns an error from json.Unmarshal of the element raw (found
// at byte offset base of the document, with path root) into a located
// DecodeError naming the field and the expected and actual JSON types.
func typeError(d *docCtx, base int64, raw []byte, root string, err error) *DecodeError {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return d.errorAt(base+se.Offset-1, root, "invalid JSON: "+se.Error(), err)
		}
		return d.errorAt(base, root, err.Error(), err)
	}
	off := int(te.Offset)
	path, start := root, 0
	// The offset lies in (or just after) the offending value; the first
	// value reported, children before parents, that spans it is the
	// innermost one.
	walkValues(raw, root, func(p string, s, e int) bool {
		if s <= off && off <= e {
			path, start = p, s
			return false
		}
		return true
	})
	msg := fmt.Sprintf("want %s, got %s", jsonTypeName(te.Type), gotName(te.Value))
	return d.errorAt(base+int64(start), path, msg, err)
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

// jsonTypeName names the JSON type a Go type decodes from.
func jsonTypeName(t reflect.Type) string {
	if t == nil {
		return "value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return fmt.Sprintf("integer (%s)", t.Kind())
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return t.String()
}

// gotName renders encoding/json's description of the value it found.
func gotName(v string) string {
	if v == "bool" {
		return "boolean"
	}
	return v
}

// locate returns the byte offset in raw of the value at path (matched
// case-insensitively, as encoding/json matches keys), or of its nearest
// enclosing value that exists, and the path it found.
func locate(raw []byte, root, path string) (int, string) {
	for p := path; ; {
		found, at := false, 0
		walkValues(raw, root, func(q string, s, _ int) bool {
			if strings.EqualFold(q, p) {
				found, at = true, s
				return false
			}
			return true
		})
		if found {
			return at, p
		}
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			return 0, root
		}
		p = p[:i]
	}
}

// walkValues calls fn for every value in the JSON text data, children
// before their parents, with the value's path (the root value's path is
// root; members add ".Key", elements "[i]") and its byte span [start, end).
// It stops when fn returns false or at the first syntax error.
func walkValues(data []byte, root string, fn func(path string, start, end int) bool) {
	type frame struct {
		path    string
		start   int
		array   bool
		n       int    // elements seen, in an array
		key     string // current member's key, in an object
		wantKey bool
	}
	var stack []frame
	childPath := func() string {
		if len(stack) == 0 {
			return root
		}
		f := &stack[len(stack)-1]
		if f.array {
			return fmt.Sprintf("%s[%d]", f.path, f.n)
		}
		if f.path == "" {
			return f.key
		}
		return f.path + "." + f.key
	}
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		f := &stack[len(stack)-1]
		if f.array {
			f.n++
		} else {
			f.wantKey = true
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return
		}
		end := int(dec.InputOffset())
		start := skipSeparators(data, before, end)
		if len(stack) > 0 && stack[len(stack)-1].wantKey {
			if key, ok := tok.(string); ok {
				f := &stack[len(stack)-1]
				f.key, f.wantKey = key, false
				continue
			}
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, frame{path: childPath(), start: start, array: t == '[', wantKey: t == '{'})
			default:
				if len(stack) == 0 {
					return
				}
				f := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if !fn(f.path, f.start, end) {
					return
				}
				valueDone()
			}
		default:
			if !fn(childPath(), start, end) {
				return
			}
			valueDone()
		}
	}
}

// skipSeparators returns the offset of the first byte of data[from:to] that
// is not white space, a comma or a colon (to if there is none).
func skipSeparators(data []byte, from, to int) int {
	to = min(to, len(data))
	for i := max(from, 0); i < to; i++ {
		switch data[i] {
		case ' ', '\t', '\r', '\n', ',', ':':
		default:
			return i
		}
	}
	return to
}
