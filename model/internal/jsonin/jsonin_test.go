package jsonin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReaderGuard(t *testing.T) {
	many := func(n int) string { return "[" + strings.Repeat("{},", n-1) + "{}]" }
	packed := func(n int) string { return "[" + strings.Repeat(`{"x":0},`, n-1) + `{"x":0}]` }
	tests := []struct {
		name string
		doc  string
		want string // "" when the document passes whole
	}{
		{"a null top-level list element is refused at the element", `{"vpcs": [null]}`, "doc.json:1:11: null as a list element"},
		{"a null nested list element is refused", "{\"a\": [{\"b\": [1,\n  null]}]}", "doc.json:2:3: null as a list element"},
		{"a null member value passes", `{"a": null, "b": [{"c": null}]}`, ""},
		{"null inside a string passes", `["[null", ",null", "{}"]`, ""},
		{"escaped quotes do not end a string", `["a\"[null", "\\", "x"]`, ""},
		{"a word starting with n is not null", `[nope]`, ""},
		{"null broken by white space is not null", `[nu ll]`, ""},
		{"a few empty objects pass", many(ObjectAllowance), ""},
		{"a flood of empty objects is refused", many(ObjectAllowance + 1), "doc.json:1:770: more than one object per 16 bytes"},
		{"a flood of small objects is refused", packed(2 * ObjectAllowance), "doc.json:1:2050: more than one object per 16 bytes"},
		{"objects of 16 bytes pass", "[" + strings.Repeat(`{"xxxxxxxx":0}, `, 10*ObjectAllowance) + "{}]", ""},
		{"white space inside an empty element object", "[{ \n }, null]", "doc.json:2:5: null as a list element"},
	}
	for _, tt := range tests {
		for _, oneByte := range []bool{false, true} {
			name := tt.name
			if oneByte {
				name += " (one byte per read)"
			}
			t.Run(name, func(t *testing.T) {
				var r io.Reader = strings.NewReader(tt.doc)
				if oneByte {
					r = iotest.OneByteReader(r)
				}
				g := NewReader(context.Background(), r, "doc.json", 0)
				got, err := io.ReadAll(g)
				if tt.want == "" {
					if err != nil || string(got) != tt.doc {
						t.Fatalf("read %q, %v; want the document whole", got, err)
					}
					return
				}
				var ge *GuardError
				if !errors.As(err, &ge) || !strings.HasPrefix(err.Error(), tt.want) {
					t.Fatalf("err = %v, want one starting %q", err, tt.want)
				}
				// The byte that completes the refused element is never
				// passed on, so a decoder cannot decode it.
				last := int(ge.Offset) // an object is refused at its first byte
				if tt.doc[ge.Offset] == 'n' {
					last = int(ge.Offset) + 3
				}
				if len(got) > last || !strings.HasPrefix(tt.doc, string(got)) {
					t.Errorf("passed on %d bytes, the refused element's last byte is at %d", len(got), last)
				}
			})
		}
	}
}

func TestReaderLimit(t *testing.T) {
	g := NewReader(context.Background(), strings.NewReader(strings.Repeat(" ", 100)), "big.json", 64)
	got, err := io.ReadAll(g)
	if !errors.Is(err, ErrTooLarge) || len(got) != 64 {
		t.Fatalf("read %d bytes, err %v; want 64 and ErrTooLarge", len(got), err)
	}
	if want := "big.json: more than 64 bytes, the limit for one file"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %q, want %q", err, want)
	}
	g = NewReader(context.Background(), strings.NewReader(strings.Repeat(" ", 64)), "exact.json", 64)
	if got, err := io.ReadAll(g); err != nil || len(got) != 64 {
		t.Errorf("a document of exactly the limit: %d bytes, %v", len(got), err)
	}
}

// TestReaderStopsWhenContextIsDone: Ctrl-C cancels the context, and the
// next read stops an endless input (here, /dev/zero-like).
func TestReaderStopsWhenContextIsDone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	g := NewReader(ctx, zeros{}, "zero", 0)
	buf := make([]byte, 4096)
	if _, err := g.Read(buf); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := g.Read(buf); !errors.Is(err, context.Canceled) {
		t.Fatalf("read after cancel: %v, want context.Canceled", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestFileLineCol(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.json")
	if err := os.WriteFile(path, []byte("ab\ncde\nf"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		off       int64
		line, col int
	}{{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {5, 2, 3}, {7, 3, 1}, {8, 3, 2}} {
		if l, c := FileLineCol(path, tt.off); l != tt.line || c != tt.col {
			t.Errorf("FileLineCol(%d) = %d:%d, want %d:%d", tt.off, l, c, tt.line, tt.col)
		}
	}
}

func TestSizeString(t *testing.T) {
	for n, want := range map[int64]string{300: "300 bytes", 1 << 30: "1 GiB", 3 << 29: "1.5 GiB", 2 << 30: "2 GiB", 5 << 20: "5 MiB"} {
		if got := SizeString(n); got != want {
			t.Errorf("SizeString(%d) = %q, want %q", n, got, want)
		}
	}
}

// BenchmarkReaderGuard measures the guard on AWS CLI output (indented
// objects of short strings): the share of a load it costs.
func BenchmarkReaderGuard(b *testing.B) {
	elem := `        {
            "GroupId": "sg-0123456789abcdef0",
            "IpPermissions": [
                {
                    "FromPort": 443,
                    "IpProtocol": "tcp",
                    "IpRanges": [{"CidrIp": "10.0.0.0/16", "Description": "from \"the\" VPC"}],
                    "ToPort": 443
                }
            ]
        },
`
	doc := []byte("{\n    \"SecurityGroups\": [\n" + strings.Repeat(elem, 2000) + "    {}]\n}\n")
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		g := NewReader(context.Background(), bytes.NewReader(doc), "doc.json", 0)
		if _, err := io.Copy(io.Discard, g); err != nil {
			b.Fatal(err)
		}
	}
}
