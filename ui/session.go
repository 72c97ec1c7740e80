package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/reach"
)

// session is what every view shares: the theme, the loaded world, the
// what-if overlay and the engine that answers about it.
type session struct {
	th *theme
	w  *world
	// ov holds the what-if edits (model/edit), the same overlay the
	// command line's --assume uses.
	ov *edit.Overlay
	// wiEng answers about the what-if copy; nil while no change is in
	// effect or while it is being built.
	wiEng *reach.Engine
	// wiSnap is the what-if copy wiEng was built from.
	wiSnap *model.Snapshot
	// wiSeq counts what-if changes, so a stale engine build is dropped.
	wiSeq int
	// send hands a message to the top model at once (navigation, what-if).
	send func(tea.Msg) tea.Cmd
}

// whatIfActive reports whether any what-if edit is in effect.
func (s *session) whatIfActive() bool { return s.ov.Len() > 0 }

// flowDesc is a traced flow, as the detail view needs it to mark near
// misses and suggest a what-if rule.
type flowDesc struct {
	proto      model.Protocol
	port       int
	srcIP      string
	dstIP      string
	srcGroups  []string
	srcVPC     string
	dstGroups  []string
	dstVPC     string
	returnPath bool
}
