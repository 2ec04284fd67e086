package routeserver

import (
	"fmt"
	"net/netip"
	"sort"
	"sync"
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routestore"
)

// Max-prefix counting. GoBGP's own prefix limit counts the whole
// Adj-RIB-In, rejected routes included, and only knows "tear down"; the
// limiter counts from the pre-policy event feed instead, so it can count
// accepted routes only (max_prefix_count_rejected = false) and take any of
// the four actions. It is pure bookkeeping: the server turns its outcomes
// into GoBGP calls, events and log lines (maxprefix.go).

const (
	famV4 = 0
	famV6 = 1
)

var famNames = [2]string{"ipv4", "ipv6"}
var famLabels = [2]string{"IPv4", "IPv6"}

func famOf(p netip.Prefix) int {
	if p.Addr().Is4() {
		return famV4
	}
	return famV6
}

// Sanction is one max-prefix event: a limit reached and acted on, or the
// warning threshold crossed.
type Sanction struct {
	Time          time.Time
	Family        string // "ipv4" or "ipv6"
	Limit         uint32
	Count         int    // routes counted when it happened
	Action        string // the configured action
	Threshold     bool   // only the warning threshold was crossed: nothing was done
	CountRejected bool
	RestartAfter  time.Duration // action "restart"
	Detail        string
	ContactNOC    string
	ContactAbuse  string
}

// MaxPrefixStatus is a peer's max-prefix state for the operator.
type MaxPrefixStatus struct {
	Limits    [2]uint32 // IPv4, IPv6; 0 = no limit
	Policy    config.MaxPrefix
	Counted   [2]int // routes counting toward each limit now
	Blocked   [2]int // routes refused with max_prefix_blocked now
	Last      *Sanction
	RestartAt time.Time // a "restart" sanction re-enables the session then
}

type blockedRoute struct {
	key   routestore.Key
	since time.Time
}

// limitOutcome is what one observation asks the server to do.
type limitOutcome struct {
	blocked   []netip.Prefix   // routes just refused: into the block sets
	resetIn   bool             // GoBGP holds a route whose verdict changed: soft reset in
	release   []routestore.Key // blocked routes admitted again
	unblock   []netip.Prefix   // prefixes to take out of the block sets
	sanctions []Sanction
	shutdown  *Sanction // end the session with Cease/max-prefix
}

func (o *limitOutcome) empty() bool {
	return len(o.blocked) == 0 && !o.resetIn && len(o.release) == 0 && len(o.unblock) == 0 && len(o.sanctions) == 0 && o.shutdown == nil
}

type prefixLimiter struct {
	mu       sync.Mutex
	peer     config.Peer        // limits, policy and contacts
	counted  *routestore.KeySet // one per counted route, at the store's cost a key
	n        [2]int
	blocked  map[netip.Prefix]blockedRoute
	nBlocked [2]int
	over     [2]bool // the limit sanction fired and has not re-armed
	warned   [2]bool
	last     *Sanction
	// tripped: a shutdown or restart was requested and the session has
	// not gone down yet; later routes of the dying session are ignored.
	tripped   bool
	restartAt time.Time
	timer     *time.Timer
}

func newPrefixLimiter(c config.Peer) *prefixLimiter {
	return &prefixLimiter{peer: c, counted: routestore.NewKeySet(), blocked: map[netip.Prefix]blockedRoute{}}
}

// active reports whether the peer has any limit.
func (l *prefixLimiter) active() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.peer.MaxPrefixesIPv4 > 0 || l.peer.MaxPrefixesIPv6 > 0
}

func (l *prefixLimiter) limit(fam int) uint32 {
	if fam == famV4 {
		return l.peer.MaxPrefixesIPv4
	}
	return l.peer.MaxPrefixesIPv6
}

// counts reports whether a route with this verdict counts toward the limit.
// A verdict carrying max_prefix_blocked is judged without it.
func (l *prefixLimiter) counts(v filters.Verdict) bool {
	if l.peer.MaxPrefix.CountRejected {
		return true
	}
	for _, r := range v.Rejections {
		if r.Reason != filters.ReasonMaxPrefixBlocked {
			return false
		}
	}
	return true
}

// blockedDetail is the evaluator's evidence for reason 1002.
func (l *prefixLimiter) blockedDetail(p netip.Prefix) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.blocked[p]
	if !ok {
		return "", false
	}
	fam := famOf(p)
	return fmt.Sprintf("limit %d %s routes reached (action block), refused since %s", l.limit(fam), famLabels[fam],
		b.since.UTC().Format(time.RFC3339)), true
}

