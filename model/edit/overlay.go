package edit

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// Overlay is a snapshot with a list of edits applied on top. The snapshot
// itself never changes: Snapshot returns a copy that shares every
// untouched resource and holds deep copies of the edited ones.
//
// An Overlay is not safe for concurrent use; the snapshots it returns are
// read-only values that are.
type Overlay struct {
	base  *model.Snapshot
	res   map[string]model.Resource // the editable resources of base, by ID
	steps []Step
	lists map[listKey][]Slot
	snap  *model.Snapshot // Snapshot's cached result; nil when stale
}

type listKey struct {
	id   string
	list List
}

// Slot is one rule of an overlaid list: the rule in effect (or that would
// be, were it not disabled) and what the edits did to it.
type Slot struct {
	Rule Rule
	// Added says an edit added the rule; Edited that an edit replaced a
	// rule of the snapshot; Disabled that it is out of the list the
	// engine sees.
	Added, Edited, Disabled bool
	// AddedBy and DisabledBy are the steps that added and disabled the
	// rule, -1 when none did.
	AddedBy, DisabledBy int
}

// Step is an applied edit with the rule before and after it.
type Step struct {
	Edit Edit
	// Before is the rule the edit changed (nil for Add); After the rule it
	// put in place (nil for Disable).
	Before, After *Rule
	// Account and Region are the edited resource's.
	Account, Region string
}

// String renders the step's edit in the text syntax.
func (s Step) String() string { return s.Edit.String() }

// BeforeText renders the rule before the edit, "" when there was none.
func (s Step) BeforeText() string { return s.ruleText(s.Before) }

// AfterText renders the rule after the edit, "" when there is none.
func (s Step) AfterText() string { return s.ruleText(s.After) }

func (s Step) ruleText(r *Rule) string {
	if r == nil {
		return ""
	}
	return FormatRule(s.Edit.List, *r, s.Account)
}

// NewOverlay starts an overlay with no edits on base.
func NewOverlay(base *model.Snapshot) *Overlay {
	o := &Overlay{base: base, res: map[string]model.Resource{}, lists: map[listKey][]Slot{}}
	for _, sg := range base.SecurityGroups {
		o.addResource(sg)
	}
	for _, acl := range base.NetworkACLs {
		o.addResource(acl)
	}
	for _, rt := range base.RouteTables {
		o.addResource(rt)
	}
	for _, g := range firewallGroups(base) {
		o.addResource(g)
	}
	return o
}

func (o *Overlay) addResource(r model.Resource) {
	if _, dup := o.res[r.Base().ID]; !dup {
		o.res[r.Base().ID] = r
	}
}

// Base returns the snapshot the overlay started from.
func (o *Overlay) Base() *model.Snapshot { return o.base }

// Len returns the number of steps in effect.
func (o *Overlay) Len() int { return len(o.steps) }

// Steps returns the applied edits in order, each with its rule before and
// after.
func (o *Overlay) Steps() []Step { return slices.Clone(o.steps) }

// Edits returns the applied edits as text, in order: what --assume takes.
func (o *Overlay) Edits() []string {
	out := make([]string, len(o.steps))
	for i, s := range o.steps {
		out[i] = s.String()
	}
	return out
}

// Touched reports whether an edit changed a rule list of the resource.
func (o *Overlay) Touched(id string) bool {
	for _, s := range o.steps {
		if s.Edit.Resource == id {
			return true
		}
	}
	return false
}

// Rules returns a resource's rule list as the overlay holds it: a group's
// rules in order then the added ones, a network ACL's entries of one
// direction by rule number, a route table's routes; disabled rules stay,
// marked. It is nil for a resource or list the overlay cannot edit.
func (o *Overlay) Rules(id string, l List) []Slot {
	return slices.Clone(o.slots(id, l))
}

