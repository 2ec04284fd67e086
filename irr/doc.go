// Package irr turns Internet Routing Registry data into prefix filters.
//
// It parses RPSL dumps (rpsl.go) into an in-memory DB (db.go), talks the
// IRRd whois protocol as a pipelining client (client.go) and as a server that
// bgpq4 and bgpq3 can use unchanged (server.go), expands an AS-SET or ASN into
// origins and prefixes through any Source (expand.go), aggregates the result
// the way `bgpq4 -A -R` does and normalises it for longest-match-only prefix
// sets (aggregate.go, normalize.go), and keeps the last good result per peer
// with a safety brake against lists that suddenly shrink (cache.go, brake.go).
//
// The package is pure Go and never imports the BGP engine: the route server
// turns a Result into its own policy objects.
//
// Every loop over IRR data is bounded: set recursion has a visited set, a depth
// limit and a member limit; network reads have deadlines; lines have a maximum
// length. Bad input becomes a Warning or an error naming the place, never a
// panic.
package irr
