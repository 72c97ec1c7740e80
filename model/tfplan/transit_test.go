package tfplan_test

// Plans for the hub-and-spoke and hybrid fixtures (fixtures/
// hub-and-spoke.json, fixtures/hybrid.json, the two merged for a transit
// gateway peering between core-tgw and corp-tgw, and hub-and-spoke merged
// with peering for a VPC of account 444455556666 attached to core-tgw): the transit
// gateway, internet gateway attachment and VPN gateway resources. The
// documents are `terraform show -json` output of format 1.2 with the
// IDs the plan does not know yet resolved through the configuration's
// references (variables stand for the IDs another stack owns).

import (
	"slices"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/tfplan"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/impact"
)

// The hub-and-spoke and hybrid fixtures' resources the tests name.
const (
	devBuild1aENI   = "eni-0217d0865ccd2ff83"
	prodAPI1aENI    = "eni-0dc2d6460bfb650bc"
	prodAPI1bENI    = "eni-064cef733d9562ad1"
	analytics1ENI   = "eni-0f172b3660498d1ee"
	analytics2ENI   = "eni-0f172b2660498d03b"
	hqDB1ENI        = "eni-08e319ba32b97005e"
	devRTB          = "tgw-rtb-0cdd4d4f50368a4bb" // dev-rtb on core-tgw
	spokeRTB        = "tgw-rtb-06afe9e1d0af37589" // spoke-rtb on core-tgw
	firewallRTB     = "tgw-rtb-0fa85f0d1db537b98" // firewall-rtb on core-tgw
	corpRTB         = "tgw-rtb-0c614a499fcc5cea3" // corp-rtb on corp-tgw
	coreTGW         = "tgw-0ec66798a1d4b497d"
	corpTGW         = "tgw-010b2721e03f41813"
	corpVGW         = "vgw-0f2585bc780ce0ec7"
	corpAppRT       = "rtb-0e1bc33e589a0aba9"
	analyticsRT     = "rtb-063d59c4f4d6abbab"
	peeringAttach   = "tgw-attach-(aws_ec2_transit_gateway_peering_attachment.core_corp)"
	corpAppAttach   = "tgw-attach-(aws_ec2_transit_gateway_vpc_attachment.corp_app)"
	devIGW          = "igw-(aws_internet_gateway.dev)"
	datacenterSpec  = "datacenter=10.200.0.0/16"
	defaultRTAssoc  = "aws_ec2_transit_gateway_default_route_table_association.corp"
	defaultRTProp   = "aws_ec2_transit_gateway_default_route_table_propagation.corp"
	peeringAddress  = "aws_ec2_transit_gateway_peering_attachment.core_corp"
	fraudAttach     = "tgw-attach-(aws_ec2_transit_gateway_vpc_attachment.fraud)"
	fraudAddress    = "aws_ec2_transit_gateway_vpc_attachment.fraud"
	fraudScoringENI = "eni-02d1a235a4df9e5f1"
	fraudScoring    = "i-046fa53bcbf471985" // in fraud-vpc, account 444455556666 (peering fixture)
	accepterAddress = "aws_ec2_transit_gateway_peering_attachment_accepter.core_corp"
)

// network loads fixtures, merged when there are several (they share no
// IDs or CIDRs).
func network(t *testing.T, names ...string) *model.Snapshot {
	t.Helper()
	var ss []*model.Snapshot
	for _, n := range names {
		s, err := fixtures.Load(n)
		if err != nil {
			t.Fatal(err)
		}
		ss = append(ss, s)
	}
	if len(ss) == 1 {
		return ss[0]
	}
	return model.Merge(ss...)
}

// applyTo applies a plan to fixtures and checks the planned network is
// one AWS could return, its placeholders declared.
func applyTo(t *testing.T, plan string, names ...string) (*model.Snapshot, *tfplan.Result) {
	t.Helper()
	old := network(t, names...)
	res, err := tfplan.Apply(readPlan(t, plan), old)
	if err != nil {
		t.Fatal(err)
	}
	problems := model.Validate(res.Snapshot)
	if errs := problems.Errors(); len(errs) > 0 {
		t.Fatalf("the planned network has values AWS cannot return: %v", errs)
	}
	for _, n := range problems.Notes() {
		if res.IsPlaceholder(n.Resource) {
			t.Errorf("note about a placeholder: %s", n)
		}
	}
	return old, res
}