// slots returns the overlay's list, or builds it from the snapshot.
func (o *Overlay) slots(id string, l List) []Slot {
	if s, ok := o.lists[listKey{id, l}]; ok {
		return s
	}
	var out []Slot
	slot := func(r Rule) Slot { return Slot{Rule: r, AddedBy: -1, DisabledBy: -1} }
	switch v := o.res[id].(type) {
	case *model.SecurityGroup:
		if l.IsSecurityGroup() {
			for _, r := range v.Rules(l.Egress()) {
				out = append(out, slot(Rule{SG: r}))
			}
		}
	case *model.NetworkACL:
		if l.IsNetworkACL() {
			for _, e := range v.Entries {
				if e.Egress == l.Egress() {
					out = append(out, slot(Rule{Entry: e}))
				}
			}
			sortEntries(out)
		}
	case *model.RouteTable:
		if l == Routes {
			for _, r := range v.Routes {
				out = append(out, slot(Rule{Route: r}))
			}
		}
	case *model.FirewallRuleGroup:
		out = firewallSlots(v, l)
	}
	return out
}

func sortEntries(s []Slot) {
	slices.SortStableFunc(s, func(a, b Slot) int { return int(a.Rule.Entry.RuleNumber) - int(b.Rule.Entry.RuleNumber) })
}

// Position maps the index of a rule in the list the engine saw (disabled
// rules left out) to its position in Rules. It returns applied unchanged
// for a list no edit touched or an index it cannot map.
func (o *Overlay) Position(id string, l List, applied int) int {
	s, ok := o.lists[listKey{id, l}]
	if !ok || applied < 0 {
		return applied
	}
	n := -1
	for i, x := range s {
		if !x.Disabled {
			n++
			if n == applied {
				return i
			}
		}
	}
	return applied
}

// Apply checks an edit against the rules as they stand and applies it. It
// refuses, with a one-line reason, an edit AWS would refuse or that names
// no rule.
func (o *Overlay) Apply(e Edit) (Step, error) { return o.apply(e) }

func (o *Overlay) apply(e Edit) (Step, error) {
	res, ok := o.res[e.Resource]
	if !ok {
		return Step{}, fmt.Errorf("no security group, network ACL, route table or firewall rule group %s in the snapshot", e.Resource)
	}
	if err := listFits(res, e.List); err != nil {
		return Step{}, err
	}
	slots := slices.Clone(o.slots(e.Resource, e.List))
	step := Step{Edit: e, Account: res.Base().Account, Region: res.Base().Region}
	n := len(o.steps)
	switch e.Op {
	case Add:
		if err := o.checkNew(res, e.List, slots, -1, e.Rule); err != nil {
			return Step{}, err
		}
		r := e.Rule
		step.After = &r
		slots = append(slots, Slot{Rule: r, Added: true, AddedBy: n, DisabledBy: -1})
	case Replace, Disable:
		i, err := o.target(res, e, slots)
		if err != nil {
			return Step{}, err
		}
		before := slots[i].Rule
		step.Before = &before
		if e.Op == Disable {
			slots[i].Disabled, slots[i].DisabledBy = true, n
			break
		}
		r := e.Rule
		if e.List == Routes && r.Route.DestinationString() != e.Destination {
			return Step{}, fmt.Errorf("a replaced route keeps its destination %s (got %s)", e.Destination, r.Route.DestinationString())
		}
		if err := o.checkNew(res, e.List, slots, i, r); err != nil {
			return Step{}, err
		}
		if e.List == Routes {
			if err := o.checkLocal(e, before.Route, r.Route); err != nil {
				return Step{}, err
			}
		}
		step.After = &r
		slots[i].Rule, slots[i].Edited = r, !slots[i].Added
	default:
		return Step{}, fmt.Errorf("unknown operation %q", e.Op)
	}
	if e.List.IsNetworkACL() {
		sortEntries(slots)
	}
	o.lists[listKey{e.Resource, e.List}] = slots
	o.steps = append(o.steps, step)
	o.snap = nil
	return step, nil
}

