//go:build unix

package awsjson_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model/awsjson"
)

// largeFolder writes the benchmark account (fixtures.DefaultLarge: 20,000
// interfaces, 5,000 security groups, 100,000 rules) as a folder of AWS CLI
// outputs and returns it with its files and their total size.
func largeFolder(b *testing.B) (dir string, files []string, size int64) {
	b.Helper()
	dir = b.TempDir()
	writeAWSFolder(b, fixtures.Large(fixtures.DefaultLarge()), dir)
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			st, serr := e.Info()
			if serr != nil {
				return serr
			}
			files = append(files, path)
			size += st.Size()
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return dir, files, size
}

// BenchmarkReadDirLarge imports the large account from its folder of AWS
// CLI outputs: read, decode (files in parallel), resolve, sort. It reports
// the live heap after the import (heap-MiB) against the folder's size
// (input-MiB), and the CPU time the import took (cpu-ms/op, user and
// system, which a busy machine does not inflate as it does wall time).
// Compare with BenchmarkDecodeAnyLarge, the floor.
func BenchmarkReadDirLarge(b *testing.B) {
	dir, _, size := largeFolder(b)
	b.SetBytes(size)
	b.ReportAllocs()
	var heap uint64
	var cpu time.Duration
	for b.Loop() {
		start := cpuTime()
		s, _, err := awsjson.ReadDir(context.Background(), dir, awsjson.ReadOptions{})
		cpu += cpuTime() - start
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = max(heap, ms.HeapAlloc)
		runtime.KeepAlive(s)
		b.StartTimer()
	}
	b.ReportMetric(float64(heap)/(1<<20), "heap-MiB")
	b.ReportMetric(float64(size)/(1<<20), "input-MiB")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
}

// BenchmarkDecodeAnyLarge is the floor the import is measured against: the
// time encoding/json needs just to read the same files and decode each
// into an any, one after the other.
func BenchmarkDecodeAnyLarge(b *testing.B) {
	_, files, size := largeFolder(b)
	b.SetBytes(size)
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			var v any
			if err := json.Unmarshal(data, &v); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// reportCPU starts counting the process's CPU time (user and system); the
// function it returns reports it per operation (cpu-ms/op).
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		b.ReportMetric(float64((cpuTime()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
