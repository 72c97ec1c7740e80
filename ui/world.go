package ui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

// world is the loaded network and everything derived from it that the
// views share. The engine and index are built before the first frame; the
// relation graph, exposure and findings are slow on a big account and
// arrive later (nil until then).
type world struct {
	snap   *model.Snapshot
	ix     *model.Index
	eng    *reach.Engine
	graph  *model.Graph
	counts map[model.Kind]int
	byKind map[model.Kind][]model.Resource

	exposure *reach.ExposureReport
	findings []finding
}

func newWorld(s *model.Snapshot) *world {
	eng := reach.New(s)
	w := &world{snap: s, ix: eng.Index(), eng: eng, byKind: make(map[model.Kind][]model.Resource)}
	w.counts = make(map[model.Kind]int)
	for r := range s.All() {
		w.byKind[r.Kind()] = append(w.byKind[r.Kind()], r)
		w.counts[r.Kind()]++
	}
	return w
}

// get returns the resource with the ID, or nil.
func (w *world) get(id string) model.Resource {
	if rs := w.ix.Find(id); len(rs) > 0 && rs[0].Base().ID == id {
		return rs[0]
	}
	return nil
}

// label renders "name (id)" for an ID, or the ID alone, made safe.
func (w *world) label(id string) string {
	if r := w.get(id); r != nil {
		return safe(r.Base().Label())
	}
	return safe(id)
}

// name returns a resource's Name tag, or "", made safe.
func (w *world) name(id string) string {
	if r := w.get(id); r != nil {
		return safe(r.Base().Name())
	}
	return ""
}

// short renders the friendliest single name of a resource, made safe: its
// Name tag, else the load balancer or group name, else the ID.
func short(r model.Resource) string { return safe(shortName(r)) }

func shortName(r model.Resource) string {
	if n := r.Base().Name(); n != "" {
		return n
	}
	switch v := r.(type) {
	case *model.LoadBalancer:
		return v.LoadBalancerName
	case *model.TargetGroup:
		return v.TargetGroupName
	case *model.SecurityGroup:
		if v.GroupName != "" {
			return v.GroupName
		}
	case *model.PrefixList:
		if v.Name != "" {
			return v.Name
		}
	}
	return r.Base().ID
}

// vpcOf and subnetOf give the containers of a resource, for breadcrumbs.
func (w *world) containers(r model.Resource) (vpc, subnet string) {
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
	}
	return "", ""
}

// isPublic reports whether a subnet routes 0.0.0.0/0 (or ::/0) to an
// internet gateway.
func (w *world) isPublic(sn *model.Subnet) bool {
	rt, _ := w.ix.SubnetRouteTable(sn.ID)
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

// age renders how old the snapshot is, "" when it has no time.
func (w *world) age(now time.Time) string {
	if w.snap.TakenAt.IsZero() {
		return ""
	}
	return humanAge(now.Sub(w.snap.TakenAt)) + " old"
}

func humanAge(d time.Duration) string {
	switch {
	case d < 0:
		return "from the future"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// regions lists the snapshot's regions, sorted.
func (w *world) regions() []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range w.snap.Scopes {
		if !seen[s.Region] {
			seen[s.Region] = true
			out = append(out, s.Region)
		}
	}
	sort.Strings(out)
	return out
}

// candidate is one thing a trace endpoint can be.
type candidate struct {
	spec  string // what the engine is given
	label string // what the picker shows and matches
}

// endpoints lists what can be traced: the internet, instances, interfaces
// (by ID and by each address), load balancers. Built once per world.
func (w *world) endpoints() []candidate {
	out := []candidate{{spec: "internet", label: "internet  (any public address)"}}
	for _, in := range w.snap.Instances {
		ips := in.PrivateIP.String()
		if in.PublicIP.IsValid() {
			ips += " " + in.PublicIP.String()
		}
		out = append(out, candidate{spec: in.ID, label: safe(fmt.Sprintf("%s  %s  %s  instance", short(in), in.ID, ips))})
	}
	for _, lb := range w.snap.LoadBalancers {
		out = append(out, candidate{spec: lb.ID, label: safe(fmt.Sprintf("%s  %s load balancer", lb.LoadBalancerName, lb.Scheme))})
	}
	for _, n := range w.snap.NetworkInterfaces {
		var addrs []string
		for _, ip := range n.PrivateIPs {
			addrs = append(addrs, ip.Address.String())
			if ip.PublicIP.IsValid() {
				addrs = append(addrs, ip.PublicIP.String())
			}
		}
		desc := n.InterfaceType
		if id := n.InstanceID(); id != "" {
			desc = "on " + w.shortID(id)
		} else if n.Description != "" {
			desc = n.Description
		}
		out = append(out, candidate{spec: n.ID, label: safe(fmt.Sprintf("%s  %s  %s", n.ID, strings.Join(addrs, " "), desc))})
	}
	return out
}

func (w *world) shortID(id string) string {
	if r := w.get(id); r != nil {
		return short(r)
	}
	return safe(id)
}

// shortLabel names a trace endpoint for the form: a resource's short
// name, else what was typed.
func (w *world) shortLabel(spec string) string {
	if r := w.get(spec); r != nil {
		if n := short(r); n != spec {
			return n + " (" + safe(spec) + ")"
		}
	}
	return safe(spec)
}

// crumbName is the shortest readable name of a spec, for breadcrumbs.
func (w *world) crumbName(spec string) string {
	if spec == "" {
		return ""
	}
	if r := w.get(spec); r != nil {
		return short(r)
	}
	return safe(spec)
}
