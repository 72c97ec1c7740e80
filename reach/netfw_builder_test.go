package reach_test

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// The builders of Network Firewall, Gateway Load Balancer, VPN and Direct
// Connect resources for the semantics tests.

// nfwARN returns the ARN of a Network Firewall resource of a kind
// (firewall, firewall-policy, stateful-rulegroup, stateless-rulegroup).
func nfwARN(kind, name string) string {
	return "arn:aws:network-firewall:" + region + ":" + acct + ":" + kind + "/" + name
}

// fwEP is one endpoint of a firewall: its AZ, subnet and vpce ID.
type fwEP struct{ az, subnet, id string }

// firewall adds a firewall with its endpoints, applying a policy; it
// returns the firewall's ARN.
func (w *world) firewall(name, vpcID, policy string, eps ...fwEP) string {
	arn := nfwARN("firewall", name)
	f := &model.NetworkFirewall{Meta: model.Meta{ID: arn, Account: acct, Region: region}, FirewallName: name, VPCID: vpcID,
		PolicyARN: nfwARN("firewall-policy", policy), Status: "READY"}
	for _, e := range eps {
		f.SubnetIDs = append(f.SubnetIDs, e.subnet)
		f.Endpoints = append(f.Endpoints, model.FirewallEndpoint{AvailabilityZone: e.az, SubnetID: e.subnet, EndpointID: e.id, Status: "READY"})
	}
	w.add(f)
	return arn
}

func (w *world) fwOf(name string) *model.NetworkFirewall {
	return get[*model.NetworkFirewall](w, nfwARN("firewall", name))
}

// fwPolicy adds a firewall policy whose stateless default (full packets
// and fragments) is def, with the stateless and stateful groups named
// (stateless ones "name@priority"; stateful ones likewise in strict order).
func (w *world) fwPolicy(name, def string, stateless []string, stateful []string) *model.FirewallPolicy {
	p := &model.FirewallPolicy{Meta: model.Meta{ID: nfwARN("firewall-policy", name), Account: acct, Region: region},
		PolicyName: name, StatelessDefaultActions: []string{def}, StatelessFragmentDefaultActions: []string{def}}
	for _, g := range stateless {
		n, prio := groupPrio(g)
		p.StatelessRuleGroups = append(p.StatelessRuleGroups, model.RuleGroupRef{ARN: nfwARN("stateless-rulegroup", n), Priority: prio})
	}
	for _, g := range stateful {
		n, prio := groupPrio(g)
		p.StatefulRuleGroups = append(p.StatefulRuleGroups, model.RuleGroupRef{ARN: nfwARN("stateful-rulegroup", n), Priority: prio})
	}
	w.add(p)
	return p
}

func (w *world) policyOf(name string) *model.FirewallPolicy {
	return get[*model.FirewallPolicy](w, nfwARN("firewall-policy", name))
}

// strict switches a policy to strict order with stateful default actions.
func (w *world) strict(policy string, defaults ...string) *world {
	p := w.policyOf(policy)
	p.RuleOrder, p.StatefulDefaultActions = model.RuleOrderStrict, defaults
	for _, r := range p.StatefulRuleGroups {
		get[*model.FirewallRuleGroup](w, r.ARN).RuleOrder = model.RuleOrderStrict
	}
	return w
}

func groupPrio(s string) (string, int32) {
	name, prio, ok := strings.Cut(s, "@")
	if !ok {
		return s, 0
	}
	n, err := strconv.Atoi(prio)
	if err != nil {
		panic("group priority " + s)
	}
	return name, int32(n)
}

