package intent

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/intents"
	"github.com/vpcscope/vpcscope/reach"
	"go4.org/netipx"
)

// Endpoints is what a selector names in a snapshot: interfaces (the ends
// of whole-network questions, reach.Engine.Ends), internet addresses, and
// on-premises networks by name.
type Endpoints struct {
	Interfaces map[string]bool
	// Internet holds the internet addresses named (nil or empty: none).
	Internet *netipx.IPSet
	OnPrem   []string
}

// Group returns the endpoints as a group of a set question: its
// interfaces, and the internet when any internet address is named.
func (p Endpoints) Group() reach.Group {
	g := reach.Group{Internet: p.HasInternet()}
	for id := range p.Interfaces {
		g.Interfaces = append(g.Interfaces, id)
	}
	slices.Sort(g.Interfaces)
	if g.Internet {
		g.Addresses = p.Internet
	}
	return g
}

// HasInternet reports whether any internet address is named.
func (p Endpoints) HasInternet() bool {
	return p.Internet != nil && len(p.Internet.Ranges()) > 0
}

// Resolver evaluates selectors against one snapshot.
type Resolver struct {
	e    *reach.Engine
	ix   *model.Index
	ends []*model.NetworkInterface
	// OnPrem are the on-premises networks the engine declares
	// (reach.Engine.WithOnPrem), by name: onprem:NAME of another name
	// answers unknown.
	OnPrem map[string]*netipx.IPSet
}

// NewResolver prepares selector evaluation for an engine's snapshot.
func NewResolver(e *reach.Engine) *Resolver {
	r := &Resolver{e: e, ix: e.Index(), OnPrem: map[string]*netipx.IPSet{}}
	for _, n := range e.OnPrem() {
		var b netipx.IPSetBuilder
		for _, p := range n.Prefixes {
			b.AddPrefix(p)
		}
		r.OnPrem[n.Name], _ = b.IPSet()
	}
	for _, id := range e.Ends() {
		r.ends = append(r.ends, r.ix.Interface(id))
	}
	return r
}

// UnknownError is a selector that names something the snapshot cannot
// answer about (an on-premises network that is not declared).
type UnknownError struct{ Msg string }

func (e *UnknownError) Error() string { return e.Msg }

// Resolve returns the endpoints a selector names. A name that matches
// nothing is an error saying so; onprem:NAME of an undeclared network is
// an *UnknownError.
func (r *Resolver) Resolve(s *intents.Selector) (Endpoints, error) {
	switch s.Kind {
	case intents.SelectAnd, intents.SelectOr:
		var acc Endpoints
		for i, a := range s.Args {
			p, err := r.Resolve(a)
			if err != nil {
				return Endpoints{}, err
			}
			if i == 0 {
				acc = p
				continue
			}
			if s.Kind == intents.SelectAnd {
				acc = intersect(acc, p)
			} else {
				acc = union(acc, p)
			}
		}
		return acc, nil
	case intents.SelectNot:
		p, err := r.Resolve(s.Args[0])
		if err != nil {
			return Endpoints{}, err
		}
		return r.complement(p), nil
	case intents.SelectInternet:
		return Endpoints{Internet: r.e.Internet()}, nil
	case intents.SelectAny:
		return r.where(func(*model.NetworkInterface) bool { return true }), nil
	case intents.SelectOnPrem:
		for name := range r.OnPrem {
			if strings.EqualFold(name, s.Value) {
				return Endpoints{OnPrem: []string{name}}, nil
			}
		}
		return Endpoints{}, &UnknownError{Msg: "unknown: on-premises network " + s.Value + " is not declared (--onprem " + s.Value + "=CIDR)"}
	case intents.SelectCIDR:
		p := r.where(func(n *model.NetworkInterface) bool {
			for _, a := range addrsOf(n) {
				if s.Prefix.Contains(a) {
					return true
				}
			}
			return false
		})
		var b netipx.IPSetBuilder
		b.AddPrefix(s.Prefix)
		b.Intersect(r.e.Internet())
		p.Internet, _ = b.IPSet()
		return p, nil
	case intents.SelectAccount:
		return r.where(func(n *model.NetworkInterface) bool { return n.Account == s.Value }), nil
	case intents.SelectRegion:
		return r.where(func(n *model.NetworkInterface) bool { return n.Region == s.Value }), nil
	case intents.SelectVPC:
		ids, err := r.named(s, model.KindVPC)
		if err != nil {
			return Endpoints{}, err
		}
		return r.where(func(n *model.NetworkInterface) bool { return ids[n.VPCID] }), nil
	case intents.SelectSubnet:
		ids, err := r.named(s, model.KindSubnet)
		if err != nil {
			return Endpoints{}, err
		}
		return r.where(func(n *model.NetworkInterface) bool { return ids[n.SubnetID] }), nil
	case intents.SelectSG:
		ids, err := r.named(s, model.KindSecurityGroup)
		if err != nil {
			return Endpoints{}, err
		}
		return r.where(func(n *model.NetworkInterface) bool {
			return slices.ContainsFunc(n.SecurityGroupIDs, func(g string) bool { return ids[g] })
		}), nil
	case intents.SelectTag:
		key, value, hasValue := strings.Cut(s.Value, "=")
		return r.where(func(n *model.NetworkInterface) bool {
			v, ok := r.tag(n, key)
			return ok && (!hasValue || v == value)
		}), nil
	}
	return Endpoints{}, fmt.Errorf("selector kind %q", s.Kind)
}

