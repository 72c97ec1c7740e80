package awspull

import (
	"context"
	"errors"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/awspull/fakeaws"
	"github.com/vpcscope/vpcscope/reach"
)

const (
	acct   = "111122223333"
	region = "us-east-1"
)

// serve starts a fake endpoint for a fixture.
func serve(t *testing.T, fixture string) (*fakeaws.Server, *model.Snapshot) {
	t.Helper()
	want, err := fixtures.Load(fixture)
	if err != nil {
		t.Fatal(err)
	}
	srv := fakeaws.New(want)
	t.Cleanup(srv.Close)
	return srv, want
}

// fast makes retries quick.
func fast(o *Options) { o.MaxBackoff = 5 * time.Millisecond }

// sameResources fails unless got holds want's resources.
func sameResources(t *testing.T, got, want *model.Snapshot) {
	t.Helper()
	dropDerivedNodeAddresses(got, want)
	gj, wj := kindsJSON(t, got), kindsJSON(t, want)
	for _, k := range model.Kinds() {
		if gj[k] != wj[k] {
			t.Errorf("%s differs: %s", k, firstDiff(wj[k], gj[k]))
		}
	}
}

// last returns the last event of an operation.
func last(events []Event, op string) Event {
	var out Event
	for _, e := range events {
		if e.Operation == op {
			out = e
		}
	}
	return out
}

func TestPagesFollowNextToken(t *testing.T) {
	t.Parallel()
	srv, want := serve(t, "hub-and-spoke")
	srv.SetPageSize(2)
	got, events, err := pullFrom(t, context.Background(), srv, []string{acct}, []string{region}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameResources(t, got, want)
	// 17 subnets, 2 a page: 9 calls; 3 TGW route tables' routes too.
	if e := last(events, "DescribeSubnets"); e.Calls != 9 || e.Items != 17 || !e.Done {
		t.Errorf("DescribeSubnets: %+v", e)
	}
	if n := srv.Calls()["ec2:DescribeSubnets"]; n != 9 {
		t.Errorf("server saw %d DescribeSubnets calls, want 9", n)
	}
	var routes int
	for _, rt := range want.TGWRouteTables {
		routes += (len(rt.Routes) + 1) / 2
	}
	if e := last(events, "SearchTransitGatewayRoutes"); e.Calls != routes {
		t.Errorf("SearchTransitGatewayRoutes: %d calls, want %d", e.Calls, routes)
	}
}

func TestThrottlingIsRetried(t *testing.T) {
	t.Parallel()
	srv, want := serve(t, "three-tier")
	srv.AddFault(fakeaws.Fault{Action: "DescribeSecurityGroups", Code: "RequestLimitExceeded", Status: 503, Times: 2})
	srv.AddFault(fakeaws.Fault{Action: "DescribeLoadBalancers", Code: "Throttling", Status: 400, Times: 1})
	got, events, err := pullFrom(t, context.Background(), srv, []string{acct}, []string{region}, fast)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Gaps) > 0 {
		t.Errorf("gaps: %v", got.Gaps)
	}
	sameResources(t, got, want)
	if e := last(events, "DescribeSecurityGroups"); e.Retries != 2 || e.Calls != 1 {
		t.Errorf("DescribeSecurityGroups: %+v, want 1 call with 2 retries", e)
	}
	if e := last(events, "DescribeLoadBalancers"); e.Retries != 1 {
		t.Errorf("DescribeLoadBalancers: %+v, want 1 retry", e)
	}
}

func TestThrottlingPastTheRetries(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, "three-tier")
	srv.AddFault(fakeaws.Fault{Action: "DescribeRouteTables", Code: "RequestLimitExceeded", Status: 503})
	got, _, err := pullFrom(t, context.Background(), srv, []string{acct}, []string{region}, func(o *Options) {
		fast(o)
		o.MaxAttempts = 3
	})
	if err != nil {
		t.Fatal(err)
	}
	g := got.GapsFor(model.KindRouteTable, acct, region)
	if len(g) != 1 || g[0].Code != "RequestLimitExceeded" || !strings.Contains(g[0].Reason, "retries ran out") {
		t.Errorf("gaps: %v", got.Gaps)
	}
	if n := srv.Calls()["ec2:DescribeRouteTables"]; n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}

