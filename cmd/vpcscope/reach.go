package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/internal/batch"
	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

type reachOptions struct {
	from, to   string
	protocol   string
	port       int
	sourcePort int
	icmpType   int
	icmpCode   int
	batch      string
	assume     []string
	onprem     onPremOptions
}

func newReachCmd(g *globalOptions, s streams) *cobra.Command {
	o := &reachOptions{}
	cmd := &cobra.Command{
		Use:   "reach --from A --to B [--protocol tcp|udp|icmp|all] [--port P]",
		Short: "Can A talk to B? The forward and return path hop by hop, and the rule that decides",
		Long: `reach answers whether traffic from A gets to B and its reply gets back,
walking security groups, network ACLs, route tables, gateways, peering,
transit gateways, endpoints and load balancers in both directions.

A and B are an instance ID, a network interface ID, a private or public IP
(one outside every VPC is an internet host), a load balancer (ARN or name),
a Name tag, or the word internet. With --onprem NAME=CIDR an end may be an
on-premises network beyond a VPN or Direct Connect link: NAME, NAME:ADDRESS,
or an address inside it; what lies beyond the link is a stated caveat.

--assume EDIT (repeatable) answers as if the edit were made, in memory
only: a rule added, replaced or disabled in a security group, network ACL
or route table. The answer is marked as a what-if.

Exit status: 0 reachable, 1 not reachable (or unknown), 2 bad input.`,
		Example: `  vpcscope reach --demo --from web-1a --to db-1a --port 3306
  vpcscope reach --demo --from internet --to web-1a --port 443 -o json
  vpcscope reach --snapshot snap.json --from 10.0.1.5 --to 10.1.2.7 --protocol icmp
  echo '{"from":"web-1a","to":"app-1a","port":8000}' | vpcscope reach --demo --batch -
  vpcscope reach --snapshot snap.json --from web-1a --to db-1a --port 3306 --assume 'sg-0a88 ingress tcp 3306 from sg-0afa'
  vpcscope reach --demo --onprem datacenter=10.200.0.0/16 --from datacenter:10.200.1.5 --to hq-db-1 --port 5432`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var q reach.Query
			if o.batch == "" {
				var err error
				if q, err = o.query(cmd); err != nil {
					return err
				}
			}
			snap, err := g.snapshotFor(cmd, s)
			if err != nil {
				return err
			}
			snap, assumed, err := assume(snap, o.assume)
			if err != nil {
				return err
			}
			e, err := o.onprem.engine(g.engine(snap))
			if err != nil {
				return err
			}
			if o.batch != "" {
				return runBatch(cmd.Context(), e, o.batch, assumed, g.planned, g.planAnnotator(snap, e), s)
			}
			a, err := e.Reach(q)
			if err != nil {
				return err
			}
			g.planCaveats(snap, e, a)
			if g.output == "json" {
				if err := writeJSON(s.out, withAssumed(a, assumed, g.planned)); err != nil {
					return err
				}
			} else {
				w, t := g.text(s)
				t.whatIfBanner(w, assumed, g.planned)
				t.answer(w, a)
			}
			if !a.Reachable {
				return errUnreachable
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.from, "from", "", "source: instance, interface, IP, load balancer, Name tag or internet")
	f.StringVar(&o.to, "to", "", "destination: instance, interface, IP, load balancer, Name tag or internet")
	f.StringVar(&o.protocol, "protocol", "tcp", "tcp, udp, icmp, icmpv6 or all")
	f.IntVar(&o.port, "port", 0, "destination port (tcp and udp)")
	f.IntVar(&o.sourcePort, "source-port", 0, "the client's source port (default: any ephemeral port 1024-65535)")
	addICMPFlags(f, o)
	f.StringVar(&o.batch, "batch", "", "read one JSON query per line from FILE (- for stdin), write one JSON answer per line")
	addAssumeFlag(cmd, &o.assume)
	addOnPremFlags(cmd, &o.onprem)
	return cmd
}

func (o *reachOptions) query(cmd *cobra.Command) (reach.Query, error) {
	proto, err := model.ParseProtocol(o.protocol)
	if err != nil {
		return reach.Query{}, usagef("--protocol: %v", err)
	}
	if err := o.checkFlags(cmd); err != nil {
		return reach.Query{}, err
	}
	q := reach.Query{From: o.from, To: o.to, Protocol: proto, Port: o.port, SourcePort: o.sourcePort}
	if o.icmpType >= 0 {
		q.ICMP = &model.ICMPTypeCode{Type: int16(o.icmpType), Code: int16(o.icmpCode)}
	}
	return q, nil
}

// checkFlags checks the numeric flags' ranges before they are used.
func (o *reachOptions) checkFlags(cmd *cobra.Command) error {
	if err := checkIntFlags(cmd,
		intRange{name: "port", v: &o.port, lo: 1, hi: maxPort},
		intRange{name: "source-port", v: &o.sourcePort, lo: 1, hi: maxPort},
		intRange{name: "icmp-type", v: &o.icmpType, lo: 0, hi: maxICMP},
		intRange{name: "icmp-code", v: &o.icmpCode, lo: 0, hi: maxICMP},
	); err != nil {
		return err
	}
	if cmd.Flags().Changed("icmp-code") && !cmd.Flags().Changed("icmp-type") {
		return usagef("--icmp-code needs --icmp-type")
	}
	return nil
}

// runBatch answers one JSON query per input line, in order, with one JSON
// answer per output line, loading the snapshot once (batch.Run: the
// queries are answered concurrently, the answers written in input order).
// A bad line — malformed, unanswerable, or longer than batch.MaxLine —
// gets an error line and the run goes on; the exit status is then 2. With
// assumed edits each answer carries them; annotate adds the caveats of a
// planned network.
func runBatch(ctx context.Context, e *reach.Engine, path string, assumed []string, planned *plannedMark, annotate func(any), s streams) error {
	var in io.Reader = s.in
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return usagef("--batch: %v", err)
		}
		defer f.Close()
		in = f
	}
	bad, err := batch.Run(ctx, e, in, s.out, batch.Options{Decorate: func(a *reach.Answer) any {
		annotate(a)
		return withAssumed(a, assumed, planned)
	}})
	if err != nil {
		return err
	}
	if bad > 0 {
		return usagef("%s could not be answered", count(bad, "batch line"))
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}
