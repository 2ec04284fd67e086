package apiserver

import (
	"net/netip"
	"time"
)

// SourcePrefixes is what a BCP 38 ingress filter for a peer's port is built
// from: the prefixes of the peer's filter in force now (IRR and static).
type SourcePrefixes struct {
	Peer        string
	ASN         uint32
	ASSet       string     // "" when the peer has only static prefixes
	Address     netip.Addr // the BGP session address
	Prefixes    []netip.Prefix
	GeneratedAt time.Time // when the filter was read
}
