package awspull

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/directconnect"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/networkfirewall"
	"github.com/aws/aws-sdk-go-v2/service/shield"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/awsjson"
)

// DefaultWorkers is how many calls Pull keeps in flight per account and
// region when Options.Workers is 0: well inside EC2's default request
// rate for describe calls, so throttling stays rare.
const DefaultWorkers = 8

// DefaultCallTimeout bounds each API call, its retries included, when
// Options.CallTimeout is 0. A throttled call backs off for about a minute
// on average over its ten attempts, so two minutes cut only calls that
// hang, not calls that wait their turn.
const DefaultCallTimeout = 2 * time.Minute

// DefaultResponseHeaderTimeout bounds how long one attempt of a call waits
// for the response headers when Options.ResponseHeaderTimeout is 0. AWS
// sends them once the whole answer is ready, within seconds even for a
// page of a thousand interfaces.
const DefaultResponseHeaderTimeout = 30 * time.Second

// Options say what to pull and how.
type Options struct {
	// Profiles are shared-config profiles, one account each; their
	// snapshots are merged. Empty means the default credential chain
	// (AWS_PROFILE, environment variables, ...).
	Profiles []string
	// Regions to pull. Empty means each profile's own region (AWS_REGION
	// or the profile's region setting).
	Regions []string
	// AllRegions pulls every region enabled for each account, as
	// DescribeRegions lists them. It excludes Regions.
	AllRegions bool
	// EndpointURL sends every call to this endpoint instead of AWS's,
	// like AWS_ENDPOINT_URL (which LoadDefaultConfig also reads).
	EndpointURL string
	// Workers bounds the calls in flight per account and region; 0 means
	// DefaultWorkers.
	Workers int
	// MaxAttempts is how many times a call is tried, retries included; 0
	// means DefaultMaxAttempts.
	MaxAttempts int
	// MaxBackoff caps the wait between retries; 0 means the SDK's (20s).
	MaxBackoff time.Duration
	// CallTimeout bounds each API call (each page of a listing), its
	// retries and their backoff included, from when the call gets a
	// worker slot; 0 means DefaultCallTimeout. A call that runs out of
	// time is a gap (CodeTimeout) and the pull goes on.
	CallTimeout time.Duration
	// ResponseHeaderTimeout bounds how long each attempt of a call waits
	// for the response headers once the request is sent; the SDK retries
	// an attempt that runs out, within CallTimeout. 0 means
	// DefaultResponseHeaderTimeout. It applies to the HTTP client Pull
	// builds, not to HTTPClient.
	ResponseHeaderTimeout time.Duration
	// Kinds limits the pull to these kinds; the others are recorded as
	// gaps (CodeNotRequested). Empty means every kind.
	Kinds []model.Kind
	// Tool is recorded as the snapshot's Tool (vpcscope's version).
	Tool string
	// HTTPClient, when set, sends the calls (tests, proxies), with its
	// own transport timeouts.
	HTTPClient *http.Client
	// Org, when set, pulls every account of the AWS organization that the
	// one profile (or the default credential chain) manages; see
	// OrgOptions.
	Org *OrgOptions
}

