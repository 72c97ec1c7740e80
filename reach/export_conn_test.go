package reach

import (
	"fmt"
	"slices"
)

// GroupAdmissionMismatches compares, for every probe and IP version, the
// inbound admissions assembled from security groups — a receiving
// subnet's (subnetIngress) and a class's (mixIngress, every way packets
// cross, forwarded or not) — with those of the classes' mixes (ingress,
// ingressAny): per class as sets of packets, and per subnet as the ports
// the column gives every sending subnet, against the ports of the mixes'
// spans whose sources hold one of the subnet's senders. It returns the
// disagreements and how many classes and columns it compared.
func GroupAdmissionMismatches(e *Engine, all Group) ([]string, int, error) {
	cs, err := e.newConnSet(nil, all, all, 1)
	if err != nil {
		return nil, 0, err
	}
	var bad []string
	n := 0
	// every way packets cross into a VPC: within it, by each peering, by
	// each pair of attachments of a transit gateway (peered or not)
	vias := []crossing{{}}
	for _, pcx := range e.snap.VPCPeerings {
		vias = append(vias, crossing{pcx: pcx})
	}
	for _, tgw := range e.snap.TransitGateways {
		for _, a := range e.snap.TGWAttachments {
			for _, b := range e.snap.TGWAttachments {
				if a.TransitGatewayID == tgw.ID {
					vias = append(vias, crossing{tgw: tgw, in: a, out: b}, crossing{tgw: tgw, in: a, out: b, peered: true})
				}
			}
		}
	}
	for _, p := range e.DefaultProbes() {
		pr := cs.newProbeRel(p)
		for fam := range 2 {
			if !p.Protocol.Carries(fam == 0) {
				continue
			}
			u := cs.senderUnits(fam)
			bySubnet := map[string][]*classSel{}
			for _, d := range cs.sortedRecvers {
				bySubnet[d.ends[0].n.SubnetID] = append(bySubnet[d.ends[0].n.SubnetID], d)
			}
			for _, any := range []bool{false, true} {
				mix := func(d *classSel) packet {
					if any {
						return pr.ingressAny(d.cls, fam)
					}
					return pr.ingress(d.cls, fam, crossing{}, false)
				}
				for _, d := range cs.sortedRecvers {
					n++
					want := mix(d)
					got := want.with(nil)
					for _, g := range pr.subnetIngress(fam, []*classSel{d}, any) {
						got = got.union(g)
					}
					if _, out := want.cutBy(got); !out.empty() {
						bad = append(bad, fmt.Sprintf("%s %s fam %d any %v: the mix admits %s, its groups not", p, d.cls.id, fam, any, out))
					}
					if _, out := got.cutBy(want); !out.empty() {
						bad = append(bad, fmt.Sprintf("%s %s fam %d any %v: the groups admit %s, the mix not", p, d.cls.id, fam, any, out))
					}
				}
				if !any {
					for _, d := range cs.sortedRecvers {
						for _, via := range vias {
							for _, fwd := range []bool{false, true} {
								n++
								want, got := pr.ingress(d.cls, fam, via, fwd), pr.mixIngress(d.cls, fam, via, fwd)
								_, out1 := want.cutBy(got)
								_, out2 := got.cutBy(want)
								if !out1.empty() || !out2.empty() {
									bad = append(bad, fmt.Sprintf("%s %s fam %d via %v fwd %v: the mix alone admits %s, its groups alone %s", p, d.cls.id, fam, via, fwd, out1, out2))
								}
							}
						}
					}
				}
				subnets := make([]string, 0, len(bySubnet))
				for sn := range bySubnet {
					subnets = append(subnets, sn)
				}
				slices.Sort(subnets)
				for _, sn := range subnets {
					sels := bySubnet[sn]
					col := u.column(pr.subnetIngress(fam, sels, any))
					for ui := range u.subnet {
						n++
						var want portSet
						for _, d := range sels {
							for _, sp := range mix(d).spans {
								if sp.src.overlaps(u.addrSet[ui]) {
									want = want.union(packetPorts(mix(d).with([]span{sp})))
								}
							}
						}
						if got := u.at(col, ui); !got.equal(want) {
							bad = append(bad, fmt.Sprintf("%s fam %d any %v: column of %s at %s: %v, the mixes %v", p, fam, any, sn, u.subnet[ui], got, want))
						}
					}
				}
			}
		}
	}
	return bad, n, nil
}
