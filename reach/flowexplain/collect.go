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

// tally is what the records of one flow add up to.
type tally struct {
	records, packets, bytes int64
	first, last             int64
	// flags is the OR of the records' TCP flags (-1: none recorded).
	flags int16
	// vpc and subnet are the IDs records carried, for interfaces the
	// snapshot lacks.
	vpc, subnet string
}

// Collector groups records into flows as they stream by: memory grows
// with the distinct flows, not the records. It is not safe for concurrent
// use.
type Collector struct {
	flows map[flowKey]*tally
	order []flowKey
}

// NewCollector returns an empty Collector.
func NewCollector() *Collector { return &Collector{flows: make(map[flowKey]*tally)} }

// Add counts one record with data into its flow. Records without data
// (NODATA, SKIPDATA) are the reader's to count and are ignored here.
func (c *Collector) Add(r *flowlog.Record) error {
	if r.LogStatus != flowlog.StatusOK {
		return nil
	}
	k := flowKey{eni: r.InterfaceID, src: r.SrcAddr, dst: r.DstAddr, pktSrc: r.PktSrcAddr, pktDst: r.PktDstAddr,
		srcPort: r.SrcPort, dstPort: r.DstPort, proto: r.Protocol, dir: r.FlowDirection, action: r.Action}
	t := c.flows[k]
	if t == nil {
		t = &tally{first: r.Start, last: r.End, flags: -1, vpc: r.VPCID, subnet: r.SubnetID}
		c.flows[k] = t
		c.order = append(c.order, k)
	}
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

// Flows returns the number of distinct flows so far.
func (c *Collector) Flows() int { return len(c.flows) }
