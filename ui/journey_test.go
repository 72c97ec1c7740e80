package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/ui/views/changes"
)

var (
	mediumOnce sync.Once
	mediumSnap *model.Snapshot
)

// medium is a generated account with more trace endpoints (about 5,800)
// than the picker matches on the key path (4,000): matching runs in the
// background, as on a big account.
func medium() *model.Snapshot {
	mediumOnce.Do(func() {
		mediumSnap = fixtures.Large(fixtures.LargeConfig{Seed: 1, VPCs: 5, Subnets: 60, Interfaces: 3000, SecurityGroups: 100, Rules: 1000, Peerings: 2})
	})
	return mediumSnap
}

// has fails the test unless the screen holds every want.
func has(t *testing.T, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("screen lacks %q:\n%s", w, s)
		}
	}
}

// hasNot fails the test when the screen holds one of bad.
func hasNot(t *testing.T, s string, bad ...string) {
	t.Helper()
	for _, w := range bad {
		if strings.Contains(s, w) {
			t.Errorf("screen has %q:\n%s", w, s)
		}
	}
}

// TestTextEntryJourney (item 1): on an account big enough that matching
// runs in the background, a partial name typed and entered at once picks
// the highlighted match — never the raw text; the trace then asks for the
// port instead of running on one nobody chose; digits typed in the port
// field are digits ("2" does not switch to the tree) until the field is
// left, and then "2" is the tree again.
func TestTextEntryJourney(t *testing.T) {
	tm := startOn(t, medium(), 120, 40, nil)
	press(tm, "4", "enter")
	settle(t, tm, "Trace source")
	press(tm, "vpc003-app", "enter") // one message, then enter before matching ends
	settle(t, tm, "Trace destination")
	press(tm, "vpc001-data", "enter")
	s := settle(t, tm, "editing port")
	has(t, s, "source      vpc003-app-", "destination vpc001-data-", "[█]", "editing port — enter/esc to leave")
	hasNot(t, s, "BLOCKED", "REACHABLE", "matches no")
	press(tm, "3306", "2")
	s = settle(t, tm, "[33062█]")
	has(t, s, "Trace ›")
	hasNot(t, s, "Tree ›", "BLOCKED", "REACHABLE")
	press(tm, "backspace", "enter")
	s = settle(t, tm, "tcp/3306    (tab: edit the")
	if !strings.Contains(s, "REACHABLE") && !strings.Contains(s, "BLOCKED") {
		t.Errorf("no verdict after the port was entered:\n%s", s)
	}
	press(tm, "2")
	settle(t, tm, "Tree ›")
}

// TestAccountsJourney (item 2): the accounts and regions are on every
// screen where resources are: the status bar, the tree's levels, the
// lists' columns (peering rows name both accounts), the picker's rows, and
// a trace hop that crosses into another account says so.
func TestAccountsJourney(t *testing.T) {
	tm := startOn(t, demoSnap(t), 160, 40, nil)
	s := settle(t, tm, "Start here")
	has(t, s, "account 111122223333, 444455556666", "region us-east-1, us-west-2")

	press(tm, "2")
	s = settle(t, tm, "account 444455556666")
	has(t, s, "▾ account 111122223333", "▾ region us-west-2")

	press(tm, ":", "vpc-peering", "enter")
	s = settle(t, tm, "Lists › vpc-peering")
	has(t, s, "111122223333 ↔ 444455556666", "payments-fraud")

	press(tm, "4", "enter", "fraud")
	s = settle(t, tm, "Trace source")
	has(t, s, "444455556666/us-east-1")
	press(tm, "esc")

	press(tm, ":", "payments-api-1", "enter")
	settle(t, tm, "Detail › payments-vpc")
	press(tm, "t")
	settle(t, tm, "Trace ›")
	press(tm, "enter", "10.22.1.40", "enter", "443", "enter")
	s = settle(t, tm, "✗ BLOCKED")
	has(t, s, "⇢ crosses into account 444455556666 (us-east-1)")
	t.Run("tree", func(t *testing.T) {
		tm := startTest(t)
		press(tm, "2")
		golden.RequireEqual(t, []byte(settle(t, tm, "account 444455556666")))
	})
	t.Run("peering list", func(t *testing.T) {
		tm := startOn(t, demoSnap(t), 160, 20, nil)
		press(tm, ":", "vpc-peering", "enter", "ctrl+k")
		golden.RequireEqual(t, []byte(settle(t, tm, "↔")))
	})
	t.Run("picker", func(t *testing.T) {
		tm := startTest(t)
		press(tm, "4", "enter", "fraud")
		golden.RequireEqual(t, []byte(settle(t, tm, "444455556666")))
	})
}