// TestDeniedKindIsAGap: a denied call leaves a gap for its kind in the
// scope of the resources it would have described, the rest is collected,
// and the engine turns the gap into an unknown verdict.
func TestDeniedKindIsAGap(t *testing.T) {
	t.Parallel()
	srv, want := serve(t, "three-tier")
	srv.AddFault(fakeaws.Fault{Action: "DescribeNetworkAcls", Code: "UnauthorizedOperation", Status: 403})
	srv.AddFault(fakeaws.Fault{Action: "DescribeTargetHealth", Code: "AccessDenied", Status: 403})
	got, events, err := pullFrom(t, context.Background(), srv, []string{acct}, []string{region}, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantGaps := []model.Gap{
		{Account: acct, Region: region, Kind: model.KindNetworkACL, Operation: "DescribeNetworkAcls", Code: "UnauthorizedOperation",
			Reason: "not allowed: grant ec2:DescribeNetworkAcls (see the read-only IAM policy: vpcscope snapshot --print-policy)"},
		{Account: acct, Region: region, Kind: model.KindTargetGroup, Operation: "DescribeTargetHealth", Code: "AccessDenied",
			Reason: "not allowed: grant elasticloadbalancing:DescribeTargetHealth (see the read-only IAM policy: vpcscope snapshot --print-policy)"},
	}
	if !slices.Equal(got.Gaps, wantGaps) {
		t.Errorf("gaps:\n got %v\nwant %v", got.Gaps, wantGaps)
	}
	if e := last(events, "DescribeNetworkAcls"); e.Gap == nil || !e.Done || e.Gap.Code != "UnauthorizedOperation" {
		t.Errorf("last DescribeNetworkAcls event: %+v", e)
	}
	if len(got.NetworkACLs) != 0 || len(got.SecurityGroups) != len(want.SecurityGroups) || len(got.Subnets) != len(want.Subnets) {
		t.Errorf("got %d ACLs, %d groups, %d subnets", len(got.NetworkACLs), len(got.SecurityGroups), len(got.Subnets))
	}
	// The gap's scope is the subnets' scope, so the engine finds it.
	sn := got.Subnets[0]
	if len(got.GapsFor(model.KindNetworkACL, sn.Account, sn.Region)) != 1 {
		t.Errorf("no network ACL gap for subnet %s in %s/%s", sn.ID, sn.Account, sn.Region)
	}
	a, err := reach.New(got).Reach(reach.Query{From: "198.51.100.7", To: "web-1a", Protocol: model.ProtocolTCP, Port: 443})
	if err != nil {
		t.Fatal(err)
	}
	if a.Verdict != reach.VerdictUnknown || !strings.Contains(strings.Join(a.Caveats, " "), "UnauthorizedOperation") {
		t.Errorf("answer without network ACLs: %s %v", a.Verdict, a.Caveats)
	}
}

func TestUnsupportedAndMalformedAreGaps(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, "hub-and-spoke")
	srv.AddFault(fakeaws.Fault{Action: "DescribeTransitGateways", Code: "InvalidAction"})
	srv.AddFault(fakeaws.Fault{Action: "DescribeVpcs", Malformed: true})
	srv.AddFault(fakeaws.Fault{Action: "DescribeListeners", Malformed: true})
	got, _, err := pullFrom(t, context.Background(), srv, []string{acct}, []string{region}, fast)
	if err != nil {
		t.Fatal(err)
	}
	tg := got.GapsFor(model.KindTransitGateway, acct, region)
	if len(tg) != 1 || tg[0].Code != "InvalidAction" || !strings.Contains(tg[0].Reason, "does not support this call") {
		t.Errorf("transit gateway gap: %v", tg)
	}
	vpc := got.GapsFor(model.KindVPC, acct, region)
	if len(vpc) != 1 || vpc[0].Code != CodeMalformedResponse || !strings.Contains(vpc[0].Reason, "could not be read") {
		t.Errorf("vpc gap: %v", vpc)
	}
	if len(got.Subnets) == 0 || len(got.TGWRouteTables) == 0 {
		t.Errorf("the rest was not collected: %d subnets, %d TGW route tables", len(got.Subnets), len(got.TGWRouteTables))
	}
}

