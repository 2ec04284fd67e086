package rsbench

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"time"
)

// birdSock talks to one BIRD over its control socket directly. Polling a
// hundred clients with a birdc process per question would itself load the
// two cores the route server under test needs.
type birdSock struct {
	path string
	conn net.Conn
	r    *bufio.Reader
}

// dialBIRD connects and reads the "0001 BIRD x ready." greeting.
func dialBIRD(path string, timeout time.Duration) (*birdSock, error) {
	c, err := net.DialTimeout("unix", path, timeout)
	if err != nil {
		return nil, err
	}
	s := &birdSock{path: path, conn: c, r: newReader(c)}
	if _, err := s.read(timeout); err != nil {
		c.Close()
		return nil, fmt.Errorf("%s: greeting: %w", path, err)
	}
	return s, nil
}

func newReader(c net.Conn) *bufio.Reader { return bufio.NewReaderSize(c, 1<<20) }

func (s *birdSock) Close() error { return s.conn.Close() }

// Cmd sends one command and returns the reply as birdc would print it
// (reply codes removed). A reply code of 8xxx or 9xxx is an error.
func (s *birdSock) Cmd(cmd string, timeout time.Duration) (string, error) {
	if err := s.conn.SetWriteDeadline(time.Now().Add(timeout)); err != nil {
		return "", err
	}
	if _, err := fmt.Fprintf(s.conn, "%s\n", cmd); err != nil {
		return "", fmt.Errorf("%s: %s: %w", s.path, cmd, err)
	}
	out, err := s.read(timeout)
	if err != nil {
		return out, fmt.Errorf("%s: %s: %w", s.path, cmd, err)
	}
	return out, nil
}

// read collects one reply. BIRD's protocol: "CODE-text" lines continue a
// reply, "CODE text" ends it, " text" continues the previous code's
// text. Code 0000 ("OK") carries nothing worth keeping.
func (s *birdSock) read(timeout time.Duration) (string, error) {
	if err := s.conn.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		return "", err
	}
	var b strings.Builder
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			return b.String(), err
		}
		line = strings.TrimSuffix(line, "\n")
		if strings.HasPrefix(line, " ") {
			b.WriteString(line[1:])
			b.WriteByte('\n')
			continue
		}
		if len(line) < 5 || !isDigits(line[:4]) || (line[4] != '-' && line[4] != ' ') {
			return b.String(), fmt.Errorf("unexpected control-socket line %q", line)
		}
		code, text, last := line[:4], line[5:], line[4] == ' '
		if code != "0000" {
			b.WriteString(text)
			b.WriteByte('\n')
		}
		if code[0] == '8' || code[0] == '9' {
			if last {
				return b.String(), fmt.Errorf("BIRD error %s: %s", code, text)
			}
		}
		if last {
			return b.String(), nil
		}
	}
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
