package flowexplain

import (
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/flowlog"
	"github.com/vpcscope/vpcscope/reach"
)

// Variant is a form in which Synthetic writes its records.
type Variant string

// The variants: every form flow logs are delivered in.
const (
	// VariantV2 is the default format, with the header line of S3 files.
	VariantV2 Variant = "v2"
	// VariantCustom is a custom format: a subset of fields in another order.
	VariantCustom Variant = "custom"
	// VariantV5 has pkt-srcaddr, pkt-dstaddr, flow-direction, tcp-flags
	// and the other fields up to version 5.
	VariantV5 Variant = "v5"
	// VariantGzip is the default format gzip-compressed, as S3 gets it.
	VariantGzip Variant = "gzip"
	// VariantParquet is a Parquet file of the version 5 fields.
	VariantParquet Variant = "parquet"
	// VariantCloudWatch is `aws logs filter-log-events` output.
	VariantCloudWatch Variant = "cloudwatch"
)

// Variants lists every variant.
var Variants = []Variant{VariantV2, VariantCustom, VariantV5, VariantGzip, VariantParquet, VariantCloudWatch}

// Ext returns the file name extension AWS (or the CLI) would use.
func (v Variant) Ext() string {
	switch v {
	case VariantGzip:
		return ".log.gz"
	case VariantParquet:
		return ".log.parquet"
	case VariantCloudWatch:
		return ".json"
	}
	return ".log"
}

// Format returns the variant's record format.
func (v Variant) Format() flowlog.Format {
	switch v {
	case VariantCustom:
		return customFormat
	case VariantV5, VariantParquet:
		return v5Format
	}
	return flowlog.DefaultFormat
}

var (
	customFormat = flowlog.Format{flowlog.FieldInterfaceID, flowlog.FieldAction, flowlog.FieldDstAddr, flowlog.FieldSrcAddr,
		flowlog.FieldDstPort, flowlog.FieldSrcPort, flowlog.FieldProtocol, flowlog.FieldStart, flowlog.FieldEnd,
		flowlog.FieldPackets, flowlog.FieldLogStatus, flowlog.FieldVPCID, flowlog.FieldSubnetID}
	v5Format = flowlog.Format{flowlog.FieldVersion, flowlog.FieldAccountID, flowlog.FieldInterfaceID, flowlog.FieldSrcAddr,
		flowlog.FieldDstAddr, flowlog.FieldSrcPort, flowlog.FieldDstPort, flowlog.FieldProtocol, flowlog.FieldPackets,
		flowlog.FieldBytes, flowlog.FieldStart, flowlog.FieldEnd, flowlog.FieldAction, flowlog.FieldLogStatus,
		flowlog.FieldVPCID, flowlog.FieldSubnetID, flowlog.FieldInstanceID, flowlog.FieldTCPFlags, flowlog.FieldType,
		flowlog.FieldPktSrcAddr, flowlog.FieldPktDstAddr, flowlog.FieldRegion, flowlog.FieldAZID,
		flowlog.FieldSublocationType, flowlog.FieldSublocationID, flowlog.FieldPktSrcAWSService,
		flowlog.FieldPktDstAWSService, flowlog.FieldFlowDirection, flowlog.FieldTrafficPath}
)

// SynthOptions say what Synthesize generates.
type SynthOptions struct {
	// Seed makes the output reproducible.
	Seed uint64
	// Connections is how many client-server exchanges to try (default 200).
	Connections int
	// Windows is how many capture windows each flow is recorded in
	// (default 3): the records per flow.
	Windows int
	// Planted is how many flows get the opposite action, which the
	// configuration cannot explain (default 5% of the flows, at least 1).
	Planted int
	// Start is the first capture window (default 2026-01-05 10:00 UTC).
	Start time.Time
}

