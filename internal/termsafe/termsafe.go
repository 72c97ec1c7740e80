// Package termsafe makes text safe to print on a terminal. A snapshot is
// data from outside — Name tags, descriptions, even IDs can hold any
// character (EC2 tags allow any Unicode) and a crafted snapshot file holds
// whatever its author wants — so every string from a snapshot passes
// through String before a text renderer (the CLI's text output, the
// explorer) shows it. Without it, a Name tag such as "\x1b]52;c;…\x07"
// would write the reader's clipboard, "\x1b]0;…\x07" retitle the window,
// "\x1b[2J" clear the screen, and a newline or cursor movement forge lines
// of an answer. JSON output never passes through here: encoding/json
// escapes control characters and keeps the original.
//
// String is the one sanitizer. Frame, Line and Writer apply the same rules
// to text our own renderers produced — a whole explorer screen, one row of
// it, the CLI's text output — as a last line of defence where it is
// written; Clip bounds how much of a long input a message echoes.
package termsafe

import (
	"io"
	"strings"
	"unicode/utf8"
)

// String returns s without terminal controls: escape sequences in their
// 7-bit (ESC …) and 8-bit (C1) forms — CSI such as "\x1b[2J" with its
// parameters, OSC, DCS, SOS, PM and APC strings up to their terminator
// (BEL or ST, or the end of s), and two-byte ESC sequences — and every
// other C0 control, DEL and C1 control. Tab, newline and carriage return
// become a space so that a value stays on its line. Bytes that are not
// UTF-8 become U+FFFD (a lone 0x9b is an 8-bit CSI to some terminals), and
// the Unicode bidirectional embeddings, overrides and isolates (U+202A–
// U+202E, U+2066–U+2069), which reorder what is displayed, are removed.
// Everything else — letters of every script, emoji, punctuation — is
// kept. A string with nothing to remove is returned as is, without
// allocating.
func String(s string) string { return clean(s, value, false) }

// Frame is String for text that our renderers produced, such as an
// explorer screen or lines of CLI output: it keeps newlines and tabs and,
// when styled, SGR sequences (colours and text attributes, "\x1b[…m"),
// which only styles emit once every value inside has passed through
// String; it removes every other control and escape sequence by String's
// rules. It is a backstop against a value that reached a renderer without
// String: it stops every sequence but SGR, and cannot tell such a value's
// SGR sequences from the renderer's own.
func Frame(s string, styled bool) string { return clean(s, lines, styled) }

// Line is Frame for one rendered line, such as a row of an explorer list:
// a tab, newline or carriage return becomes a space, as in String, so that
// no value can break the line in two.
func Line(s string, styled bool) string { return clean(s, line, styled) }

// Writer writes everything through Frame to W: the CLI's text output goes
// through one, so no control from a snapshot reaches the terminal even if
// a renderer forgot String. Each Write is cleaned on its own, so a write
// must not split an escape sequence (a fmt.Fprint call does not).
type Writer struct {
	W io.Writer
	// Styled keeps SGR sequences: set it when the output is coloured.
	Styled bool
}

// Write implements io.Writer; it reports len(p) written when the cleaned
// text was written in full.
func (w Writer) Write(p []byte) (int, error) {
	s := string(p)
	if _, err := io.WriteString(w.W, clean(s, lines, w.Styled)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Clip returns s cut to at most n runes, with "…" marking a cut, so that a
// message echoes the start of an over-long input rather than all of it.
func Clip(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	i, k := 0, 0
	for k < n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		k++
	}
	return s[:i] + "…"
}

// mode says what clean keeps besides printable text.
type mode uint8

const (
	value mode = iota // String: no control at all
	lines             // Frame: newlines and tabs, and SGR when styled
	line              // Line: SGR when styled
)

// clean implements String, Frame and Line.
func clean(s string, m mode, styled bool) string {
	frame := m == lines
	i := firstUnsafe(s, frame)
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
			i++
		case c == 0x1b:
			end, sgr := escapeEnd(s, i+1)
			if sgr && styled && m != value {
				b.WriteString(s[i:end])
			}
			i = end
		case c < 0x20 || c == 0x7f:
			switch {
			case frame && (c == '\n' || c == '\t'):
				b.WriteByte(c)
			case !frame && (c == '\n' || c == '\t' || c == '\r'):
				// A value, or a line, stays on its line.
				b.WriteByte(' ')
			}
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				b.WriteRune(utf8.RuneError)
				i++
			case r >= 0x80 && r <= 0x9f:
				i = c1End(s, r, i+size)
			case isBidiControl(r):
				i += size
			default:
				b.WriteString(s[i : i+size])
				i += size
			}
		}
	}
	return b.String()
}

// firstUnsafe returns the index of the first byte clean must look at, or
// len(s) when s is safe as it is.
func firstUnsafe(s string, frame bool) int {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= 0x20 && c < 0x7f, frame && (c == '\n' || c == '\t'):
			i++
		case c < 0x80:
			return i
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if (r == utf8.RuneError && size == 1) || (r >= 0x80 && r <= 0x9f) || isBidiControl(r) {
				return i
			}
			i += size
		}
	}
	return len(s)
}

// escapeEnd returns the index just past the escape sequence whose ESC
// precedes s[i], and whether it is an SGR sequence (ESC [ digits ; : m).
func escapeEnd(s string, i int) (end int, sgr bool) {
	if i >= len(s) {
		return i, false
	}
	switch c := s[i]; {
	case c == '[':
		return csiEnd(s, i+1)
	case c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_':
		return stringEnd(s, i+1), false
	case c >= 0x20 && c <= 0x2f: // intermediates, then a final byte
		for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
			i++
		}
		if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
			i++
		}
		return i, false
	case c >= 0x30 && c <= 0x7e:
		return i + 1, false
	}
	return i, false // a lone ESC: drop it, keep what follows
}

// csiEnd returns the index past a control sequence whose parameters start
// at s[i]: parameter bytes 0x30–0x3f, intermediates 0x20–0x2f, a final
// byte 0x40–0x7e. A sequence cut short by any other byte ends before it.
func csiEnd(s string, i int) (end int, sgr bool) {
	params := true // only digits, ';' and ':' so far
	for i < len(s) && s[i] >= 0x30 && s[i] <= 0x3f {
		params = params && (s[i] <= ';')
		i++
	}
	inter := i
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		return i + 1, params && inter == i && s[i] == 'm'
	}
	return i, false
}

// stringEnd returns the index past a control string (OSC, DCS, SOS, PM,
// APC) whose content starts at s[i]: past its BEL or ST (ESC \ or the
// 8-bit U+009C) terminator, else at the first other control, else at the
// end of s.
func stringEnd(s string, i int) int {
	for i < len(s) {
		c := s[i]
		switch {
		case c == 0x07:
			return i + 1
		case c == 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i
		case c < 0x20 && c != '\t':
			return i
		case c == 0xc2 && i+1 < len(s) && s[i+1] == 0x9c:
			return i + 2
		}
		i++
	}
	return i
}

// c1End returns the index past the 8-bit control r (a C1 rune encoded in
// UTF-8, ending before s[i]) and, for CSI and the string introducers, past
// the sequence it starts.
func c1End(s string, r rune, i int) int {
	switch r {
	case 0x9b: // CSI
		end, _ := csiEnd(s, i)
		return end
	case 0x9d, 0x90, 0x98, 0x9e, 0x9f: // OSC, DCS, SOS, PM, APC
		return stringEnd(s, i)
	}
	return i
}

// isBidiControl reports whether r is a Unicode bidirectional embedding,
// override or isolate.
func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}
