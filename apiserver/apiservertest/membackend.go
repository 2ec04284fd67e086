// Package apiservertest provides an in-memory apiserver.Backend and helpers
// that serve it over a real unix socket, for tests of the API layer and of
// rsctl. It is test support only: the daemon implements the real Backend.
package apiservertest

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/rpki"
)

// Epoch is the fixed "now" of the fixture, so times in output are stable.
var Epoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// MemBackend is a small in-memory route server: a few peers, their routes
// with reasons, IRR and damping state, canned config results and an event
// hub. Every method is safe for concurrent use. It records write calls so
// tests can assert what reached the backend.
// MemRSASN is the route server ASN the fixture's export decisions assume.
const MemRSASN = 21000

type MemBackend struct {
	Hub *apiserver.EventHub

	mu       sync.Mutex
	peers    []apiserver.Peer // sorted by name
	routes   []apiserver.RouteEntry
	irr      []apiserver.IRRStatus
	dampened []apiserver.DampenedRoute
	reload   apiserver.ReloadResult
	calls    []string

	// RefreshGate, if set, is received from before RefreshIRR returns, so a
	// test can observe progress while a refresh is running.
	RefreshGate chan struct{}
}

var _ apiserver.Backend = (*MemBackend)(nil)

// NewMemBackend returns the fixture: peers ix-a (AS 21001, established) and
// ix-b (AS 21002, idle), four routes of which two are rejected, IRR state
// with one held-back refresh, and one suppressed route.
func NewMemBackend() *MemBackend {
	pfx := netip.MustParsePrefix
	addr := netip.MustParseAddr
	b := &MemBackend{Hub: apiserver.NewEventHub(64)}
	b.peers = []apiserver.Peer{
		{Name: "ix-a", Description: "Alpha Networks", Address: addr("45.255.0.1"), ASN: 21001,
			State: apiserver.PeerStateEstablished, StateSince: Epoch.Add(-90 * time.Minute), Received: 3, Accepted: 2, Rejected: 1,
			Flaps: apiserver.PeerFlapCounters{Withdrawals: 7, AttributeChanges: 2, Suppressions: 1, Tracked: 3, Penalized: 1, Suppressed: 1},
			MaxPrefix: apiserver.PeerMaxPrefix{Limits: [2]uint32{3, 0}, Action: "block", WarnPercent: 90, Counted: [2]uint64{3, 1},
				Blocked: [2]uint64{2, 0}, LastSanction: "limit 3 IPv4 routes reached (action block): routes past it are refused",
				LastSanctionTime: Epoch.Add(-10 * time.Minute)},
			ContactNOC: "noc@alpha.example.net", ContactAbuse: "abuse@alpha.example.net"},
		{Name: "ix-b", Description: "Beta Transit", Address: addr("45.255.0.2"), ASN: 21002,
			State: apiserver.PeerStateIdle, StateSince: Epoch.Add(-5 * time.Minute), Received: 1, Rejected: 1, LastError: "hold timer expired",
			MaxPrefix: apiserver.PeerMaxPrefix{Limits: [2]uint32{100, 10}, Action: "restart", RestartAfter: 15 * time.Minute,
				CountRejected: true, Counted: [2]uint64{0, 0}, LastSanction: "limit 10 IPv6 routes reached: 11 received (action restart), session re-enabled after 15m0s",
				LastSanctionTime: Epoch.Add(-5 * time.Minute), RestartAt: Epoch.Add(10 * time.Minute)}},
	}
	b.routes = []apiserver.RouteEntry{
		{Peer: "ix-a", Route: filters.Route{Prefix: pfx("45.1.0.0/24"), ASPath: filters.Seq(21001, 21003), NextHop: addr("45.255.0.1")}, ReceivedAt: Epoch.Add(-80 * time.Minute), RPKI: rpki.StateValid},
		{Peer: "ix-a", Route: filters.Route{Prefix: pfx("2a0a:1::/32"), ASPath: filters.Seq(21001), NextHop: addr("2a0a:ff::1")}, ReceivedAt: Epoch.Add(-80 * time.Minute)},
		{Peer: "ix-a", Route: filters.Route{Prefix: pfx("10.1.0.0/16"), ASPath: filters.Seq(21001), NextHop: addr("45.255.0.1")}, ReceivedAt: Epoch.Add(-70 * time.Minute),
			Rejections: []filters.Rejection{{Reason: filters.ReasonBogonPrefix, Detail: "inside 10.0.0.0/8"}}},
		{Peer: "ix-b", Route: filters.Route{Prefix: pfx("45.2.0.0/23"), ASPath: filters.Seq(21002, 64512), NextHop: addr("45.255.0.2")}, ReceivedAt: Epoch.Add(-10 * time.Minute),
			Rejections: []filters.Rejection{
				{Reason: filters.ReasonBogonASN, Detail: "AS64512 is private (RFC 6996)"},
				{Reason: filters.ReasonOriginNotInASSet, Detail: "AS64512 not in AS-BETA"},
			}},
	}
	b.irr = []apiserver.IRRStatus{
		{Peer: "ix-a", ASSet: "AS-ALPHA", Counts: apiserver.IRRCounts{Origins: 3, IPv4Prefixes: 12, IPv6Prefixes: 4},
			Sources: []string{"RIPE", "RADB"}, LastRefresh: Epoch.Add(-2 * time.Hour)},
		{Peer: "ix-b", ASSet: "AS-BETA", Counts: apiserver.IRRCounts{Origins: 2, IPv4Prefixes: 40, IPv6Prefixes: 0},
			Sources: []string{"RIPE"}, LastRefresh: Epoch.Add(-26 * time.Hour), LastError: "whois.example: i/o timeout", LastErrorAt: Epoch.Add(-time.Hour),
			HeldBack: &apiserver.IRRHeldBack{Reason: "prefix list shrank by 90%", Since: Epoch.Add(-time.Hour),
				Active: apiserver.IRRCounts{Origins: 2, IPv4Prefixes: 40}, Proposed: apiserver.IRRCounts{Origins: 2, IPv4Prefixes: 4}}},
	}
	b.dampened = []apiserver.DampenedRoute{
		{Peer: "ix-a", Prefix: pfx("45.1.0.0/24"), Penalty: 6400.5, Suppressed: true, SuppressedSince: Epoch.Add(-3 * time.Minute), ReuseAt: Epoch.Add(42 * time.Minute), Flaps: 7},
		{Peer: "ix-b", Prefix: pfx("45.2.0.0/23"), PathID: 2, Penalty: 900, Flaps: 1},
	}
	b.reload = apiserver.ReloadResult{Path: "/etc/rsguard/rsguard.toml", Applied: true, Changes: []string{"peer ix-c added"}}
	return b
}

