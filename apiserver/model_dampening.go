package apiserver

import (
	"net/netip"
	"time"
)

// DampenedRoute is the RFC 2439 state of one (peer, prefix, path id). The
// daemon converts its dampening package's state into this, so the API does
// not depend on that package.
type DampenedRoute struct {
	Peer            string
	Prefix          netip.Prefix
	PathID          uint32
	Penalty         float64
	Suppressed      bool
	WouldSuppress   bool      // observe mode: would be suppressed if enforced
	SuppressedSince time.Time // zero unless suppressed (or would be)
	ReuseAt         time.Time // zero unless suppressed (or would be)
	Flaps           int
}
