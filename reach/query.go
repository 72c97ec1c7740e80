package reach

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"

	"github.com/vpcscope/vpcscope/internal/termsafe"
	"github.com/vpcscope/vpcscope/model"
)

// Query asks whether traffic can flow from one endpoint to another.
type Query struct {
	// From and To name the endpoints: an instance ID, an interface ID, a
	// private or public IP (one outside every VPC is an internet host), a
	// load balancer (ARN or name), a Name tag, or the word "internet".
	From, To string
	Protocol model.Protocol
	// Port is the destination port for TCP and UDP (1-65535).
	Port int
	// SourcePort is the client's source port; 0 means any ephemeral port
	// (1024-65535), and the answer says which of them work.
	SourcePort int
	// ICMP is the ICMP message for ICMP queries; nil means echo request
	// (and echo reply on the return path).
	ICMP *model.ICMPTypeCode

	// ports, when set, replaces Port: the query is over a set of
	// destination ports (exposure asks about every port at once).
	ports portSet
}

// InputError reports a query the engine cannot run: an unknown or
// ambiguous endpoint, or a protocol and port that do not fit together.
type InputError struct{ Msg string }

// Error implements error.
func (e *InputError) Error() string { return e.Msg }

func inputErr(format string, args ...any) error { return &InputError{fmt.Sprintf(format, args...)} }

// defaultInternetHost and its IPv6 twin are the example addresses an
// answer about the internet shows when they are in the set it holds for
// (the measured labs probe with 8.8.8.8 too).
var (
	defaultInternetHost  = netip.MustParseAddr("8.8.8.8")
	defaultInternetHost6 = netip.MustParseAddr("2001:4860:4860::8888")
)

// point is one end of a flow: an interface and address, or a set of
// internet addresses.
type point struct {
	ep  Endpoint
	eni *model.NetworkInterface
	// addr is the end's address; for a set, an example.
	addr netip.Addr
	// addrs is the end's address set: addr alone, or the internet.
	addrs    addrs
	internet bool
	lb       *model.LoadBalancer
	// instanceDown is set for an instance that is not running.
	instanceDown string
	// onprem is the declared on-premises network the end is in.
	onprem *OnPremNetwork
	// class is set for an end that is every member of a class of
	// interfaces (eni is its representative, addrs their addresses).
	class *ifaceClass
	// targets is set for a receiving end that is any of several
	// interfaces (by ID): a walk arriving at one of them arrived.
	targets map[string]bool
}

// isSet reports whether the end stands for more than one address.
func (p point) isSet() bool { _, one := p.addrs.single(); return !one }

// Reach answers a query: the forward and return paths hop by hop, the
// verdict, and the deciding step. When an endpoint has several interfaces
// or addresses, it answers for the first combination that works and says
// which it used; when none works, for the one that gets furthest. An end
// that is "the internet" is the set of every internet address: the answer
// holds for the exact part of it that gets through both ways, and shows an
// example address from that part.
func (e *Engine) Reach(q Query) (*Answer, error) {
	if err := validate(&q); err != nil {
		return nil, err
	}
	src, err := e.resolve(q.From, true)
	if err != nil {
		return nil, err
	}
	dst, err := e.resolve(q.To, false)
	if err != nil {
		return nil, err
	}
	if src.internet && dst.internet {
		return nil, inputErr("%s and %s are both on the internet; vpcscope answers for paths into, out of or inside the snapshot's VPCs: name an instance, interface, load balancer or VPC address on one end", termsafe.Clip(q.From, 64), termsafe.Clip(q.To, 64))
	}
	srcPoints := e.sourcePoints(src)
	dstPoints := e.destPoints(dst, src)
	if len(srcPoints) == 0 || len(dstPoints) == 0 {
		return nil, inputErr("no usable address for %s or %s", q.From, q.To)
	}
	var best *Answer
	bestProgress := -1
	wrongFamily := false
	for _, s := range srcPoints {
		for _, d := range dstPoints {
			if s.addrs.is4() != d.addrs.is4() {
				continue
			}
			if !q.Protocol.Carries(s.addrs.is4()) {
				wrongFamily = true
				continue // ICMP is IPv4's, ICMPv6 IPv6's
			}
			var a *Answer
			if s.isSet() || d.isSet() {
				a = e.reachSet(q, s, d)
			} else {
				a = e.traceFlow(echo(q, s, d), s, d, firstPacket(q, s.addr, d.addr))
			}
			if a.Reachable {
				return a, nil
			}
			if p := len(a.Forward) + len(a.Return); p > bestProgress {
				best, bestProgress = a, p
			}
		}
	}
	if best == nil && wrongFamily {
		return nil, inputErr("%s carries only %s; %s and %s share no address of that IP version (icmp is IPv4's, icmpv6 IPv6's)",
			q.Protocol, map[bool]string{true: "IPv4", false: "IPv6"}[q.Protocol == model.ProtocolICMP], termsafe.Clip(q.From, 64), termsafe.Clip(q.To, 64))
	}
	if best == nil {
		return nil, inputErr("%s and %s have no addresses of the same IP version", termsafe.Clip(q.From, 64), termsafe.Clip(q.To, 64))
	}
	return best, nil
}

