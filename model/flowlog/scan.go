package flowlog

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Options say how a Scanner reads.
type Options struct {
	// Format is the format of records that come without a header line:
	// CloudWatch Logs messages and text files whose first line is a
	// record. nil means the default version 2 format, for lines of its 14
	// fields; a line of another length then asks for a format.
	Format Format
	// OnError receives each malformed line (*LineError) and each file that
	// cannot be read at all (*FileError); reading goes on after both. nil
	// ignores them; Stats counts them either way.
	OnError func(error)
}

// FileError is a file (or object) that could not be read at all: not
// found, a broken gzip stream, a Parquet file without the flow-log
// columns. Reading goes on with the next one.
type FileError struct {
	File string
	Err  error
}

// Error renders "file: what went wrong".
func (e *FileError) Error() string { return e.File + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *FileError) Unwrap() error { return e.Err }

// Stats counts what a Scanner read.
type Stats struct {
	// Files is the number of files, objects and log groups read.
	Files int `json:"files"`
	// Records is the number of records with data (log-status OK).
	Records int64 `json:"records"`
	// NoData and SkipData count the NODATA and SKIPDATA records: no
	// traffic in the window, or records AWS could not capture.
	NoData   int64 `json:"noData"`
	SkipData int64 `json:"skipData"`
	// Malformed counts the lines skipped as unreadable; BadFiles the files.
	Malformed int64 `json:"malformed"`
	BadFiles  int   `json:"badFiles"`
	// Bytes is the size of the text read, after decompression.
	Bytes int64 `json:"bytes"`
}

// Scanner reads flow-log records from files, folders, streams and
// CloudWatch Logs messages, and hands each record with data to a
// function. It is not safe for concurrent use.
type Scanner struct {
	opts  Options
	fn    func(*Record) error
	stats Stats
	strs  map[string]string
	rec   Record
	// msg parses CloudWatch messages, created on first use.
	msg *parser
}

// NewScanner returns a Scanner that calls fn for every record with
// log-status OK. An error from fn stops the read and is returned. The
// record is reused by the next call.
func NewScanner(opts Options, fn func(*Record) error) *Scanner {
	return &Scanner{opts: opts, fn: fn, strs: make(map[string]string)}
}

// Stats returns what the scanner has read so far.
func (s *Scanner) Stats() Stats { return s.stats }

func (s *Scanner) fail(err error) {
	var le *LineError
	if errors.As(err, &le) {
		s.stats.Malformed++
	} else {
		s.stats.BadFiles++
	}
	if s.opts.OnError != nil {
		s.opts.OnError(err)
	}
}

func (s *Scanner) newParser(f Format) *parser {
	p := newParser(f)
	p.strs = s.strs
	return p
}

// Paths reads files and folders; folders are read recursively (the S3
// layout AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<mm>/<dd>/ as
// downloaded), in name order, skipping hidden files and folders. Each
// file is sniffed: gzip, Parquet, CloudWatch Logs JSON or text.
func (s *Scanner) Paths(ctx context.Context, paths ...string) error {
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			s.fail(&FileError{File: root, Err: unwrapPath(err)})
			continue
		}
		if !info.IsDir() {
			if err := s.file(ctx, root); err != nil {
				return err
			}
			continue
		}
		var files []string
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				s.fail(&FileError{File: path, Err: unwrapPath(err)})
				if d != nil && d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if path != root && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("read %s: %w", root, err)
		}
		slices.Sort(files)
		for _, f := range files {
			if err := s.file(ctx, f); err != nil {
				return err
			}
		}
	}
	return nil
}

// unwrapPath drops the *fs.PathError wrapping, whose path the FileError
// already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// file reads one file; only a stop (callback error, cancel) is returned.
func (s *Scanner) file(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if err != nil {
		s.fail(&FileError{File: path, Err: unwrapPath(err)})
		return nil
	}
	defer f.Close()
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	if n == 4 && string(magic[:]) == parquetMagic {
		info, err := f.Stat()
		if err != nil {
			s.fail(&FileError{File: path, Err: err})
			return nil
		}
		return s.parquet(ctx, path, f, info.Size())
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		s.fail(&FileError{File: path, Err: err})
		return nil
	}
	return s.Stream(ctx, path, f)
}

// parquetMagic starts (and ends) every Parquet file.
const parquetMagic = "PAR1"

// Stream reads one delivered object from r, named name in errors: plain
// or gzip text, a CloudWatch Logs export, or a Parquet file (read into
// memory: Parquet needs random access). It returns only errors that stop
// the whole read (the callback's, ctx's); a bad object is reported
// through Options.OnError.
func (s *Scanner) Stream(ctx context.Context, name string, r io.Reader) error {
	s.stats.Files++
	br := bufio.NewReaderSize(r, 1<<20)
	head, _ := br.Peek(4)
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			s.fail(&FileError{File: name, Err: fmt.Errorf("gzip: %w", err)})
			return nil
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 1<<20)
		head, _ = br.Peek(4)
	}
	if string(head) == parquetMagic {
		s.stats.Files-- // counted again by parquet
		data, err := io.ReadAll(br)
		if err != nil {
			s.fail(&FileError{File: name, Err: err})
			return nil
		}
		return s.parquet(ctx, name, bytes.NewReader(data), int64(len(data)))
	}
	if first := firstByte(br); first == '{' || first == '[' {
		return s.cloudWatchExport(ctx, name, br)
	}
	return s.text(ctx, name, br)
}

