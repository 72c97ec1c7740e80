package view

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/model/present"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/ui/style"
	"github.com/vpcscope/vpcscope/ui/world"
)

// Session is what every view shares: the theme, the loaded world, the
// what-if overlay and the engine that answers about it.
type Session struct {
	Th *style.Theme
	W  *world.World
	// Overlay holds the what-if edits (model/edit), the same overlay the
	// command line's --assume uses.
	Overlay *edit.Overlay
	// WhatIfEng answers about the what-if copy; nil while no change is in
	// effect or while it is being built. WhatIfSnap is the copy it was
	// built from.
	WhatIfEng  *reach.Engine
	WhatIfSnap *model.Snapshot
	// WhatIfSeq counts what-if changes, so a stale engine build is dropped.
	WhatIfSeq int
	// Send hands a message to the top model at once (navigation, what-if):
	// navigation from a key happens before the next key is read.
	Send func(tea.Msg) tea.Cmd
	// LastTrace is the last flow the trace ran, for who-can-reach's port.
	LastTrace reach.Query
	// Traced is the last trace that finished, nil before the first: the
	// map highlights its path.
	Traced *Traced
	// ReviewPath is the audit review file the Audit view reads and saves.
	ReviewPath string
	// Wide is wide mode (ctrl+w): tables show every column at full width
	// and scroll sideways, traces show full layer and resource names.
	Wide bool
	// ExportDir is where the change list writes its AWS CLI and Terraform
	// files.
	ExportDir string
	// Compare is the older snapshot the network is compared with
	// (--compare), nil when there is none or while it loads.
	Compare *world.Compare
}

// WhatIfActive reports whether any what-if edit is in effect.
func (s *Session) WhatIfActive() bool { return s.Overlay.Len() > 0 }

// Engine returns the engine to ask: the what-if copy's while a what-if is
// in force and built, else the snapshot's.
func (s *Session) Engine() *reach.Engine {
	if s.WhatIfActive() && s.WhatIfEng != nil {
		return s.WhatIfEng
	}
	return s.W.Eng
}

// Presenter presents resources with the what-if overlay's rules.
func (s *Session) Presenter() *present.Presenter { return s.W.Presenter(s.Overlay) }
