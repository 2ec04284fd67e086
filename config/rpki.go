package config

import (
	"strings"
	"time"
)

// RPKI is the [rpki] table: RFC 6811 origin validation. It is off unless
// at least one VRP source (files or rtr) is given. Every key is applied by
// a reload.
type RPKI struct {
	Files      []string      // VRP JSON exports (rpki-client, Routinator, OctoRPKI, stayrtr)
	RTR        []string      // RTR caches, "host:port"
	SLURM      string        // RFC 8416 local overrides, "" for none
	StaleAfter time.Duration // a source not refreshed for this long is dropped
	Poll       time.Duration // how often files are checked for changes
	// UseROAsAsRouteObjects: VRPs of the ASNs a peer may originate count
	// as registered prefixes for check 12 (ARouteServer's option).
	UseROAsAsRouteObjects bool
}

// Enabled reports whether any VRP source is configured.
func (r RPKI) Enabled() bool { return len(r.Files) > 0 || len(r.RTR) > 0 }

// Defaults of the [rpki] keys.
const (
	// DefaultRPKIStaleAfter matches RTR's default Expire Interval (RFC 8210
	// §6: 7200 s): a validator that has not written for two hours is dead.
	DefaultRPKIStaleAfter = 2 * time.Hour
	DefaultRPKIPoll       = 30 * time.Second
	minRPKIPoll           = 100 * time.Millisecond
)

func (d *decoder) rpki(r *RPKI, t *table) {
	if list, _, ok := t.strList("files"); ok {
		r.Files = make([]string, len(list))
		for i, s := range list {
			r.Files[i] = d.resolve(s)
		}
	}
	if list, _, ok := t.strList("rtr"); ok {
		r.RTR = list
	}
	if s, _, ok := t.str("slurm"); ok {
		r.SLURM = d.resolve(s)
	}
	if v, _, ok := t.duration("stale_after"); ok {
		r.StaleAfter = v
	}
	if v, _, ok := t.duration("poll"); ok {
		r.Poll = v
	}
	if v, _, ok := t.boolean("use_roas_as_route_objects"); ok {
		r.UseROAsAsRouteObjects = v
	}
}

func (v *validator) rpki() {
	r := v.c.RPKI
	at := root.key("rpki")
	seen := map[string]bool{}
	for i, f := range r.Files {
		el := at.key("files").index(i)
		if seen[f] {
			v.col.addf(el, "%s is listed twice", f)
		}
		seen[f] = true
		v.fileExists(el, f)
	}
	seen = map[string]bool{}
	for i, s := range r.RTR {
		el := at.key("rtr").index(i)
		if err := checkHostPort(s); err != nil {
			v.col.addf(el, "%v", err)
		} else if strings.HasPrefix(s, ":") {
			v.col.addf(el, "%q: a cache needs a host, e.g. \"127.0.0.1:3323\"", s)
		} else if seen[s] {
			v.col.addf(el, "%q is listed twice", s)
		}
		seen[s] = true
	}
	if r.SLURM != "" {
		v.fileExists(at.key("slurm"), r.SLURM)
		if !r.Enabled() {
			v.col.addf(at.key("slurm"), "a SLURM file needs VRPs to apply to: set files or rtr")
		}
	}
	if r.UseROAsAsRouteObjects && !r.Enabled() {
		v.col.addf(at.key("use_roas_as_route_objects"), "needs VRPs: set files or rtr")
	}
	if r.Poll < minRPKIPoll {
		v.col.addf(at.key("poll"), "%s is too short: at least %s", r.Poll, minRPKIPoll)
	}
	if r.StaleAfter <= r.Poll {
		v.col.addf(at.key("stale_after"), "%s must be longer than poll (%s), or every file would turn stale between two looks", r.StaleAfter, r.Poll)
	}
}

type renderRPKI struct {
	Files      []string `toml:"files"`
	RTR        []string `toml:"rtr"`
	SLURM      string   `toml:"slurm,omitempty"`
	StaleAfter string   `toml:"stale_after"`
	Poll       string   `toml:"poll"`
	ROAs       bool     `toml:"use_roas_as_route_objects"`
}

func renderRPKIOf(r RPKI) renderRPKI {
	return renderRPKI{Files: nonNil(r.Files), RTR: nonNil(r.RTR), SLURM: r.SLURM,
		StaleAfter: formatDuration(r.StaleAfter), Poll: formatDuration(r.Poll), ROAs: r.UseROAsAsRouteObjects}
}

func (r *RPKI) dropEmptyLists() {
	if len(r.Files) == 0 {
		r.Files = nil
	}
	if len(r.RTR) == 0 {
		r.RTR = nil
	}
}
