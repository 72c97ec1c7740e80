package audit

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

// This file holds the checks the AWS network-security guidance adds to
// the Security Hub and CIS controls: rules that decide nothing, replies a
// stateless ACL drops, management and database ports the internet
// reaches, source/destination checks, public subnets without addresses,
// allow-all egress, AWS WAF and Shield Advanced, and the controls the
// model cannot decide yet.

// Management and database ports: what the internet should never reach on
// an instance, whatever rule opens it.
var (
	managementPorts = []uint16{22, 23, 3389, 5985, 5986}
	databasePorts   = []uint16{1433, 1521, 3306, 5432, 5984, 6379, 9042, 9200, 11211, 27017}
)

// unusedRules reports network ACL entries shadowed by earlier entries and
// security group rules the group's other rules cover, as the engine
// computes them on packet sets.
func (a *auditor) unusedRules() {
	for _, acl := range a.s.NetworkACLs {
		if a.same(acl) {
			continue
		}
		for _, u := range a.e.ShadowedACLEntries(acl) {
			sev, what := Low, "adds nothing: earlier entries with the same action decide every packet it matches"
			if u.Conflict {
				sev, what = Medium, "never applies: earlier entries decide every packet it matches, some the other way"
			}
			a.add(Finding{Controls: []string{"VPCSCOPE.SHADOWED_NACL_ENTRY"}, Severity: sev, Rule: u.Text, By: u.ByText,
				Message: fmt.Sprintf("%s %s (%s)", u.Text, what, strings.Join(u.ByText, "; "))}, acl)
		}
	}
	for _, sg := range a.s.SecurityGroups {
		if a.same(sg) {
			continue
		}
		for _, u := range a.e.RedundantSGRules(sg) {
			a.add(Finding{Controls: []string{"VPCSCOPE.REDUNDANT_SG_RULE"}, Severity: Low, Rule: u.Text, By: u.ByText,
				Message: fmt.Sprintf("%s adds nothing: the group's other rules admit every packet it matches (%s)", u.Text, strings.Join(u.ByText, "; "))}, sg)
		}
	}
}

// ephemeral is the client port range replies go to (AWS VPC user guide,
// "Ephemeral ports": 1024-65535 covers every client).
var ephemeral = []model.PortRange{{From: 1024, To: 65535}}

// replies reports inbound allow entries of a network ACL in use whose
// replies no outbound entry lets out: network ACLs are stateless, so the
// request gets in and its answer is dropped. The replies go from the
// entry's ports to the ephemeral ports of the peers it admits; the
// engine's own ACL evaluation decides them.
func (a *auditor) replies() {
	for _, acl := range a.s.NetworkACLs {
		if len(acl.Associations) == 0 {
			continue
		}
		shadowed := map[int32]bool{}
		for _, u := range a.e.ShadowedACLEntries(acl) {
			if u.Rule.Kind == reach.RefNACLInbound {
				shadowed[u.Rule.RuleNumber] = true
			}
		}
		for i := range acl.Entries {
			en := &acl.Entries[i]
			if en.Egress || en.Action != model.Allow || !en.Protocol.HasPorts() || en.IsDefaultDeny() || shadowed[en.RuleNumber] || !en.CIDR.IsValid() {
				continue
			}
			if p := en.Ports(); p.From >= 1024 {
				continue // an entry for ephemeral ports admits replies, not requests
			}
			allowed := false
			for _, d := range a.e.NetworkACLDecisions(acl, true, en.Protocol, ephemeral, prefixSet(en.CIDR.Masked().String())) {
				allowed = allowed || d.Allow
			}
			if allowed {
				continue
			}
			a.add(Finding{Controls: []string{"VPCSCOPE.NACL_NO_RETURN"}, Severity: Medium, Rule: "ingress " + en.String(),
				Message: fmt.Sprintf("inbound %s lets requests in, but no outbound entry allows their replies to %s ports 1024-65535 at %s: the connection never completes (used by %s)",
					en.String(), en.Protocol, en.CIDR, count(len(acl.Associations), "subnet"))}, acl)
		}
	}
}