// listFits checks that the list belongs to the kind of resource.
func listFits(res model.Resource, l List) error {
	switch g := res.(type) {
	case *model.FirewallRuleGroup:
		return firewallListFits(g, l)
	case *model.SecurityGroup:
		if l.IsSecurityGroup() {
			return nil
		}
		return fmt.Errorf("%s is a security group: edit its ingress or egress rules", res.Base().ID)
	case *model.NetworkACL:
		if l.IsNetworkACL() {
			return nil
		}
		return fmt.Errorf("%s is a network ACL: edit its inbound or outbound entries", res.Base().ID)
	}
	if l == Routes {
		return nil
	}
	return fmt.Errorf("%s is a route table: edit its routes", res.Base().ID)
}

// target finds the slot a Replace or Disable acts on.
func (o *Overlay) target(res model.Resource, e Edit, slots []Slot) (int, error) {
	id := res.Base().ID
	if g, ok := res.(*model.FirewallRuleGroup); ok {
		return firewallTarget(g, e, slots)
	}
	switch {
	case e.List.IsSecurityGroup():
		if e.Index < 0 || e.Index >= len(slots) {
			return 0, fmt.Errorf("%s has no %s rule %d (it has %d)", id, e.List.word(), e.Index+1, len(slots))
		}
		if slots[e.Index].Disabled {
			return 0, fmt.Errorf("%s rule %d of %s is disabled", e.List.word(), e.Index+1, id)
		}
		return e.Index, nil
	case e.List.IsNetworkACL():
		if e.RuleNumber >= model.DefaultRuleNumber {
			// VPC user guide, "Network ACL rules": the default rule ("*")
			// cannot be modified or removed.
			return 0, fmt.Errorf("the default rule * of %s cannot be changed: it denies what no numbered entry matches", id)
		}
		disabled := false
		for i, s := range slots {
			if s.Rule.Entry.RuleNumber == e.RuleNumber {
				if !s.Disabled {
					return i, nil
				}
				disabled = true
			}
		}
		if disabled {
			return 0, fmt.Errorf("%s entry %d of %s is disabled", e.List.word(), e.RuleNumber, id)
		}
		return 0, fmt.Errorf("%s has no %s entry %d", id, e.List.word(), e.RuleNumber)
	}
	for i, s := range slots {
		if s.Disabled || s.Rule.Route.DestinationString() != e.Destination {
			continue
		}
		if e.Op == Disable && s.Rule.Route.GatewayID == "local" {
			// VPC user guide, "Route tables": the local route cannot be
			// deleted (its target can be replaced).
			return 0, fmt.Errorf("the local route %s of %s cannot be removed (its target can be replaced)", e.Destination, id)
		}
		return i, nil
	}
	return 0, fmt.Errorf("%s has no route to %s", id, e.Destination)
}

// checkLocal checks a route replacement against the rules for local
// routes (VPC user guide, "Replace or restore the target for a local
// route"): a local route's target can become a network interface, an
// instance or a (Gateway Load Balancer) endpoint and be restored to local;
// no other route can become local.
func (o *Overlay) checkLocal(e Edit, before, after model.Route) error {
	local := before.GatewayID == "local" || o.wasLocal(e.Resource, e.Destination)
	switch t := after.Target().Kind; {
	case t == model.TargetLocal && !local:
		return fmt.Errorf("only a local route can be restored to target local")
	case local && t != model.TargetLocal && t != model.TargetNetworkInterface && t != model.TargetInstance && t != model.TargetVPCEndpoint:
		return fmt.Errorf("the local route's target can only become a network interface, an instance or a Gateway Load Balancer endpoint (got %s)", t)
	}
	return nil
}

// wasLocal reports whether the snapshot's route table routes dst locally.
func (o *Overlay) wasLocal(id, dst string) bool {
	rt, _ := o.res[id].(*model.RouteTable)
	if rt == nil {
		return false
	}
	for _, r := range rt.Routes {
		if r.DestinationString() == dst && r.GatewayID == "local" {
			return true
		}
	}
	return false
}

