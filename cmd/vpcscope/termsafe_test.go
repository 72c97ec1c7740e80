package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/internal/termsafe"
	"github.com/vpcscope/vpcscope/model/snapfile"
)

// hostileSnapshot writes the demo account with fixtures.TerminalEscapes
// appended to every Name tag, group name, load balancer name, rule
// description and the snapshot's description.
func hostileSnapshot(t *testing.T) string {
	t.Helper()
	snap, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	fixtures.AppendText(snap, fixtures.TerminalEscapes)
	path := filepath.Join(t.TempDir(), "hostile.json")
	if err := snapfile.Write(path, snap); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSnapshotEscapesNeverReachTheTerminal: with a Name tag holding OSC 0
// and OSC 52 sequences (and a screen clear, SGR conceal, a newline and an
// 8-bit CSI), the text output of every command holds no escape sequence
// but our own colours, no BEL, and no forged line; with -o json the
// original value comes back, escaped. Before, the sequences reached the
// terminal raw in reach, who-can-reach and inspect.
func TestSnapshotEscapesNeverReachTheTerminal(t *testing.T) {
	path := hostileSnapshot(t)
	commands := []struct {
		name string
		args []string
	}{
		{"reach", []string{"reach", "--from", "i-0f31c15d5092d9efa", "--to", "i-03618f9337164a7b8", "--port", "3306"}},
		{"reach from the internet", []string{"reach", "--from", "internet", "--to", "i-0f31c15d5092d9efa", "--port", "22"}},
		{"who-can-reach", []string{"who-can-reach", "--to", "i-03618f9337164a7b8", "--port", "3306"}},
		{"exposure", []string{"exposure"}},
		{"inspect inventory", []string{"inspect"}},
		{"inspect a security group", []string{"inspect", "sg-0a881a8838796aca3"}},
		{"inspect an instance", []string{"inspect", "i-0f31c15d5092d9efa"}},
		{"audit", []string{"audit"}},
		{"an unknown name's suggestions", []string{"reach", "--from", "web-1", "--to", "i-03618f9337164a7b8", "--port", "3306"}},
	}
	for _, colour := range []bool{false, true} {
		for _, c := range commands {
			name := c.name
			if colour {
				name += " in colour"
			}
			t.Run(name, func(t *testing.T) {
				if colour {
					t.Setenv("CLICOLOR_FORCE", "1")
				}
				code, out, errOut := runMain(t, "", append(c.args, "--snapshot", path)...)
				if code != exitOK && code != exitUnreachable && c.name != "an unknown name's suggestions" {
					t.Fatalf("exit %d: %s", code, errOut)
				}
				if len(out) == 0 && c.name != "an unknown name's suggestions" {
					t.Fatal("no output")
				}
				for stream, text := range map[string]string{"stdout": out, "stderr": errOut} {
					// Nothing but newlines, tabs and colours: a fixed point
					// of termsafe.Frame.
					if clean := termsafe.Frame(text, colour); clean != text {
						t.Errorf("%s holds controls:\n%q\nwithout them:\n%q", stream, text, clean)
					}
					if strings.Contains(text, "\x1b[8m") {
						t.Errorf("%s holds the snapshot's SGR conceal", stream)
					}
					for _, line := range strings.Split(text, "\n") {
						if strings.HasPrefix(line, "forged") {
							t.Errorf("%s has a forged line: %q", stream, line)
						}
					}
				}
				if !colour && strings.Contains(out, "\x1b") {
					t.Errorf("uncoloured output holds ESC")
				}
			})
		}
	}
	t.Run("JSON keeps the original, escaped", func(t *testing.T) {
		_, out, _ := runMain(t, "", "inspect", "sg-0a881a8838796aca3", "--snapshot", path, "-o", "json")
		if !strings.Contains(out, `\u001b]0;pwned\u0007\u001b]52;c;cm0gLXJmIH4K\u0007`) {
			t.Errorf("JSON lost the original value:\n%.2000s", out)
		}
		if strings.ContainsAny(out, "\x1b\x07") {
			t.Error("JSON holds raw ESC or BEL")
		}
	})
}
