package reach

import (
	"fmt"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// Layer names the kind of component that decided a hop. The values are the
// stable strings of the JSON contract.
type Layer string

// The layers a verdict can be attributed to.
const (
	LayerSecurityGroup   Layer = "security-group"
	LayerNetworkACL      Layer = "network-acl"
	LayerRouteTable      Layer = "route-table"
	LayerInternetGateway Layer = "internet-gateway"
	LayerEgressOnlyIGW   Layer = "egress-only-internet-gateway"
	LayerNATGateway      Layer = "nat-gateway"
	LayerVPCPeering      Layer = "vpc-peering"
	LayerTransitGateway  Layer = "transit-gateway"
	LayerVPCEndpoint     Layer = "vpc-endpoint"
	LayerLoadBalancer    Layer = "load-balancer"
	LayerSourceDestCheck Layer = "source-dest-check"
	LayerAddress         Layer = "address"
	// The layers below appear on hops; as the blocking layer only of an
	// unknown verdict (an appliance that may translate addresses, a
	// managed interface whose owner is not in the snapshot, a VPN).
	LayerInterface  Layer = "network-interface"
	LayerInternet   Layer = "internet"
	LayerVPNGateway Layer = "vpn-gateway"
	// LayerNetworkFirewall is AWS Network Firewall: its hops' and blocks'
	// resource is the rule group whose rule decided, or the firewall
	// policy when one of its default actions did.
	LayerNetworkFirewall Layer = "network-firewall"
	// LayerGatewayLoadBalancer is a Gateway Load Balancer endpoint, its
	// load balancer and the appliances behind it.
	LayerGatewayLoadBalancer Layer = "gateway-load-balancer"
	// LayerVPNConnection is a Site-to-Site VPN connection (its tunnels);
	// LayerDirectConnect a Direct Connect gateway and its virtual
	// interfaces; LayerOnPremises a network beyond them that the query
	// declared (--onprem).
	LayerVPNConnection Layer = "vpn-connection"
	LayerDirectConnect Layer = "direct-connect"
	LayerOnPremises    Layer = "on-premises"
)

// Verdict is what a hop did with the packet.
type Verdict string

// Hop verdicts.
const (
	Allow   Verdict = "allow"   // a filter let the packet through
	Deny    Verdict = "deny"    // the packet was dropped here
	Forward Verdict = "forward" // a router or gateway sent the packet on
	Arrive  Verdict = "arrive"  // the packet reached its destination
	Unknown Verdict = "unknown" // the snapshot lacks what this hop needs
)

// Mark returns the verdict as a symbol and a word ("✓ allow", "✗ deny"),
// so that a verdict reads the same with or without colour.
func (v Verdict) Mark() string {
	switch v {
	case Allow:
		return "✓ allow"
	case Deny:
		return "✗ deny"
	case Forward:
		return "→ forward"
	case Arrive:
		return "● arrive"
	}
	return "? unknown"
}

// Direction is forward (the request) or return (the reply).
type Direction string

// The two directions of a flow.
const (
	DirForward Direction = "forward"
	DirReturn  Direction = "return"
)

// Stage refines a hop's layer: which side of a filter, which step of a
// router or gateway. The values are the stable strings of the JSON contract.
type Stage string

// The stages a hop can be in.
const (
	StageNone          Stage = ""
	StageInbound       Stage = "inbound"        // a filter's inbound rules
	StageOutbound      Stage = "outbound"       // a filter's outbound rules
	StageLookup        Stage = "lookup"         // a route table lookup
	StageIngressLookup Stage = "ingress lookup" // a gateway (edge) route table lookup
	StageEgress        Stage = "egress"         // leaving through a gateway
	StageIngress       Stage = "ingress"        // entering through a gateway
	StageTranslate     Stage = "translate"      // a NAT gateway rewrites the source
	StageTranslateBack Stage = "translate back" // a NAT gateway restores a reply's destination
	StageEnter         Stage = "enter"          // into a transit gateway
	StageExit          Stage = "exit"           // out of a transit gateway
	StagePeering       Stage = "peering"        // across a transit gateway peering
	StageForward       Stage = "forward"        // handed on (a VPN gateway)
	StageAppliance     Stage = "appliance"      // an interface forwarding what is not its own
	StageListener      Stage = "listener"       // a load balancer listener
	StageTarget        Stage = "target"         // a load balancer's leg to a target
	StageReply         Stage = "reply"          // a load balancer answering its client
	StageStateless     Stage = "stateless"      // a firewall's stateless engine
	StageStateful      Stage = "stateful"       // a firewall's stateful engine
	StageInspect       Stage = "inspect"        // appliances behind a Gateway Load Balancer
	StageTunnel        Stage = "tunnel"         // a VPN connection's tunnels or a virtual interface
)

// Stages lists every stage, for tests and presenters that must handle all.
var Stages = []Stage{StageNone, StageInbound, StageOutbound, StageLookup, StageIngressLookup, StageEgress,
	StageIngress, StageTranslate, StageTranslateBack, StageEnter, StageExit, StagePeering, StageForward,
	StageAppliance, StageListener, StageTarget, StageReply, StageStateless, StageStateful, StageInspect, StageTunnel}

// Layers lists every layer, for tests and presenters that must handle all.
var Layers = []Layer{LayerSecurityGroup, LayerNetworkACL, LayerRouteTable, LayerInternetGateway, LayerEgressOnlyIGW,
	LayerNATGateway, LayerVPCPeering, LayerTransitGateway, LayerVPCEndpoint, LayerLoadBalancer,
	LayerSourceDestCheck, LayerAddress, LayerInterface, LayerInternet, LayerVPNGateway, LayerNetworkFirewall,
	LayerGatewayLoadBalancer, LayerVPNConnection, LayerDirectConnect, LayerOnPremises}

// Verdicts lists every hop verdict.
var Verdicts = []Verdict{Allow, Deny, Forward, Arrive, Unknown}

// RuleRefKind says which list of rules a RuleRef points into.
type RuleRefKind string

// The rule lists a reference can point into.
const (
	RefSGIngress    RuleRefKind = "sg-ingress"    // Index: position in the group's inbound rules
	RefSGEgress     RuleRefKind = "sg-egress"     // Index: position in the group's outbound rules
	RefNACLInbound  RuleRefKind = "nacl-inbound"  // RuleNumber: the entry's rule number
	RefNACLOutbound RuleRefKind = "nacl-outbound" // RuleNumber: the entry's rule number
	RefRoute        RuleRefKind = "route"         // Index: position in the route table's routes
	RefTGWRoute     RuleRefKind = "tgw-route"     // Index: -1 (transit gateway routes are keyed by prefix)
	// RefFirewallStateless points into a stateless rule group's rules:
	// Index is the position in its StatelessRules, RuleNumber the rule's
	// priority.
	RefFirewallStateless RuleRefKind = "firewall-stateless"
	// RefFirewallStateful points into a stateful rule group's rules:
	// Index is the position among its standard rules (StatefulRules) or
	// the rules of its RulesString, RuleNumber the rule's sid (0: none).
	RefFirewallStateful RuleRefKind = "firewall-stateful"
)

// RuleRefKinds lists every kind of rule reference.
var RuleRefKinds = []RuleRefKind{RefSGIngress, RefSGEgress, RefNACLInbound, RefNACLOutbound, RefRoute, RefTGWRoute,
	RefFirewallStateless, RefFirewallStateful}

// IsFirewall reports whether the reference points at a Network Firewall rule.
func (k RuleRefKind) IsFirewall() bool { return k == RefFirewallStateless || k == RefFirewallStateful }

// IsSecurityGroup reports whether the reference points at a security group rule.
func (k RuleRefKind) IsSecurityGroup() bool { return k == RefSGIngress || k == RefSGEgress }

// IsNetworkACL reports whether the reference points at a network ACL entry.
func (k RuleRefKind) IsNetworkACL() bool { return k == RefNACLInbound || k == RefNACLOutbound }

// Egress reports whether the reference points at an outbound rule list.
func (k RuleRefKind) Egress() bool { return k == RefSGEgress || k == RefNACLOutbound }

// Code is a Reachability Analyzer explanation code (AWS VPC Reachability
// Analyzer guide, "Explanation codes"), or one of vpcscope's where AWS
// has none.
type Code string

// The explanation codes the engine gives.
const (
	CodeNone                            Code = ""
	CodeENISGRulesMismatch              Code = "ENI_SG_RULES_MISMATCH"
	CodeSGHasNoRules                    Code = "SG_HAS_NO_RULES"
	CodeENISourceDestCheckRestriction   Code = "ENI_SOURCE_DEST_CHECK_RESTRICTION"
	CodeSGReferencesNotPreserved        Code = "SG_REFERENCES_NOT_PRESERVED"
	CodeSGReferencingSupport            Code = "SG_REFERENCING_SUPPORT"
	CodeSubnetACLRestriction            Code = "SUBNET_ACL_RESTRICTION"
	CodeNoRouteToDestination            Code = "NO_ROUTE_TO_DESTINATION"
	CodeCannotRoute                     Code = "CANNOT_ROUTE"
	CodeBadStateRoute                   Code = "BAD_STATE_ROUTE"
	CodeBadState                        Code = "BAD_STATE"
	CodeBadStateAttachment              Code = "BAD_STATE_ATTACHMENT"
	CodeIGWPublicIPForEgress            Code = "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"
	CodeIGWPrivateIPForIngress          Code = "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"
	CodeIGWDestinationNotRFC1918Egress  Code = "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS"
	CodeIGWDestinationNotRFC6598Egress  Code = "IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS"
	CodeGatewayRejectsSpoofedTraffic    Code = "GATEWAY_REJECTS_SPOOFED_TRAFFIC"
	CodePCXRequiresAddressInVPCCIDR     Code = "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"
	CodeTGWAttachMissingRTBAssociation  Code = "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION"
	CodeTGWRTBCannotRoute               Code = "TGW_RTB_CANNOT_ROUTE"
	CodeTGWRTBBadStateRoute             Code = "TGW_RTB_BAD_STATE_ROUTE"
	CodeTGWRouteAZRestriction           Code = "TGW_ROUTE_AZ_RESTRICTION"
	CodeVPCEGatewayProtocolRestriction  Code = "VPCE_GATEWAY_PROTOCOL_RESTRICTION"
	CodeVPCEGatewayEgressSourceRestrict Code = "VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION"
	CodeELBv2ListenersMismatch          Code = "ELBV2_LISTENERS_MISMATCH"
	CodeELBv2ListenerHasNoTG            Code = "ELBV2_LISTENER_HAS_NO_TG"
	CodeELBNotCrossZone                 Code = "ELB_NOT_CROSSZONE"
	CodeELBInstalledAZRestriction       Code = "ELB_INSTALLED_AZ_RESTRICTION"
	CodeELBv2SourceAddressPreservation  Code = "ELBV2_SOURCE_ADDRESS_PRESERVATION"
	CodeTargetPortRestriction           Code = "TARGET_PORT_RESTRICTION"
	CodeProtocolRestriction             Code = "PROTOCOL_RESTRICTION"
	CodeNoPossibleDestination           Code = "NO_POSSIBLE_DESTINATION"
	CodeNoPath                          Code = "NO_PATH"
	CodeUnknownResource                 Code = "UNKNOWN_RESOURCE"
	CodeUnknownDestination              Code = "UNKNOWN_DESTINATION"
	// CodeApplianceMayTranslate is vpcscope's own: the path crosses an
	// appliance (source/destination check off) whose operating system may
	// translate addresses, and the answer depends on whether it does.
	CodeApplianceMayTranslate Code = "APPLIANCE_MAY_TRANSLATE"
	// The Network Firewall codes. Reachability Analyzer's explanations
	// carry a firewall's deciding rule (FirewallStatelessRule,
	// FirewallStatefulRule) without a code of its own; these are
	// vpcscope's, one per way a firewall drops a packet.
	CodeFirewallStatelessDrop Code = "FIREWALL_STATELESS_RULE_DROP"
	CodeFirewallStatefulDrop  Code = "FIREWALL_STATEFUL_RULE_DROP"
	CodeFirewallDefaultDrop   Code = "FIREWALL_DEFAULT_ACTION_DROP"
	// CodeFirewallAsymmetric: the reply reaches a firewall endpoint whose
	// stateful engine did not see the request.
	CodeFirewallAsymmetric Code = "FIREWALL_ASYMMETRIC_ROUTING"
	// Reachability Analyzer's additional detail codes for what it skips
	// (Reachability Analyzer guide, "Additional detail codes"): a higher
	// priority rule with an unsupported option, or of an unsupported rule
	// group type (a domain list), that could match the traffic.
	CodeFirewallUnsupportedHigherPriorityRules         Code = "FIREWALL_UNSUPPORTED_HIGHER_PRIORITY_RULES"
	CodeFirewallUnsupportedHigherPriorityRuleGroupType Code = "FIREWALL_UNSUPPORTED_HIGHER_PRIORITY_RULE_GROUP_TYPE"
	// CodeGWLBNoHealthyTargets: a Gateway Load Balancer has no healthy
	// registered target to send the packet to (vpcscope's).
	CodeGWLBNoHealthyTargets Code = "GWLB_NO_HEALTHY_TARGETS"
	// CodeGWLBAsymmetric: the reply crosses another Gateway Load Balancer
	// endpoint than the request (vpcscope's).
	CodeGWLBAsymmetric Code = "GWLB_ASYMMETRIC_ROUTING"
	// CodeVPNTunnelDown: no tunnel of the VPN connection is up; CodeDXDown:
	// no virtual interface of the Direct Connect gateway is up (vpcscope's).
	CodeVPNTunnelDown Code = "VPN_TUNNELS_DOWN"
	CodeDXDown        Code = "DIRECT_CONNECT_DOWN"
	// CodeDXPrefixNotAllowed: the destination is outside the allowed
	// prefixes a Direct Connect gateway association advertises on premises.
	CodeDXPrefixNotAllowed Code = "DIRECT_CONNECT_PREFIX_NOT_ALLOWED"
)

// Codes lists every code the engine gives.
var Codes = []Code{CodeENISGRulesMismatch, CodeSGHasNoRules, CodeENISourceDestCheckRestriction,
	CodeSGReferencesNotPreserved, CodeSGReferencingSupport, CodeSubnetACLRestriction, CodeNoRouteToDestination,
	CodeCannotRoute, CodeBadStateRoute, CodeBadState, CodeBadStateAttachment, CodeIGWPublicIPForEgress,
	CodeIGWPrivateIPForIngress, CodeIGWDestinationNotRFC1918Egress, CodeIGWDestinationNotRFC6598Egress,
	CodeGatewayRejectsSpoofedTraffic, CodePCXRequiresAddressInVPCCIDR, CodeTGWAttachMissingRTBAssociation,
	CodeTGWRTBCannotRoute, CodeTGWRTBBadStateRoute, CodeTGWRouteAZRestriction, CodeVPCEGatewayProtocolRestriction,
	CodeVPCEGatewayEgressSourceRestrict, CodeELBv2ListenersMismatch, CodeELBv2ListenerHasNoTG, CodeELBNotCrossZone,
	CodeELBInstalledAZRestriction, CodeELBv2SourceAddressPreservation, CodeTargetPortRestriction,
	CodeProtocolRestriction, CodeNoPossibleDestination, CodeNoPath, CodeUnknownResource, CodeUnknownDestination,
	CodeApplianceMayTranslate, CodeFirewallStatelessDrop, CodeFirewallStatefulDrop, CodeFirewallDefaultDrop,
	CodeFirewallAsymmetric, CodeFirewallUnsupportedHigherPriorityRules, CodeFirewallUnsupportedHigherPriorityRuleGroupType,
	CodeGWLBNoHealthyTargets, CodeGWLBAsymmetric, CodeVPNTunnelDown, CodeDXDown, CodeDXPrefixNotAllowed}

// Hop is one step of a path: one component that the packet crossed and
// what it did, with the rule that decided.
type Hop struct {
	Layer Layer `json:"layer"`
	// Resource is the AWS ID of the component (SG, ACL, route table, ...).
	Resource string `json:"resource"`
	// Name is the resource's Name tag, if any.
	Name string `json:"name,omitempty"`
	// Account and Region are where the resource lives, as the snapshot
	// records it (model.Meta): the account that owns it (in a subnet
	// shared through AWS RAM, a participant's interface and groups are
	// the participant's, the subnet's ACL and route table the owner's)
	// and its Region. Each is "" when unknown: a hop that names no
	// resource of the snapshot (the internet, an address, an on-premises
	// network) or a global resource's Region (a Direct Connect gateway).
	Account string  `json:"account,omitempty"`
	Region  string  `json:"region,omitempty"`
	Verdict Verdict `json:"verdict"`
	// Stage refines the layer: inbound/outbound for filters, lookup for
	// routers, translate for NAT.
	Stage Stage `json:"stage,omitempty"`
	// Rule is the rule or route that decided, in one line.
	Rule string `json:"rule,omitempty"`
	// Ref locates the rule inside its resource, for tools that jump to it.
	Ref *RuleRef `json:"ref,omitempty"`
	// Packet is the packet as this hop saw it.
	Packet string `json:"packet"`
	// Code is the Reachability Analyzer explanation code, where one fits.
	Code Code `json:"code,omitempty"`
	// Detail explains the hop in words.
	Detail string `json:"detail,omitempty"`
	// Near are, on a security group hop that refuses the packet, the rules
	// that cover its protocol and port but name other peers: the closest
	// rules, the ones to change.
	Near []RuleRef `json:"near,omitempty"`

	// at is the resource the hop is at, when the walker holds it and its
	// ID alone does not say which record it is (the two sides of a
	// transit gateway peering attachment share one ID), or when it is the
	// only record of its ID (rendered without a lookup by ID); nil: the
	// ID says. Read once, when the hop is rendered.
	at model.Resource
	// text, when set and made for this Resource and at, is what the hop
	// shows of its resource, made once per snapshot (see subnetInfo).
	text *resourceText
}

// RuleRef points at one rule inside a resource.
type RuleRef struct {
	Kind RuleRefKind `json:"kind"`
	// Resource is the ID of the resource holding the rule, when it is not
	// the hop's or block's own resource (the near rules of a block).
	Resource string `json:"resource,omitempty"`
	// Index is the position in the resource's rule list (SG rules and
	// routes), or -1 when the rule is implicit.
	Index int `json:"index"`
	// RuleNumber is the network ACL rule number.
	RuleNumber int32 `json:"ruleNumber,omitempty"`
}

// Block says what stopped a flow.
type Block struct {
	Layer Layer `json:"layer"`
	// Resource is the AWS ID of the resource whose configuration decides.
	Resource  string    `json:"resource"`
	Rule      string    `json:"rule"`
	Direction Direction `json:"direction"`
	Code      Code      `json:"code"`
	Reason    string    `json:"reason"`
	// Ref locates the deciding rule, when there is one.
	Ref *RuleRef `json:"ref,omitempty"`
	// Near are the rules closest to letting the packet through: for a
	// security group that refuses it, the rules that cover its protocol
	// and port but name other peers (Ref points at the first of them).
	Near []RuleRef `json:"near,omitempty"`
}

// Endpoint is a resolved end of a query.
type Endpoint struct {
	// Kind is network-interface, instance, load-balancer, internet or address.
	Kind string `json:"kind"`
	// ID is the instance, interface or load balancer ID ("" for the internet).
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
	// Interface is the network interface the answer used.
	Interface string `json:"interface,omitempty"`
	// IP is the address the answer used.
	IP string `json:"ip"`
	// Note says why this interface or address was chosen, when there was a choice.
	Note string `json:"note,omitempty"`
	// Addresses is set when the end stands for a set of addresses (the
	// internet): the exact part of the set the answer holds for — when
	// reachable, the addresses that get through both ways; when not, all
	// of them — as CIDR prefixes. IP is then the example the hops show.
	Addresses []string `json:"addresses,omitempty"`
	// Summary describes Addresses for people: "any IPv4 internet address",
	// "the IPv4 internet except 8.0.0.0/8", or the prefixes themselves.
	Summary string `json:"summary,omitempty"`
}

// QueryEcho is the query as the engine understood it.
type QueryEcho struct {
	From       string   `json:"from"`
	To         string   `json:"to"`
	Protocol   string   `json:"protocol"`
	Port       *int     `json:"port,omitempty"`
	SourcePort *int     `json:"sourcePort,omitempty"`
	ICMP       string   `json:"icmp,omitempty"`
	Source     Endpoint `json:"source"`
	Dest       Endpoint `json:"destination"`
}

// Answer is the engine's reply to a query.
type Answer struct {
	Query QueryEcho `json:"query"`
	// Reachable is true when both the request and its reply get through.
	Reachable bool `json:"reachable"`
	// Verdict is reachable, unreachable, or unknown when the snapshot lacks
	// data the answer depends on (then Reachable is false and Caveats say why).
	Verdict Outcome `json:"verdict"`
	// Blocked is the deciding step when the flow does not get through.
	Blocked *Block `json:"blocked"`
	Forward []Hop  `json:"forward"`
	Return  []Hop  `json:"return"`
	// Caveats are what the answer could not check or only partly holds.
	Caveats []string `json:"caveats"`
}

// Outcome is an answer's verdict.
type Outcome string

// The verdicts of an answer.
const (
	VerdictReachable   Outcome = "reachable"
	VerdictUnreachable Outcome = "unreachable"
	VerdictUnknown     Outcome = "unknown"
)

// Outcomes lists every answer verdict.
var Outcomes = []Outcome{VerdictReachable, VerdictUnreachable, VerdictUnknown}

// Summary is the one-sentence conclusion of an answer.
func (a *Answer) Summary() string {
	if a.Reachable {
		from := a.Query.From
		from += setNote(a.Query.Source)
		s := fmt.Sprintf("reachable: %s can reach %s on %s, and the reply gets back", from, a.Query.To, a.service())
		if len(a.Caveats) > 0 {
			s += fmt.Sprintf(" (%d caveat%s)", len(a.Caveats), plural(len(a.Caveats)))
		}
		return s
	}
	if a.Blocked == nil {
		if a.Verdict == VerdictUnknown && len(a.Caveats) > 0 {
			return "unknown: nothing on the path blocks it, but not every layer could be checked: " + a.Caveats[0]
		}
		return "unreachable"
	}
	word := "blocked"
	if a.Verdict == VerdictUnknown {
		word = "unknown"
	}
	if a.Blocked.Direction == DirReturn {
		word += " on the return path"
	}
	return word + ": " + a.Blocked.Reason
}

// setNote says which part of a set end an answer holds for: nothing when
// it holds for all of the internet, "(only 203.0.113.0/24)" when for some.
func setNote(ep Endpoint) string {
	switch sum := ep.Summary; {
	case sum == "" || len(ep.Addresses) == 0 || strings.HasPrefix(sum, "any "):
		return ""
	case strings.HasPrefix(sum, "the "):
		return " (" + sum + ")"
	default:
		return " (only " + sum + ")"
	}
}

func (a *Answer) service() string {
	q := a.Query
	switch {
	case q.Port != nil:
		return fmt.Sprintf("%s/%d", q.Protocol, *q.Port)
	case q.ICMP != "":
		return q.Protocol + " " + q.ICMP
	}
	return q.Protocol
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
