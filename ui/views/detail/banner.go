package detail

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/ui/component/list"
	"github.com/vpcscope/vpcscope/ui/view"
)

// land puts the cursor on the focused rule, marks it, and explains.
func (d *Model) land() {
	if d.focus == nil {
		d.list.Select(func(r list.Row) bool { return !r.Skip })
		return
	}
	f := d.focus
	l := edit.List(f.Ref.Kind)
	idx := f.Ref.Index
	if f.Ref.RuleNumber > 0 && f.Ref.Kind.IsNetworkACL() {
		for i, r := range d.s.Overlay.Rules(d.id, l) {
			if r.Rule.Entry.RuleNumber == f.Ref.RuleNumber && !r.Disabled {
				idx = i
				break
			}
		}
	}
	th := d.s.Th
	hopRule := ""
	if f.Hop != nil {
		hopRule = safe(f.Hop.Rule)
	}
	isRule := func(l edit.List, i int) func(list.Row) bool {
		return func(r list.Row) bool {
			rr, ok := r.Data.(ruleRow)
			return ok && rr.list == l && rr.index == i
		}
	}
	found := idx >= 0 && d.list.Select(isRule(l, idx))
	noMatch := f.Hop != nil && f.Hop.Verdict == reach.Deny && l.IsSecurityGroup()
	switch {
	case found && noMatch:
		d.banner = th.Bad.Render("✗ "+safe(f.Hop.Detail)) + "\n" +
			th.Warn.Render("≈ the selected rule is the closest: it opens the port, but not to this peer.") + "\n" +
			th.Dim.Render("  e edits it, a adds a rule — a what-if, in memory only, nothing changes in AWS")
	case found && f.Hop != nil && f.Hop.Verdict == reach.Deny && l.IsNetworkACL() && f.Ref.RuleNumber >= model.DefaultRuleNumber:
		d.banner = th.Bad.Render("✗ the default rule blocked the trace: ") + hopRule + "\n" +
			th.Dim.Render("  it cannot be changed; a adds an entry before it — a what-if, in memory only")
	case found && f.Hop != nil && f.Hop.Verdict == reach.Deny:
		d.banner = th.Bad.Render("✗ this rule blocked the trace: ") + hopRule + "\n" +
			th.Dim.Render("  d disables it, e edits it, a adds one before it — a what-if, in memory only")
	case found:
		d.banner = th.OK.Render("◆ this rule decided the trace hop: ") + hopRule
	default:
		// no rule matched: land on the closest rule, else on the list's end
		near := d.nearMisses(l)
		if len(near) > 0 {
			d.list.Select(isRule(l, near[0]))
		} else {
			d.list.Select(isRule(l, -1))
		}
		why := "no rule matched"
		if f.Hop != nil && f.Hop.Detail != "" {
			why = safe(f.Hop.Detail)
		}
		d.banner = th.Bad.Render("✗ "+why) + "\n"
		if len(near) > 0 {
			d.banner += th.Warn.Render("≈ the selected rule opens the port, but not to this peer: change it (e) or add one (a)") +
				th.Dim.Render(" — what-if, in memory only")
		} else {
			d.banner += th.Dim.Render("  press a to add a rule in the what-if (in memory only)")
		}
	}
	d.landed = d.banner
	// show the section title and column header above the rule
	if rr, ok := d.currentRule(); ok && rr.index >= 0 {
		d.list.SetOffset(max(0, d.list.Cursor()-d.rulePosition(rr)-2))
	} else {
		d.list.SetOffset(max(0, d.list.Cursor()-3))
	}
	d.list.SetSize(d.w, d.listHeight())
}

// rulePosition is how many rules come before rr in its section as shown
// (routes show most specific first, not in the overlay's order).
func (d *Model) rulePosition(rr ruleRow) int {
	for _, s := range d.doc.Sections {
		if s.List != rr.list {
			continue
		}
		for i, r := range s.Rules {
			if r.Index == rr.index {
				return i
			}
		}
	}
	return rr.index
}

// nearMisses are the rules of list l that open the traced protocol and
// port to some other peer: the rules a user most likely means to change,
// as the engine's answer names them (Block.Near).
func (d *Model) nearMisses(l edit.List) []int {
	if d.focus == nil {
		return nil
	}
	var out []int
	for _, r := range d.focus.Near {
		if edit.List(r.Kind) == l && (r.Resource == "" || r.Resource == d.id) {
			out = append(out, r.Index)
		}
	}
	return out
}

// judged is the traced flow asked again on the what-if copy.
type judged struct {
	seq int
	ans *reach.Answer
	err error
}

// rejudge asks the traced flow again after a what-if change, so that the
// banner says what the change did instead of what the snapshot did; with
// every change undone it is the trace's own banner again.
func (d *Model) rejudge() tea.Cmd {
	f := d.flow()
	if f == nil {
		return nil
	}
	d.judgeSeq++
	if !d.s.WhatIfActive() {
		d.banner = d.landed
		return nil
	}
	eng := d.s.WhatIfEng
	if eng == nil {
		d.banner = d.s.Th.WhatIf.Render("WHAT-IF: judging the traced flow again with your changes…")
		return nil // the engine is being built: a Refresh follows
	}
	seq, q := d.judgeSeq, f.Query
	return view.To(d, func() tea.Msg {
		a, err := eng.Reach(q)
		return judged{seq: seq, ans: a, err: err}
	})
}

// judged sets the banner from the what-if answer for this resource's hop.
func (d *Model) judged(m judged) {
	if m.seq != d.judgeSeq {
		return
	}
	th := d.s.Th
	tag := th.WhatIf.Render("WHAT-IF ")
	svc := serviceOf(d.flow())
	switch a := m.ans; {
	case m.err != nil:
		d.banner = tag + th.Bad.Render("✗ "+safe(m.err.Error()))
	case a.Reachable:
		d.banner = tag + th.OK.Render("✓ with your changes the traced flow is REACHABLE ("+svc+")") + "\n" +
			th.Dim.Render("  esc back shows the actual and the what-if verdicts side by side · W lists the changes")
	case a.Blocked != nil && a.Blocked.Resource == d.id:
		d.banner = tag + th.Bad.Render("✗ still blocked here: "+safe(a.Blocked.Reason))
	case a.Blocked != nil:
		where := safe(fmt.Sprintf("%s %s", a.Blocked.Layer, d.s.W.ShortID(a.Blocked.Resource)))
		d.banner = tag + th.OK.Render("✓ this hop now lets "+svc+" through") + "\n" +
			th.Warn.Render("✗ blocked next at "+where+": "+safe(a.Blocked.Reason)) + "\n" +
			th.Dim.Render("  esc back, then b opens that rule")
	default:
		d.banner = tag + th.Unknown.Render("? "+safe(a.Summary()))
	}
}
