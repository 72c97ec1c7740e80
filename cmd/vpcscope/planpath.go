package main

import (
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/impact"
)

// planPath is the path an exposure the plan gains takes on the planned
// network: the engine's answer for one sender of the exposure, one port,
// to the exposed interface, each hop named with the Terraform addresses
// that make or change its resource.
type planPath struct {
	// From is the sender asked about ("internet", or an address of the
	// exposure's senders); To the exposed interface.
	From string `json:"from"`
	To   string `json:"to"`
	// ToAddresses are the Terraform addresses of the exposed interface.
	ToAddresses []string `json:"toAddresses,omitempty"`
	Protocol    string   `json:"protocol"`
	Port        int      `json:"port,omitempty"`
	// Exposure is the exposure gained, as itemText writes it.
	Exposure string    `json:"exposure"`
	Verdict  string    `json:"verdict"`
	Hops     []planHop `json:"hops"`
}

// planHop is one hop of a planned path.
type planHop struct {
	reach.Hop
	// Addresses are the Terraform addresses of the hop's resource, when
	// the plan made or changed it.
	Addresses []string `json:"addresses,omitempty"`
}

// exposurePaths asks the planned network how each exposure gained gets
// in: from the internet (or one address of narrower senders) to the
// first exposed interface, on the first port of the first range.
func exposurePaths(e *reach.Engine, gained []impact.Item, addresses map[string][]string) []planPath {
	out := []planPath{}
	for _, it := range gained {
		if len(it.From) == 0 || len(it.To) == 0 {
			continue
		}
		q := reach.Query{From: senderOf(it.From[0]), To: it.To[0]}
		p, err := model.ParseProtocol(it.Protocol)
		if err != nil {
			continue
		}
		q.Protocol = p
		if len(it.Ports) > 0 {
			q.Port = int(it.Ports[0].From)
		} else if p == model.ProtocolTCP || p == model.ProtocolUDP {
			continue
		}
		if p == model.ProtocolAll {
			q.Protocol, q.Port = model.ProtocolTCP, 443
		}
		a, err := e.Reach(q)
		if err != nil {
			continue
		}
		pp := planPath{From: q.From, To: q.To, ToAddresses: addresses[q.To], Protocol: q.Protocol.String(), Port: q.Port, Exposure: itemText(it), Verdict: string(a.Verdict)}
		for _, h := range a.Forward {
			pp.Hops = append(pp.Hops, planHop{Hop: h, Addresses: addresses[h.Resource]})
		}
		out = append(out, pp)
	}
	return out
}

// senderOf names one sender of an exposure for a query: "internet" for
// every address, else an address inside the CIDR (its first host).
func senderOf(cidr string) string {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || p.Bits() == 0 {
		return "internet"
	}
	if p.IsSingleIP() {
		return p.Addr().String()
	}
	return p.Addr().Next().String()
}

// writePathsMarkdown writes "what the plan opens, to whom, with the
// path": a numbered list of hops per exposure gained.
func writePathsMarkdown(w io.Writer, paths []planPath) error {
	if len(paths) == 0 {
		return nil
	}
	esc := func(s string) string { return strings.NewReplacer("|", `\|`, "\n", " ", "`", "'").Replace(safe(s)) }
	var b strings.Builder
	b.WriteString("\n#### What the plan opens, to whom, with the path\n")
	for _, p := range paths {
		svc := p.Protocol
		if p.Port > 0 {
			svc += fmt.Sprintf("/%d", p.Port)
		}
		to := "`" + esc(p.To) + "`"
		if len(p.ToAddresses) > 0 {
			to += " (" + codeList(p.ToAddresses, esc) + ")"
		}
		fmt.Fprintf(&b, "\n**%s** — the path from %s to %s on %s (%s):\n\n", esc(p.Exposure), esc(p.From), to, svc, p.Verdict)
		for i, h := range p.Hops {
			line := fmt.Sprintf("%d. %s %s", i+1, h.Verdict.Mark(), h.Layer)
			if h.Stage != "" {
				line += " (" + string(h.Stage) + ")"
			}
			if h.Resource != "" {
				line += " `" + esc(h.Resource) + "`"
			}
			if len(h.Addresses) > 0 {
				line += " ← " + codeList(h.Addresses, esc)
			}
			if h.Rule != "" {
				line += ": " + esc(h.Rule)
			}
			b.WriteString(line + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// codeList renders names as inline code, comma-separated.
func codeList(names []string, esc func(string) string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = "`" + esc(n) + "`"
	}
	return strings.Join(parts, ", ")
}