// Pull reads the network of every profile's account in the requested
// regions. progress, when not nil, receives an Event after each call and
// when each operation ends; it is called from one goroutine at a time and
// should return quickly.
//
// Failed calls become the snapshot's Gaps, not errors; a call that hangs
// fails when Options.CallTimeout runs out. An element of a page that holds
// a value the model refuses (a route whose destination is no CIDR block)
// is dropped alone and described by a Note; the rest of its page is kept,
// and a dropped resource is also a gap of its kind. Pull returns an error
// when it cannot start (no credentials, an unknown profile, no region, a
// setup call that times out), when ctx is canceled (promptly, with ctx's
// error wrapped), and when every call failed, saying why.
func Pull(ctx context.Context, opts Options, progress func(Event)) (*model.Snapshot, []Note, error) {
	if opts.AllRegions && len(opts.Regions) > 0 {
		return nil, nil, errors.New("choose regions or all regions, not both")
	}
	for _, r := range opts.Regions {
		if !awsjson.IsRegion(r) {
			return nil, nil, fmt.Errorf("%q is not an AWS region name (like us-east-1 or eu-west-2)", r)
		}
	}
	for _, k := range opts.Kinds {
		if !slices.Contains(model.Kinds(), k) {
			return nil, nil, fmt.Errorf("unknown kind %q", k)
		}
	}
	if opts.CallTimeout < 0 || opts.ResponseHeaderTimeout < 0 {
		return nil, nil, errors.New("timeouts must not be negative")
	}
	if opts.Org != nil {
		org, err := opts.Org.normalized(opts.Profiles)
		if err != nil {
			return nil, nil, err
		}
		opts.Org = &org
	}
	opts.Workers = cmp.Or(opts.Workers, DefaultWorkers)
	opts.MaxAttempts = cmp.Or(opts.MaxAttempts, DefaultMaxAttempts)
	opts.CallTimeout = cmp.Or(opts.CallTimeout, DefaultCallTimeout)
	opts.ResponseHeaderTimeout = cmp.Or(opts.ResponseHeaderTimeout, DefaultResponseHeaderTimeout)
	p := &puller{opts: opts, progress: progress, importer: awsjson.NewImporter(), start: time.Now(),
		pages: make(chan page, 1<<14)}
	// Decoding a page costs about as much CPU as reading its XML: half the
	// cores decode, so the page chains keep the other half and the pull
	// stays bound by round trips.
	for range max(runtime.GOMAXPROCS(0)/2, 1) {
		p.ingesting.Go(func() {
			for pg := range p.pages {
				for key, items := range pg.doc {
					if err := p.add(pg.u, key, items); err != nil {
						p.salvage(pg.u, key, items, err)
					}
				}
			}
		})
	}

	var err error
	if opts.Org != nil {
		err = p.pullOrg(ctx)
	} else {
		err = p.pullProfiles(ctx)
	}
	p.work.Wait()
	close(p.pages)
	p.ingesting.Wait()
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, nil, fmt.Errorf("pull canceled: %w", ctxErr)
	}
	if err != nil {
		return nil, nil, err
	}
	snap, err := p.snapshot()
	if err != nil {
		return nil, nil, err
	}
	return snap, p.sortedNotes(), nil
}

// pullProfiles starts the pull of every profile's account and regions.
func (p *puller) pullProfiles(ctx context.Context) error {
	accounts, err := p.setup(ctx)
	if err != nil {
		return err
	}
	for _, a := range accounts {
		for _, region := range a.regions {
			p.pullRegion(ctx, a, region)
		}
	}
	return nil
}

// puller is the state of one Pull.
type puller struct {
	opts     Options
	progress func(Event)
	importer *awsjson.Importer
	start    time.Time

	// work counts the regions' listings, ingesting the decoders.
	work, ingesting sync.WaitGroup
	// pages queues the pages to decode.
	pages chan page
	docs  atomic.Int64

	mu     sync.Mutex // guards gaps, notes, units and calls to progress
	gaps   map[string]model.Gap
	notes  []Note
	units  []*unit
	scopes []model.Scope
}

// emit sends an event to the progress callback, one at a time.
func (p *puller) emit(e Event) {
	if p.progress == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.progress(e)
}

// addGap records a gap once per scope, kind, operation and code.
func (p *puller) addGap(g model.Gap) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.gaps == nil {
		p.gaps = make(map[string]model.Gap)
	}
	k := strings.Join([]string{g.Account, g.Region, string(g.Kind), g.Operation, g.Code}, "\x00")
	if _, ok := p.gaps[k]; !ok {
		p.gaps[k] = g
	}
}

func (p *puller) wants(k model.Kind) bool {
	return len(p.opts.Kinds) == 0 || slices.Contains(p.opts.Kinds, k)
}

// account is one profile's account (or one member account of an
// organization), ready to pull.
type account struct {
	profile string
	id      string
	cfg     aws.Config
	regions []string
	// home is the region of the setup calls, partition the one of the
	// caller's ARN.
	home, partition string
}

