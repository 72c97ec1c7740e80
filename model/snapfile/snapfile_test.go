package snapfile

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vpcscope/vpcscope/fixtures/fuzzcheck"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/internal/jsonin"
)

// fill sets every exported field reachable from v to a non-zero value, so a
// round trip proves that no field is lost (a missing JSON tag, an
// omitempty that drops a meaningful false).
func fill(t *testing.T, v reflect.Value, depth int) {
	t.Helper()
	switch v.Interface().(type) {
	case netip.Prefix:
		v.Set(reflect.ValueOf(netip.MustParsePrefix("10.1.0.0/16")))
		return
	case netip.Addr:
		v.Set(reflect.ValueOf(netip.MustParseAddr("10.1.2.3")))
		return
	case time.Time:
		v.Set(reflect.ValueOf(time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)))
		return
	case model.Protocol:
		v.Set(reflect.ValueOf(model.ProtocolTCP))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x-" + strings.ToLower(v.Type().Name()))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Uint16:
		v.SetUint(443)
	case reflect.Pointer:
		if depth > 6 {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), depth+1)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := 0; i < 2; i++ {
			fill(t, v.Index(i), depth+1)
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		val := reflect.New(v.Type().Elem()).Elem()
		fill(t, val, depth+1)
		if val.Kind() == reflect.String {
			val.SetString("web-1")
		}
		m.SetMapIndex(reflect.ValueOf("Name"), val)
		v.Set(m)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), depth+1)
			}
		}
	default:
		t.Fatalf("fill: unhandled kind %s (%s)", v.Kind(), v.Type())
	}
}

func TestRoundTripKeepsEveryField(t *testing.T) {
	tests := []struct {
		name string
		// other is the account of every kind's second record: another
		// one makes two parts.
		other  string
		schema int
	}{
		{"one account and region: flat, schema 1", "", schemaFlat},
		{"two accounts: in parts, the current schema", "z-other", model.SchemaVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s model.Snapshot
			fill(t, reflect.ValueOf(&s).Elem(), 0)
			s.Schema = tt.schema
			n := 0
			for r := range s.All() { // two records of one ID would be combined
				n++
				r.Base().ID = fmt.Sprintf("x-id-%d", n)
				if n%2 == 0 && tt.other != "" {
					r.Base().Account = tt.other
				}
			}
			var buf bytes.Buffer
			if err := Encode(&buf, &s); err != nil {
				t.Fatal(err)
			}
			data := bytes.Clone(buf.Bytes())
			got, err := Decode(&buf, "roundtrip.json")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, &s) {
				t.Fatalf("round trip changed the snapshot:\n got %+v\nwant %+v", got, &s)
			}
			// The sequential decoder, which locates errors, reads the
			// same snapshot as the parallel one.
			seq, err := decode(jsonin.BytesSource("roundtrip.json", data))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(seq, &s) {
				t.Fatalf("the sequential decoder read another snapshot:\n got %+v\nwant %+v", seq, &s)
			}
		})
	}
}

