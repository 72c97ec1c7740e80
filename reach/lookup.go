package reach

import "github.com/vpcscope/vpcscope/model"

// The walk's hot lookups, resolved once per snapshot: an interface's
// subnet and security groups, a subnet's route table and network ACL. The
// model's index answers them by string ID; here they are one lookup by
// pointer, which a point query makes dozens of times.

// subnetInfo is what the walk needs of a subnet.
type subnetInfo struct {
	rt       *model.RouteTable
	explicit bool // rt is associated explicitly (else it is the VPC's main table)
	acl      *model.NetworkACL
	compiled *compiledACL
}

// ifaceInfo is what the walk needs of an interface.
type ifaceInfo struct {
	subnet *model.Subnet
	// groups are its security groups in the snapshot; missing the IDs of
	// those that are not.
	groups  []*model.SecurityGroup
	missing []string
}

// indexLookups fills the walk's lookup tables.
func (e *Engine) indexLookups() {
	e.subnetInfo = make(map[*model.Subnet]*subnetInfo, len(e.snap.Subnets))
	for _, sn := range e.snap.Subnets {
		si := &subnetInfo{}
		si.rt, si.explicit = e.ix.SubnetRouteTable(sn.ID)
		if si.acl = e.ix.SubnetNetworkACL(sn.ID); si.acl != nil {
			si.compiled = e.acls[si.acl.ID]
		}
		e.subnetInfo[sn] = si
	}
	// The interfaces' records, and their group lists, are carved from
	// one array each (an organization has 200,000 interfaces); a group
	// list has the capacity of its length.
	enis := e.snap.NetworkInterfaces
	e.ifaceInfo = make(map[*model.NetworkInterface]*ifaceInfo, len(enis))
	infos := make([]ifaceInfo, len(enis))
	refs := 0
	for _, n := range enis {
		refs += len(n.SecurityGroupIDs)
	}
	groups := make([]*model.SecurityGroup, 0, refs)
	var lastSubnet *model.Subnet
	for i, n := range enis {
		fi := &infos[i]
		if lastSubnet == nil || lastSubnet.ID != n.SubnetID {
			lastSubnet = e.ix.Subnet(n.SubnetID)
		}
		fi.subnet = lastSubnet
		start := len(groups)
		for _, id := range n.SecurityGroupIDs {
			if sg := e.ix.SecurityGroup(id); sg != nil {
				groups = append(groups, sg)
			} else {
				fi.missing = append(fi.missing, id)
			}
		}
		if len(groups) > start {
			fi.groups = groups[start:len(groups):len(groups)]
		}
		e.ifaceInfo[n] = fi
	}
}

// subnetOfIface returns an interface's subnet, or nil.
func (e *Engine) subnetOfIface(n *model.NetworkInterface) *model.Subnet {
	if fi := e.ifaceInfo[n]; fi != nil {
		return fi.subnet
	}
	return e.ix.Subnet(n.SubnetID) // an interface the walk made up (none today)
}

// routeTableOf returns a subnet's route table and whether it is
// associated explicitly.
func (e *Engine) routeTableOf(sn *model.Subnet) (*model.RouteTable, bool) {
	if si := e.subnetInfo[sn]; si != nil {
		return si.rt, si.explicit
	}
	return e.ix.SubnetRouteTable(sn.ID)
}

// aclOf returns a subnet's network ACL, compiled, or nil.
func (e *Engine) aclOf(sn *model.Subnet) (*model.NetworkACL, *compiledACL) {
	if si := e.subnetInfo[sn]; si != nil {
		return si.acl, si.compiled
	}
	acl := e.ix.SubnetNetworkACL(sn.ID)
	if acl == nil {
		return nil, nil
	}
	return acl, e.acls[acl.ID]
}

// groupsOf returns an interface's security groups in the snapshot, and
// the IDs of those that are not.
func (e *Engine) groupsOf(n *model.NetworkInterface) ([]*model.SecurityGroup, []string) {
	if fi := e.ifaceInfo[n]; fi != nil {
		return fi.groups, fi.missing
	}
	var gs []*model.SecurityGroup
	var missing []string
	for _, id := range n.SecurityGroupIDs {
		if sg := e.ix.SecurityGroup(id); sg != nil {
			gs = append(gs, sg)
		} else {
			missing = append(missing, id)
		}
	}
	return gs, missing
}
