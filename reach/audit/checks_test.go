package audit_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/audit"
)

func fixtureReport(t *testing.T, name string, edit func(*model.Snapshot)) (*audit.Report, *reach.Engine) {
	t.Helper()
	s, err := fixtures.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(s)
	}
	e := reach.New(s)
	rep, err := audit.Run(e, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep, e
}

// TestBrokenFixtureEveryMistakeFound: every mistake planted in the broken
// fixture (fixtures/README.md, "broken") is found, on the resource that
// holds it, with the control that names it.
func TestBrokenFixtureEveryMistakeFound(t *testing.T) {
	rep, _ := fixtureReport(t, "broken", nil)
	tests := []struct {
		mistake  string
		control  string
		resource string // a Name tag or ID
		message  string
	}{
		{"a NACL without ephemeral return ports", "VPCSCOPE.NACL_NO_RETURN", "acl-0137e764b1b86435c", "no outbound entry allows their replies"},
		{"a NACL deny that shadows an allow", "VPCSCOPE.SHADOWED_NACL_ENTRY", "acl-0d779d5c16b6df258", "ingress rule 90 deny tcp/8000-8999"},
		{"a blackhole route to a deleted NAT gateway", "VPCSCOPE.BLACKHOLE", "rtb-0651ec8ad9dd09aa4", "nat-06491be62e95606ed"},
		{"an instance in a public subnet without a public IP", "VPCSCOPE.PUBLIC_SUBNET_NO_ADDRESS", "i-006bfd0758fdf6c8a", "cannot carry its traffic"},
		{"SSH open to the world", "EC2.13", "sg-075ef02371207f9e1", "tcp/22 to 0.0.0.0/0"},
		{"RDP open to the world", "EC2.14", "sg-075ef02371207f9e1", "tcp/3389 to 0.0.0.0/0"},
		{"SSH and RDP reached from the internet, with the sources", "VPCSCOPE.INTERNET_ADMIN_DB", "i-03b5408b9dfcf0eec", "tcp/22 (management) at 34.201.18.240 from any IPv4 internet address"},
		{"a default security group opened to 0.0.0.0/0", "EC2.2", "sg-04d9865d982f9cf92", "2 inbound rules"},
		{"a rule referencing a deleted group", "VPCSCOPE.STALE_REFERENCE", "sg-0f6663eff661a0a64", "sg-0b0b1427dbbf88938"},
		{"a would-be NAT instance with source/dest check on", "VPCSCOPE.SOURCE_DEST_CHECK", "i-070351c794d2d02e0", "source/destination check is on"},
	}
	for _, tt := range tests {
		t.Run(tt.mistake, func(t *testing.T) {
			for _, f := range rep.Findings {
				if slices.Contains(f.Controls, tt.control) && f.Resource == tt.resource && strings.Contains(f.Message, tt.message) {
					return
				}
			}
			var got []string
			for _, f := range rep.Findings {
				if f.Resource == tt.resource {
					got = append(got, f.Fingerprint+": "+f.Message)
				}
			}
			t.Fatalf("no %s finding on %s mentioning %q; on it: %q", tt.control, tt.resource, tt.message, got)
		})
	}
}

