// Package rsbench is the route-server benchmark behind cmd/rsbench: one
// scenario (P client BIRDs announcing R IPv4 routes each, about 5% of them
// invalid) is rendered into equivalent configs for rsguard, BIRD 2, gobgpd
// and OpenBGPD, each is run in turn against the same real client BIRDs,
// and time to converge, time to withdraw, peak RSS, CPU seconds and route
// updates per client are measured. Every run also checks that every client
// holds exactly the valid routes of the other clients, attributes
// unchanged: a fast route server that leaks or loses routes fails.
//
// Addresses: the route server is 127.120.0.1, clients 127.120.1.1 and up,
// all on port 179 (127.120.0.0/16 is reserved for the benchmark).
package rsbench
