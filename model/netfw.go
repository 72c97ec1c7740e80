package model

import (
	"net/netip"
	"strconv"
	"strings"
)

// NetworkFirewall is an AWS Network Firewall firewall: one endpoint per
// Availability Zone, each in a subnet of its own, inspecting whatever the
// route tables send to it by the rules of its firewall policy. Its ID is
// its ARN.
type NetworkFirewall struct {
	Meta
	FirewallName string `json:"name"`
	VPCID        string `json:"vpcId"`
	// SubnetIDs are the firewall's subnet mappings.
	SubnetIDs []string `json:"subnetIds,omitempty"`
	// PolicyARN is the firewall policy the firewall applies.
	PolicyARN string `json:"policyArn"`
	// Status is the firewall's status (PROVISIONING, DELETING, READY).
	Status string `json:"status,omitempty"`
	// Endpoints are the firewall's endpoints, one per Availability Zone, as
	// FirewallStatus.SyncStates lists them.
	Endpoints []FirewallEndpoint `json:"endpoints,omitempty"`
	// Logging is the firewall's logging configuration; LoggingListed says
	// whether it was read (DescribeLoggingConfiguration), so that no
	// destination means no logging.
	Logging       []FirewallLogDestination `json:"logging,omitempty"`
	LoggingListed bool                     `json:"loggingListed,omitempty"`
}

// Kind implements Resource.
func (*NetworkFirewall) Kind() Kind { return KindNetworkFirewall }

// Endpoint returns the firewall's endpoint with the ID, or nil.
func (f *NetworkFirewall) Endpoint(id string) *FirewallEndpoint {
	for i := range f.Endpoints {
		if f.Endpoints[i].EndpointID == id {
			return &f.Endpoints[i]
		}
	}
	return nil
}

// FirewallEndpoint is a firewall's endpoint in one Availability Zone: a
// Gateway Load Balancer endpoint (vpce-…) in the firewall subnet.
type FirewallEndpoint struct {
	AvailabilityZone string `json:"availabilityZone"`
	SubnetID         string `json:"subnetId"`
	EndpointID       string `json:"endpointId"`
	// Status is the attachment's status: CREATING, DELETING, FAILED,
	// ERROR, SCALING or READY.
	Status string `json:"status,omitempty"`
}

// Carries reports whether the endpoint forwards traffic: READY, or
// SCALING (it keeps working while it scales), or unknown.
func (e *FirewallEndpoint) Carries() bool {
	return e.Status == "" || e.Status == "READY" || e.Status == "SCALING"
}

// FirewallLogDestination is one log destination of a firewall.
type FirewallLogDestination struct {
	// LogType is ALERT, FLOW or TLS.
	LogType string `json:"logType"`
	// DestinationType is S3, CloudWatchLogs or KinesisDataFirehose.
	DestinationType string            `json:"destinationType"`
	Destination     map[string]string `json:"destination,omitempty"`
}

// FirewallPolicy is an AWS Network Firewall firewall policy: the stateless
// and stateful rule groups a firewall applies, in order, and the default
// actions. Its ID is its ARN.
type FirewallPolicy struct {
	Meta
	PolicyName string `json:"name"`
	// StatelessDefaultActions apply to full packets no stateless rule
	// matches; StatelessFragmentDefaultActions to UDP fragments. Each holds
	// aws:pass, aws:drop or aws:forward_to_sfe, and maybe a custom action.
	StatelessDefaultActions         []string `json:"statelessDefaultActions"`
	StatelessFragmentDefaultActions []string `json:"statelessFragmentDefaultActions,omitempty"`
	// StatelessCustomActions are the names of the policy's custom actions.
	StatelessCustomActions []string `json:"statelessCustomActions,omitempty"`
	// StatelessRuleGroups and StatefulRuleGroups reference the rule groups.
	StatelessRuleGroups []RuleGroupRef `json:"statelessRuleGroups,omitempty"`
	StatefulRuleGroups  []RuleGroupRef `json:"statefulRuleGroups,omitempty"`
	// StatefulDefaultActions (strict order only): aws:drop_strict,
	// aws:drop_established, aws:alert_strict, aws:alert_established.
	StatefulDefaultActions []string `json:"statefulDefaultActions,omitempty"`
	// RuleOrder is DEFAULT_ACTION_ORDER (the default) or STRICT_ORDER.
	RuleOrder string `json:"ruleOrder,omitempty"`
	// StreamExceptionPolicy is DROP, CONTINUE or REJECT.
	StreamExceptionPolicy string `json:"streamExceptionPolicy,omitempty"`
	// Variables are the policy's rule variables (HOME_NET), overriding the
	// rule groups' own.
	Variables map[string][]string `json:"variables,omitempty"`
}

