// Package speakers runs real BGP speakers (BIRD 2, ExaBGP 4 and,
// optionally, FRR's bgpd) as child processes on loopback, for rsguard's
// interop tests. Each speaker gets a private directory with its config,
// control socket and logs; the test's cleanup stops it by PID (SIGTERM,
// SIGKILL after 5 s) and, if the test failed, prints the tail of its logs.
// Every wait has a deadline. A missing binary skips the test, or fails it
// when RSGUARD_REQUIRE_SPEAKERS=1 (CI). Speakers bind port 179, so tests
// run as root (or with net.ipv4.ip_unprivileged_port_start <= 179).
//
// # Addresses
//
// Go test packages run in parallel processes; each owns a /24 of
// loopback, Addr(pkg, host) = "127.<pkg>.0.<host>": routeserver 10, irr 20,
// dampening 30, api 40, cmd 50, speakers (self-tests) 60. Linux answers for
// all of 127/8 on lo with no setup, so port 179 is free on every address.
// There is only one ::1, so IPv6-transport tests tell speakers apart by
// port instead: Port6(pkg, n) = 10000 + 100*pkg + n.
//
// # BIRD (verified with BIRD 2.0.12)
//
// StartBIRD runs `bird -f -c CONF -s SOCK -P PIDFILE`. BIRDConfig renders
// the common case; Extra appends raw text and Raw replaces the rendered
// config. Settings every generated session carries, and why:
//
//   - multihop: lo's addresses are host-scoped, so a direct session logs
//     "Invalid remote address" and never starts.
//   - strict bind on: otherwise each BIRD listens on 0.0.0.0:179 and the
//     second one fails with "bind: Address already in use".
//   - connect delay time 1, connect retry time 2, error wait time 1, 5:
//     the defaults (5 s, 120 s, 60-300 s) outlast test deadlines after a
//     peer restarts.
//   - timeformat route/protocol iso long ms: what Routes and ProtocolState
//     parse.
//
// Routes whose next hop is another 127.x address or ::1 are kept: with
// multihop BIRD resolves next hops recursively, finds no IGP route and keeps
// the route as "unreachable", still listed by `show route` with its
// BGP.next_hop (Route.NextHop). No `igp table` is needed, and none could
// help: BIRD ignores static routes to 127.0.0.0/8 or ::1 ("Ignoring bogus
// route"). A receiver drops routes whose path contains its own ASN (loop
// detection), so test paths must avoid the receiver's ASN.
//
// Static routes are originated as blackholes and exported through a
// per-neighbor filter that only passes this config's statics.
// StaticRoute.ASPath is the AS_PATH exactly as the receiver sees it:
//
//   - empty: BIRD's default, [local ASN];
//   - ASPath[0] == local ASN: the filter prepends ASPath[1:] right to left
//     (bgp_path.prepend), and BIRD's eBGP export prepends the local ASN;
//   - ASPath[0] != local ASN (a "first AS is not the peer's AS" test): the
//     session is rendered with `rs client`, under which BIRD prepends
//     nothing, and the filter prepends the whole path; routes without
//     ASPath on that session get [local ASN] explicitly. Verified: AS 21001
//     announced [21009 21004] and the receiver showed exactly that.
//     (Giving the session a different local ASN instead does not produce
//     such a route: the peer refuses the OPEN, verified as "Bad peer AS".)
//
// StaticRoute.NextHop sets bgp_next_hop in the export filter; BIRD keeps a
// next hop set there (verified with 127.60.0.99 and 2a0a:60::99).
//
// IPv6: routes of an IPv6 channel on an IPv4 session need `next hop
// address` (else "Missing next hop address" and the receiver withdraws with
// "Invalid NEXT_HOP attribute - zero address"); the renderer sets ::1, or
// NextHopAddr6. IPv4 routes on an IPv6 session get the router ID, or
// NextHopAddr4. Sessions over ::1 work with `local ::1 port N` and
// `neighbor ::1 port M` (LocalPort/PeerPort), MD5 included; but BIRD
// refuses to announce a next hop equal to the neighbor's address ("Invalid
// NEXT_HOP attribute - neighbor address ::1"), and on ::1 its own address
// is the neighbor's, so IPv6 statics on a ::1 session must set NextHop
// (Validate enforces it).
//
// MD5: `password "..."`. Equal keys establish; different keys never do: the
// active side stays in start/Connect for the whole 8 s the self-test waits.
//
// # ExaBGP (verified with ExaBGP 4.2.21)
//
// StartExaBGP runs `exabgp CONF` with exabgp.daemon.user=root,
// exabgp.daemon.drop=false, exabgp.api.cli=false (no named pipes under
// /run/exabgp), exabgp.tcp.bind= (no global listener; a neighbor listens on
// LocalAddr only with ListenPort or Passive) and its log in the private
// directory. The config's `process` is a small Python relay: it copies
// command lines from a FIFO the test writes to into ExaBGP, and appends what
// ExaBGP answers (acknowledgements "done"/"error", and "neighbor X up/down"
// from `neighbor-changes`) to a file the test reads; it exits when ExaBGP
// closes its stdin, so it never outlives ExaBGP. Announce, Withdraw and
// Command send one command at a time and return on its acknowledgement.
// ExaBGP sends AS paths verbatim (no prepending; nil means [local ASN]),
// keeps routes announced before the session is up and sends them once it
// is, and puts each acknowledged command on the wire: ten back-to-back
// announce/withdraw rounds reached BIRD as 11 updates and 10 withdraws.
// MD5 is `md5-password`. IPv6 routes need an explicit IPv6 next hop.
//
// # FRR (optional; verified with FRR 8.4.4)
//
// StartFRR runs /usr/lib/frr/bgpd standalone: -Z (no zebra), -S (no user
// switch), -l/-p (listen address and port), --vty_socket in the private
// directory (vtysh --vty_socket DIR -d bgpd), -P 0 (no vty TCP port). The
// config needs `no bgp ebgp-requires-policy`, `no bgp network import-check`
// (no zebra RIB) and `bgp allow-martian-nexthop`: without it FRR resets the
// session on any UPDATE with a 127/8 next hop. Only AS-path prepending is
// offered for its routes; use BIRD or ExaBGP for next hop overrides. FRR
// over ::1 was not tried.
package speakers
