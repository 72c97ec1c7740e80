package reach_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/snapfile"
	"github.com/vpcscope/vpcscope/reach"
)

// orgSizes are the organizations of the scale benchmarks, by interface
// count: fixtures.DefaultOrg (100 accounts in 3 regions, 1,000 VPCs,
// 200,000 interfaces, 50,000 groups with 1,000,000 rules, peered transit
// gateways, shared subnets) and the same at a tenth of everything.
var orgSizes = []int{20000, 200000}

// orgData is a generated organization and its snapshot file, built once
// per size and test binary.
type orgData struct {
	snap *model.Snapshot
	file []byte
}

var (
	orgMu      sync.Mutex
	orgBuilt   = map[int]*orgData{}
	orgEngines = map[int]*reach.Engine{}
)

func orgOf(b testing.TB, n int) *orgData {
	b.Helper()
	orgMu.Lock()
	defer orgMu.Unlock()
	if d := orgBuilt[n]; d != nil {
		return d
	}
	s := fixtures.Org(fixtures.ScaledOrg(n))
	var buf bytes.Buffer
	if err := snapfile.Encode(&buf, s); err != nil {
		b.Fatal(err)
	}
	d := &orgData{snap: s, file: buf.Bytes()}
	orgBuilt[n] = d
	return d
}

func orgEngine(b testing.TB, n int) *reach.Engine {
	d := orgOf(b, n)
	orgMu.Lock()
	defer orgMu.Unlock()
	if e := orgEngines[n]; e != nil {
		return e
	}
	e := reach.New(d.snap)
	orgEngines[n] = e
	return e
}

func eachOrgSize(b *testing.B, f func(b *testing.B, n int)) {
	for _, n := range orgSizes {
		b.Run(fmt.Sprintf("interfaces=%d", n), func(b *testing.B) { f(b, n) })
	}
}

// BenchmarkOrgLoadAndIndex decodes an organization's snapshot file and
// builds the engine's indexes, reporting the live heap afterwards
// (target at 200,000 interfaces: under 5 s and 3 GiB).
func BenchmarkOrgLoadAndIndex(b *testing.B) {
	eachOrgSize(b, func(b *testing.B, n int) {
		data := orgOf(b, n).file
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		var heap uint64
		for b.Loop() {
			s, err := snapfile.Unmarshal(data, "org.json")
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
		b.ReportMetric(float64(len(data))/(1<<20), "file-MiB")
	})
}

// orgPointQueries mixes queries between instance interfaces across the
// organization: most cross accounts, a third cross regions.
func orgPointQueries(s *model.Snapshot, n int) []reach.Query {
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

// BenchmarkOrgReachPoint answers point queries across the organization,
// reporting the median and 99th percentile (target: p50 under 50 µs).
func BenchmarkOrgReachPoint(b *testing.B) {
	eachOrgSize(b, func(b *testing.B, n int) {
		e := orgEngine(b, n)
		qs := orgPointQueries(e.Snapshot(), 2000)
		durs := make([]time.Duration, 0, 4096)
		reachable := 0
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			t0 := time.Now()
			a, err := e.Reach(qs[i%len(qs)])
			durs = append(durs, time.Since(t0))
			if err != nil {
				b.Fatal(err)
			}
			if a.Reachable {
				reachable++
			}
			i++
		}
		slices.Sort(durs)
		b.ReportMetric(float64(durs[len(durs)/2].Nanoseconds())/1e3, "p50-µs")
		b.ReportMetric(float64(durs[len(durs)*99/100].Nanoseconds())/1e3, "p99-µs")
		b.ReportMetric(100*float64(reachable)/float64(len(durs)), "%reachable")
	})
}

// BenchmarkOrgWhoCanReach computes every source in the organization that
// reaches one interface on 443 (target: under 100 ms).
func BenchmarkOrgWhoCanReach(b *testing.B) {
	eachOrgSize(b, func(b *testing.B, n int) {
		e := orgEngine(b, n)
		target := whoTarget(e.Snapshot())
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
	})
}

// BenchmarkOrgExposure finds everything the internet reaches in the
// organization, exactly (target: under 10 s).
func BenchmarkOrgExposure(b *testing.B) {
	eachOrgSize(b, func(b *testing.B, n int) {
		e := orgEngine(b, n)
		b.ReportAllocs()
		var found int
		for b.Loop() {
			found = len(e.Exposure(reach.ExposureOptions{}).Exposed)
		}
		b.ReportMetric(float64(found), "exposed")
	})
}

// BenchmarkOrgConnectionsByVPC answers which TCP traffic gets from every
// interface of one VPC to every interface of another VPC in another
// region and account, on every port (reach.Connections; target: under
// 30 s).
func BenchmarkOrgConnectionsByVPC(b *testing.B) {
	eachOrgSize(b, func(b *testing.B, n int) {
		e := orgEngine(b, n)
		from, to := orgVPCPair(e.Snapshot())
		b.ReportAllocs()
		var conns int
		for b.Loop() {
			cs, err := e.Connections(from, to, model.ProtocolTCP, nil, nil)
			if err != nil {
				b.Fatal(err)
			}
			conns = len(cs)
		}
		b.ReportMetric(float64(len(from.Interfaces)), "senders")
		b.ReportMetric(float64(len(to.Interfaces)), "receivers")
		b.ReportMetric(float64(conns), "connections")
	})
}

// orgVPCPair returns the interfaces of the first VPC of the first region
// and of the first VPC of another region and account.
func orgVPCPair(s *model.Snapshot) (from, to reach.Group) {
	byVPC := map[string][]string{}
	for _, n := range s.NetworkInterfaces {
		byVPC[n.VPCID] = append(byVPC[n.VPCID], n.ID)
	}
	first := s.VPCs[0]
	from.Interfaces = byVPC[first.ID]
	for _, v := range s.VPCs {
		if v.Region != first.Region && v.Account != first.Account {
			to.Interfaces = byVPC[v.ID]
			break
		}
	}
	return from, to
}

// TestOrgAnswers keeps the scale benchmarks honest: across the generated
// organization (at a tenth of its size) point queries give a mix of
// verdicts, none unknown, and some cross regions through the peered
// transit gateways.
func TestOrgAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("generated organization in -short mode")
	}
	e := orgEngine(t, orgSizes[0])
	verdicts := map[reach.Outcome]int{}
	peered := 0
	for _, q := range orgPointQueries(e.Snapshot(), 300) {
		a, err := e.Reach(q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		verdicts[a.Verdict]++
		for _, h := range a.Forward {
			if h.Stage == reach.StagePeering && h.Layer == reach.LayerTransitGateway && a.Reachable {
				peered++
				break
			}
		}
	}
	t.Logf("verdicts %v, %d reachable across regions", verdicts, peered)
	if verdicts[reach.VerdictReachable] == 0 || verdicts[reach.VerdictUnreachable] == 0 || peered == 0 {
		t.Errorf("one-sided mix: %v, %d across regions", verdicts, peered)
	}
	if verdicts[reach.VerdictUnknown] > 0 {
		t.Errorf("unknown verdicts: %v", verdicts)
	}
}
