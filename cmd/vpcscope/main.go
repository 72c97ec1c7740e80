// Command vpcscope shows an AWS account's network the way packets see it:
// it loads a snapshot (a file, a folder of AWS CLI outputs, the embedded
// demo account, or a live pull), answers "can A reach B on port P" hop by
// hop, and explores it all in a terminal UI.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/internal/termsafe"
	"github.com/vpcscope/vpcscope/reach"
)

// version is the fallback for a binary whose build information carries no
// module version (a build from a checkout); set it with
// -ldflags "-X main.version=...". See readBuildVersion.
var version = "0.1.0-dev"

// commit and buildDate are stamped by a release build with -ldflags
// "-X main.commit=… -X main.buildDate=…" (go install from the module
// proxy carries no commit of its own, and Go stamps no build time); see
// buildVersion.withStamp.
var commit, buildDate string

// Exit codes, documented in the README: 0 reachable (or done), 1 not
// reachable, 2 bad input, 3 anything else failed (a live pull, Ctrl-C).
const (
	exitOK          = 0
	exitUnreachable = 1
	exitBadInput    = 2
	exitFailure     = 3
)

// errUnreachable tells main that a query was answered "not reachable".
var errUnreachable = errors.New("not reachable")

// streams are the command's input and outputs, so tests can capture them.
type streams struct {
	in       io.Reader
	out, err io.Writer
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], streams{os.Stdin, os.Stdout, os.Stderr})
	stop()
	os.Exit(code)
}

// run executes the command line and maps its outcome to an exit code; it
// is the one place that decides exit codes.
func run(ctx context.Context, args []string, s streams) int {
	return execute(ctx, newRootCmd(s), args, s)
}

// execute runs one command line on a command tree, prints the error line
// and returns the exit code; the MCP server runs its tool calls through it.
func execute(ctx context.Context, cmd *cobra.Command, args []string, s streams) int {
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errUnreachable):
		return exitUnreachable
	}
	for _, line := range errorLines(err) {
		fmt.Fprintln(s.err, "vpcscope: "+termsafe.String(line))
	}
	var ie *reach.InputError
	var ue *usageError
	if errors.As(err, &ie) || errors.As(err, &ue) || isCobraUsage(err) {
		return exitBadInput
	}
	return exitFailure // a live pull that failed, an interrupt, an I/O error
}

// usageError is a bad flag, argument or input file: exit code 2. err, when
// set, is the error it reports.
type usageError struct {
	msg string
	err error
}

func (e *usageError) Error() string { return e.msg }

func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return &usageError{msg: fmt.Sprintf(format, args...)} }

func isCobraUsage(err error) bool {
	m := err.Error()
	return strings.HasPrefix(m, "unknown flag") || strings.HasPrefix(m, "unknown command") ||
		strings.Contains(m, "flag needs an argument") || strings.HasPrefix(m, "invalid argument") ||
		strings.HasPrefix(m, "accepts ")
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// errorLines renders an error one line each: the errors joined in it (a
// folder's bad files) one per line, each on one line.
func errorLines(err error) []string {
	var lines []string
	var walk func(err error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		if u, ok := err.(*usageError); ok && u.err != nil && u.msg == u.err.Error() {
			walk(u.err)
			return
		}
		lines = append(lines, oneLine(err.Error()))
	}
	walk(err)
	return lines
}