// Truth is what the generator knows about one flow it wrote.
type Truth struct {
	Interface string
	Direction flowlog.Direction
	Src, Dst  netip.Addr
	SrcPort   uint16
	DstPort   uint16
	Protocol  model.Protocol
	Action    flowlog.Action
	// Reply is set for the reply of a request.
	Reply bool
	// Query is the engine question about the request.
	Query reach.Query
	// Want is the judgement the flow must get: Agrees, or Disagrees for a
	// planted one, or Unknown for the planted interface the snapshot lacks.
	Want Agreement
}

// Synthetic is a set of generated flow-log records and what is true of them.
type Synthetic struct {
	Records []flowlog.Record
	Truths  []Truth
	// Account and Region name the scope, for file paths.
	Account, Region string
}

// unknownInterface is the interface planted flows name that no snapshot has.
const unknownInterface = "eni-0fffffffffffffff0"

// Synthesize generates flow logs for the engine's snapshot: exchanges
// between its instance interfaces and with internet hosts, recorded where
// AWS records them — the request leaving the client and reaching the
// server, the reply leaving the server and reaching the client — ACCEPT
// or REJECT as the engine's answer says (the filter that blocks, by its
// typed rule reference), plus planted flows whose action is flipped, one
// flow at an interface the snapshot lacks, and NODATA and SKIPDATA
// records. Only exchanges whose paths cross security groups, network
// ACLs, routes, internet gateways and peering are used, so that where a
// block is captured is certain.
func Synthesize(e *reach.Engine, opts SynthOptions) (*Synthetic, error) {
	if opts.Connections <= 0 {
		opts.Connections = 200
	}
	if opts.Windows <= 0 {
		opts.Windows = 3
	}
	if opts.Start.IsZero() {
		opts.Start = time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	}
	g := &synth{e: e, rng: rand.New(rand.NewPCG(opts.Seed, 0x5eed)), opts: opts, out: &Synthetic{}, nextPort: 32768,
		used: map[[2]netip.Addr]bool{}}
	g.hosts()
	if len(g.enis) == 0 {
		return nil, fmt.Errorf("the snapshot has no instance interface to generate flow logs for")
	}
	for i := 0; i < opts.Connections; i++ {
		g.connection()
	}
	g.plant()
	g.noData()
	return g.out, nil
}

type synth struct {
	e    *reach.Engine
	rng  *rand.Rand
	opts SynthOptions
	out  *Synthetic
	// used holds the exchanges without ports already made, whose flows
	// would merge with a repeat.
	used     map[[2]netip.Addr]bool
	enis     []*model.NetworkInterface
	public   []*model.NetworkInterface
	nextPort uint16
}

// hosts lists the running instances' interfaces.
func (g *synth) hosts() {
	ix := g.e.Index()
	for _, n := range g.e.Snapshot().NetworkInterfaces {
		id := n.InstanceID()
		in := ix.Instance(id)
		if id == "" || in == nil || (in.State != "" && in.State != "running") || !n.PrimaryIP().IsValid() {
			continue
		}
		if l, _ := g.e.InterfaceOwner(n.ID); l != "" {
			continue
		}
		g.enis = append(g.enis, n)
		if len(n.PublicIPs()) > 0 {
			g.public = append(g.public, n)
		}
		if g.out.Account == "" {
			g.out.Account, g.out.Region = n.Account, n.Region
		}
	}
	if g.out.Account == "" {
		g.out.Account = "123456789012"
	}
	if g.out.Region == "" {
		g.out.Region = "us-east-1"
	}
}

var commonPorts = []int{22, 80, 443, 3306, 5432, 3389, 6379, 8080}