// setup loads each profile's configuration and identity, concurrently.
func (p *puller) setup(ctx context.Context) ([]*account, error) {
	profiles := p.opts.Profiles
	if len(profiles) == 0 {
		profiles = []string{""}
	}
	out := make([]*account, len(profiles))
	errs := make([]error, len(profiles))
	var wg sync.WaitGroup
	for i, prof := range profiles {
		wg.Go(func() { out[i], errs[i] = p.setupProfile(ctx, prof) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	// Two profiles of one account (say, two roles) pull it once.
	seen := make(map[string]bool)
	accounts := out[:0]
	for _, a := range out {
		if !seen[a.id] {
			seen[a.id] = true
			accounts = append(accounts, a)
		}
	}
	return accounts, nil
}

func (p *puller) setupProfile(ctx context.Context, profile string) (*account, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer { return newRetryer(p.opts.MaxAttempts, p.opts.MaxBackoff) }),
		config.WithAPIOptions([]func(*middleware.Stack) error{addErrorBodyMiddleware}),
		// The SDK's own log lines (a response body it could not drain
		// after a timeout, ...) would break the one-line warnings: what
		// went wrong is in the gaps.
		config.WithLogger(logging.Nop{}),
	}
	if profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
	}
	if p.opts.EndpointURL != "" {
		opts = append(opts, config.WithBaseEndpoint(p.opts.EndpointURL))
	}
	if p.opts.HTTPClient != nil {
		opts = append(opts, config.WithHTTPClient(p.opts.HTTPClient))
	} else {
		opts = append(opts, config.WithHTTPClient(awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			tr.ResponseHeaderTimeout = p.opts.ResponseHeaderTimeout
		})))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, setupError(profile, "load the AWS configuration", err)
	}
	home := cfg.Region
	if home == "" && len(p.opts.Regions) == 0 {
		if !p.opts.AllRegions {
			who := "the default profile"
			if profile != "" {
				who = "profile " + profile
			}
			return nil, fmt.Errorf("no AWS region for %s: pass --region, set AWS_REGION, or add a region to the profile", who)
		}
		home = "us-east-1"
	}
	if home == "" {
		home = p.opts.Regions[0]
	}
	a := &account{profile: profile, cfg: cfg}

	s := &setupStep{p: p, region: home, op: "GetCallerIdentity", action: "sts:GetCallerIdentity", start: time.Now()}
	id, err := setupCall(ctx, s, func(ctx context.Context) (*sts.GetCallerIdentityOutput, error) {
		return sts.NewFromConfig(cfg, func(o *sts.Options) { o.Region = home }).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	})
	if err != nil {
		return nil, setupError(profile, "STS GetCallerIdentity", err)
	}
	a.id = aws.ToString(id.Account)
	if a.id == "" {
		return nil, setupError(profile, "STS GetCallerIdentity", errors.New("the answer names no account"))
	}
	a.home, a.partition = home, arnPartition(aws.ToString(id.Arn))
	s.account = a.id
	s.items = 1
	s.done()
	if a.regions, err = p.regionsOf(ctx, a); err != nil {
		return nil, setupError(profile, "EC2 DescribeRegions (for --all-regions)", err)
	}
	return a, nil
}

// regionsOf returns the regions to pull in an account: every region
// enabled for it (DescribeRegions) with Options.AllRegions, else
// Options.Regions, else its home region.
func (p *puller) regionsOf(ctx context.Context, a *account) ([]string, error) {
	switch {
	case p.opts.AllRegions:
		s := &setupStep{p: p, account: a.id, region: a.home, op: "DescribeRegions", action: "ec2:DescribeRegions", start: time.Now()}
		out, err := setupCall(ctx, s, func(ctx context.Context) (*ec2.DescribeRegionsOutput, error) {
			return ec2.NewFromConfig(a.cfg, func(o *ec2.Options) { o.Region = a.home }).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
		})
		if err != nil {
			return nil, err
		}
		var regions []string
		for _, r := range out.Regions {
			if name := aws.ToString(r.RegionName); name != "" {
				regions = append(regions, name)
			}
		}
		slices.Sort(regions)
		s.items = len(regions)
		s.done()
		return regions, nil
	case len(p.opts.Regions) > 0:
		return slices.Compact(slices.Sorted(slices.Values(p.opts.Regions))), nil
	}
	return []string{a.home}, nil
}

// arnPartition returns the partition of an ARN (aws, aws-cn,
// aws-us-gov), or aws.
func arnPartition(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) == 3 && parts[0] == "arn" && parts[1] != "" {
		return parts[1]
	}
	return "aws"
}

// setupStep is the progress of a setup call.
type setupStep struct {
	p                           *puller
	account, region, op, action string
	start                       time.Time
	calls, items, retries       int
}

func (s *setupStep) done() {
	s.p.emit(Event{Account: s.account, Region: s.region, Operation: s.op, Calls: s.calls, Items: s.items,
		Retries: s.retries, Elapsed: time.Since(s.start), Done: true})
}

