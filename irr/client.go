package irr

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// ErrUnsupported is returned when the server lacks a query (for example a
// legacy IRRd without !a or recursive !i); callers fall back.
var ErrUnsupported = errors.New("irr: query not supported by the server")

// ClientOptions configures a whois client.
type ClientOptions struct {
	// Servers are "host:port" addresses tried in order; the next one is
	// used when a server cannot be reached or breaks the protocol.
	Servers []string
	// Sources selects IRR sources in priority order (!s). Empty keeps the
	// server's default, which is read with !s-lc.
	Sources []string
	// Timeout is the absolute deadline of one Query on one server: dial,
	// session setup and every answer together, plus one more Timeout per
	// 1000 pipelined queries. It is not an idle timeout, so a server that
	// drips its answers cannot stretch it. Default 30 s.
	Timeout time.Duration
	// MaxReply bounds one answer in bytes. Default DefaultMaxReply.
	MaxReply int
	// Name identifies the client (!n). Default "rsguard".
	Name string
}

// Client is a persistent, pipelining IRRd-protocol client with failover.
// It is safe for concurrent use; queries are serialised on one session.
type Client struct {
	opts ClientOptions

	mu      sync.Mutex
	conn    net.Conn
	br      *bufio.Reader
	server  int      // index of the server in use
	hasA    bool     // server answers !a4/!a6
	noRecI  bool     // server refused !i<set>,1
	sources []string // effective sources of the session
}

// NewClient returns a client; it connects lazily on the first query.
func NewClient(opts ClientOptions) *Client {
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.MaxReply <= 0 {
		opts.MaxReply = DefaultMaxReply
	}
	if opts.Name == "" {
		opts.Name = "rsguard"
	}
	return &Client{opts: opts}
}

// Close ends the session with !q.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil {
		return nil
	}
	_ = c.conn.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = c.conn.Write([]byte("!q\n"))
	err := c.conn.Close()
	c.conn = nil
	return err
}

// Server returns the address of the server in use (or the first).
func (c *Client) Server() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.opts.Servers) == 0 {
		return ""
	}
	return c.opts.Servers[c.server]
}

// Query sends the queries pipelined on the persistent session and returns
// one Reply per query, in order. A connection or framing failure moves to
// the next server and replays the batch (queries are read-only), at most
// once per server. F/D answers are returned, not treated as errors.
func (c *Client) Query(ctx context.Context, queries ...string) ([]Reply, error) {
	for _, q := range queries {
		if strings.ContainsAny(q, "\r\n\x00") {
			return nil, fmt.Errorf("irr: query %q contains a line break or NUL", q)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.opts.Servers) == 0 {
		return nil, errors.New("irr: no whois servers configured")
	}
	var errs []error
	for attempt := 0; attempt < len(c.opts.Servers); attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		start := time.Now()
		dl := c.attemptDeadline(ctx, start, len(queries))
		if c.conn == nil {
			if err := c.connect(ctx, start, dl); err != nil {
				errs = append(errs, err)
				c.server = (c.server + 1) % len(c.opts.Servers)
				continue
			}
		}
		replies, err := c.exchange(ctx, start, dl, "", queries)
		if err == nil {
			return replies, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", c.opts.Servers[c.server], err))
		c.drop()
		if ctx.Err() != nil {
			break
		}
		c.server = (c.server + 1) % len(c.opts.Servers)
	}
	return nil, fmt.Errorf("irr: all whois servers failed: %w", errors.Join(errs...))
}

func (c *Client) drop() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}

// connect opens a session: !! (no answer), !n, the !a capability probe that
// bgpq4 also uses, and !s or !s-lc, all pipelined.
func (c *Client) connect(ctx context.Context, start, dl time.Time) error {
	addr := c.opts.Servers[c.server]
	d := net.Dialer{Deadline: dl}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		if ctx.Err() == nil && !time.Now().Before(dl) {
			return newTimeout(fmt.Sprintf("%s: connect", addr), dl.Sub(start), 0, 0)
		}
		return err
	}
	c.conn, c.br = conn, bufio.NewReaderSize(conn, 64<<10)
	srcQuery := "!s-lc"
	if len(c.opts.Sources) > 0 {
		srcQuery = "!s" + strings.ToUpper(strings.Join(c.opts.Sources, ","))
	}
	replies, err := c.exchange(ctx, start, dl, "!!\n", []string{"!n" + c.opts.Name, "!a", srcQuery})
	if err != nil {
		c.drop()
		return fmt.Errorf("%s: session setup: %w", addr, err)
	}
	c.hasA = replies[1].Kind == 'F' && strings.HasPrefix(replies[1].Msg, "Missing required set name for A query")
	c.noRecI = false
	switch {
	case len(c.opts.Sources) > 0 && replies[2].Kind != 'C':
		c.drop()
		return fmt.Errorf("%s: sources %s refused: %s", addr, srcQuery[2:], replies[2])
	case len(c.opts.Sources) > 0:
		c.sources = upperAll(c.opts.Sources)
	case replies[2].Kind == 'A':
		c.sources = splitList(replies[2].Data)
	default:
		c.sources = nil
	}
	return nil
}

func upperAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToUpper(s)
	}
	return out
}

