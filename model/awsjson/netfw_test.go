package awsjson

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/model"
)

// The raw outputs of `aws network-firewall describe-*`, as the CLI writes
// them (Network Firewall API reference: DescribeFirewall,
// DescribeFirewallPolicy, DescribeRuleGroup, DescribeLoggingConfiguration).
const (
	describeFirewall = `{
  "UpdateToken": "6a1d2f1e-token",
  "Firewall": {
    "FirewallName": "egress-fw",
    "FirewallArn": "arn:aws:network-firewall:us-east-1:111122223333:firewall/egress-fw",
    "FirewallPolicyArn": "arn:aws:network-firewall:us-east-1:111122223333:firewall-policy/egress-policy",
    "VpcId": "vpc-0a1b2c3d",
    "SubnetMappings": [{"SubnetId": "subnet-0f1", "IPAddressType": "IPV4"}, {"SubnetId": "subnet-0f2", "IPAddressType": "IPV4"}],
    "DeleteProtection": false,
    "FirewallId": "1a2b3c4d",
    "Tags": [{"Key": "Name", "Value": "egress"}]
  },
  "FirewallStatus": {
    "Status": "READY",
    "ConfigurationSyncStateSummary": "IN_SYNC",
    "SyncStates": {
      "us-east-1b": {"Attachment": {"SubnetId": "subnet-0f2", "EndpointId": "vpce-0bbb", "Status": "READY"}, "Config": {}},
      "us-east-1a": {"Attachment": {"SubnetId": "subnet-0f1", "EndpointId": "vpce-0aaa", "Status": "READY"}, "Config": {}}
    }
  }
}`
	describePolicy = `{
  "UpdateToken": "token",
  "FirewallPolicyResponse": {
    "FirewallPolicyName": "egress-policy",
    "FirewallPolicyArn": "arn:aws:network-firewall:us-east-1:111122223333:firewall-policy/egress-policy",
    "FirewallPolicyId": "abcd",
    "FirewallPolicyStatus": "ACTIVE"
  },
  "FirewallPolicy": {
    "StatelessRuleGroupReferences": [{"ResourceArn": "arn:aws:network-firewall:us-east-1:111122223333:stateless-rulegroup/sl", "Priority": 10}],
    "StatelessDefaultActions": ["aws:forward_to_sfe"],
    "StatelessFragmentDefaultActions": ["aws:drop", "frag-metric"],
    "StatelessCustomActions": [{"ActionName": "frag-metric", "ActionDefinition": {"PublishMetricAction": {"Dimensions": [{"Value": "frag"}]}}}],
    "StatefulRuleGroupReferences": [
      {"ResourceArn": "arn:aws:network-firewall:us-east-1:111122223333:stateful-rulegroup/sf", "Priority": 100},
      {"ResourceArn": "arn:aws:network-firewall:us-east-1:aws-managed:stateful-rulegroup/ThreatSignaturesBotnetStrictOrder", "Priority": 200, "Override": {"Action": "DROP_TO_ALERT"}}
    ],
    "StatefulDefaultActions": ["aws:drop_strict", "aws:alert_strict"],
    "StatefulEngineOptions": {"RuleOrder": "STRICT_ORDER", "StreamExceptionPolicy": "DROP"},
    "PolicyVariables": {"RuleVariables": {"HOME_NET": {"Definition": ["10.0.0.0/8"]}}}
  }
}`
	describeStatelessGroup = `{
  "UpdateToken": "token",
  "RuleGroup": {
    "RulesSource": {
      "StatelessRulesAndCustomActions": {
        "StatelessRules": [{
          "RuleDefinition": {
            "MatchAttributes": {
              "Sources": [{"AddressDefinition": "10.0.0.0/8"}],
              "Destinations": [{"AddressDefinition": "0.0.0.0/0"}],
              "SourcePorts": [{"FromPort": 0, "ToPort": 65535}],
              "DestinationPorts": [{"FromPort": 443, "ToPort": 443}],
              "Protocols": [6],
              "TCPFlags": [{"Flags": ["SYN"], "Masks": ["SYN", "ACK"]}]
            },
            "Actions": ["aws:forward_to_sfe"]
          },
          "Priority": 10
        }],
        "CustomActions": []
      }
    }
  },
  "RuleGroupResponse": {
    "RuleGroupArn": "arn:aws:network-firewall:us-east-1:111122223333:stateless-rulegroup/sl",
    "RuleGroupName": "sl", "RuleGroupId": "1", "Type": "STATELESS", "Capacity": 100, "RuleGroupStatus": "ACTIVE"
  }
}`
	describeStatefulGroup = `{
  "UpdateToken": "token",
  "RuleGroup": {
    "RuleVariables": {"IPSets": {"WEB": {"Definition": ["10.0.1.0/24"]}}, "PortSets": {"WEB_PORTS": {"Definition": ["443", "8443"]}}},
    "ReferenceSets": {"IPSetReferences": {"OFFICE": {"ReferenceArn": "arn:aws:ec2:us-east-1:111122223333:prefix-list/pl-0office"}}},
    "RulesSource": {
      "StatefulRules": [{
        "Action": "PASS",
        "Header": {"Protocol": "TCP", "Source": "$WEB", "SourcePort": "ANY", "Direction": "FORWARD", "Destination": "ANY", "DestinationPort": "$WEB_PORTS"},
        "RuleOptions": [{"Keyword": "sid", "Settings": ["100"]}]
      }]
    },
    "StatefulRuleOptions": {"RuleOrder": "STRICT_ORDER"}
  },
  "RuleGroupResponse": {
    "RuleGroupArn": "arn:aws:network-firewall:us-east-1:111122223333:stateful-rulegroup/sf",
    "RuleGroupName": "sf", "Type": "STATEFUL", "Capacity": 100
  }
}`
	describeLogging = `{
  "FirewallArn": "arn:aws:network-firewall:us-east-1:111122223333:firewall/egress-fw",
  "LoggingConfiguration": {"LogDestinationConfigs": [
    {"LogType": "ALERT", "LogDestinationType": "CloudWatchLogs", "LogDestination": {"logGroup": "/nfw/alert"}}]}
}`
)

