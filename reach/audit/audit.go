// Package audit checks a network against the controls security audits
// report on — AWS Foundational Security Best Practices (Security Hub EC2
// controls) and the CIS AWS Foundations Benchmark — and against a few
// vpcscope hygiene checks. The control catalogue ships as data
// (controls.json). Where a control is about rules that open a port to the
// world, the finding also says whether the reachability engine finds an
// interface the internet actually reaches through that rule: a rule that
// exposes nothing is a lesser finding than one that does.
package audit

import (
	"cmp"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"go4.org/netipx"
)

//go:embed controls.json
var catalogue []byte

// Control is a published control a finding cites.
type Control struct {
	ID        string `json:"id"`
	Framework string `json:"framework"`
	Title     string `json:"title"`
	// Also lists the same control in other frameworks (CIS numbers).
	Also []string `json:"also,omitempty"`
	// URL is the control's documentation, when it has a public page.
	URL string `json:"url,omitempty"`
	// Checks says what vpcscope checks for the control.
	Checks string `json:"checks,omitempty"`
	// Needs names the data the check needs beyond the network itself;
	// without it the control is listed as not checked.
	Needs string `json:"needs,omitempty"`
}

// Controls returns the catalogue of controls the audit checks.
func Controls() ([]Control, error) {
	var cs []Control
	if err := json.Unmarshal(catalogue, &cs); err != nil {
		return nil, fmt.Errorf("audit: controls.json: %w", err)
	}
	return cs, nil
}

// Severity ranks findings.
type Severity string

// The severities, most urgent first. Info findings are observations for
// the review (allow-all egress, no Shield Advanced subscription), never a
// failure on their own.
const (
	High   Severity = "high"
	Medium Severity = "medium"
	Low    Severity = "low"
	Info   Severity = "info"
)

// Severities lists the severities, most urgent first.
func Severities() []Severity { return []Severity{High, Medium, Low, Info} }

// Rank orders severities: 0 for high, 3 for info.
func (s Severity) Rank() int {
	switch s {
	case High:
		return 0
	case Medium:
		return 1
	case Low:
		return 2
	}
	return 3
}

// ParseSeverity accepts high, medium, low or info.
func ParseSeverity(v string) (Severity, error) {
	for _, s := range Severities() {
		if string(s) == v {
			return s, nil
		}
	}
	return "", fmt.Errorf("severity %q: want high, medium, low or info", v)
}

// Finding is one resource that fails one or more controls.
type Finding struct {
	// Controls are the IDs of the controls the resource fails, e.g.
	// ["EC2.13", "EC2.53"]; ControlRefs gives their titles and CIS numbers.
	Controls    []string   `json:"controls"`
	ControlRefs []Control  `json:"controlRefs"`
	Severity    Severity   `json:"severity"`
	Kind        model.Kind `json:"kind"`
	Resource    string     `json:"resource"`
	Name        string     `json:"name,omitempty"`
	Account     string     `json:"account,omitempty"`
	Region      string     `json:"region,omitempty"`
	Message     string     `json:"message"`
	Rule        string     `json:"rule,omitempty"`
	// Exposed lists what the internet actually reaches through the rule,
	// as the engine walked it: "web-1a 3.83.201.14 tcp/22".
	Exposed []string `json:"exposed,omitempty"`
	// Recorded is the traffic from the internet that flow logs recorded
	// arriving through the rule (accepted requests at the interfaces of
	// the rule's group, on its protocol and ports), when logs were given.
	Recorded []Traffic `json:"recorded,omitempty"`
	// Evidence is the engine's proof for a finding about what the
	// internet reaches: each exposure with its exact sources, ports and
	// the path of an example packet.
	Evidence []reach.Exposed `json:"evidence,omitempty"`
	// Path is the engine's proof for other findings: the hops of the
	// packet that shows the mistake.
	Path []reach.Hop `json:"path,omitempty"`
	// Witness is the query whose answer Path is: a trace that shows the
	// finding again (nil for findings without a Path; an Evidence entry
	// is its own witness, from the internet to its interface).
	Witness *reach.Query `json:"-"`
	// By names, for a rule that decides nothing, the entries or rules
	// that decide its packets instead.
	By []string `json:"by,omitempty"`
	// Fingerprint identifies the finding across snapshots: its first
	// control, resource and rule (Fingerprint).
	Fingerprint string `json:"fingerprint"`
}

