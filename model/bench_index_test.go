package model_test

import (
	"fmt"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
)

// BenchmarkOrgNewIndex measures model.NewIndex on generated organizations
// of 20,000 and 200,000 interfaces.
func BenchmarkOrgNewIndex(b *testing.B) {
	for _, n := range []int{20000, 200000} {
		b.Run(fmt.Sprintf("interfaces=%d", n), func(b *testing.B) {
			s := fixtures.Org(fixtures.ScaledOrg(n))
			b.ReportAllocs()
			for b.Loop() {
				_ = model.NewIndex(s)
			}
		})
	}
}
