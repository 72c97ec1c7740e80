package flowlog

import (
	"fmt"
	"strings"
)

// Field is one field of a flow-log record, as named in a custom format.
type Field uint8

// The fields of versions 2 to 5, in the order of AWS's "Available fields"
// table, and the ECS fields of version 7. FieldUnknown stands for a name
// this package does not know; its values are skipped.
const (
	FieldUnknown Field = iota
	FieldVersion
	FieldAccountID
	FieldInterfaceID
	FieldSrcAddr
	FieldDstAddr
	FieldSrcPort
	FieldDstPort
	FieldProtocol
	FieldPackets
	FieldBytes
	FieldStart
	FieldEnd
	FieldAction
	FieldLogStatus
	FieldVPCID
	FieldSubnetID
	FieldInstanceID
	FieldTCPFlags
	FieldType
	FieldPktSrcAddr
	FieldPktDstAddr
	FieldRegion
	FieldAZID
	FieldSublocationType
	FieldSublocationID
	FieldPktSrcAWSService
	FieldPktDstAWSService
	FieldFlowDirection
	FieldTrafficPath
	FieldECSClusterARN
	FieldECSClusterName
	FieldECSContainerInstanceARN
	FieldECSContainerInstanceID
	FieldECSContainerID
	FieldECSSecondContainerID
	FieldECSServiceName
	FieldECSTaskDefinitionARN
	FieldECSTaskARN
	FieldECSTaskID
	FieldRejectReason
	numFields
)

// fieldNames are the names AWS uses in formats and file headers.
var fieldNames = [numFields]string{
	FieldUnknown: "", FieldVersion: "version", FieldAccountID: "account-id", FieldInterfaceID: "interface-id",
	FieldSrcAddr: "srcaddr", FieldDstAddr: "dstaddr", FieldSrcPort: "srcport", FieldDstPort: "dstport",
	FieldProtocol: "protocol", FieldPackets: "packets", FieldBytes: "bytes", FieldStart: "start", FieldEnd: "end",
	FieldAction: "action", FieldLogStatus: "log-status", FieldVPCID: "vpc-id", FieldSubnetID: "subnet-id",
	FieldInstanceID: "instance-id", FieldTCPFlags: "tcp-flags", FieldType: "type", FieldPktSrcAddr: "pkt-srcaddr",
	FieldPktDstAddr: "pkt-dstaddr", FieldRegion: "region", FieldAZID: "az-id", FieldSublocationType: "sublocation-type",
	FieldSublocationID: "sublocation-id", FieldPktSrcAWSService: "pkt-src-aws-service",
	FieldPktDstAWSService: "pkt-dst-aws-service", FieldFlowDirection: "flow-direction", FieldTrafficPath: "traffic-path",
	FieldECSClusterARN: "ecs-cluster-arn", FieldECSClusterName: "ecs-cluster-name",
	FieldECSContainerInstanceARN: "ecs-container-instance-arn", FieldECSContainerInstanceID: "ecs-container-instance-id",
	FieldECSContainerID: "ecs-container-id", FieldECSSecondContainerID: "ecs-second-container-id",
	FieldECSServiceName: "ecs-service-name", FieldECSTaskDefinitionARN: "ecs-task-definition-arn",
	FieldECSTaskARN: "ecs-task-arn", FieldECSTaskID: "ecs-task-id", FieldRejectReason: "reject-reason",
}

// String returns the field's name as AWS writes it ("pkt-srcaddr").
func (f Field) String() string {
	if f < numFields && f != FieldUnknown {
		return fieldNames[f]
	}
	return "unknown"
}

// Fields returns every known field, in AWS's table order.
func Fields() []Field {
	out := make([]Field, 0, numFields-1)
	for f := FieldVersion; f < numFields; f++ {
		out = append(out, f)
	}
	return out
}

// ParseField returns the field a name denotes. It accepts AWS's names
// ("pkt-srcaddr"), the ${...} form of a format string and the underscore
// form of Parquet columns ("pkt_srcaddr").
func ParseField(name string) (Field, bool) {
	n := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(name), "${"), "}")
	n = strings.ReplaceAll(strings.ToLower(n), "_", "-")
	for f := FieldVersion; f < numFields; f++ {
		if fieldNames[f] == n {
			return f, true
		}
	}
	return FieldUnknown, false
}

// Format is the ordered list of fields of each record.
type Format []Field

// DefaultFormat is the default (version 2) format: AWS's 14 fields.
var DefaultFormat = Format{FieldVersion, FieldAccountID, FieldInterfaceID, FieldSrcAddr, FieldDstAddr,
	FieldSrcPort, FieldDstPort, FieldProtocol, FieldPackets, FieldBytes, FieldStart, FieldEnd, FieldAction,
	FieldLogStatus}

// ParseFormat reads a format: field names separated by spaces, as in a
// file's header line ("version account-id ..."), or AWS's LogFormat
// string ("${version} ${account-id} ..."). Unknown names are kept as
// FieldUnknown so that the columns still line up; a format must name at
// least one known field, and none twice.
func ParseFormat(s string) (Format, error) {
	words := strings.Fields(s)
	if len(words) == 0 {
		return nil, fmt.Errorf("empty flow-log format")
	}
	out := make(Format, len(words))
	seen := map[Field]bool{}
	known := 0
	for i, w := range words {
		f, ok := ParseField(w)
		if ok {
			if seen[f] {
				return nil, fmt.Errorf("flow-log format names %s twice", f)
			}
			seen[f] = true
			known++
		}
		out[i] = f
	}
	if known == 0 {
		return nil, fmt.Errorf("flow-log format %q names no known field (like version, srcaddr, action)", s)
	}
	return out, nil
}

// String renders the format as a header line.
func (f Format) String() string {
	var b strings.Builder
	for i, x := range f {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(x.String())
	}
	return b.String()
}

// Has reports whether the format includes the field.
func (f Format) Has(x Field) bool {
	for _, y := range f {
		if y == x {
			return true
		}
	}
	return false
}