// FingerprintOf returns the finding's stable identity: its first control,
// its resource and its rule, e.g. "EC2.13|sg-075ef02371207f9e1|ingress
// tcp/22 0.0.0.0/0". It does not change when the evidence, the message or
// the severity does, so a review can follow the finding from one snapshot
// to the next.
func FingerprintOf(f *Finding) string {
	c := ""
	if len(f.Controls) > 0 {
		c = f.Controls[0]
	}
	return c + "|" + f.Resource + "|" + f.Rule
}

// Traffic is what flow logs recorded arriving at one interface from the
// internet on one protocol and port, accepted.
type Traffic struct {
	Interface string         `json:"interface"`
	Protocol  model.Protocol `json:"protocol"`
	Port      int            `json:"port,omitempty"`
	// Records counts the flow-log records; Packets the packets they hold.
	Records int64 `json:"records"`
	Packets int64 `json:"packets"`
}

// Options say what an audit uses beyond the snapshot.
type Options struct {
	// Exposure is the engine's Exposure report when the caller has one
	// already; nil computes it.
	Exposure *reach.ExposureReport
	// Traffic is what flow logs recorded arriving from the internet; a
	// finding about a rule open to the world cites the part of it that
	// came through the rule.
	Traffic []Traffic
	// Beside, when set, is the engine of another snapshot this audit is
	// compared with (typically the snapshot before or after a change).
	// The checks of a group's or network ACL's rules alone (redundant
	// security group rules, shadowed ACL entries) then skip the groups and
	// ACLs equal in both snapshots, when the prefix lists their rules
	// name are too (reach.Engine.SameRuleSets): those findings are the
	// same in both audits, so a comparison of the two, each run beside
	// the other, finds the same findings new and fixed. The report then
	// lacks them.
	Beside *reach.Engine
}

// Report is the audit of one snapshot.
type Report struct {
	Findings []Finding `json:"findings"`
	// NotChecked names controls the snapshot cannot decide, and why, one
	// line each; Unchecked says the same as data.
	NotChecked []string    `json:"notChecked"`
	Unchecked  []Unchecked `json:"unchecked"`
}

// Unchecked is a control the audit could not decide, and the data it
// lacked: never a silent pass.
type Unchecked struct {
	Control string `json:"control"`
	// Scope is the account and region the control was not checked in;
	// empty for everywhere.
	Scope string `json:"scope,omitempty"`
	// Lacked says which data was missing and why.
	Lacked string `json:"lacked"`
	// Gap is the failed call that left the data out, when one did.
	Gap *model.Gap `json:"gap,omitempty"`
}

// String renders "EC2.6 in 111122223333/us-east-1: ...".
func (u Unchecked) String() string {
	s := u.Control
	if u.Scope != "" {
		s += " in " + u.Scope
	}
	return s + ": " + u.Lacked
}

// Counts returns the number of findings per severity.
func (r *Report) Counts() map[Severity]int {
	out := map[Severity]int{}
	for _, f := range r.Findings {
		out[f.Severity]++
	}
	return out
}

// The ports audits treat as remote administration (CIS) and as high risk
// (Security Hub EC2.19); EC2.18 authorizes only 80 and 443 to the world.
var (
	adminPorts    = []uint16{22, 3389}
	highRiskPorts = []uint16{20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300}
)

// Run audits the engine's snapshot. exposure is the engine's Exposure
// report when the caller has one already; nil computes it.
func Run(e *reach.Engine, exposure *reach.ExposureReport) (*Report, error) {
	return RunWith(e, Options{Exposure: exposure})
}

