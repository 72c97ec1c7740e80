package ui

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/reach"
)

// detailView shows one resource: its fields, its rules (security group
// rules, network ACL entries in rule order, routes with targets and state)
// and its relations, every ID a link. It can land on a rule a trace
// pointed at, and edit rules in the what-if overlay.
type detailView struct {
	s     *session
	id    string
	res   model.Resource
	focus *ruleFocus
	list  *lineList
	// sections are the row indices where sections start, for tab.
	sections []int
	banner   string
	editing  *lineInput
	editFor  ruleRow
	editAdd  bool
	editErr  string
	w, h     int
}

// ruleRow is attached to the rows that are rules: the position in the
// what-if overlay's Rules(id, list).
type ruleRow struct {
	list  edit.List
	index int
}

func newDetailView(s *session, id string, focus *ruleFocus) *detailView {
	d := &detailView{s: s, id: id, res: s.w.get(id), focus: focus, list: newLineList(s.th)}
	d.build()
	d.land()
	return d
}

func (d *detailView) Crumbs() []string {
	c := []string{"Detail"}
	if d.res == nil {
		return append(c, d.id)
	}
	vpc, sn := d.s.w.containers(d.res)
	for _, id := range []string{vpc, sn} {
		if id != "" && id != d.id {
			c = append(c, d.s.w.shortID(id))
		}
	}
	return append(c, short(d.res))
}

func (d *detailView) Keys() []key.Binding {
	ks := append(keys.moveHelp(), keys.NextPane)
	if d.editable() {
		ks = append(ks, keys.Toggle, keys.Edit, keys.Add, keys.Reset)
	}
	return ks
}

func (d *detailView) editable() bool {
	switch d.res.(type) {
	case *model.SecurityGroup, *model.NetworkACL, *model.RouteTable:
		return true
	}
	return false
}

func (d *detailView) Selected() string {
	if r, ok := d.list.Current(); ok && r.id != "" {
		return r.id
	}
	return d.id
}

func (d *detailView) SetFilter(f string) { d.list.SetFilter(f) }
func (d *detailView) Filter() string     { return d.list.Filter() }
func (d *detailView) Capturing() bool    { return d.editing != nil }

func (d *detailView) SetSize(w, h int) {
	d.w, d.h = w, h
	d.list.SetSize(w, d.listHeight())
}

func (d *detailView) listHeight() int {
	h := d.h - 2 // title and a blank line
	if d.banner != "" {
		h -= lipglossHeight(d.bannerView())
	}
	if d.editing != nil {
		h -= 2
	}
	return max(1, h)
}

func lipglossHeight(s string) int { return strings.Count(s, "\n") + 1 }

// NextPane jumps to the next section (fields, rules, relations).
func (d *detailView) NextPane(delta int) {
	if len(d.sections) == 0 {
		return
	}
	cur := d.list.cursor
	idx := 0
	for i, s := range d.sections {
		if s <= cur {
			idx = i
		}
	}
	idx = (idx + delta + len(d.sections)) % len(d.sections)
	d.list.cursor = d.sections[idx]
	d.list.settle(1)
	d.list.offset = max(0, d.sections[idx]-1)
	d.list.clamp()
}

func (d *detailView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case refreshMsg:
		cur := d.list.cursor
		d.build()
		d.list.cursor = min(cur, max(0, d.list.Len()-1))
		d.list.settle(1)
		d.list.SetSize(d.w, d.listHeight())
	case tea.KeyMsg:
		if d.editing != nil {
			return d.updateEdit(msg)
		}
		if d.list.HandleMove(msg) {
			return nil
		}
		switch {
		case key.Matches(msg, keys.Open):
			if r, ok := d.list.Current(); ok && r.id != "" && r.id != d.id {
				return d.s.send(openMsg{id: r.id})
			}
		case key.Matches(msg, keys.Toggle):
			if rr, ok := d.currentRule(); ok && rr.index >= 0 {
				return d.s.send(whatIfMsg{op: wiToggle, id: d.id, list: rr.list, slot: rr.index})
			}
		case key.Matches(msg, keys.Edit):
			if rr, ok := d.currentRule(); ok {
				return d.startEdit(rr, false)
			}
		case key.Matches(msg, keys.Add):
			if rr, ok := d.currentRule(); ok {
				return d.startEdit(rr, true)
			} else if l := d.defaultList(); l != "" {
				return d.startEdit(ruleRow{list: l, index: -1}, true)
			}
		case key.Matches(msg, keys.Reset):
			return d.s.send(whatIfMsg{op: wiReset})
		}
	}
	return nil
}