// TestRegionNotEnabled: a Region that is not enabled for the account
// refuses its calls (OptInRequired; AWS Account Management, "Specify which
// AWS Regions your account can use":
// https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html).
// Every kind of the Region is a gap with the refusal's reason, also when
// some listings end before the first refusal comes back (the slow case:
// the refusals take 300 ms and every listing runs at once, so the WAF and
// Shield listings end first), so the answer does not depend on timing.
func TestRegionNotEnabled(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		delay   time.Duration
		workers int
	}{
		{"refusals answered at once", 0, 0},
		{"refusals answered after the other listings ended", 300 * time.Millisecond, 64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, want := serve(t, "three-tier")
			for _, f := range []fakeaws.Fault{
				{Service: "ec2", Code: "OptInRequired", Status: 401},
				{Service: "elbv2", Code: "OptInRequired", Status: 401},
				{Service: "network-firewall", Code: "UnrecognizedClientException", Status: 400},
				{Service: "directconnect", Code: "UnrecognizedClientException", Status: 400},
			} {
				f.Region, f.Delay = "ap-east-1", tc.delay
				srv.AddFault(f)
			}
			got, _, err := pullFrom(t, context.Background(), srv, []string{acct}, []string{region, "ap-east-1"},
				func(o *Options) { o.Workers = tc.workers })
			if err != nil {
				t.Fatal(err)
			}
			sameResources(t, got, want)
			kinds := map[model.Kind]bool{}
			for _, g := range got.Gaps {
				if g.Region != "ap-east-1" || (g.Code != "OptInRequired" && g.Code != "UnrecognizedClientException") {
					t.Errorf("unexpected gap %v", g)
				}
				kinds[g.Kind] = true
			}
			if missing := missingKinds(kinds); len(missing) > 0 {
				t.Errorf("kinds of the Region that is not enabled without a gap: %v", missing)
			}
			if srv.Calls()["ec2:DescribeNetworkInterfaces"] > 2 {
				t.Errorf("kept calling a disabled region: %v", srv.Calls())
			}
		})
	}
}

func TestEveryCallFailing(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, "three-tier")
	srv.AddFault(fakeaws.Fault{Service: "ec2", Code: "UnauthorizedOperation", Status: 403})
	srv.AddFault(fakeaws.Fault{Service: "elbv2", Code: "AccessDenied", Status: 403})
	srv.AddFault(fakeaws.Fault{Service: "network-firewall", Code: "AccessDeniedException", Status: 400})
	srv.AddFault(fakeaws.Fault{Service: "directconnect", Code: "AccessDeniedException", Status: 400})
	srv.AddFault(fakeaws.Fault{Service: "wafv2", Code: "AccessDeniedException", Status: 400})
	srv.AddFault(fakeaws.Fault{Service: "shield", Code: "AccessDeniedException", Status: 400})
	_, _, err := pullFrom(t, context.Background(), srv, []string{acct}, []string{region}, nil)
	if err == nil || !strings.Contains(err.Error(), "every AWS call failed; most with UnauthorizedOperation: not allowed: grant ec2:") {
		t.Errorf("err = %v", err)
	}
}

// TestCancelSlowRegion: canceling a pull stuck on a slow region returns
// at once, with the context's error.
func TestCancelSlowRegion(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, "three-tier")
	srv.AddFault(fakeaws.Fault{Region: "us-west-2", Service: "ec2", Delay: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{}, 1)
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _, err = Pull(ctx, Options{Profiles: []string{profile(acct)}, Regions: []string{region, "us-west-2"}, EndpointURL: srv.URL},
			func(e Event) {
				if e.Region == region && e.Operation == "DescribeVpcs" && e.Done {
					select {
					case started <- struct{}{}:
					default:
					}
				}
			})
	}()
	<-started // us-east-1 is done, us-west-2 hangs
	cancel()
	// The pull must return at all: the hanging region's call ends with the
	// context (a guard against a hang, not a time budget).
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("Pull did not return after cancel")
	}
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "pull canceled") {
		t.Errorf("err = %v", err)
	}
}

