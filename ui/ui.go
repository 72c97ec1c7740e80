// Package ui is vpcscope's explorer: a terminal UI (bubbletea, lipgloss,
// bubbles) to browse a network snapshot and trace traffic through it.
//
// It has leg100/pug's shape. This package is the thin top model: it loads
// the network, routes messages to the active view, keeps the history and
// the mode, and draws the frame (tabs, breadcrumbs, footer, status bar).
// Key bindings live in ui/keys and styles in ui/style; the loaded network
// in ui/world; what views share with the top (the View interface, the
// messages, the session) in ui/view; the components every view uses in
// ui/component (list, table, picker, text input) and the one filter rule
// in ui/match. Each view is a package of its own under ui/views (overview,
// tree, lists, detail, trace, who, exposure) that talks to the others
// through messages only. Resources are presented by model/present, the
// same presenter as `vpcscope inspect`. Everything slow — loading,
// indexing, the relation graph, exposure, traces, matching on a big
// account — runs in a tea.Cmd.
//
// The package imports the model and the engine, never the AWS SDK: a
// caller that pulls live passes a Loader that reports progress.
package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/ui/style"
)

// Loader produces the network to explore. It runs in the background while
// the UI shows each progress step; it should stop when ctx is done.
type Loader func(ctx context.Context, progress func(step string)) (*model.Snapshot, error)

// Options configure Run.
type Options struct {
	// Source names where the network comes from, for the status bar:
	// "demo", a file name, "aws profile prod".
	Source string
	// Loader produces the snapshot; see SnapshotLoader for one in hand.
	Loader Loader
	// Mouse turns on mouse wheel and clicks (it stops the terminal's own
	// text selection, so it is off by default).
	Mouse bool
	// NoColor renders without colour (NO_COLOR is honoured by the caller
	// or by the terminal profile detection).
	NoColor bool
	// Input and Output default to the process's terminal.
	Input  io.Reader
	Output io.Writer
	// Now is the clock for the snapshot's age; nil means time.Now.
	Now func() time.Time
	// Switcher, when set, lets :ctx (or C) switch to another profile,
	// region or snapshot file without restarting.
	Switcher Switcher
	// ExportDir is where the change list writes its AWS CLI and Terraform
	// files; "" is the working directory.
	ExportDir string
	// ReviewPath is the audit review file the Audit view reads and saves
	// (reach/audit/review); "" keeps the review in memory only.
	ReviewPath string
	// FlowLogs, when set, is a file or folder of VPC Flow Logs the flow-log
	// view reads at start (--flowlogs).
	FlowLogs string
	// Compare, when set, loads an older snapshot of the network to compare
	// with (--snapshot OLD --compare NEW: the explorer shows NEW, and
	// Compare loads OLD); CompareSource names it.
	Compare       Loader
	CompareSource string
	// OnPrem are on-premises networks (--onprem NAME=CIDR) declared on
	// the engine: traces may start or end there.
	OnPrem []reach.OnPremNetwork
	// Multiplexer is "tmux" or "screen" when the explorer runs inside one
	// (Run reads TMUX and TERM): clipboard writes are wrapped to pass
	// through it.
	Multiplexer string

	ctx context.Context
}

// Choice is a source :ctx can switch to.
type Choice struct {
	// Kind is "profile", "region", "snapshot" or "demo".
	Kind string
	// Value is the profile, region or path.
	Value string
	// Note describes it ("in use", "from ~/.aws/config").
	Note string
}

// Switcher lists the sources the explorer can switch to and opens them;
// the command line provides it (it knows profiles and files, the UI does
// not).
type Switcher interface {
	// Choices lists the profiles, regions and snapshot files to offer. It
	// may read files: it runs in a tea.Cmd.
	Choices(ctx context.Context) ([]Choice, error)
	// Switch returns the name and loader of a choice; the explorer runs
	// the loader with its progress on screen. An error is one line.
	Switch(c Choice) (name string, load Loader, err error)
}

// SnapshotLoader returns a Loader for a snapshot already in memory.
func SnapshotLoader(s *model.Snapshot) Loader {
	return func(context.Context, func(string)) (*model.Snapshot, error) { return s, nil }
}

// ErrCrashed wraps a panic the explorer recovered from, after the terminal
// was restored.
var ErrCrashed = errors.New("the explorer crashed")

// Run starts the explorer on the terminal and returns when the user quits.
// A panic anywhere in the UI restores the terminal and comes back as an
// error wrapping ErrCrashed, with the stack.
func Run(ctx context.Context, opts Options) (err error) {
	if opts.Loader == nil {
		return errors.New("ui: no loader")
	}
	if opts.Input == nil {
		opts.Input = os.Stdin
	}
	if opts.Output == nil {
		opts.Output = os.Stdout
	}
	opts.ctx = ctx
	if opts.Multiplexer == "" {
		switch term := os.Getenv("TERM"); {
		case os.Getenv("TMUX") != "":
			opts.Multiplexer = "tmux"
		case strings.HasPrefix(term, "screen"):
			opts.Multiplexer = "screen"
		}
	}
	r := lipgloss.NewRenderer(opts.Output)
	// Ask the terminal for its background now: once the program owns the
	// input, the answer would be read as keys.
	_ = r.HasDarkBackground()
	a := newApp(opts, style.New(r, opts.NoColor))
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithAltScreen(), tea.WithInput(opts.Input), tea.WithOutput(opts.Output)}
	if opts.Mouse {
		popts = append(popts, tea.WithMouseCellMotion())
	}
	p := tea.NewProgram(a, popts...)
	a.quit = p.Quit
	_, err = p.Run()
	if a.crash != "" {
		return fmt.Errorf("%w: %s", ErrCrashed, a.crash)
	}
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // interrupted: a normal way out
	}
	if errors.Is(err, tea.ErrProgramPanic) {
		return fmt.Errorf("%w: %v", ErrCrashed, err)
	}
	return err
}
