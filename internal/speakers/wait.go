package speakers

import (
	"errors"
	"fmt"
	"time"
)

// pollInterval is how often waits re-check a speaker. Each check forks
// birdc, so it is kept coarse enough to leave the 2 CPUs to the speakers.
const pollInterval = 100 * time.Millisecond

// ackPollInterval is how often a command waits for ExaBGP's
// acknowledgement: a cheap file read, and flap tests send many commands.
const ackPollInterval = 2 * time.Millisecond

// errNotYet is what a condition returns when it is not met yet and has no
// better explanation.
var errNotYet = errors.New("condition not met")

// waitUntil calls cond every interval until it returns nil, or until
// timeout has passed; then it returns the last reason cond gave, so a
// timed-out wait says what it was still waiting for. stop, if non-nil, ends
// the wait early with its error (used when the speaker process has died).
func waitUntil(timeout, interval time.Duration, stop func() error, cond func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		if stop != nil {
			if err := stop(); err != nil {
				return err
			}
		}
		last := cond()
		if last == nil {
			return nil
		}
		if !time.Now().Before(deadline) {
			return fmt.Errorf("timed out after %v: %w", timeout, last)
		}
		time.Sleep(min(interval, time.Until(deadline)+time.Millisecond))
	}
}
