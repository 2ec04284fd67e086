package apiserver

import (
	"context"
	"google.golang.org/grpc/codes"
	"io"
	"time"

	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"github.com/sirupsen/logrus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
)

// Server holds what every listener's handlers share.
type Server struct {
	backend Backend
	log     *logrus.Entry
	now     func() time.Time
	onCall  func(method string, code codes.Code) // observe.go
}

// Option configures a Server.
type Option func(*Server)

// WithLogger sets the logger (default: discards everything).
func WithLogger(l *logrus.Entry) Option { return func(s *Server) { s.log = l } }

// WithClock sets the clock used for uptime and age (default time.Now).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// NewServer returns a server that answers from b.
func NewServer(b Backend, opts ...Option) *Server {
	quiet := logrus.New()
	quiet.SetOutput(io.Discard)
	s := &Server{backend: b, log: logrus.NewEntry(quiet), now: time.Now}
	for _, o := range opts {
		o(s)
	}
	s.log = s.log.WithField("component", "api")
	return s
}

// serviceNames lists the services registered, for the health server.
var serviceNames = []string{
	rsguardv1.PeerService_ServiceDesc.ServiceName,
	rsguardv1.RouteService_ServiceDesc.ServiceName,
	rsguardv1.IRRService_ServiceDesc.ServiceName,
	rsguardv1.DampeningService_ServiceDesc.ServiceName,
	rsguardv1.ConfigService_ServiceDesc.ServiceName,
	rsguardv1.EventService_ServiceDesc.ServiceName,
	rsguardv1.ACLService_ServiceDesc.ServiceName,
	rsguardv1.RPKIService_ServiceDesc.ServiceName,
}

// register adds every service, health and reflection to g. stopping is done
// when the listener shuts down, so endless streams end promptly.
func (s *Server) register(g *grpc.Server, stopping context.Context) *health.Server {
	rsguardv1.RegisterPeerServiceServer(g, &peerService{s: s})
	rsguardv1.RegisterRouteServiceServer(g, &routeService{s: s})
	rsguardv1.RegisterIRRServiceServer(g, &irrService{s: s})
	rsguardv1.RegisterDampeningServiceServer(g, &dampeningService{s: s})
	rsguardv1.RegisterConfigServiceServer(g, &configService{s: s})
	rsguardv1.RegisterEventServiceServer(g, &eventService{s: s, stopping: stopping})
	rsguardv1.RegisterACLServiceServer(g, &aclService{s: s})
	rsguardv1.RegisterRPKIServiceServer(g, &rpkiService{s: s})
	hs := health.NewServer()
	hs.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	for _, n := range serviceNames {
		hs.SetServingStatus(n, healthpb.HealthCheckResponse_SERVING)
	}
	healthpb.RegisterHealthServer(g, hs)
	reflection.Register(g)
	return hs
}
