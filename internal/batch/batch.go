// Package batch answers reach queries in bulk, one JSON query per input
// line and one JSON answer per output line (vpcscope reach --batch).
//
// Queries are answered concurrently by a bounded pool of workers while the
// answers are written strictly in input order: at most a window of lines
// is in flight, so a batch of any length runs in constant memory. The
// output is byte for byte what answering the lines one after another
// gives.
package batch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

// MaxLine is the longest line answered; a query is a few hundred bytes, so
// a longer line is a mistake (a pasted file, a missing newline) and gets
// an error answer of its own.
const MaxLine = 1 << 20

// Options tune Run.
type Options struct {
	// Workers is how many queries are answered at once; 0 or less means
	// runtime.GOMAXPROCS(0).
	Workers int
	// Decorate returns what is written for an answer (the answer with the
	// edits it assumes, say) after adding to it what it needs; nil writes
	// the answer as it is. It is called from the workers, so it must be
	// safe for concurrent use on distinct answers.
	Decorate func(*reach.Answer) any
}

// batchQuery is one line of input. Its name shows in the decoder's error
// messages ("Go struct field batchQuery.port"), which are part of the
// output.
type batchQuery struct {
	From       string `json:"from"`
	To         string `json:"to"`
	Protocol   string `json:"protocol"`
	Port       int    `json:"port"`
	SourcePort int    `json:"sourcePort"`
}

// lineError is the answer line for a query that could not run.
type lineError struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// slot is one line in flight: read into by the reader, answered by a
// worker, written and handed back by the writer. A slot and its buffers
// are reused for line after line.
type slot struct {
	n       int // line number, from 1
	tooLong bool
	line    []byte
	out     []byte // the answer line, newline included
	encBuf  bytes.Buffer
	enc     *json.Encoder // writes to encBuf what AppendJSON does not
	bad     bool          // the answer is an error line
	err     error         // the answer could not be encoded
	done    chan struct{} // the worker has filled out
}

func newSlot() *slot {
	s := &slot{done: make(chan struct{}, 1)}
	s.enc = json.NewEncoder(&s.encBuf)
	s.enc.SetEscapeHTML(false)
	return s
}

