package reach

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/vpcscope/vpcscope/internal/termsafe"
	"github.com/vpcscope/vpcscope/model"
)

// resolved is what an endpoint spec names.
type resolved struct {
	spec     string
	kind     string
	id, name string
	enis     []*model.NetworkInterface
	addr     netip.Addr // the address the user typed, if any
	internet bool
	lb       *model.LoadBalancer
	instance *model.Instance
	// instanceName and instanceDown are instance's Name tag and, when it
	// is not running, its state.
	instanceName, instanceDown string
	// onprem is the declared on-premises network the spec names.
	onprem *OnPremNetwork
}

// hasAddrByte reports whether s has a dot or a colon, as
// strings.ContainsAny(s, ".:") without building its byte set.
func hasAddrByte(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' || s[i] == ':' {
			return true
		}
	}
	return false
}

// resolve turns what the user typed into an endpoint.
func (e *Engine) resolve(spec string, isSource bool) (resolved, error) {
	spec = strings.TrimSpace(spec)
	r := resolved{spec: spec}
	if strings.EqualFold(spec, "internet") {
		r.kind, r.internet = "internet", true
		return r, nil
	}
	if n, addr, ok, err := e.resolveOnPrem(spec); ok || err != nil {
		r.kind, r.onprem, r.addr, r.id, r.name = "on-premises", n, addr, n.Name, n.Name
		return r, err
	}
	// An address has dots (IPv4) or colons (IPv6): an ID or a name
	// without either is not parsed (a failed parse allocates its error).
	if hasAddrByte(spec) {
		if addr, err := netip.ParseAddr(spec); err == nil {
			return e.resolveAddr(r, addr.Unmap(), isSource)
		}
	}
	if res, ok := e.ix.Resource(spec); ok {
		if n, ok := res.(*model.NetworkInterface); ok {
			if fi := e.ifaceOf(n); fi != nil {
				return e.resolveInterface(r, fi), nil // resolveResource's answer, from the record
			}
		}
		return e.resolveResource(r, res)
	}
	for _, lb := range e.snap.LoadBalancers {
		if lb.LoadBalancerName == spec {
			return e.resolveResource(r, lb)
		}
	}
	var usable []model.Resource
	for _, res := range e.ix.ByName(spec) {
		switch res.Kind() {
		case model.KindInstance, model.KindNetworkInterface, model.KindLoadBalancer, model.KindNATGateway:
			usable = append(usable, res)
		}
	}
	switch len(usable) {
	case 1:
		return e.resolveResource(r, usable[0])
	case 0:
		if rs := e.ix.ByName(spec); len(rs) > 0 {
			return r, inputErr("%q is a %s; name an instance, network interface, IP address, load balancer or internet", spec, rs[0].Kind())
		}
		msg := fmt.Sprintf("%q matches no instance, interface, IP address, load balancer or Name tag", spec)
		if s := e.ix.Suggest(spec, 3); len(s) > 0 {
			msg += "; did you mean " + strings.Join(s, ", ") + "?"
		}
		return r, inputErr("%s", msg)
	}
	ids := make([]string, len(usable))
	for i, u := range usable {
		ids[i] = u.Base().ID
	}
	return r, inputErr("%q names %d resources (%s); use an ID", spec, len(usable), strings.Join(ids, ", "))
}

func (e *Engine) resolveAddr(r resolved, addr netip.Addr, isSource bool) (resolved, error) {
	r.addr = addr
	if what := notAHost(addr); what != "" {
		return r, inputErr("%s is %s, not the address of a host; name an instance, interface, load balancer, a unicast IP address or internet", addr, what)
	}
	owners := e.ix.InterfacesByIP(addr)
	if len(owners) == 0 {
		if len(e.ix.VPCsContaining(addr)) > 0 || isPrivate(addr) {
			if isSource {
				return r, inputErr("no network interface in the snapshot has the address %s", addr)
			}
			r.kind = "address"
			return r, nil
		}
		if reservedRanges.Contains(addr) {
			// Outside every VPC and not private: one of reservedPrefixes
			// that no host can have (0.0.0.0/8, 240.0.0.0/4, ::/8, ...).
			return r, inputErr("%s is a reserved address that no host on the internet has; name an instance, interface, load balancer, a unicast IP address or internet", addr)
		}
		r.kind, r.internet = "internet", true
		return r, nil
	}
	if len(owners) > 1 {
		ids := make([]string, len(owners))
		for i, n := range owners {
			ids[i] = n.ID + " in " + n.VPCID
		}
		return r, inputErr("%s belongs to %d interfaces (%s); name the interface instead", addr, len(owners), strings.Join(ids, ", "))
	}
	n := owners[0]
	if lb := e.lbByENI[n.ID]; lb != nil {
		r.kind, r.lb, r.id, r.name = "load-balancer", lb, lb.ID, lb.LoadBalancerName
		r.enis = []*model.NetworkInterface{n}
		return r, nil
	}
	r.kind, r.id, r.enis = "network-interface", n.ID, []*model.NetworkInterface{n}
	r.setInstance(e.instanceOf(n))
	return r, nil
}