// firstByte returns the first byte that is not white space, or 0.
func firstByte(br *bufio.Reader) byte {
	for n := 1; n <= 4096; n++ {
		b, err := br.Peek(n)
		if len(b) < n {
			return 0
		}
		if c := b[n-1]; c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return c
		}
		if err != nil {
			return 0
		}
	}
	return 0
}

// text reads lines: an optional header line naming the fields, then
// records.
func (s *Scanner) text(ctx context.Context, name string, br *bufio.Reader) error {
	var p *parserState
	var n int64
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			n++
			s.stats.Bytes += int64(len(line))
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = br.ReadSlice('\n')
				s.stats.Bytes += int64(len(line))
			}
			s.fail(&LineError{File: name, Line: n, Msg: "line longer than 1 MiB"})
			if err != nil {
				break
			}
			continue
		}
		if len(line) > 0 {
			n++
			s.stats.Bytes += int64(len(line))
			if n&0xffff == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			line = trimEOL(line)
			if len(line) > 0 {
				if p == nil {
					var done bool
					p, done = s.startText(name, n, line)
					if done {
						return nil
					}
					if p.header {
						continue
					}
				}
				if err := s.record(p, line, name, n); err != nil {
					return err
				}
			}
		}
		if err != nil {
			if err != io.EOF {
				s.fail(&FileError{File: name, Err: err})
			}
			return nil
		}
	}
	return nil
}

// startText chooses the parser for a text stream from its first line: a
// header line names the fields; else Options.Format, or the default
// format for a line of its length. done is set when the stream cannot be
// read (reported).
func (s *Scanner) startText(name string, n int64, line []byte) (p *parserState, done bool) {
	if isHeader(line) {
		f, err := ParseFormat(string(line))
		if err != nil {
			s.fail(&FileError{File: name, Err: fmt.Errorf("line %d: header: %w", n, err)})
			return nil, true
		}
		return &parserState{parser: s.newParser(f), header: true}, false
	}
	f, err := s.headless(line)
	if err != nil {
		s.fail(&FileError{File: name, Err: fmt.Errorf("line %d: %w", n, err)})
		return nil, true
	}
	return &parserState{parser: s.newParser(f)}, false
}

// parserState is a text stream's parser; header is set while the first
// line, a header, is being skipped.
type parserState struct {
	*parser
	header bool
}

// headless returns the format of records that come without a header.
func (s *Scanner) headless(line []byte) (Format, error) {
	if s.opts.Format != nil {
		return s.opts.Format, nil
	}
	n := len(bytes.Fields(line))
	if n == len(DefaultFormat) {
		return DefaultFormat, nil
	}
	return nil, fmt.Errorf("no header line, and %d fields are not the default format's 14: name the fields with --format (the flow log's LogFormat, e.g. \"${version} ${interface-id} ...\")", n)
}

// isHeader reports whether a line names fields rather than holding values:
// its first word is a field name.
func isHeader(line []byte) bool {
	w := line
	if i := bytes.IndexAny(w, " \t"); i >= 0 {
		w = w[:i]
	}
	_, ok := ParseField(string(w))
	return ok
}

func trimEOL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// record parses one line and hands it on.
func (s *Scanner) record(p *parserState, line []byte, name string, n int64) error {
	if p.header {
		p.header = false
	}
	if err := p.parse(line, &s.rec, name, n); err != nil {
		s.fail(err)
		return nil
	}
	return s.deliver()
}

// deliver counts the current record and hands a record with data on.
func (s *Scanner) deliver() error {
	switch s.rec.LogStatus {
	case StatusNoData:
		s.stats.NoData++
		return nil
	case StatusSkipData:
		s.stats.SkipData++
		return nil
	}
	s.stats.Records++
	if err := s.fn(&s.rec); err != nil {
		return err
	}
	return nil
}

// Message reads one CloudWatch Logs event message: a record without a
// header, in Options.Format (or the default format). name and n place it
// in errors (the log group and stream, the event's position).
func (s *Scanner) Message(name string, n int64, msg []byte) error {
	msg = trimEOL(bytes.TrimSpace(msg))
	s.stats.Bytes += int64(len(msg))
	if s.msg == nil {
		f, err := s.headless(msg)
		if err != nil {
			s.fail(&LineError{File: name, Line: n, Msg: err.Error()})
			return nil
		}
		s.msg = s.newParser(f)
	}
	if err := s.msg.parse(msg, &s.rec, name, n); err != nil {
		s.fail(err)
		return nil
	}
	return s.deliver()
}

// BeginSource counts a source read through Message (a log group).
// Its messages may have a format of their own.
func (s *Scanner) BeginSource() { s.stats.Files++; s.msg = nil }
