package ui

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// What-if: rules toggled, edited or added in memory. The real snapshot is
// never changed: apply builds a copy that shares every untouched resource
// and deep-copies the edited ones, and a second engine answers about it.
// Nothing here talks to AWS.

// ruleList names a rule list inside a resource.
type ruleList string

const (
	listSGIngress   ruleList = "sg-ingress"
	listSGEgress    ruleList = "sg-egress"
	listNACLInbound ruleList = "nacl-inbound"
	listNACLOutbnd  ruleList = "nacl-outbound"
	listRoutes      ruleList = "route"
)

// whatIfOp is what an edit does.
type whatIfOp int

const (
	opToggle whatIfOp = iota
	opReplace
	opAdd
	opReset
)

// whatIfEdit is one change the user asked for. index is the position in
// the overlay list (see whatIf.rules).
type whatIfEdit struct {
	op       whatIfOp
	resource string
	list     ruleList
	index    int
	sg       model.SGRule
	acl      model.ACLEntry
}

// wiRule is one rule of an overlaid list: the rule, and what the what-if
// did to it.
type wiRule struct {
	sg       model.SGRule
	acl      model.ACLEntry
	route    model.Route
	disabled bool
	added    bool
	edited   bool
}

// whatIf holds the overlaid rule lists of the resources the user touched.
type whatIf struct {
	lists map[string]map[ruleList][]wiRule
	count int
}

func newWhatIf() *whatIf { return &whatIf{lists: map[string]map[ruleList][]wiRule{}} }

// active reports whether any change is in effect.
func (wi *whatIf) active() bool { return wi.count > 0 }

// rules returns the overlay of a resource's rule list, building it from the
// real resource on first use.
func (wi *whatIf) rules(r model.Resource, l ruleList) []wiRule {
	if m := wi.lists[r.Base().ID]; m != nil {
		if rs, ok := m[l]; ok {
			return rs
		}
	}
	return overlayOf(r, l)
}

// touched reports whether the resource has what-if changes.
func (wi *whatIf) touched(id string) bool { return wi.lists[id] != nil }

func overlayOf(r model.Resource, l ruleList) []wiRule {
	var out []wiRule
	switch v := r.(type) {
	case *model.SecurityGroup:
		for _, x := range v.Rules(l == listSGEgress) {
			out = append(out, wiRule{sg: x})
		}
	case *model.NetworkACL:
		for _, e := range sortedEntries(v, l == listNACLOutbnd) {
			out = append(out, wiRule{acl: e})
		}
	case *model.RouteTable:
		for _, rt := range v.Routes {
			out = append(out, wiRule{route: rt})
		}
	}
	return out
}

// sortedEntries returns one direction of a network ACL in evaluation order.
func sortedEntries(acl *model.NetworkACL, egress bool) []model.ACLEntry {
	var out []model.ACLEntry
	for _, e := range acl.Entries {
		if e.Egress == egress {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b model.ACLEntry) int { return int(a.RuleNumber) - int(b.RuleNumber) })
	return out
}

// do applies an edit to the overlay. It returns an error for an edit that
// does not fit (an index out of range).
func (wi *whatIf) do(w *world, e whatIfEdit) error {
	if e.op == opReset {
		wi.lists = map[string]map[ruleList][]wiRule{}
		wi.count = 0
		return nil
	}
	r := w.get(e.resource)
	if r == nil {
		return fmt.Errorf("what-if: %s is not in the snapshot", e.resource)
	}
	rs := slices.Clone(wi.rules(r, e.list))
	switch e.op {
	case opToggle:
		if e.index < 0 || e.index >= len(rs) {
			return fmt.Errorf("what-if: no rule at %d", e.index)
		}
		if rs[e.index].added {
			rs = slices.Delete(rs, e.index, e.index+1)
			wi.count--
		} else {
			rs[e.index].disabled = !rs[e.index].disabled
			if rs[e.index].disabled {
				wi.count++
			} else {
				wi.count--
			}
		}
	case opReplace:
		if e.index < 0 || e.index >= len(rs) {
			return fmt.Errorf("what-if: no rule at %d", e.index)
		}
		if !rs[e.index].edited && !rs[e.index].added {
			wi.count++
		}
		rs[e.index].sg, rs[e.index].acl, rs[e.index].edited = e.sg, e.acl, !rs[e.index].added
	case opAdd:
		rs = append(rs, wiRule{sg: e.sg, acl: e.acl, added: true})
		if strings.HasPrefix(string(e.list), "nacl") {
			slices.SortStableFunc(rs, func(a, b wiRule) int { return int(a.acl.RuleNumber) - int(b.acl.RuleNumber) })
		}
		wi.count++
	}
	if wi.lists[e.resource] == nil {
		wi.lists[e.resource] = map[ruleList][]wiRule{}
	}
	wi.lists[e.resource][e.list] = rs
	return nil
}