func TestAllRegionsAndMerge(t *testing.T) {
	t.Parallel()
	srv, want := serve(t, "peering")
	srv.SetRegions("us-east-1", "us-west-2")
	got, events, err := pullFrom(t, context.Background(), srv, []string{"111122223333", "444455556666"}, nil, func(o *Options) { o.AllRegions = true })
	if err != nil {
		t.Fatal(err)
	}
	sameResources(t, got, want)
	wantScopes := []model.Scope{{Account: "111122223333", Region: "us-east-1"}, {Account: "111122223333", Region: "us-west-2"}, {Account: "444455556666", Region: "us-east-1"}, {Account: "444455556666", Region: "us-west-2"}}
	if !slices.Equal(got.Scopes, wantScopes) {
		t.Errorf("scopes %v", got.Scopes)
	}
	if n := srv.Calls()["ec2:DescribeRegions"]; n != 2 {
		t.Errorf("%d DescribeRegions calls, want one per account", n)
	}
	if e := last(events, "DescribeRegions"); e.Items != 2 || !e.Done {
		t.Errorf("DescribeRegions event %+v", e)
	}
}

// TestPolicyListsEveryCall: the IAM policy allows exactly the calls a
// pull and the flow-log readers make.
func TestPolicyListsEveryCall(t *testing.T) {
	t.Parallel()
	called := map[string]bool{}
	logs := flowLogServer(t)
	readFlowLogs(t, logs, time.Time{}, "")
	for k := range logs.Calls() {
		called[k] = true
	}
	for _, name := range []string{"three-tier", "hub-and-spoke", "network-firewall", "hybrid"} {
		srv, snap := serve(t, name)
		protect(snap) // a web ACL and a Shield protection, so that ListResourcesForWebACL is called
		if _, _, err := pullFrom(t, context.Background(), srv, []string{acct}, nil, func(o *Options) { o.AllRegions = true }); err != nil {
			t.Fatal(err)
		}
		for k := range srv.Calls() {
			called[strings.Replace(k, "elbv2:", "elasticloadbalancing:", 1)] = true
		}
	}
	// An organization pull, listing the whole organization and then one
	// unit: the caller's calls are CallerActions, the role's ReadActions.
	callerCalls, roleCalls := map[string]bool{}, map[string]bool{}
	for _, org := range []OrgOptions{{RoleName: orgRole}, {RoleName: orgRole, OU: "ou-ab12-11111111"}} {
		srv, _, _ := orgServer(t, "")
		if _, _, err := orgPull(t, context.Background(), srv, org, nil, func(o *Options) { o.AllRegions = true }); err != nil {
			t.Fatal(err)
		}
		for k := range srv.Calls() {
			called[strings.Replace(k, "elbv2:", "elasticloadbalancing:", 1)] = true
		}
		for k := range srv.CallsBy(orgManagement) {
			callerCalls[strings.Replace(k, "elbv2:", "elasticloadbalancing:", 1)] = true
		}
		for _, a := range fixtures.OrgAccounts(orgConfig()) {
			for k := range srv.CallsBy(a) {
				roleCalls[strings.Replace(k, "elbv2:", "elasticloadbalancing:", 1)] = true
			}
		}
	}
	for k := range callerCalls {
		if !slices.Contains(CallerActions(), k) {
			t.Errorf("the caller made %s, which its policy does not allow", k)
		}
	}
	for k := range roleCalls {
		if !slices.Contains(ReadActions(), k) {
			t.Errorf("the role made %s, which its policy does not allow", k)
		}
	}
	var calls []string
	for k := range called {
		calls = append(calls, k)
	}
	slices.Sort(calls)
	if !slices.Equal(calls, Actions()) {
		t.Errorf("calls made:\n%v\npolicy:\n%v", calls, Actions())
	}
	pol := OrgPolicy(orgRole, "ext-1", orgManagement)
	for _, want := range []struct{ doc, has string }{
		{pol.Caller, `"Resource": "arn:aws:iam::*:role/` + orgRole + `"`},
		{pol.Caller, `"organizations:ListAccounts"`},
		{pol.Role, `"ec2:DescribeNetworkAcls"`},
		{pol.Trust, `"AWS": "arn:aws:iam::` + orgManagement + `:root"`},
		{pol.Trust, `"sts:ExternalId": "ext-1"`},
	} {
		if !strings.Contains(want.doc, want.has) {
			t.Errorf("policy lacks %s:\n%s", want.has, want.doc)
		}
	}
	if strings.Contains(pol.Role, "organizations:") || strings.Contains(pol.Role, "sts:AssumeRole") {
		t.Errorf("the role's policy allows more than reading:\n%s", pol.Role)
	}
	if p := Policy(); !strings.HasPrefix(p, "{\n  \"Version\": \"2012-10-17\"") || !strings.Contains(p, `"ec2:DescribeNetworkAcls"`) {
		t.Errorf("policy:\n%s", p)
	}
}

