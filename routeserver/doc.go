// Package routeserver embeds GoBGP v3 as an RFC 7947 route server and is the
// only package that imports GoBGP. It turns the config into peers and
// reject-only import policies compiled by package filters, feeds every
// received UPDATE from GoBGP's pre-policy path hook (feed.go) through the filters
// evaluator into the route store, and is the one writer of policy changes.
//
// Import policies run on the SENDING peer in GoBGP's route-server mode: the
// policy assigned to peer X filters the routes received from X before they
// enter the shared RIB (see ../shared/docs/gobgp-v3-notes.md §3).
package routeserver
