package edit_test

import (
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/edit"
	"github.com/vpcscope/vpcscope/reach"
)

// apply parses and applies edits in order, failing the test on an error.
func apply(t *testing.T, o *edit.Overlay, ix *model.Index, lines ...string) {
	t.Helper()
	for _, l := range lines {
		e, err := edit.Parse(ix, l)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.Apply(e); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
	}
}

// TestOverlayRefusesImpossibleEdits: an edit AWS would refuse, or that
// names no rule, is refused with a one-line reason, and the overlay stays
// as it was.
func TestOverlayRefusesImpossibleEdits(t *testing.T) {
	snap, ix := demo(t)
	for _, tt := range []struct {
		name  string
		setup []string
		edit  string
		want  string
	}{
		// VPC user guide, "Network ACL rules": the default rule "*" cannot
		// be modified or removed.
		{"a NACL's default rule cannot be disabled", nil, "disable " + dbACL + " inbound 32767", "the default rule * of " + dbACL + " cannot be changed"},
		{"a NACL's default IPv6 rule cannot be disabled", nil, "disable " + dbACL + " outbound 32768", "cannot be changed"},
		{"a NACL's default rule cannot be edited", nil, "replace " + dbACL + " inbound 32767 with 32767 allow all 0.0.0.0/0", "cannot be changed"},
		// EC2 API, CreateNetworkAclEntry: rule numbers are 1-32766 and
		// unique per direction.
		{"a NACL entry cannot take a rule number in use", nil, dbACL + " inbound 100 allow tcp 22 10.0.0.0/8", "already has inbound entry 100"},
		{"a replaced NACL entry cannot move onto a number in use", nil, "replace " + dbACL + " inbound 100 with 110 allow tcp 22 10.0.0.0/8", "already has inbound entry 110"},
		{"a NACL rule number above 32766 is refused", nil, dbACL + " inbound 40000 allow tcp 22 10.0.0.0/8", "entries are numbered 1-32766"},
		{"a NACL rule number of 0 is refused", nil, dbACL + " inbound 0 allow tcp 22 10.0.0.0/8", "outside 1-32766"},
		{"a NACL entry that does not exist cannot be disabled", nil, "disable " + dbACL + " inbound 105", "has no inbound entry 105"},
		{"a disabled NACL entry cannot be disabled again", []string{"disable " + dbACL + " inbound 100"}, "disable " + dbACL + " inbound 100", "inbound entry 100 of " + dbACL + " is disabled"},
		{"a group rule index out of range is refused", nil, "disable " + dbSG + " ingress 3", "has no ingress rule 3 (it has 2)"},
		{"a disabled group rule cannot be replaced", []string{"disable " + dbSG + " ingress 2"}, "replace " + dbSG + " ingress 2 with tcp 23 from 10.0.0.0/8", "ingress rule 2 of " + dbSG + " is disabled"},
		// EC2 API, AuthorizeSecurityGroupIngress: InvalidPermission.Duplicate.
		{"a group rule that exists cannot be added again", nil, dbSG + " ingress tcp 22 from 203.0.113.0/24 # again", "already has this ingress rule (rule 2)"},
		{"a route that does not exist cannot be disabled", nil, "disable " + publicRT + " 10.99.0.0/16", "has no route to 10.99.0.0/16"},
		// VPC user guide, "Route tables": the local route cannot be deleted.
		{"the local route cannot be disabled", nil, "disable " + publicRT + " 10.0.0.0/16", "the local route 10.0.0.0/16 of " + publicRT + " cannot be removed"},
		// VPC user guide, "Replace or restore the target for a local route".
		{"the local route cannot point at an internet gateway", nil, "replace " + publicRT + " 10.0.0.0/16 via igw-00fccc921acfdf1f0", "can only become a network interface"},
		{"only a local route can be restored to local", nil, "replace " + publicRT + " 0.0.0.0/0 via local", "only a local route can be restored"},
		// EC2 API, CreateRoute: RouteAlreadyExists.
		{"a route to a destination in use cannot be added", nil, "route " + publicRT + " 0.0.0.0/0 via " + natGW, "already has a route to 0.0.0.0/0: replace it"},
		{"a route that does not exist cannot be replaced", nil, "replace " + publicRT + " 10.9.0.0/16 via " + ledgerPCX, "has no route to 10.9.0.0/16"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := edit.NewOverlay(snap)
			apply(t, o, ix, tt.setup...)
			before := o.Steps()
			e, err := edit.Parse(ix, tt.edit)
			if err != nil {
				t.Fatal(err)
			}
			_, err = o.Apply(e)
			if err == nil {
				t.Fatalf("%q was applied", tt.edit)
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q: want one line containing %q", err, tt.want)
			}
			if !reflect.DeepEqual(o.Steps(), before) {
				t.Errorf("a refused edit changed the overlay: %v", o.Edits())
			}
		})
	}
}

