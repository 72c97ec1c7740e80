package reach

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// portSet is a small set of ports kept as sorted, disjoint ranges. A
// reply's destination port is the client's source port, which is usually
// unknown: the engine carries the whole ephemeral range and narrows it at
// each network ACL, so the answer can say which client ports work.
type portSet []model.PortRange

func portsOf(r model.PortRange) portSet { return portSet{r} }

func (s portSet) empty() bool { return len(s) == 0 }

// single reports whether the set holds exactly one port, and which.
func (s portSet) single() (uint16, bool) {
	if len(s) == 1 && s[0].From == s[0].To {
		return s[0].From, true
	}
	return 0, false
}

// split returns the ports of s inside r and the ports outside it.
func (s portSet) split(r model.PortRange) (in, out portSet) {
	for _, x := range s {
		if !x.Overlaps(r) {
			out = append(out, x)
			continue
		}
		i, _ := x.Intersect(r)
		in = append(in, i)
		if x.From < i.From {
			out = append(out, model.PortRange{From: x.From, To: i.From - 1})
		}
		if i.To < x.To {
			out = append(out, model.PortRange{From: i.To + 1, To: x.To})
		}
	}
	return in, out
}

func (s portSet) union(o portSet) portSet {
	all := append(append(portSet(nil), s...), o...)
	if len(all) < 2 {
		return all
	}
	// insertion sort: sets here hold a handful of ranges
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j].From < all[j-1].From; j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	out := portSet{all[0]}
	for _, r := range all[1:] {
		last := &out[len(out)-1]
		if uint32(r.From) <= uint32(last.To)+1 {
			last.To = max(last.To, r.To)
			continue
		}
		out = append(out, r)
	}
	return out
}

func (s portSet) String() string {
	if len(s) == 0 {
		return "none"
	}
	parts := make([]string, len(s))
	for i, r := range s {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}

// packet is a packet in flight: addresses after any translation so far,
// ports (sets, see portSet), and the interface that emitted it.
type packet struct {
	src, dst netip.Addr
	proto    model.Protocol
	srcPorts portSet
	dstPorts portSet
	icmp     model.ICMPTypeCode
	// forwarded is set once an appliance has forwarded the packet: group
	// references no longer match it.
	forwarded bool
}

func (p packet) String() string {
	switch {
	case p.proto.HasPorts():
		return fmt.Sprintf("%s %s:%s -> %s:%s", p.proto, p.src, p.srcPorts, p.dst, p.dstPorts)
	case p.proto.IsICMP():
		return fmt.Sprintf("%s %s -> %s %s", p.proto, p.src, p.dst, icmpName(p.icmp))
	}
	return fmt.Sprintf("%s %s -> %s", p.proto, p.src, p.dst)
}

// reply returns the reply to p: addresses and ports swapped, an echo
// request answered by an echo reply.
func (p packet) reply() packet {
	r := packet{src: p.dst, dst: p.src, proto: p.proto, srcPorts: p.dstPorts, dstPorts: p.srcPorts, icmp: p.icmp, forwarded: p.forwarded}
	switch p.icmp {
	case model.ICMPEchoRequest:
		r.icmp = model.ICMPEchoReply
	case model.ICMPv6EchoRequest:
		r.icmp = model.ICMPv6EchoReply
	}
	return r
}

func icmpName(t model.ICMPTypeCode) string {
	switch t {
	case model.ICMPEchoRequest, model.ICMPv6EchoRequest:
		return "echo-request"
	case model.ICMPEchoReply, model.ICMPv6EchoReply:
		return "echo-reply"
	}
	return t.String()
}
