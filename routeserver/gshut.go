package routeserver

import (
	"context"
	"fmt"
	"time"

	"github.com/rsguard/rsguard/filters"
)

// Graceful shutdown (RFC 8326). A peer's routes, or every route, get
// GRACEFUL_SHUTDOWN and the lowest LOCAL_PREF on import while the peer (or
// the server) is being shut down: its import policy matches every prefix
// of a set that is empty otherwise (filters/actions.go), and a soft reset
// in re-announces the stored routes tagged.

// DefaultGracefulWait is how long a graceful shutdown waits between
// tagging the routes and ending the session, when the caller gives no
// time: long enough for the clients to move traffic to other paths.
const DefaultGracefulWait = 30 * time.Second

// setGshut fills (on) or empties a pair of graceful-shutdown sets.
func (s *Server) setGshut(ctx context.Context, set4, set6 string, on bool) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	for _, f := range []struct {
		set string
		v4  bool
	}{{set4, true}, {set6, false}} {
		r := []filters.PrefixRange{filters.AllPrefixes(f.v4)}
		var err error
		if on {
			err = updatePrefixSet(ctx, s.bgp, f.set, nil, r)
		} else {
			err = updatePrefixSet(ctx, s.bgp, f.set, r, nil)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// GracefulShutdownPeer tags every route of the peer with GRACEFUL_SHUTDOWN
// toward the others, waits so they can move their traffic, then ends the
// session with an RFC 8203 message. The tag is lifted once the session is
// down, so the routes come back untagged when the peer is enabled again.
// A cancelled ctx during the wait leaves the session up and untagged.
func (s *Server) GracefulShutdownPeer(ctx context.Context, name string, wait time.Duration, message string) error {
	p, err := s.peerNamed(name)
	if err != nil {
		return err
	}
	sets := filters.ActionSets(name)
	p.mu.Lock()
	already := p.gshut
	p.gshut = true
	p.mu.Unlock()
	if already {
		return fmt.Errorf("peer %s: a graceful shutdown is already in progress", name)
	}
	lift := func() {
		p.mu.Lock()
		p.gshut = false
		p.mu.Unlock()
		if err := s.setGshut(context.Background(), sets.Gshut4, sets.Gshut6, false); err != nil {
			s.peerLog(p).WithError(err).Error("graceful shutdown: could not lift the tag")
		}
	}
	if err := s.setGshut(ctx, sets.Gshut4, sets.Gshut6, true); err != nil {
		lift()
		return fmt.Errorf("peer %s: graceful shutdown: %w", name, err)
	}
	s.softResetIn([]string{name})
	s.peerLog(p).WithField("wait", wait).Info("graceful shutdown: routes tagged GRACEFUL_SHUTDOWN")
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		lift()
		s.softResetIn([]string{name})
		return ctx.Err()
	case <-t.C:
	}
	if message == "" {
		message = "graceful shutdown (RFC 8326)"
	}
	err = s.DisablePeer(ctx, name, message)
	lift()
	return err
}

// SetGracefulShutdown tags (on) or untags every route the route server
// announces, for its own maintenance ([global] graceful_shutdown at
// start). Every established peer's routes are re-evaluated.
func (s *Server) SetGracefulShutdown(ctx context.Context, on bool) error {
	if err := s.setGshut(ctx, filters.SetGshutAll4, filters.SetGshutAll6, on); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	s.mu.RLock()
	names := make([]string, 0, len(s.peers))
	for n := range s.peers {
		names = append(names, n)
	}
	s.mu.RUnlock()
	s.softResetIn(names)
	s.log.WithField("on", on).Info("graceful shutdown of the route server: routes re-announced")
	return nil
}
