package apiconv

import (
	"fmt"
	"slices"

	"github.com/rsguard/rsguard/filters"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
)

var segTypeToProto = map[filters.SegmentType]rsguardv1.AsPathSegmentType{
	filters.SegSequence:       rsguardv1.AsPathSegmentType_AS_PATH_SEGMENT_TYPE_SEQUENCE,
	filters.SegSet:            rsguardv1.AsPathSegmentType_AS_PATH_SEGMENT_TYPE_SET,
	filters.SegConfedSequence: rsguardv1.AsPathSegmentType_AS_PATH_SEGMENT_TYPE_CONFED_SEQUENCE,
	filters.SegConfedSet:      rsguardv1.AsPathSegmentType_AS_PATH_SEGMENT_TYPE_CONFED_SET,
}

// ASPathToProto converts an AS path; a nil path becomes an empty message.
func ASPathToProto(p filters.ASPath) *rsguardv1.AsPath {
	out := &rsguardv1.AsPath{}
	for _, s := range p {
		out.Segments = append(out.Segments, &rsguardv1.AsPathSegment{Type: segTypeToProto[s.Type], Asns: slices.Clone(s.ASNs)})
	}
	return out
}

// ASPathFromProto converts an AS path, refusing unknown segment types
// (UNSPECIFIED counts as unknown: a sender must say what it means).
func ASPathFromProto(p *rsguardv1.AsPath) (filters.ASPath, error) {
	var out filters.ASPath
	for i, s := range p.GetSegments() {
		t, ok := segTypeFromProto(s.GetType())
		if !ok {
			return nil, fmt.Errorf("as_path segment %d: unknown type %d: %w", i, int32(s.GetType()), ErrInvalidArgument)
		}
		out = append(out, filters.Segment{Type: t, ASNs: slices.Clone(s.GetAsns())})
	}
	return out, nil
}

func segTypeFromProto(t rsguardv1.AsPathSegmentType) (filters.SegmentType, bool) {
	for k, v := range segTypeToProto {
		if v == t {
			return k, true
		}
	}
	return 0, false
}
