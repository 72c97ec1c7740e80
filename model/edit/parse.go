package edit

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// Parse reads one edit in the text syntax (see the package documentation),
// resolving names against ix. Errors are one line and name the part that
// is wrong. Parse checks syntax and names; whether the edit fits the rules
// as they stand (an index in range, a rule number free) is Overlay.Apply's
// to say.
func Parse(ix *model.Index, line string) (Edit, error) {
	e, err := parse(ix, line)
	if err != nil {
		return Edit{}, fmt.Errorf("%q: %w", strings.TrimSpace(line), err)
	}
	return e, nil
}

func parse(ix *model.Index, line string) (Edit, error) {
	if e, ok, err := parseFirewall(ix, line); ok {
		return e, err
	}
	text, desc, hasDesc := strings.Cut(line, "#")
	f := strings.Fields(text)
	if len(f) == 0 {
		return Edit{}, fmt.Errorf("empty edit; want e.g. %q", "sg-0123 ingress tcp 3306 from 10.0.0.0/16")
	}
	desc = strings.TrimSpace(desc)
	op := Add
	switch kw := strings.ToLower(f[0]); kw {
	case "disable", "replace", "route":
		op = map[string]Op{"disable": Disable, "replace": Replace, "route": Add}[kw]
		f = f[1:]
		if len(f) == 0 {
			return Edit{}, fmt.Errorf("%s what? name a security group, network ACL or route table", kw)
		}
		if kw == "route" {
			rt, err := resolve(ix, f[0], model.KindRouteTable)
			if err != nil {
				return Edit{}, err
			}
			return parseRouteEdit(ix, Add, rt.(*model.RouteTable), f[1:], hasDesc)
		}
	}
	res, err := resolve(ix, f[0], model.KindSecurityGroup, model.KindNetworkACL, model.KindRouteTable)
	if err != nil {
		return Edit{}, err
	}
	f = f[1:]
	if rt, ok := res.(*model.RouteTable); ok {
		if op == Add {
			return Edit{}, fmt.Errorf("%s is a route table: add a route with \"route %s DEST via TARGET\"", rt.ID, rt.ID)
		}
		return parseRouteEdit(ix, op, rt, f, hasDesc)
	}
	e := Edit{Op: op, Resource: res.Base().ID}
	if len(f) == 0 {
		return Edit{}, fmt.Errorf("%s: want a direction (%s)", e.Resource, directions(res))
	}
	if e.List, err = listOf(res, f[0]); err != nil {
		return Edit{}, err
	}
	f = f[1:]
	if op != Add {
		if len(f) == 0 {
			return Edit{}, fmt.Errorf("%s %s: which rule? want its number", e.Resource, e.List.word())
		}
		n, err := strconv.ParseInt(f[0], 10, 32)
		if err != nil {
			return Edit{}, fmt.Errorf("rule %q: want a rule number", f[0])
		}
		if e.List.IsSecurityGroup() {
			if n < 1 {
				return Edit{}, fmt.Errorf("rule %d: security group rules are numbered from 1", n)
			}
			e.Index = int(n) - 1
		} else {
			e.RuleNumber = int32(n)
		}
		f = f[1:]
		if op == Disable {
			if len(f) > 0 || hasDesc {
				return Edit{}, fmt.Errorf("unexpected %q after the rule number", strings.Join(f, " "))
			}
			return e, nil
		}
		if len(f) == 0 || !strings.EqualFold(f[0], "with") {
			return Edit{}, fmt.Errorf("replace %s %s %d: want \"with\" and the new rule", e.Resource, e.List.word(), n)
		}
		f = f[1:]
	}
	rest := strings.Join(f, " ")
	if hasDesc {
		rest += " #" + desc
	}
	e.Rule, err = ParseRule(ix, res, e.List, rest)
	return e, err
}

