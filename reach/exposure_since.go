package reach

import "slices"

// ExposureSince returns e's exposure report (Exposure(opts)) from prev,
// the exposure report of engine a with the same options, walking again
// only the interfaces a change may have exposed differently. It applies
// when the snapshots differ only in the rules of security groups whose
// members are all ordinary interfaces (source/destination check on, no
// gateway, load balancer, endpoint or managed owner: the test the
// relation diff's shared walks use, groupRuleChanges). Then an interface
// in no changed group meets the very same rules, network ACLs, routes and
// gateways on every path from the internet and back (an ordinary
// interface carries nobody else's traffic, and a rule naming a group
// depends on the group's members, not on its rules), so its entries are
// a's, taken as they are (they share their slices with prev). The members
// of changed groups, load balancers (their targets' groups may have
// changed) and on-premises networks are checked in e. ok is false, and
// nothing is computed, when the change is anything else.
func (e *Engine) ExposureSince(a *Engine, prev *ExposureReport, opts ExposureOptions) (rep *ExposureReport, ok bool) {
	if prev == nil {
		return e.Exposure(opts), true
	}
	if a == e {
		return prev, true
	}
	ingress, egress, ok := groupRuleChanges(a, e)
	if !ok {
		return nil, false
	}
	walk := map[string]bool{}
	for _, n := range e.snap.NetworkInterfaces {
		// a group is changed when its key is present, even with no rule
		// gained or lost (rules reordered: entries name a rule by index)
		if slices.ContainsFunc(n.SecurityGroupIDs, func(id string) bool { _, in := ingress[id]; return in || egress[id] }) {
			walk[n.ID] = true
		}
	}
	return e.exposure(opts, prev, walk), true
}
