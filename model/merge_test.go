package model

import (
	"testing"
	"time"
)

func TestMerge(t *testing.T) {
	t1 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Hour)
	a := &Snapshot{
		Schema:  SchemaVersion,
		TakenAt: t2,
		Source:  "fixture",
		Scopes:  []Scope{{"111122223333", "us-east-1"}},
		Gaps:    []Gap{{Kind: KindLoadBalancer, Reason: "denied"}},
		VPCs:    []*VPC{{Meta: Meta{ID: "vpc-a"}}},
		Subnets: []*Subnet{{Meta: Meta{ID: "subnet-a"}, VPCID: "vpc-a"}},
	}
	b := &Snapshot{
		TakenAt: t1,
		Scopes:  []Scope{{"111122223333", "us-east-1"}, {"444455556666", "us-east-1"}},
		VPCs:    []*VPC{{Meta: Meta{ID: "vpc-b"}}},
		TGWRouteTables: []*TGWRouteTable{
			{Meta: Meta{ID: "tgw-rtb-b"}, TransitGatewayID: "tgw-b"},
		},
	}
	m := Merge(a, nil, b)

	if m.Schema != SchemaVersion || m.Source != "" {
		t.Errorf("schema %d source %q, want %d and empty", m.Schema, m.Source, SchemaVersion)
	}
	if !m.TakenAt.Equal(t1) {
		t.Errorf("TakenAt = %v, want the earliest %v", m.TakenAt, t1)
	}
	if len(m.Scopes) != 2 || m.Scopes[0] != a.Scopes[0] || m.Scopes[1] != b.Scopes[1] {
		t.Errorf("Scopes = %v, want each once in first-seen order", m.Scopes)
	}
	if len(m.Gaps) != 1 {
		t.Errorf("Gaps = %v, want a's one gap", m.Gaps)
	}
	if len(m.VPCs) != 2 || m.VPCs[0].ID != "vpc-a" || m.VPCs[1].ID != "vpc-b" {
		t.Errorf("VPCs = %v, want vpc-a then vpc-b", m.VPCs)
	}
	want := len(a.VPCs) + len(a.Subnets) + len(b.VPCs) + len(b.TGWRouteTables)
	got := 0
	for range m.All() {
		got++
	}
	if got != want {
		t.Errorf("merged %d resources, want %d", got, want)
	}
	if m.VPCs[0] != a.VPCs[0] {
		t.Error("Merge copied a resource; it should share the input's pointer")
	}
	if empty := Merge(); empty.Schema != SchemaVersion || len(empty.VPCs) != 0 {
		t.Errorf("Merge() = %+v, want an empty snapshot", empty)
	}
}
