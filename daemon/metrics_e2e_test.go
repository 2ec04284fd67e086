package daemon

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/rsguard/rsguard/internal/speakers"
)

// Addresses of these tests: 127.41.16.x (the metrics branch's octet).
func m16(host byte) string { return fmt.Sprintf("127.%d.16.%d", speakers.PkgDaemon, host) }

// metricsConfig: peers good, wrongasn, hold and maxpfx on 127.41.16.2-5,
// AS21001-21004, each with its own 45.5x.0.0/16; maxpfx with a limit of 1.
func metricsConfig(dir, listen string) string {
	var b strings.Builder
	b.WriteString(daemonHeader(m16(1), dir))
	fmt.Fprintf(&b, "\n[metrics]\nlisten = %q\nadvertised = true\n", listen)
	for i, name := range []string{"good", "wrongasn", "hold", "maxpfx"} {
		fmt.Fprintf(&b, "\n[[peers]]\nname = %q\naddress = %q\nasn = %d\nprefixes = [\"45.%d.0.0/16{16,24}\"]\n",
			name, m16(byte(2+i)), 21001+i, 51+i)
	}
	b.WriteString("max_prefixes_ipv4 = 1\n") // maxpfx's
	return b.String()
}

func toRS16(local string, asn uint32) speakers.BIRDNeighbor {
	return speakers.BIRDNeighbor{Name: "to_rs", LocalAddr: local, PeerAddr: m16(1), PeerASN: 21000, LocalASN: asn, IPv4: true, ImportAll: true}
}

// scrape reads /metrics with the Prometheus text parser.
func scrape(t *testing.T, addr string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	var p expfmt.TextParser
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// value finds the sample of family name with exactly these labels.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	t.Helper()
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		if len(m.GetLabel()) != len(labels) {
			continue
		}
		for _, l := range m.GetLabel() {
			if labels[l.GetName()] != l.GetValue() {
				continue next
			}
		}
		switch {
		case m.Gauge != nil:
			return m.GetGauge().GetValue(), true
		case m.Counter != nil:
			return m.GetCounter().GetValue(), true
		}
	}
	return 0, false
}

type peerMetricsJSON struct {
	Name      string `json:"name"`
	State     string `json:"state"`
	Received  uint64 `json:"received"`
	Accepted  uint64 `json:"accepted"`
	Rejected  uint64 `json:"rejected"`
	LastError string `json:"last_error"`
	LastErrAt *string
	Families  []struct {
		Family   string `json:"family"`
		Received uint64 `json:"received"`
		Accepted uint64 `json:"accepted"`
		Rejected uint64 `json:"rejected"`
	} `json:"families"`
	Session *struct {
		HoldTimeSeconds int64    `json:"hold_time_seconds"`
		Families        []string `json:"families"`
	} `json:"session"`
	Flaps struct {
		Suppressed uint32 `json:"suppressed"`
	} `json:"flaps"`
	MaxPrefix struct {
		LimitIPv4   uint32 `json:"limit_ipv4"`
		CountedIPv4 uint64 `json:"counted_ipv4"`
	} `json:"max_prefix"`
}