// resolveOnPrem resolves a declared on-premises network: NAME (all its
// addresses), NAME:ADDRESS, or an address inside one that no interface in
// the snapshot has.
func (e *Engine) resolveOnPrem(spec string) (*OnPremNetwork, netip.Addr, bool, error) {
	if len(e.onprem) == 0 {
		return nil, netip.Addr{}, false, nil
	}
	name, rest, hasAddr := strings.Cut(spec, ":")
	if hasAddr && strings.Count(spec, ":") > 1 {
		if _, err := netip.ParseAddr(spec); err == nil {
			hasAddr, name = false, spec // an IPv6 address, not NAME:ADDRESS
		} else if i := strings.Index(spec, ":"); i > 0 {
			name, rest = spec[:i], spec[i+1:]
		}
	}
	for i := range e.onprem {
		n := &e.onprem[i]
		if !strings.EqualFold(n.Name, name) {
			continue
		}
		if !hasAddr {
			return n, netip.Addr{}, true, nil
		}
		a, err := netip.ParseAddr(strings.TrimSpace(rest))
		if err != nil {
			return n, netip.Addr{}, true, inputErr("%q: %q is not an IP address (want %s:ADDRESS)", termsafe.Clip(spec, 64), termsafe.Clip(rest, 64), n.Name)
		}
		if e.onPremOf(a.Unmap()) != n {
			return n, netip.Addr{}, true, inputErr("%s is not in on-premises network %s (%s)", a, n.Name, prefixList(n.Prefixes))
		}
		return n, a.Unmap(), true, nil
	}
	if a, err := netip.ParseAddr(spec); err == nil && len(e.ix.InterfacesByIP(a.Unmap())) == 0 {
		if n := e.onPremOf(a.Unmap()); n != nil {
			return n, a.Unmap(), true, nil
		}
	}
	return nil, netip.Addr{}, false, nil
}

// onPremPoints returns the on-premises end of a flow: the typed address,
// or the whole network, one set per IP version.
func onPremPoints(r resolved) []point {
	n := r.onprem
	if r.addr.IsValid() {
		return []point{{ep: Endpoint{Kind: "on-premises", ID: n.Name, Name: n.Name, IP: r.addr.String()}, addr: r.addr, addrs: addrOf(r.addr), onprem: n}}
	}
	var out []point
	for _, v4 := range []bool{true, false} {
		var ps []netip.Prefix
		for _, p := range n.Prefixes {
			if p.Addr().Is4() == v4 {
				ps = append(ps, p)
			}
		}
		if len(ps) == 0 {
			continue
		}
		set := setOf(ps...)
		a := set.witness(netip.Addr{})
		out = append(out, point{ep: Endpoint{Kind: "on-premises", ID: n.Name, Name: n.Name, IP: a.String()}, addr: a, addrs: set, onprem: n})
	}
	return out
}

// limitedBroadcast is 255.255.255.255, which no host has (RFC 919).
var limitedBroadcast = netip.AddrFrom4([4]byte{255, 255, 255, 255})

// notAHost names the kind of address addr is when it cannot be one end of
// a unicast flow (unspecified, loopback, multicast, link-local, the limited
// broadcast address), or returns "" when it can. Other reserved ranges are
// caught by the engine's internet set (reservedPrefixes).
func notAHost(addr netip.Addr) string {
	switch {
	case addr.IsUnspecified():
		return "the unspecified address"
	case addr.IsLoopback():
		return "a loopback address"
	case addr.IsMulticast():
		return "a multicast address"
	case addr.IsLinkLocalUnicast():
		return "a link-local address"
	case addr == limitedBroadcast:
		return "the limited broadcast address"
	}
	return ""
}

