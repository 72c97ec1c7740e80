package audit_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/audit"
)

// TestFlowLogControl: EC2.6 / CIS 3.7 — "VPC flow logging should be
// enabled in all VPCs" (Security Hub checks for a flow log recording
// REJECT traffic) — is checked only when the snapshot holds the flow-log
// configuration; a VPC passes with an active flow log of REJECT or ALL
// traffic on itself, or on every subnet (or every interface of a subnet).
func TestFlowLogControl(t *testing.T) {
	base, err := fixtures.Load("three-tier")
	if err != nil {
		t.Fatal(err)
	}
	vpc := base.VPCs[0]
	ix := model.NewIndex(base)
	subnets := ix.VPCSubnets(vpc.ID)
	fl := func(id, resource, traffic string) *model.FlowLog {
		return &model.FlowLog{Meta: model.Meta{ID: id, Account: vpc.Account, Region: vpc.Region}, ResourceID: resource,
			TrafficType: traffic, Status: "ACTIVE", DeliverLogsStatus: "SUCCESS"}
	}
	tests := []struct {
		name       string
		listed     bool
		logs       []*model.FlowLog
		gap        bool
		finding    string // "" for none on the VPC
		notChecked string
	}{
		{"a snapshot without flow-log configuration: not checked, no finding", false, nil, false, "",
			"holds no flow-log configuration"},
		{"listed and none: the VPC fails", true, nil, false, "no flow log records this VPC's rejected traffic", ""},
		{"a REJECT flow log on the VPC passes", true, []*model.FlowLog{fl("fl-0000000000000000a", vpc.ID, "REJECT")}, false, "", ""},
		{"an ALL flow log on the VPC passes", true, []*model.FlowLog{fl("fl-0000000000000000a", vpc.ID, "ALL")}, false, "", ""},
		{"an ACCEPT-only flow log does not record rejected traffic", true, []*model.FlowLog{fl("fl-0000000000000000a", vpc.ID, "ACCEPT")}, false,
			"records only ACCEPT traffic", ""},
		{"a flow log whose delivery failed does not count", true, []*model.FlowLog{func() *model.FlowLog {
			f := fl("fl-0000000000000000a", vpc.ID, "ALL")
			f.DeliverLogsStatus = "FAILED"
			return f
		}()}, false, "is failed", ""},
		{"one subnet of several covered: fails, saying how many", true, []*model.FlowLog{fl("fl-0000000000000000b", subnets[0].ID, "ALL")}, false,
			"only 1 of its", ""},
		{"DescribeFlowLogs failed in the scope: not checked there, with the gap", true, nil, true, "", "UnauthorizedOperation"},
	}
	if len(subnets) < 2 {
		t.Fatalf("fixture VPC %s has %d subnets; the test wants several", vpc.ID, len(subnets))
	}
	all := func() []*model.FlowLog {
		var out []*model.FlowLog
		for i, sn := range subnets {
			out = append(out, fl("fl-00000000000000"+string(rune('1'+i))+"c", sn.ID, "REJECT"))
		}
		return out
	}()
	tests = append(tests, struct {
		name       string
		listed     bool
		logs       []*model.FlowLog
		gap        bool
		finding    string
		notChecked string
	}{"every subnet covered passes", true, all, false, "", ""})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := fixtures.Load("three-tier")
			s.FlowLogsListed, s.FlowLogs = tt.listed, tt.logs
			if tt.gap {
				s.Gaps = append(s.Gaps, model.Gap{Account: vpc.Account, Region: vpc.Region, Kind: model.KindFlowLog,
					Operation: "DescribeFlowLogs", Code: "UnauthorizedOperation", Reason: "not allowed"})
			}
			rep, err := audit.Run(reach.New(s), nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range rep.Findings {
				if slices.Contains(f.Controls, "EC2.6") && f.Resource == vpc.ID {
					got = append(got, f.Message)
				}
			}
			switch {
			case tt.finding == "" && len(got) > 0:
				t.Errorf("findings %v, want none", got)
			case tt.finding != "" && (len(got) != 1 || !strings.Contains(got[0], tt.finding)):
				t.Errorf("findings %v, want one containing %q", got, tt.finding)
			}
			nc := strings.Join(rep.NotChecked, "\n")
			if (tt.notChecked == "") != !strings.Contains(nc, "EC2.6") || !strings.Contains(nc, tt.notChecked) {
				t.Errorf("not checked %q, want %q", nc, tt.notChecked)
			}
		})
	}
}

// TestFindingCitesRecordedTraffic: with flow logs, a rule open to the
// world cites the traffic from the internet recorded through it.
func TestFindingCitesRecordedTraffic(t *testing.T) {
	s, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	e := reach.New(s)
	jump := e.Index().ByName("windows-jump-1")
	if len(jump) != 1 {
		t.Fatalf("windows-jump-1: %v", jump)
	}
	eni := e.Index().InstanceInterfaces(jump[0].Base().ID)[0].ID
	rep, err := audit.RunWith(e, audit.Options{Traffic: []audit.Traffic{
		{Interface: eni, Protocol: model.ProtocolTCP, Port: 22, Records: 3118, Packets: 40000},
		{Interface: eni, Protocol: model.ProtocolTCP, Port: 8443, Records: 5}, // no rule of the finding opens it
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.Resource == "sg-075ef02371207f9e1" && slices.Contains(f.Controls, "EC2.13") {
			want := "the internet reached tcp/22 on " + eni + " (windows-jump-1) 3,118 times in these logs"
			if !strings.Contains(f.Message, want) || len(f.Recorded) != 1 || f.Recorded[0].Records != 3118 {
				t.Fatalf("finding %q, recorded %+v; want it to say %q", f.Message, f.Recorded, want)
			}
			return
		}
	}
	t.Fatal("no EC2.13 finding on sg-075ef02371207f9e1")
}
