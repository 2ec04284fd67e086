package apiserver_test

import (
	"strings"
	"testing"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/filters"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
)

// The proto RejectReason and filters.Reason must carry the same numbers and
// names: REJECT_REASON_<NAME> = code for every reason, nothing more.
func TestRejectReasonMatchesFilters(t *testing.T) {
	values := rsguardv1.RejectReason(0).Descriptor().Values()
	inProto := map[int32]string{}
	for i := 0; i < values.Len(); i++ {
		v := values.Get(i)
		inProto[int32(v.Number())] = string(v.Name())
	}
	if inProto[0] != "REJECT_REASON_UNSPECIFIED" {
		t.Errorf("value 0 is %q, want REJECT_REASON_UNSPECIFIED", inProto[0])
	}
	for _, r := range filters.AllReasons() {
		want := "REJECT_REASON_" + strings.ToUpper(r.Name())
		if got, ok := inProto[int32(r)]; !ok || got != want {
			t.Errorf("filters reason %d %q: proto has %q, want %q", r, r.Name(), got, want)
		}
		if got := apiserver.ReasonToProto(r); got.String() != want {
			t.Errorf("ReasonToProto(%v) = %v", r, got)
		}
		back, err := apiserver.ReasonFromProto(apiserver.ReasonToProto(r))
		if err != nil || back != r {
			t.Errorf("round trip of %v: %v, %v", r, back, err)
		}
	}
	if len(inProto) != len(filters.AllReasons())+1 {
		t.Errorf("proto has %d values, filters %d reasons (+UNSPECIFIED): %v", len(inProto), len(filters.AllReasons()), inProto)
	}
	for num, name := range inProto {
		if num == 0 {
			continue
		}
		r, ok := filters.ReasonByName(strings.ToLower(strings.TrimPrefix(name, "REJECT_REASON_")))
		if !ok || int32(r) != num {
			t.Errorf("proto %s = %d has no filters reason with that name and code", name, num)
		}
	}
}
