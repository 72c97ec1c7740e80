package reach

import (
	"cmp"
	"slices"

	"github.com/vpcscope/vpcscope/model"
)

// This file gives the inbound admissions of a receiving subnet as a whole
// (the union over its classes), computed per security group rather than
// per mix of groups: a group's rules only allow, and an interface's
// groups admit what any of them admits, so what a mix admits is, as a set
// of packets, the union of what its groups admit alone (the evaluation
// carves each group's matches out of what is left, a partition of that
// union). The large account has some 19,600 mixes of 5,000 groups.

// groupInKey names one group's admissions: for an interface of vpc, one
// IP version, packets that came by via (crossing{} for a group whose
// rules match alike however they came) and forwarded or not, or (any)
// that came whichever way, not forwarded.
type groupInKey struct {
	id, vpc  string
	fam      int
	any, fwd bool
	via      crossing
}

// groupIngress returns the packets of the probe, from every address of
// the IP version, that one security group admits on an interface of vpc,
// as evalSecurityGroupsVia evaluates it: packets that came within the VPC
// (via crossing{}), or any: whichever way (via nil, ingressAny), not
// forwarded. A group missing from the snapshot admits nothing.
func (r *probeRel) groupIngress(id, vpc string, fam int, any bool) packet {
	return r.groupIngressVia(groupInKey{id: id, vpc: vpc, fam: fam, any: any})
}

// groupIngressVia is groupIngress for the packets the key names.
func (r *probeRel) groupIngressVia(key groupInKey) packet {
	if key.via != (crossing{}) && (key.any || !r.cs.e.groupDependsOnVia(key.id, key.vpc)) {
		key.via = crossing{}
	}
	return memo(&r.mu, r.groupIn, key, func() packet {
		e := r.cs.e
		p := queryPacket(r.q, e.allAddrs[key.fam], anyAddr(key.fam))
		p.forwarded = key.fwd
		n := &model.NetworkInterface{VPCID: key.vpc, SecurityGroupIDs: []string{key.id}}
		var via *crossing
		if !key.any {
			v := key.via
			via = &v
		}
		return e.evalSecurityGroupsVia(n, false, p, via, false).admitted.pkt
	})
}

// subnetIngress returns packets whose union is what some of the classes
// admit (ingress with crossing{}, not forwarded; any: ingressAny): the
// admissions of their groups, each once, and every packet for a class
// without groups. Only projections of the union may be read from it (as
// senderUnits.column does), not its spans.
func (r *probeRel) subnetIngress(fam int, sels []*classSel, any bool) []packet {
	ids, open := subnetGroups(sels)
	return r.groupsIngress(fam, ids, open, any)
}

// subnetGroups returns the security groups of the classes (with their
// VPC), sorted, each once; open when a class has none (it admits
// everything). subnetIngress depends on nothing else of them.
func subnetGroups(sels []*classSel) (ids []groupInKey, open bool) {
	for _, d := range sels {
		rep := d.cls.rep
		if len(rep.SecurityGroupIDs) == 0 {
			return nil, true
		}
		for _, id := range rep.SecurityGroupIDs {
			ids = append(ids, groupInKey{id: id, vpc: rep.VPCID})
		}
	}
	slices.SortFunc(ids, func(a, b groupInKey) int { return cmp.Or(cmp.Compare(a.id, b.id), cmp.Compare(a.vpc, b.vpc)) })
	return slices.Compact(ids), false
}

// groupsIngress is subnetIngress of classes with the groups subnetGroups
// returned.
func (r *probeRel) groupsIngress(fam int, ids []groupInKey, open, any bool) []packet {
	if open {
		return []packet{queryPacket(r.q, r.cs.e.allAddrs[fam], anyAddr(fam))}
	}
	out := make([]packet, len(ids))
	for i, k := range ids {
		out[i] = r.groupIngress(k.id, k.vpc, fam, any)
	}
	return out
}

// mixIngress is ingress (a class's admissions of packets that came by
// via, forwarded or not) assembled from its groups' admissions: the same
// set of packets in other spans. Only projections of it may be read (the
// cells of a matrix), not its spans (links are made of them).
func (r *probeRel) mixIngress(c *ifaceClass, fam int, via crossing, fwd bool) packet {
	c = r.cs.sgCanonical(c)
	key := inKey{cls: c, fam: fam, fwd: fwd}
	if r.cs.dependsOnVia(c) {
		key.via = via
	}
	return memo(&r.mu, r.mixIn, key, func() packet {
		p := queryPacket(r.q, r.cs.e.allAddrs[fam], anyAddr(fam))
		p.forwarded = fwd
		if ids := c.rep.SecurityGroupIDs; len(ids) > 0 {
			var spans []span
			for _, id := range ids {
				spans = append(spans, r.groupIngressVia(groupInKey{id: id, vpc: c.rep.VPCID, fam: fam, fwd: fwd, via: via}).spans...)
			}
			p = p.with(spans)
		}
		return p
	})
}
