package batch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

// smallAccount is a generated account small enough for -race: 4 VPCs
// with peering, 300 interfaces, 60 groups.
func smallAccount() *model.Snapshot {
	return fixtures.Large(fixtures.LargeConfig{Seed: 3, VPCs: 4, Subnets: 24, Interfaces: 300, SecurityGroups: 60, Rules: 900, Peerings: 2})
}

// queryLines returns n query lines between the account's instance
// interfaces (and the internet), on ports the generated rules use, with
// bad lines of every kind mixed in: malformed, unknown field, unknown end,
// unknown protocol, blank, CRLF-ended, over-long.
func queryLines(s *model.Snapshot, n int) string {
	rng := rand.New(rand.NewPCG(5, 9))
	var ends []string
	for _, e := range s.NetworkInterfaces {
		if e.InstanceID() != "" {
			ends = append(ends, e.ID)
		}
	}
	ends = append(ends, "internet", "8.8.8.8")
	ports := []int{22, 80, 443, 3306, 5432, 8080, 8443}
	bad := []string{
		`{"from":"a"`,
		`{"from":"a","to":"b","port":"x"}`,
		`{"from":"a","to":"b","x":1}`,
		`{"from":"eni-nope","to":"internet","port":443}`,
		`{"from":"internet","to":"internet","port":443}`,
		`{"from":"a","to":"b","protocol":"bogus"}`,
		"<b>&amp;\x00\x1b]52;c;aGk=\x07",
		"",
		"   ",
		`{"from":"` + strings.Repeat("x", MaxLine) + `"}`,
	}
	var b strings.Builder
	for i := range n {
		if rng.IntN(20) == 0 {
			b.WriteString(bad[rng.IntN(len(bad))])
		} else {
			proto := []string{"tcp", "udp", "icmp", ""}[rng.IntN(4)]
			fmt.Fprintf(&b, `{"from":%q,"to":%q,"protocol":%q,"port":%d}`, ends[rng.IntN(len(ends))], ends[rng.IntN(len(ends))], proto, ports[rng.IntN(len(ports))])
		}
		if i%7 == 0 {
			b.WriteString("\r")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// encodedByJSON is reach.Answer without its AppendJSON fast path: an
// answer decorated as one is written by encoding/json, field for field as
// a *reach.Answer was before AppendJSON.
type encodedByJSON reach.Answer

// sequential is the plain batch: each line answered and encoded in turn,
// the way runBatch did before Run answered concurrently, and encoded by
// encoding/json, the way it did before Answer.AppendJSON.
func sequential(t *testing.T, e *reach.Engine, in string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	r := bufio.NewReader(strings.NewReader(in))
	bad := 0
	var buf []byte
	for n := 1; ; n++ {
		var tooLong bool
		var err error
		buf, tooLong, err = readLine(r, buf[:0], MaxLine)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !tooLong && strings.TrimSpace(string(buf)) == "" {
			continue
		}
		s := newSlot()
		s.n, s.tooLong, s.line = n, tooLong, buf
		isBad, err := answerLine(e, s, func(a *reach.Answer) any { return (*encodedByJSON)(a) })
		if err != nil {
			t.Fatal(err)
		}
		if isBad {
			bad++
		}
		out.Write(s.out)
	}
	return out.String(), bad
}

// TestRunConcurrentlyWritesTheSequentialOutput: with 1, 2 and 8 workers,
// Run's output is byte for byte the sequential one, error lines and their
// line numbers included. Run it with -race: the engine is shared by the
// workers.
func TestRunConcurrentlyWritesTheSequentialOutput(t *testing.T) {
	e := reach.New(smallAccount())
	in := queryLines(smallAccount(), 400)
	want, wantBad := sequential(t, e, in)
	if wantBad == 0 || !strings.Contains(want, `"reachable":true`) || !strings.Contains(want, `"reachable":false`) {
		t.Fatalf("the input should give answers both ways and error lines (%d bad)", wantBad)
	}
	for _, workers := range []int{1, 2, 8} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			var out bytes.Buffer
			bad, err := Run(context.Background(), e, strings.NewReader(in), &out, Options{Workers: workers})
			if err != nil {
				t.Fatal(err)
			}
			if bad != wantBad {
				t.Errorf("%d bad lines, want %d", bad, wantBad)
			}
			if out.String() != want {
				t.Errorf("output differs from the sequential one:\n%s", firstDiff(out.String(), want))
			}
		})
	}
}

