package awsjson

import "testing"

// TestFlowLogs: `aws ec2 describe-flow-logs` output becomes FlowLog
// resources, and any such output — even an empty one — marks the flow-log
// configuration as read; a dump without it leaves it unread (the audit's
// flow-log control then says it was not checked).
func TestFlowLogs(t *testing.T) {
	tests := []struct {
		name   string
		doc    string
		logs   int
		listed bool
	}{
		{"a VPC flow log to CloudWatch Logs and a subnet flow log to S3", `{"FlowLogs": [
			{"FlowLogId": "fl-0a1b2c3d4e5f60718", "ResourceId": "vpc-0a1b2c3d", "TrafficType": "ALL", "FlowLogStatus": "ACTIVE",
			 "DeliverLogsStatus": "SUCCESS", "LogDestinationType": "cloud-watch-logs", "LogGroupName": "vpc-flow-logs",
			 "LogFormat": "${version} ${account-id}", "MaxAggregationInterval": 600, "Tags": [{"Key": "Name", "Value": "prod"}]},
			{"FlowLogId": "fl-0a1b2c3d4e5f60719", "ResourceId": "subnet-0a1b2c3d", "TrafficType": "REJECT", "FlowLogStatus": "ACTIVE",
			 "LogDestinationType": "s3", "LogDestination": "arn:aws:s3:::flow-bucket/prefix"}]}`, 2, true},
		{"an empty describe-flow-logs output: the account has none", `{"FlowLogs": []}`, 0, true},
		{"a dump without describe-flow-logs output", `{"Vpcs": []}`, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im := NewImporter()
			if err := im.AddDocument("111122223333", "us-east-1", "flow-logs.json", []byte(tt.doc)); err != nil {
				t.Fatal(err)
			}
			snap, _ := im.Snapshot()
			if len(snap.FlowLogs) != tt.logs || snap.FlowLogsListed != tt.listed {
				t.Fatalf("%d flow logs, listed %v; want %d, %v", len(snap.FlowLogs), snap.FlowLogsListed, tt.logs, tt.listed)
			}
			if tt.logs > 0 {
				f := snap.FlowLogs[0]
				if f.ResourceID != "vpc-0a1b2c3d" || f.Destination != "vpc-flow-logs" || f.TrafficType != "ALL" || !f.Active() ||
					f.Name() != "prod" || f.Region != "us-east-1" || f.MaxAggregationInterval != 600 {
					t.Errorf("flow log %+v", f)
				}
			}
		})
	}
}
