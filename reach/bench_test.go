package reach_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/internal/batch"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/snapfile"
	"github.com/vpcscope/vpcscope/reach"
)

// The large account is generated once per test binary: 50 VPCs, 2,000
// subnets, 20,000 interfaces, 5,000 security groups with 100,000 rules,
// peering and a transit gateway (fixtures.DefaultLarge).
var large = sync.OnceValues(func() (*model.Snapshot, []byte) {
	s := fixtures.Large(fixtures.DefaultLarge())
	var buf bytes.Buffer
	if err := snapfile.Encode(&buf, s); err != nil {
		panic(err)
	}
	return s, buf.Bytes()
})

var largeEngine = sync.OnceValue(func() *reach.Engine {
	s, _ := large()
	return reach.New(s)
})

// pointQueries returns a fixed mix of queries between instance interfaces
// of the large account: same VPC, across peering and across the transit
// gateway, on ports the generated rules use.
func pointQueries(s *model.Snapshot, n int) []reach.Query {
	rng := rand.New(rand.NewPCG(7, 11))
	var enis []*model.NetworkInterface
	for _, e := range s.NetworkInterfaces {
		if e.InstanceID() != "" {
			enis = append(enis, e)
		}
	}
	ports := []int{22, 80, 443, 3306, 5432, 8080, 8443}
	qs := make([]reach.Query, n)
	for i := range qs {
		a, b := enis[rng.IntN(len(enis))], enis[rng.IntN(len(enis))]
		qs[i] = reach.Query{From: a.ID, To: b.ID, Protocol: model.ProtocolTCP, Port: ports[rng.IntN(len(ports))]}
	}
	return qs
}

// BenchmarkLoadAndIndex decodes the large account's snapshot file and
// builds the engine's indexes: what every command does before answering.
func BenchmarkLoadAndIndex(b *testing.B) {
	_, data := large()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	var heap uint64
	for b.Loop() {
		s, err := snapfile.Unmarshal(data, "large.json")
		if err != nil {
			b.Fatal(err)
		}
		e := reach.New(s)
		b.StopTimer()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = max(heap, ms.HeapAlloc)
		runtime.KeepAlive(e)
		b.StartTimer()
	}
	b.ReportMetric(float64(heap)/(1<<20), "heap-MiB")
}

// BenchmarkReachPoint answers point queries; it reports the median and
// 99th percentile latency of single queries besides the mean.
func BenchmarkReachPoint(b *testing.B) {
	e := largeEngine()
	s, _ := large()
	qs := pointQueries(s, 2000)
	durs := make([]time.Duration, 0, b.N)
	reachable := 0
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		q := qs[i%len(qs)]
		i++
		t0 := time.Now()
		a, err := e.Reach(q)
		durs = append(durs, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		if a.Reachable {
			reachable++
		}
	}
	slices.Sort(durs)
	b.ReportMetric(float64(durs[len(durs)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(durs[len(durs)*99/100].Nanoseconds())/1e3, "p99-µs")
	b.ReportMetric(100*float64(reachable)/float64(len(durs)), "%reachable")
}

// BenchmarkWhoCanReach computes every source that can reach an interface.
func BenchmarkWhoCanReach(b *testing.B) {
	e := largeEngine()
	s, _ := large()
	target := whoTarget(s)
	b.ReportAllocs()
	var sources int
	for b.Loop() {
		a, err := e.WhoCanReach(reach.WhoQuery{To: target, Protocol: model.ProtocolTCP, Port: 443})
		if err != nil {
			b.Fatal(err)
		}
		sources = len(a.Sources) + len(a.Blocked)
	}
	b.ReportMetric(float64(sources), "sources")
}

// whoTarget picks an interface whose groups admit a broad range on 443.
func whoTarget(s *model.Snapshot) string {
	for _, n := range s.NetworkInterfaces {
		if n.InstanceID() != "" && len(n.PublicIPs()) == 0 {
			return n.ID
		}
	}
	return s.NetworkInterfaces[0].ID
}

// BenchmarkExposure finds everything the internet reaches in the account.
func BenchmarkExposure(b *testing.B) {
	e := largeEngine()
	b.ReportAllocs()
	var found int
	for b.Loop() {
		found = len(e.Exposure(reach.ExposureOptions{}).Exposed)
	}
	b.ReportMetric(float64(found), "exposed")
}

// TestLargeAccountAnswers keeps the benchmark honest: the generated
// account must produce a mix of verdicts, not only blocks.
func TestLargeAccountAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("large account in -short mode")
	}
	e := largeEngine()
	s, _ := large()
	verdicts := map[reach.Outcome]int{}
	layers := map[reach.Layer]int{}
	for _, q := range pointQueries(s, 300) {
		a, err := e.Reach(q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		verdicts[a.Verdict]++
		if a.Blocked != nil {
			layers[a.Blocked.Layer]++
		}
	}
	t.Logf("verdicts %v, blocking layers %v", verdicts, layers)
	if verdicts[reach.VerdictReachable] == 0 || verdicts[reach.VerdictUnreachable] == 0 {
		t.Fatalf("large account gives a one-sided mix: %v", verdicts)
	}
	if verdicts[reach.VerdictUnknown] > 0 {
		t.Errorf("large account has unknown verdicts: %v", fmt.Sprint(verdicts))
	}
}

// scaled returns the large account at a multiple of its interfaces (the
// same VPCs, subnets and groups: more interfaces per subnet), built once.
var scaled = sync.OnceValue(func() map[int]*reach.Engine {
	out := map[int]*reach.Engine{}
	for _, n := range []int{20000, 80000} {
		cfg := fixtures.DefaultLarge()
		cfg.Interfaces = n
		out[n] = reach.New(fixtures.Large(cfg))
	}
	return out
})

// BenchmarkReachPointScale answers the same kind of point queries on the
// large account with 20,000 and with 80,000 interfaces: a query's cost
// must not grow with the account.
func BenchmarkReachPointScale(b *testing.B) {
	for _, n := range []int{20000, 80000} {
		b.Run(fmt.Sprintf("interfaces=%d", n), func(b *testing.B) {
			e := scaled()[n]
			qs := pointQueries(e.Snapshot(), 2000)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := e.Reach(qs[i%len(qs)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkReachBatch answers the 2,000 point queries of BenchmarkReachPoint
// as `reach --batch` does, end to end: batch.Run, the code path of the
// command, reads b.N JSON lines (the queries over and over) and writes
// b.N JSON answers, with GOMAXPROCS workers (-cpu 1 for one). ns/op is per
// query; cpu-µs/op is the process's CPU time per query (all goroutines),
// which other processes on the machine disturb less than the wall time.
func BenchmarkReachBatch(b *testing.B) {
	e := largeEngine()
	s, _ := large()
	var lines [][]byte
	for _, q := range pointQueries(s, 2000) {
		lines = append(lines, fmt.Appendf(nil, "{\"from\":%q,\"to\":%q,\"protocol\":\"tcp\",\"port\":%d}\n", q.From, q.To, q.Port))
	}
	in := make([]byte, 0, b.N*len(lines[0]))
	for i := range b.N {
		in = append(in, lines[i%len(lines)]...)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	bad, err := batch.Run(context.Background(), e, bytes.NewReader(in), io.Discard, batch.Options{})
	if err != nil || bad > 0 {
		b.Fatalf("%d bad lines, error %v", bad, err)
	}
	b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/1e3/float64(b.N), "cpu-µs/op")
}