// reachSet answers a query whose source or destination is a set of
// addresses: it walks the whole set, then shows the point trace of an
// example packet — from the part that gets through both ways when there is
// one, else from the part that got furthest — and says which part of the
// set the answer holds for.
func (e *Engine) reachSet(q Query, s, d point) *Answer {
	pkt := queryPacket(q, s.addrs, d.addrs)
	paths := e.paths(s, d, pkt)
	got := delivered(pkt, paths)
	a := e.example(q, s, d, paths, got)
	holds := pkt
	if !got.empty() {
		holds = got
	}
	describe := func(p point, set addrs) ([]string, string) {
		if p.onprem != nil {
			return e.describeSet(set)
		}
		return e.describeInternet(set)
	}
	if s.isSet() {
		a.Query.Source.Addresses, a.Query.Source.Summary = describe(s, holds.src())
	}
	if d.isSet() {
		a.Query.Dest.Addresses, a.Query.Dest.Summary = describe(d, holds.dst())
	}
	return a
}

// example answers a set question with the point trace of one packet of
// the set: from the part that got through both ways (got) when there is
// one, else from the part that got furthest — the last part stopped.
func (e *Engine) example(q Query, s, d point, paths []path, got packet) *Answer {
	var ws, wd netip.Addr
	if !got.empty() {
		ws, wd = got.spans[0].src.witness(s.prefer()), got.spans[0].dst.witness(d.prefer())
	} else {
		p := deepest(paths)
		w, forward := p.fw, true
		if p.rv != nil {
			w, forward = p.rv, false
		}
		b := w.blockPkt
		if b.empty() {
			b, forward = queryPacket(q, s.addrs, d.addrs), true
		}
		if forward {
			ws, wd = b.spans[0].src.witness(s.prefer()), b.spans[0].dst.witness(d.prefer())
		} else {
			ws, wd = b.spans[0].dst.witness(s.prefer()), b.spans[0].src.witness(d.prefer())
		}
	}
	sp, dp := s.at(ws), d.at(wd)
	return e.traceFlow(echo(q, sp, dp), sp, dp, firstPacket(q, sp.addr, dp.addr))
}

// at returns the end narrowed to one address of its set.
func (p point) at(a netip.Addr) point {
	if !p.isSet() {
		return p
	}
	p.addr, p.addrs = a, addrOf(a)
	p.ep.IP = a.String()
	return p
}

// prefer returns the example address to show when the set holds it.
func (p point) prefer() netip.Addr {
	if p.addrs.is4() {
		return defaultInternetHost
	}
	return defaultInternetHost6
}

// delivered returns the packets of the request req that got through both
// ways along the paths, in the request's terms (addresses and ports as the
// sender sent them).
func delivered(req packet, paths []path) packet {
	out := req.with(nil)
	for _, p := range paths {
		if p.ok {
			back := p.rv.arr.pkt.reply()
			back.icmp = req.icmp
			out = out.union(back)
		}
	}
	return out
}

// deepest returns the path that got furthest (the first of equals).
func deepest(paths []path) path {
	best := 0
	for i, p := range paths {
		if p.depth() > paths[best].depth() {
			best = i
		}
	}
	return paths[best]
}

func validate(q *Query) error {
	switch {
	case q.Protocol.HasPorts() && q.Port == 0:
		return inputErr("%s needs a destination port (--port)", q.Protocol)
	case q.Port < 0 || q.Port > 65535:
		return inputErr("port %d: want 1 to 65535", q.Port)
	case q.SourcePort < 0 || q.SourcePort > 65535:
		return inputErr("source port %d: want 1 to 65535 (or 0 for any ephemeral port)", q.SourcePort)
	case !q.Protocol.HasPorts() && (q.Port != 0 || q.SourcePort != 0):
		return inputErr("ports apply to tcp and udp only, not %s", q.Protocol)
	case q.ICMP != nil && !q.Protocol.IsICMP():
		return inputErr("an ICMP type applies to icmp and icmpv6 only")
	case q.ICMP != nil && (q.ICMP.Type < 0 || q.ICMP.Type > 255):
		return inputErr("ICMP type %d: want 0 to 255", q.ICMP.Type)
	case q.ICMP != nil && (q.ICMP.Code < -1 || q.ICMP.Code > 255):
		return inputErr("ICMP code %d: want 0 to 255 (or -1 for any)", q.ICMP.Code)
	case strings.TrimSpace(q.From) == "" || strings.TrimSpace(q.To) == "":
		return inputErr("both --from and --to are needed")
	}
	for _, e := range []struct{ flag, spec string }{{"--from", q.From}, {"--to", q.To}} {
		if len(e.spec) <= maxEndpointSpec {
			continue // no more characters than bytes: no need to count them
		}
		if n := utf8.RuneCountInString(e.spec); n > maxEndpointSpec {
			return inputErr("%s %q is %d characters long; no ID, ARN, Name tag or address is longer than %d",
				e.flag, termsafe.Clip(e.spec, 64), n, maxEndpointSpec)
		}
	}
	return nil
}

// maxEndpointSpec is the longest endpoint Reach looks up, in characters: an
// EC2 tag value is at most 256 characters, and IDs, load balancer ARNs and
// addresses are shorter.
const maxEndpointSpec = 256