func (e *Engine) resolveResource(r resolved, res model.Resource) (resolved, error) {
	r.id, r.name = res.Base().ID, res.Base().Name()
	switch v := res.(type) {
	case *model.Instance:
		r.kind = "instance"
		r.setInstance(instanceInfo{in: v, name: r.name, down: down(v)})
		r.enis = e.ix.InstanceInterfaces(v.ID)
		if len(r.enis) == 0 {
			if v.State != "" && v.State != "running" {
				return r, inputErr("instance %s is %s and has no network interface", v.ID, v.State)
			}
			return r, inputErr("instance %s has no network interface in the snapshot", v.ID)
		}
	case *model.NetworkInterface:
		if fi := e.ifaceOf(v); fi != nil {
			return e.resolveInterface(r, fi), nil
		}
		r.kind, r.enis = "network-interface", []*model.NetworkInterface{v}
		r.setInstance(e.instanceOf(v))
		if lb := e.lbByENI[v.ID]; lb != nil {
			r.kind, r.lb = "load-balancer", lb
		}
	case *model.NATGateway:
		r.kind = "nat-gateway"
		for _, a := range v.Addresses {
			if n := e.ix.Interface(a.NetworkInterfaceID); n != nil {
				r.enis = append(r.enis, n)
			}
		}
		if len(r.enis) == 0 {
			return r, inputErr("NAT gateway %s has no network interface in the snapshot", v.ID)
		}
	case *model.LoadBalancer:
		r.kind, r.lb, r.name = "load-balancer", v, v.LoadBalancerName
		r.enis = e.loadBalancerInterfaces(v)
		if len(r.enis) == 0 {
			return r, inputErr("load balancer %s has no network interfaces in the snapshot", v.LoadBalancerName)
		}
	default:
		return r, inputErr("%s is a %s; name an instance, network interface, IP address, load balancer or internet", r.id, res.Kind())
	}
	return r, nil
}

// sourcePoints lists the senders to try for a source endpoint (a load
// balancer sends from its nodes; the internet is one set per IP version).
func (e *Engine) sourcePoints(src resolved) []point {
	if src.onprem != nil {
		return onPremPoints(src)
	}
	if src.internet {
		return e.internetPoints(src.addr)
	}
	var out []point
	var buf [2]netip.Addr // an interface's sender addresses, mostly
	for i, n := range src.enis {
		for _, a := range appendSenderAddrs(buf[:0], n, src.addr) {
			ep := e.endpointOf(src, n, a)
			if len(src.enis) > 1 {
				ep.Note = fmt.Sprintf("sent from %s (device %d of %d)", n.ID, i, len(src.enis))
			}
			out = append(out, point{ep: ep, eni: n, addr: a, addrs: addrOf(a), instanceDown: src.instanceDown})
		}
	}
	return out
}

// internetPoints returns the internet end of a flow: the typed address,
// or the set of every internet address, per IP version.
func (e *Engine) internetPoints(typed netip.Addr) []point {
	if typed.IsValid() {
		return []point{{ep: Endpoint{Kind: "internet", IP: typed.String()}, addr: typed, addrs: addrOf(typed), internet: true}}
	}
	var out []point
	for fam, ex := range []netip.Addr{defaultInternetHost, defaultInternetHost6} {
		set := addrsOf(e.internetOf[fam])
		if set.empty() {
			continue
		}
		a := set.witness(ex)
		out = append(out, point{ep: Endpoint{Kind: "internet", IP: a.String()}, addr: a, addrs: set, internet: true})
	}
	return out
}

// senderAddrs returns the addresses an interface sends from: the typed
// one, or its primary private IPv4 and first IPv6 address.
func senderAddrs(n *model.NetworkInterface, typed netip.Addr) []netip.Addr {
	return appendSenderAddrs(nil, n, typed)
}

