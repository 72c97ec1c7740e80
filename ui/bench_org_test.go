package ui

import (
	"fmt"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
)

// BenchmarkOrgFirstFrame measures the explorer's first frame (the app built,
// the organization indexed, the overview drawn) on generated organizations
// of 20,000 and 200,000 interfaces: issue 15's budget is 2 s at 200,000.
func BenchmarkOrgFirstFrame(b *testing.B) {
	for _, n := range []int{20000, 200000} {
		b.Run(fmt.Sprintf("interfaces=%d", n), func(b *testing.B) {
			s := fixtures.Org(fixtures.ScaledOrg(n))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				startSync(b, s, 200, 60)
			}
		})
	}
}

// BenchmarkOrgKeystroke measures one key handled and its frame drawn on the
// same organizations, in the views a user scrolls: issue 15's budget is
// 16 ms a key at 200,000 interfaces. The commands a key returns run
// elsewhere and are not counted, except in the "landed" cases, which run
// them and hand their messages back as the program would.
func BenchmarkOrgKeystroke(b *testing.B) {
	enis := []string{"3", ">", ">", ">", ">", ">"}
	filterSetup := append(append([]string{}, enis...), "/", "1", "0", ".")
	for _, n := range []int{20000, 200000} {
		s := fixtures.Org(fixtures.ScaledOrg(n))
		for _, bc := range []struct {
			name  string
			setup []string
			keys  []string
			land  bool
		}{
			{"overview/down", nil, []string{"down"}, false},
			{"tree/down", []string{"2"}, []string{"down"}, false},
			{"tree/expand-collapse", []string{"2"}, []string{"l", "h"}, false},
			{"list-enis/down", enis, []string{"down"}, false},
			{"list-enis/pgdown", enis, []string{"pgdown"}, false},
			{"list-enis/sort-landed", enis, []string{"s"}, true},
			// a filter key on the key path only records the filter and
			// starts the ranking ("filter"); "filter-landed" runs the
			// ranking and lands it too — "10.5" ranks the matches of
			// "10." (narrowing), and backspace shows "10." again; "10.a"
			// cannot narrow "10." (initials), so it ranks every row.
			{"list-enis/filter", filterSetup, []string{"5", "backspace"}, false},
			{"list-enis/filter-landed", filterSetup, []string{"5", "backspace"}, true},
			{"list-enis/filter-landed-all-rows", filterSetup, []string{"a", "backspace"}, true},
		} {
			b.Run(fmt.Sprintf("interfaces=%d/%s", n, bc.name), func(b *testing.B) { benchKeys(b, s, bc.setup, bc.keys, bc.land) })
		}
	}
}
