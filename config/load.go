package config

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/sirupsen/logrus"
)

// Load reads, decodes and validates the file at path. Relative paths inside
// it (password_file, irr files, TLS files, state_dir, socket) are resolved
// against the file's directory, so a config can be moved with its secrets.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is already in File
		}
		return nil, &Errors{List: []*Error{{File: path, Msg: fmt.Sprintf("cannot read config: %v", err)}}}
	}
	return Parse(data, path, filepath.Dir(path))
}

// Parse decodes and validates a config document. name labels errors (and
// becomes Config.Path); baseDir resolves relative paths ("" = working
// directory). The error, if any, is an *Errors holding every problem found.
//
// The document is decoded into plain maps rather than typed structs: the
// TOML library stops at the first type mismatch and keeps key positions
// private, so typing is done here, key by key, against a position index
// built from the text (see positions.go).
func Parse(data []byte, name string, baseDir string) (*Config, error) {
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return nil, syntaxError(name, err)
	}
	pos := indexPositions(string(data))
	c := newCollector(name, pos)
	cfg := defaults()
	cfg.Path = name
	cfg.pos = pos
	d := &decoder{c: c, baseDir: baseDir}
	d.document(cfg, raw)
	cfg.dropEmptyLists()
	validate(cfg, c)
	if err := c.err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// syntaxError turns the TOML library's error into our error type, keeping
// its line and last key.
func syntaxError(name string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return &Errors{List: []*Error{{File: name, Line: pe.Position.Line, Key: pe.LastKey, Msg: pe.Message}}}
	}
	return &Errors{List: []*Error{{File: name, Msg: err.Error()}}}
}

// decoder fills a Config from the decoded document.
type decoder struct {
	c       *collector
	baseDir string
}

func (d *decoder) resolve(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(d.baseDir, p)
}

func (d *decoder) document(cfg *Config, raw map[string]any) {
	root := &table{c: d.c, m: raw}
	sections := []struct {
		key    string
		decode func(*table)
	}{
		{"global", func(t *table) { d.global(&cfg.Global, t) }},
		{"api", func(t *table) { d.api(&cfg.API, t) }},
		{"log", func(t *table) { d.log(&cfg.Log, t) }},
		{"filters", func(t *table) { d.filters(&cfg.Filters, t) }},
		{"irr", func(t *table) { d.irr(&cfg.IRR, t) }},
		{"dampening", func(t *table) { d.dampening(&cfg.Dampening, t) }},
		{"communities", func(t *table) { d.communities(&cfg.Communities, t) }},
		{"blackhole", func(t *table) { d.blackhole(&cfg.Blackhole, t) }},
		{"metrics", func(t *table) { d.metrics(&cfg.Metrics, t) }},
		{"rpki", func(t *table) { d.rpki(&cfg.RPKI, t) }},
		{"lg", func(t *table) { d.lg(&cfg.LG, t) }},
		{"mrt", func(t *table) { d.mrt(&cfg.MRT, t) }},
	}
	for _, s := range sections {
		v, at, _ := root.get(s.key)
		if t, ok := asTable(d.c, at, v); ok {
			s.decode(t)
			t.done()
		}
	}
	if v, at, _ := root.get("bmp"); v != nil {
		cfg.BMP = d.bmpStations(at, v)
	}
	v, at, _ := root.get("peers")
	cfg.Peers = d.peers(at, v)
	root.done()
}

const maxUint32 = math.MaxUint32

func (d *decoder) global(g *Global, t *table) {
	if n, _, ok := t.integer("asn", 0, maxUint32, ""); ok {
		g.ASN = uint32(n)
	}
	if s, at, ok := t.str("router_id"); ok {
		g.RouterID = d.addr(at, s)
	}
	if list, locs, ok := t.strList("listen_addresses"); ok {
		g.ListenAddresses = g.ListenAddresses[:0:0]
		for i, s := range list {
			if a := d.addr(locs[i], s); a.IsValid() {
				g.ListenAddresses = append(g.ListenAddresses, a)
			}
		}
	}
	if n, _, ok := t.integer("listen_port", 0, 65535, " (0 = do not listen)"); ok {
		g.ListenPort = uint16(n)
	}
	if s, _, ok := t.str("state_dir"); ok {
		g.StateDir = d.resolve(s)
	}
	d.globalActions(g, t)
	d.peeringLANs(g, t)
	d.globalRuntime(g, t)
}

func (d *decoder) addr(at loc, s string) netip.Addr {
	a, err := netip.ParseAddr(s)
	if err != nil {
		d.c.addf(at, "%q is not an IP address", s)
		return netip.Addr{}
	}
	return a
}

func (d *decoder) api(a *API, t *table) {
	if s, _, ok := t.str("socket"); ok {
		a.Socket = d.resolve(s)
	}
	if s, _, ok := t.str("listen"); ok {
		a.Listen = s
	}
	if s, _, ok := t.str("tls_cert"); ok {
		a.TLSCert = d.resolve(s)
	}
	if s, _, ok := t.str("tls_key"); ok {
		a.TLSKey = d.resolve(s)
	}
	if s, _, ok := t.str("token_file"); ok {
		a.TokenFile = d.resolve(s)
	}
}