// Calls returns the write calls seen so far, e.g. "DisablePeer ix-a maintenance".
func (b *MemBackend) Calls() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.calls)
}

// SetReloadResult sets what ReloadConfig returns.
func (b *MemBackend) SetReloadResult(r apiserver.ReloadResult) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reload = r
}

func (b *MemBackend) record(format string, args ...any) {
	b.calls = append(b.calls, strings.TrimSpace(fmt.Sprintf(format, args...)))
}

func (b *MemBackend) peer(name string) (*apiserver.Peer, error) {
	for i := range b.peers {
		if b.peers[i].Name == name {
			return &b.peers[i], nil
		}
	}
	return nil, fmt.Errorf("peer %q: %w", name, apiserver.ErrNotFound)
}

func (b *MemBackend) ListPeers(context.Context) ([]apiserver.Peer, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.peers), nil
}

func (b *MemBackend) GetPeer(_ context.Context, name string) (apiserver.Peer, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p, err := b.peer(name)
	if err != nil {
		return apiserver.Peer{}, err
	}
	return *p, nil
}

func (b *MemBackend) EnablePeer(_ context.Context, name string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	p, err := b.peer(name)
	if err != nil {
		return err
	}
	if !p.Disabled {
		return fmt.Errorf("peer %q is not disabled: %w", name, apiserver.ErrFailedPrecondition)
	}
	p.Disabled, p.ShutdownMessage = false, ""
	b.record("EnablePeer %s", name)
	return nil
}

func (b *MemBackend) DisablePeer(_ context.Context, name, message string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	p, err := b.peer(name)
	if err != nil {
		return err
	}
	p.Disabled, p.ShutdownMessage, p.State = true, message, apiserver.PeerStateIdle
	b.record("DisablePeer %s %s", name, message)
	return nil
}

func (b *MemBackend) ResetPeer(_ context.Context, name string, mode apiserver.ResetMode) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, err := b.peer(name); err != nil {
		return err
	}
	b.record("ResetPeer %s %s", name, mode)
	return nil
}

