package flowlog

import (
	"bytes"
	"fmt"
	"net/netip"
	"strconv"
)

// LineError is a record that could not be read. Reading goes on after it.
type LineError struct {
	// File names the file (or log group, S3 object) the line is in.
	File string
	// Line is the 1-based line number, or the event's position in a
	// CloudWatch export, or the row in a Parquet file.
	Line int64
	// Field is the field at fault, or FieldUnknown for the line as a whole.
	Field Field
	Msg   string
}

// Error renders "file:line: srcaddr: "10.0.0.x" is not an IP address".
func (e *LineError) Error() string {
	where := fmt.Sprintf("%s:%d: ", e.File, e.Line)
	if e.Field != FieldUnknown {
		where += e.Field.String() + ": "
	}
	return where + e.Msg
}

// parser turns lines of one format into records. It interns the strings
// it keeps, so a stream of records with few distinct IDs allocates only
// for the first of each.
type parser struct {
	format Format
	strs   map[string]string
	fields [][]byte
}

func newParser(f Format) *parser {
	return &parser{format: f, strs: make(map[string]string), fields: make([][]byte, 0, len(f)+4)}
}

// intern returns b as a string, allocating only the first time it is seen.
func (p *parser) intern(b []byte) string {
	if s, ok := p.strs[string(b)]; ok { // no allocation for the lookup
		return s
	}
	if len(p.strs) > 1<<20 {
		// A pathological file of unique values: stop growing the table.
		return string(b)
	}
	s := string(b)
	p.strs[s] = s
	return s
}

// split cuts a line at runs of spaces and tabs into p.fields.
func (p *parser) split(line []byte) {
	p.fields = p.fields[:0]
	i := 0
	for i < len(line) {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i == len(line) {
			break
		}
		j := i
		for j < len(line) && line[j] != ' ' && line[j] != '\t' {
			j++
		}
		p.fields = append(p.fields, line[i:j])
		i = j
	}
}

// parse reads one line (without its line break) into r.
func (p *parser) parse(line []byte, r *Record, file string, n int64) error {
	p.split(line)
	if len(p.fields) != len(p.format) {
		return &LineError{File: file, Line: n, Msg: fmt.Sprintf("%d fields, the format has %d (%s)", len(p.fields), len(p.format), p.format.short())}
	}
	r.reset()
	for i, f := range p.format {
		if err := p.set(r, f, p.fields[i]); err != nil {
			return &LineError{File: file, Line: n, Field: f, Msg: err.Error()}
		}
	}
	return p.check(r, file, n)
}

// check refuses records that cannot be flows: an OK record needs an
// interface, both addresses, a protocol and an action when the format
// has them.
func (p *parser) check(r *Record, file string, n int64) error {
	if r.LogStatus != StatusOK {
		return nil
	}
	for _, f := range [...]Field{FieldInterfaceID, FieldSrcAddr, FieldDstAddr, FieldProtocol, FieldAction} {
		if !p.format.Has(f) {
			continue
		}
		missing := false
		switch f {
		case FieldInterfaceID:
			missing = r.InterfaceID == ""
		case FieldSrcAddr:
			missing = !r.SrcAddr.IsValid()
		case FieldDstAddr:
			missing = !r.DstAddr.IsValid()
		case FieldProtocol:
			missing = r.Protocol < 0
		case FieldAction:
			missing = r.Action == ActionNone
		}
		if missing {
			return &LineError{File: file, Line: n, Field: f, Msg: "missing (\"-\") in a record with log-status OK"}
		}
	}
	return nil
}

// short renders a long format by its first fields.
func (f Format) short() string {
	if len(f) <= 4 {
		return f.String()
	}
	return f[:3].String() + " …"
}

var dash = []byte("-")

// set stores one field's text in r.
func (p *parser) set(r *Record, f Field, b []byte) error {
	if bytes.Equal(b, dash) {
		return nil
	}
	var err error
	switch f {
	case FieldUnknown:
	case FieldVersion:
		var v int64
		v, err = atoi(b, 255)
		r.Version = int(v)
	case FieldAccountID:
		r.AccountID = p.intern(b)
	case FieldInterfaceID:
		r.InterfaceID = p.intern(b)
	case FieldSrcAddr:
		r.SrcAddr, err = parseAddr(b)
	case FieldDstAddr:
		r.DstAddr, err = parseAddr(b)
	case FieldPktSrcAddr:
		r.PktSrcAddr, err = parseAddr(b)
	case FieldPktDstAddr:
		r.PktDstAddr, err = parseAddr(b)
	case FieldSrcPort, FieldDstPort:
		var v int64
		v, err = atoi(b, 65535)
		if f == FieldSrcPort {
			r.SrcPort = uint16(v)
		} else {
			r.DstPort = uint16(v)
		}
	case FieldProtocol:
		var v int64
		v, err = atoi(b, 255)
		r.Protocol = int16(v)
	case FieldPackets:
		r.Packets, err = atoi(b, 1<<62)
	case FieldBytes:
		r.Bytes, err = atoi(b, 1<<62)
	case FieldStart:
		r.Start, err = atoi(b, 1<<40)
	case FieldEnd:
		r.End, err = atoi(b, 1<<40)
	case FieldAction:
		switch string(b) {
		case "ACCEPT":
			r.Action = ActionAccept
		case "REJECT":
			r.Action = ActionReject
		default:
			err = fmt.Errorf("%q is not ACCEPT or REJECT", b)
		}
	case FieldLogStatus:
		switch string(b) {
		case "OK":
			r.LogStatus = StatusOK
		case "NODATA":
			r.LogStatus = StatusNoData
		case "SKIPDATA":
			r.LogStatus = StatusSkipData
		default:
			err = fmt.Errorf("%q is not OK, NODATA or SKIPDATA", b)
		}
	case FieldVPCID:
		r.VPCID = p.intern(b)
	case FieldSubnetID:
		r.SubnetID = p.intern(b)
	case FieldInstanceID:
		r.InstanceID = p.intern(b)
	case FieldTCPFlags:
		var v int64
		v, err = atoi(b, 255)
		r.TCPFlags = int16(v)
	case FieldType:
		r.Type = p.intern(b)
	case FieldRegion:
		r.Region = p.intern(b)
	case FieldAZID:
		r.AZID = p.intern(b)
	case FieldFlowDirection:
		switch string(b) {
		case "ingress":
			r.FlowDirection = DirectionIngress
		case "egress":
			r.FlowDirection = DirectionEgress
		default:
			err = fmt.Errorf("%q is not ingress or egress", b)
		}
	case FieldTrafficPath:
		var v int64
		v, err = atoi(b, 127)
		r.TrafficPath = int8(v)
	default:
		r.other = append(r.other, otherField{f, p.intern(b)})
	}
	return err
}