// statelessGroup adds a stateless rule group. Rules read
// "PRIORITY ACTIONS PROTOCOLS SRC[:PORTS] -> DST[:PORTS] [flags F/M]":
// "10 aws:drop 6 10.0.1.0/24 -> any:22", "20 aws:forward_to_sfe all any -> any";
// ACTIONS joins several with '+' (a custom action), PROTOCOLS with ','.
func (w *world) statelessGroup(name string, rules ...string) *model.FirewallRuleGroup {
	g := &model.FirewallRuleGroup{Meta: model.Meta{ID: nfwARN("stateless-rulegroup", name), Account: acct, Region: region},
		RuleGroupName: name, Type: "STATELESS", Capacity: 100}
	for _, r := range rules {
		f := strings.Fields(r)
		if len(f) < 6 || f[4] != "->" {
			panic("stateless rule " + r)
		}
		prio, err := strconv.Atoi(f[0])
		if err != nil {
			panic("stateless rule " + r)
		}
		sr := model.StatelessRule{Priority: int32(prio), Actions: strings.Split(f[1], "+")}
		if f[2] != "all" {
			for _, p := range strings.Split(f[2], ",") {
				n, err := strconv.Atoi(p)
				if err != nil {
					panic("stateless rule protocol " + p)
				}
				sr.Protocols = append(sr.Protocols, int32(n))
			}
		}
		sr.Sources, sr.SourcePorts = endpointSpec(f[3])
		sr.Destinations, sr.DestinationPorts = endpointSpec(f[5])
		if len(f) > 7 && f[6] == "flags" {
			sr.TCPFlags = []string{f[7]}
		}
		for _, a := range sr.Actions {
			if !strings.HasPrefix(a, "aws:") {
				g.CustomActions = append(g.CustomActions, a)
			}
		}
		g.StatelessRules = append(g.StatelessRules, sr)
	}
	w.add(g)
	return g
}

// endpointSpec parses "10.0.0.0/8,2600::/56:22-23" or "any:any" into CIDRs
// and port ranges (any: none).
func endpointSpec(s string) ([]netip.Prefix, []model.PortRange) {
	addrPart, portPart := s, "any"
	if i := strings.LastIndex(s, ":"); i >= 0 && !strings.HasSuffix(s[:i+1], "::") {
		if _, err := netip.ParsePrefix(s); err != nil {
			addrPart, portPart = s[:i], s[i+1:]
		}
	}
	var ps []netip.Prefix
	if addrPart != "any" {
		for _, a := range strings.Split(addrPart, ",") {
			ps = append(ps, pfx(a))
		}
	}
	var rs []model.PortRange
	if portPart != "any" {
		for _, p := range strings.Split(portPart, ",") {
			from, to, ok := strings.Cut(p, "-")
			if !ok {
				to = from
			}
			rs = append(rs, model.PortRange{From: uint16(atoi32(from)), To: uint16(atoi32(to))})
		}
	}
	return ps, rs
}

// suricataGroup adds a stateful rule group of Suricata rule strings.
func (w *world) suricataGroup(name string, rules ...string) *model.FirewallRuleGroup {
	g := &model.FirewallRuleGroup{Meta: model.Meta{ID: nfwARN("stateful-rulegroup", name), Account: acct, Region: region},
		RuleGroupName: name, Type: "STATEFUL", Capacity: 100, RuleOrder: model.RuleOrderDefault, RulesString: strings.Join(rules, "\n")}
	w.add(g)
	return g
}

// standardGroup adds a stateful rule group of standard (5-tuple) rules,
// each written "ACTION PROTO SRC SPORT DIR DST DPORT SID" with DIR
// FORWARD or ANY.
func (w *world) standardGroup(name string, rules ...string) *model.FirewallRuleGroup {
	g := &model.FirewallRuleGroup{Meta: model.Meta{ID: nfwARN("stateful-rulegroup", name), Account: acct, Region: region},
		RuleGroupName: name, Type: "STATEFUL", Capacity: 100, RuleOrder: model.RuleOrderDefault}
	for _, r := range rules {
		f := strings.Fields(r)
		if len(f) != 8 {
			panic("standard rule " + r)
		}
		g.StatefulRules = append(g.StatefulRules, model.StatefulRule{Action: f[0], Protocol: f[1], Source: f[2], SourcePort: f[3],
			Direction: f[4], Destination: f[5], DestinationPort: f[6], Options: []model.RuleOption{{Keyword: "sid", Settings: []string{f[7]}}}})
	}
	w.add(g)
	return g
}