func (d *decoder) log(l *Log, t *table) {
	if s, _, ok := t.str("level"); ok {
		l.Level = s
		if lv, err := logrus.ParseLevel(s); err == nil {
			l.Level = lv.String()
		}
	}
	if s, _, ok := t.str("format"); ok {
		l.Format = s
	}
}

func (d *decoder) filters(f *Filters, t *table) {
	d.lengthPair(t, "ipv4_prefix_length", 32, &f.IPv4PrefixLength)
	d.lengthPair(t, "ipv6_prefix_length", 128, &f.IPv6PrefixLength)
	if n, _, ok := t.integer("max_as_path_length", 1, maxUint32, ""); ok {
		f.MaxASPathLength = uint32(n)
	}
	if s, _, ok := t.str("next_hop"); ok {
		f.NextHop = s
	}
	d.filterActions(f, t)
	d.filterLists(f, t)
}

// lengthPair reads [min, max] prefix lengths.
func (d *decoder) lengthPair(t *table, key string, bits int64, dst *[2]uint8) {
	arr, locs, ok := t.list(key)
	if !ok {
		return
	}
	if len(arr) != 2 {
		d.c.addf(t.at.key(key), "want two lengths [min, max], got %d values", len(arr))
		return
	}
	var out [2]uint8
	for i, v := range arr {
		n, ok := checkInt(d.c, locs[i], v, 0, bits, "")
		if !ok {
			return
		}
		out[i] = uint8(n)
	}
	*dst = out
}

func (d *decoder) irr(r *IRR, t *table) {
	if list, locs, ok := t.strList("servers"); ok {
		r.Servers = []string{}
		for i, s := range list {
			hp, err := normalizeIRRServer(s)
			if err != nil {
				d.c.addf(locs[i], "%v", err)
				continue
			}
			r.Servers = append(r.Servers, hp)
		}
	}
	if list, _, ok := t.strList("sources"); ok {
		r.Sources = make([]string, len(list))
		for i, s := range list {
			r.Sources[i] = strings.ToUpper(s)
		}
	}
	if list, _, ok := t.strList("files"); ok {
		r.Files = make([]string, len(list))
		for i, s := range list {
			r.Files[i] = d.resolve(s)
		}
	}
	if v, _, ok := t.duration("refresh"); ok {
		r.Refresh = v
	}
	if v, _, ok := t.number("max_shrink"); ok {
		r.MaxShrink = v
	}
	d.irrLimits(r, t)
}

// normalizeIRRServer accepts "host", "host:port", "[v6]:port" and a bare
// IPv6 address, and returns "host:port" with the whois port filled in.
func normalizeIRRServer(s string) (string, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		// No port: a bare host name or IPv6 address.
		host, port = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"), DefaultIRRPort
	}
	if !validHost(host) {
		return "", fmt.Errorf("%q: want \"host\" or \"host:port\" (port 43 if omitted)", s)
	}
	if p, err := strconv.ParseUint(port, 10, 16); err != nil || p == 0 {
		return "", fmt.Errorf("%q: port %q is not a number in 1..65535", s, port)
	}
	return net.JoinHostPort(host, port), nil
}

// validHost accepts an IP address or a DNS name.
func validHost(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	if a, err := netip.ParseAddr(h); err == nil {
		return a.Zone() == ""
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !isLetter(c) && !isDigit(c) && c != '-' && c != '_' {
				return false
			}
		}
	}
	return true
}

func (d *decoder) dampening(dm *Dampening, t *table) {
	if s, _, ok := t.str("mode"); ok {
		dm.Mode = s
	}
	if v, _, ok := t.duration("half_life"); ok {
		dm.HalfLife = v
	}
	if v, _, ok := t.duration("max_suppress"); ok {
		dm.MaxSuppress = v
	}
	for _, f := range []struct {
		key string
		dst *float64
	}{
		{"reuse", &dm.Reuse},
		{"suppress", &dm.Suppress},
		{"withdrawal_penalty", &dm.WithdrawalPenalty},
		{"attribute_change_penalty", &dm.AttributeChangePenalty},
		{"readvertisement_penalty", &dm.ReadvertisementPenalty},
	} {
		if v, _, ok := t.number(f.key); ok {
			*f.dst = v
		}
	}
}

// dropEmptyLists makes "key = []" and an absent key decode alike (nil), so
// configs compare equal however an empty list was written.
func (c *Config) dropEmptyLists() {
	if len(c.Global.ListenAddresses) == 0 {
		c.Global.ListenAddresses = nil
	}
	for _, l := range []*[]string{&c.IRR.Servers, &c.IRR.Sources, &c.IRR.Files} {
		if len(*l) == 0 {
			*l = nil
		}
	}
	c.RPKI.dropEmptyLists()
	for i := range c.Peers {
		if len(c.Peers[i].Prefixes) == 0 {
			c.Peers[i].Prefixes = nil
		}
	}
}