// TestMetricsAndSessionErrors runs the daemon with four real BIRD peers:
// /metrics parsed with the Prometheus text parser equals `rsctl peers
// --json`; a wrong ASN, a hold-timer expiry (BIRD stopped with SIGSTOP)
// and a max-prefix shutdown each show their last error in `rsctl peer
// show`; `rsctl events --since` shows what happened before anyone
// watched; [metrics] listen follows a reload.
func TestMetricsAndSessionErrors(t *testing.T) {
	speakers.Require(t, "bird")
	dir := t.TempDir()
	e := &e2e{t: t, dir: dir, cfg: filepath.Join(dir, "rsguard.toml"), socket: filepath.Join(dir, "rsguard.sock")}
	listen := m16(1) + ":9179"
	os.WriteFile(e.cfg, []byte(metricsConfig(dir, listen)), 0o600)
	runDaemon(t, e.cfg)

	good := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21001, RouterID: m16(2), Neighbors: []speakers.BIRDNeighbor{toRS16(m16(2), 21001)},
		Static4: []speakers.StaticRoute{{Prefix: "45.51.1.0/24"}, {Prefix: "45.51.2.0/24"}, {Prefix: "45.59.0.0/24"}}})
	// configured as AS21002 on the route server, speaks as AS21012
	speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21012, RouterID: m16(3), Neighbors: []speakers.BIRDNeighbor{toRS16(m16(3), 21012)}})
	holdN := toRS16(m16(4), 21003)
	holdN.Extra = "hold time 3;\n"
	hold := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21003, RouterID: m16(4), Neighbors: []speakers.BIRDNeighbor{holdN},
		Static4: []speakers.StaticRoute{{Prefix: "45.53.1.0/24"}}})
	speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21004, RouterID: m16(5), Neighbors: []speakers.BIRDNeighbor{toRS16(m16(5), 21004)},
		Static4: []speakers.StaticRoute{{Prefix: "45.54.1.0/24"}, {Prefix: "45.54.2.0/24"}}})
	for n, b := range map[string]*speakers.BIRD{"good": good, "hold": hold} {
		if err := b.WaitEstablished("to_rs", 60*time.Second); err != nil {
			t.Fatalf("BIRD %s: %v", n, err)
		}
	}
	peer := func(name string) peerMetricsJSON {
		var p peerMetricsJSON
		e.json(&p, "peer", "show", name)
		return p
	}
	waitPeerFor := func(name, what string, wait time.Duration, ok func(peerMetricsJSON) bool) peerMetricsJSON {
		t.Helper()
		deadline := time.Now().Add(wait)
		for {
			p := peer(name)
			if ok(p) {
				return p
			}
			if time.Now().After(deadline) {
				t.Fatalf("peer %s: %s never seen: %+v", name, what, p)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	waitPeer := func(name, what string, ok func(peerMetricsJSON) bool) peerMetricsJSON {
		t.Helper()
		return waitPeerFor(name, what, 45*time.Second, ok)
	}
	waitPeer("good", "3 routes", func(p peerMetricsJSON) bool { return p.Received == 3 })

	// the three session errors
	mp := waitPeer("maxpfx", "a last error", func(p peerMetricsJSON) bool { return p.LastError != "" })
	if !strings.Contains(mp.LastError, "max-prefix exceeded") || !strings.Contains(mp.LastError, "limit 1") {
		t.Errorf("max-prefix: last error %q", mp.LastError)
	}
	h := peer("hold")
	if h.Session == nil || h.Session.HoldTimeSeconds != 3 || strings.Join(h.Session.Families, ",") != "ipv4" {
		t.Fatalf("hold: negotiated session %+v, want hold time 3s and ipv4", h.Session)
	}
	// [metrics] advertised: the metric equals `rsctl routes --view
	// advertised` for both established peers (hold's route to good,
	// good's two accepted routes to hold)
	for name, want := range map[string]int{"good": 1, "hold": 2} {
		var adv []routeJSON
		var got float64
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			e.json(&adv, "routes", "--peer", name, "--view", "advertised")
			got, _ = value(t, scrape(t, listen), "rsguard_peer_routes", map[string]string{"peer": name, "family": "ipv4", "view": "advertised"})
			if len(adv) == want && got == float64(want) || time.Now().After(deadline) {
				break
			}
		}
		if len(adv) != want || got != float64(want) {
			t.Errorf("%s: advertised metric %v, rsctl routes --view advertised %d routes, want %d", name, got, len(adv), want)
		}
	}
	human, err := e.rsctl("peer", "show", "hold")
	if err != nil || !strings.Contains(human, "hold time:    3s") || !strings.Contains(human, "families:     ipv4") ||
		!strings.Contains(human, "route-refresh") || !strings.Contains(human, "ipv4:       1 received, 1 accepted, 0 rejected") {
		t.Errorf("rsctl peer show hold (%v):\n%s", err, human)
	}
	human, err = e.rsctl("peer", "show", "maxpfx")
	if err != nil || !strings.Contains(human, "last error:   max-prefix exceeded") || !strings.Contains(human, "(at ") {
		t.Errorf("rsctl peer show maxpfx (%v):\n%s", err, human)
	}
	t.Logf("rsctl peer show maxpfx:\n%s", human)
	pid := hold.PID()
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGCONT) })
	stopped := time.Now()
	h = waitPeer("hold", "hold timer expired", func(p peerMetricsJSON) bool { return strings.Contains(p.LastError, "hold timer expired") })
	took := time.Since(stopped)
	syscall.Kill(pid, syscall.SIGCONT)
	t.Logf("hold timer: last error %q seen %s after SIGSTOP", h.LastError, took.Round(100*time.Millisecond))
	if took > 20*time.Second {
		t.Errorf("hold timer expiry took %s with a 3s hold time", took)
	}

	// what happened before anyone watched
	out, err := e.rsctl("events", "--since", "1h", "--no-follow")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "max_prefix") || !strings.Contains(out, "maxpfx") || !strings.Contains(out, "hold timer expired") {
		t.Errorf("rsctl events --since 1h lacks the max-prefix event or the hold-timer reason:\n%s", out)
	}

	// /metrics equals rsctl peers --json
	var peers []peerMetricsJSON
	e.json(&peers, "peers")
	fams := scrape(t, listen)
	if len(peers) != 4 {
		t.Fatalf("rsctl peers: %+v", peers)
	}
	for _, p := range peers {
		up, ok := value(t, fams, "rsguard_peer_up", map[string]string{"peer": p.Name})
		if !ok || (up == 1) != (p.State == "established") {
			t.Errorf("%s: rsguard_peer_up %v (found %v), state %s", p.Name, up, ok, p.State)
		}
		st, ok := value(t, fams, "rsguard_peer_state", map[string]string{"peer": p.Name, "state": p.State})
		if !ok || st != 1 {
			t.Errorf("%s: rsguard_peer_state{state=%q} = %v (found %v)", p.Name, p.State, st, ok)
		}
		var sum [3]float64
		for _, f := range p.Families {
			for i, v := range []struct {
				view string
				want uint64
			}{{"received", f.Received}, {"accepted", f.Accepted}, {"rejected", f.Rejected}} {
				got, ok := value(t, fams, "rsguard_peer_routes", map[string]string{"peer": p.Name, "family": f.Family, "view": v.view})
				if !ok || got != float64(v.want) {
					t.Errorf("%s %s %s: metric %v (found %v), rsctl %d", p.Name, f.Family, v.view, got, ok, v.want)
				}
				sum[i] += got
			}
		}
		if sum != [3]float64{float64(p.Received), float64(p.Accepted), float64(p.Rejected)} {
			t.Errorf("%s: families sum to %v, rsctl peers says %d/%d/%d", p.Name, sum, p.Received, p.Accepted, p.Rejected)
		}
		d, ok := value(t, fams, "rsguard_peer_dampened_routes", map[string]string{"peer": p.Name})
		if !ok || d != float64(p.Flaps.Suppressed) {
			t.Errorf("%s: dampened %v, rsctl %d", p.Name, d, p.Flaps.Suppressed)
		}
		if p.MaxPrefix.LimitIPv4 > 0 {
			l, ok := value(t, fams, "rsguard_peer_max_prefix_limit", map[string]string{"peer": p.Name, "family": "ipv4", "action": "shutdown"})
			if !ok || l != float64(p.MaxPrefix.LimitIPv4) {
				t.Errorf("%s: max-prefix limit %v, rsctl %d", p.Name, l, p.MaxPrefix.LimitIPv4)
			}
		}
	}
	if g, ok := value(t, fams, "rsguard_peer_rejected_routes", map[string]string{"peer": "good", "family": "ipv4", "reason": "prefix_not_registered"}); !ok || g != 1 {
		t.Errorf("good: rejected by prefix_not_registered %v (found %v), want 1", g, ok)
	}
	if n, ok := value(t, fams, "rsguard_api_calls_total", map[string]string{"method": "/rsguard.v1.PeerService/ListPeers", "code": "OK"}); !ok || n < 1 {
		t.Errorf("api calls ListPeers %v (found %v)", n, ok)
	}
	if good := peers[0]; good.Name != "good" || good.Received != 3 || good.Accepted != 2 || good.Rejected != 1 {
		t.Errorf("good: %+v", good)
	}

	// the wrong ASN is last: the first OPEN exchange can wait for a
	// connect retry (120s in BIRD and GoBGP) when the first attempt collided
	wrong := waitPeerFor("wrongasn", "a last error", 150*time.Second, func(p peerMetricsJSON) bool { return p.LastError != "" })
	if !strings.Contains(wrong.LastError, "bad peer AS") || !strings.Contains(wrong.LastError, "as number mismatch expected 21002, received 21012") {
		t.Errorf("wrong ASN: last error %q", wrong.LastError)
	}

	// [metrics] listen follows a reload
	moved := m16(1) + ":9180"
	os.WriteFile(e.cfg, []byte(metricsConfig(dir, moved)), 0o600)
	if out, err := e.rsctl("config", "reload"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if f := scrape(t, moved); f["rsguard_peer_up"] == nil {
		t.Errorf("moved endpoint has no rsguard_peer_up")
	}
	if resp, err := http.Get("http://" + listen + "/metrics"); err == nil {
		resp.Body.Close()
		t.Errorf("the old address still serves after the reload")
	}

	// an address in use refuses the reload as a whole; the endpoint stays
	busyAddr := m16(1) + ":9181"
	busy, err := net.Listen("tcp", busyAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	os.WriteFile(e.cfg, []byte(metricsConfig(dir, busyAddr)), 0o600)
	out, _ = e.rsctl("config", "reload", "--json") // exits non-zero when refused
	var res struct {
		Applied bool `json:"applied"`
		Errors  []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Applied || len(res.Errors) == 0 ||
		!strings.Contains(res.Errors[0].Message, "address already in use") {
		t.Errorf("reload to a busy address: %v %+v\n%s", err, res, out)
	}
	if f := scrape(t, moved); f["rsguard_peer_up"] == nil {
		t.Errorf("the endpoint did not stay after a refused reload")
	}
	// listen = "" turns it off
	os.WriteFile(e.cfg, []byte(metricsConfig(dir, "")), 0o600)
	if out, err := e.rsctl("config", "reload"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if resp, err := http.Get("http://" + moved + "/metrics"); err == nil {
		resp.Body.Close()
		t.Errorf("the endpoint still serves after listen = \"\"")
	}
}
