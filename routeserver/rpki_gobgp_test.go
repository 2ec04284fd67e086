package routeserver

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sort"
	"testing"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/packet/rtr"
	"github.com/osrg/gobgp/v3/pkg/server"
	"github.com/rsguard/rsguard/rpki"
)

// rpkiAddr is this file's loopback block: 127.10.3.0/24 (routeserver's
// 127.10.0.0/16, octet 3 for the RPKI tests).
func rpkiAddr(host byte) string { return fmt.Sprintf("127.10.3.%d", host) }

func mustVRP(p string, maxLen uint8, asn uint32) rpki.VRP {
	return rpki.VRP{Prefix: netip.MustParsePrefix(p), MaxLen: maxLen, ASN: asn}
}

// gobgpROAs lists GoBGP's ROA table as "prefix-maxlen ASn" strings.
func gobgpROAs(t *testing.T, s *server.BgpServer) []string {
	t.Helper()
	var out []string
	err := s.ListRpkiTable(context.Background(), &api.ListRpkiTableRequest{}, func(r *api.Roa) {
		out = append(out, fmt.Sprintf("%s/%d-%d AS%d", r.Prefix, r.Prefixlen, r.Maxlen, r.Asn))
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func vrpStrings(set rpki.Set) []string {
	var out []string
	for _, v := range set {
		out = append(out, v.String())
	}
	sort.Strings(out)
	return out
}

// TestRTRServerFeedsGoBGP: GoBGP's own RTR client (version 0) loads our
// cache's set, then follows an incremental update with a withdrawal.
func TestRTRServerFeedsGoBGP(t *testing.T) {
	bgp := server.NewBgpServer(server.LoggerOption(newGoBGPLogger(testLogger())))
	go bgp.Serve()
	ctx := context.Background()
	if err := bgp.StartBgp(ctx, &api.StartBgpRequest{Global: &api.Global{Asn: 21000, RouterId: rpkiAddr(1), ListenPort: -1}}); err != nil {
		t.Fatal(err)
	}
	defer bgp.StopBgp(ctx, &api.StopBgpRequest{})

	srv := rpki.NewServer()
	defer srv.Close()
	first := rpki.NewSet([]rpki.VRP{mustVRP("45.1.0.0/16", 24, 21001), mustVRP("2a0a:4580::/29", 48, 21002), mustVRP("45.2.0.0/16", 16, 0)})
	srv.Update(first)
	l, err := net.Listen("tcp", rpkiAddr(1)+":0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	ap := l.Addr().(*net.TCPAddr).AddrPort()
	if err := bgp.AddRpki(ctx, &api.AddRpkiRequest{Address: ap.Addr().String(), Port: uint32(ap.Port()), Lifetime: 60}); err != nil {
		t.Fatal(err)
	}
	want := func(set rpki.Set) func() bool {
		return func() bool { return fmt.Sprint(gobgpROAs(t, bgp)) == fmt.Sprint(vrpStrings(set)) }
	}
	waitFor(t, 10*time.Second, "GoBGP to load the full set", want(first))

	second := rpki.NewSet([]rpki.VRP{mustVRP("45.1.0.0/16", 24, 21001), mustVRP("45.3.0.0/16", 20, 21003)})
	serial, _ := srv.Update(second)
	waitFor(t, 10*time.Second, "GoBGP to apply the incremental update", want(second))
	var gotSerial uint32
	_ = bgp.ListRpki(ctx, &api.ListRpkiRequest{}, func(r *api.Rpki) { gotSerial = r.State.Serial })
	if gotSerial != serial {
		t.Fatalf("GoBGP at serial %d, want %d", gotSerial, serial)
	}
}

// TestRTRClientReadsGoBGPCodec: our client against a cache built from
// GoBGP's PDU codec (version 0), so both encoders agree on the wire.
func TestRTRClientReadsGoBGPCodec(t *testing.T) {
	l, err := net.Listen("tcp", rpkiAddr(1)+":0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	serve := func(nc net.Conn) {
		defer nc.Close()
		buf := make([]byte, 8)
		for {
			if _, err := nc.Read(buf); err != nil {
				return
			}
			if buf[0] == 1 { // version 1 query: this cache speaks version 0 only
				b, _ := rtr.NewRTRErrorReport(4, nil, []byte("v0 only")).Serialize()
				nc.Write(b)
				return
			}
			for _, m := range []rtr.RTRMessage{
				rtr.NewRTRCacheResponse(9),
				rtr.NewRTRIPPrefix(net.ParseIP("45.1.0.0").To4(), 16, 24, 21001, 1),
				rtr.NewRTRIPPrefix(net.ParseIP("2a0a:4580::"), 29, 48, 21002, 1),
				rtr.NewRTREndOfData(9, 7),
			} {
				b, _ := m.Serialize()
				nc.Write(b)
			}
		}
	}
	go func() {
		for {
			nc, err := l.Accept()
			if err != nil {
				return
			}
			go serve(nc)
		}
	}()
	c := rpki.NewClient(l.Addr().String(), nil)
	c.RetryInterval = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go c.Run(ctx)
	want := rpki.NewSet([]rpki.VRP{mustVRP("45.1.0.0/16", 24, 21001), mustVRP("2a0a:4580::/29", 48, 21002)})
	waitFor(t, 5*time.Second, "the client to load GoBGP-encoded PDUs", func() bool {
		s, st := c.Snapshot()
		return s.Equal(want) && st.Serial == 7
	})
}
