package awsjson

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// This file decodes AWS Network Firewall outputs. describe-firewall,
// describe-firewall-policy, describe-rule-group and
// describe-logging-configuration each answer one object (not a list), so
// a file may hold one such object, or a list of them; the live pull hands
// them over as lists under the keys NetworkFirewalls,
// NetworkFirewallPolicies, NetworkFirewallRuleGroups and
// NetworkFirewallLogging.

// wholeObjectKeys are the top-level keys of the one-object outputs: a
// document whose object holds one of them is one element of its output.
var wholeObjectKeys = map[string]string{
	"Firewall": "NetworkFirewalls", "FirewallStatus": "NetworkFirewalls",
	"FirewallPolicy": "NetworkFirewallPolicies", "FirewallPolicyResponse": "NetworkFirewallPolicies",
	"RuleGroup": "NetworkFirewallRuleGroups", "RuleGroupResponse": "NetworkFirewallRuleGroups",
	"LoggingConfiguration": "NetworkFirewallLogging", "FirewallArn": "NetworkFirewallLogging",
}

type firewallDescJSON struct {
	Firewall *struct {
		tagged
		FirewallName      string
		FirewallArn       string
		FirewallPolicyArn string
		VpcId             string
		SubnetMappings    []struct{ SubnetId string }
	}
	FirewallStatus *struct {
		Status     string
		SyncStates map[string]struct {
			Attachment *struct {
				SubnetId   string
				EndpointId string
				Status     string
			}
		}
	}
}

func (d *docCtx) networkFirewall(at string, v *firewallDescJSON) {
	if v.Firewall == nil {
		d.fail(at+".Firewall", "missing Firewall: describe-firewall answers {Firewall, FirewallStatus}", nil)
		return
	}
	f := v.Firewall
	d.requireID(at+".Firewall", "FirewallArn", f.FirewallArn)
	out := &model.NetworkFirewall{Meta: d.meta(f.FirewallArn, arnAccount(f.FirewallArn), f.tags()),
		FirewallName: f.FirewallName, VPCID: f.VpcId, PolicyARN: f.FirewallPolicyArn}
	if r := arnRegion(f.FirewallArn); r != "" {
		out.Region = r
	}
	for _, m := range f.SubnetMappings {
		out.SubnetIDs = append(out.SubnetIDs, m.SubnetId)
	}
	if st := v.FirewallStatus; st != nil {
		out.Status = st.Status
		azs := make([]string, 0, len(st.SyncStates))
		for az := range st.SyncStates {
			azs = append(azs, az)
		}
		slices.Sort(azs)
		for _, az := range azs {
			a := st.SyncStates[az].Attachment
			if a == nil {
				continue
			}
			out.Endpoints = append(out.Endpoints, model.FirewallEndpoint{AvailabilityZone: az, SubnetID: a.SubnetId, EndpointID: a.EndpointId, Status: a.Status})
		}
	}
	d.out.add(out)
}

type definitionsJSON map[string]struct{ Definition []string }

func (m definitionsJSON) values() map[string][]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[k] = v.Definition
	}
	return out
}

type firewallPolicyDescJSON struct {
	FirewallPolicyResponse *struct {
		tagged
		FirewallPolicyName string
		FirewallPolicyArn  string
	}
	FirewallPolicy *struct {
		StatelessRuleGroupReferences []struct {
			ResourceArn string
			Priority    int32
		}
		StatelessDefaultActions         []string
		StatelessFragmentDefaultActions []string
		StatelessCustomActions          []struct{ ActionName string }
		StatefulRuleGroupReferences     []struct {
			ResourceArn string
			Priority    *int32
			Override    *struct{ Action string }
		}
		StatefulDefaultActions []string
		StatefulEngineOptions  *struct {
			RuleOrder             string
			StreamExceptionPolicy string
		}
		PolicyVariables *struct{ RuleVariables definitionsJSON }
	}
}

