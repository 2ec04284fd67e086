package apiserver

import (
	"github.com/rsguard/rsguard/apiconv"
	"github.com/rsguard/rsguard/filters"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
)

// The conversions both ends of the API share live in apiconv (so rsctl
// need not import the server); these names keep the server's handlers and
// the daemon reading as before.

// ReasonToProto converts a reason code (apiconv.ReasonToProto).
func ReasonToProto(r filters.Reason) rsguardv1.RejectReason { return apiconv.ReasonToProto(r) }

// ReasonFromProto converts a proto reason, refusing unknown numbers.
func ReasonFromProto(r rsguardv1.RejectReason) (filters.Reason, error) {
	return apiconv.ReasonFromProto(r)
}

// ASPathToProto converts an AS path; a nil path becomes an empty message.
func ASPathToProto(p filters.ASPath) *rsguardv1.AsPath { return apiconv.ASPathToProto(p) }

// ASPathFromProto converts an AS path, refusing unknown segment types.
func ASPathFromProto(p *rsguardv1.AsPath) (filters.ASPath, error) {
	return apiconv.ASPathFromProto(p)
}

// ParseASPath reads an AS path as filters.ASPath.String() prints it.
func ParseASPath(s string) (filters.ASPath, error) { return apiconv.ParseASPath(s) }
