package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
	"github.com/vpcscope/vpcscope/reach/report"
)

func newWhoCanReachCmd(g *globalOptions, s streams) *cobra.Command {
	var to, protocol string
	var port int
	var edits []string
	cmd := &cobra.Command{
		Use:   "who-can-reach --to B [--protocol tcp|udp|icmp] --port P",
		Short: "Every source that can reach B on a port: interfaces, the internet, address ranges",
		Long: `who-can-reach is the inverse of reach. It computes, on address sets, which
sources B's security groups and network ACL admit, then checks the full
two-way path from each: interfaces in the snapshot, the internet (through
B's public address), and address ranges that no interface in the snapshot
holds (their path cannot be checked). --assume EDIT answers as if the
edit were made (see reach --help).`,
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
			ans, err := reach.New(snap).WhoCanReach(reach.WhoQuery{To: to, Protocol: proto, Port: port})
			if err != nil {
				return err
			}
			if g.output == "json" {
				return writeJSON(s.out, withAssumed(ans, assumed))
			}
			newTextRenderer(g.renderer(s)).whatIfBanner(s.out, assumed)
			printWho(s, g, ans)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&to, "to", "", "destination: instance, interface, IP, load balancer or Name tag")
	f.StringVar(&protocol, "protocol", "tcp", "tcp, udp, icmp, icmpv6 or all")
	f.IntVar(&port, "port", 0, "destination port (tcp and udp)")
	addAssumeFlag(cmd, &edits)
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
				fmt.Fprintf(w, "      %s\n", t.dim.Render(safe(string(src.Blocked.Layer)+" "+src.Blocked.Resource+": "+src.Blocked.Reason)))
			}
		}
	}
	for _, c := range a.Caveats {
		fmt.Fprintln(w, t.unknown.Render("  caveat: "+safe(c)))
	}
}

// sourceText renders a who-can-reach source on one line, made safe.
func sourceText(src reach.Source) string {
	switch src.Kind {
	case "internet":
		return safe("internet: " + src.Summary + "  (" + src.AdmittedBy + ")")
	case "addresses":
		return safe("addresses with no interface in the snapshot: " + src.Summary + "  (path not checked)")
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
	cmd := &cobra.Command{
		Use:   "exposure [--port P]",
		Short: "Everything reachable from the internet, on which ports, with the path",
		Long: `exposure lists every network interface and load balancer that a host on the
internet can reach, with the protocol and ports open end to end (security
groups, network ACLs both ways, internet gateway, routes for the reply),
the internet addresses the rules admit, and the rule that opens it. -o markdown,
-o html and -o sarif write the same as a report (see audit --help).
--assume EDIT answers as if the edit were made (see reach --help).`,
		Example: `  vpcscope exposure --demo
  vpcscope exposure --demo --port 22 -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkIntFlags(cmd, intRange{name: "port", v: &port, lo: 1, hi: maxPort}); err != nil {
				return err
			}
			g.reports = true
			snap, err := g.snapshotFor(cmd, s)
			if err != nil {
				return err
			}
			snap, assumed, err := assume(snap, edits)
			if err != nil {
				return err
			}
			rep := reach.New(snap).Exposure(reach.ExposureOptions{Port: port})
			if ok, err := writeReport(s.out, g.output, report.FromExposure(snap, rep, readBuildVersion().Version)); ok {
				return err
			}
			if g.output == "json" {
				return writeJSON(s.out, withAssumed(rep, assumed))
			}
			w, t := g.text(s)
			t.whatIfBanner(w, assumed)
			fmt.Fprintf(w, "%s\n\n", t.bold.Render(fmt.Sprintf("%d exposure(s) across %d interfaces with a public address", len(rep.Exposed), rep.Checked)))
			for _, x := range rep.Exposed {
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
				fmt.Fprintf(w, "  %s %-40s %-16s %-18s from %s\n", t.bad.Render("!"), safe(who), safe(x.PublicIP), safe(svc), safe(x.SourceSummary))
				fmt.Fprintf(w, "      %s\n", t.dim.Render("opened by "+safe(x.Rule)))
			}
			for _, c := range rep.Caveats {
				fmt.Fprintln(w, t.unknown.Render("caveat: "+safe(c)))
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&port, "port", 0, "only this TCP/UDP port")
	addAssumeFlag(cmd, &edits)
	return cmd
}
