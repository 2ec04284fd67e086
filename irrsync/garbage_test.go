package irrsync

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/internal/speakers"
)

// answerEach replies to every query line (except the "!!" that opens a
// persistent session, which IRRd does not answer) with reply.
func answerEach(reply string) func(net.Conn, *bufio.Reader) {
	return func(c net.Conn, br *bufio.Reader) {
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			if strings.TrimSpace(line) == "!!" {
				continue
			}
			if _, err := c.Write([]byte(reply)); err != nil {
				return
			}
		}
	}
}

// afterSetup completes the client's session setup like IRRd (!n, !a
// refused, !s) and answers every query after it with reply, so the junk
// reaches the parsing of real answers.
func afterSetup(reply string) func(net.Conn, *bufio.Reader) {
	return func(c net.Conn, br *bufio.Reader) {
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			q := strings.TrimSpace(line)
			out := reply
			switch {
			case q == "!!":
				continue
			case strings.HasPrefix(q, "!n"):
				out = "C\n"
			case q == "!a":
				out = "F Unrecognised command\n"
			case strings.HasPrefix(q, "!s"):
				out = "C\n"
			}
			if _, err := c.Write([]byte(out)); err != nil {
				return
			}
		}
	}
}

// framed wraps data in an IRRd A<length> answer.
func framed(data string) string { return fmt.Sprintf("A%d\n%sC\n", len(data), data) }

// TestRegistryGarbageKeepsLastGood: through the real whois client, a
// registry that answers garbage (text outside the protocol, an HTTP
// error page, well-framed answers that hold no prefix or ASN) never
// changes the filter in force: the refresh fails with a clear error or is
// held back by the brake, the status says so, and once the real registry
// is back the next refresh applies.
func TestRegistryGarbageKeepsLastGood(t *testing.T) {
	garbage := []struct {
		name  string
		serve func(net.Conn, *bufio.Reader)
	}{
		{"text outside the protocol", answerEach("garbage\n")},
		{"HTTP error page", func(c net.Conn, br *bufio.Reader) {
			fmt.Fprint(c, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\n\r\n<html><body>400</body></html>\r\n")
		}},
		{"framed junk in the setup", answerEach(framed("not-a-prefix 45.21.0.0/33\n"))},
		{"framed junk answers", afterSetup(framed("not-a-prefix 45.21.0.0/33 AS-ALPHA\n"))},
		{"text answers", afterSetup("garbage\n")},
		{"every answer not found (an empty registry)", afterSetup("D\n")},
		{"binary", answerEach("\x00\xff\xfe\x01A\x00\n")},
		{"length beyond the data", answerEach("A999999\nshort\n")},
	}
	for i, g := range garbage {
		t.Run(g.name, func(t *testing.T) {
			w := startWhois(t, fmt.Sprintf("127.%d.11.%d:0", speakers.PkgIRRSync, 10+i), "v1.rpsl")
			cfg := testConfig(t, "", peerA(t))
			cfg.IRR.Servers = []string{w.addr}
			cfg.IRR.QueryTimeout = 2 * time.Second
			s, app := newSyncer(t, cfg, nil, nil)
			good := refreshOne(t, s, "a", false)
			if !good.Applied {
				t.Fatalf("first refresh: %+v", good)
			}
			before := app.last(t, "a")

			w.stop()
			_, stop := fakeRegistryAt(t, w.addr, g.serve)
			r := refreshOne(t, s, "a", false)
			st := statusOf(t, s, "a")
			if r.Applied || (r.Err == "" && r.HeldBack == nil) {
				t.Fatalf("garbage refresh: %+v", r)
			}
			if app.count("a") != 1 {
				t.Fatalf("garbage reached the route server: %d calls", app.count("a"))
			}
			if st.Origins != good.Origins || st.IPv4 != good.IPv4 || st.IPv6 != good.IPv6 || !st.InForce {
				t.Fatalf("status after garbage: %+v, want the old data (%+v) in force", st, good)
			}
			why := r.Err
			if r.HeldBack != nil {
				why = "held back: " + r.HeldBack.Reason
			} else if st.LastError != r.Err {
				t.Errorf("status error %q, result %q", st.LastError, r.Err)
			}
			t.Logf("%s: %s", g.name, why)

			stop()
			w.start("v1.rpsl")
			r = refreshOne(t, s, "a", false)
			if !r.Applied || statusOf(t, s, "a").LastError != "" {
				t.Fatalf("refresh with the registry back: %+v", r)
			}
			if after := app.last(t, "a"); fmt.Sprint(after.allowed) != fmt.Sprint(before.allowed) {
				t.Errorf("allowed list after recovery %v, want %v", after.allowed, before.allowed)
			}
		})
	}
}
