package ui

import (
	"strconv"

	"github.com/charmbracelet/x/ansi"
)

func itoa(n int) string { return strconv.Itoa(n) }

func truncate(s string, w int) string { return ansi.Truncate(s, w, "…") }