func (d *detailView) defaultList() edit.List {
	switch d.res.(type) {
	case *model.SecurityGroup:
		return edit.SGIngress
	case *model.NetworkACL:
		return edit.NACLInbound
	case *model.RouteTable:
		return edit.Routes
	}
	return ""
}

func (d *detailView) currentRule() (ruleRow, bool) {
	r, ok := d.list.Current()
	if !ok {
		return ruleRow{}, false
	}
	rr, ok := r.data.(ruleRow)
	return rr, ok
}

// startEdit opens the edit line on a rule (e) or for a new one (a),
// filled with the rule's text or a suggestion for the traced flow.
func (d *detailView) startEdit(rr ruleRow, add bool) tea.Cmd {
	in := &lineInput{}
	rules := d.s.ov.Rules(d.id, rr.list)
	switch {
	case add && rr.list.IsSecurityGroup():
		in.value = d.suggestSG(rr.list)
	case add && rr.list.IsNetworkACL():
		in.value = d.suggestACL(rr.list, rules)
	case add:
		in.value = d.suggestRoute()
	case rr.index < 0 || rr.index >= len(rules):
		return nil
	case rules[rr.index].Disabled:
		return flash("this rule is disabled in the what-if: d puts it back before it can be edited")
	default:
		in.value = edit.FormatRule(rr.list, rules[rr.index].Rule, d.res.Base().Account)
	}
	d.editing, d.editFor, d.editAdd, d.editErr = in, rr, add, ""
	d.list.SetSize(d.w, d.listHeight())
	return nil
}

// suggestSG proposes the rule that would let the traced flow through: the
// source's security group when it is in the same VPC, else its address.
func (d *detailView) suggestSG(l edit.List) string {
	q := d.flow()
	if q == nil {
		if l == edit.SGEgress {
			return "tcp 443 to 0.0.0.0/0 # what-if"
		}
		return "tcp 443 from 10.0.0.0/8 # what-if"
	}
	peerIP, groups, vpc := q.srcIP, q.srcGroups, q.srcVPC
	if l == edit.SGEgress {
		peerIP, groups, vpc = q.dstIP, q.dstGroups, q.dstVPC
	}
	sg, _ := d.res.(*model.SecurityGroup)
	peer := peerIP + "/32"
	if a, err := netip.ParseAddr(peerIP); err == nil && a.Is6() {
		peer = peerIP + "/128"
	}
	if len(groups) > 0 && sg != nil && vpc == sg.VPCID {
		peer = groups[0]
	}
	svc := q.proto.String()
	if q.proto.HasPorts() {
		svc += " " + strconv.Itoa(q.port)
	}
	dir := "from"
	if l == edit.SGEgress {
		dir = "to"
	}
	return svc + " " + dir + " " + peer + " # what-if"
}

// suggestRoute proposes a route to the traced destination; the target is
// the user's to name.
func (d *detailView) suggestRoute() string {
	if q := d.flow(); q != nil {
		if a, err := netip.ParseAddr(q.dstIP); err == nil {
			return netip.PrefixFrom(a, a.BitLen()).String() + " via "
		}
	}
	return "0.0.0.0/0 via "
}

func (d *detailView) suggestACL(l edit.List, rules []edit.Slot) string {
	num := int32(100)
	if len(rules) > 0 {
		num = max(1, rules[0].Rule.Entry.RuleNumber-10)
	}
	q := d.flow()
	if q == nil {
		return fmt.Sprintf("%d allow tcp 443 0.0.0.0/0", num)
	}
	if d.focus != nil && d.focus.ref.RuleNumber > 0 {
		num = max(1, d.focus.ref.RuleNumber-1)
	}
	peer := q.srcIP
	port := strconv.Itoa(q.port)
	if (l == edit.NACLOutbound) != q.returnPath {
		peer = q.dstIP
	}
	if q.returnPath {
		port = "1024-65535"
	}
	bits := 32
	if a, err := netip.ParseAddr(peer); err == nil && a.Is6() {
		bits = 128
	}
	if !q.proto.HasPorts() {
		return fmt.Sprintf("%d allow %s %s/%d", num, q.proto, peer, bits)
	}
	return fmt.Sprintf("%d allow %s %s %s/%d", num, q.proto, port, peer, bits)
}

func (d *detailView) flow() *flowDesc {
	if d.focus == nil {
		return nil
	}
	return d.focus.query
}

func (d *detailView) updateEdit(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, keys.Cancel):
		d.editing = nil
		d.list.SetSize(d.w, d.listHeight())
		return nil
	case key.Matches(msg, keys.Accept):
		e, err := d.editOf(d.editing.value)
		if err != nil {
			d.editErr = err.Error()
			return nil
		}
		d.editing = nil
		d.list.SetSize(d.w, d.listHeight())
		return d.s.send(whatIfMsg{op: wiApply, edit: e})
	}
	d.editing.Update(msg)
	d.editErr = ""
	return nil
}

