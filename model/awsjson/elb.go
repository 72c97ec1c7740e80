package awsjson

import (
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// This file decodes Elastic Load Balancing v2 load balancers, target groups
// and listeners, and the groupings that carry target health and attributes.

// arnScope returns the region and account of an ARN
// (arn:partition:service:region:account:resource), empty when s is no ARN.
func arnScope(s string) (region, account string) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return "", ""
	}
	return parts[3], parts[4]
}

// arnMeta builds the metadata of a resource whose ID is its ARN: the
// account comes from the ARN, the region from the document or else the ARN.
func (d *docCtx) arnMeta(arn string) model.Meta {
	region, account := arnScope(arn)
	m := d.meta(arn, account, nil)
	if m.Region == "" {
		m.Region = region
	}
	return m
}

type loadBalancerJSON struct {
	LoadBalancerArn   string
	LoadBalancerName  string
	Type              string
	Scheme            string
	State             struct{ Code string }
	VpcId             string
	DNSName           string
	IpAddressType     string
	SecurityGroups    []string
	AvailabilityZones []struct {
		ZoneName              string
		SubnetId              string
		LoadBalancerAddresses []struct {
			IpAddress          string
			AllocationId       string
			PrivateIPv4Address string
			IPv6Address        string
		}
	}
}

func (d *docCtx) loadBalancer(at string, v *loadBalancerJSON) {
	d.requireID(at, "LoadBalancerArn", v.LoadBalancerArn)
	out := &model.LoadBalancer{
		Meta:              d.arnMeta(v.LoadBalancerArn),
		LoadBalancerName:  v.LoadBalancerName,
		Type:              v.Type,
		Scheme:            v.Scheme,
		State:             v.State.Code,
		VPCID:             v.VpcId,
		DNSName:           v.DNSName,
		IPAddressType:     v.IpAddressType,
		AvailabilityZones: make([]model.LBZone, 0, len(v.AvailabilityZones)),
		SecurityGroupIDs:  nonEmpty(v.SecurityGroups),
	}
	for i, z := range v.AvailabilityZones {
		zone := model.LBZone{ZoneName: z.ZoneName, SubnetID: z.SubnetId}
		for j, a := range z.LoadBalancerAddresses {
			aat := field(field(at, "AvailabilityZones", i), "LoadBalancerAddresses", j)
			zone.Addresses = append(zone.Addresses, model.LBAddress{
				IPAddress:          d.addr(aat, "IpAddress", a.IpAddress),
				AllocationID:       a.AllocationId,
				PrivateIPv4Address: d.addr(aat, "PrivateIPv4Address", a.PrivateIPv4Address),
				IPv6Address:        d.addr(aat, "IPv6Address", a.IPv6Address),
			})
		}
		out.AvailabilityZones = append(out.AvailabilityZones, zone)
	}
	d.out.add(out)
}

type targetGroupJSON struct {
	TargetGroupArn   string
	TargetGroupName  string
	Protocol         string
	Port             int32
	TargetType       string
	VpcId            string
	LoadBalancerArns []string
}

func (d *docCtx) targetGroup(at string, v *targetGroupJSON) {
	d.requireID(at, "TargetGroupArn", v.TargetGroupArn)
	d.out.add(&model.TargetGroup{
		Meta:             d.arnMeta(v.TargetGroupArn),
		TargetGroupName:  v.TargetGroupName,
		Protocol:         v.Protocol,
		Port:             v.Port,
		TargetType:       v.TargetType,
		VPCID:            v.VpcId,
		LoadBalancerARNs: nonEmpty(v.LoadBalancerArns),
	})
}

// lbListener is a listener with the load balancer it belongs to.
type lbListener struct {
	LoadBalancerARN string
	Listener        model.Listener
}

type listenerJSON struct {
	ListenerArn     string
	LoadBalancerArn string
	Port            int32
	Protocol        string
	DefaultActions  []struct {
		Type           string
		TargetGroupArn string
		ForwardConfig  *struct {
			TargetGroups []struct{ TargetGroupArn string }
		}
	}
}