// Kind implements Resource.
func (*FirewallPolicy) Kind() Kind { return KindFirewallPolicy }

// StrictOrder reports whether the stateful engine evaluates rules in
// strict order (group priority, then rule order) rather than by action.
func (p *FirewallPolicy) StrictOrder() bool { return p.RuleOrder == RuleOrderStrict }

// The stateful rule orders.
const (
	RuleOrderDefault = "DEFAULT_ACTION_ORDER"
	RuleOrderStrict  = "STRICT_ORDER"
)

// RuleGroupRef is a policy's reference to a rule group.
type RuleGroupRef struct {
	ARN string `json:"arn"`
	// Priority orders stateless groups (always) and stateful groups (in
	// strict order); lower goes first.
	Priority int32 `json:"priority,omitempty"`
	// Override is a stateful group's override action (DROP_TO_ALERT).
	Override string `json:"override,omitempty"`
}

// FirewallRuleGroup is an AWS Network Firewall rule group, stateless or
// stateful. Its ID is its ARN.
type FirewallRuleGroup struct {
	Meta
	RuleGroupName string `json:"name"`
	// Type is STATELESS or STATEFUL.
	Type     string `json:"type"`
	Capacity int32  `json:"capacity,omitempty"`
	// IPSets and PortSets are the rule variables (HOME_NET, …): each a list
	// of CIDRs or of ports and port ranges ("80", "1024:65535").
	IPSets   map[string][]string `json:"ipSets,omitempty"`
	PortSets map[string][]string `json:"portSets,omitempty"`
	// IPSetReferences maps a reference name (@NAME in rules) to the ARN of
	// the managed prefix list it stands for.
	IPSetReferences map[string]string `json:"ipSetReferences,omitempty"`
	// RuleOrder is the stateful group's rule order (StatefulRuleOptions).
	RuleOrder string `json:"ruleOrder,omitempty"`
	// StatelessRules and CustomActions: a stateless group's rules.
	StatelessRules []StatelessRule `json:"statelessRules,omitempty"`
	CustomActions  []string        `json:"customActions,omitempty"`
	// A stateful group holds one of: StatefulRules (the standard 5-tuple
	// form), RulesString (Suricata-compatible rules, one per line) or
	// Domains (a domain list).
	StatefulRules []StatefulRule `json:"statefulRules,omitempty"`
	RulesString   string         `json:"rulesString,omitempty"`
	Domains       *DomainList    `json:"domains,omitempty"`
}

// Kind implements Resource.
func (*FirewallRuleGroup) Kind() Kind { return KindFirewallRuleGroup }

// IsStateless reports whether the group holds stateless rules.
func (g *FirewallRuleGroup) IsStateless() bool { return g.Type == "STATELESS" }

// StatelessRule is a stateless rule: match attributes, a priority (lower
// first, unique in the group) and actions.
type StatelessRule struct {
	Priority int32 `json:"priority"`
	// Actions hold one of aws:pass, aws:drop, aws:forward_to_sfe and
	// maybe custom action names.
	Actions []string `json:"actions"`
	// Sources and Destinations are CIDRs; empty matches every address.
	Sources      []netip.Prefix `json:"sources,omitempty"`
	Destinations []netip.Prefix `json:"destinations,omitempty"`
	// SourcePorts and DestinationPorts apply to TCP and UDP; empty
	// matches every port.
	SourcePorts      []PortRange `json:"sourcePorts,omitempty"`
	DestinationPorts []PortRange `json:"destinationPorts,omitempty"`
	// Protocols are IANA protocol numbers; empty matches every protocol.
	Protocols []int32 `json:"protocols,omitempty"`
	// TCPFlags lists the rule's TCP flag conditions as "FLAG,…/MASK,…";
	// vpcscope does not evaluate them.
	TCPFlags []string `json:"tcpFlags,omitempty"`
}

// Action returns the rule's standard action (aws:pass, aws:drop or
// aws:forward_to_sfe), or "" when it names none.
func (r *StatelessRule) Action() string { return StandardAction(r.Actions) }

