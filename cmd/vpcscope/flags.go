package main

import (
	"github.com/spf13/cobra"
)

// Ranges of the numeric flags, checked before any value is used so that a
// number never wraps around (a port of 70000 is not tcp/4464).
const (
	maxPort    = 65535
	maxICMP    = 255
	maxWorkers = 64
)

// intRange is an integer flag and the values it accepts.
type intRange struct {
	name   string
	v      *int
	lo, hi int
	// what follows the range in the error ("(0 means every port)").
	note string
}

// checkIntFlags returns a usage error (exit 2) for the first flag the user
// set outside its range. Flags left at their default are not checked: the
// defaults are valid, and some are sentinels (-1 for "no ICMP type").
func checkIntFlags(cmd *cobra.Command, ranges ...intRange) error {
	for _, r := range ranges {
		if !cmd.Flags().Changed(r.name) || (*r.v >= r.lo && *r.v <= r.hi) {
			continue
		}
		msg := "--%s %d: want %d to %d"
		if r.note != "" {
			msg += " " + r.note
		}
		return usagef(msg, r.name, *r.v, r.lo, r.hi)
	}
	return nil
}
