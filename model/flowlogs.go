package model

// FlowLog is a VPC flow log: the VPC, subnet or network interface whose
// traffic it captures and where it delivers the records
// (ec2:DescribeFlowLogs).
type FlowLog struct {
	Meta
	// ResourceID is the VPC, subnet or interface captured (vpc-..., subnet-..., eni-...).
	ResourceID string `json:"resourceId"`
	// TrafficType is ACCEPT, REJECT or ALL.
	TrafficType string `json:"trafficType,omitempty"`
	// Status is the flow log's FlowLogStatus (ACTIVE).
	Status string `json:"status,omitempty"`
	// DeliverLogsStatus is SUCCESS or FAILED; DeliverLogsError says why.
	DeliverLogsStatus string `json:"deliverLogsStatus,omitempty"`
	DeliverLogsError  string `json:"deliverLogsError,omitempty"`
	// DestinationType is cloud-watch-logs, s3 or kinesis-data-firehose;
	// Destination is the log group name or the bucket or stream ARN.
	DestinationType string `json:"destinationType,omitempty"`
	Destination     string `json:"destination,omitempty"`
	// LogFormat is the record format ("${version} ${account-id} ...").
	LogFormat string `json:"logFormat,omitempty"`
	// MaxAggregationInterval is 60 or 600 seconds.
	MaxAggregationInterval int32 `json:"maxAggregationInterval,omitempty"`
}

// Kind returns KindFlowLog.
func (*FlowLog) Kind() Kind { return KindFlowLog }

// Active reports whether the flow log captures traffic now: its status is
// ACTIVE (or not recorded) and delivery has not failed.
func (f *FlowLog) Active() bool {
	return (f.Status == "" || f.Status == "ACTIVE") && f.DeliverLogsStatus != "FAILED"
}
