package awsjson

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/model/internal/jsonin"
)

// TestFastPathAgreesWithCarefulPath decodes every lab file both ways: the
// fast path (straight from the stream) must give exactly what the careful
// path (which keeps every value's position for error messages) gives.
func TestFastPathAgreesWithCarefulPath(t *testing.T) {
	dir := labsDir(t)
	n := 0
	err := filepath.WalkDir(dir, func(path string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() || !strings.HasSuffix(path, ".json") || strings.HasSuffix(path, "probes.json") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		fast, ferr := decodePass("111122223333", "us-east-1", jsonin.BytesSource(path, data), false)
		careful, cerr := decodePass("111122223333", "us-east-1", jsonin.BytesSource(path, data), true)
		if cerr != nil {
			t.Fatalf("%s: careful path: %v", path, cerr)
		}
		if ferr != nil {
			t.Fatalf("%s: a well-formed lab file left the fast path: %v", path, ferr)
		}
		if !reflect.DeepEqual(fast, careful) {
			t.Fatalf("%s: fast and careful paths decode differently", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no lab files read")
	}
}

func TestBadDocumentsFallBackToTheCarefulPath(t *testing.T) {
	for _, doc := range []string{
		`{"Vpcs": [{"VpcId": 42}]}`,
		`{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/33"}]}`,
		`{"Vpcs": []} trailing`,
		`[1, 2]`,
	} {
		if _, err := decodePass("", "", jsonin.BytesSource("x.json", []byte(doc)), false); err == nil {
			t.Errorf("fast path accepted %s", doc)
		}
	}
}
