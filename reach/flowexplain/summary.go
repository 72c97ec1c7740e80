package flowexplain

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"

	"github.com/vpcscope/vpcscope/reach"
	"go4.org/netipx"
)

// ruleKey groups rejected flows by the hop that rejects them.
type ruleKey struct {
	layer    reach.Layer
	resource string
	stage    reach.Stage
	rule     string
	dir      reach.Direction
}

// summarize counts flows by agreement and groups the rejected flows the
// engine agrees with by the rule that rejects them.
func summarize(flows []Flow) Summary {
	s := Summary{ByAgreement: map[Agreement]Count{}}
	for _, a := range Agreements {
		s.ByAgreement[a] = Count{}
	}
	type group struct {
		sum  RuleSummary
		srcs netipx.IPSetBuilder
		dsts map[string]int64
	}
	groups := map[ruleKey]*group{}
	var order []ruleKey
	for i := range flows {
		f := &flows[i]
		c := s.ByAgreement[f.Agreement]
		c.Flows++
		c.Records += f.Records
		s.ByAgreement[f.Agreement] = c
		if f.Action != "REJECT" || f.Agreement != Agrees || f.Decided == nil {
			continue
		}
		d := f.Decided
		k := ruleKey{d.Layer, d.Resource, d.Stage, d.Rule, d.Direction}
		g := groups[k]
		if g == nil {
			g = &group{sum: RuleSummary{Layer: d.Layer, Resource: d.Resource, Name: d.Name, Stage: d.Stage, Rule: d.Rule,
				Direction: d.Direction, Code: d.Code, Ref: d.Ref}, dsts: map[string]int64{}}
			groups[k] = g
			order = append(order, k)
		}
		g.sum.Flows++
		g.sum.Records += f.Records
		src, dst := f.Src, f.Dst
		if f.PacketSrc.IsValid() {
			src = f.PacketSrc
		}
		if f.PacketDst.IsValid() {
			dst = f.PacketDst
		}
		g.srcs.Add(src)
		to := dst.String()
		if f.Protocol == "tcp" || f.Protocol == "udp" {
			to = netip.AddrPortFrom(dst, uint16(f.DstPort)).String()
		}
		g.dsts[to] += f.Records
	}
	s.ByRule = []RuleSummary{}
	for _, k := range order {
		g := groups[k]
		set, _ := g.srcs.IPSet()
		g.sum.Sources = []string{}
		for _, p := range set.Prefixes() {
			if p.IsSingleIP() {
				g.sum.Sources = append(g.sum.Sources, p.Addr().String())
			} else {
				g.sum.Sources = append(g.sum.Sources, p.String())
			}
		}
		for d := range g.dsts {
			g.sum.Destinations = append(g.sum.Destinations, d)
		}
		slices.SortFunc(g.sum.Destinations, func(a, b string) int {
			return cmp.Or(cmp.Compare(g.dsts[b], g.dsts[a]), cmp.Compare(a, b))
		})
		s.ByRule = append(s.ByRule, g.sum)
	}
	slices.SortStableFunc(s.ByRule, func(a, b RuleSummary) int { return cmp.Compare(b.Records, a.Records) })
	return s
}

// Describe renders a set of addresses for a summary line: "10.0.0.0/24",
// "10.0.1.5", or "10.0.1.5 and 3 more".
func Describe(items []string) string {
	switch len(items) {
	case 0:
		return "nothing"
	case 1:
		return items[0]
	}
	return items[0] + " and " + strconv.Itoa(len(items)-1) + " more"
}
