package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/vpcscope/vpcscope/internal/termsafe"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/awspull"
	"github.com/vpcscope/vpcscope/model/snapfile"
)

// liveOptions are the flags that pull the network live from AWS.
type liveOptions struct {
	profiles    []string
	regions     []string
	allRegions  bool
	endpointURL string
	workers     int
	quiet       bool
	// callTimeout bounds each AWS call with its retries, headerTimeout
	// each attempt's wait for the response headers.
	callTimeout, headerTimeout time.Duration
	// org, set by snapshot --org, pulls a whole organization.
	org *awspull.OrgOptions
}

// addLiveFlags registers the live-pull source flags on every command.
func (g *globalOptions) addLiveFlags(pf *pflag.FlagSet) {
	l := &g.live
	pf.StringArrayVar(&l.profiles, "profile", nil,
		"pull live from AWS with this shared-config profile; repeat to merge several accounts")
	pf.StringSliceVar(&l.regions, "region", nil,
		"pull live from these AWS regions, comma-separated (default: the profile's region)")
	pf.BoolVar(&l.allRegions, "all-regions", false,
		"pull live from every region enabled for the account")
	pf.StringVar(&l.endpointURL, "endpoint-url", "",
		"send AWS calls to this URL instead of AWS (like AWS_ENDPOINT_URL), e.g. a local emulator")
	pf.IntVar(&l.workers, "workers", awspull.DefaultWorkers,
		"AWS calls in flight per account and region during a live pull")
	pf.BoolVar(&l.quiet, "quiet", false,
		"during a live pull print only the summary and warnings, not the progress")
	pf.DurationVar(&l.callTimeout, "call-timeout", awspull.DefaultCallTimeout,
		"during a live pull give up on an AWS call, retries included, after this long; it becomes a gap")
	pf.DurationVar(&l.headerTimeout, "response-header-timeout", awspull.DefaultResponseHeaderTimeout,
		"during a live pull retry an attempt that gets no response headers within this long")
}

// liveRequested reports whether the flags ask for a live pull.
func (g *globalOptions) liveRequested() bool {
	l := &g.live
	return len(l.profiles) > 0 || len(l.regions) > 0 || l.allRegions || l.endpointURL != ""
}

// pullLive pulls the network from AWS, printing progress, a summary, the
// gaps and the notes on stderr, and handing every progress event to
// observe (when not nil), for a caller with its own display. Commands
// reach it through open, which validates what it returns.
func (g *globalOptions) pullLive(ctx context.Context, s streams, observe func(awspull.Event)) (*model.Snapshot, error) {
	snap, _, err := g.pullWithNotes(ctx, s, observe)
	return snap, err
}

// pullWithNotes is pullLive that also returns the pull's notes: the parts
// of pages it dropped, which it prints as warnings.
func (g *globalOptions) pullWithNotes(ctx context.Context, s streams, observe func(awspull.Event)) (*model.Snapshot, []awspull.Note, error) {
	l := &g.live
	if l.allRegions && len(l.regions) > 0 {
		return nil, nil, usagef("choose --region or --all-regions, not both")
	}
	if l.workers < 1 || l.workers > maxWorkers {
		return nil, nil, usagef("--workers %d: want 1 to %d", l.workers, maxWorkers)
	}
	for _, t := range []struct {
		flag string
		d    time.Duration
	}{{"--call-timeout", l.callTimeout}, {"--response-header-timeout", l.headerTimeout}} {
		if t.d <= 0 {
			return nil, nil, usagef("%s %s: want a positive duration, like 30s or 2m", t.flag, t.d)
		}
	}
	opts := awspull.Options{
		Profiles:              l.profiles,
		Regions:               l.regions,
		AllRegions:            l.allRegions,
		EndpointURL:           l.endpointURL,
		Workers:               l.workers,
		CallTimeout:           l.callTimeout,
		ResponseHeaderTimeout: l.headerTimeout,
		Tool:                  "vpcscope " + version,
		Org:                   l.org,
	}
	pr := newProgressPrinter(s.err, l.quiet)
	snap, notes, err := awspull.Pull(ctx, opts, func(e awspull.Event) {
		pr.event(e)
		if observe != nil {
			observe(e)
		}
	})
	pr.clear()
	if err != nil {
		return nil, nil, fmt.Errorf("live pull: %w", err)
	}
	pr.summary(snap)
	for _, line := range gapWarnings(snap.Gaps) {
		warnf(s, "%s", line)
	}
	for _, line := range noteWarnings(notes) {
		warnf(s, "%s", line)
	}
	return snap, notes, nil
}

// maxNoteWarnings is how many of a pull's notes are printed as warnings;
// snapshot -o json lists them all.
const maxNoteWarnings = 20

