package awspull

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/awsjson"
)

// This file keeps what it can of a page that awsjson rejects. awsjson
// refuses a whole document for one bad value and names the value's path
// (RouteTables[0].Routes[0].DestinationCidrBlock); the pull then decodes
// the page's elements one by one and, from an element that still fails,
// removes the innermost array element on that path — the route, the IP
// range, the ACL entry — and tries again. The page's other elements and
// the element's other parts are kept; each removal is a Note, and a
// resource removed whole is also a gap of its kind. awsjson stays the one
// place that decides what is valid.

// Note is a part of a pulled page that held a value the model refuses and
// was dropped, while the rest of the page was kept.
type Note struct {
	Account string
	Region  string
	Kind    model.Kind
	// Operation is the API call whose answer held the value.
	Operation string
	// Resource is the ID or ARN of the resource the dropped part is or
	// belongs to; empty when the element names none.
	Resource string
	// Part is the path of the dropped part inside Resource, e.g. Routes[0]
	// or IpPermissions[1].IpRanges[0]; empty when the whole resource was
	// dropped.
	Part string
	// Problem is the bad value's path inside the dropped part and what is
	// wrong with it, e.g. `DestinationCidrBlock: invalid CIDR block "local"`.
	Problem string
}

// String renders the note in one line, e.g.
//
//	111122223333/us-east-1 route-table DescribeRouteTables: rtb-0abc Routes[0]: DestinationCidrBlock: invalid CIDR block "local"; dropped Routes[0], kept the rest of rtb-0abc
func (n Note) String() string {
	return fmt.Sprintf("%s %s %s: %s", model.Scope{Account: n.Account, Region: n.Region}, n.Kind, n.Operation, n.detail())
}

// detail is the note without its scope, kind and operation, in one line
// whatever the endpoint put in the resource's ID.
func (n Note) detail() string {
	what := cmp.Or(n.Resource, "a "+string(n.Kind)+" without an ID")
	if n.Part == "" {
		return oneLine(fmt.Sprintf("%s: %s; dropped %s", what, n.Problem, what))
	}
	return oneLine(fmt.Sprintf("%s %s: %s; dropped %s, kept the rest of %s", what, n.Part, n.Problem, n.Part, what))
}

// idFields name, per list the pull hands to awsjson (a top-level key, or
// Instances inside Reservations), the fields that identify an element,
// first choice first: what a Note calls the resource.
var idFields = map[string][]string{
	"Addresses":                        {"AllocationId", "PublicIp"},
	"EgressOnlyInternetGateways":       {"EgressOnlyInternetGatewayId"},
	"FlowLogs":                         {"FlowLogId"},
	"Instances":                        {"InstanceId"},
	"InternetGateways":                 {"InternetGatewayId"},
	"LoadBalancerAttributes":           {"LoadBalancerArn"},
	"LoadBalancerListeners":            {"LoadBalancerArn"},
	"LoadBalancerTargetHealth":         {"TargetGroupArn"},
	"LoadBalancers":                    {"LoadBalancerArn"},
	"ManagedPrefixListEntries":         {"PrefixListId"},
	"ManagedPrefixLists":               {"PrefixListId"},
	"NatGateways":                      {"NatGatewayId"},
	"NetworkAcls":                      {"NetworkAclId"},
	"NetworkInterfaces":                {"NetworkInterfaceId"},
	"PrefixLists":                      {"PrefixListId"},
	"Reservations":                     {"ReservationId"},
	"RouteTables":                      {"RouteTableId"},
	"SecurityGroups":                   {"GroupId"},
	"Subnets":                          {"SubnetId"},
	"TagDescriptions":                  {"ResourceArn"},
	"TargetGroupAttributes":            {"TargetGroupArn"},
	"TargetGroups":                     {"TargetGroupArn"},
	"TransitGatewayAssociations":       {"TransitGatewayRouteTableId"},
	"TransitGatewayAttachments":        {"TransitGatewayAttachmentId"},
	"TransitGatewayPropagations":       {"TransitGatewayRouteTableId"},
	"TransitGatewayRouteTables":        {"TransitGatewayRouteTableId"},
	"TransitGatewayStaticRoutes":       {"TransitGatewayRouteTableId"},
	"TransitGatewayVpcAttachments":     {"TransitGatewayAttachmentId"},
	"TransitGateways":                  {"TransitGatewayId"},
	"VpcEndpoints":                     {"VpcEndpointId"},
	"VpcPeeringConnections":            {"VpcPeeringConnectionId"},
	"Vpcs":                             {"VpcId"},
	"VpnGateways":                      {"VpnGatewayId"},
	"VpnConnections":                   {"VpnConnectionId"},
	"CustomerGateways":                 {"CustomerGatewayId"},
	"ServiceConfigurations":            {"ServiceId"},
	"NetworkFirewalls":                 {"FirewallArn"},
	"NetworkFirewallPolicies":          {"FirewallPolicyArn"},
	"NetworkFirewallRuleGroups":        {"RuleGroupArn"},
	"NetworkFirewallLogging":           {"FirewallArn"},
	"directConnectGateways":            {"DirectConnectGatewayId"},
	"directConnectGatewayAssociations": {"AssociationId"},
	"virtualInterfaces":                {"VirtualInterfaceId"},
	"WebACLs":                          {"ARN", "Name"},
	"WebACLResources":                  {"WebACLArn"},
	"Protections":                      {"Id", "ResourceArn"},
	"SubscriptionState":                {"SubscriptionState"},
}

