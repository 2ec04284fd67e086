package daemon

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/internal/speakers"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

const abuseRoutes = 20_000

// dialSocket opens a gRPC connection to the daemon's unix socket. A
// small fixed window (which also turns off the dynamic one) makes a
// client that does not read stop the server's sends early.
func dialSocket(t *testing.T, socket string, smallWindow bool) *grpc.ClientConn {
	t.Helper()
	opts := []grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}
	if smallWindow {
		opts = append(opts, grpc.WithInitialWindowSize(64<<10), grpc.WithInitialConnWindowSize(64<<10))
	}
	conn, err := grpc.NewClient("unix://"+socket, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func heapMiB() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// TestAPIAbuse runs the daemon (in process, to watch its heap and
// goroutines) with a real BIRD peer announcing 20k routes and abuses its
// API: clients that open big route streams and never read them, more
// streams than the limit, an event stream nobody reads, huge and
// malformed requests, unknown peers. Meanwhile the daemon must keep
// answering and keep taking routes from BGP, and everything a stuck client
// held must be released when it goes.
func TestAPIAbuse(t *testing.T) {
	speakers.Require(t, "bird")
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "rsguard.toml")
	socket := filepath.Join(dir, "rsguard.sock")
	os.WriteFile(cfgPath, []byte(daemonHeader(fa(40), dir)+fmt.Sprintf(`
[log]
level = "warning"

[[peers]]
name = "a"
address = %q
asn = 21001
prefixes = ["45.0.0.0/8{24,24}"]

[[peers]]
name = "b"
address = %q
asn = 21002
prefixes = ["45.200.0.0/16{16,24}"]
`, fa(41), fa(42))), 0o600)
	d := runDaemon(t, cfgPath)
	var sb strings.Builder
	fmt.Fprintf(&sb, "router id %[1]s;\nprotocol device { scan time 10; }\nprotocol static st4 {\n\tipv4;\n", fa(41))
	for i := range abuseRoutes {
		fmt.Fprintf(&sb, "\troute 45.%d.%d.0/24 blackhole;\n", i/256, i%256)
	}
	fmt.Fprintf(&sb, "}\nprotocol bgp to_rs {\n\tlocal %[1]s as 21001;\n\tneighbor %[2]s as 21000;\n\tmultihop;\n\tstrict bind on;\n\tconnect delay time 1;\n\tconnect retry time 1;\n\tipv4 { import none; export all; };\n}\n", fa(41), fa(40))
	speakers.StartBIRD(t, speakers.BIRDConfig{Raw: sb.String()})
	store := d.RouteServer().Store()
	deadline := time.Now().Add(90 * time.Second)
	for store.Counts("a").Received < abuseRoutes {
		if time.Now().After(deadline) {
			t.Fatalf("store holds %+v of a's %d routes", store.Counts("a"), abuseRoutes)
		}
		time.Sleep(100 * time.Millisecond)
	}
	heap0, gr0 := heapMiB(), runtime.NumGoroutine()
	t.Logf("baseline with %d routes: heap %.1f MiB, %d goroutines", abuseRoutes, heap0, gr0)

	// Stuck readers: big route streams that are opened and never read.
	stuckCtx, unstick := context.WithCancel(context.Background())
	defer unstick()
	const stuck = 200
	opened, refused := 0, 0
	var refusal error
	var conns []*grpc.ClientConn
	for range stuck / 10 {
		conn := dialSocket(t, socket, true)
		conns = append(conns, conn)
		for range 10 {
			st, err := rsguardv1.NewRouteServiceClient(conn).ListRoutes(stuckCtx, &rsguardv1.ListRoutesRequest{})
			if err == nil {
				_, err = st.Recv() // the first route, or the refusal; the rest stays unread
			}
			if err == nil {
				opened++
			} else if status.Code(err) == codes.ResourceExhausted {
				refused++
				refusal = err
			} else {
				t.Fatalf("ListRoutes: %v", err)
			}
		}
	}
	evConn := dialSocket(t, socket, true)
	conns = append(conns, evConn)
	ev, err := rsguardv1.NewEventServiceClient(evConn).WatchEvents(stuckCtx, &rsguardv1.WatchEventsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ev.Header(); err != nil {
		t.Fatalf("an event stream beside the stuck route streams: %v", err)
	}
	time.Sleep(2 * time.Second) // let every stream fill its window and block in Send
	heap1, gr1 := heapMiB(), runtime.NumGoroutine()
	t.Logf("%d route streams never read (%d refused: %v): heap %.1f MiB (+%.1f), %d goroutines", opened, refused, refusal, heap1, heap1-heap0, gr1)
	if opened != apiserver.MaxRouteStreams || refused != stuck-apiserver.MaxRouteStreams {
		t.Errorf("%d route streams opened and %d refused, want %d and %d", opened, refused, apiserver.MaxRouteStreams, stuck-apiserver.MaxRouteStreams)
	}
	if heap1-heap0 > 100 {
		t.Errorf("stuck streams hold %.1f MiB of the daemon's heap", heap1-heap0)
	}

	// The daemon still answers, promptly, on a fresh connection.
	api := dialSocket(t, socket, false)
	peers := rsguardv1.NewPeerServiceClient(api)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := peers.ListPeers(ctx, &rsguardv1.ListPeersRequest{}); err != nil {
		t.Fatalf("ListPeers while streams are stuck: %v", err)
	}
	t.Logf("ListPeers with stuck streams: %s", time.Since(start).Round(time.Millisecond))

	// ... and still takes routes from BGP: a new peer comes up and its
	// route is evaluated and stored.
	speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21002, RouterID: fa(42),
		Neighbors: []speakers.BIRDNeighbor{{Name: "to_rs", LocalAddr: fa(42), PeerAddr: fa(40), PeerASN: 21000, IPv4: true, ImportAll: true}},
		Static4:   []speakers.StaticRoute{{Prefix: "45.200.1.0/24"}}})
	deadline = time.Now().Add(60 * time.Second)
	for store.Counts("b").Received < 1 {
		if time.Now().After(deadline) {
			t.Fatal("a new peer's route never reached the store while API streams were stuck")
		}
		time.Sleep(100 * time.Millisecond)
	}

	// Huge, malformed and unknown: refused with the right code, fast.
	routes := rsguardv1.NewRouteServiceClient(api)
	bad := []struct {
		name string
		call func() error
		want codes.Code
	}{
		{"5 MB request", func() error {
			_, err := peers.GetPeer(ctx, &rsguardv1.GetPeerRequest{Name: strings.Repeat("a", 5<<20)})
			return err
		}, codes.ResourceExhausted},
		{"1 MB peer name", func() error {
			_, err := peers.GetPeer(ctx, &rsguardv1.GetPeerRequest{Name: strings.Repeat("a", 1<<20)})
			return err
		}, codes.NotFound},
		{"unknown peer", func() error {
			_, err := peers.GetPeer(ctx, &rsguardv1.GetPeerRequest{Name: "nobody"})
			return err
		}, codes.NotFound},
		{"malformed prefix", func() error {
			_, err := routes.ExplainRoute(ctx, &rsguardv1.ExplainRouteRequest{Peer: "a", Prefix: "45.0.0.0/33"})
			return err
		}, codes.InvalidArgument},
		{"prefix that is not one", func() error {
			_, err := routes.ExplainRoute(ctx, &rsguardv1.ExplainRouteRequest{Peer: "a", Prefix: "not a prefix; DROP TABLE"})
			return err
		}, codes.InvalidArgument},
	}
	for _, b := range bad {
		start := time.Now()
		err := b.call()
		if status.Code(err) != b.want {
			t.Errorf("%s: %v, want %s", b.name, err, b.want)
		}
		msg := status.Convert(err).Message()
		if len(msg) > 200 {
			msg = msg[:200] + "…"
		}
		t.Logf("%s: %s %q in %s", b.name, status.Code(err), msg, time.Since(start).Round(time.Millisecond))
	}

	// The clients go away: what they held is released. (Goroutines are
	// counted with the clients' connections closed: they live in this
	// process too.)
	unstick()
	for _, c := range conns {
		c.Close()
	}
	deadline = time.Now().Add(15 * time.Second)
	for runtime.NumGoroutine() > gr0+20 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	heap2, gr2 := heapMiB(), runtime.NumGoroutine()
	t.Logf("after the stuck clients cancelled: heap %.1f MiB, %d goroutines", heap2, gr2)
	if gr2 > gr0+20 {
		t.Errorf("%d goroutines after the stuck streams ended, %d before them", gr2, gr0)
	}
	// Route listings are served again: an unknown peer is refused, a
	// full stream read to the end has every route.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel2()
	unknown, err := routes.ListRoutes(ctx2, &rsguardv1.ListRoutesRequest{Peer: "nobody"})
	if err == nil {
		_, err = unknown.Recv()
	}
	if status.Code(err) != codes.NotFound {
		t.Errorf("route stream for an unknown peer: %v, want NotFound", err)
	}
	st, err := routes.ListRoutes(ctx2, &rsguardv1.ListRoutesRequest{Peer: "a"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		if _, err := st.Recv(); err != nil {
			if status.Code(err) != codes.OK && err.Error() != "EOF" {
				t.Fatalf("reading the stream: %v", err)
			}
			break
		}
		n++
	}
	if n != abuseRoutes {
		t.Errorf("a full read gave %d routes, want %d", n, abuseRoutes)
	}
}