// noteWarnings renders the parts a pull dropped one per line, the first
// maxNoteWarnings of them and then how many more there are.
func noteWarnings(notes []awspull.Note) []string {
	var out []string
	for i, n := range notes {
		if i == maxNoteWarnings {
			out = append(out, fmt.Sprintf("%d more parts dropped with values the model refuses (vpcscope snapshot -o json lists them all)", len(notes)-i))
			break
		}
		out = append(out, n.String())
	}
	return out
}

// progressPrinter shows a live pull on stderr: one line rewritten in place
// on a terminal, a line per finished operation otherwise, nothing but the
// summary with --quiet.
type progressPrinter struct {
	w     io.Writer
	tty   bool
	quiet bool
	start time.Time
	tally awspull.Tally
	drawn time.Time
	shown bool
}

func newProgressPrinter(w io.Writer, quiet bool) *progressPrinter {
	f, ok := w.(*os.File)
	return &progressPrinter{w: w, quiet: quiet, tty: ok && term.IsTerminal(f.Fd()), start: time.Now()}
}

func (p *progressPrinter) event(e awspull.Event) {
	p.tally.Add(e)
	switch {
	case p.quiet:
	case p.tty:
		// Redraw at most ten times a second.
		if now := time.Now(); now.Sub(p.drawn) >= 100*time.Millisecond {
			p.drawn = now
			p.shown = true
			fmt.Fprint(p.w, "\r\x1b[2K"+p.line())
		}
	case e.Operation == awspull.OpAccount && e.Done:
		t := p.tally.Totals()
		what := "read"
		if e.Gap != nil {
			what = "not read (" + e.Gap.Code + ", see the warnings)"
		}
		fmt.Fprintf(p.w, "vpcscope: account %s %s, %.1fs: %d/%d accounts done\n", termsafe.String(e.Account), what,
			e.Elapsed.Seconds(), t.AccountsDone, t.AccountsTotal)
	case e.Done && e.Gap == nil && e.Calls > 0:
		// Gaps are printed once, as warnings, after the pull; per-parent
		// operations without parents made no call and say nothing.
		fmt.Fprintln(p.w, "vpcscope: "+termsafe.String(e.String()))
	}
}

// line is the live progress line.
func (p *progressPrinter) line() string {
	t := p.tally.Totals()
	s := fmt.Sprintf("pulling %s, %s: %d/%d operations done, %s, %s",
		count(t.Accounts, "account"), count(t.Regions, "region"), t.Done, t.Operations,
		count(t.Calls, "call"), count(t.Items, "item"))
	if t.AccountsTotal > 0 {
		s = fmt.Sprintf("pulling %d/%d accounts done, %s: %d/%d operations done, %s, %s",
			t.AccountsDone, t.AccountsTotal, count(t.Regions, "region"), t.Done, t.Operations,
			count(t.Calls, "call"), count(t.Items, "item"))
	}
	if t.Retries > 0 {
		s += ", " + count(t.Retries, "retry")
	}
	if t.Gaps > 0 {
		s += ", " + count(t.Gaps, "gap")
	}
	return s + fmt.Sprintf(" · %.1fs", time.Since(p.start).Seconds())
}

// clear removes the live line.
func (p *progressPrinter) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[2K")
		p.shown = false
	}
}

// summary prints what was pulled, from where, and how long it took.
func (p *progressPrinter) summary(snap *model.Snapshot) {
	t := p.tally.Totals()
	byAccount := map[string][]string{}
	var accounts []string
	for _, sc := range snap.Scopes {
		if byAccount[sc.Account] == nil {
			accounts = append(accounts, sc.Account)
		}
		byAccount[sc.Account] = append(byAccount[sc.Account], sc.Region)
	}
	where := make([]string, len(accounts))
	for i, a := range accounts {
		where[i] = a + " (" + strings.Join(byAccount[a], ", ") + ")"
	}
	n := 0
	for range snap.All() {
		n++
	}
	s := fmt.Sprintf("vpcscope: pulled %s: %s in %s", strings.Join(where, ", "), count(n, "resource"), count(t.Calls, "call"))
	if t.Retries > 0 {
		s += " (" + count(t.Retries, "retry") + ")"
	}
	s += fmt.Sprintf(", %.1fs", time.Since(p.start).Seconds())
	if len(snap.Gaps) > 0 {
		s += fmt.Sprintf("; %s not collected (warnings below)", count(len(snap.Gaps), "gap"))
	}
	fmt.Fprintln(p.w, termsafe.String(s))
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	if strings.HasSuffix(what, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(what, "y"))
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// gapWarnings renders gaps one per line, except that the gaps of one
// scope that share a code (a region that is not enabled, an endpoint that
// supports little, a policy without EC2) get one line between them.
func gapWarnings(gaps []model.Gap) []string {
	type key struct{ account, region, code string }
	groups := map[key][]model.Gap{}
	var order []key
	for _, g := range gaps {
		if g.Code == awspull.CodeNotRequested {
			continue
		}
		k := key{g.Account, g.Region, g.Code}
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], g)
	}
	var out []string
	for _, k := range order {
		gs := groups[k]
		if len(gs) < 4 {
			for _, g := range gs {
				out = append(out, g.String())
			}
			continue
		}
		var kinds, ops []string
		reason := gs[0].Reason
		for _, g := range gs {
			kinds = append(kinds, string(g.Kind))
			ops = append(ops, g.Operation)
			if g.Reason != reason {
				reason = ""
			}
		}
		slices.Sort(kinds)
		kinds = slices.Compact(kinds)
		if reason == "" {
			reason = "failed calls: " + strings.Join(ops, ", ")
		}
		out = append(out, fmt.Sprintf("%s not collected in %s (%d calls failed with %s): %s",
			strings.Join(kinds, ", "), model.Gap{Account: k.account, Region: k.region}.Where(), len(gs), k.code, reason))
	}
	return out
}

