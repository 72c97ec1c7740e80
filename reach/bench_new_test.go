package reach_test

import (
	"fmt"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/reach"
)

// BenchmarkOrgNew measures reach.New alone (the model's index and the
// engine's own indexes) on generated organizations: it is most of both the
// organization load and the explorer's first frame.
func BenchmarkOrgNew(b *testing.B) {
	for _, n := range []int{20000, 200000} {
		b.Run(fmt.Sprintf("interfaces=%d", n), func(b *testing.B) {
			s := fixtures.Org(fixtures.ScaledOrg(n))
			b.ReportAllocs()
			for b.Loop() {
				_ = reach.New(s)
			}
		})
	}
}
