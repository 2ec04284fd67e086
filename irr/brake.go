package irr

import "fmt"

// ShrinkError says a refreshed prefix list lost too much compared with the
// last good one; the caller keeps the old list unless an operator forces
// the refresh.
type ShrinkError struct {
	Peer     string // filled in by the caller when known
	Target   string
	OldCount int
	NewCount int
	Fraction float64 // share of entries lost, 0..1
	Max      float64 // the allowed share
}

func (e *ShrinkError) Error() string {
	who := e.Target
	if e.Peer != "" {
		who = e.Peer + " (" + e.Target + ")"
	}
	if e.NewCount == 0 {
		return fmt.Sprintf("irr refresh for %s held back: prefix list came back empty (was %d entries)", who, e.OldCount)
	}
	return fmt.Sprintf("irr refresh for %s held back: prefix list shrank from %d to %d entries (%.1f%% lost, max_shrink %.1f%%)",
		who, e.OldCount, e.NewCount, 100*e.Fraction, 100*e.Max)
}

// CheckRefresh is the safety brake: it returns a *ShrinkError when next
// has more than maxShrink (0..1) fewer prefix entries than old, or none at
// all while old had some. A nil or empty old result always passes (first
// sync). Growth always passes.
func CheckRefresh(old, next *Result, maxShrink float64) error {
	target := ""
	if next != nil {
		target = next.Target
	}
	if target == "" && old != nil {
		target = old.Target
	}
	return CheckShrink(target, old.PrefixCount(), next.PrefixCount(), maxShrink)
}

// CheckShrink is CheckRefresh on entry counts, for a caller that keeps
// the count of the last good list rather than the list itself.
func CheckShrink(target string, oldN, newN int, maxShrink float64) error {
	if oldN == 0 || newN >= oldN {
		return nil
	}
	frac := float64(oldN-newN) / float64(oldN)
	if newN == 0 || frac > maxShrink {
		return &ShrinkError{Target: target, OldCount: oldN, NewCount: newN, Fraction: frac, Max: maxShrink}
	}
	return nil
}