// newSnapshotCmd pulls the network from AWS and saves it.
func newSnapshotCmd(g *globalOptions, s streams) *cobra.Command {
	var out, update string
	var printPolicy bool
	var org orgFlags
	cmd := &cobra.Command{
		Use:   "snapshot",
		Short: "Pull the network from AWS and save it as a snapshot file",
		Long: `snapshot reads the network of one or more AWS accounts live — VPCs, subnets,
route tables, network ACLs, security groups, interfaces, instances, gateways,
peering, transit gateways, endpoints, prefix lists and load balancers — and
writes it atomically to a snapshot file that every command reads with
--snapshot.

Credentials and settings come from the AWS SDK's usual places: environment
variables, ~/.aws/config and ~/.aws/credentials, profiles with role_arn or
SSO, AWS_ENDPOINT_URL. A call the credentials may not make (or the endpoint
does not support) does not stop the pull: the snapshot records the gap, it
is printed as a warning, and answers that depend on it say so.
--print-policy prints the read-only IAM policy that allows every call.

--org pulls every account of an AWS organization, from the management or a
delegated administrator account: it lists the accounts (--ou: those under
an organizational unit), assumes --role-name in each other account (with
--external-id when the role's trust policy asks for one; the temporary
credentials stay in memory) and pulls each account's regions, a few
accounts at a time. An account whose role is missing or refuses, a
suspended account and a region that is not enabled are gaps, not errors.
--org --print-policy prints the caller's policy, the role's policy and the
role's trust policy.

--update FILE pulls only --accounts and replaces what FILE holds of them,
keeping the rest: a partial re-pull of an organization's snapshot.`,
		Example: `  vpcscope snapshot --profile prod --region us-east-1,eu-west-1 --out prod.json
  vpcscope snapshot --profile prod --profile shared-network --all-regions --out org.json
  AWS_PROFILE=dev AWS_REGION=us-west-2 vpcscope snapshot --out - > dev.json
  vpcscope snapshot --print-policy > vpcscope-policy.json
  vpcscope snapshot --org --role-name VpcscopeRead --all-regions --out org.json
  vpcscope snapshot --org --role-name VpcscopeRead --ou ou-ab12-34cd56ef --region us-east-1,eu-west-1 --out team.json
  vpcscope snapshot --org --role-name VpcscopeRead --all-regions --update org.json --accounts 111122223333
  vpcscope reach --profile prod --region us-east-1 --from web-1 --to db-1 --port 5432`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := org.check(update); err != nil {
				return err
			}
			if printPolicy {
				if org.org {
					return printOrgPolicy(s.out, org.opts.RoleName, org.opts.ExternalID)
				}
				_, err := fmt.Fprint(s.out, awspull.Policy())
				return err
			}
			if org.org {
				g.live.org = &org.opts
			}
			if err := g.checkOutput(); err != nil {
				return err
			}
			if g.demo || g.snapshot != "" {
				return usagef("snapshot pulls from AWS: drop --demo and --snapshot")
			}
			if update != "" {
				if cmd.Flags().Changed("out") {
					return usagef("--update writes the file it updates: drop --out")
				}
				out = update
			}
			if out == "" {
				return usagef("--out: want a file name, or - for standard output")
			}
			var held *model.Snapshot
			if update != "" {
				ro, err := g.readOptions()
				if err != nil {
					return err
				}
				if held, _, err = snapfile.Read(cmd.Context(), update, ro); err != nil {
					return fmt.Errorf("--update: %w", err)
				}
			}
			snap, notes, err := g.pullWithNotes(cmd.Context(), s, nil)
			if err != nil {
				return err
			}
			if held != nil {
				snap = snapfile.ReplaceAccounts(held, snap, org.accounts())
			}
			if _, err := g.validate(s, "live pull", snap); err != nil {
				return err
			}
			if out == "-" {
				return snapfile.Encode(s.out, snap)
			}
			if err := snapfile.Write(out, snap); err != nil {
				return err
			}
			return printWritten(s.out, g.output, out, snap, notes)
		},
	}
	cmd.Flags().StringVar(&out, "out", "vpcscope-snapshot.json", "file to write (atomically; a new file is 0600, an existing one keeps its mode, a symlink is written through), or - for standard output")
	cmd.Flags().BoolVar(&printPolicy, "print-policy", false, "print the read-only IAM policy a pull needs (with --org the caller's, the role's and its trust policy), and exit")
	cmd.Flags().StringVar(&update, "update", "", "pull only --accounts and replace what this snapshot file holds of them, keeping the rest")
	org.add(cmd.Flags())
	return cmd
}

