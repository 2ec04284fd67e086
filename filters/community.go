package filters

import (
	"fmt"
	"strconv"
	"strings"
)

// Community is an RFC 1997 standard community: the high 16 bits are an
// ASN, the low 16 bits a value, written "asn:value".
type Community uint32

// Well-known communities (RFC 1997, RFC 3765).
const (
	NoExport          Community = 0xFFFFFF01
	NoAdvertise       Community = 0xFFFFFF02
	NoExportSubconfed Community = 0xFFFFFF03
	NoPeer            Community = 0xFFFFFF04
)

// wellKnownNames are accepted by ParseCommunity and printed by Name; the
// spellings follow BIRD and GoBGP ("no_export", "no-export").
var wellKnownNames = map[string]Community{
	"no_export": NoExport, "no_advertise": NoAdvertise,
	"no_export_subconfed": NoExportSubconfed, "no_peer": NoPeer,
}

// NewCommunity builds asn:value.
func NewCommunity(asn, value uint16) Community { return Community(uint32(asn)<<16 | uint32(value)) }

// ASN is the high half.
func (c Community) ASN() uint16 { return uint16(c >> 16) }

// Value is the low half.
func (c Community) Value() uint16 { return uint16(c) }

// String renders "asn:value", as GoBGP matches it in community sets.
func (c Community) String() string {
	return strconv.Itoa(int(c.ASN())) + ":" + strconv.Itoa(int(c.Value()))
}

// Name is the well-known name ("no_export") or "" for other communities.
func (c Community) Name() string {
	for n, v := range wellKnownNames {
		if v == c {
			return n
		}
	}
	return ""
}

// ParseCommunity reads "asn:value" (each 0..65535) or a well-known name
// ("no_export", "NO-EXPORT", "no_advertise", "no_peer",
// "no_export_subconfed").
func ParseCommunity(s string) (Community, error) {
	t := strings.TrimSpace(s)
	if c, ok := wellKnownNames[strings.ReplaceAll(strings.ToLower(t), "-", "_")]; ok {
		return c, nil
	}
	parts := strings.Split(t, ":")
	if len(parts) != 2 {
		return 0, fmt.Errorf("community %q: want asn:value (each 0..65535) or a well-known name such as no_export", s)
	}
	var v [2]uint16
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil {
			return 0, fmt.Errorf("community %q: %q is not a number 0..65535", s, p)
		}
		v[i] = uint16(n)
	}
	return NewCommunity(v[0], v[1]), nil
}

// LargeCommunity is an RFC 8092 large community global:local1:local2, each
// part 32 bits, so 32-bit ASNs fit.
type LargeCommunity struct {
	Global, Local1, Local2 uint32
}

// String renders "global:local1:local2", as GoBGP matches it.
func (l LargeCommunity) String() string {
	return fmt.Sprintf("%d:%d:%d", l.Global, l.Local1, l.Local2)
}

// ParseLargeCommunity reads "global:local1:local2", each 0..4294967295.
func ParseLargeCommunity(s string) (LargeCommunity, error) {
	parts := strings.Split(strings.TrimSpace(s), ":")
	if len(parts) != 3 {
		return LargeCommunity{}, fmt.Errorf("large community %q: want global:local1:local2 (each 0..4294967295)", s)
	}
	var v [3]uint32
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 32)
		if err != nil {
			return LargeCommunity{}, fmt.Errorf("large community %q: %q is not a number 0..4294967295", s, p)
		}
		v[i] = uint32(n)
	}
	return LargeCommunity{v[0], v[1], v[2]}, nil
}

func hasCommunity(cs []Community, c Community) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

func hasLarge(ls []LargeCommunity, l LargeCommunity) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}

// Communities are a route's standard and large communities as received.
// They steer export (export.go); no import check looks at them, which is
// why they are not part of Route.
type Communities struct {
	Std   []Community
	Large []LargeCommunity
}
