package routeserver

import (
	"fmt"
	"reflect"
	"strings"
	"unicode"

	"github.com/rsguard/rsguard/config"
)

// A reload plan is what moving a running rsguard from one config to another
// would do. `rsctl config check`, `rsguard check --running` and the reload
// itself all use PlanReload, so a check can never say OK for a change that a
// reload refuses, nor describe it differently.

// Sections that only a restart can change: the BGP identity and listeners
// (GoBGP cannot change them under live sessions) and the state directory
// (the caches and the dampening state live there).
var restartSections = map[string]bool{"Global": true}

// Sections applied live by a component of the daemon. A top-level section
// that is neither here nor in restartSections (one added later) needs a
// restart until its component learns to apply it: never silently ignored.
var liveSections = map[string]bool{"Filters": true, "Dampening": true, "IRR": true, "Log": true, "API": true, "RPKI": true,
	"LG": true, "BMP": true, "MRT": true, "Metrics": true}

// Peer keys applied to a live session without resetting it.
var (
	// the evaluator's and the compiled policy's data: prefixes and origins,
	// and the addresses and next-hop policy the next-hop check uses
	peerFilterKeys = map[string]bool{"Prefixes": true, "ASSet": true, "IRRMaxLengthIPv4": true, "IRRMaxLengthIPv6": true,
		"IPv4Address": true, "IPv6Address": true, "Addresses": true, "NextHop": true, "AuthorizedNextHops": true,
		// blacklist and allowed_origins change set entries only; allowed_routes
		// and enforce_* shape the statements, so they reset (the default)
		"Blacklist": true, "AllowedOrigins": true}
	// counted by rsguard, not by the session (maxprefix.go)
	peerLimitKeys = map[string]bool{"MaxPrefixesIPv4": true, "MaxPrefixesIPv6": true, "MaxPrefix": true,
		"ContactNOC": true, "ContactAbuse": true}
	peerLiveKeys = map[string]bool{"Description": true, "Dampening": true}
)

// PeerChangeKind says how a peer is moved to its new config.
type PeerChangeKind int

const (
	PeerAdded   PeerChangeKind = iota
	PeerRemoved                // session closed with a Cease
	PeerReset                  // a session key changed: removed and added again
	PeerUpdated                // session kept: filter, limits, dampening or description changed
)

// PeerChange is the plan for one peer. Keys are the config keys that
// changed (TOML names), for PeerReset and PeerUpdated.
type PeerChange struct {
	Name string
	Kind PeerChangeKind
	Keys []string
	// Filter, Limits, Dampening: which live updates a PeerUpdated needs.
	Filter, Limits, Dampening bool
}

// SectionChange is one changed top-level table.
type SectionChange struct {
	Section string   // "[filters]"
	Keys    []string // changed keys, TOML names
}

// ReloadPlan is everything a reload from old to next would do.
type ReloadPlan struct {
	Restart []SectionChange // non-empty: the reload is refused
	Live    []SectionChange // applied in place
	Peers   []PeerChange    // in config order: removed peers first
	// IRRStarts, IRRStops: the first peer with an as_set appears, or the
	// last one goes; the daemon starts or stops its IRR refresher.
	IRRStarts, IRRStops bool
}

