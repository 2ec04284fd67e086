package apiconv

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rsguard/rsguard/filters"
)

// ParseASPath reads an AS path in the form filters.ASPath.String() prints:
// ASNs separated by spaces, "{a,b}" for an AS_SET, "(a b)" for an
// AS_CONFED_SEQUENCE and "[a,b]" for an AS_CONFED_SET. Consecutive plain
// ASNs form one AS_SEQUENCE. "" is the empty path. Inside braces and
// brackets both commas and spaces separate ASNs.
func ParseASPath(s string) (filters.ASPath, error) {
	var path filters.ASPath
	var seq []uint32 // pending plain ASNs
	flush := func() {
		if len(seq) > 0 {
			path = append(path, filters.Segment{Type: filters.SegSequence, ASNs: seq})
			seq = nil
		}
	}
	closers := map[byte]struct {
		close byte
		typ   filters.SegmentType
	}{
		'{': {'}', filters.SegSet},
		'(': {')', filters.SegConfedSequence},
		'[': {']', filters.SegConfedSet},
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case closers[c].close != 0:
			cl := closers[c]
			end := strings.IndexByte(s[i+1:], cl.close)
			if end < 0 {
				return nil, fmt.Errorf("as path %q: %q at offset %d is never closed", s, c, i)
			}
			body := s[i+1 : i+1+end]
			asns, err := parseASNList(s, body, i+1)
			if err != nil {
				return nil, err
			}
			if len(asns) == 0 {
				return nil, fmt.Errorf("as path %q: empty segment at offset %d", s, i)
			}
			flush()
			path = append(path, filters.Segment{Type: cl.typ, ASNs: asns})
			i += end + 2
		default:
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j == i {
				return nil, fmt.Errorf("as path %q: unexpected %q at offset %d", s, c, i)
			}
			asn, err := parseASN(s[i:j])
			if err != nil {
				return nil, fmt.Errorf("as path %q: offset %d: %w", s, i, err)
			}
			seq = append(seq, asn)
			i = j
		}
	}
	flush()
	return path, nil
}

func parseASNList(whole, body string, offset int) ([]uint32, error) {
	var out []uint32
	for _, f := range strings.FieldsFunc(body, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		asn, err := parseASN(f)
		if err != nil {
			return nil, fmt.Errorf("as path %q: segment at offset %d: %w", whole, offset, err)
		}
		out = append(out, asn)
	}
	return out, nil
}

// parseASN reads a decimal ASN (asplain, RFC 5396).
func parseASN(s string) (uint32, error) {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, fmt.Errorf("%q is not an ASN", s)
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%q is not an ASN (0..4294967295)", s)
	}
	return uint32(n), nil
}
