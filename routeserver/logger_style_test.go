package routeserver

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	gobgplog "github.com/osrg/gobgp/v3/pkg/log"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/internal/speakers"
	"github.com/sirupsen/logrus"
)

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

func TestSnakeKey(t *testing.T) {
	for in, want := range map[string]string{
		"Topic":               "topic",
		"State":               "state",
		"AdminState":          "admin_state",
		"Communicated-Reason": "communicated_reason",
		"PeerAS":              "peer_as",
		"IPAddr":              "ip_addr",
		"error":               "error",
		"Subcode":             "subcode",
		"RF":                  "rf",
		"Cap":                 "cap",
		"Next Hop":            "next_hop",
		"already_snake":       "already_snake",
	} {
		if got := snakeKey(in); got != want || !snakeCase.MatchString(got) {
			t.Errorf("snakeKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// captureHook keeps every entry logged with component=gobgp.
type captureHook struct {
	mu      sync.Mutex
	entries []*logrus.Entry
}

func (h *captureHook) Levels() []logrus.Level { return logrus.AllLevels }
func (h *captureHook) Fire(e *logrus.Entry) error {
	if e.Data["component"] != "gobgp" {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.entries = append(h.entries, e)
	return nil
}

func (h *captureHook) snapshot() []*logrus.Entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*logrus.Entry(nil), h.entries...)
}

func capturingLogger(level logrus.Level) (*logrus.Logger, *captureHook) {
	l := logrus.New()
	l.SetLevel(level)
	l.SetOutput(new(strings.Builder))
	h := &captureHook{}
	l.AddHook(h)
	return l, h
}

// TestGoBGPWarningLevels feeds the logger the fields GoBGP's fsm.go logs
// with: routine Ceases come out at info, real trouble stays a warning.
func TestGoBGPWarningLevels(t *testing.T) {
	l, h := capturingLogger(logrus.DebugLevel)
	g := newGoBGPLogger(l)
	cease := uint8(bgp.BGP_ERROR_CEASE)
	tests := []struct {
		name string
		msg  string
		f    gobgplog.Fields
		want logrus.Level
	}{
		{"admin shutdown received", "received notification", gobgplog.Fields{"Topic": "Peer", "Key": "45.0.0.1", "Code": cease, "Subcode": uint8(bgp.BGP_ERROR_SUB_ADMINISTRATIVE_SHUTDOWN), "Communicated-Reason": "bye"}, logrus.InfoLevel},
		{"admin reset sent", "sent notification", gobgplog.Fields{"Topic": "Peer", "Key": "45.0.0.1", "State": "BGP_FSM_ESTABLISHED", "Code": cease, "Subcode": uint8(bgp.BGP_ERROR_SUB_ADMINISTRATIVE_RESET)}, logrus.InfoLevel},
		{"peer de-configured as MessageError", "sent notification", gobgplog.Fields{"Topic": "Peer", "Key": "45.0.0.1", "Data": bgp.NewMessageError(cease, bgp.BGP_ERROR_SUB_PEER_DECONFIGURED, nil, "")}, logrus.InfoLevel},
		{"collision resolution", "sent notification", gobgplog.Fields{"Code": cease, "Subcode": uint8(bgp.BGP_ERROR_SUB_CONNECTION_COLLISION_RESOLUTION)}, logrus.InfoLevel},
		{"max prefix cease", "received notification", gobgplog.Fields{"Code": cease, "Subcode": uint8(bgp.BGP_ERROR_SUB_MAXIMUM_NUMBER_OF_PREFIXES_REACHED)}, logrus.WarnLevel},
		{"hold timer expired", "sent notification", gobgplog.Fields{"Code": uint8(bgp.BGP_ERROR_HOLD_TIMER_EXPIRED), "Subcode": uint8(0)}, logrus.WarnLevel},
		{"malformed update as MessageError", "sent notification", gobgplog.Fields{"Data": bgp.NewMessageError(bgp.BGP_ERROR_UPDATE_MESSAGE_ERROR, bgp.BGP_ERROR_SUB_MALFORMED_AS_PATH, nil, "")}, logrus.WarnLevel},
		{"other warning", "hold timer expired", gobgplog.Fields{"Topic": "Peer", "Key": "45.0.0.1", "State": "BGP_FSM_ESTABLISHED"}, logrus.WarnLevel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(h.snapshot())
			g.Warn(tt.msg, tt.f)
			got := h.snapshot()[before:]
			if len(got) != 1 {
				t.Fatalf("%d entries logged, want 1", len(got))
			}
			if got[0].Level != tt.want {
				t.Errorf("level %v, want %v", got[0].Level, tt.want)
			}
			for k := range got[0].Data {
				if !snakeCase.MatchString(k) {
					t.Errorf("key %q is not snake_case", k)
				}
			}
		})
	}
}

// TestGoBGPSessionLogStyle runs real sessions with BIRD 2, ends one from
// each side with an Administrative Shutdown, and checks every line GoBGP
// logged: all keys snake_case, and the two NOTIFICATIONs at info.
func TestGoBGPSessionLogStyle(t *testing.T) {
	speakers.Require(t, "bird")
	a := func(host byte) string { return fmt.Sprintf("127.10.19.%d", host) } // packaging's octet
	rsAddr := a(1)
	toml := fmt.Sprintf(`[global]
asn = 21000
router_id = %q
listen_addresses = [%q]
listen_port = 179

[[peers]]
name = "closed-by-rs"
address = %q
asn = 21901
prefixes = ["45.191.0.0/16{16,24}"]

[[peers]]
name = "closed-by-bird"
address = %q
asn = 21902
prefixes = ["45.192.0.0/16{16,24}"]
`, rsAddr, rsAddr, a(2), a(3))
	cfg, err := config.Parse([]byte(toml), "test.toml", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	log, hook := capturingLogger(logrus.InfoLevel)
	rs := New(cfg, Options{Logger: log})
	if err := rs.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rs.Stop)
	bird := func(local string, asn uint32, prefix string) *speakers.BIRD {
		return speakers.StartBIRD(t, speakers.BIRDConfig{ASN: asn, RouterID: local,
			Neighbors: []speakers.BIRDNeighbor{{Name: "to_rs", LocalAddr: local, PeerAddr: rsAddr, PeerASN: 21000, IPv4: true, ImportAll: true}},
			Static4:   []speakers.StaticRoute{{Prefix: prefix}}})
	}
	b1 := bird(a(2), 21901, "45.191.1.0/24")
	b2 := bird(a(3), 21902, "45.192.1.0/24")
	for _, b := range []*speakers.BIRD{b1, b2} {
		if err := b.WaitEstablished("to_rs", 30*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	if err := rs.DisablePeer(context.Background(), "closed-by-rs", "maintenance"); err != nil {
		t.Fatal(err)
	}
	if err := b2.DisableProtocol("to_rs"); err != nil {
		t.Fatal(err)
	}
	notification := func(msg, peer string) func() bool {
		return func() bool {
			for _, e := range hook.snapshot() {
				// "Key" too, so a logger that fails to rename still
				// reaches the key checks below instead of timing out.
				if e.Message == msg && (e.Data["peer_address"] == peer || e.Data["Key"] == peer) {
					return true
				}
			}
			return false
		}
	}
	waitFor(t, 15*time.Second, "the sent Cease", notification("sent notification", a(2)))
	waitFor(t, 15*time.Second, "the received Cease", notification("received notification", a(3)))

	entries := hook.snapshot()
	var sawTopic bool
	for _, e := range entries {
		for k := range e.Data {
			if !snakeCase.MatchString(k) {
				t.Errorf("GoBGP line %q has key %q, not snake_case", e.Message, k)
			}
			sawTopic = sawTopic || k == "topic"
		}
		if strings.HasSuffix(e.Message, "notification") && e.Level != logrus.InfoLevel {
			t.Errorf("%q %v logged at %v, want info (a routine Cease)", e.Message, e.Data, e.Level)
		}
	}
	if !sawTopic {
		t.Errorf("no GoBGP line carried topic; captured %d lines", len(entries))
	}
	if t.Failed() {
		for _, e := range entries {
			t.Logf("%v %q %v", e.Level, e.Message, e.Data)
		}
	}
}
