package ui

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/vpcscope/vpcscope/reach"
)

// theme holds every style of the explorer, built from one renderer so a
// colour profile (NO_COLOR, --no-color, tests) applies everywhere. Colours
// are adaptive: one value for light terminals, one for dark. Nothing relies
// on colour alone: verdicts carry ✓/✗ and a word, the selection is also
// marked with "▌" and the deciding rule with "◆".
type theme struct {
	r *lipgloss.Renderer
	// styled is set when the profile has colours: the screen then keeps
	// its SGR sequences (termsafe.Frame).
	styled bool

	title, crumb, crumbSep, tab, tabActive    lipgloss.Style
	status, statusKey, statusWarn, statusErr  lipgloss.Style
	header, section, dim, bold, key, link     lipgloss.Style
	selected, selectedDim, marker, decisive   lipgloss.Style
	ok, bad, unknown, forward, warn           lipgloss.Style
	whatIf, border, paneActive, paneIdle      lipgloss.Style
	input, inputLabel, badgePublic, badgePriv lipgloss.Style
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

// newTheme builds the styles on r. With noColor the profile is plain ASCII.
func newTheme(r *lipgloss.Renderer, noColor bool) *theme {
	if noColor {
		r.SetColorProfile(termenv.Ascii)
	}
	s := r.NewStyle
	return &theme{
		r:           r,
		styled:      r.ColorProfile() != termenv.Ascii,
		title:       s().Bold(true).Foreground(colAccent),
		crumb:       s().Foreground(colBarFg),
		crumbSep:    s().Foreground(colDim),
		tab:         s().Foreground(colDim).Padding(0, 1),
		tabActive:   s().Bold(true).Underline(true).Foreground(colAccent).Padding(0, 1),
		status:      s().Foreground(colBarFg).Background(colBarBg),
		statusKey:   s().Bold(true).Foreground(colAccent).Background(colBarBg),
		statusWarn:  s().Bold(true).Foreground(colWarn).Background(colBarBg),
		statusErr:   s().Bold(true).Foreground(colBad).Background(colBarBg),
		header:      s().Bold(true).Foreground(colDim),
		section:     s().Bold(true).Underline(true),
		dim:         s().Foreground(colDim),
		bold:        s().Bold(true),
		key:         s().Bold(true).Foreground(colAccent),
		link:        s().Foreground(colAccent),
		selected:    s().Bold(true).Background(colSelBg),
		selectedDim: s().Background(colSelBg),
		marker:      s().Bold(true).Foreground(colAccent),
		decisive:    s().Bold(true).Foreground(colBad),
		ok:          s().Foreground(colOK),
		bad:         s().Bold(true).Foreground(colBad),
		unknown:     s().Foreground(colWarn),
		forward:     s().Foreground(colAccent),
		warn:        s().Bold(true).Foreground(colWarn),
		whatIf:      s().Bold(true).Foreground(colWhatIf),
		border:      s().Foreground(colDim),
		paneActive:  s().Border(lipgloss.NormalBorder()).BorderForeground(colAccent),
		paneIdle:    s().Border(lipgloss.NormalBorder()).BorderForeground(colDim),
		input:       s().Bold(true),
		inputLabel:  s().Foreground(colDim),
		badgePublic: s().Bold(true).Foreground(colPublic),
		badgePriv:   s().Foreground(colPrivate),
	}
}

// verdictStyle colours a hop verdict.
func (t *theme) verdictStyle(v reach.Verdict) lipgloss.Style {
	switch v {
	case reach.Deny:
		return t.bad
	case reach.Unknown:
		return t.unknown
	case reach.Allow, reach.Arrive:
		return t.ok
	}
	return t.forward
}

// answerMark renders an answer's overall verdict with symbol and word.
func (t *theme) answerMark(a *reach.Answer) string {
	switch {
	case a.Reachable:
		return t.ok.Render("✓ REACHABLE")
	case a.Verdict == reach.VerdictUnknown:
		return t.unknown.Render("? UNKNOWN")
	}
	return t.bad.Render("✗ BLOCKED")
}
