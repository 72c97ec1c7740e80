// Package view is what every view of the explorer shares with the top
// model (leg100/pug's shape): the View interface and the optional
// capabilities a view may have, the messages views send to the top model
// and to each other through it, and the Session — the theme, the loaded
// world and the what-if overlay. Views import this package and the
// components, never each other: one view asks for another by message.
package view

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/vpcscope/vpcscope/model"
)

// View is one screen of the explorer. The top model routes messages to
// the active view, draws the frame around it, and keeps the history of
// views.
type View interface {
	// Update handles a message; key messages reach it only when no global
	// binding took them.
	Update(msg tea.Msg) tea.Cmd
	// View renders the body, exactly the size last given to SetSize.
	View() string
	SetSize(width, height int)
	// Crumbs say where the view is: the top-level section first.
	Crumbs() []string
	// Keys are the view's own bindings, for the help screen and footer.
	Keys() []key.Binding
	// Selected is the ID of the resource under the cursor, or "".
	Selected() string
}

// Filterable views narrow their rows to those matching a filter.
// SetFilter records the filter at once (Filter returns it); a long list
// ranks its rows in the command it returns, and until that lands the view
// is Filtering.
type Filterable interface {
	SetFilter(string) tea.Cmd
	Filter() string
}

// Filtering views are ranking their rows for a filter in the background,
// showing the rows of the filter before: the keys typed meanwhile wait for
// the result, so that enter opens a row of the filter the screen names.
type Filtering interface{ Filtering() bool }

// Paned views have panes that tab moves between.
type Paned interface{ NextPane(delta int) }

// Editing views have a text field open: they get every key but ctrl+c,
// and the footer says which field is being edited.
type Editing interface {
	// Editing names the field being edited ("port"), "" when none is.
	Editing() string
}

// Clicker views select the row under a click (x, y within the view); a
// click on the row already selected asks to open it, as enter does.
type Clicker interface{ Click(x, y int) (open bool) }

// Busy views are waiting for background work (a trace, a sort): tests
// wait for them to settle.
type Busy interface{ Busy() bool }

// The top-level sections, in tab order.
const (
	TabOverview = iota
	TabTree
	TabLists
	TabTrace
	TabExposure
	TabMap
	TabAudit
)

// TabNames name the sections, in tab order.
var TabNames = []string{"Overview", "Tree", "Lists", "Trace", "Exposure", "Map", "Audit"}

// Protocols are the protocols p cycles through in the trace and in
// who-can-reach.
var Protocols = []model.Protocol{model.ProtocolTCP, model.ProtocolUDP, model.ProtocolICMP, model.ProtocolAll}

// OwnKeys views take some keys that are global elsewhere (y in the change
// list copies the changes, not an ID): the top model asks before it acts.
type OwnKeys interface{ Handles(msg tea.KeyMsg) bool }

// Closer views hold work that is saved when the explorer quits or replaces
// the network (the audit's review). Close saves it; an error makes the top
// model ask before it quits.
type Closer interface{ Close() error }
