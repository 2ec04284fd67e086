package main

import rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"

// rpkiWord is the operator's spelling of a validation state; "" when
// RPKI is off.
func rpkiWord(s rsguardv1.RpkiState) string {
	switch s {
	case rsguardv1.RpkiState_RPKI_STATE_VALID:
		return "valid"
	case rsguardv1.RpkiState_RPKI_STATE_INVALID:
		return "invalid"
	case rsguardv1.RpkiState_RPKI_STATE_NOT_FOUND:
		return "not-found"
	}
	return ""
}
