package irr

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// ErrTimeout is in the chain of every error of a query that ran out of
// its deadline, whatever the connection reported when it was cut (an
// "i/o timeout", or an EOF when the server hung up at the same moment).
var ErrTimeout = errors.New("irr: timeout")

// TimeoutError says which deadline passed and how far the answer got. It
// is a net.Error whose Timeout() is true.
type TimeoutError struct {
	What      string        // what was under way ("" for the answers)
	Budget    time.Duration // the deadline, from the start of the attempt
	Got, Want int           // replies read of replies expected
}

func newTimeout(what string, budget time.Duration, got, want int) *TimeoutError {
	return &TimeoutError{What: what, Budget: budget.Round(time.Millisecond), Got: got, Want: want}
}

func (e *TimeoutError) Error() string {
	if e.Want == 0 {
		return fmt.Sprintf("timeout: %s not done within %s", e.What, e.Budget)
	}
	return fmt.Sprintf("timeout: %sno complete answer within %s (%d of %d replies read)", e.What, e.Budget, e.Got, e.Want)
}

// Timeout implements net.Error.
func (e *TimeoutError) Timeout() bool { return true }

// Temporary implements net.Error.
func (e *TimeoutError) Temporary() bool { return false }

// Is makes errors.Is(err, ErrTimeout) true.
func (e *TimeoutError) Is(target error) bool { return target == ErrTimeout }

// timedOut: the connection error is (or came with) our deadline passing.
func timedOut(err error, dl time.Time) bool {
	return errors.Is(err, os.ErrDeadlineExceeded) || !time.Now().Before(dl)
}
