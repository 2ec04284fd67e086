package apiserver

import (
	"net/netip"
	"testing"

	"github.com/rsguard/rsguard/filters"
)

func TestRouteQueryMatch(t *testing.T) {
	e := RouteEntry{
		Peer:       "ix-a",
		Route:      filters.Route{Prefix: netip.MustParsePrefix("45.1.0.0/23")},
		Rejections: []filters.Rejection{{Reason: filters.ReasonPrefixLength}},
	}
	tests := []struct {
		name string
		q    RouteQuery
		want bool
	}{
		{"empty query", RouteQuery{}, true},
		{"peer", RouteQuery{Peer: "ix-a"}, true},
		{"other peer", RouteQuery{Peer: "ix-b"}, false},
		{"exact prefix", RouteQuery{Prefix: netip.MustParsePrefix("45.1.0.0/23")}, true},
		{"more specific is not exact", RouteQuery{Prefix: netip.MustParsePrefix("45.1.0.0/24")}, false},
		{"contains first", RouteQuery{Contains: netip.MustParseAddr("45.1.0.0")}, true},
		{"contains last", RouteQuery{Contains: netip.MustParseAddr("45.1.1.255")}, true},
		{"outside", RouteQuery{Contains: netip.MustParseAddr("45.1.2.0")}, false},
		{"other family", RouteQuery{Contains: netip.MustParseAddr("2a0a::1")}, false},
		{"reason present", RouteQuery{Reasons: []filters.Reason{filters.ReasonBogonASN, filters.ReasonPrefixLength}}, true},
		{"reason absent", RouteQuery{Reasons: []filters.Reason{filters.ReasonBogonASN}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.q.Match(e); got != tt.want {
				t.Errorf("Match = %t, want %t", got, tt.want)
			}
		})
	}
}

func TestEventFilterMatch(t *testing.T) {
	ps := Event{Peer: "ix-a", PeerState: &PeerStateChange{}}
	lag := Event{Lagged: &EventsLagged{Dropped: 1}}
	tests := []struct {
		name string
		f    EventFilter
		e    Event
		want bool
	}{
		{"no filter", EventFilter{}, ps, true},
		{"peer", EventFilter{Peer: "ix-a"}, ps, true},
		{"other peer", EventFilter{Peer: "ix-b"}, ps, false},
		{"type", EventFilter{Types: []EventType{EventPeerState}}, ps, true},
		{"other type", EventFilter{Types: []EventType{EventMaxPrefix}}, ps, false},
		{"lagged always", EventFilter{Peer: "ix-b", Types: []EventType{EventMaxPrefix}}, lag, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.Match(tt.e); got != tt.want {
				t.Errorf("Match = %t, want %t", got, tt.want)
			}
		})
	}
}

func TestEventType(t *testing.T) {
	tests := []struct {
		e    Event
		want EventType
	}{
		{Event{}, EventUnknown},
		{Event{PeerState: &PeerStateChange{}}, EventPeerState},
		{Event{RouteRejected: &RouteRejected{}}, EventRouteRejected},
		{Event{Dampening: &DampeningTransition{}}, EventDampening},
		{Event{IRRRefresh: &IRRRefreshOutcome{}}, EventIRRRefresh},
		{Event{MaxPrefix: &MaxPrefixSanction{}}, EventMaxPrefix},
		{Event{Lagged: &EventsLagged{}}, EventLagged},
	}
	for _, tt := range tests {
		if got := tt.e.Type(); got != tt.want {
			t.Errorf("%+v.Type() = %v, want %v", tt.e, got, tt.want)
		}
		if tt.want == EventUnknown {
			continue
		}
		if back, err := ParseEventType(tt.want.String()); err != nil || back != tt.want {
			t.Errorf("ParseEventType(%q) = %v, %v", tt.want.String(), back, err)
		}
	}
	if _, err := ParseEventType("nope"); err == nil {
		t.Error("ParseEventType(nope) succeeded")
	}
}

func TestParseRouteView(t *testing.T) {
	for _, v := range []RouteView{ViewReceived, ViewAccepted, ViewRejected, ViewAdvertised} {
		if got, err := ParseRouteView(v.String()); err != nil || got != v {
			t.Errorf("ParseRouteView(%q) = %v, %v", v.String(), got, err)
		}
	}
	if _, err := ParseRouteView("filtered"); err == nil {
		t.Error("ParseRouteView(filtered) succeeded")
	}
}

func TestConfigErrorText(t *testing.T) {
	tests := []struct {
		e    ConfigError
		want string
	}{
		{ConfigError{File: "rs.toml", Line: 42, Key: `peers."ix-a".import.max_len_v4`, Message: "33 out of range 8..32"}, `rs.toml:42: peers."ix-a".import.max_len_v4: 33 out of range 8..32`},
		{ConfigError{File: "rs.toml", Key: "api", Message: "m"}, "rs.toml: api: m"},
		{ConfigError{Message: "m"}, "m"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestStateNames(t *testing.T) {
	if PeerStateOpenConfirm.String() != "open_confirm" || PeerState(99).String() != "state_99" {
		t.Errorf("peer state names: %v %v", PeerStateOpenConfirm, PeerState(99))
	}
	if ResetHard.String() != "hard" || ResetSoftIn.String() != "soft_in" {
		t.Error("reset mode names")
	}
	if DampeningWouldSuppress.String() != "would_suppress" {
		t.Error("dampening action names")
	}
}
