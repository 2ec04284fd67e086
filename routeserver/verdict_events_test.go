package routeserver

import (
	"fmt"
	"io"
	"net/netip"
	"testing"

	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routestore"
	"github.com/sirupsen/logrus"
)

func TestVerdictEventsCoalesceMassFlip(t *testing.T) {
	var events []Event
	log := logrus.New()
	log.SetOutput(io.Discard)
	s := &Server{log: log, opts: Options{OnEvent: func(e Event) { events = append(events, e) }}}
	rej := filters.Verdict{Rejections: []filters.Rejection{{Reason: filters.ReasonPrefixNotRegistered}}}
	b := routestore.ChangeBatch{Cause: routestore.CauseReload}
	for i := 0; i < MaxVerdictEventsPerBatch+6; i++ {
		p := netip.MustParsePrefix(fmt.Sprintf("45.%d.%d.0/24", i/256, i%256))
		b.Changes = append(b.Changes, routestore.Change{Peer: "a", Key: routestore.Key{Prefix: p}, New: rej, Cause: b.Cause})
	}
	b.Changes = append(b.Changes, routestore.Change{Peer: "b", Old: rej, Cause: b.Cause}, routestore.Change{Peer: "b", New: rej, Cause: b.Cause})
	s.onVerdictChanges(b)
	perRoute := map[string]int{}
	sums := map[string]*VerdictSummary{}
	for _, e := range events {
		switch e.Kind {
		case EventVerdictChange:
			perRoute[e.Peer]++
		case EventVerdictSummary:
			sums[e.Peer] = e.VerdictSummary
		}
	}
	if perRoute["a"] != MaxVerdictEventsPerBatch || perRoute["b"] != 2 {
		t.Fatalf("per-route events %v", perRoute)
	}
	if a := sums["a"]; a == nil || a.AcceptedToRejected != MaxVerdictEventsPerBatch+6 || a.OmittedRouteEvents != 6 ||
		a.Text("a") != fmt.Sprintf("reload: %d routes accepted→rejected on peer a", MaxVerdictEventsPerBatch+6) {
		t.Errorf("summary a %+v", a)
	}
	if b := sums["b"]; b == nil || b.AcceptedToRejected != 1 || b.RejectedToAccepted != 1 || b.Text("b") != "reload: 1 routes accepted→rejected, 1 routes rejected→accepted on peer b" {
		t.Errorf("summary b %+v", b)
	}
	// a lone announcement flip is its own event, without a summary
	events = nil
	s.onVerdictChanges(routestore.ChangeBatch{Cause: routestore.CauseAnnouncement, Changes: []routestore.Change{{Peer: "a", New: rej}}})
	if len(events) != 1 || events[0].Kind != EventVerdictChange {
		t.Errorf("announcement: %+v", events)
	}
}
