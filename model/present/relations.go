package present

import (
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// Relation is a link of the resource to another, read from the resource:
// "contains subnet …", "contained in vpc …", "routed to by route-table …".
type Relation struct {
	// Out is true when the resource is the link's subject (the graph's
	// From), false when it is its object.
	Out bool
	// Verb reads the link from the resource.
	Verb string
	// ID is the other resource; Kind and Label describe it, "" and the ID
	// when it is Missing from the snapshot.
	ID, Label string
	Kind      model.Kind
	Missing   bool
	// Detail says why: the CIDR, the route destination, the rule.
	Detail string
}

// Arrow is "→" for a link from the resource, "←" for one to it.
func (r Relation) Arrow() string {
	if r.Out {
		return "→"
	}
	return "←"
}

// Verb reads relation rel from the side of the resource: out is true when
// the resource is the link's From. Every model.Relation reads both ways.
func Verb(rel model.Relation, out bool) string {
	if out {
		switch rel {
		case model.RelAssociatedWith:
			return "associated with"
		case model.RelAttachedTo:
			return "attached to"
		case model.RelRoutesTo:
			return "routes to"
		}
		return string(rel)
	}
	switch rel {
	case model.RelContains:
		return "contained in"
	case model.RelAssociatedWith:
		return "associated with"
	case model.RelAttachedTo:
		return "has attached"
	case model.RelRoutesTo:
		return "routed to by"
	case model.RelReferences:
		return "referenced by"
	}
	return string(rel) + " (from)"
}

// relations are the resource's links, outgoing then incoming; pending is
// true while the graph is not built.
func (p *Presenter) relations(id string) (out []Relation, pending bool) {
	if p.graph == nil {
		return nil, true
	}
	add := func(l model.Link, isOut bool) {
		other := l.To
		if !isOut {
			other = l.From
		}
		// the graph joins the details of repeated edges with "; ", an
		// empty first one included
		detail := strings.Trim(l.Detail, "; ")
		r := Relation{Out: isOut, Verb: Verb(l.Relation, isOut), ID: other, Label: other, Detail: detail}
		if res, ok := p.ix.Resource(other); ok {
			r.Kind = res.Kind()
			r.Label = res.Base().Label()
			if n := Name(res); n != other && res.Base().Name() == "" {
				r.Label = n + " (" + other + ")"
			}
		} else {
			r.Missing = true
		}
		out = append(out, r)
	}
	for _, l := range p.graph.Out(id) {
		add(l, true)
	}
	for _, l := range p.graph.In(id) {
		add(l, false)
	}
	return out, false
}
