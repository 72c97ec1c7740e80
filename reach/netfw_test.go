package reach_test

import (
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

const (
	lNFW  = reach.LayerNetworkFirewall
	lGWLB = reach.LayerGatewayLoadBalancer
	lVPN  = reach.LayerVPNConnection
	lDX   = reach.LayerDirectConnect
	lVGW  = reach.LayerVPNGateway
)

var (
	statelessARN = func(n string) string { return nfwARN("stateless-rulegroup", n) }
	statefulARN  = func(n string) string { return nfwARN("stateful-rulegroup", n) }
	policyARN    = func(n string) string { return nfwARN("firewall-policy", n) }
)

// firewallCases are AWS Network Firewall's semantics, each citing the
// Network Firewall developer guide.
func firewallCases() []semCase {
	return []semCase{
		{name: "a route to a firewall endpoint sends the flow through the firewall, both ways through the same endpoint",
			base: inspected,
			q:    tcp("i-client", "i-server", 443),
			want: reachable("fw-1", "vpce-fw1", policyARN("pol-1")),
			check: func(t *testing.T, a *reach.Answer) {
				h, ok := hopAt(a.Return, lNFW, policyARN("pol-1"))
				if !ok || h.Stage != reach.StageStateless {
					t.Errorf("the reply does not cross the stateless engine: %+v", a.Return)
				}
				for _, h := range a.Return {
					if h.Stage == reach.StageStateful && h.Rule != "stateful reply" {
						t.Errorf("the reply is judged by rule %q, want the stateful reply of a passed flow", h.Rule)
					}
				}
			},
			doc: "Network Firewall developer guide, 'How AWS Network Firewall works': the firewall inspects traffic the route tables send to its endpoint; stateful rules judge flows, and return traffic of an allowed flow passes"},
		{name: "stateless rules decide by priority: a drop at priority 10 wins over a pass at 20",
			base: inspected,
			build: func(w *world) {
				w.withStateless("pol-1", w.statelessGroup("sl-1", "20 aws:pass 6 any -> any:443", "10 aws:drop 6 10.0.1.0/24 -> any:443"))
			},
			q:    tcp("i-client", "i-server", 443),
			want: blocked(lNFW, statelessARN("sl-1"), fwd, "priority 10", "FIREWALL_STATELESS_RULE_DROP"),
			check: func(t *testing.T, a *reach.Answer) {
				if a.Blocked.Ref == nil || a.Blocked.Ref.Kind != reach.RefFirewallStateless || a.Blocked.Ref.RuleNumber != 10 || a.Blocked.Ref.Index != 1 {
					t.Errorf("ref %+v, want the stateless rule of priority 10 at index 1", a.Blocked.Ref)
				}
			},
			doc: "Network Firewall developer guide, 'Defining rule actions': stateless rules are evaluated by priority, lowest first, and the first match decides"},
		{name: "aws:pass skips the stateful engine",
			base: inspected,
			build: func(w *world) {
				w.withStateless("pol-1", w.statelessGroup("sl-1", "10 aws:pass all 10.0.0.0/16 -> 10.0.0.0/16"))
				w.withStateful("pol-1", w.suricataGroup("sf-1", "drop ip any any -> any any (sid:1;)"))
			},
			q:    tcp("i-client", "i-server", 443),
			want: reachable(statelessARN("sl-1")),
			doc:  "Network Firewall developer guide, 'Defining rule actions': Pass discontinues all inspection of the packet"},
		{name: "aws:forward_to_sfe hands the packet to the stateful engine, whose drop rule names its group and sid",
			base: inspected,
			build: func(w *world) {
				w.withStateless("pol-1", w.statelessGroup("sl-1", "10 aws:forward_to_sfe 6 any -> any"))
				w.withStateful("pol-1", w.suricataGroup("sf-1", `drop tcp $HOME_NET any -> $HOME_NET 443 (msg:"no https inside"; sid:1001;)`))
			},
			q:    tcp("i-client", "i-server", 443),
			want: blocked(lNFW, statefulARN("sf-1"), fwd, "sid:1001", "FIREWALL_STATEFUL_RULE_DROP"),
			check: func(t *testing.T, a *reach.Answer) {
				if a.Blocked.Ref == nil || a.Blocked.Ref.Kind != reach.RefFirewallStateful || a.Blocked.Ref.RuleNumber != 1001 {
					t.Errorf("ref %+v, want the stateful rule with sid 1001", a.Blocked.Ref)
				}
			},
			doc: "Network Firewall developer guide, 'Defining rule actions': Forward to stateful rules discontinues stateless inspection and forwards the packet to the stateful engine"},
		{name: "the stateless default action drops what no stateless rule matches",
			base: inspected,
			build: func(w *world) {
				p := w.policyOf("pol-1")
				p.StatelessDefaultActions = []string{model.ActionDrop}
				w.withStateless("pol-1", w.statelessGroup("sl-1", "10 aws:forward_to_sfe 17 any -> any"))
			},
			q:    tcp("i-client", "i-server", 443),
			want: blocked(lNFW, policyARN("pol-1"), fwd, "stateless default action aws:drop", "FIREWALL_DEFAULT_ACTION_DROP"),
			doc:  "Network Firewall developer guide, 'Stateless default actions in your firewall policy': the policy says how to handle packets that match no stateless rule"},
		{name: "a stateless rule is judged on the reply too: a pass out and a forward back drops the reply (asymmetric)",
			base: inspected,
			build: func(w *world) {
				w.withStateless("pol-1", w.statelessGroup("sl-1", "10 aws:pass 6 10.0.1.0/24 -> 10.0.2.0/24:443"))
			},
			q:    tcp("i-client", "i-server", 443),
			want: blocked(lNFW, nfwARN("firewall", "fw-1"), ret, "never saw", "FIREWALL_ASYMMETRIC_ROUTING"),
			doc:  "Network Firewall developer guide, 'Analyzing stateless rule groups': a stateless pass rule without a matching rule for the return direction forwards traffic asymmetrically"},
		{name: "custom actions only publish metrics and are named in a caveat",
			base: inspected,
			build: func(w *world) {
				w.withStateless("pol-1", w.statelessGroup("sl-1", "10 aws:forward_to_sfe+count-it 6 any -> any"))
			},
			q:    tcp("i-client", "i-server", 443),
			want: reachable(statelessARN("sl-1")).withCaveats("custom action count-it only publishes metrics"),
			doc:  "Network Firewall developer guide, 'Stateless default actions': a custom action assigns a CloudWatch metrics dimension"},
		{name: "default action order: every pass rule goes before any drop rule, whatever the group order",
			base: inspected,
			build: func(w *world) {
				w.withStateful("pol-1", w.suricataGroup("sf-drop", "drop tcp any any -> any any (sid:1;)"),
					w.suricataGroup("sf-pass", "pass tcp 10.0.1.0/24 any -> 10.0.2.0/24 443 (sid:2;)"))
			},
			q:    tcp("i-client", "i-server", 443),
			want: reachable(statefulARN("sf-pass")),
			doc:  "Network Firewall developer guide, 'Action order': the stateful engine processes rules by action, pass, then drop, reject, alert"},
		{name: "strict order: the higher-priority group's drop wins over a later pass",
			base: inspected,
			build: func(w *world) {
				w.withStateful("pol-1", w.suricataGroup("sf-drop", "drop tcp any any -> any any (sid:1;)"),
					w.suricataGroup("sf-pass", "pass tcp 10.0.1.0/24 any -> 10.0.2.0/24 443 (sid:2;)"))
				w.strict("pol-1")
			},
			q:    tcp("i-client", "i-server", 443),
			want: blocked(lNFW, statefulARN("sf-drop"), fwd, "sid:1", "FIREWALL_STATEFUL_RULE_DROP"),
			doc:  "Network Firewall developer guide, 'Strict evaluation order': rule groups in priority order, rules in the order given, the first match decides"},
		{name: "strict order with aws:drop_strict drops what no rule matches, naming the policy",
			base: inspected,
			build: func(w *world) {
				w.withStateful("pol-1", w.suricataGroup("sf-pass", "pass tcp 10.0.1.0/24 any -> 10.0.2.0/24 22 (sid:2;)"))
				w.strict("pol-1", "aws:drop_strict")
			},
			q:    tcp("i-client", "i-server", 443),
			want: blocked(lNFW, policyARN("pol-1"), fwd, "aws:drop_strict", "FIREWALL_DEFAULT_ACTION_DROP"),
			doc:  "Network Firewall developer guide, 'Stateful default actions in your firewall policy': drop strict drops all packets that don't match any rule"},
		{name: "strict order with aws:drop_established drops the established connection's packets",
			base: inspected,
			build: func(w *world) {
				w.withStateful("pol-1", w.suricataGroup("sf-pass", "pass tcp 10.0.1.0/24 any -> 10.0.2.0/24 22 (sid:2;)"))
				w.strict("pol-1", "aws:drop_established")
			},
			q:    tcp("i-client", "i-server", 443),
			want: blocked(lNFW, policyARN("pol-1"), fwd, "aws:drop_established", "FIREWALL_DEFAULT_ACTION_DROP"),
			doc:  "Network Firewall developer guide, 'Stateful default actions in your firewall policy': drop established drops only packets in established connections that match no rule"},
		{name: "strict order with only aws:alert_strict passes what no rule matches",
			base: inspected,
			build: func(w *world) {
				w.withStateful("pol-1", w.suricataGroup("sf-drop", "drop tcp any any -> any 22 (sid:2;)"))
				w.strict("pol-1", "aws:alert_strict")
			},
			q:    tcp("i-client", "i-server", 443),
			want: reachable(policyARN("pol-1")),
			doc:  "Network Firewall developer guide, 'Stateful default actions in your firewall policy': the alert actions only log"},
		{name: "rule variables: $HOME_NET defaults to the firewall VPC's CIDR, IP and port sets resolve",
			base: inspected,
			build: func(w *world) {
				g := w.suricataGroup("sf-1", "drop tcp $CLIENTS any -> $HOME_NET $DB_PORTS (sid:7;)")
				g.IPSets = map[string][]string{"CLIENTS": {"10.0.1.0/25"}}
				g.PortSets = map[string][]string{"DB_PORTS": {"5432", "3306:3307"}}
				w.withStateful("pol-1", g)
			},
			q:    tcp("i-client", "i-server", 3307),
			want: blocked(lNFW, statefulARN("sf-1"), fwd, "sid:7", "FIREWALL_STATEFUL_RULE_DROP"),
			doc:  "Network Firewall developer guide, 'Rule variables': IP set and port set variables; HOME_NET defaults to the CIDR of the firewall's VPC"},
		{name: "a policy's HOME_NET overrides the VPC default: traffic outside it matches no $HOME_NET rule",
			base: inspected,
			build: func(w *world) {
				w.withStateful("pol-1", w.suricataGroup("sf-1", "drop tcp $HOME_NET any -> any any (sid:7;)"))
				w.policyOf("pol-1").Variables = map[string][]string{"HOME_NET": {"192.168.0.0/16"}}
			},
			q:    tcp("i-client", "i-server", 443),
			want: reachable(policyARN("pol-1")),
			doc:  "Network Firewall developer guide, 'Firewall policy settings': a policy variable HOME_NET overrides the rule groups' own"},
		{name: "an IP set reference resolves to its managed prefix list",
			base: inspected,
			build: func(w *world) {
				w.prefixList("pl-clients", "clients", false, "10.0.1.0/24")
				g := w.suricataGroup("sf-1", "drop tcp @CLIENTS any -> any 443 (sid:8;)")
				g.IPSetReferences = map[string]string{"CLIENTS": "arn:aws:ec2:us-east-1:111111111111:prefix-list/pl-clients"}
				w.withStateful("pol-1", g)
			},
			q:    tcp("i-client", "i-server", 443),
			want: blocked(lNFW, statefulARN("sf-1"), fwd, "sid:8", "FIREWALL_STATEFUL_RULE_DROP"),
			doc:  "Network Firewall developer guide, 'IP set references in Suricata compatible rule groups': @NAME stands for the prefix list's CIDRs"},
		{name: "an IP set reference to a prefix list the snapshot lacks makes the verdict unknown",
			base: inspected,
			build: func(w *world) {
				g := w.suricataGroup("sf-1", "drop tcp @CLIENTS any -> any 443 (sid:8;)")
				g.IPSetReferences = map[string]string{"CLIENTS": "arn:aws:ec2:us-east-1:111111111111:prefix-list/pl-gone"}
				w.withStateful("pol-1", g)
			},
			q:    tcp("i-client", "i-server", 443),
			want: unknown("pl-gone"),
			doc:  "Network Firewall developer guide, 'IP set references': the reference resolves to the prefix list's entries"},
		{name: "a malformed rule string is reported and skipped, never a crash",
			base: inspected,
			build: func(w *world) {
				w.withStateful("pol-1", w.suricataGroup("sf-1", "drop tcp any any -> any 443 (sid:1", "dorp tcp any any -> any any (sid:2;)", "pass tcp any any -> any 443 (sid:3;)"))
			},
			q:    tcp("i-client", "i-server", 443),
			want: reachable(statefulARN("sf-1")).withCaveats("line 1", "line 2: unknown action"),
			doc:  "Network Firewall developer guide, 'Suricata compatible rule strings': rules follow Suricata's rule format; vpcscope skips a rule it cannot read"},
		{name: "rule options are not evaluated: a content rule is skipped with Reachability Analyzer's detail code",
			base: inspected,
			build: func(w *world) {
				w.withStateful("pol-1", w.suricataGroup("sf-1", `drop tcp any any -> any 443 (content:"evil"; sid:5;)`))
			},
			q:    tcp("i-client", "i-server", 443),
			want: reachable(policyARN("pol-1")).withCaveats("FIREWALL_UNSUPPORTED_HIGHER_PRIORITY_RULES", "content"),
			doc:  "Reachability Analyzer guide, 'Additional detail codes': FIREWALL_UNSUPPORTED_HIGHER_PRIORITY_RULES — a higher priority rule with an unsupported option that could match was ignored"},
		{name: "a domain list allows its hosts only: the verdict holds with the caveat, as Reachability Analyzer skips the group",
			base: inspected,
			build: func(w *world) {
				g := w.suricataGroup("sf-dom")
				g.RulesString, g.Domains = "", &model.DomainList{Targets: []string{".example.com"}, TargetTypes: []string{"TLS_SNI", "HTTP_HOST"}, GeneratedRulesType: "ALLOWLIST"}
				w.withStateful("pol-1", g)
			},
			q:    tcp("i-client", "i-server", 443),
			want: reachable(policyARN("pol-1")).withCaveats("FIREWALL_UNSUPPORTED_HIGHER_PRIORITY_RULE_GROUP_TYPE", "allowed only for the listed hosts (TLS SNI / HTTP Host)"),
			doc:  "Reachability Analyzer guide, 'Additional detail codes': FIREWALL_UNSUPPORTED_HIGHER_PRIORITY_RULE_GROUP_TYPE; Network Firewall guide, 'Stateful domain list rule groups'"},
		{name: "a standard 5-tuple rule with direction ANY matches the flow either way",
			base: inspected,
			build: func(w *world) {
				w.withStateful("pol-1", w.standardGroup("sf-std", "DROP TCP 10.0.2.0/24 443 ANY 10.0.1.0/24 ANY 9"))
			},
			q:    tcp("i-client", "i-server", 443),
			want: blocked(lNFW, statefulARN("sf-std"), fwd, "sid:9", "FIREWALL_STATEFUL_RULE_DROP"),
			doc:  "Network Firewall developer guide, 'Standard stateful rule groups': direction ANY matches traffic in both directions"},
		{name: "the reply through another endpoint of the firewall is dropped (asymmetric routing)",
			base: inspected,
			build: func(w *world) {
				w.dropRoutes("rtb-a2", "10.0.1.0/24").route("rtb-a2", "10.0.1.0/24", "vpce-fw2")
			},
			q:    tcp("i-client", "i-server", 443),
			want: blocked(lNFW, nfwARN("firewall", "fw-1"), ret, "crossed endpoint vpce-fw1", "FIREWALL_ASYMMETRIC_ROUTING"),
			doc:  "Network Firewall developer guide, 'Firewall endpoints': each endpoint inspects the traffic routed to it; asymmetric routing breaks stateful inspection"},
		{name: "a reply that bypasses the firewall gets through with a caveat",
			base: inspected,
			build: func(w *world) {
				w.dropRoutes("rtb-a2", "10.0.1.0/24")
			},
			q:    tcp("i-client", "i-server", 443),
			want: reachable("fw-1").withCaveats("the reply does not"),
			doc:  "Network Firewall developer guide, 'Deployment models': route both directions through the same endpoint for stateful inspection"},
		{name: "an endpoint that is not READY carries nothing",
			base: inspected,
			build: func(w *world) {
				w.fwOf("fw-1").Endpoints[0].Status = "FAILED"
			},
			q:    tcp("i-client", "i-server", 443),
			want: blocked(lNFW, nfwARN("firewall", "fw-1"), fwd, "FAILED", "BAD_STATE"),
			doc:  "Network Firewall API reference, 'Attachment': Status READY means the endpoint is ready to inspect traffic"},
		{name: "a policy missing from the snapshot makes the verdict unknown",
			base: inspected,
			build: func(w *world) {
				w.fwOf("fw-1").PolicyARN = policyARN("pol-gone")
			},
			q:    tcp("i-client", "i-server", 443),
			want: unknown("pol-gone"),
			doc:  "vpcscope: the firewall's rules decide; without them the answer cannot be given"},
		{name: "IPv6: stateless and stateful rules match IPv6 CIDRs",
			base: func() *world {
				w := inspected()
				w.vpcOf("vpc-a").IPv6CIDRs = append(w.vpcOf("vpc-a").IPv6CIDRs, pfx("2600:1f18:a::/56"))
				w.subnet("subnet-a1").IPv6CIDRs = append(w.subnet("subnet-a1").IPv6CIDRs, pfx("2600:1f18:a:1::/64"))
				w.subnet("subnet-a2").IPv6CIDRs = append(w.subnet("subnet-a2").IPv6CIDRs, pfx("2600:1f18:a:2::/64"))
				w.v6("eni-client", "2600:1f18:a:1::10").v6("eni-server", "2600:1f18:a:2::20")
				w.route("rtb-a1", "2600:1f18:a:2::/64", "vpce-fw1").route("rtb-a2", "2600:1f18:a:1::/64", "vpce-fw1")
				w.allow("sg-server", "in all * 2600:1f18:a::/56", "out all * ::/0").allow("sg-client", "in all * 2600:1f18:a::/56", "out all * ::/0")
				return w
			},
			build: func(w *world) {
				w.withStateful("pol-1", w.suricataGroup("sf-6", "drop tcp 2600:1f18:a:1::/64 any -> any 443 (sid:6;)"))
			},
			q:    tcp("2600:1f18:a:1::10", "2600:1f18:a:2::20", 443),
			want: blocked(lNFW, statefulARN("sf-6"), fwd, "sid:6", "FIREWALL_STATEFUL_RULE_DROP"),
			doc:  "Network Firewall developer guide, 'Stateful rules': source and destination take IPv4 and IPv6 CIDRs"},
		{name: "ICMP: a stateless rule for protocol 1 drops pings, and stateful icmp rules match echo",
			base: inspected,
			build: func(w *world) {
				w.withStateless("pol-1", w.statelessGroup("sl-1", "10 aws:drop 1 10.0.1.0/24 -> any"))
			},
			q:    ping("i-client", "i-server"),
			want: blocked(lNFW, statelessARN("sl-1"), fwd, "priority 10", "FIREWALL_STATELESS_RULE_DROP"),
			doc:  "Network Firewall developer guide, 'Stateless rules': a rule matches the IANA protocol numbers it lists"},
		{name: "ICMP: a stateful icmp pass rule in strict order with drop_strict lets the echo and its reply through",
			base: inspected,
			build: func(w *world) {
				w.withStateful("pol-1", w.suricataGroup("sf-icmp", "pass icmp 10.0.1.0/24 any -> 10.0.2.0/24 any (sid:11;)"))
				w.strict("pol-1", "aws:drop_strict")
			},
			q:    ping("i-client", "i-server"),
			want: reachable(statefulARN("sf-icmp")),
			doc:  "Network Firewall developer guide, 'Strict evaluation order'; Suricata's icmp protocol keyword matches ICMP"},
		{name: "TCP flag conditions are not evaluated: the rule is skipped with a caveat",
			base: inspected,
			build: func(w *world) {
				w.withStateless("pol-1", w.statelessGroup("sl-1", "10 aws:drop 6 any -> any flags SYN/SYN,ACK"))
			},
			q:    tcp("i-client", "i-server", 443),
			want: reachable(policyARN("pol-1")).withCaveats("TCP flags are not evaluated"),
			doc:  "Network Firewall API reference, 'TCPFlagField': a stateless rule may match TCP flags, which vpcscope does not model"},
	}
}

// gwlbCases are Gateway Load Balancer endpoints' semantics.
func gwlbCases() []semCase {
	return []semCase{
		{name: "a route to a Gateway Load Balancer endpoint crosses the appliances behind it, with the caveat that their rules are not visible",
			base: gwlbWorld,
			q:    tcp("i-client", "i-server", 443),
			want: reachable("vpce-gw1", "i-appl").withCaveats("their own rules are not in the snapshot"),
			doc:  "Gateway Load Balancer guide, 'What is a Gateway Load Balancer?': the endpoint sends traffic to the load balancer, which sends it to a target appliance and back through the same endpoint"},
		{name: "no healthy target: blocked",
			base: gwlbWorld,
			build: func(w *world) {
				w.tgOf(gwlbTG).Targets[0].HealthState = "unhealthy"
			},
			q:    tcp("i-client", "i-server", 443),
			want: blocked(lGWLB, "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/gwy/gwlb-1/1", fwd, "healthy", "GWLB_NO_HEALTHY_TARGETS"),
			doc:  "Gateway Load Balancer guide, 'Target groups for your Gateway Load Balancers': it routes requests to the registered targets that are healthy"},
		{name: "no registered target: blocked",
			base: gwlbWorld,
			build: func(w *world) {
				w.tgOf(gwlbTG).Targets = []model.Target{}
			},
			q:    tcp("i-client", "i-server", 443),
			want: blocked(lGWLB, "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/gwy/gwlb-1/1", fwd, "no registered targets", "GWLB_NO_HEALTHY_TARGETS"),
			doc:  "Gateway Load Balancer guide, 'Register targets with your target group'"},
		{name: "the endpoint's zone is not enabled on the load balancer: blocked",
			base: gwlbWorld,
			build: func(w *world) {
				w.lbOf("arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/gwy/gwlb-1/1").AvailabilityZones[0].ZoneName = "us-east-1c"
			},
			q:    tcp("i-client", "i-server", 443),
			want: blocked(lGWLB, "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/gwy/gwlb-1/1", fwd, "does not enable us-east-1a", "ELB_INSTALLED_AZ_RESTRICTION"),
			doc:  "Gateway Load Balancer guide, 'Target groups': it monitors and routes to targets in an Availability Zone enabled for the load balancer"},
		{name: "the appliance's security group refuses GENEVE from the load balancer: blocked",
			base: gwlbWorld,
			build: func(w *world) {
				w.sg("sg-appl").Ingress = nil
			},
			q:    tcp("i-client", "i-server", 443),
			want: blocked(lGWLB, "sg-appl", fwd, "GENEVE", "ENI_SG_RULES_MISMATCH"),
			doc:  "Gateway Load Balancer guide, 'Target groups': GENEVE on port 6081 to the targets"},
		{name: "the reply through no Gateway Load Balancer endpoint is allowed, but a reply through another endpoint is blocked",
			base: gwlbWorld,
			build: func(w *world) {
				w.addSubnet("subnet-e2", "vpc-a", "us-east-1b", "10.0.8.16/28")
				w.add(&model.VPCEndpoint{Meta: w.metaIn("vpce-gw2", "vpc-a"), VPCID: "vpc-a", Type: "GatewayLoadBalancer",
					ServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-1", State: "available", SubnetIDs: []string{"subnet-e2"}})
				w.dropRoutes("rtb-a2", "10.0.1.0/24").route("rtb-a2", "10.0.1.0/24", "vpce-gw2")
			},
			q:    tcp("i-client", "i-server", 443),
			want: blocked(lGWLB, "vpce-gw2", ret, "crossed vpce-gw1", "GWLB_ASYMMETRIC_ROUTING"),
			doc:  "Gateway Load Balancer guide, 'Flow stickiness': both directions of a flow must go through the same endpoint to reach the same appliance"},
		{name: "without the endpoint service's configuration the appliances are unknown",
			base: gwlbWorld,
			build: func(w *world) {
				w.s.VPCEndpointServices = nil
			},
			q:    tcp("i-client", "i-server", 443),
			want: unknown("DescribeVpcEndpointServiceConfigurations"),
			doc:  "EC2 API reference, 'DescribeVpcEndpointServiceConfigurations': the service's Gateway Load Balancer ARNs"},
	}
}

// hybridCases are VPN and Direct Connect semantics.
func hybridCases() []semCase {
	return []semCase{
		{name: "a route to a virtual private gateway reaches the far side of the VPN, with the caveat",
			base: hybridLAN,
			q:    tcp("i-client", "10.200.1.5", 5432),
			want: reachable("vgw-a", "vpn-a1").withCaveats("answer ends there"),
			doc:  "Site-to-Site VPN guide, 'How AWS Site-to-Site VPN works': the virtual private gateway carries traffic for the VPN's routes over its tunnels"},
		{name: "both tunnels down: blocked with the telemetry",
			base: hybridLAN,
			build: func(w *world) {
				for i := range w.vpnOf("vpn-a1").Tunnels {
					w.vpnOf("vpn-a1").Tunnels[i].Status = "DOWN"
				}
			},
			q:    tcp("i-client", "10.200.1.5", 5432),
			want: blocked(lVGW, "vgw-a", fwd, "DOWN", "VPN_TUNNELS_DOWN"),
			doc:  "Site-to-Site VPN guide, 'Tunnel options': VgwTelemetry reports each tunnel's status, UP or DOWN"},
		{name: "a static-routes VPN carries only its routes",
			base: hybridLAN,
			build: func(w *world) {
				w.route("rtb-a", "10.201.0.0/16", "vgw-a")
			},
			q:    tcp("i-client", "10.201.1.5", 5432),
			want: blocked(lVGW, "vgw-a", fwd, "static routes", "NO_ROUTE_TO_DESTINATION"),
			doc:  "Site-to-Site VPN guide, 'Static and dynamic routing': a static VPN carries the prefixes of its static routes"},
		{name: "a Direct Connect gateway whose virtual interfaces are all down carries nothing",
			base: func() *world {
				w := hybridLAN()
				w.s.VPNConnections = nil
				delete(w.res, "vpn-a1")
				return w
			},
			build: func(w *world) { w.directConnect("vgw-a", "down", "10.0.0.0/16") },
			q:     tcp("i-client", "10.200.1.5", 5432),
			want:  blocked(lVGW, "vgw-a", fwd, "no virtual interface", "DIRECT_CONNECT_DOWN"),
			doc:   "Direct Connect guide, 'Virtual interfaces': a virtual interface carries traffic when it is available and its BGP session is up"},
	}
}

// TestOnPremisesEndpointsWorkBothWays: with --onprem datacenter=10.200.0.0/16,
// "reach --from datacenter:10.200.1.5 --to i-server --port 5432" and back
// work over the VPN connection (Site-to-Site VPN guide, "How AWS
// Site-to-Site VPN works"), and a Direct Connect gateway association lets
// in only its allowed prefixes (Direct Connect guide, "Allowed prefixes
// interactions").
func TestOnPremisesEndpointsWorkBothWays(t *testing.T) {
	dc, err := reach.ParseOnPrem("datacenter=10.200.0.0/16")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		build    func(w *world)
		from, to string
		verdict  reach.Outcome
		layer    reach.Layer
		code     reach.Code
		via      string
	}{
		{name: "from the datacenter to the database over the VPN", from: "datacenter:10.200.1.5", to: "i-server",
			verdict: reach.VerdictReachable, via: "vpn-a1"},
		{name: "from the database to the datacenter", from: "i-server", to: "datacenter:10.200.1.5",
			verdict: reach.VerdictReachable, via: "vpn-a1"},
		{name: "an address inside the declared network resolves to it", from: "10.200.1.5", to: "i-server",
			verdict: reach.VerdictReachable, via: "datacenter"},
		{name: "the server's security group still decides", from: "datacenter:10.200.1.5", to: "i-client",
			verdict: reach.VerdictUnreachable, layer: reach.LayerSecurityGroup, code: reach.CodeSGHasNoRules},
		{name: "over Direct Connect, the association's allowed prefixes bound what the datacenter reaches",
			build: func(w *world) {
				w.s.VPNConnections = nil
				w.directConnect("vgw-a", "available", "10.0.1.0/24")
			},
			from: "datacenter:10.200.1.5", to: "i-server",
			verdict: reach.VerdictUnreachable, layer: reach.LayerDirectConnect, code: reach.CodeDXPrefixNotAllowed},
		{name: "over Direct Connect with the server's subnet allowed",
			build: func(w *world) {
				w.s.VPNConnections = nil
				w.directConnect("vgw-a", "available", "10.0.0.0/16")
			},
			from: "datacenter:10.200.1.5", to: "i-server",
			verdict: reach.VerdictReachable, via: "dxgw-1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := hybridLAN()
			if c.build != nil {
				c.build(w)
			}
			e, err := reach.New(w.s).WithOnPrem([]reach.OnPremNetwork{dc})
			if err != nil {
				t.Fatal(err)
			}
			a, err := e.Reach(tcp(c.from, c.to, 5432))
			if err != nil {
				t.Fatal(err)
			}
			if a.Verdict != c.verdict {
				t.Fatalf("verdict %s, want %s\n%s", a.Verdict, c.verdict, explain(a))
			}
			if c.layer != "" && (a.Blocked == nil || a.Blocked.Layer != c.layer || a.Blocked.Code != c.code) {
				t.Errorf("blocked %+v, want %s %s\n%s", a.Blocked, c.layer, c.code, explain(a))
			}
			if c.via != "" && !crosses(a, c.via) {
				t.Errorf("the path does not cross %s\n%s", c.via, explain(a))
			}
			if a.Reachable && !strings.Contains(strings.Join(a.Caveats, "\n"), "not in the snapshot") {
				t.Errorf("no caveat says what lies beyond the link is not in the snapshot: %q", a.Caveats)
			}
		})
	}
}

// TestParseOnPrem: --onprem takes NAME=CIDR[,CIDR] and says what is wrong
// in one line.
func TestParseOnPrem(t *testing.T) {
	for _, c := range []struct{ spec, err string }{
		{"datacenter=10.200.0.0/16,fd00::/8", ""},
		{"datacenter", "want NAME=CIDR"},
		{"=10.0.0.0/8", "want NAME=CIDR"},
		{"dc=10.0.0.0/33", "not a CIDR block"},
		{"internet=1.0.0.0/8", "must be one word"},
	} {
		_, err := reach.ParseOnPrem(c.spec)
		if (err == nil) != (c.err == "") || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("ParseOnPrem(%q) = %v, want %q", c.spec, err, c.err)
		}
	}
}

