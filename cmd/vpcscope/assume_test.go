package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// Demo IDs: the db tier's group and subnet ACL, the web tier's group.
const (
	demoDBSG  = "sg-0a881a8838796aca3"
	demoWebSG = "sg-0afa569aa3fb873cc"
	demoDBACL = "acl-0bbe693c8e98700d0"
)

// TestReachAssumeShowsTheNextBlocker: the README's journey on the command
// line. web-1a → db-1a on 3306 is blocked by the db group; assuming a rule
// for the web group, the next blocker is the db subnet's network ACL on
// the return path, and the answer says it is a what-if.
func TestReachAssumeShowsTheNextBlocker(t *testing.T) {
	rule := demoDBSG + " ingress tcp 3306 from " + demoWebSG
	args := []string{"reach", "--demo", "--from", "web-1a", "--to", "db-1a", "--port", "3306", "-o", "json"}

	type answer struct {
		Reachable bool   `json:"reachable"`
		Verdict   string `json:"verdict"`
		Blocked   *struct {
			Layer, Resource, Direction string
		} `json:"blocked"`
		Assumed []string `json:"assumed"`
	}
	for _, tt := range []struct {
		name          string
		assume        []string
		wantCode      int
		wantBlock     [3]string // layer, resource, direction; empty when reachable
		wantAssumed   []string
		wantNoAssumed bool
	}{
		{"without --assume the db group blocks, and the answer has no assumed field", nil, 1,
			[3]string{"security-group", demoDBSG, "forward"}, nil, true},
		{"assuming the rule for the web group, the db subnet's ACL blocks the reply", []string{rule}, 1,
			[3]string{"network-acl", demoDBACL, "return"}, []string{rule}, false},
		{"names resolve to IDs in the assumed list", []string{"storefront-db-sg ingress tcp 3306 from storefront-web-sg"}, 1,
			[3]string{"network-acl", demoDBACL, "return"}, []string{rule}, false},
		{"assuming an outbound ACL entry too, it is reachable", []string{rule, "storefront-db-nacl outbound 105 allow tcp 1024-65535 10.0.0.0/24"}, 0,
			[3]string{}, []string{rule, demoDBACL + " outbound 105 allow tcp 1024-65535 10.0.0.0/24"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := args
			for _, e := range tt.assume {
				a = append(a, "--assume", e)
			}
			code, out, errOut := runMain(t, "", a...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.wantCode, out, errOut)
			}
			var got answer
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out)
			}
			var block [3]string
			if got.Blocked != nil {
				block = [3]string{got.Blocked.Layer, got.Blocked.Resource, got.Blocked.Direction}
			}
			if block != tt.wantBlock || got.Reachable != (tt.wantCode == 0) {
				t.Errorf("blocked %v reachable %v, want %v", block, got.Reachable, tt.wantBlock)
			}
			if !slices.Equal(got.Assumed, tt.wantAssumed) {
				t.Errorf("assumed %q, want %q", got.Assumed, tt.wantAssumed)
			}
			if tt.wantNoAssumed && strings.Contains(out, `"assumed"`) {
				t.Error("a plain answer carries an assumed field")
			}
		})
	}
}

// TestAssumeMarksEveryQuestion: who-can-reach, exposure and reach (text,
// JSON and batch) say that they answer a what-if, and use the edits.
func TestAssumeMarksEveryQuestion(t *testing.T) {
	rule := demoDBSG + " ingress tcp 3306 from " + demoWebSG
	ret := demoDBACL + " outbound 105 allow tcp 1024-65535 10.0.0.0/24"
	for _, tt := range []struct {
		name  string
		stdin string
		args  []string
		want  []string
		not   []string
	}{
		{"reach text starts with the what-if banner", "",
			[]string{"reach", "--demo", "--from", "web-1a", "--to", "db-1a", "--port", "3306", "--assume", rule},
			[]string{"what-if: answered with 1 assumed change, nothing changed in AWS\n  assumed: " + rule, "blocked on the return path"}, nil},
		{"who-can-reach lists the web tier once both edits are assumed", "",
			[]string{"who-can-reach", "--demo", "--to", "db-1a", "--port", "3306", "-o", "json", "--assume", rule, "--assume", ret},
			[]string{`"assumed": [`, `"name": "web-1a"`}, nil},
		{"who-can-reach text has the banner", "",
			[]string{"who-can-reach", "--demo", "--to", "db-1a", "--port", "3306", "--assume", rule},
			[]string{"what-if: answered with 1 assumed change", "web-1b"}, nil},
		{"exposure no longer lists web-1a on 443 over IPv4 once its rule is disabled", "",
			[]string{"exposure", "--demo", "--assume", "disable storefront-web-sg ingress 2"},
			[]string{"what-if: answered with 1 assumed change", "assumed: disable " + demoWebSG + " ingress 2"},
			[]string{"3.83.201.14      tcp/443"}},
		{"exposure JSON carries the assumed edits", "",
			[]string{"exposure", "--demo", "-o", "json", "--assume", "disable storefront-web-sg ingress 2"},
			[]string{`"assumed": [`, `"exposed": [`}, nil},
		{"every batch answer carries the assumed edits", `{"from":"web-1a","to":"db-1a","port":3306}` + "\n" + `{"from":"app-1a","to":"db-1a","port":3306}` + "\n",
			[]string{"reach", "--demo", "--batch", "-", "--assume", rule},
			[]string{`"assumed":["` + rule + `"]}` + "\n" + `{"query"`}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, out, errOut := runMain(t, tt.stdin, tt.args...)
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s%s", w, out, errOut)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(out, w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestBadAssumeIsAOneLineUsageError: an --assume that does not parse, or
// that AWS would refuse, is a one-line error and exit status 2.
func TestBadAssumeIsAOneLineUsageError(t *testing.T) {
	for _, tt := range []struct{ name, edit, want string }{
		{"bad syntax", demoDBSG + " ingress tcp from 10.0.0.0/8", "tcp needs ports"},
		{"an unknown resource", "sg-ffffffffffffffff ingress tcp 22 from 10.0.0.0/8", "no security-group, network-acl, route-table"},
		{"a NACL's default rule cannot be edited", "disable storefront-db-nacl inbound 32767", "the default rule * of " + demoDBACL + " cannot be changed"},
		{"a rule number in use", "storefront-db-nacl inbound 100 allow tcp 22 10.0.0.0/8", "already has inbound entry 100"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, cmd := range [][]string{
				{"reach", "--demo", "--from", "web-1a", "--to", "db-1a", "--port", "3306"},
				{"who-can-reach", "--demo", "--to", "db-1a", "--port", "3306"},
				{"exposure", "--demo"},
			} {
				code, out, errOut := runMain(t, "", append(cmd, "--assume", tt.edit)...)
				if code != 2 {
					t.Fatalf("%s: exit %d, want 2\n%s%s", cmd[0], code, out, errOut)
				}
				if !strings.Contains(errOut, "--assume "+`"`) || !strings.Contains(errOut, tt.want) {
					t.Errorf("%s: stderr %q lacks %q", cmd[0], errOut, tt.want)
				}
				if strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
					t.Errorf("%s: error is not one line:\n%s", cmd[0], errOut)
				}
			}
		})
	}
}