// orgFlags are the flags of snapshot --org.
type orgFlags struct {
	org  bool
	opts awspull.OrgOptions
}

func (o *orgFlags) add(f *pflag.FlagSet) {
	f.BoolVar(&o.org, "org", false, "pull every account of the AWS organization the credentials manage (management or delegated administrator account)")
	f.StringVar(&o.opts.RoleName, "role-name", awspull.DefaultRoleName, "with --org, the IAM role to assume in each account")
	f.StringVar(&o.opts.ExternalID, "external-id", "", "with --org, the external ID the role's trust policy requires")
	f.StringSliceVar(&o.opts.Accounts, "accounts", nil, "with --org or --update, only these account IDs, comma-separated")
	f.StringSliceVar(&o.opts.ExcludeAccounts, "exclude-accounts", nil, "with --org, leave these account IDs out, comma-separated")
	f.StringVar(&o.opts.OU, "ou", "", "with --org, only the accounts under this organizational unit (ou-...) or root (r-...), nested units included")
	f.IntVar(&o.opts.AccountWorkers, "account-workers", awspull.DefaultAccountWorkers, "with --org, accounts pulled at once")
}

// check refuses org flags without --org, and --update without --accounts.
func (o *orgFlags) check(update string) error {
	if update != "" && len(o.opts.Accounts) == 0 {
		return usagef("--update: name the accounts to re-pull with --accounts")
	}
	if o.org {
		if o.opts.AccountWorkers < 1 || o.opts.AccountWorkers > maxWorkers {
			return usagef("--account-workers %d: want 1 to %d", o.opts.AccountWorkers, maxWorkers)
		}
		return nil
	}
	switch {
	case o.opts.RoleName != awspull.DefaultRoleName, o.opts.ExternalID != "", len(o.opts.ExcludeAccounts) > 0, o.opts.OU != "":
		return usagef("--role-name, --external-id, --exclude-accounts and --ou go with --org")
	case len(o.opts.Accounts) > 0 && update == "":
		return usagef("--accounts goes with --org or --update")
	}
	return nil
}

// accounts are the accounts an --update replaces.
func (o *orgFlags) accounts() []string { return o.opts.Accounts }

// printOrgPolicy prints the three policies of an organization pull, each
// after a comment line saying where it goes.
func printOrgPolicy(w io.Writer, role, externalID string) error {
	p := awspull.OrgPolicy(role, externalID, "")
	_, err := fmt.Fprintf(w, "// 1. The caller's permissions (the management or delegated administrator account):\n%s"+
		"// 2. The permissions of role %s in each member account:\n%s"+
		"// 3. The trust policy of that role (replace MANAGEMENT_ACCOUNT_ID):\n%s", p.Caller, role, p.Role, p.Trust)
	return err
}

// printWritten reports the snapshot file written, and with -o json the
// parts the pull dropped (notes).
func printWritten(w io.Writer, format, path string, snap *model.Snapshot, notes []awspull.Note) error {
	n := 0
	for range snap.All() {
		n++
	}
	if format == "json" {
		gaps := snap.Gaps
		if gaps == nil {
			gaps = []model.Gap{}
		}
		lines := make([]string, len(notes))
		for i, n := range notes {
			lines[i] = n.String()
		}
		return writeJSON(w, struct {
			File      string        `json:"file"`
			Scopes    []model.Scope `json:"scopes"`
			Resources int           `json:"resources"`
			Gaps      []model.Gap   `json:"gaps"`
			Notes     []string      `json:"notes"`
		}{path, snap.Scopes, n, gaps, lines})
	}
	_, err := fmt.Fprintf(w, "wrote %s: %s, %s\n", termsafe.String(path), count(n, "resource"), count(len(snap.Gaps), "gap"))
	return err
}
