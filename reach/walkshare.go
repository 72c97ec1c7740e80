package reach

import (
	"sync"

	"github.com/vpcscope/vpcscope/model"
	"go4.org/netipx"
)

// walkShare holds what the walks of one set question share, safe for
// concurrent use: the network ACL decisions on one big peer set (the
// internet, as the engine keeps it) seen from one address.
//
// Exposure walks the whole internet toward every public address: each
// interface of a subnet meets its network ACL with the same set of
// internet sources (the very same ranges: the walk narrows the set by
// slicing, and a part a filter passes whole is the set itself), differing
// only in the one address on the other side, which an ACL does not look
// at (inbound entries match the source, outbound the destination). So the
// decision is made once per ACL, direction, probe and peer set, and given
// to the next interface with its own address put back.
type walkShare struct {
	mu  sync.Mutex
	acl map[aclShareKey]aclResult
}

// aclShareKey identifies an ACL decision a walk may share: the ACL, the
// direction, the protocol (ICMP type), the peer set by identity (its
// first range and length: address sets are never changed in place) and
// the ports (one range each at most).
type aclShareKey struct {
	acl                *compiledACL
	egress             bool
	proto              model.Protocol
	icmp               model.ICMPTypeCode
	peer               *netipx.IPRange
	n                  int
	srcPorts, dstPorts [2]model.PortRange
	nSrc, nDst         int
}

// evaluateACL is c.evaluate(egress, pkt), shared when pkt is one span
// from (to) a set of many addresses to (from) one address; a nil share
// shares nothing.
func (sh *walkShare) evaluateACL(c *compiledACL, egress bool, pkt packet) aclResult {
	if sh == nil {
		return c.evaluate(egress, pkt) // a point walk's: no key to make
	}
	k, ok := aclKey(c, egress, pkt)
	if !ok {
		return c.evaluate(egress, pkt)
	}
	sh.mu.Lock()
	res, seen := sh.acl[k]
	sh.mu.Unlock()
	if !seen {
		res = c.evaluate(egress, pkt)
		sh.mu.Lock()
		sh.acl[k] = res
		sh.mu.Unlock()
	}
	own := pkt.spans[0].src
	if !egress {
		own = pkt.spans[0].dst
	}
	return aclResult{allowed: retarget(res.allowed, pkt, own, egress), denied: retarget(res.denied, pkt, own, egress)}
}

// aclKey returns the key of pkt's ACL decision, or false when pkt is not
// one span with one address on its own side and a set of ranges on the
// peer side, or has ports of more than one range.
func aclKey(c *compiledACL, egress bool, pkt packet) (aclShareKey, bool) {
	if len(pkt.spans) != 1 || len(pkt.spans[0].srcPorts) > 2 || len(pkt.spans[0].dstPorts) > 2 {
		return aclShareKey{}, false
	}
	s := pkt.spans[0]
	peer, own := s.src, s.dst
	if egress {
		peer, own = s.dst, s.src
	}
	if _, one := own.single(); !one || len(peer.rs) == 0 {
		return aclShareKey{}, false
	}
	k := aclShareKey{acl: c, egress: egress, proto: pkt.proto, icmp: pkt.icmp, peer: &peer.rs[0], n: len(peer.rs),
		nSrc: len(s.srcPorts), nDst: len(s.dstPorts)}
	copy(k.srcPorts[:], s.srcPorts)
	copy(k.dstPorts[:], s.dstPorts)
	return k, true
}

// retarget returns a shared ACL part for pkt: its spans with pkt's own
// address (own) on their own side, and pkt's protocol and flags.
func retarget(p aclPart, pkt packet, own addrs, egress bool) aclPart {
	spans := make([]span, len(p.pkt.spans))
	for i, s := range p.pkt.spans {
		if egress {
			s.src = own
		} else {
			s.dst = own
		}
		spans[i] = s
	}
	out := pkt
	out.spans = spans
	if len(spans) == 0 {
		out.spans = nil
	}
	p.pkt = out
	return p
}
