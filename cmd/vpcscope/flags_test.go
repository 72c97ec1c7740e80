package main

import (
	"strings"
	"testing"
)

// TestNumericFlagsDoNotWrapAround: every numeric flag is checked against
// its range before use, with a one-line error and exit 2. Before, a port of
// 70000 was answered as tcp/4464 (70000 mod 65536) and ICMP type 65544 as
// an echo request (type 8).
func TestNumericFlagsDoNotWrapAround(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"exposure --port 70000 is an error, not tcp/4464", []string{"exposure", "--demo", "--port", "70000"}, "--port 70000: want 1 to 65535"},
		{"exposure --port -1 is an error, not tcp/65535", []string{"exposure", "--demo", "--port", "-1"}, "--port -1: want 1 to 65535"},
		{"reach --port 65536 is an error, not tcp/0", []string{"reach", "--demo", "--from", "web-1a", "--to", "db-1a", "--port", "65536"}, "--port 65536: want 1 to 65535"},
		{"reach --source-port 70000 is an error", []string{"reach", "--demo", "--from", "web-1a", "--to", "db-1a", "--port", "3306", "--source-port", "70000"}, "--source-port 70000: want 1 to 65535"},
		{"reach --icmp-type 65544 is an error, not an echo request", []string{"reach", "--demo", "--from", "web-1a", "--to", "db-1a", "--protocol", "icmp", "--icmp-type", "65544"}, "--icmp-type 65544: want 0 to 255"},
		{"reach --icmp-type -1 given explicitly is an error", []string{"reach", "--demo", "--from", "web-1a", "--to", "db-1a", "--protocol", "icmp", "--icmp-type", "-1"}, "--icmp-type -1: want 0 to 255"},
		{"reach --icmp-code 256 is an error", []string{"reach", "--demo", "--from", "web-1a", "--to", "db-1a", "--protocol", "icmp", "--icmp-type", "3", "--icmp-code", "256"}, "--icmp-code 256: want 0 to 255"},
		{"reach --icmp-code without --icmp-type is an error, not ignored", []string{"reach", "--demo", "--from", "web-1a", "--to", "db-1a", "--protocol", "icmp", "--icmp-code", "4"}, "--icmp-code needs --icmp-type"},
		{"who-can-reach --port 70000 is an error", []string{"who-can-reach", "--demo", "--to", "db-1a", "--port", "70000"}, "--port 70000: want 1 to 65535"},
		{"--workers 0 is an error before any call", []string{"inspect", "--region", "us-east-1", "--workers", "0"}, "--workers 0: want 1 to 64"},
		{"--workers 100000 is an error before any call", []string{"inspect", "--region", "us-east-1", "--workers", "100000"}, "--workers 100000: want 1 to 64"},
		{"a port that is not a number is a usage error", []string{"exposure", "--demo", "--port", "http"}, "invalid argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runMain(t, "", tt.args...)
			if code != exitBadInput {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitBadInput, out, errOut)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr %q lacks %q", errOut, tt.wantErr)
			}
			if strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("error is not one line:\n%s", errOut)
			}
			if out != "" {
				t.Errorf("a refused query printed an answer:\n%s", out)
			}
		})
	}
}

// TestEndpointsThatAreNoHost: addresses no host has, and the internet on
// both ends, are refused with a reason (exit 2) instead of being answered
// as internet hosts.
func TestEndpointsThatAreNoHost(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		wantErr  string
	}{
		{"--from internet --to internet is refused, not answered reachable", "internet", "internet", "both on the internet"},
		{"two internet addresses are refused too", "8.8.8.8", "1.1.1.1", "both on the internet"},
		{"0.0.0.0 is not an internet source", "0.0.0.0", "web-1a", "0.0.0.0 is the unspecified address"},
		{"255.255.255.255 is not an internet destination", "web-1a", "255.255.255.255", "the limited broadcast address"},
		{"a multicast group is not an internet source", "224.0.0.1", "web-1a", "a multicast address"},
		{"an IPv6 multicast group is not a destination", "web-1a", "ff02::1", "a multicast address"},
		{"loopback is not a destination", "web-1a", "127.0.0.1", "a loopback address"},
		{"the instance metadata address is link-local, not a destination", "web-1a", "169.254.169.254", "a link-local address"},
		{"the IPv6 unspecified address is not a source", "::", "web-1a", "the unspecified address"},
		{"class E space is reserved, not the internet", "240.0.0.1", "web-1a", "a reserved address"},
		{"0.1.2.3 (this network) is reserved, not the internet", "web-1a", "0.1.2.3", "a reserved address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runMain(t, "", "reach", "--demo", "--from", tt.from, "--to", tt.to, "--port", "443")
			if code != exitBadInput {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitBadInput, out, errOut)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr %q lacks %q", errOut, tt.wantErr)
			}
		})
	}
	// A public address outside every VPC is still an internet host.
	if code, _, errOut := runMain(t, "", "reach", "--demo", "--from", "8.8.8.8", "--to", "web-1a", "--port", "443"); code == exitBadInput {
		t.Errorf("8.8.8.8 refused as a source: %s", errOut)
	}
}

// TestHugeEndpointGivesAShortError: a 100 kB --from is refused at once with
// a one-line error that echoes only its start. Before, it took seconds (an
// edit distance against every name) and the error echoed all of it.
func TestHugeEndpointGivesAShortError(t *testing.T) {
	huge := strings.Repeat("web-1a", 100000/6)
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"reach --from", []string{"reach", "--demo", "--from", huge, "--to", "db-1a", "--port", "3306"}},
		{"reach --to", []string{"reach", "--demo", "--from", "web-1a", "--to", huge, "--port", "3306"}},
		{"inspect", []string{"inspect", "--demo", huge}},
		{"who-can-reach --to", []string{"who-can-reach", "--demo", "--to", huge, "--port", "3306"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runMain(t, "", tt.args...)
			if code != exitBadInput {
				t.Fatalf("exit %d, want 2: %.300s", code, errOut)
			}
			if len(errOut) > 300 || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("error is %d bytes, want one short line: %.300s…", len(errOut), errOut)
			}
			if !strings.Contains(errOut, "…") {
				t.Errorf("error does not show the input was cut: %s", errOut)
			}
		})
	}
}
