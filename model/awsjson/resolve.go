package awsjson

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
)

// dedupe puts every document's resources into one set.
func dedupe(batches []*batch, rep *Report) *resourceSet {
	set := newResourceSet()
	for _, b := range batches {
		for _, r := range b.resources {
			set.put(r, b.file, rep)
		}
	}
	// Interfaces from describe-instances stand in for the ones no
	// NetworkInterfaces document describes.
	for _, b := range batches {
		for _, eni := range b.instanceENIs {
			if !set.has(eni) {
				set.put(eni, b.file, rep)
			}
		}
	}
	return set
}

// byID indexes the resources of type T in the set by ID.
func byID[T model.Resource](set *resourceSet) map[string]T {
	out := make(map[string]T)
	for _, r := range set.byKey {
		if v, ok := r.(T); ok {
			out[r.Base().ID] = v
		}
	}
	return out
}

// sortedByID returns the values of m ordered by ID.
func sortedByID[T model.Resource](m map[string]T) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b T) int { return cmp.Compare(a.Base().ID, b.Base().ID) })
	return out
}

// warnFunc records a warning in the report.
type warnFunc func(format string, args ...any)

// parent returns the resource m holds for id, the parent a grouping in file
// names, and warns when no source document describes it.
func parent[T any](warn warnFunc, m map[string]T, id, file, grouping, source string) (T, bool) {
	v, ok := m[id]
	if !ok {
		warn("%s: %s names %s, which no %s document describes", file, grouping, id, source)
	}
	return v, ok
}

// resolve applies the links between documents to the resources in set.
func resolve(set *resourceSet, batches []*batch, rep *Report) {
	warn := func(format string, args ...any) {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf(format, args...))
	}
	resolveAddresses(set, batches, warn)
	resolveTransit(set, batches, warn)
	resolvePrefixLists(set, batches, warn)
	resolveLoadBalancers(set, batches, warn)
	resolveFirewallLogging(set, batches, warn)
	resolveSharedZones(set)
}

// resolveFirewallLogging gives firewalls their logging configuration.
func resolveFirewallLogging(set *resourceSet, batches []*batch, warn warnFunc) {
	fws := byID[*model.NetworkFirewall](set)
	for _, b := range batches {
		for _, l := range b.fwLogging {
			fw, ok := parent(warn, fws, l.ARN, b.file, "NetworkFirewallLogging", "NetworkFirewalls")
			if !ok {
				continue
			}
			fw.LoggingListed = true
			for _, d := range l.Destinations {
				if !slices.ContainsFunc(fw.Logging, func(x model.FirewallLogDestination) bool {
					return x.LogType == d.LogType && x.DestinationType == d.DestinationType
				}) {
					fw.Logging = append(fw.Logging, d)
				}
			}
		}
	}
}

// resolveSharedZones renames the zones of a participant's resources in a
// shared subnet (interfaces, instances, load balancer nodes) to the
// subnet's zone name: AWS names zones for each account independently
// (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing-share-subnet-working-with.html,
// "Map subnets across Availability Zones"), and a snapshot speaks of each
// zone by one name, the subnet owner's when the owner's view was read.
func resolveSharedZones(set *resourceSet) {
	subnets := byID[*model.Subnet](set)
	rename := func(account, subnetID string, zone *string) {
		sn := subnets[subnetID]
		if sn == nil || !sn.Shared() || *zone == sn.AvailabilityZone {
			return
		}
		if name, ok := sn.ParticipantZone(account); ok && name == *zone {
			*zone = sn.AvailabilityZone
		}
	}
	for _, r := range set.byKey {
		switch v := r.(type) {
		case *model.NetworkInterface:
			rename(v.Account, v.SubnetID, &v.AvailabilityZone)
		case *model.Instance:
			rename(v.Account, v.SubnetID, &v.AvailabilityZone)
		case *model.LoadBalancer:
			for i := range v.AvailabilityZones {
				rename(v.Account, v.AvailabilityZones[i].SubnetID, &v.AvailabilityZones[i].ZoneName)
			}
		}
	}
}