// servicePort picks a port the server's groups open (so some flows are
// accepted) or a common one.
func (g *synth) servicePort(n *model.NetworkInterface) (model.Protocol, int) {
	if g.rng.IntN(10) == 0 {
		return model.ProtocolICMP, 0
	}
	var open []model.SGRule
	for _, id := range n.SecurityGroupIDs {
		if sg := g.e.Index().SecurityGroup(id); sg != nil {
			open = append(open, sg.Ingress...)
		}
	}
	if len(open) > 0 && g.rng.IntN(3) > 0 {
		r := open[g.rng.IntN(len(open))]
		if r.Protocol == model.ProtocolTCP || r.Protocol == model.ProtocolUDP {
			p := r.Ports()
			return r.Protocol, int(p.From)
		}
	}
	return model.ProtocolTCP, commonPorts[g.rng.IntN(len(commonPorts))]
}

// internetHost returns an address on the internet (documentation ranges).
func (g *synth) internetHost() netip.Addr {
	b := [4]byte{198, 51, 100, byte(1 + g.rng.IntN(250))}
	if g.rng.IntN(2) == 0 {
		b[0], b[1], b[2] = 203, 0, 113
	}
	return netip.AddrFrom4(b)
}

// simpleLayers are the layers of the paths the generator uses.
var simpleLayers = map[reach.Layer]bool{reach.LayerSecurityGroup: true, reach.LayerNetworkACL: true,
	reach.LayerRouteTable: true, reach.LayerInterface: true, reach.LayerInternetGateway: true,
	reach.LayerInternet: true, reach.LayerVPCPeering: true}

// connection tries one exchange and records it.
func (g *synth) connection() {
	var client, server *model.NetworkInterface
	var clientIP, serverIP, to netip.Addr
	switch g.rng.IntN(6) {
	case 0: // from the internet to a public address
		if len(g.public) == 0 {
			return
		}
		server = g.public[g.rng.IntN(len(g.public))]
		clientIP, serverIP = g.internetHost(), server.PrimaryIP()
		to = server.PublicIPs()[0]
	case 1: // to the internet
		client = g.enis[g.rng.IntN(len(g.enis))]
		clientIP, serverIP = client.PrimaryIP(), g.internetHost()
		to = serverIP
	default:
		client, server = g.enis[g.rng.IntN(len(g.enis))], g.enis[g.rng.IntN(len(g.enis))]
		if client == server || client.InstanceID() == server.InstanceID() {
			return
		}
		clientIP, serverIP = client.PrimaryIP(), server.PrimaryIP()
		to = serverIP
		if clientIP.Is4() != serverIP.Is4() {
			return
		}
	}
	proto, port := model.ProtocolTCP, 443
	if server != nil {
		proto, port = g.servicePort(server)
	} else if g.rng.IntN(8) == 0 {
		proto, port = model.ProtocolICMP, 0
	}
	if !proto.HasPorts() {
		pair := [2]netip.Addr{clientIP, serverIP}
		if serverIP.Less(clientIP) {
			pair = [2]netip.Addr{serverIP, clientIP}
		}
		if g.used[pair] {
			return
		}
		g.used[pair] = true
	}
	q := reach.Query{From: clientIP.String(), To: to.String(), Protocol: proto}
	var sport uint16
	if proto.HasPorts() {
		sport = g.nextPort
		g.nextPort++
		if g.nextPort > 60999 {
			g.nextPort = 32768
		}
		q.Port, q.SourcePort = port, int(sport)
	}
	a, err := g.e.Reach(q)
	if err != nil || a.Verdict == reach.VerdictUnknown {
		return
	}
	for _, hs := range [][]reach.Hop{a.Forward, a.Return} {
		for _, h := range hs {
			if !simpleLayers[h.Layer] {
				return
			}
		}
	}
	fw, rv := a.Blocked != nil && a.Blocked.Direction == reach.DirForward, a.Blocked != nil && a.Blocked.Direction == reach.DirReturn
	kind := func(k reach.RuleRefKind) bool {
		return a.Blocked != nil && a.Blocked.Ref != nil && a.Blocked.Ref.Kind == k
	}
	filterBlock := a.Blocked != nil && (a.Blocked.Layer == reach.LayerSecurityGroup || a.Blocked.Layer == reach.LayerNetworkACL)
	if a.Blocked != nil && !filterBlock && (a.Blocked.Layer != reach.LayerRouteTable || !fw) {
		return // blocked somewhere whose capture is not certain
	}
	// On these paths a forward block at an outbound rule is the client's,
	// at an inbound rule the server's; on the way back, outbound is the
	// server's and inbound the client's.
	clientOut := fw && filterBlock && (kind(reach.RefSGEgress) || kind(reach.RefNACLOutbound))
	serverIn := fw && filterBlock && (kind(reach.RefSGIngress) || kind(reach.RefNACLInbound))
	serverOut := rv && filterBlock && kind(reach.RefNACLOutbound)
	clientIn := rv && filterBlock && kind(reach.RefNACLInbound)
	if fw && filterBlock && !clientOut && !serverIn || rv && filterBlock && !serverOut && !clientIn {
		return
	}
	act := func(reject bool) flowlog.Action {
		if reject {
			return flowlog.ActionReject
		}
		return flowlog.ActionAccept
	}
	req := Truth{Src: clientIP, Dst: serverIP, SrcPort: sport, DstPort: uint16(port), Protocol: proto, Query: q, Want: Agrees}
	rep := Truth{Src: serverIP, Dst: clientIP, SrcPort: uint16(port), DstPort: sport, Protocol: proto, Query: q, Want: Agrees, Reply: true}
	if client != nil {
		t := req
		t.Interface, t.Direction, t.Action = client.ID, flowlog.DirectionEgress, act(clientOut)
		g.emit(t, client, 0)
	}
	reached := !fw || (!clientOut && serverIn)
	if server != nil && reached {
		t := req
		t.Interface, t.Direction, t.Action = server.ID, flowlog.DirectionIngress, act(serverIn)
		g.emit(t, server, 0)
	}
	if fw {
		return
	}
	if server != nil {
		t := rep
		t.Interface, t.Direction, t.Action = server.ID, flowlog.DirectionEgress, act(serverOut)
		g.emit(t, server, 1)
	}
	if client != nil && !serverOut {
		t := rep
		t.Interface, t.Direction, t.Action = client.ID, flowlog.DirectionIngress, act(clientIn)
		g.emit(t, client, 1)
	}
}

