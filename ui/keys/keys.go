// Package keys holds every key binding of the explorer, in one place:
// views match keys against them, and the help screen, the footer and the
// README's key table are generated from them.
package keys

import "github.com/charmbracelet/bubbles/key"

// Global bindings: they work in every view.
var (
	Quit     = key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit"))
	Help     = key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help"))
	Palette  = key.NewBinding(key.WithKeys(":"), key.WithHelp(":", "go to view or ID"))
	Filter   = key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter"))
	Back     = key.NewBinding(key.WithKeys("esc", "backspace", "["), key.WithHelp("esc", "back"))
	Forward  = key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "forward"))
	NextPane = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane"))
	PrevPane = key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane"))
	Copy     = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy ID"))
	Overview = key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "overview"))
	Tree     = key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "tree"))
	Lists    = key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "lists"))
	Trace    = key.NewBinding(key.WithKeys("4"), key.WithHelp("4", "trace"))
	Exposure = key.NewBinding(key.WithKeys("5"), key.WithHelp("5", "exposure"))
	Map      = key.NewBinding(key.WithKeys("6"), key.WithHelp("6", "map"))
	Audit    = key.NewBinding(key.WithKeys("7"), key.WithHelp("7", "audit walkthrough"))
	// The whole-network views.
	FlowLogs     = key.NewBinding(key.WithKeys("8"), key.WithHelp("8", "flow logs (:flowlogs PATH)"))
	Connectivity = key.NewBinding(key.WithKeys("9"), key.WithHelp("9", "connectivity"))
	Diff         = key.NewBinding(key.WithKeys("0"), key.WithHelp("0", "diff (--compare)"))
	TraceFrom    = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "trace from selected"))
	TraceTo      = key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "trace to selected"))
	WhoCanReach  = key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "who can reach selected"))
	Changes      = key.NewBinding(key.WithKeys("W"), key.WithHelp("W", "what-if change list"))
	Raw          = key.NewBinding(key.WithKeys("J"), key.WithHelp("J", "raw JSON of selected"))
	Console      = key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "copy AWS console URL"))
	Context      = key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "switch profile, region or file (:ctx)"))
	Reload       = key.NewBinding(key.WithKeys("R", "ctrl+r"), key.WithHelp("R", "reload the source"))
	Wide         = key.NewBinding(key.WithKeys("ctrl+w"), key.WithHelp("ctrl+w", "wide mode"))
)

// Movement in every list.
var (
	Up       = key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up"))
	Down     = key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down"))
	PageUp   = key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up"))
	PageDown = key.NewBinding(key.WithKeys("pgdown", "ctrl+d", " "), key.WithHelp("pgdn", "page down"))
	Top      = key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top"))
	Bottom   = key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom"))
	Open     = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open"))
)

// The tree.
var (
	Expand     = key.NewBinding(key.WithKeys("l", "right"), key.WithHelp("→/l", "expand"))
	Collapse   = key.NewBinding(key.WithKeys("h", "left"), key.WithHelp("←/h", "collapse"))
	RouteTable = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "subnet's route table"))
	NACL       = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "subnet's network ACL"))
)

// The lists.
var (
	Sort        = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort by next column"))
	Reverse     = key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "reverse sort"))
	NextKind    = key.NewBinding(key.WithKeys(">"), key.WithHelp(">", "next kind"))
	PrevKind    = key.NewBinding(key.WithKeys("<"), key.WithHelp("<", "previous kind"))
	HideKinds   = key.NewBinding(key.WithKeys("ctrl+k"), key.WithHelp("ctrl+k", "hide/show the kinds"))
	ScrollLeft  = key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "scroll left"))
	ScrollRight = key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "scroll right"))
)

// The trace.
var (
	Pick     = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "edit field / open hop"))
	Protocol = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "next protocol"))
	GoToRule = key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "jump to the blocking rule"))
	Swap     = key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "swap source and destination"))
	EditPort = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit port"))
)

// What-if edits.
var (
	Toggle = key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "what-if: disable/enable rule"))
	Edit   = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "what-if: edit rule"))
	Add    = key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "what-if: add rule"))
	Reset  = key.NewBinding(key.WithKeys("U"), key.WithHelp("U", "what-if: undo all"))
	Undo   = key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo this change"))
	Export = key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "write AWS CLI and Terraform"))
	CopyAs = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy as --assume"))
)

// The map.
var (
	MapMove   = key.NewBinding(key.WithKeys("left", "right", "up", "down", "h", "j", "k", "l"), key.WithHelp("←↑↓→", "move"))
	MapRoutes = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "route tables"))
	MapParts  = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "parts"))
)

// The audit walkthrough.
var (
	NextFinding  = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next"))
	PrevFinding  = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "previous"))
	MarkState    = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "state"))
	MarkBack     = key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "state back"))
	EditNote     = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "note"))
	OpenRule     = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "rule"))
	TraceWitness = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "trace proof"))
)

// Confirmations.
var (
	Yes = key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes"))
	No  = key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "no"))
)

// Text fields.
var (
	Accept = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "accept"))
	Cancel = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
)

// GlobalHelp are the bindings that work in every view.
func GlobalHelp() []key.Binding {
	return []key.Binding{Overview, Tree, Lists, Trace, Exposure, Map, Audit, FlowLogs, Connectivity, Diff, Palette, Filter,
		Back, Forward, NextPane, Copy, Console, Raw, TraceFrom, TraceTo, WhoCanReach,
		Changes, Context, Reload, Wide, Help, Quit}
}

// MoveHelp are the movement bindings every list shares.
func MoveHelp() []key.Binding {
	return []key.Binding{Up, Down, PageUp, PageDown, Top, Bottom, Open}
}

// IsMove reports whether b is a movement binding (enter aside; the
// sideways scroll included), which the footer leaves to the help screen.
func IsMove(b key.Binding) bool {
	for _, m := range append(MoveHelp()[:6], ScrollLeft, ScrollRight) {
		if b.Help() == m.Help() {
			return true
		}
	}
	return false
}
