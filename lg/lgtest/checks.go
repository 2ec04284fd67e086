package lgtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"regexp"
	"strconv"
	"time"
)

// TimeLayout is the layout the example Alice config sets for
// servertime_short and servertime_ext.
const TimeLayout = "2006-01-02 15:04:05"

// DecodeStrict decodes body into v and fails on any field v does not
// mirror: rsguard must send nothing Alice does not expect, except the
// mirrored extra field.
func DecodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decoding %T: %v\n%.400s", v, err, body)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("trailing data after the JSON value: %.200s", body)
	}
	return nil
}

// CheckEnvelope checks the envelope as Alice reads it (§5 item 2): the
// api object with Version and result_from_cache, a ttl that parses as
// RFC 3339 and lies after now, a cached_at date that parses.
func CheckEnvelope(e Envelope, now time.Time) error {
	switch {
	case e.API == nil:
		return fmt.Errorf("no api object (Alice panics)")
	case e.API.Version == nil || *e.API.Version == "":
		return fmt.Errorf("api.Version missing (Alice panics)")
	case e.API.ResultFromCache == nil:
		return fmt.Errorf("api.result_from_cache missing (Alice panics)")
	case e.TTL == nil:
		return fmt.Errorf("ttl missing: Alice would refetch on every click")
	}
	ttl, err := time.Parse(time.RFC3339Nano, *e.TTL)
	if err != nil {
		return fmt.Errorf("ttl %q: %v", *e.TTL, err)
	}
	if !ttl.After(now) {
		return fmt.Errorf("ttl %s is not in the future (now %s)", ttl, now)
	}
	if _, err := time.Parse(time.RFC3339Nano, e.API.CacheStatus.CachedAt.Date); err != nil {
		return fmt.Errorf("cache_status.cached_at.date: %v", err)
	}
	return nil
}

// CheckTime: a BIRD-style UTC time, not in the future (§5 item 3).
func CheckTime(what, s string, now time.Time) error {
	t, err := time.Parse(TimeLayout, s)
	if err != nil {
		return fmt.Errorf("%s %q: %v", what, s, err)
	}
	if t.After(now.Add(time.Second)) {
		return fmt.Errorf("%s %s is in the future (now %s)", what, s, now.UTC().Format(TimeLayout))
	}
	return nil
}

var protocolKey = regexp.MustCompile(`^[A-Za-z0-9_:.]{1,80}$`)

// CheckProtocols checks /protocols/bgp (§5 item 4).
func CheckProtocols(p Protocols, now time.Time) []error {
	var errs []error
	add := func(id, f string, a ...any) {
		errs = append(errs, fmt.Errorf("protocol %s: "+f, append([]any{id}, a...)...))
	}
	if p.Protocols == nil {
		return []error{fmt.Errorf("protocols is not an object")}
	}
	for id, pr := range p.Protocols {
		if !protocolKey.MatchString(id) {
			add(id, "key outside [A-Za-z0-9_:.]{1,80}")
		}
		if pr.Protocol != id {
			add(id, ".protocol %q differs from its key", pr.Protocol)
		}
		if pr.BirdProtocol != "BGP" {
			add(id, "bird_protocol %q, want BGP", pr.BirdProtocol)
		}
		if pr.Routes == nil || pr.Routes.Imported == nil || pr.Routes.Filtered == nil || pr.Routes.Exported == nil || pr.Routes.Preferred == nil {
			add(id, "routes must hold imported, filtered, exported and preferred")
		} else if *pr.Routes.Imported < 0 || *pr.Routes.Filtered < 0 || *pr.Routes.Exported < 0 || *pr.Routes.Preferred < 0 {
			add(id, "negative route count %+v", *pr.Routes)
		}
		if _, err := netip.ParseAddr(pr.NeighborAddress); err != nil {
			add(id, "neighbor_address: %v", err)
		}
		if pr.State != "up" && pr.State != "start" && pr.State != "down" {
			add(id, "state %q not in up/start/down", pr.State)
		}
		if err := CheckTime("state_changed", pr.StateChanged, now); err != nil {
			add(id, "%v", err)
		}
	}
	return errs
}

var digits = regexp.MustCompile(`^[0-9]+$`)

// CheckRoute checks one route of neighbor proto's list (§5 item 5).
func CheckRoute(r Route, id string, proto Protocol, now time.Time) error {
	p, err := netip.ParsePrefix(r.Network)
	switch {
	case err != nil:
		return fmt.Errorf("network %q: %v", r.Network, err)
	case p != p.Masked():
		return fmt.Errorf("network %s has host bits", r.Network)
	case r.Gateway != proto.NeighborAddress || r.LearntFrom != proto.NeighborAddress:
		return fmt.Errorf("%s: gateway %q / learnt_from %q, want the neighbor %s", r.Network, r.Gateway, r.LearntFrom, proto.NeighborAddress)
	case r.FromProtocol != id:
		return fmt.Errorf("%s: from_protocol %q, want %q", r.Network, r.FromProtocol, id)
	case r.Metric == nil || r.Primary == nil || r.Type == nil:
		return fmt.Errorf("%s: metric, primary and type are required", r.Network)
	case r.BGP == nil:
		return fmt.Errorf("%s: no bgp object", r.Network)
	case !digits.MatchString(r.BGP.LocalPref) || !digits.MatchString(r.BGP.MED):
		return fmt.Errorf("%s: local_pref %q / med %q are not decimal strings", r.Network, r.BGP.LocalPref, r.BGP.MED)
	case r.BGP.Origin != "IGP" && r.BGP.Origin != "EGP" && r.BGP.Origin != "Incomplete":
		return fmt.Errorf("%s: origin %q", r.Network, r.BGP.Origin)
	}
	for _, a := range r.BGP.ASPath {
		if _, err := strconv.ParseUint(a, 10, 32); err != nil {
			return fmt.Errorf("%s: as_path item %q: %v", r.Network, a, err)
		}
	}
	if _, err := netip.ParseAddr(r.BGP.NextHop); err != nil {
		return fmt.Errorf("%s: next_hop %q: %v", r.Network, r.BGP.NextHop, err)
	}
	return CheckTime(r.Network+" age", r.Age, now)
}

// StreamTokens walks body as Alice's streaming parser does and counts the
// tokens "api", "ttl" and "routes" seen anywhere, and at which depth (§5
// item 7): each must occur once, as a top-level key.
func StreamTokens(body []byte) (map[string][]int, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	seen := map[string][]int{}
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return seen, nil
		}
		if err != nil {
			return seen, err
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				depth++
			} else {
				depth--
			}
		case string:
			if v == "api" || v == "ttl" || v == "routes" {
				seen[v] = append(seen[v], depth)
			}
		}
	}
}

// DecodeRoutes decodes a route list strictly and checks its envelope, that
// "routes" is a list (not null), and that the stream words occur once each
// at the top level.
func DecodeRoutes(body []byte, now time.Time) (Routes, error) {
	var r Routes
	if err := DecodeStrict(body, &r); err != nil {
		return r, err
	}
	if err := CheckEnvelope(r.Envelope, now); err != nil {
		return r, err
	}
	if r.Routes == nil {
		return r, fmt.Errorf("routes is null or missing, want a list")
	}
	seen, err := StreamTokens(body)
	if err != nil {
		return r, fmt.Errorf("token walk: %v", err)
	}
	for _, k := range []string{"api", "ttl", "routes"} {
		if d := seen[k]; len(d) != 1 || d[0] != 1 {
			return r, fmt.Errorf("token %q seen at depths %v, want once at depth 1", k, d)
		}
	}
	return r, nil
}
