package apiserver

import (
	"context"
	"net/netip"
)

// Backend is everything the control API needs from the daemon. It is split
// into one interface per proto service so each can be faked or wrapped
// alone.
//
// Contract shared by every method:
//   - Errors wrap ErrNotFound, ErrInvalidArgument or ErrFailedPrecondition
//     with %w when one of them applies (e.g. an unknown peer name is
//     fmt.Errorf("peer %q: %w", name, ErrNotFound)).
//   - Streaming methods call emit once per item, never concurrently, and must
//     stop and return emit's error as soon as it returns one (the client went
//     away). emit blocks while the client is slow to read (gRPC flow
//     control), so never call it while holding a lock the route pipeline
//     needs: copy a batch out, unlock, then emit. This is what keeps both
//     sides' memory bounded for big tables.
//   - ctx is the RPC's context: it is cancelled when the client leaves or
//     the server shuts down.
type Backend interface {
	PeerBackend
	RouteBackend
	IRRBackend
	DampeningBackend
	ConfigBackend
	EventBackend
	ACLBackend
	RPKIBackend
}

// PeerBackend serves PeerService.
type PeerBackend interface {
	// ListPeers returns every configured peer, sorted by name.
	ListPeers(ctx context.Context) ([]Peer, error)
	GetPeer(ctx context.Context, name string) (Peer, error)
	EnablePeer(ctx context.Context, name string) error
	// DisablePeer shuts the session down with an RFC 8203 message (may be "").
	DisablePeer(ctx context.Context, name, message string) error
	ResetPeer(ctx context.Context, name string, mode ResetMode) error
	// GracefulShutdown (RFC 8326): see handlers_gshut.go.
	GracefulShutdown(ctx context.Context, req GracefulShutdown) error
}

// RouteBackend serves RouteService.
type RouteBackend interface {
	// ListRoutes emits the routes of q.View that match q (see
	// RouteQuery.Match, which an implementation may use as its filter).
	ListRoutes(ctx context.Context, q RouteQuery, emit func(RouteEntry) error) error
	// ExplainRoute evaluates every import check for q and returns all
	// failing reasons. Fields q leaves unset are filled from the route the
	// peer sent for that prefix, else from the peer itself (its ASN as the
	// AS path, its address as next hop); the filled route is returned.
	ExplainRoute(ctx context.Context, q ExplainQuery) (Explanation, error)
}

// IRRBackend serves IRRService.
type IRRBackend interface {
	// IRRStatus returns the IRR state of one peer, or of every peer when
	// peer is "", sorted by peer name.
	IRRStatus(ctx context.Context, peer string) ([]IRRStatus, error)
	// RefreshIRR refreshes one peer (or all when req.Peer is "") and returns
	// one outcome per peer. progress may be called any number of times
	// before it returns; it never blocks for long (slow clients miss
	// progress messages rather than slow the refresh down).
	RefreshIRR(ctx context.Context, req IRRRefreshRequest, progress func(IRRProgress)) ([]IRRRefreshOutcome, error)
}

// DampeningBackend serves DampeningService.
type DampeningBackend interface {
	// ListDampened emits the damping state of every tracked route, of one
	// peer or of all peers when peer is "".
	ListDampened(ctx context.Context, peer string, emit func(DampenedRoute) error) error
	// ClearDampening forgets the state of one peer's routes, only those of
	// prefix when prefix.IsValid(), and returns how many entries went.
	ClearDampening(ctx context.Context, peer string, prefix netip.Prefix) (int, error)
}

// ConfigBackend serves ConfigService. Config errors are results, not Go
// errors: return a Go error only when the check itself could not run.
type ConfigBackend interface {
	// CheckConfig loads and validates path ("" = the running config's file)
	// without applying it.
	CheckConfig(ctx context.Context, path string) (CheckResult, error)
	// ReloadConfig re-reads the running config's file and applies it
	// atomically, or keeps the old config and reports every error.
	ReloadConfig(ctx context.Context) (ReloadResult, error)
}

// EventBackend serves EventService.
type EventBackend interface {
	// SubscribeEvents calls emit for each event until ctx is done (then it
	// returns nil) or emit fails (then it returns that error). It must never
	// let a slow subscriber block the daemon: buffer with a bound and report
	// drops with an EventsLagged event. EventHub implements exactly this.
	// The filter is a hint: the server applies it again.
	SubscribeEvents(ctx context.Context, f EventFilter, emit func(Event) error) error
}

// ACLBackend serves ACLService.
type ACLBackend interface {
	// SourcePrefixes returns the prefixes of the peer's allowed list in
	// force now (IRR and static), deduplicated, for a BCP 38 filter.
	SourcePrefixes(ctx context.Context, peer string) (SourcePrefixes, error)
}