// apply returns a copy of s with the what-if changes in effect. Untouched
// resources are shared; touched ones are copied, so s never changes.
func (wi *whatIf) apply(s *model.Snapshot) *model.Snapshot {
	c := *s
	c.SecurityGroups = slices.Clone(s.SecurityGroups)
	c.NetworkACLs = slices.Clone(s.NetworkACLs)
	c.RouteTables = slices.Clone(s.RouteTables)
	enabled := func(rs []wiRule) []wiRule {
		var out []wiRule
		for _, r := range rs {
			if !r.disabled {
				out = append(out, r)
			}
		}
		return out
	}
	for i, sg := range c.SecurityGroups {
		m := wi.lists[sg.ID]
		if m == nil {
			continue
		}
		cp := *sg
		for _, l := range []ruleList{listSGIngress, listSGEgress} {
			rs, ok := m[l]
			if !ok {
				continue
			}
			out := []model.SGRule{}
			for _, r := range enabled(rs) {
				out = append(out, r.sg)
			}
			if l == listSGIngress {
				cp.Ingress = out
			} else {
				cp.Egress = out
			}
		}
		c.SecurityGroups[i] = &cp
	}
	for i, acl := range c.NetworkACLs {
		m := wi.lists[acl.ID]
		if m == nil {
			continue
		}
		cp := *acl
		cp.Entries = nil
		for _, l := range []ruleList{listNACLInbound, listNACLOutbnd} {
			rs, ok := m[l]
			if !ok {
				rs = overlayOf(acl, l)
			}
			for _, r := range enabled(rs) {
				e := r.acl
				e.Egress = l == listNACLOutbnd
				cp.Entries = append(cp.Entries, e)
			}
		}
		c.NetworkACLs[i] = &cp
	}
	for i, rt := range c.RouteTables {
		rs, ok := wi.lists[rt.ID][listRoutes]
		if !ok {
			continue
		}
		cp := *rt
		cp.Routes = nil
		for _, r := range enabled(rs) {
			cp.Routes = append(cp.Routes, r.route)
		}
		c.RouteTables[i] = &cp
	}
	return &c
}

// overlayIndex maps a rule index the what-if engine reported (in the list
// without disabled rules) back to the overlay position.
func (wi *whatIf) overlayIndex(id string, l ruleList, applied int) int {
	rs, ok := wi.lists[id][l]
	if !ok || applied < 0 {
		return applied
	}
	n := -1
	for i, r := range rs {
		if !r.disabled {
			n++
			if n == applied {
				return i
			}
		}
	}
	return applied
}

// formatSGRule renders a rule in the syntax parseSGRule reads:
// "tcp 3306 sg-0123 # description".
func formatSGRule(r model.SGRule) string {
	var parts []string
	parts = append(parts, r.Protocol.String())
	if r.Protocol.HasPorts() {
		parts = append(parts, r.Ports().String())
	}
	parts = append(parts, r.Peer())
	s := strings.Join(parts, " ")
	if r.Description != "" {
		s += " # " + r.Description
	}
	return s
}

