package reach

import (
	"net/netip"

	"github.com/vpcscope/vpcscope/model"
)

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
	routes   []compiledRoute // rt compiled (the engine's routeTables[rt.ID])
	// rtAt and aclAt are rt and acl when each is the only record of its
	// ID (else nil): a hop at them is rendered without a lookup by ID.
	rtAt, aclAt model.Resource
	// rtText and aclText are what hops at rt and acl show of them (nil:
	// rendered when the hop is); rtDetail, inbound and outbound are the
	// words of the route table and network ACL hops ("": worded when the
	// hop is). Both are made once per snapshot for its subnets.
	rtText, aclText             *resourceText
	rtDetail, inbound, outbound string
}

// routeDetail words the route table hop of packets leaving sn.
func (si *subnetInfo) routeDetail(sn *model.Subnet) string {
	switch {
	case si.rtDetail != "":
		return si.rtDetail
	case si.explicit:
		return "route table of " + sn.ID
	}
	return "main route table of " + sn.VPCID + " (" + sn.ID + " has no explicit association)"
}

// aclDetail words the network ACL hop of packets passing sn's boundary
// at stage.
func (si *subnetInfo) aclDetail(sn *model.Subnet, stage Stage) string {
	switch {
	case stage == StageInbound && si.inbound != "":
		return si.inbound
	case stage == StageOutbound && si.outbound != "":
		return si.outbound
	}
	return string(stage) + " of " + sn.ID
}

// ifaceInfo is what the walk needs of an interface, made the first time
// a question reads it (ifaceTable.get): an organization has 200,000
// interfaces, and a question reads few of them.
type ifaceInfo struct {
	// eni is the interface; self is eni alone (one), the interfaces an
	// endpoint naming it stands for.
	eni  *model.NetworkInterface
	self []*model.NetworkInterface
	one  [1]*model.NetworkInterface
	// name is its Name tag, lb the load balancer it belongs to (nil:
	// none), as an endpoint shows them.
	name   string
	lb     *model.LoadBalancer
	subnet *model.Subnet
	// groups are its security groups in the snapshot; missing the IDs of
	// those that are not.
	groups  []*model.SecurityGroup
	missing []string
	// groupTexts are what a hop at each of groups shows of it, by the
	// group's ID (resourceText(sg.ID, nil)).
	groupTexts []resourceText
	// forms are the compact forms of groups, by index, made once on
	// first use (formsOfRecord).
	forms onFirstUse[[]*sgForm]
	// class is its class's key (classKey; "" when it has none).
	class string
	// instance is the instance it is attached to (instance.in nil: none
	// in the snapshot), as an endpoint shows it.
	instance instanceInfo
	// described is describeInterface's text of it; sgDetail the detail of
	// a hop its security groups admit, inbound then outbound
	// ("inbound of eni-…").
	described string
	sgDetail  [2]string
	// primary is its primary private address and primaryText that
	// address's text (Addr.String), as an endpoint shows it.
	primary     netip.Addr
	primaryText string
}

// sgHopDetail is the detail of a hop at which interface n's security
// groups admit packets at stage (StageInbound or StageOutbound).
func (e *Engine) sgHopDetail(n *model.NetworkInterface, stage Stage) string {
	if fi := e.ifaceOf(n); fi != nil {
		if stage == StageOutbound {
			return fi.sgDetail[1]
		}
		return fi.sgDetail[0]
	}
	return string(stage) + " of " + n.ID
}

// addrText returns a.String(), kept for interface n's primary address.
func (e *Engine) addrText(n *model.NetworkInterface, a netip.Addr) string {
	if fi := e.ifaceOf(n); fi != nil && fi.primary == a && a.IsValid() {
		return fi.primaryText
	}
	return a.String()
}

