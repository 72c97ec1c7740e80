package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// startMCP runs vpcscope mcp with the arguments as the real command, its
// standard input and output joined by pipes to an MCP client, which
// connects (the initialize handshake). The server ends when the client
// closes.
func startMCP(t *testing.T, args ...string) *mcp.ClientSession {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	toServer, serverIn := io.Pipe()
	clientIn, fromServer := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		code := run(ctx, append([]string{"mcp"}, args...), streams{in: toServer, out: fromServer, err: &stderr})
		fromServer.Close()
		done <- code
	}()
	client := mcp.NewClient(&mcp.Implementation{Name: "vpcscope-test", Version: "1"}, nil)
	session, err := client.Connect(ctx, &mcp.IOTransport{Reader: clientIn, Writer: serverIn}, nil)
	if err != nil {
		cancel()
		t.Fatalf("initialize: %v (stderr: %s)", err, stderr.String())
	}
	t.Cleanup(func() {
		session.Close()
		serverIn.Close()
		if code := <-done; code != 0 {
			t.Errorf("mcp exited %d: %s", code, stderr.String())
		}
		cancel()
	})
	return session
}

// callJSON calls a tool and returns its answer parsed, failing on a tool
// error.
func callJSON(t *testing.T, s *mcp.ClientSession, tool string, args map[string]any) any {
	t.Helper()
	res, err := s.CallTool(context.Background(), &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	if res.IsError {
		t.Fatalf("%s: tool error: %s", tool, text(res))
	}
	var v any
	if err := json.Unmarshal([]byte(res.Content[0].(*mcp.TextContent).Text), &v); err != nil {
		t.Fatalf("%s: not JSON: %v", tool, err)
	}
	return v
}

func text(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// cliJSON runs the command line with -o json and returns its answer parsed.
func cliJSON(t *testing.T, args ...string) any {
	t.Helper()
	_, out, errOut := runMain(t, "", append(args, "-o", "json")...)
	var v any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v: not JSON: %v (%s)", args, err, errOut)
	}
	return v
}

// TestMCPHandshakeAndTools: a real client initializes, lists the tools
// with their schemas, and every tool answers with exactly what the
// matching command prints with -o json.
func TestMCPHandshakeAndTools(t *testing.T) {
	s := startMCP(t, "--demo")
	if got := s.InitializeResult().ServerInfo.Name; got != "vpcscope" {
		t.Errorf("server name %q", got)
	}
	tools, err := s.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range tools.Tools {
		names = append(names, tool.Name)
		schema, _ := json.Marshal(tool.InputSchema)
		if !strings.Contains(string(schema), `"type":"object"`) || tool.Description == "" || !tool.Annotations.ReadOnlyHint {
			t.Errorf("tool %s: schema %s, description %q, read-only %v", tool.Name, schema, tool.Description, tool.Annotations.ReadOnlyHint)
		}
		if tool.Name == "reach" && !strings.Contains(string(schema), `"required":["from","to"]`) {
			t.Errorf("reach's schema does not require from and to: %s", schema)
		}
	}
	want := []string{"audit", "exposure", "flowlogs_explain", "inspect", "map", "reach", "who_can_reach"}
	slices.Sort(names)
	if !slices.Equal(names, want) {
		t.Fatalf("tools %v, want %v", names, want)
	}

	logs := demoLogs(t, "")
	tests := []struct {
		name string
		tool string
		args map[string]any
		cli  []string
	}{
		{"reach: a blocked answer is an answer", "reach", map[string]any{"from": "web-1a", "to": "db-1a", "port": 3306},
			[]string{"reach", "--demo", "--from", "web-1a", "--to", "db-1a", "--port", "3306"}},
		{"reach with a what-if edit", "reach", map[string]any{"from": "web-1a", "to": "db-1a", "port": 3306, "assume": []string{"storefront-db-sg ingress tcp 3306 from storefront-web-sg"}},
			[]string{"reach", "--demo", "--from", "web-1a", "--to", "db-1a", "--port", "3306", "--assume", "storefront-db-sg ingress tcp 3306 from storefront-web-sg"}},
		{"reach over ICMP", "reach", map[string]any{"from": "203.0.113.25", "to": "web-1a", "protocol": "icmp", "icmpType": 8, "icmpCode": 0},
			[]string{"reach", "--demo", "--from", "203.0.113.25", "--to", "web-1a", "--protocol", "icmp", "--icmp-type", "8", "--icmp-code", "0"}},
		{"who_can_reach", "who_can_reach", map[string]any{"to": "db-1a", "port": 3306},
			[]string{"who-can-reach", "--demo", "--to", "db-1a", "--port", "3306"}},
		{"exposure on one port", "exposure", map[string]any{"port": 22}, []string{"exposure", "--demo", "--port", "22"}},
		{"inspect one resource", "inspect", map[string]any{"query": "storefront-db-sg"}, []string{"inspect", "--demo", "storefront-db-sg"}},
		{"inspect the inventory", "inspect", map[string]any{}, []string{"inspect", "--demo"}},
		{"audit", "audit", map[string]any{"severity": "high"}, []string{"audit", "--demo", "--severity", "high"}},
		{"flowlogs_explain", "flowlogs_explain", map[string]any{"sources": []string{logs}}, []string{"flowlogs", "explain", "--demo", logs}},
		{"map with a trace", "map", map[string]any{"from": "payments-api-1", "to": "fraud-scoring-1", "port": 8443},
			[]string{"map", "--demo", "--from", "payments-api-1", "--to", "fraud-scoring-1", "--port", "8443"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := callJSON(t, s, tt.tool, tt.args)
			if want := cliJSON(t, tt.cli...); !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				t.Fatalf("the tool's answer differs from the command's:\n%.600s\nwant\n%.600s", g, w)
			}
		})
	}
}

// TestMCPBadRequests: a question the command refuses is a tool error with
// the command's one-line message, and the server goes on answering.
func TestMCPBadRequests(t *testing.T) {
	s := startMCP(t, "--demo")
	tests := []struct {
		name string
		tool string
		args map[string]any
		want string
	}{
		{"an unknown endpoint gets close matches", "reach", map[string]any{"from": "web-1", "to": "db-1a", "port": 3306}, "did you mean"},
		{"a value that looks like a flag stays a value", "reach", map[string]any{"from": "--demo", "to": "db-1a", "port": 3306}, "--demo"},
		{"a port out of range", "who_can_reach", map[string]any{"to": "db-1a", "port": 70000}, "--port 70000: want 1 to 65535"},
		{"an inspect query that looks like a flag is a query", "inspect", map[string]any{"query": "-o"}, `no resource has the ID, Name tag or IP "-o"`},
		{"a refused edit", "exposure", map[string]any{"assume": []string{"nothing at all"}}, "vpcscope:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := s.CallTool(context.Background(), &mcp.CallToolParams{Name: tt.tool, Arguments: tt.args})
			if err != nil {
				t.Fatal(err)
			}
			if !res.IsError || !strings.Contains(text(res), tt.want) {
				t.Fatalf("error %v: %s", res.IsError, text(res))
			}
		})
	}
	if v := callJSON(t, s, "reach", map[string]any{"from": "app-1a", "to": "db-1a", "port": 3306}); v.(map[string]any)["reachable"] != true {
		t.Fatalf("after the errors: %v", v)
	}
}

// TestMCPNeedsASource: without one the server does not start, exit 2.
func TestMCPNeedsASource(t *testing.T) {
	code, _, errOut := runMain(t, "", "mcp")
	if code != 2 || !strings.Contains(errOut, "mcp needs a network to serve") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}
