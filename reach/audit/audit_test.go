package audit_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/audit"
)

func demoReport(t *testing.T) *audit.Report {
	t.Helper()
	s, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Run(reach.New(s), nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestControls checks each control on the demo account: the resource that
// fails it, every control the finding cites, and its severity — high only
// when the engine finds the internet actually reaching through the rule.
func TestControls(t *testing.T) {
	rep := demoReport(t)
	tests := []struct {
		name     string
		resource string
		controls []string
		severity audit.Severity
		message  string
		exposed  string
	}{
		{"EC2.13/EC2.53: SSH open to 0.0.0.0/0, exposed through windows-jump-1, is high", "sg-075ef02371207f9e1",
			[]string{"EC2.13", "EC2.53", "EC2.19", "EC2.18"}, audit.High, "tcp/22 to 0.0.0.0/0", "windows-jump-1 34.201.18.240 tcp/22"},
		{"EC2.14/EC2.53: RDP open to 0.0.0.0/0 is high", "sg-075ef02371207f9e1",
			[]string{"EC2.14", "EC2.53", "EC2.19", "EC2.18"}, audit.High, "tcp/3389 to 0.0.0.0/0", "windows-jump-1 34.201.18.240 tcp/3389"},
		{"EC2.19/EC2.18: all traffic open to the world on the default group", "sg-04d9865d982f9cf92",
			[]string{"EC2.13", "EC2.14", "EC2.53", "EC2.19", "EC2.18"}, audit.High, "all traffic to 0.0.0.0/0", "legacy-app-1"},
		{"EC2.2: a default security group in use has rules", "sg-04d9865d982f9cf92",
			[]string{"EC2.2"}, audit.Medium, "used by 1 interface", ""},
		{"EC2.21: a network ACL lets the world in on port 22", "acl-0b662c185a9ec2a2d",
			[]string{"EC2.21"}, audit.Medium, "tcp/22", ""},
		{"EC2.9: an instance with a public IPv4 address", "i-0f31c15d5092d9efa",
			[]string{"EC2.9"}, audit.Low, "3.83.201.14", ""},
		{"EC2.15: a subnet that maps public IPs on launch", "subnet-063971d5ea449ea1a",
			[]string{"EC2.15"}, audit.Low, "public IPv4 address", ""},
		{"CIS 5.6: a peering route wider than the peer VPC", "rtb-0c65204a86f7564ec",
			[]string{"CIS 5.6"}, audit.Medium, "10.22.0.0/16", ""},
		{"blackhole route to a deleted NAT gateway", "rtb-0651ec8ad9dd09aa4",
			[]string{"VPCSCOPE.BLACKHOLE"}, audit.Medium, "nat-06491be62e95606ed", ""},
		{"a rule referencing a deleted security group", "sg-0f6663eff661a0a64",
			[]string{"VPCSCOPE.STALE_REFERENCE"}, audit.Low, "sg-0b0b1427dbbf88938", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, f := range rep.Findings {
				if f.Resource != tt.resource || !slices.Equal(f.Controls, tt.controls) || !strings.Contains(f.Message, tt.message) {
					continue
				}
				if f.Severity != tt.severity {
					t.Fatalf("severity %s, want %s: %s", f.Severity, tt.severity, f.Message)
				}
				if tt.exposed != "" && !slices.ContainsFunc(f.Exposed, func(x string) bool { return strings.Contains(x, tt.exposed) }) {
					t.Fatalf("exposed %v lacks %q", f.Exposed, tt.exposed)
				}
				if len(f.ControlRefs) == 0 || f.ControlRefs[0].Title == "" {
					t.Fatalf("finding cites no control title: %+v", f)
				}
				return
			}
			t.Fatalf("no finding on %s for %v mentioning %q", tt.resource, tt.controls, tt.message)
		})
	}
}

// TestAuthorizedRulesAreNotFindings: HTTPS open to the world is EC2.18's
// authorized case, and SSH from a corporate range is not open to the world.
func TestAuthorizedRulesAreNotFindings(t *testing.T) {
	rep := demoReport(t)
	for _, f := range rep.Findings {
		if f.Resource == "sg-0afa569aa3fb873cc" { // storefront-web-sg: 80/443 from anywhere, 22 from 203.0.113.0/24
			t.Errorf("storefront-web-sg should pass every control: %+v", f)
		}
	}
}

func TestCatalogueNamesEveryCitedControl(t *testing.T) {
	cs, err := audit.Controls()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, c := range cs {
		if c.ID == "" || c.Title == "" || c.Framework == "" {
			t.Errorf("incomplete control %+v", c)
		}
		known[c.ID] = true
	}
	for _, f := range demoReport(t).Findings {
		for _, id := range f.Controls {
			if !known[id] {
				t.Errorf("finding cites %s, which the catalogue lacks", id)
			}
		}
	}
}

// TestOnPremisesTrafficIsNotInternetExposure: a network declared beyond a
// VPN or Direct Connect link (--onprem) is not the internet; what it
// reaches (the hybrid fixture's datacenter reaches hq-db-1 on tcp/5432)
// must not become an internet finding. The controls cite the internet
// (CIS 5.2/5.3, EC2.13/EC2.14/EC2.53: "from 0.0.0.0/0 or ::/0"). With the
// network declared, the audit finds exactly what it finds without it.
func TestOnPremisesTrafficIsNotInternetExposure(t *testing.T) {
	s, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	dc, err := reach.ParseOnPrem("datacenter=10.200.0.0/16")
	if err != nil {
		t.Fatal(err)
	}
	e := reach.New(s)
	withDC, err := e.WithOnPrem([]reach.OnPremNetwork{dc})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(withDC.Exposure(reach.ExposureOptions{}).Exposed, func(x reach.Exposed) bool { return x.OnPrem == "datacenter" }) {
		t.Fatal("the datacenter reaches nothing in the demo: the test no longer checks anything")
	}
	key := func(f audit.Finding) string {
		return strings.Join(f.Controls, ",") + "|" + f.Resource + "|" + f.Rule + "|" + f.Message + "|" + strings.Join(f.Exposed, ";")
	}
	findings := func(e *reach.Engine) []string {
		rep, err := audit.Run(e, nil)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range rep.Findings {
			out = append(out, key(f))
		}
		slices.Sort(out)
		return out
	}
	without, with := findings(e), findings(withDC)
	for _, f := range with {
		if !slices.Contains(without, f) {
			t.Errorf("a finding only with the datacenter declared: %s", f)
		}
	}
	for _, f := range without {
		if !slices.Contains(with, f) {
			t.Errorf("a finding lost with the datacenter declared: %s", f)
		}
	}
}
