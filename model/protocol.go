package model

import (
	"fmt"
	"strconv"
	"strings"
)

// Protocol is an IP protocol number as AWS uses it in security group and
// network ACL rules; ProtocolAll (-1) matches every protocol.
type Protocol int16

// The protocols with names. Any other IANA number is a valid Protocol too.
const (
	ProtocolAll    Protocol = -1
	ProtocolICMP   Protocol = 1
	ProtocolTCP    Protocol = 6
	ProtocolUDP    Protocol = 17
	ProtocolICMPv6 Protocol = 58
)

// ParseProtocol accepts the spellings found in AWS output and on the command
// line: "-1", "all", "tcp", "udp", "icmp", "icmpv6", or a number 0-255.
func ParseProtocol(s string) (Protocol, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "-1", "all", "any":
		return ProtocolAll, nil
	case "tcp":
		return ProtocolTCP, nil
	case "udp":
		return ProtocolUDP, nil
	case "icmp":
		return ProtocolICMP, nil
	case "icmpv6", "icmp6", "ipv6-icmp":
		return ProtocolICMPv6, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 255 {
		return 0, fmt.Errorf("protocol %q: want tcp, udp, icmp, icmpv6, all or a number 0-255", s)
	}
	return Protocol(n), nil
}

// String returns the name ("tcp", "all") or the number.
func (p Protocol) String() string {
	switch p {
	case ProtocolAll:
		return "all"
	case ProtocolTCP:
		return "tcp"
	case ProtocolUDP:
		return "udp"
	case ProtocolICMP:
		return "icmp"
	case ProtocolICMPv6:
		return "icmpv6"
	}
	return strconv.Itoa(int(p))
}

// HasPorts reports whether the protocol carries ports (TCP and UDP).
func (p Protocol) HasPorts() bool { return p == ProtocolTCP || p == ProtocolUDP }

// IsICMP reports whether the protocol is ICMP or ICMPv6.
func (p Protocol) IsICMP() bool { return p == ProtocolICMP || p == ProtocolICMPv6 }

// Carries reports whether packets of protocol p exist in an IP version:
// ICMP is IPv4's and ICMPv6 IPv6's; every other protocol runs on both.
func (p Protocol) Carries(ipv4 bool) bool {
	switch p {
	case ProtocolICMP:
		return ipv4
	case ProtocolICMPv6:
		return !ipv4
	}
	return true
}

// Matches reports whether a rule written for p applies to a packet of protocol q.
func (p Protocol) Matches(q Protocol) bool { return p == ProtocolAll || p == q }

// MarshalText implements encoding.TextMarshaler.
func (p Protocol) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Protocol) UnmarshalText(b []byte) error {
	v, err := ParseProtocol(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// PortRange is an inclusive range of TCP/UDP ports.
type PortRange struct {
	From uint16 `json:"from"`
	To   uint16 `json:"to"`
}

// AllPorts is the range 0-65535.
var AllPorts = PortRange{0, 65535}

// EphemeralPorts is the range AWS recommends opening for return traffic.
var EphemeralPorts = PortRange{1024, 65535}

// SinglePort returns the range holding only p.
func SinglePort(p uint16) PortRange { return PortRange{p, p} }

// Contains reports whether port lies in the range.
func (r PortRange) Contains(port uint16) bool { return r.From <= port && port <= r.To }

// Overlaps reports whether the two ranges share a port.
func (r PortRange) Overlaps(o PortRange) bool { return r.From <= o.To && o.From <= r.To }

// Intersect returns the ports in both ranges and whether there are any.
func (r PortRange) Intersect(o PortRange) (PortRange, bool) {
	out := PortRange{max(r.From, o.From), min(r.To, o.To)}
	return out, out.From <= out.To
}

// IsAll reports whether the range covers every port.
func (r PortRange) IsAll() bool { return r == AllPorts }

// String renders "22", "1024-65535" or "all".
func (r PortRange) String() string {
	switch {
	case r.IsAll():
		return "all"
	case r.From == r.To:
		return strconv.Itoa(int(r.From))
	}
	return fmt.Sprintf("%d-%d", r.From, r.To)
}

// ParsePortRange parses "22", "1024-65535" or "all".
func ParsePortRange(s string) (PortRange, error) {
	s = strings.TrimSpace(s)
	if s == "all" || s == "" {
		return AllPorts, nil
	}
	lo, hi, found := strings.Cut(s, "-")
	from, err := strconv.ParseUint(lo, 10, 16)
	if err != nil {
		return PortRange{}, fmt.Errorf("port %q: want a number 0-65535 or a range like 1024-65535", s)
	}
	to := from
	if found {
		if to, err = strconv.ParseUint(hi, 10, 16); err != nil {
			return PortRange{}, fmt.Errorf("port %q: want a number 0-65535 or a range like 1024-65535", s)
		}
	}
	if to < from {
		return PortRange{}, fmt.Errorf("port range %q runs backwards", s)
	}
	return PortRange{uint16(from), uint16(to)}, nil
}

// ICMPTypeCode selects ICMP messages; -1 in either field means any.
type ICMPTypeCode struct {
	Type int16 `json:"type"`
	Code int16 `json:"code"`
}

// AnyICMP matches every ICMP message.
var AnyICMP = ICMPTypeCode{-1, -1}

// The ICMP messages the engine probes with.
var (
	ICMPEchoRequest   = ICMPTypeCode{8, 0}
	ICMPEchoReply     = ICMPTypeCode{0, 0}
	ICMPv6EchoRequest = ICMPTypeCode{128, 0}
	ICMPv6EchoReply   = ICMPTypeCode{129, 0}
)

// Matches reports whether a rule selecting t applies to message m.
func (t ICMPTypeCode) Matches(m ICMPTypeCode) bool {
	return (t.Type == -1 || t.Type == m.Type) && (t.Code == -1 || t.Code == m.Code)
}

// String renders "type 8 code 0", "type 3" or "all".
func (t ICMPTypeCode) String() string {
	switch {
	case t.Type == -1:
		return "all"
	case t.Code == -1:
		return "type " + strconv.Itoa(int(t.Type))
	}
	return fmt.Sprintf("type %d code %d", t.Type, t.Code)
}
