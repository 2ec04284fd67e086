// Package acl renders BCP 38 ingress filters (RFC 2827, RFC 3013 §4.3-4.4,
// RFC 3704 "strict" ingress filtering for single-homed customers) from a
// peer's registered address space: the same IRR and static prefixes the
// route server filters its announcements with. An IXP or an edge network
// applies the result on the member's port, so packets whose source lies
// outside the space the peer may announce are dropped.
//
// The package is pure: it takes a peer's name, ASN, AS-SET and prefixes and
// prints text for nftables, iptables-restore / ip6tables-restore, Junos and
// Cisco IOS. It never talks to the daemon or to a device.
package acl
