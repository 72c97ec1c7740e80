package tfplan

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// vals reads the attributes of one object of a change: the resource's
// after (or before) values, or one nested block of them, with the parts
// unknown until apply and the configuration's references for each.
type vals struct {
	b    *builder
	c    *Change
	m    map[string]any
	unk  any
	path string // configuration path of this object: "" or "ingress.0."
}

// unknown reports whether attr is known only after apply.
func (v vals) unknown(attr string) bool {
	switch u := v.unk.(type) {
	case bool:
		return u
	case map[string]any:
		return u[attr] == true
	}
	return false
}

// str returns a known string attribute, or "".
func (v vals) str(attr string) string {
	s, _ := v.m[attr].(string)
	return s
}

// ref returns an ID attribute: its value when known, else what the
// configuration's references resolve to (a placeholder for a resource
// created by the plan), else "".
func (v vals) ref(attr string) string {
	if s := v.str(attr); s != "" {
		return s
	}
	if ids := v.b.resolve(v.c, v.c.References(v.path+attr)); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// refs returns a list of IDs (security group IDs, subnet IDs): the known
// values, with the unknown ones resolved through the configuration.
func (v vals) refs(attr string) []string {
	var out []string
	if xs, ok := v.m[attr].([]any); ok {
		for _, x := range xs {
			if s, ok := x.(string); ok && s != "" {
				out = append(out, s)
			}
		}
	}
	if v.unknown(attr) || v.partlyUnknown(attr) {
		for _, id := range v.b.resolve(v.c, v.c.References(v.path+attr)) {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	if s, ok := v.m[attr].(string); ok && s != "" { // a single value where a list is usual
		out = append(out, s)
	}
	return out
}

// partlyUnknown reports whether some element of a list attribute is unknown.
func (v vals) partlyUnknown(attr string) bool {
	u, ok := v.unk.(map[string]any)
	if !ok {
		return false
	}
	xs, ok := u[attr].([]any)
	return ok && slices.Contains(xs, any(true))
}

// num returns a known number attribute (JSON numbers, and strings of
// digits as some attributes carry them).
func (v vals) num(attr string) (int64, bool) {
	switch x := v.m[attr].(type) {
	case float64:
		if x != float64(int64(x)) {
			return 0, false
		}
		return int64(x), true
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// boolean returns a known boolean attribute, or def.
func (v vals) boolean(attr string, def bool) bool {
	switch x := v.m[attr].(type) {
	case bool:
		return x
	case string:
		if b, err := strconv.ParseBool(x); err == nil {
			return b
		}
	}
	return def
}

// prefix returns a CIDR attribute, canonical, or the zero Prefix when it
// is absent, unknown or not a CIDR.
func (v vals) prefix(attr string) netip.Prefix {
	p, err := netip.ParsePrefix(v.str(attr))
	if err != nil {
		return netip.Prefix{}
	}
	return p.Masked()
}

// prefixes returns a list of CIDR attributes; bad ones are noted.
func (v vals) prefixes(attr string) []netip.Prefix {
	var out []netip.Prefix
	xs, _ := v.m[attr].([]any)
	for _, x := range xs {
		s, _ := x.(string)
		p, err := netip.ParsePrefix(s)
		if err != nil {
			v.b.notef("%s: %s %q is not a CIDR block; left out", v.c.Address, attr, clip(s))
			continue
		}
		out = append(out, p.Masked())
	}
	if v.unknown(attr) || v.partlyUnknown(attr) {
		v.b.notef("%s: %s known only after apply; left out", v.c.Address, attr)
	}
	return out
}

// addr returns an address attribute, or the zero Addr.
func (v vals) addr(attr string) netip.Addr {
	a, err := netip.ParseAddr(v.str(attr))
	if err != nil {
		return netip.Addr{}
	}
	return a
}

// tags returns the tags attribute (tags_all when it is set).
func (v vals) tags() map[string]string {
	out := map[string]string{}
	for _, attr := range []string{"tags_all", "tags"} {
		m, _ := v.m[attr].(map[string]any)
		for k, x := range m {
			if s, ok := x.(string); ok {
				out[k] = s
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// blocks returns the objects of a nested-block attribute (inline rules,
// routes). When the whole list is known only after apply, the blocks are
// read from the configuration: their constant values, and references.
func (v vals) blocks(attr string) []vals {
	var out []vals
	xs, isList := v.m[attr].([]any)
	var unks []any
	if u, ok := v.unk.(map[string]any); ok {
		unks, _ = u[attr].([]any)
	}
	if isList {
		for i, x := range xs {
			m, ok := x.(map[string]any)
			if !ok {
				continue
			}
			var unk any
			if i < len(unks) {
				unk = unks[i]
			}
			out = append(out, vals{b: v.b, c: v.c, m: m, unk: unk, path: v.blockPath(attr, i, len(xs))})
		}
		return out
	}
	if !v.unknown(attr) || v.c.cfg == nil {
		return nil
	}
	for i := range v.c.cfg.blocks[v.path+attr] {
		p := fmt.Sprintf("%s%s.%d.", v.path, attr, i)
		m, unk := map[string]any{}, map[string]any{}
		for k, c := range v.c.cfg.consts {
			if rest, ok := strings.CutPrefix(k, p); ok && !strings.Contains(rest, ".") {
				m[rest] = c
			}
		}
		for k := range v.c.cfg.refs {
			if rest, ok := strings.CutPrefix(k, p); ok && !strings.Contains(rest, ".") {
				unk[rest] = true
			}
		}
		out = append(out, vals{b: v.b, c: v.c, m: m, unk: unk, path: p})
	}
	return out
}

// blockPath is the configuration path of the i-th of n planned blocks:
// its own when the configuration writes as many blocks (the order of a
// set may differ, so references are looked up in every block then).
func (v vals) blockPath(attr string, i, n int) string {
	if v.c.cfg != nil && v.c.cfg.blocks[v.path+attr] == n {
		return fmt.Sprintf("%s%s.%d.", v.path, attr, i)
	}
	return fmt.Sprintf("%s%s.*.", v.path, attr)
}