// internetAdminDB reports interfaces the engine finds reachable from the
// internet on a management or database port, whatever rule opens them
// (not only 0.0.0.0/0): with the exact sources and the proving path.
func (a *auditor) internetAdminDB() {
	type key struct{ id, rule string }
	found := map[key]*Finding{}
	owners := map[key]model.Resource{}
	var order []key
	for _, x := range a.exposure.Exposed {
		if x.Kind != "network-interface" || (x.Protocol != "tcp" && x.Protocol != "udp") {
			continue
		}
		var mgmt, db []string
		for _, p := range managementPorts {
			if portsContain(x.PortRanges, p) {
				mgmt = append(mgmt, strconv.Itoa(int(p)))
			}
		}
		for _, p := range databasePorts {
			if portsContain(x.PortRanges, p) {
				db = append(db, strconv.Itoa(int(p)))
			}
		}
		if len(mgmt)+len(db) == 0 {
			continue
		}
		var r model.Resource = a.ix.Interface(x.ID)
		if in := a.ix.Instance(x.Instance); in != nil {
			r = in
		}
		if a.ix.Interface(x.ID) == nil {
			continue
		}
		k := key{r.Base().ID, x.Rule}
		f := found[k]
		if f == nil {
			f = &Finding{Controls: []string{"VPCSCOPE.INTERNET_ADMIN_DB"}, Severity: Medium, Rule: x.Rule}
			found[k] = f
			order = append(order, k)
			owners[k] = r
		}
		var what []string
		if len(mgmt) > 0 {
			what = append(what, x.Protocol+"/"+strings.Join(mgmt, ",")+" (management)")
		}
		if len(db) > 0 {
			what = append(what, x.Protocol+"/"+strings.Join(db, ",")+" (database)")
		}
		line := fmt.Sprintf("the internet reaches %s at %s from %s", strings.Join(what, " and "), x.PublicIP, x.SourceSummary)
		if f.Message == "" {
			f.Message = line
		} else {
			f.Message += "; " + line
		}
		f.Exposed = append(f.Exposed, exposedText(x))
		f.Evidence = append(f.Evidence, x)
		if wide(x.Sources) {
			f.Severity = High
		}
	}
	for _, k := range order {
		f := found[k]
		if f.Rule != "" {
			f.Message += "; opened by " + f.Rule
		}
		a.add(*f, owners[k])
	}
}

// wide reports whether a set of source prefixes reaches far into the
// internet: an IPv4 /8 or wider, or an IPv6 /32 or wider. A narrower set
// (a corporate range) is a lesser finding than the world.
func wide(prefixes []string) bool {
	for _, s := range prefixes {
		p, err := netip.ParsePrefix(s)
		if err == nil && ((p.Addr().Is4() && p.Bits() <= 8) || (p.Addr().Is6() && p.Bits() <= 32)) {
			return true
		}
	}
	return false
}

func portsContain(rs []model.PortRange, p uint16) bool {
	return slices.ContainsFunc(rs, func(r model.PortRange) bool { return r.Contains(p) })
}

// sourceDestCheck reports interfaces routes send traffic through that
// still drop it (source/destination check on: "the instance must be the
// source or destination of any traffic it sends or receives", AWS VPC
// user guide, "Source/destination checking"), and interfaces with the
// check off that no route sends anything to: the exemption serves no
// route and only widens what the interface may forward.
func (a *auditor) sourceDestCheck() {
	routed := map[string][]string{} // interface -> routes naming it
	for _, rt := range a.s.RouteTables {
		for i := range rt.Routes {
			r := &rt.Routes[i]
			t := r.Target()
			var enis []*model.NetworkInterface
			switch t.Kind {
			case model.TargetNetworkInterface:
				if n := a.ix.Interface(t.ID); n != nil {
					enis = append(enis, n)
				}
			case model.TargetInstance:
				enis = a.ix.InstanceInterfaces(t.ID)
			}
			for _, n := range enis {
				routed[n.ID] = append(routed[n.ID], rt.ID+" "+r.DestinationString()+" -> "+t.ID)
			}
		}
	}
	for _, n := range a.s.NetworkInterfaces {
		if n.InterfaceType != "" && n.InterfaceType != "interface" {
			continue // NAT gateways, load balancers and endpoints manage their own
		}
		var owner model.Resource = n
		if in := a.ix.Instance(n.InstanceID()); in != nil {
			owner = in
		}
		switch routes := routed[n.ID]; {
		case len(routes) > 0 && n.SourceDestCheck:
			a.add(Finding{Controls: []string{"VPCSCOPE.SOURCE_DEST_CHECK"}, Severity: Medium, Rule: "source/dest check on " + n.ID,
				Message: fmt.Sprintf("route %s sends traffic to %s, whose source/destination check is on: it drops everything not addressed to itself", strings.Join(routes, ", "), n.ID)}, owner)
		case len(routes) == 0 && !n.SourceDestCheck:
			a.add(Finding{Controls: []string{"VPCSCOPE.SOURCE_DEST_CHECK"}, Severity: Low, Rule: "source/dest check off " + n.ID,
				Message: fmt.Sprintf("%s has its source/destination check off, but no route sends traffic to it", n.ID)}, owner)
		}
	}
}