// salvage adds the elements of a page that awsjson rejected (with err)
// one by one, each without the parts that hold a value the model refuses.
func (p *puller) salvage(u *unit, key string, items any, err error) {
	data, merr := json.Marshal(items)
	var elems []json.RawMessage
	if merr != nil || json.Unmarshal(data, &elems) != nil {
		p.unreadable(u, err)
		return
	}
	for _, raw := range elems {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber() // numbers go back to awsjson as they came
		var elem any
		if err := dec.Decode(&elem); err != nil {
			p.unreadable(u, err)
			continue
		}
		p.salvageElement(u, key, elem)
	}
}

// salvageElement adds one element of a list, dropping the innermost array
// element on the path of each value awsjson refuses until the rest is
// accepted. Every drop removes an element, so the loop ends.
func (p *puller) salvageElement(u *unit, key string, elem any) {
	list := []any{elem}
	for {
		err := p.add(u, key, list)
		if err == nil {
			return
		}
		var de *awsjson.DecodeError
		if !errors.As(err, &de) {
			p.unreadable(u, err)
			return
		}
		path, ok := parsePath(de.Path)
		if !ok || len(path) < 2 || !strings.EqualFold(path[0].name, key) {
			p.unreadable(u, err)
			return
		}
		rest, n, ok := dropAlong(list, key, path[1:])
		if !ok {
			p.unreadable(u, err)
			return
		}
		n.Account, n.Region, n.Kind, n.Operation = u.r.account, u.r.region, u.kind, u.name
		if n.Problem == "" {
			n.Problem = de.Msg
		} else {
			n.Problem += ": " + de.Msg
		}
		p.mu.Lock()
		p.notes = append(p.notes, n)
		p.mu.Unlock()
		if rest == nil {
			return
		}
		list = rest
	}
}

// unreadable records a page or element that could not be salvaged as a
// gap of its kind.
func (p *puller) unreadable(u *unit, err error) {
	p.addGap(model.Gap{Account: u.r.account, Region: u.r.region, Kind: u.kind, Operation: u.name,
		Code: CodeInvalidData, Reason: "dropped from the answer: " + oneLine(err.Error())})
}

// pathStep is one step of a JSON path: a member name, or an array index
// (name empty).
type pathStep struct {
	name  string
	index int
}

// parsePath splits a path such as RouteTables[0].Routes[1].GatewayId
// into its steps.
func parsePath(s string) ([]pathStep, bool) {
	var out []pathStep
	for s != "" {
		switch {
		case s[0] == '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return nil, false
			}
			i, err := strconv.Atoi(s[1:end])
			if err != nil || i < 0 {
				return nil, false
			}
			out = append(out, pathStep{index: i})
			s = s[end+1:]
		case s[0] == '.':
			s = s[1:]
		default:
			end := strings.IndexAny(s, ".[")
			if end < 0 {
				end = len(s)
			}
			out = append(out, pathStep{name: s[:end]})
			s = s[end:]
		}
	}
	return out, len(out) > 0
}

