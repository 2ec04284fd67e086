package apiserver

import (
	"context"
	"fmt"
	"time"

	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
)

// GracefulShutdown is a GracefulShutdown request in domain terms.
type GracefulShutdown struct {
	Peer    string        // "": the whole route server
	Wait    time.Duration // peer: tag, wait this long, then end the session
	Message string        // peer: RFC 8203 shutdown communication
	Undo    bool          // server: lift the tag
}

// maxGracefulWait bounds a peer's graceful wait: the call holds a
// connection open for that long.
const maxGracefulWait = time.Hour

func (p *peerService) GracefulShutdown(ctx context.Context, req *rsguardv1.GracefulShutdownRequest) (*rsguardv1.GracefulShutdownResponse, error) {
	g := GracefulShutdown{Peer: req.GetName(), Message: req.GetMessage(), Undo: req.GetUndo()}
	if req.GetWait() != nil {
		g.Wait = req.GetWait().AsDuration()
	}
	switch {
	case g.Peer == "" && (g.Wait != 0 || g.Message != ""):
		return nil, toStatus(fmt.Errorf("wait and message need a peer name: %w", ErrInvalidArgument))
	case g.Peer != "" && g.Undo:
		return nil, toStatus(fmt.Errorf("undo is for the whole route server; a peer's tag is lifted when its session is down: %w", ErrInvalidArgument))
	case g.Wait < 0 || g.Wait > maxGracefulWait:
		return nil, toStatus(fmt.Errorf("wait %s: want 0..%s: %w", g.Wait, maxGracefulWait, ErrInvalidArgument))
	case len(g.Message) > maxShutdownMessage:
		return nil, toStatus(fmt.Errorf("message: %d bytes, at most %d fit in a NOTIFICATION (RFC 9003): %w", len(g.Message), maxShutdownMessage, ErrInvalidArgument))
	}
	if err := p.s.backend.GracefulShutdown(ctx, g); err != nil {
		return nil, toStatus(err)
	}
	p.s.log.WithField("peer", g.Peer).WithField("undo", g.Undo).WithField("wait", g.Wait).Info("graceful shutdown via API")
	return &rsguardv1.GracefulShutdownResponse{}, nil
}