// RunWith audits the engine's snapshot with what opts adds.
func RunWith(e *reach.Engine, opts Options) (*Report, error) {
	exposure := opts.Exposure
	cs, err := Controls()
	if err != nil {
		return nil, err
	}
	byID := make(map[string]Control, len(cs))
	for _, c := range cs {
		byID[c.ID] = c
	}
	if exposure == nil {
		exposure = e.Exposure(reach.ExposureOptions{})
	}
	exposure = internetOnly(exposure)
	a := &auditor{e: e, ix: e.Index(), s: e.Snapshot(), controls: byID, exposed: exposedByRule(exposure),
		exposure: exposure, traffic: opts.Traffic}
	if opts.Beside != nil && e.SameRuleSets(opts.Beside) {
		a.beside = opts.Beside.Index()
	}
	a.securityGroups()
	a.networkACLs()
	a.instancesAndSubnets()
	a.routes()
	a.flowLogs()
	a.unusedRules()
	a.replies()
	a.internetAdminDB()
	a.sourceDestCheck()
	a.publicSubnetNoAddress()
	a.allowAllEgress()
	a.waf()
	a.shield()
	a.firewalls()
	a.firewallBypass()
	a.notModelled()
	rep := &Report{Findings: a.findings, NotChecked: []string{}, Unchecked: a.unchecked}
	if rep.Unchecked == nil {
		rep.Unchecked = []Unchecked{}
	}
	for _, u := range rep.Unchecked {
		rep.NotChecked = append(rep.NotChecked, u.String())
	}
	if rep.Findings == nil {
		rep.Findings = []Finding{}
	}
	for i := range rep.Findings {
		rep.Findings[i].Fingerprint = FingerprintOf(&rep.Findings[i])
	}
	// a stable sort, as an unstable one on positions with the position
	// last (a large account has tens of thousands of findings)
	order := make([]int, len(rep.Findings))
	ranks := make([]int, len(rep.Findings))
	for i := range order {
		order[i], ranks[i] = i, rep.Findings[i].Severity.Rank()
	}
	slices.SortFunc(order, func(i, j int) int {
		x, y := &rep.Findings[i], &rep.Findings[j]
		return cmp.Or(cmp.Compare(ranks[i], ranks[j]), cmp.Compare(x.Controls[0], y.Controls[0]),
			cmp.Compare(x.Resource, y.Resource), cmp.Compare(x.Rule, y.Rule), cmp.Compare(i, j))
	})
	sorted := make([]Finding, len(order))
	for k, i := range order {
		sorted[k] = rep.Findings[i]
	}
	rep.Findings = sorted
	return rep, nil
}

type auditor struct {
	e         *reach.Engine
	ix        *model.Index
	s         *model.Snapshot
	controls  map[string]Control
	exposed   map[ruleKey][]reach.Exposed
	exposure  *reach.ExposureReport
	traffic   []Traffic
	findings  []Finding
	unchecked []Unchecked
	// beside indexes the snapshot compared with (Options.Beside): the
	// rule-only checks skip the groups and ACLs equal in it.
	beside *model.Index
}

// same reports whether r is equal in the snapshot compared with, and the
// only resource of its ID in both (the findings skipped on both sides are
// then exactly those that name its ID and the check's control).
func (a *auditor) same(r model.Resource) bool {
	if a.beside == nil {
		return false
	}
	id := r.Base().ID
	here, there := a.ix.ResourcesByID(id), a.beside.ResourcesByID(id)
	return len(here) == 1 && len(there) == 1 && reflect.DeepEqual(r, there[0])
}

type ruleKey struct {
	group string
	index int
}

// exposedByRule indexes the exposure report by the security group rule
// that opens each exposure.
// internetOnly is the exposure to the internet alone: the controls are
// about the internet, and an engine with declared on-premises networks
// (--onprem) also lists what they reach, which no control is about.
func internetOnly(rep *reach.ExposureReport) *reach.ExposureReport {
	if !slices.ContainsFunc(rep.Exposed, func(x reach.Exposed) bool { return x.OnPrem != "" }) {
		return rep
	}
	out := *rep
	out.Exposed = slices.DeleteFunc(slices.Clone(rep.Exposed), func(x reach.Exposed) bool { return x.OnPrem != "" })
	return &out
}

func exposedByRule(rep *reach.ExposureReport) map[ruleKey][]reach.Exposed {
	out := map[ruleKey][]reach.Exposed{}
	for _, x := range rep.Exposed {
		if x.Group == "" {
			continue
		}
		k := ruleKey{x.Group, x.RuleIndex}
		out[k] = append(out[k], x)
	}
	return out
}

// exposedText renders an exposure in one line: "web-1a 3.83.201.14 tcp/22".
func exposedText(x reach.Exposed) string {
	who := x.ID
	if x.Name != "" {
		who = x.Name
	}
	svc := x.Protocol
	if x.Ports != "" {
		svc += "/" + x.Ports
	}
	return who + " " + x.PublicIP + " " + svc
}

// notChecked records a control the audit could not decide.
func (a *auditor) notChecked(control, scope, lacked string, gap *model.Gap) {
	u := Unchecked{Control: control, Scope: scope, Lacked: lacked, Gap: gap}
	if !slices.Contains(a.unchecked, u) {
		a.unchecked = append(a.unchecked, u)
	}
}

func (a *auditor) add(f Finding, r model.Resource) {
	m := r.Base()
	f.Kind, f.Resource, f.Name, f.Account, f.Region = r.Kind(), m.ID, m.Name(), m.Account, m.Region
	for _, id := range f.Controls {
		if c, ok := a.controls[id]; ok {
			f.ControlRefs = append(f.ControlRefs, c)
		}
	}
	a.findings = append(a.findings, f)
}