// editOf turns the edit line into an edit of the rule being edited, or an
// addition to its list.
func (d *detailView) editOf(text string) (edit.Edit, error) {
	l := d.editFor.list
	r, err := edit.ParseRule(d.s.w.ix, d.res, l, text)
	if err != nil {
		return edit.Edit{}, err
	}
	e := edit.Edit{Op: edit.Add, Resource: d.id, List: l, Rule: r}
	if d.editAdd {
		return e, nil
	}
	rules := d.s.ov.Rules(d.id, l)
	if d.editFor.index < 0 || d.editFor.index >= len(rules) {
		return e, fmt.Errorf("the rule being edited is gone")
	}
	old := rules[d.editFor.index].Rule
	e.Op, e.Index = edit.Replace, d.editFor.index
	e.RuleNumber, e.Destination = old.Entry.RuleNumber, old.Route.DestinationString()
	return e, nil
}

func (d *detailView) View() string {
	th := d.s.th
	var b strings.Builder
	kind := "unknown resource"
	if d.res != nil {
		kind = string(d.res.Kind())
	}
	title := th.title.Render(kind) + " " + th.bold.Render(d.label())
	if d.s.ov.Touched(d.id) {
		title += "  " + th.whatIf.Render("[WHAT-IF: edited in memory, not applied to AWS]")
	}
	b.WriteString(ansi.Truncate(title, d.w, "…") + "\n")
	if d.banner != "" {
		b.WriteString(d.bannerView() + "\n")
	}
	b.WriteString(d.list.View(true))
	if d.editing != nil {
		what := "edit"
		if d.editAdd {
			what = "add"
		}
		line := th.whatIf.Render("what-if "+what+" "+string(d.editFor.list)+": ") + d.editing.View(th)
		b.WriteString("\n" + ansi.Truncate(line, d.w, "…") + "\n")
		help := th.dim.Render("enter apply (in memory only) · esc cancel · syntax: ")
		switch l := d.editFor.list; {
		case l.IsSecurityGroup():
			help += th.dim.Render("PROTOCOL [PORTS] " + map[bool]string{false: "from", true: "to"}[l.Egress()] + " PEER [# note]")
		case l.IsNetworkACL():
			help += th.dim.Render("NUMBER allow|deny PROTOCOL [PORTS] CIDR")
		default:
			help += th.dim.Render("DESTINATION via TARGET (an ID or Name tag)")
		}
		if d.editErr != "" {
			help = th.bad.Render("✗ " + d.editErr)
		}
		b.WriteString(ansi.Truncate(help, d.w, "…"))
	}
	return b.String()
}

func (d *detailView) bannerView() string {
	return lipglossWrap(d.s.th, d.banner, d.w)
}

// lipglossWrap wraps a styled banner to width.
func lipglossWrap(th *theme, s string, w int) string {
	return th.r.NewStyle().Width(max(10, w)).Render(s)
}

func (d *detailView) label() string {
	if d.res == nil {
		return safe(d.id) + " (not in the snapshot)"
	}
	return safe(d.res.Base().Label())
}

