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
}

// InputError reports a query the engine cannot run: an unknown or
// ambiguous endpoint, or a protocol and port that do not fit together.
type InputError struct{ Msg string }

// Error implements error.
func (e *InputError) Error() string { return e.Msg }

func inputErr(format string, args ...any) error { return &InputError{fmt.Sprintf(format, args...)} }

// defaultInternetHost stands for "a host on the internet" when no rule
// narrows the choice (the measured labs probe with it too).
var (
	defaultInternetHost  = netip.MustParseAddr("8.8.8.8")
	defaultInternetHost6 = netip.MustParseAddr("2001:4860:4860::8888")
)

// point is one concrete end of a flow: an interface and address, or an
// internet address.
type point struct {
	ep       Endpoint
	eni      *model.NetworkInterface
	addr     netip.Addr
	internet bool
	lb       *model.LoadBalancer
	// instanceDown is set for an instance that is not running.
	instanceDown string
}

// Reach answers a query: the forward and return paths hop by hop, the
// verdict, and the deciding step. When an endpoint has several interfaces
// or addresses, it answers for the first combination that works and says
// which it used; when none works, for the one that gets furthest.
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
		return nil, inputErr("%s and %s are both on the internet; vpcscope answers for paths into, out of or inside the snapshot's VPCs: name an instance, interface, load balancer or VPC address on one end", q.From, q.To)
	}
	srcPoints := e.sourcePoints(src, dst, q)
	dstPoints := e.destPoints(dst, src, q)
	if len(srcPoints) == 0 || len(dstPoints) == 0 {
		return nil, inputErr("no usable address for %s or %s", q.From, q.To)
	}
	var best *Answer
	bestProgress := -1
	for _, s := range srcPoints {
		for _, d := range dstPoints {
			if s.addr.Is4() != d.addr.Is4() {
				continue
			}
			a := e.trace(q, s, d)
			if a.Reachable {
				if s.internet && !src.addr.IsValid() {
					e.noteAdmittedInternet(a, d, q)
				}
				return a, nil
			}
			if p := len(a.Forward) + len(a.Return); p > bestProgress {
				best, bestProgress = a, p
			}
		}
	}
	if best == nil {
		return nil, inputErr("%s and %s have no addresses of the same IP version", q.From, q.To)
	}
	return best, nil
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