// ListRoutes copies the matching routes out under the lock and emits them
// after unlocking, as the Backend contract asks.
func (b *MemBackend) ListRoutes(ctx context.Context, q apiserver.RouteQuery, emit func(apiserver.RouteEntry) error) error {
	b.mu.Lock()
	if q.Peer != "" {
		if _, err := b.peer(q.Peer); err != nil {
			b.mu.Unlock()
			return err
		}
	}
	var out []apiserver.RouteEntry
	for _, e := range b.routes {
		if !inView(q.View, q.Peer, e) {
			continue
		}
		if q.View == apiserver.ViewAdvertised {
			e.LearnedFrom, e.Peer = e.Peer, q.Peer // seen from the receiving client
		}
		qq := q
		if q.View == apiserver.ViewAdvertised {
			qq.Peer = ""
		}
		if qq.Match(e) {
			out = append(out, e)
		}
	}
	b.mu.Unlock()
	for _, e := range out {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := emit(e); err != nil {
			return err
		}
	}
	return nil
}

func inView(v apiserver.RouteView, peer string, e apiserver.RouteEntry) bool {
	switch v {
	case apiserver.ViewAccepted:
		return len(e.Rejections) == 0
	case apiserver.ViewRejected:
		return len(e.Rejections) > 0
	case apiserver.ViewAdvertised:
		// A route server advertises other peers' accepted routes.
		return len(e.Rejections) == 0 && e.Peer != peer
	}
	return true
}

// ExplainRoute runs a toy version of the import checks, enough to produce
// several reasons at once.
func (b *MemBackend) ExplainRoute(_ context.Context, q apiserver.ExplainQuery) (apiserver.Explanation, error) {
	b.mu.Lock()
	p, err := b.peer(q.Peer)
	var peer apiserver.Peer
	if err == nil {
		peer = *p
	}
	var all []filters.ExportPeer
	for _, x := range b.peers {
		all = append(all, filters.ExportPeer{Name: x.Name, ASN: x.ASN})
	}
	b.mu.Unlock()
	if err != nil {
		return apiserver.Explanation{}, err
	}
	r := filters.Route{Prefix: q.Prefix, ASPath: q.ASPath, NextHop: q.NextHop}
	if !q.ASPathSet {
		r.ASPath = filters.Seq(peer.ASN)
	}
	if !r.NextHop.IsValid() {
		r.NextHop = peer.Address
	}
	var v filters.Verdict
	for _, bogon := range []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.0.0/16")} {
		if bogon.Overlaps(r.Prefix) && r.Prefix.Bits() >= bogon.Bits() {
			v.Rejections = append(v.Rejections, filters.Rejection{Reason: filters.ReasonBogonPrefix, Detail: "inside " + bogon.String()})
		}
	}
	if r.Prefix.Addr().Is4() && r.Prefix.Bits() > 24 {
		v.Rejections = append(v.Rejections, filters.Rejection{Reason: filters.ReasonPrefixLength, Detail: fmt.Sprintf("/%d longer than /24", r.Prefix.Bits())})
	}
	if first, ok := r.ASPath.First(); !ok || first != peer.ASN {
		v.Rejections = append(v.Rejections, filters.Rejection{Reason: filters.ReasonFirstASMismatch, Detail: fmt.Sprintf("first AS %d, peer AS %d", first, peer.ASN)})
	}
	for _, asn := range r.ASPath.All() {
		if asn >= 64512 && asn <= 65534 {
			v.Rejections = append(v.Rejections, filters.Rejection{Reason: filters.ReasonBogonASN, Detail: fmt.Sprintf("AS%d is private (RFC 6996)", asn)})
		}
	}
	if r.NextHop != peer.Address {
		v.Rejections = append(v.Rejections, filters.Rejection{Reason: filters.ReasonNextHopMismatch, Detail: fmt.Sprintf("next hop %s, peer address %s", r.NextHop, peer.Address)})
	}
	// export decisions by the real rules, as a route server AS21000
	ex := apiserver.Explanation{Peer: peer.Name, Route: r, Verdict: v, Communities: q.Communities}
	ex.Exports = filters.ExportTargets(filters.ExportSettings{RSASN: MemRSASN}, r, q.Communities, peer.Name, all)
	return ex, nil
}

func (b *MemBackend) IRRStatus(_ context.Context, peer string) ([]apiserver.IRRStatus, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if peer == "" {
		return slices.Clone(b.irr), nil
	}
	for _, s := range b.irr {
		if s.Peer == peer {
			return []apiserver.IRRStatus{s}, nil
		}
	}
	return nil, fmt.Errorf("peer %q: %w", peer, apiserver.ErrNotFound)
}

