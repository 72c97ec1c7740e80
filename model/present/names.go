package present

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// Name is the friendliest single name of a resource: its Name tag, else
// the load balancer, target group, security group or prefix list name,
// else its ID.
func Name(r model.Resource) string {
	if n := r.Base().Name(); n != "" {
		return n
	}
	switch v := r.(type) {
	case *model.LoadBalancer:
		if v.LoadBalancerName != "" {
			return v.LoadBalancerName
		}
	case *model.TargetGroup:
		if v.TargetGroupName != "" {
			return v.TargetGroupName
		}
	case *model.SecurityGroup:
		if v.GroupName != "" {
			return v.GroupName
		}
	case *model.PrefixList:
		if v.Name != "" {
			return v.Name
		}
	case *model.WebACL:
		if v.WebACLName != "" {
			return v.WebACLName
		}
	case *model.ShieldProtection:
		if v.ProtectionName != "" {
			return v.ProtectionName
		}
	case *model.NetworkFirewall:
		if v.FirewallName != "" {
			return v.FirewallName
		}
	case *model.FirewallPolicy:
		if v.PolicyName != "" {
			return v.PolicyName
		}
	case *model.FirewallRuleGroup:
		if v.RuleGroupName != "" {
			return v.RuleGroupName
		}
	case *model.DXGateway:
		if v.GatewayName != "" {
			return v.GatewayName
		}
	case *model.DXVirtualInterface:
		if v.InterfaceName != "" {
			return v.InterfaceName
		}
	}
	return r.Base().ID
}

// Containers returns the VPC and subnet a resource lives in, "" for
// either that does not apply. A gateway attached to several VPCs gives the
// first; a transit gateway VPC attachment gives its VPC.
func Containers(r model.Resource) (vpc, subnet string) {
	switch v := r.(type) {
	case *model.Subnet:
		return v.VPCID, ""
	case *model.NetworkInterface:
		return v.VPCID, v.SubnetID
	case *model.Instance:
		return v.VPCID, v.SubnetID
	case *model.NATGateway:
		return v.VPCID, v.SubnetID
	case *model.RouteTable:
		return v.VPCID, ""
	case *model.NetworkACL:
		return v.VPCID, ""
	case *model.SecurityGroup:
		return v.VPCID, ""
	case *model.VPCEndpoint:
		return v.VPCID, ""
	case *model.LoadBalancer:
		return v.VPCID, ""
	case *model.TargetGroup:
		return v.VPCID, ""
	case *model.InternetGateway:
		if len(v.Attachments) > 0 {
			return v.Attachments[0].VPCID, ""
		}
	case *model.EgressOnlyInternetGateway:
		if len(v.Attachments) > 0 {
			return v.Attachments[0].VPCID, ""
		}
	case *model.VPNGateway:
		if len(v.Attachments) > 0 {
			return v.Attachments[0].VPCID, ""
		}
	case *model.TGWAttachment:
		if v.ResourceType == "vpc" {
			return v.ResourceID, ""
		}
	case *model.NetworkFirewall:
		return v.VPCID, ""
	case *model.FlowLog:
		switch {
		case strings.HasPrefix(v.ResourceID, "vpc-"):
			return v.ResourceID, ""
		}
	}
	return "", ""
}

// IsPublic reports whether a subnet routes 0.0.0.0/0 (or ::/0) to an
// internet gateway through an active route.
func IsPublic(ix *model.Index, sn *model.Subnet) bool {
	rt, _ := ix.SubnetRouteTable(sn.ID)
	if rt == nil {
		return false
	}
	for _, r := range rt.Routes {
		if r.Target().Kind == model.TargetInternetGateway && r.Destination.IsValid() && r.Destination.Bits() == 0 && !r.IsBlackhole() {
			return true
		}
	}
	return false
}

// Find resolves what a person typed to resources, as inspect and the
// explorer's go-to take it: an ID, a Name tag, an IP address, and then the
// names AWS gives besides the Name tag — a security group's group name
// (`default` finds every default group), a load balancer's or target
// group's name, a prefix list's name, a Network Firewall firewall's, policy's or
// rule group's name. It returns nil when nothing
// matches. A resource seen from two accounts is returned once.
func Find(ix *model.Index, query string) []model.Resource {
	if rs := ix.Find(query); len(rs) > 0 {
		return rs
	}
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		return nil
	}
	if _, err := netip.ParseAddr(q); err == nil {
		return nil
	}
	var out []model.Resource
	s := ix.Snapshot()
	for _, g := range s.SecurityGroups {
		if strings.ToLower(g.GroupName) == q {
			out = append(out, g)
		}
	}
	for _, lb := range s.LoadBalancers {
		if strings.ToLower(lb.LoadBalancerName) == q {
			out = append(out, lb)
		}
	}
	for _, tg := range s.TargetGroups {
		if strings.ToLower(tg.TargetGroupName) == q {
			out = append(out, tg)
		}
	}
	for _, pl := range s.PrefixLists {
		if strings.ToLower(pl.Name) == q {
			out = append(out, pl)
		}
	}
	for _, fw := range s.NetworkFirewalls {
		if strings.ToLower(fw.FirewallName) == q {
			out = append(out, fw)
		}
	}
	for _, fp := range s.FirewallPolicies {
		if strings.ToLower(fp.PolicyName) == q {
			out = append(out, fp)
		}
	}
	for _, g := range s.FirewallRuleGroups {
		if strings.ToLower(g.RuleGroupName) == q {
			out = append(out, g)
		}
	}
	return out
}

// Accounts lists the accounts a snapshot covers or its resources name,
// sorted, without repeats.
func Accounts(s *model.Snapshot) []string {
	seen := map[string]bool{}
	for _, sc := range s.Scopes {
		if sc.Account != "" {
			seen[sc.Account] = true
		}
	}
	for _, v := range s.VPCs {
		if v.Account != "" {
			seen[v.Account] = true
		}
	}
	out := make([]string, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// Regions lists the regions a snapshot covers or its VPCs are in, sorted,
// without repeats.
func Regions(s *model.Snapshot) []string {
	seen := map[string]bool{}
	for _, sc := range s.Scopes {
		if sc.Region != "" {
			seen[sc.Region] = true
		}
	}
	for _, v := range s.VPCs {
		if v.Region != "" {
			seen[v.Region] = true
		}
	}
	out := make([]string, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}