func TestPlansOnTheTransitAndHybridFixtures(t *testing.T) {
	for _, c := range []struct {
		name      string
		plan      string
		fixtures  []string
		gained    []string
		lost      []string
		exposed   []string
		addresses map[string][]string
		// placeholders: "address attribute=value", all of them
		placeholders  []string
		notConsidered []string
		notes         []string
	}{{
		// Transit Gateway guide, "Transit gateway route tables": a packet
		// entering from an attachment is routed by the route table the
		// attachment is associated with
		// (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html).
		// dev-rtb gains 10.10.0.0/16 to the inspection VPC, whose
		// firewall-rtb has prod's and dev's propagated routes: dev-build-1a
		// and the prod API servers reach each other on 443 (both groups
		// admit it from 10.0.0.0/8); dev-build-1b does not, its AZ has no
		// attachment subnet.
		name: "a static transit gateway route ends dev's isolation from prod", plan: "hub-tgw-route.json", fixtures: []string{"hub-and-spoke"},
		gained: []string{
			devBuild1aENI + " -> " + prodAPI1bENI + "," + prodAPI1aENI + " tcp/443",
			prodAPI1bENI + "," + prodAPI1aENI + " -> " + devBuild1aENI + " tcp/443",
		},
		lost: []string{}, exposed: []string{},
		addresses:    map[string][]string{devRTB: {"aws_ec2_transit_gateway_route.dev_to_prod"}},
		placeholders: []string{},
	}, {
		// Transit Gateway guide, "Transit gateway peering attachments": a
		// peering carries traffic once the accepter accepts it, with
		// static routes to it on both sides and the attachment
		// associated with a route table on each
		// (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering.html).
		// Both ends share the attachment ID; each end's association and
		// route go to its own gateway's record.
		name: "an accepted transit gateway peering joins prod and analytics", plan: "tgw-peering-accepted.json", fixtures: []string{"hub-and-spoke", "hybrid"},
		gained: []string{
			prodAPI1bENI + "," + prodAPI1aENI + " -> " + analytics2ENI + "," + analytics1ENI + " tcp/443",
			analytics2ENI + "," + analytics1ENI + " -> " + prodAPI1bENI + "," + prodAPI1aENI + " tcp/443",
		},
		lost: []string{}, exposed: []string{},
		addresses: map[string][]string{
			peeringAttach: {peeringAddress, accepterAddress},
			spokeRTB:      {"aws_ec2_transit_gateway_route.core_to_analytics"},
			firewallRTB:   {"aws_ec2_transit_gateway_route_table_association.core_peering"},
			corpRTB:       {"aws_ec2_transit_gateway_route.corp_to_prod", "aws_ec2_transit_gateway_route_table_association.corp_peering"},
		},
		placeholders: []string{peeringAddress + " id=" + peeringAttach},
	}, {
		// Transit Gateway guide, "Accept or reject a peering attachment
		// request": the attachment stays pendingAcceptance until the
		// accepter's owner accepts it, even in one account
		// (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering-accept-reject.html).
		name: "a transit gateway peering nobody accepts carries nothing", plan: "tgw-peering-pending.json", fixtures: []string{"hub-and-spoke", "hybrid"},
		gained: []string{}, lost: []string{}, exposed: []string{},
		addresses: map[string][]string{
			peeringAttach: {peeringAddress},
			corpRTB:       {"aws_ec2_transit_gateway_route.corp_to_prod", "aws_ec2_transit_gateway_route_table_association.corp_peering"},
		},
		placeholders: []string{peeringAddress + " id=" + peeringAttach},
		notes:        []string{peeringAddress + ": the peering carries no traffic until the peer accepts it (aws_ec2_transit_gateway_peering_attachment_accepter)"},
	}, {
		// Transit Gateway guide, "Transit gateways": with default route
		// table association and propagation, a new attachment is
		// associated with the default association route table and
		// propagates into the default propagation route table
		// (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-transit-gateways.html).
		// corp-rtb becomes both defaults; the new corp-app attachment
		// (created after them: depends_on) lands in it, and analytics
		// reaches hq-db-1 on 5432.
		name: "default route table association and propagation place a new VPC attachment", plan: "corp-tgw-defaults.json", fixtures: []string{"hybrid"},
		gained: []string{analytics2ENI + "," + analytics1ENI + " -> " + hqDB1ENI + " tcp/5432"},
		lost:   []string{}, exposed: []string{},
		addresses: map[string][]string{
			corpTGW:       {defaultRTAssoc, defaultRTProp},
			corpRTB:       {defaultRTAssoc, defaultRTProp},
			corpAppAttach: {"aws_ec2_transit_gateway_vpc_attachment.corp_app"},
			corpAppRT:     {"aws_route.corp_app_to_analytics"},
		},
		placeholders: []string{"aws_ec2_transit_gateway_vpc_attachment.corp_app id=" + corpAppAttach},
	}, {
		// the same without depends_on: Terraform may create the
		// attachment before it changes the defaults, and the answer says so
		name: "a default route table change not ordered before a new attachment is noted", plan: "corp-tgw-defaults-unordered.json", fixtures: []string{"hybrid"},
		gained: []string{analytics2ENI + "," + analytics1ENI + " -> " + hqDB1ENI + " tcp/5432"},
		lost:   []string{}, exposed: []string{},
		addresses:    map[string][]string{corpTGW: {defaultRTAssoc, defaultRTProp}},
		placeholders: []string{"aws_ec2_transit_gateway_vpc_attachment.corp_app id=" + corpAppAttach},
		notes: []string{
			defaultRTAssoc + ": applied before the plan's new transit gateway attachments; Terraform orders them only by references and depends_on, and aws_ec2_transit_gateway_vpc_attachment.corp_app has neither for it, so it may be created first and use the previous default",
			defaultRTProp + ": applied before the plan's new transit gateway attachments; Terraform orders them only by references and depends_on, and aws_ec2_transit_gateway_vpc_attachment.corp_app has neither for it, so it may be created first and use the previous default",
		},
	}, {
		// corp-tgw has no default route tables: the new attachment is
		// associated with none and propagates nowhere
		name: "without default route tables a new VPC attachment is routed nowhere", plan: "corp-tgw-no-defaults.json", fixtures: []string{"hybrid"},
		gained: []string{}, lost: []string{}, exposed: []string{},
		addresses:    map[string][]string{corpAppAttach: {"aws_ec2_transit_gateway_vpc_attachment.corp_app"}},
		placeholders: []string{"aws_ec2_transit_gateway_vpc_attachment.corp_app id=" + corpAppAttach},
	}, {
		// AWS VPC guide, "Enable internet access for a VPC using an
		// internet gateway": an attached gateway, a route to it and a
		// public address (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html).
		// The gateway is created detached and attached by
		// aws_internet_gateway_attachment; the Elastic IP's address is a
		// placeholder.
		name: "an internet gateway attached by its own resource, a route and an Elastic IP expose dev-build-1a", plan: "dev-igw-attachment.json", fixtures: []string{"hub-and-spoke"},
		gained: []string{
			devBuild1aENI + " -> 0.0.0.0/0 icmp echo-request",
			"0.0.0.0/0 -> " + devBuild1aENI + " tcp/443",
			devBuild1aENI + " -> 0.0.0.0/0 tcp/all",
			devBuild1aENI + " -> 0.0.0.0/0 udp/all",
		},
		lost: []string{}, exposed: []string{"0.0.0.0/0 -> " + devBuild1aENI + " tcp/443"},
		addresses: map[string][]string{
			devIGW:                  {"aws_internet_gateway.dev", "aws_internet_gateway_attachment.dev"},
			"rtb-061bc14c02ba7d813": {"aws_route.dev_default"},
			devBuild1aENI:           {"aws_eip.dev_build_1a"},
			"sg-0ebb9ac9b1233c7ef":  {"aws_vpc_security_group_ingress_rule.dev_build_webhooks"},
		},
		placeholders: []string{"aws_internet_gateway.dev id=" + devIGW, "aws_eip.dev_build_1a id=eipalloc-(aws_eip.dev_build_1a)",
			"aws_eip.dev_build_1a allocation_id=eipalloc-(aws_eip.dev_build_1a.allocation_id)", "aws_eip.dev_build_1a public_ip=198.18.0.1"},
	}, {
		// Transit Gateway guide, "Share a transit gateway" and the API's
		// TransitGatewayRequestOptions.AutoAcceptSharedAttachments
		// ("Disabled by default",
		// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_TransitGatewayRequestOptions.html):
		// a VPC of another account attached to a shared gateway waits for
		// the owner's acceptance; the accepter's route table options
		// apply, not the attachment's. fraud-vpc (444455556666) attached
		// to core-tgw, associated with spoke-rtb and propagated into
		// firewall-rtb by the accepter's side.
		name: "a VPC of another account attached to a shared transit gateway and accepted", plan: "shared-tgw-accepted.json", fixtures: []string{"hub-and-spoke", "peering"},
		gained: []string{fraudScoringENI + " -> " + prodAPI1bENI + "," + prodAPI1aENI + " tcp/443"},
		lost:   []string{}, exposed: []string{},
		addresses: map[string][]string{
			fraudAttach: {fraudAddress, "aws_ec2_transit_gateway_vpc_attachment_accepter.fraud"},
			spokeRTB:    {"aws_ec2_transit_gateway_route_table_association.fraud"},
			firewallRTB: {"aws_ec2_transit_gateway_route_table_propagation.fraud"},
		},
		placeholders: []string{fraudAddress + " id=" + fraudAttach},
	}, {
		// without the accepter, and with a gateway the plan does not
		// manage (a snapshot does not record auto-accept): taken as
		// waiting, the default, and said so
		name: "a VPC of another account attached to a shared transit gateway nobody accepts", plan: "shared-tgw-pending.json", fixtures: []string{"hub-and-spoke", "peering"},
		gained: []string{}, lost: []string{}, exposed: []string{},
		addresses:    map[string][]string{fraudAttach: {fraudAddress}},
		placeholders: []string{fraudAddress + " id=" + fraudAttach},
		notes: []string{fraudAddress + ": the attachment of vpc-0d7c102b1faff6a73 (account 444455556666) to " + coreTGW +
			" (account 111122223333) is taken as waiting for acceptance (aws_ec2_transit_gateway_vpc_attachment_accepter): the gateway accepts shared attachments automatically only with auto_accept_shared_attachments enabled, which the snapshot does not record"},
	}, {
		// the VPN gateway moves to the analytics VPC (the attachment's
		// vpc_id forces a replacement); traffic with the datacenter is
		// not traffic between interfaces, so these sets stay empty: the
		// answers below check it, and TestOnPremReachabilityOfPlans the
		// sets with the datacenter declared
		name: "a VPN gateway moved to another VPC changes no traffic between interfaces", plan: "corp-vgw-move.json", fixtures: []string{"hybrid"},
		gained: []string{}, lost: []string{}, exposed: []string{},
		addresses: map[string][]string{
			corpVGW:     {"aws_vpn_gateway.corp", "aws_vpn_gateway_attachment.corp"},
			analyticsRT: {"aws_vpn_gateway_route_propagation.analytics"},
			// the route table of the VPC it left: a route gone, one blackholed
			corpAppRT: {"aws_vpn_gateway_attachment.corp"},
		},
		placeholders: []string{},
	}} {
		t.Run(c.name, func(t *testing.T) {
			old, res := applyTo(t, c.plan, c.fixtures...)
			rep, err := impact.Compare(reach.New(old), reach.New(res.Snapshot), impact.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range []*impact.Delta{&rep.Reachability, &rep.Exposure} {
				drop := func(it impact.Item) bool { return res.PlaceholderPeers(it.From) || res.PlaceholderPeers(it.To) }
				d.Gained, d.Lost = slices.DeleteFunc(d.Gained, drop), slices.DeleteFunc(d.Lost, drop)
			}
			if got := lines(rep.Reachability.Gained); !slices.Equal(got, c.gained) {
				t.Errorf("gained\n%q\nwant\n%q", got, c.gained)
			}
			if got := lines(rep.Reachability.Lost); !slices.Equal(got, c.lost) {
				t.Errorf("lost\n%q\nwant\n%q", got, c.lost)
			}
			if got := lines(rep.Exposure.Gained); !slices.Equal(got, c.exposed) {
				t.Errorf("exposure gained\n%q\nwant\n%q", got, c.exposed)
			}
			for id, want := range c.addresses {
				if got := res.AddressesOf(id); !slices.Equal(got, want) {
					t.Errorf("addresses of %s: %q, want %q", id, got, want)
				}
			}
			ph := []string{}
			for _, x := range res.Placeholders {
				ph = append(ph, x.Address+" "+x.Attribute+"="+x.Value)
			}
			if !slices.Equal(ph, c.placeholders) {
				t.Errorf("placeholders %q, want %q", ph, c.placeholders)
			}
			var skipped []string
			for _, s := range res.NotConsidered {
				skipped = append(skipped, s.Address+": "+s.Reason)
			}
			if !slices.Equal(skipped, c.notConsidered) {
				t.Errorf("not considered %q, want %q", skipped, c.notConsidered)
			}
			if !slices.Equal(res.Notes, c.notes) && (len(res.Notes) > 0 || len(c.notes) > 0) {
				t.Errorf("notes %q, want %q", res.Notes, c.notes)
			}
		})
	}
}

// hopAt is a hop an answer must hold: in the forward or return path, at a
// layer and resource (and stage when set), with the Terraform addresses
// of that resource.
type hopAt struct {
	dir       reach.Direction
	layer     reach.Layer
	resource  string
	stage     reach.Stage
	addresses []string
}

// plannedAnswer is what a point question on a planned network must
// answer: the verdict, the hops through the resources the plan makes or
// changes, and where the flow is blocked (layer, resource, code,
// direction) with the Terraform addresses of the blocking resource
// (anyAddresses: not checked).
type plannedAnswer struct {
	verdict      reach.Outcome
	via          []hopAt
	layer        reach.Layer
	resource     string
	code         reach.Code
	dir          reach.Direction
	addresses    []string
	anyAddresses bool
}

// checkPlanned checks an answer on the planned network of res.
func checkPlanned(t *testing.T, res *tfplan.Result, a *reach.Answer, want plannedAnswer) {
	t.Helper()
	if a.Verdict != want.verdict {
		t.Fatalf("verdict %s, want %s (blocked %+v, caveats %q)", a.Verdict, want.verdict, a.Blocked, a.Caveats)
	}
	for _, hop := range want.via {
		path := a.Forward
		if hop.dir == reach.DirReturn {
			path = a.Return
		}
		i := slices.IndexFunc(path, func(h reach.Hop) bool {
			return h.Layer == hop.layer && h.Resource == hop.resource && (hop.stage == "" || h.Stage == hop.stage)
		})
		if i < 0 {
			t.Errorf("no %s hop at %s %s (%s) in %+v", hop.dir, hop.layer, hop.resource, hop.stage, path)
			continue
		}
		if got := res.AddressesOf(path[i].Resource); !slices.Equal(got, hop.addresses) {
			t.Errorf("addresses of %s: %q, want %q", path[i].Resource, got, hop.addresses)
		}
	}
	if want.layer == "" {
		return
	}
	b := a.Blocked
	if b == nil || b.Layer != want.layer || b.Resource != want.resource || b.Code != want.code || b.Direction != want.dir {
		t.Fatalf("blocked %+v, want %s %s %s %s", b, want.layer, want.resource, want.code, want.dir)
	}
	if got := res.AddressesOf(b.Resource); !want.anyAddresses && !slices.Equal(got, want.addresses) {
		t.Errorf("addresses of the blocking resource %q, want %q", got, want.addresses)
	}
}

// TestPlannedTransitAndHybridAnswers asks the planned networks point
// questions: the answer's verdict, and the hop through the resource the
// plan makes or changes (with its Terraform addresses), or where the
// flow is blocked (layer, resource, code, direction).
func TestPlannedTransitAndHybridAnswers(t *testing.T) {
	for _, c := range []struct {
		name     string
		plan     string
		fixtures []string
		onprem   string // a network declared as --onprem declares it
		from, to string
		port     int
		verdict  reach.Outcome
		via      []hopAt
		// blocked
		layer     reach.Layer
		resource  string
		code      reach.Code
		dir       reach.Direction
		addresses []string // of the blocking resource; nil: not checked
	}{{
		name: "dev-build-1a reaches prod-api-1a on 443 through dev-rtb's planned route", plan: "hub-tgw-route.json", fixtures: []string{"hub-and-spoke"},
		from: "dev-build-1a", to: "prod-api-1a", port: 443, verdict: reach.VerdictReachable,
		via: []hopAt{{dir: reach.DirForward, layer: reach.LayerTransitGateway, resource: devRTB, stage: reach.StageLookup,
			addresses: []string{"aws_ec2_transit_gateway_route.dev_to_prod"}}},
	}, {
		// before the plan the reply of prod-api-1a → dev-build-1a found no
		// route in dev-rtb (hub-and-spoke scenario 8); now it does
		name: "prod-api-1a's HTTPS to dev-build-1a gets its reply back through the planned route", plan: "hub-tgw-route.json", fixtures: []string{"hub-and-spoke"},
		from: "prod-api-1a", to: "dev-build-1a", port: 443, verdict: reach.VerdictReachable,
		via: []hopAt{{dir: reach.DirReturn, layer: reach.LayerTransitGateway, resource: devRTB, stage: reach.StageLookup,
			addresses: []string{"aws_ec2_transit_gateway_route.dev_to_prod"}}},
	}, {
		name: "prod-api-1a reaches analytics-1 across the accepted peering", plan: "tgw-peering-accepted.json", fixtures: []string{"hub-and-spoke", "hybrid"},
		from: "prod-api-1a", to: "analytics-1", port: 443, verdict: reach.VerdictReachable,
		via: []hopAt{
			{dir: reach.DirForward, layer: reach.LayerTransitGateway, resource: spokeRTB, stage: reach.StageLookup,
				addresses: []string{"aws_ec2_transit_gateway_route.core_to_analytics"}},
			{dir: reach.DirForward, layer: reach.LayerTransitGateway, resource: peeringAttach, stage: reach.StagePeering,
				addresses: []string{peeringAddress, accepterAddress}},
			// corp's end is associated with corp-rtb, core's with firewall-rtb
			{dir: reach.DirForward, layer: reach.LayerTransitGateway, resource: corpRTB, stage: reach.StageLookup,
				addresses: []string{"aws_ec2_transit_gateway_route.corp_to_prod", "aws_ec2_transit_gateway_route_table_association.corp_peering"}},
			{dir: reach.DirReturn, layer: reach.LayerTransitGateway, resource: firewallRTB, stage: reach.StageLookup,
				addresses: []string{"aws_ec2_transit_gateway_route_table_association.core_peering"}},
		},
	}, {
		name: "a peering attachment pending acceptance blocks at the transit gateway", plan: "tgw-peering-pending.json", fixtures: []string{"hub-and-spoke", "hybrid"},
		from: "prod-api-1a", to: "analytics-1", port: 443, verdict: reach.VerdictUnreachable,
		layer: reach.LayerTransitGateway, resource: peeringAttach, code: reach.CodeBadStateAttachment, dir: reach.DirForward,
		addresses: []string{peeringAddress},
	}, {
		name: "analytics-1 reaches hq-db-1 through the attachment placed by the default route tables", plan: "corp-tgw-defaults.json", fixtures: []string{"hybrid"},
		from: "analytics-1", to: "hq-db-1", port: 5432, verdict: reach.VerdictReachable,
		via: []hopAt{
			{dir: reach.DirForward, layer: reach.LayerTransitGateway, resource: corpRTB, stage: reach.StageLookup,
				addresses: []string{defaultRTAssoc, defaultRTProp}},
			{dir: reach.DirForward, layer: reach.LayerTransitGateway, resource: corpAppAttach, stage: reach.StageExit,
				addresses: []string{"aws_ec2_transit_gateway_vpc_attachment.corp_app"}},
			{dir: reach.DirReturn, layer: reach.LayerTransitGateway, resource: corpAppAttach, stage: reach.StageEnter,
				addresses: []string{"aws_ec2_transit_gateway_vpc_attachment.corp_app"}},
		},
	}, {
		name: "without default route tables nothing propagates the new attachment's VPC", plan: "corp-tgw-no-defaults.json", fixtures: []string{"hybrid"},
		from: "analytics-1", to: "hq-db-1", port: 5432, verdict: reach.VerdictUnreachable,
		layer: reach.LayerTransitGateway, resource: corpRTB, code: reach.CodeTGWRTBCannotRoute, dir: reach.DirForward,
	}, {
		name: "fraud-scoring in another account reaches prod-api-1a through the accepted attachment", plan: "shared-tgw-accepted.json", fixtures: []string{"hub-and-spoke", "peering"},
		from: fraudScoring, to: "prod-api-1a", port: 443, verdict: reach.VerdictReachable,
		via: []hopAt{
			{dir: reach.DirForward, layer: reach.LayerTransitGateway, resource: fraudAttach, stage: reach.StageEnter,
				addresses: []string{fraudAddress, "aws_ec2_transit_gateway_vpc_attachment_accepter.fraud"}},
			{dir: reach.DirForward, layer: reach.LayerTransitGateway, resource: spokeRTB, stage: reach.StageLookup,
				addresses: []string{"aws_ec2_transit_gateway_route_table_association.fraud"}},
			{dir: reach.DirReturn, layer: reach.LayerTransitGateway, resource: firewallRTB, stage: reach.StageLookup,
				addresses: []string{"aws_ec2_transit_gateway_route_table_propagation.fraud"}},
		},
	}, {
		name: "an attachment waiting for acceptance blocks where it enters the transit gateway", plan: "shared-tgw-pending.json", fixtures: []string{"hub-and-spoke", "peering"},
		from: fraudScoring, to: "prod-api-1a", port: 443, verdict: reach.VerdictUnreachable,
		layer: reach.LayerTransitGateway, resource: fraudAttach, code: reach.CodeBadStateAttachment, dir: reach.DirForward,
		addresses: []string{fraudAddress},
	}, {
		name: "the internet reaches dev-build-1a through the attached internet gateway", plan: "dev-igw-attachment.json", fixtures: []string{"hub-and-spoke"},
		from: "198.51.100.7", to: "dev-build-1a", port: 443, verdict: reach.VerdictReachable,
		via: []hopAt{
			{dir: reach.DirForward, layer: reach.LayerInternetGateway, resource: devIGW, stage: reach.StageIngress,
				addresses: []string{"aws_internet_gateway.dev", "aws_internet_gateway_attachment.dev"}},
			{dir: reach.DirReturn, layer: reach.LayerRouteTable, resource: "rtb-061bc14c02ba7d813", stage: reach.StageLookup,
				addresses: []string{"aws_route.dev_default"}},
		},
	}, {
		// AWS Site-to-Site VPN guide, "Route tables and route priority":
		// with route propagation on, the VPN's routes are propagated into
		// the table (https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-route-priority.html);
		// hq-vpn's static route 10.200.0.0/16 lands in analytics-rt and
		// the reply to the datacenter takes it instead of 10.0.0.0/8 to
		// corp-tgw (which has no route back, hybrid scenario 12)
		name: "the datacenter reaches analytics-1 once the VPN gateway propagates into analytics-rt", plan: "corp-vgw-move.json", fixtures: []string{"hybrid"},
		onprem: datacenterSpec, from: "10.200.1.5", to: "analytics-1", port: 443, verdict: reach.VerdictReachable,
		via: []hopAt{
			{dir: reach.DirForward, layer: reach.LayerVPNGateway, resource: corpVGW, stage: reach.StageIngress,
				addresses: []string{"aws_vpn_gateway.corp", "aws_vpn_gateway_attachment.corp"}},
			{dir: reach.DirReturn, layer: reach.LayerRouteTable, resource: analyticsRT, stage: reach.StageLookup,
				addresses: []string{"aws_vpn_gateway_route_propagation.analytics"}},
		},
	}, {
		name: "moved without route propagation the reply to the datacenter finds no way back", plan: "corp-vgw-move-no-propagation.json", fixtures: []string{"hybrid"},
		onprem: datacenterSpec, from: "10.200.1.5", to: "analytics-1", port: 443, verdict: reach.VerdictUnreachable,
		layer: reach.LayerTransitGateway, resource: corpRTB, code: reach.CodeTGWRTBCannotRoute, dir: reach.DirReturn,
	}, {
		// a gateway is attached to one VPC at a time (DetachVpnGateway:
		// "You must wait for the attachment's state to switch to detached
		// before you can ... attach a different VPC",
		// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DetachVpnGateway.html):
		// the routes it propagated into corp-app-rt go with it
		name: "the VPC the VPN gateway left loses its propagated route to the datacenter", plan: "corp-vgw-move.json", fixtures: []string{"hybrid"},
		onprem: datacenterSpec, from: "hq-db-1", to: "10.200.1.5", port: 443, verdict: reach.VerdictUnreachable,
		layer: reach.LayerRouteTable, resource: corpAppRT, code: reach.CodeNoRouteToDestination, dir: reach.DirForward,
		addresses: []string{"aws_vpn_gateway_attachment.corp"},
	}, {
		// its static route to the gateway stays, as a blackhole (Route.State:
		// "the specified gateway isn't attached to the VPC",
		// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Route.html)
		name: "a static route to the departed VPN gateway is a blackhole", plan: "corp-vgw-move.json", fixtures: []string{"hybrid"},
		from: "hq-db-1", to: "10.201.0.9", port: 443, verdict: reach.VerdictUnreachable,
		layer: reach.LayerRouteTable, resource: corpAppRT, code: reach.CodeBadStateRoute, dir: reach.DirForward,
		addresses: []string{"aws_vpn_gateway_attachment.corp"},
	}, {
		name: "the datacenter no longer enters the VPC the VPN gateway left", plan: "corp-vgw-move.json", fixtures: []string{"hybrid"},
		onprem: datacenterSpec, from: "10.200.1.5", to: "hq-db-1", port: 5432, verdict: reach.VerdictUnreachable,
		layer: reach.LayerOnPremises, resource: "datacenter", code: reach.CodeNoPath, dir: reach.DirForward,
	}} {
		t.Run(c.name, func(t *testing.T) {
			_, res := applyTo(t, c.plan, c.fixtures...)
			e := reach.New(res.Snapshot)
			if c.onprem != "" {
				n, err := reach.ParseOnPrem(c.onprem)
				if err != nil {
					t.Fatal(err)
				}
				if e, err = e.WithOnPrem([]reach.OnPremNetwork{n}); err != nil {
					t.Fatal(err)
				}
			}
			a, err := e.Reach(reach.Query{From: c.from, To: c.to, Protocol: model.ProtocolTCP, Port: c.port})
			if err != nil {
				t.Fatal(err)
			}
			checkPlanned(t, res, a, plannedAnswer{verdict: c.verdict, via: c.via, layer: c.layer, resource: c.resource,
				code: c.code, dir: c.dir, addresses: c.addresses, anyAddresses: c.addresses == nil})
		})
	}
}

// Each end of a peering attachment keeps its own association: the
// association resources of both sides name one attachment ID.
func TestPeeringEndsKeepTheirOwnAssociations(t *testing.T) {
	_, res := applyTo(t, "tgw-peering-accepted.json", "hub-and-spoke", "hybrid")
	want := map[string]string{coreTGW: firewallRTB, corpTGW: corpRTB}
	ends := 0
	for _, a := range res.Snapshot.TGWAttachments {
		if a.ID != peeringAttach {
			continue
		}
		ends++
		if a.State != "available" || a.Association == nil || a.Association.RouteTableID != want[a.TransitGatewayID] {
			t.Errorf("end on %s: state %s, association %+v, want available and %s", a.TransitGatewayID, a.State, a.Association, want[a.TransitGatewayID])
		}
	}
	if ends != 2 {
		t.Fatalf("%d ends of the peering attachment, want 2", ends)
	}
	for _, rt := range res.Snapshot.TGWRouteTables {
		has := slices.ContainsFunc(rt.Associations, func(l model.TGWRouteTableLink) bool { return l.AttachmentID == peeringAttach })
		if has != (rt.ID == firewallRTB || rt.ID == corpRTB) {
			t.Errorf("route table %s associated with the peering: %v", rt.ID, has)
		}
	}
}
