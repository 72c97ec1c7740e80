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
		cands = append(cands,
			picker.Candidate{Spec: "help", Label: "help                         every key (key ?)"},
			picker.Candidate{Spec: "ctx", Label: "ctx                          switch profile, region or snapshot file (key C)"},
			picker.Candidate{Spec: "changes", Label: "changes                      the what-if change list (key W)"},
			picker.Candidate{Spec: "reload", Label: "reload                       load the source again (key R)"})
		cands = append(cands, netCandidates()...)
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
	a.palette, a.palFor, a.mode = p, "goto", modeCommand
	a.resize()
	return cmd
}

// palettePicked closes the palette once a choice is made and carries it
// out, then the keys typed after it.
func (a *app) palettePicked() tea.Cmd {
	if a.palette == nil {
		return nil
	}
	d := a.palette.Done()
	if d == nil {
		return nil
	}
	query := a.palette.Query()
	a.mode, a.palette = modeNormal, nil
	if d.Cancelled {
		return nil
	}
	var cmd tea.Cmd
	if a.palFor == "ctx" {
		cmd = a.switchTo(d.Spec)
	} else if c, ok := a.argCommand(query); ok {
		cmd = c // a command with an argument (:flowlogs PATH): the text typed, not a match
	} else {
		cmd = a.command(d.Spec)
	}
	cmds := []tea.Cmd{cmd}
	for _, k := range d.Queued {
		cmds = append(cmds, a.send(k))
	}
	return tea.Batch(cmds...)
}

// command carries out a go-to choice.
func (a *app) command(spec string) tea.Cmd {
	var cmd tea.Cmd
	switch {
	case strings.HasPrefix(spec, "tab:"):
		cmd = a.send(view.Tab{Tab: int(spec[4] - '0')})
	case spec == "help":
		a.openHelp()
	case spec == "ctx":
		cmd = a.askChoices()
	case spec == "changes":
		cmd = a.send(view.Changes{})
	case spec == "reload":
		cmd = a.reload()
	case strings.HasPrefix(spec, "list:"):
		cmd = a.send(view.List{Kind: strings.TrimPrefix(spec, "list:")})
	default:
		if c, ok := a.netCommand(spec); ok {
			return c
		}
		cmd = a.goTo(spec)
	}
	return cmd
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
