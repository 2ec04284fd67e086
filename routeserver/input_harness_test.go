package routeserver

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/rsguard/rsguard/routestore"
)

// inputBench is a route server with a well-behaved watcher "b" (to see
// what gets propagated) and the byte-level sender "a".
type inputBench struct {
	t  testing.TB
	rs *Server
	a  *wirePeer
}

// newInputBench starts the route server and the watcher; the sender is
// not connected yet (openSender).
func newInputBench(t *testing.T) *inputBench {
	t.Helper()
	rs := startRS(t, wireConfig(), nil)
	b, err := dialRawPeerRetry(SpeakerConfig{ASN: 21002, RouterID: wireAddr(wireWatcher),
		Address: wireAddr(wireWatcher), RSAddr: wireAddr(wireRS), RSPort: 179, RSASN: 21000})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	waitState(t, rs, "b", "ESTABLISHED")
	return &inputBench{t: t, rs: rs}
}

// establishedBench: the sender's session is up with a correct OPEN.
func establishedBench(t *testing.T) *inputBench {
	t.Helper()
	ib := newInputBench(t)
	if _, n := ib.openSender(defaultOpen()); n != nil {
		t.Fatalf("correct OPEN refused: %s", n)
	}
	ib.a.establish()
	waitState(t, ib.rs, "a", "ESTABLISHED")
	return ib
}

// openSender connects the sender and sends o; it returns the route
// server's OPEN, or the NOTIFICATION refusing o.
func (ib *inputBench) openSender(o openMsg) (peerOpen []byte, n *notification) {
	ib.t.Helper()
	ib.a, peerOpen, n = dialOpen(ib.t, wireAddr(wireSender), o)
	return peerOpen, n
}

// accepted: the sender's route is in the store and passed every check.
func (ib *inputBench) accepted(p netip.Prefix) bool {
	e, ok := ib.rs.Store().Get("a", routestore.Key{Prefix: p})
	return ok && e.Verdict.Accepted()
}

// received: the route server holds the sender's route, whatever its verdict.
func (ib *inputBench) received(p netip.Prefix) bool {
	_, ok := ib.rs.Store().Get("a", routestore.Key{Prefix: p})
	return ok
}

// propagated: the route server advertises the prefix to the watcher.
func (ib *inputBench) propagated(p netip.Prefix) bool {
	found := false
	err := ib.rs.Advertised(context.Background(), "b", func(e routestore.Entry) bool {
		found = e.Key.Prefix == p
		return !found
	})
	if err != nil {
		ib.t.Fatal(err)
	}
	return found
}

// waitPropagated waits until the prefix is accepted from "a" and sent to "b".
func (ib *inputBench) waitPropagated(p netip.Prefix) {
	ib.t.Helper()
	waitFor(ib.t, 10*time.Second, p.String()+" accepted and propagated", func() bool {
		return ib.accepted(p) && ib.propagated(p)
	})
}

// announceValid sends a correct UPDATE for p and waits until it is propagated.
func (ib *inputBench) announceValid(p netip.Prefix) {
	ib.t.Helper()
	ib.a.write(frame(allOnes, msgUpdate, updateBody(nil, validAttrs(), nlri(p))))
	ib.waitPropagated(p)
}

// sessionDown waits until the route server reports the sender not Established.
func (ib *inputBench) sessionDown() {
	ib.t.Helper()
	waitFor(ib.t, 10*time.Second, "session a down", func() bool {
		for _, p := range ib.rs.Peers() {
			if p.Name == "a" {
				return p.State != "ESTABLISHED"
			}
		}
		return false
	})
}

// dialRawPeerRetry: GoBGP resets connections for a moment while a new
// peer's FSM leaves Idle, so the first attempts may fail.
func dialRawPeerRetry(c SpeakerConfig) (*RawPeer, error) {
	var err error
	for i := 0; i < 40; i++ {
		var p *RawPeer
		if p, err = DialRawPeer(context.Background(), c); err == nil {
			return p, nil
		}
		time.Sleep(250 * time.Millisecond)
	}
	return nil, err
}
