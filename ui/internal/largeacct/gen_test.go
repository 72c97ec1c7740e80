package largeacct

import (
	"os"
	"testing"

	"github.com/vpcscope/vpcscope/model/snapfile"
)

// TestWriteLarge writes the large account to $VPCSCOPE_WRITE_LARGE, for
// timing the real binary (`vpcscope --snapshot FILE`).
func TestWriteLarge(t *testing.T) {
	path := os.Getenv("VPCSCOPE_WRITE_LARGE")
	if path == "" {
		t.Skip("set VPCSCOPE_WRITE_LARGE=FILE to write the large account")
	}
	if err := snapfile.Write(path, Generate(Default)); err != nil {
		t.Fatal(err)
	}
}

func TestGenerateIsConsistent(t *testing.T) {
	s := Generate(Config{VPCs: 2, SubnetsPerVPC: 3, ENIsPerSubnet: 2, GroupsPerVPC: 3, RulesPerGroup: 4})
	if len(s.NetworkInterfaces) != 12 || len(s.Subnets) != 6 || len(s.SecurityGroups) != 6 {
		t.Fatalf("got %d interfaces, %d subnets, %d groups", len(s.NetworkInterfaces), len(s.Subnets), len(s.SecurityGroups))
	}
}
