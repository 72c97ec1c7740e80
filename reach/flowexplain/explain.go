package flowexplain

import (
	"cmp"
	"fmt"
	"net/netip"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/flowlog"
	"github.com/vpcscope/vpcscope/reach"
)

// Agreement is how a record compares with what the configuration does.
type Agreement string

// The agreements.
const (
	// Agrees: a REJECT the engine blocks at the capture point, or an
	// ACCEPT it lets through there.
	Agrees Agreement = "agrees"
	// Disagrees: a REJECT the engine would now let through, or an ACCEPT
	// it would block (the configuration changed since, or the model is
	// wrong). Always shown.
	Disagrees Agreement = "disagrees"
	// Unknown: the snapshot lacks what is needed (the interface, a gap).
	Unknown Agreement = "unknown"
)

// Agreements lists every agreement, in display order.
var Agreements = []Agreement{Agrees, Disagrees, Unknown}

// Flow is the records of one interface, 5-tuple, direction and action,
// and their judgement.
type Flow struct {
	Interface string `json:"interface"`
	// Direction is ingress or egress at the interface ("" when unknown);
	// DirectionFrom says how it was decided (FromFlowDirection, FromAddresses).
	Direction     string `json:"direction"`
	DirectionFrom string `json:"directionFrom,omitempty"`
	Protocol      string `json:"protocol"`
	// Src, Dst and the ports are as recorded; PacketSrc and PacketDst are
	// the packet-level addresses when the record has them and they differ.
	Src       netip.Addr `json:"src"`
	SrcPort   int        `json:"srcPort"`
	Dst       netip.Addr `json:"dst"`
	DstPort   int        `json:"dstPort"`
	PacketSrc netip.Addr `json:"packetSrc,omitzero"`
	PacketDst netip.Addr `json:"packetDst,omitzero"`
	Action    string     `json:"action"`
	Records   int64      `json:"records"`
	Packets   int64      `json:"packets"`
	Bytes     int64      `json:"bytes"`
	First     time.Time  `json:"first,omitzero"`
	Last      time.Time  `json:"last,omitzero"`
	Agreement Agreement  `json:"agreement"`
	// Reply is set when the records are the reply of a request (the
	// engine is asked about the request); ReplyFrom says how that was
	// decided (FromTCPFlags, FromPairing, FromPorts, FromDefault).
	Reply     bool   `json:"reply"`
	ReplyFrom string `json:"replyFrom,omitempty"`
	// FromInternet is set when the request came from an address on the
	// internet (as the engine's snapshot sees it).
	FromInternet bool `json:"fromInternet,omitempty"`
	// Reason says in one sentence why the flow agrees, disagrees or is
	// unknown.
	Reason string `json:"reason"`
	// Decided is what the engine did where the records were captured.
	Decided *Decision `json:"decided,omitempty"`
	// Answer is the engine's answer to the request; nil when no question
	// could be asked. Flows whose source ports no rule tells apart share
	// one answer (asked with the first such flow's port).
	Answer *reach.Answer `json:"answer"`
}

// Decision is the engine's verdict at the capture point: the hop of its
// answer that decided, in typed form.
type Decision struct {
	// Passes is set when the interface's filters let the packet through.
	Passes bool `json:"passes"`
	// Path is the answer's forward or return path; Hop indexes it (-1 when
	// no hop of the interface decided, e.g. it has no filter, or the
	// packet never got there).
	Path      reach.Direction `json:"path"`
	Hop       int             `json:"hop"`
	Layer     reach.Layer     `json:"layer,omitempty"`
	Resource  string          `json:"resource,omitempty"`
	Name      string          `json:"name,omitempty"`
	Account   string          `json:"account,omitempty"`
	Region    string          `json:"region,omitempty"`
	Stage     reach.Stage     `json:"stage,omitempty"`
	Rule      string          `json:"rule,omitempty"`
	Direction reach.Direction `json:"direction,omitempty"`
	Code      reach.Code      `json:"code,omitempty"`
	Ref       *reach.RuleRef  `json:"ref,omitempty"`
}

