package rsbench

import (
	"net/netip"
	"strings"
	"testing"
)

// accepts is the filter every generated config must express: a prefix
// inside one of the peer's /16s at length 16..24, or one of its exact
// extras. The configs are checked against this by the daemons themselves
// (TestRSBench*); here it pins down the scenario.
func (p *Peer) accepts(q netip.Prefix) bool {
	for _, a := range p.Allowed {
		if a.Contains(q.Addr()) && q.Bits() >= a.Bits() && q.Bits() <= 24 {
			return true
		}
	}
	for _, e := range p.ExtraExact {
		if e == q {
			return true
		}
	}
	return false
}

func TestBuildScenario(t *testing.T) {
	tests := []struct {
		name         string
		routes       []int
		wantInvalid  []int
		wantSessions int
	}{
		{"two small", []int{100, 100}, []int{5, 5}, 2},
		{"uneven", []int{2000, 19, 300}, []int{100, 0, 15}, 3},
		{"not a multiple of 256", []int{1000, 1000, 1000}, []int{50, 50, 50}, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Build(tc.name, tc.routes)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Peers) != tc.wantSessions {
				t.Fatalf("%d peers, want %d", len(s.Peers), tc.wantSessions)
			}
			seen := map[netip.Prefix]string{}
			for i, p := range s.Peers {
				if got := len(p.Invalid); got != tc.wantInvalid[i] {
					t.Errorf("%s: %d invalid, want %d", p.Name, got, tc.wantInvalid[i])
				}
				if got := len(p.Valid) + len(p.Invalid); got != tc.routes[i] {
					t.Errorf("%s: %d routes, want %d", p.Name, got, tc.routes[i])
				}
				if !netip.MustParsePrefix("127.120.0.0/16").Contains(p.Addr) || p.Addr.String() == RSAddr {
					t.Errorf("%s: address %s outside the benchmark's block or the RS's", p.Name, p.Addr)
				}
				for _, v := range p.Valid {
					if !p.accepts(v) {
						t.Errorf("%s: valid %s not accepted by its own filter", p.Name, v)
					}
					for _, other := range s.Peers {
						if other != p && other.accepts(v) {
							t.Errorf("%s's valid %s also accepted from %s", p.Name, v, other.Name)
						}
					}
				}
				for _, inv := range p.Invalid {
					if p.accepts(inv.Prefix) {
						t.Errorf("%s: %s %s accepted by its filter", p.Name, inv.Kind, inv.Prefix)
					}
					if inv.Kind == Bogon && !inv.Prefix.Addr().IsPrivate() && !netip.MustParsePrefix("100.64.0.0/10").Contains(inv.Prefix.Addr()) {
						t.Errorf("%s: bogon %s is not private or shared space", p.Name, inv.Prefix)
					}
				}
				for _, q := range p.Announced() {
					if prev, dup := seen[q]; dup && !strings.HasPrefix(q.Addr().String(), "10.") {
						t.Errorf("%s announces %s, as %s does", p.Name, q, prev)
					}
					seen[q] = p.Name
				}
			}
		})
	}
}

func TestInvalidKindsAreMixed(t *testing.T) {
	s, err := Build("mix", []int{600, 600})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[InvalidKind]int{}
	for _, inv := range s.Peers[0].Invalid {
		kinds[inv.Kind]++
	}
	for _, k := range []InvalidKind{Bogon, Unregistered, TooSpecific} {
		if kinds[k] != 10 {
			t.Errorf("%s: %d of 30 invalid routes, want 10", k, kinds[k])
		}
	}
}

func TestNamedSizes(t *testing.T) {
	for size, want := range map[string][2]int{"medium": {10, 10000}, "ixp": {60, 2000}, "custom": {4, 50}} {
		s, err := NewScenario(size, 4, 50)
		if err != nil {
			t.Fatalf("%s: %v", size, err)
		}
		all, _ := s.TotalRoutes()
		if len(s.Peers) != want[0] || all != want[0]*want[1] {
			t.Errorf("%s: %d peers, %d routes; want %dx%d", size, len(s.Peers), all, want[0], want[1])
		}
	}
	sk, err := NewScenario("skewed", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(sk.Peers) < 100 {
		t.Errorf("skewed: %d sessions, want 100+", len(sk.Peers))
	}
	if _, err := NewScenario("huge", 1, 1); err == nil {
		t.Error("unknown size accepted")
	}
	if _, err := Build("one", []int{10}); err == nil {
		t.Error("a single peer accepted")
	}
}

func TestExpectedExcludesOwnAndInvalid(t *testing.T) {
	s, err := Build("e", []int{40, 40, 40})
	if err != nil {
		t.Fatal(err)
	}
	exp := s.Expected(1)
	if len(exp) != 2*38 {
		t.Fatalf("client 2 expects %d routes, want 76", len(exp))
	}
	for _, v := range s.Peers[1].Valid {
		if _, ok := exp[v]; ok {
			t.Errorf("client 2 expects its own %s", v)
		}
	}
	for _, inv := range s.Peers[0].Invalid {
		if _, ok := exp[inv.Prefix]; ok {
			t.Errorf("client 2 expects invalid %s", inv.Prefix)
		}
	}
}

func TestInjectLeak(t *testing.T) {
	s, err := Build("l", []int{100, 100})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.InjectLeak()
	if err != nil {
		t.Fatal(err)
	}
	if !s.Peers[0].accepts(p) {
		t.Errorf("leaked %s not accepted by the holed filter", p)
	}
	if _, ok := s.Expected(1)[p]; ok {
		t.Errorf("leaked %s is expected: the check could not see the leak", p)
	}
}

func TestClientAddr(t *testing.T) {
	for i, want := range map[int]string{0: "127.120.1.1", 199: "127.120.1.200", 200: "127.120.2.1", 1000: "127.120.6.1"} {
		if got := ClientAddr(i).String(); got != want {
			t.Errorf("ClientAddr(%d) = %s, want %s", i, got, want)
		}
	}
}
