package present

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
)

// Tone says how a renderer may colour a cell; a plain-text renderer
// ignores it (the text itself says allow/deny, active/blackhole).
type Tone int

// The tones.
const (
	ToneNone Tone = iota
	ToneOK
	ToneBad
)

// Cell is one column of a rule.
type Cell struct {
	Text string
	Tone Tone
}

// Column is a section's column header and its narrowest width.
type Column struct {
	Title string
	Min   int
	// Max caps the width a long value gets ("" Max is no cap); longer
	// values are cut with "…".
	Max int
}

// Rule is one row of a section: a rule, an entry, a route, a listener, a
// target.
type Rule struct {
	// Index is the rule's position in the section's List (the what-if
	// overlay's Rules), -1 for sections without one.
	Index int
	Cells []Cell
	// Note is the rule's description, shown after the cells.
	Note string
	// Ref is the resource the rule names (a peer group, a prefix list, a
	// route target, a target) when the snapshot holds it.
	Ref string
	// Added, Edited and Disabled are the what-if state (edit.Slot).
	Added, Edited, Disabled bool
}

// Section is a titled table of rules, in evaluation order.
type Section struct {
	Title string
	// List is the rule list a what-if edit changes; "" when the section
	// cannot be edited.
	List    edit.List
	Columns []Column
	Rules   []Rule
	// Empty says what no rules means.
	Empty string
}

// Widths returns the width of each column: the widest of its title, its
// minimum and its cells, capped at its Max. width measures a string in
// terminal cells (the renderer's own measure: it may have made the text
// safe first).
func (s Section) Widths(width func(string) int) []int {
	w := make([]int, len(s.Columns))
	for i, c := range s.Columns {
		w[i] = max(c.Min, width(c.Title))
	}
	for _, r := range s.Rules {
		for i, c := range r.Cells {
			if i < len(w) {
				cw := width(c.Text)
				if m := s.Columns[i].Max; m > 0 {
					cw = min(cw, m)
				}
				w[i] = max(w[i], cw)
			}
		}
	}
	return w
}

// sections are the rule tables of a resource.
func (p *Presenter) sections(r model.Resource) []Section {
	switch v := r.(type) {
	case *model.SecurityGroup:
		return []Section{p.sgRules("Inbound rules", v, edit.SGIngress), p.sgRules("Outbound rules", v, edit.SGEgress)}
	case *model.NetworkACL:
		return []Section{
			p.aclEntries("Inbound entries (evaluated in rule order, first match wins)", v, edit.NACLInbound),
			p.aclEntries("Outbound entries (evaluated in rule order, first match wins)", v, edit.NACLOutbound),
		}
	case *model.RouteTable:
		return []Section{p.routes(v)}
	case *model.TGWRouteTable:
		return []Section{p.tgwRoutes(v)}
	case *model.PrefixList:
		s := Section{Title: "Entries", Columns: []Column{{Title: "cidr", Min: 20}}, Empty: "(no entries)"}
		for _, e := range v.Entries {
			s.Rules = append(s.Rules, Rule{Index: -1, Cells: []Cell{{Text: e.CIDR.String()}}, Note: e.Description})
		}
		return []Section{s}
	case *model.LoadBalancer:
		s := Section{Title: "Listeners", Columns: []Column{{Title: "listener", Min: 10}, {Title: "action", Min: 8}, {Title: "target group"}},
			Empty: "(no listeners)"}
		for _, l := range v.Listeners {
			lst := fmt.Sprintf("%s/%d", l.Protocol, l.Port)
			if len(l.DefaultActions) == 0 {
				s.Rules = append(s.Rules, Rule{Index: -1, Cells: []Cell{{Text: lst}, {Text: "(none)"}, {}}})
			}
			for _, a := range l.DefaultActions {
				if len(a.TargetGroupARNs) == 0 {
					s.Rules = append(s.Rules, Rule{Index: -1, Cells: []Cell{{Text: lst}, {Text: a.Type}, {}}})
				}
				for _, tg := range a.TargetGroupARNs {
					s.Rules = append(s.Rules, Rule{Index: -1, Cells: []Cell{{Text: lst}, {Text: a.Type}, {Text: p.label(tg)}}, Ref: p.ref(tg)})
				}
			}
		}
		return []Section{s}
	case *model.TargetGroup:
		s := Section{Title: "Targets", Columns: []Column{{Title: "target", Min: 24}, {Title: "port", Min: 5}, {Title: "zone", Min: 10}, {Title: "health"}},
			Empty: "(no targets registered)"}
		if v.Targets == nil {
			s.Empty = "(target health was not collected)"
		}
		for _, t := range v.Targets {
			s.Rules = append(s.Rules, Rule{Index: -1, Ref: p.ref(t.ID),
				Cells: []Cell{{Text: p.label(t.ID)}, {Text: strconv.Itoa(int(t.Port))}, {Text: t.AvailabilityZone}, {Text: t.HealthState}}})
		}
		return []Section{s}
	}
	return p.hybridSections(r)
}

// ref returns id when the snapshot holds it, else "".
func (p *Presenter) ref(id string) string {
	if _, ok := p.ix.Resource(id); ok {
		return id
	}
	return ""
}

// label renders an ID with the resource's name beside it: "sg-0123 web".
func (p *Presenter) label(id string) string {
	if r, ok := p.ix.Resource(id); ok {
		if n := Name(r); n != id {
			return id + " " + n
		}
	}
	return id
}

// state copies a slot's what-if state into a rule.
func state(r *Rule, s edit.Slot) {
	r.Added, r.Edited, r.Disabled = s.Added, s.Edited, s.Disabled
}

