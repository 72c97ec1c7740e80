package present

import (
	"cmp"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// TableColumn is a column of a kind's table.
type TableColumn struct {
	Title string
	// Priority says which columns a narrow screen drops: 0 never (IDs,
	// addresses, CIDRs, rule sources), then the highest number first.
	Priority int
	// Flex columns (names) give up width before any column is dropped.
	Flex bool
	// Max caps the column's natural width; longer values are cut with "…".
	Max int
}

// Table is every resource of a kind, one row per ID: a resource seen from
// two accounts is one row whose account column names both.
type Table struct {
	Kind    model.Kind
	Columns []TableColumn
	Rows    [][]string
	IDs     []string
}

// The column priorities.
const (
	keep    = 0 // never dropped
	name    = 1 // names and states: shrink first, dropped late
	context = 2 // where it lives
	extra   = 3 // counts and details
)

// Table presents every resource of kind k. The account and region columns
// are on every kind; they rank above counts when the snapshot spans more
// than one account or region and below them when it does not.
func (p *Presenter) Table(k model.Kind) Table {
	s := p.ix.Snapshot()
	t := Table{Kind: k}
	acctPrio, regionPrio := extra+1, extra+1
	if len(Accounts(s)) > 1 {
		acctPrio = context
	}
	if len(Regions(s)) > 1 {
		regionPrio = context
	}
	col := func(title string, prio int, flex bool) TableColumn {
		return TableColumn{Title: title, Priority: prio, Flex: flex, Max: 44}
	}
	nameCol := col("name", name, true)
	idCol := col("id", keep, false)
	vpcCol := col("vpc", context, true)
	seen := map[string]int{}
	add := func(r model.Resource, cells ...string) {
		id := r.Base().ID
		if i, dup := seen[id]; dup {
			p.mergeSides(t.Rows[i], r)
			return
		}
		seen[id] = len(t.Rows)
		acct, region := r.Base().Account, r.Base().Region
		if pc, ok := r.(*model.VPCPeering); ok {
			acct = both(cmp.Or(pc.Requester.OwnerID, acct), cmp.Or(pc.Accepter.OwnerID, acct))
			region = both(cmp.Or(pc.Requester.Region, region), cmp.Or(pc.Accepter.Region, region))
		}
		t.IDs = append(t.IDs, id)
		t.Rows = append(t.Rows, append(cells, acct, region))
	}
	optName := func(r model.Resource) string {
		if n := Name(r); n != r.Base().ID {
			return n
		}
		return ""
	}
	short := p.shortID
	switch k {
	case model.KindVPC:
		t.Columns = []TableColumn{nameCol, idCol, col("cidrs", keep, false), col("subnets", extra, false)}
		for _, v := range s.VPCs {
			add(v, optName(v), v.ID, prefixes(v.CIDRs), strconv.Itoa(len(p.ix.VPCSubnets(v.ID))))
		}
	case model.KindSubnet:
		t.Columns = []TableColumn{nameCol, idCol, vpcCol, col("az", context, false), col("cidr", keep, false), col("type", name, false), col("enis", extra, false)}
		for _, v := range s.Subnets {
			typ := "private"
			if IsPublic(p.ix, v) {
				typ = "public"
			}
			add(v, optName(v), v.ID, short(v.VPCID), v.AvailabilityZone, v.CIDR.String(), typ, strconv.Itoa(len(p.ix.SubnetInterfaces(v.ID))))
		}
	case model.KindRouteTable:
		t.Columns = []TableColumn{nameCol, idCol, vpcCol, col("main", name, false), col("routes", extra, false), col("associations", extra, false)}
		for _, v := range s.RouteTables {
			add(v, optName(v), v.ID, short(v.VPCID), yes(v.IsMain()), strconv.Itoa(len(v.Routes)), strconv.Itoa(len(v.Associations)))
		}
	case model.KindNetworkACL:
		t.Columns = []TableColumn{nameCol, idCol, vpcCol, col("default", name, false), col("entries", extra, false), col("subnets", extra, false)}
		for _, v := range s.NetworkACLs {
			add(v, optName(v), v.ID, short(v.VPCID), yes(v.IsDefault), strconv.Itoa(len(v.Entries)), strconv.Itoa(len(v.Associations)))
		}
	case model.KindSecurityGroup:
		t.Columns = []TableColumn{nameCol, idCol, vpcCol, col("group name", name, true), col("inbound", extra, false), col("outbound", extra, false), col("members", extra, false)}
		for _, v := range s.SecurityGroups {
			add(v, v.Name(), v.ID, short(v.VPCID), v.GroupName, strconv.Itoa(len(v.Ingress)), strconv.Itoa(len(v.Egress)),
				strconv.Itoa(len(p.ix.GroupMembers(v.ID))))
		}
	case model.KindNetworkInterface:
		t.Columns = []TableColumn{idCol, col("private ip", keep, false), col("public ip", keep, false), col("subnet", context, true),
			col("type", context, false), col("attached to", name, true), col("groups", extra, false)}
		for _, v := range s.NetworkInterfaces {
			pub := ""
			if ps := v.PublicIPs(); len(ps) > 0 {
				pub = ps[0].String()
			}
			att := v.Description
			if id := v.InstanceID(); id != "" {
				att = short(id)
			}
			add(v, v.ID, addr(v.PrimaryIP()), pub, short(v.SubnetID), v.InterfaceType, att, strconv.Itoa(len(v.SecurityGroupIDs)))
		}
	case model.KindInstance:
		t.Columns = []TableColumn{nameCol, idCol, col("state", name, false), col("type", extra, false), col("private ip", keep, false),
			col("public ip", keep, false), col("subnet", context, true)}
		for _, v := range s.Instances {
			add(v, optName(v), v.ID, v.State, v.InstanceType, addr(v.PrivateIP), addr(v.PublicIP), short(v.SubnetID))
		}
	case model.KindNATGateway:
		t.Columns = []TableColumn{nameCol, idCol, vpcCol, col("subnet", context, true), col("state", name, false), col("type", extra, false), col("public ip", keep, false)}
		for _, v := range s.NATGateways {
			pub := ""
			for _, a := range v.Addresses {
				if a.PublicIP.IsValid() {
					pub = a.PublicIP.String()
				}
			}
			add(v, optName(v), v.ID, short(v.VPCID), short(v.SubnetID), v.State, cmp.Or(v.ConnectivityType, "public"), pub)
		}
	case model.KindVPCPeering:
		t.Columns = []TableColumn{nameCol, idCol, col("status", name, false), col("requester", keep, true), col("accepter", keep, true)}
		for _, v := range s.VPCPeerings {
			add(v, optName(v), v.ID, v.Status, p.sideText(v.Requester), p.sideText(v.Accepter))
		}
		acctPrio, regionPrio = min(acctPrio, name), min(regionPrio, context)
	case model.KindTransitGateway:
		t.Columns = []TableColumn{nameCol, idCol, col("state", name, false), col("attachments", extra, false)}
		for _, v := range s.TransitGateways {
			add(v, optName(v), v.ID, v.State, strconv.Itoa(len(p.ix.TGWAttachments(v.ID))))
		}
	case model.KindTGWAttachment:
		t.Columns = []TableColumn{nameCol, idCol, col("transit gateway", context, true), col("type", name, false),
			col("vpc / attached to", keep, true), col("state", name, false)}
		for _, v := range s.TGWAttachments {
			add(v, optName(v), v.ID, short(v.TransitGatewayID), v.ResourceType, short(v.ResourceID), v.State)
		}
	case model.KindTGWRouteTable:
		t.Columns = []TableColumn{nameCol, idCol, col("transit gateway", context, true), col("routes", extra, false), col("associations", extra, false)}
		for _, v := range s.TGWRouteTables {
			add(v, optName(v), v.ID, short(v.TransitGatewayID), strconv.Itoa(len(v.Routes)), strconv.Itoa(len(v.Associations)))
		}
	case model.KindVPCEndpoint:
		t.Columns = []TableColumn{nameCol, idCol, vpcCol, col("type", name, false), col("service", keep, true), col("state", name, false)}
		for _, v := range s.VPCEndpoints {
			add(v, optName(v), v.ID, short(v.VPCID), v.Type, v.ServiceName, v.State)
		}
	case model.KindPrefixList:
		t.Columns = []TableColumn{nameCol, idCol, col("entries", extra, false), col("family", extra, false)}
		for _, v := range s.PrefixLists {
			add(v, optName(v), v.ID, strconv.Itoa(len(v.Entries)), v.AddressFamily)
		}
	case model.KindLoadBalancer:
		t.Columns = []TableColumn{{Title: "name", Priority: keep, Flex: true, Max: 44}, col("type", name, false), col("scheme", name, false), vpcCol,
			col("listeners", extra, false), {Title: "dns", Priority: extra, Flex: true, Max: 60}}
		for _, v := range s.LoadBalancers {
			add(v, v.LoadBalancerName, v.Type, v.Scheme, short(v.VPCID), strconv.Itoa(len(v.Listeners)), v.DNSName)
		}
	case model.KindTargetGroup:
		t.Columns = []TableColumn{{Title: "name", Priority: keep, Flex: true, Max: 44}, col("protocol/port", name, false), col("target type", extra, false),
			vpcCol, col("targets", extra, false)}
		for _, v := range s.TargetGroups {
			pp := ""
			if v.Protocol != "" || v.Port != 0 {
				pp = v.Protocol + "/" + strconv.Itoa(int(v.Port))
			}
			add(v, v.TargetGroupName, pp, v.TargetType, short(v.VPCID), strconv.Itoa(len(v.Targets)))
		}
	case model.KindFlowLog:
		t.Columns = []TableColumn{idCol, col("captures", keep, true), col("traffic", name, false), col("status", name, false), col("destination", extra, true)}
		for _, v := range s.FlowLogs {
			add(v, v.ID, short(v.ResourceID), v.TrafficType, v.Status, v.Destination)
		}
	case model.KindWebACL:
		t.Columns = []TableColumn{{Title: "name", Priority: keep, Flex: true, Max: 44}, col("web acl id", name, false), col("resources", extra, false)}
		for _, v := range s.WebACLs {
			add(v, v.WebACLName, v.WebACLID, strconv.Itoa(len(v.Resources)))
		}
	case model.KindNetworkFirewall:
		t.Columns = []TableColumn{nameCol, vpcCol, col("policy", name, true), col("endpoints", extra, false), col("status", name, false)}
		for _, v := range s.NetworkFirewalls {
			add(v, Name(v), short(v.VPCID), short(v.PolicyARN), strconv.Itoa(len(v.Endpoints)), v.Status)
		}
	case model.KindFirewallPolicy:
		t.Columns = []TableColumn{nameCol, col("rule order", name, false), col("stateless default", keep, false),
			col("stateless groups", extra, false), col("stateful groups", extra, false)}
		for _, v := range s.FirewallPolicies {
			add(v, Name(v), ruleOrderText(v.RuleOrder), strings.Join(v.StatelessDefaultActions, "+"),
				strconv.Itoa(len(v.StatelessRuleGroups)), strconv.Itoa(len(v.StatefulRuleGroups)))
		}
	case model.KindFirewallRuleGroup:
		t.Columns = []TableColumn{nameCol, col("type", name, false), col("rules", keep, false), col("capacity", extra, false)}
		for _, v := range s.FirewallRuleGroups {
			add(v, Name(v), strings.ToLower(v.Type), ruleGroupSize(v), strconv.Itoa(int(v.Capacity)))
		}
	case model.KindVPNConnection:
		t.Columns = []TableColumn{nameCol, idCol, col("state", name, false), col("gateway", context, true),
			col("customer gateway", context, true), col("tunnels up", keep, false)}
		for _, v := range s.VPNConnections {
			add(v, optName(v), v.ID, v.State, short(cmp.Or(v.VPNGatewayID, v.TransitGatewayID)), short(v.CustomerGatewayID),
				strconv.Itoa(len(v.TunnelsUp()))+"/"+strconv.Itoa(len(v.Tunnels)))
		}
	case model.KindCustomerGateway:
		t.Columns = []TableColumn{nameCol, idCol, col("ip address", keep, false), col("bgp asn", extra, false), col("state", name, false)}
		for _, v := range s.CustomerGateways {
			add(v, optName(v), v.ID, addr(v.IPAddress), v.BGPASN, v.State)
		}
	case model.KindDXGateway:
		t.Columns = []TableColumn{nameCol, idCol, col("amazon asn", extra, false), col("state", name, false)}
		for _, v := range s.DXGateways {
			asn := ""
			if v.AmazonSideASN != 0 {
				asn = strconv.FormatInt(v.AmazonSideASN, 10)
			}
			add(v, optName(v), v.ID, asn, v.State)
		}
	case model.KindDXGatewayAssociation:
		t.Columns = []TableColumn{idCol, col("dx gateway", context, true), col("associated with", keep, true), col("state", name, false),
			col("allowed prefixes", extra, true)}
		for _, v := range s.DXGatewayAssociations {
			add(v, v.ID, short(v.DXGatewayID), short(v.AssociatedGatewayID), v.State, prefixes(v.AllowedPrefixes))
		}
	case model.KindDXVirtualInterface:
		t.Columns = []TableColumn{nameCol, idCol, col("type", name, false), col("state", name, false), col("gateway", context, true), col("bgp", keep, false)}
		for _, v := range s.DXVirtualInterfaces {
			bgp := "down"
			if v.Up() {
				bgp = "up"
			}
			add(v, optName(v), v.ID, v.Type, v.State, short(cmp.Or(v.DXGatewayID, v.VirtualGatewayID)), bgp)
		}
	case model.KindVPCEndpointService:
		t.Columns = []TableColumn{idCol, col("service", keep, true), col("type", name, false), col("state", name, false)}
		for _, v := range s.VPCEndpointServices {
			add(v, v.ID, v.ServiceName, v.ServiceType, v.State)
		}
	case model.KindShieldProtection:
		t.Columns = []TableColumn{nameCol, idCol, col("protects", keep, true)}
		for _, v := range s.ShieldProtections {
			add(v, optName(v), v.ID, short(v.ResourceARN))
		}
	default:
		t.Columns = []TableColumn{nameCol, idCol, col("vpc / attached to", context, true)}
		for r := range s.All() {
			if r.Kind() == k {
				vpc, _ := Containers(r)
				add(r, Name(r), r.Base().ID, short(vpc))
			}
		}
	}
	t.Columns = append(t.Columns, col("account", acctPrio, false), col("region", regionPrio, false))
	return t
}

// both renders two sides of a link: "a ↔ b", or a alone when they agree.
func both(a, b string) string {
	if a == b || b == "" {
		return a
	}
	if a == "" {
		return b
	}
	return a + " ↔ " + b
}

// mergeSides folds another record of the same ID into a row: its account
// and region columns name both sides.
func (p *Presenter) mergeSides(row []string, r model.Resource) {
	n := len(row)
	if n < 2 {
		return
	}
	if a := r.Base().Account; a != "" && !strings.Contains(row[n-2], a) {
		row[n-2] = both(row[n-2], a)
	}
	if g := r.Base().Region; g != "" && !strings.Contains(row[n-1], g) {
		row[n-1] = both(row[n-1], g)
	}
}

// shortID renders an ID by its resource's friendliest name, the ID itself
// when the snapshot does not hold it or it has no other name.
func (p *Presenter) shortID(id string) string {
	if id == "" {
		return ""
	}
	if r, ok := p.ix.Resource(id); ok {
		return Name(r)
	}
	return id
}

// sideText names one side of a peering connection: its VPC by name, with
// the account and region when they are given.
func (p *Presenter) sideText(s model.PeeringSide) string {
	t := p.shortID(s.VPCID)
	var where []string
	if s.OwnerID != "" {
		where = append(where, s.OwnerID)
	}
	if s.Region != "" {
		where = append(where, s.Region)
	}
	if len(where) > 0 {
		t += " (" + strings.Join(where, "/") + ")"
	}
	return t
}
