package ui

import "github.com/charmbracelet/bubbles/key"

// keyMap is every key binding of the explorer, in one place: views match
// keys against it, and the help screen and footer are generated from it.
type keyMap struct {
	// global
	Quit, Help, Palette, Filter, Back, Forward, NextPane, PrevPane, Copy key.Binding
	Overview, Tree, Lists, Trace, Exposure                               key.Binding
	TraceFrom, TraceTo, WhoCanReach                                      key.Binding
	// movement
	Up, Down, PageUp, PageDown, Top, Bottom, Open key.Binding
	// tree
	Expand, Collapse, RouteTable, NACL key.Binding
	// lists
	Sort, Reverse, NextKind, PrevKind key.Binding
	// trace
	Pick, Protocol, Run, GoToRule, Swap key.Binding
	// what-if
	Toggle, Edit, Add, Reset key.Binding
	// inputs
	Accept, Cancel key.Binding
}

var keys = keyMap{
	Quit:        key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
	Palette:     key.NewBinding(key.WithKeys(":"), key.WithHelp(":", "go to view or ID")),
	Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
	Back:        key.NewBinding(key.WithKeys("esc", "backspace", "["), key.WithHelp("esc", "back")),
	Forward:     key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "forward")),
	NextPane:    key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
	PrevPane:    key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane")),
	Copy:        key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy ID")),
	Overview:    key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "overview")),
	Tree:        key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "tree")),
	Lists:       key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "lists")),
	Trace:       key.NewBinding(key.WithKeys("4"), key.WithHelp("4", "trace")),
	Exposure:    key.NewBinding(key.WithKeys("5"), key.WithHelp("5", "exposure")),
	TraceFrom:   key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "trace from selected")),
	TraceTo:     key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "trace to selected")),
	WhoCanReach: key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "who can reach selected")),

	Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
	Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
	PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
	PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d", " "), key.WithHelp("pgdn", "page down")),
	Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
	Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
	Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),

	Expand:     key.NewBinding(key.WithKeys("l", "right"), key.WithHelp("→/l", "expand")),
	Collapse:   key.NewBinding(key.WithKeys("h", "left"), key.WithHelp("←/h", "collapse")),
	RouteTable: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "subnet's route table")),
	NACL:       key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "subnet's network ACL")),

	Sort:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort by next column")),
	Reverse:  key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "reverse sort")),
	NextKind: key.NewBinding(key.WithKeys("J"), key.WithHelp("J", "next kind")),
	PrevKind: key.NewBinding(key.WithKeys("K"), key.WithHelp("K", "previous kind")),

	Pick:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "edit field / open hop")),
	Protocol: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "next protocol")),
	Run:      key.NewBinding(key.WithKeys("ctrl+r", "R"), key.WithHelp("R", "run trace")),
	GoToRule: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "jump to the blocking rule")),
	Swap:     key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "swap source and destination")),

	Toggle: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "what-if: disable/enable rule")),
	Edit:   key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "what-if: edit rule")),
	Add:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "what-if: add rule")),
	Reset:  key.NewBinding(key.WithKeys("U"), key.WithHelp("U", "what-if: undo all")),

	Accept: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "accept")),
	Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
}

// globalHelp are the bindings that work in every view.
func (k keyMap) globalHelp() []key.Binding {
	return []key.Binding{k.Overview, k.Tree, k.Lists, k.Trace, k.Exposure, k.Palette, k.Filter,
		k.Back, k.Forward, k.NextPane, k.Copy, k.TraceFrom, k.TraceTo, k.WhoCanReach, k.Help, k.Quit}
}

// moveHelp are the movement bindings every list shares.
func (k keyMap) moveHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Open}
}
