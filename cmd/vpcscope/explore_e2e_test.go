package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestExplorerInTmux runs the real binary in a real terminal (tmux, 120x40)
// and walks the newcomer's path: trace web-1a → db-1a on tcp/3306, see the
// blocking hop, jump to the blocking rule, land on the db security group's
// ingress rule that opens 3306 to the app tier only.
//
// Without tmux the test is skipped, except under CI=true, where it fails.
func TestExplorerInTmux(t *testing.T) {
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
	socket := fmt.Sprintf("vpcscope-e2e-%d", os.Getpid())
	tm := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(tmux, append([]string{"-L", socket, "-f", "/dev/null"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	tm("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", "env", "TERM=xterm-256color", "NO_COLOR=", bin, "--demo")
	t.Cleanup(func() { _ = exec.Command(tmux, "-L", socket, "kill-server").Run() })

	screen := func() string { return tm("capture-pane", "-p", "-t", "e2e") }
	waitFor := func(what string, ok func(string) bool) string {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		var s string
		for time.Now().Before(deadline) {
			s = screen()
			if ok(s) {
				return s
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("the screen never showed %s:\n%s", what, s)
		return ""
	}
	has := func(subs ...string) func(string) bool {
		return func(s string) bool {
			for _, x := range subs {
				if !strings.Contains(s, x) {
					return false
				}
			}
			return true
		}
	}
	keys := func(ks ...string) { tm(append([]string{"send-keys", "-t", "e2e"}, ks...)...) }
	text := func(s string) { tm("send-keys", "-t", "e2e", "-l", s) }

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
	waitFor("the port field", has("type the port"))
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
