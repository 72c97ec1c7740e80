package flowexplain_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model/flowlog"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/flowexplain"
)

// BenchmarkExplain1GB reads a flow-log file of about 1 GB (default v2
// text, as S3 delivers it unzipped) generated for the large account, and
// explains it: the whole streaming pass, flow grouping and the engine's
// answers. The file is written before the timer starts; client ports are
// varied across eight copies of the generated traffic, so the flows are
// many more than the engine's distinct questions. Run it once:
//
//	go test -run '^$' -bench Explain1GB -benchtime 1x ./reach/flowexplain/
//
// VPCSCOPE_FLOWLOG_BENCH_MB sets another size.
func BenchmarkExplain1GB(b *testing.B) {
	size := int64(1024)
	if v, err := strconv.ParseInt(os.Getenv("VPCSCOPE_FLOWLOG_BENCH_MB"), 10, 64); err == nil && v > 0 {
		size = v
	}
	size <<= 20
	e := reach.New(fixtures.Large(fixtures.DefaultLarge()))
	syn, err := flowexplain.Synthesize(e, flowexplain.SynthOptions{Seed: 1, Connections: 20000, Windows: 3})
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "flows.log")
	written := writeBig(b, path, syn, size)
	b.SetBytes(written)
	b.ResetTimer()
	var rep *flowexplain.Report
	var heap uint64
	for range b.N {
		c := flowexplain.NewCollector()
		sc := flowlog.NewScanner(flowlog.Options{}, c.Add)
		if err := sc.Paths(context.Background(), path); err != nil {
			b.Fatal(err)
		}
		rep = flowexplain.Explain(e, c, sc.Stats())
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = max(heap, ms.HeapAlloc)
	}
	b.StopTimer()
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(rep.Records)/sec, "records/s")
	b.ReportMetric(float64(len(rep.Flows)), "flows")
	b.ReportMetric(float64(rep.Questions), "questions")
	b.ReportMetric(float64(heap)/(1<<20), "MB-heap")
	if rep.Skipped.Malformed != 0 || rep.Summary.ByAgreement[flowexplain.Disagrees].Flows == 0 {
		b.Fatalf("report %+v", rep.Skipped)
	}
}

// writeBig writes copies of the generated records in the default format
// until the file holds size bytes, shifting the client ports of each copy
// (eight variations) so that they are new flows. It returns the size.
func writeBig(b *testing.B, path string, syn *flowexplain.Synthetic, size int64) int64 {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	cw := &countingWriter{w: bw}
	tw, err := flowlog.NewTextWriter(cw, flowlog.DefaultFormat, true)
	if err != nil {
		b.Fatal(err)
	}
	for copyN := 0; cw.n < size; copyN++ {
		shift := uint16(copyN%8) * 3000
		for i := range syn.Records {
			r := syn.Records[i]
			if r.SrcPort >= 32768 {
				r.SrcPort = 32768 + (r.SrcPort-32768+shift)%28000
			} else if r.DstPort >= 32768 {
				r.DstPort = 32768 + (r.DstPort-32768+shift)%28000
			}
			r.Start += int64(copyN) * 600
			r.End += int64(copyN) * 600
			if err := tw.Write(&r); err != nil {
				b.Fatal(err)
			}
		}
		if err := tw.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
	return cw.n
}

type countingWriter struct {
	w interface{ Write([]byte) (int, error) }
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
