package reach

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/vpcscope/vpcscope/model"
	"go4.org/netipx"
)

// Group names one end of a set question: interfaces, by ID, and, with
// Internet, every internet address (Engine.Internet) — or, when
// Addresses is set, those of them it holds.
type Group struct {
	Interfaces []string
	Internet   bool
	Addresses  *netipx.IPSet
}

// Connection is traffic that gets through both ways from one interface
// (or the internet) to another (or the internet): the destination ports
// (TCP and UDP) and, for the internet, the exact sources.
type Connection struct {
	// From and To are interface IDs, or "internet".
	From, To string
	Protocol string
	// Ports are the destination ports that get through (TCP and UDP).
	Ports []model.PortRange
	// Sources are, when From is the internet, the internet addresses that
	// get through, written as reach writes internet sets.
	Sources []string
	// Destinations are, when To is the internet, the internet addresses
	// reached, written the same way.
	Destinations []string
}

// Connections answers which packets of a protocol — over the given
// destination ports, all of them when none are given — get from one group
// to another and back, exactly: interfaces that every stage treats alike
// are walked together as one set of senders, toward every destination at
// once, and the packets that get through are mapped back to the
// interfaces that sent and received them. An interface sends from, and is
// reached at, the addresses a point query uses for it (its primary
// private IPv4 address and first IPv6 address), so each connection agrees
// with Reach between the same two interfaces.
func (e *Engine) Connections(from, to Group, proto model.Protocol, ports []model.PortRange, icmp *model.ICMPTypeCode) ([]Connection, error) {
	q := Query{Protocol: proto, ICMP: icmp}
	if proto.HasPorts() {
		q.ports = portSet(nil).union(ports)
		if len(ports) == 0 {
			q.ports = portsOf(model.AllPorts)
		}
	}
	srcs, err := e.groupEnds(from)
	if err != nil {
		return nil, err
	}
	dsts, err := e.groupEnds(to)
	if err != nil {
		return nil, err
	}
	var out []Connection
	for fam := range 2 {
		var srcPoints []point
		for _, c := range classesOf(e, srcs.ifaces) {
			if p, ok := e.classPoint(c, srcs.ifaces, fam); ok {
				srcPoints = append(srcPoints, p)
			}
		}
		if from.Internet && !e.internetAddrs[fam].empty() {
			srcPoints = append(srcPoints, point{ep: Endpoint{Kind: "internet"}, addrs: e.internetAddrs[fam], internet: true})
		}
		var dstPoints []point
		if d, ok := e.targetsPoint(dsts.ifaces, fam, false); ok {
			dstPoints = append(dstPoints, d)
		}
		internetTargets, hasInternetTargets := e.targetsPoint(dsts.ifaces, fam, true)
		if to.Internet && !e.internetAddrs[fam].empty() {
			dstPoints = append(dstPoints, point{ep: Endpoint{Kind: "internet"}, addrs: e.internetAddrs[fam], internet: true})
		}
		if !proto.Carries(fam == 0) {
			continue // ICMP is IPv4's, ICMPv6 IPv6's
		}
		for _, s := range srcPoints {
			for _, d := range dstPoints {
				if s.internet && d.internet {
					continue
				}
				if s.internet && !d.internet {
					// the internet reaches interfaces at their public addresses
					if !hasInternetTargets {
						continue
					}
					d = internetTargets
				}
				req := queryPacket(q, s.addrs, d.addrs)
				out = append(out, e.connectionsOf(s, d, delivered(req, e.paths(s, d, req)))...)
			}
		}
	}
	slices.SortFunc(out, func(a, b Connection) int { return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To)) })
	return mergeConnections(out), nil
}

// groupEnds are the interfaces of a group, checked.
type groupEnds struct {
	ifaces map[string]*model.NetworkInterface
}

func (e *Engine) groupEnds(g Group) (groupEnds, error) {
	out := groupEnds{ifaces: map[string]*model.NetworkInterface{}}
	for _, id := range g.Interfaces {
		n := e.ix.Interface(id)
		if n == nil {
			return out, inputErr("interface %s is not in the snapshot", id)
		}
		out.ifaces[id] = n
	}
	return out, nil
}

// pointAddr returns the address a point query uses for an interface in
// an IP version (0: IPv4, 1: IPv6).
func pointAddr(n *model.NetworkInterface, fam int) netip.Addr {
	if fam == 0 {
		return n.PrimaryIP()
	}
	if len(n.IPv6Addresses) > 0 {
		return n.IPv6Addresses[0]
	}
	return netip.Addr{}
}

// classesOf returns the classes of the interfaces, each once.
func classesOf(e *Engine, ifaces map[string]*model.NetworkInterface) []*ifaceClass {
	seen := map[*ifaceClass]bool{}
	var out []*ifaceClass
	for _, n := range ifaces {
		c := e.classOf[n]
		if c != nil && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *ifaceClass) int { return cmp.Compare(a.id, b.id) })
	return out
}

