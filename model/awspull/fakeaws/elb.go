package fakeaws

import (
	"github.com/vpcscope/vpcscope/model"
)

const (
	elbNS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"
	stsNS = "https://sts.amazonaws.com/doc/2011-06-15/"
)

// elb answers an Elastic Load Balancing v2 Query API action.
func (s *Server) elb(q *request) (string, bool) {
	snap, acct, region := s.snap, q.account, q.region
	w := &xw{item: "member"}
	listing := func(tag string, n int, next string, each func(i int)) {
		w.list(tag, n, each)
		w.text("NextMarker", next)
	}
	switch q.action {
	case "DescribeLoadBalancers":
		xs, next := page(s, q, visible(snap.LoadBalancers, acct, region))
		listing("LoadBalancers", len(xs), next, func(i int) { w.loadBalancer(xs[i]) })
	case "DescribeListeners":
		lb := find(visible(snap.LoadBalancers, acct, region), q.get("LoadBalancerArn"))
		if lb == nil {
			return "", false
		}
		xs, next := page(s, q, lb.Listeners)
		listing("Listeners", len(xs), next, func(i int) { w.listener(lb.ID, xs[i]) })
	case "DescribeLoadBalancerAttributes":
		lb := find(visible(snap.LoadBalancers, acct, region), q.get("LoadBalancerArn"))
		if lb == nil {
			return "", false
		}
		w.attributes(lb.Attributes)
	case "DescribeTargetGroups":
		xs, next := page(s, q, visible(snap.TargetGroups, acct, region))
		listing("TargetGroups", len(xs), next, func(i int) {
			tg := xs[i]
			w.text("TargetGroupArn", tg.ID)
			w.text("TargetGroupName", tg.TargetGroupName)
			w.text("Protocol", tg.Protocol)
			if tg.Port != 0 {
				w.num("Port", int64(tg.Port))
			}
			w.text("VpcId", tg.VPCID)
			w.text("TargetType", tg.TargetType)
			w.strings("LoadBalancerArns", tg.LoadBalancerARNs)
		})
	case "DescribeTargetHealth":
		tg := find(visible(snap.TargetGroups, acct, region), q.get("TargetGroupArn"))
		if tg == nil {
			return "", false
		}
		w.list("TargetHealthDescriptions", len(tg.Targets), func(i int) {
			t := tg.Targets[i]
			w.el("Target", func() {
				w.text("Id", t.ID)
				if t.Port != 0 {
					w.num("Port", int64(t.Port))
				}
				w.text("AvailabilityZone", t.AvailabilityZone)
			})
			w.el("TargetHealth", func() { w.text("State", t.HealthState) })
		})
	case "DescribeTargetGroupAttributes":
		tg := find(visible(snap.TargetGroups, acct, region), q.get("TargetGroupArn"))
		if tg == nil {
			return "", false
		}
		w.attributes(tg.Attributes)
	case "DescribeTags":
		arns := q.members("ResourceArns")
		w.list("TagDescriptions", len(arns), func(i int) {
			w.text("ResourceArn", arns[i])
			var tags model.Tags
			if lb := find(snap.LoadBalancers, arns[i]); lb != nil {
				tags = lb.Tags
			} else if tg := find(snap.TargetGroups, arns[i]); tg != nil {
				tags = tg.Tags
			}
			w.tags("Tags", tags, "Key", "Value")
		})
	default:
		return "", false
	}
	return "<" + q.action + `Response xmlns="` + elbNS + `"><` + q.action + "Result>" + w.b.String() + "</" + q.action +
		"Result><ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata></" + q.action + "Response>", true
}

// sts answers GetCallerIdentity for the account the access key names.
func (s *Server) sts(q *request) (string, bool) {
	if q.action != "GetCallerIdentity" {
		return "", false
	}
	return `<GetCallerIdentityResponse xmlns="` + stsNS + `"><GetCallerIdentityResult><Arn>arn:aws:iam::` + q.account +
		`:user/fakeaws</Arn><UserId>AIDAFAKEAWS</UserId><Account>` + q.account + `</Account></GetCallerIdentityResult>` +
		`<ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata></GetCallerIdentityResponse>`, true
}

func (w *xw) loadBalancer(v *model.LoadBalancer) {
	w.text("LoadBalancerArn", v.ID)
	w.text("LoadBalancerName", v.LoadBalancerName)
	w.text("Type", v.Type)
	w.text("Scheme", v.Scheme)
	w.el("State", func() { w.text("Code", v.State) })
	w.text("VpcId", v.VPCID)
	w.text("DNSName", v.DNSName)
	w.text("IpAddressType", v.IPAddressType)
	w.strings("SecurityGroups", v.SecurityGroupIDs)
	w.list("AvailabilityZones", len(v.AvailabilityZones), func(i int) {
		z := v.AvailabilityZones[i]
		w.text("ZoneName", z.ZoneName)
		w.text("SubnetId", z.SubnetID)
		w.list("LoadBalancerAddresses", len(z.Addresses), func(j int) {
			a := z.Addresses[j]
			w.addr("IpAddress", a.IPAddress)
			w.text("AllocationId", a.AllocationID)
			w.addr("PrivateIPv4Address", a.PrivateIPv4Address)
			w.addr("IPv6Address", a.IPv6Address)
		})
	})
}

func (w *xw) listener(lbARN string, l model.Listener) {
	w.text("ListenerArn", l.ARN)
	w.text("LoadBalancerArn", lbARN)
	w.num("Port", int64(l.Port))
	w.text("Protocol", l.Protocol)
	w.list("DefaultActions", len(l.DefaultActions), func(i int) {
		a := l.DefaultActions[i]
		w.text("Type", a.Type)
		if len(a.TargetGroupARNs) == 1 {
			w.text("TargetGroupArn", a.TargetGroupARNs[0])
		}
		if len(a.TargetGroupARNs) > 0 {
			w.el("ForwardConfig", func() {
				w.list("TargetGroups", len(a.TargetGroupARNs), func(j int) {
					w.text("TargetGroupArn", a.TargetGroupARNs[j])
					w.num("Weight", 1)
				})
			})
		}
	})
}

func (w *xw) attributes(attrs map[string]string) {
	w.tags("Attributes", model.Tags(attrs), "Key", "Value")
}
