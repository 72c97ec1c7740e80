// Package detail shows one resource as the presenter (model/present) gives
// it: its fields, its rules in evaluation order and its relations, every
// ID a link. It can land on a rule a trace pointed at, and edit rules in
// the what-if overlay.
package detail

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/model/present"
	"github.com/vpcscope/vpcscope/ui/component/list"
	"github.com/vpcscope/vpcscope/ui/component/textinput"
	"github.com/vpcscope/vpcscope/ui/keys"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/world"
)

var _ view.Filterable = (*Model)(nil)

var safe = world.Safe

// Model is the detail of one resource.
type Model struct {
	s     *view.Session
	id    string
	res   model.Resource
	doc   present.Doc
	focus *view.RuleFocus
	list  *list.Model
	// sections are the row indices where sections start, for tab.
	sections []int
	banner   string
	// landed is the banner the trace's own answer gave; after a what-if
	// change the banner judges the hop again on the what-if copy (seq
	// drops stale answers).
	landed   string
	judgeSeq int
	// fromOld is set for a resource only the compared snapshot holds.
	fromOld bool
	editing *textinput.Model
	editFor ruleRow
	editAdd bool
	editErr string
	w, h    int
}

// ruleRow is attached to the rows that are rules: the position in the
// what-if overlay's Rules(id, list).
type ruleRow struct {
	list  edit.List
	index int
}

// New opens the detail of a resource, landing on the focused rule.
func New(s *view.Session, id string, focus *view.RuleFocus) *Model {
	d := &Model{s: s, id: id, res: s.W.Get(id), focus: focus, list: list.New(s.Th)}
	d.lookupOld()
	d.build()
	d.land()
	return d
}

// ID is the resource shown.
func (d *Model) ID() string { return d.id }

// Crumbs implements view.View.
func (d *Model) Crumbs() []string {
	c := []string{"Detail"}
	if d.res == nil {
		return append(c, safe(d.id))
	}
	vpc, sn := present.Containers(d.res)
	for _, id := range []string{vpc, sn} {
		if id != "" && id != d.id {
			c = append(c, d.s.W.ShortID(id))
		}
	}
	return append(c, world.Short(d.res))
}

// Keys implements view.View.
func (d *Model) Keys() []key.Binding {
	ks := append(keys.MoveHelp(), keys.NextPane, keys.ScrollLeft, keys.ScrollRight)
	if d.editable() {
		ks = append(ks, keys.Toggle, keys.Edit, keys.Add, keys.Reset)
	}
	return ks
}

func (d *Model) editable() bool {
	if d.fromOld {
		return false
	}
	switch r := d.res.(type) {
	case *model.SecurityGroup, *model.NetworkACL, *model.RouteTable:
		return true
	case *model.FirewallRuleGroup:
		return firewallEditable(r)
	}
	return false
}

// Selected implements view.View: the row's resource, else the one shown.
func (d *Model) Selected() string {
	if r, ok := d.list.Current(); ok && r.ID != "" {
		return r.ID
	}
	return d.id
}

// SetFilter implements view.Filterable: sections keep their titles.
func (d *Model) SetFilter(f string) tea.Cmd { d.list.SetFilter(f); return nil }

// Filter implements view.Filterable.
func (d *Model) Filter() string { return d.list.Filter() }

// Editing implements view.Editing.
func (d *Model) Editing() string {
	if d.editing != nil {
		return d.editing.Label
	}
	return ""
}

// SetSize implements view.View.
func (d *Model) SetSize(w, h int) {
	d.w, d.h = w, h
	d.list.SetSize(w, d.listHeight())
}

func (d *Model) listHeight() int {
	h := d.h - 2 // title and a blank line
	if d.banner != "" {
		h -= strings.Count(d.bannerView(), "\n") + 1
	}
	if d.editing != nil {
		h -= 2
	}
	return max(1, h)
}

