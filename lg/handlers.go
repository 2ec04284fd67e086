package lg

import (
	"net/http"
	"net/netip"
	"sort"
	"strconv"
	"time"

	"github.com/rsguard/rsguard/filters"
	"github.com/rsguard/rsguard/routestore"
)

func (h *Handler) status(rp *reply) {
	st := h.b.Status()
	api, at, ttl := rp.envelope()
	reconf := st.LastReconfig
	if reconf.IsZero() {
		reconf = st.Started
	}
	rid := ""
	if st.RouterID.IsValid() {
		rid = st.RouterID.String()
	}
	rp.json(statusBody{API: api, CachedAt: at, TTL: ttl, Status: statusJSON{
		CurrentServer: shortTime(rp.now), LastReboot: shortTime(st.Started), LastReconfig: shortTime(reconf),
		Message: "Daemon is up and running", RouterID: rid, Version: st.Version}})
}

// tableOf names the BIRD table a neighbor's session lives in; its routes
// of both families are listed under it whatever the session's family.
func tableOf(n Neighbor) string {
	if n.Address.Unmap().Is4() {
		return "master4"
	}
	return "master6"
}

func (h *Handler) protocols(rp *reply) {
	ns := h.b.Neighbors()
	exp := h.exported(ns)
	out := make(map[string]protocolJSON, len(ns))
	for _, n := range ns {
		id := NeighborID(n)
		st := connectionState(n.State)
		out[id] = protocolJSON{Protocol: id, BirdProtocol: "BGP", Table: tableOf(n), State: birdState(n),
			StateChanged: shortTime(sinceOr(n, rp.now)), Connection: st, BGPState: st,
			NeighborAddress: n.Address.Unmap().String(), NeighborAS: n.ASN, Description: description(n),
			LastError: n.LastError,
			Routes: routeCounts{Imported: n.Counts.Accepted, Filtered: n.Counts.Rejected,
				Exported: exp[n.Name], Preferred: n.Counts.Accepted}}
	}
	api, at, ttl := rp.envelope()
	rp.json(protocolsBody{API: api, CachedAt: at, TTL: ttl, Protocols: out})
}

func (h *Handler) protocolsShort(rp *reply) {
	ns := h.b.Neighbors()
	out := make(map[string]shortJSON, len(ns))
	for _, n := range ns {
		out[NeighborID(n)] = shortJSON{Proto: "BGP", Table: tableOf(n), State: birdState(n),
			Since: shortTime(sinceOr(n, rp.now)), Info: connectionState(n.State)}
	}
	api, at, ttl := rp.envelope()
	rp.json(shortBody{API: api, CachedAt: at, TTL: ttl, Protocols: out})
}

// sinceOr is when the neighbor entered its state; "now" when unknown, so
// Alice never computes an uptime from the zero time.
func sinceOr(n Neighbor, now time.Time) time.Time {
	if n.Since.IsZero() || n.Since.After(now) {
		return now
	}
	return n.Since
}

// description is searchable in Alice: the operator's text with the peer's
// config name, so both find it.
func description(n Neighbor) string {
	if n.Description == "" || n.Description == n.Name {
		return n.Name
	}
	return n.Name + ": " + n.Description
}

// neighborByID finds the neighbor behind a protocol key.
func (h *Handler) neighborByID(id string) (Neighbor, bool) {
	for _, n := range h.b.Neighbors() {
		if NeighborID(n) == id {
			return n, true
		}
	}
	return Neighbor{}, false
}

func (h *Handler) neighborRoutes(rp *reply, kind, id string) {
	n, ok := h.neighborByID(id)
	if !ok {
		rp.fail(http.StatusNotFound, errUnknownNeighbor.Error())
		return
	}
	if !rp.acquire() {
		return
	}
	defer rp.release()
	s := rp.stream()
	switch kind {
	case "protocol":
		h.list(s, n, false, anyFamily)
	case "filtered":
		h.list(s, n, true, anyFamily)
	case "noexport":
		h.notExported(s, n)
	}
	s.end()
}

// notExported streams the accepted routes of every other neighbor that
// the route server keeps from neighbor to, as filters.DecideExport (the
// reference GoBGP's export policy is tested against) decides: an
// announcement-control community, or to's ASN already in the path. The
// deciding rule is the evidence. Every candidate path is judged, not only
// the best one.
func (h *Handler) notExported(s *routeStream, to Neighbor) {
	set := filters.ExportSettings{RSASN: h.o.RSASN, HonourWellKnown: h.o.HonourWellKnown}
	ns := h.b.Neighbors()
	sort.Slice(ns, func(i, j int) bool { return ns[i].Name < ns[j].Name })
	accepted := false
	for _, n := range ns {
		if n.Name == to.Name {
			continue
		}
		h.b.Routes(routestore.Query{Peer: n.Name, Rejected: &accepted}, func(e routestore.Entry) bool {
			d := filters.DecideExport(set, e.Route, e.Communities, to.ASN)
			if d.Send {
				return true
			}
			r := h.routeOf(n, e)
			r.RSGuard.NotExported = d.Rule
			return s.add(r)
		})
		if s.err != nil {
			return
		}
	}
}

