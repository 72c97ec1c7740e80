package awspull

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/vpcscope/vpcscope/model"
)

// DefaultRoleName is the role an organization pull assumes in each member
// account when OrgOptions.RoleName is empty: the one AWS Organizations
// creates in every account it creates.
const DefaultRoleName = "OrganizationAccountAccessRole"

// DefaultAccountWorkers is how many accounts an organization pull reads
// at once when OrgOptions.AccountWorkers is 0. Each account's regions are
// read together, each within Options.Workers calls in flight: AWS
// throttles per account and region, so accounts add throughput, and this
// bound keeps the connections and memory of a thousand-account
// organization in check.
const DefaultAccountWorkers = 8

// Operations of an organization pull that are not model kinds, as
// Events name them.
const (
	// OpAccounts is the event sent once the organization's accounts are
	// listed and selected: Items is how many accounts will be pulled.
	OpAccounts = "SelectAccounts"
	// OpAccount is the event that ends one account's pull (Done), with
	// Gap set when the account could not be read at all.
	OpAccount = "PullAccount"
)

// Gap codes of an organization pull that are not AWS error codes.
const (
	// CodeAccountNotActive: the organization lists the account as
	// suspended or closing; AWS refuses its calls.
	CodeAccountNotActive = "AccountNotActive"
	// CodeNotInOrganization: an account asked for is not listed (in the
	// organization, or under the organizational unit).
	CodeNotInOrganization = "NotInOrganization"
)

// OrgOptions make Pull read every account of an AWS organization: it
// lists the accounts from the management or a delegated administrator
// account (the profile's credentials), assumes RoleName in each other
// account (the calling account is read with its own credentials), and
// pulls each account's regions. An account whose role is missing or
// refuses the caller, a suspended account and a region not enabled are
// gaps, never errors.
type OrgOptions struct {
	// RoleName is the IAM role to assume in each member account (a name,
	// optionally with its path: "audit/vpcscope"); empty means
	// DefaultRoleName.
	RoleName string
	// ExternalID is passed to every AssumeRole call, for roles whose
	// trust policy requires one.
	ExternalID string
	// Accounts, when set, pulls only these account IDs;
	// ExcludeAccounts leaves these out. At most one of them.
	Accounts, ExcludeAccounts []string
	// OU, when set, pulls only the accounts under this organizational
	// unit (ou-...) or root (r-...), nested units included.
	OU string
	// AccountWorkers bounds the accounts read at once; 0 means
	// DefaultAccountWorkers.
	AccountWorkers int
}

var (
	accountIDRE = regexp.MustCompile(`^[0-9]{12}$`)
	parentIDRE  = regexp.MustCompile(`^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$`)
	roleNameRE  = regexp.MustCompile(`^([\w+=,.@-]+/)*[\w+=,.@-]{1,64}$`)
	externalRE  = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
)

// normalized checks the options and fills in the defaults.
func (o OrgOptions) normalized(profiles []string) (OrgOptions, error) {
	if len(profiles) > 1 {
		return o, errors.New("an organization pull uses one profile, the management or delegated administrator account's: drop the other --profile flags")
	}
	if len(o.Accounts) > 0 && len(o.ExcludeAccounts) > 0 {
		return o, errors.New("choose the accounts to pull or the accounts to leave out, not both")
	}
	for _, id := range append(slices.Clone(o.Accounts), o.ExcludeAccounts...) {
		if !accountIDRE.MatchString(id) {
			return o, fmt.Errorf("%q is not an AWS account ID (12 digits)", id)
		}
	}
	if o.OU != "" && !parentIDRE.MatchString(o.OU) {
		return o, fmt.Errorf("%q is not an organizational unit (ou-xxxx-xxxxxxxx) or root (r-xxxx) ID", o.OU)
	}
	o.RoleName = orDefault(o.RoleName, DefaultRoleName)
	if !roleNameRE.MatchString(o.RoleName) {
		return o, fmt.Errorf("%q is not an IAM role name", o.RoleName)
	}
	if o.ExternalID != "" && (len(o.ExternalID) < 2 || len(o.ExternalID) > 1224 || !externalRE.MatchString(o.ExternalID)) {
		return o, errors.New("the external ID must be 2 to 1224 letters, digits or +=,.@:/- characters")
	}
	if o.AccountWorkers < 0 {
		return o, errors.New("the accounts read at once must not be negative")
	}
	o.AccountWorkers = orDefault(o.AccountWorkers, DefaultAccountWorkers)
	return o, nil
}

func orDefault[T comparable](a, b T) T {
	var zero T
	if a != zero {
		return a
	}
	return b
}

// orgAccount is an account the organization lists.
type orgAccount struct {
	id, name, status string
}