// Skipped counts what was read but not explained.
type Skipped struct {
	NoData    int64 `json:"noData"`
	SkipData  int64 `json:"skipData"`
	Malformed int64 `json:"malformed"`
	BadFiles  int   `json:"badFiles"`
}

// Count is a number of flows and the records they hold.
type Count struct {
	Flows   int   `json:"flows"`
	Records int64 `json:"records"`
}

// RuleSummary is the rejected traffic one rule explains.
type RuleSummary struct {
	Layer     reach.Layer     `json:"layer"`
	Resource  string          `json:"resource"`
	Name      string          `json:"name,omitempty"`
	Stage     reach.Stage     `json:"stage,omitempty"`
	Rule      string          `json:"rule,omitempty"`
	Direction reach.Direction `json:"direction"`
	Code      reach.Code      `json:"code,omitempty"`
	Ref       *reach.RuleRef  `json:"ref,omitempty"`
	Flows     int             `json:"flows"`
	Records   int64           `json:"records"`
	// Sources are the senders' addresses as the fewest prefixes that hold
	// exactly them; Destinations the receivers as "address:port" (or
	// "address" without ports), most records first.
	Sources      []string `json:"sources"`
	Destinations []string `json:"destinations"`
}

// Summary sums the flows up.
type Summary struct {
	// ByRule lists the rules that explain rejected records, most records first.
	ByRule      []RuleSummary       `json:"byRule"`
	ByAgreement map[Agreement]Count `json:"byAgreement"`
}

// Report is the explanation of a set of flow logs.
type Report struct {
	Records int64   `json:"records"`
	Skipped Skipped `json:"skipped"`
	Flows   []Flow  `json:"flows"`
	Summary Summary `json:"summary"`
	// Questions is how many distinct engine questions the flows needed.
	Questions int `json:"questions"`
}

// Explain judges every flow the collector holds against the engine's
// snapshot; stats are the reader's counts. Each distinct question is put
// to the engine once, in parallel. Flows come most records first.
func Explain(e *reach.Engine, c *Collector, stats flowlog.Stats) *Report {
	x := &explainer{e: e, flows: c, classes: portClasses(e.Snapshot())}
	rep := &Report{Records: stats.Records, Skipped: Skipped{NoData: stats.NoData, SkipData: stats.SkipData,
		Malformed: stats.Malformed, BadFiles: stats.BadFiles}, Flows: make([]Flow, len(c.keys))}
	plans := make([]plan, len(c.keys))
	questions := map[questionKey]*question{}
	var order []*question
	for i, k := range c.keys {
		plans[i] = x.plan(k, &c.tallies[i])
		p := &plans[i]
		if p.query == nil {
			continue
		}
		qk := questionKey{from: p.query.From, to: p.query.To, proto: p.query.Protocol, port: p.query.Port,
			class: x.portClass(p.query.Protocol, p.query.SourcePort)}
		q := questions[qk]
		if q == nil {
			q = &question{q: *p.query}
			questions[qk] = q
			order = append(order, q)
		}
		p.answer = q
	}
	x.ask(order)
	for i := range plans {
		rep.Flows[i] = x.judge(&plans[i])
	}
	rep.Questions = len(order)
	slices.SortStableFunc(rep.Flows, func(a, b Flow) int {
		return cmp.Or(cmp.Compare(b.Records, a.Records), cmp.Compare(a.Interface, b.Interface))
	})
	rep.Summary = summarize(rep.Flows)
	return rep
}

// explainer holds what judging needs.
type explainer struct {
	e       *reach.Engine
	flows   *Collector
	classes []uint16
}

// questionKey identifies an engine question up to the source ports that
// no rule of the snapshot tells apart.
type questionKey struct {
	from, to string
	proto    model.Protocol
	port     int
	class    int
}

// question is one engine question and its answer.
type question struct {
	q   reach.Query
	a   *reach.Answer
	err error
}