func (p *Presenter) sgRules(title string, sg *model.SecurityGroup, l edit.List) Section {
	s := Section{Title: title, List: l, Empty: "(no rules: nothing is allowed)",
		Columns: []Column{{Title: "#", Min: 3}, {Title: "service", Min: 15}, {Title: "", Min: 4}, {Title: "peer", Min: 4, Max: 44}}}
	dir := "from"
	if l.Egress() {
		dir = "to"
	}
	for i, slot := range p.rules.Rules(sg.ID, l) {
		rule := slot.Rule.SG
		ref := ""
		if rule.Group != nil {
			ref = p.ref(rule.Group.GroupID)
		}
		if rule.PrefixListID != "" {
			ref = p.ref(rule.PrefixListID)
		}
		r := Rule{Index: i, Ref: ref, Note: rule.Description,
			Cells: []Cell{{Text: strconv.Itoa(i + 1)}, {Text: rule.Service()}, {Text: dir}, {Text: p.peer(sg, rule)}}}
		state(&r, slot)
		s.Rules = append(s.Rules, r)
	}
	return s
}

// peer renders a rule's peer with the group's or list's name beside it.
func (p *Presenter) peer(sg *model.SecurityGroup, r model.SGRule) string {
	peer := r.PeerFrom(sg.Account)
	var id string
	switch {
	case r.Group != nil:
		id = r.Group.GroupID
	case r.PrefixListID != "":
		id = r.PrefixListID
	default:
		return peer
	}
	res, ok := p.ix.Resource(id)
	switch {
	case !ok:
		return peer + " (not in snapshot)"
	case Name(res) != id:
		return peer + " " + Name(res)
	}
	return peer
}

func (p *Presenter) aclEntries(title string, acl *model.NetworkACL, l edit.List) Section {
	s := Section{Title: title, List: l, Empty: "(no entries)",
		Columns: []Column{{Title: "rule", Min: 6}, {Title: "action", Min: 9}, {Title: "service", Min: 16}, {Title: "cidr", Min: 22}}}
	for i, slot := range p.rules.Rules(acl.ID, l) {
		e := slot.Rule.Entry
		act := Cell{Text: "✓ allow", Tone: ToneOK}
		if e.Action == model.Deny {
			act = Cell{Text: "✗ deny", Tone: ToneBad}
		}
		svc := strings.TrimPrefix(e.String(), fmt.Sprintf("rule %s %s ", e.RuleLabel(), e.Action))
		svc = strings.TrimSuffix(svc, " "+e.CIDR.String())
		r := Rule{Index: i, Cells: []Cell{{Text: e.RuleLabel()}, act, {Text: svc}, {Text: e.CIDR.String()}}}
		state(&r, slot)
		s.Rules = append(s.Rules, r)
	}
	return s
}

// routes lists a route table's routes most specific first: the order a
// lookup tries them (longest prefix wins; prefix lists after CIDRs).
func (p *Presenter) routes(rt *model.RouteTable) Section {
	s := Section{Title: "Routes (longest prefix wins)", List: edit.Routes, Empty: "(no routes)",
		Columns: []Column{{Title: "destination", Min: 26}, {Title: "target", Min: 44}, {Title: "state", Min: 12}, {Title: "origin"}}}
	slots := p.rules.Rules(rt.ID, edit.Routes)
	order := make([]int, len(slots))
	for i := range order {
		order[i] = i
	}
	bits := func(i int) int {
		d := slots[i].Rule.Route.Destination
		if !d.IsValid() {
			return -1
		}
		return d.Bits()
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(bits(b), bits(a)) })
	for _, i := range order {
		route := slots[i].Rule.Route
		t := route.Target()
		tgt := p.label(t.ID)
		if t.Kind != model.TargetLocal && t.Kind != model.TargetNone {
			tgt = string(t.Kind) + " " + tgt
		}
		st := Cell{Text: "✓ active", Tone: ToneOK}
		switch {
		case route.IsBlackhole():
			st = Cell{Text: "✗ blackhole", Tone: ToneBad}
		case route.State != "" && route.State != "active":
			st = Cell{Text: route.State}
		}
		r := Rule{Index: i, Ref: p.ref(t.ID), Cells: []Cell{{Text: route.DestinationString()}, {Text: tgt}, st, {Text: route.Origin}}}
		state(&r, slots[i])
		s.Rules = append(s.Rules, r)
	}
	return s
}

func (p *Presenter) tgwRoutes(v *model.TGWRouteTable) Section {
	s := Section{Title: "Routes (longest prefix wins)", Empty: "(no routes)",
		Columns: []Column{{Title: "destination", Min: 20}, {Title: "attachment"}, {Title: "state", Min: 8}, {Title: "type"}}}
	for _, r := range v.Routes {
		dst := r.Destination.String()
		if r.PrefixListID != "" {
			dst = r.PrefixListID
		}
		var tgts []string
		for _, a := range r.Attachments {
			t := a.AttachmentID
			if a.ResourceID != "" {
				t += " (" + a.ResourceID + ")"
			}
			tgts = append(tgts, t)
		}
		st := Cell{Text: cmp.Or(r.State, "active"), Tone: ToneOK}
		if r.IsBlackhole() {
			st = Cell{Text: "✗ blackhole", Tone: ToneBad}
		}
		ref := ""
		if len(r.Attachments) > 0 {
			ref = p.ref(r.Attachments[0].AttachmentID)
		}
		s.Rules = append(s.Rules, Rule{Index: -1, Ref: ref,
			Cells: []Cell{{Text: dst}, {Text: strings.Join(tgts, ", ")}, st, {Text: r.Type}}})
	}
	return s
}
