package dampening

import (
	"fmt"
	"math"
)

// checkParams runs Params.Validate plus the checks the engine's arithmetic
// needs: every figure finite (NaN slips through Validate's comparisons) and a
// ceiling small enough for the float32 state.
func checkParams(p Params) error {
	figures := []struct {
		name  string
		value float64
	}{
		{"reuse", p.Reuse},
		{"suppress", p.Suppress},
		{"withdrawal_penalty", p.WithdrawalPenalty},
		{"attribute_change_penalty", p.AttributeChangePenalty},
		{"readvertisement_penalty", p.ReadvertisementPenalty},
	}
	for _, f := range figures {
		if math.IsNaN(f.value) || math.IsInf(f.value, 0) {
			return fmt.Errorf("dampening parameters: %s must be a finite number, got %g", f.name, f.value)
		}
	}
	if err := p.Validate(); err != nil {
		return fmt.Errorf("dampening parameters: %w", err)
	}
	if c := p.Ceiling(); math.IsInf(c, 0) || c > math.MaxFloat32 {
		return fmt.Errorf("dampening parameters: max_suppress (%s) is too many half_lives (%s): the penalty ceiling reuse*2^(max_suppress/half_life) overflows", p.MaxSuppress, p.HalfLife)
	}
	return nil
}