// TestRunAnswersEveryFixture: each fixture answers the same through Run
// as sequentially.
func TestRunAnswersEveryFixture(t *testing.T) {
	for _, name := range fixtures.Names() {
		t.Run(name, func(t *testing.T) {
			s, err := fixtures.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			e := reach.New(s)
			in := queryLines(s, 120)
			want, _ := sequential(t, e, in)
			var out bytes.Buffer
			if _, err := Run(context.Background(), e, strings.NewReader(in), &out, Options{Workers: 3}); err != nil {
				t.Fatal(err)
			}
			if out.String() != want {
				t.Errorf("output differs from the sequential one:\n%s", firstDiff(out.String(), want))
			}
		})
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got %.300s\nwant %.300s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(g), len(w))
}

// blockingReader gives its lines, then blocks until released.
type blockingReader struct {
	r       io.Reader
	release chan struct{}
}

func (b *blockingReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		<-b.release
	}
	return n, err
}

// TestRunStopsWhenCancelled: once ctx is done Run returns its error
// without waiting for more input, having written no answer out of order.
func TestRunStopsWhenCancelled(t *testing.T) {
	e := reach.New(smallAccount())
	in := queryLines(smallAccount(), 50)
	want, _ := sequential(t, e, in)
	release := make(chan struct{})
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	go func() {
		_, _ = io.Copy(pw, &blockingReader{r: strings.NewReader(in), release: release})
		pw.Close()
	}()
	out := &cancelAfter{n: 20, cancel: cancel}
	_, err := Run(ctx, e, pr, out, Options{Workers: 2})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if !strings.HasPrefix(want, out.buf.String()) {
		t.Errorf("the answers written before the stop are not the first answers in order")
	}
}

// cancelAfter cancels once it has been written n lines.
type cancelAfter struct {
	buf    bytes.Buffer
	n      int
	cancel func()
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	c.buf.Write(p)
	if bytes.Count(c.buf.Bytes(), []byte("\n")) >= c.n {
		c.cancel()
	}
	return len(p), nil
}

