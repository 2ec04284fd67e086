package apiserver

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/rsguard/rsguard/filters"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// RejectionsToProto converts a verdict's rejections, naming each reason.
func RejectionsToProto(rs []filters.Rejection) []*rsguardv1.Rejection {
	out := make([]*rsguardv1.Rejection, 0, len(rs))
	for _, r := range rs {
		out = append(out, &rsguardv1.Rejection{Reason: ReasonToProto(r.Reason), Name: r.Reason.Name(), Detail: r.Detail})
	}
	return out
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