// RefreshIRR "refreshes" each selected peer: the held-back one is applied
// only with Force. It reports progress per peer and publishes an event each.
func (b *MemBackend) RefreshIRR(ctx context.Context, req apiserver.IRRRefreshRequest, progress func(apiserver.IRRProgress)) ([]apiserver.IRRRefreshOutcome, error) {
	b.mu.Lock()
	var todo []int
	for i, s := range b.irr {
		if req.Peer == "" || s.Peer == req.Peer {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		b.mu.Unlock()
		return nil, fmt.Errorf("peer %q: %w", req.Peer, apiserver.ErrNotFound)
	}
	b.record("RefreshIRR %s force=%t", req.Peer, req.Force)
	var outs []apiserver.IRRRefreshOutcome
	for n, i := range todo {
		s := &b.irr[i]
		progress(apiserver.IRRProgress{Peer: s.Peer, Message: "expanding " + s.ASSet, Done: n, Total: len(todo)})
		o := apiserver.IRRRefreshOutcome{Peer: s.Peer, Counts: s.Counts}
		if s.HeldBack != nil {
			if req.Force {
				s.Counts, s.HeldBack, o.Changed, o.Counts = s.HeldBack.Proposed, nil, true, s.HeldBack.Proposed
			} else {
				hb := *s.HeldBack
				o.HeldBack = &hb
			}
		}
		s.LastRefresh = Epoch
		outs = append(outs, o)
	}
	progress(apiserver.IRRProgress{Message: "done", Done: len(todo), Total: len(todo)})
	b.mu.Unlock()
	for i := range outs {
		b.Hub.Publish(apiserver.Event{Time: Epoch, Peer: outs[i].Peer, IRRRefresh: &outs[i]})
	}
	if b.RefreshGate != nil {
		select {
		case <-b.RefreshGate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return outs, nil
}

func (b *MemBackend) ListDampened(ctx context.Context, peer string, emit func(apiserver.DampenedRoute) error) error {
	b.mu.Lock()
	var out []apiserver.DampenedRoute
	for _, d := range b.dampened {
		if peer == "" || d.Peer == peer {
			out = append(out, d)
		}
	}
	b.mu.Unlock()
	for _, d := range out {
		if err := emit(d); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (b *MemBackend) ClearDampening(_ context.Context, peer string, prefix netip.Prefix) (int, error) {
	b.mu.Lock()
	if _, err := b.peer(peer); err != nil {
		b.mu.Unlock()
		return 0, err
	}
	var cleared []apiserver.DampenedRoute
	b.dampened = slices.DeleteFunc(b.dampened, func(d apiserver.DampenedRoute) bool {
		hit := d.Peer == peer && (!prefix.IsValid() || d.Prefix == prefix)
		if hit {
			cleared = append(cleared, d)
		}
		return hit
	})
	b.record("ClearDampening %s %s", peer, prefixText(prefix))
	b.mu.Unlock()
	for _, d := range cleared {
		b.Hub.Publish(apiserver.Event{Time: Epoch, Peer: peer, Dampening: &apiserver.DampeningTransition{Action: apiserver.DampeningCleared, Route: d}})
	}
	return len(cleared), nil
}

func prefixText(p netip.Prefix) string {
	if !p.IsValid() {
		return ""
	}
	return p.String()
}

// CheckConfig: "" checks the running file (clean); a path containing "bad"
// has two errors; a path containing "missing" does not exist; one
// containing "restart" would be refused by a reload.
func (b *MemBackend) CheckConfig(_ context.Context, path string) (apiserver.CheckResult, error) {
	switch {
	case path == "":
		return apiserver.CheckResult{Path: "/etc/rsguard/rsguard.toml"}, nil
	case strings.Contains(path, "missing"):
		return apiserver.CheckResult{}, fmt.Errorf("config file %s: %w", path, apiserver.ErrNotFound)
	case strings.Contains(path, "restart"):
		return apiserver.CheckResult{Path: path,
			Errors: []apiserver.ConfigError{{File: path, Message: "[global] listen_port changed: needs a restart (the running config is unchanged)"}},
			Plan:   []string{"[global] listen_port changed: needs a restart, a reload is refused", "peer ix-b: added"}}, nil
	case strings.Contains(path, "bad"):
		return apiserver.CheckResult{Path: path, Errors: []apiserver.ConfigError{
			{File: path, Line: 12, Key: `peers."ix-a".asn`, Message: "64512 is a private ASN"},
			{File: path, Line: 30, Key: "api.tcp", Message: "needs tls_cert, tls_key and token_file"},
		}}, nil
	}
	return apiserver.CheckResult{Path: path}, nil
}

func (b *MemBackend) ReloadConfig(context.Context) (apiserver.ReloadResult, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.record("ReloadConfig")
	r := b.reload
	r.Errors, r.Changes = slices.Clone(r.Errors), slices.Clone(r.Changes)
	return r, nil
}

func (b *MemBackend) SubscribeEvents(ctx context.Context, f apiserver.EventFilter, emit func(apiserver.Event) error) error {
	return b.Hub.Subscribe(ctx, f, emit)
}