// securityGroups checks every group: the default group's rules (EC2.2),
// rules open to the world (EC2.13/14/18/19/53/54), unused groups (EC2.22)
// and references to groups that no longer exist.
func (a *auditor) securityGroups() {
	accounts := map[string]bool{}
	for _, sc := range a.s.Scopes {
		accounts[sc.Account] = true
	}
	for _, sg := range a.s.SecurityGroups {
		members := len(a.ix.GroupMembers(sg.ID))
		if sg.IsDefault() && len(sg.Ingress)+len(sg.Egress) > 0 {
			sev := Low
			if members > 0 {
				sev = Medium
			}
			a.add(Finding{Controls: []string{"EC2.2"}, Severity: sev,
				Message: fmt.Sprintf("the default security group has %s and %s (used by %s)",
					count(len(sg.Ingress), "inbound rule"), count(len(sg.Egress), "outbound rule"), count(members, "interface"))}, sg)
		}
		if !sg.IsDefault() && members == 0 {
			a.add(Finding{Controls: []string{"EC2.22"}, Severity: Low, Message: "no network interface uses this security group"}, sg)
		}
		for i := range sg.Ingress {
			r := &sg.Ingress[i]
			a.worldOpenRule(sg, i, r)
			if r.Group != nil && a.ix.SecurityGroup(r.Group.GroupID) == nil &&
				(r.Group.PeeringStatus == "deleted" || r.Group.UserID == "" || accounts[r.Group.UserID]) {
				a.add(Finding{Controls: []string{"VPCSCOPE.STALE_REFERENCE"}, Severity: Low, Rule: "ingress " + r.String(),
					Message: fmt.Sprintf("inbound rule %d references %s, which is not in the account", i+1, r.Group.GroupID)}, sg)
			}
		}
	}
}

// worldOpenRule checks one inbound rule open to 0.0.0.0/0 or ::/0.
func (a *auditor) worldOpenRule(sg *model.SecurityGroup, i int, r *model.SGRule) {
	if !r.CIDR.IsValid() || r.CIDR.Bits() != 0 || (r.Protocol != model.ProtocolAll && !r.Protocol.HasPorts()) {
		return
	}
	ports := r.Ports()
	covers := func(list []uint16) []string {
		var out []string
		for _, p := range list {
			if ports.Contains(p) {
				out = append(out, strconv.Itoa(int(p)))
			}
		}
		return out
	}
	var controls []string
	admin, risky := covers(adminPorts), covers(highRiskPorts)
	if slices.Contains(admin, "22") {
		controls = append(controls, "EC2.13")
	}
	if slices.Contains(admin, "3389") {
		controls = append(controls, "EC2.14")
	}
	if len(admin) > 0 {
		if r.CIDR.Addr().Is4() {
			controls = append(controls, "EC2.53")
		} else {
			controls = append(controls, "EC2.54")
		}
	}
	if len(risky) > 0 {
		controls = append(controls, "EC2.19")
	}
	authorized := r.Protocol == model.ProtocolTCP && (ports == model.SinglePort(80) || ports == model.SinglePort(443))
	if !authorized {
		controls = append(controls, "EC2.18")
	}
	if len(controls) == 0 {
		return
	}
	evidence := a.exposed[ruleKey{sg.ID, i}]
	var exposed []string
	for _, x := range evidence {
		exposed = append(exposed, exposedText(x))
	}
	sev := Low
	switch {
	case len(risky) > 0 && len(exposed) > 0:
		sev = High
	case len(risky) > 0 || len(exposed) > 0:
		sev = Medium
	}
	msg := fmt.Sprintf("inbound rule %d opens %s to %s", i+1, r.Service(), r.CIDR)
	if len(risky) > 0 {
		msg += " (high-risk ports " + strings.Join(risky, ", ") + ")"
	}
	if len(exposed) > 0 {
		msg += fmt.Sprintf("; the internet reaches %s through it", count(len(exposed), "interface port"))
	} else {
		msg += "; no interface with a public path uses it now"
	}
	recorded := a.recorded(sg, r)
	for _, t := range recorded {
		msg += fmt.Sprintf("; the internet reached %s on %s %s in these logs", service(t), a.interfaceLabel(t.Interface), times(t.Records))
	}
	a.add(Finding{Controls: controls, Severity: sev, Rule: "ingress " + r.String(), Message: msg, Exposed: exposed, Recorded: recorded, Evidence: evidence}, sg)
}

