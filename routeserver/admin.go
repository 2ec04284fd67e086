package routeserver

import (
	"context"
	"fmt"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routestore"
)

// Operator actions on peers. They go to GoBGP directly: each is one call
// that GoBGP serialises on its own loop, and none changes policy.

func (s *Server) peerNamed(name string) (*peer, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p := s.peers[name]
	if p == nil {
		return nil, fmt.Errorf("%w %q", ErrUnknownPeer, name)
	}
	return p, nil
}

// EnablePeer brings an administratively disabled peer back (also the way
// out of a max-prefix shutdown, which GoBGP never lifts by itself).
func (s *Server) EnablePeer(ctx context.Context, name string) error {
	p, err := s.peerNamed(name)
	if err != nil {
		return err
	}
	s.setAdmin(p, false, "")
	p.limiter.cancelRestart()
	return s.bgp.EnablePeer(ctx, &api.EnablePeerRequest{Address: p.cfg.Address.String()})
}

// DisablePeer shuts the session down with an RFC 8203 message.
func (s *Server) DisablePeer(ctx context.Context, name, message string) error {
	p, err := s.peerNamed(name)
	if err != nil {
		return err
	}
	s.setAdmin(p, true, message)
	return s.bgp.DisablePeer(ctx, &api.DisablePeerRequest{Address: p.cfg.Address.String(), Communication: message})
}

// ResetPeer re-evaluates the peer's stored routes (soft) or restarts its
// session (hard).
func (s *Server) ResetPeer(ctx context.Context, name string, hard bool) error {
	p, err := s.peerNamed(name)
	if err != nil {
		return err
	}
	if !hard {
		s.store.ReevaluateBecause(routestore.CauseSoftReset, name, s.evaluator())
	}
	return s.bgp.ResetPeer(ctx, &api.ResetPeerRequest{Address: p.cfg.Address.String(), Soft: !hard,
		Direction: api.ResetPeerRequest_IN, Communication: "reset by operator"})
}

func (s *Server) setAdmin(p *peer, disabled bool, msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.disabled, p.shutdownMsg = disabled, msg
}

// evaluator returns a function evaluating a peer's routes with the inputs
// in force now.
func (s *Server) evaluator() func(peer string, r filters.Route) filters.Verdict {
	s.mu.RLock()
	settings := s.settings
	inputs := make(map[string]*filters.Peer, len(s.peers))
	for n, p := range s.peers {
		inputs[n] = p.input.Load()
	}
	s.mu.RUnlock()
	return func(peer string, r filters.Route) filters.Verdict {
		in := inputs[peer]
		if in == nil {
			return filters.Verdict{}
		}
		return filters.Evaluate(r, &settings, in)
	}
}

// Advertised lists what the route server sends to a peer (its Adj-RIB-Out,
// computed by GoBGP from the shared RIB for that client).
func (s *Server) Advertised(ctx context.Context, name string, fn func(routestore.Entry) bool) error {
	p, err := s.peerNamed(name)
	if err != nil {
		return err
	}
	var out []routestore.Entry
	names := s.peerNamesByAddr() // not under s.mu inside GoBGP's callback
	for _, f := range []*api.Family{familyV4, familyV6} {
		err := s.bgp.ListPath(ctx, &api.ListPathRequest{TableType: api.TableType_ADJ_OUT, Name: p.cfg.Address.String(), Family: f},
			func(d *api.Destination) {
				for _, ap := range d.Paths {
					dp, err := decodePath(ap)
					if err != nil {
						continue
					}
					out = append(out, routestore.Entry{Peer: name, Key: dp.Key, Route: dp.Route, Communities: dp.Comms, LearnedFrom: names[dp.From]})
				}
			})
		if err != nil {
			return err
		}
	}
	sortAdvertised(out) // advertised_view.go
	for _, e := range out {
		if !fn(e) {
			return nil
		}
	}
	return nil
}
