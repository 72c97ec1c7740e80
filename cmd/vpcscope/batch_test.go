package main

import (
	"encoding/json"
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