// PlanReload compares two validated configs.
func PlanReload(old, next *config.Config) ReloadPlan {
	var p ReloadPlan
	ov, nv := reflect.ValueOf(*old), reflect.ValueOf(*next)
	t := ov.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || f.Name == "Peers" || f.Name == "Path" {
			continue
		}
		keys := changedKeys(ov.Field(i), nv.Field(i))
		if len(keys) == 0 {
			continue
		}
		sc := SectionChange{Section: "[" + strings.ToLower(f.Name) + "]", Keys: keys}
		if live, rest := splitLiveKeys(f.Name, keys); len(live) > 0 { // plan_runtime.go
			p.Live = append(p.Live, SectionChange{Section: sc.Section, Keys: live})
			if sc.Keys = rest; len(rest) == 0 {
				continue
			}
		}
		if liveSections[f.Name] && !restartSections[f.Name] && !restartKeys(f.Name, keys) {
			p.Live = append(p.Live, sc)
		} else {
			p.Restart = append(p.Restart, sc)
		}
	}
	p.IRRStarts = !UsesIRR(old) && UsesIRR(next)
	p.IRRStops = UsesIRR(old) && !UsesIRR(next)
	newPeers := map[string]config.Peer{}
	for _, np := range next.Peers {
		newPeers[np.Name] = np
	}
	oldPeers := map[string]config.Peer{}
	for _, op := range old.Peers {
		oldPeers[op.Name] = op
		if _, ok := newPeers[op.Name]; !ok {
			p.Peers = append(p.Peers, PeerChange{Name: op.Name, Kind: PeerRemoved})
		}
	}
	for _, np := range next.Peers {
		op, had := oldPeers[np.Name]
		if !had {
			p.Peers = append(p.Peers, PeerChange{Name: np.Name, Kind: PeerAdded})
			continue
		}
		pc, changed := planPeer(op, np)
		// The resolved next-hop policy also depends on [filters] next_hop
		// and, for same-as, on the other peers of the ASN: a change there
		// is a filter update of this peer too.
		if pc.Kind == PeerUpdated && !pc.Filter && !reflect.DeepEqual(old.NextHopPolicy(op), next.NextHopPolicy(np)) {
			pc.Filter, changed = true, true
			pc.Keys = append(pc.Keys, "resolved next_hop policy")
		}
		if changed {
			p.Peers = append(p.Peers, pc)
		}
	}
	return p
}

// UsesIRR reports whether some peer of cfg has an as_set: the IRR
// refresher runs exactly then.
func UsesIRR(cfg *config.Config) bool {
	for _, p := range cfg.Peers {
		if p.ASSet != "" {
			return true
		}
	}
	return false
}

// planPeer classifies the changed keys of one peer. Any key not known to
// be live (including keys added to config.Peer later) resets the session:
// re-creating the peer is the path a fresh start takes, so it is always
// correct, only less gentle.
func planPeer(op, np config.Peer) (PeerChange, bool) {
	pc := PeerChange{Name: np.Name, Kind: PeerUpdated}
	ov, nv := reflect.ValueOf(op), reflect.ValueOf(np)
	t := ov.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || reflect.DeepEqual(ov.Field(i).Interface(), nv.Field(i).Interface()) {
			continue
		}
		if f.Name == "PasswordFile" && op.Password == np.Password {
			continue // the same key read from another file
		}
		pc.Keys = append(pc.Keys, tomlName(f.Name))
		switch {
		case peerFilterKeys[f.Name]:
			pc.Filter = true
		case peerLimitKeys[f.Name]:
			pc.Limits = true
		case f.Name == "Dampening":
			pc.Dampening = true
		case peerLiveKeys[f.Name]:
		default:
			pc.Kind = PeerReset
		}
	}
	return pc, len(pc.Keys) > 0
}

// changedKeys lists the fields of a section (a struct) that differ.
func changedKeys(a, b reflect.Value) []string {
	if a.Kind() != reflect.Struct {
		if reflect.DeepEqual(a.Interface(), b.Interface()) {
			return nil
		}
		return []string{"(value)"}
	}
	var out []string
	for i := 0; i < a.NumField(); i++ {
		if !a.Type().Field(i).IsExported() {
			continue
		}
		if !reflect.DeepEqual(a.Field(i).Interface(), b.Field(i).Interface()) {
			out = append(out, tomlName(a.Type().Field(i).Name))
		}
	}
	return out
}

