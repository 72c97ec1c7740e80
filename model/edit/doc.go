// Package edit holds changes to a network as data — security group rules,
// network ACL entries and routes added, replaced or disabled — and applies
// them to a snapshot as a copy-on-write overlay, so that every question the
// engine answers can be asked "as if" the changes were made. Nothing here
// talks to AWS; the original snapshot never changes.
//
// An Edit is one change to one rule list. Parse reads the one text syntax
// that the command line (--assume) and the explorer share; Edit.String
// writes it back, so an edit survives a round trip through text:
//
//	SG ingress PROTO [PORTS] [from] PEER [# description]   add an inbound rule
//	SG egress PROTO [PORTS] [to] PEER [# description]      add an outbound rule
//	ACL inbound|outbound NUM allow|deny PROTO [PORTS] CIDR   add a network ACL entry
//	route RTB DEST via TARGET                               add a route
//	replace SG ingress|egress N with PROTO [PORTS] PEER     replace rule N
//	replace ACL inbound|outbound NUM with NUM allow|deny …  replace entry NUM
//	replace RTB DEST via TARGET                             change a route's target
//	disable SG ingress|egress N                             remove rule N
//	disable ACL inbound|outbound NUM                        remove entry NUM
//	disable RTB DEST                                        remove the route to DEST
//
// SG, ACL and RTB name a security group, a network ACL or a route table by
// ID, by a unique ID prefix (sg-0a88) or by its Name tag (a security group
// also by its group name). N counts a group's rules from 1, as the # column
// of `vpcscope inspect` and the explorer numbers them; rules added by
// earlier edits follow the snapshot's, and a disabled rule keeps its number.
// PROTO is tcp, udp, icmp, icmpv6, all or a protocol number; PORTS is 22,
// 1024-65535 or all (required for tcp and udp); for icmp it is an optional
// TYPE or TYPE:CODE. PEER is a CIDR, an address (a /32 or /128), a prefix
// list ID, or a security group (ACCOUNT/sg-… for one in another account).
// DEST is a CIDR or a prefix list ID; TARGET is the ID or Name tag of an
// internet, egress-only, NAT, virtual private or transit gateway, a peering
// connection, a VPC endpoint, a network interface or an instance (replace
// also takes local, to restore a local route's target).
//
// An Overlay applies edits in order and refuses the ones AWS would refuse,
// with a one-line reason: the default "*" entry of a network ACL cannot be
// changed, entry numbers are 1-32766 and unique per direction, a rule must
// exist to be replaced or disabled, the local route cannot be removed.
// Each applied edit is a Step with the rule before and after, which renders
// as text and as the AWS CLI commands that would make the change.
package edit