// networkACLs checks ACL entries that let the world in on the
// administration ports (EC2.21): an entry for 0.0.0.0/0 or ::/0 that is
// the first match, in the engine's own evaluation of the ACL, for some
// internet address on tcp/22 or tcp/3389. It also reports custom ACLs no
// subnet uses (EC2.16).
func (a *auditor) networkACLs() {
	inet := a.e.Internet()
	for _, acl := range a.s.NetworkACLs {
		if !acl.IsDefault && len(acl.Associations) == 0 {
			a.add(Finding{Controls: []string{"EC2.16"}, Severity: Low, Message: "no subnet is associated with this network ACL"}, acl)
		}
		seen := map[int32]bool{}
		for _, port := range adminPorts {
			for _, fam := range []string{"0.0.0.0/0", "::/0"} {
				var b netipx.IPSetBuilder
				b.AddSet(inet)
				b.Intersect(prefixSet(fam))
				peers, _ := b.IPSet()
				for _, d := range a.e.NetworkACLDecisions(acl, false, model.ProtocolTCP, []model.PortRange{model.SinglePort(port)}, peers) {
					en := d.Entry
					if !d.Allow || en == nil || en.CIDR.Bits() != 0 || seen[en.RuleNumber] {
						continue
					}
					seen[en.RuleNumber] = true
					sev := Medium
					if len(acl.Associations) == 0 {
						sev = Low
					}
					a.add(Finding{Controls: []string{"EC2.21"}, Severity: sev, Rule: en.String(),
						Message: fmt.Sprintf("inbound %s lets the world in on tcp/%d (used by %s)", en.String(), port, count(len(acl.Associations), "subnet"))}, acl)
				}
			}
		}
	}
}

// recorded returns the traffic flow logs recorded from the internet at
// the group's interfaces on the rule's protocol and ports, most first.
func (a *auditor) recorded(sg *model.SecurityGroup, r *model.SGRule) []Traffic {
	if len(a.traffic) == 0 {
		return nil
	}
	members := map[string]bool{}
	for _, n := range a.ix.GroupMembers(sg.ID) {
		members[n.ID] = true
	}
	ports := r.Ports()
	var out []Traffic
	for _, t := range a.traffic {
		if !members[t.Interface] || !r.Protocol.Matches(t.Protocol) {
			continue
		}
		if t.Protocol.HasPorts() && (t.Port < 0 || t.Port > 65535 || !ports.Contains(uint16(t.Port))) {
			continue
		}
		out = append(out, t)
	}
	slices.SortStableFunc(out, func(x, y Traffic) int {
		return cmp.Or(cmp.Compare(y.Records, x.Records), cmp.Compare(x.Interface, y.Interface), cmp.Compare(x.Port, y.Port))
	})
	return out
}

// interfaceLabel names an interface with its instance's name, if any.
func (a *auditor) interfaceLabel(id string) string {
	if n := a.ix.Interface(id); n != nil {
		if in := a.ix.Instance(n.InstanceID()); in != nil && in.Name() != "" {
			return id + " (" + in.Name() + ")"
		}
	}
	return id
}

func service(t Traffic) string {
	if t.Protocol.HasPorts() {
		return t.Protocol.String() + "/" + strconv.Itoa(t.Port)
	}
	return t.Protocol.String()
}

// times renders "once", "3,118 times".
func times(n int64) string {
	if n == 1 {
		return "once"
	}
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s + " times"
}

