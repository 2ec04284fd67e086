package apiserver_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/apiserver/apiservertest"
	"github.com/rsguard/rsguard/filters"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// These tests drive every RPC through a real gRPC server on a real unix
// socket, answered by the in-memory fixture backend.

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func memConn(t *testing.T) (*apiservertest.MemBackend, *grpc.ClientConn) {
	t.Helper()
	b, l := apiservertest.ServeMem(t)
	return b, apiservertest.DialUnix(t, l.SocketPath())
}

// wantCode fails unless err is a status with code and a message containing substr.
func wantCode(t *testing.T, err error, code codes.Code, substr string) {
	t.Helper()
	st, ok := status.FromError(err)
	if !ok || st.Code() != code || !strings.Contains(st.Message(), substr) {
		t.Fatalf("got error %v, want %s containing %q", err, code, substr)
	}
}

// recvAll drains a server stream.
func recvAll[T any](t *testing.T, stream grpc.ServerStreamingClient[T]) ([]*T, error) {
	t.Helper()
	var out []*T
	for i := 0; i < 10000; i++ {
		m, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, m)
	}
	t.Fatal("stream did not end after 10000 messages")
	return nil, nil
}

func TestListPeers(t *testing.T) {
	_, conn := memConn(t)
	stream, err := rsguardv1.NewPeerServiceClient(conn).ListPeers(testCtx(t), &rsguardv1.ListPeersRequest{})
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := recvAll(t, stream)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 {
		t.Fatalf("got %d peers, want 2", len(msgs))
	}
	a, b := msgs[0].GetPeer(), msgs[1].GetPeer()
	if a.GetName() != "ix-a" || a.GetAsn() != 21001 || a.GetAddress() != "45.255.0.1" || a.GetState() != rsguardv1.PeerState_PEER_STATE_ESTABLISHED {
		t.Errorf("ix-a = %v", a)
	}
	if got := a.GetUptime().AsDuration(); got != 90*time.Minute {
		t.Errorf("ix-a uptime %v, want 1h30m from the server's clock", got)
	}
	if a.GetReceived() != 3 || a.GetAccepted() != 2 || a.GetRejected() != 1 {
		t.Errorf("ix-a counts %d/%d/%d", a.GetReceived(), a.GetAccepted(), a.GetRejected())
	}
	if b.GetUptime() != nil {
		t.Errorf("idle ix-b has uptime %v", b.GetUptime().AsDuration())
	}
	if b.GetLastError() != "hold timer expired" || b.GetStateSince() == nil {
		t.Errorf("ix-b = %v", b)
	}
}

func TestGetPeer(t *testing.T) {
	_, conn := memConn(t)
	c := rsguardv1.NewPeerServiceClient(conn)
	ctx := testCtx(t)
	resp, err := c.GetPeer(ctx, &rsguardv1.GetPeerRequest{Name: "ix-b"})
	if err != nil || resp.GetPeer().GetAsn() != 21002 {
		t.Fatalf("GetPeer(ix-b) = %v, %v", resp, err)
	}
	_, err = c.GetPeer(ctx, &rsguardv1.GetPeerRequest{Name: "nope"})
	wantCode(t, err, codes.NotFound, `peer "nope": not found`)
	_, err = c.GetPeer(ctx, &rsguardv1.GetPeerRequest{})
	wantCode(t, err, codes.InvalidArgument, "name is required")
}