// appendSenderAddrs appends senderAddrs(n, typed) to out.
func appendSenderAddrs(out []netip.Addr, n *model.NetworkInterface, typed netip.Addr) []netip.Addr {
	if typed.IsValid() {
		if priv, ok := n.PrivateIPFor(typed); ok {
			return append(out, priv) // a public address sends from its private one
		}
		return append(out, typed)
	}
	if a := n.PrimaryIP(); a.IsValid() {
		out = append(out, a)
	}
	if len(n.IPv6Addresses) > 0 {
		out = append(out, n.IPv6Addresses[0])
	}
	return out
}

// destPoints lists the receivers to try for a destination.
func (e *Engine) destPoints(dst, src resolved) []point {
	switch {
	case dst.onprem != nil:
		return onPremPoints(dst)
	case dst.internet:
		return e.internetPoints(dst.addr)
	case dst.kind == "address":
		return []point{{ep: Endpoint{Kind: "address", IP: dst.addr.String()}, addr: dst.addr, addrs: addrOf(dst.addr)}}
	}
	var out []point
	var buf [2]netip.Addr // an interface's receiver addresses, mostly
	for i, n := range dst.enis {
		for _, a := range appendReceiverAddrs(buf[:0], n, dst.addr, src.internet) {
			ep := e.endpointOf(dst, n, a)
			if len(dst.enis) > 1 {
				ep.Note = fmt.Sprintf("received on %s (%d of %d interfaces)", n.ID, i+1, len(dst.enis))
			}
			out = append(out, point{ep: ep, eni: n, addr: a, addrs: addrOf(a), lb: dst.lb, instanceDown: dst.instanceDown})
		}
	}
	return out
}

// receiverAddrs returns the addresses to send to: the typed one; else,
// from the internet, the public addresses (or the private one, which the
// walk will refuse with a reason); else the private ones.
func receiverAddrs(n *model.NetworkInterface, typed netip.Addr, fromInternet bool) []netip.Addr {
	return appendReceiverAddrs(nil, n, typed, fromInternet)
}

// appendReceiverAddrs appends receiverAddrs(n, typed, fromInternet) to out.
func appendReceiverAddrs(out []netip.Addr, n *model.NetworkInterface, typed netip.Addr, fromInternet bool) []netip.Addr {
	if typed.IsValid() {
		return append(out, typed)
	}
	start := len(out)
	if fromInternet {
		out = append(out, n.PublicIPs()...)
	}
	if a := n.PrimaryIP(); a.IsValid() && len(out) == start {
		out = append(out, a)
	}
	if len(n.IPv6Addresses) > 0 {
		out = append(out, n.IPv6Addresses[0])
	}
	return out
}

func endpointFor(r resolved, n *model.NetworkInterface, a netip.Addr) Endpoint {
	return endpointText(r, n, a.String())
}

// endpointOf is endpointFor with the text of n's primary address taken
// from n's record.
func (e *Engine) endpointOf(r resolved, n *model.NetworkInterface, a netip.Addr) Endpoint {
	return endpointText(r, n, e.addrText(n, a))
}

// endpointText is endpointFor with a's text (ip) given.
func endpointText(r resolved, n *model.NetworkInterface, ip string) Endpoint {
	ep := Endpoint{Kind: r.kind, ID: r.id, Name: r.name, Interface: n.ID, IP: ip}
	if ep.Name == "" && r.instance != nil {
		ep.Name = r.instanceName // an interface named by ID or IP: show its instance
	}
	return ep
}

// setInstance records the instance the endpoint is or is attached to.
func (r *resolved) setInstance(in instanceInfo) {
	r.instance, r.instanceName, r.instanceDown = in.in, in.name, in.down
}

func down(in *model.Instance) string {
	if in != nil && in.State != "" && in.State != "running" {
		return in.State
	}
	return ""
}

// resolveInterface is resolveResource for an interface the engine
// indexed, from its record: its ID and Name tag, its instance, and the
// load balancer it belongs to.
func (e *Engine) resolveInterface(r resolved, fi *ifaceInfo) resolved {
	r.id, r.name = fi.eni.ID, fi.name
	r.kind, r.enis = "network-interface", fi.self
	if fi.instance.in != nil {
		r.setInstance(fi.instance)
	}
	if fi.lb != nil {
		r.kind, r.lb = "load-balancer", fi.lb
	}
	return r
}
