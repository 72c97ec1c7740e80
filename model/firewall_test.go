package model_test

import (
	"net/netip"
	"testing"

	"github.com/vpcscope/vpcscope/model"
)

// TestSGRuleICMPDoesNotWrap is issue 8 item 7 at the model: ICMP type
// 65544 in a rule read as int16 wrapped to 8, an echo request. Validate
// refuses the value at load; the model must not turn it into a real
// message either.
func TestSGRuleICMPDoesNotWrap(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from, to int32
		msg      model.ICMPTypeCode
		want     bool
	}{
		{"type 8 code any admits echo request", 8, -1, model.ICMPEchoRequest, true},
		{"all types (-1) admits echo request", -1, -1, model.ICMPEchoRequest, true},
		{"type 65544 does not wrap to echo request", 65544, -1, model.ICMPEchoRequest, false},
		{"code 65536 does not wrap to code 0", 8, 65536, model.ICMPEchoRequest, false},
		{"type 3 does not admit echo request", 3, -1, model.ICMPEchoRequest, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := model.SGRule{Protocol: model.ProtocolICMP, FromPort: tc.from, ToPort: tc.to}
			if got := r.ICMP().Matches(tc.msg); got != tc.want {
				t.Errorf("rule icmp %d/%d matches %v = %t, want %t", tc.from, tc.to, tc.msg, got, tc.want)
			}
		})
	}
}

// TestSGRuleAppendPeerFromIsPeerFrom checks that AppendPeerFrom writes
// what PeerFrom renders, for each kind of peer.
func TestSGRuleAppendPeerFromIsPeerFrom(t *testing.T) {
	for _, r := range []model.SGRule{
		{CIDR: netip.MustParsePrefix("10.0.0.0/8")},
		{CIDR: netip.MustParsePrefix("2001:db8::/32")},
		{PrefixListID: "pl-1"},
		{Group: &model.GroupRef{GroupID: "sg-1"}},
		{Group: &model.GroupRef{GroupID: "sg-1", UserID: "111111111111"}},
		{Group: &model.GroupRef{GroupID: "sg-1", UserID: "222222222222"}},
		{}, // no peer: PeerFrom renders the zero prefix
	} {
		if got, want := string(r.AppendPeerFrom([]byte("x "), "111111111111")), "x "+r.PeerFrom("111111111111"); got != want {
			t.Errorf("AppendPeerFrom = %q, want %q", got, want)
		}
	}
}