// emit writes a flow's records, one per capture window; the reply's
// windows start a second after the request's.
func (g *synth) emit(t Truth, n *model.NetworkInterface, lag int64) {
	g.out.Truths = append(g.out.Truths, t)
	for w := 0; w < g.opts.Windows; w++ {
		start := g.opts.Start.Unix() + int64(w)*60 + lag
		r := flowlog.Record{Version: 5, AccountID: g.out.Account, InterfaceID: t.Interface, SrcAddr: t.Src, DstAddr: t.Dst,
			SrcPort: t.SrcPort, DstPort: t.DstPort, Protocol: int16(t.Protocol), Packets: int64(1 + g.rng.IntN(40)),
			Start: start, End: start + 59, Action: t.Action, LogStatus: flowlog.StatusOK, FlowDirection: t.Direction,
			PktSrcAddr: t.Src, PktDstAddr: t.Dst, TCPFlags: -1, Type: "IPv4", Region: g.out.Region}
		if t.Src.Is6() {
			r.Type = "IPv6"
		}
		r.Bytes = r.Packets * int64(40+g.rng.IntN(1400))
		if n != nil {
			r.VPCID, r.SubnetID, r.InstanceID = n.VPCID, n.SubnetID, n.InstanceID()
		}
		if t.Protocol == model.ProtocolTCP {
			r.TCPFlags = flagSYN
			if t.Reply {
				r.TCPFlags = flagSYNACK
			}
			if t.Action == flowlog.ActionAccept && w == g.opts.Windows-1 {
				r.TCPFlags |= 1 // FIN in the last window
			}
		}
		if t.Direction == flowlog.DirectionEgress {
			r.TrafficPath = 1
		}
		g.out.Records = append(g.out.Records, r)
	}
}