func TestKindsFilter(t *testing.T) {
	t.Parallel()
	srv, want := serve(t, "three-tier")
	got, _, err := pullFrom(t, context.Background(), srv, []string{acct}, []string{region}, func(o *Options) {
		o.Kinds = []model.Kind{model.KindSecurityGroup}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.SecurityGroups) != len(want.SecurityGroups) || len(got.Subnets) != 0 {
		t.Errorf("got %d groups, %d subnets", len(got.SecurityGroups), len(got.Subnets))
	}
	if g := got.GapsFor(model.KindSubnet, acct, region); len(g) != 1 || g[0].Code != CodeNotRequested {
		t.Errorf("subnet gap %v", g)
	}
	if calls := srv.Calls(); len(calls) != 2 || calls["ec2:DescribeSecurityGroups"] != 1 {
		t.Errorf("calls %v", calls)
	}
}

func TestEventString(t *testing.T) {
	e := Event{Account: acct, Region: region, Kind: model.KindSecurityGroup, Operation: "DescribeSecurityGroups",
		Calls: 5, Items: 5000, Retries: 1, Elapsed: 1234 * time.Millisecond, Done: true}
	if got, want := e.String(), "111122223333/us-east-1 security-group DescribeSecurityGroups: 5 calls, 5000 items, 1 retry, 1.234s, done"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	e.Gap = &model.Gap{Code: "UnauthorizedOperation", Reason: "not allowed"}
	if got := e.String(); !strings.HasSuffix(got, ", failed (UnauthorizedOperation): not allowed") {
		t.Errorf("got %q", got)
	}
	var tally Tally
	tally.Add(Event{Account: acct, Region: region, Operation: "A", Calls: 1, Items: 2})
	tally.Add(Event{Account: acct, Region: region, Operation: "A", Calls: 2, Items: 4, Done: true})
	tally.Add(Event{Account: acct, Region: "us-west-2", Operation: "A", Calls: 1, Gap: e.Gap, Done: true})
	if got := tally.Totals(); got != (Totals{Operations: 2, Done: 2, Calls: 3, Items: 4, Gaps: 1, Accounts: 1, Regions: 2, Scopes: 2}) {
		t.Errorf("totals %+v", got)
	}
}

// TestHangingCallEndsAsAGap reproduces issue 8 item 10: a pull against an
// endpoint that accepts the connection but never answers hung forever.
// Each attempt now waits at most ResponseHeaderTimeout for the headers
// (the SDK retries an attempt that times out, as a transient connection
// error: https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html),
// and each call, retries included, at most CallTimeout; the call that hung
// is a gap that names the flag to raise, and the rest is collected.
func TestHangingCallEndsAsAGap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		fault     fakeaws.Fault
		kind      model.Kind
		tweak     func(*Options)
		wantFlag  string
		wantCalls int
	}{
		{
			name:  "no response headers: every attempt gives up after the response header timeout, then the retries run out",
			fault: fakeaws.Fault{Action: "DescribeSecurityGroups", Hang: true},
			kind:  model.KindSecurityGroup,
			tweak: func(o *Options) {
				o.ResponseHeaderTimeout = 2 * time.Second // generous: a busy machine must not time out the calls that answer
				o.CallTimeout = time.Hour                 // the header timeout alone must end it
				o.MaxAttempts = 3
			},
			wantFlag: "--response-header-timeout", wantCalls: 3,
		},
		{
			name:  "headers, then a body that stalls: the call gives up after the call timeout",
			fault: fakeaws.Fault{Action: "DescribeSubnets", HangBody: true},
			kind:  model.KindSubnet,
			tweak: func(o *Options) {
				o.CallTimeout = 2 * time.Second
			},
			wantFlag: "--call-timeout", wantCalls: 1,
		},
		{
			name:  "a per-parent call that hangs is a gap of its operation",
			fault: fakeaws.Fault{Action: "DescribeTargetHealth", Hang: true},
			kind:  model.KindTargetGroup,
			tweak: func(o *Options) {
				o.ResponseHeaderTimeout = time.Hour
				o.CallTimeout = 2 * time.Second
			},
			wantFlag: "--call-timeout", wantCalls: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, want := serve(t, "three-tier")
			srv.AddFault(tt.fault)
			got, _, err := pullFrom(t, context.Background(), srv, []string{acct}, []string{region}, func(o *Options) {
				fast(o)
				tt.tweak(o)
				// The network kinds only: the timeouts here are short, and
				// the WAF and Shield clients' first calls under the race
				// detector on a busy machine can outlast them.
				o.Kinds = networkKinds()
			})
			if err != nil {
				t.Fatal(err)
			}
			got.Gaps = slices.DeleteFunc(got.Gaps, func(g model.Gap) bool { return g.Code == CodeNotRequested })
			if len(got.Gaps) != 1 {
				t.Fatalf("gaps: %v", got.Gaps)
			}
			g := got.Gaps[0]
			if g.Kind != tt.kind || g.Operation != tt.fault.Action || g.Code != CodeTimeout ||
				!strings.Contains(g.Reason, "raise "+tt.wantFlag+" if it is only slow") {
				t.Errorf("gap: %+v", g)
			}
			if n := srv.Calls()["ec2:"+tt.fault.Action] + srv.Calls()["elbv2:"+tt.fault.Action]; n != tt.wantCalls {
				t.Errorf("%d attempts, want %d", n, tt.wantCalls)
			}
			// Everything but what the call would have brought is there.
			dropDerivedNodeAddresses(got, want)
			gj, wj := kindsJSON(t, got), kindsJSON(t, want)
			for _, k := range networkKinds() {
				if k != tt.kind && gj[k] != wj[k] {
					t.Errorf("%s differs: %s", k, firstDiff(wj[k], gj[k]))
				}
			}
		})
	}
}