// resolveAddresses gives network interfaces (and instances) the public
// addresses that describe-addresses knows and the interface output lacks.
func resolveAddresses(set *resourceSet, batches []*batch, warn warnFunc) {
	enis := byID[*model.NetworkInterface](set)
	instances := byID[*model.Instance](set)
	byInstance := make(map[string][]*model.NetworkInterface)
	for _, n := range sortedByID(enis) {
		if id := n.InstanceID(); id != "" {
			byInstance[id] = append(byInstance[id], n)
		}
	}
	for _, b := range batches {
		for _, a := range b.addresses {
			eni := enis[a.NetworkInterfaceID]
			if eni == nil && a.NetworkInterfaceID == "" {
				for _, n := range byInstance[a.InstanceID] {
					if n.HasAddress(a.PrivateIP) {
						eni = n
						break
					}
				}
			}
			if eni == nil {
				warn("%s: address %s is associated with %s, which no document describes",
					b.file, a.PublicIP, cmp.Or(a.NetworkInterfaceID, a.InstanceID))
				continue
			}
			priv := a.PrivateIP
			if !priv.IsValid() {
				priv = eni.PrimaryIP()
			}
			for i := range eni.PrivateIPs {
				ip := &eni.PrivateIPs[i]
				if ip.Address != priv {
					continue
				}
				switch {
				case !ip.PublicIP.IsValid():
					ip.PublicIP = a.PublicIP
				case ip.PublicIP != a.PublicIP:
					warn("%s: address %s is associated with %s %s, which shows %s",
						b.file, a.PublicIP, eni.ID, priv, ip.PublicIP)
				}
			}
			if inst := instances[eni.InstanceID()]; inst != nil && inst.PrivateIP == priv && !inst.PublicIP.IsValid() {
				inst.PublicIP = a.PublicIP
			}
		}
	}
}

// resolveTransit fills transit gateway route tables with their routes,
// propagations and associations, and attachments with their association.
func resolveTransit(set *resourceSet, batches []*batch, warn warnFunc) {
	tgws := byID[*model.TransitGateway](set)
	tables := byID[*model.TGWRouteTable](set)
	var attachments []*model.TGWAttachment
	for _, r := range set.byKey {
		if a, ok := r.(*model.TGWAttachment); ok {
			attachments = append(attachments, a)
		}
	}
	slices.SortFunc(attachments, func(a, b *model.TGWAttachment) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.TransitGatewayID, b.TransitGatewayID))
	})

	// Routes already in each table, by routeKey, so a route described
	// twice (a static search and a search for all routes) is kept once.
	haveRoute := make(map[string]bool)
	for _, b := range batches {
		for _, rs := range b.tgwRoutes {
			rt, ok := parent(warn, tables, rs.RouteTableID, b.file, "TransitGatewayStaticRoutes", "TransitGatewayRouteTables")
			if !ok {
				continue
			}
			if rs.Truncated {
				warn("%s: routes of %s are truncated (AdditionalRoutesAvailable): some are missing", b.file, rs.RouteTableID)
			}
			for _, r := range rs.Routes {
				if k := rt.ID + "\x00" + routeKey(r); !haveRoute[k] {
					haveRoute[k] = true
					rt.Routes = append(rt.Routes, r)
				}
			}
		}
		for _, ls := range b.tgwPropagations {
			rt, ok := parent(warn, tables, ls.RouteTableID, b.file, "TransitGatewayPropagations", "TransitGatewayRouteTables")
			if !ok {
				continue
			}
			rt.Propagations = addLinks(rt.Propagations, ls.Links)
		}
		for _, ls := range b.tgwAssociations {
			rt, ok := parent(warn, tables, ls.RouteTableID, b.file, "TransitGatewayAssociations", "TransitGatewayRouteTables")
			if !ok {
				continue
			}
			rt.Associations = addLinks(rt.Associations, ls.Links)
		}
	}
	// An attachment's own association and its table's list of
	// associations say the same thing; each fills in the other.
	for _, a := range attachments {
		if tgw := tgws[a.TransitGatewayID]; tgw != nil {
			fill(&a.Account, tgw.Account)
			fill(&a.TransitGatewayOwnerID, tgw.Account)
		}
		if a.Association != nil {
			rt := tables[a.Association.RouteTableID]
			if rt == nil {
				continue
			}
			rt.Associations = addLinks(rt.Associations, []model.TGWRouteTableLink{{
				AttachmentID: a.ID, ResourceID: a.ResourceID, ResourceType: a.ResourceType, State: a.Association.State,
			}})
		}
	}
	for _, rt := range sortedByID(tables) {
		if tgw := tgws[rt.TransitGatewayID]; tgw != nil {
			fill(&rt.Account, tgw.Account)
		}
		for _, l := range rt.Associations {
			for _, a := range attachments {
				if a.ID == l.AttachmentID && a.TransitGatewayID == rt.TransitGatewayID && a.Association == nil {
					a.Association = &model.TGWAssociation{RouteTableID: rt.ID, State: l.State}
				}
			}
		}
		slices.SortFunc(rt.Associations, compareLinks)
		slices.SortFunc(rt.Propagations, compareLinks)
	}
}