// plant flips the action of some flows and adds one at an interface the
// snapshot lacks.
func (g *synth) plant() {
	n := g.opts.Planted
	if n <= 0 {
		n = max(1, len(g.out.Truths)/20)
	}
	idx := g.rng.Perm(len(g.out.Truths))
	if len(idx) > n {
		idx = idx[:n]
	}
	slices.Sort(idx)
	flipped := map[int]bool{}
	for _, i := range idx {
		flipped[i] = true
		t := &g.out.Truths[i]
		t.Want = Disagrees
		if t.Action == flowlog.ActionAccept {
			t.Action = flowlog.ActionReject
		} else {
			t.Action = flowlog.ActionAccept
		}
	}
	// The records follow their truths, Windows records each, in order.
	for i := range g.out.Truths {
		if !flipped[i] {
			continue
		}
		for w := 0; w < g.opts.Windows; w++ {
			g.out.Records[i*g.opts.Windows+w].Action = g.out.Truths[i].Action
		}
	}
	src := g.internetHost()
	t := Truth{Interface: unknownInterface, Direction: flowlog.DirectionIngress, Src: src, Dst: netip.MustParseAddr("10.255.0.9"),
		SrcPort: 40001, DstPort: 22, Protocol: model.ProtocolTCP, Action: flowlog.ActionReject, Want: Unknown}
	g.emit(t, nil, 0)
}

// noData adds the records of windows without traffic and with skipped
// records, which are counted, not explained.
func (g *synth) noData() {
	for i, st := range []flowlog.Status{flowlog.StatusNoData, flowlog.StatusSkipData} {
		start := g.opts.Start.Unix() + int64(i)*60
		g.out.Records = append(g.out.Records, flowlog.Record{Version: 2, AccountID: g.out.Account,
			InterfaceID: g.enis[0].ID, Start: start, End: start + 59, LogStatus: st, Protocol: -1, TCPFlags: -1})
	}
}

// Write writes the records in a variant. Text formats carry their header
// line, as S3 files do; the CloudWatch export has none.
func (s *Synthetic) Write(w io.Writer, v Variant) error {
	f := v.Format()
	switch v {
	case VariantParquet:
		return flowlog.WriteParquet(w, f, s.Records)
	case VariantCloudWatch:
		return flowlog.WriteCloudWatchExport(w, f, s.Records)
	case VariantGzip:
		zw := gzip.NewWriter(w)
		if err := writeText(zw, f, s.Records); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return fmt.Errorf("write gzip: %w", err)
		}
		return nil
	}
	return writeText(w, f, s.Records)
}

func writeText(w io.Writer, f flowlog.Format, recs []flowlog.Record) error {
	tw, err := flowlog.NewTextWriter(w, f, true)
	if err != nil {
		return err
	}
	for i := range recs {
		if err := tw.Write(&recs[i]); err != nil {
			return err
		}
	}
	return tw.Flush()
}

// Path returns where AWS would deliver a file of the variant in S3:
// AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<mm>/<dd>/<file>. The
// CloudWatch export is named after its log group.
func (s *Synthetic) Path(v Variant, start time.Time, n int) string {
	if v == VariantCloudWatch {
		return fmt.Sprintf("cloudwatch/vpc-flow-logs-%d%s", n, v.Ext())
	}
	return fmt.Sprintf("AWSLogs/%s/vpcflowlogs/%s/%s/%s_vpcflowlogs_%s_fl-%08x_%s_%d%s", s.Account, s.Region,
		start.Format("2006/01/02"), s.Account, s.Region, n, start.Format("20060102T1504Z"), n, v.Ext())
}

// Truths0Start returns the start of the first capture window.
func (s *Synthetic) Truths0Start() time.Time {
	if len(s.Records) == 0 {
		return time.Time{}
	}
	return time.Unix(s.Records[0].Start, 0).UTC()
}
