package routestore

import (
	"testing"

	"github.com/rsguard/rsguard/filters"
)

func TestFamilyCountsSplitAndAddUp(t *testing.T) {
	s := New(0)
	s.Put(entry("a", "45.1.0.0/24"))
	s.Put(entry("a", "45.9.0.0/24", filters.ReasonPrefixNotRegistered))
	s.Put(entry("a", "2a0a:4580::/32"))
	s.Put(entry("a", "2a0a:4581::/32", filters.ReasonPrefixNotRegistered, filters.ReasonBogonPrefix))
	s.Put(entry("a", "2a0a:4582::/32", filters.ReasonPrefixNotRegistered))
	s.Put(entry("b", "45.2.0.0/24"))
	fc := s.FamilyCounts("a")
	if v4 := fc[0]; v4.Received != 2 || v4.Accepted != 1 || v4.Rejected != 1 || v4.ByReason[filters.ReasonPrefixNotRegistered] != 1 {
		t.Fatalf("ipv4 %+v", v4)
	}
	if v6 := fc[1]; v6.Received != 3 || v6.Accepted != 1 || v6.Rejected != 2 ||
		v6.ByReason[filters.ReasonPrefixNotRegistered] != 2 || v6.ByReason[filters.ReasonBogonPrefix] != 1 {
		t.Fatalf("ipv6 %+v", v6)
	}
	total, sum := s.Counts("a"), fc[0].Plus(fc[1])
	if sum.Received != total.Received || sum.Accepted != total.Accepted || sum.Rejected != total.Rejected ||
		sum.ByReason[filters.ReasonPrefixNotRegistered] != total.ByReason[filters.ReasonPrefixNotRegistered] {
		t.Fatalf("families %+v do not add up to %+v", fc, total)
	}
	if none := s.FamilyCounts("nobody"); none[0].Received != 0 || none[1].Received != 0 {
		t.Fatalf("unknown peer %+v", none)
	}
}
