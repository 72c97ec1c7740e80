// Package flowexplain judges VPC Flow Log records with the reachability
// engine: it groups records into flows (interface, 5-tuple, direction,
// action), decides each flow's direction (flow-direction, else the
// interface's own addresses), the packet as AWS saw it (pkt-srcaddr and
// pkt-dstaddr when present) and whether it is a request or the reply of
// one, runs the engine on that packet once per distinct question (cached),
// and judges the record where it was captured — at its interface, in its
// direction — as agreeing with the configuration, disagreeing with it, or
// unknown when the snapshot lacks what is needed.
//
// Records come from package model/flowlog; the answers are the engine's
// typed values (hops, blocks, rule references), never its text. The
// package also generates synthetic logs consistent with the engine, with
// planted disagreements, for tests, benchmarks and demos (Synthesize).
package flowexplain