func (d *docCtx) firewallPolicy(at string, v *firewallPolicyDescJSON) {
	if v.FirewallPolicyResponse == nil {
		d.fail(at+".FirewallPolicyResponse", "missing FirewallPolicyResponse: describe-firewall-policy answers {FirewallPolicy, FirewallPolicyResponse}", nil)
		return
	}
	r := v.FirewallPolicyResponse
	d.requireID(at+".FirewallPolicyResponse", "FirewallPolicyArn", r.FirewallPolicyArn)
	out := &model.FirewallPolicy{Meta: d.meta(r.FirewallPolicyArn, arnAccount(r.FirewallPolicyArn), r.tags()), PolicyName: r.FirewallPolicyName}
	if reg := arnRegion(r.FirewallPolicyArn); reg != "" {
		out.Region = reg
	}
	if p := v.FirewallPolicy; p != nil {
		out.StatelessDefaultActions = p.StatelessDefaultActions
		out.StatelessFragmentDefaultActions = p.StatelessFragmentDefaultActions
		for _, a := range p.StatelessCustomActions {
			out.StatelessCustomActions = append(out.StatelessCustomActions, a.ActionName)
		}
		for _, g := range p.StatelessRuleGroupReferences {
			out.StatelessRuleGroups = append(out.StatelessRuleGroups, model.RuleGroupRef{ARN: g.ResourceArn, Priority: g.Priority})
		}
		for _, g := range p.StatefulRuleGroupReferences {
			ref := model.RuleGroupRef{ARN: g.ResourceArn}
			if g.Priority != nil {
				ref.Priority = *g.Priority
			}
			if g.Override != nil {
				ref.Override = g.Override.Action
			}
			out.StatefulRuleGroups = append(out.StatefulRuleGroups, ref)
		}
		out.StatefulDefaultActions = p.StatefulDefaultActions
		if o := p.StatefulEngineOptions; o != nil {
			out.RuleOrder, out.StreamExceptionPolicy = o.RuleOrder, o.StreamExceptionPolicy
		}
		if p.PolicyVariables != nil {
			out.Variables = p.PolicyVariables.RuleVariables.values()
		}
	}
	d.out.add(out)
}

type portRangeJSON struct{ FromPort, ToPort int32 }

type ruleGroupDescJSON struct {
	RuleGroupResponse *struct {
		tagged
		RuleGroupArn  string
		RuleGroupName string
		Type          string
		Capacity      int32
	}
	RuleGroup *struct {
		RuleVariables *struct {
			IPSets   definitionsJSON
			PortSets definitionsJSON
		}
		ReferenceSets *struct {
			IPSetReferences map[string]struct{ ReferenceArn string }
		}
		StatefulRuleOptions *struct{ RuleOrder string }
		RulesSource         struct {
			RulesString     string
			RulesSourceList *struct {
				Targets            []string
				TargetTypes        []string
				GeneratedRulesType string
			}
			StatefulRules []struct {
				Action string
				Header struct {
					Protocol, Source, SourcePort, Direction, Destination, DestinationPort string
				}
				RuleOptions []struct {
					Keyword  string
					Settings []string
				}
			}
			StatelessRulesAndCustomActions *struct {
				StatelessRules []struct {
					Priority       int32
					RuleDefinition struct {
						Actions         []string
						MatchAttributes struct {
							Sources          []struct{ AddressDefinition string }
							Destinations     []struct{ AddressDefinition string }
							SourcePorts      []portRangeJSON
							DestinationPorts []portRangeJSON
							Protocols        []int32
							TCPFlags         []struct{ Flags, Masks []string }
						}
					}
				}
				CustomActions []struct{ ActionName string }
			}
		}
	}
}

