package flowlog

import (
	"net/netip"
	"time"
)

// Action is what the security groups and network ACLs did with a flow.
type Action uint8

// The actions of a record; ActionNone for NODATA and SKIPDATA records.
const (
	ActionNone Action = iota
	ActionAccept
	ActionReject
)

// String returns ACCEPT, REJECT or "-".
func (a Action) String() string {
	switch a {
	case ActionAccept:
		return "ACCEPT"
	case ActionReject:
		return "REJECT"
	}
	return "-"
}

// Status is a record's log-status.
type Status uint8

// The log statuses: OK (data), NODATA (no traffic in the window) and
// SKIPDATA (records skipped in the window: counted, nothing to explain).
const (
	StatusOK Status = iota
	StatusNoData
	StatusSkipData
)

// String returns OK, NODATA or SKIPDATA.
func (s Status) String() string {
	switch s {
	case StatusNoData:
		return "NODATA"
	case StatusSkipData:
		return "SKIPDATA"
	}
	return "OK"
}

// Direction is a record's flow-direction.
type Direction uint8

// The directions; DirectionUnknown when the record has no flow-direction.
const (
	DirectionUnknown Direction = iota
	DirectionIngress
	DirectionEgress
)

// String returns ingress, egress or "-".
func (d Direction) String() string {
	switch d {
	case DirectionIngress:
		return "ingress"
	case DirectionEgress:
		return "egress"
	}
	return "-"
}

// Record is one flow-log record. Fields the format lacks or that hold "-"
// are zero: invalid addresses, Protocol -1, TCPFlags -1, empty strings.
// A Record a reader returns is reused by its next call: copy what you
// keep (its strings are interned and safe to keep).
type Record struct {
	Version     int
	AccountID   string
	InterfaceID string
	SrcAddr     netip.Addr
	DstAddr     netip.Addr
	SrcPort     uint16
	DstPort     uint16
	// Protocol is the IANA protocol number (6 tcp, 17 udp, 1 icmp), or -1.
	Protocol int16
	Packets  int64
	Bytes    int64
	// Start and End are the capture window, in Unix seconds.
	Start, End int64
	Action     Action
	LogStatus  Status
	VPCID      string
	SubnetID   string
	InstanceID string
	// TCPFlags is the OR of the TCP flags seen (SYN 2, SYN-ACK 18, FIN 1,
	// RST 4), or -1 when the record has none.
	TCPFlags int16
	// Type is IPv4, IPv6 or EFA.
	Type string
	// PktSrcAddr and PktDstAddr are the packet-level addresses, which
	// differ from SrcAddr and DstAddr on the interfaces of NAT gateways,
	// load balancers and other intermediaries.
	PktSrcAddr    netip.Addr
	PktDstAddr    netip.Addr
	Region        string
	AZID          string
	FlowDirection Direction
	// TrafficPath is the path egress traffic took (1 through the VPC, 2 an
	// internet gateway, ...), or 0.
	TrafficPath int8
	// other holds the remaining string fields (sublocation, AWS service
	// names, ECS fields) the record has; Get reads them.
	other []otherField
}

// otherField is a string field without a typed place in Record.
type otherField struct {
	f Field
	v string
}

// other returns the value of a field kept in r.other, or "".
func (r *Record) otherValue(f Field) string {
	for _, o := range r.other {
		if o.f == f {
			return o.v
		}
	}
	return ""
}

// Equal reports whether two records hold the same values in every field.
func (r *Record) Equal(o *Record) bool {
	all := Format(Fields())
	return string(r.AppendText(nil, all)) == string(o.AppendText(nil, all))
}

// Clone returns a copy that does not share the record's storage, for a
// caller keeping a record the reader will reuse.
func (r *Record) Clone() Record {
	c := *r
	c.other = append([]otherField(nil), r.other...)
	return c
}

// Get returns a field as text, the way AWS writes it ("-" when absent).
func (r *Record) Get(f Field) string {
	return string(appendField(nil, r, f))
}

// Time returns the start of the capture window.
func (r *Record) Time() time.Time { return time.Unix(r.Start, 0).UTC() }

// PacketSrc returns the source address of the packet as AWS saw it:
// pkt-srcaddr when the record has it, else srcaddr.
func (r *Record) PacketSrc() netip.Addr {
	if r.PktSrcAddr.IsValid() {
		return r.PktSrcAddr
	}
	return r.SrcAddr
}

// PacketDst returns the destination of the packet as AWS saw it:
// pkt-dstaddr when the record has it, else dstaddr.
func (r *Record) PacketDst() netip.Addr {
	if r.PktDstAddr.IsValid() {
		return r.PktDstAddr
	}
	return r.DstAddr
}

// reset clears the record for the next line.
func (r *Record) reset() {
	other := r.other[:0]
	*r = Record{Protocol: -1, TCPFlags: -1, other: other}
}
