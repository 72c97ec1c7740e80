package view

import (
	"github.com/vpcscope/vpcscope/reach"
)

// Messages that open the whole-network views: flow logs, connectivity and
// the diff against another snapshot.
type (
	// FlowLogs opens the flow-log view; with Path set it reads that file
	// or folder of VPC Flow Logs (in the background) first.
	FlowLogs struct{ Path string }
	// Connectivity opens the connectivity matrix.
	Connectivity struct{}
	// Diff opens the list of what changed since the compared snapshot.
	Diff struct{}
)

// HopAt names one hop of an answer: its path (forward or return) and its
// position there.
type HopAt struct {
	Path  reach.Direction
	Index int
}