// TestTwoSidedResourceJourney (item 2): a transit gateway peering
// attachment seen from both its accounts is one row of the list, and its
// detail shows both sides.
func TestTwoSidedResourceJourney(t *testing.T) {
	s := &model.Snapshot{Schema: model.SchemaVersion, Scopes: []model.Scope{{Account: "111111111111", Region: "us-east-1"}, {Account: "222222222222", Region: "us-east-2"}}}
	s.TGWAttachments = []*model.TGWAttachment{
		{Meta: model.Meta{ID: "tgw-attach-1", Account: "111111111111", Region: "us-east-1", Tags: model.Tags{"Name": "east-to-ohio"}},
			TransitGatewayID: "tgw-a", ResourceType: "peering", ResourceID: "tgw-b", State: "available"},
		{Meta: model.Meta{ID: "tgw-attach-1", Account: "222222222222", Region: "us-east-2"},
			TransitGatewayID: "tgw-b", ResourceType: "peering", ResourceID: "tgw-a", State: "available"},
	}
	tm := startOn(t, s, 160, 30, nil)
	press(tm, "3")
	sc := settle(t, tm, "Lists › transit-gateway-attachment")
	if n := strings.Count(sc, "tgw-attach-1"); n != 1 {
		t.Errorf("%d rows for one attachment:\n%s", n, sc)
	}
	has(t, sc, "111111111111 ↔ 222222222222")
	press(tm, "enter")
	sc = settle(t, tm, "Detail ›")
	has(t, sc, "seen from account 111111111111 (us-east-1)", "seen from account 222222222222 (us-east-2)")
}

