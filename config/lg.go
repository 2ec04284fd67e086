package config

import (
	"net/netip"
	"time"
)

// LG is the [lg] table: the read-only looking-glass HTTP API for Alice-LG
// (package lg). It is off unless listen is set.
type LG struct {
	Listen string // "host:port"; empty = off
	// AllowFrom are the client networks served (the Alice host); the
	// default is loopback only.
	AllowFrom     []netip.Prefix
	TTL           time.Duration // how long Alice may cache an answer
	Timeout       time.Duration // deadline of one request, to the last byte
	MaxConcurrent int           // route lists encoded at once
}

// Defaults and bounds of [lg]. The timeout stays below Alice's own
// http_timeout (120 s) so Alice sees our answer, not its own timeout.
const (
	DefaultLGTTL           = 5 * time.Minute
	DefaultLGTimeout       = 30 * time.Second
	DefaultLGMaxConcurrent = 4
	maxLGTimeout           = 110 * time.Second
	maxLGTTL               = 24 * time.Hour
	maxLGConcurrent        = 64
)

func defaultLG() LG {
	return LG{AllowFrom: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")},
		TTL: DefaultLGTTL, Timeout: DefaultLGTimeout, MaxConcurrent: DefaultLGMaxConcurrent}
}

func (d *decoder) lg(l *LG, t *table) {
	if s, _, ok := t.str("listen"); ok {
		l.Listen = s
	}
	if list, locs, ok := t.strList("allow_from"); ok {
		l.AllowFrom = []netip.Prefix{}
		bad := false
		defer func() {
			if bad { // reported per element; not "empty" as well
				l.AllowFrom = nil
			}
		}()
		for i, s := range list {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				if a, aerr := netip.ParseAddr(s); aerr == nil {
					p, err = a.Prefix(a.BitLen())
				}
			}
			if err != nil {
				d.c.addf(locs[i], "%q is not a prefix or an address", s)
				bad = true
				continue
			}
			if p != p.Masked() {
				d.c.addf(locs[i], "%s has host bits set: did you mean %s?", p, p.Masked())
				bad = true
				continue
			}
			l.AllowFrom = append(l.AllowFrom, p)
		}
	}
	if v, _, ok := t.duration("ttl"); ok {
		l.TTL = v
	}
	if v, _, ok := t.duration("timeout"); ok {
		l.Timeout = v
	}
	if n, _, ok := t.integer("max_concurrent", 1, maxLGConcurrent, " (route lists encoded at once)"); ok {
		l.MaxConcurrent = int(n)
	}
}

func (v *validator) lg() {
	l := v.c.LG
	at := root.key("lg")
	if l.TTL < time.Second || l.TTL > maxLGTTL {
		v.col.addf(at.key("ttl"), "%s: want 1s..%s", l.TTL, maxLGTTL)
	}
	if l.Timeout < time.Second || l.Timeout > maxLGTimeout {
		v.col.addf(at.key("timeout"), "%s: want 1s..%s (Alice gives up after 120s)", l.Timeout, maxLGTimeout)
	}
	if l.Listen == "" {
		return
	}
	if err := checkHostPort(l.Listen); err != nil {
		v.col.addf(at.key("listen"), "%v", err)
	} else if l.Listen == v.c.API.Listen {
		v.col.addf(at.key("listen"), "%q is also [api] listen: give the looking glass its own port", l.Listen)
	}
	if l.AllowFrom != nil && len(l.AllowFrom) == 0 {
		v.col.addf(at.key("allow_from"), "is empty: no client could use the looking glass (name the Alice host, or leave listen unset)")
	}
}

type renderLG struct {
	Listen        string   `toml:"listen,omitempty"`
	AllowFrom     []string `toml:"allow_from"`
	TTL           string   `toml:"ttl"`
	Timeout       string   `toml:"timeout"`
	MaxConcurrent int      `toml:"max_concurrent"`
}

func renderLGOf(l LG) renderLG {
	return renderLG{Listen: l.Listen, AllowFrom: nonNil(stringsOf(l.AllowFrom)), TTL: formatDuration(l.TTL),
		Timeout: formatDuration(l.Timeout), MaxConcurrent: l.MaxConcurrent}
}
