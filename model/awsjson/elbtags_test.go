package awsjson

import (
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/model"
)

func TestELBTagDescriptions(t *testing.T) {
	const (
		lbARN = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/1"
		tgARN = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/2"
	)
	s, r := importDocs(t,
		`{"LoadBalancers": [{"LoadBalancerArn": "`+lbARN+`", "LoadBalancerName": "web", "Type": "application"}],
		  "TargetGroups": [{"TargetGroupArn": "`+tgARN+`", "TargetGroupName": "web", "TargetType": "instance"}]}`,
		// elbv2 describe-tags output: one element per ARN, listeners too.
		`{"TagDescriptions": [
		  {"ResourceArn": "`+lbARN+`", "Tags": [{"Key": "Name", "Value": "web-alb"}, {"Key": "Team", "Value": "a"}]},
		  {"ResourceArn": "`+tgARN+`", "Tags": [{"Key": "Name", "Value": "web-tg"}]},
		  {"ResourceArn": "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/1/3", "Tags": [{"Key": "Name", "Value": "l"}]},
		  {"ResourceArn": "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/gone/9", "Tags": []}]}`)
	equal(t, "load balancer tags", one(t, s.LoadBalancers).Tags, model.Tags{"Name": "web-alb", "Team": "a"})
	equal(t, "target group tags", one(t, s.TargetGroups).Tags, model.Tags{"Name": "web-tg"})
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "loadbalancer/app/gone/9") {
		t.Errorf("want one warning for the unknown load balancer, got %q", r.Warnings)
	}

	// A TagDescriptions element must name its resource.
	im := NewImporter()
	err := im.AddDocument(testAccount, testRegion, "tags.json", []byte(`{"TagDescriptions": [{"Tags": []}]}`))
	if err == nil || !strings.Contains(err.Error(), "ResourceArn") {
		t.Errorf("missing ResourceArn: got %v", err)
	}
}
