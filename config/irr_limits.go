package config

import "time"

// Bounds of the [irr] keys that limit how long and how wide refreshes run.
const (
	maxIRRConcurrency    = 64
	minIRRQueryTimeout   = 100 * time.Millisecond
	minIRRRefreshTimeout = time.Second
)

// irrLimits reads [irr] concurrency, query_timeout and refresh_timeout.
func (d *decoder) irrLimits(r *IRR, t *table) {
	if v, _, ok := t.integer("concurrency", 1, maxIRRConcurrency, " (peers refreshed at the same time)"); ok {
		r.Concurrency = int(v)
	}
	if v, _, ok := t.duration("query_timeout"); ok {
		r.QueryTimeout = v
	}
	if v, _, ok := t.duration("refresh_timeout"); ok {
		r.RefreshTimeout = v
	}
}

// irrLimits checks that no query outlives the refresh it belongs to, and
// that neither deadline is so short that a healthy registry cannot answer.
func (v *validator) irrLimits(r IRR, at loc) {
	if r.QueryTimeout < minIRRQueryTimeout {
		v.col.addf(at.key("query_timeout"), "%s is too short: at least %s", r.QueryTimeout, minIRRQueryTimeout)
	}
	switch {
	case r.RefreshTimeout < minIRRRefreshTimeout:
		v.col.addf(at.key("refresh_timeout"), "%s is too short: at least %s", r.RefreshTimeout, minIRRRefreshTimeout)
	case r.RefreshTimeout < r.QueryTimeout:
		v.col.addf(at.key("refresh_timeout"), "%s is shorter than query_timeout %s: one query could never finish", r.RefreshTimeout, r.QueryTimeout)
	}
}
