package world

import (
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/change"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/reach/impact"
)

// Mark says how a resource or a rule differs from the compared snapshot.
type Mark string

// The marks of a comparison; "" is unchanged.
const (
	Added   Mark = "added"
	Removed Mark = "removed"
	Changed Mark = "changed"
)

// Symbol renders a mark in one cell that reads without colour: + added,
// - removed, ~ changed, blank unchanged.
func (m Mark) Symbol() string {
	switch m {
	case Added:
		return "+"
	case Removed:
		return "-"
	case Changed:
		return "~"
	}
	return " "
}

// Compare is the network on screen compared with an older snapshot of it
// (vpcscope --snapshot OLD --compare NEW): what was added, removed and
// changed (model/change, at once) and what that did to reachability
// (reach/impact, slow: nil until it arrives).
type Compare struct {
	// Old is the older network; Name names where it came from.
	Old  *World
	Name string
	// Resources is what changed, resource by resource.
	Resources change.Resources
	// Report is the impact of the change; nil while it is computed.
	Report *impact.Report
	// Err is why the impact could not be computed.
	Err error

	marks   map[string]Mark
	changes map[string]*change.Change
	cur     *World
}

// NewCompare compares cur, the network on screen, with old.
func NewCompare(old, cur *World, name string) *Compare {
	c := &Compare{Old: old, Name: name, Resources: change.Diff(old.Snap, cur.Snap), marks: map[string]Mark{},
		changes: map[string]*change.Change{}, cur: cur}
	for _, r := range c.Resources.Added {
		c.marks[r.ID] = Added
	}
	for _, r := range c.Resources.Removed {
		c.marks[r.ID] = Removed
	}
	for i := range c.Resources.Changed {
		ch := &c.Resources.Changed[i]
		c.marks[ch.ID] = Changed
		c.changes[ch.ID] = ch
	}
	return c
}

// Impact computes what the change did to reachability, exposure and the
// findings. It is slow on a big account: run it in a tea.Cmd.
func (c *Compare) Impact() (*impact.Report, error) {
	return impact.Compare(c.Old.Eng, c.cur.Eng, impact.Options{})
}

// Mark returns how a resource differs from the older snapshot.
func (c *Compare) Mark(id string) Mark {
	if c == nil {
		return ""
	}
	return c.marks[id]
}

// Change returns the change of a resource present in both snapshots.
func (c *Compare) Change(id string) (*change.Change, bool) {
	if c == nil {
		return nil, false
	}
	ch, ok := c.changes[id]
	return ch, ok
}

// RemovedOf lists the resources of a kind that only the older snapshot
// holds.
func (c *Compare) RemovedOf(k model.Kind) []model.Resource {
	if c == nil {
		return nil
	}
	var out []model.Resource
	for _, r := range c.Resources.Removed {
		if r.Kind == k {
			if res := c.Old.Get(r.ID); res != nil {
				out = append(out, res)
			}
		}
	}
	return out
}

// AddedRules returns the positions in the newer snapshot's rule list l of
// resource id of the rules the older one lacks (each rule rendered by
// edit.FormatRule and matched as a multiset, as model/change does).
func (c *Compare) AddedRules(id string, l edit.List) map[int]bool {
	if c.Mark(id) != Changed {
		return nil
	}
	oldRes, newRes := c.Old.Get(id), c.cur.Get(id)
	if oldRes == nil || newRes == nil {
		return nil
	}
	text := func(r edit.Rule) string { return edit.FormatRule(l, r, newRes.Base().Account) }
	count := map[string]int{}
	for _, s := range edit.NewOverlay(c.Old.Snap).Rules(id, l) {
		count[text(s.Rule)]++
	}
	out := map[int]bool{}
	for i, s := range edit.NewOverlay(c.cur.Snap).Rules(id, l) {
		t := text(s.Rule)
		if count[t] > 0 {
			count[t]--
			continue
		}
		out[i] = true
	}
	return out
}