func (h *Handler) count(rp *reply, id string) {
	n, ok := h.neighborByID(id)
	if !ok {
		rp.fail(http.StatusNotFound, errUnknownNeighbor.Error())
		return
	}
	api, at, ttl := rp.envelope()
	rp.json(countBody{API: api, CachedAt: at, TTL: ttl, Routes: n.Counts.Accepted})
}

type family int

const (
	anyFamily family = iota
	ipv4Only
	ipv6Only
)

func (f family) has(p netip.Prefix) bool {
	switch f {
	case ipv4Only:
		return p.Addr().Is4()
	case ipv6Only:
		return p.Addr().Is6()
	}
	return true
}

// tables are the table names Alice's main_table / main_table4 / main_table6
// may name.
var tables = map[string]family{"master": anyFamily, "master4": ipv4Only, "master6": ipv6Only}

// table dumps every accepted (or every rejected) route of every neighbor,
// one neighbor at a time so only one peer's table is ever copied.
func (h *Handler) table(rp *reply, name string, rejected bool) {
	fam, ok := tables[name]
	if !ok {
		rp.fail(http.StatusNotFound, "unknown table "+strconv.Quote(name)+": want master, master4 or master6")
		return
	}
	if !rp.acquire() {
		return
	}
	defer rp.release()
	ns := h.b.Neighbors()
	sort.Slice(ns, func(i, j int) bool { return ns[i].Name < ns[j].Name })
	s := rp.stream()
	for _, n := range ns {
		if !h.list(s, n, rejected, fam) {
			break
		}
	}
	s.end()
}

// list streams one neighbor's accepted or rejected routes of a family; it
// reports false once the stream has failed.
func (h *Handler) list(s *routeStream, n Neighbor, rejected bool, fam family) bool {
	h.b.Routes(routestore.Query{Peer: n.Name, Rejected: &rejected}, func(e routestore.Entry) bool {
		if !fam.has(e.Key.Prefix) {
			return true
		}
		return s.add(h.routeOf(n, e))
	})
	return s.err == nil
}

// lookupPrefix answers /routes/prefix?prefix=P: the accepted routes of
// exactly P from every neighbor (BIRD's `show route P all`).
func (h *Handler) lookupPrefix(rp *reply, q string) {
	p, err := netip.ParsePrefix(q)
	if err != nil {
		rp.fail(http.StatusBadRequest, "prefix "+strconv.Quote(q)+" is not a prefix")
		return
	}
	h.lookup(rp, routestore.Query{Prefix: p.Masked()})
}

// lookupNet answers /route/net/<address or prefix>: for an address, the
// accepted routes of the longest prefix covering it (BIRD's `show route
// for`); for a prefix, the routes of exactly that prefix.
func (h *Handler) lookupNet(rp *reply, q string) {
	if p, err := netip.ParsePrefix(q); err == nil {
		h.lookup(rp, routestore.Query{Prefix: p.Masked()})
		return
	}
	a, err := netip.ParseAddr(q)
	if err != nil {
		rp.fail(http.StatusBadRequest, strconv.Quote(q)+" is neither an address nor a prefix")
		return
	}
	a = a.Unmap().WithZone("")
	best := netip.Prefix{}
	f := false
	if !rp.acquire() { // the scan reads every peer's table
		return
	}
	h.b.Routes(routestore.Query{Contains: a, Rejected: &f}, func(e routestore.Entry) bool {
		if !best.IsValid() || e.Key.Prefix.Bits() > best.Bits() {
			best = e.Key.Prefix
		}
		return true
	})
	rp.release()
	if !best.IsValid() {
		rp.empty()
		return
	}
	h.lookup(rp, routestore.Query{Prefix: best})
}

func (h *Handler) lookup(rp *reply, q routestore.Query) {
	f := false
	q.Rejected = &f
	byName := map[string]Neighbor{}
	for _, n := range h.b.Neighbors() {
		byName[n.Name] = n
	}
	if !rp.acquire() {
		return
	}
	defer rp.release()
	s := rp.stream()
	h.b.Routes(q, func(e routestore.Entry) bool {
		n, ok := byName[e.Peer]
		if !ok {
			return true // removed by a reload since
		}
		return s.add(h.routeOf(n, e))
	})
	s.end()
}
