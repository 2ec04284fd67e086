package dampening

import (
	"fmt"
	"math"
	"time"
)

// Params are the RFC 2439 figure-of-merit parameters. Names follow the RFC;
// the defaults are RFC 7196 / RIPE-580 (suppress 6000, reuse 750, half-life
// 15 min, max suppress 60 min) with the vendor-standard penalties.
type Params struct {
	HalfLife               time.Duration // decay half-life
	Reuse                  float64       // reuse threshold: released below this
	Suppress               float64       // cut-off threshold: suppressed at or above this
	MaxSuppress            time.Duration // longest a route may stay suppressed
	WithdrawalPenalty      float64       // added per withdrawal
	AttributeChangePenalty float64       // added per re-announcement with changed attributes
	ReadvertisementPenalty float64       // added per re-announcement after a withdrawal
}

// DefaultParams returns the RFC 7196 / RIPE-580 parameter set.
func DefaultParams() Params {
	return Params{
		HalfLife:               15 * time.Minute,
		Reuse:                  750,
		Suppress:               6000,
		MaxSuppress:            60 * time.Minute,
		WithdrawalPenalty:      1000,
		AttributeChangePenalty: 500,
		ReadvertisementPenalty: 0,
	}
}

// Ceiling is the largest penalty a route may carry: reuse·2^(max_suppress/half_life).
// Capping the figure of merit there bounds suppression to MaxSuppress.
func (p Params) Ceiling() float64 {
	return p.Reuse * math.Exp2(p.MaxSuppress.Seconds()/p.HalfLife.Seconds())
}

// Validate reports the first parameter error, in words an operator can act on.
func (p Params) Validate() error {
	switch {
	case p.HalfLife <= 0:
		return fmt.Errorf("half_life must be positive, got %s", p.HalfLife)
	case p.MaxSuppress <= 0:
		return fmt.Errorf("max_suppress must be positive, got %s", p.MaxSuppress)
	case p.Reuse <= 0:
		return fmt.Errorf("reuse must be positive, got %g", p.Reuse)
	case p.Suppress <= p.Reuse:
		return fmt.Errorf("suppress (%g) must be greater than reuse (%g)", p.Suppress, p.Reuse)
	case p.WithdrawalPenalty < 0 || p.AttributeChangePenalty < 0 || p.ReadvertisementPenalty < 0:
		return fmt.Errorf("penalties must not be negative")
	}
	if c := p.Ceiling(); p.Suppress > c {
		return fmt.Errorf("suppress (%g) can never be reached: the penalty ceiling reuse*2^(max_suppress/half_life) is %.0f; raise max_suppress or reuse, or lower suppress", p.Suppress, c)
	}
	return nil
}