// checkNew checks a rule about to take slot self (-1 for a new one)
// against the rule's own shape and the other rules of the list.
func (o *Overlay) checkNew(res model.Resource, l List, slots []Slot, self int, r Rule) error {
	if g, ok := res.(*model.FirewallRuleGroup); ok {
		return checkFirewallRule(g, l, slots, self, r)
	}
	if err := checkRule(l, r); err != nil {
		return err
	}
	id := res.Base().ID
	for i, s := range slots {
		if i == self || s.Disabled {
			continue
		}
		switch {
		case l.IsSecurityGroup() && sameSGRule(s.Rule.SG, r.SG):
			// EC2 API: AuthorizeSecurityGroupIngress refuses a rule that
			// exists (InvalidPermission.Duplicate).
			return fmt.Errorf("%s already has this %s rule (rule %d)", id, l.word(), i+1)
		case l.IsNetworkACL() && s.Rule.Entry.RuleNumber == r.Entry.RuleNumber:
			// EC2 API, CreateNetworkAclEntry: rule numbers are unique per
			// direction (NetworkAclEntryAlreadyExists).
			return fmt.Errorf("%s already has %s entry %d: replace it, or pick a free number", id, l.word(), r.Entry.RuleNumber)
		case l == Routes && s.Rule.Route.DestinationString() == r.Route.DestinationString():
			// EC2 API, CreateRoute: one route per destination
			// (RouteAlreadyExists); ReplaceRoute changes its target.
			return fmt.Errorf("%s already has a route to %s: replace it (replace %s %s via …)", id,
				r.Route.DestinationString(), id, r.Route.DestinationString())
		}
	}
	return nil
}

// checkRule checks a rule's own shape: its values with the model's
// validation (model.Validate, which every loaded snapshot passes: port
// ranges, ICMP types and codes, protocols, canonical CIDR blocks, entry
// numbers and actions), and what makes it an edit AWS takes — one peer for
// a group rule, a numbered entry of the list's direction, a route with a
// destination and a target.
func checkRule(l List, r Rule) error {
	var s model.Snapshot
	meta := model.Meta{ID: "edit"}
	switch {
	case l.IsSecurityGroup():
		g := r.SG
		peers := 0
		for _, set := range []bool{g.CIDR.IsValid(), g.PrefixListID != "", g.Group != nil} {
			if set {
				peers++
			}
		}
		if peers != 1 {
			return fmt.Errorf("a security group rule names exactly one peer (a CIDR, a prefix list or a group); this one names %d", peers)
		}
		if g.Group != nil && g.Group.GroupID == "" {
			return fmt.Errorf("the rule's peer group has no ID")
		}
		s.SecurityGroups = []*model.SecurityGroup{{Meta: meta, Ingress: []model.SGRule{g}}}
	case l.IsNetworkACL():
		e := r.Entry
		if e.RuleNumber >= model.DefaultRuleNumber {
			return fmt.Errorf("rule number %d is the default rule's: entries are numbered 1-32766", e.RuleNumber)
		}
		if e.Egress != l.Egress() {
			return fmt.Errorf("an %s entry cannot go in the %s list", map[bool]string{true: "outbound", false: "inbound"}[e.Egress], l.word())
		}
		s.NetworkACLs = []*model.NetworkACL{{Meta: meta, Entries: []model.ACLEntry{e}}}
	case l == Routes:
		rt := r.Route
		if !rt.Destination.IsValid() && rt.DestinationPrefixListID == "" {
			return fmt.Errorf("the route has no destination")
		}
		if t := rt.Target(); t.Kind == model.TargetNone {
			return fmt.Errorf("the route to %s has no target", rt.DestinationString())
		}
		s.RouteTables = []*model.RouteTable{{Meta: meta, Routes: []model.Route{rt}}}
	}
	for _, p := range model.Validate(&s) {
		if p.Severity == model.SeverityError {
			return fmt.Errorf("%s", p.Message)
		}
	}
	return nil
}