// routeKey renders everything that tells one transit gateway route from another.
func routeKey(r model.TGWRoute) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%s|%s", r.Destination, r.PrefixListID, r.Type, r.State)
	for _, a := range r.Attachments {
		fmt.Fprintf(&b, "|%s,%s,%s", a.AttachmentID, a.ResourceID, a.ResourceType)
	}
	return b.String()
}

// addLinks adds the links whose attachment is not listed yet.
func addLinks(have, more []model.TGWRouteTableLink) []model.TGWRouteTableLink {
	for _, l := range more {
		if !slices.ContainsFunc(have, func(x model.TGWRouteTableLink) bool { return x.AttachmentID == l.AttachmentID }) {
			have = append(have, l)
		}
	}
	return have
}

func compareLinks(a, b model.TGWRouteTableLink) int {
	return cmp.Compare(a.AttachmentID, b.AttachmentID)
}

// resolvePrefixLists fills managed prefix lists with their entries.
func resolvePrefixLists(set *resourceSet, batches []*batch, warn warnFunc) {
	lists := byID[*model.PrefixList](set)
	seen := make(map[string]bool)
	for _, b := range batches {
		for _, es := range b.plEntries {
			pl, ok := parent(warn, lists, es.PrefixListID, b.file, "ManagedPrefixListEntries", "ManagedPrefixLists or PrefixLists")
			if !ok {
				continue
			}
			pl.AddEntries(es.Entries)
			seen[pl.ID] = true
		}
	}
	for _, pl := range sortedByID(lists) {
		if pl.Entries == nil {
			pl.Entries = []model.PrefixListEntry{}
			if !seen[pl.ID] {
				warn("prefix list %s has no entries: add a ManagedPrefixListEntries grouping for it", pl.ID)
			}
		}
	}
}

