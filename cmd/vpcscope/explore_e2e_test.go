package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model/snapfile"
)

// tmuxSession is a real terminal (tmux) running the built binary.
type tmuxSession struct {
	t      *testing.T
	tmux   string
	socket string
}

// buildAndStart builds the binary and starts it in tmux at w x h with
// NO_COLOR set; without tmux the test is skipped, except under CI=true,
// where it fails.
func buildAndStart(t *testing.T, w, h int, args ...string) *tmuxSession {
	t.Helper()
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is not installed; CI must install it (apt-get install tmux)")
		}
		t.Skip("tmux is not installed")
	}
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "vpcscope")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ts := &tmuxSession{t: t, tmux: tmux, socket: fmt.Sprintf("vpcscope-e2e-%d-%s", os.Getpid(), t.Name())}
	cmd := append([]string{"new-session", "-d", "-s", "e2e", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), "env", "TERM=xterm-256color", "NO_COLOR=1", bin}, args...)
	ts.run(cmd...)
	t.Cleanup(func() { _ = exec.Command(tmux, "-L", ts.socket, "kill-server").Run() })
	return ts
}

func (ts *tmuxSession) run(args ...string) string {
	ts.t.Helper()
	out, err := exec.Command(ts.tmux, append([]string{"-L", ts.socket, "-f", "/dev/null"}, args...)...).CombinedOutput()
	if err != nil {
		ts.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (ts *tmuxSession) screen() string { return ts.run("capture-pane", "-p", "-t", "e2e") }

// keys sends keys in one tmux command: they reach the program together,
// as fast typing does.
func (ts *tmuxSession) keys(ks ...string) {
	ts.run(append([]string{"send-keys", "-t", "e2e"}, ks...)...)
}

// text sends literal text.
func (ts *tmuxSession) text(s string) { ts.run("send-keys", "-t", "e2e", "-l", s) }

// waitFor waits until ok holds for the screen (at most timeout).
func (ts *tmuxSession) waitFor(what string, timeout time.Duration, ok func(string) bool) string {
	ts.t.Helper()
	deadline := time.Now().Add(timeout)
	var s string
	for time.Now().Before(deadline) {
		s = ts.screen()
		if ok(s) {
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	ts.t.Fatalf("the screen never showed %s:\n%s", what, s)
	return ""
}

// has is a screen condition: every sub on it.
func has(subs ...string) func(string) bool {
	return func(s string) bool {
		for _, x := range subs {
			if !strings.Contains(s, x) {
				return false
			}
		}
		return true
	}
}

// TestExplorerInTmux runs the real binary in a real terminal (tmux, 120x40)
// and walks the newcomer's path: trace web-1a → db-1a on tcp/3306, see the
// blocking hop, jump to the blocking rule, land on the db security group's
// ingress rule that opens 3306 to the app tier only.
func TestExplorerInTmux(t *testing.T) {
	ts := buildAndStart(t, 120, 40, "--demo")
	waitFor := func(what string, ok func(string) bool) string { return ts.waitFor(what, 15*time.Second, ok) }
	keys, text := ts.keys, ts.text

	waitFor("the overview", has("1 Overview", "Start here", "source demo"))
	keys("4", "Enter")
	waitFor("the source picker", has("Trace source"))
	text("web-1a")
	waitFor("web-1a in the picker", has("> web-1a"))
	keys("Enter")
	waitFor("the destination picker", has("Trace destination"))
	text("db-1a")
	waitFor("db-1a in the picker", has("> db-1a"))
	keys("Enter")
	waitFor("the port field", has("type the port", "editing port"))
	text("3306")
	keys("Enter")
	settled := func(s string) bool {
		return has("web-1a → db-1a tcp/3306", "✗ BLOCKED", "◆ ✗ deny")(s) && !strings.Contains(s, "tracing…")
	}
	trace := waitFor("the blocked trace", settled)
	for _, want := range []string{"Forward path", "storefront-db-sg", "no matching rule", "Return path", "press b"} {
		if !strings.Contains(trace, want) {
			t.Errorf("trace screen lacks %q:\n%s", want, trace)
		}
	}

	keys("b")
	rule := waitFor("the db security group's rules", has("security-group storefront-db-sg", "Inbound rules"))
	var selected string
	for _, l := range strings.Split(rule, "\n") {
		if strings.HasPrefix(l, "▌") {
			selected = l
		}
	}
	if !strings.Contains(selected, "tcp/3306") || !strings.Contains(selected, "storefront-app-sg") || !strings.Contains(selected, "≈ closest") {
		t.Errorf("the selected row is %q, want the ingress rule opening tcp/3306 to storefront-app-sg:\n%s", selected, rule)
	}
	if !strings.Contains(rule, "allows tcp/3306 from 10.0.0.10") {
		t.Errorf("the detail does not say why:\n%s", rule)
	}
	keys("q")
}

// TestExplorerTextEntryInTmux: on the generated 20,000-interface account
// (a snapshot file, read by the real binary), a partial name typed and
// entered at once — one write to the terminal — picks the highlighted
// match although matching that many candidates runs in the background;
// the trace asks for the port, the digits typed there stay digits ("2"
// after the port is a digit, not the tree) until the field is left, and
// then "2" switches to the tree.
func TestExplorerTextEntryInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	path := filepath.Join(t.TempDir(), "large.json")
	if err := snapfile.Write(path, fixtures.Large(fixtures.DefaultLarge())); err != nil {
		t.Fatal(err)
	}
	ts := buildAndStart(t, 120, 40, "--snapshot", path)
	waitFor := func(what string, ok func(string) bool) string { return ts.waitFor(what, 60*time.Second, ok) }

	waitFor("the overview", has("1 Overview", "Start here", "source large.json"))
	ts.keys("4", "Enter")
	waitFor("the source picker", has("Trace source"))
	ts.keys("vpc003-app", "Enter") // together: enter comes before matching ends
	s := waitFor("the destination picker", has("Trace destination"))
	if strings.Contains(s, "matches no") {
		t.Fatalf("the raw text was picked:\n%s", s)
	}
	ts.keys("vpc001-data", "Enter")
	s = waitFor("the port field", has("editing port", "source      vpc003-app-", "destination vpc001-data-"))
	if strings.Contains(s, "BLOCKED") || strings.Contains(s, "REACHABLE") {
		t.Errorf("the trace ran before a port was chosen:\n%s", s)
	}
	ts.keys("3306", "2")
	s = waitFor("the port with the 2 typed after it", has("[33062"))
	if !strings.Contains(s, "Trace ›") || strings.Contains(s, "Tree ›") {
		t.Errorf("2 in the port field switched views:\n%s", s)
	}
	ts.keys("BSpace", "Enter")
	waitFor("the verdict", func(s string) bool {
		return strings.Contains(s, "tcp/3306") && (strings.Contains(s, "BLOCKED") || strings.Contains(s, "REACHABLE"))
	})
	ts.keys("2")
	waitFor("the tree", has("Tree ›"))
	ts.keys("q")
}
