package termsafe

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain ASCII is kept", "web-1a (i-0f31c15d5092d9efa)", "web-1a (i-0f31c15d5092d9efa)"},
		{"letters of every script and emoji are kept", "データベース-ü-🚀", "データベース-ü-🚀"},
		{"an OSC 52 clipboard write ended by BEL is removed whole", "db\x1b]52;c;cm0gLXJmIH4=\x07-1a", "db-1a"},
		{"an OSC 0 window title ended by BEL is removed whole", "\x1b]0;pwned\x07web", "web"},
		{"an OSC ended by ST (ESC \\) is removed whole", "a\x1b]8;;http://x\x1b\\b", "ab"},
		{"an unterminated OSC is removed to the end", "web\x1b]52;c;AAAA", "web"},
		{"an unterminated OSC stops at the next control", "web\x1b]0;x\nrest", "web rest"},
		{"CSI clear screen is removed", "\x1b[2Jweb", "web"},
		{"CSI cursor movement is removed", "ok\x1b[1A\x1b[2K✓ reachable", "ok✓ reachable"},
		{"SGR colours are removed from a value", "\x1b[8mhidden\x1b[0m", "hidden"},
		{"a private-mode CSI is removed", "\x1b[?1049hx", "x"},
		{"a DCS string is removed", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},
		{"an APC string is removed", "a\x1b_Gf=100;AAAA\x1b\\b", "ab"},
		{"a two-byte ESC sequence (reset) is removed", "a\x1bcb", "ab"},
		{"a charset designation is removed", "a\x1b(0b", "ab"},
		{"a lone ESC at the end is removed", "web\x1b", "web"},
		{"BEL is removed", "ding\x07dong", "dingdong"},
		{"NUL and other C0 controls are removed", "a\x00b\x08c\x7fd", "abcd"},
		{"DEL is removed", "a\x7fb", "ab"},
		{"newline, tab and carriage return become spaces", "a\nb\tc\rd", "a b c d"},
		{"an 8-bit CSI (U+009B) and its parameters are removed", "a\u009b2Jb", "ab"},
		{"an 8-bit OSC (U+009D) ended by an 8-bit ST is removed", "a\u009d0;t\u009cb", "ab"},
		{"other C1 controls are removed", "a\u0085b\u008db", "abb"},
		{"a byte that is not UTF-8 becomes U+FFFD", "a\x9b2Jb", "a\uFFFD2Jb"},
		{"bidi overrides are removed", "abc\u202edcba\u202c", "abcdcba"},
		{"bidi isolates are removed", "\u2067x\u2069", "x"},
		{"the empty string stays empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := String(tt.in); got != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFrame(t *testing.T) {
	tests := []struct {
		name, in string
		styled   bool
		want     string
	}{
		{"a styled frame keeps SGR, newlines and tabs", "\x1b[1;38;2;1;2;3mbold\x1b[0m\n\tnext", true, "\x1b[1;38;2;1;2;3mbold\x1b[0m\n\tnext"},
		{"an unstyled frame drops SGR", "\x1b[1mbold\x1b[0m\n", false, "bold\n"},
		{"a styled frame drops OSC, BEL and CSI that is not SGR", "\x1b[31m✗\x1b[0m \x1b]52;c;AAAA\x07\x1b[2J\x07x", true, "\x1b[31m✗\x1b[0m x"},
		{"a styled frame drops carriage returns", "✗ deny\r✓ allow", true, "✗ deny✓ allow"},
		{"an SGR with an intermediate byte is not kept", "\x1b[1 mx", true, "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Frame(tt.in, tt.styled); got != tt.want {
				t.Errorf("Frame(%q, %v) = %q, want %q", tt.in, tt.styled, got, tt.want)
			}
		})
	}
}

func TestLine(t *testing.T) {
	tests := []struct {
		name, in string
		styled   bool
		want     string
	}{
		{"a styled line keeps SGR", "\x1b[1mbold\x1b[0m x", true, "\x1b[1mbold\x1b[0m x"},
		{"a newline in a line becomes a space", "\x1b[1mweb\nforged\x1b[0m", true, "\x1b[1mweb forged\x1b[0m"},
		{"an unstyled line drops SGR and OSC", "\x1b[1mweb\x1b]0;t\x07\x1b[0m", false, "web"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Line(tt.in, tt.styled); got != tt.want {
				t.Errorf("Line(%q, %v) = %q, want %q", tt.in, tt.styled, got, tt.want)
			}
		})
	}
}

func TestWriterCleansEachWrite(t *testing.T) {
	var b bytes.Buffer
	w := Writer{W: &b}
	n, err := w.Write([]byte("name\x1b]0;pwned\x07\n"))
	if err != nil || n != len("name\x1b]0;pwned\x07\n") {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if b.String() != "name\n" {
		t.Errorf("wrote %q", b.String())
	}
}

func TestCleanInputIsNotCopied(t *testing.T) {
	in := strings.Repeat("storefront-web-sg データ ", 10)
	if n := testing.AllocsPerRun(100, func() { _ = String(in) }); n != 0 {
		t.Errorf("String of clean text allocates %v times", n)
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		want     string
	}{
		{"a short input is kept", "web-1a", 64, "web-1a"},
		{"an input of exactly n runes is kept", "abcd", 4, "abcd"},
		{"a long input is cut with an ellipsis", "abcdef", 4, "abcd…"},
		{"runes are not split", "ééééé", 2, "éé…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clip(tt.in, tt.n); got != tt.want {
				t.Errorf("Clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

// FuzzString: whatever the input, String's output holds no control
// character, no C1 control and no invalid UTF-8, String is idempotent, and
// a styled Frame keeps ESC only as the start of an SGR sequence.
func FuzzString(f *testing.F) {
	for _, s := range []string{"\x1b]52;c;AAAA\x07", "\x1b[2J", "\u009b31m", "a\x9bb", "\x1b[1mx\x1b[0m\n", "\x1b\x1b[", "\x1bP\x1b\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := String(in)
		if !utf8.ValidString(out) {
			t.Fatalf("String(%q) = %q: not UTF-8", in, out)
		}
		for _, r := range out {
			if r < 0x20 || (r >= 0x7f && r <= 0x9f) || isBidiControl(r) {
				t.Fatalf("String(%q) = %q keeps %U", in, out, r)
			}
		}
		if again := String(out); again != out {
			t.Fatalf("String is not idempotent: %q -> %q -> %q", in, out, again)
		}
		fr := Frame(in, true)
		for i := 0; i < len(fr); i++ {
			switch c := fr[i]; {
			case c == 0x1b:
				end, sgr := escapeEnd(fr, i+1)
				if !sgr {
					t.Fatalf("Frame(%q) = %q keeps a sequence that is not SGR at %d", in, fr, i)
				}
				i = end - 1
			case (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f:
				t.Fatalf("Frame(%q) = %q keeps control %#x", in, fr, c)
			}
		}
	})
}
