// Package jsonin opens JSON inputs so that no input can hang a load or
// exhaust memory: only regular files are opened, sizes are bounded, reads
// stop when the context is done, and a guard stops at what neither AWS nor
// vpcscope writes — a null list element, and objects packed tighter than
// MinBytesPerObject — before a decoder turns it into values.
package jsonin

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/vpcscope/vpcscope/model/internal/jsonpos"
)

// ErrTooLarge is wrapped by the errors for inputs over a size limit.
var ErrTooLarge = errors.New("input too large")

// MinBytesPerObject is the fewest bytes per JSON object a document may
// average (after its first ObjectAllowance objects). Each object decodes
// into a value of up to a few hundred bytes, so a document of tiny objects
// ({}, {"x":0}, ...) would take a hundred times its size in memory; AWS CLI
// output, SDK output and vpcscope snapshots average over 100 bytes per
// object (the measured labs: 195, the large benchmark account: 280 as CLI
// output, 185 as a snapshot).
const (
	MinBytesPerObject = 16
	ObjectAllowance   = 256
)

// GuardError is what the guard refused, located by line and column
// (1-based, in bytes).
type GuardError struct {
	Name         string
	Line, Column int
	Offset       int64
	Msg          string
}

// Error renders "name:line:col: msg".
func (e *GuardError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.Name, e.Line, e.Column, e.Msg)
}

// SizeString renders a byte count the way limits are written: 1 GiB, 512 MiB,
// 1.5 GiB, 300 bytes.
func SizeString(n int64) string {
	units := []string{"bytes", "KiB", "MiB", "GiB", "TiB"}
	v, i := float64(n), 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d bytes", n)
	}
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d %s", int64(v), units[i])
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}

// TooLarge returns the error for an input of size bytes (or more, when
// size is negative) over limit.
func TooLarge(name string, size, limit int64, what string) error {
	if size < 0 {
		return fmt.Errorf("%s: more than %s, the limit for %s: %w", name, SizeString(limit), what, ErrTooLarge)
	}
	return fmt.Errorf("%s: %s, over the %s limit for %s: %w", name, SizeString(size), SizeString(limit), what, ErrTooLarge)
}

// Kind names what a file mode is, for messages: "a named pipe", ...
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return "not a regular file"
}

// Open opens path, a regular file of at most limit bytes (no limit when
// limit <= 0); name labels it in errors. Anything else (a pipe, a device,
// a socket) is refused without being read: reading one could block or
// never end. The file is checked again once open, so a file swapped for a
// pipe meanwhile is refused too.
func Open(path, name string, limit int64) (*os.File, int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, 0, named(name, err)
	}
	if err := checkRegular(name, st, limit); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, named(name, err)
	}
	if st, err = f.Stat(); err == nil {
		err = checkRegular(name, st, limit)
	}
	if err != nil {
		_ = f.Close()
		return nil, 0, named(name, err)
	}
	return f, st.Size(), nil
}

// named labels err, an error about the file name, with name instead of the
// path an *fs.PathError carries.
func named(name string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", name, pe.Err)
	}
	return err
}

func checkRegular(name string, st fs.FileInfo, limit int64) error {
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s: %s, not a regular file: not read", name, Kind(st.Mode()))
	}
	if limit > 0 && st.Size() > limit {
		return TooLarge(name, st.Size(), limit, "one file")
	}
	return nil
}

// Reader passes a JSON document through to a decoder, refusing:
//   - anything once ctx is done (with ctx's error);
//   - more than limit bytes (an error wrapping ErrTooLarge);
//   - null as a list element, and an object that brings the document's
//     objects past one per MinBytesPerObject bytes (a *GuardError there).
//
// The bytes before a refused value are passed on, but not its last one,
// so a decoder cannot complete it; the error comes with the next read. A
// syntax error is the decoder's to report.
type Reader struct {
	r     io.Reader
	ctx   context.Context
	name  string
	limit int64

	off       int64 // bytes passed on
	line      int   // line of off, 1-based
	lineStart int64 // offset of the first byte of that line
	err       error // returned by the next Read

	inString, escaped bool
	// prev is the last byte outside strings that is not white space ('"'
	// after a string).
	prev byte
	// nullLen counts the bytes of "null" matched at a list element, which
	// starts at nullAt.
	nullLen int
	nullAt  position
	objects int64
}

