package apiconv

import (
	"fmt"
	"slices"

	"github.com/rsguard/rsguard/filters"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
)

// The proto enum carries filters.Reason's numbers, so conversion is a cast;
// ReasonFromProto still refuses numbers filters does not know.

// ReasonToProto converts a reason code.
func ReasonToProto(r filters.Reason) rsguardv1.RejectReason { return rsguardv1.RejectReason(r) }

// ReasonFromProto converts a proto reason, refusing unknown numbers.
func ReasonFromProto(r rsguardv1.RejectReason) (filters.Reason, error) {
	if r > 0 && r <= 0xffff && slices.Contains(filters.AllReasons(), filters.Reason(r)) {
		return filters.Reason(r), nil
	}
	return 0, fmt.Errorf("reject reason %d is unknown: %w", int32(r), ErrInvalidArgument)
}
