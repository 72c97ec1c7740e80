package awsjson_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model/awsjson"
)

// TestLargeAccountFastPathAgreesWithEncodingJSON writes the large account
// (fixtures.DefaultLarge) as a folder of AWS CLI outputs and decodes every
// file on the fast pass (go-json-experiment/json) and on the careful pass
// (encoding/json): both must give the very same resources and links (a
// tenth of the account with -short or -race).
func TestLargeAccountFastPathAgreesWithEncodingJSON(t *testing.T) {
	cfg := fixtures.DefaultLarge()
	if testing.Short() || raceEnabled {
		cfg = fixtures.LargeConfig{Seed: 1, VPCs: 5, Subnets: 200, Interfaces: 2000, SecurityGroups: 500, Rules: 10000, Peerings: 3}
	}
	dir := t.TempDir()
	writeAWSFolder(t, fixtures.Large(cfg), dir)
	n := 0
	err := filepath.WalkDir(dir, func(path string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		fast, careful, ferr, cerr := awsjson.DecodeBothWays(path, data)
		if ferr != nil || cerr != nil {
			t.Fatalf("%s: fast path: %v, careful path: %v", path, ferr, cerr)
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
		t.Fatal("no files written")
	}
}
