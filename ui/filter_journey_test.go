package ui

import (
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/ui/component/list"
)

var (
	longListOnce sync.Once
	longListSnap *model.Snapshot
)

// longList is a generated account with more interfaces (12,000) than a
// list filters on the key path (list.BackgroundRows), and few groups and
// rules, so that it settles quickly even under the race detector.
func longList() *model.Snapshot {
	longListOnce.Do(func() {
		longListSnap = fixtures.Large(fixtures.LargeConfig{Seed: 2, VPCs: 5, Subnets: 60, Interfaces: 12000, SecurityGroups: 100, Rules: 1000, Peerings: 2})
	})
	return longListSnap
}

// TestBackgroundFilterJourney: on a generated account the interface list
// is longer than list.BackgroundRows, so a filter ranks in the
// background. An interface's ID typed a key at a time, as
// fast as the keys come (each key starts a ranking; the results of the
// shorter filters land late or not at all), lands on that one interface;
// typed again and followed at once by enter, enter, the second enter waits
// for the ranking and opens that interface — never the first row of a
// shorter filter's result still on screen.
func TestBackgroundFilterJourney(t *testing.T) {
	s := longList()
	if len(s.NetworkInterfaces) <= list.BackgroundRows {
		t.Fatalf("%d interfaces: the list would filter on the key path", len(s.NetworkInterfaces))
	}
	eni := s.NetworkInterfaces[len(s.NetworkInterfaces)/2].ID
	tm := startOn(t, s, 160, 40, nil)
	press(tm, "3", ">", ">", ">", ">", ">")
	settle(t, tm, "Lists › network-interface")

	typeFilter := func() {
		press(tm, "/")
		for _, r := range eni {
			press(tm, string(r))
		}
	}
	typeFilter()
	press(tm, "enter")
	scr := settle(t, tm, "/"+eni)
	var selected string
	for _, l := range strings.Split(scr, "\n") {
		if strings.Contains(l, "▌") {
			selected = l
		}
	}
	has(t, scr, "1/1 of 12000")
	hasNot(t, scr, "filtering…")
	if !strings.Contains(selected, eni) {
		t.Errorf("/%s selects %q, want the interface's row", eni, selected)
	}

	press(tm, "esc") // clears the filter
	settle(t, tm, "/12000")
	typeFilter()
	press(tm, "enter", "enter")
	scr = settle(t, tm, "Detail")
	has(t, scr, eni)
	hasNot(t, scr, "Lists ›")
}

// runAll runs a command and every command its messages lead to, handing
// the messages to the app in order (a program without the terminal).
func runAll(a *app, cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch m := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, m...)
		default:
			_, next := a.Update(m)
			queue = append(queue, next)
		}
	}
}

// TestEnterWaitsForTheFilter: keys typed after a filter on a long list
// wait for its ranking. The rankings of the filter as typed are held back
// and then land newest first (the older ones are stale): the enter typed
// before any landed opens the interface the whole filter names, not the
// row under the cursor when it was pressed.
func TestEnterWaitsForTheFilter(t *testing.T) {
	s := longList()
	eni := s.NetworkInterfaces[len(s.NetworkInterfaces)/3].ID
	a, _ := startSync(t, s, 160, 40)
	for _, k := range []string{"3", ">", ">", ">", ">", ">"} {
		runAll(a, func() tea.Msg { return keyMsg(k) })
	}
	first := a.active().Selected()
	var rankings []tea.Cmd
	for _, k := range append(append([]string{"/"}, strings.Split(eni, "")...), "enter", "enter") {
		_, cmd := a.Update(keyMsg(k))
		rankings = append(rankings, cmd)
	}
	if got := a.active().Crumbs()[0]; got != "Lists" || a.active().Selected() != first {
		t.Fatalf("before the ranking landed the explorer moved: %v, selected %s", a.active().Crumbs(), a.active().Selected())
	}
	if !strings.Contains(a.View(), "filtering…") {
		t.Errorf("the list does not say it is filtering:\n%s", a.View())
	}
	for i := len(rankings) - 1; i >= 0; i-- {
		runAll(a, rankings[i])
	}
	if got := a.active().Crumbs()[0]; got != "Detail" || a.active().Selected() != eni {
		t.Errorf("the enter typed after /%s opened %v (selected %s), want the detail of %s", eni, a.active().Crumbs(), a.active().Selected(), eni)
	}
}
