package awsjson_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/awsjson"
)

// TestLargeAccountFolderRoundTrip writes a tenth of the generated large
// account as a folder of AWS CLI outputs and imports it: every resource
// comes back, with no gap, conflict or warning.
func TestLargeAccountFolderRoundTrip(t *testing.T) {
	cfg := fixtures.DefaultLarge()
	cfg.Subnets, cfg.Interfaces, cfg.SecurityGroups, cfg.Rules = cfg.Subnets/10, cfg.Interfaces/10, cfg.SecurityGroups/10, cfg.Rules/10
	want := fixtures.Large(cfg)
	dir := t.TempDir()
	writeAWSFolder(t, want, dir)
	got, rep, err := awsjson.ReadDir(context.Background(), dir, awsjson.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if g, w := got.Counts(), want.Counts(); !equalCounts(g, w) {
		t.Errorf("counts %v, want %v", g, w)
	}
	if len(got.Gaps)+len(rep.Warnings)+len(rep.SkippedFiles) != 0 {
		t.Errorf("gaps %v, warnings %v, skipped %v", got.Gaps, rep.Warnings, rep.SkippedFiles)
	}
}

func equalCounts(a, b map[model.Kind]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, n := range a {
		if b[k] != n {
			return false
		}
	}
	return true
}

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
// the peak live heap after the import (heap-MiB) against the folder's
// size (input-MiB). Compare its time with BenchmarkDecodeAnyLarge, the
// floor.
func BenchmarkReadDirLarge(b *testing.B) {
	dir, _, size := largeFolder(b)
	b.SetBytes(size)
	b.ReportAllocs()
	var heap uint64
	for b.Loop() {
		s, _, err := awsjson.ReadDir(context.Background(), dir, awsjson.ReadOptions{})
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
}

// BenchmarkDecodeAnyLarge is the floor the import is measured against: the
// time encoding/json needs just to read the same files and decode each
// into an any, one after the other.
func BenchmarkDecodeAnyLarge(b *testing.B) {
	_, files, size := largeFolder(b)
	b.SetBytes(size)
	b.ReportAllocs()
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
