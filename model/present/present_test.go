package present_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/model/present"
)

func demo(t *testing.T) (*model.Snapshot, *model.Index) {
	t.Helper()
	s, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	return s, model.NewIndex(s)
}

// kindSample is one resource of every kind: the demo's, and a flow log,
// VPN gateway and endpoint service the demo lacks.
func kindSample(t *testing.T) (*model.Snapshot, map[model.Kind]model.Resource) {
	s, _ := demo(t)
	s.FlowLogs = append(s.FlowLogs, &model.FlowLog{Meta: model.Meta{ID: "fl-1", Region: "us-east-1"}, ResourceID: s.VPCs[0].ID,
		TrafficType: "REJECT", Status: "ACTIVE"})
	s.VPNGateways = append(s.VPNGateways, &model.VPNGateway{Meta: model.Meta{ID: "vgw-1", Region: "us-east-1"}, State: "available",
		Attachments: []model.GatewayAttachment{{VPCID: s.VPCs[0].ID, State: "attached"}}})
	s.VPCEndpointServices = append(s.VPCEndpointServices, &model.VPCEndpointService{Meta: model.Meta{ID: "vpce-svc-0123456789abcdef0", Region: "us-east-1"},
		ServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", ServiceType: "GatewayLoadBalancer", State: "Available"})
	lb := s.LoadBalancers[0].ID
	s.WebACLs = append(s.WebACLs, &model.WebACL{Meta: model.Meta{ID: "arn:aws:wafv2:us-east-1:111122223333:regional/webacl/edge/1", Region: "us-east-1"},
		WebACLName: "edge", WebACLID: "1", Resources: []string{lb}})
	s.ShieldProtections = append(s.ShieldProtections, &model.ShieldProtection{Meta: model.Meta{ID: "prot-1", Region: "us-east-1"},
		ProtectionName: "alb", ResourceARN: lb})
	out := map[model.Kind]model.Resource{}
	for r := range s.All() {
		if out[r.Kind()] == nil {
			out[r.Kind()] = r
		}
	}
	return s, out
}

// TestEveryKindIsPresented: every kind of the model gets fields with its
// ID, a table with one row per resource and as many cells as columns, a
// summary or name, and a console address.
func TestEveryKindIsPresented(t *testing.T) {
	s, sample := kindSample(t)
	ix := model.NewIndex(s)
	p := present.New(ix, model.NewGraph(ix), nil)
	for _, k := range model.Kinds() {
		t.Run(string(k), func(t *testing.T) {
			r := sample[k]
			if r == nil {
				t.Fatalf("no %s in the sample", k)
			}
			d := p.Doc(r.Base().ID)
			if !d.Found || d.Kind != k || len(d.Fields) == 0 || d.Fields[0].Value != r.Base().ID {
				t.Errorf("doc %+v: want found, kind %s and the ID first", d, k)
			}
			// the console has no page of a Shield protection of its own
			if (d.Console == "" || !strings.HasPrefix(d.Console, "https://")) && k != model.KindShieldProtection {
				t.Errorf("console address %q", d.Console)
			}
			tb := p.Table(k)
			if len(tb.Rows) == 0 || len(tb.Rows) != len(tb.IDs) {
				t.Fatalf("table: %d rows, %d IDs", len(tb.Rows), len(tb.IDs))
			}
			for i, row := range tb.Rows {
				if len(row) != len(tb.Columns) {
					t.Errorf("row %d has %d cells for %d columns", i, len(row), len(tb.Columns))
				}
			}
			titles := []string{}
			for _, c := range tb.Columns {
				titles = append(titles, c.Title)
			}
			if !slices.Contains(titles, "account") || !slices.Contains(titles, "region") {
				t.Errorf("columns %v lack account and region", titles)
			}
		})
	}
}

// TestFieldsNameTheirReferences: a field naming a resource of the
// snapshot carries its ID as a reference and its name beside it, so
// renderers print "vpc-0123  storefront" rather than a bare ID.
func TestFieldsNameTheirReferences(t *testing.T) {
	_, ix := demo(t)
	p := present.New(ix, nil, nil)
	sn := ix.Find("storefront-public-1a")
	if len(sn) == 0 {
		t.Fatal("no storefront-public-1a")
	}
	d := p.Doc(sn[0].Base().ID)
	var vpc present.Field
	for _, f := range d.Fields {
		if f.Key == "vpc" {
			vpc = f
		}
	}
	if vpc.Ref == "" || vpc.RefName == "" || vpc.Ref != vpc.Value {
		t.Errorf("vpc field %+v: want the ID as reference and the VPC's name", vpc)
	}
	if !d.RelationsPending {
		t.Error("without a graph the relations are not marked pending")
	}
}

// TestRelationsReadFromTheResource: a subnet is "contained in" its VPC
// (the graph's edge is VPC contains subnet), and the VPC "contains" it.
func TestRelationsReadFromTheResource(t *testing.T) {
	_, ix := demo(t)
	p := present.New(ix, model.NewGraph(ix), nil)
	sn := ix.Find("storefront-public-1a")[0].(*model.Subnet)
	has := func(d present.Doc, verb, id string) bool {
		for _, r := range d.Relations {
			if r.Verb == verb && r.ID == id {
				return true
			}
		}
		return false
	}
	if d := p.Doc(sn.ID); !has(d, "contained in", sn.VPCID) {
		t.Errorf("subnet relations %+v lack 'contained in %s'", d.Relations, sn.VPCID)
	}
	if d := p.Doc(sn.VPCID); !has(d, "contains", sn.ID) {
		t.Errorf("VPC relations lack 'contains %s'", sn.ID)
	}
	for _, rel := range []model.Relation{model.RelContains, model.RelAssociatedWith, model.RelAttachedTo, model.RelRoutesTo, model.RelReferences} {
		if present.Verb(rel, true) == "" || present.Verb(rel, false) == "" || strings.Contains(present.Verb(rel, false), "-") {
			t.Errorf("relation %s reads %q / %q", rel, present.Verb(rel, true), present.Verb(rel, false))
		}
	}
}

// TestRulesInEvaluationOrder: network ACL entries by rule number with the
// default "*" last (AWS evaluates them lowest number first, "Network ACL
// rules", https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html),
// and routes most specific first (longest prefix match, "Route priority",
// https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html),
// each keeping its position in the what-if overlay's list.
func TestRulesInEvaluationOrder(t *testing.T) {
	s, ix := demo(t)
	p := present.New(ix, nil, nil)
	acl := ix.Find("storefront-db-nacl")[0]
	in := p.Doc(acl.Base().ID).Sections[0]
	var last int32 = -1
	for _, r := range in.Rules {
		n := int32(model.DefaultRuleNumber)
		if r.Cells[0].Text != "*" {
			var v int
			for _, c := range r.Cells[0].Text {
				v = v*10 + int(c-'0')
			}
			n = int32(v)
		}
		if n < last {
			t.Errorf("entry %s after %d", r.Cells[0].Text, last)
		}
		last = n
	}
	rt := &model.RouteTable{Meta: model.Meta{ID: "rtb-order"}, VPCID: s.VPCs[0].ID, Routes: []model.Route{
		{Destination: netip.MustParsePrefix("0.0.0.0/0"), GatewayID: "igw-x"},
		{Destination: netip.MustParsePrefix("10.0.0.0/16"), GatewayID: "local"},
		{Destination: netip.MustParsePrefix("10.0.5.0/24"), NATGatewayID: "nat-x"},
	}}
	s.RouteTables = append(s.RouteTables, rt)
	ix = model.NewIndex(s)
	sec := present.New(ix, nil, nil).Doc("rtb-order").Sections[0]
	var got []string
	var idx []int
	for _, r := range sec.Rules {
		got = append(got, r.Cells[0].Text)
		idx = append(idx, r.Index)
	}
	if want := []string{"10.0.5.0/24", "10.0.0.0/16", "0.0.0.0/0"}; !slices.Equal(got, want) {
		t.Errorf("routes %v, want %v", got, want)
	}
	if want := []int{2, 1, 0}; !slices.Equal(idx, want) {
		t.Errorf("overlay positions %v, want %v", idx, want)
	}
}

// TestRulesCarryWhatIfState: with an overlay as the rule source, an added
// rule is marked added and a disabled one disabled.
func TestRulesCarryWhatIfState(t *testing.T) {
	s, ix := demo(t)
	ov := edit.NewOverlay(s)
	sg := ix.Find("storefront-db-sg")[0].Base().ID
	e, err := edit.Parse(ix, sg+" ingress tcp 3306 from 10.0.0.10/32")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ov.Apply(e); err != nil {
		t.Fatal(err)
	}
	if err := ov.Toggle(sg, edit.SGIngress, 0); err != nil {
		t.Fatal(err)
	}
	rules := present.New(ix, nil, ov).Doc(sg).Sections[0].Rules
	if !rules[0].Disabled || !rules[len(rules)-1].Added {
		t.Errorf("rules %+v: want the first disabled and the last added", rules)
	}
}

// TestFindByGroupName: "default" is no Name tag in the demo, but every
// VPC has a security group named default: Find returns them all.
func TestFindByGroupName(t *testing.T) {
	s, ix := demo(t)
	got := present.Find(ix, "default")
	want := 0
	for _, g := range s.SecurityGroups {
		if g.GroupName == "default" {
			want++
		}
	}
	if want == 0 || len(got) != want {
		t.Fatalf("Find(default) = %d resources, want the %d default groups", len(got), want)
	}
	for _, r := range got {
		if r.Kind() != model.KindSecurityGroup {
			t.Errorf("Find(default) gave a %s", r.Kind())
		}
	}
	if rs := present.Find(ix, "web-1a"); len(rs) != 1 {
		t.Errorf("a Name tag finds %d resources", len(rs))
	}
}

// TestTwoSidedAttachmentIsOneRow: a transit gateway peering attachment
// collected from both of its accounts (DescribeTransitGatewayAttachments
// returns it in each, with that account's gateway and route table) is one
// table row naming both accounts and one doc with both sides.
func TestTwoSidedAttachmentIsOneRow(t *testing.T) {
	s := &model.Snapshot{}
	s.TGWAttachments = []*model.TGWAttachment{
		{Meta: model.Meta{ID: "tgw-attach-1", Account: "111111111111", Region: "us-east-1"}, TransitGatewayID: "tgw-a",
			ResourceType: "peering", ResourceID: "tgw-b", ResourceOwnerID: "222222222222", State: "available"},
		{Meta: model.Meta{ID: "tgw-attach-1", Account: "222222222222", Region: "us-east-2"}, TransitGatewayID: "tgw-b",
			ResourceType: "peering", ResourceID: "tgw-a", ResourceOwnerID: "111111111111", State: "available"},
	}
	ix := model.NewIndex(s)
	p := present.New(ix, model.NewGraph(ix), nil)
	tb := p.Table(model.KindTGWAttachment)
	if len(tb.Rows) != 1 {
		t.Fatalf("%d rows, want 1", len(tb.Rows))
	}
	row := strings.Join(tb.Rows[0], " | ")
	for _, want := range []string{"111111111111 ↔ 222222222222", "us-east-1 ↔ us-east-2"} {
		if !strings.Contains(row, want) {
			t.Errorf("row %q lacks %q", row, want)
		}
	}
	d := p.Doc("tgw-attach-1")
	if len(d.Sides) != 2 || d.Sides[1].Account != "222222222222" {
		t.Fatalf("sides %+v, want both accounts", d.Sides)
	}
	var gw []string
	for _, sd := range d.Sides {
		for _, f := range sd.Fields {
			if f.Key == "transit gateway" {
				gw = append(gw, f.Value)
			}
		}
	}
	if !slices.Equal(gw, []string{"tgw-a", "tgw-b"}) {
		t.Errorf("each side's gateway: %v", gw)
	}
}

// TestTerminatedInstanceSummary: a terminated instance has no address; its
// summary says terminated instead of "invalid IP".
func TestTerminatedInstanceSummary(t *testing.T) {
	in := &model.Instance{Meta: model.Meta{ID: "i-1"}, State: "terminated"}
	if got := present.Summary(in); got != "terminated" {
		t.Errorf("summary %q", got)
	}
}

// TestConsoleURLs pins the console addresses: the VPC console's details
// pages, the EC2 console's for groups, interfaces and instances, the
// resource's region, and ARNs escaped.
func TestConsoleURLs(t *testing.T) {
	for _, tt := range []struct {
		name string
		r    model.Resource
		want string
	}{
		{"a VPC opens its details in its region", &model.VPC{Meta: model.Meta{ID: "vpc-1", Region: "eu-west-1"}},
			"https://eu-west-1.console.aws.amazon.com/vpcconsole/home?region=eu-west-1#VpcDetails:VpcId=vpc-1"},
		{"a security group is the EC2 console's", &model.SecurityGroup{Meta: model.Meta{ID: "sg-1", Region: "us-east-1"}},
			"https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#SecurityGroup:groupId=sg-1"},
		{"a load balancer's ARN is escaped", &model.LoadBalancer{Meta: model.Meta{ID: "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/x/1", Region: "us-east-1"}},
			"https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#LoadBalancer:loadBalancerArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A1%3Aloadbalancer%2Fapp%2Fx%2F1"},
		{"without a region the console's default", &model.Subnet{Meta: model.Meta{ID: "subnet-1"}},
			"https://console.aws.amazon.com/vpcconsole/home#SubnetDetails:subnetId=subnet-1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := present.ConsoleURL(tt.r); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}
