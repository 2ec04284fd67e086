package routeserver

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
)

// Addresses of this file's tests: 127.10.23.0/24, same host layout as
// rawpeer_wire_test.go (.1 route server, .2 sender "a", .3 watcher "b").
func malformedAddr(host byte) string { return fmt.Sprintf("127.10.23.%d", host) }

// malformedConfig is wireConfig moved to 127.10.23.0/24, sender "a"
// allowed 45.23.0.0/16.
func malformedConfig() string {
	c := strings.ReplaceAll(wireConfig(), "127.10.10.", "127.10.23.")
	return strings.Replace(c, "45.10.0.0/16{16,24}", "45.23.0.0/16{16,24}", 1)
}

// eventLog keeps the route server's events.
type eventLog struct {
	mu sync.Mutex
	ev []Event
}

func (l *eventLog) add(e Event) { l.mu.Lock(); l.ev = append(l.ev, e); l.mu.Unlock() }

// malformed returns the malformed-update events naming prefix.
func (l *eventLog) malformed(prefix string) []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Event
	for _, e := range l.ev {
		if e.Kind == EventMalformedUpdate && e.MalformedUpdate != nil && slices.Contains(e.MalformedUpdate.Prefixes, prefix) {
			out = append(out, e)
		}
	}
	return out
}

// RFC 7606: an UPDATE with a malformed NEXT_HOP or ORIGIN is handled by
// treat-as-withdraw: the session stays up and the routes are withdrawn.
// GoBGP does that before any filter, so the routes never reach the store
// or the ADJIN watch as announcements; the malformed_update event (from
// GoBGP patch 13's log fields) is the only trace. It must name the peer,
// the prefix and the error, and a warning with snake_case keys must say
// the same.
func TestMalformedUpdateEvent(t *testing.T) {
	events := &eventLog{}
	var hook *test.Hook
	rs := startRS(t, malformedConfig(), func(s *Server) {
		s.opts.OnEvent = events.add
		hook = test.NewLocal(s.log)
	})
	b, err := dialRawPeerRetry(SpeakerConfig{ASN: 21002, RouterID: malformedAddr(wireWatcher),
		Address: malformedAddr(wireWatcher), RSAddr: malformedAddr(wireRS), RSPort: 179, RSASN: 21000})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	waitState(t, rs, "b", "ESTABLISHED")
	a, _, n := dialOpen(t, malformedAddr(wireSender), defaultOpen())
	if n != nil {
		t.Fatalf("correct OPEN refused: %s", n)
	}
	a.establish()
	waitState(t, rs, "a", "ESTABLISHED")
	ib := &inputBench{t: t, rs: rs, a: a}

	good := [][]byte{attrOrigin(0), attrASPath(asSeq4(wireASN)), attrNextHop(malformedAddr(wireSender))}
	sent := netip.MustParsePrefix("45.23.1.0/24")     // first seen in a malformed UPDATE
	replaced := netip.MustParsePrefix("45.23.2.0/24") // accepted, then re-announced malformed
	kept := netip.MustParsePrefix("45.23.3.0/24")     // never touched
	a.write(frame(allOnes, msgUpdate, updateBody(nil, good, nlri(replaced, kept))))
	ib.waitPropagated(replaced)
	ib.waitPropagated(kept)

	badNextHop := attr(flagWellKnown, 3, []byte{127, 10, 23, 2, 9}) // 5 octets
	badOrigin := attr(flagWellKnown, 1, []byte{0, 0})               // 2 octets
	for _, tc := range []struct {
		name   string
		attrs  [][]byte
		prefix netip.Prefix
		err    string
	}{
		{"NEXT_HOP of 5 octets", [][]byte{good[0], good[1], badNextHop}, sent, "nexthop"},
		{"ORIGIN of 2 octets", [][]byte{badOrigin, good[1], good[2]}, replaced, "origin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a.write(frame(allOnes, msgUpdate, updateBody(nil, tc.attrs, nlri(tc.prefix))))
			waitFor(t, 10*time.Second, "malformed_update event for "+tc.prefix.String(), func() bool {
				return len(events.malformed(tc.prefix.String())) > 0
			})
			e := events.malformed(tc.prefix.String())[0]
			m := e.MalformedUpdate
			if e.Peer != "a" || m.Handling != HandlingTreatAsWithdraw || m.PrefixCount != 1 ||
				!strings.Contains(strings.ToLower(m.Error), tc.err) {
				t.Fatalf("event %+v %+v: want peer a, treat_as_withdraw, 1 prefix, error about %s", e, *m, tc.err)
			}
			a.expectNoNotification(time.Second)
			waitState(t, rs, "a", "ESTABLISHED")
			waitFor(t, 10*time.Second, tc.prefix.String()+" gone from b", func() bool { return !ib.propagated(tc.prefix) })
			if ib.accepted(tc.prefix) {
				t.Fatalf("%s is in the store as accepted", tc.prefix)
			}
			if !ib.propagated(kept) {
				t.Fatalf("%s, from an earlier UPDATE, no longer propagated", kept)
			}
			if !warned(hook, tc.prefix.String()) {
				t.Fatalf("no warning naming %s with snake_case keys; entries: %v", tc.prefix, hook.AllEntries())
			}
		})
	}
	t.Run("malformed AS4_PATH", func(t *testing.T) {
		// RFC 6793 §6 (GoBGP patch 6): attribute discard, the route stays.
		p := netip.MustParsePrefix("45.23.4.0/24")
		as4 := attr(flagOptTrans, 17, []byte{2, 3, 0, 0, 0x52, 0x09})
		a.write(frame(allOnes, msgUpdate, updateBody(nil, append(good[:3:3], as4), nlri(p))))
		waitFor(t, 10*time.Second, "malformed_update event for "+p.String(), func() bool {
			return len(events.malformed(p.String())) > 0
		})
		e := events.malformed(p.String())[0]
		if e.Peer != "a" || e.MalformedUpdate.Handling != HandlingAttributeDiscard || e.MalformedUpdate.Error == "" {
			t.Fatalf("event %+v %+v: want peer a, attribute_discard, an error", e, *e.MalformedUpdate)
		}
		ib.waitPropagated(p)
		a.expectNoNotification(500 * time.Millisecond)
	})
}

// warned: a warning of the route server names the peer and the prefix in
// snake_case fields.
func warned(h *test.Hook, prefix string) bool {
	for _, e := range h.AllEntries() {
		p, _ := e.Data["prefixes"].([]string)
		if e.Level == logrus.WarnLevel && e.Data["peer"] == "a" && e.Data["prefix_count"] == 1 &&
			e.Data["error"] != "" && slices.Contains(p, prefix) {
			return true
		}
	}
	return false
}
