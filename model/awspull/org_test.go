package awspull

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/awspull/fakeaws"
)

// The organization of these tests: the management account (which holds no
// network) and the generated organization's accounts, plus one account
// without the role and one suspended.
const (
	orgManagement = "123456789012"
	orgNoRole     = "219999999998"
	orgSuspended  = "219999999999"
	orgRole       = "VpcscopeRead"
)

func orgConfig() fixtures.OrgConfig {
	return fixtures.OrgConfig{Seed: 5, Accounts: 4, Regions: []string{"us-east-1", "eu-west-1"}, VPCs: 8, SubnetsPerVPC: 6,
		Interfaces: 300, SecurityGroups: 40, Rules: 200}
}

// orgServer serves a generated organization; members maps each account
// to its OrgAccount, for tests to change before the server is used.
func orgServer(t *testing.T, externalID string) (*fakeaws.Server, *model.Snapshot, fakeaws.Organization) {
	t.Helper()
	want := fixtures.Org(orgConfig())
	srv := fakeaws.New(want)
	t.Cleanup(srv.Close)
	org := fakeaws.Organization{Management: orgManagement, Root: "r-ab12",
		Units: map[string]string{"ou-ab12-11111111": "r-ab12", "ou-ab12-22222222": "ou-ab12-11111111"}}
	org.Accounts = append(org.Accounts, fakeaws.OrgAccount{ID: orgManagement, Name: "management"})
	for i, id := range fixtures.OrgAccounts(orgConfig()) {
		parent := "r-ab12"
		if i >= 2 {
			parent = "ou-ab12-22222222" // nested two levels down
		}
		org.Accounts = append(org.Accounts, fakeaws.OrgAccount{ID: id, Name: "member-" + id, Roles: []string{orgRole},
			ExternalID: externalID, Parent: parent})
	}
	org.Accounts = append(org.Accounts,
		fakeaws.OrgAccount{ID: orgNoRole, Name: "no-role", Roles: []string{"SomethingElse"}, ExternalID: externalID},
		fakeaws.OrgAccount{ID: orgSuspended, Name: "suspended", Status: "SUSPENDED", Roles: []string{orgRole}, ExternalID: externalID})
	srv.SetOrganization(org)
	return srv, want, org
}

// orgPull pulls the organization with the management account's profile.
func orgPull(t *testing.T, ctx context.Context, srv *fakeaws.Server, org OrgOptions, regions []string, tweak func(*Options)) (*model.Snapshot, []Event, error) {
	t.Helper()
	o := Options{Profiles: []string{profile(orgManagement)}, Regions: regions, EndpointURL: srv.URL, Tool: "test", Org: &org}
	fast(&o)
	if tweak != nil {
		tweak(&o)
	}
	var events []Event
	snap, notes, err := Pull(ctx, o, func(e Event) { events = append(events, e) })
	for _, n := range notes {
		t.Errorf("unexpected note: %s", n)
	}
	return snap, events, err
}

// without returns a copy of s without the resources of account in
// region, and without account as a participant of that region's shared
// subnets: what a pull that could not read that scope holds.
func without(s *model.Snapshot, account, region string) *model.Snapshot {
	out := &model.Snapshot{}
	for r := range s.All() {
		m := r.Base()
		if m.Account == account && m.Region == region {
			continue
		}
		if sn, ok := r.(*model.Subnet); ok && m.Region == region {
			c := *sn
			c.Participants = slices.DeleteFunc(slices.Clone(sn.Participants), func(p model.Participant) bool { return p.Account == account })
			if len(c.Participants) == 0 {
				c.Participants = nil
			}
			r = &c
		}
		_ = out.Add(r)
	}
	return out
}

