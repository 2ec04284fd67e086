package daemon

import (
	"context"
	"fmt"
	"io/fs"
	"net"
	"os"
	"sync"
	"time"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/sirupsen/logrus"
)

// apiComponent owns the control API's listeners across reloads. Start and
// reload take the same two steps: prepare binds what the new [api] needs
// and is not bound yet (and checks TLS files and token), commit serves it
// and closes what is no longer configured. The unix socket and the TCP
// listener are separate, so changing one never touches the other; a TCP
// listener whose address stays gets its new key pair and token in place.
type apiComponent struct {
	srv *apiserver.Server
	log *logrus.Logger

	mu   sync.Mutex
	ctx  context.Context
	cfg  apiserver.ListenConfig // in force
	unix *apiserver.Listening
	tcp  *apiserver.Listening
	errc chan error // a listener that failed while serving
}

// apiPrep is a prepared [api] change: listeners bound but not served.
type apiPrep struct {
	cfg         apiserver.ListenConfig
	unix, tcp   *apiserver.Listening // new listeners, nil when the old one stays
	updateCreds bool                 // same TCP address: swap key pair and token
	dropTCP     bool
}

func newAPIComponent(ctx context.Context, srv *apiserver.Server, log *logrus.Logger) *apiComponent {
	return &apiComponent{srv: srv, log: log, ctx: ctx, errc: make(chan error, 4)}
}

func socketOf(c apiserver.ListenConfig) string {
	if c.Socket == "" {
		return apiserver.DefaultSocket
	}
	return c.Socket
}

// prepare binds what cfg needs. Nothing running changes; abort undoes it.
func (c *apiComponent) prepare(cfg apiserver.ListenConfig) (apiPrep, error) {
	if err := cfg.Preflight(); err != nil {
		return apiPrep{}, err
	}
	c.mu.Lock()
	cur, unix, tcp := c.cfg, c.unix, c.tcp
	c.mu.Unlock()
	p := apiPrep{cfg: cfg}
	var err error
	if unix == nil || socketOf(cfg) != socketOf(cur) {
		if p.unix, err = c.srv.Listen(apiserver.ListenConfig{Socket: socketOf(cfg)}); err != nil {
			return apiPrep{}, err
		}
	}
	switch {
	case cfg.TCPAddr == "":
		p.dropTCP = tcp != nil
	case tcp != nil && cfg.TCPAddr == cur.TCPAddr:
		p.updateCreds = cfg != cur
	default:
		if p.tcp, err = c.srv.ListenTCP(cfg); err != nil {
			p.abort()
			return apiPrep{}, err
		}
	}
	return p, nil
}

// abort closes the listeners prepare bound.
func (p apiPrep) abort() {
	for _, l := range []*apiserver.Listening{p.unix, p.tcp} {
		if l != nil {
			l.Close()
		}
	}
}

// commit serves the prepared listeners and retires the replaced ones. A
// replaced listener is closed in the background: the reload that replaced
// it may be a call still in flight on it.
func (c *apiComponent) commit(p apiPrep) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var retire []*apiserver.Listening
	if p.unix != nil {
		retire = append(retire, c.unix)
		c.unix = p.unix
		c.serve(p.unix)
	}
	switch {
	case p.tcp != nil:
		retire = append(retire, c.tcp)
		c.tcp = p.tcp
		c.serve(p.tcp)
	case p.dropTCP:
		retire = append(retire, c.tcp)
		c.tcp = nil
	case p.updateCreds:
		if err := c.tcp.UpdateTCPCredentials(p.cfg); err != nil {
			c.log.WithError(err).Error("control API: new TLS key pair or token not applied, the old ones stay")
		}
	}
	c.cfg = p.cfg
	for _, l := range retire {
		if l != nil {
			go l.Close()
		}
	}
}

func (c *apiComponent) serve(l *apiserver.Listening) {
	go func() {
		if err := l.Serve(c.ctx); err != nil {
			select {
			case c.errc <- err:
			default:
			}
		}
	}()
}

// socketPath is the unix socket in force.
func (c *apiComponent) socketPath() string {
	if c == nil {
		return ""
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.unix == nil {
		return ""
	}
	return c.unix.SocketPath()
}

// tcpAddr is the bound TCP address, "" without a TCP listener.
func (c *apiComponent) tcpAddr() string {
	if c == nil {
		return ""
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tcp == nil || c.tcp.TCPAddr() == nil {
		return ""
	}
	return c.tcp.TCPAddr().String()
}

// close stops every listener (at shutdown).
func (c *apiComponent) close() {
	c.mu.Lock()
	ls := []*apiserver.Listening{c.unix, c.tcp}
	c.mu.Unlock()
	for _, l := range ls {
		if l != nil {
			l.Close()
		}
	}
}

// probe tells, without taking anything, whether prepare would fail to bind
// next: a new TCP address already in use, a new socket path that is not a
// socket or that another process serves. `config check` uses it so that it
// refuses what the reload's prepare would; prepare stays authoritative.
func (c *apiComponent) probe(next apiserver.ListenConfig) error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	cur, hasTCP := c.cfg, c.tcp != nil
	c.mu.Unlock()
	if next.TCPAddr != "" && (!hasTCP || next.TCPAddr != cur.TCPAddr) {
		ln, err := net.Listen("tcp", next.TCPAddr)
		if err != nil {
			return fmt.Errorf("api: listen on %s: %w", next.TCPAddr, err)
		}
		ln.Close()
	}
	if sock := socketOf(next); sock != socketOf(cur) {
		if st, err := os.Lstat(sock); err == nil {
			if st.Mode().Type() != fs.ModeSocket {
				return fmt.Errorf("api: socket %s: exists and is not a socket; refusing to replace it", sock)
			}
			if conn, err := net.DialTimeout("unix", sock, time.Second); err == nil {
				conn.Close()
				return fmt.Errorf("api: socket %s: in use by another running process", sock)
			}
		}
	}
	return nil
}
