package flowexplain

import (
	"net/netip"

	"github.com/vpcscope/vpcscope/model/flowlog"
)

// flowKey identifies a flow: one interface, one 5-tuple as recorded (with
// the packet-level addresses), one direction, one action.
type flowKey struct {
	eni            string
	src, dst       netip.Addr
	pktSrc, pktDst netip.Addr
	srcPort        uint16
	dstPort        uint16
	proto          int16
	dir            flowlog.Direction
	action         flowlog.Action
}

// addrKey is an address without pointers: the map of flows then holds
// none, and the garbage collector does not scan it.
type addrKey struct {
	a [16]byte
	v uint8 // 0 none, 4 or 6
}

func keyOfAddr(a netip.Addr) addrKey {
	switch {
	case !a.IsValid():
		return addrKey{}
	case a.Is4():
		return addrKey{a.As16(), 4}
	}
	return addrKey{a.As16(), 6}
}

// packedKey is flowKey as the collector's map holds it.
type packedKey struct {
	src, dst, pktSrc, pktDst addrKey
	eni                      int32
	srcPort, dstPort         uint16
	proto                    int16
	dir, action              uint8
}

// tally is what the records of one flow add up to.
type tally struct {
	records, packets, bytes int64
	first, last             int64
	// flags is the OR of the records' TCP flags (-1: none recorded).
	flags int16
}

// Collector groups records into flows as they stream by: memory grows
// with the distinct flows, not the records. It is not safe for concurrent
// use.
type Collector struct {
	enis    map[string]int32
	index   map[packedKey]int32
	keys    []flowKey
	tallies []tally
}

// NewCollector returns an empty Collector.
func NewCollector() *Collector {
	return &Collector{enis: make(map[string]int32), index: make(map[packedKey]int32)}
}

func (c *Collector) pack(k *flowKey, add bool) (packedKey, bool) {
	id, ok := c.enis[k.eni]
	if !ok {
		if !add {
			return packedKey{}, false
		}
		id = int32(len(c.enis))
		c.enis[k.eni] = id
	}
	return packedKey{src: keyOfAddr(k.src), dst: keyOfAddr(k.dst), pktSrc: keyOfAddr(k.pktSrc), pktDst: keyOfAddr(k.pktDst),
		eni: id, srcPort: k.srcPort, dstPort: k.dstPort, proto: k.proto, dir: uint8(k.dir), action: uint8(k.action)}, true
}

// Add counts one record with data into its flow. Records without data
// (NODATA, SKIPDATA) are the reader's to count and are ignored here.
func (c *Collector) Add(r *flowlog.Record) error {
	if r.LogStatus != flowlog.StatusOK {
		return nil
	}
	k := flowKey{eni: r.InterfaceID, src: r.SrcAddr, dst: r.DstAddr, pktSrc: r.PktSrcAddr, pktDst: r.PktDstAddr,
		srcPort: r.SrcPort, dstPort: r.DstPort, proto: r.Protocol, dir: r.FlowDirection, action: r.Action}
	pk, _ := c.pack(&k, true)
	i, ok := c.index[pk]
	if !ok {
		i = int32(len(c.keys))
		c.index[pk] = i
		c.keys = append(c.keys, k)
		c.tallies = append(c.tallies, tally{first: r.Start, last: r.End, flags: -1})
	}
	t := &c.tallies[i]
	t.records++
	t.packets += r.Packets
	t.bytes += r.Bytes
	if r.Start != 0 && (t.first == 0 || r.Start < t.first) {
		t.first = r.Start
	}
	if r.End > t.last {
		t.last = r.End
	}
	if r.TCPFlags >= 0 {
		t.flags = max(t.flags, 0) | r.TCPFlags
	}
	return nil
}

// lookup returns the tally of a flow, or nil.
func (c *Collector) lookup(k flowKey) *tally {
	pk, ok := c.pack(&k, false)
	if !ok {
		return nil
	}
	if i, ok := c.index[pk]; ok {
		return &c.tallies[i]
	}
	return nil
}

// Flows returns the number of distinct flows so far.
func (c *Collector) Flows() int { return len(c.keys) }
