package fakeaws

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// This file answers what the VPN, Direct Connect, endpoint service and
// AWS Network Firewall calls ask: EC2 Query actions as XML, the
// network-firewall (JSON 1.0) and directconnect (JSON 1.1) APIs as JSON,
// rendered from the snapshot in each API's own shape.

// ec2Hybrid answers the EC2 actions for VPN connections, customer
// gateways and endpoint service configurations.
func (s *Server) ec2Hybrid(q *request, w *xw, listing func(tag string, n int, next string, each func(i int))) bool {
	snap, acct, region := s.snap, q.account, q.region
	switch q.action {
	case "DescribeVpnConnections":
		xs := visible(snap.VPNConnections, acct, region)
		w.list("vpnConnectionSet", len(xs), func(i int) {
			v := xs[i]
			w.text("vpnConnectionId", v.ID)
			w.text("customerGatewayConfiguration", "<vpn_connection><pre_shared_key>fake-secret</pre_shared_key></vpn_connection>")
			w.text("customerGatewayId", v.CustomerGatewayID)
			w.text("vpnGatewayId", v.VPNGatewayID)
			w.text("transitGatewayId", v.TransitGatewayID)
			w.text("state", v.State)
			w.text("type", v.Type)
			w.text("category", "VPN")
			w.el("options", func() {
				w.boolean("staticRoutesOnly", v.StaticRoutesOnly)
				w.prefix("localIpv4NetworkCidr", v.LocalNetworkCIDR)
				w.prefix("remoteIpv4NetworkCidr", v.RemoteNetworkCIDR)
			})
			w.list("routes", len(v.Routes), func(i int) {
				w.prefix("destinationCidrBlock", v.Routes[i].Destination)
				w.text("source", "Static")
				w.text("state", v.Routes[i].State)
			})
			w.list("vgwTelemetry", len(v.Tunnels), func(i int) {
				t := v.Tunnels[i]
				w.addr("outsideIpAddress", t.OutsideIP)
				w.text("status", t.Status)
				w.text("statusMessage", t.StatusMessage)
				w.num("acceptedRouteCount", int64(t.AcceptedRouteCount))
			})
			w.tags("tagSet", v.Tags, "key", "value")
		})
	case "DescribeCustomerGateways":
		xs := visible(snap.CustomerGateways, acct, region)
		w.list("customerGatewaySet", len(xs), func(i int) {
			g := xs[i]
			w.text("customerGatewayId", g.ID)
			w.text("bgpAsn", g.BGPASN)
			w.addr("ipAddress", g.IPAddress)
			w.text("deviceName", g.DeviceName)
			w.text("state", g.State)
			w.text("type", g.Type)
			w.tags("tagSet", g.Tags, "key", "value")
		})
	case "DescribeVpcEndpointServiceConfigurations":
		xs, next := page(s, q, visible(snap.VPCEndpointServices, acct, region))
		listing("serviceConfigurationSet", len(xs), next, func(i int) {
			v := xs[i]
			w.text("serviceId", v.ID)
			w.text("serviceName", v.ServiceName)
			w.text("serviceState", v.State)
			if v.ServiceType != "" {
				w.list("serviceType", 1, func(int) { w.text("serviceType", v.ServiceType) })
			}
			w.strings("availabilityZoneSet", v.AvailabilityZones)
			w.strings("gatewayLoadBalancerArnSet", v.GatewayLoadBalancerARNs)
			w.strings("networkLoadBalancerArnSet", v.NetworkLoadBalancerARNs)
			w.tags("tagSet", v.Tags, "key", "value")
		})
	default:
		return false
	}
	return true
}

// jsonPage cuts items to a page: token is the offset, limit the size
// (capped by the server's page size).
func jsonPage[T any](s *Server, token string, limit int, items []T) ([]T, string) {
	off, _ := strconv.Atoi(token)
	s.mu.Lock()
	size := s.pageSize
	s.mu.Unlock()
	if limit > 0 && (size == 0 || limit < size) {
		size = limit
	}
	if size <= 0 {
		size = len(items)
	}
	off = min(max(off, 0), len(items))
	end := min(off+size, len(items))
	if end < len(items) {
		return items[off:end], strconv.Itoa(end)
	}
	return items[off:end], ""
}