// TestOrgPullReadsTheOthersAndRecordsGaps: an organization of several
// accounts, one whose role is missing, one suspended and one with a
// region that refuses its calls: the snapshot holds every other account
// and region, each failure is a gap with its reason, and nothing aborts.
// Shared subnets come out as one subnet with the owner's zone name and
// each participant's (AWS names zones per account:
// https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing-share-subnet-working-with.html).
func TestOrgPullReadsTheOthersAndRecordsGaps(t *testing.T) {
	t.Parallel()
	srv, want, _ := orgServer(t, "")
	accounts := fixtures.OrgAccounts(orgConfig())
	denied := accounts[3]
	srv.AddFault(fakeaws.Fault{Account: denied, Region: "eu-west-1", Service: "ec2", Code: "OptInRequired", Status: 401})
	srv.AddFault(fakeaws.Fault{Account: denied, Region: "eu-west-1", Service: "elbv2", Code: "OptInRequired", Status: 401})
	// A region not enabled refuses every service: the JSON services too,
	// or a listing that answers before EC2's refusal switches the region
	// off would be kept.
	srv.AddFault(fakeaws.Fault{Account: denied, Region: "eu-west-1", Service: "network-firewall", Code: "UnrecognizedClientException", Status: 400})
	srv.AddFault(fakeaws.Fault{Account: denied, Region: "eu-west-1", Service: "directconnect", Code: "UnrecognizedClientException", Status: 400})
	srv.AddFault(fakeaws.Fault{Account: denied, Region: "eu-west-1", Service: "wafv2", Code: "UnrecognizedClientException", Status: 400})
	got, events, err := orgPull(t, context.Background(), srv, OrgOptions{RoleName: orgRole}, []string{"us-east-1", "eu-west-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameResources(t, got, without(want, denied, "eu-west-1"))

	type gapKey struct{ account, region, op, code string }
	gaps := map[gapKey]int{}
	for _, g := range got.Gaps {
		gaps[gapKey{g.Account, g.Region, g.Operation, g.Code}]++
		if g.Reason == "" {
			t.Errorf("gap without a reason: %v", g)
		}
	}
	kinds := len(model.Kinds())
	for _, w := range []struct {
		name string
		key  gapKey
	}{
		{"a member without the role is a gap in every region, naming AssumeRole", gapKey{orgNoRole, "", "AssumeRole", "AccessDenied"}},
		{"a suspended member is a gap, and no role is assumed in it", gapKey{orgSuspended, "", "ListAccounts", CodeAccountNotActive}},
	} {
		if gaps[w.key] != kinds {
			t.Errorf("%s: %d gaps %+v, want one per kind (%d); gaps: %v", w.name, gaps[w.key], w.key, kinds, got.Gaps)
		}
	}
	regionKinds := map[model.Kind]bool{}
	for _, g := range got.Gaps {
		if g.Account == denied && g.Region == "eu-west-1" && (g.Code == "OptInRequired" || g.Code == "UnrecognizedClientException") {
			regionKinds[g.Kind] = true
		}
	}
	if len(regionKinds) != kinds {
		var missing []model.Kind
		for _, k := range model.Kinds() {
			if !regionKinds[k] {
				missing = append(missing, k)
			}
		}
		t.Errorf("the denied region has gaps of %d kinds, want %d: none for %v", len(regionKinds), kinds, missing)
	}
	for _, r := range srv.AssumeRoleRequests() {
		if strings.Contains(r.RoleARN, orgSuspended) || strings.Contains(r.RoleARN, orgManagement) {
			t.Errorf("assumed a role in %s", r.RoleARN)
		}
	}
	var tally Tally
	for _, e := range events {
		tally.Add(e)
	}
	// The management account, the four generated ones and the one
	// without the role: the suspended one is not pulled.
	if tt := tally.Totals(); tt.AccountsTotal != 6 || tt.AccountsDone != 6 {
		t.Errorf("accounts %d/%d, want 6/6", tt.AccountsDone, tt.AccountsTotal)
	}
	shared := 0
	for _, sn := range got.Subnets {
		if sn.Shared() {
			shared++
		}
	}
	if shared == 0 {
		t.Error("no shared subnet came out of the pull")
	}
}

// TestOrgPullSendsSessionNameAndExternalID: every AssumeRole names
// vpcscope in its session name and carries the external ID; the pull goes
// on with the temporary credentials (the fake refuses their calls
// without the session token).
func TestOrgPullSendsSessionNameAndExternalID(t *testing.T) {
	t.Parallel()
	srv, _, _ := orgServer(t, "ext-1234")
	got, _, err := orgPull(t, context.Background(), srv, OrgOptions{RoleName: orgRole, ExternalID: "ext-1234"}, []string{"us-east-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.AssumeRoleRequests()
	if len(reqs) != 5 { // four generated members and the one without the role
		t.Errorf("%d AssumeRole calls: %+v", len(reqs), reqs)
	}
	for _, r := range reqs {
		if !strings.HasPrefix(r.RoleSessionName, "vpcscope-") || r.ExternalID != "ext-1234" || r.Caller != orgManagement ||
			!strings.HasSuffix(r.RoleARN, ":role/"+orgRole) {
			t.Errorf("AssumeRole %+v", r)
		}
	}
	for _, g := range got.Gaps {
		if g.Account != orgNoRole && g.Account != orgSuspended {
			t.Errorf("gap %v", g)
		}
	}
}

// TestOrgPullWithTheWrongExternalIDIsAGapPerAccount: a role that requires
// another external ID refuses, as a missing role does; no account is read
// and the error says why in one line.
func TestOrgPullWithTheWrongExternalIDIsAGapPerAccount(t *testing.T) {
	t.Parallel()
	srv, _, _ := orgServer(t, "right")
	_, _, err := orgPull(t, context.Background(), srv, OrgOptions{RoleName: orgRole, ExternalID: "wrong", ExcludeAccounts: []string{orgManagement}},
		[]string{"us-east-1"}, nil)
	if err == nil || !strings.Contains(err.Error(), "no account of the organization could be read; most failed at AssumeRole (AccessDenied): could not assume arn:aws:iam::") {
		t.Errorf("err = %v", err)
	}
}

func TestOrgPullSelectsAccounts(t *testing.T) {
	t.Parallel()
	accounts := fixtures.OrgAccounts(orgConfig())
	tests := []struct {
		name     string
		opts     OrgOptions
		want     []string // accounts in the snapshot's scopes
		gapCodes []string // codes of the gaps expected
	}{
		{"--accounts pulls only those", OrgOptions{Accounts: []string{accounts[1], accounts[2]}},
			[]string{accounts[1], accounts[2]}, nil},
		{"--accounts naming an account the organization does not list is a gap", OrgOptions{Accounts: []string{accounts[1], "999999999999"}},
			[]string{accounts[1]}, []string{CodeNotInOrganization}},
		{"--exclude-accounts leaves those out", OrgOptions{ExcludeAccounts: []string{orgManagement, orgNoRole, orgSuspended, accounts[0], accounts[1]}},
			[]string{accounts[2], accounts[3]}, nil},
		{"--ou pulls the accounts of the unit and of the units inside it", OrgOptions{OU: "ou-ab12-11111111"},
			[]string{accounts[2], accounts[3]}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, _, _ := orgServer(t, "")
			tt.opts.RoleName = orgRole
			got, _, err := orgPull(t, context.Background(), srv, tt.opts, []string{"us-east-1"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			var scopes []string
			for _, sc := range got.Scopes {
				scopes = append(scopes, sc.Account)
			}
			if !slices.Equal(scopes, tt.want) {
				t.Errorf("scopes %v, want %v", scopes, tt.want)
			}
			var codes []string
			for _, g := range got.Gaps {
				codes = append(codes, g.Code)
			}
			codes = slices.Compact(codes)
			if !slices.Equal(codes, tt.gapCodes) {
				t.Errorf("gap codes %v, want %v", codes, tt.gapCodes)
			}
		})
	}
}

func TestOrgOptionsAreChecked(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    OrgOptions
		profile []string
		want    string
	}{
		{"accounts and exclusions together", OrgOptions{Accounts: []string{"111122223333"}, ExcludeAccounts: []string{"444455556666"}}, nil,
			"choose the accounts to pull or the accounts to leave out, not both"},
		{"an account ID that is not 12 digits", OrgOptions{Accounts: []string{"1234"}}, nil, `"1234" is not an AWS account ID (12 digits)`},
		{"an OU that is not an OU", OrgOptions{OU: "ou-x"}, nil, `"ou-x" is not an organizational unit (ou-xxxx-xxxxxxxx) or root (r-xxxx) ID`},
		{"two profiles", OrgOptions{}, []string{"a", "b"}, "an organization pull uses one profile"},
		{"a role name with a space", OrgOptions{RoleName: "my role"}, nil, `"my role" is not an IAM role name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Pull(context.Background(), Options{Profiles: tt.profile, Regions: []string{"us-east-1"}, Org: &tt.opts}, nil)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("err = %v, want %s", err, tt.want)
			}
		})
	}
}

// TestOrgPullNotFromTheManagementAccount: credentials of an account that
// may not list the organization stop the pull with a one-line error.
func TestOrgPullNotFromTheManagementAccount(t *testing.T) {
	t.Parallel()
	srv, _, org := orgServer(t, "")
	org.Accounts = append(org.Accounts, fakeaws.OrgAccount{ID: "444455556666", Name: "member"})
	srv.SetOrganization(org)
	o := Options{Profiles: []string{profile("444455556666")}, Regions: []string{"us-east-1"}, EndpointURL: srv.URL, Org: &OrgOptions{}}
	fast(&o)
	_, _, err := Pull(context.Background(), o, nil)
	if err == nil || !strings.Contains(err.Error(), "account 444455556666 may not list the organization's accounts (Organizations ListAccounts) (AccessDeniedException)") {
		t.Errorf("err = %v", err)
	}
}

// TestOrgPullCancel: canceling an organization pull stuck on a slow
// account returns with the context's error, every account stopped.
func TestOrgPullCancel(t *testing.T) {
	t.Parallel()
	srv, _, _ := orgServer(t, "")
	accounts := fixtures.OrgAccounts(orgConfig())
	srv.AddFault(fakeaws.Fault{Account: accounts[2], Service: "ec2", Delay: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	var err error
	done := make(chan struct{})
	started := make(chan struct{}, 1)
	go func() {
		defer close(done)
		o := Options{Profiles: []string{profile(orgManagement)}, Regions: []string{"us-east-1"}, EndpointURL: srv.URL, Org: &OrgOptions{RoleName: orgRole}}
		_, _, err = Pull(ctx, o, func(e Event) {
			if e.Operation == OpAccount && e.Done {
				select {
				case started <- struct{}{}:
				default:
				}
			}
		})
	}()
	<-started // one account is done, one hangs
	cancel()
	select { // a guard against a hang, not a time budget
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("Pull did not return after cancel")
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}

// TestOrgPullKeepsCredentialsOutOfTheSnapshot: the temporary credentials
// of the assumed roles appear nowhere in the snapshot, the events or the
// gaps (the command's own output is checked in cmd/vpcscope).
func TestOrgPullKeepsCredentialsOutOfTheSnapshot(t *testing.T) {
	t.Parallel()
	srv, _, _ := orgServer(t, "")
	got, events, err := orgPull(t, context.Background(), srv, OrgOptions{RoleName: orgRole}, []string{"us-east-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(got); err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		buf.WriteString(e.String() + "\n")
	}
	secrets := []string{fakeaws.Secret}
	for _, a := range fixtures.OrgAccounts(orgConfig()) {
		secrets = append(secrets, fakeaws.AssumedSecret(a), fakeaws.SessionToken(a), "ASIA"+a)
	}
	for _, s := range secrets {
		if bytes.Contains(buf.Bytes(), []byte(s)) {
			t.Errorf("%q is in the snapshot or the events", s)
		}
	}
}