// networkKinds are the kinds but the WAF web ACLs and Shield protections.
func networkKinds() []model.Kind {
	return slices.DeleteFunc(model.Kinds(), func(k model.Kind) bool { return k == model.KindWebACL || k == model.KindShieldProtection })
}

// TestHangingSetupCallFailsInOneLine: when the identity call hangs there
// is nothing to pull; the error says which call timed out and what to do.
func TestHangingSetupCallFailsInOneLine(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, "three-tier")
	srv.AddFault(fakeaws.Fault{Service: "sts", Hang: true})
	_, _, err := pullFrom(t, context.Background(), srv, []string{acct}, []string{region}, func(o *Options) {
		fast(o)
		o.ResponseHeaderTimeout = 2 * time.Second // generous: a busy machine must not time out the calls that answer
		o.MaxAttempts = 2
	})
	want := "STS GetCallerIdentity for profile acct-111122223333 timed out: sts:GetCallerIdentity: the endpoint sent no response headers within 2s, 2 attempts: " +
		"raise --response-header-timeout if it is only slow (check the network, proxy, or --endpoint-url)"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}

// TestMalformedElementIsDroppedAlone reproduces issue 8 item 12: one
// value the model refuses (kumo lists a route table's local route with
// the destination "local"; AWS gives the VPC's CIDR block,
// https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html#route-table-routes)
// dropped every route table of the page. Now only the innermost element
// that holds it is dropped — the route, the IP range, or the resource when
// the value is its own — with a note naming the resource and the field;
// the rest of the page is kept, and only a resource dropped whole is a gap.
func TestMalformedElementIsDroppedAlone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		action   string
		old, new string
		// edit turns the fixture into what the pull should return.
		edit      func(s *model.Snapshot)
		wantNotes []string
		wantGap   string // the reason of the one gap, if any
	}{
		{
			name: "a route whose destination is not a CIDR block drops that route, not its route table",
			// the first route of the first route table: its IPv4 local route
			action: "DescribeRouteTables", old: "<destinationCidrBlock>10.0.0.0/16<", new: "<destinationCidrBlock>local<",
			edit: func(s *model.Snapshot) {
				rt := find(s.RouteTables, "rtb-01f245b6350bb6ea8")
				rt.Routes = rt.Routes[1:]
			},
			wantNotes: []string{`111122223333/us-east-1 route-table DescribeRouteTables: rtb-01f245b6350bb6ea8 Routes[0]: DestinationCidrBlock: invalid CIDR block "local"; dropped Routes[0], kept the rest of rtb-01f245b6350bb6ea8`},
		},
		{
			name:   "an IP range with a bad CIDR block drops that range; its rule, with no source left, goes with it",
			action: "DescribeSecurityGroups", old: "<cidrIp>203.0.113.0/24<", new: "<cidrIp>203.0.113.0/33<",
			edit: func(s *model.Snapshot) {
				sg := find(s.SecurityGroups, "sg-0afa569aa3fb873cc")
				sg.Ingress = slices.DeleteFunc(sg.Ingress, func(r model.SGRule) bool { return r.CIDR.String() == "203.0.113.0/24" })
			},
			wantNotes: []string{`111122223333/us-east-1 security-group DescribeSecurityGroups: sg-0afa569aa3fb873cc IpPermissions[4].IpRanges[0]: CidrIp: invalid CIDR block "203.0.113.0/33"; dropped IpPermissions[4].IpRanges[0], kept the rest of sg-0afa569aa3fb873cc`},
		},
		{
			name:   "a subnet whose own CIDR block is bad is dropped whole, and is a gap",
			action: "DescribeSubnets", old: "<cidrBlock>10.0.1.0/24<", new: "<cidrBlock>10.0.1.0/240<",
			edit: func(s *model.Snapshot) {
				s.Subnets = slices.DeleteFunc(s.Subnets, func(sn *model.Subnet) bool { return sn.ID == "subnet-01137421203f7d70c" })
			},
			wantNotes: []string{`111122223333/us-east-1 subnet DescribeSubnets: subnet-01137421203f7d70c: CidrBlock: invalid CIDR block "10.0.1.0/240"; dropped subnet-01137421203f7d70c`},
			wantGap:   `subnet-01137421203f7d70c: CidrBlock: invalid CIDR block "10.0.1.0/240"; dropped subnet-01137421203f7d70c`,
		},
		{
			name:   "an instance whose own address is bad is dropped from its reservation, and is a gap",
			action: "DescribeInstances", old: "<privateIpAddress>10.0.0.10<", new: "<privateIpAddress>10.0.0.300<",
			edit: func(s *model.Snapshot) {
				s.Instances = slices.DeleteFunc(s.Instances, func(i *model.Instance) bool { return i.ID == "i-0f31c15d5092d9efa" })
			},
			wantNotes: []string{`111122223333/us-east-1 instance DescribeInstances: i-0f31c15d5092d9efa: PrivateIpAddress: invalid IP address "10.0.0.300"; dropped i-0f31c15d5092d9efa`},
			wantGap:   `i-0f31c15d5092d9efa: PrivateIpAddress: invalid IP address "10.0.0.300"; dropped i-0f31c15d5092d9efa`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, want := serve(t, "three-tier")
			srv.AddFault(fakeaws.Fault{Action: tt.action, Rewrite: func(body string) string {
				if !strings.Contains(body, tt.old) {
					t.Errorf("%s answer lacks %q", tt.action, tt.old)
				}
				return strings.Replace(body, tt.old, tt.new, 1)
			}})
			got, notes, _, err := pullNotes(t, context.Background(), srv, []string{acct}, []string{region}, nil)
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, n := range notes {
				lines = append(lines, n.String())
			}
			if !slices.Equal(lines, tt.wantNotes) {
				t.Errorf("notes:\n got %q\nwant %q", lines, tt.wantNotes)
			}
			var wantGaps []string
			if tt.wantGap != "" {
				wantGaps = []string{tt.wantGap}
			}
			var gaps []string
			for _, g := range got.Gaps {
				if g.Code != CodeInvalidData || g.Operation != tt.action {
					t.Errorf("unexpected gap %v", g)
				}
				gaps = append(gaps, g.Reason)
			}
			if !slices.Equal(gaps, wantGaps) {
				t.Errorf("gap reasons:\n got %q\nwant %q", gaps, wantGaps)
			}
			tt.edit(want)
			sameResources(t, got, want)
		})
	}
}