// spaces is eight ASCII spaces, read as one word.
const spaces = 0x2020202020202020

// position is a byte offset with its line and column.
type position struct {
	off       int64
	line, col int
}

// NewReader guards r, a document named name (for errors). limit <= 0 means
// no limit.
func NewReader(ctx context.Context, r io.Reader, name string, limit int64) *Reader {
	return &Reader{r: r, ctx: ctx, name: name, limit: limit, line: 1}
}

// Offset returns the number of bytes passed on.
func (g *Reader) Offset() int64 { return g.off }

// Read implements io.Reader.
func (g *Reader) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	if err := g.ctx.Err(); err != nil {
		g.err = err
		return 0, err
	}
	if g.limit > 0 && int64(len(p)) > g.limit-g.off+1 {
		p = p[:g.limit-g.off+1]
	}
	n, err := g.r.Read(p)
	if g.limit > 0 && g.off+int64(n) > g.limit {
		n = int(g.limit - g.off)
		g.err = TooLarge(g.name, -1, g.limit, "one file")
		err = nil
	}
	if bad := g.scan(p[:n]); bad >= 0 {
		n = bad
		err = nil
	}
	g.advance(p[:n])
	if n == 0 && g.err != nil {
		return 0, g.err
	}
	return n, err
}

// advance moves the position past b.
func (g *Reader) advance(b []byte) {
	if nl := bytes.Count(b, []byte{'\n'}); nl > 0 {
		g.line += nl
		g.lineStart = g.off + int64(bytes.LastIndexByte(b, '\n')) + 1
	}
	g.off += int64(len(b))
}

// scan runs the guard over b, the bytes at g.off. It returns the index in
// b of the first byte not to pass on, or -1, and sets g.err then.
func (g *Reader) scan(b []byte) int {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if g.inString {
			if g.escaped {
				g.escaped = false
				continue
			}
			// Jump to the closing quote, or to the first escape before it.
			j := bytes.IndexByte(b[i:], '"')
			if j < 0 {
				j = len(b) - i
			}
			if k := bytes.IndexByte(b[i:i+j], '\\'); k >= 0 {
				i += k
				g.escaped = true
				continue
			}
			i += j
			if i < len(b) {
				g.inString = false
				g.prev = '"'
			}
			continue
		}
		if c == ' ' && g.nullLen == 0 {
			// Indentation, mostly: skip the run eight bytes at a time.
			for i+9 <= len(b) && binary.LittleEndian.Uint64(b[i+1:]) == spaces {
				i += 8
			}
			continue
		}
		if g.nullLen > 0 {
			if c == "null"[g.nullLen] {
				g.nullLen++
				if g.nullLen == len("null") {
					return g.refuse(b, g.nullAt, "null as a list element: AWS and vpcscope never write one")
				}
				continue
			}
			g.nullLen = 0
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		switch c {
		case '"':
			g.inString = true
		case '{':
			g.objects++
			if g.objects > ObjectAllowance && (g.objects-1)*MinBytesPerObject > g.off+int64(i) {
				return g.refuse(b, g.position(b, i), fmt.Sprintf(
					"more than one object per %d bytes: not AWS or vpcscope output, and it would take many times its size in memory", MinBytesPerObject))
			}
		case 'n':
			if g.prev == '[' || g.prev == ',' {
				g.nullLen, g.nullAt = 1, g.position(b, i)
			}
		}
		g.prev = c
	}
	return -1
}

// position returns the position of b[i], b being the bytes at g.off.
func (g *Reader) position(b []byte, i int) position {
	line, start := g.line, g.lineStart
	if head := b[:i]; bytes.IndexByte(head, '\n') >= 0 {
		line += bytes.Count(head, []byte{'\n'})
		start = g.off + int64(bytes.LastIndexByte(head, '\n')) + 1
	}
	at := g.off + int64(i)
	return position{off: at, line: line, col: int(at-start) + 1}
}

