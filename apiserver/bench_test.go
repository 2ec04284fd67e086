package apiserver_test

import (
	"context"
	"errors"
	"io"
	"net/netip"
	"testing"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/apiserver/apiservertest"
	"github.com/rsguard/rsguard/filters"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
)

// bigTable emits n synthetic rejected routes without storing them, like a
// daemon walking a large table.
type bigTable struct {
	*apiservertest.MemBackend
	n int
}

func (b bigTable) ListRoutes(ctx context.Context, _ apiserver.RouteQuery, emit func(apiserver.RouteEntry) error) error {
	rej := []filters.Rejection{{Reason: filters.ReasonOriginNotInASSet, Detail: "AS21009 not in AS-ALPHA"}}
	for i := 0; i < b.n; i++ {
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{45, byte(i >> 16), byte(i >> 8), 0}), 24)
		e := apiserver.RouteEntry{Peer: "ix-a", Route: filters.Route{Prefix: p, ASPath: filters.Seq(21001, 21009), NextHop: netip.MustParseAddr("45.255.0.1")}, Rejections: rej}
		if err := emit(e); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// BenchmarkListRoutes measures streaming a 10,000-route table over the unix
// socket, end to end (backend emit, proto encode, socket, client decode).
func BenchmarkListRoutes(b *testing.B) {
	const n = 10000
	l := apiservertest.Serve(b, apiserver.NewServer(bigTable{apiservertest.NewMemBackend(), n}), apiserver.ListenConfig{})
	c := rsguardv1.NewRouteServiceClient(apiservertest.DialUnix(b, l.SocketPath()))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		stream, err := c.ListRoutes(context.Background(), &rsguardv1.ListRoutesRequest{View: rsguardv1.RouteView_ROUTE_VIEW_REJECTED})
		if err != nil {
			b.Fatal(err)
		}
		got := 0
		for {
			_, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			got++
		}
		if got != n {
			b.Fatalf("got %d routes, want %d", got, n)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "routes/s")
}
