// Package jsonpos turns encoding/json errors into one-line messages that
// name the file, line and column, as editors and compilers do.
package jsonpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// LineCol returns the 1-based line and column of byte offset off in data.
func LineCol(data []byte, off int64) (line, col int) {
	if off < 0 {
		off = 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// Wrap rewrites a decoding error of data as "name:line:col: message".
// Errors that carry no offset are returned as "name: message".
func Wrap(name string, data []byte, err error) error {
	if err == nil {
		return nil
	}
	off, field, msg, ok := Describe(data, err)
	if !ok {
		return fmt.Errorf("%s: %w", name, err)
	}
	l, c := LineCol(data, off)
	if field != "" {
		msg = field + ": " + msg
	}
	return fmt.Errorf("%s:%d:%d: %s", name, l, c, msg)
}

// Describe explains a decoding error of data: the byte offset it points
// at, the field it concerns (the JSON names of its path, such as id or
// routes.destination; "value" for the whole; "" for a syntax error) and
// what is wrong. ok is false for an error that carries no offset, such as
// a value's own UnmarshalJSON failing.
func Describe(data []byte, err error) (off int64, field, msg string, ok bool) {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// The offset counts the byte that broke the syntax; point at it
		// (or just past the end when the input stopped early).
		off := syn.Offset
		if off < int64(len(data)) {
			off--
		}
		return off, "", fmt.Sprintf("malformed JSON: %v", syn), true
	case errors.As(err, &typ):
		field := strings.ReplaceAll(typ.Field, "Meta.", "") // model's embedded struct
		if field == "" {
			field = "value"
		}
		return valueStart(data, typ.Offset), field, fmt.Sprintf("want %s, got %s", typ.Type, typ.Value), true
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return int64(len(data)), "", "malformed JSON: unexpected end of file", true
	}
	return 0, "", err.Error(), false
}

// valueStart walks back from end, the offset just past a scalar value, to
// where the value starts, so a column points at the value, not after it.
func valueStart(data []byte, end int64) int64 {
	if end > int64(len(data)) || end <= 0 {
		return end
	}
	i := end - 1
	if data[i] == '"' {
		for i--; i > 0; i-- {
			if data[i] == '"' && data[i-1] != '\\' {
				return i
			}
		}
		return 0
	}
	for i > 0 && !strings.ContainsRune(",:[{ \t\r\n", rune(data[i-1])) {
		i--
	}
	return i
}