func TestRoundTripKeepsFalseSourceDestCheck(t *testing.T) {
	// AWS's default is true, so false is the meaningful value: it must
	// survive even though it is Go's zero value.
	s := &model.Snapshot{Schema: 1, NetworkInterfaces: []*model.NetworkInterface{
		{Meta: model.Meta{ID: "eni-1"}, SourceDestCheck: false},
		{Meta: model.Meta{ID: "eni-2"}, SourceDestCheck: true},
	}}
	var buf bytes.Buffer
	if err := Encode(&buf, s); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"sourceDestCheck": false`) {
		t.Fatalf("encoded snapshot does not state sourceDestCheck false:\n%s", buf.String())
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"malformed JSON names line and column", "{\n  \"schema\": 1,\n  \"vpcs\": [\n    {\"id\": \"vpc-1\",}\n  ]\n}", "snap.json:4:20: malformed JSON"},
		{"wrong type names the field", "{\"schema\": 1,\n \"vpcs\": [{\"id\": 42}]}", "snap.json:2:18: vpcs[0].id: want string, got number"},
		{"bad CIDR is refused", `{"schema": 1, "vpcs": [{"id": "vpc-1", "cidrs": ["10.0.0.0/33"]}]}`, "snap.json:"},
		{"missing schema says what the file is not", `{"Vpcs": []}`, "not a vpcscope snapshot"},
		{"newer schema asks for an upgrade", `{"schema": 99}`, "newer than this vpcscope reads"},
		{"truncated file", "{\"schema\": 1, \"vpcs\": [", "snap.json:1:24: malformed JSON"},
		{"empty file", "", "snap.json:1:1: malformed JSON"},
		{"unknown protocol", `{"schema": 1, "securityGroups": [{"id": "sg-1", "ingress": [{"protocol": "tcpp"}]}]}`, `protocol "tcpp"`},
		{"an error in a part names the part", "{\"schema\": 2, \"parts\": [\n {\"account\": \"1\", \"vpcs\": []},\n {\"vpcs\": [{\"id\": 42}]}]}",
			"snap.json:3:19: parts[1].vpcs[0].id: want string, got number"},
		{"parts that are not a list", `{"schema": 2, "parts": {}}`, "parts: want a list"},
		{"the same resource in two parts, differently", `{"schema": 2, "parts": [{"vpcs": [{"id": "vpc-1", "cidrs": ["10.0.0.0/16"]}]}, {"vpcs": [{"id": "vpc-1", "cidrs": ["10.1.0.0/16"]}]}]}`,
			"parts[1].vpcs[0]: vpc vpc-1 again, differently from parts[0].vpcs[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tt.doc), "snap.json")
			if err == nil {
				t.Fatalf("Decode succeeded, want error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
		})
	}
}

func TestWriteIsAtomicAndReadable(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "snap.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &model.Snapshot{Source: "fixture", VPCs: []*model.VPC{{Meta: model.Meta{ID: "vpc-1"}}}}
	if err := Write(path, s); err != nil {
		t.Fatal(err)
	}
	got, _, err := Read(context.Background(), path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Schema != schemaFlat || len(got.VPCs) != 1 || got.VPCs[0].ID != "vpc-1" {
		t.Fatalf("read back %+v", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
	if err := Write(filepath.Join(dir, "missing", "snap.json"), s); err == nil {
		t.Fatal("Write into a missing folder succeeded")
	}
}

// FuzzUnmarshal checks that no document makes the decoder panic, that a
// rejected one gets a one-line error, that an accepted one survives
// encoding and decoding again, and that it goes through the index, the
// engine and the audit (a null element once passed decoding and panicked
// in model.NewIndex).
func FuzzUnmarshal(f *testing.F) {
	for _, seed := range []string{
		`{"schema": 1, "vpcs": [{"id": "vpc-1", "cidrs": ["10.0.0.0/16"]}]}`,
		`{"schema": 1, "networkAcls": [{"id": "acl-1", "entries": [{"ruleNumber": 100, "protocol": "-1", "action": "allow", "cidr": "0.0.0.0/0", "portRange": {"from": 1, "to": 2}}]}]}`,
		`{"schema": 1, "securityGroups": [{"id": "sg-1", "ingress": [{"protocol": "tcp", "fromPort": 22, "toPort": 22, "group": {"groupId": "sg-2"}}]}]}`,
		`{"schema": 0}`,
		`{`,
		// Null elements in resource lists and nested lists.
		`{"schema": 1, "vpcs": [null]}`,
		`{"schema": 1, "networkInterfaces": [null], "subnets": [null]}`,
		`{"schema": 1, "routeTables": [{"id": "rtb-1", "routes": [null]}]}`,
		// Missing IDs, empty elements, duplicates, two-sided resources.
		`{"schema": 1, "vpcs": [{}]}`,
		`{"schema": 1, "routeTables": [{"id": "rtb-1", "routes": [{}, {}]}]}`,
		`{"schema": 1, "vpcs": [{"id": "vpc-1", "cidrs": ["10.0.0.0/16"]}, {"id": "vpc-1", "cidrs": ["10.1.0.0/16"]}]}`,
		`{"schema": 1, "vpcs": [{"id": "vpc-1", "cidrs": ["10.0.0.0/16"]}, {"id": "vpc-1", "cidrs": ["10.0.0.0/16"]}]}`,
		`{"schema": 1, "vpcPeeringConnections": [{"id": "pcx-1", "status": "active", "requester": {"vpcId": "vpc-1"}, "accepter": {"vpcId": "vpc-2"}},
		  {"id": "pcx-1", "status": "active", "requester": {"vpcId": "vpc-1", "cidrs": ["10.1.0.0/16"]}, "accepter": {"vpcId": "vpc-2"}}]}`,
		// Huge and odd numbers, wrong shapes, data after the document.
		`{"schema": 1, "securityGroups": [{"id": "sg-1", "ingress": [{"protocol": "tcp", "fromPort": 99999999999, "toPort": -70000}]}]}`,
		`{"schema": 1e400}`,
		`{"schema": 1, "networkAcls": [{"id": "acl-1", "entries": [{"ruleNumber": -1, "protocol": "-1", "action": "deny", "cidr": "::/0"}]}]}`,
		`{"schema": 1, "vpcs": {}}`,
		`[{"schema": 1}]`,
		`{"schema": 1} {"schema": 1}`,
		``,
		// A small network: two interfaces, a group, a route table.
		`{"schema": 1, "vpcs": [{"id": "vpc-1", "cidrs": ["10.0.0.0/16"]}],
		  "subnets": [{"id": "subnet-1", "vpcId": "vpc-1", "cidr": "10.0.1.0/24"}],
		  "routeTables": [{"id": "rtb-1", "vpcId": "vpc-1", "routes": [{"destination": "10.0.0.0/16", "gatewayId": "local"}], "associations": [{"main": true}]}],
		  "securityGroups": [{"id": "sg-1", "vpcId": "vpc-1", "ingress": [{"protocol": "-1", "fromPort": -1, "toPort": -1, "cidr": "0.0.0.0/0"}], "egress": []}],
		  "networkInterfaces": [{"id": "eni-1", "vpcId": "vpc-1", "subnetId": "subnet-1", "privateIps": [{"address": "10.0.1.10", "primary": true}], "securityGroupIds": ["sg-1"], "sourceDestCheck": true},
		    {"id": "eni-2", "vpcId": "vpc-1", "subnetId": "subnet-1", "privateIps": [{"address": "10.0.1.11", "primary": true, "publicIp": "54.0.0.1"}], "securityGroupIds": ["sg-1"], "sourceDestCheck": true}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Unmarshal(data, "fuzz.json")
		if err != nil {
			if strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "fuzz.json") {
				t.Fatalf("not a one-line error naming the file: %q", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := Encode(&buf, s); err != nil {
			t.Fatalf("decoded snapshot does not encode: %v", err)
		}
		if _, err := Unmarshal(buf.Bytes(), "again.json"); err != nil {
			t.Fatalf("encoded snapshot does not decode: %v", err)
		}
		fuzzcheck.Exercise(t, s)
	})
}

func TestReadFolderRecordsMissingOutputsAsGaps(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "us-east-1")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, doc string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("vpcs.json", `{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "OwnerId": "111122223333"}]}`)
	write("subnets.json", `{"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"}]}`)
	write("reservations.json", `{"Reservations": []}`)
	s, _, err := Read(context.Background(), filepath.Dir(dir), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range s.Gaps {
		got = append(got, string(g.Kind))
	}
	// NetworkInterfaces is covered by Reservations (instances carry theirs).
	want := []string{"route-table", "security-group", "network-acl"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("gaps for missing outputs = %v, want %v", got, want)
	}
}

func TestReadFolderWithoutNetworkDataFails(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.json"), []byte(`{"DBInstances": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := Read(context.Background(), dir, ReadOptions{})
	if err == nil || !strings.Contains(err.Error(), "found no VPCs or network interfaces") {
		t.Fatalf("Read of a folder without network data: %v", err)
	}
}