// inspected is lan with a firewall between its two subnets: fw-1's
// endpoints vpce-fw1 (subnet-fw1, us-east-1a) and vpce-fw2 (subnet-fw2,
// us-east-1b); subnet-a1 routes 10.0.2.0/24 to vpce-fw1 and subnet-a2
// routes 10.0.1.0/24 to vpce-fw1 too, so both directions cross the same
// endpoint; the firewall subnets use the main route table (local). The
// policy pol-1 forwards everything to the stateful engine, which has no
// rules yet; i-server admits everything from the VPC.
func inspected() *world {
	w := lan()
	w.addSubnet("subnet-fw1", "vpc-a", "us-east-1a", "10.0.9.0/28")
	w.addSubnet("subnet-fw2", "vpc-a", "us-east-1b", "10.0.9.16/28")
	w.fwPolicy("pol-1", model.ActionForward, nil, nil)
	w.firewall("fw-1", "vpc-a", "pol-1", fwEP{"us-east-1a", "subnet-fw1", "vpce-fw1"}, fwEP{"us-east-1b", "subnet-fw2", "vpce-fw2"})
	w.routeTable("rtb-a1", "vpc-a", "subnet-a1")
	w.routeTable("rtb-a2", "vpc-a", "subnet-a2")
	w.route("rtb-a1", "10.0.2.0/24", "vpce-fw1").route("rtb-a2", "10.0.1.0/24", "vpce-fw1")
	w.allow("sg-server", "in all * 10.0.0.0/16")
	w.allow("sg-client", "in all * 10.0.0.0/16")
	return w
}

// withStateful adds stateful groups to a policy, in order (priorities 10, 20, …).
func (w *world) withStateful(policy string, groups ...*model.FirewallRuleGroup) *world {
	p := w.policyOf(policy)
	for i, g := range groups {
		p.StatefulRuleGroups = append(p.StatefulRuleGroups, model.RuleGroupRef{ARN: g.ID, Priority: int32(10 * (i + 1))})
	}
	return w
}

// withStateless adds stateless groups to a policy, in order.
func (w *world) withStateless(policy string, groups ...*model.FirewallRuleGroup) *world {
	p := w.policyOf(policy)
	for i, g := range groups {
		p.StatelessRuleGroups = append(p.StatelessRuleGroups, model.RuleGroupRef{ARN: g.ID, Priority: int32(10 * (i + 1))})
	}
	return w
}