// jsonCall answers a network-firewall or directconnect call.
func (s *Server) jsonCall(w http.ResponseWriter, r *http.Request, q *request) {
	body, _ := io.ReadAll(r.Body)
	var in map[string]any
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			s.writeJSONError(w, http.StatusBadRequest, "SerializationException", err.Error())
			return
		}
	}
	str := func(k string) string {
		for key, v := range in {
			if strings.EqualFold(key, k) {
				s, _ := v.(string)
				return s
			}
		}
		return ""
	}
	num := func(k string) int {
		for key, v := range in {
			if strings.EqualFold(key, k) {
				f, _ := v.(float64)
				return int(f)
			}
		}
		return 0
	}
	var out any
	var ok bool
	if q.service == "network-firewall" {
		out, ok = s.networkFirewall(q, str, num)
	} else {
		out, ok = s.directConnect(q, str, num)
	}
	if !ok {
		s.writeJSONError(w, http.StatusBadRequest, "ResourceNotFoundException", "no such resource for "+q.action)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	_ = json.NewEncoder(w).Encode(out)
}

type obj = map[string]any

func tagList(t model.Tags) []obj {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]obj, 0, len(keys))
	for _, k := range keys {
		out = append(out, obj{"Key": k, "Value": t[k]})
	}
	return out
}

func definitions(m map[string][]string) obj {
	out := obj{}
	for k, v := range m {
		out[k] = obj{"Definition": v}
	}
	return out
}

// networkFirewall answers the network-firewall API.
func (s *Server) networkFirewall(q *request, str func(string) string, num func(string) int) (any, bool) {
	snap, acct, region := s.snap, q.account, q.region
	switch q.action {
	case "ListFirewalls":
		xs, next := jsonPage(s, str("NextToken"), num("MaxResults"), visible(snap.NetworkFirewalls, acct, region))
		list := []obj{}
		for _, f := range xs {
			list = append(list, obj{"FirewallName": f.FirewallName, "FirewallArn": f.ID})
		}
		return obj{"Firewalls": list, "NextToken": nilIfEmpty(next)}, true
	case "DescribeFirewall":
		f := find(visible(snap.NetworkFirewalls, acct, region), str("FirewallArn"))
		if f == nil {
			return nil, false
		}
		var subnets []obj
		for _, id := range f.SubnetIDs {
			subnets = append(subnets, obj{"SubnetId": id, "IPAddressType": "IPV4"})
		}
		sync := obj{}
		for _, e := range f.Endpoints {
			sync[e.AvailabilityZone] = obj{"Attachment": obj{"SubnetId": e.SubnetID, "EndpointId": e.EndpointID, "Status": e.Status}}
		}
		return obj{"UpdateToken": "fake-token",
			"Firewall": obj{"FirewallName": f.FirewallName, "FirewallArn": f.ID, "FirewallPolicyArn": f.PolicyARN, "VpcId": f.VPCID,
				"SubnetMappings": subnets, "FirewallId": "fake", "Tags": tagList(f.Tags)},
			"FirewallStatus": obj{"Status": f.Status, "ConfigurationSyncStateSummary": "IN_SYNC", "SyncStates": sync}}, true
	case "DescribeLoggingConfiguration":
		f := find(visible(snap.NetworkFirewalls, acct, region), str("FirewallArn"))
		if f == nil {
			return nil, false
		}
		var dests []obj
		for _, d := range f.Logging {
			dests = append(dests, obj{"LogType": d.LogType, "LogDestinationType": d.DestinationType, "LogDestination": d.Destination})
		}
		return obj{"FirewallArn": f.ID, "LoggingConfiguration": obj{"LogDestinationConfigs": dests}}, true
	case "ListFirewallPolicies":
		xs, next := jsonPage(s, str("NextToken"), num("MaxResults"), visible(snap.FirewallPolicies, acct, region))
		list := []obj{}
		for _, p := range xs {
			list = append(list, obj{"Name": p.PolicyName, "Arn": p.ID})
		}
		return obj{"FirewallPolicies": list, "NextToken": nilIfEmpty(next)}, true
	case "DescribeFirewallPolicy":
		p := find(visible(snap.FirewallPolicies, acct, region), str("FirewallPolicyArn"))
		if p == nil {
			return nil, false
		}
		pol := obj{"StatelessDefaultActions": p.StatelessDefaultActions, "StatelessFragmentDefaultActions": p.StatelessFragmentDefaultActions,
			"StatefulDefaultActions": p.StatefulDefaultActions}
		var sl, sf, custom []obj
		for _, g := range p.StatelessRuleGroups {
			sl = append(sl, obj{"ResourceArn": g.ARN, "Priority": g.Priority})
		}
		for _, g := range p.StatefulRuleGroups {
			ref := obj{"ResourceArn": g.ARN}
			if p.StrictOrder() {
				ref["Priority"] = g.Priority
			}
			if g.Override != "" {
				ref["Override"] = obj{"Action": g.Override}
			}
			sf = append(sf, ref)
		}
		for _, a := range p.StatelessCustomActions {
			custom = append(custom, obj{"ActionName": a, "ActionDefinition": obj{"PublishMetricAction": obj{"Dimensions": []obj{{"Value": a}}}}})
		}
		pol["StatelessRuleGroupReferences"], pol["StatefulRuleGroupReferences"], pol["StatelessCustomActions"] = sl, sf, custom
		if p.RuleOrder != "" || p.StreamExceptionPolicy != "" {
			pol["StatefulEngineOptions"] = obj{"RuleOrder": nilIfEmpty(p.RuleOrder), "StreamExceptionPolicy": nilIfEmpty(p.StreamExceptionPolicy)}
		}
		if len(p.Variables) > 0 {
			pol["PolicyVariables"] = obj{"RuleVariables": definitions(p.Variables)}
		}
		return obj{"UpdateToken": "fake-token", "FirewallPolicy": pol,
			"FirewallPolicyResponse": obj{"FirewallPolicyName": p.PolicyName, "FirewallPolicyArn": p.ID, "FirewallPolicyId": "fake", "Tags": tagList(p.Tags)}}, true
	case "ListRuleGroups":
		xs, next := jsonPage(s, str("NextToken"), num("MaxResults"), visible(snap.FirewallRuleGroups, acct, region))
		list := []obj{}
		for _, g := range xs {
			list = append(list, obj{"Name": g.RuleGroupName, "Arn": g.ID})
		}
		return obj{"RuleGroups": list, "NextToken": nilIfEmpty(next)}, true
	case "DescribeRuleGroup":
		g := find(visible(snap.FirewallRuleGroups, acct, region), str("RuleGroupArn"))
		if g == nil {
			return nil, false
		}
		return obj{"UpdateToken": "fake-token", "RuleGroup": ruleGroupJSON(g),
			"RuleGroupResponse": obj{"RuleGroupArn": g.ID, "RuleGroupName": g.RuleGroupName, "RuleGroupId": "fake", "Type": g.Type,
				"Capacity": g.Capacity, "Tags": tagList(g.Tags)}}, true
	}
	return nil, false
}