// Run answers one JSON query per line of in with one JSON answer per line
// of out, in input order. Blank lines are skipped. A bad line — malformed,
// unanswerable, or longer than MaxLine — gets an error line naming its
// line number and the run goes on; Run returns how many lines got one. A
// read or write error, or ctx being done, stops the run: the answers of
// the lines before it are written, and the error is returned.
func Run(ctx context.Context, e *reach.Engine, in io.Reader, out io.Writer, opts Options) (bad int, err error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	decorate := opts.Decorate
	if decorate == nil {
		decorate = func(a *reach.Answer) any { return a }
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	window := 4 * workers
	free := make(chan *slot, window)
	for range window {
		free <- newSlot()
	}
	jobs := make(chan *slot, window)
	order := make(chan *slot, window)
	var readErr error // set before order is closed
	go func() {
		defer close(order)
		defer close(jobs)
		readErr = readLines(ctx, bufio.NewReaderSize(in, 64<<10), free, jobs, order)
	}()
	var workersDone sync.WaitGroup
	for range workers {
		workersDone.Add(1)
		go func() {
			defer workersDone.Done()
			answerLines(ctx, e, decorate, jobs)
		}()
	}
	bad, err = writeAnswers(ctx, out, free, order)
	// On an early stop the workers finish the query they are on; the
	// reader stops at its next line, or when a read it is blocked in
	// returns.
	cancel()
	workersDone.Wait()
	if err == nil {
		err = readErr
	}
	return bad, err
}

// answerLines answers the slots of jobs until it is closed or ctx is done.
func answerLines(ctx context.Context, e *reach.Engine, decorate func(*reach.Answer) any, jobs <-chan *slot) {
	for {
		select {
		case s, ok := <-jobs:
			if !ok {
				return
			}
			s.bad, s.err = answerLine(e, s, decorate)
			s.done <- struct{}{}
		case <-ctx.Done():
			return
		}
	}
}

// readLines reads the lines of r into free slots and hands each non-blank
// one to the workers (jobs) and to the writer (order), in input order.
func readLines(ctx context.Context, r *bufio.Reader, free <-chan *slot, jobs, order chan<- *slot) error {
	var s *slot
	for n := 1; ; n++ {
		if s == nil {
			select {
			case s = <-free:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		s.line, s.tooLong, err = readLine(r, s.line[:0], MaxLine)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("--batch: read line %d: %w", n, err)
		}
		if !s.tooLong && len(bytes.TrimSpace(s.line)) == 0 {
			continue
		}
		s.n = n
		// Neither send blocks: both channels hold as many slots as exist.
		order <- s
		jobs <- s
		s = nil
	}
}

// writeAnswers writes the answers in the order the lines were read,
// returning each slot to free once written, and counts the error lines.
func writeAnswers(ctx context.Context, out io.Writer, free chan<- *slot, order <-chan *slot) (bad int, err error) {
	// An answer is 2-8 KB: a 64 KiB buffer writes about ten at a time
	// where the default 4 KiB one made a write call for nearly each.
	w := bufio.NewWriterSize(out, 64<<10)
	defer func() {
		if ferr := w.Flush(); err == nil && ferr != nil {
			err = fmt.Errorf("--batch: write answers: %w", ferr)
		}
	}()
	for s := range order {
		select {
		case <-s.done:
		case <-ctx.Done():
			return bad, ctx.Err()
		}
		if err := ctx.Err(); err != nil {
			return bad, err
		}
		if s.err != nil {
			return bad, fmt.Errorf("--batch: write answer %d: %w", s.n, s.err)
		}
		if s.bad {
			bad++
		}
		if _, err := w.Write(s.out); err != nil {
			return bad, fmt.Errorf("--batch: write answer %d: %w", s.n, err)
		}
		free <- s
	}
	return bad, nil
}

// answerLine fills s.out with the answer line of s.line and reports whether
// it is an error line; an error is the answer's failing to encode. An
// answer its decoration leaves as it is (a *reach.Answer) is written by
// Answer.AppendJSON, byte for byte what encoding/json writes, in a fifth
// of the time; anything else (error lines, the what-if forms) by
// encoding/json.
func answerLine(e *reach.Engine, s *slot, decorate func(*reach.Answer) any) (bad bool, err error) {
	s.out = s.out[:0]
	var v any
	if s.tooLong {
		v = lineError{Line: s.n, Error: fmt.Sprintf("line is longer than %d bytes; a query is one JSON object per line", MaxLine)}
	} else if a, err := Answer(e, s.line); err != nil {
		v = lineError{Line: s.n, Error: strings.Join(strings.Fields(err.Error()), " ")}
	} else {
		v = decorate(a)
	}
	if a, ok := v.(*reach.Answer); ok && a != nil {
		s.out = a.AppendJSON(s.out)
		return false, nil
	}
	_, bad = v.(lineError)
	s.encBuf.Reset()
	err = s.enc.Encode(v)
	s.out = append(s.out, s.encBuf.Bytes()...)
	return bad, err
}

// Answer answers one query line: a JSON object with from, to, and
// optionally protocol (tcp by default), port and sourcePort. An error is
// the line's own: not a query, an unknown protocol or end.
func Answer(e *reach.Engine, line []byte) (*reach.Answer, error) {
	bq, err := decodeQuery(bytes.TrimSpace(line))
	if err != nil {
		return nil, err
	}
	if bq.Protocol == "" {
		bq.Protocol = "tcp"
	}
	proto, err := model.ParseProtocol(bq.Protocol)
	if err != nil {
		return nil, err
	}
	a, err := e.Reach(reach.Query{From: bq.From, To: bq.To, Protocol: proto, Port: bq.Port, SourcePort: bq.SourcePort})
	var ie *reach.InputError
	if errors.As(err, &ie) {
		return nil, ie
	}
	return a, err
}

// decodeQuery decodes a query line (trimmed) as a json.Decoder that
// disallows unknown fields does. A line in the plain form every query
// tool writes — keys from, to, protocol, port and sourcePort spelled so,
// strings of printable ASCII without escapes, ports written as small
// non-negative integers — is read by plainQuery without the decoder's
// reflection; any other line, and every malformed one, by the decoder.
func decodeQuery(line []byte) (batchQuery, error) {
	if bq, ok := plainQuery(line); ok {
		return bq, nil
	}
	var bq batchQuery
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&bq); err != nil {
		return batchQuery{}, fmt.Errorf("not a query (want {\"from\",\"to\",\"protocol\",\"port\"}): %w", err)
	}
	return bq, nil
}

// plainQuery reads a query line in the plain form decodeQuery describes,
// nothing after its closing brace; ok is false for any other line, which
// the caller then gives to encoding/json. Where ok is true bq is what
// encoding/json decodes (a repeated key's last value wins, as there).
func plainQuery(line []byte) (bq batchQuery, ok bool) {
	p := plainParser{b: line}
	if !p.byte('{') {
		return bq, false
	}
	if p.byte('}') {
		return bq, p.end()
	}
	for {
		key, ok := p.str()
		if !ok || !p.byte(':') {
			return bq, false
		}
		switch key {
		case "from":
			bq.From, ok = p.str()
		case "to":
			bq.To, ok = p.str()
		case "protocol":
			bq.Protocol, ok = p.str()
		case "port":
			bq.Port, ok = p.uint()
		case "sourcePort":
			bq.SourcePort, ok = p.uint()
		default:
			return bq, false // another spelling or an unknown field
		}
		if !ok {
			return bq, false
		}
		if p.byte('}') {
			return bq, p.end()
		}
		if !p.byte(',') {
			return bq, false
		}
	}
}

// plainParser reads the tokens of a plain query line.
type plainParser struct {
	b []byte
	i int
}

// space skips JSON whitespace.
func (p *plainParser) space() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\t' || p.b[p.i] == '\n' || p.b[p.i] == '\r') {
		p.i++
	}
}