// sameSGRule reports whether two rules open the same traffic to the same
// peer (descriptions aside), as AWS compares them for duplicates.
func sameSGRule(a, b model.SGRule) bool {
	if a.Protocol != b.Protocol || a.CIDR != b.CIDR || a.PrefixListID != b.PrefixListID || (a.Group == nil) != (b.Group == nil) {
		return false
	}
	if a.Group != nil && a.Group.GroupID != b.Group.GroupID {
		return false
	}
	if a.Protocol.IsICMP() {
		return a.ICMP() == b.ICMP()
	}
	return a.Protocol == model.ProtocolAll || a.Ports() == b.Ports()
}

// Undo takes step i out and applies the later steps again. It refuses,
// leaving the overlay as it was, when a later step would then no longer
// fit or would change a different rule (it replaced a rule the undone
// step added, say).
func (o *Overlay) Undo(i int) error {
	if i < 0 || i >= len(o.steps) {
		return fmt.Errorf("no step %d to undo (there are %d)", i+1, len(o.steps))
	}
	steps := slices.Delete(slices.Clone(o.steps), i, i+1)
	next := &Overlay{base: o.base, res: o.res, lists: map[listKey][]Slot{}}
	for j, s := range steps {
		got, err := next.apply(s.Edit)
		if err == nil && !reflect.DeepEqual(got.Before, s.Before) {
			err = fmt.Errorf("it would then change another rule")
		}
		if err != nil {
			return fmt.Errorf("cannot undo %q: the later change %q no longer fits: %v", o.steps[i], steps[j], err)
		}
	}
	*o = *next
	return nil
}

// Reset takes every step out: the overlay is the snapshot again.
func (o *Overlay) Reset() {
	o.steps, o.lists, o.snap = nil, map[listKey][]Slot{}, nil
}

// Toggle disables the rule at position i of Rules(id, l), or puts it back
// when it is disabled (by undoing the step that disabled it). A rule an
// edit added is taken out by undoing that edit when nothing later depends
// on it, else disabled.
func (o *Overlay) Toggle(id string, l List, i int) error {
	slots := o.slots(id, l)
	if i < 0 || i >= len(slots) {
		return fmt.Errorf("%s has no %s rule at position %d", id, l, i+1)
	}
	s := slots[i]
	switch {
	case s.Disabled:
		return o.Undo(s.DisabledBy)
	case s.Added && o.Undo(s.AddedBy) == nil:
		return nil
	}
	e := Edit{Op: Disable, Resource: id, List: l}
	switch {
	case l.IsSecurityGroup(), l == FirewallStateful:
		e.Index = i
	case l.IsNetworkACL():
		e.RuleNumber = s.Rule.Entry.RuleNumber
	case l == FirewallStateless:
		e.RuleNumber = s.Rule.Stateless.Priority
	default:
		e.Destination = s.Rule.Route.DestinationString()
	}
	_, err := o.Apply(e)
	return err
}

// Snapshot returns the snapshot with the edits in effect: a copy of the
// base that shares every resource no edit touched and holds deep copies of
// the touched ones, without their disabled rules. With no edits it is the
// base itself. The result is cached until the next change.
func (o *Overlay) Snapshot() *model.Snapshot {
	if len(o.steps) == 0 {
		return o.base
	}
	if o.snap != nil {
		return o.snap
	}
	c := *o.base
	touched := map[string]bool{}
	for k := range o.lists {
		touched[k.id] = true
	}
	if anyIn(c.SecurityGroups, touched) {
		c.SecurityGroups = slices.Clone(c.SecurityGroups)
		for i, sg := range c.SecurityGroups {
			if touched[sg.ID] {
				c.SecurityGroups[i] = o.sg(sg)
			}
		}
	}
	if anyIn(c.NetworkACLs, touched) {
		c.NetworkACLs = slices.Clone(c.NetworkACLs)
		for i, acl := range c.NetworkACLs {
			if touched[acl.ID] {
				c.NetworkACLs[i] = o.acl(acl)
			}
		}
	}
	if anyIn(c.RouteTables, touched) {
		c.RouteTables = slices.Clone(c.RouteTables)
		for i, rt := range c.RouteTables {
			if touched[rt.ID] {
				c.RouteTables[i] = o.routeTable(rt)
			}
		}
	}
	if anyIn(c.FirewallRuleGroups, touched) {
		c.FirewallRuleGroups = slices.Clone(c.FirewallRuleGroups)
		for i, g := range c.FirewallRuleGroups {
			if touched[g.ID] {
				c.FirewallRuleGroups[i] = o.ruleGroup(g)
			}
		}
	}
	o.snap = &c
	return o.snap
}