// ParseRule reads the rule part of an edit for list l of resource res:
// "PROTO [PORTS] [from|to] PEER [# description]" for a security group,
// "NUM allow|deny PROTO [PORTS] CIDR" for a network ACL, "DEST via TARGET"
// for a route table. The explorer's edit line reads this.
func ParseRule(ix *model.Index, res model.Resource, l List, s string) (Rule, error) {
	var r Rule
	var err error
	switch {
	case l.IsSecurityGroup():
		r.SG, err = parseSGRule(ix, res, l.Egress(), s)
	case l.IsNetworkACL():
		if strings.Contains(s, "#") {
			return r, fmt.Errorf("network ACL entries have no description (drop the # part)")
		}
		r.Entry, err = parseEntry(strings.Fields(s), l.Egress())
	case l == Routes:
		if strings.Contains(s, "#") {
			return r, fmt.Errorf("routes have no description (drop the # part)")
		}
		r.Route, err = parseRoute(ix, strings.Fields(s))
	case l == FirewallStateless:
		r.Stateless, err = parseStateless(strings.Fields(s))
	case l == FirewallStateful:
		r.Stateful, err = parseStateful(s)
	default:
		err = fmt.Errorf("rule list %q: want one of %v", l, Lists)
	}
	return r, err
}

func directions(res model.Resource) string {
	if _, ok := res.(*model.NetworkACL); ok {
		return "inbound or outbound"
	}
	return "ingress or egress"
}

// listOf reads a direction word for a security group or a network ACL.
// Either vocabulary is accepted for either kind.
func listOf(res model.Resource, word string) (List, error) {
	in, out := SGIngress, SGEgress
	if _, ok := res.(*model.NetworkACL); ok {
		in, out = NACLInbound, NACLOutbound
	}
	switch strings.ToLower(word) {
	case "ingress", "inbound", "in":
		return in, nil
	case "egress", "outbound", "out":
		return out, nil
	}
	return "", fmt.Errorf("direction %q: want %s", word, directions(res))
}

func parseSGRule(ix *model.Index, res model.Resource, egress bool, s string) (model.SGRule, error) {
	var r model.SGRule
	s, desc, _ := strings.Cut(s, "#")
	r.Description = strings.TrimSpace(desc)
	f := strings.Fields(s)
	if len(f) < 2 {
		return r, fmt.Errorf("want PROTOCOL [PORTS] %s PEER, e.g. \"tcp 3306 %s sg-0123\" or \"tcp 443 %s 10.0.0.0/16\"",
			dirWord(egress), dirWord(egress), dirWord(egress))
	}
	p, err := model.ParseProtocol(f[0])
	if err != nil {
		return r, err
	}
	peer := f[len(f)-1]
	mid := f[1 : len(f)-1]
	if n := len(mid); n > 0 {
		switch w := strings.ToLower(mid[n-1]); w {
		case "from", "to":
			if w != dirWord(egress) {
				return r, fmt.Errorf("%q: an %s rule names its peer with %q", w, map[bool]string{false: "inbound", true: "outbound"}[egress], dirWord(egress))
			}
			mid = mid[:n-1]
		}
	}
	if len(mid) > 1 {
		return r, fmt.Errorf("unexpected %q: want PROTOCOL [PORTS] %s PEER", strings.Join(mid[1:], " "), dirWord(egress))
	}
	ports, icmp, err := parseService(p, mid)
	if err != nil {
		return r, err
	}
	// AWS's fields: the port range, or the ICMP type and code; -1 for all
	r.Protocol, r.FromPort, r.ToPort = p, -1, -1
	switch {
	case p.HasPorts():
		r.FromPort, r.ToPort = int32(ports.From), int32(ports.To)
	case p.IsICMP():
		r.FromPort, r.ToPort = int32(icmp.Type), int32(icmp.Code)
	}
	if err := parsePeer(ix, res, peer, &r); err != nil {
		return r, err
	}
	return r, nil
}

func dirWord(egress bool) string {
	if egress {
		return "to"
	}
	return "from"
}

// accountGroupRE matches a group in another account: ACCOUNT/sg-….
var accountGroupRE = regexp.MustCompile(`^(\d{12})/(sg-[0-9a-f]+)$`)

