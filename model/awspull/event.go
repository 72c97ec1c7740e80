package awspull

import (
	"fmt"
	"strings"
	"time"

	"github.com/vpcscope/vpcscope/model"
)

// Event is the progress of one API operation in one account and region,
// sent after each call it makes and once more when it is done. Its counts
// are running totals, so the latest event of an operation replaces the
// ones before it.
type Event struct {
	Account string
	Region  string
	// Kind is the model kind the operation collects; empty for the setup
	// steps (GetCallerIdentity, DescribeRegions).
	Kind model.Kind
	// Operation is the API call, e.g. DescribeSecurityGroups. Operations
	// made once per parent (SearchTransitGatewayRoutes per route table,
	// DescribeTargetHealth per target group, ...) are counted together.
	Operation string
	// Calls is how many calls (pages) were answered, Items how many
	// resources or entries they held, Retries how many extra attempts
	// throttling and transient errors cost.
	Calls, Items, Retries int
	// Elapsed is the time since the operation's first call.
	Elapsed time.Duration
	// Done is set on the operation's last event.
	Done bool
	// Gap is set on the last event of an operation that failed: what the
	// snapshot records as missing.
	Gap *model.Gap
}

// String renders the event in one line, e.g.
// "111122223333/us-east-1 security-group DescribeSecurityGroups: 5 calls, 5000 items, 1 retry, 1.2s, done".
func (e Event) String() string {
	var b strings.Builder
	b.WriteString(model.Scope{Account: e.Account, Region: e.Region}.String())
	if e.Kind != "" {
		b.WriteString(" " + string(e.Kind))
	}
	fmt.Fprintf(&b, " %s: %s, %s", e.Operation, plural(e.Calls, "call"), plural(e.Items, "item"))
	if e.Retries > 0 {
		b.WriteString(", " + plural(e.Retries, "retry"))
	}
	fmt.Fprintf(&b, ", %s", e.Elapsed.Round(time.Millisecond))
	switch {
	case e.Gap != nil:
		fmt.Fprintf(&b, ", failed (%s): %s", e.Gap.Code, e.Gap.Reason)
	case e.Done:
		b.WriteString(", done")
	}
	return b.String()
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	if strings.HasSuffix(what, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(what, "y"))
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// Tally sums the latest events of every operation: what a progress line or
// a summary shows. The zero Tally is empty and ready to use; it is not safe
// for concurrent use (Pull sends events one at a time).
type Tally struct {
	ops   map[string]Event
	order []string
}

// Add records an event, replacing the previous one of its operation.
func (t *Tally) Add(e Event) {
	if t.ops == nil {
		t.ops = make(map[string]Event)
	}
	k := e.Account + "\x00" + e.Region + "\x00" + e.Operation
	if _, ok := t.ops[k]; !ok {
		t.order = append(t.order, k)
	}
	t.ops[k] = e
}

// Totals are the sums over a Tally's operations.
type Totals struct {
	Operations, Done          int
	Calls, Items, Retries     int
	Gaps                      int
	Accounts, Regions, Scopes int
	// AccountsTotal is, in an organization pull, how many accounts it
	// pulls (0 before they are listed, and in other pulls);
	// AccountsDone how many of them have ended, read or not.
	AccountsTotal, AccountsDone int
}

// Totals sums the operations seen so far.
func (t *Tally) Totals() Totals {
	var out Totals
	accounts, regions, scopes := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, k := range t.order {
		e := t.ops[k]
		switch e.Operation {
		case OpAccounts:
			out.AccountsTotal = e.Items
			continue
		case OpAccount:
			if e.Done {
				out.AccountsDone++
			}
			continue
		}
		out.Operations++
		if e.Done {
			out.Done++
		}
		if e.Gap != nil {
			out.Gaps++
		}
		out.Calls += e.Calls
		out.Items += e.Items
		out.Retries += e.Retries
		if e.Account != "" {
			accounts[e.Account] = true
		}
		if e.Region != "" {
			regions[e.Region] = true
			scopes[e.Account+"/"+e.Region] = true
		}
	}
	out.Accounts, out.Regions, out.Scopes = len(accounts), len(regions), len(scopes)
	return out
}

// Events returns the latest event of each operation, in the order the
// operations started.
func (t *Tally) Events() []Event {
	out := make([]Event, 0, len(t.order))
	for _, k := range t.order {
		out = append(out, t.ops[k])
	}
	return out
}