// classPoint is the sending end for the members of a class that are in
// the group: their point-query addresses of one IP version.
func (e *Engine) classPoint(c *ifaceClass, in map[string]*model.NetworkInterface, fam int) (point, bool) {
	var list []netip.Addr
	for _, m := range c.members {
		if in[m.ID] == nil || down(e.ix.Instance(m.InstanceID())) != "" {
			continue
		}
		if a := pointAddr(m, fam); a.IsValid() {
			list = append(list, a)
		}
	}
	if len(list) == 0 {
		return point{}, false
	}
	p := point{ep: Endpoint{Kind: "network-interface", ID: c.rep.ID}, eni: c.rep, addrs: addrsOfList(list)}
	if len(c.members) > 1 {
		p.class = c
	}
	p.addr = p.addrs.first()
	return p, true
}

// targetsPoint is the receiving end for a set of interfaces: the
// addresses a point query sends to, of one IP version (from the internet:
// their public addresses, as receiverAddrs chooses); a walk arriving at
// any of them is where it meant to go.
func (e *Engine) targetsPoint(ifaces map[string]*model.NetworkInterface, fam int, fromInternet bool) (point, bool) {
	var list []netip.Addr
	targets := map[string]bool{}
	for id, n := range ifaces {
		for _, a := range receiverAddrs(n, netip.Addr{}, fromInternet) {
			if a.Is4() == (fam == 0) {
				list = append(list, a)
				targets[id] = true
			}
		}
	}
	if len(list) == 0 {
		return point{}, false
	}
	p := point{ep: Endpoint{Kind: "network-interface"}, addrs: addrsOfList(list), targets: targets}
	p.addr = p.addrs.first()
	return p, true
}

// connectionsOf maps the packets that got through back to the interfaces
// (or the internet) that sent and received them.
func (e *Engine) connectionsOf(s, d point, got packet) []Connection {
	if got.empty() {
		return nil
	}
	type pair struct{ from, to string }
	ports := map[pair]portSet{}
	srcSets := map[pair]addrs{}
	dstSets := map[pair]addrs{}
	var order []pair
	for _, sp := range got.spans {
		froms := e.ownersOf(sp.src, s.internet)
		tos := e.ownersOf(sp.dst, d.internet)
		for _, f := range froms {
			for _, t := range tos {
				k := pair{f.id, t.id}
				if _, ok := ports[k]; !ok {
					order = append(order, k)
				}
				ports[k] = ports[k].union(sp.dstPorts)
				srcSets[k] = srcSets[k].union(f.addrs)
				dstSets[k] = dstSets[k].union(t.addrs)
			}
		}
	}
	out := make([]Connection, 0, len(order))
	for _, k := range order {
		c := Connection{From: k.from, To: k.to, Protocol: got.proto.String()}
		if got.proto.HasPorts() {
			c.Ports = slices.Clone([]model.PortRange(ports[k]))
		}
		if s.internet {
			c.Sources, _ = e.describeInternet(srcSets[k])
		}
		if d.internet {
			c.Destinations, _ = e.describeInternet(dstSets[k])
		}
		out = append(out, c)
	}
	return out
}

// owner is who holds some of a set's addresses: an interface, or the
// internet.
type owner struct {
	id    string
	addrs addrs
}

// ownersOf splits a set of addresses by the interface that holds each
// (as a point query names it), or names it the internet.
func (e *Engine) ownersOf(a addrs, internet bool) []owner {
	if internet {
		return []owner{{id: "internet", addrs: a}}
	}
	var out []owner
	idx := map[string]int{}
	a.each(1<<20, func(x netip.Addr) bool {
		for _, n := range e.ix.InterfacesByIP(x) {
			if n.HasAddress(x) {
				i, ok := idx[n.ID]
				if !ok {
					i = len(out)
					idx[n.ID] = i
					out = append(out, owner{id: n.ID})
				}
				out[i].addrs = out[i].addrs.union(addrOf(x))
				break
			}
		}
		return true
	})
	return out
}

// mergeConnections joins the entries of one pair of ends (they come from
// several walks: one per class of senders).
func mergeConnections(cs []Connection) []Connection {
	var out []Connection
	for _, c := range cs {
		if n := len(out); n > 0 && out[n-1].From == c.From && out[n-1].To == c.To && out[n-1].Protocol == c.Protocol {
			last := &out[n-1]
			last.Ports = []model.PortRange(portSet(last.Ports).union(c.Ports))
			continue
		}
		out = append(out, c)
	}
	return out
}

// String renders a connection in one line.
func (c Connection) String() string {
	s := fmt.Sprintf("%s -> %s %s", c.From, c.To, c.Protocol)
	if len(c.Ports) > 0 {
		s += "/" + portSet(c.Ports).String()
	}
	return s
}
