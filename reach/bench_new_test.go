package reach_test

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/reach"
)

// BenchmarkOrgNew measures reach.New alone (the model's index and the
// engine's own indexes) on generated organizations: it is most of both the
// organization load and the explorer's first frame. cpu-s/op is the
// process's user and system CPU time per build (all goroutines), which
// other processes on the machine disturb less than the wall time.
func BenchmarkOrgNew(b *testing.B) {
	for _, n := range []int{20000, 200000} {
		b.Run(fmt.Sprintf("interfaces=%d", n), func(b *testing.B) {
			s := fixtures.Org(fixtures.ScaledOrg(n))
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				_ = reach.New(s)
			}
			b.ReportMetric((cpuTime()-start).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
