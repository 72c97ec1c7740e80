package ui

import (
	"context"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
)

// The golden screens are rendered at a fixed size, with no colour and a
// fixed clock; `go test ./ui -update` rewrites them (golden's own flag).
const goldenW, goldenH = 100, 30

var demoTime = time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	flag.Parse()
	os.Exit(m.Run())
}

func demoSnap(t testing.TB) *model.Snapshot {
	t.Helper()
	s, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// newTestApp builds the explorer on a snapshot with a plain theme.
func newTestApp(t testing.TB, s *model.Snapshot) *app {
	r := lipgloss.NewRenderer(os.Stdout)
	opts := Options{Source: "demo", Loader: SnapshotLoader(s), Now: func() time.Time { return demoTime }, ctx: context.Background()}
	return newApp(opts, newTheme(r, true))
}

// startTest runs the explorer under teatest at the golden size.
func startTest(t *testing.T) *teatest.TestModel {
	t.Helper()
	a := newTestApp(t, demoSnap(t))
	tm := teatest.NewTestModel(t, a, teatest.WithInitialTermSize(goldenW, goldenH))
	t.Cleanup(func() { _ = tm.Quit() })
	settle(t, tm, "Start here")
	return tm
}

// screen returns the current screen of the model as plain text.
func screen(t *testing.T, tm *teatest.TestModel) peek {
	t.Helper()
	// ask the program for its screen through a message handled in Update
	ch := make(chan peek, 1)
	tm.Send(peekMsg{ch})
	select {
	case p := <-ch:
		return p
	case <-time.After(10 * time.Second):
		t.Fatal("no screen")
	}
	return peek{}
}

func press(tm *teatest.TestModel, keys ...string) {
	for _, k := range keys {
		switch k {
		case "enter":
			tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
		case "esc":
			tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
		case "tab":
			tm.Send(tea.KeyMsg{Type: tea.KeyTab})
		case "down":
			tm.Send(tea.KeyMsg{Type: tea.KeyDown})
		default:
			tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
		}
	}
}

// settle waits until the screen contains want, and returns it.
func settle(t *testing.T, tm *teatest.TestModel, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var s string
	for time.Now().Before(deadline) {
		p := screen(t, tm)
		s = p.screen
		if p.ready && strings.Contains(s, want) && !strings.Contains(s, "tracing…") {
			return s
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("screen never showed %q:\n%s", want, s)
	return ""
}

func TestGoldenOverview(t *testing.T) {
	tm := startTest(t)
	golden.RequireEqual(t, []byte(settle(t, tm, "Resources")))
}

func TestGoldenTree(t *testing.T) {
	tm := startTest(t)
	press(tm, "2", "l", "j", "j", "j", "j", "l")
	golden.RequireEqual(t, []byte(settle(t, tm, "PUBLIC")))
}

func TestGoldenList(t *testing.T) {
	tm := startTest(t)
	press(tm, ":")
	for _, r := range "subnets" {
		press(tm, string(r))
	}
	press(tm, "enter", "s", "s", "s", "s")
	golden.RequireEqual(t, []byte(settle(t, tm, "Lists › subnet")))
}

func TestGoldenDetail(t *testing.T) {
	tm := startTest(t)
	press(tm, ":")
	for _, r := range "storefront-db-nacl" {
		press(tm, string(r))
	}
	press(tm, "enter")
	golden.RequireEqual(t, []byte(settle(t, tm, "Inbound entries")))
}

// TestTraceJourney is the newcomer's path: trace web-1a → db-1a on 3306,
// see the security group hop block it, jump to the rule, try a fix in the
// what-if, and see the next blocker.
func TestTraceJourney(t *testing.T) {
	tm := startTest(t)
	press(tm, "4", "enter")
	for _, r := range "web-1a" {
		press(tm, string(r))
	}
	press(tm, "enter")
	for _, r := range "db-1a" {
		press(tm, string(r))
	}
	press(tm, "enter", "3", "3", "0", "6", "enter")
	trace := settle(t, tm, "◆ ✗ deny")
	for _, want := range []string{"◆ ✗ deny", "storefront-db-sg", "no matching rule", "(none: the request does not arrive)"} {
		if !strings.Contains(trace, want) {
			t.Errorf("trace screen lacks %q:\n%s", want, trace)
		}
	}
	golden.RequireEqualEscape(t, []byte(trace), false)

	press(tm, "b")
	rule := settle(t, tm, "≈ closest")
	if !strings.Contains(rule, "▌  1   tcp/3306") {
		t.Errorf("the rule opening tcp/3306 is not selected:\n%s", rule)
	}
	t.Run("rule", func(t *testing.T) { golden.RequireEqual(t, []byte(rule)) })

	press(tm, "a", "enter", "esc")
	whatIf := settle(t, tm, "what-if ✗ BLOCKED")
	for _, want := range []string{"WHAT-IF", "not applied to AWS", "return path", "storefront-db-nacl"} {
		if !strings.Contains(whatIf, want) {
			t.Errorf("what-if screen lacks %q:\n%s", want, whatIf)
		}
	}
	t.Run("whatif", func(t *testing.T) { golden.RequireEqual(t, []byte(whatIf)) })
}

// panicView panics on any key, to test crash handling.
type panicView struct{ overviewView }

func (panicView) Update(tea.Msg) tea.Cmd { panic("boom") }

// TestPanicQuits: a panic in a view is recovered, the program quits (so
// bubbletea restores the terminal) and Run reports it with the stack.
func TestPanicQuits(t *testing.T) {
	a := newTestApp(t, demoSnap(t))
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	a.Update(worldMsg{newWorld(demoSnap(t))})
	a.history = append(a.history, &panicView{})
	a.hIdx = len(a.history) - 1
	_, cmd := a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")})
	if cmd == nil {
		t.Fatal("no command after a panic")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("a panic does not quit")
	}
	if !strings.Contains(a.crash, "boom") || !strings.Contains(a.crash, "goroutine") {
		t.Errorf("crash = %q, want the panic and its stack", a.crash)
	}
}

// TestMouseSelectsAndOpensRows: with --mouse, a click selects the list row
// under it and a second click on it opens it, as enter does.
func TestMouseSelectsAndOpensRows(t *testing.T) {
	tm := startTest(t)
	press(tm, "3")
	s := settle(t, tm, "Lists › vpc")
	lines := strings.Split(s, "\n")
	row := -1
	for i, l := range lines {
		if strings.Contains(l, "legacy-prod") && strings.Contains(l, "vpc-") {
			row = i
		}
	}
	if row < 0 {
		t.Fatalf("no legacy-prod row:\n%s", s)
	}
	click := tea.MouseMsg{X: goldenW - 10, Y: row, Action: tea.MouseActionRelease, Button: tea.MouseButtonLeft}
	tm.Send(click)
	settle(t, tm, "▌legacy-prod")
	tm.Send(click)
	settle(t, tm, "Detail › legacy-prod")
}
