package reach_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/reach"
)

// TestQueriesNoHostCanSend: the engine itself (not only the CLI) refuses
// values a packet cannot carry and endpoints no host can be, so a library
// caller never gets an answer for a wrapped-around or impossible query.
func TestQueriesNoHostCanSend(t *testing.T) {
	icmp := func(typ, code int16) reach.Query {
		return reach.Query{From: "i-client", To: "i-server", Protocol: model.ProtocolICMP, ICMP: &model.ICMPTypeCode{Type: typ, Code: code}}
	}
	cases := []struct {
		name string
		q    reach.Query
		say  string
	}{
		{"an ICMP type above 255 is refused (the field is one octet, RFC 792)", icmp(300, -1), "ICMP type 300: want 0 to 255"},
		{"a negative ICMP type is refused", icmp(-1, -1), "ICMP type -1"},
		{"an ICMP code above 255 is refused", icmp(3, 256), "ICMP code 256"},
		{"a destination port above 65535 is refused", tcp("i-client", "i-server", 65536), "port 65536: want 1 to 65535"},
		{"a source port above 65535 is refused", withSourcePort(tcp("i-client", "i-server", 22), 70000), "source port 70000"},
		{"the internet on both ends is refused", tcp("internet", "internet", 443), "both on the internet"},
		{"an internet address to the internet is refused", tcp("203.0.113.9", "internet", 443), "both on the internet"},
		{"0.0.0.0 is no source", tcp("0.0.0.0", "i-server", 22), "unspecified"},
		{"255.255.255.255 is no destination", tcp("i-client", "255.255.255.255", 22), "limited broadcast"},
		{"multicast is no destination", tcp("i-client", "239.1.2.3", 22), "multicast"},
		{"loopback is no destination", tcp("i-client", "::1", 22), "loopback"},
		{"IPv6 link-local is no destination", tcp("i-client", "fe80::1", 22), "link-local"},
		{"reserved 240.0.0.0/4 is no internet source", tcp("250.1.2.3", "i-server", 22), "reserved"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := reach.New(lan().s).Reach(c.q)
			var ie *reach.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("want an *reach.InputError, got %v (answer %v)", err, a)
			}
			if !strings.Contains(ie.Error(), c.say) {
				t.Errorf("error %q does not say %q", ie, c.say)
			}
		})
	}
}