func TestPeerWrites(t *testing.T) {
	b, conn := memConn(t)
	c := rsguardv1.NewPeerServiceClient(conn)
	ctx := testCtx(t)

	_, err := c.EnablePeer(ctx, &rsguardv1.EnablePeerRequest{Name: "ix-a"})
	wantCode(t, err, codes.FailedPrecondition, "not disabled")
	if _, err := c.DisablePeer(ctx, &rsguardv1.DisablePeerRequest{Name: "ix-a", Message: "maintenance"}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetPeer(ctx, &rsguardv1.GetPeerRequest{Name: "ix-a"})
	if err != nil || !got.GetPeer().GetDisabled() || got.GetPeer().GetShutdownMessage() != "maintenance" {
		t.Fatalf("after disable: %v, %v", got, err)
	}
	if _, err := c.EnablePeer(ctx, &rsguardv1.EnablePeerRequest{Name: "ix-a"}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DisablePeer(ctx, &rsguardv1.DisablePeerRequest{Name: "ix-a", Message: strings.Repeat("x", 256)})
	wantCode(t, err, codes.InvalidArgument, "255")
	for _, m := range []rsguardv1.ResetMode{rsguardv1.ResetMode_RESET_MODE_UNSPECIFIED, rsguardv1.ResetMode_RESET_MODE_SOFT_IN, rsguardv1.ResetMode_RESET_MODE_HARD} {
		if _, err := c.ResetPeer(ctx, &rsguardv1.ResetPeerRequest{Name: "ix-b", Mode: m}); err != nil {
			t.Fatalf("reset %v: %v", m, err)
		}
	}
	_, err = c.ResetPeer(ctx, &rsguardv1.ResetPeerRequest{Name: "ix-b", Mode: 7})
	wantCode(t, err, codes.InvalidArgument, "mode 7")
	_, err = c.ResetPeer(ctx, &rsguardv1.ResetPeerRequest{Name: "nope"})
	wantCode(t, err, codes.NotFound, "nope")

	want := []string{"DisablePeer ix-a maintenance", "EnablePeer ix-a", "ResetPeer ix-b soft_in", "ResetPeer ix-b soft_in", "ResetPeer ix-b hard"}
	if got := b.Calls(); !slices.Equal(got, want) {
		t.Errorf("backend calls %q, want %q", got, want)
	}
}

func listPrefixes(t *testing.T, c rsguardv1.RouteServiceClient, req *rsguardv1.ListRoutesRequest) ([]string, []*rsguardv1.RouteEntry, error) {
	t.Helper()
	stream, err := c.ListRoutes(testCtx(t), req)
	if err != nil {
		return nil, nil, err
	}
	msgs, err := recvAll(t, stream)
	var prefixes []string
	var entries []*rsguardv1.RouteEntry
	for _, m := range msgs {
		prefixes = append(prefixes, m.GetRoute().GetPeer()+" "+m.GetRoute().GetRoute().GetPrefix())
		entries = append(entries, m.GetRoute())
	}
	return prefixes, entries, err
}

func TestListRoutes(t *testing.T) {
	_, conn := memConn(t)
	c := rsguardv1.NewRouteServiceClient(conn)
	bogon := rsguardv1.RejectReason_REJECT_REASON_BOGON_PREFIX
	asn := rsguardv1.RejectReason_REJECT_REASON_BOGON_ASN
	tests := []struct {
		name string
		req  *rsguardv1.ListRoutesRequest
		want []string
	}{
		{"received default view", &rsguardv1.ListRoutesRequest{Peer: "ix-a"}, []string{"ix-a 45.1.0.0/24", "ix-a 2a0a:1::/32", "ix-a 10.1.0.0/16"}},
		{"accepted", &rsguardv1.ListRoutesRequest{Peer: "ix-a", View: rsguardv1.RouteView_ROUTE_VIEW_ACCEPTED}, []string{"ix-a 45.1.0.0/24", "ix-a 2a0a:1::/32"}},
		{"rejected all peers", &rsguardv1.ListRoutesRequest{View: rsguardv1.RouteView_ROUTE_VIEW_REJECTED}, []string{"ix-a 10.1.0.0/16", "ix-b 45.2.0.0/23"}},
		{"rejected by reason", &rsguardv1.ListRoutesRequest{View: rsguardv1.RouteView_ROUTE_VIEW_REJECTED, Reasons: []rsguardv1.RejectReason{asn}}, []string{"ix-b 45.2.0.0/23"}},
		{"either reason", &rsguardv1.ListRoutesRequest{View: rsguardv1.RouteView_ROUTE_VIEW_REJECTED, Reasons: []rsguardv1.RejectReason{asn, bogon}}, []string{"ix-a 10.1.0.0/16", "ix-b 45.2.0.0/23"}},
		{"advertised to ix-b", &rsguardv1.ListRoutesRequest{Peer: "ix-b", View: rsguardv1.RouteView_ROUTE_VIEW_ADVERTISED}, []string{"ix-b 45.1.0.0/24", "ix-b 2a0a:1::/32"}},
		{"exact prefix", &rsguardv1.ListRoutesRequest{Prefix: "45.1.0.0/24"}, []string{"ix-a 45.1.0.0/24"}},
		{"contains v4", &rsguardv1.ListRoutesRequest{ContainsAddress: "45.2.1.9"}, []string{"ix-b 45.2.0.0/23"}},
		{"contains v6", &rsguardv1.ListRoutesRequest{ContainsAddress: "2a0a:1:2::3"}, []string{"ix-a 2a0a:1::/32"}},
		{"contains nothing", &rsguardv1.ListRoutesRequest{ContainsAddress: "46.0.0.1"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := listPrefixes(t, c, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestListRoutesCarriesReasons(t *testing.T) {
	_, conn := memConn(t)
	_, entries, err := listPrefixes(t, rsguardv1.NewRouteServiceClient(conn), &rsguardv1.ListRoutesRequest{Peer: "ix-b", View: rsguardv1.RouteView_ROUTE_VIEW_REJECTED})
	if err != nil || len(entries) != 1 {
		t.Fatalf("got %v, %v", entries, err)
	}
	e := entries[0]
	if e.GetRoute().GetNextHop() != "45.255.0.2" || e.GetReceivedAt() == nil {
		t.Errorf("entry %v", e)
	}
	path, err := apiserver.ASPathFromProto(e.GetRoute().GetAsPath())
	if err != nil || path.String() != "21002 64512" {
		t.Errorf("as path %v, %v", path, err)
	}
	var got []string
	for _, r := range e.GetRejections() {
		got = append(got, r.GetReason().String()+"|"+r.GetName()+"|"+r.GetDetail())
	}
	want := []string{"REJECT_REASON_BOGON_ASN|bogon_asn|AS64512 is private (RFC 6996)", "REJECT_REASON_ORIGIN_NOT_IN_AS_SET|origin_not_in_as_set|AS64512 not in AS-BETA"}
	if !slices.Equal(got, want) {
		t.Errorf("rejections %q, want %q", got, want)
	}
}

func TestListRoutesBadRequests(t *testing.T) {
	_, conn := memConn(t)
	c := rsguardv1.NewRouteServiceClient(conn)
	tests := []struct {
		name   string
		req    *rsguardv1.ListRoutesRequest
		code   codes.Code
		substr string
	}{
		{"bad prefix", &rsguardv1.ListRoutesRequest{Prefix: "45.1.0.0/33"}, codes.InvalidArgument, `prefix "45.1.0.0/33"`},
		{"host bits", &rsguardv1.ListRoutesRequest{Prefix: "45.1.0.1/24"}, codes.InvalidArgument, "45.1.0.0/24"},
		{"bad address", &rsguardv1.ListRoutesRequest{ContainsAddress: "45.1"}, codes.InvalidArgument, "contains_address"},
		{"both filters", &rsguardv1.ListRoutesRequest{Prefix: "45.1.0.0/24", ContainsAddress: "45.1.0.1"}, codes.InvalidArgument, "exclude"},
		{"unknown reason", &rsguardv1.ListRoutesRequest{Reasons: []rsguardv1.RejectReason{999}}, codes.InvalidArgument, "reject reason 999"},
		{"unknown view", &rsguardv1.ListRoutesRequest{View: 9}, codes.InvalidArgument, "view 9"},
		{"unknown peer", &rsguardv1.ListRoutesRequest{Peer: "nope"}, codes.NotFound, `peer "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := listPrefixes(t, c, tt.req)
			wantCode(t, err, tt.code, tt.substr)
		})
	}
}

func TestExplainRoute(t *testing.T) {
	_, conn := memConn(t)
	c := rsguardv1.NewRouteServiceClient(conn)
	seq := func(asns ...uint32) *rsguardv1.AsPath { return apiserver.ASPathToProto(filters.Seq(asns...)) }
	tests := []struct {
		name        string
		req         *rsguardv1.ExplainRouteRequest
		wantVerdict rsguardv1.Verdict
		wantReasons []string
		wantPath    string
		wantNextHop string
	}{
		{"defaults filled, accepted", &rsguardv1.ExplainRouteRequest{Peer: "ix-a", Prefix: "45.3.0.0/24"},
			rsguardv1.Verdict_VERDICT_ACCEPT, nil, "21001", "45.255.0.1"},
		{"every failing reason", &rsguardv1.ExplainRouteRequest{Peer: "ix-a", Prefix: "10.0.0.0/25", AsPath: seq(21002, 64512), NextHop: "45.255.0.9"},
			rsguardv1.Verdict_VERDICT_REJECT, []string{"bogon_prefix", "prefix_length", "first_as_mismatch", "bogon_asn", "next_hop_mismatch"}, "21002 64512", "45.255.0.9"},
		{"explicit empty path is not the default", &rsguardv1.ExplainRouteRequest{Peer: "ix-a", Prefix: "45.3.0.0/24", AsPath: &rsguardv1.AsPath{}},
			rsguardv1.Verdict_VERDICT_REJECT, []string{"first_as_mismatch"}, "", "45.255.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := c.ExplainRoute(testCtx(t), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, r := range resp.GetRejections() {
				names = append(names, r.GetName())
				if int32(r.GetReason()) == 0 || r.GetDetail() == "" {
					t.Errorf("rejection without code or detail: %v", r)
				}
			}
			if resp.GetVerdict() != tt.wantVerdict || !slices.Equal(names, tt.wantReasons) {
				t.Errorf("verdict %v %q, want %v %q", resp.GetVerdict(), names, tt.wantVerdict, tt.wantReasons)
			}
			if p := resp.GetRoute(); asText(t, p.GetAsPath()) != tt.wantPath || p.GetNextHop() != tt.wantNextHop || resp.GetPeer() != "ix-a" {
				t.Errorf("evaluated route %v", p)
			}
		})
	}

	bad := []struct {
		req    *rsguardv1.ExplainRouteRequest
		code   codes.Code
		substr string
	}{
		{&rsguardv1.ExplainRouteRequest{Prefix: "45.0.0.0/24"}, codes.InvalidArgument, "peer is required"},
		{&rsguardv1.ExplainRouteRequest{Peer: "ix-a"}, codes.InvalidArgument, "prefix is required"},
		{&rsguardv1.ExplainRouteRequest{Peer: "ix-a", Prefix: "45.0.0.0/24", NextHop: "x"}, codes.InvalidArgument, "next_hop"},
		{&rsguardv1.ExplainRouteRequest{Peer: "ix-a", Prefix: "45.0.0.0/24", AsPath: &rsguardv1.AsPath{Segments: []*rsguardv1.AsPathSegment{{Asns: []uint32{1}}}}}, codes.InvalidArgument, "segment 0"},
		{&rsguardv1.ExplainRouteRequest{Peer: "nope", Prefix: "45.0.0.0/24"}, codes.NotFound, "nope"},
	}
	for _, b := range bad {
		_, err := c.ExplainRoute(testCtx(t), b.req)
		wantCode(t, err, b.code, b.substr)
	}
}

func asText(t *testing.T, p *rsguardv1.AsPath) string {
	t.Helper()
	path, err := apiserver.ASPathFromProto(p)
	if err != nil {
		t.Fatal(err)
	}
	return path.String()
}

func TestGetIRRStatus(t *testing.T) {
	_, conn := memConn(t)
	c := rsguardv1.NewIRRServiceClient(conn)
	resp, err := c.GetIRRStatus(testCtx(t), &rsguardv1.GetIRRStatusRequest{})
	if err != nil || len(resp.GetPeers()) != 2 {
		t.Fatalf("got %v, %v", resp, err)
	}
	a, b := resp.GetPeers()[0], resp.GetPeers()[1]
	if a.GetAsSet() != "AS-ALPHA" || a.GetCounts().GetIpv4Prefixes() != 12 || a.GetCounts().GetIpv6Prefixes() != 4 || a.GetCounts().GetOrigins() != 3 {
		t.Errorf("ix-a %v", a)
	}
	if a.GetAge().AsDuration() != 2*time.Hour || !slices.Equal(a.GetSources(), []string{"RIPE", "RADB"}) || a.GetHeldBack() != nil {
		t.Errorf("ix-a age/sources/held-back %v", a)
	}
	hb := b.GetHeldBack()
	if hb == nil || hb.GetActive().GetIpv4Prefixes() != 40 || hb.GetProposed().GetIpv4Prefixes() != 4 || hb.GetReason() == "" || hb.GetSince() == nil {
		t.Errorf("ix-b held back %v", hb)
	}
	if b.GetLastError() == "" || b.GetLastErrorAt() == nil {
		t.Errorf("ix-b error %v", b)
	}
	one, err := c.GetIRRStatus(testCtx(t), &rsguardv1.GetIRRStatusRequest{Peer: "ix-b"})
	if err != nil || len(one.GetPeers()) != 1 || one.GetPeers()[0].GetPeer() != "ix-b" {
		t.Errorf("one peer: %v, %v", one, err)
	}
	_, err = c.GetIRRStatus(testCtx(t), &rsguardv1.GetIRRStatusRequest{Peer: "nope"})
	wantCode(t, err, codes.NotFound, "nope")
}

func TestRefreshIRR(t *testing.T) {
	for _, force := range []bool{false, true} {
		t.Run(map[bool]string{false: "held back", true: "forced"}[force], func(t *testing.T) {
			_, conn := memConn(t)
			stream, err := rsguardv1.NewIRRServiceClient(conn).RefreshIRR(testCtx(t), &rsguardv1.RefreshIRRRequest{Force: force})
			if err != nil {
				t.Fatal(err)
			}
			msgs, err := recvAll(t, stream)
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) < 2 {
				t.Fatalf("got %d messages, want progress then a result", len(msgs))
			}
			for _, m := range msgs[:len(msgs)-1] {
				if m.GetProgress() == nil {
					t.Fatalf("non-progress message before the end: %v", m)
				}
			}
			res := msgs[len(msgs)-1].GetResult()
			if res == nil || len(res.GetPeers()) != 2 {
				t.Fatalf("last message %v, want the result for 2 peers", msgs[len(msgs)-1])
			}
			b := res.GetPeers()[1]
			if force != b.GetChanged() || force == (b.GetHeldBack() != nil) {
				t.Errorf("force=%t: ix-b outcome %v", force, b)
			}
			if force && b.GetCounts().GetIpv4Prefixes() != 4 {
				t.Errorf("forced counts %v, want the proposed 4 prefixes", b.GetCounts())
			}
		})
	}
}

func TestRefreshIRRUnknownPeer(t *testing.T) {
	_, conn := memConn(t)
	stream, err := rsguardv1.NewIRRServiceClient(conn).RefreshIRR(testCtx(t), &rsguardv1.RefreshIRRRequest{Peer: "nope"})
	if err == nil {
		_, err = recvAll(t, stream)
	}
	wantCode(t, err, codes.NotFound, "nope")
}

func TestDampening(t *testing.T) {
	b, conn := memConn(t)
	c := rsguardv1.NewDampeningServiceClient(conn)
	list := func(peer string) []*rsguardv1.DampenedRoute {
		stream, err := c.ListDampened(testCtx(t), &rsguardv1.ListDampenedRequest{Peer: peer})
		if err != nil {
			t.Fatal(err)
		}
		msgs, err := recvAll(t, stream)
		if err != nil {
			t.Fatal(err)
		}
		var out []*rsguardv1.DampenedRoute
		for _, m := range msgs {
			out = append(out, m.GetRoute())
		}
		return out
	}
	all := list("")
	if len(all) != 2 {
		t.Fatalf("got %d dampened routes, want 2", len(all))
	}
	d := all[0]
	if d.GetPrefix() != "45.1.0.0/24" || d.GetPenalty() != 6400.5 || !d.GetSuppressed() || d.GetFlaps() != 7 ||
		!d.GetReuseAt().AsTime().Equal(apiservertest.Epoch.Add(42*time.Minute)) || d.GetSuppressedSince() == nil {
		t.Errorf("suppressed route %v", d)
	}
	if all[1].GetPathId() != 2 || all[1].GetReuseAt() != nil {
		t.Errorf("unsuppressed route %v", all[1])
	}

	ctx := testCtx(t)
	_, err := c.ClearDampening(ctx, &rsguardv1.ClearDampeningRequest{})
	wantCode(t, err, codes.InvalidArgument, "peer is required")
	_, err = c.ClearDampening(ctx, &rsguardv1.ClearDampeningRequest{Peer: "ix-a", Prefix: "nope"})
	wantCode(t, err, codes.InvalidArgument, "prefix")
	_, err = c.ClearDampening(ctx, &rsguardv1.ClearDampeningRequest{Peer: "nope"})
	wantCode(t, err, codes.NotFound, "nope")
	resp, err := c.ClearDampening(ctx, &rsguardv1.ClearDampeningRequest{Peer: "ix-a", Prefix: "45.9.0.0/24"})
	if err != nil || resp.GetCleared() != 0 {
		t.Fatalf("clear other prefix: %v, %v", resp, err)
	}
	resp, err = c.ClearDampening(ctx, &rsguardv1.ClearDampeningRequest{Peer: "ix-a", Prefix: "45.1.0.0/24"})
	if err != nil || resp.GetCleared() != 1 {
		t.Fatalf("clear: %v, %v", resp, err)
	}
	if left := list("ix-a"); len(left) != 0 {
		t.Errorf("ix-a still has %v", left)
	}
	if left := list(""); len(left) != 1 {
		t.Errorf("%d entries left, want ix-b's 1", len(left))
	}
	if calls := b.Calls(); !slices.Contains(calls, "ClearDampening ix-a 45.1.0.0/24") {
		t.Errorf("calls %q", calls)
	}
}

func TestConfig(t *testing.T) {
	b, conn := memConn(t)
	c := rsguardv1.NewConfigServiceClient(conn)
	ctx := testCtx(t)

	ok, err := c.CheckConfig(ctx, &rsguardv1.CheckConfigRequest{})
	if err != nil || ok.GetPath() != "/etc/rsguard/rsguard.toml" || len(ok.GetErrors()) != 0 {
		t.Fatalf("clean check: %v, %v", ok, err)
	}
	bad, err := c.CheckConfig(ctx, &rsguardv1.CheckConfigRequest{Path: "/tmp/bad.toml"})
	if err != nil || len(bad.GetErrors()) != 2 {
		t.Fatalf("bad check: %v, %v", bad, err)
	}
	e := bad.GetErrors()[0]
	if e.GetFile() != "/tmp/bad.toml" || e.GetLine() != 12 || e.GetKey() != `peers."ix-a".asn` || e.GetMessage() == "" {
		t.Errorf("first error %v", e)
	}
	_, err = c.CheckConfig(ctx, &rsguardv1.CheckConfigRequest{Path: "/tmp/missing.toml"})
	wantCode(t, err, codes.NotFound, "missing.toml")

	r, err := c.ReloadConfig(ctx, &rsguardv1.ReloadConfigRequest{})
	if err != nil || !r.GetApplied() || !slices.Equal(r.GetChanges(), []string{"peer ix-c added"}) {
		t.Fatalf("reload: %v, %v", r, err)
	}
	// A backend that claims success while reporting errors is not believed.
	b.SetReloadResult(apiserver.ReloadResult{Path: "/x.toml", Applied: true, Errors: []apiserver.ConfigError{{File: "/x.toml", Line: 3, Key: "k", Message: "m"}}})
	r, err = c.ReloadConfig(ctx, &rsguardv1.ReloadConfigRequest{})
	if err != nil || r.GetApplied() || len(r.GetErrors()) != 1 || r.GetErrors()[0].GetLine() != 3 {
		t.Fatalf("failed reload: %v, %v", r, err)
	}
}

// waitFor polls cond until it holds or a deadline passes: a bounded wait
// for state the API cannot signal (a subscription becoming active).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestWatchEvents(t *testing.T) {
	b, conn := memConn(t)
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	stream, err := rsguardv1.NewEventServiceClient(conn).WatchEvents(ctx, &rsguardv1.WatchEventsRequest{
		Peer:  "ix-a",
		Types: []rsguardv1.EventType{rsguardv1.EventType_EVENT_TYPE_PEER_STATE, rsguardv1.EventType_EVENT_TYPE_ROUTE_REJECTED, rsguardv1.EventType_EVENT_TYPE_MAX_PREFIX, rsguardv1.EventType_EVENT_TYPE_DAMPENING},
	})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the subscription", func() bool { return b.Hub.Subscribers() == 1 })
	at := apiservertest.Epoch
	route := filters.Route{Prefix: netipPrefix("10.2.0.0/16"), ASPath: filters.Seq(21001), NextHop: netipAddr("45.255.0.1")}
	events := []apiserver.Event{
		{Time: at, Peer: "ix-b", PeerState: &apiserver.PeerStateChange{Old: apiserver.PeerStateIdle, New: apiserver.PeerStateActive}}, // other peer
		{Time: at, Peer: "ix-a", IRRRefresh: &apiserver.IRRRefreshOutcome{Peer: "ix-a"}},                                              // other type
		{Time: at, Peer: "ix-a", PeerState: &apiserver.PeerStateChange{Old: apiserver.PeerStateEstablished, New: apiserver.PeerStateIdle, Reason: "hold timer expired"}},
		{Time: at, Peer: "ix-a", RouteRejected: &apiserver.RouteRejected{Route: route, Rejections: []filters.Rejection{{Reason: filters.ReasonBogonPrefix, Detail: "inside 10.0.0.0/8"}}}},
		{Time: at, Peer: "ix-a", Dampening: &apiserver.DampeningTransition{Action: apiserver.DampeningSuppressed, Route: apiserver.DampenedRoute{Peer: "ix-a", Prefix: netipPrefix("45.1.0.0/24"), Penalty: 6100}}},
		{Time: at, Peer: "ix-a", MaxPrefix: &apiserver.MaxPrefixSanction{Family: "ipv4", Limit: 100, Received: 101, Action: "shutdown", RestartAfter: 5 * time.Minute}},
		{Time: at, Lagged: &apiserver.EventsLagged{Dropped: 3}}, // always delivered
	}
	for _, e := range events {
		b.Hub.Publish(e)
	}
	var got []*rsguardv1.Event
	for len(got) < 5 {
		m, err := stream.Recv()
		if err != nil {
			t.Fatalf("after %d events: %v", len(got), err)
		}
		got = append(got, m.GetEvent())
	}
	ps := got[0].GetPeerState()
	if ps == nil || ps.GetOldState() != rsguardv1.PeerState_PEER_STATE_ESTABLISHED || ps.GetNewState() != rsguardv1.PeerState_PEER_STATE_IDLE || ps.GetReason() != "hold timer expired" || got[0].GetPeer() != "ix-a" || !got[0].GetTime().AsTime().Equal(at) {
		t.Errorf("event 0 = %v", got[0])
	}
	rr := got[1].GetRouteRejected()
	if rr == nil || rr.GetRoute().GetPrefix() != "10.2.0.0/16" || len(rr.GetRejections()) != 1 || rr.GetRejections()[0].GetName() != "bogon_prefix" {
		t.Errorf("event 1 = %v", got[1])
	}
	if d := got[2].GetDampening(); d == nil || d.GetAction() != rsguardv1.DampeningAction_DAMPENING_ACTION_SUPPRESSED || d.GetRoute().GetPenalty() != 6100 {
		t.Errorf("event 2 = %v", got[2])
	}
	if m := got[3].GetMaxPrefix(); m == nil || m.GetReceived() != 101 || m.GetRestartAfter().AsDuration() != 5*time.Minute {
		t.Errorf("event 3 = %v", got[3])
	}
	if l := got[4].GetLagged(); l == nil || l.GetDropped() != 3 {
		t.Errorf("event 4 = %v", got[4])
	}
	cancel()
	waitFor(t, "the subscription to end", func() bool { return b.Hub.Subscribers() == 0 })
}

func TestWatchEventsBadType(t *testing.T) {
	_, conn := memConn(t)
	stream, err := rsguardv1.NewEventServiceClient(conn).WatchEvents(testCtx(t), &rsguardv1.WatchEventsRequest{Types: []rsguardv1.EventType{42}})
	if err == nil {
		_, err = stream.Recv()
	}
	wantCode(t, err, codes.InvalidArgument, "event type 42")
}

// An endless event stream must not hold up shutdown.
func TestWatchEventsEndsOnShutdown(t *testing.T) {
	b := apiservertest.NewMemBackend()
	l, err := apiserver.NewServer(b).Listen(apiserver.ListenConfig{Socket: apiservertest.SocketDir(t) + "/rs.sock"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- l.Serve(ctx) }()
	conn := apiservertest.DialUnix(t, l.SocketPath())
	stream, err := rsguardv1.NewEventServiceClient(conn).WatchEvents(testCtx(t), &rsguardv1.WatchEventsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Header(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the subscription", func() bool { return b.Hub.Subscribers() == 1 })
	stop()
	_, err = stream.Recv()
	wantCode(t, err, codes.Unavailable, "")
	select {
	case err := <-served:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Serve did not return after shutdown")
	}
}

// failingBackend returns an error without a sentinel, which must reach the
// client as Internal with its message.
type failingBackend struct{ *apiservertest.MemBackend }

func (failingBackend) GetPeer(context.Context, string) (apiserver.Peer, error) {
	return apiserver.Peer{}, errors.New("gobgp: bgp server hasn't started yet")
}

func (failingBackend) ListRoutes(_ context.Context, _ apiserver.RouteQuery, emit func(apiserver.RouteEntry) error) error {
	if err := emit(apiserver.RouteEntry{Peer: "ix-a", Route: filters.Route{Prefix: netipPrefix("45.1.0.0/24")}}); err != nil {
		return err
	}
	return errors.New("table walk failed")
}

func TestInternalErrors(t *testing.T) {
	l := apiservertest.Serve(t, apiserver.NewServer(failingBackend{apiservertest.NewMemBackend()}), apiserver.ListenConfig{})
	conn := apiservertest.DialUnix(t, l.SocketPath())
	_, err := rsguardv1.NewPeerServiceClient(conn).GetPeer(testCtx(t), &rsguardv1.GetPeerRequest{Name: "ix-a"})
	wantCode(t, err, codes.Internal, "gobgp: bgp server hasn't started yet")
	got, _, err := listPrefixes(t, rsguardv1.NewRouteServiceClient(conn), &rsguardv1.ListRoutesRequest{})
	wantCode(t, err, codes.Internal, "table walk failed")
	if len(got) != 1 {
		t.Errorf("routes sent before the failure: %q, want the 1 emitted", got)
	}
}