// announce books a route the peer announced with verdict v (evaluated
// before the limiter decided: it carries 1002 only if already blocked).
func (l *prefixLimiter) announce(k routestore.Key, v filters.Verdict, now time.Time) limitOutcome {
	l.mu.Lock()
	defer l.mu.Unlock()
	var o limitOutcome
	fam := famOf(k.Prefix)
	lim := l.limit(fam)
	if lim == 0 || l.tripped {
		return o
	}
	if b, ok := l.blocked[k.Prefix]; ok && b.key == k {
		return o // a re-announcement of a blocked route stays blocked
	}
	counts := l.counts(v)
	was := l.counted.Has(k)
	switch {
	case counts && !was:
		if l.peer.MaxPrefix.Action == config.MaxPrefixBlock && l.n[fam] >= int(lim) {
			l.blocked[k.Prefix] = blockedRoute{key: k, since: now}
			l.nBlocked[fam]++
			o.blocked = append(o.blocked, k.Prefix)
			o.resetIn = v.Accepted() // GoBGP installed it: take it back
			if !l.over[fam] {
				l.over[fam] = true
				o.sanctions = append(o.sanctions, l.sanction(fam, now, false))
			}
			return o
		}
		l.counted.Add(k)
		l.n[fam]++
	case !counts && was:
		// re-announced and now rejected: it makes room like a withdrawal
		l.counted.Delete(k)
		l.n[fam]--
		l.releaseRoom(fam, &o)
	}
	l.thresholds(fam, now, &o)
	return o
}

// withdraw books a withdrawal.
func (l *prefixLimiter) withdraw(k routestore.Key, now time.Time) limitOutcome {
	l.mu.Lock()
	defer l.mu.Unlock()
	var o limitOutcome
	fam := famOf(k.Prefix)
	if b, ok := l.blocked[k.Prefix]; ok && b.key == k {
		delete(l.blocked, k.Prefix)
		l.nBlocked[fam]--
		o.unblock = append(o.unblock, k.Prefix)
	}
	if l.counted.Has(k) {
		l.counted.Delete(k)
		l.n[fam]--
	}
	if l.tripped {
		return o
	}
	l.releaseRoom(fam, &o)
	l.thresholds(fam, now, &o)
	return o
}

// releaseRoom admits blocked routes, oldest first, while the family is
// under its limit (or all of them when the action is no longer "block").
func (l *prefixLimiter) releaseRoom(fam int, o *limitOutcome) {
	if l.nBlocked[fam] == 0 {
		return
	}
	lim := int(l.limit(fam))
	block := l.peer.MaxPrefix.Action == config.MaxPrefixBlock && lim > 0
	if block && l.n[fam] >= lim {
		return
	}
	var cand []blockedRoute
	for p, b := range l.blocked {
		if famOf(p) == fam {
			cand = append(cand, b)
		}
	}
	sort.Slice(cand, func(i, j int) bool { return cand[i].since.Before(cand[j].since) })
	for _, b := range cand {
		if block && l.n[fam] >= lim {
			break
		}
		delete(l.blocked, b.key.Prefix)
		l.nBlocked[fam]--
		l.counted.Add(b.key)
		l.n[fam]++
		o.release = append(o.release, b.key)
		o.unblock = append(o.unblock, b.key.Prefix)
	}
	if len(o.release) > 0 {
		o.resetIn = true
	}
}

// thresholds fires the warning and the limit sanction once per crossing;
// each re-arms when the count falls back below its mark.
func (l *prefixLimiter) thresholds(fam int, now time.Time, o *limitOutcome) {
	lim := int(l.limit(fam))
	if lim == 0 {
		return
	}
	n, pct := l.n[fam], int(l.peer.MaxPrefix.WarnPercent)
	if pct > 0 {
		reached := n*100 >= lim*pct
		if reached && !l.warned[fam] {
			l.warned[fam] = true
			o.sanctions = append(o.sanctions, l.sanction(fam, now, true))
		} else if !reached {
			l.warned[fam] = false
		}
	}
	if l.peer.MaxPrefix.Action == config.MaxPrefixBlock {
		if l.nBlocked[fam] == 0 && n < lim {
			l.over[fam] = false
		}
		return
	}
	switch {
	case n > lim && !l.over[fam]:
		l.over[fam] = true
		s := l.sanction(fam, now, false)
		o.sanctions = append(o.sanctions, s)
		if a := l.peer.MaxPrefix.Action; a == config.MaxPrefixShutdown || a == config.MaxPrefixRestart {
			l.tripped = true
			o.shutdown = &s
		}
	case n <= lim:
		l.over[fam] = false
	}
}