// parsePeer reads a security group rule's peer into r: a CIDR, an address,
// a prefix list, or a group (ID, unique ID prefix, Name tag, group name, or
// ACCOUNT/sg-… for a group in another account).
func parsePeer(ix *model.Index, res model.Resource, peer string, r *model.SGRule) error {
	if m := accountGroupRE.FindStringSubmatch(peer); m != nil {
		r.Group = &model.GroupRef{GroupID: m[2], UserID: m[1]}
		if g := ix.SecurityGroup(m[2]); g != nil {
			r.Group.VPCID = g.VPCID
			if g.Account == res.Base().Account {
				r.Group.UserID = ""
			}
		}
		return nil
	}
	switch {
	case strings.HasPrefix(peer, "pl-"):
		if ix.PrefixList(peer) == nil {
			return fmt.Errorf("peer %q: no prefix list with this ID in the snapshot", peer)
		}
		r.PrefixListID = peer
		return nil
	case strings.Contains(peer, "/"):
		pf, err := parseCIDR("peer", peer)
		if err != nil {
			return err
		}
		r.CIDR = pf
		return nil
	}
	if a, err := netip.ParseAddr(peer); err == nil {
		r.CIDR = netip.PrefixFrom(a, a.BitLen())
		return nil
	}
	g, err := resolve(ix, peer, model.KindSecurityGroup)
	if err != nil {
		return fmt.Errorf("peer: %w (a peer is a CIDR, an address, a prefix list or a security group)", err)
	}
	sg := g.(*model.SecurityGroup)
	r.Group = &model.GroupRef{GroupID: sg.ID, VPCID: sg.VPCID}
	if sg.Account != "" && sg.Account != res.Base().Account {
		r.Group.UserID = sg.Account
	}
	return nil
}

// parseCIDR reads a CIDR and refuses one with host bits set: 10.0.0.5/16
// is more likely a typo for a /32 than a wish for 10.0.0.0/16.
func parseCIDR(what, s string) (netip.Prefix, error) {
	pf, err := netip.ParsePrefix(s)
	if err != nil {
		if a, aerr := netip.ParseAddr(s); aerr == nil {
			return netip.PrefixFrom(a, a.BitLen()), nil
		}
		return pf, fmt.Errorf("%s %q: not a CIDR (want e.g. 10.0.0.0/16)", what, s)
	}
	if pf.Masked() != pf {
		return pf, fmt.Errorf("%s %s has host bits set: did you mean %s or %s/%d?", what, s, pf.Masked(), pf.Addr(), pf.Addr().BitLen())
	}
	return pf, nil
}

// parseService reads what may follow a protocol (mid: no token or one):
// ports for tcp and udp, which need them; an optional ICMP selector; and
// nothing for any other protocol.
func parseService(p model.Protocol, mid []string) (model.PortRange, model.ICMPTypeCode, error) {
	ports, icmp := model.AllPorts, model.AnyICMP
	var err error
	switch {
	case p.HasPorts() && len(mid) == 0:
		err = fmt.Errorf("%s needs ports, e.g. \"%s 443\" (or \"%s all\")", p, p, p)
	case p.HasPorts():
		ports, err = model.ParsePortRange(mid[0])
	case p.IsICMP() && len(mid) == 1:
		icmp, err = parseICMP(mid[0])
	case len(mid) > 0:
		err = fmt.Errorf("protocol %s takes no ports (got %q)", p, mid[0])
	}
	return ports, icmp, err
}

// parseICMP reads "8" (a type, any code) or "3:4" (type and code); "all"
// is every message.
func parseICMP(s string) (model.ICMPTypeCode, error) {
	if strings.EqualFold(s, "all") {
		return model.AnyICMP, nil
	}
	ts, cs, hasCode := strings.Cut(s, ":")
	t, err := strconv.ParseUint(ts, 10, 8)
	out := model.ICMPTypeCode{Type: int16(t), Code: -1}
	if err == nil && hasCode {
		var c uint64
		c, err = strconv.ParseUint(cs, 10, 8)
		out.Code = int16(c)
	}
	if err != nil {
		return model.AnyICMP, fmt.Errorf("ICMP %q: want TYPE or TYPE:CODE (0-255), e.g. 8 or 3:4", s)
	}
	return out, nil
}

