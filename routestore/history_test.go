package routestore

import (
	"context"
	"fmt"
	"net/netip"
	"testing"

	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/rpki"
)

func rejectIf(bad map[netip.Prefix]bool) func(string, filters.Route) filters.Verdict {
	return func(_ string, r filters.Route) filters.Verdict {
		if bad[r.Prefix] {
			return filters.Verdict{Rejections: []filters.Rejection{{Reason: filters.ReasonPrefixNotRegistered, Detail: "not in AS-FOO"}}}
		}
		return filters.Verdict{}
	}
}

func TestHistoryRecordsFlipsWithCause(t *testing.T) {
	s := New(0)
	var batches []ChangeBatch
	s.OnChange(func(b ChangeBatch) { batches = append(batches, b) })
	p1, p2 := netip.MustParsePrefix("45.1.0.0/24"), netip.MustParsePrefix("45.2.0.0/24")
	s.Put(entry("a", p1.String()))
	s.Put(entry("a", p2.String()))
	s.Put(entry("b", p1.String()))
	if len(batches) != 0 || s.HistoryRoutes() != 0 {
		t.Fatalf("first announcements are no change: %v, %d routes tracked", batches, s.HistoryRoutes())
	}

	if n := s.ReevaluateBecause(CauseReload, "a", rejectIf(map[netip.Prefix]bool{p1: true})); n != 1 {
		t.Fatalf("reload flipped %d, want 1", n)
	}
	// unchanged verdicts make no batch
	s.ReevaluateBecause(CauseReload, "a", rejectIf(map[netip.Prefix]bool{p1: true}))
	s.ReevaluateKeysBecause(IRRCause("AS-FOO"), "a", []Key{{Prefix: p1}}, func(r filters.Route) filters.Verdict { return filters.Verdict{} })
	s.Put(entry("a", p1.String(), filters.ReasonMaxPrefixBlocked))
	s.Put(entry("a", p1.String(), filters.ReasonBogonPrefix, filters.ReasonMaxPrefixBlocked)) // still rejected: no change

	wantCauses := []string{CauseReload, "irr refresh AS-FOO", CauseMaxPrefix}
	if len(batches) != len(wantCauses) {
		t.Fatalf("%d batches, want %d: %+v", len(batches), len(wantCauses), batches)
	}
	for i, c := range wantCauses {
		if batches[i].Cause != c || len(batches[i].Changes) != 1 {
			t.Errorf("batch %d: %+v, want cause %q with one change", i, batches[i], c)
		}
	}
	h := s.History(p1, "a")
	if len(h) != 3 {
		t.Fatalf("history of %s: %d changes, want 3: %+v", p1, len(h), h)
	}
	// newest first, with both verdicts
	if h[0].Cause != CauseMaxPrefix || h[0].Accepted() || !h[0].Old.Accepted() {
		t.Errorf("newest %+v", h[0])
	}
	if h[2].Cause != CauseReload || h[2].New.Rejections[0].Detail != "not in AS-FOO" || !h[2].Old.Accepted() {
		t.Errorf("oldest %+v", h[2])
	}
	if got := s.History(p1, "b"); len(got) != 0 {
		t.Errorf("peer b never changed, history %+v", got)
	}
	if got := s.History(p1, ""); len(got) != 3 {
		t.Errorf("all peers: %d", len(got))
	}
	if got := s.History(p2, ""); len(got) != 0 {
		t.Errorf("%s never changed: %+v", p2, got)
	}
}

func TestHistoryRPKICoveredCause(t *testing.T) {
	s := New(0)
	p := netip.MustParsePrefix("45.3.0.0/24")
	s.Put(entry("a", p.String()))
	s.ReevaluateCovered(func(netip.Prefix) bool { return true }, func(string, filters.Route) filters.Verdict {
		return filters.Verdict{RPKI: rpki.StateInvalid, Rejections: []filters.Rejection{{Reason: filters.ReasonRPKIInvalid}}}
	})
	if h := s.History(p, "a"); len(h) != 1 || h[0].Cause != CauseRPKI {
		t.Fatalf("history %+v", h)
	}
}

func TestHistoryBounds(t *testing.T) {
	h := newHistory(HistoryPerRoute + 2)
	var cs []Change
	for i := 0; i < 20; i++ {
		cs = append(cs, Change{Peer: "a", Key: Key{Prefix: netip.MustParsePrefix("45.1.0.0/24")}, Cause: fmt.Sprint(i)})
	}
	h.record(cs)
	got := h.query(netip.MustParsePrefix("45.1.0.0/24"), "a")
	if len(got) != HistoryPerRoute {
		t.Fatalf("per-route ring holds %d, want %d", len(got), HistoryPerRoute)
	}
	// the ring keeps the last ones, newest first
	if got[0].Cause != "19" || got[HistoryPerRoute-1].Cause != "12" {
		t.Errorf("kept %s..%s, want 19..12", got[0].Cause, got[HistoryPerRoute-1].Cause)
	}
	for i := 0; i < 5; i++ {
		h.record([]Change{{Peer: "a", Key: Key{Prefix: netip.MustParsePrefix(fmt.Sprintf("45.2.%d.0/24", i))}}})
	}
	// 8 + 5 changes > 10: the route changed least recently went whole
	if h.tracked() != 5 || h.changes != 5 {
		t.Fatalf("%d routes, %d changes tracked", h.tracked(), h.changes)
	}
	if len(h.query(netip.MustParsePrefix("45.1.0.0/24"), "")) != 0 || len(h.byPrefix) != 5 {
		t.Errorf("least recently changed route not forgotten, byPrefix %v", h.byPrefix)
	}
	if len(h.query(netip.MustParsePrefix("45.2.4.0/24"), "")) != 1 {
		t.Error("newest route forgotten")
	}
}

func TestCauseFromContext(t *testing.T) {
	if got := CauseFrom(context.Background(), "x"); got != "x" {
		t.Errorf("default %q", got)
	}
	if got := CauseFrom(WithCause(context.Background(), CauseReload), "x"); got != CauseReload {
		t.Errorf("got %q", got)
	}
	if IRRCause("") != "irr refresh" {
		t.Error(IRRCause(""))
	}
}

func TestAnnouncementCause(t *testing.T) {
	rej := func(r filters.Reason) filters.Verdict {
		return filters.Verdict{Rejections: []filters.Rejection{{Reason: r}}}
	}
	for _, c := range []struct {
		old, next filters.Verdict
		want      string
	}{
		{filters.Verdict{}, rej(filters.ReasonDampened), CauseDampening},
		{rej(filters.ReasonDampened), filters.Verdict{}, CauseDampening},
		{filters.Verdict{}, rej(filters.ReasonMaxPrefixBlocked), CauseMaxPrefix},
		{filters.Verdict{}, rej(filters.ReasonBogonASN), CauseAnnouncement},
	} {
		if got := announcementCause(c.old, c.next); got != c.want {
			t.Errorf("%+v → %+v: %q, want %q", c.old, c.next, got, c.want)
		}
	}
}
