package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The test plans are model/tfplan's: terraform show -json documents of
// format 1.2 for the three-tier fixture
// (https://developer.hashicorp.com/terraform/internals/json-format).
const (
	planDir   = "../../model/tfplan/testdata/"
	threeTier = "../../fixtures/three-tier.json"
)

func TestPlanExitStatusAndErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	malformed := write("malformed.json", `{"format_version": "1.2", "resource_changes": [`)
	v2 := write("v2.json", `{"format_version": "2.0", "resource_changes": []}`)
	state := write("state.json", `{"format_version": "1.0", "values": {"root_module": {}}}`)
	for _, c := range []struct {
		name    string
		args    []string
		code    int
		wantOut string
		wantErr string
	}{
		{"a group opened behind a private route exposes nothing: exit 0", []string{"plan", planDir + "db-open-world.json", "--snapshot", threeTier}, exitOK,
			"Exposure to the internet: 0 gained, 0 lost", ""},
		{"the same with an internet route and an Elastic IP exposes db-1a: exit 1", []string{"plan", planDir + "db-open-public.json", "--snapshot", threeTier}, exitUnreachable,
			"+ 0.0.0.0/0 → eni-00e52780529f06105 [aws_eip.db_1a]  tcp/3306", ""},
		{"a tightened ACL that breaks an intent: exit 1", []string{"plan", planDir + "app-nacl-tightened.json", "--snapshot", threeTier, "--intents", planDir + "web-app.intents.yaml"}, exitUnreachable,
			"✗ the web tier reaches the app tier on 8000: holds → violated", ""},
		{"a new VPC alone: placeholders named by address", []string{"plan", planDir + "new-vpc.json"}, exitUnreachable,
			"+ 0.0.0.0/0 → eni-(aws_instance.web.primary_network_interface_id) [aws_instance.web]  tcp/443", ""},
		{"malformed JSON: exit 2, one line", []string{"plan", malformed}, exitBadInput, "", "not a Terraform plan: not JSON"},
		{"format version 2: exit 2, one line", []string{"plan", v2}, exitBadInput, "", `format_version "2.0"; vpcscope reads format 1.x`},
		{"a state instead of a plan: exit 2", []string{"plan", state}, exitBadInput, "", "this is a state"},
		{"a missing file: exit 2", []string{"plan", filepath.Join(dir, "none.json")}, exitBadInput, "", "read plan:"},
		{"-o dot is refused", []string{"plan", planDir + "db-open-world.json", "-o", "dot"}, exitBadInput, "", "want text, json, markdown or sarif"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runMain(t, "", append(c.args, "--no-color")...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, out, errOut)
			}
			if !strings.Contains(out, c.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", c.wantOut, out)
			}
			if !strings.Contains(errOut, c.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", c.wantErr, errOut)
			}
			if c.code == exitBadInput && strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("error on more than one line:\n%s", errOut)
			}
		})
	}
}

