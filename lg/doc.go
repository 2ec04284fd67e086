// Package lg serves rsguard to Alice-LG: a read-only HTTP API in the shape
// of birdwatcher's "single_table" flavour, which Alice-LG's existing
// birdwatcher source reads unchanged (docs in README, the contract in
// docs/looking-glass.md of the shared notes).
//
// Everything it shows comes from the daemon's read side (peer status and
// the route store); it never calls into GoBGP, so a slow or hostile client
// can only ever slow down its own response. Rejected routes carry their
// reasons as the large communities Alice-LG maps to text (RS:65520:code,
// ARouteServer's, plus Euro-IX RS:1101:x where one exists) and rsguard's
// own evidence in the extra "rsguard" object.
package lg
