package edit

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// List names a rule list inside a resource. Its values are the engine's
// rule-reference kinds (reach.RuleRefKind), so a reference the engine
// reports converts to a List and back.
type List string

// The rule lists an edit can change.
const (
	SGIngress    List = "sg-ingress"    // a security group's inbound rules
	SGEgress     List = "sg-egress"     // a security group's outbound rules
	NACLInbound  List = "nacl-inbound"  // a network ACL's inbound entries
	NACLOutbound List = "nacl-outbound" // a network ACL's outbound entries
	Routes       List = "route"         // a VPC route table's routes
	// FirewallStateless is a stateless rule group's rules (by priority);
	// FirewallStateful a stateful rule group's rules (by number).
	FirewallStateless List = "firewall-stateless"
	FirewallStateful  List = "firewall-stateful"
)

// Lists lists every rule list, for tests and presenters that must handle all.
var Lists = []List{SGIngress, SGEgress, NACLInbound, NACLOutbound, Routes, FirewallStateless, FirewallStateful}

// IsFirewall reports whether the list holds Network Firewall rules.
func (l List) IsFirewall() bool { return l == FirewallStateless || l == FirewallStateful }

// IsSecurityGroup reports whether the list holds security group rules.
func (l List) IsSecurityGroup() bool { return l == SGIngress || l == SGEgress }

// IsNetworkACL reports whether the list holds network ACL entries.
func (l List) IsNetworkACL() bool { return l == NACLInbound || l == NACLOutbound }

// Egress reports whether the list holds outbound rules.
func (l List) Egress() bool { return l == SGEgress || l == NACLOutbound }

// word is the list's direction as the text syntax writes it.
func (l List) word() string {
	switch l {
	case SGIngress:
		return "ingress"
	case SGEgress:
		return "egress"
	case NACLInbound:
		return "inbound"
	case NACLOutbound:
		return "outbound"
	case FirewallStateless:
		return "stateless"
	case FirewallStateful:
		return "stateful"
	}
	return ""
}

// Op is what an edit does.
type Op string

// The edit operations.
const (
	// Add appends a security group rule, creates a network ACL entry or
	// creates a route.
	Add Op = "add"
	// Replace changes a rule in place: a group's rule N, the entry with a
	// rule number (it may take another number), a route's target.
	Replace Op = "replace"
	// Disable removes a rule from the list the engine sees; the overlay
	// keeps it, marked, so that it can be put back.
	Disable Op = "disable"
)

// Rule is one rule of an editable list. The List it belongs to says which
// field holds it; the others are zero.
type Rule struct {
	SG    model.SGRule
	Entry model.ACLEntry
	Route model.Route
	// Stateless is a stateless firewall rule; Stateful a stateful one as
	// its Suricata rule string.
	Stateless model.StatelessRule
	Stateful  string
}

// Edit is one change to one rule list of one resource.
type Edit struct {
	Op Op
	// Resource is the ID of the security group, network ACL or route table.
	Resource string
	List     List
	// Index is, for Replace and Disable of a security group rule, the
	// rule's position from 0 in the overlay's list (the snapshot's rules,
	// then added ones; a disabled rule keeps its place).
	Index int
	// RuleNumber is, for Replace and Disable of a network ACL entry, the
	// number of the entry changed; of a stateless firewall rule, its
	// priority. Index is, for a stateful firewall rule, its position from 0.
	RuleNumber int32
	// Destination is, for Replace and Disable of a route, the destination
	// of the route changed: a CIDR or a prefix list ID.
	Destination string
	// Rule is the new rule, for Add and Replace.
	Rule Rule
}

// String renders the edit in the syntax Parse reads; Parse(ix, e.String())
// gives e back.
func (e Edit) String() string {
	rule := FormatRule(e.List, e.Rule, "")
	switch {
	case e.Op == Add && e.List == Routes:
		return "route " + e.Resource + " " + rule
	case e.Op == Add:
		return e.Resource + " " + e.List.word() + " " + rule
	case e.Op == Replace && e.List == Routes:
		return "replace " + e.Resource + " " + rule
	case e.Op == Replace:
		return "replace " + e.Resource + " " + e.List.word() + " " + e.target() + " with " + rule
	case e.Op == Disable && e.List == Routes:
		return "disable " + e.Resource + " " + e.Destination
	case e.Op == Disable:
		return "disable " + e.Resource + " " + e.List.word() + " " + e.target()
	}
	return fmt.Sprintf("%s %s %s", e.Op, e.Resource, e.List)
}

// target renders the rule an edit acts on: a group's rule number counted
// from 1, an entry's rule number, a route's destination.
func (e Edit) target() string {
	switch {
	case e.List.IsSecurityGroup(), e.List == FirewallStateful:
		return strconv.Itoa(e.Index + 1)
	case e.List.IsNetworkACL(), e.List == FirewallStateless:
		return strconv.Itoa(int(e.RuleNumber))
	}
	return e.Destination
}

// FormatRule renders a rule of list l in the text syntax: "tcp 3306 from
// sg-0123 # note", "100 allow tcp 443 0.0.0.0/0", "0.0.0.0/0 via igw-0123".
// A security group peer owned by account is named by its ID alone, one in
// another account as ACCOUNT/sg-…; an empty account names every owner.
func FormatRule(l List, r Rule, account string) string {
	switch {
	case l.IsSecurityGroup():
		return formatSGRule(r.SG, l.Egress(), account)
	case l.IsNetworkACL():
		return formatEntry(r.Entry)
	case l == Routes:
		return formatRoute(r.Route)
	case l == FirewallStateless:
		return statelessText(r.Stateless)
	case l == FirewallStateful:
		return r.Stateful
	}
	return ""
}

func formatSGRule(r model.SGRule, egress bool, account string) string {
	parts := []string{r.Protocol.String()}
	switch {
	case r.Protocol.HasPorts():
		parts = append(parts, r.Ports().String())
	case r.Protocol.IsICMP():
		if s := formatICMP(r.ICMP()); s != "" {
			parts = append(parts, s)
		}
	}
	dir := "from"
	if egress {
		dir = "to"
	}
	peer := r.PeerFrom(account)
	if account == "" && r.Group != nil {
		peer = r.Group.GroupID
		if r.Group.UserID != "" {
			peer = r.Group.UserID + "/" + peer
		}
	}
	s := strings.Join(append(parts, dir, peer), " ")
	if r.Description != "" {
		s += " # " + r.Description
	}
	return s
}

func formatEntry(e model.ACLEntry) string {
	parts := []string{strconv.Itoa(int(e.RuleNumber)), string(e.Action), e.Protocol.String()}
	switch {
	case e.Protocol.HasPorts():
		parts = append(parts, e.Ports().String())
	case e.Protocol.IsICMP():
		if s := formatICMP(e.ICMPMatch()); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(append(parts, e.CIDR.String()), " ")
}

func formatRoute(r model.Route) string {
	return r.DestinationString() + " via " + r.Target().ID
}

// formatICMP renders an ICMP selector: "" for every message, "8" for a
// type, "3:4" for a type and code.
func formatICMP(t model.ICMPTypeCode) string {
	switch {
	case t.Type < 0:
		return ""
	case t.Code < 0:
		return strconv.Itoa(int(t.Type))
	}
	return fmt.Sprintf("%d:%d", t.Type, t.Code)
}
