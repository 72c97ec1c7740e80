package reach

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/vpcscope/vpcscope/model"
	"go4.org/netipx"
)

// ExposureOptions narrows an exposure report.
type ExposureOptions struct {
	// Port limits the report to one TCP/UDP port; 0 means every port.
	Port int
}

// Exposed is one interface (or load balancer) reachable from the internet
// on a protocol and set of ports, with the path that proves it.
type Exposed struct {
	// Kind is network-interface or load-balancer.
	Kind     string `json:"kind"`
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Instance string `json:"instance,omitempty"`
	PublicIP string `json:"publicIp"`
	Protocol string `json:"protocol"`
	// Ports are the TCP/UDP ports open end to end ("" for ICMP).
	Ports string `json:"ports,omitempty"`
	// Sources are the internet addresses that the rules let in.
	Sources []string `json:"sources"`
	// Rule is the security group rule (or listener) that opens it.
	Rule string `json:"rule"`
	// Group and RuleIndex locate that security group rule (RuleIndex is
	// the position in the group's inbound rules); empty for a listener.
	Group     string `json:"group,omitempty"`
	RuleIndex int    `json:"ruleIndex,omitempty"`
	// Path is the forward path of a representative probe.
	Path []Hop `json:"path"`
}

// ExposureReport lists everything reachable from the internet.
type ExposureReport struct {
	Exposed []Exposed `json:"exposed"`
	// Checked counts the interfaces with a public address that were checked.
	Checked int      `json:"checked"`
	Caveats []string `json:"caveats"`
}

// Exposure finds every interface and load balancer reachable from the
// internet, and on which ports. For each interface with a public address,
// each security group rule that admits part of the internet is probed once
// over its whole port range from an address it admits: the walk narrows
// the range at every filter, so what arrives is exactly the exposed set.
func (e *Engine) Exposure(opts ExposureOptions) *ExposureReport {
	rep := &ExposureReport{Exposed: []Exposed{}, Caveats: []string{}}
	cache := map[ruleInVPC]ruleReach{}
	for _, n := range e.snap.NetworkInterfaces {
		pubs := n.PublicIPs()
		if len(pubs) == 0 && len(n.IPv6Addresses) == 0 {
			continue
		}
		if e.natByENI[n.ID] != nil || e.lbByENI[n.ID] != nil {
			continue // NAT gateways accept nothing; load balancers go by listener below
		}
		rep.Checked++
		rep.Exposed = append(rep.Exposed, e.exposeInterface(n, pubs, opts, cache)...)
	}
	for _, lb := range e.snap.LoadBalancers {
		if lb.IsInternetFacing() {
			rep.Exposed = append(rep.Exposed, e.exposeLoadBalancer(lb, opts)...)
		}
	}
	slices.SortStableFunc(rep.Exposed, func(a, b Exposed) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Protocol, b.Protocol), cmp.Compare(a.Ports, b.Ports))
	})
	if len(e.snap.GapsFor(model.KindSecurityGroup, "", "")) > 0 || len(e.snap.GapsFor(model.KindNetworkACL, "", "")) > 0 {
		rep.Caveats = append(rep.Caveats, "security groups or network ACLs were not fully collected: exposure may be incomplete")
	}
	return rep
}

// probeSpec is one protocol and port set to probe with.
type probeSpec struct {
	proto model.Protocol
	ports model.PortRange
	icmp  model.ICMPTypeCode
}

// specsOf expands a rule into the probes that cover it: protocol all means
// every TCP and UDP port and ICMP echo.
func specsOf(r *model.SGRule, port int) []probeSpec {
	var out []probeSpec
	add := func(p model.Protocol, ports model.PortRange) {
		if port != 0 {
			if !ports.Contains(uint16(port)) {
				return
			}
			ports = model.SinglePort(uint16(port))
		}
		out = append(out, probeSpec{proto: p, ports: ports})
	}
	switch {
	case r.Protocol == model.ProtocolAll:
		add(model.ProtocolTCP, model.AllPorts)
		add(model.ProtocolUDP, model.AllPorts)
		if port == 0 {
			out = append(out, probeSpec{proto: model.ProtocolICMP, icmp: model.ICMPEchoRequest})
		}
	case r.Protocol.HasPorts():
		add(r.Protocol, r.Ports())
	case r.Protocol.IsICMP() && port == 0:
		icmp := r.ICMP()
		if icmp.Type == -1 {
			icmp = model.ICMPEchoRequest
			if r.Protocol == model.ProtocolICMPv6 {
				icmp = model.ICMPv6EchoRequest
			}
		}
		if icmp.Code == -1 {
			icmp.Code = 0
		}
		out = append(out, probeSpec{proto: r.Protocol, icmp: icmp})
	}
	return out
}

// ruleInVPC keys what a rule admits: the same rule admits the same
// internet addresses for every interface of a VPC.
type ruleInVPC struct {
	rule *model.SGRule
	vpc  string
}

// ruleReach is the internet part of what a rule admits, per IP version,
// with its summary, computed once per Exposure call.
type ruleReach struct {
	inet    [2]*netipx.IPSet
	summary [2][]string
}