// parseEntry reads "NUM allow|deny PROTO [PORTS] CIDR".
func parseEntry(f []string, egress bool) (model.ACLEntry, error) {
	e := model.ACLEntry{Egress: egress}
	if len(f) < 4 {
		return e, fmt.Errorf("want NUMBER allow|deny PROTOCOL [PORTS] CIDR, e.g. \"90 allow tcp 3306 10.0.0.0/16\"")
	}
	n, err := strconv.ParseInt(f[0], 10, 32)
	if err != nil {
		return e, fmt.Errorf("rule number %q: want a number 1-32766", f[0])
	}
	e.RuleNumber = int32(n)
	switch strings.ToLower(f[1]) {
	case "allow":
		e.Action = model.Allow
	case "deny":
		e.Action = model.Deny
	default:
		return e, fmt.Errorf("action %q: want allow or deny", f[1])
	}
	if e.Protocol, err = model.ParseProtocol(f[2]); err != nil {
		return e, err
	}
	mid := f[3 : len(f)-1]
	if len(mid) > 1 {
		return e, fmt.Errorf("unexpected %q: want NUMBER allow|deny PROTOCOL [PORTS] CIDR", strings.Join(mid[1:], " "))
	}
	ports, icmp, err := parseService(e.Protocol, mid)
	if err != nil {
		return e, err
	}
	switch {
	case e.Protocol.HasPorts():
		e.PortRange = &ports
	case e.Protocol.IsICMP() && icmp != model.AnyICMP:
		e.ICMP = &icmp
	}
	if e.CIDR, err = parseCIDR("CIDR", f[len(f)-1]); err != nil {
		return e, err
	}
	return e, nil
}

// parseRouteEdit reads what follows a route table in an edit.
func parseRouteEdit(ix *model.Index, op Op, rt *model.RouteTable, f []string, hasDesc bool) (Edit, error) {
	e := Edit{Op: op, Resource: rt.ID, List: Routes}
	if hasDesc {
		return e, fmt.Errorf("routes have no description (drop the # part)")
	}
	if op == Disable {
		if len(f) != 1 {
			return e, fmt.Errorf("want \"disable %s DEST\" with DEST a CIDR or prefix list", rt.ID)
		}
		dst, err := parseDestination(f[0])
		if err != nil {
			return e, err
		}
		e.Destination = dst
		return e, nil
	}
	r, err := parseRoute(ix, f)
	if err != nil {
		return e, err
	}
	e.Rule.Route = r
	if op == Replace {
		e.Destination = r.DestinationString()
	}
	return e, nil
}

// parseDestination reads a route destination: a CIDR or a prefix list ID,
// in the form Route.DestinationString writes.
func parseDestination(s string) (string, error) {
	if strings.HasPrefix(s, "pl-") {
		return s, nil
	}
	pf, err := parseCIDR("destination", s)
	if err != nil {
		return "", err
	}
	return pf.String(), nil
}

// parseRoute reads "DEST via TARGET".
func parseRoute(ix *model.Index, f []string) (model.Route, error) {
	var r model.Route
	if len(f) != 3 || !strings.EqualFold(f[1], "via") {
		return r, fmt.Errorf("want DEST via TARGET, e.g. \"10.9.0.0/16 via pcx-0123\"")
	}
	dst, err := parseDestination(f[0])
	if err != nil {
		return r, err
	}
	if strings.HasPrefix(dst, "pl-") {
		if ix.PrefixList(dst) == nil {
			return r, fmt.Errorf("destination %q: no prefix list with this ID in the snapshot", dst)
		}
		r.DestinationPrefixListID = dst
	} else {
		r.Destination = netip.MustParsePrefix(dst)
	}
	r.State, r.Origin = "active", "CreateRoute"
	if strings.EqualFold(f[2], "local") {
		r.GatewayID = "local"
		r.Origin = "CreateRouteTable"
		return r, nil
	}
	tgt, err := resolve(ix, f[2], routeTargetKinds...)
	if err != nil {
		return r, fmt.Errorf("target: %w", err)
	}
	setTarget(&r, tgt)
	return r, nil
}

// routeTargetKinds are the resources a route can point at.
var routeTargetKinds = []model.Kind{model.KindInternetGateway, model.KindEgressOnlyInternetGateway,
	model.KindNATGateway, model.KindVPNGateway, model.KindVPCPeering, model.KindTransitGateway,
	model.KindVPCEndpoint, model.KindNetworkInterface, model.KindInstance}