func (l *prefixLimiter) sanction(fam int, now time.Time, threshold bool) Sanction {
	m := l.peer.MaxPrefix
	what := "accepted"
	if m.CountRejected {
		what = "received"
	}
	lim := l.limit(fam)
	s := Sanction{Time: now, Family: famNames[fam], Limit: lim, Count: l.n[fam], Action: m.Action, Threshold: threshold,
		CountRejected: m.CountRejected, ContactNOC: l.peer.ContactNOC, ContactAbuse: l.peer.ContactAbuse}
	if m.Action == config.MaxPrefixRestart {
		s.RestartAfter = m.RestartAfter
	}
	switch {
	case threshold:
		s.Detail = fmt.Sprintf("%d%% of the limit of %d %s routes reached: %d %s (action %s on the limit)",
			m.WarnPercent, lim, famLabels[fam], s.Count, what, m.Action)
	case m.Action == config.MaxPrefixBlock:
		s.Count = l.n[fam] + 1 // the route that was refused
		s.Detail = fmt.Sprintf("limit %d %s routes reached (action block): routes past it are refused", lim, famLabels[fam])
	default:
		s.Detail = fmt.Sprintf("limit %d %s routes reached: %d %s (action %s)", lim, famLabels[fam], s.Count, what, m.Action)
		if m.Action == config.MaxPrefixRestart {
			s.Detail += fmt.Sprintf(", session re-enabled after %s", m.RestartAfter)
		}
	}
	if !threshold {
		l.last = &s
	}
	return s
}

// sessionDown forgets everything the session carried and returns the
// prefixes to take out of the block sets.
func (l *prefixLimiter) sessionDown() []netip.Prefix {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []netip.Prefix
	for p := range l.blocked {
		out = append(out, p)
	}
	l.counted = routestore.NewKeySet()
	l.blocked = map[netip.Prefix]blockedRoute{}
	l.n, l.nBlocked, l.over, l.warned = [2]int{}, [2]int{}, [2]bool{}, [2]bool{}
	l.tripped = false
	return out
}

// reconfigure applies new limits or policy in place (a reload must not
// reset the session), recounts from the store when what counts changed,
// and admits blocked routes that now fit.
func (l *prefixLimiter) reconfigure(c config.Peer, entries []routestore.KeyVerdict, now time.Time) limitOutcome {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.peer = c
	var o limitOutcome
	l.recountLocked(entries)
	for fam := range famNames {
		if l.limit(fam) == 0 {
			l.over[fam], l.warned[fam] = false, false
		}
		l.releaseRoom(fam, &o)
		l.thresholds(fam, now, &o)
	}
	return o
}

// recount rebuilds the counted set from the store, after verdicts changed
// without an UPDATE (filter change, dampening).
func (l *prefixLimiter) recount(entries []routestore.KeyVerdict, now time.Time) limitOutcome {
	l.mu.Lock()
	defer l.mu.Unlock()
	var o limitOutcome
	l.recountLocked(entries)
	if l.tripped {
		return o
	}
	for fam := range famNames {
		l.releaseRoom(fam, &o)
		l.thresholds(fam, now, &o)
	}
	return o
}

func (l *prefixLimiter) recountLocked(entries []routestore.KeyVerdict) {
	l.counted = routestore.NewKeySet()
	l.n = [2]int{}
	for _, e := range entries {
		if b, ok := l.blocked[e.Key.Prefix]; ok && b.key == e.Key {
			continue
		}
		if l.limit(famOf(e.Key.Prefix)) > 0 && l.counts(*e.Verdict) {
			l.counted.Add(e.Key)
			l.n[famOf(e.Key.Prefix)]++
		}
	}
}

func (l *prefixLimiter) status() MaxPrefixStatus {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := MaxPrefixStatus{Limits: [2]uint32{l.peer.MaxPrefixesIPv4, l.peer.MaxPrefixesIPv6}, Policy: l.peer.MaxPrefix,
		Counted: l.n, Blocked: l.nBlocked, RestartAt: l.restartAt}
	if l.last != nil {
		s := *l.last
		st.Last = &s
	}
	return st
}