// land puts the cursor on the focused rule, marks it, and explains.
func (d *detailView) land() {
	if d.focus == nil {
		d.list.Select(func(r row) bool { return !r.skip })
		return
	}
	f := d.focus
	l := edit.List(f.ref.Kind)
	idx := f.ref.Index
	if f.ref.RuleNumber > 0 && f.ref.Kind.IsNetworkACL() {
		for i, r := range d.s.ov.Rules(d.id, l) {
			if r.Rule.Entry.RuleNumber == f.ref.RuleNumber && !r.Disabled {
				idx = i
				break
			}
		}
	}
	th := d.s.th
	hopRule := ""
	if f.hop != nil {
		hopRule = safe(f.hop.Rule)
	}
	found := idx >= 0 && d.list.Select(func(r row) bool {
		rr, ok := r.data.(ruleRow)
		return ok && rr.list == l && rr.index == idx
	})
	noMatch := f.hop != nil && f.hop.Verdict == reach.Deny && l.IsSecurityGroup()
	switch {
	case found && noMatch:
		d.banner = th.bad.Render("✗ "+safe(f.hop.Detail)) + "\n" +
			th.warn.Render("≈ the selected rule is the closest: it opens the port, but not to this peer.") + "\n" +
			th.dim.Render("  e edits it, a adds a rule — a what-if, in memory only, nothing changes in AWS")
	case found && f.hop != nil && f.hop.Verdict == reach.Deny && l.IsNetworkACL() && f.ref.RuleNumber >= model.DefaultRuleNumber:
		d.banner = th.bad.Render("✗ the default rule blocked the trace: ") + hopRule + "\n" +
			th.dim.Render("  it cannot be changed; a adds an entry before it — a what-if, in memory only")
	case found && f.hop != nil && f.hop.Verdict == reach.Deny:
		d.banner = th.bad.Render("✗ this rule blocked the trace: ") + hopRule + "\n" +
			th.dim.Render("  d disables it, e edits it, a adds one before it — a what-if, in memory only")
	case found:
		d.banner = th.ok.Render("◆ this rule decided the trace hop: ") + hopRule
	default:
		// no rule matched: land on the closest rule, else on the list's end
		near := d.nearMisses(l)
		if len(near) > 0 {
			d.list.Select(func(r row) bool {
				rr, ok := r.data.(ruleRow)
				return ok && rr.list == l && rr.index == near[0]
			})
		} else {
			d.list.Select(func(r row) bool {
				rr, ok := r.data.(ruleRow)
				return ok && rr.list == l && rr.index == -1
			})
		}
		why := "no rule matched"
		if f.hop != nil && f.hop.Detail != "" {
			why = safe(f.hop.Detail)
		}
		d.banner = th.bad.Render("✗ "+why) + "\n"
		if len(near) > 0 {
			d.banner += th.warn.Render("≈ the selected rule opens the port, but not to this peer: change it (e) or add one (a)") +
				th.dim.Render(" — what-if, in memory only")
		} else {
			d.banner += th.dim.Render("  press a to add a rule in the what-if (in memory only)")
		}
	}
	// show the section title and column header above the rule
	if rr, ok := d.currentRule(); ok && rr.index >= 0 {
		d.list.offset = max(0, d.list.cursor-rr.index-2)
	} else {
		d.list.offset = max(0, d.list.cursor-3)
	}
	d.list.SetSize(d.w, d.listHeight())
}

// nearMisses are the rules of list l that open the traced protocol and
// port to some other peer: the rules a user most likely means to change,
// as the engine's answer names them (Block.Near).
func (d *detailView) nearMisses(l edit.List) []int {
	if d.focus == nil {
		return nil
	}
	var out []int
	for _, r := range d.focus.near {
		if edit.List(r.Kind) == l && (r.Resource == "" || r.Resource == d.id) {
			out = append(out, r.Index)
		}
	}
	return out
}

// build renders every row of the resource.
func (d *detailView) build() {
	d.sections = d.sections[:0]
	b := &detailBuilder{d: d, th: d.s.th}
	if d.res == nil {
		b.section("Not found")
		b.text(safe(d.id) + " is named by a relation but is not in the snapshot (deleted, or another account/region).")
	} else {
		b.fields()
		b.rules()
		b.relations()
	}
	d.list.SetRows(b.rows)
}

type detailBuilder struct {
	d    *detailView
	th   *theme
	rows []row
}

func (b *detailBuilder) section(title string) {
	if len(b.rows) > 0 {
		b.rows = append(b.rows, row{skip: true})
	}
	b.d.sections = append(b.d.sections, len(b.rows)+1)
	b.rows = append(b.rows, row{text: b.th.section.Render(title), plain: title, skip: true})
}

func (b *detailBuilder) text(s string) {
	b.rows = append(b.rows, row{text: "  " + s, skip: true})
}

// field adds "key: value"; a value that is a resource ID becomes a link.
// Both are made safe for display.
func (b *detailBuilder) field(k, v string) {
	if v == "" {
		return
	}
	k, shown := safe(k), safe(v)
	plain := fmt.Sprintf("  %-18s %s", k, shown)
	r := row{text: "  " + b.th.dim.Render(fmt.Sprintf("%-18s", k)) + " " + shown, plain: plain}
	if res := b.d.s.w.get(v); res != nil && v != b.d.id {
		r.id = v
		label := shown
		if n := short(res); n != shown {
			label += "  " + n
		}
		r.plain = fmt.Sprintf("  %-18s %s", k, label)
		r.text = "  " + b.th.dim.Render(fmt.Sprintf("%-18s", k)) + " " + b.th.link.Render(label)
	}
	b.rows = append(b.rows, r)
}

func (b *detailBuilder) ids(k string, ids []string) {
	for i, id := range ids {
		if i > 0 {
			k = ""
		}
		b.field(k, id)
	}
}

func addrs(as []netip.Addr) string {
	var out []string
	for _, a := range as {
		out = append(out, a.String())
	}
	return strings.Join(out, ", ")
}

