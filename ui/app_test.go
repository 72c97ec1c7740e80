package ui

import (
	"context"
	"flag"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/ui/style"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/world"
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
	return newApp(opts, style.New(r, true))
}

// loadSync hands the app a loaded network as its loader would, without a
// program: the load's messages in order, the network indexed here.
func loadSync(a *app, s *model.Snapshot) {
	a.loadSeq++
	a.load, a.loadName, a.pending = a.loadSeq, a.source, a.loader
	a.Update(loadedMsg{seq: a.load, snap: s})
	a.Update(worldMsg{seq: a.load, w: world.New(s)})
}

// startTest runs the explorer on the demo under teatest at the golden size.
func startTest(t *testing.T) *teatest.TestModel {
	t.Helper()
	return startOn(t, demoSnap(t), goldenW, goldenH, nil)
}

// startOn runs the explorer on a snapshot under teatest at a size; opt,
// when set, changes the options first.
func startOn(t *testing.T, s *model.Snapshot, w, h int, opt func(*Options)) *teatest.TestModel {
	t.Helper()
	a := newTestApp(t, s)
	if opt != nil {
		opt(&a.opts)
		a.source, a.loader = a.opts.Source, a.opts.Loader
	}
	tm := teatest.NewTestModel(t, a, teatest.WithInitialTermSize(w, h))
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

// press sends keys, each a message of its own: a name ("enter", "esc",
// "tab", "down", "up", "left", "right", "backspace", "ctrl+w", "ctrl+k"),
// or runes — several runes in one message, as a terminal delivers fast
// typing.
func press(tm *teatest.TestModel, keys ...string) {
	for _, k := range keys {
		tm.Send(keyMsg(k))
	}
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "ctrl+w":
		return tea.KeyMsg{Type: tea.KeyCtrlW}
	case "ctrl+k":
		return tea.KeyMsg{Type: tea.KeyCtrlK}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// settle waits until the screen contains want, and returns it.
// settleLimit is how long a journey waits for a screen before failing: a
// ceiling for a busy CI machine under the race detector, not a budget
// (budgets are benchmarks).
const settleLimit = 60 * time.Second

func settle(t *testing.T, tm *teatest.TestModel, want string) string {
	t.Helper()
	deadline := time.Now().Add(settleLimit)
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

// pressUntil presses k until the selected row holds want.
func pressUntil(t *testing.T, tm *teatest.TestModel, k, want string) string {
	t.Helper()
	for range 60 {
		s := settle(t, tm, "")
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, "▌") && strings.Contains(l, want) {
				return s
			}
		}
		press(tm, k)
	}
	t.Fatalf("pressing %q never selected a row with %q", k, want)
	return ""
}

// TestGoldenTree: a snapshot of two accounts and two regions is a tree of
// account › region › VPC; a VPC lists its gateways, peering connections
// and transit gateway attachments, then its subnets.
func TestGoldenTree(t *testing.T) {
	tm := startTest(t)
	press(tm, "2")
	pressUntil(t, tm, "j", "storefront-prod")
	press(tm, "l")
	pressUntil(t, tm, "j", "PUBLIC")
	press(tm, "l")
	golden.RequireEqual(t, []byte(settle(t, tm, "instance")))
}

func TestGoldenList(t *testing.T) {
	tm := startTest(t)
	press(tm, ":")
	for _, r := range "subnets" {
		press(tm, string(r))
	}
	press(tm, "enter", "s", "s")
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

// traceWebToDB types the newcomer's trace, web-1a → db-1a on tcp/3306,
// and returns the screen once the blocking hop shows.
func traceWebToDB(t *testing.T, tm *teatest.TestModel) string {
	t.Helper()
	press(tm, "4", "enter")
	for _, r := range "web-1a" {
		press(tm, string(r))
	}
	press(tm, "enter")
	for _, r := range "db-1a" {
		press(tm, string(r))
	}
	press(tm, "enter", "3", "3", "0", "6", "enter")
	return settle(t, tm, "◆ ✗ deny")
}

// TestTraceJourney is the newcomer's path: trace web-1a → db-1a on 3306,
// see the security group hop block it, jump to the rule, try a fix in the
// what-if, and see the next blocker.
func TestTraceJourney(t *testing.T) {
	tm := startTest(t)
	trace := traceWebToDB(t, tm)
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
	for _, want := range []string{"WHAT-IF", "nothing was applied to AWS", "return path", "storefront-db-nacl"} {
		if !strings.Contains(whatIf, want) {
			t.Errorf("what-if screen lacks %q:\n%s", want, whatIf)
		}
	}
	t.Run("whatif", func(t *testing.T) { golden.RequireEqual(t, []byte(whatIf)) })
}

// panicView panics on any key, to test crash handling.
type panicView struct{ v view.View }

func (p panicView) Update(tea.Msg) tea.Cmd { panic("boom") }
func (p panicView) View() string           { return p.v.View() }
func (p panicView) SetSize(w, h int)       { p.v.SetSize(w, h) }
func (p panicView) Crumbs() []string       { return p.v.Crumbs() }
func (p panicView) Keys() []key.Binding    { return p.v.Keys() }
func (p panicView) Selected() string       { return p.v.Selected() }

// TestPanicQuits: a panic in a view is recovered, the program quits (so
// bubbletea restores the terminal) and Run reports it with the stack.
func TestPanicQuits(t *testing.T) {
	a := newTestApp(t, demoSnap(t))
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	loadSync(a, demoSnap(t))
	a.hist.push(panicView{a.active()})
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

// TestWhatIfJourney continues the trace journey through the edit overlay
// (model/edit): on the db subnet's network ACL the default "*" rule cannot
// be disabled (refused, with the reason); the suggested entry for the
// reply makes the what-if reachable; d on it takes it out again, and U
// undoes everything.
func TestWhatIfJourney(t *testing.T) {
	tm := startTest(t)
	traceWebToDB(t, tm)
	press(tm, "b", "a", "enter", "esc")
	settle(t, tm, "what-if ✗ BLOCKED")

	press(tm, "b")
	acl := settle(t, tm, "◆ blocked")
	if !strings.Contains(acl, "network-acl storefront-db-nacl (acl-0bbe693c8e98700d0)") {
		t.Fatalf("b did not open the db subnet's ACL:\n%s", acl)
	}
	press(tm, "d")
	refused := settle(t, tm, "what-if refused")
	if !strings.Contains(refused, "the default rule * of acl-0bbe693c8e98700d0 cannot be changed") {
		t.Errorf("disabling the default rule is not refused with the reason:\n%s", refused)
	}

	press(tm, "a")
	line := settle(t, tm, "what-if add nacl-outbound")
	if !strings.Contains(line, "32766 allow tcp 1024-65535 10.0.0.10/32") {
		t.Errorf("the suggested entry is not the reply's:\n%s", line)
	}
	press(tm, "enter")
	added := settle(t, tm, "[added]")
	if !strings.Contains(added, "WHAT-IF: 2 change(s)") {
		t.Errorf("the entry was not added:\n%s", added)
	}
	press(tm, "esc")
	settle(t, tm, "what-if ✓ REACHABLE")

	press(tm, "U")
	undone := settle(t, tm, "web-1a → db-1a")
	if strings.Contains(undone, "WHAT-IF") {
		t.Errorf("U left the what-if in force:\n%s", undone)
	}
}

// selectRow moves the cursor of the active view down until the selected
// line holds text; it reports whether it got there.
func selectRow(a *app, text string) bool {
	a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("g")})
	for range 200 {
		for _, l := range strings.Split(ansiStrip(a.View()), "\n") {
			if strings.HasPrefix(l, "▌") && strings.Contains(l, text) {
				return true
			}
		}
		a.Update(tea.KeyMsg{Type: tea.KeyDown})
	}
	return false
}

// TestDetailKeysMakeEdits: in the detail view, d, e and a produce edits
// of the model/edit overlay — the same text --assume takes — for security
// groups, network ACLs and route tables alike.
func TestDetailKeysMakeEdits(t *testing.T) {
	const rt = "rtb-07aaa8b7560850b26" // storefront-public-rt
	for _, tt := range []struct {
		name   string
		id     string
		row    string // a row of the detail that the cursor goes to
		keys   []string
		value  string // typed into the edit line, replacing its text
		want   []string
		flashy string
	}{
		{"d on a group rule disables it", "storefront-db-sg", "tcp/22", []string{"d"}, "",
			[]string{"disable sg-0a881a8838796aca3 ingress 2"}, ""},
		{"d twice puts it back", "storefront-db-sg", "tcp/22", []string{"d", "d"}, "", nil, ""},
		{"e on a group rule replaces it", "storefront-db-sg", "tcp/22", []string{"e"}, "tcp 2222 from 203.0.113.0/24",
			[]string{"replace sg-0a881a8838796aca3 ingress 2 with tcp 2222 from 203.0.113.0/24"}, ""},
		{"a on a network ACL adds an entry", "storefront-db-nacl", "tcp/3306", []string{"a"}, "95 deny tcp 22 0.0.0.0/0",
			[]string{"acl-0bbe693c8e98700d0 inbound 95 deny tcp 22 0.0.0.0/0"}, ""},
		{"e on a route changes its target", "storefront-public-rt", "0.0.0.0/0", []string{"e"}, "0.0.0.0/0 via storefront-nat-1a",
			[]string{"replace " + rt + " 0.0.0.0/0 via nat-05351ea7ce76dbb76"}, ""},
		{"a on a route table adds a route", "storefront-public-rt", "0.0.0.0/0", []string{"a"}, "10.9.0.0/16 via payments-ledger",
			[]string{"route " + rt + " 10.9.0.0/16 via pcx-0cdf435fdeb37d198"}, ""},
		{"d on the local route is refused", "storefront-public-rt", "10.0.0.0/16", []string{"d"}, "",
			nil, "the local route 10.0.0.0/16 of " + rt + " cannot be removed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := newTestApp(t, demoSnap(t))
			a.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
			loadSync(a, demoSnap(t))
			a.Update(view.Open{ID: a.s.W.Ix.Find(tt.id)[0].Base().ID})
			if !selectRow(a, tt.row) {
				t.Fatalf("no rule row with %q:\n%s", tt.row, ansiStrip(a.View()))
			}
			for _, k := range tt.keys {
				a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
			}
			if tt.value != "" {
				if !strings.Contains(ansiStrip(a.View()), "what-if ") {
					t.Fatal("no edit line")
				}
				a.Update(tea.KeyMsg{Type: tea.KeyCtrlU})
				a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(tt.value), Paste: true})
				a.Update(tea.KeyMsg{Type: tea.KeyEnter})
				if s := ansiStrip(a.View()); strings.Contains(s, "what-if add ") || strings.Contains(s, "what-if edit ") {
					t.Fatalf("the edit line did not take the edit:\n%s", s)
				}
			}
			if got := a.s.Overlay.Edits(); !slices.Equal(got, tt.want) {
				t.Errorf("edits %q, want %q", got, tt.want)
			}
			if tt.flashy != "" && (!a.flashErr || !strings.Contains(a.flash, tt.flashy)) {
				t.Errorf("flash %q, want an error with %q", a.flash, tt.flashy)
			}
		})
	}
}

func ansiStrip(s string) string { return ansi.Strip(s) }