// parseSGRule reads "PROTOCOL [PORTS] PEER [# description]" where PEER is
// a CIDR, a security group (ID or Name tag) or a prefix list ID.
func parseSGRule(w *world, s string) (model.SGRule, error) {
	var r model.SGRule
	s, desc, _ := strings.Cut(s, "#")
	r.Description = strings.TrimSpace(desc)
	f := strings.Fields(s)
	if len(f) < 2 {
		return r, fmt.Errorf("want PROTOCOL [PORTS] PEER, e.g. tcp 3306 sg-0123 or tcp 443 10.0.0.0/16")
	}
	p, err := model.ParseProtocol(f[0])
	if err != nil {
		return r, err
	}
	r.Protocol, r.FromPort, r.ToPort = p, -1, -1
	f = f[1:]
	if p.HasPorts() {
		if len(f) < 2 {
			return r, fmt.Errorf("%s needs ports and a peer, e.g. %s 3306 10.0.0.0/16", p, p)
		}
		pr, err := model.ParsePortRange(f[0])
		if err != nil {
			return r, err
		}
		r.FromPort, r.ToPort = int32(pr.From), int32(pr.To)
		f = f[1:]
	}
	peer := strings.TrimPrefix(f[0], "from=")
	if peer == "from" || peer == "to" {
		if len(f) < 2 {
			return r, fmt.Errorf("missing peer after %q", peer)
		}
		peer = f[1]
	}
	switch {
	case strings.HasPrefix(peer, "pl-"):
		r.PrefixListID = peer
	case strings.Contains(peer, "/"):
		pf, err := netip.ParsePrefix(peer)
		if err != nil {
			return r, fmt.Errorf("peer %q: %v", peer, err)
		}
		r.CIDR = pf.Masked()
	case isAddr(peer):
		a, _ := netip.ParseAddr(peer)
		r.CIDR = netip.PrefixFrom(a, a.BitLen())
	default:
		var sg *model.SecurityGroup
		for _, x := range w.ix.Find(peer) {
			if g, ok := x.(*model.SecurityGroup); ok {
				sg = g
				break
			}
		}
		if sg == nil {
			return r, fmt.Errorf("peer %q: not a CIDR, an address, a prefix list or a security group", peer)
		}
		r.Group = &model.GroupRef{GroupID: sg.ID, UserID: sg.Account, VPCID: sg.VPCID}
	}
	return r, nil
}

// formatACLEntry renders an entry as parseACLEntry reads it:
// "100 allow tcp 443 0.0.0.0/0".
func formatACLEntry(e model.ACLEntry) string {
	parts := []string{strconv.Itoa(int(e.RuleNumber)), string(e.Action), e.Protocol.String()}
	if e.Protocol.HasPorts() {
		parts = append(parts, e.Ports().String())
	}
	return strings.Join(append(parts, e.CIDR.String()), " ")
}

// parseACLEntry reads "NUMBER allow|deny PROTOCOL [PORTS] CIDR".
func parseACLEntry(s string, egress bool) (model.ACLEntry, error) {
	e := model.ACLEntry{Egress: egress}
	f := strings.Fields(s)
	if len(f) < 4 {
		return e, fmt.Errorf("want NUMBER allow|deny PROTOCOL [PORTS] CIDR, e.g. 90 allow tcp 3306 10.0.0.0/16")
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n < 1 || n > model.DefaultRuleNumber-1 {
		return e, fmt.Errorf("rule number %q: want 1-32766", f[0])
	}
	e.RuleNumber = int32(n)
	switch strings.ToLower(f[1]) {
	case "allow":
		e.Action = model.Allow
	case "deny":
		e.Action = model.Deny
	default:
		return e, fmt.Errorf("action %q: want allow or deny", f[1])
	}
	if e.Protocol, err = model.ParseProtocol(f[2]); err != nil {
		return e, err
	}
	f = f[3:]
	if e.Protocol.HasPorts() {
		if len(f) < 2 {
			return e, fmt.Errorf("%s needs ports and a CIDR", e.Protocol)
		}
		pr, err := model.ParsePortRange(f[0])
		if err != nil {
			return e, err
		}
		e.PortRange = &pr
		f = f[1:]
	}
	pf, err := netip.ParsePrefix(f[0])
	if err != nil {
		return e, fmt.Errorf("CIDR %q: %v", f[0], err)
	}
	e.CIDR = pf.Masked()
	return e, nil
}