func setupCall[Out any](ctx context.Context, s *setupStep, f func(context.Context) (*Out, error)) (*Out, error) {
	out, retries, err := invoke(ctx, &s.p.opts, s.action, f)
	s.calls++
	s.retries += retries
	return out, err
}

// errCallTimeout is the cause of a call's context when Options.CallTimeout
// runs out.
var errCallTimeout = errors.New("the call timed out")

// invoke makes one API call of action (e.g. ec2:DescribeVpcs), retries
// included, within opts.CallTimeout, and returns its answer and how many
// retries it took. A call that runs out of time (the whole call, or each
// attempt waiting for response headers) fails with a *timeoutError; an
// error answer the SDK could not read is explained from its raw body.
func invoke[Out any](ctx context.Context, opts *Options, action string, f func(context.Context) (*Out, error)) (*Out, int, error) {
	var retries atomic.Int64
	var body errorBody
	cctx, cancel := context.WithTimeoutCause(ctx, opts.CallTimeout, errCallTimeout)
	defer cancel()
	out, err := f(withErrorBody(withRetryCounter(cctx, &retries), &body))
	n := int(retries.Load())
	if err != nil && ctx.Err() == nil {
		switch {
		case errors.Is(context.Cause(cctx), errCallTimeout):
			return nil, n, &timeoutError{action: action, limit: opts.CallTimeout, attempts: n + 1, err: err}
		case isHeaderTimeout(err):
			return nil, n, &timeoutError{action: action, limit: opts.ResponseHeaderTimeout, headers: true, attempts: n + 1, err: err}
		}
	}
	return out, n, body.explain(err)
}

// regionRun is the pull of one account in one region.
type regionRun struct {
	p       *puller
	account string
	region  string
	ec2     *ec2.Client
	elb     *elbv2.Client
	nfw     *networkfirewall.Client
	dx      *directconnect.Client
	waf     *wafv2.Client
	shield  *shield.Client
	lim     *limiter

	// ctx ends when the pull is canceled or the region refuses calls.
	ctx    context.Context
	cancel context.CancelFunc
	parent context.Context

	// wg counts the region's listings and per-parent calls.
	wg sync.WaitGroup

	mu       sync.Mutex
	disabled *failure
}

// pullRegion starts every listing of one account and region; its wg
// counts them.
func (p *puller) pullRegion(ctx context.Context, a *account, region string) *regionRun {
	r := &regionRun{
		p: p, account: a.id, region: region, parent: ctx, lim: newLimiter(p.opts.Workers),
		ec2: ec2.NewFromConfig(a.cfg, func(o *ec2.Options) { o.Region = region }),
		elb: elbv2.NewFromConfig(a.cfg, func(o *elbv2.Options) { o.Region = region }),
		nfw: networkfirewall.NewFromConfig(a.cfg, func(o *networkfirewall.Options) { o.Region = region }),
		dx:  directconnect.NewFromConfig(a.cfg, func(o *directconnect.Options) { o.Region = region }),
		waf: wafv2.NewFromConfig(a.cfg, func(o *wafv2.Options) { o.Region = region }),
		// Shield's API is global and answers in us-east-1 only.
		shield: shield.NewFromConfig(a.cfg, func(o *shield.Options) { o.Region = "us-east-1" }),
	}
	r.ctx, r.cancel = context.WithCancel(ctx)
	p.mu.Lock()
	p.scopes = append(p.scopes, model.Scope{Account: a.id, Region: region})
	p.mu.Unlock()
	for _, t := range tasks {
		if !p.wants(t.kind) {
			p.addGap(model.Gap{Account: a.id, Region: region, Kind: t.kind, Operation: t.name, Code: CodeNotRequested,
				Reason: "left out of this pull"})
			continue
		}
		tr := &taskRun{r: r, u: r.newUnit(t.op), kids: make(map[string]*unit)}
		for _, c := range t.children {
			tr.kids[c.name] = r.newUnit(c)
		}
		r.wg.Go(func() {
			err := t.run(r.ctx, tr)
			tr.u.release(err)
			for _, k := range tr.kids {
				if k.kind != t.kind {
					k.parentFailed(tr.u)
				}
				k.release(nil)
			}
		})
	}
	p.work.Go(func() {
		r.wg.Wait()
		r.cancel()
		r.gapListedBeforeRefusal()
	})
	return r
}

