package reach

import (
	"fmt"
	"strings"
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
	// The layers below appear on hops only, never as the blocking layer.
	LayerInterface  Layer = "network-interface"
	LayerInternet   Layer = "internet"
	LayerVPNGateway Layer = "vpn-gateway"
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

// Hop is one step of a path: one component that the packet crossed and
// what it did, with the rule that decided.
type Hop struct {
	Layer Layer `json:"layer"`
	// Resource is the AWS ID of the component (SG, ACL, route table, ...).
	Resource string `json:"resource"`
	// Name is the resource's Name tag, if any.
	Name    string  `json:"name,omitempty"`
	Verdict Verdict `json:"verdict"`
	// Stage refines the layer: inbound/outbound for filters, lookup for
	// routers, translate for NAT.
	Stage string `json:"stage,omitempty"`
	// Rule is the rule or route that decided, in one line.
	Rule string `json:"rule,omitempty"`
	// Ref locates the rule inside its resource, for tools that jump to it.
	Ref *RuleRef `json:"ref,omitempty"`
	// Packet is the packet as this hop saw it.
	Packet string `json:"packet"`
	// Code is the Reachability Analyzer explanation code, where one fits.
	Code string `json:"code,omitempty"`
	// Detail explains the hop in words.
	Detail string `json:"detail,omitempty"`
}

// RuleRef points at one rule inside a resource.
type RuleRef struct {
	// Kind is sg-ingress, sg-egress, nacl-inbound, nacl-outbound, route or
	// tgw-route.
	Kind string `json:"kind"`
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
	Code      string    `json:"code"`
	Reason    string    `json:"reason"`
	// Ref locates the deciding rule, when there is one.
	Ref *RuleRef `json:"ref,omitempty"`
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
	// Admitted is set for an internet source when the destination's rules
	// let in only part of the internet: the parts they admit.
	Admitted []string `json:"admitted,omitempty"`
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
	Verdict string `json:"verdict"`
	// Blocked is the deciding step when the flow does not get through.
	Blocked *Block `json:"blocked"`
	Forward []Hop  `json:"forward"`
	Return  []Hop  `json:"return"`
	// Caveats are what the answer could not check or only partly holds.
	Caveats []string `json:"caveats"`

	// delivered are the destination ports that reached the destination
	// (a query over a port range narrows at each filter).
	delivered portSet
}

// Verdict strings of Answer.Verdict.
const (
	VerdictReachable   = "reachable"
	VerdictUnreachable = "unreachable"
	VerdictUnknown     = "unknown"
)

// Summary is the one-sentence conclusion of an answer.
func (a *Answer) Summary() string {
	if a.Reachable {
		from := a.Query.From
		if ad := a.Query.Source.Admitted; len(ad) > 0 {
			from += " (only " + strings.Join(ad, ", ") + ")"
		}
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
