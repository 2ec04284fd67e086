package irr

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ErrProtocol marks a reply that does not follow the IRRd framing.
var ErrProtocol = errors.New("irr: whois protocol error")

// Reply is one IRRd-style answer.
type Reply struct {
	Kind byte   // 'A' data, 'C' success, 'D' not found, 'E' multiple keys, 'F' error
	Data string // the payload of an A answer, without its final newline
	Msg  string // the text after "F "
}

// Tokens splits a list answer; IRRd uses spaces, some servers newlines.
func (r Reply) Tokens() []string { return strings.Fields(r.Data) }

func (r Reply) String() string {
	switch r.Kind {
	case 'A':
		return fmt.Sprintf("A%d %q", len(r.Data)+1, truncate(r.Data, 60))
	case 'F':
		return "F " + r.Msg
	}
	return string(r.Kind)
}

// DefaultMaxReply bounds one A answer (a full-table !a6 is a few MB).
const DefaultMaxReply = 256 << 20

// ReadReply reads one answer: "A<len>\n<len bytes>C\n", "C\n", "D\n", "E\n"
// or "F <msg>\n". <len> counts the data plus its final newline.
func ReadReply(br *bufio.Reader, maxLen int) (Reply, error) {
	line, err := readStatusLine(br)
	if err != nil {
		return Reply{}, err
	}
	if line == "" {
		return Reply{}, fmt.Errorf("%w: empty status line", ErrProtocol)
	}
	switch line[0] {
	case 'C', 'D', 'E':
		if len(line) != 1 {
			return Reply{}, fmt.Errorf("%w: unexpected status %q", ErrProtocol, truncate(line, 40))
		}
		return Reply{Kind: line[0]}, nil
	case 'F':
		return Reply{Kind: 'F', Msg: strings.TrimSpace(line[1:])}, nil
	case 'A':
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < 0 || line[1] == '+' || line[1] == '-' {
			return Reply{}, fmt.Errorf("%w: bad length in %q", ErrProtocol, truncate(line, 40))
		}
		if n > maxLen {
			return Reply{}, fmt.Errorf("%w: answer of %d bytes exceeds the %d limit", ErrProtocol, n, maxLen)
		}
		buf := make([]byte, n)
		if _, err := io.ReadFull(br, buf); err != nil {
			return Reply{}, fmt.Errorf("%w: short answer: %v", ErrProtocol, err)
		}
		end, err := readStatusLine(br)
		if err != nil {
			return Reply{}, err
		}
		if end != "C" {
			return Reply{}, fmt.Errorf("%w: answer not terminated by C but %q", ErrProtocol, truncate(end, 40))
		}
		return Reply{Kind: 'A', Data: strings.TrimSuffix(string(buf), "\n")}, nil
	}
	return Reply{}, fmt.Errorf("%w: unexpected reply %q", ErrProtocol, truncate(line, 40))
}

// maxStatusLine bounds the status line (an F message is one short line).
const maxStatusLine = 4096

func readStatusLine(br *bufio.Reader) (string, error) {
	var sb strings.Builder
	for {
		chunk, isPrefix, err := br.ReadLine()
		if err != nil {
			if errors.Is(err, io.EOF) && sb.Len() > 0 {
				return "", fmt.Errorf("%w: connection closed mid-line", ErrProtocol)
			}
			return "", err
		}
		if sb.Len()+len(chunk) > maxStatusLine {
			return "", fmt.Errorf("%w: status line too long", ErrProtocol)
		}
		sb.Write(chunk)
		if !isPrefix {
			return strings.TrimSuffix(sb.String(), "\r"), nil
		}
	}
}