// gapListedBeforeRefusal records, once a region has refused calls (it is
// not enabled for the account), the refusal as the gap of every listing of
// the region that ended before the refusal came back: a region that is not
// enabled holds nothing the pull can vouch for, and which listings had
// ended by then is a matter of timing, so every kind of the region is a gap
// with the same reason.
func (r *regionRun) gapListedBeforeRefusal() {
	r.mu.Lock()
	disabled := r.disabled
	r.mu.Unlock()
	if disabled == nil {
		return
	}
	r.p.mu.Lock()
	var mine []*unit
	for _, u := range r.p.units {
		if u.r == r {
			mine = append(mine, u)
		}
	}
	r.p.mu.Unlock()
	for _, u := range mine {
		u.mu.Lock()
		if u.failed == nil {
			u.failed = disabled
		}
		g := u.gap()
		u.mu.Unlock()
		r.p.addGap(*g)
	}
}

// fail classifies a failed call of u. A region that refuses calls is
// switched off: its other calls stop and report the same reason.
func (r *regionRun) fail(u *unit, err error) *failure {
	f := classify(u.action(), err)
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case f.class == failRegion:
		if r.disabled == nil {
			r.disabled = &f
			r.cancel()
		}
		return r.disabled
	case f.class == failCanceled && r.parent.Err() == nil && r.disabled != nil:
		return r.disabled
	case f.class == failCanceled:
		return nil
	}
	return &f
}

// unit is the progress of one operation in one account and region.
type unit struct {
	op
	r *regionRun

	mu                    sync.Mutex
	calls, items, retries int
	holds                 int
	start                 time.Time
	failed                *failure
}

// newUnit returns a unit held once, until its listing ends.
func (r *regionRun) newUnit(o op) *unit {
	u := &unit{op: o, r: r, holds: 1}
	r.p.mu.Lock()
	r.p.units = append(r.p.units, u)
	r.p.mu.Unlock()
	return u
}

// event renders the unit's progress; the caller holds u.mu.
func (u *unit) event() Event {
	e := Event{Account: u.r.account, Region: u.r.region, Kind: u.kind, Operation: u.name,
		Calls: u.calls, Items: u.items, Retries: u.retries, Done: u.holds == 0}
	if !u.start.IsZero() {
		e.Elapsed = time.Since(u.start)
	}
	if u.failed != nil && e.Done {
		e.Gap = u.gap()
	}
	return e
}

func (u *unit) gap() *model.Gap {
	return &model.Gap{Account: u.r.account, Region: u.r.region, Kind: u.kind, Operation: u.name,
		Code: u.failed.code, Reason: u.failed.reason}
}

// hold keeps the unit open for one more piece of work.
func (u *unit) hold() {
	u.mu.Lock()
	u.holds++
	u.mu.Unlock()
}

// release ends one piece of work, which failed with err (or not); the
// unit is done when the last one ends.
func (u *unit) release(err error) {
	var f *failure
	if err != nil {
		f = u.r.fail(u, err)
	}
	u.mu.Lock()
	if f != nil && u.failed == nil {
		u.failed = f
	}
	u.holds--
	done := u.holds == 0
	e := u.event()
	u.mu.Unlock()
	if done && e.Gap != nil {
		u.r.p.addGap(*e.Gap)
	}
	if done {
		u.r.p.emit(e)
	}
}

// parentFailed records, for a per-parent operation of another kind than
// its listing (Direct Connect gateway associations), that the listing
// failed: its kind was not collected either.
func (u *unit) parentFailed(parent *unit) {
	parent.mu.Lock()
	pf := parent.failed
	parent.mu.Unlock()
	if pf == nil {
		return
	}
	u.mu.Lock()
	if u.failed == nil && u.calls == 0 {
		u.failed = &failure{class: pf.class, code: pf.code, reason: fmt.Sprintf("not listed: %s failed: %s", parent.name, pf.reason)}
	}
	u.mu.Unlock()
}

// begin notes when the unit's first call starts.
func (u *unit) begin() {
	u.mu.Lock()
	if u.start.IsZero() {
		u.start = time.Now()
	}
	u.mu.Unlock()
}

// counted records a call and its retries.
func (u *unit) counted(retries int) {
	u.mu.Lock()
	u.calls++
	u.retries += retries
	u.mu.Unlock()
}