// pullOrg lists the organization's accounts and pulls the selected ones,
// AccountWorkers at a time. It returns an error when the organization
// cannot be listed or no account could be read.
func (p *puller) pullOrg(ctx context.Context) error {
	profile := ""
	if len(p.opts.Profiles) == 1 {
		profile = p.opts.Profiles[0]
	}
	caller, err := p.setupProfile(ctx, profile)
	if err != nil {
		return err
	}
	members, err := p.listMembers(ctx, caller)
	if err != nil {
		return err
	}
	pull := p.selectMembers(members)
	p.emit(Event{Operation: OpAccounts, Items: len(pull), Done: true})

	session := "vpcscope-" + p.start.UTC().Format("20060102T150405Z")
	slots := make(chan struct{}, p.opts.Org.AccountWorkers)
	var wg sync.WaitGroup
	var mu sync.Mutex
	read := 0
	for _, m := range pull {
		wg.Go(func() {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-slots }()
			if p.pullMember(ctx, caller, m, session) {
				mu.Lock()
				read++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if ctx.Err() != nil || read > 0 || len(pull) == 0 {
		return nil
	}
	return p.noAccountRead()
}

// noAccountRead explains an organization pull that read no account,
// naming the most common reason.
func (p *puller) noAccountRead() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	counts := map[string]int{}
	first := map[string]model.Gap{}
	for _, g := range p.gaps {
		k := g.Operation + " " + g.Code
		if _, ok := first[k]; !ok || g.Account < first[k].Account {
			first[k] = g
		}
		counts[k]++
	}
	best := ""
	for k, n := range counts {
		if best == "" || n > counts[best] || (n == counts[best] && k < best) {
			best = k
		}
	}
	g := first[best]
	return fmt.Errorf("no account of the organization could be read; most failed at %s (%s): %s", g.Operation, g.Code, g.Reason)
}

// listMembers lists the organization's accounts (ListAccounts, or under
// OrgOptions.OU ListAccountsForParent and ListOrganizationalUnitsForParent
// down the tree), sorted by ID.
func (p *puller) listMembers(ctx context.Context, caller *account) ([]orgAccount, error) {
	client := organizations.NewFromConfig(caller.cfg, func(o *organizations.Options) { o.Region = caller.home })
	var out []orgAccount
	add := func(as []orgtypes.Account) {
		for _, a := range as {
			status := string(a.State)
			if status == "" {
				status = string(a.Status)
			}
			out = append(out, orgAccount{id: aws.ToString(a.Id), name: aws.ToString(a.Name), status: status})
		}
	}
	step := func(op string) *setupStep {
		return &setupStep{p: p, account: caller.id, region: caller.home, op: op, action: "organizations:" + op, start: time.Now()}
	}
	fail := func(op string, err error) error {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("pull canceled: %w", err)
		}
		msg := fmt.Sprintf("list the organization's accounts (Organizations %s)", op)
		switch code := errorCode(err); code {
		case "AWSOrganizationsNotInUseException":
			return &setupErr{fmt.Sprintf("account %s is in no organization (%s): run --org with the management or a delegated administrator account's credentials", caller.id, code), err}
		case "AccessDeniedException", "AccessDenied":
			return &setupErr{fmt.Sprintf("account %s may not %s (%s): use the management or a delegated administrator account, allowed organizations:%s (vpcscope snapshot --org --print-policy)", caller.id, msg, code, op), err}
		}
		return setupError(caller.profile, msg, err)
	}
	if p.opts.Org.OU == "" {
		s := step("ListAccounts")
		pg := organizations.NewListAccountsPaginator(client, &organizations.ListAccountsInput{})
		for pg.HasMorePages() {
			page, err := setupCall(ctx, s, func(ctx context.Context) (*organizations.ListAccountsOutput, error) { return pg.NextPage(ctx) })
			if err != nil {
				return nil, fail(s.op, err)
			}
			add(page.Accounts)
			s.items += len(page.Accounts)
		}
		s.done()
	} else {
		accounts, units := step("ListAccountsForParent"), step("ListOrganizationalUnitsForParent")
		for queue := []string{p.opts.Org.OU}; len(queue) > 0; queue = queue[1:] {
			parent := queue[0]
			pg := organizations.NewListAccountsForParentPaginator(client, &organizations.ListAccountsForParentInput{ParentId: aws.String(parent)})
			for pg.HasMorePages() {
				page, err := setupCall(ctx, accounts, func(ctx context.Context) (*organizations.ListAccountsForParentOutput, error) { return pg.NextPage(ctx) })
				if err != nil {
					return nil, fail(accounts.op, err)
				}
				add(page.Accounts)
				accounts.items += len(page.Accounts)
			}
			ou := organizations.NewListOrganizationalUnitsForParentPaginator(client, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent)})
			for ou.HasMorePages() {
				page, err := setupCall(ctx, units, func(ctx context.Context) (*organizations.ListOrganizationalUnitsForParentOutput, error) {
					return ou.NextPage(ctx)
				})
				if err != nil {
					return nil, fail(units.op, err)
				}
				for _, u := range page.OrganizationalUnits {
					queue = append(queue, aws.ToString(u.Id))
				}
				units.items += len(page.OrganizationalUnits)
			}
		}
		accounts.done()
		units.done()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	out = slices.CompactFunc(out, func(a, b orgAccount) bool { return a.id == b.id })
	return out, nil
}

