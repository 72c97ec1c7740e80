package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"
	"github.com/vpcscope/vpcscope/reach"
)

// mcpInstructions tell an assistant what the server is for.
const mcpInstructions = `vpcscope answers reachability questions about one AWS network snapshot, offline and read-only:
reach (can A talk to B on a port, hop by hop, and which rule decides), who_can_reach, exposure (what
the internet reaches), inspect (a resource with its rules and relations, or the inventory), audit
(CIS / Security Hub network controls), flowlogs_explain and map (the topology). Endpoints are instance
IDs, interface IDs, IPs, load balancer names, Name tags or "internet". Every answer is the JSON of the
matching vpcscope command with -o json; an unknown name gets "did you mean" suggestions.`

func newMCPCmd(g *globalOptions, s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "mcp",
		Short: "Serve the read-only questions to AI assistants: a Model Context Protocol server on stdio",
		Long: `mcp runs a Model Context Protocol server on standard input and output, for
assistants such as Claude Desktop, Claude Code or an IDE. It loads the
network once, from the source flags (--demo, --snapshot, or a live pull),
then answers the tools reach, who_can_reach, exposure, inspect, audit,
flowlogs_explain and map. Every tool's arguments are the command's flags;
every answer is that command's -o json output, the contract in
docs/json.md. Nothing is ever changed in AWS: --assume edits stay in memory.
Warnings and a live pull's progress go to standard error.`,
		Example: `  vpcscope mcp --demo
  vpcscope mcp --snapshot prod.json
  claude mcp add vpcscope -- vpcscope mcp --snapshot /path/to/prod.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !g.sourceGiven() {
				return usagef("mcp needs a network to serve: pass --demo, --snapshot PATH or --profile/--region")
			}
			snap, _, err := g.open(cmd.Context(), streams{in: s.in, out: s.err, err: s.err}, openOptions{})
			if err != nil {
				return err
			}
			srv := newMCPServer(&loadedSource{snap: snap, engine: reach.New(snap), notes: g.importNotes})
			t := &mcp.IOTransport{Reader: io.NopCloser(s.in), Writer: nopWriteCloser{s.out}}
			err = srv.Run(cmd.Context(), t)
			if err == nil || errors.Is(err, io.EOF) || errors.Is(err, context.Canceled) {
				return nil // the client hung up, or Ctrl-C
			}
			return err
		},
	}
}

// nopWriteCloser keeps the server from closing standard output.
type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// The tools' arguments. Each field is the command's flag of the same name;
// the jsonschema tags are the schema's descriptions.
type (
	reachArgs struct {
		From       string   `json:"from" jsonschema:"source: an instance or interface ID, an IP, a load balancer name, a Name tag, or internet"`
		To         string   `json:"to" jsonschema:"destination, like from"`
		Protocol   string   `json:"protocol,omitempty" jsonschema:"tcp (default), udp, icmp, icmpv6 or all"`
		Port       int      `json:"port,omitempty" jsonschema:"destination port, 1-65535 (tcp and udp need one)"`
		SourcePort int      `json:"sourcePort,omitempty" jsonschema:"the client's source port (default: any ephemeral port)"`
		ICMPType   *int     `json:"icmpType,omitempty" jsonschema:"ICMP type (default: echo request)"`
		ICMPCode   *int     `json:"icmpCode,omitempty" jsonschema:"ICMP code, with icmpType (default: any)"`
		Assume     []string `json:"assume,omitempty" jsonschema:"what-if edits applied in memory first, e.g. 'sg-0a88 ingress tcp 3306 from sg-0afa'"`
	}
	whoArgs struct {
		To       string   `json:"to" jsonschema:"destination: an instance or interface ID, an IP, a load balancer name or a Name tag"`
		Protocol string   `json:"protocol,omitempty" jsonschema:"tcp (default), udp, icmp, icmpv6 or all"`
		Port     int      `json:"port,omitempty" jsonschema:"destination port, 1-65535"`
		Assume   []string `json:"assume,omitempty" jsonschema:"what-if edits applied in memory first"`
	}
	exposureArgs struct {
		Port   int      `json:"port,omitempty" jsonschema:"only this TCP/UDP port"`
		Assume []string `json:"assume,omitempty" jsonschema:"what-if edits applied in memory first"`
	}
	inspectArgs struct {
		Query string `json:"query,omitempty" jsonschema:"an ID, Name tag, group name or IP; empty for the inventory of the whole snapshot"`
	}
	auditArgs struct {
		Severity string   `json:"severity,omitempty" jsonschema:"report findings at or above high, medium or low (default)"`
		FlowLogs []string `json:"flowlogs,omitempty" jsonschema:"flow-log files, folders or s3:// URLs whose recorded internet traffic findings cite"`
	}
	flowLogsArgs struct {
		Sources []string `json:"sources" jsonschema:"flow-log files, folders or s3://bucket/prefix URLs"`
		Format  string   `json:"format,omitempty" jsonschema:"the LogFormat of records without a header line"`
	}
	mapArgs struct {
		From     string `json:"from,omitempty" jsonschema:"highlight the path of a trace from this source (with to)"`
		To       string `json:"to,omitempty" jsonschema:"highlight the path of a trace to this destination (with from)"`
		Protocol string `json:"protocol,omitempty" jsonschema:"the trace's protocol (default tcp)"`
		Port     int    `json:"port,omitempty" jsonschema:"the trace's destination port"`
	}
)

// flagArgs turns tool arguments into command-line flags, each as one
// --name=value word so that no value can be read as another flag.
type flagArgs []string

func (f *flagArgs) str(name, v string) {
	if v != "" {
		*f = append(*f, "--"+name+"="+v)
	}
}

func (f *flagArgs) num(name string, v int) {
	if v != 0 {
		*f = append(*f, "--"+name+"="+strconv.Itoa(v))
	}
}

func (f *flagArgs) opt(name string, v *int) {
	if v != nil {
		*f = append(*f, "--"+name+"="+strconv.Itoa(*v))
	}
}

func (f *flagArgs) list(name string, vs []string) {
	for _, v := range vs {
		f.str(name, v)
	}
}

// mcpServer answers tool calls by running the matching command, -o json,
// on the network loaded at start.
type mcpServer struct {
	src *loadedSource
	// mu runs one call at a time: each builds its own command tree, and
	// the engine is shared.
	mu sync.Mutex
}

// newMCPServer registers the tools.
func newMCPServer(src *loadedSource) *mcp.Server {
	v := readBuildVersion()
	srv := mcp.NewServer(&mcp.Implementation{Name: "vpcscope", Title: "vpcscope", Version: v.Version},
		&mcp.ServerOptions{Instructions: mcpInstructions})
	m := &mcpServer{src: src}
	readOnly := &mcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: new(bool)}
	mcp.AddTool(srv, &mcp.Tool{Name: "reach", Annotations: readOnly,
		Description: "Can A talk to B on a port? The forward and return path hop by hop (security groups, network ACLs, routes, gateways, peering, transit gateways, endpoints, load balancers) and the rule that decides. The JSON of vpcscope reach -o json."},
		func(ctx context.Context, _ *mcp.CallToolRequest, a reachArgs) (*mcp.CallToolResult, any, error) {
			f := flagArgs{"reach"}
			f.str("from", a.From)
			f.str("to", a.To)
			f.str("protocol", a.Protocol)
			f.num("port", a.Port)
			f.num("source-port", a.SourcePort)
			f.opt("icmp-type", a.ICMPType)
			f.opt("icmp-code", a.ICMPCode)
			f.list("assume", a.Assume)
			return m.call(ctx, f)
		})
	mcp.AddTool(srv, &mcp.Tool{Name: "who_can_reach", Annotations: readOnly,
		Description: "Every source that can reach B on a port: interfaces, the internet, address ranges, each with the rule that admits it and the two-way path checked. The JSON of vpcscope who-can-reach -o json."},
		func(ctx context.Context, _ *mcp.CallToolRequest, a whoArgs) (*mcp.CallToolResult, any, error) {
			f := flagArgs{"who-can-reach"}
			f.str("to", a.To)
			f.str("protocol", a.Protocol)
			f.num("port", a.Port)
			f.list("assume", a.Assume)
			return m.call(ctx, f)
		})
	mcp.AddTool(srv, &mcp.Tool{Name: "exposure", Annotations: readOnly,
		Description: "Everything the internet reaches: interfaces and load balancers, on which ports, from which addresses, opened by which rule. The JSON of vpcscope exposure -o json."},
		func(ctx context.Context, _ *mcp.CallToolRequest, a exposureArgs) (*mcp.CallToolResult, any, error) {
			f := flagArgs{"exposure"}
			f.num("port", a.Port)
			f.list("assume", a.Assume)
			return m.call(ctx, f)
		})
	mcp.AddTool(srv, &mcp.Tool{Name: "inspect", Annotations: readOnly,
		Description: "One resource (by ID, Name tag, group name or IP) with its fields, rules and relations, or without a query the inventory: sources, accounts and regions, gaps, counts per kind. The JSON of vpcscope inspect -o json."},
		func(ctx context.Context, _ *mcp.CallToolRequest, a inspectArgs) (*mcp.CallToolResult, any, error) {
			f := flagArgs{"inspect"}
			if a.Query != "" {
				f = append(f, "--", a.Query)
			}
			return m.call(ctx, f)
		})
	mcp.AddTool(srv, &mcp.Tool{Name: "audit", Annotations: readOnly,
		Description: "Check the network against CIS and AWS Security Hub network controls, with the exposure the engine proves. The JSON of vpcscope audit -o json."},
		func(ctx context.Context, _ *mcp.CallToolRequest, a auditArgs) (*mcp.CallToolResult, any, error) {
			f := flagArgs{"audit"}
			f.str("severity", a.Severity)
			f.list("flowlogs", a.FlowLogs)
			return m.call(ctx, f)
		})
	mcp.AddTool(srv, &mcp.Tool{Name: "flowlogs_explain", Annotations: readOnly,
		Description: "Read VPC Flow Logs and name the rule behind every rejected flow, flagging the records the configuration cannot explain. The JSON of vpcscope flowlogs explain -o json."},
		func(ctx context.Context, _ *mcp.CallToolRequest, a flowLogsArgs) (*mcp.CallToolResult, any, error) {
			f := flagArgs{"flowlogs", "explain"}
			f.str("format", a.Format)
			f = append(f, "--")
			f = append(f, a.Sources...)
			return m.call(ctx, f)
		})
	mcp.AddTool(srv, &mcp.Tool{Name: "map", Annotations: readOnly,
		Description: "The network's topology: accounts and regions, VPCs with CIDRs and gateways, transit gateways with route tables, peering and transit gateway links; with from and to, the path of that trace. The JSON of vpcscope map -o json."},
		func(ctx context.Context, _ *mcp.CallToolRequest, a mapArgs) (*mcp.CallToolResult, any, error) {
			f := flagArgs{"map"}
			f.str("from", a.From)
			f.str("to", a.To)
			f.str("protocol", a.Protocol)
			f.num("port", a.Port)
			return m.call(ctx, f)
		})
	return srv
}

// call runs a command line with -o json on the preloaded network: its
// standard output is the answer (not reachable, exit 1, is an answer like
// any other), with the command's warnings, if any, as a second text; a
// command that answers nothing — a bad request (exit 2), a failure (exit
// 3) — is a tool error carrying its one-line message.
func (m *mcpServer) call(ctx context.Context, args flagArgs) (*mcp.CallToolResult, any, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out, errb bytes.Buffer
	s := streams{in: strings.NewReader(""), out: &out, err: &errb}
	// -o json goes first: after "--" it would be an argument.
	line := append([]string{"-o", "json"}, args...)
	code := execute(ctx, newRootCmdWith(&globalOptions{preloaded: m.src}, s), line, s)
	answer := bytes.TrimSpace(out.Bytes())
	warnings := strings.TrimSpace(errb.String())
	if len(answer) == 0 {
		if warnings == "" {
			warnings = "vpcscope: exit status " + strconv.Itoa(code)
		}
		return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: warnings}}}, nil, nil
	}
	res := &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: string(answer)}}}
	if warnings != "" {
		res.Content = append(res.Content, &mcp.TextContent{Text: warnings})
	}
	if answer[0] != '{' {
		return res, nil, nil // structured content is an object; an array stays text
	}
	return res, json.RawMessage(answer), nil
}
