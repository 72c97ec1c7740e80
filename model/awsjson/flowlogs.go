package awsjson

import "github.com/vpcscope/vpcscope/model"

// flowLogJSON is an element of `aws ec2 describe-flow-logs` output.
type flowLogJSON struct {
	tagged
	FlowLogId               string
	ResourceId              string
	TrafficType             string
	FlowLogStatus           string
	DeliverLogsStatus       string
	DeliverLogsErrorMessage string
	LogDestinationType      string
	LogDestination          string
	LogGroupName            string
	LogFormat               string
	MaxAggregationInterval  int32
}

func (d *docCtx) flowLog(_ string, v *flowLogJSON) {
	dest := v.LogDestination
	if dest == "" {
		dest = v.LogGroupName // older outputs name the log group alone
	}
	d.out.add(&model.FlowLog{
		Meta:                   d.meta(v.FlowLogId, "", v.tags()),
		ResourceID:             v.ResourceId,
		TrafficType:            v.TrafficType,
		Status:                 v.FlowLogStatus,
		DeliverLogsStatus:      v.DeliverLogsStatus,
		DeliverLogsError:       v.DeliverLogsErrorMessage,
		DestinationType:        v.LogDestinationType,
		Destination:            dest,
		LogFormat:              v.LogFormat,
		MaxAggregationInterval: v.MaxAggregationInterval,
	})
}