// ask puts the questions to the engine, on every core.
func (x *explainer) ask(qs []*question) {
	var wg sync.WaitGroup
	next := make(chan *question)
	for range max(runtime.GOMAXPROCS(0), 1) {
		wg.Go(func() {
			for q := range next {
				q.a, q.err = x.e.Reach(q.q)
			}
		})
	}
	for _, q := range qs {
		next <- q
	}
	close(next)
	wg.Wait()
}

// portClasses returns the boundaries of every port range a network ACL
// entry or security group rule names: source ports between two
// boundaries are treated alike by every rule (a reply's destination port
// is the request's source port).
func portClasses(s *model.Snapshot) []uint16 {
	seen := map[uint16]bool{}
	add := func(r model.PortRange) {
		seen[r.From] = true
		if r.To < 65535 {
			seen[r.To+1] = true
		}
	}
	for _, acl := range s.NetworkACLs {
		for _, en := range acl.Entries {
			add(en.Ports())
		}
	}
	for _, sg := range s.SecurityGroups {
		for _, rules := range [][]model.SGRule{sg.Ingress, sg.Egress} {
			for i := range rules {
				add(rules[i].Ports())
			}
		}
	}
	out := make([]uint16, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// portClass returns the class of a source port (0 for protocols without ports).
func (x *explainer) portClass(p model.Protocol, port int) int {
	if !p.HasPorts() {
		return 0
	}
	return sort.Search(len(x.classes), func(i int) bool { return int(x.classes[i]) > port })
}

// plan is a flow on its way to a judgement.
type plan struct {
	k       flowKey
	t       *tally
	flow    Flow
	capture capture
	dir     flowlog.Direction
	query   *reach.Query
	answer  *question
}

// plan decides a flow's direction, packet and role, and the question to
// put to the engine; a flow that cannot be asked is judged unknown here.
func (x *explainer) plan(k flowKey, t *tally) plan {
	proto := model.Protocol(k.proto)
	f := Flow{Interface: k.eni, Protocol: proto.String(), Src: k.src, Dst: k.dst, SrcPort: int(k.srcPort), DstPort: int(k.dstPort),
		Action: k.action.String(), Records: t.records, Packets: t.packets, Bytes: t.bytes, Agreement: Unknown}
	if k.pktSrc.IsValid() && k.pktSrc != k.src {
		f.PacketSrc = k.pktSrc
	}
	if k.pktDst.IsValid() && k.pktDst != k.dst {
		f.PacketDst = k.pktDst
	}
	if t.first > 0 {
		f.First = time.Unix(t.first, 0).UTC()
	}
	if t.last > 0 {
		f.Last = time.Unix(t.last, 0).UTC()
	}
	p := plan{k: k, t: t}
	n := x.e.Index().Interface(k.eni)
	if n == nil {
		f.Reason = fmt.Sprintf("interface %s is not in the snapshot", k.eni)
		if gaps := x.e.Snapshot().GapsFor(model.KindNetworkInterface, "", ""); len(gaps) > 0 {
			f.Reason += " (" + gaps[0].String() + ")"
		}
		p.flow = f
		return p
	}
	p.capture = newCapture(x.e, n)
	p.dir, f.DirectionFrom = direction(k, n)
	if p.dir == flowlog.DirectionUnknown {
		f.Reason = fmt.Sprintf("neither %s nor %s is an address of %s, and the record has no flow-direction", k.src, k.dst, k.eni)
		p.flow = f
		return p
	}
	f.Direction = p.dir.String()
	if why := hiddenByTranslation(p.capture, k, p.dir, x.e); why != "" {
		f.Reason = why
		p.flow = f
		return p
	}
	f.Reply, f.ReplyFrom = x.isReply(k, t)
	src, dst := k.src, k.dst
	if k.pktSrc.IsValid() {
		src = k.pktSrc
	}
	if k.pktDst.IsValid() {
		dst = k.pktDst
	}
	sport, dport := int(k.srcPort), int(k.dstPort)
	if f.Reply { // ask about the request this replies to
		src, dst, sport, dport = dst, src, dport, sport
	}
	f.FromInternet = x.e.Internet().Contains(src)
	q := reach.Query{From: src.String(), To: x.destination(src, dst).String(), Protocol: proto}
	if proto.HasPorts() {
		q.Port, q.SourcePort = dport, sport
	}
	p.query = &q
	p.flow = f
	return p
}

// judge compares the flow's action with what the engine did where the
// records were captured.
func (x *explainer) judge(p *plan) Flow {
	f := p.flow
	if p.answer == nil {
		return f
	}
	if p.answer.err != nil {
		f.Reason = "the engine cannot ask about this packet: " + p.answer.err.Error()
		return f
	}
	a := p.answer.a
	f.Answer = a
	path, hops := reach.DirForward, a.Forward
	if f.Reply {
		path, hops = reach.DirReturn, a.Return
	}
	var st site
	var hop int
	if p.dir == flowlog.DirectionIngress {
		st, hop = p.capture.atIngress(hops)
	} else {
		origin := a.Query.Source.Interface == p.capture.eni.ID
		if f.Reply {
			origin = a.Query.Dest.Interface == p.capture.eni.ID
		}
		st, hop = p.capture.atEgress(hops, origin)
	}
	d := &Decision{Path: path, Hop: hop, Passes: st == sitePasses}
	if hop >= 0 {
		h := &hops[hop]
		d.Layer, d.Resource, d.Name, d.Stage, d.Rule, d.Code, d.Ref = h.Layer, h.Resource, h.Name, h.Stage, h.Rule, h.Code, h.Ref
		d.Account, d.Region = h.Account, h.Region
		d.Direction = path
	}
	f.Decided = d
	at := fmt.Sprintf("%s (%s)", p.capture.eni.ID, f.Direction)
	reject := p.k.action == flowlog.ActionReject
	switch st {
	case siteUnknown:
		f.Agreement = Unknown
		f.Reason = fmt.Sprintf("%s %s at %s could not be checked: %s", d.Layer, d.Resource, at, hops[hop].Detail)
	case siteBlocks:
		f.Agreement = Disagrees
		if reject {
			f.Agreement = Agrees
		}
		if a.Blocked != nil {
			d.Direction = a.Blocked.Direction
			f.Reason = a.Blocked.Reason
		}
		if !reject {
			f.Reason = fmt.Sprintf("recorded as accepted, but the engine drops it at %s: %s", at, f.Reason)
		}
	case sitePasses:
		f.Agreement = Agrees
		what := "no filter of the interface applies"
		if hop >= 0 {
			what = fmt.Sprintf("%s %s %s allows it (%s)", d.Layer, d.Resource, d.Stage, d.Rule)
		}
		f.Reason = fmt.Sprintf("the engine lets it through at %s: %s", at, what)
		if reject {
			f.Agreement = Disagrees
			f.Reason = "recorded as rejected, but " + f.Reason + "; the configuration may have changed since"
		}
	case siteNotReached:
		if a.Verdict == reach.VerdictUnknown {
			f.Agreement = Unknown
			f.Reason = fmt.Sprintf("the engine cannot tell whether the packet reaches %s", at)
			if len(a.Caveats) > 0 {
				f.Reason += ": " + a.Caveats[0]
			}
			break
		}
		f.Agreement = Disagrees
		f.Reason = fmt.Sprintf("recorded at %s, but the engine stops the %s before it gets there", at, map[bool]string{false: "packet", true: "request"}[f.Reply])
		if a.Blocked != nil {
			f.Reason += ": " + a.Blocked.Reason
			d.Layer, d.Resource, d.Rule, d.Direction, d.Code, d.Ref = a.Blocked.Layer, a.Blocked.Resource, a.Blocked.Rule, a.Blocked.Direction, a.Blocked.Code, a.Blocked.Ref
		}
	}
	return f
}
