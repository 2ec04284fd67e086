package apiserver

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A subscriber that does not read loses what does not fit in its buffer
// and is then told how many events it lost; Publish never blocks.
func TestEventHubLagsSlowSubscriber(t *testing.T) {
	h := NewEventHub(2)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ready := make(chan struct{})
	release := make(chan struct{})
	got := make(chan Event, 16)
	done := make(chan error, 1)
	go func() {
		first := true
		done <- h.Subscribe(ctx, EventFilter{}, func(e Event) error {
			got <- e
			if first {
				first = false
				close(ready)
				<-release // stall, as a slow client would
			}
			return nil
		})
	}()
	deadline := time.Now().Add(5 * time.Second)
	for h.Subscribers() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("subscription never registered")
		}
		time.Sleep(time.Millisecond)
	}
	h.Publish(Event{Peer: "p0", PeerState: &PeerStateChange{}})
	<-ready // the subscriber holds p0 and stalls
	for i := 1; i <= 5; i++ {
		h.Publish(Event{Peer: "p", PeerState: &PeerStateChange{}}) // 2 fit, 3 are dropped
	}
	close(release)
	var types []EventType
	var dropped uint64
	for len(types) < 4 {
		select {
		case e := <-got:
			types = append(types, e.Type())
			if e.Lagged != nil {
				dropped = e.Lagged.Dropped
			}
		case <-ctx.Done():
			t.Fatalf("got only %v", types)
		}
	}
	want := []EventType{EventPeerState, EventLagged, EventPeerState, EventPeerState}
	for i := range want {
		if types[i] != want[i] {
			t.Fatalf("event order %v, want %v", types, want)
		}
	}
	if dropped != 3 {
		t.Errorf("lagged reports %d dropped, want 3", dropped)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Subscribe after cancel: %v", err)
	}
	if h.Subscribers() != 0 {
		t.Errorf("%d subscribers left after cancel", h.Subscribers())
	}
}

func TestEventHubFiltersAndEmitError(t *testing.T) {
	h := NewEventHub(8)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stop := errors.New("client gone")
	var seen []string
	done := make(chan error, 1)
	go func() {
		done <- h.Subscribe(ctx, EventFilter{Peer: "ix-a"}, func(e Event) error {
			seen = append(seen, e.Peer)
			return stop
		})
	}()
	deadline := time.Now().Add(5 * time.Second)
	for h.Subscribers() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("subscription never registered")
		}
		time.Sleep(time.Millisecond)
	}
	h.Publish(Event{Peer: "ix-b", PeerState: &PeerStateChange{}})
	h.Publish(Event{Peer: "ix-a", PeerState: &PeerStateChange{}})
	select {
	case err := <-done:
		if !errors.Is(err, stop) {
			t.Errorf("Subscribe returned %v, want the emit error", err)
		}
	case <-ctx.Done():
		t.Fatal("Subscribe did not return the emit error")
	}
	if len(seen) != 1 || seen[0] != "ix-a" {
		t.Errorf("seen %v, want only ix-a", seen)
	}
}