// tomlName turns a Go field name into the config key it comes from:
// MaxPrefixesIPv4 → max_prefixes_ipv4, ASSet → as_set, TLSCert → tls_cert.
func tomlName(field string) string {
	if n, ok := tomlOverrides[field]; ok {
		return n
	}
	r := []rune(field)
	var b strings.Builder
	for i, c := range r {
		if i > 0 && unicode.IsUpper(c) {
			prevLower := unicode.IsLower(r[i-1]) || unicode.IsDigit(r[i-1])
			nextLower := i+1 < len(r) && unicode.IsLower(r[i+1])
			if prevLower || (nextLower && unicode.IsUpper(r[i-1])) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

// Names the generic rule gets wrong (acronym followed by a version suffix).
var tomlOverrides = map[string]string{
	"IPv4PrefixLength": "ipv4_prefix_length", "IPv6PrefixLength": "ipv6_prefix_length",
	"MaxPrefixesIPv4": "max_prefixes_ipv4", "MaxPrefixesIPv6": "max_prefixes_ipv6",
	"IRRMaxLengthIPv4": "irr_max_length_ipv4", "IRRMaxLengthIPv6": "irr_max_length_ipv6",
	"ASSet": "as_set", "ASN": "asn", "RouterID": "router_id",
	"IPv4Address": "ipv4_address", "IPv6Address": "ipv6_address", "ContactNOC": "contact_noc",
	"MaxPrefix": "max_prefix_*",
}

// Refused is the error a reload of this plan returns, nil when it can be
// applied live.
func (p ReloadPlan) Refused() error {
	if len(p.Restart) == 0 {
		return nil
	}
	var parts []string
	for _, s := range p.Restart {
		parts = append(parts, s.Section+" "+strings.Join(s.Keys, ", "))
	}
	return fmt.Errorf("%s changed: %w (the running config is unchanged)", strings.Join(parts, "; "), ErrNeedsRestart)
}

// Changes reports whether a section ("[filters]") changed.
func (p ReloadPlan) Changes(section string) bool {
	for _, s := range append(p.Live, p.Restart...) {
		if s.Section == section {
			return true
		}
	}
	return false
}

// Empty reports a plan that changes nothing.
func (p ReloadPlan) Empty() bool {
	return len(p.Restart) == 0 && len(p.Live) == 0 && len(p.Peers) == 0 && !p.IRRStarts && !p.IRRStops
}

// Lines renders the plan for operators, one change a line.
func (p ReloadPlan) Lines() []string {
	var out []string
	for _, s := range p.Restart {
		out = append(out, fmt.Sprintf("%s %s changed: needs a restart, a reload is refused", s.Section, strings.Join(s.Keys, ", ")))
	}
	for _, s := range p.Live {
		out = append(out, fmt.Sprintf("%s %s changed: %s", s.Section, strings.Join(s.Keys, ", "), liveEffect[s.Section]))
	}
	if p.IRRStarts {
		out = append(out, "IRR refresher started: the first peer with an as_set")
	}
	if p.IRRStops {
		out = append(out, "IRR refresher stopped: no peer has an as_set any more")
	}
	for _, pc := range p.Peers {
		keys := strings.Join(pc.Keys, ", ")
		switch pc.Kind {
		case PeerAdded:
			out = append(out, fmt.Sprintf("peer %s: added", pc.Name))
		case PeerRemoved:
			out = append(out, fmt.Sprintf("peer %s: removed (session closed)", pc.Name))
		case PeerReset:
			out = append(out, fmt.Sprintf("peer %s: %s changed: session re-created", pc.Name, keys))
		case PeerUpdated:
			out = append(out, fmt.Sprintf("peer %s: %s changed: updated, session kept", pc.Name, keys))
		}
	}
	return out
}

var liveEffect = map[string]string{
	"[filters]":   "policy updated in place, every peer's routes re-evaluated, sessions kept",
	"[dampening]": "applied to the running engine, sessions kept",
	"[irr]":       "IRR sources switched, peers with as_set refreshed",
	"[log]":       "applied",
	"[api]":       "listeners rebound or their TLS key pair and token swapped",
	"[rpki]":      "VRP sources switched, affected routes re-evaluated, sessions kept",
	"[metrics]":   "endpoint moved, started or stopped",
	"[bmp]":       "stations added or removed (a new one gets the current Adj-RIB-In), sessions kept",
	"[mrt]":       "MRT writers restarted with the new settings (the open update log is completed first), sessions kept",
	"[global]":    runtimeLiveEffect, // plan_runtime.go: only its live keys get here
}

// restartFilterKeys are [filters] keys that shape which community sets the
// route server installs at start (actions.go): reject_policy = "tag" needs
// its cause sets, info_communities its own. They need a restart.
var restartFilterKeys = map[string]bool{"reject_policy": true, "info_communities": true}

func restartKeys(section string, keys []string) bool {
	if section != "Filters" {
		return false
	}
	for _, k := range keys {
		if restartFilterKeys[k] {
			return true
		}
	}
	return false
}