// setTarget fills the route's target field for a resource, as AWS's
// CreateRoute does.
func setTarget(r *model.Route, tgt model.Resource) {
	id := tgt.Base().ID
	switch tgt.Kind() {
	case model.KindEgressOnlyInternetGateway:
		r.EgressOnlyInternetGatewayID = id
	case model.KindNATGateway:
		r.NATGatewayID = id
	case model.KindVPCPeering:
		r.VPCPeeringConnectionID = id
	case model.KindTransitGateway:
		r.TransitGatewayID = id
	case model.KindNetworkInterface:
		r.NetworkInterfaceID = id
	case model.KindInstance:
		r.InstanceID = id
	default: // internet, virtual private gateways and VPC endpoints
		r.GatewayID = id
	}
}

// resolve finds the one resource of the given kinds that s names: by ID,
// by Name tag, by group name (security groups), or by a unique ID prefix.
func resolve(ix *model.Index, s string, kinds ...model.Kind) (model.Resource, error) {
	of := func(rs []model.Resource) []model.Resource {
		var out []model.Resource
		seen := map[string]bool{}
		for _, r := range rs {
			for _, k := range kinds {
				if r.Kind() == k && !seen[r.Base().ID] {
					seen[r.Base().ID] = true
					out = append(out, r)
				}
			}
		}
		return out
	}
	one := func(rs []model.Resource, how string) (model.Resource, bool, error) {
		switch len(rs) {
		case 0:
			return nil, false, nil
		case 1:
			return rs[0], true, nil
		}
		var ids []string
		for _, r := range rs[:min(len(rs), 4)] {
			ids = append(ids, r.Base().ID)
		}
		return nil, true, fmt.Errorf("%s %q names %d resources (%s): use the ID", how, s, len(rs), strings.Join(ids, ", "))
	}
	if r, ok, err := one(of(ix.ResourcesByID(s)), "ID"); ok {
		return r, err
	}
	if r, ok, err := one(of(ix.ByName(s)), "name"); ok {
		return r, err
	}
	var byPrefix, byGroupName []model.Resource
	lower := strings.ToLower(s)
	for r := range ix.Snapshot().All() {
		if len(of([]model.Resource{r})) == 0 {
			continue
		}
		if strings.Contains(s, "-") && len(s) >= 6 && strings.HasPrefix(r.Base().ID, lower) {
			byPrefix = append(byPrefix, r)
		}
		if sg, ok := r.(*model.SecurityGroup); ok && strings.EqualFold(sg.GroupName, s) {
			byGroupName = append(byGroupName, r)
		}
	}
	if r, ok, err := one(byGroupName, "group name"); ok {
		return r, err
	}
	if r, ok, err := one(byPrefix, "ID prefix"); ok {
		return r, err
	}
	what := make([]string, len(kinds))
	for i, k := range kinds {
		what[i] = string(k)
	}
	msg := fmt.Sprintf("no %s with ID or name %q in the snapshot", strings.Join(what, ", "), s)
	if sug := ix.Suggest(s, 3); len(sug) > 0 {
		msg += "; did you mean " + strings.Join(sug, ", ") + "?"
	}
	return nil, fmt.Errorf("%s", msg)
}

// parseFirewall reads an edit of a firewall rule group (firewall.go); ok is
// false when the line names none. Suricata rules may hold '#', so the
// line is not cut at a description.
func parseFirewall(ix *model.Index, line string) (Edit, bool, error) {
	f := strings.Fields(line)
	op := Add
	if len(f) > 0 {
		switch strings.ToLower(f[0]) {
		case "disable":
			op, f = Disable, f[1:]
		case "replace":
			op, f = Replace, f[1:]
		}
	}
	if len(f) < 2 || (!strings.EqualFold(f[1], "stateless") && !strings.EqualFold(f[1], "stateful")) {
		return Edit{}, false, nil
	}
	res, err := resolve(ix, f[0], model.KindFirewallRuleGroup)
	if err != nil {
		return Edit{}, true, err
	}
	e, err := parseFirewallEdit(res.(*model.FirewallRuleGroup), op, f[1:])
	return e, true, err
}
