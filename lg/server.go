package lg

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
)

// Options configure a Handler. Zero values take the defaults below.
type Options struct {
	// RSASN is the ASN in the reason communities (RS:65520:code): the
	// route server's own.
	RSASN uint32
	// TTL is how long Alice may cache an answer ("ttl" in every body, and
	// Cache-Control max-age).
	TTL time.Duration
	// Timeout bounds one request from start to the last byte; it must stay
	// well below Alice's http_timeout (120 s) and is the most a slow
	// client can hold a handler.
	Timeout time.Duration
	// MaxConcurrent bounds route lists encoded at once (each copies one
	// peer's table at a time); more wait for a slot until Timeout.
	MaxConcurrent int
	// HonourWellKnown: the route server acts on NO_EXPORT / NO_ADVERTISE
	// itself ([communities] honour_well_known), for /routes/noexport.
	HonourWellKnown bool
	// AllowFrom are the client addresses served; others get 403.
	AllowFrom []netip.Prefix
	Log       *logrus.Entry
	// Now is the clock (tests).
	Now func() time.Time
}

const (
	DefaultTTL           = 5 * time.Minute
	DefaultTimeout       = 30 * time.Second
	DefaultMaxConcurrent = 4
	writeGrace           = 2 * time.Second
)

// DefaultAllowFrom is loopback only: the looking glass is closed unless
// the operator names the Alice host.
var DefaultAllowFrom = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// Handler is the looking glass's http.Handler.
type Handler struct {
	b    Backend
	o    Options
	slot chan struct{}
	exp  exportCache
}

// NewHandler serves b with o.
func NewHandler(b Backend, o Options) *Handler {
	if o.TTL <= 0 {
		o.TTL = DefaultTTL
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = DefaultMaxConcurrent
	}
	if o.AllowFrom == nil {
		o.AllowFrom = DefaultAllowFrom
	}
	if o.Log == nil {
		o.Log = logrus.NewEntry(logrus.StandardLogger())
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Handler{b: b, o: o, slot: make(chan struct{}, o.MaxConcurrent)}
}

// NewServer wraps h in an http.Server with every timeout set, so a slow
// sender cannot hold a connection for long. The write deadline is set per
// request by the Handler (Options.Timeout), so h may swap Handlers with
// other timeouts without a new server.
func NewServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       15 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
}

func (h *Handler) allowed(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	a = a.Unmap().WithZone("")
	for _, p := range h.o.AllowFrom {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// reply is one response being written: it carries the request's deadline
// and compresses when the client asked for it.
type reply struct {
	h   *Handler
	w   http.ResponseWriter
	ctx context.Context
	now time.Time
	out io.Writer
	gz  *gzip.Writer
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), h.o.Timeout)
	defer cancel()
	rp := &reply{h: h, w: w, ctx: ctx, now: h.o.Now().UTC(), out: w}
	// a deadline on the connection too: a client that stops reading
	// unblocks the handler's write instead of holding it. The grace lets
	// an answer given at the deadline (busy, cut short) still go out.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(h.o.Timeout + writeGrace))
	w.Header().Set("Vary", "Accept-Encoding") // a cache must not mix the two
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		rp.gz = gzip.NewWriter(w)
		rp.out = rp.gz
		defer func() {
			if rp.gz != nil { // nil: a list cut short gets no trailer
				rp.gz.Close()
			}
		}()
	}
	if !h.allowed(r.RemoteAddr) {
		rp.fail(http.StatusForbidden, "forbidden: client not in [lg] allow_from")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		rp.fail(http.StatusMethodNotAllowed, "read-only: only GET")
		return
	}
	h.route(rp, r)
}

// cleanPath splits the path into its segments, tolerating doubled and
// trailing slashes (birdwatcher answers "//status" with a redirect Alice
// does not follow).
func cleanPath(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (rp *reply) header(status int, cacheable bool) {
	rp.headerType(status, cacheable, "application/json")
}

func (rp *reply) headerType(status int, cacheable bool, ctype string) {
	hd := rp.w.Header()
	hd.Set("Content-Type", ctype)
	hd.Set("X-Content-Type-Options", "nosniff")
	if cacheable {
		hd.Set("Cache-Control", "max-age="+strconv.Itoa(int(rp.h.o.TTL/time.Second)))
	} else {
		hd.Set("Cache-Control", "no-store")
	}
	rp.w.WriteHeader(status)
}

// envelope is the api/cached_at/ttl triple every body starts with.
func (rp *reply) envelope() (apiInfo, string, string) {
	now := rp.now.Format(ttlLayout)
	return apiInfo{Version: rp.h.b.Status().Version, CacheStatus: cacheStatus{CachedAt: cachedAt{Date: now, TimezoneType: "UTC", Timezone: "UTC"}}},
		now, rp.now.Add(rp.h.o.TTL).Format(ttlLayout)
}

func (rp *reply) json(v any) {
	rp.header(http.StatusOK, true)
	if err := json.NewEncoder(rp.out).Encode(v); err != nil {
		rp.h.o.Log.WithError(err).Debug("looking glass: writing a response")
	}
}

// fail answers with a JSON error body: Alice decodes every body whatever
// the status, and a non-JSON one would break the neighbor's whole view.
func (rp *reply) fail(status int, msg string) {
	rp.header(status, false)
	_ = json.NewEncoder(rp.out).Encode(errorBody{Error: msg})
}

var errUnknownNeighbor = errors.New("unknown protocol")

func (h *Handler) route(rp *reply, r *http.Request) {
	seg := cleanPath(r.URL.Path)
	switch {
	case len(seg) == 1 && seg[0] == "status":
		h.status(rp)
	case len(seg) == 1 && seg[0] == "version":
		rp.headerType(http.StatusOK, true, "text/plain; charset=utf-8")
		fmt.Fprintln(rp.out, h.b.Status().Version)
	case len(seg) == 1 && seg[0] == "protocols", len(seg) == 2 && seg[0] == "protocols" && seg[1] == "bgp":
		h.protocols(rp)
	case len(seg) == 2 && seg[0] == "protocols" && seg[1] == "short":
		h.protocolsShort(rp)
	case len(seg) == 3 && seg[0] == "routes" && (seg[1] == "protocol" || seg[1] == "filtered" || seg[1] == "noexport"):
		h.neighborRoutes(rp, seg[1], seg[2])
	case len(seg) == 4 && seg[0] == "routes" && seg[1] == "count" && seg[2] == "protocol":
		h.count(rp, seg[3])
	case len(seg) == 3 && seg[0] == "routes" && seg[1] == "table":
		h.table(rp, seg[2], false)
	case len(seg) == 4 && seg[0] == "routes" && seg[1] == "table" && seg[3] == "filtered":
		h.table(rp, seg[2], true)
	case len(seg) == 2 && seg[0] == "routes" && seg[1] == "prefix":
		h.lookupPrefix(rp, r.URL.Query().Get("prefix"))
	case len(seg) >= 3 && seg[0] == "route" && seg[1] == "net":
		// an IPv6 prefix has no slash inside but the length: rejoin
		h.lookupNet(rp, strings.Join(seg[2:], "/"))
	default:
		rp.fail(http.StatusNotFound, "no such endpoint")
	}
}
