package reach

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
	"go4.org/netipx"
)

// intersect returns a ∩ b.
func intersect(a, b *netipx.IPSet) *netipx.IPSet {
	var x netipx.IPSetBuilder
	x.AddSet(a)
	x.Intersect(b)
	s, _ := x.IPSet()
	return s
}

// minus returns a \ b.
func minus(a, b *netipx.IPSet) *netipx.IPSet {
	var x netipx.IPSetBuilder
	x.AddSet(a)
	x.RemoveSet(b)
	s, _ := x.IPSet()
	return s
}

// prefixStrings renders a set as its CIDR prefixes.
func prefixStrings(s *netipx.IPSet) []string {
	ps := s.Prefixes()
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// maxSummaryPrefixes bounds the prefixes a summary names.
const maxSummaryPrefixes = 8

// describeSet returns a set of addresses as CIDR prefixes (exact) and as
// words: relative to the internet when it is most of it ("the IPv4
// internet except 8.0.0.0/8"), else its prefixes.
func (e *Engine) describeSet(a addrs) ([]string, string) {
	set := a.ipset()
	for fam := range e.internetOf {
		if set.Equal(e.internetOf[fam]) {
			return slices.Clone(e.internetWords[fam].prefixes), e.internetWords[fam].summary
		}
	}
	return e.describe(set)
}

// setWords is a set described as prefixes and in words.
type setWords struct {
	prefixes []string
	summary  string
}

// describe computes describeSet's answer.
func (e *Engine) describe(set *netipx.IPSet) ([]string, string) {
	prefixes := prefixStrings(set)
	if len(prefixes) == 0 {
		return []string{}, "no address"
	}
	var parts []string
	for fam, name := range []string{"IPv4", "IPv6"} {
		part := intersect(set, e.allOf[fam])
		if len(part.Ranges()) == 0 {
			continue
		}
		if part.Equal(e.allOf[fam]) {
			parts = append(parts, "any "+name+" address")
			continue
		}
		inet := e.internetOf[fam]
		inside := intersect(part, inet)
		outside := minus(part, inet)
		if len(inside.Ranges()) > 0 && len(outside.Ranges()) == 0 {
			missing := minus(inet, part).Prefixes()
			switch {
			case len(missing) == 0:
				parts = append(parts, "any "+name+" internet address")
				continue
			case len(missing) <= maxSummaryPrefixes && len(missing) < len(part.Prefixes()):
				parts = append(parts, "the "+name+" internet except "+joinPrefixes(missing, maxSummaryPrefixes))
				continue
			}
		}
		parts = append(parts, joinPrefixes(part.Prefixes(), maxSummaryPrefixes))
	}
	return prefixes, strings.Join(parts, "; ")
}

func joinPrefixes(ps []netip.Prefix, limit int) string {
	var b strings.Builder
	for i, p := range ps {
		if i == limit {
			fmt.Fprintf(&b, " … %d more", len(ps)-limit)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// portGroup is a set of destination ports with the set of sources that
// reach all of them: the canonical way to show an exposure.
type portGroup struct {
	ports portSet
	src   addrs
}

// groupByPorts decomposes packets into groups of ports sharing one source
// set: elementary port intervals with their sources, neighbours with equal
// sources merged, then intervals with equal sources joined.
func groupByPorts(pkt packet) []portGroup {
	var cuts []uint32
	for _, s := range pkt.spans {
		for _, r := range s.dstPorts {
			cuts = append(cuts, uint32(r.From), uint32(r.To)+1)
		}
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	var groups []portGroup
	for i := 0; i+1 < len(cuts); i++ {
		r := model.PortRange{From: uint16(cuts[i]), To: uint16(cuts[i+1] - 1)}
		var src addrs
		for _, s := range pkt.spans {
			if in, _ := s.dstPorts.split(r); !in.empty() {
				src = src.union(s.src)
			}
		}
		if src.empty() {
			continue
		}
		if j := slices.IndexFunc(groups, func(g portGroup) bool { return g.src.equal(src) }); j >= 0 {
			groups[j].ports = groups[j].ports.union(portSet{r})
			continue
		}
		groups = append(groups, portGroup{ports: portSet{r}, src: src})
	}
	if !pkt.proto.HasPorts() && !pkt.empty() {
		groups = []portGroup{{src: pkt.src()}}
	}
	slices.SortStableFunc(groups, func(a, b portGroup) int { return cmp.Compare(a.ports[0].From, b.ports[0].From) })
	return groups
}
