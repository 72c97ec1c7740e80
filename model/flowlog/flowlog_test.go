package flowlog_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/model/flowlog"
)

// scan reads files (name -> content) written to a temporary folder and
// returns the records, the stats and the errors reported.
func scan(t *testing.T, opts flowlog.Options, files map[string][]byte) ([]flowlog.Record, flowlog.Stats, []error) {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var errs []error
	opts.OnError = func(err error) { errs = append(errs, err) }
	var recs []flowlog.Record
	s := flowlog.NewScanner(opts, func(r *flowlog.Record) error { recs = append(recs, r.Clone()); return nil })
	if err := s.Paths(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	return recs, s.Stats(), errs
}

func gz(t *testing.T, data string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(data)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The records of the AWS VPC user guide, "Flow log record examples":
// accepted SSH, rejected RDP, no data, skipped records, and the ping whose
// reply the network ACL refuses (an inbound ACCEPT, an outbound REJECT).
const awsExamples = `version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK
2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK
2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA
2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA
2 123456789010 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 0 0 1 4 336 1432917027 1432917142 ACCEPT OK
2 123456789010 eni-1235b8ca123456789 172.31.16.139 203.0.113.12 0 0 1 4 336 1432917094 1432917142 REJECT OK
`

func TestFormats(t *testing.T) {
	v5 := `version interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr srcport dstport protocol action log-status flow-direction traffic-path tcp-flags vpc-id subnet-id pkt-dst-aws-service
5 eni-1235b8ca123456789 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5 43418 443 6 ACCEPT OK ingress - 2 vpc-0a1 subnet-0b2 -
5 eni-1235b8ca123456789 10.0.0.220 203.0.113.5 10.0.0.220 203.0.113.5 43418 443 6 ACCEPT OK egress 8 2 vpc-0a1 subnet-0b2 S3
`
	tests := []struct {
		name    string
		files   map[string][]byte
		opts    flowlog.Options
		records int
		check   func(t *testing.T, recs []flowlog.Record, st flowlog.Stats)
	}{
		{"v2 default format with the header S3 files carry: AWS's examples, NODATA and SKIPDATA counted, not records",
			map[string][]byte{"a.log": []byte(awsExamples)}, flowlog.Options{}, 4,
			func(t *testing.T, recs []flowlog.Record, st flowlog.Stats) {
				r := recs[1]
				if r.InterfaceID != "eni-1235b8ca123456789" || r.SrcAddr != netip.MustParseAddr("172.31.9.69") || r.DstPort != 3389 ||
					r.Protocol != 6 || r.Action != flowlog.ActionReject || r.Packets != 20 || r.Bytes != 4249 || r.Start != 1418530010 || r.AccountID != "123456789010" {
					t.Errorf("RDP record %+v", r)
				}
				if st.NoData != 1 || st.SkipData != 1 {
					t.Errorf("NODATA %d SKIPDATA %d, want 1 and 1", st.NoData, st.SkipData)
				}
				if recs[2].Protocol != 1 || recs[2].SrcPort != 0 {
					t.Errorf("ICMP record %+v", recs[2])
				}
			}},
		{"v2 default format without a header (CloudWatch Logs messages, older files)",
			map[string][]byte{"b.log": []byte(strings.SplitN(awsExamples, "\n", 2)[1])}, flowlog.Options{}, 4, nil},
		{"custom format: any subset and order of fields, named by the header line",
			map[string][]byte{"c.log": []byte("action srcaddr interface-id dstport protocol dstaddr srcport log-status\nREJECT 198.51.100.7 eni-0aaa 22 6 10.0.0.5 51515 OK\n")},
			flowlog.Options{}, 1, func(t *testing.T, recs []flowlog.Record, _ flowlog.Stats) {
				r := recs[0]
				if r.Action != flowlog.ActionReject || r.DstPort != 22 || r.InterfaceID != "eni-0aaa" || r.SrcPort != 51515 || r.Version != 0 {
					t.Errorf("record %+v", r)
				}
			}},
		{"v5 with pkt-srcaddr, pkt-dstaddr, flow-direction and traffic-path: the NAT gateway example",
			map[string][]byte{"d.log": []byte(v5)}, flowlog.Options{}, 2,
			func(t *testing.T, recs []flowlog.Record, _ flowlog.Stats) {
				in, out := recs[0], recs[1]
				if in.FlowDirection != flowlog.DirectionIngress || in.PacketDst() != netip.MustParseAddr("203.0.113.5") || in.DstAddr != netip.MustParseAddr("10.0.0.220") {
					t.Errorf("ingress %+v", in)
				}
				if out.FlowDirection != flowlog.DirectionEgress || out.TrafficPath != 8 || out.TCPFlags != 2 || out.Get(flowlog.FieldPktDstAWSService) != "S3" {
					t.Errorf("egress %+v", out)
				}
				if in.TrafficPath != 0 || in.Get(flowlog.FieldTrafficPath) != "-" {
					t.Errorf("absent traffic-path read as %d", in.TrafficPath)
				}
			}},
		{"ECS fields are carried, not needed",
			map[string][]byte{"e.log": []byte("interface-id srcaddr dstaddr srcport dstport protocol action log-status ecs-cluster-name ecs-task-id\neni-1 10.0.0.1 10.0.0.2 40000 80 6 ACCEPT OK prod 0123abcd\n")},
			flowlog.Options{}, 1, func(t *testing.T, recs []flowlog.Record, _ flowlog.Stats) {
				if got := recs[0].Get(flowlog.FieldECSTaskID); got != "0123abcd" {
					t.Errorf("ecs-task-id %q", got)
				}
			}},
		{"gzip files as delivered to S3, in the AWSLogs/<account>/vpcflowlogs/<region>/yyyy/mm/dd layout, read recursively",
			map[string][]byte{
				"AWSLogs/123456789010/vpcflowlogs/us-east-1/2026/01/02/123456789010_vpcflowlogs_us-east-1_fl-1_20260102T0000Z_hash.log.gz": gz(t, awsExamples),
				"AWSLogs/123456789010/vpcflowlogs/us-east-1/2026/01/03/123456789010_vpcflowlogs_us-east-1_fl-1_20260103T0000Z_hash.log.gz": gz(t, awsExamples),
				".hidden/skip.log": []byte("garbage\n"),
			}, flowlog.Options{}, 8, func(t *testing.T, _ []flowlog.Record, st flowlog.Stats) {
				if st.Files != 2 {
					t.Errorf("%d files read, want 2 (hidden folders skipped)", st.Files)
				}
			}},
		{"a headless custom format named with --format (a CloudWatch Logs group's LogFormat)",
			map[string][]byte{"f.log": []byte("eni-1 10.0.0.1 10.0.0.2 REJECT\n")},
			flowlog.Options{Format: mustFormat(t, "${interface-id} ${srcaddr} ${dstaddr} ${action}")}, 1, nil},
		{"IPv6 addresses",
			map[string][]byte{"g.log": []byte("interface-id srcaddr dstaddr srcport dstport protocol action log-status\neni-1 2001:db8::1 2600:1f18::5 40000 443 6 ACCEPT OK\n")},
			flowlog.Options{}, 1, func(t *testing.T, recs []flowlog.Record, _ flowlog.Stats) {
				if recs[0].DstAddr != netip.MustParseAddr("2600:1f18::5") {
					t.Errorf("dst %s", recs[0].DstAddr)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, st, errs := scan(t, tt.opts, tt.files)
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if len(recs) != tt.records || st.Records != int64(tt.records) {
				t.Fatalf("%d records (stats %d), want %d", len(recs), st.Records, tt.records)
			}
			if tt.check != nil {
				tt.check(t, recs, st)
			}
		})
	}
}

func mustFormat(t *testing.T, s string) flowlog.Format {
	t.Helper()
	f, err := flowlog.ParseFormat(s)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestParquet: a Parquet file as VPC Flow Logs writes it to S3 (columns
// named with underscores, in whatever order, nulls for absent values)
// reads back the records written.
func TestParquet(t *testing.T) {
	base, _, _ := scan(t, flowlog.Options{}, map[string][]byte{"a.log": []byte(awsExamples)})
	format := mustFormat(t, "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status pkt-srcaddr flow-direction")
	base[0].FlowDirection = flowlog.DirectionIngress
	var buf bytes.Buffer
	if err := flowlog.WriteParquet(&buf, format, base); err != nil {
		t.Fatal(err)
	}
	recs, st, errs := scan(t, flowlog.Options{}, map[string][]byte{"x.log.parquet": buf.Bytes()})
	if len(errs) > 0 || len(recs) != len(base) || st.Files != 1 {
		t.Fatalf("%d records, %d files, errors %v", len(recs), st.Files, errs)
	}
	for i := range base {
		if !recs[i].Equal(&base[i]) {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, recs[i], base[i])
		}
	}
	if recs[1].PktSrcAddr.IsValid() || recs[1].FlowDirection != flowlog.DirectionUnknown {
		t.Errorf("nulls read as values: %+v", recs[1])
	}
}

// TestCloudWatchExport: the JSON `aws logs filter-log-events` prints, its
// events' messages in the flow log's format.
func TestCloudWatchExport(t *testing.T) {
	base, _, _ := scan(t, flowlog.Options{}, map[string][]byte{"a.log": []byte(awsExamples)})
	var buf bytes.Buffer
	if err := flowlog.WriteCloudWatchExport(&buf, flowlog.DefaultFormat, base); err != nil {
		t.Fatal(err)
	}
	recs, _, errs := scan(t, flowlog.Options{}, map[string][]byte{"events.json": buf.Bytes(), "events.json.gz": gz(t, buf.String())})
	if len(errs) > 0 || len(recs) != 2*len(base) {
		t.Fatalf("%d records, errors %v", len(recs), errs)
	}
	if !recs[1].Equal(&base[1]) {
		t.Errorf("got %+v\nwant %+v", recs[1], base[1])
	}
}

// TestMalformedLinesAreReportedAndSkipped: each bad line is reported with
// its file and line, and reading goes on with the next line and file.
func TestMalformedLinesAreReportedAndSkipped(t *testing.T) {
	lines := strings.Split(awsExamples, "\n")
	bad := strings.Join([]string{lines[0], lines[1],
		"2 123456789010 eni-1 10.0.0.x 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK",
		"2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 70000 6 1 1 1 1 ACCEPT OK",
		"2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 MAYBE OK",
		"2 123456789010 eni-1 10.0.0.1",
		"2 123456789010 - 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK",
		lines[2], ""}, "\n")
	recs, st, errs := scan(t, flowlog.Options{}, map[string][]byte{"bad.log": []byte(bad), "z.log": []byte("not a flow log at all\n"),
		"broken.gz": {0x1f, 0x8b, 0, 0}})
	if len(recs) != 2 || st.Malformed != 5 || st.BadFiles != 2 {
		t.Fatalf("%d records, %d malformed, %d bad files; errors %v", len(recs), st.Malformed, st.BadFiles, errs)
	}
	want := []string{
		"bad.log:3: srcaddr: \"10.0.0.x\" is not an IP address",
		"bad.log:4: dstport: 70000 is out of range",
		"bad.log:5: action: \"MAYBE\" is not ACCEPT or REJECT",
		"bad.log:6: 4 fields, the format has 14",
		"bad.log:7: interface-id: missing",
		"broken.gz: gzip:",
		"z.log: line 1: no header line",
	}
	for i, w := range want {
		var le *flowlog.LineError
		var fe *flowlog.FileError
		if i >= len(errs) || !strings.Contains(errs[i].Error(), w) || (!errors.As(errs[i], &le) && !errors.As(errs[i], &fe)) {
			t.Errorf("error %d: %v, want one containing %q", i, errs, w)
			break
		}
	}
}

// TestTextRoundTrip: what TextWriter writes reads back the same, in any
// format.
func TestTextRoundTrip(t *testing.T) {
	base, _, _ := scan(t, flowlog.Options{}, map[string][]byte{"a.log": []byte(awsExamples)})
	format := mustFormat(t, "log-status action end start bytes packets protocol dstport srcport dstaddr srcaddr interface-id account-id version tcp-flags")
	var buf bytes.Buffer
	w, err := flowlog.NewTextWriter(&buf, format, true)
	if err != nil {
		t.Fatal(err)
	}
	for i := range base {
		if err := w.Write(&base[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	recs, _, errs := scan(t, flowlog.Options{}, map[string][]byte{"r.log": buf.Bytes()})
	if len(errs) > 0 || len(recs) != len(base) {
		t.Fatalf("%d records, errors %v\n%s", len(recs), errs, buf.String())
	}
	for i := range base {
		if !recs[i].Equal(&base[i]) {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, recs[i], base[i])
		}
	}
}

// FuzzScan: no input makes the reader panic, and every record it returns
// renders back to text.
func FuzzScan(f *testing.F) {
	f.Add([]byte(awsExamples))
	f.Add([]byte(`{"events":[{"message":"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK"}]}`))
	f.Add([]byte("interface-id srcaddr\neni-1 ::1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := flowlog.NewScanner(flowlog.Options{}, func(r *flowlog.Record) error {
			_ = r.AppendText(nil, flowlog.DefaultFormat)
			return nil
		})
		if err := s.Stream(context.Background(), "fuzz", bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	})
}