// TestCorrectFixturesNoFalseExposure: on the fixtures built to be right,
// every exposure a finding cites holds: a packet from one of its sources
// reaches the public address on its protocol and port, both ways, as a
// point query answers it.
func TestCorrectFixturesNoFalseExposure(t *testing.T) {
	for _, name := range []string{"three-tier", "hub-and-spoke", "peering"} {
		t.Run(name, func(t *testing.T) {
			rep, e := fixtureReport(t, name, nil)
			n := 0
			for _, f := range rep.Findings {
				for _, x := range f.Evidence {
					if x.Protocol != "tcp" && x.Protocol != "udp" {
						continue
					}
					p, err := netip.ParsePrefix(x.Sources[0])
					if err != nil {
						t.Fatalf("%s: source %q: %v", f.Fingerprint, x.Sources[0], err)
					}
					proto, _ := model.ParseProtocol(x.Protocol)
					ans, err := e.Reach(reach.Query{From: p.Addr().Next().String(), To: x.PublicIP, Protocol: proto, Port: int(x.PortRanges[0].From)})
					if err != nil {
						t.Fatal(err)
					}
					if !ans.Reachable {
						t.Errorf("%s cites %s, but %s -> %s %s/%d is blocked: %+v", f.Fingerprint, x.ID, p.Addr().Next(), x.PublicIP, x.Protocol, x.PortRanges[0].From, ans.Blocked)
					}
					n++
				}
				for _, id := range f.Controls {
					if id == "VPCSCOPE.NACL_NO_RETURN" || id == "VPCSCOPE.SHADOWED_NACL_ENTRY" || id == "VPCSCOPE.SOURCE_DEST_CHECK" || id == "VPCSCOPE.PUBLIC_SUBNET_NO_ADDRESS" {
						t.Errorf("a mistake the fixture does not hold: %s %s", f.Fingerprint, f.Message)
					}
				}
			}
			t.Logf("%d exposures checked", n)
		})
	}
}

// TestInternetAdminDBSeverity: a management port the whole internet
// reaches is high; one only a corporate range reaches is medium, with the
// range named.
func TestInternetAdminDBSeverity(t *testing.T) {
	rep, _ := fixtureReport(t, "three-tier", nil)
	for _, f := range rep.Findings {
		if f.Resource == "i-0f31c15d5092d9efa" && slices.Contains(f.Controls, "VPCSCOPE.INTERNET_ADMIN_DB") {
			if f.Severity != audit.Medium || !strings.Contains(f.Message, "from 203.0.113.0/24") || len(f.Evidence) == 0 || len(f.Evidence[0].Path) == 0 {
				t.Fatalf("web-1a: %s %s %+v", f.Severity, f.Message, f.Evidence)
			}
			return
		}
	}
	t.Fatal("no finding for web-1a's SSH from the corporate range")
}

// TestWAFControl: ELB.16 — "Application Load Balancers should be
// associated with an AWS WAF web ACL" — on the three-tier fixture's
// internet-facing ALB: checked only when the web ACLs were read, medium
// when the engine finds the internet reaching the ALB, passed when a web
// ACL lists it, not checked (with the gap) where the call failed.
func TestWAFControl(t *testing.T) {
	const alb = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/storefront-alb/50dc6c495c0c9188"
	tests := []struct {
		name       string
		edit       func(*model.Snapshot)
		severity   audit.Severity // "" for no finding
		notChecked string
	}{
		{"web ACLs not read: not checked, saying what is missing", nil, "", "list-web-acls"},
		{"read, and none protects the ALB the internet reaches: medium", func(s *model.Snapshot) { s.WebACLsListed = true }, audit.Medium, ""},
		{"a web ACL protects the ALB: passes", func(s *model.Snapshot) {
			s.WebACLsListed = true
			s.WebACLs = []*model.WebACL{{Meta: model.Meta{ID: "arn:aws:wafv2:us-east-1:111122223333:regional/webacl/w/1"}, Resources: []string{alb}}}
		}, "", ""},
		{"ListWebACLs denied: not checked there, with the call", func(s *model.Snapshot) {
			s.WebACLsListed = true
			s.Gaps = append(s.Gaps, model.Gap{Account: "111122223333", Region: "us-east-1", Kind: model.KindWebACL, Operation: "ListWebACLs", Code: "AccessDeniedException", Reason: "not allowed"})
		}, "", "ListWebACLs: AccessDeniedException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, _ := fixtureReport(t, "three-tier", func(s *model.Snapshot) {
				if len(s.LoadBalancers) == 0 || s.LoadBalancers[0].ID != alb {
					t.Fatalf("fixture load balancers changed")
				}
				if tt.edit != nil {
					tt.edit(s)
				}
			})
			var got *audit.Finding
			for i, f := range rep.Findings {
				if slices.Contains(f.Controls, "ELB.16") {
					got = &rep.Findings[i]
				}
			}
			switch {
			case tt.severity == "" && got != nil:
				t.Errorf("finding %s, want none", got.Message)
			case tt.severity != "" && (got == nil || got.Severity != tt.severity || len(got.Evidence) == 0):
				t.Errorf("finding %+v, want %s with evidence", got, tt.severity)
			}
			nc := strings.Join(rep.NotChecked, "\n")
			if (tt.notChecked != "") != strings.Contains(nc, "ELB.16") || !strings.Contains(nc, tt.notChecked) {
				t.Errorf("not checked %q, want %q", nc, tt.notChecked)
			}
		})
	}
}