func prefixes(ps []netip.Prefix) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return strings.Join(out, ", ")
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func (b *detailBuilder) fields() {
	w := b.d.s.w
	r := b.d.res
	m := r.Base()
	b.section("Fields")
	b.field("id", m.ID)
	b.field("name", m.Name())
	b.field("account", m.Account)
	b.field("region", m.Region)
	switch v := r.(type) {
	case *model.VPC:
		b.field("cidrs", prefixes(slices.Concat(v.CIDRs, v.IPv6CIDRs)))
		b.field("default", yes(v.IsDefault))
		b.field("state", v.State)
	case *model.Subnet:
		b.field("vpc", v.VPCID)
		b.field("availability zone", v.AvailabilityZone)
		b.field("cidr", prefixes(append([]netip.Prefix{v.CIDR}, v.IPv6CIDRs...)))
		kind := "private (no route to an internet gateway)"
		if w.isPublic(v) {
			kind = "public (0.0.0.0/0 → internet gateway)"
		}
		b.field("reachability", kind)
		b.field("public IP on launch", yes(v.MapPublicIPOnLaunch))
		rt, explicit := w.ix.SubnetRouteTable(v.ID)
		if rt != nil {
			b.field("route table", rt.ID)
			if !explicit {
				b.text(b.th.dim.Render("                     (the VPC's main route table: no explicit association)"))
			}
		}
		if acl := w.ix.SubnetNetworkACL(v.ID); acl != nil {
			b.field("network ACL", acl.ID)
		}
	case *model.SecurityGroup:
		b.field("vpc", v.VPCID)
		b.field("group name", v.GroupName)
		b.field("description", v.Description)
		b.field("members", strconv.Itoa(len(w.ix.GroupMembers(v.ID)))+" network interfaces")
	case *model.NetworkACL:
		b.field("vpc", v.VPCID)
		b.field("default", yes(v.IsDefault))
		for i, a := range v.Associations {
			k := "subnets"
			if i > 0 {
				k = ""
			}
			b.field(k, a.SubnetID)
		}
	case *model.RouteTable:
		b.field("vpc", v.VPCID)
		b.field("main", yes(v.IsMain()))
		first := true
		for _, a := range v.Associations {
			k := ""
			if first {
				k = "associations"
				first = false
			}
			switch {
			case a.SubnetID != "":
				b.field(k, a.SubnetID)
			case a.GatewayID != "":
				b.field(k, a.GatewayID)
			case a.Main:
				b.field(k, "main (every subnet without an explicit association)")
			}
		}
	case *model.NetworkInterface:
		b.field("vpc", v.VPCID)
		b.field("subnet", v.SubnetID)
		b.field("instance", v.InstanceID())
		b.field("type", v.InterfaceType)
		b.field("description", v.Description)
		b.field("status", v.Status)
		for _, ip := range v.PrivateIPs {
			s := ip.Address.String()
			if ip.PublicIP.IsValid() {
				s += " ↔ public " + ip.PublicIP.String()
			}
			if ip.Primary {
				s += " (primary)"
			}
			b.field("private IP", s)
		}
		b.field("IPv6", addrs(v.IPv6Addresses))
		b.ids("security groups", v.SecurityGroupIDs)
		b.field("source/dest check", yes(v.SourceDestCheck))
	case *model.Instance:
		b.field("vpc", v.VPCID)
		b.field("subnet", v.SubnetID)
		b.field("type", v.InstanceType)
		b.field("state", v.State)
		b.field("private IP", v.PrivateIP.String())
		if v.PublicIP.IsValid() {
			b.field("public IP", v.PublicIP.String())
		}
		b.ids("interfaces", v.NetworkInterfaceIDs)
		b.ids("security groups", v.SecurityGroupIDs)
		b.field("source/dest check", yes(v.SourceDestCheck))
	case *model.NATGateway:
		b.field("vpc", v.VPCID)
		b.field("subnet", v.SubnetID)
		b.field("state", v.State)
		b.field("connectivity", v.ConnectivityType)
		for _, a := range v.Addresses {
			b.field("interface", a.NetworkInterfaceID)
			b.field("address", strings.TrimSpace(a.PrivateIP.String()+" ↔ "+a.PublicIP.String()))
		}
	case *model.InternetGateway:
		for _, a := range v.Attachments {
			b.field("attached to", a.VPCID)
		}
	case *model.EgressOnlyInternetGateway:
		for _, a := range v.Attachments {
			b.field("attached to", a.VPCID)
		}
	case *model.VPNGateway:
		b.field("state", v.State)
		for _, a := range v.Attachments {
			b.field("attached to", a.VPCID)
		}
	case *model.VPCPeering:
		b.field("status", v.Status)
		b.field("requester", v.Requester.VPCID)
		b.field("requester cidrs", prefixes(v.Requester.CIDRs))
		b.field("accepter", v.Accepter.VPCID)
		b.field("accepter cidrs", prefixes(v.Accepter.CIDRs))
	case *model.TransitGateway:
		b.field("state", v.State)
		b.field("default assoc. RT", v.AssociationDefaultRouteTableID)
		b.field("default prop. RT", v.PropagationDefaultRouteTableID)
	case *model.TGWAttachment:
		b.field("transit gateway", v.TransitGatewayID)
		b.field("resource type", v.ResourceType)
		b.field("resource", v.ResourceID)
		b.field("state", v.State)
		if v.Association != nil {
			b.field("route table", v.Association.RouteTableID)
		}
		b.ids("subnets", v.SubnetIDs)
		b.field("appliance mode", yes(v.ApplianceModeSupport))
	case *model.TGWRouteTable:
		b.field("transit gateway", v.TransitGatewayID)
		b.field("state", v.State)
	case *model.VPCEndpoint:
		b.field("vpc", v.VPCID)
		b.field("type", v.Type)
		b.field("service", v.ServiceName)
		b.field("state", v.State)
		b.ids("route tables", v.RouteTableIDs)
		b.ids("subnets", v.SubnetIDs)
		b.ids("interfaces", v.NetworkInterfaceIDs)
		b.ids("security groups", v.SecurityGroupIDs)
	case *model.PrefixList:
		b.field("list name", v.Name)
		b.field("family", v.AddressFamily)
		b.field("AWS managed", yes(v.AWSManaged))
	case *model.LoadBalancer:
		b.field("lb name", v.LoadBalancerName)
		b.field("type", v.Type)
		b.field("scheme", v.Scheme)
		b.field("vpc", v.VPCID)
		b.field("dns", v.DNSName)
		for _, z := range v.AvailabilityZones {
			b.field("subnet ("+z.ZoneName+")", z.SubnetID)
		}
		b.ids("security groups", v.SecurityGroupIDs)
	case *model.TargetGroup:
		b.field("group name", v.TargetGroupName)
		b.field("protocol/port", fmt.Sprintf("%s/%d", v.Protocol, v.Port))
		b.field("target type", v.TargetType)
		b.field("vpc", v.VPCID)
	}
	if len(m.Tags) > 0 {
		b.field("tags", m.Tags.String())
	}
}

