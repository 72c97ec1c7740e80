// Package textinput is the explorer's one-line text field: filters, the
// go-to palette, the pickers, the trace's port, rule edits. It edits at
// its end and never blinks, so screens are stable for golden tests.
package textinput

import (
	"strings"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/vpcscope/vpcscope/ui/style"
)

// Model is a text field.
type Model struct {
	// Value is the text.
	Value string
	// Label names the field for the footer ("editing port").
	Label string
	// Accept, when set, says which runes the field takes; others are
	// dropped (a port takes digits: a letter typed there is neither a
	// digit nor a command).
	Accept func(r rune) bool
}

// Digits accepts 0-9.
func Digits(r rune) bool { return r >= '0' && r <= '9' }

// Update applies a key; it reports whether the value changed.
func (m *Model) Update(msg tea.KeyMsg) bool {
	old := m.Value
	switch msg.Type {
	case tea.KeyBackspace:
		if m.Value != "" {
			_, n := utf8.DecodeLastRuneInString(m.Value)
			m.Value = m.Value[:len(m.Value)-n]
		}
	case tea.KeyCtrlU:
		m.Value = ""
	case tea.KeyCtrlW:
		v := strings.TrimRight(m.Value, " ")
		if i := strings.LastIndexAny(v, " /"); i >= 0 {
			m.Value = v[:i+1]
		} else {
			m.Value = ""
		}
	case tea.KeySpace:
		m.insert(' ')
	case tea.KeyRunes:
		if msg.Paste {
			// a paste is text, whatever it holds: newlines end nothing
			for _, r := range msg.Runes {
				if r != '\n' && r != '\r' {
					m.insert(r)
				}
			}
			break
		}
		for _, r := range msg.Runes {
			m.insert(r)
		}
	}
	return m.Value != old
}

func (m *Model) insert(r rune) {
	if m.Accept == nil || m.Accept(r) {
		m.Value += string(r)
	}
}

// View renders the value with a block cursor.
func (m *Model) View(th *style.Theme) string {
	return th.Input.Render(m.Value) + th.Marker.Render("█")
}