// ruleGroupJSON renders a rule group's RuleGroup object.
func ruleGroupJSON(g *model.FirewallRuleGroup) obj {
	src := obj{}
	switch {
	case g.IsStateless():
		var rules []obj
		for _, r := range g.StatelessRules {
			m := obj{"Protocols": r.Protocols}
			var srcs, dsts []obj
			for _, p := range r.Sources {
				srcs = append(srcs, obj{"AddressDefinition": p.String()})
			}
			for _, p := range r.Destinations {
				dsts = append(dsts, obj{"AddressDefinition": p.String()})
			}
			m["Sources"], m["Destinations"] = srcs, dsts
			m["SourcePorts"], m["DestinationPorts"] = portRanges(r.SourcePorts), portRanges(r.DestinationPorts)
			var flags []obj
			for _, f := range r.TCPFlags {
				fl, mk, _ := strings.Cut(f, "/")
				flags = append(flags, obj{"Flags": splitNonEmpty(fl), "Masks": splitNonEmpty(mk)})
			}
			m["TCPFlags"] = flags
			rules = append(rules, obj{"Priority": r.Priority, "RuleDefinition": obj{"Actions": r.Actions, "MatchAttributes": m}})
		}
		var custom []obj
		for _, a := range g.CustomActions {
			custom = append(custom, obj{"ActionName": a, "ActionDefinition": obj{"PublishMetricAction": obj{"Dimensions": []obj{{"Value": a}}}}})
		}
		src["StatelessRulesAndCustomActions"] = obj{"StatelessRules": rules, "CustomActions": custom}
	case g.Domains != nil:
		src["RulesSourceList"] = obj{"Targets": g.Domains.Targets, "TargetTypes": g.Domains.TargetTypes, "GeneratedRulesType": g.Domains.GeneratedRulesType}
	case len(g.StatefulRules) > 0:
		var rules []obj
		for _, r := range g.StatefulRules {
			var opts []obj
			for _, o := range r.Options {
				opts = append(opts, obj{"Keyword": o.Keyword, "Settings": o.Settings})
			}
			rules = append(rules, obj{"Action": r.Action, "Header": obj{"Protocol": r.Protocol, "Source": r.Source, "SourcePort": r.SourcePort,
				"Direction": r.Direction, "Destination": r.Destination, "DestinationPort": r.DestinationPort}, "RuleOptions": opts})
		}
		src["StatefulRules"] = rules
	default:
		src["RulesString"] = g.RulesString
	}
	out := obj{"RulesSource": src}
	if len(g.IPSets)+len(g.PortSets) > 0 {
		out["RuleVariables"] = obj{"IPSets": definitions(g.IPSets), "PortSets": definitions(g.PortSets)}
	}
	if len(g.IPSetReferences) > 0 {
		refs := obj{}
		for k, v := range g.IPSetReferences {
			refs[k] = obj{"ReferenceArn": v}
		}
		out["ReferenceSets"] = obj{"IPSetReferences": refs}
	}
	if g.RuleOrder != "" {
		out["StatefulRuleOptions"] = obj{"RuleOrder": g.RuleOrder}
	}
	return out
}

