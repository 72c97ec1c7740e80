package awspull

import (
	"context"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/awspull/fakeaws"
)

// TestFlowLogsArePulled: DescribeFlowLogs is a row of the task table; its
// flow logs come back as FlowLog resources, and the snapshot says the
// flow-log configuration was listed, even where an account has none.
func TestFlowLogsArePulled(t *testing.T) {
	t.Parallel()
	want, srvSnap := func() (*model.Snapshot, *model.Snapshot) {
		_, s := serve(t, "three-tier")
		return s, s
	}()
	fl := &model.FlowLog{Meta: model.Meta{ID: "fl-0123456789abcdef0", Account: acct, Region: region, Tags: model.Tags{"Name": "prod-vpc"}},
		ResourceID: want.VPCs[0].ID, TrafficType: "REJECT", Status: "ACTIVE", DeliverLogsStatus: "SUCCESS",
		DestinationType: "s3", Destination: "arn:aws:s3:::flow-bucket/vpc", LogFormat: "${version} ${interface-id}", MaxAggregationInterval: 60}
	srvSnap.FlowLogs = append(srvSnap.FlowLogs, fl)
	srv := fakeaws.New(srvSnap)
	t.Cleanup(srv.Close)
	got, _, err := pullFrom(t, context.Background(), srv, []string{acct}, []string{region}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !got.FlowLogsListed || len(got.FlowLogs) != 1 || !reflect.DeepEqual(got.FlowLogs[0], fl) {
		t.Fatalf("listed %v, flow logs %+v; want %+v", got.FlowLogsListed, got.FlowLogs, fl)
	}
	if n := srv.Calls()["ec2:DescribeFlowLogs"]; n != 1 {
		t.Errorf("%d DescribeFlowLogs calls", n)
	}
	empty, _ := serve(t, "peering")
	got, _, err = pullFrom(t, context.Background(), empty, []string{acct}, []string{region}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !got.FlowLogsListed || len(got.FlowLogs) != 0 {
		t.Errorf("an account without flow logs: listed %v, %d flow logs", got.FlowLogsListed, len(got.FlowLogs))
	}
}

// readFlowLogs reads a log group and an S3 prefix from the server.
func readFlowLogs(t *testing.T, srv *fakeaws.Server, since time.Time, pattern string) ([]LogEvent, []string) {
	t.Helper()
	o := LogOptions{Profile: profile(acct), Region: region, EndpointURL: srv.URL}
	var evs []LogEvent
	if err := ReadLogGroup(context.Background(), o, "vpc-flow-logs", since, pattern, func(e LogEvent) error {
		evs = append(evs, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var objs []string
	if err := ReadS3(context.Background(), o, "s3://flow-bucket/AWSLogs/", func(name string, body io.Reader) error {
		data, err := io.ReadAll(body)
		objs = append(objs, name+"="+string(data))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return evs, objs
}

// flowLogServer serves a log group of five events and three objects under
// a prefix (and one outside it), two to a page.
func flowLogServer(t *testing.T) *fakeaws.Server {
	srv, _ := serve(t, "three-tier")
	srv.SetPageSize(2)
	base := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	for i, msg := range []string{"2 1 eni-a 10.0.0.1 10.0.0.2 1 22 6 1 1 1 1 REJECT OK", "2 1 eni-a 10.0.0.1 10.0.0.2 1 80 6 1 1 1 1 ACCEPT OK",
		"2 1 eni-b 10.0.0.3 10.0.0.2 1 22 6 1 1 1 1 REJECT OK", "2 1 eni-b 10.0.0.3 10.0.0.2 1 443 6 1 1 1 1 ACCEPT OK",
		"2 1 eni-c 10.0.0.4 10.0.0.2 1 22 6 1 1 1 1 REJECT OK"} {
		srv.PutLogEvents("vpc-flow-logs", fakeaws.LogEvent{Stream: "eni-a-all", Timestamp: base.Add(time.Duration(i) * time.Minute).UnixMilli(), Message: msg})
	}
	for _, k := range []string{"AWSLogs/1/vpcflowlogs/us-east-1/2026/01/05/a.log", "AWSLogs/1/vpcflowlogs/us-east-1/2026/01/05/b.log",
		"AWSLogs/1/vpcflowlogs/us-east-1/2026/01/06/c.log", "AWSLogs/1/vpcflowlogs/us-east-1/2026/01/06/", "other/d.log"} {
		srv.PutObject("flow-bucket", k, []byte(k[len(k)-5:]))
	}
	return srv
}

// TestFlowLogReaders: --log-group reads every page of FilterLogEvents from
// --since on, with the filter pattern; s3://bucket/prefix reads every page
// of the listing and each object under the prefix, folder markers skipped.
func TestFlowLogReaders(t *testing.T) {
	t.Parallel()
	srv := flowLogServer(t)
	base := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		since   time.Time
		pattern string
		want    int
	}{
		{"every event, three pages", base, "", 5},
		{"--since skips older events", base.Add(2 * time.Minute), "", 3},
		{"--filter-pattern REJECT", base, "REJECT", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, objs := readFlowLogs(t, srv, tt.since, tt.pattern)
			if len(evs) != tt.want || evs[0].Stream != "eni-a-all" || !strings.HasPrefix(evs[0].Message, "2 1 eni-") {
				t.Errorf("events %+v, want %d", evs, tt.want)
			}
			want := []string{"s3://flow-bucket/AWSLogs/1/vpcflowlogs/us-east-1/2026/01/05/a.log=a.log",
				"s3://flow-bucket/AWSLogs/1/vpcflowlogs/us-east-1/2026/01/05/b.log=b.log",
				"s3://flow-bucket/AWSLogs/1/vpcflowlogs/us-east-1/2026/01/06/c.log=c.log"}
			if !slices.Equal(objs, want) {
				t.Errorf("objects %v", objs)
			}
		})
	}
	calls := srv.Calls()
	if calls["logs:FilterLogEvents"] != 3+2+2 || calls["s3:ListBucket"] != 3*2 || calls["s3:GetObject"] != 3*3 {
		t.Errorf("calls %v", calls)
	}
}

// TestFlowLogReadErrors: a log group or bucket that does not exist, and a
// malformed URL, are one-line errors naming the call.
func TestFlowLogReadErrors(t *testing.T) {
	t.Parallel()
	srv := flowLogServer(t)
	o := LogOptions{Profile: profile(acct), Region: region, EndpointURL: srv.URL}
	err := ReadLogGroup(context.Background(), o, "nope", time.Time{}, "", func(LogEvent) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "FilterLogEvents on nope: ResourceNotFoundException") {
		t.Errorf("missing group: %v", err)
	}
	err = ReadS3(context.Background(), o, "s3://no-bucket/x", func(string, io.Reader) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "ListObjectsV2 on s3://no-bucket/x: NoSuchBucket") {
		t.Errorf("missing bucket: %v", err)
	}
	if err := ReadS3(context.Background(), o, "https://flow-bucket/x", nil); err == nil || !strings.Contains(err.Error(), "not an s3://") {
		t.Errorf("bad URL: %v", err)
	}
}
