package tfplan_test

// Plans for a VPC peering accepted in another account (the peering
// fixture, fixtures/peering.json: ledger-vpc in 111122223333 peers with
// fraud-vpc in 444455556666, each side's routes written with its own
// provider) and for internet gateways deleted, detached or moved to
// another VPC (the three-tier and hub-and-spoke fixtures).

import (
	"slices"
	"testing"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/impact"
)

// The resources of the peering and gateway plans.
const (
	ledgerDBENI      = "eni-084aeca91ca356c4c"
	ledgerRT         = "rtb-0c65204a86f7564ec" // ledger-data-rt
	fraudRT          = "rtb-0685e426c3aa9afe4" // fraud-app-rt, account 444455556666
	ledgerDBSG       = "sg-06064ea3cb2ffba72"
	ledgerFraudPCX   = "pcx-(aws_vpc_peering_connection.ledger_fraud)"
	ledgerFraudAddr  = "aws_vpc_peering_connection.ledger_fraud"
	ledgerFraudAccpt = "aws_vpc_peering_connection_accepter.ledger_fraud"
	storefrontIGW    = "igw-00fccc921acfdf1f0"
	storefrontRT     = "rtb-07aaa8b7560850b26" // storefront-public-rt
	storefrontALB    = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/storefront-alb/50dc6c495c0c9188"
	inspectionIGW    = "igw-0a4a9facb7f341fd5"
	inspection1aRT   = "rtb-0b009038d0dee0314"
	inspection1bRT   = "rtb-08d5f13d7894b4505"
)

// What the storefront loses with its internet gateway: every flow with
// the internet, and the exposure of the web tier and the load balancer.
var (
	storefrontLost = []string{
		"0.0.0.0/0,::/0 -> " + web1a + "," + web1b + " tcp/443",
		"0.0.0.0/0,::/0 -> " + web1a + "," + web1b + " tcp/80",
		"203.0.113.0/24 -> " + web1a + "," + web1b + " tcp/22",
		db1a + " -> 0.0.0.0/0 tcp/443",
		db1b + " -> 0.0.0.0/0 tcp/443",
		web1a + " -> 0.0.0.0/0,::/0 tcp/1024-65535",
		web1a + " -> 0.0.0.0/0,::/0 tcp/443",
		web1a + " -> 0.0.0.0/0,::/0 tcp/80",
		web1b + " -> 0.0.0.0/0,::/0 tcp/1024-65535",
		web1b + " -> 0.0.0.0/0,::/0 tcp/443",
		web1b + " -> 0.0.0.0/0,::/0 tcp/80",
		app1a + " -> 0.0.0.0/0 tcp/443",
		app1a + " -> 0.0.0.0/0 tcp/80",
		app1b + " -> 0.0.0.0/0 tcp/443",
		app1b + " -> 0.0.0.0/0 tcp/80",
	}
	storefrontUnexposed = []string{
		"0.0.0.0/0 -> " + storefrontALB + " tcp/443",
		"0.0.0.0/0,::/0 -> " + web1a + " tcp/443",
		"0.0.0.0/0,::/0 -> " + web1a + " tcp/80",
		"0.0.0.0/0,::/0 -> " + web1b + " tcp/443",
		"0.0.0.0/0,::/0 -> " + web1b + " tcp/80",
		"203.0.113.0/24 -> " + web1a + " tcp/22",
		"203.0.113.0/24 -> " + web1b + " tcp/22",
	}
)