// TestOverlayRefusesMalformedEditsBuiltInCode: edits built without Parse
// get the same checks.
func TestOverlayRefusesMalformedEditsBuiltInCode(t *testing.T) {
	snap, _ := demo(t)
	cidr := netip.MustParsePrefix("10.0.0.0/8")
	for _, tt := range []struct {
		name string
		edit edit.Edit
		want string
	}{
		{"a group rule with no peer", edit.Edit{Op: edit.Add, Resource: dbSG, List: edit.SGIngress,
			Rule: edit.Rule{SG: model.SGRule{Protocol: model.ProtocolTCP, FromPort: 22, ToPort: 22}}}, "names exactly one peer"},
		{"a group rule with two peers", edit.Edit{Op: edit.Add, Resource: dbSG, List: edit.SGIngress,
			Rule: edit.Rule{SG: model.SGRule{Protocol: model.ProtocolTCP, FromPort: 22, ToPort: 22, CIDR: cidr, PrefixListID: s3PL}}}, "names exactly one peer"},
		{"a group rule whose peer has host bits set", edit.Edit{Op: edit.Add, Resource: dbSG, List: edit.SGIngress,
			Rule: edit.Rule{SG: model.SGRule{Protocol: model.ProtocolAll, FromPort: -1, ToPort: -1, CIDR: netip.MustParsePrefix("10.1.2.3/8")}}}, "host bits"},
		{"a group rule with backwards ports", edit.Edit{Op: edit.Add, Resource: dbSG, List: edit.SGIngress,
			Rule: edit.Rule{SG: model.SGRule{Protocol: model.ProtocolTCP, FromPort: 30, ToPort: 20, CIDR: cidr}}}, "fromPort 30 is greater than toPort 20"},
		{"an entry with an action that is neither allow nor deny", edit.Edit{Op: edit.Add, Resource: dbACL, List: edit.NACLInbound,
			Rule: edit.Rule{Entry: model.ACLEntry{RuleNumber: 5, Protocol: model.ProtocolAll, Action: "maybe", CIDR: cidr}}}, `"maybe" is not allow or deny`},
		{"an ICMP rule with a code for all types", edit.Edit{Op: edit.Add, Resource: dbSG, List: edit.SGIngress,
			Rule: edit.Rule{SG: model.SGRule{Protocol: model.ProtocolICMP, FromPort: -1, ToPort: 4, CIDR: cidr}}}, "with all types"},
		{"an outbound entry in the inbound list", edit.Edit{Op: edit.Add, Resource: dbACL, List: edit.NACLInbound,
			Rule: edit.Rule{Entry: model.ACLEntry{RuleNumber: 5, Egress: true, Protocol: model.ProtocolAll, Action: model.Allow, CIDR: cidr}}}, "cannot go in the inbound list"},
		{"a route with no target", edit.Edit{Op: edit.Add, Resource: publicRT, List: edit.Routes,
			Rule: edit.Rule{Route: model.Route{Destination: cidr}}}, "has no target"},
		{"a route list edit on a security group", edit.Edit{Op: edit.Disable, Resource: dbSG, List: edit.Routes, Destination: "0.0.0.0/0"}, "is a security group"},
		{"a resource that is not in the snapshot", edit.Edit{Op: edit.Disable, Resource: "sg-nope", List: edit.SGIngress}, "no security group, network ACL, route table or firewall rule group sg-nope"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := edit.NewOverlay(snap).Apply(tt.edit)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestOverlayLeavesTheSnapshotUnchanged: applying edits, building the
// copy and even changing the copy leave the original as it was; resources
// no edit touched are shared, touched ones are copies.
func TestOverlayLeavesTheSnapshotUnchanged(t *testing.T) {
	snap, ix := demo(t)
	pristine, _ := demo(t)
	o := edit.NewOverlay(snap)
	apply(t, o, ix,
		dbSG+" ingress tcp 3306 from "+webSG,
		"disable "+dbSG+" ingress 2",
		"replace "+dbSG+" egress 1 with tcp 443 to 0.0.0.0/0",
		dbACL+" outbound 105 allow tcp 1024-65535 10.0.0.0/24",
		"disable "+dbACL+" inbound 100",
		"replace "+dbACL+" outbound 110 with 120 deny udp 53 10.0.0.0/8",
		"route "+publicRT+" 10.9.0.0/16 via "+ledgerPCX,
		"replace "+publicRT+" 0.0.0.0/0 via "+natGW,
	)
	c := o.Snapshot()
	if !reflect.DeepEqual(snap, pristine) {
		t.Fatal("the overlay changed the snapshot it was built on")
	}
	if c == snap {
		t.Fatal("Snapshot returned the base with edits in effect")
	}
	// Scribble over every touched resource of the copy, pointers included.
	for _, sg := range c.SecurityGroups {
		if sg.ID == dbSG {
			sg.Ingress[0].Group.GroupID = "sg-scribbled"
			sg.Tags["Name"] = "scribbled"
			sg.Egress = append(sg.Egress, model.SGRule{})
		}
	}
	for _, acl := range c.NetworkACLs {
		if acl.ID == dbACL {
			acl.Entries[0].PortRange.From = 1
			acl.Associations[0].SubnetID = "subnet-scribbled"
		}
	}
	for _, rt := range c.RouteTables {
		if rt.ID == publicRT {
			rt.Routes[0].GatewayID = "scribbled"
			rt.Associations[0].SubnetID = "subnet-scribbled"
		}
	}
	if !reflect.DeepEqual(snap, pristine) {
		t.Error("changing the what-if copy changed the snapshot: the copy shares touched data")
	}
	for i := range snap.SecurityGroups {
		shared := snap.SecurityGroups[i] == c.SecurityGroups[i]
		if want := snap.SecurityGroups[i].ID != dbSG; shared != want {
			t.Errorf("security group %s: shared %v, want %v", snap.SecurityGroups[i].ID, shared, want)
		}
	}
	if &snap.Instances[0] != &c.Instances[0] || &snap.NetworkInterfaces[0] != &c.NetworkInterfaces[0] {
		t.Error("untouched kinds are copied, not shared")
	}
}

// TestOverlayAppliesEditsInOrder: the copy holds exactly the rules in
// effect, in the engine's order.
func TestOverlayAppliesEditsInOrder(t *testing.T) {
	snap, ix := demo(t)
	o := edit.NewOverlay(snap)
	apply(t, o, ix,
		dbSG+" ingress tcp 3306 from "+webSG,
		"disable "+dbSG+" ingress 1",
		dbACL+" inbound 95 allow tcp 1024-65535 10.0.0.0/24",
		"disable "+publicRT+" ::/0",
	)
	c := o.Snapshot()
	ix2 := model.NewIndex(c)
	var got []string
	for _, r := range ix2.SecurityGroup(dbSG).Ingress {
		got = append(got, r.String())
	}
	if want := []string{"tcp/22 203.0.113.0/24", "tcp/3306 " + webSG}; !slices.Equal(got, want) {
		t.Errorf("db group ingress = %q, want %q", got, want)
	}
	acl, _ := model.Get[*model.NetworkACL](ix2, dbACL)
	var nums []int32
	for _, e := range acl.Entries {
		if !e.Egress {
			nums = append(nums, e.RuleNumber)
		}
	}
	if want := []int32{95, 100, 110, 32767, 32768}; !slices.Equal(nums, want) {
		t.Errorf("inbound entries %v, want %v", nums, want)
	}
	rt, _ := model.Get[*model.RouteTable](ix2, publicRT)
	if len(rt.Routes) != 3 {
		t.Errorf("routes %v, want ::/0 gone", rt.Routes)
	}
	// The engine reports rule 2 of the copy's list (the added one at
	// position 3 of the overlay, rule 1 being disabled).
	if got := o.Position(dbSG, edit.SGIngress, 1); got != 2 {
		t.Errorf("Position(1) = %d, want 2", got)
	}
}

// TestEditsChangeTheVerdict: the README's journey. The db group admits
// tcp/3306 only from the app tier; admitting the web tier moves the block
// to the db subnet's network ACL on the return path; an outbound entry for
// the web subnet's ephemeral ports makes it reachable.
func TestEditsChangeTheVerdict(t *testing.T) {
	snap, ix := demo(t)
	q := reach.Query{From: "web-1a", To: "db-1a", Protocol: model.ProtocolTCP, Port: 3306}
	type want struct {
		reachable bool
		layer     reach.Layer
		resource  string
		dir       reach.Direction
	}
	for _, tt := range []struct {
		name  string
		edits []string
		want  want
	}{
		{"the snapshot: the db group admits only the app tier", nil,
			want{false, reach.LayerSecurityGroup, dbSG, reach.DirForward}},
		{"admitting the web group moves the block to the db subnet's ACL on the way back",
			[]string{dbSG + " ingress tcp 3306 from " + webSG},
			want{false, reach.LayerNetworkACL, dbACL, reach.DirReturn}},
		{"and an outbound entry for the web subnet's ephemeral ports lets it through",
			[]string{dbSG + " ingress tcp 3306 from " + webSG, dbACL + " outbound 105 allow tcp 1024-65535 10.0.0.0/24"},
			want{reachable: true}},
		{"replacing the app-tier rule works as adding one",
			[]string{"replace " + dbSG + " ingress 1 with tcp 3306 from " + webSG},
			want{false, reach.LayerNetworkACL, dbACL, reach.DirReturn}},
		{"disabling the db ACL's inbound rule for the app subnets changes nothing for the web tier",
			[]string{"disable " + dbACL + " inbound 100"},
			want{false, reach.LayerSecurityGroup, dbSG, reach.DirForward}},
		{"disabling the ephemeral-port entry blocks on the way in, at the ACL",
			[]string{dbSG + " ingress tcp 3306 from " + webSG, "disable " + dbACL + " inbound 110"},
			want{false, reach.LayerNetworkACL, dbACL, reach.DirForward}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, _, err := edit.Assume(snap, ix, tt.edits)
			if err != nil {
				t.Fatal(err)
			}
			a, err := reach.New(c).Reach(q)
			if err != nil {
				t.Fatal(err)
			}
			got := want{reachable: a.Reachable}
			if b := a.Blocked; b != nil {
				got = want{a.Reachable, b.Layer, b.Resource, b.Direction}
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v (%s)", got, tt.want, a.Summary())
			}
		})
	}
	// and the snapshot itself still answers as before
	a, _ := reach.New(snap).Reach(q)
	if a.Reachable || a.Blocked.Layer != reach.LayerSecurityGroup {
		t.Errorf("the snapshot's own answer changed: %s", a.Summary())
	}
}

// TestDisablingTheDefaultRouteCutsTheInternet: a route edit reaches the
// engine: without its default routes the public subnet's web server cannot
// answer the internet. It is dual-stack, so one default route is not
// enough: with 0.0.0.0/0 gone the IPv6 internet still gets through.
func TestDisablingTheDefaultRouteCutsTheInternet(t *testing.T) {
	snap, ix := demo(t)
	q := reach.Query{From: "internet", To: "web-1a", Protocol: model.ProtocolTCP, Port: 443}
	a, err := reach.New(snap).Reach(q)
	if err != nil || !a.Reachable {
		t.Fatalf("before: %v %v", err, a.Summary())
	}
	c, _, err := edit.Assume(snap, ix, []string{"disable storefront-public-rt 0.0.0.0/0"})
	if err != nil {
		t.Fatal(err)
	}
	if a, _ = reach.New(c).Reach(q); !a.Reachable || !strings.Contains(a.Query.Source.IP, ":") {
		t.Errorf("without 0.0.0.0/0 only: %s from %s, want reachable over IPv6", a.Summary(), a.Query.Source.IP)
	}
	c, _, err = edit.Assume(snap, ix, []string{"disable storefront-public-rt 0.0.0.0/0", "disable storefront-public-rt ::/0"})
	if err != nil {
		t.Fatal(err)
	}
	a, err = reach.New(c).Reach(q)
	if err != nil {
		t.Fatal(err)
	}
	if a.Reachable || a.Blocked == nil || a.Blocked.Layer != reach.LayerRouteTable || a.Blocked.Resource != publicRT {
		t.Errorf("after disabling the default route: %s (blocked %+v)", a.Summary(), a.Blocked)
	}
}

// TestUndoAndToggle: a step can be undone; toggling a rule twice leaves no
// step; an undo that would make a later step change another rule is
// refused.
func TestUndoAndToggle(t *testing.T) {
	snap, ix := demo(t)
	t.Run("toggling a rule twice leaves the snapshot", func(t *testing.T) {
		o := edit.NewOverlay(snap)
		if err := o.Toggle(dbSG, edit.SGIngress, 1); err != nil {
			t.Fatal(err)
		}
		if got := o.Edits(); !slices.Equal(got, []string{"disable " + dbSG + " ingress 2"}) {
			t.Errorf("edits %q", got)
		}
		if !o.Rules(dbSG, edit.SGIngress)[1].Disabled {
			t.Error("rule 2 not marked disabled")
		}
		if err := o.Toggle(dbSG, edit.SGIngress, 1); err != nil {
			t.Fatal(err)
		}
		if o.Len() != 0 || o.Snapshot() != snap {
			t.Errorf("after toggling back: %q", o.Edits())
		}
	})
	t.Run("toggling an added rule takes the addition out", func(t *testing.T) {
		o := edit.NewOverlay(snap)
		apply(t, o, ix, dbSG+" ingress tcp 3306 from "+webSG)
		if err := o.Toggle(dbSG, edit.SGIngress, 2); err != nil {
			t.Fatal(err)
		}
		if o.Len() != 0 || len(o.Rules(dbSG, edit.SGIngress)) != 2 {
			t.Errorf("after toggling the added rule: %q", o.Edits())
		}
	})
	t.Run("toggling a NACL's default rule is refused", func(t *testing.T) {
		o := edit.NewOverlay(snap)
		rules := o.Rules(dbACL, edit.NACLInbound)
		err := o.Toggle(dbACL, edit.NACLInbound, len(rules)-1)
		if err == nil || !strings.Contains(err.Error(), "default rule") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("undoing a step re-applies the later ones", func(t *testing.T) {
		o := edit.NewOverlay(snap)
		apply(t, o, ix, dbSG+" ingress tcp 3306 from "+webSG, "disable "+dbACL+" inbound 100", "disable "+dbSG+" ingress 2")
		if err := o.Undo(1); err != nil {
			t.Fatal(err)
		}
		want := []string{dbSG + " ingress tcp 3306 from " + webSG, "disable " + dbSG + " ingress 2"}
		if got := o.Edits(); !slices.Equal(got, want) {
			t.Errorf("edits %q, want %q", got, want)
		}
		if o.Touched(dbACL) {
			t.Error("the ACL is still touched")
		}
	})
	t.Run("an undo that would retarget a later step is refused", func(t *testing.T) {
		o := edit.NewOverlay(snap)
		apply(t, o, ix,
			dbSG+" ingress tcp 3306 from "+webSG, // rule 3
			dbSG+" ingress tcp 3307 from "+webSG, // rule 4
			dbSG+" ingress tcp 3308 from "+webSG, // rule 5
			"disable "+dbSG+" ingress 4",         // tcp/3307
		)
		err := o.Undo(0)
		if err == nil || !strings.Contains(err.Error(), `the later change "disable `+dbSG+` ingress 4" no longer fits`) {
			t.Fatalf("error %v", err)
		}
		if o.Len() != 4 {
			t.Errorf("a refused undo changed the steps: %q", o.Edits())
		}
		if err := o.Undo(3); err != nil {
			t.Fatal(err)
		}
		if err := o.Undo(0); err != nil {
			t.Errorf("undoing the first addition once nothing depends on its place: %v", err)
		}
	})
}

// TestListsAreTheEnginesRuleRefKinds: every list converts to the engine's
// rule-reference kind of the same name, and every kind but transit
// gateway routes (not editable) is a list.
func TestListsAreTheEnginesRuleRefKinds(t *testing.T) {
	for _, l := range edit.Lists {
		if !slices.Contains(reach.RuleRefKinds, reach.RuleRefKind(l)) {
			t.Errorf("list %q is no reach.RuleRefKind", l)
		}
		k := reach.RuleRefKind(l)
		if k.IsSecurityGroup() != l.IsSecurityGroup() || k.IsNetworkACL() != l.IsNetworkACL() || k.Egress() != l.Egress() {
			t.Errorf("list %q and kind %q disagree on what they hold", l, k)
		}
	}
	for _, k := range reach.RuleRefKinds {
		if k != reach.RefTGWRoute && !slices.Contains(edit.Lists, edit.List(k)) {
			t.Errorf("reach.RuleRefKind %q is no edit.List", k)
		}
	}
}

// TestStepsListBeforeAndAfter: each step says what the rule was and what
// it became, in the text syntax (the change list a user reviews), a group
// in the edited group's own account named by its ID alone.
func TestStepsListBeforeAndAfter(t *testing.T) {
	snap, ix := demo(t)
	o := edit.NewOverlay(snap)
	apply(t, o, ix,
		"replace "+dbSG+" ingress 1 with tcp 3306 from "+webSG,
		dbACL+" inbound 95 allow tcp 1024-65535 10.0.0.0/24",
		"disable "+publicRT+" 0.0.0.0/0",
	)
	type ba struct{ before, after string }
	var got []ba
	for _, s := range o.Steps() {
		got = append(got, ba{s.BeforeText(), s.AfterText()})
	}
	want := []ba{
		{"tcp 3306 from " + appSG + " # MySQL from app tier", "tcp 3306 from " + webSG},
		{"", "95 allow tcp 1024-65535 10.0.0.0/24"},
		{"0.0.0.0/0 via igw-00fccc921acfdf1f0", ""},
	}
	if !slices.Equal(got, want) {
		t.Errorf("before/after\n got %q\nwant %q", got, want)
	}
}
