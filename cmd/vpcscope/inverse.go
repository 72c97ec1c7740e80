package main

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/report"
)

func newWhoCanReachCmd(g *globalOptions, s streams) *cobra.Command {
	var to, protocol string
	var port int
	var edits []string
	var onprem onPremOptions
	cmd := &cobra.Command{
		Use:   "who-can-reach --to B [--protocol tcp|udp|icmp] --port P",
		Short: "Every source that can reach B on a port: interfaces, the internet, address ranges",
		Long: `who-can-reach is the inverse of reach. It computes, on address sets, which
sources B's security groups and network ACL admit, then checks the full
two-way path from each: interfaces in the snapshot, the internet (through
B's public address), and address ranges that no interface in the snapshot
holds (their path cannot be checked). Networks declared with --onprem
NAME=CIDR are walked as sources over the VPN and Direct Connect links.
--assume EDIT answers as if the edit were made (see reach --help).`,
		Example: `  vpcscope who-can-reach --demo --to db-1a --port 3306
  vpcscope who-can-reach --demo --to web-1a --port 443 -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			proto, err := model.ParseProtocol(protocol)
			if err != nil {
				return usagef("--protocol: %v", err)
			}
			if err := checkIntFlags(cmd, intRange{name: "port", v: &port, lo: 1, hi: maxPort}); err != nil {
				return err
			}
			snap, err := g.snapshotFor(cmd, s)
			if err != nil {
				return err
			}
			snap, assumed, err := assume(snap, edits)
			if err != nil {
				return err
			}
			e, err := onprem.engine(g.engine(snap))
			if err != nil {
				return err
			}
			ans, err := e.WhoCanReach(reach.WhoQuery{To: to, Protocol: proto, Port: port})
			if err != nil {
				return err
			}
			g.planCaveats(snap, e, ans)
			if g.output == "json" {
				return writeJSON(s.out, withAssumed(ans, assumed, g.planned))
			}
			newTextRenderer(g.renderer(s)).whatIfBanner(s.out, assumed, g.planned)
			printWho(s, g, ans)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&to, "to", "", "destination: instance, interface, IP, load balancer or Name tag")
	f.StringVar(&protocol, "protocol", "tcp", "tcp, udp, icmp, icmpv6 or all")
	f.IntVar(&port, "port", 0, "destination port (tcp and udp)")
	addAssumeFlag(cmd, &edits)
	addOnPremFlags(cmd, &onprem)
	return cmd
}

func printWho(s streams, g *globalOptions, a *reach.WhoAnswer) {
	w, t := g.text(s)
	svc := a.Protocol
	if a.Port != nil {
		svc = fmt.Sprintf("%s/%d", a.Protocol, *a.Port)
	}
	fmt.Fprintf(w, "Who can reach %s on %s\n", t.bold.Render(endpointText(a.Destination)), safe(svc))
	fmt.Fprintf(w, "%s\n\n", t.dim.Render("admitted by its security groups and network ACL: "+safe(a.AdmittedSummary)))
	fmt.Fprintln(w, t.head.Render(fmt.Sprintf("Can reach (%d)", len(a.Sources))))
	for _, src := range a.Sources {
		mark := t.ok.Render("✓")
		if src.Verdict == reach.VerdictUnknown {
			mark = t.unknown.Render("?")
		}
		fmt.Fprintf(w, "  %s %s\n", mark, sourceText(src))
	}
	for _, g := range a.Groups {
		name := g.GroupID
		if g.Name != "" {
			name += " (" + g.Name + ")"
		}
		fmt.Fprintf(w, "  %s\n", t.dim.Render(safe(fmt.Sprintf("members of %s: %d can reach, %d blocked  [%s]", name, g.Reachable, g.Blocked, g.Rule))))
	}
	if len(a.Blocked) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, t.head.Render(fmt.Sprintf("Admitted, but blocked on the way (%d)", len(a.Blocked))))
		for _, src := range a.Blocked {
			fmt.Fprintf(w, "  %s %s\n", t.bad.Render("✗"), sourceText(src))
			if src.Blocked != nil {
				fmt.Fprintf(w, "      %s\n", t.dim.Render(safe(blockLine(src.Blocked))))
			}
		}
	}
	for _, c := range a.Caveats {
		fmt.Fprintln(w, t.unknown.Render("  caveat: "+safe(c)))
	}
}

// blockLine says in one line where a source is blocked: the layer, and the
// resource unless the reason already names it.
func blockLine(b *reach.Block) string {
	if strings.Contains(b.Reason, b.Resource) {
		return string(b.Layer) + ": " + b.Reason
	}
	return string(b.Layer) + " " + b.Resource + ": " + b.Reason
}

// sourceText renders a who-can-reach source on one line, made safe.
func sourceText(src reach.Source) string {
	switch src.Kind {
	case "internet":
		return safe("internet: " + src.Summary + "  (" + src.AdmittedBy + ")")
	case "addresses":
		return safe("addresses with no interface in the snapshot: " + src.Summary + "  (path not checked)")
	case "on-premises":
		return safe("on-premises " + src.Name + ": " + src.Summary + "  (" + src.AdmittedBy + ")")
	}
	who := src.ID
	if src.Name != "" {
		who = src.Name + " (" + src.ID + ")"
	} else if src.Instance != "" {
		who += " of " + src.Instance
	}
	return safe(fmt.Sprintf("%s %s  [%s]  via %s", who, strings.Join(src.IPs, ","), strings.Join(src.Groups, ","), src.AdmittedBy))
}

func newExposureCmd(g *globalOptions, s streams) *cobra.Command {
	var port int
	var edits []string
	var onprem onPremOptions
	cmd := &cobra.Command{
		Use:   "exposure [--port P]",
		Short: "Everything reachable from the internet, on which ports, with the path",
		Long: `exposure lists every network interface and load balancer that a host on the
internet can reach, with the protocol and ports open end to end (security
groups, network ACLs both ways, internet gateway, routes for the reply),
the internet addresses the rules admit, and the rule that opens it.
With --onprem NAME=CIDR it also lists what each declared on-premises
network reaches over the VPN and Direct Connect links. -o markdown,
-o html and -o sarif write the same as a report (see audit --help).
--assume EDIT answers as if the edit were made (see reach --help).`,
		Example: `  vpcscope exposure --demo
  vpcscope exposure --demo --port 22 -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkIntFlags(cmd, intRange{name: "port", v: &port, lo: 1, hi: maxPort}); err != nil {
				return err
			}
			if err := g.checkOutputOf(reportOutputs...); err != nil {
				return err
			}
			snap, err := g.load(cmd.Context(), s)
			if err != nil {
				return err
			}
			snap, assumed, err := assume(snap, edits)
			if err != nil {
				return err
			}
			e, err := onprem.engine(g.engine(snap))
			if err != nil {
				return err
			}
			rep := e.Exposure(reach.ExposureOptions{Port: port})
			g.planCaveats(snap, e, rep)
			if ok, err := writeReport(s.out, g.output, report.FromExposure(snap, rep, readBuildVersion().Version)); ok {
				return err
			}
			if g.output == "json" {
				return writeJSON(s.out, withAssumed(rep, assumed, g.planned))
			}
			printExposure(g, s, rep, assumed)
			return nil
		},
	}
	cmd.Flags().IntVar(&port, "port", 0, "only this TCP/UDP port")
	addAssumeFlag(cmd, &edits)
	addOnPremFlags(cmd, &onprem)
	return cmd
}

