package rsbench

import (
	"net"
	"testing"
	"time"
)

func TestParseImported(t *testing.T) {
	channel := func(routes string) string {
		return "routeserver BGP        ---        up     19:31:41.512  Established\n  Channel ipv4\n" +
			"    State:          UP\n    Table:          master4\n" + routes +
			"    Route change stats:     received   rejected   filtered    ignored   accepted\n"
	}
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{channel("    Routes:         570000 imported, 285000 exported, 570000 preferred\n"), 570000, true},
		{channel("    Routes:         1140 imported, 190 filtered, 12 exported, 1140 preferred\n"), 1140, true},
		{channel("    Routes:         0 imported, 0 exported, 0 preferred\n"), 0, true},
		{channel(""), 0, false}, // channel down: no counters
		{channel("    Routes:         many imported\n"), 0, false},
		{channel("    Routes:         12 exported\n"), 0, false},
		{"syntax error\n", 0, false},
	}
	for _, tc := range tests {
		got, err := parseImported(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseImported(%q) = %d, %v; want %d, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestParseImportStats(t *testing.T) {
	out := `routeserver BGP        ---        up     19:31:41.512  Established
  BGP state:          Established
  Channel ipv4
    Route change stats:     received   rejected   filtered    ignored   accepted
      Import updates:            380          0          0          0        380
      Import withdraws:           12          0        ---          0         12
      Export updates:            200          0          0        ---        200
`
	u, w, err := parseImportStats(out)
	if err != nil || u != 380 || w != 12 {
		t.Errorf("got %d, %d, %v; want 380, 12", u, w, err)
	}
	if _, _, err := parseImportStats("routeserver BGP --- down\n"); err == nil {
		t.Error("no counters accepted")
	}
}

// TestBIRDSocketProtocol feeds birdSock the control-socket framing BIRD
// uses: greeting, continued lines, space continuations, final line, and
// an error code.
func TestBIRDSocketProtocol(t *testing.T) {
	srv, cli := net.Pipe()
	defer srv.Close()
	go func() {
		buf := make([]byte, 256)
		srv.Write([]byte("0001 BIRD 2.0.12 ready.\n"))
		srv.Read(buf)
		srv.Write([]byte("1007-Table master4:\n 45.0.0.0/24 unicast\n1008-\tType: BGP univ\n0000 \n"))
		srv.Read(buf)
		srv.Write([]byte("9001 syntax error, unexpected CF_SYM_UNDEFINED\n"))
	}()
	s := &birdSock{path: "pipe", conn: cli}
	s.r = newReader(cli)
	if _, err := s.read(time.Second); err != nil {
		t.Fatalf("greeting: %v", err)
	}
	out, err := s.Cmd("show route", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Table master4:\n45.0.0.0/24 unicast\n\tType: BGP univ\n"; out != want {
		t.Errorf("reply %q, want %q", out, want)
	}
	if _, err := s.Cmd("show nonsense", time.Second); err == nil {
		t.Error("9001 reply not an error")
	}
}
