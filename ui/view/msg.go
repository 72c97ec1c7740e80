package view

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/reach"
)

// Messages from views to the top model: each asks for a view or a change.
type (
	// Open asks for the detail view of a resource, optionally landing on
	// a rule.
	Open struct {
		ID    string
		Focus *RuleFocus
	}
	// Tab switches to a top-level section.
	Tab struct{ Tab int }
	// Trace opens the trace view with its endpoints set ("" keeps the
	// current one) and, when Protocol is set, the service too; it runs
	// when both ends and a port are known.
	Trace struct {
		From, To string
		Protocol model.Protocol
		Port     int
		// SourcePort pins the client's port (a flow-log record's); 0 is
		// any ephemeral port.
		SourcePort int
		// Select, when set, lands on that hop of the answer instead of
		// the blocking one (the hop that decided a flow-log record).
		Select *HopAt
	}
	// Who opens who-can-reach for a resource.
	Who struct{ ID string }
	// List opens the lists section at a kind.
	List struct{ Kind string }
	// Flash shows a one-line note in the status bar.
	Flash struct {
		Text string
		Err  bool
	}
	// WhatIf asks the top model to change the what-if overlay.
	WhatIf struct {
		Op WhatIfOp
		// Edit is the change for Apply.
		Edit edit.Edit
		// ID, List and Slot name the rule for Toggle: its position in the
		// overlay's Rules(ID, List).
		ID   string
		List edit.List
		Slot int
		// Step is the change Undo takes out, from 0.
		Step int
	}
	// Refresh tells views that the what-if engine, the graph or the
	// exposure changed.
	Refresh struct{}
	// Raw opens the raw JSON of a resource (every record of its ID).
	Raw struct{ ID string }
	// Changes opens the what-if change list.
	Changes struct{}
	// Copy puts text on the clipboard (OSC 52) and says so, showing the
	// text; What names it for the note ("the console URL").
	Copy struct{ Text, What string }
	// Traced says a trace finished: its query, its one-line verdict and
	// the IDs of every resource on its path (reach.Answer.Resources), so
	// that the map can highlight it. The top model keeps the last one in
	// the session.
	Traced struct {
		Query     reach.Query
		Summary   string
		Resources []string
	}
	// Confirm asks a yes/no question in the footer; yes sends Yes.
	Confirm struct {
		Question string
		Yes      tea.Msg
	}
)

// WhatIfOp is what a WhatIf message asks for.
type WhatIfOp int

// The what-if operations.
const (
	Apply  WhatIfOp = iota // apply an edit
	Toggle                 // disable a rule, or put a disabled one back
	Reset                  // undo every edit
	Undo                   // take one change out
)

// ForView carries a message to one view, even when another is on screen:
// the result of a trace or a sort that view started.
type ForView struct {
	To  View
	Msg tea.Msg
}

// To wraps a command so that its message goes to v.
func To(v View, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		msg := cmd()
		if msg == nil {
			return nil
		}
		return ForView{To: v, Msg: msg}
	}
}

// Cmd returns a command that delivers msg.
func Cmd(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// FlashCmd returns a command that shows a note.
func FlashCmd(text string) tea.Cmd { return Cmd(Flash{Text: text}) }

// RuleFocus says which rule the detail view should land on, and why.
type RuleFocus struct {
	Ref reach.RuleRef
	// Hop is the trace hop that pointed at the rule.
	Hop *reach.Hop
	// Flow is the trace's flow, for what-if prefill and to judge the hop
	// again after an edit.
	Flow *Flow
	// Near are the rules the engine names as closest to letting the
	// traced packet through (positions in the what-if overlay).
	Near []reach.RuleRef
}

// Flow is a traced flow, as the detail view needs it to mark near misses,
// suggest a what-if rule and ask again after an edit.
type Flow struct {
	Query      reach.Query
	SrcIP      string
	DstIP      string
	SrcGroups  []string
	SrcVPC     string
	DstGroups  []string
	DstVPC     string
	ReturnPath bool
}
