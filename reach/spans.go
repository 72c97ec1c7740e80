package reach

// cut splits span s by the product set r (source addresses × source ports
// × destination addresses × destination ports; ports are ignored for
// protocols without them): the part of s inside r, whether there is one,
// and the parts outside it appended to rest.
func (s span) cut(r span, ports bool, rest []span) (in span, ok bool, _ []span) {
	srcIn, srcOut := s.src.split(r.src)
	if srcIn.empty() {
		return span{}, false, append(rest, s)
	}
	dstIn, dstOut := s.dst.split(r.dst)
	if dstIn.empty() {
		return span{}, false, append(rest, s)
	}
	var spIn, spOut, dpIn, dpOut portSet
	if ports {
		spIn, spOut = s.srcPorts.intersect(r.srcPorts), s.srcPorts.minus(r.srcPorts)
		dpIn, dpOut = s.dstPorts.intersect(r.dstPorts), s.dstPorts.minus(r.dstPorts)
		if spIn.empty() || dpIn.empty() {
			return span{}, false, append(rest, s)
		}
	}
	add := func(x span) {
		if !x.empty(ports) {
			rest = append(rest, x)
		}
	}
	o := s
	o.src = srcOut
	add(o)
	o = s
	o.src, o.dst = srcIn, dstOut
	add(o)
	in = span{src: srcIn, dst: dstIn, srcPorts: s.srcPorts, dstPorts: s.dstPorts}
	if ports {
		o = in
		o.srcPorts = spOut
		add(o)
		o = in
		o.srcPorts, o.dstPorts = spIn, dpOut
		add(o)
		in.srcPorts, in.dstPorts = spIn, dpIn
	}
	return in, true, rest
}

// cut splits packets by a product set: inside it and outside it.
func (p packet) cut(r span) (in, out packet) {
	ports := p.proto.HasPorts()
	var hits, rest []span
	for _, s := range p.spans {
		var hit span
		var ok bool
		hit, ok, rest = s.cut(r, ports, rest)
		if ok {
			hits = append(hits, hit)
		}
	}
	return p.with(hits), p.with(rest)
}

// cutBy splits packets by another set of packets (of the same protocol):
// the packets in both, and the rest of p.
func (p packet) cutBy(q packet) (in, out packet) {
	rest := p
	var hits []span
	for _, r := range q.spans {
		if rest.empty() {
			break
		}
		i, o := rest.cut(r)
		hits = append(hits, i.spans...)
		rest = o
	}
	return p.with(hits), rest
}
