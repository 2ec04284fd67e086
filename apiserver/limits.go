package apiserver

import (
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Concurrent stream limits, per listener (the unix socket and TCP each
// have their own, so clients of one cannot lock the operator out of the
// other). A route listing copies every matching route out of the store
// before it sends (about 4.6 MB per 20k routes, measured), and a client
// that does not read holds that copy for as long as it stays connected:
// without a bound, 200 such streams held 930 MiB (daemon TestAPIAbuse).
const (
	MaxRouteStreams = 8  // RouteService.ListRoutes at once
	MaxStreams      = 32 // every streaming call at once (events, routes, IRR refresh, health watch, reflection)
)

// streamLimits refuses a streaming call beyond the limits with
// ResourceExhausted at once, rather than queueing it.
type streamLimits struct {
	all, routes chan struct{}
}

func newStreamLimits() *streamLimits {
	return &streamLimits{all: make(chan struct{}, MaxStreams), routes: make(chan struct{}, MaxRouteStreams)}
}

var listRoutesMethod = "/" + rsguardv1.RouteService_ServiceDesc.ServiceName + "/ListRoutes"

func (l *streamLimits) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	release, err := take(l.all, "streaming calls")
	if err != nil {
		return err
	}
	defer release()
	if info.FullMethod == listRoutesMethod {
		release, err := take(l.routes, "route listings")
		if err != nil {
			return err
		}
		defer release()
	}
	return handler(srv, ss)
}

func take(sem chan struct{}, what string) (release func(), err error) {
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	default:
		return nil, status.Errorf(codes.ResourceExhausted, "too many concurrent %s on this listener (limit %d): end one and retry", what, cap(sem))
	}
}
