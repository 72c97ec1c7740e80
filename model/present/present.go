// Package present turns a resource of the model into what a reader sees:
// its fields (names beside IDs), its rules in evaluation order, its
// relations read the right way round, a table row per kind with column
// priorities, a one-line summary and its AWS console address. It is the
// one presenter (k9s's render layer) behind both the explorer's detail,
// lists and tree and `vpcscope inspect`, so the two cannot drift.
//
// The presenter returns plain values as the snapshot holds them; a
// renderer passes them through internal/termsafe before a terminal sees
// them. It imports the model and its edit overlay, never a terminal or UI
// library.
package present

import (
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
)

// RuleSource gives a resource's rule list as the presenter shows it. An
// *edit.Overlay is one: its lists carry the what-if state of each rule.
type RuleSource interface {
	Rules(id string, l edit.List) []edit.Slot
}

// Presenter presents the resources of one indexed snapshot.
type Presenter struct {
	ix    *model.Index
	graph *model.Graph
	rules RuleSource
}

// New returns a presenter for an indexed snapshot. graph may be nil while
// it is being built (Doc then says its relations are pending); rules nil
// means the snapshot's own rules, without what-if edits.
func New(ix *model.Index, graph *model.Graph, rules RuleSource) *Presenter {
	if rules == nil {
		rules = edit.NewOverlay(ix.Snapshot())
	}
	return &Presenter{ix: ix, graph: graph, rules: rules}
}

// Index returns the index the presenter reads.
func (p *Presenter) Index() *model.Index { return p.ix }

// Doc is one resource presented: what the explorer's detail view and
// `vpcscope inspect` print, top to bottom.
type Doc struct {
	Kind model.Kind
	ID   string
	// Name is the resource's friendliest name (see Name); Title is
	// "name (id)", or the ID alone.
	Name, Title string
	// Found is false for an ID a relation names that the snapshot does
	// not hold (deleted, or in an account or region not collected).
	Found bool
	// Fields are the resource's fields in reading order. For a resource
	// seen from more than one account (a transit gateway peering
	// attachment) they are the fields the sides share, and Sides holds
	// each side's own.
	Fields []Field
	Sides  []Side
	// Sections are its rules, entries, routes, listeners or targets.
	Sections []Section
	// Relations are its links to other resources; RelationsPending says
	// the relation graph was not built yet.
	Relations        []Relation
	RelationsPending bool
	// Console is the AWS console address of the resource, "" when the
	// console has no page for it.
	Console string
}

// Field is one "key value" line. A value that names a resource in the
// snapshot carries its ID in Ref and, when different, its name in RefName.
type Field struct {
	Key, Value string
	Ref        string
	RefName    string
	// Note is a remark for the line below the field.
	Note string
}

// Side is the view of a resource from one account.
type Side struct {
	Account, Region string
	Fields          []Field
}

// Title says whose side it is: "seen from account 111122223333 (us-east-1)".
func (s Side) Title() string {
	t := "seen from account " + orUnknown(s.Account)
	if s.Region != "" {
		t += " (" + s.Region + ")"
	}
	return t
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}

// Doc presents the resource with the ID; a Doc with Found false when the
// snapshot does not hold it.
func (p *Presenter) Doc(id string) Doc {
	recs := p.ix.ResourcesByID(id)
	if len(recs) == 0 {
		d := Doc{ID: id, Title: id, Name: id}
		d.Relations, d.RelationsPending = p.relations(id)
		return d
	}
	r := recs[0]
	d := Doc{Kind: r.Kind(), ID: id, Name: Name(r), Title: r.Base().Label(), Found: true, Console: ConsoleURL(r)}
	if n := Name(r); n != id && r.Base().Name() == "" {
		d.Title = n + " (" + id + ")"
	}
	if sides := distinctSides(recs); len(sides) > 1 {
		d.Fields = p.commonFields(r)
		for _, s := range sides {
			var fs []Field
			for _, f := range p.fields(s) {
				if f.Key != "id" && f.Key != "name" { // shared, above
					fs = append(fs, f)
				}
			}
			d.Sides = append(d.Sides, Side{Account: s.Base().Account, Region: s.Base().Region, Fields: fs})
		}
	} else {
		d.Fields = p.fields(r)
	}
	d.Sections = p.sections(r)
	d.Relations, d.RelationsPending = p.relations(id)
	return d
}

// distinctSides returns the records of one ID that differ by account or
// region: a resource seen from two accounts has two.
func distinctSides(recs []model.Resource) []model.Resource {
	var out []model.Resource
	seen := map[model.Scope]bool{}
	for _, r := range recs {
		sc := model.Scope{Account: r.Base().Account, Region: r.Base().Region}
		if !seen[sc] {
			seen[sc] = true
			out = append(out, r)
		}
	}
	return out
}

// Sides returns the accounts and regions that see the resource with the
// ID, in snapshot order: one for most resources, two for a transit
// gateway peering attachment collected from both of its accounts.
func (p *Presenter) Sides(id string) []model.Scope {
	var out []model.Scope
	for _, r := range distinctSides(p.ix.ResourcesByID(id)) {
		out = append(out, model.Scope{Account: r.Base().Account, Region: r.Base().Region})
	}
	return out
}

// The layout the renderers share, so that inspect and the explorer's
// detail line up alike.
const (
	// KeyWidth is the width of a field's key column.
	KeyWidth = 18
	// VerbWidth is the width of a relation's verb column.
	VerbWidth = 16
	// KindWidth is the width of a relation's kind column.
	KindWidth = 18
)
