package picker

import (
	"fmt"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/vpcscope/vpcscope/ui/style"
)

func theme() *style.Theme {
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.Ascii)
	return style.New(r, true)
}

// many is more candidates than the key path matches: matching runs in a
// command.
func many() *Source {
	var cs []Candidate
	for i := range syncLimit + 100 {
		cs = append(cs, Candidate{Spec: fmt.Sprintf("i-%05d", i), Label: fmt.Sprintf("vpc%03d-app-%05d", i%7, i)})
	}
	cs = append(cs, Candidate{Spec: "i-gone", Label: "vpc003-app-gone terminated", Last: true})
	return NewSource(cs)
}

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// TestEnterWaitsForMatching: enter while matching runs does not pick the
// raw text or the list of an older query; it waits, and the result of the
// query typed picks its first match. Keys typed after enter are kept for
// whoever takes the pick.
func TestEnterWaitsForMatching(t *testing.T) {
	p, cmd := New(theme(), "Trace source", many())
	p.SetSize(80, 20)
	if cmd == nil || !p.Pending() {
		t.Fatal("the first match did not run in the background")
	}
	p.Update(cmd()) // the empty query's list
	search := p.Update(runes("vpc003-app"))
	if search == nil {
		t.Fatal("typing on a big source did not start a background match")
	}
	p.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if p.Done() != nil {
		t.Fatalf("enter picked %+v before matching ended", p.Done())
	}
	p.Update(runes("3"))
	p.Update(search())
	d := p.Done()
	if d == nil || d.Spec != "i-00003" || len(d.Queued) != 1 || string(d.Queued[0].Runes) != "3" {
		t.Fatalf("pick %+v, want i-00003 (vpc003-app-00003) with the 3 typed after enter queued", d)
	}
}

// TestStaleResultsAreDropped: the result of an earlier query does not
// replace the list of the query typed since.
func TestStaleResultsAreDropped(t *testing.T) {
	p, cmd := New(theme(), "Trace source", many())
	p.Update(cmd())
	first := p.Update(runes("vpc001"))
	second := p.Update(runes("-app-00008"))
	p.Update(second())
	p.Update(first()) // late: dropped
	p.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if d := p.Done(); d == nil || d.Spec != "i-00008" {
		t.Fatalf("pick %+v, want i-00008", d)
	}
}

// TestGoneCandidatesRankLast: a candidate marked Last (a terminated
// instance) comes after every other match, whatever its tier.
func TestGoneCandidatesRankLast(t *testing.T) {
	p, cmd := New(theme(), "Trace source", NewSource([]Candidate{
		{Spec: "i-gone", Label: "web-1 terminated", Last: true},
		{Spec: "i-live", Label: "app web-1 running"},
	}))
	if cmd != nil {
		t.Fatal("a small source matched in the background")
	}
	p.Update(runes("web-1"))
	p.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if d := p.Done(); d == nil || d.Spec != "i-live" {
		t.Fatalf("pick %+v, want the running instance first", d)
	}
}