// NextPane jumps to the next section (fields, rules, relations).
func (d *Model) NextPane(delta int) {
	if len(d.sections) == 0 {
		return
	}
	cur := d.list.Cursor()
	idx := 0
	for i, s := range d.sections {
		if s <= cur {
			idx = i
		}
	}
	idx = (idx + delta + len(d.sections)) % len(d.sections)
	d.list.SetCursor(d.sections[idx])
	d.list.SetOffset(max(0, d.sections[idx]-1))
}

// Update implements view.View.
func (d *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case view.Refresh:
		cur := d.list.Cursor()
		d.build()
		d.list.SetCursor(cur)
		cmd := d.rejudge()
		d.list.SetSize(d.w, d.listHeight())
		return cmd
	case judged:
		d.judged(msg)
		d.list.SetSize(d.w, d.listHeight())
	case tea.KeyMsg:
		if d.editing != nil {
			return d.updateEdit(msg)
		}
		if d.list.HandleMove(msg) {
			return nil
		}
		switch {
		case key.Matches(msg, keys.ScrollRight):
			d.list.ScrollX(8)
		case key.Matches(msg, keys.ScrollLeft):
			d.list.ScrollX(-8)
		case key.Matches(msg, keys.Open):
			if r, ok := d.list.Current(); ok && r.ID != "" && r.ID != d.id {
				return d.s.Send(view.Open{ID: r.ID})
			}
		case key.Matches(msg, keys.Toggle):
			if rr, ok := d.currentRule(); ok && rr.index >= 0 {
				return d.s.Send(view.WhatIf{Op: view.Toggle, ID: d.id, List: rr.list, Slot: rr.index})
			}
		case key.Matches(msg, keys.Edit):
			if rr, ok := d.currentRule(); ok {
				return d.startEdit(rr, false)
			}
		case key.Matches(msg, keys.Add):
			if rr, ok := d.currentRule(); ok {
				return d.startEdit(rr, true)
			} else if l := d.defaultList(); l != "" {
				return d.startEdit(ruleRow{list: l, index: -1}, true)
			}
		case key.Matches(msg, keys.Reset):
			return d.s.Send(view.WhatIf{Op: view.Reset})
		}
	}
	return nil
}

func (d *Model) defaultList() edit.List {
	if !d.editable() {
		return ""
	}
	switch r := d.res.(type) {
	case *model.FirewallRuleGroup:
		return firewallList(r)
	case *model.SecurityGroup:
		return edit.SGIngress
	case *model.NetworkACL:
		return edit.NACLInbound
	case *model.RouteTable:
		return edit.Routes
	}
	return ""
}

func (d *Model) currentRule() (ruleRow, bool) {
	r, ok := d.list.Current()
	if !ok {
		return ruleRow{}, false
	}
	rr, ok := r.Data.(ruleRow)
	return rr, ok
}

// View implements view.View.
func (d *Model) View() string {
	th := d.s.Th
	var b strings.Builder
	kind := "unknown resource"
	if d.res != nil {
		kind = string(d.res.Kind())
	}
	title := th.Title.Render(kind) + " " + th.Bold.Render(d.label())
	if d.s.Overlay.Touched(d.id) {
		title += "  " + th.WhatIf.Render("[WHAT-IF: edited in memory, not applied to AWS]")
	}
	if m := d.changeMark(); m != "" {
		title += "  " + m
	}
	b.WriteString(ansi.Truncate(title, d.w, "…") + "\n")
	if d.banner != "" {
		b.WriteString(d.bannerView() + "\n")
	}
	b.WriteString(d.list.View(true))
	if d.editing != nil {
		b.WriteString("\n" + d.editView())
	}
	return b.String()
}

func (d *Model) bannerView() string { return d.s.Th.Wrap(d.banner, d.w) }

func (d *Model) label() string {
	if d.res == nil {
		return safe(d.id) + " (not in the snapshot)"
	}
	return safe(d.doc.Title)
}
