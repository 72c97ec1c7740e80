package ui

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/vpcscope/vpcscope/internal/termsafe"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/present"
	"github.com/vpcscope/vpcscope/ui/component/picker"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/views/lists"
	"github.com/vpcscope/vpcscope/ui/world"
)

// openPalette opens the go-to palette: views, kinds and every resource.
func (a *app) openPalette() tea.Cmd {
	if a.palSrc == nil {
		var cands []picker.Candidate
		for i, n := range view.TabNames {
			cands = append(cands, picker.Candidate{Spec: fmt.Sprintf("tab:%d", i), Label: fmt.Sprintf("%-28s view  (key %d)", strings.ToLower(n), i+1)})
		}
		cands = append(cands, picker.Candidate{Spec: "help", Label: "help                         every key"})
		for _, k := range model.Kinds() {
			if a.s.W.Counts[k] > 0 {
				cands = append(cands, picker.Candidate{Spec: "list:" + string(k), Label: fmt.Sprintf("%-28s list (%d)", string(k)+"s", a.s.W.Counts[k])})
			}
		}
		seen := map[string]bool{}
		for r := range a.s.W.Snap.All() {
			m := r.Base()
			if seen[m.ID] {
				continue // a resource seen from two accounts is one entry
			}
			seen[m.ID] = true
			l := world.Safe(m.ID)
			if n := world.Short(r); n != l {
				l = n + "  " + l
			}
			cands = append(cands, picker.Candidate{Spec: m.ID, Label: l + "  " + string(r.Kind())})
		}
		a.palSrc = picker.NewSource(cands)
	}
	p, cmd := picker.New(a.th, "Go to", a.palSrc)
	p.Hint = "a view, a kind, or any resource by ID or Name tag · ↑↓ choose · enter go · esc cancel"
	a.palette, a.mode = p, modeCommand
	a.resize()
	return cmd
}

// command carries out a palette choice.
func (a *app) command(m picker.Picked) tea.Cmd {
	if m.Cancelled {
		return nil
	}
	spec := m.Spec
	var cmd tea.Cmd
	switch {
	case strings.HasPrefix(spec, "tab:"):
		cmd = a.send(view.Tab{Tab: int(spec[4] - '0')})
	case spec == "help":
		a.showHelp = true
	case strings.HasPrefix(spec, "list:"):
		cmd = a.send(view.List{Kind: strings.TrimPrefix(spec, "list:")})
	default:
		cmd = a.goTo(spec)
	}
	cmds := []tea.Cmd{cmd}
	for _, k := range m.Queued {
		cmds = append(cmds, a.send(k))
	}
	return tea.Batch(cmds...)
}

// goTo opens what a typed spec names: a kind, a view, or a resource by ID,
// Name tag, group name or IP.
func (a *app) goTo(spec string) tea.Cmd {
	if k, ok := lists.KindByName(spec); ok {
		return a.send(view.List{Kind: string(k)})
	}
	for i, n := range view.TabNames {
		if strings.EqualFold(n, spec) {
			return a.send(view.Tab{Tab: i})
		}
	}
	if rs := present.Find(a.s.W.Ix, spec); len(rs) > 0 {
		return a.send(view.Open{ID: rs[0].Base().ID})
	}
	a.flash, a.flashErr = fmt.Sprintf("%q is not a view, a kind or an ID, name or IP in the snapshot", termsafe.Clip(spec, 64)), true
	if sug := a.s.W.Ix.Suggest(spec, 3); len(sug) > 0 {
		a.flash += "; did you mean " + strings.Join(sug, ", ") + "?"
	}
	return nil
}
