package main

import (
	"net/netip"

	"github.com/rsguard/rsguard/filters"
)

// demoAnnouncement is one route a demo peer sends, with why it is in the mix.
type demoAnnouncement struct {
	route filters.Route
	why   string
}

func ann(prefix, nextHop, why string, path ...uint32) demoAnnouncement {
	return demoAnnouncement{route: filters.Route{Prefix: netip.MustParsePrefix(prefix),
		NextHop: netip.MustParseAddr(nextHop), ASPath: filters.Seq(path...)}, why: why}
}

// transitA is a transit with customers: mostly fine, with the classic leaks.
var transitA = []demoAnnouncement{
	ann("45.1.0.0/24", "127.0.0.2", "valid", 21001),
	ann("45.1.128.0/17", "127.0.0.2", "valid, customer route", 21001, 21011),
	ann("2a0a:1:5::/48", "2a0a:1::2", "valid IPv6", 21001),
	ann("10.20.0.0/16", "127.0.0.2", "RFC 1918 leak", 21001),
	ann("45.1.7.128/25", "127.0.0.2", "too specific", 21001),
	ann("46.100.0.0/24", "127.0.0.2", "not registered for this peer", 21001),
	ann("45.1.9.0/24", "127.0.0.2", "private ASN in path", 21001, 64512),
	ann("45.1.10.0/24", "127.0.0.99", "third-party next hop", 21001),
	ann("2001:db8:1::/48", "2a0a:1::2", "IPv6 documentation prefix", 21001),
}

// cdnC makes a few mistakes at once.
var cdnC = []demoAnnouncement{
	ann("45.3.0.0/22", "127.0.0.4", "valid", 21003),
	ann("45.3.1.0/24", "127.0.0.4", "wrong first AS (a customer's route sent raw)", 21009, 21003),
	ann("192.168.0.0/16", "127.0.0.4", "bogon, unregistered, AS_TRANS and documentation ASN", 21003, 23456, 64500),
}

// ispB is a plain GoBGP speaker: it prepends its own ASN.
var ispB = []demoAnnouncement{
	ann("45.2.0.0/24", "127.0.0.3", "valid"),
	ann("45.2.16.0/20", "127.0.0.3", "valid"),
}
