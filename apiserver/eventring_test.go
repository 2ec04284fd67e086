package apiserver

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// Events published before anyone subscribed are replayed to a subscriber
// that asks for them, oldest first, filtered, bounded by the ring's size;
// route rejections are not kept.
func TestEventHubReplaysKeptEvents(t *testing.T) {
	h := NewEventHub(16)
	start := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	total := EventRingSize + 10
	for i := range total {
		h.Publish(Event{Time: start.Add(time.Duration(i) * time.Second), Peer: fmt.Sprintf("p%d", i%2),
			PeerState: &PeerStateChange{Reason: fmt.Sprint(i)}})
		h.Publish(Event{Time: start.Add(time.Duration(i) * time.Second), Peer: "p0", RouteRejected: &RouteRejected{}})
		h.Publish(Event{Time: start.Add(time.Duration(i) * time.Second), Peer: "p0", VerdictChange: &VerdictChange{}})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	collect := func(f EventFilter) []Event {
		t.Helper()
		var got []Event
		if err := h.Subscribe(ctx, f, func(e Event) error { got = append(got, e); return nil }); err != nil {
			t.Fatal(err)
		}
		return got
	}
	all := collect(EventFilter{Since: start, NoFollow: true})
	if len(all) != EventRingSize {
		t.Fatalf("replayed %d events, want the ring's %d", len(all), EventRingSize)
	}
	if all[0].PeerState.Reason != "10" || all[len(all)-1].PeerState.Reason != fmt.Sprint(total-1) {
		t.Fatalf("replay runs %s..%s, want the newest, oldest first", all[0].PeerState.Reason, all[len(all)-1].PeerState.Reason)
	}
	recent := collect(EventFilter{Peer: "p1", Since: start.Add(time.Duration(total-4) * time.Second), NoFollow: true})
	if len(recent) != 2 || recent[0].Peer != "p1" || recent[1].PeerState.Reason != fmt.Sprint(total-1) {
		t.Fatalf("since+peer filter replayed %+v", recent)
	}
	// a follower gets the replay, then live events
	got := make(chan Event, 8)
	fctx, fcancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- h.Subscribe(fctx, EventFilter{Since: start.Add(time.Duration(total-1) * time.Second)}, func(e Event) error {
			got <- e
			return nil
		})
	}()
	if e := <-got; e.PeerState.Reason != fmt.Sprint(total-1) {
		t.Fatalf("first followed event %+v, want the replayed one", e)
	}
	for deadline := time.Now().Add(5 * time.Second); h.Subscribers() != 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("follower never registered")
		}
	}
	h.Publish(Event{Time: time.Now(), Peer: "p0", MaxPrefix: &MaxPrefixSanction{Family: "ipv4"}})
	if e := <-got; e.MaxPrefix == nil {
		t.Fatalf("live event %+v", e)
	}
	fcancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