// listener converts a listener; lbARN is its grouping's load balancer, used
// when the listener does not name one.
func (d *docCtx) listener(at, lbARN string, v *listenerJSON) {
	if v.LoadBalancerArn != "" {
		lbARN = v.LoadBalancerArn
	}
	if lbARN == "" {
		d.fail(at+".LoadBalancerArn", "missing LoadBalancerArn: a listener names its load balancer", nil)
		return
	}
	l := model.Listener{ARN: v.ListenerArn, Port: v.Port, Protocol: v.Protocol}
	for _, a := range v.DefaultActions {
		action := model.ListenerAction{Type: a.Type}
		add := func(arn string) {
			if arn != "" && !slices.Contains(action.TargetGroupARNs, arn) {
				action.TargetGroupARNs = append(action.TargetGroupARNs, arn)
			}
		}
		add(a.TargetGroupArn)
		if a.ForwardConfig != nil {
			for _, tg := range a.ForwardConfig.TargetGroups {
				add(tg.TargetGroupArn)
			}
		}
		l.DefaultActions = append(l.DefaultActions, action)
	}
	d.out.listeners = append(d.out.listeners, lbListener{LoadBalancerARN: lbARN, Listener: l})
}

func (d *docCtx) plainListener(at string, v *listenerJSON) { d.listener(at, "", v) }

type listenerGroupJSON struct {
	LoadBalancerArn string
	Listeners       []listenerJSON
}

func (d *docCtx) listenerGroup(at string, v *listenerGroupJSON) {
	for i := range v.Listeners {
		d.listener(field(at, "Listeners", i), v.LoadBalancerArn, &v.Listeners[i])
	}
}

// targetHealth is a LoadBalancerTargetHealth element: the registered
// targets of one target group.
type targetHealth struct {
	TargetGroupARN string
	Targets        []model.Target
}

type targetHealthJSON struct {
	TargetGroupArn           string
	TargetHealthDescriptions []struct {
		Target struct {
			Id               string
			Port             int32
			AvailabilityZone string
		}
		TargetHealth struct{ State string }
	}
}

func (d *docCtx) targetHealth(at string, v *targetHealthJSON) {
	d.requireParent(at, "TargetGroupArn", v.TargetGroupArn)
	th := targetHealth{TargetGroupARN: v.TargetGroupArn, Targets: make([]model.Target, 0, len(v.TargetHealthDescriptions))}
	for _, t := range v.TargetHealthDescriptions {
		th.Targets = append(th.Targets, model.Target{
			ID:               t.Target.Id,
			Port:             t.Target.Port,
			AvailabilityZone: t.Target.AvailabilityZone,
			HealthState:      t.TargetHealth.State,
		})
	}
	d.out.targetHealth = append(d.out.targetHealth, th)
}

// attributes is a LoadBalancerAttributes or TargetGroupAttributes element.
type attributes struct {
	ARN    string
	Values map[string]string
}

type attributeListJSON []struct {
	Key   string
	Value string
}

func (l attributeListJSON) values() map[string]string {
	out := make(map[string]string, len(l))
	for _, a := range l {
		out[a.Key] = a.Value
	}
	return out
}

// attributesJSON is a LoadBalancerAttributes or TargetGroupAttributes
// element: describe-*-attributes output with its parent's ARN.
type attributesJSON struct {
	LoadBalancerArn string
	TargetGroupArn  string
	Attributes      attributeListJSON
}

func (d *docCtx) lbAttributes(at string, v *attributesJSON) {
	d.requireParent(at, "LoadBalancerArn", v.LoadBalancerArn)
	d.out.lbAttributes = append(d.out.lbAttributes, attributes{ARN: v.LoadBalancerArn, Values: v.Attributes.values()})
}

func (d *docCtx) tgAttributes(at string, v *attributesJSON) {
	d.requireParent(at, "TargetGroupArn", v.TargetGroupArn)
	d.out.tgAttributes = append(d.out.tgAttributes, attributes{ARN: v.TargetGroupArn, Values: v.Attributes.values()})
}

// elbTags is a TagDescriptions element (elbv2 describe-tags): the tags of
// a load balancer or target group, named by its ARN.
type elbTags struct {
	ARN  string
	Tags model.Tags
}

type tagDescriptionJSON struct {
	tagged
	ResourceArn string
}

func (d *docCtx) tagDescription(at string, v *tagDescriptionJSON) {
	d.requireParent(at, "ResourceArn", v.ResourceArn)
	d.out.elbTags = append(d.out.elbTags, elbTags{ARN: v.ResourceArn, Tags: v.tags()})
}
