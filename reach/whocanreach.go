package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcscope/vpcscope/model"
	"go4.org/netipx"
)

// maxExactSources bounds the admitted interfaces that each get their own
// walk in WhoCanReach.
const maxExactSources = 5000

// WhoQuery asks which sources can reach a destination on a protocol/port.
type WhoQuery struct {
	To       string
	Protocol model.Protocol
	Port     int
	ICMP     *model.ICMPTypeCode
}

// Source is one sender that the destination's filters admit.
type Source struct {
	// Kind is network-interface, internet or addresses (a range with no
	// interface in the snapshot: on-premises, another account, ...).
	Kind       string   `json:"kind"`
	ID         string   `json:"id,omitempty"`
	Name       string   `json:"name,omitempty"`
	Instance   string   `json:"instance,omitempty"`
	Subnet     string   `json:"subnet,omitempty"`
	IPs        []string `json:"ips"`
	Groups     []string `json:"securityGroups,omitempty"`
	AdmittedBy string   `json:"admittedBy"`
	// Verdict is reachable, unreachable (the path fails elsewhere; see
	// Blocked) or unknown (the path cannot be checked from the snapshot).
	Verdict string `json:"verdict"`
	Blocked *Block `json:"blocked,omitempty"`
}

// WhoAnswer lists the sources that can reach a destination.
type WhoAnswer struct {
	To          string   `json:"to"`
	Destination Endpoint `json:"destination"`
	Protocol    string   `json:"protocol"`
	Port        *int     `json:"port,omitempty"`
	// Admitted summarises the source addresses the destination's security
	// groups and network ACL let in, before any path is checked.
	Admitted []string `json:"admitted"`
	// Sources can reach the destination; Blocked are admitted by its
	// filters but fail elsewhere on the way.
	Sources []Source `json:"sources"`
	Blocked []Source `json:"blocked"`
	// Groups summarise the sources admitted by security group references:
	// per referenced group, how many of its members get through.
	Groups  []GroupSources `json:"groups"`
	Caveats []string       `json:"caveats"`
}

// GroupSources counts the members of a referenced security group that can
// reach the destination.
type GroupSources struct {
	GroupID string `json:"groupId"`
	Name    string `json:"name,omitempty"`
	// Rule is the destination's rule that references the group.
	Rule      string `json:"rule"`
	Reachable int    `json:"reachable"`
	Blocked   int    `json:"blocked"`
}

