package config

import (
	"fmt"
	"net/mail"
	"time"
)

// Max-prefix actions, as in ARouteServer's max_prefix.action and BIRD's
// import/receive limit actions.
const (
	MaxPrefixShutdown = "shutdown" // Cease/max-prefix; stays down until `rsctl peer enable`
	MaxPrefixRestart  = "restart"  // Cease/max-prefix; re-enabled after restart_after
	MaxPrefixBlock    = "block"    // session kept, routes past the limit refused (reason 1002)
	MaxPrefixWarn     = "warn"     // routes accepted; event and log line only
)

// MaxPrefixActions lists the valid max_prefix_action values.
var MaxPrefixActions = []string{MaxPrefixShutdown, MaxPrefixRestart, MaxPrefixBlock, MaxPrefixWarn}

// Defaults of the max-prefix keys.
const (
	DefaultMaxPrefixAction       = MaxPrefixShutdown
	DefaultMaxPrefixRestartAfter = 15 * time.Minute // ARouteServer's restart_after default
	DefaultMaxPrefixWarnPercent  = 90
)

// MaxPrefix is what a peer's max_prefixes_ipv4/_ipv6 limits do when they
// are reached. The limits themselves stay in Peer.MaxPrefixesIPv4/IPv6.
type MaxPrefix struct {
	Action       string        // one of MaxPrefixActions
	RestartAfter time.Duration // action "restart" only
	// CountRejected counts every received route (GoBGP's and BIRD's
	// "receive limit"); false counts only accepted routes ("import limit"),
	// which is what operators usually mean by "max prefixes".
	CountRejected bool
	WarnPercent   uint8 // log and report once when the count crosses this share of the limit; 0 = off
}

func defaultMaxPrefix() MaxPrefix {
	return MaxPrefix{Action: DefaultMaxPrefixAction, RestartAfter: DefaultMaxPrefixRestartAfter,
		WarnPercent: DefaultMaxPrefixWarnPercent}
}

// maxPrefix reads the max_prefix_* and contact_* keys of a peer. It runs
// after max_prefixes_ipv4/_ipv6 are read: a max_prefix_* key on a peer
// without any limit would silently do nothing, so it is an error.
func (d *decoder) maxPrefix(p *Peer, t *table) {
	var set []loc
	if s, at, ok := t.str("max_prefix_action"); ok {
		set = append(set, at)
		if !isMaxPrefixAction(s) {
			d.c.addf(at, "%q: want %s", s, quoteList(MaxPrefixActions))
		} else {
			p.MaxPrefix.Action = s
		}
	}
	if dur, at, ok := t.duration("max_prefix_restart_after"); ok {
		set = append(set, at)
		switch {
		case dur < time.Second:
			d.c.addf(at, "%s: want at least 1s", dur)
		case p.MaxPrefix.Action != MaxPrefixRestart:
			d.c.addf(at, "only used with max_prefix_action = %q (the action is %q)", MaxPrefixRestart, p.MaxPrefix.Action)
		default:
			p.MaxPrefix.RestartAfter = dur
		}
	}
	if b, at, ok := t.boolean("max_prefix_count_rejected"); ok {
		set = append(set, at)
		p.MaxPrefix.CountRejected = b
	}
	if n, at, ok := t.integer("max_prefix_warn_percent", 0, 99, " (0 = no warning)"); ok {
		set = append(set, at)
		p.MaxPrefix.WarnPercent = uint8(n)
	}
	if p.MaxPrefixesIPv4 == 0 && p.MaxPrefixesIPv6 == 0 {
		for _, at := range set {
			d.c.addf(at, "has no effect: max_prefixes_ipv4 and max_prefixes_ipv6 are 0 (no limit)")
		}
	}
	for _, key := range []struct {
		name string
		dst  *string
	}{{"contact_noc", &p.ContactNOC}, {"contact_abuse", &p.ContactAbuse}} {
		if s, at, ok := t.str(key.name); ok {
			if err := checkMailbox(s); err != nil {
				d.c.addf(at, "%v", err)
				continue
			}
			*key.dst = s
		}
	}
}

func isMaxPrefixAction(s string) bool {
	for _, a := range MaxPrefixActions {
		if s == a {
			return true
		}
	}
	return false
}

// checkMailbox accepts a bare e-mail address such as "noc@example.net"
// (RFC 2142 role mailboxes); display names and lists are refused so logs
// and events carry exactly one address.
func checkMailbox(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return fmt.Errorf("%q is not an e-mail address: want one address like \"noc@example.net\"", s)
	}
	return nil
}
