package apiserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// DefaultSocket is used when ListenConfig.Socket is empty. It should equal
// config.DefaultSocket; the daemon passes its configured path anyway.
const DefaultSocket = "/run/rsguard/rsguard.sock"

// stopGrace bounds how long shutdown waits for in-flight calls before
// cutting them off.
const stopGrace = 5 * time.Second

// ListenConfig says where the API listens. The unix socket is always on; TCP
// only when TCPAddr is set, and then TLS and a token are mandatory.
type ListenConfig struct {
	Socket string // unix socket path; "" means DefaultSocket

	TCPAddr     string // e.g. "127.0.0.1:50051"; "" disables TCP
	TLSCertFile string // PEM certificate chain, required with TCPAddr
	TLSKeyFile  string // PEM private key, required with TCPAddr
	TokenFile   string // bearer token, required with TCPAddr
}

// Validate reports what is missing for a safe TCP listener.
func (c ListenConfig) Validate() error {
	if c.TCPAddr == "" {
		return nil
	}
	var missing []error
	if c.TLSCertFile == "" {
		missing = append(missing, errors.New("a TLS certificate"))
	}
	if c.TLSKeyFile == "" {
		missing = append(missing, errors.New("a TLS key"))
	}
	if c.TokenFile == "" {
		missing = append(missing, errors.New("a bearer token file"))
	}
	if len(missing) > 0 {
		return fmt.Errorf("api: TCP listener %s refused: it needs %w", c.TCPAddr, errors.Join(missing...))
	}
	return nil
}

// Listening is a bound API, ready to Serve.
type Listening struct {
	s          *Server
	socketPath string
	socketInfo fs.FileInfo // to remove only our own socket at close
	unixLn     net.Listener
	tcpLn      net.Listener
	unixGRPC   *grpc.Server
	tcpGRPC    *grpc.Server

	stopping context.Context
	stop     context.CancelFunc
	once     sync.Once

	// TCP credentials in force, swapped by UpdateTCPCredentials.
	auth *tokenAuth
	cert atomic.Pointer[tls.Certificate]
}

// Serve binds cfg and serves until ctx is done, then stops gracefully.
func (s *Server) Serve(ctx context.Context, cfg ListenConfig) error {
	l, err := s.Listen(cfg)
	if err != nil {
		return err
	}
	return l.Serve(ctx)
}

// Listen binds the unix socket (and TCP if configured) without serving yet,
// so a caller learns the bound addresses first. Close it if Serve is never
// called.
func (s *Server) Listen(cfg ListenConfig) (*Listening, error) {
	return s.listen(cfg, true)
}

func (s *Server) listen(cfg ListenConfig, withSocket bool) (*Listening, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Socket == "" {
		cfg.Socket = DefaultSocket
	}
	l := &Listening{s: s}
	if withSocket {
		l.socketPath = cfg.Socket
	}
	l.stopping, l.stop = context.WithCancel(context.Background())

	// Everything that can fail on TCP is checked before the socket exists,
	// so a failure leaves nothing behind.
	var tcpOpts []grpc.ServerOption
	if cfg.TCPAddr != "" {
		cert, token, err := cfg.tcpCredentials()
		if err != nil {
			return nil, err
		}
		l.auth = newTokenAuth(token, s)
		l.cert.Store(&cert)
		getCert := func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return l.cert.Load(), nil }
		tcpOpts = []grpc.ServerOption{
			grpc.Creds(credentials.NewTLS(&tls.Config{GetCertificate: getCert, MinVersion: tls.VersionTLS12})),
			grpc.ChainUnaryInterceptor(l.auth.unary),
			grpc.ChainStreamInterceptor(l.auth.stream, newStreamLimits().stream), // authenticated before counted
		}
		tcpOpts = append(tcpOpts, s.callObserverOptions()...)
	}

	var err error
	if withSocket {
		if l.unixLn, l.socketInfo, err = listenUnix(cfg.Socket); err != nil {
			return nil, err
		}
		l.unixGRPC = grpc.NewServer(append([]grpc.ServerOption{grpc.ChainStreamInterceptor(newStreamLimits().stream)},
			s.callObserverOptions()...)...)
		s.register(l.unixGRPC, l.stopping)
	}

	if cfg.TCPAddr != "" {
		if l.tcpLn, err = net.Listen("tcp", cfg.TCPAddr); err != nil {
			l.Close()
			return nil, fmt.Errorf("api: listen on %s: %w", cfg.TCPAddr, err)
		}
		l.tcpGRPC = grpc.NewServer(tcpOpts...)
		s.register(l.tcpGRPC, l.stopping)
	}
	return l, nil
}

// SocketPath is the unix socket the API listens on.
func (l *Listening) SocketPath() string { return l.socketPath }

// TCPAddr is the bound TCP address, or nil without a TCP listener.
func (l *Listening) TCPAddr() net.Addr {
	if l.tcpLn == nil {
		return nil
	}
	return l.tcpLn.Addr()
}

// Serve answers calls until ctx is done, then waits up to stopGrace for
// in-flight calls, ends event streams, and removes the socket.
func (l *Listening) Serve(ctx context.Context) error {
	errc := make(chan error, 2)
	if l.unixGRPC != nil {
		go func() { errc <- serveOne(l.unixGRPC, l.unixLn, "unix socket "+l.socketPath) }()
	}
	if l.tcpGRPC != nil {
		go func() { errc <- serveOne(l.tcpGRPC, l.tcpLn, "TCP "+l.tcpLn.Addr().String()) }()
	}
	log := l.s.log.WithField("socket", l.socketPath)
	if a := l.TCPAddr(); a != nil {
		log = log.WithField("tcp", a.String())
	}
	log.Info("API listening")
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	l.Close()
	return err
}

func serveOne(g *grpc.Server, ln net.Listener, what string) error {
	if err := g.Serve(ln); err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		return fmt.Errorf("api: serving %s: %w", what, err)
	}
	return nil
}

// Close stops serving (gracefully, bounded by stopGrace) and removes the
// socket. It is safe to call more than once.
func (l *Listening) Close() {
	l.once.Do(func() {
		l.stop() // ends WatchEvents streams, which would hold GracefulStop
		var wg sync.WaitGroup
		for _, g := range []*grpc.Server{l.unixGRPC, l.tcpGRPC} {
			if g == nil {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				gracefulStop(g)
			}()
		}
		wg.Wait()
		// A grpc.Server that never served does not close the listener.
		for _, ln := range []net.Listener{l.unixLn, l.tcpLn} {
			if ln != nil {
				_ = ln.Close() // already closed by Stop: the error says only that
			}
		}
		removeOwnSocket(l.socketPath, l.socketInfo)
	})
}

func gracefulStop(g *grpc.Server) {
	done := make(chan struct{})
	go func() {
		g.GracefulStop()
		close(done)
	}()
	t := time.NewTimer(stopGrace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		g.Stop()
		<-done
	}
}
