// Package change compares two snapshots of a network resource by
// resource, matched by ID: what was added, removed and changed, and for
// security groups, network ACLs and route tables the rules added and
// removed. It is the first half of vpcscope diff; reach/impact says what
// the changes did to reachability.
package change

import (
	"bytes"
	"cmp"
	"encoding/json"
	"reflect"
	"slices"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
)

// Ref names a resource.
type Ref struct {
	Kind model.Kind `json:"kind"`
	ID   string     `json:"id"`
	Name string     `json:"name,omitempty"`
}

// Change is a resource present in both snapshots that differs.
type Change struct {
	Ref
	// Fields are the top-level fields that differ (JSON names).
	Fields []string `json:"fields"`
	// Added and Removed are the rules (security group rules, network ACL
	// entries, routes) in one snapshot and not the other, as text.
	Added   []string `json:"added,omitempty"`
	Removed []string `json:"removed,omitempty"`
	// Egress and Ingress report which security group rule lists changed.
	Ingress, Egress bool `json:"-"`
}

// Resources is what changed between two snapshots.
type Resources struct {
	Added   []Ref    `json:"added"`
	Removed []Ref    `json:"removed"`
	Changed []Change `json:"changed"`
}

// Empty reports whether nothing changed.
func (r Resources) Empty() bool { return len(r.Added)+len(r.Removed)+len(r.Changed) == 0 }

type key struct {
	kind model.Kind
	id   string
}

// Diff compares two snapshots resource by resource. Resources are
// matched by kind and ID (in several accounts or Regions, the first of
// an ID).
func Diff(old, new *model.Snapshot) Resources {
	out := Resources{Added: []Ref{}, Removed: []Ref{}, Changed: []Change{}}
	olds := map[key]model.Resource{}
	for r := range old.All() {
		k := key{r.Kind(), r.Base().ID}
		if _, ok := olds[k]; !ok {
			olds[k] = r
		}
	}
	seen := map[key]bool{}
	for r := range new.All() {
		k := key{r.Kind(), r.Base().ID}
		if seen[k] {
			continue
		}
		seen[k] = true
		o, ok := olds[k]
		if !ok {
			out.Added = append(out.Added, refOf(r))
			continue
		}
		if c, changed := compare(o, r); changed {
			out.Changed = append(out.Changed, c)
		}
	}
	for k, r := range olds {
		if !seen[k] {
			out.Removed = append(out.Removed, refOf(r))
		}
	}
	byRef := func(a, b Ref) int { return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID)) }
	slices.SortFunc(out.Added, byRef)
	slices.SortFunc(out.Removed, byRef)
	slices.SortFunc(out.Changed, func(a, b Change) int { return byRef(a.Ref, b.Ref) })
	return out
}

func refOf(r model.Resource) Ref {
	return Ref{Kind: r.Kind(), ID: r.Base().ID, Name: r.Base().Name()}
}

// compare returns how two versions of a resource differ.
func compare(o, n model.Resource) (Change, bool) {
	c := Change{Ref: refOf(n), Fields: []string{}}
	if o == n {
		return c, false
	}
	// Resources whose JSON is the same byte for byte have the same fields
	// (json.Marshal writes struct fields and map keys in a fixed order);
	// only those that differ are decoded and compared field by field.
	ob, oerr := json.Marshal(o)
	nb, nerr := json.Marshal(n)
	if oerr == nil && nerr == nil && bytes.Equal(ob, nb) {
		return c, false
	}
	ov, nv := fields(o), fields(n)
	for f, v := range nv {
		if !reflect.DeepEqual(v, ov[f]) {
			c.Fields = append(c.Fields, f)
		}
	}
	for f := range ov {
		if _, ok := nv[f]; !ok {
			c.Fields = append(c.Fields, f)
		}
	}
	if len(c.Fields) == 0 {
		return c, false
	}
	slices.Sort(c.Fields)
	switch x := n.(type) {
	case *model.SecurityGroup:
		y := o.(*model.SecurityGroup)
		a, r := ruleDiff(y.Ingress, x.Ingress, func(s model.SGRule) string {
			return "ingress " + edit.FormatRule(edit.SGIngress, edit.Rule{SG: s}, x.Account)
		})
		c.Ingress = len(a)+len(r) > 0
		c.Added, c.Removed = a, r
		a, r = ruleDiff(y.Egress, x.Egress, func(s model.SGRule) string {
			return "egress " + edit.FormatRule(edit.SGEgress, edit.Rule{SG: s}, x.Account)
		})
		c.Egress = len(a)+len(r) > 0
		c.Added, c.Removed = append(c.Added, a...), append(c.Removed, r...)
	case *model.NetworkACL:
		y := o.(*model.NetworkACL)
		c.Added, c.Removed = ruleDiff(y.Entries, x.Entries, func(e model.ACLEntry) string {
			dir := "inbound "
			if e.Egress {
				dir = "outbound "
			}
			return dir + edit.FormatRule(edit.NACLInbound, edit.Rule{Entry: e}, "")
		})
	case *model.RouteTable:
		y := o.(*model.RouteTable)
		c.Added, c.Removed = ruleDiff(y.Routes, x.Routes, func(r model.Route) string {
			return edit.FormatRule(edit.Routes, edit.Rule{Route: r}, "")
		})
	}
	return c, true
}

// ruleDiff returns the rules of b not in a (added) and of a not in b
// (removed), as text, counting duplicates.
func ruleDiff[T any](a, b []T, text func(T) string) (added, removed []string) {
	count := map[string]int{}
	for _, r := range a {
		count[text(r)]++
	}
	for _, r := range b {
		t := text(r)
		if count[t] > 0 {
			count[t]--
			continue
		}
		added = append(added, t)
	}
	for _, r := range a {
		t := text(r)
		if count[t] > 0 {
			count[t]--
			removed = append(removed, t)
		}
	}
	return added, removed
}

// fields returns a resource's top-level JSON fields.
func fields(r model.Resource) map[string]any {
	b, err := json.Marshal(r)
	if err != nil {
		return map[string]any{}
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return map[string]any{}
	}
	return m
}
