package routeserver

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// A client whose TCP-MD5 key differs from ours (or that has none) never
// gets a SYN-ACK: our kernel drops its SYN before any socket sees it, and
// by default rsguard is passive, so there is no connect of ours to watch
// either. The kernel counts these drops, per network namespace but not
// per peer: TCPMD5NotFound (no signature where a key is set) and
// TCPMD5Failure (wrong signature). When they grow while a peer with a
// password is down, that peer's last error says MD5 is suspected.

// md5DropCounters are the counters that mean "a segment for a socket with
// a key was dropped".
var md5DropCounters = []string{"TCPMD5NotFound", "TCPMD5Failure"}

// parseNetstatCounters reads /proc/net/netstat: pairs of lines, names
// then values, each starting with the same "Prefix:". It returns
// "Prefix.Name" → value; unreadable pairs are skipped.
func parseNetstatCounters(r io.Reader) map[string]uint64 {
	out := map[string]uint64{}
	var lines [][]string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		lines = append(lines, strings.Fields(sc.Text()))
	}
	for i := 0; i+1 < len(lines); i++ {
		names, values := lines[i], lines[i+1]
		if len(names) < 2 || len(names) != len(values) || names[0] != values[0] {
			continue
		}
		if _, err := strconv.ParseUint(values[1], 10, 64); err != nil {
			continue // two name lines: the pair starts at the next one
		}
		prefix := strings.TrimSuffix(names[0], ":")
		for j := 1; j < len(names); j++ {
			if v, err := strconv.ParseUint(values[j], 10, 64); err == nil {
				out[prefix+"."+names[j]] = v
			}
		}
		i++ // the values line is consumed
	}
	return out
}

// readMD5Drops sums the kernel's MD5 drop counters; ok is false when the
// table cannot be read (not Linux).
func readMD5Drops() (n uint64, ok bool) {
	f, err := os.Open("/proc/net/netstat")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	c := parseNetstatCounters(f)
	for _, k := range md5DropCounters {
		n += c["TcpExt."+k]
	}
	return n, true
}

// md5HintTTL: an explanation less recent than this may be replaced by an
// MD5 suspicion; a fresher one (a NOTIFICATION, a hold timer) says more.
const md5HintTTL = 2 * time.Minute

func md5SuspectText(dropped uint64) string {
	return fmt.Sprintf("MD5 mismatch suspected: no SYN-ACK is sent to a peer with another TCP-MD5 key (or none); the kernel dropped %d such segment(s) while this peer with a password was down (a system-wide count, not this peer's alone)", dropped)
}

// noteMD5Drops gives every down, enabled peer with a password the MD5
// suspicion, unless it has a fresher explanation of another kind or is
// held down by max-prefix.
func (s *Server) noteMD5Drops(dropped uint64, now time.Time) {
	s.mu.RLock()
	var cands []*peer
	for _, p := range s.peers {
		if p.cfg.Password != "" {
			cands = append(cands, p)
		}
	}
	s.mu.RUnlock()
	for _, p := range cands {
		p.mu.Lock()
		down := p.state != "ESTABLISHED" && !p.disabled
		fresh := p.lastError != "" && now.Sub(p.lastErrorAt) < md5HintTTL && !strings.HasPrefix(p.lastError, "MD5 mismatch suspected")
		// a max-prefix shutdown holds the session down on purpose: its
		// explanation stays however old it gets
		heldDown := strings.Contains(p.lastError, "max-prefix exceeded")
		p.mu.Unlock()
		if !down || fresh || heldDown {
			continue
		}
		s.setLastError(p, md5SuspectText(dropped), now)
	}
}
