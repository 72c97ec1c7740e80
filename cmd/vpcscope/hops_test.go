package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestReachHopAccounts: reach names the account and Region of every hop,
// in JSON (account, region) and in text (a "⇢ crosses into" line before
// a hop in another account or Region than the hop before it). The demo's
// payments-fraud peering joins 111122223333 to fraud-vpc in 444455556666
// (https://docs.aws.amazon.com/vpc/latest/peering/create-vpc-peering-connection.html).
func TestReachHopAccounts(t *testing.T) {
	const payments, fraud, east = "111122223333", "444455556666", "us-east-1"
	cases := []struct {
		name string
		args []string
		code int
		// crossings are the text output's crossing lines, each with the
		// hop row that follows it (its layer and resource).
		crossings [][2]string
		// fraud lists the hops in 444455556666; every other hop is in
		// 111122223333. All are in us-east-1.
		fraud []string
	}{
		{name: "a VPC peering into another account: the path crosses into it after the peering, and back before it",
			args: []string{"--from", "payments-api-1", "--to", "fraud-scoring-1", "--port", "8443"},
			crossings: [][2]string{
				{"  ⇢ crosses into account 444455556666 (us-east-1)", "network-acl        acl-09e6dc82abb001570"},
				{"  ⇢ crosses into account 111122223333 (us-east-1)", "vpc-peering        pcx-037ddf5c13d72a550"}},
			fraud: []string{"acl-09e6dc82abb001570", "sg-0b4d6ebc96560e4f2", "eni-02d1a235a4df9e5f1", "rtb-0685e426c3aa9afe4"}},
		{name: "a path inside one account and Region crosses nothing",
			args: []string{"--from", "web-1a", "--to", "db-1a", "--port", "3306"}, code: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runMain(t, "", append([]string{"reach", "--demo"}, c.args...)...)
			if code != c.code {
				t.Fatalf("exit %d, want %d: %s", code, c.code, errOut)
			}
			lines := strings.Split(out, "\n")
			var got [][2]string
			for i, l := range lines {
				if strings.Contains(l, "⇢") && i+1 < len(lines) {
					got = append(got, [2]string{l, lines[i+1]})
				}
			}
			if len(got) != len(c.crossings) {
				t.Fatalf("%d crossing lines, want %d:\n%s", len(got), len(c.crossings), out)
			}
			for i, w := range c.crossings {
				if got[i][0] != w[0] || !strings.Contains(got[i][1], w[1]) {
					t.Errorf("crossing %d: %q then %q, want %q then a row of %q", i, got[i][0], got[i][1], w[0], w[1])
				}
			}

			_, js, _ := runMain(t, "", append([]string{"reach", "--demo", "-o", "json"}, c.args...)...)
			var a struct {
				Forward, Return []struct{ Layer, Resource, Account, Region string }
			}
			if err := json.Unmarshal([]byte(js), &a); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			if len(a.Forward) == 0 {
				t.Fatal("no forward hops")
			}
			for _, h := range append(a.Forward, a.Return...) {
				want := payments
				if slices.Contains(c.fraud, h.Resource) {
					want = fraud
				}
				if h.Account != want || h.Region != east {
					t.Errorf("hop %s %s is in %q %q, want %q %q", h.Layer, h.Resource, h.Account, h.Region, want, east)
				}
			}
		})
	}
}