// TestShieldControl: a load balancer the internet reaches without an AWS
// Shield Advanced protection is a low finding when the account subscribes
// and informational when it does not; a protected one passes; without the
// subscription state the control is not checked.
func TestShieldControl(t *testing.T) {
	const alb = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/storefront-alb/50dc6c495c0c9188"
	tests := []struct {
		name       string
		shield     []model.ShieldState
		protect    bool
		severity   audit.Severity
		notChecked bool
	}{
		{"subscription state not read", nil, false, "", true},
		{"no subscription: informational", []model.ShieldState{{Account: "111122223333"}}, false, audit.Info, false},
		{"subscribed, not protected: low", []model.ShieldState{{Account: "111122223333", Subscribed: true}}, false, audit.Low, false},
		{"subscribed and protected: passes", []model.ShieldState{{Account: "111122223333", Subscribed: true}}, true, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, _ := fixtureReport(t, "three-tier", func(s *model.Snapshot) {
				s.Shield = tt.shield
				if tt.protect {
					s.ShieldProtections = []*model.ShieldProtection{{Meta: model.Meta{ID: "p-1", Account: "111122223333"}, ResourceARN: alb}}
				}
			})
			var sev audit.Severity
			for _, f := range rep.Findings {
				if slices.Contains(f.Controls, "VPCSCOPE.SHIELD_ADVANCED") && f.Resource == alb {
					sev = f.Severity
				}
			}
			if sev != tt.severity {
				t.Errorf("severity %q, want %q", sev, tt.severity)
			}
			if got := strings.Contains(strings.Join(rep.NotChecked, "\n"), "subscription state"); got != tt.notChecked {
				t.Errorf("not checked %v, want %v: %q", got, tt.notChecked, rep.NotChecked)
			}
		})
	}
}

// TestControlsNotCheckedSayWhatTheyLacked: controls whose data the model
// does not hold are listed as not checked, each with the data it lacked,
// never silently passed.
func TestControlsNotCheckedSayWhatTheyLacked(t *testing.T) {
	rep := demoReport(t)
	for _, want := range []string{"APIGateway.4", "EC2.6", "ELB.16"} {
		found := false
		for _, u := range rep.Unchecked {
			if strings.HasPrefix(u.Control, want) && u.Lacked != "" {
				found = true
			}
		}
		if !found {
			t.Errorf("%s is not listed as not checked: %+v", want, rep.Unchecked)
		}
	}
	if len(rep.NotChecked) != len(rep.Unchecked) {
		t.Errorf("notChecked %d lines, unchecked %d", len(rep.NotChecked), len(rep.Unchecked))
	}
}

// TestFingerprintsAreUniqueAndStable: every finding of the demo has its
// own fingerprint, and the fingerprint is its first control, resource and
// rule — not its message, which changes with the evidence.
func TestFingerprintsAreUniqueAndStable(t *testing.T) {
	rep := demoReport(t)
	seen := map[string]string{}
	for _, f := range rep.Findings {
		if prev, ok := seen[f.Fingerprint]; ok {
			t.Errorf("fingerprint %q twice: %q and %q", f.Fingerprint, prev, f.Message)
		}
		seen[f.Fingerprint] = f.Message
		g := f
		g.Message, g.Severity, g.Evidence = "changed", audit.Low, nil
		if audit.FingerprintOf(&g) != f.Fingerprint {
			t.Errorf("fingerprint follows the message or evidence: %q", f.Fingerprint)
		}
	}
}
