package topology_test

import (
	"io"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/topology"
)

// BenchmarkLargeMap builds the map of the generated large account (50
// VPCs, a transit gateway, 25 peerings, 2,000 route tables' routes read)
// and draws it as text at 120 columns: what the explorer's map view pays
// once per snapshot.
func BenchmarkLargeMap(b *testing.B) {
	ix := model.NewIndex(fixtures.Large(fixtures.DefaultLarge()))
	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			topology.Build(ix)
		}
	})
	m := topology.Build(ix)
	b.Run("text", func(b *testing.B) {
		for b.Loop() {
			_ = topology.WriteText(io.Discard, m, topology.TextOptions{Width: 120})
		}
	})
	b.Run("layout", func(b *testing.B) {
		for b.Loop() {
			m.Layout(120)
		}
	})
}