// add records a page of n items and hands it to the importer as the
// document {key: items}.
func (u *unit) add(key string, items any, n int) error {
	u.mu.Lock()
	u.items += n
	e := u.event()
	u.mu.Unlock()
	u.r.p.emit(e)
	u.r.p.ingest(u, map[string]any{key: items})
	return nil
}

// page is a page waiting to be decoded.
type page struct {
	u   *unit
	doc map[string]any
}

// ingest queues a page for decoding, so the next page is requested while
// this one is decoded.
func (p *puller) ingest(u *unit, doc map[string]any) {
	p.pages <- page{u, doc}
}

// add hands {key: items} to the importer.
func (p *puller) add(u *unit, key string, items any) error {
	name := fmt.Sprintf("%s/%s/%s/%s-%08d.json", u.r.account, u.r.region, u.kind, u.name, p.docs.Add(1))
	data, err := json.Marshal(map[string]any{key: items})
	if err != nil {
		return err
	}
	return p.importer.AddDocument(u.r.account, u.r.region, name, data)
}

// taskRun is a running listing and the units of the calls it makes per
// parent.
type taskRun struct {
	r    *regionRun
	u    *unit
	kids map[string]*unit
}

// spawn runs fn as a call of the child operation name, in the background.
func (t *taskRun) spawn(name string, fn func(ctx context.Context, u *unit) error) {
	k := t.kids[name]
	k.hold()
	t.r.wg.Go(func() { k.release(fn(t.r.ctx, k)) })
}

// call makes one API call once a worker slot is free; urgent calls (the
// next page of a listing under way) go first.
func call[Out any](ctx context.Context, u *unit, urgent bool, f func(context.Context) (*Out, error)) (*Out, error) {
	if err := u.r.lim.acquire(ctx, urgent); err != nil {
		return nil, err
	}
	u.begin()
	out, retries, err := invoke(ctx, &u.r.p.opts, u.action(), f)
	u.r.lim.release()
	u.counted(retries)
	return out, err
}

// once makes a call that is not paginated and hands its answer to use.
func once[Out any](ctx context.Context, u *unit, f func(context.Context) (*Out, error), use func(*Out) error) error {
	out, err := call(ctx, u, false, f)
	if err != nil {
		return err
	}
	return use(out)
}

// pages runs a paginator to its end, handing each page to use.
func pages[Out, O any](ctx context.Context, u *unit, more func() bool,
	next func(context.Context, ...func(*O)) (*Out, error), use func(*Out) error) error {
	for first := true; more(); first = false {
		out, err := call(ctx, u, !first, func(ctx context.Context) (*Out, error) { return next(ctx) })
		if err != nil {
			return err
		}
		if err := use(out); err != nil {
			return err
		}
	}
	return nil
}

// snapshot assembles the pulled snapshot, or says why there is none.
func (p *puller) snapshot() (*model.Snapshot, error) {
	snap, _ := p.importer.Snapshot()
	snap.Source = "aws"
	snap.TakenAt = p.start.UTC().Truncate(time.Second)
	snap.Tool = p.opts.Tool
	snap.Scopes = slices.Clone(p.scopes)
	p.droppedResourceGaps()
	slices.SortFunc(snap.Scopes, func(a, b model.Scope) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region))
	})
	for _, g := range p.gaps {
		snap.Gaps = append(snap.Gaps, g)
	}
	slices.SortFunc(snap.Gaps, func(a, b model.Gap) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Operation, b.Operation), cmp.Compare(a.Code, b.Code))
	})
	if err := p.allFailed(); err != nil {
		return nil, err
	}
	return snap, nil
}

// allFailed returns an error when no listing succeeded, naming the most
// common reason.
func (p *puller) allFailed() error {
	counts := make(map[string]int)
	first := make(map[string]*failure)
	for _, u := range p.units {
		if u.failed == nil {
			if u.calls > 0 {
				return nil
			}
			continue
		}
		counts[u.failed.code]++
		if first[u.failed.code] == nil {
			first[u.failed.code] = u.failed
		}
	}
	if len(counts) == 0 {
		return nil
	}
	best := ""
	for c, n := range counts {
		if best == "" || n > counts[best] || (n == counts[best] && c < best) {
			best = c
		}
	}
	return fmt.Errorf("every AWS call failed; most with %s: %s", best, first[best].reason)
}