// TestNetworkFirewallOutputs: describe-firewall, describe-firewall-policy,
// describe-rule-group and describe-logging-configuration, one object per
// file or a list of them, become the firewall (with an endpoint per AZ
// from FirewallStatus.SyncStates), its policy, rule groups and logging.
func TestNetworkFirewallOutputs(t *testing.T) {
	check := func(t *testing.T, s *model.Snapshot) {
		t.Helper()
		if len(s.NetworkFirewalls) != 1 || len(s.FirewallPolicies) != 1 || len(s.FirewallRuleGroups) != 2 {
			t.Fatalf("firewalls %d policies %d groups %d", len(s.NetworkFirewalls), len(s.FirewallPolicies), len(s.FirewallRuleGroups))
		}
		f := s.NetworkFirewalls[0]
		if f.FirewallName != "egress-fw" || f.VPCID != "vpc-0a1b2c3d" || len(f.Endpoints) != 2 || f.Endpoints[0].EndpointID != "vpce-0aaa" ||
			f.Endpoints[0].AvailabilityZone != "us-east-1a" || f.Name() != "egress" || f.Account != "111122223333" || !f.LoggingListed ||
			len(f.Logging) != 1 || f.Logging[0].Destination["logGroup"] != "/nfw/alert" {
			t.Errorf("firewall %+v", f)
		}
		p := s.FirewallPolicies[0]
		if !p.StrictOrder() || len(p.StatefulRuleGroups) != 2 || p.StatefulRuleGroups[1].Override != "DROP_TO_ALERT" ||
			p.Variables["HOME_NET"][0] != "10.0.0.0/8" || p.StatelessCustomActions[0] != "frag-metric" || p.StatefulDefaultActions[0] != "aws:drop_strict" {
			t.Errorf("policy %+v", p)
		}
		var sl, sf *model.FirewallRuleGroup
		for _, g := range s.FirewallRuleGroups {
			if g.IsStateless() {
				sl = g
			} else {
				sf = g
			}
		}
		if sl == nil || len(sl.StatelessRules) != 1 || sl.StatelessRules[0].DestinationPorts[0] != model.SinglePort(443) ||
			sl.StatelessRules[0].TCPFlags[0] != "SYN/SYN,ACK" || sl.StatelessRules[0].Sources[0].String() != "10.0.0.0/8" {
			t.Errorf("stateless group %+v", sl)
		}
		if sf == nil || len(sf.StatefulRules) != 1 || sf.StatefulRules[0].Suricata() != "pass tcp $WEB ANY -> ANY $WEB_PORTS (sid:100;)" ||
			sf.PortSets["WEB_PORTS"][1] != "8443" || sf.IPSetReferences["OFFICE"] == "" || sf.RuleOrder != model.RuleOrderStrict {
			t.Errorf("stateful group %+v", sf)
		}
	}
	t.Run("one object per file", func(t *testing.T) {
		s, r := importDocs(t, describeFirewall, describePolicy, describeStatelessGroup, describeStatefulGroup, describeLogging)
		for _, w := range r.Warnings {
			t.Errorf("warning: %s", w)
		}
		check(t, s)
	})
	t.Run("a list of them", func(t *testing.T) {
		s, _ := importDocs(t, "["+describeFirewall+"]", "["+describePolicy+"]", "["+describeStatelessGroup+","+describeStatefulGroup+"]", "["+describeLogging+"]")
		check(t, s)
	})
	t.Run("under the live pull's keys", func(t *testing.T) {
		s, _ := importDocs(t, `{"NetworkFirewalls": [`+describeFirewall+`], "NetworkFirewallPolicies": [`+describePolicy+`],
			"NetworkFirewallRuleGroups": [`+describeStatelessGroup+`, `+describeStatefulGroup+`], "NetworkFirewallLogging": [`+describeLogging+`]}`)
		check(t, s)
	})
}