// byte reads c, after whitespace.
func (p *plainParser) byte(c byte) bool {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// end reports whether nothing but whitespace is left.
func (p *plainParser) end() bool {
	p.space()
	return p.i == len(p.b)
}

// str reads a string of printable ASCII other than '"' and '\\'.
func (p *plainParser) str() (string, bool) {
	if !p.byte('"') {
		return "", false
	}
	start := p.i
	for ; p.i < len(p.b); p.i++ {
		switch c := p.b[p.i]; {
		case c == '"':
			s := string(p.b[start:p.i])
			p.i++
			return s, true
		case c < ' ' || c > '~' || c == '\\':
			return "", false
		}
	}
	return "", false
}

// uint reads 0 or a decimal integer of at most nine digits without a
// leading zero, followed by a comma, a brace or whitespace.
func (p *plainParser) uint() (int, bool) {
	p.space()
	start, n := p.i, 0
	for ; p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9'; p.i++ {
		n = n*10 + int(p.b[p.i]-'0')
	}
	digits := p.i - start
	switch {
	case digits == 0 || digits > 9 || (digits > 1 && p.b[start] == '0'):
		return 0, false
	case p.i < len(p.b) && p.b[p.i] != ',' && p.b[p.i] != '}' && p.b[p.i] != ' ' && p.b[p.i] != '\t' && p.b[p.i] != '\n' && p.b[p.i] != '\r':
		return 0, false // a fraction, an exponent, or no number at all
	}
	return n, true
}

// readLine appends the next line of r, without its newline, to buf. A line
// longer than max bytes is read to its end and discarded (tooLong), so one
// oversized line costs no more than max bytes of memory. It returns io.EOF
// only when no line is left; a last line without a newline is a line.
func readLine(r *bufio.Reader, buf []byte, max int) (line []byte, tooLong bool, err error) {
	read := false
	for {
		chunk, err := r.ReadSlice('\n')
		read = read || len(chunk) > 0
		chunk = bytes.TrimSuffix(chunk, []byte("\n"))
		if !tooLong && len(buf)+len(chunk) > max {
			tooLong, buf = true, buf[:0]
		}
		if !tooLong {
			buf = append(buf, chunk...)
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && read:
			return buf, tooLong, nil
		}
		return buf, tooLong, err
	}
}