// refuse records a GuardError at at, where the refused value starts, and
// returns how much of b (the bytes at g.off) to pass on: those before it.
func (g *Reader) refuse(b []byte, at position, msg string) int {
	g.err = &GuardError{Name: g.name, Line: at.line, Column: at.col, Offset: at.off, Msg: msg}
	return int(min(max(at.off-g.off, 0), int64(len(b))))
}

// FileLineCol returns the 1-based line and column (in bytes) of byte offset
// off of the file at path, reading it again up to there; (1, off+1) when it
// cannot.
func FileLineCol(path string, off int64) (line, col int) {
	f, err := os.Open(path)
	if err != nil {
		return 1, int(off) + 1
	}
	defer f.Close()
	r := bufio.NewReaderSize(io.LimitReader(f, off), 64<<10)
	line, start := 1, int64(0)
	buf := make([]byte, 64<<10)
	var pos int64
	for {
		n, err := r.Read(buf)
		b := buf[:n]
		if nl := bytes.Count(b, []byte{'\n'}); nl > 0 {
			line += nl
			start = pos + int64(bytes.LastIndexByte(b, '\n')) + 1
		}
		pos += int64(n)
		if err != nil {
			break
		}
	}
	return line, int(off-start) + 1
}

// Source is a document to decode in one or more passes: Open returns a
// fresh guarded reader of it from its start, LineCol locates a byte
// offset in it.
type Source struct {
	// Name labels the document in errors: a path, or a path relative to
	// the folder read.
	Name    string
	Open    func() (io.ReadCloser, error)
	LineCol func(off int64) (line, col int)
}

// BytesSource is a document held in memory, with no size limit.
func BytesSource(name string, data []byte) Source {
	return Source{
		Name: name,
		Open: func() (io.ReadCloser, error) {
			return io.NopCloser(NewReader(context.Background(), bytes.NewReader(data), name, 0)), nil
		},
		LineCol: func(off int64) (int, int) { return jsonpos.LineCol(data, off) },
	}
}

// FileSource is the regular file at path, named name in errors, read
// until ctx is done and refused past limit bytes (see Open).
func FileSource(ctx context.Context, name, path string, limit int64) Source {
	return Source{
		Name: name,
		Open: func() (io.ReadCloser, error) {
			f, _, err := Open(path, name, limit)
			if err != nil {
				return nil, err
			}
			return readCloser{NewReader(ctx, f, name, limit), f}, nil
		},
		LineCol: func(off int64) (int, int) { return FileLineCol(path, off) },
	}
}

type readCloser struct {
	io.Reader
	io.Closer
}

// Final reports whether err, met while decoding, stands as it is: a
// refused value (*GuardError), an input over its limit, or the context
// done. Such an error is not worth a second pass.
func Final(err error) bool {
	var ge *GuardError
	return errors.As(err, &ge) || errors.Is(err, ErrTooLarge) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// Discard accepts any JSON value and keeps nothing: decoding into it skips
// a value.
type Discard struct{}

// UnmarshalJSON implements json.Unmarshaler.
func (*Discard) UnmarshalJSON([]byte) error { return nil }

// Syntax reads the document whole, to locate a syntax error a json.Decoder
// met (it counts offsets from the value it reads): it returns the document
// and the error json.Unmarshal reports for it, counted from its start, or
// err itself when Unmarshal finds none. Reading it again may fail with a
// Final error (the context done, say), which it returns as readErr.
func (s Source) Syntax(err error) (data []byte, syntaxErr, readErr error) {
	r, readErr := s.Open()
	if readErr != nil {
		return nil, nil, readErr
	}
	defer r.Close()
	if data, readErr = io.ReadAll(r); readErr != nil {
		return nil, nil, readErr
	}
	if verr := json.Unmarshal(data, new(Discard)); verr != nil {
		err = verr
	}
	return data, err, nil
}