func (b *detailBuilder) rules() {
	switch v := b.d.res.(type) {
	case *model.SecurityGroup:
		b.sgRules("Inbound rules", v, edit.SGIngress, "from")
		b.sgRules("Outbound rules", v, edit.SGEgress, "to")
	case *model.NetworkACL:
		b.aclEntries("Inbound entries (evaluated in rule order, first match wins)", v, edit.NACLInbound)
		b.aclEntries("Outbound entries (evaluated in rule order, first match wins)", v, edit.NACLOutbound)
	case *model.RouteTable:
		b.routes(v)
	case *model.TGWRouteTable:
		b.section("Routes")
		for _, r := range v.Routes {
			dst := r.Destination.String()
			if r.PrefixListID != "" {
				dst = r.PrefixListID
			}
			var tgts []string
			for _, a := range r.Attachments {
				tgts = append(tgts, a.AttachmentID+" ("+a.ResourceID+")")
			}
			state := r.State
			if r.IsBlackhole() {
				state = "✗ blackhole"
			}
			id := ""
			if len(r.Attachments) > 0 {
				id = r.Attachments[0].AttachmentID
			}
			line := fmt.Sprintf("  %-20s → %s  %s  %s", dst, strings.Join(tgts, ", "), state, r.Type)
			b.rows = append(b.rows, row{text: safe(line), id: id})
		}
	case *model.PrefixList:
		b.section("Entries")
		for _, e := range v.Entries {
			b.text(safe(fmt.Sprintf("%-20s %s", e.CIDR, e.Description)))
		}
	case *model.LoadBalancer:
		b.section("Listeners")
		for _, l := range v.Listeners {
			for _, a := range l.DefaultActions {
				for _, tg := range a.TargetGroupARNs {
					b.rows = append(b.rows, row{text: safe(fmt.Sprintf("  %s/%d → %s %s", l.Protocol, l.Port, a.Type, b.d.s.w.label(tg))), id: tg})
				}
			}
		}
	case *model.TargetGroup:
		b.section("Targets")
		for _, t := range v.Targets {
			id := t.ID
			if b.d.s.w.get(id) == nil {
				id = ""
			}
			b.rows = append(b.rows, row{text: safe(fmt.Sprintf("  %-24s port %d  %s  %s", t.ID, t.Port, t.AvailabilityZone, t.HealthState)), id: id})
		}
	}
}

