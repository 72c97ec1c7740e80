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

// describeSet returns a set of addresses as CIDR prefixes (exact) and in
// words: relative to the internet when it is most of it ("the IPv4
// internet except 8.0.0.0/8"), else its prefixes.
func (e *Engine) describeSet(a addrs) ([]string, string) {
	prefixes := prefixStrings(a.ipset())
	if len(prefixes) == 0 {
		return []string{}, "no address"
	}
	var parts []string
	for fam, name := range []string{"IPv4", "IPv6"} {
		part, _ := a.split(e.allAddrs[fam])
		if part.empty() {
			continue
		}
		if part.equal(e.allAddrs[fam]) {
			parts = append(parts, "any "+name+" address")
			continue
		}
		parts = append(parts, joinPrefixes(part.ipset().Prefixes(), maxSummaryPrefixes))
	}
	return prefixes, strings.Join(parts, "; ")
}

// describeInternet returns a set of internet addresses as the fewest CIDR
// prefixes whose internet addresses are exactly the set — gaps that hold
// no internet address (private ranges, the VPCs, the account's own public
// addresses) are filled, so "every internet address" reads 0.0.0.0/0 — and
// in words: "any IPv4 internet address", "the IPv4 internet except
// 8.0.0.0/8", or the prefixes.
func (e *Engine) describeInternet(a addrs) ([]string, string) {
	var prefixes, parts []string
	for fam, name := range []string{"IPv4", "IPv6"} {
		part, _ := a.split(e.allAddrs[fam])
		if part.empty() {
			continue
		}
		cover := e.internetCover(part, fam)
		for _, p := range cover {
			prefixes = append(prefixes, p.String())
		}
		_, rest := e.internetAddrs[fam].split(part)
		switch gaps := e.internetCover(rest, fam); {
		case rest.empty():
			parts = append(parts, "any "+name+" internet address")
		case len(gaps) <= maxSummaryPrefixes && len(gaps) < len(cover):
			parts = append(parts, "the "+name+" internet except "+joinPrefixes(gaps, maxSummaryPrefixes))
		default:
			parts = append(parts, joinPrefixes(cover, maxSummaryPrefixes))
		}
	}
	if len(prefixes) == 0 {
		return []string{}, "no address"
	}
	return prefixes, strings.Join(parts, "; ")
}

// internetCover returns the fewest prefixes whose internet addresses (of
// one IP version) are exactly those of a: a's ranges, joined across the
// gaps between them that hold no internet address, and stretched to the
// ends of the address space where no internet address lies beyond.
func (e *Engine) internetCover(a addrs, fam int) []netip.Prefix {
	return coverAmong(a, e.internetAddrs[fam], fam)
}

// coverAmong returns the fewest prefixes that hold exactly the addresses
// of a among those of inet (a within inet): addresses outside inet may
// join a prefix.
func coverAmong(a, inet addrs, fam int) []netip.Prefix {
	rs := a.ranges()
	if len(rs) == 0 {
		return nil
	}
	lo, hi := netip.IPv4Unspecified(), netip.AddrFrom4([4]byte{255, 255, 255, 255})
	if fam == 1 {
		lo, hi = netip.IPv6Unspecified(), netip.AddrFrom16([16]byte{0: 0xff, 1: 0xff, 2: 0xff, 3: 0xff, 4: 0xff, 5: 0xff, 6: 0xff, 7: 0xff, 8: 0xff, 9: 0xff, 10: 0xff, 11: 0xff, 12: 0xff, 13: 0xff, 14: 0xff, 15: 0xff})
	}
	noInternet := func(from, to netip.Addr) bool {
		in, _ := inet.splitRange(netipx.IPRangeFrom(from, to))
		return in.empty()
	}
	var out []netipx.IPRange
	start := rs[0].From()
	if start != lo && noInternet(lo, start.Prev()) {
		start = lo
	}
	end := rs[0].To()
	for _, r := range rs[1:] {
		if noInternet(end.Next(), r.From().Prev()) {
			end = r.To()
			continue
		}
		out = append(out, netipx.IPRangeFrom(start, end))
		start, end = r.From(), r.To()
	}
	if end != hi && noInternet(end.Next(), hi) {
		end = hi
	}
	out = append(out, netipx.IPRangeFrom(start, end))
	var ps []netip.Prefix
	for _, r := range out {
		ps = r.AppendPrefixes(ps)
	}
	return ps
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