// flowLogs checks that a flow log captures every VPC's rejected traffic
// (EC2.6, CIS 3.7): an active flow log of traffic type REJECT or ALL on
// the VPC, or on each of its subnets, or on every interface of the
// subnets that lack one. It returns what it could not check: everything
// when the snapshot holds no flow-log configuration, the scopes where
// DescribeFlowLogs failed (a gap).
func (a *auditor) flowLogs() {
	const control = "EC2.6 / CIS 3.7 (VPC flow logging)"
	if !a.s.FlowLogsListed {
		a.notChecked(control, "", "the snapshot holds no flow-log configuration (a fixture, a snapshot from an older vpcscope, or a dump without `aws ec2 describe-flow-logs` output)", nil)
		return
	}
	covered := map[string]bool{}
	failing := map[string]string{}
	for _, f := range a.s.FlowLogs {
		rejects := f.TrafficType == "" || f.TrafficType == "ALL" || f.TrafficType == "REJECT"
		switch {
		case f.Active() && rejects:
			covered[f.ResourceID] = true
		case !f.Active():
			failing[f.ResourceID] = fmt.Sprintf("flow log %s is %s", f.ID, cmp.Or(strings.ToLower(f.DeliverLogsStatus), strings.ToLower(f.Status)))
		default:
			failing[f.ResourceID] = fmt.Sprintf("flow log %s records only %s traffic", f.ID, f.TrafficType)
		}
	}
	for _, v := range a.s.VPCs {
		if gaps := a.s.GapsFor(model.KindFlowLog, v.Account, v.Region); len(gaps) > 0 {
			a.notChecked(control, (model.Scope{Account: v.Account, Region: v.Region}).String(), gaps[0].String(), &gaps[0])
			continue
		}
		if covered[v.ID] {
			continue
		}
		subnets := a.ix.VPCSubnets(v.ID)
		whole, some := len(subnets) > 0, 0
		for _, sn := range subnets {
			ok := covered[sn.ID]
			if !ok {
				ifaces := a.ix.SubnetInterfaces(sn.ID)
				ok = len(ifaces) > 0
				for _, n := range ifaces {
					ok = ok && covered[n.ID]
				}
			}
			if ok {
				some++
			} else {
				whole = false
			}
		}
		if whole {
			continue
		}
		msg := "no flow log records this VPC's rejected traffic"
		if why := failing[v.ID]; why != "" {
			msg += " (" + why + ")"
		}
		if some > 0 {
			msg += fmt.Sprintf("; only %d of its %s are covered", some, count(len(subnets), "subnet"))
		}
		a.add(Finding{Controls: []string{"EC2.6"}, Severity: Medium, Message: msg}, v)
	}
}

func prefixSet(p string) *netipx.IPSet {
	var b netipx.IPSetBuilder
	b.AddPrefix(netip.MustParsePrefix(p))
	s, _ := b.IPSet()
	return s
}

// instancesAndSubnets checks public IPv4 addresses on instances (EC2.9) and
// subnets that hand them out (EC2.15).
func (a *auditor) instancesAndSubnets() {
	for _, in := range a.s.Instances {
		if in.PublicIP.IsValid() && (in.State == "" || in.State == "running") {
			a.add(Finding{Controls: []string{"EC2.9"}, Severity: Low,
				Message: fmt.Sprintf("the instance has the public IPv4 address %s", in.PublicIP)}, in)
		}
	}
	for _, sn := range a.s.Subnets {
		if sn.MapPublicIPOnLaunch {
			a.add(Finding{Controls: []string{"EC2.15"}, Severity: Low,
				Message: "the subnet assigns a public IPv4 address to every instance launched in it"}, sn)
		}
	}
}

// routes checks blackhole routes and peering routes wider than the peer
// VPC (CIS "least access" for peering).
func (a *auditor) routes() {
	for _, rt := range a.s.RouteTables {
		for i := range rt.Routes {
			r := &rt.Routes[i]
			rule := r.DestinationString() + " -> " + r.Target().ID
			if r.IsBlackhole() {
				a.add(Finding{Controls: []string{"VPCSCOPE.BLACKHOLE"}, Severity: Medium, Rule: rule,
					Message: fmt.Sprintf("route %s drops traffic: its target is not available (deleted, or detached from the VPC)", rule)}, rt)
			}
			if r.VPCPeeringConnectionID == "" || !r.Destination.IsValid() {
				continue
			}
			p, ok := model.Get[*model.VPCPeering](a.ix, r.VPCPeeringConnectionID)
			if !ok {
				continue
			}
			peer, ok := p.Other(rt.VPCID)
			if !ok {
				continue
			}
			cidrs := slices.Concat(peer.CIDRs, peer.IPv6CIDRs)
			if v := a.ix.VPC(peer.VPCID); v != nil {
				cidrs = slices.Concat(v.CIDRs, v.IPv6CIDRs)
			}
			if !slices.ContainsFunc(cidrs, func(c netip.Prefix) bool { return r.Destination.Bits() >= c.Bits() && c.Contains(r.Destination.Addr()) }) {
				a.add(Finding{Controls: []string{"CIS 5.6"}, Severity: Medium, Rule: rule,
					Message: fmt.Sprintf("route %s sends more than the peer VPC's own addresses (%s) over the peering connection", rule, prefixList(cidrs))}, rt)
			}
		}
	}
}

func prefixList(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

// count renders "1 subnet", "3 subnets".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
