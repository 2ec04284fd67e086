package daemon

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/routeserver"
)

// A malformed_update event reaches the API with its fields and is kept in
// the event ring, so `rsctl events --since` shows it after the fact.
func TestMalformedUpdateEventKept(t *testing.T) {
	d := &Daemon{hub: apiserver.NewEventHub(16)}
	at := time.Now()
	d.onEvent(routeserver.Event{Kind: routeserver.EventMalformedUpdate, Time: at, Peer: "a",
		MalformedUpdate: &routeserver.MalformedUpdate{Handling: routeserver.HandlingTreatAsWithdraw,
			Prefixes: []string{"45.23.1.0/24"}, PrefixCount: 1, Error: "nexthop length isn't correct"}})
	var got []apiserver.Event
	err := d.hub.Subscribe(context.Background(), apiserver.EventFilter{Since: at.Add(-time.Second), NoFollow: true,
		Types: []apiserver.EventType{apiserver.EventMalformedUpdate}}, func(e apiserver.Event) error {
		got = append(got, e)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Peer != "a" || got[0].MalformedUpdate == nil {
		t.Fatalf("replayed %+v", got)
	}
	m := got[0].MalformedUpdate
	if m.Handling != "treat_as_withdraw" || !slices.Equal(m.Prefixes, []string{"45.23.1.0/24"}) || m.PrefixCount != 1 ||
		m.Error != "nexthop length isn't correct" {
		t.Fatalf("payload %+v", *m)
	}
}
