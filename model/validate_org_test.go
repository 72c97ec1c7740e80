package model_test

import (
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/fixtures"
	"github.com/vpcscope/vpcscope/model"
)

// TestValidatePeeringAttachmentAssociatedOnBothGateways: the two ends of a
// transit gateway peering attachment share one ID, and each gateway
// associates its end with a route table of its own
// (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering.html); that is
// no inconsistency. The reproduction: an organization whose regions'
// gateways are peered.
func TestValidatePeeringAttachmentAssociatedOnBothGateways(t *testing.T) {
	s := fixtures.Org(fixtures.OrgConfig{Seed: 1, Accounts: 2, Regions: []string{"us-east-1", "eu-west-1", "ap-southeast-2"}, VPCs: 6})
	for _, p := range model.Validate(s) {
		if strings.Contains(p.String(), "associat") {
			t.Errorf("note: %s", p)
		}
	}
}
