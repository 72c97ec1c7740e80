package model

import (
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Key is what makes two records the same resource (see Identity): a
// comparable value, to key maps by without building a string.
type Key struct {
	Kind Kind
	ID   string
	// Gateway is a transit gateway attachment's gateway, else "".
	Gateway string
}

// Identity returns what makes two records the same resource: its kind and
// ID and, for a transit gateway attachment, its gateway (the two ends of a
// peering attachment share one ID).
func Identity(r Resource) Key {
	k := Key{Kind: r.Kind(), ID: r.Base().ID}
	if a, ok := r.(*TGWAttachment); ok {
		k.Gateway = a.TransitGatewayID
	}
	return k
}

// Conflict is two records of one resource that cannot both be right: the
// same ID with different content.
type Conflict struct {
	Kind Kind
	ID   string
	// Field is the first value the records disagree on, as a JSON path of
	// the snapshot format (cidr, routes[2].natGatewayId, region, ...);
	// Held and Other render it in each record.
	Field, Held, Other string
}

// Error renders "subnet subnet-1: cidr is 10.0.1.0/24 in one and
// 10.9.1.0/24 in the other".
func (c *Conflict) Error() string {
	return fmt.Sprintf("%s %s: %s is %s in one and %s in the other", c.Kind, c.ID, c.Field, c.Held, c.Other)
}

// Combine merges other, a second record of the resource held describes
// (one with the same Identity), into held. Records that can both be right
// combine:
//   - identical records;
//   - records that differ only in tags, which each account keeps for itself
//     (a shared subnet seen by its owner and by a participant): held gets
//     the tags it lacks, and keeps its own value for a tag both have;
//   - the two views of a two-sided resource, which combine into one
//     carrying both sides. A VPC peering connection seen from the
//     requester's and the accepter's account or region: each side as its
//     own account describes it, filled in from the other view, with the
//     requester's account and region. A transit gateway attachment seen
//     from the gateway's and the resource's account, or described by the
//     generic, VPC and peering attachment outputs, each of which tells part
//     of it: a value one record lacks is taken from the other;
//   - a subnet shared through AWS RAM, seen by its owner and by
//     participants (Subnet.Participants): the participants are united,
//     and since each account names the zones its own way, the zone names
//     may differ where the zone IDs agree; the owner's name and tags win;
//   - a prefix list seen from several accounts (AWS-managed, or shared):
//     the union of their entries;
//   - a NAT gateway, virtual private gateway or transit gateway route
//     table described from two accounts: AWS's output does not name their
//     owner, so the account recorded is the describing one and may differ.
//
// Anything else that differs is a *Conflict naming the first difference;
// held is then unchanged.
func Combine(held, other Resource) error {
	if held.Kind() != other.Kind() || Identity(held) != Identity(other) {
		return fmt.Errorf("combine %s %s with %s %s: not the same resource", held.Kind(), held.Base().ID, other.Kind(), other.Base().ID)
	}
	if reflect.DeepEqual(held, other) {
		return nil
	}
	switch h := held.(type) {
	case *VPCPeering:
		return combinePeering(h, other.(*VPCPeering))
	case *TGWAttachment:
		return combineAttachment(h, other.(*TGWAttachment))
	case *PrefixList:
		return combinePrefixList(h, other.(*PrefixList))
	}
	hm, om := held.Base(), other.Base()
	if hm.Region != om.Region {
		return conflict(held, "region", hm.Region, om.Region)
	}
	if hm.Account != om.Account && !describerAccount(held.Kind()) {
		return conflict(held, "account", hm.Account, om.Account)
	}
	if hs, ok := held.(*Subnet); ok {
		return combineSubnet(hs, other.(*Subnet))
	}
	if path, a, b := firstDifference(withoutMeta(held), withoutMeta(other)); path != "" {
		return conflict(held, path, a, b)
	}
	hm.Tags = unionTags(hm.Tags, om.Tags)
	return nil
}

// combineSubnet merges two records of one subnet of one owner: equal
// but for their tags and, when a participant's view is one of them, the
// zone name each account gives the subnet.
func combineSubnet(h, o *Subnet) error {
	c := *o
	shared := h.Shared() || o.Shared()
	if shared {
		if h.AvailabilityZoneID != "" && o.AvailabilityZoneID != "" && h.AvailabilityZoneID != o.AvailabilityZoneID {
			return conflict(h, "availabilityZoneId", h.AvailabilityZoneID, o.AvailabilityZoneID)
		}
		c.AvailabilityZone, c.AvailabilityZoneID, c.Participants = h.AvailabilityZone, h.AvailabilityZoneID, h.Participants
	}
	if path, a, b := firstDifference(withoutMeta(h), withoutMeta(&c)); path != "" {
		return conflict(h, path, a, b)
	}
	if !shared {
		h.Tags = unionTags(h.Tags, o.Tags)
		return nil
	}
	if !o.Shared() {
		// The owner's view: its zone name and tags are the subnet's.
		h.AvailabilityZone = o.AvailabilityZone
		h.Tags = unionTags(o.Tags, h.Tags)
	} else {
		h.Tags = unionTags(h.Tags, o.Tags)
	}
	fillString(&h.AvailabilityZoneID, o.AvailabilityZoneID)
	for _, p := range o.Participants {
		if _, ok := h.ParticipantZone(p.Account); !ok {
			h.Participants = append(slices.Clip(h.Participants), p)
		}
	}
	return nil
}

// describerAccount reports whether a kind's account is the one that
// described it rather than its owner: AWS's describe output of these kinds
// names no owner.
func describerAccount(k Kind) bool {
	return k == KindNATGateway || k == KindVPNGateway || k == KindTGWRouteTable
}

func conflict(r Resource, field, held, other string) *Conflict {
	return &Conflict{Kind: r.Kind(), ID: r.Base().ID, Field: field, Held: render(held), Other: render(other)}
}

// unionTags returns a's tags with the ones only b has added; a is copied
// when it changes, since records may share their tag maps.
func unionTags(a, b Tags) Tags {
	var out Tags
	for k, v := range b {
		if _, ok := a[k]; ok {
			continue
		}
		if out == nil {
			out = make(Tags, len(a)+len(b))
			for k, v := range a {
				out[k] = v
			}
		}
		out[k] = v
	}
	if out == nil {
		return a
	}
	return out
}

// combinePeering merges two views of a peering connection.
func combinePeering(h, o *VPCPeering) error {
	if h.Status != o.Status {
		return conflict(h, "status", h.Status, o.Status)
	}
	req, err := combineSide(h, "requester", h.Requester, o.Requester)
	if err != nil {
		return err
	}
	acc, err := combineSide(h, "accepter", h.Accepter, o.Accepter)
	if err != nil {
		return err
	}
	// The requester's view wins where both sides are told: it is the
	// connection's owner.
	if requesterView(o) && !requesterView(h) {
		h.Account, h.Region = o.Account, o.Region
		h.Tags = unionTags(o.Tags, h.Tags)
	} else {
		h.Tags = unionTags(h.Tags, o.Tags)
	}
	h.Requester, h.Accepter = req, acc
	return nil
}

func requesterView(p *VPCPeering) bool {
	return p.Account == p.Requester.OwnerID && p.Region == p.Requester.Region
}

// combineSide merges two views of one side of a peering connection: the
// VPC, its owner and region must agree where both views name them, and
// the CIDR blocks are the union of both.
func combineSide(p *VPCPeering, name string, a, b PeeringSide) (PeeringSide, error) {
	for _, f := range []struct {
		field string
		x, y  *string
	}{{"vpcId", &a.VPCID, &b.VPCID}, {"ownerId", &a.OwnerID, &b.OwnerID}, {"region", &a.Region, &b.Region}} {
		switch {
		case *f.x == "":
			*f.x = *f.y
		case *f.y != "" && *f.x != *f.y:
			return a, conflict(p, name+"."+f.field, *f.x, *f.y)
		}
	}
	a.CIDRs = unionPrefixes(a.CIDRs, b.CIDRs)
	a.IPv6CIDRs = unionPrefixes(a.IPv6CIDRs, b.IPv6CIDRs)
	return a, nil
}

func unionPrefixes(a, b []netip.Prefix) []netip.Prefix {
	out := slices.Clone(a)
	for _, p := range b {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// combineAttachment merges records of one end of a transit gateway
// attachment: each value one lacks is taken from the other, and values
// both give must agree (the flags are set when either record sets them).
func combineAttachment(h, o *TGWAttachment) error {
	c := *h
	for _, f := range []struct {
		field string
		x, y  *string
	}{
		{"region", &c.Region, &o.Region},
		{"transitGatewayOwnerId", &c.TransitGatewayOwnerID, &o.TransitGatewayOwnerID},
		{"resourceType", &c.ResourceType, &o.ResourceType},
		{"resourceId", &c.ResourceID, &o.ResourceID},
		{"resourceOwnerId", &c.ResourceOwnerID, &o.ResourceOwnerID},
		{"state", &c.State, &o.State},
	} {
		switch {
		case *f.x == "":
			*f.x = *f.y
		case *f.y != "" && *f.x != *f.y:
			return conflict(h, f.field, *f.x, *f.y)
		}
	}
	// The account is the describing one when the output names no owner
	// (the VPC attachment output): keep the first one known.
	if c.Account == "" {
		c.Account = o.Account
	}
	switch {
	case c.Association == nil:
		c.Association = o.Association
	case o.Association != nil && *c.Association != *o.Association:
		return conflict(h, "association.routeTableId", c.Association.RouteTableID+" "+c.Association.State,
			o.Association.RouteTableID+" "+o.Association.State)
	}
	switch {
	case c.SubnetIDs == nil:
		c.SubnetIDs = o.SubnetIDs
	case o.SubnetIDs != nil && !slices.Equal(c.SubnetIDs, o.SubnetIDs):
		return conflict(h, "subnetIds", strings.Join(c.SubnetIDs, ","), strings.Join(o.SubnetIDs, ","))
	}
	c.ApplianceModeSupport = c.ApplianceModeSupport || o.ApplianceModeSupport
	c.SecurityGroupReferencingSupport = c.SecurityGroupReferencingSupport || o.SecurityGroupReferencingSupport
	c.Tags = unionTags(c.Tags, o.Tags)
	*h = c
	return nil
}

// combinePrefixList merges two records of a prefix list: their entries
// are united; a customer-managed list must be in one account and region.
func combinePrefixList(h, o *PrefixList) error {
	if !h.AWSManaged && !o.AWSManaged {
		if h.Region != o.Region {
			return conflict(h, "region", h.Region, o.Region)
		}
		if h.Account != o.Account {
			return conflict(h, "account", h.Account, o.Account)
		}
	}
	h.Tags = unionTags(h.Tags, o.Tags)
	fillString(&h.Name, o.Name)
	fillString(&h.AddressFamily, o.AddressFamily)
	fillString(&h.State, o.State)
	if h.MaxEntries == 0 {
		h.MaxEntries = o.MaxEntries
	}
	h.AWSManaged = h.AWSManaged || o.AWSManaged
	h.AddEntries(o.Entries)
	return nil
}

func fillString(dst *string, src string) {
	if *dst == "" {
		*dst = src
	}
}

// AddEntries adds the entries whose CIDR the list lacks, and the
// description of an entry it holds without one.
func (pl *PrefixList) AddEntries(es []PrefixListEntry) {
	for _, e := range es {
		i := slices.IndexFunc(pl.Entries, func(x PrefixListEntry) bool { return x.CIDR == e.CIDR })
		switch {
		case i < 0:
			pl.Entries = append(pl.Entries, e)
		case pl.Entries[i].Description == "":
			pl.Entries[i].Description = e.Description
		}
	}
}

// withoutMeta returns a copy of the resource's struct with Meta zeroed.
func withoutMeta(r Resource) reflect.Value {
	v := reflect.ValueOf(r).Elem()
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	c.FieldByName("Meta").SetZero()
	return c
}

// leafTypes are the struct types compared and rendered whole.
var leafTypes = map[reflect.Type]bool{
	reflect.TypeFor[netip.Addr]():   true,
	reflect.TypeFor[netip.Prefix](): true,
	reflect.TypeFor[time.Time]():    true,
}

// firstDifference returns the JSON path of the first value a and b differ
// on, with the two values rendered; path is "" when they are equal.
func firstDifference(a, b reflect.Value) (path, av, bv string) {
	var walk func(path string, a, b reflect.Value) bool
	walk = func(p string, a, b reflect.Value) bool {
		if reflect.DeepEqual(a.Interface(), b.Interface()) {
			return false
		}
		switch {
		case a.Kind() == reflect.Pointer:
			elem := a.Type().Elem()
			if (a.IsNil() || b.IsNil()) && (elem.Kind() != reflect.Struct || leafTypes[elem]) {
				path, av, bv = p, describe(a), describe(b)
				return true
			}
			// An absent struct compares as its zero value, field by field.
			deref := func(v reflect.Value) reflect.Value {
				if v.IsNil() {
					return reflect.Zero(elem)
				}
				return v.Elem()
			}
			return walk(p, deref(a), deref(b))
		case a.Kind() == reflect.Struct && !leafTypes[a.Type()]:
			t := a.Type()
			for i := range t.NumField() {
				f := t.Field(i)
				if !f.IsExported() {
					continue
				}
				name := jsonName(f)
				if f.Anonymous {
					name = ""
				}
				if walk(join(p, name), a.Field(i), b.Field(i)) {
					return true
				}
			}
		case a.Kind() == reflect.Slice:
			if a.Len() != b.Len() {
				path, av, bv = p, strconv.Itoa(a.Len())+" entries", strconv.Itoa(b.Len())+" entries"
				return true
			}
			for i := range a.Len() {
				if walk(p+"["+strconv.Itoa(i)+"]", a.Index(i), b.Index(i)) {
					return true
				}
			}
		case a.Kind() == reflect.Map:
			keys := map[string]bool{}
			for _, m := range []reflect.Value{a, b} {
				for _, k := range m.MapKeys() {
					keys[k.String()] = true
				}
			}
			sorted := make([]string, 0, len(keys))
			for k := range keys {
				sorted = append(sorted, k)
			}
			sort.Strings(sorted)
			for _, k := range sorted {
				x, y := a.MapIndex(reflect.ValueOf(k)), b.MapIndex(reflect.ValueOf(k))
				if !x.IsValid() || !y.IsValid() || !reflect.DeepEqual(x.Interface(), y.Interface()) {
					path, av, bv = p+"."+k, describe(x), describe(y)
					return true
				}
			}
		default:
			path, av, bv = p, describe(a), describe(b)
			return true
		}
		path, av, bv = p, describe(a), describe(b)
		return true
	}
	walk("", a, b)
	return path, av, bv
}

func join(path, name string) string {
	switch {
	case name == "":
		return path
	case path == "":
		return name
	}
	return path + "." + name
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" || name == "-" {
		return f.Name
	}
	return name
}

// describe renders a value for a conflict message.
func describe(v reflect.Value) string {
	if !v.IsValid() || (v.Kind() == reflect.Pointer && v.IsNil()) {
		return "absent"
	}
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() == reflect.String {
		return v.String()
	}
	return fmt.Sprint(v.Interface())
}

// render quotes the empty string and shortens long values.
func render(s string) string {
	const most = 60
	switch {
	case s == "":
		return `""`
	case utf8.RuneCountInString(s) > most:
		r := []rune(s)
		return string(r[:most]) + "…"
	}
	return s
}