// TestEveryListNamesItsResources: a note names the resource of a dropped
// element, so every list the pull hands to awsjson says which field
// identifies its elements.
func TestEveryListNamesItsResources(t *testing.T) {
	src, err := os.ReadFile("tasks.go")
	if err != nil {
		t.Fatal(err)
	}
	keys := regexp.MustCompile(`\.add\("(\w+)"`).FindAllSubmatch(src, -1)
	if len(keys) < 20 {
		t.Fatalf("found only %d lists in tasks.go", len(keys))
	}
	for _, k := range keys {
		if len(idFields[string(k[1])]) == 0 {
			t.Errorf("idFields has no entry for %s", k[1])
		}
	}
}

func TestParsePath(t *testing.T) {
	tests := []struct {
		path string
		ok   bool
	}{
		{"RouteTables[0].Routes[12].DestinationCidrBlock", true},
		{"Reservations[0].Instances[1]", true},
		{"Vpcs", true},
		{"Vpcs[x]", false},
		{"Vpcs[0", false},
		{"Vpcs[-1]", false},
		{"", false},
	}
	for _, tt := range tests {
		steps, ok := parsePath(tt.path)
		if ok != tt.ok || (ok && renderPath(steps) != tt.path) {
			t.Errorf("parsePath(%q) = %v, %v", tt.path, steps, ok)
		}
	}
}

// TestSDKLogsNothing: after a call whose body stalls times out, the SDK
// logs that it could not drain the body to os.Stderr, which would break
// the CLI's one-line warnings; the gap already says what happened. Not
// parallel: it swaps os.Stderr.
func TestSDKLogsNothing(t *testing.T) {
	srv, _ := serve(t, "three-tier")
	srv.AddFault(fakeaws.Fault{Action: "DescribeSubnets", HangBody: true})
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := os.Stderr
	os.Stderr = w
	got, _, err := pullFrom(t, context.Background(), srv, []string{acct}, []string{region}, func(o *Options) {
		o.CallTimeout = 2 * time.Second
	})
	os.Stderr = stderr
	w.Close()
	logged, _ := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Gaps) != 1 || got.Gaps[0].Code != CodeTimeout {
		t.Errorf("gaps: %v", got.Gaps)
	}
	if len(logged) > 0 {
		t.Errorf("the pull wrote to stderr:\n%s", logged)
	}
}

func missingKinds(have map[model.Kind]bool) []model.Kind {
	var out []model.Kind
	for _, k := range model.Kinds() {
		if !have[k] {
			out = append(out, k)
		}
	}
	return out
}
