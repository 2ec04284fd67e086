package apiserver

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/rsguard/rsguard/filters"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"
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

// RejectionsToProto converts a verdict's rejections, naming each reason.
func RejectionsToProto(rs []filters.Rejection) []*rsguardv1.Rejection {
	out := make([]*rsguardv1.Rejection, 0, len(rs))
	for _, r := range rs {
		out = append(out, &rsguardv1.Rejection{Reason: ReasonToProto(r.Reason), Name: r.Reason.Name(), Detail: r.Detail})
	}
	return out
}

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

// RouteToProto converts a route; an invalid next hop becomes "".
func RouteToProto(r filters.Route) *rsguardv1.Route {
	return &rsguardv1.Route{Prefix: prefixString(r.Prefix), AsPath: ASPathToProto(r.ASPath), NextHop: addrString(r.NextHop),
		Blackhole: r.Blackhole}
}

// RouteFromProto converts a route as a client renders it (rsctl).
func RouteFromProto(r *rsguardv1.Route) (filters.Route, error) {
	var out filters.Route
	var err error
	if r.GetPrefix() != "" {
		if out.Prefix, err = netip.ParsePrefix(r.GetPrefix()); err != nil {
			return out, fmt.Errorf("prefix: %w", err)
		}
	}
	if r.GetNextHop() != "" {
		if out.NextHop, err = netip.ParseAddr(r.GetNextHop()); err != nil {
			return out, fmt.Errorf("next_hop: %w", err)
		}
	}
	out.ASPath, err = ASPathFromProto(r.GetAsPath())
	out.Blackhole = r.GetBlackhole()
	return out, err
}

func prefixString(p netip.Prefix) string {
	if !p.IsValid() {
		return ""
	}
	return p.String()
}

func addrString(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

// timeToProto leaves unknown (zero) times unset.
func timeToProto(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func durationToProto(d time.Duration) *durationpb.Duration {
	if d <= 0 {
		return nil
	}
	return durationpb.New(d)
}

// parsePrefixArg parses a request field; "" gives the zero prefix.
func parsePrefixArg(field, s string) (netip.Prefix, error) {
	if s == "" {
		return netip.Prefix{}, nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return p, fmt.Errorf("%s %q: not a prefix: %w", field, s, ErrInvalidArgument)
	}
	if p != p.Masked() {
		return p, fmt.Errorf("%s %q: host bits set (did you mean %s?): %w", field, s, p.Masked(), ErrInvalidArgument)
	}
	return p, nil
}

// parseAddrArg parses a request field; "" gives the zero address.
func parseAddrArg(field, s string) (netip.Addr, error) {
	if s == "" {
		return netip.Addr{}, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return a, fmt.Errorf("%s %q: not an IP address: %w", field, s, ErrInvalidArgument)
	}
	return a, nil
}
