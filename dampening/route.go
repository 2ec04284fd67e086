package dampening

import "math"

// route is the damping history of one flapped path, stored by value in its
// peer's map, 24 bytes. Paths that never flapped have none: whether a path
// is announced, and with which attributes, is the caller's Prior (the route
// server's route store keeps every received path anyway), so a withdrawal
// or attribute change is recognised without the engine remembering the
// announcement.
type route struct {
	updated int64   // Unix ns of the last penalty event; penalty is valid at this instant
	since   int64   // Unix ns the current suppression began, when flagSuppressed is set
	penalty float32 // figure of merit at updated, ≤ the ceiling
	meta    uint32  // flag bits below, flap count in the rest
}

const (
	flagAnnounced  uint32 = 1 << 31 // the peer announced the path at its last event (for Status)
	flagReset      uint32 = 1 << 30 // withdrawn by a session reset, so the next announcement is no flap
	flagSuppressed uint32 = 1 << 29 // in a suppression episode that has not been reported as released
	flapMask              = flagSuppressed - 1
)

func (r *route) announced() bool  { return r.meta&flagAnnounced != 0 }
func (r *route) suppressed() bool { return r.meta&flagSuppressed != 0 }
func (r *route) flaps() int       { return int(r.meta & flapMask) }

// hasHistory reports whether the route carries damping information: only
// such routes are kept.
func (r *route) hasHistory() bool { return r.penalty > 0 || r.suppressed() }

func (r *route) addFlap() {
	if r.meta&flapMask != flapMask { // saturate rather than spill into the flags
		r.meta++
	}
}

// forgetHistory drops the figure of merit and flap count, keeping presence.
func (r *route) forgetHistory() {
	r.penalty, r.updated, r.since = 0, 0, 0
	r.meta &= flagAnnounced | flagReset
}

// calc holds the parameters in the units the hot path uses.
type calc struct {
	halfLife    float64 // ns
	maxSuppress int64   // ns
	reuse       float64
	suppress    float64
	ceiling     float64
	forgetBelow float64 // history is dropped below this, as FRR does at reuse/2
}

func newCalc(p Params) calc {
	return calc{
		halfLife:    float64(p.HalfLife),
		maxSuppress: int64(p.MaxSuppress),
		reuse:       p.Reuse,
		suppress:    p.Suppress,
		ceiling:     p.Ceiling(),
		forgetBelow: p.Reuse / 2,
	}
}

// effective clamps now to the route's last update, so a clock that steps
// back neither panics nor "un-decays" a penalty.
func effective(r *route, now int64) int64 { return max(now, r.updated) }

// penaltyAt is the closed-form decay p0·2^(−Δt/half_life).
func (c calc) penaltyAt(r *route, now int64) float64 {
	if r.penalty == 0 {
		return 0
	}
	return float64(r.penalty) * math.Exp2(-elapsed(r.updated, now)/c.halfLife)
}

// reuseAt is when the penalty decays to reuse: t0 + half_life·log2(p0/reuse),
// never later than t0 + max_suppress. The ceiling already implies that bound;
// the explicit cap makes it hold despite float32 rounding.
func (c calc) reuseAt(r *route) int64 {
	p := float64(r.penalty)
	if p <= c.reuse {
		return r.updated
	}
	d := c.halfLife * math.Log2(p/c.reuse)
	if d >= float64(c.maxSuppress) {
		return addNanos(r.updated, c.maxSuppress)
	}
	return addNanos(r.updated, int64(math.Ceil(d)))
}

// capped converts a penalty to the stored float32, at most the ceiling even
// after rounding.
func (c calc) capped(p float64) float32 {
	if p >= c.ceiling {
		p = c.ceiling
	}
	f := float32(p)
	if float64(f) > c.ceiling {
		f = math.Nextafter32(f, 0)
	}
	return f
}