// renderPath joins steps back into a path.
func renderPath(steps []pathStep) string {
	var b strings.Builder
	for _, st := range steps {
		if st.name == "" {
			b.WriteString("[" + strconv.Itoa(st.index) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(st.name)
	}
	return b.String()
}

// dropAlong removes from list (the elements of key) the innermost array
// element on path, which starts with an index into list. It returns the
// list without it — nil when that element was the list's own, so nothing
// is left — and a Note naming the dropped part (Resource, Part, and in
// Problem the bad value's path inside the part). ok is false when path
// does not lead through list.
func dropAlong(list []any, key string, path []pathStep) (rest []any, n Note, ok bool) {
	// slot is where a value sits: a member of an object, or an element.
	type slot struct {
		obj  map[string]any
		name string
		arr  []any
		i    int
	}
	var (
		cur       any = list
		at        slot
		last      = -1 // the innermost index step
		lastSlot  slot // where the array of that step sits
		lastArr   []any
		arrayName = key // the member that holds the current array
		owner     = -1  // the innermost identified element, up to last
	)
	for i, st := range path {
		if st.name == "" {
			arr, isArr := cur.([]any)
			if !isArr || st.index >= len(arr) {
				return nil, Note{}, false
			}
			last, lastSlot, lastArr = i, at, arr
			cur, at = arr[st.index], slot{arr: arr, i: st.index}
			if id := elementID(cur, arrayName); id != "" {
				owner, n.Resource = i, id
			}
			continue
		}
		obj, isObj := cur.(map[string]any)
		if !isObj {
			return nil, Note{}, false
		}
		name, found := member(obj, st.name)
		if !found {
			return nil, Note{}, false
		}
		cur, at, arrayName = obj[name], slot{obj: obj, name: name}, name
	}
	if last < 0 {
		return nil, Note{}, false
	}
	n.Part = renderPath(path[max(owner, 0)+1 : last+1])
	n.Problem = renderPath(path[last+1:])
	if last == 0 {
		return nil, n, true
	}
	pruned := slices.Delete(slices.Clone(lastArr), path[last].index, path[last].index+1)
	switch {
	case lastSlot.obj != nil:
		lastSlot.obj[lastSlot.name] = pruned
	case lastSlot.arr != nil:
		lastSlot.arr[lastSlot.i] = pruned
	}
	return list, n, true
}

// member returns the key of obj that matches name, exactly or, as
// encoding/json matches, case-insensitively.
func member(obj map[string]any, name string) (string, bool) {
	if _, ok := obj[name]; ok {
		return name, true
	}
	for k := range obj {
		if strings.EqualFold(k, name) {
			return k, true
		}
	}
	return "", false
}

// elementID returns the ID of v, an element of the list named list, or "".
func elementID(v any, list string) string {
	obj, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	for _, f := range idFields[list] {
		if k, ok := member(obj, f); ok {
			if s, ok := obj[k].(string); ok && s != "" {
				return s
			}
		}
	}
	return ""
}

// droppedResourceGaps records the resources dropped whole as a gap of
// their kind per scope and operation: answers that need a missing resource
// say why it is missing, in the snapshot file too.
func (p *puller) droppedResourceGaps() {
	type key struct {
		account, region string
		kind            model.Kind
		op              string
	}
	first := make(map[key]Note)
	count := make(map[key]int)
	var order []key
	for _, n := range p.sortedNotes() {
		if n.Part != "" {
			continue
		}
		k := key{n.Account, n.Region, n.Kind, n.Operation}
		if count[k] == 0 {
			first[k] = n
			order = append(order, k)
		}
		count[k]++
	}
	for _, k := range order {
		reason := first[k].detail()
		if more := count[k] - 1; more > 0 {
			reason += fmt.Sprintf(" and %d more with values the model refuses", more)
		}
		p.addGap(model.Gap{Account: k.account, Region: k.region, Kind: k.kind, Operation: k.op,
			Code: CodeInvalidData, Reason: reason})
	}
}

// sortedNotes returns the notes in a stable order.
func (p *puller) sortedNotes() []Note {
	p.mu.Lock()
	defer p.mu.Unlock()
	notes := slices.Clone(p.notes)
	slices.SortStableFunc(notes, func(a, b Note) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region), cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.Operation, b.Operation), cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.Part, b.Part))
	})
	return notes
}
