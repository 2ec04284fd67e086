package rpki

import (
	"bytes"
	"context"
	"net"
	"testing"
	"time"
)

func TestPDURoundTrip(t *testing.T) {
	for _, p := range []pdu{
		{Version: 1, Type: pduSerialNotify, Session: 7, Serial: 9},
		{Version: 0, Type: pduSerialQuery, Session: 7, Serial: 9},
		{Version: 1, Type: pduResetQuery},
		{Version: 1, Type: pduCacheResponse, Session: 7},
		{Version: 1, Type: pduIPv4Prefix, Announce: true, VRP: vrp("45.0.0.0/16", 24, 21001)},
		{Version: 0, Type: pduIPv6Prefix, VRP: vrp("2a0a:4580::/29", 48, 4200000000)},
		{Version: 0, Type: pduEndOfData, Session: 7, Serial: 3},
		{Version: 1, Type: pduEndOfData, Session: 7, Serial: 3, Refresh: 1, Retry: 2, Expire: 3},
		{Version: 1, Type: pduCacheReset},
		{Version: 1, Type: pduErrorReport, Session: errNoDataAvailable, Text: "no data"},
	} {
		got, err := readPDU(bytes.NewReader(p.marshal()))
		if err != nil || got != p {
			t.Errorf("%+v: got %+v, %v", p, got, err)
		}
	}
}

func FuzzParsePDU(f *testing.F) {
	f.Add(pdu{Version: 1, Type: pduIPv4Prefix, Announce: true, VRP: vrp("45.0.0.0/16", 24, 21001)}.marshal())
	f.Add(pdu{Version: 1, Type: pduErrorReport, Session: 2, Text: "x"}.marshal())
	f.Add(pdu{Version: 1, Type: pduEndOfData, Serial: 1}.marshal())
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := readPDU(bytes.NewReader(b))
		if err != nil {
			return
		}
		if p.Type == pduIPv4Prefix || p.Type == pduIPv6Prefix {
			if err := p.VRP.Check(); err != nil {
				t.Fatalf("accepted a bad VRP %v", p.VRP)
			}
		}
	})
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRTRClientFollowsServer(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	first := NewSet([]VRP{vrp("45.0.0.0/16", 24, 21001), vrp("2a0a:4580::/29", 48, 21002)})
	srv.Update(first)
	l := listen(t)
	go srv.Serve(l)

	changes := make(chan struct{}, 100)
	c := NewClient(l.Addr().String(), func() { changes <- struct{}{} })
	c.RetryInterval = 50 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go c.Run(ctx)

	snapshot := func() Set { s, _ := c.Snapshot(); return s }
	waitFor(t, "the full set", func() bool { return snapshot().Equal(first) })

	// An incremental change: one withdrawn, one announced.
	second := NewSet([]VRP{vrp("45.0.0.0/16", 24, 21001), vrp("45.9.0.0/16", 16, 21003)})
	serial, changed := srv.Update(second)
	if !changed || serial != 2 {
		t.Fatalf("Update = %d, %v", serial, changed)
	}
	waitFor(t, "the incremental update", func() bool { return snapshot().Equal(second) })
	if _, st := c.Snapshot(); st.Serial != 2 || !st.Connected || !st.Synced {
		t.Fatalf("status %+v", st)
	}
	if _, changed := srv.Update(second); changed {
		t.Fatal("an unchanged set got a new serial")
	}

	// The cache goes away: the client keeps the set and says since when.
	srv.Close()
	waitFor(t, "disconnection", func() bool { _, st := c.Snapshot(); return !st.Connected && !st.DownSince.IsZero() })
	if !snapshot().Equal(second) {
		t.Fatal("the client dropped its set on disconnection; the caller decides staleness")
	}
}

// A router that is behind by more than the history gets a Cache Reset and
// reloads; one with an unknown session too.
func TestRTRServerCacheReset(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	for i := 0; i < maxHistory+2; i++ {
		srv.Update(NewSet([]VRP{vrp("45.0.0.0/16", uint8(16+i%9), uint32(21001+i))}))
	}
	l := listen(t)
	go srv.Serve(l)
	nc, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.Write(pdu{Version: 1, Type: pduSerialQuery, Session: srv.session, Serial: 1}.marshal())
	if p, err := readPDU(nc); err != nil || p.Type != pduCacheReset {
		t.Fatalf("old serial: got %+v, %v; want Cache Reset", p, err)
	}
	nc.Write(pdu{Version: 1, Type: pduSerialQuery, Session: srv.session + 1, Serial: srv.Serial()}.marshal())
	if p, err := readPDU(nc); err != nil || p.Type != pduCacheReset {
		t.Fatalf("wrong session: got %+v, %v; want Cache Reset", p, err)
	}
	// A current serial gets an empty response.
	nc.Write(pdu{Version: 1, Type: pduSerialQuery, Session: srv.session, Serial: srv.Serial()}.marshal())
	for _, want := range []uint8{pduCacheResponse, pduEndOfData} {
		if p, err := readPDU(nc); err != nil || p.Type != want {
			t.Fatalf("current serial: got %+v, %v; want type %d", p, err, want)
		}
	}
}

// A version 0 router (RFC 6810, e.g. GoBGP's client) gets version 0 PDUs.
func TestRTRServerVersion0(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	srv.Update(NewSet([]VRP{vrp("45.0.0.0/16", 24, 21001)}))
	l := listen(t)
	go srv.Serve(l)
	nc, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.Write(pdu{Version: 0, Type: pduResetQuery}.marshal())
	for _, want := range []uint8{pduCacheResponse, pduIPv4Prefix, pduEndOfData} {
		p, err := readPDU(nc)
		if err != nil || p.Type != want || p.Version != 0 {
			t.Fatalf("got %+v, %v; want version 0 type %d", p, err, want)
		}
	}
}

// A version 0 cache refuses version 1: the client falls back.
func TestRTRClientFallsBackToVersion0(t *testing.T) {
	l := listen(t)
	defer l.Close()
	go func() {
		for {
			nc, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer nc.Close()
				for {
					p, err := readPDU(nc)
					if err != nil {
						return
					}
					if p.Version != 0 {
						nc.Write(pdu{Version: 0, Type: pduErrorReport, Session: errUnsupportedVersion, Text: "v0 only"}.marshal())
						return
					}
					nc.Write(pdu{Version: 0, Type: pduCacheResponse, Session: 5}.marshal())
					nc.Write(pdu{Version: 0, Type: pduIPv4Prefix, Announce: true, VRP: vrp("45.0.0.0/16", 24, 21001)}.marshal())
					nc.Write(pdu{Version: 0, Type: pduEndOfData, Session: 5, Serial: 1}.marshal())
				}
			}()
		}
	}()
	c := NewClient(l.Addr().String(), nil)
	c.RetryInterval = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go c.Run(ctx)
	waitFor(t, "a version 0 sync", func() bool { s, _ := c.Snapshot(); return len(s) == 1 })
}
