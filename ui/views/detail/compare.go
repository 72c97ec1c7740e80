package detail

import (
	"strings"

	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/model/present"
	"github.com/vpcscope/vpcscope/ui/world"
)

// This file marks what changed since the compared snapshot (--compare):
// the resource in the title, the rules added since in the gutter, the
// rules removed since in a note under the title. A resource only the
// compared snapshot holds is shown from it.

// presenter returns the presenter of the resource shown: the compared
// (older) snapshot's for a resource removed since.
func (d *Model) presenter() *present.Presenter {
	if d.fromOld {
		o := d.s.Compare.Old
		return o.Presenter(edit.NewOverlay(o.Snap))
	}
	return d.s.Presenter()
}

// lookupOld finds a resource the network lacks in the compared snapshot.
func (d *Model) lookupOld() {
	if d.res != nil || d.s.Compare == nil {
		return
	}
	if r := d.s.Compare.Old.Get(d.id); r != nil {
		d.res, d.fromOld = r, true
	}
}

// changeMark renders how the resource differs from the compared
// snapshot, for the title; "" when it does not or there is none.
func (d *Model) changeMark() string {
	c := d.s.Compare
	if c == nil {
		return ""
	}
	th := d.s.Th
	switch c.Mark(d.id) {
	case world.Added:
		return th.OK.Render("[+ added since " + safe(c.Name) + "]")
	case world.Removed:
		return th.Bad.Render("[- removed since " + safe(c.Name) + ": shown as it was]")
	case world.Changed:
		ch, _ := c.Change(d.id)
		s := "[~ changed since " + safe(c.Name)
		if ch != nil && len(ch.Fields) > 0 {
			s += ": " + safe(strings.Join(ch.Fields, ", "))
		}
		return th.Warn.Render(s + "]")
	}
	return ""
}

// removedRules lists the rules the compared snapshot had that are gone.
func (d *Model) removedRules() []string {
	ch, ok := d.s.Compare.Change(d.id)
	if !ok {
		return nil
	}
	return ch.Removed
}

// addedSince returns the positions of the rules of list l added since the
// compared snapshot.
func (d *Model) addedSince(l edit.List) map[int]bool {
	if d.s.Compare == nil || d.fromOld {
		return nil
	}
	return d.s.Compare.AddedRules(d.id, l)
}
