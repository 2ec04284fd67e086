package acl

import (
	"errors"
	"fmt"
	"hash/fnv"
	"net/netip"
	"strings"
	"time"
)

// DefaultInterface is the placeholder printed when no interface is given:
// obviously not a real port, so a filter is never applied by accident to
// whatever interface happens to exist.
const DefaultInterface = "PEER-PORT"

// ErrNoPrefixes is returned for a peer without any registered prefix. Its
// filter would drop everything it sends, and an empty filter rendered by
// mistake as "accept all" would be worse: refuse instead.
var ErrNoPrefixes = errors.New("no registered prefixes: nothing to build a source filter from")

// Filter is the input of every renderer.
type Filter struct {
	Peer      string // the peer's name in the route server config
	ASN       uint32
	ASSet     string         // "" when the peer has only static prefixes
	Interface string         // the peer's port; DefaultInterface when empty
	Generated time.Time      // printed in the header
	Prefixes  []netip.Prefix // registered space, any order and overlap
	// Session is the peer's BGP session address, accepted as a source of
	// its own: on Junos and IOS an interface filter also sees the packets
	// addressed to the router, and dropping them would take the BGP
	// session down the moment the filter is applied. Invalid: left out.
	Session netip.Addr
}

// plan is a Filter made ready to print: aggregated, split by family.
type plan struct {
	Filter
	v4, v6             []netip.Prefix
	session4, session6 []netip.Prefix // the session address as a host prefix, if any
}

func newPlan(f Filter) (*plan, error) {
	if f.Peer == "" {
		return nil, errors.New("acl: the peer name is empty")
	}
	// Names end up inside comments and quoted strings of four syntaxes;
	// the config allows only these characters anyway.
	for _, s := range []string{f.Peer, f.ASSet} {
		if !safeName(s) {
			return nil, fmt.Errorf("acl: name %q: only letters, digits and - _ . : , are allowed", s)
		}
	}
	if f.Interface == "" {
		f.Interface = DefaultInterface
	}
	if err := checkInterface(f.Interface); err != nil {
		return nil, err
	}
	p := &plan{Filter: f}
	p.v4, p.v6 = Aggregate(f.Prefixes)
	if len(p.v4)+len(p.v6) == 0 {
		return nil, fmt.Errorf("peer %s: %w", f.Peer, ErrNoPrefixes)
	}
	if a := f.Session.Unmap(); a.IsValid() && !p.covers(a) {
		host := netip.PrefixFrom(a, a.BitLen())
		if a.Is4() {
			p.session4 = []netip.Prefix{host}
		} else {
			p.session6 = []netip.Prefix{host}
		}
	}
	return p, nil
}

// covers reports whether a is already inside the registered space.
func (p *plan) covers(a netip.Addr) bool {
	for _, q := range append(append([]netip.Prefix(nil), p.v4...), p.v6...) {
		if q.Contains(a) {
			return true
		}
	}
	return false
}

func safeName(s string) bool {
	for _, r := range s {
		ok := r == '-' || r == '_' || r == '.' || r == ':' || r == ',' || // ',' joins several AS-SETs
			('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
		if !ok {
			return false
		}
	}
	return true
}

// checkInterface refuses names that could break out of the quoting of any
// format (a quote, a brace, a semicolon, a newline).
func checkInterface(s string) error {
	for _, r := range s {
		ok := r == '-' || r == '_' || r == '.' || r == '/' || r == ':' || r == '+' ||
			('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
		if !ok {
			return fmt.Errorf("interface %q: only letters, digits and - _ . / : + are allowed", s)
		}
	}
	if len(s) > 64 {
		return fmt.Errorf("interface %q: longer than 64 characters", s)
	}
	return nil
}

// describe is the one-line header every format carries as a comment.
func (p *plan) describe() []string {
	set := p.ASSet
	if set == "" {
		set = "none (static prefixes only)"
	}
	lines := []string{
		fmt.Sprintf("rsguard BCP 38 source filter for peer %s (AS%d), AS-SET %s", p.Peer, p.ASN, set),
		fmt.Sprintf("generated %s; %d IPv4 and %d IPv6 prefixes (IRR and static, aggregated)",
			p.Generated.UTC().Format(time.RFC3339), len(p.v4), len(p.v6)),
		fmt.Sprintf("traffic from interface %s with any other source is dropped (RFC 2827, RFC 3013 4.3-4.4)", p.Interface),
	}
	if len(p.session4)+len(p.session6) > 0 {
		lines = append(lines, fmt.Sprintf("the peer's session address %s is accepted too, so BGP keeps working", p.Session.Unmap()))
	}
	return lines
}

// ident turns a peer name into an identifier of at most max characters
// made of letters, digits, '_' and the characters in keep; any other
// character becomes sep. The result stays unique: a name that had to be
// changed or cut gets a short hash of the original appended.
func ident(prefix, name, keep string, sep rune, max int) string {
	var b strings.Builder
	changed := false
	for _, r := range name {
		switch {
		case ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || r == '_' || strings.ContainsRune(keep, r):
			b.WriteRune(r)
		default:
			b.WriteRune(sep)
			changed = true
		}
	}
	s := prefix + b.String()
	if !changed && len(s) <= max {
		return s
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	suffix := fmt.Sprintf("%c%06x", sep, h.Sum32()&0xffffff)
	if len(s)+len(suffix) > max {
		s = s[:max-len(suffix)]
	}
	return s + suffix
}