// ifaceTable holds the records of a snapshot's interfaces, each made on
// first use. Engines copied from the one that built it (WithOnPrem, the
// shadow probes) share it: a record is made from the building engine's
// index.
type ifaceTable struct {
	e  *Engine
	of map[*model.NetworkInterface]*onFirstUse[*ifaceInfo]
	// classOf is the building engine's classOf as New left it (the
	// connectivity views regroup their engines' classes afterwards; a
	// record's class stays the default one).
	classOf map[*model.NetworkInterface]*ifaceClass
}

// get returns interface n's record (nil: the engine did not index n),
// made on the first call. It is safe for concurrent use.
func (t *ifaceTable) get(n *model.NetworkInterface) *ifaceInfo {
	s := t.of[n]
	if s == nil {
		return nil
	}
	return s.get(func() *ifaceInfo { return t.e.newIfaceInfo(n, t.classOf) })
}

// ifaceOf returns interface n's record, or nil.
func (e *Engine) ifaceOf(n *model.NetworkInterface) *ifaceInfo { return e.ifaces.get(n) }

// newIfaceInfo makes an interface's record from the engine's index, its
// class from classOf.
func (e *Engine) newIfaceInfo(n *model.NetworkInterface, classOf map[*model.NetworkInterface]*ifaceClass) *ifaceInfo {
	fi := &ifaceInfo{eni: n}
	fi.one[0] = n
	fi.self = fi.one[:]
	fi.name, fi.lb = n.Name(), e.lbByENI[n.ID]
	fi.subnet = e.ix.Subnet(n.SubnetID)
	fi.instance = e.lookupInstance(n)
	for _, id := range n.SecurityGroupIDs {
		if sg := e.ix.SecurityGroup(id); sg != nil {
			if fi.groups == nil {
				fi.groups = make([]*model.SecurityGroup, 0, len(n.SecurityGroupIDs))
			}
			fi.groups = append(fi.groups, sg)
		} else {
			fi.missing = append(fi.missing, id)
		}
	}
	if len(fi.groups) > 0 {
		fi.groups = fi.groups[:len(fi.groups):len(fi.groups)]
		fi.groupTexts = make([]resourceText, len(fi.groups))
		for i, sg := range fi.groups {
			fi.groupTexts[i] = e.resourceText(sg.ID, nil)
		}
	}
	if c := classOf[n]; c != nil {
		fi.class = c.id
	}
	fi.primary = n.PrimaryIP()
	fi.makeTexts()
	return fi
}

// makeTexts makes the record's texts (described, sgDetail, primaryText)
// in one allocation: each is a part of one string.
func (fi *ifaceInfo) makeTexts() {
	n := fi.eni
	var buf [192]byte
	b := appendDescription(buf[:0], n, fi.instance)
	ends := [4]int{len(b)}
	b = append(append(append(b, StageInbound...), " of "...), n.ID...)
	ends[1] = len(b)
	b = append(append(append(b, StageOutbound...), " of "...), n.ID...)
	ends[2] = len(b)
	if fi.primary.IsValid() {
		b = fi.primary.AppendTo(b)
	}
	ends[3] = len(b)
	all := string(b)
	fi.described = all[:ends[0]]
	fi.sgDetail = [2]string{all[ends[0]:ends[1]], all[ends[1]:ends[2]]}
	fi.primaryText = all[ends[2]:ends[3]]
}

// instanceInfo is an instance as an endpoint shows it: its Name tag and,
// when it is not running, its state (down).
type instanceInfo struct {
	in         *model.Instance
	name, down string
}

// instanceOf returns the instance interface n is attached to (nil: none
// in the snapshot), as an endpoint shows it.
func (e *Engine) instanceOf(n *model.NetworkInterface) instanceInfo {
	if fi := e.ifaceOf(n); fi != nil {
		return fi.instance
	}
	return e.lookupInstance(n) // an interface the walk made up (none today)
}

// lookupInstance finds the instance interface n is attached to in the index.
func (e *Engine) lookupInstance(n *model.NetworkInterface) instanceInfo {
	if id := n.InstanceID(); id != "" {
		if in := e.ix.Instance(id); in != nil {
			return instanceInfo{in: in, name: in.Name(), down: down(in)}
		}
	}
	return instanceInfo{}
}