// resolveLoadBalancers fills load balancers with listeners, attributes and
// node addresses, and target groups with targets and attributes.
func resolveLoadBalancers(set *resourceSet, batches []*batch, warn warnFunc) {
	lbs := byID[*model.LoadBalancer](set)
	tgs := byID[*model.TargetGroup](set)
	for _, b := range batches {
		for _, l := range b.listeners {
			lb, ok := parent(warn, lbs, l.LoadBalancerARN, b.file, "listener "+l.Listener.ARN, "LoadBalancers")
			if !ok {
				continue
			}
			if !slices.ContainsFunc(lb.Listeners, func(x model.Listener) bool { return sameListener(x, l.Listener) }) {
				lb.Listeners = append(lb.Listeners, l.Listener)
			}
		}
		for _, th := range b.targetHealth {
			tg, ok := parent(warn, tgs, th.TargetGroupARN, b.file, "LoadBalancerTargetHealth", "TargetGroups")
			if !ok {
				continue
			}
			if tg.Targets == nil {
				tg.Targets = []model.Target{}
			}
			for _, t := range th.Targets {
				if !slices.ContainsFunc(tg.Targets, func(x model.Target) bool { return x.ID == t.ID && x.Port == t.Port }) {
					tg.Targets = append(tg.Targets, t)
				}
			}
		}
		for _, a := range b.lbAttributes {
			if lb, ok := parent(warn, lbs, a.ARN, b.file, "LoadBalancerAttributes", "LoadBalancers"); ok {
				setAttrs(&lb.Attributes, a.Values)
			}
		}
		for _, a := range b.tgAttributes {
			if tg, ok := parent(warn, tgs, a.ARN, b.file, "TargetGroupAttributes", "TargetGroups"); ok {
				setAttrs(&tg.Attributes, a.Values)
			}
		}
		for _, t := range b.elbTags {
			// describe-tags also tags listeners and rules, which the
			// model does not keep.
			switch {
			case lbs[t.ARN] != nil:
				lbs[t.ARN].Tags = mergeTags(lbs[t.ARN].Tags, t.Tags)
			case tgs[t.ARN] != nil:
				tgs[t.ARN].Tags = mergeTags(tgs[t.ARN].Tags, t.Tags)
			case strings.Contains(t.ARN, ":loadbalancer/") || strings.Contains(t.ARN, ":targetgroup/"):
				warn("%s: TagDescriptions names %s, which no LoadBalancers or TargetGroups document describes", b.file, t.ARN)
			}
		}
	}
	for _, lb := range sortedByID(lbs) {
		slices.SortFunc(lb.Listeners, func(a, b model.Listener) int {
			return cmp.Or(cmp.Compare(a.Port, b.Port), cmp.Compare(a.Protocol, b.Protocol), cmp.Compare(a.ARN, b.ARN))
		})
		// A target group serves the load balancers whose listeners forward to it.
		for _, l := range lb.Listeners {
			for _, act := range l.DefaultActions {
				for _, arn := range act.TargetGroupARNs {
					if tg := tgs[arn]; tg != nil && !slices.Contains(tg.LoadBalancerARNs, lb.ID) {
						tg.LoadBalancerARNs = append(tg.LoadBalancerARNs, lb.ID)
					}
				}
			}
		}
	}
	resolveLBNodes(lbs, byID[*model.NetworkInterface](set))
}

func sameListener(a, b model.Listener) bool {
	if a.ARN != "" || b.ARN != "" {
		return a.ARN == b.ARN
	}
	return a.Port == b.Port && a.Protocol == b.Protocol
}

// resolveLBNodes gives each load balancer zone the private (and public)
// addresses of the load balancer's interfaces in that zone's subnet. The
// interfaces are recognised by their description, "ELB " followed by the
// part of the load balancer's ARN after "loadbalancer/".
func resolveLBNodes(lbs map[string]*model.LoadBalancer, enis map[string]*model.NetworkInterface) {
	bySuffix := make(map[string]*model.LoadBalancer, len(lbs))
	for arn, lb := range lbs {
		if _, suffix, ok := strings.Cut(arn, ":loadbalancer/"); ok {
			bySuffix[suffix] = lb
		}
	}
	for _, n := range sortedByID(enis) {
		suffix, ok := strings.CutPrefix(n.Description, "ELB ")
		lb := bySuffix[suffix]
		if !ok || lb == nil {
			continue
		}
		priv := n.PrimaryIP()
		if !priv.IsValid() {
			continue
		}
		pub, _ := n.PublicIPFor(priv)
		for i := range lb.AvailabilityZones {
			z := &lb.AvailabilityZones[i]
			if z.SubnetID != n.SubnetID {
				continue
			}
			addNodeAddress(z, priv, pub)
		}
	}
}

// addNodeAddress records a node's private address (and public one) in a
// zone: on the address entry that has its public address or no private
// address yet, else as a new entry.
func addNodeAddress(z *model.LBZone, priv, pub netip.Addr) {
	for i := range z.Addresses {
		a := &z.Addresses[i]
		if a.PrivateIPv4Address == priv {
			return
		}
	}
	for i := range z.Addresses {
		a := &z.Addresses[i]
		if !a.PrivateIPv4Address.IsValid() && (!a.IPAddress.IsValid() || a.IPAddress == pub) {
			a.PrivateIPv4Address = priv
			fill(&a.IPAddress, pub)
			return
		}
	}
	z.Addresses = append(z.Addresses, model.LBAddress{PrivateIPv4Address: priv, IPAddress: pub})
}

// mergeTags returns have with more's tags added (more wins on a key both
// hold); have is copied, not changed, since clones share it.
func mergeTags(have, more model.Tags) model.Tags {
	if len(more) == 0 {
		return have
	}
	out := make(model.Tags, len(have)+len(more))
	for k, v := range have {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}