func (d *docCtx) firewallRuleGroup(at string, v *ruleGroupDescJSON) {
	if v.RuleGroupResponse == nil {
		d.fail(at+".RuleGroupResponse", "missing RuleGroupResponse: describe-rule-group answers {RuleGroup, RuleGroupResponse}", nil)
		return
	}
	r := v.RuleGroupResponse
	d.requireID(at+".RuleGroupResponse", "RuleGroupArn", r.RuleGroupArn)
	out := &model.FirewallRuleGroup{Meta: d.meta(r.RuleGroupArn, arnAccount(r.RuleGroupArn), r.tags()),
		RuleGroupName: r.RuleGroupName, Type: r.Type, Capacity: r.Capacity}
	if reg := arnRegion(r.RuleGroupArn); reg != "" {
		out.Region = reg
	}
	g := v.RuleGroup
	if g == nil {
		d.out.add(out)
		return
	}
	if rv := g.RuleVariables; rv != nil {
		out.IPSets, out.PortSets = rv.IPSets.values(), rv.PortSets.values()
	}
	if rs := g.ReferenceSets; rs != nil && len(rs.IPSetReferences) > 0 {
		out.IPSetReferences = make(map[string]string, len(rs.IPSetReferences))
		for k, ref := range rs.IPSetReferences {
			out.IPSetReferences[k] = ref.ReferenceArn
		}
	}
	if g.StatefulRuleOptions != nil {
		out.RuleOrder = g.StatefulRuleOptions.RuleOrder
	}
	src := &g.RulesSource
	out.RulesString = src.RulesString
	if l := src.RulesSourceList; l != nil {
		out.Domains = &model.DomainList{Targets: l.Targets, TargetTypes: l.TargetTypes, GeneratedRulesType: l.GeneratedRulesType}
	}
	for _, sr := range src.StatefulRules {
		rule := model.StatefulRule{Action: sr.Action, Protocol: sr.Header.Protocol, Source: sr.Header.Source, SourcePort: sr.Header.SourcePort,
			Direction: sr.Header.Direction, Destination: sr.Header.Destination, DestinationPort: sr.Header.DestinationPort}
		for _, o := range sr.RuleOptions {
			rule.Options = append(rule.Options, model.RuleOption{Keyword: o.Keyword, Settings: o.Settings})
		}
		out.StatefulRules = append(out.StatefulRules, rule)
	}
	if sl := src.StatelessRulesAndCustomActions; sl != nil {
		for _, a := range sl.CustomActions {
			out.CustomActions = append(out.CustomActions, a.ActionName)
		}
		for i, sr := range sl.StatelessRules {
			rat := field(at+".RuleGroup.RulesSource.StatelessRulesAndCustomActions", "StatelessRules", i)
			m := sr.RuleDefinition.MatchAttributes
			rule := model.StatelessRule{Priority: sr.Priority, Actions: sr.RuleDefinition.Actions, Protocols: m.Protocols}
			for j, a := range m.Sources {
				rule.Sources = d.appendPrefix(rule.Sources, field(rat, "RuleDefinition.MatchAttributes.Sources", j), "AddressDefinition", a.AddressDefinition)
			}
			for j, a := range m.Destinations {
				rule.Destinations = d.appendPrefix(rule.Destinations, field(rat, "RuleDefinition.MatchAttributes.Destinations", j), "AddressDefinition", a.AddressDefinition)
			}
			rule.SourcePorts = d.portRanges(rat, "SourcePorts", m.SourcePorts)
			rule.DestinationPorts = d.portRanges(rat, "DestinationPorts", m.DestinationPorts)
			for _, f := range m.TCPFlags {
				rule.TCPFlags = append(rule.TCPFlags, strings.Join(f.Flags, ",")+"/"+strings.Join(f.Masks, ","))
			}
			out.StatelessRules = append(out.StatelessRules, rule)
		}
	}
	d.out.add(out)
}

// portRanges checks and converts a stateless rule's port ranges.
func (d *docCtx) portRanges(at, name string, rs []portRangeJSON) []model.PortRange {
	var out []model.PortRange
	for i, r := range rs {
		rat := field(at, "RuleDefinition.MatchAttributes."+name, i)
		from, to := d.port(rat, "FromPort", r.FromPort), d.port(rat, "ToPort", r.ToPort)
		if from > to {
			d.fail(rat+".FromPort", fmt.Sprintf("port range %d-%d runs backwards", from, to), nil)
		}
		out = append(out, model.PortRange{From: from, To: to})
	}
	return out
}

type loggingJSON struct {
	FirewallArn          string
	LoggingConfiguration *struct {
		LogDestinationConfigs []struct {
			LogType            string
			LogDestinationType string
			LogDestination     map[string]string
		}
	}
}

// firewallLogging is describe-logging-configuration: linked to its
// firewall once every document is read.
func (d *docCtx) firewallLogging(at string, v *loggingJSON) {
	d.requireID(at, "FirewallArn", v.FirewallArn)
	l := firewallLogging{ARN: v.FirewallArn}
	if v.LoggingConfiguration != nil {
		for _, c := range v.LoggingConfiguration.LogDestinationConfigs {
			l.Destinations = append(l.Destinations, model.FirewallLogDestination{LogType: c.LogType, DestinationType: c.LogDestinationType, Destination: c.LogDestination})
		}
	}
	d.out.fwLogging = append(d.out.fwLogging, l)
}

// firewallLogging is a firewall's logging configuration, by its ARN.
type firewallLogging struct {
	ARN          string
	Destinations []model.FirewallLogDestination
}