// WhoCanReach answers the inverse question: every source — interfaces in
// the snapshot, the internet, other address ranges — that can reach the
// destination on the protocol/port. It works on address sets: the
// destination's security group rules and network ACL give the set of
// admitted sources; only the interfaces inside it are walked, each with a
// full two-way walk (beyond maxExactSources, one walk per subnet and
// security group set stands for its members, which share every filter
// and route on the way).
func (e *Engine) WhoCanReach(wq WhoQuery) (*WhoAnswer, error) {
	q := Query{From: "internet", To: wq.To, Protocol: wq.Protocol, Port: wq.Port, ICMP: wq.ICMP}
	if err := validate(&q); err != nil {
		return nil, err
	}
	dst, err := e.resolve(wq.To, false)
	if err != nil {
		return nil, err
	}
	if dst.internet || len(dst.enis) == 0 {
		return nil, inputErr("who-can-reach needs an instance, interface or load balancer, not %s", wq.To)
	}
	n := dst.enis[0]
	dp := point{ep: endpointFor(dst, n, n.PrimaryIP()), eni: n, addr: n.PrimaryIP(), lb: dst.lb, instanceDown: down(dst.instance)}
	ans := &WhoAnswer{To: wq.To, Destination: dp.ep, Protocol: wq.Protocol.String(),
		Admitted: []string{}, Sources: []Source{}, Blocked: []Source{}, Groups: []GroupSources{}, Caveats: []string{}}
	if wq.Protocol.HasPorts() {
		p := wq.Port
		ans.Port = &p
	}
	if len(dst.enis) > 1 {
		ans.Caveats = append(ans.Caveats, fmt.Sprintf("%s has %d interfaces; answered for %s", wq.To, len(dst.enis), n.ID))
	}
	probe := firstPacket(q, n.PrimaryIP(), n.PrimaryIP())
	adms, admitted := e.admittedSources(n, &probe)
	ans.Admitted = e.summarize(admitted, 24)

	// Interfaces in the admitted set, grouped into classes that behave alike.
	type class struct {
		members []*model.NetworkInterface
	}
	classes := map[string]*class{}
	var order []string
	var known netipx.IPSetBuilder
	for _, src := range e.snap.NetworkInterfaces {
		if src == n {
			continue
		}
		addr := src.PrimaryIP()
		if !addr.IsValid() || !admitted.Contains(addr) {
			continue
		}
		if e.natByENI[src.ID] != nil || e.lbByENI[src.ID] != nil || src.InterfaceType == "transit_gateway" {
			continue // managed interfaces do not start connections
		}
		known.Add(addr)
		key := src.SubnetID + "|" + strings.Join(sortedCopy(src.SecurityGroupIDs), ",") + "|" + down(e.ix.Instance(src.InstanceID()))
		c := classes[key]
		if c == nil {
			c = &class{}
			classes[key] = c
			order = append(order, key)
		}
		c.members = append(c.members, src)
	}
	// Every admitted interface gets its own two-way walk, unless there are
	// so many that one walk per class (same subnet, same groups: the same
	// filters and routes on the way) must stand for its members.
	admittedENIs := 0
	for _, c := range classes {
		admittedENIs += len(c.members)
	}
	exact := admittedENIs <= maxExactSources
	if !exact {
		ans.Caveats = append(ans.Caveats, fmt.Sprintf("more than %d admitted interfaces: one walk per subnet and security group set stands for its members", maxExactSources))
	}
	for _, key := range order {
		c := classes[key]
		var a *Answer
		for _, m := range c.members {
			if a == nil || exact {
				sp := point{ep: Endpoint{Kind: "network-interface", ID: m.ID, Interface: m.ID, IP: m.PrimaryIP().String()},
					eni: m, addr: m.PrimaryIP(), instanceDown: down(e.ix.Instance(m.InstanceID()))}
				if sameInstance(sp, dp) {
					continue
				}
				a = e.traceFlow(QueryEcho{}, sp, dp, firstPacket(q, sp.addr, dp.addr))
			}
			src := Source{Kind: "network-interface", ID: m.ID, Instance: m.InstanceID(), Subnet: m.SubnetID,
				IPs: []string{m.PrimaryIP().String()}, Groups: m.SecurityGroupIDs, AdmittedBy: admittedBy(adms, m.PrimaryIP()),
				Verdict: a.Verdict, Blocked: a.Blocked}
			if in := e.ix.Instance(m.InstanceID()); in != nil {
				src.Name = in.Name()
			} else {
				src.Name = m.Name()
			}
			if a.Reachable {
				ans.Sources = append(ans.Sources, src)
			} else {
				ans.Blocked = append(ans.Blocked, src)
			}
		}
	}

	ans.Groups = e.groupSources(adms, ans)

	// The internet, through the destination's public address.
	inet := intersect(admitted, e.internet)
	if pubs := n.PublicIPs(); len(pubs) > 0 && len(inet.Ranges()) > 0 {
		rep, _ := firstAddr(inet, defaultInternetHost)
		sp := point{ep: Endpoint{Kind: "internet", IP: rep.String()}, addr: rep, internet: true}
		pd := dp
		pd.addr = pubs[0]
		a := e.traceFlow(QueryEcho{}, sp, pd, firstPacket(q, rep, pubs[0]))
		src := Source{Kind: "internet", IPs: e.summarize(inet, 24), AdmittedBy: admittedBy(adms, rep), Verdict: a.Verdict, Blocked: a.Blocked}
		if a.Reachable {
			ans.Sources = append(ans.Sources, src)
		} else {
			ans.Blocked = append(ans.Blocked, src)
		}
	}

	// Admitted addresses that no interface in the snapshot holds and that
	// are not on the internet: other accounts, on-premises, unused space.
	var rest netipx.IPSetBuilder
	rest.AddSet(admitted)
	ks, _ := known.IPSet()
	rest.RemoveSet(ks)
	rest.RemoveSet(e.internet)
	if rs, _ := rest.IPSet(); len(rs.Ranges()) > 0 {
		ans.Sources = append(ans.Sources, Source{Kind: "addresses", IPs: e.summarize(rs, 24), AdmittedBy: "see admitted",
			Verdict: VerdictUnknown})
		ans.Caveats = append(ans.Caveats, "some admitted addresses belong to no interface in the snapshot (other accounts, on-premises, or unused): their path is not checked")
	}
	return ans, nil
}

// groupSources tallies, for each rule that references a security group,
// the members among the sources and the blocked.
func (e *Engine) groupSources(adms []admission, ans *WhoAnswer) []GroupSources {
	out := []GroupSources{}
	for _, a := range adms {
		if a.rule == nil || a.rule.Group == nil {
			continue
		}
		gs := GroupSources{GroupID: a.rule.Group.GroupID, Rule: a.group.ID + " " + sgRuleText(false, a.group, a.rule)}
		if sg := e.ix.SecurityGroup(gs.GroupID); sg != nil {
			gs.Name = sg.Name()
		}
		for _, list := range []struct {
			srcs []Source
			n    *int
		}{{ans.Sources, &gs.Reachable}, {ans.Blocked, &gs.Blocked}} {
			for _, s := range list.srcs {
				if slices.Contains(s.Groups, gs.GroupID) {
					*list.n++
				}
			}
		}
		out = append(out, gs)
	}
	return out
}

// admittedBy names the first rule whose set holds addr.
func admittedBy(adms []admission, addr netip.Addr) string {
	for _, a := range adms {
		if a.rule == nil {
			return "no security group"
		}
		if a.set.Contains(addr) {
			return a.group.ID + " " + sgRuleText(false, a.group, a.rule)
		}
	}
	return ""
}

func sortedCopy(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}