func anyIn[T model.Resource](rs []T, ids map[string]bool) bool {
	for _, r := range rs {
		if ids[r.Base().ID] {
			return true
		}
	}
	return false
}

// enabled returns the rules of a list that are in effect.
func (o *Overlay) enabled(id string, l List) []Rule {
	var out []Rule
	for _, s := range o.slots(id, l) {
		if !s.Disabled {
			out = append(out, s.Rule)
		}
	}
	return out
}

func (o *Overlay) sg(sg *model.SecurityGroup) *model.SecurityGroup {
	cp := *sg
	cp.Meta = copyMeta(sg.Meta)
	cp.Ingress, cp.Egress = []model.SGRule{}, []model.SGRule{}
	for _, r := range o.enabled(sg.ID, SGIngress) {
		cp.Ingress = append(cp.Ingress, copySGRule(r.SG))
	}
	for _, r := range o.enabled(sg.ID, SGEgress) {
		cp.Egress = append(cp.Egress, copySGRule(r.SG))
	}
	return &cp
}

func (o *Overlay) acl(acl *model.NetworkACL) *model.NetworkACL {
	cp := *acl
	cp.Meta = copyMeta(acl.Meta)
	cp.Associations = slices.Clone(acl.Associations)
	cp.Entries = []model.ACLEntry{}
	for _, l := range []List{NACLInbound, NACLOutbound} {
		for _, r := range o.enabled(acl.ID, l) {
			cp.Entries = append(cp.Entries, copyEntry(r.Entry))
		}
	}
	return &cp
}

func (o *Overlay) routeTable(rt *model.RouteTable) *model.RouteTable {
	cp := *rt
	cp.Meta = copyMeta(rt.Meta)
	cp.Associations = slices.Clone(rt.Associations)
	cp.Routes = []model.Route{}
	for _, r := range o.enabled(rt.ID, Routes) {
		cp.Routes = append(cp.Routes, r.Route)
	}
	return &cp
}

func copyMeta(m model.Meta) model.Meta {
	m.Tags = maps.Clone(m.Tags)
	return m
}

func copySGRule(r model.SGRule) model.SGRule {
	if r.Group != nil {
		g := *r.Group
		r.Group = &g
	}
	return r
}

func copyEntry(e model.ACLEntry) model.ACLEntry {
	if e.PortRange != nil {
		p := *e.PortRange
		e.PortRange = &p
	}
	if e.ICMP != nil {
		t := *e.ICMP
		e.ICMP = &t
	}
	return e
}

// Assume applies edits written in the text syntax to snap, in order, and
// returns the snapshot with them in effect and the overlay that holds
// them; ix indexes snap (nil builds one). The first edit that does not
// parse or does not fit is the error.
func Assume(snap *model.Snapshot, ix *model.Index, edits []string) (*model.Snapshot, *Overlay, error) {
	if ix == nil {
		ix = model.NewIndex(snap)
	}
	o := NewOverlay(snap)
	for _, line := range edits {
		e, err := Parse(ix, line)
		if err != nil {
			return nil, nil, err
		}
		if _, err := o.Apply(e); err != nil {
			return nil, nil, fmt.Errorf("%q: %w", strings.TrimSpace(line), err)
		}
	}
	return o.Snapshot(), o, nil
}
