// Package raw shows a resource as the snapshot holds it, in JSON (k9s's
// YAML view): every record of its ID, so a resource seen from two
// accounts shows both. y copies the JSON.
package raw

import (
	"encoding/json"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/ui/component/list"
	"github.com/vpcscope/vpcscope/ui/keys"
	"github.com/vpcscope/vpcscope/ui/view"
	"github.com/vpcscope/vpcscope/ui/world"
)

var _ view.Filterable = (*Model)(nil)

// Model is the raw JSON of one resource.
type Model struct {
	s    *view.Session
	id   string
	text string
	list *list.Model
}

// record is what the view marshals: the kind beside the resource.
type record struct {
	Kind     model.Kind     `json:"kind"`
	Resource model.Resource `json:"resource"`
}

// New renders the JSON of every record with the ID.
func New(s *view.Session, id string) *Model {
	m := &Model{s: s, id: id, list: list.New(s.Th)}
	var recs []record
	for _, r := range s.W.Ix.ResourcesByID(id) {
		recs = append(recs, record{Kind: r.Kind(), Resource: r})
	}
	var v any = recs
	if len(recs) == 1 {
		v = recs[0]
	}
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		data = []byte(err.Error())
	}
	if len(recs) == 0 {
		data = []byte(id + " is not in the snapshot")
	}
	m.text = string(data)
	var rows []list.Row
	for _, l := range strings.Split(m.text, "\n") {
		l = world.Safe(l)
		rows = append(rows, list.Row{Text: l, Plain: l})
	}
	m.list.SetRows(rows)
	return m
}

// Crumbs implements view.View.
func (m *Model) Crumbs() []string { return []string{"JSON", m.s.W.ShortID(m.id)} }

// Keys implements view.View.
func (m *Model) Keys() []key.Binding {
	return append(keys.MoveHelp()[:6], key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy the JSON")))
}

// Selected implements view.View.
func (m *Model) Selected() string { return m.id }

// SetSize implements view.View.
func (m *Model) SetSize(w, h int) { m.list.SetSize(w, h) }

// View implements view.View.
func (m *Model) View() string { return m.list.View(true) }

// SetFilter implements view.Filterable.
func (m *Model) SetFilter(f string) tea.Cmd { m.list.SetFilter(f); return nil }

// Filter implements view.Filterable.
func (m *Model) Filter() string { return m.list.Filter() }

// Handles takes y: it copies the JSON here.
func (m *Model) Handles(msg tea.KeyMsg) bool { return key.Matches(msg, keys.Copy) }

// Update implements view.View.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	if key.Matches(km, keys.Copy) {
		return m.s.Send(view.Copy{Text: m.text, What: "the JSON of " + m.id})
	}
	m.list.HandleMove(km)
	return nil
}
