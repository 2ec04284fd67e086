package lg

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/lg/lgtest"
)

// TestMirrorStructsReadBirdwatcher: the mirror structs the tests decode
// rsguard's output with also decode real birdwatcher output (Alice's own
// fixtures), so they mirror the format rather than our own code.
func TestMirrorStructsReadBirdwatcher(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "data", "lg")
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var ps lgtest.Protocols
	if err := json.Unmarshal(read("alice-parsers_test-APIResponseNeighbors.json"), &ps); err != nil {
		t.Fatal(err)
	}
	// their ttl is from 2017: check the envelope against that time
	if err := lgtest.CheckEnvelope(ps.Envelope, time.Date(2017, 5, 22, 0, 0, 0, 0, time.UTC)); err == nil {
		t.Error("birdwatcher's cached_at.date is \"\": CheckEnvelope should flag it")
	}
	if errs := lgtest.CheckProtocols(ps, time.Now()); len(errs) != 0 || len(ps.Protocols) != 2 {
		t.Errorf("birdwatcher neighbors: %v (%d protocols)", errs, len(ps.Protocols))
	}
	p := ps.Protocols["ID109_AS31078_194.9.117.4"]
	if *p.Routes.Imported != 8 || *p.Routes.Exported != 35806 || p.NeighborAS != 31078 {
		t.Errorf("birdwatcher neighbor: %+v", p)
	}
	for _, name := range []string{"alice-parsers_test-APIResponseRoutes.json", "alice-parsers_test-APIResponseRoutesFiltered.json"} {
		var rs lgtest.Routes
		b := read(name)
		if err := json.Unmarshal(b, &rs); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(rs.Routes) != 1 || rs.Routes[0].BGP == nil || len(rs.Routes[0].BGP.ASPath) == 0 {
			t.Fatalf("%s: %+v", name, rs)
		}
		seen, err := lgtest.StreamTokens(b)
		if err != nil || len(seen["routes"]) != 1 || seen["routes"][0] != 1 {
			t.Errorf("%s: tokens %v %v", name, seen, err)
		}
	}
}

// TestAliceConfigNamesEveryReason ports Alice's UI lookup and applies it to
// the shipped Alice config: every reason rsguard can give must resolve to
// its own text (not the wildcard), and an unknown code to the wildcard.
func TestAliceConfigNamesEveryReason(t *testing.T) {
	tree, err := lgtest.LoadRejectionReasons(repoFile(t, "configs/alice-lg.example.conf"))
	if err != nil {
		t.Fatal(err)
	}
	const rs = 21000 // [global] asn of the example configs
	wild, ok := tree.Lookup([3]uint32{rs, RejectCauseFunction, 4242})
	if !ok {
		t.Fatal("no wildcard reason for unknown codes")
	}
	for _, r := range filters.AllReasons() {
		for _, c := range reasonCommunities(rs, []filters.Rejection{{Reason: r}}) {
			text, ok := tree.Lookup(c)
			switch {
			case c[1] == RejectCauseFunction && (!ok || text == wild):
				t.Errorf("reason %d %s: community %v has no text of its own in the Alice config", r, r.Name(), c)
			case c[1] == EuroIXFiltered && ok:
				t.Errorf("reason %s: Euro-IX %v is a rejection reason too: Alice would print it twice (%q)", r.Name(), c, text)
			}
		}
	}
}

// TestSlowClientDoesNotBlockStore: a client that asks for a big table and
// never reads holds no lock: the route pipeline keeps writing.
func TestSlowClientDoesNotBlockStore(t *testing.T) {
	f := newFake()
	for i := 0; i < 20000; i++ {
		f.store.Put(storeEntry("a", netipPrefix4(45, 100+byte(i>>8), byte(i)), 21001))
	}
	srv := newTestServer(t, f, Options{Timeout: 5 * time.Second})
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.(*net.TCPConn).SetReadBuffer(4096); err != nil {
		t.Fatal(err)
	}
	conn.Write([]byte("GET /routes/table/master HTTP/1.1\r\nHost: x\r\n\r\n"))
	time.Sleep(300 * time.Millisecond) // the handler is now blocked writing
	start := time.Now()
	for i := 0; i < 2000; i++ {
		f.store.Put(storeEntry("b-six", netipPrefix4(45, 200+byte(i>>8), byte(i)), 21002))
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("2000 store writes took %s while a client stalled a table dump", took)
	}
}
