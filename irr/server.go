package irr

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

// ServerOptions bounds a whois server.
type ServerOptions struct {
	MaxConns      int           // concurrent connections (default 64)
	IdleTimeout   time.Duration // per read (default 30 s, like IRRd)
	WriteTimeout  time.Duration // per answer (default 60 s)
	MaxLineLength int           // bytes per query line (default 4096)
	// Sources is the default source list in priority order (default: the
	// DB's sources in load order). Every DB source can be selected with !s.
	Sources []string
	// Logf receives one line per connection problem (default: discard).
	Logf func(format string, args ...any)
}

// Server answers the IRRd whois protocol from a DB, well enough for bgpq4
// and bgpq3 to use it unchanged.
type Server struct {
	db   *DB
	opts ServerOptions

	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
	sem    chan struct{}
}

// NewServer returns a server over db; the DB must not change any more.
func NewServer(db *DB, opts ServerOptions) *Server {
	if opts.MaxConns <= 0 {
		opts.MaxConns = 64
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 30 * time.Second
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = 60 * time.Second
	}
	if opts.MaxLineLength <= 0 {
		opts.MaxLineLength = 4096
	}
	if len(opts.Sources) == 0 {
		opts.Sources = db.Sources()
	}
	opts.Sources = upperAll(opts.Sources)
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	return &Server{db: db, opts: opts, conns: map[net.Conn]struct{}{}, sem: make(chan struct{}, opts.MaxConns)}
}

// Listen binds addr ("127.0.0.1:0" picks a port) and returns the address.
func (s *Server) Listen(addr string) (net.Addr, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		ln.Close()
		return nil, net.ErrClosed
	}
	s.ln = ln
	return ln.Addr(), nil
}

// Serve accepts connections until ctx ends or Close is called. Listen must
// have been called.
func (s *Server) Serve(ctx context.Context) error {
	s.mu.Lock()
	ln := s.ln
	s.mu.Unlock()
	if ln == nil {
		return errors.New("irr: Serve before Listen")
	}
	stop := context.AfterFunc(ctx, func() { s.Close() })
	defer stop()
	for {
		conn, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		select {
		case s.sem <- struct{}{}:
		default:
			s.opts.Logf("whois: refusing %s: %d connections already open", conn.RemoteAddr(), s.opts.MaxConns)
			_ = conn.SetWriteDeadline(time.Now().Add(time.Second))
			_, _ = conn.Write([]byte("F Too many connections\n"))
			conn.Close()
			continue
		}
		if !s.track(conn) {
			<-s.sem
			conn.Close()
			return nil
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() { <-s.sem }()
			defer s.untrack(conn)
			s.handle(conn)
		}()
	}
}

// ListenAndServe is Listen plus Serve.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	if _, err := s.Listen(addr); err != nil {
		return err
	}
	return s.Serve(ctx)
}

func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Server) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	c.Close()
}

// Close stops the listener, closes every connection and waits for the
// connection goroutines to end.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.wg.Wait()
		return nil
	}
	s.closed = true
	var err error
	if s.ln != nil {
		err = s.ln.Close()
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

// session is the per-connection state.
type session struct {
	multi   bool
	sources []string
	idle    time.Duration
}

// handle reads queries and hands answers to a writer goroutine, so a
// pipelining client that writes many queries before it reads can never
// deadlock the server (answers queue up, bounded by the queue size).
func (s *Server) handle(conn net.Conn) {
	out := make(chan []byte, 1024)
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		bw := bufio.NewWriterSize(conn, 64<<10)
		for b := range out {
			_ = conn.SetWriteDeadline(time.Now().Add(s.opts.WriteTimeout))
			if _, err := bw.Write(b); err != nil {
				break
			}
			// Flush when no further answer is ready: bgpq4 reads some
			// answers with a single read() and needs them whole.
			if len(out) == 0 {
				if err := bw.Flush(); err != nil {
					break
				}
			}
		}
		for range out { // drain after a write error so the reader never blocks
		}
	}()
	defer func() {
		close(out)
		<-writerDone
	}()

	sess := &session{sources: s.opts.Sources, idle: s.opts.IdleTimeout}
	br := bufio.NewReaderSize(conn, 4096)
	for {
		_ = conn.SetReadDeadline(time.Now().Add(sess.idle))
		line, err := readQueryLine(br, s.opts.MaxLineLength)
		if errors.Is(err, errLineTooLong) {
			out <- []byte(fmt.Sprintf("F Query longer than %d bytes\n", s.opts.MaxLineLength))
			return
		}
		if err != nil {
			return
		}
		q := strings.TrimSpace(line)
		if q == "" {
			continue
		}
		ans, closeConn := s.answer(sess, q)
		if ans != nil {
			out <- ans
		}
		if closeConn || !sess.multi {
			return
		}
	}
}

var errLineTooLong = errors.New("line too long")

func readQueryLine(br *bufio.Reader, max int) (string, error) {
	var sb strings.Builder
	for {
		chunk, isPrefix, err := br.ReadLine()
		if err != nil {
			return "", err
		}
		if sb.Len()+len(chunk) > max {
			return "", errLineTooLong
		}
		sb.Write(chunk)
		if !isPrefix {
			return sb.String(), nil
		}
	}
}