// TestWhatIfExportJourney (item 3): after an edit the detail's banner says
// what the edit did (no stale "no inbound rule allows tcp/3306"); W lists
// the change with before and after; y copies it as --assume flags; x
// writes the AWS CLI script and the Terraform (never run); u undoes one,
// U asks before undoing all; quitting with changes asks.
func TestWhatIfExportJourney(t *testing.T) {
	dir := t.TempDir()
	tm := startOn(t, demoSnap(t), 160, 40, func(o *Options) { o.ExportDir = dir })
	traceWebToDB(t, tm)
	press(tm, "b", "a", "enter")
	s := settle(t, tm, "this hop now lets tcp/3306 through")
	has(t, s, "blocked next at network-acl storefront-db-nacl")
	hasNot(t, s, "no inbound rule of security group")

	press(tm, "W")
	s = settle(t, tm, "What-if changes  1 in memory")
	has(t, s, "1. sg-0a881a8838796aca3 ingress tcp 3306 from sg-0afa569aa3fb873cc", "before (none: a new rule)",
		"after  tcp 3306 from sg-0afa569aa3fb873cc")
	t.Run("golden", func(t *testing.T) { golden.RequireEqual(t, []byte(s)) })

	press(tm, "y")
	s = settle(t, tm, "copied --assume flags (OSC 52): --assume 'sg-0a881a8838796aca3 ingress tcp 3306 from sg-0afa569aa3fb873cc")

	press(tm, "x")
	s = settle(t, tm, "wrote ")
	script, err := os.ReadFile(filepath.Join(dir, changes.ScriptFile))
	if err != nil {
		t.Fatalf("no script: %v\n%s", err, s)
	}
	tf, err := os.ReadFile(filepath.Join(dir, changes.TerraformFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(script), "aws ec2 authorize-security-group-ingress --region us-east-1 --group-id sg-0a881a8838796aca3") ||
		!strings.Contains(string(tf), `resource "aws_vpc_security_group_ingress_rule" "whatif_1"`) {
		t.Errorf("exports:\n%s\n%s", script, tf)
	}
	press(tm, "x")
	settle(t, tm, "wrote ")
	if _, err := os.Stat(filepath.Join(dir, "vpcscope-whatif-2.sh")); err != nil {
		t.Errorf("a second export overwrote the first, or wrote nothing: %v", err)
	}

	press(tm, "q")
	s = settle(t, tm, "quit and drop 1 what-if change(s)?")
	press(tm, "n")
	press(tm, "U")
	settle(t, tm, "undo all 1 what-if changes?")
	press(tm, "y")
	s = settle(t, tm, "no what-if changes:")
	hasNot(t, s, "WHAT-IF:")
}

// TestWhatIfUndoOneJourney (item 3): u takes one change out of two and
// the other stays.
func TestWhatIfUndoOneJourney(t *testing.T) {
	tm := startOn(t, demoSnap(t), 120, 40, nil)
	traceWebToDB(t, tm)
	press(tm, "b", "a", "enter")
	settle(t, tm, "this hop now lets tcp/3306 through")
	press(tm, "esc")
	settle(t, tm, "what-if ✗ BLOCKED")
	press(tm, "b", "a", "enter")
	settle(t, tm, "WHAT-IF: 2 change(s)")
	press(tm, "W")
	settle(t, tm, "What-if changes  2 in memory")
	press(tm, "u")
	s := settle(t, tm, "What-if changes  1 in memory")
	has(t, s, "acl-0bbe693c8e98700d0 outbound 32766 allow tcp 1024-65535 10.0.0.10/32")
	hasNot(t, s, "ingress tcp 3306")
}

// TestSpaceJourney (item 4): at 120 columns the interfaces keep their
// addresses (names shrink, counts go first); ctrl+w shows every column and
// scrolls sideways; ctrl+k and tab past the table hide the kinds pane.
func TestSpaceJourney(t *testing.T) {
	tm := startOn(t, demoSnap(t), 120, 30, nil)
	press(tm, ":", "network-interface", "enter")
	s := settle(t, tm, "Lists › network-interface")
	head := strings.Split(s, "\n")[2]
	has(t, head, "▶id", "private ip", "public ip", "ctrl+w")
	hasNot(t, head, "account", "region")
	has(t, s, "10.0.0.10", "3.83.201.14")
	press(tm, "ctrl+w")
	s = settle(t, tm, "wide mode")
	head = strings.Split(s, "\n")[2]
	has(t, head, "←→")
	has(t, s, "storefront-public-1a") // names at full width
	t.Run("wide", func(t *testing.T) { golden.RequireEqual(t, []byte(s)) })
	press(tm, "right", "right", "right", "right", "right", "right", "right", "right", "right", "right", "right", "right")
	s = settle(t, tm, "region")
	if !strings.Contains(strings.Split(s, "\n")[2], "region") {
		t.Errorf("scrolling right does not bring the last column in:\n%s", s)
	}
	press(tm, "ctrl+w", "ctrl+k")
	s = settle(t, tm, "Lists › network-interface")
	hasNot(t, s, "Kinds")
	press(tm, "tab")
	s = settle(t, tm, "▶ Kinds")
	press(tm, "tab", "tab")
	s = settle(t, tm, "Lists › network-interface")
	hasNot(t, s, "Kinds")
}

// TestFilterJourney (item 5): one filter rule: /db in the instance list
// ranks db-1a and db-1b (prefix) before app-db-… (word start) and
// dev-build-1a (initials), shows /db beside the breadcrumbs, belongs to
// that kind (the next kind is unfiltered, the filter is back on return),
// and esc clears it; the overview keeps its section headings while
// filtered.
func TestFilterJourney(t *testing.T) {
	tm := startOn(t, demoSnap(t), 160, 40, nil)
	press(tm, ":", "instances", "enter", "/db", "enter")
	s := settle(t, tm, "/db")
	var names []string
	for _, l := range strings.Split(s, "\n") {
		if i := strings.Index(l, "│"); i >= 0 && strings.Contains(l, " i-") {
			names = append(names, strings.Fields(strings.Trim(l[i+len("│"):], "▌ "))[0])
		}
	}
	if len(names) < 3 || names[0] != "db-1a" || names[1] != "db-1b" || !slicesContains(names[2:], "dev-build-1a") {
		t.Errorf("/db ranks %v; want db-1a, db-1b first, then dev-build-1a among the rest\n%s", names, s)
	}
	press(tm, ">")
	s = settle(t, tm, "Lists › internet-gateway")
	hasNot(t, strings.Split(s, "\n")[1], "/db")
	press(tm, "<")
	settle(t, tm, "/db")
	press(tm, "esc")
	s = settle(t, tm, "Lists › instance")
	hasNot(t, strings.Split(s, "\n")[1], "/db")

	press(tm, "1", "/nat")
	s = settle(t, tm, "/nat")
	has(t, s, "Resources", "nat-gateway")
	hasNot(t, s, "security-group ")
	t.Run("overview", func(t *testing.T) { golden.RequireEqual(t, []byte(s)) })
}

func slicesContains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// testSwitcher is a test switcher: two choices, each the demo under another
// name.
type testSwitcher struct{ snap *model.Snapshot }

func (w testSwitcher) Choices(context.Context) ([]Choice, error) {
	return []Choice{{Kind: "profile", Value: "prod", Note: "in use"}, {Kind: "snapshot", Value: "other.json"}}, nil
}

func (w testSwitcher) Switch(c Choice) (string, Loader, error) {
	return c.Value, func(_ context.Context, progress func(string)) (*model.Snapshot, error) {
		progress("reading " + c.Value)
		return w.snap, nil
	}, nil
}

// TestRuntimeContextJourney (item 7): C lists what the explorer can switch
// to and loads the choice without a restart; R reloads; J shows a
// resource's JSON; o copies its console URL and y its ID, each note
// showing what was copied; ? is a help list that filters as one types.
func TestRuntimeContextJourney(t *testing.T) {
	snap := demoSnap(t)
	tm := startOn(t, snap, 200, 40, func(o *Options) { o.Switcher = testSwitcher{snap} })
	press(tm, "C")
	s := settle(t, tm, "Switch to")
	has(t, s, "profile   prod", "snapshot  other.json")
	press(tm, "other", "enter")
	s = settle(t, tm, "source other.json")
	has(t, s, "loaded other.json")

	press(tm, "R")
	settle(t, tm, "loaded other.json")

	press(tm, ":", "storefront-db-sg", "enter")
	settle(t, tm, "Detail ›")
	press(tm, "o")
	settle(t, tm, "copied the console URL (OSC 52): https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#SecurityGroup:groupId=sg-0a881a8838796aca3")
	press(tm, "y")
	settle(t, tm, "copied (OSC 52): sg-0a881a8838796aca3")
	press(tm, "J")
	s = settle(t, tm, "JSON › storefront-db-sg")
	has(t, s, `"kind": "security-group"`, `"groupName": "storefront-db-sg"`)

	press(tm, "?")
	settle(t, tm, "generated from the key map")
	press(tm, "wide")
	s = settle(t, tm, "ctrl+w")
	has(t, s, "wide mode", "editing help filter")
	hasNot(t, s, "trace from selected")
	press(tm, "esc", "esc")
	settle(t, tm, "JSON › storefront-db-sg")
}

// TestRunesTypedTogetherAreKeys: runes that reach the explorer in one
// read (fast typing, a script) are keys one by one: "4b" after a trace is
// the trace, then its blocking rule — before, they were one unknown key
// and nothing happened.
func TestRunesTypedTogetherAreKeys(t *testing.T) {
	tm := startTest(t)
	traceWebToDB(t, tm)
	press(tm, "2", "4b")
	s := settle(t, tm, "Detail ›")
	has(t, s, "security-group storefront-db-sg", "≈ closest")
}
