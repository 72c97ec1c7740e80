package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// TestBatchLineOver1MiBIsAnsweredAloneAndTheRestGoOn: a 2 MiB line between
// two good queries gets its own {"line":2,"error":...} answer and both good
// lines are answered. Before, the scanner's 1 MiB limit ended the whole
// batch with exit 3 and left the third line unanswered.
func TestBatchLineOver1MiBIsAnsweredAloneAndTheRestGoOn(t *testing.T) {
	good := `{"from":"app-1a","to":"db-1a","port":3306}`
	huge := `{"from":"` + strings.Repeat("x", 2<<20) + `","to":"db-1a","port":3306}`
	in := good + "\n" + huge + "\n" + good + "\n"
	code, out, errOut := runMain(t, in, "reach", "--demo", "--batch", "-")
	if code != exitBadInput {
		t.Fatalf("exit %d, want 2 (one bad line)\nstderr: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d answer lines, want 3", len(lines))
	}
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("answer %d is not JSON: %v", i+1, err)
		}
		if i == 1 {
			if m["line"] != float64(2) || !strings.Contains(m["error"].(string), "longer than") {
				t.Errorf("answer 2 = %v, want the line-2 error", m)
			}
			continue
		}
		if m["reachable"] != true {
			t.Errorf("answer %d = %.200s, want reachable", i+1, l)
		}
	}
	if len(out) > 64<<10 {
		t.Errorf("the oversized line was echoed: %d bytes of output", len(out))
	}
}

// TestBatchMalformedLinesAreAnsweredAlone: each kind of bad line gets its
// own error answer naming its line number, and the lines after it are
// answered.
func TestBatchMalformedLinesAreAnsweredAlone(t *testing.T) {
	in := strings.Join([]string{
		`{"from":"app-1a","to":"db-1a","port":3306}`,
		`{"from":"app-1a","to":"db-1a","port":70000}`,
		`{"from":"app-1a","to":"db-1a","port":"3306"}`,
		`{"from":"app-1a","to":"db-1a","port":3306,"extra":1}`,
		`{"from":"app-1a"`,
		"\x00\x1b]52;c;aGk=\x07",
		``,
		`{"from":"internet","to":"internet","port":443}`,
		`{"from":"app-1a","to":"db-1a","port":3306}`,
	}, "\r\n")
	code, out, _ := runMain(t, in, "reach", "--demo", "--batch", "-")
	if code != exitBadInput {
		t.Fatalf("exit %d, want 2", code)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m struct {
			Line      int    `json:"line"`
			Error     string `json:"error"`
			Reachable bool   `json:"reachable"`
		}
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("answer %q is not JSON: %v", l, err)
		}
		if m.Error != "" {
			got = append(got, "error@"+strconv.Itoa(m.Line))
		} else {
			got = append(got, "answer")
		}
	}
	want := "answer error@2 error@3 error@4 error@5 error@6 error@8 answer"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("answers %s, want %s", g, want)
	}
}

// TestBatchOnAPlannedNetworkAnswersAsSingleQueries: on the network a plan
// would leave (a firewall whose endpoint is a placeholder, so answers get
// its caveat), each batch answer line is the answer `reach -o json` gives
// to the same query alone. The batch answers concurrently; run with -race.
func TestBatchOnAPlannedNetworkAnswersAsSingleQueries(t *testing.T) {
	ends := []string{"internet", "i-03618f9337164a7b8", "i-058f2226d5a5f1792", "i-0781affa8e60319ec", "i-0d13f16e987b701cb", "i-0db5ce291f3a34947", "i-0f31c15d5092d9efa"}
	plan := []string{"--snapshot", threeTier, "--plan", planDir + "edge-firewall-ssh.json"}
	var queries [][]string
	var in strings.Builder
	for _, from := range ends[:3] {
		for _, to := range ends {
			for _, port := range []string{"22", "443"} {
				queries = append(queries, []string{from, to, port})
				fmt.Fprintf(&in, "{\"from\":%q,\"to\":%q,\"port\":%s}\n", from, to, port)
			}
		}
	}
	_, out, errOut := runMain(t, in.String(), append([]string{"reach", "--batch", "-"}, plan...)...)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(queries) {
		t.Fatalf("%d answer lines for %d queries\n%s", len(lines), len(queries), errOut)
	}
	caveats := 0
	for i, q := range queries {
		_, single, _ := runMain(t, "", append([]string{"reach", "--from", q[0], "--to", q[1], "--port", q[2], "-o", "json"}, plan...)...)
		var want bytes.Buffer
		if err := json.Compact(&want, []byte(single)); err != nil {
			// an unanswerable query: its batch line is an error line
			if !strings.Contains(lines[i], `"error"`) {
				t.Errorf("query %v: batch answered %.200s, alone it failed", q, lines[i])
			}
			continue
		}
		if lines[i] != want.String() {
			t.Errorf("query %v:\nbatch %.300s\nalone %.300s", q, lines[i], want.String())
		}
		if strings.Contains(lines[i], "vpce-(aws_networkfirewall_firewall.edge") {
			caveats++
		}
	}
	if caveats == 0 {
		t.Error("no answer carries the placeholder endpoint's caveat: the plan's annotation is untested")
	}
}
