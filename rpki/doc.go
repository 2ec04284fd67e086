// Package rpki is RPKI route origin validation (RFC 6811) without GoBGP:
// the VRP model, parsers for the VRP JSON exports of rpki-client,
// Routinator, OctoRPKI and stayrtr, SLURM local overrides (RFC 8416), a
// covering-VRP table, and both ends of the RTR protocol (RFC 8210, with
// RFC 6810 version 0 for older peers such as GoBGP's client). The route
// server merges every source into one VRP set and serves it to GoBGP over
// an in-process RTR server, so that GoBGP enforces and the evaluator
// explains from the same data.
package rpki