func portRanges(rs []model.PortRange) []obj {
	var out []obj
	for _, r := range rs {
		out = append(out, obj{"FromPort": r.From, "ToPort": r.To})
	}
	return out
}

func splitNonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// directConnect answers the directconnect API. Its gateways are global:
// the fake lists a gateway (and its associations) in the Region its
// record names, as an account's pull of that Region would.
func (s *Server) directConnect(q *request, str func(string) string, num func(string) int) (any, bool) {
	snap, acct, region := s.snap, q.account, q.region
	switch q.action {
	case "DescribeDirectConnectGateways":
		xs, next := jsonPage(s, str("nextToken"), num("maxResults"), visible(snap.DXGateways, acct, region))
		list := []obj{}
		for _, g := range xs {
			list = append(list, obj{"directConnectGatewayId": g.ID, "directConnectGatewayName": g.GatewayName, "amazonSideAsn": g.AmazonSideASN,
				"ownerAccount": g.Account, "directConnectGatewayState": g.State})
		}
		return obj{"directConnectGateways": list, "nextToken": nilIfEmpty(next)}, true
	case "DescribeDirectConnectGatewayAssociations":
		var mine []*model.DXGatewayAssociation
		for _, a := range visible(snap.DXGatewayAssociations, acct, region) {
			if a.DXGatewayID == str("directConnectGatewayId") {
				mine = append(mine, a)
			}
		}
		xs, next := jsonPage(s, str("nextToken"), num("maxResults"), mine)
		list := []obj{}
		for _, a := range xs {
			var allowed []obj
			for _, p := range a.AllowedPrefixes {
				allowed = append(allowed, obj{"cidr": p.String()})
			}
			e := obj{"associationId": a.ID, "directConnectGatewayId": a.DXGatewayID, "directConnectGatewayOwnerAccount": a.Account,
				"associationState": a.State, "allowedPrefixesToDirectConnectGateway": allowed,
				"associatedGateway": obj{"id": a.AssociatedGatewayID, "type": a.AssociatedGatewayType, "ownerAccount": a.Account, "region": a.Region}}
			if a.AssociatedGatewayType == "virtualPrivateGateway" {
				e["virtualGatewayId"] = a.AssociatedGatewayID
			}
			list = append(list, e)
		}
		return obj{"directConnectGatewayAssociations": list, "nextToken": nilIfEmpty(next)}, true
	case "DescribeVirtualInterfaces":
		list := []obj{}
		for _, v := range visible(snap.DXVirtualInterfaces, acct, region) {
			var peers []obj
			for _, p := range v.BGPPeers {
				peers = append(peers, obj{"addressFamily": p.AddressFamily, "bgpPeerState": p.State, "bgpStatus": p.Status, "authKey": "fake-secret"})
			}
			list = append(list, obj{"virtualInterfaceId": v.ID, "virtualInterfaceName": v.InterfaceName, "virtualInterfaceType": v.Type,
				"virtualInterfaceState": v.State, "ownerAccount": v.Account, "connectionId": v.ConnectionID, "vlan": v.VLAN,
				"directConnectGatewayId": v.DXGatewayID, "virtualGatewayId": v.VirtualGatewayID, "location": v.Location, "bgpPeers": peers,
				"authKey": "fake-secret", "tags": lowerTags(v.Tags)})
		}
		return obj{"virtualInterfaces": list}, true
	}
	return nil, false
}

func lowerTags(t model.Tags) []obj {
	var out []obj
	for _, tg := range tagList(t) {
		out = append(out, obj{"key": tg["Key"], "value": tg["Value"]})
	}
	return out
}