// gwlbWorld is lan with inspection appliances behind a Gateway Load
// Balancer: vpc-sec 10.9.0.0/16 holds the load balancer gwlb-1 (node in
// subnet-s1, us-east-1a) and appliance i-appl (sg-appl admits GENEVE from
// the VPC); endpoint service vpce-svc-1 fronts it; vpc-a's endpoint
// vpce-gw1 in subnet-e1 (us-east-1a) serves it, and subnet-a1 routes
// 10.0.2.0/24 through it, subnet-a2 routes 10.0.1.0/24 back through it.
func gwlbWorld() *world {
	w := lan()
	w.allow("sg-server", "in all * 10.0.0.0/16")
	w.vpc("vpc-sec", "10.9.0.0/16")
	w.addSubnet("subnet-s1", "vpc-sec", "us-east-1a", "10.9.1.0/24")
	w.instance("i-appl", "subnet-s1", "10.9.1.50", "sg-appl")
	w.allow("sg-appl", "in udp 6081 10.9.0.0/16")
	lbARN := "arn:aws:elasticloadbalancing:" + region + ":" + acct + ":loadbalancer/gwy/gwlb-1/1"
	lb := &model.LoadBalancer{Meta: model.Meta{ID: lbARN, Account: acct, Region: region}, LoadBalancerName: "gwlb-1", Type: "gateway",
		Scheme: "internal", State: "active", VPCID: "vpc-sec", AvailabilityZones: []model.LBZone{{ZoneName: "us-east-1a", SubnetID: "subnet-s1"}}}
	n := w.iface("eni-gwlb-1", "subnet-s1", "10.9.1.10")
	n.SecurityGroupIDs, n.InterfaceType, n.Description, n.RequesterManaged = nil, "gateway_load_balancer", "ELB gwy/gwlb-1/1", true
	w.add(lb)
	tg := w.targetGroup("appl", "GENEVE", 6081, "vpc-sec", "i-appl")
	w.listener(lbARN, "", 0, tg)
	w.add(&model.VPCEndpointService{Meta: model.Meta{ID: "vpce-svc-1", Account: acct, Region: region},
		ServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-1", ServiceType: "GatewayLoadBalancer", State: "Available",
		GatewayLoadBalancerARNs: []string{lbARN}})
	w.addSubnet("subnet-e1", "vpc-a", "us-east-1a", "10.0.8.0/28")
	w.add(&model.VPCEndpoint{Meta: w.metaIn("vpce-gw1", "vpc-a"), VPCID: "vpc-a", Type: "GatewayLoadBalancer",
		ServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-1", State: "available", SubnetIDs: []string{"subnet-e1"}})
	w.routeTable("rtb-a1", "vpc-a", "subnet-a1")
	w.routeTable("rtb-a2", "vpc-a", "subnet-a2")
	w.route("rtb-a1", "10.0.2.0/24", "vpce-gw1").route("rtb-a2", "10.0.1.0/24", "vpce-gw1")
	return w
}

const gwlbTG = "arn:aws:elasticloadbalancing:" + region + ":" + acct + ":targetgroup/appl/1"

// hybridLAN is lan with a virtual private gateway vgw-a and a VPN
// connection vpn-a1 (static route 10.200.0.0/16, both tunnels UP) to
// customer gateway cgw-a; rtb-a sends 10.200.0.0/16 to vgw-a; i-server
// admits tcp/5432 from 10.200.0.0/16.
func hybridLAN() *world {
	w := lan()
	w.vgw("vgw-a", "vpc-a").route("rtb-a", "10.200.0.0/16", "vgw-a", "propagated")
	w.rt("rtb-a").PropagatingVGWs = []string{"vgw-a"}
	w.add(&model.CustomerGateway{Meta: w.metaIn("cgw-a", "vpc-a"), IPAddress: ip("198.51.100.7"), BGPASN: "65000", State: "available", Type: "ipsec.1"})
	w.add(&model.VPNConnection{Meta: w.metaIn("vpn-a1", "vpc-a"), CustomerGatewayID: "cgw-a", VPNGatewayID: "vgw-a", State: "available",
		Type: "ipsec.1", StaticRoutesOnly: true, Routes: []model.VPNStaticRoute{{Destination: pfx("10.200.0.0/16"), State: "available"}},
		Tunnels: []model.VPNTunnel{{OutsideIP: ip("3.3.3.1"), Status: "UP"}, {OutsideIP: ip("3.3.3.2"), Status: "UP"}}})
	w.allow("sg-server", "in tcp 5432 10.200.0.0/16")
	return w
}

func (w *world) vpnOf(id string) *model.VPNConnection { return get[*model.VPNConnection](w, id) }

// directConnect adds Direct Connect gateway dxgw-1 (a UUID in AWS)
// associated with a gateway, allowing prefixes, with one private virtual
// interface dxvif-1 in the state given.
func (w *world) directConnect(gatewayID, vifState string, allowed ...string) *world {
	w.add(&model.DXGateway{Meta: model.Meta{ID: "dxgw-1", Account: acct, Region: region}, GatewayName: "dx-main", State: "available", AmazonSideASN: 64512})
	a := &model.DXGatewayAssociation{Meta: model.Meta{ID: "dxassoc-1", Account: acct, Region: region}, DXGatewayID: "dxgw-1",
		AssociatedGatewayID: gatewayID, AssociatedGatewayType: "virtualPrivateGateway", State: "associated"}
	if strings.HasPrefix(gatewayID, "tgw-") {
		a.AssociatedGatewayType = "transitGateway"
	}
	for _, p := range allowed {
		a.AllowedPrefixes = append(a.AllowedPrefixes, pfx(p))
	}
	w.add(a)
	w.add(&model.DXVirtualInterface{Meta: model.Meta{ID: "dxvif-1", Account: acct, Region: region}, InterfaceName: "vif-1",
		Type: "private", State: vifState, DXGatewayID: "dxgw-1", VLAN: 101, BGPPeers: []model.DXBGPPeer{{State: "available", Status: statusOf(vifState)}}})
	return w
}

func statusOf(vifState string) string {
	if vifState == "available" {
		return "up"
	}
	return "down"
}

var _ = fmt.Sprintf