// mark returns the gutter mark of a rule: ◆ the rule that decided the
// focused hop, ≈ a near miss, and the what-if state.
func (b *detailBuilder) mark(l edit.List, i int, r edit.Slot, near []int) (string, string) {
	th := b.th
	f := b.d.focus
	switch {
	case r.Disabled:
		return "[disabled]", th.whatIf.Render("[disabled]")
	case r.Added:
		return "[added]", th.whatIf.Render("[added]")
	case r.Edited:
		return "[edited]", th.whatIf.Render("[edited]")
	case f != nil && edit.List(f.ref.Kind) == l && (f.ref.Index == i && i >= 0 ||
		f.ref.RuleNumber > 0 && f.ref.RuleNumber == r.Rule.Entry.RuleNumber && l.IsNetworkACL()):
		if f.hop != nil && f.hop.Verdict == reach.Deny && l.IsSecurityGroup() {
			return "≈ closest", th.warn.Render("≈ closest")
		}
		if f.hop != nil && f.hop.Verdict == reach.Deny {
			return "◆ blocked", th.bad.Render("◆ blocked")
		}
		return "◆ decided", th.ok.Render("◆ decided")
	case slices.Contains(near, i):
		return "≈ near miss", th.warn.Render("≈ near miss")
	}
	return "", ""
}

func (b *detailBuilder) sgRules(title string, sg *model.SecurityGroup, l edit.List, dir string) {
	b.section(title)
	rules := b.d.s.ov.Rules(sg.ID, l)
	var near []int
	if f := b.d.focus; f != nil && edit.List(f.ref.Kind) == l && f.ref.Index < 0 {
		near = b.d.nearMisses(l)
	}
	peers := make([]string, len(rules))
	pw := 4
	for i, r := range rules {
		peers[i] = safe(b.peer(sg, r.Rule.SG))
		pw = max(pw, min(ansi.StringWidth(peers[i]), 44))
	}
	hdr := fmt.Sprintf("  %-3s %-15s %-4s %-*s %s", "#", "service", "", pw, "peer", "note")
	b.rows = append(b.rows, row{text: b.th.header.Render(hdr), plain: hdr, skip: true})
	for i, r := range rules {
		peer := peers[i]
		id := ""
		if r.Rule.SG.Group != nil {
			id = r.Rule.SG.Group.GroupID
		}
		if r.Rule.SG.PrefixListID != "" {
			id = r.Rule.SG.PrefixListID
		}
		plainMark, mark := b.mark(l, i, r, near)
		cols := fmt.Sprintf("  %-3d %-15s %-4s %-*s ", i+1, r.Rule.SG.Service(), dir, pw, ansi.Truncate(peer, pw, "…"))
		plain := cols + plainMark
		text := cols + mark
		if r.Disabled {
			text = b.th.dim.Render(cols) + mark
		}
		if r.Rule.SG.Description != "" {
			sep := "  "
			if mark == "" {
				sep = ""
			}
			plain += sep + safe(r.Rule.SG.Description)
			text += sep + b.th.dim.Render(safe(r.Rule.SG.Description))
		}
		b.rows = append(b.rows, row{text: text, plain: plain, id: id, data: ruleRow{l, i}})
	}
	if len(rules) == 0 {
		b.text(b.th.dim.Render("(no rules: nothing is allowed)"))
	}
	if f := b.d.focus; f != nil && edit.List(f.ref.Kind) == l && f.ref.Index < 0 {
		t := "✗ no rule matched"
		if f.hop != nil && f.hop.Rule != "" {
			t = "✗ " + safe(f.hop.Rule)
		}
		if f.query != nil {
			t += fmt.Sprintf(" — %s %s %s", serviceOf(f.query), map[bool]string{true: "to", false: "from"}[l == edit.SGEgress], peerOf(f.query, l == edit.SGEgress))
		}
		b.rows = append(b.rows, row{text: "  " + b.th.bad.Render(t), plain: "  " + t, data: ruleRow{l, -1}})
	}
}

// peer renders a rule's peer with the group's name.
func (b *detailBuilder) peer(sg *model.SecurityGroup, r model.SGRule) string {
	w := b.d.s.w
	peer := r.PeerFrom(sg.Account)
	if r.Group != nil {
		if n := w.name(r.Group.GroupID); n != "" {
			peer += " " + n
		} else if w.get(r.Group.GroupID) == nil {
			peer += " (not in snapshot)"
		}
	}
	return peer
}

func serviceOf(q *flowDesc) string {
	if q.proto.HasPorts() {
		return fmt.Sprintf("%s/%d", q.proto, q.port)
	}
	return q.proto.String()
}

func peerOf(q *flowDesc, egress bool) string {
	if egress {
		return q.dstIP
	}
	return q.srcIP
}

