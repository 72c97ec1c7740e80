// Package changes is the what-if change list: every edit in effect, in
// order, with the rule before and after it; one can be taken out (u) or
// all (U, confirmed). y copies the edits as --assume flags for the command
// line; x writes them as the AWS CLI commands and the Terraform that would
// make them — files for a person to review, never run by vpcscope.
package changes

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/ui/component/list"
	"github.com/vpcscope/vpcscope/ui/keys"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/world"
)

var _ view.Filterable = (*Model)(nil)

var safe = world.Safe

// Model is the change list.
type Model struct {
	s    *view.Session
	list *list.Model
	w, h int
}

// New builds the change list.
func New(s *view.Session) *Model {
	m := &Model{s: s, list: list.New(s.Th)}
	m.build()
	return m
}

// Crumbs implements view.View.
func (m *Model) Crumbs() []string { return []string{"What-if changes"} }

// Keys implements view.View.
func (m *Model) Keys() []key.Binding {
	return append(keys.MoveHelp(), keys.Undo, keys.Reset, keys.CopyAs, keys.Export)
}

// Selected implements view.View: the resource the change edits.
func (m *Model) Selected() string { return m.list.SelectedID() }

// SetSize implements view.View.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.list.SetSize(w, max(1, h-2))
}

// SetFilter implements view.Filterable.
func (m *Model) SetFilter(f string) tea.Cmd { m.list.SetFilter(f); return nil }

// Filter implements view.Filterable.
func (m *Model) Filter() string { return m.list.Filter() }

// step is attached to the row of each change.
type step int

// Update implements view.View.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case view.Refresh:
		cur := m.list.Cursor()
		m.build()
		m.list.SetCursor(cur)
	case tea.KeyMsg:
		// y and x are this view's own: copy and export the changes
		switch {
		case key.Matches(msg, keys.CopyAs):
			return m.copy()
		case key.Matches(msg, keys.Export):
			return m.export()
		}
		if m.list.HandleMove(msg) {
			return nil
		}
		switch {
		case key.Matches(msg, keys.Undo):
			if r, ok := m.list.Current(); ok {
				if i, ok := r.Data.(step); ok {
					return m.s.Send(view.WhatIf{Op: view.Undo, Step: int(i)})
				}
			}
		case key.Matches(msg, keys.Reset):
			if n := m.s.Overlay.Len(); n > 0 {
				return m.s.Send(view.Confirm{Question: fmt.Sprintf("undo all %d what-if changes?", n), Yes: view.WhatIf{Op: view.Reset}})
			}
		case key.Matches(msg, keys.Open):
			if r, ok := m.list.Current(); ok && r.ID != "" {
				return m.s.Send(view.Open{ID: r.ID})
			}
		}
	}
	return nil
}

// Handles reports whether the view takes a key itself that is global
// elsewhere (y copies the changes here, not the selected ID).
func (m *Model) Handles(msg tea.KeyMsg) bool { return key.Matches(msg, keys.CopyAs) }

// AssumeArgs renders the edits as --assume flags for the command line,
// each quoted for a POSIX shell.
func AssumeArgs(edits []string) string {
	parts := make([]string, len(edits))
	for i, e := range edits {
		parts[i] = "--assume " + shellQuote(e)
	}
	return strings.Join(parts, " ")
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func (m *Model) copy() tea.Cmd {
	edits := m.s.Overlay.Edits()
	if len(edits) == 0 {
		return view.FlashCmd("no what-if changes to copy")
	}
	return m.s.Send(view.Copy{Text: AssumeArgs(edits), What: "--assume flags"})
}

// Files names the files x writes.
const (
	ScriptFile    = "vpcscope-whatif.sh"
	TerraformFile = "vpcscope-whatif.tf"
)

// export writes the AWS CLI script and the Terraform snippet in a tea.Cmd,
// never over an existing file (it numbers the new one instead).
func (m *Model) export() tea.Cmd {
	steps := m.s.Overlay.Steps()
	if len(steps) == 0 {
		return view.FlashCmd("no what-if changes to export")
	}
	dir := m.s.ExportDir
	if dir == "" {
		dir = "."
	}
	script := Script(steps)
	tf := edit.Terraform(steps)
	return func() tea.Msg {
		a, err := writeNew(dir, ScriptFile, script)
		if err != nil {
			return view.Flash{Text: "export: " + err.Error(), Err: true}
		}
		b, err := writeNew(dir, TerraformFile, tf)
		if err != nil {
			return view.Flash{Text: "export: " + err.Error(), Err: true}
		}
		return view.Flash{Text: fmt.Sprintf("wrote %s (AWS CLI) and %s (Terraform): review them; vpcscope ran nothing", a, b)}
	}
}

// Script renders the steps as a shell script of AWS CLI commands, each
// under its edit as a comment. It is written for a person to review.
func Script(steps []edit.Step) string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n# What-if changes from vpcscope, as the AWS CLI commands that would make them.\n")
	b.WriteString("# Review before running: vpcscope never runs them.\nset -eu\n")
	for i, st := range steps {
		fmt.Fprintf(&b, "\n# %d. %s\n", i+1, strings.ReplaceAll(st.String(), "\n", " "))
		for _, c := range st.AWSCLI() {
			b.WriteString(c + "\n")
		}
	}
	return b.String()
}

// writeNew writes a file that does not exist yet: name, else name-2, -3….
func writeNew(dir, name, data string) (string, error) {
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for i := 1; i < 1000; i++ {
		n := name
		if i > 1 {
			n = fmt.Sprintf("%s-%d%s", base, i, ext)
		}
		p := filepath.Join(dir, n)
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("write %s: %w", p, err)
		}
		if _, err := f.WriteString(data); err != nil {
			f.Close()
			return "", fmt.Errorf("write %s: %w", p, err)
		}
		if err := f.Close(); err != nil {
			return "", fmt.Errorf("write %s: %w", p, err)
		}
		return p, nil
	}
	return "", fmt.Errorf("write %s: 999 files of that name already", filepath.Join(dir, name))
}

// View implements view.View.
func (m *Model) View() string {
	th := m.s.Th
	n := m.s.Overlay.Len()
	head := th.Title.Render("What-if changes") + th.Dim.Render(fmt.Sprintf("  %d in memory, none applied to AWS", n))
	help := th.Dim.Render("u undo this one · U undo all · y copy as --assume · x write AWS CLI and Terraform files · enter opens")
	return head + "\n" + help + "\n" + m.list.View(true)
}

func (m *Model) build() {
	th := m.s.Th
	var rows []list.Row
	text := func(s string) { rows = append(rows, list.Row{Text: s, Skip: true}) }
	steps := m.s.Overlay.Steps()
	if len(steps) == 0 {
		text(th.Dim.Render("  no what-if changes: in a security group, network ACL or route table, d/e/a try one"))
	}
	for i, st := range steps {
		if i > 0 {
			text("")
		}
		e := st.Edit
		title := fmt.Sprintf("%d. %s", i+1, safe(st.String()))
		where := safe(m.s.W.Label(e.Resource))
		rows = append(rows, list.Row{Text: th.Bold.Render(title) + th.Dim.Render("  "+where), Plain: title + "  " + where, ID: e.Resource, Data: step(i)})
		before, after := safe(st.BeforeText()), safe(st.AfterText())
		if before == "" {
			before = "(none: a new rule)"
		}
		if after == "" {
			after = "(removed)"
		}
		text("   " + th.Dim.Render("before ") + before)
		text("   " + th.WhatIf.Render("after  ") + after)
	}
	m.list.SetRows(rows)
}