// tgwIngress is a transit gateway and an attachment packets enter it by.
type tgwIngress struct {
	tgw *model.TransitGateway
	att *model.TGWAttachment
}

// tgwIngressInfo is how a transit gateway routes packets from one of its
// attachments: the associated route table (associatedTable), whether the
// snapshot has it, and its compiled routes.
type tgwIngressInfo struct {
	rtID   string
	known  bool
	routes []compiledTGWRoute
	lpm    *prefixIndex // routes' index, nil for a short table
	// rtAt is the route table when it is the only record of its ID.
	rtAt model.Resource
	// rtText is what a hop at the route table shows of it (nil: rendered
	// when the hop is).
	rtText *resourceText
}

// shortRouteTable is the most routes a table has that a scan searches
// faster than its prefix index.
const shortRouteTable = 16

// indexLookups fills the walk's lookup tables.
func (e *Engine) indexLookups() {
	e.tgwByID = make(map[string]*model.TransitGateway, len(e.snap.TransitGateways))
	e.tgwRouting = make(map[tgwIngress]*tgwIngressInfo, len(e.snap.TGWAttachments))
	lpms := make(map[string]*prefixIndex)
	texts := e.newTextMemo()
	for _, t := range e.snap.TransitGateways {
		tgw, ok := model.Get[*model.TransitGateway](e.ix, t.ID)
		if !ok || e.tgwByID[t.ID] != nil {
			continue
		}
		e.tgwByID[t.ID] = tgw
		for _, a := range e.ix.TGWAttachments(t.ID) {
			info := &tgwIngressInfo{rtID: e.associatedTable(t.ID, a)}
			if info.rtID != "" {
				var rt *model.TGWRouteTable
				rt, info.known = model.Get[*model.TGWRouteTable](e.ix, info.rtID)
				if info.known {
					info.rtAt = e.onlyRecord(rt)
				}
				info.rtText = texts.of(info.rtID, info.rtAt)
				info.routes = e.tgwTables[info.rtID]
				if len(info.routes) > shortRouteTable {
					lpm, ok := lpms[info.rtID]
					if !ok {
						lpm = newPrefixIndex(len(info.routes), func(i int) netip.Prefix { return info.routes[i].prefix })
						lpms[info.rtID] = lpm
					}
					info.lpm = lpm
				}
			}
			e.tgwRouting[tgwIngress{tgw, a}] = info
		}
	}
	onlyOf := make(map[model.Resource]model.Resource)
	only := func(r model.Resource) model.Resource {
		at, ok := onlyOf[r]
		if !ok {
			at = e.onlyRecord(r)
			onlyOf[r] = at
		}
		return at
	}
	e.subnetInfo = make(map[*model.Subnet]*subnetInfo, len(e.snap.Subnets))
	for _, sn := range e.snap.Subnets {
		si := e.resolveSubnet(sn)
		if si.rt != nil {
			si.rtAt = only(si.rt)
			si.rtText = texts.of(si.rt.ID, si.rtAt)
			si.rtDetail = si.routeDetail(sn)
		}
		if si.acl != nil {
			si.aclAt = only(si.acl)
			si.aclText = texts.of(si.acl.ID, si.aclAt)
			si.inbound, si.outbound = si.aclDetail(sn, StageInbound), si.aclDetail(sn, StageOutbound)
		}
		e.subnetInfo[sn] = si
	}
	// The interfaces' slots are carved from one array; their records
	// are made on first use (ifaceTable.get).
	enis := e.snap.NetworkInterfaces
	t := &ifaceTable{e: e, of: make(map[*model.NetworkInterface]*onFirstUse[*ifaceInfo], len(enis))}
	slots := make([]onFirstUse[*ifaceInfo], len(enis))
	for i, n := range enis {
		t.of[n] = &slots[i]
	}
	e.ifaces = t
}

// textMemo makes each resource's text once while the lookups are built.
type textMemo struct {
	e    *Engine
	made map[textKey]*resourceText
}