// TestRunReportsAWriteError names the answer that could not be written.
func TestRunReportsAWriteError(t *testing.T) {
	e := reach.New(smallAccount())
	in := strings.Repeat(`{"from":"internet","to":"8.8.8.8","port":443}`+"\n", 5000)
	_, err := Run(context.Background(), e, strings.NewReader(in), failingWriter{}, Options{})
	if err == nil || !strings.Contains(err.Error(), "--batch: write answer") {
		t.Fatalf("error %v, want a write error", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestReadLine checks the line reader's edges: the limit is inclusive, a
// last line needs no newline, and an over-long line is consumed whole.
func TestReadLine(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		max   int
		lines []string // "!" marks a line that was too long
	}{
		{"lines split on newlines", "a\nbb\n", 4, []string{"a", "bb"}},
		{"a last line without a newline is a line", "a\nbb", 4, []string{"a", "bb"}},
		{"a line of exactly max bytes is kept", "abcd\ne", 4, []string{"abcd", "e"}},
		{"a line over max is skipped whole, the next one read", "abcde\nf\n", 4, []string{"!", "f"}},
		{"an over-long last line without a newline", "a\nabcdefgh", 4, []string{"a", "!"}},
		{"a line longer than the reader's buffer is consumed whole", strings.Repeat("x", 100) + "\nok\n", 4, []string{"!", "ok"}},
		{"empty lines are lines", "\n\n", 4, []string{"", ""}},
		{"nothing is no line", "", 4, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := bufio.NewReaderSize(strings.NewReader(tt.in), 16)
			var got []string
			for {
				line, tooLong, err := readLine(r, nil, tt.max)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if tooLong {
					got = append(got, "!")
				} else {
					got = append(got, string(line))
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.lines, "|") || len(got) != len(tt.lines) {
				t.Errorf("lines %q, want %q", got, tt.lines)
			}
		})
	}
}

// decoderQuery decodes a line the way Answer did before plainQuery: with
// encoding/json's Decoder, unknown fields disallowed.
func decoderQuery(line []byte) (batchQuery, error) {
	var bq batchQuery
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	err := dec.Decode(&bq)
	return bq, err
}

// checkPlainQuery fails when plainQuery reads line but encoding/json's
// decoder rejects it or decodes it otherwise.
func checkPlainQuery(t *testing.T, line []byte) (plain bool) {
	t.Helper()
	got, ok := plainQuery(line)
	if !ok {
		return false
	}
	want, err := decoderQuery(line)
	if err != nil || got != want {
		t.Fatalf("plainQuery(%q) = %+v, but encoding/json decodes %+v (error %v)", line, got, want, err)
	}
	return true
}

// randomQueryLine builds a query line from pieces that a plain reader
// could misread: keys in other cases and unknown ones, escapes,
// non-ASCII and control bytes in strings, numbers with signs, fractions,
// exponents, leading zeros and overflow, null, whitespace of every kind,
// missing and extra punctuation, and text after the object.
func randomQueryLine(rng *rand.Rand) []byte {
	keys := []string{"from", "to", "protocol", "port", "sourcePort", "From", "FROM", "Port", "sourceport", "x", "", "fro\u006d", `fr\u006fm`}
	strs := []string{`"eni-0a1"`, `"internet"`, `"tcp"`, `""`, `"a\"b"`, `"a\\b"`, `"\u0041"`, `"é"`, "\"\xff\"", "\"a\tb\"", `"~ !#"`, `"<&>"`, "null", "1", "true", `"a`}
	nums := []string{"0", "22", "443", "65535", "123456789", "1234567890", "-1", "01", "1.5", "1e2", "443.0", `"443"`, "null", "99999999999999999999", "", "4 4"}
	ws := []string{"", "", "", " ", "\t", "\n", "\r", "  "}
	var b strings.Builder
	b.WriteString(ws[rng.IntN(len(ws))])
	b.WriteString([]string{"{", "{", "{", "[", ""}[rng.IntN(5)])
	n := rng.IntN(6)
	for i := range n {
		if i > 0 {
			b.WriteString([]string{",", ",", ",", ",,", ""}[rng.IntN(5)])
		}
		b.WriteString(ws[rng.IntN(len(ws))])
		key := keys[rng.IntN(len(keys))]
		b.WriteString(`"` + key + `"`)
		b.WriteString(ws[rng.IntN(len(ws))])
		b.WriteString([]string{":", ":", ":", ""}[rng.IntN(4)])
		b.WriteString(ws[rng.IntN(len(ws))])
		if rng.IntN(2) == 0 {
			b.WriteString(strs[rng.IntN(len(strs))])
		} else {
			b.WriteString(nums[rng.IntN(len(nums))])
		}
		b.WriteString(ws[rng.IntN(len(ws))])
	}
	b.WriteString([]string{"}", "}", "}", "", "}}", "} x", "}\n{}"}[rng.IntN(7)])
	b.WriteString(ws[rng.IntN(len(ws))])
	return []byte(b.String())
}

// TestPlainQueryDecodesAsEncodingJSON: every line plainQuery reads —
// random lines mixing well-formed and malformed pieces, and the lines of
// the batch tests — encoding/json's decoder decodes to the same query; a
// line it does not read goes to that decoder.
func TestPlainQueryDecodesAsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 31))
	plain := 0
	for range 200000 {
		if checkPlainQuery(t, randomQueryLine(rng)) {
			plain++
		}
	}
	for _, line := range strings.Split(queryLines(smallAccount(), 400), "\n") {
		if len(line) > 1000 {
			continue
		}
		checkPlainQuery(t, bytes.TrimSpace([]byte(line)))
	}
	if plain < 1000 {
		t.Fatalf("only %d random lines were plain", plain)
	}
}

// FuzzPlainQuery: plainQuery reads no line otherwise than encoding/json.
func FuzzPlainQuery(f *testing.F) {
	for _, s := range []string{`{"from":"a","to":"b","protocol":"tcp","port":443}`, `{}`, `{"port":0,"sourcePort":1}`,
		`{"from":"a","from":"b"}`, `{"FROM":"a"}`, `{"port":1e2}`, `{"from":"a"} x`, ` { "to" : "b" } `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		checkPlainQuery(t, line)
	})
}
