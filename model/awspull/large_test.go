package awspull

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/awspull/fakeaws"
)

// largeConfig is the account the large-pull measurement uses: the
// benchmark account (fixtures.DefaultLarge: 20,000 interfaces, 5,000
// security groups, 100,000 rules) with VPCSCOPE_PULL_LARGE=1, a tenth of it
// otherwise so the test suite stays quick.
func largeConfig() fixtures.LargeConfig {
	cfg := fixtures.DefaultLarge()
	if os.Getenv("VPCSCOPE_PULL_LARGE") != "1" {
		cfg.Subnets, cfg.Interfaces, cfg.SecurityGroups, cfg.Rules = cfg.Subnets/10, cfg.Interfaces/10, cfg.SecurityGroups/10, cfg.Rules/10
	}
	return cfg
}

// pullFigures are what one pull of the large account cost.
type pullFigures struct {
	wall           time.Duration
	calls, retries int
	requests       int
	resources      int
	// chains is each top-level operation's time from its first call to
	// its last answer, within this pull.
	chains map[string]time.Duration
}

func measurePull(t testing.TB, srv *fakeaws.Server, kinds []model.Kind) pullFigures {
	t.Helper()
	before := total(srv.Calls())
	var tally Tally
	start := time.Now()
	snap, notes, err := Pull(context.Background(), Options{Profiles: []string{profile("123456789012")}, Regions: []string{"us-east-1"},
		EndpointURL: srv.URL, Kinds: kinds}, tally.Add)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) > 0 {
		t.Errorf("%d notes, first: %s", len(notes), notes[0])
	}
	f := pullFigures{wall: time.Since(start), requests: total(srv.Calls()) - before, chains: map[string]time.Duration{}}
	for r := range snap.All() {
		_ = r
		f.resources++
	}
	tt := tally.Totals()
	f.calls, f.retries = tt.Calls, tt.Retries
	for _, e := range tally.Events() {
		if e.Kind != "" {
			f.chains[string(e.Kind)+" "+e.Operation] = e.Elapsed
		}
	}
	if gaps := slices.DeleteFunc(snap.Gaps, func(g model.Gap) bool { return g.Code == CodeNotRequested }); len(gaps) > 0 {
		t.Fatalf("gaps: %v", gaps)
	}
	return f
}

func total(m map[string]int) (n int) {
	for _, v := range m {
		n += v
	}
	return n
}

// TestLargeAccountPull measures a pull of a large account from the local
// endpoint: calls, pages, wall time, and the ratio of the whole pull's
// wall time to the slowest kind's page chain pulled on its own (the least
// a pull can take, being bound by round trips). With a simulated round
// trip of 100 ms (AWS's describe calls take longer) the full-size pull
// must stay under 1.5 times that chain. (A tenth of the account is bound by
// Options.Workers, not by its two-page chains, so only the full size is
// held to the ratio.)
func TestLargeAccountPull(t *testing.T) {
	snap := fixtures.Large(largeConfig())
	srv := fakeaws.New(snap)
	defer srv.Close()
	counts := snap.Counts()
	t.Logf("account: %d VPCs, %d subnets, %d interfaces, %d instances, %d security groups, %d route tables, %d network ACLs",
		counts[model.KindVPC], counts[model.KindSubnet], counts[model.KindNetworkInterface], counts[model.KindInstance],
		counts[model.KindSecurityGroup], counts[model.KindRouteTable], counts[model.KindNetworkACL])
	full := os.Getenv("VPCSCOPE_PULL_LARGE") == "1"
	latencies := []time.Duration{0}
	if full {
		latencies = []time.Duration{0, 50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond}
	}
	for _, latency := range latencies {
		srv.SetLatency(latency)
		// The machine is shared: take the better of two runs.
		all := measurePull(t, srv, nil)
		if full {
			if again := measurePull(t, srv, nil); again.wall < all.wall {
				all = again
			}
		}
		if all.resources != len(slices.Collect(snap.All())) {
			t.Errorf("pulled %d resources, the account has %d", all.resources, len(slices.Collect(snap.All())))
		}
		if !full {
			t.Logf("latency %v: %d calls (%d HTTP requests, %d retries), %d resources, wall %v (set VPCSCOPE_PULL_LARGE=1 for the full account and the ratio)",
				latency, all.calls, all.requests, all.retries, all.resources, all.wall.Round(time.Millisecond))
			continue
		}
		// The slowest kind on its own: the least the whole pull can take.
		var slowest string
		var chain time.Duration
		for _, k := range model.Kinds() {
			best := map[string]time.Duration{}
			for range 2 {
				for op, d := range measurePull(t, srv, []model.Kind{k}).chains {
					if b, ok := best[op]; !ok || d < b {
						best[op] = d
					}
				}
			}
			for op, d := range best {
				if d > chain {
					slowest, chain = op, d
				}
			}
		}
		ratio := float64(all.wall) / float64(chain)
		t.Logf("latency %v: %d calls (%d HTTP requests, %d retries), %d resources, wall %v; slowest chain alone: %s %v; ratio %.2f",
			latency, all.calls, all.requests, all.retries, all.resources, all.wall.Round(time.Millisecond),
			slowest, chain.Round(time.Millisecond), ratio)
		if latency == 100*time.Millisecond && ratio >= 1.5 {
			t.Errorf("latency %v: the pull took %.2f times its slowest chain, want under 1.5", latency, ratio)
		}
	}
}