// named returns the IDs of the resources of a kind a selector value
// names: by ID, Name tag, or (security groups) group name.
func (r *Resolver) named(s *intents.Selector, kind model.Kind) (map[string]bool, error) {
	out := map[string]bool{}
	for _, res := range r.ix.ResourcesByID(s.Value) {
		if res.Kind() == kind {
			out[res.Base().ID] = true
		}
	}
	for _, res := range r.ix.ByName(s.Value) {
		if res.Kind() == kind {
			out[res.Base().ID] = true
		}
	}
	if kind == model.KindSecurityGroup {
		for _, sg := range r.e.Snapshot().SecurityGroups {
			if sg.GroupName == s.Value {
				out[sg.ID] = true
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s matches no %s in the snapshot", s, kind)
	}
	return out, nil
}

// tag returns a tag of an interface: its own, else its instance's,
// subnet's or VPC's — the nearest that has the key.
func (r *Resolver) tag(n *model.NetworkInterface, key string) (string, bool) {
	if v, ok := n.Tags[key]; ok {
		return v, true
	}
	if in := r.ix.Instance(n.InstanceID()); in != nil {
		if v, ok := in.Tags[key]; ok {
			return v, true
		}
	}
	if sn := r.ix.Subnet(n.SubnetID); sn != nil {
		if v, ok := sn.Tags[key]; ok {
			return v, true
		}
	}
	if v := r.ix.VPC(n.VPCID); v != nil {
		if val, ok := v.Tags[key]; ok {
			return val, true
		}
	}
	return "", false
}

func (r *Resolver) where(keep func(*model.NetworkInterface) bool) Endpoints {
	p := Endpoints{Interfaces: map[string]bool{}}
	for _, n := range r.ends {
		if keep(n) {
			p.Interfaces[n.ID] = true
		}
	}
	return p
}

func (r *Resolver) complement(p Endpoints) Endpoints {
	out := r.where(func(n *model.NetworkInterface) bool { return !p.Interfaces[n.ID] })
	var b netipx.IPSetBuilder
	b.AddSet(r.e.Internet())
	if p.Internet != nil {
		b.RemoveSet(p.Internet)
	}
	out.Internet, _ = b.IPSet()
	for name := range r.OnPrem {
		if !slices.Contains(p.OnPrem, name) {
			out.OnPrem = append(out.OnPrem, name)
		}
	}
	return out
}

func intersect(a, b Endpoints) Endpoints {
	out := Endpoints{Interfaces: map[string]bool{}}
	for id := range a.Interfaces {
		if b.Interfaces[id] {
			out.Interfaces[id] = true
		}
	}
	if a.Internet != nil && b.Internet != nil {
		var s netipx.IPSetBuilder
		s.AddSet(a.Internet)
		s.Intersect(b.Internet)
		out.Internet, _ = s.IPSet()
	}
	for _, o := range a.OnPrem {
		if slices.Contains(b.OnPrem, o) {
			out.OnPrem = append(out.OnPrem, o)
		}
	}
	return out
}

func union(a, b Endpoints) Endpoints {
	out := Endpoints{Interfaces: map[string]bool{}}
	for id := range a.Interfaces {
		out.Interfaces[id] = true
	}
	for id := range b.Interfaces {
		out.Interfaces[id] = true
	}
	var s netipx.IPSetBuilder
	if a.Internet != nil {
		s.AddSet(a.Internet)
	}
	if b.Internet != nil {
		s.AddSet(b.Internet)
	}
	out.Internet, _ = s.IPSet()
	out.OnPrem = append(slices.Clone(a.OnPrem), b.OnPrem...)
	slices.Sort(out.OnPrem)
	out.OnPrem = slices.Compact(out.OnPrem)
	return out
}

func addrsOf(n *model.NetworkInterface) []netip.Addr {
	var out []netip.Addr
	for _, ip := range n.PrivateIPs {
		out = append(out, ip.Address)
		if ip.PublicIP.IsValid() {
			out = append(out, ip.PublicIP)
		}
	}
	return append(out, n.IPv6Addresses...)
}
