package ui

import (
	"strconv"

	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/internal/termsafe"
)

// safe makes a value from a snapshot, or text built from such values (the
// engine's reasons name resources), safe for the terminal: views pass them
// through it before styling or showing them, so a Name tag cannot write the
// clipboard, retitle the window, restyle or forge a line. Behind it, every
// list row passes through termsafe.Line (lineList.View) and every screen
// through termsafe.Frame (app.View).
func safe(s string) string { return termsafe.String(s) }

func itoa(n int) string { return strconv.Itoa(n) }

func truncate(s string, w int) string { return ansi.Truncate(s, w, "…") }