// StandardAction returns the standard stateless action among actions.
func StandardAction(actions []string) string {
	for _, a := range actions {
		switch a {
		case ActionPass, ActionDrop, ActionForward:
			return a
		}
	}
	return ""
}

// CustomActionNames returns the actions that are not standard ones.
func CustomActionNames(actions []string) []string {
	var out []string
	for _, a := range actions {
		if a != ActionPass && a != ActionDrop && a != ActionForward {
			out = append(out, a)
		}
	}
	return out
}

// The standard stateless actions.
const (
	ActionPass    = "aws:pass"
	ActionDrop    = "aws:drop"
	ActionForward = "aws:forward_to_sfe"
)

// String renders the rule in one line: "priority 10: aws:drop tcp
// 10.0.0.0/8:any -> any:22".
func (r *StatelessRule) String() string {
	var b strings.Builder
	b.WriteString("priority ")
	b.WriteString(strconv.Itoa(int(r.Priority)))
	b.WriteString(": ")
	b.WriteString(strings.Join(r.Actions, "+"))
	b.WriteByte(' ')
	if len(r.Protocols) == 0 {
		b.WriteString("all")
	} else {
		for i, p := range r.Protocols {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(Protocol(p).String())
		}
	}
	b.WriteByte(' ')
	b.WriteString(prefixesText(r.Sources))
	b.WriteByte(':')
	b.WriteString(rangesText(r.SourcePorts))
	b.WriteString(" -> ")
	b.WriteString(prefixesText(r.Destinations))
	b.WriteByte(':')
	b.WriteString(rangesText(r.DestinationPorts))
	if len(r.TCPFlags) > 0 {
		b.WriteString(" flags ")
		b.WriteString(strings.Join(r.TCPFlags, ";"))
	}
	return b.String()
}

func prefixesText(ps []netip.Prefix) string {
	if len(ps) == 0 {
		return "any"
	}
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}

func rangesText(rs []PortRange) string {
	if len(rs) == 0 {
		return "any"
	}
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}

// StatefulRule is a standard (5-tuple) stateful rule, in AWS's shape: a
// Suricata rule header and options.
type StatefulRule struct {
	// Action is PASS, DROP, ALERT or REJECT.
	Action string `json:"action"`
	// Protocol is IP, TCP, UDP, ICMP or an application protocol (HTTP,
	// TLS, DNS, …).
	Protocol string `json:"protocol"`
	// Source, SourcePort, Destination and DestinationPort are as Suricata
	// writes them: ANY, a CIDR, $VARIABLE, [list], !negation.
	Source          string `json:"source"`
	SourcePort      string `json:"sourcePort"`
	Direction       string `json:"direction"` // FORWARD or ANY
	Destination     string `json:"destination"`
	DestinationPort string `json:"destinationPort"`
	// Options are the rule options (sid, msg, …).
	Options []RuleOption `json:"options,omitempty"`
}

// RuleOption is a Suricata rule option: a keyword and its settings.
type RuleOption struct {
	Keyword  string   `json:"keyword"`
	Settings []string `json:"settings,omitempty"`
}

// Suricata renders the rule as a Suricata rule string, the form Network
// Firewall passes to its engine.
func (r *StatefulRule) Suricata() string {
	dir := "->"
	if strings.EqualFold(r.Direction, "ANY") {
		dir = "<>"
	}
	s := strings.ToLower(r.Action) + " " + strings.ToLower(r.Protocol) + " " + r.Source + " " + r.SourcePort + " " + dir + " " + r.Destination + " " + r.DestinationPort
	if len(r.Options) == 0 {
		return s
	}
	parts := make([]string, len(r.Options))
	for i, o := range r.Options {
		parts[i] = o.Keyword
		if len(o.Settings) > 0 {
			parts[i] += ":" + strings.Join(o.Settings, ",")
		}
		parts[i] += ";"
	}
	return s + " (" + strings.Join(parts, " ") + ")"
}

// DomainList is a domain list rule group's specification.
type DomainList struct {
	// Targets are the domains (".example.com" matches its subdomains).
	Targets []string `json:"targets"`
	// TargetTypes are TLS_SNI and HTTP_HOST.
	TargetTypes []string `json:"targetTypes"`
	// GeneratedRulesType is ALLOWLIST, DENYLIST, REJECTLIST or ALERTLIST.
	GeneratedRulesType string `json:"generatedRulesType"`
}
