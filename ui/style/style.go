// Package style holds every style of the explorer in one Theme, built
// from one renderer so that a colour profile (NO_COLOR, --no-color, tests)
// applies everywhere.
package style

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/vpcscope/vpcscope/reach"
)

// Theme holds every style of the explorer. Colours
// are adaptive: one value for light terminals, one for dark. Nothing relies
// on colour alone: verdicts carry ✓/✗ and a word, the selection is also
// marked with "▌" and the deciding rule with "◆".
type Theme struct {
	// R is the renderer the styles were built on.
	R *lipgloss.Renderer
	// Styled is set when the profile has colours: the screen then keeps
	// its SGR sequences (termsafe.Frame).
	Styled bool

	// The frame: title, breadcrumbs, tabs and the status bar.
	Title, Crumb, CrumbSep, Tab, TabActive   lipgloss.Style
	Status, StatusKey, StatusWarn, StatusErr lipgloss.Style
	// Text: column headers, section titles, dim and bold text, key names
	// and links (IDs that open).
	Header, Section, Dim, Bold, Key, Link lipgloss.Style
	// Selection: the selected row (focused or not), the "▌" marker, the
	// deciding hop or rule.
	Selected, SelectedDim, Marker, Decisive lipgloss.Style
	// Verdicts and warnings.
	OK, Bad, Unknown, Forward, Warn lipgloss.Style
	// What-if marks, pane borders.
	WhatIf, Border, PaneActive, PaneIdle lipgloss.Style
	// Text fields and subnet badges.
	Input, InputLabel, BadgePublic, BadgePriv lipgloss.Style
}

var (
	colAccent  = lipgloss.AdaptiveColor{Light: "#0550ae", Dark: "#58a6ff"}
	colOK      = lipgloss.AdaptiveColor{Light: "#1a7f37", Dark: "#3fb950"}
	colBad     = lipgloss.AdaptiveColor{Light: "#cf222e", Dark: "#f85149"}
	colWarn    = lipgloss.AdaptiveColor{Light: "#9a6700", Dark: "#d29922"}
	colDim     = lipgloss.AdaptiveColor{Light: "#6e7781", Dark: "#8b949e"}
	colSelBg   = lipgloss.AdaptiveColor{Light: "#ddf4ff", Dark: "#1f3a5f"}
	colBarBg   = lipgloss.AdaptiveColor{Light: "#eaeef2", Dark: "#21262d"}
	colBarFg   = lipgloss.AdaptiveColor{Light: "#24292f", Dark: "#c9d1d9"}
	colWhatIf  = lipgloss.AdaptiveColor{Light: "#8250df", Dark: "#d2a8ff"}
	colPublic  = lipgloss.AdaptiveColor{Light: "#bc4c00", Dark: "#ffa657"}
	colPrivate = lipgloss.AdaptiveColor{Light: "#116329", Dark: "#56d364"}
)

// New builds the styles on r. With noColor the profile is plain ASCII.
func New(r *lipgloss.Renderer, noColor bool) *Theme {
	if noColor {
		r.SetColorProfile(termenv.Ascii)
	}
	s := r.NewStyle
	return &Theme{
		R:           r,
		Styled:      r.ColorProfile() != termenv.Ascii,
		Title:       s().Bold(true).Foreground(colAccent),
		Crumb:       s().Foreground(colBarFg),
		CrumbSep:    s().Foreground(colDim),
		Tab:         s().Foreground(colDim).Padding(0, 1),
		TabActive:   s().Bold(true).Underline(true).Foreground(colAccent).Padding(0, 1),
		Status:      s().Foreground(colBarFg).Background(colBarBg),
		StatusKey:   s().Bold(true).Foreground(colAccent).Background(colBarBg),
		StatusWarn:  s().Bold(true).Foreground(colWarn).Background(colBarBg),
		StatusErr:   s().Bold(true).Foreground(colBad).Background(colBarBg),
		Header:      s().Bold(true).Foreground(colDim),
		Section:     s().Bold(true).Underline(true),
		Dim:         s().Foreground(colDim),
		Bold:        s().Bold(true),
		Key:         s().Bold(true).Foreground(colAccent),
		Link:        s().Foreground(colAccent),
		Selected:    s().Bold(true).Background(colSelBg),
		SelectedDim: s().Background(colSelBg),
		Marker:      s().Bold(true).Foreground(colAccent),
		Decisive:    s().Bold(true).Foreground(colBad),
		OK:          s().Foreground(colOK),
		Bad:         s().Bold(true).Foreground(colBad),
		Unknown:     s().Foreground(colWarn),
		Forward:     s().Foreground(colAccent),
		Warn:        s().Bold(true).Foreground(colWarn),
		WhatIf:      s().Bold(true).Foreground(colWhatIf),
		Border:      s().Foreground(colDim),
		PaneActive:  s().Border(lipgloss.NormalBorder()).BorderForeground(colAccent),
		PaneIdle:    s().Border(lipgloss.NormalBorder()).BorderForeground(colDim),
		Input:       s().Bold(true),
		InputLabel:  s().Foreground(colDim),
		BadgePublic: s().Bold(true).Foreground(colPublic),
		BadgePriv:   s().Foreground(colPrivate),
	}
}

// VerdictStyle colours a hop verdict.
func (t *Theme) VerdictStyle(v reach.Verdict) lipgloss.Style {
	switch v {
	case reach.Deny:
		return t.Bad
	case reach.Unknown:
		return t.Unknown
	case reach.Allow, reach.Arrive:
		return t.OK
	}
	return t.Forward
}

// AnswerMark renders an answer's overall verdict with symbol and word.
func (t *Theme) AnswerMark(a *reach.Answer) string {
	switch {
	case a.Reachable:
		return t.OK.Render("✓ REACHABLE")
	case a.Verdict == reach.VerdictUnknown:
		return t.Unknown.Render("? UNKNOWN")
	}
	return t.Bad.Render("✗ BLOCKED")
}

// Wrap renders s wrapped to width w (at least 10 cells).
func (t *Theme) Wrap(s string, w int) string {
	return t.R.NewStyle().Width(max(10, w)).Render(s)
}
