package reach_test

import (
	"runtime"
	"testing"

	"github.com/vpcscope/vpcscope/reach"
)

// benchConnectivity computes the large account's connectivity matrix,
// every interface and the internet both ways, every default probe, and
// reports the cells and the heap after.
func benchConnectivity(b *testing.B, by reach.GroupBy) {
	e := largeEngine()
	all := reach.Group{Interfaces: e.Ends(), Internet: true}
	b.ReportAllocs()
	var cells int
	var heap uint64
	for b.Loop() {
		m, err := e.Connectivity(reach.ConnectivityOptions{From: all, To: all, By: by})
		if err != nil {
			b.Fatal(err)
		}
		cells = m.Len()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = max(heap, ms.HeapAlloc)
		runtime.KeepAlive(m)
	}
	b.ReportMetric(float64(cells), "cells")
	b.ReportMetric(float64(heap)/(1<<20), "heap-MiB")
}

// BenchmarkConnectivityByVPC: the matrix of the 50 VPCs and the internet.
func BenchmarkConnectivityByVPC(b *testing.B) { benchConnectivity(b, reach.ByVPC) }

// BenchmarkConnectivityBySubnet: the matrix of the 2,000 subnets and the
// internet.
func BenchmarkConnectivityBySubnet(b *testing.B) { benchConnectivity(b, reach.BySubnet) }