func (b *detailBuilder) aclEntries(title string, acl *model.NetworkACL, l edit.List) {
	b.section(title)
	hdr := fmt.Sprintf("  %-6s %-9s %-16s %-22s", "rule", "action", "service", "cidr")
	b.rows = append(b.rows, row{text: b.th.header.Render(hdr), plain: hdr, skip: true})
	for i, r := range b.d.s.ov.Rules(acl.ID, l) {
		e := r.Rule.Entry
		act := "✓ allow"
		st := b.th.ok
		if e.Action == model.Deny {
			act, st = "✗ deny", b.th.bad
		}
		svc := strings.TrimPrefix(e.String(), fmt.Sprintf("rule %s %s ", e.RuleLabel(), e.Action))
		svc = safe(strings.TrimSuffix(svc, " "+e.CIDR.String()))
		plainMark, mark := b.mark(l, i, r, nil)
		plain := fmt.Sprintf("  %-6s %-9s %-16s %-22s %s", e.RuleLabel(), act, svc, e.CIDR, plainMark)
		text := fmt.Sprintf("  %-6s %s %-16s %-22s %s", e.RuleLabel(), st.Render(fmt.Sprintf("%-9s", act)), svc, e.CIDR, mark)
		b.rows = append(b.rows, row{text: text, plain: plain, data: ruleRow{l, i}})
	}
}

func (b *detailBuilder) routes(rt *model.RouteTable) {
	w := b.d.s.w
	b.section("Routes (longest prefix wins)")
	hdr := fmt.Sprintf("  %-26s %-44s %-12s %s", "destination", "target", "state", "origin")
	b.rows = append(b.rows, row{text: b.th.header.Render(hdr), plain: hdr, skip: true})
	for i, r := range b.d.s.ov.Rules(rt.ID, edit.Routes) {
		t := r.Rule.Route.Target()
		tgt := safe(t.ID)
		if n := w.name(t.ID); n != "" {
			tgt += " " + n
		}
		if t.Kind != model.TargetLocal && t.Kind != model.TargetNone {
			tgt = string(t.Kind) + " " + tgt
		}
		state := safe(r.Rule.Route.State)
		st := b.th.ok
		if r.Rule.Route.IsBlackhole() {
			state, st = "✗ blackhole", b.th.bad
		} else if state == "active" || state == "" {
			state = "✓ active"
		}
		plainMark, mark := b.mark(edit.Routes, i, r, nil)
		dst, origin := safe(r.Rule.Route.DestinationString()), safe(string(r.Rule.Route.Origin))
		plain := fmt.Sprintf("  %-26s %-44s %-12s %s %s", dst, tgt, state, origin, plainMark)
		text := fmt.Sprintf("  %-26s %-44s %s %s %s", dst, tgt, st.Render(fmt.Sprintf("%-12s", state)), origin, mark)
		id := t.ID
		if w.get(id) == nil {
			id = ""
		}
		b.rows = append(b.rows, row{text: text, plain: plain, id: id, data: ruleRow{edit.Routes, i}})
	}
}

func (b *detailBuilder) relations() {
	w := b.d.s.w
	b.section("Relations")
	if w.graph == nil {
		b.text(b.th.dim.Render("building the relation graph…"))
		return
	}
	out, in := w.graph.Out(b.d.id), w.graph.In(b.d.id)
	if len(out)+len(in) == 0 {
		b.text(b.th.dim.Render("(none)"))
	}
	add := func(arrow string, rel model.Relation, other, detail string) {
		var label string
		if r := w.get(other); r != nil {
			label = fmt.Sprintf("%-18s %s", r.Kind(), safe(r.Base().Label()))
		} else {
			label = fmt.Sprintf("%-18s %s (not in snapshot)", "missing", safe(other))
		}
		detail = safe(detail)
		plain := fmt.Sprintf("  %s %-16s %s", arrow, rel, label)
		if detail != "" {
			plain += "  · " + detail
		}
		text := "  " + b.th.dim.Render(fmt.Sprintf("%s %-16s", arrow, rel)) + " " + b.th.link.Render(label)
		if detail != "" {
			text += b.th.dim.Render("  · " + detail)
		}
		b.rows = append(b.rows, row{text: text, plain: plain, id: other})
	}
	for _, l := range out {
		add("→", l.Relation, l.To, l.Detail)
	}
	for _, l := range in {
		add("←", inverse(l.Relation), l.From, l.Detail)
	}
}

// inverse names a relation read backwards.
func inverse(r model.Relation) model.Relation {
	switch r {
	case model.RelContains:
		return "contained-by"
	case model.RelRoutesTo:
		return "routed-from"
	case model.RelReferences:
		return "referenced-by"
	case model.RelAttachedTo:
		return "has-attached"
	}
	return r
}