func TestPlanJSONNamesAddressesAndPlaceholders(t *testing.T) {
	code, out, errOut := runMain(t, "", "plan", planDir+"cache-inline-and-separate.json", "--snapshot", threeTier, "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Reachability struct {
			Gained []struct{ From, To []string }
		}
		Caveats []string
		Plan    struct {
			Network      string
			Addresses    map[string][]string
			Placeholders []struct{ Address, Attribute, Value string }
			Conflicts    []struct{ Owner, Rule string }
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Plan.Network != "snapshot" || len(rep.Plan.Conflicts) != 1 || rep.Plan.Conflicts[0].Owner != "aws_security_group.cache" {
		t.Errorf("plan summary %+v", rep.Plan)
	}
	if got := rep.Plan.Addresses["sg-(aws_security_group.cache)"]; !slices.Equal(got, []string{"aws_security_group.cache", "aws_security_group_rule.cache_from_web"}) {
		t.Errorf("addresses of the cache group %q", got)
	}
	if len(rep.Reachability.Gained) != 1 || !slices.Equal(rep.Reachability.Gained[0].To, []string{"eni-(aws_instance.cache.primary_network_interface_id)"}) {
		t.Errorf("gained %+v", rep.Reachability.Gained)
	}
	if !slices.ContainsFunc(rep.Caveats, func(c string) bool { return strings.Contains(c, "does not support both") }) ||
		!slices.ContainsFunc(rep.Caveats, func(c string) bool {
			return strings.Contains(c, "answers about eni-(aws_instance.cache.primary_network_interface_id) rest on values known only after apply")
		}) {
		t.Errorf("caveats %q", rep.Caveats)
	}
}

func TestPlanSARIFLocatesAtTerraformAddresses(t *testing.T) {
	code, out, _ := runMain(t, "", "plan", planDir+"db-open-public.json", "--snapshot", threeTier, "-o", "sarif")
	if code != exitUnreachable {
		t.Fatalf("exit %d", code)
	}
	var log sarifLog
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	var exposure *sarifResult
	for i, r := range log.Runs[0].Results {
		if r.RuleID == "plan-exposure" {
			exposure = &log.Runs[0].Results[i]
		}
	}
	if exposure == nil || exposure.Level != "error" || len(exposure.Locations) != 1 ||
		exposure.Locations[0].LogicalLocations[0].FullyQualifiedName != "aws_eip.db_1a" {
		t.Fatalf("exposure result %+v", exposure)
	}
}

func TestPlanMarkdownIsAComment(t *testing.T) {
	_, out, _ := runMain(t, "", "plan", planDir+"db-open-public.json", "--snapshot", threeTier, "-o", "markdown")
	for _, want := range []string{
		"### vpcscope: Terraform plan `db-open-public.json` **exposes something new to the internet or breaks an intent**",
		"| + | 0.0.0.0/0 | eni-00e52780529f06105 [aws_eip.db_1a] | tcp/3306 |",
		"| `aws_eip.db_1a` | public_ip | 198.18.0.1 (a public address AWS assigns at apply) |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
}

// --plan answers on the planned network and marks the answer.
func TestPlanFlagMarksAnswers(t *testing.T) {
	code, out, errOut := runMain(t, "", "exposure", "--snapshot", threeTier, "--plan", planDir+"db-open-public.json", "--port", "3306", "-o", "json")
	if code != exitOK && code != exitUnreachable {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Exposed []struct{ ID string }
		Planned *struct{ File string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Planned == nil || !strings.HasSuffix(rep.Planned.File, "db-open-public.json") {
		t.Errorf("answer not marked as planned: %s", out)
	}
	if !slices.ContainsFunc(rep.Exposed, func(x struct{ ID string }) bool { return x.ID == "eni-00e52780529f06105" }) {
		t.Errorf("db-1a not exposed on the planned network: %s", out)
	}
	code, out, _ = runMain(t, "", "reach", "--plan", planDir+"new-vpc.json", "--from", "internet", "--to", "lab-web", "--port", "443", "--no-color")
	if code != exitOK || !strings.Contains(out, "planned: answered on the network Terraform plan") {
		t.Errorf("reach on the new VPC alone (exit %d):\n%s", code, out)
	}
}

// The PR comment says what the plan opens, to whom, and by which path:
// each exposure gained is followed hop by hop on the planned network, each
// hop named with the Terraform addresses behind its resource.
func TestPlanMarkdownShowsThePathOfEachExposure(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want []string // lines of the path section; nil: no section
	}{
		{"a new VPC's web server, reached through the plan's gateway, ACL and group",
			[]string{"plan", planDir + "new-vpc.json", "-o", "markdown"}, []string{
				"**0.0.0.0/0 → eni-(aws_instance.web.primary_network_interface_id)  tcp/443** — the path from internet to `eni-(aws_instance.web.primary_network_interface_id)` (`aws_instance.web`) on tcp/443 (reachable):",
				"2. → forward internet-gateway (ingress) `igw-(aws_internet_gateway.lab)` ← `aws_internet_gateway.lab`",
				"4. ✓ allow security-group (inbound) `sg-(aws_security_group.web)` ← `aws_security_group.web`: ingress tcp/443 from 0.0.0.0/0",
				"5. ● arrive network-interface `eni-(aws_instance.web.primary_network_interface_id)` ← `aws_instance.web`",
			}},
		{"db-1a opened to the world: the rule resource that lets 3306 in is on the path",
			[]string{"plan", planDir + "db-open-public.json", "--snapshot", threeTier, "-o", "markdown"}, []string{
				"3. ✓ allow network-acl (inbound) `acl-0bbe693c8e98700d0` ← `aws_network_acl_rule.db_ephemeral_out`, `aws_network_acl_rule.db_mysql_in`: rule 110 allow tcp/1024-65535 0.0.0.0/0",
				"4. ✓ allow security-group (inbound) `sg-0a881a8838796aca3` ← `aws_security_group.db`, `aws_security_group_rule.db_mysql_world`: ingress tcp/3306 from 0.0.0.0/0",
				"5. ● arrive network-interface `eni-00e52780529f06105` ← `aws_eip.db_1a`",
			}},
		{"a plan that exposes nothing new has no path section",
			[]string{"plan", planDir + "edge-firewall-ssh.json", "--snapshot", threeTier, "-o", "markdown"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, out, errOut := runMain(t, "", c.args...)
			has := strings.Contains(out, "#### What the plan opens, to whom, with the path")
			if has != (c.want != nil) {
				t.Fatalf("path section present %v, want %v:\n%s%s", has, c.want != nil, out, errOut)
			}
			for _, line := range c.want {
				if !strings.Contains(out, "\n"+line+"\n") {
					t.Errorf("markdown lacks the line %q:\n%s", line, out)
				}
			}
		})
	}
}

// The firewall plan reports the SSH exposure lost, naming the planned
// firewall's rule group, and its placeholder endpoint with a caveat.
func TestPlanFirewallReport(t *testing.T) {
	code, out, errOut := runMain(t, "", "plan", planDir+"edge-firewall-ssh.json", "--snapshot", threeTier, "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d (a plan that only takes exposure away exits 0): %s", code, errOut)
	}
	var rep struct {
		Exposure struct{ Gained, Lost []struct{ From, To []string } }
		Caveats  []string
		Paths    []any
		Plan     struct{ Addresses map[string][]string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Exposure.Gained) != 0 || len(rep.Exposure.Lost) != 1 || rep.Exposure.Lost[0].To[0] != "eni-0364e794b59237163" ||
		rep.Exposure.Lost[0].From[0] != "203.0.113.0/24" {
		t.Errorf("exposure %+v, want web-1a's SSH from 203.0.113.0/24 lost", rep.Exposure)
	}
	rg := "arn:aws:network-firewall:us-east-1:111122223333:stateful-rulegroup/storefront-deny-ssh/(aws_networkfirewall_rule_group.deny_ssh)"
	if got := rep.Plan.Addresses[rg]; !slices.Equal(got, []string{"aws_networkfirewall_rule_group.deny_ssh"}) {
		t.Errorf("addresses of the rule group %q", got)
	}
	if !slices.ContainsFunc(rep.Caveats, func(c string) bool {
		return strings.Contains(c, "vpce-(aws_networkfirewall_firewall.edge us-east-1a)") && strings.Contains(c, "one per subnet mapping")
	}) {
		t.Errorf("no caveat about the placeholder endpoint: %q", rep.Caveats)
	}
	if rep.Paths == nil {
		t.Errorf("paths missing from the JSON (want [] when nothing is exposed)")
	}
}

// Placeholder IDs are declared: --plan --notes lists no malformed ID.
func TestPlanFlagPlaceholdersAreNoMalformedIDs(t *testing.T) {
	for _, plan := range []string{"new-vpc.json", "edge-firewall-ssh.json", "cache-inline-and-separate.json"} {
		args := []string{"exposure", "--plan", planDir + plan, "--notes"}
		if plan != "new-vpc.json" {
			args = append(args, "--snapshot", threeTier)
		}
		_, _, errOut := runMain(t, "", args...)
		for _, bad := range []string{"malformed", "should start with"} {
			if strings.Contains(errOut, bad) {
				t.Errorf("%s: stderr has %q:\n%s", plan, bad, errOut)
			}
		}
	}
}

// Answers on a planned network repeat the caveat `vpcscope plan` gives
// when their path crosses the endpoint placeholder of a firewall the plan
// creates, and only then: reach (text, JSON and --batch), who-can-reach
// and exposure. The edge firewall sits between the internet gateway and
// public-1a (web-1a); web-1b → app-1a crosses no firewall.
func TestPlanFlagAnswersThroughAPlaceholderFirewallEndpointSaySo(t *testing.T) {
	const endpoint = "vpce-(aws_networkfirewall_firewall.edge us-east-1a)"
	plan := planDir + "edge-firewall-ssh.json"
	caveatsOf := func(t *testing.T, out string) []string {
		t.Helper()
		var a struct{ Caveats []string }
		if err := json.Unmarshal([]byte(out), &a); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return a.Caveats
	}
	for _, c := range []struct {
		name  string
		stdin string
		args  []string
		json  bool
		want  bool // the endpoint caveat is there
	}{
		{"reach from the internet to web-1a crosses the endpoint", "",
			[]string{"reach", "--from", "203.0.113.10", "--to", "web-1a", "--port", "443", "-o", "json"}, true, true},
		{"a reach blocked by the planned rule group crosses it too", "",
			[]string{"reach", "--from", "203.0.113.10", "--to", "web-1a", "--port", "22", "-o", "json"}, true, true},
		{"reach text lists the caveat", "",
			[]string{"reach", "--from", "203.0.113.10", "--to", "web-1a", "--port", "443", "--no-color"}, false, true},
		{"reach between tiers crosses no firewall", "",
			[]string{"reach", "--from", "web-1b", "--to", "app-1a", "--port", "8000", "-o", "json"}, true, false},
		{"a batch answer through the endpoint", `{"from":"203.0.113.10","to":"web-1a","protocol":"tcp","port":443}` + "\n",
			[]string{"reach", "--batch", "-"}, true, true},
		{"who-can-reach web-1a: the internet's path crosses it", "",
			[]string{"who-can-reach", "--to", "web-1a", "--port", "443", "-o", "json"}, true, true},
		{"who-can-reach app-1a: no source's path crosses it", "",
			[]string{"who-can-reach", "--to", "app-1a", "--port", "8000", "-o", "json"}, true, false},
		{"exposure: web-1a's paths cross it", "",
			[]string{"exposure", "-o", "json"}, true, true},
		{"exposure text lists the caveat", "",
			[]string{"exposure", "--no-color"}, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runMain(t, c.stdin, append(c.args, "--snapshot", threeTier, "--plan", plan)...)
			if code != exitOK && code != exitUnreachable {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var got bool
			if c.json {
				got = slices.ContainsFunc(caveatsOf(t, out), func(s string) bool {
					return strings.Contains(s, endpoint) && strings.Contains(s, "aws_networkfirewall_firewall.edge") && strings.Contains(s, "AWS creates the endpoint at apply")
				})
			} else {
				got = strings.Contains(out, "cross its endpoint placeholder "+endpoint)
			}
			if got != c.want {
				t.Errorf("endpoint caveat %v, want %v:\n%s", got, c.want, out)
			}
		})
	}
}
