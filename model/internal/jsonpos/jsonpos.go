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
		l, c := LineCol(data, off)
		return fmt.Errorf("%s:%d:%d: malformed JSON: %v", name, l, c, syn)
	case errors.As(err, &typ):
		l, c := LineCol(data, valueStart(data, typ.Offset))
		field := strings.ReplaceAll(typ.Field, "Meta.", "") // model's embedded struct
		if field == "" {
			field = "value"
		}
		return fmt.Errorf("%s:%d:%d: %s: want %s, got %s", name, l, c, field, typ.Type, typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		l, c := LineCol(data, int64(len(data)))
		return fmt.Errorf("%s:%d:%d: malformed JSON: unexpected end of file", name, l, c)
	}
	return fmt.Errorf("%s: %w", name, err)
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
