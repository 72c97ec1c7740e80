package reach_test

import (
	"testing"

	"github.com/vpcscope/vpcscope/reach"
)

// TestInterfaceClassesOfRandomNetworksGroupAsTheJoinedKey: on random
// networks (managed interfaces, public and IPv6 addresses, random groups)
// the class key groups interfaces as the joined string key does
// (TestInterfaceClassesGroupAsTheJoinedKey).
func TestInterfaceClassesOfRandomNetworksGroupAsTheJoinedKey(t *testing.T) {
	for seed := range uint64(60) {
		if err := reach.ClassesAgainstJoinedKey(randomNetwork(seed).w.s); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
}
