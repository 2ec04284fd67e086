package apiservertest

import (
	"context"

	"github.com/rsguard/rsguard/apiserver"
)

func (b *MemBackend) GracefulShutdown(_ context.Context, g apiserver.GracefulShutdown) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if g.Peer != "" {
		p, err := b.peer(g.Peer)
		if err != nil {
			return err
		}
		p.Disabled, p.ShutdownMessage, p.State = true, g.Message, apiserver.PeerStateIdle
	}
	b.record("GracefulShutdown %q %s %s %v", g.Peer, g.Wait, g.Message, g.Undo)
	return nil
}

// AddRoute adds a received route to the fixture (e.g. a blackhole request).
func (b *MemBackend) AddRoute(e apiserver.RouteEntry) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.routes = append(b.routes, e)
}
