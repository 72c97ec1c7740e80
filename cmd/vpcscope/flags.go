package main

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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

// optionalInt is an integer flag that may be left unset (-1): its help
// shows no default of its own, so the usage text's "(default: any)" is the
// only one printed.
type optionalInt struct{ v *int }

func (o optionalInt) String() string {
	if o.v == nil || *o.v < 0 {
		return ""
	}
	return strconv.Itoa(*o.v)
}

func (o optionalInt) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("want a whole number")
	}
	*o.v = n
	return nil
}

func (optionalInt) Type() string { return "int" }

// addICMPFlags registers --icmp-type and --icmp-code, both unset (-1)
// until given.
func addICMPFlags(f *pflag.FlagSet, o *reachOptions) {
	o.icmpType, o.icmpCode = -1, -1
	f.Var(optionalInt{&o.icmpType}, "icmp-type", "ICMP type (default: echo request)")
	f.Var(optionalInt{&o.icmpCode}, "icmp-code", "ICMP code (default: any)")
}