// TestNetworkFirewallBadValueIsLocated: a stateless rule's bad CIDR fails
// the document with file:line:col, like every other output.
func TestNetworkFirewallBadValueIsLocated(t *testing.T) {
	doc := strings.Replace(describeStatelessGroup, `"AddressDefinition": "10.0.0.0/8"`, `"AddressDefinition": "10.0.0.0/33"`, 1)
	im := NewImporter()
	err := im.AddDocument("111122223333", "us-east-1", "rule-group.json", []byte(doc))
	if err == nil || !strings.Contains(err.Error(), "rule-group.json:9:") || !strings.Contains(err.Error(), "invalid CIDR block") {
		t.Fatalf("err = %v, want a located invalid CIDR block", err)
	}
}

// TestVPNAndDirectConnectOutputs: describe-vpn-connections (tunnels from
// VgwTelemetry, static routes; the customer gateway configuration, which
// holds the pre-shared keys, is not kept), describe-customer-gateways,
// directconnect's describe-direct-connect-gateways, -associations and
// describe-virtual-interfaces (lowerCamelCase), and
// describe-vpc-endpoint-service-configurations.
func TestVPNAndDirectConnectOutputs(t *testing.T) {
	s, r := importDocs(t, `{"VpnConnections": [{
	  "CustomerGatewayConfiguration": "<vpn_connection><ipsec_tunnel><ike><pre_shared_key>SECRET</pre_shared_key></ike></ipsec_tunnel></vpn_connection>",
	  "CustomerGatewayId": "cgw-0a1b2c3d", "Category": "VPN", "State": "available", "Type": "ipsec.1",
	  "VpnConnectionId": "vpn-0a1b2c3d", "VpnGatewayId": "vgw-0a1b2c3d",
	  "Options": {"StaticRoutesOnly": true, "LocalIpv4NetworkCidr": "0.0.0.0/0", "RemoteIpv4NetworkCidr": "0.0.0.0/0"},
	  "Routes": [{"DestinationCidrBlock": "10.200.0.0/16", "Source": "Static", "State": "available"}],
	  "VgwTelemetry": [
	    {"AcceptedRouteCount": 0, "OutsideIpAddress": "3.3.3.1", "Status": "UP", "StatusMessage": ""},
	    {"AcceptedRouteCount": 0, "OutsideIpAddress": "3.3.3.2", "Status": "DOWN", "StatusMessage": "IPSEC IS DOWN"}]}]}`,
		`{"CustomerGateways": [{"BgpAsn": "65000", "CustomerGatewayId": "cgw-0a1b2c3d", "IpAddress": "198.51.100.7", "State": "available", "Type": "ipsec.1"}]}`,
		`{"directConnectGateways": [{"directConnectGatewayId": "5f294f92-bafb-4011-916d-9b0bexample", "directConnectGatewayName": "dx-main",
		  "amazonSideAsn": 64512, "ownerAccount": "111122223333", "directConnectGatewayState": "available"}]}`,
		`{"directConnectGatewayAssociations": [{"directConnectGatewayId": "5f294f92-bafb-4011-916d-9b0bexample", "directConnectGatewayOwnerAccount": "111122223333",
		  "associationState": "associated", "associatedGateway": {"id": "tgw-0a1b2c3d", "type": "transitGateway", "ownerAccount": "111122223333", "region": "us-east-1"},
		  "associationId": "4ae2b5b1-6b3f-4f8c-9d8e-1b2c3dexample", "allowedPrefixesToDirectConnectGateway": [{"cidr": "10.0.0.0/16"}]}]}`,
		`{"virtualInterfaces": [{"ownerAccount": "111122223333", "virtualInterfaceId": "dxvif-ffhhk74f", "location": "EqDC2", "connectionId": "dxcon-fguhmqlc",
		  "virtualInterfaceType": "transit", "virtualInterfaceName": "vif-1", "vlan": 101, "asn": 65000, "authKey": "SECRET",
		  "virtualInterfaceState": "available", "directConnectGatewayId": "5f294f92-bafb-4011-916d-9b0bexample",
		  "bgpPeers": [{"bgpPeerId": "dxpeer-1", "asn": 65000, "authKey": "SECRET", "addressFamily": "ipv4", "bgpPeerState": "available", "bgpStatus": "up"}]}]}`,
		`{"ServiceConfigurations": [{"ServiceType": [{"ServiceType": "GatewayLoadBalancer"}], "ServiceId": "vpce-svc-0a1b2c3d4e5f60718",
		  "ServiceName": "com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718", "ServiceState": "Available", "AvailabilityZones": ["us-east-1a"],
		  "GatewayLoadBalancerArns": ["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/gwy/gwlb/1"]}]}`)
	for _, w := range r.Warnings {
		t.Errorf("warning: %s", w)
	}
	if len(s.VPNConnections) != 1 || len(s.CustomerGateways) != 1 || len(s.DXGateways) != 1 || len(s.DXGatewayAssociations) != 1 ||
		len(s.DXVirtualInterfaces) != 1 || len(s.VPCEndpointServices) != 1 {
		t.Fatalf("counts %v", s.Counts())
	}
	v := s.VPNConnections[0]
	if !v.StaticRoutesOnly || len(v.TunnelsUp()) != 1 || v.Tunnels[1].StatusMessage != "IPSEC IS DOWN" || v.Routes[0].Destination.String() != "10.200.0.0/16" {
		t.Errorf("vpn %+v", v)
	}
	a := s.DXGatewayAssociations[0]
	if a.AssociatedGatewayID != "tgw-0a1b2c3d" || a.AllowedPrefixes[0].String() != "10.0.0.0/16" || !a.IsAssociated() {
		t.Errorf("association %+v", a)
	}
	if vif := s.DXVirtualInterfaces[0]; !vif.Up() || vif.VLAN != 101 || vif.Type != "transit" {
		t.Errorf("virtual interface %+v", vif)
	}
	if g := s.DXGateways[0]; g.AmazonSideASN != 64512 || g.GatewayName != "dx-main" {
		t.Errorf("gateway %+v", g)
	}
	if svc := s.VPCEndpointServices[0]; svc.ServiceType != "GatewayLoadBalancer" || len(svc.GatewayLoadBalancerARNs) != 1 {
		t.Errorf("service %+v", svc)
	}
	if data, err := json.Marshal(s); err != nil || strings.Contains(string(data), "SECRET") {
		t.Errorf("the snapshot keeps a secret (%v): %s", err, data)
	}
}