// TestExposureListsOnlyWhatTheFirewallPasses: on the network-firewall
// fixture, edge-web-sg opens 22, 80, 443 and ICMP to the world, but the
// IGW's edge route table sends the internet through edge-fw, whose
// stateless group drops ICMP, whose strict-order rules drop HTTP and pass
// HTTPS, and whose aws:drop_strict drops the rest: exposure lists tcp/443
// alone, from every internet address (Network Firewall developer guide,
// "Deployment models", IGW ingress routing; "Strict evaluation order").
func TestExposureListsOnlyWhatTheFirewallPasses(t *testing.T) {
	snap, err := fixtures.Load("network-firewall")
	if err != nil {
		t.Fatal(err)
	}
	e := reach.New(snap)
	rep := e.Exposure(reach.ExposureOptions{})
	if len(rep.Exposed) != 1 {
		t.Fatalf("exposed %+v, want edge-web-1 on tcp/443 alone", rep.Exposed)
	}
	x := rep.Exposed[0]
	if x.Name != "edge-web-1" || x.Protocol != "tcp" || x.Ports != "443" || x.SourceSummary != "any IPv4 internet address" {
		t.Errorf("exposed %+v", x)
	}
	crossed := false
	for _, h := range x.Path {
		crossed = crossed || (h.Layer == reach.LayerNetworkFirewall && h.Stage == reach.StageStateful && strings.Contains(h.Rule, "sid:1002"))
	}
	if !crossed {
		t.Errorf("the example path does not name the passing rule sid 1002: %+v", x.Path)
	}
	who, err := e.WhoCanReach(reach.WhoQuery{To: "edge-web-1", Protocol: model.ProtocolTCP, Port: 22})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range who.Sources {
		if s.Kind == "internet" {
			t.Errorf("who-can-reach lists the internet on tcp/22, which the firewall drops: %+v", s)
		}
	}
}
