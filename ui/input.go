package ui

import (
	"strings"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
)

// lineInput is a one-line text field that edits at its end: enough for
// filters, the palette, the picker and rule edits, and it never blinks, so
// screens are stable for golden tests.
type lineInput struct {
	value string
}

// Update applies a key; it reports whether the value changed.
func (in *lineInput) Update(msg tea.KeyMsg) bool {
	old := in.value
	switch msg.Type {
	case tea.KeyBackspace:
		if in.value != "" {
			_, n := utf8.DecodeLastRuneInString(in.value)
			in.value = in.value[:len(in.value)-n]
		}
	case tea.KeyCtrlU:
		in.value = ""
	case tea.KeyCtrlW:
		v := strings.TrimRight(in.value, " ")
		if i := strings.LastIndexAny(v, " /"); i >= 0 {
			in.value = v[:i+1]
		} else {
			in.value = ""
		}
	case tea.KeySpace:
		in.value += " "
	case tea.KeyRunes:
		in.value += string(msg.Runes)
	}
	return in.value != old
}

// View renders the value with a block cursor.
func (in *lineInput) View(th *theme) string {
	return th.input.Render(in.value) + th.marker.Render("█")
}
