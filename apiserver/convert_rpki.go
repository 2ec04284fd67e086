package apiserver

import (
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"github.com/rsguard/rsguard/rpki"
)

// RPKIStateToProto maps the validation state; the numbers are the same.
func RPKIStateToProto(s rpki.State) rsguardv1.RpkiState {
	switch s {
	case rpki.StateNotFound:
		return rsguardv1.RpkiState_RPKI_STATE_NOT_FOUND
	case rpki.StateValid:
		return rsguardv1.RpkiState_RPKI_STATE_VALID
	case rpki.StateInvalid:
		return rsguardv1.RpkiState_RPKI_STATE_INVALID
	}
	return rsguardv1.RpkiState_RPKI_STATE_UNSPECIFIED
}