// atoi parses a decimal number up to max without allocating.
func atoi(b []byte, max int64) (int64, error) {
	if len(b) == 0 || len(b) > 19 {
		return 0, fmt.Errorf("%q is not a number", b)
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not a number", b)
		}
		n = n*10 + int64(c-'0')
		if n > max {
			return 0, fmt.Errorf("%s is out of range (at most %d)", b, max)
		}
	}
	return n, nil
}

// parseAddr parses an IPv4 address without allocating, and anything else
// with netip.ParseAddr.
func parseAddr(b []byte) (netip.Addr, error) {
	var a [4]byte
	octet, dots, digits := 0, 0, 0
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			octet = octet*10 + int(c-'0')
			digits++
			if octet > 255 || digits > 3 {
				return slowAddr(b)
			}
		case c == '.' && digits > 0 && dots < 3:
			a[dots] = byte(octet)
			dots++
			octet, digits = 0, 0
		default:
			return slowAddr(b)
		}
	}
	if dots != 3 || digits == 0 {
		return slowAddr(b)
	}
	a[3] = byte(octet)
	return netip.AddrFrom4(a), nil
}

func slowAddr(b []byte) (netip.Addr, error) {
	a, err := netip.ParseAddr(string(b))
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%q is not an IP address", b)
	}
	return a.Unmap(), nil
}

// appendField appends a field of r as AWS writes it.
func appendField(dst []byte, r *Record, f Field) []byte {
	str := func(s string) []byte {
		if s == "" {
			return append(dst, '-')
		}
		return append(dst, s...)
	}
	addr := func(a netip.Addr) []byte {
		if !a.IsValid() {
			return append(dst, '-')
		}
		return a.AppendTo(dst)
	}
	num := func(n int64, ok bool) []byte {
		if !ok {
			return append(dst, '-')
		}
		return strconv.AppendInt(dst, n, 10)
	}
	data := r.LogStatus == StatusOK
	switch f {
	case FieldVersion:
		return num(int64(r.Version), r.Version > 0)
	case FieldAccountID:
		return str(r.AccountID)
	case FieldInterfaceID:
		return str(r.InterfaceID)
	case FieldSrcAddr:
		return addr(r.SrcAddr)
	case FieldDstAddr:
		return addr(r.DstAddr)
	case FieldPktSrcAddr:
		return addr(r.PktSrcAddr)
	case FieldPktDstAddr:
		return addr(r.PktDstAddr)
	case FieldSrcPort:
		return num(int64(r.SrcPort), data)
	case FieldDstPort:
		return num(int64(r.DstPort), data)
	case FieldProtocol:
		return num(int64(r.Protocol), r.Protocol >= 0)
	case FieldPackets:
		return num(r.Packets, data)
	case FieldBytes:
		return num(r.Bytes, data)
	case FieldStart:
		return num(r.Start, true)
	case FieldEnd:
		return num(r.End, true)
	case FieldAction:
		return append(dst, r.Action.String()...)
	case FieldLogStatus:
		return append(dst, r.LogStatus.String()...)
	case FieldVPCID:
		return str(r.VPCID)
	case FieldSubnetID:
		return str(r.SubnetID)
	case FieldInstanceID:
		return str(r.InstanceID)
	case FieldTCPFlags:
		return num(int64(r.TCPFlags), r.TCPFlags >= 0)
	case FieldType:
		return str(r.Type)
	case FieldRegion:
		return str(r.Region)
	case FieldAZID:
		return str(r.AZID)
	case FieldFlowDirection:
		return append(dst, r.FlowDirection.String()...)
	case FieldTrafficPath:
		return num(int64(r.TrafficPath), r.TrafficPath > 0)
	case FieldUnknown:
		return append(dst, '-')
	}
	return str(r.otherValue(f))
}

// AppendText appends the record as a line of format f (without a line
// break), the way AWS writes it.
func (r *Record) AppendText(dst []byte, f Format) []byte {
	for i, x := range f {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = appendField(dst, r, x)
	}
	return dst
}