type textKey struct {
	id string
	at model.Resource
}

func (e *Engine) newTextMemo() textMemo {
	return textMemo{e: e, made: make(map[textKey]*resourceText)}
}

// of returns resourceText(id, at), made once.
func (m textMemo) of(id string, at model.Resource) *resourceText {
	k := textKey{id, at}
	t, ok := m.made[k]
	if !ok {
		rt := m.e.resourceText(id, at)
		t = &rt
		m.made[k] = t
	}
	return t
}

// groupText returns what a hop at security group id of interface n shows
// of it, or nil when not made beforehand.
func (e *Engine) groupText(n *model.NetworkInterface, id string) *resourceText {
	if fi := e.ifaceOf(n); fi != nil {
		for i := range fi.groupTexts {
			if fi.groupTexts[i].id == id {
				return &fi.groupTexts[i]
			}
		}
	}
	return nil
}

// onlyRecord returns r when it is the only record of its ID, else nil.
func (e *Engine) onlyRecord(r model.Resource) model.Resource {
	if rs := e.ix.ResourcesByID(r.Base().ID); len(rs) == 1 && rs[0] == r {
		return r
	}
	return nil
}

// subnetOfIface returns an interface's subnet, or nil.
func (e *Engine) subnetOfIface(n *model.NetworkInterface) *model.Subnet {
	if fi := e.ifaceOf(n); fi != nil {
		return fi.subnet
	}
	return e.ix.Subnet(n.SubnetID) // an interface the walk made up (none today)
}

// subnetLookup returns what the walk needs of a subnet: its route table
// (routeTableOf), compiled, and its network ACL (aclOf), compiled.
func (e *Engine) subnetLookup(sn *model.Subnet) *subnetInfo {
	if si := e.subnetInfo[sn]; si != nil {
		return si
	}
	return e.resolveSubnet(sn)
}

// resolveSubnet finds a subnet's route table and network ACL in the
// index, with their compiled forms.
func (e *Engine) resolveSubnet(sn *model.Subnet) *subnetInfo {
	si := &subnetInfo{}
	if si.rt, si.explicit = e.ix.SubnetRouteTable(sn.ID); si.rt != nil {
		si.routes = e.routeTables[si.rt.ID]
	}
	if si.acl = e.ix.SubnetNetworkACL(sn.ID); si.acl != nil {
		si.compiled = e.acls[si.acl.ID]
	}
	return si
}

// groupsOf returns an interface's security groups in the snapshot, and
// the IDs of those that are not.
func (e *Engine) groupsOf(n *model.NetworkInterface) ([]*model.SecurityGroup, []string) {
	if fi := e.ifaceOf(n); fi != nil {
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

// transitGateway returns the transit gateway of an ID, as
// model.Get[*model.TransitGateway] does.
func (e *Engine) transitGateway(id string) (*model.TransitGateway, bool) {
	if t := e.tgwByID[id]; t != nil {
		return t, true
	}
	return model.Get[*model.TransitGateway](e.ix, id)
}

// tgwIngressOf returns how tgw routes packets arriving by attachment in.
func (e *Engine) tgwIngressOf(tgw *model.TransitGateway, in *model.TGWAttachment) *tgwIngressInfo {
	if info := e.tgwRouting[tgwIngress{tgw, in}]; info != nil {
		return info
	}
	info := &tgwIngressInfo{rtID: e.associatedTable(tgw.ID, in)}
	if info.rtID != "" {
		_, info.known = model.Get[*model.TGWRouteTable](e.ix, info.rtID)
		info.routes = e.tgwTables[info.rtID]
	}
	return info
}

// flowClassKey is classKey, read from the interface's record (one lookup
// the walk makes anyway) when it has one.
func (e *Engine) flowClassKey(n *model.NetworkInterface) string {
	if fi := e.ifaceOf(n); fi != nil && fi.class != "" {
		return fi.class
	}
	return e.classKey(n)
}