// publicSubnetNoAddress reports instances in a subnet whose route table
// sends 0.0.0.0/0 to an internet gateway but that have no public IPv4
// address: the gateway translates only addresses with a public IP (AWS
// VPC user guide, "Enable internet access": instances need a public IPv4
// or Elastic IP address), so the instance reaches nothing on the internet
// over IPv4 and nothing reaches it. The engine's answer is the proof.
func (a *auditor) publicSubnetNoAddress() {
	for _, in := range a.s.Instances {
		if in.State != "" && in.State != "running" {
			continue
		}
		for _, n := range a.ix.InstanceInterfaces(in.ID) {
			if len(n.PublicIPs()) > 0 {
				continue
			}
			rt, _ := a.ix.SubnetRouteTable(n.SubnetID)
			if rt == nil || !defaultToIGW(rt) {
				continue
			}
			q := reach.Query{From: n.ID, To: "93.184.216.34", Protocol: model.ProtocolTCP, Port: 443}
			ans, err := a.e.Reach(q)
			if err != nil || ans.Blocked == nil || ans.Blocked.Layer != reach.LayerInternetGateway {
				continue
			}
			a.add(Finding{Controls: []string{"VPCSCOPE.PUBLIC_SUBNET_NO_ADDRESS"}, Severity: Low, Rule: "no public IPv4 on " + n.ID,
				Path: ans.Forward, Witness: &q,
				Message: fmt.Sprintf("%s is in subnet %s, whose route table %s sends 0.0.0.0/0 to an internet gateway, but has no public IPv4 address: %s",
					n.ID, n.SubnetID, rt.ID, ans.Blocked.Reason)}, in)
		}
	}
}

func defaultToIGW(rt *model.RouteTable) bool {
	for i := range rt.Routes {
		r := &rt.Routes[i]
		if r.Destination.IsValid() && r.Destination.Bits() == 0 && r.Destination.Addr().Is4() && r.Target().Kind == model.TargetInternetGateway && !r.IsBlackhole() {
			return true
		}
	}
	return false
}

// allowAllEgress reports, for information, security groups whose members
// have no public address (a private tier) and that allow all traffic out
// to the world, when the engine finds a member reaching the internet
// through it (by a NAT gateway, a firewall): such tiers usually need a few
// destinations, not every port of every host.
func (a *auditor) allowAllEgress() {
	for _, sg := range a.s.SecurityGroups {
		members := a.ix.GroupMembers(sg.ID)
		if len(members) == 0 {
			continue
		}
		private := true
		for _, n := range members {
			if len(n.PublicIPs()) > 0 || len(n.IPv6Addresses) > 0 || (n.InterfaceType != "" && n.InterfaceType != "interface") {
				private = false
			}
		}
		if !private {
			continue
		}
		for i := range sg.Egress {
			r := &sg.Egress[i]
			if r.Protocol != model.ProtocolAll || !r.CIDR.IsValid() || r.CIDR.Bits() != 0 {
				continue
			}
			if !r.CIDR.Addr().Is4() {
				continue
			}
			// Only what the engine proves: a member reaches the internet
			// on a port no service rule would name.
			q := reach.Query{From: members[0].ID, To: "93.184.216.34", Protocol: model.ProtocolTCP, Port: 8443}
			ans, err := a.e.Reach(q)
			if err != nil || !ans.Reachable {
				continue
			}
			msg := fmt.Sprintf("outbound rule %d allows all traffic to %s from a private tier (%s, none with a public address), and %s reaches the internet through it on any port (tcp/8443 shown)",
				i+1, r.CIDR, count(len(members), "interface"), members[0].ID)
			a.add(Finding{Controls: []string{"VPCSCOPE.ALLOW_ALL_EGRESS"}, Severity: Info, Rule: "egress " + r.String(), Message: msg, Path: ans.Forward, Witness: &q}, sg)
		}
	}
}

