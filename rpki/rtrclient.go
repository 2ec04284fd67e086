package rpki

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// Client follows one upstream RTR cache (RFC 8210), falling back to
// version 0 (RFC 6810) when the cache asks for it. It keeps the cache's
// last complete set across disconnections; whether that set is still
// trusted is the caller's decision (see Status.DownSince).
type Client struct {
	addr     string
	onChange func()
	// RetryInterval is the wait between connection attempts.
	RetryInterval time.Duration
	// RefreshInterval is the longest wait between Serial Queries; a
	// version 1 cache's End of Data may shorten it.
	RefreshInterval time.Duration
	// DialTimeout bounds one connection attempt.
	DialTimeout time.Duration

	mu      sync.Mutex
	vrps    map[VRP]struct{}
	synced  bool
	status  ClientStatus
	session uint16
	serial  uint32
	version uint8
}

// ClientStatus is what an operator needs to know about an upstream cache.
type ClientStatus struct {
	Addr      string
	Connected bool
	Synced    bool // a complete set has been received at least once
	Serial    uint32
	VRPs      int
	LastSync  time.Time // last End of Data
	DownSince time.Time // zero while connected
	LastError string
	// Gen counts complete updates, so a caller can tell a new set from
	// the one it has without copying it.
	Gen uint64
}

// NewClient follows addr ("host:port"). onChange is called, from the
// client's goroutine, after each complete update and on disconnection.
func NewClient(addr string, onChange func()) *Client {
	return &Client{addr: addr, onChange: onChange, RetryInterval: 5 * time.Second,
		RefreshInterval: 60 * time.Second, DialTimeout: 5 * time.Second,
		vrps: map[VRP]struct{}{}, version: 1,
		status: ClientStatus{Addr: addr, DownSince: time.Now()}}
}

// Addr is the cache's address.
func (c *Client) Addr() string { return c.addr }

// Status is the status alone (cheap: no copy of the set).
func (c *Client) Status() ClientStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.status
	st.VRPs = len(c.vrps)
	return st
}

// Snapshot returns the last complete set and the status.
func (c *Client) Snapshot() (Set, ClientStatus) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]VRP, 0, len(c.vrps))
	for v := range c.vrps {
		out = append(out, v)
	}
	st := c.status
	st.VRPs = len(out)
	return NewSet(out), st
}

// Run connects and follows the cache until ctx ends.
func (c *Client) Run(ctx context.Context) {
	for {
		err := c.session1(ctx)
		c.mu.Lock()
		if c.status.Connected || c.status.DownSince.IsZero() {
			c.status.DownSince = time.Now()
		}
		c.status.Connected = false
		if err != nil {
			c.status.LastError = err.Error()
		}
		c.mu.Unlock()
		c.changed()
		select {
		case <-ctx.Done():
			return
		case <-time.After(c.RetryInterval):
		}
	}
}

func (c *Client) changed() {
	if c.onChange != nil {
		c.onChange()
	}
}

// session1 is one connection's life.
func (c *Client) session1(ctx context.Context) error {
	d := net.Dialer{Timeout: c.DialTimeout}
	nc, err := d.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { <-ctx.Done(); nc.Close() }()
	var wmu sync.Mutex
	send := func(p pdu) error {
		wmu.Lock()
		defer wmu.Unlock()
		_, err := nc.Write(p.marshal())
		return err
	}
	c.mu.Lock()
	c.status.Connected, c.status.DownSince, c.status.LastError = true, time.Time{}, ""
	version, synced, session, serial := c.version, c.synced, c.session, c.serial
	c.mu.Unlock()
	query := func() error {
		if synced {
			return send(pdu{Version: version, Type: pduSerialQuery, Session: session, Serial: serial})
		}
		return send(pdu{Version: version, Type: pduResetQuery})
	}
	if err := query(); err != nil {
		return err
	}
	refresh := make(chan time.Duration, 1)
	go func() {
		every := c.RefreshInterval
		t := time.NewTimer(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case every = <-refresh:
				t.Reset(every)
			case <-t.C:
				c.mu.Lock()
				v, s, n := c.version, c.session, c.serial
				c.mu.Unlock()
				if send(pdu{Version: v, Type: pduSerialQuery, Session: s, Serial: n}) != nil {
					return
				}
				t.Reset(every)
			}
		}
	}()
	r := bufio.NewReader(nc)
	var pending map[VRP]struct{} // non-nil inside a Cache Response
	for {
		p, err := readPDU(r)
		if err != nil {
			var pe *errPDU
			if errors.As(err, &pe) {
				_ = send(pdu{Version: version, Type: pduErrorReport, Session: pe.code, Text: pe.msg})
			}
			return err
		}
		if p.Version != version && p.Type != pduErrorReport {
			return fmt.Errorf("cache answered with RTR version %d to version %d", p.Version, version)
		}
		switch p.Type {
		case pduCacheResponse:
			c.mu.Lock()
			if synced && p.Session == c.session {
				pending = make(map[VRP]struct{}, len(c.vrps))
				for v := range c.vrps {
					pending[v] = struct{}{}
				}
			} else {
				pending = map[VRP]struct{}{}
			}
			c.mu.Unlock()
		case pduIPv4Prefix, pduIPv6Prefix:
			if pending == nil {
				return fmt.Errorf("prefix PDU outside a Cache Response")
			}
			if p.Announce {
				pending[p.VRP] = struct{}{}
			} else {
				delete(pending, p.VRP)
			}
		case pduEndOfData:
			if pending == nil {
				return fmt.Errorf("End of Data outside a Cache Response")
			}
			c.mu.Lock()
			c.vrps, c.synced, c.session, c.serial = pending, true, p.Session, p.Serial
			c.status.Synced, c.status.Serial, c.status.LastSync = true, p.Serial, time.Now()
			c.status.Gen++
			synced, session, serial = true, p.Session, p.Serial
			c.mu.Unlock()
			pending = nil
			if p.Version == 1 && p.Refresh > 0 {
				if d := time.Duration(p.Refresh) * time.Second; d < c.RefreshInterval {
					select {
					case refresh <- d:
					default:
					}
				}
			}
			c.changed()
		case pduSerialNotify:
			if pending == nil {
				if err := send(pdu{Version: version, Type: pduSerialQuery, Session: session, Serial: serial}); err != nil {
					return err
				}
			}
		case pduCacheReset:
			c.mu.Lock()
			c.synced = false
			c.mu.Unlock()
			synced = false
			pending = nil
			if err := send(pdu{Version: version, Type: pduResetQuery}); err != nil {
				return err
			}
		case pduErrorReport:
			switch {
			case p.Session == errUnsupportedVersion && version == 1:
				c.mu.Lock()
				c.version = 0
				c.mu.Unlock()
				return fmt.Errorf("cache does not speak RTR version 1: retrying with version 0")
			case p.Session == errNoDataAvailable:
				return fmt.Errorf("cache has no data yet")
			}
			return fmt.Errorf("cache sent error %d: %s", p.Session, p.Text)
		default:
			// Router Key and ASPA PDUs: not used for origin validation.
		}
	}
}
