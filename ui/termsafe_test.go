package ui

import (
	"os"
	"reflect"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/internal/termsafe"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/ui/style"
	"github.com/vpcscope/vpcscope/ui/view"
)

// drive hands msgs to the app and runs every command they return, and the
// commands those messages return, synchronously (at most 1,000 messages).
func drive(a *app, msgs ...tea.Msg) {
	for n := 0; len(msgs) > 0 && n < 1000; n++ {
		msg := msgs[0]
		msgs = msgs[1:]
		_, cmd := a.Update(msg)
		msgs = append(msgs, runCmd(cmd)...)
	}
}

// runCmd runs a command and returns its messages, unpacking batches and
// sequences.
func runCmd(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if msg == nil {
		return nil
	}
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
		var out []tea.Msg
		for i := range v.Len() {
			out = append(out, runCmd(v.Index(i).Interface().(tea.Cmd))...)
		}
		return out
	}
	if _, quit := msg.(tea.QuitMsg); quit {
		return nil
	}
	return []tea.Msg{msg}
}

// TestSnapshotEscapesNeverReachTheExplorer: with fixtures.TerminalEscapes
// (OSC 0 and OSC 52 sequences ended by BEL, a screen clear, SGR conceal, a
// newline and a forged verdict, an 8-bit CSI) in every Name tag, group
// name, load balancer name and rule description, no screen of the explorer
// — overview, tree, every list, a security group's rules, a trace,
// who-can-reach, exposure — holds an escape sequence but its own colours,
// a BEL, or a forged line. Before, the sequences reached the terminal raw.
func TestSnapshotEscapesNeverReachTheExplorer(t *testing.T) {
	snap, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	fixtures.AppendText(snap, fixtures.TerminalEscapes)
	for _, colour := range []bool{false, true} {
		name := "no colour"
		if colour {
			name = "colour"
		}
		t.Run(name, func(t *testing.T) {
			r := lipgloss.NewRenderer(os.Stdout)
			r.SetColorProfile(termenv.TrueColor)
			a := newTestApp(t, snap)
			a.th = style.New(r, !colour)
			a.loadSeq, a.load = 1, 1
			drive(a, tea.WindowSizeMsg{Width: 160, Height: 50}, loadedMsg{seq: 1, snap: snap})
			if a.s == nil || a.s.W.Exposure == nil || a.s.W.Findings == nil || a.s.W.Graph == nil {
				t.Fatal("the explorer did not finish loading")
			}
			screens := 0
			show := func(what string, msgs ...tea.Msg) {
				t.Helper()
				drive(a, msgs...)
				screen := a.View()
				screens++
				if clean := termsafe.Frame(screen, colour); clean != screen {
					t.Errorf("%s: the screen holds controls besides colours:\n%q", what, screen)
				}
				if strings.Contains(screen, "\x1b[8m") {
					t.Errorf("%s: the screen holds the snapshot's SGR conceal", what)
				}
				if colour != strings.Contains(screen, "\x1b[") {
					t.Errorf("%s: colour %v, but the screen's escapes say otherwise", what, colour)
				}
				for _, line := range strings.Split(ansiStrip(screen), "\n") {
					if strings.HasPrefix(strings.TrimLeft(line, " ▌│"), "forged") {
						t.Errorf("%s: a value forged a line: %q", what, line)
					}
				}
			}
			key := func(k string) tea.Msg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)} }
			show("overview", view.Tab{Tab: view.TabOverview})
			show("tree", view.Tab{Tab: view.TabTree}, key("l"), key("j"), key("l"))
			for _, k := range model.Kinds() {
				show("list of "+string(k), view.List{Kind: string(k)})
			}
			show("a security group's rules", view.Open{ID: "sg-0a881a8838796aca3"})
			show("an instance", view.Open{ID: "i-0f31c15d5092d9efa"})
			show("who-can-reach", view.Who{ID: "i-03618f9337164a7b8"})
			show("exposure", view.Tab{Tab: view.TabExposure})
			show("a trace", view.Trace{From: "i-0f31c15d5092d9efa", To: "i-03618f9337164a7b8", Protocol: model.ProtocolTCP, Port: 3306})
			if !strings.Contains(ansiStrip(a.View()), "BLOCKED") {
				t.Errorf("the trace did not run:\n%s", ansiStrip(a.View()))
			}
			show("the go-to palette", key(":"), key("w"), key("e"), key("b"), tea.KeyMsg{Type: tea.KeyEnter})
			if screens < 10 {
				t.Fatalf("only %d screens checked", screens)
			}
		})
	}
}
