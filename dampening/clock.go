package dampening

import (
	"math"
	"time"
)

// State keeps times as Unix nanoseconds (8 bytes, no location pointer).
// Times outside the int64 range (before 1678 or after 2262, including the
// zero time.Time) are clamped to it rather than overflowing.
var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

func nanos(t time.Time) int64 {
	switch {
	case t.Before(minTime):
		return math.MinInt64
	case t.After(maxTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time { return time.Unix(0, n) }

// elapsed is now−then as a float, 0 when time went backwards. The uint64
// subtraction is exact for any pair of int64s with now ≥ then.
func elapsed(then, now int64) float64 {
	if now <= then {
		return 0
	}
	return float64(uint64(now) - uint64(then))
}

// addNanos is t+d for d ≥ 0, saturating at the end of representable time.
func addNanos(t, d int64) int64 {
	if d > 0 && t > math.MaxInt64-d {
		return math.MaxInt64
	}
	return t + d
}
