// Package world is the network the explorer shows: the loaded snapshot
// and everything derived from it that the views share. The engine and
// index are built before the first frame; the relation graph, the
// exposure report and the audit findings are slow on a big account and
// arrive later (nil until then).
package world

import (
	"fmt"
	"strings"
	"time"

	"github.com/vpcscope/vpcscope/internal/termsafe"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/present"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/audit"
)

// World is the loaded network.
type World struct {
	Snap   *model.Snapshot
	Ix     *model.Index
	Eng    *reach.Engine
	Counts map[model.Kind]int
	// Graph, Exposure and Findings arrive in the background.
	Graph    *model.Graph
	Exposure *reach.ExposureReport
	Findings []Finding
	// Audit is the audit report the findings come from, with their
	// evidence (nil until it arrives, or when the audit failed).
	Audit *audit.Report
	// OnPrem are the on-premises networks declared on the engine.
	OnPrem []reach.OnPremNetwork
}

// New indexes a snapshot and builds its engine. Counts are per ID: a
// resource seen from two accounts counts once.
func New(s *model.Snapshot) *World {
	eng := reach.New(s)
	w := &World{Snap: s, Ix: eng.Index(), Eng: eng, Counts: make(map[model.Kind]int)}
	for r := range s.All() {
		// only a resource two accounts describe repeats its ID; the index
		// reports other repeats as problems, and they count
		if k := r.Kind(); k == model.KindTGWAttachment || k == model.KindVPCPeering {
			if rs := w.Ix.ResourcesByID(r.Base().ID); len(rs) > 1 && rs[0] != r {
				continue
			}
		}
		w.Counts[r.Kind()]++
	}
	return w
}

// Safe makes a value from a snapshot, or text built from such values, safe
// for the terminal (termsafe.String).
func Safe(s string) string { return termsafe.String(s) }

// Get returns the resource with the ID, or nil.
func (w *World) Get(id string) model.Resource {
	if r, ok := w.Ix.Resource(id); ok {
		return r
	}
	return nil
}

// Label renders "name (id)" for an ID, or the ID alone, made safe.
func (w *World) Label(id string) string {
	if r := w.Get(id); r != nil {
		return Safe(r.Base().Label())
	}
	return Safe(id)
}

// Name returns a resource's Name tag, or "", made safe.
func (w *World) Name(id string) string {
	if r := w.Get(id); r != nil {
		return Safe(r.Base().Name())
	}
	return ""
}

// Short renders the friendliest single name of a resource, made safe
// (present.Name).
func Short(r model.Resource) string { return Safe(present.Name(r)) }

// ShortID is Short for an ID; the ID itself, made safe, when the snapshot
// does not hold it.
func (w *World) ShortID(id string) string {
	if r := w.Get(id); r != nil {
		return Short(r)
	}
	return Safe(id)
}

// Containers gives the VPC and subnet of a resource, for breadcrumbs and
// the tree (present.Containers).
func (w *World) Containers(r model.Resource) (vpc, subnet string) { return present.Containers(r) }

// IsPublic reports whether a subnet routes to an internet gateway.
func (w *World) IsPublic(sn *model.Subnet) bool { return present.IsPublic(w.Ix, sn) }

// Presenter presents the snapshot's resources with the rules of src (the
// what-if overlay) and the relation graph when it has arrived.
func (w *World) Presenter(src present.RuleSource) *present.Presenter {
	return present.New(w.Ix, w.Graph, src)
}