func TestPeeringAcceptersAndDetachedInternetGateways(t *testing.T) {
	for _, c := range []struct {
		name      string
		plan      string
		fixtures  []string
		gained    []string
		lost      []string
		exposed   []string // exposure gained
		unexposed []string // exposure lost
		addresses map[string][]string
		// blackholes are "route table destination" of the routes in state
		// blackhole after the plan (in the route tables of blackholesIn)
		blackholes   []string
		blackholesIn []string
		placeholders []string
		notes        []string
	}{{
		// VPC peering guide, "Accept a VPC peering connection": a peering
		// with a VPC of another account is active once that account
		// accepts it (https://docs.aws.amazon.com/vpc/latest/peering/accept-vpc-peering-connection.html);
		// the provider documents the accepter's id as the peering
		// connection's ID, and fraud's route names it: fraud-scoring
		// reaches ledger-db on 5432 both ways.
		name: "a route in the accepter's account naming the accepter's id uses the peering", plan: "ledger-fraud-peering.json", fixtures: []string{"peering"},
		gained: []string{fraudScoringENI + " -> " + ledgerDBENI + " tcp/5432"}, lost: []string{}, exposed: []string{}, unexposed: []string{},
		addresses: map[string][]string{
			ledgerFraudPCX: {ledgerFraudAddr, ledgerFraudAccpt},
			ledgerRT:       {"aws_route.ledger_to_fraud"},
			fraudRT:        {"aws_route.fraud_to_ledger"},
			ledgerDBSG:     {"aws_vpc_security_group_ingress_rule.ledger_db_from_fraud"},
		},
		blackholesIn: []string{ledgerRT, fraudRT}, blackholes: []string{},
		placeholders: []string{ledgerFraudAddr + " id=" + ledgerFraudPCX},
	}, {
		// the same with fraud's route naming the requester's resource
		// (aws_vpc_peering_connection.ledger_fraud.id) across providers
		name: "a route in the accepter's account naming the requester's peering id uses the peering", plan: "ledger-fraud-peering-requester-id.json", fixtures: []string{"peering"},
		gained: []string{fraudScoringENI + " -> " + ledgerDBENI + " tcp/5432"}, lost: []string{}, exposed: []string{}, unexposed: []string{},
		addresses: map[string][]string{
			ledgerFraudPCX: {ledgerFraudAddr, ledgerFraudAccpt},
			fraudRT:        {"aws_route.fraud_to_ledger"},
		},
		blackholesIn: []string{ledgerRT, fraudRT}, blackholes: []string{},
		placeholders: []string{ledgerFraudAddr + " id=" + ledgerFraudPCX},
	}, {
		// VPC peering guide: a peering request to another account stays
		// pending-acceptance until that account accepts it, and carries
		// nothing (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html)
		name: "a cross-account peering nobody accepts carries nothing", plan: "ledger-fraud-peering-pending.json", fixtures: []string{"peering"},
		gained: []string{}, lost: []string{}, exposed: []string{}, unexposed: []string{},
		addresses:    map[string][]string{ledgerFraudPCX: {ledgerFraudAddr}, fraudRT: {"aws_route.fraud_to_ledger"}},
		blackholesIn: []string{ledgerRT, fraudRT}, blackholes: []string{},
		placeholders: []string{ledgerFraudAddr + " id=" + ledgerFraudPCX},
		notes: []string{ledgerFraudAddr + ": the peering connection carries no traffic until the owner of vpc-0d7c102b1faff6a73 accepts it" +
			" (aws_vpc_peering_connection_accepter, or auto_accept in the same account and Region)"},
	}, {
		// Route.State: "The blackhole state indicates that the route's
		// target isn't available (for example, the specified gateway isn't
		// attached to the VPC ...)"
		// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Route.html).
		// Terraform detaches a gateway before it deletes it; the routes
		// to it (another stack's) stay, as blackholes.
		name: "a deleted internet gateway leaves blackholes and the storefront loses the internet", plan: "storefront-igw-deleted.json", fixtures: []string{"three-tier"},
		gained: []string{}, lost: storefrontLost, exposed: []string{}, unexposed: storefrontUnexposed,
		addresses:    map[string][]string{storefrontRT: {"aws_internet_gateway.storefront"}},
		blackholesIn: []string{storefrontRT}, blackholes: []string{storefrontRT + " 0.0.0.0/0", storefrontRT + " ::/0"},
		placeholders: []string{},
	}, {
		name: "a deleted internet gateway attachment leaves blackholes and the storefront loses the internet", plan: "storefront-igw-detached.json", fixtures: []string{"three-tier"},
		gained: []string{}, lost: storefrontLost, exposed: []string{}, unexposed: storefrontUnexposed,
		addresses: map[string][]string{
			storefrontIGW: {"aws_internet_gateway.storefront", "aws_internet_gateway_attachment.storefront"},
			storefrontRT:  {"aws_internet_gateway.storefront", "aws_internet_gateway_attachment.storefront"},
		},
		blackholesIn: []string{storefrontRT}, blackholes: []string{storefrontRT + " 0.0.0.0/0", storefrontRT + " ::/0"},
		placeholders: []string{},
	}, {
		// an internet gateway is attached to one VPC at a time
		// (AttachInternetGateway, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AttachInternetGateway.html):
		// moved to dev-spoke (vpc_id updated in place), the inspection
		// VPC's default routes are blackholes and the spokes' egress
		// through its NAT gateways is lost
		name: "an internet gateway moved to another VPC blackholes the routes of the VPC it left", plan: "inspection-igw-moved.json", fixtures: []string{"hub-and-spoke"},
		gained: []string{}, exposed: []string{}, unexposed: []string{},
		lost: func() []string {
			var out []string
			for _, svc := range []string{"icmp echo-request", "tcp/all", "udp/all"} {
				for _, eni := range []string{prodAPI1bENI, "eni-0d2c4c96e1e807dec", prodAPI1aENI, "eni-0e46d962a1d0da099", "eni-0f51d00833fa736eb", "eni-0ff73d100d8f7c316"} {
					out = append(out, eni+" -> 0.0.0.0/0 "+svc)
				}
			}
			return out
		}(),
		addresses: map[string][]string{
			inspectionIGW:  {"aws_internet_gateway.inspection"},
			inspection1aRT: {"aws_internet_gateway.inspection"},
			inspection1bRT: {"aws_internet_gateway.inspection"},
		},
		blackholesIn: []string{inspection1aRT, inspection1bRT},
		blackholes:   []string{inspection1aRT + " 0.0.0.0/0", inspection1bRT + " 0.0.0.0/0"},
		placeholders: []string{},
	}} {
		t.Run(c.name, func(t *testing.T) {
			old, res := applyTo(t, c.plan, c.fixtures...)
			rep, err := impact.Compare(reach.New(old), reach.New(res.Snapshot), impact.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range []struct {
				what      string
				got, want []string
			}{
				{"gained", lines(rep.Reachability.Gained), c.gained},
				{"lost", lines(rep.Reachability.Lost), c.lost},
				{"exposure gained", lines(rep.Exposure.Gained), c.exposed},
				{"exposure lost", lines(rep.Exposure.Lost), c.unexposed},
			} {
				if !slices.Equal(x.got, x.want) {
					t.Errorf("%s\n%q\nwant\n%q", x.what, x.got, x.want)
				}
			}
			for id, want := range c.addresses {
				if got := res.AddressesOf(id); !slices.Equal(got, want) {
					t.Errorf("addresses of %s: %q, want %q", id, got, want)
				}
			}
			holes := []string{}
			for _, rt := range res.Snapshot.RouteTables {
				if !slices.Contains(c.blackholesIn, rt.ID) {
					continue
				}
				for _, r := range rt.Routes {
					if r.State == "blackhole" {
						holes = append(holes, rt.ID+" "+r.DestinationString())
					}
				}
			}
			if !slices.Equal(holes, c.blackholes) {
				t.Errorf("blackhole routes %q, want %q", holes, c.blackholes)
			}
			ph := []string{}
			for _, x := range res.Placeholders {
				ph = append(ph, x.Address+" "+x.Attribute+"="+x.Value)
			}
			if !slices.Equal(ph, c.placeholders) {
				t.Errorf("placeholders %q, want %q", ph, c.placeholders)
			}
			if len(res.Notes)+len(c.notes) > 0 && !slices.Equal(res.Notes, c.notes) {
				t.Errorf("notes %q, want %q", res.Notes, c.notes)
			}
		})
	}
}

// TestPeeringAndDetachedGatewayAnswers asks the planned networks point
// questions: the verdict, the hop through the planned peering, or where
// the flow is blocked.
func TestPeeringAndDetachedGatewayAnswers(t *testing.T) {
	for _, c := range []struct {
		name     string
		plan     string
		fixture  string
		from, to string
		port     int
		verdict  reach.Outcome
		via      []hopAt
		// blocked
		layer     reach.Layer
		resource  string
		code      reach.Code
		dir       reach.Direction
		addresses []string
	}{{
		name: "fraud-scoring reaches ledger-db through the peering the accepter's id names", plan: "ledger-fraud-peering.json", fixture: "peering",
		from: fraudScoring, to: ledgerDBENI, port: 5432, verdict: reach.VerdictReachable,
		via: []hopAt{
			{dir: reach.DirForward, layer: reach.LayerRouteTable, resource: fraudRT, stage: reach.StageLookup, addresses: []string{"aws_route.fraud_to_ledger"}},
			{dir: reach.DirForward, layer: reach.LayerVPCPeering, resource: ledgerFraudPCX, addresses: []string{ledgerFraudAddr, ledgerFraudAccpt}},
			{dir: reach.DirReturn, layer: reach.LayerRouteTable, resource: ledgerRT, stage: reach.StageLookup, addresses: []string{"aws_route.ledger_to_fraud"}},
		},
	}, {
		name: "a peering pending acceptance blocks at the peering", plan: "ledger-fraud-peering-pending.json", fixture: "peering",
		from: fraudScoring, to: ledgerDBENI, port: 5432, verdict: reach.VerdictUnreachable,
		layer: reach.LayerVPCPeering, resource: ledgerFraudPCX, code: reach.CodeBadState, dir: reach.DirForward,
		addresses: []string{ledgerFraudAddr},
	}, {
		// VPC guide, "Enable internet access for a VPC using an internet
		// gateway": no attached gateway, no way in
		// (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html)
		name: "the internet no longer enters the VPC its gateway was detached from", plan: "storefront-igw-detached.json", fixture: "three-tier",
		from: "198.51.100.7", to: web1a, port: 443, verdict: reach.VerdictUnreachable,
		layer: reach.LayerInternetGateway, resource: "vpc-0ed7c08ef5c77deaa", code: reach.CodeNoPath, dir: reach.DirForward,
		addresses: nil,
	}, {
		name: "web-1a's outbound HTTPS ends at the blackhole left by the deleted gateway", plan: "storefront-igw-deleted.json", fixture: "three-tier",
		from: web1a, to: "198.51.100.7", port: 443, verdict: reach.VerdictUnreachable,
		layer: reach.LayerRouteTable, resource: storefrontRT, code: reach.CodeBadStateRoute, dir: reach.DirForward,
		addresses: []string{"aws_internet_gateway.storefront"},
	}} {
		t.Run(c.name, func(t *testing.T) {
			_, res := applyTo(t, c.plan, c.fixture)
			a, err := reach.New(res.Snapshot).Reach(reach.Query{From: c.from, To: c.to, Protocol: model.ProtocolTCP, Port: c.port})
			if err != nil {
				t.Fatal(err)
			}
			checkPlanned(t, res, a, plannedAnswer{verdict: c.verdict, via: c.via, layer: c.layer, resource: c.resource,
				code: c.code, dir: c.dir, addresses: c.addresses})
		})
	}
}