// waf checks internet-facing Application Load Balancers for an AWS WAF
// web ACL (Security Hub ELB.16), when the snapshot holds the web ACLs of
// their scope.
func (a *auditor) waf() {
	const control = "ELB.16 (AWS WAF on Application Load Balancers)"
	protected := map[string]bool{}
	for _, w := range a.s.WebACLs {
		for _, r := range w.Resources {
			protected[r] = true
		}
	}
	exposed := a.exposedLoadBalancers()
	for _, lb := range a.s.LoadBalancers {
		if lb.Type != "application" || !lb.IsInternetFacing() || protected[lb.ID] {
			continue
		}
		if gaps := a.s.GapsFor(model.KindWebACL, lb.Account, lb.Region); len(gaps) > 0 {
			a.notChecked(control, (model.Scope{Account: lb.Account, Region: lb.Region}).String(), gaps[0].String(), &gaps[0])
			continue
		}
		if !a.s.WebACLsListed {
			a.notChecked(control, "", "the snapshot holds no AWS WAF web ACLs (a fixture, a snapshot from an older vpcscope, or a dump without `aws wafv2 list-web-acls --scope REGIONAL` output)", nil)
			continue
		}
		f := Finding{Controls: []string{"ELB.16"}, Severity: Low, Rule: "no web ACL",
			Message: "the internet-facing Application Load Balancer has no AWS WAF web ACL; the engine finds nothing on the internet reaching it now"}
		if xs := exposed[lb.ID]; len(xs) > 0 {
			f.Severity, f.Evidence = Medium, xs
			var what []string
			for _, x := range xs {
				f.Exposed = append(f.Exposed, exposedText(x))
				what = append(what, x.Protocol+"/"+x.Ports+" from "+x.SourceSummary)
			}
			f.Message = "the internet-facing Application Load Balancer has no AWS WAF web ACL, and the internet reaches it on " + strings.Join(what, "; ")
		}
		a.add(f, lb)
	}
}

// exposedLoadBalancers indexes the exposure report's load balancers.
func (a *auditor) exposedLoadBalancers() map[string][]reach.Exposed {
	out := map[string][]reach.Exposed{}
	for _, x := range a.exposure.Exposed {
		if x.Kind == "load-balancer" {
			out[x.ID] = append(out[x.ID], x)
		}
	}
	return out
}

// shield checks that the load balancers the internet reaches have an AWS
// Shield Advanced protection: a finding each when the account subscribes,
// an informational one when it does not (Shield Standard alone).
func (a *auditor) shield() {
	const control = "VPCSCOPE.SHIELD_ADVANCED (AWS Shield Advanced)"
	protected := map[string]bool{}
	for _, p := range a.s.ShieldProtections {
		protected[p.ResourceARN] = true
	}
	exposed := a.exposedLoadBalancers()
	for _, lb := range a.s.LoadBalancers {
		xs := exposed[lb.ID]
		if len(xs) == 0 || protected[lb.ID] {
			continue
		}
		if gaps := a.s.GapsFor(model.KindShieldProtection, lb.Account, ""); len(gaps) > 0 {
			a.notChecked(control, lb.Account, gaps[0].String(), &gaps[0])
			continue
		}
		st, ok := a.s.ShieldFor(lb.Account)
		if !ok {
			a.notChecked(control, "", "the snapshot holds no AWS Shield Advanced subscription state (a fixture, a snapshot from an older vpcscope, or a dump without `aws shield get-subscription-state` output)", nil)
			continue
		}
		f := Finding{Controls: []string{"VPCSCOPE.SHIELD_ADVANCED"}, Severity: Low, Rule: "no Shield Advanced protection", Evidence: xs}
		for _, x := range xs {
			f.Exposed = append(f.Exposed, exposedText(x))
		}
		if st.Subscribed {
			f.Message = "the internet reaches this load balancer, and the account's Shield Advanced subscription does not protect it"
		} else {
			f.Severity = Info
			f.Message = "the internet reaches this load balancer; the account has no Shield Advanced subscription, so only Shield Standard protects it"
		}
		a.add(f, lb)
	}
	if len(a.s.ShieldProtections) > 0 || len(a.s.Shield) > 0 {
		a.notChecked(control+" for Elastic IPs", "", "the snapshot does not record Elastic IP allocation IDs, which Shield Advanced protects instances by", nil)
	}
}

// notModelled lists the controls whose data the model does not hold.
func (a *auditor) notModelled() {
	for _, id := range []string{"APIGateway.4"} {
		c := a.controls[id]
		a.notChecked(id+" ("+c.Title+")", "", "no data: "+c.Needs, nil)
	}
}
