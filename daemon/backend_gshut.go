package daemon

import (
	"context"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/routeserver"
)

// GracefulShutdown tags one peer's routes and shuts it down after the
// wait, or tags (undo: untags) every route of the route server.
func (d *Daemon) GracefulShutdown(ctx context.Context, g apiserver.GracefulShutdown) error {
	if g.Peer == "" {
		return apiErr(d.rs.SetGracefulShutdown(ctx, !g.Undo))
	}
	wait := g.Wait
	if wait == 0 {
		wait = routeserver.DefaultGracefulWait
	}
	return apiErr(d.rs.GracefulShutdownPeer(ctx, g.Peer, wait, g.Message))
}
