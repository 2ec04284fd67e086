package config

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
)

// Limits checked by validate.
const (
	minIRRRefresh  = time.Minute
	maxMD5Password = 80 // TCP_MD5SIG_MAXKEYLEN on Linux
)

var (
	peerNameRE   = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	irrSourceRE  = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]*$`)
	dampingModes = []string{DampeningOff, DampeningObserve, DampeningEnforce}

	dampingParamKeys = []string{"half_life", "max_suppress", "reuse", "suppress",
		"withdrawal_penalty", "attribute_change_penalty", "readvertisement_penalty"}
)

// Validate re-runs every value and cross-field check on c, for callers that
// build or edit a Config in code. Lines are reported from the document c was
// parsed from, when there was one.
func (c *Config) Validate() error {
	col := newCollector(c.Path, c.pos)
	validate(c, col)
	return col.err()
}

// validate checks decoded values: required keys, ranges, enumerations,
// uniqueness and rules that span keys. Values that failed to decode are
// skipped by the collector, so each problem is reported once.
func validate(c *Config, col *collector) {
	v := &validator{c: c, col: col}
	v.global()
	v.runtime()
	v.api()
	v.log()
	v.filters()
	v.irr()
	v.dampening()
	v.rpki()
	v.lg()
	v.bmp()
	v.mrt()
	v.peers()
	v.filterLists()
}

type validator struct {
	c   *Config
	col *collector
}

var root = loc{}

func (v *validator) global() {
	g := v.c.Global
	at := root.key("global")
	if g.ASN == 0 {
		v.col.addf(at.key("asn"), "required: the route server's ASN (AS 0 is reserved, RFC 7607)")
	}
	switch {
	case !g.RouterID.IsValid():
		v.col.addf(at.key("router_id"), "required: an IPv4 address used as the BGP identifier")
	case !g.RouterID.Is4():
		v.col.addf(at.key("router_id"), "%s is not IPv4: the BGP identifier is a 32-bit value written as an IPv4 address", g.RouterID)
	case g.RouterID.IsUnspecified():
		v.col.addf(at.key("router_id"), "0.0.0.0 is not a valid BGP identifier")
	}
	if len(g.ListenAddresses) == 0 && g.ListenPort != 0 {
		v.col.addf(at.key("listen_addresses"), "empty: list at least one address, or set listen_port = 0 to not listen")
	}
	seen := map[netip.Addr]int{}
	for i, a := range g.ListenAddresses {
		el := at.key("listen_addresses").index(i)
		if a.Zone() != "" {
			v.col.addf(el, "%s: zones are not supported", a)
		}
		if j, dup := seen[a]; dup {
			v.col.addf(el, "%s is listed twice (also at index %d)", a, j)
		}
		seen[a] = i
	}
	if g.StateDir == "" {
		v.col.addf(at.key("state_dir"), "must not be empty")
	}
}

func (v *validator) api() {
	a := v.c.API
	at := root.key("api")
	if a.Socket == "" {
		v.col.addf(at.key("socket"), "must not be empty")
	}
	if a.Listen == "" {
		return
	}
	if err := checkHostPort(a.Listen); err != nil {
		v.col.addf(at.key("listen"), "%v", err)
	}
	var missing []string
	for _, f := range []struct{ key, path string }{
		{"tls_cert", a.TLSCert}, {"tls_key", a.TLSKey}, {"token_file", a.TokenFile},
	} {
		if f.path == "" {
			missing = append(missing, f.key)
			continue
		}
		v.fileExists(at.key(f.key), f.path)
	}
	if len(missing) > 0 {
		v.col.addf(at.key("listen"), "a TCP listener needs tls_cert, tls_key and token_file (missing: %s): the API is closed by default (Unix socket only) and is served over TCP only with TLS and a bearer token", strings.Join(missing, ", "))
	}
}

// checkHostPort validates "host:port" with a numeric port; an empty host
// means every address.
func checkHostPort(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return fmt.Errorf("%q: want \"host:port\", e.g. \"127.0.0.1:50051\" or \"[::1]:50051\"", s)
	}
	if host != "" && !validHost(host) {
		return fmt.Errorf("%q: %q is not an IP address or host name", s, host)
	}
	if p, err := strconv.ParseUint(port, 10, 16); err != nil || p == 0 {
		return fmt.Errorf("%q: port %q is not a number in 1..65535", s, port)
	}
	return nil
}

func (v *validator) fileExists(at loc, path string) {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		v.col.addf(at, "%v", err)
	case fi.IsDir():
		v.col.addf(at, "%s is a directory, want a file", path)
	}
}

func (v *validator) log() {
	l := v.c.Log
	at := root.key("log")
	if _, err := logrus.ParseLevel(l.Level); err != nil {
		v.col.addf(at.key("level"), "%q is not a log level: want one of panic, fatal, error, warning, info, debug, trace", l.Level)
	}
	if l.Format != LogText && l.Format != LogJSON {
		v.col.addf(at.key("format"), "%q: want %q or %q", l.Format, LogText, LogJSON)
	}
}

func (v *validator) filters() {
	f := v.c.Filters
	at := root.key("filters")
	v.lengthPair(at.key("ipv4_prefix_length"), f.IPv4PrefixLength, 32)
	v.lengthPair(at.key("ipv6_prefix_length"), f.IPv6PrefixLength, 128)
	if f.MaxASPathLength < 1 {
		v.col.addf(at.key("max_as_path_length"), "must be at least 1")
	}
	v.filtersNextHop()
}

func (v *validator) lengthPair(at loc, p [2]uint8, bits uint8) {
	switch {
	case p[0] > bits || p[1] > bits:
		v.col.addf(at, "[%d, %d]: lengths must be in 0..%d", p[0], p[1], bits)
	case p[0] > p[1]:
		v.col.addf(at, "[%d, %d]: the minimum is larger than the maximum", p[0], p[1])
	}
}

func (v *validator) irr() {
	r := v.c.IRR
	at := root.key("irr")
	for i, s := range r.Servers {
		if err := checkHostPort(s); err != nil {
			v.col.addf(at.key("servers").index(i), "%v", err)
		}
	}
	seen := map[string]bool{}
	for i, s := range r.Sources {
		el := at.key("sources").index(i)
		switch {
		case !irrSourceRE.MatchString(s):
			v.col.addf(el, "%q is not an IRR source name (letters, digits and '-', e.g. RIPE, RADB)", s)
		case seen[s]:
			v.col.addf(el, "%q is listed twice", s)
		}
		seen[s] = true
	}
	for i, f := range r.Files {
		v.fileExists(at.key("files").index(i), f)
	}
	if r.Refresh < minIRRRefresh {
		v.col.addf(at.key("refresh"), "%s is too short: at least %s, so IRR servers are not hammered", r.Refresh, minIRRRefresh)
	}
	if !(r.MaxShrink >= 0 && r.MaxShrink <= 1) {
		v.col.addf(at.key("max_shrink"), "%g: want a fraction in 0..1 (0.5 refuses a refresh that loses more than half the prefixes)", r.MaxShrink)
	}
	v.irrLimits(r, at)
}

func (v *validator) dampening() {
	d := v.c.Dampening
	at := root.key("dampening")
	if !isDampingMode(d.Mode) {
		v.col.addf(at.key("mode"), "%q: want %s", d.Mode, quoteList(dampingModes))
	}
	// A parameter that failed to decode holds its default; judging the set
	// then would blame keys the operator did not write.
	for _, k := range dampingParamKeys {
		if v.col.bad[at.key(k).path] {
			return
		}
	}
	if err := d.Params().Validate(); err != nil {
		v.col.addAt(at, at.key(dampingCulprit(d, err.Error())).path, "%v", err)
	}
}

// dampingCulprit names the key a dampening.Params error is about, so the
// error points at the line to edit; "" means the table itself.
func dampingCulprit(d Dampening, msg string) string {
	for _, k := range []string{"half_life", "max_suppress", "reuse", "suppress"} {
		if strings.HasPrefix(msg, k+" ") {
			return k
		}
	}
	switch {
	case d.WithdrawalPenalty < 0:
		return "withdrawal_penalty"
	case d.AttributeChangePenalty < 0:
		return "attribute_change_penalty"
	case d.ReadvertisementPenalty < 0:
		return "readvertisement_penalty"
	}
	return ""
}

func isDampingMode(s string) bool {
	for _, m := range dampingModes {
		if s == m {
			return true
		}
	}
	return false
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}

// peerLoc names peers[i] with its name, as the decoder does.
func peerLoc(i int, name string) loc {
	return root.key("peers").index(i).named(name)
}

func (v *validator) peers() {
	names := map[string]int{}
	addrs := map[netip.Addr]int{}
	for i, p := range v.c.Peers {
		at := peerLoc(i, p.Name)
		v.peer(at, p)
		if p.Name != "" {
			if j, dup := names[p.Name]; dup {
				v.col.addf(at.key("name"), "%q is already the name of peers[%d]%s", p.Name, j, v.lineNote(peerLoc(j, "").key("name")))
			} else {
				names[p.Name] = i
			}
		}
		if p.Address.IsValid() {
			if j, dup := addrs[p.Address]; dup {
				v.col.addf(at.key("address"), "%s is already the address of peers[%d] (%s)%s", p.Address, j, v.c.Peers[j].Name, v.lineNote(peerLoc(j, "").key("address")))
			} else {
				addrs[p.Address] = i
			}
		}
	}
	v.peerAddressesUnique()
}

// lineNote says where the other half of a duplicate is.
func (v *validator) lineNote(l loc) string {
	if n := v.col.pos.line(l.path); n > 0 {
		return fmt.Sprintf(" (line %d)", n)
	}
	return ""
}

func (v *validator) peer(at loc, p Peer) {
	switch {
	case p.Name == "":
		v.col.addf(at.key("name"), "required: a unique name made of letters, digits, '_', '.' and '-'")
	case !peerNameRE.MatchString(p.Name):
		v.col.addf(at.key("name"), "%q: use only letters, digits, '_', '.' and '-'", p.Name)
	}
	switch a := p.Address; {
	case !a.IsValid():
		v.col.addf(at.key("address"), "required: the peer's IP address on the peering LAN")
	case a.Zone() != "":
		v.col.addf(at.key("address"), "%s: zones are not supported", a)
	case a.IsUnspecified() || a.IsMulticast():
		v.col.addf(at.key("address"), "%s is not a unicast address", a)
	}
	switch {
	case p.ASN == 0:
		v.col.addf(at.key("asn"), "required: the peer's ASN (AS 0 is reserved, RFC 7607)")
	case p.ASN == v.c.Global.ASN:
		v.col.addf(at.key("asn"), "%d is the route server's own ASN (global.asn): route-server clients are eBGP peers", p.ASN)
	}
	pwKey := "password"
	if p.PasswordFile != "" {
		pwKey = "password_file"
		if p.Password == "" {
			v.col.addf(at.key(pwKey), "%s holds no password", p.PasswordFile)
		}
	}
	if len(p.Password) > maxMD5Password {
		v.col.addf(at.key(pwKey), "the TCP-MD5 password is %d bytes; the kernel allows at most %d", len(p.Password), maxMD5Password)
	}
	if v.c.Global.ListenPort == 0 && p.Passive {
		v.col.addf(at.key("passive"), "global.listen_port is 0 (no listener), so a passive peer could never connect: set passive = false")
	}
	if p.ASSet != "" {
		if err := parseASSets(p.ASSet); err != nil {
			v.col.addf(at.key("as_set"), "%v", err)
		} else if len(v.c.IRR.Servers) == 0 && len(v.c.IRR.Files) == 0 {
			v.col.addf(at.key("as_set"), "%s cannot be expanded: [irr] lists no servers and no files", p.ASSet)
		}
	}
	if p.IRRMaxLengthIPv4 > 32 {
		v.col.addf(at.key("irr_max_length_ipv4"), "%d is out of range 0..32", p.IRRMaxLengthIPv4)
	}
	if p.IRRMaxLengthIPv6 > 128 {
		v.col.addf(at.key("irr_max_length_ipv6"), "%d is out of range 0..128", p.IRRMaxLengthIPv6)
	}
	v.peerLists(at, p)
	v.peerAddressing(at, p)
	if p.Dampening != "" && !isDampingMode(p.Dampening) {
		v.col.addf(at.key("dampening"), "%q: want %s, or leave it out to use [dampening] mode", p.Dampening, quoteList(dampingModes))
	}
}