// Age renders how old the snapshot is, "" when it has no time.
func (w *World) Age(now time.Time) string {
	if w.Snap.TakenAt.IsZero() {
		return ""
	}
	return humanAge(now.Sub(w.Snap.TakenAt)) + " old"
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

// Regions lists the snapshot's regions, sorted.
func (w *World) Regions() []string { return present.Regions(w.Snap) }

// Accounts lists the snapshot's accounts, sorted.
func (w *World) Accounts() []string { return present.Accounts(w.Snap) }

// Endpoint is one thing a trace can start or end at.
type Endpoint struct {
	// Spec is what the engine is given; Label what a picker shows and
	// matches (made safe).
	Spec, Label string
	// Gone is set for an instance that no longer runs (terminated or
	// shutting down): it is listed last.
	Gone bool
}

// Endpoints lists what can be traced: the internet, instances,
// interfaces (by ID and by each address) and load balancers, each with its
// account, region and VPC. Build once per world: on a big account it is
// tens of thousands of rows.
func (w *World) Endpoints() []Endpoint {
	out := append([]Endpoint{{Spec: "internet", Label: "internet  (any public address)"}}, w.onPremEndpoints()...)
	many := len(w.Accounts()) > 1 || len(w.Regions()) > 1
	where := func(r model.Resource) string {
		m := r.Base()
		vpc, _ := present.Containers(r)
		parts := []string{}
		if vpc != "" {
			parts = append(parts, w.ShortID(vpc))
		}
		if many || m.Account != "" {
			parts = append(parts, strings.Trim(m.Account+"/"+m.Region, "/"))
		}
		return strings.Join(parts, "  ")
	}
	var gone []Endpoint
	for _, in := range w.Snap.Instances {
		e := Endpoint{Spec: in.ID, Label: Safe(fmt.Sprintf("%s  %s  %s  instance  %s", Short(in), in.ID, present.Summary(in), where(in)))}
		if in.State == "terminated" || in.State == "shutting-down" {
			e.Gone = true
			gone = append(gone, e)
			continue
		}
		out = append(out, e)
	}
	for _, lb := range w.Snap.LoadBalancers {
		out = append(out, Endpoint{Spec: lb.ID, Label: Safe(fmt.Sprintf("%s  %s load balancer  %s", lb.LoadBalancerName, lb.Scheme, where(lb)))})
	}
	for _, n := range w.Snap.NetworkInterfaces {
		var addrs []string
		for _, ip := range n.PrivateIPs {
			addrs = append(addrs, ip.Address.String())
			if ip.PublicIP.IsValid() {
				addrs = append(addrs, ip.PublicIP.String())
			}
		}
		desc := n.InterfaceType
		if id := n.InstanceID(); id != "" {
			desc = "on " + w.ShortID(id)
		} else if n.Description != "" {
			desc = n.Description
		}
		out = append(out, Endpoint{Spec: n.ID, Label: Safe(fmt.Sprintf("%s  %s  %s  %s", n.ID, strings.Join(addrs, " "), desc, where(n)))})
	}
	return append(out, gone...)
}

// ShortLabel names a trace endpoint for the form: a resource's short name
// with its ID, else what was typed.
func (w *World) ShortLabel(spec string) string {
	if r := w.Get(spec); r != nil {
		if n := Short(r); n != spec {
			return n + " (" + Safe(spec) + ")"
		}
	}
	return Safe(spec)
}

// CrumbName is the shortest readable name of a spec, for breadcrumbs.
func (w *World) CrumbName(spec string) string {
	if spec == "" {
		return ""
	}
	return w.ShortID(spec)
}

// VPCGateways are the gateways and gateway endpoints attached to a VPC.
func (w *World) VPCGateways(vpcID string) []model.Resource {
	var out []model.Resource
	for _, g := range w.Snap.InternetGateways {
		if g.AttachedTo(vpcID) {
			out = append(out, g)
		}
	}
	for _, g := range w.Snap.EgressOnlyInternetGateways {
		if g.AttachedTo(vpcID) {
			out = append(out, g)
		}
	}
	for _, g := range w.Snap.VPNGateways {
		for _, a := range g.Attachments {
			if a.VPCID == vpcID && a.Attached() {
				out = append(out, g)
				break
			}
		}
	}
	for _, e := range w.Snap.VPCEndpoints {
		if e.VPCID == vpcID && len(e.SubnetIDs) == 0 {
			out = append(out, e)
		}
	}
	return out
}

// Finding is one audit finding, as the overview lists it.
type Finding struct {
	ID, Text string
	Severity audit.Severity
}

// FindFindings audits the network against the CIS and Security Hub
// network controls (package audit), reusing the exposure report: the
// report, and its findings as the overview lists them. It is slow on a big
// account: run it in a tea.Cmd.
func FindFindings(eng *reach.Engine, exposure *reach.ExposureReport) (*audit.Report, []Finding) {
	rep, err := audit.Run(eng, exposure)
	if err != nil {
		return nil, []Finding{{Text: Safe(err.Error()), Severity: audit.High}}
	}
	out := make([]Finding, 0, len(rep.Findings))
	for _, f := range rep.Findings {
		out = append(out, Finding{ID: f.Resource, Severity: f.Severity,
			Text: Safe(fmt.Sprintf("%-6s %s  %s", f.Severity, strings.Join(f.Controls, ","), f.Message))})
	}
	return rep, out
}

// ExposureFor returns the exposure entries of a resource (an interface,
// its instance, or a load balancer).
func (w *World) ExposureFor(id string) []reach.Exposed {
	if w.Exposure == nil {
		return nil
	}
	var out []reach.Exposed
	for _, e := range w.Exposure.Exposed {
		if e.ID == id || e.Instance == id {
			out = append(out, e)
		}
	}
	return out
}

// JoinN joins the first n strings and counts the rest: "a, b +3".
func JoinN(xs []string, n int) string {
	if len(xs) <= n {
		return strings.Join(xs, ", ")
	}
	return strings.Join(xs[:n], ", ") + fmt.Sprintf(" +%d", len(xs)-n)
}
