package detail

import (
	"fmt"
	"net/netip"
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/ui/component/textinput"
	"github.com/vpcscope/vpcscope/ui/keys"
	"github.com/vpcscope/vpcscope/ui/view"
)

// startEdit opens the edit line on a rule (e) or for a new one (a),
// filled with the rule's text or a suggestion for the traced flow.
func (d *Model) startEdit(rr ruleRow, add bool) tea.Cmd {
	in := &textinput.Model{Label: "what-if rule"}
	rules := d.s.Overlay.Rules(d.id, rr.list)
	switch {
	case add && rr.list.IsSecurityGroup():
		in.Value = d.suggestSG(rr.list)
	case add && rr.list.IsNetworkACL():
		in.Value = d.suggestACL(rr.list, rules)
	case add && rr.list.IsFirewall():
		in.Value = d.suggestFirewall(rr.list, rules)
	case add:
		in.Value = d.suggestRoute()
	case rr.index < 0 || rr.index >= len(rules):
		return nil
	case rules[rr.index].Disabled:
		return view.FlashCmd("this rule is disabled in the what-if: d puts it back before it can be edited")
	default:
		in.Value = edit.FormatRule(rr.list, rules[rr.index].Rule, d.res.Base().Account)
	}
	d.editing, d.editFor, d.editAdd, d.editErr = in, rr, add, ""
	d.list.SetSize(d.w, d.listHeight())
	return nil
}

// suggestSG proposes the rule that would let the traced flow through: the
// source's security group when it is in the same VPC, else its address.
func (d *Model) suggestSG(l edit.List) string {
	q := d.flow()
	if q == nil {
		if l == edit.SGEgress {
			return "tcp 443 to 0.0.0.0/0 # what-if"
		}
		return "tcp 443 from 10.0.0.0/8 # what-if"
	}
	peerIP, groups, vpc := q.SrcIP, q.SrcGroups, q.SrcVPC
	if l == edit.SGEgress {
		peerIP, groups, vpc = q.DstIP, q.DstGroups, q.DstVPC
	}
	sg, _ := d.res.(*model.SecurityGroup)
	peer := peerIP + "/32"
	if a, err := netip.ParseAddr(peerIP); err == nil && a.Is6() {
		peer = peerIP + "/128"
	}
	if len(groups) > 0 && sg != nil && vpc == sg.VPCID {
		peer = groups[0]
	}
	svc := q.Query.Protocol.String()
	if q.Query.Protocol.HasPorts() {
		svc += " " + strconv.Itoa(q.Query.Port)
	}
	dir := "from"
	if l == edit.SGEgress {
		dir = "to"
	}
	return svc + " " + dir + " " + peer + " # what-if"
}

// suggestRoute proposes a route to the traced destination; the target is
// the user's to name.
func (d *Model) suggestRoute() string {
	if q := d.flow(); q != nil {
		if a, err := netip.ParseAddr(q.DstIP); err == nil {
			return netip.PrefixFrom(a, a.BitLen()).String() + " via "
		}
	}
	return "0.0.0.0/0 via "
}

func (d *Model) suggestACL(l edit.List, rules []edit.Slot) string {
	num := int32(100)
	if len(rules) > 0 {
		num = max(1, rules[0].Rule.Entry.RuleNumber-10)
	}
	q := d.flow()
	if q == nil {
		return fmt.Sprintf("%d allow tcp 443 0.0.0.0/0", num)
	}
	if d.focus != nil && d.focus.Ref.RuleNumber > 0 {
		num = max(1, d.focus.Ref.RuleNumber-1)
	}
	peer := q.SrcIP
	port := strconv.Itoa(q.Query.Port)
	if (l == edit.NACLOutbound) != q.ReturnPath {
		peer = q.DstIP
	}
	if q.ReturnPath {
		port = "1024-65535"
	}
	bits := 32
	if a, err := netip.ParseAddr(peer); err == nil && a.Is6() {
		bits = 128
	}
	if !q.Query.Protocol.HasPorts() {
		return fmt.Sprintf("%d allow %s %s/%d", num, q.Query.Protocol, peer, bits)
	}
	return fmt.Sprintf("%d allow %s %s %s/%d", num, q.Query.Protocol, port, peer, bits)
}

func (d *Model) flow() *view.Flow {
	if d.focus == nil {
		return nil
	}
	return d.focus.Flow
}

func (d *Model) updateEdit(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, keys.Cancel):
		d.editing = nil
		d.list.SetSize(d.w, d.listHeight())
		return nil
	case key.Matches(msg, keys.Accept):
		e, err := d.editOf(d.editing.Value)
		if err != nil {
			d.editErr = err.Error()
			return nil
		}
		d.editing = nil
		d.list.SetSize(d.w, d.listHeight())
		return d.s.Send(view.WhatIf{Op: view.Apply, Edit: e})
	}
	d.editing.Update(msg)
	d.editErr = ""
	return nil
}

// editOf turns the edit line into an edit of the rule being edited, or an
// addition to its list.
func (d *Model) editOf(text string) (edit.Edit, error) {
	l := d.editFor.list
	r, err := edit.ParseRule(d.s.W.Ix, d.res, l, text)
	if err != nil {
		return edit.Edit{}, err
	}
	e := edit.Edit{Op: edit.Add, Resource: d.id, List: l, Rule: r}
	if d.editAdd {
		return e, nil
	}
	rules := d.s.Overlay.Rules(d.id, l)
	if d.editFor.index < 0 || d.editFor.index >= len(rules) {
		return e, fmt.Errorf("the rule being edited is gone")
	}
	old := rules[d.editFor.index].Rule
	e.Op, e.Index = edit.Replace, d.editFor.index
	e.RuleNumber, e.Destination = old.Entry.RuleNumber, old.Route.DestinationString()
	if l == edit.FirewallStateless {
		e.RuleNumber = old.Stateless.Priority // stateless rules are named by priority
	}
	return e, nil
}

// editView is the edit line and its help (or its error).
func (d *Model) editView() string {
	th := d.s.Th
	what := "edit"
	if d.editAdd {
		what = "add"
	}
	line := th.WhatIf.Render("what-if "+what+" "+string(d.editFor.list)+": ") + d.editing.View(th)
	help := th.Dim.Render("enter apply (in memory only) · esc cancel · syntax: ")
	switch l := d.editFor.list; {
	case l.IsSecurityGroup():
		dir := "from"
		if l.Egress() {
			dir = "to"
		}
		help += th.Dim.Render("PROTOCOL [PORTS] " + dir + " PEER [# note]")
	case l.IsNetworkACL():
		help += th.Dim.Render("NUMBER allow|deny PROTOCOL [PORTS] CIDR")
	case l == edit.FirewallStateless:
		help += th.Dim.Render("PRIORITY aws:pass|aws:drop|aws:forward_to_sfe PROTOS SRC[:PORTS] -> DST[:PORTS]")
	case l == edit.FirewallStateful:
		help += th.Dim.Render("a Suricata rule: pass|drop|reject PROTO SRC PORT -> DST PORT (sid:N;)")
	default:
		help += th.Dim.Render("DESTINATION via TARGET (an ID or Name tag)")
	}
	if d.editErr != "" {
		help = th.Bad.Render("✗ " + safe(d.editErr))
	}
	return ansi.Truncate(line, d.w, "…") + "\n" + ansi.Truncate(help, d.w, "…")
}
