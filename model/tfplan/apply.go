package tfplan

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// Placeholder is a value known only after apply that vpcscope stands in
// for, so that the planned network can be answered about before it exists.
type Placeholder struct {
	// Address is the Terraform address of the resource, e.g. aws_instance.web.
	Address string `json:"address"`
	// Attribute is the attribute stood in for: id, private_ip, public_ip …
	Attribute string `json:"attribute"`
	// Value is what vpcscope uses: an ID naming the address
	// (i-(aws_instance.web)), or an address it chose.
	Value string `json:"value"`
	// Note says how an address was chosen.
	Note string `json:"note,omitempty"`
}

// Skipped is a resource of the plan that the planned network leaves out.
type Skipped struct {
	Address string `json:"address"`
	Type    string `json:"type"`
	Reason  string `json:"reason"`
}

// Conflict is a resource whose rules the configuration writes inline
// while a separate rule resource changes them too.
type Conflict struct {
	// Owner is the security group, network ACL or route table with
	// inline rules; Rule the separate resource.
	Owner   string `json:"owner"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// Result is the planned network and how it maps to the plan.
type Result struct {
	// Snapshot is the network after the plan is applied.
	Snapshot *model.Snapshot
	// Addresses maps a resource ID of Snapshot (a placeholder or a real
	// ID) to the Terraform addresses that create or change it: the
	// resource itself and its separate rule, route and association
	// resources.
	Addresses map[string][]string
	// Placeholders are the values known only after apply, in plan order.
	Placeholders []Placeholder
	// NotConsidered are the plan's resources that do not shape the
	// network as vpcscope models it, or that could not be placed.
	NotConsidered []Skipped
	// Conflicts are resources whose rules are written both inline and as
	// separate resources, which the AWS provider does not support.
	Conflicts []Conflict
	// Notes are what else the reader should know: values left out,
	// resources of the plan missing from the snapshot.
	Notes []string
}

// IsPlaceholder reports whether s (an ID or an address) is a value
// vpcscope stands in for.
func (r *Result) IsPlaceholder(s string) bool {
	return slices.ContainsFunc(r.Placeholders, func(p Placeholder) bool { return p.Value == s })
}

// PlaceholderPeers reports whether ends (the senders or receivers of an
// answer about traffic, as CIDRs or IDs) are only public addresses
// vpcscope stands in for. Such an answer is an artefact: an address from
// 198.18.0.0/15 is an internet host before the plan and the plan's own
// after it, so traffic "lost" or "gained" by it says nothing about the
// address AWS will assign.
func (r *Result) PlaceholderPeers(ends []string) bool {
	if len(ends) == 0 {
		return false
	}
	for _, e := range ends {
		p, err := netip.ParsePrefix(e)
		if err != nil || !p.IsSingleIP() || !slices.ContainsFunc(r.Placeholders, func(ph Placeholder) bool {
			return ph.Value == p.Addr().String() && ph.Note == publicNote
		}) {
			return false
		}
	}
	return true
}

// publicNote marks a placeholder public address.
const publicNote = "a public address AWS assigns at apply"

// AddressesOf returns the Terraform addresses of a resource ID.
func (r *Result) AddressesOf(id string) []string { return r.Addresses[id] }

// builder applies a plan's changes to a snapshot.
type builder struct {
	p       *Plan
	s       *model.Snapshot
	res     *Result
	account string
	region  string
	// ids are the values of ID-like attributes by "address.attribute",
	// placeholders included.
	ids map[string]string
	// instances are the changes by configuration address.
	instances map[string][]*Change
	byAddr    map[string]*Change
	used      map[netip.Addr]bool
	public    int
	// eips are the public addresses of Elastic IPs by allocation ID.
	eips map[string]netip.Addr
	// ruleTargets are the security groups, network ACLs and route tables
	// that separate rule resources change, by the rule resource's address.
	ruleTargets map[string]string
	// fwMarkers are the markers of routes to an endpoint of a firewall
	// the plan creates, by the firewall's address (resolveFirewallRoutes).
	fwMarkers map[string]string
	// vgwLearned are the routes a virtual private gateway propagated into
	// a VPC it leaves, by gateway ID: the routes it propagates where it
	// is attached next.
	vgwLearned map[string][]netip.Prefix
}

// Apply applies the plan to base — deletes first (matched by the ID in
// before), then creates and updates in dependency order — and returns
// the planned network. With base nil it builds the network from the plan
// alone: every resource the plan creates, keeps or updates, as it will
// be. base is not changed.
func Apply(p *Plan, base *model.Snapshot) (*Result, error) {
	b, err := newBuilder(p, base)
	if err != nil {
		return nil, err
	}
	b.run(base != nil)
	return b.res, nil
}

// Prior returns the network the plan starts from, built from the plan
// alone: every resource that exists before it (the before values), for
// comparing with Apply(p, nil).
func Prior(p *Plan) (*Result, error) {
	q := &Plan{FormatVersion: p.FormatVersion, TerraformVersion: p.TerraformVersion, Region: p.Region}
	for _, c := range p.Changes {
		if c.Before == nil {
			continue
		}
		cp := *c
		cp.Actions, cp.After, cp.AfterUnknown = []Action{Create}, c.Before, nil
		q.Changes = append(q.Changes, &cp)
	}
	return Apply(q, nil)
}

func newBuilder(p *Plan, base *model.Snapshot) (*builder, error) {
	s := &model.Snapshot{Schema: model.SchemaVersion, Source: "terraform-plan"}
	if base != nil {
		var err error
		if s, err = clone(base); err != nil {
			return nil, fmt.Errorf("copy snapshot: %w", err)
		}
	}
	b := &builder{p: p, s: s, ids: map[string]string{}, instances: map[string][]*Change{}, byAddr: map[string]*Change{},
		used: map[netip.Addr]bool{}, eips: map[string]netip.Addr{}, ruleTargets: map[string]string{}, fwMarkers: map[string]string{},
		vgwLearned: map[string][]netip.Prefix{},
		res: &Result{Snapshot: s, Addresses: map[string][]string{}, Placeholders: []Placeholder{},
			NotConsidered: []Skipped{}, Conflicts: []Conflict{}, Notes: []string{}}}
	b.region = p.Region
	if len(s.Scopes) > 0 {
		b.account = s.Scopes[0].Account
		if b.region == "" {
			b.region = s.Scopes[0].Region
		}
	}
	if b.region == "" {
		b.region = regionFromZones(p)
	}
	if base == nil && b.region != "" {
		s.Scopes = []model.Scope{{Region: b.region}}
	}
	for _, n := range s.NetworkInterfaces {
		for _, ip := range n.PrivateIPs {
			b.used[ip.Address] = true
		}
	}
	for _, g := range s.NATGateways {
		for _, a := range g.Addresses {
			if a.AllocationID != "" && a.PublicIP.IsValid() {
				b.eips[a.AllocationID] = a.PublicIP
			}
		}
	}
	for _, c := range p.Changes {
		b.byAddr[c.Address] = c
		k := configAddress(c.Address)
		b.instances[k] = append(b.instances[k], c)
	}
	return b, nil
}

// regionFromZones guesses the Region from an availability zone the plan
// names (us-east-1a), when nothing else says it.
func regionFromZones(p *Plan) string {
	for _, c := range p.Changes {
		for _, m := range []map[string]any{c.After, c.Before} {
			if z, ok := m["availability_zone"].(string); ok && len(z) > 1 {
				return strings.TrimRight(z, "abcdefghijklmnopqrstuvwxyz")
			}
		}
	}
	return ""
}

// run applies every change.
func (b *builder) run(hasBase bool) {
	known := map[*Change]*typeInfo{}
	for _, c := range b.p.Changes {
		t, ok := supported[c.Type]
		switch {
		case c.Has(Read) || (len(c.Actions) == 1 && c.Actions[0] == "forget"):
			continue
		case !ok:
			reason := "not a resource vpcscope models"
			if r, fam := family(c.Type); fam {
				reason = r
			}
			b.res.NotConsidered = append(b.res.NotConsidered, Skipped{c.Address, c.Type, reason})
			continue
		}
		known[c] = t
		b.assignIDs(c, t)
	}
	// an accepter's id is the ID of what it accepts (known once that
	// resource's placeholder is)
	for c, t := range known {
		if key := c.Address + ".id"; t.alias != "" && b.ids[key] == "" && c.After != nil {
			if id := (vals{b: b, c: c, m: c.After, unk: anyMap(c.AfterUnknown)}).ref(t.alias); id != "" {
				b.ids[key] = id
			}
		}
	}
	order := slices.Clone(b.p.Changes)
	sort.SliceStable(order, func(i, j int) bool { return rank(order[i]) < rank(order[j]) })
	b.conflicts()
	for _, c := range order {
		t := known[c]
		if t == nil || c.After == nil {
			continue
		}
		if hasBase && !c.Has(Create) && !c.Has(Update) {
			// no-op: the snapshot is the truth; still name the resource
			if id := str(c.After, "id"); id != "" && b.find(id) != nil {
				b.addr(id, c.Address)
				continue
			}
			if t.rule {
				continue
			}
			if id := str(c.After, "id"); id != "" {
				b.notef("%s (%s) is in the plan's state but not in the snapshot; taken from the plan", c.Address, id)
			}
		}
		t.apply(b, c, vals{b: b, c: c, m: c.After, unk: anyMap(c.AfterUnknown)})
	}
	b.resolveFirewallRoutes()
	// deletes last, children before parents: a delete removes what its
	// before values name (the old object of a replacement, by its ID),
	// so the new object of a create-before-destroy stays
	for i := len(order) - 1; i >= 0; i-- {
		c := order[i]
		t := known[c]
		if t == nil || !c.Has(Delete) || c.Before == nil {
			continue
		}
		if t.rule && c.Replace() && sameValues(c.Before, c.After) {
			continue // the rule replaced by its twin stays
		}
		if t.remove != nil {
			t.remove(b, c, vals{b: b, c: c, m: c.Before})
		} else if id := str(c.Before, "id"); id != "" && id != b.idOf(c) || !c.Has(Create) {
			b.removeByID(str(c.Before, "id"))
		}
	}
	for id := range b.res.Addresses {
		slices.Sort(b.res.Addresses[id])
		b.res.Addresses[id] = slices.Compact(b.res.Addresses[id])
	}
	b.declarePlaceholders()
}

// declarePlaceholders lists in the snapshot the placeholder IDs its
// resources carry, so that validation knows them from malformed IDs.
func (b *builder) declarePlaceholders() {
	held := map[string]bool{}
	for r := range b.s.All() {
		held[r.Base().ID] = true
	}
	for _, ph := range b.res.Placeholders {
		if held[ph.Value] && model.IsPlaceholderID(ph.Value) && !slices.Contains(b.s.Placeholders, ph.Value) {
			b.s.Placeholders = append(b.s.Placeholders, ph.Value)
		}
	}
	// those of the base that are gone (a replaced placeholder) go too
	b.s.Placeholders = slices.DeleteFunc(b.s.Placeholders, func(id string) bool { return !held[id] })
}

// sameValues reports whether two objects hold the same values, their IDs
// aside.
func sameValues(a, b map[string]any) bool {
	x, _ := json.Marshal(withoutID(a))
	y, _ := json.Marshal(withoutID(b))
	return string(x) == string(y)
}

func withoutID(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != "id" && k != "arn" {
			out[k] = v
		}
	}
	return out
}

func anyMap(m map[string]any) any {
	if m == nil {
		return nil
	}
	return m
}

// assignIDs records the values of a resource's ID attributes, with a
// placeholder for each one known only after apply.
func (b *builder) assignIDs(c *Change, t *typeInfo) {
	src := c.After
	if src == nil {
		src = c.Before
	}
	unk := c.AfterUnknown
	for i, attr := range t.idAttrs {
		key := c.Address + "." + attr
		if v := str(src, attr); v != "" && (c.After == nil || unk[attr] != true) {
			b.ids[key] = v
			continue
		}
		if c.After == nil || !c.Has(Create) {
			continue
		}
		name := c.Address
		if i > 0 {
			name += "." + attr
		}
		v := model.PlaceholderID(t.prefixes[i], name)
		if t.placeholder != nil {
			v = t.placeholder(b, c)
		}
		b.ids[key] = v
		b.res.Placeholders = append(b.res.Placeholders, Placeholder{Address: c.Address, Attribute: attr, Value: v})
	}
	if id := b.ids[c.Address+".id"]; id != "" {
		// a reference to an ARN resolves to the same resource
		if _, ok := b.ids[c.Address+".arn"]; !ok {
			b.ids[c.Address+".arn"] = id
		}
	}
}

// resolve turns configuration references into the IDs they name: the
// values of ID attributes of the plan's resources (placeholders for those
// not created yet). References to anything else are left out.
func (b *builder) resolve(from *Change, refs []string) []string {
	var out []string
	add := func(id string) {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	// references with an attribute first: "aws_vpc.main" is also listed
	// for "aws_vpc.main.cidr_block", which is no ID
	withAttr := false
	for _, r := range refs {
		addr, attr := b.splitRef(from, r)
		if addr == "" || attr == "" {
			continue
		}
		withAttr = true
		add(b.ids[addr+"."+attr])
	}
	if !withAttr {
		for _, r := range refs {
			if addr, attr := b.splitRef(from, r); addr != "" && attr == "" {
				add(b.ids[addr+".id"])
			}
		}
	}
	return out
}

// splitRef splits a reference into the instance address it names and the
// attribute path; "" for references to variables, locals, data sources
// and resources the plan does not hold.
func (b *builder) splitRef(from *Change, ref string) (addr, attr string) {
	if from.Module != "" {
		ref = from.Module + "." + ref
	}
	toks := strings.Split(ref, ".")
	var prefix []string
	for len(toks) >= 2 && toks[0] == "module" {
		prefix = append(prefix, toks[0], toks[1])
		toks = toks[2:]
	}
	if len(toks) < 2 || !strings.HasPrefix(toks[0], "aws_") {
		return "", ""
	}
	res := strings.Join(append(prefix, toks[0], toks[1]), ".")
	attr = strings.Join(toks[2:], ".")
	if _, ok := b.byAddr[res]; ok {
		return res, attr
	}
	insts := b.instances[configAddress(res)]
	switch {
	case len(insts) == 1:
		return insts[0].Address, attr
	case len(insts) > 1:
		// aws_subnet.private[count.index]: the instance with the key of
		// the referring one
		key := instanceKey(from.Address)
		for _, c := range insts {
			if key != "" && instanceKey(c.Address) == key {
				return c.Address, attr
			}
		}
	}
	return "", ""
}

// instanceKey returns the last instance key of an address: "[0]", or "".
func instanceKey(addr string) string {
	i := strings.LastIndex(addr, "[")
	if i < 0 || !strings.HasSuffix(addr, "]") {
		return ""
	}
	return addr[i:]
}

// addr records that a Terraform address creates or changes resource id.
func (b *builder) addr(id, address string) {
	if id == "" {
		return
	}
	b.res.Addresses[id] = append(b.res.Addresses[id], address)
}

func (b *builder) notef(format string, args ...any) {
	n := fmt.Sprintf(format, args...)
	if !slices.Contains(b.res.Notes, n) {
		b.res.Notes = append(b.res.Notes, n)
	}
}

// skip records a resource of a supported type that cannot be placed.
func (b *builder) skip(c *Change, format string, args ...any) {
	b.res.NotConsidered = append(b.res.NotConsidered, Skipped{c.Address, c.Type, fmt.Sprintf(format, args...)})
}

// meta returns the metadata of a resource the plan creates.
func (b *builder) meta(c *Change, v vals, id, account string) model.Meta {
	if account == "" {
		account = b.account
	}
	return model.Meta{ID: id, Account: account, Region: b.region, Tags: v.tags()}
}

// idOf returns the ID of the resource a change manages: the planned or
// known value, or its placeholder.
func (b *builder) idOf(c *Change) string { return b.ids[c.Address+".id"] }

// find returns the resource with an ID, or nil.
// parentOf finds the resource a rule-like change attaches to, by the
// reference in attr, and records it as the change's target; a reference to
// nothing in the snapshot or the plan skips the change, naming what it
// looked for.
func parentOf[T model.Resource](b *builder, c *Change, v vals, attr, what string) (T, bool) {
	id := v.ref(attr)
	p, ok := b.find(id).(T)
	if !ok {
		b.skip(c, "its %s %q is neither in the snapshot nor in the plan", what, id)
		return p, false
	}
	b.ruleTargets[c.Address] = p.Base().ID
	return p, true
}

func (b *builder) find(id string) model.Resource {
	if id == "" {
		return nil
	}
	for r := range b.s.All() {
		if r.Base().ID == id {
			return r
		}
	}
	return nil
}

// removeByID deletes a resource from the snapshot.
func (b *builder) removeByID(id string) {
	r := b.find(id)
	if r == nil {
		return
	}
	s := b.s
	is := func(x model.Resource) bool { return x.Base().ID == id }
	switch r := r.(type) {
	case *model.VPC:
		s.VPCs = slices.DeleteFunc(s.VPCs, func(x *model.VPC) bool { return is(x) })
	case *model.Subnet:
		s.Subnets = slices.DeleteFunc(s.Subnets, func(x *model.Subnet) bool { return is(x) })
		for _, a := range s.NetworkACLs {
			a.Associations = slices.DeleteFunc(a.Associations, func(x model.ACLAssociation) bool { return x.SubnetID == id })
		}
		for _, rt := range s.RouteTables {
			rt.Associations = slices.DeleteFunc(rt.Associations, func(x model.RouteTableAssociation) bool { return x.SubnetID == id })
		}
	case *model.RouteTable:
		s.RouteTables = slices.DeleteFunc(s.RouteTables, func(x *model.RouteTable) bool { return is(x) })
	case *model.SecurityGroup:
		s.SecurityGroups = slices.DeleteFunc(s.SecurityGroups, func(x *model.SecurityGroup) bool { return is(x) })
	case *model.NetworkACL:
		acl := r
		s.NetworkACLs = slices.DeleteFunc(s.NetworkACLs, func(x *model.NetworkACL) bool { return is(x) })
		// its subnets go back to the VPC's default network ACL
		if d := b.defaultACL(acl.VPCID); d != nil {
			for _, a := range acl.Associations {
				d.Associations = append(d.Associations, model.ACLAssociation{SubnetID: a.SubnetID})
			}
		}
	case *model.NetworkInterface:
		s.NetworkInterfaces = slices.DeleteFunc(s.NetworkInterfaces, func(x *model.NetworkInterface) bool { return is(x) })
	case *model.Instance:
		in := r
		s.Instances = slices.DeleteFunc(s.Instances, func(x *model.Instance) bool { return is(x) })
		for i, eni := range in.NetworkInterfaceIDs {
			if i == 0 {
				b.removeByID(eni) // the primary interface goes with the instance
				continue
			}
			if n, ok := b.find(eni).(*model.NetworkInterface); ok {
				n.Attachment = nil
			}
		}
	case *model.InternetGateway:
		s.InternetGateways = slices.DeleteFunc(s.InternetGateways, func(x *model.InternetGateway) bool { return is(x) })
	case *model.EgressOnlyInternetGateway:
		s.EgressOnlyInternetGateways = slices.DeleteFunc(s.EgressOnlyInternetGateways, func(x *model.EgressOnlyInternetGateway) bool { return is(x) })
	case *model.NATGateway:
		g := r
		s.NATGateways = slices.DeleteFunc(s.NATGateways, func(x *model.NATGateway) bool { return is(x) })
		for _, a := range g.Addresses {
			b.removeByID(a.NetworkInterfaceID)
		}
	case *model.VPCPeering:
		s.VPCPeerings = slices.DeleteFunc(s.VPCPeerings, func(x *model.VPCPeering) bool { return is(x) })
	case *model.TransitGateway:
		s.TransitGateways = slices.DeleteFunc(s.TransitGateways, func(x *model.TransitGateway) bool { return is(x) })
	case *model.TGWAttachment:
		s.TGWAttachments = slices.DeleteFunc(s.TGWAttachments, func(x *model.TGWAttachment) bool { return is(x) })
		for _, rt := range s.TGWRouteTables {
			rt.Associations = slices.DeleteFunc(rt.Associations, func(l model.TGWRouteTableLink) bool { return l.AttachmentID == id })
			rt.Propagations = slices.DeleteFunc(rt.Propagations, func(l model.TGWRouteTableLink) bool { return l.AttachmentID == id })
			rt.Routes = slices.DeleteFunc(rt.Routes, func(x model.TGWRoute) bool {
				return x.Type == "propagated" && len(x.Attachments) == 1 && x.Attachments[0].AttachmentID == id
			})
		}
	case *model.TGWRouteTable:
		s.TGWRouteTables = slices.DeleteFunc(s.TGWRouteTables, func(x *model.TGWRouteTable) bool { return is(x) })
	case *model.VPCEndpoint:
		e := r
		s.VPCEndpoints = slices.DeleteFunc(s.VPCEndpoints, func(x *model.VPCEndpoint) bool { return is(x) })
		for _, eni := range e.NetworkInterfaceIDs {
			b.removeByID(eni)
		}
		for _, rt := range s.RouteTables {
			rt.Routes = slices.DeleteFunc(rt.Routes, func(x model.Route) bool { return x.GatewayID == id })
		}
	case *model.PrefixList:
		s.PrefixLists = slices.DeleteFunc(s.PrefixLists, func(x *model.PrefixList) bool { return is(x) })
	case *model.LoadBalancer:
		s.LoadBalancers = slices.DeleteFunc(s.LoadBalancers, func(x *model.LoadBalancer) bool { return is(x) })
	case *model.TargetGroup:
		s.TargetGroups = slices.DeleteFunc(s.TargetGroups, func(x *model.TargetGroup) bool { return is(x) })
	case *model.NetworkFirewall:
		s.NetworkFirewalls = slices.DeleteFunc(s.NetworkFirewalls, func(x *model.NetworkFirewall) bool { return is(x) })
	case *model.FirewallPolicy:
		s.FirewallPolicies = slices.DeleteFunc(s.FirewallPolicies, func(x *model.FirewallPolicy) bool { return is(x) })
	case *model.FirewallRuleGroup:
		s.FirewallRuleGroups = slices.DeleteFunc(s.FirewallRuleGroups, func(x *model.FirewallRuleGroup) bool { return is(x) })
	case *model.VPNGateway:
		s.VPNGateways = slices.DeleteFunc(s.VPNGateways, func(x *model.VPNGateway) bool { return is(x) })
	}
}

// replace puts r in the snapshot in place of the resource with its ID,
// or adds it.
func (b *builder) replace(r model.Resource) {
	if old := b.find(r.Base().ID); old != nil {
		if old == r {
			return
		}
		b.removeByID(r.Base().ID)
	}
	_ = b.s.Add(r) // every type built here is one a snapshot holds
}

// existing returns the resource a change updates (matched by the ID in
// before), or nil when the change creates or replaces it or the snapshot
// lacks it.
func existing[T model.Resource](b *builder, ch *Change) T {
	var zero T
	if ch.Before == nil || ch.Replace() {
		return zero // a replacement is a new object with a new ID
	}
	id := str(ch.Before, "id")
	r, ok := b.find(id).(T)
	if !ok {
		return zero
	}
	return r
}

// chooseIP picks an unused address inside a subnet for a resource whose
// address is known only after apply, and records the placeholder.
func (b *builder) chooseIP(c *Change, attr string, sn *model.Subnet) netip.Addr {
	if sn == nil || !sn.CIDR.IsValid() || !sn.CIDR.Addr().Is4() {
		return netip.Addr{}
	}
	base := sn.CIDR.Addr().As4()
	start := binary.BigEndian.Uint32(base[:])
	size := uint32(1) << (32 - sn.CIDR.Bits())
	for off := uint32(4); off+1 < size; off++ { // AWS reserves the first four and the last
		var a [4]byte
		binary.BigEndian.PutUint32(a[:], start+off)
		ip := netip.AddrFrom4(a)
		if b.used[ip] {
			continue
		}
		b.used[ip] = true
		b.res.Placeholders = append(b.res.Placeholders, Placeholder{Address: c.Address, Attribute: attr, Value: ip.String(),
			Note: fmt.Sprintf("chosen inside %s %s", sn.ID, sn.CIDR)})
		return ip
	}
	b.notef("%s: no free address left in %s %s", c.Address, sn.ID, sn.CIDR)
	return netip.Addr{}
}

// placeholderPublicIP stands in for a public address known only after
// apply: one from 198.18.0.0/15 (RFC 2544), which no internet host has.
func (b *builder) placeholderPublicIP(c *Change, attr string) netip.Addr {
	for {
		b.public++
		ip := netip.AddrFrom4([4]byte{198, 18 + byte(b.public>>16&1), byte(b.public >> 8), byte(b.public)})
		if b.used[ip] {
			continue
		}
		b.used[ip] = true
		b.res.Placeholders = append(b.res.Placeholders, Placeholder{Address: c.Address, Attribute: attr, Value: ip.String(),
			Note: publicNote})
		return ip
	}
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// clone deep-copies a snapshot through its JSON form.
func clone(s *model.Snapshot) (*model.Snapshot, error) {
	data, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	var out model.Snapshot
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
