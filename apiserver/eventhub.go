package apiserver

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// EventHub fans events out to subscribers without ever blocking the
// publisher: each subscriber has a bounded buffer, and events that do not
// fit are counted and reported to it as one EventsLagged. The daemon can
// implement EventBackend.SubscribeEvents with Subscribe.
type EventHub struct {
	buffer int
	now    func() time.Time

	mu   sync.Mutex
	subs map[*hubSubscriber]struct{}
	ring *eventRing // the last events, for subscribers with a Since
}

type hubSubscriber struct {
	filter  EventFilter
	ch      chan Event
	dropped atomic.Uint64
}

// NewEventHub returns a hub whose subscribers buffer up to buffer events
// (at least 1).
func NewEventHub(buffer int) *EventHub {
	return &EventHub{buffer: max(buffer, 1), now: time.Now, subs: make(map[*hubSubscriber]struct{}),
		ring: newEventRing(EventRingSize)}
}

// EventRingSize is how many events the hub keeps for late subscribers.
const EventRingSize = 2048

// Publish delivers e to every matching subscriber that has room and counts
// a drop for the others. It never blocks.
func (h *EventHub) Publish(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ring.add(e)
	for s := range h.subs {
		if !s.filter.Match(e) {
			continue
		}
		select {
		case s.ch <- e:
		default:
			s.dropped.Add(1)
		}
	}
}

// Subscribers reports how many subscriptions are open (for tests and
// metrics).
func (h *EventHub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Subscribe calls emit for each published event matching f until ctx is
// done (returns nil) or emit fails (returns its error). After an event, if
// events were dropped meanwhile, it emits one EventsLagged with their count.
func (h *EventHub) Subscribe(ctx context.Context, f EventFilter, emit func(Event) error) error {
	s := &hubSubscriber{filter: f, ch: make(chan Event, h.buffer)}
	var replay []Event
	h.mu.Lock()
	if !f.Since.IsZero() {
		replay = h.ring.since(f) // under the same lock: no event is missed or seen twice
	}
	if !f.NoFollow {
		h.subs[s] = struct{}{}
	}
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.subs, s)
		h.mu.Unlock()
	}()
	for _, e := range replay {
		if err := emit(e); err != nil {
			return err
		}
	}
	if f.NoFollow {
		return nil
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case e := <-s.ch:
			if err := emit(e); err != nil {
				return err
			}
			if n := s.dropped.Swap(0); n > 0 {
				if err := emit(Event{Time: h.now(), Lagged: &EventsLagged{Dropped: n}}); err != nil {
					return err
				}
			}
		}
	}
}