// selectMembers returns the members to pull, recording as gaps the
// accounts asked for that the organization does not list and the
// accounts that are not active.
func (p *puller) selectMembers(members []orgAccount) []orgAccount {
	o := p.opts.Org
	listed := map[string]bool{}
	var out []orgAccount
	for _, m := range members {
		listed[m.id] = true
		switch {
		case len(o.Accounts) > 0 && !slices.Contains(o.Accounts, m.id), slices.Contains(o.ExcludeAccounts, m.id):
		case m.status != "" && m.status != string(orgtypes.AccountStateActive):
			p.accountGap(m.id, "ListAccounts", CodeAccountNotActive,
				fmt.Sprintf("the organization lists account %s (%s) as %s: AWS refuses its calls", m.id, m.name, m.status))
		default:
			out = append(out, m)
		}
	}
	where := "in the organization"
	if o.OU != "" {
		where = "under " + o.OU
	}
	for _, id := range o.Accounts {
		if !listed[id] {
			p.accountGap(id, "ListAccounts", CodeNotInOrganization, "account "+id+" is not "+where+": check the ID")
		}
	}
	return out
}

// accountGap records that no kind of account could be collected, in any
// region.
func (p *puller) accountGap(id, op, code, reason string) {
	for _, k := range model.Kinds() {
		if p.wants(k) {
			p.addGap(model.Gap{Account: id, Kind: k, Operation: op, Code: code, Reason: reason})
		}
	}
}

// pullMember pulls one member account: it assumes the role (unless the
// member is the caller's own account), finds its regions and pulls them,
// returning once they are done. It reports whether the account could be
// read; an account that could not is a gap.
func (p *puller) pullMember(ctx context.Context, caller *account, m orgAccount, session string) bool {
	start := time.Now()
	a := &account{profile: caller.profile, id: m.id, cfg: caller.cfg, home: caller.home, partition: caller.partition}
	end := func(gap *model.Gap) {
		p.emit(Event{Account: m.id, Operation: OpAccount, Done: true, Elapsed: time.Since(start), Gap: gap})
	}
	failed := func(op, action string, err error) bool {
		if ctx.Err() != nil {
			return false
		}
		f := classify(action, err)
		if op == "AssumeRole" {
			f.reason = assumeRoleReason(f, roleARN(a.partition, m.id, p.opts.Org.RoleName))
		}
		p.accountGap(m.id, op, f.code, f.reason)
		end(&model.Gap{Account: m.id, Kind: model.KindVPC, Operation: op, Code: f.code, Reason: f.reason})
		return false
	}
	if m.id != caller.id {
		arn := roleARN(a.partition, m.id, p.opts.Org.RoleName)
		client := sts.NewFromConfig(caller.cfg, func(o *sts.Options) { o.Region = caller.home })
		creds := aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(client, arn, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = session
			if p.opts.Org.ExternalID != "" {
				o.ExternalID = aws.String(p.opts.Org.ExternalID)
			}
		}))
		a.cfg = caller.cfg.Copy()
		a.cfg.Credentials = creds
		// Assume the role now: an account whose role is missing is then
		// one gap, not a refusal of every call in every region.
		s := &setupStep{p: p, account: m.id, region: caller.home, op: "AssumeRole", action: "sts:AssumeRole", start: time.Now()}
		if _, err := setupCall(ctx, s, func(ctx context.Context) (*aws.Credentials, error) {
			c, err := creds.Retrieve(ctx)
			return &c, err
		}); err != nil {
			return failed("AssumeRole", "sts:AssumeRole", err)
		}
		s.items = 1
		s.done()
	}
	regions, err := p.regionsOf(ctx, a)
	if err != nil {
		return failed("DescribeRegions", "ec2:DescribeRegions", err)
	}
	runs := make([]*regionRun, 0, len(regions))
	for _, r := range regions {
		runs = append(runs, p.pullRegion(ctx, a, r))
	}
	for _, r := range runs {
		r.wg.Wait()
	}
	end(nil)
	return true
}

// roleARN is the ARN of the role name (with its path, if any) in account.
func roleARN(partition, account, name string) string {
	return "arn:" + partition + ":iam::" + account + ":role/" + name
}

// assumeRoleReason explains a failed AssumeRole in one line.
func assumeRoleReason(f failure, arn string) string {
	if deniedCodes[f.code] {
		return "could not assume " + arn + ": the role is missing, or its trust policy does not let the caller assume it (with the external ID, if one is required); create it with the role policy of vpcscope snapshot --org --print-policy"
	}
	return "could not assume " + arn + ": " + strings.TrimPrefix(f.reason, "not allowed: ")
}