// exchange writes prefix plus all queries from a goroutine while reading
// the replies, so a large batch cannot deadlock on full socket buffers.
// All of it must be done by dl (see ClientOptions.Timeout); start is when
// the attempt began, for the message.
func (c *Client) exchange(ctx context.Context, start, dl time.Time, prefix string, queries []string) ([]Reply, error) {
	conn, br := c.conn, c.br
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	var sb strings.Builder
	sb.WriteString(prefix)
	for _, q := range queries {
		sb.WriteString(q)
		sb.WriteByte('\n')
	}
	payload := sb.String()
	werr := make(chan error, 1)
	_ = conn.SetDeadline(dl)
	go func() {
		_, err := conn.Write([]byte(payload))
		werr <- err
	}()
	replies := make([]Reply, 0, len(queries))
	var rerr error
	for range queries {
		r, err := ReadReply(br, c.opts.MaxReply)
		if err != nil {
			rerr = err
			break
		}
		replies = append(replies, r)
	}
	if rerr != nil {
		_ = conn.SetDeadline(time.Unix(1, 0)) // unblock the writer
		<-werr
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if timedOut(rerr, dl) {
			return nil, newTimeout("", dl.Sub(start), len(replies), len(queries))
		}
		return nil, rerr
	}
	if err := <-werr; err != nil {
		if timedOut(err, dl) {
			return nil, newTimeout("sending queries: ", dl.Sub(start), len(replies), len(queries))
		}
		return nil, err
	}
	return replies, nil
}

// attemptDeadline is the absolute deadline of one attempt of n queries on
// one server, capped by the context's deadline.
func (c *Client) attemptDeadline(ctx context.Context, start time.Time, n int) time.Time {
	d := start.Add(c.opts.Timeout * time.Duration(1+n/1000))
	if dl, ok := ctx.Deadline(); ok && dl.Before(d) {
		return dl
	}
	return d
}

// --- Source implementation ---

// Sources returns the sources of the session (after connecting).
func (c *Client) Sources(ctx context.Context) ([]string, error) {
	if _, err := c.Query(ctx); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.sources...), nil
}

// SetMembers sends one pipelined !i<set> per name. Unknown sets (D) are
// absent from the map.
func (c *Client) SetMembers(ctx context.Context, names []string) (map[string][]string, error) {
	qs := make([]string, len(names))
	for i, n := range names {
		qs[i] = "!i" + n
	}
	replies, err := c.Query(ctx, qs...)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for i, r := range replies {
		switch r.Kind {
		case 'A':
			out[strings.ToUpper(names[i])] = r.Tokens()
		case 'C':
			out[strings.ToUpper(names[i])] = nil
		case 'D':
		default:
			return nil, fmt.Errorf("irr: !i%s: %s", names[i], r)
		}
	}
	return out, nil
}

// RecursiveASNs asks the server to expand an as-set (!i<set>,1). It returns
// ErrUnsupported when the server refuses recursive !i.
func (c *Client) RecursiveASNs(ctx context.Context, name string) ([]uint32, bool, error) {
	c.mu.Lock()
	no := c.noRecI
	c.mu.Unlock()
	if no {
		return nil, false, ErrUnsupported
	}
	replies, err := c.Query(ctx, "!i"+name+",1")
	if err != nil {
		return nil, false, err
	}
	r := replies[0]
	switch r.Kind {
	case 'D':
		return nil, false, nil
	case 'C':
		return nil, true, nil
	case 'A':
		var out []uint32
		for _, t := range r.Tokens() {
			asn, err := ParseASN(t)
			if err != nil {
				// A route-set answer or garbage: let the caller recurse itself.
				return nil, false, ErrUnsupported
			}
			out = append(out, asn)
		}
		return out, true, nil
	}
	c.mu.Lock()
	c.noRecI = true
	c.mu.Unlock()
	return nil, false, fmt.Errorf("%w: !i%s,1: %s", ErrUnsupported, name, r)
}

// OriginPrefixes pipelines !g/!6 per ASN.
func (c *Client) OriginPrefixes(ctx context.Context, asns []uint32, v4, v6 bool) (map[uint32][]netip.Prefix, []string, error) {
	var qs []string
	for _, a := range asns {
		if v4 {
			qs = append(qs, "!g"+FormatASN(a))
		}
		if v6 {
			qs = append(qs, "!6"+FormatASN(a))
		}
	}
	replies, err := c.Query(ctx, qs...)
	if err != nil {
		return nil, nil, err
	}
	out := map[uint32][]netip.Prefix{}
	var warns []string
	for i, r := range replies {
		asn, _ := ParseASN(qs[i][2:])
		switch r.Kind {
		case 'A':
			for _, t := range r.Tokens() {
				p, err := ParsePrefix(t)
				if err != nil {
					warns = append(warns, fmt.Sprintf("%s: ignoring bad prefix %q", qs[i], t))
					continue
				}
				out[asn] = append(out[asn], p)
			}
		case 'C', 'D':
		default:
			warns = append(warns, fmt.Sprintf("%s: %s", qs[i], r))
		}
	}
	return out, warns, nil
}

// SetPrefixes uses !a4/!a6 (IRRd 4) to fetch all prefixes of an as-set in
// one answer per family; ErrUnsupported on servers without it.
func (c *Client) SetPrefixes(ctx context.Context, name string, v4, v6 bool) ([]netip.Prefix, error) {
	if _, err := c.Query(ctx); err != nil {
		return nil, err
	}
	c.mu.Lock()
	hasA := c.hasA
	c.mu.Unlock()
	if !hasA {
		return nil, ErrUnsupported
	}
	var qs []string
	if v4 {
		qs = append(qs, "!a4"+name)
	}
	if v6 {
		qs = append(qs, "!a6"+name)
	}
	replies, err := c.Query(ctx, qs...)
	if err != nil {
		return nil, err
	}
	var out []netip.Prefix
	for i, r := range replies {
		switch r.Kind {
		case 'A':
			for _, t := range r.Tokens() {
				p, err := ParsePrefix(t)
				if err != nil {
					return nil, fmt.Errorf("irr: %s: bad prefix %q", qs[i], t)
				}
				out = append(out, p)
			}
		case 'C', 'D':
		default:
			return nil, fmt.Errorf("irr: %s: %s", qs[i], r)
		}
	}
	return out, nil
}
