package filters

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/rsguard/rsguard/rpki"
)

// SegmentType distinguishes AS_PATH segment kinds (RFC 4271, RFC 5065).
type SegmentType uint8

const (
	SegSequence SegmentType = iota
	SegSet
	SegConfedSequence
	SegConfedSet
)

// Segment is one AS_PATH segment.
type Segment struct {
	Type SegmentType
	ASNs []uint32
}

// ASPath is an AS_PATH as received, left-most segment first.
type ASPath []Segment

// Seq builds a path of one AS_SEQUENCE, the common case.
func Seq(asns ...uint32) ASPath {
	if len(asns) == 0 {
		return nil
	}
	return ASPath{{Type: SegSequence, ASNs: asns}}
}

// Len is the AS_PATH length as BGP best-path selection counts it: every ASN
// of a sequence, one per set, nothing for confederation segments. GoBGP's
// AsPathLength condition counts the same way.
func (p ASPath) Len() int {
	n := 0
	for _, s := range p {
		switch s.Type {
		case SegSequence:
			n += len(s.ASNs)
		case SegSet:
			n++
		}
	}
	return n
}

// First is the left-most ASN when the path starts with an AS_SEQUENCE.
func (p ASPath) First() (uint32, bool) {
	if len(p) == 0 || p[0].Type != SegSequence || len(p[0].ASNs) == 0 {
		return 0, false
	}
	return p[0].ASNs[0], true
}

// Origin is the right-most ASN when the path ends in an AS_SEQUENCE. A path
// ending in an AS_SET has no single origin (RFC 6472), so none is returned.
func (p ASPath) Origin() (uint32, bool) {
	if len(p) == 0 {
		return 0, false
	}
	last := p[len(p)-1]
	if last.Type != SegSequence || len(last.ASNs) == 0 {
		return 0, false
	}
	return last.ASNs[len(last.ASNs)-1], true
}

// All returns every ASN in every segment, in order.
func (p ASPath) All() []uint32 {
	var out []uint32
	for _, s := range p {
		out = append(out, s.ASNs...)
	}
	return out
}

// String renders the path the way GoBGP and BIRD print it:
// "21001 21002 {21003,21004}".
func (p ASPath) String() string {
	var b strings.Builder
	for i, s := range p {
		if i > 0 {
			b.WriteByte(' ')
		}
		open, sep, closing := "", " ", ""
		switch s.Type {
		case SegSet:
			open, sep, closing = "{", ",", "}"
		case SegConfedSequence:
			open, closing = "(", ")"
		case SegConfedSet:
			open, sep, closing = "[", ",", "]"
		}
		b.WriteString(open)
		for j, a := range s.ASNs {
			if j > 0 {
				b.WriteString(sep)
			}
			b.WriteString(strconv.FormatUint(uint64(a), 10))
		}
		b.WriteString(closing)
	}
	return b.String()
}

// Route is what the checks look at: one announcement from one peer.
type Route struct {
	Prefix  netip.Prefix
	ASPath  ASPath
	NextHop netip.Addr
	// Blackhole: the route carries BLACKHOLE (65535:666, RFC 7999).
	// Settings decide whether it is honoured (filters/blackhole.go).
	Blackhole bool
}

// Rejection is one failing check with the evidence an operator needs, e.g.
// {bogon_prefix, "inside 10.0.0.0/8"}.
type Rejection struct {
	Reason Reason
	Detail string
}

// Verdict is the full result of evaluating a route: every failing check, in
// pipeline order. No rejections means accept.
type Verdict struct {
	Rejections []Rejection
	// RPKI is the route's RFC 6811 state; StateUnknown when RPKI is off.
	RPKI rpki.State
	// Notes are failing checks the peer's config turned off (enforce_prefixes
	// or enforce_origins = false): shown to operators, never a reason to
	// reject.
	Notes []Rejection
}

// Accepted reports whether no check failed.
func (v Verdict) Accepted() bool { return len(v.Rejections) == 0 }

// Has reports whether the verdict contains the given reason.
func (v Verdict) Has(r Reason) bool {
	for _, x := range v.Rejections {
		if x.Reason == r {
			return true
		}
	}
	return false
}
