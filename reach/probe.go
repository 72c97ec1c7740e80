package reach

import (
	"cmp"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// Probe is one kind of traffic a whole-network question asks about: a
// protocol over a set of destination ports (TCP and UDP), or over one
// ICMP message (ICMP and ICMPv6), or a protocol without ports.
type Probe struct {
	Protocol model.Protocol
	// Ports are the TCP/UDP destination ports asked about; nil: all.
	Ports []model.PortRange
	// ICMP is the ICMP message asked about; nil: echo request.
	ICMP *model.ICMPTypeCode
}

// DefaultProbes returns the traffic whole-network questions ask about:
// TCP and UDP over every port, ICMP and ICMPv6 echo, and every other
// protocol number a security group rule or network ACL entry names
// (GRE, ESP, ...), since only those can get through.
func (e *Engine) DefaultProbes() []Probe {
	out := []Probe{{Protocol: model.ProtocolTCP}, {Protocol: model.ProtocolUDP},
		{Protocol: model.ProtocolICMP}, {Protocol: model.ProtocolICMPv6}}
	seen := map[model.Protocol]bool{}
	add := func(p model.Protocol) {
		if p == model.ProtocolAll || p.HasPorts() || p.IsICMP() || seen[p] {
			return
		}
		seen[p] = true
		out = append(out, Probe{Protocol: p})
	}
	for _, sg := range e.snap.SecurityGroups {
		for _, r := range slices.Concat(sg.Ingress, sg.Egress) {
			add(r.Protocol)
		}
	}
	for _, acl := range e.snap.NetworkACLs {
		for _, en := range acl.Entries {
			add(en.Protocol)
		}
	}
	slices.SortStableFunc(out[4:], func(a, b Probe) int { return cmp.Compare(a.Protocol, b.Protocol) })
	return out
}

// query returns the set query of the probe.
func (p Probe) query() Query {
	q := Query{Protocol: p.Protocol, ICMP: p.ICMP}
	if p.Protocol.HasPorts() {
		q.ports = p.ports()
	}
	return q
}

// ports returns the probe's destination ports: all of them when none
// are named; nil for a protocol without ports.
func (p Probe) ports() portSet {
	if !p.Protocol.HasPorts() {
		return nil
	}
	if len(p.Ports) == 0 {
		return portsOf(model.AllPorts)
	}
	return portSet(nil).union(p.Ports)
}

// icmpMessage returns the ICMP message the probe sends (echo request by
// default), or the zero value for other protocols.
func (p Probe) icmpMessage() model.ICMPTypeCode {
	switch {
	case p.ICMP != nil:
		return *p.ICMP
	case p.Protocol == model.ProtocolICMP:
		return model.ICMPEchoRequest
	case p.Protocol == model.ProtocolICMPv6:
		return model.ICMPv6EchoRequest
	}
	return model.ICMPTypeCode{}
}

// String names the probe: "tcp", "tcp/443", "icmp echo-request",
// "protocol 47".
func (p Probe) String() string {
	switch {
	case p.Protocol.HasPorts() && len(p.Ports) > 0:
		return p.Protocol.String() + "/" + portSet(nil).union(p.Ports).String()
	case p.Protocol.IsICMP():
		return p.Protocol.String() + " " + icmpName(p.icmpMessage())
	case !p.Protocol.HasPorts() && p.Protocol != model.ProtocolAll:
		return "protocol " + p.Protocol.String()
	}
	return p.Protocol.String()
}

// Service renders what a probe found open: "tcp/443,8000-8010",
// "icmp echo", "protocol 47". ports are the destination ports (TCP and
// UDP) that got through.
func (p Probe) Service(ports []model.PortRange) string {
	switch {
	case p.Protocol.HasPorts():
		return p.Protocol.String() + "/" + portSet(ports).String()
	case p.Protocol.IsICMP():
		if m := p.icmpMessage(); m == model.ICMPEchoRequest || m == model.ICMPv6EchoRequest {
			return p.Protocol.String() + " echo"
		}
		return p.Protocol.String() + " " + icmpName(p.icmpMessage())
	}
	return "protocol " + p.Protocol.String()
}

// SummarizeServices joins what several probes found open, TCP and UDP
// port by port range: "tcp/443, tcp/8000-8010, udp/53, icmp echo". ports
// holds, per probe, the destination ports that got through; for a probe
// without ports any non-empty value means it got through.
func SummarizeServices(probes []Probe, ports [][]model.PortRange) string {
	var parts []string
	for i, p := range probes {
		if i >= len(ports) || len(ports[i]) == 0 {
			continue
		}
		if !p.Protocol.HasPorts() {
			parts = append(parts, p.Service(nil))
			continue
		}
		for _, r := range ports[i] {
			parts = append(parts, p.Protocol.String()+"/"+r.String())
		}
	}
	return strings.Join(parts, ", ")
}
