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