func (e *Engine) ruleInternet(r *model.SGRule, vpcID string, cache map[ruleInVPC]ruleReach) ruleReach {
	k := ruleInVPC{r, vpcID}
	if r.Group == nil {
		k.vpc = "" // CIDR and prefix-list peers mean the same in every VPC
	}
	if rr, ok := cache[k]; ok {
		return rr
	}
	var rr ruleReach
	// Fast paths: a group reference admits members' private addresses, and
	// most CIDRs are private; neither reaches the internet.
	if r.Group != nil || (r.CIDR.IsValid() && !e.internet.OverlapsPrefix(r.CIDR.Masked())) {
		cache[k] = rr
		return rr
	}
	inet := intersect(e.peerSet(r, vpcID), e.internet)
	for i := range rr.inet {
		rr.inet[i] = intersect(inet, e.allOf[i])
		if len(rr.inet[i].Ranges()) > 0 {
			rr.summary[i] = e.summarize(rr.inet[i], 12)
		}
	}
	cache[k] = rr
	return rr
}

func (e *Engine) exposeInterface(n *model.NetworkInterface, pubs []netip.Addr, opts ExposureOptions, cache map[ruleInVPC]ruleReach) []Exposed {
	var out []Exposed
	seen := map[string]bool{}
	dsts := append(slices.Clone(pubs), n.IPv6Addresses...)
	for _, id := range n.SecurityGroupIDs {
		sg := e.ix.SecurityGroup(id)
		if sg == nil {
			continue
		}
		for i := range sg.Ingress {
			r := &sg.Ingress[i]
			rr := e.ruleInternet(r, n.VPCID, cache)
			if rr.summary[0] == nil && rr.summary[1] == nil {
				continue
			}
			for _, spec := range specsOf(r, opts.Port) {
				for _, dst := range dsts {
					fam := 0
					if !dst.Is4() {
						fam = 1
					}
					src, ok := firstAddr(rr.inet[fam], defaultFor(dst))
					if !ok {
						continue
					}
					x, ok := e.probeExposure(n, src, dst, spec)
					if !ok {
						continue
					}
					key := x.PublicIP + "|" + x.Protocol + "|" + x.Ports
					if seen[key] {
						continue
					}
					seen[key] = true
					x.Sources = rr.summary[fam]
					x.Rule = sg.ID + " " + sgRuleText(false, sg, r)
					x.Group, x.RuleIndex = sg.ID, i
					out = append(out, x)
				}
			}
		}
	}
	return out
}

func defaultFor(dst netip.Addr) netip.Addr {
	if dst.Is4() {
		return defaultInternetHost
	}
	return defaultInternetHost6
}

// probeExposure walks from an internet address to a public address of the
// interface over the spec's ports and reports what arrives.
func (e *Engine) probeExposure(n *model.NetworkInterface, src, dst netip.Addr, spec probeSpec) (Exposed, bool) {
	pkt := packet{src: src, dst: dst, proto: spec.proto, srcPorts: portsOf(model.EphemeralPorts),
		dstPorts: portsOf(spec.ports), icmp: spec.icmp}
	sp := point{ep: Endpoint{Kind: "internet", IP: src.String()}, addr: src, internet: true}
	dp := point{ep: Endpoint{Kind: "network-interface", ID: n.ID, IP: dst.String()}, eni: n, addr: dst,
		instanceDown: down(e.ix.Instance(n.InstanceID()))}
	a := e.traceFlow(QueryEcho{}, sp, dp, pkt)
	if !a.Reachable {
		return Exposed{}, false
	}
	x := Exposed{Kind: "network-interface", ID: n.ID, Instance: n.InstanceID(), PublicIP: dst.String(),
		Protocol: spec.proto.String(), Path: a.Forward}
	if spec.proto.HasPorts() {
		x.Ports = a.delivered.String()
	}
	if in := e.ix.Instance(n.InstanceID()); in != nil {
		x.Name = in.Name()
	}
	return x, true
}

func (e *Engine) exposeLoadBalancer(lb *model.LoadBalancer, opts ExposureOptions) []Exposed {
	var out []Exposed
	nodes := e.loadBalancerInterfaces(lb)
	for _, l := range lb.Listeners {
		if opts.Port != 0 && int(l.Port) != opts.Port {
			continue
		}
		proto := model.ProtocolTCP
		if l.Protocol == "UDP" {
			proto = model.ProtocolUDP
		}
		for _, node := range nodes {
			pubs := node.PublicIPs()
			if len(pubs) == 0 {
				continue
			}
			inet := e.internet
			if len(node.SecurityGroupIDs) > 0 {
				var b netipx.IPSetBuilder
				for _, a := range e.admissions(node, false, &packet{proto: proto, dstPorts: portsOf(model.SinglePort(uint16(l.Port)))}) {
					b.AddSet(a.set)
				}
				admitted, _ := b.IPSet()
				inet = intersect(admitted, e.internet)
			}
			inet4 := intersect(inet, e.allOf[0])
			src, ok := firstAddr(inet4, defaultInternetHost)
			if !ok {
				continue
			}
			pkt := packet{src: src, dst: pubs[0], proto: proto, srcPorts: portsOf(model.EphemeralPorts),
				dstPorts: portsOf(model.SinglePort(uint16(l.Port)))}
			sp := point{ep: Endpoint{Kind: "internet", IP: src.String()}, addr: src, internet: true}
			dp := point{ep: Endpoint{Kind: "load-balancer", ID: lb.ID, IP: pubs[0].String()}, eni: node, addr: pubs[0], lb: lb}
			a := e.traceFlow(QueryEcho{}, sp, dp, pkt)
			if !a.Reachable {
				continue
			}
			out = append(out, Exposed{Kind: "load-balancer", ID: lb.ID, Name: lb.LoadBalancerName, PublicIP: pubs[0].String(),
				Protocol: proto.String(), Ports: fmt.Sprint(l.Port), Sources: e.summarize(inet4, 12),
				Rule: fmt.Sprintf("listener %s:%d", l.Protocol, l.Port), Path: a.Forward})
			break // one reachable node proves the listener
		}
	}
	return out
}