// printExposure prints an exposure report as aligned columns: who, public
// address, service, the internet addresses admitted; the opening rule on
// the next line.
func printExposure(g *globalOptions, s streams, rep *reach.ExposureReport, assumed []string) {
	w, t := g.text(s)
	t.whatIfBanner(w, assumed, g.planned)
	fmt.Fprintf(w, "%s\n\n", t.bold.Render(fmt.Sprintf("%s across %s with a public address",
		count(len(rep.Exposed), "exposure"), count(rep.Checked, "interface"))))
	rows := make([][3]string, len(rep.Exposed))
	var width [3]int
	for i, x := range rep.Exposed {
		who := x.ID
		switch {
		case x.Kind == "load-balancer":
			who = x.Name + " (load balancer)" // its ID is a long ARN
		case x.Name != "":
			who = x.Name + " (" + x.ID + ")"
		}
		svc := x.Protocol
		if x.Ports != "" {
			svc += "/" + x.Ports
		}
		addr := x.PublicIP
		if x.OnPrem != "" {
			addr = x.Address
		}
		rows[i] = [3]string{safe(who), safe(addr), safe(svc)}
		for c, cell := range rows[i] {
			width[c] = max(width[c], lipgloss.Width(cell))
		}
	}
	for i, x := range rep.Exposed {
		line := "  " + t.bad.Render("!")
		for c, cell := range rows[i] {
			sep := "  "
			if c == 0 {
				sep = " "
			}
			line += sep + cell + strings.Repeat(" ", width[c]-lipgloss.Width(cell))
		}
		from := x.SourceSummary
		if x.OnPrem != "" {
			from = x.OnPrem + " " + from
		}
		fmt.Fprintf(w, "%s  from %s\n", line, safe(from))
		fmt.Fprintf(w, "      %s\n", t.dim.Render("opened by "+safe(x.Rule)))
	}
	for _, c := range rep.Caveats {
		fmt.Fprintln(w, t.unknown.Render("caveat: "+safe(c)))
	}
}
